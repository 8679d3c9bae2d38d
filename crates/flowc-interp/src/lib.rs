//! The reference interpreter of the `flow` dialect.
//!
//! [`run_function`] executes the body of a `func.func` whose ops are `flow` ops (plus
//! `func.return`, `flow.fused` / `flow.yield` and a few `arith` ops) on host [`Tensor`]s, with
//! the semantics of the ONNX operator each op stands for at the newest opset, as ONNX's own
//! reference implementation computes it: numpy broadcasting, integer division that truncates,
//! `Mod` with numpy's (`fmod = 0`) or C's (`fmod = 1`) sign rule, round half to even, NaN and
//! infinity as numpy propagates them, empty tensors, integer overflow that wraps. It is the
//! oracle compiled code is compared with, so kernels are written for clarity; the heavy ones
//! (Conv as im2col + a cache-blocked, register-tiled matmul split over threads; MatMul; Gemm)
//! run a ResNet-50 (batch 1, 224x224) in about 0.3 s on two cores.
//!
//! # Design
//!
//! - Values are [`Tensor`]s (typed storage per dtype, see `flowc-tensor`); `flow.none` is an
//!   absent value. Intermediate tensors are dropped after their last use.
//! - Each op name maps to one kernel in a table ([`supported_ops`] lists them); kernels read
//!   inputs and ONNX attributes (ONNX defaults when absent) through a small accessor type.
//! - Kernels are generic over element types through the traits in [`num`]: [`num::Num`] for
//!   every dtype (wrapping integer arithmetic; `f16` / `bf16` computed in `f32` and rounded
//!   once per operation, as numpy does) and [`num::FloatElem`] for float kernels, which run in
//!   a compute type (`f32` for `f16`, `bf16` and `f32`; `f64` for `f64`) and round back.
//!   Dispatch on the dtype happens once per op through `match_*!` macros. Composite kernels
//!   (normalizations, resampling, recurrent layers, losses) accumulate in `f64` and round once;
//!   where ONNX's reference rounds each step into the element type (Softmax, Attention), so do
//!   they.
//! - Every failure (unsupported op or dtype, bad shapes, out-of-range indices or axes, missing
//!   inputs, tensors over 2^32 elements) is an [`InterpError`] that names the op, its location
//!   (the ONNX node name from its `NameLoc`) and the reason. Its [`InterpErrorKind`] tells
//!   what the interpreter does not implement (`Unsupported`: no kernel, an element type,
//!   attribute value or mode a kernel lacks) from inputs that break the op's contract
//!   (`Invalid`); kernels raise the former with `unsupported!`, the latter with `bail!`. No
//!   input makes the interpreter panic; a test feeds every kernel odd inputs and attributes to
//!   keep it so.
//!
//! # Coverage
//!
//! Elementwise math and activations, binary arithmetic and comparisons, logic and bitwise ops,
//! Cast / CastLike, reductions, ArgMax / ArgMin, Softmax family, CumSum / CumProd, TopK, the
//! reshape family, Slice / Pad / Split / Concat / Tile / Expand, Gather / Scatter (all forms),
//! MatMul / Gemm / MatMulInteger / Einsum / Det, Conv / ConvTranspose / ConvInteger /
//! DeformConv, every pooling op, every normalization (Batch, Instance, Layer, Group, RMS, LRN,
//! Lp, MVN), Resize / Upsample / GridSample / RoiAlign / AffineGrid, quantization (Quantize /
//! Dequantize, QLinearMatMul / QLinearConv, DynamicQuantizeLinear), RNN / GRU / LSTM,
//! Attention / LinearAttention / RotaryEmbedding, NonMaxSuppression, Unique, NonZero, OneHot,
//! DFT / STFT / windows / MelWeightMatrix, the losses, and more: see [`supported_ops`]. Data
//! types: f16, bf16, f32, f64, i8..i64, u8..u64 and bool wherever ONNX allows them. Not
//! covered: string, sequence and optional values, float8 / int4 types, random ops (Bernoulli,
//! training-mode Dropout with a non-zero ratio), control flow (If / Loop / Scan).

