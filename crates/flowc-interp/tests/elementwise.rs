mod common;
use common::*;
use flowc_tensor::{DType, Tensor, half::f16};

#[test]
fn add_broadcasts() {
    let a = f32t(&[2, 1], &[1.0, 2.0]);
    let b = f32t(&[3], &[10.0, 20.0, 30.0]);
    let r = run1("flow.add", "", vec![a, b]);
    assert_f32(&r, &[2, 3], &[11., 21., 31., 12., 22., 32.]);
}

#[test]
fn programmatic_builder() {
    let mut ctx = flowc_ir::Context::new();
    let f32 = ctx.f32_type();
    let ty = ctx.tensor_type(vec![2], f32);
    let func = build_single_op_func(&mut ctx, "flow.mul", &[ty, ty], 1);
    let r = flowc_interp::run_function(
        &ctx,
        func,
        vec![f32t(&[2], &[2.0, 3.0]), f32t(&[2], &[4.0, 5.0])],
    )
    .unwrap();
    assert_f32(&r[0], &[2], &[8.0, 15.0]);
    // Wrong input count / shape / dtype are errors, not panics.
    assert!(flowc_interp::run_function(&ctx, func, vec![]).is_err());
    let e = flowc_interp::run_function(
        &ctx,
        func,
        vec![f32t(&[3], &[1., 2., 3.]), f32t(&[2], &[1., 2.])],
    )
    .unwrap_err();
    assert!(e.message.contains("shape"), "{e}");
    assert!(
        flowc_interp::run_function(&ctx, func, vec![i64t(&[2], &[1, 2]), f32t(&[2], &[1., 2.])])
            .is_err()
    );
}

#[test]
fn integer_division_truncates_and_mod_signs() {
    let a = i32t(&[4], &[7, -7, 7, -7]);
    let b = i32t(&[4], &[2, 2, -2, -2]);
    let r = run1("flow.div", "", vec![a.clone(), b.clone()]);
    assert_eq!(r.as_slice::<i32>().unwrap(), &[3, -3, -3, 3]);
    let a = i32t(&[4], &[5, -5, 5, -5]);
    let b = i32t(&[4], &[3, 3, -3, -3]);
    let r = run1("flow.mod", "", vec![a.clone(), b.clone()]);
    assert_eq!(r.as_slice::<i32>().unwrap(), &[2, 1, -1, -2]);
    let r = run1("flow.mod", "fmod = 1 : i64", vec![a, b]);
    assert_eq!(r.as_slice::<i32>().unwrap(), &[2, -2, 2, -2]);
    // Division by zero does not panic.
    let r = run1("flow.div", "", vec![i32t(&[1], &[1]), i32t(&[1], &[0])]);
    assert_eq!(r.as_slice::<i32>().unwrap(), &[0]);
    let r = run1(
        "flow.mod",
        "fmod = 1 : i64",
        vec![f32t(&[2], &[-4.5, 4.5]), f32t(&[2], &[2.0, -2.0])],
    );
    assert_f32(&r, &[2], &[-0.5, 0.5]);
}

#[test]
fn integer_overflow_wraps() {
    let a = Tensor::from_u8(vec![2], vec![250, 3]).unwrap();
    let b = Tensor::from_u8(vec![2], vec![10, 5]).unwrap();
    assert_eq!(
        run1("flow.add", "", vec![a.clone(), b.clone()])
            .as_slice::<u8>()
            .unwrap(),
        &[4, 8]
    );
    assert_eq!(
        run1("flow.sub", "", vec![a, b]).as_slice::<u8>().unwrap(),
        &[240, 254]
    );
}

#[test]
fn round_half_to_even_and_nan() {
    let x = f32t(&[6], &[0.5, 1.5, 2.5, -0.5, -1.5, f32::NAN]);
    let r = run1("flow.round", "", vec![x]);
    assert_f32(&r, &[6], &[0.0, 2.0, 2.0, -0.0, -2.0, f32::NAN]);
    let r = run1(
        "flow.max",
        "",
        vec![f32t(&[2], &[1.0, f32::NAN]), f32t(&[2], &[f32::NAN, 0.0])],
    );
    assert!(r.as_slice::<f32>().unwrap().iter().all(|v| v.is_nan()));
    let r = run1("flow.sqrt", "", vec![f32t(&[2], &[-1.0, f32::INFINITY])]);
    let v = r.as_slice::<f32>().unwrap();
    assert!(v[0].is_nan() && v[1] == f32::INFINITY);
}

