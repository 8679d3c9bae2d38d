//! The `gpu` dialect: what a kernel sees of the CUDA execution model.
//!
//! ```mlir
//! func.func private @k(%a: memref<1024xf32>) attributes {flowc.kernel, gpu.kernel,
//!     gpu.grid_size = array<i64: 4, 1, 1>, gpu.block_size = array<i64: 256, 1, 1>} {
//!   %t = gpu.thread_id x          // threadIdx.x, index
//!   %b = gpu.block_id x           // blockIdx.x
//!   %n = gpu.block_dim x          // blockDim.x
//!   %g = gpu.grid_dim x           // gridDim.x
//!   %l = gpu.lane_id              // the thread's lane in its warp (0..32)
//!   %s = gpu.alloc_shared : memref<256xf32, 3>   // one buffer per block, address space 3
//!   gpu.barrier                   // __syncthreads()
//!   %r, %ok = gpu.shuffle xor %v, %c16, %c32 : f32   // lane l gets %v of lane l ^ 16
//!   return
//! }
//! ```
//!
//! A kernel for the GPU is a `flowc.kernel` function with the unit attribute `gpu.kernel` and
//! its launch shape: `gpu.grid_size` (blocks) and `gpu.block_size` (threads per block), three
//! positive integers each (x, y, z). Every thread runs the whole body. The ids and dimensions
//! are only valid inside such a function (their verifier checks it); `gpu.alloc_shared`,
//! `gpu.barrier`, `gpu.lane_id` and `gpu.shuffle` too.
//!
//! `gpu.shuffle` is MLIR's: a warp-level exchange of a 32-bit value (`f32` or `i32`) in mode
//! `xor` (from lane `l ^ offset`: the butterfly of a tree reduction), `down` (`l + offset`),
//! `up` (`l - offset`) or `idx` (lane `offset`), within segments of `width` lanes (a power of
//! two, at most 32); the second result says whether the source lane was inside the segment
//! (else the result is the thread's own value). Every lane of the warp takes part (the full-warp
//! mask), so a shuffle must not be in divergent code, and the kernel's block must be whole
//! warps (a multiple of 32 threads; the verifier checks that).

use flowc_ir::parser::{OpParser, ParseResult};
use flowc_ir::pattern::InsertPoint;
use flowc_ir::printer::OpPrinter;
use flowc_ir::{
    AttrConstraint, AttrData, Context, Diagnostic, DialectDef, FloatKind, Location, Op,
    OperationState, Traits, Type, TypeConstraint, TypeData, Value, op_error,
};

/// The unit attribute that marks a GPU kernel function.
pub const KERNEL_ATTR: &str = "gpu.kernel";
/// Blocks of the kernel's grid: `array<i64: x, y, z>`.
pub const GRID_SIZE_ATTR: &str = "gpu.grid_size";
/// Threads of each block: `array<i64: x, y, z>`.
pub const BLOCK_SIZE_ATTR: &str = "gpu.block_size";
/// The memory space of shared memory (NVPTX address space 3).
pub const SHARED_MEMORY_SPACE: i64 = 3;

/// `"x"`, `"y"` or `"z"`.
pub const DIMENSION_ATTR: AttrConstraint = AttrConstraint {
    description: "dimension \"x\", \"y\" or \"z\"",
    check: |ctx, a| matches!(ctx.attr_data(a), AttrData::String { value, .. } if Dimension::from_name(value).is_some()),
};

/// The index type.
const INDEX: TypeConstraint = TypeConstraint {
    description: "index",
    check: |ctx, ty| ctx.is_index(ty),
};

/// A statically shaped memref in the shared memory space.
pub const SHARED_MEMREF: TypeConstraint = TypeConstraint {
    description: "statically shaped memref in memory space 3",
    check: |ctx, ty| shared_memref_parts(ctx, ty).is_some(),
};

/// A dimension of the grid or of a block.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Dimension {
    X,
    Y,
    Z,
}

impl Dimension {
    pub fn name(self) -> &'static str {
        match self {
            Dimension::X => "x",
            Dimension::Y => "y",
            Dimension::Z => "z",
        }
    }

    pub fn from_name(s: &str) -> Option<Dimension> {
        match s {
            "x" => Some(Dimension::X),
            "y" => Some(Dimension::Y),
            "z" => Some(Dimension::Z),
            _ => None,
        }
    }

    /// 0, 1, 2.
    pub fn index(self) -> usize {
        self as usize
    }
}

