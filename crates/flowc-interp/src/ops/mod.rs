//! Kernels, grouped by op family, and the dispatch from op names to kernels.

use crate::{KError, KResult, Node, bail};
use flowc_tensor::{Element, Tensor};

/// `match_float!(data, v => expr)`: `expr` with `v: &Vec<T>` for the float dtypes; other dtypes
/// are an "unsupported element type" error.
macro_rules! match_float {
    ($data:expr, $v:ident => $body:expr) => {
        match $data {
            flowc_tensor::TensorData::F16($v) => $body,
            flowc_tensor::TensorData::BF16($v) => $body,
            flowc_tensor::TensorData::F32($v) => $body,
            flowc_tensor::TensorData::F64($v) => $body,
            other => $crate::unsupported!("unsupported element type {}", other.dtype()),
        }
    };
}

/// `match_int!(data, v => expr)`: the signed and unsigned integer dtypes.
macro_rules! match_int {
    ($data:expr, $v:ident => $body:expr) => {
        match $data {
            flowc_tensor::TensorData::I8($v) => $body,
            flowc_tensor::TensorData::I16($v) => $body,
            flowc_tensor::TensorData::I32($v) => $body,
            flowc_tensor::TensorData::I64($v) => $body,
            flowc_tensor::TensorData::U8($v) => $body,
            flowc_tensor::TensorData::U16($v) => $body,
            flowc_tensor::TensorData::U32($v) => $body,
            flowc_tensor::TensorData::U64($v) => $body,
            other => $crate::unsupported!("unsupported element type {}", other.dtype()),
        }
    };
}

/// `match_numeric!(data, v => expr)`: every dtype except bool.
#[allow(unused_macros)]
macro_rules! match_numeric {
    ($data:expr, $v:ident => $body:expr) => {
        match $data {
            flowc_tensor::TensorData::F16($v) => $body,
            flowc_tensor::TensorData::BF16($v) => $body,
            flowc_tensor::TensorData::F32($v) => $body,
            flowc_tensor::TensorData::F64($v) => $body,
            flowc_tensor::TensorData::I8($v) => $body,
            flowc_tensor::TensorData::I16($v) => $body,
            flowc_tensor::TensorData::I32($v) => $body,
            flowc_tensor::TensorData::I64($v) => $body,
            flowc_tensor::TensorData::U8($v) => $body,
            flowc_tensor::TensorData::U16($v) => $body,
            flowc_tensor::TensorData::U32($v) => $body,
            flowc_tensor::TensorData::U64($v) => $body,
            other => $crate::unsupported!("unsupported element type {}", other.dtype()),
        }
    };
}

pub mod conv;
pub mod elementwise;
pub mod extra;
pub mod extra2;
pub mod extra3;
pub mod gemm;
pub mod index;
pub mod linalg;
pub mod misc;
pub mod norm;
pub mod quant;
pub mod reduce;
pub mod resize;
pub mod rnn;
pub mod sample;
pub mod shape;

use elementwise as ew;

/// A tensor from a shape and typed values.
pub(crate) fn mk<T: Element>(shape: Vec<usize>, v: Vec<T>) -> KResult<Tensor> {
    Ok(Tensor::from_vec(shape, v)?)
}

/// `b`'s elements typed like `_like`; an error when the dtypes differ.
pub(crate) fn same<'b, T: Element>(_like: &[T], b: &'b Tensor) -> KResult<&'b [T]> {
    b.as_slice::<T>().map_err(|_| {
        KError::invalid(format!(
            "operands have different element types {} and {}",
            T::DTYPE,
            b.dtype()
        ))
    })
}

/// `t` broadcast (numpy rules, one direction) to `shape`.
pub(crate) fn broadcast_to(t: &Tensor, shape: &[usize]) -> KResult<Tensor> {
    let data = flowc_tensor::match_data!(t.data(), v => {
        let e = crate::util::expand(v, t.shape(), shape)?;
        flowc_tensor::Element::into_data(e)
    });
    Ok(Tensor::new(shape.to_vec(), data)?)
}

