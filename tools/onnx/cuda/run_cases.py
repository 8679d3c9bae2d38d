#!/usr/bin/env python3
"""Runs CUDA bundles compiled by tools/onnx/cuda/compile_cases.sh on a GPU machine and compares
their outputs with the cases' expected outputs (ONNX test data, output_N.pb).

  run_cases.py RUNNER CASES_DIR BUNDLES_DIR WORK_DIR [--bench N] [--ptxas]

RUNNER is crates/flowc-runtime's run_bundle example (links no LLVM). Floats pass within
rtol 1e-3 / atol 1e-5 (bfloat16: rtol 2^-6, two ULPs, as `flowc test-onnx`; NaN equal to NaN),
other types exactly. With --ptxas, the PTX of each bundle is also assembled by
`ptxas -arch=sm_90`. Prints counts last.
"""
import os, subprocess, sys, glob, re, concurrent.futures
import numpy as np
import onnx
from onnx import numpy_helper


def varint(b, i):
    v = s = 0
    while True:
        c = b[i]; i += 1
        v |= (c & 0x7F) << s; s += 7
        if c < 0x80:
            return v, i


def fields(b):
    i = 0
    while i < len(b):
        key, i = varint(b, i)
        num, wt = key >> 3, key & 7
        if wt == 0:
            v, i = varint(b, i)
        elif wt == 2:
            n, i = varint(b, i); v = b[i:i + n]; i += n
        elif wt == 1:
            v = b[i:i + 8]; i += 8
        elif wt == 5:
            v = b[i:i + 4]; i += 4
        else:
            raise ValueError("wire type")
        yield num, v


def bundle_ptx(path):
    """The PTX text of a bundle (Bundle.code = 8, DeviceCode.ptx = 4)."""
    data = open(path, "rb").read()[20:]  # the bundle header: magic, version, length
    for num, v in fields(data):
        if num == 8:
            for n2, v2 in fields(v):
                if n2 == 4:
                    return v2.decode()
    return ""


def load_pb(path):
    t = onnx.TensorProto()
    t.ParseFromString(open(path, "rb").read())
    return numpy_helper.to_array(t)


def numbered(d, prefix):
    files = glob.glob(os.path.join(d, prefix + "_*.pb"))
    return sorted(files, key=lambda p: int(re.search(r"_(\d+)\.pb$", p).group(1)))


def main():
    runner, cases, bundles, work = sys.argv[1:5]
    bench = int(sys.argv[sys.argv.index("--bench") + 1]) if "--bench" in sys.argv else 0
    os.makedirs(work, exist_ok=True)
    names = sorted(f[:-6] for f in os.listdir(bundles) if f.endswith(".flowc"))
    not_compiled = sorted(f[:-4] for f in os.listdir(bundles) if f.endswith(".err"))
    lines, expected, unreadable = [], {}, []
    for name in names:
        data = os.path.join(cases, name, "test_data_set_0")
        try:
            ins = [load_pb(p) for p in numbered(data, "input")]
            outs = [load_pb(p) for p in numbered(data, "output")]
        except Exception as e:  # sequences / optionals: not tensors
            unreadable.append((name, str(e)[:80]))
            continue
        d = os.path.join(work, name)
        os.makedirs(d, exist_ok=True)
        paths = []
        for i, a in enumerate(ins):
            p = os.path.join(d, f"in_{i}.bin")
            np.ascontiguousarray(a).tofile(p)
            paths.append(p)
        lines.append(" ".join([os.path.join(bundles, name + ".flowc"), d] + paths))
        expected[name] = outs
    listfile = os.path.join(work, "list.txt")
    open(listfile, "w").write("\n".join(lines) + "\n")
    cmd = [runner, listfile] + (["--bench", str(bench)] if bench else [])
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        print(res.stderr)
    status, benches = {}, []
    for line in res.stdout.splitlines():
        if line.startswith("ok ") or line.startswith("error "):
            kind, rest = line.split(" ", 1)
            b = rest.split(":", 1)[0].strip() if kind == "error" else rest.strip()
            status[os.path.basename(b)[:-6]] = (kind, rest)
        elif line.startswith("bench "):
            benches.append(line)
    passed, failed, errors = [], [], []
    for name, outs in expected.items():
        kind, rest = status.get(name, ("error", "no status (runner crashed?)"))
        if kind != "ok":
            errors.append((name, rest[:200]))
            continue
        ok, why = True, ""
        for i, e in enumerate(outs):
            p = os.path.join(work, name, f"output_{i}.bin")
            got = np.fromfile(p, dtype=e.dtype)
            if got.size != e.size:
                ok, why = False, f"output {i}: {got.size} elements, expected {e.size}"
                break
            got = got.reshape(e.shape)
            # bfloat16 / float8 (ml_dtypes) are floats numpy does not class as such.
            is_float = np.issubdtype(e.dtype, np.floating) or e.dtype.kind == "V" or "float" in str(e.dtype)
            if is_float:
                # bfloat16: two ULPs relative, as ONNX's runner and `flowc test-onnx` allow.
                rtol = 2.0 ** -6 if "bfloat16" in str(e.dtype) else 1e-3
                good = np.allclose(got.astype(np.float64), e.astype(np.float64), rtol=rtol, atol=1e-5, equal_nan=True)
                if not good:
                    err = np.nanmax(np.abs(got.astype(np.float64) - e.astype(np.float64)))
                    ok, why = False, f"output {i}: max abs error {err:.3g}"
                    break
            elif not np.array_equal(got, e):
                ok, why = False, f"output {i}: values differ"
                break
        (passed if ok else failed).append((name, why))
    out = os.environ.get("OUT", work)
    with open(os.path.join(out, os.path.basename(os.path.normpath(bundles)) + "_results.txt"), "w") as f:
        for n, w in failed:
            f.write(f"FAIL {n}: {w}\n")
        for n, w in errors:
            f.write(f"ERROR {n}: {w}\n")
        for n, w in unreadable:
            f.write(f"UNREADABLE {n}: {w}\n")
        for n in not_compiled:
            f.write(f"NOT_COMPILED {n}\n")
        for b in benches:
            f.write(b + "\n")
    ptx_fail = []
    if "--ptxas" in sys.argv:
        def check(name):
            p = os.path.join(work, name + ".ptx")
            open(p, "w").write(bundle_ptx(os.path.join(bundles, name + ".flowc")))
            r = subprocess.run(["ptxas", "-arch=sm_90", p, "-o", p + ".cubin"], capture_output=True, text=True)
            return name, r.returncode, r.stderr[:200]
        with concurrent.futures.ThreadPoolExecutor(16) as ex:
            for name, rc, err in ex.map(check, names):
                if rc != 0:
                    ptx_fail.append((name, err))
        print(f"{bundles}: ptxas -arch=sm_90: {len(names) - len(ptx_fail)} of {len(names)} PTX files assemble")
        for n, e in ptx_fail[:5]:
            print("  ptxas failed:", n, e)
    for b in benches:
        print(b)
    for n, w in (failed + errors)[:15]:
        print("  not passed:", n, w)
    print(f"{bundles}: {len(names) + len(not_compiled)} cases, {len(not_compiled)} not compiled, "
          f"{len(unreadable)} without tensor data, {len(expected)} run: {len(passed)} passed, "
          f"{len(failed)} wrong, {len(errors)} errors")


if __name__ == "__main__":
    main()
