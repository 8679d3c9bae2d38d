//! Node by node: the generic rule (ONNX op `X` -> `flow` op `op_name_for_onnx(X)`, inputs as
//! operands, attributes converted) and the operators that need more.
//!
//! The `flow` dialect has the semantics of the newest opset, so operators whose form changed
//! are rewritten here:
//!
//! | op | opsets | rewrite |
//! | --- | --- | --- |
//! | `Squeeze`, `Unsqueeze` | < 13 | attribute `axes` -> constant input |
//! | `ReduceSum` | < 13 | attribute `axes` -> constant input |
//! | other `Reduce*` | < 18 | attribute `axes` -> constant input |
//! | `Split` | < 13 | attribute `split` -> constant input |
//! | `Split` | < 18 | no `split`: `num_outputs` = number of outputs |
//! | `Clip` | < 11 | attributes `min` / `max` -> scalar constant inputs |
//! | `Pad` | < 11 | attributes `pads` / `value` -> constant inputs |
//! | `Slice` | < 10 | attributes `starts` / `ends` / `axes` -> constant inputs |
//! | `TopK` | < 10 | attribute `k` -> constant input |
//! | `Upsample` | 7 - 9 | `Resize` with `asymmetric` coordinates (`floor` for nearest) |
//! | `Resize` | 10 | `roi` input added; `asymmetric` coordinates, `floor` nearest mode |
//! | `Resize` | all | empty constant `roi` / `scales` -> absent |
//! | `Softmax`, `LogSoftmax`, `Hardmax` | < 13 | 2-D coercion: `flatten`, op on axis 1, `reshape` back (or the op alone when `axis` is the last dim) |
//! | `BatchNormalization` | < 9 | `spatial` dropped (must be 1); training outputs refused |
//! | `Gemm` | all | legacy `broadcast` attribute dropped |
//! | `RoiAlign` | < 16 | `coordinate_transformation_mode = "output_half_pixel"` (the old behavior) |
//! | `GridSample` | < 20 | modes `bilinear` / `bicubic` renamed `linear` / `cubic` |
//! | `GroupNormalization` | < 21 | per-group `scale` / `bias` (`[num_groups]`) -> per channel (`[C]`): repeated at import when constant, else `unsqueeze` / `expand` / `reshape` |
//! | `DFT` | < 20 | attribute `axis` (default 1) -> rank-0 constant input 2 (`flow.none` for an absent `dft_length`) |
//! | `Dropout`, `Identity` | all | removed: the input is forwarded (a used `mask` is all true) |
//! | `Constant` | all | `flow.constant` (`value`, `value_float(s)`, `value_int(s)`) |

use super::attrs::{AttrError, convert_attr};
use super::types::tensor_dtype;
use super::{Importer, NodeCtx};
use crate::error::ImportError;
use crate::proto::{AttributeProto, NodeProto};
use crate::tensor::{RawTensor, decode_tensor};
use flowc_ir::{DYNAMIC, NamedAttr, Value};
use flowc_tensor::DType;

/// The attribute `name` of a node (the last one, should a producer repeat it).
pub(super) fn find_attr<'n>(node: &'n NodeProto, name: &str) -> Option<&'n AttributeProto> {
    node.attribute.iter().rev().find(|a| a.name() == name)
}

fn attr_ints(node: &NodeProto, name: &str) -> Option<Vec<i64>> {
    find_attr(node, name).map(|a| a.ints.clone())
}

fn attr_int(node: &NodeProto, name: &str) -> Option<i64> {
    find_attr(node, name).map(|a| a.i())
}

fn attr_float(node: &NodeProto, name: &str) -> Option<f32> {
    find_attr(node, name).map(|a| a.f())
}

fn attr_string(node: &NodeProto, name: &str) -> Option<String> {
    find_attr(node, name).map(|a| String::from_utf8_lossy(a.s()).into_owned())
}

/// A scalar of `dtype` holding `value` (rounded / saturated as a cast would), little-endian.
fn scalar_bytes(dtype: DType, value: f64) -> Vec<u8> {
    use flowc_tensor::half::{bf16, f16};
    match dtype {
        DType::F16 => f16::from_f64(value).to_le_bytes().to_vec(),
        DType::BF16 => bf16::from_f64(value).to_le_bytes().to_vec(),
        DType::F32 => (value as f32).to_le_bytes().to_vec(),
        DType::F64 => value.to_le_bytes().to_vec(),
        DType::I8 => (value as i8).to_le_bytes().to_vec(),
        DType::I16 => (value as i16).to_le_bytes().to_vec(),
        DType::I32 => (value as i32).to_le_bytes().to_vec(),
        DType::I64 => (value as i64).to_le_bytes().to_vec(),
        DType::U8 => (value as u8).to_le_bytes().to_vec(),
        DType::U16 => (value as u16).to_le_bytes().to_vec(),
        DType::U32 => (value as u32).to_le_bytes().to_vec(),
        DType::U64 => (value as u64).to_le_bytes().to_vec(),
        DType::Bool => vec![(value != 0.0) as u8],
    }
}

