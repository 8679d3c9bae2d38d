// RUN: flowc-opt %s --split-input-file --verify-diagnostics --test-invalid-ir -o /dev/null

// What a pass breaks is reported by the verifier that runs after it; the implicit module is
// located at the start of its chunk.

// expected-error @-5 {{'builtin.module' op requires 1 regions, but found 0}}
func.func @invalid_ir() {
  return
}

// -----
// expected-error {{'builtin.module' op requires 1 regions, but found 0}}
func.func @second_chunk() {
  return
}