flowc_ir::op! {
    /// `threadIdx.{x,y,z}`.
    pub struct ThreadIdOp = "gpu.thread_id" {
        summary: "the thread's index in its block",
        description: "`%t = gpu.thread_id x`",
        operands: {},
        results: { result: one(INDEX) },
        attributes: { dimension: required(DIMENSION_ATTR) },
        regions: {},
        traits: Traits::PURE,
    }
}

flowc_ir::op! {
    /// `blockIdx.{x,y,z}`.
    pub struct BlockIdOp = "gpu.block_id" {
        summary: "the block's index in the grid",
        description: "`%b = gpu.block_id x`",
        operands: {},
        results: { result: one(INDEX) },
        attributes: { dimension: required(DIMENSION_ATTR) },
        regions: {},
        traits: Traits::PURE,
    }
}

flowc_ir::op! {
    /// `blockDim.{x,y,z}`.
    pub struct BlockDimOp = "gpu.block_dim" {
        summary: "the number of threads of a block along a dimension",
        description: "`%n = gpu.block_dim x`",
        operands: {},
        results: { result: one(INDEX) },
        attributes: { dimension: required(DIMENSION_ATTR) },
        regions: {},
        traits: Traits::PURE,
    }
}

flowc_ir::op! {
    /// `gridDim.{x,y,z}`.
    pub struct GridDimOp = "gpu.grid_dim" {
        summary: "the number of blocks of the grid along a dimension",
        description: "`%g = gpu.grid_dim x`",
        operands: {},
        results: { result: one(INDEX) },
        attributes: { dimension: required(DIMENSION_ATTR) },
        regions: {},
        traits: Traits::PURE,
    }
}

flowc_ir::op! {
    /// `__syncthreads()`: every thread of the block waits here; memory written before it by the
    /// block's threads is visible to them after it.
    pub struct BarrierOp = "gpu.barrier" {
        summary: "synchronize the threads of a block",
        description: "`gpu.barrier`",
        operands: {},
        results: {},
        attributes: {},
        regions: {},
        traits: Traits::NONE,
    }
}

flowc_ir::op! {
    /// A buffer in shared memory, one per block, uninitialized, live for the kernel.
    pub struct AllocSharedOp = "gpu.alloc_shared" {
        summary: "a shared-memory buffer of the block",
        description: "`%s = gpu.alloc_shared : memref<256xf32, 3>`",
        operands: {},
        results: { result: one(SHARED_MEMREF) },
        attributes: {},
        regions: {},
        traits: Traits::NONE,
    }
}

flowc_ir::op! {
    /// The thread's lane in its warp, `%laneid` (`threadIdx.x % 32` for one-dimensional blocks).
    pub struct LaneIdOp = "gpu.lane_id" {
        summary: "the thread's index in its warp",
        description: "`%l = gpu.lane_id`",
        operands: {},
        results: { result: one(INDEX) },
        attributes: {},
        regions: {},
        traits: Traits::PURE,
    }
}

flowc_ir::op! {
    /// A warp shuffle (`__shfl_{xor,down,up}_sync` / `__shfl_sync` with the full-warp mask).
    /// Not pure: it exchanges values between lanes, so it must stay where it is (no
    /// speculation into or out of branches).
    pub struct ShuffleOp = "gpu.shuffle" {
        summary: "exchange a 32-bit value between the lanes of a warp",
        description: "`%r, %valid = gpu.shuffle xor %value, %offset, %width : f32`",
        operands: { value: one(SHUFFLE_VALUE), offset: one(I32), width: one(I32) },
        results: { result: one(SHUFFLE_VALUE), valid: one(I1) },
        attributes: { mode: required(SHUFFLE_MODE_ATTR) },
        regions: {},
        traits: Traits::NONE,
    }
}

/// How `gpu.shuffle` picks the source lane.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum ShuffleMode {
    /// Lane `l ^ offset`.
    Xor,
    /// Lane `l + offset` (the own value past the segment's end).
    Down,
    /// Lane `l - offset` (the own value before the segment's start).
    Up,
    /// Lane `offset` of the segment.
    Idx,
}

