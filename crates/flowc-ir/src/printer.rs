//! The textual printer: MLIR's generic form for every op, custom forms for registered ops that
//! declare one, and the `{-# dialect_resources #-}` section for `dense_resource` blobs.
//!
//! What it prints parses back to the same IR (`print(parse(print(x))) == print(x)`), and the
//! builtin / func / arith forms and the generic form are accepted by upstream `mlir-opt`.

use crate::float::{bits_from_f64, f64_from_bits};
use crate::{
    AttrData, Attribute, Block, Context, DYNAMIC, FloatKind, LocData, Location, Op, Region,
    Signedness, Type, TypeData, Value,
};
use rustc_hash::FxHashMap;
use std::collections::BTreeSet;
use std::fmt::Write;

/// How to print.
#[derive(Clone, Debug, Default)]
pub struct PrintOptions {
    /// Print every op in the generic form (`--mlir-print-op-generic`).
    pub generic: bool,
    /// Print locations (`--mlir-print-debuginfo`).
    pub debug_info: bool,
}

impl Context {
    /// Prints `op` (usually a module) with its nested IR and the resource section.
    pub fn print_op(&self, op: Op, options: &PrintOptions) -> String {
        let mut state = PrinterState::new(self, options.clone());
        state.names.number_op(self, op);
        state.print_operation(op);
        state.out.push('\n');
        state.print_resources();
        state.out
    }

    pub fn print_type(&self, ty: Type) -> String {
        let mut s = String::new();
        write_type(self, &mut s, ty);
        s
    }

    pub fn print_attr(&self, attr: Attribute) -> String {
        let mut s = String::new();
        write_attr(self, &mut s, attr, true);
        s
    }

    /// `loc(...)`
    pub fn print_location(&self, loc: Location) -> String {
        let mut s = String::from("loc(");
        write_loc_body(self, &mut s, loc);
        s.push(')');
        s
    }
}

// ===== SSA value and block names =====

/// The printed name of a value, without `%`.
#[derive(Copy, Clone)]
enum Name {
    /// `%N`
    Num(usize),
    /// `%argN`
    Arg(usize),
}

impl std::fmt::Display for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Name::Num(n) => write!(f, "{n}"),
            Name::Arg(n) => write!(f, "arg{n}"),
        }
    }
}

#[derive(Default)]
struct ValueNames {
    /// Value -> (name, index within a result group when the op has several results).
    values: FxHashMap<Value, (Name, Option<usize>)>,
    blocks: FxHashMap<Block, usize>,
}

struct Counters {
    value: usize,
    arg: usize,
    block: usize,
}

impl ValueNames {
    fn number_op(&mut self, ctx: &Context, root: Op) {
        // Worklist of (region, counters at region start). Values of an op's nested regions are
        // numbered after the enclosing region's own values; sibling regions start from the same
        // counters; isolated ops restart from zero, as in MLIR.
        let mut counters = Counters {
            value: 0,
            arg: 0,
            block: 0,
        };
        self.number_results(ctx, root, &mut counters);
        let mut work: Vec<(Region, (usize, usize, usize))> = Vec::new();
        let start = (0, 0, 0);
        for &r in ctx.regions(root).iter().rev() {
            work.push((r, start));
        }
        while let Some((region, (v, a, _))) = work.pop() {
            // Block labels are numbered per region, as in MLIR.
            let mut c = Counters {
                value: v,
                arg: a,
                block: 0,
            };
            let blocks = ctx.region_blocks(region);
            let mut nested = Vec::new();
            for (i, &block) in blocks.iter().enumerate() {
                self.blocks.insert(block, c.block);
                c.block += 1;
                for &arg in ctx.block_args(block) {
                    if i == 0 {
                        self.values.insert(arg, (Name::Arg(c.arg), None));
                        c.arg += 1;
                    } else {
                        self.values.insert(arg, (Name::Num(c.value), None));
                        c.value += 1;
                    }
                }
                for op in ctx.block_ops(block) {
                    self.number_results(ctx, op, &mut c);
                    if !ctx.regions(op).is_empty() {
                        nested.push(op);
                    }
                }
            }
            for op in nested.into_iter().rev() {
                let isolated = ctx.has_trait(op, crate::Traits::ISOLATED_FROM_ABOVE);
                let s = if isolated {
                    (0, 0, 0)
                } else {
                    (c.value, c.arg, c.block)
                };
                for &r in ctx.regions(op).iter().rev() {
                    work.push((r, s));
                }
            }
        }
    }

