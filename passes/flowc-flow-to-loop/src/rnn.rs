//! Recurrent layers: `flow.rnn`, `flow.gru` and `flow.lstm` (ONNX semantics: forward / reverse /
//! bidirectional, optional bias, `sequence_lens`, initial states, LSTM peepholes and
//! `input_forget`, custom activations with their alpha / beta, `clip`, GRU's
//! `linear_before_reset`, `layout` 0 and 1, every optional output).
//!
//! The numbers are the interpreter's (crates/flowc-interp/src/ops/rnn.rs), bit for bit: all
//! arithmetic is in f64, each dot product is summed sequentially over its inputs from `-0.0`
//! (Rust's `f64::sum`), gate sums are added in the interpreter's order, absent biases and
//! peepholes still add their zeros, and results are rounded once into the element type.
//!
//! Two kernels per op (plus packing kernels when W or R are not constants):
//!
//! - `<cell>_input`: the input projection `XW[d, row, :] = X[row, :] · W[d]^T` for every time step
//!   at once. Its tasks are `(direction, block of MR rows)`; a block of `MR x NV_PROJ` f64 vectors
//!   of XW is carried through the loop over the input features (one broadcast of X per row, one
//!   vector load of W per column vector), so each lane of a vector is one output's sequential sum.
//! - `<cell>`: the recurrence. Its tasks are `(direction, batch)` (independent chains); each runs
//!   the time loop sequentially: `HR = H · R^T` (one row, up to `NV_REC` vector accumulators),
//!   then the gate math per hidden unit, writing the new state (kept in f64 in an arena buffer)
//!   and `Y[t]`. `Y_h` / `Y_c` are written after the last step.
//!
//! W and R are packed transposed, `[dirs, K, gates, Hp]` with the hidden size padded to a
//! multiple of the vector width (zeros), so that a gate's columns are whole vectors: at compile
//! time when they are constants (f32 weights stay f32 and are widened in registers), else by a
//! packing kernel.

use crate::OpCx;
use crate::builder::{Elem, Kb, cmpf, cmpi};
use flowc_ir::{AttrData, Attribute, Context, Diagnostic, FloatKind, Type, TypeData, Value};

/// f64 lanes per vector.
const VL: i64 = 8;
/// Rows of X per task (and per register block) of the input projection.
const MR: i64 = 4;
/// Column vectors per register block of the input projection.
const NV_PROJ: i64 = 4;
/// Column vectors per register block of the recurrent product (one row: more chains).
const NV_REC: i64 = 8;

