//! The importer on models built in Rust: opset rewrites, constants, removed ops, folding and
//! errors. The printed IR is checked piecewise (the lit tests in test/onnx cover whole files).

mod common;

use common::*;
use flowc_onnx::ImportErrorKind;

fn has(text: &str, needle: &str) {
    assert!(text.contains(needle), "missing `{needle}` in:\n{text}");
}

fn lacks(text: &str, needle: &str) {
    assert!(!text.contains(needle), "unexpected `{needle}` in:\n{text}");
}

#[test]
fn constant_node_forms() {
    let nodes = vec![
        node(
            "Constant",
            "c0",
            &[],
            &["a"],
            vec![attr_float("value_float", 2.5)],
        ),
        node(
            "Constant",
            "c1",
            &[],
            &["b"],
            vec![attr_ints("value_ints", &[1, 2, 3])],
        ),
        node(
            "Constant",
            "c2",
            &[],
            &["c"],
            vec![attr_int("value_int", 7)],
        ),
        node(
            "Constant",
            "c3",
            &[],
            &["d"],
            vec![attr_floats("value_floats", &[1.0, 2.0])],
        ),
        node(
            "Constant",
            "c4",
            &[],
            &["e"],
            vec![attr_tensor(
                "value",
                f32_tensor("", &[2, 2], &[1.0, 2.0, 3.0, 4.0]),
            )],
        ),
    ];
    let outs = ["a", "b", "c", "d", "e"]
        .iter()
        .map(|n| vi(n, 1, None))
        .collect::<Vec<_>>();
    let mut outs = outs;
    outs[1] = vi("b", I64, None);
    outs[2] = vi("c", I64, None);
    let text = import_ok(model(13, nodes, vec![], outs, vec![]));
    has(&text, "dense<2.500000e+00> : tensor<f32>");
    has(&text, "dense<[1, 2, 3]> : tensor<3xi64>");
    has(&text, "dense<7> : tensor<i64>");
    has(&text, "dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>");
    has(
        &text,
        "dense<[[1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>",
    );
}

#[test]
fn identity_and_dropout_are_forwarded() {
    let nodes = vec![
        node("Identity", "id", &["x"], &["a"], vec![]),
        node(
            "Dropout",
            "drop",
            &["a"],
            &["b"],
            vec![attr_float("ratio", 0.3)],
        ),
        node("Relu", "relu", &["b"], &["y"], vec![]),
    ];
    let text = import_ok(model(
        11,
        nodes,
        vec![vi("x", F32, Some(&[4]))],
        vec![vi("y", F32, Some(&[4]))],
        vec![],
    ));
    lacks(&text, "flow.identity");
    lacks(&text, "flow.dropout");
    has(&text, "\"flow.relu\"(%arg0)");
}

#[test]
fn dropout_mask_is_all_true() {
    let nodes = vec![node("Dropout", "drop", &["x"], &["y", "mask"], vec![])];
    let text = import_ok(model(
        13,
        nodes,
        vec![vi("x", F32, Some(&[2, 3]))],
        vec![vi("y", F32, Some(&[2, 3])), vi("mask", BOOL, Some(&[2, 3]))],
        vec![],
    ));
    // The shape of x is static: shape and constant_of_shape fold to a constant.
    has(&text, "dense<true> : tensor<2x3xi1>");
}

#[test]
fn dropout_training_mode_is_refused() {
    let nodes = vec![
        node(
            "Constant",
            "t",
            &[],
            &["train"],
            vec![attr_tensor("value", TensorProtoBool::scalar(true))],
        ),
        node("Dropout", "drop", &["x", "", "train"], &["y"], vec![]),
    ];
    let e = import_err(model(
        13,
        nodes,
        vec![vi("x", F32, Some(&[2]))],
        vec![vi("y", F32, Some(&[2]))],
        vec![],
    ));
    assert_eq!(e.kind, ImportErrorKind::Unsupported);
    assert!(
        e.to_string().contains(
            "node 'drop' (op 'Dropout', domain '', opset 13): training mode is not supported"
        ),
        "{e}"
    );
}

