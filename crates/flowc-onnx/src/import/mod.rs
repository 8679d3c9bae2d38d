//! Importing an ONNX graph into the `flow` dialect.
//!
//! The result is a `builtin.module` holding one `func.func` (`@main` by default) whose
//! arguments are the graph inputs that are not initializers, in order, and whose `func.return`
//! returns the graph outputs. Each node becomes the `flow` op named by
//! `flowc_flow::op_name_for_onnx`, with the ONNX attributes converted per the dialect's table
//! and result types from `flowc_flow::infer_result_types`, refined by the model's own
//! `value_info` and output types. Operators from older opsets are rewritten into the newest
//! form (see [`nodes`]); initializers and `Constant` nodes become `flow.constant`, holding
//! `dense<...>` data when small and a `dense_resource` blob otherwise; static shape
//! computations are folded into constants (see [`fold`]).
//!
//! Every failure is an [`ImportError`] that names the node, op type, domain and opset; no input
//! makes the importer panic.

mod attrs;
mod fold;
mod nodes;
pub mod types;

use crate::OnnxError;
use crate::error::{ImportError, ImportErrorKind, NodeInfo};
use crate::model::{MAX_OPSET, MIN_OPSET, Model, normalize_domain};
use crate::proto::{NodeProto, TensorProto, TypeProto};
use crate::tensor::{RawTensor, decode_tensor};
use flowc_func::{FuncOp, ReturnOp};
use flowc_ir::builtin::ModuleOp;
use flowc_ir::{
    AttrData, Attribute, Block, Context, Location, NamedAttr, Op, OperationState, ResourceBlob,
    Type, Value,
};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;
use types::{ValueType, dense_attr, refine_type, tensor_type, value_type};

/// How to import.
#[derive(Clone, Debug)]
pub struct ImportOptions {
    /// The name of the function holding the graph.
    pub func_name: String,
    /// Fuse each op's `loc("node")` with the model file's location.
    pub file_locations: bool,
    /// Constants with more elements than this become `dense_resource` blobs; smaller ones are
    /// printed inline as `dense<...>`.
    pub resource_threshold: usize,
    /// Fold shape computations whose inputs are constant or statically shaped (`Shape`,
    /// `Gather`, `Concat`, `Unsqueeze`, arithmetic on shapes, ...) into constants.
    pub fold_shapes: bool,
    /// Verify the imported module (and report verifier errors as import errors).
    pub verify: bool,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            func_name: "main".to_string(),
            file_locations: true,
            resource_threshold: 64,
            fold_shapes: true,
            verify: true,
        }
    }
}

/// Constants with at most this many elements keep their data beside the IR for folding and
/// for `infer_result_types`' constant operands.
const SMALL_CONSTANT: usize = 4096;

/// Imports `model` as a `builtin.module` (detached, owned by `ctx`). `ctx` must have the
/// `func` and `flow` dialects registered.
pub fn import_model(
    ctx: &mut Context,
    model: &Model,
    opts: &ImportOptions,
) -> Result<Op, ImportError> {
    let file = model.display_name();
    let file_loc = if opts.file_locations && model.path.is_some() {
        Some(ctx.file_loc(&file, 0, 0))
    } else {
        None
    };
    let mut importer = Importer {
        ctx,
        model,
        opts,
        base_dir: model.base_dir.as_deref(),
        block: None,
        module: None,
        values: HashMap::new(),
        initializers: HashMap::new(),
        declared: HashMap::new(),
        consts: HashMap::new(),
        small: HashMap::new(),
        none: None,
        file_loc,
        used_names: HashSet::new(),
        resource_names: HashSet::new(),
    };
    let module = match importer.import() {
        Ok(m) => m,
        Err(e) => {
            // Nothing half-imported stays behind in the context (resource blobs aside).
            if let Some(m) = importer.module {
                importer.ctx.erase_op(m);
            }
            return Err(e);
        }
    };
    if opts.verify
        && let Err(diags) = flowc_ir::verifier::verify(importer.ctx, module)
    {
        importer.ctx.erase_op(module);
        let ctx = &*importer.ctx;
        let d = &diags[0];
        let node = node_name_in(ctx, d.loc);
        let mut message = d.message.clone();
        for n in &d.notes {
            message.push_str("; ");
            message.push_str(&n.message);
        }
        return Err(ImportError {
            node: None,
            kind: ImportErrorKind::Invalid,
            message: match node {
                Some(n) => format!("the imported IR does not verify at node '{n}': {message}"),
                None => format!("the imported IR does not verify: {message}"),
            },
        });
    }
    Ok(module)
}

