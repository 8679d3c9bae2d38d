//! Upstream MLIR (through melior) reads hand-written MLIR and flowc-style generic ops.

use flowc_mlir_interop::parse_with_upstream_mlir;

const MODULE: &str = r#"
module {
  func.func private @bias() -> tensor<4xi32> {
    %cst = arith.constant dense<[1, 2, 3, 4]> : tensor<4xi32>
    return %cst : tensor<4xi32>
  }
  func.func @add_bias(%arg0: tensor<4xi32>) -> tensor<4xi32> {
    %0 = func.call @bias() : () -> tensor<4xi32>
    %1 = arith.addi %arg0, %0 : tensor<4xi32>
    func.return %1 : tensor<4xi32>
  }
  func.func @scalar(%a: i64, %b: i64) -> i64 {
    %c7 = arith.constant 7 : i64
    %s = arith.addi %a, %b : i64
    %t = arith.addi %s, %c7 : i64
    func.return %t : i64
  }
}
"#;

#[test]
fn parses_verifies_and_prints_func_and_arith() {
    let printed = parse_with_upstream_mlir(MODULE).expect("upstream MLIR accepts the module");
    for expected in [
        "func.func private @bias() -> tensor<4xi32>",
        "arith.constant dense<[1, 2, 3, 4]> : tensor<4xi32>",
        "func.func @add_bias(%arg0: tensor<4xi32>) -> tensor<4xi32>",
        "call @bias() : () -> tensor<4xi32>",
        "arith.addi %arg0, %0 : tensor<4xi32>",
        "arith.constant 7 : i64",
        "return",
    ] {
        assert!(
            printed.contains(expected),
            "missing `{expected}` in:\n{printed}"
        );
    }
}

#[test]
fn printed_form_parses_again_to_the_same_text() {
    let once = parse_with_upstream_mlir(MODULE).unwrap();
    let twice = parse_with_upstream_mlir(&once).unwrap();
    assert_eq!(once, twice);
}

#[test]
fn generic_form_and_unregistered_dialects_are_accepted() {
    let text = r#"
"func.func"() <{function_type = (tensor<2x3xf32>) -> tensor<2x3xf32>, sym_name = "g"}> ({
^bb0(%x: tensor<2x3xf32>):
  %0 = "flow.relu"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("relu_node")
  "func.return"(%0) : (tensor<2x3xf32>) -> ()
}) : () -> ()
"#;
    let printed = parse_with_upstream_mlir(text).expect("generic form is accepted");
    assert!(
        printed.contains("func.func @g(%arg0: tensor<2x3xf32>) -> tensor<2x3xf32>"),
        "{printed}"
    );
    assert!(printed.contains("\"flow.relu\"(%arg0)"), "{printed}");
}

#[test]
fn syntax_errors_are_reported_with_a_location() {
    let error = parse_with_upstream_mlir("func.func @f() {\n  %0 = arith.addi\n}\n").unwrap_err();
    assert!(error.contains("could not parse"), "{error}");
    assert!(error.contains("error:"), "{error}");
    assert!(
        error.contains("-:2:18: error: expected SSA operand"),
        "{error}"
    );
}

#[test]
fn verifier_errors_are_reported() {
    // Well-formed syntax, but `func.return` does not match the function's result type. MLIR's
    // parser runs the verifier itself, so this is reported as a parse failure.
    let error =
        parse_with_upstream_mlir("func.func @f(%a: i32) -> i64 {\n  func.return %a : i32\n}\n")
            .unwrap_err();
    assert!(error.contains("error:"), "{error}");
    assert!(error.contains("func.return"), "{error}");
}
