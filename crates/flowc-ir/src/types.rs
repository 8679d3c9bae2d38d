//! Types: builtin types as in MLIR, plus opaque dialect types (`!dialect.body`).
//!
//! Types are uniqued in the [`Context`]; a [`Type`] is a four-byte id and compares by identity.

use crate::{Attribute, Context, Ident};

crate::entity_id! {
    /// A uniqued type.
    pub struct Type, "type";
}

/// The size of a dynamic (`?`) dimension, as MLIR's `ShapedType::kDynamic`.
pub const DYNAMIC: i64 = i64::MIN;

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Signedness {
    /// `iN`: the operation decides how the bits are interpreted.
    Signless,
    /// `siN`
    Signed,
    /// `uiN`
    Unsigned,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum FloatKind {
    F16,
    BF16,
    F32,
    F64,
}

impl FloatKind {
    pub fn width(self) -> u32 {
        match self {
            FloatKind::F16 | FloatKind::BF16 => 16,
            FloatKind::F32 => 32,
            FloatKind::F64 => 64,
        }
    }

    pub fn keyword(self) -> &'static str {
        match self {
            FloatKind::F16 => "f16",
            FloatKind::BF16 => "bf16",
            FloatKind::F32 => "f32",
            FloatKind::F64 => "f64",
        }
    }
}

/// The structure of a type. Shapes use [`DYNAMIC`] for `?` dimensions.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TypeData {
    Integer {
        width: u32,
        signedness: Signedness,
    },
    Index,
    Float(FloatKind),
    None,
    Complex(Type),
    Tuple(Vec<Type>),
    Function {
        inputs: Vec<Type>,
        results: Vec<Type>,
    },
    /// `tensor<2x?xf32>`, `tensor<f32>` (rank 0), optionally with an encoding attribute.
    RankedTensor {
        shape: Vec<i64>,
        element: Type,
        encoding: Option<Attribute>,
    },
    /// `tensor<*xf32>`
    UnrankedTensor {
        element: Type,
    },
    /// `memref<4x?xf32, strided<[?, 1], offset: ?>, 1>`
    MemRef {
        shape: Vec<i64>,
        element: Type,
        layout: Option<Attribute>,
        memory_space: Option<Attribute>,
    },
    /// `memref<*xf32>`
    UnrankedMemRef {
        element: Type,
        memory_space: Option<Attribute>,
    },
    /// `vector<4x[8]xf32>`: `scalable[i]` marks a scalable dimension.
    Vector {
        shape: Vec<i64>,
        scalable: Vec<bool>,
        element: Type,
    },
    /// A dialect type kept as text: `!dialect.body`. `body` holds everything after the dot,
    /// e.g. `token` or `ptr<i32>`.
    Dialect {
        dialect: Ident,
        body: String,
    },
}

impl Context {
    pub fn intern_type(&mut self, data: TypeData) -> Type {
        Type(self.types.intern(data))
    }

    /// The type with structure `data` if it was ever interned (lookups with `&Context`, e.g.
    /// `i1` for a `true` attribute in a verifier).
    pub fn lookup_type(&self, data: &TypeData) -> Option<Type> {
        self.types.lookup(data).map(Type)
    }

    #[inline]
    pub fn type_data(&self, ty: Type) -> &TypeData {
        self.types.get(ty.0)
    }

    pub fn integer_type(&mut self, width: u32) -> Type {
        self.intern_type(TypeData::Integer {
            width,
            signedness: Signedness::Signless,
        })
    }

    pub fn integer_type_with_sign(&mut self, width: u32, signedness: Signedness) -> Type {
        self.intern_type(TypeData::Integer { width, signedness })
    }

    pub fn i1_type(&mut self) -> Type {
        self.integer_type(1)
    }

    pub fn i32_type(&mut self) -> Type {
        self.integer_type(32)
    }

    pub fn i64_type(&mut self) -> Type {
        self.integer_type(64)
    }

    pub fn index_type(&mut self) -> Type {
        self.intern_type(TypeData::Index)
    }

    pub fn float_type(&mut self, kind: FloatKind) -> Type {
        self.intern_type(TypeData::Float(kind))
    }

    pub fn f32_type(&mut self) -> Type {
        self.float_type(FloatKind::F32)
    }

    pub fn f64_type(&mut self) -> Type {
        self.float_type(FloatKind::F64)
    }

    pub fn none_type(&mut self) -> Type {
        self.intern_type(TypeData::None)
    }

    pub fn function_type(&mut self, inputs: Vec<Type>, results: Vec<Type>) -> Type {
        self.intern_type(TypeData::Function { inputs, results })
    }

    pub fn tensor_type(&mut self, shape: Vec<i64>, element: Type) -> Type {
        self.intern_type(TypeData::RankedTensor {
            shape,
            element,
            encoding: None,
        })
    }

    pub fn vector_type(&mut self, shape: Vec<i64>, element: Type) -> Type {
        let scalable = vec![false; shape.len()];
        self.intern_type(TypeData::Vector {
            shape,
            scalable,
            element,
        })
    }

