//! Canonicalization patterns, applied one at a time through a rewriter.

use super::Fixture;
use flowc_ir::Op;
use flowc_ir::pattern::{NoListener, Rewriter};

/// Applies the first matching pattern of `op`'s canonicalizer; returns whether one applied.
fn canonicalize(t: &mut Fixture, op: Op) -> bool {
    let patterns = (t
        .ctx
        .op_def(op)
        .and_then(|d| d.canonicalize)
        .expect("op has patterns"))();
    let mut listener = NoListener;
    let mut rw = Rewriter::new(&mut t.ctx, &mut listener);
    patterns.iter().any(|p| p.match_and_rewrite(op, &mut rw))
}

fn assert_has(text: &str, lines: &[&str]) {
    for line in lines {
        assert!(text.contains(line), "missing `{line}` in\n{text}");
    }
}

#[test]
fn constants_move_to_the_right() {
    let mut t = Fixture::new();
    let i32t = t.ctx.i32_type();
    let i1 = t.ctx.i1_type();
    let x = t.value(i32t); // %0
    let c = t.int(i32t, 5); // %1
    let add = t.op("arith.addi", &[c, x], i32t, &[]);
    assert!(canonicalize(&mut t, add));
    assert!(!canonicalize(&mut t, add));
    let slt = t.ctx.i64_attr(2);
    let cmp = t.op("arith.cmpi", &[c, x], i1, &[("predicate", slt)]);
    assert!(canonicalize(&mut t, cmp));
    assert_has(
        &t.print(),
        &[
            "%2 = arith.addi %0, %1 : i32",
            "%3 = arith.cmpi sgt, %0, %1 : i32",
        ],
    );
}

#[test]
fn add_sub_constant_chains_reassociate() {
    let mut t = Fixture::new();
    let i32t = t.ctx.i32_type();
    let x = t.value(i32t);
    let c0 = t.int(i32t, 3);
    let c1 = t.int(i32t, 4);
    // addi(addi(x, 3), 4) -> addi(x, 7)
    let inner = t.op("arith.addi", &[x, c0], i32t, &[]);
    let iv = t.ctx.result(inner, 0);
    let outer = t.op("arith.addi", &[iv, c1], i32t, &[]);
    let user = t.op("test.use", &[t.ctx.result(outer, 0)], i32t, &[]);
    assert!(canonicalize(&mut t, outer));
    let new = t.ctx.defining_op(t.ctx.operand(user, 0)).unwrap();
    assert_eq!(t.ctx.op_name(new), "arith.addi");
    assert_eq!(t.ctx.operand(new, 0), x);
    let k = crate::canonicalize::constant_value(&t.ctx, t.ctx.operand(new, 1)).unwrap();
    assert_eq!(t.ctx.print_attr(k), "7 : i32");

    // subi(3, subi(x, 4))... as sign flips: subi(c1, subi(c0, x)) -> addi(x, c1 - c0)
    let inner = t.op("arith.subi", &[c0, x], i32t, &[]);
    let iv = t.ctx.result(inner, 0);
    let outer = t.op("arith.subi", &[c1, iv], i32t, &[]);
    let user = t.op("test.use", &[t.ctx.result(outer, 0)], i32t, &[]);
    assert!(canonicalize(&mut t, outer));
    let new = t.ctx.defining_op(t.ctx.operand(user, 0)).unwrap();
    assert_eq!(t.ctx.op_name(new), "arith.addi");
    let k = crate::canonicalize::constant_value(&t.ctx, t.ctx.operand(new, 1)).unwrap();
    assert_eq!(t.ctx.print_attr(k), "1 : i32");

    // subi(subi(x, 3), 4) -> addi(x, -7); addi(subi(3, x), 4) -> subi(7, x)
    let inner = t.op("arith.subi", &[x, c0], i32t, &[]);
    let iv = t.ctx.result(inner, 0);
    let outer = t.op("arith.subi", &[iv, c1], i32t, &[]);
    let user = t.op("test.use", &[t.ctx.result(outer, 0)], i32t, &[]);
    assert!(canonicalize(&mut t, outer));
    let new = t.ctx.defining_op(t.ctx.operand(user, 0)).unwrap();
    let k = crate::canonicalize::constant_value(&t.ctx, t.ctx.operand(new, 1)).unwrap();
    assert_eq!(
        (t.ctx.op_name(new), t.ctx.print_attr(k).as_str()),
        ("arith.addi", "-7 : i32")
    );

    let inner = t.op("arith.subi", &[c0, x], i32t, &[]);
    let iv = t.ctx.result(inner, 0);
    let outer = t.op("arith.addi", &[iv, c1], i32t, &[]);
    let user = t.op("test.use", &[t.ctx.result(outer, 0)], i32t, &[]);
    assert!(canonicalize(&mut t, outer));
    let new = t.ctx.defining_op(t.ctx.operand(user, 0)).unwrap();
    let k = crate::canonicalize::constant_value(&t.ctx, t.ctx.operand(new, 0)).unwrap();
    assert_eq!(
        (t.ctx.op_name(new), t.ctx.print_attr(k).as_str()),
        ("arith.subi", "7 : i32")
    );
    assert_eq!(t.ctx.operand(new, 1), x);

    // Wrapping: i8 addi(addi(x, 100), 100) -> addi(x, -56)
    let i8t = t.ctx.integer_type(8);
    let y = t.value(i8t);
    let h = t.int(i8t, 100);
    let inner = t.op("arith.addi", &[y, h], i8t, &[]);
    let iv = t.ctx.result(inner, 0);
    let outer = t.op("arith.addi", &[iv, h], i8t, &[]);
    let user = t.op("test.use", &[t.ctx.result(outer, 0)], i8t, &[]);
    assert!(canonicalize(&mut t, outer));
    let new = t.ctx.defining_op(t.ctx.operand(user, 0)).unwrap();
    let k = crate::canonicalize::constant_value(&t.ctx, t.ctx.operand(new, 1)).unwrap();
    assert_eq!(t.ctx.print_attr(k), "-56 : i8");
}

