#!/usr/bin/env python3
"""Builds small real-ish networks with random weights and their onnxruntime outputs.

Needs onnx, numpy and onnxruntime; this script installs nothing itself:

    pip install onnx==1.23.2 numpy onnxruntime
    tools/onnx/gen-models.py [--output target/onnx-models]

The models are built with onnx.helper in the shapes that exporters (PyTorch, TensorFlow,
PaddlePaddle) produce, with weights from a fixed seed:

    resnet          ResNet-style CNN: conv + BatchNormalization + Relu, residual blocks (one with a
                    strided 1x1 projection shortcut), MaxPool, GlobalAveragePool, Flatten, Gemm
    mobilenet       MobileNet-v2-style: depthwise-separable convs (group = channels), Clip as
                    Relu6, inverted residual blocks, Reshape, Gemm, Softmax
    squeezenet      SqueezeNet-style: fire modules (squeeze 1x1, expand 1x1 + 3x3, Concat), MaxPool
                    with ceil_mode, Dropout, AveragePool
    transformer     a pre-LN transformer encoder block (opset 20): LayerNormalization, multi-head
                    attention from MatMul / Reshape / Transpose / Softmax, Gelu MLP, residual Adds;
                    symbolic sequence length
    transformer_erf the same block at opset 17 with Gelu as PyTorch exports it (Erf), Div-scaled
                    attention, and an attention mask through Where
    ocr_crnn        an OCR-style CRNN: conv stack down to height 1, Squeeze, Transpose to
                    [width, batch, channels], a bidirectional LSTM, MatMul to classes, LogSoftmax

Each model is written as

    <output>/<name>/model.onnx
    <output>/<name>/test_data_set_0/input_<i>.pb   (TensorProto, random inputs)
    <output>/<name>/test_data_set_0/output_<i>.pb  (TensorProto, onnxruntime's outputs)

tools/onnx/check-models.sh runs `flowc run` on each and compares with onnxruntime's outputs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

RNG = np.random.default_rng(20240501)


class Builder:
    """A graph under construction: nodes, initializers, unique names."""

    def __init__(self, name: str):
        self.name = name
        self.nodes: list[onnx.NodeProto] = []
        self.inits: list[onnx.TensorProto] = []
        self.counter = 0

    def fresh(self, base: str) -> str:
        self.counter += 1
        return f"{base}_{self.counter}"

    def weight(self, base: str, array: np.ndarray) -> str:
        name = self.fresh(base)
        self.inits.append(numpy_helper.from_array(array, name))
        return name

    def const_i64(self, values) -> str:
        return self.weight("const", np.array(values, dtype=np.int64))

    def op(self, op_type: str, inputs: list[str], n_out: int = 1, **attrs) -> str | list[str]:
        name = self.fresh(op_type.lower())
        outs = [f"{name}_out{i}" if n_out > 1 else f"{name}_out" for i in range(n_out)]
        self.nodes.append(helper.make_node(op_type, inputs, outs, name=name, **attrs))
        return outs[0] if n_out == 1 else outs

    # --- layers -------------------------------------------------------------------------

    def conv(self, x: str, cin: int, cout: int, k: int, stride: int = 1, pad: int | None = None,
             group: int = 1, bias: bool = False) -> str:
        pad = k // 2 if pad is None else pad
        fan_in = cin // group * k * k
        w = self.weight("conv_w", (RNG.standard_normal((cout, cin // group, k, k)) *
                                   np.sqrt(2.0 / fan_in)).astype(np.float32))
        inputs = [x, w]
        if bias:
            inputs.append(self.weight("conv_b", (RNG.standard_normal(cout) * 0.1).astype(np.float32)))
        return self.op("Conv", inputs, kernel_shape=[k, k], strides=[stride, stride],
                       pads=[pad, pad, pad, pad], group=group, dilations=[1, 1])

    def bn(self, x: str, c: int) -> str:
        scale = self.weight("bn_scale", RNG.uniform(0.5, 1.5, c).astype(np.float32))
        shift = self.weight("bn_bias", (RNG.standard_normal(c) * 0.1).astype(np.float32))
        mean = self.weight("bn_mean", (RNG.standard_normal(c) * 0.1).astype(np.float32))
        var = self.weight("bn_var", RNG.uniform(0.5, 1.5, c).astype(np.float32))
        return self.op("BatchNormalization", [x, scale, shift, mean, var], epsilon=1e-5)

    def conv_bn_relu(self, x, cin, cout, k, stride=1, group=1, relu6=False) -> str:
        y = self.bn(self.conv(x, cin, cout, k, stride, group=group), cout)
        if relu6:
            lo = self.weight("clip_min", np.array(0.0, dtype=np.float32))
            hi = self.weight("clip_max", np.array(6.0, dtype=np.float32))
            return self.op("Clip", [y, lo, hi])
        return self.op("Relu", [y])

    def gemm(self, x: str, din: int, dout: int) -> str:
        w = self.weight("fc_w", (RNG.standard_normal((dout, din)) / np.sqrt(din)).astype(np.float32))
        b = self.weight("fc_b", (RNG.standard_normal(dout) * 0.1).astype(np.float32))
        return self.op("Gemm", [x, w, b], transB=1)

    def linear(self, x: str, din: int, dout: int) -> str:
        """MatMul + Add, as PyTorch exports nn.Linear on 3-D inputs."""
        w = self.weight("linear_w", (RNG.standard_normal((din, dout)) / np.sqrt(din)).astype(np.float32))
        b = self.weight("linear_b", (RNG.standard_normal(dout) * 0.1).astype(np.float32))
        return self.op("Add", [self.op("MatMul", [x, w]), b])

    def model(self, inputs, outputs, opset: int) -> onnx.ModelProto:
        graph = helper.make_graph(self.nodes, self.name, inputs, outputs, self.inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                                  producer_name="flowc gen-models.py")
        model.ir_version = 8 if opset < 19 else 9
        onnx.checker.check_model(model, full_check=True)
        return model


def image_input(c: int, h: int, w: int):
    return helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", c, h, w])


def resnet():
    b = Builder("resnet_style")
    x = b.conv_bn_relu("image", 3, 16, 3, stride=1)
    x = b.op("MaxPool", [x], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])

    def block(x, cin, cout, stride):
        y = b.conv_bn_relu(x, cin, cout, 3, stride)
        y = b.bn(b.conv(y, cout, cout, 3), cout)
        shortcut = x if stride == 1 and cin == cout else b.bn(b.conv(x, cin, cout, 1, stride, pad=0), cout)
        return b.op("Relu", [b.op("Add", [y, shortcut])])

    x = block(x, 16, 16, 1)
    x = block(x, 16, 32, 2)
    x = block(x, 32, 32, 1)
    x = b.op("GlobalAveragePool", [x])
    x = b.op("Flatten", [x], axis=1)
    logits = b.gemm(x, 32, 10)
    b.nodes[-1].output[0] = "logits"
    model = b.model([image_input(3, 32, 32)],
                    [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 10])], 13)
    return model, {"image": RNG.standard_normal((2, 3, 32, 32)).astype(np.float32)}


def mobilenet():
    b = Builder("mobilenet_style")
    x = b.conv_bn_relu("image", 3, 16, 3, stride=2, relu6=True)

    def inverted_residual(x, cin, cout, stride, expand):
        hidden = cin * expand
        y = b.conv_bn_relu(x, cin, hidden, 1, relu6=True)
        y = b.conv_bn_relu(y, hidden, hidden, 3, stride, group=hidden, relu6=True)
        y = b.bn(b.conv(y, hidden, cout, 1, pad=0), cout)
        return b.op("Add", [x, y]) if stride == 1 and cin == cout else y

    x = inverted_residual(x, 16, 16, 1, 1)
    x = inverted_residual(x, 16, 24, 2, 4)
    x = inverted_residual(x, 24, 24, 1, 4)
    x = inverted_residual(x, 24, 32, 2, 4)
    x = b.conv_bn_relu(x, 32, 64, 1, relu6=True)
    x = b.op("GlobalAveragePool", [x])
    x = b.op("Reshape", [x, b.const_i64([-1, 64])])
    x = b.gemm(x, 64, 10)
    probs = b.op("Softmax", [x], axis=-1)
    b.nodes[-1].output[0] = "probs"
    model = b.model([image_input(3, 32, 32)],
                    [helper.make_tensor_value_info("probs", TensorProto.FLOAT, ["N", 10])], 13)
    return model, {"image": RNG.standard_normal((1, 3, 32, 32)).astype(np.float32)}


def squeezenet():
    b = Builder("squeezenet_style")
    x = b.op("Relu", [b.conv("image", 3, 32, 3, stride=2, pad=0, bias=True)])
    x = b.op("MaxPool", [x], kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1)

    def fire(x, cin, squeeze, expand):
        s = b.op("Relu", [b.conv(x, cin, squeeze, 1, pad=0, bias=True)])
        e1 = b.op("Relu", [b.conv(s, squeeze, expand, 1, pad=0, bias=True)])
        e3 = b.op("Relu", [b.conv(s, squeeze, expand, 3, pad=1, bias=True)])
        return b.op("Concat", [e1, e3], axis=1)

    x = fire(x, 32, 8, 16)
    x = fire(x, 32, 8, 16)
    x = b.op("MaxPool", [x], kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1)
    x = fire(x, 32, 16, 32)
    x = b.op("Dropout", [x])
    x = b.op("Relu", [b.conv(x, 64, 10, 1, pad=0, bias=True)])
    x = b.op("AveragePool", [x], kernel_shape=[5, 5], strides=[1, 1])
    x = b.op("Flatten", [x])
    b.nodes[-1].output[0] = "scores"
    model = b.model([image_input(3, 47, 47)],
                    [helper.make_tensor_value_info("scores", TensorProto.FLOAT, ["N", 10])], 13)
    return model, {"image": RNG.standard_normal((2, 3, 47, 47)).astype(np.float32)}


def transformer(erf_gelu: bool):
    d, heads, ff = 32, 4, 64
    dh = d // heads
    opset = 17 if erf_gelu else 20
    b = Builder("transformer_erf" if erf_gelu else "transformer")

    def layer_norm(x):
        g = b.weight("ln_g", RNG.uniform(0.8, 1.2, d).astype(np.float32))
        beta = b.weight("ln_b", (RNG.standard_normal(d) * 0.1).astype(np.float32))
        return b.op("LayerNormalization", [x, g, beta], axis=-1, epsilon=1e-5)

    def heads_first(x):  # [B, S, D] -> [B, H, S, Dh]
        x = b.op("Reshape", [x, b.const_i64([0, -1, heads, dh])])
        return b.op("Transpose", [x], perm=[0, 2, 1, 3])

    def gelu(x):
        if not erf_gelu:
            return b.op("Gelu", [x])
        half = b.weight("half", np.array(0.5, dtype=np.float32))
        one = b.weight("one", np.array(1.0, dtype=np.float32))
        sqrt2 = b.weight("sqrt2", np.array(np.sqrt(2.0), dtype=np.float32))
        e = b.op("Erf", [b.op("Div", [x, sqrt2])])
        return b.op("Mul", [b.op("Mul", [x, b.op("Add", [e, one])]), half])

    h = layer_norm("tokens")
    q = heads_first(b.linear(h, d, d))
    k = heads_first(b.linear(h, d, d))
    v = heads_first(b.linear(h, d, d))
    kt = b.op("Transpose", [k], perm=[0, 1, 3, 2])
    scores = b.op("MatMul", [q, kt])
    if erf_gelu:
        scores = b.op("Div", [scores, b.weight("scale", np.array(np.sqrt(dh), dtype=np.float32))])
        # mask: [B, S] bool, True = keep; masked positions get -10000 as exporters do.
        m = b.op("Unsqueeze", ["mask", b.const_i64([1, 2])])
        neg = b.weight("neg", np.array(-10000.0, dtype=np.float32))
        scores = b.op("Where", [m, scores, neg])
    else:
        scores = b.op("Mul", [scores, b.weight("scale", np.array(1 / np.sqrt(dh), dtype=np.float32))])
    attn = b.op("Softmax", [scores], axis=-1)
    ctx = b.op("MatMul", [attn, v])
    ctx = b.op("Transpose", [ctx], perm=[0, 2, 1, 3])
    ctx = b.op("Reshape", [ctx, b.const_i64([0, -1, d])])
    x = b.op("Add", ["tokens", b.linear(ctx, d, d)])
    h = layer_norm(x)
    h = b.linear(gelu(b.linear(h, d, ff)), ff, d)
    b.op("Add", [x, h])
    b.nodes[-1].output[0] = "encoded"
    inputs = [helper.make_tensor_value_info("tokens", TensorProto.FLOAT, ["batch", "seq", d])]
    feeds = {"tokens": RNG.standard_normal((2, 7, d)).astype(np.float32)}
    if erf_gelu:
        inputs.append(helper.make_tensor_value_info("mask", TensorProto.BOOL, ["batch", "seq"]))
        mask = np.ones((2, 7), dtype=bool)
        mask[1, 5:] = False
        feeds["mask"] = mask
    model = b.model(inputs, [helper.make_tensor_value_info("encoded", TensorProto.FLOAT,
                                                           ["batch", "seq", d])], opset)
    return model, feeds


def ocr_crnn():
    b = Builder("ocr_crnn")
    hidden, classes = 16, 12
    x = b.conv_bn_relu("image", 1, 16, 3)
    x = b.op("MaxPool", [x], kernel_shape=[2, 2], strides=[2, 2])            # 16 x 16 x 32
    x = b.conv_bn_relu(x, 16, 32, 3)
    x = b.op("MaxPool", [x], kernel_shape=[2, 1], strides=[2, 1])            # 32 x 8 x 32
    x = b.conv_bn_relu(x, 32, 32, 3)
    x = b.op("MaxPool", [x], kernel_shape=[8, 1], strides=[8, 1])            # 32 x 1 x 32
    x = b.op("Squeeze", [x, b.const_i64([2])])                                 # N x 32 x W
    x = b.op("Transpose", [x], perm=[2, 0, 1])                                 # W x N x 32
    w = b.weight("lstm_w", (RNG.standard_normal((2, 4 * hidden, 32)) * 0.2).astype(np.float32))
    r = b.weight("lstm_r", (RNG.standard_normal((2, 4 * hidden, hidden)) * 0.2).astype(np.float32))
    bias = b.weight("lstm_b", (RNG.standard_normal((2, 8 * hidden)) * 0.1).astype(np.float32))
    y, _, _ = b.op("LSTM", [x, w, r, bias], n_out=3, direction="bidirectional", hidden_size=hidden)
    y = b.op("Transpose", [y], perm=[0, 2, 1, 3])                              # W x N x 2 x H
    y = b.op("Reshape", [y, b.const_i64([0, 0, 2 * hidden])])                  # W x N x 2H
    y = b.linear(y, 2 * hidden, classes)
    b.op("LogSoftmax", [y], axis=-1)
    b.nodes[-1].output[0] = "log_probs"
    model = b.model([helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 1, 32, 64])],
                    [helper.make_tensor_value_info("log_probs", TensorProto.FLOAT, [32, "N", classes])],
                    14)
    return model, {"image": RNG.standard_normal((2, 1, 32, 64)).astype(np.float32)}


MODELS = {
    "resnet": resnet,
    "mobilenet": mobilenet,
    "squeezenet": squeezenet,
    "transformer": lambda: transformer(erf_gelu=False),
    "transformer_erf": lambda: transformer(erf_gelu=True),
    "ocr_crnn": ocr_crnn,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser.add_argument("--output", "-o", default=os.path.join(root, "target", "onnx-models"))
    parser.add_argument("models", nargs="*", help=f"which models (default: all of {', '.join(MODELS)})")
    args = parser.parse_args()
    try:
        import onnxruntime as ort
    except ImportError as e:
        print(f"gen-models: {e}; install with: pip install onnxruntime", file=sys.stderr)
        return 2

    for name in args.models or MODELS:
        if name not in MODELS:
            print(f"gen-models: unknown model '{name}'", file=sys.stderr)
            return 2
        model, feeds = MODELS[name]()
        opts = ort.SessionOptions()
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
        sess = ort.InferenceSession(model.SerializeToString(), opts, providers=["CPUExecutionProvider"])
        outputs = sess.run(None, feeds)
        out_dir = os.path.join(args.output, name)
        if os.path.exists(out_dir):
            shutil.rmtree(out_dir)
        data_dir = os.path.join(out_dir, "test_data_set_0")
        os.makedirs(data_dir)
        onnx.save(model, os.path.join(out_dir, "model.onnx"))
        for i, info in enumerate(model.graph.input):
            with open(os.path.join(data_dir, f"input_{i}.pb"), "wb") as f:
                f.write(numpy_helper.from_array(feeds[info.name], info.name).SerializeToString())
        for i, (info, value) in enumerate(zip(model.graph.output, outputs)):
            with open(os.path.join(data_dir, f"output_{i}.pb"), "wb") as f:
                f.write(numpy_helper.from_array(value, info.name).SerializeToString())
        shapes = ", ".join(f"{o.name} {list(v.shape)}" for o, v in zip(model.graph.output, outputs))
        print(f"{name}: {len(model.graph.node)} nodes, "
              f"{sum(np.prod(t.dims) for t in model.graph.initializer)} weights -> {shapes}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
