//! The CUDA device: runs a bundle's `cuda` launches on an NVIDIA GPU through the CUDA driver
//! API (`cudarc`, loaded at run time: the runtime builds, links and runs where CUDA is absent,
//! and [`CudaExecutable::load`] then says that there is no GPU).
//!
//! Loading JIT-compiles the bundle's PTX with the driver (`cuModuleLoadData`, so one bundle
//! serves newer GPUs too), resolves every kernel once, and allocates device memory: one arena of
//! the memory plan's size, the weights (uploaded once, each 256-byte aligned in one buffer) and
//! one buffer per input and output. A run copies the inputs in, replays the launch plan on a
//! stream and synchronizes; outputs are copied out on demand. With `graph` set, the launches are
//! captured into a CUDA graph on the first run and replayed from it afterwards (one launch of
//! the whole plan instead of one per kernel).
//!
//! Library GEMM launches (`cublas.sgemm`) call cuBLAS, also loaded at run time, on the same
//! stream (so they are captured into the graph like the kernels); its workspace is ours, as
//! graph capture requires.

#![allow(unsafe_code)]

use std::ffi::{CString, c_void};

use cudarc::cublas::{result as blas, sys as blas_sys};
use cudarc::driver::{result, sys};
use flowc_bundle::{BufferKind, Bundle, DEVICE_CUDA, GemmCall};

use crate::RuntimeError;

const ALIGN: u64 = 256;

fn cuda_err(what: &str, e: result::DriverError) -> RuntimeError {
    RuntimeError::Load(format!("CUDA: {what}: {e:?}"))
}

/// Whether the CUDA driver library can be loaded and sees at least one GPU; `Err` says why not.
pub fn cuda_available() -> Result<(), String> {
    // cudarc panics when it cannot load the driver, so look for it first.
    let present = ["libcuda.so.1", "libcuda.so"].iter().any(|name| {
        // SAFETY: loading the system's CUDA driver library runs only its initializers.
        unsafe { libloading::Library::new(name) }.is_ok()
    });
    if !present {
        return Err("no CUDA driver (libcuda.so) on this machine: no NVIDIA GPU to run on".into());
    }
    result::init().map_err(|e| format!("the CUDA driver did not initialize: {e:?}"))?;
    let n = result::device::get_count()
        .map_err(|e| format!("the CUDA driver could not count GPUs: {e:?}"))?;
    if n < 1 {
        return Err("the CUDA driver sees no GPU".into());
    }
    Ok(())
}

/// One step of the launch plan: a kernel of the PTX module or a cuBLAS GEMM.
struct Launch {
    kernel: String,
    what: Step,
    args: Vec<u64>,
}

enum Step {
    Kernel {
        func: sys::CUfunction,
        grid: (u32, u32, u32),
        block: (u32, u32, u32),
    },
    Gemm(GemmCall),
}

/// cuBLAS's workspace: ours, so that GEMMs can be captured into a CUDA graph.
const BLAS_WORKSPACE: usize = 32 << 20;

/// A cuBLAS handle bound to the executable's stream.
struct Blas {
    handle: blas_sys::cublasHandle_t,
}

/// A bundle loaded on the GPU with its device memory: load once, run many times.
pub struct CudaExecutable {
    ctx: sys::CUcontext,
    device: sys::CUdevice,
    stream: sys::CUstream,
    module: sys::CUmodule,
    launches: Vec<Launch>,
    /// Device buffers we own (freed on drop).
    allocations: Vec<sys::CUdeviceptr>,
    inputs: Vec<(sys::CUdeviceptr, usize)>,
    outputs: Vec<(sys::CUdeviceptr, usize)>,
    graph: Option<(sys::CUgraph, sys::CUgraphExec)>,
    /// Present when the plan calls cuBLAS.
    blas: Option<Blas>,
    /// Replay the launches from a CUDA graph after the first run.
    pub use_graph: bool,
    name: String,
}

// SAFETY: the handles are used from one thread at a time (`&mut self` for runs); the context
// is made current on the calling thread before each use.
unsafe impl Send for CudaExecutable {}