    fn number_results(&mut self, ctx: &Context, op: Op, c: &mut Counters) {
        let results = ctx.results(op);
        match results.len() {
            0 => {}
            1 => {
                self.values.insert(results[0], (Name::Num(c.value), None));
                c.value += 1;
            }
            _ => {
                let name = Name::Num(c.value);
                c.value += 1;
                for (i, &r) in results.iter().enumerate() {
                    self.values.insert(r, (name, Some(i)));
                }
            }
        }
    }
}

// ===== The printer =====

struct PrinterState<'c> {
    ctx: &'c Context,
    opts: PrintOptions,
    out: String,
    names: ValueNames,
    indent: usize,
    resources: BTreeSet<String>,
}

/// The view of the printer that custom op printers get.
pub struct OpPrinter<'p, 'c> {
    state: &'p mut PrinterState<'c>,
}

impl<'c> PrinterState<'c> {
    fn new(ctx: &'c Context, opts: PrintOptions) -> Self {
        PrinterState {
            ctx,
            opts,
            out: String::new(),
            names: ValueNames::default(),
            indent: 0,
            resources: BTreeSet::new(),
        }
    }

    fn newline(&mut self) {
        self.out.push('\n');
        for _ in 0..self.indent {
            self.out.push_str("  ");
        }
    }

    fn print_value(&mut self, v: Value) {
        match self.names.values.get(&v) {
            Some((name, None)) => {
                let _ = write!(self.out, "%{name}");
            }
            Some((name, Some(i))) => {
                let _ = write!(self.out, "%{name}#{i}");
            }
            None => self.out.push_str("<<UNKNOWN SSA VALUE>>"),
        }
    }

    fn print_operation(&mut self, op: Op) {
        let ctx = self.ctx;
        let results = ctx.results(op);
        if !results.is_empty() {
            match self.names.values.get(&results[0]) {
                Some((name, _)) => {
                    let _ = write!(self.out, "%{name}");
                }
                None => self.out.push_str("<<UNKNOWN SSA VALUE>>"),
            }
            if results.len() > 1 {
                let _ = write!(self.out, ":{}", results.len());
            }
            self.out.push_str(" = ");
        }
        let custom = if self.opts.generic {
            None
        } else {
            ctx.op_def(op).and_then(|d| d.print)
        };
        match custom {
            Some(print) => {
                // MLIR drops the prefix of an op's default dialect; flowc prints every name in
                // full, which every parser accepts, except `module` as MLIR writes it.
                let name = ctx.op_name(op);
                self.out.push_str(if name == "builtin.module" {
                    "module"
                } else {
                    name
                });
                print(&mut OpPrinter { state: self }, op);
            }
            None => self.print_generic(op),
        }
        if self.opts.debug_info {
            self.out.push(' ');
            let loc = ctx.op_loc(op);
            self.out.push_str(&ctx.print_location(loc));
        }
    }

    fn print_generic(&mut self, op: Op) {
        let ctx = self.ctx;
        write_string_literal(&mut self.out, ctx.op_name(op));
        self.out.push('(');
        let operands = ctx.operand_vec(op);
        self.print_value_list(&operands);
        self.out.push(')');
        let succs = ctx.successors(op);
        if !succs.is_empty() {
            self.out.push('[');
            for (i, &b) in succs.iter().enumerate() {
                if i > 0 {
                    self.out.push_str(", ");
                }
                self.print_block_name(b);
            }
            self.out.push(']');
        }
        let props = ctx.properties(op);
        if !props.is_empty() {
            self.out.push_str(" <");
            self.print_attr_dict_entries(props, &[]);
            self.out.push('>');
        }
        let regions = ctx.regions(op);
        if !regions.is_empty() {
            self.out.push_str(" (");
            for (i, &r) in regions.iter().enumerate() {
                if i > 0 {
                    self.out.push_str(", ");
                }
                self.print_region(r, true, true);
            }
            self.out.push(')');
        }
        let attrs = ctx.discardable_attrs(op);
        if !attrs.is_empty() {
            self.out.push(' ');
            self.print_attr_dict_entries(attrs, &[]);
        }
        self.out.push_str(" : ");
        let ins = ctx.operand_types(op);
        let outs = ctx.result_types(op);
        write_function_type(ctx, &mut self.out, &ins, &outs);
    }

