use flowc_tensor::DType;
use prost::Message;

use crate::proto::buffer_ref::Buffer;
use crate::*;

/// x: f32[2, 32] (256 bytes), w: 256 bytes, t: arena [0, 256), y: f32[2, 32].
fn sample() -> BundleBuilder {
    let mut b = BundleBuilder::new("test");
    let x = b.input("x", DType::F32, &[2, 32]);
    let y = b.output("y", DType::F32, &[2, 32]);
    let w = b.weight("w", vec![7u8; 256]);
    let t = Arg::arena(0, 256);
    b.memory(512, 64, 256);
    b.launch("mul", &[x, w, t], 2);
    b.launch("relu", &[t, y], 1);
    b.cpu_code("x86_64-unknown-linux-gnu", vec![1, 2, 3]);
    b
}

fn sample_bundle() -> Bundle {
    sample().finish().unwrap()
}

/// The validation error of `bundle` after `edit`, as text.
fn invalid(edit: impl FnOnce(&mut Bundle)) -> String {
    let mut b = sample_bundle();
    edit(&mut b);
    let err = validate(&b).expect_err("the edit should make the bundle invalid");
    // Decoding reports the same error.
    assert_eq!(decode(&encode(&b)).unwrap_err(), err);
    err.to_string()
}

#[test]
fn round_trip() {
    let b = sample_bundle();
    let bytes = encode(&b);
    assert_eq!(&bytes[..8], b"FLOWCBND");
    assert_eq!(&bytes[8..12], &1u32.to_le_bytes());
    assert_eq!(
        &bytes[12..20],
        &((bytes.len() - HEADER_LEN) as u64).to_le_bytes()
    );
    assert_eq!(decode(&bytes).unwrap(), b);
}

#[test]
fn builder_fills_fields() {
    let b = sample_bundle();
    assert_eq!(b.format_version, FORMAT_VERSION);
    assert_eq!(b.producer, "test");
    assert_eq!(b.inputs[0].element_type(), Some(DType::F32));
    assert_eq!(b.inputs[0].dims(), Some(vec![2, 32]));
    assert_eq!(b.inputs[0].byte_size(), Some(256));
    assert_eq!(b.code.len(), 1);
    assert_eq!(b.code[0].device, "cpu");
    assert_eq!(b.code[0].kernels, ["mul", "relu"]);
    assert_eq!(
        b.code_for("cpu").unwrap().triple,
        "x86_64-unknown-linux-gnu"
    );
    assert!(b.code_for("cuda").is_none());
    let l = &b.launches[0];
    assert_eq!(
        (l.kernel.as_str(), l.tasks, l.device.as_str()),
        ("mul", 2, "cpu")
    );
    let kinds: Vec<_> = l.args.iter().map(|a| a.kind().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            BufferKind::Input(0),
            BufferKind::Weight(0),
            BufferKind::Arena(0)
        ]
    );
    assert!(l.args.iter().all(|a| a.bytes == 256 && a.byte_offset == 0));
    let m = b.memory.unwrap();
    assert_eq!((m.arena_bytes, m.alignment, m.peak_bytes), (512, 64, 256));
}

#[test]
fn builder_code_replaces_and_keeps_listed_kernels() {
    let mut b = sample();
    b.code(DeviceCode {
        device: "cpu".into(),
        triple: "aarch64-unknown-linux-gnu".into(),
        shared_object: vec![9],
        ptx: String::new(),
        kernels: vec!["relu".into(), "unused".into()],
    });
    let b = b.finish().unwrap();
    assert_eq!(b.code.len(), 1);
    assert_eq!(b.code[0].triple, "aarch64-unknown-linux-gnu");
    assert_eq!(b.code[0].kernels, ["relu", "unused", "mul"]);
}

#[test]
fn views() {
    let mut b = BundleBuilder::new("test");
    let x = b.input("x", DType::U8, &[256]);
    let y = b.output("y", DType::U8, &[128]);
    let v = x.view(64, 128).view(64, 64);
    assert_eq!((v.byte_offset, v.bytes), (128, 64));
    b.launch("copy", &[v, y], 1);
    b.cpu_code("t", vec![1]);
    let bundle = b.finish().unwrap();
    let r = &bundle.launches[0].args[0];
    assert_eq!(r.buffer, Some(Buffer::Input(0)));
    assert_eq!((r.byte_offset, r.bytes), (128, 64));
    // One byte past the end.
    let mut b2 = BundleBuilder::new("test");
    let x = b2.input("x", DType::U8, &[256]);
    b2.launch("k", &[x.view(192, 65)], 1);
    b2.cpu_code("t", vec![1]);
    let e = b2.finish().unwrap_err().to_string();
    assert!(
        e.contains("bytes [192, 257) exceed the input's 256 bytes"),
        "{e}"
    );
}

