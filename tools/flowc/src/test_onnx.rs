//! `flowc test-onnx DIR...`: runs ONNX backend node test cases and compares the outputs with
//! the expected ones under ONNX's backend-test tolerances.
//!
//! A case is a directory holding `model.onnx` and `test_data_set_<k>/{input_<i>.pb,
//! output_<i>.pb}` (what `tools/onnx/gen-node-tests.py` writes, and what ONNX ships under
//! `onnx/backend/test/data/node/`). Each case ends up:
//!
//! - **passed**: every output has the expected dtype and shape, and values within tolerance
//!   (`|actual - expected| <= atol + rtol * |expected|`, rtol 1e-3, atol 1e-7, NaN == NaN; a
//!   case's `tolerance.txt` holding `rtol atol` overrides them);
//! - **failed**: an output differs (the message gives the largest error);
//! - **unsupported**: the importer or the target refused the model (an op, dtype or attribute
//!   flowc does not support);
//! - **error**: any other error (a malformed file, a runtime error);
//! - **panicked**: a bug; the case is isolated and the run goes on.
//!
//! With `--expected-failures FILE`, the run fails when a case that is not listed does not pass,
//! or when a listed case passes ("unexpectedly passed: remove it from the list"), so the pass
//! count can only go up. `--write-expected-failures FILE` (re)writes such a list.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{IsTerminal, Write};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use flowc_tensor::{DType, Tensor, Tolerance};

use crate::error::{DriverError, ErrorKind, Result};
use crate::json;
use crate::model::ModelFile;
use crate::signature::{ValueType, check_input};
use crate::target::{BackendOptions, Target};
use crate::tensor_io;

#[derive(Debug, clap::Args)]
pub struct TestOnnxArgs {
    /// Test case directories (each holding model.onnx and test_data_set_<k>/), or directories
    /// whose subdirectories are test cases.
    #[arg(required = true, value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// The cases expected not to pass, one name per line (`#` starts a comment). The run fails
    /// if any other case does not pass, or if a listed case passes.
    #[arg(long, value_name = "FILE")]
    pub expected_failures: Option<PathBuf>,
    /// Write the names of the cases that do not pass to FILE (entries for cases not run this
    /// time, e.g. outside --filter, are kept).
    #[arg(long, value_name = "FILE")]
    pub write_expected_failures: Option<PathBuf>,
    /// Only run the cases whose name contains SUBSTR.
    #[arg(long, value_name = "SUBSTR")]
    pub filter: Option<String>,
    /// Print the results as one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
    /// Print every case's result, not only the summary.
    #[arg(short, long)]
    pub verbose: bool,
    /// Threads to run cases on (default: the number of cores, at most 8).
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Where to run the models.
    #[arg(long, value_enum, default_value_t = Target::DEFAULT)]
    pub target: Target,
    /// Compile without the equality-saturation optimizer (flow-saturate).
    #[arg(long)]
    pub no_saturate: bool,
}

/// How a case ended.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    Passed,
    Failed,
    Unsupported,
    Error,
    Panicked,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Passed,
        Status::Failed,
        Status::Unsupported,
        Status::Error,
        Status::Panicked,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Status::Passed => "passed",
            Status::Failed => "failed",
            Status::Unsupported => "unsupported",
            Status::Error => "error",
            Status::Panicked => "panicked",
        }
    }
}

/// The result of one case.
#[derive(Clone, Debug)]
pub struct CaseResult {
    pub name: String,
    /// The ONNX op the case is about (see [`primary_ops`]).
    pub op: String,
    pub status: Status,
    /// Why it did not pass (empty when it passed).
    pub detail: String,
    /// For failed cases: the largest absolute difference found.
    pub max_error: Option<f64>,
    pub time: Duration,
}

/// A test case directory.
#[derive(Clone, Debug)]
pub struct Case {
    pub name: String,
    pub dir: PathBuf,
}

/// What running a case (inside the panic guard) gives.
struct Run {
    op_types: Vec<String>,
    status: Status,
    detail: String,
    max_error: Option<f64>,
}

