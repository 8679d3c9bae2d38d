//! NumPy `.npy` files (format versions 1.0, 2.0 and 3.0; little-endian or byte-order-free
//! dtypes; C or Fortran order on read, C order on write).
//!
//! bf16 has no NumPy dtype: writing one is an error, and reading accepts ml_dtypes' `bfloat16`
//! descr (`'<V2'` is ambiguous and refused).

use crate::{DType, Tensor, TensorError, num_elements};
use std::path::Path;

const MAGIC: &[u8] = b"\x93NUMPY";

fn descr(dtype: DType) -> Result<&'static str, TensorError> {
    Ok(match dtype {
        DType::F16 => "<f2",
        DType::F32 => "<f4",
        DType::F64 => "<f8",
        DType::I8 => "|i1",
        DType::I16 => "<i2",
        DType::I32 => "<i4",
        DType::I64 => "<i8",
        DType::U8 => "|u1",
        DType::U16 => "<u2",
        DType::U32 => "<u4",
        DType::U64 => "<u8",
        DType::Bool => "|b1",
        DType::BF16 => {
            return Err(TensorError::Unsupported(
                "bf16 has no NumPy dtype; cannot write .npy".into(),
            ));
        }
    })
}

fn parse_descr(d: &str) -> Result<DType, TensorError> {
    if d == "bfloat16" {
        return Ok(DType::BF16);
    }
    let bad = || TensorError::Npy(format!("unsupported dtype descr '{d}'"));
    let mut chars = d.chars();
    let order = chars.next().ok_or_else(bad)?;
    let rest: String = chars.collect();
    let dtype = match rest.as_str() {
        "f2" | "e" => DType::F16,
        "f4" | "f" => DType::F32,
        "f8" | "d" => DType::F64,
        "i1" | "b" => DType::I8,
        "i2" | "h" => DType::I16,
        "i4" | "i" => DType::I32,
        "i8" | "q" => DType::I64,
        "u1" | "B" => DType::U8,
        "u2" | "H" => DType::U16,
        "u4" | "I" => DType::U32,
        "u8" | "Q" => DType::U64,
        "b1" | "?" => DType::Bool,
        _ => return Err(bad()),
    };
    match order {
        '<' | '|' | '=' => Ok(dtype),
        '>' if dtype.size_bytes() == 1 => Ok(dtype),
        '>' => Err(TensorError::Npy(format!(
            "big-endian dtype '{d}' is not supported"
        ))),
        _ => Err(bad()),
    }
}

/// Finds the value text after `'key':` in a header dict.
fn dict_value<'a>(header: &'a str, key: &str) -> Result<&'a str, TensorError> {
    let pat1 = format!("'{key}'");
    let pat2 = format!("\"{key}\"");
    let pos = header
        .find(&pat1)
        .map(|p| p + pat1.len())
        .or_else(|| header.find(&pat2).map(|p| p + pat2.len()))
        .ok_or_else(|| TensorError::Npy(format!("header has no '{key}': {header}")))?;
    let rest = header[pos..].trim_start();
    let rest = rest
        .strip_prefix(':')
        .ok_or_else(|| TensorError::Npy(format!("malformed header: {header}")))?;
    Ok(rest.trim_start())
}

fn parse_header(header: &str) -> Result<(DType, bool, Vec<usize>), TensorError> {
    let d = dict_value(header, "descr")?;
    let quote = d
        .chars()
        .next()
        .filter(|c| *c == '\'' || *c == '"')
        .ok_or_else(|| TensorError::Npy(format!("descr is not a string: {header}")))?;
    let end = d[1..]
        .find(quote)
        .ok_or_else(|| TensorError::Npy(format!("unterminated descr: {header}")))?;
    let dtype = parse_descr(&d[1..1 + end])?;

    let f = dict_value(header, "fortran_order")?;
    let fortran = if f.starts_with("True") {
        true
    } else if f.starts_with("False") {
        false
    } else {
        return Err(TensorError::Npy(format!("bad fortran_order: {header}")));
    };

    let s = dict_value(header, "shape")?;
    let s = s
        .strip_prefix('(')
        .ok_or_else(|| TensorError::Npy(format!("shape is not a tuple: {header}")))?;
    let close = s
        .find(')')
        .ok_or_else(|| TensorError::Npy(format!("unterminated shape: {header}")))?;
    let mut shape = Vec::new();
    for part in s[..close].split(',') {
        let part = part.trim().trim_end_matches('L');
        if part.is_empty() {
            continue;
        }
        shape.push(
            part.parse::<usize>()
                .map_err(|_| TensorError::Npy(format!("bad dimension '{part}' in {header}")))?,
        );
    }
    Ok((dtype, fortran, shape))
}

