#!/usr/bin/env python3
"""Small ONNX models spelling softmax / log-softmax / layer norm / GELU in primitives (as older
exporters do), and Q/K/V projection blocks, with onnxruntime reference outputs: the models
behind passes/flowc-saturate/README.md's "Reductions spelled out" and "Parallel MatMuls".

    tools/bench/gen-decomposed-models.py [OUT_DIR]   (default target/decomposed)

Kernels with and without the pass: `flowc compile OUT_DIR/<name>/model.onnx -o /tmp/m.flowc
[--no-saturate]`; outputs: `flowc run ... --output-dir D` against test_data_set_0/output_0.pb."""
import os, sys
import numpy as np
import onnx
from onnx import helper as h, TensorProto as T, numpy_helper as nh
import onnxruntime as ort

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "decomposed")
rng = np.random.default_rng(7)

def const(name, arr):
    return h.make_node("Constant", [], [name], value=nh.from_array(np.asarray(arr), name + "_v"))

def save(name, nodes, inputs, outputs, inits, feeds, opset=13):
    g = h.make_graph(nodes, name, inputs, outputs, initializer=inits)
    m = h.make_model(g, opset_imports=[h.make_opsetid("", opset)])
    m.ir_version = 8
    onnx.checker.check_model(m, full_check=True)
    d = os.path.join(OUT, name)
    os.makedirs(os.path.join(d, "test_data_set_0"), exist_ok=True)
    onnx.save(m, os.path.join(d, "model.onnx"))
    so = ort.SessionOptions(); so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    s = ort.InferenceSession(m.SerializeToString(), so, providers=["CPUExecutionProvider"])
    res = s.run(None, feeds)
    for i, (k, v) in enumerate(feeds.items()):
        t = nh.from_array(v, k)
        open(os.path.join(d, "test_data_set_0", f"input_{i}.pb"), "wb").write(t.SerializeToString())
    for i, (o, v) in enumerate(zip(outputs, res)):
        t = nh.from_array(v, o.name)
        open(os.path.join(d, "test_data_set_0", f"output_{i}.pb"), "wb").write(t.SerializeToString())

def vi(name, shape):
    return h.make_tensor_value_info(name, T.FLOAT, shape)

S = [2, 8, 32]
x = (rng.standard_normal(S) * 3).astype(np.float32)

# softmax over the last axis with the max subtracted (opset 13: ReduceMax axes attribute,
# ReduceSum axes input); a MatMul producer and consumer around it.
def softmax_nodes(x, axis, out, nomax=False, log=False):
    nodes = []
    if nomax:
        nodes.append(h.make_node("Exp", [x], [out + "_e"]))
    else:
        nodes += [h.make_node("ReduceMax", [x], [out + "_m"], axes=[axis], keepdims=1),
                  h.make_node("Sub", [x, out + "_m"], [out + "_d"]),
                  h.make_node("Exp", [out + "_d"], [out + "_e"])]
    nodes += [const(out + "_ax", np.array([axis], np.int64)),
              h.make_node("ReduceSum", [out + "_e", out + "_ax"], [out + "_s"], keepdims=1)]
    if log:
        nodes += [h.make_node("Div", [out + "_e", out + "_s"], [out + "_y"]),
                  h.make_node("Log", [out + "_y"], [out])]
    else:
        nodes.append(h.make_node("Div", [out + "_e", out + "_s"], [out]))
    return nodes

for name, kw, axis in [("softmax", {}, -1), ("softmax_axis1", {}, 1), ("softmax_nomax", {"nomax": True}, -1),
                       ("log_softmax", {"log": True}, -1)]:
    w = (rng.standard_normal([32, 32]) * 0.3).astype(np.float32)
    nodes = [h.make_node("MatMul", ["x", "w"], ["h"])] + softmax_nodes("h", axis, "p", **kw) + \
            [h.make_node("MatMul", ["p", "w"], ["y"])]
    save(name, nodes, [vi("x", S)], [vi("y", S)], [nh.from_array(w, "w")], {"x": x})

