//! flowc's IR core, modelled on MLIR.
//!
//! - [`Context`] owns everything: uniqued [`Type`]s, [`Attribute`]s, [`Location`]s and
//!   identifiers, the [`Op`] / [`Block`] / [`Region`] / [`Value`] arenas, and the registry of
//!   dialects and op definitions ([`OpDef`], declared with the [`op!`] macro).
//! - [`printer`] and [`parser`] implement MLIR's textual form (generic and custom syntax).
//! - [`verifier`] checks structure, dominance, traits and op-specific rules and reports
//!   [`Diagnostic`]s that print like MLIR's.
//! - [`pattern`] defines rewrite patterns and the rewriter; drivers live in `flowc-rewrite`.
//!
//! This crate links neither LLVM nor MLIR.

mod attributes;
pub mod builtin;
pub mod constraints;
mod context;
mod diagnostics;
pub mod dominance;
mod entity;
pub mod float;
mod ir;
mod location;
pub mod mapping;
pub mod parser;
pub mod pattern;
pub mod printer;
mod registry;
pub mod symbol;
mod types;
mod uniquer;
pub mod verifier;

pub use attributes::{AttrData, Attribute, NamedAttr, ResourceBlob};
pub use context::{Context, Ident};
pub use diagnostics::{DiagResult, Diagnostic, Severity, op_error};
pub use ir::{Block, BlockOps, Op, OperationState, Region, Use, Value, ValueDef, WalkOrder};
pub use location::{LocData, Location};
pub use registry::{
    ArgDef, Arity, AttrConstraint, AttrDef, DialectDef, FoldFn, FoldResult, MaterializeFn, OpDef,
    ParseFn, PatternsFn, PrintFn, RegionDef, SymbolUseVerifyFn, Traits, TypeConstraint, VerifyFn,
};
pub use types::{DYNAMIC, FloatKind, Signedness, Type, TypeData};
