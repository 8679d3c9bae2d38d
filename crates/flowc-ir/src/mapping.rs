//! Value, block and operation maps, and deep cloning of operations and regions (MLIR's
//! `IRMapping`, `Operation::clone` and `Region::cloneInto`).
//!
//! Cloning creates fresh operations, blocks and values and records old → new in an [`IrMapping`].
//! Operands are looked up in the mapping and fall back to the original value, so a clone of an op
//! nested in a region keeps using the values defined above it unless the caller mapped them
//! (the inliner maps a callee's arguments to the call's operands this way).
//!
//! As in MLIR, an entry-block argument that is already mapped when its region is cloned is *not*
//! recreated on the cloned block: the clone uses the mapped value instead.

use crate::{Block, Context, Op, OperationState, Region, Value, WalkOrder};
use rustc_hash::FxHashMap;

/// Old → new maps for values, blocks and operations.
#[derive(Clone, Debug, Default)]
pub struct IrMapping {
    values: FxHashMap<Value, Value>,
    blocks: FxHashMap<Block, Block>,
    ops: FxHashMap<Op, Op>,
}

impl IrMapping {
    pub fn new() -> Self {
        Self::default()
    }

    /// Maps `from` to `to` (replacing an earlier entry).
    pub fn map_value(&mut self, from: Value, to: Value) {
        self.values.insert(from, to);
    }

    /// Maps each of `from` to the value at the same position of `to`.
    pub fn map_values(&mut self, from: &[Value], to: &[Value]) {
        assert_eq!(
            from.len(),
            to.len(),
            "mapping value lists of different lengths"
        );
        for (&f, &t) in from.iter().zip(to) {
            self.values.insert(f, t);
        }
    }

    pub fn map_block(&mut self, from: Block, to: Block) {
        self.blocks.insert(from, to);
    }

    pub fn map_op(&mut self, from: Op, to: Op) {
        self.ops.insert(from, to);
    }

    /// The value `v` is mapped to, if any.
    pub fn lookup_value(&self, v: Value) -> Option<Value> {
        self.values.get(&v).copied()
    }

    /// The value `v` is mapped to, or `v` itself.
    pub fn lookup_value_or_self(&self, v: Value) -> Value {
        self.lookup_value(v).unwrap_or(v)
    }

    pub fn lookup_block(&self, b: Block) -> Option<Block> {
        self.blocks.get(&b).copied()
    }

    /// The block `b` is mapped to, or `b` itself.
    pub fn lookup_block_or_self(&self, b: Block) -> Block {
        self.lookup_block(b).unwrap_or(b)
    }

    pub fn lookup_op(&self, op: Op) -> Option<Op> {
        self.ops.get(&op).copied()
    }

    pub fn contains_value(&self, v: Value) -> bool {
        self.values.contains_key(&v)
    }

    pub fn contains_block(&self, b: Block) -> bool {
        self.blocks.contains_key(&b)
    }

    pub fn erase_value(&mut self, v: Value) {
        self.values.remove(&v);
    }

    pub fn clear(&mut self) {
        self.values.clear();
        self.blocks.clear();
        self.ops.clear();
    }
}

impl Context {
    /// Deep-clones `op` (regions, blocks, block arguments and nested operations) and returns the
    /// detached clone. Operands are remapped through `mapping` (falling back to the original
    /// value), successors likewise; every result, block, block argument and op cloned is added
    /// to `mapping`.
    pub fn clone_op(&mut self, op: Op, mapping: &mut IrMapping) -> Op {
        let new = self.clone_op_shell(op, mapping);
        let mut work: Vec<(Region, Region)> = self
            .regions(op)
            .iter()
            .copied()
            .zip(self.regions(new).iter().copied())
            .collect();
        self.clone_regions(&mut work, mapping);
        // Operands that referred to values defined later (graph regions, blocks out of
        // dominance order) are fixed up now that everything is mapped.
        self.remap_nested(new, mapping);
        new
    }

