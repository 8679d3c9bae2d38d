//! The verifier (placeholder filled below).
