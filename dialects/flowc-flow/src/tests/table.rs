use crate::{OPS, op_name_for_onnx, spec_for, spec_for_onnx};

#[test]
fn names_follow_the_rule() {
    for s in OPS {
        assert_eq!(s.name, op_name_for_onnx(s.onnx), "{}", s.onnx);
    }
}

#[test]
fn every_requested_op_is_there() {
    let list = "Abs Acos Acosh Add And ArgMax ArgMin Asin Asinh Atan Atanh AveragePool BatchNormalization BitShift BitwiseAnd BitwiseNot BitwiseOr BitwiseXor Cast CastLike Ceil Celu Clip Compress Concat ConstantOfShape Conv ConvTranspose Cos Cosh CumSum DepthToSpace DequantizeLinear Det Div Dropout Einsum Elu Equal Erf Exp Expand EyeLike Flatten Floor GRU Gather GatherElements GatherND Gelu Gemm GlobalAveragePool GlobalLpPool GlobalMaxPool Greater GreaterOrEqual GridSample HardSigmoid HardSwish Hardmax Identity InstanceNormalization IsInf IsNaN LRN LSTM LayerNormalization LeakyRelu Less LessOrEqual Log LogSoftmax LpNormalization LpPool MatMul MatMulInteger Max MaxPool MaxUnpool Mean MeanVarianceNormalization Min Mish Mod Mul Neg NonMaxSuppression NonZero Not OneHot Or PRelu Pad Pow QLinearConv QLinearMatMul QuantizeLinear RNN Range Reciprocal ReduceL1 ReduceL2 ReduceLogSum ReduceLogSumExp ReduceMax ReduceMean ReduceMin ReduceProd ReduceSum ReduceSumSquare Relu Reshape Resize ReverseSequence RoiAlign Round Scatter ScatterElements ScatterND Selu Shape Shrink Sigmoid Sign Sin Sinh Size Slice Softmax Softplus Softsign SpaceToDepth Split Sqrt Squeeze Sub Sum Tan Tanh ThresholdedRelu Tile TopK Transpose Trilu Unique Unsqueeze Where Xor";
    // Newer operators the reference interpreter executes (transformer, signal, loss ops).
    let newer = "AffineGrid Attention BitCast BlackmanWindow CausalConvWithState CenterCropPad Col2Im ConvInteger CumProd DFT DeformConv DynamicQuantizeLinear GroupNormalization HammingWindow HannWindow LinearAttention MelWeightMatrix NegativeLogLikelihoodLoss RMSNormalization RotaryEmbedding STFT SoftmaxCrossEntropyLoss SwiGLU Swish TensorScatter TfIdfVectorizer";
    for name in list.split_whitespace().chain(newer.split_whitespace()) {
        let s = spec_for_onnx(name).unwrap_or_else(|| panic!("{name} missing"));
        assert!(spec_for(s.name).is_some());
        assert!(!s.summary.is_empty());
    }
    assert_eq!(
        OPS.len(),
        list.split_whitespace().count() + newer.split_whitespace().count()
    );
}

#[test]
fn every_op_has_an_inference_rule() {
    // Calling with no operands reaches the count check, never "no inference rule".
    let mut ctx = flowc_ir::Context::new();
    for s in OPS {
        let r = crate::infer_result_types(&mut ctx, s.name, &[], &[], &[], 1);
        if let Err(e) = r {
            assert!(!e.contains("no inference rule"), "{}: {e}", s.name);
        }
    }
}

#[test]
fn dialect_registers_all_ops() {
    let mut ctx = flowc_ir::Context::new();
    ctx.register_dialect(crate::dialect());
    for s in OPS {
        let def = ctx.lookup_op_def(s.name).expect("registered");
        assert_eq!(def.operands.len(), s.inputs.len());
        assert!(def.has_trait(flowc_ir::Traits::PURE));
    }
    for special in ["flow.constant", "flow.none", "flow.fused", "flow.yield"] {
        assert!(ctx.lookup_op_def(special).is_some(), "{special}");
    }
    let add = ctx.lookup_op_def("flow.add").unwrap();
    assert!(add.has_trait(flowc_ir::Traits::COMMUTATIVE));
    assert!(add.has_trait(flowc_ir::Traits::ELEMENTWISE));
    assert!(
        !ctx.lookup_op_def("flow.sub")
            .unwrap()
            .has_trait(flowc_ir::Traits::COMMUTATIVE)
    );
}
