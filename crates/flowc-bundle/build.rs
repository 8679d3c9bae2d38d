//! Generates the prost messages of `proto/bundle.proto`. The `.proto` is compiled by protox (a
//! protobuf compiler written in Rust), so building needs no `protoc` binary.

fn main() {
    let proto = "proto/bundle.proto";
    println!("cargo:rerun-if-changed={proto}");
    let descriptors = match protox::compile([proto], ["proto"]) {
        Ok(d) => d,
        Err(e) => panic!("{proto}: {e:?}"),
    };
    let mut config = prost_build::Config::new();
    if let Err(e) = config.compile_fds(descriptors) {
        panic!("{proto}: generating Rust: {e}");
    }
}
