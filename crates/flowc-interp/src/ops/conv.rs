//! Convolution and pooling: Conv (im2col + blocked matmul), ConvTranspose (matmul + col2im),
//! MaxPool (with indices), AveragePool, LpPool, the Global* pools, MaxUnpool. N-D throughout
//! (1-D, 2-D, 3-D ...), with pads, strides, dilations, groups, `auto_pad` and `ceil_mode`.

use super::gemm::gemm;
use super::linalg::{from_compute, to_compute};
use super::{for_each_index, mk};
use crate::num::{FloatElem, Num, Real};
use crate::util::{dim, small_dim};
use crate::{KError, KResult, Node, bail};
use flowc_tensor::{Element, Tensor};

/// The spatial geometry of a convolution or pooling window.
#[derive(Clone, Debug)]
pub struct Geom {
    pub input: Vec<usize>,
    pub kernel: Vec<usize>,
    pub strides: Vec<usize>,
    pub dilations: Vec<usize>,
    pub pad_begin: Vec<usize>,
    pub pad_end: Vec<usize>,
    pub output: Vec<usize>,
}

fn attr_dims(n: &Node<'_>, name: &str, len: usize, default: usize) -> KResult<Vec<usize>> {
    match n.ints(name)? {
        None => Ok(vec![default; len]),
        Some(v) if v.is_empty() => Ok(vec![default; len]),
        Some(v) => {
            if v.len() != len {
                bail!("'{name}' has {} values for {len} spatial dims", v.len());
            }
            v.iter().map(|&x| small_dim(x, name)).collect()
        }
    }
}

/// Output size and pads from the attributes (Conv and the pools).
pub fn geometry(n: &Node<'_>, input: &[usize], kernel: &[usize], ceil_mode: bool) -> KResult<Geom> {
    let r = input.len();
    let strides = attr_dims(n, "strides", r, 1)?;
    let dilations = attr_dims(n, "dilations", r, 1)?;
    if strides.contains(&0) || dilations.contains(&0) {
        bail!("strides and dilations must be positive");
    }
    let auto_pad = n.string("auto_pad", "NOTSET")?;
    let mut pad_begin = vec![0usize; r];
    let mut pad_end = vec![0usize; r];
    let mut output = vec![0usize; r];
    for i in 0..r {
        let ek = (kernel[i].saturating_sub(1)) * dilations[i] + 1;
        match auto_pad.as_str() {
            "NOTSET" | "" => {
                let pads = attr_dims(n, "pads", 2 * r, 0)?;
                pad_begin[i] = pads[i];
                pad_end[i] = pads[i + r];
                let padded = input[i] + pad_begin[i] + pad_end[i];
                if padded < ek {
                    bail!("kernel extent {ek} exceeds the padded input {padded}");
                }
                let span = padded - ek;
                let mut o = if ceil_mode {
                    span.div_ceil(strides[i])
                } else {
                    span / strides[i]
                } + 1;
                // The last window must start inside the input or the left padding.
                if ceil_mode && (o - 1) * strides[i] >= input[i] + pad_begin[i] {
                    o -= 1;
                }
                output[i] = o;
            }
            "VALID" => {
                if input[i] < ek {
                    bail!("kernel extent {ek} exceeds the input {}", input[i]);
                }
                let span = input[i] - ek;
                output[i] = if ceil_mode {
                    span.div_ceil(strides[i])
                } else {
                    span / strides[i]
                } + 1;
            }
            "SAME_UPPER" | "SAME_LOWER" => {
                let o = input[i].div_ceil(strides[i]);
                let total = ((o.max(1) - 1) * strides[i] + ek).saturating_sub(input[i]);
                let small = total / 2;
                if auto_pad == "SAME_UPPER" {
                    pad_begin[i] = small;
                    pad_end[i] = total - small;
                } else {
                    pad_begin[i] = total - small;
                    pad_end[i] = small;
                }
                output[i] = o;
            }
            other => bail!("unknown auto_pad '{other}'"),
        }
    }
    Ok(Geom {
        input: input.to_vec(),
        kernel: kernel.to_vec(),
        strides,
        dilations,
        pad_begin,
        pad_end,
        output,
    })
}