    fn print_value_list(&mut self, values: &[Value]) {
        for (i, &v) in values.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            self.print_value(v);
        }
    }

    fn print_block_name(&mut self, b: Block) {
        match self.names.blocks.get(&b) {
            Some(n) => {
                let _ = write!(self.out, "^bb{n}");
            }
            None => self.out.push_str("^INVALIDBLOCK"),
        }
    }

    /// `{a = 1 : i32, b}`, skipping `elided` names; prints nothing when empty.
    fn print_attr_dict_entries(&mut self, attrs: &[crate::NamedAttr], elided: &[&str]) {
        let ctx = self.ctx;
        let shown: Vec<_> = attrs
            .iter()
            .filter(|(n, _)| !elided.contains(&ctx.ident_str(*n)))
            .collect();
        self.out.push('{');
        for (i, (name, value)) in shown.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            write_attr_name(&mut self.out, ctx.ident_str(*name));
            if !matches!(ctx.attr_data(*value), AttrData::Unit) {
                self.out.push_str(" = ");
                self.print_attr(*value);
            }
        }
        self.out.push('}');
    }

    fn print_attr(&mut self, attr: Attribute) {
        collect_resources(self.ctx, attr, &mut self.resources);
        write_attr(self.ctx, &mut self.out, attr, true);
    }

    fn print_type(&mut self, ty: Type) {
        write_type(self.ctx, &mut self.out, ty);
    }

    fn print_region(&mut self, region: Region, print_entry_args: bool, print_empty_block: bool) {
        let ctx = self.ctx;
        self.out.push('{');
        self.indent += 1;
        let blocks = ctx.region_blocks(region).to_vec();
        for (i, &b) in blocks.iter().enumerate() {
            let is_entry = i == 0;
            let has_args = !ctx.block_args(b).is_empty();
            // The entry block's label is implied unless it has arguments to show, is branched
            // to, or would otherwise vanish (an empty block in the generic form).
            let print_header = !is_entry
                || (print_entry_args && has_args)
                || !ctx.block_predecessors(b).is_empty()
                || (print_empty_block && ctx.block_is_empty(b) && !has_args);
            if print_header {
                self.indent -= 1;
                self.newline();
                self.print_block_header(b);
                self.indent += 1;
            }
            for op in ctx.block_ops(b) {
                self.newline();
                self.print_operation(op);
            }
        }
        self.indent -= 1;
        self.newline();
        self.out.push('}');
    }

    fn print_block_header(&mut self, b: Block) {
        let ctx = self.ctx;
        self.print_block_name(b);
        let args = ctx.block_args(b).to_vec();
        if !args.is_empty() {
            self.out.push('(');
            for (i, &a) in args.iter().enumerate() {
                if i > 0 {
                    self.out.push_str(", ");
                }
                self.print_value(a);
                self.out.push_str(": ");
                self.print_type(ctx.value_type(a));
                if self.opts.debug_info {
                    self.out.push(' ');
                    self.out.push_str(&ctx.print_location(ctx.value_loc(a)));
                }
            }
            self.out.push(')');
        }
        self.out.push(':');
    }

    fn print_resources(&mut self) {
        let used: Vec<String> = self.resources.iter().cloned().collect();
        let blobs: Vec<_> = used
            .iter()
            .filter_map(|n| self.ctx.resource(n).map(|b| (n, b)))
            .collect();
        if blobs.is_empty() {
            return;
        }
        self.out
            .push_str("\n{-#\n  dialect_resources: {\n    builtin: {\n");
        for (i, (name, blob)) in blobs.iter().enumerate() {
            self.out.push_str("      ");
            write_attr_name(&mut self.out, name);
            self.out.push_str(": \"0x");
            for b in blob.alignment.to_le_bytes() {
                let _ = write!(self.out, "{b:02X}");
            }
            for b in &blob.data {
                let _ = write!(self.out, "{b:02X}");
            }
            self.out.push('"');
            if i + 1 < blobs.len() {
                self.out.push(',');
            }
            self.out.push('\n');
        }
        self.out.push_str("    }\n  }\n#-}\n");
    }
}