#[test]
fn dtype_codes() {
    for (i, &d) in DType::ALL.iter().enumerate() {
        assert_eq!(dtype_code(d), i as i32 + 1, "{d}");
        assert_eq!(dtype_from_code(dtype_code(d)), Some(d));
    }
    assert_eq!(dtype_from_code(0), None);
    assert_eq!(dtype_from_code(14), None);
    assert_eq!(dtype_from_code(-1), None);
}

#[test]
fn byte_sizes() {
    assert_eq!(tensor_byte_size(DType::F16, &[3, 5]), Some(30));
    assert_eq!(tensor_byte_size(DType::I64, &[]), Some(8));
    assert_eq!(tensor_byte_size(DType::F32, &[0, 7]), Some(0));
    assert_eq!(tensor_byte_size(DType::F32, &[-1]), None);
    assert_eq!(tensor_byte_size(DType::U8, &[1 << 62, 2]), None);
    assert_eq!(tensor_byte_size(DType::F64, &[1 << 61]), None);
}

#[test]
fn header_errors() {
    let good = encode(&sample_bundle());
    assert_eq!(decode(&[]).unwrap_err(), BundleError::NotABundle);
    assert_eq!(decode(b"PK\x03\x04").unwrap_err(), BundleError::NotABundle);
    let mut bad = good.clone();
    bad[0] = b'G';
    assert_eq!(decode(&bad).unwrap_err(), BundleError::NotABundle);

    let mut v2 = good.clone();
    v2[8] = 2;
    assert_eq!(
        decode(&v2).unwrap_err(),
        BundleError::UnsupportedVersion {
            found: 2,
            supported: 1
        }
    );
    assert!(
        decode(&v2)
            .unwrap_err()
            .to_string()
            .contains("version 2 is not supported")
    );

    let mut trailing = good.clone();
    trailing.push(0);
    let e = decode(&trailing).unwrap_err().to_string();
    assert!(e.contains("the file holds"), "{e}");

    // The message's own version must agree.
    let mut b = sample_bundle();
    b.format_version = 7;
    assert!(matches!(
        decode(&encode(&b)).unwrap_err(),
        BundleError::UnsupportedVersion { found: 7, .. }
    ));
}

#[test]
fn every_truncation_is_an_error() {
    let bytes = encode(&sample_bundle());
    assert!(decode(&bytes).is_ok());
    for n in 0..bytes.len() {
        let e = decode(&bytes[..n]).expect_err("a truncated bundle must not decode");
        if n > 0 {
            assert!(
                matches!(e, BundleError::Decode(_)),
                "truncated to {n} bytes: {e}"
            );
        }
    }
}

#[test]
fn corrupted_payloads_never_panic() {
    // A truncated or garbled message behind a header that agrees with it: prost rejects it or
    // validation does, without panicking.
    let bundle = sample_bundle();
    let payload = bundle.encode_to_vec();
    let with_header = |p: &[u8]| {
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&(p.len() as u64).to_le_bytes());
        out.extend_from_slice(p);
        out
    };
    for n in 0..payload.len() {
        // A message cut at a field boundary can decode; it must then fail validation or be a
        // consistent (smaller) bundle.
        if let Ok(b) = decode(&with_header(&payload[..n])) {
            assert!(validate(&b).is_ok());
        }
    }
    // Deterministic byte flips (xorshift).
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut rejected = 0;
    for _ in 0..5000 {
        let mut p = payload.clone();
        for _ in 0..1 + next() % 4 {
            let i = (next() % p.len() as u64) as usize;
            p[i] = next() as u8;
        }
        match decode(&with_header(&p)) {
            Ok(b) => validate(&b).unwrap(),
            Err(_) => rejected += 1,
        }
    }
    assert!(rejected > 1000, "only {rejected} corruptions rejected");
}

