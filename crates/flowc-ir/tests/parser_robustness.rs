//! No input makes the parser, verifier or printer panic: a deterministic mutation fuzzer over
//! seed inputs, run as an ordinary test (the cargo-fuzz target in tools/fuzz goes further).
//! Every mutant that parses must also verify-or-fail cleanly and print text that parses again.

use flowc_ir::Context;
use flowc_ir::parser::parse_source;
use flowc_ir::printer::PrintOptions;
use flowc_ir::verifier::verify;

const SEEDS: &[&str] = &[
    "module {\n  %0 = \"t.a\"() : () -> i32\n  \"t.b\"(%0) : (i32) -> ()\n}\n",
    "\"t.f\"() ({\n^bb0(%a: i32):\n  \"t.br\"(%a)[^bb1] : (i32) -> ()\n^bb1:\n  \"t.r\"() : () -> ()\n}) : () -> ()",
    "%0:2 = \"t.p\"() : () -> (i32, f32)\n\"t.u\"(%0#1) {a = [1, 2.5, \"s\", @f::@g]} : (f32) -> ()",
    "\"t.c\"() {d = dense<[[1, 2], [3, 4]]> : tensor<2x2xi16>, e = dense<1.0> : vector<4xf32>} : () -> ()",
    "\"t.t\"() : () -> (tensor<?x4x!t.x<a>>, memref<4xf32, strided<[1], offset: ?>, 1>, vector<[4]xi1>, complex<f64>)",
    "#a = affine_map<(d0) -> (d0)>\n!b = tuple<i32, f32>\n\"t.x\"() {m = #a} : () -> !b loc(#l)\n#l = loc(\"x\":1:2)",
    "\"t.r\"() {w = dense_resource<w> : tensor<1xi8>} : () -> ()\n{-#\n dialect_resources: { builtin: { w: \"0x0100000007\" } }\n#-}",
    "module @m attributes {x} {\n  %0 = builtin.unrealized_conversion_cast to i32\n}",
    "\"t.l\"() : () -> () loc(fused<\"m\">[\"a\":1:1, callsite(\"b\" at \"c\":2:2), \"n\"(unknown)])",
    "\"t.a\"() {i = array<i64: 1, -2>, f = 0x7FC00000 : f32, s = strided<[?]>, u = unit, b = true} : () -> ()",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const TOKENS: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    "<",
    ">",
    "[",
    "]",
    "\"",
    "%0",
    "^bb0",
    ":",
    "->",
    "x",
    "?",
    "#",
    "!",
    "@",
    "dense<",
    "loc(",
    "-",
    "0x",
    "9999999999999999999999",
    "{-#",
];

fn mutate(rng: &mut Rng, seed: &str) -> String {
    let mut bytes = seed.as_bytes().to_vec();
    for _ in 0..=rng.below(4) {
        let len = bytes.len();
        match rng.below(6) {
            0 if len > 0 => {
                let i = rng.below(len);
                bytes[i] = rng.next() as u8;
            }
            1 if len > 0 => bytes.truncate(rng.below(len)),
            2 if len > 0 => {
                let i = rng.below(len);
                bytes.remove(i);
            }
            3 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                let i = rng.below(len + 1);
                bytes.splice(i..i, t.bytes());
            }
            4 if len > 1 => {
                let a = rng.below(len);
                let b = (a + rng.below(len - a)).min(len);
                let chunk: Vec<u8> = bytes[a..b].to_vec();
                let i = rng.below(bytes.len() + 1);
                bytes.splice(i..i, chunk);
            }
            _ => {
                let i = rng.below(len + 1);
                bytes.insert(i, b"0123456789azAZ_.$-"[rng.below(18)]);
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn exercise(src: &str, allow_unregistered: bool) {
    let mut ctx = Context::new();
    ctx.allow_unregistered_dialects = allow_unregistered;
    let Ok(module) = parse_source(&mut ctx, src, "fuzz.mlir", 0) else {
        return;
    };
    let _ = verify(&ctx, module);
    for generic in [false, true] {
        let printed = ctx.print_op(
            module,
            &PrintOptions {
                generic,
                debug_info: true,
            },
        );
        let mut again = Context::new();
        again.allow_unregistered_dialects = allow_unregistered;
        if let Err(d) = parse_source(&mut again, &printed, "printed.mlir", 0) {
            panic!(
                "printed form does not parse: {}\ninput:\n{src}\nprinted:\n{printed}",
                d[0].render(&again)
            );
        }
    }
}

#[test]
fn seeds_round_trip() {
    for seed in SEEDS {
        let mut ctx = Context::new();
        ctx.allow_unregistered_dialects = true;
        if let Err(d) = parse_source(&mut ctx, seed, "seed.mlir", 0) {
            panic!("seed does not parse: {}\n{seed}", d[0].render(&ctx));
        }
        exercise(seed, true);
    }
}

#[test]
fn mutants_never_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for i in 0..20_000 {
        let seed = SEEDS[i % SEEDS.len()];
        let src = mutate(&mut rng, seed);
        exercise(&src, i % 3 != 0);
    }
}

#[test]
fn hostile_inputs_get_errors() {
    let long_string = format!("\"t.a\"() {{s = \"{}\"}} : () -> ()", "x".repeat(1_000_000));
    let many_dims = format!("\"t.a\"() : () -> tensor<{}f32>", "1x".repeat(100_000));
    let huge_dense =
        "\"t.a\"() {d = dense<1> : tensor<99999999999x99999999999xf32>} : () -> ()".to_string();
    let huge_width = "\"t.a\"() : () -> i99999999999".to_string();
    let binary: String = (0..4096u32)
        .map(|i| char::from_u32(i.wrapping_mul(2654435761) % 0x250).unwrap_or('x'))
        .collect();
    // (input, whether it is valid MLIR): valid ones must parse, the rest must be refused.
    let cases = [
        (long_string, true),
        (many_dims, true),
        (huge_dense, false),
        (huge_width, false),
        (binary, false),
        ("\0\0\0".to_string(), false),
        ("%".to_string(), false),
        ("\"".to_string(), false),
        ("{-#".to_string(), false),
    ];
    for (src, valid) in cases {
        let mut ctx = Context::new();
        ctx.allow_unregistered_dialects = true;
        let parsed = parse_source(&mut ctx, &src, "h.mlir", 0);
        let head: String = src.chars().take(60).collect();
        assert_eq!(parsed.is_ok(), valid, "{head:?}");
    }
}
