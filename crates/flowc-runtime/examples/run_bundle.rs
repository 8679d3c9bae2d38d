//! Runs CUDA bundles on GPU 0 without the compiler (this links no LLVM), for checking compiled
//! models on a GPU machine: each line of the list file (or of standard input) is
//!
//! ```text
//! BUNDLE OUT_DIR INPUT0.bin INPUT1.bin ...
//! ```
//!
//! with inputs as raw little-endian bytes; outputs are written as `OUT_DIR/output_N.bin`. One
//! line of status per case goes to standard output: `ok NAME` or `error NAME: why`. With
//! `--bench N`, each bundle also runs N times more and the median milliseconds of a run with
//! and without CUDA-graph replay are printed (`bench NAME graph_ms=.. launches_ms=..`). With
//! `--profile`, the kernels that take the most time in one run (CUDA events around each launch,
//! after the warm-up runs) are printed too, grouped by kernel kind:
//! `profile NAME KIND ms=.. launches=.. share=..%`.
//!
//! `cargo run --release -p flowc-runtime --example run_bundle -- LIST [--bench N] [--profile]`

use std::io::BufRead;
use std::time::Instant;

use flowc_runtime::cuda::{CudaExecutable, cuda_available};

/// Per kernel kind (the name without its `k<N>_` prefix): total ms and launches, most first.
fn profile(exe: &mut CudaExecutable) -> Result<Vec<(String, f64, usize)>, String> {
    let mut kinds: Vec<(String, f64, usize)> = Vec::new();
    for (kernel, ms) in exe.run_profiled().map_err(|e| e.to_string())? {
        let kind = match kernel.split_once('_') {
            Some((k, rest)) if k.starts_with('k') && k[1..].parse::<u64>().is_ok() => rest,
            _ => kernel.as_str(),
        }
        .to_string();
        match kinds.iter_mut().find(|k| k.0 == kind) {
            Some(k) => {
                k.1 += ms;
                k.2 += 1;
            }
            None => kinds.push((kind, ms, 1)),
        }
    }
    kinds.sort_by(|a, b| b.1.total_cmp(&a.1));
    Ok(kinds)
}

/// Runs one case; with `bench`, the medians with and without graph replay, and with
/// `profiled`, the kernel kinds that took the time.
type Timing = (f64, f64, Vec<(String, f64, usize)>);

fn run_case(line: &str, bench: usize, profiled: bool) -> Result<Option<Timing>, String> {
    let parts: Vec<&str> = line.split_whitespace().collect();
    let [bundle, out_dir, inputs @ ..] = parts.as_slice() else {
        return Err("expected: BUNDLE OUT_DIR INPUTS...".into());
    };
    let bytes = std::fs::read(bundle).map_err(|e| format!("read: {e}"))?;
    let bundle = flowc_bundle::decode(&bytes).map_err(|e| format!("decode: {e}"))?;
    let mut exe = CudaExecutable::load(&bundle).map_err(|e| e.to_string())?;
    if inputs.len() != bundle.inputs.len() {
        return Err(format!(
            "{} inputs given, the model takes {}",
            inputs.len(),
            bundle.inputs.len()
        ));
    }
    for (i, path) in inputs.iter().enumerate() {
        let data = std::fs::read(path).map_err(|e| format!("read {path}: {e}"))?;
        exe.set_input(i, &data).map_err(|e| e.to_string())?;
    }
    exe.run().map_err(|e| e.to_string())?;
    std::fs::create_dir_all(out_dir).map_err(|e| e.to_string())?;
    for i in 0..bundle.outputs.len() {
        let out = exe.output(i).map_err(|e| e.to_string())?;
        std::fs::write(format!("{out_dir}/output_{i}.bin"), out).map_err(|e| e.to_string())?;
    }
    if bench == 0 {
        return Ok(None);
    }
    let mut median = |graph: bool| -> Result<f64, String> {
        exe.use_graph = graph;
        exe.run().map_err(|e| e.to_string())?; // warm-up (captures the graph)
        let mut times = Vec::new();
        for _ in 0..bench {
            let t = Instant::now();
            exe.run().map_err(|e| e.to_string())?;
            times.push(t.elapsed().as_secs_f64() * 1e3);
        }
        times.sort_by(f64::total_cmp);
        Ok(times[times.len() / 2])
    };
    let g = median(true)?;
    let l = median(false)?;
    let kinds = if profiled {
        profile(&mut exe)?
    } else {
        Vec::new()
    };
    Ok(Some((g, l, kinds)))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let bench = args
        .iter()
        .position(|a| a == "--bench")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    if let Err(why) = cuda_available() {
        eprintln!("run_bundle: {why}");
        std::process::exit(1);
    }
    let lines: Vec<String> = match args.first().filter(|a| !a.starts_with("--")) {
        Some(path) => std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("{path}: {e}"))
            .lines()
            .map(str::to_string)
            .collect(),
        None => std::io::stdin()
            .lock()
            .lines()
            .map_while(Result::ok)
            .collect(),
    };
    let show_profile = args.iter().any(|a| a == "--profile");
    for line in lines.iter().filter(|l| !l.trim().is_empty()) {
        let name = line.split_whitespace().next().unwrap_or("");
        match run_case(line, bench, show_profile) {
            Ok(None) => println!("ok {name}"),
            Ok(Some((g, l, kinds))) => {
                println!("ok {name}");
                println!("bench {name} graph_ms={g:.4} launches_ms={l:.4}");
                let total: f64 = kinds.iter().map(|k| k.1).sum();
                for (kind, ms, n) in kinds.iter().take(15) {
                    let share = 100.0 * ms / total.max(1e-9);
                    println!("profile {name} {kind} ms={ms:.4} launches={n} share={share:.1}%");
                }
            }
            Err(e) => println!("error {name}: {}", e.replace('\n', " ")),
        }
    }
}