struct TensorProtoBool;
impl TensorProtoBool {
    fn scalar(v: bool) -> flowc_onnx::proto::TensorProto {
        flowc_onnx::proto::TensorProto {
            data_type: Some(BOOL),
            int32_data: vec![v as i32],
            ..Default::default()
        }
    }
}

#[test]
fn split_without_sizes_gets_num_outputs() {
    let nodes = vec![node(
        "Split",
        "split",
        &["x"],
        &["a", "b", "c"],
        vec![attr_int("axis", 0)],
    )];
    let outs = vec![vi("a", F32, None), vi("b", F32, None), vi("c", F32, None)];
    let text = import_ok(model(
        13,
        nodes,
        vec![vi("x", F32, Some(&[6]))],
        outs,
        vec![],
    ));
    has(
        &text,
        "\"flow.split\"(%arg0) <{axis = 0 : i64, num_outputs = 3 : i64}>",
    );
    has(&text, "-> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>)");
}

#[test]
fn reduce_axes_attribute_until_opset_18() {
    for (opset, op) in [(17, "ReduceMax"), (12, "ReduceSum"), (13, "ReduceProd")] {
        let nodes = vec![node(
            op,
            "r",
            &["x"],
            &["y"],
            vec![attr_ints("axes", &[1]), attr_int("keepdims", 0)],
        )];
        let text = import_ok(model(
            opset,
            nodes,
            vec![vi("x", F32, Some(&[2, 3]))],
            vec![vi("y", F32, Some(&[2]))],
            vec![],
        ));
        has(&text, "dense<[1]> : tensor<1xi64>");
        has(&text, "-> tensor<2xf32>");
    }
    // At opset 13 ReduceSum takes an input already: an `axes` attribute is not part of it.
    let nodes = vec![node(
        "ReduceSum",
        "r",
        &["x"],
        &["y"],
        vec![attr_ints("axes", &[1])],
    )];
    let e = import_err(model(
        13,
        nodes,
        vec![vi("x", F32, Some(&[2, 3]))],
        vec![vi("y", F32, None)],
        vec![],
    ));
    assert!(
        e.to_string().contains("attribute 'axes' is not supported"),
        "{e}"
    );
}

#[test]
fn clip_min_only_and_max_only() {
    let nodes = vec![
        node("Clip", "lo", &["x"], &["a"], vec![attr_float("min", -1.0)]),
        node("Clip", "hi", &["a"], &["y"], vec![attr_float("max", 1.0)]),
    ];
    let text = import_ok(model(
        7,
        nodes,
        vec![vi("x", F32, Some(&[4]))],
        vec![vi("y", F32, Some(&[4]))],
        vec![],
    ));
    has(&text, "\"flow.clip\"(%arg0, %");
    has(&text, "(tensor<4xf32>, tensor<f32>) -> tensor<4xf32>");
    has(&text, "(tensor<4xf32>, none, tensor<f32>) -> tensor<4xf32>");
}

