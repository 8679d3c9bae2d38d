//! LSTM / GRU / RNN compiled to native code and run by the runtime, compared bit for bit with
//! the reference interpreter (both compute in f64 with the same summation order): directions,
//! layouts, optional operands (given, absent, or absent before a present one), constant and
//! runtime weights, runtime sequence lengths, custom activations with alpha / beta, clip, GRU's
//! linear_before_reset, LSTM's peepholes and input_forget, absent optional results, f16 / bf16 / f64,
//! and sizes whose hidden state and row count are not multiples of the vector / block sizes.

use std::fmt::Write as _;

#[allow(dead_code)] // each test file uses part of the shared helpers
mod common;

use common::check_src;
use flowc_tensor::Tensor;

/// Deterministic pseudo-random values in `[-scale, scale)`.
fn values(n: usize, seed: u64, scale: f32) -> Vec<f32> {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 40) as f32 / (1u64 << 24) as f32) * 2.0 * scale - scale
        })
        .collect()
}

#[derive(Clone)]
struct Case {
    cell: &'static str,
    dtype: &'static str,
    seq: i64,
    batch: i64,
    input: i64,
    hidden: i64,
    direction: &'static str,
    layout: i64,
    bias: bool,
    /// Runtime sequence lengths (an input), or none.
    lens: Option<Vec<i32>>,
    h0: bool,
    c0: bool,
    peep: bool,
    /// W and R as constants (packed at compile time) rather than inputs.
    const_weights: bool,
    /// Extra attributes, e.g. `clip = 1.5 : f32`.
    attrs: String,
    /// Which of Y, Y_h, Y_c are results.
    outs: [bool; 3],
    threads: usize,
}

impl Case {
    fn new(cell: &'static str) -> Case {
        Case {
            cell,
            dtype: "f32",
            seq: 5,
            batch: 3,
            input: 4,
            hidden: 5,
            direction: "forward",
            layout: 0,
            bias: true,
            lens: None,
            h0: false,
            c0: false,
            peep: false,
            const_weights: false,
            attrs: String::new(),
            outs: [true, true, cell == "lstm"],
            threads: 2,
        }
    }

    fn gates(&self) -> i64 {
        match self.cell {
            "lstm" => 4,
            "gru" => 3,
            _ => 1,
        }
    }

    fn dirs(&self) -> i64 {
        if self.direction == "bidirectional" {
            2
        } else {
            1
        }
    }
}

fn ty(shape: &[i64], et: &str) -> String {
    let mut s = String::from("tensor<");
    for d in shape {
        write!(s, "{d}x").unwrap();
    }
    s + et + ">"
}

fn tensor(dtype: &str, shape: &[i64], v: Vec<f32>) -> Tensor {
    let shape: Vec<usize> = shape.iter().map(|&d| d as usize).collect();
    match dtype {
        "f32" => Tensor::from_vec(shape, v).unwrap(),
        "f64" => Tensor::from_vec(shape, v.into_iter().map(f64::from).collect::<Vec<_>>()).unwrap(),
        "f16" => Tensor::from_vec(
            shape,
            v.into_iter().map(half::f16::from_f32).collect::<Vec<_>>(),
        )
        .unwrap(),
        "bf16" => Tensor::from_vec(
            shape,
            v.into_iter().map(half::bf16::from_f32).collect::<Vec<_>>(),
        )
        .unwrap(),
        _ => unreachable!(),
    }
}

fn hex(t: &Tensor) -> String {
    let mut s = String::from("0x40000000");
    for b in t.to_bytes_le() {
        write!(s, "{b:02X}").unwrap();
    }
    s
}

