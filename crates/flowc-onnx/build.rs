//! Generates the prost messages of `proto/onnx_subset.proto`. The `.proto` is compiled by
//! protox (a protobuf compiler written in Rust), so building needs no `protoc` binary.

fn main() {
    let proto = "proto/onnx_subset.proto";
    println!("cargo:rerun-if-changed={proto}");
    let descriptors = match protox::compile([proto], ["proto"]) {
        Ok(d) => d,
        Err(e) => panic!("{proto}: {e:?}"),
    };
    let mut config = prost_build::Config::new();
    // `bytes` fields (raw_data above all) as `Vec<u8>`: converted in place, never shared.
    if let Err(e) = config.compile_fds(descriptors) {
        panic!("{proto}: generating Rust: {e}");
    }
}
