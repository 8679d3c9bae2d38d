//! Folders: constant operands (scalars, splats, dense), identities, and what must not fold.

use super::Fixture;
use crate::fold::{int_to_float, maximum, maxnum, minimum, minnum};
use flowc_ir::{AttrData, FloatKind, FoldResult};

fn s(x: &str) -> Option<String> {
    Some(x.to_string())
}

#[test]
fn integer_arithmetic_wraps_at_the_type_width() {
    let mut t = Fixture::new();
    let i32t = t.ctx.i32_type();
    let i8t = t.ctx.integer_type(8);
    let i64t = t.ctx.i64_type();
    let index = t.ctx.index_type();
    assert_eq!(t.fold_ints("arith.addi", i32t, 2, 3), s("5 : i32"));
    assert_eq!(
        t.fold_ints("arith.addi", i32t, i32::MAX as i128, 1),
        s("-2147483648 : i32")
    );
    assert_eq!(t.fold_ints("arith.addi", i8t, 127, 1), s("-128 : i8"));
    assert_eq!(t.fold_ints("arith.subi", i8t, -128, 1), s("127 : i8"));
    assert_eq!(
        t.fold_ints("arith.muli", i64t, i64::MAX as i128, 2),
        s("-2 : i64")
    );
    assert_eq!(t.fold_ints("arith.muli", i8t, 16, 16), s("0 : i8"));
    assert_eq!(t.fold_ints("arith.addi", index, 40, 2), s("42 : index"));
}

#[test]
fn i1_arithmetic() {
    let mut t = Fixture::new();
    let i1 = t.ctx.i1_type();
    assert_eq!(t.fold_ints("arith.addi", i1, 1, 1), s("false"));
    assert_eq!(t.fold_ints("arith.xori", i1, 1, 0), s("true"));
    assert_eq!(t.fold_ints("arith.andi", i1, 1, 1), s("true"));
    assert_eq!(t.fold_ints("arith.muli", i1, 1, 1), s("true"));
}

#[test]
fn signed_and_unsigned_division() {
    let mut t = Fixture::new();
    let i32t = t.ctx.i32_type();
    let i8t = t.ctx.integer_type(8);
    assert_eq!(t.fold_ints("arith.divsi", i32t, -7, 2), s("-3 : i32"));
    assert_eq!(
        t.fold_ints("arith.divui", i32t, -1, 2),
        s("2147483647 : i32")
    );
    assert_eq!(t.fold_ints("arith.divui", i8t, -2, 3), s("84 : i8"));
    assert_eq!(t.fold_ints("arith.ceildivsi", i32t, 7, 2), s("4 : i32"));
    assert_eq!(t.fold_ints("arith.ceildivsi", i32t, -7, 2), s("-3 : i32"));
    assert_eq!(t.fold_ints("arith.ceildivsi", i32t, 7, -2), s("-3 : i32"));
    assert_eq!(t.fold_ints("arith.ceildivsi", i32t, -7, -2), s("4 : i32"));
    assert_eq!(t.fold_ints("arith.ceildivsi", i32t, 6, 2), s("3 : i32"));
    assert_eq!(t.fold_ints("arith.ceildivui", i32t, 7, 2), s("4 : i32"));
    assert_eq!(t.fold_ints("arith.ceildivui", i8t, -1, 2), s("-128 : i8"));
    assert_eq!(t.fold_ints("arith.floordivsi", i32t, -7, 2), s("-4 : i32"));
    assert_eq!(t.fold_ints("arith.floordivsi", i32t, 7, -2), s("-4 : i32"));
    assert_eq!(t.fold_ints("arith.floordivsi", i32t, 7, 2), s("3 : i32"));
    assert_eq!(t.fold_ints("arith.floordivsi", i32t, -8, 2), s("-4 : i32"));
    assert_eq!(t.fold_ints("arith.remsi", i32t, -7, 2), s("-1 : i32"));
    assert_eq!(t.fold_ints("arith.remsi", i32t, 7, -2), s("1 : i32"));
    assert_eq!(
        t.fold_ints("arith.remsi", i32t, i32::MIN as i128, -1),
        s("0 : i32")
    );
    assert_eq!(t.fold_ints("arith.remui", i8t, -1, 10), s("5 : i8"));
}

