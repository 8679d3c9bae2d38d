// RUN: flowc-opt %s --split-input-file --verify-diagnostics

func.func @unknown_callee() {
  // expected-error @+1 {{'func.call' op 'foo' does not reference a valid function}}
  func.call @foo() : () -> ()
  return
}

// -----

func.func private @foo(i32) -> i32

func.func @too_few_operands() {
  // expected-error @+1 {{'func.call' op incorrect number of operands for callee}}
  %0 = func.call @foo() : () -> i32
  return
}

// -----

func.func private @foo(i32) -> i32

func.func @operand_type_mismatch(%a: f32) {
  // expected-error @+1 {{'func.call' op operand type mismatch: expected operand type 'i32', but provided 'f32' for operand number 0}}
  %0 = func.call @foo(%a) : (f32) -> i32
  return
}

// -----

func.func private @foo(i32) -> (i32, i32)

func.func @result_count_mismatch(%a: i32) {
  // expected-error @+1 {{'func.call' op incorrect number of results for callee}}
  %0 = func.call @foo(%a) : (i32) -> i32
  return
}

// -----

func.func private @foo(i32) -> i32

func.func @result_type_mismatch(%a: i32) {
  // expected-error @+3 {{'func.call' op result type mismatch at index 0}}
  // expected-note @+2 {{      op result types: 'f32'}}
  // expected-note @+1 {{function result types: 'i32'}}
  %0 = func.call @foo(%a) : (i32) -> f32
  return
}

// -----

// The callee is looked up in the nearest symbol table only.
module {
  func.func @caller() {
    // expected-error @+1 {{'func.call' op 'inner' does not reference a valid function}}
    func.call @inner() : () -> ()
    return
  }
  module @m {
    func.func private @inner()
  }
}

// -----

"test.symbol"() {sym_name = "not_a_function"} : () -> ()

func.func @callee_is_not_a_function() {
  // expected-error @+1 {{'func.call' op 'not_a_function' does not reference a valid function}}
  func.call @not_a_function() : () -> ()
  return
}

// -----

func.func @indirect_input_mismatch(%f: (f32) -> (), %a: i32) {
  // expected-error @+1 {{'func.call_indirect' op failed to verify that callee input types match argument types}}
  "func.call_indirect"(%f, %a) : ((f32) -> (), i32) -> ()
  return
}

// -----

func.func @indirect_result_mismatch(%f: (f32) -> (), %a: f32) {
  // expected-error @+1 {{'func.call_indirect' op failed to verify that callee result types match result types}}
  %0 = "func.call_indirect"(%f, %a) : ((f32) -> (), f32) -> i32
  return
}

// -----

func.func @constant_of_unknown_function() {
  // expected-error @+1 {{'func.constant' op reference to undefined function 'nope'}}
  %f = func.constant @nope : () -> ()
  return
}

// -----

func.func @constant_type_mismatch(%a: i32) {
  // expected-error @+1 {{'func.constant' op reference to function with mismatched type}}
  %f = func.constant @constant_type_mismatch : (i64) -> ()
  return
}
