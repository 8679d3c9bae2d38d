//! Einsum, data-dependent ops (NonZero, Unique, Compress) and quantization.

use super::util::{DYN, TensorInfo, broadcast_dims, dims_str, norm_axis, product};
use super::{Infer, R};
use crate::dtype::{DType, from_onnx_attr};

/// One term of an einsum equation: letters and where the ellipsis sits.
struct Term {
    letters: Vec<u8>,
    /// Index in `letters` before which the ellipsis stands.
    ellipsis: Option<usize>,
}

fn parse_term(t: &str) -> Result<Term, String> {
    let mut letters = Vec::new();
    let mut ellipsis = None;
    let b = t.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_alphabetic() {
            letters.push(b[i]);
            i += 1;
        } else if t[i..].starts_with("...") {
            if ellipsis.is_some() {
                return Err(format!("einsum term '{t}' has more than one ellipsis"));
            }
            ellipsis = Some(letters.len());
            i += 3;
        } else {
            return Err(format!("einsum term '{t}' has an invalid character"));
        }
    }
    Ok(Term { letters, ellipsis })
}

fn merge(a: i64, b: i64) -> Option<i64> {
    match (a, b) {
        (a, b) if a < 0 => Some(b),
        (a, b) if b < 0 => Some(a),
        (a, b) if a == b => Some(a),
        _ => None,
    }
}

