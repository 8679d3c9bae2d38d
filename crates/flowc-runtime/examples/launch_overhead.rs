//! Per-launch overhead of the runtime: bundles of 1000 launches of an empty kernel and of a
//! kernel spinning a few microseconds per task (compiled with `cc`, or read from
//! `$FLOWC_KERNELS_SO`), run repeatedly. Prints the time per launch, and for the spinning
//! kernel the time beyond the ideal `ceil(tasks / threads) * (time of one task)`.
//!
//! ```sh
//! cargo run --release -p flowc-runtime --example launch_overhead [max_threads]
//! ```

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use flowc_bundle::BundleBuilder;
use flowc_runtime::{Model, Session, SessionOptions};

const LAUNCHES: usize = 1000;

/// The best time per launch over several rounds (the machine may be shared).
fn per_launch(so: &[u8], kernel: &str, threads: usize, tasks: u64) -> Duration {
    let mut b = BundleBuilder::new("launch_overhead");
    for _ in 0..LAUNCHES {
        b.launch(kernel, &[], tasks);
    }
    b.cpu_code(common::host_triple(), so.to_vec());
    let model = Arc::new(Model::from_bytes(&b.finish_bytes().unwrap()).unwrap());
    let mut session = Session::new(model, SessionOptions { threads }).unwrap();
    session.run().unwrap(); // warm up
    let mut best = Duration::MAX;
    for _ in 0..15 {
        let start = Instant::now();
        for _ in 0..5 {
            session.run().unwrap();
        }
        best = best.min(start.elapsed() / (5 * LAUNCHES as u32));
    }
    best
}

fn main() {
    let so = match std::env::var_os("FLOWC_KERNELS_SO") {
        Some(path) => std::fs::read(path).unwrap(),
        None => match common::shared_object(common::KERNELS_C) {
            Some(so) => so,
            None => std::process::exit(1),
        },
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let max_threads = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(cores);
    let mut threads_list = vec![1];
    let mut t = 2;
    while t < max_threads {
        threads_list.push(t);
        t *= 2;
    }
    if max_threads > 1 {
        threads_list.push(max_threads);
    }

    println!("{cores} cores; {LAUNCHES} launches per run; best of 15 x 5 runs");
    let one_task = per_launch(&so, "spin", 1, 1).as_nanos();
    println!("one spin task on one thread: {one_task} ns\n");
    println!(
        "{:>7} {:>6} {:>12} {:>12} {:>12}",
        "threads", "tasks", "empty ns", "spin ns", "spin-ideal"
    );
    for &threads in &threads_list {
        let mut tasks_list = vec![1u64, threads as u64, 8 * threads as u64];
        tasks_list.dedup();
        for tasks in tasks_list {
            let empty = per_launch(&so, "empty", threads, tasks).as_nanos();
            let spin = per_launch(&so, "spin", threads, tasks).as_nanos();
            let ideal = tasks.div_ceil(threads as u64) as u128 * one_task;
            println!(
                "{threads:>7} {tasks:>6} {empty:>12} {spin:>12} {:>12}",
                spin as i128 - ideal as i128
            );
        }
    }
}
