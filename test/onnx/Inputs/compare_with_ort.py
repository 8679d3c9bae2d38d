#!/usr/bin/env python3
"""Runs every fixture model of this directory (except bad_*) through `flowc run` and through
onnxruntime on the same random inputs, and compares the outputs (rtol 1e-4, atol 1e-5).

    pip install onnx==1.23.2 onnxruntime
    cargo build -p flowc
    python3 test/onnx/Inputs/compare_with_ort.py [NAME...]

This checks the importer's rewrites of old opsets numerically (Upsample / Resize-10
coordinates, Softmax's 2-D coercion before opset 13, attribute-to-input moves, ...). Exit
status 1 when an output differs.
"""

import glob
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
FLOWC = os.environ.get("FLOWC", os.path.join(ROOT, "target", "debug", "flowc"))

# onnxruntime fills Dropout-7's float mask with zeros at inference; ONNX (and its reference
# implementation, and flowc) keep every element: ones.
KNOWN_DIFFERENCES = {("legacy_dropout7_mask", 1)}

DTYPES = {"tensor(float)": np.float32, "tensor(int32)": np.int32, "tensor(int64)": np.int64}


def check(name, tmp):
    path = os.path.join(HERE, f"{name}.onnx")
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(0)
    feeds, args = {}, []
    for i, inp in enumerate(sess.get_inputs()):
        shape = [d if isinstance(d, int) else 2 for d in inp.shape]
        a = (rng.standard_normal(shape) * 3).astype(DTYPES[inp.type])
        feeds[inp.name] = a
        p = os.path.join(tmp, f"{name}_input_{i}.pb")
        with open(p, "wb") as f:
            f.write(numpy_helper.from_array(a, inp.name).SerializeToString())
        args += ["--input", p]
    expected = sess.run(None, feeds)
    out = os.path.join(tmp, f"{name}_out")
    r = subprocess.run([FLOWC, "run", path, *args, "--output-dir", out], capture_output=True, text=True)
    if r.returncode != 0:
        print(f"{name}: flowc failed: {r.stderr.strip()}")
        return False
    ok = True
    for k, e in enumerate(expected):
        got = numpy_helper.to_array(onnx.load_tensor(os.path.join(out, f"output_{k}.pb")))
        same = got.shape == e.shape and np.allclose(got, e, rtol=1e-4, atol=1e-5)
        if (name, k) in KNOWN_DIFFERENCES:
            print(f"{name}: output {k}: known difference with onnxruntime")
        elif not same:
            print(f"{name}: output {k} differs: {got.shape} vs {e.shape}")
            ok = False
    if ok:
        print(f"{name}: ok")
    return ok


def main():
    names = sys.argv[1:] or sorted(
        os.path.basename(p)[:-5] for p in glob.glob(os.path.join(HERE, "*.onnx"))
        if not os.path.basename(p).startswith("bad_"))
    with tempfile.TemporaryDirectory() as tmp:
        results = [check(n, tmp) for n in names]
    print(f"{sum(results)} of {len(results)} models match onnxruntime")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
