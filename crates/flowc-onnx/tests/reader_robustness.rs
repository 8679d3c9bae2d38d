//! No model makes the reader or the importer panic: a deterministic mutation fuzzer over the
//! lit fixtures, run as an ordinary test (the cargo-fuzz target `onnx_reader` in tools/fuzz goes
//! further). Mutations are both blind (bytes flipped, cut, repeated) and structural (decoded
//! models with dims, names, op types, attributes and opsets changed, then re-encoded). Every
//! mutant that imports must print IR that parses back.

use flowc_ir::parser::parse_source;
use flowc_ir::printer::PrintOptions;
use flowc_onnx::proto::ModelProto;
use flowc_onnx::{ImportOptions, Model};
use prost::Message;

const SEEDS: &[&[u8]] = &[
    include_bytes!("../../../test/onnx/Inputs/conv_relu.onnx"),
    include_bytes!("../../../test/onnx/Inputs/gemm_mlp.onnx"),
    include_bytes!("../../../test/onnx/Inputs/opset7.onnx"),
    include_bytes!("../../../test/onnx/Inputs/opset9_misc.onnx"),
    include_bytes!("../../../test/onnx/Inputs/opset11_squeeze_clip.onnx"),
    include_bytes!("../../../test/onnx/Inputs/dim_param.onnx"),
    include_bytes!("../../../test/onnx/Inputs/shape_fold.onnx"),
    include_bytes!("../../../test/onnx/Inputs/external_data.onnx"),
    include_bytes!("../../../test/onnx/Inputs/unordered.onnx"),
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const OPS: &[&str] = &[
    "Relu",
    "Conv",
    "Gemm",
    "Reshape",
    "Squeeze",
    "Unsqueeze",
    "Split",
    "Clip",
    "Pad",
    "Slice",
    "TopK",
    "Resize",
    "Upsample",
    "Softmax",
    "Concat",
    "Gather",
    "Shape",
    "Constant",
    "Dropout",
    "BatchNormalization",
    "ReduceSum",
    "Where",
    "Range",
    "ConstantOfShape",
    "Cast",
    "Expand",
    "Tile",
    "Transpose",
    "MaxPool",
    "LSTM",
    "Einsum",
    "Loop",
    "",
];

const DIMS: &[i64] = &[0, 1, 2, 3, -1, -7, i64::MAX, i64::MIN, 1 << 40, 4096];

fn mutate_bytes(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for _ in 0..=rng.below(4) {
        let len = bytes.len();
        match rng.below(5) {
            0 if len > 0 => {
                let i = rng.below(len);
                bytes[i] = rng.next() as u8;
            }
            1 if len > 0 => bytes.truncate(rng.below(len)),
            2 if len > 0 => {
                let i = rng.below(len);
                bytes.remove(i);
            }
            3 if len > 1 => {
                let a = rng.below(len);
                let b = (a + rng.below(64)).min(len);
                let chunk = bytes[a..b].to_vec();
                let at = rng.below(len);
                bytes.splice(at..at, chunk);
            }
            _ => {
                let at = rng.below(len + 1);
                bytes.insert(at, [0x08, 0x0a, 0x12, 0x38, 0xff, 0x80][rng.below(6)]);
            }
        }
    }
    bytes
}

fn mutate_model(rng: &mut Rng, mut m: ModelProto) -> ModelProto {
    let Some(g) = m.graph.as_mut() else { return m };
    for _ in 0..=rng.below(3) {
        match rng.below(9) {
            0 => {
                if let Some(vi) = g.input.iter_mut().chain(&mut g.output).nth(rng.below(4)) {
                    use flowc_onnx::proto::tensor_shape_proto::dimension::Value;
                    use flowc_onnx::proto::type_proto::Value as T;
                    if let Some(T::TensorType(t)) =
                        vi.r#type.as_mut().and_then(|t| t.value.as_mut())
                        && let Some(s) = t.shape.as_mut()
                        && !s.dim.is_empty()
                    {
                        let i = rng.below(s.dim.len());
                        s.dim[i].value = Some(Value::DimValue(DIMS[rng.below(DIMS.len())]));
                    }
                }
            }
            1 if !g.node.is_empty() => {
                let i = rng.below(g.node.len());
                g.node[i].op_type = Some(OPS[rng.below(OPS.len())].to_string());
            }
            2 if !g.node.is_empty() => {
                let i = rng.below(g.node.len());
                let j = rng.below(g.node.len());
                g.node.swap(i, j);
                let k = rng.below(g.node.len());
                let names: Vec<String> = g.node.iter().flat_map(|n| n.output.clone()).collect();
                if let Some(name) = names.get(rng.below(names.len().max(1))) {
                    g.node[k].input.push(name.clone());
                }
            }
            3 if !g.initializer.is_empty() => {
                let i = rng.below(g.initializer.len());
                let t = &mut g.initializer[i];
                if !t.dims.is_empty() {
                    let d = rng.below(t.dims.len());
                    t.dims[d] = DIMS[rng.below(DIMS.len())];
                }
                if rng.below(2) == 0 {
                    t.data_type = Some(rng.below(20) as i32);
                }
            }
            4 if !g.node.is_empty() => {
                let i = rng.below(g.node.len());
                let n = &mut g.node[i];
                if !n.attribute.is_empty() {
                    let a = rng.below(n.attribute.len());
                    let attr = &mut n.attribute[a];
                    match rng.below(4) {
                        0 => attr.ints = vec![DIMS[rng.below(DIMS.len())]; rng.below(5)],
                        1 => attr.i = Some(DIMS[rng.below(DIMS.len())]),
                        2 => attr.r#type = Some(rng.below(16) as i32),
                        _ => attr.f = Some(f32::NAN),
                    }
                } else {
                    n.attribute.push(flowc_onnx::proto::AttributeProto {
                        name: Some(["axis", "axes", "perm", "to", "value"][rng.below(5)].into()),
                        i: Some(DIMS[rng.below(DIMS.len())]),
                        ..Default::default()
                    });
                }
            }
            5 => {
                if let Some(o) = m.opset_import.first_mut() {
                    o.version =
                        Some([1, 6, 7, 9, 10, 11, 12, 13, 18, 28, 29, i64::MAX][rng.below(12)]);
                }
                return m;
            }
            6 if !g.node.is_empty() => {
                let i = rng.below(g.node.len());
                let n = &mut g.node[i];
                if !n.input.is_empty() {
                    let k = rng.below(n.input.len());
                    n.input[k] = ["", "x", "nope", "y"][rng.below(4)].to_string();
                }
            }
            7 if !g.node.is_empty() => {
                let i = rng.below(g.node.len());
                let n = &mut g.node[i];
                if rng.below(2) == 0 {
                    n.output.push(String::new());
                } else {
                    n.output.clear();
                }
            }
            _ => {
                let dup = g.node.get(rng.below(g.node.len().max(1))).cloned();
                if let Some(n) = dup {
                    g.node.push(n);
                }
            }
        }
    }
    m
}

/// Returns whether the bytes imported.
fn check(bytes: &[u8]) -> bool {
    let Ok(model) = Model::from_bytes(bytes, None) else {
        return false;
    };
    let mut ctx = flowc_init::context_with_all_dialects();
    let opts = ImportOptions {
        resource_threshold: 4,
        ..Default::default()
    };
    let Ok(module) = flowc_onnx::import_model(&mut ctx, &model, &opts) else {
        return false;
    };
    let printed = ctx.print_op(
        module,
        &PrintOptions {
            generic: false,
            debug_info: true,
        },
    );
    let mut again = flowc_init::context_with_all_dialects();
    if let Err(d) = parse_source(&mut again, &printed, "printed.mlir", 0) {
        panic!(
            "imported IR does not parse: {}\n{printed}",
            d[0].render(&again)
        );
    }
    true
}

#[test]
fn mutated_models_never_panic() {
    let mut rng = Rng(0x5eed_0badc0de);
    let mut imported = 0;
    for round in 0..1500 {
        let seed = SEEDS[round % SEEDS.len()];
        imported += check(&mutate_bytes(&mut rng, seed)) as usize;
        if let Ok(m) = ModelProto::decode(seed) {
            let mutant = mutate_model(&mut rng, m);
            imported += check(&mutant.encode_to_vec()) as usize;
        }
    }
    // Enough mutants get through to exercise the importer, not only the decoder.
    assert!(imported > 150, "only {imported} mutants imported");
}

#[test]
fn every_truncation_is_an_error_not_a_panic() {
    for seed in SEEDS {
        for len in 0..seed.len() {
            let _ = check(&seed[..len]);
        }
    }
}
