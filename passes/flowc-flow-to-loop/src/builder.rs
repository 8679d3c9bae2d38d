//! `Kb`, the kernel builder: appends loop / buffer / arith / math / vector ops to a block, with
//! closures for loop bodies, so that a lowering reads like the loop nest it builds.
//!
//! Values are plain IR values; element types are described by [`Elem`], which knows how a flow
//! element type is stored (signless integers, `i8` for `bool`) and computed (`f16` / `bf16` in
//! `f32`, rounded back on store, as the interpreter does).

use flowc_ir::Signedness;
use flowc_ir::{
    Attribute, Block, Context, FloatKind, Location, Op, OperationState, Type, TypeData,
};

/// How one flow element type is stored in memory and computed with.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Elem {
    Float(FloatKind),
    Int {
        width: u32,
        signed: bool,
    },
    /// `i1` tensors: stored as one byte (0 / 1), computed as `i1`.
    Bool,
}

impl Elem {
    /// The element kind of a flow element type (`f32`, `ui8`, `i1` ...), `None` for others
    /// (strings, complex, index).
    pub fn of(ctx: &Context, ty: Type) -> Option<Elem> {
        match ctx.type_data(ty) {
            TypeData::Float(k) => Some(Elem::Float(*k)),
            TypeData::Integer { width: 1, .. } => Some(Elem::Bool),
            TypeData::Integer { width, signedness } if matches!(width, 8 | 16 | 32 | 64) => {
                Some(Elem::Int {
                    width: *width,
                    signed: *signedness != Signedness::Unsigned,
                })
            }
            _ => None,
        }
    }

    pub fn is_float(self) -> bool {
        matches!(self, Elem::Float(_))
    }

    /// Bytes per element in memory.
    pub fn bytes(self) -> u64 {
        match self {
            Elem::Float(k) => u64::from(k.width() / 8),
            Elem::Int { width, .. } => u64::from(width / 8),
            Elem::Bool => 1,
        }
    }

    /// The type elements have in memrefs: signless integers, `i8` for bool.
    pub fn storage_type(self, ctx: &mut Context) -> Type {
        match self {
            Elem::Float(k) => ctx.float_type(k),
            Elem::Int { width, .. } => ctx.integer_type(width),
            Elem::Bool => ctx.integer_type(8),
        }
    }

    /// The type kernels compute in: `f32` for `f16` / `bf16`, `i1` for bool.
    pub fn compute_type(self, ctx: &mut Context) -> Type {
        match self {
            Elem::Float(FloatKind::F16 | FloatKind::BF16) => ctx.f32_type(),
            Elem::Float(k) => ctx.float_type(k),
            Elem::Int { width, .. } => ctx.integer_type(width),
            Elem::Bool => ctx.i1_type(),
        }
    }
}

/// The memref type that holds a static tensor type, or `None` when the shape is dynamic or the
/// element type has no storage.
pub fn memref_for_tensor(ctx: &mut Context, tensor: Type) -> Option<Type> {
    let shape = ctx.shape(tensor)?.to_vec();
    if shape.iter().any(|&d| d < 0) {
        return None;
    }
    let elem = Elem::of(ctx, ctx.element_type(tensor)?)?;
    let st = elem.storage_type(ctx);
    Some(ctx.memref_type(shape, st))
}

/// `arith.cmpf` predicates (MLIR's enum values).
pub mod cmpf {
    pub const OEQ: i64 = 1;
    pub const OGT: i64 = 2;
    pub const OGE: i64 = 3;
    pub const OLT: i64 = 4;
    pub const OLE: i64 = 5;
    pub const ONE: i64 = 6;
    pub const ORD: i64 = 7;
    pub const UNE: i64 = 13;
    pub const UNO: i64 = 14;
}

/// `arith.cmpi` predicates (MLIR's enum values).
pub mod cmpi {
    pub const EQ: i64 = 0;
    pub const NE: i64 = 1;
    pub const SLT: i64 = 2;
    pub const SLE: i64 = 3;
    pub const SGT: i64 = 4;
    pub const SGE: i64 = 5;
    pub const ULT: i64 = 6;
    pub const ULE: i64 = 7;
    pub const UGT: i64 = 8;
    pub const UGE: i64 = 9;
}

