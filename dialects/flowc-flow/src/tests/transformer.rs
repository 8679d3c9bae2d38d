//! Attention, LinearAttention, RotaryEmbedding, TensorScatter, CausalConvWithState and
//! RMSNormalization.

use super::{err, ok};

const F: &str = "tensor<2x3x4x8xf32>";

#[test]
fn attention_4d() {
    // Q [B, q heads, q seq, head], K [B, kv heads, kv seq, head], V [B, kv heads, kv seq, v head].
    ok(
        "flow.attention",
        &[
            "tensor<2x9x4x8xf32>",
            "tensor<2x3x6x8xf32>",
            "tensor<2x3x6x10xf32>",
        ],
        &[],
        &["tensor<2x9x4x10xf32>"],
    );
    // All four results: present key / value [B, kv heads, past + kv seq, ...] and the
    // attention scores [B, q heads, q seq, total seq].
    ok(
        "flow.attention",
        &[
            F,
            "tensor<2x3x6x8xf32>",
            "tensor<2x3x6x10xf32>",
            "tensor<4x18xf32>",
            "tensor<2x3x12x8xf32>",
            "tensor<2x3x12x10xf32>",
        ],
        &[],
        &[
            "tensor<2x3x4x10xf32>",
            "tensor<2x3x18x8xf32>",
            "tensor<2x3x18x10xf32>",
            "tensor<2x3x4x18xf32>",
        ],
    );
    // Without a past the present is the key / value itself.
    ok(
        "flow.attention",
        &[F, "tensor<2x3x6x8xf32>", "tensor<2x3x6x8xf32>"],
        &[("qk_matmul_output_mode", "3 : i64")],
        &[
            "tensor<2x3x4x8xf32>",
            "tensor<2x3x6x8xf32>",
            "tensor<2x3x6x8xf32>",
            "tensor<2x3x4x6xf32>",
        ],
    );
    // Dynamic dims flow through; the past length adds to an unknown total.
    ok(
        "flow.attention",
        &[
            "tensor<?x3x?x8xf32>",
            "tensor<?x3x?x8xf32>",
            "tensor<2x3x?x8xf32>",
            "none",
            "tensor<2x3x?x8xf32>",
            "tensor<2x3x5x8xf32>",
        ],
        &[],
        &[
            "tensor<2x3x?x8xf32>",
            "tensor<2x3x?x8xf32>",
            "tensor<2x3x?x8xf32>",
            "tensor<2x3x?x?xf32>",
        ],
    );
    // A bool mask, nonpad_kv_seqlen, fp16.
    ok(
        "flow.attention",
        &[
            "tensor<2x4x1x8xf16>",
            "tensor<2x2x8x8xf16>",
            "tensor<2x2x8x8xf16>",
            "tensor<2x1x1x8xi1>",
            "none",
            "none",
            "tensor<2xi64>",
        ],
        &[("is_causal", "1 : i64")],
        &["tensor<2x4x1x8xf16>"],
    );
    ok(
        "flow.attention",
        &["tensor<*xf32>", "tensor<*xf32>", "tensor<*xf32>"],
        &[],
        &["tensor<*xf32>", "tensor<?x?x?x?xf32>"],
    );
}

#[test]
fn attention_3d() {
    // Q [B, q seq, q heads * head], K [B, kv seq, kv heads * head], V [B, kv seq, kv heads * v head].
    ok(
        "flow.attention",
        &[
            "tensor<2x4x72xf32>",
            "tensor<2x6x24xf32>",
            "tensor<2x6x30xf32>",
        ],
        &[("q_num_heads", "9 : i64"), ("kv_num_heads", "3 : i64")],
        &[
            "tensor<2x4x90xf32>",
            "tensor<2x3x6x8xf32>",
            "tensor<2x3x6x10xf32>",
            "tensor<2x9x4x6xf32>",
        ],
    );
    ok(
        "flow.attention",
        &[
            "tensor<2x4x24xf32>",
            "tensor<2x6x24xf32>",
            "tensor<2x6x24xf32>",
            "tensor<4x18xf32>",
            "tensor<2x3x12x8xf32>",
            "tensor<2x3x12x8xf32>",
        ],
        &[("q_num_heads", "3 : i64"), ("kv_num_heads", "3 : i64")],
        &["tensor<2x4x24xf32>", "tensor<2x3x18x8xf32>"],
    );
}

