//! `--target cuda` with the library GEMM: the launch plan turns the lowering's library calls
//! into bundle GEMM launches on the right buffers, and `auto` keeps small products on the
//! generated kernels. (Running them needs a GPU: tools/onnx/cuda/.)

use flowc_bundle::{BufferKind, Bundle, LIBRARY_SGEMM};
use flowc_compiler::{CompileOptions, GpuGemm, TargetOptions, compile};

fn compile_cuda(src: &str, gemm: GpuGemm) -> Bundle {
    let mut ctx = flowc_init::context_with_all_dialects();
    let module = flowc_ir::parser::parse_source(&mut ctx, src, "test.mlir", 0)
        .unwrap_or_else(|d| panic!("{}", d[0].render(&ctx)));
    let opts = CompileOptions {
        target: TargetOptions::nvptx("sm_90"),
        gpu_gemm: gemm,
        ..CompileOptions::default()
    };
    compile(&mut ctx, module, opts)
        .unwrap_or_else(|e| panic!("compile failed: {e}"))
        .bundle
}

const DENSE: &str = r#"
func.func @main(%a: tensor<64x256xf32>) -> tensor<64x512xf32> {
  %w = "flow.constant"() {value = dense<0.25> : tensor<512x256xf32>} : () -> tensor<512x256xf32>
  %b = "flow.constant"() {value = dense<1.0> : tensor<512xf32>} : () -> tensor<512xf32>
  %0 = "flow.gemm"(%a, %w, %b) {transB = 1 : i64} : (tensor<64x256xf32>, tensor<512x256xf32>, tensor<512xf32>) -> tensor<64x512xf32>
  %1 = "flow.relu"(%0) : (tensor<64x512xf32>) -> tensor<64x512xf32>
  return %1 : tensor<64x512xf32>
}
"#;

#[test]
fn library_gemm_becomes_a_gemm_launch() {
    let bundle = compile_cuda(DENSE, GpuGemm::Library);
    let gemms: Vec<_> = bundle
        .launches
        .iter()
        .filter(|l| l.gemm.is_some())
        .collect();
    assert_eq!(gemms.len(), 1, "{:#?}", bundle.launches);
    let l = gemms[0];
    assert_eq!(l.kernel, LIBRARY_SGEMM);
    let g = l.gemm.unwrap();
    assert_eq!(
        (
            g.trans_a, g.trans_b, g.m, g.n, g.k, g.lda, g.ldb, g.ldc, g.batch
        ),
        (false, true, 64, 512, 256, 256, 256, 512, 1)
    );
    assert_eq!((g.alpha, g.beta), (1.0, 0.0));
    // A is the input, B the weight, C the output (written in place, no copy).
    let kinds: Vec<_> = l.args.iter().map(|a| a.kind()).collect();
    assert!(matches!(kinds[0], Some(BufferKind::Input(0))), "{kinds:?}");
    assert!(matches!(kinds[1], Some(BufferKind::Weight(_))), "{kinds:?}");
    assert!(matches!(kinds[2], Some(BufferKind::Output(0))), "{kinds:?}");
    // Then bias + ReLU in one kernel of the PTX, in place on the output.
    let rest: Vec<_> = bundle
        .launches
        .iter()
        .filter(|l| l.gemm.is_none())
        .collect();
    assert_eq!(rest.len(), 1, "{:#?}", bundle.launches);
    assert!(
        rest[0].kernel.contains("gemm_epilogue"),
        "{}",
        rest[0].kernel
    );
    let code = bundle.code_for(flowc_bundle::DEVICE_CUDA).unwrap();
    assert!(!code.kernels.iter().any(|k| k == LIBRARY_SGEMM));
    assert!(
        !code.ptx.contains("sgemm"),
        "the declaration is not in the PTX"
    );
}

#[test]
fn generated_and_auto_keep_small_products_off_the_library() {
    // 2 * 64 * 512 * 256 = 16.8 MFLOP: below auto's threshold.
    for gemm in [GpuGemm::Generated, GpuGemm::Auto] {
        let bundle = compile_cuda(DENSE, gemm);
        assert!(bundle.launches.iter().all(|l| l.gemm.is_none()), "{gemm:?}");
        // The generated product with its fused epilogue: 32 blocks of 32 x 32 are too few,
        // so K is split (gpu_gemm.rs): the partial sums, then their reduction and the epilogue.
        let kernels: Vec<&str> = bundle.launches.iter().map(|l| l.kernel.as_str()).collect();
        assert_eq!(kernels.len(), 2, "{gemm:?}: {kernels:?}");
        assert!(kernels[0].ends_with("gemm_tiled"), "{kernels:?}");
        assert!(kernels[1].ends_with("gemm_tiled_reduce"), "{kernels:?}");
    }
}
