#!/usr/bin/env python3
"""Builds benchmark-size models with random weights (fixed seed) and their onnxruntime outputs.

Needs onnx, numpy and onnxruntime; this script installs nothing itself:

    pip install onnx==1.23.2 numpy onnxruntime
    tools/bench/gen-bench-models.py [--output target/bench-models] [--force] [MODEL...]

The models are full-size networks built with onnx.helper in the shapes that exporters (PyTorch's
torch.onnx.export of torchvision / Hugging Face models, opset 17) produce, batch 1, static
shapes, weights from a fixed seed (per model, so a model is the same whichever others are built):

    resnet18       torchvision ResNet-18, 224x224: Conv + BatchNormalization + Relu (BN not folded
                   into the convs), basic residual blocks with Add, strided 1x1 projection
                   shortcuts, MaxPool, GlobalAveragePool, Flatten, Gemm to 1000 classes
    resnet50       torchvision ResNet-50 (v1.5, stride on the 3x3 conv), bottleneck blocks
    mobilenet_v2   torchvision MobileNetV2, 224x224: inverted residuals, depthwise 3x3 convs
                   (group = channels), Clip(0, 6) as ReLU6, 1x1 projections, GlobalAveragePool,
                   Flatten, Gemm
    squeezenet1_1  torchvision SqueezeNet 1.1, 224x224: fire modules (squeeze 1x1, expand 1x1 +
                   3x3, Concat), MaxPool with ceil_mode, final 1x1 conv + Relu, GlobalAveragePool
    bert_small     a BERT-style encoder: 4 post-LN layers, hidden 256, 4 heads, FFN 1024, seq 128;
                   LayerNormalization, MatMul + Add linears, Reshape / Transpose heads, Div-scaled
                   scores, Softmax, Erf-GELU as PyTorch exports it; input: the embeddings
                   [1, 128, 256] (float)
    matmul_1024    one MatMul of two 1024x1024 f32 inputs (2 GFLOP)

Each model is written as

    <output>/<name>/model.onnx
    <output>/<name>/test_data_set_0/input_<i>.pb   (TensorProto named after the graph input)
    <output>/<name>/test_data_set_0/output_<i>.pb  (TensorProto, onnxruntime's outputs with graph
                                                    optimizations off)
    <output>/<name>/.stamp                         (hash of the generator scripts)

With --batch N (N > 1) the models take N inputs at once (input and Reshape shapes scaled) and
land in <output>/<name>_b<N>/; their weights are those of batch 1 (the seed is the model's name),
only the inputs differ.

A model is rebuilt only when its stamp does not match this script and tools/onnx/gen-models.py
(whose Builder and layer helpers it imports), or with --force.
tools/bench/cpu-vs-ort.py runs this script itself before timing.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import os
import shutil
import sys
import zlib

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GEN_MODELS = os.path.join(ROOT, "tools", "onnx", "gen-models.py")
SEED = 20251125
OPSET = 17
# Inputs per run (--batch); the weights do not depend on it.
BATCH = 1


def _load_gen_models():
    """tools/onnx/gen-models.py as a module (its name has a dash, so no plain import)."""
    sys.dont_write_bytecode = True
    spec = importlib.util.spec_from_file_location("flowc_gen_models", GEN_MODELS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gm = _load_gen_models()
onnx, helper, numpy_helper, TensorProto = gm.onnx, gm.helper, gm.numpy_helper, gm.TensorProto


def rng() -> np.random.Generator:
    """The generator the gen-models helpers draw weights from (they read the module global)."""
    return gm.RNG


def seed_for(name: str) -> None:
    gm.RNG = np.random.default_rng([SEED, zlib.crc32(name.encode())])


def bn_small(b, x: str, c: int) -> str:
    """BatchNormalization closing a residual branch, with a small scale (0.1..0.3) so the
    activations stay O(1) through 8..16 residual blocks with random weights (trained nets have
    small scales there too). Otherwise the same as gm.Builder.bn."""
    scale = b.weight("bn_scale", rng().uniform(0.1, 0.3, c).astype(np.float32))
    shift = b.weight("bn_bias", (rng().standard_normal(c) * 0.1).astype(np.float32))
    mean = b.weight("bn_mean", (rng().standard_normal(c) * 0.1).astype(np.float32))
    var = b.weight("bn_var", rng().uniform(0.5, 1.5, c).astype(np.float32))
    return b.op("BatchNormalization", [x, scale, shift, mean, var], epsilon=1e-5)


def image_input():
    return helper.make_tensor_value_info("input", TensorProto.FLOAT, [BATCH, 3, 224, 224])


def image_feeds():
    return {"input": rng().standard_normal((BATCH, 3, 224, 224)).astype(np.float32)}


def classifier_head(b, x: str, channels: int, classes: int = 1000) -> str:
    """GlobalAveragePool, Flatten, Gemm: torchvision's avgpool + flatten + fc as exported."""
    x = b.op("GlobalAveragePool", [x])
    x = b.op("Flatten", [x], axis=1)
    x = b.gemm(x, channels, classes)
    b.nodes[-1].output[0] = "output"
    return x


