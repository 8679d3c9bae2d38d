#!/usr/bin/env bash
# Real-ish networks against onnxruntime: generates the models of tools/onnx/gen-models.py
# (ResNet-, MobileNet-, SqueezeNet-style CNNs, transformer encoder blocks, an OCR CRNN with a
# bidirectional LSTM; random weights) with onnxruntime's outputs into target/onnx-models, runs
# each through `flowc run`, and compares the outputs with onnxruntime's (rtol 1e-4, atol 1e-5).
# Skips with a message and exits 0 when onnxruntime cannot be installed (no network).
#
#   tools/onnx/check-models.sh [--target T] [MODEL...]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

target=()
models=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --target) target=(--target "$2"); shift 2 ;;
        *) models+=("$1"); shift ;;
    esac
done

# Models that `flowc run` refuses for now (an op flowc does not support yet): they must fail
# with an "unsupported" error; once one runs, it must match onnxruntime and leave this list.
expected_unsupported=(
)

cache="${FLOWC_ONNX_MODELS:-target/onnx-models}"
stamp="$cache/.generated"

if ! python3 -c "import onnx, numpy, onnxruntime" 2>/dev/null; then
    echo "check-models: installing onnx==1.23.2, numpy and onnxruntime (pip)" >&2
    if ! python3 -m pip install --quiet onnx==1.23.2 numpy onnxruntime >&2; then
        echo "check-models: SKIPPED: onnxruntime could not be installed (no network?)" >&2
        exit 0
    fi
fi
if [[ ! -f "$stamp" || tools/onnx/gen-models.py -nt "$stamp" ]]; then
    python3 tools/onnx/gen-models.py --output "$cache"
    touch "$stamp"
fi

cargo build -p flowc
flowc=target/debug/flowc

if [[ ${#models[@]} -eq 0 ]]; then
    for dir in "$cache"/*/; do
        [[ -f "$dir/model.onnx" ]] && models+=("$(basename "$dir")")
    done
fi

passed=0
unsupported=0
failed=()
out_root="$(mktemp -d)"
trap 'rm -rf "$out_root"' EXIT
for name in "${models[@]}"; do
    dir="$cache/$name"
    inputs=()
    for f in "$dir"/test_data_set_0/input_*.pb; do inputs+=(--input "$f"); done
    out="$out_root/$name"
    start=$EPOCHREALTIME
    listed=false
    for m in "${expected_unsupported[@]}"; do [[ "$m" == "$name" ]] && listed=true; done
    if ! "$flowc" run "$dir/model.onnx" "${inputs[@]}" --output-dir "$out" "${target[@]}" >"$out_root/$name.log" 2>&1; then
        if $listed && grep -q "unsupported\|not supported" "$out_root/$name.log"; then
            echo "unsupported (expected) $name: $(tail -1 "$out_root/$name.log")"
            unsupported=$((unsupported + 1))
            continue
        fi
        echo "FAIL $name: flowc run failed:" >&2
        sed 's/^/    /' "$out_root/$name.log" >&2
        failed+=("$name")
        continue
    fi
    if $listed; then
        echo "FAIL $name: runs now; remove it from expected_unsupported in $0 (then it must match)" >&2
        failed+=("$name")
        continue
    fi
    secs=$(python3 -c "print($EPOCHREALTIME - $start)")
    if python3 - "$dir/test_data_set_0" "$out" "$name" "$secs" <<'PY'
import glob, os, sys
import numpy as np
import onnx
from onnx import numpy_helper

expected_dir, actual_dir, name, secs = sys.argv[1:]
ok = True
notes = []
for exp_path in sorted(glob.glob(os.path.join(expected_dir, "output_*.pb"))):
    base = os.path.basename(exp_path)
    act_path = os.path.join(actual_dir, base)
    exp = numpy_helper.to_array(onnx.load_tensor(exp_path))
    if not os.path.exists(act_path):
        print(f"FAIL {name}: {base} was not written", file=sys.stderr)
        ok = False
        continue
    act_t = onnx.load_tensor(act_path)
    act = numpy_helper.to_array(act_t)
    exp_name = onnx.load_tensor(exp_path).name
    if act_t.name != exp_name:
        print(f"FAIL {name}: {base} is named '{act_t.name}', expected '{exp_name}'", file=sys.stderr)
        ok = False
    if act.dtype != exp.dtype or act.shape != exp.shape:
        print(f"FAIL {name}: {base} is {act.dtype} {list(act.shape)}, expected {exp.dtype} {list(exp.shape)}",
              file=sys.stderr)
        ok = False
        continue
    err = np.abs(act.astype(np.float64) - exp.astype(np.float64))
    rel = err / np.maximum(np.abs(exp.astype(np.float64)), 1e-30)
    notes.append(f"{base}: max abs error {err.max():.2e}")
    if not np.allclose(act, exp, rtol=1e-4, atol=1e-5):
        bad = ~np.isclose(act, exp, rtol=1e-4, atol=1e-5)
        print(f"FAIL {name}: {base}: {bad.sum()} of {bad.size} elements differ beyond rtol 1e-4 / atol 1e-5; "
              f"max abs error {err.max():.3e}, max rel error {rel.max():.3e}", file=sys.stderr)
        ok = False
if ok:
    print(f"ok   {name} ({float(secs):.2f} s; {'; '.join(notes)})")
sys.exit(0 if ok else 1)
PY
    then
        passed=$((passed + 1))
    else
        failed+=("$name")
    fi
done

echo "check-models: ${passed} of ${#models[@]} models match onnxruntime (${unsupported} expected unsupported)"
if [[ ${#failed[@]} -gt 0 ]]; then
    echo "check-models: mismatched or failed: ${failed[*]}" >&2
    exit 1
fi
