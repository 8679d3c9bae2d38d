// RUN: flowc-opt %s --split-input-file --verify-diagnostics

// The reshape family, gather / scatter, slicing, padding, shape-producing and quantization ops.

func.func @reshape_count(%x: tensor<2x3xf32>) {
  %s = "flow.constant"() {value = dense<[4, -1]> : tensor<2xi64>} : () -> tensor<2xi64>
  // expected-error @+1 {{'flow.reshape' op cannot reshape tensor<2x3xf32> (6 elements) to [4, -1]}}
  %0 = "flow.reshape"(%x, %s) : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<4x?xf32>
  return
}

// -----

func.func @reshape_result(%x: tensor<2x3x4xf32>) {
  %s = "flow.constant"() {value = dense<[0, -1]> : tensor<2xi64>} : () -> tensor<2xi64>
  // expected-error @+1 {{'flow.reshape' op result #0 type 'tensor<3x8xf32>' is incompatible with the inferred type 'tensor<2x12xf32>'}}
  %0 = "flow.reshape"(%x, %s) : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<3x8xf32>
  return
}

// -----

func.func @reshape_rank(%x: tensor<2x3xf32>, %s: tensor<3xi64>) {
  // expected-error @+1 {{'flow.reshape' op result #0 type 'tensor<6xf32>' is incompatible with the inferred type 'tensor<?x?x?xf32>'}}
  %0 = "flow.reshape"(%x, %s) : (tensor<2x3xf32>, tensor<3xi64>) -> tensor<6xf32>
  return
}

// -----

func.func @reshape_shape_type(%x: tensor<2x3xf32>, %s: tensor<2xi32>) {
  // expected-error @+1 {{'flow.reshape' op operand #1 must be tensor of i64 values, but got 'tensor<2xi32>'}}
  %0 = "flow.reshape"(%x, %s) : (tensor<2x3xf32>, tensor<2xi32>) -> tensor<?x?xf32>
  return
}

// -----

func.func @flatten_axis(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'flow.flatten' op axis 3 is out of range [-2, 2] for rank 2}}
  %0 = "flow.flatten"(%x) {axis = 3 : i64} : (tensor<2x3xf32>) -> tensor<6x1xf32>
  return
}

// -----

func.func @squeeze_non_one(%x: tensor<1x3xf32>) {
  %a = "flow.constant"() {value = dense<[1]> : tensor<1xi64>} : () -> tensor<1xi64>
  // expected-error @+1 {{'flow.squeeze' op cannot squeeze dimension 1 of size 3 of tensor<1x3xf32>}}
  %0 = "flow.squeeze"(%x, %a) : (tensor<1x3xf32>, tensor<1xi64>) -> tensor<1xf32>
  return
}

// -----

func.func @unsqueeze_axis(%x: tensor<3xf32>) {
  %a = "flow.constant"() {value = dense<[2]> : tensor<1xi64>} : () -> tensor<1xi64>
  // expected-error @+1 {{'flow.unsqueeze' op axis 2 is out of range [-2, 1] for rank 2}}
  %0 = "flow.unsqueeze"(%x, %a) : (tensor<3xf32>, tensor<1xi64>) -> tensor<3x1xf32>
  return
}

// -----

func.func @transpose_perm(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'flow.transpose' op perm [1, 1] is not a permutation of the 2 dimensions of tensor<2x3xf32>}}
  %0 = "flow.transpose"(%x) {perm = array<i64: 1, 1>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return
}

// -----

