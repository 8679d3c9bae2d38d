//! TensorProto conversion: every dtype through raw_data and typed fields, `.pb` files, external
//! data (offsets past 4 GiB, escapes, short files) and model loading.

use flowc_onnx::proto::{StringStringEntryProto, TensorProto};
use flowc_onnx::{
    OnnxError, read_tensor_pb, tensor_from_proto, tensor_to_proto, tensor_to_proto_typed,
    write_named_tensor_pb, write_tensor_pb,
};
use flowc_tensor::Tensor;
use flowc_tensor::half::{bf16, f16};
use std::io::{Seek, SeekFrom, Write};
use std::path::PathBuf;

fn tmpdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("flowc-onnx-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn samples() -> Vec<Tensor> {
    vec![
        Tensor::from_f32(
            vec![2, 2],
            vec![1.5, -0.0, f32::INFINITY, f32::MIN_POSITIVE],
        )
        .unwrap(),
        Tensor::from_f64(vec![3], vec![1e300, -2.5, f64::NAN]).unwrap(),
        Tensor::from_f16(vec![2], vec![f16::from_f32(1.5), f16::from_f32(-65504.0)]).unwrap(),
        Tensor::from_bf16(vec![2], vec![bf16::from_f32(3.0), bf16::from_f32(-1e30)]).unwrap(),
        Tensor::from_i8(vec![3], vec![-128, 0, 127]).unwrap(),
        Tensor::from_i16(vec![2], vec![-32768, 32767]).unwrap(),
        Tensor::from_i32(vec![2], vec![i32::MIN, i32::MAX]).unwrap(),
        Tensor::from_i64(vec![2], vec![i64::MIN, i64::MAX]).unwrap(),
        Tensor::from_u8(vec![2], vec![0, 255]).unwrap(),
        Tensor::from_u16(vec![2], vec![0, 65535]).unwrap(),
        Tensor::from_u32(vec![2], vec![0, u32::MAX]).unwrap(),
        Tensor::from_u64(vec![2], vec![0, u64::MAX]).unwrap(),
        Tensor::from_bool(vec![3], vec![true, false, true]).unwrap(),
        Tensor::from_f32(vec![0, 3], vec![]).unwrap(),
        Tensor::scalar(42i64),
    ]
}

fn same_bits(a: &Tensor, b: &Tensor) {
    assert_eq!(a.dtype(), b.dtype());
    assert_eq!(a.shape(), b.shape());
    assert_eq!(a.to_bytes_le(), b.to_bytes_le(), "{a:?} vs {b:?}");
}

#[test]
fn every_dtype_round_trips_raw_and_typed() {
    for t in samples() {
        let raw = tensor_to_proto(&t, "t");
        assert!(raw.raw_data.is_some());
        same_bits(&tensor_from_proto(&raw, None).unwrap(), &t);
        let typed = tensor_to_proto_typed(&t, "t");
        assert!(typed.raw_data.is_none());
        same_bits(&tensor_from_proto(&typed, None).unwrap(), &t);
    }
}

