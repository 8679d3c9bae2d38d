//! End-to-end tests: kernels in loop-level IR are translated, optimized, linked into a shared
//! object, loaded, and called with real buffers; the numbers are checked against Rust.
#![allow(unsafe_code)]

use flowc_ir::{Context, Op};
use flowc_llvm::{TargetOptions, emit_object, link_shared_object};

/// A heap buffer aligned to 64 bytes, as the kernel ABI requires.
struct Buffer {
    storage: Vec<Chunk>,
    len: usize,
}

#[repr(C, align(64))]
#[derive(Clone, Copy)]
struct Chunk([u8; 64]);

impl Buffer {
    fn zeroed(bytes: usize) -> Buffer {
        Buffer {
            storage: vec![Chunk([0; 64]); bytes.div_ceil(64).max(1)],
            len: bytes,
        }
    }

    fn bytes_mut(&mut self) -> &mut [u8] {
        let len = self.len;
        // SAFETY: `storage` holds at least `len` initialized bytes.
        unsafe { std::slice::from_raw_parts_mut(self.storage.as_mut_ptr().cast::<u8>(), len) }
    }

    fn bytes(&self) -> &[u8] {
        // SAFETY: as above.
        unsafe { std::slice::from_raw_parts(self.storage.as_ptr().cast::<u8>(), self.len) }
    }

    fn from_f32(values: &[f32]) -> Buffer {
        let mut b = Buffer::zeroed(values.len() * 4);
        for (chunk, v) in b.bytes_mut().chunks_exact_mut(4).zip(values) {
            chunk.copy_from_slice(&v.to_le_bytes());
        }
        b
    }

    fn to_f32(&self) -> Vec<f32> {
        self.bytes()
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
            .collect()
    }

    fn from_u16(values: &[u16]) -> Buffer {
        let mut b = Buffer::zeroed(values.len() * 2);
        for (chunk, v) in b.bytes_mut().chunks_exact_mut(2).zip(values) {
            chunk.copy_from_slice(&v.to_le_bytes());
        }
        b
    }

    fn to_u16(&self) -> Vec<u16> {
        self.bytes()
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes(c.try_into().unwrap()))
            .collect()
    }

    fn from_i64(values: &[i64]) -> Buffer {
        let mut b = Buffer::zeroed(values.len() * 8);
        for (chunk, v) in b.bytes_mut().chunks_exact_mut(8).zip(values) {
            chunk.copy_from_slice(&v.to_le_bytes());
        }
        b
    }

    fn to_i64(&self) -> Vec<i64> {
        self.bytes()
            .chunks_exact(8)
            .map(|c| i64::from_le_bytes(c.try_into().unwrap()))
            .collect()
    }

    fn ptr(&mut self) -> *mut u8 {
        self.storage.as_mut_ptr().cast::<u8>()
    }
}

fn context() -> Context {
    let mut ctx = Context::new();
    ctx.register_dialect(flowc_func::dialect());
    ctx.register_dialect(flowc_arith::dialect());
    ctx.register_dialect(flowc_math::dialect());
    ctx.register_dialect(flowc_loop::dialect());
    ctx.register_dialect(flowc_buffer::dialect());
    ctx.register_dialect(flowc_vector::dialect());
    ctx
}

fn parse(ctx: &mut Context, src: &str) -> Op {
    let module = match flowc_ir::parser::parse_source(ctx, src, "test.mlir", 0) {
        Ok(m) => m,
        Err(d) => panic!("{}", d[0].render(ctx)),
    };
    if let Err(d) = flowc_ir::verifier::verify(ctx, module) {
        panic!("{}", d[0].render(ctx));
    }
    module
}

/// A loaded shared object with its kernels.
struct Loaded {
    lib: libloading::Library,
    _dir: TempPath,
}

struct TempPath(std::path::PathBuf);

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

type Kernel = unsafe extern "C" fn(*const *mut u8, i64, i64);

