//! The cost model extraction minimizes, per target.
//!
//! A node's own cost is, in bytes-moved equivalents:
//!
//! ```text
//! launches * LAUNCH + bytes read + bytes written + flops / FLOPS_PER_BYTE
//! ```
//!
//! summed over the extracted tree (egg's [`egg::Extractor`]: a shared subterm counts once per
//! use, which is why fusion only absorbs producers that have one use). Leaves and constants
//! cost nothing (weights are read by their consumer, which counts the bytes), views (the
//! reshape family: `buffer.view`, no kernel) cost [`Target::view`], a kernel op one launch plus
//! its traffic and work, and a `flow.fused` kernel one launch plus the traffic of its inputs and
//! result only (its intermediates never reach memory) and the work of its ops, a conv / gemm /
//! matmul head's included; a conv's im2col packing is work too, and depends on its layout
//! ([`CostModel::conv_packing`]). A node whose type could not be inferred
//! costs infinity and is never chosen. Dynamic dims count as [`DYN_DIM`] elements. A slice that
//! is a contiguous run of its operand is a view too (a `buffer.view` at an offset), and one of
//! `k` such slices cutting its operand into equal parts carries `1 / k` of the operand's cost
//! ([`crate::rules::merge::operand_share`]), so that a merged projection is paid once.

use crate::lang::{FGraph, FNode, Key, KeyData, Src, shape_of};
use egg::{CostFunction, Id};
use flowc_ir::{Context, Type};

/// `?` dims are costed as this many elements.
pub const DYN_DIM: f64 = 64.0;

/// A code generation target's costs.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Target {
    pub name: &'static str,
    /// One kernel launch (task split, call, cache warm-up) in bytes-moved equivalents.
    pub launch: f64,
    /// Arithmetic per byte of memory traffic the target sustains.
    pub flops_per_byte: f64,
    /// A view (no kernel, no traffic): a small cost so that needless views go.
    pub view: f64,
    /// The work of a blocked (`NCHW16c`) conv relative to the GEMM kernels' for the same
    /// multiply-adds: the direct kernel broadcasts one input value per multiply-add of 16
    /// lanes, where the GEMM micro-kernel reuses each loaded value across a whole tile; in
    /// exchange it packs nothing (see [`CostModel::conv_packing`]).
    pub blocked_conv_work: f64,
    /// The traffic of a `flow.transpose` relative to its bytes: one side of the copy is a
    /// strided gather or scatter.
    pub transpose_traffic: f64,
}

impl Target {
    /// The host CPU (AVX2 / AVX-512 class): a launch costs about as much as moving 16 KiB,
    /// and about 8 flops hide behind each byte moved.
    pub const CPU: Target = Target {
        name: "cpu",
        launch: 16384.0,
        flops_per_byte: 8.0,
        view: 1.0,
        // Calibrated on single convs + ReLU (release, one thread, median ms; NCHW / NHWC /
        // blocked): 3x3 16 -> 32 at 56x56 0.142 / 0.122 / 0.107, 3x3 64 -> 64 at 56x56
        // 1.046 / 1.028 / 0.875, 3x3 stride 2 64 -> 128 at 56x56 0.616 / 0.461 / 0.428, 3x3
        // 128 -> 128 at 28x28 1.007 / 0.911 / 0.832, 3x3 256 -> 256 at 14x14 1.100 / 0.955 /
        // 0.808, 1x1 64 -> 128 at 28x28 0.050 / 0.050 / 0.054: without packing the blocked
        // kernel wins every 3x3 conv, and loses 1x1 stride-1 convs (no packing in any layout)
        // by 8%. Against the GEMM kernels' own costs the ratio varies (1.0 to 1.25 across
        // these shapes); 1.2 keeps 1x1 convs NCHW and keeps a TensorFlow-style 3x3 conv NHWC
        // (blocked it would need two transposes each side: 1.142 ms measured vs 1.028 NHWC).
        blocked_conv_work: 1.2,
        // Two re-layouts of a 64 x 56 x 56 f32 tensor took 0.111 ms together (the NCHW 3x3 conv
        // above between them 1.157 ms, alone 1.046), half again what their bytes cost at the
        // rate the conv's cost runs.
        transpose_traffic: 1.5,
    };

    pub fn parse(name: &str) -> Option<Target> {
        match name {
            "cpu" => Some(Target::CPU),
            _ => None,
        }
    }
}

/// Ops lowered to a `buffer.view` (no kernel).
pub fn is_view(name: &str) -> bool {
    matches!(
        name,
        "flow.reshape" | "flow.flatten" | "flow.squeeze" | "flow.unsqueeze" | "flow.identity"
    )
}

