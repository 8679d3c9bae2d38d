#!/usr/bin/env python3
"""The ONNX node conformance cases, down-converted to old opsets: a check of the importer's
rewrites of old operator forms (axes attributes, Clip / Pad / Slice / TopK attributes, Split,
Resize / Upsample, ...) against the cases' expected outputs.

    pip install onnx==1.23.2 numpy
    cargo build -p flowc
    tools/onnx/old-opset-conformance.py [--cases target/onnx-node-tests] [--output target/onnx-old-opset-tests]

Each case of the node test cache (tools/onnx/gen-node-tests.py) is converted with
`onnx.version_converter` to opsets 12, 10, 9 and 7 where the converter can; the converted model
keeps the case's inputs and expected outputs, and `flowc test-onnx` runs them all. The run fails
when a case fails other than the known converter artifacts below, or reports an error.

Known artifacts: onnx's converter turns Softmax / LogSoftmax / Hardmax 13 into 12 by relabelling
the opset only, although before 13 these ops normalize over the flattened trailing dims; the
expected outputs (axis semantics of 13) then do not hold for axes other than the last, and flowc
(like onnxruntime) computes the old semantics.
"""

import argparse
import glob
import os
import re
import subprocess
import sys
import warnings

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
TARGETS = (12, 10, 9, 7)
ARTIFACT = re.compile(r"^test_(log)?softmax_.*|^test_hardmax_.*")


def convert(cases, output):
    import onnx
    from onnx import version_converter

    warnings.filterwarnings("ignore")
    os.makedirs(output, exist_ok=True)
    made = 0
    for case in sorted(os.listdir(cases)):
        path = os.path.join(cases, case, "model.onnx")
        if not os.path.exists(path):
            continue
        model = onnx.load(path)
        current = [o.version for o in model.opset_import if o.domain in ("", "ai.onnx")]
        if not current:
            continue
        for target in TARGETS:
            if target >= current[0]:
                continue
            try:
                converted = version_converter.convert_version(model, target)
                onnx.checker.check_model(converted)
            except Exception:
                continue
            out = os.path.join(output, f"{case}__opset{target}")
            os.makedirs(out, exist_ok=True)
            onnx.save(converted, os.path.join(out, "model.onnx"))
            for extra in glob.glob(os.path.join(cases, case, "test_data_set_*")) + glob.glob(
                    os.path.join(cases, case, "tolerance.txt")):
                link = os.path.join(out, os.path.basename(extra))
                if not os.path.lexists(link):
                    os.symlink(os.path.abspath(extra), link)
            made += 1
    return made


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", default=os.path.join(ROOT, "target", "onnx-node-tests"))
    ap.add_argument("--output", default=os.path.join(ROOT, "target", "onnx-old-opset-tests"))
    ap.add_argument("--flowc", default=os.path.join(ROOT, "target", "debug", "flowc"))
    args = ap.parse_args()
    if not os.path.isdir(args.cases):
        print(f"old-opset-conformance: no node test cases in {args.cases} (run tools/onnx/conformance.sh first)")
        return 1
    made = convert(args.cases, args.output)
    print(f"old-opset-conformance: {made} down-converted cases in {args.output}")
    r = subprocess.run([args.flowc, "test-onnx", args.output, "--verbose"], capture_output=True, text=True)
    report = r.stdout + r.stderr
    summary = [l for l in report.splitlines() if "cases passed" in l]
    print(summary[-1] if summary else report[-2000:])
    bad = []
    for line in report.splitlines():
        m = re.match(r"^\s*(FAIL|ERROR|failed|error)\b.*?(test_\S+__opset\d+)", line)
        if m and not ARTIFACT.match(m.group(2)):
            bad.append(line.strip())
    if bad:
        print("unexpected failures:")
        print("\n".join(bad))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