#[test]
fn signature_errors() {
    let e = invalid(|b| b.inputs[0].name.clear());
    assert!(e.contains("inputs[0]: empty name"), "{e}");
    let e = invalid(|b| b.outputs[0].name = "y\0".into());
    assert!(
        e.contains("outputs[0]: name \"y\\0\" contains a NUL byte"),
        "{e}"
    );
    let e = invalid(|b| {
        let dup = b.inputs[0].clone();
        b.inputs.push(dup);
    });
    assert!(e.contains("inputs[1]: name \"x\" used twice"), "{e}");
    let e = invalid(|b| b.inputs[0].dtype = 0);
    assert!(e.contains("inputs[0]: unknown dtype 0"), "{e}");
    let e = invalid(|b| b.inputs[0].dtype = 99);
    assert!(e.contains("unknown dtype 99"), "{e}");
    let e = invalid(|b| b.outputs[0].shape = vec![2, -32]);
    assert!(e.contains("outputs[0]: negative dim -32"), "{e}");
    let e = invalid(|b| b.outputs[0].shape = vec![1 << 40, 1 << 40]);
    assert!(e.contains("too many bytes"), "{e}");
}

#[test]
fn memory_errors() {
    let e = invalid(|b| b.memory = None);
    assert!(e.contains("memory: the bundle has no memory plan"), "{e}");
    for a in [0, 48, 8192] {
        let e = invalid(|b| b.memory.as_mut().unwrap().alignment = a);
        assert!(e.contains("memory.alignment"), "{e}");
    }
    let e = invalid(|b| b.memory.as_mut().unwrap().peak_bytes = 513);
    assert!(e.contains("peak_bytes: 513 exceeds arena_bytes 512"), "{e}");
    let e = invalid(|b| {
        let m = b.memory.as_mut().unwrap();
        m.arena_bytes = u64::MAX;
    });
    assert!(e.contains("larger than i64::MAX"), "{e}");
}

#[test]
fn reference_errors() {
    fn arg(b: &mut Bundle, l: usize, a: usize) -> &mut BufferRef {
        &mut b.launches[l].args[a]
    }
    let e = invalid(|b| arg(b, 0, 0).buffer = Some(Buffer::Input(1)));
    assert!(
        e.contains("launches[0].args[0]: input 1 does not exist (1 inputs)"),
        "{e}"
    );
    let e = invalid(|b| arg(b, 1, 1).buffer = Some(Buffer::Output(3)));
    assert!(
        e.contains("launches[1].args[1]: output 3 does not exist"),
        "{e}"
    );
    let e = invalid(|b| arg(b, 0, 1).buffer = Some(Buffer::Weight(u32::MAX)));
    assert!(e.contains("weight 4294967295 does not exist"), "{e}");
    let e = invalid(|b| arg(b, 0, 0).buffer = None);
    assert!(e.contains("launches[0].args[0]: no buffer set"), "{e}");
    // Arena slices must lie in the arena.
    let e = invalid(|b| arg(b, 0, 2).buffer = Some(Buffer::Arena(320)));
    assert!(
        e.contains("launches[0].args[2]: bytes [320, 576) exceed the arena's 512 bytes"),
        "{e}"
    );
    let e = invalid(|b| arg(b, 0, 2).buffer = Some(Buffer::Arena(u64::MAX - 64)));
    assert!(e.contains("byte range overflows"), "{e}");
    // Byte ranges within the signature's and weights' sizes.
    let e = invalid(|b| arg(b, 0, 0).bytes = 257);
    assert!(
        e.contains("bytes [0, 257) exceed the input's 256 bytes"),
        "{e}"
    );
    let e = invalid(|b| arg(b, 0, 1).byte_offset = 64);
    assert!(
        e.contains("bytes [64, 320) exceed the weight's 256 bytes"),
        "{e}"
    );
    let e = invalid(|b| arg(b, 1, 1).byte_offset = u64::MAX);
    assert!(e.contains("overflows"), "{e}");
    // Alignment of every argument.
    let e = invalid(|b| {
        let a = arg(b, 0, 0);
        a.byte_offset = 4;
        a.bytes = 4;
    });
    assert!(
        e.contains("input byte offset 4 is not a multiple of 64"),
        "{e}"
    );
    let e = invalid(|b| arg(b, 1, 0).buffer = Some(Buffer::Arena(32)));
    assert!(
        e.contains("arena byte offset 32 is not a multiple of 64"),
        "{e}"
    );
    // Valid edits stay valid: a view inside the arena.
    let mut b = sample_bundle();
    *arg(&mut b, 1, 0) = Arg::arena(256, 256).into();
    validate(&b).unwrap();
}

