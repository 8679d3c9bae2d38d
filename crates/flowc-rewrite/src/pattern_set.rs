//! Pattern sets: patterns collected, then frozen into a lookup by root op name.

use flowc_ir::pattern::RewritePattern;
use rustc_hash::FxHashMap;

/// A growable list of rewrite patterns (MLIR's `RewritePatternSet`).
#[derive(Default)]
pub struct RewritePatternSet {
    patterns: Vec<Box<dyn RewritePattern>>,
}

impl RewritePatternSet {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, pattern: Box<dyn RewritePattern>) {
        self.patterns.push(pattern);
    }

    pub fn extend(&mut self, patterns: impl IntoIterator<Item = Box<dyn RewritePattern>>) {
        self.patterns.extend(patterns);
    }

    pub fn len(&self) -> usize {
        self.patterns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    pub fn freeze(self) -> FrozenPatternSet {
        FrozenPatternSet::new(self.patterns)
    }
}

/// Patterns indexed by root op name (MLIR's `FrozenRewritePatternSet` plus the ordering of its
/// `PatternApplicator`): for each op name, the patterns rooted on it merged with the patterns
/// that apply to any op, by decreasing benefit. Ties keep insertion order, op-specific patterns
/// first.
pub struct FrozenPatternSet {
    patterns: Vec<Box<dyn RewritePattern>>,
    by_root: FxHashMap<String, Vec<usize>>,
    any: Vec<usize>,
}

impl Default for FrozenPatternSet {
    fn default() -> Self {
        Self::new(Vec::new())
    }
}

impl FrozenPatternSet {
    pub fn new(patterns: Vec<Box<dyn RewritePattern>>) -> Self {
        let mut specific: FxHashMap<String, Vec<usize>> = FxHashMap::default();
        let mut any = Vec::new();
        for (i, p) in patterns.iter().enumerate() {
            match p.root() {
                Some(root) => specific.entry(root.to_owned()).or_default().push(i),
                None => any.push(i),
            }
        }
        let benefit = |i: &usize| std::cmp::Reverse(patterns[*i].benefit());
        any.sort_by_key(benefit);
        let mut by_root = FxHashMap::default();
        for (root, mut list) in specific {
            list.sort_by_key(benefit);
            // Merge with the any-op patterns; on equal benefit the op-specific one goes first.
            let mut merged = Vec::with_capacity(list.len() + any.len());
            let (mut i, mut j) = (0, 0);
            while i < list.len() || j < any.len() {
                let take_specific = j >= any.len()
                    || (i < list.len()
                        && patterns[list[i]].benefit() >= patterns[any[j]].benefit());
                if take_specific {
                    merged.push(list[i]);
                    i += 1;
                } else {
                    merged.push(any[j]);
                    j += 1;
                }
            }
            by_root.insert(root, merged);
        }
        FrozenPatternSet {
            patterns,
            by_root,
            any,
        }
    }

    pub fn empty() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.patterns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// The patterns to try on an op named `op_name`, best first.
    pub fn patterns_for<'s>(
        &'s self,
        op_name: &str,
    ) -> impl Iterator<Item = &'s dyn RewritePattern> + 's {
        let list = self.by_root.get(op_name).unwrap_or(&self.any);
        list.iter().map(|&i| &*self.patterns[i])
    }

    /// Every pattern, in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &dyn RewritePattern> {
        self.patterns.iter().map(|p| &**p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flowc_ir::Op;
    use flowc_ir::pattern::Rewriter;

    struct P(&'static str, Option<&'static str>, u16);
    impl RewritePattern for P {
        fn name(&self) -> &str {
            self.0
        }
        fn root(&self) -> Option<&str> {
            self.1
        }
        fn benefit(&self) -> u16 {
            self.2
        }
        fn match_and_rewrite(&self, _op: Op, _rewriter: &mut Rewriter<'_>) -> bool {
            false
        }
    }

    #[test]
    fn orders_by_benefit_with_specific_first_on_ties() {
        let mut set = RewritePatternSet::new();
        set.add(Box::new(P("any1", None, 1)));
        set.add(Box::new(P("a1", Some("t.a"), 1)));
        set.add(Box::new(P("any3", None, 3)));
        set.add(Box::new(P("a2", Some("t.a"), 2)));
        set.add(Box::new(P("b1", Some("t.b"), 1)));
        set.add(Box::new(P("a1b", Some("t.a"), 1)));
        let frozen = set.freeze();
        let names = |op: &str| {
            frozen
                .patterns_for(op)
                .map(|p| p.name().to_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(names("t.a"), vec!["any3", "a2", "a1", "a1b", "any1"]);
        assert_eq!(names("t.b"), vec!["any3", "b1", "any1"]);
        assert_eq!(names("t.c"), vec!["any3", "any1"]);
    }
}
