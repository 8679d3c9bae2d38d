use flowc_ir::Context;
use flowc_ir::parser::parse_source;
use flowc_ir::verifier::verify;

/// Parses `src` (unregistered `test.*` ops allowed as sources) and verifies it; returns the
/// error messages.
fn errors(src: &str) -> Vec<String> {
    let mut ctx = Context::new();
    ctx.allow_unregistered_dialects = true;
    ctx.register_dialect(crate::dialect());
    let module = parse_source(&mut ctx, src, "t.mlir", 0).unwrap_or_else(|d| {
        panic!(
            "parse error: {:?}",
            d.iter().map(|d| &d.message).collect::<Vec<_>>()
        )
    });
    match verify(&ctx, module) {
        Ok(()) => Vec::new(),
        Err(ds) => ds.into_iter().map(|d| d.message).collect(),
    }
}

#[track_caller]
fn valid(src: &str) {
    let e = errors(src);
    assert!(e.is_empty(), "unexpected errors: {e:?}");
}

#[track_caller]
fn invalid(src: &str, needle: &str) {
    let e = errors(src);
    assert!(
        e.iter().any(|m| m.contains(needle)),
        "no error containing `{needle}` in {e:?}"
    );
}

#[test]
fn results_must_match_inference() {
    valid(
        r#"
        %a = "test.src"() : () -> tensor<2x3xf32>
        %b = "test.src"() : () -> tensor<3xf32>
        %c = "flow.add"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
        %d = "flow.add"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
        %e = "flow.add"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<*xf32>
    "#,
    );
    invalid(
        r#"
        %a = "test.src"() : () -> tensor<2x3xf32>
        %c = "flow.relu"(%a) : (tensor<2x3xf32>) -> tensor<3x2xf32>
    "#,
        "'flow.relu' op result #0 type 'tensor<3x2xf32>' is incompatible with the inferred type 'tensor<2x3xf32>'",
    );
    invalid(
        r#"
        %a = "test.src"() : () -> tensor<2x3xf32>
        %c = "flow.relu"(%a) : (tensor<2x3xf32>) -> tensor<2x3xf16>
    "#,
        "incompatible with the inferred type",
    );
    invalid(
        r#"
        %a = "test.src"() : () -> tensor<2x3xf32>
        %b = "test.src"() : () -> tensor<4xf32>
        %c = "flow.add"(%a, %b) : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
    "#,
        "'flow.add' op incompatible broadcast: tensor<2x3xf32> vs tensor<4xf32>",
    );
}

#[test]
fn constant_operands_feed_inference() {
    valid(
        r#"
        %x = "test.src"() : () -> tensor<2x3x4xf32>
        %s = "flow.constant"() {value = dense<[6, -1]> : tensor<2xi64>} : () -> tensor<2xi64>
        %r = "flow.reshape"(%x, %s) : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<6x4xf32>
    "#,
    );
    invalid(
        r#"
        %x = "test.src"() : () -> tensor<2x3x4xf32>
        %s = "flow.constant"() {value = dense<[6, -1]> : tensor<2xi64>} : () -> tensor<2xi64>
        %r = "flow.reshape"(%x, %s) : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<4x6xf32>
    "#,
        "result #0 type 'tensor<4x6xf32>' is incompatible with the inferred type 'tensor<6x4xf32>'",
    );
}

