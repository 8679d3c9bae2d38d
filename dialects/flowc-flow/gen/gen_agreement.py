#!/usr/bin/env python3
"""Generates src/tests/onnx_agreement.txt: cases whose result types ONNX's own shape inference
(onnx.shape_inference, strict mode, newest opset) computes, for the unit test that checks that
flowc_flow::infer_result_types agrees.

    python3 dialects/flowc-flow/gen/gen_agreement.py

Each line: `op | operands | attributes | result count | expected results`, fields split by
` | ` and items by ` ; `. An operand is a type or `= <dense attribute>` for a constant.
Symbolic ONNX dims are `?` in flow.
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as TP
from onnx import helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_table import op_name_for_onnx  # noqa: E402

DT = {
    "f32": TP.FLOAT, "f16": TP.FLOAT16, "f64": TP.DOUBLE, "bf16": TP.BFLOAT16,
    "i8": TP.INT8, "i16": TP.INT16, "i32": TP.INT32, "i64": TP.INT64,
    "ui8": TP.UINT8, "ui16": TP.UINT16, "ui32": TP.UINT32, "ui64": TP.UINT64, "i1": TP.BOOL,
}
NP = {"f32": np.float32, "f64": np.float64, "i32": np.int32, "i64": np.int64, "i1": np.bool_,
      "f16": np.float16}
REV = {v: k for k, v in DT.items()}


def ty(dt, shape):
    if shape is None:
        return f"tensor<*x{dt}>"
    dims = "".join(("?" if isinstance(d, str) else str(d)) + "x" for d in shape)
    return f"tensor<{dims}{dt}>"


def dense(dt, values, shape):
    flat = np.array(values).reshape(-1).tolist()
    if dt.startswith("f"):
        body = ", ".join(repr(float(v)) for v in flat)
    elif dt == "i1":
        body = ", ".join("true" if v else "false" for v in flat)
    else:
        body = ", ".join(str(int(v)) for v in flat)
    if len(shape) == 0:
        text = body
    elif len(flat) == 0:
        text = ""
    else:
        text = "[" + body + "]" if len(shape) == 1 else None
        if text is None:
            arr = np.array(values)
            text = np.array2string(arr, separator=", ").replace("\n", "")
            if dt.startswith("f"):
                text = str(arr.astype(float).tolist())
            else:
                text = str(arr.astype(int).tolist())
    return f"= dense<{text}> : {ty(dt, shape)}"


def attr_text(v):
    if isinstance(v, bool):
        return f"{int(v)} : i64"
    if isinstance(v, int):
        return f"{v} : i64"
    if isinstance(v, float):
        return f"{v!r} : f32"
    if isinstance(v, str):
        return f'"{v}"'
    if isinstance(v, list) and all(isinstance(x, int) for x in v):
        return "array<i64" + (": " + ", ".join(map(str, v)) if v else "") + ">"
    if isinstance(v, list) and all(isinstance(x, float) for x in v):
        return "array<f32" + (": " + ", ".join(repr(x) for x in v) if v else "") + ">"
    if isinstance(v, list) and all(isinstance(x, str) for x in v):
        return "[" + ", ".join(f'"{x}"' for x in v) + "]"
    raise ValueError(v)


lines = []
skipped = []


def case(op, inputs, attrs=None, nout=1, expect=None):
    """inputs: (dt, shape) | ("const", dt, values, shape) | None (absent). `expect` overrides
    ONNX's answer where flow is knowingly more precise (documented at the call)."""
    attrs = attrs or {}
    names, graph_inputs, inits, operands = [], [], [], []
    for i, inp in enumerate(inputs):
        if inp is None:
            names.append("")
            operands.append("none")
            continue
        name = f"x{i}"
        names.append(name)
        if inp[0] == "const":
            _, dt, values, shape = inp
            arr = np.array(values, dtype=NP[dt]).reshape(shape)
            inits.append(numpy_helper.from_array(arr, name))
            operands.append(dense(dt, values, shape))
        else:
            dt, shape = inp
            graph_inputs.append(helper.make_tensor_value_info(name, DT[dt], shape))
            operands.append(ty(dt, shape))
    while names and names[-1] == "":
        names.pop()
        operands.pop()
    outs = [f"y{k}" for k in range(nout)]
    node = helper.make_node(op, names, outs, **attrs)
    g = helper.make_graph([node], "g", graph_inputs,
                          [helper.make_tensor_value_info(o, TP.UNDEFINED, None) for o in outs],
                          initializer=inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", onnx.defs.onnx_opset_version())])
    try:
        m2 = onnx.shape_inference.infer_shapes(m, strict_mode=True, data_prop=True)
    except Exception as e:  # noqa: BLE001
        skipped.append(f"{op} {inputs} {attrs}: onnx error {str(e)[:120]}")
        return
    results = []
    for o in m2.graph.output:
        tt = o.type.tensor_type
        if tt.elem_type == 0:
            if expect is None:
                skipped.append(f"{op} {inputs} {attrs}: onnx inferred nothing")
                return
            break
        dt = REV[tt.elem_type]
        if not tt.HasField("shape"):
            results.append(ty(dt, None))
            continue
        results.append(ty(dt, ["?" if not d.HasField("dim_value") else d.dim_value
                               for d in tt.shape.dim]))
    if expect is not None:
        results = expect
    attr_items = " ; ".join(f"{k}={attr_text(v)}" for k, v in sorted(attrs.items()))
    lines.append(" | ".join([op_name_for_onnx(op), " ; ".join(operands), attr_items, str(nout),
                             " ; ".join(results)]))


F = "f32"
N = "N"
# Elementwise and broadcasting.
for a, b in [([2, 3], [3]), ([2, 1], [1, 4]), ([N, 3], [4, 1]), ([], [5, 6]), ([N, 1], [1]),
             ([1, 3, 1], [2, 1, 5])]:
    case("Add", [(F, a), (F, b)])
    case("Less", [(F, a), (F, b)])
    case("Where", [("i1", a), (F, b), (F, [1])])
case("Max", [(F, [3, 1]), (F, [4]), (F, [])])
case("Pow", [(F, [2, 3]), ("i64", [])])
for op in ["Relu", "Sigmoid", "Tanh", "Exp", "Erf", "Softplus", "HardSwish", "Mish"]:
    case(op, [(F, [N, 3, 4])])
case("Cast", [(F, [2, N])], {"to": TP.INT64})
case("Cast", [("i64", [2])], {"to": TP.BOOL})
case("CastLike", [(F, [2, N]), ("f16", [])])
case("IsNaN", [(F, [2, 3])])
case("Clip", [(F, [2, 3]), (F, []), (F, [])])
case("PRelu", [(F, [1, 8, 4, 4]), (F, [8, 1, 1])])
case("Softmax", [(F, [2, 3])], {"axis": 0})
case("Dropout", [(F, [2, 3])], nout=2)
case("Dropout", [(F, [2, 3]), ("const", F, 0.5, []), ("const", "i1", True, [])], nout=2)

# Matrix products.
for a, b in [([2, 3], [3, 4]), ([3], [3, 4]), ([2, 3], [3]), ([N, 8, 16, 64], [1, 8, 64, 16]),
             ([5, 2, 3], [3, 7]), ([3], [3])]:
    case("MatMul", [(F, a), (F, b)])
case("Gemm", [(F, [3, 2]), (F, [4, 3]), (F, [4])], {"transA": 1, "transB": 1})
case("Gemm", [(F, [N, 3]), (F, [3, 4])])
case("MatMulInteger", [("ui8", [2, 3]), ("i8", [3, 4])])

# Convolution and pooling.
X = [1, 3, 32, 32]
for attrs in [{}, {"pads": [1, 1, 1, 1]}, {"strides": [2, 2]}, {"pads": [1, 2, 0, 1], "strides": [2, 3]},
              {"dilations": [2, 2]}, {"auto_pad": "SAME_UPPER", "strides": [2, 2]},
              {"auto_pad": "SAME_LOWER", "strides": [3, 3]}, {"auto_pad": "VALID", "strides": [2, 2]},
              {"kernel_shape": [3, 3], "strides": [2, 1], "dilations": [1, 2], "pads": [2, 2, 2, 2]}]:
    case("Conv", [(F, X), (F, [8, 3, 3, 3])], attrs)
case("Conv", [(F, [N, 4, 10, 10]), (F, [8, 2, 3, 3]), (F, [8])], {"group": 2})
case("Conv", [(F, [2, 4, 9]), (F, [6, 4, 2])], {"strides": [2]})
case("Conv", [(F, [1, 2, 5, 6, 7]), (F, [4, 2, 3, 3, 3])], {"pads": [1, 1, 1, 1, 1, 1]})
for attrs in [{"strides": [2, 2]}, {"strides": [2, 2], "pads": [1, 1, 1, 1]},
              {"strides": [2, 2], "output_padding": [1, 1]}, {"strides": [3, 2], "dilations": [2, 1]},
              {"strides": [2, 2], "auto_pad": "SAME_UPPER"}, {"strides": [2, 2], "output_shape": [10, 9]},
              {"group": 2, "strides": [1, 1]}]:
    w = [2, 3, 3, 3] if attrs.get("group") == 2 else [2, 3, 3, 3]
    case("ConvTranspose", [(F, [1, 2, 5, 6]), (F, w)], attrs)
for op in ["MaxPool", "AveragePool", "LpPool"]:
    for attrs in [{"kernel_shape": [3, 3], "strides": [2, 2], "pads": [1, 1, 1, 1]},
                  {"kernel_shape": [2, 2], "strides": [2, 2], "ceil_mode": 1},
                  {"kernel_shape": [3, 3], "strides": [2, 2], "ceil_mode": 1, "pads": [1, 1, 1, 1]},
                  {"kernel_shape": [1, 1], "strides": [2, 2], "pads": [1, 1, 1, 1], "ceil_mode": 1},
                  {"kernel_shape": [3, 2], "auto_pad": "SAME_UPPER", "strides": [2, 3]},
                  {"kernel_shape": [3, 3], "auto_pad": "VALID", "strides": [2, 2]},
                  {"kernel_shape": [3, 3], "dilations": [2, 2]}]:
        if op == "LpPool" and "ceil_mode" in attrs:
            continue
        case(op, [(F, [1, 3, 11, 13])], attrs)
case("MaxPool", [(F, [N, 3, 8, 8])], {"kernel_shape": [2, 2], "strides": [2, 2]}, nout=2)
case("MaxUnpool", [(F, [1, 1, 2, 2]), ("i64", [1, 1, 2, 2])], {"kernel_shape": [2, 2], "strides": [2, 2]})
for op in ["GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool"]:
    case(op, [(F, [N, 8, 7, 7])])

# Normalization.
case("BatchNormalization", [(F, [2, 8, 4, 4])] + [(F, [8])] * 4)
case("BatchNormalization", [(F, [2, 8, 4, 4])] + [(F, [8])] * 4, {"training_mode": 1}, nout=3)
case("InstanceNormalization", [(F, [2, 8, 4, 4]), (F, [8]), (F, [8])])
case("LayerNormalization", [(F, [2, 5, 16]), (F, [16]), (F, [16])], nout=3)
case("LayerNormalization", [(F, [2, 5, 16]), (F, [5, 16])], {"axis": 1}, nout=3)
case("LRN", [(F, [1, 8, 4, 4])], {"size": 3})

# Recurrent.
case("LSTM", [(F, [7, 2, 10]), (F, [1, 80, 10]), (F, [1, 80, 20])], {"hidden_size": 20}, nout=3)
case("GRU", [(F, [7, 2, 10]), (F, [2, 60, 10]), (F, [2, 60, 20])],
     {"hidden_size": 20, "direction": "bidirectional"}, nout=2)
case("RNN", [(F, [2, 7, 10]), (F, [1, 20, 10]), (F, [1, 20, 20])], {"hidden_size": 20, "layout": 1}, nout=2)

# Reductions and friends.
for axes, keep in [(None, 1), (None, 0), ([1], 1), ([-1, 0], 0), ([], 1)]:
    ins = [(F, [2, 3, 4])] + ([("const", "i64", axes, [len(axes)])] if axes is not None else [])
    case("ReduceSum", ins, {"keepdims": keep})
    case("ReduceMean", ins, {"keepdims": keep})
case("ReduceMax", [(F, [2, 3, 4]), ("const", "i64", [], [0])], {"noop_with_empty_axes": 1})
case("ArgMax", [(F, [2, 3, 4])], {"axis": 1})
case("ArgMin", [(F, [2, 3, 4])], {"axis": -1, "keepdims": 0})
case("TopK", [(F, [2, 3, 4]), ("const", "i64", [2], [1])], nout=2)
case("TopK", [(F, [2, 3, 4]), ("const", "i64", [2], [1])], {"axis": 0}, nout=2)
case("CumSum", [(F, [2, 3]), ("const", "i64", 1, [])])

# Shape ops.
for shape in [[2, -1], [0, 0, -1], [-1], [4, 0, 1, 2], [6, 4]]:
    case("Reshape", [(F, [2, 3, 4]), ("const", "i64", shape, [len(shape)])])
case("Reshape", [(F, [N, 3, 4]), ("const", "i64", [0, -1], [2])])
case("Reshape", [(F, [0, 3]), ("const", "i64", [3, 0], [2])], {"allowzero": 1})
for axis in [0, 1, 2, -1, 3]:
    case("Flatten", [(F, [2, 3, 4])], {"axis": axis})
case("Squeeze", [(F, [1, 3, 1, 4])])
case("Squeeze", [(F, [1, 3, 1, 4]), ("const", "i64", [-2], [1])])
case("Unsqueeze", [(F, [3, 4]), ("const", "i64", [0, 3], [2])])
case("Unsqueeze", [(F, [3, 4]), ("const", "i64", [-1, 1], [2])])
case("Transpose", [(F, [2, 3, 4])])
case("Transpose", [(F, [2, 3, 4])], {"perm": [1, 2, 0]})
case("Expand", [(F, [3, 1]), ("const", "i64", [2, 1, 6], [3])])
case("Expand", [(F, [3, 1]), ("const", "i64", [1], [1])])
case("Tile", [(F, [2, 3]), ("const", "i64", [2, 3], [2])])
case("Concat", [(F, [2, 3]), (F, [2, 5]), (F, [2, 1])], {"axis": 1})
case("Concat", [(F, [N, 3]), (F, [2, 3])], {"axis": 0})
case("Split", [(F, [6, 4]), ("const", "i64", [1, 5], [2])], nout=2)
case("Split", [(F, [7, 4])], {"num_outputs": 3}, nout=3)
case("Split", [(F, [4, 10])], {"num_outputs": 4, "axis": 1}, nout=4)
for starts, ends, axes, steps in [([1], [5], None, None), ([0, 2], [-1, 100], [1, 2], [1, 3]),
                                  ([-1], [-9223372036854775807], [0], [-1]),
                                  ([5], [1], [2], [-2]), ([8], [2], None, None),
                                  ([-3, 1], [100, -1], [-1, 0], [2, 4])]:
    ins = [(F, [10, 20, 30]), ("const", "i64", starts, [len(starts)]),
           ("const", "i64", ends, [len(ends)])]
    if axes is not None:
        ins.append(("const", "i64", axes, [len(axes)]))
    if steps is not None:
        ins.append(("const", "i64", steps, [len(steps)]))
    case("Slice", ins)
case("Pad", [(F, [2, 3]), ("const", "i64", [1, 0, 1, 2], [4])])
case("Pad", [(F, [2, 3]), ("const", "i64", [0, -1, 0, 0], [4])])
case("Pad", [(F, [2, 3, 4]), ("const", "i64", [1, 2], [2]), None, ("const", "i64", [-1], [1])],
     {"mode": "reflect"})
case("Gather", [(F, [5, 4]), ("i64", [2, 3])])
case("Gather", [(F, [5, 4, 3]), ("i32", [])], {"axis": 1})
case("GatherElements", [(F, [3, 3]), ("i64", [2, 3])], {"axis": 1})
case("GatherND", [(F, [2, 2]), ("i64", [2, 2])])
case("GatherND", [(F, [2, 2, 2]), ("i64", [2, 1])], {"batch_dims": 1})
case("GatherND", [(F, [2, 3, 4, 5]), ("i64", [2, 6, 2])], {"batch_dims": 1})
case("ScatterElements", [(F, [3, 3]), ("i64", [2, 3]), (F, [2, 3])])
case("ScatterND", [(F, [4, 4, 4]), ("i64", [2, 1]), (F, [2, 4, 4])])
case("Shape", [(F, [2, N, 4])])
case("Shape", [(F, [2, N, 4])], {"start": -2})
case("Shape", [(F, [2, N, 4])], {"start": 1, "end": -1})
case("Size", [(F, [2, N])])
case("ConstantOfShape", [("const", "i64", [2, 3], [2])])
case("Range", [("const", "i64", 0, []), ("const", "i64", 10, []), ("const", "i64", 3, [])])
case("Range", [("const", "i32", 10, []), ("const", "i32", 0, []), ("const", "i32", -3, [])])
case("Range", [("const", F, 1.0, []), ("const", F, 2.0, []), ("const", F, 0.25, [])])
case("EyeLike", [(F, [3, 4])], {"dtype": TP.INT64})
case("OneHot", [("i64", [2, 3]), ("const", "i64", 10, []), (F, [2])])
case("OneHot", [("i64", [2, 3]), ("const", "i64", 10, []), (F, [2])], {"axis": 0})
case("DepthToSpace", [(F, [1, 8, 2, 3])], {"blocksize": 2})
case("DepthToSpace", [(F, [1, 8, 2, 3])], {"blocksize": 2, "mode": "CRD"})
case("SpaceToDepth", [(F, [1, 2, 4, 6])], {"blocksize": 2})
case("Resize", [(F, [1, 3, 8, 8]), None, ("const", F, [1.0, 1.0, 2.0, 2.0], [4])])
case("Resize", [(F, [1, 3, 8, 8]), None, ("const", F, [1.0, 1.0, 0.6, 1.7], [4])], {"mode": "linear"})
case("Resize", [(F, [1, 3, 8, 8]), None, None, ("const", "i64", [1, 3, 5, 7], [4])])
case("Resize", [(F, [1, 3, 8, 8]), None, None, ("const", "i64", [4, 2], [2])],
     {"axes": [2, 3], "keep_aspect_ratio_policy": "not_larger"})
case("Resize", [(F, [1, 3, 8, 6]), None, None, ("const", "i64", [4, 5], [2])],
     {"axes": [2, 3], "keep_aspect_ratio_policy": "not_smaller"})
case("Det", [(F, [5, 3, 3])])
case("Trilu", [(F, [3, 3])])
case("Einsum", [(F, [2, 3]), (F, [3, 4])], {"equation": "ij,jk->ik"})
case("Einsum", [(F, [5, 2, 3]), (F, [5, 3, 4])], {"equation": "bij,bjk->bik"})
case("Einsum", [(F, [3, 3])], {"equation": "ii->i"})
case("Einsum", [(F, [2, 3])], {"equation": "ij"})
case("Einsum", [(F, [2, 3])], {"equation": "ji"})
case("Einsum", [(F, [7, 5, 2, 3]), (F, [5, 3, 4])], {"equation": "...ij,...jk->...ik"})
case("NonZero", [(F, [2, 3])])
# inverse_indices has one entry per element of the flattened input (ONNX infers `?`).
case("Unique", [(F, [2, 3])], nout=4,
     expect=["tensor<?xf32>", "tensor<?xi64>", "tensor<6xi64>", "tensor<?xi64>"])
case("Compress", [(F, [3, 2]), ("i1", [2])], {"axis": 1})
case("QuantizeLinear", [(F, [2, 3]), (F, []), ("i8", [])])
case("QuantizeLinear", [(F, [2, 3]), (F, [3])])
case("DequantizeLinear", [("i8", [2, 3]), (F, []), ("i8", [])])
case("GridSample", [(F, [1, 3, 8, 8]), (F, [1, 4, 5, 2])])
case("RoiAlign", [(F, [1, 256, 14, 14]), (F, [5, 4]), ("i64", [5])], {"output_height": 7, "output_width": 7})
case("ReverseSequence", [(F, [4, 2, 3]), ("i64", [2])])
case("BitShift", [("ui8", [3]), ("ui8", [1])], {"direction": "LEFT"})
case("Mod", [("i32", [3]), ("i32", [1])])

# The rest of the ops, so that every op has a case.
for op in ["Abs", "Ceil", "Floor", "Neg", "Reciprocal", "Round", "Sign", "Sqrt", "Log", "Sin",
           "Cos", "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh",
           "Softsign", "Elu", "Selu", "Celu", "LeakyRelu", "HardSigmoid", "ThresholdedRelu",
           "Shrink", "Identity", "Gelu"]:
    case(op, [(F, [2, N])])
case("IsInf", [(F, [2, N])])
case("Not", [("i1", [2, 3])])
case("BitwiseNot", [("i32", [2, 3])])
for op in ["Sub", "Mul", "Div"]:
    case(op, [(F, [4, 1]), (F, [3])])
for op in ["Equal", "Greater", "GreaterOrEqual", "LessOrEqual"]:
    case(op, [("i64", [4, 1]), ("i64", [3])])
for op in ["And", "Or", "Xor"]:
    case(op, [("i1", [4, 1]), ("i1", [3])])
for op in ["BitwiseAnd", "BitwiseOr", "BitwiseXor"]:
    case(op, [("ui8", [4, 1]), ("ui8", [3])])
for op in ["Min", "Mean", "Sum"]:
    case(op, [(F, [4, 1]), (F, [3]), (F, [])])
for op in ["LogSoftmax", "Hardmax", "LpNormalization"]:
    case(op, [(F, [2, 3])], {"axis": 0})
case("MeanVarianceNormalization", [(F, [2, 3, 4, 5])])
for op in ["ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceMin", "ReduceProd",
           "ReduceSumSquare"]:
    case(op, [(F, [2, 3, 4]), ("const", "i64", [1], [1])], {"keepdims": 0})
case("Scatter", [(F, [3, 3]), ("i64", [2, 3]), (F, [2, 3])])
case("NonMaxSuppression", [(F, [1, 6, 4]), (F, [1, 1, 6]), ("const", "i64", [3], [1])])
case("QLinearMatMul", [("ui8", [2, 3]), (F, []), ("ui8", []), ("i8", [3, 4]), (F, []), ("i8", []),
                       (F, []), ("ui8", [])])
case("QLinearConv", [("ui8", [1, 3, 8, 8]), (F, []), ("ui8", []), ("i8", [4, 3, 3, 3]), (F, []),
                     ("i8", []), (F, []), ("ui8", []), ("i32", [4])], {"pads": [1, 1, 1, 1]})

# Newer ops: transformer, loss, signal and image ops.
case("Attention", [(F, [2, 9, 4, 8]), (F, [2, 3, 6, 8]), (F, [2, 3, 6, 10])])
case("Attention", [(F, [2, 3, 4, 8]), (F, [2, 3, 6, 8]), (F, [2, 3, 6, 8]), (F, [4, 18]),
                   (F, [2, 3, 12, 8]), (F, [2, 3, 12, 8])], {"qk_matmul_output_mode": 2}, nout=4)
case("Attention", [(F, [2, 4, 72]), (F, [2, 6, 24]), (F, [2, 6, 30])],
     {"q_num_heads": 9, "kv_num_heads": 3, "is_causal": 1})
case("Attention", [(F, [2, 4, 24]), (F, [2, 6, 24]), (F, [2, 6, 24]), ("i1", [4, 18]),
                   (F, [2, 3, 12, 8]), (F, [2, 3, 12, 8])],
     {"q_num_heads": 3, "kv_num_heads": 3}, nout=4)
case("Attention", [("f16", ["B", 4, "S", 8]), ("f16", ["B", 2, "T", 8]), ("f16", ["B", 2, "T", 8])],
     {"softcap": 2.0, "scale": 0.125})
case("LinearAttention", [(F, [2, 4, 64]), (F, [2, 4, 32]), (F, [2, 4, 32]), None, (F, [2, 4, 32]),
                         (F, [2, 4, 4])], {"q_num_heads": 8, "kv_num_heads": 4}, nout=2)
case("LinearAttention", [(F, [2, 1, 64]), (F, [2, 1, 8]), (F, [2, 1, 16]), (F, [2, 1, 8, 16])],
     {"q_num_heads": 8, "kv_num_heads": 1, "update_rule": "linear"}, nout=2)
case("RotaryEmbedding", [(F, [2, 4, 3, 8]), (F, [50, 4]), (F, [50, 4]), ("i64", [2, 3])])
case("RotaryEmbedding", [(F, [2, 3, 32]), (F, [2, 3, 2]), (F, [2, 3, 2])],
     {"num_heads": 4, "rotary_embedding_dim": 4, "interleaved": 1})
case("TensorScatter", [(F, [2, 1, 4, 5]), (F, [2, 1, 1, 5]), ("i64", [2])], {"mode": "circular"})
case("CausalConvWithState", [(F, [2, 4, 8]), (F, [4, 1, 4]), (F, [4]), (F, [2, 4, 3])],
     {"activation": "silu"}, nout=2)
case("RMSNormalization", [(F, [2, 3, 4, 5]), (F, [4, 5])], {"axis": 2})
case("RMSNormalization", [("bf16", ["B", "S", 64]), ("bf16", [64])])
# ONNX has no inference function for GroupNormalization (a function op).
case("GroupNormalization", [(F, [3, 4, 2, 2]), (F, [4]), (F, [4])], {"num_groups": 2},
     expect=["tensor<3x4x2x2xf32>"])
case("Swish", [(F, [2, N])], {"alpha": 1.5})
case("SwiGLU", [(F, [2, 4]), (F, [2, 4])], {"alpha": 0.5})
case("CumProd", [("f64", [2, 3]), ("const", "i64", 1, [])], {"exclusive": 1})
case("BitCast", [(F, [2, 3])], {"to": TP.INT32})
case("BitCast", [("i1", [4])], {"to": TP.UINT8})
case("DynamicQuantizeLinear", [(F, [3, N])], nout=3)
case("NegativeLogLikelihoodLoss", [(F, [3, 5, 6, 6]), ("i64", [3, 6, 6]), (F, [5])],
     {"reduction": "none"})
case("NegativeLogLikelihoodLoss", [(F, [3, 5]), ("i32", [3])], {"ignore_index": 1})
case("SoftmaxCrossEntropyLoss", [(F, [3, 5, 2]), ("i64", [3, 2])], nout=2)
case("SoftmaxCrossEntropyLoss", [(F, [3, 5]), ("i64", [3]), (F, [5])], {"reduction": "none"},
     nout=2)
case("DFT", [(F, [2, 8, 1])])
case("DFT", [(F, [1, 10, 10, 1]), None, ("const", "i64", 1, [])], {"onesided": 1})
case("DFT", [(F, [1, 6, 10, 2]), None, ("const", "i64", 1, [])], {"onesided": 1, "inverse": 1})
case("DFT", [(F, [2, 8, 2]), ("const", "i64", 10, []), ("const", "i64", -3, [])])
case("DFT", [(F, [2, 8, 2]), ("i64", [])], {"inverse": 1})
# ONNX's STFT inference defaults `onesided` to 0, its schema to 1: say it.
case("STFT", [(F, [1, 128, 1]), ("const", "i64", 8, []), (F, [16])], {"onesided": 1})
case("STFT", [(F, [2, 64, 2]), ("const", "i64", 4, []), None, ("const", "i64", 16, [])],
     {"onesided": 0})
case("MelWeightMatrix", [("const", "i64", 8, []), ("const", "i64", 16, []),
                         ("const", "i64", 8000, []), ("const", F, 0.0, []),
                         ("const", F, 4000.0, [])])
for op in ["HannWindow", "HammingWindow", "BlackmanWindow"]:
    case(op, [("const", "i64", 10, [])], {"periodic": 0})
case("HannWindow", [("const", "i32", 7, [])], {"output_datatype": TP.DOUBLE})
case("DeformConv", [(F, [1, 1, 3, 3]), (F, [1, 1, 2, 2]), (F, [1, 8, 4, 4])],
     {"kernel_shape": [2, 2], "pads": [1, 1, 1, 1]})
case("DeformConv", [(F, [2, 4, 9, 9]), (F, [6, 2, 3, 3]), (F, [2, 36, 3, 3]), (F, [6]),
                    (F, [2, 18, 3, 3])],
     {"group": 2, "offset_group": 2, "strides": [2, 2], "dilations": [2, 2]})
case("ConvInteger", [("ui8", [1, 1, 3, 3]), ("ui8", [2, 1, 2, 2]), ("ui8", []), ("ui8", [2])],
     {"pads": [1, 1, 1, 1]})
case("CenterCropPad", [(F, [20, 8, 3]), ("const", "i64", [10, 9], [2])], {"axes": [-3, 1]})
case("CenterCropPad", [(F, [20, 10, 3]), ("const", "i64", [10, 12, 3], [3])])
case("Col2Im", [(F, [1, 10, 12]), ("const", "i64", [3, 4, 5], [3]), ("const", "i64", [1, 1, 5], [3])])
case("Col2Im", [(F, [1, 5, 15]), ("const", "i64", [5, 5], [2]), ("const", "i64", [1, 5], [2])],
     {"pads": [0, 1, 0, 1]})
case("AffineGrid", [(F, [2, 2, 3]), ("const", "i64", [2, 3, 5, 6], [4])], {"align_corners": 1})
case("AffineGrid", [(F, [2, 3, 4]), ("const", "i64", [2, 3, 4, 5, 6], [5])])
case("Mod", [(F, [3]), (F, [1])])
case("TfIdfVectorizer", [("i64", [2, 6])],
     {"mode": "TFIDF", "min_gram_length": 1, "max_gram_length": 2, "max_skip_count": 1,
      "ngram_counts": [0, 4], "ngram_indexes": [0, 1, 2, 3, 4, 5, 6],
      "pool_int64s": [2, 3, 5, 4, 5, 6, 7, 8, 6, 7], "weights": [1.0] * 7})

# Symbolic dims through the common ops.
S = ["N", 3, "H", "W"]
case("Conv", [(F, S), (F, [8, 3, 3, 3])], {"pads": [1, 1, 1, 1], "strides": [2, 2]})
case("Conv", [(F, ["N", "C", 32, 32]), (F, [8, 3, 3, 3])])
case("MaxPool", [(F, S)], {"kernel_shape": [2, 2], "strides": [2, 2]})
case("AveragePool", [(F, ["N", 3, 17, "W"])], {"kernel_shape": [3, 3], "strides": [2, 2], "ceil_mode": 1})
case("GlobalAveragePool", [(F, S)])
case("BatchNormalization", [(F, S)] + [(F, [3])] * 4)
case("MatMul", [(F, ["B", "S", 64]), (F, [64, 128])])
case("MatMul", [(F, ["B", 4, "S", 16]), (F, ["B", 4, 16, "S"])])
case("Gemm", [(F, ["N", 64]), (F, [10, 64]), (F, [10])], {"transB": 1})
case("Transpose", [(F, ["B", "S", 4, 16])], {"perm": [0, 2, 1, 3]})
case("Concat", [(F, ["N", 3]), (F, ["N", 5])], {"axis": 1})
case("Concat", [(F, ["N", 3]), (F, ["M", 3])], {"axis": 0})
case("Gather", [(F, [1000, 64]), ("i64", ["B", "S"])])
case("Gather", [(F, ["B", "S", 64]), ("const", "i64", 0, [])], {"axis": 1})
case("Slice", [(F, ["B", "S", 64]), ("const", "i64", [0], [1]), ("const", "i64", [32], [1]),
               ("const", "i64", [2], [1])])
case("Slice", [(F, ["B", "S", 64]), ("const", "i64", [1], [1]), ("const", "i64", [9223372036854775807], [1]),
               ("const", "i64", [1], [1])])
case("Unsqueeze", [(F, ["B", "S"]), ("const", "i64", [1, 2], [2])])
case("Squeeze", [(F, ["B", 1, "S"]), ("const", "i64", [1], [1])])
case("Flatten", [(F, ["N", 3, 4, 5])])
case("Flatten", [(F, ["N", 3, 4, 5])], {"axis": 2})
case("Reshape", [(F, ["B", "S", 64]), ("const", "i64", [0, 0, 4, 16], [4])])
case("Reshape", [(F, ["B", "S", 4, 16]), ("const", "i64", [0, 0, -1], [3])])
case("ReduceMean", [(F, ["B", "S", 64]), ("const", "i64", [-1], [1])])
case("Softmax", [(F, ["B", 4, "S", "S"])])
case("LayerNormalization", [(F, ["B", "S", 64]), (F, [64]), (F, [64])])
case("Add", [(F, ["B", "S", 64]), (F, [64])])
case("Add", [(F, ["B", 1, "S"]), (F, ["B", 4, 1])])
case("Where", [("i1", [1, 1, "S", "S"]), (F, ["B", 4, "S", "S"]), (F, [])])
case("Expand", [(F, ["B", 1, 64]), ("const", "i64", [1, 8, 1], [3])])
case("Tile", [(F, ["B", 3]), ("const", "i64", [2, 2], [2])])
case("Split", [(F, ["B", 192]), ("const", "i64", [64, 64, 64], [3])], {"axis": 1}, nout=3)
case("Pad", [(F, ["N", 3, "H", "W"]), ("const", "i64", [0, 0, 1, 1, 0, 0, 1, 1], [8])])
case("TopK", [(F, ["B", 100]), ("const", "i64", [5], [1])], nout=2)
case("ArgMax", [(F, ["B", "S", 10])], {"axis": -1, "keepdims": 0})
case("Resize", [(F, ["N", 3, "H", "W"]), None, ("const", F, [1.0, 1.0, 2.0, 2.0], [4])])
case("DepthToSpace", [(F, ["N", 16, "H", "W"])], {"blocksize": 2})
case("Einsum", [(F, ["B", "S", 64]), (F, [64, 32])], {"equation": "bsd,de->bse"})
case("Shape", [(F, ["B", "S", 64])])
case("Cast", [(F, ["B", "S"])], {"to": TP.FLOAT16})
case("LSTM", [(F, ["T", "B", 10]), (F, [1, 80, 10]), (F, [1, 80, 20])], {"hidden_size": 20}, nout=3)

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "tests", "onnx_agreement.txt")
with open(out, "w") as f:
    f.write("# @generated by gen/gen_agreement.py from onnx " + onnx.__version__ + " shape inference\n")
    f.write("\n".join(lines) + "\n")
print(f"{len(lines)} cases, {len(skipped)} skipped", file=sys.stderr)
for s in skipped:
    print("skipped:", s, file=sys.stderr)
