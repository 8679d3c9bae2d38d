// RUN: flowc-opt %s --flow-saturate='rules=constant,fast-math' | FileCheck %s

// mul-const-assoc (then const-fold): one multiplication by 6; div-const-recip (then
// const-fold): a multiplication by 0.25.
// CHECK-LABEL: func.func @fast
// CHECK-DAG: %[[SIX:.*]] = "flow.constant"() <{value = dense<6.000000e+00> : tensor<f32>}>
// CHECK-DAG: %[[Q:.*]] = "flow.constant"() <{value = dense<2.500000e-01> : tensor<f32>}>
// CHECK-DAG: %[[M:.*]] = "flow.mul"(%{{.*}}, %[[SIX]])
// CHECK-DAG: %[[D:.*]] = "flow.mul"(%{{.*}}, %[[Q]])
// CHECK-NOT: flow.div
// CHECK: return %[[M]], %[[D]]
func.func @fast(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %a = "flow.constant"() {value = dense<2.0> : tensor<f32>} : () -> tensor<f32>
  %b = "flow.constant"() {value = dense<3.0> : tensor<f32>} : () -> tensor<f32>
  %0 = "flow.mul"(%x, %a) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %1 = "flow.mul"(%0, %b) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %c = "flow.constant"() {value = dense<4.0> : tensor<f32>} : () -> tensor<f32>
  %2 = "flow.div"(%x, %c) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return %1, %2 : tensor<4xf32>, tensor<4xf32>
}
