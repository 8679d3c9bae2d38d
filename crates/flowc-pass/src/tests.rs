//! Unit tests: pipeline parsing (good, bad, round trip), anchors and nesting, verify-each,
//! statistics, timing and IR printing. The IR is built with the context API (no parser).

use crate::report::{TimingNode, statistics_report, timing_report};
use crate::testing::register_test_passes;
use crate::*;
use flowc_ir::builtin::ModuleOp;
use flowc_ir::{Context, Location, Op, OperationState, Severity};
use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;
use std::time::Duration;

// ===== Dummy passes and IR =====

/// Counts the ops it runs on and the ops nested in them; any anchor.
struct CountOps {
    anchor: Option<&'static str>,
    seen: Rc<RefCell<Vec<String>>>,
}

impl Pass for CountOps {
    fn argument(&self) -> &'static str {
        "count-ops"
    }
    fn name(&self) -> &'static str {
        "CountOps"
    }
    fn anchor(&self) -> Option<&'static str> {
        self.anchor
    }
    fn run(&mut self, ctx: &mut Context, op: Op, state: &mut PassState) -> Result<(), PassFailure> {
        let label = match ctx.attr(op, "sym_name").and_then(|a| ctx.str_value(a)) {
            Some(s) => format!("{}@{s}", ctx.op_name(op)),
            None => ctx.op_name(op).to_string(),
        };
        self.seen.borrow_mut().push(label);
        state.stat("num-runs", 1);
        state.stat_with_description(
            "num-nested",
            "Number of nested ops",
            ctx.nested_ops(op).len() as u64,
        );
        Ok(())
    }
}

fn registry() -> PassRegistry {
    let mut r = PassRegistry::new();
    register_test_passes(&mut r);
    r.register(
        PassInfo::new("canonicalize", "Canonicalize operations", |o| {
            let _ = o.get_usize("max-iterations", 10)?;
            let _ = o.get_bool("top-down", true)?;
            Ok(Box::new(Named("canonicalize", None)))
        })
        .option(
            "max-iterations",
            "Max. iterations between applying patterns",
            10,
        )
        .option(
            "top-down",
            "Seed the worklist in general top-down order",
            true,
        )
        .option("label", "A string option", ""),
    );
    r.register(PassInfo::new(
        "cse",
        "Eliminate common sub-expressions",
        |_| Ok(Box::new(Named("cse", None))),
    ));
    r.register(PassInfo::new(
        "symbol-dce",
        "Eliminate dead symbols",
        |_| Ok(Box::new(Named("symbol-dce", Some("builtin.module")))),
    ));
    r.register(PassInfo::new(
        "func-only",
        "A pass restricted to func.func",
        |_| Ok(Box::new(Named("func-only", Some("func.func")))),
    ));
    r
}

/// A pass that does nothing.
struct Named(&'static str, Option<&'static str>);

impl Pass for Named {
    fn argument(&self) -> &'static str {
        self.0
    }
    fn anchor(&self) -> Option<&'static str> {
        self.1
    }
    fn run(&mut self, _: &mut Context, _: Op, _: &mut PassState) -> Result<(), PassFailure> {
        Ok(())
    }
}

fn op_with_body(ctx: &mut Context, name: &str, sym: Option<&str>) -> (Op, flowc_ir::Block) {
    let region = ctx.create_region();
    let block = ctx.create_block(&[]);
    ctx.append_block(region, block);
    let mut state = OperationState::new(ctx, name, Location::UNKNOWN);
    state.regions.push(region);
    if let Some(s) = sym {
        let a = ctx.string_attr(s);
        state.add_attr(ctx, "sym_name", a);
    }
    (ctx.create_op(state), block)
}

fn leaf(ctx: &mut Context, block: flowc_ir::Block, name: &str) -> Op {
    let state = OperationState::new(ctx, name, Location::UNKNOWN);
    let op = ctx.create_op(state);
    ctx.append_op(block, op);
    op
}

