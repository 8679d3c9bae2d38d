//! The command line: `mlir-opt`'s options, plus one `--<pass-argument>[=<options>]` flag per
//! registered pass, generated from the registry.

use clap::parser::ValueSource;
use clap::{Arg, ArgAction, ArgMatches, Command};
use flowc_ir::printer::PrintOptions;
use flowc_pass::{IrPrintingConfig, PassRegistry};
use std::collections::HashSet;

/// The default `--split-input-file` marker, as MLIR's.
pub const SPLIT_MARKER: &str = "// -----";

/// Everything the command line asks for.
#[derive(Debug)]
pub struct Options {
    pub input: String,
    pub output: String,
    /// The split marker with `--split-input-file`.
    pub split_input_file: Option<String>,
    pub output_split_marker: String,
    pub verify_diagnostics: bool,
    pub allow_unregistered_dialect: bool,
    pub print: PrintOptions,
    /// `--pass-pipeline`.
    pub pass_pipeline: Option<String>,
    /// Pass flags in command-line order: `(pass argument, option text)`.
    pub pass_flags: Vec<(String, String)>,
    pub verify_each: bool,
    pub ir_printing: IrPrintingConfig,
    pub timing: bool,
    pub pass_statistics: bool,
    pub dump_pass_pipeline: bool,
    pub list_passes: bool,
    pub show_dialects: bool,
}

/// What parsing the command line gave.
pub enum Parsed {
    Run(Box<Options>),
    /// `--help` / `--version`: print this to stdout and exit 0.
    Info(String),
    /// A usage error: print this to stderr and exit 1.
    Error(String),
}

const PASS_ID_PREFIX: &str = "pass:";

fn flag(name: &'static str, help: &'static str) -> Arg {
    Arg::new(name)
        .long(name)
        .action(ArgAction::SetTrue)
        .help(help)
}

/// The command with the tool's own options (no pass flags).
fn base_command() -> Command {
    Command::new("flowc-opt")
        .version(env!("CARGO_PKG_VERSION"))
        .about("flowc modular optimizer driver: parses textual IR, verifies it, runs passes and prints the result")
        .after_help("Pass flags (--<pass>[=<options>]) run in command-line order; options are space-separated key=value pairs, e.g. --canonicalize='max-iterations=3 top-down=false'. Single-dash long options (-canonicalize) are accepted, as in mlir-opt.")
        .arg(Arg::new("input").value_name("FILE").default_value("-").help("Input file ('-' for stdin)"))
        .arg(
            Arg::new("output")
                .short('o')
                .value_name("FILE")
                .default_value("-")
                .help("Output file ('-' for stdout)"),
        )
        .arg(
            Arg::new("split-input-file")
                .long("split-input-file")
                .num_args(0..=1)
                .require_equals(true)
                .default_missing_value(SPLIT_MARKER)
                .value_name("MARKER")
                .help("Split the input at lines holding only the marker ('// -----') and process each chunk independently"),
        )
        .arg(
            Arg::new("output-split-marker")
                .long("output-split-marker")
                .value_name("MARKER")
                .default_value(SPLIT_MARKER)
                .help("Marker placed between the outputs of split chunks"),
        )
        .arg(flag("verify-diagnostics", "Check that emitted diagnostics match the expected-* comments of the input"))
        .arg(flag("allow-unregistered-dialect", "Allow operations of unregistered dialects"))
        .arg(flag("mlir-print-op-generic", "Print operations in the generic form"))
        .arg(flag("mlir-print-debuginfo", "Print locations"))
        .arg(
            Arg::new("pass-pipeline")
                .long("pass-pipeline")
                .value_name("PIPELINE")
                .help("A textual pass pipeline, e.g. 'builtin.module(func.func(canonicalize,cse))'"),
        )
        .arg(
            Arg::new("verify-each")
                .long("verify-each")
                .num_args(0..=1)
                .require_equals(true)
                .default_value("true")
                .default_missing_value("true")
                .value_parser(clap::builder::BoolishValueParser::new())
                .value_name("BOOL")
                .help("Run the verifier after each pass"),
        )
        .arg(flag("mlir-print-ir-before-all", "Print the IR before every pass"))
        .arg(flag("mlir-print-ir-after-all", "Print the IR after every pass"))
        .arg(
            Arg::new("mlir-print-ir-before")
                .long("mlir-print-ir-before")
                .action(ArgAction::Append)
                .value_delimiter(',')
                .value_name("PASS")
                .help("Print the IR before the given pass (repeatable, comma-separated)"),
        )
        .arg(
            Arg::new("mlir-print-ir-after")
                .long("mlir-print-ir-after")
                .action(ArgAction::Append)
                .value_delimiter(',')
                .value_name("PASS")
                .help("Print the IR after the given pass (repeatable, comma-separated)"),
        )
        .arg(flag("mlir-print-ir-after-change", "Print the IR after a pass only when the pass changed it"))
        .arg(flag("mlir-print-ir-after-failure", "Print the IR after a pass that failed"))
        .arg(flag("mlir-print-ir-module-scope", "Print the top-level operation in IR dumps"))
        .arg(flag("mlir-timing", "Print a wall-time report of parsing, each pass and printing (to stderr)"))
        .arg(flag("mlir-pass-statistics", "Print the statistics of each pass (to stderr)"))
        .arg(flag("mlir-disable-threading", "Accepted for compatibility with mlir-opt (flowc-opt runs on one thread)"))
        .arg(flag("dump-pass-pipeline", "Print the pass pipeline before running it (to stderr)"))
        .arg(flag("list-passes", "List the registered passes and their options, then exit"))
        .arg(flag("show-dialects", "List the registered dialects, then exit"))
}

