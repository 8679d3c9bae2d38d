//! Attributes: compile-time constant data attached to operations, uniqued in the [`Context`].
//!
//! Dense element data is kept as little-endian bytes in the element type's storage width, so
//! that later stages (the interpreter, constant folding, code generation) read it without
//! conversion. Large weights live in `dense_resource` blobs owned by the context and never pass
//! through the textual form.

use crate::{Context, Ident, Type, TypeData};

crate::entity_id! {
    /// A uniqued attribute.
    pub struct Attribute, "attr";
}

/// A named attribute, as stored on operations and in dictionaries.
pub type NamedAttr = (Ident, Attribute);

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum AttrData {
    /// `unit`: presence is the information.
    Unit,
    /// `true` / `false` (a `BoolAttr`, untyped).
    Bool(bool),
    /// `42 : i32`. The value is sign-extended for signless / signed types and zero-extended for
    /// unsigned ones; `index` values are 64-bit.
    Integer {
        value: i128,
        ty: Type,
    },
    /// `1.5 : f32`. `bits` is the value in the type's own encoding (f16 bits for `f16`), so NaN
    /// payloads and signed zeros survive.
    Float {
        bits: u64,
        ty: Type,
    },
    /// `"text"`, optionally typed (`"text" : i32`).
    String {
        value: String,
        ty: Option<Type>,
    },
    /// A type used as an attribute, e.g. `function_type = (i32) -> i32`.
    Type(Type),
    Array(Vec<Attribute>),
    /// `{a = 1, b}`: kept sorted by name, no duplicates.
    Dictionary(Vec<NamedAttr>),
    /// `@root::@nested::@leaf`
    SymbolRef {
        root: Ident,
        nested: Vec<Ident>,
    },
    /// `dense<...> : tensor<...>`: splat data holds one element.
    DenseElements {
        ty: Type,
        splat: bool,
        data: Vec<u8>,
    },
    /// `array<i64: 1, 2>`: element bytes as for dense elements.
    DenseArray {
        element: Type,
        data: Vec<u8>,
    },
    /// `dense_resource<name> : tensor<...>`: the bytes live in the context's resource table.
    DenseResource {
        name: String,
        ty: Type,
    },
    /// `strided<[s0, s1], offset: o>`: a memref layout; `DYNAMIC` for `?`.
    StridedLayout {
        strides: Vec<i64>,
        offset: i64,
    },
    /// `affine_map<...>` / `affine_set<...>`, kept as text between the angle brackets.
    Affine {
        is_set: bool,
        body: String,
    },
    /// A dialect attribute kept as text: `#dialect.body`.
    Dialect {
        dialect: Ident,
        body: String,
    },
    /// A location used as an attribute (`loc(...)` inside an attribute dictionary).
    Location(crate::Location),
}

/// A blob behind `dense_resource<name>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceBlob {
    pub alignment: u32,
    pub data: Vec<u8>,
}

impl Context {
    pub fn intern_attr(&mut self, data: AttrData) -> Attribute {
        Attribute(self.attrs.intern(data))
    }

    #[inline]
    pub fn attr_data(&self, attr: Attribute) -> &AttrData {
        self.attrs.get(attr.0)
    }

    pub fn unit_attr(&mut self) -> Attribute {
        self.intern_attr(AttrData::Unit)
    }

    pub fn bool_attr(&mut self, value: bool) -> Attribute {
        self.intern_attr(AttrData::Bool(value))
    }

    /// An integer attribute, normalized to the type's width and signedness (`i1` holds 0 or 1,
    /// `i8` 255 becomes -1).
    pub fn integer_attr(&mut self, ty: Type, value: i128) -> Attribute {
        let value = self.normalize_int(ty, value);
        self.intern_attr(AttrData::Integer { value, ty })
    }

    pub fn index_attr(&mut self, value: i64) -> Attribute {
        let ty = self.index_type();
        self.integer_attr(ty, value as i128)
    }

    pub fn i64_attr(&mut self, value: i64) -> Attribute {
        let ty = self.i64_type();
        self.integer_attr(ty, value as i128)
    }