/// The program, its runtime inputs.
fn build(c: &Case) -> (String, Vec<Tensor>) {
    let (g, d, h) = (c.gates(), c.dirs(), c.hidden);
    let et = c.dtype;
    let x_shape = if c.layout == 1 {
        vec![c.batch, c.seq, c.input]
    } else {
        vec![c.seq, c.batch, c.input]
    };
    let st_shape = if c.layout == 1 {
        vec![c.batch, d, h]
    } else {
        vec![d, c.batch, h]
    };
    let y_shape = if c.layout == 1 {
        vec![c.batch, c.seq, d, h]
    } else {
        vec![c.seq, d, c.batch, h]
    };
    let numel = |s: &[i64]| s.iter().product::<i64>() as usize;
    // (name, type, tensor, runtime input?)
    let mut operands: Vec<Option<(String, String, Tensor, bool)>> = Vec::new();
    let add = |shape: &[i64], seed: u64, scale: f32, runtime: bool| {
        let t = tensor(et, shape, values(numel(shape), seed, scale));
        Some((format!("%v{seed}"), ty(shape, et), t, runtime))
    };
    operands.push(add(&x_shape, 1, 2.0, true));
    operands.push(add(&[d, g * h, c.input], 2, 0.6, !c.const_weights));
    operands.push(add(&[d, g * h, h], 3, 0.6, !c.const_weights));
    operands.push(if c.bias {
        add(&[d, 2 * g * h], 4, 0.5, true)
    } else {
        None
    });
    operands.push(c.lens.as_ref().map(|l| {
        let t = Tensor::from_vec(vec![l.len()], l.clone()).unwrap();
        ("%v5".to_string(), ty(&[l.len() as i64], "i32"), t, true)
    }));
    operands.push(if c.h0 {
        add(&st_shape, 6, 1.0, true)
    } else {
        None
    });
    if c.cell == "lstm" {
        operands.push(if c.c0 {
            add(&st_shape, 7, 1.0, true)
        } else {
            None
        });
        operands.push(if c.peep {
            add(&[d, 3 * h], 8, 0.5, true)
        } else {
            None
        });
    }
    while operands.last().is_some_and(Option::is_none) {
        operands.pop();
    }

    let mut args = Vec::new();
    let mut inputs = Vec::new();
    let mut body = String::new();
    let mut resources = Vec::new();
    let mut names = Vec::new();
    let mut types = Vec::new();
    for o in &operands {
        match o {
            Some((n, t, v, true)) => {
                args.push(format!("{n}: {t}"));
                inputs.push(v.clone());
                names.push(n.clone());
                types.push(t.clone());
            }
            Some((n, t, v, false)) => {
                let key = format!("blob{}", &n[2..]);
                writeln!(
                    body,
                    "  {n} = \"flow.constant\"() {{value = dense_resource<{key}> : {t}}} : () -> {t}"
                )
                .unwrap();
                resources.push(format!("{key}: \"{}\"", hex(v)));
                names.push(n.clone());
                types.push(t.clone());
            }
            None => {
                names.push("%none".into());
                types.push("none".into());
            }
        }
    }
    if names.iter().any(|n| n == "%none") {
        body.insert_str(0, "  %none = \"flow.none\"() : () -> none\n");
    }
    let nres = if c.outs[2] {
        3
    } else if c.outs[1] {
        2
    } else {
        1
    };
    let res_shapes = [&y_shape, &st_shape, &st_shape];
    let res_types: Vec<String> = (0..nres)
        .map(|i| {
            if c.outs[i] {
                ty(res_shapes[i], et)
            } else {
                "none".into()
            }
        })
        .collect();
    let mut attrs = format!(
        "direction = \"{}\", hidden_size = {h} : i64, layout = {} : i64",
        c.direction, c.layout
    );
    if !c.attrs.is_empty() {
        attrs = format!("{attrs}, {}", c.attrs);
    }
    writeln!(
        body,
        "  %r:{nres} = \"flow.{}\"({}) {{{attrs}}} : ({}) -> ({})",
        c.cell,
        names.join(", "),
        types.join(", "),
        res_types.join(", ")
    )
    .unwrap();
    let rets: Vec<usize> = (0..nres).filter(|&i| c.outs[i]).collect();
    writeln!(
        body,
        "  return {} : {}",
        rets.iter()
            .map(|i| format!("%r#{i}"))
            .collect::<Vec<_>>()
            .join(", "),
        rets.iter()
            .map(|&i| res_types[i].clone())
            .collect::<Vec<_>>()
            .join(", ")
    )
    .unwrap();
    let ret_types: Vec<String> = rets.iter().map(|&i| res_types[i].clone()).collect();
    let mut src = format!(
        "func.func @main({}) -> ({}) {{\n{body}}}\n",
        args.join(", "),
        ret_types.join(", ")
    );
    if !resources.is_empty() {
        write!(
            src,
            "{{-#\n  dialect_resources: {{\n    builtin: {{\n      {}\n    }}\n  }}\n#-}}\n",
            resources.join(",\n      ")
        )
        .unwrap();
    }
    (src, inputs)
}

