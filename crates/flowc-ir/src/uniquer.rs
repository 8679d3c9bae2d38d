//! Interning of immutable, structurally compared data (types, attributes, locations, identifiers).
//!
//! Each distinct value is stored once and named by a small id, so equality is an integer compare
//! and the IR stores four bytes per type or attribute. Values are kept in one vector; the index
//! maps a hash to the ids with that hash, so a value is never stored twice.

use rustc_hash::FxHashMap;
use std::hash::{BuildHasher, Hash};

pub(crate) struct Uniquer<T> {
    items: Vec<T>,
    by_hash: FxHashMap<u64, Vec<u32>>,
    hasher: rustc_hash::FxBuildHasher,
}

impl<T: Hash + Eq> Uniquer<T> {
    pub(crate) fn new() -> Self {
        Uniquer {
            items: Vec::new(),
            by_hash: FxHashMap::default(),
            hasher: rustc_hash::FxBuildHasher,
        }
    }

    /// Returns the id of `value`, storing it if it is new.
    pub(crate) fn intern(&mut self, value: T) -> u32 {
        let hash = self.hasher.hash_one(&value);
        let bucket = self.by_hash.entry(hash).or_default();
        if let Some(&id) = bucket.iter().find(|&&id| self.items[id as usize] == value) {
            return id;
        }
        let id = u32::try_from(self.items.len()).expect("too many uniqued values for a u32 id");
        self.items.push(value);
        bucket.push(id);
        id
    }

    /// Returns the id of `value` if it was interned before.
    pub(crate) fn lookup(&self, value: &T) -> Option<u32> {
        let hash = self.hasher.hash_one(value);
        self.by_hash
            .get(&hash)?
            .iter()
            .copied()
            .find(|&id| self.items[id as usize] == *value)
    }

    #[inline]
    pub(crate) fn get(&self, id: u32) -> &T {
        &self.items[id as usize]
    }
}

/// Interned strings: identifiers, op names, attribute names, file names.
pub(crate) struct StringInterner {
    strings: Vec<Box<str>>,
    map: FxHashMap<Box<str>, u32>,
}

impl StringInterner {
    pub(crate) fn new() -> Self {
        StringInterner {
            strings: Vec::new(),
            map: FxHashMap::default(),
        }
    }

    pub(crate) fn intern(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.map.get(s) {
            return id;
        }
        let id = u32::try_from(self.strings.len()).expect("too many identifiers for a u32 id");
        self.strings.push(s.into());
        self.map.insert(s.into(), id);
        id
    }

    pub(crate) fn lookup(&self, s: &str) -> Option<u32> {
        self.map.get(s).copied()
    }

    #[inline]
    pub(crate) fn get(&self, id: u32) -> &str {
        &self.strings[id as usize]
    }
}
