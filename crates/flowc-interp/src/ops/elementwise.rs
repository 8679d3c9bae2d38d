//! Elementwise ops: unary math and activations, binary arithmetic with broadcasting,
//! comparisons, logic, bitwise ops, variadic Max / Min / Sum / Mean, Where, Clip, Cast.

use super::{mk, same};
use crate::num::{FloatElem, Num, Real};
use crate::util::{binary_map, ternary_map};
use crate::{KError, KResult, Node, bail};
use flowc_tensor::{DType, Element, Tensor, TensorData, match_data};

// ===== Unary =====

/// Float-only unary functions (computed in the compute type, rounded back).
#[derive(Copy, Clone, Debug, PartialEq)]
pub enum FUnary {
    Acos,
    Acosh,
    Asin,
    Asinh,
    Atan,
    Atanh,
    Cos,
    Cosh,
    Sin,
    Sinh,
    Tan,
    Tanh,
    Exp,
    Log,
    Sqrt,
    Erf,
    Reciprocal,
    Floor,
    Ceil,
    Round,
    Sigmoid,
    Softplus,
    Softsign,
    /// alpha
    Elu,
    /// alpha, gamma
    Selu,
    /// alpha
    Celu,
    /// alpha, beta
    HardSigmoid,
    HardSwish,
    /// alpha
    LeakyRelu,
    /// alpha
    ThresholdedRelu,
    Mish,
    /// `approximate = "tanh"` when p[0] != 0
    Gelu,
    /// bias, lambd
    Shrink,
}

/// Parameters of a unary float op, from its attributes with ONNX defaults.
fn funary_params(node: &Node<'_>, op: FUnary) -> KResult<[f64; 2]> {
    Ok(match op {
        FUnary::Elu | FUnary::Celu | FUnary::ThresholdedRelu => {
            [node.float("alpha", 1.0)? as f64, 0.0]
        }
        FUnary::Selu => [
            node.float("alpha", 1.673_263_2)? as f64,
            node.float("gamma", 1.050_701)? as f64,
        ],
        FUnary::HardSigmoid => [
            node.float("alpha", 0.2)? as f64,
            node.float("beta", 0.5)? as f64,
        ],
        FUnary::LeakyRelu => [node.float("alpha", 0.01)? as f64, 0.0],
        FUnary::Gelu => {
            let a = node.string("approximate", "none")?;
            match a.as_str() {
                "none" => [0.0, 0.0],
                "tanh" => [1.0, 0.0],
                _ => bail!("unknown approximate '{a}'"),
            }
        }
        FUnary::Shrink => [
            node.float("bias", 0.0)? as f64,
            node.float("lambd", 0.5)? as f64,
        ],
        _ => [0.0, 0.0],
    })
}

fn sigmoid<A: Real>(x: A) -> A {
    if x >= A::ZERO {
        A::ONE / (A::ONE + (-x).exp())
    } else {
        let e = x.exp();
        e / (A::ONE + e)
    }
}

fn softplus<A: Real>(x: A) -> A {
    if x > A::ZERO {
        x + (-x).exp().ln_1p()
    } else {
        x.exp().ln_1p()
    }
}