impl<'c> OpPrinter<'_, 'c> {
    pub fn ctx(&self) -> &'c Context {
        self.state.ctx
    }

    /// Whether locations are printed (custom printers print block-argument locations).
    pub fn debug_info(&self) -> bool {
        self.state.opts.debug_info
    }

    /// Writes raw text.
    pub fn write(&mut self, s: &str) {
        self.state.out.push_str(s);
    }

    pub fn print_operand(&mut self, v: Value) {
        self.state.print_value(v);
    }

    /// `%a, %b`
    pub fn print_operands(&mut self, values: &[Value]) {
        self.state.print_value_list(values);
    }

    pub fn print_type(&mut self, ty: Type) {
        self.state.print_type(ty);
    }

    /// `i32, f32`
    pub fn print_type_list(&mut self, types: &[Type]) {
        for (i, &t) in types.iter().enumerate() {
            if i > 0 {
                self.write(", ");
            }
            self.print_type(t);
        }
    }

    /// A result type list as after `->`: a single non-function type bare, otherwise parenthesized.
    pub fn print_arrow_type_list(&mut self, types: &[Type]) {
        let mut s = String::new();
        write_result_types(self.state.ctx, &mut s, types);
        self.write(&s);
    }

    pub fn print_attr(&mut self, attr: Attribute) {
        self.state.print_attr(attr);
    }

    /// Prints an attribute without its `: type` suffix (for integer and float attributes whose
    /// type the custom syntax prints elsewhere).
    pub fn print_attr_without_type(&mut self, attr: Attribute) {
        collect_resources(self.state.ctx, attr, &mut self.state.resources);
        write_attr(self.state.ctx, &mut self.state.out, attr, false);
    }

    /// ` {a = 1}` for the op's attributes except `elided`; nothing when none remain.
    pub fn print_optional_attr_dict(&mut self, op: Op, elided: &[&str]) {
        let attrs: Vec<_> = self.state.ctx.all_attrs(op).collect();
        self.print_attr_entries(&attrs, elided, false);
    }

    /// ` %x {attrs} : T to U`: the custom form of a one-operand, one-result conversion
    /// (`buffer.view`, `vector.broadcast`), read back by `OpParser::parse_conversion`.
    pub fn print_conversion(&mut self, op: Op) {
        let ctx = self.state.ctx;
        let (operand, result) = (ctx.operand(op, 0), ctx.result(op, 0));
        self.write(" ");
        self.print_operand(operand);
        self.print_optional_attr_dict(op, &[]);
        self.write(" : ");
        self.print_type(ctx.value_type(operand));
        self.write(" to ");
        self.print_type(ctx.value_type(result));
    }

    /// ` attributes {a = 1}` for the op's attributes except `elided`.
    pub fn print_optional_attr_dict_with_keyword(&mut self, op: Op, elided: &[&str]) {
        let attrs: Vec<_> = self.state.ctx.all_attrs(op).collect();
        self.print_attr_entries(&attrs, elided, true);
    }

    /// Prints a dictionary's entries as ` {...}` (or ` attributes {...}`) unless all are elided.
    pub fn print_attr_entries(
        &mut self,
        attrs: &[crate::NamedAttr],
        elided: &[&str],
        keyword: bool,
    ) {
        let ctx = self.state.ctx;
        if attrs
            .iter()
            .all(|(n, _)| elided.contains(&ctx.ident_str(*n)))
        {
            return;
        }
        self.write(if keyword { " attributes " } else { " " });
        self.state.print_attr_dict_entries(attrs, elided);
    }

    /// `{ ... }` with the region's blocks.
    pub fn print_region(
        &mut self,
        region: Region,
        print_entry_args: bool,
        print_empty_block: bool,
    ) {
        self.state
            .print_region(region, print_entry_args, print_empty_block);
    }

    pub fn print_successor(&mut self, block: Block) {
        self.state.print_block_name(block);
    }

    /// `@name`, quoted when it is not a bare identifier.
    pub fn print_symbol_name(&mut self, name: &str) {
        self.write("@");
        write_symbol_body(&mut self.state.out, name);
    }

    /// A block argument as in a function signature: `%arg0: i32` (plus its location with
    /// `--mlir-print-debuginfo`).
    pub fn print_block_arg_with_type(&mut self, v: Value) {
        let ctx = self.state.ctx;
        self.print_operand(v);
        self.write(": ");
        self.print_type(ctx.value_type(v));
    }

    /// ` loc(...)` when locations are printed.
    pub fn print_optional_location(&mut self, loc: Location) {
        if self.debug_info() {
            let s = self.state.ctx.print_location(loc);
            self.write(" ");
            self.write(&s);
        }
    }

    pub fn newline(&mut self) {
        self.state.newline();
    }
}