#[test]
fn undefined_division_is_not_folded() {
    let mut t = Fixture::new();
    let i32t = t.ctx.i32_type();
    for name in [
        "arith.divsi",
        "arith.divui",
        "arith.ceildivsi",
        "arith.ceildivui",
        "arith.floordivsi",
    ] {
        assert_eq!(t.fold_ints(name, i32t, 7, 0), None, "{name} by zero");
    }
    assert_eq!(t.fold_ints("arith.remsi", i32t, 7, 0), None);
    assert_eq!(t.fold_ints("arith.remui", i32t, 7, 0), None);
    for name in ["arith.divsi", "arith.ceildivsi", "arith.floordivsi"] {
        assert_eq!(
            t.fold_ints(name, i32t, i32::MIN as i128, -1),
            None,
            "{name} overflow"
        );
    }
}

#[test]
fn bitwise_and_shifts() {
    let mut t = Fixture::new();
    let i32t = t.ctx.i32_type();
    let i8t = t.ctx.integer_type(8);
    assert_eq!(t.fold_ints("arith.andi", i32t, 12, 10), s("8 : i32"));
    assert_eq!(t.fold_ints("arith.ori", i32t, 12, 10), s("14 : i32"));
    assert_eq!(t.fold_ints("arith.xori", i32t, 12, 10), s("6 : i32"));
    assert_eq!(t.fold_ints("arith.shli", i8t, 1, 7), s("-128 : i8"));
    assert_eq!(t.fold_ints("arith.shli", i32t, 3, 2), s("12 : i32"));
    assert_eq!(t.fold_ints("arith.shrsi", i32t, -8, 1), s("-4 : i32"));
    assert_eq!(t.fold_ints("arith.shrui", i32t, -8, 28), s("15 : i32"));
    assert_eq!(t.fold_ints("arith.shrui", i8t, -128, 7), s("1 : i8"));
    // Shifts by the width or more (the amount is unsigned) are poison: not folded.
    assert_eq!(t.fold_ints("arith.shli", i32t, 1, 32), None);
    assert_eq!(t.fold_ints("arith.shrsi", i32t, 1, -1), None);
    assert_eq!(t.fold_ints("arith.shrui", i8t, 1, 8), None);
}

#[test]
fn integer_min_max() {
    let mut t = Fixture::new();
    let i32t = t.ctx.i32_type();
    assert_eq!(t.fold_ints("arith.maxsi", i32t, -1, 1), s("1 : i32"));
    assert_eq!(t.fold_ints("arith.maxui", i32t, -1, 1), s("-1 : i32"));
    assert_eq!(t.fold_ints("arith.minsi", i32t, -1, 1), s("-1 : i32"));
    assert_eq!(t.fold_ints("arith.minui", i32t, -1, 1), s("1 : i32"));
}

#[test]
fn integer_identities() {
    let mut t = Fixture::new();
    let i32t = t.ctx.i32_type();
    let x = t.value(i32t);
    let y = t.value(i32t);
    let zero = t.int(i32t, 0);
    let one = t.int(i32t, 1);
    let ones = t.int(i32t, -1);
    let imax = t.int(i32t, i32::MAX as i128);
    let imin = t.int(i32t, i32::MIN as i128);
    let cases: Vec<(&str, [flowc_ir::Value; 2], flowc_ir::Value)> = vec![
        ("arith.addi", [x, zero], x),
        ("arith.addi", [zero, x], x),
        ("arith.subi", [x, zero], x),
        ("arith.muli", [x, one], x),
        ("arith.muli", [one, x], x),
        ("arith.divsi", [x, one], x),
        ("arith.divui", [x, one], x),
        ("arith.ceildivsi", [x, one], x),
        ("arith.floordivsi", [x, one], x),
        ("arith.andi", [x, x], x),
        ("arith.andi", [x, ones], x),
        ("arith.ori", [x, x], x),
        ("arith.ori", [x, zero], x),
        ("arith.xori", [x, zero], x),
        ("arith.shli", [x, zero], x),
        ("arith.shrsi", [x, zero], x),
        ("arith.shrui", [x, zero], x),
        ("arith.maxsi", [x, x], x),
        ("arith.maxsi", [x, imin], x),
        ("arith.maxsi", [x, imax], imax),
        ("arith.minsi", [x, imax], x),
        ("arith.minsi", [imin, x], imin),
        ("arith.maxui", [x, zero], x),
        ("arith.maxui", [x, ones], ones),
        ("arith.minui", [x, ones], x),
        ("arith.minui", [x, zero], zero),
    ];
    for (name, operands, expected) in cases {
        let op = t.op(name, &operands, i32t, &[]);
        assert_eq!(t.fold_value(op), Some(expected), "{name}");
    }
    // Identities that produce constants.
    for (name, operands) in [
        ("arith.subi", [x, x]),
        ("arith.muli", [x, zero]),
        ("arith.muli", [zero, x]),
        ("arith.andi", [x, zero]),
        ("arith.xori", [x, x]),
        ("arith.remsi", [x, one]),
        ("arith.remui", [x, one]),
    ] {
        let op = t.op(name, &operands, i32t, &[]);
        assert_eq!(t.fold_attr(op), s("0 : i32"), "{name}");
    }
    let op = t.op("arith.ori", &[x, ones], i32t, &[]);
    assert_eq!(t.fold_attr(op), s("-1 : i32"));
    // Nothing folds for two unknown values.
    let op = t.op("arith.addi", &[x, y], i32t, &[]);
    assert_eq!(t.fold(op), None);
    let op = t.op("arith.divsi", &[one, x], i32t, &[]);
    assert_eq!(t.fold(op), None);
}

