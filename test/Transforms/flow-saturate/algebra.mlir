// RUN: flowc-opt %s --split-input-file --flow-saturate='rules=algebra' | FileCheck %s

// mul-neg-neg, add-neg, sub-neg, mul-neg-one: the negations go.
// CHECK-LABEL: func.func @negations
// CHECK-SAME: (%[[A:.*]]: tensor<4xf32>, %[[B:.*]]: tensor<4xf32>)
// CHECK-DAG: %[[M:.*]] = "flow.mul"(%[[A]], %[[B]])
// CHECK-DAG: %[[S:.*]] = "flow.sub"(%[[A]], %[[B]])
// CHECK-DAG: %[[P:.*]] = "flow.add"(%[[A]], %[[B]])
// CHECK-DAG: %[[N:.*]] = "flow.neg"(%[[A]])
// CHECK: return %[[M]], %[[S]], %[[P]], %[[N]]
func.func @negations(%a: tensor<4xf32>, %b: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %na = "flow.neg"(%a) : (tensor<4xf32>) -> tensor<4xf32>
  %nb = "flow.neg"(%b) : (tensor<4xf32>) -> tensor<4xf32>
  %0 = "flow.mul"(%na, %nb) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = "flow.add"(%a, %nb) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %2 = "flow.sub"(%a, %nb) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %m1 = "flow.constant"() {value = dense<-1.0> : tensor<f32>} : () -> tensor<f32>
  %3 = "flow.mul"(%a, %m1) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return %0, %1, %2, %3 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// relu-idem, abs-idem.
// CHECK-LABEL: func.func @idempotent
// CHECK-SAME: (%[[A:.*]]: tensor<4xf32>)
// CHECK: %[[R:.*]] = "flow.relu"(%[[A]])
// CHECK: %[[B:.*]] = "flow.abs"(%[[A]])
// CHECK-NOT: flow.relu
// CHECK-NOT: flow.neg
// CHECK: return %[[R]], %[[B]]
func.func @idempotent(%a: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %0 = "flow.relu"(%a) : (tensor<4xf32>) -> tensor<4xf32>
  %1 = "flow.relu"(%0) : (tensor<4xf32>) -> tensor<4xf32>
  %n = "flow.neg"(%a) : (tensor<4xf32>) -> tensor<4xf32>
  %2 = "flow.abs"(%n) : (tensor<4xf32>) -> tensor<4xf32>
  return %1, %2 : tensor<4xf32>, tensor<4xf32>
}

// -----

// Not exact, so not done without fast-math: (x * 2) * 3 stays two multiplications.
// CHECK-LABEL: func.func @no_reassociation
// CHECK-COUNT-2: "flow.mul"
func.func @no_reassociation(%x: tensor<4xf32>) -> tensor<4xf32> {
  %a = "flow.constant"() {value = dense<2.0> : tensor<f32>} : () -> tensor<f32>
  %b = "flow.constant"() {value = dense<3.0> : tensor<f32>} : () -> tensor<f32>
  %0 = "flow.mul"(%x, %a) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %1 = "flow.mul"(%0, %b) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return %1 : tensor<4xf32>
}