/// The attributes that hold an ONNX `TensorProto.DataType` code (`Cast`'s `to`, `EyeLike`'s
/// and the random ops' `dtype`, the windows' and `DFT`'s `output_datatype`, `QuantizeLinear`'s
/// and `DequantizeLinear`'s `output_dtype`).
const DTYPE_ATTRS: &[&str] = &["to", "dtype", "output_datatype", "output_dtype"];

/// The largest `TensorProto.DataType` code ONNX defines (`INT2`).
const MAX_ONNX_DTYPE_CODE: i64 = 26;

/// Refuses, as unsupported, a data-type attribute that names an ONNX data type flowc has no
/// element type for (float8, int4, string, complex ...). Unknown codes are left to the
/// verifier, which reports them as invalid; 0 means "not given" where ONNX allows it.
fn check_dtype_attrs(nc: &NodeCtx<'_>) -> Result<(), ImportError> {
    for &name in DTYPE_ATTRS {
        let Some(code) = attr_int(nc.node, name) else {
            continue;
        };
        if (1..=MAX_ONNX_DTYPE_CODE).contains(&code) && DType::from_onnx_code(code as i32).is_none()
        {
            let ty = crate::proto::tensor_proto::DataType::try_from(code as i32)
                .map(|d| d.as_str_name().to_string())
                .unwrap_or_else(|_| format!("data type {code}"));
            return Err(nc.unsupported(format!(
                "attribute '{name}' is {code} ({ty}), a data type flowc does not support"
            )));
        }
    }
    Ok(())
}

const REDUCE_AXES_INPUT_AT_18: &[&str] = &[
    "ReduceL1",
    "ReduceL2",
    "ReduceLogSum",
    "ReduceLogSumExp",
    "ReduceMax",
    "ReduceMean",
    "ReduceMin",
    "ReduceProd",
    "ReduceSumSquare",
];