/// Elements and bytes of a tensor type.
fn size(ctx: &Context, ty: Type) -> (f64, f64) {
    let Some((shape, elem)) = shape_of(ctx, ty) else {
        return (0.0, 0.0);
    };
    let n: f64 = shape
        .iter()
        .map(|&d| if d < 0 { DYN_DIM } else { d as f64 })
        .product();
    let w = ctx.scalar_byte_width(elem).unwrap_or(4) as f64;
    (n, n * w)
}

/// The extraction cost function.
pub struct CostModel<'a> {
    pub eg: &'a FGraph,
    pub target: Target,
}

impl CostModel<'_> {
    /// The node's own cost (children excluded).
    pub fn node_cost(&self, node: &FNode) -> f64 {
        let eg = self.eg;
        let ctx = &eg.analysis.ctx;
        let ty_of = |id: Id| eg[id].data.ty;
        match eg.analysis.key(node.key) {
            KeyData::Leaf(..) | KeyData::Const(_) => 0.0,
            KeyData::Fused(body) => {
                let mut bytes = size(ctx, body.ty).1;
                for &a in &node.args {
                    bytes += ty_of(a).map_or(0.0, |t| size(ctx, t).1);
                }
                // Each op's work as if it were its own kernel (a head's GEMM work included).
                let mut flops = 0.0;
                for (key, srcs, t) in &body.ops {
                    let out_n = size(ctx, *t).0;
                    let arg_ty = |i: usize| match srcs.get(i) {
                        Some(Src::Arg(j)) => node.args.get(*j as usize).and_then(|&a| ty_of(a)),
                        Some(Src::Op(j)) => body.ops.get(*j as usize).map(|o| o.2),
                        None => None,
                    };
                    flops += match eg.analysis.op_name(*key) {
                        Some(name) if is_view(name) => 0.0,
                        Some(name) => self.flops(name, *key, &arg_ty, out_n),
                        None => out_n,
                    };
                }
                self.target.launch + bytes + flops / self.target.flops_per_byte
            }
            KeyData::Op { name, .. } => {
                let name = ctx.ident_str(*name);
                if name == "flow.none" {
                    return 0.0;
                }
                let Some(ty) = eg.lookup(node.clone()).and_then(|c| eg[c].data.ty) else {
                    return f64::INFINITY;
                };
                // A contiguous slice is a view at an offset (convert-flow-to-loop).
                if is_view(name) || crate::rules::merge::slice_is_view(eg, node) {
                    return self.target.view;
                }
                let (out_n, out_b) = size(ctx, ty);
                let mut bytes = out_b;
                for &a in &node.args {
                    bytes += ty_of(a).map_or(0.0, |t| size(ctx, t).1);
                }
                if name == "flow.transpose" {
                    bytes *= self.target.transpose_traffic;
                }
                let flops = self.flops(
                    name,
                    node.key,
                    &|i| node.args.get(i).and_then(|&a| ty_of(a)),
                    out_n,
                );
                self.target.launch + bytes + flops / self.target.flops_per_byte
            }
        }
    }

    /// The work of op `name` (key `key`) whose operand `i` has type `arg_ty(i)`, with `out_n`
    /// result elements.
    fn flops(
        &self,
        name: &str,
        key: Key,
        arg_ty: &dyn Fn(usize) -> Option<Type>,
        out_n: f64,
    ) -> f64 {
        let eg = self.eg;
        let ctx = &eg.analysis.ctx;
        let dims = |i: usize| -> Vec<f64> {
            arg_ty(i)
                .and_then(|t| shape_of(ctx, t))
                .map(|(s, _)| {
                    s.iter()
                        .map(|&d| if d < 0 { DYN_DIM } else { d as f64 })
                        .collect()
                })
                .unwrap_or_default()
        };
        match name {
            "flow.matmul" => {
                let a = dims(0);
                2.0 * out_n * a.last().copied().unwrap_or(1.0)
            }
            "flow.gemm" => {
                let a = dims(0);
                let trans_a = eg.analysis.attr_i64(key, "transA").unwrap_or(0) != 0;
                let k = if trans_a { a.first() } else { a.last() };
                2.0 * out_n * k.copied().unwrap_or(1.0)
            }
            "flow.conv" => {
                // Each output element: Cin/group * kernel window multiply-adds.
                let w = dims(1);
                let per: f64 = w.iter().skip(1).product();
                let pack = self.conv_packing(key, &dims(0), &w, out_n);
                let rate = if self.is_blocked(key) {
                    self.target.blocked_conv_work
                } else {
                    1.0
                };
                rate * 2.0 * out_n * per + pack * self.target.flops_per_byte
            }
            // Division and square roots cost a few multiplications; transcendentals more.
            "flow.div" | "flow.reciprocal" | "flow.sqrt" => 4.0 * out_n,
            "flow.exp" | "flow.log" | "flow.erf" | "flow.tanh" | "flow.sigmoid" | "flow.pow"
            | "flow.gelu" | "flow.softplus" | "flow.elu" | "flow.selu" => 8.0 * out_n,
            _ => out_n,
        }
    }
}