impl Loaded {
    /// Calls kernel `name` on `buffers` for tasks `[begin, end)`.
    fn call(&self, name: &str, buffers: &mut [&mut Buffer], begin: i64, end: i64) {
        let args: Vec<*mut u8> = buffers.iter_mut().map(|b| b.ptr()).collect();
        // SAFETY: the symbol is a kernel with the ABI `void(void *const *, i64, i64)`, and every
        // buffer has the size and 64-byte alignment of its memref argument.
        unsafe {
            let f: libloading::Symbol<'_, Kernel> = self.lib.get(name.as_bytes()).unwrap();
            f(args.as_ptr(), begin, end);
        }
    }
}

/// Compiles `src` for the host, links and loads it.
fn compile(src: &str) -> Loaded {
    compile_for(src, &TargetOptions::host())
}

fn compile_for(src: &str, opts: &TargetOptions) -> Loaded {
    let mut ctx = context();
    let module = parse(&mut ctx, src);
    let object = match emit_object(&ctx, module, opts) {
        Ok(o) => o,
        Err(d) => panic!("{}", d.render(&ctx)),
    };
    let so = link_shared_object(&object).unwrap();
    assert_eq!(&so[..4], b"\x7fELF");
    static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("flowc-llvm-test-{}-{n}.so", std::process::id()));
    std::fs::write(&path, &so).unwrap();
    // SAFETY: the library is ours, with no initializers beyond the C runtime's.
    let lib = unsafe { libloading::Library::new(&path) }.unwrap();
    Loaded {
        lib,
        _dir: TempPath(path),
    }
}

const ADD: &str = r#"
func.func private @add(%a: memref<4x8xf32>, %b: memref<8xf32>, %c: memref<4x8xf32>) attributes {flowc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  loop.parallel (%i) = (%c0) to (%c4) step (%c1) {
    loop.for %j = %c0 to %c8 step %c1 {
      %x = buffer.load %a[%i, %j] : memref<4x8xf32>
      %y = buffer.load %b[%j] : memref<8xf32>
      %s = arith.addf %x, %y : f32
      buffer.store %s, %c[%i, %j] : memref<4x8xf32>
    }
    loop.yield
  }
  return
}
"#;

#[test]
fn elementwise_add_runs_by_task_ranges() {
    let lib = compile(ADD);
    let a: Vec<f32> = (0..32).map(|i| i as f32 * 0.5).collect();
    let b: Vec<f32> = (0..8).map(|i| 100.0 + i as f32).collect();
    let (mut ba, mut bb, mut bc) = (
        Buffer::from_f32(&a),
        Buffer::from_f32(&b),
        Buffer::from_f32(&[-1.0; 32]),
    );
    // Tasks are rows: run rows 1..3 only, then the rest.
    lib.call("add", &mut [&mut ba, &mut bb, &mut bc], 1, 3);
    let c = bc.to_f32();
    for (i, &v) in c.iter().enumerate() {
        let row = i / 8;
        let want = if (1..3).contains(&row) {
            a[i] + b[i % 8]
        } else {
            -1.0
        };
        assert_eq!(v, want, "element {i} after tasks [1, 3)");
    }
    lib.call("add", &mut [&mut ba, &mut bb, &mut bc], 0, 1);
    lib.call("add", &mut [&mut ba, &mut bb, &mut bc], 3, 4);
    // An empty range does nothing; a range past the end is clamped.
    lib.call("add", &mut [&mut ba, &mut bb, &mut bc], 2, 2);
    let c = bc.to_f32();
    for (i, &v) in c.iter().enumerate() {
        assert_eq!(v, a[i] + b[i % 8], "element {i}");
    }
}

