// RUN: flowc-opt %s --split-input-file --verify-diagnostics

func.func @load_index_count(%m: memref<4x32xf32>, %i: index) {
  // expected-error @+1 {{'vector.load' op incorrect number of indices: expected 2 (the memref's rank), got 1}}
  %v = vector.load %m[%i] : memref<4x32xf32>, vector<16xf32>
  return
}

// -----

func.func @load_element_type(%m: memref<32xf32>, %i: index) {
  // expected-error @+1 {{'vector.load' op vector element type 'f16' does not match the memref element type 'f32'}}
  %v = vector.load %m[%i] : memref<32xf32>, vector<16xf16>
  return
}

// -----

func.func @load_too_long(%m: memref<4x8xf32>, %i: index) {
  // expected-error @+1 {{'vector.load' op vector of 16 elements does not fit in the last memref dimension (8)}}
  %v = vector.load %m[%i, %i] : memref<4x8xf32>, vector<16xf32>
  return
}

// -----

func.func @load_2d(%m: memref<4x8xf32>, %i: index) {
  // expected-error @+1 {{'vector.load' op expects a fixed-length 1-D vector, but got 'vector<2x4xf32>'}}
  %v = vector.load %m[%i, %i] : memref<4x8xf32>, vector<2x4xf32>
  return
}

// -----

func.func @load_rank0(%m: memref<f32>) {
  // expected-error @+1 {{'vector.load' op expects a memref of rank 1 or more}}
  %v = vector.load %m[] : memref<f32>, vector<1xf32>
  return
}

// -----

func.func @load_not_vector(%m: memref<8xf32>, %i: index) {
  // expected-error @+1 {{'vector.load' op result #0 must be vector, but got 'f32'}}
  %v = vector.load %m[%i] : memref<8xf32>, f32
  return
}

// -----

func.func @load_index_type(%m: memref<8xf32>, %i: i32) {
  // expected-error @+1 {{'vector.load' op operand #1 must be variadic of index, but got 'i32'}}
  %v = "vector.load"(%m, %i) : (memref<8xf32>, i32) -> vector<8xf32>
  return
}

// -----

func.func @store_element_type(%m: memref<32xf32>, %i: index, %v: vector<8xi32>) {
  // expected-error @+1 {{'vector.store' op vector element type 'i32' does not match the memref element type 'f32'}}
  vector.store %v, %m[%i] : memref<32xf32>, vector<8xi32>
  return
}

// -----

func.func @store_index_count(%m: memref<32xf32>, %i: index, %v: vector<8xf32>) {
  // expected-error @+1 {{'vector.store' op incorrect number of indices: expected 1 (the memref's rank), got 2}}
  vector.store %v, %m[%i, %i] : memref<32xf32>, vector<8xf32>
  return
}

// -----

func.func @broadcast_type(%s: f16) {
  // expected-error @+1 {{'vector.broadcast' op source type 'f16' must be the element type or the type of the result 'vector<8xf32>'}}
  %b = vector.broadcast %s : f16 to vector<8xf32>
  return
}

// -----

func.func @broadcast_result(%s: f32) {
  // expected-error @+1 {{'vector.broadcast' op result #0 must be vector, but got 'f32'}}
  %b = vector.broadcast %s : f32 to f32
  return
}

// -----

func.func @fma_types(%a: vector<8xf32>, %b: vector<4xf32>) {
  // expected-error @+1 {{'vector.fma' op requires the same type for all operands and results}}
  %r = "vector.fma"(%a, %b, %a) : (vector<8xf32>, vector<4xf32>, vector<8xf32>) -> vector<8xf32>
  return
}

// -----

func.func @fma_integers(%a: vector<8xi32>) {
  // expected-error @+4 {{'vector.fma' op operand #0 must be vector of floating-point values, but got 'vector<8xi32>'}}
  // expected-error @+3 {{'vector.fma' op operand #1 must be vector of floating-point values, but got 'vector<8xi32>'}}
  // expected-error @+2 {{'vector.fma' op operand #2 must be vector of floating-point values, but got 'vector<8xi32>'}}
  // expected-error @+1 {{'vector.fma' op result #0 must be vector of floating-point values, but got 'vector<8xi32>'}}
  %r = vector.fma %a, %a, %a : vector<8xi32>
  return
}

// -----

func.func @reduction_result(%v: vector<8xf32>) {
  // expected-error @+1 {{'vector.reduction' op result type 'f64' does not match the vector element type 'f32'}}
  %r = vector.reduction <add>, %v : vector<8xf32> into f64
  return
}

// -----

func.func @reduction_int_kind_on_float(%v: vector<8xf32>) {
  // expected-error @+1 {{'vector.reduction' op unsupported reduction kind 'xor' for element type 'f32'}}
  %r = vector.reduction <xor>, %v : vector<8xf32> into f32
  return
}

// -----

func.func @reduction_float_kind_on_int(%v: vector<8xi32>) {
  // expected-error @+1 {{'vector.reduction' op unsupported reduction kind 'maxnumf' for element type 'i32'}}
  %r = vector.reduction <maxnumf>, %v : vector<8xi32> into i32
  return
}

// -----

func.func @reduction_unknown_kind(%v: vector<8xf32>) {
  // expected-error @+1 {{expected a combining kind}}
  %r = vector.reduction <sum>, %v : vector<8xf32> into f32
  return
}

// -----

func.func @reduction_generic_bad_kind(%v: vector<8xf32>) {
  // expected-error @+1 {{expected #vector.kind<K> with K one of}}
  %r = "vector.reduction"(%v) <{kind = #vector.kind<sum>}> : (vector<8xf32>) -> f32
  return
}

// -----

func.func @reduction_missing_kind(%v: vector<8xf32>) {
  // expected-error @+1 {{'vector.reduction' op requires attribute 'kind'}}
  %r = "vector.reduction"(%v) : (vector<8xf32>) -> f32
  return
}
