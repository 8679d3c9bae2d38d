#!/usr/bin/env python3
"""Compiles model directories (<dir>/model.onnx + test_data_set_0/input_N.pb) to CUDA bundles,
each input's shape fixed to its test data's (`flowc compile --target cuda --input-shape ...`).

  compile_models.py FLOWC OUT_DIR MODEL_DIR... [--gpu-gemm auto|generated|library] [--suffix S]

Writes OUT_DIR/<name><S>.flowc per model (name = the directory's name) and prints flowc's summary
line; a model that does not compile is reported and skipped (exit 1 at the end).
"""
import glob
import os
import subprocess
import sys

import onnx


def main():
    args = sys.argv[1:]
    opt = lambda k, d: args[args.index(k) + 1] if k in args else d
    gemm, suffix = opt("--gpu-gemm", "auto"), opt("--suffix", "")
    pos = [a for i, a in enumerate(args) if not a.startswith("--") and (i == 0 or not args[i - 1].startswith("--"))]
    flowc, out, dirs = pos[0], pos[1], pos[2:]
    os.makedirs(out, exist_ok=True)
    failed = 0
    for d in dirs:
        name = os.path.basename(os.path.normpath(d))
        model = onnx.load(os.path.join(d, "model.onnx"), load_external_data=False)
        inits = {i.name for i in model.graph.initializer}
        names = [i.name for i in model.graph.input if i.name not in inits]
        shapes = []
        for i, n in enumerate(names):
            t = onnx.TensorProto()
            t.ParseFromString(open(os.path.join(d, "test_data_set_0", f"input_{i}.pb"), "rb").read())
            shapes += ["--input-shape", f"{n}={'x'.join(str(x) for x in t.dims)}"]
        cmd = [flowc, "compile", os.path.join(d, "model.onnx"), "--target", "cuda", "--gpu-gemm", gemm,
               "-o", os.path.join(out, name + suffix + ".flowc")] + shapes
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            failed += 1
            print(f"{name}: {r.stderr.strip()[-300:]}")
        else:
            print(r.stdout.strip().splitlines()[-1] if r.stdout.strip() else f"{name}: compiled")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