/// module { func @a { test.x; func @inner {} }  test.y  func @b { test.x } }
fn sample(ctx: &mut Context) -> Op {
    ctx.allow_unregistered_dialects = true;
    let module = ModuleOp::create(ctx, Location::UNKNOWN);
    let body = module.body_block(ctx);
    let (a, a_body) = op_with_body(ctx, "func.func", Some("a"));
    leaf(ctx, a_body, "test.x");
    let (inner, _) = op_with_body(ctx, "func.func", Some("inner"));
    ctx.append_op(a_body, inner);
    ctx.append_op(body, a);
    leaf(ctx, body, "test.y");
    let (b, b_body) = op_with_body(ctx, "func.func", Some("b"));
    leaf(ctx, b_body, "test.x");
    ctx.append_op(body, b);
    module.0
}

#[derive(Clone, Default)]
struct SharedBuf(Rc<RefCell<Vec<u8>>>);

impl Write for SharedBuf {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl SharedBuf {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.borrow()).into_owned()
    }
}

fn parse(text: &str) -> Result<OpPassManager, PipelineError> {
    parse_pass_pipeline(text, &registry())
}

fn parse_err(text: &str) -> (usize, String) {
    let e = parse(text).expect_err(text);
    (e.column, e.message)
}

// ===== Pipeline parsing =====

#[test]
fn parses_nested_pipeline_and_prints_it_back() {
    let pm = parse(
        "builtin.module(func.func(canonicalize{max-iterations=3 top-down=false},cse),symbol-dce)",
    )
    .unwrap();
    assert_eq!(pm.anchor(), Some("builtin.module"));
    assert_eq!(pm.len(), 2);
    assert_eq!(
        pm.to_string(),
        "builtin.module(func.func(canonicalize{max-iterations=3 top-down=false label=\"\"},cse),symbol-dce)"
    );
    assert_eq!(pm.all_passes().len(), 3);
}

#[test]
fn display_round_trips() {
    for text in [
        "builtin.module()",
        "any(cse)",
        "builtin.module(any(cse),func.func(func-only,cse),cse)",
        "builtin.module(func.func(canonicalize{max-iterations=3 top-down=false label=\"a b\"}))",
        "func.func(func.func(func.func(cse)))",
        "builtin.module(test-pass-failure{message='say \"hi\"'})",
    ] {
        let first = parse(text).unwrap().to_string();
        let again = parse(&first).unwrap().to_string();
        assert_eq!(first, again, "{text}");
        // The pretty form parses back to the same pipeline.
        let pretty = format!("{:#}", parse(text).unwrap());
        assert_eq!(parse(&pretty).unwrap().to_string(), first, "{pretty}");
    }
}

#[test]
fn pretty_form_is_indented() {
    let pm = parse("builtin.module(func.func(cse),symbol-dce)").unwrap();
    assert_eq!(
        format!("{pm:#}"),
        "builtin.module(\n  func.func(\n    cse\n  ),\n  symbol-dce\n)"
    );
}

#[test]
fn accepts_whitespace_and_quoted_options() {
    let pm = parse(
        " builtin.module ( func.func ( canonicalize { label=\"x y\"  max-iterations=2 } , cse ) ) ",
    )
    .unwrap();
    let passes = pm.all_passes();
    assert_eq!(passes[0].options().get("label"), Some("x y"));
    assert_eq!(passes[0].options().get("max-iterations"), Some("2"));
    assert_eq!(
        passes[0].options().get("top-down"),
        Some("true"),
        "defaults are filled in"
    );
    let pm = parse("builtin.module(canonicalize{label='a,b)c'})").unwrap();
    assert_eq!(pm.all_passes()[0].options().get("label"), Some("a,b)c"));
    let pm = parse("builtin.module(canonicalize{label={a {b} c}})").unwrap();
    assert_eq!(pm.all_passes()[0].options().get("label"), Some("a {b} c"));
    let pm = parse("builtin.module(canonicalize{top-down})").unwrap();
    assert_eq!(pm.all_passes()[0].options().get("top-down"), Some(""));
}

