#!/usr/bin/env python3
"""flowc's CUDA bundles against PyTorch eager and torch.compile on the GPU, same weights, same input.

Run on a GPU machine (the device machine has torch and onnx but no flowc compiler):

    tools/bench/cuda-vs-torch.py RUNNER MODELS_DIR BUNDLES_DIR [--runs N] [--out FILE] [--cudagraphs]

RUNNER is crates/flowc-runtime's run_bundle example. MODELS_DIR holds <name>/model.onnx and
<name>/test_data_set_0/input_0.pb (tools/bench/gen-bench-models.py builds them, from a fixed
seed, so they can be rebuilt on the GPU machine with the weights the bundles were compiled
from); BUNDLES_DIR holds <name>.flowc (`flowc compile --target cuda`); a model built with
gen-bench-models.py --batch N is the directory <name>_b<N>, its bundle <name>_b<N>.flowc.
With --cudagraphs, torch.compile also runs in mode "reduce-overhead" (CUDA graphs, as flowc's
replay). The torch side runs the ONNX graph itself: each node becomes the equivalent torch op
over the initializers (no onnx2torch in the image), so both sides use the same weights; their
outputs are compared with a float64 torch run (on the GPU). TF32 is off on the torch side, as
flowc computes in fp32.
Timing: torch with CUDA events (median of N runs after warm-up); flowc with run_bundle --bench
N (median of N runs, CUDA-graph replay and plain launches, host-side wall clock around a
synchronized run, input upload and output download excluded), with the kernel kinds that take
flowc's time (run_bundle --profile). Prints a ratio table last.
"""
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper


def attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


class OnnxModule(torch.nn.Module):
    """Runs an ONNX graph (the ops of the benchmark models) with torch ops."""

    def __init__(self, model):
        super().__init__()
        g = model.graph
        self.consts = {}
        for i, init in enumerate(g.initializer):
            t = torch.from_numpy(numpy_helper.to_array(init).copy())
            self.register_buffer(f"w{i}", t)
            self.consts[init.name] = f"w{i}"
        self.inputs = [i.name for i in g.input if i.name not in self.consts]
        self.outputs = [o.name for o in g.output]
        # Values that come from initializers (Clip bounds, Reshape shapes) are read here, once:
        # read in forward (.item() / .tolist()), they break torch.compile's graph at every node.
        init = {i.name: numpy_helper.to_array(i) for i in g.initializer}
        self.nodes = []
        for n in g.node:
            a = attrs(n)
            if n.op_type == "Clip":
                a["min"] = float(init[n.input[1]]) if len(n.input) > 1 and n.input[1] else None
                a["max"] = float(init[n.input[2]]) if len(n.input) > 2 and n.input[2] else None
            if n.op_type == "Reshape":
                a["shape"] = [int(v) for v in init[n.input[1]].tolist()]
            self.nodes.append((n.op_type, list(n.input), list(n.output), a))

    def forward(self, *xs):
        env = dict(zip(self.inputs, xs))
        for k, v in self.consts.items():
            env[k] = getattr(self, v)
        for op, ins, outs, a in self.nodes:
            x = [env[i] if i else None for i in ins]
            env[outs[0]] = run_op(op, x, a)
        return tuple(env[o] for o in self.outputs)


def run_op(op, x, a):
    if op == "Conv":
        pads = a.get("pads", [0, 0, 0, 0])
        assert pads[0] == pads[2] and pads[1] == pads[3], "asymmetric pads"
        return F.conv2d(x[0], x[1], x[2] if len(x) > 2 else None, a.get("strides", [1, 1]),
                        pads[:2], a.get("dilations", [1, 1]), a.get("group", 1))
    if op == "BatchNormalization":
        return F.batch_norm(x[0], x[3], x[4], x[1], x[2], False, 0.0, a.get("epsilon", 1e-5))
    if op == "Relu":
        return F.relu(x[0])
    if op == "Clip":
        return torch.clamp(x[0], a["min"], a["max"])
    if op == "Add":
        return x[0] + x[1]
    if op == "Mul":
        return x[0] * x[1]
    if op == "Div":
        return x[0] / x[1]
    if op == "Erf":
        return torch.erf(x[0])
    if op == "MatMul":
        return torch.matmul(x[0], x[1])
    if op == "Gemm":
        A = x[0].t() if a.get("transA", 0) else x[0]
        B = x[1].t() if a.get("transB", 0) else x[1]
        y = a.get("alpha", 1.0) * (A @ B)
        if len(x) > 2 and x[2] is not None:
            y = y + a.get("beta", 1.0) * x[2]
        return y
    if op == "GlobalAveragePool":
        return x[0].mean(dim=(2, 3), keepdim=True)
    if op == "MaxPool":
        pads = a.get("pads", [0, 0, 0, 0])
        return F.max_pool2d(x[0], a["kernel_shape"], a.get("strides", a["kernel_shape"]), pads[:2],
                            ceil_mode=bool(a.get("ceil_mode", 0)))
    if op == "Flatten":
        return torch.flatten(x[0], a.get("axis", 1))
    if op == "Reshape":
        shape = [x[0].shape[i] if s == 0 else s for i, s in enumerate(a["shape"])]
        return x[0].reshape(shape)
    if op == "Transpose":
        return x[0].permute(*a["perm"])
    if op == "Softmax":
        return torch.softmax(x[0], a.get("axis", -1))
    if op == "LayerNormalization":
        axis = a.get("axis", -1)
        shape = x[0].shape[axis:]
        return F.layer_norm(x[0], shape, x[1], x[2] if len(x) > 2 else None, a.get("epsilon", 1e-5))
    raise NotImplementedError(op)