impl Importer<'_> {
    /// Imports one node (domain and opset already checked).
    pub(super) fn import_node_ops(&mut self, nc: &NodeCtx<'_>) -> Result<(), ImportError> {
        let opset = nc.opset;
        check_dtype_attrs(nc)?;
        match nc.op_type() {
            "Constant" => self.constant_node(nc),
            "Identity" => self.forward(nc),
            "Dropout" => self.dropout(nc),
            "Upsample" => self.upsample(nc),
            "Resize" => self.resize(nc),
            "Squeeze" | "Unsqueeze" if opset < 13 => self.axes_to_input(nc),
            "ReduceSum" if opset < 13 => self.axes_to_input(nc),
            op if opset < 18 && REDUCE_AXES_INPUT_AT_18.contains(&op) => self.axes_to_input(nc),
            "Split" => self.split(nc),
            "Clip" if opset < 11 => self.clip_attrs(nc),
            "Pad" if opset < 11 => self.pad_attrs(nc),
            "Slice" if opset < 10 => self.slice_attrs(nc),
            "TopK" if opset < 10 => self.topk_attr(nc),
            "Softmax" | "LogSoftmax" | "Hardmax" if opset < 13 => self.softmax_legacy(nc),
            "BatchNormalization" => self.batch_norm(nc),
            "Gemm" => self.generic(nc, &["broadcast"]),
            "RoiAlign" if opset < 16 => self.roi_align_legacy(nc),
            "GridSample" if opset < 20 => self.grid_sample_legacy(nc),
            "DFT" if opset < 20 => self.dft_legacy(nc),
            "GroupNormalization" if opset < 21 => self.group_norm_legacy(nc),
            _ => self.generic(nc, &[]),
        }
    }

    // ===== Helpers =====

    /// The node's attributes converted to MLIR, except those in `exclude`.
    pub(super) fn convert_attrs(
        &mut self,
        nc: &NodeCtx<'_>,
        exclude: &[&str],
    ) -> Result<Vec<NamedAttr>, ImportError> {
        let mut out: Vec<NamedAttr> = Vec::with_capacity(nc.node.attribute.len());
        for a in &nc.node.attribute {
            let name = a.name();
            if name.is_empty() {
                return Err(nc.err("an attribute has no name"));
            }
            if exclude.contains(&name) {
                continue;
            }
            let value = convert_attr(self.ctx, a, self.base_dir).map_err(|e| match e {
                AttrError::Invalid(m) => nc.err(m),
                AttrError::Unsupported(m) => nc.unsupported(m),
            })?;
            let ident = self.ctx.ident(name);
            match out.iter_mut().find(|(n, _)| *n == ident) {
                Some(slot) => slot.1 = value,
                None => out.push((ident, value)),
            }
        }
        Ok(out)
    }

    fn set_attr(&mut self, attrs: &mut Vec<NamedAttr>, name: &str, value: flowc_ir::Attribute) {
        let ident = self.ctx.ident(name);
        attrs.retain(|(n, _)| *n != ident);
        attrs.push((ident, value));
    }

    /// The node's inputs (absent ones as `None`).
    fn inputs(&mut self, nc: &NodeCtx<'_>) -> Result<Vec<Option<Value>>, ImportError> {
        (0..nc.node.input.len())
            .map(|i| self.input(nc, i))
            .collect()
    }

    /// A 1-D `i64` constant.
    fn const_i64s(&mut self, nc: &NodeCtx<'_>, values: &[i64]) -> Value {
        let raw = RawTensor {
            dtype: DType::I64,
            shape: vec![values.len()],
            data: values.iter().flat_map(|v| v.to_le_bytes()).collect(),
        };
        self.constant(raw, &format!("{}_const", nc.info.name), nc.loc)
    }

    /// A rank-0 constant of `like`'s element type.
    fn const_scalar_like(
        &mut self,
        nc: &NodeCtx<'_>,
        like: Value,
        value: f64,
    ) -> Result<Value, ImportError> {
        let ty = self.ctx.value_type(like);
        let dtype = tensor_dtype(self.ctx, ty).ok_or_else(|| {
            nc.err(format!(
                "input type {} is not a tensor type flowc supports",
                self.ctx.print_type(ty)
            ))
        })?;
        let raw = RawTensor {
            dtype,
            shape: Vec::new(),
            data: scalar_bytes(dtype, value),
        };
        Ok(self.constant(raw, &format!("{}_const", nc.info.name), nc.loc))
    }

    /// Builds `op_name` with the node's outputs as results (trailing absent ones dropped) and
    /// binds them.
    fn emit(
        &mut self,
        nc: &NodeCtx<'_>,
        op_name: &str,
        operands: &[Option<Value>],
        attrs: Vec<NamedAttr>,
        num_results: Option<usize>,
    ) -> Result<Vec<Value>, ImportError> {
        let outputs: Vec<&str> = nc.node.output.iter().map(String::as_str).collect();
        let n = num_results.unwrap_or_else(|| {
            outputs
                .iter()
                .rposition(|o| !o.is_empty())
                .map_or(0, |i| i + 1)
        });
        let results = self.build(nc, op_name, operands, attrs, n, &outputs)?;
        self.bind_outputs(nc, &results);
        Ok(results)
    }

    fn flow_name(nc: &NodeCtx<'_>) -> String {
        flowc_flow::op_name_for_onnx(nc.op_type())
    }

    /// The generic rule, dropping the attributes in `exclude`.
    fn generic(&mut self, nc: &NodeCtx<'_>, exclude: &[&str]) -> Result<(), ImportError> {
        let operands = self.inputs(nc)?;
        let attrs = self.convert_attrs(nc, exclude)?;
        self.emit(nc, &Self::flow_name(nc), &operands, attrs, None)?;
        Ok(())
    }

    /// Whether output `i` of the node is read by another node or returned.
    fn output_used(&self, nc: &NodeCtx<'_>, i: usize) -> bool {
        nc.node.output.get(i).is_some_and(|o| self.is_used(o))
    }

    // ===== Constants and removed ops =====

    fn constant_node(&mut self, nc: &NodeCtx<'_>) -> Result<(), ImportError> {
        let node = nc.node;
        let Some(a) = node.attribute.first() else {
            return Err(nc.err("Constant has no value attribute"));
        };
        if node.attribute.len() > 1 {
            return Err(nc.err("Constant must have exactly one value attribute"));
        }
        let scalar_or_list = |dtype: DType, bytes: Vec<u8>, rank0: bool| {
            let n = bytes.len() / dtype.size_bytes();
            RawTensor {
                dtype,
                shape: if rank0 { Vec::new() } else { vec![n] },
                data: bytes,
            }
        };
        let raw = match a.name() {
            "value" => {
                let t =
                    a.t.as_ref()
                        .ok_or_else(|| nc.err("attribute 'value' has no tensor"))?;
                decode_tensor(t, self.base_dir).map_err(|e| match e {
                    crate::OnnxError::Unsupported(_) => nc.unsupported(e.to_string()),
                    e => nc.err(e.to_string()),
                })?
            }
            "value_float" => scalar_or_list(DType::F32, a.f().to_le_bytes().to_vec(), true),
            "value_floats" => scalar_or_list(
                DType::F32,
                a.floats.iter().flat_map(|v| v.to_le_bytes()).collect(),
                false,
            ),
            "value_int" => scalar_or_list(DType::I64, a.i().to_le_bytes().to_vec(), true),
            "value_ints" => scalar_or_list(
                DType::I64,
                a.ints.iter().flat_map(|v| v.to_le_bytes()).collect(),
                false,
            ),
            other => {
                return Err(
                    nc.unsupported(format!("Constant attribute '{other}' is not supported"))
                );
            }
        };
        let Some(out) = node.output.first().filter(|o| !o.is_empty()) else {
            return Err(nc.err("Constant has no output"));
        };
        let v = self.constant(raw, out, nc.loc);
        if let Some(tp) = self.declared.get(out.as_str()).copied()
            && let Ok(decl) = super::types::value_type(self.ctx, tp)
        {
            let ty = self.ctx.value_type(v);
            super::types::refine_type(self.ctx, ty, decl.ty)
                .map_err(|e| nc.err(format!("output '{out}': {e}")))?;
        }
        self.bind_outputs(nc, &[v]);
        Ok(())
    }

    /// `Identity`: the output is the input.
    fn forward(&mut self, nc: &NodeCtx<'_>) -> Result<(), ImportError> {
        let x = self.required_input(nc, 0)?;
        self.bind_outputs(nc, &[x]);
        Ok(())
    }

    /// `Dropout` at inference: the output is the input; a used mask is all true (all ones before
    /// opset 10).
    fn dropout(&mut self, nc: &NodeCtx<'_>) -> Result<(), ImportError> {
        let x = self.required_input(nc, 0)?;
        if nc.opset >= 12
            && let Some(t) = self.input(nc, 2)?
        {
            let training = self.small.get(&t).map(|r| r.data.iter().any(|&b| b != 0));
            match training {
                Some(false) => {}
                Some(true) => return Err(nc.unsupported("training mode is not supported")),
                None => {
                    return Err(nc.unsupported(
                        "training_mode must be a constant (flowc compiles for inference)",
                    ));
                }
            }
        }
        let mut results = vec![x];
        if self.output_used(nc, 1) {
            let none = [];
            let shape = self.build(nc, "flow.shape", &[Some(x)], Vec::new(), 1, &none)?[0];
            // Before opset 10 the mask has the input's element type (ones); since, it is bool.
            let dtype = if nc.opset < 10 {
                let ty = self.ctx.value_type(x);
                tensor_dtype(self.ctx, ty).ok_or_else(|| nc.err("input is not a tensor"))?
            } else {
                DType::Bool
            };
            let one = RawTensor {
                dtype,
                shape: vec![1],
                data: scalar_bytes(dtype, 1.0),
            };
            let value = super::types::dense_attr(self.ctx, &one);
            let value_ident = self.ctx.ident("value");
            let outputs: Vec<&str> = nc.node.output.iter().map(String::as_str).collect();
            let mask = self.build(
                nc,
                "flow.constant_of_shape",
                &[Some(shape)],
                vec![(value_ident, value)],
                1,
                &outputs[1..],
            )?[0];
            results.push(mask);
        }
        self.bind_outputs(nc, &results);
        Ok(())
    }

    // ===== Attributes that became inputs =====

    /// `Squeeze` / `Unsqueeze` / `Reduce*` with an `axes` attribute: the axes become input 1.
    fn axes_to_input(&mut self, nc: &NodeCtx<'_>) -> Result<(), ImportError> {
        let data = self.required_input(nc, 0)?;
        let mut attrs = self.convert_attrs(nc, &["axes"])?;
        let axes = attr_ints(nc.node, "axes").map(|axes| self.const_i64s(nc, &axes));
        if nc.op_type().starts_with("Reduce") && axes.is_none() {
            // Old opsets reduce over every axis when `axes` is absent, as the newest does with
            // `noop_with_empty_axes = 0` (the default).
            attrs.retain(|(n, _)| self.ctx.ident_str(*n) != "noop_with_empty_axes");
        }
        self.emit(nc, &Self::flow_name(nc), &[Some(data), axes], attrs, None)?;
        Ok(())
    }

    fn split(&mut self, nc: &NodeCtx<'_>) -> Result<(), ImportError> {
        let x = self.required_input(nc, 0)?;
        let mut attrs = self.convert_attrs(nc, &["split"])?;
        let mut split = self.input(nc, 1)?;
        if nc.opset < 13
            && let Some(sizes) = attr_ints(nc.node, "split")
        {
            split = Some(self.const_i64s(nc, &sizes));
        }
        let outputs = nc.node.output.len();
        if outputs == 0 {
            return Err(nc.err("Split has no outputs"));
        }
        if split.is_none() && find_attr(nc.node, "num_outputs").is_none() {
            // Before opset 18, no `split` meant equal parts, one per output.
            let n = self.ctx.i64_attr(outputs as i64);
            self.set_attr(&mut attrs, "num_outputs", n);
        }
        self.emit(nc, "flow.split", &[Some(x), split], attrs, Some(outputs))?;
        Ok(())
    }

    fn clip_attrs(&mut self, nc: &NodeCtx<'_>) -> Result<(), ImportError> {
        let x = self.required_input(nc, 0)?;
        let attrs = self.convert_attrs(nc, &["min", "max"])?;
        let min = match attr_float(nc.node, "min") {
            Some(v) => Some(self.const_scalar_like(nc, x, v as f64)?),
            None => None,
        };
        let max = match attr_float(nc.node, "max") {
            Some(v) => Some(self.const_scalar_like(nc, x, v as f64)?),
            None => None,
        };
        self.emit(nc, "flow.clip", &[Some(x), min, max], attrs, None)?;
        Ok(())
    }

    fn pad_attrs(&mut self, nc: &NodeCtx<'_>) -> Result<(), ImportError> {
        let x = self.required_input(nc, 0)?;
        let attrs = self.convert_attrs(nc, &["pads", "paddings", "value"])?;
        let pads = attr_ints(nc.node, "pads")
            .or_else(|| attr_ints(nc.node, "paddings"))
            .ok_or_else(|| nc.err("attribute 'pads' is required"))?;
        let pads = self.const_i64s(nc, &pads);
        let value = match attr_float(nc.node, "value") {
            Some(v) => Some(self.const_scalar_like(nc, x, v as f64)?),
            None => None,
        };
        self.emit(nc, "flow.pad", &[Some(x), Some(pads), value], attrs, None)?;
        Ok(())
    }

    fn slice_attrs(&mut self, nc: &NodeCtx<'_>) -> Result<(), ImportError> {
        let x = self.required_input(nc, 0)?;
        let attrs = self.convert_attrs(nc, &["starts", "ends", "axes"])?;
        let starts =
            attr_ints(nc.node, "starts").ok_or_else(|| nc.err("attribute 'starts' is required"))?;
        let ends =
            attr_ints(nc.node, "ends").ok_or_else(|| nc.err("attribute 'ends' is required"))?;
        let starts = self.const_i64s(nc, &starts);
        let ends = self.const_i64s(nc, &ends);
        let axes = attr_ints(nc.node, "axes").map(|a| self.const_i64s(nc, &a));
        self.emit(
            nc,
            "flow.slice",
            &[Some(x), Some(starts), Some(ends), axes],
            attrs,
            None,
        )?;
        Ok(())
    }

    fn topk_attr(&mut self, nc: &NodeCtx<'_>) -> Result<(), ImportError> {
        let x = self.required_input(nc, 0)?;
        let attrs = self.convert_attrs(nc, &["k"])?;
        let k = attr_int(nc.node, "k").ok_or_else(|| nc.err("attribute 'k' is required"))?;
        let k = self.const_i64s(nc, &[k]);
        self.emit(nc, "flow.top_k", &[Some(x), Some(k)], attrs, None)?;
        Ok(())
    }

    // ===== Resize =====

    /// An input that is a constant with no elements counts as absent (opsets 11 and 12 needed
    /// empty `roi` / `scales` tensors where the newest opset takes no input).
    fn drop_if_empty(&self, v: Option<Value>) -> Option<Value> {
        let v = v?;
        match self.small.get(&v) {
            Some(raw) if raw.num_elements() == 0 => None,
            _ => Some(v),
        }
    }

    /// `Upsample` (opsets 7 to 9) is `Resize` with asymmetric coordinates.
    fn upsample(&mut self, nc: &NodeCtx<'_>) -> Result<(), ImportError> {
        let x = self.required_input(nc, 0)?;
        let mut attrs =
            self.convert_attrs(nc, &["scales", "mode", "height_scale", "width_scale"])?;
        let scales = if nc.opset >= 9 {
            self.required_input(nc, 1)?
        } else {
            let scales = find_attr(nc.node, "scales")
                .map(|a| a.floats.clone())
                .ok_or_else(|| nc.err("attribute 'scales' is required"))?;
            let raw = RawTensor {
                dtype: DType::F32,
                shape: vec![scales.len()],
                data: scales.iter().flat_map(|v| v.to_le_bytes()).collect(),
            };
            self.constant(raw, &format!("{}_scales", nc.info.name), nc.loc)
        };
        let mode = attr_string(nc.node, "mode").unwrap_or_else(|| "nearest".to_string());
        let mode = match mode.as_str() {
            "nearest" => "nearest",
            "linear" | "bilinear" => "linear",
            other => return Err(nc.unsupported(format!("mode '{other}' is not supported"))),
        };
        self.legacy_resize_attrs(&mut attrs, mode);
        self.emit(
            nc,
            "flow.resize",
            &[Some(x), None, Some(scales)],
            attrs,
            None,
        )?;
        Ok(())
    }

    /// The attributes that give opset-10 `Resize` (and `Upsample`) semantics in the newest
    /// opset: asymmetric coordinates, and `floor` rounding for nearest.
    fn legacy_resize_attrs(&mut self, attrs: &mut Vec<NamedAttr>, mode: &str) {
        let m = self.ctx.string_attr(mode);
        self.set_attr(attrs, "mode", m);
        let ct = self.ctx.string_attr("asymmetric");
        self.set_attr(attrs, "coordinate_transformation_mode", ct);
        if mode == "nearest" {
            let nm = self.ctx.string_attr("floor");
            self.set_attr(attrs, "nearest_mode", nm);
        }
    }

    fn resize(&mut self, nc: &NodeCtx<'_>) -> Result<(), ImportError> {
        let x = self.required_input(nc, 0)?;
        let mut attrs = self.convert_attrs(nc, &[])?;
        let operands = if nc.opset < 11 {
            let scales = self.required_input(nc, 1)?;
            let mode = attr_string(nc.node, "mode").unwrap_or_else(|| "nearest".to_string());
            self.legacy_resize_attrs(&mut attrs, &mode);
            vec![Some(x), None, Some(scales)]
        } else {
            let roi = self.input(nc, 1)?;
            let scales = self.input(nc, 2)?;
            let sizes = self.input(nc, 3)?;
            let roi = self.drop_if_empty(roi);
            let scales = self.drop_if_empty(scales);
            vec![Some(x), roi, scales, sizes]
        };
        self.emit(nc, "flow.resize", &operands, attrs, None)?;
        Ok(())
    }

    // ===== Softmax family before opset 13 =====

    /// Before opset 13, `Softmax(axis = a)` flattened the input to 2-D at `a` and normalized
    /// each row. When `a` is the last dim that is the newest semantics; otherwise it becomes
    /// `flatten(a)`, the op on axis 1, and a `reshape` back to the input's shape.
    fn softmax_legacy(&mut self, nc: &NodeCtx<'_>) -> Result<(), ImportError> {
        let x = self.required_input(nc, 0)?;
        let op = Self::flow_name(nc);
        let axis = attr_int(nc.node, "axis").unwrap_or(1);
        let xty = self.ctx.value_type(x);
        let shape = self.ctx.shape(xty).map(<[i64]>::to_vec);
        let axis_ident = self.ctx.ident("axis");
        if let Some(shape) = &shape {
            let rank = shape.len() as i64;
            if axis < -rank || axis >= rank.max(1) {
                return Err(nc.err(format!("axis {axis} is out of range for rank {rank}")));
            }
            let a = if axis < 0 { axis + rank } else { axis };
            if a == rank - 1 || rank == 0 {
                let attr = self.ctx.i64_attr(-1);
                self.emit(nc, &op, &[Some(x)], vec![(axis_ident, attr)], Some(1))?;
                return Ok(());
            }
        }
        let none: [&str; 0] = [];
        let a = self.ctx.i64_attr(axis);
        let flat = self.build(
            nc,
            "flow.flatten",
            &[Some(x)],
            vec![(axis_ident, a)],
            1,
            &none,
        )?[0];
        let one = self.ctx.i64_attr(1);
        let y = self.build(nc, &op, &[Some(flat)], vec![(axis_ident, one)], 1, &none)?[0];
        let target = match &shape {
            Some(s) if s.iter().all(|&d| d != DYNAMIC) => self.const_i64s(nc, s),
            _ => self.build(nc, "flow.shape", &[Some(x)], Vec::new(), 1, &none)?[0],
        };
        let outputs: Vec<&str> = nc.node.output.iter().map(String::as_str).collect();
        let r = self.build(
            nc,
            "flow.reshape",
            &[Some(y), Some(target)],
            Vec::new(),
            1,
            &outputs,
        )?;
        // The result has the input's shape, whatever reshape could infer from a run-time shape.
        let rty = self.ctx.value_type(r[0]);
        if let Ok(ty) = super::types::refine_type(self.ctx, rty, xty) {
            self.ctx.set_value_type(r[0], ty);
        }
        self.bind_outputs(nc, &r);
        Ok(())
    }

    // ===== Attribute defaults and names that changed =====

    /// Before opset 16, RoiAlign had no `coordinate_transformation_mode`; it behaved as
    /// `output_half_pixel`, while the newest default is `half_pixel`.
    fn roi_align_legacy(&mut self, nc: &NodeCtx<'_>) -> Result<(), ImportError> {
        let operands = self.inputs(nc)?;
        let mut attrs = self.convert_attrs(nc, &[])?;
        let mode = self.ctx.string_attr("output_half_pixel");
        self.set_attr(&mut attrs, "coordinate_transformation_mode", mode);
        self.emit(nc, "flow.roi_align", &operands, attrs, None)?;
        Ok(())
    }

    /// Before opset 20, GridSample's modes were `bilinear` (the default) and `bicubic`; they
    /// are `linear` and `cubic` now.
    fn grid_sample_legacy(&mut self, nc: &NodeCtx<'_>) -> Result<(), ImportError> {
        let operands = self.inputs(nc)?;
        let mut attrs = self.convert_attrs(nc, &["mode"])?;
        let mode = attr_string(nc.node, "mode").unwrap_or_else(|| "bilinear".to_string());
        let mode = match mode.as_str() {
            "bilinear" => "linear",
            "bicubic" => "cubic",
            "nearest" => "nearest",
            other => return Err(nc.err(format!("mode '{other}' is not a GridSample mode"))),
        };
        let mode = self.ctx.string_attr(mode);
        self.set_attr(&mut attrs, "mode", mode);
        self.emit(nc, "flow.grid_sample", &operands, attrs, None)?;
        Ok(())
    }

    // ===== DFT =====

    /// Before opset 20, DFT took `axis` as an attribute (default 1, the first dim after the
    /// batch); since, it is the optional scalar input 2 (default -2). The attribute becomes a
    /// rank-0 `i64` constant operand, always present since the defaults differ; an absent
    /// `dft_length` (input 1) before it becomes `flow.none` (see `build`).
    fn dft_legacy(&mut self, nc: &NodeCtx<'_>) -> Result<(), ImportError> {
        let x = self.required_input(nc, 0)?;
        let dft_length = self.input(nc, 1)?;
        if nc.node.input.len() > 2 {
            return Err(nc.err(format!(
                "DFT-{} takes at most 2 inputs, but has {}",
                nc.opset,
                nc.node.input.len()
            )));
        }
        let attrs = self.convert_attrs(nc, &["axis"])?;
        let axis = attr_int(nc.node, "axis").unwrap_or(1);
        let raw = RawTensor {
            dtype: DType::I64,
            shape: Vec::new(),
            data: axis.to_le_bytes().to_vec(),
        };
        let axis = self.constant(raw, &format!("{}_axis", nc.info.name), nc.loc);
        self.emit(
            nc,
            "flow.dft",
            &[Some(x), dft_length, Some(axis)],
            attrs,
            None,
        )?;
        Ok(())
    }

    // ===== GroupNormalization =====

    /// Before opset 21, GroupNormalization's `scale` and `bias` had one value per group
    /// (`[num_groups]`); since, one per channel (`[C]`). Each group's value is repeated for the
    /// group's `C / num_groups` channels: at import for constants (when `C` is static), else
    /// with `unsqueeze` to `[G, 1]`, `expand` to `[G, C / G]` and `reshape` to `[C]`.
    fn group_norm_legacy(&mut self, nc: &NodeCtx<'_>) -> Result<(), ImportError> {
        let x = self.required_input(nc, 0)?;
        let groups = attr_int(nc.node, "num_groups")
            .ok_or_else(|| nc.err("attribute 'num_groups' is required"))?;
        if groups < 1 {
            return Err(nc.err(format!(
                "attribute 'num_groups' must be positive, but is {groups}"
            )));
        }
        let x_ty = self.ctx.value_type(x);
        let channels = self
            .ctx
            .shape(x_ty)
            .and_then(|d| d.get(1).copied())
            .filter(|&c| c >= 0 && c != DYNAMIC);
        if let Some(c) = channels
            && c % groups != 0
        {
            return Err(nc.err(format!(
                "num_groups ({groups}) must divide the channels ({c})"
            )));
        }
        let mut operands = self.inputs(nc)?;
        for (i, what) in [(1, "scale"), (2, "bias")] {
            let Some(v) = operands.get(i).copied().flatten() else {
                continue;
            };
            operands[i] = Some(self.per_group_to_per_channel(nc, x, v, groups, channels, what)?);
        }
        let attrs = self.convert_attrs(nc, &[])?;
        self.emit(nc, "flow.group_normalization", &operands, attrs, None)?;
        Ok(())
    }

    /// `v` (`[groups]`) with each value repeated `C / groups` times (see `group_norm_legacy`).
    fn per_group_to_per_channel(
        &mut self,
        nc: &NodeCtx<'_>,
        x: Value,
        v: Value,
        groups: i64,
        channels: Option<i64>,
        what: &str,
    ) -> Result<Value, ImportError> {
        let ty = self.ctx.value_type(v);
        if let Some(d) = self.ctx.shape(ty)
            && (d.len() != 1 || (d[0] >= 0 && d[0] != DYNAMIC && d[0] != groups))
        {
            return Err(nc.err(format!(
                "{what} must be 1-D with num_groups ({groups}) elements before opset 21, but has type '{}'",
                self.ctx.print_type(ty)
            )));
        }
        if channels == Some(groups) {
            // One channel per group: per group is per channel.
            return Ok(v);
        }
        if let (Some(c), Some(raw)) = (channels, self.small.get(&v)) {
            let per_group = (c / groups) as usize;
            let size = raw.dtype.size_bytes();
            let data: Vec<u8> = raw
                .data
                .chunks_exact(size)
                .flat_map(|e| e.repeat(per_group))
                .collect();
            let raw = RawTensor {
                dtype: raw.dtype,
                shape: vec![c as usize],
                data,
            };
            return Ok(self.constant(raw, &format!("{}_{what}", nc.info.name), nc.loc));
        }
        let none = [];
        let axes = self.const_i64s(nc, &[1]);
        let column = self.build(
            nc,
            "flow.unsqueeze",
            &[Some(v), Some(axes)],
            Vec::new(),
            1,
            &none,
        )?[0];
        let per_group = match channels {
            Some(c) => self.const_i64s(nc, &[1, c / groups]),
            None => {
                // [1, C / G] from the input's shape.
                let shape = self.build(nc, "flow.shape", &[Some(x)], Vec::new(), 1, &none)?[0];
                let (start, end) = (self.const_i64s(nc, &[1]), self.const_i64s(nc, &[2]));
                let c = self.build(
                    nc,
                    "flow.slice",
                    &[Some(shape), Some(start), Some(end)],
                    Vec::new(),
                    1,
                    &none,
                )?[0];
                let g = self.const_i64s(nc, &[groups]);
                let k = self.build(nc, "flow.div", &[Some(c), Some(g)], Vec::new(), 1, &none)?[0];
                let one = self.const_i64s(nc, &[1]);
                let axis = (self.ctx.ident("axis"), self.ctx.i64_attr(0));
                self.build(
                    nc,
                    "flow.concat",
                    &[Some(one), Some(k)],
                    vec![axis],
                    1,
                    &none,
                )?[0]
            }
        };
        let grid = self.build(
            nc,
            "flow.expand",
            &[Some(column), Some(per_group)],
            Vec::new(),
            1,
            &none,
        )?[0];
        let flat = self.const_i64s(nc, &[-1]);
        Ok(self.build(
            nc,
            "flow.reshape",
            &[Some(grid), Some(flat)],
            Vec::new(),
            1,
            &none,
        )?[0])
    }

    // ===== BatchNormalization =====

    fn batch_norm(&mut self, nc: &NodeCtx<'_>) -> Result<(), ImportError> {
        if let Some(spatial) = attr_int(nc.node, "spatial")
            && spatial != 1
        {
            return Err(
                nc.unsupported("spatial = 0 (per-activation normalization) is not supported")
            );
        }
        if attr_int(nc.node, "training_mode").is_some_and(|t| t != 0) {
            return Err(nc.unsupported("training mode is not supported"));
        }
        if let Some(i) = (1..nc.node.output.len()).find(|&i| self.output_used(nc, i)) {
            return Err(nc.unsupported(format!(
                "output {i} ('{}') exists only in training mode, which is not supported",
                nc.node.output[i]
            )));
        }
        let operands = self.inputs(nc)?;
        let attrs = self.convert_attrs(nc, &["spatial", "is_test", "consumed_inputs"])?;
        self.emit(nc, "flow.batch_normalization", &operands, attrs, Some(1))?;
        Ok(())
    }
}
