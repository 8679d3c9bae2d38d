//! `flowc bench MODEL --input ... --runs N [--threads T] [--warmup W] [--json]`: times runs of a
//! model (`.onnx`, compiled first, or a `.flowc` bundle).

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use crate::error::{DriverError, Result};
use crate::json;
use crate::run::prepare;
use crate::target::{BackendOptions, Target};

#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// The model (`.onnx` or `.flowc`).
    pub model: PathBuf,
    /// Input tensors, as for `flowc run`.
    #[arg(short, long = "input", value_name = "[NAME=]PATH")]
    pub inputs: Vec<String>,
    /// Timed runs.
    #[arg(long, default_value_t = 20)]
    pub runs: usize,
    /// Untimed runs first.
    #[arg(long, default_value_t = 2)]
    pub warmup: usize,
    /// Threads (default: all cores).
    #[arg(long, value_name = "T")]
    pub threads: Option<usize>,
    #[arg(long, value_enum, default_value_t = Target::DEFAULT)]
    pub target: Target,
    /// Compile without the equality-saturation optimizer (flow-saturate).
    #[arg(long)]
    pub no_saturate: bool,
    /// Print one JSON object instead of a line of text.
    #[arg(long)]
    pub json: bool,
    /// After the timed runs, time every kernel launch over as many runs and print the kernels
    /// that take the most time (on stderr, so `--json` output stays one object).
    #[arg(long)]
    pub profile: bool,
}

pub fn bench(args: &BenchArgs) -> Result<()> {
    if args.runs == 0 {
        return Err(DriverError::input("--runs must be at least 1"));
    }
    let opts = BackendOptions {
        threads: args.threads,
        saturate: !args.no_saturate,
    };
    let (mut prepared, inputs) = prepare(&args.model, &args.inputs, args.target, opts)?;
    let name = prepared.name.clone();
    let in_model = |e: DriverError| DriverError::new(e.kind, format!("{name}: {e}"));
    // Inputs are bound once; each timed run is one inference on them, outputs left in the
    // runtime's buffers (as a deployed session reuses its buffers).
    prepared.exe.bind_inputs(inputs).map_err(in_model)?;
    for _ in 0..args.warmup {
        prepared.exe.run_again().map_err(in_model)?;
    }
    let mut times = Vec::with_capacity(args.runs);
    for _ in 0..args.runs {
        let t = Instant::now();
        prepared.exe.run_again().map_err(in_model)?;
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    if args.profile {
        let report = profile(prepared.exe.as_mut(), args.runs).map_err(in_model)?;
        let _ = std::io::stderr().lock().write_all(report.as_bytes());
    }
    let mut sorted = times.clone();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let median = if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    };
    let min = sorted[0];
    let mean = times.iter().sum::<f64>() / n as f64;
    let compile_ms = prepared.prepare_time.as_secs_f64() * 1e3;
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let text = if args.json {
        json::object(&[
            ("model", json::string(&name)),
            ("target", json::string(args.target.name())),
            ("threads", json::number(threads as f64)),
            ("runs", json::number(n as f64)),
            ("median_ms", json::number(median)),
            ("min_ms", json::number(min)),
            ("mean_ms", json::number(mean)),
            ("compile_ms", json::number(compile_ms)),
        ]) + "\n"
    } else {
        format!(
            "{name}: {n} runs on {} ({threads} threads): median {median:.3} ms, min {min:.3} ms, mean {mean:.3} ms; prepared in {compile_ms:.0} ms\n",
            args.target
        )
    };
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    Ok(())
}

/// Times every launch over `runs` profiled runs and lists the kernels by total time: mean ms per
/// run, share of the run, task count, and launches per run.
fn profile(exe: &mut dyn crate::target::Executable, runs: usize) -> Result<String> {
    use std::collections::HashMap;
    let mut by_kernel: HashMap<String, (f64, u64, usize)> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    for _ in 0..runs {
        let Some(launches) = exe.run_profiled()? else {
            return Ok("profile: this target has no kernel launches to time\n".to_string());
        };
        for l in launches {
            let e = by_kernel.entry(l.kernel.clone()).or_insert_with(|| {
                order.push(l.kernel.clone());
                (0.0, l.tasks, 0)
            });
            e.0 += l.time.as_secs_f64() * 1e3;
            e.2 += 1;
        }
    }
    let total: f64 = by_kernel.values().map(|v| v.0).sum();
    let mut rows: Vec<(&String, &(f64, u64, usize))> =
        order.iter().map(|k| (k, &by_kernel[k])).collect();
    rows.sort_by(|a, b| b.1.0.total_cmp(&a.1.0));
    let mut out = format!(
        "profile: {} kernels, {:.3} ms per run in launches (mean of {runs} runs)\n",
        rows.len(),
        total / runs as f64
    );
    out.push_str("      ms/run   share   tasks  kernel\n");
    for (k, (ms, tasks, n)) in rows.iter().take(25) {
        let per_run = ms / runs as f64;
        let launches = n / runs;
        let mult = if launches > 1 {
            format!(" (x{launches})")
        } else {
            String::new()
        };
        out.push_str(&format!(
            "  {per_run:10.4} {:6.1}% {tasks:7}  {k}{mult}\n",
            100.0 * ms / total.max(f64::MIN_POSITIVE)
        ));
    }
    Ok(out)
}