impl ShuffleMode {
    pub fn name(self) -> &'static str {
        match self {
            ShuffleMode::Xor => "xor",
            ShuffleMode::Down => "down",
            ShuffleMode::Up => "up",
            ShuffleMode::Idx => "idx",
        }
    }

    pub fn from_name(s: &str) -> Option<ShuffleMode> {
        match s {
            "xor" => Some(ShuffleMode::Xor),
            "down" => Some(ShuffleMode::Down),
            "up" => Some(ShuffleMode::Up),
            "idx" => Some(ShuffleMode::Idx),
            _ => None,
        }
    }
}

/// `"xor"`, `"down"`, `"up"` or `"idx"`.
pub const SHUFFLE_MODE_ATTR: AttrConstraint = AttrConstraint {
    description: "shuffle mode \"xor\", \"down\", \"up\" or \"idx\"",
    check: |ctx, a| matches!(ctx.attr_data(a), AttrData::String { value, .. } if ShuffleMode::from_name(value).is_some()),
};

/// The values a shuffle moves: 32 bits, `f32` or `i32`.
const SHUFFLE_VALUE: TypeConstraint = TypeConstraint {
    description: "f32 or i32",
    check: |ctx, ty| {
        matches!(ctx.type_data(ty), TypeData::Float(FloatKind::F32))
            || ctx.is_signless_int_of_width(ty, 32)
    },
};

const I32: TypeConstraint = TypeConstraint {
    description: "i32",
    check: |ctx, ty| ctx.is_signless_int_of_width(ty, 32),
};

const I1: TypeConstraint = TypeConstraint {
    description: "i1",
    check: |ctx, ty| ctx.is_signless_int_of_width(ty, 1),
};

/// Lanes of a warp.
pub const WARP_SIZE: i64 = 32;

/// The ops whose verifier requires an enclosing GPU kernel.
const ID_OPS: [&str; 4] = [
    ThreadIdOp::NAME,
    BlockIdOp::NAME,
    BlockDimOp::NAME,
    GridDimOp::NAME,
];

/// The `gpu` dialect definition.
pub fn dialect() -> DialectDef {
    DialectDef::new(
        "gpu",
        "the CUDA execution model: thread / block ids and dims, barriers, shared memory",
    )
    .op(ThreadIdOp::base_def()
        .verifier(verify_in_kernel)
        .assembly(print_dim_op, parse_dim_op))
    .op(BlockIdOp::base_def()
        .verifier(verify_in_kernel)
        .assembly(print_dim_op, parse_dim_op))
    .op(BlockDimOp::base_def()
        .verifier(verify_in_kernel)
        .assembly(print_dim_op, parse_dim_op))
    .op(GridDimOp::base_def()
        .verifier(verify_in_kernel)
        .assembly(print_dim_op, parse_dim_op))
    .op(BarrierOp::base_def()
        .verifier(verify_in_kernel)
        .assembly(print_attrs_only, parse_barrier))
    .op(AllocSharedOp::base_def()
        .verifier(verify_alloc_shared)
        .assembly(print_alloc_shared, parse_alloc_shared))
    .op(LaneIdOp::base_def()
        .verifier(verify_in_kernel)
        .assembly(print_attrs_only, parse_lane_id))
    .op(ShuffleOp::base_def()
        .verifier(verify_shuffle)
        .assembly(print_shuffle, parse_shuffle))
}

// ===== Helpers =====

/// `(shape, element)` of a statically shaped memref in memory space 3 with the identity layout.
pub fn shared_memref_parts(ctx: &Context, ty: Type) -> Option<(&[i64], Type)> {
    match ctx.type_data(ty) {
        TypeData::MemRef {
            shape,
            element,
            layout: None,
            memory_space: Some(space),
        } if shape.iter().all(|&d| d >= 0)
            && ctx.int_value(*space) == Some(i128::from(SHARED_MEMORY_SPACE)) =>
        {
            Some((shape, *element))
        }
        _ => None,
    }
}