pub mod num;
mod ops;
mod util;

use flowc_ir::{AttrData, Attribute, Block, Context, LocData, Location, Op, TypeData, Value};
use flowc_tensor::{DType, Tensor, TensorError};
use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;

pub use flowc_tensor;
pub use ops::supported_ops;

/// Resize's taps (source indices and weights per output position), shared with code generation,
/// which turns them into tables at compile time.
pub mod resize_taps {
    pub use crate::ops::resize::{Mode, Params, Taps};

    /// See [`crate::ops::resize::axis_taps`].
    pub fn axis_taps(
        in_w: usize,
        scale: f64,
        out_w: usize,
        roi: Option<(f64, f64)>,
        p: &Params,
    ) -> Result<Taps, String> {
        crate::ops::resize::axis_taps(in_w, scale, out_w, roi, p).map_err(|e| e.message)
    }
}

/// The number of threads the heavy kernels (MatMul, Gemm, Conv) use.
pub fn num_threads() -> usize {
    ops::gemm::num_threads()
}

/// Whether an op failed on its inputs or on something the interpreter does not implement.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum InterpErrorKind {
    /// The IR or the inputs break the op's contract: wrong shapes or element types for the
    /// op, out-of-range indices or axes, missing operands, malformed IR.
    Invalid,
    /// Valid IR and inputs that the interpreter does not execute: an op with no kernel, an
    /// element type, attribute value or mode a kernel does not implement, random or
    /// training-only behavior.
    Unsupported,
}

/// Why an op could not be executed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InterpError {
    /// The op name (`flow.conv`), or `func.func` for errors about the function itself.
    pub op: String,
    /// Where the op is: the ONNX node name from its `NameLoc`, else `file:line:col`, else
    /// `unknown`.
    pub location: String,
    pub message: String,
    pub kind: InterpErrorKind,
}

impl InterpError {
    /// Whether the interpreter refused something valid that it does not implement.
    pub fn is_unsupported(&self) -> bool {
        self.kind == InterpErrorKind::Unsupported
    }
}

impl fmt::Display for InterpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "'{}' op at {}: {}", self.op, self.location, self.message)
    }
}

impl std::error::Error for InterpError {}

/// A kernel's error: the reason and its kind; the evaluator adds op name and location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct KError {
    pub message: String,
    pub kind: InterpErrorKind,
}

impl KError {
    /// Bad inputs, attributes or IR (see [`InterpErrorKind::Invalid`]).
    pub fn invalid(message: impl Into<String>) -> Self {
        KError {
            message: message.into(),
            kind: InterpErrorKind::Invalid,
        }
    }

    /// Something valid that the interpreter does not implement (see
    /// [`InterpErrorKind::Unsupported`]).
    pub fn unsupported(message: impl Into<String>) -> Self {
        KError {
            message: message.into(),
            kind: InterpErrorKind::Unsupported,
        }
    }

    /// The same error with `prefix: ` before its message.
    pub fn context(self, prefix: &str) -> Self {
        KError {
            message: format!("{prefix}: {}", self.message),
            kind: self.kind,
        }
    }
}

impl From<TensorError> for KError {
    fn from(e: TensorError) -> Self {
        match e {
            TensorError::Unsupported(_) => KError::unsupported(e.to_string()),
            _ => KError::invalid(e.to_string()),
        }
    }
}

impl From<String> for KError {
    fn from(e: String) -> Self {
        KError::invalid(e)
    }
}

pub(crate) type KResult<T> = Result<T, KError>;

/// `bail!("...", args)`: returns an invalid-input [`KError`].
macro_rules! bail {
    ($($arg:tt)*) => {
        return Err($crate::KError::invalid(format!($($arg)*)))
    };
}
pub(crate) use bail;

/// `unsupported!("...", args)`: returns an unsupported [`KError`] (a valid op, element type,
/// attribute value or mode that the interpreter does not implement).
macro_rules! unsupported {
    ($($arg:tt)*) => {
        return Err($crate::KError::unsupported(format!($($arg)*)))
    };
}
pub(crate) use unsupported;