#[test]
fn generic_definition_checks() {
    invalid(
        r#"
        %a = "test.src"() : () -> tensor<2x3xf32>
        %c = "flow.softmax"(%a) {axis = 1 : i32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
    "#,
        "'flow.softmax' op attribute 'axis' failed to satisfy constraint: 64-bit signless integer attribute",
    );
    invalid(
        r#"
        %a = "test.src"() : () -> tensor<2x3xi32>
        %c = "flow.exp"(%a) : (tensor<2x3xi32>) -> tensor<2x3xi32>
    "#,
        "'flow.exp' op operand #0 must be tensor of f16, bf16, f32 or f64 values, but got 'tensor<2x3xi32>'",
    );
    invalid(
        r#"
        %a = "test.src"() : () -> tensor<2x3xf32>
        %c = "flow.cast"(%a) : (tensor<2x3xf32>) -> tensor<2x3xi64>
    "#,
        "requires attribute 'to'",
    );
    invalid(
        r#"
        %a = "test.src"() : () -> tensor<2x3xf32>
        %c = "flow.clip"(%a, %a, %a, %a) : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
    "#,
        "expected 1 to 3 operands, but found 4",
    );
}

#[test]
fn optional_operands_and_results() {
    valid(
        r#"
        %x = "test.src"() : () -> tensor<4xf32>
        %hi = "test.src"() : () -> tensor<f32>
        %n = "flow.none"() : () -> none
        %c = "flow.clip"(%x, %n, %hi) : (tensor<4xf32>, none, tensor<f32>) -> tensor<4xf32>
        %y, %mask = "flow.dropout"(%x) : (tensor<4xf32>) -> (tensor<4xf32>, tensor<4xi1>)
    "#,
    );
    // An absent optional output before a present one has type none.
    valid(
        r#"
        %x = "test.src"() : () -> tensor<7x2x10xf32>
        %w = "test.src"() : () -> tensor<1x80x10xf32>
        %r = "test.src"() : () -> tensor<1x80x20xf32>
        %y, %h = "flow.lstm"(%x, %w, %r) {hidden_size = 20 : i64} : (tensor<7x2x10xf32>, tensor<1x80x10xf32>, tensor<1x80x20xf32>) -> (none, tensor<1x2x20xf32>)
    "#,
    );
    invalid(
        r#"
        %x = "test.src"() : () -> tensor<4xf32>
        %n = "flow.none"() : () -> none
        %c = "flow.clip"(%n, %x) : (none, tensor<4xf32>) -> tensor<4xf32>
    "#,
        "operand #0 must be tensor of",
    );
    invalid(
        r#"
        %x = "test.src"() : () -> tensor<4xf32>
        %y = "flow.relu"(%x) : (tensor<4xf32>) -> none
    "#,
        "result #0 must be",
    );
}

#[test]
fn constant_none_fused_yield() {
    valid(
        r#"
        %c = "flow.constant"() {value = dense<1.0> : tensor<2x2xf32>} : () -> tensor<2x2xf32>
        %f = "flow.fused"(%c, %c) ({
        ^bb0(%a: tensor<2x2xf32>, %b: tensor<2x2xf32>):
          %s = "flow.add"(%a, %b) : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
          %r = "flow.relu"(%s) : (tensor<2x2xf32>) -> tensor<2x2xf32>
          "flow.yield"(%r) : (tensor<2x2xf32>) -> ()
        }) : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
    "#,
    );
    invalid(
        r#"%c = "flow.constant"() {value = dense<1.0> : tensor<2x2xf32>} : () -> tensor<4xf32>"#,
        "'flow.constant' op result type 'tensor<4xf32>' differs from the type of 'value'",
    );
    invalid(
        r#"%c = "flow.constant"() {value = 1.0 : f32} : () -> tensor<f32>"#,
        "attribute 'value' failed to satisfy constraint",
    );
    invalid(
        r#"
        %c = "flow.constant"() {value = dense<1.0> : tensor<2x2xf32>} : () -> tensor<2x2xf32>
        %f = "flow.fused"(%c) ({
        ^bb0(%a: tensor<2x2xf32>):
          "flow.yield"(%a) : (tensor<2x2xf32>) -> ()
        }) : (tensor<2x2xf32>) -> tensor<4xf32>
    "#,
        "'flow.fused' op yields 1 values whose types differ from its 1 result types",
    );
    invalid(
        r#"
        %c = "flow.constant"() {value = dense<1.0> : tensor<2x2xf32>} : () -> tensor<2x2xf32>
        %f = "flow.fused"(%c) ({
        ^bb0(%a: tensor<4xf32>):
          "flow.yield"(%a) : (tensor<4xf32>) -> ()
        }) : (tensor<2x2xf32>) -> tensor<4xf32>
    "#,
        "arguments to have the types of the 1 operands",
    );
    invalid(
        r#"
        %c = "flow.constant"() {value = dense<1.0> : tensor<2x2xf32>} : () -> tensor<2x2xf32>
        "test.wrap"() ({
          "flow.yield"(%c) : (tensor<2x2xf32>) -> ()
        }) : () -> ()
    "#,
        "'flow.yield' op expects parent op 'flow.fused'",
    );
}