// ===== Types =====

pub(crate) fn write_type(ctx: &Context, out: &mut String, ty: Type) {
    match ctx.type_data(ty) {
        TypeData::Integer { width, signedness } => {
            let prefix = match signedness {
                Signedness::Signless => "i",
                Signedness::Signed => "si",
                Signedness::Unsigned => "ui",
            };
            let _ = write!(out, "{prefix}{width}");
        }
        TypeData::Index => out.push_str("index"),
        TypeData::Float(k) => out.push_str(k.keyword()),
        TypeData::None => out.push_str("none"),
        TypeData::Complex(e) => {
            out.push_str("complex<");
            write_type(ctx, out, *e);
            out.push('>');
        }
        TypeData::Tuple(elems) => {
            out.push_str("tuple<");
            write_type_list(ctx, out, elems);
            out.push('>');
        }
        TypeData::Function { inputs, results } => write_function_type(ctx, out, inputs, results),
        TypeData::RankedTensor {
            shape,
            element,
            encoding,
        } => {
            out.push_str("tensor<");
            write_shape(out, shape, None);
            write_type(ctx, out, *element);
            if let Some(e) = encoding {
                out.push_str(", ");
                write_attr(ctx, out, *e, true);
            }
            out.push('>');
        }
        TypeData::UnrankedTensor { element } => {
            out.push_str("tensor<*x");
            write_type(ctx, out, *element);
            out.push('>');
        }
        TypeData::MemRef {
            shape,
            element,
            layout,
            memory_space,
        } => {
            out.push_str("memref<");
            write_shape(out, shape, None);
            write_type(ctx, out, *element);
            if let Some(l) = layout {
                out.push_str(", ");
                write_attr(ctx, out, *l, true);
            }
            if let Some(m) = memory_space {
                out.push_str(", ");
                write_attr_eliding_default_type(ctx, out, *m);
            }
            out.push('>');
        }
        TypeData::UnrankedMemRef {
            element,
            memory_space,
        } => {
            out.push_str("memref<*x");
            write_type(ctx, out, *element);
            if let Some(m) = memory_space {
                out.push_str(", ");
                write_attr_eliding_default_type(ctx, out, *m);
            }
            out.push('>');
        }
        TypeData::Vector {
            shape,
            scalable,
            element,
        } => {
            out.push_str("vector<");
            write_shape(out, shape, Some(scalable));
            write_type(ctx, out, *element);
            out.push('>');
        }
        TypeData::Dialect { dialect, body } => {
            let _ = write!(out, "!{}.{}", ctx.ident_str(*dialect), body);
        }
    }
}

fn write_shape(out: &mut String, shape: &[i64], scalable: Option<&[bool]>) {
    for (i, &d) in shape.iter().enumerate() {
        let sc = scalable.is_some_and(|s| s.get(i).copied().unwrap_or(false));
        if sc {
            out.push('[');
        }
        if d == DYNAMIC {
            out.push('?');
        } else {
            let _ = write!(out, "{d}");
        }
        if sc {
            out.push(']');
        }
        out.push('x');
    }
}

fn write_type_list(ctx: &Context, out: &mut String, types: &[Type]) {
    for (i, &t) in types.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_type(ctx, out, t);
    }
}