#[test]
fn attention_errors() {
    let qkv = [
        "tensor<2x4x24xf32>",
        "tensor<2x6x24xf32>",
        "tensor<2x6x24xf32>",
    ];
    err(
        "flow.attention",
        &qkv,
        &[],
        1,
        "need attributes 'q_num_heads'",
    );
    err(
        "flow.attention",
        &qkv,
        &[("q_num_heads", "5 : i64"), ("kv_num_heads", "3 : i64")],
        1,
        "not divisible by 5",
    );
    err(
        "flow.attention",
        &qkv,
        &[("q_num_heads", "0 : i64"), ("kv_num_heads", "3 : i64")],
        1,
        "attribute 'q_num_heads' must be positive",
    );
    err(
        "flow.attention",
        &[F, "tensor<2x6x24xf32>", "tensor<2x6x24xf32>"],
        &[],
        1,
        "must all be 3-D or all 4-D",
    );
    err(
        "flow.attention",
        &[
            "tensor<2x3x4xf32>",
            "tensor<2x3x4xf32>",
            "tensor<2x3x4xf32>",
        ],
        &[],
        1,
        "need attributes",
    );
    err(
        "flow.attention",
        &["tensor<2x4xf32>", "tensor<2x4xf32>", "tensor<2x4xf32>"],
        &[],
        1,
        "rank 3 or 4",
    );
    err(
        "flow.attention",
        &[F, "tensor<2x3x6x7xf32>", "tensor<2x3x6x8xf32>"],
        &[],
        1,
        "same head size",
    );
    err(
        "flow.attention",
        &[F, "tensor<2x3x6x8xf32>", "tensor<2x3x5x8xf32>"],
        &[],
        1,
        "same sequence length",
    );
    err(
        "flow.attention",
        &[F, "tensor<2x2x6x8xf32>", "tensor<2x2x6x8xf32>"],
        &[],
        1,
        "3 query heads are not a multiple of 2",
    );
    err(
        "flow.attention",
        &[F, "tensor<3x3x6x8xf32>", "tensor<3x3x6x8xf32>"],
        &[],
        1,
        "different batch sizes",
    );
    err(
        "flow.attention",
        &[
            F,
            "tensor<2x3x6x8xf32>",
            "tensor<2x3x6x8xf32>",
            "none",
            "tensor<2x3x2x8xf32>",
        ],
        &[],
        1,
        "given together",
    );
    err(
        "flow.attention",
        &[
            F,
            "tensor<2x3x6x8xf32>",
            "tensor<2x3x6x8xf32>",
            "none",
            "tensor<2x3x2x8xf32>",
            "tensor<2x3x2x8xf32>",
            "tensor<2xi64>",
        ],
        &[],
        1,
        "nonpad_kv_seqlen cannot be combined",
    );
    err(
        "flow.attention",
        &[
            F,
            "tensor<2x3x6x8xf32>",
            "tensor<2x3x6x8xf32>",
            "none",
            "tensor<2x3x2x7xf32>",
            "tensor<2x3x2x8xf32>",
        ],
        &[],
        1,
        "past_key tensor<2x3x2x7xf32> must have shape [2, 3, ?, 8]",
    );
    err(
        "flow.attention",
        &[
            F,
            "tensor<2x3x6x8xf32>",
            "tensor<2x3x6x8xf32>",
            "tensor<4x7xf32>",
        ],
        &[],
        1,
        "longer than the 6 keys",
    );
    err(
        "flow.attention",
        &[
            F,
            "tensor<2x3x6x8xf32>",
            "tensor<2x3x6x8xf32>",
            "tensor<5x6xf32>",
        ],
        &[],
        1,
        "does not broadcast",
    );
    err(
        "flow.attention",
        &[F, "tensor<2x3x6x8xf32>", "tensor<2x3x6x8xf32>"],
        &[("qk_matmul_output_mode", "4 : i64")],
        1,
        "qk_matmul_output_mode",
    );
    err(
        "flow.attention",
        &[F, "tensor<2x3x6x8xf32>", "tensor<2x3x6x8xf32>"],
        &[("softmax_precision", "7 : i64")],
        1,
        "softmax_precision",
    );
    err(
        "flow.attention",
        &[F, "tensor<2x3x6x8xf32>", "tensor<2x3x6x8xf32>"],
        &[("left_window_size", "-2 : i64")],
        1,
        "left_window_size",
    );
    err(
        "flow.attention",
        &[F, "tensor<2x3x6x8xf16>", "tensor<2x3x6x8xf32>"],
        &[],
        1,
        "must have the same element type",
    );
}