#[test]
fn mul_constant_chain() {
    let mut t = Fixture::new();
    let i32t = t.ctx.i32_type();
    let x = t.value(i32t);
    let c = t.int(i32t, 6);
    let inner = t.op("arith.muli", &[x, c], i32t, &[]);
    let outer = t.op("arith.muli", &[c, t.ctx.result(inner, 0)], i32t, &[]);
    let user = t.op("test.use", &[t.ctx.result(outer, 0)], i32t, &[]);
    // First the constant moves right, then the chain reassociates.
    assert!(canonicalize(&mut t, outer));
    assert_eq!(t.ctx.operand(outer, 1), c);
    assert!(canonicalize(&mut t, outer));
    let new = t.ctx.defining_op(t.ctx.operand(user, 0)).unwrap();
    let k = crate::canonicalize::constant_value(&t.ctx, t.ctx.operand(new, 1)).unwrap();
    assert_eq!(
        (t.ctx.operand(new, 0), t.ctx.print_attr(k).as_str()),
        (x, "36 : i32")
    );
}

#[test]
fn xori_of_cmpi_inverts_the_predicate() {
    let mut t = Fixture::new();
    let i32t = t.ctx.i32_type();
    let i1 = t.ctx.i1_type();
    let a = t.value(i32t);
    let b = t.value(i32t);
    let tr = t.int(i1, 1);
    for (p, inverted) in [
        (0, "ne"),
        (1, "eq"),
        (2, "sge"),
        (3, "sgt"),
        (4, "sle"),
        (5, "slt"),
        (6, "uge"),
        (7, "ugt"),
        (8, "ule"),
        (9, "ult"),
    ] {
        let pred = t.ctx.i64_attr(p);
        let cmp = t.op("arith.cmpi", &[a, b], i1, &[("predicate", pred)]);
        let x = t.op("arith.xori", &[t.ctx.result(cmp, 0), tr], i1, &[]);
        let user = t.op("test.use", &[t.ctx.result(x, 0)], i1, &[]);
        assert!(canonicalize(&mut t, x));
        let new = t.ctx.defining_op(t.ctx.operand(user, 0)).unwrap();
        let q = t
            .ctx
            .attr(new, "predicate")
            .and_then(|a| t.ctx.int_value(a))
            .unwrap();
        assert_eq!(crate::CMPI_PREDICATES[q as usize], inverted);
    }
}

