//! The `--mlir-timing` and `--mlir-pass-statistics` reports, in MLIR's format.
//!
//! The structure of both reports follows the pipeline and is the same from run to run; only the
//! numbers change.

use crate::{OpPassManager, PassEntry, Statistic};
use std::fmt::Write;
use std::time::Duration;

const RULE: &str =
    "===-------------------------------------------------------------------------===";

/// One line of the timing report and the lines nested under it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimingNode {
    pub name: String,
    pub wall: Duration,
    pub children: Vec<TimingNode>,
}

impl TimingNode {
    pub fn new(name: impl Into<String>, wall: Duration) -> Self {
        TimingNode {
            name: name.into(),
            wall,
            children: Vec::new(),
        }
    }
}

fn banner(out: &mut String, title: &str) {
    // Centered on 80 columns, as MLIR does.
    let pad = 80usize.saturating_sub(title.len()) / 2;
    let _ = writeln!(out, "{RULE}");
    let _ = writeln!(out, "{:pad$}{title}", "");
    let _ = writeln!(out, "{RULE}");
}

impl OpPassManager {
    /// The timing lines of this manager's entries: a pass is a line with its display name, a
    /// nested manager a `'func.func' Pipeline` line with its entries under it.
    pub fn timing_nodes(&self) -> Vec<TimingNode> {
        self.entries()
            .iter()
            .map(|e| match e {
                PassEntry::Pass(p) => TimingNode::new(p.pass().name(), p.time()),
                PassEntry::Nested(n) => TimingNode {
                    name: format!("'{}' Pipeline", n.anchor_name()),
                    wall: n.time(),
                    children: n.timing_nodes(),
                },
            })
            .collect()
    }
}

/// MLIR's execution time report:
///
/// ```text
/// ===-------------------------------------------------------------------------===
///                          ... Execution time report ...
/// ===-------------------------------------------------------------------------===
///   Total Execution Time: 0.0014 seconds
///
///   ----Wall Time----  ----Name----
///     0.0007 ( 53.6%)  Parser
///     0.0002 ( 17.4%)  'func.func' Pipeline
///     0.0001 (  6.9%)    Canonicalizer
///     0.0014 (100.0%)  Total
/// ```
///
/// `nodes` are the top-level lines; a `Total` line is added.
pub fn timing_report(nodes: &[TimingNode], total: Duration) -> String {
    let mut out = String::new();
    banner(&mut out, "... Execution time report ...");
    let total_s = total.as_secs_f64();
    let _ = writeln!(out, "  Total Execution Time: {total_s:.4} seconds\n");
    let _ = writeln!(out, "  ----Wall Time----  ----Name----");
    let line = |out: &mut String, wall: Duration, depth: usize, name: &str| {
        let s = wall.as_secs_f64();
        let pct = if total_s > 0.0 {
            100.0 * s / total_s
        } else {
            0.0
        };
        let _ = writeln!(
            out,
            "  {s:8.4} ({pct:5.1}%)  {:indent$}{name}",
            "",
            indent = 2 * depth
        );
    };
    // Iterative walk: (node, depth).
    let mut stack: Vec<(&TimingNode, usize)> = nodes.iter().rev().map(|n| (n, 0)).collect();
    while let Some((n, depth)) = stack.pop() {
        line(&mut out, n.wall, depth, &n.name);
        stack.extend(n.children.iter().rev().map(|c| (c, depth + 1)));
    }
    line(&mut out, total, 0, "Total");
    out
}

/// MLIR's pass statistics report (`--mlir-pass-statistics`): every pass of the pipeline, nested
/// managers as `'func.func' Pipeline`, each statistic as `(S) <value> <name> - <description>`,
/// sorted by name, values summed over every run.
pub fn statistics_report(pm: &OpPassManager) -> String {
    let mut out = String::new();
    banner(&mut out, "... Pass statistics report ...");
    write_statistics(&mut out, pm, 0);
    out
}

fn write_statistics(out: &mut String, pm: &OpPassManager, depth: usize) {
    for e in pm.entries() {
        match e {
            PassEntry::Pass(p) => {
                let _ = writeln!(out, "{:indent$}{}", "", p.pass().name(), indent = 2 * depth);
                write_stats(out, p.statistics(), depth + 1);
            }
            PassEntry::Nested(n) => {
                let _ = writeln!(
                    out,
                    "{:indent$}'{}' Pipeline",
                    "",
                    n.anchor_name(),
                    indent = 2 * depth
                );
                write_statistics(out, n, depth + 1);
            }
        }
    }
}

fn write_stats(out: &mut String, stats: &[Statistic], depth: usize) {
    let mut stats: Vec<&Statistic> = stats.iter().collect();
    stats.sort_by(|a, b| a.name.cmp(&b.name));
    let value_w = stats
        .iter()
        .map(|s| s.value.to_string().len())
        .max()
        .unwrap_or(0);
    let name_w = stats.iter().map(|s| s.name.len()).max().unwrap_or(0);
    for s in stats {
        let line = if s.description.is_empty() {
            format!("(S) {:>value_w$} {}", s.value, s.name)
        } else {
            format!(
                "(S) {:>value_w$} {:<name_w$} - {}",
                s.value, s.name, s.description
            )
        };
        let _ = writeln!(out, "{:indent$}{line}", "", indent = 2 * depth);
    }
}
