//! Runs the `flowc-opt` binary: options, pipelines, split input, diagnostics verification, IR
//! printing, reports, exit codes, and inputs that must not crash it.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_with(args: &[&str], stdin: Option<&[u8]>, env: &[(&str, &str)]) -> Out {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_flowc-opt"));
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd.env_remove("FLOWC_LOG");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn flowc-opt");
    {
        let mut input = child.stdin.take().unwrap();
        // The tool may exit before reading (bad options); a broken pipe is fine.
        let _ = input.write_all(stdin.unwrap_or(b""));
    }
    let out = child.wait_with_output().expect("wait for flowc-opt");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn run(args: &[&str]) -> Out {
    run_with(args, None, &[])
}

/// Writes `text` to a fresh file in the test temp dir.
fn file(text: impl AsRef<[u8]>) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("flowc-opt-cli-{}-{n}.mlir", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

const FUNCS: &str = "\
func.func @f(%a: i32) -> i32 {
  return %a : i32
}
func.func @g() {
  return
}
";

#[test]
fn help_lists_every_pass_with_summary_and_options() {
    let out = run(&["--help"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for needle in [
        "Passes:",
        "--test-count-ops",
        "Test pass counting the operations nested in the op",
        "emit-remark=<false>",
        "--test-mark-func",
        "--print-ir",
        "--pass-pipeline",
        "--split-input-file",
        "--verify-diagnostics",
        "--mlir-print-ir-after-all",
        "--mlir-timing",
    ] {
        assert!(
            out.stdout.contains(needle),
            "--help lacks {needle:?}:\n{}",
            out.stdout
        );
    }
    let out = run(&["--list-passes"]);
    assert_eq!(out.code, 0);
    assert!(
        out.stdout
            .contains("--test-pass-failure  Test pass that always fails"),
        "{}",
        out.stdout
    );
}

#[test]
fn version() {
    let out = run(&["--version"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.starts_with("flowc-opt "), "{}", out.stdout);
}

#[test]
fn bad_pipeline_is_a_located_error() {
    let input = file(FUNCS);
    let out = run(&[
        &input,
        "--pass-pipeline=builtin.module(func.func(test-mark-func),foo)",
    ]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "<pass-pipeline>:1:42: error: unknown pass 'foo'\n\
         builtin.module(func.func(test-mark-func),foo)\n\
         \x20                                        ^\n"
    );
    assert_eq!(out.stdout, "");

    let out = run(&[&input, "--pass-pipeline=builtin.module(test-mark-func"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .contains("error: expected ')' to close the '(' at column 15"),
        "{}",
        out.stderr
    );

    let out = run(&[&input, "--pass-pipeline=builtin.module(test-mark-func)"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains(
            "pass 'test-mark-func' restricted to 'func.func' can't be scheduled on 'builtin.module'"
        ),
        "{}",
        out.stderr
    );

    let out = run(&[&input, "--pass-pipeline=test-mark"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .contains("expected pass pipeline to be wrapped with the anchor operation type"),
        "{}",
        out.stderr
    );

    let out = run(&[&input, "--pass-pipeline=func.func(test-mark)"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .contains("error: can't run 'func.func' pass manager on 'builtin.module' op"),
        "{}",
        out.stderr
    );
}

#[test]
fn bad_pass_flags() {
    let input = file(FUNCS);
    let out = run(&[
        &input,
        "--pass-pipeline=builtin.module(test-mark)",
        "--test-count-ops",
    ]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .contains("'--pass-pipeline' option can't be used with individual pass options"),
        "{}",
        out.stderr
    );

    let out = run(&[&input, "--test-count-ops=max=3"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .contains("unknown option 'max' for pass 'test-count-ops'; valid options: emit-remark"),
        "{}",
        out.stderr
    );

    let out = run(&[&input, "--test-count-ops=emit-remark=maybe"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .contains("invalid value 'maybe' for option 'emit-remark'"),
        "{}",
        out.stderr
    );

    let out = run(&[&input, "--no-such-flag"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("--no-such-flag"), "{}", out.stderr);
}

#[test]
fn missing_input_file() {
    let out = run(&["/nonexistent/dir/input.mlir"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "flowc-opt: error: could not open input file '/nonexistent/dir/input.mlir': No such file or directory\n"
    );
}

#[test]
fn reads_stdin_and_runs_flags_in_order_with_auto_nesting() {
    let out = run_with(
        &[
            "--test-mark-func=attr=first",
            "--test-count-ops",
            "-test-mark-func=attr=second",
            "--dump-pass-pipeline",
        ],
        Some(FUNCS.as_bytes()),
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.starts_with(
            "Pass Manager with 3 passes:\nbuiltin.module(\n  func.func(\n    test-mark-func{attr=first}\n  ),\n  \
             test-count-ops{emit-remark=false},\n  func.func(\n    test-mark-func{attr=second}\n  )\n)\n"
        ),
        "{}",
        out.stderr
    );
    assert!(
        out.stdout
            .contains("func.func @f(%arg0: i32) -> i32 attributes {first, second}"),
        "{}",
        out.stdout
    );

    // `-` is stdin too.
    let out = run_with(&["-"], Some(FUNCS.as_bytes()), &[]);
    assert_eq!(out.code, 0);
    assert!(
        out.stdout.starts_with("module {\n  func.func @f"),
        "{}",
        out.stdout
    );
}

#[test]
fn split_input_file_keeps_line_numbers_and_other_chunks() {
    let input = file(
        "\
func.func @ok1() {
  return
}
// -----
func.func @bad() {
  %0 = \"dummy.unknown\"() : () -> i32
  return
}
// -----
func.func @ok2() {
  return
}
",
    );
    let out = run(&[&input, "--split-input-file"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stdout,
        "module {\n  func.func @ok1() {\n    func.return\n  }\n}\n// -----\n// -----\nmodule {\n  func.func @ok2() {\n    func.return\n  }\n}\n"
    );
    // The error is on line 6 of the file (line 2 of its chunk).
    assert!(
        out.stderr.starts_with(&format!("{input}:6:")),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("  %0 = \"dummy.unknown\"() : () -> i32\n"),
        "{}",
        out.stderr
    );

    // Without splitting, the whole file is one module: the error still stops it.
    let out = run(&[&input]);
    assert_eq!(out.code, 1);
    assert_eq!(out.stdout, "");

    // A custom output marker.
    let out = run(&[
        &input,
        "--split-input-file",
        "--output-split-marker=// ====",
        "--allow-unregistered-dialect",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout.matches("// ====\n").count(), 2);
}

#[test]
fn verify_diagnostics_success() {
    let input = file(
        "\
// expected-error @below {{use of undeclared SSA value name}}
\"dummy.op\"(%x) : (i32) -> ()
// -----
func.func @f() {
  // expected-error @+1 {{boom}}
  \"dummy.op\"() {test.error = \"boom\"} : () -> ()
  // expected-warning @+2 {{careful}}
  // expected-note @+1 {{see here}}
  \"dummy.op\"() {test.warning = \"careful\", test.note = \"see here\"} : () -> ()
  return
}
// -----
func.func @g() {
  \"dummy.op\"() {test.remark = \"just saying\"} : () -> () // expected-remark {{just saying}}
  return
}
",
    );
    let out = run(&[
        &input,
        "--split-input-file",
        "--verify-diagnostics",
        "--allow-unregistered-dialect",
        "--test-diagnostics",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stderr, "");
    // The successful chunk is still printed; failed ones are not.
    assert_eq!(out.stdout.matches("// -----\n").count(), 2);
    assert!(out.stdout.contains("func.func @g()"), "{}", out.stdout);
    assert!(!out.stdout.contains("func.func @f()"), "{}", out.stdout);
}

#[test]
fn verify_diagnostics_failures() {
    let input = file(
        "\
func.func @f() {
  // expected-error @+1 {{not this}}
  \"dummy.op\"() {test.error = \"boom\"} : () -> ()
  return
}
// -----
// expected-error @+1 {{never}}
func.func @g() {
  return
}
",
    );
    let out = run(&[
        &input,
        "--split-input-file",
        "--verify-diagnostics",
        "--allow-unregistered-dialect",
        "--test-diagnostics",
    ]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        format!(
            "{input}:3:3: error: unexpected error: boom\n  \"dummy.op\"() {{test.error = \"boom\"}} : () -> ()\n  ^\n\
             {input}:2:6: error: expected error \"not this\" was not produced\n  // expected-error @+1 {{{{not this}}}}\n     ^\n\
             {input}:7:4: error: expected error \"never\" was not produced\n// expected-error @+1 {{{{never}}}}\n   ^\n"
        )
    );
    assert!(out.stdout.contains("func.func @g()"), "{}", out.stdout);
}

#[test]
fn pass_failure_and_verify_each() {
    let input = file(FUNCS);
    let out = run(&[&input, "--test-pass-failure=message=\"it broke\""]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .contains(&format!("{input}:1:1: error: it broke")),
        "{}",
        out.stderr
    );
    assert_eq!(out.stdout, "");

    let out = run(&[&input, "--test-invalid-ir"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(out.stderr.contains("'builtin.module' op"), "{}", out.stderr);

    // Without verification the (invalid) result is printed, in the generic form.
    let out = run(&[&input, "--test-invalid-ir", "--verify-each=false"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.starts_with("\"builtin.module\"() ({"),
        "{}",
        out.stdout
    );
}

#[test]
fn output_file() {
    let input = file(FUNCS);
    let output = file("old contents");
    let out = run(&[&input, "-o", &output]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "");
    assert!(
        std::fs::read_to_string(&output)
            .unwrap()
            .starts_with("module {")
    );

    // On failure the output file is left alone.
    let output2 = file("old contents");
    let out = run(&[&input, "--test-pass-failure", "-o", &output2]);
    assert_eq!(out.code, 1);
    assert_eq!(std::fs::read_to_string(&output2).unwrap(), "old contents");

    let out = run(&[&input, "-o", "/nonexistent/dir/out.mlir"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .contains("could not open output file '/nonexistent/dir/out.mlir'"),
        "{}",
        out.stderr
    );
}

#[test]
fn ir_printing_timing_and_statistics() {
    let input = file(FUNCS);
    let out = run(&[
        &input,
        "--test-mark-func",
        "--test-count-ops",
        "--mlir-print-ir-before=test-count-ops",
        "--mlir-print-ir-after-all",
        "--mlir-timing",
        "--mlir-pass-statistics",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let headers: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("// -----//"))
        .collect();
    assert_eq!(
        headers,
        vec![
            "// -----// IR Dump After test-mark-func (test-mark-func) //----- //",
            "// -----// IR Dump After test-mark-func (test-mark-func) //----- //",
            "// -----// IR Dump Before TestCountOps (test-count-ops) //----- //",
            "// -----// IR Dump After TestCountOps (test-count-ops) //----- //",
        ]
    );
    assert!(out.stderr.contains(
        "// -----// IR Dump After test-mark-func (test-mark-func) //----- //\nfunc.func @f"
    ));
    assert!(
        out.stderr.contains(
            "... Pass statistics report ...\n\
             ===-------------------------------------------------------------------------===\n\
             'func.func' Pipeline\n\
             \x20 test-mark-func\n\
             \x20   (S) 2 num-marked - Number of operations marked\n\
             TestCountOps\n\
             \x20 (S) 4 num-ops - Number of operations counted\n"
        ),
        "{}",
        out.stderr
    );
    let names: Vec<&str> = out
        .stderr
        .lines()
        .skip_while(|l| !l.contains("----Wall Time----"))
        .skip(1)
        .map(|l| l.split_once("%)  ").map_or(l, |(_, n)| n))
        .collect();
    assert_eq!(
        names,
        vec![
            "Parser",
            "'func.func' Pipeline",
            "  test-mark-func",
            "TestCountOps",
            "Output",
            "Rest",
            "Total"
        ]
    );
}

#[test]
fn tracing_logs_passes() {
    let input = file(FUNCS);
    let out = run_with(
        &[&input, "--test-count-ops"],
        None,
        &[("FLOWC_LOG", "debug")],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("pass{name=\"test-count-ops\""),
        "{}",
        out.stderr
    );
}

#[test]
fn hostile_inputs_do_not_crash() {
    let deep = format!(
        "{}{}",
        "\"dummy.op\"() ({\n".repeat(20_000),
        "}) : () -> ()\n".repeat(20_000)
    );
    let cases: Vec<Vec<u8>> = vec![
        b"\xff\xfe\x00garbage".to_vec(),
        b"func.func @f(".to_vec(),
        "(".repeat(100_000).into_bytes(),
        deep.into_bytes(),
        b"// expected-error-re {{{{[}}}}\n".to_vec(),
        b"// -----\n// -----\n".to_vec(),
    ];
    for (i, case) in cases.iter().enumerate() {
        for args in [
            vec!["--allow-unregistered-dialect"],
            vec![
                "--split-input-file",
                "--verify-diagnostics",
                "--test-count-ops",
            ],
            vec![
                "--mlir-print-op-generic",
                "--test-diagnostics",
                "--mlir-print-ir-after-all",
            ],
        ] {
            let out = run_with(&args, Some(case), &[]);
            assert!(
                out.code == 0 || out.code == 1,
                "case {i} {args:?}: exit {}\n{}",
                out.code,
                out.stderr
            );
        }
    }
}
