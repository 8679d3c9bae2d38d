//! The flowc compiler as a library: a module of `flow` IR in, a bundle out.
//!
//! ```text
//! flow  --convert-flow-to-loop-->  kernels + launch plan (@main)  --buffer-plan-->  arena offsets
//!       --flowc-llvm-->  object --link-->  shared object  --bundle-->  signature, weights, plan, code
//! ```
//!
//! [`compile`] runs the whole pipeline; [`lower`] stops at the loop level (what
//! `flowc-opt --convert-flow-to-loop --buffer-plan` prints) and [`assemble_bundle`] turns lowered
//! IR plus a shared object into a bundle, so tools and tests can run the stages one by one.
//! docs/codegen.md is the contract between the stages.

mod plan;

use std::time::{Duration, Instant};

use flowc_bundle::BundleBuilder;
use flowc_flow::DTypeIr;
use flowc_func::FuncOp;
use flowc_ir::{Context, Diagnostic, Op, WalkOrder};
use flowc_tensor::DType;

pub use flowc_flow_to_loop::GpuGemm;
pub use flowc_llvm::TargetOptions;
pub use plan::LaunchPlanError;

/// What can go wrong in a compile; every variant carries a message that names the place.
#[derive(Debug)]
pub enum CompileError {
    /// The input is not something flowc can compile (an op without a lowering, dynamic shapes,
    /// an unsupported element type). Located.
    Unsupported(String),
    /// The input or an intermediate stage is invalid (a verifier or pass error). Located.
    Invalid(String),
    /// Code generation or linking failed.
    Codegen(String),
}

impl std::fmt::Display for CompileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CompileError::Unsupported(m) | CompileError::Invalid(m) | CompileError::Codegen(m) => {
                f.write_str(m)
            }
        }
    }
}

impl std::error::Error for CompileError {}

impl CompileError {
    pub fn is_unsupported(&self) -> bool {
        matches!(self, CompileError::Unsupported(_))
    }
}

/// A stage of the pipeline, reported to [`CompileOptions::progress`] as it starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Optimizing `ops` flow ops by equality saturation.
    Saturate { ops: usize },
    /// Lowering `ops` flow ops to kernels.
    Lower { ops: usize },
    /// Generating machine code for `kernels` kernels.
    Codegen { kernels: usize },
    /// Linking the shared object.
    Link,
    /// Writing the bundle.
    Bundle,
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stage::Saturate { ops } => write!(f, "optimizing {ops} ops (flow-saturate)"),
            Stage::Lower { ops } => write!(f, "lowering {ops} ops to kernels"),
            Stage::Codegen { kernels } => write!(f, "generating code for {kernels} kernels"),
            Stage::Link => f.write_str("linking"),
            Stage::Bundle => f.write_str("writing the bundle"),
        }
    }
}

/// Called with each stage as it starts.
pub type ProgressFn = Box<dyn FnMut(&Stage)>;

/// How to compile.
pub struct CompileOptions {
    /// `flow-saturate` before lowering (on by default: `None` turns it off, `flowc --no-saturate`).
    pub saturate: Option<flowc_saturate::SaturateConfig>,
    /// The machine to generate code for (host CPU, O3 by default).
    pub target: TargetOptions,
    /// For NVPTX targets: who computes f32 GEMMs and convolutions (generated kernels or cuBLAS).
    pub gpu_gemm: flowc_flow_to_loop::GpuGemm,
    /// Called when each stage starts (the driver prints progress for long compiles).
    pub progress: Option<ProgressFn>,
    /// Names of the inputs / outputs in signature order (the ONNX graph's); `input_N` /
    /// `output_N` when absent.
    pub input_names: Vec<String>,
    pub output_names: Vec<String>,
}

impl Default for CompileOptions {
    fn default() -> Self {
        CompileOptions {
            saturate: Some(flowc_saturate::SaturateConfig::default()),
            target: TargetOptions::default(),
            gpu_gemm: flowc_flow_to_loop::GpuGemm::default(),
            progress: None,
            input_names: Vec::new(),
            output_names: Vec::new(),
        }
    }
}

/// What a compile produced, besides the bundle.
#[derive(Clone, Debug, Default)]
pub struct CompileReport {
    /// `flow` ops in the entry function before lowering.
    pub flow_ops: usize,
    /// Kernel functions generated.
    pub kernels: usize,
    /// Kernel launches per run.
    pub launches: usize,
    /// Arena bytes (intermediates, after planning).
    pub arena_bytes: u64,
    /// Weight bytes.
    pub weight_bytes: u64,
    /// Shared object bytes.
    pub code_bytes: u64,
    /// Time per stage.
    pub timings: Vec<(&'static str, Duration)>,
}

/// A compiled model.
pub struct Compiled {
    pub bundle: flowc_bundle::Bundle,
    pub report: CompileReport,
}

/// The element type and static shape of each entry-function input and result, read from its
/// tensor signature before lowering.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IoSignature {
    pub inputs: Vec<(DType, Vec<i64>)>,
    pub outputs: Vec<(DType, Vec<i64>)>,
}