    /// Wraps `value` to the width of `ty` (sign-extending signless and signed types).
    pub fn normalize_int(&self, ty: Type, value: i128) -> i128 {
        let (width, unsigned) = match self.type_data(ty) {
            TypeData::Integer { width, signedness } => {
                (*width, *signedness == crate::Signedness::Unsigned)
            }
            TypeData::Index => (64, false),
            _ => return value,
        };
        if width == 0 || width >= 128 {
            return value;
        }
        // `i1` holds a truth value: 0 or 1, not the sign-extended -1.
        if width == 1 {
            return value & 1;
        }
        let shift = 128 - width;
        if unsigned {
            ((value << shift) as u128 >> shift) as i128
        } else {
            (value << shift) >> shift
        }
    }

    /// A float attribute from an `f64`, rounded to the type's format.
    pub fn float_attr(&mut self, ty: Type, value: f64) -> Attribute {
        let bits = match self.float_kind(ty) {
            Some(kind) => crate::float::bits_from_f64(kind, value),
            None => value.to_bits(),
        };
        self.intern_attr(AttrData::Float { bits, ty })
    }

    pub fn string_attr(&mut self, value: impl Into<String>) -> Attribute {
        self.intern_attr(AttrData::String {
            value: value.into(),
            ty: None,
        })
    }

    pub fn type_attr(&mut self, ty: Type) -> Attribute {
        self.intern_attr(AttrData::Type(ty))
    }

    pub fn array_attr(&mut self, elements: Vec<Attribute>) -> Attribute {
        self.intern_attr(AttrData::Array(elements))
    }

    /// A dictionary; entries are sorted by name and later duplicates win.
    pub fn dictionary_attr(&mut self, mut entries: Vec<NamedAttr>) -> Attribute {
        entries.sort_by(|a, b| self.ident_str(a.0).cmp(self.ident_str(b.0)));
        entries.dedup_by(|later, earlier| {
            if later.0 == earlier.0 {
                earlier.1 = later.1;
                true
            } else {
                false
            }
        });
        self.intern_attr(AttrData::Dictionary(entries))
    }

    pub fn symbol_ref_attr(&mut self, root: &str) -> Attribute {
        let root = self.ident(root);
        self.intern_attr(AttrData::SymbolRef {
            root,
            nested: Vec::new(),
        })
    }

    pub fn dense_i32_array_attr(&mut self, values: &[i32]) -> Attribute {
        let element = self.i32_type();
        let data = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        self.intern_attr(AttrData::DenseArray { element, data })
    }

    pub fn dense_i64_array_attr(&mut self, values: &[i64]) -> Attribute {
        let element = self.i64_type();
        let data = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        self.intern_attr(AttrData::DenseArray { element, data })
    }

    /// A splat `dense<...>` attribute of the shaped `ty` whose single element is the scalar
    /// attribute `element` (an integer or float attribute of the element type).
    pub fn splat_attr(&mut self, ty: Type, element: Attribute) -> Option<Attribute> {
        let elem_ty = self.element_type(ty)?;
        let data = self.scalar_bytes(elem_ty, element)?;
        Some(self.intern_attr(AttrData::DenseElements {
            ty,
            splat: true,
            data,
        }))
    }

    /// The little-endian bytes of a scalar integer / float / bool attribute stored as `elem_ty`.
    pub fn scalar_bytes(&self, elem_ty: Type, element: Attribute) -> Option<Vec<u8>> {
        let width = self.scalar_byte_width(elem_ty)?;
        let raw: u128 = match self.attr_data(element) {
            AttrData::Integer { value, .. } => *value as u128,
            AttrData::Bool(b) => *b as u128,
            AttrData::Float { bits, .. } => *bits as u128,
            _ => return None,
        };
        Some(raw.to_le_bytes()[..width].to_vec())
    }

    // ----- Accessors -----

    pub fn int_value(&self, attr: Attribute) -> Option<i128> {
        match self.attr_data(attr) {
            AttrData::Integer { value, .. } => Some(*value),
            AttrData::Bool(b) => Some(*b as i128),
            _ => None,
        }
    }