#[test]
fn linear_attention() {
    let heads = [("q_num_heads", "8 : i64"), ("kv_num_heads", "4 : i64")];
    ok(
        "flow.linear_attention",
        &[
            "tensor<2x4x64xf32>",
            "tensor<2x4x32xf32>",
            "tensor<2x4x48xf32>",
            "none",
            "tensor<2x4x32xf32>",
            "tensor<2x4x4xf32>",
        ],
        &heads,
        &["tensor<2x4x96xf32>", "tensor<2x4x8x12xf32>"],
    );
    // The state keeps the past state's element type.
    ok(
        "flow.linear_attention",
        &[
            "tensor<?x1x32xf16>",
            "tensor<?x1x32xf16>",
            "tensor<?x1x32xf16>",
            "tensor<2x4x8x8xf32>",
        ],
        &[
            ("q_num_heads", "4 : i64"),
            ("kv_num_heads", "4 : i64"),
            ("update_rule", "\"linear\""),
        ],
        &["tensor<2x1x32xf16>", "tensor<2x4x8x8xf32>"],
    );
    // Per-head decay and a scalar beta.
    ok(
        "flow.linear_attention",
        &[
            "tensor<2x4x64xf32>",
            "tensor<2x4x32xf32>",
            "tensor<2x4x32xf32>",
            "none",
            "tensor<2x4x4xf32>",
            "tensor<2x4x1xf32>",
        ],
        &heads,
        &["tensor<2x4x64xf32>", "tensor<2x4x8x8xf32>"],
    );
    let qkv = [
        "tensor<2x4x64xf32>",
        "tensor<2x4x32xf32>",
        "tensor<2x4x32xf32>",
    ];
    err(
        "flow.linear_attention",
        &qkv,
        &heads,
        2,
        "needs the decay operand",
    );
    err(
        "flow.linear_attention",
        &[qkv[0], qkv[1], qkv[2], "none", "tensor<2x4x32xf32>"],
        &[
            ("q_num_heads", "8 : i64"),
            ("kv_num_heads", "4 : i64"),
            ("update_rule", "\"delta\""),
        ],
        2,
        "needs the beta operand",
    );
    err(
        "flow.linear_attention",
        &qkv,
        &[
            ("q_num_heads", "6 : i64"),
            ("kv_num_heads", "4 : i64"),
            ("update_rule", "\"linear\""),
        ],
        2,
        "must be a multiple of kv_num_heads",
    );
    err(
        "flow.linear_attention",
        &[qkv[0], "tensor<2x4x36xf32>", qkv[2]],
        &[
            ("q_num_heads", "8 : i64"),
            ("kv_num_heads", "4 : i64"),
            ("update_rule", "\"linear\""),
        ],
        2,
        "different head sizes",
    );
    err(
        "flow.linear_attention",
        &[qkv[0], qkv[1], qkv[2], "tensor<2x4x8x9xf32>"],
        &[
            ("q_num_heads", "8 : i64"),
            ("kv_num_heads", "4 : i64"),
            ("update_rule", "\"linear\""),
        ],
        2,
        "past_state tensor<2x4x8x9xf32> must have shape [2, 4, 8, 8]",
    );
    err(
        "flow.linear_attention",
        &[
            qkv[0],
            qkv[1],
            qkv[2],
            "none",
            "tensor<2x4x5xf32>",
            "tensor<2x4x4xf32>",
        ],
        &heads,
        2,
        "operand #4 (decay)",
    );
    err(
        "flow.linear_attention",
        &qkv,
        &[
            ("q_num_heads", "8 : i64"),
            ("kv_num_heads", "4 : i64"),
            ("update_rule", "\"fast\""),
        ],
        2,
        "update_rule",
    );
    err(
        "flow.linear_attention",
        &qkv,
        &[("q_num_heads", "8 : i64")],
        2,
        "requires attribute 'kv_num_heads'",
    );
}