#[test]
fn launch_and_code_errors() {
    let e = invalid(|b| b.launches[0].kernel = "conv".into());
    assert!(
        e.contains("launches[0]: kernel \"conv\" is not in the \"cpu\" code"),
        "{e}"
    );
    let e = invalid(|b| b.launches[1].device = "cuda".into());
    assert!(
        e.contains("launches[1]: no code for device \"cuda\""),
        "{e}"
    );
    let e = invalid(|b| b.launches[1].device.clear());
    assert!(e.contains("no code for device \"\""), "{e}");
    let e = invalid(|b| b.launches[0].tasks = 0);
    assert!(e.contains("task count 0 is not in 1..=i64::MAX"), "{e}");
    let e = invalid(|b| b.launches[0].tasks = 1 << 63);
    assert!(e.contains("task count"), "{e}");
    let e = invalid(|b| {
        let mut again = b.launches[1].clone();
        again.args.pop();
        b.launches.push(again);
    });
    assert!(
        e.contains("launches[2]: kernel \"relu\" gets 1 arguments here but 2 in an earlier launch"),
        "{e}"
    );
    let e = invalid(|b| b.code[0].shared_object.clear());
    assert!(
        e.contains("CPU code lists kernels but has no shared object"),
        "{e}"
    );
    let e = invalid(|b| b.code[0].kernels.push("mul".into()));
    assert!(
        e.contains("code[0].kernels[2]: kernel \"mul\" listed twice"),
        "{e}"
    );
    let e = invalid(|b| b.code[0].kernels.push(String::new()));
    assert!(e.contains("code[0].kernels[2]: empty name"), "{e}");
    let e = invalid(|b| {
        let dup = b.code[0].clone();
        b.code.push(dup);
    });
    assert!(
        e.contains("code[1]: a second code entry for device \"cpu\""),
        "{e}"
    );
    let e = invalid(|b| b.code[0].device.clear());
    assert!(e.contains("code[0]: empty device name"), "{e}");
}

#[test]
fn cuda_code_is_carried() {
    let mut b = BundleBuilder::new("test");
    let x = b.input("x", DType::F32, &[16]);
    let y = b.output("y", DType::F32, &[16]);
    b.code(DeviceCode {
        device: DEVICE_CUDA.into(),
        triple: "nvptx64-nvidia-cuda".into(),
        ptx: ".version 8.0".into(),
        ..DeviceCode::default()
    });
    b.cuda_launch("k", &[x, y], [1, 1, 1], [4, 1, 1]);
    let bundle = decode(&b.finish_bytes().unwrap()).unwrap();
    let code = bundle.code_for("cuda").unwrap();
    assert_eq!(code.kernels, ["k"]);
    assert_eq!(code.ptx, ".version 8.0");
}

#[test]
fn empty_bundle_is_valid() {
    let b = BundleBuilder::new("nothing").finish().unwrap();
    assert_eq!(decode(&encode(&b)).unwrap(), b);
}

#[test]
fn errors_display() {
    assert_eq!(
        BundleError::NotABundle.to_string(),
        "not a flowc bundle (the file does not start with \"FLOWCBND\")"
    );
    assert_eq!(
        BundleError::Decode("x".into()).to_string(),
        "malformed bundle: x"
    );
}

