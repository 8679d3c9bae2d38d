#!/usr/bin/env bash
# Prepares the device check of the GPU GEMM / conv kernels (passes/flowc-flow-to-loop/src/
# gpu_gemm.rs, gpu_conv.rs): compiles, on this machine (no GPU needed), the bundles that
# tools/onnx/cuda/run_cases.py and gemm_bench.py run on the GPU machine.
#   tools/onnx/cuda/gemm_check.sh FLOWC OUT_DIR [JOBS]
# OUT_DIR (e.g. .cudabundles/gemm, carried to the device) gets:
#   cases/node/<case>/test_data_set_0   the data of the node cases whose name has matmul, gemm,
#                                       conv or fused, or whose graph (functions included) has a
#                                       MatMul, Gemm, Conv or ConvTranspose node
#   node-gen/, node-auto/               their bundles, --gpu-gemm generated (every product on
#                                       flowc's kernels) and the default (cuBLAS from 2^27 flops)
#   cases/models/<model>/..., models-gen/, models-auto/   target/onnx-models likewise
#   bench/                              gen_gemm_bench.py's one-op models, <name>.gen.flowc and
#                                       <name>.auto.flowc
# On the device (RUNNER = run_bundle, e.g. .cudabundles/bin/run_bundle):
#   for v in gen auto; do
#     python3 tools/onnx/cuda/run_cases.py RUNNER OUT_DIR/cases/node OUT_DIR/node-$v /tmp/wn-$v --ptxas
#     python3 tools/onnx/cuda/run_cases.py RUNNER OUT_DIR/cases/models OUT_DIR/models-$v /tmp/wm-$v --bench 20
#   done
#   python3 tools/onnx/cuda/gemm_bench.py RUNNER OUT_DIR/bench /tmp/wb --runs 50
set -eu
flowc=$1 out=$2 jobs=${3:-2}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
nodes=$root/target/onnx-node-tests models=$root/target/onnx-models
mkdir -p "$out/cases/node" "$out/cases/models" "$out/bench"

# The selected node cases.
python3 - "$nodes" > "$out/node-cases.txt" <<'PY'
import os, re, sys
import onnx
ops = {"MatMul", "Gemm", "Conv", "ConvTranspose"}
for name in sorted(os.listdir(sys.argv[1])):
    path = os.path.join(sys.argv[1], name, "model.onnx")
    if not os.path.exists(path):
        continue
    m = onnx.load(path, load_external_data=False)
    kinds = {n.op_type for n in m.graph.node} | {n.op_type for f in m.functions for n in f.node}
    if re.search("matmul|gemm|conv|fused", name, re.I) or kinds & ops:
        print(name)
PY
for v in gen auto; do mkdir -p "$out/node-$v" "$out/models-$v"; done
compile_case() {  # FLOWC MODEL_DIR NAME OUT_DIR SHAPES...
  local flowc=$1 dir=$2 name=$3 out=$4; shift 4
  for v in gen auto; do
    local mode=auto; [ $v = gen ] && mode=generated
    if "$flowc" compile "$dir/model.onnx" --target cuda --gpu-gemm $mode "$@" \
        -o "$out-$v/$name.flowc" >/dev/null 2>"$out-$v/$name.err"; then
      rm -f "$out-$v/$name.err"
    else
      rm -f "$out-$v/$name.flowc"
    fi
  done
}
export -f compile_case
while read -r c; do
  mkdir -p "$out/cases/node/$c" && cp -r "$nodes/$c/test_data_set_0" "$out/cases/node/$c/"
  echo "$c"
done < "$out/node-cases.txt" |
  xargs -P "$jobs" -I{} bash -c 'compile_case "$@"' _ "$flowc" "$nodes/{}" {} "$out/node"
echo "node cases: $(wc -l < "$out/node-cases.txt") selected;" \
  "gen: $(ls "$out/node-gen" | grep -c '\.flowc$') compiled," \
  "auto: $(ls "$out/node-auto" | grep -c '\.flowc$') compiled"

# The models, at the shapes of their test data.
shapes() {
  python3 - "$1" <<'PY'
import glob, sys
import onnx
d = sys.argv[1]
m = onnx.load(d + "/model.onnx", load_external_data=False)
inits = {i.name for i in m.graph.initializer}
names = [i.name for i in m.graph.input if i.name not in inits]
for i, f in enumerate(sorted(glob.glob(d + "/test_data_set_0/input_*.pb"),
                             key=lambda p: int(p.rsplit("_", 1)[1][:-3]))):
    t = onnx.TensorProto()
    t.ParseFromString(open(f, "rb").read())
    print("--input-shape %s=%s" % (t.name or names[i], "x".join(map(str, t.dims))))
PY
}
for d in "$models"/*/; do
  n=$(basename "$d")
  mkdir -p "$out/cases/models/$n" && cp -r "$d/test_data_set_0" "$out/cases/models/$n/"
  # shellcheck disable=SC2046
  compile_case "$flowc" "$d" "$n" "$out/models" $(shapes "$d")
done
echo "models: gen: $(ls "$out/models-gen" | grep -c '\.flowc$') compiled," \
  "auto: $(ls "$out/models-auto" | grep -c '\.flowc$') compiled"

# The micro benchmark's shapes.
python3 "$here/gen_gemm_bench.py" "$out/bench"
for d in "$out/bench"/*/; do
  n=$(basename "$d")
  "$flowc" compile "$d/model.onnx" --target cuda --gpu-gemm generated -o "$out/bench/$n.gen.flowc" >/dev/null
  "$flowc" compile "$d/model.onnx" --target cuda -o "$out/bench/$n.auto.flowc" >/dev/null
done
echo "bench: $(ls "$out/bench" | grep -c '\.flowc$') bundles; $(du -sh "$out" | cut -f1) in $out"