/// A human-readable location: the node name of a `NameLoc` (looking through fused locations),
/// else `file:line:col`, else `unknown`.
pub fn describe_location(ctx: &Context, loc: Location) -> String {
    let mut stack = vec![loc];
    let mut names = Vec::new();
    while let Some(l) = stack.pop() {
        match ctx.loc_data(l) {
            LocData::Name { name, .. } => names.push(format!("\"{}\"", ctx.ident_str(*name))),
            LocData::Fused { locs, .. } => stack.extend(locs.iter().rev()),
            LocData::CallSite { callee, .. } => stack.push(*callee),
            _ => {}
        }
    }
    if !names.is_empty() {
        return names.join(", ");
    }
    match ctx.file_line_col(loc) {
        Some((f, l, c)) => format!("{f}:{l}:{c}"),
        None => "unknown".to_string(),
    }
}

/// A runtime value: a tensor, or the absent optional value of `flow.none`.
type Slot = Option<Rc<Tensor>>;

/// One op being executed: its inputs and attribute accessors.
pub(crate) struct Node<'a> {
    pub ctx: &'a Context,
    pub op: Op,
    pub name: &'a str,
    pub inputs: Vec<Slot>,
}

impl<'a> Node<'a> {
    pub fn num_inputs(&self) -> usize {
        self.inputs.len()
    }

    pub fn num_results(&self) -> usize {
        self.ctx.num_results(self.op)
    }

    /// Input `i`, which must be present.
    pub fn input(&self, i: usize) -> KResult<&Tensor> {
        match self.inputs.get(i) {
            Some(Some(t)) => Ok(t),
            Some(None) => bail!("input {i} is required but is none"),
            None => bail!(
                "input {i} is required but the op has {} operands",
                self.inputs.len()
            ),
        }
    }

    /// Optional input `i`: absent or `none` gives `None`.
    pub fn opt(&self, i: usize) -> Option<&Tensor> {
        self.inputs.get(i).and_then(|s| s.as_deref())
    }

    /// Optional input `i`; an empty tensor counts as absent too (ONNX's "empty string" inputs
    /// exported by some converters as empty tensors, e.g. Resize's roi / scales).
    pub fn opt_nonempty(&self, i: usize) -> Option<&Tensor> {
        self.opt(i).filter(|t| !t.is_empty())
    }

    pub fn attr(&self, name: &str) -> Option<Attribute> {
        self.ctx.attr(self.op, name)
    }

    pub fn has_attr(&self, name: &str) -> bool {
        self.attr(name).is_some()
    }

    /// An INT attribute (`IntegerAttr` or `BoolAttr`), or `default` when absent.
    pub fn int(&self, name: &str, default: i64) -> KResult<i64> {
        Ok(self.opt_int(name)?.unwrap_or(default))
    }

    pub fn opt_int(&self, name: &str) -> KResult<Option<i64>> {
        let Some(a) = self.attr(name) else {
            return Ok(None);
        };
        match self.ctx.attr_data(a) {
            AttrData::Integer { value, .. } => i64::try_from(*value)
                .map(Some)
                .map_err(|_| KError::invalid(format!("attribute '{name}' is out of range"))),
            AttrData::Bool(b) => Ok(Some(*b as i64)),
            _ => bail!("attribute '{name}' must be an integer"),
        }
    }

    /// A FLOAT attribute (`FloatAttr`, or an integer), or `default` when absent.
    pub fn float(&self, name: &str, default: f32) -> KResult<f32> {
        Ok(self.opt_float(name)?.unwrap_or(default))
    }

    pub fn opt_float(&self, name: &str) -> KResult<Option<f32>> {
        let Some(a) = self.attr(name) else {
            return Ok(None);
        };
        match self.ctx.attr_data(a) {
            AttrData::Float { .. } => Ok(self.ctx.float_value(a).map(|v| v as f32)),
            AttrData::Integer { value, .. } => Ok(Some(*value as f32)),
            _ => bail!("attribute '{name}' must be a float"),
        }
    }

