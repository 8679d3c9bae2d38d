//! Symbols and symbol tables (placeholder filled below).
