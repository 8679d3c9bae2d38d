//! Tensor conversion between ONNX `TensorProto` and flowc's host [`Tensor`].
//!
//! ONNX stores elements in one of three places: `raw_data` (little-endian, row-major bytes), the
//! typed field matching the element type (`float_data`, `int32_data` for the narrow integer,
//! bool and 16-bit float types, `int64_data`, `double_data`, `uint64_data` for u32 / u64), or an
//! external file beside the model (`data_location = EXTERNAL`, with `location`, `offset` and
//! `length` entries). All three are read here; sizes are checked against the dims before
//! anything is allocated, and external paths may not leave the model's directory.

use crate::OnnxError;
use crate::proto::{StringStringEntryProto, TensorProto, tensor_proto};
use flowc_tensor::{DType, Tensor};
use prost::Message;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Component, Path};

/// A decoded tensor as flowc's IR stores dense data: element type, shape and little-endian
/// bytes (bool as one byte holding 0 or 1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawTensor {
    pub dtype: DType,
    pub shape: Vec<usize>,
    pub data: Vec<u8>,
}

impl RawTensor {
    pub fn num_elements(&self) -> usize {
        self.shape.iter().product()
    }
}

/// The display name of a tensor in messages.
fn label(tp: &TensorProto) -> String {
    match tp.name() {
        "" => "tensor".to_string(),
        name => format!("tensor '{name}'"),
    }
}

/// The flowc dtype of an ONNX `TensorProto.DataType` code, or an error naming the type.
pub fn dtype_from_onnx(code: i32) -> Result<DType, OnnxError> {
    DType::from_onnx_code(code).ok_or_else(|| {
        let name = tensor_proto::DataType::try_from(code)
            .map(|d| d.as_str_name().to_string())
            .unwrap_or_else(|_| format!("data type {code}"));
        if code == 0 {
            OnnxError::invalid("element type is UNDEFINED (0)")
        } else {
            OnnxError::unsupported(format!("element type {name}"))
        }
    })
}

/// Checks ONNX dims (non-negative, element and byte counts that fit in memory) and returns them
/// as a shape.
pub(crate) fn checked_shape(
    dims: &[i64],
    dtype: DType,
    what: &str,
) -> Result<Vec<usize>, OnnxError> {
    let mut shape = Vec::with_capacity(dims.len());
    let mut n: usize = 1;
    for &d in dims {
        let d = usize::try_from(d)
            .map_err(|_| OnnxError::invalid(format!("{what} has a negative dim in {dims:?}")))?;
        n = n
            .checked_mul(d)
            .ok_or_else(|| OnnxError::invalid(format!("{what}: dims {dims:?} overflow")))?;
        shape.push(d);
    }
    n.checked_mul(dtype.size_bytes())
        .filter(|&b| b <= isize::MAX as usize)
        .ok_or_else(|| OnnxError::invalid(format!("{what}: dims {dims:?} are too large")))?;
    Ok(shape)
}

/// Decodes a `TensorProto` into little-endian bytes. External data is read relative to
/// `base_dir` (the model's directory); without one, external tensors are refused.
pub fn decode_tensor(tp: &TensorProto, base_dir: Option<&Path>) -> Result<RawTensor, OnnxError> {
    let what = label(tp);
    let dtype = dtype_from_onnx(tp.data_type()).map_err(|e| prefix(&what, e))?;
    let shape = checked_shape(&tp.dims, dtype, &what)?;
    let n: usize = shape.iter().product();
    let nbytes = n * dtype.size_bytes();
    if tp.segment.is_some() {
        return Err(OnnxError::unsupported(format!(
            "{what} is split into segments"
        )));
    }
    let mut data = if tp.data_location() == tensor_proto::DataLocation::External {
        read_external(tp, base_dir, nbytes, &what)?
    } else if let Some(raw) = tp.raw_data.as_ref().filter(|r| !r.is_empty() || n == 0) {
        if raw.len() != nbytes {
            return Err(OnnxError::invalid(format!(
                "{what}: raw_data holds {} bytes, but {dtype} dims {:?} need {nbytes}",
                raw.len(),
                tp.dims
            )));
        }
        raw.clone()
    } else {
        typed_bytes(tp, dtype, n, &what)?
    };
    if dtype == DType::Bool {
        for b in &mut data {
            *b = (*b != 0) as u8;
        }
    }
    Ok(RawTensor { dtype, shape, data })
}

fn prefix(what: &str, e: OnnxError) -> OnnxError {
    match e {
        OnnxError::Invalid(m) => OnnxError::Invalid(format!("{what}: {m}")),
        OnnxError::Unsupported(m) => OnnxError::Unsupported(format!("{what}: {m}")),
        other => other,
    }
}