def load_pb(path):
    t = onnx.TensorProto()
    t.ParseFromString(open(path, "rb").read())
    return numpy_helper.to_array(t)


def time_torch(fn, x, runs):
    with torch.no_grad():
        for _ in range(10):
            fn(x)
        torch.cuda.synchronize()
        times = []
        for _ in range(runs):
            s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            s.record()
            fn(x)
            e.record()
            e.synchronize()
            times.append(s.elapsed_time(e))
    return float(np.median(times))


def main():
    runner, models, bundles = sys.argv[1:4]
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 100
    out = sys.argv[sys.argv.index("--out") + 1] if "--out" in sys.argv else None
    cudagraphs = "--cudagraphs" in sys.argv
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    names = sorted(f[:-6] for f in os.listdir(bundles) if f.endswith(".flowc"))
    rows, log = [], []
    for name in names:
        mdir = os.path.join(models, name)
        model = onnx.load(os.path.join(mdir, "model.onnx"))
        x_np = load_pb(os.path.join(mdir, "test_data_set_0", "input_0.pb"))
        work = tempfile.mkdtemp()
        inp = os.path.join(work, "in_0.bin")
        np.ascontiguousarray(x_np).tofile(inp)
        lst = os.path.join(work, "list.txt")
        open(lst, "w").write(f"{os.path.join(bundles, name + '.flowc')} {work} {inp}\n")
        r = subprocess.run([runner, lst, "--bench", str(runs), "--profile"], capture_output=True, text=True)
        for p in [l for l in r.stdout.splitlines() if l.startswith("profile ")][:8]:
            print("  " + p.split(" ", 2)[2], flush=True)
        m = re.search(r"graph_ms=([\d.]+)\s+launches_ms=([\d.]+)", r.stdout)
        if r.returncode != 0 or not m:
            print(f"{name}: run_bundle failed: {r.stdout[-300:]} {r.stderr[-300:]}")
            continue
        flowc_graph, flowc_launch = float(m.group(1)), float(m.group(2))
        y_flowc = np.fromfile(os.path.join(work, "output_0.bin"), dtype=np.float32)

        mod = OnnxModule(model).cuda().eval()
        x = torch.from_numpy(x_np).cuda()
        with torch.no_grad():
            y_ref64 = OnnxModule(model).double().cuda().eval()(x.double())[0].cpu()
            y_eager = mod(x)[0]
        ref = y_ref64.numpy().ravel()
        rel = lambda y: float(np.linalg.norm(y.astype(np.float64) - ref) / np.linalg.norm(ref))
        err_flowc = rel(y_flowc)
        err_eager = rel(y_eager.float().cpu().numpy().ravel())
        eager_ms = time_torch(lambda t: mod(t), x, runs)
        compiled = torch.compile(mod, fullgraph=True)
        compile_ms = time_torch(lambda t: compiled(t), x, runs)
        graphs_ms = float("nan")
        if cudagraphs:
            torch._dynamo.reset()
            replay = torch.compile(mod, fullgraph=True, mode="reduce-overhead")
            graphs_ms = time_torch(lambda t: replay(t), x, runs)
        rows.append((name, x_np.shape[0], flowc_graph, flowc_launch, eager_ms, compile_ms,
                     graphs_ms, err_flowc, err_eager))
        line = (f"{name}: flowc graph {flowc_graph:.3f} ms, launches {flowc_launch:.3f} ms; eager "
                f"{eager_ms:.3f} ms; torch.compile {compile_ms:.3f} ms, reduce-overhead {graphs_ms:.3f} ms; rel. error vs float64 "
                f"torch: flowc {err_flowc:.2e}, eager {err_eager:.2e}")
        print(line, flush=True)
        log.append(line)
    table = ["", f"median of {runs} runs, {torch.cuda.get_device_name()}, fp32 (TF32 off)",
             "| model | batch | flowc (ms) | eager (ms) | torch.compile (ms) | compile + CUDA graphs (ms) | flowc / eager | flowc / best compile | flowc rel. err |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name, batch, fg, fl, e, c, g, ef, _ in rows:
        f = min(fg, fl)
        table.append(f"| {name} | {batch} | {f:.3f} | {e:.3f} | {c:.3f} | {g:.3f} | {f / e:.2f}x | "
                     f"{f / min(c, g) if g == g else f / c:.2f}x | {ef:.1e} |")
    print("\n".join(table))
    if out:
        open(out, "w").write("\n".join(log + table) + "\n")


if __name__ == "__main__":
    main()
