#!/usr/bin/env bash
# The main job, in one command: installs what is missing (tools/setup.sh), builds the tools, and
# runs a bundled model end to end:
#   1. flowc-translate --import-onnx: the ONNX model (test/Examples/tiny_cnn.onnx: conv, batchnorm,
#      relu, maxpool, gemm, softmax) imported into the `flow` dialect, printed as MLIR;
#   2. flowc compile: the model compiled to native code for this CPU, bundled with its weights,
#      memory plan and launch plan in target/demo/tiny_cnn.flowc;
#   3. flowc run: the bundle run by the runtime on the bundled input, its output written to
#      target/demo/output_0.pb and printed; then the same model on the reference interpreter,
#      whose values must agree;
#   4. flowc-opt --canonicalize --cse on test/Examples/example.mlir (builtin / func / arith).
#
#   tools/demo.sh                      # all of the above
#   tools/demo.sh FILE [OPTIONS...]    # flowc-opt on any file, with any options
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

tools/setup.sh
cargo build -p flowc-opt -p flowc-translate -p flowc

bin=target/debug
if (($# > 0)); then
  echo "+ flowc-opt $*" >&2
  exec "$bin/flowc-opt" "$@"
fi

model=test/Examples/tiny_cnn.onnx
input=test/Examples/tiny_cnn_input.npy
echo "+ flowc-translate --import-onnx $model" >&2
"$bin/flowc-translate" --import-onnx "$model" | sed -e '/^{-#/,$d'
mkdir -p target/demo
echo "+ flowc compile $model -o target/demo/tiny_cnn.flowc" >&2
"$bin/flowc" compile "$model" -o target/demo/tiny_cnn.flowc
echo "+ flowc run target/demo/tiny_cnn.flowc --input $input --output-dir target/demo --print-values 10" >&2
"$bin/flowc" run target/demo/tiny_cnn.flowc --input "$input" --output-dir target/demo --print-values 10
echo "+ flowc run $model --target interp --input $input --output-dir target/demo/interp --print-values 10" >&2
"$bin/flowc" run "$model" --target interp --input "$input" --output-dir target/demo/interp --print-values 10
echo "+ flowc-opt test/Examples/example.mlir --canonicalize --cse" >&2
"$bin/flowc-opt" test/Examples/example.mlir --canonicalize --cse