/// Lowers `name` if it is a recurrent layer; `Ok(false)` otherwise.
pub(crate) fn lower(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    name: &str,
) -> Result<bool, Diagnostic> {
    let cell = match name {
        "flow.rnn" => Cell::Rnn,
        "flow.gru" => Cell::Gru,
        "flow.lstm" => Cell::Lstm,
        _ => return Ok(false),
    };
    let spec = Spec::read(ctx, cx, cell)?;
    emit(ctx, cx, &spec)?;
    Ok(true)
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Cell {
    Rnn,
    Gru,
    Lstm,
}

impl Cell {
    fn gates(self) -> i64 {
        match self {
            Cell::Rnn => 1,
            Cell::Gru => 3,
            Cell::Lstm => 4,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Cell::Rnn => "rnn",
            Cell::Gru => "gru",
            Cell::Lstm => "lstm",
        }
    }

    fn default_activations(self) -> &'static [&'static str] {
        match self {
            Cell::Rnn => &["Tanh"],
            Cell::Gru => &["Sigmoid", "Tanh"],
            Cell::Lstm => &["Sigmoid", "Tanh", "Tanh"],
        }
    }
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum ActKind {
    Sigmoid,
    Tanh,
    Relu,
    Affine,
    LeakyRelu,
    ThresholdedRelu,
    ScaledTanh,
    HardSigmoid,
    Elu,
    Softsign,
    Softplus,
}

/// One activation function with its parameters (f32 attributes widened, or the interpreter's
/// f64 defaults).
#[derive(Clone, Copy, PartialEq, Debug)]
struct Act {
    kind: ActKind,
    alpha: f64,
    beta: f64,
}

impl Act {
    fn parse(name: &str) -> Option<(ActKind, f64, f64)> {
        Some(match name.to_ascii_lowercase().as_str() {
            "sigmoid" => (ActKind::Sigmoid, 0.0, 0.0),
            "tanh" => (ActKind::Tanh, 0.0, 0.0),
            "relu" => (ActKind::Relu, 0.0, 0.0),
            "affine" => (ActKind::Affine, 1.0, 0.0),
            "leakyrelu" => (ActKind::LeakyRelu, 0.01, 0.0),
            "thresholdedrelu" => (ActKind::ThresholdedRelu, 1.0, 0.0),
            "scaledtanh" => (ActKind::ScaledTanh, 1.0, 0.0),
            "hardsigmoid" => (ActKind::HardSigmoid, 0.2, 0.5),
            "elu" => (ActKind::Elu, 1.0, 0.0),
            "softsign" => (ActKind::Softsign, 0.0, 0.0),
            "softplus" => (ActKind::Softplus, 0.0, 0.0),
            _ => return None,
        })
    }

    /// `act(x)` on an f64 scalar, with the interpreter's formulas.
    fn apply(self, kb: &mut Kb<'_>, x: Value) -> Value {
        let t = kb.value_type(x);
        let (a, b) = (self.alpha, self.beta);
        match self.kind {
            ActKind::Sigmoid => {
                let one = kb.constant(t, 1.0);
                let n = kb.unary("arith.negf", x);
                let e = kb.unary("math.exp", n);
                let d = kb.binary("arith.addf", one, e);
                kb.binary("arith.divf", one, d)
            }
            ActKind::Tanh => kb.unary("math.tanh", x),
            ActKind::Relu => {
                let z = kb.constant(t, 0.0);
                kb.binary("arith.maxnumf", x, z)
            }
            ActKind::Affine => {
                let av = kb.constant(t, a);
                let bv = kb.constant(t, b);
                let m = kb.binary("arith.mulf", av, x);
                kb.binary("arith.addf", m, bv)
            }
            ActKind::LeakyRelu => {
                let z = kb.constant(t, 0.0);
                let av = kb.constant(t, a);
                let pos = kb.cmp(true, cmpf::OGE, x, z);
                let m = kb.binary("arith.mulf", av, x);
                kb.select(pos, x, m)
            }
            ActKind::ThresholdedRelu => {
                let z = kb.constant(t, 0.0);
                let av = kb.constant(t, a);
                let above = kb.cmp(true, cmpf::OGT, x, av);
                kb.select(above, x, z)
            }
            ActKind::ScaledTanh => {
                let av = kb.constant(t, a);
                let bv = kb.constant(t, b);
                let m = kb.binary("arith.mulf", bv, x);
                let th = kb.unary("math.tanh", m);
                kb.binary("arith.mulf", av, th)
            }
            ActKind::HardSigmoid => {
                let av = kb.constant(t, a);
                let bv = kb.constant(t, b);
                let m = kb.binary("arith.mulf", av, x);
                let v = kb.binary("arith.addf", m, bv);
                let z = kb.constant(t, 0.0);
                let one = kb.constant(t, 1.0);
                clamp(kb, v, z, one)
            }
            ActKind::Elu => {
                let z = kb.constant(t, 0.0);
                let one = kb.constant(t, 1.0);
                let av = kb.constant(t, a);
                let pos = kb.cmp(true, cmpf::OGE, x, z);
                let e = kb.unary("math.exp", x);
                let em1 = kb.binary("arith.subf", e, one);
                let neg = kb.binary("arith.mulf", av, em1);
                kb.select(pos, x, neg)
            }
            ActKind::Softsign => {
                let one = kb.constant(t, 1.0);
                let ab = kb.unary("math.absf", x);
                let d = kb.binary("arith.addf", one, ab);
                kb.binary("arith.divf", x, d)
            }
            ActKind::Softplus => {
                let e = kb.unary("math.exp", x);
                kb.unary("math.log1p", e)
            }
        }
    }
}

/// Rust's `v.clamp(lo, hi)`: below `lo` gives `lo`, above `hi` gives `hi`, NaN stays.
fn clamp(kb: &mut Kb<'_>, v: Value, lo: Value, hi: Value) -> Value {
    let below = kb.cmp(true, cmpf::OLT, v, lo);
    let above = kb.cmp(true, cmpf::OGT, v, hi);
    let v1 = kb.select(above, hi, v);
    kb.select(below, lo, v1)
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Direction {
    Forward,
    Reverse,
    Bidirectional,
}

/// Where the sequence lengths come from.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Lens {
    /// Every batch entry runs the whole sequence.
    Full,
    /// Read per batch entry from the `sequence_lens` operand (clamped into `0..=seq`).
    Dynamic(Elem),
}

/// Everything the kernels need to know about one recurrent op.
struct Spec {
    cell: Cell,
    /// Element type of X (and of the results).
    elem: FloatKind,
    layout1: bool,
    seq: i64,
    batch: i64,
    input: i64,
    dirs: i64,
    hidden: i64,
    /// `hidden` rounded up to the vector width.
    hp: i64,
    direction: Direction,
    /// Per direction, the cell's activations.
    acts: Vec<Vec<Act>>,
    clip: Option<f64>,
    linear_before_reset: bool,
    input_forget: bool,
    lens: Lens,
    /// Element types of the optional operands B, initial_h, initial_c, P when present.
    b: Option<FloatKind>,
    h0: Option<FloatKind>,
    c0: Option<FloatKind>,
    p: Option<FloatKind>,
    /// Which of Y, Y_h, Y_c are written.
    outs: [bool; 3],
}

impl Spec {
    fn gh(&self) -> i64 {
        self.cell.gates() * self.hidden
    }

    /// Columns of the packed weights and of XW / HR rows: gates x padded hidden.
    fn ghp(&self) -> i64 {
        self.cell.gates() * self.hp
    }

    fn read(ctx: &mut Context, cx: &mut OpCx<'_, '_>, cell: Cell) -> Result<Spec, Diagnostic> {
        let n_ops = ctx.num_operands(cx.op);
        if n_ops < 3 {
            return Err(cx.unsupported(ctx, "fewer than 3 operands"));
        }
        for i in 0..n_ops.min(8) {
            if !cx.has_operand(ctx, i) {
                continue;
            }
            let s = cx.operand_shape(ctx, i);
            if ctx.shape(ctx.value_type(ctx.operand(cx.op, i))).is_none()
                || s.iter().any(|&d| d < 0)
            {
                return Err(cx.unsupported(ctx, format!("operand #{i} without a static shape")));
            }
        }
        let float = |cx: &OpCx<'_, '_>, ctx: &Context, i: usize| -> Result<FloatKind, Diagnostic> {
            match cx.operand_elem(ctx, i)? {
                Elem::Float(k) => Ok(k),
                _ => Err(cx.unsupported(ctx, format!("operand #{i} of a non-float element type"))),
            }
        };
        let elem = float(cx, ctx, 0)?;
        float(cx, ctx, 1)?;
        float(cx, ctx, 2)?;
        let (xs, ws, rs) = (
            cx.operand_shape(ctx, 0),
            cx.operand_shape(ctx, 1),
            cx.operand_shape(ctx, 2),
        );
        if xs.len() != 3 || ws.len() != 3 || rs.len() != 3 {
            return Err(cx.unsupported(ctx, "X, W or R not of rank 3"));
        }
        let layout1 = cx.attr_i64(ctx, "layout", 0) != 0;
        let (seq, batch, input) = if layout1 {
            (xs[1], xs[0], xs[2])
        } else {
            (xs[0], xs[1], xs[2])
        };
        let dirs = ws[0];
        let hidden = rs[2];
        let gates = cell.gates();
        if let Some(a) = cx.attr(ctx, "hidden_size")
            && ctx.int_value(a) != Some(i128::from(hidden))
        {
            return Err(cx.unsupported(ctx, "hidden_size that does not match R"));
        }
        let direction = match cx.attr_str(ctx, "direction").unwrap_or("forward") {
            "forward" => Direction::Forward,
            "reverse" => Direction::Reverse,
            "bidirectional" => Direction::Bidirectional,
            other => {
                let m = format!("direction '{other}'");
                return Err(cx.unsupported(ctx, m));
            }
        };
        let want_dirs = if direction == Direction::Bidirectional {
            2
        } else {
            1
        };
        if dirs != want_dirs
            || ws[1..] != [gates * hidden, input]
            || rs != [dirs, gates * hidden, hidden]
        {
            return Err(cx.unsupported(ctx, "W / R shapes that do not match X and the direction"));
        }
        if seq == 0 || batch == 0 || hidden == 0 {
            return Err(cx.unsupported(ctx, "an empty sequence, batch or hidden state"));
        }
        let gh = gates * hidden;
        let present = |i: usize| cx.has_operand(ctx, i);
        let state_shape = if layout1 {
            vec![batch, dirs, hidden]
        } else {
            vec![dirs, batch, hidden]
        };
        let b = if present(3) {
            if cx.operand_shape(ctx, 3) != [dirs, 2 * gh] {
                return Err(cx.unsupported(ctx, "a B whose shape does not match W"));
            }
            Some(float(cx, ctx, 3)?)
        } else {
            None
        };
        let lens = if present(4) {
            if cx.operand_shape(ctx, 4) != [batch] {
                return Err(cx.unsupported(ctx, "a sequence_lens whose shape is not [batch]"));
            }
            let full = cx
                .constant_operand(ctx, 4)
                .and_then(|a| flowc_interp::attribute_to_tensor(ctx, a).ok())
                .and_then(|t| t.to_i64_vec().ok())
                .is_some_and(|v| v.iter().all(|&l| l == seq));
            match cx.operand_elem(ctx, 4)? {
                _ if full => Lens::Full,
                e @ Elem::Int { .. } => Lens::Dynamic(e),
                _ => return Err(cx.unsupported(ctx, "a non-integer sequence_lens")),
            }
        } else {
            Lens::Full
        };
        let state = |cx: &OpCx<'_, '_>, ctx: &Context, i: usize| -> Result<_, Diagnostic> {
            if !cx.has_operand(ctx, i) {
                return Ok(None);
            }
            if cx.operand_shape(ctx, i) != state_shape {
                let m = format!("an initial state (operand #{i}) of the wrong shape");
                return Err(cx.unsupported(ctx, m));
            }
            float(cx, ctx, i).map(Some)
        };
        let h0 = state(cx, ctx, 5)?;
        let (c0, p) = if cell == Cell::Lstm {
            let c0 = state(cx, ctx, 6)?;
            let p = if present(7) {
                if cx.operand_shape(ctx, 7) != [dirs, 3 * hidden] {
                    return Err(cx.unsupported(ctx, "a P whose shape does not match R"));
                }
                Some(float(cx, ctx, 7)?)
            } else {
                None
            };
            (c0, p)
        } else {
            (None, None)
        };
        let acts = read_activations(ctx, cx, cell, dirs as usize)?;
        let clip = cx
            .attr(ctx, "clip")
            .and_then(|a| attr_f32(ctx, a))
            .map(f64::from);
        let linear_before_reset =
            cell == Cell::Gru && cx.attr_i64(ctx, "linear_before_reset", 0) != 0;
        let input_forget = cell == Cell::Lstm && cx.attr_i64(ctx, "input_forget", 0) != 0;
        let nres = ctx.num_results(cx.op);
        let mut outs = [false; 3];
        for (i, o) in outs.iter_mut().enumerate() {
            *o = i < nres && cx.output(ctx, i).is_ok();
        }
        if cell != Cell::Lstm {
            outs[2] = false;
        }
        Ok(Spec {
            cell,
            elem,
            layout1,
            seq,
            batch,
            input,
            dirs,
            hidden,
            hp: (hidden + VL - 1) / VL * VL,
            direction,
            acts,
            clip,
            linear_before_reset,
            input_forget,
            lens,
            b,
            h0,
            c0,
            p,
            outs,
        })
    }
}

/// A FLOAT attribute as the interpreter reads it (`f32`; integers converted).
fn attr_f32(ctx: &Context, a: Attribute) -> Option<f32> {
    match ctx.attr_data(a) {
        AttrData::Float { .. } => ctx.float_value(a).map(|v| v as f32),
        AttrData::Integer { value, .. } => Some(*value as f32),
        _ => None,
    }
}

/// A FLOATS attribute as the interpreter reads it (`f32` values).
fn attr_floats(ctx: &Context, a: Attribute) -> Option<Vec<f32>> {
    match ctx.attr_data(a) {
        AttrData::DenseArray { element, data } => match ctx.type_data(*element) {
            TypeData::Float(FloatKind::F32) => Some(
                data.chunks_exact(4)
                    .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                    .collect(),
            ),
            TypeData::Float(FloatKind::F64) => Some(
                data.chunks_exact(8)
                    .map(|c| {
                        let mut b = [0u8; 8];
                        b.copy_from_slice(c);
                        f64::from_le_bytes(b) as f32
                    })
                    .collect(),
            ),
            _ => ctx
                .dense_array_i64(a)
                .map(|v| v.into_iter().map(|x| x as f32).collect()),
        },
        AttrData::Array(elems) => elems.iter().map(|&e| attr_f32(ctx, e)).collect(),
        _ => None,
    }
}

/// The activations per direction, from `activations` / `activation_alpha` / `activation_beta`
/// or the cell's defaults.
fn read_activations(
    ctx: &Context,
    cx: &OpCx<'_, '_>,
    cell: Cell,
    dirs: usize,
) -> Result<Vec<Vec<Act>>, Diagnostic> {
    let defaults = cell.default_activations();
    let per_dir = defaults.len();
    let names: Vec<String> = match cx.attr(ctx, "activations") {
        Some(a) => {
            let elems = ctx.array_value(a).ok_or_else(|| {
                cx.unsupported(ctx, "an activations attribute that is not strings")
            })?;
            let mut v = Vec::with_capacity(elems.len());
            for &e in elems {
                let s = ctx.str_value(e).ok_or_else(|| {
                    cx.unsupported(ctx, "an activations attribute that is not strings")
                })?;
                v.push(s.to_string());
            }
            v
        }
        None => Vec::new(),
    };
    let names = if names.is_empty() {
        (0..dirs)
            .flat_map(|_| defaults.iter().map(|s| s.to_string()))
            .collect()
    } else {
        names
    };
    if names.len() != per_dir * dirs {
        let m = format!("{} activations (expected {})", names.len(), per_dir * dirs);
        return Err(cx.unsupported(ctx, m));
    }
    let floats = |n: &str| -> Result<Vec<f32>, Diagnostic> {
        match cx.attr(ctx, n) {
            None => Ok(Vec::new()),
            Some(a) => {
                attr_floats(ctx, a).ok_or_else(|| cx.unsupported(ctx, format!("a malformed {n}")))
            }
        }
    };
    let alphas = floats("activation_alpha")?;
    let betas = floats("activation_beta")?;
    let mut out = Vec::with_capacity(dirs);
    for d in 0..dirs {
        let mut acts = Vec::with_capacity(per_dir);
        for k in 0..per_dir {
            let i = d * per_dir + k;
            let (kind, da, db) = Act::parse(&names[i])
                .ok_or_else(|| cx.unsupported(ctx, format!("activation '{}'", names[i])))?;
            acts.push(Act {
                kind,
                alpha: alphas.get(i).map_or(da, |&v| f64::from(v)),
                beta: betas.get(i).map_or(db, |&v| f64::from(v)),
            });
        }
        out.push(acts);
    }
    Ok(out)
}

// ----- element conversions -----

fn f64t(kb: &mut Kb<'_>) -> Type {
    kb.ctx.float_type(FloatKind::F64)
}

fn vec_f64(kb: &mut Kb<'_>) -> Type {
    let f = f64t(kb);
    kb.ctx.vector_type(vec![VL], f)
}

/// A float scalar or vector widened to f64 (exact).
fn widen(kb: &mut Kb<'_>, v: Value) -> Value {
    let t = kb.value_type(v);
    let (et, vector) = match kb.ctx.type_data(t) {
        TypeData::Vector { element, .. } => (*element, true),
        _ => (t, false),
    };
    if kb.ctx.float_kind(et) == Some(FloatKind::F64) {
        return v;
    }
    let to = if vector { vec_f64(kb) } else { f64t(kb) };
    kb.cast("arith.extf", v, to)
}

/// An f64 scalar rounded into `elem` as the interpreter does it (`from_f64_round` of
/// crates/flowc-interp/src/num.rs, i.e. the `half` crate): f32 and f64 round once; f16 goes
/// through f32 (what `half` does on x86 with F16C, which every x86-64 CPU flowc targets has);
/// bf16 follows `half`'s `f64_to_bf16` bit for bit ([`f64_to_bf16`]).
fn narrow(kb: &mut Kb<'_>, v: Value, elem: FloatKind) -> Value {
    match elem {
        FloatKind::F64 => v,
        FloatKind::BF16 => f64_to_bf16(kb, v),
        FloatKind::F16 => {
            let f32t = kb.ctx.f32_type();
            let s = kb.cast("arith.truncf", v, f32t);
            let t = kb.ctx.float_type(FloatKind::F16);
            kb.cast("arith.truncf", s, t)
        }
        k => {
            let t = kb.ctx.float_type(k);
            kb.cast("arith.truncf", v, t)
        }
    }
}

/// `half::bf16::from_f64`: rounds the upper 32 bits of the f64 (the lower ones are dropped
/// first) to nearest even; overflow gives infinity, NaN keeps its sign and upper payload with the
/// quiet bit set, small values give subnormals or zero.
fn f64_to_bf16(kb: &mut Kb<'_>, v: Value) -> Value {
    let (i16t, i32t, i64t) = (
        kb.ctx.integer_type(16),
        kb.ctx.integer_type(32),
        kb.ctx.integer_type(64),
    );
    let c32 = |kb: &mut Kb<'_>, x: i64| kb.constant_int(i32t, i128::from(x));
    let bits = kb.cast("arith.bitcast", v, i64t);
    let s32 = kb.constant_int(i64t, 32);
    let hi = kb.binary("arith.shrui", bits, s32);
    let x = kb.cast("arith.trunci", hi, i32t);
    let lo = kb.cast("arith.trunci", bits, i32t);
    let and = |kb: &mut Kb<'_>, a: Value, m: i64| {
        let mv = c32(kb, m);
        kb.binary("arith.andi", a, mv)
    };
    let shr = |kb: &mut Kb<'_>, a: Value, n: Value| kb.binary("arith.shrui", a, n);
    let sign = and(kb, x, 0x8000_0000);
    let exp = and(kb, x, 0x7FF0_0000);
    let man = and(kb, x, 0x000F_FFFF);
    let c16 = c32(kb, 16);
    let hsign = shr(kb, sign, c16);
    let zero = c32(kb, 0);
    let c13 = c32(kb, 13);
    // Infinity / NaN.
    let exp_all = c32(kb, 0x7FF0_0000);
    let is_special = kb.cmp(false, cmpi::EQ, exp, exp_all);
    let man0 = kb.cmp(false, cmpi::EQ, man, zero);
    let lo0 = kb.cmp(false, cmpi::EQ, lo, zero);
    let inf = kb.binary("arith.andi", man0, lo0);
    let qbit = c32(kb, 0x40);
    let nan_bit = kb.select(inf, zero, qbit);
    let inf_bits = c32(kb, 0x7F80);
    let special = kb.binary("arith.ori", hsign, inf_bits);
    let special = kb.binary("arith.ori", special, nan_bit);
    let mshift = shr(kb, man, c13);
    let special = kb.binary("arith.ori", special, mshift);
    // The exponent rebiased for bf16 (signed).
    let c20 = c32(kb, 20);
    let e = shr(kb, exp, c20);
    let bias = c32(kb, 1023 - 127);
    let hexp = kb.subi(e, bias);
    let cff = c32(kb, 0xFF);
    let overflow = kb.cmp(false, cmpi::SGE, hexp, cff);
    let overflow_bits = kb.binary("arith.ori", hsign, inf_bits);
    // Round to nearest even at `round_bit`: round bit set and (kept lsb or lower bits set).
    let round_up = |kb: &mut Kb<'_>, m: Value, rb: Value| {
        let r = kb.binary("arith.andi", m, rb);
        let r_set = kb.cmp(false, cmpi::NE, r, zero);
        let three = c32(kb, 3);
        let rb3 = kb.muli(rb, three);
        let one = c32(kb, 1);
        let mask = kb.subi(rb3, one);
        let rest = kb.binary("arith.andi", m, mask);
        let rest_set = kb.cmp(false, cmpi::NE, rest, zero);
        let up = kb.binary("arith.andi", r_set, rest_set);
        kb.cast("arith.extui", up, i32t)
    };
    // Subnormal results (hexp <= 0); shift amounts clamped so unused lanes stay defined.
    let c1 = c32(kb, 1);
    let underflow = kb.cmp(false, cmpi::SLE, hexp, zero);
    let c7 = c32(kb, 7);
    let lost = kb.subi(c7, hexp);
    let c21 = c32(kb, 21);
    let to_zero = kb.cmp(false, cmpi::SGT, lost, c21);
    let hidden = c32(kb, 0x0010_0000);
    let man_h = kb.binary("arith.ori", man, hidden);
    let c14 = c32(kb, 14);
    let c31 = c32(kb, 31);
    let sh = kb.subi(c14, hexp);
    let sh = kb.binary("arith.minsi", sh, c31);
    let sh = kb.binary("arith.maxsi", sh, zero);
    let sub_man = shr(kb, man_h, sh);
    let rsh = kb.subi(c13, hexp);
    let rsh = kb.binary("arith.minsi", rsh, c31);
    let rsh = kb.binary("arith.maxsi", rsh, zero);
    let rb = kb.binary("arith.shli", c1, rsh);
    let up = round_up(kb, man_h, rb);
    let sub_man = kb.addi(sub_man, up);
    let sub_bits = kb.binary("arith.ori", hsign, sub_man);
    let sub_bits = kb.select(to_zero, hsign, sub_bits);
    // Normal results.
    let c7s = c32(kb, 7);
    let hexp_pos = kb.binary("arith.maxsi", hexp, zero);
    let e_bits = kb.binary("arith.shli", hexp_pos, c7s);
    let norm = kb.binary("arith.ori", hsign, e_bits);
    let norm = kb.binary("arith.ori", norm, mshift);
    let rbn = c32(kb, 0x1000);
    let up = round_up(kb, man, rbn);
    let norm = kb.addi(norm, up);
    let r = kb.select(underflow, sub_bits, norm);
    let r = kb.select(overflow, overflow_bits, r);
    let r = kb.select(is_special, special, r);
    let r16 = kb.cast("arith.trunci", r, i16t);
    let bf = kb.ctx.float_type(FloatKind::BF16);
    kb.cast("arith.bitcast", r16, bf)
}

