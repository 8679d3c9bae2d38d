// RUN: rm -rf %t && mkdir -p %t
// RUN: flowc compile %S/tiny_cnn.onnx -o %t/tiny_cnn.flowc | FileCheck %s --check-prefix=COMPILE
// RUN: flowc run %t/tiny_cnn.flowc --input %S/tiny_cnn_input.npy --output-dir %t/out --print-values 3 | FileCheck %s --check-prefix=EXEC
// RUN: flowc run %S/tiny_cnn.onnx --target cpu --threads 1 --input %S/tiny_cnn_input.npy --output-dir %t/out1 --print-values 3 | FileCheck %s --check-prefix=EXEC
// RUN: flowc bench %t/tiny_cnn.flowc --input %S/tiny_cnn_input.npy --runs 3 --threads 2 --json | FileCheck %s --check-prefix=BENCH
// RUN: flowc bench %t/tiny_cnn.flowc --input %S/tiny_cnn_input.npy --runs 2 --profile 2>&1 >/dev/null | FileCheck %s --check-prefix=PROFILE
// RUN: not flowc run %t/tiny_cnn.flowc --input %S/Inputs/input_1x3x8x8.npy --output-dir %t/bad 2>&1 | FileCheck %s --check-prefix=SHAPE
// RUN: not flowc run %t/tiny_cnn.flowc --target interp --input %S/tiny_cnn_input.npy --output-dir %t/bad 2>&1 | FileCheck %s --check-prefix=TARGET
// RUN: not flowc run %S/tiny_cnn.onnx --input %S/tiny_cnn.onnx --output-dir %t/bad 2>&1 | FileCheck %s --check-prefix=NOTENSOR

// The demo's model compiled to a bundle (native code for this CPU, weights, memory and launch
// plan), run from the bundle and straight from the ONNX file, timed, and refused with wrong input.

// COMPILE: tiny_cnn.flowc: {{[0-9]+}} flow ops -> {{[0-9]+}} kernels, {{[0-9]+}} launches; arena {{[0-9]+}} bytes, weights {{[0-9]+}} bytes

// The same values as the interpreter's (tiny_cnn.mlir) and onnxruntime's.
// EXEC:      output 0 'probabilities': f32 [1, 10]
// EXEC-NEXT:   values: [0.039953, 0.021176, 0.255572, ...]

// BENCH: {"model": "{{.*}}tiny_cnn.flowc", "target": "cpu", "threads": 2, "runs": 3, "median_ms": {{[0-9.e-]+}}, "min_ms": {{[0-9.e-]+}}, "mean_ms": {{[0-9.e-]+}}, "compile_ms": {{[0-9.e-]+}}}

// PROFILE: profile: {{[0-9]+}} kernels, {{[0-9.]+}} ms per run in launches (mean of 2 runs)
// PROFILE-NEXT: ms/run   share   tasks  kernel
// PROFILE-NEXT: {{[0-9.]+ +[0-9.]+% +[0-9]+  k[0-9]+_[a-z_]+}}

// SHAPE: flowc: error: input 'image' ({{.*}}input_1x3x8x8.npy): shape [1, 3, 8, 8] does not match the model's f32 [1, 3, 16, 16]
// TARGET: flowc: error: {{.*}}tiny_cnn.flowc: a .flowc bundle runs on the cpu target, not 'interp'
// NOTENSOR: flowc: error: {{.*}}tiny_cnn.onnx: not a valid ONNX protobuf