#[test]
fn rejects_bad_pipelines_with_columns() {
    assert_eq!(
        parse_err("builtin.module(foo)"),
        (16, "unknown pass 'foo'".into())
    );
    assert_eq!(
        parse_err("builtin.module(csee)"),
        (16, "unknown pass 'csee'; did you mean 'cse'?".into())
    );
    assert_eq!(
        parse_err("builtin.module(cse"),
        (19, "expected ')' to close the '(' at column 15".into())
    );
    assert_eq!(
        parse_err("builtin.module(cse,)"),
        (20, "expected a pass or pipeline name, found ')'".into())
    );
    assert_eq!(
        parse_err("builtin.module(cse cse)"),
        (20, "expected ',' or ')', found 'c'".into())
    );
    assert_eq!(
        parse_err("builtin.module(cse))"),
        (20, "unexpected ')' after the end of the pipeline".into())
    );
    assert!(
        parse_err("cse")
            .1
            .starts_with("expected pass pipeline to be wrapped with the anchor operation type")
    );
    assert!(
        parse_err("")
            .1
            .starts_with("expected pass pipeline to be wrapped")
    );
    assert!(
        parse_err("(cse)")
            .1
            .starts_with("expected pass pipeline to be wrapped")
    );
    assert_eq!(
        parse_err("builtin.module({x=1})"),
        (16, "expected a pass name before '{'".into())
    );
    assert_eq!(
        parse_err("builtin.module(canonicalize{foo=1})"),
        (29, "unknown option 'foo' for pass 'canonicalize'; valid options: max-iterations, top-down, label".into())
    );
    assert_eq!(
        parse_err("builtin.module(cse{a=1})"),
        (20, "pass 'cse' takes no options, but got 'a'".into())
    );
    assert_eq!(
        parse_err("builtin.module(canonicalize{max-iterations=x})"),
        (16, "pass 'canonicalize': invalid value 'x' for option 'max-iterations': expected a non-negative integer".into())
    );
    assert_eq!(
        parse_err("builtin.module(canonicalize{max-iterations=3"),
        (
            28,
            "unterminated option list of pass 'canonicalize': expected '}'".into()
        )
    );
    assert_eq!(
        parse_err("builtin.module(canonicalize{label=\"x})"),
        (
            35,
            "unterminated quoted value for option 'label': missing closing \"".into()
        )
    );
    assert_eq!(
        parse_err("builtin.module(canonicalize{=3})"),
        (29, "expected an option name, found '='".into())
    );
    assert_eq!(
        parse_err("builtin.module(canonicalize{a}(cse))"),
        (
            31,
            "options of 'canonicalize' can't be followed by '('".into()
        )
    );
    assert_eq!(
        parse_err("builtin.module(cse;)"),
        (19, "expected ',' or ')', found ';'".into())
    );
    assert_eq!(
        parse_err("builtin.module(é)"),
        (16, "expected a pass or pipeline name, found 'é'".into())
    );
    assert_eq!(
        parse_err("builtin.module(()"),
        (16, "expected an op name (or 'any') before '('".into())
    );
}

#[test]
fn anchors_are_checked_when_building() {
    assert_eq!(
        parse_err("builtin.module(func-only)"),
        (
            16,
            "pass 'func-only' restricted to 'func.func' can't be scheduled on 'builtin.module'; nest it: 'func.func(func-only)'"
                .into()
        )
    );
    assert!(
        parse_err("any(func-only)")
            .1
            .contains("can't be scheduled on an op-agnostic ('any') pass manager")
    );
    assert!(
        parse_err("builtin.module(func.func(symbol-dce))")
            .1
            .contains("restricted to 'builtin.module'")
    );
    assert!(parse("builtin.module(func.func(func-only))").is_ok());
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let depth = 10_000;
    let text = format!("{}cse{}", "any(".repeat(depth), ")".repeat(depth));
    let (_, message) = parse_err(&text);
    assert!(message.contains("nested too deeply"), "{message}");
}