/// Calls `f` with every multi-index of `shape`, in row-major order.
pub(crate) fn for_each_index(shape: &[usize], mut f: impl FnMut(&[usize])) {
    if shape.contains(&0) {
        return;
    }
    let mut idx = vec![0usize; shape.len()];
    loop {
        f(&idx);
        let mut d = shape.len();
        loop {
            if d == 0 {
                return;
            }
            d -= 1;
            idx[d] += 1;
            if idx[d] < shape[d] {
                break;
            }
            idx[d] = 0;
        }
    }
}

/// Integer input `i` (any integer dtype) as `i64`s; required.
pub(crate) fn int_input(n: &Node<'_>, i: usize, what: &str) -> KResult<Vec<i64>> {
    let t = n
        .input(i)
        .map_err(|_| KError::invalid(format!("missing input '{what}'")))?;
    t.to_i64_vec()
        .map_err(|_| KError::invalid(format!("'{what}' must be an integer tensor")))
}

/// Optional integer input `i` as `i64`s (absent or `none` gives `None`).
pub(crate) fn opt_int_input(n: &Node<'_>, i: usize) -> KResult<Option<Vec<i64>>> {
    match n.opt(i) {
        None => Ok(None),
        Some(t) => Ok(Some(t.to_i64_vec()?)),
    }
}

fn one(t: Tensor) -> KResult<Vec<Option<Tensor>>> {
    Ok(vec![Some(t)])
}