impl CudaExecutable {
    /// Loads `bundle`'s CUDA code and memory on GPU 0.
    pub fn load(bundle: &Bundle) -> Result<CudaExecutable, RuntimeError> {
        flowc_bundle::validate(bundle).map_err(RuntimeError::Bundle)?;
        let code = bundle.code_for(DEVICE_CUDA).ok_or_else(|| {
            RuntimeError::UnsupportedDevice("the bundle has no CUDA code".to_string())
        })?;
        if let Some(l) = bundle.launches.iter().find(|l| l.device != DEVICE_CUDA) {
            return Err(RuntimeError::UnsupportedDevice(format!(
                "launch of {} on '{}' in a CUDA bundle",
                l.kernel, l.device
            )));
        }
        cuda_available().map_err(RuntimeError::UnsupportedDevice)?;
        let device = result::device::get(0).map_err(|e| cuda_err("device 0", e))?;
        // SAFETY: device is a valid ordinal; the primary context is released on drop.
        let ctx = unsafe { result::primary_ctx::retain(device) }
            .map_err(|e| cuda_err("retain context", e))?;
        let mut exe = CudaExecutable {
            ctx,
            device,
            stream: std::ptr::null_mut(),
            module: std::ptr::null_mut(),
            launches: Vec::new(),
            allocations: Vec::new(),
            inputs: Vec::new(),
            outputs: Vec::new(),
            graph: None,
            blas: None,
            use_graph: true,
            name: code.triple.clone(),
        };
        exe.bind()?;
        exe.stream = result::stream::create(result::stream::StreamKind::NonBlocking)
            .map_err(|e| cuda_err("create stream", e))?;
        let ptx = CString::new(code.ptx.as_bytes())
            .map_err(|_| RuntimeError::Load("the PTX holds a NUL byte".into()))?;
        // SAFETY: a NUL-terminated PTX image; the driver copies what it needs.
        exe.module = unsafe { result::module::load_data(ptx.as_ptr().cast()) }
            .map_err(|e| cuda_err("load PTX (cuModuleLoadData)", e))?;

        // Device memory: arena, weights (one buffer), inputs, outputs.
        let arena_bytes = bundle.memory.as_ref().map_or(0, |m| m.arena_bytes);
        let arena = exe.alloc(arena_bytes as usize)?;
        let mut weight_offsets = Vec::new();
        let mut total = 0u64;
        for w in &bundle.weights {
            weight_offsets.push(total);
            total += (w.data.len() as u64).div_ceil(ALIGN) * ALIGN;
        }
        let weights = exe.alloc(total as usize)?;
        for (w, &off) in bundle.weights.iter().zip(&weight_offsets) {
            if !w.data.is_empty() {
                // SAFETY: the destination range lies inside the weights buffer.
                unsafe { result::memcpy_htod_sync(weights + off, &w.data) }
                    .map_err(|e| cuda_err("upload weights", e))?;
            }
        }
        for sig in &bundle.inputs {
            let n = sig.byte_size().unwrap_or(0) as usize;
            let p = exe.alloc(n)?;
            exe.inputs.push((p, n));
        }
        for sig in &bundle.outputs {
            let n = sig.byte_size().unwrap_or(0) as usize;
            let p = exe.alloc(n)?;
            exe.outputs.push((p, n));
        }
        if bundle.launches.iter().any(|l| l.gemm.is_some()) {
            exe.blas = Some(exe.create_blas()?);
        }
        let mut funcs: std::collections::HashMap<&str, sys::CUfunction> = Default::default();
        for l in &bundle.launches {
            let what = match &l.gemm {
                Some(call) => Step::Gemm(*call),
                None => {
                    let func = match funcs.get(l.kernel.as_str()) {
                        Some(&f) => f,
                        None => {
                            let name = CString::new(l.kernel.as_str()).map_err(|_| {
                                RuntimeError::Load("a kernel name holds a NUL".into())
                            })?;
                            // SAFETY: the module is loaded.
                            let f = unsafe { result::module::get_function(exe.module, name) }
                                .map_err(|e| cuda_err(&format!("kernel {}", l.kernel), e))?;
                            funcs.insert(l.kernel.as_str(), f);
                            f
                        }
                    };
                    let d = |v: &[u32]| (v[0], v[1], v[2]);
                    Step::Kernel {
                        func,
                        grid: d(&l.grid),
                        block: d(&l.block),
                    }
                }
            };
            let mut args = Vec::new();
            for a in &l.args {
                let base = match a.kind() {
                    Some(BufferKind::Input(i)) => exe.inputs[i as usize].0,
                    Some(BufferKind::Output(i)) => exe.outputs[i as usize].0,
                    Some(BufferKind::Weight(i)) => weights + weight_offsets[i as usize],
                    Some(BufferKind::Arena(off)) => arena + off,
                    None => {
                        return Err(RuntimeError::Load(
                            "a launch argument without a buffer".into(),
                        ));
                    }
                };
                args.push(base + a.byte_offset);
            }
            exe.launches.push(Launch {
                kernel: l.kernel.clone(),
                what,
                args,
            });
        }
        Ok(exe)
    }