#[test]
fn garbage_never_panics() {
    let pieces = [
        "builtin.module",
        "(",
        ")",
        "{",
        "}",
        ",",
        "cse",
        "canonicalize",
        "=",
        "\"",
        "'",
        " ",
        "any",
        "é",
        "x=1",
        "\n",
    ];
    // Every string of up to 4 pieces.
    let mut texts = vec![String::new()];
    for _ in 0..4 {
        let mut next = Vec::new();
        for t in &texts {
            for p in pieces {
                next.push(format!("{t}{p}"));
            }
        }
        texts = next;
    }
    for t in texts {
        let _ = parse(&t).map(|pm| pm.to_string());
        if let Err(e) = parse(&t) {
            let _ = e.render("<pass-pipeline>", &t);
        }
    }
}

#[test]
fn error_rendering_points_at_the_column() {
    let text = "builtin.module(foo)";
    let e = parse(text).unwrap_err();
    assert_eq!(
        e.render("<pass-pipeline>", text),
        "<pass-pipeline>:1:16: error: unknown pass 'foo'\nbuiltin.module(foo)\n               ^\n"
    );
    assert_eq!(e.to_string(), "1:16: unknown pass 'foo'");
}

#[test]
fn pass_lists_append_to_a_manager() {
    let mut pm = OpPassManager::new("builtin.module");
    parse_pass_list(
        "cse, func.func(canonicalize{max-iterations=1})",
        &registry(),
        &mut pm,
    )
    .unwrap();
    assert_eq!(
        pm.to_string(),
        "builtin.module(cse,func.func(canonicalize{max-iterations=1 top-down=true label=\"\"}))"
    );
    let e = parse_pass_list("cse cse", &registry(), &mut pm).unwrap_err();
    assert_eq!(e.column, 5);
    parse_pass_list("", &registry(), &mut pm).unwrap();
}

// ===== Building managers in code =====

#[test]
fn add_pass_checks_anchors_and_nesting_coalesces() {
    let mut pm = OpPassManager::new("builtin.module");
    assert!(
        pm.add_pass(Box::new(Named("func-only", Some("func.func"))))
            .is_err()
    );
    pm.add_pass_nested(
        Box::new(Named("func-only", Some("func.func"))),
        PassOptions::new(),
    )
    .unwrap();
    pm.add_pass_nested(
        Box::new(Named("func-only", Some("func.func"))),
        PassOptions::new(),
    )
    .unwrap();
    pm.add_pass_nested(Box::new(Named("cse", None)), PassOptions::new())
        .unwrap();
    pm.add_pass_nested(
        Box::new(Named("func-only", Some("func.func"))),
        PassOptions::new(),
    )
    .unwrap();
    pm.add_pass_nested(
        Box::new(Named("symbol-dce", Some("builtin.module"))),
        PassOptions::new(),
    )
    .unwrap();
    assert_eq!(
        pm.to_string(),
        "builtin.module(func.func(func-only,func-only),cse,func.func(func-only),symbol-dce)"
    );
    let mut any = OpPassManager::any();
    assert!(any.add_pass(Box::new(Named("cse", None))).is_ok());
    any.nest("func.func")
        .add_pass(Box::new(Named("func-only", Some("func.func"))))
        .unwrap();
    assert_eq!(any.to_string(), "any(cse,func.func(func-only))");
}

// ===== Running =====

