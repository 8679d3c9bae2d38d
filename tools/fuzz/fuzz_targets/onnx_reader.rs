//! Any bytes as an ONNX model: decode, import into flow IR (with verification), and when that
//! works, print it and parse the text back. Also decode the bytes as a lone TensorProto and
//! convert it. Nothing may panic; external data is refused (no model directory), so the fuzzer
//! never reads files.
#![no_main]

use flowc_ir::parser::parse_source;
use flowc_ir::printer::PrintOptions;
use flowc_onnx::{ImportOptions, Model};
use libfuzzer_sys::fuzz_target;
use prost::Message;

fuzz_target!(|data: &[u8]| {
    if let Ok(tp) = flowc_onnx::proto::TensorProto::decode(data) {
        let _ = flowc_onnx::tensor_from_proto(&tp, None);
    }
    let Ok(model) = Model::from_bytes(data, None) else { return };
    let mut ctx = flowc_init::context_with_all_dialects();
    let opts = ImportOptions {
        resource_threshold: 4,
        ..Default::default()
    };
    let Ok(module) = flowc_onnx::import_model(&mut ctx, &model, &opts) else { return };
    let printed = ctx.print_op(module, &PrintOptions { generic: true, debug_info: true });
    let mut again = flowc_init::context_with_all_dialects();
    if let Err(d) = parse_source(&mut again, &printed, "printed.mlir", 0) {
        panic!("imported IR does not parse: {}\n{printed}", d[0].render(&again));
    }
});
