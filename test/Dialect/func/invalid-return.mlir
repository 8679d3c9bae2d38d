// RUN: flowc-opt %s --split-input-file --verify-diagnostics

func.func @too_few_values() -> (i32, i32) {
  %0 = arith.constant 1 : i32
  // expected-error @+1 {{'func.return' op has 1 operands, but enclosing function (@too_few_values) returns 2}}
  return %0 : i32
}

// -----

func.func @too_many_values() {
  %0 = arith.constant 1 : i32
  // expected-error @+1 {{'func.return' op has 1 operands, but enclosing function (@too_many_values) returns 0}}
  return %0 : i32
}

// -----

func.func @wrong_type() -> i32 {
  %0 = arith.constant 1 : i64
  // expected-error @+1 {{type of return operand 0 ('i64') doesn't match function result type ('i32') in function @wrong_type}}
  return %0 : i64
}

// -----

func.func @second_value_wrong(%a: i32, %b: f32) -> (i32, i32) {
  // expected-error @+1 {{type of return operand 1 ('f32') doesn't match function result type ('i32') in function @second_value_wrong}}
  return %a, %b : i32, f32
}

// -----

func.func @return_outside_func() {
  "test.region"() ({
    // expected-error @+1 {{'func.return' op expects parent op 'func.func'}}
    func.return
  }) : () -> ()
  return
}
