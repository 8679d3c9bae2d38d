#!/usr/bin/env python3
"""Generates src/table.rs, the operand / result / attribute table of the `flow` dialect, from the
ONNX operator schemas of the installed `onnx` package (newest opset), so that the dialect's op
definitions say exactly what ONNX says.

    python3 dialects/flowc-flow/gen/gen_table.py   # rewrites dialects/flowc-flow/src/table.rs

Element types flowc has no type for (string, complex, float8, int4, ...) are dropped from the
allowed sets. One-line summaries are written here by hand.
"""

import os
import re

import onnx
from onnx import defs

OPS = """Abs Acos Acosh Add AffineGrid And ArgMax ArgMin Asin Asinh Atan Atanh Attention AveragePool
BatchNormalization BitCast BitShift BitwiseAnd BitwiseNot BitwiseOr BitwiseXor BlackmanWindow Cast
CastLike CausalConvWithState Ceil Celu CenterCropPad Clip Col2Im Compress Concat ConstantOfShape
Conv ConvInteger ConvTranspose Cos Cosh CumProd CumSum DFT DeformConv DepthToSpace DequantizeLinear
Det Div Dropout DynamicQuantizeLinear Einsum Elu Equal Erf Exp Expand EyeLike Flatten Floor GRU
Gather GatherElements GatherND Gelu Gemm GlobalAveragePool GlobalLpPool GlobalMaxPool Greater
GreaterOrEqual GridSample GroupNormalization HammingWindow HannWindow HardSigmoid HardSwish Hardmax
Identity InstanceNormalization IsInf IsNaN LRN LSTM LayerNormalization LeakyRelu Less LessOrEqual
LinearAttention Log LogSoftmax LpNormalization LpPool MatMul MatMulInteger Max MaxPool MaxUnpool
Mean MeanVarianceNormalization MelWeightMatrix Min Mish Mod Mul Neg NegativeLogLikelihoodLoss
NonMaxSuppression NonZero Not OneHot Or PRelu Pad Pow QLinearConv QLinearMatMul QuantizeLinear
RMSNormalization RNN Range Reciprocal ReduceL1 ReduceL2 ReduceLogSum ReduceLogSumExp ReduceMax
ReduceMean ReduceMin ReduceProd ReduceSum ReduceSumSquare Relu Reshape Resize ReverseSequence
RoiAlign RotaryEmbedding Round STFT Scatter ScatterElements ScatterND Selu Shape Shrink Sigmoid Sign
Sin Sinh Size Slice Softmax SoftmaxCrossEntropyLoss Softplus Softsign SpaceToDepth Split Sqrt
Squeeze Sub Sum SwiGLU Swish Tan Tanh TensorScatter TfIdfVectorizer ThresholdedRelu Tile TopK
Transpose Trilu Unique Unsqueeze Where Xor""".split()

