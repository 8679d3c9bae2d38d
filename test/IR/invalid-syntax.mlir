// RUN: flowc-opt %s --split-input-file --verify-diagnostics --allow-unregistered-dialect

// Parser errors are located at the offending token and worded like MLIR's.

// expected-error @+1 {{use of undeclared SSA value name}}
"foo.op"(%missing) : (i32) -> ()

// -----

// expected-error @+1 {{operation defines 2 results but was provided 1 to bind}}
%0 = "foo.op"() : () -> (i32, i32)

// -----

%0 = "foo.a"() : () -> i32
// expected-error @+1 {{redefinition of SSA value '%0'}}
%0 = "foo.b"() : () -> i32

// -----

%0 = "foo.a"() : () -> i32
// expected-error @+1 {{use of value '%0' expects different type than prior uses: 'f32' vs 'i32'}}
"foo.b"(%0) : (f32) -> ()

// -----

// expected-error @+1 {{integer constant out of range for attribute}}
"foo.op"() {a = 300 : i8} : () -> ()

// -----

// expected-error @+1 {{inferred shape of elements literal ([2]) does not match type ([3])}}
"foo.op"() {a = dense<[1, 2]> : tensor<3xi32>} : () -> ()

// -----

// expected-error @+1 {{Dialect `bar' not found for custom op 'bar.baz'}}
bar.baz

// -----

// expected-error @+1 {{custom op 'frobnicate' is unknown}}
frobnicate

// -----

"foo.op"() ({
  // expected-error @+1 {{reference to an undefined block '^missing'}}
  "foo.br"()[^missing] : () -> ()
}) : () -> ()

// -----

// expected-error @+1 {{undefined symbol alias id 'nope'}}
"foo.op"() : () -> !nope

// -----

// expected-error @+1 {{expected non-function type}}
"foo.op"() : () -> tensor<4xwhat>

// -----

// expected-error @+1 {{expected 'x' in dimension list}}
"foo.op"() : () -> tensor<4 4xf32>

// -----

// expected-error @+1 {{unexpected decimal integer literal for a floating point value}}
"foo.op"() {f = 1 : f32} : () -> ()

// -----

// expected-error @+1 {{expected operation name in quotes}}
%0 = 42
