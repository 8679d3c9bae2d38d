//! `layout`: where the channels of a convolution's activations live (NCHW, NHWC, or blocked by
//! 16: NCHW16c), and the transposes / reshapes that keep the function's interface unchanged.
//!
//! | rule | rewrite |
//! | --- | --- |
//! | `conv-to-nhwc` | `conv(x, W, b)` (NCHW, one group or depthwise, constant f32 W, static 1-D / 2-D shapes) -> `transpose(conv{layout = "NHWC"}(transpose(x, [0, 2, 3, 1]), W, b), [0, 3, 1, 2])` |
//! | `conv-to-nchw` | the converse: `conv{layout = "NHWC"}(x, W, b)` -> `transpose(conv(transpose(x, [0, 3, 1, 2]), W, b), [0, 2, 3, 1])` |
//! | `transpose-hoist` | an elementwise op (the fusible ones, PRelu) with a transposed operand: `op(transpose(a, p), c, ...)` -> `transpose(op(a, c', ...), p)`, every other operand `c` taken through the inverse permutation (its own transpose cancelled where it has one, a lower-rank broadcast operand viewed at full rank first, a single element kept as is) |
//! | `transpose-hoist-fused` | idem for a `flow.fused` kernel without a head: its body computes in the permuted shape |
//! | `conv-to-blocked` | `conv(x, W, b)` (NCHW, one group, C and M multiples of 16, constant f32 W, static 1-D / 2-D shapes) -> `from_blocked(conv{layout = "NCHW16c"}(to_blocked(x), W, b))` with `to_blocked(x)` = `transpose(reshape(x, [N, C / 16, 16, H, W]), [0, 1, 3, 4, 2])` and `from_blocked` its converse (`transpose` by `[0, 1, 4, 2, 3]`, `reshape` to `[N, M, OH, OW]`) |
//! | `blocked-to-nchw` | the converse, for blocked convs of the input (not those `conv-to-blocked` made: their class is already the re-layout of an NCHW conv, and converting them back loops, see the rule): `conv{layout = "NCHW16c"}(x, W, b)` -> `to_blocked(conv(from_blocked(x), W, b))` |
//! | `reshape-hoist` | an elementwise op (as `transpose-hoist`) with an operand `reshape(a)`, `a` of shape `[N, C / 16, 16, spatial...]` and the op's result `[N, C, spatial...]`: `op(reshape(a), c, ...)` -> `reshape(op(a, c', ...))`, every other operand regrouped to `a`'s dims (a per-channel `[C, 1, 1]` becomes `[1, C / 16, 16, 1, 1]`; a group of dims the reshape splits must be all 1s or whole in `c`), single elements kept |
//!
//! W keeps ONNX's `[M, C / group, kernel...]` in both layouts (see `flow.conv`'s `layout`), so
//! the `constant` set's per-channel Mul / Add folds into W and the bias work for both (they read
//! the channel axis from the layout; BatchNormalization, whose channels are dim 1, never folds
//! into an NHWC conv).
//!
//! `conv-to-nhwc` and `conv-to-nchw` are each other's converse (the second serves graphs that
//! already hold NHWC convs, e.g. a second run of the pass); together they stay finite: the
//! round trip `transpose(conv(transpose(transpose(...))))` composes back to the original class.
//!
//! How the transposes vanish: `conv-to-nhwc` puts `transpose(conv_nhwc(transpose(x)))` in every
//! eligible conv's class; `transpose-hoist` moves a transpose from an elementwise op's input to
//! its output (a per-channel constant is permuted with it and folded by the `constant` set); at
//! the next conv, `transpose-compose` (redundancy) cancels the pair `transpose(transpose(y))`.
//! Between two convs the activations can therefore stay NHWC. A model converted from TensorFlow
//! has `Transpose(NHWC -> NCHW)` before every conv and the transpose back after it: there
//! `conv-to-nhwc` and `transpose-compose` alone turn the pairs into nothing. The function's
//! arguments and results keep their layout: the rules only add equal terms to the classes, so a
//! transpose at the border remains (and costs what it costs).
//!
//! The blocked layout works the same way with re-layouts that are a reshape and a transpose:
//! between two blocked convs, `reshape-hoist` and `transpose-hoist` move the re-layout after
//! the first conv past the elementwise ops (a per-channel constant regrouped and permuted with
//! it, then folded), where `view-compose` / `view-noop` and `transpose-compose` cancel it
//! against the re-layout before the second. A blocked conv made by a rule inherits the uses of
//! the conv's class (so `head-fuse` absorbs its ReLU as it would the original's). Only channel
//! counts that are multiples of 16 are blocked (no padded blocks); BatchNormalization and the
//! per-channel Mul / Add fold into the NCHW conv before it is blocked (`constant` reads no
//! blocked channel axis).
//!
//! Which layout is extracted is the cost model's call ([`crate::cost`]: a conv's im2col
//! packing depends on the layout; the blocked kernel packs nothing but does its multiply-adds
//! at a lower rate). On the CPU target a plain NCHW CNN keeps NCHW or NHWC off (an NHWC conv
//! would need a transpose on each side, and the costs count its packing the same as NCHW's at
//! stride 1, where the kernels measured within 7%) but runs its 3x3 convs blocked where the
//! saving pays for the re-layouts (the blocked kernel measured 15-25% faster on 3x3 convs),
//! while TensorFlow-style graphs lose their transposes.
//!
//! Not covered: grouped convs other than depthwise (no NHWC kernel but the direct loop nest,
//! so the rule does not fire for them) and any grouped conv blocked, ConvTranspose (another
//! op), 3-D convs, and runtime weights; channel counts that are not multiples of 16 are not
//! blocked.

use super::{RuleSet::Layout, add_node, add_op, i64_const, konst, ops_in, shape};
use crate::lang::{FGraph, FNode, FusedBody, KeyData, shape_of};
use crate::rules::Rule;
use crate::rules::fusion::FUSIBLE;
use egg::Id;
use flowc_ir::{FloatKind, Type, TypeData};

pub fn rules() -> Vec<Rule> {
    let r = |name, root, apply| Rule {
        name,
        set: Layout,
        root,
        apply,
    };
    vec![
        r("conv-to-nhwc", "flow.conv", conv_to_nhwc),
        r("conv-to-nchw", "flow.conv", conv_to_nchw),
        r("transpose-hoist", "*", transpose_hoist),
        r("transpose-hoist-fused", "flow.fused", transpose_hoist_fused),
        r("conv-to-blocked", "flow.conv", conv_to_blocked),
        r("blocked-to-nchw", "flow.conv", blocked_to_nchw),
        r("reshape-hoist", "*", reshape_hoist),
    ]
}

