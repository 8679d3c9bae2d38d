#!/usr/bin/env python3
"""Writes one-op ONNX models for the GPU GEMM / conv micro benchmark (tools/onnx/cuda/gemm_bench.py).

  gen_gemm_bench.py OUT_DIR

Each shape lands in OUT_DIR/<name>/model.onnx with OUT_DIR/<name>/spec.json, which tells the
device script what the op computes (for the PyTorch reference) and its flop count. Operands are
graph inputs (the device script makes random data), so the bundles stay small; only the
fully-connected Gemm keeps its B and C as constants, as an exported classifier has them (that is
what makes the GPU lowering transpose B at compile time for the small-M kernel).
"""
import json, os, sys
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def save(out, name, nodes, inputs, outputs, inits, spec):
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    g = helper.make_graph(nodes, name, inputs, outputs, inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    m.ir_version = 8
    onnx.checker.check_model(m)
    onnx.save(m, os.path.join(d, "model.onnx"))
    json.dump(spec, open(os.path.join(d, "spec.json"), "w"))


def f32(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def matmul(out, name, m, k, n):
    save(out, name, [helper.make_node("MatMul", ["a", "b"], ["y"])],
         [f32("a", [m, k]), f32("b", [k, n])], [f32("y", [m, n])], [],
         {"op": "matmul", "inputs": [[m, k], [k, n]], "flops": 2 * m * n * k})


def fc(out, name, m, k, n):
    """Gemm(A, B, C, transB=1) with constant B [n, k] and C [n] (seeded)."""
    rng = np.random.default_rng(0)
    b = (rng.standard_normal((n, k)) / np.sqrt(k)).astype(np.float32)
    c = rng.standard_normal(n).astype(np.float32)
    save(out, name, [helper.make_node("Gemm", ["a", "b", "c"], ["y"], transB=1)],
         [f32("a", [m, k])], [f32("y", [m, n])],
         [numpy_helper.from_array(b, "b"), numpy_helper.from_array(c, "c")],
         {"op": "fc", "inputs": [[m, k]], "seed": 0, "k": k, "n": n, "flops": 2 * m * n * k})


def conv(out, name, nimg, cin, cout, hw, kk, stride, pad, group=1):
    o = (hw + 2 * pad - kk) // stride + 1
    save(out, name,
         [helper.make_node("Conv", ["x", "w", "bias"], ["y"], kernel_shape=[kk, kk],
                           strides=[stride, stride], pads=[pad] * 4, group=group)],
         [f32("x", [nimg, cin, hw, hw]), f32("w", [cout, cin // group, kk, kk]), f32("bias", [cout])],
         [f32("y", [nimg, cout, o, o])], [],
         {"op": "conv", "inputs": [[nimg, cin, hw, hw], [cout, cin // group, kk, kk], [cout]],
          "stride": stride, "pad": pad, "group": group,
          "flops": 2 * nimg * cout * o * o * (cin // group) * kk * kk})


def main():
    out = sys.argv[1]
    matmul(out, "mm_1024", 1024, 1024, 1024)
    matmul(out, "mm_4096", 4096, 4096, 4096)
    matmul(out, "mm_128x768x768", 128, 768, 768)
    matmul(out, "mm_128x256x1024", 128, 256, 1024)
    matmul(out, "mm_1x512x1000", 1, 512, 1000)
    fc(out, "fc_1x512x1000", 1, 512, 1000)
    # ResNet-18's convolutions (one of each shape), at batch 1 and 32.
    for b in (1, 32):
        conv(out, f"r18_conv1_b{b}", b, 3, 64, 224, 7, 2, 3)
        conv(out, f"r18_l1_b{b}", b, 64, 64, 56, 3, 1, 1)
        conv(out, f"r18_l2down_b{b}", b, 64, 128, 56, 3, 2, 1)
        conv(out, f"r18_l2_b{b}", b, 128, 128, 28, 3, 1, 1)
        conv(out, f"r18_l2proj_b{b}", b, 64, 128, 56, 1, 2, 0)
        conv(out, f"r18_l3_b{b}", b, 256, 256, 14, 3, 1, 1)
        conv(out, f"r18_l4_b{b}", b, 512, 512, 7, 3, 1, 1)
        # MobileNetV2's depthwise 3x3 (the direct kernel).
        conv(out, f"mbv2_dw144_b{b}", b, 144, 144, 56, 3, 1, 1, group=144)


if __name__ == "__main__":
    main()