/// The elements of the typed field that ONNX uses for `dtype`, as little-endian bytes.
fn typed_bytes(tp: &TensorProto, dtype: DType, n: usize, what: &str) -> Result<Vec<u8>, OnnxError> {
    let (field, len) = match dtype {
        DType::F32 => ("float_data", tp.float_data.len()),
        DType::F64 => ("double_data", tp.double_data.len()),
        DType::I64 => ("int64_data", tp.int64_data.len()),
        DType::U32 | DType::U64 => ("uint64_data", tp.uint64_data.len()),
        _ => ("int32_data", tp.int32_data.len()),
    };
    if len != n {
        return Err(OnnxError::invalid(if len == 0 {
            format!(
                "{what} has no data ({n} {dtype} elements expected in raw_data, {field} or an external file)"
            )
        } else {
            format!(
                "{what}: {field} holds {len} elements, but dims {:?} need {n}",
                tp.dims
            )
        }));
    }
    let mut out = Vec::with_capacity(n * dtype.size_bytes());
    match dtype {
        DType::F32 => tp
            .float_data
            .iter()
            .for_each(|v| out.extend(v.to_le_bytes())),
        DType::F64 => tp
            .double_data
            .iter()
            .for_each(|v| out.extend(v.to_le_bytes())),
        DType::I64 => tp
            .int64_data
            .iter()
            .for_each(|v| out.extend(v.to_le_bytes())),
        DType::U64 => tp
            .uint64_data
            .iter()
            .for_each(|v| out.extend(v.to_le_bytes())),
        DType::U32 => tp
            .uint64_data
            .iter()
            .for_each(|&v| out.extend((v as u32).to_le_bytes())),
        DType::I32 => tp
            .int32_data
            .iter()
            .for_each(|v| out.extend(v.to_le_bytes())),
        // Narrow types keep the low bytes of each int32 (the bit pattern for f16 / bf16).
        DType::I8 | DType::U8 | DType::Bool => {
            tp.int32_data.iter().for_each(|&v| out.push(v as u8));
        }
        DType::I16 | DType::U16 | DType::F16 | DType::BF16 => tp
            .int32_data
            .iter()
            .for_each(|&v| out.extend((v as u16).to_le_bytes())),
    }
    Ok(out)
}

/// The value of `key` among external data entries.
fn entry<'a>(entries: &'a [StringStringEntryProto], key: &str) -> Option<&'a str> {
    entries
        .iter()
        .rev()
        .find(|e| e.key() == key)
        .map(|e| e.value())
}

/// Reads `nbytes` of external data for `tp`, with seeks: the file may be larger than memory
/// allows to read whole, and offsets beyond 4 GiB work.
fn read_external(
    tp: &TensorProto,
    base_dir: Option<&Path>,
    nbytes: usize,
    what: &str,
) -> Result<Vec<u8>, OnnxError> {
    let entries = &tp.external_data;
    let location = entry(entries, "location")
        .filter(|l| !l.is_empty())
        .ok_or_else(|| OnnxError::invalid(format!("{what}: external data without a 'location'")))?;
    let parse = |key: &str| -> Result<Option<u64>, OnnxError> {
        entry(entries, key)
            .map(|v| {
                v.trim().parse::<u64>().map_err(|_| {
                    OnnxError::invalid(format!(
                        "{what}: external data {key} '{v}' is not a byte count"
                    ))
                })
            })
            .transpose()
    };
    let offset = parse("offset")?.unwrap_or(0);
    let length = parse("length")?;
    if let Some(length) = length
        && length != nbytes as u64
    {
        return Err(OnnxError::invalid(format!(
            "{what}: external data length {length} does not match the {nbytes} bytes its dims and type need"
        )));
    }
    let Some(base_dir) = base_dir else {
        return Err(OnnxError::invalid(format!(
            "{what}: external data '{location}' cannot be read without the model's directory"
        )));
    };
    let path = resolve_external_path(base_dir, location, what)?;
    let mut file = File::open(&path).map_err(|e| OnnxError::io(&path, e))?;
    let meta = file.metadata().map_err(|e| OnnxError::io(&path, e))?;
    if !meta.is_file() {
        return Err(OnnxError::invalid(format!(
            "{what}: external data '{location}' is not a regular file"
        )));
    }
    let end = offset.checked_add(nbytes as u64);
    if end.is_none_or(|end| end > meta.len()) {
        return Err(OnnxError::invalid(format!(
            "{what}: external data '{location}' has {} bytes, too few for {nbytes} bytes at offset {offset}",
            meta.len()
        )));
    }
    file.seek(SeekFrom::Start(offset))
        .map_err(|e| OnnxError::io(&path, e))?;
    let mut data = vec![0u8; nbytes];
    file.read_exact(&mut data)
        .map_err(|e| OnnxError::io(&path, e))?;
    Ok(data)
}

/// `base_dir/location`, refusing absolute paths, `..` and links that lead out of `base_dir`.
fn resolve_external_path(
    base_dir: &Path,
    location: &str,
    what: &str,
) -> Result<std::path::PathBuf, OnnxError> {
    let rel = Path::new(location);
    let escapes = rel
        .components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir));
    if escapes || location.contains('\0') {
        return Err(OnnxError::invalid(format!(
            "{what}: external data location '{location}' must be a relative path inside the model's directory"
        )));
    }
    let path = base_dir.join(rel);
    let base = base_dir
        .canonicalize()
        .map_err(|e| OnnxError::io(base_dir, e))?;
    let real = path.canonicalize().map_err(|e| OnnxError::io(&path, e))?;
    if !real.starts_with(&base) {
        return Err(OnnxError::invalid(format!(
            "{what}: external data location '{location}' leads out of the model's directory"
        )));
    }
    Ok(real)
}

