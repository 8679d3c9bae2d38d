#!/usr/bin/env python3
"""Writes the demo's bundled model and input (tools/demo.sh runs them through `flowc run`):

    test/Examples/tiny_cnn.onnx        conv -> batchnorm -> relu -> maxpool -> flatten -> gemm -> softmax
    test/Examples/tiny_cnn_input.npy   one 1x3x16x16 image

Weights and input are seeded random numbers, so the files are reproducible:

    pip install onnx==1.23.2 numpy && python3 test/Examples/gen_example_model.py
"""

import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(7)


def const(name, shape, scale=0.2):
    return numpy_helper.from_array((rng.standard_normal(shape) * scale).astype(np.float32), name)


inits = [
    const("conv_w", (8, 3, 3, 3)),
    const("conv_b", (8,)),
    numpy_helper.from_array(rng.uniform(0.5, 1.5, 8).astype(np.float32), "bn_scale"),
    const("bn_bias", (8,)),
    const("bn_mean", (8,)),
    numpy_helper.from_array(rng.uniform(0.5, 1.5, 8).astype(np.float32), "bn_var"),
    const("fc_w", (10, 8 * 8 * 8), 0.05),
    const("fc_b", (10,)),
]
nodes = [
    helper.make_node("Conv", ["image", "conv_w", "conv_b"], ["conv"], name="conv1", pads=[1, 1, 1, 1]),
    helper.make_node("BatchNormalization", ["conv", "bn_scale", "bn_bias", "bn_mean", "bn_var"], ["bn"], name="bn1"),
    helper.make_node("Relu", ["bn"], ["relu"], name="relu1"),
    helper.make_node("MaxPool", ["relu"], ["pool"], name="pool1", kernel_shape=[2, 2], strides=[2, 2]),
    helper.make_node("Flatten", ["pool"], ["flat"], name="flatten"),
    helper.make_node("Gemm", ["flat", "fc_w", "fc_b"], ["logits"], name="fc", transB=1),
    helper.make_node("Softmax", ["logits"], ["probabilities"], name="softmax", axis=1),
]
graph = helper.make_graph(
    nodes,
    "tiny_cnn",
    [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, 16, 16])],
    [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [1, 10])],
    inits,
)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="flowc-example")
onnx.checker.check_model(model)
onnx.save(model, os.path.join(here, "tiny_cnn.onnx"))
np.save(os.path.join(here, "tiny_cnn_input.npy"), rng.standard_normal((1, 3, 16, 16)).astype(np.float32))
print("wrote tiny_cnn.onnx and tiny_cnn_input.npy")
