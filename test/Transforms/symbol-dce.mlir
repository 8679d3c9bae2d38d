// RUN: flowc-opt %s --split-input-file --allow-unregistered-dialect --symbol-dce | FileCheck %s

// Private symbols nothing references are erased; public ones stay.
// CHECK-LABEL: module attributes {test.simple}
// CHECK-NOT:     func.func private @dead_private
// CHECK:         func.func @public
// CHECK:         func.func private @used_by_public
// CHECK-NOT:     func.func private @dead_private
module attributes {test.simple} {
  func.func private @dead_private() {
    return
  }
  func.func @public() {
    call @used_by_public() : () -> ()
    return
  }
  func.func private @used_by_public() {
    return
  }
}

// -----

// Liveness is transitive, and private symbols that only reference each other die together.
// CHECK-LABEL: module attributes {test.transitive}
// CHECK:         func.func @root
// CHECK:         func.func private @a
// CHECK:         func.func private @b
// CHECK-NOT:     @cycle
module attributes {test.transitive} {
  func.func @root() {
    call @a() : () -> ()
    return
  }
  func.func private @a() {
    call @b() : () -> ()
    return
  }
  func.func private @b() {
    return
  }
  func.func private @cycle1() {
    call @cycle2() : () -> ()
    return
  }
  func.func private @cycle2() {
    call @cycle1() : () -> ()
    return
  }
}

// -----

// Any attribute can hold a reference, nested in arrays and dictionaries.
// CHECK-LABEL: module attributes {test.attributes}
// CHECK:         func.func private @in_array
// CHECK:         func.func private @in_dict
// CHECK:         func.func private @by_constant
// CHECK-NOT:     @unused
module attributes {test.attributes} {
  func.func private @in_array()
  func.func private @in_dict()
  func.func private @by_constant()
  func.func private @unused()
  func.func @user() -> (() -> ()) {
    "foo.refs"() {list = [@in_array], dict = {key = @in_dict}} : () -> ()
    %f = constant @by_constant : () -> ()
    return %f : () -> ()
  }
}

// -----

// Nested symbol tables: a nested reference keeps the symbols along its path, and dead private
// symbols of nested tables are erased too.
// CHECK-LABEL: module attributes {test.nested}
// CHECK:         module @inner
// CHECK-NEXT:      func.func nested @kept
// CHECK-NOT:       @dropped
// CHECK:         func.func @user
module attributes {test.nested} {
  module @inner {
    func.func nested @kept() {
      return
    }
    func.func private @dropped() {
      return
    }
  }
  func.func @user() {
    "foo.nested_ref"() {ref = @inner::@kept} : () -> ()
    return
  }
}

// -----

// A private nested module with no references goes, with its contents.
// CHECK-LABEL: module attributes {test.private_module}
// CHECK-NOT:     @hidden
// CHECK:         func.func @f
module attributes {test.private_module} {
  module @hidden attributes {sym_visibility = "private"} {
    func.func @g() {
      return
    }
  }
  func.func @f() {
    return
  }
}
