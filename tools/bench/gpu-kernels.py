#!/usr/bin/env python3
"""GEMM and convolution kernels on the GPU: flowc's generated kernels and its cuBLAS path
against PyTorch (cuBLAS / cuDNN), one op per model, same inputs, TF32 off on both sides.

Two halves, because the GPU machine has no flowc compiler:

  here:       tools/bench/gpu-kernels.py make FLOWC OUT_DIR
              writes OUT_DIR/<op>.onnx, compiles OUT_DIR/<op>.<gen|lib>.flowc (flowc compile
              --target cuda --gpu-gemm generated|library) and OUT_DIR/manifest.json
  GPU:        tools/bench/gpu-kernels.py run RUNNER OUT_DIR [--runs N]
              per op: random inputs (fixed seed), run_bundle --bench N on each bundle (median
              ms of a run, CUDA-graph replay), torch the same op (CUDA events, median), the
              largest error relative to torch's largest magnitude, and GFLOP/s

The ops (MatMul of two runtime inputs, Conv with runtime weights, no bias) are the shapes that
matter in the benchmark models: square GEMMs, BERT-small's linears at batch 1 and 32, a batch-1
fully connected layer, ResNet-18's 3x3 stages and stem at batch 1 and 32.
"""
import json
import os
import subprocess
import sys

import numpy as np

# (name, kind, shape params): matmul (m, k, n); conv (n, c, h, w, cout, k, stride, pad).
OPS = [
    ("mm_1024", "matmul", (1024, 1024, 1024)),
    ("mm_4096", "matmul", (4096, 4096, 4096)),
    ("mm_bert_b1", "matmul", (128, 256, 1024)),
    ("mm_bert_b32", "matmul", (4096, 256, 1024)),
    ("mm_fc_b1", "matmul", (1, 512, 1000)),
    ("conv_stem_b1", "conv", (1, 3, 224, 224, 64, 7, 2, 3)),
    ("conv_l1_b1", "conv", (1, 64, 56, 56, 64, 3, 1, 1)),
    ("conv_l3_b1", "conv", (1, 256, 14, 14, 256, 3, 1, 1)),
    ("conv_l4_b1", "conv", (1, 512, 7, 7, 512, 3, 1, 1)),
    ("conv_stem_b32", "conv", (32, 3, 224, 224, 64, 7, 2, 3)),
    ("conv_l1_b32", "conv", (32, 64, 56, 56, 64, 3, 1, 1)),
    ("conv_l3_b32", "conv", (32, 256, 14, 14, 256, 3, 1, 1)),
    ("conv_l4_b32", "conv", (32, 512, 7, 7, 512, 3, 1, 1)),
]


def shapes(kind, p):
    if kind == "matmul":
        m, k, n = p
        return [[m, k], [k, n]], [m, n], 2.0 * m * n * k
    n, c, h, w, co, k, s, pad = p
    oh, ow = (h + 2 * pad - k) // s + 1, (w + 2 * pad - k) // s + 1
    return [[n, c, h, w], [co, c, k, k]], [n, co, oh, ow], 2.0 * n * co * oh * ow * c * k * k


def make(flowc, out):
    import onnx
    from onnx import TensorProto, helper
    os.makedirs(out, exist_ok=True)
    manifest = []
    for name, kind, p in OPS:
        ins, outs, flops = shapes(kind, p)
        info = [helper.make_tensor_value_info(f"x{i}", TensorProto.FLOAT, s) for i, s in enumerate(ins)]
        if kind == "matmul":
            node = helper.make_node("MatMul", ["x0", "x1"], ["y"])
        else:
            k, s, pad = p[5], p[6], p[7]
            node = helper.make_node("Conv", ["x0", "x1"], ["y"], kernel_shape=[k, k], strides=[s, s],
                                    pads=[pad] * 4)
        graph = helper.make_graph([node], name, info, [helper.make_tensor_value_info("y", TensorProto.FLOAT, outs)])
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
        model.ir_version = 8
        path = os.path.join(out, name + ".onnx")
        onnx.save(model, path)
        for variant, gemm in (("gen", "generated"), ("lib", "library")):
            subprocess.run([flowc, "compile", path, "--target", "cuda", "--gpu-gemm", gemm, "-o",
                            os.path.join(out, f"{name}.{variant}.flowc")], check=True, capture_output=True)
        manifest.append({"name": name, "kind": kind, "params": p, "inputs": ins, "output": outs, "flops": flops})
    json.dump(manifest, open(os.path.join(out, "manifest.json"), "w"), indent=1)
    print(f"{len(manifest)} ops in {out}")