impl Run {
    fn new(op_types: Vec<String>) -> Run {
        Run {
            op_types,
            status: Status::Passed,
            detail: String::new(),
            max_error: None,
        }
    }

    fn with_error(mut self, e: DriverError) -> Run {
        self.status = if e.is_unsupported() {
            Status::Unsupported
        } else {
            Status::Error
        };
        self.detail = e.message;
        self
    }

    fn failed(mut self, detail: String, max_error: Option<f64>) -> Run {
        self.status = Status::Failed;
        self.detail = detail;
        self.max_error = max_error;
        self
    }
}

/// Finds the test cases under `dirs`, sorted by name within each directory.
pub fn discover(dirs: &[PathBuf], filter: Option<&str>) -> Result<Vec<Case>> {
    let mut cases = Vec::new();
    for dir in dirs {
        if !dir.is_dir() {
            return Err(DriverError::input(format!(
                "{}: not a directory",
                dir.display()
            )));
        }
        let mut found = Vec::new();
        if dir.join("model.onnx").is_file() {
            found.push(case_at(dir));
        } else {
            let entries = std::fs::read_dir(dir)
                .map_err(|e| DriverError::input(format!("{}: cannot list: {e}", dir.display())))?;
            for entry in entries.flatten() {
                let path = entry.path();
                if path.join("model.onnx").is_file() {
                    found.push(case_at(&path));
                }
            }
            found.sort_by(|a, b| a.name.cmp(&b.name));
        }
        if found.is_empty() {
            return Err(DriverError::input(format!(
                "{}: no test cases here (directories holding model.onnx)",
                dir.display()
            )));
        }
        cases.extend(found);
    }
    if let Some(f) = filter {
        cases.retain(|c| c.name.contains(f));
    }
    Ok(cases)
}

fn case_at(dir: &Path) -> Case {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| dir.display().to_string());
    Case {
        name,
        dir: dir.to_path_buf(),
    }
}

/// The `test_data_set_<k>` directories of a case, in `k` order.
fn data_sets(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| DriverError::input(format!("{}: cannot list: {e}", dir.display())))?;
    let mut sets: Vec<(u64, PathBuf)> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let k = name.strip_prefix("test_data_set_")?.parse::<u64>().ok()?;
            e.path().is_dir().then(|| (k, e.path()))
        })
        .collect();
    sets.sort();
    if sets.is_empty() {
        return Err(DriverError::input(format!(
            "{}: no test_data_set_<k> directories",
            dir.display()
        )));
    }
    Ok(sets.into_iter().map(|(_, p)| p).collect())
}

/// `prefix_0.pb`, `prefix_1.pb`, ... in a data set directory, up to the first missing index.
fn numbered_files(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    (0..)
        .map(|i| dir.join(format!("{prefix}_{i}.pb")))
        .take_while(|p| p.is_file())
        .collect()
}

/// The case's tolerances: `tolerance.txt` (`rtol atol`) if present, else ONNX's defaults.
fn tolerance(dir: &Path) -> Result<Tolerance> {
    let path = dir.join("tolerance.txt");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(Tolerance::default());
    };
    let nums: Vec<f64> = text
        .split_whitespace()
        .map(str::parse)
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| DriverError::input(format!("{}: {e}", path.display())))?;
    match nums[..] {
        [rtol, atol] => Ok(Tolerance {
            rtol,
            atol,
            nan_equal: true,
        }),
        _ => Err(DriverError::input(format!(
            "{}: expected 'rtol atol'",
            path.display()
        ))),
    }
}

/// Runs one case. Never panics on bad input; [`run_guarded`] catches the panics of bugs.
fn run_case(case: &Case, target: Target, saturate: bool) -> Run {
    let file = match ModelFile::read(&case.dir.join("model.onnx")) {
        Ok(f) => f,
        Err(e) => return Run::new(Vec::new()).with_error(e),
    };
    let run = Run::new(file.op_types());
    match run_case_data(case, &file, target, saturate) {
        Ok(None) => run,
        Ok(Some((detail, max_error))) => run.failed(detail, max_error),
        Err(e) => run.with_error(e),
    }
}

