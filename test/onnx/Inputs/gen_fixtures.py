#!/usr/bin/env python3
"""Generates the small ONNX models that test/onnx/*.mlir import with flowc-translate.

    pip install onnx==1.23.2
    python3 test/onnx/Inputs/gen_fixtures.py

The .onnx files (and external data files) are committed, so the lit tests need neither Python
nor onnx; rerun this script after changing it. Every model is built with onnx.helper from
deterministic data. Models named bad_*.onnx are malformed or unsupported on purpose.
"""

import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))


def path(name):
    return os.path.join(HERE, name)


def save(model, name, check=True):
    if check:
        onnx.checker.check_model(model)
    with open(path(name), "wb") as f:
        f.write(model.SerializeToString())


def model(graph, opset=13, ir_version=8, extra_opsets=()):
    opsets = [helper.make_opsetid("", opset)] + [helper.make_opsetid(d, v) for d, v in extra_opsets]
    m = helper.make_model(graph, opset_imports=opsets, producer_name="flowc-gen-fixtures")
    m.ir_version = ir_version
    return m


def arange(shape, scale=0.01, dtype=np.float32):
    n = int(np.prod(shape))
    return (np.arange(n, dtype=np.float64) * scale - n * scale / 2).astype(dtype).reshape(shape)


def vi(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


F = TensorProto.FLOAT
I64 = TensorProto.INT64


def conv_relu():
    w = numpy_helper.from_array(arange([4, 3, 3, 3]), "conv.weight")
    b = numpy_helper.from_array(arange([4], 0.5), "conv.bias")
    nodes = [
        helper.make_node("Conv", ["x", "conv.weight", "conv.bias"], ["c"], name="conv1",
                         kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1]),
        helper.make_node("Relu", ["c"], ["y"], name="relu1"),
    ]
    g = helper.make_graph(nodes, "conv_relu", [vi("x", F, [1, 3, 8, 8])], [vi("y", F, [1, 4, 8, 8])], [w, b])
    save(model(g, 13), "conv_relu.onnx")


def gemm_mlp():
    w1 = numpy_helper.from_array(arange([32, 16]), "fc1.weight")
    b1 = numpy_helper.from_array(arange([32], 0.1), "fc1.bias")
    w2 = numpy_helper.from_array(arange([10, 32]), "fc2.weight")
    b2 = numpy_helper.from_array(arange([10], 0.1), "fc2.bias")
    nodes = [
        helper.make_node("Gemm", ["x", "fc1.weight", "fc1.bias"], ["h"], name="fc1", transB=1),
        helper.make_node("Relu", ["h"], ["hr"], name="relu"),
        helper.make_node("Gemm", ["hr", "fc2.weight", "fc2.bias"], ["logits"], name="fc2", transB=1, alpha=1.0),
        helper.make_node("Softmax", ["logits"], ["probs"], name="softmax", axis=-1),
    ]
    g = helper.make_graph(nodes, "mlp", [vi("x", F, [2, 16])], [vi("probs", F, [2, 10])], [w1, b1, w2, b2])
    save(model(g, 17), "gemm_mlp.onnx")


def opset11_squeeze_clip():
    """Opset 11: Squeeze / Unsqueeze / ReduceMean axes are attributes; Clip takes inputs."""
    lo = numpy_helper.from_array(np.array(0.0, np.float32), "lo")
    hi = numpy_helper.from_array(np.array(6.0, np.float32), "hi")
    nodes = [
        helper.make_node("Unsqueeze", ["x"], ["u"], name="unsqueeze", axes=[0]),
        helper.make_node("Clip", ["u", "lo", "hi"], ["c"], name="clip"),
        helper.make_node("Squeeze", ["c"], ["s"], name="squeeze", axes=[0]),
        helper.make_node("ReduceMean", ["s"], ["y"], name="mean", axes=[1], keepdims=1),
        helper.make_node("Clip", ["y", "", "hi"], ["z"], name="clip_max_only"),
    ]
    g = helper.make_graph(nodes, "squeeze_clip", [vi("x", F, [3, 4])], [vi("z", F, [3, 1])], [lo, hi])
    save(model(g, 11), "opset11_squeeze_clip.onnx")


