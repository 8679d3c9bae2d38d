// RUN: flowc-opt %s --split-input-file --verify-diagnostics

// expected-error @+1 {{'buffer.global' op initial value of type 'tensor<3xf32>' does not match the element type and count of 'memref<4xf32>'}}
buffer.global @count : memref<4xf32> = dense<1.0> : tensor<3xf32>

// -----

// expected-error @+1 {{'buffer.global' op initial value of type 'tensor<4xf16>' does not match the element type and count of 'memref<4xf32>'}}
buffer.global @element : memref<4xf32> = dense<1.0> : tensor<4xf16>

// -----

// expected-error @+1 {{'buffer.global' op initial value should be a dense or dense_resource elements attribute}}
buffer.global @scalar : memref<4xf32> = 1.0 : f32

// -----

// expected-error @+1 {{'buffer.global' op type should be a statically shaped memref with the identity layout, but got 'memref<?xf32>'}}
buffer.global @dynamic : memref<?xf32> = dense_resource<d> : tensor<4xf32>

// -----

// expected-error @+1 {{'buffer.global' op requires attribute 'value'}}
"buffer.global"() <{sym_name = "g", type = memref<4xf32>}> : () -> ()

// -----

// expected-error @+1 {{'buffer.global' op attribute 'type' failed to satisfy constraint: type attribute}}
"buffer.global"() <{sym_name = "g", type = 3 : i64, value = dense<1.0> : tensor<4xf32>}> : () -> ()

// -----

func.func @get_missing() {
  // expected-error @+1 {{'buffer.get_global' op 'nope' does not reference a valid global buffer}}
  %w = buffer.get_global @nope : memref<4xf32>
  return
}

// -----

func.func @get_not_a_global() {
  // expected-error @+1 {{'buffer.get_global' op 'get_not_a_global' does not reference a valid global buffer}}
  %w = buffer.get_global @get_not_a_global : memref<4xf32>
  return
}

// -----

buffer.global @g : memref<4xf32> = dense<1.0> : tensor<4xf32>
func.func @get_wrong_type() {
  // expected-error @+1 {{'buffer.get_global' op result type 'memref<2x2xf32>' does not match type 'memref<4xf32>' of the global buffer @g}}
  %w = buffer.get_global @g : memref<2x2xf32>
  return
}

// -----

func.func @alloc_dynamic() {
  // expected-error @+1 {{'buffer.alloc' op expects the result to be a statically shaped memref, but got 'memref<?xf32>'}}
  %a = buffer.alloc() : memref<?xf32>
  return
}

// -----

func.func @alloc_negative_offset() {
  // expected-error @+1 {{'buffer.alloc' op offset must be non-negative, got -64}}
  %a = buffer.alloc() {offset = -64 : i64} : memref<4xf32>
  return
}

// -----

func.func @alloc_offset_type() {
  // expected-error @+1 {{'buffer.alloc' op attribute 'offset' failed to satisfy constraint: 64-bit signless integer attribute}}
  %a = buffer.alloc() {offset = 64 : i32} : memref<4xf32>
  return
}

// -----

func.func @alloca_dynamic() {
  // expected-error @+1 {{'buffer.alloca' op expects the result to be a statically shaped memref, but got 'memref<4x?xf32>'}}
  %a = buffer.alloca() : memref<4x?xf32>
  return
}

// -----

func.func @alloc_not_memref() {
  // expected-error @+1 {{'buffer.alloc' op result #0 must be memref, but got 'tensor<4xf32>'}}
  %a = "buffer.alloc"() : () -> tensor<4xf32>
  return
}

// -----

func.func @load_index_count(%m: memref<4x8xf32>, %i: index) {
  // expected-error @+1 {{'buffer.load' op incorrect number of indices: expected 2 (the memref's rank), got 1}}
  %x = buffer.load %m[%i] : memref<4x8xf32>
  return
}

// -----

func.func @load_index_type(%m: memref<4xf32>, %i: i64) {
  // expected-error @+1 {{'buffer.load' op operand #1 must be variadic of index, but got 'i64'}}
  %x = "buffer.load"(%m, %i) : (memref<4xf32>, i64) -> f32
  return
}

