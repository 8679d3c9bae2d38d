// RUN: flowc-opt %s --split-input-file --verify-diagnostics

func.func @exp_of_integer(%a: i32) {
  // expected-error @+2 {{'math.exp' op operand #0 must be floating-point-like, but got 'i32'}}
  // expected-error @+1 {{'math.exp' op result #0 must be floating-point-like, but got 'i32'}}
  %0 = "math.exp"(%a) : (i32) -> i32
  return
}

// -----

func.func @absi_of_float(%x: f32) {
  // expected-error @+2 {{'math.absi' op operand #0 must be signless-integer-like, but got 'f32'}}
  // expected-error @+1 {{'math.absi' op result #0 must be signless-integer-like, but got 'f32'}}
  %0 = "math.absi"(%x) : (f32) -> f32
  return
}

// -----

func.func @fpowi_float_exponent(%x: f32) {
  // expected-error @+1 {{'math.fpowi' op operand #1 must be signless-integer-like, but got 'f32'}}
  %0 = "math.fpowi"(%x, %x) : (f32, f32) -> f32
  return
}

// -----

func.func @isnan_result(%x: f32) {
  // expected-error @+1 {{'math.isnan' op result #0 must be bool-like, but got 'i32'}}
  %0 = "math.isnan"(%x) : (f32) -> i32
  return
}

// -----

func.func @fma_mixed(%x: f32, %a: i32) {
  // expected-error @+2 {{'math.fma' op operand #2 must be floating-point-like, but got 'i32'}}
  // expected-error @+1 {{'math.fma' op requires the same type for all operands and results}}
  %0 = "math.fma"(%x, %x, %a) : (f32, f32, i32) -> f32
  return
}

// -----

func.func @sqrt_types_differ(%x: f32) {
  // expected-error @+1 {{'math.sqrt' op requires the same type for all operands and results}}
  %0 = "math.sqrt"(%x) : (f32) -> f64
  return
}

// -----

func.func @bad_fastmath(%x: f32) {
  // expected-error @+1 {{expected ::mlir::arith::FastMathFlags to be one of}}
  %0 = math.exp %x fastmath<quick> : f32
  return
}
