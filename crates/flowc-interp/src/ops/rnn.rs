//! Recurrent layers: RNN, GRU, LSTM with every direction, `layout`, `sequence_lens`, initial
//! states, peepholes, `clip`, `input_forget`, `linear_before_reset` and custom activations.
//! Computed in f64 and rounded into the input's float type.

use super::elementwise::cast_tensor;
use super::mk;
use crate::util::dim;
use crate::{KResult, Node, bail};
use flowc_tensor::Tensor;

#[derive(Clone, Debug)]
struct Act {
    name: String,
    alpha: f64,
    beta: f64,
}

impl Act {
    fn apply(&self, x: f64) -> f64 {
        let (a, b) = (self.alpha, self.beta);
        match self.name.to_ascii_lowercase().as_str() {
            "sigmoid" => 1.0 / (1.0 + (-x).exp()),
            "tanh" => x.tanh(),
            "relu" => x.max(0.0),
            "affine" => a * x + b,
            "leakyrelu" => {
                if x >= 0.0 {
                    x
                } else {
                    a * x
                }
            }
            "thresholdedrelu" => {
                if x > a {
                    x
                } else {
                    0.0
                }
            }
            "scaledtanh" => a * (b * x).tanh(),
            "hardsigmoid" => (a * x + b).clamp(0.0, 1.0),
            "elu" => {
                if x >= 0.0 {
                    x
                } else {
                    a * (x.exp() - 1.0)
                }
            }
            "softsign" => x / (1.0 + x.abs()),
            "softplus" => (x.exp()).ln_1p(),
            _ => f64::NAN,
        }
    }
}

fn default_alpha_beta(name: &str) -> (f64, f64) {
    match name.to_ascii_lowercase().as_str() {
        "leakyrelu" => (0.01, 0.0),
        "thresholdedrelu" => (1.0, 0.0),
        "hardsigmoid" => (0.2, 0.5),
        "elu" => (1.0, 0.0),
        "affine" | "scaledtanh" => (1.0, 0.0),
        _ => (0.0, 0.0),
    }
}

/// The activations per direction (`per_dir` functions each), from the attributes or defaults.
fn activations(n: &Node<'_>, defaults: &[&str], dirs: usize) -> KResult<Vec<Vec<Act>>> {
    let names: Vec<String> = match n.strings("activations")? {
        Some(v) if !v.is_empty() => v,
        _ => (0..dirs)
            .flat_map(|_| defaults.iter().map(|s| s.to_string()))
            .collect(),
    };
    let per_dir = defaults.len();
    if names.len() != per_dir * dirs {
        bail!(
            "expected {} activations, got {}",
            per_dir * dirs,
            names.len()
        );
    }
    let alphas = n.floats("activation_alpha")?.unwrap_or_default();
    let betas = n.floats("activation_beta")?.unwrap_or_default();
    const KNOWN: [&str; 11] = [
        "sigmoid",
        "tanh",
        "relu",
        "affine",
        "leakyrelu",
        "thresholdedrelu",
        "scaledtanh",
        "hardsigmoid",
        "elu",
        "softsign",
        "softplus",
    ];
    let mut out = Vec::with_capacity(dirs);
    for d in 0..dirs {
        let mut acts = Vec::with_capacity(per_dir);
        for k in 0..per_dir {
            let i = d * per_dir + k;
            let name = names[i].clone();
            if !KNOWN.contains(&name.to_ascii_lowercase().as_str()) {
                bail!("unknown activation '{name}'");
            }
            let (da, db) = default_alpha_beta(&name);
            acts.push(Act {
                alpha: alphas.get(i).map(|&v| v as f64).unwrap_or(da),
                beta: betas.get(i).map(|&v| v as f64).unwrap_or(db),
                name,
            });
        }
        out.push(acts);
    }
    Ok(out)
}

#[derive(Clone, Copy, PartialEq)]
enum Cell {
    Rnn,
    Gru,
    Lstm,
}

