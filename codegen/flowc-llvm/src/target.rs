//! Target selection, the optimization pipeline and emission.

use crate::{EmitKind, llvm_error, translate};
use flowc_ir::{Context, Diagnostic, Op};
use inkwell::OptimizationLevel;
use inkwell::passes::PassBuilderOptions;
use inkwell::targets::{
    CodeModel, FileType, InitializationConfig, RelocMode, Target, TargetMachine, TargetTriple,
};
use std::sync::Once;

/// The NVPTX triple flowc emits PTX for.
pub const NVPTX_TRIPLE: &str = "nvptx64-nvidia-cuda";
/// The GPU architecture PTX is generated for unless told otherwise (Hopper).
pub const DEFAULT_GPU_ARCH: &str = "sm_90";

/// The optimization level: the `default<On>` pipeline of the new pass manager and the code
/// generator's level.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum OptLevel {
    O0,
    O1,
    O2,
    #[default]
    O3,
}

impl OptLevel {
    /// `0` ... `3`.
    pub fn from_number(n: u32) -> Option<OptLevel> {
        Some(match n {
            0 => OptLevel::O0,
            1 => OptLevel::O1,
            2 => OptLevel::O2,
            3 => OptLevel::O3,
            _ => return None,
        })
    }

    fn pipeline(self) -> &'static str {
        match self {
            OptLevel::O0 => "default<O0>",
            OptLevel::O1 => "default<O1>",
            OptLevel::O2 => "default<O2>",
            OptLevel::O3 => "default<O3>",
        }
    }

    fn codegen(self) -> OptimizationLevel {
        match self {
            OptLevel::O0 => OptimizationLevel::None,
            OptLevel::O1 => OptimizationLevel::Less,
            OptLevel::O2 => OptimizationLevel::Default,
            OptLevel::O3 => OptimizationLevel::Aggressive,
        }
    }
}

/// What to generate code for. [`TargetOptions::host`] (the default) is this machine: its triple,
/// CPU name and CPU features (AVX2 / AVX-512 where present), at O3.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetOptions {
    /// An LLVM target triple, e.g. `x86_64-unknown-linux-gnu`, `aarch64-linux-gnu`.
    pub triple: String,
    /// A CPU name (`skylake-avx512`, `generic`, ...).
    pub cpu: String,
    /// Comma-separated features (`+avx2,+fma`), possibly empty.
    pub features: String,
    pub opt_level: OptLevel,
    /// Computes transcendental `math` ops (exp, log, sin, tanh, erf, pow ...) with flowc's own
    /// f32 polynomials instead of calls to the C math library. Always so for NVPTX, which has no
    /// math library; on a CPU it exists so that the GPU's math can be checked on the host.
    pub portable_math: bool,
}

impl Default for TargetOptions {
    fn default() -> Self {
        TargetOptions::host()
    }
}

impl TargetOptions {
    /// This machine.
    pub fn host() -> TargetOptions {
        initialize();
        TargetOptions {
            triple: TargetMachine::get_default_triple()
                .as_str()
                .to_string_lossy()
                .into_owned(),
            cpu: TargetMachine::get_host_cpu_name().to_string(),
            features: TargetMachine::get_host_cpu_features().to_string(),
            opt_level: OptLevel::O3,
            portable_math: false,
        }
    }

    /// Another target: `triple` with the `generic` CPU and no extra features, at O3.
    pub fn cross(triple: &str) -> TargetOptions {
        TargetOptions {
            triple: triple.to_string(),
            cpu: "generic".to_string(),
            features: String::new(),
            opt_level: OptLevel::O3,
            portable_math: false,
        }
    }

    /// NVIDIA GPUs: `nvptx64-nvidia-cuda` for `arch` (`sm_90`, ...), at O3. The kernels must be
    /// GPU kernels (`convert-loop-to-gpu`); [`crate::EmitKind::Assembly`] is PTX text.
    pub fn nvptx(arch: &str) -> TargetOptions {
        TargetOptions {
            triple: NVPTX_TRIPLE.to_string(),
            cpu: arch.to_string(),
            features: String::new(),
            opt_level: OptLevel::O3,
            portable_math: true,
        }
    }

    /// Whether the triple is an NVPTX one (GPU kernels, PTX).
    pub fn is_nvptx(&self) -> bool {
        self.triple.starts_with("nvptx")
    }

    /// Whether this is the host's triple (objects for it can be linked and loaded here).
    pub fn is_host(&self) -> bool {
        initialize();
        let host = TargetMachine::get_default_triple();
        TargetMachine::normalize_triple(&TargetTriple::create(&self.triple))
            == TargetMachine::normalize_triple(&host)
    }

    pub(crate) fn machine(&self) -> Result<TargetMachine, Diagnostic> {
        initialize();
        let triple = TargetTriple::create(&self.triple);
        let target = Target::from_triple(&triple).map_err(|e| {
            llvm_error(format!(
                "unknown target triple '{}': {}",
                self.triple,
                e.to_string().trim()
            ))
        })?;
        target
            .create_target_machine(
                &triple,
                &self.cpu,
                &self.features,
                self.opt_level.codegen(),
                RelocMode::PIC,
                CodeModel::Default,
            )
            .ok_or_else(|| {
                llvm_error(format!(
                    "cannot create a target machine for '{}' (cpu '{}', features '{}')",
                    self.triple, self.cpu, self.features
                ))
            })
    }
}

/// Registers the targets flowc emits code for (x86, AArch64, NVPTX), once.
fn initialize() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        let config = InitializationConfig::default();
        Target::initialize_x86(&config);
        Target::initialize_aarch64(&config);
        Target::initialize_nvptx(&config);
    });
}

/// Translates, verifies, optimizes and emits.
pub(crate) fn compile(
    ctx: &Context,
    module: Op,
    opts: &TargetOptions,
    kind: EmitKind,
) -> Result<Vec<u8>, Diagnostic> {
    // The translation relies on what the verifier guarantees (operand types, block arguments);
    // IR that does not verify gets the verifier's first error, never a panic here.
    flowc_ir::verifier::verify(ctx, module).map_err(|errors| {
        errors
            .into_iter()
            .next()
            .unwrap_or_else(|| llvm_error("invalid IR"))
    })?;
    let machine = opts.machine()?;
    let llcx = inkwell::context::Context::create();
    let llmod = llcx.create_module("flowc");
    llmod.set_triple(&machine.get_triple());
    llmod.set_data_layout(&machine.get_target_data().get_data_layout());
    translate::translate_module(ctx, module, &llcx, &llmod, opts)?;
    llmod.verify().map_err(|e| {
        llvm_error(format!(
            "internal error: the LLVM module does not verify: {}",
            e.to_string().trim()
        ))
    })?;
    llmod
        .run_passes(
            opts.opt_level.pipeline(),
            &machine,
            PassBuilderOptions::create(),
        )
        .map_err(|e| {
            llvm_error(format!(
                "LLVM optimization failed: {}",
                e.to_string().trim()
            ))
        })?;
    match kind {
        EmitKind::LlvmIr => Ok(llmod.print_to_string().to_bytes().to_vec()),
        EmitKind::Assembly | EmitKind::Object => {
            let file_type = if kind == EmitKind::Assembly {
                FileType::Assembly
            } else {
                FileType::Object
            };
            machine
                .write_to_memory_buffer(&llmod, file_type)
                .map(|buf| buf.as_slice().to_vec())
                .map_err(|e| {
                    llvm_error(format!(
                        "LLVM code generation failed: {}",
                        e.to_string().trim()
                    ))
                })
        }
    }
}