/// One float unary function in the compute type `A`.
pub fn funary_apply<A: Real>(op: FUnary, p: [A; 2], x: A) -> A {
    let zero = A::ZERO;
    let one = A::ONE;
    match op {
        FUnary::Acos => x.acos(),
        FUnary::Acosh => x.acosh(),
        FUnary::Asin => x.asin(),
        FUnary::Asinh => x.asinh(),
        FUnary::Atan => x.atan(),
        FUnary::Atanh => x.atanh(),
        FUnary::Cos => x.cos(),
        FUnary::Cosh => x.cosh(),
        FUnary::Sin => x.sin(),
        FUnary::Sinh => x.sinh(),
        FUnary::Tan => x.tan(),
        FUnary::Tanh => x.tanh(),
        FUnary::Exp => x.exp(),
        FUnary::Log => x.ln(),
        FUnary::Sqrt => x.sqrt(),
        FUnary::Erf => x.erf(),
        FUnary::Reciprocal => one / x,
        FUnary::Floor => x.floor(),
        FUnary::Ceil => x.ceil(),
        FUnary::Round => x.round_even(),
        FUnary::Sigmoid => sigmoid(x),
        FUnary::Softplus => softplus(x),
        FUnary::Softsign => x / (one + x.abs()),
        FUnary::Elu => {
            if x > zero || x.is_nan() {
                x
            } else {
                p[0] * (x.exp() - one)
            }
        }
        FUnary::Selu => {
            if x > zero {
                p[1] * x
            } else if x.is_nan() {
                x
            } else {
                p[1] * (p[0] * x.exp() - p[0])
            }
        }
        FUnary::Celu => {
            if x.is_nan() {
                x
            } else {
                let pos = if x > zero { x } else { zero };
                let neg = p[0] * ((x / p[0]).exp() - one);
                pos + if neg < zero { neg } else { zero }
            }
        }
        FUnary::HardSigmoid => clamp01(p[0] * x + p[1]),
        FUnary::HardSwish => x * clamp01(x * A::c(1.0 / 6.0) + A::c(0.5)),
        FUnary::LeakyRelu => {
            if x >= zero {
                x
            } else {
                p[0] * x
            }
        }
        FUnary::ThresholdedRelu => {
            if x > p[0] || x.is_nan() {
                x
            } else {
                zero
            }
        }
        FUnary::Mish => x * softplus(x).tanh(),
        FUnary::Gelu => {
            let half = A::c(0.5);
            if p[0] != zero {
                let k = A::c((2.0 / std::f64::consts::PI).sqrt());
                half * x * (one + (k * (x + A::c(0.044715) * x * x * x)).tanh())
            } else {
                half * x * (one + (x * A::c(std::f64::consts::FRAC_1_SQRT_2)).erf())
            }
        }
        FUnary::Shrink => {
            if x < -p[1] {
                x + p[0]
            } else if x > p[1] {
                x - p[0]
            } else if x.is_nan() {
                x
            } else {
                zero
            }
        }
    }
}

fn clamp01<A: Real>(v: A) -> A {
    if v.is_nan() {
        v
    } else if v < A::ZERO {
        A::ZERO
    } else if v > A::ONE {
        A::ONE
    } else {
        v
    }
}

fn funary_typed<T: FloatElem>(op: FUnary, p: [f64; 2], v: &[T]) -> Vec<T> {
    let p = [T::A::c(p[0]), T::A::c(p[1])];
    v.iter()
        .map(|&x| T::from_a(funary_apply(op, p, x.to_a())))
        .collect()
}

pub fn funary(node: &Node<'_>, op: FUnary) -> KResult<Vec<Option<Tensor>>> {
    let x = node.input(0)?;
    let p = funary_params(node, op)?;
    let shape = x.shape().to_vec();
    // Integer inputs: ops whose ONNX schema admits them are computed in f64 and cast back.
    if !x.dtype().is_float() {
        let allowed = matches!(op, FUnary::Shrink | FUnary::Erf | FUnary::LeakyRelu);
        if !allowed || x.dtype() == DType::Bool {
            crate::unsupported!("unsupported element type {}", x.dtype());
        }
        let xf: Vec<f64> = x.to_f64_vec();
        let y = funary_typed::<f64>(op, p, &xf);
        let t = Tensor::from_f64(shape, y)?;
        return Ok(vec![Some(cast_tensor(&t, x.dtype())?)]);
    }
    let out = match_float!(x.data(), v => mk(shape, funary_typed(op, p, v))?);
    Ok(vec![Some(out)])
}

/// Unary ops defined on every numeric type.
#[derive(Copy, Clone, Debug, PartialEq)]
pub enum NUnary {
    Abs,
    Neg,
    Sign,
    Relu,
}

