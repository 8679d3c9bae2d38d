//! The runtime on bundles whose kernels are C compiled at test time. Every test returns early
//! (saying so) when there is no C compiler.

mod common;

use std::sync::Arc;

use common::*;
use flowc_bundle::{Arg, BundleBuilder, BundleError};
use flowc_runtime::{Model, RuntimeError, Session, SessionOptions, TensorInfo};
use flowc_tensor::{DType, Tensor};

fn kernels() -> Option<Vec<u8>> {
    shared_object(KERNELS_C)
}

fn session(bundle: &[u8], threads: usize) -> Session {
    let model = Arc::new(Model::from_bytes(bundle).unwrap());
    Session::new(model, SessionOptions { threads }).unwrap()
}

#[test]
fn add_runs_and_signature_is_reported() {
    let Some(so) = kernels() else { return };
    let model = Arc::new(Model::from_bytes(&add_bundle(&so)).unwrap());
    assert_eq!(
        model.inputs(),
        [TensorInfo {
            name: "x".into(),
            dtype: DType::F32,
            shape: vec![2, 3],
            bytes: 24
        }]
    );
    assert_eq!(model.outputs()[0].name, "y");
    assert_eq!(model.input_index("x"), Some(0));
    assert_eq!(model.output_index("y"), Some(0));
    assert_eq!(model.output_index("x"), None);
    assert_eq!(model.producer(), "flowc-runtime tests");
    assert_eq!(model.target_triple(), host_triple());
    assert_eq!((model.num_launches(), model.arena_bytes()), (1, 0));
    assert_eq!(model.weight_bytes(), 64);

    let mut s = Session::new(model, SessionOptions::default()).unwrap();
    assert!(s.threads() >= 1);
    let x = [1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0];
    s.set_input("x", DType::F32, &[2, 3], &f32_bytes(&x))
        .unwrap();
    s.run().unwrap();
    let y = s.output("y").unwrap();
    assert_eq!(
        (y.name(), y.dtype(), y.shape()),
        ("y", DType::F32, &[2usize, 3][..])
    );
    assert_eq!(f32s(y.bytes()), [11.0, 22.0, 33.0, 44.0, 55.0, 66.0]);
    let t = s.output_tensor(0).unwrap();
    assert_eq!(t.shape(), [2, 3]);
    assert_eq!(
        t.as_slice::<f32>().unwrap(),
        [11.0, 22.0, 33.0, 44.0, 55.0, 66.0]
    );
}

#[test]
fn tensors_in_and_out_and_in_place_inputs() {
    let Some(so) = kernels() else { return };
    let mut s = session(&add_bundle(&so), 1);
    let x = Tensor::from_vec(vec![2, 3], vec![0.5f32, 1.5, 2.5, 3.5, 4.5, 5.5]).unwrap();
    s.set_input_tensor(0, &x).unwrap();
    s.run().unwrap();
    let y = s.output_tensor("y").unwrap();
    assert_eq!(
        y.as_slice::<f32>().unwrap(),
        [10.5, 21.5, 32.5, 43.5, 54.5, 65.5]
    );

    s.input_bytes_mut("x")
        .unwrap()
        .copy_from_slice(&f32_bytes(&[1.0; 6]));
    s.run().unwrap();
    assert_eq!(
        f32s(s.output(0).unwrap().bytes()),
        [11.0, 21.0, 31.0, 41.0, 51.0, 61.0]
    );
}

#[test]
fn chain_through_the_arena_with_many_tasks() {
    let Some(so) = kernels() else { return };
    let bundle = chain_bundle(&so);
    for threads in [1, 2, 3, 5, 16, 32] {
        let mut s = session(&bundle, threads);
        assert_eq!(s.threads(), threads);
        let x: Vec<f32> = (0..CHAIN_N).map(|i| (i % 17) as f32 - 3.0).collect();
        s.set_input(0, DType::F32, &[CHAIN_N], &f32_bytes(&x))
            .unwrap();
        s.run().unwrap();
        assert_eq!(
            f32s(s.output(0).unwrap().bytes()),
            chain_expected(&x),
            "{threads} threads"
        );
    }
}

