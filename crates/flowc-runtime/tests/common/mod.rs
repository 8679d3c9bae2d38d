//! Test bundles whose kernels are C compiled at test time (`cc -shared -fPIC`), so the runtime
//! is tested without the compiler.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use flowc_bundle::{Arg, BundleBuilder};
use flowc_tensor::DType;

/// The C compiler: `$CC`, else `cc`.
pub fn cc() -> String {
    std::env::var("CC").unwrap_or_else(|_| "cc".to_string())
}

/// Whether a C compiler runs; prints why a test is skipped when not.
pub fn have_cc() -> bool {
    match Command::new(cc()).arg("--version").output() {
        Ok(o) if o.status.success() => true,
        Ok(o) => {
            eprintln!("skipping: `{} --version` failed: {:?}", cc(), o.status);
            false
        }
        Err(e) => {
            eprintln!("skipping: no C compiler (`{}`): {e}", cc());
            false
        }
    }
}

/// Runs the C compiler with `args`, panicking with its output when it fails.
pub fn run_cc(args: &[&std::ffi::OsStr]) {
    let out = Command::new(cc())
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("running {}: {e}", cc()));
    assert!(
        out.status.success(),
        "{} {:?} failed:\n{}",
        cc(),
        args,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Compiles `source` into a shared object and returns its bytes; `None` (after saying why) when
/// there is no C compiler.
pub fn shared_object(source: &str) -> Option<Vec<u8>> {
    if !have_cc() {
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("kernels.c");
    let so = dir.path().join("kernels.so");
    std::fs::write(&c, source).unwrap();
    run_cc(&[
        "-shared".as_ref(),
        "-fPIC".as_ref(),
        "-O2".as_ref(),
        "-o".as_ref(),
        so.as_os_str(),
        c.as_os_str(),
    ]);
    Some(std::fs::read(&so).unwrap())
}

/// The kernels of the test bundles, with the kernel ABI.
pub const KERNELS_C: &str = r#"
#include <stdint.h>
#define CHUNK 64

/* y = x + w over 6 floats; one task. */
void add6(void *const *args, int64_t b, int64_t e) {
  const float *x = args[0], *w = args[1];
  float *y = args[2];
  (void)b; (void)e;
  for (int i = 0; i < 6; i++) y[i] = x[i] + w[i];
}

/* t = 2 x, one task per 64 floats. */
void scale2(void *const *args, int64_t b, int64_t e) {
  const float *x = args[0];
  float *t = args[1];
  for (int64_t i = b * CHUNK; i < e * CHUNK; i++) t[i] = 2.0f * x[i];
}

/* y = t + bias, one task per 64 floats. */
void add_bias(void *const *args, int64_t b, int64_t e) {
  const float *t = args[0], *bias = args[1];
  float *y = args[2];
  for (int64_t i = b * CHUNK; i < e * CHUNK; i++) y[i] = t[i] + bias[i];
}

/* For every task t in [b, e): count[t] += 1, begins[t] = b, ends[t] = e. */
void mark(void *const *args, int64_t b, int64_t e) {
  int32_t *count = args[0];
  int64_t *begins = args[1], *ends = args[2];
  for (int64_t t = b; t < e; t++) {
    count[t] += 1;
    begins[t] = b;
    ends[t] = e;
  }
}

/* flags[k] = 1 if args[k + 1] is 64-byte aligned (k < 3); bytes = {w1[0], w2[99]}. */
void probe(void *const *args, int64_t b, int64_t e) {
  int32_t *flags = args[0];
  const uint8_t *w1 = args[1], *w2 = args[2];
  uint8_t *bytes = args[4];
  (void)b; (void)e;
  for (int k = 0; k < 3; k++) flags[k] = ((uintptr_t)args[k + 1] % 64) == 0;
  flags[3] = ((uintptr_t)args[0] % 64) == 0 && ((uintptr_t)args[4] % 64) == 0;
  bytes[0] = w1[0];
  bytes[1] = w2[99];
}

void empty(void *const *args, int64_t b, int64_t e) {
  (void)args; (void)b; (void)e;
}

/* A few microseconds of busy work per task. */
void spin(void *const *args, int64_t b, int64_t e) {
  (void)args;
  for (int64_t t = b; t < e; t++)
    for (volatile int i = 0; i < 10000; i++) {
    }
}
"#;

pub fn host_triple() -> String {
    format!(
        "{}-unknown-{}-gnu",
        std::env::consts::ARCH,
        std::env::consts::OS
    )
}

pub fn f32_bytes(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

pub fn f32s(bytes: &[u8]) -> Vec<f32> {
    bytes
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
        .collect()
}

pub const ADD_W: [f32; 6] = [10.0, 20.0, 30.0, 40.0, 50.0, 60.0];

/// x: f32[2, 3] -> y = x + ADD_W (one launch, one task).
pub fn add_builder(so: &[u8]) -> BundleBuilder {
    let mut b = BundleBuilder::new("flowc-runtime tests");
    let x = b.input("x", DType::F32, &[2, 3]);
    let y = b.output("y", DType::F32, &[2, 3]);
    let w = b.weight("w", f32_bytes(&ADD_W));
    b.launch("add6", &[x, w, y], 1);
    b.cpu_code(host_triple(), so.to_vec());
    b
}

pub fn add_bundle(so: &[u8]) -> Vec<u8> {
    add_builder(so).finish_bytes().unwrap()
}

pub const CHAIN_N: usize = 1024;

pub fn chain_bias() -> Vec<f32> {
    (0..CHAIN_N).map(|i| i as f32 * 0.5).collect()
}

/// x: f32[1024] -> t = 2 x (arena, offset 4096) -> y = t + bias; 16 tasks per launch.
pub fn chain_bundle(so: &[u8]) -> Vec<u8> {
    let mut b = BundleBuilder::new("flowc-runtime tests");
    let x = b.input("x", DType::F32, &[CHAIN_N as i64]);
    let y = b.output("y", DType::F32, &[CHAIN_N as i64]);
    let bias = b.weight("bias", f32_bytes(&chain_bias()));
    let t = Arg::arena(4096, 4096);
    b.memory(8192, 64, 4096);
    b.launch("scale2", &[x, t], 16);
    b.launch("add_bias", &[t, bias, y], 16);
    b.cpu_code(host_triple(), so.to_vec());
    b.finish_bytes().unwrap()
}

/// The expected chain output for input x.
pub fn chain_expected(x: &[f32]) -> Vec<f32> {
    x.iter()
        .zip(chain_bias())
        .map(|(x, b)| 2.0 * x + b)
        .collect()
}

/// No inputs; `tasks` tasks of `mark` recording their ranges in three outputs.
pub fn mark_bundle(so: &[u8], tasks: u64) -> Vec<u8> {
    let mut b = BundleBuilder::new("flowc-runtime tests");
    let n = tasks as i64;
    let count = b.output("count", DType::I32, &[n]);
    let begins = b.output("begins", DType::I64, &[n]);
    let ends = b.output("ends", DType::I64, &[n]);
    b.launch("mark", &[count, begins, ends], tasks);
    b.cpu_code(host_triple(), so.to_vec());
    b.finish_bytes().unwrap()
}

/// The cdylib built next to the test executables (target/<profile>/libflowc_runtime.so).
pub fn cdylib_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    // target/<profile>/deps/<test>-<hash>
    exe.parent().and_then(Path::parent).unwrap().to_path_buf()
}