/// Appends ops at the end of `block` (before its terminator once one exists, see
/// [`Kb::before`]).
pub struct Kb<'a> {
    pub ctx: &'a mut Context,
    pub block: Block,
    pub loc: Location,
    /// When set, ops are inserted before this op instead of appended.
    pub before: Option<Op>,
    /// The kernel is for the GPU target: loop nests that would be cut into CPU-sized tasks
    /// (elementwise chunks) are plain parallel nests instead, one GPU thread per element.
    pub gpu: bool,
}

impl<'a> Kb<'a> {
    pub fn new(ctx: &'a mut Context, block: Block, loc: Location) -> Self {
        Kb {
            ctx,
            block,
            loc,
            before: None,
            gpu: false,
        }
    }

    /// A builder for a nested block of this one's kernel (same location and target).
    fn nested<'b>(&'b mut self, block: Block) -> Kb<'b> {
        let mut inner = Kb::new(self.ctx, block, self.loc);
        inner.gpu = self.gpu;
        inner
    }

    /// Creates an op and inserts it at the builder's position.
    pub fn op(
        &mut self,
        name: &str,
        operands: &[flowc_ir::Value],
        results: &[Type],
        attrs: &[(&str, Attribute)],
    ) -> Op {
        let mut state = OperationState::new(self.ctx, name, self.loc)
            .operands(operands)
            .results(results);
        for (n, a) in attrs {
            state.add_attr(self.ctx, n, *a);
        }
        self.insert(state)
    }

    fn insert(&mut self, state: OperationState) -> Op {
        let op = self.ctx.create_op(state);
        match self.before {
            Some(anchor) => self.ctx.insert_op_before(anchor, op),
            None => self.ctx.append_op(self.block, op),
        }
        op
    }

    /// An op with one result.
    pub fn op1(
        &mut self,
        name: &str,
        operands: &[flowc_ir::Value],
        result: Type,
        attrs: &[(&str, Attribute)],
    ) -> flowc_ir::Value {
        let op = self.op(name, operands, &[result], attrs);
        self.ctx.result(op, 0)
    }

    pub fn value_type(&self, v: flowc_ir::Value) -> Type {
        self.ctx.value_type(v)
    }

    // ----- constants -----

    pub fn index(&mut self, v: i64) -> flowc_ir::Value {
        let it = self.ctx.index_type();
        let a = self.ctx.integer_attr(it, i128::from(v));
        self.op1("arith.constant", &[], it, &[("value", a)])
    }

    /// A constant of scalar type `ty` (float or integer, `i1` included).
    pub fn constant(&mut self, ty: Type, v: f64) -> flowc_ir::Value {
        let a = match self.ctx.type_data(ty) {
            TypeData::Float(_) => self.ctx.float_attr(ty, v),
            TypeData::Integer { width: 1, .. } => self.ctx.integer_attr(ty, i128::from(v != 0.0)),
            _ => self.ctx.integer_attr(ty, v as i128),
        };
        self.op1("arith.constant", &[], ty, &[("value", a)])
    }

    /// An integer constant of type `ty` given exactly (for values beyond f64's precision).
    pub fn constant_int(&mut self, ty: Type, v: i128) -> flowc_ir::Value {
        let a = self.ctx.integer_attr(ty, v);
        self.op1("arith.constant", &[], ty, &[("value", a)])
    }

    // ----- index arithmetic -----

    pub fn binary(
        &mut self,
        name: &str,
        a: flowc_ir::Value,
        b: flowc_ir::Value,
    ) -> flowc_ir::Value {
        let ty = self.value_type(a);
        self.op1(name, &[a, b], ty, &[])
    }

    pub fn unary(&mut self, name: &str, a: flowc_ir::Value) -> flowc_ir::Value {
        let ty = self.value_type(a);
        self.op1(name, &[a], ty, &[])
    }

    pub fn addi(&mut self, a: flowc_ir::Value, b: flowc_ir::Value) -> flowc_ir::Value {
        self.binary("arith.addi", a, b)
    }

    pub fn subi(&mut self, a: flowc_ir::Value, b: flowc_ir::Value) -> flowc_ir::Value {
        self.binary("arith.subi", a, b)
    }

    pub fn muli(&mut self, a: flowc_ir::Value, b: flowc_ir::Value) -> flowc_ir::Value {
        self.binary("arith.muli", a, b)
    }

    /// `a * k + b` on indices, folding the trivial cases at build time.
    pub fn mul_add_index(
        &mut self,
        a: flowc_ir::Value,
        k: i64,
        b: Option<flowc_ir::Value>,
    ) -> flowc_ir::Value {
        let scaled = if k == 1 {
            a
        } else {
            let kv = self.index(k);
            self.muli(a, kv)
        };
        match b {
            Some(b) => self.addi(scaled, b),
            None => scaled,
        }
    }

    pub fn cmp(
        &mut self,
        float: bool,
        predicate: i64,
        a: flowc_ir::Value,
        b: flowc_ir::Value,
    ) -> flowc_ir::Value {
        let i1 = self.ctx.i1_type();
        let p = self.ctx.i64_attr(predicate);
        let name = if float { "arith.cmpf" } else { "arith.cmpi" };
        self.op1(name, &[a, b], i1, &[("predicate", p)])
    }

    pub fn select(
        &mut self,
        c: flowc_ir::Value,
        a: flowc_ir::Value,
        b: flowc_ir::Value,
    ) -> flowc_ir::Value {
        let ty = self.value_type(a);
        self.op1("arith.select", &[c, a, b], ty, &[])
    }

    /// A cast op (`arith.extf`, `arith.sitofp`, ...) to `ty`.
    pub fn cast(&mut self, name: &str, v: flowc_ir::Value, ty: Type) -> flowc_ir::Value {
        self.op1(name, &[v], ty, &[])
    }

    // ----- memory -----

    pub fn load(&mut self, mem: flowc_ir::Value, idx: &[flowc_ir::Value]) -> flowc_ir::Value {
        let mt = self.value_type(mem);
        let et = self.ctx.element_type(mt).expect("buffer.load of a memref");
        let mut operands = vec![mem];
        operands.extend_from_slice(idx);
        self.op1("buffer.load", &operands, et, &[])
    }

    pub fn store(&mut self, v: flowc_ir::Value, mem: flowc_ir::Value, idx: &[flowc_ir::Value]) {
        let mut operands = vec![v, mem];
        operands.extend_from_slice(idx);
        self.op("buffer.store", &operands, &[], &[]);
    }

    /// Loads an element of `elem` and converts it to its compute type.
    pub fn load_elem(
        &mut self,
        elem: Elem,
        mem: flowc_ir::Value,
        idx: &[flowc_ir::Value],
    ) -> flowc_ir::Value {
        let v = self.load(mem, idx);
        self.to_compute(elem, v)
    }

    /// Converts a compute-type value back to `elem`'s storage and stores it.
    pub fn store_elem(
        &mut self,
        elem: Elem,
        v: flowc_ir::Value,
        mem: flowc_ir::Value,
        idx: &[flowc_ir::Value],
    ) {
        let s = self.to_storage(elem, v);
        self.store(s, mem, idx);
    }

    /// Storage value -> compute value (`f16` -> `f32`, `i8` bool -> `i1`).
    pub fn to_compute(&mut self, elem: Elem, v: flowc_ir::Value) -> flowc_ir::Value {
        match elem {
            Elem::Float(FloatKind::F16 | FloatKind::BF16) => {
                let f32t = self.ctx.f32_type();
                self.cast("arith.extf", v, f32t)
            }
            Elem::Bool => {
                let zero = self.constant(self.value_type(v), 0.0);
                self.cmp(false, cmpi::NE, v, zero)
            }
            _ => v,
        }
    }

    /// Compute value -> storage value.
    pub fn to_storage(&mut self, elem: Elem, v: flowc_ir::Value) -> flowc_ir::Value {
        match elem {
            Elem::Float(k @ (FloatKind::F16 | FloatKind::BF16)) => {
                let t = self.ctx.float_type(k);
                self.cast("arith.truncf", v, t)
            }
            Elem::Bool => {
                let i8t = self.ctx.integer_type(8);
                self.cast("arith.extui", v, i8t)
            }
            _ => v,
        }
    }

    // ----- structured control flow -----

    /// `loop.for %iv = lb to ub step step iter_args(inits)`: `body(kb, iv, args)` returns the
    /// yielded values; returns the loop's results.
    pub fn for_loop(
        &mut self,
        lb: flowc_ir::Value,
        ub: flowc_ir::Value,
        step: flowc_ir::Value,
        inits: &[flowc_ir::Value],
        body: impl FnOnce(&mut Kb<'_>, flowc_ir::Value, &[flowc_ir::Value]) -> Vec<flowc_ir::Value>,
    ) -> Vec<flowc_ir::Value> {
        let it = self.ctx.index_type();
        let types: Vec<Type> = inits.iter().map(|&v| self.value_type(v)).collect();
        let mut args = vec![(it, self.loc)];
        args.extend(types.iter().map(|&t| (t, self.loc)));
        let block = self.ctx.create_block(&args);
        let region = self.ctx.create_region();
        self.ctx.append_block(region, block);
        let mut operands = vec![lb, ub, step];
        operands.extend_from_slice(inits);
        let mut state = OperationState::new(self.ctx, "loop.for", self.loc)
            .operands(&operands)
            .results(&types);
        state.regions.push(region);
        let op = self.insert(state);
        let block_args = self.ctx.block_args(block).to_vec();
        let yielded = {
            let mut inner = self.nested(block);
            let y = body(&mut inner, block_args[0], &block_args[1..]);
            inner.op("loop.yield", &y, &[], &[]);
            y
        };
        debug_assert_eq!(yielded.len(), types.len());
        self.ctx.results(op).to_vec()
    }

    /// A `loop.for` over `0..n` with step 1 and no iter_args.
    pub fn for_range(&mut self, n: i64, body: impl FnOnce(&mut Kb<'_>, flowc_ir::Value)) {
        let lb = self.index(0);
        let ub = self.index(n);
        let one = self.index(1);
        self.for_loop(lb, ub, one, &[], |kb, iv, _| {
            body(kb, iv);
            Vec::new()
        });
    }

    /// `loop.parallel` over `0..ubs[i]` (steps 1): `body(kb, ivs)`.
    pub fn parallel(&mut self, ubs: &[i64], body: impl FnOnce(&mut Kb<'_>, &[flowc_ir::Value])) {
        let it = self.ctx.index_type();
        let lbs: Vec<_> = ubs.iter().map(|_| self.index(0)).collect();
        let ubv: Vec<_> = ubs.iter().map(|&u| self.index(u)).collect();
        let steps: Vec<_> = ubs.iter().map(|_| self.index(1)).collect();
        let args: Vec<(Type, Location)> = ubs.iter().map(|_| (it, self.loc)).collect();
        let block = self.ctx.create_block(&args);
        let region = self.ctx.create_region();
        self.ctx.append_block(region, block);
        let mut operands = lbs;
        operands.extend(ubv);
        operands.extend(steps);
        let n = ubs.len() as i32;
        let seg = self.ctx.dense_i32_array_attr(&[n, n, n]);
        let mut state =
            OperationState::new(self.ctx, "loop.parallel", self.loc).operands(&operands);
        state.add_attr(self.ctx, "operandSegmentSizes", seg);
        state.regions.push(region);
        self.insert(state);
        let ivs = self.ctx.block_args(block).to_vec();
        let mut inner = self.nested(block);
        body(&mut inner, &ivs);
        inner.op("loop.yield", &[], &[], &[]);
    }

    /// `loop.if cond -> (types) { then } else { else }`; each branch returns its yielded values.
    pub fn if_else(
        &mut self,
        cond: flowc_ir::Value,
        types: &[Type],
        then_body: impl FnOnce(&mut Kb<'_>) -> Vec<flowc_ir::Value>,
        else_body: Option<BranchFn<'_>>,
    ) -> Vec<flowc_ir::Value> {
        let then_block = self.ctx.create_block(&[]);
        let then_region = self.ctx.create_region();
        self.ctx.append_block(then_region, then_block);
        let else_region = self.ctx.create_region();
        let else_block = else_body.as_ref().map(|_| {
            let b = self.ctx.create_block(&[]);
            self.ctx.append_block(else_region, b);
            b
        });
        let mut state = OperationState::new(self.ctx, "loop.if", self.loc)
            .operands(&[cond])
            .results(types);
        state.regions.push(then_region);
        state.regions.push(else_region);
        let op = self.insert(state);
        {
            let mut inner = self.nested(then_block);
            let y = then_body(&mut inner);
            inner.op("loop.yield", &y, &[], &[]);
        }
        if let (Some(b), Some(f)) = (else_block, else_body) {
            let mut inner = self.nested(b);
            let y = f(&mut inner);
            inner.op("loop.yield", &y, &[], &[]);
        }
        self.ctx.results(op).to_vec()
    }
}

/// The body of an `else` branch: builds it and returns the yielded values.
pub type BranchFn<'f> = Box<dyn FnOnce(&mut Kb<'_>) -> Vec<flowc_ir::Value> + 'f>;

/// Row-major strides (in elements) of a static shape.
pub fn strides(shape: &[i64]) -> Vec<i64> {
    let mut s = vec![1i64; shape.len()];
    for i in (0..shape.len().saturating_sub(1)).rev() {
        s[i] = s[i + 1] * shape[i + 1];
    }
    s
}