impl Infer<'_> {
    pub(super) fn einsum(&self) -> R {
        let eq: String = self
            .attrs
            .string("equation", "")?
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let (lhs, rhs) = match eq.split_once("->") {
            Some((l, r)) => (l, Some(r)),
            None => (eq.as_str(), None),
        };
        let terms: Vec<Term> = lhs.split(',').map(parse_term).collect::<Result<_, _>>()?;
        let n = self.operands.len();
        if terms.len() != n {
            return Err(format!(
                "equation '{eq}' has {} input terms, but the op has {n} operands",
                terms.len()
            ));
        }
        let dt = self.t(0)?.dt;
        let mut letter_dims: Vec<(u8, i64)> = Vec::new();
        let mut ell: Option<Vec<i64>> = Some(Vec::new());
        let mut any_ellipsis = false;
        for (i, term) in terms.iter().enumerate() {
            let t = self.t(i)?;
            any_ellipsis |= term.ellipsis.is_some();
            let Some(d) = t.dims() else {
                if term.ellipsis.is_some() {
                    ell = None;
                }
                for &l in &term.letters {
                    if !letter_dims.iter().any(|(x, _)| *x == l) {
                        letter_dims.push((l, DYN));
                    }
                }
                continue;
            };
            let nl = term.letters.len();
            let erank = match term.ellipsis {
                Some(_) if d.len() >= nl => d.len() - nl,
                None if d.len() == nl => 0,
                _ => {
                    return Err(format!(
                        "einsum term {i} has {nl} subscripts, but operand #{i} is {t}"
                    ));
                }
            };
            let pos = term.ellipsis.unwrap_or(nl);
            for (k, &l) in term.letters.iter().enumerate() {
                let dim = if k < pos { d[k] } else { d[k + erank] };
                match letter_dims.iter_mut().find(|(x, _)| *x == l) {
                    Some((_, cur)) => {
                        *cur = merge(*cur, dim).ok_or_else(|| {
                            format!(
                                "einsum subscript '{}' has different sizes ({} and {dim})",
                                l as char, *cur
                            )
                        })?;
                    }
                    None => letter_dims.push((l, dim)),
                }
            }
            if let Some(e) = &mut ell {
                *e = broadcast_dims(e, &d[pos..pos + erank]).ok_or_else(|| {
                    format!("einsum ellipsis dimensions of operand #{i} {t} do not broadcast")
                })?;
            }
        }
        let out_term = match rhs {
            Some(r) => {
                let t = parse_term(r)?;
                for (k, l) in t.letters.iter().enumerate() {
                    if t.letters[..k].contains(l) {
                        return Err(format!(
                            "einsum output subscript '{}' appears twice",
                            *l as char
                        ));
                    }
                    if !letter_dims.iter().any(|(x, _)| x == l) {
                        return Err(format!(
                            "einsum output subscript '{}' appears in no input",
                            *l as char
                        ));
                    }
                }
                if t.ellipsis.is_none() && ell.as_ref().is_some_and(|e| !e.is_empty()) {
                    return Err(
                        "einsum output has no ellipsis, but the inputs have ellipsis dimensions"
                            .into(),
                    );
                }
                t
            }
            None => {
                let mut once: Vec<u8> = letter_dims
                    .iter()
                    .map(|(l, _)| *l)
                    .filter(|l| {
                        terms
                            .iter()
                            .map(|t| t.letters.iter().filter(|x| *x == l).count())
                            .sum::<usize>()
                            == 1
                    })
                    .collect();
                once.sort_unstable();
                Term {
                    letters: once,
                    ellipsis: any_ellipsis.then_some(0),
                }
            }
        };
        let dim_of = |l: u8| {
            letter_dims
                .iter()
                .find(|(x, _)| *x == l)
                .map_or(DYN, |(_, d)| *d)
        };
        let pos = out_term.ellipsis.unwrap_or(out_term.letters.len());
        let mut out: Vec<i64> = out_term.letters[..pos].iter().map(|&l| dim_of(l)).collect();
        if out_term.ellipsis.is_some() {
            match &ell {
                Some(e) => out.extend_from_slice(e),
                None => return Ok(vec![TensorInfo::unranked(dt)]),
            }
        }
        out.extend(out_term.letters[pos..].iter().map(|&l| dim_of(l)));
        Ok(vec![TensorInfo::ranked(dt, out)])
    }

    pub(super) fn non_zero(&self) -> R {
        let x = self.t(0)?;
        let r = x.rank().map_or(DYN, |r| r as i64);
        Ok(vec![TensorInfo::ranked(DType::I64, vec![r, DYN])])
    }

    pub(super) fn unique(&self) -> R {
        let x = self.t(0)?;
        self.attrs.flag("sorted", true)?;
        let axis = self.attrs.opt_int("axis")?;
        let vec_dyn = TensorInfo::ranked(DType::I64, vec![DYN]);
        let (y, inverse) = match (axis, x.dims()) {
            (None, d) => (
                TensorInfo::ranked(x.dt, vec![DYN]),
                d.map_or(Ok(DYN), product)?,
            ),
            (Some(a), Some(d)) => {
                let a = norm_axis(a, d.len(), "axis")?;
                let mut o = d.to_vec();
                o[a] = DYN;
                (TensorInfo::ranked(x.dt, o), d[a])
            }
            (Some(_), None) => (x.clone(), DYN),
        };
        Ok(vec![
            y,
            vec_dyn.clone(),
            TensorInfo::ranked(DType::I64, vec![inverse]),
            vec_dyn,
        ])
    }

    pub(super) fn compress(&self) -> R {
        let (x, c) = (self.t(0)?, self.t(1)?);
        self.expect_rank(1, 1)?;
        let axis = self.attrs.opt_int("axis")?;
        Ok(vec![match (axis, x.dims()) {
            (None, _) => TensorInfo::ranked(x.dt, vec![DYN]),
            (Some(a), Some(d)) => {
                let a = norm_axis(a, d.len(), "axis")?;
                if let Some(cd) = c.dims()
                    && cd[0] >= 0
                    && d[a] >= 0
                    && cd[0] > d[a]
                {
                    return Err(format!("condition {c} is longer than dimension {a} of {x}"));
                }
                let mut o = d.to_vec();
                o[a] = DYN;
                TensorInfo::ranked(x.dt, o)
            }
            (Some(_), None) => x.clone(),
        }])
    }

    /// Checks the scale (operand `s`) and zero point (`z`) against `x` for per-tensor,
    /// per-axis or blocked quantization.
    fn check_quant_params(&self, s: usize, z: usize) -> Result<(), String> {
        let x = self.t(0)?;
        let scale = self.t(s)?;
        let axis = self.attrs.int("axis", 1)?;
        let block = self.attrs.int("block_size", 0)?;
        if block < 0 {
            return Err(format!(
                "attribute 'block_size' must be non-negative, but is {block}"
            ));
        }
        if let Some(zp) = self.opt(z)
            && let (Some(a), Some(b)) = (scale.dims(), zp.dims())
            && (a.len() != b.len() || a.iter().zip(b).any(|(&p, &q)| merge(p, q).is_none()))
        {
            return Err(format!(
                "zero point {zp} must have the shape of the scale {scale}"
            ));
        }
        let (Some(xd), Some(sd)) = (x.dims(), scale.dims()) else {
            return Ok(());
        };
        let per_tensor = sd.is_empty() || (sd.len() == 1 && sd[0] == 1 && block == 0);
        if per_tensor {
            return Ok(());
        }
        if xd.is_empty() {
            return Err(format!(
                "a per-axis scale {scale} needs an input of rank at least 1"
            ));
        }
        let a = norm_axis(axis, xd.len(), "axis")?;
        if block == 0 {
            if sd.len() != 1 || merge(sd[0], xd[a]).is_none() {
                return Err(format!(
                    "per-axis scale {scale} must be 1-D with {} elements (dimension {a} of the input)",
                    dims_str(&xd[a..a + 1])
                ));
            }
        } else if sd.len() != xd.len() {
            return Err(format!(
                "blocked scale {scale} must have the rank of the input {x}"
            ));
        } else {
            for (i, (&sdim, &xdim)) in sd.iter().zip(xd).enumerate() {
                let want = if i == a {
                    if xdim < 0 {
                        DYN
                    } else {
                        (xdim as u64).div_ceil(block as u64) as i64
                    }
                } else {
                    xdim
                };
                if merge(sdim, want).is_none() {
                    return Err(format!(
                        "blocked scale {scale} does not match the input {x} with block_size {block}"
                    ));
                }
            }
        }
        Ok(())
    }

    pub(super) fn quantize(&self) -> R {
        let x = self.t(0)?;
        self.attrs.flag("saturate", true)?;
        self.check_quant_params(1, 2)?;
        let od = self.attrs.int("output_dtype", 0)?;
        let from_attr = if od == 0 {
            None
        } else {
            Some(from_onnx_attr(od).ok_or_else(|| {
                format!("attribute 'output_dtype' is {od}, not a data type flow supports")
            })?)
        };
        let dt = match (self.opt(2).map(|z| z.dt), from_attr) {
            (Some(z), Some(a)) if z != a => {
                return Err(format!(
                    "output_dtype ({}) disagrees with the zero point's element type ({})",
                    a.mlir_name(),
                    z.mlir_name()
                ));
            }
            (Some(z), _) => z,
            (None, Some(a)) => a,
            (None, None) => DType::U8,
        };
        if !matches!(dt, DType::I8 | DType::U8 | DType::I16 | DType::U16) {
            return Err(format!("cannot quantize to {}", dt.mlir_name()));
        }
        Ok(vec![x.with_dt(dt)])
    }

    pub(super) fn dequantize(&self) -> R {
        let x = self.t(0)?;
        self.check_quant_params(1, 2)?;
        let od = self.attrs.int("output_dtype", 0)?;
        let scale_dt = self.t(1)?.dt;
        let dt = if od == 0 {
            scale_dt
        } else {
            let d = from_onnx_attr(od).ok_or_else(|| {
                format!("attribute 'output_dtype' is {od}, not a data type flow supports")
            })?;
            if !matches!(d, DType::F32 | DType::F16 | DType::BF16) {
                return Err(format!("cannot dequantize to {}", d.mlir_name()));
            }
            d
        };
        Ok(vec![x.with_dt(dt)])
    }

    pub(super) fn dynamic_quantize(&self) -> R {
        let x = self.t(0)?;
        Ok(vec![
            x.with_dt(DType::U8),
            TensorInfo::ranked(DType::F32, vec![]),
            TensorInfo::ranked(DType::U8, vec![]),
        ])
    }

    /// TfIdfVectorizer: `[C]` or `[N, C]` tokens to `[D]` or `[N, D]` floats, where D is one
    /// more than the largest `ngram_indexes` entry.
    pub(super) fn tf_idf(&self) -> R {
        let x = self.t(0)?;
        self.attrs.choice("mode", &["TF", "IDF", "TFIDF"])?;
        let min_n = self.attrs.int("min_gram_length", 0)?;
        let max_n = self.attrs.int("max_gram_length", 0)?;
        if min_n < 1 || max_n < min_n {
            return Err(format!(
                "needs 1 <= min_gram_length <= max_gram_length, but they are {min_n} and {max_n}"
            ));
        }
        let skip = self.attrs.int("max_skip_count", 0)?;
        if skip < 0 {
            return Err(format!(
                "attribute 'max_skip_count' must be non-negative, but is {skip}"
            ));
        }
        if self.attrs.ints("pool_int64s")?.is_none() {
            return Err(
                "requires attribute 'pool_int64s' (flow has no string tensors for pool_strings)"
                    .into(),
            );
        }
        let indexes = self.attrs.ints("ngram_indexes")?.unwrap_or_default();
        if let Some(i) = indexes.iter().find(|&&i| i < 0) {
            return Err(format!(
                "attribute 'ngram_indexes' must be non-negative, but has {i}"
            ));
        }
        if let Some(n) = self.attrs.floats_len("weights")?
            && n != indexes.len()
        {
            return Err(format!(
                "attribute 'weights' must have one value per ngram_indexes entry ({}), but has {n}",
                indexes.len()
            ));
        }
        let width = match indexes.iter().max() {
            Some(&m) => m.checked_add(1).ok_or("dimension overflows i64")?,
            None => 0,
        };
        Ok(vec![match x.dims() {
            Some([_]) => TensorInfo::ranked(DType::F32, vec![width]),
            Some([n, _]) => TensorInfo::ranked(DType::F32, vec![*n, width]),
            Some(_) => {
                return Err(format!(
                    "operand #0 (X) must have rank 1 or 2, but has type '{x}'"
                ));
            }
            None => TensorInfo::unranked(DType::F32),
        }])
    }
}
