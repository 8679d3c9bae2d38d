// RUN: flowc-opt %s --split-input-file --buffer-plan | FileCheck %s

// A chain a -> b -> c -> d: a and c never live together, so c reuses a's bytes; b and d share too.
// Views extend the lifetime of the buffer they alias.

// CHECK: module attributes {flowc.arena_bytes = 8192 : i64, flowc.arena_lower_bound = 8192 : i64}
module {
  func.func private @k(%x: memref<1024xf32>, %y: memref<1024xf32>) attributes {flowc.kernel} {
    return
  }
  // CHECK-LABEL: func.func @main
  func.func @main(%in: memref<1024xf32>, %out: memref<1024xf32>) attributes {flowc.entry} {
    // CHECK: %[[A:.*]] = buffer.alloc() {offset = [[OA:[0-9]+]] : i64}
    %a = buffer.alloc() : memref<1024xf32>
    // CHECK: %[[B:.*]] = buffer.alloc() {offset = [[OB:[0-9]+]] : i64}
    %b = buffer.alloc() : memref<1024xf32>
    // CHECK: buffer.alloc() {offset = [[OA]] : i64}
    %c = buffer.alloc() : memref<1024xf32>
    // CHECK: buffer.alloc() {offset = [[OB]] : i64}
    %d = buffer.alloc() : memref<1024xf32>
    func.call @k(%in, %a) : (memref<1024xf32>, memref<1024xf32>) -> ()
    func.call @k(%a, %b) : (memref<1024xf32>, memref<1024xf32>) -> ()
    func.call @k(%b, %c) : (memref<1024xf32>, memref<1024xf32>) -> ()
    func.call @k(%c, %d) : (memref<1024xf32>, memref<1024xf32>) -> ()
    func.call @k(%d, %out) : (memref<1024xf32>, memref<1024xf32>) -> ()
    return
  }
}

// -----

// A view keeps its buffer alive: %a is read through %v after %b is written, so they conflict.
// CHECK: module attributes {flowc.arena_bytes = 8192 : i64
module {
  func.func private @k(%x: memref<1024xf32>, %y: memref<1024xf32>) attributes {flowc.kernel} {
    return
  }
  func.func private @k2(%x: memref<32x32xf32>, %y: memref<1024xf32>) attributes {flowc.kernel} {
    return
  }
  func.func @main(%in: memref<1024xf32>, %out: memref<1024xf32>) attributes {flowc.entry} {
    %a = buffer.alloc() : memref<1024xf32>
    %b = buffer.alloc() : memref<1024xf32>
    func.call @k(%in, %a) : (memref<1024xf32>, memref<1024xf32>) -> ()
    %v = buffer.view %a : memref<1024xf32> to memref<32x32xf32>
    func.call @k(%in, %b) : (memref<1024xf32>, memref<1024xf32>) -> ()
    func.call @k2(%v, %out) : (memref<32x32xf32>, memref<1024xf32>) -> ()
    func.call @k(%b, %out) : (memref<1024xf32>, memref<1024xf32>) -> ()
    return
  }
}