/// One flag per registered pass whose argument does not clash with a tool option.
fn add_pass_flags(mut cmd: Command, registry: &PassRegistry) -> Command {
    let taken: HashSet<String> = cmd
        .get_arguments()
        .filter_map(|a| a.get_long().map(str::to_string))
        .collect();
    for info in registry.iter() {
        if taken.contains(info.argument) || info.argument == "help" || info.argument == "version" {
            continue;
        }
        let mut long_help = info.summary.to_string();
        for o in &info.options {
            long_help.push_str(&format!(
                "\n  {}=<{}>  {}",
                o.name, o.default, o.description
            ));
        }
        cmd = cmd.arg(
            Arg::new(format!("{PASS_ID_PREFIX}{}", info.argument))
                .long(info.argument)
                .num_args(0..=1)
                .require_equals(true)
                .default_missing_value("")
                .action(ArgAction::Append)
                .value_name("OPTIONS")
                .help_heading("Passes")
                .help(info.summary)
                .long_help(long_help),
        );
    }
    cmd
}

/// `-name[=v]` to `--name[=v]` when `name` is a long option (mlir-opt takes single-dash long
/// options). Arguments after `--` are left alone.
fn normalize_args(args: Vec<String>, cmd: &Command) -> Vec<String> {
    let longs: HashSet<&str> = cmd
        .get_arguments()
        .filter_map(|a| a.get_long())
        .chain(["help", "version"])
        .collect();
    let mut out = Vec::with_capacity(args.len());
    let mut rest = false;
    for (i, a) in args.into_iter().enumerate() {
        if i == 0 || rest {
            out.push(a);
            continue;
        }
        if a == "--" {
            rest = true;
            out.push(a);
            continue;
        }
        let single_dash_long = a.len() > 2 && a.starts_with('-') && !a.starts_with("--") && {
            let name = a[1..].split('=').next().unwrap_or("");
            longs.contains(name)
        };
        out.push(if single_dash_long { format!("-{a}") } else { a });
    }
    out
}

/// Parses the command line (`args[0]` is the program name).
pub fn parse(args: Vec<String>, registry: &PassRegistry) -> Parsed {
    let cmd = add_pass_flags(base_command(), registry);
    let args = normalize_args(args, &cmd);
    let m = match cmd.try_get_matches_from(args) {
        Ok(m) => m,
        Err(e) => {
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    Parsed::Info(e.render().to_string())
                }
                _ => Parsed::Error(e.render().to_string()),
            };
        }
    };
    Parsed::Run(Box::new(options_from(&m, registry)))
}

fn strings(m: &ArgMatches, id: &str) -> Vec<String> {
    m.get_many::<String>(id)
        .map(|v| v.cloned().collect())
        .unwrap_or_default()
}