fn counting_pm(anchor: &str, nested: &[&str]) -> (PassManager, Rc<RefCell<Vec<String>>>) {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let mut pm = PassManager::new(anchor);
    let mut cur: &mut OpPassManager = &mut pm;
    for n in nested {
        cur = if *n == "any" {
            cur.nest_any()
        } else {
            cur.nest(n)
        };
    }
    let anchor = cur
        .anchor()
        .map(|a| -> &'static str { Box::leak(a.to_string().into_boxed_str()) });
    cur.add_pass(Box::new(CountOps {
        anchor,
        seen: seen.clone(),
    }))
    .unwrap();
    (pm, seen)
}

#[test]
fn nested_managers_run_on_direct_children_only() {
    let mut ctx = Context::new();
    let m = sample(&mut ctx);
    let (mut pm, seen) = counting_pm("builtin.module", &["func.func"]);
    pm.run(&mut ctx, m).unwrap();
    // @inner is inside @a, not directly in the module: not visited.
    assert_eq!(*seen.borrow(), vec!["func.func@a", "func.func@b"]);

    let (mut pm, seen) = counting_pm("builtin.module", &["any"]);
    pm.run(&mut ctx, m).unwrap();
    assert_eq!(*seen.borrow(), vec!["func.func@a", "test.y", "func.func@b"]);

    let (mut pm, seen) = counting_pm("builtin.module", &["func.func", "func.func"]);
    pm.run(&mut ctx, m).unwrap();
    assert_eq!(*seen.borrow(), vec!["func.func@inner"]);

    let (mut pm, seen) = counting_pm("builtin.module", &[]);
    pm.run(&mut ctx, m).unwrap();
    assert_eq!(*seen.borrow(), vec!["builtin.module"]);
}

#[test]
fn running_on_the_wrong_op_is_an_error() {
    let mut ctx = Context::new();
    let m = sample(&mut ctx);
    let (mut pm, seen) = counting_pm("func.func", &[]);
    let err = pm.run(&mut ctx, m).unwrap_err();
    assert_eq!(
        err,
        PipelineFailure::AnchorMismatch {
            anchor: "func.func".into(),
            op: "builtin.module".into()
        }
    );
    assert!(seen.borrow().is_empty());
    let diags = ctx.take_diagnostics();
    assert_eq!(diags.len(), 1);
    assert_eq!(
        diags[0].message,
        "can't run 'func.func' pass manager on 'builtin.module' op"
    );
    // `any` runs on anything.
    let (pm, seen) = counting_pm("any", &[]);
    let mut pm2 = PassManager::from_op_pass_manager(OpPassManager::any());
    pm2.add_pass(Box::new(CountOps {
        anchor: None,
        seen: seen.clone(),
    }))
    .unwrap();
    pm2.run(&mut ctx, m).unwrap();
    let _ = pm.op_pass_manager();
    assert_eq!(*seen.borrow(), vec!["builtin.module"]);
}

#[test]
fn statistics_accumulate_over_runs() {
    let mut ctx = Context::new();
    let m = sample(&mut ctx);
    let (mut pm, _) = counting_pm("builtin.module", &["func.func"]);
    pm.run(&mut ctx, m).unwrap();
    pm.run(&mut ctx, m).unwrap();
    let p = pm.all_passes()[0];
    assert_eq!(p.runs(), 4);
    let stats: Vec<(&str, u64)> = p
        .statistics()
        .iter()
        .map(|s| (s.name.as_str(), s.value))
        .collect();
    // @a holds test.x and @inner (2 nested), @b holds test.x (1): 3 per run.
    assert_eq!(stats, vec![("num-runs", 4), ("num-nested", 6)]);
    assert_eq!(
        statistics_report(&pm),
        "===-------------------------------------------------------------------------===\n\
         \x20                        ... Pass statistics report ...\n\
         ===-------------------------------------------------------------------------===\n\
         'func.func' Pipeline\n\
         \x20 CountOps\n\
         \x20   (S) 6 num-nested - Number of nested ops\n\
         \x20   (S) 4 num-runs\n"
    );
}

#[test]
fn timing_nodes_follow_the_pipeline() {
    let mut ctx = Context::new();
    let m = sample(&mut ctx);
    let mut pm = PassManager::from_op_pass_manager(
        parse("builtin.module(func.func(cse,canonicalize),cse)").unwrap(),
    );
    pm.run(&mut ctx, m).unwrap();
    let nodes = pm.timing_nodes();
    let shape: Vec<(String, Vec<String>)> = nodes
        .iter()
        .map(|n| {
            (
                n.name.clone(),
                n.children.iter().map(|c| c.name.clone()).collect(),
            )
        })
        .collect();
    assert_eq!(
        shape,
        vec![
            (
                "'func.func' Pipeline".to_string(),
                vec!["cse".to_string(), "canonicalize".to_string()]
            ),
            ("cse".to_string(), vec![])
        ]
    );
    let report = timing_report(
        &[
            TimingNode::new("Parser", Duration::from_millis(1)),
            TimingNode {
                name: "'func.func' Pipeline".into(),
                wall: Duration::from_millis(2),
                children: vec![TimingNode::new("CSE", Duration::from_millis(2))],
            },
        ],
        Duration::from_millis(4),
    );
    assert_eq!(
        report,
        "===-------------------------------------------------------------------------===\n\
         \x20                        ... Execution time report ...\n\
         ===-------------------------------------------------------------------------===\n\
         \x20 Total Execution Time: 0.0040 seconds\n\
         \n\
         \x20 ----Wall Time----  ----Name----\n\
         \x20   0.0010 ( 25.0%)  Parser\n\
         \x20   0.0020 ( 50.0%)  'func.func' Pipeline\n\
         \x20   0.0020 ( 50.0%)    CSE\n\
         \x20   0.0040 (100.0%)  Total\n"
    );
}

#[test]
fn failing_pass_stops_the_pipeline_and_reports() {
    let mut ctx = Context::new();
    let m = sample(&mut ctx);
    let seen = Rc::new(RefCell::new(Vec::new()));
    let mut pm = PassManager::from_op_pass_manager(
        parse("builtin.module(func.func(test-pass-failure))").unwrap(),
    );
    pm.add_pass(Box::new(CountOps {
        anchor: None,
        seen: seen.clone(),
    }))
    .unwrap();
    let err = pm.run(&mut ctx, m).unwrap_err();
    assert_eq!(
        err,
        PipelineFailure::PassFailed {
            pass: "test-pass-failure".into(),
            op: "func.func".into()
        }
    );
    assert!(
        seen.borrow().is_empty(),
        "passes after a failure do not run"
    );
    // Failed on the first function and stopped there; a generic error was emitted for it.
    let diags = ctx.take_diagnostics();
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].message, "pass 'test-pass-failure' failed");

    // A pass that reports its own error gets no generic one.
    let mut pm = PassManager::from_op_pass_manager(
        parse("builtin.module(test-pass-failure{message=\"it broke\"})").unwrap(),
    );
    assert!(pm.run(&mut ctx, m).is_err());
    let diags = ctx.take_diagnostics();
    assert_eq!(
        diags.iter().map(|d| d.message.as_str()).collect::<Vec<_>>(),
        vec!["it broke"]
    );
}

