//! A model's declared inputs and outputs, and checking input tensors against them.

use std::fmt;

use flowc_tensor::{DType, Tensor};

use crate::error::{DriverError, Result};

/// One dimension of a declared shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Dim {
    Fixed(u64),
    /// A symbolic dimension (`dim_param`), or an unknown one (empty name): any size fits.
    Symbolic(String),
}

/// The declared type of a graph input or output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueType {
    /// A tensor with an element type flowc supports; `shape` is `None` when the model gives none
    /// (any rank fits).
    Tensor {
        dtype: DType,
        shape: Option<Vec<Dim>>,
    },
    /// Anything else (a string or float8 tensor, a sequence, a map, an optional), described.
    Other(String),
}

/// A named graph input or output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueSpec {
    pub name: String,
    pub ty: ValueType,
}

/// A model's graph inputs (initializers excluded) and outputs, in graph order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Signature {
    pub inputs: Vec<ValueSpec>,
    pub outputs: Vec<ValueSpec>,
}

impl fmt::Display for Dim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Dim::Fixed(n) => write!(f, "{n}"),
            Dim::Symbolic(s) if s.is_empty() => f.write_str("?"),
            Dim::Symbolic(s) => f.write_str(s),
        }
    }
}

impl fmt::Display for ValueType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValueType::Tensor { dtype, shape } => {
                write!(f, "{dtype} ")?;
                match shape {
                    None => f.write_str("[any shape]"),
                    Some(dims) => {
                        f.write_str("[")?;
                        for (i, d) in dims.iter().enumerate() {
                            if i > 0 {
                                f.write_str(", ")?;
                            }
                            write!(f, "{d}")?;
                        }
                        f.write_str("]")
                    }
                }
            }
            ValueType::Other(s) => f.write_str(s),
        }
    }
}

impl fmt::Display for ValueSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "'{}': {}", self.name, self.ty)
    }
}

/// `[1, 3, 224, 224]`, `[]` for a scalar.
pub fn shape_string(shape: &[usize]) -> String {
    let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    format!("[{}]", dims.join(", "))
}

/// Checks a tensor against the declared type of an input: same dtype, same rank, and the same
/// size in every fixed dimension (symbolic dimensions accept any size). `source` names where
/// the tensor came from (a file) for the message.
pub fn check_input(spec: &ValueSpec, tensor: &Tensor, source: &str) -> Result<()> {
    let (dtype, shape) = match &spec.ty {
        ValueType::Tensor { dtype, shape } => (*dtype, shape),
        ValueType::Other(what) => {
            return Err(DriverError::unsupported(format!(
                "input '{}' ({source}): the model declares {what}, which flowc does not support",
                spec.name
            )));
        }
    };
    if tensor.dtype() != dtype {
        return Err(DriverError::input(format!(
            "input '{}' ({source}): dtype {} does not match the model's {}",
            spec.name,
            tensor.dtype(),
            spec.ty
        )));
    }
    if let Some(dims) = shape {
        let fits = dims.len() == tensor.rank()
            && dims.iter().zip(tensor.shape()).all(|(d, &n)| match d {
                Dim::Fixed(m) => *m == n as u64,
                Dim::Symbolic(_) => true,
            });
        if !fits {
            return Err(DriverError::input(format!(
                "input '{}' ({source}): shape {} does not match the model's {}",
                spec.name,
                shape_string(tensor.shape()),
                spec.ty
            )));
        }
    }
    Ok(())
}

/// The signature of a loaded bundle (static shapes).
pub fn bundle_signature(model: &flowc_runtime::Model) -> Signature {
    let spec = |s: &flowc_runtime::TensorInfo| ValueSpec {
        name: s.name.clone(),
        ty: ValueType::Tensor {
            dtype: s.dtype,
            shape: Some(s.shape.iter().map(|&d| Dim::Fixed(d as u64)).collect()),
        },
    };
    Signature {
        inputs: model.inputs().iter().map(spec).collect(),
        outputs: model.outputs().iter().map(spec).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(dims: Option<Vec<Dim>>) -> ValueSpec {
        ValueSpec {
            name: "x".into(),
            ty: ValueType::Tensor {
                dtype: DType::F32,
                shape: dims,
            },
        }
    }

    #[test]
    fn symbolic_dims_accept_any_size() {
        let s = spec(Some(vec![Dim::Symbolic("N".into()), Dim::Fixed(3)]));
        let t = Tensor::zeros(DType::F32, vec![7, 3]).unwrap();
        assert!(check_input(&s, &t, "a.pb").is_ok());
        let t = Tensor::zeros(DType::F32, vec![7, 4]).unwrap();
        let e = check_input(&s, &t, "a.pb").unwrap_err();
        assert_eq!(
            e.message,
            "input 'x' (a.pb): shape [7, 4] does not match the model's f32 [N, 3]"
        );
        let t = Tensor::zeros(DType::F32, vec![3]).unwrap();
        assert!(check_input(&s, &t, "a.pb").is_err());
        let t = Tensor::zeros(DType::F64, vec![7, 3]).unwrap();
        let e = check_input(&s, &t, "a.pb").unwrap_err();
        assert!(e.message.contains("dtype f64 does not match"), "{e}");
    }

    #[test]
    fn no_shape_accepts_any_rank() {
        let s = spec(None);
        let t = Tensor::zeros(DType::F32, vec![2, 2, 2]).unwrap();
        assert!(check_input(&s, &t, "a.pb").is_ok());
        assert_eq!(s.to_string(), "'x': f32 [any shape]");
    }
}
