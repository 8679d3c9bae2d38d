#!/usr/bin/env bash
# Compiles every ONNX node case (and the models of target/onnx-models) to a CUDA bundle with
# `flowc compile --target cuda` on a machine without a GPU, for tools/onnx/cuda/run_cases.py to run
# on a GPU machine with the LLVM-free runner (crates/flowc-runtime/examples/run_bundle.rs).
#   tools/onnx/cuda/compile_cases.sh FLOWC CASES_DIR OUT_DIR [JOBS] [GPU_GEMM]
# GPU_GEMM is flowc compile's --gpu-gemm (auto, the default; generated; library).
set -u
flowc=$1 cases=$2 out=$3 jobs=${4:-2} gemm=${5:-auto}
mkdir -p "$out"
compile_one() {
  local flowc=$1 case=$2 out=$3 gemm=$4
  local name; name=$(basename "$case")
  if "$flowc" compile "$case/model.onnx" --target cuda --gpu-gemm "$gemm" -o "$out/$name.flowc" >/dev/null 2>"$out/$name.err"; then
    rm -f "$out/$name.err"
  else
    rm -f "$out/$name.flowc"
  fi
}
export -f compile_one
find "$cases" -mindepth 1 -maxdepth 1 -type d | sort | xargs -P "$jobs" -I{} bash -c 'compile_one "$@"' _ "$flowc" {} "$out" "$gemm"
echo "compiled: $(ls "$out" | grep -c '\.flowc$'), not compiled: $(ls "$out" | grep -c '\.err$')"