/// For each spatial dim: `table[k * out + o]` is the input coordinate of kernel offset `k` at
/// output position `o`, or -1 when it falls in the padding.
fn coord_tables(g: &Geom) -> Vec<Vec<isize>> {
    (0..g.input.len())
        .map(|d| {
            let mut t = Vec::with_capacity(g.kernel[d] * g.output[d]);
            for k in 0..g.kernel[d] {
                for o in 0..g.output[d] {
                    let i =
                        (o * g.strides[d] + k * g.dilations[d]) as isize - g.pad_begin[d] as isize;
                    t.push(if i >= 0 && (i as usize) < g.input[d] {
                        i
                    } else {
                        -1
                    });
                }
            }
            t
        })
        .collect()
}

/// im2col for one image and `channels` channels: a `[channels * prod(kernel), prod(output)]`
/// matrix.
fn im2col<A: Real>(x: &[A], channels: usize, g: &Geom, tables: &[Vec<isize>]) -> Vec<A> {
    let r = g.input.len();
    let in_size: usize = g.input.iter().product();
    let out_size: usize = g.output.iter().product();
    let kprod: usize = g.kernel.iter().product();
    let in_strides = crate::util::strides(&g.input);
    let mut col = vec![A::ZERO; channels * kprod * out_size];
    let last = r - 1;
    let (ol, tl) = (g.output[last], &tables[last]);
    let mut row = 0;
    for c in 0..channels {
        let xc = &x[c * in_size..(c + 1) * in_size];
        for_each_index(&g.kernel, |kidx| {
            let dst = &mut col[row * out_size..(row + 1) * out_size];
            let mut pos = 0;
            // Output positions: outer dims by odometer, the last dim as the inner loop.
            for_each_index(&g.output[..last], |oidx| {
                let mut base = 0isize;
                let mut valid = true;
                for d in 0..last {
                    let i = tables[d][kidx[d] * g.output[d] + oidx[d]];
                    if i < 0 {
                        valid = false;
                        break;
                    }
                    base += i * in_strides[d] as isize;
                }
                let seg = &mut dst[pos..pos + ol];
                if valid {
                    let t = &tl[kidx[last] * ol..(kidx[last] + 1) * ol];
                    for (v, &i) in seg.iter_mut().zip(t) {
                        if i >= 0 {
                            *v = xc[(base + i) as usize];
                        }
                    }
                }
                pos += ol;
            });
            row += 1;
        });
    }
    col
}

fn conv_typed<T: FloatElem>(
    x: &[T],
    xs: &[usize],
    w: &[T],
    ws: &[usize],
    b: Option<&[T]>,
    group: usize,
    g: &Geom,
) -> KResult<Vec<T>> {
    let (nb, c) = (xs[0], xs[1]);
    let oc = ws[0];
    let icg = c / group;
    let ocg = oc / group;
    let in_size: usize = g.input.iter().product();
    let out_size: usize = g.output.iter().product();
    let kprod: usize = g.kernel.iter().product();
    let kdim = icg * kprod;
    let x = to_compute(x);
    let w = to_compute(w);
    let tables = coord_tables(g);
    let pointwise = g.kernel.iter().all(|&k| k == 1)
        && g.strides.iter().all(|&s| s == 1)
        && g.pad_begin.iter().chain(&g.pad_end).all(|&p| p == 0);
    let mut y = vec![T::A::ZERO; nb * oc * out_size];
    if let Some(b) = b {
        for img in 0..nb {
            for o in 0..oc {
                let bv = b[o].to_a();
                y[(img * oc + o) * out_size..(img * oc + o + 1) * out_size].fill(bv);
            }
        }
    }
    for img in 0..nb {
        for gi in 0..group {
            let xg = &x[(img * c + gi * icg) * in_size..(img * c + (gi + 1) * icg) * in_size];
            let col_owned;
            let col: &[T::A] = if pointwise {
                xg
            } else {
                col_owned = im2col(xg, icg, g, &tables);
                &col_owned
            };
            let wg = &w[gi * ocg * kdim..(gi + 1) * ocg * kdim];
            let yg =
                &mut y[(img * oc + gi * ocg) * out_size..(img * oc + (gi + 1) * ocg) * out_size];
            gemm(ocg, out_size, kdim, wg, col, yg);
        }
    }
    Ok(from_compute(y))
}