/// Packed weights are f32 for f32 weights (widened in registers), f64 otherwise.
fn pack_kind(k: FloatKind) -> FloatKind {
    if k == FloatKind::F32 {
        FloatKind::F32
    } else {
        FloatKind::F64
    }
}

// ----- kernels -----

fn emit(ctx: &mut Context, cx: &mut OpCx<'_, '_>, s: &Spec) -> Result<(), Diagnostic> {
    let f64_ty = ctx.float_type(FloatKind::F64);
    let rows = s.seq * s.batch;
    let ghp = s.ghp();
    let x = cx.input(ctx, 0)?;
    let wt = packed(ctx, cx, s, 1, s.input)?;
    let rt = packed(ctx, cx, s, 2, s.hidden)?;
    let xw_ty = ctx.memref_type(vec![s.dirs, rows, ghp], f64_ty);
    let xw = cx.scratch(ctx, xw_ty);
    let rows_ty = {
        let et = ctx.element_type(ctx.value_type(x)).expect("a memref");
        ctx.memref_type(vec![rows, s.input], et)
    };
    let hint = format!("{}_input", s.cell.name());
    cx.kernel(ctx, &hint, &[x, wt, xw], |kb, a| {
        let xv = if kb.value_type(a[0]) == rows_ty {
            a[0]
        } else {
            kb.op1("buffer.view", &[a[0]], rows_ty, &[])
        };
        projection(kb, s, xv, a[1], a[2]);
        Ok(())
    })?;

    // The recurrence's arguments, in order, with the positions of the optional ones.
    let mut args = vec![xw, rt];
    let mut pos = Pos::default();
    let push = |args: &mut Vec<Value>, v: Value| {
        args.push(v);
        Some(args.len() - 1)
    };
    if s.b.is_some() {
        let v = cx.input(ctx, 3)?;
        pos.b = push(&mut args, v);
    }
    if matches!(s.lens, Lens::Dynamic(_)) {
        let v = cx.input(ctx, 4)?;
        pos.lens = push(&mut args, v);
    }
    if s.h0.is_some() {
        let v = cx.input(ctx, 5)?;
        pos.h0 = push(&mut args, v);
    }
    if s.c0.is_some() {
        let v = cx.input(ctx, 6)?;
        pos.c0 = push(&mut args, v);
    }
    if s.p.is_some() {
        let v = cx.input(ctx, 7)?;
        pos.p = push(&mut args, v);
    }
    let states = s.dirs * s.batch;
    let st_ty = ctx.memref_type(vec![states, s.hidden], f64_ty);
    let hr_ty = ctx.memref_type(vec![states, ghp], f64_ty);
    let h = cx.scratch(ctx, st_ty);
    pos.h = push(&mut args, h).expect("pushed");
    if s.cell == Cell::Lstm {
        let c = cx.scratch(ctx, st_ty);
        pos.c = push(&mut args, c);
    }
    let hr = cx.scratch(ctx, hr_ty);
    pos.hr = push(&mut args, hr).expect("pushed");
    if s.cell == Cell::Gru && !s.linear_before_reset {
        let rh = cx.scratch(ctx, st_ty);
        pos.rh = push(&mut args, rh);
    }
    for i in 0..3 {
        if s.outs[i] {
            let v = cx.output(ctx, i)?;
            pos.outs[i] = push(&mut args, v);
        }
    }
    cx.kernel(ctx, s.cell.name(), &args, |kb, a| {
        recurrence(kb, s, &pos, a);
        Ok(())
    })
}

