//! ONNX shape and type inference for `flow` ops.
//!
//! [`infer`] checks what ONNX's schema says (operand count, element types, type variables,
//! attribute kinds, result count) and then runs the op's own rule: numpy broadcasting, conv /
//! pool arithmetic, the reshape family with constant operands, and so on. Value-dependent
//! dims that cannot be known are `?` ([`DYN`]); a result is unranked only when even its rank is
//! unknown. Every failure is an error string; nothing panics, whatever the input.

mod attrs;
mod elementwise;
mod misc;
mod nn;
mod reduce;
mod shape;
mod signal;
mod transformer;
pub mod util;

pub use attrs::{Attrs, has_kind, kind_description};
pub use util::{DYN, TensorInfo};

use crate::dtype::DType;
use crate::spec::{OpSpec, param_at};
use flowc_ir::{Attribute, Context, NamedAttr, Type, TypeData};
use util::{const_f64s, const_i64s};

type R = Result<Vec<TensorInfo>, String>;

/// The operands of an op as inference sees them.
pub struct Infer<'a> {
    pub ctx: &'a Context,
    pub spec: &'static OpSpec,
    /// `None` for operands of type `none` (absent optional inputs).
    pub operands: Vec<Option<TensorInfo>>,
    pub consts: &'a [Option<Attribute>],
    pub attrs: Attrs<'a>,
    pub num_results: usize,
}

/// The inferred types of the results of a `flow` op (all of them: the caller checks the
/// count), from `&Context`.
pub fn infer(
    ctx: &Context,
    op_name: &str,
    operand_types: &[Type],
    operand_constants: &[Option<Attribute>],
    attrs: &[NamedAttr],
    num_results: usize,
) -> Result<Vec<TensorInfo>, String> {
    if op_name == "flow.constant" {
        return infer_constant(ctx, operand_types, attrs, num_results);
    }
    let spec = crate::spec_for(op_name).ok_or_else(|| match op_name {
        "flow.none" | "flow.fused" | "flow.yield" => {
            format!("'{op_name}' has no tensor result types to infer")
        }
        _ => format!("unknown flow op '{op_name}'"),
    })?;
    let mut operands = Vec::with_capacity(operand_types.len());
    for (i, &ty) in operand_types.iter().enumerate() {
        operands.push(operand_info(ctx, spec, i, ty)?);
    }
    let inf = Infer {
        ctx,
        spec,
        operands,
        consts: operand_constants,
        attrs: Attrs::new(ctx, attrs),
        num_results,
    };
    inf.check_schema(operand_types)?;
    let mut out = inf.dispatch()?;
    if out.len() > num_results {
        out.truncate(num_results);
    }
    if out.len() < num_results {
        return Err(format!(
            "expects at most {} results, but has {num_results}",
            out.len()
        ));
    }
    Ok(out)
}

fn operand_info(
    ctx: &Context,
    spec: &OpSpec,
    i: usize,
    ty: Type,
) -> Result<Option<TensorInfo>, String> {
    let name = param_at(spec.inputs, i).map_or("?", |p| p.name);
    if matches!(ctx.type_data(ty), TypeData::None) {
        return Ok(None);
    }
    TensorInfo::from_type(ctx, ty).map(Some).ok_or_else(|| {
        format!(
            "operand #{i} ({name}) must be a tensor of a flow element type, but got '{}'",
            ctx.print_type(ty)
        )
    })
}

