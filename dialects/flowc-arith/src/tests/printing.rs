//! Custom syntax as `mlir-opt` 22 prints it, the generic form, and the verifier hooks.

use super::Fixture;
use crate::flags::{FastMathFlags, OverflowFlags};
use flowc_ir::FloatKind;

#[test]
fn binary_ops_with_flags() {
    let mut t = Fixture::new();
    let i32t = t.ctx.i32_type();
    let f32t = t.ctx.f32_type();
    let a = t.value(i32t);
    let x = t.value(f32t);
    let nsw_nuw = OverflowFlags(3).to_attr(&mut t.ctx);
    let none = OverflowFlags::NONE.to_attr(&mut t.ctx);
    let fast = FastMathFlags::FAST.to_attr(&mut t.ctx);
    let nnan_ninf =
        FastMathFlags(FastMathFlags::NINF.0 | FastMathFlags::NNAN.0).to_attr(&mut t.ctx);
    let unit = t.ctx.unit_attr();
    t.op("arith.addi", &[a, a], i32t, &[("overflowFlags", nsw_nuw)]);
    t.op("arith.subi", &[a, a], i32t, &[("overflowFlags", none)]);
    t.op(
        "arith.muli",
        &[a, a],
        i32t,
        &[("overflowFlags", nsw_nuw), ("foo", unit)],
    );
    t.op("arith.addf", &[x, x], f32t, &[("fastmath", fast)]);
    t.op("arith.mulf", &[x, x], f32t, &[("fastmath", nnan_ninf)]);
    t.op("arith.negf", &[x], f32t, &[("fastmath", fast)]);
    t.op("arith.divsi", &[a, a], i32t, &[]);
    let text = t.print();
    for line in [
        "%2 = arith.addi %0, %0 overflow<nsw, nuw> : i32",
        "%3 = arith.subi %0, %0 : i32",
        "%4 = arith.muli %0, %0 overflow<nsw, nuw> {foo} : i32",
        "%5 = arith.addf %1, %1 fastmath<fast> : f32",
        "%6 = arith.mulf %1, %1 fastmath<nnan,ninf> : f32",
        "%7 = arith.negf %1 fastmath<fast> : f32",
        "%8 = arith.divsi %0, %0 : i32",
    ] {
        assert!(text.contains(line), "missing `{line}` in\n{text}");
    }
    let generic = t.print_generic();
    assert!(generic.contains(r#""arith.addi"(%0, %0) <{overflowFlags = #arith.overflow<nsw, nuw>}> : (i32, i32) -> i32"#), "{generic}");
    assert!(
        generic.contains(
            r#""arith.mulf"(%1, %1) <{fastmath = #arith.fastmath<nnan,ninf>}> : (f32, f32) -> f32"#
        ),
        "{generic}"
    );
    assert!(
        generic
            .contains(r#"<{overflowFlags = #arith.overflow<nsw, nuw>}> {foo} : (i32, i32) -> i32"#),
        "{generic}"
    );
}

#[test]
fn flags_parse_leniently_and_print_canonically() {
    assert_eq!(
        OverflowFlags::from_body("overflow<nuw,nsw>"),
        Some(OverflowFlags(3))
    );
    assert_eq!(
        OverflowFlags::from_body("overflow< nsw >"),
        Some(OverflowFlags::NSW)
    );
    assert_eq!(
        OverflowFlags::from_body("overflow<none>"),
        Some(OverflowFlags::NONE)
    );
    assert_eq!(OverflowFlags::from_body("overflow<foo>"), None);
    assert_eq!(
        FastMathFlags::from_body("fastmath<ninf, nnan>").map(|f| f.keywords()),
        Some("nnan,ninf".into())
    );
    assert_eq!(
        FastMathFlags::from_body("fastmath<reassoc,nnan,ninf,nsz,arcp,contract,afn>")
            .map(|f| f.keywords()),
        Some("fast".into())
    );
    assert_eq!(
        FastMathFlags::from_body("fastmath<fast>"),
        Some(FastMathFlags::FAST)
    );
    assert_eq!(FastMathFlags::from_body("fastmath<quick>"), None);
    assert!(crate::flags::verify_attr_body("overflow<nsw, nuw>").is_ok());
    assert!(crate::flags::verify_attr_body("fastmath<nnan,ninf>").is_ok());
    assert!(crate::flags::verify_attr_body("overflow<fast>").is_err());
    assert!(crate::flags::verify_attr_body("bogus<x>").is_err());
}

#[test]
fn constants_print_like_mlir() {
    let mut t = Fixture::new();
    let i32t = t.ctx.i32_type();
    let i64t = t.ctx.i64_type();
    let i1 = t.ctx.i1_type();
    let f32t = t.ctx.f32_type();
    let f64t = t.ctx.f64_type();
    let bf16t = t.ctx.float_type(FloatKind::BF16);
    let index = t.ctx.index_type();
    t.int(i32t, 42);
    t.int(i64t, -1);
    t.int(i1, 1);
    t.int(i1, 0);
    t.float(f32t, 1.0);
    t.float(f64t, 1e10);
    t.float(bf16t, 1.0);
    t.int(index, 3);
    let tensor = t.ctx.tensor_type(vec![4], f32t);
    let half = t.ctx.float_attr(f32t, 0.5);
    let splat = t.ctx.splat_attr(tensor, half).unwrap();
    t.constant(splat);
    let text = t.print();
    for line in [
        "%0 = arith.constant 42 : i32",
        "%1 = arith.constant -1 : i64",
        "%2 = arith.constant true",
        "%3 = arith.constant false",
        "%4 = arith.constant 1.000000e+00 : f32",
        "%5 = arith.constant 1.000000e+10 : f64",
        "%6 = arith.constant 1.000000e+00 : bf16",
        "%7 = arith.constant 3 : index",
        "%8 = arith.constant dense<5.000000e-01> : tensor<4xf32>",
    ] {
        assert!(text.contains(line), "missing `{line}` in\n{text}");
    }
    assert!(
        t.print_generic()
            .contains(r#"%0 = "arith.constant"() <{value = 42 : i32}> : () -> i32"#)
    );
}

#[test]
fn comparisons_select_and_casts() {
    let mut t = Fixture::new();
    let i32t = t.ctx.i32_type();
    let i64t = t.ctx.i64_type();
    let i1 = t.ctx.i1_type();
    let f32t = t.ctx.f32_type();
    let f16t = t.ctx.float_type(FloatKind::F16);
    let v4i1 = t.ctx.vector_type(vec![4], i1);
    let v4i32 = t.ctx.vector_type(vec![4], i32t);
    let a = t.value(i32t); // %0
    let x = t.value(f32t); // %1
    let c = t.value(i1); // %2
    let vc = t.value(v4i1); // %3
    let va = t.value(v4i32); // %4
    let slt = t.ctx.i64_attr(2);
    let olt = t.ctx.i64_attr(4);
    let fast = FastMathFlags::FAST.to_attr(&mut t.ctx);
    let rounding = t.ctx.integer_attr(i32t, 0);
    t.op("arith.cmpi", &[a, a], i1, &[("predicate", slt)]);
    t.op(
        "arith.cmpf",
        &[x, x],
        i1,
        &[("predicate", olt), ("fastmath", fast)],
    );
    t.op("arith.select", &[c, a, a], i32t, &[]);
    t.op("arith.select", &[vc, va, va], v4i32, &[]);
    t.op("arith.extsi", &[a], i64t, &[]);
    t.op(
        "arith.truncf",
        &[x],
        f16t,
        &[("roundingmode", rounding), ("fastmath", fast)],
    );
    t.op("arith.cmpi", &[va, va], v4i1, &[("predicate", slt)]);
    let text = t.print();
    for line in [
        "%5 = arith.cmpi slt, %0, %0 : i32",
        "%6 = arith.cmpf olt, %1, %1 fastmath<fast> : f32",
        "%7 = arith.select %2, %0, %0 : i32",
        "%8 = arith.select %3, %4, %4 : vector<4xi1>, vector<4xi32>",
        "%9 = arith.extsi %0 : i32 to i64",
        "%10 = arith.truncf %1 to_nearest_even fastmath<fast> : f32 to f16",
        "%11 = arith.cmpi slt, %4, %4 : vector<4xi32>",
    ] {
        assert!(text.contains(line), "missing `{line}` in\n{text}");
    }
    let generic = t.print_generic();
    assert!(
        generic.contains(r#""arith.cmpi"(%0, %0) <{predicate = 2 : i64}> : (i32, i32) -> i1"#),
        "{generic}"
    );
}

#[test]
fn verifier_hooks() {
    let mut t = Fixture::new();
    let i32t = t.ctx.i32_type();
    let i8t = t.ctx.integer_type(8);
    let i64t = t.ctx.i64_type();
    let i1 = t.ctx.i1_type();
    let f32t = t.ctx.f32_type();
    let f64t = t.ctx.f64_type();
    let index = t.ctx.index_type();
    let a = t.value(i32t);
    let x = t.value(f32t);
    let cases = [
        (
            "arith.extsi",
            a,
            i8t,
            Some("'arith.extsi' op operand type 'i32' and result type 'i8' are cast incompatible"),
        ),
        (
            "arith.extsi",
            a,
            i32t,
            Some("'arith.extsi' op operand type 'i32' and result type 'i32' are cast incompatible"),
        ),
        ("arith.extui", a, i64t, None),
        (
            "arith.trunci",
            a,
            i64t,
            Some(
                "'arith.trunci' op operand type 'i32' and result type 'i64' are cast incompatible",
            ),
        ),
        ("arith.extf", x, f64t, None),
        (
            "arith.truncf",
            x,
            f64t,
            Some(
                "'arith.truncf' op operand type 'f32' and result type 'f64' are cast incompatible",
            ),
        ),
        ("arith.bitcast", a, f32t, None),
        (
            "arith.bitcast",
            a,
            f64t,
            Some(
                "'arith.bitcast' op operand type 'i32' and result type 'f64' are cast incompatible",
            ),
        ),
        ("arith.index_cast", a, index, None),
        (
            "arith.index_cast",
            a,
            i64t,
            Some(
                "'arith.index_cast' op operand type 'i32' and result type 'i64' are cast incompatible",
            ),
        ),
        ("arith.sitofp", a, f32t, None),
        ("arith.fptoui", x, i8t, None),
    ];
    for (name, v, ty, want) in cases {
        let op = t.op(name, &[v], ty, &[]);
        assert_eq!(t.verify(op).err().as_deref(), want, "{name}");
    }
    // Constants: the value's type is the result type; integer results are signless.
    let c = t.int(i32t, 1);
    let cop = t.ctx.defining_op(c).unwrap();
    assert_eq!(t.verify(cop), Ok(()));
    let wrong = t.ctx.integer_attr(i64t, 1);
    t.ctx.set_attr(cop, "value", wrong);
    assert_eq!(
        t.verify(cop),
        Err(
            "'arith.constant' op failed to verify that all of {value, result} have same type"
                .into()
        )
    );
    let si32 = t
        .ctx
        .integer_type_with_sign(32, flowc_ir::Signedness::Signed);
    let sv = t.ctx.integer_attr(si32, 1);
    t.ctx.set_attr(cop, "value", sv);
    t.ctx.set_value_type(c, si32);
    assert_eq!(
        t.verify(cop),
        Err("'arith.constant' op integer return type must be signless".into())
    );
    // cmpi: i1 result of the operands' shape.
    let slt = t.ctx.i64_attr(2);
    let op = t.op("arith.cmpi", &[a, a], i32t, &[("predicate", slt)]);
    assert_eq!(
        t.verify(op),
        Err("'arith.cmpi' op failed to verify that result type has i1 element type and same shape as operands".into())
    );
    let v4i1 = t.ctx.vector_type(vec![4], i1);
    let op = t.op("arith.cmpi", &[a, a], v4i1, &[("predicate", slt)]);
    assert!(t.verify(op).is_err());
    // select
    let c1 = t.value(i1);
    let op = t.op("arith.select", &[c1, a, a], i64t, &[]);
    assert_eq!(
        t.verify(op),
        Err("'arith.select' op failed to verify that all of {true_value, false_value, result} have same type".into())
    );
    let vc = t.value(v4i1);
    let op = t.op("arith.select", &[vc, a, a], i32t, &[]);
    assert_eq!(
        t.verify(op),
        Err("'arith.select' op if an operand is non-scalar, then there must be at least one non-scalar result".into())
    );
    let t4 = t.ctx.tensor_type(vec![4], i32t);
    let ta = t.value(t4);
    let op = t.op("arith.select", &[vc, ta, ta], t4, &[]);
    assert_eq!(
        t.verify(op),
        Err("'arith.select' op all non-scalar operands/results must have the same shape and base type".into())
    );
    let v4i32 = t.ctx.vector_type(vec![4], i32t);
    let va = t.value(v4i32);
    let op = t.op("arith.select", &[vc, va, va], v4i32, &[]);
    assert_eq!(t.verify(op), Ok(()));
    let op = t.op("arith.select", &[c1, va, va], v4i32, &[]);
    assert_eq!(t.verify(op), Ok(()));
}
