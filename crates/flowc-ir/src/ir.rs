//! Operations, blocks, regions and values: storage, queries and mutation.
//!
//! The structure follows MLIR: an operation has operands, results, attributes (inherent
//! "properties" and discardable attributes), regions and successors; a region holds a list of
//! blocks; a block holds typed arguments and a doubly linked list of operations. Every value keeps
//! a use-list, so replace-all-uses and dead-code checks are cheap.
//!
//! Erased entities keep their slot (ids are never reused), which keeps stale ids harmless in
//! worklists: `is_op_alive` tells whether an id still names a live operation.

use crate::{Attribute, Context, Ident, Location, NamedAttr, Type};

crate::entity_id! {
    /// An operation.
    pub struct Op, "op";
}
crate::entity_id! {
    /// A basic block.
    pub struct Block, "block";
}
crate::entity_id! {
    /// A region: a list of blocks owned by an operation.
    pub struct Region, "region";
}
crate::entity_id! {
    /// An SSA value: an operation result or a block argument.
    pub struct Value, "value";
}

/// Where a value comes from.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ValueDef {
    Result {
        op: Op,
        index: u32,
    },
    BlockArg {
        block: Block,
        index: u32,
    },
    /// A value referenced before its definition while parsing; replaced once defined.
    Placeholder,
}

/// One use of a value: operand `operand` of `op`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Use {
    pub op: Op,
    pub operand: u32,
}

#[derive(Clone, Debug)]
pub(crate) struct ValueData {
    pub(crate) ty: Type,
    pub(crate) def: ValueDef,
    pub(crate) loc: Location,
    pub(crate) uses: Vec<Use>,
}

#[derive(Copy, Clone, Debug)]
pub(crate) struct Operand {
    pub(crate) value: Value,
    /// Position of this operand's entry in `value`'s use-list, for O(1) removal.
    pub(crate) use_pos: u32,
}

#[derive(Clone, Debug)]
pub(crate) struct OperationData {
    pub(crate) name: Ident,
    pub(crate) def: Option<crate::registry::OpDefId>,
    pub(crate) loc: Location,
    pub(crate) operands: Vec<Operand>,
    pub(crate) results: Vec<Value>,
    /// Inherent attributes (MLIR's properties), sorted by name.
    pub(crate) properties: Vec<NamedAttr>,
    /// Discardable attributes, sorted by name.
    pub(crate) attributes: Vec<NamedAttr>,
    pub(crate) regions: Vec<Region>,
    pub(crate) successors: Vec<Block>,
    pub(crate) parent: Option<Block>,
    pub(crate) prev: Option<Op>,
    pub(crate) next: Option<Op>,
    pub(crate) alive: bool,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct BlockData {
    pub(crate) args: Vec<Value>,
    pub(crate) first: Option<Op>,
    pub(crate) last: Option<Op>,
    pub(crate) parent: Option<Region>,
    pub(crate) alive: bool,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct RegionData {
    pub(crate) blocks: Vec<Block>,
    pub(crate) parent: Option<Op>,
}

/// Everything needed to create an operation. Attributes that the operation's definition
/// declares become properties (`<{...}>`), the rest stay discardable (`{...}`).
#[derive(Clone, Debug)]
pub struct OperationState {
    pub name: Ident,
    pub loc: Location,
    pub operands: Vec<Value>,
    pub result_types: Vec<Type>,
    pub attributes: Vec<NamedAttr>,
    /// Attributes given explicitly as properties (`<{...}>` in the generic form).
    pub properties: Vec<NamedAttr>,
    /// Detached regions, created with [`Context::create_region`].
    pub regions: Vec<Region>,
    pub successors: Vec<Block>,
}

impl OperationState {
    pub fn new(ctx: &mut Context, name: &str, loc: Location) -> Self {
        OperationState {
            name: ctx.ident(name),
            loc,
            operands: Vec::new(),
            result_types: Vec::new(),
            attributes: Vec::new(),
            properties: Vec::new(),
            regions: Vec::new(),
            successors: Vec::new(),
        }
    }

    pub fn operands(mut self, values: &[Value]) -> Self {
        self.operands.extend_from_slice(values);
        self
    }

    pub fn results(mut self, types: &[Type]) -> Self {
        self.result_types.extend_from_slice(types);
        self
    }

    pub fn attr(mut self, ctx: &mut Context, name: &str, value: Attribute) -> Self {
        self.attributes.push((ctx.ident(name), value));
        self
    }

    /// Adds a new empty region.
    pub fn region(mut self, ctx: &mut Context) -> Self {
        self.regions.push(ctx.create_region());
        self
    }

    pub fn add_attr(&mut self, ctx: &mut Context, name: &str, value: Attribute) {
        self.attributes.push((ctx.ident(name), value));
    }
}

/// Order of a walk.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum WalkOrder {
    /// Parents before children.
    Pre,
    /// Children before parents.
    Post,
}

/// Iterator over the operations of a block, in order.
pub struct BlockOps<'a> {
    ctx: &'a Context,
    next: Option<Op>,
}

