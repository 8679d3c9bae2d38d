// RUN: flowc-opt %s --split-input-file --verify-diagnostics

// Matrix products, convolution, pooling, normalization and recurrent ops.

func.func @matmul_k(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{'flow.matmul' op contracting dimensions differ: tensor<2x3xf32> has 3 columns, tensor<4x5xf32> has 4 rows}}
  %0 = "flow.matmul"(%a, %b) : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return
}

// -----

func.func @matmul_result(%a: tensor<?x2x3xf32>, %b: tensor<3x4xf32>) {
  // expected-error @+1 {{'flow.matmul' op result #0 type 'tensor<?x2x5xf32>' is incompatible with the inferred type 'tensor<?x2x4xf32>'}}
  %0 = "flow.matmul"(%a, %b) : (tensor<?x2x3xf32>, tensor<3x4xf32>) -> tensor<?x2x5xf32>
  return
}

// -----

func.func @matmul_integer_result(%a: tensor<2x3xui8>, %b: tensor<3x4xi8>) {
  // expected-error @+1 {{'flow.matmul_integer' op result #0 must be tensor of i32 values}}
  %0 = "flow.matmul_integer"(%a, %b) : (tensor<2x3xui8>, tensor<3x4xi8>) -> tensor<2x4xi64>
  return
}

// -----

func.func @q_linear_matmul_zero_point(%a: tensor<2x3xui8>, %s: tensor<f32>, %za: tensor<ui8>, %b: tensor<3x4xi8>, %zb: tensor<i8>, %zy: tensor<2x2xi8>) {
  // expected-error @+1 {{'flow.q_linear_matmul' op operand #7 (y_zero_point) must be a scalar or 1-D}}
  %0 = "flow.q_linear_matmul"(%a, %s, %za, %b, %s, %zb, %s, %zy) : (tensor<2x3xui8>, tensor<f32>, tensor<ui8>, tensor<3x4xi8>, tensor<f32>, tensor<i8>, tensor<f32>, tensor<2x2xi8>) -> tensor<2x4xi8>
  return
}

// -----

