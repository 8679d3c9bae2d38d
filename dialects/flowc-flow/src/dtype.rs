//! The element types of `flow` tensors and their ONNX data-type codes.

use flowc_ir::{Context, FloatKind, Signedness, Type, TypeData};

/// An element type flowc has for ONNX tensors. The discriminant is the bit in type masks.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Dt {
    F16 = 0,
    BF16,
    F32,
    F64,
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
    /// ONNX `bool`: `i1`.
    Bool,
}

pub const ALL: [Dt; 13] = [
    Dt::F16,
    Dt::BF16,
    Dt::F32,
    Dt::F64,
    Dt::I8,
    Dt::I16,
    Dt::I32,
    Dt::I64,
    Dt::U8,
    Dt::U16,
    Dt::U32,
    Dt::U64,
    Dt::Bool,
];

impl Dt {
    pub fn bit(self) -> u16 {
        1 << self as u16
    }

    pub fn is_float(self) -> bool {
        matches!(self, Dt::F16 | Dt::BF16 | Dt::F32 | Dt::F64)
    }

    pub fn is_int(self) -> bool {
        !self.is_float() && self != Dt::Bool
    }

    pub fn is_signed_int(self) -> bool {
        matches!(self, Dt::I8 | Dt::I16 | Dt::I32 | Dt::I64)
    }

    /// The storage width in bits (`bool` takes a byte, as in ONNX tensors).
    pub fn bits(self) -> u32 {
        match self {
            Dt::I8 | Dt::U8 | Dt::Bool => 8,
            Dt::F16 | Dt::BF16 | Dt::I16 | Dt::U16 => 16,
            Dt::F32 | Dt::I32 | Dt::U32 => 32,
            Dt::F64 | Dt::I64 | Dt::U64 => 64,
        }
    }

    /// The MLIR spelling (`f32`, `ui8`, `i1`).
    pub fn keyword(self) -> &'static str {
        match self {
            Dt::F16 => "f16",
            Dt::BF16 => "bf16",
            Dt::F32 => "f32",
            Dt::F64 => "f64",
            Dt::I8 => "i8",
            Dt::I16 => "i16",
            Dt::I32 => "i32",
            Dt::I64 => "i64",
            Dt::U8 => "ui8",
            Dt::U16 => "ui16",
            Dt::U32 => "ui32",
            Dt::U64 => "ui64",
            Dt::Bool => "i1",
        }
    }

    /// ONNX's `TensorProto.DataType` code.
    pub fn onnx_code(self) -> i64 {
        match self {
            Dt::F32 => 1,
            Dt::U8 => 2,
            Dt::I8 => 3,
            Dt::U16 => 4,
            Dt::I16 => 5,
            Dt::I32 => 6,
            Dt::I64 => 7,
            Dt::Bool => 9,
            Dt::F16 => 10,
            Dt::F64 => 11,
            Dt::U32 => 12,
            Dt::U64 => 13,
            Dt::BF16 => 16,
        }
    }

    /// The element type of an ONNX data-type code, `None` for codes flowc has no type for
    /// (string, complex, float8, int4, ...) and for unknown codes.
    pub fn from_onnx_code(code: i64) -> Option<Dt> {
        ALL.iter().copied().find(|d| d.onnx_code() == code)
    }

    /// The element type of a scalar type (`f32`, `ui8`, `i1`); signed `siN` and `index` are not
    /// `flow` element types.
    pub fn from_type(ctx: &Context, ty: Type) -> Option<Dt> {
        Some(match ctx.type_data(ty) {
            TypeData::Float(FloatKind::F16) => Dt::F16,
            TypeData::Float(FloatKind::BF16) => Dt::BF16,
            TypeData::Float(FloatKind::F32) => Dt::F32,
            TypeData::Float(FloatKind::F64) => Dt::F64,
            TypeData::Integer { width, signedness } => match (width, signedness) {
                (1, Signedness::Signless) => Dt::Bool,
                (8, Signedness::Signless) => Dt::I8,
                (16, Signedness::Signless) => Dt::I16,
                (32, Signedness::Signless) => Dt::I32,
                (64, Signedness::Signless) => Dt::I64,
                (8, Signedness::Unsigned) => Dt::U8,
                (16, Signedness::Unsigned) => Dt::U16,
                (32, Signedness::Unsigned) => Dt::U32,
                (64, Signedness::Unsigned) => Dt::U64,
                _ => return None,
            },
            _ => return None,
        })
    }

    /// The scalar type.
    pub fn to_type(self, ctx: &mut Context) -> Type {
        ctx.intern_type(self.type_data())
    }

    /// The scalar type if it exists already (for `&Context` users such as verifiers).
    pub fn lookup_type(self, ctx: &Context) -> Option<Type> {
        ctx.lookup_type(&self.type_data())
    }

    fn type_data(self) -> TypeData {
        let int = |width, signedness| TypeData::Integer { width, signedness };
        match self {
            Dt::F16 => TypeData::Float(FloatKind::F16),
            Dt::BF16 => TypeData::Float(FloatKind::BF16),
            Dt::F32 => TypeData::Float(FloatKind::F32),
            Dt::F64 => TypeData::Float(FloatKind::F64),
            Dt::I8 => int(8, Signedness::Signless),
            Dt::I16 => int(16, Signedness::Signless),
            Dt::I32 => int(32, Signedness::Signless),
            Dt::I64 => int(64, Signedness::Signless),
            Dt::U8 => int(8, Signedness::Unsigned),
            Dt::U16 => int(16, Signedness::Unsigned),
            Dt::U32 => int(32, Signedness::Unsigned),
            Dt::U64 => int(64, Signedness::Unsigned),
            Dt::Bool => int(1, Signedness::Signless),
        }
    }
}

impl std::fmt::Display for Dt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.keyword())
    }
}

/// Whether `ty` is a tensor (ranked or not) whose element type is in `mask`, or `none` when
/// `allow_none`. Used by the generated type constraints.
pub fn type_in_mask(ctx: &Context, ty: Type, mask: u16, allow_none: bool) -> bool {
    match ctx.type_data(ty) {
        TypeData::None => allow_none,
        TypeData::RankedTensor {
            element,
            encoding: None,
            ..
        }
        | TypeData::UnrankedTensor { element } => {
            Dt::from_type(ctx, *element).is_some_and(|d| mask & d.bit() != 0)
        }
        _ => false,
    }
}

/// The element types of a mask, for messages (`f32, f64`).
pub fn mask_names(mask: u16) -> String {
    ALL.iter()
        .filter(|d| mask & d.bit() != 0)
        .map(|d| d.keyword())
        .collect::<Vec<_>>()
        .join(", ")
}