/// Positions of the recurrence kernel's arguments (XW and R^T are 0 and 1).
#[derive(Default)]
struct Pos {
    b: Option<usize>,
    lens: Option<usize>,
    h0: Option<usize>,
    c0: Option<usize>,
    p: Option<usize>,
    h: usize,
    c: Option<usize>,
    hr: usize,
    rh: Option<usize>,
    outs: [Option<usize>; 3],
}

/// Operand `i` (W or R: `[dirs, gates * hidden, k]`) transposed and padded into
/// `[dirs, k, gates * hp]`: a compile-time weight when it is a constant, else an arena buffer
/// filled by a packing kernel (one task per direction and row of the result).
fn packed(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    s: &Spec,
    i: usize,
    k: i64,
) -> Result<Value, Diagnostic> {
    let src_kind = match cx.operand_elem(ctx, i)? {
        Elem::Float(f) => f,
        _ => return Err(cx.unsupported(ctx, format!("operand #{i} of a non-float element type"))),
    };
    let pk = pack_kind(src_kind);
    let pty = ctx.float_type(pk);
    let (gates, hidden, hp, dirs) = (s.cell.gates(), s.hidden, s.hp, s.dirs);
    let ghp = gates * hp;
    let shape = vec![dirs, k, ghp];
    let ty = ctx.memref_type(shape.clone(), pty);
    let data = cx
        .constant_operand(ctx, i)
        .and_then(|a| flowc_interp::attribute_to_tensor(ctx, a).ok())
        .map(|t| t.to_f64_vec());
    if let Some(data) = data {
        let (k_, h_, hp_, g_) = (k as usize, hidden as usize, hp as usize, gates as usize);
        let mut out = vec![0.0f64; (dirs * k * ghp) as usize];
        for d in 0..dirs as usize {
            for g in 0..g_ {
                for j in 0..h_ {
                    for kk in 0..k_ {
                        let src = (d * g_ * h_ + g * h_ + j) * k_ + kk;
                        out[(d * k_ + kk) * g_ * hp_ + g * hp_ + j] = data[src];
                    }
                }
            }
        }
        let bytes: Vec<u8> = if pk == FloatKind::F32 {
            out.iter().flat_map(|&v| (v as f32).to_le_bytes()).collect()
        } else {
            out.iter().flat_map(|&v| v.to_le_bytes()).collect()
        };
        let hint = format!("{}_{}t", s.cell.name(), if i == 1 { "w" } else { "r" });
        let attr = resource(ctx, &hint, shape, pty, bytes);
        return Ok(cx.weight(ctx, attr, ty));
    }
    let src = cx.input(ctx, i)?;
    let dst = cx.scratch(ctx, ty);
    let hint = format!("{}_pack_{}", s.cell.name(), if i == 1 { "w" } else { "r" });
    cx.kernel(ctx, &hint, &[src, dst], |kb, a| {
        let (src, dst) = (a[0], a[1]);
        kb.parallel(&[dirs, k], |kb, iv| {
            let (d, kk) = (iv[0], iv[1]);
            for g in 0..gates {
                kb.for_range(hidden, |kb, j| {
                    let row = add_const(kb, j, g * hidden);
                    let v = kb.load(src, &[d, row, kk]);
                    let v = if pk == src_kind { v } else { widen(kb, v) };
                    let col = add_const(kb, j, g * hp);
                    kb.store(v, dst, &[d, kk, col]);
                });
                if hp > hidden {
                    kb.for_range(hp - hidden, |kb, j| {
                        let z = kb.constant(pty, 0.0);
                        let col = add_const(kb, j, g * hp + hidden);
                        kb.store(z, dst, &[d, kk, col]);
                    });
                }
            }
        });
        Ok(())
    })?;
    Ok(dst)
}

