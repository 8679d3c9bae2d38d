//! The C API from C: `examples/c/run_model.c` and `tests/c/api_test.c` compiled with `cc`
//! against the cdylib and run on a test bundle. Skipped (with a message) without a C compiler.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

const CRATE: &str = env!("CARGO_MANIFEST_DIR");

/// Compiles `source` against `include/flowc.h` and the cdylib into `out`.
fn build_c_program(source: &Path, out: &Path) {
    let lib_dir = cdylib_dir();
    let so = lib_dir.join("libflowc_runtime.so");
    assert!(
        so.exists(),
        "{} is missing: cargo builds it with the library (crate-type cdylib)",
        so.display()
    );
    let include = Path::new(CRATE).join("include");
    let mut rpath = std::ffi::OsString::from("-Wl,-rpath,");
    rpath.push(&lib_dir);
    run_cc(&[
        "-std=c11".as_ref(),
        "-D_POSIX_C_SOURCE=200809L".as_ref(),
        "-Wall".as_ref(),
        "-Wextra".as_ref(),
        "-Werror".as_ref(),
        "-I".as_ref(),
        include.as_os_str(),
        source.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
        "-L".as_ref(),
        lib_dir.as_os_str(),
        "-lflowc_runtime".as_ref(),
        "-lpthread".as_ref(),
        &rpath,
    ]);
}

fn add_bundle_file(dir: &Path) -> Option<PathBuf> {
    let so = shared_object(KERNELS_C)?;
    let path = dir.join("add.fcb");
    std::fs::write(&path, add_bundle(&so)).unwrap();
    Some(path)
}

#[test]
fn run_model_example() {
    let dir = tempfile::tempdir().unwrap();
    let Some(bundle) = add_bundle_file(dir.path()) else {
        return;
    };
    let exe = dir.path().join("run_model");
    build_c_program(&Path::new(CRATE).join("examples/c/run_model.c"), &exe);

    let out = Command::new(&exe).arg(&bundle).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Inputs default to 0, 1, 2, ...
    assert_eq!(
        stdout,
        "input x f32 [2, 3]\noutput y f32 [2, 3]: 10 21 32 43 54 65\n"
    );

    let out = Command::new(&exe)
        .arg(&bundle)
        .args(["0.5", "-1"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .ends_with("output y f32 [2, 3]: 10.5 19 30.5 39 50.5 59\n"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // Errors reach the user as messages and a non-zero exit.
    let out = Command::new(&exe)
        .arg(dir.path().join("missing.fcb"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("FLOWC_ERROR_IO") && stderr.contains("missing.fcb"),
        "{stderr}"
    );
}

#[test]
fn c_api_errors_and_threads() {
    let dir = tempfile::tempdir().unwrap();
    let Some(bundle) = add_bundle_file(dir.path()) else {
        return;
    };
    let exe = dir.path().join("api_test");
    build_c_program(&Path::new(CRATE).join("tests/c/api_test.c"), &exe);
    let out = Command::new(&exe).arg(&bundle).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.ends_with(", 0 failed\n"), "{stdout}");
}