def run(runner, out, runs):
    import torch
    import torch.nn.functional as F
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    rng = np.random.default_rng(7)
    rows = []
    for op in json.load(open(os.path.join(out, "manifest.json"))):
        work = os.path.join("/tmp/gpu-kernels", op["name"])
        os.makedirs(work, exist_ok=True)
        xs = [rng.standard_normal(s).astype(np.float32) for s in op["inputs"]]
        if op["kind"] == "conv":
            xs[1] /= np.sqrt(np.prod(op["inputs"][1][1:]))
        paths = []
        for i, x in enumerate(xs):
            paths.append(os.path.join(work, f"in_{i}.bin"))
            x.tofile(paths[-1])
        tx = [torch.from_numpy(x).cuda() for x in xs]
        if op["kind"] == "matmul":
            fn = lambda: torch.matmul(tx[0], tx[1])
        else:
            _, _, _, _, _, k, s, pad = op["params"]
            fn = lambda: F.conv2d(tx[0], tx[1], None, s, pad)
        ref = fn().cpu().numpy()
        for _ in range(5):
            fn()
        torch.cuda.synchronize()
        ts = []
        for _ in range(runs):
            a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            a.record(); fn(); b.record(); b.synchronize()
            ts.append(a.elapsed_time(b))
        row = {"name": op["name"], "gflop": op["flops"] / 1e9, "torch_ms": float(np.median(ts))}
        scale = float(np.abs(ref).max()) or 1.0
        for variant in ("gen", "lib"):
            lst = os.path.join(work, f"{variant}.txt")
            open(lst, "w").write(" ".join([os.path.join(out, f"{op['name']}.{variant}.flowc"), work] + paths) + "\n")
            r = subprocess.run([runner, lst, "--bench", str(runs)], capture_output=True, text=True)
            line = [l for l in r.stdout.splitlines() if l.startswith("bench ")]
            if r.returncode != 0 or not line:
                row[variant] = None
                row[variant + "_why"] = (r.stdout + r.stderr)[-300:]
                continue
            ms = float(line[0].split("graph_ms=")[1].split()[0])
            got = np.fromfile(os.path.join(work, "output_0.bin"), dtype=np.float32).reshape(ref.shape)
            row[variant] = ms
            row[variant + "_err"] = float(np.abs(got - ref).max()) / scale
        rows.append(row)
        print(json.dumps(row), flush=True)
    print(f"\n{torch.cuda.get_device_name()}, fp32 (TF32 off), median of {runs} runs; GFLOP/s in brackets;"
          " err = max |flowc - torch| / max |torch|")
    print("| op | GFLOP | torch ms | generated ms | cuBLAS path ms | generated / torch | cuBLAS path / torch | err gen / lib |")
    print("|---|---|---|---|---|---|---|---|")
    f = lambda ms, g: "failed" if ms is None else f"{ms:.3f} [{g / ms * 1e3:.0f}]"
    q = lambda ms, t: "-" if ms is None else f"{ms / t:.2f}x"
    for r in rows:
        print(f"| {r['name']} | {r['gflop']:.2f} | {f(r['torch_ms'], r['gflop'])} | {f(r['gen'], r['gflop'])} | "
              f"{f(r['lib'], r['gflop'])} | {q(r['gen'], r['torch_ms'])} | {q(r['lib'], r['torch_ms'])} | "
              f"{r.get('gen_err', float('nan')):.1e} / {r.get('lib_err', float('nan')):.1e} |")


if __name__ == "__main__":
    a = sys.argv[1:]
    runs = int(a[a.index("--runs") + 1]) if "--runs" in a else 20
    if a and a[0] == "make":
        make(a[1], a[2])
    elif a and a[0] == "run":
        run(a[1], a[2], runs)
    else:
        print(__doc__)
        sys.exit(2)