fn infer_constant(
    ctx: &Context,
    operand_types: &[Type],
    attrs: &[NamedAttr],
    num_results: usize,
) -> Result<Vec<TensorInfo>, String> {
    if !operand_types.is_empty() {
        return Err(format!(
            "expects no operands, but got {}",
            operand_types.len()
        ));
    }
    if num_results != 1 {
        return Err(format!("expects 1 result, but has {num_results}"));
    }
    let a = Attrs::new(ctx, attrs);
    let value = a
        .get("value")
        .ok_or_else(|| "requires attribute 'value'".to_string())?;
    if !has_kind(ctx, value, crate::spec::AttrKind::Tensor) {
        return Err(
            "attribute 'value' must be a dense elements or dense resource attribute".to_string(),
        );
    }
    let ty = ctx
        .attr_type(value)
        .ok_or_else(|| "attribute 'value' has no type".to_string())?;
    let info = TensorInfo::from_type(ctx, ty).ok_or_else(|| {
        format!(
            "attribute 'value' must be a tensor of a flow element type, but has type '{}'",
            ctx.print_type(ty)
        )
    })?;
    if info.shape.is_none() || info.dims().is_some_and(|d| d.iter().any(|&x| x < 0)) {
        return Err(format!(
            "attribute 'value' must have a static shape, but has type '{info}'"
        ));
    }
    Ok(vec![info])
}