/// The dimension of an id / dim op.
pub fn dimension(ctx: &Context, op: Op) -> Option<Dimension> {
    let a = ctx.attr(op, "dimension")?;
    Dimension::from_name(ctx.str_value(a)?)
}

/// The mode of a `gpu.shuffle`.
pub fn shuffle_mode(ctx: &Context, op: Op) -> Option<ShuffleMode> {
    let a = ctx.attr(op, "mode")?;
    ShuffleMode::from_name(ctx.str_value(a)?)
}

/// The function (any op with the `gpu.kernel` attribute) that encloses `op`, if any.
pub fn enclosing_kernel(ctx: &Context, op: Op) -> Option<Op> {
    let mut cur = ctx.op_parent_op(op);
    while let Some(p) = cur {
        if ctx.has_attr(p, KERNEL_ATTR) {
            return Some(p);
        }
        cur = ctx.op_parent_op(p);
    }
    None
}

/// A kernel's `[x, y, z]` launch shape attribute (`gpu.grid_size` or `gpu.block_size`).
pub fn launch_dims(ctx: &Context, kernel: Op, attr: &str) -> Option<[i64; 3]> {
    let v = ctx.dense_array_i64(ctx.attr(kernel, attr)?)?;
    <[i64; 3]>::try_from(v).ok()
}

/// Checks a GPU kernel's marker attributes: `gpu.grid_size` and `gpu.block_size` are present,
/// three positive integers each, with at most 1024 threads per block.
pub fn verify_kernel_attrs(ctx: &Context, kernel: Op) -> Result<(), Diagnostic> {
    for attr in [GRID_SIZE_ATTR, BLOCK_SIZE_ATTR] {
        let Some(dims) = launch_dims(ctx, kernel, attr) else {
            return Err(op_error(
                ctx,
                kernel,
                format!("a gpu.kernel needs '{attr}' = array<i64: x, y, z>"),
            ));
        };
        if dims.iter().any(|&d| d <= 0 || d > i64::from(i32::MAX)) {
            return Err(op_error(
                ctx,
                kernel,
                format!("'{attr}' must hold positive 32-bit sizes, got {dims:?}"),
            ));
        }
        if attr == BLOCK_SIZE_ATTR && dims.iter().product::<i64>() > 1024 {
            return Err(op_error(
                ctx,
                kernel,
                format!("a block has at most 1024 threads, got {dims:?}"),
            ));
        }
    }
    Ok(())
}

// ===== Verifiers =====

fn verify_in_kernel(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let Some(kernel) = enclosing_kernel(ctx, op) else {
        return Err(op_error(
            ctx,
            op,
            "must be inside a function with the 'gpu.kernel' attribute",
        ));
    };
    verify_kernel_attrs(ctx, kernel)
}

fn verify_alloc_shared(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    verify_in_kernel(ctx, op)?;
    let ty = ctx.value_type(ctx.result(op, 0));
    let (_, element) = shared_memref_parts(ctx, ty).expect("checked by the result constraint");
    if ctx.scalar_byte_width(element).is_none() {
        return Err(op_error(
            ctx,
            op,
            format!(
                "element type '{}' has no size in memory",
                ctx.print_type(element)
            ),
        ));
    }
    if ctx.op_parent_op(op) != Some(enclosing_kernel(ctx, op).expect("checked")) {
        return Err(op_error(
            ctx,
            op,
            "must be at the top level of the kernel (one buffer per block, not per iteration)",
        ));
    }
    Ok(())
}

fn verify_shuffle(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    verify_in_kernel(ctx, op)?;
    let kernel = enclosing_kernel(ctx, op).expect("checked");
    let block = launch_dims(ctx, kernel, BLOCK_SIZE_ATTR).expect("checked");
    if block.iter().product::<i64>() % WARP_SIZE != 0 {
        return Err(op_error(
            ctx,
            op,
            format!(
                "shuffles the full warp: the block must be whole warps (a multiple of {WARP_SIZE} threads), got {block:?}"
            ),
        ));
    }
    let value_ty = ctx.value_type(ctx.operand(op, 0));
    if ctx.value_type(ctx.result(op, 0)) != value_ty {
        return Err(op_error(
            ctx,
            op,
            "result #0 must have the type of the shuffled value",
        ));
    }
    // A width known at compile time is checked; a runtime one is the kernel's responsibility.
    if let Some(width) = constant_i64(ctx, ctx.operand(op, 2))
        && !(width > 0 && width <= WARP_SIZE && width.count_ones() == 1)
    {
        return Err(op_error(
            ctx,
            op,
            format!("width must be a power of two in 1..={WARP_SIZE}, got {width}"),
        ));
    }
    Ok(())
}

