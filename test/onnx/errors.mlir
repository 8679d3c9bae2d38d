// Malformed and unsupported models: a clear error naming the node (name, op, domain, opset)
// where there is one, exit status 1, never a crash.
//
// RUN: not flowc-translate --import-onnx %S/Inputs/bad_truncated.onnx 2>&1 | FileCheck %s --check-prefix=TRUNCATED
// TRUNCATED: bad_truncated.onnx: error: not a valid ONNX protobuf: {{.*}}
//
// RUN: not flowc-translate --import-onnx %S/Inputs/bad_wire_type.onnx 2>&1 | FileCheck %s --check-prefix=WIRE
// WIRE: bad_wire_type.onnx: error: not a valid ONNX protobuf: {{.*}}invalid wire type
//
// RUN: not flowc-translate --import-onnx %S/Inputs/bad_cycle.onnx 2>&1 | FileCheck %s --check-prefix=CYCLE
// CYCLE: bad_cycle.onnx: error: node 'n1' (op 'Relu', domain '', opset 13): the graph has a cycle through this node
//
// RUN: not flowc-translate --import-onnx %S/Inputs/bad_dangling.onnx 2>&1 | FileCheck %s --check-prefix=DANGLING
// DANGLING: bad_dangling.onnx: error: node 'relu' (op 'Relu', domain '', opset 13): input 'nowhere' is not defined by any node, graph input or initializer
//
// RUN: not flowc-translate --import-onnx %S/Inputs/bad_duplicate_output.onnx 2>&1 | FileCheck %s --check-prefix=DUP
// DUP: error: node 'relu_b' (op 'Neg', domain '', opset 13): output 'y' is already defined elsewhere in the graph
//
// RUN: not flowc-translate --import-onnx %S/Inputs/bad_negative_dim.onnx 2>&1 | FileCheck %s --check-prefix=NEGDIM
// NEGDIM: error: graph input 'x': dim -3 is negative
//
// RUN: not flowc-translate --import-onnx %S/Inputs/bad_missing_data.onnx 2>&1 | FileCheck %s --check-prefix=NODATA
// NODATA: error: initializer 'w': tensor 'w' has no data (1000000000000 f32 elements expected in raw_data, float_data or an external file)
//
// RUN: not flowc-translate --import-onnx %S/Inputs/bad_domain.onnx 2>&1 | FileCheck %s --check-prefix=DOMAIN
// DOMAIN: error: node 'fused' (op 'FusedGemm', domain 'com.microsoft', opset 1): domain 'com.microsoft' is not supported
//
// RUN: not flowc-translate --import-onnx %S/Inputs/bad_unsupported_op.onnx 2>&1 | FileCheck %s --check-prefix=UNKNOWNOP
// UNKNOWNOP: error: node 'strnorm' (op 'StringNormalizer', domain '', opset 13): op 'StringNormalizer' is not supported
//
// RUN: not flowc-translate --import-onnx %S/Inputs/bad_opset6.onnx 2>&1 | FileCheck %s --check-prefix=OPSET
// OPSET: error: node 'relu' (op 'Relu', domain '', opset 6): opset 6 is not supported (flowc imports opsets 7 to 28)
//
// RUN: not flowc-translate --import-onnx %S/Inputs/bad_external_escape.onnx 2>&1 | FileCheck %s --check-prefix=ESCAPE
// ESCAPE: error: initializer 'w': tensor 'w': external data location '../../../etc/passwd' must be a relative path inside the model's directory
//
// RUN: not flowc-translate --import-onnx %S/Inputs/bad_type_mismatch.onnx 2>&1 | FileCheck %s --check-prefix=MISMATCH
// MISMATCH: error: node 'relu' (op 'Relu', domain '', opset 13): output 'y': its type is declared as tensor<2x4xf32> but inferred as tensor<2x3xf32>
//
// RUN: not flowc-translate --import-onnx %S/Inputs/bad_graph_attr.onnx 2>&1 | FileCheck %s --check-prefix=GRAPH
// GRAPH: error: node 'if' (op 'If', domain '', opset 13): attribute '{{then|else}}_branch' is of type GRAPH, which flowc does not support
//
// RUN: not flowc-translate --import-onnx %S/Inputs/bad_unknown_attr.onnx 2>&1 | FileCheck %s --check-prefix=ATTR
// ATTR: error: node 'conv' (op 'Conv', domain '', opset 13): attribute 'foo' is not supported
//
// RUN: not flowc-translate --import-onnx %S/Inputs/does_not_exist.onnx 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: does_not_exist.onnx: error: No such file or directory
//
// RUN: not flowc-translate 2>&1 | FileCheck %s --check-prefix=NOFLAG
// NOFLAG: error: the following required arguments were not provided:
// NOFLAG: --import-onnx
