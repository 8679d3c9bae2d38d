//! `flowc-opt`: flowc's `mlir-opt`. Reads textual IR (a file or stdin), verifies it, runs a pass
//! pipeline (`--pass-pipeline='builtin.module(...)'` or one `--<pass>` flag per pass) and prints
//! the result. Supports `--split-input-file`, `--verify-diagnostics`, IR printing around passes,
//! `--mlir-timing` and `--mlir-pass-statistics`. Set `FLOWC_LOG=debug` (any `tracing` filter) for
//! logs on stderr.
//!
//! Exit status: 0 on success, 1 on any error. The work runs on a thread with a large stack as a
//! safety margin for deeply nested input; should it ever panic (a bug), the status is 101.

mod cli;
mod driver;
mod render;
mod split;
mod verify_diagnostics;

use std::process::ExitCode;

const STACK_SIZE: usize = 256 << 20;

fn main() -> ExitCode {
    let worker = std::thread::Builder::new()
        .name("flowc-opt".to_string())
        .stack_size(STACK_SIZE)
        .spawn(real_main);
    match worker {
        Ok(handle) => handle.join().unwrap_or(ExitCode::from(101)),
        Err(e) => {
            driver::eprint_str(&format!(
                "flowc-opt: error: could not start the main thread: {e}\n"
            ));
            ExitCode::FAILURE
        }
    }
}

fn init_tracing() {
    let Some(filter) = std::env::var_os("FLOWC_LOG") else {
        return;
    };
    let filter = filter.to_string_lossy();
    match tracing_subscriber::EnvFilter::try_new(filter.as_ref()) {
        Ok(filter) => {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(filter)
                .with_writer(std::io::stderr)
                .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
                .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
                .try_init();
        }
        Err(e) => driver::eprint_str(&format!(
            "flowc-opt: warning: ignoring FLOWC_LOG='{filter}': {e}\n"
        )),
    }
}

fn real_main() -> ExitCode {
    init_tracing();
    let registry = flowc_init::all_passes();
    let args: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    match cli::parse(args, &registry) {
        cli::Parsed::Info(text) => {
            use std::io::Write;
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            ExitCode::SUCCESS
        }
        cli::Parsed::Error(text) => {
            driver::eprint_str(&text);
            ExitCode::FAILURE
        }
        cli::Parsed::Run(opts) => {
            if driver::run(&opts, &registry) {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
    }
}