/// `[0, 2, ..., r - 1, 1]`: channels-first to channels-last.
pub fn to_last(r: usize) -> Vec<i64> {
    let mut p = vec![0];
    p.extend(2..r as i64);
    p.push(1);
    p
}

/// `[0, r - 1, 1, ..., r - 2]`: channels-last to channels-first.
pub fn to_first(r: usize) -> Vec<i64> {
    let mut p = vec![0, r as i64 - 1];
    p.extend(1..r as i64 - 1);
    p
}

/// The inverse permutation: `inv[p[i]] = i`.
fn inverse(p: &[i64]) -> Vec<i64> {
    let mut inv = vec![0; p.len()];
    for (i, &v) in p.iter().enumerate() {
        inv[v as usize] = i as i64;
    }
    inv
}

/// Whether a conv key says `layout = "NHWC"`.
pub fn is_nhwc(eg: &FGraph, n: &FNode) -> bool {
    eg.analysis
        .attr(n.key, "layout")
        .and_then(|a| eg.analysis.ctx.str_value(a))
        == Some("NHWC")
}

/// Whether a conv key is ONNX's layout: no `layout`, or `layout = "NCHW"`. (Not "neither NHWC
/// nor blocked": a layout added later must not be taken for NCHW.)
pub fn is_nchw(eg: &FGraph, n: &FNode) -> bool {
    eg.analysis
        .attr(n.key, "layout")
        .is_none_or(|a| eg.analysis.ctx.str_value(a) == Some("NCHW"))
}

fn static_shape(eg: &FGraph, id: Id) -> Option<Vec<i64>> {
    shape(eg, id)
        .map(|(s, _)| s)
        .filter(|s| s.iter().all(|&d| d >= 0))
}

fn is_f32(eg: &FGraph, id: Id) -> bool {
    shape(eg, id).is_some_and(|(_, e)| {
        matches!(
            eg.analysis.ctx.type_data(e),
            TypeData::Float(FloatKind::F32)
        )
    })
}

/// `transpose(x, perm)`, if it infers.
fn transpose(eg: &mut FGraph, x: Id, perm: &[i64]) -> Option<Id> {
    let attr = eg.analysis.ctx.dense_i64_array_attr(perm);
    add_op(eg, "flow.transpose", &[("perm", attr)], &[x])
}

/// The conv node's key with `layout` set to `layout` (`None`: removed, ONNX's NCHW).
fn with_layout(eg: &mut FGraph, n: &FNode, layout: Option<&str>) -> FNode {
    let mut attrs: Vec<_> = eg
        .analysis
        .op_attrs(n.key)
        .iter()
        .filter(|(k, _)| eg.analysis.ctx.ident_str(*k) != "layout")
        .copied()
        .collect();
    if let Some(l) = layout {
        let name = eg.analysis.ctx.ident("layout");
        let value = eg.analysis.ctx.string_attr(l);
        attrs.push((name, value));
    }
    eg.analysis.sort_attrs(&mut attrs);
    let name = eg.analysis.ctx.ident("flow.conv");
    let key = eg.analysis.intern(KeyData::Op { name, attrs });
    FNode::new(key, n.args.clone())
}

/// A conv an NHWC kernel computes: one group (the GEMM) or depthwise (group = C = M, the
/// channel-vector kernel), constant f32 weights, static 1-D / 2-D shapes.
fn eligible(eg: &FGraph, class: Id, n: &FNode) -> bool {
    let group = eg.analysis.attr_i64(n.key, "group").unwrap_or(1);
    let xs = static_shape(eg, n.args[0]);
    let ws = static_shape(eg, n.args[1]);
    let rank = xs.as_ref().map(|s| s.len());
    let depthwise = match (&xs, &ws) {
        (Some(x), Some(w)) if x.len() > 1 && w.len() > 1 => {
            group == x[1] && group == w[0] && w[1] == 1
        }
        _ => false,
    };
    (group == 1 || depthwise)
        && matches!(rank, Some(3 | 4))
        && static_shape(eg, class).is_some()
        && is_f32(eg, n.args[0])
        && konst(eg, n.args[1]).is_some()
        && n.args.get(2).is_none_or(|&b| konst(eg, b).is_some())
}

fn conv_to_nhwc(eg: &mut FGraph, class: Id, n: &FNode) -> Vec<Id> {
    if !is_nchw(eg, n) || !eligible(eg, class, n) {
        return vec![];
    }
    let r = static_shape(eg, n.args[0]).map_or(0, |s| s.len());
    let relayout = |eg: &mut FGraph| -> Option<Id> {
        let xt = transpose(eg, n.args[0], &to_last(r))?;
        let mut conv = with_layout(eg, n, Some("NHWC"));
        conv.args[0] = xt;
        let y = super::add_key(eg, conv)?;
        transpose(eg, y, &to_first(r))
    };
    relayout(eg).into_iter().collect()
}

fn conv_to_nchw(eg: &mut FGraph, class: Id, n: &FNode) -> Vec<Id> {
    if !is_nhwc(eg, n) || static_shape(eg, class).is_none() {
        return vec![];
    }
    let Some(r) = static_shape(eg, n.args[0]).map(|s| s.len()) else {
        return vec![];
    };
    let relayout = |eg: &mut FGraph| -> Option<Id> {
        let xt = transpose(eg, n.args[0], &to_first(r))?;
        let mut conv = with_layout(eg, n, None);
        conv.args[0] = xt;
        let y = super::add_key(eg, conv)?;
        transpose(eg, y, &to_last(r))
    };
    relayout(eg).into_iter().collect()
}

/// Whether a conv key says `layout = "NCHW16c"` ([`flowc_flow::CONV_BLOCKED`]).
pub fn is_blocked(eg: &FGraph, n: &FNode) -> bool {
    eg.analysis
        .attr(n.key, "layout")
        .and_then(|a| eg.analysis.ctx.str_value(a))
        == Some(flowc_flow::CONV_BLOCKED)
}

/// `[N, C, spatial...]` -> `[N, C / 16, spatial..., 16]`: `transpose(reshape(x, [N, C / 16, 16,
/// spatial...]), [0, 1, 3, ..., r, 2])` (`r` = x's rank). `None` unless C is a multiple of 16.
fn to_blocked(eg: &mut FGraph, x: Id) -> Option<Id> {
    let s = static_shape(eg, x)?;
    const L: i64 = flowc_flow::CONV_BLOCK;
    if s.len() < 3 || s[1] % L != 0 {
        return None;
    }
    let mut split = vec![s[0], s[1] / L, L];
    split.extend(&s[2..]);
    let sid = i64_const(eg, &split);
    let v = add_op(eg, "flow.reshape", &[], &[x, sid])?;
    let r = s.len() as i64;
    let mut perm = vec![0, 1];
    perm.extend(3..=r);
    perm.push(2);
    transpose(eg, v, &perm)
}