#[test]
fn f16_computed_in_f32_and_rounded() {
    let x = Tensor::from_f16(vec![2], vec![f16::from_f32(1.0), f16::from_f32(-2.0)]).unwrap();
    let r = run1("flow.exp", "", vec![x]);
    assert_eq!(r.dtype(), DType::F16);
    let v = r.as_slice::<f16>().unwrap();
    assert_eq!(v[0], f16::from_f32(1f32.exp()));
    assert_eq!(v[1], f16::from_f32((-2f32).exp()));
}

#[test]
fn activations() {
    let x = f32t(&[4], &[-2.0, -0.5, 0.0, 3.0]);
    assert_f32(
        &run1("flow.relu", "", vec![x.clone()]),
        &[4],
        &[0., 0., 0., 3.],
    );
    assert_f32(
        &run1("flow.leaky_relu", "alpha = 1.0e-01 : f32", vec![x.clone()]),
        &[4],
        &[-0.2, -0.05, 0., 3.],
    );
    assert_f32(
        &run1("flow.hard_sigmoid", "", vec![x.clone()]),
        &[4],
        &[0.1, 0.4, 0.5, 1.0],
    );
    assert_f32(
        &run1("flow.hard_swish", "", vec![x.clone()]),
        &[4],
        &[-2.0 * (1.0 / 6.0), -0.5 * (0.5 - 0.5 / 6.0), 0., 3.],
    );
    let s = run1("flow.sigmoid", "", vec![x.clone()]);
    assert_f32(&s, &[4], &[0.11920292, 0.37754068, 0.5, 0.95257413]);
    assert_f32(
        &run1(
            "flow.shrink",
            "lambd = 1.0 : f32, bias = 0.5 : f32",
            vec![x.clone()],
        ),
        &[4],
        &[-1.5, 0., 0., 2.5],
    );
    assert_f32(
        &run1(
            "flow.thresholded_relu",
            "alpha = 2.0 : f32",
            vec![x.clone()],
        ),
        &[4],
        &[0., 0., 0., 3.],
    );
    let g = run1("flow.gelu", "", vec![f32t(&[1], &[1.0])]);
    assert_f32(&g, &[1], &[0.8413447]);
    let g = run1(
        "flow.gelu",
        "approximate = \"tanh\"",
        vec![f32t(&[1], &[1.0])],
    );
    assert_f32(&g, &[1], &[0.841_192]);
    assert_f32(
        &run1("flow.elu", "", vec![f32t(&[1], &[-1.0])]),
        &[1],
        &[-0.63212055],
    );
}

#[test]
fn comparisons_logic_where() {
    let a = f32t(&[3], &[1.0, f32::NAN, 3.0]);
    let b = f32t(&[1], &[1.0]);
    let r = run1("flow.equal", "", vec![a.clone(), b.clone()]);
    assert_eq!(r.as_slice::<bool>().unwrap(), &[true, false, false]);
    let r = run1("flow.greater_or_equal", "", vec![a, b]);
    assert_eq!(r.as_slice::<bool>().unwrap(), &[true, false, true]);
    let c = boolt(&[2, 1], &[true, false]);
    let r = run1(
        "flow.where",
        "",
        vec![c, i64t(&[2], &[1, 2]), i64t(&[], &[9])],
    );
    assert_i64(&r, &[2, 2], &[1, 2, 9, 9]);
    let r = run1(
        "flow.xor",
        "",
        vec![boolt(&[2], &[true, true]), boolt(&[2], &[true, false])],
    );
    assert_eq!(r.as_slice::<bool>().unwrap(), &[false, true]);
    let r = run1(
        "flow.bit_shift",
        "direction = \"LEFT\"",
        vec![
            Tensor::from_u8(vec![2], vec![1, 3]).unwrap(),
            Tensor::from_u8(vec![2], vec![7, 9]).unwrap(),
        ],
    );
    assert_eq!(r.as_slice::<u8>().unwrap(), &[128, 0]);
}