/// The node name inside an op location made by the importer (`loc("name")`, possibly fused
/// with the file location).
pub fn node_name_in(ctx: &Context, loc: Location) -> Option<String> {
    let mut stack = vec![loc];
    while let Some(l) = stack.pop() {
        match ctx.loc_data(l) {
            flowc_ir::LocData::Name { name, .. } => return Some(ctx.ident_str(*name).to_string()),
            flowc_ir::LocData::Fused { locs, .. } => stack.extend(locs.iter().rev()),
            flowc_ir::LocData::CallSite { callee, .. } => stack.push(*callee),
            _ => {}
        }
    }
    None
}

/// One node being imported: what error messages and locations need.
pub(crate) struct NodeCtx<'m> {
    pub node: &'m NodeProto,
    pub info: NodeInfo,
    /// The default-domain opset version.
    pub opset: i64,
    pub loc: Location,
}

impl NodeCtx<'_> {
    /// A malformed node.
    pub fn err(&self, message: impl Into<String>) -> ImportError {
        ImportError {
            node: Some(self.info.clone()),
            message: message.into(),
            kind: ImportErrorKind::Invalid,
        }
    }

    /// A node flowc does not support.
    pub fn unsupported(&self, message: impl Into<String>) -> ImportError {
        ImportError {
            kind: ImportErrorKind::Unsupported,
            ..self.err(message)
        }
    }

    pub fn op_type(&self) -> &str {
        &self.info.op_type
    }
}

pub(crate) struct Importer<'a> {
    pub ctx: &'a mut Context,
    pub model: &'a Model,
    pub opts: &'a ImportOptions,
    pub base_dir: Option<&'a Path>,
    /// The function body, once created.
    pub block: Option<Block>,
    /// The module, once created.
    pub module: Option<Op>,
    /// ONNX value name -> SSA value.
    pub values: HashMap<String, Value>,
    pub initializers: HashMap<&'a str, &'a TensorProto>,
    /// Declared types of intermediate values and graph outputs.
    pub declared: HashMap<&'a str, &'a TypeProto>,
    /// The `value` attribute of every `flow.constant` result.
    pub consts: HashMap<Value, Attribute>,
    /// The data of small constants.
    pub small: HashMap<Value, RawTensor>,
    /// The `flow.none` value, once created.
    pub none: Option<Value>,
    pub file_loc: Option<Location>,
    /// Names read by some node or returned by the graph.
    pub used_names: HashSet<&'a str>,
    pub resource_names: HashSet<String>,
}

impl<'a> Importer<'a> {
    fn import(&mut self) -> Result<Op, ImportError> {
        let model = self.model;
        let graph = model.graph();
        let module_loc = self.file_loc.unwrap_or(Location::UNKNOWN);
        let module = ModuleOp::create(self.ctx, module_loc);
        self.module = Some(module.0);

        for init in &graph.initializer {
            let name = init.name();
            if name.is_empty() {
                return Err(ImportError::graph("an initializer has no name"));
            }
            if self.initializers.insert(name, init).is_some() {
                return Err(ImportError::graph(format!(
                    "initializer '{name}' is defined twice"
                )));
            }
        }
        for vi in graph.value_info.iter().chain(&graph.output) {
            if let Some(tp) = &vi.r#type {
                self.declared.insert(vi.name(), tp);
            }
        }

