#!/usr/bin/env bash
# The main job, in one command: installs what is missing (tools/setup.sh), builds flowc-opt and
# runs it on a small example module, printing the module after canonicalization and CSE.
#
#   tools/demo.sh                      # flowc-opt test/Examples/example.mlir --canonicalize --cse
#   tools/demo.sh FILE [OPTIONS...]    # any file, any flowc-opt options
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

"$root/tools/setup.sh"
# Built from the repository root so that .cargo/config.toml applies.
(cd "$root" && cargo build -p flowc-opt)

if (($# == 0)); then
  cd "$root"
  set -- test/Examples/example.mlir --canonicalize --cse
fi
echo "+ flowc-opt $*" >&2
exec "$root/target/debug/flowc-opt" "$@"