    pub fn memref_type(&mut self, shape: Vec<i64>, element: Type) -> Type {
        self.intern_type(TypeData::MemRef {
            shape,
            element,
            layout: None,
            memory_space: None,
        })
    }

    // ----- Queries -----

    /// `Some(width)` for integer types (any signedness).
    pub fn integer_width(&self, ty: Type) -> Option<u32> {
        match self.type_data(ty) {
            TypeData::Integer { width, .. } => Some(*width),
            _ => None,
        }
    }

    pub fn is_integer(&self, ty: Type) -> bool {
        matches!(self.type_data(ty), TypeData::Integer { .. })
    }

    pub fn is_signless_integer(&self, ty: Type) -> bool {
        matches!(
            self.type_data(ty),
            TypeData::Integer {
                signedness: Signedness::Signless,
                ..
            }
        )
    }

    pub fn is_signless_int_of_width(&self, ty: Type, w: u32) -> bool {
        matches!(self.type_data(ty), TypeData::Integer { signedness: Signedness::Signless, width } if *width == w)
    }

    pub fn is_index(&self, ty: Type) -> bool {
        matches!(self.type_data(ty), TypeData::Index)
    }

    pub fn float_kind(&self, ty: Type) -> Option<FloatKind> {
        match self.type_data(ty) {
            TypeData::Float(k) => Some(*k),
            _ => None,
        }
    }

    pub fn is_float(&self, ty: Type) -> bool {
        self.float_kind(ty).is_some()
    }

    /// Tensors, memrefs and vectors.
    pub fn is_shaped(&self, ty: Type) -> bool {
        self.element_type(ty).is_some()
    }

    /// The element type of a shaped type.
    pub fn element_type(&self, ty: Type) -> Option<Type> {
        match self.type_data(ty) {
            TypeData::RankedTensor { element, .. }
            | TypeData::UnrankedTensor { element }
            | TypeData::MemRef { element, .. }
            | TypeData::UnrankedMemRef { element, .. }
            | TypeData::Vector { element, .. } => Some(*element),
            _ => None,
        }
    }

    /// The element type of a shaped type, or the type itself for scalars.
    pub fn element_type_or_self(&self, ty: Type) -> Type {
        self.element_type(ty).unwrap_or(ty)
    }

    /// The shape of a ranked shaped type.
    pub fn shape(&self, ty: Type) -> Option<&[i64]> {
        match self.type_data(ty) {
            TypeData::RankedTensor { shape, .. }
            | TypeData::MemRef { shape, .. }
            | TypeData::Vector { shape, .. } => Some(shape),
            _ => None,
        }
    }

    pub fn is_tensor(&self, ty: Type) -> bool {
        matches!(
            self.type_data(ty),
            TypeData::RankedTensor { .. } | TypeData::UnrankedTensor { .. }
        )
    }

    pub fn is_vector(&self, ty: Type) -> bool {
        matches!(self.type_data(ty), TypeData::Vector { .. })
    }

    /// A type with the same container (tensor / vector) as `like` but element type `element`;
    /// scalars map to `element`. Used by ops such as `arith.cmpi` whose result is `i1`-like.
    pub fn with_element_type(&mut self, like: Type, element: Type) -> Type {
        let data = match self.type_data(like).clone() {
            TypeData::RankedTensor {
                shape, encoding, ..
            } => TypeData::RankedTensor {
                shape,
                element,
                encoding,
            },
            TypeData::UnrankedTensor { .. } => TypeData::UnrankedTensor { element },
            TypeData::Vector {
                shape, scalable, ..
            } => TypeData::Vector {
                shape,
                scalable,
                element,
            },
            TypeData::MemRef {
                shape,
                layout,
                memory_space,
                ..
            } => TypeData::MemRef {
                shape,
                element,
                layout,
                memory_space,
            },
            TypeData::UnrankedMemRef { memory_space, .. } => TypeData::UnrankedMemRef {
                element,
                memory_space,
            },
            _ => return element,
        };
        self.intern_type(data)
    }

    /// Number of bytes one element of this scalar type takes in dense storage (`i1` takes a byte).
    pub fn scalar_byte_width(&self, ty: Type) -> Option<usize> {
        match self.type_data(ty) {
            TypeData::Integer { width, .. } if *width <= 64 => {
                Some((*width as usize).div_ceil(8).next_power_of_two())
            }
            TypeData::Index => Some(8),
            TypeData::Float(k) => Some(k.width() as usize / 8),
            TypeData::Complex(e) => self.scalar_byte_width(*e).map(|w| 2 * w),
            _ => None,
        }
    }

    /// The number of elements of a statically shaped type.
    pub fn num_elements(&self, ty: Type) -> Option<u64> {
        let shape = self.shape(ty)?;
        let mut n: u64 = 1;
        for &d in shape {
            if d < 0 {
                return None;
            }
            n = n.checked_mul(d as u64)?;
        }
        Some(n)
    }

    /// `(inputs, results)` of a function type.
    pub fn function_signature(&self, ty: Type) -> Option<(&[Type], &[Type])> {
        match self.type_data(ty) {
            TypeData::Function { inputs, results } => Some((inputs, results)),
            _ => None,
        }
    }
}