/// The value of an integer `arith.constant`, if `v` is one.
fn constant_i64(ctx: &Context, v: Value) -> Option<i64> {
    let d = ctx.defining_op(v)?;
    if ctx.op_name(d) != "arith.constant" {
        return None;
    }
    ctx.attr(d, "value")
        .and_then(|a| ctx.int_value(a))
        .and_then(|x| i64::try_from(x).ok())
}

// ===== Builders =====

fn create(ctx: &mut Context, ip: &mut InsertPoint, state: OperationState) -> Op {
    let op = ctx.create_op(state);
    *ip = ip.insert(ctx, op);
    op
}

/// Creates `name dim` (one of the id / dim ops, e.g. [`ThreadIdOp::NAME`]) at `*ip`, advancing
/// it; returns the index value.
pub fn build_dim_op(
    ctx: &mut Context,
    ip: &mut InsertPoint,
    name: &str,
    dim: Dimension,
    loc: Location,
) -> Value {
    debug_assert!(ID_OPS.contains(&name));
    let index = ctx.index_type();
    let attr = ctx.string_attr(dim.name());
    let mut state = OperationState::new(ctx, name, loc).results(&[index]);
    state.add_attr(ctx, "dimension", attr);
    let op = create(ctx, ip, state);
    ctx.result(op, 0)
}

/// Creates `gpu.barrier` at `*ip`, advancing it.
pub fn build_barrier(ctx: &mut Context, ip: &mut InsertPoint, loc: Location) -> Op {
    let state = OperationState::new(ctx, BarrierOp::NAME, loc);
    create(ctx, ip, state)
}

/// Creates `gpu.lane_id` at `*ip`, advancing it; returns the index value.
pub fn build_lane_id(ctx: &mut Context, ip: &mut InsertPoint, loc: Location) -> Value {
    let index = ctx.index_type();
    let state = OperationState::new(ctx, LaneIdOp::NAME, loc).results(&[index]);
    let op = create(ctx, ip, state);
    ctx.result(op, 0)
}

/// Creates `gpu.shuffle mode value, offset, width` at `*ip` (`offset` and `width` are `i32`
/// values), advancing it; returns `(result, valid)`.
pub fn build_shuffle(
    ctx: &mut Context,
    ip: &mut InsertPoint,
    mode: ShuffleMode,
    value: Value,
    offset: Value,
    width: Value,
    loc: Location,
) -> (Value, Value) {
    let ty = ctx.value_type(value);
    let i1 = ctx.i1_type();
    let attr = ctx.string_attr(mode.name());
    let mut state = OperationState::new(ctx, ShuffleOp::NAME, loc)
        .operands(&[value, offset, width])
        .results(&[ty, i1]);
    state.add_attr(ctx, "mode", attr);
    let op = create(ctx, ip, state);
    (ctx.result(op, 0), ctx.result(op, 1))
}

/// `memref<shape x element, 3>`.
pub fn shared_memref_type(ctx: &mut Context, shape: Vec<i64>, element: Type) -> Type {
    let space = ctx.i64_attr(SHARED_MEMORY_SPACE);
    ctx.intern_type(TypeData::MemRef {
        shape,
        element,
        layout: None,
        memory_space: Some(space),
    })
}

/// Creates `gpu.alloc_shared : ty` at `*ip`, advancing it.
pub fn build_alloc_shared(
    ctx: &mut Context,
    ip: &mut InsertPoint,
    ty: Type,
    loc: Location,
) -> Value {
    let state = OperationState::new(ctx, AllocSharedOp::NAME, loc).results(&[ty]);
    let op = create(ctx, ip, state);
    ctx.result(op, 0)
}

