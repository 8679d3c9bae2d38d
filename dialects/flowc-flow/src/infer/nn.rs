//! Matrix products, convolution, pooling, normalization and recurrent ops.

use super::util::{
    DYN, TensorInfo, broadcast_dims, dim_div_exact, dim_mul, dims_str, merge_dim, merge_dims,
    norm_axis, product, unidirectional_ok,
};
use super::{Infer, R};
use crate::dtype::{DType, from_onnx_attr};
use crate::{CONV_BLOCK, CONV_BLOCKED};

const AUTO_PAD: &[&str] = &["NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"];

/// Conv / pool window parameters over `n` spatial dims.
struct Window {
    kernel: Vec<i64>,
    strides: Vec<i64>,
    dilations: Vec<i64>,
    pads: Vec<i64>,
    auto_pad: &'static str,
}

impl Infer<'_> {
    pub(super) fn matmul(&self) -> R {
        let (ai, bi) = if self.spec.onnx == "QLinearMatMul" {
            (0, 3)
        } else {
            (0, 1)
        };
        let (a, b) = (self.t(ai)?, self.t(bi)?);
        let dt = match self.spec.onnx {
            "MatMulInteger" => {
                for zp in [2, 3] {
                    if let Some(t) = self.opt(zp)
                        && t.rank().is_some_and(|r| r > 1)
                    {
                        return Err(format!(
                            "operand #{zp} ({}) must be a scalar or 1-D, but has type '{t}'",
                            self.pname(zp)
                        ));
                    }
                }
                DType::I32
            }
            "QLinearMatMul" => {
                for s in [1, 2, 4, 5, 6, 7] {
                    if let Some(t) = self.opt(s)
                        && t.rank().is_some_and(|r| r > 1)
                    {
                        return Err(format!(
                            "operand #{s} ({}) must be a scalar or 1-D, but has type '{t}'",
                            self.pname(s)
                        ));
                    }
                }
                self.t(7)?.dt
            }
            _ => a.dt,
        };
        let (Some(ad), Some(bd)) = (a.dims(), b.dims()) else {
            return Ok(vec![TensorInfo::unranked(dt)]);
        };
        if ad.is_empty() || bd.is_empty() {
            return Err(format!(
                "expects operands of rank at least 1, but got {a} and {b}"
            ));
        }
        let mut ad = ad.to_vec();
        let mut bd = bd.to_vec();
        let a_vec = ad.len() == 1;
        let b_vec = bd.len() == 1;
        if a_vec {
            ad.insert(0, 1);
        }
        if b_vec {
            bd.push(1);
        }
        let (m, k1) = (ad[ad.len() - 2], ad[ad.len() - 1]);
        let (k2, n) = (bd[bd.len() - 2], bd[bd.len() - 1]);
        if merge_dim(k1, k2).is_none() {
            return Err(format!(
                "contracting dimensions differ: {a} has {k1} columns, {b} has {k2} rows"
            ));
        }
        let batch = broadcast_dims(&ad[..ad.len() - 2], &bd[..bd.len() - 2])
            .ok_or_else(|| format!("incompatible broadcast of batch dimensions: {a} vs {b}"))?;
        let mut out = batch;
        if !a_vec {
            out.push(m);
        }
        if !b_vec {
            out.push(n);
        }
        Ok(vec![TensorInfo::ranked(dt, out)])
    }

    pub(super) fn gemm(&self) -> R {
        let (a, b) = (self.t(0)?, self.t(1)?);
        self.expect_rank(0, 2)?;
        self.expect_rank(1, 2)?;
        let ta = self.attrs.flag("transA", false)?;
        let tb = self.attrs.flag("transB", false)?;
        let (m, k1) = match a.dims() {
            Some(d) if ta => (d[1], d[0]),
            Some(d) => (d[0], d[1]),
            None => (DYN, DYN),
        };
        let (k2, n) = match b.dims() {
            Some(d) if tb => (d[1], d[0]),
            Some(d) => (d[0], d[1]),
            None => (DYN, DYN),
        };
        if merge_dim(k1, k2).is_none() {
            return Err(format!(
                "contracting dimensions differ: A' is {}, B' is {}",
                dims_str(&[m, k1]),
                dims_str(&[k2, n])
            ));
        }
        if let Some(c) = self.opt(2)
            && let Some(cd) = c.dims()
            && !unidirectional_ok(cd, &[m, n])
        {
            return Err(format!(
                "C {c} does not broadcast to the result shape {}",
                dims_str(&[m, n])
            ));
        }
        Ok(vec![TensorInfo::ranked(a.dt, vec![m, n])])
    }

    /// Reads kernel_shape / strides / dilations / pads / auto_pad for `n` spatial dims;
    /// `kernel_from` gives the kernel's spatial dims when the attribute is absent.
    fn window(&self, n: usize, kernel_from: Option<Vec<i64>>) -> Result<Window, String> {
        let list = |name: &str, len: usize, default: i64| -> Result<Vec<i64>, String> {
            match self.attrs.ints(name)? {
                Some(v) if v.len() != len => Err(format!(
                    "attribute '{name}' must have {len} elements ({} for the {n} spatial dimensions), but has {}",
                    if len == n { "one" } else { "two" },
                    v.len()
                )),
                Some(v) => Ok(v),
                None => Ok(vec![default; len]),
            }
        };
        let kernel = match self.attrs.ints("kernel_shape")? {
            Some(k) => {
                if k.len() != n {
                    return Err(format!(
                        "attribute 'kernel_shape' must have {n} elements (the spatial rank), but has {}",
                        k.len()
                    ));
                }
                if let Some(w) = &kernel_from {
                    for (i, (&a, &b)) in k.iter().zip(w).enumerate() {
                        if b >= 0 && a != b {
                            return Err(format!(
                                "attribute 'kernel_shape' {} disagrees with the weight's spatial dims {} at {i}",
                                dims_str(&k),
                                dims_str(w)
                            ));
                        }
                    }
                }
                k
            }
            None => kernel_from.unwrap_or_else(|| vec![DYN; n]),
        };
        if kernel.iter().any(|&k| k == 0 || (k < 0 && k != DYN)) {
            return Err(format!(
                "kernel dimensions must be positive, but are {}",
                dims_str(&kernel)
            ));
        }
        let strides = list("strides", n, 1)?;
        let dilations = list("dilations", n, 1)?;
        let pads = list("pads", 2 * n, 0)?;
        if let Some(s) = strides.iter().find(|&&s| s <= 0) {
            return Err(format!("strides must be positive, but got {s}"));
        }
        if let Some(d) = dilations.iter().find(|&&d| d <= 0) {
            return Err(format!("dilations must be positive, but got {d}"));
        }
        if let Some(p) = pads.iter().find(|&&p| p < 0) {
            return Err(format!("pads must be non-negative, but got {p}"));
        }
        let auto_pad = self.attrs.choice("auto_pad", AUTO_PAD)?;
        let auto_pad = AUTO_PAD
            .iter()
            .find(|&&a| a == auto_pad)
            .copied()
            .unwrap_or("NOTSET");
        if auto_pad != "NOTSET" && pads.iter().any(|&p| p != 0) {
            return Err(format!(
                "attribute 'pads' cannot be used with auto_pad = \"{auto_pad}\""
            ));
        }
        Ok(Window {
            kernel,
            strides,
            dilations,
            pads,
            auto_pad,
        })
    }

    /// The output spatial dims of a conv or pool window over `input`.
    fn window_out(&self, w: &Window, input: &[i64], ceil_mode: bool) -> Result<Vec<i64>, String> {
        let n = input.len();
        let mut out = Vec::with_capacity(n);
        for (i, &x) in input.iter().enumerate() {
            let (k, s, d) = (w.kernel[i], w.strides[i], w.dilations[i]);
            if x < 0 {
                out.push(DYN);
                continue;
            }
            if w.auto_pad.starts_with("SAME") {
                out.push((x as u64).div_ceil(s as u64) as i64);
                continue;
            }
            if k < 0 {
                out.push(DYN);
                continue;
            }
            let eff = (k - 1)
                .checked_mul(d)
                .and_then(|v| v.checked_add(1))
                .ok_or("dilated kernel overflows i64")?;
            let (pb, pe) = if w.auto_pad == "VALID" {
                (0, 0)
            } else {
                (w.pads[i], w.pads[i + n])
            };
            let padded = x
                .checked_add(pb)
                .and_then(|v| v.checked_add(pe))
                .ok_or("padded input overflows i64")?;
            let span = padded - eff;
            let mut o = span
                .div_euclid(s)
                .saturating_add(i64::from(ceil_mode && span.rem_euclid(s) != 0))
                .saturating_add(1);
            if ceil_mode && o > 0 && (o - 1).saturating_mul(s) >= x.saturating_add(pb) {
                o -= 1;
            }
            if o < 0 {
                return Err(format!(
                    "the window (kernel {k}, dilation {d}) is larger than the padded input dimension {padded} at spatial axis {i}"
                ));
            }
            out.push(o);
        }
        Ok(out)
    }

    pub(super) fn conv(&self) -> R {
        let q = self.spec.onnx == "QLinearConv";
        let int = self.spec.onnx == "ConvInteger";
        // ConvInteger has zero points where Conv has its bias.
        let (xi, wi, bi) = match (q, int) {
            (true, _) => (0, 3, Some(8)),
            (_, true) => (0, 1, None),
            _ => (0, 1, Some(2)),
        };
        let (x, w) = (self.t(xi)?, self.t(wi)?);
        let dt = match (q, int) {
            (true, _) => self.t(7)?.dt,
            (_, true) => DType::I32,
            _ => x.dt,
        };
        if int {
            self.expect_scalar(2)?;
            if let Some(z) = self.opt(3)
                && z.rank().is_some_and(|r| r > 1)
            {
                return Err(format!(
                    "operand #3 (w_zero_point) must be a scalar or 1-D, but has type '{z}'"
                ));
            }
        }
        if q {
            for s in [1, 2, 4, 5, 6, 7] {
                if self.t(s)?.rank().is_some_and(|r| r > 1) {
                    return Err(format!(
                        "operand #{s} ({}) must be a scalar or 1-D, but has type '{}'",
                        self.pname(s),
                        self.t(s)?
                    ));
                }
            }
        }
        // flowc's `layout` extension of Conv (not ONNX): "NHWC" puts the channels last in X
        // and Y ([N, spatial..., C] and [N, spatial..., M]); "NCHW16c" blocks them by 16
        // ([N, C / 16, spatial..., 16] and [N, M / 16, spatial..., 16], one group, C and M
        // multiples of 16). W stays [M, C / group, kernel...] in every layout.
        let layout = if q || int {
            "NCHW"
        } else {
            self.attrs
                .choice("layout", &["NCHW", "NHWC", CONV_BLOCKED])?
        };
        let channels_last = layout == "NHWC";
        let blocked = layout == CONV_BLOCKED;
        // X has one dim more than W when blocked (the 16 channels of a block).
        // (Blocked: W's rank is the conv's, X has one dim more.)
        let rank = if blocked {
            w.rank().or(x.rank().map(|r| r.saturating_sub(1)))
        } else {
            x.rank().or(w.rank())
        };
        let Some(rank) = rank else {
            return Ok(vec![TensorInfo::unranked(dt)]);
        };
        if rank < 3 {
            return Err(format!(
                "expects an input of rank at least 3 (N x C x spatial), but got {x}"
            ));
        }
        self.expect_rank(xi, rank + usize::from(blocked))?;
        self.expect_rank(wi, rank)?;
        let n = rank - 2;
        let mut xd = x
            .dims()
            .map_or(vec![DYN; rank + usize::from(blocked)], <[i64]>::to_vec);
        if channels_last {
            let c = xd.remove(rank - 1);
            xd.insert(1, c);
        }
        if blocked {
            let lanes = xd.remove(rank);
            if lanes >= 0 && lanes != CONV_BLOCK {
                return Err(format!(
                    "a {CONV_BLOCKED} input's last dim must be {CONV_BLOCK}, but is {lanes}"
                ));
            }
            xd[1] = dim_mul(xd[1], CONV_BLOCK)?;
        }
        let xd = xd;
        let wd = w.dims().map_or(vec![DYN; rank], <[i64]>::to_vec);
        let group = self.attrs.int("group", 1)?;
        if group < 1 {
            return Err(format!(
                "attribute 'group' must be positive, but is {group}"
            ));
        }
        if blocked && group != 1 {
            return Err(format!(
                "layout \"{CONV_BLOCKED}\" needs one group, but 'group' is {group}"
            ));
        }
        if blocked && wd[0] >= 0 && wd[0] % CONV_BLOCK != 0 {
            return Err(format!(
                "layout \"{CONV_BLOCKED}\" needs a multiple of {CONV_BLOCK} output channels, but W has {}",
                wd[0]
            ));
        }
        if xd[1] >= 0 && wd[1] >= 0 && Some(xd[1]) != wd[1].checked_mul(group) {
            return Err(format!(
                "input channels ({}) must equal weight channels ({}) times group ({group})",
                xd[1], wd[1]
            ));
        }
        if wd[0] >= 0 && wd[0] % group != 0 {
            return Err(format!(
                "output channels ({}) must be a multiple of group ({group})",
                wd[0]
            ));
        }
        if let Some(b) = bi.and_then(|i| self.opt(i))
            && let Some(bd) = b.dims()
            && (bd.len() != 1 || merge_dim(bd[0], wd[0]).is_none())
        {
            return Err(format!(
                "bias must be 1-D with {} elements (the output channels), but has type '{b}'",
                dims_str(&wd[..1])
            ));
        }
        let win = self.window(n, Some(wd[2..].to_vec()))?;
        let spatial = self.window_out(&win, &xd[2..], false)?;
        let mut out = vec![xd[0]];
        if channels_last {
            out.extend(spatial);
            out.push(wd[0]);
        } else if blocked {
            out.push(if wd[0] >= 0 { wd[0] / CONV_BLOCK } else { DYN });
            out.extend(spatial);
            out.push(CONV_BLOCK);
        } else {
            out.push(wd[0]);
            out.extend(spatial);
        }
        Ok(vec![TensorInfo::ranked(dt, out)])
    }

    pub(super) fn conv_transpose(&self) -> R {
        let (x, w) = (self.t(0)?, self.t(1)?);
        let Some(rank) = x.rank().or(w.rank()) else {
            return Ok(vec![TensorInfo::unranked(x.dt)]);
        };
        if rank < 3 {
            return Err(format!(
                "expects an input of rank at least 3 (N x C x spatial), but got {x}"
            ));
        }
        self.expect_rank(0, rank)?;
        self.expect_rank(1, rank)?;
        let n = rank - 2;
        let xd = x.dims().map_or(vec![DYN; rank], <[i64]>::to_vec);
        let wd = w.dims().map_or(vec![DYN; rank], <[i64]>::to_vec);
        let group = self.attrs.int("group", 1)?;
        if group < 1 {
            return Err(format!(
                "attribute 'group' must be positive, but is {group}"
            ));
        }
        if merge_dim(xd[1], wd[0]).is_none() {
            return Err(format!(
                "input channels ({}) must equal the weight's first dimension ({})",
                xd[1], wd[0]
            ));
        }
        let m = dim_mul(wd[1], group)?;
        if let Some(b) = self.opt(2)
            && let Some(bd) = b.dims()
            && (bd.len() != 1 || merge_dim(bd[0], m).is_none())
        {
            return Err(format!(
                "bias must be 1-D with {} elements (the output channels), but has type '{b}'",
                dims_str(&[m])
            ));
        }
        let win = self.window(n, Some(wd[2..].to_vec()))?;
        let out_pad = match self.attrs.ints("output_padding")? {
            Some(v) if v.len() != n => {
                return Err(format!(
                    "attribute 'output_padding' must have {n} elements, but has {}",
                    v.len()
                ));
            }
            Some(v) => v,
            None => vec![0; n],
        };
        if let Some(p) = out_pad.iter().find(|&&p| p < 0) {
            return Err(format!("output_padding must be non-negative, but got {p}"));
        }
        let spatial = if let Some(os) = self.attrs.ints("output_shape")? {
            let os = if os.len() == n + 2 {
                os[2..].to_vec()
            } else {
                os
            };
            if os.len() != n {
                return Err(format!(
                    "attribute 'output_shape' must have {n} elements, but has {}",
                    os.len()
                ));
            }
            if let Some(d) = os.iter().find(|&&d| d < 0) {
                return Err(format!("output_shape must be non-negative, but got {d}"));
            }
            os
        } else {
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                let (xi, k, s, d) = (xd[i + 2], win.kernel[i], win.strides[i], win.dilations[i]);
                if xi < 0 {
                    out.push(DYN);
                    continue;
                }
                if win.auto_pad.starts_with("SAME") {
                    out.push(xi.checked_mul(s).ok_or("dimension overflows i64")?);
                    continue;
                }
                if k < 0 {
                    out.push(DYN);
                    continue;
                }
                let (pb, pe) = if win.auto_pad == "VALID" {
                    (0, 0)
                } else {
                    (win.pads[i], win.pads[i + n])
                };
                let v = (|| {
                    s.checked_mul(xi - 1)?
                        .checked_add(out_pad[i])?
                        .checked_add((k - 1).checked_mul(d)?.checked_add(1)?)?
                        .checked_sub(pb)?
                        .checked_sub(pe)
                })()
                .ok_or("dimension overflows i64")?;
                if v < 0 {
                    return Err(format!(
                        "output spatial dimension {i} would be negative ({v})"
                    ));
                }
                out.push(v);
            }
            out
        };
        let mut out = vec![xd[0], m];
        out.extend(spatial);
        Ok(vec![TensorInfo::ranked(x.dt, out)])
    }

    pub(super) fn pool(&self) -> R {
        let x = self.t(0)?;
        let ceil_mode = self.attrs.flag("ceil_mode", false)?;
        match self.spec.onnx {
            "MaxPool" => {
                self.attrs.flag("storage_order", false)?;
            }
            "AveragePool" => {
                self.attrs.flag("count_include_pad", false)?;
            }
            _ => {
                let p = self.attrs.int("p", 2)?;
                if p < 1 {
                    return Err(format!("attribute 'p' must be positive, but is {p}"));
                }
            }
        }
        let Some(xd) = x.dims() else {
            return Ok(vec![x.clone(), TensorInfo::unranked(DType::I64)]);
        };
        if xd.len() < 3 {
            return Err(format!(
                "expects an input of rank at least 3 (N x C x spatial), but got {x}"
            ));
        }
        let n = xd.len() - 2;
        if !self.attrs.has("kernel_shape") {
            return Err("requires attribute 'kernel_shape'".into());
        }
        let win = self.window(n, None)?;
        let spatial = self.window_out(&win, &xd[2..], ceil_mode)?;
        let mut out = xd[..2].to_vec();
        out.extend(spatial);
        Ok(vec![
            TensorInfo::ranked(x.dt, out.clone()),
            TensorInfo::ranked(DType::I64, out),
        ])
    }

    pub(super) fn max_unpool(&self) -> R {
        let (x, idx) = (self.t(0)?, self.t(1)?);
        if let (Some(a), Some(b)) = (x.dims(), idx.dims())
            && (a.len() != b.len() || a.iter().zip(b).any(|(&p, &q)| merge_dim(p, q).is_none()))
        {
            return Err(format!(
                "indices {idx} must have the shape of the input {x}"
            ));
        }
        let Some(xd) = x.dims() else {
            return Ok(vec![x.clone()]);
        };
        if xd.len() < 3 {
            return Err(format!(
                "expects an input of rank at least 3 (N x C x spatial), but got {x}"
            ));
        }
        let n = xd.len() - 2;
        let win = self.window(n, None)?;
        if let Some(os) = self.opt(2) {
            if os.rank().is_some_and(|r| r != 1) {
                return Err(format!("output_shape must be 1-D, but has type '{os}'"));
            }
            return Ok(vec![match self.const_ints(2) {
                Some(v) if v.len() == xd.len() && v.iter().all(|&d| d >= 0) => {
                    TensorInfo::ranked(x.dt, v)
                }
                Some(v) => {
                    return Err(format!(
                        "output_shape {} must have {} non-negative elements",
                        dims_str(&v),
                        xd.len()
                    ));
                }
                None => TensorInfo::ranked(x.dt, vec![DYN; xd.len()]),
            }]);
        }
        let mut out = xd[..2].to_vec();
        for i in 0..n {
            let (xi, k, s) = (xd[i + 2], win.kernel[i], win.strides[i]);
            if xi < 0 || k < 0 {
                out.push(DYN);
                continue;
            }
            let v = (|| {
                (xi - 1)
                    .checked_mul(s)?
                    .checked_add(k)?
                    .checked_sub(win.pads[i])?
                    .checked_sub(win.pads[i + n])
            })()
            .ok_or("dimension overflows i64")?;
            if v < 0 {
                return Err(format!(
                    "output spatial dimension {i} would be negative ({v})"
                ));
            }
            out.push(v);
        }
        Ok(vec![TensorInfo::ranked(x.dt, out)])
    }

    pub(super) fn global_pool(&self) -> R {
        let x = self.t(0)?;
        if self.spec.onnx == "GlobalLpPool" {
            let p = self.attrs.int("p", 2)?;
            if p < 1 {
                return Err(format!("attribute 'p' must be positive, but is {p}"));
            }
        }
        let Some(xd) = x.dims() else {
            return Ok(vec![x.clone()]);
        };
        if xd.len() < 2 {
            return Err(format!(
                "expects an input of rank at least 2 (N x C x spatial), but got {x}"
            ));
        }
        let mut out = xd[..2].to_vec();
        out.resize(xd.len(), 1);
        Ok(vec![TensorInfo::ranked(x.dt, out)])
    }

    /// Checks that operand `i` is 1-D with `c` elements (when known).
    fn expect_channel_vector(&self, i: usize, c: i64) -> Result<(), String> {
        let t = self.t(i)?;
        if let Some(d) = t.dims()
            && (d.len() != 1 || merge_dim(d[0], c).is_none())
        {
            return Err(format!(
                "operand #{i} ({}) must be 1-D with {} elements (the channels), but has type '{t}'",
                self.pname(i),
                dims_str(&[c])
            ));
        }
        Ok(())
    }

    pub(super) fn batch_norm(&self) -> R {
        let x = self.t(0)?;
        self.expect_min_rank(0, 1)?;
        let training = self.attrs.flag("training_mode", false)?;
        if self.num_results > 1 && !training {
            return Err(format!(
                "has {} results, but running_mean and running_var are only produced with training_mode = 1",
                self.num_results
            ));
        }
        let c = match x.dims() {
            Some(d) if d.len() > 1 => d[1],
            Some(_) => 1,
            None => DYN,
        };
        for i in 1..5 {
            self.expect_channel_vector(i, c)?;
        }
        let m = self.t(3)?;
        let stat = TensorInfo::ranked(m.dt, vec![c]);
        Ok(vec![x.clone(), stat.clone(), stat])
    }

    pub(super) fn instance_norm(&self) -> R {
        let x = self.t(0)?;
        self.expect_min_rank(0, 3)?;
        let c = x.dims().map_or(DYN, |d| d[1]);
        self.expect_channel_vector(1, c)?;
        self.expect_channel_vector(2, c)?;
        Ok(vec![x.clone()])
    }

    pub(super) fn layer_norm(&self) -> R {
        let x = self.t(0)?;
        let axis = self.attrs.int("axis", -1)?;
        let u = self.stash_type()?;
        let Some(xd) = x.dims() else {
            return Ok(vec![
                x.clone(),
                TensorInfo::unranked(u),
                TensorInfo::unranked(u),
            ]);
        };
        let a = norm_axis(axis, xd.len(), "axis")?;
        for i in [1, 2] {
            if let Some(t) = self.opt(i)
                && let Some(td) = t.dims()
                && !unidirectional_ok(td, xd)
            {
                return Err(format!(
                    "operand #{i} ({}) {t} does not broadcast to the input {x}",
                    self.pname(i)
                ));
            }
        }
        let mut stat = xd[..a].to_vec();
        stat.resize(xd.len(), 1);
        Ok(vec![
            x.clone(),
            TensorInfo::ranked(u, stat.clone()),
            TensorInfo::ranked(u, stat),
        ])
    }

    pub(super) fn rnn(&self) -> R {
        let (x, w, r) = (self.t(0)?, self.t(1)?, self.t(2)?);
        let gates: i64 = match self.spec.onnx {
            "LSTM" => 4,
            "GRU" => 3,
            _ => 1,
        };
        let direction = self
            .attrs
            .choice("direction", &["forward", "reverse", "bidirectional"])?;
        let dirs: i64 = if direction == "bidirectional" { 2 } else { 1 };
        let layout = self.attrs.int("layout", 0)?;
        if layout != 0 && layout != 1 {
            return Err(format!(
                "attribute 'layout' must be 0 or 1, but is {layout}"
            ));
        }
        if self.spec.onnx == "LSTM" {
            self.attrs.flag("input_forget", false)?;
        }
        if self.spec.onnx == "GRU" {
            self.attrs.flag("linear_before_reset", false)?;
        }
        if let Some(acts) = self.attrs.strings("activations")? {
            let per_dir = match self.spec.onnx {
                "LSTM" => 3,
                "GRU" => 2,
                _ => 1,
            };
            if acts.len() != (per_dir * dirs) as usize {
                return Err(format!(
                    "attribute 'activations' must have {} elements ({per_dir} per direction), but has {}",
                    per_dir * dirs,
                    acts.len()
                ));
            }
            const KNOWN: &[&str] = &[
                "Relu",
                "Tanh",
                "Sigmoid",
                "Affine",
                "LeakyRelu",
                "ThresholdedRelu",
                "ScaledTanh",
                "HardSigmoid",
                "Elu",
                "Softsign",
                "Softplus",
            ];
            if let Some(a) = acts.iter().find(|a| !KNOWN.contains(a)) {
                return Err(format!("unknown activation \"{a}\""));
            }
        }
        for (i, t) in [(0, x), (1, w), (2, r)] {
            if t.rank().is_some_and(|rk| rk != 3) {
                return Err(format!(
                    "operand #{i} ({}) must have rank 3, but has type '{t}'",
                    self.pname(i)
                ));
            }
        }
        let hs_attr = self.attrs.opt_int("hidden_size")?;
        if let Some(h) = hs_attr
            && h <= 0
        {
            return Err(format!(
                "attribute 'hidden_size' must be positive, but is {h}"
            ));
        }
        let mut hidden = hs_attr.unwrap_or(DYN);
        if let Some(rd) = r.dims() {
            hidden = merge_dim(hidden, rd[2])
                .ok_or_else(|| format!("hidden_size {hidden} disagrees with R {r}"))?;
        }
        let gh = dim_mul(hidden, gates)?;
        for (i, t) in [(1, w), (2, r)] {
            if let Some(d) = t.dims() {
                if merge_dim(d[0], dirs).is_none() {
                    return Err(format!(
                        "operand #{i} ({}) must have {dirs} directions in dimension 0, but has type '{t}'",
                        self.pname(i)
                    ));
                }
                if merge_dim(d[1], gh).is_none() {
                    return Err(format!(
                        "operand #{i} ({}) must have {gates} x hidden_size rows, but has type '{t}'",
                        self.pname(i)
                    ));
                }
            }
        }
        let (seq, batch, input) = match x.dims() {
            Some(d) if layout == 0 => (d[0], d[1], d[2]),
            Some(d) => (d[1], d[0], d[2]),
            None => (DYN, DYN, DYN),
        };
        if let Some(d) = w.dims()
            && merge_dim(d[2], input).is_none()
        {
            return Err(format!("W {w} disagrees with the input size of X {x}"));
        }
        if let Some(b) = self.opt(3)
            && let Some(d) = b.dims()
            && (d.len() != 2
                || merge_dim(d[0], dirs).is_none()
                || merge_dim(d[1], dim_mul(gh, 2)?).is_none())
        {
            return Err(format!(
                "B must have shape {}, but has type '{b}'",
                dims_str(&[dirs, dim_mul(gh, 2)?])
            ));
        }
        if let Some(s) = self.opt(4)
            && let Some(d) = s.dims()
            && (d.len() != 1 || merge_dim(d[0], batch).is_none())
        {
            return Err(format!(
                "sequence_lens must have shape {}, but has type '{s}'",
                dims_str(&[batch])
            ));
        }
        let state = if layout == 0 {
            vec![dirs, batch, hidden]
        } else {
            vec![batch, dirs, hidden]
        };
        for i in [5, 6] {
            if let Some(t) = self.opt(i)
                && let Some(d) = t.dims()
                && (d.len() != 3
                    || d.iter()
                        .zip(&state)
                        .any(|(&a, &b)| merge_dim(a, b).is_none()))
            {
                return Err(format!(
                    "operand #{i} ({}) must have shape {}, but has type '{t}'",
                    self.pname(i),
                    dims_str(&state)
                ));
            }
        }
        if let Some(p) = self.opt(7)
            && let Some(d) = p.dims()
            && (d.len() != 2
                || merge_dim(d[0], dirs).is_none()
                || merge_dim(d[1], dim_mul(hidden, 3)?).is_none())
        {
            return Err(format!(
                "P must have shape {}, but has type '{p}'",
                dims_str(&[dirs, dim_mul(hidden, 3)?])
            ));
        }
        let y = if layout == 0 {
            vec![seq, dirs, batch, hidden]
        } else {
            vec![batch, seq, dirs, hidden]
        };
        Ok(vec![
            TensorInfo::ranked(x.dt, y),
            TensorInfo::ranked(x.dt, state.clone()),
            TensorInfo::ranked(x.dt, state),
        ])
    }

    pub(super) fn grid_sample(&self) -> R {
        let (x, g) = (self.t(0)?, self.t(1)?);
        self.attrs.choice("mode", &["linear", "nearest", "cubic"])?;
        self.attrs
            .choice("padding_mode", &["zeros", "border", "reflection"])?;
        self.attrs.flag("align_corners", false)?;
        let rank = match (x.rank(), g.rank()) {
            (Some(a), Some(b)) if a != b => {
                return Err(format!("input {x} and grid {g} must have the same rank"));
            }
            (Some(a), _) | (None, Some(a)) => a,
            (None, None) => return Ok(vec![x.clone()]),
        };
        if rank < 3 {
            return Err(format!(
                "expects an input of rank at least 3 (N x C x spatial), but got {x}"
            ));
        }
        let xd = x.dims().map_or(vec![DYN; rank], <[i64]>::to_vec);
        let gd = g.dims().map_or(vec![DYN; rank], <[i64]>::to_vec);
        if merge_dim(gd[rank - 1], rank as i64 - 2).is_none() {
            return Err(format!(
                "grid {g} must end in a dimension of size {} (the spatial rank)",
                rank - 2
            ));
        }
        let n = merge_dim(xd[0], gd[0])
            .ok_or_else(|| format!("input {x} and grid {g} have different batch sizes"))?;
        let mut out = vec![n, xd[1]];
        out.extend_from_slice(&gd[1..rank - 1]);
        Ok(vec![TensorInfo::ranked(x.dt, out)])
    }

    pub(super) fn roi_align(&self) -> R {
        let (x, rois, bi) = (self.t(0)?, self.t(1)?, self.t(2)?);
        self.expect_rank(0, 4)?;
        self.expect_rank(1, 2)?;
        self.expect_rank(2, 1)?;
        self.attrs.choice("mode", &["avg", "max"])?;
        self.attrs.choice(
            "coordinate_transformation_mode",
            &["half_pixel", "output_half_pixel"],
        )?;
        let oh = self.attrs.int("output_height", 1)?;
        let ow = self.attrs.int("output_width", 1)?;
        if oh < 1 || ow < 1 {
            return Err(format!(
                "output_height and output_width must be positive, but are {oh} and {ow}"
            ));
        }
        if self.attrs.int("sampling_ratio", 0)? < 0 {
            return Err("attribute 'sampling_ratio' must be non-negative".into());
        }
        let rd = rois.dims().map_or(vec![DYN, 4], <[i64]>::to_vec);
        if merge_dim(rd[1], 4).is_none() {
            return Err(format!(
                "rois must have shape [num_rois, 4], but has type '{rois}'"
            ));
        }
        let nr = merge_dim(rd[0], bi.dims().map_or(DYN, |d| d[0])).ok_or_else(|| {
            format!("rois {rois} and batch_indices {bi} disagree on the number of rois")
        })?;
        let c = x.dims().map_or(DYN, |d| d[1]);
        Ok(vec![TensorInfo::ranked(x.dt, vec![nr, c, oh, ow])])
    }

    /// `stash_type` (default float): a floating-point element type.
    pub(super) fn stash_type(&self) -> Result<DType, String> {
        let stash = self.attrs.int("stash_type", 1)?;
        match from_onnx_attr(stash) {
            Some(d) if d.is_float() => Ok(d),
            _ => Err(format!(
                "attribute 'stash_type' must be a floating-point data type, but is {stash}"
            )),
        }
    }

    pub(super) fn group_norm(&self) -> R {
        let x = self.t(0)?;
        self.expect_min_rank(0, 2)?;
        self.stash_type()?;
        let groups = self.attrs.int("num_groups", 0)?;
        if groups < 1 {
            return Err(format!(
                "attribute 'num_groups' must be positive, but is {groups}"
            ));
        }
        let c = x.dims().map_or(DYN, |d| d[1]);
        if c >= 0 && c % groups != 0 {
            return Err(format!(
                "num_groups ({groups}) must divide the channels ({c}) of {x}"
            ));
        }
        // Scale and bias are per channel since opset 21 (per group before).
        self.expect_channel_vector(1, c)?;
        self.expect_channel_vector(2, c)?;
        Ok(vec![x.clone()])
    }

    /// NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss: input `[N, C, d...]`, target
    /// `[N, d...]`, optional per-class weights `[C]`; the loss (per element with reduction
    /// "none", else a scalar) and, for SoftmaxCrossEntropyLoss, the log-probabilities.
    pub(super) fn loss(&self) -> R {
        let (x, t) = (self.t(0)?, self.t(1)?);
        let reduction = self.attrs.choice("reduction", &["mean", "none", "sum"])?;
        self.expect_min_rank(0, 2)?;
        self.expect_min_rank(1, 1)?;
        if let Some(r) = x.rank() {
            self.expect_rank(1, r - 1)?;
        }
        let target = match (x.dims(), t.dims()) {
            (Some(xd), Some(td)) => {
                let mut want = vec![xd[0]];
                want.extend_from_slice(&xd[2..]);
                Some(merge_dims(&want, td).ok_or_else(|| {
                    format!(
                        "operand #1 ({}) {t} must have the shape of the input {x} without its class dimension, {}",
                        self.pname(1),
                        dims_str(&want)
                    )
                })?)
            }
            (Some(xd), None) => {
                let mut want = vec![xd[0]];
                want.extend_from_slice(&xd[2..]);
                Some(want)
            }
            (None, td) => td.map(<[i64]>::to_vec),
        };
        let c = x.dims().map_or(DYN, |d| d[1]);
        if let Some(w) = self.opt(2)
            && let Some(wd) = w.dims()
            && (wd.len() != 1 || merge_dim(wd[0], c).is_none())
        {
            return Err(format!(
                "operand #2 ({}) must be 1-D with {} elements (the classes), but has type '{w}'",
                self.pname(2),
                dims_str(&[c])
            ));
        }
        let loss = if reduction == "none" {
            TensorInfo::new(x.dt, target)
        } else {
            TensorInfo::ranked(x.dt, vec![])
        };
        Ok(vec![loss, x.clone()])
    }

    pub(super) fn deform_conv(&self) -> R {
        let (x, w, off) = (self.t(0)?, self.t(1)?, self.t(2)?);
        let Some(rank) = x.rank().or(w.rank()).or(off.rank()) else {
            return Ok(vec![TensorInfo::unranked(x.dt)]);
        };
        if rank < 3 {
            return Err(format!(
                "expects an input of rank at least 3 (N x C x spatial), but got {x}"
            ));
        }
        for i in 0..3 {
            self.expect_rank(i, rank)?;
        }
        if self.opt(4).is_some() {
            self.expect_rank(4, rank)?;
        }
        let n = rank - 2;
        let dims = |t: &TensorInfo| t.dims().map_or(vec![DYN; rank], <[i64]>::to_vec);
        let (xd, wd, od) = (dims(x), dims(w), dims(off));
        let group = self.attrs.int("group", 1)?;
        let og = self.attrs.int("offset_group", 1)?;
        for (name, v) in [("group", group), ("offset_group", og)] {
            if v < 1 {
                return Err(format!("attribute '{name}' must be positive, but is {v}"));
            }
        }
        if xd[1] >= 0 && wd[1] >= 0 && Some(xd[1]) != wd[1].checked_mul(group) {
            return Err(format!(
                "input channels ({}) must equal weight channels ({}) times group ({group})",
                xd[1], wd[1]
            ));
        }
        if wd[0] >= 0 && wd[0] % group != 0 {
            return Err(format!(
                "output channels ({}) must be a multiple of group ({group})",
                wd[0]
            ));
        }
        if xd[1] >= 0 && xd[1] % og != 0 {
            return Err(format!(
                "input channels ({}) must be a multiple of offset_group ({og})",
                xd[1]
            ));
        }
        if let Some(b) = self.opt(3)
            && let Some(bd) = b.dims()
            && (bd.len() != 1 || merge_dim(bd[0], wd[0]).is_none())
        {
            return Err(format!(
                "bias must be 1-D with {} elements (the output channels), but has type '{b}'",
                dims_str(&wd[..1])
            ));
        }
        let win = self.window(n, Some(wd[2..].to_vec()))?;
        let spatial = self.window_out(&win, &xd[2..], false)?;
        // offset: [N, offset_group * n * prod(kernel), out...]; mask: [N, offset_group *
        // prod(kernel), out...]. The output takes its spatial dims from both.
        let kprod = dim_mul(og, product(&win.kernel)?)?;
        let mut want = vec![xd[0], dim_mul(kprod, n as i64)?];
        want.extend_from_slice(&spatial);
        let od = merge_dims(&od, &want).ok_or_else(|| {
            format!(
                "offset {off} must have shape {} (batch, offset_group x {n} x kernel size, output spatial dims)",
                dims_str(&want)
            )
        })?;
        let mut batch_spatial = od;
        if let Some(m) = self.opt(4) {
            let mut want = vec![batch_spatial[0], kprod];
            want.extend_from_slice(&batch_spatial[2..]);
            batch_spatial = merge_dims(&dims(m), &want).ok_or_else(|| {
                format!(
                    "mask {m} must have shape {} (batch, offset_group x kernel size, output spatial dims)",
                    dims_str(&want)
                )
            })?;
        }
        let mut out = vec![batch_spatial[0], wd[0]];
        out.extend_from_slice(&batch_spatial[2..]);
        Ok(vec![TensorInfo::ranked(x.dt, out)])
    }

    /// A positive (`min` 1) or non-negative (`min` 0) INTS attribute of `len` values.
    fn ints_of_len(
        &self,
        name: &str,
        len: usize,
        default: i64,
        min: i64,
    ) -> Result<Vec<i64>, String> {
        match self.attrs.ints(name)? {
            Some(v) if v.len() != len => Err(format!(
                "attribute '{name}' must have {len} elements, but has {}",
                v.len()
            )),
            Some(v) => match v.iter().find(|&&x| x < min) {
                Some(x) => Err(format!(
                    "attribute '{name}' must be {}, but has {x}",
                    if min > 0 { "positive" } else { "non-negative" }
                )),
                None => Ok(v),
            },
            None => Ok(vec![default; len]),
        }
    }

    pub(super) fn col2im(&self) -> R {
        let x = self.t(0)?;
        self.expect_rank(0, 3)?;
        self.expect_1d(1)?;
        self.expect_1d(2)?;
        let image = self.const_ints(1);
        let block = self.const_ints(2);
        let mut n = None;
        for len in [
            image.as_ref().map(Vec::len),
            block.as_ref().map(Vec::len),
            self.len_1d(1),
            self.len_1d(2),
        ]
        .into_iter()
        .flatten()
        {
            match n {
                Some(m) if m != len => {
                    return Err(format!(
                        "image_shape and block_shape must have the same length, but have {m} and {len}"
                    ));
                }
                _ => n = Some(len),
            }
        }
        let Some(n) = n else {
            return Ok(vec![TensorInfo::unranked(x.dt)]);
        };
        if n == 0 {
            return Err("image_shape and block_shape must not be empty".into());
        }
        let strides = self.ints_of_len("strides", n, 1, 1)?;
        let dilations = self.ints_of_len("dilations", n, 1, 1)?;
        let pads = self.ints_of_len("pads", 2 * n, 0, 0)?;
        if let Some(v) = image.as_ref().and_then(|v| v.iter().find(|&&d| d < 0)) {
            return Err(format!("image_shape must be non-negative, but has {v}"));
        }
        if let Some(v) = block.as_ref().and_then(|v| v.iter().find(|&&d| d <= 0)) {
            return Err(format!("block_shape must be positive, but has {v}"));
        }
        let xd = x.dims().map_or(vec![DYN; 3], <[i64]>::to_vec);
        let c = match &block {
            Some(b) => dim_div_exact(
                xd[1],
                product(b)?,
                &format!("dimension 1 of the input {x} over the block size"),
            )?,
            None => DYN,
        };
        if let (Some(img), Some(blk)) = (&image, &block)
            && xd[2] >= 0
        {
            let mut blocks: i64 = 1;
            for i in 0..n {
                let span = img[i]
                    .checked_add(pads[i])
                    .and_then(|v| v.checked_add(pads[i + n]))
                    .ok_or("padded image overflows i64")?;
                let eff = (blk[i] - 1)
                    .checked_mul(dilations[i])
                    .and_then(|v| v.checked_add(1))
                    .ok_or("dilated block overflows i64")?;
                if span < eff {
                    return Err(format!(
                        "the block (size {}, dilation {}) does not fit the padded image dimension {span}",
                        blk[i], dilations[i]
                    ));
                }
                blocks = blocks
                    .checked_mul((span - eff) / strides[i] + 1)
                    .ok_or("the number of blocks overflows i64")?;
            }
            if blocks != xd[2] {
                return Err(format!(
                    "the input {x} has {} blocks, but the image and block shapes give {blocks}",
                    xd[2]
                ));
            }
        }
        let mut out = vec![xd[0], c];
        match image {
            Some(img) => out.extend(img),
            None => out.extend(std::iter::repeat_n(DYN, n)),
        }
        Ok(vec![TensorInfo::ranked(x.dt, out)])
    }

    pub(super) fn affine_grid(&self) -> R {
        let theta = self.t(0)?;
        self.attrs.flag("align_corners", false)?;
        self.expect_rank(0, 3)?;
        self.expect_1d(1)?;
        let size = self.const_ints(1);
        let td = theta.dims().map_or(vec![DYN; 3], <[i64]>::to_vec);
        // The number of spatial dims: 2 or 3.
        let size_len = size.as_ref().map(Vec::len).or(self.len_1d(1));
        if let Some(l) = size_len
            && l != 4
            && l != 5
        {
            return Err(format!(
                "size must have 4 (2-D) or 5 (3-D) elements, but has {l}"
            ));
        }
        let from_size = size_len.map_or(DYN, |l| l as i64 - 2);
        let nd = merge_dim(from_size, td[1]).ok_or_else(|| {
            format!(
                "theta {theta} does not match a size of {} elements",
                from_size + 2
            )
        })?;
        if nd >= 0 && nd != 2 && nd != 3 {
            return Err(format!(
                "expects a 2-D grid (theta [N, 2, 3], size of 4 elements) or a 3-D one (theta [N, 3, 4], size of 5 elements), but got theta {theta} and {} size elements",
                nd + 2
            ));
        }
        if nd >= 0 && merge_dim(td[2], nd + 1).is_none() {
            return Err(format!(
                "theta {theta} must have shape [N, {nd}, {}]",
                nd + 1
            ));
        }
        if nd < 0 {
            return Ok(vec![TensorInfo::unranked(theta.dt)]);
        }
        let (batch, spatial) = match size {
            Some(s) => {
                if let Some(v) = s.iter().find(|&&d| d < 0) {
                    return Err(format!("size must be non-negative, but has {v}"));
                }
                let b = merge_dim(td[0], s[0]).ok_or_else(|| {
                    format!(
                        "theta {theta} holds {} matrices, but size says {}",
                        td[0], s[0]
                    )
                })?;
                (b, s[2..].to_vec())
            }
            None => (td[0], vec![DYN; nd as usize]),
        };
        let mut out = vec![batch];
        out.extend(spatial);
        out.push(nd);
        Ok(vec![TensorInfo::ranked(theta.dt, out)])
    }
}
