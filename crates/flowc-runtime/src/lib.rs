//! flowc's runtime: loads a bundle written by the compiler and runs it. Links no LLVM.
//!
//! - [`Model`]: the immutable, shareable half: the signature, the weights (64-byte aligned),
//!   the kernels (the bundle's shared object written to a memfd, `dlopen`ed, every symbol
//!   resolved once) and the launch plan. `Send + Sync`; share it with `Arc`.
//! - [`Session`]: the mutable half, one per thread of use: a 64-byte aligned arena, input and
//!   output buffers and a thread pool, allocated once and reused by every run.
//! - The C API (`include/flowc.h`, built as `libflowc_runtime.so` / `.a`): the same in C.
//!
//! ```no_run
//! use std::sync::Arc;
//! use flowc_runtime::{Model, Session, SessionOptions};
//! use flowc_tensor::{DType, Tensor};
//!
//! let model = Arc::new(Model::load("model.fcb")?);
//! let mut session = Session::new(model.clone(), SessionOptions::default())?;
//! let x = Tensor::from_vec(vec![1, 4], vec![1.0f32, 2.0, 3.0, 4.0])?;
//! session.set_input_tensor("x", &x)?;
//! session.run()?;
//! let y = session.output_tensor(0)?;
//! println!("{:?}", y.as_slice::<f32>()?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Launch semantics: launches run in order; a launch with `n` tasks calls
//! `void kernel(void *const *args, int64_t task_begin, int64_t task_end)` on `min(n, threads)`
//! contiguous ranges of `0..n`, one per thread (the caller runs the first; a single range is a
//! direct call on the caller's thread), and returns when all are done.
//!
//! Errors ([`RuntimeError`]) cover bad files, wrong dtypes / shapes / sizes, missing inputs and
//! missing symbols; nothing panics on bad input. Loading a bundle runs its code, so a bundle is
//! trusted as much as any shared library: validation guards against malformed metadata, not
//! against malicious kernels.

mod aligned;
pub mod cuda;
mod error;
pub mod ffi;
mod loader;
mod model;
mod pool;
mod session;

pub use error::RuntimeError;
pub use model::{Model, TensorInfo};
pub use session::{LaunchTime, Output, Session, SessionOptions, TensorKey};

pub use flowc_bundle;
pub use flowc_tensor;

#[cfg(test)]
#[path = "../tests/common/mod.rs"]
mod common;

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    use crate::loader::Storage;

    /// Both ways of writing the shared object out load and run the same kernels.
    #[test]
    fn memfd_and_temp_file_storage() {
        let Some(so) = common::shared_object(common::KERNELS_C) else {
            return;
        };
        let bundle = flowc_bundle::decode(&common::add_bundle(&so)).unwrap();
        let by_default = Model::from_bundle(&bundle).unwrap();
        assert_eq!(by_default.storage(), Some(Storage::Memfd));
        let via_file = Model::from_validated(&bundle, Storage::TempFile).unwrap();
        assert_eq!(via_file.storage(), Some(Storage::TempFile));
        for model in [by_default, via_file] {
            let mut s = Session::new(Arc::new(model), SessionOptions { threads: 1 }).unwrap();
            let x = common::f32_bytes(&[1.0; 6]);
            s.set_input(0, flowc_tensor::DType::F32, &[2, 3], &x)
                .unwrap();
            s.run().unwrap();
            let y = common::f32s(s.output(0).unwrap().bytes());
            assert_eq!(y, [11.0, 21.0, 31.0, 41.0, 51.0, 61.0]);
        }
    }

    /// The temp file is removed with the model.
    #[test]
    fn temp_file_is_removed() {
        let Some(so) = common::shared_object(common::KERNELS_C) else {
            return;
        };
        let bundle = flowc_bundle::decode(&common::add_bundle(&so)).unwrap();
        let model = Model::from_validated(&bundle, Storage::TempFile).unwrap();
        let path = model.code_path().unwrap();
        assert!(path.exists(), "{}", path.display());
        assert!(
            path.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("flowc-kernels-")
        );
        drop(model);
        assert!(!path.exists(), "{}", path.display());
    }

    #[test]
    fn model_and_session_are_thread_safe() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<Model>();
        send_sync::<Session>();
    }
}