/// A compile-time array as a `dense_resource` blob named after `hint`.
fn resource(ctx: &mut Context, hint: &str, shape: Vec<i64>, et: Type, data: Vec<u8>) -> Attribute {
    let mut name = hint.to_string();
    let mut i = 0;
    while ctx.resource(&name).is_some() {
        i += 1;
        name = format!("{hint}_{i}");
    }
    ctx.set_resource(
        name.clone(),
        flowc_ir::ResourceBlob {
            alignment: 64,
            data,
        },
    );
    let ty = ctx.tensor_type(shape, et);
    ctx.intern_attr(AttrData::DenseResource { name, ty })
}

fn add_const(kb: &mut Kb<'_>, a: Value, c: i64) -> Value {
    if c == 0 {
        return a;
    }
    let cv = kb.index(c);
    kb.addi(a, cv)
}

/// `v` of the packed element type at `mem[idx]` as an f64 vector.
fn load_vec(kb: &mut Kb<'_>, mem: Value, idx: &[Value]) -> Value {
    let mt = kb.value_type(mem);
    let et = kb.ctx.element_type(mt).expect("a memref");
    let vt = kb.ctx.vector_type(vec![VL], et);
    let mut ops = vec![mem];
    ops.extend_from_slice(idx);
    let v = kb.op1("vector.load", &ops, vt, &[]);
    widen(kb, v)
}