impl CostModel<'_> {
    /// The bytes a conv's im2col packing moves on this target, which depends on the layout
    /// (`flow.conv`'s `layout`): `K = C / group * kernel` values per output position are copied
    /// into a block and read back (8 bytes per f32 value); none for a 1x1 stride-1 unpadded conv
    /// (the GEMM reads X itself in either layout). NHWC copies contiguous runs of channels
    /// whatever the stride; NCHW copies runs along an image row, contiguous for a horizontal
    /// stride of 1, a strided gather otherwise, which costs 2 bytes more per value (calibrated on
    /// convert-flow-to-loop's kernels, one thread: a 3x3 stride-2 conv 64 -> 128 channels at
    /// 56x56 took 0.553 ms in NCHW and 0.455 ms in NHWC, about 0.2 ns more per packed value;
    /// at stride 1 the two were within 7%, NHWC ahead, 1x1 equal). So a plain NCHW CNN stays
    /// NCHW: the transposes an NHWC conv needs at its borders cost more than it saves. Depthwise
    /// convs pack differently (below): NHWC 0.032 vs NCHW 0.038 ms for 3x3 over 64 channels at
    /// 56x56, 0.031 vs 0.045 ms at stride 2 over 128.
    fn conv_packing(&self, key: Key, x: &[f64], w: &[f64], out_n: f64) -> f64 {
        let a = &self.eg.analysis;
        // The blocked kernel packs nothing: a block of 16 channels is contiguous in X, in its
        // re-packed W and in Y (its cost is its work: `Target::blocked_conv_work`).
        if self.is_blocked(key) {
            return 0.0;
        }
        let r = x.len();
        if r < 3 || w.len() != r || w[0] <= 0.0 {
            return 0.0;
        }
        let nhwc = a
            .attr(key, "layout")
            .and_then(|l| a.ctx.str_value(l))
            .is_some_and(|l| l == "NHWC");
        let all = |name: &str, v: i64| -> bool {
            a.attr_ints(key, name)
                .is_none_or(|xs| xs.iter().all(|&d| d == v))
        };
        let same_pad = a
            .attr(key, "auto_pad")
            .and_then(|p| a.ctx.str_value(p))
            .is_some_and(|p| p.starts_with("SAME"));
        if w[2..].iter().all(|&k| k == 1.0) && all("strides", 1) && all("pads", 0) && !same_pad {
            return 0.0;
        }
        // Depthwise (one input channel per output channel): NCHW copies each zero-padded input
        // plane to the stack (its own kernel's packing, about the input's size), NHWC reads X
        // in place, 16 channels per vector.
        let group = a.attr_i64(key, "group").unwrap_or(1) as f64;
        if group > 1.0 && w[1] == 1.0 && group == w[0] {
            return if nhwc {
                0.0
            } else {
                8.0 * x.iter().product::<f64>()
            };
        }
        let values = out_n / w[0] * w[1..].iter().product::<f64>();
        let gather = !nhwc
            && a.attr_ints(key, "strides")
                .is_some_and(|s| s.last().is_some_and(|&sw| sw != 1));
        values * if gather { 10.0 } else { 8.0 }
    }
}

impl CostModel<'_> {
    /// Whether a conv key says `layout = "NCHW16c"`.
    fn is_blocked(&self, key: Key) -> bool {
        let a = &self.eg.analysis;
        a.attr(key, "layout").and_then(|l| a.ctx.str_value(l)) == Some(flowc_flow::CONV_BLOCKED)
    }
}

impl CostFunction<FNode> for CostModel<'_> {
    type Cost = f64;

    fn cost<C>(&mut self, enode: &FNode, mut costs: C) -> f64
    where
        C: FnMut(Id) -> f64,
    {
        let own = self.node_cost(enode);
        // A view slice that is one of `k` parts of its operand carries `1 / k` of it (a merged
        // projection is paid once, not per head: rules/merge.rs).
        let share = crate::rules::merge::operand_share(self.eg, enode);
        let mut total = own;
        for (i, &c) in enode.args.iter().enumerate() {
            total += if i == 0 { costs(c) * share } else { costs(c) };
        }
        total
    }
}