/// A CUDA bundle: PTX code, launches with grid and block sizes; their checks.
#[test]
fn cuda_launches_and_code() {
    let mut b = BundleBuilder::new("test");
    let x = b.input("x", DType::F32, &[2, 32]);
    let y = b.output("y", DType::F32, &[2, 32]);
    b.memory(0, 64, 0);
    b.cuda_launch("relu", &[x, y], [2, 1, 1], [32, 1, 1]);
    b.cuda_code("sm_90", ".version 7.8\n.target sm_90\n");
    let bundle = b.finish().unwrap();
    let decoded = decode(&encode(&bundle)).unwrap();
    assert_eq!(decoded, bundle);
    let l = &bundle.launches[0];
    assert_eq!((l.device.as_str(), l.tasks), (DEVICE_CUDA, 64));
    assert_eq!(
        (l.grid.as_slice(), l.block.as_slice()),
        (&[2, 1, 1][..], &[32, 1, 1][..])
    );
    let code = bundle.code_for(DEVICE_CUDA).unwrap();
    assert_eq!(code.kernels, ["relu"]);
    assert!(code.ptx.starts_with(".version"));

    let check = |edit: &dyn Fn(&mut Bundle)| {
        let mut b = bundle.clone();
        edit(&mut b);
        validate(&b).unwrap_err().to_string()
    };
    let e = check(&|b| b.launches[0].block = vec![2048, 1, 1]);
    assert!(e.contains("at most 1024 threads"), "{e}");
    let e = check(&|b| b.launches[0].grid = vec![2, 1]);
    assert!(e.contains("three positive grid and block sizes"), "{e}");
    let e = check(&|b| b.code[0].ptx.clear());
    assert!(e.contains("no PTX"), "{e}");
}

/// A library GEMM launch: carried with its parameters, not listed as a kernel of the PTX, and
/// refused when its matrices do not fit their arguments or it is not a CUDA cuBLAS call.
#[test]
fn cuda_gemm_calls() {
    let mut b = BundleBuilder::new("test");
    // C[2, 3] = A[2, 4] * B^T, B stored [3, 4].
    let a = b.input("a", DType::F32, &[2, 4]);
    let w = b.weight("w", vec![0u8; 3 * 4 * 4]);
    let c = b.output("c", DType::F32, &[2, 3]);
    b.memory(0, 64, 0);
    let call = GemmCall {
        trans_b: true,
        m: 2,
        n: 3,
        k: 4,
        lda: 4,
        ldb: 4,
        ldc: 3,
        batch: 1,
        alpha: 1.0,
        ..GemmCall::default()
    };
    b.cuda_gemm(a, w, c, call);
    b.cuda_launch("relu", &[c, c], [1, 1, 1], [6, 1, 1]);
    b.cuda_code("sm_90", ".version 7.8\n");
    let bundle = b.finish().unwrap();
    assert_eq!(decode(&encode(&bundle)).unwrap(), bundle);
    assert_eq!(bundle.code_for(DEVICE_CUDA).unwrap().kernels, ["relu"]);
    assert_eq!(bundle.launches[0].kernel, LIBRARY_SGEMM);

    let check = |edit: &dyn Fn(&mut Bundle)| {
        let mut b = bundle.clone();
        edit(&mut b);
        validate(&b).unwrap_err().to_string()
    };
    let gemm = |b: &mut Bundle| -> GemmCall { b.launches[0].gemm.unwrap() };
    let e = check(&|b| {
        let mut g = gemm(b);
        g.lda = 3; // rows of A overlap
        b.launches[0].gemm = Some(g);
    });
    assert!(e.contains("GEMM A: leading dimension 3 < 4"), "{e}");
    let e = check(&|b| {
        let mut g = gemm(b);
        g.n = 4; // B would need a 4th row
        g.ldc = 4;
        b.launches[0].gemm = Some(g);
    });
    assert!(
        e.contains("GEMM B") && e.contains("does not fit its 48 bytes"),
        "{e}"
    );
    let e = check(&|b| {
        let mut g = gemm(b);
        g.batch = 2; // a second A needs a stride and bytes
        g.stride_a = 8;
        b.launches[0].gemm = Some(g);
    });
    assert!(
        e.contains("GEMM A") && e.contains("does not fit its 32 bytes"),
        "{e}"
    );
    let e = check(&|b| {
        let mut g = gemm(b);
        g.k = 0;
        b.launches[0].gemm = Some(g);
    });
    assert!(e.contains("1..=i32::MAX"), "{e}");
    let e = check(&|b| {
        let mut g = gemm(b);
        g.stride_c = u64::MAX; // one batch: unused, but cuBLAS takes it as a signed 64-bit
        b.launches[0].gemm = Some(g);
    });
    assert!(e.contains("at most i64::MAX"), "{e}");
    let e = check(&|b| b.launches[0].args.truncate(2));
    assert!(e.contains("takes [A, B, C]"), "{e}");
    let e = check(&|b| b.launches[0].kernel = "relu".into());
    assert!(e.contains("must be \"cublas.sgemm\""), "{e}");
}
