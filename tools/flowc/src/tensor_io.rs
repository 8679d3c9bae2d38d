//! Reading input tensors (ONNX `TensorProto` `.pb` or numpy `.npy`) and writing output tensors
//! (`TensorProto` `.pb`).

use std::io::Read;
use std::path::Path;

use flowc_tensor::Tensor;

use crate::error::{DriverError, ErrorKind, Result};
use crate::model::onnx_error;

const NPY_MAGIC: &[u8] = b"\x93NUMPY";

/// Reads a tensor from a `.npy` file (recognized by its magic bytes) or an ONNX `TensorProto`
/// file (anything else). Errors name the file.
pub fn read_tensor(path: &Path) -> Result<Tensor> {
    let cannot_read =
        |e: std::io::Error| DriverError::input(format!("{}: cannot read: {e}", path.display()));
    if path.is_dir() {
        return Err(DriverError::input(format!(
            "{}: is a directory, not a tensor file",
            path.display()
        )));
    }
    let mut magic = Vec::with_capacity(NPY_MAGIC.len());
    std::fs::File::open(path)
        .and_then(|f| f.take(NPY_MAGIC.len() as u64).read_to_end(&mut magic))
        .map_err(cannot_read)?;
    if magic == NPY_MAGIC {
        let bytes = std::fs::read(path).map_err(cannot_read)?;
        flowc_tensor::npy::read_npy_bytes(&bytes).map_err(|e| {
            let err = format!("{}: not a valid .npy tensor: {e}", path.display());
            match e {
                flowc_tensor::TensorError::Unsupported(_) => DriverError::unsupported(err),
                _ => DriverError::input(err),
            }
        })
    } else {
        flowc_onnx::read_tensor_pb(path).map_err(|e| {
            let e = onnx_error(e, path);
            match e.kind {
                ErrorKind::Unsupported => e,
                _ => DriverError::input(e.message),
            }
        })
    }
}

/// Writes `tensor` as an ONNX `TensorProto` named `name`.
pub fn write_tensor_pb(path: &Path, tensor: &Tensor, name: &str) -> Result<()> {
    flowc_onnx::write_named_tensor_pb(path, tensor, name)
        .map_err(|e| DriverError::output(format!("cannot write {}: {e}", path.display())))
}