fn nunary_typed<T: Num>(op: NUnary, v: &[T]) -> Vec<T> {
    v.iter()
        .map(|&x| match op {
            NUnary::Abs => x.abs(),
            NUnary::Neg => x.neg(),
            NUnary::Sign => {
                if x.is_nan() {
                    x
                } else if x > T::zero() {
                    T::one()
                } else if x < T::zero() {
                    T::one().neg()
                } else {
                    T::zero()
                }
            }
            NUnary::Relu => {
                if x < T::zero() {
                    T::zero()
                } else {
                    x
                }
            }
        })
        .collect()
}

pub fn nunary(node: &Node<'_>, op: NUnary) -> KResult<Vec<Option<Tensor>>> {
    let x = node.input(0)?;
    if x.dtype() == DType::Bool {
        crate::unsupported!("unsupported element type bool");
    }
    let shape = x.shape().to_vec();
    let out = match_data!(x.data(), v => mk(shape, nunary_typed(op, v))?);
    Ok(vec![Some(out)])
}

pub fn not(node: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = node.input(0)?;
    let v = x.as_slice::<bool>()?;
    Ok(vec![Some(mk(
        x.shape().to_vec(),
        v.iter().map(|b| !b).collect(),
    )?)])
}

pub fn bitwise_not(node: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = node.input(0)?;
    let shape = x.shape().to_vec();
    let out = match_int!(x.data(), v => mk(shape, v.iter().map(|&a| !a).collect())?);
    Ok(vec![Some(out)])
}

pub fn is_nan(node: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = node.input(0)?;
    let shape = x.shape().to_vec();
    let out: Vec<bool> = match_float!(x.data(), v => v.iter().map(|a| a.is_nan()).collect());
    Ok(vec![Some(mk(shape, out)?)])
}

pub fn is_inf(node: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = node.input(0)?;
    let neg = node.int("detect_negative", 1)? != 0;
    let pos = node.int("detect_positive", 1)? != 0;
    let shape = x.shape().to_vec();
    let out: Vec<bool> = match_float!(x.data(), v => v
        .iter()
        .map(|a| {
            let f = a.to_f64();
            f.is_infinite() && ((f > 0.0 && pos) || (f < 0.0 && neg))
        })
        .collect());
    Ok(vec![Some(mk(shape, out)?)])
}

// ===== Binary =====

#[derive(Copy, Clone, Debug, PartialEq)]
pub enum Arith {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Fmod,
    Max,
    Min,
}

fn arith_typed<T: Num>(
    op: Arith,
    a: &[T],
    ash: &[usize],
    b: &[T],
    bsh: &[usize],
) -> KResult<(Vec<T>, Vec<usize>)> {
    match op {
        Arith::Add => binary_map(a, ash, b, bsh, |x, y| x.add(y)),
        Arith::Sub => binary_map(a, ash, b, bsh, |x, y| x.sub(y)),
        Arith::Mul => binary_map(a, ash, b, bsh, |x, y| x.mul(y)),
        Arith::Div => binary_map(a, ash, b, bsh, |x, y| x.div(y)),
        Arith::Mod => binary_map(a, ash, b, bsh, |x, y| x.pymod(y)),
        Arith::Fmod => binary_map(a, ash, b, bsh, |x, y| x.fmod(y)),
        Arith::Max => binary_map(a, ash, b, bsh, |x, y| x.max_nan(y)),
        Arith::Min => binary_map(a, ash, b, bsh, |x, y| x.min_nan(y)),
    }
}

/// `a op b` with numpy broadcasting; both operands must have the same dtype.
pub fn arith_tensors(op: Arith, a: &Tensor, b: &Tensor) -> KResult<Tensor> {
    if a.dtype() != b.dtype() {
        bail!(
            "operands have different element types {} and {}",
            a.dtype(),
            b.dtype()
        );
    }
    if a.dtype() == DType::Bool && !matches!(op, Arith::Max | Arith::Min) {
        crate::unsupported!("unsupported element type bool");
    }
    Ok(match_data!(a.data(), va => {
        let vb = same(va, b)?;
        let (v, s) = arith_typed(op, va, a.shape(), vb, b.shape())?;
        mk(s, v)?
    }))
}