/// `Ok(None)` when every data set passes, `Ok(Some((why, max error)))` on the first mismatch.
fn run_case_data(
    case: &Case,
    file: &ModelFile,
    target: Target,
    saturate: bool,
) -> Result<Option<(String, Option<f64>)>> {
    let sig = file.signature()?;
    let tol = tolerance(&case.dir)?;
    let sets = data_sets(&case.dir)?;
    let imported = file.import()?;
    for spec in sig.inputs.iter().chain(&sig.outputs) {
        if let ValueType::Other(what) = &spec.ty {
            return Err(DriverError::unsupported(format!(
                "graph input or output '{}' is {what}",
                spec.name
            )));
        }
    }
    let in_model = |e: DriverError| DriverError::new(e.kind, format!("model.onnx: {e}"));
    let mut exe = target
        .backend(BackendOptions {
            threads: Some(1),
            saturate,
        })
        .prepare(file, imported)
        .map_err(in_model)?;
    for set in &sets {
        let input_files = numbered_files(set, "input");
        if input_files.len() != sig.inputs.len() {
            return Err(DriverError::input(format!(
                "{}: {} input files for {} graph inputs",
                set.display(),
                input_files.len(),
                sig.inputs.len()
            )));
        }
        let mut inputs = Vec::with_capacity(input_files.len());
        for (spec, path) in sig.inputs.iter().zip(&input_files) {
            let t = tensor_io::read_tensor(path)?;
            check_input(spec, &t, &path.display().to_string())?;
            inputs.push(t);
        }
        let expected_files = numbered_files(set, "output");
        let expected: Vec<Tensor> = expected_files
            .iter()
            .map(|p| tensor_io::read_tensor(p))
            .collect::<Result<_>>()?;
        let actual = exe.run(inputs).map_err(in_model)?;
        if let Some(mismatch) = compare_outputs(&actual, &expected, &sig_output_names(&sig), &tol) {
            let detail = if sets.len() > 1 {
                format!("{}: {}", file_name(set), mismatch.0)
            } else {
                mismatch.0
            };
            return Ok(Some((detail, mismatch.1)));
        }
    }
    Ok(None)
}

fn sig_output_names(sig: &crate::signature::Signature) -> Vec<String> {
    sig.outputs.iter().map(|s| s.name.clone()).collect()
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Compares actual outputs with expected ones; `Some((why, max error))` on a mismatch.
pub fn compare_outputs(
    actual: &[Tensor],
    expected: &[Tensor],
    names: &[String],
    tol: &Tolerance,
) -> Option<(String, Option<f64>)> {
    if actual.len() != expected.len() {
        return Some((
            format!("{} outputs, expected {}", actual.len(), expected.len()),
            None,
        ));
    }
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        let name = names.get(i).map(String::as_str).unwrap_or("");
        let mut tol = *tol;
        if e.dtype() == DType::BF16 {
            // As ONNX's runner: two bfloat16 ULPs.
            tol.rtol = tol.rtol.max(2f64.powi(-6));
        }
        if let Err(m) = flowc_tensor::compare::compare(a, e, &tol) {
            let max_error =
                (a.dtype() == e.dtype() && a.shape() == e.shape()).then(|| max_abs_error(a, e));
            let mut detail = format!("output {i} '{name}': {m}");
            if let Some(err) = max_error {
                detail.push_str(&format!("; max abs error {err:.3e}"));
            }
            return Some((detail, max_error));
        }
    }
    None
}

/// The largest `|a - e|` over elements (NaN where exactly one side is NaN counts as infinite).
pub fn max_abs_error(a: &Tensor, e: &Tensor) -> f64 {
    let a = a.to_f64_vec();
    let e = e.to_f64_vec();
    a.iter()
        .zip(&e)
        .map(|(&x, &y)| {
            if x.is_nan() && y.is_nan() || x == y {
                0.0
            } else if x.is_nan() || y.is_nan() {
                f64::INFINITY
            } else {
                (x - y).abs()
            }
        })
        .fold(0.0, f64::max)
}