SUMMARY = {
    "Abs": "absolute value, elementwise",
    "Acos": "arccosine, elementwise",
    "Acosh": "hyperbolic arccosine, elementwise",
    "Add": "addition with numpy-style broadcasting",
    "AffineGrid": "a 2-D or 3-D sampling grid from a batch of affine matrices",
    "And": "logical and with numpy-style broadcasting",
    "ArgMax": "indices of the maximum elements along an axis",
    "ArgMin": "indices of the minimum elements along an axis",
    "Asin": "arcsine, elementwise",
    "Asinh": "hyperbolic arcsine, elementwise",
    "Atan": "arctangent, elementwise",
    "Atanh": "hyperbolic arctangent, elementwise",
    "Attention": "scaled dot-product attention (multi-head, grouped-query, masks, KV cache)",
    "AveragePool": "average pooling over kernel windows",
    "BatchNormalization": "batch normalization with per-channel scale, bias, mean and variance",
    "BitCast": "reinterprets the bits of each element as the data type given by `to`",
    "BitShift": "bitwise shift left or right with numpy-style broadcasting",
    "BitwiseAnd": "bitwise and with numpy-style broadcasting",
    "BitwiseNot": "bitwise not, elementwise",
    "BitwiseOr": "bitwise or with numpy-style broadcasting",
    "BitwiseXor": "bitwise xor with numpy-style broadcasting",
    "BlackmanWindow": "a Blackman window of a given size",
    "Cast": "converts elements to the data type given by `to`",
    "CastLike": "converts elements to the element type of a second tensor",
    "CausalConvWithState": "causal depthwise 1-D convolution with a carried state",
    "Ceil": "ceiling, elementwise",
    "Celu": "continuously differentiable exponential linear unit, elementwise",
    "CenterCropPad": "crops or pads a tensor around its center to a given shape",
    "Clip": "limits values to the interval [min, max]",
    "Col2Im": "rearranges column blocks back into a batched image (fold)",
    "Compress": "selects slices along an axis where a condition is true",
    "Concat": "concatenates tensors along an axis",
    "ConstantOfShape": "a tensor of a given shape filled with one value",
    "Conv": "convolution of an input with a filter, with optional bias",
    "ConvInteger": "integer convolution with zero points, int32 result",
    "ConvTranspose": "transposed convolution of an input with a filter, with optional bias",
    "Cos": "cosine, elementwise",
    "Cosh": "hyperbolic cosine, elementwise",
    "CumProd": "cumulative product along an axis",
    "CumSum": "cumulative sum along an axis",
    "DFT": "discrete Fourier transform along an axis",
    "DeformConv": "deformable convolution with learned offsets and an optional mask",
    "DepthToSpace": "rearranges data from depth into blocks of spatial data",
    "DequantizeLinear": "linear dequantization: (x - zero_point) * scale",
    "Det": "determinant of square matrices",
    "Div": "division with numpy-style broadcasting",
    "Dropout": "dropout (identity at inference), with an optional mask",
    "DynamicQuantizeLinear": "uint8 quantization with a scale and zero point computed from the input",
    "Einsum": "Einstein summation given by an equation",
    "Elu": "exponential linear unit, elementwise",
    "Equal": "equality comparison with numpy-style broadcasting",
    "Erf": "error function, elementwise",
    "Exp": "exponential, elementwise",
    "Expand": "broadcasts a tensor to a given shape",
    "EyeLike": "a 2-D tensor with ones on a diagonal and zeros elsewhere",
    "Flatten": "flattens a tensor into a 2-D matrix at an axis",
    "Floor": "floor, elementwise",
    "GRU": "one-layer gated recurrent unit",
    "Gather": "gathers entries of one axis by indices",
    "GatherElements": "gathers elements along an axis by an index tensor of the same rank",
    "GatherND": "gathers slices by multi-dimensional indices",
    "Gelu": "Gaussian error linear unit, elementwise",
    "Gemm": "general matrix multiplication: alpha * A' * B' + beta * C",
    "GlobalAveragePool": "average over all spatial positions of each channel",
    "GlobalLpPool": "Lp norm over all spatial positions of each channel",
    "GlobalMaxPool": "maximum over all spatial positions of each channel",
    "Greater": "greater-than comparison with numpy-style broadcasting",
    "GreaterOrEqual": "greater-or-equal comparison with numpy-style broadcasting",
    "GridSample": "samples an input at the pixel locations of a grid",
    "GroupNormalization": "group normalization with per-channel scale and bias",
    "HammingWindow": "a Hamming window of a given size",
    "HannWindow": "a Hann window of a given size",
    "HardSigmoid": "hard sigmoid max(0, min(1, alpha * x + beta)), elementwise",
    "HardSwish": "hard swish x * max(0, min(1, x / 6 + 1 / 2)), elementwise",
    "Hardmax": "one-hot of the first maximum along an axis",
    "Identity": "returns its input",
    "InstanceNormalization": "instance normalization with per-channel scale and bias",
    "IsInf": "tests elements for infinity",
    "IsNaN": "tests elements for NaN",
    "LRN": "local response normalization across channels",
    "LSTM": "one-layer long short-term memory",
    "LayerNormalization": "layer normalization over the trailing axes from `axis`",
    "LeakyRelu": "leaky rectified linear unit, elementwise",
    "Less": "less-than comparison with numpy-style broadcasting",
    "LessOrEqual": "less-or-equal comparison with numpy-style broadcasting",
    "LinearAttention": "linear attention recurrence (linear, gated, delta, gated delta)",
    "Log": "natural logarithm, elementwise",
    "LogSoftmax": "logarithm of softmax along an axis",
    "LpNormalization": "Lp normalization along an axis",
    "LpPool": "Lp pooling over kernel windows",
    "MatMul": "matrix product with numpy.matmul semantics",
    "MatMulInteger": "integer matrix product with zero points, int32 result",
    "Max": "elementwise maximum of the inputs with numpy-style broadcasting",
    "MaxPool": "max pooling over kernel windows, with optional indices",
    "MaxUnpool": "partial inverse of max pooling",
    "Mean": "elementwise mean of the inputs with numpy-style broadcasting",
    "MeanVarianceNormalization": "normalizes to zero mean and unit variance over axes",
    "MelWeightMatrix": "a matrix mapping linear DFT bins to mel bands",
    "Min": "elementwise minimum of the inputs with numpy-style broadcasting",
    "Mish": "mish x * tanh(softplus(x)), elementwise",
    "Mod": "modulo (integer or fmod) with numpy-style broadcasting",
    "Mul": "multiplication with numpy-style broadcasting",
    "Neg": "negation, elementwise",
    "NegativeLogLikelihoodLoss": "negative log likelihood loss of log-probabilities and targets",
    "NonMaxSuppression": "selects boxes by non-maximum suppression",
    "NonZero": "indices of the non-zero elements",
    "Not": "logical not, elementwise",
    "OneHot": "one-hot encoding of indices along a new axis",
    "Or": "logical or with numpy-style broadcasting",
    "PRelu": "parametric rectified linear unit with a broadcast slope",
    "Pad": "pads a tensor (constant, reflect, edge or wrap)",
    "Pow": "power with numpy-style broadcasting",
    "QLinearConv": "quantized convolution",
    "QLinearMatMul": "quantized matrix product",
    "QuantizeLinear": "linear quantization: saturate(round(x / scale) + zero_point)",
    "RMSNormalization": "root mean square normalization over the trailing axes from `axis`",
    "RNN": "one-layer simple recurrent network",
    "Range": "a sequence from start to limit (exclusive) by delta",
    "Reciprocal": "reciprocal 1 / x, elementwise",
    "ReduceL1": "L1 norm over axes",
    "ReduceL2": "L2 norm over axes",
    "ReduceLogSum": "log of the sum over axes",
    "ReduceLogSumExp": "log of the sum of exponentials over axes",
    "ReduceMax": "maximum over axes",
    "ReduceMean": "mean over axes",
    "ReduceMin": "minimum over axes",
    "ReduceProd": "product over axes",
    "ReduceSum": "sum over axes",
    "ReduceSumSquare": "sum of squares over axes",
    "Relu": "rectified linear unit max(0, x), elementwise",
    "Reshape": "reshapes a tensor to a shape given as a tensor",
    "Resize": "resizes a tensor by scales or to sizes (nearest, linear, cubic)",
    "ReverseSequence": "reverses the first sequence_lens elements of each batch entry",
    "RoiAlign": "region-of-interest align (Mask R-CNN)",
    "RotaryEmbedding": "rotary positional embedding (RoPE)",
    "Round": "rounds half to even, elementwise",
    "STFT": "short-time Fourier transform",
    "Scatter": "scatters updates along an axis (deprecated form of ScatterElements)",
    "ScatterElements": "scatters updates along an axis by an index tensor",
    "ScatterND": "scatters slices by multi-dimensional indices",
    "Selu": "scaled exponential linear unit, elementwise",
    "Shape": "the shape of a tensor as a 1-D int64 tensor",
    "Shrink": "shrink: x - bias or x + bias outside [-lambd, lambd], else 0",
    "Sigmoid": "logistic sigmoid, elementwise",
    "Sign": "sign, elementwise",
    "Sin": "sine, elementwise",
    "Sinh": "hyperbolic sine, elementwise",
    "Size": "the number of elements of a tensor as an int64 scalar",
    "Slice": "slices a tensor by starts, ends, axes and steps",
    "Softmax": "normalized exponential along an axis",
    "SoftmaxCrossEntropyLoss": "softmax cross entropy loss of scores and labels",
    "Softplus": "softplus ln(exp(x) + 1), elementwise",
    "Softsign": "softsign x / (1 + |x|), elementwise",
    "SpaceToDepth": "rearranges blocks of spatial data into depth",
    "Split": "splits a tensor into parts along an axis",
    "Sqrt": "square root, elementwise",
    "Squeeze": "removes dimensions of size one",
    "Sub": "subtraction with numpy-style broadcasting",
    "Sum": "elementwise sum of the inputs with numpy-style broadcasting",
    "SwiGLU": "gated activation Swish(A) * B, elementwise",
    "Swish": "swish x * sigmoid(alpha * x), elementwise",
    "Tan": "tangent, elementwise",
    "Tanh": "hyperbolic tangent, elementwise",
    "TensorScatter": "writes an update into a cache tensor along an axis (KV cache update)",
    "TfIdfVectorizer": "n-gram counts of integer token sequences, weighted by TF, IDF or TF-IDF",
    "ThresholdedRelu": "x for x > alpha, else 0, elementwise",
    "Tile": "repeats a tensor along each axis",
    "TopK": "the k largest or smallest elements along an axis, with indices",
    "Transpose": "permutes the dimensions of a tensor",
    "Trilu": "upper or lower triangular part of matrices",
    "Unique": "unique elements or slices, with indices and counts",
    "Unsqueeze": "inserts dimensions of size one",
    "Where": "selects from X or Y by a condition, with numpy-style broadcasting",
    "Xor": "logical xor with numpy-style broadcasting",
}