def finish_cnn(b, classes: int = 1000):
    model = b.model([image_input()],
                    [helper.make_tensor_value_info("output", TensorProto.FLOAT, [BATCH, classes])], OPSET)
    return model, image_feeds()


def resnet(name: str, bottleneck: bool, layers: list[int]):
    b = gm.Builder(name)
    x = b.conv_bn_relu("input", 3, 64, 7, stride=2)
    x = b.op("MaxPool", [x], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    expansion = 4 if bottleneck else 1

    def shortcut(x, cin, cout, stride):
        if stride == 1 and cin == cout:
            return x
        return b.bn(b.conv(x, cin, cout, 1, stride, pad=0), cout)

    def basic(x, cin, width, stride):
        y = b.conv_bn_relu(x, cin, width, 3, stride)
        y = bn_small(b, b.conv(y, width, width, 3), width)
        return b.op("Relu", [b.op("Add", [y, shortcut(x, cin, width, stride)])])

    def bottle(x, cin, width, stride):
        cout = width * expansion
        y = b.conv_bn_relu(x, cin, width, 1)
        y = b.conv_bn_relu(y, width, width, 3, stride)
        y = bn_small(b, b.conv(y, width, cout, 1, pad=0), cout)
        return b.op("Relu", [b.op("Add", [y, shortcut(x, cin, cout, stride)])])

    block = bottle if bottleneck else basic
    cin = 64
    for stage, (width, blocks) in enumerate(zip([64, 128, 256, 512], layers)):
        for i in range(blocks):
            stride = 2 if stage > 0 and i == 0 else 1
            x = block(x, cin, width, stride)
            cin = width * expansion
    classifier_head(b, x, cin)
    return finish_cnn(b)


def mobilenet_v2():
    b = gm.Builder("mobilenet_v2")
    x = b.conv_bn_relu("input", 3, 32, 3, stride=2, relu6=True)

    def inverted_residual(x, cin, cout, stride, expand):
        hidden = cin * expand
        y = x
        if expand != 1:
            y = b.conv_bn_relu(y, cin, hidden, 1, relu6=True)
        y = b.conv_bn_relu(y, hidden, hidden, 3, stride, group=hidden, relu6=True)
        if stride == 1 and cin == cout:
            return b.op("Add", [x, bn_small(b, b.conv(y, hidden, cout, 1, pad=0), cout)])
        return b.bn(b.conv(y, hidden, cout, 1, pad=0), cout)

    cin = 32
    # torchvision's inverted_residual_setting: expansion t, channels c, repeats n, stride s.
    for t, c, n, s in [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2),
                       (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]:
        for i in range(n):
            x = inverted_residual(x, cin, c, s if i == 0 else 1, t)
            cin = c
    x = b.conv_bn_relu(x, 320, 1280, 1, relu6=True)
    classifier_head(b, x, 1280)  # the classifier's Dropout is gone in an eval-mode export
    return finish_cnn(b)


def squeezenet1_1():
    b = gm.Builder("squeezenet1_1")
    x = b.op("Relu", [b.conv("input", 3, 64, 3, stride=2, pad=0, bias=True)])

    def maxpool(x):
        return b.op("MaxPool", [x], kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1)

    def fire(x, cin, squeeze, e1, e3):
        s = b.op("Relu", [b.conv(x, cin, squeeze, 1, pad=0, bias=True)])
        y1 = b.op("Relu", [b.conv(s, squeeze, e1, 1, pad=0, bias=True)])
        y3 = b.op("Relu", [b.conv(s, squeeze, e3, 3, pad=1, bias=True)])
        return b.op("Concat", [y1, y3], axis=1)

    x = maxpool(x)
    x = fire(x, 64, 16, 64, 64)
    x = fire(x, 128, 16, 64, 64)
    x = maxpool(x)
    x = fire(x, 128, 32, 128, 128)
    x = fire(x, 256, 32, 128, 128)
    x = maxpool(x)
    x = fire(x, 256, 48, 192, 192)
    x = fire(x, 384, 48, 192, 192)
    x = fire(x, 384, 64, 256, 256)
    x = fire(x, 512, 64, 256, 256)
    # classifier: Dropout (gone in eval), final conv, Relu, AdaptiveAvgPool2d(1), flatten
    x = b.op("Relu", [b.conv(x, 512, 1000, 1, pad=0, bias=True)])
    x = b.op("GlobalAveragePool", [x])
    b.op("Flatten", [x], axis=1)
    b.nodes[-1].output[0] = "output"
    return finish_cnn(b)


def bert_small(layers: int = 4, d: int = 256, heads: int = 4, ff: int = 1024, seq: int = 128):
    dh = d // heads
    b = gm.Builder("bert_small")

    def layer_norm(x):
        g = b.weight("ln_g", rng().uniform(0.8, 1.2, d).astype(np.float32))
        beta = b.weight("ln_b", (rng().standard_normal(d) * 0.1).astype(np.float32))
        return b.op("LayerNormalization", [x, g, beta], axis=-1, epsilon=1e-12)

    def split_heads(x, perm):  # [1, S, D] -> [1, H, S, Dh] (perm 0213) or [1, H, Dh, S] (0231)
        x = b.op("Reshape", [x, b.const_i64([BATCH, seq, heads, dh])])
        return b.op("Transpose", [x], perm=perm)

    def erf_gelu(x):  # x * 0.5 * (1 + erf(x / sqrt(2))), in PyTorch's export order
        sqrt2 = b.weight("sqrt2", np.array(1.4142135381698608, dtype=np.float32))
        one = b.weight("one", np.array(1.0, dtype=np.float32))
        half = b.weight("half", np.array(0.5, dtype=np.float32))
        e = b.op("Erf", [b.op("Div", [x, sqrt2])])
        return b.op("Mul", [b.op("Mul", [x, b.op("Add", [e, one])]), half])

    x = "hidden_states"
    for _ in range(layers):
        q = split_heads(b.linear(x, d, d), [0, 2, 1, 3])
        k = split_heads(b.linear(x, d, d), [0, 2, 3, 1])
        v = split_heads(b.linear(x, d, d), [0, 2, 1, 3])
        scores = b.op("Div", [b.op("MatMul", [q, k]),
                              b.weight("scale", np.array(np.sqrt(dh), dtype=np.float32))])
        probs = b.op("Softmax", [scores], axis=-1)
        ctx = b.op("Transpose", [b.op("MatMul", [probs, v])], perm=[0, 2, 1, 3])
        ctx = b.op("Reshape", [ctx, b.const_i64([BATCH, seq, d])])
        x = layer_norm(b.op("Add", [b.linear(ctx, d, d), x]))
        h = b.linear(erf_gelu(b.linear(x, d, ff)), ff, d)
        x = layer_norm(b.op("Add", [h, x]))
    b.nodes[-1].output[0] = "last_hidden_state"
    shape = [BATCH, seq, d]
    model = b.model([helper.make_tensor_value_info("hidden_states", TensorProto.FLOAT, shape)],
                    [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, shape)], OPSET)
    return model, {"hidden_states": rng().standard_normal(shape).astype(np.float32)}