fn flow_entry(ctx: &Context, module: Op) -> Result<FuncOp, CompileError> {
    let region = ctx.region(module, 0);
    let block = ctx
        .region_entry(region)
        .ok_or_else(|| CompileError::Invalid("the module is empty".into()))?;
    let mut funcs = ctx
        .block_ops(block)
        .filter_map(|o| FuncOp::cast(ctx, o))
        .filter(|f| !f.is_declaration(ctx) && f.visibility(ctx) == "public");
    let f = funcs.next().ok_or_else(|| {
        CompileError::Invalid("the module has no public function to compile".into())
    })?;
    if funcs.next().is_some() {
        return Err(CompileError::Invalid(
            "the module has several public functions; flowc compiles one entry function".into(),
        ));
    }
    Ok(f)
}

/// Reads the entry function's signature (before lowering).
pub fn io_signature(ctx: &Context, module: Op) -> Result<IoSignature, CompileError> {
    let f = flow_entry(ctx, module)?;
    let (ins, outs) = f.signature(ctx);
    let describe =
        |tys: &[flowc_ir::Type], what: &str| -> Result<Vec<(DType, Vec<i64>)>, CompileError> {
            tys.iter()
            .enumerate()
            .map(|(i, &t)| {
                let dtype = ctx
                    .element_type(t)
                    .and_then(|e| DType::from_type(ctx, e))
                    .ok_or_else(|| {
                        CompileError::Unsupported(format!(
                            "{what} #{i} has type {}, which has no native form",
                            ctx.print_type(t)
                        ))
                    })?;
                let shape = ctx.shape(t).map(<[i64]>::to_vec).unwrap_or_default();
                if shape.iter().any(|&d| d < 0) {
                    return Err(CompileError::Unsupported(format!(
                        "{what} #{i} has the dynamic shape {}: give static input shapes to compile",
                        ctx.print_type(t)
                    )));
                }
                Ok((dtype, shape))
            })
            .collect()
        };
    Ok(IoSignature {
        inputs: describe(&ins, "input")?,
        outputs: describe(&outs, "output")?,
    })
}

/// A diagnostic as one message: `node 'NAME': message` when its location names an ONNX node
/// (the driver puts the model file in front), the MLIR-style rendering otherwise.
fn diag(ctx: &Context, d: &Diagnostic) -> String {
    let mut stack = vec![d.loc];
    while let Some(l) = stack.pop() {
        match ctx.loc_data(l) {
            flowc_ir::LocData::Name { name, .. } => {
                return format!("node '{}': {}", ctx.ident_str(*name), d.message);
            }
            flowc_ir::LocData::Fused { locs, .. } => stack.extend(locs.iter().rev()),
            flowc_ir::LocData::CallSite { callee, .. } => stack.push(*callee),
            _ => {}
        }
    }
    d.render(ctx).trim_end().to_string()
}

/// Lowers the `flow` module in place to the loop level with a planned arena, kernels shaped for
/// `target`; returns its signature and the number of flow ops lowered.
pub fn lower(
    ctx: &mut Context,
    module: Op,
    opts: &flowc_flow_to_loop::LowerOptions,
) -> Result<(IoSignature, usize), CompileError> {
    let sig = io_signature(ctx, module)?;
    let stats = flowc_flow_to_loop::convert_flow_to_loop_with(ctx, module, opts)
        .map_err(|d| CompileError::Unsupported(diag(ctx, &d)))?;
    flowc_buffer_plan::plan_module(ctx, module)
        .map_err(|d| CompileError::Invalid(diag(ctx, &d)))?;
    if let Err(diags) = flowc_ir::verifier::verify(ctx, module) {
        return Err(CompileError::Invalid(format!(
            "the lowered IR does not verify (a flowc bug): {}",
            diag(ctx, &diags[0])
        )));
    }
    Ok((sig, stats.ops))
}

/// Builds the bundle of lowered IR (`@main` is the launch plan) and its CPU shared object.
pub fn assemble_bundle(
    ctx: &Context,
    module: Op,
    sig: &IoSignature,
    opts: &CompileOptions,
    triple: &str,
    shared_object: Vec<u8>,
) -> Result<flowc_bundle::Bundle, CompileError> {
    let mut b = BundleBuilder::new(format!("flowc {}", env!("CARGO_PKG_VERSION")));
    plan::fill(ctx, module, sig, opts, &mut b).map_err(|e| CompileError::Invalid(e.to_string()))?;
    b.cpu_code(triple, shared_object);
    b.finish()
        .map_err(|e| CompileError::Invalid(format!("the bundle is invalid (a flowc bug): {e}")))
}