#[test]
fn resize_opset_10_and_11() {
    let scales = f32_tensor("scales", &[4], &[1.0, 1.0, 2.0, 2.0]);
    let nodes = vec![node(
        "Resize",
        "r",
        &["x", "scales"],
        &["y"],
        vec![attr_str("mode", "linear")],
    )];
    let text = import_ok(model(
        10,
        nodes,
        vec![vi("x", F32, Some(&[1, 1, 2, 2]))],
        vec![vi("y", F32, None)],
        vec![scales.clone()],
    ));
    has(
        &text,
        "<{coordinate_transformation_mode = \"asymmetric\", mode = \"linear\"}>",
    );
    has(&text, "-> tensor<1x1x4x4xf32>");

    // Opset 11: an empty roi is no roi; sizes given with empty scales.
    let roi = f32_tensor("roi", &[0], &[]);
    let empty = f32_tensor("empty", &[0], &[]);
    let sizes = i64_tensor("sizes", &[4], &[1, 1, 3, 3]);
    let nodes = vec![node(
        "Resize",
        "r",
        &["x", "roi", "empty", "sizes"],
        &["y"],
        vec![],
    )];
    let text = import_ok(model(
        11,
        nodes,
        vec![vi("x", F32, Some(&[1, 1, 2, 2]))],
        vec![vi("y", F32, None)],
        vec![roi, empty, sizes],
    ));
    has(
        &text,
        "(tensor<1x1x2x2xf32>, none, none, tensor<4xi64>) -> tensor<1x1x3x3xf32>",
    );
}

#[test]
fn softmax_before_13_with_dynamic_dims_uses_shape() {
    let nodes = vec![node(
        "LogSoftmax",
        "sm",
        &["x"],
        &["y"],
        vec![attr_int("axis", 1)],
    )];
    let text = import_ok(model(
        11,
        nodes,
        vec![vi("x", F32, Some(&[-2, 3, 4]))],
        vec![vi("y", F32, None)],
        vec![],
    ));
    has(&text, "\"flow.flatten\"(%arg0) <{axis = 1 : i64}>");
    has(&text, "\"flow.log_softmax\"");
    has(&text, "\"flow.shape\"(%arg0)");
    has(&text, "\"flow.reshape\"");
    has(&text, "-> tensor<?x3x4xf32>");
}

#[test]
fn softmax_before_13_on_last_axis_is_direct() {
    let nodes = vec![node(
        "Softmax",
        "sm",
        &["x"],
        &["y"],
        vec![attr_int("axis", -1)],
    )];
    let text = import_ok(model(
        12,
        nodes,
        vec![vi("x", F32, Some(&[2, 5]))],
        vec![vi("y", F32, None)],
        vec![],
    ));
    lacks(&text, "flow.flatten");
    has(&text, "\"flow.softmax\"(%arg0) <{axis = -1 : i64}>");
}

#[test]
fn dft_axis_attribute_before_opset_20() {
    // Default axis 1 (not the newest opset's -2): a rank-0 constant operand after a `none`
    // standing for the absent dft_length.
    let nodes = vec![node("DFT", "d", &["x"], &["y"], vec![])];
    let text = import_ok(model(
        17,
        nodes,
        vec![vi("x", F32, Some(&[3, 5, 4, 1]))],
        vec![vi("y", F32, None)],
        vec![],
    ));
    has(&text, "dense<1> : tensor<i64>");
    has(
        &text,
        "(tensor<3x5x4x1xf32>, none, tensor<i64>) -> tensor<3x5x4x2xf32>",
    );
    lacks(&text, "axis =");

    // An explicit axis and a dft_length: both operands, the axis attribute gone.
    let len = i64_tensor("len", &[], &[6]);
    let nodes = vec![node(
        "DFT",
        "d",
        &["x", "len"],
        &["y"],
        vec![attr_int("axis", 2), attr_int("onesided", 0)],
    )];
    let text = import_ok(model(
        19,
        nodes,
        vec![vi("x", F32, Some(&[3, 5, 4, 1]))],
        vec![vi("y", F32, None)],
        vec![len],
    ));
    has(&text, "dense<2> : tensor<i64>");
    has(
        &text,
        "(tensor<3x5x4x1xf32>, tensor<i64>, tensor<i64>) -> tensor<3x5x6x2xf32>",
    );
    lacks(&text, "axis =");

    // At opset 20 the axis is an input: an `axis` attribute is not part of the op.
    let nodes = vec![node("DFT", "d", &["x"], &["y"], vec![attr_int("axis", 1)])];
    let e = import_err(model(
        20,
        nodes,
        vec![vi("x", F32, Some(&[3, 5, 1]))],
        vec![vi("y", F32, None)],
        vec![],
    ));
    assert!(
        e.to_string().contains("attribute 'axis' is not supported"),
        "{e}"
    );
}

