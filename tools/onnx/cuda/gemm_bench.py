#!/usr/bin/env python3
"""Device side of the GPU GEMM / conv micro benchmark: flowc's bundles against PyTorch.

  gemm_bench.py RUNNER BENCH_DIR WORK_DIR [--runs N]

BENCH_DIR holds what tools/onnx/cuda/gemm_check.sh prepared on the compiling machine: per shape
<name>/model.onnx and <name>/spec.json (gen_gemm_bench.py) and the bundles <name>.gen.flowc
(`--gpu-gemm generated`: flowc's own kernels, gpu_gemm.rs / gpu_conv.rs) and <name>.auto.flowc
(the default choice: cuBLAS from 2^27 flops). RUNNER is crates/flowc-runtime's run_bundle example.

Per shape: random standard-normal f32 inputs (seeded), one run of every bundle checked against
PyTorch computing the op in float64 on the GPU (error = max |flowc - ref| / max |ref|; it passes
below 1e-4), then `run_bundle --bench N` (median wall time of a run: launch and synchronize, CUDA
graph replay) and PyTorch in f32 with TF32 off (torch.backends.cuda.matmul.allow_tf32 = False,
torch.backends.cudnn.allow_tf32 = False), timed the same way: median wall time of the op and a
torch.cuda.synchronize(), after warm-up. GFLOP/s = 2 * MACs / time. Prints a table; exits 1 when
a bundle fails or is wrong.
"""
import json, os, subprocess, sys, time
import numpy as np
import onnx
from onnx import numpy_helper
import torch
import torch.nn.functional as F

VARIANTS = ["gen", "auto"]


def reference(spec, model, ins, dtype):
    """The op on the GPU in `dtype` (a torch dtype)."""
    t = [torch.from_numpy(a).to("cuda", dtype) for a in ins]
    if spec["op"] == "matmul":
        return lambda: torch.matmul(t[0], t[1])
    if spec["op"] == "fc":
        init = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
        b = torch.from_numpy(init["b"]).to("cuda", dtype)
        c = torch.from_numpy(init["c"]).to("cuda", dtype)
        return lambda: torch.addmm(c, t[0], b.t())
    if spec["op"] == "conv":
        return lambda: F.conv2d(t[0], t[1], t[2], stride=spec["stride"], padding=spec["pad"],
                                groups=spec["group"])
    raise ValueError(spec["op"])


def median_ms(f, runs):
    for _ in range(3):
        f()
    torch.cuda.synchronize()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        f()
        torch.cuda.synchronize()
        times.append((time.perf_counter() - t) * 1e3)
    return sorted(times)[len(times) // 2]


def main():
    runner, bench_dir, work = sys.argv[1:4]
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 50
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    os.makedirs(work, exist_ok=True)
    names = sorted(d for d in os.listdir(bench_dir)
                   if os.path.exists(os.path.join(bench_dir, d, "spec.json")))
    rng = np.random.default_rng(1)
    lines, info = [], {}
    for name in names:
        spec = json.load(open(os.path.join(bench_dir, name, "spec.json")))
        model = onnx.load(os.path.join(bench_dir, name, "model.onnx"))
        ins = [rng.standard_normal(s).astype(np.float32) for s in spec["inputs"]]
        d = os.path.join(work, name)
        os.makedirs(d, exist_ok=True)
        paths = []
        for i, a in enumerate(ins):
            p = os.path.join(d, f"in_{i}.bin")
            a.tofile(p)
            paths.append(p)
        ref = reference(spec, model, ins, torch.float64)().cpu().numpy()
        torch_ms = median_ms(reference(spec, model, ins, torch.float32), runs)
        info[name] = (spec, ref, torch_ms)
        for v in VARIANTS:
            b = os.path.join(bench_dir, f"{name}.{v}.flowc")
            if os.path.exists(b):
                lines.append(" ".join([b, os.path.join(d, v)] + paths))
        torch.cuda.empty_cache()
    listfile = os.path.join(work, "list.txt")
    open(listfile, "w").write("\n".join(lines) + "\n")
    res = subprocess.run([runner, listfile, "--bench", str(runs)], capture_output=True, text=True)
    if res.returncode != 0:
        print(res.stderr)
    status, ms = {}, {}
    for line in res.stdout.splitlines():
        kind, rest = line.split(" ", 1)
        bundle = rest.split(":", 1)[0].split()[0]
        key = os.path.basename(bundle)[:-len(".flowc")]
        if kind in ("ok", "error"):
            status[key] = (kind, rest)
        elif kind == "bench":
            ms[key] = float(rest.split("graph_ms=")[1].split()[0])
    bad = 0
    head = f"{'shape':22} {'GFLOP':>8} {'torch ms':>9} {'GFLOP/s':>8}"
    for v in VARIANTS:
        head += f" {v + ' ms':>9} {'GFLOP/s':>8} {'/torch':>6} {'err':>8}"
    print(head)
    print("-" * len(head))
    for name in names:
        spec, ref, torch_ms = info[name]
        gflop = spec["flops"] / 1e9
        row = f"{name:22} {gflop:8.3f} {torch_ms:9.4f} {gflop / torch_ms * 1e3:8.1f}"
        for v in VARIANTS:
            key = f"{name}.{v}"
            kind, why = status.get(key, ("missing", ""))
            if kind == "missing":
                row += f" {'-':>9} {'-':>8} {'-':>6} {'-':>8}"
                continue
            if kind != "ok":
                bad += 1
                row += f"  ERROR {why[:60]}"
                continue
            got = np.fromfile(os.path.join(work, name, v, "output_0.bin"), dtype=np.float32)
            err = float(np.max(np.abs(got.reshape(ref.shape) - ref)) / max(np.max(np.abs(ref)), 1e-30)) \
                if got.size == ref.size else float("inf")
            if not err < 1e-4:
                bad += 1
            t = ms.get(key, float("nan"))
            row += f" {t:9.4f} {gflop / t * 1e3:8.1f} {t / torch_ms:6.2f} {err:8.1e}"
            if not err < 1e-4:
                row += " WRONG"
        print(row)
    print(f"{len(lines)} bundles, {bad} failed or wrong; ms = median wall time per run "
          f"(launch + synchronize, {runs} runs), /torch = flowc time / PyTorch time")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