#[test]
fn two_dimensional_task_loop_with_offsets_and_steps() {
    // Tasks over (i, j) = (1..5 step 2) x (0..6 step 3): 2 x 2 tasks, row-major.
    let lib = compile(
        r#"
func.func private @mark(%out: memref<6x6xi64>) attributes {flowc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c5 = arith.constant 5 : index
  %c6 = arith.constant 6 : index
  %c10 = arith.constant 10 : i64
  loop.parallel (%i, %j) = (%c1, %c0) to (%c5, %c6) step (%c2, %c3) {
    %ii = arith.index_cast %i : index to i64
    %jj = arith.index_cast %j : index to i64
    %t = arith.muli %ii, %c10 : i64
    %v = arith.addi %t, %jj : i64
    buffer.store %v, %out[%i, %j] : memref<6x6xi64>
    loop.yield
  }
  return
}
"#,
    );
    let mut out = Buffer::from_i64(&[-1; 36]);
    // Task 1 is (i = 1, j = 3); task 2 is (i = 3, j = 0).
    lib.call("mark", &mut [&mut out], 1, 3);
    let got = out.to_i64();
    for (k, &v) in got.iter().enumerate() {
        let (i, j) = (k / 6, k % 6);
        let want = if (i, j) == (1, 3) || (i, j) == (3, 0) {
            (i * 10 + j) as i64
        } else {
            -1
        };
        assert_eq!(v, want, "[{i}, {j}]");
    }
    let mut ctx = context();
    let module = parse(
        &mut ctx,
        r#"
func.func private @k(%out: memref<6x6xi64>) attributes {flowc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c5 = arith.constant 5 : index
  %c6 = arith.constant 6 : index
  loop.parallel (%i, %j) = (%c1, %c0) to (%c5, %c6) step (%c2, %c3) {
    loop.yield
  }
  return
}
"#,
    );
    let k = flowc_llvm::kernels(&ctx, module)[0];
    assert_eq!(flowc_llvm::kernel_task_count(&ctx, k).unwrap(), 4);
}

#[test]
fn reduction_with_iter_args_and_if() {
    // Row sums of the positive elements; a single-task kernel (no top-level parallel loop).
    let lib = compile(
        r#"
func.func private @rowsum(%a: memref<3x5xf32>, %out: memref<3xf32>) attributes {flowc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c5 = arith.constant 5 : index
  %z = arith.constant 0.0 : f32
  loop.for %i = %c0 to %c3 step %c1 {
    %r = loop.for %j = %c0 to %c5 step %c1 iter_args(%acc = %z) -> (f32) {
      %x = buffer.load %a[%i, %j] : memref<3x5xf32>
      %p = arith.cmpf ogt, %x, %z : f32
      %n = loop.if %p -> (f32) {
        %s = arith.addf %acc, %x : f32
        loop.yield %s : f32
      } else {
        loop.yield %acc : f32
      }
      loop.yield %n : f32
    }
    buffer.store %r, %out[%i] : memref<3xf32>
  }
  return
}
"#,
    );
    let a: Vec<f32> = (0..15).map(|i| (i as f32 - 6.0) * 1.25).collect();
    let (mut ba, mut bo) = (Buffer::from_f32(&a), Buffer::zeroed(12));
    lib.call("rowsum", &mut [&mut ba, &mut bo], 0, 1);
    let got = bo.to_f32();
    for i in 0..3 {
        let want: f32 = a[i * 5..i * 5 + 5].iter().filter(|&&x| x > 0.0).sum();
        assert_eq!(got[i], want, "row {i}");
    }
    // A one-task kernel does nothing for an empty range.
    let mut bo2 = Buffer::from_f32(&[7.0; 3]);
    lib.call("rowsum", &mut [&mut ba, &mut bo2], 0, 0);
    assert_eq!(bo2.to_f32(), vec![7.0; 3]);
}