impl Infer<'_> {
    /// The counts, element types, type variables and attributes ONNX's schema asks for.
    fn check_schema(&self, operand_types: &[Type]) -> Result<(), String> {
        let spec = self.spec;
        let n = self.operands.len();
        let (min, max) = spec.input_range();
        if n < min || max.is_some_and(|m| n > m) {
            return Err(count_error("operand", n, min, max));
        }
        let (rmin, rmax) = spec.output_range();
        let nr = self.num_results;
        if nr < rmin || rmax.is_some_and(|m| nr > m) {
            return Err(count_error("result", nr, rmin, rmax));
        }
        let mut vars: Vec<(&str, usize, DType)> = Vec::new();
        for (i, &ty) in operand_types.iter().enumerate() {
            let Some(p) = param_at(spec.inputs, i) else {
                continue;
            };
            if !(p.constraint.check)(self.ctx, ty) {
                if self.operands[i].is_none() {
                    return Err(format!(
                        "operand #{i} ({}) is required, but is 'none'",
                        p.name
                    ));
                }
                return Err(format!(
                    "operand #{i} ({}) must be {}, but got '{}'",
                    p.name,
                    p.constraint.description,
                    self.ctx.print_type(ty)
                ));
            }
            let Some(t) = &self.operands[i] else { continue };
            if p.var.is_empty() {
                continue;
            }
            match vars.iter().find(|(v, _, _)| *v == p.var) {
                Some(&(_, j, dt)) if dt != t.dt => {
                    let pj = param_at(spec.inputs, j).map_or("?", |p| p.name);
                    return Err(format!(
                        "operands #{j} ({pj}) and #{i} ({}) must have the same element type, but got {} and {}",
                        p.name,
                        dt.mlir_name(),
                        t.dt.mlir_name()
                    ));
                }
                Some(_) => {}
                None => vars.push((p.var, i, t.dt)),
            }
        }
        for a in spec.attrs {
            match self.attrs.get(a.name) {
                None if a.required => {
                    return Err(format!("requires attribute '{}'", a.name));
                }
                Some(v) if !has_kind(self.ctx, v, a.kind) => {
                    return Err(format!(
                        "attribute '{}' must be a {}",
                        a.name,
                        kind_description(a.kind)
                    ));
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Required operand `i`.
    pub fn t(&self, i: usize) -> Result<&TensorInfo, String> {
        self.operands
            .get(i)
            .and_then(Option::as_ref)
            .ok_or_else(|| format!("operand #{i} is missing"))
    }

    /// Optional operand `i` (absent or `none`: `None`).
    pub fn opt(&self, i: usize) -> Option<&TensorInfo> {
        self.operands.get(i).and_then(Option::as_ref)
    }

    /// The integer values of operand `i` when it is a constant.
    pub fn const_ints(&self, i: usize) -> Option<Vec<i64>> {
        self.opt(i)?;
        let a = self.consts.get(i).copied().flatten()?;
        const_i64s(self.ctx, a)
    }

    /// The values of operand `i` as `f64` when it is a constant.
    pub fn const_floats(&self, i: usize) -> Option<Vec<f64>> {
        self.opt(i)?;
        let a = self.consts.get(i).copied().flatten()?;
        const_f64s(self.ctx, a)
    }

    /// The rank of operand `i`, or an error naming `what` it must be.
    pub fn rank_of(&self, i: usize) -> Result<Option<usize>, String> {
        Ok(self.t(i)?.rank())
    }

    /// Checks that operand `i` is ranked `want` when ranked.
    pub fn expect_rank(&self, i: usize, want: usize) -> Result<(), String> {
        let t = self.t(i)?;
        match t.rank() {
            Some(r) if r != want => Err(format!(
                "operand #{i} ({}) must have rank {want}, but has type '{t}'",
                self.pname(i)
            )),
            _ => Ok(()),
        }
    }

    /// Checks that operand `i`, when ranked, has rank at least `min`.
    pub fn expect_min_rank(&self, i: usize, min: usize) -> Result<(), String> {
        let t = self.t(i)?;
        match t.rank() {
            Some(r) if r < min => Err(format!(
                "operand #{i} ({}) must have rank at least {min}, but has type '{t}'",
                self.pname(i)
            )),
            _ => Ok(()),
        }
    }

    /// Checks that optional operand `i`, when present and ranked, is a scalar or a 1-element
    /// tensor.
    pub fn expect_scalar(&self, i: usize) -> Result<(), String> {
        let Some(t) = self.opt(i) else { return Ok(()) };
        if let Some(d) = t.dims()
            && (d.len() > 1 || d.iter().any(|&x| x >= 0 && x != 1))
        {
            return Err(format!(
                "operand #{i} ({}) must be a scalar, but has type '{t}'",
                self.pname(i)
            ));
        }
        Ok(())
    }

    pub fn pname(&self, i: usize) -> &'static str {
        param_at(self.spec.inputs, i).map_or("?", |p| p.name)
    }

    fn dispatch(&self) -> R {
        let onnx = self.spec.onnx;
        if elementwise::UNARY.contains(&onnx) {
            return self.unary();
        }
        match onnx {
            "Add" | "Sub" | "Mul" | "Div" | "Pow" | "Mod" | "BitShift" | "BitwiseAnd"
            | "BitwiseOr" | "BitwiseXor" | "And" | "Or" | "Xor" | "Equal" | "Greater"
            | "GreaterOrEqual" | "Less" | "LessOrEqual" => self.binary(),
            "Max" | "Min" | "Mean" | "Sum" => self.variadic_broadcast(),
            "Where" => self.where_(),
            "PRelu" => self.prelu(),
            "Clip" => self.clip(),
            "IsInf" | "IsNaN" => self.is_class(),
            "Cast" => self.cast(),
            "BitCast" => self.bit_cast(),
            "SwiGLU" => self.swiglu(),
            "CastLike" => self.cast_like(),
            "Softmax" | "LogSoftmax" | "Hardmax" | "LpNormalization" => self.axis_same(),
            "MeanVarianceNormalization" => self.mvn(),
            "LRN" => self.lrn(),
            "CumSum" | "CumProd" => self.cumsum(),
            "Trilu" => self.trilu(),
            "Dropout" => self.dropout(),
            "Shrink" | "Identity" => self.unary(),
            "MatMul" | "MatMulInteger" | "QLinearMatMul" => self.matmul(),
            "Gemm" => self.gemm(),
            "Conv" | "QLinearConv" | "ConvInteger" => self.conv(),
            "DeformConv" => self.deform_conv(),
            "Col2Im" => self.col2im(),
            "ConvTranspose" => self.conv_transpose(),
            "AveragePool" | "MaxPool" | "LpPool" => self.pool(),
            "MaxUnpool" => self.max_unpool(),
            "GlobalAveragePool" | "GlobalMaxPool" | "GlobalLpPool" => self.global_pool(),
            "BatchNormalization" => self.batch_norm(),
            "InstanceNormalization" => self.instance_norm(),
            "LayerNormalization" => self.layer_norm(),
            "GroupNormalization" => self.group_norm(),
            "RMSNormalization" => self.rms_norm(),
            "NegativeLogLikelihoodLoss" | "SoftmaxCrossEntropyLoss" => self.loss(),
            "LSTM" | "GRU" | "RNN" => self.rnn(),
            "GridSample" => self.grid_sample(),
            "AffineGrid" => self.affine_grid(),
            "RoiAlign" => self.roi_align(),
            "ReduceL1" | "ReduceL2" | "ReduceLogSum" | "ReduceLogSumExp" | "ReduceMax"
            | "ReduceMean" | "ReduceMin" | "ReduceProd" | "ReduceSum" | "ReduceSumSquare" => {
                self.reduce()
            }
            "ArgMax" | "ArgMin" => self.arg_reduce(),
            "TopK" => self.top_k(),
            "Reshape" => self.reshape(),
            "Flatten" => self.flatten(),
            "Squeeze" => self.squeeze(),
            "Unsqueeze" => self.unsqueeze(),
            "Transpose" => self.transpose(),
            "Expand" => self.expand(),
            "Tile" => self.tile(),
            "Concat" => self.concat(),
            "Split" => self.split(),
            "Slice" => self.slice(),
            "Pad" => self.pad(),
            "Gather" => self.gather(),
            "GatherElements" => self.gather_elements(),
            "GatherND" => self.gather_nd(),
            "Scatter" | "ScatterElements" => self.scatter_elements(),
            "ScatterND" => self.scatter_nd(),
            "Shape" => self.shape_op(),
            "Size" => Ok(vec![TensorInfo::ranked(DType::I64, vec![])]),
            "ConstantOfShape" => self.constant_of_shape(),
            "Range" => self.range(),
            "EyeLike" => self.eye_like(),
            "OneHot" => self.one_hot(),
            "DepthToSpace" | "SpaceToDepth" => self.depth_space(),
            "Resize" => self.resize(),
            "ReverseSequence" => self.reverse_sequence(),
            "Det" => self.det(),
            "Einsum" => self.einsum(),
            "NonZero" => self.non_zero(),
            "Unique" => self.unique(),
            "Compress" => self.compress(),
            "NonMaxSuppression" => Ok(vec![TensorInfo::ranked(DType::I64, vec![DYN, 3])]),
            "QuantizeLinear" => self.quantize(),
            "DequantizeLinear" => self.dequantize(),
            "DynamicQuantizeLinear" => self.dynamic_quantize(),
            "TfIdfVectorizer" => self.tf_idf(),
            "CenterCropPad" => self.center_crop_pad(),
            "Attention" => self.attention(),
            "LinearAttention" => self.linear_attention(),
            "RotaryEmbedding" => self.rotary_embedding(),
            "TensorScatter" => self.tensor_scatter(),
            "CausalConvWithState" => self.causal_conv(),
            "DFT" => self.dft(),
            "STFT" => self.stft(),
            "MelWeightMatrix" => self.mel_weight_matrix(),
            "HannWindow" | "HammingWindow" | "BlackmanWindow" => self.window_fn(),
            _ => Err(format!("no inference rule for '{}'", self.spec.name)),
        }
    }
}

fn count_error(what: &str, n: usize, min: usize, max: Option<usize>) -> String {
    let plural = |k: usize| if k == 1 { "" } else { "s" };
    match max {
        Some(max) if max == min => format!("expects {min} {what}{}, but has {n}", plural(min)),
        Some(max) => format!("expects {min} to {max} {what}s, but has {n}"),
        None => format!("expects at least {min} {what}{}, but has {n}", plural(min)),
    }
}

/// The ONNX names of the unary elementwise ops whose result type is the operand's.
pub fn elementwise_unary() -> &'static [&'static str] {
    elementwise::UNARY
}