    /// The code's target (`nvptx64-nvidia-cuda:sm_90`).
    pub fn code_target(&self) -> &str {
        &self.name
    }

    /// A cuBLAS handle on our stream with our workspace, in the default (full fp32) math mode.
    fn create_blas(&mut self) -> Result<Blas, RuntimeError> {
        // SAFETY: looks for the library; cudarc would panic on first use without it.
        if !unsafe { blas_sys::is_culib_present() } {
            return Err(RuntimeError::UnsupportedDevice(
                "the bundle calls cuBLAS, which this machine lacks (no libcublas.so found; \
                 set LD_LIBRARY_PATH to CUDA's library directory)"
                    .into(),
            ));
        }
        let workspace = self.alloc(BLAS_WORKSPACE)?;
        let handle = blas::create_handle()
            .map_err(|e| RuntimeError::Load(format!("cuBLAS: create handle: {e:?}")))?;
        let blas = Blas { handle };
        let set = |what: &str, r: Result<(), blas::CublasError>| {
            r.map_err(|e| RuntimeError::Load(format!("cuBLAS: {what}: {e:?}")))
        };
        // SAFETY: a live handle, our stream and a workspace of the size given, freed after the
        // handle (allocations are freed on drop, the handle first).
        unsafe {
            set("set stream", blas::set_stream(handle, self.stream.cast()))?;
            set(
                "set workspace",
                blas_sys::cublasSetWorkspace_v2(handle, workspace as *mut c_void, BLAS_WORKSPACE)
                    .result(),
            )?;
            set(
                "set math mode",
                blas_sys::cublasSetMathMode(handle, blas_sys::cublasMath_t::CUBLAS_DEFAULT_MATH)
                    .result(),
            )?;
        }
        Ok(blas)
    }

    fn bind(&self) -> Result<(), RuntimeError> {
        // SAFETY: the context is retained for our lifetime.
        unsafe { result::ctx::set_current(self.ctx) }.map_err(|e| cuda_err("set context", e))
    }

    fn alloc(&mut self, bytes: usize) -> Result<sys::CUdeviceptr, RuntimeError> {
        // SAFETY: plain device allocation, freed on drop; at least one byte so that every
        // buffer has a distinct address.
        let p = unsafe { result::malloc_sync(bytes.max(1)) }
            .map_err(|e| cuda_err(&format!("allocate {bytes} bytes"), e))?;
        self.allocations.push(p);
        Ok(p)
    }

    /// Copies input `i`'s bytes (its exact size) to the GPU.
    pub fn set_input(&mut self, i: usize, bytes: &[u8]) -> Result<(), RuntimeError> {
        let &(p, n) = self
            .inputs
            .get(i)
            .ok_or_else(|| RuntimeError::InvalidArgument(format!("no input #{i}")))?;
        if bytes.len() != n {
            return Err(RuntimeError::InvalidArgument(format!(
                "input #{i} has {} bytes, the model takes {n}",
                bytes.len()
            )));
        }
        self.bind()?;
        if n > 0 {
            // SAFETY: `n` bytes fit the input buffer.
            unsafe { result::memcpy_htod_sync(p, bytes) }.map_err(|e| cuda_err("copy in", e))?;
        }
        Ok(())
    }

    /// Runs the launch plan and waits for it.
    pub fn run(&mut self) -> Result<(), RuntimeError> {
        self.bind()?;
        if self.use_graph && self.graph.is_none() && !self.launches.is_empty() {
            self.capture()?;
        }
        match self.graph {
            // SAFETY: the graph was instantiated from this plan on this stream.
            Some((_, exec)) => unsafe { result::graph::launch(exec, self.stream) }
                .map_err(|e| cuda_err("graph launch", e))?,
            None => self.launch_all()?,
        }
        // SAFETY: our stream.
        unsafe { result::stream::synchronize(self.stream) }
            .map_err(|e| RuntimeError::Load(format!("CUDA: a kernel failed: {e:?}")))
    }

