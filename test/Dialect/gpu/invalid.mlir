// RUN: flowc-opt %s --split-input-file --verify-diagnostics

func.func @outside_kernel() -> index {
  // expected-error @+1 {{'gpu.thread_id' op must be inside a function with the 'gpu.kernel' attribute}}
  %t = gpu.thread_id x
  return %t : index
}

// -----

// expected-error @+1 {{'func.func' op a gpu.kernel needs 'gpu.block_size' = array<i64: x, y, z>}}
func.func @no_block_size() attributes {gpu.kernel, gpu.grid_size = array<i64: 1, 1, 1>} {
  gpu.barrier
  return
}

// -----

// expected-error @+1 {{'func.func' op a block has at most 1024 threads, got [64, 32, 1]}}
func.func @block_too_large() attributes {gpu.kernel, gpu.grid_size = array<i64: 1, 1, 1>, gpu.block_size = array<i64: 64, 32, 1>} {
  %b = gpu.block_id y
  return
}

// -----

func.func @bad_dimension() attributes {gpu.kernel, gpu.grid_size = array<i64: 1, 1, 1>, gpu.block_size = array<i64: 1, 1, 1>} {
  // expected-error @+1 {{expected a dimension: x, y or z}}
  %t = gpu.thread_id w
  return
}

// -----

func.func @shared_not_space_3() attributes {gpu.kernel, gpu.grid_size = array<i64: 1, 1, 1>, gpu.block_size = array<i64: 32, 1, 1>} {
  // expected-error @+1 {{'gpu.alloc_shared' op result #0 must be statically shaped memref in memory space 3, but got 'memref<32xf32>'}}
  %s = gpu.alloc_shared : memref<32xf32>
  return
}

// -----

func.func @shared_in_loop() attributes {gpu.kernel, gpu.grid_size = array<i64: 1, 1, 1>, gpu.block_size = array<i64: 32, 1, 1>} {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c1 = arith.constant 1 : index
  loop.for %i = %c0 to %c2 step %c1 {
    // expected-error @+1 {{'gpu.alloc_shared' op must be at the top level of the kernel (one buffer per block, not per iteration)}}
    %s = gpu.alloc_shared : memref<32xf32, 3>
    loop.yield
  }
  return
}

// -----

func.func @shuffle_outside_kernel(%v: f32, %o: i32, %w: i32) -> f32 {
  // expected-error @+1 {{'gpu.shuffle' op must be inside a function with the 'gpu.kernel' attribute}}
  %r, %ok = gpu.shuffle xor %v, %o, %w : f32
  return %r : f32
}

// -----

func.func @shuffle_partial_warp(%v: f32, %o: i32, %w: i32) attributes {gpu.kernel, gpu.grid_size = array<i64: 1, 1, 1>, gpu.block_size = array<i64: 48, 1, 1>} {
  // expected-error @+1 {{'gpu.shuffle' op shuffles the full warp: the block must be whole warps (a multiple of 32 threads), got [48, 1, 1]}}
  %r, %ok = gpu.shuffle xor %v, %o, %w : f32
  return
}

// -----

func.func @shuffle_width(%v: f32, %o: i32) attributes {gpu.kernel, gpu.grid_size = array<i64: 1, 1, 1>, gpu.block_size = array<i64: 32, 1, 1>} {
  %w = arith.constant 12 : i32
  // expected-error @+1 {{'gpu.shuffle' op width must be a power of two in 1..=32, got 12}}
  %r, %ok = gpu.shuffle xor %v, %o, %w : f32
  return
}

// -----

func.func @shuffle_f64(%v: f64, %o: i32, %w: i32) attributes {gpu.kernel, gpu.grid_size = array<i64: 1, 1, 1>, gpu.block_size = array<i64: 32, 1, 1>} {
  // expected-error @+1 {{'gpu.shuffle' op operand #0 must be f32 or i32, but got 'f64'}}
  %r, %ok = "gpu.shuffle"(%v, %o, %w) <{mode = "xor"}> : (f64, i32, i32) -> (f32, i1)
  return
}

// -----

func.func @shuffle_result_type(%v: f32, %o: i32, %w: i32) attributes {gpu.kernel, gpu.grid_size = array<i64: 1, 1, 1>, gpu.block_size = array<i64: 32, 1, 1>} {
  // expected-error @+1 {{'gpu.shuffle' op result #0 must have the type of the shuffled value}}
  %r, %ok = "gpu.shuffle"(%v, %o, %w) <{mode = "xor"}> : (f32, i32, i32) -> (i32, i1)
  return
}

// -----

func.func @shuffle_mode(%v: f32, %o: i32, %w: i32) attributes {gpu.kernel, gpu.grid_size = array<i64: 1, 1, 1>, gpu.block_size = array<i64: 32, 1, 1>} {
  // expected-error @+1 {{expected a shuffle mode: xor, down, up or idx}}
  %r, %ok = gpu.shuffle rotate %v, %o, %w : f32
  return
}