# flowc element types, in the order of `DType::ALL`, whose positions are the mask bits.
DTYPES = ["float16", "bfloat16", "float", "double", "int8", "int16", "int32", "int64",
          "uint8", "uint16", "uint32", "uint64", "bool"]
SHORT = ["f16", "bf16", "f32", "f64", "i8", "i16", "i32", "i64", "ui8", "ui16", "ui32", "ui64",
         "i1"]
ATTR_KIND = {"INT": "Int", "FLOAT": "Float", "STRING": "String", "INTS": "Ints",
             "FLOATS": "Floats", "STRINGS": "Strings", "TENSOR": "Tensor"}


def op_name_for_onnx(name):
    """Mirror of `flowc_flow::op_name_for_onnx` (the Rust function is the reference)."""
    for word, kept in (("MatMul", "Matmul"), ("PRelu", "Prelu"), ("NaN", "Nan")):
        name = name.replace(word, kept)
    out = []
    for i, c in enumerate(name):
        if c.isupper() and i > 0:
            prev = name[i - 1]
            nxt = name[i + 1] if i + 1 < len(name) else ""
            if prev.islower() or prev.isdigit() or (prev.isupper() and nxt.islower()):
                out.append("_")
        out.append(c.lower())
    return "flow." + "".join(out)


