//! The enum attributes of the arith dialect, kept as dialect attributes
//! (`AttrData::Dialect { dialect: "arith", body }`) exactly as MLIR prints them:
//!
//! - `#arith.overflow<nsw, nuw>`: integer overflow flags of `addi`, `subi`, `muli`, `shli`,
//!   `trunci` (property `overflowFlags`; custom syntax `overflow<nsw>`);
//! - `#arith.fastmath<nnan,ninf>`: fast-math flags of the float ops (property `fastmath`;
//!   custom syntax `fastmath<fast>`), shared with the math dialect;
//! - rounding modes (`to_nearest_even` ...) are `i32` integer attributes, as in MLIR.
//!
//! Bodies are parsed leniently (any spacing, any order) and created in MLIR's canonical form.

use flowc_ir::parser::{OpParser, ParseResult};
use flowc_ir::{AttrConstraint, AttrData, Attribute, Context};

/// Integer overflow flags, as MLIR's `IntegerOverflowFlags` bits.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct OverflowFlags(pub u8);

impl OverflowFlags {
    pub const NONE: OverflowFlags = OverflowFlags(0);
    pub const NSW: OverflowFlags = OverflowFlags(1);
    pub const NUW: OverflowFlags = OverflowFlags(2);
    const NAMES: [(&'static str, u8); 2] = [("nsw", 1), ("nuw", 2)];

    pub fn contains(self, other: OverflowFlags) -> bool {
        self.0 & other.0 == other.0
    }

    /// `none`, `nsw`, `nuw` or `nsw, nuw`.
    pub fn keywords(self) -> String {
        if self.0 == 0 {
            return "none".into();
        }
        Self::NAMES
            .iter()
            .filter(|(_, b)| self.0 & b != 0)
            .map(|(n, _)| *n)
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn from_keyword(k: &str) -> Option<u8> {
        if k == "none" {
            return Some(0);
        }
        Self::NAMES.iter().find(|(n, _)| *n == k).map(|(_, b)| *b)
    }

    /// Reads `overflow<...>` (the body of the dialect attribute).
    pub fn from_body(body: &str) -> Option<OverflowFlags> {
        let inner = enum_body(body, "overflow")?;
        let mut bits = 0;
        for k in inner.split(',') {
            bits |= Self::from_keyword(k.trim())?;
        }
        Some(OverflowFlags(bits))
    }

    /// The flags of an `#arith.overflow<...>` attribute.
    pub fn from_attr(ctx: &Context, attr: Attribute) -> Option<OverflowFlags> {
        dialect_body(ctx, attr).and_then(Self::from_body)
    }

    pub fn to_attr(self, ctx: &mut Context) -> Attribute {
        let dialect = ctx.ident("arith");
        ctx.intern_attr(AttrData::Dialect {
            dialect,
            body: format!("overflow<{}>", self.keywords()),
        })
    }
}

/// Fast-math flags, as MLIR's `FastMathFlags` bits.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct FastMathFlags(pub u8);

impl FastMathFlags {
    pub const NONE: FastMathFlags = FastMathFlags(0);
    pub const REASSOC: FastMathFlags = FastMathFlags(1);
    pub const NNAN: FastMathFlags = FastMathFlags(2);
    pub const NINF: FastMathFlags = FastMathFlags(4);
    pub const NSZ: FastMathFlags = FastMathFlags(8);
    pub const ARCP: FastMathFlags = FastMathFlags(16);
    pub const CONTRACT: FastMathFlags = FastMathFlags(32);
    pub const AFN: FastMathFlags = FastMathFlags(64);
    pub const FAST: FastMathFlags = FastMathFlags(127);
    const NAMES: [(&'static str, u8); 7] = [
        ("reassoc", 1),
        ("nnan", 2),
        ("ninf", 4),
        ("nsz", 8),
        ("arcp", 16),
        ("contract", 32),
        ("afn", 64),
    ];

    pub fn contains(self, other: FastMathFlags) -> bool {
        self.0 & other.0 == other.0
    }

    /// `none`, `fast`, or the flags in MLIR's order joined by `,` (`nnan,ninf`).
    pub fn keywords(self) -> String {
        match self.0 {
            0 => "none".into(),
            127 => "fast".into(),
            b => Self::NAMES
                .iter()
                .filter(|(_, f)| b & f != 0)
                .map(|(n, _)| *n)
                .collect::<Vec<_>>()
                .join(","),
        }
    }

    fn from_keyword(k: &str) -> Option<u8> {
        match k {
            "none" => Some(0),
            "fast" => Some(127),
            _ => Self::NAMES.iter().find(|(n, _)| *n == k).map(|(_, b)| *b),
        }
    }

    /// Reads `fastmath<...>` (the body of the dialect attribute).
    pub fn from_body(body: &str) -> Option<FastMathFlags> {
        let inner = enum_body(body, "fastmath")?;
        let mut bits = 0;
        for k in inner.split(',') {
            bits |= Self::from_keyword(k.trim())?;
        }
        Some(FastMathFlags(bits))
    }

    /// The flags of an `#arith.fastmath<...>` attribute.
    pub fn from_attr(ctx: &Context, attr: Attribute) -> Option<FastMathFlags> {
        dialect_body(ctx, attr).and_then(Self::from_body)
    }

    pub fn to_attr(self, ctx: &mut Context) -> Attribute {
        let dialect = ctx.ident("arith");
        ctx.intern_attr(AttrData::Dialect {
            dialect,
            body: format!("fastmath<{}>", self.keywords()),
        })
    }
}

/// Rounding modes of `arith.truncf` (an `i32` attribute `roundingmode`), in MLIR's numbering.
pub const ROUNDING_MODES: [&str; 5] = [
    "to_nearest_even",
    "downward",
    "upward",
    "toward_zero",
    "to_nearest_away",
];

/// The text between `name<` and the final `>`.
fn enum_body<'a>(body: &'a str, name: &str) -> Option<&'a str> {
    body.trim()
        .strip_prefix(name)?
        .trim_start()
        .strip_prefix('<')?
        .strip_suffix('>')
}

/// The body of an `#arith.*` attribute.
fn dialect_body(ctx: &Context, attr: Attribute) -> Option<&str> {
    match ctx.attr_data(attr) {
        AttrData::Dialect { dialect, body } if ctx.ident_str(*dialect) == "arith" => Some(body),
        _ => None,
    }
}

/// Checks the body of an `#arith.*` attribute (the dialect's `verify_attr` hook).
pub fn verify_attr_body(body: &str) -> Result<(), String> {
    let name = body.split('<').next().unwrap_or("").trim();
    match name {
        "overflow" => OverflowFlags::from_body(body)
            .map(|_| ())
            .ok_or_else(|| "expected ::mlir::arith::IntegerOverflowFlags to be one of: none, nsw, nuw".to_string()),
        "fastmath" => FastMathFlags::from_body(body).map(|_| ()).ok_or_else(|| {
            "expected ::mlir::arith::FastMathFlags to be one of: none, reassoc, nnan, ninf, nsz, arcp, contract, afn, fast"
                .to_string()
        }),
        _ => Err(format!("unknown arith attribute '{name}'")),
    }
}

/// `overflowFlags`: an `#arith.overflow<...>` attribute.
pub const OVERFLOW_FLAGS_ATTR: AttrConstraint = AttrConstraint {
    description: "Integer overflow arith flags",
    check: |ctx, a| OverflowFlags::from_attr(ctx, a).is_some(),
};

/// `fastmath`: an `#arith.fastmath<...>` attribute.
pub const FASTMATH_ATTR: AttrConstraint = AttrConstraint {
    description: "Floating point fast math flags",
    check: |ctx, a| FastMathFlags::from_attr(ctx, a).is_some(),
};

/// `roundingmode`: an `i32` attribute naming one of [`ROUNDING_MODES`].
pub const ROUNDING_MODE_ATTR: AttrConstraint = AttrConstraint {
    description: "Floating point rounding mode",
    check: |ctx, a| match ctx.attr_data(a) {
        AttrData::Integer { value, ty } => {
            ctx.is_signless_int_of_width(*ty, 32)
                && (0..ROUNDING_MODES.len() as i128).contains(value)
        }
        _ => false,
    },
};

// ===== Custom syntax pieces =====

/// Parses `<kw, kw, ...>` after a flag keyword, returning the keywords.
fn parse_keyword_list(p: &mut OpParser<'_, '_>, what: &str) -> ParseResult<Vec<String>> {
    p.parse_punct("<")?;
    let mut out = Vec::new();
    loop {
        match p.parse_optional_any_keyword() {
            Some(k) => out.push(k),
            None => return Err(p.error(&format!("expected {what} flag"))),
        }
        if !p.parse_optional_punct(",") {
            break;
        }
    }
    p.parse_punct(">")?;
    Ok(out)
}

/// ` overflow<nsw, nuw>` if present; `none` parses but adds nothing.
pub fn parse_optional_overflow(p: &mut OpParser<'_, '_>) -> ParseResult<Option<OverflowFlags>> {
    if !p.parse_optional_keyword("overflow") {
        return Ok(None);
    }
    let mut bits = 0;
    for k in parse_keyword_list(p, "overflow")? {
        match OverflowFlags::from_keyword(&k) {
            Some(b) => bits |= b,
            None => {
                return Err(p.error(&format!(
                    "expected ::mlir::arith::IntegerOverflowFlags to be one of: none, nsw, nuw, but got '{k}'"
                )));
            }
        }
    }
    Ok(Some(OverflowFlags(bits)))
}

/// ` fastmath<...>` if present.
pub fn parse_optional_fastmath(p: &mut OpParser<'_, '_>) -> ParseResult<Option<FastMathFlags>> {
    if !p.parse_optional_keyword("fastmath") {
        return Ok(None);
    }
    let mut bits = 0;
    for k in parse_keyword_list(p, "fastmath")? {
        match FastMathFlags::from_keyword(&k) {
            Some(b) => bits |= b,
            None => {
                return Err(p.error(&format!(
                    "expected ::mlir::arith::FastMathFlags to be one of: none, reassoc, nnan, ninf, nsz, arcp, contract, afn, fast, but got '{k}'"
                )));
            }
        }
    }
    Ok(Some(FastMathFlags(bits)))
}
