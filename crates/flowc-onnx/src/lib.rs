//! flowc's ONNX front end.
//!
//! - [`proto`]: prost messages generated from flowc's own `proto/onnx_subset.proto` (field
//!   numbers from the ONNX IR specification), compiled at build time by protox, so no `protoc`
//!   is needed.
//! - [`load_model`] / [`Model`]: reading a model file; tensors in external data files are read
//!   lazily with seeks, so models whose weights exceed protobuf's 2 GB limit work.
//! - [`tensor_from_proto`] / [`tensor_to_proto`] / [`read_tensor_pb`] / [`write_tensor_pb`]:
//!   conversion between `TensorProto` and flowc's host [`flowc_tensor::Tensor`].
//! - [`import_model`]: the graph as a `builtin.module` holding a `func.func @main` of `flow`
//!   ops (see the `flow` dialect's README for the conventions).
//!
//! ```no_run
//! let model = flowc_onnx::load_model("model.onnx")?;
//! let mut ctx = flowc_init::context_with_all_dialects();
//! let module = flowc_onnx::import_model(&mut ctx, &model, &Default::default())?;
//! println!("{}", ctx.print_op(module, &Default::default()));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Nothing here panics on bad input: malformed files, wrong wire types, cycles, dangling
//! names and absurd dims are all errors.

mod error;
mod import;
mod model;
mod tensor;

/// The prost messages generated from `proto/onnx_subset.proto`.
#[allow(clippy::all, clippy::pedantic, rust_2018_idioms)]
pub mod proto {
    include!(concat!(env!("OUT_DIR"), "/onnx.rs"));
}

pub use error::{ImportError, ImportErrorKind, NodeInfo, OnnxError};
pub use import::{ImportOptions, import_model, node_name_in};
pub use model::{MAX_OPSET, MIN_OPSET, Model, load_model, normalize_domain};
pub use tensor::{
    RawTensor, decode_tensor, dtype_from_onnx, read_tensor_pb, tensor_from_proto, tensor_to_proto,
    tensor_to_proto_typed, write_named_tensor_pb, write_tensor_pb,
};

/// Reads and imports a model file in one step.
pub fn import_file(
    ctx: &mut flowc_ir::Context,
    path: impl AsRef<std::path::Path>,
    opts: &ImportOptions,
) -> Result<flowc_ir::Op, ImportError> {
    let model = load_model(path)?;
    import_model(ctx, &model, opts)
}