#[test]
fn rotary_embedding() {
    ok(
        "flow.rotary_embedding",
        &[
            "tensor<2x4x3x8xf32>",
            "tensor<50x4xf32>",
            "tensor<50x4xf32>",
            "tensor<2x3xi64>",
        ],
        &[],
        &["tensor<2x4x3x8xf32>"],
    );
    ok(
        "flow.rotary_embedding",
        &[
            "tensor<2x3x32xf32>",
            "tensor<50x4xf32>",
            "tensor<50x4xf32>",
            "tensor<2x3xi64>",
        ],
        &[("num_heads", "4 : i64")],
        &["tensor<2x3x32xf32>"],
    );
    // Partial rotation; caches per batch and position without position_ids.
    ok(
        "flow.rotary_embedding",
        &[
            "tensor<2x4x3x8xf16>",
            "tensor<2x3x2xf16>",
            "tensor<2x3x2xf16>",
        ],
        &[("rotary_embedding_dim", "4 : i64")],
        &["tensor<2x4x3x8xf16>"],
    );
    err(
        "flow.rotary_embedding",
        &["tensor<2x3x32xf32>", "tensor<50x4xf32>", "tensor<50x4xf32>"],
        &[],
        1,
        "needs attribute 'num_heads'",
    );
    err(
        "flow.rotary_embedding",
        &["tensor<2x3x30xf32>", "tensor<50x4xf32>", "tensor<50x4xf32>"],
        &[("num_heads", "4 : i64")],
        1,
        "not divisible by 4",
    );
    err(
        "flow.rotary_embedding",
        &[
            "tensor<2x4x3x8xf32>",
            "tensor<50x3xf32>",
            "tensor<50x3xf32>",
        ],
        &[],
        1,
        "must end in the rotary embedding dimension / 2 = 4",
    );
    err(
        "flow.rotary_embedding",
        &[
            "tensor<2x4x3x8xf32>",
            "tensor<50x4xf32>",
            "tensor<40x4xf32>",
        ],
        &[],
        1,
        "must have the same shape",
    );
    err(
        "flow.rotary_embedding",
        &[
            "tensor<2x4x3x8xf32>",
            "tensor<50x2xf32>",
            "tensor<50x2xf32>",
        ],
        &[("rotary_embedding_dim", "3 : i64")],
        1,
        "must be even",
    );
    err(
        "flow.rotary_embedding",
        &[
            "tensor<2x4x3x8xf32>",
            "tensor<50x5xf32>",
            "tensor<50x5xf32>",
        ],
        &[("rotary_embedding_dim", "10 : i64")],
        1,
        "exceeds the head size 8",
    );
    err(
        "flow.rotary_embedding",
        &[
            "tensor<2x4x3x8xf32>",
            "tensor<50x4xf32>",
            "tensor<50x4xf32>",
            "tensor<2x5xi64>",
        ],
        &[],
        1,
        "position_ids tensor<2x5xi64> must have shape [2, 3]",
    );
    err(
        "flow.rotary_embedding",
        &[
            "tensor<2x4x3x8xf32>",
            "tensor<2x3x4xf32>",
            "tensor<2x3x4xf32>",
            "tensor<2x3xi64>",
        ],
        &[],
        1,
        "must be 2-D",
    );
    err(
        "flow.rotary_embedding",
        &["tensor<2x8xf32>", "tensor<50x4xf32>", "tensor<50x4xf32>"],
        &[],
        1,
        "rank 3 or 4",
    );
}