/// A kernel: runs one op on its inputs and attributes.
pub(crate) type Kernel = fn(&Node<'_>) -> KResult<Vec<Option<Tensor>>>;

fn constant(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let Some(a) = n.attr("value") else {
        bail!("missing 'value' attribute");
    };
    one(crate::attr_to_tensor(n.ctx, a)?)
}

/// Every op the interpreter executes, with its kernel.
pub(crate) static KERNELS: &[(&str, Kernel)] = {
    use conv::Pool;
    use ew::{Arith, Cmp, FUnary as F, Logic, NUnary};
    use reduce::{Reduce, SoftmaxKind};
    &[
        // ----- Special ops -----
        ("flow.constant", constant),
        ("arith.constant", constant),
        ("flow.none", |_| Ok(vec![None])),
        ("flow.identity", |n| one(n.input(0)?.clone())),
        ("flow.optional", |n| one(n.input(0)?.clone())),
        // ----- Elementwise unary -----
        ("flow.abs", |n| ew::nunary(n, NUnary::Abs)),
        ("flow.neg", |n| ew::nunary(n, NUnary::Neg)),
        ("flow.sign", |n| ew::nunary(n, NUnary::Sign)),
        ("flow.relu", |n| ew::nunary(n, NUnary::Relu)),
        ("flow.acos", |n| ew::funary(n, F::Acos)),
        ("flow.acosh", |n| ew::funary(n, F::Acosh)),
        ("flow.asin", |n| ew::funary(n, F::Asin)),
        ("flow.asinh", |n| ew::funary(n, F::Asinh)),
        ("flow.atan", |n| ew::funary(n, F::Atan)),
        ("flow.atanh", |n| ew::funary(n, F::Atanh)),
        ("flow.cos", |n| ew::funary(n, F::Cos)),
        ("flow.cosh", |n| ew::funary(n, F::Cosh)),
        ("flow.sin", |n| ew::funary(n, F::Sin)),
        ("flow.sinh", |n| ew::funary(n, F::Sinh)),
        ("flow.tan", |n| ew::funary(n, F::Tan)),
        ("flow.tanh", |n| ew::funary(n, F::Tanh)),
        ("flow.exp", |n| ew::funary(n, F::Exp)),
        ("flow.log", |n| ew::funary(n, F::Log)),
        ("flow.sqrt", |n| ew::funary(n, F::Sqrt)),
        ("flow.erf", |n| ew::funary(n, F::Erf)),
        ("flow.reciprocal", |n| ew::funary(n, F::Reciprocal)),
        ("flow.floor", |n| ew::funary(n, F::Floor)),
        ("flow.ceil", |n| ew::funary(n, F::Ceil)),
        ("flow.round", |n| ew::funary(n, F::Round)),
        ("flow.sigmoid", |n| ew::funary(n, F::Sigmoid)),
        ("flow.softplus", |n| ew::funary(n, F::Softplus)),
        ("flow.softsign", |n| ew::funary(n, F::Softsign)),
        ("flow.elu", |n| ew::funary(n, F::Elu)),
        ("flow.selu", |n| ew::funary(n, F::Selu)),
        ("flow.celu", |n| ew::funary(n, F::Celu)),
        ("flow.hard_sigmoid", |n| ew::funary(n, F::HardSigmoid)),
        ("flow.hard_swish", |n| ew::funary(n, F::HardSwish)),
        ("flow.leaky_relu", |n| ew::funary(n, F::LeakyRelu)),
        ("flow.thresholded_relu", |n| {
            ew::funary(n, F::ThresholdedRelu)
        }),
        ("flow.mish", |n| ew::funary(n, F::Mish)),
        ("flow.gelu", |n| ew::funary(n, F::Gelu)),
        ("flow.shrink", |n| ew::funary(n, F::Shrink)),
        ("flow.not", ew::not),
        ("flow.bitwise_not", ew::bitwise_not),
        ("flow.is_nan", ew::is_nan),
        ("flow.is_inf", ew::is_inf),
        // ----- Elementwise binary -----
        ("flow.add", |n| ew::arith(n, Arith::Add)),
        ("flow.sub", |n| ew::arith(n, Arith::Sub)),
        ("flow.mul", |n| ew::arith(n, Arith::Mul)),
        ("flow.div", |n| ew::arith(n, Arith::Div)),
        ("flow.mod", |n| ew::arith(n, Arith::Mod)),
        ("flow.pow", ew::pow),
        ("flow.max", |n| ew::variadic(n, Arith::Max, false)),
        ("flow.min", |n| ew::variadic(n, Arith::Min, false)),
        ("flow.sum", |n| ew::variadic(n, Arith::Add, false)),
        ("flow.mean", |n| ew::variadic(n, Arith::Add, true)),
        ("flow.equal", |n| ew::compare(n, Cmp::Eq)),
        ("flow.less", |n| ew::compare(n, Cmp::Lt)),
        ("flow.less_or_equal", |n| ew::compare(n, Cmp::Le)),
        ("flow.greater", |n| ew::compare(n, Cmp::Gt)),
        ("flow.greater_or_equal", |n| ew::compare(n, Cmp::Ge)),
        ("flow.and", |n| ew::logic(n, Logic::And)),
        ("flow.or", |n| ew::logic(n, Logic::Or)),
        ("flow.xor", |n| ew::logic(n, Logic::Xor)),
        ("flow.bitwise_and", |n| ew::bitwise(n, Logic::And)),
        ("flow.bitwise_or", |n| ew::bitwise(n, Logic::Or)),
        ("flow.bitwise_xor", |n| ew::bitwise(n, Logic::Xor)),
        ("flow.bit_shift", ew::bit_shift),
        ("flow.prelu", ew::prelu),
        ("flow.where", ew::where_),
        ("flow.clip", ew::clip),
        ("flow.cast", ew::cast),
        ("flow.cast_like", ew::cast_like),
        // ----- Shape and data movement -----
        ("flow.reshape", shape::reshape),
        ("flow.flatten", shape::flatten),
        ("flow.squeeze", shape::squeeze),
        ("flow.unsqueeze", shape::unsqueeze),
        ("flow.transpose", shape::transpose_op),
        ("flow.expand", shape::expand),
        ("flow.tile", shape::tile),
        ("flow.concat", shape::concat),
        ("flow.split", shape::split),
        ("flow.slice", shape::slice),
        ("flow.pad", shape::pad),
        ("flow.shape", shape::shape_op),
        ("flow.size", shape::size),
        ("flow.constant_of_shape", shape::constant_of_shape),
        ("flow.range", shape::range),
        ("flow.eye_like", shape::eye_like),
        ("flow.depth_to_space", shape::depth_to_space),
        ("flow.space_to_depth", shape::space_to_depth),
        ("flow.trilu", shape::trilu),
        ("flow.dropout", shape::dropout),
        ("flow.reverse_sequence", shape::reverse_sequence),
        ("flow.one_hot", shape::one_hot),
        ("flow.non_zero", shape::non_zero),
        ("flow.compress", shape::compress),
        // ----- Indexing -----
        ("flow.gather", index::gather),
        ("flow.gather_elements", index::gather_elements),
        ("flow.gather_nd", index::gather_nd),
        ("flow.scatter", index::scatter_elements),
        ("flow.scatter_elements", index::scatter_elements),
        ("flow.scatter_nd", index::scatter_nd),
        // ----- Reductions and friends -----
        ("flow.reduce_sum", |n| reduce::reduce(n, Reduce::Sum)),
        ("flow.reduce_mean", |n| reduce::reduce(n, Reduce::Mean)),
        ("flow.reduce_max", |n| reduce::reduce(n, Reduce::Max)),
        ("flow.reduce_min", |n| reduce::reduce(n, Reduce::Min)),
        ("flow.reduce_prod", |n| reduce::reduce(n, Reduce::Prod)),
        ("flow.reduce_sum_square", |n| {
            reduce::reduce(n, Reduce::SumSquare)
        }),
        ("flow.reduce_l1", |n| reduce::reduce(n, Reduce::L1)),
        ("flow.reduce_l2", |n| reduce::reduce(n, Reduce::L2)),
        ("flow.reduce_log_sum", |n| reduce::reduce(n, Reduce::LogSum)),
        ("flow.reduce_log_sum_exp", |n| {
            reduce::reduce(n, Reduce::LogSumExp)
        }),
        ("flow.arg_max", |n| reduce::arg(n, true)),
        ("flow.arg_min", |n| reduce::arg(n, false)),
        ("flow.softmax", |n| reduce::softmax(n, SoftmaxKind::Softmax)),
        ("flow.log_softmax", |n| {
            reduce::softmax(n, SoftmaxKind::LogSoftmax)
        }),
        ("flow.hardmax", |n| reduce::softmax(n, SoftmaxKind::Hardmax)),
        ("flow.cum_sum", reduce::cumsum),
        ("flow.top_k", reduce::top_k),
        // ----- Linear algebra -----
        ("flow.matmul", linalg::matmul),
        ("flow.gemm", linalg::gemm_op),
        ("flow.matmul_integer", linalg::matmul_integer),
        ("flow.einsum", linalg::einsum),
        ("flow.det", linalg::det),
        // ----- Convolution and pooling -----
        ("flow.conv", conv::conv),
        ("flow.conv_transpose", conv::conv_transpose),
        ("flow.max_pool", |n| conv::pool(n, Pool::Max)),
        ("flow.average_pool", |n| conv::pool(n, Pool::Average)),
        ("flow.lp_pool", |n| conv::pool(n, Pool::Lp)),
        ("flow.global_max_pool", |n| conv::global_pool(n, Pool::Max)),
        ("flow.global_average_pool", |n| {
            conv::global_pool(n, Pool::Average)
        }),
        ("flow.global_lp_pool", |n| conv::global_pool(n, Pool::Lp)),
        ("flow.max_unpool", conv::max_unpool),
        // ----- Normalization -----
        ("flow.batch_normalization", norm::batch_norm),
        ("flow.instance_normalization", norm::instance_norm),
        ("flow.layer_normalization", norm::layer_norm),
        ("flow.group_normalization", norm::group_norm),
        ("flow.lrn", norm::lrn),
        ("flow.lp_normalization", norm::lp_norm),
        ("flow.mean_variance_normalization", norm::mvn),
        // ----- Quantization -----
        ("flow.quantize_linear", quant::quantize_linear),
        ("flow.dequantize_linear", quant::dequantize_linear),
        ("flow.q_linear_matmul", quant::qlinear_matmul),
        ("flow.q_linear_conv", quant::qlinear_conv),
        // ----- Resampling -----
        ("flow.resize", resize::resize),
        ("flow.upsample", resize::upsample),
        ("flow.grid_sample", sample::grid_sample),
        ("flow.roi_align", sample::roi_align),
        // ----- Recurrent -----
        ("flow.rnn", rnn::rnn),
        ("flow.gru", rnn::gru),
        ("flow.lstm", rnn::lstm),
        // ----- Miscellaneous -----
        ("flow.non_max_suppression", misc::non_max_suppression),
        ("flow.unique", misc::unique),
        ("flow.tf_idf_vectorizer", misc::tf_idf_vectorizer),
        // ----- Operators newer than the core flow set -----
        ("flow.attention", extra::attention),
        ("flow.rms_normalization", extra::rms_norm),
        ("flow.negative_log_likelihood_loss", extra::nll_loss),
        (
            "flow.softmax_cross_entropy_loss",
            extra::softmax_cross_entropy,
        ),
        ("flow.swish", extra::swish),
        ("flow.swi_glu", extra::swiglu),
        ("flow.swiglu", extra::swiglu),
        ("flow.cum_prod", reduce::cumprod),
        ("flow.center_crop_pad", extra2::center_crop_pad),
        ("flow.col2_im", extra2::col2im),
        ("flow.col2im", extra2::col2im),
        ("flow.affine_grid", extra2::affine_grid),
        ("flow.tensor_scatter", extra2::tensor_scatter),
        (
            "flow.dynamic_quantize_linear",
            extra2::dynamic_quantize_linear,
        ),
        ("flow.bit_cast", extra2::bit_cast),
        ("flow.rotary_embedding", extra2::rotary_embedding),
        ("flow.hann_window", |n| {
            extra2::window(n, extra2::Window::Hann)
        }),
        ("flow.hamming_window", |n| {
            extra2::window(n, extra2::Window::Hamming)
        }),
        ("flow.blackman_window", |n| {
            extra2::window(n, extra2::Window::Blackman)
        }),
        ("flow.conv_integer", extra2::conv_integer),
        ("flow.dft", extra3::dft),
        (
            "flow.causal_conv_with_state",
            extra3::causal_conv_with_state,
        ),
        ("flow.linear_attention", extra3::linear_attention),
        ("flow.deform_conv", extra3::deform_conv),
        ("flow.stft", extra3::stft),
        // ----- arith ops on scalars (rank-0 tensors) and tensors -----
        ("arith.addf", |n| ew::arith(n, Arith::Add)),
        ("arith.addi", |n| ew::arith(n, Arith::Add)),
        ("arith.subf", |n| ew::arith(n, Arith::Sub)),
        ("arith.subi", |n| ew::arith(n, Arith::Sub)),
        ("arith.mulf", |n| ew::arith(n, Arith::Mul)),
        ("arith.muli", |n| ew::arith(n, Arith::Mul)),
        ("arith.divf", |n| ew::arith(n, Arith::Div)),
        ("arith.divsi", |n| ew::arith(n, Arith::Div)),
        ("arith.remf", |n| ew::arith(n, Arith::Fmod)),
        ("arith.remsi", |n| ew::arith(n, Arith::Fmod)),
        ("arith.maximumf", |n| ew::arith(n, Arith::Max)),
        ("arith.minimumf", |n| ew::arith(n, Arith::Min)),
        ("arith.negf", |n| ew::nunary(n, NUnary::Neg)),
        ("arith.select", ew::where_),
        ("flow.mel_weight_matrix", extra3::mel_weight_matrix),
    ]
};

/// The names of all ops the interpreter executes.
pub fn supported_ops() -> impl Iterator<Item = &'static str> {
    KERNELS.iter().map(|(name, _)| *name)
}

/// Executes one op.
pub(crate) fn dispatch(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    static INDEX: std::sync::OnceLock<std::collections::HashMap<&'static str, Kernel>> =
        std::sync::OnceLock::new();
    let index = INDEX.get_or_init(|| KERNELS.iter().copied().collect());
    match index.get(n.name) {
        Some(kernel) => kernel(n),
        None => crate::unsupported!(
            "unsupported op '{}' (the interpreter has no kernel for it)",
            n.name
        ),
    }
}