fn store_vec(kb: &mut Kb<'_>, v: Value, mem: Value, idx: &[Value]) {
    let mut ops = vec![v, mem];
    ops.extend_from_slice(idx);
    kb.op("vector.store", &ops, &[], &[]);
}

/// A vector of `-0.0`, the start of every sum (exactly Rust's `f64::sum`).
fn neg_zero_vec(kb: &mut Kb<'_>) -> Value {
    let f = f64t(kb);
    let z = kb.constant(f, -0.0);
    let vt = vec_f64(kb);
    kb.op1("vector.broadcast", &[z], vt, &[])
}

/// Where a block product writes accumulator `(row i, column vector starting at col)`.
type Dst<'a> = dyn Fn(&mut Kb<'_>, usize, Value, Value) + 'a;

/// `sum_k src[srows[i], k] * pk[d, k, c0 + v VL ..]` for the rows `i` and the column vectors
/// `v < nv`, summed over `k` in order from `-0.0` (each lane is one sequential sum); each result
/// vector goes to `dst(kb, i, column, acc)`.
#[allow(clippy::too_many_arguments)]
fn block_product(
    kb: &mut Kb<'_>,
    src: Value,
    srows: &[Value],
    pk: Value,
    d: Value,
    k: i64,
    c0: Value,
    nv: i64,
    dst: &Dst<'_>,
) {
    let nv = nv as usize;
    let z = neg_zero_vec(kb);
    let inits = vec![z; srows.len() * nv];
    let lb = kb.index(0);
    let ub = kb.index(k);
    let one = kb.index(1);
    let accs = kb.for_loop(lb, ub, one, &inits, |kb, kk, acc| {
        let mut ws = Vec::with_capacity(nv);
        for v in 0..nv {
            let c = add_const(kb, c0, v as i64 * VL);
            ws.push(load_vec(kb, pk, &[d, kk, c]));
        }
        let vt = vec_f64(kb);
        let mut out = Vec::with_capacity(acc.len());
        for (i, &r) in srows.iter().enumerate() {
            let xs = kb.load(src, &[r, kk]);
            let xs = widen(kb, xs);
            let xb = kb.op1("vector.broadcast", &[xs], vt, &[]);
            for (v, &w) in ws.iter().enumerate() {
                let p = kb.binary("arith.mulf", w, xb);
                out.push(kb.binary("arith.addf", acc[i * nv + v], p));
            }
        }
        out
    });
    for i in 0..srows.len() {
        for v in 0..nv {
            let c = add_const(kb, c0, v as i64 * VL);
            dst(kb, i, c, accs[i * nv + v]);
        }
    }
}

/// [`block_product`] over the column vectors `cv0 .. cv0 + ncv`, in blocks of `nv_max` vectors
/// (a loop over the full blocks, then one narrower block).
#[allow(clippy::too_many_arguments)]
fn column_blocks(
    kb: &mut Kb<'_>,
    src: Value,
    srows: &[Value],
    pk: Value,
    d: Value,
    k: i64,
    cv0: i64,
    ncv: i64,
    nv_max: i64,
    dst: &Dst<'_>,
) {
    let full = ncv / nv_max;
    let rem = ncv % nv_max;
    if full == 1 {
        let c0 = kb.index(cv0 * VL);
        block_product(kb, src, srows, pk, d, k, c0, nv_max, dst);
    } else if full > 1 {
        kb.for_range(full, |kb, cb| {
            let c = kb.mul_add_index(cb, nv_max * VL, None);
            let c0 = add_const(kb, c, cv0 * VL);
            block_product(kb, src, srows, pk, d, k, c0, nv_max, dst);
        });
    }
    if rem > 0 {
        let c0 = kb.index((cv0 + full * nv_max) * VL);
        block_product(kb, src, srows, pk, d, k, c0, rem, dst);
    }
}

/// The input projection: tasks `(direction, block of MR rows of X)`; the last block may be
/// shorter.
fn projection(kb: &mut Kb<'_>, s: &Spec, x: Value, wt: Value, xw: Value) {
    let rows = s.seq * s.batch;
    let nblk = (rows + MR - 1) / MR;
    let (full, tail) = (rows / MR, rows % MR);
    let ncv = s.ghp() / VL;
    let input = s.input;
    kb.parallel(&[s.dirs, nblk], |kb, iv| {
        let (d, blk) = (iv[0], iv[1]);
        let r0 = kb.mul_add_index(blk, MR, None);
        let run = |kb: &mut Kb<'_>, m: i64| {
            let srows: Vec<Value> = (0..m).map(|i| add_const(kb, r0, i)).collect();
            let dst = |kb: &mut Kb<'_>, i: usize, col: Value, acc: Value| {
                store_vec(kb, acc, xw, &[d, srows[i], col]);
            };
            column_blocks(kb, x, &srows, wt, d, input, 0, ncv, NV_PROJ, &dst);
        };
        if tail == 0 {
            run(kb, MR);
        } else if full == 0 {
            run(kb, tail);
        } else {
            let fv = kb.index(full);
            let c = kb.cmp(false, cmpi::ULT, blk, fv);
            kb.if_else(
                c,
                &[],
                |kb| {
                    run(kb, MR);
                    Vec::new()
                },
                Some(Box::new(|kb: &mut Kb<'_>| {
                    run(kb, tail);
                    Vec::new()
                })),
            );
        }
    });
}