#[test]
fn profiled_runs_time_every_launch_and_compute_the_same() {
    let Some(so) = kernels() else { return };
    let bundle = chain_bundle(&so);
    let expected_launches: Vec<(String, u64)> = flowc_bundle::decode(&bundle)
        .unwrap()
        .launches
        .iter()
        .map(|l| (l.kernel.clone(), l.tasks))
        .collect();
    let mut s = session(&bundle, 2);
    let x: Vec<f32> = (0..CHAIN_N).map(|i| (i % 13) as f32 - 5.0).collect();
    s.set_input(0, DType::F32, &[CHAIN_N], &f32_bytes(&x))
        .unwrap();
    let profile = s.run_profiled().unwrap();
    let got: Vec<(String, u64)> = profile
        .iter()
        .map(|l| (l.kernel.clone(), l.tasks))
        .collect();
    assert_eq!(got, expected_launches);
    assert_eq!(f32s(s.output(0).unwrap().bytes()), chain_expected(&x));
}

#[test]
fn sessions_are_reused_across_runs() {
    let Some(so) = kernels() else { return };
    let mut s = session(&chain_bundle(&so), 2);
    for run in 0..20 {
        let x: Vec<f32> = (0..CHAIN_N).map(|i| (i * run) as f32 * 0.25).collect();
        s.set_input("x", DType::F32, &[CHAIN_N], &f32_bytes(&x))
            .unwrap();
        s.run().unwrap();
        assert_eq!(f32s(s.output("y").unwrap().bytes()), chain_expected(&x));
        // Inputs stay set: running again gives the same output.
        s.run().unwrap();
        assert_eq!(f32s(s.output("y").unwrap().bytes()), chain_expected(&x));
    }
}

#[test]
fn launches_split_into_contiguous_ranges_one_per_thread() {
    let Some(so) = kernels() else { return };
    for tasks in [1u64, 2, 3, 7, 8, 64, 1000] {
        let bundle = mark_bundle(&so, tasks);
        let model = Arc::new(Model::from_bytes(&bundle).unwrap());
        for threads in [1, 2, 3, 4, 8] {
            let mut s = Session::new(model.clone(), SessionOptions { threads }).unwrap();
            s.run().unwrap();
            let count = s.output_tensor("count").unwrap().into_vec::<i32>().unwrap();
            let begins = s
                .output_tensor("begins")
                .unwrap()
                .into_vec::<i64>()
                .unwrap();
            let ends = s.output_tensor("ends").unwrap().into_vec::<i64>().unwrap();
            let what = format!("{tasks} tasks on {threads} threads");
            assert!(
                count.iter().all(|&c| c == 1),
                "{what}: every task once: {count:?}"
            );
            let mut ranges: Vec<(i64, i64)> = begins.iter().copied().zip(ends).collect();
            ranges.dedup();
            let parts = (tasks as usize).min(threads);
            assert_eq!(ranges.len(), parts, "{what}: {ranges:?}");
            assert_eq!(ranges[0].0, 0, "{what}");
            assert_eq!(ranges.last().unwrap().1, tasks as i64, "{what}");
            for w in ranges.windows(2) {
                assert_eq!(w[0].1, w[1].0, "{what}: contiguous");
            }
            let sizes: Vec<i64> = ranges.iter().map(|(b, e)| e - b).collect();
            let (min, max) = (*sizes.iter().min().unwrap(), *sizes.iter().max().unwrap());
            assert!(max - min <= 1, "{what}: balanced: {sizes:?}");
            // A second run adds one more visit per task.
            s.run().unwrap();
            let count = s.output_tensor("count").unwrap().into_vec::<i32>().unwrap();
            assert!(count.iter().all(|&c| c == 2), "{what}");
        }
    }
}