    /// Clones `op` without its regions: same name, attributes, operands (remapped), result types
    /// and successors (remapped); the clone has as many regions as `op`, all empty.
    pub fn clone_op_without_regions(&mut self, op: Op, mapping: &mut IrMapping) -> Op {
        self.clone_op_shell(op, mapping)
    }

    /// Clones the blocks of `src` to the end of `dst` (MLIR's `Region::cloneInto`). Blocks and
    /// their arguments are mapped first, so branches between cloned blocks point at the clones.
    /// Entry-block arguments already present in `mapping` are not recreated.
    pub fn clone_region_into(&mut self, src: Region, dst: Region, mapping: &mut IrMapping) {
        let first_new = self.region_blocks(dst).len();
        let mut work = vec![(src, dst)];
        self.clone_regions(&mut work, mapping);
        let new_blocks: Vec<Block> = self.region_blocks(dst)[first_new..].to_vec();
        for b in new_blocks {
            let ops: Vec<Op> = self.block_ops(b).collect();
            for o in ops {
                self.remap_nested(o, mapping);
            }
        }
    }

    /// Creates the clone of `op` with empty regions and records results and op in `mapping`.
    fn clone_op_shell(&mut self, op: Op, mapping: &mut IrMapping) -> Op {
        let d = &self.ops[op.index()];
        let state = OperationState {
            name: d.name,
            loc: d.loc,
            operands: d
                .operands
                .iter()
                .map(|o| mapping.lookup_value_or_self(o.value))
                .collect(),
            result_types: d.results.iter().map(|&r| self.value_type(r)).collect(),
            attributes: d.attributes.clone(),
            properties: d.properties.clone(),
            regions: Vec::new(),
            successors: d
                .successors
                .iter()
                .map(|&b| mapping.lookup_block_or_self(b))
                .collect(),
        };
        let num_regions = d.regions.len();
        let mut state = state;
        for _ in 0..num_regions {
            state.regions.push(self.create_region());
        }
        let new = self.create_op(state);
        mapping.map_op(op, new);
        let old_results = self.results(op).to_vec();
        let new_results = self.results(new).to_vec();
        mapping.map_values(&old_results, &new_results);
        new
    }

    /// Clones each `(src, dst)` region pair: blocks and arguments first, then operation shells,
    /// queueing nested regions. Iterative, so deep nesting cannot overflow the stack.
    fn clone_regions(&mut self, work: &mut Vec<(Region, Region)>, mapping: &mut IrMapping) {
        while let Some((src, dst)) = work.pop() {
            let blocks = self.region_blocks(src).to_vec();
            let mut pairs = Vec::with_capacity(blocks.len());
            for (i, &b) in blocks.iter().enumerate() {
                let nb = self.create_block(&[]);
                for ai in 0..self.block_args(b).len() {
                    let arg = self.block_arg(b, ai);
                    if i == 0 && mapping.contains_value(arg) {
                        continue;
                    }
                    let (ty, loc) = (self.value_type(arg), self.values[arg.index()].loc);
                    let na = self.add_block_arg(nb, ty, loc);
                    mapping.map_value(arg, na);
                }
                mapping.map_block(b, nb);
                self.append_block(dst, nb);
                pairs.push((b, nb));
            }
            for (b, nb) in pairs {
                let ops: Vec<Op> = self.block_ops(b).collect();
                for o in ops {
                    let no = self.clone_op_shell(o, mapping);
                    self.append_op(nb, no);
                    let nested: Vec<(Region, Region)> = self
                        .regions(o)
                        .iter()
                        .copied()
                        .zip(self.regions(no).iter().copied())
                        .collect();
                    work.extend(nested);
                }
            }
        }
    }