#[test]
fn vector_fma_micro_kernel() {
    // C[i, 0:16] = sum_k A[i, k] * B[k, 0:16] with a vector accumulator, one task per row;
    // then a horizontal max per row with vector.reduction.
    let lib = compile(
        r#"
func.func private @gemm(%a: memref<4x3xf32>, %b: memref<3x16xf32>, %c: memref<4x16xf32>, %m: memref<4xf32>) attributes {flowc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant dense<0.0> : vector<16xf32>
  loop.parallel (%i) = (%c0) to (%c4) step (%c1) {
    %acc = loop.for %k = %c0 to %c3 step %c1 iter_args(%v = %zero) -> (vector<16xf32>) {
      %s = buffer.load %a[%i, %k] : memref<4x3xf32>
      %sv = vector.broadcast %s : f32 to vector<16xf32>
      %row = vector.load %b[%k, %c0] : memref<3x16xf32>, vector<16xf32>
      %n = vector.fma %sv, %row, %v : vector<16xf32>
      loop.yield %n : vector<16xf32>
    }
    vector.store %acc, %c[%i, %c0] : memref<4x16xf32>, vector<16xf32>
    %mx = vector.reduction <maxnumf>, %acc : vector<16xf32> into f32
    buffer.store %mx, %m[%i] : memref<4xf32>
    loop.yield
  }
  return
}
"#,
    );
    let a: Vec<f32> = (0..12).map(|i| 0.25 * i as f32 - 1.0).collect();
    let b: Vec<f32> = (0..48).map(|i| ((i * 7) % 11) as f32 - 5.0).collect();
    let (mut ba, mut bb, mut bc, mut bm) = (
        Buffer::from_f32(&a),
        Buffer::from_f32(&b),
        Buffer::zeroed(64 * 4),
        Buffer::zeroed(16),
    );
    lib.call("gemm", &mut [&mut ba, &mut bb, &mut bc, &mut bm], 0, 4);
    let c = bc.to_f32();
    let m = bm.to_f32();
    for i in 0..4 {
        let mut row_max = f32::NEG_INFINITY;
        for j in 0..16 {
            let mut want = 0.0f32;
            for k in 0..3 {
                want = a[i * 3 + k].mul_add(b[k * 16 + j], want);
            }
            assert_eq!(c[i * 16 + j], want, "C[{i}, {j}]");
            row_max = row_max.max(want);
        }
        assert_eq!(m[i], row_max, "max of row {i}");
    }
}

#[test]
fn f16_is_computed_in_f32_and_rounded_per_op() {
    // Both the explicit form (extf / addf / truncf, as convert-flow-to-loop writes it) and
    // arith / math ops directly on f16 (which codegen computes in f32 and rounds).
    let lib = compile(
        r#"
func.func private @half(%a: memref<64xf16>, %b: memref<64xf16>, %s: memref<64xf16>, %p: memref<64xf16>, %e: memref<64xf16>) attributes {flowc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  loop.parallel (%i) = (%c0) to (%c64) step (%c1) {
    %x = buffer.load %a[%i] : memref<64xf16>
    %y = buffer.load %b[%i] : memref<64xf16>
    %xf = arith.extf %x : f16 to f32
    %yf = arith.extf %y : f16 to f32
    %sf = arith.addf %xf, %yf : f32
    %sum = arith.truncf %sf : f32 to f16
    buffer.store %sum, %s[%i] : memref<64xf16>
    %prod = arith.mulf %x, %y : f16
    %q = arith.divf %prod, %y : f16
    buffer.store %q, %p[%i] : memref<64xf16>
    %ex = math.exp %x : f16
    buffer.store %ex, %e[%i] : memref<64xf16>
    loop.yield
  }
  return
}
"#,
    );
    use half::f16;
    let a: Vec<f16> = (0..64)
        .map(|i| f16::from_f32(0.137 * i as f32 - 3.3))
        .collect();
    let b: Vec<f16> = (0..64)
        .map(|i| f16::from_f32(1.0 / (i as f32 + 0.7)))
        .collect();
    let bits = |v: &[f16]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    let (mut ba, mut bb) = (Buffer::from_u16(&bits(&a)), Buffer::from_u16(&bits(&b)));
    let (mut bs, mut bp, mut be) = (
        Buffer::zeroed(128),
        Buffer::zeroed(128),
        Buffer::zeroed(128),
    );
    lib.call(
        "half",
        &mut [&mut ba, &mut bb, &mut bs, &mut bp, &mut be],
        0,
        64,
    );
    let (s, p, e) = (bs.to_u16(), bp.to_u16(), be.to_u16());
    for i in 0..64 {
        let (x, y) = (a[i].to_f32(), b[i].to_f32());
        assert_eq!(s[i], f16::from_f32(x + y).to_bits(), "sum {i}");
        let prod = f16::from_f32(x * y).to_f32();
        assert_eq!(p[i], f16::from_f32(prod / y).to_bits(), "product / y {i}");
        assert_eq!(e[i], f16::from_f32(x.exp()).to_bits(), "exp {i}");
    }
}