// -----

func.func @load_result_type(%m: memref<4xf32>, %i: index) {
  // expected-error @+1 {{'buffer.load' op result type 'f16' does not match the memref element type 'f32'}}
  %x = "buffer.load"(%m, %i) : (memref<4xf32>, index) -> f16
  return
}

// -----

func.func @load_unranked(%m: memref<*xf32>, %i: index) {
  // expected-error @+1 {{'buffer.load' op expects the memref operand to be a ranked memref, but got 'memref<*xf32>'}}
  %x = "buffer.load"(%m, %i) : (memref<*xf32>, index) -> f32
  return
}

// -----

func.func @store_index_count(%m: memref<4x8xf32>, %i: index, %x: f32) {
  // expected-error @+1 {{'buffer.store' op incorrect number of indices: expected 2 (the memref's rank), got 3}}
  buffer.store %x, %m[%i, %i, %i] : memref<4x8xf32>
  return
}

// -----

func.func @store_value_type(%m: memref<4xf32>, %i: index, %x: i32) {
  // expected-error @+1 {{'buffer.store' op value type 'i32' does not match the memref element type 'f32'}}
  "buffer.store"(%x, %m, %i) : (i32, memref<4xf32>, index) -> ()
  return
}

// -----

func.func @store_syntax_value_type(%m: memref<4xf32>, %i: index, %x: i32) {
  // expected-error @+1 {{use of value '%x' expects different type than prior uses: 'f32' vs 'i32'}}
  buffer.store %x, %m[%i] : memref<4xf32>
  return
}

// -----

func.func @view_sizes(%m: memref<4x8xf32>) {
  // expected-error @+1 {{'buffer.view' op source 'memref<4x8xf32>' (128 bytes) and result 'memref<16xf32>' (64 bytes) must have the same byte size}}
  %v = buffer.view %m : memref<4x8xf32> to memref<16xf32>
  return
}

// -----

func.func @view_element_sizes(%m: memref<4xf32>) {
  // expected-error @+1 {{'buffer.view' op source 'memref<4xf32>' (16 bytes) and result 'memref<4xf16>' (8 bytes) must have the same byte size}}
  %v = buffer.view %m : memref<4xf32> to memref<4xf16>
  return
}

// -----

func.func @view_offset_past_end(%m: memref<4x8xf32>) {
  // expected-error @+1 {{'buffer.view' op result 'memref<2x8xf32>' (64 bytes) at offset 96 does not fit in source 'memref<4x8xf32>' (128 bytes)}}
  %v = buffer.view %m {offset = 96 : i64} : memref<4x8xf32> to memref<2x8xf32>
  return
}

// -----

func.func @view_offset_negative(%m: memref<4x8xf32>) {
  // expected-error @+1 {{'buffer.view' op offset must be non-negative}}
  %v = buffer.view %m {offset = -4 : i64} : memref<4x8xf32> to memref<2x8xf32>
  return
}

// -----

func.func @view_dynamic(%m: memref<?xf32>) {
  // expected-error @+1 {{'buffer.view' op expects the source to be a statically shaped memref, but got 'memref<?xf32>'}}
  %v = buffer.view %m : memref<?xf32> to memref<4xf32>
  return
}

// -----

func.func @copy_shapes(%a: memref<4x8xf32>, %b: memref<32xf32>) {
  // expected-error @+1 {{'buffer.copy' op source 'memref<4x8xf32>' and target 'memref<32xf32>' must have the same shape and element type}}
  buffer.copy %a, %b : memref<4x8xf32>, memref<32xf32>
  return
}

// -----

func.func @copy_elements(%a: memref<4xf32>, %b: memref<4xi32>) {
  // expected-error @+1 {{'buffer.copy' op source 'memref<4xf32>' and target 'memref<4xi32>' must have the same shape and element type}}
  buffer.copy %a, %b : memref<4xf32>, memref<4xi32>
  return
}
