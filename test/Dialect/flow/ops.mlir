// RUN: flowc-opt %s | flowc-opt | FileCheck %s
// RUN: flowc-opt %s --mlir-print-op-generic | flowc-opt | FileCheck %s

// Round trip of representative flow ops in the generic form.

// CHECK-LABEL: func.func @cnn_block(
func.func @cnn_block(%x: tensor<?x3x224x224xf32>) -> tensor<?x1000xf32> {
  // CHECK: %[[W:.*]] = "flow.constant"() <{value = dense<1.000000e+00> : tensor<64x3x7x7xf32>}> : () -> tensor<64x3x7x7xf32>
  %w = "flow.constant"() {value = dense<1.0> : tensor<64x3x7x7xf32>} : () -> tensor<64x3x7x7xf32>
  %b = "flow.constant"() {value = dense<0.0> : tensor<64xf32>} : () -> tensor<64xf32>
  // CHECK: "flow.conv"(%{{.*}}, %[[W]], %{{.*}}) <{pads = array<i64: 3, 3, 3, 3>, strides = array<i64: 2, 2>}> : (tensor<?x3x224x224xf32>, tensor<64x3x7x7xf32>, tensor<64xf32>) -> tensor<?x64x112x112xf32>
  %0 = "flow.conv"(%x, %w, %b) {pads = array<i64: 3, 3, 3, 3>, strides = array<i64: 2, 2>} : (tensor<?x3x224x224xf32>, tensor<64x3x7x7xf32>, tensor<64xf32>) -> tensor<?x64x112x112xf32>
  // CHECK: "flow.batch_normalization"
  %1 = "flow.batch_normalization"(%0, %b, %b, %b, %b) {epsilon = 1.0e-05 : f32} : (tensor<?x64x112x112xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<?x64x112x112xf32>
  // CHECK: "flow.relu"
  %2 = "flow.relu"(%1) : (tensor<?x64x112x112xf32>) -> tensor<?x64x112x112xf32>
  // CHECK: "flow.max_pool"(%{{.*}}) <{kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}> : (tensor<?x64x112x112xf32>) -> tensor<?x64x56x56xf32>
  %3 = "flow.max_pool"(%2) {kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<?x64x112x112xf32>) -> tensor<?x64x56x56xf32>
  // CHECK: "flow.global_average_pool"
  %4 = "flow.global_average_pool"(%3) : (tensor<?x64x56x56xf32>) -> tensor<?x64x1x1xf32>
  // CHECK: "flow.flatten"(%{{.*}}) <{axis = 1 : i64}> : (tensor<?x64x1x1xf32>) -> tensor<?x64xf32>
  %5 = "flow.flatten"(%4) {axis = 1 : i64} : (tensor<?x64x1x1xf32>) -> tensor<?x64xf32>
  %fc = "flow.constant"() {value = dense<0.5> : tensor<1000x64xf32>} : () -> tensor<1000x64xf32>
  %fb = "flow.constant"() {value = dense<0.5> : tensor<1000xf32>} : () -> tensor<1000xf32>
  // CHECK: "flow.gemm"(%{{.*}}, %{{.*}}, %{{.*}}) <{transB = 1 : i64}> : (tensor<?x64xf32>, tensor<1000x64xf32>, tensor<1000xf32>) -> tensor<?x1000xf32>
  %6 = "flow.gemm"(%5, %fc, %fb) {transB = 1 : i64} : (tensor<?x64xf32>, tensor<1000x64xf32>, tensor<1000xf32>) -> tensor<?x1000xf32>
  // CHECK: "flow.softmax"
  %7 = "flow.softmax"(%6) {axis = -1 : i64} : (tensor<?x1000xf32>) -> tensor<?x1000xf32>
  return %7 : tensor<?x1000xf32>
}

// CHECK-LABEL: func.func @attention(
func.func @attention(%x: tensor<?x?x64xf32>, %wq: tensor<64x64xf32>) -> tensor<?x?x64xf32> {
  // CHECK: "flow.matmul"
  %q = "flow.matmul"(%x, %wq) : (tensor<?x?x64xf32>, tensor<64x64xf32>) -> tensor<?x?x64xf32>
  %shape = "flow.constant"() {value = dense<[0, 0, 4, 16]> : tensor<4xi64>} : () -> tensor<4xi64>
  // CHECK: "flow.reshape"
  %r = "flow.reshape"(%q, %shape) : (tensor<?x?x64xf32>, tensor<4xi64>) -> tensor<?x?x4x16xf32>
  // CHECK: "flow.transpose"(%{{.*}}) <{perm = array<i64: 0, 2, 1, 3>}>
  %t = "flow.transpose"(%r) {perm = array<i64: 0, 2, 1, 3>} : (tensor<?x?x4x16xf32>) -> tensor<?x4x?x16xf32>
  // CHECK: "flow.transpose"(%{{.*}}) <{perm = array<i64: 0, 1, 3, 2>}>
  %kt = "flow.transpose"(%t) {perm = array<i64: 0, 1, 3, 2>} : (tensor<?x4x?x16xf32>) -> tensor<?x4x16x?xf32>
  %s = "flow.matmul"(%t, %kt) : (tensor<?x4x?x16xf32>, tensor<?x4x16x?xf32>) -> tensor<?x4x?x?xf32>
  %scale = "flow.constant"() {value = dense<2.500000e-01> : tensor<f32>} : () -> tensor<f32>
  // CHECK: "flow.mul"
  %ss = "flow.mul"(%s, %scale) : (tensor<?x4x?x?xf32>, tensor<f32>) -> tensor<?x4x?x?xf32>
  %p = "flow.softmax"(%ss) : (tensor<?x4x?x?xf32>) -> tensor<?x4x?x?xf32>
  %o = "flow.matmul"(%p, %t) : (tensor<?x4x?x?xf32>, tensor<?x4x?x16xf32>) -> tensor<?x4x?x16xf32>
  %ot = "flow.transpose"(%o) {perm = array<i64: 0, 2, 1, 3>} : (tensor<?x4x?x16xf32>) -> tensor<?x?x4x16xf32>
  %back = "flow.constant"() {value = dense<[0, 0, 64]> : tensor<3xi64>} : () -> tensor<3xi64>
  %y = "flow.reshape"(%ot, %back) : (tensor<?x?x4x16xf32>, tensor<3xi64>) -> tensor<?x?x64xf32>
  %g = "flow.constant"() {value = dense<1.0> : tensor<64xf32>} : () -> tensor<64xf32>
  // CHECK: "flow.layer_normalization"(%{{.*}}, %{{.*}}, %{{.*}}) <{axis = -1 : i64, epsilon = 1.000000e-05 : f32}>
  %ln = "flow.layer_normalization"(%y, %g, %g) {axis = -1 : i64, epsilon = 1.0e-05 : f32} : (tensor<?x?x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<?x?x64xf32>
  // CHECK: "flow.gelu"
  %act = "flow.gelu"(%ln) {approximate = "tanh"} : (tensor<?x?x64xf32>) -> tensor<?x?x64xf32>
  return %act : tensor<?x?x64xf32>
}

// CHECK-LABEL: func.func @shape_subgraph(
func.func @shape_subgraph(%x: tensor<?x3x8x8xf32>) -> tensor<?x192xf32> {
  // CHECK: "flow.shape"(%{{.*}}) : (tensor<?x3x8x8xf32>) -> tensor<4xi64>
  %s = "flow.shape"(%x) : (tensor<?x3x8x8xf32>) -> tensor<4xi64>
  %i = "flow.constant"() {value = dense<0> : tensor<i64>} : () -> tensor<i64>
  // CHECK: "flow.gather"(%{{.*}}, %{{.*}}) <{axis = 0 : i64}> : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %n = "flow.gather"(%s, %i) {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %axes = "flow.constant"() {value = dense<[0]> : tensor<1xi64>} : () -> tensor<1xi64>
  // CHECK: "flow.unsqueeze"
  %n1 = "flow.unsqueeze"(%n, %axes) : (tensor<i64>, tensor<1xi64>) -> tensor<1xi64>
  %c = "flow.constant"() {value = dense<[192]> : tensor<1xi64>} : () -> tensor<1xi64>
  // CHECK: "flow.concat"(%{{.*}}, %{{.*}}) <{axis = 0 : i64}> : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %shape = "flow.concat"(%n1, %c) {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  // CHECK: "flow.reshape"(%{{.*}}, %{{.*}}) : (tensor<?x3x8x8xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  %r = "flow.reshape"(%x, %shape) : (tensor<?x3x8x8xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  %c2 = "flow.constant"() {value = dense<[-1, 192]> : tensor<2xi64>} : () -> tensor<2xi64>
  %r2 = "flow.reshape"(%r, %c2) : (tensor<?x?xf32>, tensor<2xi64>) -> tensor<?x192xf32>
  return %r2 : tensor<?x192xf32>
}

// CHECK-LABEL: func.func @optional_values(
func.func @optional_values(%x: tensor<4x6xf32>, %hi: tensor<f32>) -> (tensor<4x6xf32>, tensor<4x6xi1>, tensor<2x6xf32>, tensor<4x6xf32>) {
  // CHECK: %[[N:.*]] = "flow.none"() : () -> none
  %n = "flow.none"() : () -> none
  // CHECK: "flow.clip"(%{{.*}}, %[[N]], %{{.*}}) : (tensor<4x6xf32>, none, tensor<f32>) -> tensor<4x6xf32>
  %c = "flow.clip"(%x, %n, %hi) : (tensor<4x6xf32>, none, tensor<f32>) -> tensor<4x6xf32>
  // CHECK: "flow.dropout"(%{{.*}}) : (tensor<4x6xf32>) -> (tensor<4x6xf32>, tensor<4x6xi1>)
  %d:2 = "flow.dropout"(%c) : (tensor<4x6xf32>) -> (tensor<4x6xf32>, tensor<4x6xi1>)
  %sizes = "flow.constant"() {value = dense<[2, 2]> : tensor<2xi64>} : () -> tensor<2xi64>
  // CHECK: "flow.split"(%{{.*}}, %{{.*}}) <{axis = 0 : i64}> : (tensor<4x6xf32>, tensor<2xi64>) -> (tensor<2x6xf32>, tensor<2x6xf32>)
  %sp:2 = "flow.split"(%d#0, %sizes) {axis = 0 : i64} : (tensor<4x6xf32>, tensor<2xi64>) -> (tensor<2x6xf32>, tensor<2x6xf32>)
  %k = "flow.constant"() {value = dense<[3]> : tensor<1xi64>} : () -> tensor<1xi64>
  // CHECK: "flow.top_k"
  %tk:2 = "flow.top_k"(%x, %k) {axis = 1 : i64} : (tensor<4x6xf32>, tensor<1xi64>) -> (tensor<4x3xf32>, tensor<4x3xi64>)
  // CHECK: "flow.where"
  %w = "flow.where"(%d#1, %x, %hi) : (tensor<4x6xi1>, tensor<4x6xf32>, tensor<f32>) -> tensor<4x6xf32>
  return %d#0, %d#1, %sp#1, %w : tensor<4x6xf32>, tensor<4x6xi1>, tensor<2x6xf32>, tensor<4x6xf32>
}

// CHECK-LABEL: func.func @recurrent(
func.func @recurrent(%x: tensor<7x2x10xf32>, %w: tensor<1x80x10xf32>, %r: tensor<1x80x20xf32>) -> tensor<1x2x20xf32> {
  // CHECK: "flow.lstm"(%{{.*}}, %{{.*}}, %{{.*}}) <{hidden_size = 20 : i64}> : (tensor<7x2x10xf32>, tensor<1x80x10xf32>, tensor<1x80x20xf32>) -> (none, tensor<1x2x20xf32>)
  %y:2 = "flow.lstm"(%x, %w, %r) {hidden_size = 20 : i64} : (tensor<7x2x10xf32>, tensor<1x80x10xf32>, tensor<1x80x20xf32>) -> (none, tensor<1x2x20xf32>)
  return %y#1 : tensor<1x2x20xf32>
}

// CHECK-LABEL: func.func @fused(
func.func @fused(%a: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<8xf32> {
  // CHECK: "flow.fused"(%{{.*}}, %{{.*}}) ({
  // CHECK: ^bb0(%{{.*}}: tensor<8xf32>, %{{.*}}: tensor<8xf32>):
  // CHECK: "flow.add"
  // CHECK: "flow.yield"(%{{.*}}) : (tensor<8xf32>) -> ()
  // CHECK: }) : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %f = "flow.fused"(%a, %b) ({
  ^bb0(%x: tensor<8xf32>, %y: tensor<8xf32>):
    %s = "flow.add"(%x, %y) : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
    %t = "flow.sigmoid"(%s) : (tensor<8xf32>) -> tensor<8xf32>
    "flow.yield"(%t) : (tensor<8xf32>) -> ()
  }) : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  return %f : tensor<8xf32>
}
