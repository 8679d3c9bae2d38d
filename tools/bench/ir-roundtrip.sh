#!/usr/bin/env bash
# Benchmark (not a test): textual IR round trip, flowc-opt against upstream mlir-opt, side by side.
#
# Generates one func.func with a chain of arith.constant / arith.addi / arith.muli ops (valid MLIR,
# custom syntax), then times, on the same file in the same run, best of N runs each:
#   flowc-opt FILE -o /dev/null                          (release build: parse + verify + print)
#   /usr/lib/llvm-22/bin/mlir-opt FILE -o /dev/null      (the same work in upstream MLIR)
# and prints both times and the ratio flowc-opt / mlir-opt (below 1 means flowc is faster).
#
#   tools/bench/ir-roundtrip.sh                 # one million ops
#   tools/bench/ir-roundtrip.sh --ops 1000      # a tiny file (quick check of the script)
#   tools/bench/ir-roundtrip.sh --runs 5 --no-build
#
# The generated file is kept in target/bench/ and reused. Quote results as the ratio, with the
# machine named (see DESIGN.md, "How speed is known").
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

ops=1000000
runs=3
build=1
while (($#)); do
  case "$1" in
    --ops) ops="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    -h | --help) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "ir-roundtrip: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done

mlir_opt=/usr/lib/llvm-22/bin/mlir-opt
flowc_opt="${FLOWC_BIN_DIR:-$root/target/release}/flowc-opt"

if ((build)); then
  if cargo pkgid -q flowc-opt >/dev/null 2>&1; then
    echo "ir-roundtrip: cargo build --release -p flowc-opt" >&2
    cargo build --release -p flowc-opt
  else
    echo "ir-roundtrip: no flowc-opt package in the workspace yet; not building it" >&2
  fi
fi

mkdir -p target/bench
file="target/bench/ir-roundtrip-$ops.mlir"
if [[ ! -s "$file" ]]; then
  echo "ir-roundtrip: generating $file ($ops ops)" >&2
  python3 - "$ops" "$file.tmp" <<'PY'
import sys

# One func.func: every group is `constant, addi, muli, addi` and feeds the next group, so the
# chain is one long def-use path with a constant pool sprinkled in. All ops count toward `ops`
# (including func.func and its return).
ops, path = int(sys.argv[1]), sys.argv[2]
body = max(ops - 2, 1)  # minus func.func and func.return
with open(path, "w") as out:
    w = out.write
    w("func.func @chain(%a: i64, %b: i64) -> i64 {\n")
    prev = "%a"
    for i in range(body):
        kind = i % 4
        if kind == 0:
            w(f"  %c{i} = arith.constant {i % 1000 + 1} : i64\n")
            last_const = f"%c{i}"
        elif kind == 1:
            w(f"  %v{i} = arith.addi {prev}, {last_const} : i64\n")
            prev = f"%v{i}"
        elif kind == 2:
            w(f"  %v{i} = arith.muli {prev}, %b : i64\n")
            prev = f"%v{i}"
        else:
            w(f"  %v{i} = arith.addi {prev}, %a : i64\n")
            prev = f"%v{i}"
    w(f"  return {prev} : i64\n}}\n")
PY
  mv "$file.tmp" "$file"
fi
echo "ir-roundtrip: $file: $(wc -l <"$file") lines, $(du -h "$file" | cut -f1)" >&2

tools=("mlir-opt=$mlir_opt")
if [[ -x "$flowc_opt" ]]; then
  tools=("flowc-opt=$flowc_opt" "${tools[@]}")
else
  echo "ir-roundtrip: $flowc_opt does not exist (build it with 'cargo build --release -p flowc-opt');" \
    "timing mlir-opt only" >&2
fi

python3 - "$file" "$runs" "${tools[@]}" <<'PY'
import os, platform, subprocess, sys, time

path, runs, tools = sys.argv[1], int(sys.argv[2]), [t.split("=", 1) for t in sys.argv[3:]]

def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown cpu"

print(f"machine: {cpu_name()}, {os.cpu_count()} cpus; file: {path}; best of {runs}")
best = {}
for name, exe in tools:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run([exe, path, "-o", "/dev/null"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            print(f"{name}: failed with exit code {done.returncode}:\n{done.stderr[-2000:]}",
                  file=sys.stderr)
            sys.exit(1)
        times.append(elapsed)
    best[name] = min(times)
    print(f"{name:>10}: {best[name]:8.3f} s   (runs: {', '.join(f'{t:.3f}' for t in times)})")
if "flowc-opt" in best and "mlir-opt" in best:
    print(f"     ratio: {best['flowc-opt'] / best['mlir-opt']:.2f}x   (flowc-opt / mlir-opt; < 1 is faster)")
PY