func.func @gemm_c(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>, %c: tensor<3xf32>) {
  // expected-error @+1 {{'flow.gemm' op C tensor<3xf32> does not broadcast to the result shape [2, 4]}}
  %0 = "flow.gemm"(%a, %b, %c) : (tensor<2x3xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @gemm_trans(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) {
  // expected-error @+1 {{'flow.gemm' op contracting dimensions differ}}
  %0 = "flow.gemm"(%a, %b) {transA = 1 : i64} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @conv_kernel_shape(%x: tensor<1x3x32x32xf32>, %w: tensor<8x3x3x3xf32>) {
  // expected-error @+1 {{'flow.conv' op attribute 'kernel_shape' must have 2 elements (the spatial rank), but has 3}}
  %0 = "flow.conv"(%x, %w) {kernel_shape = array<i64: 3, 3, 3>} : (tensor<1x3x32x32xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x30x30xf32>
  return
}

// -----

func.func @conv_pads(%x: tensor<1x3x32x32xf32>, %w: tensor<8x3x3x3xf32>) {
  // expected-error @+1 {{'flow.conv' op attribute 'pads' must have 4 elements (two for the 2 spatial dimensions), but has 2}}
  %0 = "flow.conv"(%x, %w) {pads = array<i64: 1, 1>} : (tensor<1x3x32x32xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x32x32xf32>
  return
}

// -----

func.func @conv_auto_pad(%x: tensor<1x3x32x32xf32>, %w: tensor<8x3x3x3xf32>) {
  // expected-error @+1 {{'flow.conv' op attribute 'auto_pad' must be one of "NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID", but is "SAME"}}
  %0 = "flow.conv"(%x, %w) {auto_pad = "SAME"} : (tensor<1x3x32x32xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x32x32xf32>
  return
}

// -----

func.func @conv_group(%x: tensor<1x4x32x32xf32>, %w: tensor<8x3x3x3xf32>) {
  // expected-error @+1 {{'flow.conv' op input channels (4) must equal weight channels (3) times group (1)}}
  %0 = "flow.conv"(%x, %w) : (tensor<1x4x32x32xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x30x30xf32>
  return
}

// -----

func.func @conv_result(%x: tensor<1x3x32x32xf32>, %w: tensor<8x3x3x3xf32>) {
  // expected-error @+1 {{'flow.conv' op result #0 type 'tensor<1x8x32x32xf32>' is incompatible with the inferred type 'tensor<1x8x16x16xf32>'}}
  %0 = "flow.conv"(%x, %w) {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x3x32x32xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x32x32xf32>
  return
}

// -----

func.func @conv_bias(%x: tensor<1x3x32x32xf32>, %w: tensor<8x3x3x3xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{'flow.conv' op bias must be 1-D with [8] elements (the output channels)}}
  %0 = "flow.conv"(%x, %w, %b) : (tensor<1x3x32x32xf32>, tensor<8x3x3x3xf32>, tensor<4xf32>) -> tensor<1x8x30x30xf32>
  return
}

// -----

func.func @conv_int(%x: tensor<1x3x32x32xi8>, %w: tensor<8x3x3x3xf32>) {
  // expected-error @+1 {{'flow.conv' op operand #0 must be tensor of f16, bf16, f32 or f64 values}}
  %0 = "flow.conv"(%x, %w) : (tensor<1x3x32x32xi8>, tensor<8x3x3x3xf32>) -> tensor<1x8x30x30xf32>
  return
}

// -----

func.func @conv_transpose_output_padding(%x: tensor<1x1x4x4xf32>, %w: tensor<1x2x3x3xf32>) {
  // expected-error @+1 {{'flow.conv_transpose' op attribute 'output_padding' must have 2 elements, but has 1}}
  %0 = "flow.conv_transpose"(%x, %w) {output_padding = array<i64: 1>} : (tensor<1x1x4x4xf32>, tensor<1x2x3x3xf32>) -> tensor<1x2x6x6xf32>
  return
}

// -----

func.func @conv_transpose_result(%x: tensor<1x1x4x4xf32>, %w: tensor<1x2x3x3xf32>) {
  // expected-error @+1 {{'flow.conv_transpose' op result #0 type 'tensor<1x2x8x8xf32>' is incompatible with the inferred type 'tensor<1x2x9x9xf32>'}}
  %0 = "flow.conv_transpose"(%x, %w) {strides = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>, tensor<1x2x3x3xf32>) -> tensor<1x2x8x8xf32>
  return
}

// -----

func.func @q_linear_conv_zero_point(%x: tensor<1x3x8x8xui8>, %s: tensor<f32>, %zx: tensor<i8>, %w: tensor<4x3x3x3xi8>, %zw: tensor<i8>, %zy: tensor<ui8>) {
  // expected-error @+1 {{'flow.q_linear_conv' op operands #0 (x) and #2 (x_zero_point) must have the same element type, but got ui8 and i8}}
  %0 = "flow.q_linear_conv"(%x, %s, %zx, %w, %s, %zw, %s, %zy) : (tensor<1x3x8x8xui8>, tensor<f32>, tensor<i8>, tensor<4x3x3x3xi8>, tensor<f32>, tensor<i8>, tensor<f32>, tensor<ui8>) -> tensor<1x4x6x6xui8>
  return
}

// -----

func.func @max_pool_kernel(%x: tensor<1x3x32x32xf32>) {
  // expected-error @+1 {{'flow.max_pool' op requires attribute 'kernel_shape'}}
  %0 = "flow.max_pool"(%x) : (tensor<1x3x32x32xf32>) -> tensor<1x3x32x32xf32>
  return
}

// -----

func.func @max_pool_strides(%x: tensor<1x3x32x32xf32>) {
  // expected-error @+1 {{'flow.max_pool' op strides must be positive, but got 0}}
  %0 = "flow.max_pool"(%x) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 0, 2>} : (tensor<1x3x32x32xf32>) -> tensor<1x3x16x16xf32>
  return
}

// -----

func.func @max_pool_indices(%x: tensor<1x3x32x32xf32>) {
  // expected-error @+1 {{'flow.max_pool' op result #1 must be none or tensor of i64 values, but got 'tensor<1x3x16x16xi32>'}}
  %0:2 = "flow.max_pool"(%x) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x3x32x32xf32>) -> (tensor<1x3x16x16xf32>, tensor<1x3x16x16xi32>)
  return
}

// -----

func.func @average_pool_result(%x: tensor<1x3x32x32xf32>) {
  // expected-error @+1 {{'flow.average_pool' op result #0 type 'tensor<1x3x16x16xf32>' is incompatible with the inferred type 'tensor<1x3x17x17xf32>'}}
  %0 = "flow.average_pool"(%x) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x3x32x32xf32>) -> tensor<1x3x16x16xf32>
  return
}

// -----

func.func @lp_pool_rank(%x: tensor<3x32xf32>) {
  // expected-error @+1 {{'flow.lp_pool' op expects an input of rank at least 3 (N x C x spatial), but got tensor<3x32xf32>}}
  %0 = "flow.lp_pool"(%x) {kernel_shape = array<i64: 2>} : (tensor<3x32xf32>) -> tensor<3x31xf32>
  return
}

// -----

func.func @global_average_pool_result(%x: tensor<1x3x32x32xf32>) {
  // expected-error @+1 {{'flow.global_average_pool' op result #0 type 'tensor<1x3xf32>' is incompatible with the inferred type 'tensor<1x3x1x1xf32>'}}
  %0 = "flow.global_average_pool"(%x) : (tensor<1x3x32x32xf32>) -> tensor<1x3xf32>
  return
}

// -----

func.func @global_max_pool_rank(%x: tensor<3xf32>) {
  // expected-error @+1 {{'flow.global_max_pool' op expects an input of rank at least 2}}
  %0 = "flow.global_max_pool"(%x) : (tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @global_lp_pool_p(%x: tensor<1x3x4x4xf32>) {
  // expected-error @+1 {{'flow.global_lp_pool' op attribute 'p' must be positive, but is 0}}
  %0 = "flow.global_lp_pool"(%x) {p = 0 : i64} : (tensor<1x3x4x4xf32>) -> tensor<1x3x1x1xf32>
  return
}

// -----

func.func @max_unpool_indices(%x: tensor<1x1x2x2xf32>, %i: tensor<1x1x2x3xi64>) {
  // expected-error @+1 {{'flow.max_unpool' op indices tensor<1x1x2x3xi64> must have the shape of the input tensor<1x1x2x2xf32>}}
  %0 = "flow.max_unpool"(%x, %i) {kernel_shape = array<i64: 2, 2>} : (tensor<1x1x2x2xf32>, tensor<1x1x2x3xi64>) -> tensor<1x1x3x3xf32>
  return
}

// -----

func.func @batch_norm_channels(%x: tensor<2x8x4x4xf32>, %c: tensor<8xf32>, %d: tensor<4xf32>) {
  // expected-error @+1 {{'flow.batch_normalization' op operand #2 (B) must be 1-D with [8] elements (the channels), but has type 'tensor<4xf32>'}}
  %0 = "flow.batch_normalization"(%x, %c, %d, %c, %c) : (tensor<2x8x4x4xf32>, tensor<8xf32>, tensor<4xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x8x4x4xf32>
  return
}

// -----

func.func @batch_norm_training_outputs(%x: tensor<2x8x4x4xf32>, %c: tensor<8xf32>) {
  // expected-error @+1 {{'flow.batch_normalization' op has 3 results, but running_mean and running_var are only produced with training_mode = 1}}
  %0:3 = "flow.batch_normalization"(%x, %c, %c, %c, %c) : (tensor<2x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<2x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @instance_norm_rank(%x: tensor<2x8xf32>, %c: tensor<8xf32>) {
  // expected-error @+1 {{'flow.instance_normalization' op operand #0 (input) must have rank at least 3, but has type 'tensor<2x8xf32>'}}
  %0 = "flow.instance_normalization"(%x, %c, %c) : (tensor<2x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @layer_norm_scale(%x: tensor<2x5x16xf32>, %s: tensor<8xf32>) {
  // expected-error @+1 {{'flow.layer_normalization' op operand #1 (Scale) tensor<8xf32> does not broadcast to the input tensor<2x5x16xf32>}}
  %0 = "flow.layer_normalization"(%x, %s) : (tensor<2x5x16xf32>, tensor<8xf32>) -> tensor<2x5x16xf32>
  return
}

// -----

func.func @layer_norm_stats(%x: tensor<2x5x16xf32>, %s: tensor<16xf32>) {
  // expected-error @+1 {{'flow.layer_normalization' op result #1 type 'tensor<2x5xf32>' is incompatible with the inferred type 'tensor<2x5x1xf32>'}}
  %0:2 = "flow.layer_normalization"(%x, %s) : (tensor<2x5x16xf32>, tensor<16xf32>) -> (tensor<2x5x16xf32>, tensor<2x5xf32>)
  return
}

// -----

func.func @lrn_size(%x: tensor<1x8x4x4xf32>) {
  // expected-error @+1 {{'flow.lrn' op attribute 'size' must be positive, but is 0}}
  %0 = "flow.lrn"(%x) {size = 0 : i64} : (tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  return
}

// -----

func.func @lstm_hidden(%x: tensor<7x2x10xf32>, %w: tensor<1x80x10xf32>, %r: tensor<1x80x20xf32>) {
  // expected-error @+1 {{'flow.lstm' op hidden_size 16 disagrees with R tensor<1x80x20xf32>}}
  %0 = "flow.lstm"(%x, %w, %r) {hidden_size = 16 : i64} : (tensor<7x2x10xf32>, tensor<1x80x10xf32>, tensor<1x80x20xf32>) -> tensor<7x1x2x16xf32>
  return
}

// -----

func.func @gru_direction(%x: tensor<7x2x10xf32>, %w: tensor<1x60x10xf32>, %r: tensor<1x60x20xf32>) {
  // expected-error @+1 {{'flow.gru' op operand #1 (W) must have 2 directions in dimension 0, but has type 'tensor<1x60x10xf32>'}}
  %0 = "flow.gru"(%x, %w, %r) {direction = "bidirectional"} : (tensor<7x2x10xf32>, tensor<1x60x10xf32>, tensor<1x60x20xf32>) -> tensor<7x2x2x20xf32>
  return
}

// -----

func.func @rnn_result(%x: tensor<7x2x10xf32>, %w: tensor<1x20x10xf32>, %r: tensor<1x20x20xf32>) {
  // expected-error @+1 {{'flow.rnn' op result #0 type 'tensor<7x2x20xf32>' is incompatible with the inferred type 'tensor<7x1x2x20xf32>'}}
  %0 = "flow.rnn"(%x, %w, %r) : (tensor<7x2x10xf32>, tensor<1x20x10xf32>, tensor<1x20x20xf32>) -> tensor<7x2x20xf32>
  return
}

// -----

func.func @grid_sample_grid(%x: tensor<1x3x8x8xf32>, %g: tensor<1x4x4x3xf32>) {
  // expected-error @+1 {{'flow.grid_sample' op grid tensor<1x4x4x3xf32> must end in a dimension of size 2 (the spatial rank)}}
  %0 = "flow.grid_sample"(%x, %g) : (tensor<1x3x8x8xf32>, tensor<1x4x4x3xf32>) -> tensor<1x3x4x4xf32>
  return
}

// -----

func.func @roi_align_rois(%x: tensor<1x8x8x8xf32>, %r: tensor<5x5xf32>, %b: tensor<5xi64>) {
  // expected-error @+1 {{'flow.roi_align' op rois must have shape [num_rois, 4], but has type 'tensor<5x5xf32>'}}
  %0 = "flow.roi_align"(%x, %r, %b) : (tensor<1x8x8x8xf32>, tensor<5x5xf32>, tensor<5xi64>) -> tensor<5x8x1x1xf32>
  return
}
