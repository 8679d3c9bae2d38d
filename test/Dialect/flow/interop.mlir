// REQUIRES: mlir-opt
// RUN: flowc-opt %S/ops.mlir | mlir-opt --allow-unregistered-dialect | flowc-opt | FileCheck %S/ops.mlir
// RUN: flowc-opt %S/ops.mlir --mlir-print-op-generic | mlir-opt --allow-unregistered-dialect --mlir-print-op-generic | flowc-opt | FileCheck %S/ops.mlir
// RUN: flowc-opt %S/inferred.mlir | mlir-opt --allow-unregistered-dialect | flowc-opt | FileCheck %S/inferred.mlir

// flow IR printed by flowc is read by upstream mlir-opt (22, flow as an unregistered dialect),
// and what mlir-opt prints reads back in flowc and still verifies.
