//! Unit tests: folders against the host math library, special values, printing.

use super::*;
use flowc_arith::canonicalize::constant_value;
use flowc_ir::builtin::ModuleOp;
use flowc_ir::printer::PrintOptions;
use flowc_ir::{AttrData, Location, Value};

struct Fixture {
    ctx: Context,
    module: ModuleOp,
}

impl Fixture {
    fn new() -> Self {
        let mut ctx = Context::new();
        ctx.register_dialect(flowc_arith::dialect());
        ctx.register_dialect(dialect());
        let module = ModuleOp::create(&mut ctx, Location::UNKNOWN);
        Fixture { ctx, module }
    }

    fn append(&mut self, op: Op) -> Op {
        let block = self.module.body_block(&self.ctx);
        self.ctx.append_op(block, op);
        op
    }

    fn constant(&mut self, attr: Attribute) -> Value {
        let ty = self.ctx.attr_type(attr).unwrap();
        let op =
            flowc_arith::materialize_constant(&mut self.ctx, attr, ty, Location::UNKNOWN).unwrap();
        self.append(op);
        self.ctx.result(op, 0)
    }

    fn value(&mut self, ty: Type) -> Value {
        let state =
            OperationState::new(&mut self.ctx, "test.value", Location::UNKNOWN).results(&[ty]);
        let op = self.ctx.create_op(state);
        self.append(op);
        self.ctx.result(op, 0)
    }

    fn op(&mut self, name: &str, operands: &[Value], ty: Type) -> Op {
        let op = flowc_arith::create_op(&mut self.ctx, name, operands, ty, &[], Location::UNKNOWN);
        self.append(op)
    }

    fn fold(&mut self, op: Op) -> Option<Attribute> {
        let operands: Vec<_> = self
            .ctx
            .operand_vec(op)
            .into_iter()
            .map(|v| constant_value(&self.ctx, v))
            .collect();
        let fold = self.ctx.op_def(op).and_then(|d| d.fold).unwrap();
        match fold(&mut self.ctx, op, &operands)?.as_slice() {
            [FoldResult::Attr(a)] => Some(*a),
            _ => None,
        }
    }

    /// Folds `name` on float constants of type `ty`, returning the result bits.
    fn fold_float(&mut self, name: &str, ty: Type, args: &[f64]) -> Option<u64> {
        let values: Vec<Value> = args
            .iter()
            .map(|&x| {
                let a = self.ctx.float_attr(ty, x);
                self.constant(a)
            })
            .collect();
        let op = self.op(name, &values, ty);
        let a = self.fold(op)?;
        match self.ctx.attr_data(a) {
            AttrData::Float { bits, .. } => Some(*bits),
            _ => None,
        }
    }

    fn fold_int(&mut self, name: &str, ty: Type, args: &[i128]) -> Option<String> {
        let values: Vec<Value> = args
            .iter()
            .map(|&x| {
                let a = self.ctx.integer_attr(ty, x);
                self.constant(a)
            })
            .collect();
        let op = self.op(name, &values, ty);
        let a = self.fold(op)?;
        Some(self.ctx.print_attr(a))
    }
}

#[test]
fn f32_folds_use_the_float_functions() {
    let mut t = Fixture::new();
    let f32t = t.ctx.f32_type();
    let x = 0.5f32;
    type F = fn(f32) -> f32;
    let cases: [(&str, F); 14] = [
        ("math.exp", f32::exp),
        ("math.exp2", f32::exp2),
        ("math.expm1", f32::exp_m1),
        ("math.log", f32::ln),
        ("math.log2", f32::log2),
        ("math.log10", f32::log10),
        ("math.log1p", f32::ln_1p),
        ("math.sin", f32::sin),
        ("math.cos", f32::cos),
        ("math.tan", f32::tan),
        ("math.tanh", f32::tanh),
        ("math.atan", f32::atan),
        ("math.erf", libm::erff),
        ("math.erfc", libm::erfcf),
    ];
    for (name, f) in cases {
        assert_eq!(
            t.fold_float(name, f32t, &[x as f64]),
            Some(f(x).to_bits() as u64),
            "{name}"
        );
    }
    // erf(0.5) as mlir-opt 22 folds it: 0.520499885.
    assert_eq!(
        t.fold_float("math.erf", f32t, &[0.5]),
        Some(0.520_499_9_f32.to_bits() as u64)
    );
    assert_eq!(
        t.fold_float("math.rsqrt", f32t, &[4.0]),
        Some(0.5f32.to_bits() as u64)
    );
    assert_eq!(
        t.fold_float("math.powf", f32t, &[2.0, 10.0]),
        Some(1024f32.to_bits() as u64)
    );
    assert_eq!(
        t.fold_float("math.atan2", f32t, &[1.0, 1.0]),
        Some(1f32.atan2(1.0).to_bits() as u64)
    );
    assert_eq!(
        t.fold_float("math.copysign", f32t, &[2.0, -0.0]),
        Some((-2f32).to_bits() as u64)
    );
    assert_eq!(
        t.fold_float("math.fma", f32t, &[2.0, 3.0, 1.0]),
        Some(7f32.to_bits() as u64)
    );
}

