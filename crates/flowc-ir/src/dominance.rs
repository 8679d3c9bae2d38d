//! Dominance between blocks of a region and between definitions and uses.
//!
//! Dominator trees are computed per multi-block region with the Cooper–Harvey–Kennedy iterative
//! algorithm over the successor lists of block terminators, lazily and cached. Blocks not
//! reachable from the entry are dominated by every block, as in MLIR, so uses in dead code are
//! never reported.

use crate::{Block, Context, Op, Region, Value, ValueDef};
use rustc_hash::FxHashMap;

struct DomTree {
    /// Immediate dominator per block (the entry is its own); `None` for unreachable blocks.
    idom: FxHashMap<Block, Block>,
}

/// Lazily computed dominance facts for the regions of one IR tree.
#[derive(Default)]
pub struct DominanceInfo {
    trees: FxHashMap<Region, DomTree>,
    /// Position of each op in its block, filled per block on first query.
    positions: FxHashMap<Block, FxHashMap<Op, u32>>,
}

impl DominanceInfo {
    pub fn new() -> Self {
        Self::default()
    }

    /// Drops cached facts (call after changing the IR).
    pub fn invalidate(&mut self) {
        self.trees.clear();
        self.positions.clear();
    }

    fn tree(&mut self, ctx: &Context, region: Region) -> &DomTree {
        self.trees
            .entry(region)
            .or_insert_with(|| compute_tree(ctx, region))
    }

    /// Whether block `a` dominates block `b` (both in the same region).
    pub fn block_dominates(&mut self, ctx: &Context, a: Block, b: Block) -> bool {
        if a == b {
            return true;
        }
        let Some(region) = ctx.block_parent_region(a) else {
            return false;
        };
        if ctx.block_parent_region(b) != Some(region) {
            return false;
        }
        let tree = self.tree(ctx, region);
        if !tree.idom.contains_key(&b) {
            return true; // `b` is unreachable
        }
        let mut cur = b;
        loop {
            let next = tree.idom[&cur];
            if next == a {
                return true;
            }
            if next == cur {
                return false;
            }
            cur = next;
        }
    }

    /// Whether `b` is reachable from its region's entry.
    pub fn is_reachable(&mut self, ctx: &Context, b: Block) -> bool {
        let Some(region) = ctx.block_parent_region(b) else {
            return false;
        };
        self.tree(ctx, region).idom.contains_key(&b)
    }

    /// Position of `op` in its block.
    pub fn position(&mut self, ctx: &Context, op: Op) -> u32 {
        let block = ctx.op_parent_block(op).expect("op not in a block");
        let map = self.positions.entry(block).or_insert_with(|| {
            ctx.block_ops(block)
                .enumerate()
                .map(|(i, o)| (o, i as u32))
                .collect()
        });
        map[&op]
    }

    /// Whether `a` is before `b` in the same block.
    pub fn is_before_in_block(&mut self, ctx: &Context, a: Op, b: Op) -> bool {
        self.position(ctx, a) < self.position(ctx, b)
    }

    /// Whether the definition of `value` dominates `user`: the value is visible at `user`.
    /// Graph regions are not special-cased here; callers decide where dominance applies.
    pub fn value_dominates(&mut self, ctx: &Context, value: Value, user: Op) -> bool {
        let Some(def_block) = ctx.value_parent_block(value) else {
            return false;
        };
        let Some(def_region) = ctx.block_parent_region(def_block) else {
            return false;
        };
        let Some(ancestor) = ctx.ancestor_in_region(def_region, user) else {
            return false;
        };
        let use_block = ctx
            .op_parent_block(ancestor)
            .expect("ancestor in a region is in a block");
        if use_block == def_block {
            return match ctx.value_def(value) {
                ValueDef::BlockArg { .. } => true,
                ValueDef::Result { op, .. } => {
                    op != ancestor && self.is_before_in_block(ctx, op, ancestor)
                }
                ValueDef::Placeholder => false,
            };
        }
        self.block_dominates(ctx, def_block, use_block)
    }
}

fn successors(ctx: &Context, b: Block) -> &[Block] {
    match ctx.block_last_op(b) {
        Some(t) => ctx.successors(t),
        None => &[],
    }
}

fn compute_tree(ctx: &Context, region: Region) -> DomTree {
    let mut idom = FxHashMap::default();
    let mut rpo_index = FxHashMap::default();
    let Some(entry) = ctx.region_entry(region) else {
        return DomTree { idom };
    };

    // Reverse post-order by an iterative DFS.
    let mut post: Vec<Block> = Vec::new();
    let mut visited: FxHashMap<Block, ()> = FxHashMap::default();
    let mut stack: Vec<(Block, usize)> = vec![(entry, 0)];
    visited.insert(entry, ());
    while let Some((b, i)) = stack.pop() {
        let succs = successors(ctx, b);
        if i < succs.len() {
            stack.push((b, i + 1));
            let s = succs[i];
            if ctx.block_parent_region(s) == Some(region) && visited.insert(s, ()).is_none() {
                stack.push((s, 0));
            }
        } else {
            post.push(b);
        }
    }
    let rpo: Vec<Block> = post.into_iter().rev().collect();
    for (i, &b) in rpo.iter().enumerate() {
        rpo_index.insert(b, i);
    }
    let mut preds: FxHashMap<Block, Vec<Block>> = FxHashMap::default();
    for &b in &rpo {
        for &s in successors(ctx, b) {
            if rpo_index.contains_key(&s) {
                preds.entry(s).or_default().push(b);
            }
        }
    }

    idom.insert(entry, entry);
    let mut changed = true;
    while changed {
        changed = false;
        for &b in rpo.iter().skip(1) {
            let mut new_idom: Option<Block> = None;
            for &p in preds.get(&b).map(Vec::as_slice).unwrap_or(&[]) {
                if !idom.contains_key(&p) {
                    continue;
                }
                new_idom = Some(match new_idom {
                    None => p,
                    Some(cur) => intersect(&idom, &rpo_index, p, cur),
                });
            }
            if let Some(n) = new_idom
                && idom.get(&b) != Some(&n)
            {
                idom.insert(b, n);
                changed = true;
            }
        }
    }
    DomTree { idom }
}

fn intersect(
    idom: &FxHashMap<Block, Block>,
    rpo: &FxHashMap<Block, usize>,
    mut a: Block,
    mut b: Block,
) -> Block {
    while a != b {
        while rpo[&a] > rpo[&b] {
            a = idom[&a];
        }
        while rpo[&b] > rpo[&a] {
            b = idom[&b];
        }
    }
    a
}