#[test]
fn earlier_diagnostics_are_kept_in_order() {
    let mut ctx = Context::new();
    let m = sample(&mut ctx);
    ctx.emit(flowc_ir::Diagnostic::warning(Location::UNKNOWN, "before"));
    let mut pm = PassManager::from_op_pass_manager(
        parse("builtin.module(test-count-ops{emit-remark=1})").unwrap(),
    );
    pm.run(&mut ctx, m).unwrap();
    let diags = ctx.take_diagnostics();
    assert_eq!(diags.len(), 2);
    assert_eq!(diags[0].message, "before");
    assert_eq!(diags[1].severity, Severity::Remark);
    assert_eq!(
        diags[1].message,
        "'builtin.module' holds 6 nested operations"
    );
}

#[test]
fn verify_each_catches_invalid_ir() {
    let mut ctx = Context::new();
    let m = sample(&mut ctx);
    let mut pm =
        PassManager::from_op_pass_manager(parse("builtin.module(test-invalid-ir,cse)").unwrap());
    let err = pm.run(&mut ctx, m).unwrap_err();
    assert_eq!(
        err,
        PipelineFailure::InvalidIr {
            pass: "test-invalid-ir".into(),
            op: "builtin.module".into()
        }
    );
    let diags = ctx.take_diagnostics();
    assert!(!diags.is_empty());
    assert!(diags.iter().all(|d| d.severity == Severity::Error));
    assert_eq!(pm.all_passes()[1].runs(), 0);

    let mut ctx = Context::new();
    let m = sample(&mut ctx);
    let mut pm =
        PassManager::from_op_pass_manager(parse("builtin.module(test-invalid-ir,cse)").unwrap());
    pm.set_verify_each(false);
    pm.run(&mut ctx, m).unwrap();
    assert!(ctx.take_diagnostics().is_empty());
}