/// Compiles a module of `flow` IR (consumed: lowered in place) to a bundle.
pub fn compile(
    ctx: &mut Context,
    module: Op,
    mut opts: CompileOptions,
) -> Result<Compiled, CompileError> {
    let mut report = CompileReport::default();
    let mut progress = opts.progress.take();
    let mut stage = |s: Stage| {
        if let Some(p) = progress.as_mut() {
            p(&s);
        }
    };
    let entry = flow_entry(ctx, module)?;
    let flow_ops = ctx
        .walk(entry.op(), WalkOrder::Pre)
        .into_iter()
        .filter(|&o| ctx.op_dialect(o) == "flow")
        .count();
    if let Some(cfg) = &opts.saturate {
        let mut cfg = cfg.clone();
        if opts.target.is_nvptx() {
            // The layout rules choose NHWC convs by the CPU's costs; the GPU conv kernels
            // (gpu_conv.rs, gpu_library.rs) are NCHW only, so the GPU keeps ONNX's layout.
            cfg.rules
                .retain(|&r| r != flowc_saturate::rules::RuleSet::Layout);
        }
        stage(Stage::Saturate { ops: flow_ops });
        let t = Instant::now();
        flowc_saturate::saturate(ctx, entry.op(), &cfg)
            .map_err(|d| CompileError::Invalid(diag(ctx, &d)))?;
        report.timings.push(("saturate", t.elapsed()));
    }
    stage(Stage::Lower { ops: flow_ops });
    let t = Instant::now();
    let lower_opts = flowc_flow_to_loop::LowerOptions {
        target: if opts.target.is_nvptx() {
            flowc_flow_to_loop::KernelTarget::Gpu
        } else {
            flowc_flow_to_loop::KernelTarget::Cpu
        },
        gpu_gemm: opts.gpu_gemm,
    };
    let (sig, _) = lower(ctx, module, &lower_opts)?;
    report.timings.push(("lower", t.elapsed()));
    report.flow_ops = flow_ops;
    report.kernels = ctx
        .walk(module, WalkOrder::Pre)
        .into_iter()
        .filter(|&o| ctx.op_name(o) == "func.func" && ctx.has_attr(o, "flowc.kernel"))
        .count();

    stage(Stage::Codegen {
        kernels: report.kernels,
    });
    if opts.target.is_nvptx() {
        return compile_cuda(ctx, module, &opts, &sig, report);
    }
    let t = Instant::now();
    let object = flowc_llvm::emit_object(ctx, module, &opts.target)
        .map_err(|d| CompileError::Codegen(diag(ctx, &d)))?;
    report.timings.push(("codegen", t.elapsed()));

    stage(Stage::Link);
    let t = Instant::now();
    let so = flowc_llvm::link_shared_object(&object)
        .map_err(|e| CompileError::Codegen(e.to_string()))?;
    report.timings.push(("link", t.elapsed()));
    report.code_bytes = so.len() as u64;

    stage(Stage::Bundle);
    let t = Instant::now();
    let triple = opts.target.triple.clone();
    let bundle = assemble_bundle(ctx, module, &sig, &opts, &triple, so)?;
    report.timings.push(("bundle", t.elapsed()));
    report.launches = bundle.launches.len();
    report.arena_bytes = bundle.memory.as_ref().map_or(0, |m| m.arena_bytes);
    report.weight_bytes = bundle.weights.iter().map(|w| w.data.len() as u64).sum();
    Ok(Compiled { bundle, report })
}

/// The CUDA back half of [`compile`]: kernels mapped to grids (`convert-loop-to-gpu`), PTX for
/// `opts.target` (an NVPTX target, e.g. `TargetOptions::nvptx("sm_90")`), CUDA launches.
fn compile_cuda(
    ctx: &mut Context,
    module: Op,
    opts: &CompileOptions,
    sig: &IoSignature,
    mut report: CompileReport,
) -> Result<Compiled, CompileError> {
    let t = Instant::now();
    flowc_loop_to_gpu::convert_loop_to_gpu(ctx, module, flowc_loop_to_gpu::DEFAULT_BLOCK_SIZE)
        .map_err(|d| CompileError::Codegen(diag(ctx, &d)))?;
    let ptx = flowc_llvm::emit_assembly(ctx, module, &opts.target)
        .map_err(|d| CompileError::Codegen(diag(ctx, &d)))?;
    report.timings.push(("codegen", t.elapsed()));
    report.code_bytes = ptx.len() as u64;
    let t = Instant::now();
    let mut b = BundleBuilder::new(format!("flowc {}", env!("CARGO_PKG_VERSION")));
    plan::fill(ctx, module, sig, opts, &mut b).map_err(|e| CompileError::Invalid(e.to_string()))?;
    b.cuda_code(opts.target.cpu.clone(), ptx);
    let bundle = b
        .finish()
        .map_err(|e| CompileError::Invalid(format!("the bundle is invalid (a flowc bug): {e}")))?;
    report.timings.push(("bundle", t.elapsed()));
    report.launches = bundle.launches.len();
    report.arena_bytes = bundle.memory.as_ref().map_or(0, |m| m.arena_bytes);
    report.weight_bytes = bundle.weights.iter().map(|w| w.data.len() as u64).sum();
    Ok(Compiled { bundle, report })
}
