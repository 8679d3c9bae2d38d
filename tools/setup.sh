#!/usr/bin/env bash
# Installs what flowc needs from Debian 12 (bookworm) to build and test: LLVM / MLIR / Clang 22 and
# the libraries they link against. Idempotent and quick when everything is present (one `dpkg -s`).
# Run as root (or through sudo) on a fresh machine; `tools/test.sh` and `tools/demo.sh` call it.
#
# No environment variables are needed afterwards: `.cargo/config.toml` points the -sys crates
# (mlir-sys, tblgen, llvm-sys, bindgen's libclang) at /usr/lib/llvm-22, and `lit.cfg` finds
# FileCheck, not and mlir-opt there.
set -euo pipefail

LLVM_PREFIX=/usr/lib/llvm-22

# libpolly-22-dev: `llvm-config --link-static` lists libPolly.a / libPollyISL.a, and melior's
# mlir-sys and tblgen link LLVM / MLIR statically (Debian ships no shared MLIR C API library), so
# without it linking fails with "could not find native static library `Polly`".
# g++: the `cc` crate compiles tblgen's C++ glue with `c++`, and rustc links with `cc`.
PACKAGES=(
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools clang-22 libclang1-22 libpolly-22-dev
  libzstd-dev libz3-dev libxml2-dev python3 g++
)

missing=()
for package in "${PACKAGES[@]}"; do
  # Installed means dpkg's status says "install ok installed" (not merely known or half-removed).
  if [[ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)" != "install ok installed" ]]; then
    missing+=("$package")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo=()
  if [[ "$(id -u)" != 0 ]]; then
    if command -v sudo >/dev/null; then
      sudo=(sudo)
    else
      echo "setup: missing packages (${missing[*]}) and not root; run tools/setup.sh as root" >&2
      exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update
  "${sudo[@]}" apt-get install -y "${PACKAGES[@]}"
fi

# Everything the build and the tests use must now be there.
for tool in llvm-config mlir-opt FileCheck not lit; do
  if [[ ! -x "$LLVM_PREFIX/bin/$tool" ]]; then
    echo "setup: $LLVM_PREFIX/bin/$tool is missing after installing the packages" >&2
    exit 1
  fi
done
if ! compgen -G "$LLVM_PREFIX/lib/libclang*.so*" >/dev/null; then
  echo "setup: libclang is missing from $LLVM_PREFIX/lib (bindgen needs it)" >&2
  exit 1
fi
