#!/usr/bin/env python3
"""Benchmark (not a test): flowc's CPU code against onnxruntime, same models, same inputs, one run.

    tools/bench/cpu-vs-ort.py                          # all models, 1 and 2 threads, 20 runs
    tools/bench/cpu-vs-ort.py --models resnet18,matmul_1024 --runs 50 --json results.json
    tools/bench/cpu-vs-ort.py --check                  # also compare flowc's outputs with onnxruntime's
    tools/bench/cpu-vs-ort.py --ort-only               # onnxruntime and numpy only (no flowc)

Models come from tools/bench/gen-bench-models.py (run here first; it rebuilds only what changed)
in target/bench-models. For each model and each thread count T (default 1 and 2):

  onnxruntime  CPUExecutionProvider, graph optimizations on (ORT_ENABLE_ALL),
               intra_op_num_threads = T, inter_op_num_threads = 1, sequential execution;
               --warmup runs, then --runs timed runs of session.run (wall clock)
  flowc        `flowc bench MODEL --input input_0.pb ... --runs N --threads T --json`, which prints
               one JSON object with median_ms, min_ms, mean_ms, runs, compile_ms

and prints a table: model, threads, ort median ms, flowc median ms, ratio flowc/ort (below 1 means
flowc is faster), flowc compile ms; then the geometric mean of the ratios over the CNNs
(resnet18, resnet50, mobilenet_v2, squeezenet1_1) and over all models, per thread count.

It also measures this machine's f32 matmul peak with numpy (1024^3 matmul, best of several, in a
subprocess with the BLAS limited to T threads) and reports flowc's matmul_1024 in GFLOP/s and as a
percentage of that peak.

A flowc failure (missing binary, error, timeout, unparsable output) goes into its table row and
the script carries on; the exit status is then 1. --check runs `flowc run` on each model and
compares its outputs with onnxruntime's reference outputs (rtol 1e-4, atol 1e-4).
"""

from __future__ import annotations

import argparse
import datetime
import glob
import importlib.util
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CNNS = ["resnet18", "resnet50", "mobilenet_v2", "squeezenet1_1"]
MATMUL_FLOP = 2 * 1024 ** 3
RTOL = ATOL = 1e-4