/// `y[r] = sum_k x[k] * w[r * cols + k]` for `rows` rows.
fn matvec(x: &[f64], w: &[f64], rows: usize, out: &mut [f64]) {
    let cols = x.len();
    for r in 0..rows {
        let row = &w[r * cols..(r + 1) * cols];
        out[r] = row.iter().zip(x).map(|(a, b)| a * b).sum();
    }
}

fn recurrent(n: &Node<'_>, cell: Cell) -> KResult<Vec<Option<Tensor>>> {
    let x_t = n.input(0)?;
    let w_t = n.input(1)?;
    let r_t = n.input(2)?;
    if !x_t.dtype().is_float() {
        crate::unsupported!("unsupported element type {}", x_t.dtype());
    }
    if x_t.rank() != 3 || w_t.rank() != 3 || r_t.rank() != 3 {
        bail!("X, W and R must be 3-D");
    }
    let gates = match cell {
        Cell::Rnn => 1,
        Cell::Gru => 3,
        Cell::Lstm => 4,
    };
    let layout = n.int("layout", 0)? != 0;
    let (seq, batch, input) = if layout {
        (x_t.shape()[1], x_t.shape()[0], x_t.shape()[2])
    } else {
        (x_t.shape()[0], x_t.shape()[1], x_t.shape()[2])
    };
    let dirs = w_t.shape()[0];
    let hidden = r_t.shape()[2];
    if let Some(h) = n.opt_int("hidden_size")?
        && dim(h, "hidden_size")? != hidden
    {
        bail!("hidden_size {h} does not match R {:?}", r_t.shape());
    }
    let direction = n.string("direction", "forward")?;
    let want_dirs = if direction == "bidirectional" { 2 } else { 1 };
    if !matches!(direction.as_str(), "forward" | "reverse" | "bidirectional") {
        bail!("unknown direction '{direction}'");
    }
    if dirs != want_dirs {
        bail!("direction '{direction}' needs {want_dirs} directions, W has {dirs}");
    }
    if w_t.shape()[1..] != [gates * hidden, input] || r_t.shape() != [dirs, gates * hidden, hidden]
    {
        bail!(
            "W {:?} / R {:?} do not match hidden size {hidden}",
            w_t.shape(),
            r_t.shape()
        );
    }
    let xv = x_t.to_f64_vec();
    let x_at = |t: usize, b: usize| -> &[f64] {
        let base = if layout {
            (b * seq + t) * input
        } else {
            (t * batch + b) * input
        };
        &xv[base..base + input]
    };
    let w = w_t.to_f64_vec();
    let r = r_t.to_f64_vec();
    let bias = match n.opt(3) {
        Some(b) => {
            if b.len() != dirs * 2 * gates * hidden {
                bail!(
                    "B has {} elements, expected {}",
                    b.len(),
                    dirs * 2 * gates * hidden
                );
            }
            b.to_f64_vec()
        }
        None => vec![0.0; dirs * 2 * gates * hidden],
    };
    let lens: Vec<usize> = match n.opt(4) {
        Some(l) => {
            let v = l.to_i64_vec()?;
            if v.len() != batch {
                bail!("sequence_lens has {} values for batch {batch}", v.len());
            }
            v.iter()
                .map(|&s| {
                    let s = dim(s, "a sequence length")?;
                    if s > seq {
                        bail!("sequence length {s} exceeds {seq}");
                    }
                    Ok(s)
                })
                .collect::<KResult<_>>()?
        }
        None => vec![seq; batch],
    };
    // Initial states, as [dir][batch][hidden].
    let state = |i: usize| -> KResult<Vec<f64>> {
        match n.opt(i) {
            Some(t) => {
                if t.len() != dirs * batch * hidden {
                    bail!(
                        "initial state {i} has {} elements, expected {}",
                        t.len(),
                        dirs * batch * hidden
                    );
                }
                let v = t.to_f64_vec();
                if !layout {
                    return Ok(v);
                }
                // [batch, dir, hidden] -> [dir, batch, hidden]
                let mut o = vec![0.0; v.len()];
                for b in 0..batch {
                    for d in 0..dirs {
                        for h in 0..hidden {
                            o[(d * batch + b) * hidden + h] = v[(b * dirs + d) * hidden + h];
                        }
                    }
                }
                Ok(o)
            }
            None => Ok(vec![0.0; dirs * batch * hidden]),
        }
    };
    let h0 = state(5)?;
    let c0 = if cell == Cell::Lstm {
        state(6)?
    } else {
        vec![0.0; dirs * batch * hidden]
    };
    let peep = match (cell, n.opt(7)) {
        (Cell::Lstm, Some(p)) => {
            if p.len() != dirs * 3 * hidden {
                bail!("P has {} elements, expected {}", p.len(), dirs * 3 * hidden);
            }
            p.to_f64_vec()
        }
        _ => vec![0.0; dirs * 3 * hidden],
    };
    let defaults: &[&str] = match cell {
        Cell::Rnn => &["Tanh"],
        Cell::Gru => &["Sigmoid", "Tanh"],
        Cell::Lstm => &["Sigmoid", "Tanh", "Tanh"],
    };
    let acts = activations(n, defaults, dirs)?;
    let clip = n.opt_float("clip")?.map(|c| c as f64);
    let cl = |v: f64| match clip {
        Some(c) => v.clamp(-c, c),
        None => v,
    };
    let linear_before_reset = n.int("linear_before_reset", 0)? != 0;
    let input_forget = n.int("input_forget", 0)? != 0;

    // Outputs in layout 0: Y [seq, dirs, batch, hidden], Y_h / Y_c [dirs, batch, hidden].
    let mut y = vec![0.0f64; seq * dirs * batch * hidden];
    let mut yh = vec![0.0f64; dirs * batch * hidden];
    let mut yc = vec![0.0f64; dirs * batch * hidden];
    let gh = gates * hidden;
    let mut xw = vec![0.0; gh];
    let mut hr = vec![0.0; gh];
    for d in 0..dirs {
        let reverse = direction == "reverse" || d == 1;
        let wd = &w[d * gh * input..(d + 1) * gh * input];
        let rd = &r[d * gh * hidden..(d + 1) * gh * hidden];
        let wb = &bias[d * 2 * gh..d * 2 * gh + gh];
        let rb = &bias[d * 2 * gh + gh..(d + 1) * 2 * gh];
        let pd = &peep[d * 3 * hidden..(d + 1) * 3 * hidden];
        let a = &acts[d];
        for b in 0..batch {
            let mut h: Vec<f64> =
                h0[(d * batch + b) * hidden..(d * batch + b + 1) * hidden].to_vec();
            let mut c: Vec<f64> =
                c0[(d * batch + b) * hidden..(d * batch + b + 1) * hidden].to_vec();
            let len = lens[b];
            for step in 0..len {
                let t = if reverse { len - 1 - step } else { step };
                matvec(x_at(t, b), wd, gh, &mut xw);
                matvec(&h, rd, gh, &mut hr);
                let mut newh = vec![0.0; hidden];
                match cell {
                    Cell::Rnn => {
                        for j in 0..hidden {
                            newh[j] = a[0].apply(cl(xw[j] + hr[j] + wb[j] + rb[j]));
                        }
                    }
                    Cell::Gru => {
                        // Gates z, r, h.
                        let mut rgate = vec![0.0; hidden];
                        let mut z = vec![0.0; hidden];
                        for j in 0..hidden {
                            z[j] = a[0].apply(cl(xw[j] + hr[j] + wb[j] + rb[j]));
                            let k = hidden + j;
                            rgate[j] = a[0].apply(cl(xw[k] + hr[k] + wb[k] + rb[k]));
                        }
                        let hh: Vec<f64> = if linear_before_reset {
                            (0..hidden)
                                .map(|j| {
                                    let k = 2 * hidden + j;
                                    xw[k] + rgate[j] * (hr[k] + rb[k]) + wb[k]
                                })
                                .collect()
                        } else {
                            let rh: Vec<f64> = (0..hidden).map(|j| rgate[j] * h[j]).collect();
                            let mut m = vec![0.0; hidden];
                            matvec(&rh, &rd[2 * hidden * hidden..], hidden, &mut m);
                            (0..hidden)
                                .map(|j| {
                                    let k = 2 * hidden + j;
                                    xw[k] + m[j] + rb[k] + wb[k]
                                })
                                .collect()
                        };
                        for j in 0..hidden {
                            let ht = a[1].apply(cl(hh[j]));
                            newh[j] = (1.0 - z[j]) * ht + z[j] * h[j];
                        }
                    }
                    Cell::Lstm => {
                        // Gates i, o, f, c; peepholes i, o, f.
                        for j in 0..hidden {
                            let g = |k: usize| {
                                xw[k * hidden + j]
                                    + hr[k * hidden + j]
                                    + wb[k * hidden + j]
                                    + rb[k * hidden + j]
                            };
                            let i = a[0].apply(cl(g(0) + pd[j] * c[j]));
                            let f = if input_forget {
                                1.0 - i
                            } else {
                                a[0].apply(cl(g(2) + pd[2 * hidden + j] * c[j]))
                            };
                            let cc = a[1].apply(cl(g(3)));
                            let cn = f * c[j] + i * cc;
                            let o = a[0].apply(cl(g(1) + pd[hidden + j] * cn));
                            newh[j] = o * a[2].apply(cn);
                            c[j] = cn;
                        }
                    }
                }
                h = newh;
                let base = ((t * dirs + d) * batch + b) * hidden;
                y[base..base + hidden].copy_from_slice(&h);
            }
            yh[(d * batch + b) * hidden..(d * batch + b + 1) * hidden].copy_from_slice(&h);
            yc[(d * batch + b) * hidden..(d * batch + b + 1) * hidden].copy_from_slice(&c);
        }
    }
    let dt = x_t.dtype();
    let (y, y_shape, yh, yc, st_shape) = if layout {
        // Y [batch, seq, dirs, hidden]; states [batch, dirs, hidden].
        let mut y2 = vec![0.0; y.len()];
        for t in 0..seq {
            for d in 0..dirs {
                for b in 0..batch {
                    for j in 0..hidden {
                        y2[((b * seq + t) * dirs + d) * hidden + j] =
                            y[((t * dirs + d) * batch + b) * hidden + j];
                    }
                }
            }
        }
        let tr = |s: &[f64]| {
            let mut o = vec![0.0; s.len()];
            for d in 0..dirs {
                for b in 0..batch {
                    for j in 0..hidden {
                        o[(b * dirs + d) * hidden + j] = s[(d * batch + b) * hidden + j];
                    }
                }
            }
            o
        };
        (
            y2,
            vec![batch, seq, dirs, hidden],
            tr(&yh),
            tr(&yc),
            vec![batch, dirs, hidden],
        )
    } else {
        (
            y,
            vec![seq, dirs, batch, hidden],
            yh,
            yc,
            vec![dirs, batch, hidden],
        )
    };
    let mut outs = vec![
        Some(cast_tensor(&mk(y_shape, y)?, dt)?),
        Some(cast_tensor(&mk(st_shape.clone(), yh)?, dt)?),
    ];
    if cell == Cell::Lstm {
        outs.push(Some(cast_tensor(&mk(st_shape, yc)?, dt)?));
    }
    Ok(outs)
}

pub fn rnn(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    recurrent(n, Cell::Rnn)
}

pub fn gru(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    recurrent(n, Cell::Gru)
}

pub fn lstm(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    recurrent(n, Cell::Lstm)
}
