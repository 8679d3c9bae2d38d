// RUN: flowc-opt %s --split-input-file --verify-diagnostics

// Operand and result constraints of the definitions, checked by the generic verifier.

func.func @addi_on_floats(%x: f32) {
  // Every violated constraint is reported.
  // expected-error @+3 {{'arith.addi' op operand #0 must be signless-integer-like, but got 'f32'}}
  // expected-error @+2 {{'arith.addi' op operand #1 must be signless-integer-like, but got 'f32'}}
  // expected-error @+1 {{'arith.addi' op result #0 must be signless-integer-like, but got 'f32'}}
  %0 = "arith.addi"(%x, %x) : (f32, f32) -> f32
  return
}

// -----

func.func @addf_on_integers(%a: i32) {
  // expected-error @+3 {{'arith.addf' op operand #0 must be floating-point-like, but got 'i32'}}
  // expected-error @+2 {{'arith.addf' op operand #1 must be floating-point-like, but got 'i32'}}
  // expected-error @+1 {{'arith.addf' op result #0 must be floating-point-like, but got 'i32'}}
  %0 = "arith.addf"(%a, %a) : (i32, i32) -> i32
  return
}

// -----

func.func @addi_mixed_types(%a: i32, %b: i64) {
  // expected-error @+1 {{'arith.addi' op requires the same type for all operands and results}}
  %0 = "arith.addi"(%a, %b) : (i32, i64) -> i32
  return
}

// -----

func.func @extsi_of_float(%x: f32) {
  // expected-error @+1 {{'arith.extsi' op operand #0 must be signless-fixed-width-integer-like, but got 'f32'}}
  %0 = "arith.extsi"(%x) : (f32) -> i64
  return
}

// -----

func.func @sitofp_to_integer(%a: i32) {
  // expected-error @+1 {{'arith.sitofp' op result #0 must be floating-point-like, but got 'i32'}}
  %0 = "arith.sitofp"(%a) : (i32) -> i32
  return
}

// -----

func.func @select_integer_condition(%a: i32) {
  // expected-error @+1 {{'arith.select' op operand #0 must be bool-like, but got 'i32'}}
  %0 = "arith.select"(%a, %a, %a) : (i32, i32, i32) -> i32
  return
}

// -----

func.func @cmpi_predicate_out_of_range(%a: i32) {
  // expected-error @+1 {{'arith.cmpi' op attribute 'predicate' failed to satisfy constraint: allowed 64-bit signless integer cases: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9}}
  %0 = "arith.cmpi"(%a, %a) <{predicate = 42 : i64}> : (i32, i32) -> i1
  return
}

// -----

func.func @cmpi_operand_types(%a: i32, %i: index) {
  // expected-error @+1 {{'arith.cmpi' op requires all operands to have the same type}}
  %0 = "arith.cmpi"(%a, %i) <{predicate = 1 : i64}> : (i32, index) -> i1
  return
}

// -----

func.func @bitcast_index(%i: index) {
  // expected-error @+1 {{'arith.bitcast' op operand #0 must be signless-integer-or-float-like or memref of signless-integer or float, but got 'index'}}
  %0 = "arith.bitcast"(%i) : (index) -> i64
  return
}

// -----

func.func @overflow_flags_not_flags(%a: i32) {
  // expected-error @+1 {{'arith.addi' op attribute 'overflowFlags' failed to satisfy constraint: Integer overflow arith flags}}
  %0 = "arith.addi"(%a, %a) <{overflowFlags = 1 : i32}> : (i32, i32) -> i32
  return
}

// -----

func.func @fastmath_not_flags(%x: f32) {
  // expected-error @+1 {{'arith.addf' op attribute 'fastmath' failed to satisfy constraint: Floating point fast math flags}}
  %0 = "arith.addf"(%x, %x) <{fastmath = 1 : i32}> : (f32, f32) -> f32
  return
}

// -----

func.func @constant_without_value() {
  // expected-error @+1 {{'arith.constant' op requires attribute 'value'}}
  %0 = "arith.constant"() : () -> i32
  return
}