thread_local! {
    static PANIC_LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs a case, turning a panic (a bug) into a [`Status::Panicked`] result.
fn run_guarded(case: &Case, target: Target, saturate: bool) -> (Run, Duration) {
    let start = Instant::now();
    let run = guarded(|| run_case(case, target, saturate));
    (run, start.elapsed())
}

/// Runs `f`, turning a panic into a [`Status::Panicked`] result that says where it happened
/// (when the hook installed by [`run_cases`] recorded it).
fn guarded(f: impl FnOnce() -> Run) -> Run {
    match std::panic::catch_unwind(AssertUnwindSafe(f)) {
        Ok(run) => run,
        Err(payload) => {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic".to_string());
            let loc = PANIC_LOCATION.with(|l| l.borrow_mut().take());
            let mut run = Run::new(Vec::new());
            run.status = Status::Panicked;
            run.detail = match loc {
                Some(loc) => format!("panicked at {loc}: {msg} (a bug in flowc)"),
                None => format!("panicked: {msg} (a bug in flowc)"),
            };
            run
        }
    }
}

/// The op each case is about, for grouping: a case's single op type; for the `_expanded`
/// variants (the op's function body), the op of the case they expand; otherwise the op type
/// whose name the case name starts with, or the first node's.
pub fn primary_ops(cases: &[(String, Vec<String>)]) -> Vec<String> {
    fn single(ops: &[String]) -> Option<&str> {
        let first = ops.first()?;
        ops.iter().all(|o| o == first).then_some(first.as_str())
    }
    let by_name: HashMap<&str, &[String]> = cases
        .iter()
        .map(|(n, ops)| (n.as_str(), ops.as_slice()))
        .collect();
    cases
        .iter()
        .map(|(name, ops)| {
            if !name.contains("_expanded")
                && let Some(op) = single(ops)
            {
                return op.to_string();
            }
            if let Some(idx) = name.find("_expanded")
                && let Some(op) = by_name.get(&name[..idx]).and_then(|ops| single(ops))
            {
                return op.to_string();
            }
            let squashed: String = name
                .strip_prefix("test_")
                .unwrap_or(name)
                .chars()
                .filter(|c| *c != '_')
                .collect();
            let guess = ops
                .iter()
                .filter(|op| squashed.starts_with(&op.to_lowercase()))
                .max_by_key(|op| op.len());
            if let Some(op) = guess {
                return op.clone();
            }
            if let Some(op) = ops.first() {
                return op.clone();
            }
            // The model did not load: the case name without `test_` up to the first `_`.
            let bare = name.strip_prefix("test_").unwrap_or(name);
            format!("({})", bare.split('_').next().unwrap_or(bare))
        })
        .collect()
}

/// Runs the cases over `jobs` threads.
pub fn run_cases(
    cases: &[Case],
    target: Target,
    saturate: bool,
    jobs: usize,
) -> Result<Vec<CaseResult>> {
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let slots: Mutex<Vec<Option<(Run, Duration)>>> =
        Mutex::new(std::iter::repeat_with(|| None).take(cases.len()).collect());
    let progress = std::io::stderr().is_terminal();
    let prev_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|info| {
        let loc = info.location().map(|l| l.to_string());
        PANIC_LOCATION.with(|l| *l.borrow_mut() = loc);
    }));
    let spawned = std::thread::scope(|s| -> Result<()> {
        for t in 0..jobs.max(1) {
            let worker = || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= cases.len() {
                        break;
                    }
                    let r = run_guarded(&cases[i], target, saturate);
                    slots.lock().unwrap_or_else(|p| p.into_inner())[i] = Some(r);
                    let d = done.fetch_add(1, Ordering::Relaxed) + 1;
                    if progress {
                        eprint!("\r[{d}/{}]", cases.len());
                    }
                }
            };
            std::thread::Builder::new()
                .name(format!("test-onnx-{t}"))
                .stack_size(256 << 20)
                .spawn_scoped(s, worker)
                .map_err(|e| DriverError::runtime(format!("cannot start a thread: {e}")))?;
        }
        Ok(())
    });
    std::panic::set_hook(prev_hook);
    if progress {
        eprint!("\r\x1b[K");
    }
    spawned?;
    let slots = slots.into_inner().unwrap_or_else(|p| p.into_inner());
    let runs: Vec<(Run, Duration)> = slots
        .into_iter()
        .map(|s| {
            s.unwrap_or_else(|| {
                let mut r = Run::new(Vec::new());
                r.status = Status::Panicked;
                r.detail = "the case did not run (a bug in flowc)".to_string();
                (r, Duration::ZERO)
            })
        })
        .collect();
    let keyed: Vec<(String, Vec<String>)> = cases
        .iter()
        .zip(&runs)
        .map(|(c, (r, _))| (c.name.clone(), r.op_types.clone()))
        .collect();
    let ops = primary_ops(&keyed);
    Ok(cases
        .iter()
        .zip(runs)
        .zip(ops)
        .map(|((c, (r, time)), op)| CaseResult {
            name: c.name.clone(),
            op,
            status: r.status,
            detail: one_line(&relative_to_case(&r.detail, &c.dir)),
            max_error: r.max_error,
            time,
        })
        .collect())
}