    /// An INTS attribute (`array<i64: ...>`, or an array of integers).
    pub fn ints(&self, name: &str) -> KResult<Option<Vec<i64>>> {
        let Some(a) = self.attr(name) else {
            return Ok(None);
        };
        if let Some(v) = self.ctx.dense_array_i64(a) {
            return Ok(Some(v));
        }
        if let Some(elems) = self.ctx.array_value(a) {
            let mut out = Vec::with_capacity(elems.len());
            for &e in elems {
                match self.ctx.int_value(e) {
                    Some(v) => out.push(i64::try_from(v).map_err(|_| {
                        KError::invalid(format!("attribute '{name}' is out of range"))
                    })?),
                    None => bail!("attribute '{name}' must be a list of integers"),
                }
            }
            return Ok(Some(out));
        }
        if let AttrData::DenseElements { .. } = self.ctx.attr_data(a) {
            let t = attr_to_tensor(self.ctx, a)?;
            return Ok(Some(t.to_i64_vec()?));
        }
        bail!("attribute '{name}' must be a list of integers")
    }

    /// A FLOATS attribute (`array<f32: ...>`, or an array of floats).
    pub fn floats(&self, name: &str) -> KResult<Option<Vec<f32>>> {
        let Some(a) = self.attr(name) else {
            return Ok(None);
        };
        match self.ctx.attr_data(a) {
            AttrData::DenseArray { element, data } => match self.ctx.type_data(*element) {
                TypeData::Float(k) => {
                    let w = k.width() as usize / 8;
                    let dtype = match k.width() {
                        32 => DType::F32,
                        64 => DType::F64,
                        _ => unsupported!("attribute '{name}': unsupported float array element"),
                    };
                    let _ = w;
                    let t = Tensor::from_bytes_le(dtype, vec![data.len() / w], data)?;
                    Ok(Some(t.to_f64_vec().into_iter().map(|v| v as f32).collect()))
                }
                _ => Ok(self
                    .ints(name)?
                    .map(|v| v.into_iter().map(|x| x as f32).collect())),
            },
            AttrData::Array(elems) => {
                let mut out = Vec::with_capacity(elems.len());
                for &e in elems {
                    match self.ctx.attr_data(e) {
                        AttrData::Float { .. } => {
                            out.push(self.ctx.float_value(e).unwrap_or(0.0) as f32)
                        }
                        AttrData::Integer { value, .. } => out.push(*value as f32),
                        _ => bail!("attribute '{name}' must be a list of floats"),
                    }
                }
                Ok(Some(out))
            }
            AttrData::DenseElements { .. } => {
                let t = attr_to_tensor(self.ctx, a)?;
                Ok(Some(t.to_f64_vec().into_iter().map(|v| v as f32).collect()))
            }
            _ => bail!("attribute '{name}' must be a list of floats"),
        }
    }

    /// A STRING attribute, or `default` when absent.
    pub fn string(&self, name: &str, default: &str) -> KResult<String> {
        let Some(a) = self.attr(name) else {
            return Ok(default.to_string());
        };
        match self.ctx.str_value(a) {
            Some(s) => Ok(s.to_string()),
            None => bail!("attribute '{name}' must be a string"),
        }
    }

    /// A STRINGS attribute.
    pub fn strings(&self, name: &str) -> KResult<Option<Vec<String>>> {
        let Some(a) = self.attr(name) else {
            return Ok(None);
        };
        let Some(elems) = self.ctx.array_value(a) else {
            bail!("attribute '{name}' must be a list of strings");
        };
        elems
            .iter()
            .map(|&e| match self.ctx.str_value(e) {
                Some(s) => Ok(s.to_string()),
                None => bail!("attribute '{name}' must be a list of strings"),
            })
            .collect::<KResult<Vec<_>>>()
            .map(Some)
    }

    /// A TENSOR attribute.
    pub fn tensor_attr(&self, name: &str) -> KResult<Option<Tensor>> {
        match self.attr(name) {
            None => Ok(None),
            Some(a) => attr_to_tensor(self.ctx, a)
                .map(Some)
                .map_err(|e| e.context(&format!("attribute '{name}'"))),
        }
    }
}