def opset7():
    """Opset 7: attribute forms of Clip, Pad, Slice, TopK, Split, Upsample; Softmax on a 4-D
    input (2-D coercion); BatchNormalization with `spatial`; Dropout."""
    c = 2
    scale = numpy_helper.from_array(np.ones([c], np.float32), "bn.scale")
    bias = numpy_helper.from_array(np.zeros([c], np.float32), "bn.bias")
    mean = numpy_helper.from_array(np.zeros([c], np.float32), "bn.mean")
    var = numpy_helper.from_array(np.ones([c], np.float32), "bn.var")
    nodes = [
        helper.make_node("BatchNormalization", ["x", "bn.scale", "bn.bias", "bn.mean", "bn.var"], ["bn"],
                         name="bn", epsilon=1e-5, spatial=1),
        helper.make_node("Clip", ["bn"], ["clip"], name="clip", min=0.0, max=6.0),
        helper.make_node("Dropout", ["clip"], ["drop"], name="dropout", ratio=0.5),
        helper.make_node("Pad", ["drop"], ["pad"], name="pad", pads=[0, 0, 1, 1, 0, 0, 1, 1], value=0.5),
        helper.make_node("Slice", ["pad"], ["slice"], name="slice", starts=[1, 1], ends=[5, 5], axes=[2, 3]),
        helper.make_node("Upsample", ["slice"], ["up"], name="upsample", scales=[1.0, 1.0, 2.0, 2.0], mode="nearest"),
        helper.make_node("Softmax", ["up"], ["sm"], name="softmax", axis=1),
        helper.make_node("Split", ["sm"], ["s0", "s1"], name="split", axis=1, split=[1, 1]),
        helper.make_node("TopK", ["s0"], ["values", "indices"], name="topk", k=3, axis=-1),
    ]
    # IR version 3 lists initializers among the graph inputs too.
    g = helper.make_graph(
        nodes, "opset7", [vi("x", F, [1, c, 4, 4])] + [vi(n, F, [c]) for n in ("bn.scale", "bn.bias", "bn.mean", "bn.var")],
        [vi("values", F, [1, 1, 8, 3]), vi("indices", I64, [1, 1, 8, 3]), vi("s1", F, [1, 1, 8, 8])],
        [scale, bias, mean, var])
    save(model(g, 7, ir_version=3), "opset7.onnx")


def opset9_misc():
    """Opset 9: Upsample with a scales input, Softmax on the last axis, unnamed nodes."""
    scales = numpy_helper.from_array(np.array([1.0, 1.0, 2.0, 2.0], np.float32), "scales")
    nodes = [
        helper.make_node("Upsample", ["x", "scales"], ["up"], mode="linear"),
        helper.make_node("Softmax", ["up"], ["y"], axis=3),
        helper.make_node("ReduceSum", ["y"], ["s"], axes=[1, 2], keepdims=0),
    ]
    g = helper.make_graph(nodes, "opset9", [vi("x", F, [1, 1, 2, 2])], [vi("s", F, [1, 4])], [scales])
    save(model(g, 9, ir_version=4), "opset9_misc.onnx")


def external_data():
    w = numpy_helper.from_array(arange([16, 16]), "weight")
    b = numpy_helper.from_array(arange([16], 0.5), "bias")
    nodes = [
        helper.make_node("MatMul", ["x", "weight"], ["m"], name="matmul"),
        helper.make_node("Add", ["m", "bias"], ["y"], name="add"),
    ]
    g = helper.make_graph(nodes, "external", [vi("x", F, [1, 16])], [vi("y", F, [1, 16])], [w, b])
    m = model(g, 13)
    # Both tensors in one file, at offsets (the bias after the weight).
    if os.path.exists(path("external_data.bin")):
        os.remove(path("external_data.bin"))
    onnx.external_data_helper.convert_model_to_external_data(
        m, all_tensors_to_one_file=True, location="external_data.bin", size_threshold=0)
    onnx.external_data_helper.write_external_data_tensors(m, HERE)
    os.chmod(path("external_data.bin"), 0o644)
    save(m, "external_data.onnx")