    /// Remaps the operands and successors of `root` and everything nested in it through `mapping`.
    fn remap_nested(&mut self, root: Op, mapping: &IrMapping) {
        for o in self.walk(root, WalkOrder::Pre) {
            for i in 0..self.num_operands(o) {
                let v = self.operand(o, i);
                if let Some(n) = mapping.lookup_value(v)
                    && n != v
                {
                    self.set_operand(o, i, n);
                }
            }
            for i in 0..self.successors(o).len() {
                let b = self.successors(o)[i];
                if let Some(n) = mapping.lookup_block(b) {
                    self.set_successor(o, i, n);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Location, printer::PrintOptions};

    fn ctx() -> Context {
        let mut ctx = Context::new();
        ctx.allow_unregistered_dialects = true;
        ctx
    }

    fn op(ctx: &mut Context, name: &str, operands: &[Value], results: usize) -> Op {
        let i32 = ctx.i32_type();
        let state = OperationState::new(ctx, name, Location::UNKNOWN)
            .operands(operands)
            .results(&vec![i32; results]);
        ctx.create_op(state)
    }

    fn print(ctx: &Context, op: Op) -> String {
        ctx.print_op(
            op,
            &PrintOptions {
                generic: true,
                debug_info: false,
            },
        )
    }

    /// `"test.wrap"() ({ ^bb0(%a): %x = "test.use"(%a, %outer); "test.br"()[^bb1] ^bb1: "test.term"(%x) })`
    fn build_wrap(ctx: &mut Context, outer: Value) -> Op {
        let i32 = ctx.i32_type();
        let region = ctx.create_region();
        let b0 = ctx.create_block(&[(i32, Location::UNKNOWN)]);
        let b1 = ctx.create_block(&[]);
        ctx.append_block(region, b0);
        ctx.append_block(region, b1);
        let a = ctx.block_arg(b0, 0);
        let x = op(ctx, "test.use", &[a, outer], 1);
        ctx.append_op(b0, x);
        let mut br = OperationState::new(ctx, "test.br", Location::UNKNOWN);
        br.successors.push(b1);
        let br = ctx.create_op(br);
        ctx.append_op(b0, br);
        let xv = ctx.result(x, 0);
        let term = op(ctx, "test.term", &[xv], 0);
        ctx.append_op(b1, term);
        let mut state = OperationState::new(ctx, "test.wrap", Location::UNKNOWN);
        state.regions.push(region);
        let name = ctx.string_attr("w");
        state.add_attr(ctx, "tag", name);
        ctx.create_op(state)
    }

    #[test]
    fn clone_op_deep_copies_regions_and_remaps_internal_values() {
        let mut ctx = ctx();
        let outer_def = op(&mut ctx, "test.def", &[], 1);
        let outer = ctx.result(outer_def, 0);
        let wrap = build_wrap(&mut ctx, outer);
        let mut mapping = IrMapping::new();
        let clone = ctx.clone_op(wrap, &mut mapping);
        assert_ne!(clone, wrap);
        assert_eq!(print(&ctx, clone), print(&ctx, wrap));
        // Everything inside is new; the outer value is shared.
        let old_ops = ctx.nested_ops(wrap);
        let new_ops = ctx.nested_ops(clone);
        assert_eq!(old_ops.len(), new_ops.len());
        for (o, n) in old_ops.iter().zip(&new_ops) {
            assert_ne!(o, n);
            assert_eq!(mapping.lookup_op(*o), Some(*n));
        }
        let new_use = new_ops[0];
        assert_eq!(ctx.operand(new_use, 1), outer);
        let new_block = ctx.op_parent_block(new_use).unwrap();
        assert_eq!(ctx.operand(new_use, 0), ctx.block_arg(new_block, 0));
        // The branch points at the cloned block, the terminator at the cloned value.
        let new_br = new_ops[1];
        let new_b1 = ctx.successors(new_br)[0];
        assert_ne!(Some(new_b1), ctx.op_parent_block(old_ops[2]));
        assert_eq!(ctx.block_parent_region(new_b1), Some(ctx.region(clone, 0)));
        assert_eq!(ctx.operand(new_ops[2], 0), ctx.result(new_use, 0));
        assert_eq!(ctx.attr(clone, "tag"), ctx.attr(wrap, "tag"));
        // The original is untouched and the outer value has two users now.
        assert_eq!(ctx.users(outer).len(), 2);
    }

    #[test]
    fn clone_op_uses_mapped_operands() {
        let mut ctx = ctx();
        let a_def = op(&mut ctx, "test.a", &[], 1);
        let b_def = op(&mut ctx, "test.b", &[], 1);
        let (a, b) = (ctx.result(a_def, 0), ctx.result(b_def, 0));
        let user = op(&mut ctx, "test.user", &[a, a], 1);
        let mut mapping = IrMapping::new();
        mapping.map_value(a, b);
        let clone = ctx.clone_op(user, &mut mapping);
        assert_eq!(ctx.operand_vec(clone), vec![b, b]);
        assert_eq!(
            mapping.lookup_value(ctx.result(user, 0)),
            Some(ctx.result(clone, 0))
        );
        assert!(ctx.op_parent_block(clone).is_none());
    }

    #[test]
    fn mapped_entry_args_are_not_recreated() {
        let mut ctx = ctx();
        let outer_def = op(&mut ctx, "test.def", &[], 1);
        let outer = ctx.result(outer_def, 0);
        let repl_def = op(&mut ctx, "test.repl", &[], 1);
        let repl = ctx.result(repl_def, 0);
        let wrap = build_wrap(&mut ctx, outer);
        let src = ctx.region(wrap, 0);
        let entry = ctx.region_entry(src).unwrap();
        let arg = ctx.block_arg(entry, 0);
        let dst = ctx.create_region();
        let mut mapping = IrMapping::new();
        mapping.map_value(arg, repl);
        ctx.clone_region_into(src, dst, &mut mapping);
        let new_entry = ctx.region_entry(dst).unwrap();
        assert!(ctx.block_args(new_entry).is_empty());
        let first = ctx.block_first_op(new_entry).unwrap();
        assert_eq!(ctx.operand_vec(first), vec![repl, outer]);
        assert_eq!(ctx.region_blocks(dst).len(), 2);
    }

    #[test]
    fn forward_references_in_graph_regions_are_remapped() {
        let mut ctx = ctx();
        // ^bb0: %0 = "test.a"(%1); %1 = "test.b"()   (a use before the definition)
        let region = ctx.create_region();
        let b = ctx.create_block(&[]);
        ctx.append_block(region, b);
        let later = op(&mut ctx, "test.b", &[], 1);
        let lv = ctx.result(later, 0);
        let first = op(&mut ctx, "test.a", &[lv], 1);
        ctx.append_op(b, first);
        ctx.append_op(b, later);
        let mut state = OperationState::new(&mut ctx, "test.graph", Location::UNKNOWN);
        state.regions.push(region);
        let g = ctx.create_op(state);
        let mut mapping = IrMapping::new();
        let clone = ctx.clone_op(g, &mut mapping);
        let nested = ctx.nested_ops(clone);
        assert_eq!(ctx.operand(nested[0], 0), ctx.result(nested[1], 0));
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let mut ctx = ctx();
        let mut inner = op(&mut ctx, "test.leaf", &[], 0);
        for _ in 0..20_000 {
            let region = ctx.create_region();
            let b = ctx.create_block(&[]);
            ctx.append_block(region, b);
            ctx.append_op(b, inner);
            let mut state = OperationState::new(&mut ctx, "test.nest", Location::UNKNOWN);
            state.regions.push(region);
            inner = ctx.create_op(state);
        }
        let mut mapping = IrMapping::new();
        let clone = ctx.clone_op(inner, &mut mapping);
        assert_eq!(ctx.nesting_depth(clone), 20_000);
    }
}