# layer norm as PyTorch exports it before opset 17.
def ln_nodes(x, out, D, variant, eps=1e-5, gamma=True, beta=True):
    n = [h.make_node("ReduceMean", [x], [out + "_mu"], axes=[-1]),
         h.make_node("Sub", [x, out + "_mu"], [out + "_d"])]
    if variant == "pow":
        n += [const(out + "_two", np.array(2.0, np.float32)),
              h.make_node("Pow", [out + "_d", out + "_two"], [out + "_sq"])]
    else:
        n.append(h.make_node("Mul", [out + "_d", out + "_d"], [out + "_sq"]))
    n += [h.make_node("ReduceMean", [out + "_sq"], [out + "_var"], axes=[-1]),
          const(out + "_eps", np.array(eps, np.float32)),
          h.make_node("Add", [out + "_var", out + "_eps"], [out + "_ve"]),
          h.make_node("Sqrt", [out + "_ve"], [out + "_sd"])]
    if variant == "recip":
        n += [h.make_node("Reciprocal", [out + "_sd"], [out + "_is"]),
              h.make_node("Mul", [out + "_d", out + "_is"], [out + "_n"])]
    else:
        n.append(h.make_node("Div", [out + "_d", out + "_sd"], [out + "_n"]))
    last = out + "_n"
    if gamma:
        n.append(h.make_node("Mul", [last, out + "_g"], [out + "_sc"])); last = out + "_sc"
    if beta:
        n.append(h.make_node("Add", [last, out + "_b"], [out + "_sh"])); last = out + "_sh"
    n.append(h.make_node("Identity", [last], [out]))
    return n

for name, variant, gamma, beta in [("layernorm_pow", "pow", True, True), ("layernorm_mul", "mul", True, True),
                                   ("layernorm_recip", "recip", True, True), ("layernorm_plain", "pow", False, False),
                                   ("layernorm_nobeta", "mul", True, False)]:
    D = 32
    w = (rng.standard_normal([32, D]) * 0.3).astype(np.float32)
    g = (rng.standard_normal([D]) + 1).astype(np.float32)
    b = rng.standard_normal([D]).astype(np.float32)
    nodes = [h.make_node("MatMul", ["x", "w"], ["h"])] + ln_nodes("h", "y", D, variant, gamma=gamma, beta=beta)
    nodes = [nd if nd.op_type != "Identity" else nd for nd in nodes]
    inits = [nh.from_array(w, "w"), nh.from_array(g, "y_g"), nh.from_array(b, "y_b")]
    save(name, nodes, [vi("x", S)], [vi("y", S)], inits, {"x": x})

# GELU: erf form and tanh form after a MatMul + Add (a Gemm head).
for name in ["gelu_erf", "gelu_tanh", "gelu_tanh_cube"]:
    w = (rng.standard_normal([32, 64]) * 0.3).astype(np.float32)
    bb = rng.standard_normal([64]).astype(np.float32)
    n = [h.make_node("MatMul", ["x", "w"], ["mm"]), h.make_node("Add", ["mm", "bias"], ["h"])]
    if name == "gelu_erf":
        n += [const("r2", np.array(1.4142135, np.float32)), const("one", np.array(1.0, np.float32)),
              const("half", np.array(0.5, np.float32)),
              h.make_node("Div", ["h", "r2"], ["t"]), h.make_node("Erf", ["t"], ["e"]),
              h.make_node("Add", ["e", "one"], ["e1"]), h.make_node("Mul", ["h", "e1"], ["he"]),
              h.make_node("Mul", ["he", "half"], ["y"])]
    else:
        n += [const("c3", np.array(3.0, np.float32)), const("k", np.array(0.044715, np.float32)),
              const("s", np.array(0.7978845608, np.float32)), const("one", np.array(1.0, np.float32)),
              const("half", np.array(0.5, np.float32))]
        if name == "gelu_tanh":
            n.append(h.make_node("Pow", ["h", "c3"], ["h3"]))
        else:
            n += [h.make_node("Mul", ["h", "h"], ["h2"]), h.make_node("Mul", ["h2", "h"], ["h3"])]
        n += [h.make_node("Mul", ["h3", "k"], ["kh3"]), h.make_node("Add", ["h", "kh3"], ["in"]),
              h.make_node("Mul", ["in", "s"], ["ins"]), h.make_node("Tanh", ["ins"], ["th"]),
              h.make_node("Add", ["th", "one"], ["t1"]), h.make_node("Mul", ["h", "half"], ["hh"]),
              h.make_node("Mul", ["hh", "t1"], ["y"])]
    save(name, n, [vi("x", S)], [vi("y", [2, 8, 64])], [nh.from_array(w, "w"), nh.from_array(bb, "bias")], {"x": x})
