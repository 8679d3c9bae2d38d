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
            other => $crate::bail!("unsupported element type {}", other.dtype()),
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
            other => $crate::bail!("unsupported element type {}", other.dtype()),
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
            other => $crate::bail!("unsupported element type {}", other.dtype()),
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
        KError(format!(
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
        .map_err(|_| KError(format!("missing input '{what}'")))?;
    t.to_i64_vec()
        .map_err(|_| KError(format!("'{what}' must be an integer tensor")))
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

/// Executes one op.
pub(crate) fn dispatch(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    use conv::Pool;
    use ew::{Arith, Cmp, FUnary as F, Logic, NUnary};
    use reduce::{Reduce, SoftmaxKind};
    match n.name {
        // ----- Special ops -----
        "flow.constant" | "arith.constant" => {
            let Some(a) = n.attr("value") else {
                bail!("missing 'value' attribute");
            };
            one(crate::attr_to_tensor(n.ctx, a)?)
        }
        "flow.none" => Ok(vec![None]),
        "flow.identity" | "flow.optional" => one(n.input(0)?.clone()),

        // ----- Elementwise unary -----
        "flow.abs" => ew::nunary(n, NUnary::Abs),
        "flow.neg" => ew::nunary(n, NUnary::Neg),
        "flow.sign" => ew::nunary(n, NUnary::Sign),
        "flow.relu" => ew::nunary(n, NUnary::Relu),
        "flow.acos" => ew::funary(n, F::Acos),
        "flow.acosh" => ew::funary(n, F::Acosh),
        "flow.asin" => ew::funary(n, F::Asin),
        "flow.asinh" => ew::funary(n, F::Asinh),
        "flow.atan" => ew::funary(n, F::Atan),
        "flow.atanh" => ew::funary(n, F::Atanh),
        "flow.cos" => ew::funary(n, F::Cos),
        "flow.cosh" => ew::funary(n, F::Cosh),
        "flow.sin" => ew::funary(n, F::Sin),
        "flow.sinh" => ew::funary(n, F::Sinh),
        "flow.tan" => ew::funary(n, F::Tan),
        "flow.tanh" => ew::funary(n, F::Tanh),
        "flow.exp" => ew::funary(n, F::Exp),
        "flow.log" => ew::funary(n, F::Log),
        "flow.sqrt" => ew::funary(n, F::Sqrt),
        "flow.erf" => ew::funary(n, F::Erf),
        "flow.reciprocal" => ew::funary(n, F::Reciprocal),
        "flow.floor" => ew::funary(n, F::Floor),
        "flow.ceil" => ew::funary(n, F::Ceil),
        "flow.round" => ew::funary(n, F::Round),
        "flow.sigmoid" => ew::funary(n, F::Sigmoid),
        "flow.softplus" => ew::funary(n, F::Softplus),
        "flow.softsign" => ew::funary(n, F::Softsign),
        "flow.elu" => ew::funary(n, F::Elu),
        "flow.selu" => ew::funary(n, F::Selu),
        "flow.celu" => ew::funary(n, F::Celu),
        "flow.hard_sigmoid" => ew::funary(n, F::HardSigmoid),
        "flow.hard_swish" => ew::funary(n, F::HardSwish),
        "flow.leaky_relu" => ew::funary(n, F::LeakyRelu),
        "flow.thresholded_relu" => ew::funary(n, F::ThresholdedRelu),
        "flow.mish" => ew::funary(n, F::Mish),
        "flow.gelu" => ew::funary(n, F::Gelu),
        "flow.shrink" => ew::funary(n, F::Shrink),
        "flow.not" => ew::not(n),
        "flow.bitwise_not" => ew::bitwise_not(n),
        "flow.is_nan" => ew::is_nan(n),
        "flow.is_inf" => ew::is_inf(n),

        // ----- Elementwise binary -----
        "flow.add" => ew::arith(n, Arith::Add),
        "flow.sub" => ew::arith(n, Arith::Sub),
        "flow.mul" => ew::arith(n, Arith::Mul),
        "flow.div" => ew::arith(n, Arith::Div),
        "flow.mod" => ew::arith(n, Arith::Mod),
        "flow.pow" => ew::pow(n),
        "flow.max" => ew::variadic(n, Arith::Max, false),
        "flow.min" => ew::variadic(n, Arith::Min, false),
        "flow.sum" => ew::variadic(n, Arith::Add, false),
        "flow.mean" => ew::variadic(n, Arith::Add, true),
        "flow.equal" => ew::compare(n, Cmp::Eq),
        "flow.less" => ew::compare(n, Cmp::Lt),
        "flow.less_or_equal" => ew::compare(n, Cmp::Le),
        "flow.greater" => ew::compare(n, Cmp::Gt),
        "flow.greater_or_equal" => ew::compare(n, Cmp::Ge),
        "flow.and" => ew::logic(n, Logic::And),
        "flow.or" => ew::logic(n, Logic::Or),
        "flow.xor" => ew::logic(n, Logic::Xor),
        "flow.bitwise_and" => ew::bitwise(n, Logic::And),
        "flow.bitwise_or" => ew::bitwise(n, Logic::Or),
        "flow.bitwise_xor" => ew::bitwise(n, Logic::Xor),
        "flow.bit_shift" => ew::bit_shift(n),
        "flow.prelu" => ew::prelu(n),
        "flow.where" => ew::where_(n),
        "flow.clip" => ew::clip(n),
        "flow.cast" => ew::cast(n),
        "flow.cast_like" => ew::cast_like(n),

        // ----- Shape and data movement -----
        "flow.reshape" => shape::reshape(n),
        "flow.flatten" => shape::flatten(n),
        "flow.squeeze" => shape::squeeze(n),
        "flow.unsqueeze" => shape::unsqueeze(n),
        "flow.transpose" => shape::transpose_op(n),
        "flow.expand" => shape::expand(n),
        "flow.tile" => shape::tile(n),
        "flow.concat" => shape::concat(n),
        "flow.split" => shape::split(n),
        "flow.slice" => shape::slice(n),
        "flow.pad" => shape::pad(n),
        "flow.shape" => shape::shape_op(n),
        "flow.size" => shape::size(n),
        "flow.constant_of_shape" => shape::constant_of_shape(n),
        "flow.range" => shape::range(n),
        "flow.eye_like" => shape::eye_like(n),
        "flow.depth_to_space" => shape::depth_to_space(n),
        "flow.space_to_depth" => shape::space_to_depth(n),
        "flow.trilu" => shape::trilu(n),
        "flow.dropout" => shape::dropout(n),
        "flow.reverse_sequence" => shape::reverse_sequence(n),
        "flow.one_hot" => shape::one_hot(n),
        "flow.non_zero" => shape::non_zero(n),
        "flow.compress" => shape::compress(n),

        // ----- Indexing -----
        "flow.gather" => index::gather(n),
        "flow.gather_elements" => index::gather_elements(n),
        "flow.gather_nd" => index::gather_nd(n),
        "flow.scatter" | "flow.scatter_elements" => index::scatter_elements(n),
        "flow.scatter_nd" => index::scatter_nd(n),

        // ----- Reductions and friends -----
        "flow.reduce_sum" => reduce::reduce(n, Reduce::Sum),
        "flow.reduce_mean" => reduce::reduce(n, Reduce::Mean),
        "flow.reduce_max" => reduce::reduce(n, Reduce::Max),
        "flow.reduce_min" => reduce::reduce(n, Reduce::Min),
        "flow.reduce_prod" => reduce::reduce(n, Reduce::Prod),
        "flow.reduce_sum_square" => reduce::reduce(n, Reduce::SumSquare),
        "flow.reduce_l1" => reduce::reduce(n, Reduce::L1),
        "flow.reduce_l2" => reduce::reduce(n, Reduce::L2),
        "flow.reduce_log_sum" => reduce::reduce(n, Reduce::LogSum),
        "flow.reduce_log_sum_exp" => reduce::reduce(n, Reduce::LogSumExp),
        "flow.arg_max" => reduce::arg(n, true),
        "flow.arg_min" => reduce::arg(n, false),
        "flow.softmax" => reduce::softmax(n, SoftmaxKind::Softmax),
        "flow.log_softmax" => reduce::softmax(n, SoftmaxKind::LogSoftmax),
        "flow.hardmax" => reduce::softmax(n, SoftmaxKind::Hardmax),
        "flow.cum_sum" => reduce::cumsum(n),
        "flow.top_k" => reduce::top_k(n),

        // ----- Linear algebra -----
        "flow.matmul" => linalg::matmul(n),
        "flow.gemm" => linalg::gemm_op(n),
        "flow.matmul_integer" => linalg::matmul_integer(n),
        "flow.einsum" => linalg::einsum(n),
        "flow.det" => linalg::det(n),

        // ----- Convolution and pooling -----
        "flow.conv" => conv::conv(n),
        "flow.conv_transpose" => conv::conv_transpose(n),
        "flow.max_pool" => conv::pool(n, Pool::Max),
        "flow.average_pool" => conv::pool(n, Pool::Average),
        "flow.lp_pool" => conv::pool(n, Pool::Lp),
        "flow.global_max_pool" => conv::global_pool(n, Pool::Max),
        "flow.global_average_pool" => conv::global_pool(n, Pool::Average),
        "flow.global_lp_pool" => conv::global_pool(n, Pool::Lp),
        "flow.max_unpool" => conv::max_unpool(n),

        // ----- Normalization -----
        "flow.batch_normalization" => norm::batch_norm(n),
        "flow.instance_normalization" => norm::instance_norm(n),
        "flow.layer_normalization" => norm::layer_norm(n),
        "flow.group_normalization" => norm::group_norm(n),
        "flow.lrn" => norm::lrn(n),
        "flow.lp_normalization" => norm::lp_norm(n),
        "flow.mean_variance_normalization" => norm::mvn(n),

        // ----- Quantization -----
        "flow.quantize_linear" => quant::quantize_linear(n),
        "flow.dequantize_linear" => quant::dequantize_linear(n),
        "flow.q_linear_matmul" => quant::qlinear_matmul(n),
        "flow.q_linear_conv" => quant::qlinear_conv(n),

        // ----- Resampling -----
        "flow.resize" => resize::resize(n),
        "flow.upsample" => resize::upsample(n),
        "flow.grid_sample" => sample::grid_sample(n),
        "flow.roi_align" => sample::roi_align(n),

        // ----- Recurrent -----
        "flow.rnn" => rnn::rnn(n),
        "flow.gru" => rnn::gru(n),
        "flow.lstm" => rnn::lstm(n),

        // ----- Miscellaneous -----
        "flow.non_max_suppression" => misc::non_max_suppression(n),
        "flow.unique" => misc::unique(n),

        // ----- Operators newer than the core flow set -----
        "flow.attention" => extra::attention(n),
        "flow.rms_normalization" => extra::rms_norm(n),
        "flow.negative_log_likelihood_loss" => extra::nll_loss(n),
        "flow.softmax_cross_entropy_loss" => extra::softmax_cross_entropy(n),
        "flow.swish" => extra::swish(n),
        "flow.swi_glu" | "flow.swiglu" => extra::swiglu(n),
        "flow.cum_prod" => reduce::cumprod(n),
        "flow.center_crop_pad" => extra2::center_crop_pad(n),
        "flow.col2_im" | "flow.col2im" => extra2::col2im(n),
        "flow.affine_grid" => extra2::affine_grid(n),
        "flow.tensor_scatter" => extra2::tensor_scatter(n),
        "flow.dynamic_quantize_linear" => extra2::dynamic_quantize_linear(n),
        "flow.bit_cast" => extra2::bit_cast(n),
        "flow.rotary_embedding" => extra2::rotary_embedding(n),
        "flow.hann_window" => extra2::window(n, extra2::Window::Hann),
        "flow.hamming_window" => extra2::window(n, extra2::Window::Hamming),
        "flow.blackman_window" => extra2::window(n, extra2::Window::Blackman),
        "flow.conv_integer" => extra2::conv_integer(n),
        "flow.dft" => extra3::dft(n),
        "flow.causal_conv_with_state" => extra3::causal_conv_with_state(n),
        "flow.linear_attention" => extra3::linear_attention(n),

        other => bail!("unsupported op '{other}' (the interpreter has no kernel for it)"),
    }
}
