//! What `flowc-opt` does with its options: build the pipeline, then for each input chunk parse,
//! verify, run the pipeline and print, reporting diagnostics like `mlir-opt`.

use crate::cli::Options;
use crate::render::{Source, render_diagnostic};
use crate::{split, verify_diagnostics};
use flowc_ir::{Context, Diagnostic, Severity};
use flowc_pass::report::{TimingNode, statistics_report, timing_report};
use flowc_pass::{
    IrPrinting, OpPassManager, PassManager, PassOptions, PassRegistry, parse_pass_pipeline,
};
use std::io::{Read, Write};
use std::time::{Duration, Instant};

/// Writes to stderr, ignoring failures (a closed stderr is no reason to crash).
pub fn eprint_str(s: &str) {
    let mut e = std::io::stderr().lock();
    let _ = e.write_all(s.as_bytes());
    let _ = e.flush();
}

fn error(message: &str) {
    eprint_str(&format!("flowc-opt: error: {message}\n"));
}

/// The error text of an I/O error without Rust's ` (os error N)` suffix.
fn io_message(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Builds the pipeline from `--pass-pipeline` or from the pass flags.
fn build_pipeline(opts: &Options, registry: &PassRegistry) -> Result<OpPassManager, String> {
    if let Some(text) = &opts.pass_pipeline {
        if !opts.pass_flags.is_empty() {
            return Err(
                "'--pass-pipeline' option can't be used with individual pass options".to_string(),
            );
        }
        return parse_pass_pipeline(text, registry).map_err(|e| e.render("<pass-pipeline>", text));
    }
    let mut pm = OpPassManager::new("builtin.module");
    for (arg, text) in &opts.pass_flags {
        let Some(info) = registry.lookup(arg) else {
            return Err(registry.unknown_pass_message(arg));
        };
        // `--pass={a=1}` is accepted as well as `--pass=a=1`.
        let body = text.trim();
        let body = body
            .strip_prefix('{')
            .and_then(|b| b.strip_suffix('}'))
            .unwrap_or(body);
        let options =
            PassOptions::parse(body).map_err(|e| format!("invalid options for '--{arg}': {e}"))?;
        let pass = info
            .create_pass(&options)
            .map_err(|e| format!("'--{arg}': {e}"))?;
        pm.add_pass_nested(pass, info.effective_options(&options))?;
    }
    Ok(pm)
}

/// Timings gathered over all chunks for `--mlir-timing`.
#[derive(Default)]
struct Timings {
    parse: Duration,
    output: Duration,
}

struct ChunkOutcome {
    ok: bool,
    output: Option<String>,
}

/// Runs the tool; returns whether it succeeded.
pub fn run(opts: &Options, registry: &PassRegistry) -> bool {
    let start = Instant::now();
    if opts.list_passes {
        return write_output("-", &crate::cli::list_passes(registry));
    }
    if opts.show_dialects {
        let ctx = flowc_init::context_with_all_dialects();
        let names: Vec<&str> = ctx
            .registered_dialects()
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        return write_output("-", &format!("Available Dialects: {}\n", names.join(", ")));
    }

    let root = match build_pipeline(opts, registry) {
        Ok(pm) => pm,
        Err(message) => {
            if message.starts_with("<pass-pipeline>") {
                eprint_str(&message);
            } else {
                error(&message);
            }
            return false;
        }
    };
    let mut pm = PassManager::from_op_pass_manager(root);
    pm.set_verify_each(opts.verify_each);
    if opts.ir_printing.is_enabled() {
        pm.add_instrumentation(Box::new(IrPrinting::new(opts.ir_printing.clone())));
    }
    if opts.dump_pass_pipeline {
        eprint_str(&format!(
            "Pass Manager with {} passes:\n{pm:#}\n\n",
            pm.len()
        ));
    }

    let (name, bytes) = if opts.input == "-" {
        let mut buf = Vec::new();
        if let Err(e) = std::io::stdin().lock().read_to_end(&mut buf) {
            error(&format!(
                "could not read standard input: {}",
                io_message(&e)
            ));
            return false;
        }
        ("<stdin>".to_string(), buf)
    } else {
        match std::fs::read(&opts.input) {
            Ok(b) => (opts.input.clone(), b),
            Err(e) => {
                error(&format!(
                    "could not open input file '{}': {}",
                    opts.input,
                    io_message(&e)
                ));
                return false;
            }
        }
    };
    let text = String::from_utf8_lossy(&bytes);
    let src = Source::new(&name, &text);
    let chunks = match &opts.split_input_file {
        Some(marker) => split::split(&text, marker),
        None => split::whole(&text),
    };

    let mut timings = Timings::default();
    let mut ok = true;
    let mut outputs = Vec::with_capacity(chunks.len());
    for chunk in &chunks {
        let outcome = process_chunk(opts, &mut pm, &src, chunk, &mut timings);
        ok &= outcome.ok;
        outputs.push(outcome.output.unwrap_or_default());
    }

    let t = Instant::now();
    let joined = outputs.join(&format!("{}\n", opts.output_split_marker));
    // Like mlir-opt, an output file is only kept when everything succeeded; stdout gets what
    // there is.
    if (ok || opts.output == "-") && !write_output(&opts.output, &joined) {
        ok = false;
    }
    timings.output += t.elapsed();

    if opts.pass_statistics {
        eprint_str(&statistics_report(&pm));
    }
    if opts.timing {
        let mut nodes = vec![TimingNode::new("Parser", timings.parse)];
        nodes.extend(pm.timing_nodes());
        nodes.push(TimingNode::new("Output", timings.output));
        let total = start.elapsed();
        let accounted: Duration = nodes.iter().map(|n| n.wall).sum();
        nodes.push(TimingNode::new("Rest", total.saturating_sub(accounted)));
        eprint_str(&timing_report(&nodes, total));
    }
    ok
}

fn write_output(path: &str, text: &str) -> bool {
    if path == "-" {
        let mut out = std::io::stdout().lock();
        return match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
            Ok(()) => true,
            // Nobody reading (`flowc-opt ... | head`) is not an error of ours.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => true,
            Err(e) => {
                error(&format!("could not write the output: {}", io_message(&e)));
                false
            }
        };
    }
    match std::fs::write(path, text) {
        Ok(()) => true,
        Err(e) => {
            error(&format!(
                "could not open output file '{path}': {}",
                io_message(&e)
            ));
            false
        }
    }
}