/// Marks `func` as a GPU kernel launched on `grid` blocks of `block` threads.
pub fn mark_kernel(ctx: &mut Context, func: Op, grid: [i64; 3], block: [i64; 3]) {
    let unit = ctx.unit_attr();
    ctx.set_attr(func, KERNEL_ATTR, unit);
    let g = ctx.dense_i64_array_attr(&grid);
    ctx.set_attr(func, GRID_SIZE_ATTR, g);
    let b = ctx.dense_i64_array_attr(&block);
    ctx.set_attr(func, BLOCK_SIZE_ATTR, b);
}

// ===== Custom syntax =====

// gpu.thread_id x {attrs}
fn print_dim_op(p: &mut OpPrinter<'_, '_>, op: Op) {
    let d = dimension(p.ctx(), op).map_or("?", Dimension::name);
    p.write(" ");
    p.write(d);
    p.print_optional_attr_dict(op, &["dimension"]);
}

fn parse_dim_op(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> ParseResult<()> {
    let at = p.current_loc();
    let Some(dim) = p
        .parse_optional_any_keyword()
        .and_then(|k| Dimension::from_name(&k))
    else {
        return Err(Diagnostic::error(at, "expected a dimension: x, y or z"));
    };
    p.parse_optional_attr_dict(&mut state.attributes)?;
    let attr = p.ctx().string_attr(dim.name());
    state.add_attr(p.ctx(), "dimension", attr);
    let index = p.ctx().index_type();
    state.result_types.push(index);
    Ok(())
}

// gpu.barrier {attrs}, gpu.lane_id {attrs}
fn print_attrs_only(p: &mut OpPrinter<'_, '_>, op: Op) {
    p.print_optional_attr_dict(op, &[]);
}

fn parse_barrier(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> ParseResult<()> {
    p.parse_optional_attr_dict(&mut state.attributes)?;
    Ok(())
}

// gpu.lane_id {attrs}
fn parse_lane_id(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> ParseResult<()> {
    p.parse_optional_attr_dict(&mut state.attributes)?;
    let index = p.ctx().index_type();
    state.result_types.push(index);
    Ok(())
}

// gpu.shuffle xor %value, %offset, %width {attrs} : f32
fn print_shuffle(p: &mut OpPrinter<'_, '_>, op: Op) {
    let mode = shuffle_mode(p.ctx(), op).map_or("?", ShuffleMode::name);
    p.write(" ");
    p.write(mode);
    p.write(" ");
    let operands = p.ctx().operand_vec(op);
    p.print_operands(&operands);
    p.print_optional_attr_dict(op, &["mode"]);
    p.write(" : ");
    let ty = p.ctx().value_type(operands[0]);
    p.print_type(ty);
}

fn parse_shuffle(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> ParseResult<()> {
    let at = p.current_loc();
    let Some(mode) = p
        .parse_optional_any_keyword()
        .and_then(|k| ShuffleMode::from_name(&k))
    else {
        return Err(Diagnostic::error(
            at,
            "expected a shuffle mode: xor, down, up or idx",
        ));
    };
    let value = p.parse_operand()?;
    p.parse_punct(",")?;
    let offset = p.parse_operand()?;
    p.parse_punct(",")?;
    let width = p.parse_operand()?;
    p.parse_optional_attr_dict(&mut state.attributes)?;
    let ty = p.parse_colon_type()?;
    let i32t = p.ctx().integer_type(32);
    p.resolve_operands(
        &[value, offset, width],
        &[ty, i32t, i32t],
        &mut state.operands,
    )?;
    let attr = p.ctx().string_attr(mode.name());
    state.add_attr(p.ctx(), "mode", attr);
    let i1 = p.ctx().i1_type();
    state.result_types.push(ty);
    state.result_types.push(i1);
    Ok(())
}

// gpu.alloc_shared {attrs} : memref<...>
fn print_alloc_shared(p: &mut OpPrinter<'_, '_>, op: Op) {
    p.print_optional_attr_dict(op, &[]);
    p.write(" : ");
    let ty = p.ctx().value_type(p.ctx().result(op, 0));
    p.print_type(ty);
}

fn parse_alloc_shared(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> ParseResult<()> {
    p.parse_optional_attr_dict(&mut state.attributes)?;
    let ty = p.parse_colon_type()?;
    state.result_types.push(ty);
    Ok(())
}

#[cfg(test)]
mod tests;