impl Iterator for BlockOps<'_> {
    type Item = Op;
    fn next(&mut self) -> Option<Op> {
        let op = self.next?;
        self.next = self.ctx.ops[op.index()].next;
        Some(op)
    }
}

fn sorted_insert(ctx: &Context, list: &mut Vec<NamedAttr>, name: Ident, value: Attribute) {
    match list.iter().position(|(n, _)| *n == name) {
        Some(i) => list[i].1 = value,
        None => {
            let key = ctx.ident_str(name);
            let pos = list.partition_point(|(n, _)| ctx.ident_str(*n) < key);
            list.insert(pos, (name, value));
        }
    }
}

impl Context {
    // ===== Creation =====

    /// Creates a detached operation. Its regions must be detached (just created or taken).
    pub fn create_op(&mut self, state: OperationState) -> Op {
        let op = Op::from_index(self.ops.len());
        let def = self.registry.lookup_op(state.name);
        let mut properties = Vec::new();
        let mut attributes = Vec::new();
        for (name, value) in state.properties {
            sorted_insert(self, &mut properties, name, value);
        }
        for (name, value) in state.attributes {
            let inherent =
                def.is_some_and(|d| self.registry.op(d).declares_attr(self.ident_str(name)));
            if inherent {
                sorted_insert(self, &mut properties, name, value);
            } else {
                sorted_insert(self, &mut attributes, name, value);
            }
        }
        let results = state
            .result_types
            .iter()
            .enumerate()
            .map(|(i, &ty)| {
                self.new_value(
                    ty,
                    ValueDef::Result {
                        op,
                        index: i as u32,
                    },
                    state.loc,
                )
            })
            .collect();
        for &r in &state.regions {
            debug_assert!(
                self.regions[r.index()].parent.is_none(),
                "region is already attached"
            );
            self.regions[r.index()].parent = Some(op);
        }
        self.ops.push(OperationData {
            name: state.name,
            def,
            loc: state.loc,
            operands: Vec::with_capacity(state.operands.len()),
            results,
            properties,
            attributes,
            regions: state.regions,
            successors: state.successors,
            parent: None,
            prev: None,
            next: None,
            alive: true,
        });
        for v in state.operands {
            self.push_operand(op, v);
        }
        op
    }

    fn new_value(&mut self, ty: Type, def: ValueDef, loc: Location) -> Value {
        let v = Value::from_index(self.values.len());
        self.values.push(ValueData {
            ty,
            def,
            loc,
            uses: Vec::new(),
        });
        v
    }

    /// A value with no definition yet, used for forward references while parsing.
    pub fn create_placeholder(&mut self, ty: Type, loc: Location) -> Value {
        self.new_value(ty, ValueDef::Placeholder, loc)
    }

    pub fn create_region(&mut self) -> Region {
        let r = Region::from_index(self.regions.len());
        self.regions.push(RegionData::default());
        r
    }