fn write_result_types(ctx: &Context, out: &mut String, results: &[Type]) {
    let single_plain =
        results.len() == 1 && !matches!(ctx.type_data(results[0]), TypeData::Function { .. });
    if single_plain {
        write_type(ctx, out, results[0]);
    } else {
        out.push('(');
        write_type_list(ctx, out, results);
        out.push(')');
    }
}

pub(crate) fn write_function_type(
    ctx: &Context,
    out: &mut String,
    inputs: &[Type],
    results: &[Type],
) {
    out.push('(');
    write_type_list(ctx, out, inputs);
    out.push_str(") -> ");
    write_result_types(ctx, out, results);
}

// ===== Attributes =====

fn is_bare_id(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$' || c == '.')
}

fn write_attr_name(out: &mut String, name: &str) {
    if is_bare_id(name) {
        out.push_str(name);
    } else {
        write_string_literal(out, name);
    }
}

fn write_symbol_body(out: &mut String, name: &str) {
    if is_bare_id(name) {
        out.push_str(name);
    } else {
        write_string_literal(out, name);
    }
}

/// `"..."` escaped as MLIR (LLVM's `printEscapedString`) does: `\\` for a backslash and `\XX`
/// for a quote and for every byte outside printable ASCII.
pub fn write_string_literal(out: &mut String, s: &str) {
    out.push('"');
    for &b in s.as_bytes() {
        match b {
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e if b != b'"' => out.push(b as char),
            _ => {
                let _ = write!(out, "\\{b:02X}");
            }
        }
    }
    out.push('"');
}

/// Formats a float so that it parses back to the same value, or `None` when only the bit
/// pattern can (NaN, infinities, values whose shortest form is not exact).
fn format_float(kind: FloatKind, bits: u64) -> Option<String> {
    let v = f64_from_bits(kind, bits);
    if !v.is_finite() {
        return None;
    }
    // Prefer MLIR's usual `%e` form when it is exact, otherwise the shortest round-trip form.
    let mlir_style = format!("{v:.6e}");
    let candidate = if bits_from_f64(kind, mlir_style.parse::<f64>().ok()?) == bits {
        mlir_style
    } else {
        match kind {
            FloatKind::F64 => format!("{v:e}"),
            _ => format!("{:e}", v as f32),
        }
    };
    // Rust writes `1e0` / `1.5e-7`; MLIR's lexer needs a `.` and likes a signed exponent.
    let (mantissa, exp) = candidate.split_once('e')?;
    let mantissa = if mantissa.contains('.') {
        mantissa.to_string()
    } else {
        format!("{mantissa}.0")
    };
    let exp: i32 = exp.parse().ok()?;
    let text = format!(
        "{mantissa}e{}{:02}",
        if exp < 0 { '-' } else { '+' },
        exp.abs()
    );
    (bits_from_f64(kind, text.parse::<f64>().ok()?) == bits).then_some(text)
}

fn write_float_value(out: &mut String, kind: FloatKind, bits: u64) {
    match format_float(kind, bits) {
        Some(s) => out.push_str(&s),
        None => {
            let digits = kind.width() as usize / 4;
            let _ = write!(out, "0x{bits:0digits$X}");
        }
    }
}

fn write_int_value(ctx: &Context, out: &mut String, value: i128, ty: Type) {
    if ctx.is_signless_int_of_width(ty, 1) {
        out.push_str(if value != 0 { "true" } else { "false" });
    } else {
        let _ = write!(out, "{value}");
    }
}