#[test]
fn add_sub_xor_cancellation() {
    let mut t = Fixture::new();
    let i32t = t.ctx.i32_type();
    let a = t.value(i32t);
    let b = t.value(i32t);
    let sum = t.op("arith.addi", &[a, b], i32t, &[]);
    let sum = t.ctx.result(sum, 0);
    let op = t.op("arith.subi", &[sum, b], i32t, &[]);
    assert_eq!(t.fold_value(op), Some(a));
    let op = t.op("arith.subi", &[sum, a], i32t, &[]);
    assert_eq!(t.fold_value(op), Some(b));
    let diff = t.op("arith.subi", &[a, b], i32t, &[]);
    let diff = t.ctx.result(diff, 0);
    let op = t.op("arith.addi", &[diff, b], i32t, &[]);
    assert_eq!(t.fold_value(op), Some(a));
    let op = t.op("arith.addi", &[b, diff], i32t, &[]);
    assert_eq!(t.fold_value(op), Some(a));
    let x = t.op("arith.xori", &[a, b], i32t, &[]);
    let x = t.ctx.result(x, 0);
    let op = t.op("arith.xori", &[x, b], i32t, &[]);
    assert_eq!(t.fold_value(op), Some(a));
    // x & ~x == 0
    let ones = t.int(i32t, -1);
    let not_a = t.op("arith.xori", &[a, ones], i32t, &[]);
    let not_a = t.ctx.result(not_a, 0);
    let op = t.op("arith.andi", &[a, not_a], i32t, &[]);
    assert_eq!(t.fold_attr(op), s("0 : i32"));
}

#[test]
fn splat_and_dense_operands() {
    let mut t = Fixture::new();
    let i32t = t.ctx.i32_type();
    let tensor = t.ctx.tensor_type(vec![4], i32t);
    let one = t.ctx.integer_attr(i32t, 1);
    let two = t.ctx.integer_attr(i32t, 2);
    let a = t.ctx.splat_attr(tensor, one).unwrap();
    let b = t.ctx.splat_attr(tensor, two).unwrap();
    assert_eq!(
        t.fold_binary("arith.addi", a, b),
        s("dense<3> : tensor<4xi32>")
    );
    let vec2 = t.ctx.tensor_type(vec![2], i32t);
    let dense = |ctx: &mut flowc_ir::Context, v: [i32; 2]| {
        let data = v.iter().flat_map(|x| x.to_le_bytes()).collect();
        ctx.intern_attr(AttrData::DenseElements {
            ty: vec2,
            splat: false,
            data,
        })
    };
    let x = dense(&mut t.ctx, [1, 2]);
    let y = dense(&mut t.ctx, [10, 20]);
    assert_eq!(
        t.fold_binary("arith.muli", x, y),
        s("dense<[10, 40]> : tensor<2xi32>")
    );
    let seven = t.ctx.integer_attr(i32t, 7);
    let sevens = t.ctx.splat_attr(vec2, seven).unwrap();
    assert_eq!(
        t.fold_binary("arith.subi", sevens, x),
        s("dense<[6, 5]> : tensor<2xi32>")
    );
    // Results that are all equal become a splat.
    let z = dense(&mut t.ctx, [9, 8]);
    assert_eq!(
        t.fold_binary("arith.addi", x, z),
        s("dense<10> : tensor<2xi32>")
    );
    // Division by a zero element anywhere: no fold.
    let zeros = dense(&mut t.ctx, [1, 0]);
    assert_eq!(t.fold_binary("arith.divsi", x, zeros), None);
    // Vector floats.
    let f32t = t.ctx.f32_type();
    let v4 = t.ctx.vector_type(vec![4], f32t);
    let h = t.ctx.float_attr(f32t, 0.5);
    let hs = t.ctx.splat_attr(v4, h).unwrap();
    assert_eq!(
        t.fold_binary("arith.addf", hs, hs),
        s("dense<1.000000e+00> : vector<4xf32>")
    );
}

