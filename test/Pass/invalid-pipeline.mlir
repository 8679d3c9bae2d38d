// RUN: not flowc-opt %s --pass-pipeline='builtin.module(func.func(test-mark-func),foo)' 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not flowc-opt %s --pass-pipeline='builtin.module(test-mark-fnc)' 2>&1 | FileCheck %s --check-prefix=TYPO
// RUN: not flowc-opt %s --pass-pipeline='builtin.module(test-mark' 2>&1 | FileCheck %s --check-prefix=PAREN
// RUN: not flowc-opt %s --pass-pipeline='builtin.module(test-mark,)' 2>&1 | FileCheck %s --check-prefix=TRAILING
// RUN: not flowc-opt %s --pass-pipeline='test-mark' 2>&1 | FileCheck %s --check-prefix=ANCHOR
// RUN: not flowc-opt %s --pass-pipeline='builtin.module(test-mark-func)' 2>&1 | FileCheck %s --check-prefix=RESTRICTED
// RUN: not flowc-opt %s --pass-pipeline='builtin.module(test-count-ops{emit-remark=yes})' 2>&1 | FileCheck %s --check-prefix=VALUE
// RUN: not flowc-opt %s --pass-pipeline='builtin.module(test-count-ops{verbose=1})' 2>&1 | FileCheck %s --check-prefix=OPTION
// RUN: not flowc-opt %s --pass-pipeline='builtin.module(test-mark{attr="x})' 2>&1 | FileCheck %s --check-prefix=QUOTE
// RUN: not flowc-opt %s --pass-pipeline='func.func(test-mark)' 2>&1 | FileCheck %s --check-prefix=ROOT
// RUN: not flowc-opt %s --pass-pipeline='builtin.module(test-mark)' --test-count-ops 2>&1 | FileCheck %s --check-prefix=BOTH
// RUN: not flowc-opt %s --test-count-ops=verbose=1 2>&1 | FileCheck %s --check-prefix=FLAG

// UNKNOWN:      <pass-pipeline>:1:42: error: unknown pass 'foo'
// UNKNOWN-NEXT: builtin.module(func.func(test-mark-func),foo)
// UNKNOWN-NEXT: {{^}}                                         ^

// TYPO: <pass-pipeline>:1:16: error: unknown pass 'test-mark-fnc'; did you mean 'test-mark-func'?

// PAREN: <pass-pipeline>:1:25: error: expected ')' to close the '(' at column 15

// TRAILING: <pass-pipeline>:1:26: error: expected a pass or pipeline name, found ')'

// ANCHOR: <pass-pipeline>:1:1: error: expected pass pipeline to be wrapped with the anchor operation type, e.g. 'builtin.module(test-mark)'

// RESTRICTED: <pass-pipeline>:1:16: error: pass 'test-mark-func' restricted to 'func.func' can't be scheduled on 'builtin.module'; nest it: 'func.func(test-mark-func)'

// VALUE: <pass-pipeline>:1:16: error: pass 'test-count-ops': invalid value 'yes' for option 'emit-remark': expected 'true', 'false', '1' or '0'

// OPTION: <pass-pipeline>:1:31: error: unknown option 'verbose' for pass 'test-count-ops'; valid options: emit-remark

// QUOTE: <pass-pipeline>:1:31: error: unterminated quoted value for option 'attr': missing closing "

// ROOT: invalid-pipeline.mlir:{{[0-9]+}}:1: error: can't run 'func.func' pass manager on 'builtin.module' op

// BOTH: flowc-opt: error: '--pass-pipeline' option can't be used with individual pass options

// FLAG: flowc-opt: error: '--test-count-ops': unknown option 'verbose' for pass 'test-count-ops'; valid options: emit-remark

func.func @f() {
  return
}
