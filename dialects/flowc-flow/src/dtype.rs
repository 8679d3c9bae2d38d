//! The element types of `flow` tensors: [`flowc_tensor::DType`] (the single definition of the
//! element types, their ONNX codes and predicates), with what only the IR needs: the bit in
//! type masks and the conversion to and from IR types.

use flowc_ir::{Context, FloatKind, Signedness, Type, TypeData};
pub use flowc_tensor::DType;

/// The IR side of a [`DType`].
pub trait DTypeIr: Sized {
    /// The bit of the element type in type masks (the generated type constraints): `1 << i`
    /// with `i` the position in [`DType::ALL`].
    fn bit(self) -> u16;

    /// The element type of a scalar type (`f32`, `ui8`, `i1`); signed `siN` and `index` are not
    /// `flow` element types.
    fn from_type(ctx: &Context, ty: Type) -> Option<Self>;

    /// The scalar type.
    fn to_type(self, ctx: &mut Context) -> Type;

    /// The scalar type if it exists already (for `&Context` users such as verifiers).
    fn lookup_type(self, ctx: &Context) -> Option<Type>;

    /// The type data of the scalar type.
    fn type_data(self) -> TypeData;
}

impl DTypeIr for DType {
    fn bit(self) -> u16 {
        1 << self as u16
    }

    fn from_type(ctx: &Context, ty: Type) -> Option<DType> {
        Some(match ctx.type_data(ty) {
            TypeData::Float(FloatKind::F16) => DType::F16,
            TypeData::Float(FloatKind::BF16) => DType::BF16,
            TypeData::Float(FloatKind::F32) => DType::F32,
            TypeData::Float(FloatKind::F64) => DType::F64,
            TypeData::Integer { width, signedness } => match (width, signedness) {
                (1, Signedness::Signless) => DType::Bool,
                (8, Signedness::Signless) => DType::I8,
                (16, Signedness::Signless) => DType::I16,
                (32, Signedness::Signless) => DType::I32,
                (64, Signedness::Signless) => DType::I64,
                (8, Signedness::Unsigned) => DType::U8,
                (16, Signedness::Unsigned) => DType::U16,
                (32, Signedness::Unsigned) => DType::U32,
                (64, Signedness::Unsigned) => DType::U64,
                _ => return None,
            },
            _ => return None,
        })
    }

    fn to_type(self, ctx: &mut Context) -> Type {
        ctx.intern_type(self.type_data())
    }

    fn lookup_type(self, ctx: &Context) -> Option<Type> {
        ctx.lookup_type(&self.type_data())
    }

    fn type_data(self) -> TypeData {
        let int = |width, signedness| TypeData::Integer { width, signedness };
        match self {
            DType::F16 => TypeData::Float(FloatKind::F16),
            DType::BF16 => TypeData::Float(FloatKind::BF16),
            DType::F32 => TypeData::Float(FloatKind::F32),
            DType::F64 => TypeData::Float(FloatKind::F64),
            DType::I8 => int(8, Signedness::Signless),
            DType::I16 => int(16, Signedness::Signless),
            DType::I32 => int(32, Signedness::Signless),
            DType::I64 => int(64, Signedness::Signless),
            DType::U8 => int(8, Signedness::Unsigned),
            DType::U16 => int(16, Signedness::Unsigned),
            DType::U32 => int(32, Signedness::Unsigned),
            DType::U64 => int(64, Signedness::Unsigned),
            DType::Bool => int(1, Signedness::Signless),
        }
    }
}

/// The element type of an ONNX data-type code held in an `i64` attribute; `None` for codes
/// flowc has no type for (string, complex, float8, int4, ...), unknown codes and codes out of
/// `i32` range.
pub fn from_onnx_attr(code: i64) -> Option<DType> {
    i32::try_from(code).ok().and_then(DType::from_onnx_code)
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
            DType::from_type(ctx, *element).is_some_and(|d| mask & d.bit() != 0)
        }
        _ => false,
    }
}

/// The element types of a mask, for messages (`f32, f64`).
pub fn mask_names(mask: u16) -> String {
    DType::ALL
        .iter()
        .filter(|d| mask & d.bit() != 0)
        .map(|d| d.mlir_name())
        .collect::<Vec<_>>()
        .join(", ")
}