pub fn arith(node: &Node<'_>, op: Arith) -> KResult<Vec<Option<Tensor>>> {
    let op = if op == Arith::Mod && node.int("fmod", 0)? != 0 {
        Arith::Fmod
    } else {
        op
    };
    Ok(vec![Some(arith_tensors(
        op,
        node.input(0)?,
        node.input(1)?,
    )?)])
}

/// Max / Min / Sum / Mean of one or more operands with broadcasting.
pub fn variadic(node: &Node<'_>, op: Arith, mean: bool) -> KResult<Vec<Option<Tensor>>> {
    if node.num_inputs() == 0 {
        bail!("expected at least one input");
    }
    let mut acc = node.input(0)?.clone();
    for i in 1..node.num_inputs() {
        acc = arith_tensors(op, &acc, node.input(i)?)?;
    }
    if mean {
        if !acc.dtype().is_float() {
            crate::unsupported!("unsupported element type {}", acc.dtype());
        }
        let n = node.num_inputs() as f64;
        let shape = acc.shape().to_vec();
        acc = match_float!(acc.data(), v => mk(shape, v.iter().map(|&x| x.div(Num::from_f64(n))).collect())?);
    }
    Ok(vec![Some(acc)])
}

#[derive(Copy, Clone, Debug, PartialEq)]
pub enum Cmp {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

fn cmp_typed<T: Num>(
    op: Cmp,
    a: &[T],
    ash: &[usize],
    b: &[T],
    bsh: &[usize],
) -> KResult<(Vec<bool>, Vec<usize>)> {
    match op {
        Cmp::Eq => binary_map(a, ash, b, bsh, |x, y| x == y),
        Cmp::Lt => binary_map(a, ash, b, bsh, |x, y| x < y),
        Cmp::Le => binary_map(a, ash, b, bsh, |x, y| x <= y),
        Cmp::Gt => binary_map(a, ash, b, bsh, |x, y| x > y),
        Cmp::Ge => binary_map(a, ash, b, bsh, |x, y| x >= y),
    }
}

pub fn compare(node: &Node<'_>, op: Cmp) -> KResult<Vec<Option<Tensor>>> {
    let (a, b) = (node.input(0)?, node.input(1)?);
    if a.dtype() != b.dtype() {
        bail!(
            "operands have different element types {} and {}",
            a.dtype(),
            b.dtype()
        );
    }
    let (v, s) = match_data!(a.data(), va => {
        let vb = same(va, b)?;
        cmp_typed(op, va, a.shape(), vb, b.shape())?
    });
    Ok(vec![Some(mk(s, v)?)])
}

#[derive(Copy, Clone, Debug, PartialEq)]
pub enum Logic {
    And,
    Or,
    Xor,
}

pub fn logic(node: &Node<'_>, op: Logic) -> KResult<Vec<Option<Tensor>>> {
    let (a, b) = (node.input(0)?, node.input(1)?);
    let (va, vb) = (a.as_slice::<bool>()?, b.as_slice::<bool>()?);
    let (v, s) = match op {
        Logic::And => binary_map(va, a.shape(), vb, b.shape(), |x, y| x & y)?,
        Logic::Or => binary_map(va, a.shape(), vb, b.shape(), |x, y| x | y)?,
        Logic::Xor => binary_map(va, a.shape(), vb, b.shape(), |x, y| x ^ y)?,
    };
    Ok(vec![Some(mk(s, v)?)])
}

pub fn bitwise(node: &Node<'_>, op: Logic) -> KResult<Vec<Option<Tensor>>> {
    let (a, b) = (node.input(0)?, node.input(1)?);
    let out = match_int!(a.data(), va => {
        let vb = same(va, b)?;
        let (v, s) = match op {
            Logic::And => binary_map(va, a.shape(), vb, b.shape(), |x, y| x & y)?,
            Logic::Or => binary_map(va, a.shape(), vb, b.shape(), |x, y| x | y)?,
            Logic::Xor => binary_map(va, a.shape(), vb, b.shape(), |x, y| x ^ y)?,
        };
        mk(s, v)?
    });
    Ok(vec![Some(out)])
}

pub fn bit_shift(node: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let (a, b) = (node.input(0)?, node.input(1)?);
    let dir = node.string("direction", "")?;
    let left = match dir.as_str() {
        "LEFT" => true,
        "RIGHT" => false,
        _ => bail!("direction must be LEFT or RIGHT, got '{dir}'"),
    };
    // Shift amounts outside 0..bits give what sign extension alone produces: -1 for a right
    // shift of a negative value, 0 otherwise; right shifts of signed values are arithmetic.
    macro_rules! shift {
        ($($v:ident),*) => {
            match a.data() {
                $(TensorData::$v(va) => {
                    let vb = same(va, b)?;
                    let (v, s) = binary_map(va, a.shape(), vb, b.shape(), |x, y| {
                        let bits = (std::mem::size_of_val(&x) * 8) as i128;
                        let yy = y as i128;
                        #[allow(unused_comparisons)]
                        let neg = x < 0;
                        if yy < 0 || yy >= bits {
                            if !left && neg { x >> (bits - 1) as u32 } else { 0 }
                        } else if left {
                            x.wrapping_shl(yy as u32)
                        } else {
                            x >> yy as u32
                        }
                    })?;
                    mk(s, v)?
                })*
                other => crate::unsupported!("unsupported element type {}", other.dtype()),
            }
        };
    }
    let out = shift!(U8, U16, U32, U64, I8, I16, I32, I64);
    Ok(vec![Some(out)])
}

fn ipow<T: Num>(base: T, mut e: i128) -> T {
    if e < 0 {
        // numpy refuses negative integer powers; 1 / base^|e| truncated.
        let one = T::one();
        return if base == one {
            one
        } else if base == one.neg() {
            if e % 2 == 0 { one } else { base }
        } else {
            T::zero()
        };
    }
    let mut result = T::one();
    let mut b = base;
    while e > 0 {
        if e & 1 == 1 {
            result = result.mul(b);
        }
        b = b.mul(b);
        e >>= 1;
    }
    result
}

fn pow_int_float<T: Num>(b: T, e: f64) -> T {
    T::from_f64(b.to_f64().powf(e))
}

fn pow_float<T: FloatElem>(a: &[T], ash: &[usize], y: &Tensor) -> KResult<(Vec<T>, Vec<usize>)> {
    let yv: Vec<T::A> = match y.data() {
        TensorData::F32(v) => v.iter().map(|&e| T::A::c(e as f64)).collect(),
        _ => y.to_f64_vec().into_iter().map(T::A::c).collect(),
    };
    binary_map(a, ash, &yv, y.shape(), |x, e| T::from_a(x.to_a().powf(e)))
}

pub fn pow(node: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let (x, y) = (node.input(0)?, node.input(1)?);
    if x.dtype() == DType::Bool || y.dtype() == DType::Bool {
        crate::unsupported!("unsupported element type bool");
    }
    let out = if x.dtype().is_float() {
        match_float!(x.data(), v => {
            let (r, s) = pow_float(v, x.shape(), y)?;
            mk(s, r)?
        })
    } else if y.dtype().is_float() {
        let yv = y.to_f64_vec();
        match_data!(x.data(), v => {
            let (r, s) = binary_map(v, x.shape(), &yv, y.shape(), pow_int_float)?;
            mk(s, r)?
        })
    } else {
        let yv: Vec<i128> = y.to_i64_vec()?.into_iter().map(|e| e as i128).collect();
        let yv: Vec<i128> = match y.data() {
            TensorData::U64(u) => u.iter().map(|&e| e as i128).collect(),
            _ => yv,
        };
        match_data!(x.data(), v => {
            let (r, s) = binary_map(v, x.shape(), &yv, y.shape(), ipow)?;
            mk(s, r)?
        })
    };
    Ok(vec![Some(out)])
}

fn prelu_one<T: Num>(a: T, k: T) -> T {
    if a < T::zero() { a.mul(k) } else { a }
}

pub fn prelu(node: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let (x, slope) = (node.input(0)?, node.input(1)?);
    if x.dtype() == DType::Bool {
        crate::unsupported!("unsupported element type bool");
    }
    let out = match_data!(x.data(), vx => {
        let vs = same(vx, slope)?;
        let (v, s) = binary_map(vx, x.shape(), vs, slope.shape(), prelu_one)?;
        if s != x.shape() {
            bail!("slope of shape {:?} does not broadcast to the input's shape {:?}", slope.shape(), x.shape());
        }
        mk(s, v)?
    });
    Ok(vec![Some(out)])
}

pub fn where_(node: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let (c, x, y) = (node.input(0)?, node.input(1)?, node.input(2)?);
    let cv = c.as_slice::<bool>()?;
    let out = match_data!(x.data(), vx => {
        let vy = same(vx, y)?;
        let (v, s) = ternary_map((cv, c.shape()), (vx.as_slice(), x.shape()), (vy, y.shape()), |c, a, b| if c { a } else { b })?;
        mk(s, v)?
    });
    Ok(vec![Some(out)])
}

fn scalar_of<T: Element>(t: Option<&Tensor>, what: &str) -> KResult<Option<T>> {
    match t {
        None => Ok(None),
        Some(t) => {
            if t.len() != 1 {
                bail!("{what} must hold one element, has shape {:?}", t.shape());
            }
            Ok(Some(t.as_slice::<T>()?[0]))
        }
    }
}

fn clip_typed<T: Num>(v: &[T], lo: Option<T>, hi: Option<T>) -> Vec<T> {
    v.iter()
        .map(|&x| {
            let mut r = x;
            if let Some(l) = lo
                && (r < l || l.is_nan())
            {
                r = l;
            }
            if let Some(h) = hi
                && (r > h || h.is_nan())
            {
                r = h;
            }
            r
        })
        .collect()
}

pub fn clip(node: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = node.input(0)?;
    if x.dtype() == DType::Bool {
        crate::unsupported!("unsupported element type bool");
    }
    let shape = x.shape().to_vec();
    let out = match_data!(x.data(), v => {
        let lo = scalar_of(node.opt(1), "min")?;
        let hi = scalar_of(node.opt(2), "max")?;
        mk(shape, clip_typed(v, lo, hi))?
    });
    Ok(vec![Some(out)])
}

// ===== Cast =====

fn cast_typed<S: Num, D: Num>(v: &[S]) -> Vec<D> {
    v.iter().map(|&x| D::from_wide(x.to_wide())).collect()
}

/// numpy `astype`: integers wrap, floats to integers truncate, floats round to nearest even,
/// anything non-zero becomes true.
pub fn cast_tensor(t: &Tensor, to: DType) -> KResult<Tensor> {
    if t.dtype() == to {
        return Ok(t.clone());
    }
    let shape = t.shape().to_vec();
    let data = match_data!(t.data(), v => flowc_tensor::with_dtype!(to, D => D::into_data(cast_typed::<_, D>(v))));
    Ok(Tensor::new(shape, data)?)
}

pub fn cast(node: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = node.input(0)?;
    let code = node.int("to", 0)?;
    let to = i32::try_from(code)
        .ok()
        .and_then(DType::from_onnx_code)
        .ok_or_else(|| KError::unsupported(format!("unsupported target type code {code}")))?;
    Ok(vec![Some(cast_tensor(x, to)?)])
}

pub fn cast_like(node: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = node.input(0)?;
    let like = node.input(1)?;
    Ok(vec![Some(cast_tensor(x, like.dtype())?)])
}
