#!/usr/bin/env bash
# The ONNX node conformance run: generates the ONNX backend node test cases into
# target/onnx-node-tests (once; tools/onnx/gen-node-tests.py, from the `onnx` PyPI package),
# builds flowc, and runs every case on both targets:
#
#   flowc test-onnx target/onnx-node-tests --target interp --expected-failures tools/onnx/expected-failures.txt
#   flowc test-onnx target/onnx-node-tests --target cpu --expected-failures tools/onnx/expected-failures-cpu.txt
#
# (the cpu run compiles each case to native code and runs it through the runtime). Each fails
# when a case that is not in its list does not pass, or when a listed case passes, so the pass
# counts can only go up. When `onnx` is missing and cannot be installed (no network),
# the run is skipped with a message and exits 0.
#
#   tools/onnx/conformance.sh [extra flowc test-onnx options, e.g. --filter conv --verbose]
#
# After a change that makes cases pass, refresh the lists with
#   target/debug/flowc test-onnx target/onnx-node-tests --target interp --write-expected-failures tools/onnx/expected-failures.txt
#   target/debug/flowc test-onnx target/onnx-node-tests --target cpu --write-expected-failures tools/onnx/expected-failures-cpu.txt
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

onnx_version=1.23.2
cache="${FLOWC_ONNX_NODE_TESTS:-target/onnx-node-tests}"
stamp="$cache/.generated-by-onnx-$onnx_version"

if [[ ! -f "$stamp" || tools/onnx/gen-node-tests.py -nt "$stamp" ]]; then
    if ! python3 -c "import onnx, numpy; assert onnx.__version__ == '$onnx_version'" 2>/dev/null; then
        echo "conformance: installing onnx==$onnx_version and numpy (pip)" >&2
        if ! python3 -m pip install --quiet "onnx==$onnx_version" numpy >&2; then
            echo "conformance: SKIPPED: onnx==$onnx_version could not be installed (no network?)" >&2
            exit 0
        fi
    fi
    python3 tools/onnx/gen-node-tests.py --output "$cache"
    touch "$stamp"
fi

cargo build -p flowc
target/debug/flowc test-onnx "$cache" --target interp --expected-failures tools/onnx/expected-failures.txt "$@"
target/debug/flowc test-onnx "$cache" --target cpu --expected-failures tools/onnx/expected-failures-cpu.txt "$@"