    /// Creates a detached block with arguments of the given types and locations.
    pub fn create_block(&mut self, args: &[(Type, Location)]) -> Block {
        let b = Block::from_index(self.blocks.len());
        self.blocks.push(BlockData {
            alive: true,
            ..Default::default()
        });
        for &(ty, loc) in args {
            self.add_block_arg(b, ty, loc);
        }
        b
    }

    pub fn add_block_arg(&mut self, block: Block, ty: Type, loc: Location) -> Value {
        let index = self.blocks[block.index()].args.len() as u32;
        let v = self.new_value(ty, ValueDef::BlockArg { block, index }, loc);
        self.blocks[block.index()].args.push(v);
        v
    }

    /// Removes an unused block argument, renumbering the later ones.
    pub fn erase_block_arg(&mut self, block: Block, index: usize) {
        let v = self.blocks[block.index()].args.remove(index);
        assert!(
            self.values[v.index()].uses.is_empty(),
            "erasing a block argument that still has uses"
        );
        for (i, &a) in self.blocks[block.index()]
            .args
            .iter()
            .enumerate()
            .skip(index)
        {
            self.values[a.index()].def = ValueDef::BlockArg {
                block,
                index: i as u32,
            };
        }
    }

    // ===== Operation queries =====

    #[inline]
    pub fn op_name_ident(&self, op: Op) -> Ident {
        self.ops[op.index()].name
    }

    #[inline]
    pub fn op_name(&self, op: Op) -> &str {
        self.ident_str(self.ops[op.index()].name)
    }

    /// The dialect prefix of the op name (`arith` for `arith.addi`).
    pub fn op_dialect(&self, op: Op) -> &str {
        let name = self.op_name(op);
        name.split_once('.').map_or(name, |(d, _)| d)
    }

    #[inline]
    pub fn is_op_alive(&self, op: Op) -> bool {
        self.ops.get(op.index()).is_some_and(|o| o.alive)
    }

    #[inline]
    pub fn op_loc(&self, op: Op) -> Location {
        self.ops[op.index()].loc
    }

    pub fn set_op_loc(&mut self, op: Op, loc: Location) {
        self.ops[op.index()].loc = loc;
    }

    pub fn num_operands(&self, op: Op) -> usize {
        self.ops[op.index()].operands.len()
    }

    pub fn operand(&self, op: Op, index: usize) -> Value {
        self.ops[op.index()].operands[index].value
    }