#[test]
fn group_norm_per_group_scale_before_opset_21() {
    let gn = || {
        vec![node(
            "GroupNormalization",
            "gn",
            &["x", "s", "b"],
            &["y"],
            vec![attr_int("num_groups", 2)],
        )]
    };
    // Constant scale / bias: each group's value repeated C / G = 3 times at import.
    let s = f32_tensor("s", &[2], &[1.5, -2.0]);
    let b = f32_tensor("b", &[2], &[0.25, 4.0]);
    let text = import_ok(model(
        18,
        gn(),
        vec![vi("x", F32, Some(&[1, 6, 2]))],
        vec![vi("y", F32, None)],
        vec![s, b],
    ));
    has(
        &text,
        "dense<[1.500000e+00, 1.500000e+00, 1.500000e+00, -2.000000e+00, -2.000000e+00, -2.000000e+00]> : tensor<6xf32>",
    );
    has(
        &text,
        "dense<[2.500000e-01, 2.500000e-01, 2.500000e-01, 4.000000e+00, 4.000000e+00, 4.000000e+00]> : tensor<6xf32>",
    );
    has(
        &text,
        "(tensor<1x6x2xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<1x6x2xf32>",
    );
    lacks(&text, "flow.expand");

    // Scale / bias as graph inputs: unsqueeze, expand, reshape.
    let text = import_ok(model(
        18,
        gn(),
        vec![
            vi("x", F32, Some(&[1, 6, 2])),
            vi("s", F32, Some(&[2])),
            vi("b", F32, Some(&[2])),
        ],
        vec![vi("y", F32, None)],
        vec![],
    ));
    has(&text, "\"flow.unsqueeze\"(%arg1");
    has(&text, "\"flow.unsqueeze\"(%arg2");
    has(&text, "dense<[1, 3]> : tensor<2xi64>");
    has(&text, "(tensor<2x1xf32>, tensor<2xi64>) -> tensor<2x3xf32>");
    has(&text, "(tensor<2x3xf32>, tensor<1xi64>) -> tensor<6xf32>");
    has(
        &text,
        "(tensor<1x6x2xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<1x6x2xf32>",
    );

    // Dynamic channels: C / G from the input's shape.
    let text = import_ok(model(
        18,
        gn(),
        vec![
            vi("x", F32, Some(&[1, -1, 2])),
            vi("s", F32, Some(&[2])),
            vi("b", F32, Some(&[2])),
        ],
        vec![vi("y", F32, None)],
        vec![],
    ));
    has(&text, "\"flow.shape\"(%arg0)");
    has(&text, "\"flow.div\"");
    has(&text, "\"flow.concat\"");
    has(
        &text,
        "(tensor<1x?x2xf32>, tensor<?xf32>, tensor<?xf32>) -> tensor<1x?x2xf32>",
    );

    // One channel per group: nothing to expand.
    let s = f32_tensor("s", &[2], &[1.0, 2.0]);
    let b = f32_tensor("b", &[2], &[0.0, 1.0]);
    let text = import_ok(model(
        18,
        gn(),
        vec![vi("x", F32, Some(&[1, 2, 3]))],
        vec![vi("y", F32, None)],
        vec![s, b],
    ));
    has(&text, "(tensor<1x2x3xf32>, tensor<2xf32>, tensor<2xf32>)");

    // Per-channel scale at opset 18 is not the opset's form; at 21 it is.
    let s = f32_tensor("s", &[6], &[1.0; 6]);
    let b = f32_tensor("b", &[6], &[0.0; 6]);
    let e = import_err(model(
        18,
        gn(),
        vec![vi("x", F32, Some(&[1, 6, 2]))],
        vec![vi("y", F32, None)],
        vec![s.clone(), b.clone()],
    ));
    assert_eq!(e.kind, ImportErrorKind::Invalid);
    assert!(
        e.to_string()
            .contains("scale must be 1-D with num_groups (2) elements before opset 21"),
        "{e}"
    );
    let text = import_ok(model(
        21,
        gn(),
        vec![vi("x", F32, Some(&[1, 6, 2]))],
        vec![vi("y", F32, None)],
        vec![s, b],
    ));
    has(
        &text,
        "(tensor<1x6x2xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<1x6x2xf32>",
    );
}

