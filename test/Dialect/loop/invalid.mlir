// RUN: flowc-opt %s --split-input-file --verify-diagnostics

func.func @for_non_index_bound(%lb: i32, %ub: index) {
  // expected-error @+1 {{'loop.for' op operand #0 must be index, but got 'i32'}}
  "loop.for"(%lb, %ub, %ub) ({
  ^bb0(%iv: index):
    "loop.yield"() : () -> ()
  }) : (i32, index, index) -> ()
  return
}

// -----

func.func @for_zero_step(%lb: index, %ub: index) {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{'loop.for' op constant step operand must be positive}}
  loop.for %iv = %lb to %ub step %c0 {
  }
  return
}

// -----

func.func @for_negative_step(%lb: index, %ub: index) {
  %c = arith.constant -2 : index
  // expected-error @+1 {{'loop.for' op constant step operand must be positive}}
  loop.for %iv = %lb to %ub step %c {
  }
  return
}

// -----

func.func @for_result_count(%lb: index, %f: f32) {
  // expected-error @+1 {{'loop.for' op mismatch in number of loop-carried values and defined values: 1 iter_args, 0 results}}
  "loop.for"(%lb, %lb, %lb, %f) ({
  ^bb0(%iv: index, %a: f32):
    "loop.yield"(%a) : (f32) -> ()
  }) : (index, index, index, f32) -> ()
  return
}

// -----

func.func @for_result_type(%lb: index, %f: f32) {
  // expected-error @+1 {{'loop.for' op type of iter_arg init #0 ('f32') does not match result type ('i32')}}
  %r = "loop.for"(%lb, %lb, %lb, %f) ({
  ^bb0(%iv: index, %a: f32):
    "loop.yield"(%a) : (f32) -> ()
  }) : (index, index, index, f32) -> i32
  return
}

// -----

func.func @for_block_args(%lb: index, %f: f32) {
  // expected-error @+1 {{'loop.for' op expects the body to have 2 arguments (the induction variable and one per iter_arg), but it has 1}}
  %r = "loop.for"(%lb, %lb, %lb, %f) ({
  ^bb0(%iv: index):
    "loop.yield"(%f) : (f32) -> ()
  }) : (index, index, index, f32) -> f32
  return
}

// -----

func.func @for_iv_type(%lb: index) {
  // expected-error @+1 {{'loop.for' op expects the induction variable to be of type 'index', but got 'i64'}}
  "loop.for"(%lb, %lb, %lb) ({
  ^bb0(%iv: i64):
    "loop.yield"() : () -> ()
  }) : (index, index, index) -> ()
  return
}

// -----

func.func @for_body_arg_type(%lb: index, %f: f32) {
  // expected-error @+1 {{'loop.for' op type of body argument #1 ('f64') does not match iter_arg #0 ('f32')}}
  %r = "loop.for"(%lb, %lb, %lb, %f) ({
  ^bb0(%iv: index, %a: f64):
    "loop.yield"(%f) : (f32) -> ()
  }) : (index, index, index, f32) -> f32
  return
}

// -----

func.func @for_yield_type(%lb: index, %ub: index, %f: f32, %i: i32) {
  %r = loop.for %iv = %lb to %ub step %ub iter_args(%a = %f) -> (f32) {
    // expected-error @+1 {{'loop.yield' op types mismatch between yield op and its parent 'loop.for': yields ('i32'), expected ('f32')}}
    loop.yield %i : i32
  }
  return
}

// -----

func.func @for_missing_yield_value(%lb: index, %ub: index, %f: f32) {
  // The custom syntax adds an empty yield (located at the op), which does not yield the iter_arg.
  // expected-error @+1 {{'loop.yield' op types mismatch between yield op and its parent 'loop.for': yields (), expected ('f32')}}
  %r = loop.for %iv = %lb to %ub step %ub iter_args(%a = %f) -> (f32) {
  }
  return
}

// -----

func.func @for_no_terminator(%lb: index) {
  // expected-note @+1 {{in region of this operation}}
  "loop.for"(%lb, %lb, %lb) ({
  ^bb0(%iv: index):
    // expected-error @+1 {{block with no terminator, has 'arith.addi'}}
    %x = "arith.addi"(%iv, %iv) : (index, index) -> index
  }) : (index, index, index) -> ()
  return
}

// -----

func.func @for_two_blocks(%lb: index) {
  // expected-error @+1 {{'loop.for' op expects region #0 to have 0 or 1 blocks}}
  "loop.for"(%lb, %lb, %lb) ({
  ^bb0(%iv: index):
    "loop.yield"() : () -> ()
  ^bb1:
    "loop.yield"() : () -> ()
  }) : (index, index, index) -> ()
  return
}

// -----

func.func @for_syntax_result_count(%lb: index, %f: f32) {
  // expected-error @+1 {{expected as many result types (2) as iter_args (1)}}
  %r = loop.for %iv = %lb to %lb step %lb iter_args(%a = %f) -> (f32, f32) {
    loop.yield %a : f32
  }
  return
}