/// Parses the bytes of a `.npy` file.
pub fn read_npy_bytes(bytes: &[u8]) -> Result<Tensor, TensorError> {
    if bytes.len() < 10 || &bytes[..6] != MAGIC {
        return Err(TensorError::Npy("not a .npy file (bad magic)".into()));
    }
    let major = bytes[6];
    let (header_len, start) = match major {
        1 => (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10usize),
        2 | 3 => {
            if bytes.len() < 12 {
                return Err(TensorError::Npy("truncated header".into()));
            }
            (
                u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize,
                12,
            )
        }
        v => return Err(TensorError::Npy(format!("unsupported .npy version {v}"))),
    };
    let end = start
        .checked_add(header_len)
        .filter(|&e| e <= bytes.len())
        .ok_or_else(|| TensorError::Npy("truncated header".into()))?;
    let header = std::str::from_utf8(&bytes[start..end])
        .map_err(|_| TensorError::Npy("header is not text".into()))?;
    let (dtype, fortran, shape) = parse_header(header)?;
    let body = &bytes[end..];
    let n = num_elements(&shape)?;
    let need = n
        .checked_mul(dtype.size_bytes())
        .ok_or_else(|| TensorError::Overflow("npy data too large".into()))?;
    if body.len() < need {
        return Err(TensorError::Npy(format!(
            "data truncated: shape {shape:?} needs {need} bytes, file has {}",
            body.len()
        )));
    }
    let body = &body[..need];
    if !fortran || shape.len() < 2 {
        return Tensor::from_bytes_le(dtype, shape, body);
    }
    // Fortran order: the bytes are the transpose, i.e. a C-order array of the reversed shape.
    let size = dtype.size_bytes();
    let rank = shape.len();
    let mut out = vec![0u8; need];
    // Column-major strides (in elements) of `shape`.
    let mut fstride = vec![1usize; rank];
    for i in 1..rank {
        fstride[i] = fstride[i - 1] * shape[i - 1];
    }
    let mut idx = vec![0usize; rank];
    for c in 0..n {
        let f: usize = idx.iter().zip(&fstride).map(|(i, s)| i * s).sum();
        out[c * size..(c + 1) * size].copy_from_slice(&body[f * size..(f + 1) * size]);
        for ax in (0..rank).rev() {
            idx[ax] += 1;
            if idx[ax] < shape[ax] {
                break;
            }
            idx[ax] = 0;
        }
    }
    Tensor::from_bytes_le(dtype, shape, &out)
}