#[test]
fn x_minus_x_on_a_dynamic_tensor_does_not_fold() {
    let mut t = Fixture::new();
    let i32t = t.ctx.i32_type();
    let ty = t.ctx.tensor_type(vec![flowc_ir::DYNAMIC], i32t);
    let x = t.value(ty);
    let op = t.op("arith.subi", &[x, x], ty, &[]);
    assert_eq!(t.fold(op), None);
    let st = t.ctx.tensor_type(vec![3], i32t);
    let y = t.value(st);
    let op = t.op("arith.subi", &[y, y], st, &[]);
    assert_eq!(t.fold_attr(op), s("dense<0> : tensor<3xi32>"));
}

#[test]
fn float_arithmetic_rounds_to_the_type() {
    let mut t = Fixture::new();
    let f32t = t.ctx.f32_type();
    let f64t = t.ctx.f64_type();
    let f16t = t.ctx.float_type(FloatKind::F16);
    let bf16t = t.ctx.float_type(FloatKind::BF16);
    let sum = |t: &mut Fixture, ty, a, b| {
        let x = t.float(ty, a);
        let y = t.float(ty, b);
        let op = t.op("arith.addf", &[x, y], ty, &[]);
        match t.fold(op).unwrap()[0] {
            FoldResult::Attr(a) => t.ctx.attr_data(a).clone(),
            _ => panic!(),
        }
    };
    // 0.1f + 0.2f in f32 is 0x3E99999A (not the f64 sum rounded differently).
    let AttrData::Float { bits, .. } = sum(&mut t, f32t, 0.1f32 as f64, 0.2f32 as f64) else {
        panic!()
    };
    assert_eq!(bits, (0.1f32 + 0.2f32).to_bits() as u64);
    let AttrData::Float { bits, .. } = sum(&mut t, f64t, 0.1, 0.2) else {
        panic!()
    };
    assert_eq!(bits, (0.1f64 + 0.2f64).to_bits());
    // f16: 2048 + 1 = 2049 is a tie between 2048 and 2050: even wins.
    let AttrData::Float { bits, .. } = sum(&mut t, f16t, 2048.0, 1.0) else {
        panic!()
    };
    assert_eq!(bits, half::f16::from_f32(2048.0).to_bits() as u64);
    let AttrData::Float { bits, .. } = sum(&mut t, f16t, 2048.0, 3.0) else {
        panic!()
    };
    assert_eq!(bits, half::f16::from_f32(2052.0).to_bits() as u64);
    // f16 overflow to infinity.
    let AttrData::Float { bits, .. } = sum(&mut t, f16t, 65504.0, 65504.0) else {
        panic!()
    };
    assert_eq!(bits, 0x7c00);
    let AttrData::Float { bits, .. } = sum(&mut t, bf16t, 256.0, 1.0) else {
        panic!()
    };
    assert_eq!(bits, half::bf16::from_f32(256.0).to_bits() as u64);
    assert_eq!(
        t.fold_floats("arith.mulf", f32t, 1.5, 4.0),
        s("6.000000e+00 : f32")
    );
    assert_eq!(
        t.fold_floats("arith.divf", f32t, 1.0, 4.0),
        s("2.500000e-01 : f32")
    );
    assert_eq!(
        t.fold_floats("arith.subf", f16t, 1.0, 0.5),
        s("5.000000e-01 : f16")
    );
    assert_eq!(
        t.fold_floats("arith.remf", f32t, 7.5, 2.0),
        s("1.500000e+00 : f32")
    );
    assert_eq!(
        t.fold_floats("arith.remf", f32t, -7.5, 2.0),
        s("-1.500000e+00 : f32")
    );
    assert_eq!(
        t.fold_floats("arith.divf", f32t, 1.0, 0.0),
        s("0x7F800000 : f32")
    );
}