#[test]
fn ir_printing_before_and_after() {
    let mut ctx = Context::new();
    let m = sample(&mut ctx);
    let buf = SharedBuf::default();
    let mut pm = PassManager::from_op_pass_manager(
        parse("builtin.module(func.func(test-mark-func),cse)").unwrap(),
    );
    let config = IrPrintingConfig {
        after_all: true,
        before: vec!["cse".into()],
        ..Default::default()
    };
    pm.add_instrumentation(Box::new(IrPrinting::with_writer(
        config,
        Box::new(buf.clone()),
    )));
    pm.run(&mut ctx, m).unwrap();
    let text = buf.text();
    let headers: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("// -----//"))
        .collect();
    assert_eq!(
        headers,
        vec![
            "// -----// IR Dump After test-mark-func (test-mark-func) //----- //",
            "// -----// IR Dump After test-mark-func (test-mark-func) //----- //",
            "// -----// IR Dump Before cse (cse) //----- //",
            "// -----// IR Dump After cse (cse) //----- //",
        ]
    );
    // The nested dumps print the function the pass ran on, with its new attribute.
    let first = text.split("// -----//").nth(1).unwrap();
    assert!(first.contains("\"func.func\""), "{first}");
    assert!(first.contains("test.marked"), "{first}");
    assert!(!first.contains("builtin.module"), "{first}");
    assert!(text.ends_with("}\n\n"), "a blank line follows each dump");
}

#[test]
fn ir_printing_after_change_and_failure_and_module_scope() {
    let mut ctx = Context::new();
    let m = sample(&mut ctx);
    let buf = SharedBuf::default();
    let mut pm = PassManager::from_op_pass_manager(
        parse("builtin.module(cse,func.func(test-mark-func),test-pass-failure)").unwrap(),
    );
    let config = IrPrintingConfig {
        after_change: true,
        after_failure: true,
        module_scope: true,
        ..Default::default()
    };
    pm.add_instrumentation(Box::new(IrPrinting::with_writer(
        config,
        Box::new(buf.clone()),
    )));
    assert!(pm.run(&mut ctx, m).is_err());
    let text = buf.text();
    let headers: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("// -----//"))
        .collect();
    assert_eq!(
        headers,
        vec![
            "// -----// IR Dump After test-mark-func (test-mark-func) ('func.func' operation: @a) //----- //",
            "// -----// IR Dump After test-mark-func (test-mark-func) ('func.func' operation: @b) //----- //",
            "// -----// IR Dump After TestFailurePass Failed (test-pass-failure) ('builtin.module' operation) //----- //",
        ]
    );
    // Module scope prints the whole module even for a function pass.
    let first = text.split("// -----//").nth(1).unwrap();
    assert!(first.contains("module"), "{first}");
}

#[test]
fn pass_state_statistics() {
    let mut s = PassState::new();
    s.stat("a", 2);
    s.stat_with_description("b", "the b", 1);
    s.stat("a", 3);
    s.stat_with_description("a", "the a", 0);
    assert_eq!(s.get("a"), 5);
    assert_eq!(s.get("b"), 1);
    assert_eq!(s.get("c"), 0);
    assert_eq!(s.statistics()[0].description, "the a");
}

#[test]
fn registry_lookup_and_creation() {
    let r = registry();
    assert!(r.contains("cse"));
    assert!(
        r.iter()
            .map(|i| i.argument)
            .collect::<Vec<_>>()
            .windows(2)
            .all(|w| w[0] < w[1])
    );
    assert!(
        r.create("nope", &PassOptions::new())
            .err()
            .unwrap()
            .starts_with("unknown pass 'nope'")
    );
    let p = r
        .create("canonicalize", &PassOptions::new().with("top-down", "0"))
        .unwrap();
    assert_eq!(p.argument(), "canonicalize");
    assert_eq!(r.suggest("canonicalise"), Some("canonicalize"));
    assert_eq!(r.suggest("zzzzzz"), None);
}