fn check_nchw(x: &Tensor, what: &str) -> KResult<()> {
    if x.rank() < 3 {
        bail!("{what} must be [N, C, spatial...], got {:?}", x.shape());
    }
    Ok(())
}

/// flowc's blocked conv layout and its channels per block (the flow dialect's `CONV_BLOCKED` /
/// `CONV_BLOCK`; the interpreter does not link the dialect).
const BLOCKED: &str = "NCHW16c";
const BLOCK: usize = 16;

/// Conv; with flowc's `layout = "NHWC"` (channels last in X and Y, W unchanged) it is by
/// definition Conv of X moved to channels-first, moved back: the same sums in the same order,
/// so NHWC and NCHW results are bit-identical. `layout = "NCHW16c"` (channels blocked by 16,
/// [`BLOCKED`]) is likewise Conv of X unblocked, blocked again.
pub fn conv(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let layout = n.string("layout", "NCHW")?;
    match layout.as_str() {
        "NCHW" => conv_nchw(n, n.input(0)?),
        BLOCKED => {
            let x = n.input(0)?;
            let xf = unblock(x)?;
            if n.int("group", 1)? != 1 {
                bail!("layout {} needs one group", BLOCKED);
            }
            let y = conv_nchw(n, &xf)?;
            let y = y[0].as_ref().expect("conv has a result");
            Ok(vec![Some(block(y)?)])
        }
        "NHWC" => {
            let x = n.input(0)?;
            check_nchw(x, "X")?;
            let r = x.rank();
            // [N, spatial..., C] -> [N, C, spatial...] and back.
            let to_first: Vec<usize> = [0, r - 1].into_iter().chain(1..r - 1).collect();
            let to_last: Vec<usize> = [0].into_iter().chain(2..r).chain([1]).collect();
            let xf = super::shape::transpose_tensor(x, &to_first)?;
            let y = conv_nchw(n, &xf)?;
            let y = y[0].as_ref().expect("conv has a result");
            Ok(vec![Some(super::shape::transpose_tensor(y, &to_last)?)])
        }
        other => bail!("unknown layout '{other}' (expected NCHW, NHWC or NCHW16c)"),
    }
}

/// `[N, C / 16, spatial..., 16]` -> `[N, C, spatial...]`: transpose to `[N, C / 16, 16,
/// spatial...]`, then view (the graph's re-layout, in the other direction).
fn unblock(x: &Tensor) -> KResult<Tensor> {
    let r = x.rank();
    let lanes = BLOCK;
    if r < 4 || x.shape()[r - 1] != lanes {
        bail!(
            "X must be [N, C / {lanes}, spatial..., {lanes}] under layout {}, got {:?}",
            BLOCKED,
            x.shape()
        );
    }
    let perm: Vec<usize> = [0, 1, r - 1].into_iter().chain(2..r - 1).collect();
    let t = super::shape::transpose_tensor(x, &perm)?;
    let mut shape = vec![x.shape()[0], x.shape()[1] * lanes];
    shape.extend_from_slice(&x.shape()[2..r - 1]);
    Ok(t.reshape(shape)?)
}

