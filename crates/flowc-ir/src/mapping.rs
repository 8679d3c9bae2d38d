//! Value and block mapping for cloning (placeholder filled below).