/// The converse of [`to_blocked`]: `reshape(transpose(y, [0, 1, r - 1, 2, ..., r - 2]), [N, C,
/// spatial...])` (`r` = y's rank).
fn from_blocked(eg: &mut FGraph, y: Id) -> Option<Id> {
    let s = static_shape(eg, y)?;
    let r = s.len();
    if r < 4 || s[r - 1] != flowc_flow::CONV_BLOCK {
        return None;
    }
    let mut perm = vec![0, 1, r as i64 - 1];
    perm.extend(2..r as i64 - 1);
    let t = transpose(eg, y, &perm)?;
    let mut merged = vec![s[0], s[1] * s[r - 1]];
    merged.extend(&s[2..r - 1]);
    let sid = i64_const(eg, &merged);
    add_op(eg, "flow.reshape", &[], &[t, sid])
}

/// A conv the blocked kernel computes: one group, C and M multiples of 16, constant f32 weights,
/// static 1-D / 2-D shapes.
fn blocked_eligible(eg: &FGraph, class: Id, n: &FNode) -> bool {
    const L: i64 = flowc_flow::CONV_BLOCK;
    let group = eg.analysis.attr_i64(n.key, "group").unwrap_or(1);
    let xs = static_shape(eg, n.args[0]);
    let ws = static_shape(eg, n.args[1]);
    let channels = match (&xs, &ws) {
        (Some(x), Some(w)) if x.len() > 1 && w.len() > 1 => x[1] % L == 0 && w[0] % L == 0,
        _ => false,
    };
    group == 1
        && channels
        && matches!(xs.as_ref().map(|s| s.len()), Some(3 | 4))
        && static_shape(eg, class).is_some()
        && is_f32(eg, n.args[0])
        && konst(eg, n.args[1]).is_some()
        && n.args.get(2).is_none_or(|&b| konst(eg, b).is_some())
}

/// Gives the new class `y`, the value of class `class` in another layout, the uses of `class`:
/// each use of the value reads the other layout once, through the re-layout, so that fusion
/// may absorb the new conv into a single consumer as it would the original one (a class made
/// by a rewrite otherwise counts 0 uses, and `head-fuse` leaves it alone).
fn inherit_uses(eg: &mut FGraph, y: Id, class: Id) {
    let uses = eg[class].data.uses;
    let y = eg.find(y);
    if eg[y].data.uses < uses {
        eg[y].data.uses = uses;
    }
}

fn conv_to_blocked(eg: &mut FGraph, class: Id, n: &FNode) -> Vec<Id> {
    if !is_nchw(eg, n) || !blocked_eligible(eg, class, n) {
        return vec![];
    }
    let relayout = |eg: &mut FGraph| -> Option<Id> {
        let xb = to_blocked(eg, n.args[0])?;
        let mut conv = with_layout(eg, n, Some(flowc_flow::CONV_BLOCKED));
        conv.args[0] = xb;
        let y = super::add_key(eg, conv)?;
        inherit_uses(eg, y, class);
        // The blocked conv is also the re-layout of the conv's value: said here (rather than
        // by `blocked-to-nchw`, which leaves rule-made blocked convs alone) so that a consumer
        // re-laying out the conv's value (the next blocked conv, a blocked result) reads it.
        let yb = to_blocked(eg, class)?;
        eg.union_trusted(y, yb, "conv-to-blocked");
        from_blocked(eg, y)
    };
    relayout(eg).into_iter().collect()
}

fn blocked_to_nchw(eg: &mut FGraph, class: Id, n: &FNode) -> Vec<Id> {
    // Only a class that holds an op of the input: a blocked conv made by `conv-to-blocked`
    // already has its NCHW conv (of whose class it is the re-layout), and converting it back
    // makes an NCHW conv of the round-tripped input before the re-layouts cancel, which
    // `conv-to-nhwc` and `conv-to-blocked` convert again: on resnet50 the three layouts kept
    // making new nodes until the iteration limit (2.8 s instead of 0.45 s).
    if !is_blocked(eg, n) || static_shape(eg, class).is_none() || eg[class].data.locs.is_empty() {
        return vec![];
    }
    let relayout = |eg: &mut FGraph| -> Option<Id> {
        let x = from_blocked(eg, n.args[0])?;
        let mut conv = with_layout(eg, n, None);
        conv.args[0] = x;
        let y = super::add_key(eg, conv)?;
        inherit_uses(eg, y, class);
        to_blocked(eg, y)
    };
    relayout(eg).into_iter().collect()
}

/// Groups of consecutive dims of `a` and `b` (equal element counts) with equal products:
/// `[(a_range, b_range)]`, in order. `None` when the counts differ or a dim is dynamic.
fn reshape_groups(
    a: &[i64],
    b: &[i64],
) -> Option<Vec<(std::ops::Range<usize>, std::ops::Range<usize>)>> {
    if a.iter().chain(b).any(|&d| d < 1) || a.iter().product::<i64>() != b.iter().product::<i64>() {
        return None;
    }
    let (mut i, mut j) = (0, 0);
    let mut groups = Vec::new();
    while i < a.len() || j < b.len() {
        let (i0, j0) = (i, j);
        let (mut pa, mut pb) = (1i64, 1i64);
        // Take at least one dim of each side (while any is left), then grow the smaller product.
        if i < a.len() {
            pa *= a[i];
            i += 1;
        }
        if j < b.len() {
            pb *= b[j];
            j += 1;
        }
        while pa != pb {
            if pa < pb && i < a.len() {
                pa *= a[i];
                i += 1;
            } else if pb < pa && j < b.len() {
                pb *= b[j];
                j += 1;
            } else {
                return None;
            }
        }
        groups.push((i0..i, j0..j));
    }
    Some(groups)
}

/// Whether `from` is `[N, C / 16, 16, spatial...]` for `to` = `[N, C, spatial...]`.
fn is_block_split(from: &[i64], to: &[i64]) -> bool {
    const L: i64 = flowc_flow::CONV_BLOCK;
    to.len() >= 3
        && from.len() == to.len() + 1
        && from[0] == to[0]
        && from[2] == L
        && from[1] * L == to[1]
        && from[3..] == to[2..]
}