#[test]
fn f64_folds_use_the_double_functions() {
    let mut t = Fixture::new();
    let f64t = t.ctx.f64_type();
    assert_eq!(
        t.fold_float("math.exp", f64t, &[1.0]),
        Some(1f64.exp().to_bits())
    );
    assert_eq!(
        t.fold_float("math.erf", f64t, &[0.5]),
        Some(libm::erf(0.5).to_bits())
    );
    assert_eq!(
        t.fold_float("math.cbrt", f64t, &[27.0]),
        Some(3f64.to_bits())
    );
    assert_eq!(
        t.fold_float("math.sqrt", f64t, &[2.0]),
        Some(2f64.sqrt().to_bits())
    );
}

#[test]
fn rounding_functions() {
    let mut t = Fixture::new();
    let f32t = t.ctx.f32_type();
    let bits = |v: f32| Some(v.to_bits() as u64);
    assert_eq!(t.fold_float("math.round", f32t, &[2.5]), bits(3.0));
    assert_eq!(t.fold_float("math.round", f32t, &[-2.5]), bits(-3.0));
    assert_eq!(t.fold_float("math.roundeven", f32t, &[2.5]), bits(2.0));
    assert_eq!(t.fold_float("math.roundeven", f32t, &[3.5]), bits(4.0));
    assert_eq!(t.fold_float("math.trunc", f32t, &[-2.7]), bits(-2.0));
    assert_eq!(t.fold_float("math.floor", f32t, &[-2.5]), bits(-3.0));
    assert_eq!(t.fold_float("math.ceil", f32t, &[-2.5]), bits(-2.0));
    assert_eq!(t.fold_float("math.absf", f32t, &[-0.0]), bits(0.0));
}

#[test]
fn logs_and_roots_of_negative_numbers_are_not_folded() {
    let mut t = Fixture::new();
    let f32t = t.ctx.f32_type();
    for name in [
        "math.sqrt",
        "math.rsqrt",
        "math.log",
        "math.log2",
        "math.log10",
    ] {
        assert_eq!(t.fold_float(name, f32t, &[-1.0]), None, "{name}");
    }
    assert_eq!(t.fold_float("math.log1p", f32t, &[-2.0]), None);
    assert!(t.fold_float("math.log1p", f32t, &[-0.5]).is_some());
    // NaN in, NaN out.
    let nan = t.fold_float("math.sqrt", f32t, &[f64::NAN]).unwrap();
    assert!(f32::from_bits(nan as u32).is_nan());
}

#[test]
fn half_precision_is_rounded_to_the_type() {
    let mut t = Fixture::new();
    let f16t = t.ctx.float_type(FloatKind::F16);
    let expected = half::f16::from_f32(1f32.exp()).to_bits() as u64;
    assert_eq!(t.fold_float("math.exp", f16t, &[1.0]), Some(expected));
    let bf16t = t.ctx.float_type(FloatKind::BF16);
    let expected = half::bf16::from_f32(2f32.sqrt()).to_bits() as u64;
    assert_eq!(t.fold_float("math.sqrt", bf16t, &[2.0]), Some(expected));
}

#[test]
fn integer_ops() {
    let mut t = Fixture::new();
    let i32t = t.ctx.i32_type();
    let i8t = t.ctx.integer_type(8);
    let s = |x: &str| Some(x.to_string());
    assert_eq!(t.fold_int("math.absi", i32t, &[-5]), s("5 : i32"));
    assert_eq!(t.fold_int("math.absi", i8t, &[-128]), s("-128 : i8"));
    assert_eq!(t.fold_int("math.ctlz", i32t, &[1]), s("31 : i32"));
    assert_eq!(t.fold_int("math.ctlz", i32t, &[0]), s("32 : i32"));
    assert_eq!(t.fold_int("math.ctlz", i8t, &[-1]), s("0 : i8"));
    assert_eq!(t.fold_int("math.cttz", i32t, &[8]), s("3 : i32"));
    assert_eq!(t.fold_int("math.cttz", i8t, &[0]), s("8 : i8"));
    assert_eq!(t.fold_int("math.ctpop", i8t, &[-1]), s("8 : i8"));
    assert_eq!(t.fold_int("math.ctpop", i32t, &[0b1011]), s("3 : i32"));
    assert_eq!(t.fold_int("math.ipowi", i32t, &[3, 4]), s("81 : i32"));
    assert_eq!(t.fold_int("math.ipowi", i8t, &[2, 7]), s("-128 : i8"));
    assert_eq!(t.fold_int("math.ipowi", i32t, &[5, 0]), s("1 : i32"));
    assert_eq!(t.fold_int("math.ipowi", i32t, &[2, -1]), s("0 : i32"));
    assert_eq!(t.fold_int("math.ipowi", i32t, &[-1, -3]), s("-1 : i32"));
    assert_eq!(t.fold_int("math.ipowi", i32t, &[-1, -2]), s("1 : i32"));
    assert_eq!(t.fold_int("math.ipowi", i32t, &[0, -1]), None);
}

