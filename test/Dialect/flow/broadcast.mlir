// RUN: flowc-opt %s --split-input-file --verify-diagnostics | FileCheck %s

// Numpy broadcasting of elementwise ops: results must be compatible with the broadcast shape;
// `?` dims broadcast against 1 and against static sizes.

// CHECK-LABEL: func.func @valid(
func.func @valid(%a: tensor<2x3xf32>, %b: tensor<3xf32>, %c: tensor<?x1xf32>, %d: tensor<f32>, %e: tensor<*xf32>) {
  // CHECK: "flow.add"{{.*}} -> tensor<2x3xf32>
  %0 = "flow.add"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: "flow.sub"{{.*}} -> tensor<?x3xf32>
  %1 = "flow.sub"(%c, %b) : (tensor<?x1xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  // CHECK: "flow.mul"{{.*}} -> tensor<2x3xf32>
  %2 = "flow.mul"(%c, %a) : (tensor<?x1xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: "flow.div"{{.*}} -> tensor<?x?xf32>
  %3 = "flow.div"(%a, %d) : (tensor<2x3xf32>, tensor<f32>) -> tensor<?x?xf32>
  // CHECK: "flow.pow"{{.*}} -> tensor<*xf32>
  %4 = "flow.pow"(%e, %a) : (tensor<*xf32>, tensor<2x3xf32>) -> tensor<*xf32>
  // CHECK: "flow.greater"{{.*}} -> tensor<2x3xi1>
  %5 = "flow.greater"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  // CHECK: "flow.sum"{{.*}} -> tensor<2x3xf32>
  %6 = "flow.sum"(%a, %b, %c, %d) : (tensor<2x3xf32>, tensor<3xf32>, tensor<?x1xf32>, tensor<f32>) -> tensor<2x3xf32>
  // CHECK: "flow.where"{{.*}} -> tensor<2x3xf32>
  %7 = "flow.where"(%5, %d, %b) : (tensor<2x3xi1>, tensor<f32>, tensor<3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @mismatch(%a: tensor<3xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{'flow.add' op incompatible broadcast: tensor<3xf32> vs tensor<4xf32>}}
  %0 = "flow.add"(%a, %b) : (tensor<3xf32>, tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @wrong_result_shape(%a: tensor<2x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{'flow.mul' op result #0 type 'tensor<3xf32>' is incompatible with the inferred type 'tensor<2x3xf32>'}}
  %0 = "flow.mul"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @wrong_result_dim(%a: tensor<?x3xf32>, %b: tensor<5x1xf32>) {
  // expected-error @+1 {{'flow.sub' op result #0 type 'tensor<4x3xf32>' is incompatible with the inferred type 'tensor<5x3xf32>'}}
  %0 = "flow.sub"(%a, %b) : (tensor<?x3xf32>, tensor<5x1xf32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @comparison_result_is_bool(%a: tensor<3xf32>) {
  // expected-error @+1 {{'flow.less' op result #0 must be tensor of i1 values, but got 'tensor<3xf32>'}}
  %0 = "flow.less"(%a, %a) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @variadic_mismatch(%a: tensor<2x3xf32>, %b: tensor<2xf32>) {
  // expected-error @+1 {{'flow.max' op incompatible broadcast: tensor<2x3xf32> vs tensor<2xf32>}}
  %0 = "flow.max"(%a, %a, %b) : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @where_mismatch(%c: tensor<4xi1>, %a: tensor<3xf32>) {
  // expected-error @+1 {{'flow.where' op incompatible broadcast}}
  %0 = "flow.where"(%c, %a, %a) : (tensor<4xi1>, tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @prelu_slope(%x: tensor<1x8x4x4xf32>, %s: tensor<4x1x1xf32>) {
  // expected-error @+1 {{'flow.prelu' op slope tensor<4x1x1xf32> does not broadcast to the input tensor<1x8x4x4xf32>}}
  %0 = "flow.prelu"(%x, %s) : (tensor<1x8x4x4xf32>, tensor<4x1x1xf32>) -> tensor<1x8x4x4xf32>
  return
}