/// The recurrence: tasks `(direction, batch)`, each a whole chain (the direction is made static
/// by a branch when there are two).
fn recurrence(kb: &mut Kb<'_>, s: &Spec, pos: &Pos, a: &[Value]) {
    kb.parallel(&[s.dirs, s.batch], |kb, iv| {
        let (dv, b) = (iv[0], iv[1]);
        if s.dirs == 2 {
            let zero = kb.index(0);
            let c = kb.cmp(false, cmpi::EQ, dv, zero);
            kb.if_else(
                c,
                &[],
                |kb| {
                    chain(kb, s, pos, a, 0, b);
                    Vec::new()
                },
                Some(Box::new(|kb: &mut Kb<'_>| {
                    chain(kb, s, pos, a, 1, b);
                    Vec::new()
                })),
            );
        } else {
            chain(kb, s, pos, a, 0, b);
        }
    });
}

/// One chain: direction `d` (static), batch entry `b`.
fn chain(kb: &mut Kb<'_>, s: &Spec, pos: &Pos, a: &[Value], d: i64, b: Value) {
    let reverse = s.direction == Direction::Reverse || d == 1;
    let dv = kb.index(d);
    let srow = add_const(kb, b, d * s.batch);
    let f64_ty = f64t(kb);
    let st_idx = |j: Value| {
        if s.layout1 { [b, dv, j] } else { [dv, b, j] }
    };
    // Initial states (f64).
    kb.for_range(s.hidden, |kb, j| {
        let init = |kb: &mut Kb<'_>, src: Option<usize>| match src {
            Some(p) => {
                let v = kb.load(a[p], &st_idx(j));
                widen(kb, v)
            }
            None => kb.constant(f64_ty, 0.0),
        };
        let h = init(kb, pos.h0);
        kb.store(h, a[pos.h], &[srow, j]);
        if let Some(c) = pos.c {
            let v = init(kb, pos.c0);
            kb.store(v, a[c], &[srow, j]);
        }
    });
    let zero = kb.index(0);
    let one = kb.index(1);
    let seqv = kb.index(s.seq);
    let len = match (s.lens, pos.lens) {
        (Lens::Dynamic(e), Some(p)) => {
            let l = kb.load(a[p], &[b]);
            let it = kb.ctx.index_type();
            let name = match e {
                Elem::Int { signed: false, .. } => "arith.index_castui",
                _ => "arith.index_cast",
            };
            let l = kb.cast(name, l, it);
            let l = kb.binary("arith.maxsi", l, zero);
            let l = kb.binary("arith.minsi", l, seqv);
            // Steps past the length leave zeros in Y.
            if let Some(py) = pos.outs[0] {
                let y = a[py];
                let et = kb.ctx.float_type(s.elem);
                kb.for_loop(l, seqv, one, &[], |kb, t, _| {
                    kb.for_range(s.hidden, |kb, j| {
                        let z = kb.constant(et, 0.0);
                        let idx = y_index(s, t, dv, b, j);
                        kb.store(z, y, &idx);
                    });
                    Vec::new()
                });
            }
            l
        }
        _ => seqv,
    };
    kb.for_loop(zero, len, one, &[], |kb, step, _| {
        let t = if reverse {
            let last = kb.subi(len, one);
            kb.subi(last, step)
        } else {
            step
        };
        let row = if s.layout1 {
            kb.mul_add_index(b, s.seq, Some(t))
        } else {
            kb.mul_add_index(t, s.batch, Some(b))
        };
        let st = Step {
            s,
            pos,
            a,
            acts: &s.acts[d as usize],
            dv,
            b,
            srow,
            row,
            t,
        };
        st.run(kb);
        Vec::new()
    });
    // Final states.
    if pos.outs[1].is_some() || pos.outs[2].is_some() {
        kb.for_range(s.hidden, |kb, j| {
            for (state, out) in [(Some(pos.h), pos.outs[1]), (pos.c, pos.outs[2])] {
                if let (Some(st), Some(o)) = (state, out) {
                    let v = kb.load(a[st], &[srow, j]);
                    let v = narrow(kb, v, s.elem);
                    kb.store(v, a[o], &st_idx(j));
                }
            }
        });
    }
}

/// The index of `Y[t, d, b, j]` in the result's layout.
fn y_index(s: &Spec, t: Value, d: Value, b: Value, j: Value) -> [Value; 4] {
    if s.layout1 {
        [b, t, d, j]
    } else {
        [t, d, b, j]
    }
}

/// One time step of one chain.
struct Step<'a> {
    s: &'a Spec,
    pos: &'a Pos,
    a: &'a [Value],
    acts: &'a [Act],
    dv: Value,
    b: Value,
    /// Row of the chain's state buffers.
    srow: Value,
    /// Row of XW (the step's row of X).
    row: Value,
    t: Value,
}

