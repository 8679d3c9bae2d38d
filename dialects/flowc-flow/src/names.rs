//! ONNX operator names to `flow` op names.

/// Words kept whole before the snake_case rule runs: `MatMul` is one word (`matmul`), as are
/// `PRelu` (`prelu`) and `NaN` (`nan`).
const WHOLE_WORDS: [(&str, &str); 3] = [("MatMul", "Matmul"), ("PRelu", "Prelu"), ("NaN", "Nan")];

/// The `flow` op name of an ONNX operator: `flow.` + the name in snake_case.
///
/// `_` goes before an upper-case letter that follows a lower-case letter or a digit, or that
/// starts a new word after an acronym (an upper-case letter between an upper-case one and a
/// lower-case one); then everything is lower-cased. `MatMul`, `PRelu` and `NaN` are single
/// words. So `Conv` -> `flow.conv`, `BatchNormalization` -> `flow.batch_normalization`,
/// `ScatterND` -> `flow.scatter_nd`, `QLinearConv` -> `flow.q_linear_conv`, `LSTM` ->
/// `flow.lstm`, `MatMul` -> `flow.matmul`, `MatMulInteger` -> `flow.matmul_integer`, `PRelu` ->
/// `flow.prelu`, `IsNaN` -> `flow.is_nan`.
///
/// ```
/// assert_eq!(flowc_flow::op_name_for_onnx("GlobalAveragePool"), "flow.global_average_pool");
/// ```
pub fn op_name_for_onnx(onnx_op_type: &str) -> String {
    let mut name = onnx_op_type.to_string();
    for (word, kept) in WHOLE_WORDS {
        name = name.replace(word, kept);
    }
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(5 + chars.len() + 4);
    out.push_str("flow.");
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next = chars.get(i + 1).copied();
            if prev.is_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_uppercase() && next.is_some_and(char::is_lowercase))
            {
                out.push('_');
            }
        }
        out.extend(c.to_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::op_name_for_onnx;

    #[test]
    fn readme_examples() {
        for (onnx, flow) in [
            ("Conv", "flow.conv"),
            ("MatMul", "flow.matmul"),
            ("BatchNormalization", "flow.batch_normalization"),
            ("ReduceSum", "flow.reduce_sum"),
            ("GlobalAveragePool", "flow.global_average_pool"),
            ("ArgMax", "flow.arg_max"),
            ("TopK", "flow.top_k"),
            ("ScatterND", "flow.scatter_nd"),
            ("DepthToSpace", "flow.depth_to_space"),
            ("LSTM", "flow.lstm"),
            ("GRU", "flow.gru"),
            ("PRelu", "flow.prelu"),
            ("HardSigmoid", "flow.hard_sigmoid"),
            ("HardSwish", "flow.hard_swish"),
            ("LeakyRelu", "flow.leaky_relu"),
            ("LogSoftmax", "flow.log_softmax"),
            ("ConstantOfShape", "flow.constant_of_shape"),
            ("GatherElements", "flow.gather_elements"),
            ("InstanceNormalization", "flow.instance_normalization"),
            ("LayerNormalization", "flow.layer_normalization"),
            ("MaxPool", "flow.max_pool"),
            ("QLinearConv", "flow.q_linear_conv"),
            ("NonMaxSuppression", "flow.non_max_suppression"),
            ("Einsum", "flow.einsum"),
            ("NonZero", "flow.non_zero"),
        ] {
            assert_eq!(op_name_for_onnx(onnx), flow, "{onnx}");
        }
    }

    #[test]
    fn acronyms_digits_and_whole_words() {
        for (onnx, flow) in [
            ("GatherND", "flow.gather_nd"),
            ("LRN", "flow.lrn"),
            ("RNN", "flow.rnn"),
            ("IsNaN", "flow.is_nan"),
            ("IsInf", "flow.is_inf"),
            ("MatMulInteger", "flow.matmul_integer"),
            ("QLinearMatMul", "flow.q_linear_matmul"),
            ("ReduceL1", "flow.reduce_l1"),
            ("ReduceL2", "flow.reduce_l2"),
            ("ReduceLogSumExp", "flow.reduce_log_sum_exp"),
            ("GlobalLpPool", "flow.global_lp_pool"),
            ("Hardmax", "flow.hardmax"),
            ("CumSum", "flow.cum_sum"),
            ("ThresholdedRelu", "flow.thresholded_relu"),
            ("Constant", "flow.constant"),
            ("Add", "flow.add"),
            ("Conv3D", "flow.conv3_d"),
            ("", "flow."),
        ] {
            assert_eq!(op_name_for_onnx(onnx), flow, "{onnx}");
        }
    }
}
