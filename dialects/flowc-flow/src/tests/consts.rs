//! Reading constant operands: dense (splat or not), dense resources, element types.

use crate::{dense_f64s, dense_i64s};
use flowc_ir::parser::parse_attribute_str;
use flowc_ir::{AttrData, Context, ResourceBlob};

fn attr(ctx: &mut Context, text: &str) -> flowc_ir::Attribute {
    parse_attribute_str(ctx, text).expect("attribute")
}

#[test]
fn dense_and_splat() {
    let mut ctx = Context::new();
    let a = attr(&mut ctx, "dense<[1, -2, 3]> : tensor<3xi64>");
    assert_eq!(dense_i64s(&ctx, a), Some(vec![1, -2, 3]));
    let a = attr(&mut ctx, "dense<7> : tensor<2x2xi32>");
    assert_eq!(dense_i64s(&ctx, a), Some(vec![7; 4]));
    let a = attr(&mut ctx, "dense<[255, 0]> : tensor<2xui8>");
    assert_eq!(dense_i64s(&ctx, a), Some(vec![255, 0]));
    let a = attr(&mut ctx, "dense<[true, false]> : tensor<2xi1>");
    assert_eq!(dense_i64s(&ctx, a), Some(vec![1, 0]));
    let a = attr(&mut ctx, "dense<[1.5, -0.25]> : tensor<2xf16>");
    assert_eq!(dense_f64s(&ctx, a), Some(vec![1.5, -0.25]));
    assert_eq!(dense_i64s(&ctx, a), None, "floats are not read as integers");
    let a = attr(&mut ctx, "dense<> : tensor<0xi64>");
    assert_eq!(dense_i64s(&ctx, a), Some(vec![]));
    // A huge splat is not expanded.
    let ty = flowc_ir::parser::parse_type_str(&mut ctx, "tensor<1000000000xi64>").expect("type");
    let a = ctx.intern_attr(AttrData::DenseElements {
        ty,
        splat: true,
        data: 1i64.to_le_bytes().to_vec(),
    });
    assert_eq!(dense_i64s(&ctx, a), None);
}

#[test]
fn dense_resources() {
    let mut ctx = Context::new();
    let data: Vec<u8> = [4i64, 0, -1].iter().flat_map(|v| v.to_le_bytes()).collect();
    ctx.set_resource("shape", ResourceBlob { alignment: 8, data });
    let ty = flowc_ir::parser::parse_type_str(&mut ctx, "tensor<3xi64>").expect("type");
    let a = ctx.intern_attr(AttrData::DenseResource {
        name: "shape".into(),
        ty,
    });
    assert_eq!(dense_i64s(&ctx, a), Some(vec![4, 0, -1]));
    // Used by inference like any constant.
    let x = flowc_ir::parser::parse_type_str(&mut ctx, "tensor<4x3x2xf32>").expect("type");
    let out =
        crate::infer_result_types(&mut ctx, "flow.reshape", &[x, ty], &[None, Some(a)], &[], 1)
            .expect("inferred");
    assert_eq!(ctx.print_type(out[0]), "tensor<4x3x2xf32>");
    // A missing or short blob is not a constant.
    let b = ctx.intern_attr(AttrData::DenseResource {
        name: "missing".into(),
        ty,
    });
    assert_eq!(dense_i64s(&ctx, b), None);
    ctx.set_resource(
        "short",
        ResourceBlob {
            alignment: 8,
            data: vec![1, 2, 3],
        },
    );
    let c = ctx.intern_attr(AttrData::DenseResource {
        name: "short".into(),
        ty,
    });
    assert_eq!(dense_i64s(&ctx, c), None);
}

#[test]
fn op_names_and_specs() {
    let s = crate::spec_for_onnx("Conv").expect("conv");
    assert_eq!(s.name, "flow.conv");
    assert_eq!(s.inputs.len(), 3);
    assert!(s.attr("kernel_shape").is_some());
    assert_eq!(crate::spec_for("flow.conv").map(|s| s.onnx), Some("Conv"));
    assert!(crate::spec_for("flow.constant").is_none());
    assert_eq!(crate::dtype::from_onnx_attr(1), Some(crate::DType::F32));
    assert_eq!(crate::dtype::from_onnx_attr(8), None);
    assert_eq!(crate::dtype::from_onnx_attr(1 + (1 << 32)), None);
    for (i, d) in crate::DType::ALL.into_iter().enumerate() {
        assert_eq!(crate::dtype::from_onnx_attr(d.onnx_code().into()), Some(d));
        // The mask bit is the position in `DType::ALL` (the order gen_table.py uses).
        assert_eq!(crate::DTypeIr::bit(d), 1 << i);
    }
    assert_eq!(crate::dtype::mask_names(0x1001), "f16, i1");
}