// -----

func.func @parallel_segment_mismatch(%lb: index) {
  // expected-error @+1 {{'loop.parallel' op expects the same number of lower bounds, upper bounds and steps, but got 2, 1 and 1}}
  "loop.parallel"(%lb, %lb, %lb, %lb) <{operandSegmentSizes = array<i32: 2, 1, 1>}> ({
  ^bb0(%i: index, %j: index):
    "loop.yield"() : () -> ()
  }) : (index, index, index, index) -> ()
  return
}

// -----

func.func @parallel_empty(%lb: index) {
  // expected-error @+1 {{'loop.parallel' op needs at least one tuple element for lowerBound, upperBound and step}}
  "loop.parallel"() <{operandSegmentSizes = array<i32: 0, 0, 0>}> ({
    "loop.yield"() : () -> ()
  }) : () -> ()
  return
}

// -----

func.func @parallel_no_segments(%lb: index) {
  // expected-error @+1 {{'loop.parallel' op requires dense i32 array attribute 'operandSegmentSizes'}}
  "loop.parallel"(%lb, %lb, %lb) ({
  ^bb0(%i: index):
    "loop.yield"() : () -> ()
  }) : (index, index, index) -> ()
  return
}

// -----

func.func @parallel_ivs(%lb: index) {
  // expected-error @+1 {{'loop.parallel' op expects the same number of induction variables: 2 as bound and step values: 1}}
  "loop.parallel"(%lb, %lb, %lb) <{operandSegmentSizes = array<i32: 1, 1, 1>}> ({
  ^bb0(%i: index, %j: index):
    "loop.yield"() : () -> ()
  }) : (index, index, index) -> ()
  return
}

// -----

func.func @parallel_iv_type(%lb: index) {
  // expected-error @+1 {{'loop.parallel' op expects arguments for the induction variable to be of index type, but got 'i32'}}
  "loop.parallel"(%lb, %lb, %lb) <{operandSegmentSizes = array<i32: 1, 1, 1>}> ({
  ^bb0(%i: i32):
    "loop.yield"() : () -> ()
  }) : (index, index, index) -> ()
  return
}

// -----

func.func @parallel_zero_step(%lb: index) {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{'loop.parallel' op constant step operand must be positive}}
  loop.parallel (%i, %j) = (%lb, %lb) to (%lb, %lb) step (%lb, %c0) {
  }
  return
}

// -----

func.func @parallel_yield_values(%lb: index, %f: f32) {
  loop.parallel (%i) = (%lb) to (%lb) step (%lb) {
    // expected-error @+1 {{'loop.yield' op types mismatch between yield op and its parent 'loop.parallel': yields ('f32'), expected ()}}
    loop.yield %f : f32
  }
  return
}

// -----

func.func @parallel_syntax_counts(%lb: index) {
  // expected-error @+1 {{expected 2 upper bounds (one per induction variable), got 1}}
  loop.parallel (%i, %j) = (%lb, %lb) to (%lb) step (%lb, %lb) {
  }
  return
}

// -----

func.func @if_condition_type(%c: i32) {
  // expected-error @+1 {{'loop.if' op operand #0 must be 1-bit signless integer, but got 'i32'}}
  "loop.if"(%c) ({
    "loop.yield"() : () -> ()
  }, {
  }) : (i32) -> ()
  return
}

// -----

func.func @if_results_without_else(%c: i1, %f: f32) {
  // expected-error @+1 {{'loop.if' op must have an else block if defining values}}
  %v = loop.if %c -> (f32) {
    loop.yield %f : f32
  }
  return
}

// -----

func.func @if_yield_type(%c: i1, %f: f32, %i: i32) {
  %v = loop.if %c -> (f32) {
    loop.yield %f : f32
  } else {
    // expected-error @+1 {{'loop.yield' op types mismatch between yield op and its parent 'loop.if': yields ('i32'), expected ('f32')}}
    loop.yield %i : i32
  }
  return
}

// -----

func.func @if_block_args(%c: i1) {
  // expected-error @+1 {{'loop.if' op expects its regions to have no arguments}}
  "loop.if"(%c) ({
  ^bb0(%x: index):
    "loop.yield"() : () -> ()
  }, {
  }) : (i1) -> ()
  return
}

// -----

func.func @if_one_region(%c: i1) {
  // expected-error @+1 {{'loop.if' op requires 2 regions, but found 1}}
  "loop.if"(%c) ({
    "loop.yield"() : () -> ()
  }) : (i1) -> ()
  return
}

// -----

func.func @yield_outside_loop() {
  // expected-error @+1 {{'loop.yield' op expects parent op to be one of 'loop.for, loop.parallel, loop.if'}}
  "loop.yield"() : () -> ()
}