#[test]
fn data_type_attributes_flowc_lacks_are_unsupported() {
    let cast = |to: i64| {
        model(
            21,
            vec![node("Cast", "c", &["x"], &["y"], vec![attr_int("to", to)])],
            vec![vi("x", F32, Some(&[2]))],
            vec![vi("y", F32, None)],
            vec![],
        )
    };
    // FLOAT8E4M3FN (17): valid ONNX, no flowc element type.
    let e = import_err(cast(17));
    assert_eq!(e.kind, ImportErrorKind::Unsupported, "{e}");
    assert!(
        e.to_string()
            .contains("attribute 'to' is 17 (FLOAT8E4M3FN), a data type flowc does not support"),
        "{e}"
    );
    // Not a data type at all: invalid (the verifier says so).
    let e = import_err(cast(99));
    assert_eq!(e.kind, ImportErrorKind::Invalid, "{e}");
    // A data type flowc has.
    let text = import_ok(cast(1));
    has(&text, "\"flow.cast\"(%arg0) <{to = 1 : i64}>");
}

#[test]
fn batch_norm_training_outputs_are_refused() {
    let inits = ["s", "b", "m", "v"]
        .iter()
        .map(|n| f32_tensor(n, &[2], &[1.0, 1.0]))
        .collect();
    let nodes = vec![
        node(
            "BatchNormalization",
            "bn",
            &["x", "s", "b", "m", "v"],
            &["y", "mean"],
            vec![],
        ),
        node("Relu", "r", &["mean"], &["z"], vec![]),
    ];
    let e = import_err(model(
        9,
        nodes,
        vec![vi("x", F32, Some(&[1, 2, 3]))],
        vec![vi("y", F32, None), vi("z", F32, None)],
        inits,
    ));
    assert_eq!(e.kind, ImportErrorKind::Unsupported);
    assert!(
        e.to_string().contains("exists only in training mode"),
        "{e}"
    );
}

#[test]
fn gemm_broadcast_attribute_is_dropped() {
    let w = f32_tensor("w", &[2, 2], &[1.0, 0.0, 0.0, 1.0]);
    let nodes = vec![node(
        "Gemm",
        "g",
        &["x", "w"],
        &["y"],
        vec![attr_int("broadcast", 1)],
    )];
    let text = import_ok(model(
        7,
        nodes,
        vec![vi("x", F32, Some(&[3, 2]))],
        vec![vi("y", F32, None)],
        vec![w],
    ));
    lacks(&text, "broadcast");
    has(&text, "-> tensor<3x2xf32>");
}