#[test]
fn float_min_max_semantics() {
    let nan = f64::NAN;
    assert!(maximum(nan, 1.0).is_nan());
    assert!(minimum(1.0, nan).is_nan());
    assert_eq!(maxnum(nan, 1.0), 1.0);
    assert_eq!(minnum(1.0, nan), 1.0);
    assert!(maximum(-0.0, 0.0).is_sign_positive());
    assert!(maximum(0.0, -0.0).is_sign_positive());
    assert!(minimum(0.0, -0.0).is_sign_negative());
    assert!(minimum(-0.0, 0.0).is_sign_negative());
    assert!(maxnum(-0.0, 0.0).is_sign_positive());
    assert!(minnum(0.0, -0.0).is_sign_negative());
    assert_eq!(maximum(1.0, 2.0), 2.0);
    assert_eq!(minimum(1.0, 2.0), 1.0);
    let mut t = Fixture::new();
    let f32t = t.ctx.f32_type();
    assert_eq!(
        t.fold_floats("arith.maximumf", f32t, -0.0, 0.0),
        s("0.000000e+00 : f32")
    );
    assert_eq!(
        t.fold_floats("arith.minimumf", f32t, -0.0, 0.0),
        s("-0.000000e+00 : f32")
    );
    assert_eq!(
        t.fold_floats("arith.maxnumf", f32t, f64::NAN, 3.0),
        s("3.000000e+00 : f32")
    );
    assert_eq!(
        t.fold_floats("arith.minnumf", f32t, 2.0, 3.0),
        s("2.000000e+00 : f32")
    );
    assert_eq!(
        t.fold_floats("arith.maximumf", f32t, f64::NAN, 3.0),
        s("0x7FC00000 : f32")
    );
}

#[test]
fn float_identities() {
    let mut t = Fixture::new();
    let f32t = t.ctx.f32_type();
    let x = t.value(f32t);
    let neg_zero = t.float(f32t, -0.0);
    let pos_zero = t.float(f32t, 0.0);
    let one = t.float(f32t, 1.0);
    let ninf = t.float(f32t, f64::NEG_INFINITY);
    let pinf = t.float(f32t, f64::INFINITY);
    for (name, operands) in [
        ("arith.addf", [x, neg_zero]),
        ("arith.addf", [neg_zero, x]),
        ("arith.subf", [x, pos_zero]),
        ("arith.mulf", [x, one]),
        ("arith.mulf", [one, x]),
        ("arith.divf", [x, one]),
        ("arith.maximumf", [x, x]),
        ("arith.maximumf", [x, ninf]),
        ("arith.minimumf", [x, pinf]),
        ("arith.maxnumf", [x, ninf]),
        ("arith.minnumf", [pinf, x]),
    ] {
        let op = t.op(name, &operands, f32t, &[]);
        assert_eq!(t.fold_value(op), Some(x), "{name}");
    }
    // Not identities in IEEE arithmetic: x + 0.0 (x = -0.0), x * 0.0 (NaN, -0.0), x - x (NaN).
    for (name, operands) in [
        ("arith.addf", [x, pos_zero]),
        ("arith.subf", [x, neg_zero]),
        ("arith.mulf", [x, pos_zero]),
        ("arith.subf", [x, x]),
        ("arith.divf", [x, x]),
    ] {
        let op = t.op(name, &operands, f32t, &[]);
        assert_eq!(t.fold(op), None, "{name}");
    }
    // negf(negf(x)) -> x; negf of a constant flips the sign (also of zero).
    let n1 = t.op("arith.negf", &[x], f32t, &[]);
    let n1v = t.ctx.result(n1, 0);
    let n2 = t.op("arith.negf", &[n1v], f32t, &[]);
    assert_eq!(t.fold_value(n2), Some(x));
    assert_eq!(t.fold(n1), None);
    let op = t.op("arith.negf", &[pos_zero], f32t, &[]);
    assert_eq!(t.fold_attr(op), s("-0.000000e+00 : f32"));
}