#[test]
fn select_patterns() {
    let mut t = Fixture::new();
    let i32t = t.ctx.i32_type();
    let i1 = t.ctx.i1_type();
    let c = t.value(i1); // %0
    let a = t.value(i32t); // %1
    let b = t.value(i32t); // %2
    let tr = t.int(i1, 1); // %3
    let fa = t.int(i1, 0); // %4
    // select(c, false, true) -> xori(c, true)
    let s = t.op("arith.select", &[c, fa, tr], i1, &[]);
    let user = t.op("test.use", &[t.ctx.result(s, 0)], i1, &[]);
    assert!(canonicalize(&mut t, s));
    let new = t.ctx.defining_op(t.ctx.operand(user, 0)).unwrap();
    assert_eq!(t.ctx.op_name(new), "arith.xori");
    // select(not(c), a, b) -> select(c, b, a)
    let not_c = t.ctx.result(new, 0);
    let s = t.op("arith.select", &[not_c, a, b], i32t, &[]);
    assert!(canonicalize(&mut t, s));
    assert_eq!(t.ctx.operand_vec(s), vec![c, b, a]);
    // select(c, select(c, a, b), b) -> select(c, a, b)
    let inner = t.op("arith.select", &[c, a, b], i32t, &[]);
    let s = t.op("arith.select", &[c, t.ctx.result(inner, 0), b], i32t, &[]);
    assert!(canonicalize(&mut t, s));
    assert_eq!(t.ctx.operand_vec(s), vec![c, a, b]);
}

#[test]
fn extension_and_truncation_chains() {
    let mut t = Fixture::new();
    let i8t = t.ctx.integer_type(8);
    let i16t = t.ctx.integer_type(16);
    let i32t = t.ctx.i32_type();
    let i64t = t.ctx.i64_type();
    let x = t.value(i8t);
    let chain = |t: &mut Fixture, first: &str, second: &str, mid, last| {
        let e1 = t.op(first, &[x], mid, &[]);
        let e2 = t.op(second, &[t.ctx.result(e1, 0)], last, &[]);
        let user = t.op("test.use", &[t.ctx.result(e2, 0)], last, &[]);
        assert!(canonicalize(t, e2), "{first} then {second}");
        let new = t.ctx.defining_op(t.ctx.operand(user, 0)).unwrap();
        assert_eq!(t.ctx.operand(new, 0), x);
        (
            t.ctx.op_name(new).to_string(),
            t.ctx.value_type(t.ctx.result(new, 0)),
        )
    };
    assert_eq!(
        chain(&mut t, "arith.extsi", "arith.extsi", i32t, i64t),
        ("arith.extsi".into(), i64t)
    );
    assert_eq!(
        chain(&mut t, "arith.extui", "arith.extui", i32t, i64t),
        ("arith.extui".into(), i64t)
    );
    assert_eq!(
        chain(&mut t, "arith.extui", "arith.extsi", i32t, i64t),
        ("arith.extui".into(), i64t)
    );
    assert_eq!(
        chain(&mut t, "arith.extsi", "arith.trunci", i32t, i16t),
        ("arith.extsi".into(), i16t)
    );
    let y = t.value(i64t);
    let t1 = t.op("arith.trunci", &[y], i32t, &[]);
    let t2 = t.op("arith.trunci", &[t.ctx.result(t1, 0)], i8t, &[]);
    let user = t.op("test.use", &[t.ctx.result(t2, 0)], i8t, &[]);
    assert!(canonicalize(&mut t, t2));
    let new = t.ctx.defining_op(t.ctx.operand(user, 0)).unwrap();
    assert_eq!(
        (
            t.ctx.operand(new, 0),
            t.ctx.value_type(t.ctx.result(new, 0))
        ),
        (y, i8t)
    );
    // extsi(extui) chains do not apply the other way round.
    let e1 = t.op("arith.extsi", &[x], i32t, &[]);
    let e2 = t.op("arith.extui", &[t.ctx.result(e1, 0)], i64t, &[]);
    assert!(!canonicalize(&mut t, e2));
}

#[test]
fn default_flags_are_dropped() {
    let mut t = Fixture::new();
    let i32t = t.ctx.i32_type();
    let f32t = t.ctx.f32_type();
    let a = t.value(i32t);
    let x = t.value(f32t);
    let none = crate::flags::OverflowFlags::NONE.to_attr(&mut t.ctx);
    let nsw = crate::flags::OverflowFlags::NSW.to_attr(&mut t.ctx);
    let fm_none = crate::flags::FastMathFlags::NONE.to_attr(&mut t.ctx);
    let add = t.op("arith.addi", &[a, a], i32t, &[("overflowFlags", none)]);
    assert!(canonicalize(&mut t, add));
    assert!(!t.ctx.has_attr(add, "overflowFlags"));
    let add = t.op("arith.addi", &[a, a], i32t, &[("overflowFlags", nsw)]);
    assert!(!canonicalize(&mut t, add));
    let neg = t.op("arith.negf", &[x], f32t, &[("fastmath", fm_none)]);
    assert!(canonicalize(&mut t, neg));
    assert!(!t.ctx.has_attr(neg, "fastmath"));
}