#[test]
fn fpowi_and_classification() {
    let mut t = Fixture::new();
    let f32t = t.ctx.f32_type();
    let i32t = t.ctx.i32_type();
    let i1 = t.ctx.i1_type();
    let two = t.ctx.float_attr(f32t, 2.0);
    let two = t.constant(two);
    let n = t.ctx.integer_attr(i32t, -2);
    let n = t.constant(n);
    let op = t.op("math.fpowi", &[two, n], f32t);
    let a = t.fold(op).unwrap();
    assert_eq!(t.ctx.print_attr(a), "2.500000e-01 : f32");
    let nan = t.ctx.float_attr(f32t, f64::NAN);
    let nan = t.constant(nan);
    let tiny = t.ctx.float_attr(f32t, 1e-40);
    let tiny = t.constant(tiny);
    for (name, v, want) in [
        ("math.isnan", nan, "true"),
        ("math.isnan", two, "false"),
        ("math.isinf", two, "false"),
        ("math.isfinite", nan, "false"),
        ("math.isnormal", two, "true"),
        ("math.isnormal", tiny, "false"),
    ] {
        let op = t.op(name, &[v], i1);
        let a = t.fold(op).unwrap();
        assert_eq!(t.ctx.print_attr(a), want, "{name}");
    }
}

#[test]
fn splat_vectors_fold_elementwise() {
    let mut t = Fixture::new();
    let f32t = t.ctx.f32_type();
    let v = t.ctx.vector_type(vec![4], f32t);
    let four = t.ctx.float_attr(f32t, 4.0);
    let splat = t.ctx.splat_attr(v, four).unwrap();
    let c = t.constant(splat);
    let op = t.op("math.sqrt", &[c], v);
    let a = t.fold(op).unwrap();
    assert_eq!(t.ctx.print_attr(a), "dense<2.000000e+00> : vector<4xf32>");
}

#[test]
fn custom_syntax() {
    let mut t = Fixture::new();
    let f32t = t.ctx.f32_type();
    let i32t = t.ctx.i32_type();
    let i1 = t.ctx.i1_type();
    let x = t.value(f32t); // %0
    let n = t.value(i32t); // %1
    let e = t.op("math.exp", &[x], f32t); // %2
    let fast = flowc_arith::flags::FastMathFlags::FAST.to_attr(&mut t.ctx);
    t.ctx.set_attr(e, "fastmath", fast);
    t.op("math.atan2", &[x, x], f32t); // %3
    t.op("math.fma", &[x, x, x], f32t); // %4
    t.op("math.fpowi", &[x, n], f32t); // %5
    t.op("math.ctlz", &[n], i32t); // %6
    t.op("math.isnan", &[x], i1); // %7
    t.op("math.ipowi", &[n, n], i32t); // %8
    let text = t.ctx.print_op(t.module.op(), &PrintOptions::default());
    for line in [
        "%2 = math.exp %0 fastmath<fast> : f32",
        "%3 = math.atan2 %0, %0 : f32",
        "%4 = math.fma %0, %0, %0 : f32",
        "%5 = math.fpowi %0, %1 : f32, i32",
        "%6 = math.ctlz %1 : i32",
        "%7 = math.isnan %0 : f32",
        "%8 = math.ipowi %1, %1 : i32",
    ] {
        assert!(text.contains(line), "missing `{line}` in\n{text}");
    }
}

#[test]
fn every_op_is_registered_with_a_folder_and_syntax() {
    let mut ctx = Context::new();
    ctx.register_dialect(dialect());
    let ops: Vec<_> = ctx
        .registered_ops()
        .into_iter()
        .filter(|d| d.dialect() == "math")
        .collect();
    assert!(ops.len() >= 40, "{}", ops.len());
    for d in ops {
        assert!(
            d.fold.is_some() && d.print.is_some() && d.parse.is_some(),
            "{}",
            d.name
        );
    }
}