#[test]
fn integer_comparisons() {
    let mut t = Fixture::new();
    let i32t = t.ctx.i32_type();
    let i1 = t.ctx.i1_type();
    let a = t.int(i32t, -1);
    let b = t.int(i32t, 1);
    let expected = [
        false, true, true, true, false, false, false, false, true, true,
    ];
    for (p, want) in expected.into_iter().enumerate() {
        let pred = t.ctx.i64_attr(p as i64);
        let op = t.op("arith.cmpi", &[a, b], i1, &[("predicate", pred)]);
        assert_eq!(
            t.fold_attr(op),
            s(if want { "true" } else { "false" }),
            "predicate {p}"
        );
    }
    let x = t.value(i32t);
    let on_self = [
        true, false, false, true, false, true, false, true, false, true,
    ];
    for (p, want) in on_self.into_iter().enumerate() {
        let pred = t.ctx.i64_attr(p as i64);
        let op = t.op("arith.cmpi", &[x, x], i1, &[("predicate", pred)]);
        assert_eq!(
            t.fold_attr(op),
            s(if want { "true" } else { "false" }),
            "predicate {p} on x, x"
        );
    }
    // i1: cmpi ne, %x, false -> %x ; cmpi eq, %x, true -> %x
    let c = t.value(i1);
    let f = t.int(i1, 0);
    let tr = t.int(i1, 1);
    let ne = t.ctx.i64_attr(1);
    let eq = t.ctx.i64_attr(0);
    let op = t.op("arith.cmpi", &[c, f], i1, &[("predicate", ne)]);
    assert_eq!(t.fold_value(op), Some(c));
    let op = t.op("arith.cmpi", &[c, tr], i1, &[("predicate", eq)]);
    assert_eq!(t.fold_value(op), Some(c));
    // Vector results are splats.
    let v = t.ctx.vector_type(vec![4], i32t);
    let vi1 = t.ctx.vector_type(vec![4], i1);
    let y = t.value(v);
    let op = t.op("arith.cmpi", &[y, y], vi1, &[("predicate", eq)]);
    assert_eq!(t.fold_attr(op), s("dense<true> : vector<4xi1>"));
}

#[test]
fn float_comparisons_with_nan() {
    let mut t = Fixture::new();
    let f32t = t.ctx.f32_type();
    let i1 = t.ctx.i1_type();
    let one = t.float(f32t, 1.0);
    let two = t.float(f32t, 2.0);
    let nan = t.float(f32t, f64::NAN);
    let cmp = |t: &mut Fixture, p: i64, a, b| {
        let pred = t.ctx.i64_attr(p);
        let op = t.op("arith.cmpf", &[a, b], i1, &[("predicate", pred)]);
        t.fold_attr(op)
    };
    assert_eq!(cmp(&mut t, 4, one, two), s("true")); // olt
    assert_eq!(cmp(&mut t, 4, one, nan), s("false")); // olt with NaN
    assert_eq!(cmp(&mut t, 11, one, nan), s("true")); // ult with NaN
    assert_eq!(cmp(&mut t, 7, nan, nan), s("false")); // ord
    assert_eq!(cmp(&mut t, 14, nan, one), s("true")); // uno
    assert_eq!(cmp(&mut t, 13, one, one), s("false")); // une
    assert_eq!(cmp(&mut t, 6, one, two), s("true")); // one
    let x = t.value(f32t);
    assert_eq!(cmp(&mut t, 15, x, x), s("true")); // true
    assert_eq!(cmp(&mut t, 0, x, one), s("false")); // false
    assert_eq!(cmp(&mut t, 1, x, x), None); // oeq x, x is false for NaN: no fold
}

#[test]
fn select_folds() {
    let mut t = Fixture::new();
    let i32t = t.ctx.i32_type();
    let i1 = t.ctx.i1_type();
    let a = t.value(i32t);
    let b = t.value(i32t);
    let c = t.value(i1);
    let tr = t.int(i1, 1);
    let fa = t.int(i1, 0);
    let op = t.op("arith.select", &[tr, a, b], i32t, &[]);
    assert_eq!(t.fold_value(op), Some(a));
    let op = t.op("arith.select", &[fa, a, b], i32t, &[]);
    assert_eq!(t.fold_value(op), Some(b));
    let op = t.op("arith.select", &[c, a, a], i32t, &[]);
    assert_eq!(t.fold_value(op), Some(a));
    let op = t.op("arith.select", &[c, tr, fa], i1, &[]);
    assert_eq!(t.fold_value(op), Some(c));
    let op = t.op("arith.select", &[c, a, b], i32t, &[]);
    assert_eq!(t.fold(op), None);
    // Element-wise with constant vectors.
    let vi1 = t.ctx.tensor_type(vec![2], i1);
    let vi32 = t.ctx.tensor_type(vec![2], i32t);
    let cond = t.ctx.intern_attr(AttrData::DenseElements {
        ty: vi1,
        splat: false,
        data: vec![1, 0],
    });
    let x = t.ctx.intern_attr(AttrData::DenseElements {
        ty: vi32,
        splat: false,
        data: [1i32, 2].iter().flat_map(|v| v.to_le_bytes()).collect(),
    });
    let five = t.ctx.integer_attr(i32t, 5);
    let y = t.ctx.splat_attr(vi32, five).unwrap();
    let (cv, xv, yv) = (t.constant(cond), t.constant(x), t.constant(y));
    let op = t.op("arith.select", &[cv, xv, yv], vi32, &[]);
    assert_eq!(t.fold_attr(op), s("dense<[1, 5]> : tensor<2xi32>"));
}

