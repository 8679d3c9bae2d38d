//! Source locations, kept on every operation and block argument through every pass.

use crate::{Attribute, Context, Ident};

crate::entity_id! {
    /// A uniqued location. `Location::UNKNOWN` is `loc(unknown)`.
    pub struct Location, "loc";
}

impl Location {
    /// `loc(unknown)`; interned first in every context.
    pub const UNKNOWN: Location = Location(0);
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LocData {
    Unknown,
    /// `loc("file.mlir":3:7)`
    FileLineCol {
        file: Ident,
        line: u32,
        col: u32,
    },
    /// `loc("name")` or `loc("name"(child))`
    Name {
        name: Ident,
        child: Option<Location>,
    },
    /// `loc(callsite(callee at caller))`
    CallSite {
        callee: Location,
        caller: Location,
    },
    /// `loc(fused[a, b])` or `loc(fused<#meta>[a, b])`
    Fused {
        locs: Vec<Location>,
        metadata: Option<Attribute>,
    },
}

impl Context {
    pub fn intern_loc(&mut self, data: LocData) -> Location {
        Location(self.locs.intern(data))
    }

    #[inline]
    pub fn loc_data(&self, loc: Location) -> &LocData {
        self.locs.get(loc.0)
    }

    pub fn file_loc(&mut self, file: &str, line: u32, col: u32) -> Location {
        let file = self.ident(file);
        self.intern_loc(LocData::FileLineCol { file, line, col })
    }

    pub fn name_loc(&mut self, name: &str, child: Option<Location>) -> Location {
        let name = self.ident(name);
        self.intern_loc(LocData::Name { name, child })
    }

    /// Fuses locations as MLIR does: nested fused locations are flattened, duplicates and unknown
    /// locations dropped, and a single remaining location returned as is.
    pub fn fused_loc(&mut self, locs: &[Location], metadata: Option<Attribute>) -> Location {
        let mut flat: Vec<Location> = Vec::new();
        for &l in locs {
            match self.loc_data(l) {
                LocData::Unknown => {}
                LocData::Fused {
                    locs: inner,
                    metadata: None,
                } => {
                    for &i in inner.clone().iter() {
                        if !flat.contains(&i) {
                            flat.push(i);
                        }
                    }
                }
                _ => {
                    if !flat.contains(&l) {
                        flat.push(l);
                    }
                }
            }
        }
        match (flat.len(), metadata) {
            (0, None) => Location::UNKNOWN,
            (1, None) => flat[0],
            _ => self.intern_loc(LocData::Fused {
                locs: flat,
                metadata,
            }),
        }
    }

    /// The first `file:line:col` inside `loc`, looking through names, call sites (the callee)
    /// and fused locations; this is where a diagnostic points.
    pub fn file_line_col(&self, loc: Location) -> Option<(&str, u32, u32)> {
        let mut stack = vec![loc];
        while let Some(l) = stack.pop() {
            match self.loc_data(l) {
                LocData::FileLineCol { file, line, col } => {
                    return Some((self.ident_str(*file), *line, *col));
                }
                LocData::Name { child: Some(c), .. } => stack.push(*c),
                LocData::CallSite { callee, .. } => stack.push(*callee),
                LocData::Fused { locs, .. } => stack.extend(locs.iter().rev()),
                _ => {}
            }
        }
        None
    }
}