def dim_param():
    nodes = [
        helper.make_node("Relu", ["x"], ["r"], name="relu"),
        helper.make_node("Transpose", ["r"], ["t"], name="transpose", perm=[0, 2, 3, 1]),
        helper.make_node("Add", ["t", "bias"], ["y"], name="add"),
    ]
    g = helper.make_graph(
        nodes, "dynamic", [vi("x", F, ["N", 3, "H", "W"]), vi("bias", F, [3])], [vi("y", F, ["N", "H", "W", 3])])
    save(model(g, 14), "dim_param.onnx")


def shape_fold():
    """The PyTorch flatten pattern: Shape -> Gather -> Unsqueeze -> Concat -> Reshape."""
    idx = numpy_helper.from_array(np.array(0, np.int64), "zero")
    minus1 = numpy_helper.from_array(np.array([-1], np.int64), "minus1")
    axes = numpy_helper.from_array(np.array([0], np.int64), "axes")
    nodes = [
        helper.make_node("Shape", ["x"], ["shape"], name="shape"),
        helper.make_node("Gather", ["shape", "zero"], ["batch"], name="gather", axis=0),
        helper.make_node("Unsqueeze", ["batch", "axes"], ["batch1"], name="unsqueeze"),
        helper.make_node("Concat", ["batch1", "minus1"], ["target"], name="concat", axis=0),
        helper.make_node("Reshape", ["x", "target"], ["y"], name="reshape"),
    ]
    g = helper.make_graph(nodes, "shape_fold", [vi("x", F, [2, 3, 4])], [vi("y", F, [None, None])], [idx, minus1, axes])
    save(model(g, 13), "shape_fold.onnx")


def shape_fold_eval():
    """An Expand whose shape comes from Mod / Equal / Not / And / Where / Concat on constants
    (the shape arithmetic of onnx's expanded Attention): the importer evaluates them with the
    interpreter's kernels, so Expand's result type is static."""
    c = lambda name, v: numpy_helper.from_array(np.array(v, np.int64), name)
    inits = [c("two", [2]), c("three", [3]), c("zero", [0]), c("one", [1]), c("five", [5]), c("four", [4]),
             numpy_helper.from_array(np.array([True]), "t")]
    nodes = [
        helper.make_node("Mod", ["three", "three"], ["m"], name="mod"),
        helper.make_node("Equal", ["m", "zero"], ["eq"], name="equal"),
        helper.make_node("Not", ["t"], ["f"], name="not"),
        helper.make_node("Or", ["f", "eq"], ["cond"], name="or"),
        helper.make_node("Where", ["cond", "five", "one"], ["mid"], name="where"),
        helper.make_node("Concat", ["two", "mid", "four"], ["target"], name="concat", axis=0),
        helper.make_node("Expand", ["x", "target"], ["y"], name="expand"),
    ]
    g = helper.make_graph(nodes, "shape_fold_eval", [vi("x", F, [2, 1, 4])], [vi("y", F, [None, None, None])], inits)
    save(model(g, 13), "shape_fold_eval.onnx")


def unordered():
    """Nodes out of topological order (valid: the importer sorts them)."""
    nodes = [
        helper.make_node("Neg", ["a"], ["y"], name="second"),
        helper.make_node("Abs", ["x"], ["a"], name="first"),
    ]
    g = helper.make_graph(nodes, "unordered", [vi("x", F, [4])], [vi("y", F, [4])])
    save(model(g, 13), "unordered.onnx", check=False)


