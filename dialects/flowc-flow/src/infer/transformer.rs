//! Transformer-era ops: Attention, LinearAttention, RotaryEmbedding, TensorScatter,
//! CausalConvWithState and RMSNormalization.

use super::util::{
    DYN, TensorInfo, dim_add, dim_div_exact, dim_mul, dims_str, merge_dim, merge_dims, norm_axis,
    unidirectional_ok,
};
use super::{Infer, R};
use crate::dtype::{DType, from_onnx_attr};

/// The dims of `t`, or `n` dynamic dims when it is unranked.
fn dims_or_dyn(t: &TensorInfo, n: usize) -> Vec<i64> {
    t.dims().map_or_else(|| vec![DYN; n], <[i64]>::to_vec)
}

/// Merges two sizes of one dimension, or the error `what` names.
fn merge_or(a: i64, b: i64, what: impl FnOnce() -> String) -> Result<i64, String> {
    merge_dim(a, b).ok_or_else(what)
}

/// Whether `heads` (when static and non-zero) does not divide `n` (when static).
fn not_multiple(n: i64, heads: i64) -> bool {
    n >= 0 && heads >= 0 && n.checked_rem(heads).is_none_or(|r| r != 0) && !(n == 0 && heads == 0)
}

impl Infer<'_> {
    /// A positive head count attribute, if present.
    fn heads_attr(&self, name: &str) -> Result<Option<i64>, String> {
        match self.attrs.opt_int(name)? {
            Some(h) if h <= 0 => Err(format!("attribute '{name}' must be positive, but is {h}")),
            h => Ok(h),
        }
    }

    /// Operand `i` of Attention seen as 4-D `[batch, heads, sequence, head size]`: 4-D operands
    /// as they are, 3-D `[batch, sequence, heads * head size]` ones split by `heads`.
    fn attention_view(&self, i: usize, heads: Option<i64>) -> Result<[i64; 4], String> {
        let t = self.t(i)?;
        let h = heads.unwrap_or(DYN);
        match t.dims() {
            Some(d) if d.len() == 4 => {
                let hh = merge_or(d[1], h, || {
                    format!(
                        "operand #{i} ({}) {t} has {} heads, but the head count attribute says {h}",
                        self.pname(i),
                        d[1]
                    )
                })?;
                Ok([d[0], hh, d[2], d[3]])
            }
            Some(d) => {
                let size = if h > 0 {
                    dim_div_exact(
                        d[2],
                        h,
                        &format!("the hidden size of operand #{i} ({}) {t}", self.pname(i)),
                    )?
                } else {
                    DYN
                };
                Ok([d[0], h, d[1], size])
            }
            None => Ok([DYN, h, DYN, DYN]),
        }
    }

    pub(super) fn attention(&self) -> R {
        let (q, k, v) = (self.t(0)?, self.t(1)?, self.t(2)?);
        self.attrs.flag("is_causal", false)?;
        let mode = self.attrs.int("qk_matmul_output_mode", 0)?;
        if !(0..=3).contains(&mode) {
            return Err(format!(
                "attribute 'qk_matmul_output_mode' must be 0, 1, 2 or 3, but is {mode}"
            ));
        }
        for name in ["left_window_size", "right_window_size"] {
            let w = self.attrs.int(name, -1)?;
            if w < -1 {
                return Err(format!(
                    "attribute '{name}' must be -1 or non-negative, but is {w}"
                ));
            }
        }
        if let Some(p) = self.attrs.opt_int("softmax_precision")?
            && !from_onnx_attr(p).is_some_and(DType::is_float)
        {
            return Err(format!(
                "attribute 'softmax_precision' must be a floating-point data type, but is {p}"
            ));
        }
        let q_heads = self.heads_attr("q_num_heads")?;
        let kv_heads = self.heads_attr("kv_num_heads")?;
        let mut rank = None;
        for (i, t) in [(0, q), (1, k), (2, v)] {
            let Some(r) = t.rank() else { continue };
            if r != 3 && r != 4 {
                return Err(format!(
                    "operand #{i} ({}) must have rank 3 or 4, but has type '{t}'",
                    self.pname(i)
                ));
            }
            match rank {
                Some(r0) if r0 != r => {
                    return Err(format!(
                        "Q, K and V must all be 3-D or all 4-D, but got {q}, {k} and {v}"
                    ));
                }
                _ => rank = Some(r),
            }
        }
        if rank == Some(3) && (q_heads.is_none() || kv_heads.is_none()) {
            return Err("3-D inputs need attributes 'q_num_heads' and 'kv_num_heads'".into());
        }
        let [qb, qh, sq, hs] = self.attention_view(0, q_heads)?;
        let [kb, kvh, skv, khs] = self.attention_view(1, kv_heads)?;
        let [vb, vh, vs, vhs] = self.attention_view(2, kv_heads)?;
        let batch = merge_dim(qb, kb)
            .and_then(|b| merge_dim(b, vb))
            .ok_or_else(|| format!("Q {q}, K {k} and V {v} have different batch sizes"))?;
        let hs = merge_or(hs, khs, || {
            format!("Q {q} and K {k} must have the same head size, but have {hs} and {khs}")
        })?;
        let kvh = merge_or(kvh, vh, || {
            format!("K {k} and V {v} must have the same number of heads, but have {kvh} and {vh}")
        })?;
        let skv = merge_or(skv, vs, || {
            format!("K {k} and V {v} must have the same sequence length, but have {skv} and {vs}")
        })?;
        if not_multiple(qh, kvh) {
            return Err(format!(
                "{qh} query heads are not a multiple of {kvh} key / value heads"
            ));
        }
        let (pk, pv) = (self.opt(4), self.opt(5));
        if pk.is_some() != pv.is_some() {
            return Err("past_key and past_value must be given together".into());
        }
        if self.opt(6).is_some() && pk.is_some() {
            return Err(
                "nonpad_kv_seqlen cannot be combined with past_key and past_value".to_string(),
            );
        }
        let total = match (pk, pv) {
            (Some(pk), Some(pv)) => {
                self.expect_rank(4, 4)?;
                self.expect_rank(5, 4)?;
                let want_k = [batch, kvh, DYN, hs];
                let want_v = [batch, kvh, DYN, vhs];
                let pkd = merge_dims(&dims_or_dyn(pk, 4), &want_k).ok_or_else(|| {
                    format!(
                        "past_key {pk} must have shape {} (batch, kv heads, past length, head size)",
                        dims_str(&want_k)
                    )
                })?;
                let pvd = merge_dims(&dims_or_dyn(pv, 4), &want_v).ok_or_else(|| {
                    format!(
                        "past_value {pv} must have shape {} (batch, kv heads, past length, v head size)",
                        dims_str(&want_v)
                    )
                })?;
                let past = merge_or(pkd[2], pvd[2], || {
                    format!("past_key {pk} and past_value {pv} have different lengths")
                })?;
                dim_add(past, skv)?
            }
            _ => skv,
        };
        if let Some(m) = self.opt(3)
            && let Some(md) = m.dims()
        {
            let Some((&last, lead)) = md.split_last() else {
                return Err(format!("attn_mask must have rank at least 1, but is {m}"));
            };
            if md.len() > 4 || !unidirectional_ok(lead, &[batch, qh, sq]) {
                return Err(format!(
                    "attn_mask {m} does not broadcast to the attention scores {}",
                    dims_str(&[batch, qh, sq, total])
                ));
            }
            if last >= 0 && total >= 0 && last > total {
                return Err(format!(
                    "attn_mask {m} is longer than the {total} keys and values"
                ));
            }
        }
        if let Some(np) = self.opt(6) {
            self.expect_rank(6, 1)?;
            if let Some(d) = np.dims()
                && merge_dim(d[0], batch).is_none()
            {
                return Err(format!(
                    "nonpad_kv_seqlen {np} must have one element per batch entry ({batch})"
                ));
            }
        }
        let y = match rank {
            Some(3) => TensorInfo::ranked(q.dt, vec![batch, sq, dim_mul(qh, vhs)?]),
            Some(_) => TensorInfo::ranked(q.dt, vec![batch, qh, sq, vhs]),
            None => TensorInfo::unranked(q.dt),
        };
        Ok(vec![
            y,
            TensorInfo::ranked(k.dt, vec![batch, kvh, total, hs]),
            TensorInfo::ranked(v.dt, vec![batch, kvh, total, vhs]),
            TensorInfo::ranked(q.dt, vec![batch, qh, sq, total]),
        ])
    }

    pub(super) fn linear_attention(&self) -> R {
        let (q, k, v) = (self.t(0)?, self.t(1)?, self.t(2)?);
        let rule = self
            .attrs
            .choice("update_rule", &["gated_delta", "linear", "gated", "delta"])?;
        let qh = self.heads_attr("q_num_heads")?.unwrap_or(DYN);
        let kvh = self.heads_attr("kv_num_heads")?.unwrap_or(DYN);
        if not_multiple(qh, kvh) {
            return Err(format!(
                "q_num_heads ({qh}) must be a multiple of kv_num_heads ({kvh})"
            ));
        }
        for i in 0..3 {
            self.expect_rank(i, 3)?;
        }
        let (qd, kd, vd) = (dims_or_dyn(q, 3), dims_or_dyn(k, 3), dims_or_dyn(v, 3));
        let batch = merge_dim(qd[0], kd[0])
            .and_then(|b| merge_dim(b, vd[0]))
            .ok_or_else(|| {
                format!("query {q}, key {k} and value {v} have different batch sizes")
            })?;
        let t = merge_dim(qd[1], kd[1])
            .and_then(|s| merge_dim(s, vd[1]))
            .ok_or_else(|| {
                format!("query {q}, key {k} and value {v} have different sequence lengths")
            })?;
        let per = |d: i64, h: i64, what: &str| {
            if h > 0 {
                dim_div_exact(d, h, what)
            } else {
                Ok(DYN)
            }
        };
        let dk = per(qd[2], qh, "the hidden size of query over q_num_heads")?;
        let kdk = per(kd[2], kvh, "the hidden size of key over kv_num_heads")?;
        let dk = merge_or(dk, kdk, || {
            format!("query {q} and key {k} have different head sizes ({dk} and {kdk})")
        })?;
        let dv = per(vd[2], kvh, "the hidden size of value over kv_num_heads")?;
        let needs_decay = matches!(rule, "gated" | "gated_delta");
        let needs_beta = matches!(rule, "delta" | "gated_delta");
        if needs_decay && self.opt(4).is_none() {
            return Err(format!("update_rule \"{rule}\" needs the decay operand"));
        }
        if needs_beta && self.opt(5).is_none() {
            return Err(format!("update_rule \"{rule}\" needs the beta operand"));
        }
        let mut state = vec![batch, kvh, dk, dv];
        let state_dt = match self.opt(3) {
            Some(p) => {
                self.expect_rank(3, 4)?;
                state = merge_dims(&dims_or_dyn(p, 4), &state).ok_or_else(|| {
                    format!(
                        "past_state {p} must have shape {} (batch, kv heads, key head size, value head size)",
                        dims_str(&state)
                    )
                })?;
                p.dt
            }
            None => q.dt,
        };
        let (batch, kvh, dk, dv) = (state[0], state[1], state[2], state[3]);
        let kvh_dk = dim_mul(kvh, dk)?;
        for (i, allowed) in [(4, [kvh, kvh_dk]), (5, [kvh, 1])] {
            let Some(g) = self.opt(i) else { continue };
            self.expect_rank(i, 3)?;
            let Some(gd) = g.dims() else { continue };
            let last = gd[2];
            if merge_dim(gd[0], batch).is_none()
                || merge_dim(gd[1], t).is_none()
                || (last >= 0 && allowed.iter().all(|&a| a >= 0 && a != last))
            {
                return Err(format!(
                    "operand #{i} ({}) {g} must have shape {} or {}",
                    self.pname(i),
                    dims_str(&[batch, t, allowed[0]]),
                    dims_str(&[batch, t, allowed[1]])
                ));
            }
        }
        Ok(vec![
            TensorInfo::ranked(q.dt, vec![batch, t, dim_mul(qh, dv)?]),
            TensorInfo::ranked(state_dt, state),
        ])
    }

    pub(super) fn rotary_embedding(&self) -> R {
        let x = self.t(0)?;
        self.attrs.flag("interleaved", false)?;
        let rd = self.attrs.int("rotary_embedding_dim", 0)?;
        if rd < 0 {
            return Err(format!(
                "attribute 'rotary_embedding_dim' must be non-negative, but is {rd}"
            ));
        }
        let heads = self.heads_attr("num_heads")?;
        // Batch, sequence and head size of the input.
        let (batch, seq, head) = match x.dims() {
            Some(d) if d.len() == 4 => {
                if let Some(h) = heads
                    && merge_dim(d[1], h).is_none()
                {
                    return Err(format!("input {x} does not have num_heads = {h} heads"));
                }
                (d[0], d[2], d[3])
            }
            Some(d) if d.len() == 3 => {
                let h = heads.ok_or("a 3-D input needs attribute 'num_heads'")?;
                let head = dim_div_exact(d[2], h, &format!("the hidden size of the input {x}"))?;
                (d[0], d[1], head)
            }
            Some(_) => {
                return Err(format!(
                    "operand #0 (X) must have rank 3 or 4, but has type '{x}'"
                ));
            }
            None => (DYN, DYN, DYN),
        };
        let rd = if rd == 0 { head } else { rd };
        if rd >= 0 && rd % 2 != 0 {
            return Err(format!("the rotary embedding dimension {rd} must be even"));
        }
        if rd >= 0 && head >= 0 && rd > head {
            return Err(format!(
                "the rotary embedding dimension {rd} exceeds the head size {head}"
            ));
        }
        let half = if rd >= 0 { rd / 2 } else { DYN };
        let (cos, sin) = (self.t(1)?, self.t(2)?);
        for (i, c) in [(1, cos), (2, sin)] {
            let Some(cd) = c.dims() else { continue };
            let ok_rank = if self.opt(3).is_some() {
                cd.len() == 2
            } else {
                cd.len() == 2 || cd.len() == 3
            };
            if !ok_rank {
                return Err(format!(
                    "operand #{i} ({}) must be 2-D [positions, rotary dim / 2]{}, but has type '{c}'",
                    self.pname(i),
                    if self.opt(3).is_some() {
                        ""
                    } else {
                        " or 3-D [batch, sequence, rotary dim / 2]"
                    }
                ));
            }
            if let Some(&last) = cd.last()
                && merge_dim(last, half).is_none()
            {
                return Err(format!(
                    "operand #{i} ({}) {c} must end in the rotary embedding dimension / 2 = {half}",
                    self.pname(i)
                ));
            }
        }
        if let (Some(a), Some(b)) = (cos.dims(), sin.dims())
            && merge_dims(a, b).is_none()
        {
            return Err(format!(
                "cos_cache {cos} and sin_cache {sin} must have the same shape"
            ));
        }
        if let Some(p) = self.opt(3) {
            self.expect_rank(3, 2)?;
            if let Some(pd) = p.dims()
                && merge_dims(pd, &[batch, seq]).is_none()
            {
                return Err(format!(
                    "position_ids {p} must have shape {} (batch, sequence)",
                    dims_str(&[batch, seq])
                ));
            }
        }
        Ok(vec![x.clone()])
    }

    pub(super) fn tensor_scatter(&self) -> R {
        let (c, u) = (self.t(0)?, self.t(1)?);
        self.attrs.choice("mode", &["linear", "circular"])?;
        let axis = self.attrs.int("axis", -2)?;
        let Some(r) = c.rank().or(u.rank()) else {
            return Ok(vec![c.clone()]);
        };
        self.expect_rank(0, r)?;
        self.expect_rank(1, r)?;
        let a = norm_axis(axis, r, "axis")?;
        if a == 0 {
            return Err("attribute 'axis' must not be 0 (the batch dimension)".into());
        }
        let mut out = dims_or_dyn(c, r);
        if let Some(ud) = u.dims() {
            for (i, (o, &ud)) in out.iter_mut().zip(ud).enumerate() {
                if i == a {
                    if *o >= 0 && ud > *o {
                        return Err(format!(
                            "update {u} is longer than past_cache {c} along axis {a}"
                        ));
                    }
                } else {
                    *o = merge_dim(*o, ud).ok_or_else(|| {
                        format!(
                            "update {u} and past_cache {c} differ in dimension {i} (only axis {a} may differ)"
                        )
                    })?;
                }
            }
        }
        if let Some(w) = self.opt(2) {
            self.expect_rank(2, 1)?;
            if let Some(wd) = w.dims()
                && merge_dim(wd[0], out[0]).is_none()
            {
                return Err(format!(
                    "write_indices {w} must have one element per batch entry ({})",
                    out[0]
                ));
            }
        }
        Ok(vec![TensorInfo::ranked(c.dt, out)])
    }

    pub(super) fn causal_conv(&self) -> R {
        let (x, w) = (self.t(0)?, self.t(1)?);
        self.attrs
            .choice("activation", &["none", "silu", "swish"])?;
        self.expect_rank(0, 3)?;
        self.expect_rank(1, 3)?;
        let (xd, wd) = (dims_or_dyn(x, 3), dims_or_dyn(w, 3));
        let c = merge_or(xd[1], wd[0], || {
            format!("input {x} and weight {w} have different channel counts")
        })?;
        if wd[1] >= 0 && wd[1] != 1 {
            return Err(format!(
                "weight {w} must have shape [channels, 1, kernel size] (depthwise)"
            ));
        }
        let state_len = match wd[2] {
            0 => return Err(format!("weight {w} has an empty kernel")),
            k if k > 0 => k - 1,
            _ => DYN,
        };
        let mut batch = xd[0];
        if let Some(b) = self.opt(2) {
            self.expect_rank(2, 1)?;
            if let Some(bd) = b.dims()
                && merge_dim(bd[0], c).is_none()
            {
                return Err(format!("bias {b} must have {c} elements (the channels)"));
            }
        }
        if let Some(p) = self.opt(3) {
            self.expect_rank(3, 3)?;
            let want = [batch, c, state_len];
            let pd = merge_dims(&dims_or_dyn(p, 3), &want).ok_or_else(|| {
                format!(
                    "past_state {p} must have shape {} (batch, channels, kernel size - 1)",
                    dims_str(&want)
                )
            })?;
            batch = pd[0];
        }
        Ok(vec![
            TensorInfo::ranked(x.dt, vec![batch, c, xd[2]]),
            TensorInfo::ranked(x.dt, vec![batch, c, state_len]),
        ])
    }

    pub(super) fn rms_norm(&self) -> R {
        let x = self.t(0)?;
        self.stash_type()?;
        let axis = self.attrs.int("axis", -1)?;
        if let Some(xd) = x.dims() {
            norm_axis(axis, xd.len(), "axis")?;
            let s = self.t(1)?;
            if let Some(sd) = s.dims()
                && !unidirectional_ok(sd, xd)
            {
                return Err(format!("scale {s} does not broadcast to the input {x}"));
            }
        }
        Ok(vec![x.clone()])
    }
}
