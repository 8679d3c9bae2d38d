// RUN: not flowc-opt %s 2>&1 | FileCheck %s --check-prefix=REFUSED
// RUN: flowc-opt %s --allow-unregistered-dialect | FileCheck %s

// Ops of unknown dialects are refused unless --allow-unregistered-dialect is given.

// REFUSED: unregistered.mlir:8:1: error: operation being parsed with an unregistered dialect
// CHECK: "mystery.op"() {x = 1 : i32} : () -> ()
"mystery.op"() {x = 1 : i32} : () -> ()