/// Writes an attribute; `with_type` adds the `: type` suffix where MLIR prints one.
pub(crate) fn write_attr(ctx: &Context, out: &mut String, attr: Attribute, with_type: bool) {
    match ctx.attr_data(attr) {
        AttrData::Unit => out.push_str("unit"),
        AttrData::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        AttrData::Integer { value, ty } => {
            write_int_value(ctx, out, *value, *ty);
            // `i1` prints as `true` / `false`.
            if with_type && !ctx.is_signless_int_of_width(*ty, 1) {
                out.push_str(" : ");
                write_type(ctx, out, *ty);
            }
        }
        AttrData::Float { bits, ty } => {
            let kind = ctx.float_kind(*ty).unwrap_or(FloatKind::F64);
            write_float_value(out, kind, *bits);
            if with_type {
                out.push_str(" : ");
                write_type(ctx, out, *ty);
            }
        }
        AttrData::String { value, ty } => {
            write_string_literal(out, value);
            if let (true, Some(t)) = (with_type, ty) {
                out.push_str(" : ");
                write_type(ctx, out, *t);
            }
        }
        AttrData::Type(t) => write_type(ctx, out, *t),
        AttrData::Array(elems) => {
            out.push('[');
            for (i, &e) in elems.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_attr_eliding_default_type(ctx, out, e);
            }
            out.push(']');
        }
        AttrData::Dictionary(entries) => {
            out.push('{');
            for (i, (n, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_attr_name(out, ctx.ident_str(*n));
                if !matches!(ctx.attr_data(*v), AttrData::Unit) {
                    out.push_str(" = ");
                    write_attr(ctx, out, *v, true);
                }
            }
            out.push('}');
        }
        AttrData::SymbolRef { root, nested } => {
            out.push('@');
            write_symbol_body(out, ctx.ident_str(*root));
            for n in nested {
                out.push_str("::@");
                write_symbol_body(out, ctx.ident_str(*n));
            }
        }
        AttrData::DenseElements { ty, splat, data } => {
            out.push_str("dense<");
            write_dense_body(ctx, out, *ty, *splat, data);
            out.push('>');
            if with_type {
                out.push_str(" : ");
                write_type(ctx, out, *ty);
            }
        }
        AttrData::DenseArray { element, data } => {
            out.push_str("array<");
            write_type(ctx, out, *element);
            let width = ctx.scalar_byte_width(*element).unwrap_or(1);
            for (i, chunk) in data.chunks_exact(width).enumerate() {
                out.push_str(if i == 0 { ": " } else { ", " });
                write_dense_element(ctx, out, *element, chunk);
            }
            out.push('>');
        }
        AttrData::DenseResource { name, ty } => {
            out.push_str("dense_resource<");
            write_attr_name(out, name);
            out.push('>');
            if with_type {
                out.push_str(" : ");
                write_type(ctx, out, *ty);
            }
        }
        AttrData::StridedLayout { strides, offset } => {
            out.push_str("strided<[");
            for (i, &s) in strides.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_dim(out, s);
            }
            out.push(']');
            if *offset != 0 {
                out.push_str(", offset: ");
                write_dim(out, *offset);
            }
            out.push('>');
        }
        AttrData::Affine { is_set, body } => {
            out.push_str(if *is_set {
                "affine_set<"
            } else {
                "affine_map<"
            });
            out.push_str(body);
            out.push('>');
        }
        AttrData::Dialect { dialect, body } => {
            let _ = write!(out, "#{}.{}", ctx.ident_str(*dialect), body);
        }
        AttrData::Location(l) => out.push_str(&ctx.print_location(*l)),
    }
}

/// Inside arrays and memref memory spaces MLIR elides the default types (`i64`, `f64`).
fn write_attr_eliding_default_type(ctx: &Context, out: &mut String, attr: Attribute) {
    let elide = match ctx.attr_data(attr) {
        AttrData::Integer { ty, .. } => ctx.is_signless_int_of_width(*ty, 64),
        AttrData::Float { ty, .. } => ctx.float_kind(*ty) == Some(FloatKind::F64),
        _ => false,
    };
    write_attr(ctx, out, attr, !elide);
}

fn write_dim(out: &mut String, d: i64) {
    if d == DYNAMIC {
        out.push('?');
    } else {
        let _ = write!(out, "{d}");
    }
}

/// Dense element attributes with more elements than this print as a hex blob, as MLIR does for
/// large constants; both forms parse.
const DENSE_HEX_THRESHOLD: usize = 1 << 12;

