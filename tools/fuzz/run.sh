#!/usr/bin/env bash
# Fuzzes with cargo-fuzz (libFuzzer): the MLIR text parser (parse_mlir, seeded with every lit
# test) or the ONNX reader and importer (onnx_reader, seeded with test/onnx/Inputs/*.onnx).
#
#   tools/fuzz/run.sh [SECONDS] [TARGET]     # default 120 parse_mlir
#
# Needs `cargo install cargo-fuzz`. cargo-fuzz passes nightly-only flags to rustc; on the stable
# toolchain RUSTC_BOOTSTRAP=1 allows them. Crashes land in tools/fuzz/artifacts/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
seconds="${1:-120}"
target="${2:-parse_mlir}"
corpus="tools/fuzz/corpus/$target"
mkdir -p "$corpus"
case "$target" in
  parse_mlir) find test -name '*.mlir' -not -path '*/Output/*' -exec cp {} "$corpus/" \; ;;
  onnx_reader) cp test/onnx/Inputs/*.onnx "$corpus/" ;;
esac
RUSTC_BOOTSTRAP=1 cargo fuzz run --fuzz-dir tools/fuzz "$target" "$corpus" -- \
  -max_total_time="$seconds" -max_len=4096 -timeout=10