def load_generator():
    sys.dont_write_bytecode = True
    spec = importlib.util.spec_from_file_location(
        "flowc_gen_bench_models", os.path.join(ROOT, "tools", "bench", "gen-bench-models.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def stats(times_ms: list[float]) -> dict:
    return {"median_ms": statistics.median(times_ms), "min_ms": min(times_ms),
            "mean_ms": statistics.fmean(times_ms), "runs": len(times_ms)}


def geomean(values: list[float]) -> float | None:
    return math.exp(statistics.fmean(math.log(v) for v in values)) if values else None


def case_inputs(model_dir: str) -> list[str]:
    files = glob.glob(os.path.join(model_dir, "test_data_set_0", "input_*.pb"))
    return sorted(files, key=lambda p: int(os.path.basename(p)[len("input_"):-len(".pb")]))


def case_outputs(model_dir: str) -> list[str]:
    files = glob.glob(os.path.join(model_dir, "test_data_set_0", "output_*.pb"))
    return sorted(files, key=lambda p: int(os.path.basename(p)[len("output_"):-len(".pb")]))


# --- onnxruntime -------------------------------------------------------------------------------

def time_ort(ort, onnx_mod, numpy_helper, model_dir: str, threads: int, warmup: int, runs: int) -> dict:
    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    start = time.perf_counter()
    sess = ort.InferenceSession(os.path.join(model_dir, "model.onnx"), opts,
                                providers=["CPUExecutionProvider"])
    init_ms = (time.perf_counter() - start) * 1e3
    feeds = {}
    for path, info in zip(case_inputs(model_dir), sess.get_inputs()):
        tensor = onnx_mod.load_tensor(path)
        feeds[tensor.name or info.name] = numpy_helper.to_array(tensor)
    for _ in range(warmup):
        sess.run(None, feeds)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        sess.run(None, feeds)
        times.append((time.perf_counter() - t0) * 1e3)
    return {**stats(times), "init_ms": init_ms}


# --- flowc -------------------------------------------------------------------------------------

def flowc_problem(flowc: str) -> str | None:
    """Why flowc cannot run at all, or None."""
    if not os.path.exists(flowc):
        return (f"flowc not found at {flowc}; build it with `cargo build --release -p flowc` "
                f"or pass --flowc PATH (or --ort-only)")
    if not os.access(flowc, os.X_OK):
        return f"{flowc} is not executable"
    return None


def last_line(text: str, limit: int = 160) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    line = lines[-1] if lines else "(no output)"
    return line if len(line) <= limit else line[:limit - 3] + "..."


def parse_json_object(stdout: str) -> dict:
    """The JSON object flowc printed: the whole stdout, or else its last line that parses."""
    try:
        value = json.loads(stdout)
        if isinstance(value, dict):
            return value
    except ValueError:
        pass
    for line in reversed(stdout.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                value = json.loads(line)
                if isinstance(value, dict):
                    return value
            except ValueError:
                continue
    raise ValueError("no JSON object in flowc's output")


def run_flowc_bench(flowc: str, model_dir: str, threads: int, runs: int, timeout: float) -> dict:
    cmd = [flowc, "bench", os.path.join(model_dir, "model.onnx")]
    for path in case_inputs(model_dir):
        cmd += ["--input", path]
    cmd += ["--runs", str(runs), "--threads", str(threads), "--json"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s", "command": cmd}
    except OSError as e:
        return {"error": f"could not start flowc: {e}", "command": cmd}
    if proc.returncode != 0:
        return {"error": f"exit {proc.returncode}: {last_line(proc.stderr or proc.stdout)}",
                "stderr": proc.stderr[-4000:], "command": cmd}
    try:
        result = parse_json_object(proc.stdout)
    except ValueError as e:
        return {"error": f"{e}: {last_line(proc.stdout)}", "command": cmd}
    missing = [k for k in ("median_ms", "min_ms", "mean_ms", "runs", "compile_ms") if k not in result]
    if "median_ms" in missing:
        return {"error": f"flowc's JSON has no median_ms: {json.dumps(result)[:160]}", "command": cmd}
    if missing:
        result["missing_keys"] = missing
    return result


def check_flowc(flowc: str, model_dir: str, timeout: float, onnx_mod, numpy_helper, np) -> dict:
    """`flowc run` on the model's inputs against onnxruntime's stored outputs."""
    with tempfile.TemporaryDirectory(prefix="flowc-check-") as out:
        cmd = [flowc, "run", os.path.join(model_dir, "model.onnx")]
        for path in case_inputs(model_dir):
            cmd += ["--input", path]
        cmd += ["--output-dir", out]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return {"ok": False, "error": f"flowc run timed out after {timeout:.0f} s"}
        except OSError as e:
            return {"ok": False, "error": f"could not start flowc: {e}"}
        if proc.returncode != 0:
            return {"ok": False, "error": f"flowc run: exit {proc.returncode}: "
                                          f"{last_line(proc.stderr or proc.stdout)}"}
        result = {"ok": True, "max_abs_error": 0.0, "max_rel_error": 0.0, "outputs": []}
        problems = []
        for exp_path in case_outputs(model_dir):
            base = os.path.basename(exp_path)
            act_path = os.path.join(out, base)
            exp = numpy_helper.to_array(onnx_mod.load_tensor(exp_path))
            if not os.path.exists(act_path):
                problems.append(f"{base} was not written")
                continue
            act = numpy_helper.to_array(onnx_mod.load_tensor(act_path))
            if act.dtype != exp.dtype or act.shape != exp.shape:
                problems.append(f"{base} is {act.dtype} {list(act.shape)}, expected {exp.dtype} {list(exp.shape)}")
                continue
            a, e = act.astype(np.float64), exp.astype(np.float64)
            err = np.abs(a - e)
            # relative error where the expected value is not tiny (else it means nothing)
            big = np.abs(e) > ATOL
            rel = float((err[big] / np.abs(e[big])).max()) if big.any() else 0.0
            bad = int((~np.isclose(a, e, rtol=RTOL, atol=ATOL, equal_nan=True)).sum())
            entry = {"output": base, "max_abs_error": float(err.max()) if err.size else 0.0,
                     "max_rel_error": rel, "mismatched": bad, "elements": int(err.size)}
            result["outputs"].append(entry)
            result["max_abs_error"] = max(result["max_abs_error"], entry["max_abs_error"])
            result["max_rel_error"] = max(result["max_rel_error"], rel)
            if bad:
                problems.append(f"{base}: {bad} of {err.size} elements beyond rtol {RTOL:g} / atol {ATOL:g}")
        if problems:
            result["ok"] = False
            result["error"] = "; ".join(problems)
        return result


# --- numpy matmul peak -------------------------------------------------------------------------

PEAK_SNIPPET = r"""
import ctypes, glob, json, os, sys, time
import numpy as np
threads, reps = int(sys.argv[1]), int(sys.argv[2])
try:
    from threadpoolctl import threadpool_limits
    threadpool_limits(threads)
except ImportError:
    pass  # the *_NUM_THREADS variables set by the caller limit the BLAS


def corename():
    libs = glob.glob(os.path.join(os.path.dirname(np.__file__), "..", "numpy.libs", "*openblas*"))
    libs += glob.glob(os.path.join(os.path.dirname(np.__file__), ".libs", "*openblas*"))
    for path in libs:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for sym in ("scipy_openblas_get_corename64_", "scipy_openblas_get_corename",
                    "openblas_get_corename64_", "openblas_get_corename"):
            fn = getattr(lib, sym, None)
            if fn is not None:
                fn.restype = ctypes.c_char_p
                return fn().decode()
    return None


n = 1024
rng = np.random.default_rng(0)
a = rng.standard_normal((n, n), dtype=np.float32)
b = rng.standard_normal((n, n), dtype=np.float32)
c = np.empty((n, n), dtype=np.float32)
for _ in range(3):
    np.matmul(a, b, out=c)
best = float("inf")
for _ in range(reps):
    t0 = time.perf_counter()
    np.matmul(a, b, out=c)
    best = min(best, time.perf_counter() - t0)
print(json.dumps({"best_ms": best * 1e3, "gflops": 2 * n ** 3 / best / 1e9, "openblas_core": corename()}))
"""


def cpu_has_avx512() -> bool:
    try:
        with open("/proc/cpuinfo") as f:
            return any(line.startswith("flags") and " avx512f" in line for line in f)
    except OSError:
        return False


def numpy_matmul(threads: int, reps: int, coretype: str | None) -> dict:
    """One subprocess timing numpy's matmul; coretype None keeps OPENBLAS_CORETYPE as it is, ""
    removes it (OpenBLAS detects the CPU), anything else sets it."""
    env = dict(os.environ)
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
        env[var] = str(threads)
    if coretype == "":
        env.pop("OPENBLAS_CORETYPE", None)
    elif coretype is not None:
        env["OPENBLAS_CORETYPE"] = coretype
    try:
        proc = subprocess.run([sys.executable, "-c", PEAK_SNIPPET, str(threads), str(reps)],
                              capture_output=True, text=True, env=env, timeout=300)
        if proc.returncode != 0:
            return {"error": last_line(proc.stderr)}
        return json.loads(proc.stdout)
    except (subprocess.TimeoutExpired, ValueError, OSError) as e:
        return {"error": str(e)}


def numpy_peak(threads: int, reps: int) -> dict:
    """numpy's best 1024^3 f32 matmul at `threads` BLAS threads, as a stand-in for the machine's
    f32 peak. OpenBLAS's kernels follow OPENBLAS_CORETYPE when it is set (an environment may pin
    Haswell, AVX2) and CPU detection otherwise; the environment's choice, detection, and on an
    AVX-512 CPU the SkylakeX kernels are all timed, and the fastest counts."""
    variants = {"environment": numpy_matmul(threads, reps, None)}
    set_in_env = os.environ.get("OPENBLAS_CORETYPE")
    if set_in_env:
        variants["OPENBLAS_CORETYPE unset"] = numpy_matmul(threads, reps, "")
    if cpu_has_avx512() and (set_in_env or "").lower() != "skylakex":
        variants["OPENBLAS_CORETYPE=SkylakeX"] = numpy_matmul(threads, reps, "SkylakeX")
    ok = {k: v for k, v in variants.items() if "gflops" in v}
    if not ok:
        return {"error": "; ".join(f"{k}: {v.get('error')}" for k, v in variants.items()), "variants": variants}
    best = max(ok, key=lambda k: ok[k]["gflops"])
    return {**ok[best], "variant": best, "variants": variants}


# --- report ------------------------------------------------------------------------------------

def fmt_ms(value) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if value < 10 else f"{value:.2f}" if value < 100 else f"{value:.1f}"


def machine_info() -> dict:
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    info = {"cpu": cpu, "logical_cpus": os.cpu_count(), "python": platform.python_version()}
    try:
        info["loadavg_start"] = os.getloadavg()
    except OSError:
        pass
    return info


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", help="comma-separated subset (default: all generated models)")
    parser.add_argument("--threads", default="1,2", help="comma-separated thread counts (default 1,2)")
    parser.add_argument("--runs", type=int, default=20, help="timed runs per model and thread count (default 20)")
    parser.add_argument("--warmup", type=int, default=3, help="onnxruntime warmup runs (default 3)")
    parser.add_argument("--flowc", default=os.path.join(ROOT, "target", "release", "flowc"))
    parser.add_argument("--models-dir", default=os.path.join(ROOT, "target", "bench-models"))
    parser.add_argument("--json", metavar="FILE", help="write all numbers to FILE")
    parser.add_argument("--check", action="store_true",
                        help=f"also run `flowc run` on each model and compare with onnxruntime (rtol {RTOL:g}, atol {ATOL:g})")
    parser.add_argument("--check-only", action="store_true", help="--check without the timings")
    parser.add_argument("--ort-only", action="store_true", help="skip flowc (onnxruntime and numpy only)")
    parser.add_argument("--peak-reps", type=int, default=10, help="numpy matmul repetitions, best taken (default 10)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per flowc command (default 600)")
    args = parser.parse_args()

    try:
        import numpy as np
        import onnx as onnx_mod
        import onnxruntime as ort
        from onnx import numpy_helper
    except ImportError as e:
        print(f"cpu-vs-ort: {e}; install with: pip install onnx==1.23.2 numpy onnxruntime", file=sys.stderr)
        return 2

    gen = load_generator()
    models = args.models.split(",") if args.models else list(gen.MODELS)
    models = [m.strip() for m in models if m.strip()]
    try:
        threads = [int(t) for t in args.threads.split(",")]
    except ValueError:
        print(f"cpu-vs-ort: --threads wants comma-separated integers, got '{args.threads}'", file=sys.stderr)
        return 2
    if args.runs < 1 or args.warmup < 0 or any(t < 1 for t in threads):
        print("cpu-vs-ort: --runs and --threads must be at least 1, --warmup at least 0", file=sys.stderr)
        return 2
    if gen.generate(models, args.models_dir) != 0:
        return 2

    check = args.check or args.check_only
    use_flowc = not args.ort_only
    flowc = os.path.abspath(args.flowc) if os.sep in args.flowc else (shutil.which(args.flowc) or args.flowc)
    flowc_missing = flowc_problem(flowc) if use_flowc else None
    if flowc_missing:
        print(f"cpu-vs-ort: {flowc_missing}\ncpu-vs-ort: timing onnxruntime only; the flowc columns stay empty\n",
              flush=True)

    report = {"date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
              "machine": machine_info(),
              "versions": {"onnxruntime": ort.__version__, "numpy": np.__version__, "onnx": onnx_mod.__version__},
              "config": {"runs": args.runs, "warmup": args.warmup, "threads": threads,
                         "flowc": None if args.ort_only else flowc, "models": models},
              "results": [], "geomean": {}, "matmul": {}, "check": {}}
    failed = False

    if check:
        print(f"check: flowc run vs onnxruntime (rtol {RTOL:g}, atol {ATOL:g})")
        for name in models:
            if not use_flowc:
                res = {"ok": False, "error": "skipped (--ort-only)"}
            elif flowc_missing:
                res = {"ok": False, "error": "flowc missing"}
            else:
                res = check_flowc(flowc, os.path.join(args.models_dir, name), args.timeout, onnx_mod, numpy_helper, np)
            report["check"][name] = res
            if res["ok"]:
                print(f"  ok   {name:<14} max abs error {res['max_abs_error']:.2e}, max rel error {res['max_rel_error']:.2e}")
            else:
                failed = failed or use_flowc
                extra = (f" (max abs error {res['max_abs_error']:.2e}, max rel error {res['max_rel_error']:.2e})"
                         if "max_abs_error" in res else "")
                print(f"  FAIL {name:<14} {res['error']}{extra}")
        print()
        if args.check_only:
            return finish(report, args.json, failed)

    header = f"{'model':<14} {'thr':>3} {'ort ms':>9} {'flowc ms':>9} {'flowc/ort':>9} {'compile ms':>10}"
    print(f"median of {args.runs} runs (onnxruntime after {args.warmup} warmup runs); "
          f"flowc/ort below 1 = flowc faster")
    print(header)
    print("-" * len(header))
    for name in models:
        model_dir = os.path.join(args.models_dir, name)
        for t in threads:
            row = {"model": name, "threads": t}
            try:
                row["ort"] = time_ort(ort, onnx_mod, numpy_helper, model_dir, t, args.warmup, args.runs)
            except Exception as e:  # noqa: BLE001 - report and carry on
                row["ort"] = {"error": f"{type(e).__name__}: {e}"}
                failed = True
            if not use_flowc:
                row["flowc"] = {"error": "skipped (--ort-only)"}
            elif flowc_missing:
                row["flowc"] = {"error": "flowc missing"}
            else:
                row["flowc"] = run_flowc_bench(flowc, model_dir, t, args.runs, args.timeout)
            ort_ms = row["ort"].get("median_ms")
            flowc_ms = row["flowc"].get("median_ms")
            if ort_ms and flowc_ms:
                row["ratio"] = flowc_ms / ort_ms
            if "error" in row["flowc"] and use_flowc:
                failed = True
            report["results"].append(row)
            ratio = f"{row['ratio']:.2f}" if "ratio" in row else "-"
            line = (f"{name:<14} {t:>3} {fmt_ms(ort_ms) if ort_ms else 'FAIL':>9} {fmt_ms(flowc_ms):>9} "
                    f"{ratio:>9} {fmt_ms(row['flowc'].get('compile_ms')):>10}")
            errors = [f"{who}: {row[who]['error']}" for who in ("ort", "flowc")
                      if "error" in row[who] and not (who == "flowc" and not use_flowc)]
            # one flowc-missing note at the top is enough; don't repeat it on every row
            errors = [e for e in errors if e != "flowc: flowc missing"]
            print(line + (f"  {'; '.join(errors)}" if errors else ""), flush=True)

    print()
    for t in threads:
        rows = [r for r in report["results"] if r["threads"] == t]
        for group, members in (("cnn", CNNS), ("all", models)):
            ratios = [r["ratio"] for r in rows if r["model"] in members and "ratio" in r]
            wanted = [r for r in rows if r["model"] in members]
            g = geomean(ratios)
            report["geomean"].setdefault(str(t), {})[group] = {"ratio": g, "models": len(ratios), "of": len(wanted)}
            if wanted:
                label = "CNNs" if group == "cnn" else "all models"
                value = f"{g:.2f}" if g is not None else "-"
                print(f"geomean flowc/ort, {t} thread{'s' if t > 1 else ''}, {label}: {value} "
                      f"({len(ratios)} of {len(wanted)} models)")

    print()
    for t in threads:
        peak = numpy_peak(t, args.peak_reps)
        entry = {"numpy": peak}
        mm = next((r for r in report["results"] if r["model"] == "matmul_1024" and r["threads"] == t), None)
        parts = []
        if "gflops" in peak:
            core = peak.get("openblas_core") or "?"
            others = [f"{k} ({v.get('openblas_core') or '?'}): {v['gflops']:.1f}" for k, v in peak["variants"].items()
                      if k != peak["variant"] and "gflops" in v]
            parts.append(f"numpy peak {peak['gflops']:.1f} GFLOP/s ({fmt_ms(peak['best_ms'])} ms best of "
                         f"{args.peak_reps}, OpenBLAS {core} kernels, {peak['variant']})"
                         + (f" [{'; '.join(others)}]" if others else ""))
        else:
            parts.append(f"numpy peak: FAIL {peak.get('error')}")
        if mm is not None:
            for who in ("ort", "flowc"):
                res = mm[who]
                if "min_ms" in res or "median_ms" in res:
                    best = res.get("min_ms", res["median_ms"])
                    gflops = MATMUL_FLOP / (best / 1e3) / 1e9
                    gflops_median = MATMUL_FLOP / (res["median_ms"] / 1e3) / 1e9
                    entry[who] = {"gflops_min": gflops, "gflops_median": gflops_median}
                    text = f"{who} {gflops:.1f} GFLOP/s (min; median {gflops_median:.1f})"
                    if "gflops" in peak:
                        entry[who]["pct_of_numpy_peak"] = 100 * gflops / peak["gflops"]
                        text += f" = {100 * gflops / peak['gflops']:.0f}% of numpy"
                    parts.append(text)
                elif who == "flowc" and use_flowc:
                    parts.append(f"flowc -: {res.get('error')}")
        report["matmul"][str(t)] = entry
        print(f"matmul 1024^3 f32, {t} thread{'s' if t > 1 else ''}:\n    " + "\n    ".join(parts))

    return finish(report, args.json, failed)


def finish(report: dict, json_path: str | None, failed: bool) -> int:
    try:
        report["machine"]["loadavg_end"] = os.getloadavg()
    except OSError:
        pass
    if json_path:
        with open(json_path, "w") as f:
            json.dump(report, f, indent=2)
            f.write("\n")
        print(f"\nwrote {json_path}")
    if failed:
        sys.stdout.flush()
        print("cpu-vs-ort: some flowc runs failed or flowc is missing (see above); exit status 1", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