/// Parse, verify, run the pipeline and print one chunk.
fn process_chunk(
    opts: &Options,
    pm: &mut PassManager,
    src: &Source<'_>,
    chunk: &split::Chunk<'_>,
    timings: &mut Timings,
) -> ChunkOutcome {
    let mut ctx = flowc_init::context_with_all_dialects();
    ctx.allow_unregistered_dialects = opts.allow_unregistered_dialect;
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut failed = false;
    let mut had_error = false;

    let t = Instant::now();
    let parsed = flowc_ir::parser::parse_source(&mut ctx, chunk.text, src.name, chunk.line_offset);
    diagnostics.extend(ctx.take_diagnostics());
    let module = match parsed {
        Ok(m) => Some(m),
        Err(d) => {
            diagnostics.extend(d);
            failed = true;
            None
        }
    };
    if let Some(m) = module
        && let Err(d) = flowc_pass::verify_op(&ctx, m)
    {
        diagnostics.extend(d);
        failed = true;
    }
    timings.parse += t.elapsed();
    if !opts.verify_diagnostics {
        had_error |= report(&ctx, src, &mut diagnostics);
    }

    let mut output = None;
    if let (Some(m), false) = (module, failed) {
        let result = pm.run(&mut ctx, m);
        diagnostics.extend(ctx.take_diagnostics());
        if !opts.verify_diagnostics {
            had_error |= report(&ctx, src, &mut diagnostics);
        }
        match result {
            Ok(()) => {
                let t = Instant::now();
                let mut print = opts.print.clone();
                // Without verify-each the IR may be invalid, which only the generic form is
                // sure to print.
                if !opts.verify_each && flowc_pass::verify_op(&ctx, m).is_err() {
                    print.generic = true;
                }
                output = Some(ctx.print_op(m, &print));
                timings.output += t.elapsed();
            }
            Err(failure) => {
                tracing::debug!(%failure, "pipeline failed");
                failed = true;
            }
        }
    }

    if opts.verify_diagnostics {
        let mut expectations =
            verify_diagnostics::parse_expectations(chunk.text, chunk.line_offset, src);
        let problems = verify_diagnostics::check(&ctx, src, &diagnostics, &mut expectations);
        for p in &problems {
            eprint_str(p);
        }
        return ChunkOutcome {
            ok: problems.is_empty(),
            output,
        };
    }
    let failed = failed || had_error;
    ChunkOutcome {
        ok: !failed,
        output: if failed { None } else { output },
    }
}

/// Prints and drains `diagnostics`; returns whether one of them was an error.
fn report(ctx: &Context, src: &Source<'_>, diagnostics: &mut Vec<Diagnostic>) -> bool {
    let mut had_error = false;
    for d in diagnostics.drain(..) {
        had_error |= d.severity == Severity::Error;
        eprint_str(&render_diagnostic(ctx, src, &d));
    }
    had_error
}
