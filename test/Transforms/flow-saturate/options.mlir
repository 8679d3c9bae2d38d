// RUN: not flowc-opt %s --flow-saturate='rules=redundancy,magic' 2>&1 | FileCheck %s --check-prefix=RULES
// RUN: not flowc-opt %s --flow-saturate='target=tpu' 2>&1 | FileCheck %s --check-prefix=TARGET
// RUN: not flowc-opt %s --flow-saturate='node-limit=many' 2>&1 | FileCheck %s --check-prefix=LIMIT
// RUN: flowc-opt %s --flow-saturate='iter-limit=0' | FileCheck %s --check-prefix=NOITER
// RUN: flowc-opt %s --flow-saturate='node-limit=50 iter-limit=3 time-limit-ms=100' | FileCheck %s --check-prefix=LIMITED

// RULES: invalid value 'magic' for option 'rules': expected a list of redundancy, algebra, constant, fusion, layout, fast-math
// TARGET: invalid value 'tpu' for option 'target': expected 'cpu'
// LIMIT: node-limit

// With no iteration, nothing is rewritten (but equal ops are still one).
// NOITER: "flow.identity"
// LIMITED-NOT: "flow.identity"
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "flow.identity"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
