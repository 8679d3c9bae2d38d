// RUN: flowc-opt %s --split-input-file --flow-saturate='rules=redundancy' | FileCheck %s

// identity-elim, dropout-elim, cast-noop: the ops go, the return reads the argument.
// CHECK-LABEL: func.func @identities
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NOT: flow.
// CHECK: return %[[X]], %[[X]], %[[X]]
func.func @identities(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %0 = "flow.identity"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %1 = "flow.dropout"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %2 = "flow.cast"(%x) {to = 1 : i64} : (tensor<4xf32>) -> tensor<4xf32>
  return %0, %1, %2 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// pad-noop, slice-noop, view-noop.
// CHECK-LABEL: func.func @noops
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NOT: flow.pad
// CHECK-NOT: flow.slice
// CHECK-NOT: flow.reshape
// CHECK: return %[[X]], %[[X]], %[[X]]
func.func @noops(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  %p = "flow.constant"() {value = dense<0> : tensor<4xi64>} : () -> tensor<4xi64>
  %0 = "flow.pad"(%x, %p) : (tensor<2x3xf32>, tensor<4xi64>) -> tensor<2x3xf32>
  %s = "flow.constant"() {value = dense<[0]> : tensor<1xi64>} : () -> tensor<1xi64>
  %e = "flow.constant"() {value = dense<[3]> : tensor<1xi64>} : () -> tensor<1xi64>
  %a = "flow.constant"() {value = dense<[1]> : tensor<1xi64>} : () -> tensor<1xi64>
  %1 = "flow.slice"(%x, %s, %e, %a) : (tensor<2x3xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<2x3xf32>
  %sh = "flow.constant"() {value = dense<[2, 3]> : tensor<2xi64>} : () -> tensor<2xi64>
  %2 = "flow.reshape"(%x, %sh) : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  return %0, %1, %2 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// view-compose: unsqueeze of a flatten is one reshape.
// CHECK-LABEL: func.func @views
// CHECK: %[[S:.*]] = "flow.constant"() <{value = dense<[1, 6, 1]> : tensor<3xi64>}>
// CHECK: %[[R:.*]] = "flow.reshape"(%{{.*}}, %[[S]])
// CHECK-NOT: flow.flatten
// CHECK-NOT: flow.unsqueeze
// CHECK: return %[[R]]
func.func @views(%x: tensor<2x3xf32>) -> tensor<1x6x1xf32> {
  %0 = "flow.flatten"(%x) {axis = 0 : i64} : (tensor<2x3xf32>) -> tensor<1x6xf32>
  %ax = "flow.constant"() {value = dense<[2]> : tensor<1xi64>} : () -> tensor<1xi64>
  %1 = "flow.unsqueeze"(%0, %ax) : (tensor<1x6xf32>, tensor<1xi64>) -> tensor<1x6x1xf32>
  return %1 : tensor<1x6x1xf32>
}

// -----

// transpose-compose and transpose-identity: two transposes that cancel go; two that do not
// are one.
// CHECK-LABEL: func.func @transposes
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK: %[[T:.*]] = "flow.transpose"(%[[X]]) <{perm = array<i64: 2, 0, 1>}>
// CHECK-NOT: flow.transpose
// CHECK: return %[[X]], %[[T]]
func.func @transposes(%x: tensor<2x3x4xf32>) -> (tensor<2x3x4xf32>, tensor<4x2x3xf32>) {
  %0 = "flow.transpose"(%x) {perm = array<i64: 1, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32>
  %1 = "flow.transpose"(%0) {perm = array<i64: 2, 0, 1>} : (tensor<3x4x2xf32>) -> tensor<2x3x4xf32>
  %2 = "flow.transpose"(%x) {perm = array<i64: 1, 0, 2>} : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32>
  %3 = "flow.transpose"(%2) {perm = array<i64: 2, 1, 0>} : (tensor<3x2x4xf32>) -> tensor<4x2x3xf32>
  return %1, %3 : tensor<2x3x4xf32>, tensor<4x2x3xf32>
}

// -----

// add-zero, sub-zero, mul-one, div-one, neg-neg; a broadcasting x + 0 stays.
// CHECK-LABEL: func.func @arith
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK: %[[B:.*]] = "flow.add"(%[[X]], %{{.*}}) : (tensor<4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
// CHECK-NOT: flow.sub
// CHECK-NOT: flow.mul
// CHECK-NOT: flow.div
// CHECK-NOT: flow.neg
// CHECK: return %[[X]], %[[X]], %[[X]], %[[X]], %[[X]], %[[B]]
func.func @arith(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<2x4xf32>) {
  %z = "flow.constant"() {value = dense<0.0> : tensor<f32>} : () -> tensor<f32>
  %o = "flow.constant"() {value = dense<1.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %zz = "flow.constant"() {value = dense<0.0> : tensor<2x4xf32>} : () -> tensor<2x4xf32>
  %0 = "flow.add"(%x, %z) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %1 = "flow.sub"(%x, %z) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %2 = "flow.mul"(%o, %x) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %3 = "flow.div"(%x, %o) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %n = "flow.neg"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %4 = "flow.neg"(%n) : (tensor<4xf32>) -> tensor<4xf32>
  %5 = "flow.add"(%x, %zz) : (tensor<4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<2x4xf32>
}

// -----

// Equal subgraphs are one (hash-consing), even with no rule set: the relu is computed once.
// CHECK-LABEL: func.func @cse
// CHECK: %[[R:.*]] = "flow.relu"
// CHECK-NOT: flow.relu
// CHECK: %[[A:.*]] = "flow.add"(%[[R]], %[[R]])
// CHECK: return %[[A]]
func.func @cse(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "flow.relu"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %1 = "flow.relu"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %2 = "flow.add"(%0, %1) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %2 : tensor<4xf32>
}