/// `[N, M, spatial...]` -> `[N, M / 16, spatial..., 16]`: view as `[N, M / 16, 16,
/// spatial...]`, then transpose.
fn block(y: &Tensor) -> KResult<Tensor> {
    let r = y.rank();
    let lanes = BLOCK;
    let m = y.shape()[1];
    if !m.is_multiple_of(lanes) {
        bail!(
            "layout {} needs a multiple of {lanes} output channels, got {m}",
            BLOCKED
        );
    }
    let mut shape = vec![y.shape()[0], m / lanes, lanes];
    shape.extend_from_slice(&y.shape()[2..]);
    let v = y.clone().reshape(shape)?;
    let perm: Vec<usize> = [0, 1].into_iter().chain(3..r + 1).chain([2]).collect();
    super::shape::transpose_tensor(&v, &perm)
}

fn conv_nchw(n: &Node<'_>, x: &Tensor) -> KResult<Vec<Option<Tensor>>> {
    let w = n.input(1)?;
    let b = n.opt(2);
    check_nchw(x, "X")?;
    if w.rank() != x.rank() {
        bail!("W has rank {}, X has rank {}", w.rank(), x.rank());
    }
    let group = dim(n.int("group", 1)?, "group")?;
    let c = x.shape()[1];
    let oc = w.shape()[0];
    if group == 0
        || !c.is_multiple_of(group)
        || !oc.is_multiple_of(group)
        || w.shape()[1] * group != c
    {
        bail!("channels: X has {c}, W is {:?}, group {group}", w.shape());
    }
    let kernel = match n.ints("kernel_shape")? {
        Some(k) => k
            .iter()
            .map(|&v| small_dim(v, "kernel_shape"))
            .collect::<KResult<Vec<_>>>()?,
        None => w.shape()[2..].to_vec(),
    };
    if kernel != w.shape()[2..] {
        bail!("kernel_shape {kernel:?} does not match W {:?}", w.shape());
    }
    if let Some(b) = b
        && b.shape() != [oc]
    {
        bail!("B must have shape [{oc}], got {:?}", b.shape());
    }
    let g = geometry(n, &x.shape()[2..], &kernel, false)?;
    let mut out_shape = vec![x.shape()[0], oc];
    out_shape.extend_from_slice(&g.output);
    crate::util::checked_len(&out_shape)?;
    let t = match_float!(x.data(), v => {
        let wv = super::same(v, w)?;
        let bv = match b { Some(b) => Some(super::same(v, b)?), None => None };
        mk(out_shape, conv_typed(v, x.shape(), wv, w.shape(), bv, group, &g)?)?
    });
    Ok(vec![Some(t)])
}

fn conv_transpose_typed<T: FloatElem>(
    x: &[T],
    xs: &[usize],
    w: &[T],
    ws: &[usize],
    b: Option<&[T]>,
    group: usize,
    g: &Geom,
) -> Vec<T> {
    // Here `g.input` is the ConvTranspose input and `g.output` its output.
    let (nb, c) = (xs[0], xs[1]);
    let icg = c / group;
    let ocg = ws[1];
    let oc = ocg * group;
    let in_size: usize = g.input.iter().product();
    let out_size: usize = g.output.iter().product();
    let kprod: usize = g.kernel.iter().product();
    let x = to_compute(x);
    let w = to_compute(w);
    let r = g.input.len();
    let out_strides = crate::util::strides(&g.output);
    // For each dim, kernel offset k and input position i: the output coordinate, or -1.
    let tables: Vec<Vec<isize>> = (0..r)
        .map(|d| {
            let mut t = Vec::with_capacity(g.kernel[d] * g.input[d]);
            for k in 0..g.kernel[d] {
                for i in 0..g.input[d] {
                    let o =
                        (i * g.strides[d] + k * g.dilations[d]) as isize - g.pad_begin[d] as isize;
                    t.push(if o >= 0 && (o as usize) < g.output[d] {
                        o
                    } else {
                        -1
                    });
                }
            }
            t
        })
        .collect();
    let mut y = vec![T::A::ZERO; nb * oc * out_size];
    for img in 0..nb {
        for gi in 0..group {
            // col[ocg * kprod, in_size] = Wg^T · Xg, with Wg = W[gi*icg.., :] of [icg, ocg*kprod].
            let wg = &w[gi * icg * ocg * kprod..(gi + 1) * icg * ocg * kprod];
            let mut wt = vec![T::A::ZERO; wg.len()];
            let cols = ocg * kprod;
            for i in 0..icg {
                for j in 0..cols {
                    wt[j * icg + i] = wg[i * cols + j];
                }
            }
            let xg = &x[(img * c + gi * icg) * in_size..(img * c + (gi + 1) * icg) * in_size];
            let mut col = vec![T::A::ZERO; cols * in_size];
            gemm(cols, in_size, icg, &wt, xg, &mut col);
            // col2im: scatter-add into the output.
            let mut row = 0;
            for o in 0..ocg {
                let yo = &mut y[(img * oc + gi * ocg + o) * out_size
                    ..(img * oc + gi * ocg + o + 1) * out_size];
                for_each_index(&g.kernel, |kidx| {
                    let src = &col[row * in_size..(row + 1) * in_size];
                    let mut p = 0;
                    for_each_index(&g.input, |iidx| {
                        let mut off = 0isize;
                        for d in 0..r {
                            let oc = tables[d][kidx[d] * g.input[d] + iidx[d]];
                            if oc < 0 {
                                p += 1;
                                return;
                            }
                            off += oc * out_strides[d] as isize;
                        }
                        yo[off as usize] += src[p];
                        p += 1;
                    });
                    row += 1;
                });
            }
        }
    }
    if let Some(b) = b {
        for img in 0..nb {
            for o in 0..oc {
                let bv = b[o].to_a();
                for v in &mut y[(img * oc + o) * out_size..(img * oc + o + 1) * out_size] {
                    *v += bv;
                }
            }
        }
    }
    from_compute(y)
}

