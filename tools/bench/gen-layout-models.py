#!/usr/bin/env python3
"""TF-style (tf2onnx-like) CNNs: NHWC input, Transpose(NHWC->NCHW) before every Conv and
Transpose back after it, activations in NHWC; and the same convs as a plain NCHW ONNX model.
The models behind the layout measurements of passes/flowc-saturate/README.md ("Layout").

    tools/bench/gen-layout-models.py [OUT_DIR]      (default target/layout-models)

writes OUT_DIR/<name>/model.onnx and test_data_set_0/input_0.pb (inputs only: compare flowc's
outputs with `--target interp`); time them with `flowc bench MODEL -i INPUT --runs 30
--threads 1 [--no-saturate]`."""
import sys, os
import numpy as np
import onnx
from onnx import helper, TensorProto, numpy_helper

rng = np.random.default_rng(20251125)
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "layout-models")

def build(name, layers, hw, cin, tf_style):
    nodes, inits = [], []
    shape = [1, hw, hw, cin] if tf_style else [1, cin, hw, hw]
    x = "input"
    c, h = cin, hw
    for i, layer in enumerate(layers):
        m, k, s = layer[:3]
        dw = len(layer) > 3
        cg = 1 if dw else c
        w = (rng.standard_normal((m, cg, k, k)) * (1.0 / np.sqrt(cg * k * k))).astype(np.float32)
        b = (rng.standard_normal(m) * 0.1).astype(np.float32)
        inits += [numpy_helper.from_array(w, f"w{i}"), numpy_helper.from_array(b, f"b{i}")]
        if tf_style:
            nodes.append(helper.make_node("Transpose", [x], [f"t{i}"], perm=[0, 3, 1, 2]))
            x = f"t{i}"
        p = k // 2
        nodes.append(helper.make_node("Conv", [x, f"w{i}", f"b{i}"], [f"c{i}"], kernel_shape=[k, k],
                                      pads=[p, p, p, p], strides=[s, s], group=m if dw else 1))
        x = f"c{i}"
        if tf_style:
            nodes.append(helper.make_node("Transpose", [x], [f"u{i}"], perm=[0, 2, 3, 1]))
            x = f"u{i}"
        nodes.append(helper.make_node("Relu", [x], [f"r{i}"]))
        x = f"r{i}"
        c = m
        h = (h + 2 * p - k) // s + 1
    out_shape = [1, h, h, c] if tf_style else [1, c, h, h]
    nodes[-1].output[0] = "output"
    g = helper.make_graph(nodes, name,
                          [helper.make_tensor_value_info("input", TensorProto.FLOAT, shape)],
                          [helper.make_tensor_value_info("output", TensorProto.FLOAT, out_shape)],
                          inits)
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    d = os.path.join(OUT, name)
    os.makedirs(os.path.join(d, "test_data_set_0"), exist_ok=True)
    onnx.save(model, os.path.join(d, "model.onnx"))
    xin = rng.standard_normal(shape).astype(np.float32)
    with open(os.path.join(d, "test_data_set_0", "input_0.pb"), "wb") as f:
        f.write(numpy_helper.from_array(xin, "input").SerializeToString())

# A small VGG/ResNet-like stem: first conv on RGB, then 3x3 and 1x1 convs, two stride-2 steps.
LAYERS = [(32, 3, 2), (32, 3, 1), (64, 3, 2), (64, 1, 1), (64, 3, 1), (128, 3, 2), (128, 1, 1)]
build("tf_cnn", LAYERS, 112, 3, True)
build("nchw_cnn", LAYERS, 112, 3, False)
# Single convs to compare layouts per shape.
for name, (m, k, s, hw, c) in {
    "conv3x3_c64": (64, 3, 1, 56, 64),
    "conv3x3s2_c64": (128, 3, 2, 56, 64),
    "conv3x3_c8": (32, 3, 1, 56, 8),
    "conv3x3_c3": (32, 3, 2, 112, 3),
    "conv1x1_c64": (128, 1, 1, 28, 64),
}.items():
    build("tf_" + name, [(m, k, s)], hw, c, True)
    build("nchw_" + name, [(m, k, s)], hw, c, False)

# MobileNet-v1-like: depthwise 3x3 + pointwise 1x1 pairs.
MB = [(32, 3, 2), (32, 3, 1, "dw"), (64, 1, 1), (64, 3, 2, "dw"), (128, 1, 1), (128, 3, 1, "dw"),
      (128, 1, 1), (128, 3, 2, "dw"), (256, 1, 1)]
build("tf_mobilenet", MB, 112, 3, True)
build("nchw_mobilenet", MB, 112, 3, False)
for name, (m, k, s, hw) in {"dw3x3_c64": (64, 3, 1, 56), "dw3x3s2_c128": (128, 3, 2, 56)}.items():
    build("tf_" + name, [(m, k, s, "dw")], hw, m, True)
    build("nchw_" + name, [(m, k, s, "dw")], hw, m, False)