/// Checks the case as given and, for f32, also in f64: f32 results round away most differences
/// of the f64 computation (a different summation order), f64 results keep them.
fn check(c: &Case) {
    check_one(c);
    if c.dtype == "f32" {
        let mut c64 = c.clone();
        c64.dtype = "f64";
        check_one(&c64);
    }
}

/// Compiles the case, runs it (twice, on one session), and checks each output bit for bit
/// against the interpreter.
fn check_one(c: &Case) {
    let (src, inputs) = build(c);
    check_src(&src, inputs, c.threads);
}

#[test]
fn every_cell_direction_and_layout() {
    for cell in ["rnn", "gru", "lstm"] {
        for direction in ["forward", "reverse", "bidirectional"] {
            for layout in [0, 1] {
                let mut c = Case::new(cell);
                c.direction = direction;
                c.layout = layout;
                c.h0 = true;
                c.c0 = true;
                c.peep = cell == "lstm";
                check(&c);
            }
        }
    }
}

#[test]
fn absent_optional_operands_and_results() {
    for cell in ["rnn", "gru", "lstm"] {
        // No B, no initial states: trailing operands omitted.
        let mut c = Case::new(cell);
        c.bias = false;
        c.direction = "bidirectional";
        check(&c);
        // initial_h without B or sequence_lens: `flow.none` before a present operand.
        let mut c = Case::new(cell);
        c.bias = false;
        c.h0 = true;
        c.layout = 1;
        check(&c);
        // Only Y_h: Y is a `none` result.
        let mut c = Case::new(cell);
        c.outs = [false, true, false];
        check(&c);
        // Only Y.
        let mut c = Case::new(cell);
        c.outs = [true, false, false];
        c.direction = "reverse";
        check(&c);
    }
    // LSTM: only Y_c; peepholes without initial_c.
    let mut c = Case::new("lstm");
    c.outs = [false, false, true];
    c.peep = true;
    c.h0 = true;
    check(&c);
}

#[test]
fn constant_weights_are_packed_at_compile_time() {
    for cell in ["rnn", "gru", "lstm"] {
        for direction in ["forward", "bidirectional"] {
            let mut c = Case::new(cell);
            c.const_weights = true;
            c.direction = direction;
            c.h0 = true;
            check(&c);
        }
    }
}

#[test]
fn runtime_sequence_lengths() {
    for cell in ["rnn", "gru", "lstm"] {
        for direction in ["forward", "reverse", "bidirectional"] {
            for layout in [0, 1] {
                let mut c = Case::new(cell);
                c.direction = direction;
                c.layout = layout;
                c.lens = Some(vec![5, 0, 2]);
                c.h0 = true;
                c.c0 = true;
                c.outs = [true, true, cell == "lstm"];
                check(&c);
            }
        }
    }
}

#[test]
fn activations_alpha_beta_and_clip() {
    let all = [
        "Sigmoid",
        "Tanh",
        "Relu",
        "Affine",
        "LeakyRelu",
        "ThresholdedRelu",
        "ScaledTanh",
        "HardSigmoid",
        "Elu",
        "Softsign",
        "Softplus",
    ];
    for (k, cell) in ["rnn", "gru", "lstm"].into_iter().enumerate() {
        let per_dir = [1, 2, 3][k];
        // Each function once per position, with and without explicit alpha / beta.
        for (i, chunk) in all.chunks(per_dir * 2).enumerate() {
            let mut names: Vec<&str> = chunk.to_vec();
            while names.len() < per_dir * 2 {
                names.push("Tanh");
            }
            let mut c = Case::new(cell);
            c.direction = "bidirectional";
            c.h0 = true;
            let list = names
                .iter()
                .map(|n| format!("\"{n}\""))
                .collect::<Vec<_>>()
                .join(", ");
            c.attrs = format!("activations = [{list}]");
            if i % 2 == 0 {
                let alphas = (0..names.len())
                    .map(|j| format!("{}", 0.3 + 0.1 * j as f32))
                    .collect::<Vec<_>>()
                    .join(", ");
                let betas = (0..names.len())
                    .map(|j| format!("{}", 0.2 + 0.15 * j as f32))
                    .collect::<Vec<_>>()
                    .join(", ");
                c.attrs = format!(
                    "{}, activation_alpha = array<f32: {alphas}>, activation_beta = array<f32: {betas}>",
                    c.attrs
                );
            }
            check(&c);
        }
        let mut c = Case::new(cell);
        c.attrs = "clip = 0.75 : f32".into();
        c.h0 = true;
        check(&c);
    }
}

