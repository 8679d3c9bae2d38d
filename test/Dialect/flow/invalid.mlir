// RUN: flowc-opt %s --split-input-file --verify-diagnostics

// Elementwise, activation, cast, logic and reduction ops: ONNX's constraints.

func.func @exp_of_int(%a: tensor<3xi32>) {
  // expected-error @+1 {{'flow.exp' op operand #0 must be tensor of f16, bf16, f32 or f64 values, but got 'tensor<3xi32>'}}
  %0 = "flow.exp"(%a) : (tensor<3xi32>) -> tensor<3xf32>
  return
}

// -----

func.func @relu_of_scalar(%a: f32) {
  // expected-error @+1 {{'flow.relu' op operand #0 must be tensor of}}
  %0 = "flow.relu"(%a) : (f32) -> tensor<f32>
  return
}

// -----

func.func @relu_of_signed(%a: tensor<3xsi32>) {
  // expected-error @+1 {{'flow.relu' op operand #0 must be tensor of}}
  %0 = "flow.relu"(%a) : (tensor<3xsi32>) -> tensor<3xi32>
  return
}

// -----

func.func @unary_shape(%a: tensor<3xf32>) {
  // expected-error @+1 {{'flow.sigmoid' op result #0 type 'tensor<4xf32>' is incompatible with the inferred type 'tensor<3xf32>'}}
  %0 = "flow.sigmoid"(%a) : (tensor<3xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @binary_dtypes(%a: tensor<3xf32>, %b: tensor<3xf64>) {
  // expected-error @+1 {{'flow.add' op operands #0 (A) and #1 (B) must have the same element type, but got f32 and f64}}
  %0 = "flow.add"(%a, %b) : (tensor<3xf32>, tensor<3xf64>) -> tensor<3xf32>
  return
}

// -----

func.func @leaky_relu_alpha(%a: tensor<3xf32>) {
  // expected-error @+1 {{'flow.leaky_relu' op attribute 'alpha' failed to satisfy constraint: 32-bit float attribute}}
  %0 = "flow.leaky_relu"(%a) {alpha = 0.1 : f64} : (tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @gelu_approximate(%a: tensor<3xf32>) {
  // expected-error @+1 {{'flow.gelu' op attribute 'approximate' must be one of "none", "tanh", but is "erf"}}
  %0 = "flow.gelu"(%a) {approximate = "erf"} : (tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @mod_fmod_flag(%a: tensor<3xf32>) {
  // expected-error @+1 {{'flow.mod' op attribute 'fmod' must be 0 or 1, but is 2}}
  %0 = "flow.mod"(%a, %a) {fmod = 2 : i64} : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @bit_shift_direction(%a: tensor<3xui8>) {
  // expected-error @+1 {{'flow.bit_shift' op requires attribute 'direction'}}
  %0 = "flow.bit_shift"(%a, %a) : (tensor<3xui8>, tensor<3xui8>) -> tensor<3xui8>
  return
}

// -----

func.func @bitwise_and_float(%a: tensor<3xf32>, %b: tensor<3xi8>) {
  // expected-error @+1 {{'flow.bitwise_and' op operand #0 must be tensor of i8, i16, i32, i64, ui8, ui16, ui32 or ui64 values}}
  %0 = "flow.bitwise_and"(%a, %b) : (tensor<3xf32>, tensor<3xi8>) -> tensor<3xi8>
  return
}

// -----

func.func @and_of_int(%a: tensor<3xi32>, %b: tensor<3xi1>) {
  // expected-error @+1 {{'flow.and' op operand #0 must be tensor of i1 values}}
  %0 = "flow.and"(%a, %b) : (tensor<3xi32>, tensor<3xi1>) -> tensor<3xi1>
  return
}

// -----

func.func @not_of_float(%a: tensor<3xf32>) {
  // expected-error @+1 {{'flow.not' op operand #0 must be tensor of i1 values}}
  %0 = "flow.not"(%a) : (tensor<3xf32>) -> tensor<3xi1>
  return
}

// -----

func.func @clip_bounds(%a: tensor<3xf32>, %b: tensor<2xf32>) {
  // expected-error @+1 {{'flow.clip' op operand #1 (min) must be a scalar, but has type 'tensor<2xf32>'}}
  %0 = "flow.clip"(%a, %b) : (tensor<3xf32>, tensor<2xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @clip_too_many(%a: tensor<3xf32>) {
  // expected-error @+1 {{'flow.clip' op expected 1 to 3 operands, but found 4}}
  %0 = "flow.clip"(%a, %a, %a, %a) : (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @clip_none_input() {
  %n = "flow.none"() : () -> none
  // expected-error @+1 {{'flow.clip' op operand #0 must be tensor of}}
  %0 = "flow.clip"(%n) : (none) -> tensor<3xf32>
  return
}

// -----

func.func @cast_to(%a: tensor<3xf32>) {
  // expected-error @+1 {{'flow.cast' op requires attribute 'to'}}
  %0 = "flow.cast"(%a) : (tensor<3xf32>) -> tensor<3xi64>
  return
}

// -----

func.func @cast_result(%a: tensor<3xf32>) {
  // expected-error @+1 {{'flow.cast' op result #0 type 'tensor<3xi32>' is incompatible with the inferred type 'tensor<3xi64>'}}
  %0 = "flow.cast"(%a) {to = 7 : i64} : (tensor<3xf32>) -> tensor<3xi32>
  return
}

// -----

func.func @cast_string(%a: tensor<3xf32>) {
  // expected-error @+1 {{'flow.cast' op attribute 'to' is 8, not a data type flow supports}}
  %0 = "flow.cast"(%a) {to = 8 : i64} : (tensor<3xf32>) -> tensor<3xi64>
  return
}

// -----

func.func @cast_like(%a: tensor<3xf32>, %b: tensor<i8>) {
  // expected-error @+1 {{'flow.cast_like' op result #0 type 'tensor<3xf32>' is incompatible with the inferred type 'tensor<3xi8>'}}
  %0 = "flow.cast_like"(%a, %b) : (tensor<3xf32>, tensor<i8>) -> tensor<3xf32>
  return
}

// -----

func.func @is_nan_result(%a: tensor<3xf32>) {
  // expected-error @+1 {{'flow.is_nan' op result #0 must be tensor of i1 values}}
  %0 = "flow.is_nan"(%a) : (tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @softmax_axis(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'flow.softmax' op axis 2 is out of range [-2, 1] for rank 2}}
  %0 = "flow.softmax"(%a) {axis = 2 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @log_softmax_axis_type(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'flow.log_softmax' op attribute 'axis' failed to satisfy constraint: 64-bit signless integer attribute}}
  %0 = "flow.log_softmax"(%a) {axis = 1 : i32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @hardmax_int(%a: tensor<2x3xi32>) {
  // expected-error @+1 {{'flow.hardmax' op operand #0 must be tensor of f16, bf16, f32 or f64 values}}
  %0 = "flow.hardmax"(%a) : (tensor<2x3xi32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @lp_normalization_p(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'flow.lp_normalization' op attribute 'p' must be 1 or 2, but is 3}}
  %0 = "flow.lp_normalization"(%a) {p = 3 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @mvn_axes(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'flow.mean_variance_normalization' op axis 2 is out of range [-2, 1] for rank 2}}
  %0 = "flow.mean_variance_normalization"(%a) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @cum_sum_axis(%a: tensor<2x3xf32>) {
  %axis = "flow.constant"() {value = dense<5> : tensor<i32>} : () -> tensor<i32>
  // expected-error @+1 {{'flow.cum_sum' op axis 5 is out of range [-2, 1] for rank 2}}
  %0 = "flow.cum_sum"(%a, %axis) : (tensor<2x3xf32>, tensor<i32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @trilu_rank(%a: tensor<3xf32>) {
  // expected-error @+1 {{'flow.trilu' op operand #0 (input) must have rank at least 2, but has type 'tensor<3xf32>'}}
  %0 = "flow.trilu"(%a) : (tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @dropout_mask_type(%a: tensor<3xf32>) {
  // expected-error @+1 {{'flow.dropout' op result #1 must be none or tensor of i1 values, but got 'tensor<3xf32>'}}
  %0:2 = "flow.dropout"(%a) : (tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
  return
}

// -----

func.func @dropout_ratio(%a: tensor<3xf32>) {
  %r = "flow.constant"() {value = dense<1.5> : tensor<f32>} : () -> tensor<f32>
  // expected-error @+1 {{'flow.dropout' op ratio must be in [0, 1), but is 1.5}}
  %0 = "flow.dropout"(%a, %r) : (tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
  return
}

// -----

func.func @reduce_axes(%a: tensor<2x3xf32>) {
  %axes = "flow.constant"() {value = dense<[2]> : tensor<1xi64>} : () -> tensor<1xi64>
  // expected-error @+1 {{'flow.reduce_sum' op axis 2 is out of range [-2, 1] for rank 2}}
  %0 = "flow.reduce_sum"(%a, %axes) : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<2x1xf32>
  return
}

// -----

func.func @reduce_keepdims(%a: tensor<2x3xf32>) {
  %axes = "flow.constant"() {value = dense<[1]> : tensor<1xi64>} : () -> tensor<1xi64>
  // expected-error @+1 {{'flow.reduce_mean' op result #0 type 'tensor<2x1xf32>' is incompatible with the inferred type 'tensor<2xf32>'}}
  %0 = "flow.reduce_mean"(%a, %axes) {keepdims = 0 : i64} : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<2x1xf32>
  return
}

// -----

func.func @reduce_duplicate_axes(%a: tensor<2x3xf32>) {
  %axes = "flow.constant"() {value = dense<[1, -1]> : tensor<2xi64>} : () -> tensor<2xi64>
  // expected-error @+1 {{'flow.reduce_max' op axes contain -1 more than once}}
  %0 = "flow.reduce_max"(%a, %axes) : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<2x1xf32>
  return
}

// -----

func.func @reduce_axes_type(%a: tensor<2x3xf32>, %axes: tensor<1xi32>) {
  // expected-error @+1 {{'flow.reduce_min' op operand #1 must be none or tensor of i64 values, but got 'tensor<1xi32>'}}
  %0 = "flow.reduce_min"(%a, %axes) : (tensor<2x3xf32>, tensor<1xi32>) -> tensor<2x1xf32>
  return
}

// -----

func.func @reduce_l1_keepdims_value(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'flow.reduce_l1' op attribute 'keepdims' must be 0 or 1, but is 2}}
  %0 = "flow.reduce_l1"(%a) {keepdims = 2 : i64} : (tensor<2x3xf32>) -> tensor<1x1xf32>
  return
}

// -----

func.func @reduce_log_sum_int(%a: tensor<2x3xi32>) {
  // expected-error @+1 {{'flow.reduce_log_sum' op operand #0 must be tensor of f16, bf16, f32 or f64 values}}
  %0 = "flow.reduce_log_sum"(%a) : (tensor<2x3xi32>) -> tensor<1x1xf32>
  return
}

// -----

func.func @arg_max_result(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'flow.arg_max' op result #0 must be tensor of i64 values, but got 'tensor<2x1xi32>'}}
  %0 = "flow.arg_max"(%a) {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x1xi32>
  return
}

// -----

func.func @arg_min_axis(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'flow.arg_min' op axis -3 is out of range [-2, 1] for rank 2}}
  %0 = "flow.arg_min"(%a) {axis = -3 : i64} : (tensor<2x3xf32>) -> tensor<2x1xi64>
  return
}

// -----

func.func @top_k_k(%a: tensor<2x3xf32>) {
  %k = "flow.constant"() {value = dense<[4]> : tensor<1xi64>} : () -> tensor<1xi64>
  // expected-error @+1 {{'flow.top_k' op K (4) is larger than dimension 1 of the input [2, 3]}}
  %0:2 = "flow.top_k"(%a, %k) : (tensor<2x3xf32>, tensor<1xi64>) -> (tensor<2x4xf32>, tensor<2x4xi64>)
  return
}

// -----

func.func @top_k_results(%a: tensor<2x3xf32>, %k: tensor<1xi64>) {
  // expected-error @+1 {{'flow.top_k' op expected 2 results, but found 1}}
  %0 = "flow.top_k"(%a, %k) : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<2x?xf32>
  return
}

// -----

func.func @einsum_sizes(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{'flow.einsum' op einsum subscript 'j' has different sizes (3 and 4)}}
  %0 = "flow.einsum"(%a, %b) {equation = "ij,jk->ik"} : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return
}

// -----

func.func @einsum_result(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'flow.einsum' op result #0 type 'tensor<2x3xf32>' is incompatible with the inferred type 'tensor<3x2xf32>'}}
  %0 = "flow.einsum"(%a) {equation = "ij->ji"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}