    /// Runs the launch plan once without the graph, timing each launch with CUDA events:
    /// `(kernel, milliseconds)` in plan order (a library GEMM is named `cublas.sgemm`).
    pub fn run_profiled(&mut self) -> Result<Vec<(String, f64)>, RuntimeError> {
        self.bind()?;
        let flags = sys::CUevent_flags::CU_EVENT_DEFAULT;
        let mut events = Vec::with_capacity(self.launches.len() + 1);
        for _ in 0..=self.launches.len() {
            events.push(result::event::create(flags).map_err(|e| cuda_err("create event", e))?);
        }
        let timed = (|| {
            for (i, &start) in events[..self.launches.len()].iter().enumerate() {
                // SAFETY: our events and stream.
                unsafe { result::event::record(start, self.stream) }
                    .map_err(|e| cuda_err("record event", e))?;
                self.launch_range(i..i + 1)?;
            }
            // SAFETY: as above.
            unsafe { result::event::record(events[self.launches.len()], self.stream) }
                .map_err(|e| cuda_err("record event", e))?;
            // SAFETY: our stream.
            unsafe { result::stream::synchronize(self.stream) }
                .map_err(|e| RuntimeError::Load(format!("CUDA: a kernel failed: {e:?}")))?;
            let mut out = Vec::with_capacity(self.launches.len());
            for (i, l) in self.launches.iter().enumerate() {
                // SAFETY: both events completed (the stream was synchronized).
                let ms = unsafe { result::event::elapsed(events[i], events[i + 1]) }
                    .map_err(|e| cuda_err("event time", e))?;
                out.push((l.kernel.clone(), f64::from(ms)));
            }
            Ok(out)
        })();
        for e in events {
            // SAFETY: created above, destroyed once.
            let _ = unsafe { result::event::destroy(e) };
        }
        timed
    }

    fn launch_all(&mut self) -> Result<(), RuntimeError> {
        self.launch_range(0..self.launches.len())
    }

    fn launch_range(&mut self, range: std::ops::Range<usize>) -> Result<(), RuntimeError> {
        for l in &mut self.launches[range] {
            match &l.what {
                &Step::Kernel { func, grid, block } => {
                    let mut params: Vec<*mut c_void> = l
                        .args
                        .iter_mut()
                        .map(|a| (a as *mut u64).cast::<c_void>())
                        .collect();
                    // SAFETY: the kernel takes one pointer per argument, each pointing into a
                    // device buffer of the size its memref needs (checked when the bundle was
                    // validated).
                    unsafe {
                        result::launch_kernel(func, grid, block, 0, self.stream, &mut params)
                    }
                    .map_err(|e| cuda_err(&format!("launch {}", l.kernel), e))?;
                }
                Step::Gemm(g) => {
                    let blas = self
                        .blas
                        .as_ref()
                        .expect("created at load for GEMM launches");
                    // SAFETY: validation checked that every element the call touches lies in
                    // its argument's bytes, and that sizes fit cuBLAS's 32-bit ints.
                    unsafe { sgemm(blas, g, l.args[0], l.args[1], l.args[2]) }
                        .map_err(|e| RuntimeError::Load(format!("cuBLAS: sgemm: {e:?}")))?;
                }
            }
        }
        Ok(())
    }

    fn capture(&mut self) -> Result<(), RuntimeError> {
        let mode = sys::CUstreamCaptureMode::CU_STREAM_CAPTURE_MODE_THREAD_LOCAL;
        // SAFETY: our stream, not yet capturing.
        unsafe { result::stream::begin_capture(self.stream, mode) }
            .map_err(|e| cuda_err("begin capture", e))?;
        let launched = self.launch_all();
        // SAFETY: capturing on our stream.
        let graph = unsafe { result::stream::end_capture(self.stream) }
            .map_err(|e| cuda_err("end capture", e))?;
        launched?;
        // SAFETY: a graph just captured.
        let exec = unsafe { result::graph::instantiate(graph, sys::CUgraphInstantiate_flags(0)) }
            .map_err(|e| cuda_err("instantiate graph", e))?;
        self.graph = Some((graph, exec));
        Ok(())
    }

    /// Output `i`'s bytes, copied from the GPU.
    pub fn output(&self, i: usize) -> Result<Vec<u8>, RuntimeError> {
        let &(p, n) = self
            .outputs
            .get(i)
            .ok_or_else(|| RuntimeError::InvalidArgument(format!("no output #{i}")))?;
        self.bind()?;
        let mut out = vec![0u8; n];
        if n > 0 {
            // SAFETY: `n` bytes lie in the output buffer.
            unsafe { result::memcpy_dtoh_sync(&mut out, p) }
                .map_err(|e| cuda_err("copy out", e))?;
        }
        Ok(out)
    }
}

