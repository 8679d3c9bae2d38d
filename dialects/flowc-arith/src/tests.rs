//! Unit tests: folders called directly on IR built with the context, printing, verifiers and
//! patterns.

mod folding;