/// A message with the case directory left out of the paths it names (`model.onnx: ...`
/// rather than `target/onnx-node-tests/test_x/model.onnx: ...`).
fn relative_to_case(s: &str, dir: &Path) -> String {
    let prefix = format!("{}/", dir.display());
    s.replace(&prefix, "")
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let t: String = s.chars().take(n).collect();
        format!("{t}...")
    }
}

/// The expected-failures list: case names, one per line, `#` comments (whole-line or after the
/// name).
pub fn parse_expected_failures(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// How a run compares with an expected-failures list.
#[derive(Debug, Default)]
pub struct ListCheck {
    /// Cases that did not pass and are not listed.
    pub new_failures: Vec<usize>,
    /// Listed cases that passed.
    pub unexpected_passes: Vec<usize>,
    /// Listed names that match no case that ran.
    pub stale: Vec<String>,
}

impl ListCheck {
    pub fn ok(&self) -> bool {
        self.new_failures.is_empty() && self.unexpected_passes.is_empty()
    }
}

pub fn check_against_list(results: &[CaseResult], listed: &[String]) -> ListCheck {
    let listed_set: BTreeSet<&str> = listed.iter().map(String::as_str).collect();
    let ran: BTreeSet<&str> = results.iter().map(|r| r.name.as_str()).collect();
    let mut check = ListCheck::default();
    for (i, r) in results.iter().enumerate() {
        let is_listed = listed_set.contains(r.name.as_str());
        match (r.status == Status::Passed, is_listed) {
            (false, false) => check.new_failures.push(i),
            (true, true) => check.unexpected_passes.push(i),
            _ => {}
        }
    }
    check.stale = listed_set
        .iter()
        .filter(|n| !ran.contains(*n))
        .map(|n| n.to_string())
        .collect();
    check
}

/// The text of an expected-failures file for `results`, keeping `kept` lines (entries of an
/// older list for cases that did not run).
pub fn expected_failures_text(
    results: &[CaseResult],
    kept: &[(String, String)],
    target: Target,
) -> String {
    let mut entries: BTreeMap<String, String> = kept.iter().cloned().collect();
    for r in results.iter().filter(|r| r.status != Status::Passed) {
        let line = format!(
            "{}  # {} ({}): {}",
            r.name,
            r.status.name(),
            r.op,
            truncate(&r.detail, 140)
        );
        entries.insert(r.name.clone(), line);
    }
    let mut out = String::new();
    out.push_str(&format!(
        "# ONNX node conformance cases that `flowc test-onnx --target {target}` does not pass yet.\n"
    ));
    // Each target has its own list (tools/onnx/conformance.sh runs both).
    let list = match target {
        Target::Interp => "tools/onnx/expected-failures.txt",
        Target::Cpu => "tools/onnx/expected-failures-cpu.txt",
        Target::Cuda => "tools/onnx/expected-failures-cuda.txt",
    };
    out.push_str(&format!(
        "# One case name per line; '#' starts a comment. tools/onnx/conformance.sh fails when a case\n\
         # that is not listed does not pass, or when a listed case passes (remove it), so the pass\n\
         # count can only go up. Regenerate with:\n\
         #   flowc test-onnx target/onnx-node-tests --target {target} --write-expected-failures {list}\n",
    ));
    let counts = counts(results);
    out.push_str(&format!(
        "# Last written from {} cases: {}.\n\n",
        results.len(),
        counts_text(&counts)
    ));
    for line in entries.values() {
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Lines of an existing list as `(name, line)`, for the names not in `ran`.
fn kept_entries(text: &str, ran: &BTreeSet<&str>) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|l| {
            let name = l.split('#').next().unwrap_or("").trim();
            (!name.is_empty() && !ran.contains(name)).then(|| (name.to_string(), l.to_string()))
        })
        .collect()
}

fn counts(results: &[CaseResult]) -> BTreeMap<Status, usize> {
    let mut c: BTreeMap<Status, usize> = Status::ALL.iter().map(|s| (*s, 0)).collect();
    for r in results {
        *c.entry(r.status).or_default() += 1;
    }
    c
}

/// `1350 passed, 20 failed, 500 unsupported, 14 error` (panicked only when there are any).
fn counts_text(c: &BTreeMap<Status, usize>) -> String {
    Status::ALL
        .iter()
        .filter(|s| **s != Status::Panicked || c[s] > 0)
        .map(|s| format!("{} {}", c[s], s.name()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The human-readable report.
pub fn summary(results: &[CaseResult], target: Target, elapsed: Duration, verbose: bool) -> String {
    let mut out = String::new();
    let c = counts(results);
    if verbose {
        for r in results {
            if r.status == Status::Passed {
                out.push_str(&format!("passed       {} ({:.0?})\n", r.name, r.time));
            } else {
                out.push_str(&format!(
                    "{:<12} {} [{}]: {}\n",
                    r.status.name(),
                    r.name,
                    r.op,
                    r.detail
                ));
            }
        }
        let mut slow: Vec<&CaseResult> = results.iter().collect();
        slow.sort_by_key(|r| std::cmp::Reverse(r.time));
        out.push_str("slowest:");
        for r in slow.iter().take(5) {
            out.push_str(&format!(" {} ({:.2?})", r.name, r.time));
        }
        out.push('\n');
    }
    for status in &Status::ALL[1..] {
        let mut groups: BTreeMap<&str, Vec<&CaseResult>> = BTreeMap::new();
        for r in results.iter().filter(|r| r.status == *status) {
            groups.entry(r.op.as_str()).or_default().push(r);
        }
        if groups.is_empty() {
            continue;
        }
        let mut groups: Vec<(&str, Vec<&CaseResult>)> = groups.into_iter().collect();
        groups.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
        out.push_str(&format!("{}, by op:\n", status.name()));
        for (op, rs) in groups {
            let names: Vec<&str> = rs.iter().take(3).map(|r| r.name.as_str()).collect();
            let more = if rs.len() > 3 {
                format!(", +{} more", rs.len() - 3)
            } else {
                String::new()
            };
            out.push_str(&format!(
                "  {op} ({}): {}{more}\n      first: {}\n",
                rs.len(),
                names.join(", "),
                truncate(&rs[0].detail, 160)
            ));
        }
    }
    out.push_str(&format!(
        "onnx node tests (target {target}): {} of {} cases passed [{}] in {:.1} s\n",
        c[&Status::Passed],
        results.len(),
        counts_text(&c),
        elapsed.as_secs_f64()
    ));
    out
}

fn results_json(results: &[CaseResult], target: Target, list: Option<&ListCheck>) -> String {
    let c = counts(results);
    let mut fields: Vec<(&str, String)> = vec![
        ("target", json::string(target.name())),
        ("total", results.len().to_string()),
    ];
    for s in Status::ALL {
        fields.push((s.name(), c[&s].to_string()));
    }
    let cases: Vec<String> = results
        .iter()
        .map(|r| {
            let mut f = vec![
                ("name", json::string(&r.name)),
                ("op", json::string(&r.op)),
                ("status", json::string(r.status.name())),
                ("time_ms", json::number(r.time.as_secs_f64() * 1e3)),
            ];
            if !r.detail.is_empty() {
                f.push(("detail", json::string(&r.detail)));
            }
            if let Some(e) = r.max_error {
                f.push(("max_error", json::number(e)));
            }
            json::object(&f)
        })
        .collect();
    if let Some(l) = list {
        let names = |ix: &[usize]| -> String {
            json::array(
                &ix.iter()
                    .map(|&i| json::string(&results[i].name))
                    .collect::<Vec<_>>(),
            )
        };
        fields.push((
            "expected_failures",
            json::object(&[
                ("ok", l.ok().to_string()),
                ("new_failures", names(&l.new_failures)),
                ("unexpected_passes", names(&l.unexpected_passes)),
                (
                    "stale",
                    json::array(&l.stale.iter().map(|s| json::string(s)).collect::<Vec<_>>()),
                ),
            ]),
        ));
    }
    fields.push(("cases", json::array(&cases)));
    json::object(&fields)
}

/// Runs `flowc test-onnx`; `Ok(false)` when the run did not meet its bar (some case did not
/// pass, or, with an expected-failures list, the results differ from it).
pub fn test_onnx(args: &TestOnnxArgs) -> Result<bool> {
    let listed = match &args.expected_failures {
        Some(path) => Some(parse_expected_failures(
            &std::fs::read_to_string(path)
                .map_err(|e| DriverError::input(format!("{}: cannot read: {e}", path.display())))?,
        )),
        None => None,
    };
    let cases = discover(&args.dirs, args.filter.as_deref())?;
    if cases.is_empty() {
        return Err(DriverError::input(format!(
            "no test case matches --filter '{}'",
            args.filter.as_deref().unwrap_or("")
        )));
    }
    let jobs = args.jobs.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .min(8)
    });
    let start = Instant::now();
    let results = run_cases(&cases, args.target, !args.no_saturate, jobs)?;
    let elapsed = start.elapsed();

    let check = listed.as_ref().map(|l| {
        let mut c = check_against_list(&results, l);
        if args.filter.is_some() {
            c.stale.clear();
        }
        c
    });

    let mut stdout = std::io::stdout().lock();
    if args.json {
        let _ = writeln!(
            stdout,
            "{}",
            results_json(&results, args.target, check.as_ref())
        );
    } else {
        let _ = write!(
            stdout,
            "{}",
            summary(&results, args.target, elapsed, args.verbose)
        );
    }
    let _ = stdout.flush();
    drop(stdout);

    if let Some(path) = &args.write_expected_failures {
        let ran: BTreeSet<&str> = results.iter().map(|r| r.name.as_str()).collect();
        let kept = std::fs::read_to_string(path)
            .map(|t| kept_entries(&t, &ran))
            .unwrap_or_default();
        let text = expected_failures_text(&results, &kept, args.target);
        std::fs::write(path, text).map_err(|e| {
            DriverError::new(
                ErrorKind::Output,
                format!("{}: cannot write: {e}", path.display()),
            )
        })?;
        eprintln!(
            "wrote {} expected failures to {}",
            results
                .iter()
                .filter(|r| r.status != Status::Passed)
                .count(),
            path.display()
        );
    }

    let Some(check) = check else {
        return Ok(args.write_expected_failures.is_some()
            || results.iter().all(|r| r.status == Status::Passed));
    };
    let list_name = args
        .expected_failures
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let mut err = String::new();
    if !check.new_failures.is_empty() {
        err.push_str(&format!(
            "error: {} case(s) not in {list_name} did not pass:\n",
            check.new_failures.len()
        ));
        for &i in &check.new_failures {
            let r = &results[i];
            err.push_str(&format!(
                "  {} [{}] {}: {}\n",
                r.name,
                r.op,
                r.status.name(),
                r.detail
            ));
        }
    }
    if !check.unexpected_passes.is_empty() {
        err.push_str(&format!(
            "error: {} case(s) listed in {list_name} unexpectedly passed — remove them from the list:\n",
            check.unexpected_passes.len()
        ));
        for &i in &check.unexpected_passes {
            err.push_str(&format!("  {}\n", results[i].name));
        }
    }
    if !check.stale.is_empty() {
        err.push_str(&format!(
            "warning: {} name(s) in {list_name} match no case: {}\n",
            check.stale.len(),
            truncate(&check.stale.join(", "), 300)
        ));
    }
    if check.ok() {
        err.push_str(&format!(
            "the results match {list_name}: the pass count did not go down\n"
        ));
    }
    eprint!("{err}");
    Ok(check.ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(name: &str, status: Status) -> CaseResult {
        CaseResult {
            name: name.to_string(),
            op: "Add".to_string(),
            status,
            detail: if status == Status::Passed {
                String::new()
            } else {
                "why".to_string()
            },
            max_error: None,
            time: Duration::ZERO,
        }
    }

    #[test]
    fn list_parsing_and_check() {
        let listed = parse_expected_failures("# header\n\ntest_a  # failed\n test_b\ntest_gone\n");
        assert_eq!(listed, vec!["test_a", "test_b", "test_gone"]);
        let results = vec![
            result("test_a", Status::Failed),
            result("test_b", Status::Passed),
            result("test_c", Status::Unsupported),
            result("test_d", Status::Passed),
        ];
        let c = check_against_list(&results, &listed);
        assert_eq!(c.new_failures, vec![2]);
        assert_eq!(c.unexpected_passes, vec![1]);
        assert_eq!(c.stale, vec!["test_gone".to_string()]);
        assert!(!c.ok());
    }

    #[test]
    fn written_list_reads_back_and_keeps_other_entries() {
        let results = vec![
            result("test_a", Status::Failed),
            result("test_b", Status::Passed),
            result("test_c", Status::Error),
        ];
        let kept = vec![("test_z".to_string(), "test_z  # old".to_string())];
        let text = expected_failures_text(&results, &kept, Target::Interp);
        assert_eq!(
            parse_expected_failures(&text),
            vec!["test_a", "test_c", "test_z"]
        );
        assert!(check_against_list(&results, &parse_expected_failures(&text)).ok());
    }

    #[test]
    fn primary_op_grouping() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let cases = vec![
            ("test_softmax_axis_0".to_string(), s(&["Softmax"])),
            (
                "test_softmax_axis_0_expanded".to_string(),
                s(&["ReduceMax", "Sub", "Exp"]),
            ),
            (
                "test_layer_normalization_2d".to_string(),
                s(&["Cast", "LayerNormalization"]),
            ),
            ("test_loop11".to_string(), vec![]),
        ];
        assert_eq!(
            primary_ops(&cases),
            vec!["Softmax", "Softmax", "LayerNormalization", "(loop11)"]
        );
    }

    #[test]
    fn panics_are_contained() {
        let run = guarded(|| panic!("boom {}", 42));
        assert_eq!(run.status, Status::Panicked);
        assert!(run.detail.contains("boom 42"), "{}", run.detail);
        assert!(run.detail.contains("a bug in flowc"), "{}", run.detail);
        let run = guarded(|| Run::new(vec!["Add".into()]));
        assert_eq!(run.status, Status::Passed);
    }

    #[test]
    fn comparison() {
        let e = Tensor::from_f32(vec![2], vec![1.0, f32::NAN]).unwrap();
        let a = Tensor::from_f32(vec![2], vec![1.0005, f32::NAN]).unwrap();
        let names = vec!["y".to_string()];
        let tol = Tolerance::default();
        assert!(compare_outputs(&[a], std::slice::from_ref(&e), &names, &tol).is_none());
        let a = Tensor::from_f32(vec![2], vec![1.5, f32::NAN]).unwrap();
        let (why, err) = compare_outputs(&[a], std::slice::from_ref(&e), &names, &tol).unwrap();
        assert!(why.starts_with("output 0 'y'"), "{why}");
        assert_eq!(err, Some(0.5));
        let a = Tensor::from_f64(vec![2], vec![1.0, f64::NAN]).unwrap();
        let (why, err) = compare_outputs(&[a], std::slice::from_ref(&e), &names, &tol).unwrap();
        assert!(why.contains("dtype"), "{why}");
        assert_eq!(err, None);
        assert!(compare_outputs(&[], &[e], &names, &tol).is_some());
    }
}
