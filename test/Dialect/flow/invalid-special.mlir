// RUN: flowc-opt %s --split-input-file --verify-diagnostics

// flow.constant, flow.none, flow.fused and flow.yield.

func.func @constant_type() {
  // expected-error @+1 {{'flow.constant' op result type 'tensor<4xf32>' differs from the type of 'value' ('tensor<2x2xf32>')}}
  %0 = "flow.constant"() {value = dense<1.0> : tensor<2x2xf32>} : () -> tensor<4xf32>
  return
}

// -----

func.func @constant_scalar() {
  // expected-error @+1 {{'flow.constant' op attribute 'value' failed to satisfy constraint: dense elements or dense resource attribute}}
  %0 = "flow.constant"() {value = 1.0 : f32} : () -> tensor<f32>
  return
}

// -----

func.func @constant_missing() {
  // expected-error @+1 {{'flow.constant' op requires attribute 'value'}}
  %0 = "flow.constant"() : () -> tensor<f32>
  return
}

// -----

func.func @none_type() {
  // expected-error @+1 {{'flow.none' op result #0 must be none type, but got 'tensor<f32>'}}
  %0 = "flow.none"() : () -> tensor<f32>
  return
}

// -----

func.func @fused_results(%a: tensor<4xf32>) {
  // expected-error @+1 {{'flow.fused' op yields 1 values whose types differ from its 1 result types}}
  %0 = "flow.fused"(%a) ({
  ^bb0(%x: tensor<4xf32>):
    "flow.yield"(%x) : (tensor<4xf32>) -> ()
  }) : (tensor<4xf32>) -> tensor<8xf32>
  return
}

// -----

func.func @fused_args(%a: tensor<4xf32>) {
  // expected-error @+1 {{'flow.fused' op expects the body's 2 arguments to have the types of the 1 operands}}
  %0 = "flow.fused"(%a) ({
  ^bb0(%x: tensor<4xf32>, %y: tensor<4xf32>):
    "flow.yield"(%x) : (tensor<4xf32>) -> ()
  }) : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @fused_body_verified(%a: tensor<4xf32>) {
  %0 = "flow.fused"(%a) ({
  ^bb0(%x: tensor<4xf32>):
    // expected-error @+1 {{'flow.relu' op result #0 type 'tensor<5xf32>' is incompatible with the inferred type 'tensor<4xf32>'}}
    %r = "flow.relu"(%x) : (tensor<4xf32>) -> tensor<5xf32>
    "flow.yield"(%x) : (tensor<4xf32>) -> ()
  }) : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @yield_outside(%a: tensor<4xf32>) {
  // expected-error @+1 {{'flow.yield' op expects parent op 'flow.fused'}}
  "flow.yield"(%a) : (tensor<4xf32>) -> ()
}
