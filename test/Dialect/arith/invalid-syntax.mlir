// RUN: flowc-opt %s --split-input-file --verify-diagnostics

func.func @unknown_predicate(%a: i32) {
  // expected-error @+1 {{custom op 'arith.cmpi' expected string or keyword containing one of the following enum values for attribute 'predicate' [eq, ne, slt, sle, sgt, sge, ult, ule, ugt, uge]}}
  %0 = arith.cmpi foo, %a, %a : i32
  return
}

// -----

func.func @unknown_float_predicate(%x: f32) {
  // expected-error @+1 {{custom op 'arith.cmpf' expected string or keyword containing one of the following enum values for attribute 'predicate'}}
  %0 = arith.cmpf slt, %x, %x : f32
  return
}

// -----

func.func @unknown_overflow_flag(%a: i32) {
  // expected-error @+1 {{expected ::mlir::arith::IntegerOverflowFlags to be one of: none, nsw, nuw}}
  %0 = arith.addi %a, %a overflow<foo> : i32
  return
}

// -----

func.func @unknown_fastmath_flag(%x: f32) {
  // expected-error @+1 {{expected ::mlir::arith::FastMathFlags to be one of}}
  %0 = arith.addf %x, %x fastmath<quick> : f32
  return
}

// -----

func.func @select_operand_count(%c: i1, %a: i32) {
  // expected-error @+1 {{expected 3 operands}}
  %0 = arith.select %c, %a : i32
  return
}