pub fn conv_transpose(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    let w = n.input(1)?;
    let b = n.opt(2);
    check_nchw(x, "X")?;
    if w.rank() != x.rank() {
        bail!("W has rank {}, X has rank {}", w.rank(), x.rank());
    }
    let group = dim(n.int("group", 1)?, "group")?;
    let c = x.shape()[1];
    if group == 0 || c % group != 0 || w.shape()[0] != c {
        bail!("channels: X has {c}, W is {:?}, group {group}", w.shape());
    }
    let oc = w.shape()[1] * group;
    if let Some(b) = b
        && b.shape() != [oc]
    {
        bail!("B must have shape [{oc}], got {:?}", b.shape());
    }
    let input = x.shape()[2..].to_vec();
    let r = input.len();
    let kernel = match n.ints("kernel_shape")? {
        Some(k) => k
            .iter()
            .map(|&v| small_dim(v, "kernel_shape"))
            .collect::<KResult<Vec<_>>>()?,
        None => w.shape()[2..].to_vec(),
    };
    if kernel != w.shape()[2..] {
        bail!("kernel_shape {kernel:?} does not match W {:?}", w.shape());
    }
    let strides = attr_dims(n, "strides", r, 1)?;
    let dilations = attr_dims(n, "dilations", r, 1)?;
    let out_pad = attr_dims(n, "output_padding", r, 0)?;
    if strides.contains(&0) || dilations.contains(&0) {
        bail!("strides and dilations must be positive");
    }
    let auto_pad = n.string("auto_pad", "NOTSET")?;
    let mut pad_begin = vec![0usize; r];
    let mut pad_end = vec![0usize; r];
    let mut output = vec![0usize; r];
    let explicit_out = match n.ints("output_shape")? {
        Some(v) if !v.is_empty() => {
            let v = if v.len() > r {
                v[v.len() - r..].to_vec()
            } else {
                v
            };
            if v.len() != r {
                bail!("output_shape has {} values for {r} spatial dims", v.len());
            }
            Some(
                v.iter()
                    .map(|&d| dim(d, "output_shape"))
                    .collect::<KResult<Vec<_>>>()?,
            )
        }
        _ => None,
    };
    let pads = attr_dims(n, "pads", 2 * r, 0)?;
    for i in 0..r {
        let ek = (kernel[i].saturating_sub(1)) * dilations[i] + 1;
        let full = strides[i] * input[i].saturating_sub(1) + out_pad[i] + ek;
        let target = match (&explicit_out, auto_pad.as_str()) {
            (Some(o), _) => Some(o[i]),
            (None, "SAME_UPPER" | "SAME_LOWER") => Some(input[i] * strides[i]),
            _ => None,
        };
        match target {
            Some(o) => {
                let total = full as isize - o as isize;
                let total = total.max(0) as usize;
                if auto_pad == "SAME_UPPER" {
                    pad_begin[i] = total / 2;
                    pad_end[i] = total - total / 2;
                } else {
                    pad_begin[i] = total - total / 2;
                    pad_end[i] = total / 2;
                }
                output[i] = o;
            }
            None => {
                if auto_pad != "VALID" {
                    pad_begin[i] = pads[i];
                    pad_end[i] = pads[i + r];
                }
                output[i] = full
                    .checked_sub(pad_begin[i] + pad_end[i])
                    .ok_or_else(|| KError::invalid("pads exceed the output"))?;
            }
        }
    }
    let g = Geom {
        input,
        kernel,
        strides,
        dilations,
        pad_begin,
        pad_end,
        output,
    };
    let mut out_shape = vec![x.shape()[0], oc];
    out_shape.extend_from_slice(&g.output);
    crate::util::checked_len(&out_shape)?;
    let t = match_float!(x.data(), v => {
        let wv = super::same(v, w)?;
        let bv = match b { Some(b) => Some(super::same(v, b)?), None => None };
        mk(out_shape, conv_transpose_typed(v, x.shape(), wv, w.shape(), bv, group, &g))?
    });
    Ok(vec![Some(t)])
}

