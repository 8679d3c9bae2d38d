//! Reading ONNX attributes in their MLIR form (see the README's table).

use crate::spec::AttrKind;
use flowc_ir::{AttrData, Attribute, Context, NamedAttr};

/// The attributes of one op, with typed getters that apply ONNX defaults.
pub struct Attrs<'a> {
    ctx: &'a Context,
    list: &'a [NamedAttr],
}

impl<'a> Attrs<'a> {
    pub fn new(ctx: &'a Context, list: &'a [NamedAttr]) -> Self {
        Attrs { ctx, list }
    }

    pub fn get(&self, name: &str) -> Option<Attribute> {
        self.list
            .iter()
            .find(|(n, _)| self.ctx.ident_str(*n) == name)
            .map(|(_, a)| *a)
    }

    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    pub fn opt_int(&self, name: &str) -> Result<Option<i64>, String> {
        let Some(a) = self.get(name) else {
            return Ok(None);
        };
        match self.ctx.attr_data(a) {
            AttrData::Integer { value, .. } => i64::try_from(*value)
                .map(Some)
                .map_err(|_| format!("attribute '{name}' is out of the i64 range")),
            _ => Err(kind_error(name, AttrKind::Int)),
        }
    }

    pub fn int(&self, name: &str, default: i64) -> Result<i64, String> {
        Ok(self.opt_int(name)?.unwrap_or(default))
    }

    /// A 0 / 1 flag.
    pub fn flag(&self, name: &str, default: bool) -> Result<bool, String> {
        match self.int(name, default as i64)? {
            0 => Ok(false),
            1 => Ok(true),
            v => Err(format!("attribute '{name}' must be 0 or 1, but is {v}")),
        }
    }

    pub fn opt_float(&self, name: &str) -> Result<Option<f64>, String> {
        let Some(a) = self.get(name) else {
            return Ok(None);
        };
        self.ctx
            .float_value(a)
            .map(Some)
            .ok_or_else(|| kind_error(name, AttrKind::Float))
    }

    pub fn float(&self, name: &str, default: f64) -> Result<f64, String> {
        Ok(self.opt_float(name)?.unwrap_or(default))
    }

    pub fn opt_string(&self, name: &str) -> Result<Option<&'a str>, String> {
        let Some(a) = self.get(name) else {
            return Ok(None);
        };
        self.ctx
            .str_value(a)
            .map(Some)
            .ok_or_else(|| kind_error(name, AttrKind::String))
    }

    pub fn string(&self, name: &str, default: &'a str) -> Result<&'a str, String> {
        Ok(self.opt_string(name)?.unwrap_or(default))
    }

    /// A string attribute that must be one of `allowed` (the first is the default).
    pub fn choice(&self, name: &str, allowed: &[&'a str]) -> Result<&'a str, String> {
        let v = self.string(name, allowed[0])?;
        if allowed.contains(&v) {
            Ok(v)
        } else {
            Err(format!(
                "attribute '{name}' must be one of {}, but is \"{v}\"",
                allowed
                    .iter()
                    .map(|a| format!("\"{a}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        }
    }

    pub fn ints(&self, name: &str) -> Result<Option<Vec<i64>>, String> {
        let Some(a) = self.get(name) else {
            return Ok(None);
        };
        self.ctx
            .dense_array_i64(a)
            .map(Some)
            .ok_or_else(|| kind_error(name, AttrKind::Ints))
    }

    pub fn floats_len(&self, name: &str) -> Result<Option<usize>, String> {
        let Some(a) = self.get(name) else {
            return Ok(None);
        };
        match self.ctx.attr_data(a) {
            AttrData::DenseArray { element, data } if self.ctx.is_float(*element) => {
                let w = self.ctx.scalar_byte_width(*element).unwrap_or(4).max(1);
                Ok(Some(data.len() / w))
            }
            _ => Err(kind_error(name, AttrKind::Floats)),
        }
    }

    pub fn strings(&self, name: &str) -> Result<Option<Vec<&'a str>>, String> {
        let Some(a) = self.get(name) else {
            return Ok(None);
        };
        let items = self
            .ctx
            .array_value(a)
            .ok_or_else(|| kind_error(name, AttrKind::Strings))?;
        items
            .iter()
            .map(|&e| {
                self.ctx
                    .str_value(e)
                    .ok_or_else(|| kind_error(name, AttrKind::Strings))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }
}

/// Whether `attr` has the MLIR form of an ONNX attribute kind.
pub fn has_kind(ctx: &Context, attr: Attribute, kind: AttrKind) -> bool {
    match (kind, ctx.attr_data(attr)) {
        (AttrKind::Int, AttrData::Integer { ty, .. }) => ctx.is_signless_int_of_width(*ty, 64),
        (AttrKind::Float, AttrData::Float { ty, .. }) => {
            ctx.float_kind(*ty) == Some(flowc_ir::FloatKind::F32)
        }
        (AttrKind::String, AttrData::String { .. }) => true,
        (AttrKind::Ints, AttrData::DenseArray { element, .. }) => {
            ctx.is_signless_int_of_width(*element, 64)
        }
        (AttrKind::Floats, AttrData::DenseArray { element, .. }) => {
            ctx.float_kind(*element) == Some(flowc_ir::FloatKind::F32)
        }
        (AttrKind::Strings, AttrData::Array(items)) => items
            .iter()
            .all(|&e| matches!(ctx.attr_data(e), AttrData::String { .. })),
        (AttrKind::Tensor, AttrData::DenseElements { .. } | AttrData::DenseResource { .. }) => true,
        _ => false,
    }
}

pub const fn kind_description(kind: AttrKind) -> &'static str {
    match kind {
        AttrKind::Int => "64-bit signless integer attribute",
        AttrKind::Float => "32-bit float attribute",
        AttrKind::String => "string attribute",
        AttrKind::Ints => "i64 dense array attribute",
        AttrKind::Floats => "f32 dense array attribute",
        AttrKind::Strings => "array of string attributes",
        AttrKind::Tensor => "dense elements or dense resource attribute",
    }
}

fn kind_error(name: &str, kind: AttrKind) -> String {
    format!("attribute '{name}' must be a {}", kind_description(kind))
}
