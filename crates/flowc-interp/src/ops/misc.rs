//! NonMaxSuppression and Unique.

use super::{mk, same};
use crate::num::Num;
use crate::util::norm_axis;
use crate::{KResult, Node, bail};
use flowc_tensor::{Tensor, match_data};
use std::cmp::Ordering;

fn scalar_input(n: &Node<'_>, i: usize) -> Option<f64> {
    n.opt(i).and_then(|t| t.get_f64(0))
}

/// ONNX's IoU test: true when the boxes overlap by more than `thr`.
fn suppress(b1: &[f64], b2: &[f64], center: bool, thr: f64) -> bool {
    let mm = |a: f64, b: f64| if a >= b { (b, a) } else { (a, b) };
    let (x1, x2, y1, y2);
    if !center {
        x1 = mm(b1[1], b1[3]);
        x2 = mm(b2[1], b2[3]);
        y1 = mm(b1[0], b1[2]);
        y2 = mm(b2[0], b2[2]);
    } else {
        x1 = (b1[0] - b1[2] / 2.0, b1[0] + b1[2] / 2.0);
        x2 = (b2[0] - b2[2] / 2.0, b2[0] + b2[2] / 2.0);
        y1 = (b1[1] - b1[3] / 2.0, b1[1] + b1[3] / 2.0);
        y2 = (b2[1] - b2[3] / 2.0, b2[1] + b2[3] / 2.0);
    }
    let ix = (x1.0.max(x2.0), x1.1.min(x2.1));
    if ix.1 <= ix.0 {
        return false;
    }
    let iy = (y1.0.max(y2.0), y1.1.min(y2.1));
    if iy.1 <= iy.0 {
        return false;
    }
    let inter = (ix.1 - ix.0) * (iy.1 - iy.0);
    if inter <= 0.0 {
        return false;
    }
    let a1 = (x1.1 - x1.0) * (y1.1 - y1.0);
    let a2 = (x2.1 - x2.0) * (y2.1 - y2.0);
    let union = a1 + a2 - inter;
    if a1 <= 0.0 || a2 <= 0.0 || union <= 0.0 {
        return false;
    }
    inter / union > thr
}

pub fn non_max_suppression(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let boxes = n.input(0)?;
    let scores = n.input(1)?;
    if boxes.rank() != 3 || boxes.shape()[2] != 4 || scores.rank() != 3 {
        bail!("boxes must be [B, N, 4] and scores [B, C, N]");
    }
    let (nb, nbox) = (boxes.shape()[0], boxes.shape()[1]);
    let nc = scores.shape()[1];
    if scores.shape()[0] != nb || scores.shape()[2] != nbox {
        bail!(
            "scores {:?} do not match boxes {:?}",
            scores.shape(),
            boxes.shape()
        );
    }
    let max_out = match n.opt(2) {
        Some(t) if !t.is_empty() => t.to_i64_vec()?[0].max(0) as usize,
        _ => 0,
    };
    let iou = scalar_input(n, 3).unwrap_or(0.0);
    let score_thr = scalar_input(n, 4);
    let center = n.int("center_point_box", 0)? != 0;
    let bv = boxes.to_f64_vec();
    let sv = scores.to_f64_vec();
    let mut out: Vec<i64> = Vec::new();
    for b in 0..nb {
        for c in 0..nc {
            let s = &sv[(b * nc + c) * nbox..(b * nc + c + 1) * nbox];
            let mut cand: Vec<usize> = (0..nbox)
                .filter(|&i| score_thr.is_none_or(|t| s[i] > t))
                .collect();
            // Highest score first; equal scores: lower index first.
            cand.sort_by(|&i, &j| {
                s[j].partial_cmp(&s[i])
                    .unwrap_or(Ordering::Equal)
                    .then(i.cmp(&j))
            });
            let mut sel: Vec<usize> = Vec::new();
            for i in cand {
                if sel.len() >= max_out {
                    break;
                }
                let bi = &bv[(b * nbox + i) * 4..(b * nbox + i + 1) * 4];
                if sel.iter().all(|&k| {
                    !suppress(
                        bi,
                        &bv[(b * nbox + k) * 4..(b * nbox + k + 1) * 4],
                        center,
                        iou,
                    )
                }) {
                    sel.push(i);
                    out.extend_from_slice(&[b as i64, c as i64, i as i64]);
                }
            }
        }
    }
    Ok(vec![Some(mk(vec![out.len() / 3, 3], out)?)])
}