// ===== Pooling =====

#[derive(Copy, Clone, Debug, PartialEq)]
pub enum Pool {
    Max,
    Average,
    Lp,
}

fn pool_geometry(n: &Node<'_>, x: &Tensor) -> KResult<Geom> {
    check_nchw(x, "X")?;
    let kernel: Vec<usize> = n
        .ints("kernel_shape")?
        .ok_or_else(|| KError::invalid("missing 'kernel_shape'"))?
        .iter()
        .map(|&v| small_dim(v, "kernel_shape"))
        .collect::<KResult<_>>()?;
    if kernel.len() != x.rank() - 2 {
        bail!(
            "kernel_shape has {} dims, X has {} spatial dims",
            kernel.len(),
            x.rank() - 2
        );
    }
    let ceil = n.int("ceil_mode", 0)? != 0;
    geometry(n, &x.shape()[2..], &kernel, ceil)
}

/// Visits each window: `f(out_index, in_offsets_of_valid_positions, window_positions_in_pad_region)`.
fn for_each_window(g: &Geom, mut f: impl FnMut(usize, &[usize], usize)) {
    let tables = coord_tables(g);
    let in_strides = crate::util::strides(&g.input);
    let r = g.input.len();
    let mut offs = Vec::with_capacity(g.kernel.iter().product());
    let mut o = 0;
    for_each_index(&g.output, |oidx| {
        offs.clear();
        let mut in_pad_region = 0;
        for_each_index(&g.kernel, |kidx| {
            let mut off = 0isize;
            let mut valid = true;
            let mut inside_padded = true;
            for d in 0..r {
                let i = tables[d][kidx[d] * g.output[d] + oidx[d]];
                if i < 0 {
                    valid = false;
                    let raw = (oidx[d] * g.strides[d] + kidx[d] * g.dilations[d]) as isize;
                    // Positions inside the explicit padding count for count_include_pad.
                    if raw >= (g.input[d] + g.pad_begin[d] + g.pad_end[d]) as isize {
                        inside_padded = false;
                    }
                } else {
                    off += i * in_strides[d] as isize;
                }
            }
            if valid {
                offs.push(off as usize);
            }
            if inside_padded {
                in_pad_region += 1;
            }
        });
        f(o, &offs, in_pad_region);
        o += 1;
    });
}