def single(name, opset, op, inputs, outputs, inits=(), ir_version=None, **attrs):
    """A one-node model `legacy_<name>.onnx`: inputs / outputs are (name, elem, shape)."""
    node = helper.make_node(op, [i[0] for i in inputs], [o[0] for o in outputs], name=name, **attrs)
    init_names = {t.name for t in inits}
    graph_inputs = [vi(n, e, s) for n, e, s in inputs if n and n not in init_names]
    if ir_version is not None and ir_version < 4:
        graph_inputs += [vi(t.name, t.data_type, list(t.dims)) for t in inits]
    g = helper.make_graph([node], name, graph_inputs, [vi(n, e, s) for n, e, s in outputs], list(inits))
    ir = ir_version if ir_version is not None else (3 if opset < 8 else 6 if opset < 12 else 8)
    save(model(g, opset, ir_version=ir), f"legacy_{name}.onnx", check=False)


def legacy_ops():
    """One node per old operator form, for the IR checks in legacy.mlir and for comparing
    flowc's results with onnxruntime's (compare_with_ort.py)."""
    x = ("x", F, [2, 3, 4])
    img = ("x", F, [1, 2, 3, 4])
    single("resize10_nearest", 10, "Resize", [img, ("scales", F, [4])], [("y", F, [1, 2, 6, 10])],
           [numpy_helper.from_array(np.array([1, 1, 2, 2.5], np.float32), "scales")], mode="nearest")
    single("resize10_linear", 10, "Resize", [img, ("scales", F, [4])], [("y", F, [1, 2, 6, 8])],
           [numpy_helper.from_array(np.array([1, 1, 2, 2], np.float32), "scales")], mode="linear")
    single("resize11_sizes", 11, "Resize", [img, ("roi", F, [0]), ("scales", F, [0]), ("sizes", I64, [4])],
           [("y", F, [1, 2, 5, 7])],
           [numpy_helper.from_array(np.zeros([0], np.float32), "roi"),
            numpy_helper.from_array(np.zeros([0], np.float32), "scales"),
            numpy_helper.from_array(np.array([1, 2, 5, 7], np.int64), "sizes")],
           mode="linear", coordinate_transformation_mode="pytorch_half_pixel")
    single("upsample9_nearest", 9, "Upsample", [img, ("scales", F, [4])], [("y", F, [1, 2, 6, 12])],
           [numpy_helper.from_array(np.array([1, 1, 2, 3], np.float32), "scales")], mode="nearest")
    for axis in (0, 1, 2):
        single(f"softmax11_axis{axis}", 11, "Softmax", [x], [("y", F, [2, 3, 4])], axis=axis)
    single("logsoftmax11_axis1", 11, "LogSoftmax", [x], [("y", F, [2, 3, 4])], axis=1)
    single("hardmax11_axis1", 11, "Hardmax", [x], [("y", F, [2, 3, 4])], axis=1)
    single("softmax7_default", 7, "Softmax", [x], [("y", F, [2, 3, 4])])
    single("split11_equal", 11, "Split", [("x", F, [6, 2])], [("a", F, [2, 2]), ("b", F, [2, 2]), ("c", F, [2, 2])], axis=0)
    single("split13_equal", 13, "Split", [("x", F, [2, 6])], [("a", F, [2, 3]), ("b", F, [2, 3])], axis=1)
    single("split11_sizes", 11, "Split", [("x", F, [2, 6])], [("a", F, [2, 1]), ("b", F, [2, 5])], axis=-1, split=[1, 5])
    single("reducemean13_axes", 13, "ReduceMean", [x], [("y", F, [2, 1, 4])], axes=[-2], keepdims=1)
    single("reducesum11_all", 11, "ReduceSum", [x], [("y", F, [1, 1, 1])])
    single("reducemax12_int", 12, "ReduceMax", [("x", TensorProto.INT32, [2, 3])], [("y", TensorProto.INT32, [2])],
           axes=[1], keepdims=0)
    single("squeeze11_all", 11, "Squeeze", [("x", F, [1, 3, 1, 2])], [("y", F, [3, 2])])
    single("unsqueeze11_neg", 11, "Unsqueeze", [("x", F, [3, 2])], [("y", F, [3, 1, 2, 1])], axes=[-1, 1])
    single("slice9_neg", 9, "Slice", [x], [("y", F, [2, 2, 2])], starts=[-2, 1], ends=[1000, -1], axes=[1, 2])
    single("pad2_reflect", 7, "Pad", [("x", F, [3, 4])], [("y", F, [5, 8])], mode="reflect", pads=[1, 2, 1, 2])
    single("clip6_min", 7, "Clip", [x], [("y", F, [2, 3, 4])], min=-0.5)
    single("topk1", 7, "TopK", [x], [("v", F, [2, 3, 2]), ("i", I64, [2, 3, 2])], k=2)
    single("dropout7_mask", 7, "Dropout", [x], [("y", F, [2, 3, 4]), ("mask", F, [2, 3, 4])], ratio=0.2)
    single("dropout12_mask", 12, "Dropout", [x], [("y", F, [2, 3, 4]), ("mask", TensorProto.BOOL, [2, 3, 4])])
    scale = numpy_helper.from_array(np.array([0.5, 2.0], np.float32), "s")
    bias = numpy_helper.from_array(np.array([0.1, -0.2], np.float32), "b")
    mean = numpy_helper.from_array(np.array([0.3, -0.1], np.float32), "m")
    var = numpy_helper.from_array(np.array([1.5, 0.5], np.float32), "v")
    single("batchnorm7", 7, "BatchNormalization",
           [("x", F, [1, 2, 3, 4]), ("s", F, [2]), ("b", F, [2]), ("m", F, [2]), ("v", F, [2])],
           [("y", F, [1, 2, 3, 4])], [scale, bias, mean, var], epsilon=1e-3, spatial=1)
    w = numpy_helper.from_array(arange([4, 5], 0.1), "w")
    c = numpy_helper.from_array(arange([5], 0.3), "c")
    rois = numpy_helper.from_array(np.array([[0.5, 0.5, 2.5, 2.0], [0.0, 0.0, 3.0, 2.0]], np.float32), "rois")
    batch = numpy_helper.from_array(np.array([0, 0], np.int64), "batch")
    single("roialign10", 10, "RoiAlign", [img, ("rois", F, [2, 4]), ("batch", I64, [2])], [("y", F, [2, 2, 2, 2])],
           [rois, batch], output_height=2, output_width=2, sampling_ratio=2)
    grid = numpy_helper.from_array(arange([1, 2, 3, 2], 0.15), "grid")
    single("gridsample16_bicubic", 16, "GridSample", [img, ("grid", F, [1, 2, 3, 2])], [("y", F, [1, 2, 2, 3])],
           [grid], mode="bicubic", align_corners=1)
    single("gemm7", 7, "Gemm", [("x", F, [3, 4]), ("w", F, [4, 5]), ("c", F, [5])], [("y", F, [3, 5])], [w, c],
           alpha=0.5, beta=2.0)