        // Arguments: graph inputs that are not initializers.
        let mut arg_names = Vec::new();
        let mut arg_types = Vec::new();
        let mut arg_dim_params = Vec::new();
        let mut seen_inputs = HashSet::new();
        for input in &graph.input {
            let name = input.name();
            if name.is_empty() {
                return Err(ImportError::graph("a graph input has no name"));
            }
            if !seen_inputs.insert(name) {
                return Err(ImportError::graph(format!(
                    "graph input '{name}' is listed twice"
                )));
            }
            if self.initializers.contains_key(name) {
                continue;
            }
            let Some(tp) = &input.r#type else {
                return Err(ImportError::graph(format!(
                    "graph input '{name}' has no type"
                )));
            };
            let ValueType { ty, dim_params } = value_type(self.ctx, tp)
                .map_err(|e| ImportError::about(&format!("graph input '{name}'"), e))?;
            arg_names.push(name);
            arg_types.push(ty);
            arg_dim_params.push(dim_params);
        }

        let func_loc = self.loc_for(graph.name());
        let fn_type = self.ctx.function_type(arg_types.clone(), Vec::new());
        let func = FuncOp::create(self.ctx, &self.opts.func_name, fn_type, func_loc);
        let module_block = module.body_block(self.ctx);
        self.ctx.append_op(module_block, func.op());
        let block = func
            .entry_block(self.ctx)
            .ok_or_else(|| ImportError::graph("internal error: function without a body"))?;
        self.block = Some(block);
        for (i, name) in arg_names.iter().enumerate() {
            let arg = self.ctx.block_arg(block, i);
            let loc = self.loc_for(name);
            self.ctx.set_value_loc(arg, loc);
            self.values.insert(name.to_string(), arg);
        }
        if arg_dim_params.iter().flatten().any(|p| !p.is_empty()) {
            let key = self.ctx.ident("flow.dim_params");
            let dicts = arg_dim_params
                .iter()
                .map(|params| {
                    let entries = if params.iter().any(|p| !p.is_empty()) {
                        let items = params
                            .iter()
                            .map(|p| self.ctx.string_attr(p.clone()))
                            .collect();
                        vec![(key, self.ctx.array_attr(items))]
                    } else {
                        Vec::new()
                    };
                    self.ctx.dictionary_attr(entries)
                })
                .collect();
            let arg_attrs = self.ctx.array_attr(dicts);
            self.ctx.set_attr(func.op(), "arg_attrs", arg_attrs);
        }

        // Nodes, in a topological order.
        for node in &graph.node {
            for i in &node.input {
                self.used_names.insert(i.as_str());
            }
        }
        for o in &graph.output {
            self.used_names.insert(o.name());
        }
        let order = self.topological_order(&seen_inputs)?;
        for idx in order {
            self.import_node(idx)?;
        }

        // Outputs.
        let mut results = Vec::with_capacity(graph.output.len());
        for out in &graph.output {
            let name = out.name();
            let v = self.value_of(name)?.ok_or_else(|| {
                ImportError::graph(format!(
                    "graph output '{name}' is not produced by any node, input or initializer"
                ))
            })?;
            results.push(v);
        }
        // Constants that folding consumed (and a `flow.none` nothing kept) are dead.
        let dead: Vec<Op> = self
            .ctx
            .block_ops(block)
            .filter(|&op| {
                matches!(self.ctx.op_name(op), "flow.constant" | "flow.none")
                    && !self.ctx.op_has_uses(op)
                    && !results.contains(&self.ctx.result(op, 0))
            })
            .collect();
        // (A dead blob stays in the context, unprinted: folding only makes small ones.)
        for op in dead {
            self.ctx.erase_op(op);
        }
        let result_types: Vec<Type> = results.iter().map(|&v| self.ctx.value_type(v)).collect();
        let ret_loc = self.file_loc.unwrap_or(Location::UNKNOWN);
        let ret = ReturnOp::create(self.ctx, &results, ret_loc);
        self.ctx.append_op(block, ret.0);
        let fn_type = self.ctx.function_type(arg_types, result_types);
        let fn_type = self.ctx.type_attr(fn_type);
        self.ctx.set_attr(func.op(), "function_type", fn_type);
        Ok(module.0)
    }

    /// `loc("name")`, fused with the file location when asked for.
    pub fn loc_for(&mut self, name: &str) -> Location {
        let name_loc = self.ctx.name_loc(name, None);
        match self.file_loc {
            Some(f) => self.ctx.fused_loc(&[name_loc, f], None),
            None => name_loc,
        }
    }

    /// Orders the nodes so that each comes after the producers of its inputs (keeping the
    /// model's order where it allows), and checks that every input is defined exactly once.
    fn topological_order(&self, inputs: &HashSet<&str>) -> Result<Vec<usize>, ImportError> {
        let graph = self.model.graph();
        let n = graph.node.len();
        let mut producer: HashMap<&str, usize> = HashMap::new();
        for (i, node) in graph.node.iter().enumerate() {
            for o in node.output.iter().filter(|o| !o.is_empty()) {
                let o = o.as_str();
                let twice = producer.insert(o, i).is_some()
                    || inputs.contains(o)
                    || self.initializers.contains_key(o);
                if twice {
                    return Err(self.node_ctx_static(i).err(format!(
                        "output '{o}' is already defined elsewhere in the graph"
                    )));
                }
            }
        }
        let mut pending = vec![0usize; n];
        let mut consumers: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, node) in graph.node.iter().enumerate() {
            let mut deps = BTreeSet::new();
            for input in node.input.iter().filter(|s| !s.is_empty()) {
                match producer.get(input.as_str()) {
                    Some(&p) => {
                        deps.insert(p);
                    }
                    None if inputs.contains(input.as_str())
                        || self.initializers.contains_key(input.as_str()) => {}
                    None => {
                        return Err(self.node_ctx_static(i).err(format!(
                            "input '{input}' is not defined by any node, graph input or initializer"
                        )));
                    }
                }
            }
            pending[i] = deps.len();
            for p in deps {
                consumers[p].push(i);
            }
        }
        let mut ready: BTreeSet<usize> = (0..n).filter(|&i| pending[i] == 0).collect();
        let mut order = Vec::with_capacity(n);
        while let Some(i) = ready.pop_first() {
            order.push(i);
            for &c in &consumers[i] {
                pending[c] -= 1;
                if pending[c] == 0 {
                    ready.insert(c);
                }
            }
        }
        if order.len() < n {
            let stuck = (0..n).find(|&i| pending[i] > 0).unwrap_or(0);
            return Err(self
                .node_ctx_static(stuck)
                .err("the graph has a cycle through this node"));
        }
        Ok(order)
    }

    /// Identifies node `idx` for messages (without creating locations).
    fn node_ctx_static(&self, idx: usize) -> NodeCtx<'a> {
        let node = &self.model.graph().node[idx];
        NodeCtx {
            node,
            info: self.node_info(idx),
            opset: 0,
            loc: Location::UNKNOWN,
        }
    }

    fn node_info(&self, idx: usize) -> NodeInfo {
        let node = &self.model.graph().node[idx];
        let name = match node.name() {
            "" => format!("{}_{idx}", node.op_type()),
            n => n.to_string(),
        };
        NodeInfo {
            name,
            op_type: node.op_type().to_string(),
            domain: node.domain().to_string(),
            opset: self.model.opset_version(node.domain()),
        }
    }

    fn import_node(&mut self, idx: usize) -> Result<(), ImportError> {
        let node = &self.model.graph().node[idx];
        let info = self.node_info(idx);
        let loc = self.loc_for(&info.name);
        let mut nc = NodeCtx {
            node,
            info,
            opset: 0,
            loc,
        };
        if !normalize_domain(node.domain()).is_empty() {
            return Err(nc.unsupported(format!(
                "domain '{}' is not supported (flowc imports the default ONNX domain only)",
                node.domain()
            )));
        }
        let Some(opset) = nc.info.opset else {
            return Err(nc.err("the model does not import an opset for the default domain"));
        };
        // An op whose newest schema is no newer than the model's opset has the newest semantics
        // even in an opset older than the oldest flowc rewrites (`Not` at opset 1).
        let current = flowc_flow::spec_for_onnx(node.op_type()).is_some_and(|s| s.since <= opset);
        if opset < MIN_OPSET && !current {
            return Err(nc.unsupported(format!(
                "opset {opset} is not supported (flowc imports opsets {MIN_OPSET} to {MAX_OPSET})"
            )));
        }
        if opset > MAX_OPSET {
            return Err(nc.unsupported(format!(
                "opset {opset} is newer than the newest opset flowc knows ({MAX_OPSET})"
            )));
        }
        if node.op_type().is_empty() {
            return Err(nc.err("the node has no op_type"));
        }
        nc.opset = opset;
        self.import_node_ops(&nc)
    }

    // ===== Values =====

    /// The SSA value of an ONNX name, materializing an initializer on first use. `None` when
    /// the name is not defined (yet).
    pub fn value_of(&mut self, name: &str) -> Result<Option<Value>, ImportError> {
        if let Some(&v) = self.values.get(name) {
            return Ok(Some(v));
        }
        let Some(&init) = self.initializers.get(name) else {
            return Ok(None);
        };
        let raw = decode_tensor(init, self.base_dir)
            .map_err(|e| ImportError::about(&format!("initializer '{name}'"), e))?;
        let loc = self.loc_for(name);
        let v = self.constant(raw, name, loc);
        self.values.insert(name.to_string(), v);
        Ok(Some(v))
    }

    /// Input `i` of a node: `None` when absent (past the end, or an empty name).
    pub fn input(&mut self, nc: &NodeCtx<'_>, i: usize) -> Result<Option<Value>, ImportError> {
        let Some(name) = nc.node.input.get(i).filter(|n| !n.is_empty()) else {
            return Ok(None);
        };
        match self.value_of(name)? {
            Some(v) => Ok(Some(v)),
            None => Err(nc.err(format!("input '{name}' is not defined"))),
        }
    }

    /// Input `i`, which the op requires.
    pub fn required_input(&mut self, nc: &NodeCtx<'_>, i: usize) -> Result<Value, ImportError> {
        self.input(nc, i)?
            .ok_or_else(|| nc.err(format!("input {i} is required but missing")))
    }

    /// Whether ONNX value `name` is read by a node or returned.
    pub fn is_used(&self, name: &str) -> bool {
        !name.is_empty() && self.used_names.contains(name)
    }

    fn block(&self) -> Block {
        // Set before any node is imported.
        self.block.expect("function body")
    }

    // ===== Building ops =====

    /// Creates a `flow.constant` holding `raw`: `dense<...>` up to the resource threshold,
    /// `dense_resource<name>` above it.
    pub fn constant(&mut self, raw: RawTensor, name_hint: &str, loc: Location) -> Value {
        let n = raw.num_elements();
        let (attr, kept) = if n > self.opts.resource_threshold {
            let ty = tensor_type(self.ctx, raw.dtype, &raw.shape);
            let name = self.resource_name(name_hint);
            let attr = self.ctx.intern_attr(AttrData::DenseResource {
                name: name.clone(),
                ty,
            });
            // Large weights move into the blob without a copy.
            let (data, kept) = if n <= SMALL_CONSTANT {
                (raw.data.clone(), Some(raw))
            } else {
                (raw.data, None)
            };
            self.ctx.set_resource(
                name,
                ResourceBlob {
                    alignment: 64,
                    data,
                },
            );
            (attr, kept)
        } else {
            (dense_attr(self.ctx, &raw), Some(raw))
        };
        let v = self.constant_op(attr, loc);
        if let Some(raw) = kept {
            self.small.insert(v, raw);
        }
        v
    }

    fn constant_op(&mut self, attr: Attribute, loc: Location) -> Value {
        let ty = self
            .ctx
            .attr_type(attr)
            .unwrap_or_else(|| self.ctx.none_type());
        let state = OperationState::new(self.ctx, "flow.constant", loc)
            .results(&[ty])
            .attr(self.ctx, "value", attr);
        let op = self.ctx.create_op(state);
        let block = self.block();
        self.ctx.append_op(block, op);
        let v = self.ctx.result(op, 0);
        self.consts.insert(v, attr);
        v
    }

    /// A unique resource key derived from a tensor name: `[A-Za-z0-9_.]`, not starting with a
    /// digit, not used before in this context.
    fn resource_name(&mut self, hint: &str) -> String {
        let mut base: String = hint
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' || c == '.' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if !base.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
            base.insert(0, '_');
        }
        let mut name = base.clone();
        let mut k = 1;
        while self.resource_names.contains(&name) || self.ctx.resource(&name).is_some() {
            name = format!("{base}_{k}");
            k += 1;
        }
        self.resource_names.insert(name.clone());
        name
    }

    /// The `flow.none` value standing for an absent optional input.
    pub fn none_value(&mut self) -> Value {
        if let Some(v) = self.none {
            return v;
        }
        let ty = self.ctx.none_type();
        let loc = self.file_loc.unwrap_or(Location::UNKNOWN);
        let state = OperationState::new(self.ctx, "flow.none", loc).results(&[ty]);
        let op = self.ctx.create_op(state);
        let block = self.block();
        // At the top of the function, so that it dominates every use.
        match self.ctx.block_first_op(block) {
            Some(first) => self.ctx.insert_op_before(first, op),
            None => self.ctx.append_op(block, op),
        }
        let v = self.ctx.result(op, 0);
        self.none = Some(v);
        v
    }

    /// Builds op `op_name` from `operands` (absent optional operands as `None`: trailing ones
    /// dropped, others replaced by `flow.none`) and `attrs`, with `num_results` results typed
    /// by `flowc_flow::infer_result_types` and refined by the declared types of `out_names`.
    pub fn build(
        &mut self,
        nc: &NodeCtx<'_>,
        op_name: &str,
        operands: &[Option<Value>],
        attrs: Vec<NamedAttr>,
        num_results: usize,
        out_names: &[&str],
    ) -> Result<Vec<Value>, ImportError> {
        let Some(def) = self.ctx.lookup_op_def(op_name) else {
            return Err(nc.unsupported(format!(
                "op '{}' is not supported (flowc has no '{op_name}')",
                nc.op_type()
            )));
        };
        for (name, _) in &attrs {
            let name = self.ctx.ident_str(*name);
            if !def.declares_attr(name) {
                return Err(nc.unsupported(format!("attribute '{name}' is not supported")));
            }
        }
        let last = operands
            .iter()
            .rposition(Option::is_some)
            .map_or(0, |i| i + 1);
        let mut values = Vec::with_capacity(last);
        for o in &operands[..last] {
            values.push(match o {
                Some(v) => *v,
                None => self.none_value(),
            });
        }

        if self.opts.fold_shapes
            && let Some(raw) = self.try_fold(op_name, &values, &attrs, num_results)
        {
            let hint = out_names.first().copied().unwrap_or("");
            let v = self.constant(raw, hint, nc.loc);
            return Ok(vec![v]);
        }

        let operand_types: Vec<Type> = values.iter().map(|&v| self.ctx.value_type(v)).collect();
        let operand_constants: Vec<Option<Attribute>> =
            values.iter().map(|v| self.consts.get(v).copied()).collect();
        let mut result_types = flowc_flow::infer_result_types(
            self.ctx,
            op_name,
            &operand_types,
            &operand_constants,
            &attrs,
            num_results,
        )
        .map_err(|e| nc.err(e))?;
        if result_types.len() != num_results {
            return Err(nc.err(format!(
                "internal error: {op_name} inferred {} result types for {num_results} results",
                result_types.len()
            )));
        }
        for (i, ty) in result_types.iter_mut().enumerate() {
            let absent = out_names.get(i).is_some_and(|n| n.is_empty());
            if absent && i + 1 < num_results {
                // An absent optional output that is not trailing has type `none`.
                *ty = self.ctx.none_type();
                continue;
            }
            let Some(name) = out_names.get(i).filter(|n| !n.is_empty()) else {
                continue;
            };
            let Some(tp) = self.declared.get(name).copied() else {
                continue;
            };
            // Declarations flowc cannot read (no element type, other kinds) are ignored; wrong
            // ones (negative dims) are refused.
            let declared = match value_type(self.ctx, tp) {
                Ok(v) => v.ty,
                Err(e @ OnnxError::Invalid(_)) if e.to_string().contains("negative") => {
                    return Err(nc.err(format!("output '{name}': {e}")));
                }
                Err(_) => continue,
            };
            *ty = refine_type(self.ctx, *ty, declared)
                .map_err(|e| nc.err(format!("output '{name}': {e}")))?;
        }
        let mut state = OperationState::new(self.ctx, op_name, nc.loc)
            .operands(&values)
            .results(&result_types);
        state.attributes = attrs;
        let op = self.ctx.create_op(state);
        let block = self.block();
        self.ctx.append_op(block, op);
        if self.opts.fold_shapes
            && let Some(raws) = self.try_eval(op, &values)
        {
            // The op's results have no uses yet: it gives way to its values as constants.
            self.ctx.erase_op(op);
            let results = raws
                .into_iter()
                .enumerate()
                .map(|(i, raw)| {
                    let hint = out_names.get(i).copied().unwrap_or("");
                    self.constant(raw, hint, nc.loc)
                })
                .collect();
            return Ok(results);
        }
        Ok(self.ctx.results(op).to_vec())
    }

    /// Binds the node's outputs to `results` (in order; empty names skipped).
    pub fn bind_outputs(&mut self, nc: &NodeCtx<'_>, results: &[Value]) {
        for (name, &v) in nc.node.output.iter().zip(results) {
            if !name.is_empty() {
                self.values.insert(name.clone(), v);
            }
        }
    }
}