/// The bytes of a `.npy` file holding `t` (version 1.0, or 2.0 when the header needs it).
pub fn write_npy_bytes(t: &Tensor) -> Result<Vec<u8>, TensorError> {
    let descr = descr(t.dtype())?;
    let shape = match t.shape() {
        [] => "()".to_string(),
        [d] => format!("({d},)"),
        dims => format!(
            "({})",
            dims.iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let mut header = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}");
    // Pad with spaces so that magic + version + length + header is a multiple of 64, ending
    // with a newline.
    let (version, prefix) = if header.len() + 11 < 65536 {
        (1u8, 10)
    } else {
        (2u8, 12)
    };
    let total = (prefix + header.len() + 1).div_ceil(64) * 64;
    while prefix + header.len() + 1 < total {
        header.push(' ');
    }
    header.push('\n');
    let mut out = Vec::with_capacity(total + t.len() * t.dtype().size_bytes());
    out.extend_from_slice(MAGIC);
    out.push(version);
    out.push(0);
    if version == 1 {
        out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    } else {
        out.extend_from_slice(&(header.len() as u32).to_le_bytes());
    }
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(&t.to_bytes_le());
    Ok(out)
}

/// Reads a `.npy` file.
pub fn read_npy(path: impl AsRef<Path>) -> Result<Tensor, TensorError> {
    let path = path.as_ref();
    let bytes =
        std::fs::read(path).map_err(|e| TensorError::Io(format!("{}: {e}", path.display())))?;
    read_npy_bytes(&bytes).map_err(|e| match e {
        TensorError::Npy(m) => TensorError::Npy(format!("{}: {m}", path.display())),
        other => other,
    })
}

/// Writes a `.npy` file.
pub fn write_npy(path: impl AsRef<Path>, t: &Tensor) -> Result<(), TensorError> {
    let path = path.as_ref();
    let bytes = write_npy_bytes(t)?;
    std::fs::write(path, bytes).map_err(|e| TensorError::Io(format!("{}: {e}", path.display())))
}

impl Tensor {
    /// See [`read_npy`].
    pub fn read_npy(path: impl AsRef<Path>) -> Result<Tensor, TensorError> {
        read_npy(path)
    }

    /// See [`write_npy`].
    pub fn write_npy(&self, path: impl AsRef<Path>) -> Result<(), TensorError> {
        write_npy(path, self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let t = Tensor::from_f32(vec![2, 3], vec![1., 2., 3., 4., 5., 6.]).unwrap();
        let b = write_npy_bytes(&t).unwrap();
        assert_eq!((b.len() - 24) % 64, 0); // header padded to a multiple of 64 bytes
        assert_eq!(read_npy_bytes(&b).unwrap(), t);
        for t in [
            Tensor::scalar(3i64),
            Tensor::from_bool(vec![3], vec![true, false, true]).unwrap(),
            Tensor::from_u16(vec![0, 2], vec![]).unwrap(),
            Tensor::from_i8(vec![1], vec![-1]).unwrap(),
        ] {
            assert_eq!(read_npy_bytes(&write_npy_bytes(&t).unwrap()).unwrap(), t);
        }
        assert!(write_npy_bytes(&Tensor::scalar(half::bf16::ONE)).is_err());
    }

    fn file(version: u8, header: &str, data: &[u8]) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.push(version);
        out.push(0);
        if version == 1 {
            out.extend_from_slice(&(header.len() as u16).to_le_bytes());
        } else {
            out.extend_from_slice(&(header.len() as u32).to_le_bytes());
        }
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(data);
        out
    }

    #[test]
    fn numpy_headers() {
        // v2 header, 1-D shape with trailing comma, '|u1'.
        let b = file(
            2,
            "{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }\n",
            &[1, 2, 3],
        );
        let t = read_npy_bytes(&b).unwrap();
        assert_eq!(t.as_slice::<u8>().unwrap(), &[1, 2, 3]);
        // Fortran order 2x3: memory holds columns.
        let data: Vec<u8> = [1i32, 4, 2, 5, 3, 6]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let b = file(
            1,
            "{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3), }\n",
            &data,
        );
        let t = read_npy_bytes(&b).unwrap();
        assert_eq!(t.as_slice::<i32>().unwrap(), &[1, 2, 3, 4, 5, 6]);
        // Errors, no panics.
        assert!(read_npy_bytes(b"\x93NUMPY").is_err());
        assert!(
            read_npy_bytes(&file(
                1,
                "{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }",
                &[0; 4]
            ))
            .is_err()
        );
        assert!(
            read_npy_bytes(&file(
                1,
                "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }",
                &[0; 4]
            ))
            .is_err()
        );
        assert!(
            read_npy_bytes(&file(
                1,
                "{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }",
                &[0; 8]
            ))
            .is_err()
        );
        assert!(read_npy_bytes(&file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999, 99999999999, 99999999999), }", &[])).is_err());
        let mut b = file(1, "{'descr': '<f4'", &[]);
        b[8] = 0xff;
        assert!(read_npy_bytes(&b).is_err());
    }
}