/// `g` on row-major `a`, `b`, `c` (device addresses). cuBLAS is column-major: a row-major
/// matrix is its transpose seen column-major, so row-major C = op(A) op(B) is computed as
/// column-major C^T = op(B)^T op(A)^T, i.e. with the operands swapped and m, n exchanged.
///
/// # Safety
/// `a`, `b`, `c` hold the matrices `g` describes.
unsafe fn sgemm(
    blas: &Blas,
    g: &GemmCall,
    a: u64,
    b: u64,
    c: u64,
) -> Result<(), blas::CublasError> {
    use blas_sys::cublasOperation_t::{CUBLAS_OP_N, CUBLAS_OP_T};
    let op = |t: bool| if t { CUBLAS_OP_T } else { CUBLAS_OP_N };
    // Validation bounds sizes and leading dimensions by i32::MAX and strides by i64::MAX.
    let i = |v: u64| v as i32;
    let l = |v: u64| v as i64;
    // SAFETY: see the function's contract; alpha and beta are read before the call returns.
    unsafe {
        blas::sgemm_strided_batched(
            blas.handle,
            op(g.trans_b),
            op(g.trans_a),
            i(g.n),
            i(g.m),
            i(g.k),
            &g.alpha,
            b as *const f32,
            i(g.ldb),
            l(g.stride_b),
            a as *const f32,
            i(g.lda),
            l(g.stride_a),
            &g.beta,
            c as *mut f32,
            i(g.ldc),
            l(g.stride_c),
            i(g.batch),
        )
    }
}