/// Converts a `TensorProto` into a host tensor. External data is read relative to `base_dir`
/// (the directory of the model or `.pb` file); without one, external tensors are refused.
pub fn tensor_from_proto(tp: &TensorProto, base_dir: Option<&Path>) -> Result<Tensor, OnnxError> {
    let raw = decode_tensor(tp, base_dir)?;
    Tensor::from_bytes_le(raw.dtype, raw.shape, &raw.data)
        .map_err(|e| OnnxError::invalid(format!("{}: {e}", label(tp))))
}

/// Converts a host tensor into a `TensorProto` with its elements in `raw_data`, as
/// `onnx.numpy_helper.from_array` writes them.
pub fn tensor_to_proto(tensor: &Tensor, name: &str) -> TensorProto {
    let mut tp = header(tensor, name);
    tp.raw_data = Some(tensor.to_bytes_le());
    tp
}

/// Converts a host tensor into a `TensorProto` with its elements in the typed field ONNX uses
/// for its element type (`float_data`, `int32_data`, `int64_data`, `double_data`,
/// `uint64_data`), as `onnx.helper.make_tensor` does without `raw`.
pub fn tensor_to_proto_typed(tensor: &Tensor, name: &str) -> TensorProto {
    let mut tp = header(tensor, name);
    let bytes = tensor.to_bytes_le();
    let size = tensor.dtype().size_bytes();
    let chunks = bytes.chunks_exact(size);
    let word = |c: &[u8]| {
        let mut b = [0u8; 8];
        b[..c.len()].copy_from_slice(c);
        u64::from_le_bytes(b)
    };
    match tensor.dtype() {
        DType::F32 => tp.float_data = chunks.map(|c| f32::from_bits(word(c) as u32)).collect(),
        DType::F64 => tp.double_data = chunks.map(|c| f64::from_bits(word(c))).collect(),
        DType::I64 => tp.int64_data = chunks.map(|c| word(c) as i64).collect(),
        DType::U32 | DType::U64 => tp.uint64_data = chunks.map(word).collect(),
        DType::I8 => tp.int32_data = chunks.map(|c| c[0] as i8 as i32).collect(),
        DType::I16 => tp.int32_data = chunks.map(|c| word(c) as u16 as i16 as i32).collect(),
        DType::I32 => tp.int32_data = chunks.map(|c| word(c) as u32 as i32).collect(),
        DType::U8 | DType::Bool | DType::U16 | DType::F16 | DType::BF16 => {
            tp.int32_data = chunks.map(|c| word(c) as i32).collect()
        }
    }
    tp
}

fn header(tensor: &Tensor, name: &str) -> TensorProto {
    TensorProto {
        dims: tensor.shape().iter().map(|&d| d as i64).collect(),
        data_type: Some(tensor.dtype().onnx_code()),
        name: (!name.is_empty()).then(|| name.to_string()),
        ..Default::default()
    }
}

/// Reads a serialized `TensorProto` (`input_0.pb`, as ONNX's test cases store them). External
/// data is looked up beside the file.
pub fn read_tensor_pb(path: impl AsRef<Path>) -> Result<Tensor, OnnxError> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|e| OnnxError::io(path, e))?;
    let tp = TensorProto::decode(bytes.as_slice())
        .map_err(|e| OnnxError::Decode(format!("{}: {e}", path.display())))?;
    let dir = path.parent().map(|p| {
        if p.as_os_str().is_empty() {
            Path::new(".")
        } else {
            p
        }
    });
    tensor_from_proto(&tp, dir).map_err(|e| match e {
        OnnxError::Invalid(m) => OnnxError::Invalid(format!("{}: {m}", path.display())),
        OnnxError::Unsupported(m) => OnnxError::Unsupported(format!("{}: {m}", path.display())),
        other => other,
    })
}

/// Writes a tensor as a serialized, unnamed `TensorProto` with `raw_data` (`output_0.pb`).
pub fn write_tensor_pb(path: impl AsRef<Path>, tensor: &Tensor) -> Result<(), OnnxError> {
    write_named_tensor_pb(path, tensor, "")
}

/// Writes a tensor as a serialized `TensorProto` named `name` (ONNX's test cases name each
/// `.pb` after the graph input or output it holds).
pub fn write_named_tensor_pb(
    path: impl AsRef<Path>,
    tensor: &Tensor,
    name: &str,
) -> Result<(), OnnxError> {
    let path = path.as_ref();
    let bytes = tensor_to_proto(tensor, name).encode_to_vec();
    std::fs::write(path, bytes).map_err(|e| OnnxError::io(path, e))
}