print("ok")

# Contiguous slices (views at an offset): of an input, of an intermediate, returned directly.
def sl(name, x, s, e, a, out):
    return [const(out + "_s", np.array(s, np.int64)), const(out + "_e", np.array(e, np.int64)),
            const(out + "_a", np.array(a, np.int64)),
            h.make_node("Slice", [x, out + "_s", out + "_e", out + "_a"], [out])]
xs = rng.standard_normal([3, 4, 16]).astype(np.float32)
n = [h.make_node("Neg", ["x"], ["nx"])] + sl("a", "nx", [1], [2], [0], "s1") + \
    [h.make_node("Exp", ["s1"], ["e1"])] + sl("b", "x", [2], [3], [0], "s2") + \
    [h.make_node("Mul", ["e1", "s2"], ["y1"])] + sl("c", "x", [1, 2], [2, 4], [0, 1], "y2") + \
    sl("d", "nx", [0, 3], [1, 4], [0, 1], "s3") + [h.make_node("Relu", ["s3"], ["y3"])]
save("slice_views", n, [vi("x", [3, 4, 16])], [vi("y1", [1, 4, 16]), vi("y2", [1, 2, 16]), vi("y3", [1, 1, 16])], [], {"x": xs})

# Q / K / V projections of one input as Gemm with transB (PyTorch Linear) and as MatMul + Add,
# reshaped to heads and transposed; Q K^T softmax V attention after them.
for name, gemm in [("qkv_gemm", True), ("qkv_matmul", False)]:
    S_, E_, H_, D_ = 16, 64, 4, 16
    xin = rng.standard_normal([S_, E_] if gemm else [1, S_, E_]).astype(np.float32)
    n = []
    inits = []
    outs = {}
    for p_, perm in [("q", [0, 2, 1, 3]), ("k", [0, 2, 3, 1]), ("v", [0, 2, 1, 3])]:
        w = (rng.standard_normal([E_, E_]) * 0.2).astype(np.float32)
        b = rng.standard_normal([E_]).astype(np.float32)
        inits += [nh.from_array(w, "w" + p_), nh.from_array(b, "b" + p_)]
        if gemm:
            n.append(h.make_node("Gemm", ["x", "w" + p_, "b" + p_], [p_ + "_p"], transB=1))
        else:
            n += [h.make_node("MatMul", ["x", "w" + p_], [p_ + "_m"]),
                  h.make_node("Add", [p_ + "_m", "b" + p_], [p_ + "_p"])]
        n += [const(p_ + "_s", np.array([1, S_, H_, D_], np.int64)),
              h.make_node("Reshape", [p_ + "_p", p_ + "_s"], [p_ + "_r"]),
              h.make_node("Transpose", [p_ + "_r"], [p_], perm=perm)]
    n += [h.make_node("MatMul", ["q", "k"], ["sc"]), h.make_node("Softmax", ["sc"], ["pr"], axis=-1),
          h.make_node("MatMul", ["pr", "v"], ["y"])]
    save(name, n, [vi("x", list(xin.shape))], [vi("y", [1, H_, S_, D_])], inits, {"x": xin})
