//! Elementwise ops: unary, binary and variadic with numpy broadcasting, and their relatives.

use super::util::{
    TensorInfo, broadcast_dims, dims_str, merge_dims, norm_axes, norm_axis, unidirectional_ok,
};
use super::{Infer, R};
use crate::dtype::{DType, from_onnx_attr};

/// Ops whose result has the type of their first operand (one operand).
pub const UNARY: &[&str] = &[
    "Abs",
    "Acos",
    "Acosh",
    "Asin",
    "Asinh",
    "Atan",
    "Atanh",
    "BitwiseNot",
    "Ceil",
    "Celu",
    "Cos",
    "Cosh",
    "Elu",
    "Erf",
    "Exp",
    "Floor",
    "Gelu",
    "HardSigmoid",
    "HardSwish",
    "LeakyRelu",
    "Log",
    "Mish",
    "Neg",
    "Not",
    "Reciprocal",
    "Relu",
    "Round",
    "Selu",
    "Sigmoid",
    "Sign",
    "Sin",
    "Sinh",
    "Softplus",
    "Softsign",
    "Sqrt",
    "Swish",
    "Tan",
    "Tanh",
    "ThresholdedRelu",
];

/// Broadcasts the shapes of `infos` (numpy rules); unranked if any is unranked.
pub fn broadcast_all(infos: &[&TensorInfo]) -> Result<Option<Vec<i64>>, String> {
    let mut acc: Vec<i64> = Vec::new();
    let mut first: Option<&TensorInfo> = None;
    let mut unranked = false;
    for t in infos {
        let Some(d) = t.dims() else {
            unranked = true;
            continue;
        };
        acc = broadcast_dims(&acc, d).ok_or_else(|| match first {
            Some(f) => format!("incompatible broadcast: {f} vs {t}"),
            None => format!("incompatible broadcast of {t}"),
        })?;
        if first.is_none() {
            first = Some(t);
        }
    }
    Ok(if unranked { None } else { Some(acc) })
}