func.func @transpose_result(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'flow.transpose' op result #0 type 'tensor<2x3xf32>' is incompatible with the inferred type 'tensor<3x2xf32>'}}
  %0 = "flow.transpose"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @expand_shape(%x: tensor<3x2xf32>) {
  %s = "flow.constant"() {value = dense<[4, 4]> : tensor<2xi64>} : () -> tensor<2xi64>
  // expected-error @+1 {{'flow.expand' op cannot expand tensor<3x2xf32> to shape [4, 4]}}
  %0 = "flow.expand"(%x, %s) : (tensor<3x2xf32>, tensor<2xi64>) -> tensor<4x4xf32>
  return
}

// -----

func.func @tile_repeats(%x: tensor<3x2xf32>, %r: tensor<3xi64>) {
  // expected-error @+1 {{'flow.tile' op repeats must have 2 elements (the input rank), but has 3}}
  %0 = "flow.tile"(%x, %r) : (tensor<3x2xf32>, tensor<3xi64>) -> tensor<?x?xf32>
  return
}

// -----

func.func @concat_dims(%a: tensor<2x3xf32>, %b: tensor<3x3xf32>) {
  // expected-error @+1 {{'flow.concat' op operand #1 tensor<3x3xf32> differs from the others in dimension 0 (not the concatenation axis 1)}}
  %0 = "flow.concat"(%a, %b) {axis = 1 : i64} : (tensor<2x3xf32>, tensor<3x3xf32>) -> tensor<2x6xf32>
  return
}

// -----

func.func @concat_result(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>) {
  // expected-error @+1 {{'flow.concat' op result #0 type 'tensor<2x3xf32>' is incompatible with the inferred type 'tensor<4x3xf32>'}}
  %0 = "flow.concat"(%a, %b) {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @split_sizes(%x: tensor<6x4xf32>) {
  %s = "flow.constant"() {value = dense<[1, 4]> : tensor<2xi64>} : () -> tensor<2xi64>
  // expected-error @+1 {{'flow.split' op split sizes [1, 4] add up to 5, not to dimension 0 of tensor<6x4xf32>}}
  %0:2 = "flow.split"(%x, %s) : (tensor<6x4xf32>, tensor<2xi64>) -> (tensor<1x4xf32>, tensor<4x4xf32>)
  return
}

// -----

func.func @split_equal(%x: tensor<7x4xf32>) {
  // expected-error @+1 {{'flow.split' op requires the split operand or attribute 'num_outputs'}}
  %0:2 = "flow.split"(%x) : (tensor<7x4xf32>) -> (tensor<?x4xf32>, tensor<?x4xf32>)
  return
}

// -----

func.func @slice_steps(%x: tensor<10xf32>) {
  %s = "flow.constant"() {value = dense<[0]> : tensor<1xi64>} : () -> tensor<1xi64>
  %e = "flow.constant"() {value = dense<[5]> : tensor<1xi64>} : () -> tensor<1xi64>
  // expected-error @+1 {{'flow.slice' op steps must be non-zero}}
  %0 = "flow.slice"(%x, %s, %e, %s, %s) : (tensor<10xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<5xf32>
  return
}

// -----

func.func @slice_result(%x: tensor<10x4xf32>) {
  %s = "flow.constant"() {value = dense<[2]> : tensor<1xi64>} : () -> tensor<1xi64>
  %e = "flow.constant"() {value = dense<[100]> : tensor<1xi64>} : () -> tensor<1xi64>
  // expected-error @+1 {{'flow.slice' op result #0 type 'tensor<98x4xf32>' is incompatible with the inferred type 'tensor<8x4xf32>'}}
  %0 = "flow.slice"(%x, %s, %e) : (tensor<10x4xf32>, tensor<1xi64>, tensor<1xi64>) -> tensor<98x4xf32>
  return
}

// -----

func.func @pad_length(%x: tensor<2x3xf32>) {
  %p = "flow.constant"() {value = dense<[1, 1]> : tensor<2xi64>} : () -> tensor<2xi64>
  // expected-error @+1 {{'flow.pad' op pads must have 4 elements (twice the number of padded axes), but has 2}}
  %0 = "flow.pad"(%x, %p) : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<3x4xf32>
  return
}

// -----

func.func @pad_mode(%x: tensor<2x3xf32>, %p: tensor<4xi64>) {
  // expected-error @+1 {{'flow.pad' op attribute 'mode' must be one of "constant", "reflect", "edge", "wrap", but is "mirror"}}
  %0 = "flow.pad"(%x, %p) {mode = "mirror"} : (tensor<2x3xf32>, tensor<4xi64>) -> tensor<?x?xf32>
  return
}

// -----

func.func @gather_axis(%x: tensor<5x4xf32>, %i: tensor<2xi64>) {
  // expected-error @+1 {{'flow.gather' op axis 2 is out of range [-2, 1] for rank 2}}
  %0 = "flow.gather"(%x, %i) {axis = 2 : i64} : (tensor<5x4xf32>, tensor<2xi64>) -> tensor<2x4xf32>
  return
}

// -----

func.func @gather_index(%x: tensor<5x4xf32>) {
  %i = "flow.constant"() {value = dense<[7]> : tensor<1xi64>} : () -> tensor<1xi64>
  // expected-error @+1 {{'flow.gather' op index 7 is out of range for dimension 0 of size 5}}
  %0 = "flow.gather"(%x, %i) : (tensor<5x4xf32>, tensor<1xi64>) -> tensor<1x4xf32>
  return
}

// -----

func.func @gather_elements_rank(%x: tensor<5x4xf32>, %i: tensor<2xi64>) {
  // expected-error @+1 {{'flow.gather_elements' op data tensor<5x4xf32> and indices tensor<2xi64> must have the same rank}}
  %0 = "flow.gather_elements"(%x, %i) : (tensor<5x4xf32>, tensor<2xi64>) -> tensor<2xf32>
  return
}

// -----

func.func @gather_nd_last(%x: tensor<2x2xf32>, %i: tensor<2x3xi64>) {
  // expected-error @+1 {{'flow.gather_nd' op the last dimension of indices (3) must be in [1, 2]}}
  %0 = "flow.gather_nd"(%x, %i) : (tensor<2x2xf32>, tensor<2x3xi64>) -> tensor<2xf32>
  return
}

// -----

func.func @scatter_elements_shapes(%x: tensor<3x3xf32>, %i: tensor<2x3xi64>, %u: tensor<2x2xf32>) {
  // expected-error @+1 {{'flow.scatter_elements' op indices tensor<2x3xi64> and updates tensor<2x2xf32> must have the same shape}}
  %0 = "flow.scatter_elements"(%x, %i, %u) : (tensor<3x3xf32>, tensor<2x3xi64>, tensor<2x2xf32>) -> tensor<3x3xf32>
  return
}

// -----

func.func @scatter_axis(%x: tensor<3x3xf32>, %i: tensor<2x3xi64>, %u: tensor<2x3xf32>) {
  // expected-error @+1 {{'flow.scatter' op axis 2 is out of range [-2, 1] for rank 2}}
  %0 = "flow.scatter"(%x, %i, %u) {axis = 2 : i64} : (tensor<3x3xf32>, tensor<2x3xi64>, tensor<2x3xf32>) -> tensor<3x3xf32>
  return
}

// -----

func.func @scatter_nd_updates(%x: tensor<4x4x4xf32>, %i: tensor<2x1xi64>, %u: tensor<2x4xf32>) {
  // expected-error @+1 {{'flow.scatter_nd' op updates tensor<2x4xf32> must have shape [2, 4, 4]}}
  %0 = "flow.scatter_nd"(%x, %i, %u) : (tensor<4x4x4xf32>, tensor<2x1xi64>, tensor<2x4xf32>) -> tensor<4x4x4xf32>
  return
}

// -----

func.func @shape_result(%x: tensor<2x?x4xf32>) {
  // expected-error @+1 {{'flow.shape' op result #0 type 'tensor<2xi64>' is incompatible with the inferred type 'tensor<3xi64>'}}
  %0 = "flow.shape"(%x) : (tensor<2x?x4xf32>) -> tensor<2xi64>
  return
}

// -----

func.func @size_result(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{'flow.size' op result #0 type 'tensor<1xi64>' is incompatible with the inferred type 'tensor<i64>'}}
  %0 = "flow.size"(%x) : (tensor<2x4xf32>) -> tensor<1xi64>
  return
}

// -----

func.func @constant_of_shape_value() {
  %s = "flow.constant"() {value = dense<[2, 3]> : tensor<2xi64>} : () -> tensor<2xi64>
  // expected-error @+1 {{'flow.constant_of_shape' op attribute 'value' must hold one element, but has type 'tensor<2xi32>'}}
  %0 = "flow.constant_of_shape"(%s) {value = dense<1> : tensor<2xi32>} : (tensor<2xi64>) -> tensor<2x3xi32>
  return
}

// -----

func.func @range_delta() {
  %a = "flow.constant"() {value = dense<0> : tensor<i64>} : () -> tensor<i64>
  // expected-error @+1 {{'flow.range' op delta must be non-zero}}
  %0 = "flow.range"(%a, %a, %a) : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  return
}

// -----

func.func @eye_like_rank(%x: tensor<3xf32>) {
  // expected-error @+1 {{'flow.eye_like' op operand #0 (input) must have rank 2, but has type 'tensor<3xf32>'}}
  %0 = "flow.eye_like"(%x) : (tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @one_hot_values(%i: tensor<2xi64>, %d: tensor<i64>, %v: tensor<3xf32>) {
  // expected-error @+1 {{'flow.one_hot' op values must be 1-D with 2 elements (off, on), but has type 'tensor<3xf32>'}}
  %0 = "flow.one_hot"(%i, %d, %v) : (tensor<2xi64>, tensor<i64>, tensor<3xf32>) -> tensor<2x?xf32>
  return
}

// -----

func.func @depth_to_space_channels(%x: tensor<1x6x2x2xf32>) {
  // expected-error @+1 {{'flow.depth_to_space' op channels (6) must be a multiple of blocksize squared (4)}}
  %0 = "flow.depth_to_space"(%x) {blocksize = 2 : i64} : (tensor<1x6x2x2xf32>) -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @space_to_depth_blocksize(%x: tensor<1x2x4x4xf32>) {
  // expected-error @+1 {{'flow.space_to_depth' op requires attribute 'blocksize'}}
  %0 = "flow.space_to_depth"(%x) : (tensor<1x2x4x4xf32>) -> tensor<1x8x2x2xf32>
  return
}

// -----

func.func @resize_both(%x: tensor<1x3x8x8xf32>, %s: tensor<4xf32>, %z: tensor<4xi64>) {
  %n = "flow.none"() : () -> none
  // expected-error @+1 {{'flow.resize' op expects exactly one of scales and sizes}}
  %0 = "flow.resize"(%x, %n, %s, %z) : (tensor<1x3x8x8xf32>, none, tensor<4xf32>, tensor<4xi64>) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @resize_result(%x: tensor<1x3x8x8xf32>) {
  %n = "flow.none"() : () -> none
  %s = "flow.constant"() {value = dense<[1.0, 1.0, 2.0, 2.0]> : tensor<4xf32>} : () -> tensor<4xf32>
  // expected-error @+1 {{'flow.resize' op result #0 type 'tensor<1x3x8x8xf32>' is incompatible with the inferred type 'tensor<1x3x16x16xf32>'}}
  %0 = "flow.resize"(%x, %n, %s) {mode = "linear"} : (tensor<1x3x8x8xf32>, none, tensor<4xf32>) -> tensor<1x3x8x8xf32>
  return
}

// -----

func.func @reverse_sequence_axes(%x: tensor<4x2xf32>, %l: tensor<2xi64>) {
  // expected-error @+1 {{'flow.reverse_sequence' op batch_axis and time_axis must be 0 and 1 in some order, but are 0 and 0}}
  %0 = "flow.reverse_sequence"(%x, %l) {batch_axis = 0 : i64} : (tensor<4x2xf32>, tensor<2xi64>) -> tensor<4x2xf32>
  return
}

// -----

func.func @det_square(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'flow.det' op expects square matrices, but got tensor<2x3xf32>}}
  %0 = "flow.det"(%x) : (tensor<2x3xf32>) -> tensor<f32>
  return
}

// -----

func.func @non_zero_result(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'flow.non_zero' op result #0 type 'tensor<3x?xi64>' is incompatible with the inferred type 'tensor<2x?xi64>'}}
  %0 = "flow.non_zero"(%x) : (tensor<2x3xf32>) -> tensor<3x?xi64>
  return
}

// -----

func.func @unique_axis(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'flow.unique' op axis 2 is out of range [-2, 1] for rank 2}}
  %0 = "flow.unique"(%x) {axis = 2 : i64} : (tensor<2x3xf32>) -> tensor<2x?xf32>
  return
}

// -----

func.func @compress_condition(%x: tensor<3x2xf32>, %c: tensor<2xi32>) {
  // expected-error @+1 {{'flow.compress' op operand #1 must be tensor of i1 values}}
  %0 = "flow.compress"(%x, %c) : (tensor<3x2xf32>, tensor<2xi32>) -> tensor<?xf32>
  return
}

// -----

func.func @non_max_suppression_boxes(%b: tensor<1x6x4xf16>, %s: tensor<1x1x6xf32>) {
  // expected-error @+1 {{'flow.non_max_suppression' op operand #0 must be tensor of f32 values}}
  %0 = "flow.non_max_suppression"(%b, %s) : (tensor<1x6x4xf16>, tensor<1x1x6xf32>) -> tensor<?x3xi64>
  return
}

// -----

func.func @quantize_scale(%x: tensor<2x3xf32>, %s: tensor<2xf32>) {
  // expected-error @+1 {{'flow.quantize_linear' op per-axis scale tensor<2xf32> must be 1-D with [3] elements (dimension 1 of the input)}}
  %0 = "flow.quantize_linear"(%x, %s) : (tensor<2x3xf32>, tensor<2xf32>) -> tensor<2x3xui8>
  return
}

// -----

func.func @dequantize_result(%x: tensor<2x3xi8>, %s: tensor<f16>) {
  // expected-error @+1 {{'flow.dequantize_linear' op result #0 type 'tensor<2x3xf32>' is incompatible with the inferred type 'tensor<2x3xf16>'}}
  %0 = "flow.dequantize_linear"(%x, %s) : (tensor<2x3xi8>, tensor<f16>) -> tensor<2x3xf32>
  return
}