/// Operand `c` of an op whose result is `reshape(inner, s)` (`s` = `to`, the inner shape
/// `from`), as the operand of `inner`: the operand of a reshape from `from` in its class, a
/// single element as is, otherwise `c` (viewed at `to`'s rank with leading 1s) reshaped to
/// `from`'s rank, which needs each group of dims the reshape regroups ([`reshape_groups`]) to
/// be all 1s in `c` (broadcast) or all of `to`'s. `None`: not expressible.
fn reshape_operand(eg: &mut FGraph, c: Id, from: &[i64], to: &[i64]) -> Option<Id> {
    for m in ops_in(eg, c, "flow.reshape") {
        if static_shape(eg, m.args[0]).as_deref() == Some(from) {
            return Some(m.args[0]);
        }
    }
    let s = static_shape(eg, c)?;
    if s.len() > to.len() {
        return None;
    }
    if s.iter().all(|&d| d == 1) {
        return Some(c);
    }
    let mut full = vec![1; to.len() - s.len()];
    full.extend(&s);
    let mut inner = Vec::with_capacity(from.len());
    for (ga, gb) in reshape_groups(from, to)? {
        if full[gb.clone()].iter().all(|&d| d == 1) {
            inner.extend(std::iter::repeat_n(1, ga.len()));
        } else if full[gb.clone()] == to[gb] {
            inner.extend(&from[ga]);
        } else {
            return None;
        }
    }
    let sid = i64_const(eg, &inner);
    add_op(eg, "flow.reshape", &[], &[c, sid])
}

/// `op(reshape(a, s), c, ...)` -> `reshape(op(a, c', ...), s)` for an elementwise op whose
/// result has shape `s` (so that the re-layout before a blocked conv and the one after the
/// previous conv meet and cancel). Only the blocked re-layout's reshape is a candidate: `a` of
/// shape `[N, C / 16, 16, spatial...]` for `s` = `[N, C, spatial...]` (other views, e.g. a
/// transformer's heads, are left where they are: moving them gains nothing and costs
/// saturation time).
fn reshape_hoist(eg: &mut FGraph, class: Id, n: &FNode) -> Vec<Id> {
    if !eg.analysis.op_name(n.key).is_some_and(hoistable) {
        return vec![];
    }
    let Some(to) = static_shape(eg, class) else {
        return vec![];
    };
    let mut froms: Vec<Vec<i64>> = Vec::new();
    for &a in &n.args {
        if static_shape(eg, a).as_deref() != Some(&to[..]) {
            continue;
        }
        for m in ops_in(eg, a, "flow.reshape") {
            if let Some(f) = static_shape(eg, m.args[0])
                && is_block_split(&f, &to)
                && !froms.contains(&f)
            {
                froms.push(f);
            }
        }
    }
    let mut out = Vec::new();
    for from in froms {
        let args: Option<Vec<Id>> = n
            .args
            .iter()
            .map(|&a| reshape_operand(eg, a, &from, &to))
            .collect();
        let Some(args) = args else { continue };
        let Some(inner) = super::add_key(eg, FNode::new(n.key, args)) else {
            continue;
        };
        let sid = i64_const(eg, &to);
        out.extend(add_op(eg, "flow.reshape", &[], &[inner, sid]));
    }
    out
}

/// Ops `transpose-hoist` moves a transpose through: elementwise, no axis attribute.
fn hoistable(name: &str) -> bool {
    FUSIBLE.contains(&name) || name == "flow.prelu"
}

/// The permutations of the rank-`r` transposes in the classes of `args`, in order, once each.
fn candidate_perms(eg: &FGraph, args: &[Id], r: usize) -> Vec<Vec<i64>> {
    let mut perms: Vec<Vec<i64>> = Vec::new();
    for &a in args {
        for t in ops_in(eg, a, "flow.transpose") {
            if let Some(p) = eg.analysis.attr_ints(t.key, "perm")
                && p.len() == r
                && !perms.contains(&p)
            {
                perms.push(p);
            }
        }
    }
    perms
}

/// Operand `a` of an op whose result is `transpose(inner, p)`, as the operand of `inner`:
/// the inner operand of a transpose by `p` in its class, a single element as is, otherwise `a`
/// (viewed at rank `r` with leading 1s) transposed by `p`'s inverse. `None`: not expressible.
fn inner_operand(eg: &mut FGraph, a: Id, p: &[i64], r: usize) -> Option<Id> {
    for t in ops_in(eg, a, "flow.transpose") {
        if eg.analysis.attr_ints(t.key, "perm").as_deref() == Some(p) {
            return Some(t.args[0]);
        }
    }
    let s = static_shape(eg, a)?;
    if s.len() > r {
        return None;
    }
    if s.iter().all(|&d| d == 1) {
        return Some(a);
    }
    let full = if s.len() < r {
        let mut f = vec![1; r - s.len()];
        f.extend(&s);
        let sid = i64_const(eg, &f);
        add_op(eg, "flow.reshape", &[], &[a, sid])?
    } else {
        a
    };
    transpose(eg, full, &inverse(p))
}

fn transpose_hoist(eg: &mut FGraph, class: Id, n: &FNode) -> Vec<Id> {
    if !eg.analysis.op_name(n.key).is_some_and(hoistable) {
        return vec![];
    }
    let Some(r) = static_shape(eg, class).map(|s| s.len()) else {
        return vec![];
    };
    let mut out = Vec::new();
    for p in candidate_perms(eg, &n.args, r) {
        let args: Option<Vec<Id>> = n
            .args
            .iter()
            .map(|&a| inner_operand(eg, a, &p, r))
            .collect();
        let Some(args) = args else { continue };
        let Some(inner) = super::add_key(eg, FNode::new(n.key, args)) else {
            continue;
        };
        out.extend(transpose(eg, inner, &p));
    }
    out
}

/// A tensor type's shape permuted: `out[i] = shape[perm[i]]`.
fn permuted_type(eg: &mut FGraph, ty: Type, perm: &[i64]) -> Option<Type> {
    let (s, e) = shape_of(&eg.analysis.ctx, ty)?;
    if s.len() != perm.len() {
        return None;
    }
    let ps = perm.iter().map(|&i| s[i as usize]).collect();
    Some(eg.analysis.ctx.tensor_type(ps, e))
}