#[test]
fn integer_casts() {
    let mut t = Fixture::new();
    let i8t = t.ctx.integer_type(8);
    let i32t = t.ctx.i32_type();
    let index = t.ctx.index_type();
    let cast = |t: &mut Fixture, name: &str, v: flowc_ir::Value, ty| {
        let op = t.op(name, &[v], ty, &[]);
        t.fold_attr(op)
    };
    let m1 = t.int(i8t, -1);
    assert_eq!(cast(&mut t, "arith.extsi", m1, i32t), s("-1 : i32"));
    assert_eq!(cast(&mut t, "arith.extui", m1, i32t), s("255 : i32"));
    let big = t.int(i32t, 257);
    assert_eq!(cast(&mut t, "arith.trunci", big, i8t), s("1 : i8"));
    let neg = t.int(i32t, -2);
    assert_eq!(
        cast(&mut t, "arith.index_cast", neg, index),
        s("-2 : index")
    );
    assert_eq!(
        cast(&mut t, "arith.index_castui", neg, index),
        s("4294967294 : index")
    );
    let idx = t.int(index, -2);
    assert_eq!(cast(&mut t, "arith.index_cast", idx, i32t), s("-2 : i32"));
    assert_eq!(cast(&mut t, "arith.index_castui", idx, i8t), s("-2 : i8"));
    // Cancelling pairs.
    let x = t.value(i8t);
    let e = t.op("arith.extsi", &[x], i32t, &[]);
    let ev = t.ctx.result(e, 0);
    let tr = t.op("arith.trunci", &[ev], i8t, &[]);
    assert_eq!(t.fold_value(tr), Some(x));
    let y = t.value(i32t);
    let i1 = t.op("arith.index_cast", &[y], index, &[]);
    let i1v = t.ctx.result(i1, 0);
    let back = t.op("arith.index_cast", &[i1v], i32t, &[]);
    assert_eq!(t.fold_value(back), Some(y));
    let back = t.op("arith.index_castui", &[i1v], i32t, &[]);
    assert_eq!(t.fold(back), None);
}

#[test]
fn int_float_conversions() {
    let mut t = Fixture::new();
    let i32t = t.ctx.i32_type();
    let i8t = t.ctx.integer_type(8);
    let f32t = t.ctx.f32_type();
    let f64t = t.ctx.f64_type();
    let cast = |t: &mut Fixture, name: &str, v: flowc_ir::Value, ty| {
        let op = t.op(name, &[v], ty, &[]);
        t.fold_attr(op)
    };
    let big = t.int(i32t, 16777217);
    assert_eq!(
        cast(&mut t, "arith.sitofp", big, f32t),
        s("1.6777216e+07 : f32")
    );
    let m1 = t.int(i32t, -1);
    assert_eq!(
        cast(&mut t, "arith.sitofp", m1, f32t),
        s("-1.000000e+00 : f32")
    );
    assert_eq!(
        cast(&mut t, "arith.uitofp", m1, f64t),
        s("4.294967295e+09 : f64")
    );
    let x = t.float(f32t, 3.9);
    assert_eq!(cast(&mut t, "arith.fptosi", x, i32t), s("3 : i32"));
    let x = t.float(f32t, -3.9);
    assert_eq!(cast(&mut t, "arith.fptosi", x, i32t), s("-3 : i32"));
    let x = t.float(f32t, -0.5);
    assert_eq!(cast(&mut t, "arith.fptoui", x, i32t), s("0 : i32"));
    let x = t.float(f32t, 255.5);
    assert_eq!(cast(&mut t, "arith.fptoui", x, i8t), s("-1 : i8"));
    // Out of range, NaN, infinities: not folded.
    for v in [1e10, f64::NAN, f64::INFINITY, 128.0] {
        let x = t.float(f32t, v);
        assert_eq!(cast(&mut t, "arith.fptosi", x, i8t), None, "{v}");
    }
    let x = t.float(f32t, -1.0);
    assert_eq!(cast(&mut t, "arith.fptoui", x, i32t), None);
    let x = t.float(f32t, -128.0);
    assert_eq!(cast(&mut t, "arith.fptosi", x, i8t), s("-128 : i8"));
}