    /// The value of a float attribute, widened to `f64`.
    pub fn float_value(&self, attr: Attribute) -> Option<f64> {
        match self.attr_data(attr) {
            AttrData::Float { bits, ty } => Some(match self.float_kind(*ty) {
                Some(kind) => crate::float::f64_from_bits(kind, *bits),
                None => f64::from_bits(*bits),
            }),
            _ => None,
        }
    }

    pub fn str_value(&self, attr: Attribute) -> Option<&str> {
        match self.attr_data(attr) {
            AttrData::String { value, .. } => Some(value),
            _ => None,
        }
    }

    pub fn type_value(&self, attr: Attribute) -> Option<Type> {
        match self.attr_data(attr) {
            AttrData::Type(t) => Some(*t),
            _ => None,
        }
    }

    pub fn array_value(&self, attr: Attribute) -> Option<&[Attribute]> {
        match self.attr_data(attr) {
            AttrData::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The leaf name of a flat symbol reference (`@foo` gives `foo`).
    pub fn flat_symbol(&self, attr: Attribute) -> Option<&str> {
        match self.attr_data(attr) {
            AttrData::SymbolRef { root, nested } if nested.is_empty() => {
                Some(self.ident_str(*root))
            }
            _ => None,
        }
    }

    /// The values of an `array<i64: ...>` / `array<i32: ...>` attribute.
    pub fn dense_array_i64(&self, attr: Attribute) -> Option<Vec<i64>> {
        match self.attr_data(attr) {
            AttrData::DenseArray { element, data } => {
                let width = self.scalar_byte_width(*element)?;
                let is_int = self.is_integer(*element);
                if !is_int {
                    return None;
                }
                Some(
                    data.chunks_exact(width)
                        .map(|c| {
                            let mut b = [0u8; 8];
                            b[..width].copy_from_slice(c);
                            let v = i64::from_le_bytes(b);
                            let shift = 64 - 8 * width as u32;
                            if shift == 64 {
                                0
                            } else {
                                (v << shift) >> shift
                            }
                        })
                        .collect(),
                )
            }
            _ => None,
        }
    }

    /// The type carried by a typed attribute (integer, float, dense elements, resources).
    pub fn attr_type(&self, attr: Attribute) -> Option<Type> {
        match self.attr_data(attr) {
            AttrData::Integer { ty, .. }
            | AttrData::Float { ty, .. }
            | AttrData::DenseElements { ty, .. }
            | AttrData::DenseResource { ty, .. } => Some(*ty),
            AttrData::String { ty, .. } => *ty,
            _ => None,
        }
    }

    /// For a splat dense attribute, the scalar element as an integer or float attribute.
    pub fn splat_value(&mut self, attr: Attribute) -> Option<Attribute> {
        let (ty, data) = match self.attr_data(attr) {
            AttrData::DenseElements {
                ty,
                splat: true,
                data,
            } => (*ty, data.clone()),
            _ => return None,
        };
        let elem = self.element_type(ty)?;
        self.scalar_from_bytes(elem, &data)
    }

    /// Reads one element of scalar type `elem` from little-endian bytes.
    pub fn scalar_from_bytes(&mut self, elem: Type, bytes: &[u8]) -> Option<Attribute> {
        let width = self.scalar_byte_width(elem)?;
        if bytes.len() < width || width > 8 {
            return None;
        }
        let mut b = [0u8; 8];
        b[..width].copy_from_slice(&bytes[..width]);
        let raw = u64::from_le_bytes(b);
        if self.is_float(elem) {
            Some(self.intern_attr(AttrData::Float {
                bits: raw,
                ty: elem,
            }))
        } else {
            Some(self.integer_attr(elem, raw as i128))
        }
    }

    // ----- Resources -----

    /// Adds (or replaces) the blob behind `dense_resource<name>`.
    pub fn set_resource(&mut self, name: impl Into<String>, blob: ResourceBlob) {
        self.resources.insert(name.into(), blob);
    }

    pub fn resource(&self, name: &str) -> Option<&ResourceBlob> {
        self.resources.get(name)
    }

    pub fn resources(&self) -> impl Iterator<Item = (&str, &ResourceBlob)> {
        self.resources.iter().map(|(k, v)| (k.as_str(), v))
    }
}