impl Step<'_> {
    fn col(&self, kb: &mut Kb<'_>, g: i64, j: Value) -> Value {
        add_const(kb, j, g * self.s.hp)
    }

    fn xw(&self, kb: &mut Kb<'_>, g: i64, j: Value) -> Value {
        let c = self.col(kb, g, j);
        kb.load(self.a[0], &[self.dv, self.row, c])
    }

    fn hr(&self, kb: &mut Kb<'_>, g: i64, j: Value) -> Value {
        let c = self.col(kb, g, j);
        kb.load(self.a[self.pos.hr], &[self.srow, c])
    }

    /// Bias of gate `g`: W's (`rec == false`) or R's; `0.0` without B.
    fn bias(&self, kb: &mut Kb<'_>, g: i64, j: Value, rec: bool) -> Value {
        match self.pos.b {
            Some(p) => {
                let off = g * self.s.hidden + if rec { self.s.gh() } else { 0 };
                let c = add_const(kb, j, off);
                let v = kb.load(self.a[p], &[self.dv, c]);
                widen(kb, v)
            }
            None => {
                let f = f64t(kb);
                kb.constant(f, 0.0)
            }
        }
    }

    /// Peephole `k` (i, o, f); `0.0` without P.
    fn peep(&self, kb: &mut Kb<'_>, k: i64, j: Value) -> Value {
        match self.pos.p {
            Some(p) => {
                let c = add_const(kb, j, k * self.s.hidden);
                let v = kb.load(self.a[p], &[self.dv, c]);
                widen(kb, v)
            }
            None => {
                let f = f64t(kb);
                kb.constant(f, 0.0)
            }
        }
    }

    /// `xw + hr + wb + rb` of gate `g`, in that order.
    fn gate_sum(&self, kb: &mut Kb<'_>, g: i64, j: Value) -> Value {
        let x = self.xw(kb, g, j);
        let h = self.hr(kb, g, j);
        let wb = self.bias(kb, g, j, false);
        let rb = self.bias(kb, g, j, true);
        let v = kb.binary("arith.addf", x, h);
        let v = kb.binary("arith.addf", v, wb);
        kb.binary("arith.addf", v, rb)
    }

    fn clip(&self, kb: &mut Kb<'_>, v: Value) -> Value {
        match self.s.clip {
            Some(c) => {
                let t = kb.value_type(v);
                let lo = kb.constant(t, -c);
                let hi = kb.constant(t, c);
                clamp(kb, v, lo, hi)
            }
            None => v,
        }
    }

    fn act(&self, kb: &mut Kb<'_>, k: usize, v: Value) -> Value {
        let v = self.clip(kb, v);
        self.acts[k].apply(kb, v)
    }

    /// Stores the new hidden value: the f64 state and `Y[t]`.
    fn put_h(&self, kb: &mut Kb<'_>, j: Value, h: Value) {
        kb.store(h, self.a[self.pos.h], &[self.srow, j]);
        if let Some(py) = self.pos.outs[0] {
            let v = narrow(kb, h, self.s.elem);
            let idx = y_index(self.s, self.t, self.dv, self.b, j);
            kb.store(v, self.a[py], &idx);
        }
    }

    /// `HR[:, cv0 ..] = H · R^T` over `ncv` column vectors, from the state rows of `src`.
    fn rec_product(&self, kb: &mut Kb<'_>, src: Value, cv0: i64, ncv: i64) {
        let hr = self.a[self.pos.hr];
        let srow = self.srow;
        let dst = |kb: &mut Kb<'_>, _i: usize, col: Value, acc: Value| {
            store_vec(kb, acc, hr, &[srow, col]);
        };
        let k = self.s.hidden;
        column_blocks(
            kb,
            src,
            &[srow],
            self.a[1],
            self.dv,
            k,
            cv0,
            ncv,
            NV_REC,
            &dst,
        );
    }

    fn run(&self, kb: &mut Kb<'_>) {
        let s = self.s;
        let hcv = s.hp / VL;
        let h = self.a[self.pos.h];
        match s.cell {
            Cell::Rnn => {
                self.rec_product(kb, h, 0, hcv);
                kb.for_range(s.hidden, |kb, j| {
                    let g = self.gate_sum(kb, 0, j);
                    let hn = self.act(kb, 0, g);
                    self.put_h(kb, j, hn);
                });
            }
            Cell::Lstm => {
                self.rec_product(kb, h, 0, 4 * hcv);
                let c = self.a[self.pos.c.expect("LSTM has a cell state")];
                kb.for_range(s.hidden, |kb, j| {
                    let cj = kb.load(c, &[self.srow, j]);
                    let gi = self.gate_sum(kb, 0, j);
                    let pi = self.peep(kb, 0, j);
                    let pc = kb.binary("arith.mulf", pi, cj);
                    let gi = kb.binary("arith.addf", gi, pc);
                    let i = self.act(kb, 0, gi);
                    let f = if s.input_forget {
                        let one = kb.constant(kb.value_type(i), 1.0);
                        kb.binary("arith.subf", one, i)
                    } else {
                        let gf = self.gate_sum(kb, 2, j);
                        let pf = self.peep(kb, 2, j);
                        let pc = kb.binary("arith.mulf", pf, cj);
                        let gf = kb.binary("arith.addf", gf, pc);
                        self.act(kb, 0, gf)
                    };
                    let gc = self.gate_sum(kb, 3, j);
                    let cc = self.act(kb, 1, gc);
                    let fc = kb.binary("arith.mulf", f, cj);
                    let ic = kb.binary("arith.mulf", i, cc);
                    let cn = kb.binary("arith.addf", fc, ic);
                    let go = self.gate_sum(kb, 1, j);
                    let po = self.peep(kb, 1, j);
                    let pc = kb.binary("arith.mulf", po, cn);
                    let go = kb.binary("arith.addf", go, pc);
                    let o = self.act(kb, 0, go);
                    let hc = self.act_noclip(kb, 2, cn);
                    let hn = kb.binary("arith.mulf", o, hc);
                    kb.store(cn, c, &[self.srow, j]);
                    self.put_h(kb, j, hn);
                });
            }
            Cell::Gru if s.linear_before_reset => {
                self.rec_product(kb, h, 0, 3 * hcv);
                kb.for_range(s.hidden, |kb, j| {
                    let gz = self.gate_sum(kb, 0, j);
                    let z = self.act(kb, 0, gz);
                    let gr = self.gate_sum(kb, 1, j);
                    let r = self.act(kb, 0, gr);
                    // xw + r * (hr + rb) + wb
                    let x = self.xw(kb, 2, j);
                    let hrv = self.hr(kb, 2, j);
                    let rb = self.bias(kb, 2, j, true);
                    let wb = self.bias(kb, 2, j, false);
                    let s1 = kb.binary("arith.addf", hrv, rb);
                    let m = kb.binary("arith.mulf", r, s1);
                    let v = kb.binary("arith.addf", x, m);
                    let hh = kb.binary("arith.addf", v, wb);
                    let hj = kb.load(h, &[self.srow, j]);
                    let hn = self.gru_mix(kb, z, hh, hj);
                    self.put_h(kb, j, hn);
                });
            }
            Cell::Gru => {
                // z and r first; then (r * h) · R_h^T into HR's third gate; then the update.
                self.rec_product(kb, h, 0, 2 * hcv);
                let hr = self.a[self.pos.hr];
                let rh = self.a[self
                    .pos
                    .rh
                    .expect("GRU without linear_before_reset has r*h")];
                kb.for_range(s.hidden, |kb, j| {
                    let gz = self.gate_sum(kb, 0, j);
                    let z = self.act(kb, 0, gz);
                    let gr = self.gate_sum(kb, 1, j);
                    let r = self.act(kb, 0, gr);
                    kb.store(z, hr, &[self.srow, j]);
                    let hj = kb.load(h, &[self.srow, j]);
                    let v = kb.binary("arith.mulf", r, hj);
                    kb.store(v, rh, &[self.srow, j]);
                });
                self.rec_product(kb, rh, 2 * hcv, hcv);
                kb.for_range(s.hidden, |kb, j| {
                    let z = kb.load(hr, &[self.srow, j]);
                    // xw + m + rb + wb
                    let x = self.xw(kb, 2, j);
                    let m = self.hr(kb, 2, j);
                    let rb = self.bias(kb, 2, j, true);
                    let wb = self.bias(kb, 2, j, false);
                    let v = kb.binary("arith.addf", x, m);
                    let v = kb.binary("arith.addf", v, rb);
                    let hh = kb.binary("arith.addf", v, wb);
                    let hj = kb.load(h, &[self.srow, j]);
                    let hn = self.gru_mix(kb, z, hh, hj);
                    self.put_h(kb, j, hn);
                });
            }
        }
    }

    /// An activation without `clip` (LSTM's `h` function applies to the new cell state as is).
    fn act_noclip(&self, kb: &mut Kb<'_>, k: usize, v: Value) -> Value {
        self.acts[k].apply(kb, v)
    }

    /// `(1 - z) * a1(clip(hh)) + z * h`.
    fn gru_mix(&self, kb: &mut Kb<'_>, z: Value, hh: Value, h: Value) -> Value {
        let ht = self.act(kb, 1, hh);
        let one = kb.constant(kb.value_type(z), 1.0);
        let omz = kb.binary("arith.subf", one, z);
        let a = kb.binary("arith.mulf", omz, ht);
        let b = kb.binary("arith.mulf", z, h);
        kb.binary("arith.addf", a, b)
    }
}