#[test]
fn tensor_scatter() {
    ok(
        "flow.tensor_scatter",
        &[
            "tensor<2x1x4x5xf32>",
            "tensor<2x1x1x5xf32>",
            "tensor<2xi64>",
        ],
        &[("mode", "\"circular\"")],
        &["tensor<2x1x4x5xf32>"],
    );
    ok(
        "flow.tensor_scatter",
        &["tensor<?x4x?xi8>", "tensor<3x2x5xi8>"],
        &[("axis", "1 : i64")],
        &["tensor<3x4x5xi8>"],
    );
    err(
        "flow.tensor_scatter",
        &["tensor<2x1x4x5xf32>", "tensor<2x1x5x5xf32>"],
        &[],
        1,
        "longer than past_cache",
    );
    err(
        "flow.tensor_scatter",
        &["tensor<2x1x4x5xf32>", "tensor<2x2x1x5xf32>"],
        &[],
        1,
        "differ in dimension 1",
    );
    err(
        "flow.tensor_scatter",
        &["tensor<2x4xf32>", "tensor<2x1xf32>"],
        &[("axis", "0 : i64")],
        1,
        "must not be 0",
    );
    err(
        "flow.tensor_scatter",
        &["tensor<2x4xf32>", "tensor<2x1xf32>", "tensor<3xi64>"],
        &[("axis", "1 : i64")],
        1,
        "one element per batch entry",
    );
    err(
        "flow.tensor_scatter",
        &["tensor<2x4xf32>", "tensor<2x1xf32>"],
        &[("mode", "\"ring\"")],
        1,
        "attribute 'mode'",
    );
}

#[test]
fn causal_conv_with_state() {
    ok(
        "flow.causal_conv_with_state",
        &["tensor<2x4x8xf32>", "tensor<4x1x4xf32>"],
        &[("activation", "\"silu\"")],
        &["tensor<2x4x8xf32>", "tensor<2x4x3xf32>"],
    );
    ok(
        "flow.causal_conv_with_state",
        &[
            "tensor<?x4x1xf16>",
            "tensor<4x1x1xf16>",
            "tensor<4xf16>",
            "tensor<2x4x0xf16>",
        ],
        &[],
        &["tensor<2x4x1xf16>", "tensor<2x4x0xf16>"],
    );
    err(
        "flow.causal_conv_with_state",
        &["tensor<2x4x8xf32>", "tensor<3x1x4xf32>"],
        &[],
        2,
        "different channel counts",
    );
    err(
        "flow.causal_conv_with_state",
        &["tensor<2x4x8xf32>", "tensor<4x2x4xf32>"],
        &[],
        2,
        "depthwise",
    );
    err(
        "flow.causal_conv_with_state",
        &["tensor<2x4x8xf32>", "tensor<4x1x0xf32>"],
        &[],
        2,
        "empty kernel",
    );
    err(
        "flow.causal_conv_with_state",
        &[
            "tensor<2x4x8xf32>",
            "tensor<4x1x4xf32>",
            "none",
            "tensor<2x4x4xf32>",
        ],
        &[],
        2,
        "past_state tensor<2x4x4xf32> must have shape [2, 4, 3]",
    );
    err(
        "flow.causal_conv_with_state",
        &["tensor<2x4x8xf32>", "tensor<4x1x4xf32>", "tensor<3xf32>"],
        &[],
        2,
        "bias",
    );
    err(
        "flow.causal_conv_with_state",
        &["tensor<2x4x8xf32>", "tensor<4x1x4xf32>"],
        &[("activation", "\"gelu\"")],
        2,
        "attribute 'activation'",
    );
}

#[test]
fn rms_normalization() {
    ok(
        "flow.rms_normalization",
        &["tensor<2x3x4x5xf32>", "tensor<4x5xf32>"],
        &[("axis", "2 : i64")],
        &["tensor<2x3x4x5xf32>"],
    );
    ok(
        "flow.rms_normalization",
        &["tensor<?x?x64xbf16>", "tensor<64xbf16>"],
        &[],
        &["tensor<?x?x64xbf16>"],
    );
    err(
        "flow.rms_normalization",
        &["tensor<2x3xf32>", "tensor<3xf32>"],
        &[("axis", "2 : i64")],
        1,
        "out of range",
    );
    err(
        "flow.rms_normalization",
        &["tensor<2x3xf32>", "tensor<4xf32>"],
        &[],
        1,
        "does not broadcast",
    );
    err(
        "flow.rms_normalization",
        &["tensor<2x3xf32>", "tensor<3xf32>"],
        &[("stash_type", "7 : i64")],
        1,
        "stash_type",
    );
    err(
        "flow.rms_normalization",
        &["tensor<2x3xi32>", "tensor<3xi32>"],
        &[],
        1,
        "must be tensor of",
    );
}
