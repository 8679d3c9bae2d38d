//! No input makes inference panic: every op with random operand types (ranks 0 to 5, dims
//! 0, 1, small, `?`, huge), random constants and random attributes of every kind.

use crate::OPS;
use crate::spec::AttrKind;
use flowc_ir::parser::parse_attribute_str;
use flowc_ir::{Attribute, Context, NamedAttr, Type};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len() as u64) as usize]
    }
}

const DIMS: &[&str] = &[
    "0",
    "1",
    "2",
    "3",
    "4",
    "7",
    "?",
    "9223372036854775807",
    "4611686018427387904",
];
const ELEMS: &[&str] = &["f32", "f16", "i64", "i32", "i1", "ui8", "i8", "f64"];
const INTS: &[i64] = &[0, 1, -1, 2, 3, -3, 7, i64::MAX, i64::MIN, 1 << 40];

fn random_type(r: &mut Rng) -> String {
    match r.below(12) {
        0 => "none".to_string(),
        1 => format!("tensor<*x{}>", r.pick(ELEMS)),
        _ => {
            let rank = r.below(6);
            let dims: String = (0..rank).map(|_| format!("{}x", r.pick(DIMS))).collect();
            format!("tensor<{dims}{}>", r.pick(ELEMS))
        }
    }
}

fn random_const(r: &mut Rng) -> String {
    let n = r.below(6);
    let vals: Vec<String> = (0..n).map(|_| r.pick(INTS).to_string()).collect();
    if r.below(4) == 0 {
        format!("dense<{}> : tensor<{n}xi64>", r.pick(INTS))
    } else if r.below(5) == 0 {
        let f: Vec<String> = (0..n).map(|i| format!("{}.5", i as i64 - 2)).collect();
        format!("dense<[{}]> : tensor<{n}xf32>", f.join(", "))
    } else if n == 0 {
        "dense<> : tensor<0xi64>".to_string()
    } else {
        format!("dense<[{}]> : tensor<{n}xi64>", vals.join(", "))
    }
}

fn random_attr(r: &mut Rng, kind: AttrKind) -> String {
    let kind = if r.below(10) == 0 {
        *r.pick(&[
            AttrKind::Int,
            AttrKind::Float,
            AttrKind::String,
            AttrKind::Ints,
        ])
    } else {
        kind
    };
    match kind {
        AttrKind::Int => format!("{} : i64", r.pick(INTS)),
        AttrKind::Float => format!("{} : f32", r.pick(&["0.0", "1.5", "-2.0", "1.0e30"])),
        AttrKind::String => format!(
            "\"{}\"",
            r.pick(&[
                "NOTSET",
                "SAME_UPPER",
                "VALID",
                "linear",
                "DCR",
                "ij,jk->ik",
                "...i,i",
                "",
                "LEFT",
                "bidirectional",
                "i..."
            ])
        ),
        AttrKind::Ints => {
            let n = r.below(7);
            let v: Vec<String> = (0..n).map(|_| r.pick(INTS).to_string()).collect();
            if v.is_empty() {
                "array<i64>".to_string()
            } else {
                format!("array<i64: {}>", v.join(", "))
            }
        }
        AttrKind::Floats => "array<f32: 1.0, 2.0>".to_string(),
        AttrKind::Strings => "[\"Tanh\", \"Sigmoid\", \"Relu\"]".to_string(),
        AttrKind::Tensor => random_const(r),
    }
}

#[test]
fn inference_never_panics() {
    let mut r = Rng(0x9E37_79B9_7F4A_7C15);
    let mut ctx = Context::new();
    for _round in 0..150 {
        for spec in OPS {
            let n = r.below(spec.inputs.len() as u64 + 3) as usize;
            let mut types: Vec<Type> = Vec::new();
            let mut consts: Vec<Option<Attribute>> = Vec::new();
            for _ in 0..n {
                if r.below(3) == 0 {
                    let a = parse_attribute_str(&mut ctx, &random_const(&mut r)).expect("const");
                    types.push(ctx.attr_type(a).expect("typed"));
                    consts.push(Some(a));
                } else {
                    let t = random_type(&mut r);
                    types.push(flowc_ir::parser::parse_type_str(&mut ctx, &t).expect("type"));
                    consts.push(None);
                }
            }
            let mut attrs: Vec<NamedAttr> = Vec::new();
            for a in spec.attrs {
                if r.below(2) == 0 {
                    let text = random_attr(&mut r, a.kind);
                    let v = parse_attribute_str(&mut ctx, &text).expect("attr");
                    attrs.push((ctx.ident(a.name), v));
                }
            }
            let nres = r.below(5) as usize;
            let _ = crate::infer_result_types(&mut ctx, spec.name, &types, &consts, &attrs, nres);
        }
    }
}

#[test]
fn well_formed_random_calls_never_panic() {
    // Operand counts and element types right more often, so deeper code runs.
    let mut r = Rng(42);
    let mut ctx = Context::new();
    for _round in 0..300 {
        for spec in OPS {
            let mut types: Vec<Type> = Vec::new();
            let mut consts: Vec<Option<Attribute>> = Vec::new();
            for p in spec.inputs {
                let dt = *r.pick(&["f32", "i64", "i1", "i32", "ui8", "i8"]);
                let probe = flowc_ir::parser::parse_type_str(&mut ctx, &format!("tensor<{dt}>"))
                    .expect("type");
                if !(p.constraint.check)(&ctx, probe) {
                    continue;
                }
                if dt == "i64" && r.below(2) == 0 {
                    let a = parse_attribute_str(&mut ctx, &random_const(&mut r)).expect("const");
                    types.push(ctx.attr_type(a).expect("typed"));
                    consts.push(Some(a));
                } else {
                    let rank = r.below(6);
                    let dims: String = (0..rank).map(|_| format!("{}x", r.pick(DIMS))).collect();
                    let t = format!("tensor<{dims}{dt}>");
                    types.push(flowc_ir::parser::parse_type_str(&mut ctx, &t).expect("type"));
                    consts.push(None);
                }
            }
            let mut attrs: Vec<NamedAttr> = Vec::new();
            for a in spec.attrs {
                if r.below(2) == 0 {
                    let text = random_attr(&mut r, a.kind);
                    let v = parse_attribute_str(&mut ctx, &text).expect("attr");
                    attrs.push((ctx.ident(a.name), v));
                }
            }
            let nres = 1 + r.below(3) as usize;
            let _ = crate::infer_result_types(&mut ctx, spec.name, &types, &consts, &attrs, nres);
        }
    }
}