fn max_pool_typed<T: Num>(
    x: &[T],
    planes: usize,
    g: &Geom,
    storage_col_major: bool,
) -> (Vec<T>, Vec<i64>) {
    let in_size: usize = g.input.iter().product();
    let out_size: usize = g.output.iter().product();
    let mut y = vec![T::lowest(); planes * out_size];
    let mut idx = vec![0i64; planes * out_size];
    // Column-major index of a row-major spatial offset (storage_order = 1).
    let to_col = |off: usize| -> usize {
        let mut rem = off;
        let mut coords = vec![0usize; g.input.len()];
        for d in (0..g.input.len()).rev() {
            coords[d] = rem % g.input[d];
            rem /= g.input[d];
        }
        let mut c = 0;
        let mut s = 1;
        for (&co, &d) in coords.iter().zip(&g.input) {
            c += co * s;
            s *= d;
        }
        c
    };
    let windows: Vec<Vec<usize>> = {
        let mut w = Vec::with_capacity(out_size);
        for_each_window(g, |_, offs, _| w.push(offs.to_vec()));
        w
    };
    for p in 0..planes {
        let xp = &x[p * in_size..(p + 1) * in_size];
        for (o, offs) in windows.iter().enumerate() {
            let mut best = T::lowest();
            let mut bi = None;
            for &off in offs {
                let v = xp[off];
                if bi.is_none() || v > best || (v.is_nan() && !best.is_nan()) {
                    best = v;
                    bi = Some(off);
                }
            }
            y[p * out_size + o] = best;
            let off = bi.unwrap_or(0);
            let local = if storage_col_major { to_col(off) } else { off };
            idx[p * out_size + o] = (p * in_size + local) as i64;
        }
    }
    (y, idx)
}

fn avg_lp_pool_typed<T: FloatElem>(
    x: &[T],
    planes: usize,
    g: &Geom,
    kind: Pool,
    include_pad: bool,
    p: f64,
) -> Vec<T> {
    let in_size: usize = g.input.iter().product();
    let out_size: usize = g.output.iter().product();
    let mut windows: Vec<(Vec<usize>, usize)> = Vec::with_capacity(out_size);
    for_each_window(g, |_, offs, pad_count| {
        windows.push((offs.to_vec(), pad_count))
    });
    let mut y = Vec::with_capacity(planes * out_size);
    let pa = T::A::c(p);
    for pl in 0..planes {
        let xp = &x[pl * in_size..(pl + 1) * in_size];
        for (offs, pad_count) in &windows {
            let v = match kind {
                Pool::Average => {
                    let mut s = T::A::ZERO;
                    for &o in offs {
                        s += xp[o].to_a();
                    }
                    let count = if include_pad { *pad_count } else { offs.len() };
                    s / T::A::c(count.max(1) as f64)
                }
                _ => {
                    let mut s = T::A::ZERO;
                    for &o in offs {
                        s += xp[o].to_a().abs().powf(pa);
                    }
                    s.powf(T::A::ONE / pa)
                }
            };
            y.push(T::from_a(v));
        }
    }
    y
}

pub fn pool(n: &Node<'_>, kind: Pool) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    let g = pool_geometry(n, x)?;
    let planes = x.shape()[0] * x.shape()[1];
    let mut out_shape = x.shape()[..2].to_vec();
    out_shape.extend_from_slice(&g.output);
    crate::util::checked_len(&out_shape)?;
    match kind {
        Pool::Max => {
            let col = n.int("storage_order", 0)? != 0;
            let (y, idx) = match_numeric!(x.data(), v => {
                let (y, i) = max_pool_typed(v, planes, &g, col);
                (mk(out_shape.clone(), y)?, i)
            });
            Ok(vec![Some(y), Some(mk(out_shape, idx)?)])
        }
        _ => {
            let include = n.int("count_include_pad", 0)? != 0;
            let p = n.int("p", 2)? as f64;
            let y = match_float!(x.data(), v => mk(out_shape, avg_lp_pool_typed(v, planes, &g, kind, include, p))?);
            Ok(vec![Some(y)])
        }
    }
}