#[test]
fn folding_gather_slice_where() {
    let nodes = vec![
        node("Shape", "shape", &["x"], &["s"], vec![]),
        node(
            "Constant",
            "idx",
            &[],
            &["i"],
            vec![attr_ints("value_ints", &[-1, 0])],
        ),
        node("Gather", "gather", &["s", "i"], &["g"], vec![]),
        node(
            "Constant",
            "st",
            &[],
            &["st"],
            vec![attr_ints("value_ints", &[1])],
        ),
        node(
            "Constant",
            "en",
            &[],
            &["en"],
            vec![attr_ints("value_ints", &[i64::MAX])],
        ),
        node("Slice", "slice", &["s", "st", "en"], &["sl"], vec![]),
        node(
            "Constant",
            "m1",
            &[],
            &["m1"],
            vec![attr_ints("value_ints", &[-1, 5])],
        ),
        node("Equal", "eq", &["m1", "sl"], &["e"], vec![]),
        node("Where", "where", &["e", "g", "sl"], &["w"], vec![]),
        node("Mul", "mul", &["w", "g"], &["y"], vec![]),
    ];
    let text = import_ok(model(
        13,
        nodes,
        vec![vi("x", F32, Some(&[2, 3, 5]))],
        vec![vi("y", I64, None)],
        vec![],
    ));
    // s = [2, 3, 5]; g = [5, 2]; sl = [3, 5]; e = [false, true]; w = [3, 2]; y = [15, 4].
    has(&text, "dense<[15, 4]> : tensor<2xi64>");
    lacks(&text, "flow.gather");
    lacks(&text, "flow.mul");
}

#[test]
fn folding_keeps_dynamic_shapes() {
    let nodes = vec![node("Shape", "shape", &["x"], &["y"], vec![])];
    let text = import_ok(model(
        13,
        nodes,
        vec![vi("x", F32, Some(&[-2, 3]))],
        vec![vi("y", I64, None)],
        vec![],
    ));
    has(
        &text,
        "\"flow.shape\"(%arg0) : (tensor<?x3xf32>) -> tensor<2xi64>",
    );
}

#[test]
fn graph_output_may_be_an_input_or_initializer() {
    let c = f32_tensor("c", &[1], &[1.0]);
    let text = import_ok(model(
        13,
        vec![],
        vec![vi("x", F32, Some(&[2]))],
        vec![vi("x", F32, Some(&[2])), vi("c", F32, Some(&[1]))],
        vec![c],
    ));
    has(&text, "return %arg0, %0 : tensor<2xf32>, tensor<1xf32>");
}

#[test]
fn errors_name_the_node() {
    let nodes = vec![node("Conv", "", &["x", "w"], &["y"], vec![])];
    let w = f32_tensor("w", &[1, 2, 1, 1], &[1.0, 1.0]);
    let e = import_err(model(
        13,
        nodes,
        vec![vi("x", F32, Some(&[1, 3, 4, 4]))],
        vec![vi("y", F32, None)],
        vec![w],
    ));
    assert_eq!(e.node.as_ref().map(|n| n.name.as_str()), Some("Conv_0"));
    assert!(
        e.to_string()
            .starts_with("node 'Conv_0' (op 'Conv', domain '', opset 13): "),
        "{e}"
    );
}

#[test]
fn graph_level_errors() {
    // Missing output.
    let e = import_err(model(
        13,
        vec![],
        vec![vi("x", F32, Some(&[2]))],
        vec![vi("nope", F32, None)],
        vec![],
    ));
    assert!(
        e.to_string()
            .contains("graph output 'nope' is not produced"),
        "{e}"
    );
    // Duplicate initializer.
    let t = f32_tensor("w", &[1], &[1.0]);
    let e = import_err(model(
        13,
        vec![],
        vec![],
        vec![vi("w", F32, None)],
        vec![t.clone(), t],
    ));
    assert!(
        e.to_string().contains("initializer 'w' is defined twice"),
        "{e}"
    );
    // Input without a type.
    let mut input = vi("x", F32, None);
    input.r#type = None;
    let e = import_err(model(13, vec![], vec![input], vec![], vec![]));
    assert!(e.to_string().contains("graph input 'x' has no type"), "{e}");
    // String tensors.
    let s = flowc_onnx::proto::TensorProto {
        name: Some("s".into()),
        data_type: Some(8),
        dims: vec![1],
        string_data: vec![b"a".to_vec()],
        ..Default::default()
    };
    let e = import_err(model(13, vec![], vec![], vec![vi("s", 8, None)], vec![s]));
    assert_eq!(e.kind, ImportErrorKind::Unsupported, "{e}");
    // No default opset.
    let mut m = model(
        13,
        vec![node("Relu", "r", &["x"], &["y"], vec![])],
        vec![vi("x", F32, Some(&[1]))],
        vec![vi("y", F32, None)],
        vec![],
    );
    m.opset_import.clear();
    let e = import_err(m);
    assert!(
        e.to_string()
            .contains("does not import an opset for the default domain"),
        "{e}"
    );
}