#[test]
fn math_integer_ops_scratch_views_and_copies() {
    let lib = compile(
        r#"
func.func private @misc(%x: memref<8xf32>, %n: memref<8xi64>, %fo: memref<2x8xf32>, %io: memref<4x8xi64>, %flags: memref<8xi1>) attributes {flowc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %three = arith.constant 3 : i64
  %minus3 = arith.constant -3 : i64
  %half = arith.constant 0.5 : f32
  %tmp = buffer.alloca() : memref<2x8xf32>
  loop.for %i = %c0 to %c8 step %c1 {
    %v = buffer.load %x[%i] : memref<8xf32>
    %t = math.tanh %v : f32
    %e = math.erf %v : f32
    %sum = arith.addf %t, %e : f32
    buffer.store %sum, %tmp[%c0, %i] : memref<2x8xf32>
    %big = arith.cmpf ogt, %v, %half : f32
    %m = arith.select %big, %v, %half : f32
    buffer.store %m, %tmp[%c1, %i] : memref<2x8xf32>
    buffer.store %big, %flags[%i] : memref<8xi1>
    %k = buffer.load %n[%i] : memref<8xi64>
    %cd = arith.ceildivsi %k, %minus3 : i64
    %fd = arith.floordivsi %k, %three : i64
    %p = math.ipowi %k, %three : i64
    %mx = arith.maxsi %k, %minus3 : i64
    buffer.store %cd, %io[%c0, %i] : memref<4x8xi64>
    buffer.store %fd, %io[%c1, %i] : memref<4x8xi64>
    %c2 = arith.constant 2 : index
    %c3 = arith.constant 3 : index
    buffer.store %p, %io[%c2, %i] : memref<4x8xi64>
    buffer.store %mx, %io[%c3, %i] : memref<4x8xi64>
  }
  %flat = buffer.view %tmp : memref<2x8xf32> to memref<16xf32>
  %out = buffer.view %fo : memref<2x8xf32> to memref<16xf32>
  buffer.copy %flat, %out : memref<16xf32>, memref<16xf32>
  return
}
"#,
    );
    let x: Vec<f32> = (0..8).map(|i| i as f32 * 0.4 - 1.3).collect();
    let n: Vec<i64> = vec![-7, -6, -1, 0, 1, 5, 6, 7];
    let (mut bx, mut bn) = (Buffer::from_f32(&x), Buffer::from_i64(&n));
    let (mut bf, mut bi, mut bflags) = (
        Buffer::zeroed(64),
        Buffer::zeroed(256),
        Buffer::from_u16(&[0xAAAA; 4]),
    );
    lib.call(
        "misc",
        &mut [&mut bx, &mut bn, &mut bf, &mut bi, &mut bflags],
        0,
        1,
    );
    let f = bf.to_f32();
    let io = bi.to_i64();
    let flags = bflags.bytes().to_vec();
    let floor_div = |a: i64, b: i64| (a as f64 / b as f64).floor() as i64;
    let ceil_div = |a: i64, b: i64| (a as f64 / b as f64).ceil() as i64;
    for i in 0..8 {
        let v = x[i];
        // libm's tanhf / erff, as Rust's f32::tanh and the libm crate compute them.
        assert!(
            (f[i] - (v.tanh() + libm_erff(v))).abs() <= 1e-6,
            "tanh + erf {i}: {}",
            f[i]
        );
        assert_eq!(f[8 + i], if v > 0.5 { v } else { 0.5 }, "select {i}");
        assert_eq!(flags[i], u8::from(v > 0.5), "i1 stored as a byte {i}");
        assert_eq!(io[i], ceil_div(n[i], -3), "ceildivsi {}", n[i]);
        assert_eq!(io[8 + i], floor_div(n[i], 3), "floordivsi {}", n[i]);
        assert_eq!(io[16 + i], n[i].pow(3), "ipowi {}", n[i]);
        assert_eq!(io[24 + i], n[i].max(-3), "maxsi {}", n[i]);
    }
}

