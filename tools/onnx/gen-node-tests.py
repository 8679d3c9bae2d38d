#!/usr/bin/env python3
"""Writes the ONNX backend node test cases into a cache directory for `flowc test-onnx`.

Needs the `onnx` package (and numpy); this script installs nothing itself:

    pip install onnx==1.23.2 numpy
    tools/onnx/gen-node-tests.py [--output target/onnx-node-tests] [--filter SUBSTR]

Each case becomes a directory laid out like ONNX's own `onnx/backend/test/data/node/<case>/`:

    <case>/model.onnx
    <case>/test_data_set_<k>/input_<i>.pb    TensorProto (SequenceProto / OptionalProto / MapProto
    <case>/test_data_set_<k>/output_<i>.pb   for inputs and outputs of those types)

Cases come from `onnx.backend.test.case.node.collect_testcases()`; onnx 1.23.2 has 1,884 of them.
The directory is a cache (under target/, never committed): the script removes and rewrites it.
Cases whose tolerances differ from ONNX's defaults (rtol=1e-3, atol=1e-7) also get a
`tolerance.txt` holding `rtol atol`, which `flowc test-onnx` reads.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import warnings

DEFAULT_RTOL = 1e-3
DEFAULT_ATOL = 1e-7


def serialize_value(value, value_type, name: str) -> bytes:
    """One input or output as ONNX's own backend test data writes it (cmd_tools.generate_data)."""
    from onnx import TensorProto, numpy_helper

    if value_type.HasField("map_type"):
        return numpy_helper.from_dict(value, name).SerializeToString()
    if value_type.HasField("sequence_type"):
        return numpy_helper.from_list(value, name).SerializeToString()
    if value_type.HasField("optional_type"):
        return numpy_helper.from_optional(value, name).SerializeToString()
    if isinstance(value, TensorProto):
        return value.SerializeToString()
    return numpy_helper.from_array(value, name).SerializeToString()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser.add_argument(
        "--output",
        "-o",
        default=os.path.join(root, "target", "onnx-node-tests"),
        help="cache directory to (re)write (default: %(default)s)",
    )
    parser.add_argument("--filter", default=None, help="only cases whose name contains this")
    args = parser.parse_args()

    try:
        import onnx
        from onnx.backend.test.case.node import collect_testcases
    except ImportError as e:
        print(f"gen-node-tests: {e}; install with: pip install onnx==1.23.2 numpy", file=sys.stderr)
        return 2

    # The case generators cast out-of-range values on purpose; numpy warns about each.
    warnings.simplefilter("ignore")
    cases = collect_testcases()

    out = args.output
    tmp = out + ".tmp"
    if os.path.exists(tmp):
        shutil.rmtree(tmp)
    os.makedirs(tmp)

    written = 0
    for case in cases:
        if args.filter and args.filter not in case.name:
            continue
        if case.model is None or not case.data_sets:
            continue
        case_dir = os.path.join(tmp, case.name)
        os.makedirs(case_dir)
        model = case.model
        with open(os.path.join(case_dir, "model.onnx"), "wb") as f:
            f.write(model.SerializeToString())
        rtol = case.rtol if case.rtol is not None else DEFAULT_RTOL
        atol = case.atol if case.atol is not None else DEFAULT_ATOL
        if (rtol, atol) != (DEFAULT_RTOL, DEFAULT_ATOL):
            with open(os.path.join(case_dir, "tolerance.txt"), "w") as f:
                f.write(f"{rtol!r} {atol!r}\n")
        for k, (inputs, outputs) in enumerate(case.data_sets):
            data_dir = os.path.join(case_dir, f"test_data_set_{k}")
            os.makedirs(data_dir)
            for i, value in enumerate(inputs):
                info = model.graph.input[i]
                with open(os.path.join(data_dir, f"input_{i}.pb"), "wb") as f:
                    f.write(serialize_value(value, info.type, info.name))
            for i, value in enumerate(outputs):
                info = model.graph.output[i]
                with open(os.path.join(data_dir, f"output_{i}.pb"), "wb") as f:
                    f.write(serialize_value(value, info.type, info.name))
        written += 1

    if os.path.exists(out):
        shutil.rmtree(out)
    os.rename(tmp, out)
    print(f"wrote {written} ONNX node test cases (onnx {onnx.__version__}) to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