impl Infer<'_> {
    pub(super) fn unary(&self) -> R {
        if self.spec.onnx == "Gelu" {
            self.attrs.choice("approximate", &["none", "tanh"])?;
        }
        Ok(vec![self.t(0)?.clone()])
    }

    pub(super) fn binary(&self) -> R {
        let (a, b) = (self.t(0)?, self.t(1)?);
        let shape = broadcast_all(&[a, b])?;
        let dt = match self.spec.onnx {
            "And" | "Or" | "Xor" | "Equal" | "Greater" | "GreaterOrEqual" | "Less"
            | "LessOrEqual" => DType::Bool,
            _ => a.dt,
        };
        match self.spec.onnx {
            "BitShift" => {
                self.attrs.choice("direction", &["RIGHT", "LEFT"])?;
            }
            "Mod" => {
                // Since opset 28 `fmod` = 0 is floor modulo for floats too (the sign of B).
                self.attrs.flag("fmod", false)?;
            }
            _ => {}
        }
        Ok(vec![TensorInfo::new(dt, shape)])
    }

    pub(super) fn variadic_broadcast(&self) -> R {
        let all: Vec<&TensorInfo> = (0..self.operands.len())
            .map(|i| self.t(i))
            .collect::<Result<_, _>>()?;
        let shape = broadcast_all(&all)?;
        Ok(vec![TensorInfo::new(all[0].dt, shape)])
    }

    pub(super) fn where_(&self) -> R {
        let (c, x, y) = (self.t(0)?, self.t(1)?, self.t(2)?);
        let shape = broadcast_all(&[c, x, y])?;
        Ok(vec![TensorInfo::new(x.dt, shape)])
    }

    pub(super) fn prelu(&self) -> R {
        let (x, slope) = (self.t(0)?, self.t(1)?);
        if let (Some(xs), Some(ss)) = (x.dims(), slope.dims())
            && !unidirectional_ok(ss, xs)
        {
            return Err(format!("slope {slope} does not broadcast to the input {x}"));
        }
        Ok(vec![x.clone()])
    }

    pub(super) fn clip(&self) -> R {
        self.expect_scalar(1)?;
        self.expect_scalar(2)?;
        Ok(vec![self.t(0)?.clone()])
    }

    pub(super) fn is_class(&self) -> R {
        if self.spec.onnx == "IsInf" {
            self.attrs.flag("detect_negative", true)?;
            self.attrs.flag("detect_positive", true)?;
        }
        Ok(vec![self.t(0)?.with_dt(DType::Bool)])
    }

    pub(super) fn cast(&self) -> R {
        let to = self.attrs.int("to", 0)?;
        let dt = from_onnx_attr(to)
            .ok_or_else(|| format!("attribute 'to' is {to}, not a data type flow supports"))?;
        self.attrs.choice("round_mode", &["up", "down"])?;
        self.attrs.flag("saturate", true)?;
        Ok(vec![self.t(0)?.with_dt(dt)])
    }

    pub(super) fn cast_like(&self) -> R {
        self.attrs.choice("round_mode", &["up", "down"])?;
        self.attrs.flag("saturate", true)?;
        Ok(vec![self.t(0)?.with_dt(self.t(1)?.dt)])
    }

    /// BitCast: the same shape, another element type of the same width.
    pub(super) fn bit_cast(&self) -> R {
        let x = self.t(0)?;
        let to = self.attrs.int("to", 0)?;
        let dt = from_onnx_attr(to)
            .ok_or_else(|| format!("attribute 'to' is {to}, not a data type flow supports"))?;
        if dt.bits() != x.dt.bits() {
            return Err(format!(
                "needs element types of the same width, but {} has {} bits and {} has {}",
                x.dt.mlir_name(),
                x.dt.bits(),
                dt.mlir_name(),
                dt.bits()
            ));
        }
        Ok(vec![x.with_dt(dt)])
    }

    /// SwiGLU: two operands of one shape (no broadcasting), a result of that shape.
    pub(super) fn swiglu(&self) -> R {
        let (a, b) = (self.t(0)?, self.t(1)?);
        let shape = match (a.dims(), b.dims()) {
            (Some(x), Some(y)) => Some(merge_dims(x, y).ok_or_else(|| {
                format!(
                    "A {a} and B {b} must have the same shape ({} vs {}): SwiGLU does not broadcast",
                    dims_str(x),
                    dims_str(y)
                )
            })?),
            (Some(x), None) | (None, Some(x)) => Some(x.to_vec()),
            (None, None) => None,
        };
        Ok(vec![TensorInfo::new(a.dt, shape)])
    }

    /// Ops with an `axis` attribute (default -1) and a result like their input.
    pub(super) fn axis_same(&self) -> R {
        let x = self.t(0)?;
        let axis = self.attrs.int("axis", -1)?;
        if let Some(r) = x.rank() {
            if r == 0 && matches!(self.spec.onnx, "Softmax" | "LogSoftmax" | "Hardmax") {
                // ONNX accepts rank 0 only in that axis -1 and 0 address nothing.
            } else {
                norm_axis(axis, r, "axis")?;
            }
        }
        if self.spec.onnx == "LpNormalization" {
            let p = self.attrs.int("p", 2)?;
            if p != 1 && p != 2 {
                return Err(format!("attribute 'p' must be 1 or 2, but is {p}"));
            }
        }
        Ok(vec![x.clone()])
    }

    pub(super) fn mvn(&self) -> R {
        let x = self.t(0)?;
        let axes = self.attrs.ints("axes")?.unwrap_or_else(|| vec![0, 2, 3]);
        if let Some(r) = x.rank() {
            norm_axes(&axes, r, "axis")?;
        }
        Ok(vec![x.clone()])
    }

    pub(super) fn lrn(&self) -> R {
        self.expect_min_rank(0, 3)?;
        let size = self.attrs.int("size", 0)?;
        if size < 1 {
            return Err(format!("attribute 'size' must be positive, but is {size}"));
        }
        Ok(vec![self.t(0)?.clone()])
    }

    pub(super) fn cumsum(&self) -> R {
        let x = self.t(0)?;
        self.expect_scalar(1)?;
        self.attrs.flag("exclusive", false)?;
        self.attrs.flag("reverse", false)?;
        if let (Some(r), Some(axis)) = (x.rank(), self.const_ints(1))
            && let Some(&a) = axis.first()
        {
            norm_axis(a, r, "axis")?;
        }
        Ok(vec![x.clone()])
    }

    pub(super) fn trilu(&self) -> R {
        self.expect_min_rank(0, 2)?;
        self.expect_scalar(1)?;
        self.attrs.flag("upper", true)?;
        Ok(vec![self.t(0)?.clone()])
    }

    pub(super) fn dropout(&self) -> R {
        self.expect_scalar(1)?;
        self.expect_scalar(2)?;
        if let Some(r) = self.const_floats(1).and_then(|v| v.first().copied())
            && !(0.0..1.0).contains(&r)
        {
            return Err(format!("ratio must be in [0, 1), but is {r}"));
        }
        let x = self.t(0)?;
        Ok(vec![x.clone(), x.with_dt(DType::Bool)])
    }
}