/// Total order for Unique: numeric order, NaN last and equal to NaN.
fn total_cmp<T: Num>(a: T, b: T) -> Ordering {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        _ => a.partial_cmp(&b).unwrap_or(Ordering::Equal),
    }
}

fn unique_typed<T: Num>(
    slices: Vec<&[T]>,
    sorted: bool,
) -> (Vec<usize>, Vec<i64>, Vec<i64>, Vec<i64>) {
    let cmp = |a: &[T], b: &[T]| -> Ordering {
        for (&x, &y) in a.iter().zip(b) {
            let o = total_cmp(x, y);
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    };
    let mut order: Vec<usize> = (0..slices.len()).collect();
    order.sort_by(|&i, &j| cmp(slices[i], slices[j]).then(i.cmp(&j)));
    // Groups of equal slices, in sorted order: (first index, count).
    let mut groups: Vec<(usize, i64)> = Vec::new();
    let mut group_of = vec![0usize; slices.len()];
    for (k, &i) in order.iter().enumerate() {
        if k > 0 && cmp(slices[order[k - 1]], slices[i]) == Ordering::Equal {
            groups.last_mut().expect("a group").1 += 1;
        } else {
            groups.push((i, 1));
        }
        group_of[i] = groups.len() - 1;
    }
    // Unsorted: groups in order of first occurrence.
    let mut rank: Vec<usize> = (0..groups.len()).collect();
    if !sorted {
        rank.sort_by_key(|&g| groups[g].0);
    }
    let mut pos = vec![0usize; groups.len()];
    for (p, &g) in rank.iter().enumerate() {
        pos[g] = p;
    }
    let firsts: Vec<usize> = rank.iter().map(|&g| groups[g].0).collect();
    let counts: Vec<i64> = rank.iter().map(|&g| groups[g].1).collect();
    let inverse: Vec<i64> = group_of.iter().map(|&g| pos[g] as i64).collect();
    let indices: Vec<i64> = firsts.iter().map(|&i| i as i64).collect();
    (firsts, indices, inverse, counts)
}

pub fn unique(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    let sorted = n.int("sorted", 1)? != 0;
    let axis = match n.opt_int("axis")? {
        Some(a) => Some(norm_axis(a, x.rank())?),
        None => None,
    };
    let (y, indices, inverse, counts) = match_data!(x.data(), v => {
        match axis {
            None => {
                let slices: Vec<&[_]> = v.chunks(1).collect();
                let (firsts, idx, inv, cnt) = unique_typed(slices, sorted);
                let y: Vec<_> = firsts.iter().map(|&i| v[i]).collect();
                (mk(vec![y.len()], y)?, idx, inv, cnt)
            }
            Some(a) => {
                // Move `axis` to the front, so that each slice is contiguous.
                let mut perm: Vec<usize> = (0..x.rank()).collect();
                perm.remove(a);
                perm.insert(0, a);
                let (t, tshape) = crate::util::transpose(v, x.shape(), &perm);
                let d = x.shape()[a];
                let inner = t.len().checked_div(d).unwrap_or(0);
                let slices: Vec<&[_]> = (0..d).map(|i| &t[i * inner..(i + 1) * inner]).collect();
                let (firsts, idx, inv, cnt) = unique_typed(slices, sorted);
                let mut gathered = Vec::with_capacity(firsts.len() * inner);
                for &i in &firsts {
                    gathered.extend_from_slice(&t[i * inner..(i + 1) * inner]);
                }
                let mut gshape = tshape.clone();
                gshape[0] = firsts.len();
                // Back to the original axis order.
                let mut inv_perm = vec![0usize; perm.len()];
                for (i, &p) in perm.iter().enumerate() {
                    inv_perm[p] = i;
                }
                let (back, bshape) = crate::util::transpose(&gathered, &gshape, &inv_perm);
                let _ = same(v, x)?;
                (mk(bshape, back)?, idx, inv, cnt)
            }
        }
    });
    let k = indices.len();
    let m = inverse.len();
    Ok(vec![
        Some(y),
        Some(mk(vec![k], indices)?),
        Some(mk(vec![m], inverse)?),
        Some(mk(vec![k], counts)?),
    ])
}

/// TfIdfVectorizer on integer tokens: counts the pool's n-grams (with up to `max_skip_count`
/// skipped tokens between consecutive items) per row, then TF / IDF / TFIDF weighting.
pub fn tf_idf_vectorizer(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    if x.dtype().is_float() || x.dtype() == flowc_tensor::DType::Bool {
        crate::unsupported!(
            "unsupported element type {} (integer tokens only)",
            x.dtype()
        );
    }
    let tokens = x.to_i64_vec()?;
    let (rows, len) = match x.rank() {
        1 => (1, x.shape()[0]),
        2 => (x.shape()[0], x.shape()[1]),
        r => bail!("input must be 1-D or 2-D, got rank {r}"),
    };
    let min_n = crate::util::small_dim(n.int("min_gram_length", 0)?, "min_gram_length")?;
    let max_n = crate::util::small_dim(n.int("max_gram_length", 0)?, "max_gram_length")?;
    let max_skip = crate::util::small_dim(n.int("max_skip_count", 0)?, "max_skip_count")?;
    if min_n == 0 || max_n < min_n {
        bail!("need 1 <= min_gram_length <= max_gram_length");
    }
    let pool = n.ints("pool_int64s")?.ok_or_else(|| {
        crate::KError::unsupported("pool_int64s is required (string pools are not supported)")
    })?;
    let counts = n.ints("ngram_counts")?.unwrap_or_default();
    let indexes = n.ints("ngram_indexes")?.unwrap_or_default();
    let mode = n.string("mode", "TF")?;
    // The pool's n-grams, keyed by their tokens, to their output column.
    let mut grams: std::collections::HashMap<Vec<i64>, usize> = std::collections::HashMap::new();
    let mut k = 0;
    for (g, &start) in counts.iter().enumerate() {
        let gram_len = g + 1;
        let start = crate::util::dim(start, "ngram_counts")?;
        let end = match counts.get(g + 1) {
            Some(&e) => crate::util::dim(e, "ngram_counts")?,
            None => pool.len(),
        };
        if start > end || end > pool.len() || (end - start) % gram_len != 0 {
            bail!(
                "ngram_counts {counts:?} do not split the pool of {} tokens",
                pool.len()
            );
        }
        for chunk in pool[start..end].chunks(gram_len) {
            let col = *indexes
                .get(k)
                .ok_or_else(|| crate::KError::invalid("ngram_indexes is too short"))?;
            grams.insert(chunk.to_vec(), crate::util::dim(col, "ngram_indexes")?);
            k += 1;
        }
    }
    let cols = indexes
        .iter()
        .map(|&i| i.max(0) as usize + 1)
        .max()
        .unwrap_or(0);
    let weights: Option<Vec<f32>> = n.floats("weights")?;
    let mut out = vec![0.0f32; rows * cols];
    for r in 0..rows {
        let row = &tokens[r * len..(r + 1) * len];
        for start in 0..len {
            for gram_len in min_n..=max_n {
                // Unigrams have no gaps: count them once.
                let skips = if gram_len == 1 { 0 } else { max_skip };
                for skip in 0..=skips {
                    let step = skip + 1;
                    let last = start + (gram_len - 1) * step;
                    if last >= len {
                        break;
                    }
                    let gram: Vec<i64> = (0..gram_len).map(|j| row[start + j * step]).collect();
                    if let Some(&col) = grams.get(&gram) {
                        out[r * cols + col] += 1.0;
                    }
                }
            }
        }
    }
    // The weight of the i-th pool n-gram applies to its output column.
    let mut col_weight = vec![1.0f32; cols];
    if let Some(w) = &weights {
        for (i, &c) in indexes.iter().enumerate() {
            if let (Some(&wi), Ok(c)) = (w.get(i), usize::try_from(c)) {
                col_weight[c] = wi;
            }
        }
    }
    for (i, v) in out.iter_mut().enumerate() {
        let w = col_weight[i % cols.max(1)];
        *v = match mode.as_str() {
            "TF" => *v,
            "IDF" => {
                if *v > 0.0 {
                    w
                } else {
                    0.0
                }
            }
            "TFIDF" => *v * w,
            other => bail!("unknown mode '{other}'"),
        };
    }
    let shape = if x.rank() == 1 {
        vec![cols]
    } else {
        vec![rows, cols]
    };
    Ok(vec![Some(mk(shape, out)?)])
}