def matmul_1024(n: int = 1024):
    b = gm.Builder("matmul_1024")
    b.op("MatMul", ["a", "b"])
    b.nodes[-1].output[0] = "c"
    info = [helper.make_tensor_value_info(name, TensorProto.FLOAT, [n, n]) for name in ("a", "b")]
    model = b.model(info, [helper.make_tensor_value_info("c", TensorProto.FLOAT, [n, n])], OPSET)
    feeds = {name: rng().standard_normal((n, n)).astype(np.float32) for name in ("a", "b")}
    return model, feeds


MODELS = {
    "resnet18": lambda: resnet("resnet18", bottleneck=False, layers=[2, 2, 2, 2]),
    "resnet50": lambda: resnet("resnet50", bottleneck=True, layers=[3, 4, 6, 3]),
    "mobilenet_v2": mobilenet_v2,
    "squeezenet1_1": squeezenet1_1,
    "bert_small": bert_small,
    "matmul_1024": matmul_1024,
}


def generator_hash() -> str:
    h = hashlib.sha256()
    for path in (os.path.abspath(__file__), GEN_MODELS):
        with open(path, "rb") as f:
            h.update(f.read())
    return h.hexdigest()


def is_current(out_dir: str, stamp: str) -> bool:
    try:
        with open(os.path.join(out_dir, ".stamp")) as f:
            return f.read().strip() == stamp and os.path.exists(os.path.join(out_dir, "model.onnx"))
    except OSError:
        return False


