// RUN: flowc-opt %s --split-input-file --verify-diagnostics

// The generic verifier's messages for what op definitions declare, pinned with test ops.

func.func @wrong_operand_type(%a: i64) {
  // expected-error @+1 {{'test.i32_operand' op operand #0 must be 32-bit signless integer, but got 'i64'}}
  "test.i32_operand"(%a) : (i64) -> ()
  return
}

// -----

func.func @missing_attribute() {
  // expected-error @+1 {{'test.attr_i64' op requires attribute 'value'}}
  "test.attr_i64"() : () -> ()
  return
}

// -----

func.func @wrong_attribute() {
  // expected-error @+1 {{'test.attr_i64' op attribute 'value' failed to satisfy constraint: 64-bit signless integer attribute}}
  "test.attr_i64"() {value = "three"} : () -> ()
  return
}

// -----

func.func @different_types(%a: i32, %b: i64) {
  // expected-error @+1 {{'test.same_types' op requires the same type for all operands and results}}
  "test.same_types"(%a, %b) : (i32, i64) -> i32
  return
}

// -----

func.func @missing_terminator() {
  // expected-note @+1 {{in region of this operation}}
  "test.region"() ({
    // expected-error @+1 {{block with no terminator, has 'test.pure'}}
    "test.pure"() : () -> ()
  }) : () -> ()
  return
}

// -----

func.func @terminator_not_last() {
  "test.region"() ({
    // expected-error @+1 {{'test.terminator' op must be the last operation in the parent block}}
    "test.terminator"() : () -> ()
    "test.pure"() : () -> ()
    "test.terminator"() : () -> ()
  }) : () -> ()
  return
}

// -----

// Names from outside an isolated region are not even visible to the parser.
func.func @isolated_uses_outer_value(%a: i32) {
  "test.isolated"() ({
    // expected-error @+1 {{use of undeclared SSA value name}}
    "test.terminator"(%a) : (i32) -> ()
  }) : () -> ()
  return
}

// -----

func.func @branch_needs_successor() {
  "test.region"() ({
    // expected-error @+1 {{'test.br' op requires 1 successor}}
    "test.br"() : () -> ()
  }) : () -> ()
  return
}

// -----

"test.symbol_table"() ({
  // expected-note @+1 {{see existing symbol definition here}}
  "test.symbol"() {sym_name = "dup"} : () -> ()
  // expected-error @+1 {{redefinition of symbol named 'dup'}}
  "test.symbol"() {sym_name = "dup"} : () -> ()
}) : () -> ()

// -----

func.func @use_before_def_in_ssa_region() {
  "test.region"() ({
    // expected-error @+1 {{operand #0 does not dominate this use}}
    %u = "test.op"(%v) : (i32) -> i32
    // expected-note @+1 {{operand defined here}}
    %v = "test.op"() : () -> i32
    "test.terminator"() : () -> ()
  }) : () -> ()
  return
}
