#!/usr/bin/env bash
# Fuzzes the MLIR text parser with cargo-fuzz (libFuzzer). The seed corpus is every lit test.
#
#   tools/fuzz/run.sh [SECONDS]     # default 120
#
# Needs `cargo install cargo-fuzz`. cargo-fuzz passes nightly-only flags to rustc; on the stable
# toolchain RUSTC_BOOTSTRAP=1 allows them. Crashes land in tools/fuzz/artifacts/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
seconds="${1:-120}"
corpus=tools/fuzz/corpus/parse_mlir
mkdir -p "$corpus"
find test -name '*.mlir' -not -path '*/Output/*' -exec cp {} "$corpus/" \;
RUSTC_BOOTSTRAP=1 cargo fuzz run --fuzz-dir tools/fuzz parse_mlir "$corpus" -- \
  -max_total_time="$seconds" -max_len=4096 -timeout=10