fn write_dense_body(ctx: &Context, out: &mut String, ty: Type, splat: bool, data: &[u8]) {
    let elem = ctx.element_type(ty).unwrap_or(ty);
    let width = ctx.scalar_byte_width(elem).unwrap_or(1).max(1);
    if splat {
        write_dense_element(ctx, out, elem, data);
        return;
    }
    let count = data.len() / width;
    if count > DENSE_HEX_THRESHOLD && !ctx.is_signless_int_of_width(elem, 1) {
        out.push_str("\"0x");
        for b in data {
            let _ = write!(out, "{b:02X}");
        }
        out.push('"');
        return;
    }
    let shape = ctx.shape(ty).map(<[i64]>::to_vec).unwrap_or_default();
    if count == 0 {
        if shape.is_empty() {
            return;
        }
        // `dense<>` is MLIR's form for any tensor with no elements.
        return;
    }
    if shape.is_empty() {
        write_dense_element(ctx, out, elem, &data[..width]);
        return;
    }
    // Nested brackets per dimension, written iteratively.
    let mut idx = 0usize;
    write_dense_nested(ctx, out, elem, data, width, &shape, &mut idx);
}

fn write_dense_nested(
    ctx: &Context,
    out: &mut String,
    elem: Type,
    data: &[u8],
    width: usize,
    shape: &[i64],
    idx: &mut usize,
) {
    out.push('[');
    let n = shape[0].max(0) as usize;
    for i in 0..n {
        if i > 0 {
            out.push_str(", ");
        }
        if shape.len() == 1 {
            let start = *idx * width;
            write_dense_element(ctx, out, elem, &data[start..start + width]);
            *idx += 1;
        } else {
            write_dense_nested(ctx, out, elem, data, width, &shape[1..], idx);
        }
    }
    out.push(']');
}

fn write_dense_element(ctx: &Context, out: &mut String, elem: Type, bytes: &[u8]) {
    let read = |b: &[u8]| {
        let mut buf = [0u8; 16];
        let n = b.len().min(16);
        buf[..n].copy_from_slice(&b[..n]);
        u128::from_le_bytes(buf)
    };
    match ctx.type_data(elem) {
        TypeData::Float(k) => write_float_value(out, *k, read(bytes) as u64),
        TypeData::Complex(inner) => {
            let half = bytes.len() / 2;
            out.push('(');
            write_dense_element(ctx, out, *inner, &bytes[..half]);
            out.push_str(", ");
            write_dense_element(ctx, out, *inner, &bytes[half..]);
            out.push(')');
        }
        _ => {
            let raw = read(bytes) as i128;
            let value = ctx.normalize_int(elem, raw);
            write_int_value(ctx, out, value, elem);
        }
    }
}

fn collect_resources(ctx: &Context, attr: Attribute, out: &mut BTreeSet<String>) {
    let mut stack = vec![attr];
    while let Some(a) = stack.pop() {
        match ctx.attr_data(a) {
            AttrData::DenseResource { name, .. } => {
                out.insert(name.clone());
            }
            AttrData::Array(v) => stack.extend(v.iter().copied()),
            AttrData::Dictionary(v) => stack.extend(v.iter().map(|(_, a)| *a)),
            _ => {}
        }
    }
}

// ===== Locations =====

fn write_loc_body(ctx: &Context, out: &mut String, loc: Location) {
    match ctx.loc_data(loc) {
        LocData::Unknown => out.push_str("unknown"),
        LocData::FileLineCol { file, line, col } => {
            write_string_literal(out, ctx.ident_str(*file));
            let _ = write!(out, ":{line}:{col}");
        }
        LocData::Name { name, child } => {
            write_string_literal(out, ctx.ident_str(*name));
            if let Some(c) = child {
                out.push('(');
                write_loc_body(ctx, out, *c);
                out.push(')');
            }
        }
        LocData::CallSite { callee, caller } => {
            out.push_str("callsite(");
            write_loc_body(ctx, out, *callee);
            out.push_str(" at ");
            write_loc_body(ctx, out, *caller);
            out.push(')');
        }
        LocData::Fused { locs, metadata } => {
            out.push_str("fused");
            if let Some(m) = metadata {
                out.push('<');
                write_attr(ctx, out, *m, true);
                out.push('>');
            }
            out.push('[');
            for (i, &l) in locs.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_loc_body(ctx, out, l);
            }
            out.push(']');
        }
    }
}