#[test]
fn pow_clip_cast() {
    let r = run1(
        "flow.pow",
        "",
        vec![i64t(&[3], &[2, 3, -2]), i64t(&[1], &[3])],
    );
    assert_i64(&r, &[3], &[8, 27, -8]);
    let r = run1(
        "flow.pow",
        "",
        vec![f32t(&[2], &[4.0, 2.0]), i64t(&[2], &[2, -1])],
    );
    assert_f32(&r, &[2], &[16.0, 0.5]);
    let r = run_op(
        "flow.clip",
        "",
        vec![
            Some(f32t(&[3], &[-5.0, 0.5, 5.0])),
            None,
            Some(f32t(&[], &[1.0])),
        ],
        1,
    )
    .unwrap();
    assert_f32(&r[0], &[3], &[-5.0, 0.5, 1.0]);
    let r = run1(
        "flow.cast",
        "to = 6 : i64",
        vec![f32t(&[4], &[-1.7, 1.7, 2.5, 1e10])],
    );
    assert_eq!(r.dtype(), DType::I32);
    assert_eq!(&r.as_slice::<i32>().unwrap()[..3], &[-1, 1, 2]);
    let r = run1(
        "flow.cast",
        "to = 9 : i64",
        vec![f32t(&[3], &[0.0, -0.1, f32::NAN])],
    );
    assert_eq!(r.as_slice::<bool>().unwrap(), &[false, true, true]);
    let r = run1(
        "flow.cast",
        "to = 2 : i64",
        vec![i64t(&[2], &[256 + 7, -1])],
    );
    assert_eq!(r.as_slice::<u8>().unwrap(), &[7, 255]);
    let r = run1(
        "flow.cast",
        "to = 10 : i64",
        vec![f32t(&[2], &[65504.0, 1e6])],
    );
    let v = r.as_slice::<f16>().unwrap();
    assert_eq!(v[0], f16::MAX);
    assert!(v[1].is_infinite());
}

#[test]
fn empty_tensors_and_errors() {
    let r = run1(
        "flow.add",
        "",
        vec![f32t(&[0, 3], &[]), f32t(&[3], &[1., 2., 3.])],
    );
    assert_eq!(r.shape(), &[0, 3]);
    let e = run_err(
        "flow.add",
        "",
        vec![f32t(&[2], &[1., 2.]), f32t(&[3], &[1., 2., 3.])],
    );
    assert!(
        e.contains("flow.add") && e.contains("node0") && e.contains("broadcast"),
        "{e}"
    );
    let e = run_err("flow.add", "", vec![f32t(&[1], &[1.]), i64t(&[1], &[1])]);
    assert!(e.contains("element types"), "{e}");
    let e = run_err("flow.exp", "", vec![i64t(&[1], &[1])]);
    assert!(e.contains("unsupported element type i64"), "{e}");
    let e = run_err("flow.frobnicate", "", vec![i64t(&[1], &[1])]);
    assert!(e.contains("unsupported op"), "{e}");
}

#[test]
fn fused_region_runs_its_body() {
    let body = r#"
  %c = "flow.constant"() {value = dense<2.0> : tensor<f32>} : () -> tensor<f32>
  %0 = "flow.fused"(%arg0, %arg1) ({
  ^bb0(%a: tensor<2xf32>, %b: tensor<2xf32>):
    %s = "flow.add"(%a, %b) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
    %m = "flow.mul"(%s, %c) : (tensor<2xf32>, tensor<f32>) -> tensor<2xf32>
    "flow.yield"(%m) : (tensor<2xf32>) -> ()
  }) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  "func.return"(%0) : (tensor<2xf32>) -> ()
"#;
    let r = run_text(body, vec![f32t(&[2], &[1., 2.]), f32t(&[2], &[3., 4.])]).unwrap();
    assert_f32(&r[0], &[2], &[8., 12.]);
}

#[test]
fn dense_resource_constants_and_splats() {
    let src = r#"
"func.func"() ({
^bb0():
  %0 = "flow.constant"() {value = dense_resource<w> : tensor<2xi32>} : () -> tensor<2xi32>
  %1 = "flow.constant"() {value = dense<3> : tensor<2xi32>} : () -> tensor<2xi32>
  %2 = "flow.add"(%0, %1) : (tensor<2xi32>, tensor<2xi32>) -> tensor<2xi32>
  "func.return"(%2) : (tensor<2xi32>) -> ()
}) {function_type = () -> tensor<2xi32>, sym_name = "main"} : () -> ()
{-#
  dialect_resources: {
    builtin: {
      w: "0x0400000001000000FEFFFFFF"
    }
  }
#-}
"#;
    let mut ctx = flowc_ir::Context::new();
    ctx.allow_unregistered_dialects = true;
    let module = flowc_ir::parser::parse_source(&mut ctx, src, "t.mlir", 0).unwrap();
    let block = flowc_ir::builtin::ModuleOp(module).body_block(&ctx);
    let func = ctx.block_ops(block).next().unwrap();
    let r = flowc_interp::run_function(&ctx, func, vec![]).unwrap();
    assert_eq!(r[0].as_slice::<i32>().unwrap(), &[4, 1]);
}
