//! Runs the `flowc` binary on small ONNX models built here with flowc-onnx's prost types:
//! `flowc run` (positional / named / `.npy` inputs, outputs written as named TensorProtos,
//! argument and input errors) and `flowc test-onnx` (classification, expected-failures list,
//! JSON).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use flowc_onnx::proto::{
    GraphProto, ModelProto, NodeProto, OperatorSetIdProto, TensorProto, TensorShapeProto,
    TypeProto, ValueInfoProto, tensor_shape_proto, type_proto,
};
use flowc_tensor::Tensor;
use prost::Message;

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn flowc(args: &[&str]) -> Out {
    let out = Command::new(env!("CARGO_BIN_EXE_flowc"))
        .args(args)
        .output()
        .expect("spawn flowc");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A fresh, empty directory under the test temp dir.
fn temp_dir(tag: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("flowc-cli-{}-{tag}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

enum D {
    N(i64),
    P(&'static str),
}

fn value_info(name: &str, elem: i32, dims: &[D]) -> ValueInfoProto {
    ValueInfoProto {
        name: Some(name.to_string()),
        r#type: Some(TypeProto {
            value: Some(type_proto::Value::TensorType(type_proto::Tensor {
                elem_type: Some(elem),
                shape: Some(TensorShapeProto {
                    dim: dims
                        .iter()
                        .map(|d| tensor_shape_proto::Dimension {
                            value: Some(match d {
                                D::N(n) => tensor_shape_proto::dimension::Value::DimValue(*n),
                                D::P(p) => {
                                    tensor_shape_proto::dimension::Value::DimParam(p.to_string())
                                }
                            }),
                            denotation: None,
                        })
                        .collect(),
                }),
            })),
            denotation: None,
        }),
        doc_string: None,
    }
}

fn node(op: &str, inputs: &[&str], outputs: &[&str]) -> NodeProto {
    NodeProto {
        input: inputs.iter().map(|s| s.to_string()).collect(),
        output: outputs.iter().map(|s| s.to_string()).collect(),
        name: Some(format!("{}_node", outputs[0])),
        op_type: Some(op.to_string()),
        ..Default::default()
    }
}

fn model(
    nodes: Vec<NodeProto>,
    inputs: Vec<ValueInfoProto>,
    outputs: Vec<ValueInfoProto>,
) -> Vec<u8> {
    ModelProto {
        ir_version: Some(8),
        opset_import: vec![OperatorSetIdProto {
            domain: Some(String::new()),
            version: Some(17),
        }],
        graph: Some(GraphProto {
            node: nodes,
            name: Some("g".to_string()),
            input: inputs,
            output: outputs,
            ..Default::default()
        }),
        ..Default::default()
    }
    .encode_to_vec()
}

const F32: i32 = 1;
const F64: i32 = 11;

/// `sum = x + y` (x: f32 [N, 3], y: f32 [1, 3]) and `act = Relu(sum)`.
fn add_relu_model(dir: &Path) -> PathBuf {
    let path = dir.join("add_relu.onnx");
    let bytes = model(
        vec![
            node("Add", &["x", "y"], &["sum"]),
            node("Relu", &["sum"], &["act"]),
        ],
        vec![
            value_info("x", F32, &[D::P("N"), D::N(3)]),
            value_info("y", F32, &[D::N(1), D::N(3)]),
        ],
        vec![
            value_info("sum", F32, &[D::P("N"), D::N(3)]),
            value_info("act", F32, &[D::P("N"), D::N(3)]),
        ],
    );
    std::fs::write(&path, bytes).unwrap();
    path
}

fn write_pb(dir: &Path, file: &str, t: &Tensor, name: &str) -> PathBuf {
    let path = dir.join(file);
    flowc_onnx::write_named_tensor_pb(&path, t, name).unwrap();
    path
}

fn f32s(shape: Vec<usize>, v: &[f32]) -> Tensor {
    Tensor::from_vec(shape, v.to_vec()).unwrap()
}

fn standard_inputs(dir: &Path) -> (PathBuf, PathBuf) {
    let x = write_pb(
        dir,
        "x.pb",
        &f32s(vec![2, 3], &[1., -2., 3., -4., 5., -6.]),
        "x",
    );
    let y = write_pb(dir, "y.pb", &f32s(vec![1, 3], &[0.5, 0.5, 0.5]), "y");
    (x, y)
}

fn check_outputs(out_dir: &Path) {
    let sum = flowc_onnx::read_tensor_pb(out_dir.join("output_0.pb")).unwrap();
    let act = flowc_onnx::read_tensor_pb(out_dir.join("output_1.pb")).unwrap();
    assert_eq!(sum, f32s(vec![2, 3], &[1.5, -1.5, 3.5, -3.5, 5.5, -5.5]));
    assert_eq!(act, f32s(vec![2, 3], &[1.5, 0.0, 3.5, 0.0, 5.5, 0.0]));
    // Each output file is a TensorProto named after the graph output.
    let bytes = std::fs::read(out_dir.join("output_1.pb")).unwrap();
    let tp = TensorProto::decode(bytes.as_slice()).unwrap();
    assert_eq!(tp.name(), "act");
}

#[test]
fn run_positional_inputs_writes_outputs() {
    let dir = temp_dir("positional");
    let m = add_relu_model(&dir);
    let (x, y) = standard_inputs(&dir);
    let out_dir = dir.join("out");
    let o = flowc(&[
        "run",
        s(&m),
        "--input",
        s(&x),
        "--input",
        s(&y),
        "--output-dir",
        s(&out_dir),
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(
        o.stdout,
        "output 0 'sum': f32 [2, 3]\noutput 1 'act': f32 [2, 3]\n"
    );
    check_outputs(&out_dir);
}

#[test]
fn run_named_and_npy_inputs() {
    let dir = temp_dir("named");
    let m = add_relu_model(&dir);
    let (_, y) = standard_inputs(&dir);
    let x_npy = dir.join("x.npy");
    flowc_tensor::npy::write_npy(&x_npy, &f32s(vec![2, 3], &[1., -2., 3., -4., 5., -6.])).unwrap();
    let out_dir = dir.join("out");
    let y_arg = format!("y={}", s(&y));
    let x_arg = format!("x={}", s(&x_npy));
    let o = flowc(&[
        "run",
        s(&m),
        "-i",
        &y_arg,
        "-i",
        &x_arg,
        "--output-dir",
        s(&out_dir),
        "--target",
        "interp",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    check_outputs(&out_dir);
}

#[test]
fn symbolic_dims_accept_any_size() {
    let dir = temp_dir("symbolic");
    let m = add_relu_model(&dir);
    let x = write_pb(&dir, "x.pb", &f32s(vec![1, 3], &[1., 2., 3.]), "x");
    let y = write_pb(&dir, "y.pb", &f32s(vec![1, 3], &[1., 1., 1.]), "y");
    let out_dir = dir.join("out");
    let o = flowc(&[
        "run",
        s(&m),
        "--input",
        s(&x),
        "--input",
        s(&y),
        "--output-dir",
        s(&out_dir),
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout.starts_with("output 0 'sum': f32 [1, 3]\n"),
        "{}",
        o.stdout
    );
}

#[test]
fn input_errors_exit_1_and_name_the_file() {
    let dir = temp_dir("errors");
    let m = add_relu_model(&dir);
    let (x, y) = standard_inputs(&dir);
    let out = dir.join("out");
    let out = s(&out);

    // Too few inputs.
    let o = flowc(&["run", s(&m), "--input", s(&x), "--output-dir", out]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr
            .contains("the model has 2 inputs ('x': f32 [N, 3], 'y': f32 [1, 3]), but 1 was given"),
        "{}",
        o.stderr
    );

    // Wrong shape in a fixed dimension.
    let bad = write_pb(&dir, "bad_shape.pb", &f32s(vec![1, 2], &[1., 2.]), "y");
    let o = flowc(&[
        "run",
        s(&m),
        "--input",
        s(&x),
        "--input",
        s(&bad),
        "--output-dir",
        out,
    ]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("input 'y'"), "{}", o.stderr);
    assert!(o.stderr.contains("bad_shape.pb"), "{}", o.stderr);
    assert!(
        o.stderr
            .contains("shape [1, 2] does not match the model's f32 [1, 3]"),
        "{}",
        o.stderr
    );

    // Wrong dtype.
    let bad = write_pb(
        &dir,
        "bad_dtype.pb",
        &Tensor::from_vec(vec![1, 3], vec![1f64, 2., 3.]).unwrap(),
        "y",
    );
    let o = flowc(&[
        "run",
        s(&m),
        "--input",
        s(&x),
        "--input",
        s(&bad),
        "--output-dir",
        out,
    ]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr
            .contains("bad_dtype.pb): dtype f64 does not match the model's f32"),
        "{}",
        o.stderr
    );

    // A missing input file, an unreadable one, an unknown input name.
    let o = flowc(&[
        "run",
        s(&m),
        "--input",
        s(&x),
        "--input",
        "/nonexistent/y.pb",
        "--output-dir",
        out,
    ]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("/nonexistent/y.pb"), "{}", o.stderr);
    let junk = dir.join("junk.pb");
    std::fs::write(&junk, b"\xff\xff\xff\xff not a tensor").unwrap();
    let o = flowc(&[
        "run",
        s(&m),
        "--input",
        s(&x),
        "--input",
        s(&junk),
        "--output-dir",
        out,
    ]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("junk.pb"), "{}", o.stderr);
    let q = format!("q={}", s(&y));
    let o = flowc(&[
        "run",
        s(&m),
        "--input",
        s(&x),
        "--input",
        &q,
        "--output-dir",
        out,
    ]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("no input named 'q'"), "{}", o.stderr);
}

#[test]
fn model_errors_exit_1_without_panicking() {
    let dir = temp_dir("model-errors");
    let (x, y) = standard_inputs(&dir);
    let out = dir.join("out");
    let o = flowc(&[
        "run",
        "/nonexistent/m.onnx",
        "-i",
        s(&x),
        "-i",
        s(&y),
        "-o",
        s(&out),
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("/nonexistent/m.onnx"), "{}", o.stderr);
    for (i, bytes) in [
        &b"garbage\xff\xfe"[..],
        b"",
        &model(vec![], vec![], vec![])[..10],
    ]
    .iter()
    .enumerate()
    {
        let m = dir.join(format!("bad{i}.onnx"));
        std::fs::write(&m, bytes).unwrap();
        let o = flowc(&["run", s(&m), "-i", s(&x), "-o", s(&out)]);
        assert_eq!(o.code, 1, "{}", o.stderr);
        assert!(o.stderr.starts_with("flowc: error: "), "{}", o.stderr);
        assert!(!o.stderr.contains("panicked"), "{}", o.stderr);
    }
    // An op flowc does not know.
    let m = dir.join("unknown_op.onnx");
    std::fs::write(
        &m,
        model(
            vec![node("NoSuchOp", &["x"], &["z"])],
            vec![value_info("x", F32, &[D::N(2), D::N(3)])],
            vec![value_info("z", F32, &[D::N(2), D::N(3)])],
        ),
    )
    .unwrap();
    let x23 = write_pb(&dir, "x23.pb", &f32s(vec![2, 3], &[0.; 6]), "x");
    let o = flowc(&["run", s(&m), "-i", s(&x23), "-o", s(&out)]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("NoSuchOp"), "{}", o.stderr);
}

#[test]
fn argument_errors() {
    let o = flowc(&[]);
    assert_eq!(o.code, 1);
    let o = flowc(&["frobnicate"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("frobnicate"), "{}", o.stderr);
    let o = flowc(&["run", "m.onnx"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("--output-dir"), "{}", o.stderr);
    let o = flowc(&["run", "m.onnx", "-o", "out", "--target", "tpu"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("interp"), "{}", o.stderr);
    let o = flowc(&["--help"]);
    assert_eq!(o.code, 0);
    assert!(o.stdout.contains("test-onnx"), "{}", o.stdout);
    let o = flowc(&["test-onnx", "/nonexistent/cases"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("/nonexistent/cases"), "{}", o.stderr);
}

/// Writes an ONNX-test-style case directory.
fn write_case(
    root: &Path,
    name: &str,
    model_bytes: Vec<u8>,
    inputs: &[(&str, Tensor)],
    outputs: &[(&str, Tensor)],
) {
    let dir = root.join(name);
    let data = dir.join("test_data_set_0");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(dir.join("model.onnx"), model_bytes).unwrap();
    for (i, (n, t)) in inputs.iter().enumerate() {
        write_pb(&data, &format!("input_{i}.pb"), t, n);
    }
    for (i, (n, t)) in outputs.iter().enumerate() {
        write_pb(&data, &format!("output_{i}.pb"), t, n);
    }
}

fn relu_model(elem: i32) -> Vec<u8> {
    model(
        vec![node("Relu", &["x"], &["y"])],
        vec![value_info("x", elem, &[D::N(3)])],
        vec![value_info("y", elem, &[D::N(3)])],
    )
}

/// test_relu passes, test_relu_wrong fails (wrong expected values), test_unknown is unsupported.
fn conformance_cases() -> PathBuf {
    let root = temp_dir("cases");
    let x = f32s(vec![3], &[-1., 0.5, 2.]);
    let y = f32s(vec![3], &[0., 0.5, 2.]);
    write_case(
        &root,
        "test_relu",
        relu_model(F32),
        &[("x", x.clone())],
        &[("y", y.clone())],
    );
    let y_bad = f32s(vec![3], &[0., 0.5, 2.5]);
    write_case(
        &root,
        "test_relu_wrong",
        relu_model(F32),
        &[("x", x.clone())],
        &[("y", y_bad)],
    );
    let unknown = model(
        vec![node("NoSuchOp", &["x"], &["y"])],
        vec![value_info("x", F32, &[D::N(3)])],
        vec![value_info("y", F32, &[D::N(3)])],
    );
    write_case(&root, "test_unknown", unknown, &[("x", x)], &[("y", y)]);
    let _ = F64;
    root
}

#[test]
fn test_onnx_classifies_and_summarizes() {
    let root = conformance_cases();
    let o = flowc(&["test-onnx", s(&root), "--jobs", "2"]);
    assert_eq!(o.code, 1, "not every case passes: {}{}", o.stdout, o.stderr);
    assert!(
        o.stdout
            .contains("1 of 3 cases passed [1 passed, 1 failed, 1 unsupported, 0 error]"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout
            .contains("failed, by op:\n  Relu (1): test_relu_wrong"),
        "{}",
        o.stdout
    );
    assert!(o.stdout.contains("max abs error 5.000e-1"), "{}", o.stdout);
    assert!(
        o.stdout
            .contains("unsupported, by op:\n  NoSuchOp (1): test_unknown"),
        "{}",
        o.stdout
    );

    let o = flowc(&["test-onnx", s(&root), "--filter", "relu", "--json"]);
    assert!(o.stdout.starts_with('{'), "{}", o.stdout);
    assert!(
        o.stdout
            .contains("\"total\": 2, \"passed\": 1, \"failed\": 1"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout.contains("\"name\": \"test_relu_wrong\""),
        "{}",
        o.stdout
    );

    // A single case directory works too.
    let o = flowc(&["test-onnx", s(&root.join("test_relu"))]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
}

#[test]
fn test_onnx_expected_failures() {
    let root = conformance_cases();
    let list = root.join("expected.txt");
    let o = flowc(&["test-onnx", s(&root), "--write-expected-failures", s(&list)]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let text = std::fs::read_to_string(&list).unwrap();
    assert!(
        text.contains("\ntest_relu_wrong  # failed (Relu): "),
        "{text}"
    );
    assert!(
        text.contains("\ntest_unknown  # unsupported (NoSuchOp): "),
        "{text}"
    );
    assert!(!text.contains("\ntest_relu "), "{text}");

    // The run matches the list.
    let o = flowc(&["test-onnx", s(&root), "--expected-failures", s(&list)]);
    assert_eq!(o.code, 0, "{}", o.stderr);

    // A listed case that passes must be removed from the list.
    std::fs::write(&list, format!("{text}test_relu\n")).unwrap();
    let o = flowc(&["test-onnx", s(&root), "--expected-failures", s(&list)]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr
            .contains("unexpectedly passed — remove them from the list:\n  test_relu\n"),
        "{}",
        o.stderr
    );

    // A failing case that is not listed fails the run.
    std::fs::write(&list, "# only one\ntest_unknown\n").unwrap();
    let o = flowc(&["test-onnx", s(&root), "--expected-failures", s(&list)]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("1 case(s) not in"), "{}", o.stderr);
    assert!(
        o.stderr.contains("test_relu_wrong [Relu] failed"),
        "{}",
        o.stderr
    );

    // Writing with --filter keeps the entries of cases that did not run.
    let o = flowc(&[
        "test-onnx",
        s(&root),
        "--filter",
        "relu",
        "--write-expected-failures",
        s(&list),
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let text = std::fs::read_to_string(&list).unwrap();
    assert!(text.contains("\ntest_unknown\n"), "{text}");
    assert!(text.contains("\ntest_relu_wrong  # failed"), "{text}");
}
