// RUN: flowc-opt %s --flow-saturate='rules=redundancy,fusion' | FileCheck %s
// RUN: flowc-opt %s --flow-saturate='rules=redundancy,fusion' --convert-flow-to-loop | FileCheck %s --check-prefix=LOOP

// qkv-merge: Q and V (same head transpose) read one input through constant weights: one GEMM
// over the concatenated weights and biases, one transpose to [2, B, H, S, D], and each head a
// slice along the outermost axis (a view at an offset once lowered). K, transposed the other
// way for Q K^T, keeps its own GEMM and transpose.
// CHECK-LABEL: func.func @qkv
// CHECK-DAG: %[[WC:.*]] = "flow.constant"() <{value = dense_resource<__saturate_{{[0-9]+}}> : tensor<8x8xf32>}>
// CHECK-DAG: %[[BC:.*]] = "flow.constant"() <{value = dense<[1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00]> : tensor<8xf32>}>
// CHECK: %[[G:.*]] = "flow.gemm"(%{{.*}}, %[[WC]], %[[BC]]) : (tensor<4x8xf32>, tensor<8x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
// CHECK: %[[R:.*]] = "flow.reshape"(%[[G]], %{{.*}}) : (tensor<4x8xf32>, tensor<5xi64>) -> tensor<1x4x2x2x2xf32>
// CHECK: %[[T:.*]] = "flow.transpose"(%[[R]]) <{perm = array<i64: 2, 0, 3, 1, 4>}> : (tensor<1x4x2x2x2xf32>) -> tensor<2x1x2x4x2xf32>
// CHECK-DAG: "flow.slice"(%[[T]], {{.*}}) : (tensor<2x1x2x4x2xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<1x1x2x4x2xf32>
// CHECK-DAG: "flow.gemm"(%{{.*}}, %{{.*}}, %{{.*}}) : (tensor<4x8xf32>, tensor<8x4xf32>, tensor<4xf32>) -> tensor<4x4xf32>
// CHECK-DAG: "flow.transpose"(%{{.*}}) <{perm = array<i64: 0, 2, 3, 1>}>
// CHECK-NOT: tensor<8x4xf32>, tensor<4xf32>) -> tensor<4x4xf32>
// LOOP-LABEL: func.func @qkv
// LOOP: buffer.view %{{.*}} {offset = 0 : i64} : memref<2x1x2x4x2xf32> to memref<1x1x2x4x2xf32>
// LOOP: buffer.view %{{.*}} {offset = 64 : i64} : memref<2x1x2x4x2xf32> to memref<1x1x2x4x2xf32>
func.func @qkv(%x: tensor<1x4x8xf32>) -> (tensor<1x2x4x2xf32>, tensor<1x2x2x4xf32>, tensor<1x2x4x2xf32>) {
  %wq = "flow.constant"() {value = dense<0.5> : tensor<8x4xf32>} : () -> tensor<8x4xf32>
  %wk = "flow.constant"() {value = dense<0.25> : tensor<8x4xf32>} : () -> tensor<8x4xf32>
  %wv = "flow.constant"() {value = dense<0.125> : tensor<8x4xf32>} : () -> tensor<8x4xf32>
  %bq = "flow.constant"() {value = dense<1.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %bk = "flow.constant"() {value = dense<2.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %bv = "flow.constant"() {value = dense<3.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %s = "flow.constant"() {value = dense<[1, 4, 2, 2]> : tensor<4xi64>} : () -> tensor<4xi64>
  %mq = "flow.matmul"(%x, %wq) : (tensor<1x4x8xf32>, tensor<8x4xf32>) -> tensor<1x4x4xf32>
  %aq = "flow.add"(%mq, %bq) : (tensor<1x4x4xf32>, tensor<4xf32>) -> tensor<1x4x4xf32>
  %rq = "flow.reshape"(%aq, %s) : (tensor<1x4x4xf32>, tensor<4xi64>) -> tensor<1x4x2x2xf32>
  %q = "flow.transpose"(%rq) {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x4x2x2xf32>) -> tensor<1x2x4x2xf32>
  %mk = "flow.matmul"(%x, %wk) : (tensor<1x4x8xf32>, tensor<8x4xf32>) -> tensor<1x4x4xf32>
  %ak = "flow.add"(%mk, %bk) : (tensor<1x4x4xf32>, tensor<4xf32>) -> tensor<1x4x4xf32>
  %rk = "flow.reshape"(%ak, %s) : (tensor<1x4x4xf32>, tensor<4xi64>) -> tensor<1x4x2x2xf32>
  %k = "flow.transpose"(%rk) {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x4x2x2xf32>) -> tensor<1x2x2x4xf32>
  %mv = "flow.matmul"(%x, %wv) : (tensor<1x4x8xf32>, tensor<8x4xf32>) -> tensor<1x4x4xf32>
  %av = "flow.add"(%mv, %bv) : (tensor<1x4x4xf32>, tensor<4xf32>) -> tensor<1x4x4xf32>
  %rv = "flow.reshape"(%av, %s) : (tensor<1x4x4xf32>, tensor<4xi64>) -> tensor<1x4x2x2xf32>
  %v = "flow.transpose"(%rv) {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x4x2x2xf32>) -> tensor<1x2x4x2xf32>
  return %q, %k, %v : tensor<1x2x4x2xf32>, tensor<1x2x2x4xf32>, tensor<1x2x4x2xf32>
}
