//! Error kinds: `Unsupported` for what the interpreter does not implement (ops without a
//! kernel, modes, element types), `Invalid` for inputs that break an op's contract.
mod common;
use common::*;
use flowc_interp::InterpErrorKind;

#[test]
fn missing_kernel_is_unsupported() {
    let e = run_op("flow.frobnicate", "", vec![Some(f32t(&[2], &[1., 2.]))], 1).unwrap_err();
    assert_eq!(e.kind, InterpErrorKind::Unsupported, "{e}");
    assert!(e.is_unsupported());
    assert!(e.to_string().contains("no kernel"), "{e}");
}

#[test]
fn unimplemented_mode_is_unsupported() {
    let x = f32t(&[1, 1, 2, 2], &[1., 2., 3., 4.]);
    let e = run_op(
        "flow.resize",
        "mode = \"nearest\", antialias = 1 : i64",
        vec![Some(x), None, Some(f32t(&[4], &[1., 1., 0.5, 0.5]))],
        1,
    )
    .unwrap_err();
    assert_eq!(e.kind, InterpErrorKind::Unsupported, "{e}");
}

#[test]
fn bad_inputs_are_invalid() {
    // An index out of range.
    let e = run_op(
        "flow.gather",
        "axis = 0 : i64",
        vec![Some(f32t(&[3], &[1., 2., 3.])), Some(i64t(&[1], &[5]))],
        1,
    )
    .unwrap_err();
    assert_eq!(e.kind, InterpErrorKind::Invalid, "{e}");
    assert!(!e.is_unsupported());
    // Shapes that do not broadcast.
    let e = run_op(
        "flow.add",
        "",
        vec![Some(f32t(&[2], &[1., 2.])), Some(f32t(&[3], &[1., 2., 3.]))],
        1,
    )
    .unwrap_err();
    assert_eq!(e.kind, InterpErrorKind::Invalid, "{e}");
}