fn options_from(m: &ArgMatches, registry: &PassRegistry) -> Options {
    let s = |id: &str| m.get_one::<String>(id).cloned().unwrap_or_default();
    let b = |id: &str| m.get_flag(id);

    // Pass flags in command-line order.
    let mut pass_flags: Vec<(usize, String, String)> = Vec::new();
    for info in registry.iter() {
        let id = format!("{PASS_ID_PREFIX}{}", info.argument);
        if m.value_source(&id) != Some(ValueSource::CommandLine) {
            continue;
        }
        let values = strings(m, &id);
        let indices: Vec<usize> = m.indices_of(&id).map(|i| i.collect()).unwrap_or_default();
        for (k, v) in values.into_iter().enumerate() {
            let index = indices.get(k).copied().unwrap_or(usize::MAX);
            pass_flags.push((index, info.argument.to_string(), v));
        }
    }
    pass_flags.sort_by_key(|(i, _, _)| *i);

    let print = PrintOptions {
        generic: b("mlir-print-op-generic"),
        debug_info: b("mlir-print-debuginfo"),
    };
    Options {
        input: s("input"),
        output: s("output"),
        split_input_file: m.get_one::<String>("split-input-file").cloned(),
        output_split_marker: s("output-split-marker"),
        verify_diagnostics: b("verify-diagnostics"),
        allow_unregistered_dialect: b("allow-unregistered-dialect"),
        pass_pipeline: m.get_one::<String>("pass-pipeline").cloned(),
        pass_flags: pass_flags.into_iter().map(|(_, a, v)| (a, v)).collect(),
        verify_each: m.get_one::<bool>("verify-each").copied().unwrap_or(true),
        ir_printing: IrPrintingConfig {
            before_all: b("mlir-print-ir-before-all"),
            after_all: b("mlir-print-ir-after-all"),
            before: strings(m, "mlir-print-ir-before"),
            after: strings(m, "mlir-print-ir-after"),
            after_change: b("mlir-print-ir-after-change"),
            after_failure: b("mlir-print-ir-after-failure"),
            module_scope: b("mlir-print-ir-module-scope"),
            print_options: print.clone(),
        },
        print,
        timing: b("mlir-timing"),
        pass_statistics: b("mlir-pass-statistics"),
        dump_pass_pipeline: b("dump-pass-pipeline"),
        list_passes: b("list-passes"),
        show_dialects: b("show-dialects"),
    }
}

/// `--list-passes`: every pass with its summary and options.
pub fn list_passes(registry: &PassRegistry) -> String {
    let mut out = String::from("Registered passes:\n");
    for info in registry.iter() {
        out.push_str(&format!("  --{}  {}\n", info.argument, info.summary));
        for o in &info.options {
            out.push_str(&format!(
                "      {}=<{}>  {}\n",
                o.name, o.default, o.description
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry() -> PassRegistry {
        let mut r = PassRegistry::new();
        flowc_pass::testing::register_test_passes(&mut r);
        r
    }

    fn run(args: &[&str]) -> Options {
        let mut v = vec!["flowc-opt".to_string()];
        v.extend(args.iter().map(|s| s.to_string()));
        match parse(v, &registry()) {
            Parsed::Run(o) => *o,
            Parsed::Info(s) | Parsed::Error(s) => panic!("{s}"),
        }
    }

    #[test]
    fn pass_flags_keep_command_line_order() {
        let o = run(&[
            "in.mlir",
            "--test-mark",
            "--test-count-ops=emit-remark",
            "-test-mark=attr=x",
            "--test-pass-failure",
        ]);
        assert_eq!(
            o.pass_flags,
            vec![
                ("test-mark".to_string(), String::new()),
                ("test-count-ops".to_string(), "emit-remark".to_string()),
                ("test-mark".to_string(), "attr=x".to_string()),
                ("test-pass-failure".to_string(), String::new()),
            ]
        );
        assert_eq!(o.input, "in.mlir");
    }

    #[test]
    fn tool_options() {
        let o = run(&[
            "-split-input-file",
            "-verify-diagnostics",
            "--verify-each=false",
            "--mlir-print-ir-after=a,b",
            "--mlir-print-ir-after=c",
        ]);
        assert_eq!(o.split_input_file.as_deref(), Some(SPLIT_MARKER));
        assert!(o.verify_diagnostics);
        assert!(!o.verify_each);
        assert_eq!(o.ir_printing.after, vec!["a", "b", "c"]);
        assert_eq!(o.input, "-");
        assert_eq!(o.output, "-");
        let o = run(&["--verify-each", "-o", "out.mlir"]);
        assert!(o.verify_each);
        assert_eq!(o.output, "out.mlir");
        assert!(run(&[]).verify_each);
    }

    #[test]
    fn help_lists_passes_and_errors_are_errors() {
        let help = match parse(vec!["flowc-opt".into(), "--help".into()], &registry()) {
            Parsed::Info(s) => s,
            _ => panic!("--help"),
        };
        assert!(help.contains("--test-count-ops"), "{help}");
        assert!(help.contains("emit-remark"), "{help}");
        assert!(matches!(
            parse(vec!["flowc-opt".into(), "--nope".into()], &registry()),
            Parsed::Error(_)
        ));
    }
}
