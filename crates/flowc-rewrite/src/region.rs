//! Region simplification: erasing blocks that cannot be reached from their region's entry.
//!
//! MLIR's `simplifyRegions` also removes dead block arguments and merges identical blocks;
//! flowc only erases unreachable blocks so far.

use flowc_ir::{Block, Context, Op, Region, WalkOrder};
use rustc_hash::FxHashSet;

/// The blocks of `region` reachable from its entry through terminator successors.
pub fn reachable_blocks(ctx: &Context, region: Region) -> FxHashSet<Block> {
    let mut seen = FxHashSet::default();
    let Some(entry) = ctx.region_entry(region) else {
        return seen;
    };
    let mut stack = vec![entry];
    seen.insert(entry);
    while let Some(b) = stack.pop() {
        if let Some(term) = ctx.block_last_op(b) {
            for &s in ctx.successors(term) {
                if ctx.block_parent_region(s) == Some(region) && seen.insert(s) {
                    stack.push(s);
                }
            }
        }
    }
    seen
}

/// Erases the unreachable blocks of every multi-block region in `root` (its own regions
/// included). `on_erase` is told about every op about to be erased (nested ones included).
/// A region whose unreachable blocks define values used from reachable code (invalid IR) is
/// left alone. Returns the number of blocks erased.
pub fn erase_unreachable_blocks(
    ctx: &mut Context,
    root: Op,
    on_erase: &mut dyn FnMut(&Context, Op),
) -> usize {
    let mut regions: Vec<Region> = Vec::new();
    for op in ctx.walk(root, WalkOrder::Pre) {
        regions.extend(
            ctx.regions(op)
                .iter()
                .copied()
                .filter(|&r| ctx.region_blocks(r).len() > 1),
        );
    }
    let mut erased = 0;
    for region in regions {
        // Regions inside blocks erased earlier are gone with them.
        let alive = ctx
            .region_parent_op(region)
            .is_some_and(|p| ctx.is_op_alive(p));
        if !alive || ctx.region_blocks(region).len() < 2 {
            continue;
        }
        let reachable = reachable_blocks(ctx, region);
        let dead: Vec<Block> = ctx
            .region_blocks(region)
            .iter()
            .copied()
            .filter(|b| !reachable.contains(b))
            .collect();
        if dead.is_empty() {
            continue;
        }
        let dead_set: FxHashSet<Block> = dead.iter().copied().collect();
        let dead_ops: Vec<Op> = dead
            .iter()
            .flat_map(|&b| ctx.block_ops(b).collect::<Vec<_>>())
            .flat_map(|o| ctx.walk(o, WalkOrder::Post))
            .collect();
        let inside = |ctx: &Context, user: Op| {
            ctx.ancestor_in_region(region, user)
                .and_then(|a| ctx.op_parent_block(a))
                .is_some_and(|b| dead_set.contains(&b))
        };
        let escapes = dead_ops.iter().any(|&o| {
            ctx.results(o)
                .iter()
                .any(|&r| ctx.uses(r).iter().any(|u| !inside(ctx, u.op)))
        }) || dead.iter().any(|&b| {
            ctx.block_args(b)
                .iter()
                .any(|&a| ctx.uses(a).iter().any(|u| !inside(ctx, u.op)))
        });
        if escapes {
            continue;
        }
        for &o in &dead_ops {
            on_erase(ctx, o);
        }
        for &o in &dead_ops {
            ctx.set_operands(o, &[]);
        }
        for b in dead {
            ctx.erase_block(b);
            erased += 1;
        }
    }
    erased
}

#[cfg(test)]
mod tests {
    use super::*;
    use flowc_ir::{Location, OperationState};

    #[test]
    fn erases_only_unreachable_blocks() {
        let mut ctx = Context::new();
        ctx.allow_unregistered_dialects = true;
        let i32 = ctx.i32_type();
        let region = ctx.create_region();
        let blocks: Vec<Block> = (0..4).map(|_| ctx.create_block(&[])).collect();
        for &b in &blocks {
            ctx.append_block(region, b);
        }
        // bb0 -> bb2; bb1 (dead) defines %v used in bb3 (dead) which branches to bb2.
        let br = |ctx: &mut Context, to: Block| {
            let mut s = OperationState::new(ctx, "test.br", Location::UNKNOWN);
            s.successors.push(to);
            ctx.create_op(s)
        };
        let o = br(&mut ctx, blocks[2]);
        ctx.append_op(blocks[0], o);
        let def = OperationState::new(&mut ctx, "test.def", Location::UNKNOWN).results(&[i32]);
        let def = ctx.create_op(def);
        ctx.append_op(blocks[1], def);
        let o = br(&mut ctx, blocks[3]);
        ctx.append_op(blocks[1], o);
        let v = ctx.result(def, 0);
        let user = OperationState::new(&mut ctx, "test.use", Location::UNKNOWN).operands(&[v]);
        let user = ctx.create_op(user);
        ctx.append_op(blocks[3], user);
        let o = br(&mut ctx, blocks[2]);
        ctx.append_op(blocks[3], o);
        let ret = OperationState::new(&mut ctx, "test.ret", Location::UNKNOWN);
        let ret = ctx.create_op(ret);
        ctx.append_op(blocks[2], ret);
        let mut s = OperationState::new(&mut ctx, "test.func", Location::UNKNOWN);
        s.regions.push(region);
        let f = ctx.create_op(s);

        let mut seen = Vec::new();
        let n = erase_unreachable_blocks(&mut ctx, f, &mut |_, o| seen.push(o));
        assert_eq!(n, 2);
        assert_eq!(ctx.region_blocks(region), &[blocks[0], blocks[2]]);
        assert!(seen.contains(&def) && seen.contains(&user));
        assert!(!ctx.is_op_alive(def));
        assert_eq!(erase_unreachable_blocks(&mut ctx, f, &mut |_, _| {}), 0);
    }
}