def write_model(name: str, out_dir: str, stamp: str, ort) -> None:
    seed_for(name)  # the base name: the same weights at every batch size
    model, feeds = MODELS[name]()
    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    sess = ort.InferenceSession(model.SerializeToString(), opts, providers=["CPUExecutionProvider"])
    outputs = sess.run(None, feeds)
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
    with open(os.path.join(out_dir, ".stamp"), "w") as f:
        f.write(stamp + "\n")
    weights = sum(int(np.prod(t.dims)) for t in model.graph.initializer)
    shapes = ", ".join(f"{o.name} {list(v.shape)} max|x| {np.abs(v).max():.3g}"
                       for o, v in zip(model.graph.output, outputs))
    print(f"gen-bench-models: {name}: {len(model.graph.node)} nodes, {weights / 1e6:.2f}M weights -> {shapes}")


def generate(models: list[str], output: str, force: bool = False) -> int:
    """Builds the models whose stamp is stale; returns 0, or 2 on an unknown name."""
    unknown = [m for m in models if m not in MODELS]
    if unknown:
        print(f"gen-bench-models: unknown model(s) {', '.join(unknown)} (known: {', '.join(MODELS)})",
              file=sys.stderr)
        return 2
    stamp = generator_hash()
    suffix = f"_b{BATCH}" if BATCH > 1 else ""
    stale = [m for m in models if force or not is_current(os.path.join(output, m + suffix), stamp)]
    if not stale:
        return 0
    import onnxruntime as ort
    for name in stale:
        write_model(name, os.path.join(output, name + suffix), stamp, ort)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", "-o", default=os.path.join(ROOT, "target", "bench-models"))
    parser.add_argument("--force", action="store_true", help="rebuild even when the stamp matches")
    parser.add_argument("--batch", type=int, default=1,
                        help="inputs per run; N > 1 writes <name>_b<N> (matmul_1024 has no batch)")
    parser.add_argument("models", nargs="*", help=f"which models (default: all of {', '.join(MODELS)})")
    args = parser.parse_args()
    try:
        import onnxruntime  # noqa: F401
    except ImportError as e:
        print(f"gen-bench-models: {e}; install with: pip install onnxruntime", file=sys.stderr)
        return 2
    global BATCH
    BATCH = args.batch
    if BATCH < 1:
        print("gen-bench-models: --batch must be at least 1", file=sys.stderr)
        return 2
    models = args.models or [m for m in MODELS if BATCH == 1 or m != "matmul_1024"]
    return generate(models, args.output, args.force)


if __name__ == "__main__":
    sys.exit(main())