/// The dtype of a scalar element type (`i1` is bool, `index` is i64).
pub fn type_to_dtype(ctx: &Context, ty: flowc_ir::Type) -> Option<DType> {
    use flowc_ir::{FloatKind, Signedness};
    Some(match ctx.type_data(ty) {
        TypeData::Float(FloatKind::F16) => DType::F16,
        TypeData::Float(FloatKind::BF16) => DType::BF16,
        TypeData::Float(FloatKind::F32) => DType::F32,
        TypeData::Float(FloatKind::F64) => DType::F64,
        TypeData::Index => DType::I64,
        TypeData::Integer { width, signedness } => match (width, signedness) {
            (1, _) => DType::Bool,
            (8, Signedness::Unsigned) => DType::U8,
            (16, Signedness::Unsigned) => DType::U16,
            (32, Signedness::Unsigned) => DType::U32,
            (64, Signedness::Unsigned) => DType::U64,
            (8, _) => DType::I8,
            (16, _) => DType::I16,
            (32, _) => DType::I32,
            (64, _) => DType::I64,
            _ => return None,
        },
        _ => return None,
    })
}

/// The tensor held by a `dense<...>` / `dense_resource<...>` attribute (or a scalar integer /
/// float attribute, as a rank-0 tensor).
pub fn attribute_to_tensor(ctx: &Context, attr: Attribute) -> Result<Tensor, String> {
    attr_to_tensor(ctx, attr).map_err(|e| e.message)
}

fn shape_of_type(ctx: &Context, ty: flowc_ir::Type) -> KResult<(DType, Vec<usize>)> {
    let Some(elem) = ctx.element_type(ty) else {
        bail!("expected a tensor type");
    };
    let Some(dtype) = type_to_dtype(ctx, elem) else {
        unsupported!("unsupported element type");
    };
    let Some(shape) = ctx.shape(ty) else {
        bail!("expected a ranked tensor type");
    };
    let mut dims = Vec::with_capacity(shape.len());
    for &d in shape {
        if d < 0 {
            bail!("constant with a dynamic shape");
        }
        dims.push(d as usize);
    }
    Ok((dtype, dims))
}

pub(crate) fn attr_to_tensor(ctx: &Context, attr: Attribute) -> KResult<Tensor> {
    match ctx.attr_data(attr) {
        AttrData::DenseElements { ty, splat, data } => {
            let (dtype, shape) = shape_of_type(ctx, *ty)?;
            if *splat {
                let one = Tensor::from_bytes_le(dtype, vec![], data)?;
                ops::broadcast_to(&one, &shape)
            } else {
                Ok(Tensor::from_bytes_le(dtype, shape, data)?)
            }
        }
        AttrData::DenseResource { name, ty } => {
            let (dtype, shape) = shape_of_type(ctx, *ty)?;
            let Some(blob) = ctx.resource(name) else {
                bail!("dense_resource<{name}> has no blob");
            };
            Ok(Tensor::from_bytes_le(dtype, shape, &blob.data)?)
        }
        AttrData::Integer { value, ty } => {
            let Some(dtype) = type_to_dtype(ctx, *ty) else {
                unsupported!("unsupported integer attribute type");
            };
            let bytes = value.to_le_bytes();
            Ok(Tensor::from_bytes_le(
                dtype,
                vec![],
                &bytes[..dtype.size_bytes()],
            )?)
        }
        AttrData::Float { bits, ty } => {
            let Some(dtype) = type_to_dtype(ctx, *ty) else {
                unsupported!("unsupported float attribute type");
            };
            let bytes = bits.to_le_bytes();
            Ok(Tensor::from_bytes_le(
                dtype,
                vec![],
                &bytes[..dtype.size_bytes()],
            )?)
        }
        AttrData::Bool(b) => Ok(Tensor::scalar(*b)),
        AttrData::DenseArray { element, data } => {
            let Some(dtype) = type_to_dtype(ctx, *element) else {
                unsupported!("unsupported array element type");
            };
            let n = data.len() / dtype.size_bytes().max(1);
            Ok(Tensor::from_bytes_le(dtype, vec![n], data)?)
        }
        _ => bail!("expected a dense elements or dense_resource attribute"),
    }
}