pub fn global_pool(n: &Node<'_>, kind: Pool) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    check_nchw(x, "X")?;
    let planes = x.shape()[0] * x.shape()[1];
    let size: usize = x.shape()[2..].iter().product();
    let mut out_shape = x.shape()[..2].to_vec();
    out_shape.extend(std::iter::repeat_n(1, x.rank() - 2));
    let p = n.int("p", 2)? as f64;
    let y = match_float!(x.data(), v => {
        let mut y = Vec::with_capacity(planes);
        for pl in 0..planes {
            let s = &v[pl * size..(pl + 1) * size];
            let r = match kind {
                Pool::Max => {
                    let mut m = Num::lowest();
                    for &e in s {
                        m = Num::max_nan(m, e);
                    }
                    m
                }
                Pool::Average => {
                    let mut acc = 0.0f64;
                    for e in s {
                        acc += e.to_f64();
                    }
                    Num::from_f64(acc / size as f64)
                }
                Pool::Lp => {
                    let mut acc = 0.0f64;
                    for e in s {
                        acc += e.to_f64().abs().powf(p);
                    }
                    Num::from_f64(acc.powf(1.0 / p))
                }
            };
            y.push(r);
        }
        mk(out_shape, y)?
    });
    Ok(vec![Some(y)])
}

pub fn max_unpool(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    let ind = n.input(1)?.to_i64_vec()?;
    check_nchw(x, "X")?;
    if ind.len() != x.len() {
        bail!("indices must have the input's shape");
    }
    let r = x.rank() - 2;
    let kernel: Vec<usize> = n
        .ints("kernel_shape")?
        .ok_or_else(|| KError::invalid("missing 'kernel_shape'"))?
        .iter()
        .map(|&v| small_dim(v, "kernel_shape"))
        .collect::<KResult<_>>()?;
    if kernel.len() != r {
        bail!(
            "kernel_shape has {} dims for {r} spatial dims",
            kernel.len()
        );
    }
    let strides = attr_dims(n, "strides", r, 1)?;
    let pads = attr_dims(n, "pads", 2 * r, 0)?;
    // The default output shape; indices address positions in it.
    let mut inferred = x.shape()[..2].to_vec();
    for i in 0..r {
        let v = (x.shape()[i + 2].saturating_sub(1)) * strides[i] + kernel[i];
        inferred.push(
            v.checked_sub(pads[i] + pads[i + r])
                .ok_or_else(|| KError::invalid("pads too large"))?,
        );
    }
    let out_shape: Vec<usize> = match n.opt(2) {
        Some(s) => s
            .to_i64_vec()?
            .iter()
            .map(|&d| dim(d, "output_shape"))
            .collect::<KResult<_>>()?,
        None => inferred.clone(),
    };
    if out_shape.len() != x.rank() {
        bail!("output_shape must have rank {}", x.rank());
    }
    let total = crate::util::checked_len(&out_shape)?;
    let inferred_total = crate::util::checked_len(&inferred)?;
    let out_strides = crate::util::strides(&out_shape);
    // Maps an index into the inferred shape to the same coordinates in the output shape.
    let place = |k: i64| -> KResult<usize> {
        if k < 0 || k as usize >= inferred_total {
            bail!("index {k} is out of range for {inferred_total} elements");
        }
        let mut rem = k as usize;
        let mut off = 0;
        for d in (0..inferred.len()).rev() {
            let c = rem % inferred[d];
            rem /= inferred[d];
            if c >= out_shape[d] {
                bail!("index {k} falls outside output_shape {out_shape:?}");
            }
            off += c * out_strides[d];
        }
        Ok(off)
    };
    let y = match_numeric!(x.data(), v => {
        let mut y = vec![Num::zero(); total];
        for (i, &k) in ind.iter().enumerate() {
            y[place(k)?] = v[i];
        }
        mk(out_shape, y)?
    });
    Ok(vec![Some(y)])
}
