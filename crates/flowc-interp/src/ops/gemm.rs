//! The matrix-multiply kernel behind MatMul, Gemm and Conv: `C += A · B` for row-major
//! matrices, cache-blocked with packed panels of B and a register-blocked micro-kernel, and
//! split over rows of C between threads for large products. Safe code only.

use crate::num::Real;

/// Columns of one packed B panel (the micro-kernel's width).
const NR: usize = 8;
/// Rows of A per micro-kernel call.
const MR: usize = 4;
/// Depth of one block of the k dimension.
const KC: usize = 256;
/// Columns of one block of B kept in cache.
const NC: usize = 256;

/// `c[m×n] += a[m×k] · b[k×n]`, all row-major and contiguous.
pub fn gemm<A: Real>(m: usize, n: usize, k: usize, a: &[A], b: &[A], c: &mut [A]) {
    debug_assert!(a.len() >= m * k && b.len() >= k * n && c.len() >= m * n);
    if m == 0 || n == 0 || k == 0 {
        return;
    }
    let packed = pack_b(k, n, b);
    let work = m.saturating_mul(n).saturating_mul(k);
    let threads = if work < (1 << 20) {
        1
    } else {
        num_threads().min(m.div_ceil(MR))
    };
    if threads <= 1 {
        gemm_rows(n, k, a, &packed, c);
        return;
    }
    // Split the rows of C (and A) into one contiguous band per thread, in multiples of MR.
    let band = m.div_ceil(threads).div_ceil(MR) * MR;
    std::thread::scope(|s| {
        for (i, cband) in c[..m * n].chunks_mut(band * n).enumerate() {
            let rows = cband.len() / n;
            let aband = &a[i * band * k..(i * band + rows) * k];
            let packed = &packed;
            s.spawn(move || gemm_rows(n, k, aband, packed, cband));
        }
    });
}

/// The number of worker threads (available parallelism, at most 16).
pub fn num_threads() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 16)
}

/// B packed into panels of NR columns: panel `jp` holds, for each row p, the NR values
/// `b[p][jp*NR .. jp*NR+NR]` (zero-padded past n).
fn pack_b<A: Real>(k: usize, n: usize, b: &[A]) -> Vec<A> {
    let panels = n.div_ceil(NR);
    let mut out = vec![A::ZERO; panels * k * NR];
    for jp in 0..panels {
        let j0 = jp * NR;
        let w = NR.min(n - j0);
        let dst = &mut out[jp * k * NR..(jp + 1) * k * NR];
        for p in 0..k {
            dst[p * NR..p * NR + w].copy_from_slice(&b[p * n + j0..p * n + j0 + w]);
        }
    }
    out
}

fn gemm_rows<A: Real>(n: usize, k: usize, a: &[A], packed: &[A], c: &mut [A]) {
    let m = c.len() / n;
    let panels = n.div_ceil(NR);
    let panels_per_block = NC / NR;
    for p0 in (0..k).step_by(KC) {
        let p1 = (p0 + KC).min(k);
        for jb in (0..panels).step_by(panels_per_block) {
            let jb_end = (jb + panels_per_block).min(panels);
            let mut i = 0;
            while i < m {
                let rows = MR.min(m - i);
                for jp in jb..jb_end {
                    let panel = &packed[jp * k * NR + p0 * NR..jp * k * NR + p1 * NR];
                    match rows {
                        4 => micro::<A, 4>(i, jp, n, k, p0, p1, a, panel, c),
                        3 => micro::<A, 3>(i, jp, n, k, p0, p1, a, panel, c),
                        2 => micro::<A, 2>(i, jp, n, k, p0, p1, a, panel, c),
                        _ => micro::<A, 1>(i, jp, n, k, p0, p1, a, panel, c),
                    }
                }
                i += rows;
            }
        }
    }
}

/// `c[i..i+R][jp*NR..] += a[i..i+R][p0..p1] · panel`.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn micro<A: Real, const R: usize>(
    i: usize,
    jp: usize,
    n: usize,
    k: usize,
    p0: usize,
    p1: usize,
    a: &[A],
    panel: &[A],
    c: &mut [A],
) {
    let mut acc = [[A::ZERO; NR]; R];
    let rows: [&[A]; R] = std::array::from_fn(|r| &a[(i + r) * k + p0..(i + r) * k + p1]);
    for (p, bv) in panel.chunks_exact(NR).enumerate() {
        let bv: &[A; NR] = bv.try_into().expect("chunk of NR");
        for r in 0..R {
            let av = rows[r][p];
            for j in 0..NR {
                acc[r][j] += av * bv[j];
            }
        }
    }
    let j0 = jp * NR;
    let w = NR.min(n - j0);
    for r in 0..R {
        let row = &mut c[(i + r) * n + j0..(i + r) * n + j0 + w];
        for j in 0..w {
            row[j] += acc[r][j];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(m: usize, n: usize, k: usize, a: &[f64], b: &[f64]) -> Vec<f64> {
        let mut c = vec![0.0; m * n];
        for i in 0..m {
            for j in 0..n {
                for p in 0..k {
                    c[i * n + j] += a[i * k + p] * b[p * n + j];
                }
            }
        }
        c
    }

    #[test]
    fn matches_naive_on_odd_sizes() {
        for &(m, n, k) in &[
            (1, 1, 1),
            (5, 9, 3),
            (7, 17, 300),
            (13, 260, 5),
            (70, 70, 70),
            (130, 9, 520),
        ] {
            let a: Vec<f64> = (0..m * k).map(|i| ((i * 7) % 11) as f64 - 5.0).collect();
            let b: Vec<f64> = (0..k * n).map(|i| ((i * 3) % 13) as f64 - 6.0).collect();
            let mut c = vec![0.0; m * n];
            gemm(m, n, k, &a, &b, &mut c);
            assert_eq!(c, naive(m, n, k, &a, &b), "{m}x{n}x{k}");
        }
    }
}