/// Executes the body of `func` (a `func.func`) on `inputs`, in argument order, and returns the
/// operands of its `func.return`.
pub fn run_function(
    ctx: &Context,
    func: Op,
    inputs: Vec<Tensor>,
) -> Result<Vec<Tensor>, InterpError> {
    let func_err = |message: String| InterpError {
        op: ctx.op_name(func).to_string(),
        location: describe_location(ctx, ctx.op_loc(func)),
        message,
        kind: InterpErrorKind::Invalid,
    };
    let Some(&region) = ctx.regions(func).first() else {
        return Err(func_err("the function has no body".into()));
    };
    let blocks = ctx.region_blocks(region);
    if blocks.len() != 1 {
        return Err(func_err(format!(
            "expected a body of one block, found {}",
            blocks.len()
        )));
    }
    let block = blocks[0];
    let args = ctx.block_args(block);
    if args.len() != inputs.len() {
        return Err(func_err(format!(
            "expected {} inputs, got {}",
            args.len(),
            inputs.len()
        )));
    }
    let mut env: HashMap<Value, Slot> = HashMap::new();
    for (i, (&arg, t)) in args.iter().zip(inputs).enumerate() {
        check_arg(ctx, arg, &t).map_err(|m| func_err(format!("input {i}: {m}")))?;
        env.insert(arg, Some(Rc::new(t)));
    }
    let results = run_block(ctx, block, &mut env)?;
    results
        .into_iter()
        .enumerate()
        .map(|(i, s)| match s {
            Some(t) => Ok(Rc::try_unwrap(t).unwrap_or_else(|rc| (*rc).clone())),
            None => Err(func_err(format!("result {i} is none"))),
        })
        .collect()
}

/// Executes the single op `op` (one without regions) on `inputs`, one per operand (`None` for a
/// `flow.none` operand), and returns its results (`None` for an absent optional result). Used to
/// fold ops whose operands are all constants.
pub fn eval_op(
    ctx: &Context,
    op: Op,
    inputs: Vec<Option<Tensor>>,
) -> Result<Vec<Option<Tensor>>, InterpError> {
    let name = ctx.op_name(op);
    let err = |e: KError| InterpError {
        op: name.to_string(),
        location: describe_location(ctx, ctx.op_loc(op)),
        message: e.message,
        kind: e.kind,
    };
    if !ctx.regions(op).is_empty() && name != "flow.constant" {
        return Err(err(KError::unsupported(
            "ops with regions are not evaluated alone",
        )));
    }
    if inputs.len() != ctx.num_operands(op) {
        return Err(err(KError::invalid(format!(
            "expected {} inputs, got {}",
            ctx.num_operands(op),
            inputs.len()
        ))));
    }
    let node = Node {
        ctx,
        op,
        name,
        inputs: inputs.into_iter().map(|t| t.map(Rc::new)).collect(),
    };
    ops::dispatch(&node).map_err(err)
}

fn check_arg(ctx: &Context, arg: Value, t: &Tensor) -> Result<(), String> {
    let ty = ctx.value_type(arg);
    let Some(elem) = ctx.element_type(ty) else {
        return Ok(());
    };
    if let Some(d) = type_to_dtype(ctx, elem)
        && d != t.dtype()
    {
        return Err(format!("expected element type {d}, got {}", t.dtype()));
    }
    if let Some(shape) = ctx.shape(ty) {
        let ok = shape.len() == t.rank()
            && shape
                .iter()
                .zip(t.shape())
                .all(|(&s, &d)| s < 0 || s as usize == d);
        if !ok {
            let want: Vec<String> = shape
                .iter()
                .map(|&s| if s < 0 { "?".into() } else { s.to_string() })
                .collect();
            return Err(format!(
                "expected shape [{}], got {:?}",
                want.join(", "),
                t.shape()
            ));
        }
    }
    Ok(())
}

