// RUN: not flowc-opt %s --split-input-file 2>%t.err | FileCheck %s
// RUN: FileCheck %s --check-prefix=ERR < %t.err

// Each chunk is processed on its own; a failing chunk prints nothing but the others do, and
// diagnostics keep the line numbers of the whole file.

// CHECK:      module {
// CHECK-NEXT:   func.func @first()
// CHECK:      // -----
// CHECK-NEXT: // -----
// CHECK-NEXT: module {
// CHECK-NEXT:   func.func @third()

func.func @first() {
  return
}

// -----

// ERR: split-input-file.mlir:[[@LINE+2]]:8: error: operation being parsed with an unregistered dialect
func.func @second() {
  %0 = "dummy.unregistered"() : () -> i32
  return
}

// -----

func.func @third() {
  return
}
