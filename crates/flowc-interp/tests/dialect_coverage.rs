//! Every op of the `flow` dialect has an interpreter kernel.

#[test]
fn every_flow_op_has_a_kernel() {
    let kernels: std::collections::HashSet<&str> = flowc_interp::supported_ops().collect();
    let missing: Vec<&str> = flowc_flow::OPS
        .iter()
        .map(|s| s.name)
        .filter(|name| !kernels.contains(name))
        .collect();
    assert!(missing.is_empty(), "flow ops without a kernel: {missing:?}");
}