#[test]
fn int_to_float_rounds_once() {
    // 2^24 + 1 rounds to 2^24 in f32 (tie to even), 2^24 + 3 to 2^24 + 4.
    assert_eq!(int_to_float(FloatKind::F32, (1 << 24) + 1), 16777216.0);
    assert_eq!(int_to_float(FloatKind::F32, (1 << 24) + 3), 16777220.0);
    // For bf16 (8 significant bits) a value just above a tie must round up even though the
    // bits that say so are beyond an f64's 53.
    let v: i128 = (1 << 62) + (1 << 54) + 1; // 1.00000001b * 2^62 + 1: above the tie
    let f = int_to_float(FloatKind::BF16, v);
    let bits = flowc_ir::float::bits_from_f64(FloatKind::BF16, f);
    assert_eq!(
        bits,
        half::bf16::from_f64(2f64.powi(62) * (1.0 + 2f64.powi(-7))).to_bits() as u64
    );
    let tie: i128 = (1 << 62) + (1 << 54);
    let bits = flowc_ir::float::bits_from_f64(FloatKind::BF16, int_to_float(FloatKind::BF16, tie));
    assert_eq!(bits, half::bf16::from_f64(2f64.powi(62)).to_bits() as u64);
}

#[test]
fn float_casts_and_bitcasts() {
    let mut t = Fixture::new();
    let f32t = t.ctx.f32_type();
    let f64t = t.ctx.f64_type();
    let f16t = t.ctx.float_type(FloatKind::F16);
    let i32t = t.ctx.i32_type();
    let cast = |t: &mut Fixture, name: &str, v: flowc_ir::Value, ty| {
        let op = t.op(name, &[v], ty, &[]);
        t.fold_attr(op)
    };
    let x = t.float(f64t, 0.1);
    let op = t.op("arith.truncf", &[x], f32t, &[]);
    let Some(FoldResult::Attr(a)) = t.fold(op).map(|v| v[0]) else {
        panic!()
    };
    assert_eq!(
        t.ctx.attr_data(a),
        &AttrData::Float {
            bits: 0.1f32.to_bits() as u64,
            ty: f32t
        }
    );
    let x = t.float(f32t, 65520.0);
    assert_eq!(cast(&mut t, "arith.truncf", x, f16t), s("0x7C00 : f16"));
    let h = t.float(f16t, 1.5);
    assert_eq!(cast(&mut t, "arith.extf", h, f32t), s("1.500000e+00 : f32"));
    let one = t.float(f32t, 1.0);
    assert_eq!(
        cast(&mut t, "arith.bitcast", one, i32t),
        s("1065353216 : i32")
    );
    let bits = t.int(i32t, 0x3fc00000);
    assert_eq!(
        cast(&mut t, "arith.bitcast", bits, f32t),
        s("1.500000e+00 : f32")
    );
    let neg = t.int(i32t, -1);
    assert_eq!(
        cast(&mut t, "arith.bitcast", neg, f32t),
        s("0xFFFFFFFF : f32")
    );
    // A rounding mode other than to_nearest_even is not folded.
    let toward_zero = t.ctx.integer_attr(i32t, 3);
    let x = t.float(f64t, 0.1);
    let op = t.op("arith.truncf", &[x], f32t, &[("roundingmode", toward_zero)]);
    assert_eq!(t.fold(op), None);
    // truncf(extf(x)) -> x; bitcast(bitcast(x)) -> x.
    let y = t.value(f16t);
    let e = t.op("arith.extf", &[y], f32t, &[]);
    let ev = t.ctx.result(e, 0);
    let tr = t.op("arith.truncf", &[ev], f16t, &[]);
    assert_eq!(t.fold_value(tr), Some(y));
    let z = t.value(f32t);
    let b1 = t.op("arith.bitcast", &[z], i32t, &[]);
    let b1v = t.ctx.result(b1, 0);
    let b2 = t.op("arith.bitcast", &[b1v], f32t, &[]);
    assert_eq!(t.fold_value(b2), Some(z));
}

#[test]
fn constant_folds_to_its_value() {
    let mut t = Fixture::new();
    let i32t = t.ctx.i32_type();
    let c = t.int(i32t, 7);
    let op = t.ctx.defining_op(c).unwrap();
    assert_eq!(t.fold_attr(op), s("7 : i32"));
}