/// Runs the ops of `block` with `env` holding the values defined so far; returns the operands
/// of the terminator (the last op, when it has no results and is not a `flow` op).
fn run_block(
    ctx: &Context,
    block: Block,
    env: &mut HashMap<Value, Slot>,
) -> Result<Vec<Slot>, InterpError> {
    // Remaining uses in this block, so intermediate tensors are freed after their last use.
    let mut remaining: HashMap<Value, usize> = HashMap::new();
    for op in ctx.block_ops(block) {
        for v in ctx.operands(op) {
            *remaining.entry(v).or_insert(0) += 1;
        }
    }
    for op in ctx.block_ops(block) {
        let name = ctx.op_name(op);
        let kerr = |e: KError| InterpError {
            op: name.to_string(),
            location: describe_location(ctx, ctx.op_loc(op)),
            message: e.message,
            kind: e.kind,
        };
        let err = |message: String| kerr(KError::invalid(message));
        let mut inputs = Vec::with_capacity(ctx.num_operands(op));
        for (i, v) in ctx.operands(op).enumerate() {
            match env.get(&v) {
                Some(s) => inputs.push(s.clone()),
                None => return Err(err(format!("operand {i} has no value (defined later?)"))),
            }
        }
        if is_terminator(name) {
            return Ok(inputs);
        }
        let node = Node {
            ctx,
            op,
            name,
            inputs,
        };
        let outputs = if !ctx.regions(op).is_empty() && name != "flow.constant" {
            run_region_op(&node, env).map_err(|e| match e {
                RegionErr::K(k) => kerr(k),
                RegionErr::I(i) => i,
            })?
        } else {
            ops::dispatch(&node).map_err(kerr)?
        };
        drop(node);
        let results = ctx.results(op);
        if outputs.len() < results.len() {
            return Err(err(format!(
                "produced {} results, the op has {}",
                outputs.len(),
                results.len()
            )));
        }
        for (&r, t) in results.iter().zip(outputs) {
            env.insert(r, t.map(Rc::new));
        }
        for v in ctx.operands(op) {
            if let Some(n) = remaining.get_mut(&v) {
                *n -= 1;
                if *n == 0 {
                    env.remove(&v);
                }
            }
        }
    }
    Err(InterpError {
        op: "block".into(),
        location: "unknown".into(),
        message: "the block has no terminator (func.return)".into(),
        kind: InterpErrorKind::Invalid,
    })
}

fn is_terminator(name: &str) -> bool {
    matches!(
        name,
        "func.return" | "flow.yield" | "flow.return" | "scf.yield"
    )
}

enum RegionErr {
    K(KError),
    I(InterpError),
}

/// An op with a region (`flow.fused`): its entry block's arguments take the op's operands and
/// its terminator's operands (`flow.yield`) are the op's results. Values defined above stay
/// visible inside.
fn run_region_op(
    node: &Node<'_>,
    outer: &HashMap<Value, Slot>,
) -> Result<Vec<Option<Tensor>>, RegionErr> {
    let ctx = node.ctx;
    let region = ctx.regions(node.op)[0];
    let Some(block) = ctx.region_entry(region) else {
        return Err(RegionErr::K(KError::invalid("the region is empty")));
    };
    if ctx.region_blocks(region).len() != 1 {
        return Err(RegionErr::K(KError::unsupported(
            "regions of more than one block are not supported",
        )));
    }
    let args = ctx.block_args(block);
    if args.len() != node.inputs.len() {
        return Err(RegionErr::K(KError::invalid(format!(
            "the region takes {} arguments, the op has {} operands",
            args.len(),
            node.inputs.len()
        ))));
    }
    let mut env: HashMap<Value, Slot> = outer.clone();
    for (&a, s) in args.iter().zip(&node.inputs) {
        env.insert(a, s.clone());
    }
    let outs = run_block(ctx, block, &mut env).map_err(RegionErr::I)?;
    Ok(outs
        .into_iter()
        .map(|s| s.map(|t| Rc::try_unwrap(t).unwrap_or_else(|rc| (*rc).clone())))
        .collect())
}
