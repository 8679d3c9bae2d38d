//! `flowc`: the driver.
//!
//! - `flowc compile MODEL.onnx -o model.flowc [--target cpu]` compiles a model to a bundle.
//! - `flowc run MODEL.onnx|MODEL.flowc --input PATH ... --output-dir DIR [--target cpu|interp]`
//!   runs a model and writes its outputs as ONNX `TensorProto` files.
//! - `flowc bench MODEL --input PATH ... --runs N [--threads T] [--json]` times it.
//! - `flowc test-onnx DIR... [--expected-failures FILE]` runs ONNX backend node test cases.
//!
//! Exit status: 0 on success, 1 on any error (bad arguments, bad input, a failed run, or
//! conformance results that do not match the expected-failures list). The work runs on a
//! thread with a large stack; should it ever panic (a bug), the status is 101.

mod bench;
mod compile;
mod cpu;
mod cuda;
mod error;
mod json;
mod model;
mod run;
mod signature;
mod target;
mod tensor_io;
mod test_onnx;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

const STACK_SIZE: usize = 256 << 20;

#[derive(Debug, Parser)]
#[command(
    name = "flowc",
    version,
    about = "flowc: compiles ONNX models to native code, runs and benchmarks them, and checks them against the ONNX conformance cases"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Compile an ONNX model to a `.flowc` bundle (native code, weights, memory and launch plan).
    Compile(compile::CompileArgs),
    /// Run a model (`.onnx` or `.flowc`) on input tensors and write its outputs (output_0.pb, ...).
    Run(run::RunArgs),
    /// Time runs of a model (`.onnx` or `.flowc`).
    Bench(bench::BenchArgs),
    /// Run ONNX backend node test cases and report passed / failed / unsupported.
    TestOnnx(test_onnx::TestOnnxArgs),
}

fn main() -> ExitCode {
    let worker = std::thread::Builder::new()
        .name("flowc".to_string())
        .stack_size(STACK_SIZE)
        .spawn(real_main);
    match worker {
        Ok(handle) => handle.join().unwrap_or(ExitCode::from(101)),
        Err(e) => {
            eprint_str(&format!(
                "flowc: error: could not start the main thread: {e}\n"
            ));
            ExitCode::FAILURE
        }
    }
}

fn eprint_str(s: &str) {
    let _ = std::io::stderr().lock().write_all(s.as_bytes());
}

fn real_main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let is_info = matches!(
                e.kind(),
                clap::error::ErrorKind::DisplayHelp
                    | clap::error::ErrorKind::DisplayVersion
                    | clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            );
            let _ = e.print();
            return if is_info
                && e.kind() != clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            };
        }
    };
    let result = match &cli.command {
        Command::Compile(args) => compile::compile(args).map(|()| true),
        Command::Run(args) => run::run(args).map(|()| true),
        Command::Bench(args) => bench::bench(args).map(|()| true),
        Command::TestOnnx(args) => test_onnx::test_onnx(args),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprint_str(&format!("flowc: error: {e}\n"));
            ExitCode::FAILURE
        }
    }
}