#[test]
fn ai_onnx_domain_is_the_default_one() {
    let mut m = model(
        13,
        vec![node("Relu", "r", &["x"], &["y"], vec![])],
        vec![vi("x", F32, Some(&[1]))],
        vec![vi("y", F32, None)],
        vec![],
    );
    m.opset_import[0].domain = Some("ai.onnx".into());
    if let Some(g) = m.graph.as_mut() {
        g.node[0].domain = Some("ai.onnx".into());
    }
    import_ok(m);
}

#[test]
fn large_initializers_become_resources() {
    let values: Vec<f32> = (0..100).map(|i| i as f32).collect();
    let w = f32_tensor("onnx::MatMul_7", &[100], &values);
    let nodes = vec![node("Add", "add", &["x", "onnx::MatMul_7"], &["y"], vec![])];
    let text = import_ok(model(
        13,
        nodes,
        vec![vi("x", F32, Some(&[100]))],
        vec![vi("y", F32, None)],
        vec![w],
    ));
    // Resource keys are identifiers: other characters become `_`.
    has(&text, "dense_resource<onnx__MatMul_7> : tensor<100xf32>");
    has(&text, "onnx__MatMul_7: \"0x40000000");
}

/// A model whose weights sit past 4 GiB into its external data file (sparse) loads and imports:
/// the file is never read whole.
#[test]
fn external_weights_past_4_gib_import() {
    use flowc_onnx::proto::StringStringEntryProto;
    use prost::Message;
    use std::io::{Seek, SeekFrom, Write};
    let dir = std::env::temp_dir().join(format!("flowc-onnx-big-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let offset: u64 = 9 << 29;
    let values: Vec<f32> = (0..100).map(|i| i as f32).collect();
    {
        let mut f = std::fs::File::create(dir.join("weights.bin")).unwrap();
        f.seek(SeekFrom::Start(offset)).unwrap();
        f.write_all(
            &values
                .iter()
                .flat_map(|v| v.to_le_bytes())
                .collect::<Vec<_>>(),
        )
        .unwrap();
    }
    let entry = |k: &str, v: String| StringStringEntryProto {
        key: Some(k.into()),
        value: Some(v),
    };
    let w = flowc_onnx::proto::TensorProto {
        name: Some("w".into()),
        dims: vec![100],
        data_type: Some(F32),
        data_location: Some(1),
        external_data: vec![
            entry("location", "weights.bin".into()),
            entry("offset", offset.to_string()),
            entry("length", "400".into()),
        ],
        ..Default::default()
    };
    let nodes = vec![node("Add", "add", &["x", "w"], &["y"], vec![])];
    let m = model(
        13,
        nodes,
        vec![vi("x", F32, Some(&[100]))],
        vec![vi("y", F32, None)],
        vec![w],
    );
    let path = dir.join("model.onnx");
    std::fs::write(&path, m.encode_to_vec()).unwrap();

    let mut ctx = flowc_init::context_with_all_dialects();
    let module = flowc_onnx::import_file(&mut ctx, &path, &Default::default()).unwrap();
    let text = ctx.print_op(module, &Default::default());
    has(&text, "dense_resource<w> : tensor<100xf32>");
    let blob = ctx.resource("w").unwrap();
    assert_eq!(&blob.data[4..8], &1.0f32.to_le_bytes());
    let _ = std::fs::remove_dir_all(&dir);
}
