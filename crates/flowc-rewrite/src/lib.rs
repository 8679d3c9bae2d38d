//! flowc's rewrite drivers, modelled on MLIR's.
//!
//! - [`apply_patterns_greedily`]: the greedy pattern driver (MLIR's
//!   `applyPatternsGreedily`): a worklist of every op nested in a root, erasing trivially dead
//!   ops, folding through [`flowc_ir::OpDef::fold`] with constants uniqued and hoisted by an
//!   [`OperationFolder`], applying [`flowc_ir::pattern::RewritePattern`]s by benefit, and
//!   simplifying regions, until nothing changes.
//! - [`conversion`]: the dialect conversion framework (MLIR's `DialectConversion`, simplified):
//!   [`conversion::ConversionTarget`], [`conversion::TypeConverter`],
//!   [`conversion::ConversionPattern`], partial and full conversion.
//! - [`region`]: region simplification (unreachable blocks).

pub mod conversion;
mod folder;
mod greedy;
mod pattern_set;
pub mod region;
#[cfg(test)]
mod testing;

pub use folder::{OperationFolder, constant_value, is_trivially_dead, op_constant_value};
pub use greedy::{
    GreedyConfig, GreedyStats, NotConverged, apply_patterns_greedily,
    apply_patterns_greedily_with_stats,
};
pub use pattern_set::{FrozenPatternSet, RewritePatternSet};