def bad_models():
    ok = helper.make_graph([helper.make_node("Relu", ["x"], ["y"], name="relu")], "g",
                           [vi("x", F, [2])], [vi("y", F, [2])])
    good = model(ok, 13).SerializeToString()

    # Truncated in the middle of the graph.
    with open(path("bad_truncated.onnx"), "wb") as f:
        f.write(good[: len(good) * 2 // 3])
    # Field 7 (graph) sent as a varint instead of a length-delimited message.
    with open(path("bad_wire_type.onnx"), "wb") as f:
        f.write(bytes([0x08, 0x08, 0x38, 0x01]))

    cycle = helper.make_graph([
        helper.make_node("Relu", ["x", "b"], ["a"], name="n1"),
        helper.make_node("Add", ["a", "x"], ["b"], name="n2"),
    ], "cycle", [vi("x", F, [2])], [vi("b", F, [2])])
    save(model(cycle, 13), "bad_cycle.onnx", check=False)

    dangling = helper.make_graph([helper.make_node("Relu", ["nowhere"], ["y"], name="relu")], "g",
                                 [vi("x", F, [2])], [vi("y", F, [2])])
    save(model(dangling, 13), "bad_dangling.onnx", check=False)

    dup = helper.make_graph([
        helper.make_node("Relu", ["x"], ["y"], name="relu_a"),
        helper.make_node("Neg", ["x"], ["y"], name="relu_b"),
    ], "g", [vi("x", F, [2])], [vi("y", F, [2])])
    save(model(dup, 13), "bad_duplicate_output.onnx", check=False)

    neg = helper.make_graph([helper.make_node("Relu", ["x"], ["y"], name="relu")], "g",
                            [vi("x", F, [2, -3])], [vi("y", F, [2, 3])])
    save(model(neg, 13), "bad_negative_dim.onnx", check=False)

    missing = TensorProto()
    missing.name = "w"
    missing.data_type = F
    missing.dims.extend([1000000, 1000000])
    nodata = helper.make_graph([helper.make_node("Add", ["x", "w"], ["y"], name="add")], "g",
                               [vi("x", F, [2])], [vi("y", F, [2])], [missing])
    save(model(nodata, 13), "bad_missing_data.onnx", check=False)

    domain = helper.make_graph([helper.make_node("FusedGemm", ["x"], ["y"], name="fused", domain="com.microsoft")],
                               "g", [vi("x", F, [2])], [vi("y", F, [2])])
    save(model(domain, 13, extra_opsets=[("com.microsoft", 1)]), "bad_domain.onnx", check=False)

    unsupported = helper.make_graph([helper.make_node("StringNormalizer", ["x"], ["y"], name="strnorm")],
                                    "g", [vi("x", F, [2])], [vi("y", F, [2])])
    save(model(unsupported, 13), "bad_unsupported_op.onnx", check=False)

    old = helper.make_graph([helper.make_node("Relu", ["x"], ["y"], name="relu")], "g",
                            [vi("x", F, [2])], [vi("y", F, [2])])
    save(model(old, 6, ir_version=3), "bad_opset6.onnx", check=False)

    escape = TensorProto()
    escape.name = "w"
    escape.data_type = F
    escape.dims.extend([2])
    escape.data_location = TensorProto.EXTERNAL
    entry = escape.external_data.add()
    entry.key = "location"
    entry.value = "../../../etc/passwd"
    esc = helper.make_graph([helper.make_node("Add", ["x", "w"], ["y"], name="add")], "g",
                            [vi("x", F, [2])], [vi("y", F, [2])], [escape])
    save(model(esc, 13), "bad_external_escape.onnx", check=False)

    mismatch = helper.make_graph([helper.make_node("Relu", ["x"], ["y"], name="relu")], "g",
                                 [vi("x", F, [2, 3])], [vi("y", F, [2, 4])])
    save(model(mismatch, 13), "bad_type_mismatch.onnx", check=False)

    inner = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "body", [], [vi("y", F, [2])])
    graph_attr = helper.make_graph(
        [helper.make_node("If", ["c"], ["y"], name="if", then_branch=inner, else_branch=inner)], "g",
        [vi("c", TensorProto.BOOL, [])], [vi("y", F, [2])])
    save(model(graph_attr, 13), "bad_graph_attr.onnx", check=False)

    clip_attr = helper.make_graph([helper.make_node("Conv", ["x", "x"], ["y"], name="conv", foo=3)], "g",
                                  [vi("x", F, [1, 1, 3, 3])], [vi("y", F, None)])
    save(model(clip_attr, 13), "bad_unknown_attr.onnx", check=False)


def main():
    conv_relu()
    gemm_mlp()
    opset11_squeeze_clip()
    opset7()
    opset9_misc()
    external_data()
    dim_param()
    shape_fold()
    shape_fold_eval()
    unordered()
    legacy_ops()
    bad_models()


if __name__ == "__main__":
    main()