/// erf in f32 through f64 (accurate to well under an f32 ulp for these inputs).
fn libm_erff(x: f32) -> f32 {
    // Abramowitz-Stegun 7.1.26 is too coarse; use the series / continued fraction of erf in f64.
    let x = f64::from(x);
    let t = x.abs();
    let r = if t < 2.5 {
        // Maclaurin series.
        let mut sum = t;
        let mut term = t;
        let mut n = 0.0;
        loop {
            n += 1.0;
            term *= -t * t / n;
            let add = term / (2.0 * n + 1.0);
            sum += add;
            if add.abs() < 1e-17 {
                break;
            }
        }
        2.0 / std::f64::consts::PI.sqrt() * sum
    } else {
        1.0 - (-t * t).exp() / (t * std::f64::consts::PI.sqrt()) * (1.0 - 0.5 / (t * t))
    };
    (if x < 0.0 { -r } else { r }) as f32
}

#[test]
fn in_place_kernel_with_may_alias() {
    // out = relu(x) written over x itself (the same buffer passed twice).
    let lib = compile(
        r#"
func.func private @relu(%x: memref<40xf32>, %y: memref<40xf32>) attributes {flowc.kernel, flowc.may_alias} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c40 = arith.constant 40 : index
  %z = arith.constant 0.0 : f32
  loop.parallel (%i) = (%c0) to (%c40) step (%c1) {
    %v = buffer.load %x[%i] : memref<40xf32>
    %r = arith.maximumf %v, %z : f32
    buffer.store %r, %y[%i] : memref<40xf32>
    loop.yield
  }
  return
}
"#,
    );
    let x: Vec<f32> = (0..40).map(|i| i as f32 - 20.5).collect();
    let mut buf = Buffer::from_f32(&x);
    let p = buf.ptr();
    let args = [p, p];
    // SAFETY: the kernel allows its output to alias its input (flowc.may_alias).
    unsafe {
        let f: libloading::Symbol<'_, Kernel> = lib.lib.get(b"relu").unwrap();
        f(args.as_ptr(), 0, 40);
    }
    let got = buf.to_f32();
    for (i, &v) in got.iter().enumerate() {
        assert_eq!(v, x[i].max(0.0), "{i}");
    }
}

#[test]
fn bf16_rounds_per_op() {
    let lib = compile(
        r#"
func.func private @bf(%a: memref<16xf32>, %o: memref<16xbf16>) attributes {flowc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %three = arith.constant 3.0 : bf16
  loop.for %i = %c0 to %c16 step %c1 {
    %v = buffer.load %a[%i] : memref<16xf32>
    %b = arith.truncf %v : f32 to bf16
    %m = arith.mulf %b, %three : bf16
    %s = arith.addf %m, %b : bf16
    buffer.store %s, %o[%i] : memref<16xbf16>
  }
  return
}
"#,
    );
    use half::bf16;
    let a: Vec<f32> = (0..16).map(|i| 1.0 / (i as f32 + 1.3) - 0.2).collect();
    let (mut ba, mut bo) = (Buffer::from_f32(&a), Buffer::zeroed(32));
    lib.call("bf", &mut [&mut ba, &mut bo], 0, 1);
    let got = bo.to_u16();
    for i in 0..16 {
        let b = bf16::from_f32(a[i]).to_f32();
        let m = bf16::from_f32(b * 3.0).to_f32();
        assert_eq!(got[i], bf16::from_f32(m + b).to_bits(), "{i}");
    }
}

