#!/usr/bin/env bash
# Runs every test: installs what is missing (tools/setup.sh), builds the whole workspace (debug,
# all targets), runs the Rust tests, then the lit / FileCheck tests under test/ against the
# freshly built binaries in target/debug, then the ONNX node conformance cases and the real
# models compared with onnxruntime (tools/onnx/), interpreted and compiled to native code.
# Exits non-zero on the first failure.
#
#   tools/test.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

step() { printf '\n==> %s\n' "$*" >&2; }

step "setup (tools/setup.sh)"
tools/setup.sh

step "cargo build --workspace --all-targets"
cargo build --workspace --all-targets

step "cargo test --workspace"
cargo test --workspace

step "lit test/"
# The lit tests use target/debug unless FLOWC_BIN_DIR says otherwise (see lit.cfg).
/usr/lib/llvm-22/bin/lit -sv test/

step "ONNX node conformance (tools/onnx/conformance.sh)"
# Generates the ONNX node test cases once (needs the onnx PyPI package; skips without network)
# and fails if the results differ from tools/onnx/expected-failures.txt.
tools/onnx/conformance.sh

step "real models vs onnxruntime, interpreted (tools/onnx/check-models.sh --target interp)"
tools/onnx/check-models.sh --target interp

step "real models vs onnxruntime, compiled (tools/onnx/check-models.sh --target cpu)"
tools/onnx/check-models.sh --target cpu

step "all tests passed"
