//! Generic transformations that work on any dialect (MLIR's `mlir/lib/Transforms`):
//!
//! | pass | what it does |
//! | --- | --- |
//! | `canonicalize` | folds, erases dead ops and applies every registered op's canonicalization patterns with the greedy driver |
//! | `cse` | merges equal pure operations, walking dominance |
//! | `symbol-dce` | erases private symbols nothing references |
//! | `inline` | inlines calls to single-block functions |
//! | `test-legalize-patterns` | a dialect conversion over `test.conv_*` ops, for testing the framework |
//!
//! Each pass is also a plain function ([`canonicalize`], [`cse`], [`symbol_dce`], [`inline`])
//! usable without the pass manager; [`register_passes`] registers the passes.

mod canonicalize;
mod cse;
mod inline;
mod symbol_dce;
mod test_legalize;

pub use canonicalize::{Canonicalize, CanonicalizeConfig, canonicalization_patterns, canonicalize};
pub use cse::{Cse, CseStats, cse};
pub use inline::{Inline, InlineConfig, InlineStats, inline};
pub use symbol_dce::{SymbolDce, symbol_dce};
pub use test_legalize::{TestLegalizePatterns, test_legalize};

use flowc_pass::PassRegistry;

/// Registers `canonicalize`, `cse`, `symbol-dce`, `inline` and `test-legalize-patterns`.
pub fn register_passes(registry: &mut PassRegistry) {
    canonicalize::register(registry);
    cse::register(registry);
    symbol_dce::register(registry);
    inline::register(registry);
    test_legalize::register(registry);
}