/// The GPU's math (`portable_math`, what NVPTX kernels compute) checked on the host against
/// f64 references: relative error under 2e-6 for most functions (a few ulp), looser where the
/// formula cancels (pow, the inverse trig and hyperbolic functions through log / atan).
#[test]
fn portable_math_matches_f64_references() {
    type F = fn(f64) -> f64;
    let unary: &[(&str, F, f64, f64, f64)] = &[
        ("exp", f64::exp, -87.0, 88.0, 2e-6),
        ("exp2", f64::exp2, -120.0, 120.0, 2e-5),
        ("expm1", f64::exp_m1, -5.0, 5.0, 2e-6),
        ("log", f64::ln, 1e-30, 1e30, 2e-6),
        ("log2", f64::log2, 1e-3, 1e3, 2e-6),
        ("log10", f64::log10, 1e-3, 1e3, 2e-6),
        ("log1p", f64::ln_1p, -0.9, 10.0, 2e-6),
        ("sin", f64::sin, -20.0, 20.0, 2e-6),
        ("cos", f64::cos, -20.0, 20.0, 2e-6),
        ("tan", f64::tan, -1.5, 1.5, 4e-6),
        ("sinh", f64::sinh, -10.0, 10.0, 2e-6),
        ("cosh", f64::cosh, -10.0, 10.0, 2e-6),
        ("tanh", f64::tanh, -10.0, 10.0, 2e-6),
        ("atan", f64::atan, -50.0, 50.0, 2e-6),
        ("asin", f64::asin, -0.99, 0.99, 4e-6),
        ("acos", f64::acos, -0.99, 0.99, 4e-6),
        ("erf", libm::erf, -4.0, 4.0, 2e-6),
        ("erfc", libm::erfc, -2.0, 1.5, 1e-5),
        ("cbrt", f64::cbrt, -1e3, 1e3, 2e-6),
        ("asinh", f64::asinh, -10.0, 10.0, 4e-6),
        ("acosh", f64::acosh, 1.5, 100.0, 4e-6),
        ("atanh", f64::atanh, -0.9, 0.9, 4e-6),
    ];
    const N: usize = 257;
    let mut opts = TargetOptions::host();
    opts.portable_math = true;
    for &(name, reference, lo, hi, tol) in unary {
        let src = format!(
            r#"
func.func private @f(%a: memref<{N}xf32>, %b: memref<{N}xf32>) attributes {{flowc.kernel}} {{
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = arith.constant {N} : index
  loop.parallel (%i) = (%c0) to (%n) step (%c1) {{
    %x = buffer.load %a[%i] : memref<{N}xf32>
    %y = math.{name} %x : f32
    buffer.store %y, %b[%i] : memref<{N}xf32>
    loop.yield
  }}
  return
}}"#
        );
        let lib = compile_for(&src, &opts);
        let xs: Vec<f32> = (0..N)
            .map(|i| (lo + (hi - lo) * i as f64 / (N - 1) as f64) as f32)
            .collect();
        let mut a = Buffer::from_f32(&xs);
        let mut b = Buffer::from_f32(&[f32::NAN; N]);
        lib.call("f", &mut [&mut a, &mut b], 0, N as i64);
        for (x, y) in xs.iter().zip(b.to_f32()) {
            let want = reference(f64::from(*x));
            let err = (f64::from(y) - want).abs() / want.abs().max(1e-6);
            assert!(
                err <= tol,
                "{name}({x}) = {y}, want {want} (rel. error {err:e})"
            );
        }
    }
    // Special values.
    let special = r#"
func.func private @f(%a: memref<6xf32>, %b: memref<6xf32>, %c: memref<6xf32>) attributes {flowc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = arith.constant 6 : index
  loop.parallel (%i) = (%c0) to (%n) step (%c1) {
    %x = buffer.load %a[%i] : memref<6xf32>
    %e = math.exp %x : f32
    %l = math.log %x : f32
    buffer.store %e, %b[%i] : memref<6xf32>
    buffer.store %l, %c[%i] : memref<6xf32>
    loop.yield
  }
  return
}"#;
    let lib = compile_for(special, &opts);
    let xs = [0.0f32, -1.0, f32::INFINITY, f32::NAN, 100.0, -120.0];
    let mut a = Buffer::from_f32(&xs);
    let mut b = Buffer::from_f32(&[0.0; 6]);
    let mut c = Buffer::from_f32(&[0.0; 6]);
    lib.call("f", &mut [&mut a, &mut b, &mut c], 0, 6);
    let (e, l) = (b.to_f32(), c.to_f32());
    assert_eq!(e[0], 1.0);
    assert_eq!(e[2], f32::INFINITY);
    assert!(e[3].is_nan());
    assert_eq!(e[4], f32::INFINITY);
    assert_eq!(e[5], 0.0);
    assert_eq!(l[0], f32::NEG_INFINITY);
    assert!(l[1].is_nan());
    assert_eq!(l[2], f32::INFINITY);
    assert!(l[3].is_nan());
    // Binary: powf and atan2.
    let binary = r#"
func.func private @f(%a: memref<8xf32>, %b: memref<8xf32>, %p: memref<8xf32>, %t: memref<8xf32>) attributes {flowc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = arith.constant 8 : index
  loop.parallel (%i) = (%c0) to (%n) step (%c1) {
    %x = buffer.load %a[%i] : memref<8xf32>
    %y = buffer.load %b[%i] : memref<8xf32>
    %q = math.powf %x, %y : f32
    %r = math.atan2 %x, %y : f32
    buffer.store %q, %p[%i] : memref<8xf32>
    buffer.store %r, %t[%i] : memref<8xf32>
    loop.yield
  }
  return
}"#;
    let lib = compile_for(binary, &opts);
    let xs = [2.0f32, -2.0, -2.0, 0.0, 0.0, 1.5, 10.0, -3.0];
    let ys = [0.5f32, 3.0, 2.0, 2.0, -1.0, -2.5, 7.5, -0.5];
    let mut a = Buffer::from_f32(&xs);
    let mut b = Buffer::from_f32(&ys);
    let mut p = Buffer::from_f32(&[0.0; 8]);
    let mut t = Buffer::from_f32(&[0.0; 8]);
    lib.call("f", &mut [&mut a, &mut b, &mut p, &mut t], 0, 8);
    for (i, (&x, &y)) in xs.iter().zip(&ys).enumerate() {
        let (x, y) = (f64::from(x), f64::from(y));
        let (got_p, got_t) = (f64::from(p.to_f32()[i]), f64::from(t.to_f32()[i]));
        let want_p = x.powf(y);
        if want_p.is_nan() {
            assert!(got_p.is_nan(), "pow({x}, {y}) = {got_p}");
        } else if want_p.is_infinite() {
            assert_eq!(got_p, want_p, "pow({x}, {y})");
        } else {
            assert!(
                (got_p - want_p).abs() <= 1e-5 * want_p.abs().max(1e-6),
                "pow({x}, {y}) = {got_p}, want {want_p}"
            );
        }
        let want_t = x.atan2(y);
        assert!(
            (got_t - want_t).abs() <= 2e-6 * want_t.abs().max(1.0),
            "atan2({x}, {y}) = {got_t}, want {want_t}"
        );
    }
}