#[test]
fn gru_linear_before_reset_and_lstm_input_forget() {
    for direction in ["forward", "bidirectional"] {
        let mut c = Case::new("gru");
        c.direction = direction;
        c.attrs = "linear_before_reset = 1 : i64".into();
        c.h0 = true;
        check(&c);
        let mut c = Case::new("lstm");
        c.direction = direction;
        c.attrs = "input_forget = 1 : i64".into();
        c.peep = true;
        c.c0 = true;
        check(&c);
    }
}

#[test]
fn sizes_past_the_vector_and_block_widths() {
    // hidden 37: 40 padded columns per gate (LSTM: 20 vectors, two full blocks of the recurrent
    // product and a narrower one); 7 x 3 = 21 rows (five blocks of 4 and a tail of 1).
    for cell in ["rnn", "gru", "lstm"] {
        for threads in [1, 2] {
            let mut c = Case::new(cell);
            c.seq = 7;
            c.batch = 3;
            c.input = 19;
            c.hidden = 37;
            c.direction = "bidirectional";
            c.h0 = true;
            c.peep = true;
            c.threads = threads;
            check(&c);
        }
    }
    // hidden 1 and input 1, one row.
    let mut c = Case::new("lstm");
    c.seq = 1;
    c.batch = 1;
    c.input = 1;
    c.hidden = 1;
    check(&c);
}

#[test]
fn f16_and_bf16() {
    for dtype in ["f16", "bf16"] {
        for cell in ["rnn", "gru", "lstm"] {
            let mut c = Case::new(cell);
            c.dtype = dtype;
            c.direction = "bidirectional";
            c.h0 = true;
            c.peep = true;
            check(&c);
            c.const_weights = true;
            check(&c);
        }
    }
}

/// The rounding of the f64 results into f16 / bf16 is the interpreter's (`half`): f16 through
/// f32 (double rounding), bf16 from the upper 32 bits only. An RNN with one input and one hidden
/// unit, W = 1 and R = 0 computes `Y[b] = alpha * x[b] + beta` exactly in f64, so each batch
/// entry is one conversion: ties decided by bits that a single rounding would see, overflow,
/// subnormals, infinities, NaN and signed zeros.
#[test]
fn narrowing_to_f16_and_bf16_matches_the_interpreter() {
    let p = |e: i32| 2f32.powi(e);
    // (alpha, beta): products of a bf16 / f16 x and an f32 alpha are exact in f64.
    let params = [
        (1.0, 0.0),
        (p(-30), 1.0 + p(-8)),
        (p(-30), 1.0 + p(-11)),
        (1.0 + p(-8) + p(-23), 0.0),
        (1.0 + p(-11) + p(-23), 0.0),
        (3.0e38, 0.0),
        (1.0e-38, 0.0),
        (p(-130), 0.0),
        (1.0e-4, p(-20)),
        (0.333_333_34, -0.1),
    ];
    let mut xs: Vec<f32> = vec![
        1.0,
        -1.0,
        0.0,
        -0.0,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NAN,
        3.0,
        1.0 + p(-7),
        65504.0,
        p(-14),
        p(-24),
        1.0e-3,
    ];
    xs.extend(values(51, 9, 4.0));
    let n = xs.len();
    for dtype in ["f16", "bf16"] {
        for &(alpha, beta) in &params {
            let src = format!(
                r#"func.func @main(%x: tensor<1x{n}x1x{dtype}>, %w: tensor<1x1x1x{dtype}>, %r: tensor<1x1x1x{dtype}>) -> tensor<1x1x{n}x1x{dtype}> {{
  %0 = "flow.rnn"(%x, %w, %r) {{hidden_size = 1 : i64, activations = ["Affine"], activation_alpha = array<f32: {alpha:.8e}>, activation_beta = array<f32: {beta:.8e}>}} : (tensor<1x{n}x1x{dtype}>, tensor<1x1x1x{dtype}>, tensor<1x1x1x{dtype}>) -> tensor<1x1x{n}x1x{dtype}>
  return %0 : tensor<1x1x{n}x1x{dtype}>
}}"#
            );
            let inputs = vec![
                tensor(dtype, &[1, n as i64, 1], xs.clone()),
                tensor(dtype, &[1, 1, 1], vec![1.0]),
                tensor(dtype, &[1, 1, 1], vec![0.0]),
            ];
            check_src(&src, inputs, 2);
        }
    }
}