#[test]
fn pb_files_round_trip() {
    let dir = tmpdir("pb");
    for (i, t) in samples().iter().enumerate() {
        let path = dir.join(format!("output_{i}.pb"));
        if i % 2 == 0 {
            write_tensor_pb(&path, t).unwrap();
        } else {
            write_named_tensor_pb(&path, t, "y").unwrap();
        }
        same_bits(&read_tensor_pb(&path).unwrap(), t);
    }
    std::fs::write(dir.join("junk.pb"), b"\xff\xff\xff").unwrap();
    assert!(matches!(
        read_tensor_pb(dir.join("junk.pb")),
        Err(OnnxError::Decode(_))
    ));
    assert!(matches!(
        read_tensor_pb(dir.join("missing.pb")),
        Err(OnnxError::Io { .. })
    ));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_tensors_are_errors() {
    let base = TensorProto {
        name: Some("w".into()),
        data_type: Some(1),
        dims: vec![2, 2],
        ..Default::default()
    };
    let cases: Vec<(TensorProto, &str)> = vec![
        (base.clone(), "has no data"),
        (
            TensorProto {
                float_data: vec![1.0; 3],
                ..base.clone()
            },
            "float_data holds 3 elements",
        ),
        (
            TensorProto {
                raw_data: Some(vec![0; 15]),
                ..base.clone()
            },
            "raw_data holds 15 bytes",
        ),
        (
            TensorProto {
                dims: vec![2, -1],
                ..base.clone()
            },
            "negative dim",
        ),
        (
            TensorProto {
                dims: vec![i64::MAX, i64::MAX],
                ..base.clone()
            },
            "overflow",
        ),
        (
            TensorProto {
                dims: vec![1 << 62],
                ..base.clone()
            },
            "too large",
        ),
        (
            TensorProto {
                data_type: Some(8),
                ..base.clone()
            },
            "STRING",
        ),
        (
            TensorProto {
                data_type: Some(0),
                ..base.clone()
            },
            "UNDEFINED",
        ),
        (
            TensorProto {
                data_type: Some(999),
                ..base.clone()
            },
            "data type 999",
        ),
    ];
    for (tp, needle) in cases {
        let e = tensor_from_proto(&tp, None).unwrap_err().to_string();
        assert!(e.contains(needle), "`{needle}` not in `{e}`");
    }
}

#[test]
fn bool_bytes_are_normalized() {
    let tp = TensorProto {
        data_type: Some(9),
        dims: vec![3],
        raw_data: Some(vec![0, 2, 255]),
        ..Default::default()
    };
    let t = tensor_from_proto(&tp, None).unwrap();
    assert_eq!(t.to_bytes_le(), vec![0, 1, 1]);
}

fn external(location: &str, offset: Option<u64>, length: Option<u64>, dims: &[i64]) -> TensorProto {
    let mut entries = vec![StringStringEntryProto {
        key: Some("location".into()),
        value: Some(location.into()),
    }];
    if let Some(o) = offset {
        entries.push(StringStringEntryProto {
            key: Some("offset".into()),
            value: Some(o.to_string()),
        });
    }
    if let Some(l) = length {
        entries.push(StringStringEntryProto {
            key: Some("length".into()),
            value: Some(l.to_string()),
        });
    }
    TensorProto {
        name: Some("w".into()),
        data_type: Some(1),
        dims: dims.to_vec(),
        data_location: Some(1),
        external_data: entries,
        ..Default::default()
    }
}

/// Weights far beyond 2 GiB (and 4 GiB) into an external file: a sparse file, read with a seek.
#[test]
fn external_data_past_4_gib() {
    let dir = tmpdir("ext");
    let offset: u64 = 5 << 30;
    let values = [1.0f32, 2.0, 3.0, 4.0];
    let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    {
        let mut f = std::fs::File::create(dir.join("weights.bin")).unwrap();
        f.seek(SeekFrom::Start(offset)).unwrap();
        f.write_all(&bytes).unwrap();
    }
    let tp = external("weights.bin", Some(offset), Some(16), &[2, 2]);
    let t = tensor_from_proto(&tp, Some(&dir)).unwrap();
    assert_eq!(t.as_slice::<f32>().unwrap(), &values);
    // `./` prefixes and a missing length are fine.
    let tp = external("./weights.bin", Some(offset), None, &[4]);
    assert_eq!(tensor_from_proto(&tp, Some(&dir)).unwrap().len(), 4);

    let err = |tp: TensorProto| tensor_from_proto(&tp, Some(&dir)).unwrap_err().to_string();
    assert!(err(external("weights.bin", Some(offset + 4), None, &[4])).contains("too few"));
    assert!(err(external("weights.bin", Some(u64::MAX), None, &[4])).contains("too few"));
    assert!(err(external("weights.bin", Some(offset), Some(12), &[4])).contains("length 12"));
    assert!(err(external("weights.bin", None, Some(1), &[4])).contains("length 1"));
    assert!(err(external("../weights.bin", None, None, &[4])).contains("relative path inside"));
    assert!(err(external("/etc/passwd", None, None, &[4])).contains("relative path inside"));
    assert!(err(external("missing.bin", None, None, &[4])).contains("missing.bin"));
    assert!(err(external("", None, None, &[4])).contains("without a 'location'"));
    let mut bad_offset = external("weights.bin", None, None, &[4]);
    bad_offset.external_data.push(StringStringEntryProto {
        key: Some("offset".into()),
        value: Some("-3".into()),
    });
    assert!(err(bad_offset).contains("not a byte count"));
    // Without a model directory, external data is refused.
    let e = tensor_from_proto(&external("weights.bin", None, None, &[4]), None).unwrap_err();
    assert!(e.to_string().contains("without the model's directory"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn external_data_symlink_out_of_the_model_dir_is_refused() {
    let dir = tmpdir("link");
    let outside = tmpdir("outside");
    std::fs::write(outside.join("secret.bin"), [0u8; 16]).unwrap();
    std::os::unix::fs::symlink(outside.join("secret.bin"), dir.join("link.bin")).unwrap();
    let e = tensor_from_proto(&external("link.bin", None, None, &[4]), Some(&dir)).unwrap_err();
    assert!(
        e.to_string().contains("leads out of the model's directory"),
        "{e}"
    );
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&outside);
}

#[test]
fn load_model_errors() {
    let dir = tmpdir("load");
    assert!(matches!(
        flowc_onnx::load_model(&dir),
        Err(OnnxError::Io { .. })
    ));
    std::fs::write(dir.join("empty.onnx"), b"").unwrap();
    let e = flowc_onnx::load_model(dir.join("empty.onnx")).unwrap_err();
    assert!(e.to_string().contains("has no graph"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}