    pub fn operands(&self, op: Op) -> impl ExactSizeIterator<Item = Value> + '_ {
        self.ops[op.index()].operands.iter().map(|o| o.value)
    }

    pub fn operand_vec(&self, op: Op) -> Vec<Value> {
        self.operands(op).collect()
    }

    pub fn num_results(&self, op: Op) -> usize {
        self.ops[op.index()].results.len()
    }

    pub fn result(&self, op: Op, index: usize) -> Value {
        self.ops[op.index()].results[index]
    }

    pub fn results(&self, op: Op) -> &[Value] {
        &self.ops[op.index()].results
    }

    pub fn result_types(&self, op: Op) -> Vec<Type> {
        self.results(op)
            .iter()
            .map(|&v| self.value_type(v))
            .collect()
    }

    pub fn operand_types(&self, op: Op) -> Vec<Type> {
        self.operands(op).map(|v| self.value_type(v)).collect()
    }

    pub fn regions(&self, op: Op) -> &[Region] {
        &self.ops[op.index()].regions
    }

    pub fn region(&self, op: Op, index: usize) -> Region {
        self.ops[op.index()].regions[index]
    }

    pub fn successors(&self, op: Op) -> &[Block] {
        &self.ops[op.index()].successors
    }

    pub fn set_successor(&mut self, op: Op, index: usize, block: Block) {
        self.ops[op.index()].successors[index] = block;
    }

    /// Inherent attributes (properties), sorted by name.
    pub fn properties(&self, op: Op) -> &[NamedAttr] {
        &self.ops[op.index()].properties
    }

    /// Discardable attributes, sorted by name.
    pub fn discardable_attrs(&self, op: Op) -> &[NamedAttr] {
        &self.ops[op.index()].attributes
    }

    /// Properties then discardable attributes.
    pub fn all_attrs(&self, op: Op) -> impl Iterator<Item = NamedAttr> + '_ {
        let d = &self.ops[op.index()];
        d.properties.iter().chain(d.attributes.iter()).copied()
    }

    /// Looks an attribute up by name among properties and discardable attributes.
    pub fn attr(&self, op: Op, name: &str) -> Option<Attribute> {
        let id = self.lookup_ident(name)?;
        self.attr_by_ident(op, id)
    }

    pub fn attr_by_ident(&self, op: Op, name: Ident) -> Option<Attribute> {
        let d = &self.ops[op.index()];
        d.properties
            .iter()
            .chain(d.attributes.iter())
            .find(|(n, _)| *n == name)
            .map(|(_, a)| *a)
    }

    pub fn has_attr(&self, op: Op, name: &str) -> bool {
        self.attr(op, name).is_some()
    }

    /// Sets an attribute; declared (inherent) attributes go to the properties.
    pub fn set_attr(&mut self, op: Op, name: &str, value: Attribute) {
        let name = self.ident(name);
        self.set_attr_by_ident(op, name, value);
    }

    pub fn set_attr_by_ident(&mut self, op: Op, name: Ident, value: Attribute) {
        let inherent = self.ops[op.index()]
            .def
            .is_some_and(|d| self.registry.op(d).declares_attr(self.ident_str(name)));
        let mut list = if inherent {
            std::mem::take(&mut self.ops[op.index()].properties)
        } else {
            std::mem::take(&mut self.ops[op.index()].attributes)
        };
        sorted_insert(self, &mut list, name, value);
        if inherent {
            self.ops[op.index()].properties = list;
        } else {
            self.ops[op.index()].attributes = list;
        }
    }

    /// Removes an attribute; returns whether it was present.
    pub fn remove_attr(&mut self, op: Op, name: &str) -> bool {
        let Some(id) = self.lookup_ident(name) else {
            return false;
        };
        let d = &mut self.ops[op.index()];
        let before = d.properties.len() + d.attributes.len();
        d.properties.retain(|(n, _)| *n != id);
        d.attributes.retain(|(n, _)| *n != id);
        before != d.properties.len() + d.attributes.len()
    }

    // ===== Structure queries =====

    pub fn op_parent_block(&self, op: Op) -> Option<Block> {
        self.ops[op.index()].parent
    }

    pub fn op_parent_region(&self, op: Op) -> Option<Region> {
        self.block_parent_region(self.op_parent_block(op)?)
    }

    /// The operation whose region contains `op`.
    pub fn op_parent_op(&self, op: Op) -> Option<Op> {
        self.region_parent_op(self.op_parent_region(op)?)
    }

    pub fn block_parent_region(&self, block: Block) -> Option<Region> {
        self.blocks[block.index()].parent
    }

    pub fn block_parent_op(&self, block: Block) -> Option<Op> {
        self.region_parent_op(self.block_parent_region(block)?)
    }

    pub fn region_parent_op(&self, region: Region) -> Option<Op> {
        self.regions[region.index()].parent
    }

    pub fn region_blocks(&self, region: Region) -> &[Block] {
        &self.regions[region.index()].blocks
    }

    pub fn region_entry(&self, region: Region) -> Option<Block> {
        self.regions[region.index()].blocks.first().copied()
    }

    pub fn region_is_empty(&self, region: Region) -> bool {
        self.regions[region.index()].blocks.is_empty()
    }

    /// The index of `region` among its parent's regions.
    pub fn region_index(&self, region: Region) -> Option<usize> {
        let parent = self.region_parent_op(region)?;
        self.regions(parent).iter().position(|&r| r == region)
    }

    pub fn block_args(&self, block: Block) -> &[Value] {
        &self.blocks[block.index()].args
    }

    pub fn block_arg(&self, block: Block, index: usize) -> Value {
        self.blocks[block.index()].args[index]
    }

    pub fn block_ops(&self, block: Block) -> BlockOps<'_> {
        BlockOps {
            ctx: self,
            next: self.blocks[block.index()].first,
        }
    }

    pub fn block_first_op(&self, block: Block) -> Option<Op> {
        self.blocks[block.index()].first
    }

    pub fn block_last_op(&self, block: Block) -> Option<Op> {
        self.blocks[block.index()].last
    }

    pub fn block_is_empty(&self, block: Block) -> bool {
        self.blocks[block.index()].first.is_none()
    }

    pub fn is_block_alive(&self, block: Block) -> bool {
        self.blocks.get(block.index()).is_some_and(|b| b.alive)
    }

    pub fn next_op(&self, op: Op) -> Option<Op> {
        self.ops[op.index()].next
    }

    pub fn prev_op(&self, op: Op) -> Option<Op> {
        self.ops[op.index()].prev
    }

    /// Whether `ancestor` is `op` or contains it.
    pub fn is_ancestor(&self, ancestor: Op, op: Op) -> bool {
        let mut cur = Some(op);
        while let Some(c) = cur {
            if c == ancestor {
                return true;
            }
            cur = self.op_parent_op(c);
        }
        false
    }

    /// Whether `region` is `ancestor` or nested inside it.
    pub fn region_is_ancestor(&self, ancestor: Region, mut region: Region) -> bool {
        loop {
            if region == ancestor {
                return true;
            }
            match self
                .region_parent_op(region)
                .and_then(|op| self.op_parent_region(op))
            {
                Some(r) => region = r,
                None => return false,
            }
        }
    }

    /// The ancestor of `op` (possibly `op` itself) whose parent block is in `region`.
    pub fn ancestor_in_region(&self, region: Region, op: Op) -> Option<Op> {
        let mut cur = op;
        loop {
            let r = self.op_parent_region(cur)?;
            if r == region {
                return Some(cur);
            }
            cur = self.region_parent_op(r)?;
        }
    }

    /// The predecessors of a block: the blocks whose terminator lists it as a successor.
    pub fn block_predecessors(&self, block: Block) -> Vec<Block> {
        let Some(region) = self.block_parent_region(block) else {
            return Vec::new();
        };
        let mut preds = Vec::new();
        for &b in self.region_blocks(region) {
            if let Some(term) = self.block_last_op(b)
                && self.successors(term).contains(&block)
                && !preds.contains(&b)
            {
                preds.push(b);
            }
        }
        preds
    }

    // ===== Values =====

    #[inline]
    pub fn value_type(&self, v: Value) -> Type {
        self.values[v.index()].ty
    }

    pub fn set_value_type(&mut self, v: Value, ty: Type) {
        self.values[v.index()].ty = ty;
    }

    #[inline]
    pub fn value_def(&self, v: Value) -> ValueDef {
        self.values[v.index()].def
    }

    /// The location of a block argument (operation results use their op's location).
    pub fn value_loc(&self, v: Value) -> Location {
        match self.value_def(v) {
            ValueDef::Result { op, .. } => self.op_loc(op),
            _ => self.values[v.index()].loc,
        }
    }

    pub fn set_value_loc(&mut self, v: Value, loc: Location) {
        self.values[v.index()].loc = loc;
    }

    /// The operation defining `v`, if it is a result.
    pub fn defining_op(&self, v: Value) -> Option<Op> {
        match self.value_def(v) {
            ValueDef::Result { op, .. } => Some(op),
            _ => None,
        }
    }

    /// The block in which `v` is defined.
    pub fn value_parent_block(&self, v: Value) -> Option<Block> {
        match self.value_def(v) {
            ValueDef::Result { op, .. } => self.op_parent_block(op),
            ValueDef::BlockArg { block, .. } => Some(block),
            ValueDef::Placeholder => None,
        }
    }

    pub fn value_parent_region(&self, v: Value) -> Option<Region> {
        self.block_parent_region(self.value_parent_block(v)?)
    }

    pub fn uses(&self, v: Value) -> &[Use] {
        &self.values[v.index()].uses
    }

    pub fn has_uses(&self, v: Value) -> bool {
        !self.values[v.index()].uses.is_empty()
    }

    /// Whether any result of `op` is used.
    pub fn op_has_uses(&self, op: Op) -> bool {
        self.results(op).iter().any(|&r| self.has_uses(r))
    }

    /// The distinct operations using `v`.
    pub fn users(&self, v: Value) -> Vec<Op> {
        let mut users: Vec<Op> = self.uses(v).iter().map(|u| u.op).collect();
        users.sort();
        users.dedup();
        users
    }

    // ===== Operand mutation =====

    fn push_operand(&mut self, op: Op, v: Value) {
        let operand = self.ops[op.index()].operands.len() as u32;
        let use_pos = self.add_use(v, Use { op, operand });
        self.ops[op.index()]
            .operands
            .push(Operand { value: v, use_pos });
    }

    fn add_use(&mut self, v: Value, u: Use) -> u32 {
        let uses = &mut self.values[v.index()].uses;
        uses.push(u);
        (uses.len() - 1) as u32
    }

    fn remove_use(&mut self, op: Op, operand: usize) {
        let Operand { value, use_pos } = self.ops[op.index()].operands[operand];
        let uses = &mut self.values[value.index()].uses;
        let pos = use_pos as usize;
        uses.swap_remove(pos);
        if let Some(&moved) = uses.get(pos) {
            self.ops[moved.op.index()].operands[moved.operand as usize].use_pos = use_pos;
        }
    }

    pub fn set_operand(&mut self, op: Op, index: usize, v: Value) {
        self.remove_use(op, index);
        let use_pos = self.add_use(
            v,
            Use {
                op,
                operand: index as u32,
            },
        );
        self.ops[op.index()].operands[index] = Operand { value: v, use_pos };
    }

    /// Replaces all operands of `op`.
    pub fn set_operands(&mut self, op: Op, values: &[Value]) {
        self.drop_operands(op);
        for &v in values {
            self.push_operand(op, v);
        }
    }

    fn drop_operands(&mut self, op: Op) {
        for i in (0..self.ops[op.index()].operands.len()).rev() {
            self.remove_use(op, i);
        }
        self.ops[op.index()].operands.clear();
    }

    /// Replaces every use of `from` with `to`.
    pub fn replace_all_uses(&mut self, from: Value, to: Value) {
        if from == to {
            return;
        }
        while let Some(&u) = self.values[from.index()].uses.last() {
            self.set_operand(u.op, u.operand as usize, to);
        }
    }

    /// Replaces the uses of `from` for which `pred` holds.
    pub fn replace_uses_if(
        &mut self,
        from: Value,
        to: Value,
        mut pred: impl FnMut(&Context, Use) -> bool,
    ) {
        let uses: Vec<Use> = self.uses(from).to_vec();
        for u in uses {
            if pred(self, u) {
                self.set_operand(u.op, u.operand as usize, to);
            }
        }
    }

    /// Replaces all uses of `op`'s results with `values`, one for one.
    pub fn replace_all_op_uses(&mut self, op: Op, values: &[Value]) {
        let results = self.results(op).to_vec();
        assert_eq!(
            results.len(),
            values.len(),
            "replacement value count differs from result count"
        );
        for (r, &v) in results.into_iter().zip(values) {
            self.replace_all_uses(r, v);
        }
    }

    // ===== Placement =====

    /// Unlinks `op` from its block without destroying it.
    pub fn detach_op(&mut self, op: Op) {
        let Some(block) = self.ops[op.index()].parent else {
            return;
        };
        let (prev, next) = (self.ops[op.index()].prev, self.ops[op.index()].next);
        match prev {
            Some(p) => self.ops[p.index()].next = next,
            None => self.blocks[block.index()].first = next,
        }
        match next {
            Some(n) => self.ops[n.index()].prev = prev,
            None => self.blocks[block.index()].last = prev,
        }
        let d = &mut self.ops[op.index()];
        d.parent = None;
        d.prev = None;
        d.next = None;
    }

    fn link_op(&mut self, block: Block, op: Op, prev: Option<Op>, next: Option<Op>) {
        debug_assert!(
            self.ops[op.index()].parent.is_none(),
            "op is already in a block"
        );
        let d = &mut self.ops[op.index()];
        d.parent = Some(block);
        d.prev = prev;
        d.next = next;
        match prev {
            Some(p) => self.ops[p.index()].next = Some(op),
            None => self.blocks[block.index()].first = Some(op),
        }
        match next {
            Some(n) => self.ops[n.index()].prev = Some(op),
            None => self.blocks[block.index()].last = Some(op),
        }
    }

    /// Appends a detached op at the end of `block`.
    pub fn append_op(&mut self, block: Block, op: Op) {
        let last = self.blocks[block.index()].last;
        self.link_op(block, op, last, None);
    }

    /// Inserts a detached op at the start of `block`.
    pub fn prepend_op(&mut self, block: Block, op: Op) {
        let first = self.blocks[block.index()].first;
        self.link_op(block, op, None, first);
    }

    /// Inserts a detached op right before `anchor`.
    pub fn insert_op_before(&mut self, anchor: Op, op: Op) {
        let block = self.ops[anchor.index()]
            .parent
            .expect("anchor op is not in a block");
        let prev = self.ops[anchor.index()].prev;
        self.link_op(block, op, prev, Some(anchor));
    }

    /// Inserts a detached op right after `anchor`.
    pub fn insert_op_after(&mut self, anchor: Op, op: Op) {
        let block = self.ops[anchor.index()]
            .parent
            .expect("anchor op is not in a block");
        let next = self.ops[anchor.index()].next;
        self.link_op(block, op, Some(anchor), next);
    }

    /// Moves an op (attached or not) right before `anchor`.
    pub fn move_op_before(&mut self, op: Op, anchor: Op) {
        self.detach_op(op);
        self.insert_op_before(anchor, op);
    }

    /// Moves an op (attached or not) right after `anchor`.
    pub fn move_op_after(&mut self, op: Op, anchor: Op) {
        self.detach_op(op);
        self.insert_op_after(anchor, op);
    }

    /// Appends a detached block to `region`.
    pub fn append_block(&mut self, region: Region, block: Block) {
        debug_assert!(self.blocks[block.index()].parent.is_none());
        self.blocks[block.index()].parent = Some(region);
        self.regions[region.index()].blocks.push(block);
    }

    /// Inserts a detached block into `region` at position `index`.
    pub fn insert_block(&mut self, region: Region, index: usize, block: Block) {
        debug_assert!(self.blocks[block.index()].parent.is_none());
        self.blocks[block.index()].parent = Some(region);
        self.regions[region.index()].blocks.insert(index, block);
    }

    /// Removes `block` from its region without destroying it.
    pub fn detach_block(&mut self, block: Block) {
        if let Some(r) = self.blocks[block.index()].parent.take() {
            self.regions[r.index()].blocks.retain(|&b| b != block);
        }
    }

    /// Moves all blocks of `from` to the end of `to`.
    pub fn take_region_body(&mut self, from: Region, to: Region) {
        let blocks = std::mem::take(&mut self.regions[from.index()].blocks);
        for b in blocks {
            self.blocks[b.index()].parent = Some(to);
            self.regions[to.index()].blocks.push(b);
        }
    }

    /// Moves the operations of `from` after `after` (or to the start of `to` when `None`),
    /// leaving `from` empty.
    pub fn splice_ops(&mut self, from: Block, to: Block, after: Option<Op>) {
        let ops: Vec<Op> = self.block_ops(from).collect();
        let mut anchor = after;
        for op in ops {
            self.detach_op(op);
            match anchor {
                Some(a) => self.insert_op_after(a, op),
                None => self.prepend_op(to, op),
            }
            anchor = Some(op);
        }
    }

    /// Splits `block` before `op`: `op` and everything after it move to a new block inserted
    /// after `block` in the same region. Returns the new block.
    pub fn split_block(&mut self, block: Block, op: Op) -> Block {
        let new = self.create_block(&[]);
        let region = self
            .block_parent_region(block)
            .expect("splitting a detached block");
        let pos = self
            .region_blocks(region)
            .iter()
            .position(|&b| b == block)
            .unwrap();
        self.insert_block(region, pos + 1, new);
        let mut cur = Some(op);
        while let Some(o) = cur {
            cur = self.next_op(o);
            self.detach_op(o);
            self.append_op(new, o);
        }
        new
    }

    // ===== Erasure =====

    /// Erases `op` and everything nested in it. Its results must have no uses left outside it.
    pub fn erase_op(&mut self, op: Op) {
        self.detach_op(op);
        let nested = self.walk(op, WalkOrder::Post);
        for &o in &nested {
            self.drop_operands(o);
        }
        for &o in &nested {
            for i in 0..self.ops[o.index()].results.len() {
                let r = self.ops[o.index()].results[i];
                assert!(
                    self.values[r.index()].uses.is_empty(),
                    "erasing '{}' whose result #{i} still has uses",
                    self.op_name(o)
                );
            }
            self.ops[o.index()].alive = false;
            for ri in 0..self.ops[o.index()].regions.len() {
                let r = self.ops[o.index()].regions[ri];
                for bi in 0..self.regions[r.index()].blocks.len() {
                    let b = self.regions[r.index()].blocks[bi];
                    self.blocks[b.index()].alive = false;
                }
            }
        }
    }

    /// Erases a block and its operations. Its arguments must be unused outside it.
    pub fn erase_block(&mut self, block: Block) {
        self.detach_block(block);
        let ops: Vec<Op> = self.block_ops(block).collect();
        for &o in &ops {
            for n in self.walk(o, WalkOrder::Post) {
                self.drop_operands(n);
            }
        }
        for o in ops.into_iter().rev() {
            self.erase_op(o);
        }
        self.blocks[block.index()].alive = false;
    }

    // ===== Walking =====

    /// All operations nested in `root`, including `root`, in the given order. Iterative, so
    /// deeply nested IR cannot overflow the stack.
    pub fn walk(&self, root: Op, order: WalkOrder) -> Vec<Op> {
        let mut out = Vec::new();
        match order {
            WalkOrder::Pre => {
                let mut stack = vec![root];
                while let Some(op) = stack.pop() {
                    out.push(op);
                    let start = stack.len();
                    for &r in self.regions(op) {
                        for &b in self.region_blocks(r) {
                            stack.extend(self.block_ops(b));
                        }
                    }
                    stack[start..].reverse();
                }
            }
            WalkOrder::Post => {
                // (op, children pushed?)
                let mut stack = vec![(root, false)];
                while let Some((op, expanded)) = stack.pop() {
                    if expanded {
                        out.push(op);
                        continue;
                    }
                    stack.push((op, true));
                    let start = stack.len();
                    for &r in self.regions(op) {
                        for &b in self.region_blocks(r) {
                            stack.extend(self.block_ops(b).map(|o| (o, false)));
                        }
                    }
                    stack[start..].reverse();
                }
            }
        }
        out
    }

    /// The operations nested in `root` (excluding it) in pre-order.
    pub fn nested_ops(&self, root: Op) -> Vec<Op> {
        let mut v = self.walk(root, WalkOrder::Pre);
        v.remove(0);
        v
    }

    /// The operations directly in the regions of `op` (one level deep).
    pub fn child_ops(&self, op: Op) -> Vec<Op> {
        let mut out = Vec::new();
        for &r in self.regions(op) {
            for &b in self.region_blocks(r) {
                out.extend(self.block_ops(b));
            }
        }
        out
    }

    /// The depth of region nesting under `op` (0 for an op without regions).
    pub fn nesting_depth(&self, op: Op) -> usize {
        let mut max = 0;
        let mut stack = vec![(op, 0usize)];
        while let Some((o, d)) = stack.pop() {
            max = max.max(d);
            for c in self.child_ops(o) {
                stack.push((c, d + 1));
            }
        }
        max
    }
}