impl Drop for CudaExecutable {
    fn drop(&mut self) {
        if self.bind().is_err() {
            return;
        }
        // SAFETY: every handle below was created by us and is destroyed once.
        unsafe {
            if let Some(blas) = self.blas.take() {
                let _ = blas::destroy_handle(blas.handle);
            }
            if let Some((graph, exec)) = self.graph.take() {
                let _ = result::graph::exec_destroy(exec);
                let _ = result::graph::destroy(graph);
            }
            for &p in &self.allocations {
                let _ = result::free_sync(p);
            }
            if !self.module.is_null() {
                let _ = result::module::unload(self.module);
            }
            if !self.stream.is_null() {
                let _ = result::stream::destroy(self.stream);
            }
            let _ = result::primary_ctx::release(self.device);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A GPU test without a GPU (or cuBLAS) is skipped, unless `FLOWC_REQUIRE_GPU` is set: on
    /// a GPU machine (`cargo test -p flowc-runtime --no-run` builds a test binary without
    /// LLVM that runs there) a skip is then a failure.
    fn skip(why: &str) {
        assert!(
            std::env::var_os("FLOWC_REQUIRE_GPU").is_none(),
            "FLOWC_REQUIRE_GPU is set but the test cannot run: {why}"
        );
        eprintln!("skipped: {why}");
    }

    /// Without a GPU (CI), loading says so instead of failing otherwise; with one, a
    /// hand-written PTX kernel runs (y = x + 1 on 1000 floats).
    #[test]
    fn loads_and_runs_or_says_there_is_no_gpu() {
        let ptx = r#"
.version 7.8
.target sm_52
.address_size 64
.visible .entry add_one(.param .u64 x, .param .u64 y)
{
  .reg .pred %p;
  .reg .b32 %r<4>;
  .reg .f32 %f<3>;
  .reg .b64 %rd<6>;
  ld.param.u64 %rd1, [x];
  ld.param.u64 %rd2, [y];
  mov.u32 %r1, %ctaid.x;
  mov.u32 %r2, %ntid.x;
  mov.u32 %r3, %tid.x;
  mad.lo.s32 %r1, %r1, %r2, %r3;
  setp.ge.u32 %p, %r1, 1000;
  @%p bra DONE;
  mul.wide.u32 %rd3, %r1, 4;
  add.s64 %rd4, %rd1, %rd3;
  add.s64 %rd5, %rd2, %rd3;
  ld.global.f32 %f1, [%rd4];
  add.f32 %f2, %f1, 0f3F800000;
  st.global.f32 [%rd5], %f2;
DONE:
  ret;
}
"#;
        let mut b = flowc_bundle::BundleBuilder::new("test");
        let x = b.input("x", flowc_tensor::DType::F32, &[1000]);
        let y = b.output("y", flowc_tensor::DType::F32, &[1000]);
        b.memory(0, 64, 0);
        b.cuda_launch("add_one", &[x, y], [4, 1, 1], [256, 1, 1]);
        b.cuda_code("sm_52", ptx);
        let bundle = b.finish().unwrap();
        let mut exe = match CudaExecutable::load(&bundle) {
            Ok(e) => e,
            Err(RuntimeError::UnsupportedDevice(why)) => {
                assert!(cuda_available().is_err(), "{why}");
                skip(&why);
                return;
            }
            Err(e) => panic!("{e}"),
        };
        let xs: Vec<f32> = (0..1000).map(|i| i as f32 * 0.5).collect();
        let bytes: Vec<u8> = xs.iter().flat_map(|v| v.to_le_bytes()).collect();
        for graph in [false, true, true] {
            exe.use_graph = graph;
            exe.set_input(0, &bytes).unwrap();
            exe.run().unwrap();
            let out = exe.output(0).unwrap();
            for (i, c) in out.chunks_exact(4).enumerate() {
                let v = f32::from_le_bytes(c.try_into().unwrap());
                assert_eq!(v, xs[i] + 1.0, "{i}");
            }
        }
        assert!(exe.set_input(0, &bytes[..8]).is_err());
    }

    /// A library GEMM launch against a loop on the host: two batches of C[5, 3] = 0.5 *
    /// A[5, 7] * B^T with B stored [3, 7] and shared by the batches (stride 0), run plainly and
    /// then replayed from a CUDA graph. Skips without a GPU or without cuBLAS.
    #[test]
    fn cublas_gemm_matches_the_host() {
        let (m, n, k, batch) = (5usize, 3usize, 7usize, 2usize);
        let mut b = flowc_bundle::BundleBuilder::new("test");
        let a = b.input(
            "a",
            flowc_tensor::DType::F32,
            &[batch as i64, m as i64, k as i64],
        );
        let w = b.input("w", flowc_tensor::DType::F32, &[n as i64, k as i64]);
        let c = b.output(
            "c",
            flowc_tensor::DType::F32,
            &[batch as i64, m as i64, n as i64],
        );
        b.memory(0, 64, 0);
        let call = GemmCall {
            trans_b: true,
            m: m as u64,
            n: n as u64,
            k: k as u64,
            lda: k as u64,
            ldb: k as u64,
            ldc: n as u64,
            stride_a: (m * k) as u64,
            stride_b: 0,
            stride_c: (m * n) as u64,
            batch: batch as u64,
            alpha: 0.5,
            ..GemmCall::default()
        };
        b.cuda_gemm(a, w, c, call);
        b.cuda_code("sm_52", ".version 7.8\n.target sm_52\n.address_size 64\n");
        let bundle = b.finish().unwrap();
        let mut exe = match CudaExecutable::load(&bundle) {
            Ok(e) => e,
            Err(RuntimeError::UnsupportedDevice(why)) => {
                skip(&why);
                return;
            }
            Err(e) => panic!("{e}"),
        };
        let av: Vec<f32> = (0..batch * m * k).map(|i| (i % 11) as f32 - 5.0).collect();
        let wv: Vec<f32> = (0..n * k).map(|i| (i % 7) as f32 * 0.25).collect();
        let le = |v: &[f32]| -> Vec<u8> { v.iter().flat_map(|x| x.to_le_bytes()).collect() };
        exe.set_input(0, &le(&av)).unwrap();
        exe.set_input(1, &le(&wv)).unwrap();
        for graph in [false, true, true] {
            exe.use_graph = graph;
            exe.run().unwrap();
        }
        let profile = exe.run_profiled().unwrap();
        assert_eq!(profile.len(), 1);
        assert_eq!(profile[0].0, flowc_bundle::LIBRARY_SGEMM);
        assert!(profile[0].1 >= 0.0);
        let out: Vec<f32> = exe
            .output(0)
            .unwrap()
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
            .collect();
        for bi in 0..batch {
            for i in 0..m {
                for j in 0..n {
                    let dot: f32 = (0..k)
                        .map(|p| av[bi * m * k + i * k + p] * wv[j * k + p])
                        .sum();
                    let got = out[bi * m * n + i * n + j];
                    assert!(
                        (got - 0.5 * dot).abs() <= 1e-4 * (1.0 + dot.abs()),
                        "{bi} {i} {j}"
                    );
                }
            }
        }
    }
}