def mask_of(type_strs):
    m = 0
    for t in type_strs:
        mt = re.fullmatch(r"tensor\((\w+)\)", t)
        if mt and mt.group(1) in DTYPES:
            m |= 1 << DTYPES.index(mt.group(1))
    return m


def describe(mask, none):
    full = (1 << len(DTYPES)) - 1
    if mask == full:
        body = "tensor of any type"
    else:
        names = [SHORT[i] for i in range(len(DTYPES)) if mask & (1 << i)]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
        body = f"tensor of {listed} values"
    return ("none or " + body) if none else body


constraints = {}  # (mask, none) -> const name


def constraint(mask, none):
    key = (mask, none)
    if key not in constraints:
        constraints[key] = f"C{len(constraints)}"
    return constraints[key]


def params(formals, tcs, outputs):
    out = []
    for f in formals:
        ts = f.type_str
        if ts in tcs:
            var, mask = ts, mask_of(tcs[ts])
        else:
            var, mask = "", mask_of([ts])
        opt = f.option
        arity = {0: "Single", 1: "Optional", 2: "Variadic"}[int(opt.value)]
        c = constraint(mask, arity == "Optional")
        out.append(f'Param {{ name: "{f.name}", arity: Arity::{arity}, var: "{var}", '
                   f'constraint: {c} }}')
    return out


def main():
    rows = []
    for name in OPS:
        s = defs.get_schema(name)
        tcs = {t.type_param_str: list(t.allowed_type_strs) for t in s.type_constraints}
        ins = params(s.inputs, tcs, False)
        outs = params(s.outputs, tcs, True)
        attrs = []
        for a in sorted(s.attributes.values(), key=lambda a: a.name):
            kind = str(a.type).split(".")[-1]
            if kind not in ATTR_KIND:
                continue  # SPARSE_TENSOR, GRAPH, ...: refused by the importer
            attrs.append(f'AttrSpec {{ name: "{a.name}", kind: AttrKind::{ATTR_KIND[kind]}, '
                         f'required: {"true" if a.required else "false"} }}')
        rows.append(
            "    OpSpec {\n"
            f'        onnx: "{name}",\n'
            f'        name: "{op_name_for_onnx(name)}",\n'
            f'        since: {s.since_version},\n'
            f'        summary: "{SUMMARY[name]}",\n'
            f"        inputs: &[{', '.join(ins)}],\n"
            f"        outputs: &[{', '.join(outs)}],\n"
            f"        attrs: &[{', '.join(attrs)}],\n"
            "    },\n")
    lines = [
        f"// @generated by gen/gen_table.py from the operator schemas of onnx {onnx.__version__}",
        f"// (opset {defs.onnx_opset_version()}). Do not edit: change the generator and rerun it.",
        "",
        "use crate::spec::{AttrKind, AttrSpec, OpSpec, Param, tensor_constraint};",
        "use flowc_ir::Arity;",
        "",
    ]
    for (mask, none), cname in constraints.items():
        lines.append(f'tensor_constraint!({cname}, "{describe(mask, none)}", {mask:#06x}, {"true" if none else "false"});')
    lines.append("")
    lines.append("/// One entry per ONNX operator, sorted by ONNX name.")
    lines.append("pub static OPS: &[OpSpec] = &[")
    text = "\n".join(lines) + "\n" + "".join(rows) + "];\n"
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "table.rs")
    with open(path, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