fn transpose_hoist_fused(eg: &mut FGraph, class: Id, n: &FNode) -> Vec<Id> {
    let KeyData::Fused(body) = eg.analysis.key(n.key).clone() else {
        return vec![];
    };
    // Headless: elementwise ops only, each of the kernel's result type.
    let elementwise = body
        .ops
        .iter()
        .all(|(k, _, t)| *t == body.ty && eg.analysis.op_name(*k).is_some_and(hoistable));
    let Some(r) = static_shape(eg, class).map(|s| s.len()) else {
        return vec![];
    };
    if !elementwise {
        return vec![];
    }
    let mut out = Vec::new();
    for p in candidate_perms(eg, &n.args, r) {
        let Some(ty) = permuted_type(eg, body.ty, &inverse(&p)) else {
            continue;
        };
        let args: Option<Vec<Id>> = n
            .args
            .iter()
            .map(|&a| inner_operand(eg, a, &p, r))
            .collect();
        let Some(args) = args else { continue };
        let ops = body
            .ops
            .iter()
            .map(|(k, srcs, _)| (*k, srcs.clone(), ty))
            .collect();
        let key = eg.analysis.intern(KeyData::Fused(FusedBody { ops, ty }));
        let inner = add_node(eg, FNode::new(key, args));
        out.extend(transpose(eg, inner, &p));
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{assert_equal, assert_not_equal};

    #[test]
    fn conv_to_nhwc() {
        assert_equal(
            "conv-to-nhwc",
            "(%x: tensor<1x3x8x8xf32>) -> (tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>) {
               %w = \"flow.constant\"() {value = dense<0.5> : tensor<4x3x3x3xf32>} : () -> tensor<4x3x3x3xf32>
               %0 = \"flow.conv\"(%x, %w) : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
               %t = \"flow.transpose\"(%x) {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x3x8x8xf32>) -> tensor<1x8x8x3xf32>
               %c = \"flow.conv\"(%t, %w) {layout = \"NHWC\"} : (tensor<1x8x8x3xf32>, tensor<4x3x3x3xf32>) -> tensor<1x6x6x4xf32>
               %1 = \"flow.transpose\"(%c) {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x6x6x4xf32>) -> tensor<1x4x6x6xf32>
               return %0, %1 : tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>",
        );
        // 1-D: [N, C, W] <-> [N, W, C].
        assert_equal(
            "conv-to-nhwc",
            "(%x: tensor<2x3x9xf32>) -> (tensor<2x4x7xf32>, tensor<2x4x7xf32>) {
               %w = \"flow.constant\"() {value = dense<0.5> : tensor<4x3x3xf32>} : () -> tensor<4x3x3xf32>
               %0 = \"flow.conv\"(%x, %w) : (tensor<2x3x9xf32>, tensor<4x3x3xf32>) -> tensor<2x4x7xf32>
               %t = \"flow.transpose\"(%x) {perm = array<i64: 0, 2, 1>} : (tensor<2x3x9xf32>) -> tensor<2x9x3xf32>
               %c = \"flow.conv\"(%t, %w) {layout = \"NHWC\"} : (tensor<2x9x3xf32>, tensor<4x3x3xf32>) -> tensor<2x7x4xf32>
               %1 = \"flow.transpose\"(%c) {perm = array<i64: 0, 2, 1>} : (tensor<2x7x4xf32>) -> tensor<2x4x7xf32>
               return %0, %1 : tensor<2x4x7xf32>, tensor<2x4x7xf32>",
        );
        // Depthwise (group = C = M): the channel-vector NHWC kernel computes it.
        assert_equal(
            "conv-to-nhwc",
            "(%x: tensor<1x4x8x8xf32>) -> (tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>) {
               %w = \"flow.constant\"() {value = dense<0.5> : tensor<4x1x3x3xf32>} : () -> tensor<4x1x3x3xf32>
               %0 = \"flow.conv\"(%x, %w) {group = 4 : i64} : (tensor<1x4x8x8xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x6x6xf32>
               %t = \"flow.transpose\"(%x) {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x4x8x8xf32>) -> tensor<1x8x8x4xf32>
               %c = \"flow.conv\"(%t, %w) {group = 4 : i64, layout = \"NHWC\"} : (tensor<1x8x8x4xf32>, tensor<4x1x3x3xf32>) -> tensor<1x6x6x4xf32>
               %1 = \"flow.transpose\"(%c) {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x6x6x4xf32>) -> tensor<1x4x6x6xf32>
               return %0, %1 : tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>",
        );
        // Other groups: no NHWC kernel but the direct loop nest, the rule does not fire.
        assert_not_equal(
            "conv-to-nhwc",
            "(%x: tensor<1x4x8x8xf32>) -> (tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>) {
               %w = \"flow.constant\"() {value = dense<0.5> : tensor<4x2x3x3xf32>} : () -> tensor<4x2x3x3xf32>
               %0 = \"flow.conv\"(%x, %w) {group = 2 : i64} : (tensor<1x4x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32>
               %t = \"flow.transpose\"(%x) {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x4x8x8xf32>) -> tensor<1x8x8x4xf32>
               %c = \"flow.conv\"(%t, %w) {group = 2 : i64, layout = \"NHWC\"} : (tensor<1x8x8x4xf32>, tensor<4x2x3x3xf32>) -> tensor<1x6x6x4xf32>
               %1 = \"flow.transpose\"(%c) {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x6x6x4xf32>) -> tensor<1x4x6x6xf32>
               return %0, %1 : tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>",
        );
        // Runtime weights: not fired (the NHWC kernel packs constant weights at compile time).
        assert_not_equal(
            "conv-to-nhwc",
            "(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> (tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>) {
               %0 = \"flow.conv\"(%x, %w) : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
               %t = \"flow.transpose\"(%x) {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x3x8x8xf32>) -> tensor<1x8x8x3xf32>
               %c = \"flow.conv\"(%t, %w) {layout = \"NHWC\"} : (tensor<1x8x8x3xf32>, tensor<4x3x3x3xf32>) -> tensor<1x6x6x4xf32>
               %1 = \"flow.transpose\"(%c) {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x6x6x4xf32>) -> tensor<1x4x6x6xf32>
               return %0, %1 : tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>",
        );
    }

    #[test]
    fn conv_to_nchw() {
        assert_equal(
            "conv-to-nchw",
            "(%x: tensor<1x8x8x3xf32>, %w: tensor<4x3x3x3xf32>) -> (tensor<1x6x6x4xf32>, tensor<1x6x6x4xf32>) {
               %0 = \"flow.conv\"(%x, %w) {layout = \"NHWC\", pads = array<i64: 0, 0, 0, 0>} : (tensor<1x8x8x3xf32>, tensor<4x3x3x3xf32>) -> tensor<1x6x6x4xf32>
               %t = \"flow.transpose\"(%x) {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x8x8x3xf32>) -> tensor<1x3x8x8xf32>
               %c = \"flow.conv\"(%t, %w) {pads = array<i64: 0, 0, 0, 0>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
               %1 = \"flow.transpose\"(%c) {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x4x6x6xf32>) -> tensor<1x6x6x4xf32>
               return %0, %1 : tensor<1x6x6x4xf32>, tensor<1x6x6x4xf32>",
        );
    }

    #[test]
    fn transpose_hoist() {
        // Unary: relu(transpose(a)) = transpose(relu(a)).
        assert_equal(
            "transpose-hoist",
            "(%a: tensor<1x4x5x3xf32>) -> (tensor<1x3x4x5xf32>, tensor<1x3x4x5xf32>) {
               %t = \"flow.transpose\"(%a) {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x4x5x3xf32>) -> tensor<1x3x4x5xf32>
               %0 = \"flow.relu\"(%t) : (tensor<1x3x4x5xf32>) -> tensor<1x3x4x5xf32>
               %r = \"flow.relu\"(%a) : (tensor<1x4x5x3xf32>) -> tensor<1x4x5x3xf32>
               %1 = \"flow.transpose\"(%r) {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x4x5x3xf32>) -> tensor<1x3x4x5xf32>
               return %0, %1 : tensor<1x3x4x5xf32>, tensor<1x3x4x5xf32>",
        );
        // Per-channel operand [3, 1, 1] (NCHW): viewed as [1, 3, 1, 1], permuted to
        // [1, 1, 1, 3] for the NHWC product.
        assert_equal(
            "transpose-hoist",
            "(%a: tensor<1x4x5x3xf32>, %s: tensor<3x1x1xf32>) -> (tensor<1x3x4x5xf32>, tensor<1x3x4x5xf32>) {
               %t = \"flow.transpose\"(%a) {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x4x5x3xf32>) -> tensor<1x3x4x5xf32>
               %0 = \"flow.mul\"(%t, %s) : (tensor<1x3x4x5xf32>, tensor<3x1x1xf32>) -> tensor<1x3x4x5xf32>
               %sh = \"flow.constant\"() {value = dense<[1, 3, 1, 1]> : tensor<4xi64>} : () -> tensor<4xi64>
               %s4 = \"flow.reshape\"(%s, %sh) : (tensor<3x1x1xf32>, tensor<4xi64>) -> tensor<1x3x1x1xf32>
               %sp = \"flow.transpose\"(%s4) {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x3x1x1xf32>) -> tensor<1x1x1x3xf32>
               %m = \"flow.mul\"(%a, %sp) : (tensor<1x4x5x3xf32>, tensor<1x1x1x3xf32>) -> tensor<1x4x5x3xf32>
               %1 = \"flow.transpose\"(%m) {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x4x5x3xf32>) -> tensor<1x3x4x5xf32>
               return %0, %1 : tensor<1x3x4x5xf32>, tensor<1x3x4x5xf32>",
        );
        // Two operands transposed alike.
        assert_equal(
            "transpose-hoist",
            "(%a: tensor<2x3x4xf32>, %b: tensor<2x3x4xf32>) -> (tensor<4x2x3xf32>, tensor<4x2x3xf32>) {
               %ta = \"flow.transpose\"(%a) {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
               %tb = \"flow.transpose\"(%b) {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
               %0 = \"flow.add\"(%ta, %tb) : (tensor<4x2x3xf32>, tensor<4x2x3xf32>) -> tensor<4x2x3xf32>
               %c = \"flow.add\"(%a, %b) : (tensor<2x3x4xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
               %1 = \"flow.transpose\"(%c) {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
               return %0, %1 : tensor<4x2x3xf32>, tensor<4x2x3xf32>",
        );
        // Scalar operands (Clip's bounds) are kept as they are.
        assert_equal(
            "transpose-hoist",
            "(%a: tensor<2x3x4xf32>, %lo: tensor<f32>, %hi: tensor<f32>) -> (tensor<4x2x3xf32>, tensor<4x2x3xf32>) {
               %ta = \"flow.transpose\"(%a) {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
               %0 = \"flow.clip\"(%ta, %lo, %hi) : (tensor<4x2x3xf32>, tensor<f32>, tensor<f32>) -> tensor<4x2x3xf32>
               %c = \"flow.clip\"(%a, %lo, %hi) : (tensor<2x3x4xf32>, tensor<f32>, tensor<f32>) -> tensor<2x3x4xf32>
               %1 = \"flow.transpose\"(%c) {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
               return %0, %1 : tensor<4x2x3xf32>, tensor<4x2x3xf32>",
        );
        // Not an elementwise op: a reduction over axis 1 means another axis after the move.
        assert_not_equal(
            "transpose-hoist",
            "(%a: tensor<1x4x5x3xf32>) -> (tensor<1x3x4x5xf32>, tensor<1x3x4x5xf32>) {
               %t = \"flow.transpose\"(%a) {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x4x5x3xf32>) -> tensor<1x3x4x5xf32>
               %0 = \"flow.softmax\"(%t) {axis = 1 : i64} : (tensor<1x3x4x5xf32>) -> tensor<1x3x4x5xf32>
               %r = \"flow.softmax\"(%a) {axis = 1 : i64} : (tensor<1x4x5x3xf32>) -> tensor<1x4x5x3xf32>
               %1 = \"flow.transpose\"(%r) {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x4x5x3xf32>) -> tensor<1x3x4x5xf32>
               return %0, %1 : tensor<1x3x4x5xf32>, tensor<1x3x4x5xf32>",
        );
    }

    #[test]
    fn transpose_hoist_fused() {
        // ew-fuse makes the headless kernel [add, relu] over (transpose(a), b); hoisting puts
        // transpose(fused'(a, transpose(b))) in its class, the kernel computing in a's layout.
        let text = "(%a: tensor<1x4x5x3xf32>, %b: tensor<1x3x4x5xf32>) -> (tensor<1x3x4x5xf32>, tensor<1x3x4x5xf32>) {
               %t = \"flow.transpose\"(%a) {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x4x5x3xf32>) -> tensor<1x3x4x5xf32>
               %s = \"flow.add\"(%t, %b) : (tensor<1x3x4x5xf32>, tensor<1x3x4x5xf32>) -> tensor<1x3x4x5xf32>
               %r = \"flow.relu\"(%s) : (tensor<1x3x4x5xf32>) -> tensor<1x3x4x5xf32>
               return %r, %b : tensor<1x3x4x5xf32>, tensor<1x3x4x5xf32>";
        let ops = |rules: &[&str]| crate::rules::testing::class_ops(text, rules);
        assert_eq!(ops(&["ew-fuse"]), ["flow.relu", "fused[add, relu]"]);
        let hoisted = ops(&["ew-fuse", "transpose-hoist-fused"]);
        assert_eq!(
            hoisted,
            [
                "flow.relu",
                "flow.transpose(fused[add, relu] 1x4x5x3)",
                "fused[add, relu]"
            ]
        );
    }

    #[test]
    fn conv_to_blocked() {
        // conv(x) = from_blocked(conv_blocked(to_blocked(x))), the re-layouts as reshape +
        // transpose.
        assert_equal(
            "conv-to-blocked",
            "(%x: tensor<1x32x8x8xf32>) -> (tensor<1x16x6x6xf32>, tensor<1x16x6x6xf32>) {
               %w = \"flow.constant\"() {value = dense<0.5> : tensor<16x32x3x3xf32>} : () -> tensor<16x32x3x3xf32>
               %b = \"flow.constant\"() {value = dense<0.25> : tensor<16xf32>} : () -> tensor<16xf32>
               %0 = \"flow.conv\"(%x, %w, %b) : (tensor<1x32x8x8xf32>, tensor<16x32x3x3xf32>, tensor<16xf32>) -> tensor<1x16x6x6xf32>
               %s = \"flow.constant\"() {value = dense<[1, 2, 16, 8, 8]> : tensor<5xi64>} : () -> tensor<5xi64>
               %r = \"flow.reshape\"(%x, %s) : (tensor<1x32x8x8xf32>, tensor<5xi64>) -> tensor<1x2x16x8x8xf32>
               %t = \"flow.transpose\"(%r) {perm = array<i64: 0, 1, 3, 4, 2>} : (tensor<1x2x16x8x8xf32>) -> tensor<1x2x8x8x16xf32>
               %c = \"flow.conv\"(%t, %w, %b) {layout = \"NCHW16c\"} : (tensor<1x2x8x8x16xf32>, tensor<16x32x3x3xf32>, tensor<16xf32>) -> tensor<1x1x6x6x16xf32>
               %u = \"flow.transpose\"(%c) {perm = array<i64: 0, 1, 4, 2, 3>} : (tensor<1x1x6x6x16xf32>) -> tensor<1x1x16x6x6xf32>
               %s2 = \"flow.constant\"() {value = dense<[1, 16, 6, 6]> : tensor<4xi64>} : () -> tensor<4xi64>
               %1 = \"flow.reshape\"(%u, %s2) : (tensor<1x1x16x6x6xf32>, tensor<4xi64>) -> tensor<1x16x6x6xf32>
               return %0, %1 : tensor<1x16x6x6xf32>, tensor<1x16x6x6xf32>",
        );
        // 1-D: [N, C, W] <-> [N, C / 16, W, 16].
        assert_equal(
            "conv-to-blocked",
            "(%x: tensor<2x16x9xf32>) -> (tensor<2x16x7xf32>, tensor<2x16x7xf32>) {
               %w = \"flow.constant\"() {value = dense<0.5> : tensor<16x16x3xf32>} : () -> tensor<16x16x3xf32>
               %0 = \"flow.conv\"(%x, %w) : (tensor<2x16x9xf32>, tensor<16x16x3xf32>) -> tensor<2x16x7xf32>
               %s = \"flow.constant\"() {value = dense<[2, 1, 16, 9]> : tensor<4xi64>} : () -> tensor<4xi64>
               %r = \"flow.reshape\"(%x, %s) : (tensor<2x16x9xf32>, tensor<4xi64>) -> tensor<2x1x16x9xf32>
               %t = \"flow.transpose\"(%r) {perm = array<i64: 0, 1, 3, 2>} : (tensor<2x1x16x9xf32>) -> tensor<2x1x9x16xf32>
               %c = \"flow.conv\"(%t, %w) {layout = \"NCHW16c\"} : (tensor<2x1x9x16xf32>, tensor<16x16x3xf32>) -> tensor<2x1x7x16xf32>
               %u = \"flow.transpose\"(%c) {perm = array<i64: 0, 1, 3, 2>} : (tensor<2x1x7x16xf32>) -> tensor<2x1x16x7xf32>
               %s2 = \"flow.constant\"() {value = dense<[2, 16, 7]> : tensor<3xi64>} : () -> tensor<3xi64>
               %1 = \"flow.reshape\"(%u, %s2) : (tensor<2x1x16x7xf32>, tensor<3xi64>) -> tensor<2x16x7xf32>
               return %0, %1 : tensor<2x16x7xf32>, tensor<2x16x7xf32>",
        );
        // 24 output channels are not whole blocks: the rule does not fire.
        assert_not_equal(
            "conv-to-blocked",
            "(%x: tensor<1x16x8x8xf32>) -> (tensor<1x24x6x6xf32>, tensor<1x24x6x6xf32>) {
               %w = \"flow.constant\"() {value = dense<0.5> : tensor<24x16x3x3xf32>} : () -> tensor<24x16x3x3xf32>
               %0 = \"flow.conv\"(%x, %w) : (tensor<1x16x8x8xf32>, tensor<24x16x3x3xf32>) -> tensor<1x24x6x6xf32>
               %1 = \"flow.relu\"(%0) : (tensor<1x24x6x6xf32>) -> tensor<1x24x6x6xf32>
               return %0, %1 : tensor<1x24x6x6xf32>, tensor<1x24x6x6xf32>",
        );
        let ops = |text: &str| crate::rules::testing::class_ops(text, &["conv-to-blocked"]);
        // Fires: the class gains the re-layout's reshape.
        let conv = |c: usize, m: usize, group: usize| {
            let cg = c / group;
            format!(
                "(%x: tensor<1x{c}x8x8xf32>) -> (tensor<1x{m}x6x6xf32>, tensor<1x{m}x6x6xf32>) {{
                   %w = \"flow.constant\"() {{value = dense<0.5> : tensor<{m}x{cg}x3x3xf32>}} : () -> tensor<{m}x{cg}x3x3xf32>
                   %0 = \"flow.conv\"(%x, %w) {{group = {group} : i64}} : (tensor<1x{c}x8x8xf32>, tensor<{m}x{cg}x3x3xf32>) -> tensor<1x{m}x6x6xf32>
                   return %0, %0 : tensor<1x{m}x6x6xf32>, tensor<1x{m}x6x6xf32>"
            )
        };
        assert_eq!(ops(&conv(16, 16, 1)), ["flow.conv", "flow.reshape"]);
        // Input channels not whole blocks, or groups: not computed blocked.
        assert_eq!(ops(&conv(8, 16, 1)), ["flow.conv"]);
        assert_eq!(ops(&conv(32, 32, 2)), ["flow.conv"]);
    }

    /// A 1-D blocked conv has a rank-4 X like a 2-D NCHW one: the layout rules must not take it
    /// for NCHW. (Before `is_nchw`, conv-to-nhwc only excluded NHWC convs, and what stopped it
    /// here was that the rewritten conv's type did not infer.)
    #[test]
    fn blocked_convs_are_not_nchw() {
        let ops = crate::rules::testing::class_ops(
            "(%x: tensor<2x1x9x16xf32>) -> (tensor<2x1x7x16xf32>, tensor<2x1x7x16xf32>) {
               %w = \"flow.constant\"() {value = dense<0.5> : tensor<16x16x3xf32>} : () -> tensor<16x16x3xf32>
               %0 = \"flow.conv\"(%x, %w) {layout = \"NCHW16c\"} : (tensor<2x1x9x16xf32>, tensor<16x16x3xf32>) -> tensor<2x1x7x16xf32>
               return %0, %0 : tensor<2x1x7x16xf32>, tensor<2x1x7x16xf32>",
            &["conv-to-nhwc", "conv-to-blocked"],
        );
        assert_eq!(ops, ["flow.conv"]);
    }

    #[test]
    fn blocked_to_nchw() {
        assert_equal(
            "blocked-to-nchw",
            "(%x: tensor<1x1x8x8x16xf32>) -> (tensor<1x1x8x8x16xf32>, tensor<1x1x8x8x16xf32>) {
               %w = \"flow.constant\"() {value = dense<0.5> : tensor<16x16x1x1xf32>} : () -> tensor<16x16x1x1xf32>
               %0 = \"flow.conv\"(%x, %w) {layout = \"NCHW16c\"} : (tensor<1x1x8x8x16xf32>, tensor<16x16x1x1xf32>) -> tensor<1x1x8x8x16xf32>
               %u = \"flow.transpose\"(%x) {perm = array<i64: 0, 1, 4, 2, 3>} : (tensor<1x1x8x8x16xf32>) -> tensor<1x1x16x8x8xf32>
               %s = \"flow.constant\"() {value = dense<[1, 16, 8, 8]> : tensor<4xi64>} : () -> tensor<4xi64>
               %r = \"flow.reshape\"(%u, %s) : (tensor<1x1x16x8x8xf32>, tensor<4xi64>) -> tensor<1x16x8x8xf32>
               %c = \"flow.conv\"(%r, %w) : (tensor<1x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x8xf32>
               %s2 = \"flow.constant\"() {value = dense<[1, 1, 16, 8, 8]> : tensor<5xi64>} : () -> tensor<5xi64>
               %v = \"flow.reshape\"(%c, %s2) : (tensor<1x16x8x8xf32>, tensor<5xi64>) -> tensor<1x1x16x8x8xf32>
               %1 = \"flow.transpose\"(%v) {perm = array<i64: 0, 1, 3, 4, 2>} : (tensor<1x1x16x8x8xf32>) -> tensor<1x1x8x8x16xf32>
               return %0, %1 : tensor<1x1x8x8x16xf32>, tensor<1x1x8x8x16xf32>",
        );
    }

    #[test]
    fn reshape_groups() {
        let g = |a: &[i64], b: &[i64]| super::reshape_groups(a, b);
        assert_eq!(
            g(&[1, 2, 16, 6, 6], &[1, 32, 6, 6]),
            Some(vec![(0..1, 0..1), (1..3, 1..2), (3..4, 2..3), (4..5, 3..4)])
        );
        // Dims that do not split evenly form one group.
        assert_eq!(g(&[2, 3, 4], &[3, 8]), Some(vec![(0..3, 0..2)]));
        assert_eq!(g(&[2, 3], &[7]), None);
    }

    #[test]
    fn reshape_hoist() {
        // A per-channel bias [C, 1, 1] on the NCHW view of a blocked-split tensor becomes
        // [1, C / 16, 16, 1, 1] on the split tensor itself.
        assert_equal(
            "reshape-hoist",
            "(%a: tensor<1x2x16x3x3xf32>, %b: tensor<32x1x1xf32>) -> (tensor<1x32x3x3xf32>, tensor<1x32x3x3xf32>) {
               %s = \"flow.constant\"() {value = dense<[1, 32, 3, 3]> : tensor<4xi64>} : () -> tensor<4xi64>
               %v = \"flow.reshape\"(%a, %s) : (tensor<1x2x16x3x3xf32>, tensor<4xi64>) -> tensor<1x32x3x3xf32>
               %0 = \"flow.add\"(%v, %b) : (tensor<1x32x3x3xf32>, tensor<32x1x1xf32>) -> tensor<1x32x3x3xf32>
               %s2 = \"flow.constant\"() {value = dense<[1, 2, 16, 1, 1]> : tensor<5xi64>} : () -> tensor<5xi64>
               %b5 = \"flow.reshape\"(%b, %s2) : (tensor<32x1x1xf32>, tensor<5xi64>) -> tensor<1x2x16x1x1xf32>
               %c = \"flow.add\"(%a, %b5) : (tensor<1x2x16x3x3xf32>, tensor<1x2x16x1x1xf32>) -> tensor<1x2x16x3x3xf32>
               %1 = \"flow.reshape\"(%c, %s) : (tensor<1x2x16x3x3xf32>, tensor<4xi64>) -> tensor<1x32x3x3xf32>
               return %0, %1 : tensor<1x32x3x3xf32>, tensor<1x32x3x3xf32>",
        );
        // A unary op; a full-shape operand is reshaped with it.
        assert_equal(
            "reshape-hoist",
            "(%a: tensor<1x1x16x2x2xf32>, %b: tensor<1x16x2x2xf32>) -> (tensor<1x16x2x2xf32>, tensor<1x16x2x2xf32>) {
               %s = \"flow.constant\"() {value = dense<[1, 16, 2, 2]> : tensor<4xi64>} : () -> tensor<4xi64>
               %v = \"flow.reshape\"(%a, %s) : (tensor<1x1x16x2x2xf32>, tensor<4xi64>) -> tensor<1x16x2x2xf32>
               %0 = \"flow.mul\"(%b, %v) : (tensor<1x16x2x2xf32>, tensor<1x16x2x2xf32>) -> tensor<1x16x2x2xf32>
               %s2 = \"flow.constant\"() {value = dense<[1, 1, 16, 2, 2]> : tensor<5xi64>} : () -> tensor<5xi64>
               %b5 = \"flow.reshape\"(%b, %s2) : (tensor<1x16x2x2xf32>, tensor<5xi64>) -> tensor<1x1x16x2x2xf32>
               %c = \"flow.mul\"(%b5, %a) : (tensor<1x1x16x2x2xf32>, tensor<1x1x16x2x2xf32>) -> tensor<1x1x16x2x2xf32>
               %1 = \"flow.reshape\"(%c, %s) : (tensor<1x1x16x2x2xf32>, tensor<4xi64>) -> tensor<1x16x2x2xf32>
               return %0, %1 : tensor<1x16x2x2xf32>, tensor<1x16x2x2xf32>",
        );
        // Other reshapes (a transformer's heads) stay where they are.
        assert_not_equal(
            "reshape-hoist",
            "(%a: tensor<2x4x8xf32>) -> (tensor<2x32xf32>, tensor<2x32xf32>) {
               %s = \"flow.constant\"() {value = dense<[2, 32]> : tensor<2xi64>} : () -> tensor<2xi64>
               %v = \"flow.reshape\"(%a, %s) : (tensor<2x4x8xf32>, tensor<2xi64>) -> tensor<2x32xf32>
               %0 = \"flow.relu\"(%v) : (tensor<2x32xf32>) -> tensor<2x32xf32>
               %c = \"flow.relu\"(%a) : (tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
               %1 = \"flow.reshape\"(%c, %s) : (tensor<2x4x8xf32>, tensor<2xi64>) -> tensor<2x32xf32>
               return %0, %1 : tensor<2x32xf32>, tensor<2x32xf32>",
        );
    }
}