#[test]
fn sessions_on_one_model_run_on_several_threads_at_once() {
    let Some(so) = kernels() else { return };
    let model = Arc::new(Model::from_bytes(&chain_bundle(&so)).unwrap());
    let handles: Vec<_> = (0..4)
        .map(|t| {
            let model = model.clone();
            std::thread::spawn(move || {
                let mut s = Session::new(model, SessionOptions { threads: 2 }).unwrap();
                for run in 0..50 {
                    let x: Vec<f32> = (0..CHAIN_N)
                        .map(|i| (i + 7 * run + 1000 * t) as f32)
                        .collect();
                    s.set_input("x", DType::F32, &[CHAIN_N], &f32_bytes(&x))
                        .unwrap();
                    s.run().unwrap();
                    assert_eq!(f32s(s.output("y").unwrap().bytes()), chain_expected(&x));
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    // A session also moves between threads.
    let mut s = Session::new(model, SessionOptions { threads: 2 }).unwrap();
    let x = vec![1.0f32; CHAIN_N];
    s.set_input(0, DType::F32, &[CHAIN_N], &f32_bytes(&x))
        .unwrap();
    let s = std::thread::spawn(move || {
        s.run().unwrap();
        s
    })
    .join()
    .unwrap();
    assert_eq!(f32s(s.output(0).unwrap().bytes()), chain_expected(&x));
}

#[test]
fn buffers_are_aligned_and_weights_placed() {
    let Some(so) = kernels() else { return };
    let mut b = BundleBuilder::new("t");
    let flags = b.output("flags", DType::I32, &[4]);
    let bytes = b.output("bytes", DType::U8, &[2]);
    let w1 = b.weight("w1", vec![7u8; 10]);
    let mut w2_data = vec![0u8; 100];
    w2_data[99] = 42;
    let w2 = b.weight("w2", w2_data);
    b.memory(256, 128, 64);
    b.launch("probe", &[flags, w1, w2, Arg::arena(128, 64), bytes], 1);
    b.cpu_code(host_triple(), so);
    let mut s = session(&b.finish_bytes().unwrap(), 1);
    s.run().unwrap();
    let flags = s.output_tensor("flags").unwrap().into_vec::<i32>().unwrap();
    assert_eq!(flags, [1, 1, 1, 1]);
    assert_eq!(s.output("bytes").unwrap().bytes(), [7, 42]);
}

#[test]
fn wrong_inputs_are_clear_errors() {
    let Some(so) = kernels() else { return };
    let mut s = session(&add_bundle(&so), 1);
    let x = f32_bytes(&[0.0; 6]);

    let e = s.set_input("x", DType::F64, &[2, 3], &[0; 48]).unwrap_err();
    assert!(matches!(e, RuntimeError::DType { .. }));
    assert_eq!(e.to_string(), "input \"x\" has dtype f32, got f64");

    let e = s.set_input("x", DType::F32, &[3, 2], &x).unwrap_err();
    assert_eq!(e.to_string(), "input \"x\" has shape [2, 3], got [3, 2]");
    let e = s.set_input("x", DType::F32, &[6], &x).unwrap_err();
    assert!(matches!(e, RuntimeError::Shape { .. }), "{e}");

    let e = s.set_input("x", DType::F32, &[2, 3], &x[..20]).unwrap_err();
    assert_eq!(e.to_string(), "input \"x\" needs 24 bytes, got 20");

    let e = s.set_input("nope", DType::F32, &[2, 3], &x).unwrap_err();
    assert_eq!(e.to_string(), "the model has no input \"nope\"");
    let e = s.set_input(1, DType::F32, &[2, 3], &x).unwrap_err();
    assert_eq!(e.to_string(), "the model has no input #1 (it has 1)");

    let t = Tensor::from_vec(vec![2, 3], vec![0i32; 6]).unwrap();
    let e = s.set_input_tensor("x", &t).unwrap_err();
    assert_eq!(e.to_string(), "input \"x\" has dtype f32, got i32");
    let t = Tensor::from_vec(vec![1, 6], vec![0f32; 6]).unwrap();
    let e = s.set_input_tensor(0, &t).unwrap_err();
    assert!(matches!(e, RuntimeError::Shape { .. }), "{e}");

    // Nothing was set by the failed calls.
    assert_eq!(s.output(0).unwrap_err(), RuntimeError::NotRun);
    let e = s.run().unwrap_err();
    assert_eq!(e, RuntimeError::MissingInput("x".into()));
    assert_eq!(e.to_string(), "input \"x\" was not set before run");
    assert_eq!(
        s.output("z").unwrap_err().to_string(),
        "the model has no output \"z\""
    );

    s.set_input("x", DType::F32, &[2, 3], &x).unwrap();
    s.run().unwrap();
    assert_eq!(f32s(s.output(0).unwrap().bytes()), ADD_W);
}

#[test]
fn bad_bundles_are_errors() {
    let Some(so) = kernels() else { return };
    let good = chain_bundle(&so);
    Model::from_bytes(&good).unwrap();
    // Every truncation.
    for n in 0..good.len() {
        match Model::from_bytes(&good[..n]) {
            Err(RuntimeError::Bundle(_)) => {}
            other => panic!("truncated to {n} bytes: {other:?}"),
        }
    }
    let e = Model::from_bytes(b"\x7fELF not a bundle").unwrap_err();
    assert_eq!(e, RuntimeError::Bundle(BundleError::NotABundle));

    // A file that is not there.
    let e = Model::load("/nonexistent/model.fcb").unwrap_err();
    assert!(matches!(e, RuntimeError::Io { .. }), "{e}");
    assert!(e.to_string().starts_with("/nonexistent/model.fcb: "), "{e}");

    // A shared object that is not one.
    let e = Model::from_bytes(&add_bundle(b"garbage")).unwrap_err();
    assert!(matches!(e, RuntimeError::Load(_)), "{e}");

    // A kernel the shared object does not export.
    let mut b = add_builder(&so);
    b.launch("no_such_kernel", &[], 1);
    let e = Model::from_bytes(&b.finish_bytes().unwrap()).unwrap_err();
    assert!(
        matches!(&e, RuntimeError::MissingSymbol { kernel, .. } if kernel == "no_such_kernel"),
        "{e}"
    );
    assert!(
        e.to_string()
            .starts_with("the shared object does not export kernel \"no_such_kernel\""),
        "{e}"
    );

    // Code for another machine.
    let mut b = add_builder(&so);
    b.cpu_code("riscv64-unknown-none-elf", so.clone());
    let e = Model::from_bytes(&b.finish_bytes().unwrap()).unwrap_err();
    assert!(matches!(e, RuntimeError::WrongTarget { .. }), "{e}");

    // CUDA launches are not for the CPU `Model` (the CUDA device runs those bundles).
    let mut b = add_builder(&so);
    b.cuda_code("sm_90", ".version 8.0");
    b.cuda_launch("k", &[], [1, 1, 1], [32, 1, 1]);
    let e = Model::from_bytes(&b.finish_bytes().unwrap()).unwrap_err();
    assert_eq!(e, RuntimeError::UnsupportedDevice("cuda".into()));

    // An in-memory bundle is validated too.
    let mut bundle = flowc_bundle::decode(&good).unwrap();
    bundle.launches[0].args[1].buffer = Some(flowc_bundle::proto::buffer_ref::Buffer::Arena(8192));
    let e = Model::from_bundle(&bundle).unwrap_err();
    assert!(
        matches!(e, RuntimeError::Bundle(BundleError::Invalid { .. })),
        "{e}"
    );
}

#[test]
fn unresolved_symbols_fail_at_load_not_at_run() {
    let Some(so) = shared_object(
        "#include <stdint.h>\n\
         extern void flowc_test_not_defined_anywhere(void);\n\
         void k(void *const *a, int64_t b, int64_t e) { flowc_test_not_defined_anywhere(); }\n",
    ) else {
        return;
    };
    let mut b = BundleBuilder::new("t");
    b.launch("k", &[], 1);
    b.cpu_code(host_triple(), so);
    let e = Model::from_bytes(&b.finish_bytes().unwrap()).unwrap_err();
    assert!(matches!(e, RuntimeError::Load(_)), "{e}");
    assert!(
        e.to_string().contains("flowc_test_not_defined_anywhere"),
        "{e}"
    );
}

#[test]
fn load_from_a_file_and_many_models_at_once() {
    let Some(so) = kernels() else { return };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("add.fcb");
    std::fs::write(&path, add_bundle(&so)).unwrap();
    // Several models of the same code loaded side by side (and dropped in between) each run
    // their own copy.
    let mut models = Vec::new();
    for i in 0..8 {
        models.push(Arc::new(Model::load(&path).unwrap()));
        if i % 3 == 2 {
            models.remove(0);
        }
    }
    let mut b = add_builder(&so);
    // A model with different weights but the same kernel name must not get another's code.
    b.weight("unused", vec![1u8; 3]);
    models.push(Arc::new(
        Model::from_bytes(&b.finish_bytes().unwrap()).unwrap(),
    ));
    for m in models {
        let mut s = Session::new(m, SessionOptions { threads: 1 }).unwrap();
        s.set_input(0, DType::F32, &[2, 3], &f32_bytes(&[1.0; 6]))
            .unwrap();
        s.run().unwrap();
        assert_eq!(
            f32s(s.output(0).unwrap().bytes()),
            [11.0, 21.0, 31.0, 41.0, 51.0, 61.0]
        );
    }
}

#[test]
fn distinct_code_in_models_loaded_together() {
    // Two shared objects exporting the same symbol with different behaviour: each model must
    // call its own (no mix-up through the dynamic loader's name cache).
    let src = |c: f32| {
        format!(
            "#include <stdint.h>\nvoid add6(void *const *a, int64_t b, int64_t e) {{\n\
             float *y = a[2]; for (int i = 0; i < 6; i++) y[i] = {c:?}f; }}\n"
        )
    };
    let (Some(one), Some(two)) = (shared_object(&src(1.0)), shared_object(&src(2.0))) else {
        return;
    };
    let m1 = Arc::new(Model::from_bytes(&add_bundle(&one)).unwrap());
    let m2 = Arc::new(Model::from_bytes(&add_bundle(&two)).unwrap());
    for (m, v) in [(m1, 1.0f32), (m2, 2.0)] {
        let mut s = Session::new(m, SessionOptions { threads: 1 }).unwrap();
        s.set_input(0, DType::F32, &[2, 3], &f32_bytes(&[0.0; 6]))
            .unwrap();
        s.run().unwrap();
        assert_eq!(f32s(s.output(0).unwrap().bytes()), [v; 6]);
    }
}

#[test]
fn a_model_without_launches_or_code() {
    let mut b = BundleBuilder::new("t");
    b.input("x", DType::U8, &[0]);
    b.output("y", DType::Bool, &[2]);
    let model = Arc::new(Model::from_bytes(&b.finish_bytes().unwrap()).unwrap());
    let mut s = Session::new(model, SessionOptions { threads: 0 }).unwrap();
    assert!(s.threads() >= 1);
    s.set_input("x", DType::U8, &[0], &[]).unwrap();
    s.run().unwrap();
    assert_eq!(s.output("y").unwrap().bytes(), [0, 0]);
    assert_eq!(
        s.output_tensor("y").unwrap().as_slice::<bool>().unwrap(),
        [false, false]
    );
}
