//! The GPU kernels that `convert-flow-to-loop` builds for the GPU target (flowc-flow-to-loop's
//! gpu_gemm.rs and gpu_conv.rs against a float64 reference; gpu_reduce.rs's row reductions
//! against the reference interpreter), run on the CPU by a SIMT emulator of the loop-level IR.
//!
//! The emulator runs the threads of a block in lockstep: a value is one number per thread,
//! `loop.if` runs each branch under a mask of threads, a `loop.for` whose bounds differ between
//! threads runs until its last thread is done. `gpu.shuffle` exchanges values between the
//! lanes of a warp (32 consecutive threads) as PTX's `shfl.sync` does. Blocks run one after
//! another. Besides the
//! results it checks what the GPU would not report: every `gpu.barrier` is reached by all the
//! threads of the block; every load and store is inside its memref (the guards work); shared
//! memory is never read before it is written; every shuffle is run by whole warps (the full-warp
//! mask: not in divergent code); and no shared word is written by one thread and
//! read or written by another between two barriers (a race on the GPU, where threads do not run
//! in lockstep: this is what the barriers of the kernels are for).

#[allow(dead_code)]
mod common;

use flowc_compiler::GpuGemm;
use flowc_func::FuncOp;
use flowc_ir::{Block, Context, Op, Value, WalkOrder};
use rustc_hash::FxHashMap;

/// Lowers `src` (a module of flow ops) for the GPU with the generated kernels (no library
/// GEMM) and maps the remaining loop kernels to grids, as `flowc compile --target cuda` does.
fn lower(src: &str) -> (Context, Op) {
    let mut ctx = flowc_init::context_with_all_dialects();
    let module = flowc_ir::parser::parse_source(&mut ctx, src, "test.mlir", 0)
        .unwrap_or_else(|d| panic!("{}", d[0].render(&ctx)));
    let opts = flowc_flow_to_loop::LowerOptions {
        target: flowc_flow_to_loop::KernelTarget::Gpu,
        gpu_gemm: GpuGemm::Generated,
    };
    flowc_flow_to_loop::convert_flow_to_loop_with(&mut ctx, module, &opts)
        .unwrap_or_else(|d| panic!("{}", d.render(&ctx)));
    flowc_loop_to_gpu::convert_loop_to_gpu(&mut ctx, module, flowc_loop_to_gpu::DEFAULT_BLOCK_SIZE)
        .unwrap_or_else(|d| panic!("{}", d.render(&ctx)));
    if let Err(d) = flowc_ir::verifier::verify(&ctx, module) {
        panic!("{}", d[0].render(&ctx));
    }
    (ctx, module)
}

/// A memref value: a buffer and the shape it is seen with (identity layout).
#[derive(Clone, Debug)]
struct MemRef {
    buf: usize,
    shape: Vec<i64>,
}

#[derive(Clone, Debug)]
enum Val {
    /// One number per thread: indices, i1 (0 / 1) and f32 (rounded to f32) alike.
    Lanes(Vec<f64>),
    Mem(MemRef),
}

/// A buffer; shared ones track the last writer and reader of each word for the race check.
struct Buffer {
    data: Vec<f64>,
    shared: Option<Box<SharedTrack>>,
}

struct SharedTrack {
    /// Per word: (epoch, thread) of the last write; epoch 0 = never written.
    written: Vec<(u64, usize)>,
    /// Per word: (epoch, thread) of the last read, `usize::MAX` for several threads.
    read: Vec<(u64, usize)>,
}

struct Emu<'c> {
    ctx: &'c Context,
    bufs: Vec<Buffer>,
    /// Threads of the block being run, and its index.
    lanes: usize,
    block_id: usize,
    block_dim: usize,
    grid_dim: usize,
    /// Barriers passed in this block, plus one.
    epoch: u64,
    funcs: FxHashMap<String, FuncOp>,
}

fn f32r(x: f64) -> f64 {
    f64::from(x as f32)
}

impl<'c> Emu<'c> {
    fn new(ctx: &'c Context, module: Op) -> Self {
        let body = ctx
            .region_entry(ctx.region(module, 0))
            .expect("module body");
        let funcs = ctx
            .block_ops(body)
            .filter_map(|o| FuncOp::cast(ctx, o))
            .map(|f| (f.name(ctx).to_string(), f))
            .collect();
        Emu {
            ctx,
            bufs: Vec::new(),
            lanes: 1,
            block_id: 0,
            block_dim: 1,
            grid_dim: 1,
            epoch: 1,
            funcs,
        }
    }

    fn alloc(&mut self, data: Vec<f64>, shared: bool) -> usize {
        let n = data.len();
        self.bufs.push(Buffer {
            data,
            shared: shared.then(|| {
                Box::new(SharedTrack {
                    written: vec![(0, 0); n],
                    read: vec![(0, 0); n],
                })
            }),
        });
        self.bufs.len() - 1
    }

    /// Runs `@main` on `inputs` (row-major f32 data of its memref arguments, in order); returns
    /// the data of its output arguments (those after the inputs).
    fn run_main(&mut self, inputs: &[Vec<f32>]) -> Vec<Vec<f64>> {
        let ctx = self.ctx;
        let main = self.funcs["main"];
        let entry = main.entry_block(ctx).expect("main body");
        let mut env: FxHashMap<Value, Val> = FxHashMap::default();
        let args = ctx.block_args(entry).to_vec();
        let mut outs = Vec::new();
        for (i, &a) in args.iter().enumerate() {
            let shape = ctx.shape(ctx.value_type(a)).expect("memref").to_vec();
            let n: i64 = shape.iter().product();
            let data = match inputs.get(i) {
                Some(d) => {
                    assert_eq!(d.len() as i64, n, "input {i}");
                    d.iter().map(|&x| f64::from(x)).collect()
                }
                None => vec![f64::NAN; n as usize],
            };
            let buf = self.alloc(data, false);
            if i >= inputs.len() {
                outs.push(buf);
            }
            env.insert(a, Val::Mem(MemRef { buf, shape }));
        }
        for op in ctx.block_ops(entry).collect::<Vec<_>>() {
            match ctx.op_name(op) {
                "buffer.get_global" => {
                    let name = ctx
                        .attr(op, "name")
                        .and_then(|a| ctx.flat_symbol(a))
                        .expect("global name")
                        .to_string();
                    let global = self.global(&name);
                    let ty = ctx.value_type(ctx.result(op, 0));
                    let shape = ctx.shape(ty).expect("memref").to_vec();
                    let buf = self.alloc(global, false);
                    env.insert(ctx.result(op, 0), Val::Mem(MemRef { buf, shape }));
                }
                "buffer.alloc" => {
                    let ty = ctx.value_type(ctx.result(op, 0));
                    let shape = ctx.shape(ty).expect("memref").to_vec();
                    let n: i64 = shape.iter().product();
                    let buf = self.alloc(vec![f64::NAN; n as usize], false);
                    env.insert(ctx.result(op, 0), Val::Mem(MemRef { buf, shape }));
                }
                "buffer.view" => {
                    let Val::Mem(m) = &env[&ctx.operand(op, 0)] else {
                        panic!("view of a non-memref")
                    };
                    let ty = ctx.value_type(ctx.result(op, 0));
                    let shape = ctx.shape(ty).expect("memref").to_vec();
                    let v = Val::Mem(MemRef { buf: m.buf, shape });
                    env.insert(ctx.result(op, 0), v);
                }
                "func.call" => {
                    let callee = flowc_func::CallOp(op)
                        .callee_name(ctx)
                        .expect("callee")
                        .to_string();
                    let args: Vec<MemRef> = ctx
                        .operands(op)
                        .map(|v| match &env[&v] {
                            Val::Mem(m) => m.clone(),
                            Val::Lanes(_) => panic!("a kernel takes memrefs"),
                        })
                        .collect();
                    self.run_kernel(&callee, &args);
                }
                "func.return" => {}
                other => panic!("@main: unexpected {other}"),
            }
        }
        outs.iter().map(|&b| self.bufs[b].data.clone()).collect()
    }

    fn global(&self, name: &str) -> Vec<f64> {
        let ctx = self.ctx;
        let module = ctx
            .op_parent_op(self.funcs["main"].op())
            .expect("the module");
        let body = ctx
            .region_entry(ctx.region(module, 0))
            .expect("module body");
        for op in ctx.block_ops(body) {
            if ctx.op_name(op) == "buffer.global"
                && ctx.attr(op, "sym_name").and_then(|a| ctx.str_value(a)) == Some(name)
            {
                let value = ctx.attr(op, "value").expect("a global's value");
                let t = flowc_interp::attribute_to_tensor(ctx, value).expect("a tensor");
                // f32 weights, or i32 tables.
                return match t.as_slice::<f32>() {
                    Ok(v) => v.iter().map(|&x| f64::from(x)).collect(),
                    Err(_) => t
                        .as_slice::<i32>()
                        .expect("f32 or i32")
                        .iter()
                        .map(|&x| f64::from(x))
                        .collect(),
                };
            }
        }
        panic!("no global {name}")
    }

    /// Runs kernel `name` on `args`: every block of its grid, one after another.
    fn run_kernel(&mut self, name: &str, args: &[MemRef]) {
        let ctx = self.ctx;
        let f = self.funcs[name];
        let op = f.op();
        assert!(
            ctx.has_attr(op, flowc_gpu::KERNEL_ATTR),
            "@{name} is not a gpu.kernel"
        );
        let grid = flowc_gpu::launch_dims(ctx, op, flowc_gpu::GRID_SIZE_ATTR).expect("grid");
        let block = flowc_gpu::launch_dims(ctx, op, flowc_gpu::BLOCK_SIZE_ATTR).expect("block");
        assert_eq!(
            (grid[1], grid[2], block[1], block[2]),
            (1, 1, 1, 1),
            "1-D launches"
        );
        let entry = f.entry_block(ctx).expect("kernel body");
        for b in 0..grid[0] as usize {
            self.lanes = block[0] as usize;
            self.block_dim = block[0] as usize;
            self.grid_dim = grid[0] as usize;
            self.block_id = b;
            self.epoch = 1;
            let mut env: FxHashMap<Value, Val> = FxHashMap::default();
            for (&a, m) in ctx.block_args(entry).iter().zip(args) {
                env.insert(a, Val::Mem(m.clone()));
            }
            let mask = vec![true; self.lanes];
            self.exec(entry, &mut env, &mask);
        }
    }

    fn lanes_of(&self, env: &FxHashMap<Value, Val>, v: Value) -> Vec<f64> {
        match env.get(&v) {
            Some(Val::Lanes(l)) => l.clone(),
            Some(Val::Mem(_)) => panic!("expected a scalar"),
            None => panic!("value used before its definition"),
        }
    }

    fn mem_of(&self, env: &FxHashMap<Value, Val>, v: Value) -> MemRef {
        match env.get(&v) {
            Some(Val::Mem(m)) => m.clone(),
            _ => panic!("expected a memref"),
        }
    }

    /// The linear offset of `idx` (per lane) in `m`, checking bounds for active lanes.
    fn offsets(&self, m: &MemRef, idx: &[Vec<f64>], mask: &[bool], what: &str) -> Vec<usize> {
        assert_eq!(idx.len(), m.shape.len(), "{what}: rank");
        (0..self.lanes)
            .map(|l| {
                if !mask[l] {
                    return 0;
                }
                let mut off = 0i64;
                for (d, &n) in m.shape.iter().enumerate() {
                    let i = idx[d][l] as i64;
                    assert!(
                        (0..n).contains(&i),
                        "{what}: index {i} out of bounds {n} in dim {d} of {:?} (thread {l}, block {})",
                        m.shape,
                        self.block_id
                    );
                    off = off * n + i;
                }
                off as usize
            })
            .collect()
    }

    /// `gpu.shuffle` for the threads in `mask`: per thread, the value of the source lane and
    /// whether it was valid (1 / 0), as PTX's `shfl.sync.{bfly,down,up,idx}` computes them with
    /// the operand the NVPTX translation packs (segments of `width` lanes, clamp at the
    /// segment's last lane, its first for `up`): with `lane` the thread's lane, `first` /
    /// `last` its segment's, the source is `lane ^ offset` (xor), `lane + offset` (down),
    /// `lane - offset` (up) or `first | (offset & (width - 1))` (idx), valid when it is at most
    /// `last` (at least `first` for up); an invalid source gives the thread its own value.
    /// Within the segment this is MLIR's definition; xor / idx offsets beyond the width (which
    /// the kernels never use) follow PTX. Every warp with a thread in `mask` must have all 32
    /// (the full-warp mask), and `width` must be a power of two up to 32, the same in the warp.
    fn shuffle(
        &self,
        mode: flowc_gpu::ShuffleMode,
        v: &[f64],
        off: &[f64],
        width: &[f64],
        mask: &[bool],
    ) -> (Vec<f64>, Vec<f64>) {
        use flowc_gpu::ShuffleMode;
        let ws = flowc_gpu::WARP_SIZE as usize;
        assert_eq!(self.lanes % ws, 0, "a shuffle in a block of part of a warp");
        let mut r = v.to_vec();
        let mut ok = vec![0.0; self.lanes];
        for warp in 0..self.lanes / ws {
            let lanes = warp * ws..(warp + 1) * ws;
            let active = mask[lanes.clone()].iter().filter(|&&m| m).count();
            if active == 0 {
                continue;
            }
            assert_eq!(
                active, ws,
                "gpu.shuffle with {active} of the 32 threads of warp {warp} (block {}): the \
                 full-warp mask needs all of them",
                self.block_id
            );
            let w = width[warp * ws] as i64;
            assert!(
                (1..=ws as i64).contains(&w) && w.count_ones() == 1,
                "shuffle width {w}"
            );
            for t in lanes {
                assert_eq!(width[t] as i64, w, "one shuffle width per warp");
                let lane = (t % ws) as i64;
                let first = lane & !(w - 1);
                let last = first + w - 1;
                let o = off[t] as i64 & 31;
                let (src, valid) = match mode {
                    ShuffleMode::Xor => (lane ^ o, (lane ^ o) <= last),
                    ShuffleMode::Down => (lane + o, lane + o <= last),
                    ShuffleMode::Up => (lane - o, lane - o >= first),
                    ShuffleMode::Idx => (first | (o & (w - 1)), true),
                };
                if valid {
                    r[t] = v[warp * ws + src as usize];
                }
                ok[t] = f64::from(u8::from(valid));
            }
        }
        (r, ok)
    }

    /// Runs the ops of `block` for the threads in `mask`; returns the values its terminator
    /// yields.
    fn exec(
        &mut self,
        block: Block,
        env: &mut FxHashMap<Value, Val>,
        mask: &[bool],
    ) -> Vec<Vec<f64>> {
        let ctx = self.ctx;
        let n = self.lanes;
        for op in ctx.block_ops(block).collect::<Vec<_>>() {
            let name = ctx.op_name(op);
            let operands: Vec<Value> = ctx.operands(op).collect();
            let lane = |env: &FxHashMap<Value, Val>, i: usize| self.lanes_of(env, operands[i]);
            let set = |env: &mut FxHashMap<Value, Val>, v: Vec<f64>| {
                env.insert(ctx.result(op, 0), Val::Lanes(v));
            };
            match name {
                "arith.constant" => {
                    let a = ctx.attr(op, "value").expect("value");
                    let x = ctx
                        .int_value(a)
                        .map(|i| i as f64)
                        .or_else(|| ctx.float_value(a))
                        .expect("a scalar constant");
                    set(env, vec![x; n]);
                }
                "arith.addi" | "arith.subi" | "arith.muli" | "arith.divui" | "arith.remui"
                | "arith.andi" | "arith.ori" | "arith.minsi" | "arith.maxsi" => {
                    let (a, b) = (lane(env, 0), lane(env, 1));
                    let r = a
                        .iter()
                        .zip(&b)
                        .map(|(&x, &y)| {
                            let (x, y) = (x as i64, y as i64);
                            (match name {
                                "arith.addi" => x + y,
                                "arith.subi" => x - y,
                                "arith.muli" => x * y,
                                "arith.divui" if y != 0 => ((x as u64) / (y as u64)) as i64,
                                "arith.remui" if y != 0 => ((x as u64) % (y as u64)) as i64,
                                "arith.divui" | "arith.remui" => 0,
                                "arith.andi" => x & y,
                                "arith.ori" => x | y,
                                "arith.minsi" => x.min(y),
                                _ => x.max(y),
                            }) as f64
                        })
                        .collect();
                    set(env, r);
                }
                "arith.cmpi" => {
                    let p = ctx
                        .attr(op, "predicate")
                        .and_then(|a| ctx.int_value(a))
                        .expect("predicate");
                    let (a, b) = (lane(env, 0), lane(env, 1));
                    let r = a
                        .iter()
                        .zip(&b)
                        .map(|(&x, &y)| {
                            let (x, y) = (x as i64, y as i64);
                            let (ux, uy) = (x as u64, y as u64);
                            let t = match p {
                                0 => x == y,
                                1 => x != y,
                                2 => x < y,
                                3 => x <= y,
                                4 => x > y,
                                5 => x >= y,
                                6 => ux < uy,
                                7 => ux <= uy,
                                8 => ux > uy,
                                9 => ux >= uy,
                                _ => panic!("cmpi predicate {p}"),
                            };
                            f64::from(u8::from(t))
                        })
                        .collect();
                    set(env, r);
                }
                "arith.cmpf" => {
                    let p = ctx
                        .attr(op, "predicate")
                        .and_then(|a| ctx.int_value(a))
                        .expect("predicate");
                    let (a, b) = (lane(env, 0), lane(env, 1));
                    let r = a
                        .iter()
                        .zip(&b)
                        .map(|(&x, &y)| {
                            // MLIR's numbering: ordered predicates are false on a NaN operand
                            // (as Rust's comparisons are), unordered ones true.
                            let uno = x.is_nan() || y.is_nan();
                            let t = match p {
                                0 => false,
                                1 => x == y,
                                2 => x > y,
                                3 => x >= y,
                                4 => x < y,
                                5 => x <= y,
                                6 => !uno && x != y,
                                7 => !uno,
                                8 => uno || x == y,
                                9 => uno || x > y,
                                10 => uno || x >= y,
                                11 => uno || x < y,
                                12 => uno || x <= y,
                                13 => uno || x != y,
                                14 => uno,
                                15 => true,
                                _ => panic!("cmpf predicate {p}"),
                            };
                            f64::from(u8::from(t))
                        })
                        .collect();
                    set(env, r);
                }
                "arith.index_cast" => {
                    let a = lane(env, 0);
                    set(env, a);
                }
                "arith.select" => {
                    let (c, a, b) = (lane(env, 0), lane(env, 1), lane(env, 2));
                    let r = (0..n)
                        .map(|l| if c[l] != 0.0 { a[l] } else { b[l] })
                        .collect();
                    set(env, r);
                }
                "arith.addf" | "arith.subf" | "arith.mulf" | "arith.divf" | "arith.maximumf"
                | "arith.minimumf" | "arith.maxnumf" | "arith.minnumf" | "math.powf" => {
                    let (a, b) = (lane(env, 0), lane(env, 1));
                    let r = a
                        .iter()
                        .zip(&b)
                        .map(|(&x, &y)| {
                            let uno = x.is_nan() || y.is_nan();
                            f32r(match name {
                                "arith.addf" => x + y,
                                "arith.subf" => x - y,
                                "arith.mulf" => x * y,
                                "arith.divf" => x / y,
                                // maximumf / minimumf propagate NaN; maxnumf / minnumf ignore
                                // it (as Rust's max / min do).
                                "arith.maximumf" | "arith.minimumf" if uno => f64::NAN,
                                "arith.maximumf" | "arith.maxnumf" => x.max(y),
                                "arith.minimumf" | "arith.minnumf" => x.min(y),
                                _ => x.powf(y),
                            })
                        })
                        .collect();
                    set(env, r);
                }
                "math.exp" | "math.log" | "math.sqrt" | "math.absf" => {
                    // Correctly rounded from f64; the GPU's are within a few ulps.
                    let f: fn(f64) -> f64 = match name {
                        "math.exp" => f64::exp,
                        "math.log" => f64::ln,
                        "math.sqrt" => f64::sqrt,
                        _ => f64::abs,
                    };
                    let r = lane(env, 0).into_iter().map(|x| f32r(f(x))).collect();
                    set(env, r);
                }
                "math.fma" => {
                    let (a, b, c) = (lane(env, 0), lane(env, 1), lane(env, 2));
                    let r = (0..n).map(|l| f32r(a[l].mul_add(b[l], c[l]))).collect();
                    set(env, r);
                }
                "gpu.thread_id" | "gpu.block_id" | "gpu.block_dim" | "gpu.grid_dim" => {
                    assert_eq!(flowc_gpu::dimension(ctx, op), Some(flowc_gpu::Dimension::X));
                    let r = match name {
                        "gpu.thread_id" => (0..n).map(|l| l as f64).collect(),
                        "gpu.block_id" => vec![self.block_id as f64; n],
                        "gpu.block_dim" => vec![self.block_dim as f64; n],
                        _ => vec![self.grid_dim as f64; n],
                    };
                    set(env, r);
                }
                "gpu.lane_id" => {
                    let ws = flowc_gpu::WARP_SIZE as usize;
                    set(env, (0..n).map(|l| (l % ws) as f64).collect());
                }
                "gpu.shuffle" => {
                    let mode = flowc_gpu::shuffle_mode(ctx, op).expect("a shuffle mode");
                    let (v, off, width) = (lane(env, 0), lane(env, 1), lane(env, 2));
                    let (r, ok) = self.shuffle(mode, &v, &off, &width, mask);
                    set(env, r);
                    env.insert(ctx.result(op, 1), Val::Lanes(ok));
                }
                "gpu.alloc_shared" => {
                    let ty = ctx.value_type(ctx.result(op, 0));
                    let shape = ctx.shape(ty).expect("memref").to_vec();
                    let len: i64 = shape.iter().product();
                    // NaN: a read of a word nobody wrote shows in the result.
                    let buf = self.alloc(vec![f64::NAN; len as usize], true);
                    env.insert(ctx.result(op, 0), Val::Mem(MemRef { buf, shape }));
                }
                "gpu.barrier" => {
                    assert!(
                        mask.iter().all(|&m| m),
                        "a gpu.barrier not reached by every thread of block {}",
                        self.block_id
                    );
                    self.epoch += 1;
                }
                "buffer.view" => {
                    let m = self.mem_of(env, operands[0]);
                    let ty = ctx.value_type(ctx.result(op, 0));
                    let shape = ctx.shape(ty).expect("memref").to_vec();
                    let v = Val::Mem(MemRef { buf: m.buf, shape });
                    env.insert(ctx.result(op, 0), v);
                }
                "buffer.load" => {
                    let m = self.mem_of(env, operands[0]);
                    let idx: Vec<Vec<f64>> = (1..operands.len()).map(|i| lane(env, i)).collect();
                    let offs = self.offsets(&m, &idx, mask, "buffer.load");
                    let epoch = self.epoch;
                    let buf = &mut self.bufs[m.buf];
                    let mut r = vec![0.0; n];
                    for l in (0..n).filter(|&l| mask[l]) {
                        let o = offs[l];
                        r[l] = buf.data[o];
                        if let Some(t) = buf.shared.as_mut() {
                            let (we, wl) = t.written[o];
                            assert!(we != 0, "shared word {o} read before any write");
                            assert!(
                                we != epoch || wl == l,
                                "race: thread {l} reads shared word {o} that thread {wl} wrote \
                                 since the last barrier (block {})",
                                self.block_id
                            );
                            let (re, rl) = t.read[o];
                            t.read[o] = if re == epoch && rl != l {
                                (epoch, usize::MAX)
                            } else {
                                (epoch, l)
                            };
                        }
                    }
                    set(env, r);
                }
                "buffer.store" => {
                    let v = lane(env, 0);
                    let m = self.mem_of(env, operands[1]);
                    let idx: Vec<Vec<f64>> = (2..operands.len()).map(|i| lane(env, i)).collect();
                    let offs = self.offsets(&m, &idx, mask, "buffer.store");
                    let epoch = self.epoch;
                    let block_id = self.block_id;
                    let buf = &mut self.bufs[m.buf];
                    for l in (0..n).filter(|&l| mask[l]) {
                        let o = offs[l];
                        buf.data[o] = v[l];
                        if let Some(t) = buf.shared.as_mut() {
                            let (we, wl) = t.written[o];
                            assert!(
                                we != epoch || wl == l,
                                "race: threads {wl} and {l} write shared word {o} between two \
                                 barriers (block {block_id})"
                            );
                            let (re, rl) = t.read[o];
                            assert!(
                                re != epoch || rl == l,
                                "race: thread {l} overwrites shared word {o} that another \
                                 thread read since the last barrier (block {block_id})"
                            );
                            t.written[o] = (epoch, l);
                        }
                    }
                }
                "loop.for" => {
                    let (lb, ub, step) = (lane(env, 0), lane(env, 1), lane(env, 2));
                    let mut iters: Vec<Vec<f64>> =
                        (3..operands.len()).map(|i| lane(env, i)).collect();
                    let body = ctx.region_entry(ctx.region(op, 0)).expect("a loop body");
                    let bargs = ctx.block_args(body).to_vec();
                    let mut iv = lb.clone();
                    loop {
                        let active: Vec<bool> = (0..n).map(|l| mask[l] && iv[l] < ub[l]).collect();
                        if !active.iter().any(|&a| a) {
                            break;
                        }
                        env.insert(bargs[0], Val::Lanes(iv.clone()));
                        for (k, &a) in bargs[1..].iter().enumerate() {
                            env.insert(a, Val::Lanes(iters[k].clone()));
                        }
                        let y = self.exec(body, env, &active);
                        for (k, it) in iters.iter_mut().enumerate() {
                            for l in (0..n).filter(|&l| active[l]) {
                                it[l] = y[k][l];
                            }
                        }
                        for l in (0..n).filter(|&l| active[l]) {
                            iv[l] += step[l];
                        }
                    }
                    for (k, it) in iters.into_iter().enumerate() {
                        env.insert(ctx.result(op, k), Val::Lanes(it));
                    }
                }
                "loop.if" => {
                    let c = lane(env, 0);
                    let then_mask: Vec<bool> = (0..n).map(|l| mask[l] && c[l] != 0.0).collect();
                    let else_mask: Vec<bool> = (0..n).map(|l| mask[l] && c[l] == 0.0).collect();
                    let nres = ctx.num_results(op);
                    let mut res = vec![vec![0.0; n]; nres];
                    for (r, m) in [(0, &then_mask), (1, &else_mask)] {
                        let Some(b) = ctx.region_entry(ctx.region(op, r)) else {
                            continue;
                        };
                        if !m.iter().any(|&x| x) {
                            continue;
                        }
                        let y = self.exec(b, env, m);
                        for (k, out) in res.iter_mut().enumerate() {
                            for l in (0..n).filter(|&l| m[l]) {
                                out[l] = y[k][l];
                            }
                        }
                    }
                    for (k, r) in res.into_iter().enumerate() {
                        env.insert(ctx.result(op, k), Val::Lanes(r));
                    }
                }
                "loop.yield" => {
                    return (0..operands.len()).map(|i| lane(env, i)).collect();
                }
                "func.return" => return Vec::new(),
                other => panic!("the emulator does not know {other}"),
            }
        }
        Vec::new()
    }
}

// ===== References and data =====

/// Deterministic values in [-1, 1).
fn data(n: usize, seed: u64) -> Vec<f32> {
    common::values(n, seed)
}

fn tensor(shape: &[usize]) -> String {
    let dims: String = shape.iter().map(|d| format!("{d}x")).collect();
    format!("tensor<{dims}f32>")
}

/// A dense<...> literal of `v` in `shape`, for constants.
fn dense(v: &[f32], shape: &[usize]) -> String {
    fn nest(v: &[f32], shape: &[usize]) -> String {
        if shape.is_empty() {
            return format!("{:.9e}", v[0]);
        }
        let inner: usize = shape[1..].iter().product();
        let parts: Vec<String> = (0..shape[0])
            .map(|i| nest(&v[i * inner..(i + 1) * inner], &shape[1..]))
            .collect();
        format!("[{}]", parts.join(", "))
    }
    format!("dense<{}> : {}", nest(v, shape), tensor(shape))
}

/// Max |got - want| over max |want|.
fn rel_err(got: &[f64], want: &[f64]) -> f64 {
    assert_eq!(got.len(), want.len());
    let scale = want.iter().fold(0.0f64, |m, x| m.max(x.abs())).max(1e-30);
    got.iter()
        .zip(want)
        .map(|(g, w)| {
            if g.is_nan() {
                f64::INFINITY
            } else {
                (g - w).abs()
            }
        })
        .fold(0.0, f64::max)
        / scale
}

fn check(src: &str, inputs: &[Vec<f32>], want: &[f64], kernels: &[&str]) {
    let (ctx, module) = lower(src);
    let names: Vec<String> = ctx
        .walk(module, WalkOrder::Pre)
        .into_iter()
        .filter_map(|o| FuncOp::cast(&ctx, o))
        .map(|f| f.name(&ctx).to_string())
        .filter(|n| n != "main")
        .collect();
    for k in kernels {
        assert!(
            names.iter().any(|n| n.ends_with(k)),
            "expected a kernel *{k}, got {names:?}"
        );
    }
    let mut emu = Emu::new(&ctx, module);
    let out = emu.run_main(inputs);
    let err = rel_err(&out[0], want);
    assert!(err < 2e-6, "relative error {err} (kernels {names:?})");
}

/// `[batch] [m, k] x [batch] [k, n]` with numpy broadcasting of the batch dims.
fn matmul_ref(a: &[f32], ash: &[usize], b: &[f32], bsh: &[usize]) -> (Vec<f64>, Vec<usize>) {
    let (m, k) = (ash[ash.len() - 2], ash[ash.len() - 1]);
    let n = bsh[bsh.len() - 1];
    let (ab, bb) = (&ash[..ash.len() - 2], &bsh[..bsh.len() - 2]);
    let r = ab.len().max(bb.len());
    let al = |s: &[usize], i: usize| {
        if i < r - s.len() {
            1
        } else {
            s[i - (r - s.len())]
        }
    };
    let batch: Vec<usize> = (0..r).map(|i| al(ab, i).max(al(bb, i))).collect();
    let nb: usize = batch.iter().product();
    let mut out = vec![0.0; nb * m * n];
    for z in 0..nb {
        // The operands' batch offsets: broadcast dims contribute nothing.
        let (mut za, mut zb, mut rem) = (0, 0, z);
        let (mut sa, mut sb) = (1, 1);
        for i in (0..r).rev() {
            let c = rem % batch[i];
            rem /= batch[i];
            if al(ab, i) != 1 {
                za += c * sa;
            }
            if al(bb, i) != 1 {
                zb += c * sb;
            }
            sa *= al(ab, i);
            sb *= al(bb, i);
        }
        for i in 0..m {
            for j in 0..n {
                let s: f64 = (0..k)
                    .map(|q| {
                        f64::from(a[(za * m + i) * k + q]) * f64::from(b[(zb * k + q) * n + j])
                    })
                    .sum();
                out[(z * m + i) * n + j] = s;
            }
        }
    }
    let mut shape = batch;
    shape.extend([m, n]);
    (out, shape)
}

fn matmul_case(ash: &[usize], bsh: &[usize], kernel: &str) {
    let a = data(ash.iter().product(), 1);
    let b = data(bsh.iter().product(), 2);
    // 1-D operands as numpy promotes them, the promoted dims left out of the result.
    let pa = if ash.len() == 1 {
        vec![1, ash[0]]
    } else {
        ash.to_vec()
    };
    let pb = if bsh.len() == 1 {
        vec![bsh[0], 1]
    } else {
        bsh.to_vec()
    };
    let (want, mut osh) = matmul_ref(&a, &pa, &b, &pb);
    if bsh.len() == 1 {
        osh.pop();
    }
    if ash.len() == 1 {
        osh.remove(osh.len() - if bsh.len() == 1 { 1 } else { 2 });
    }
    let src = format!(
        "func.func @main(%a: {ta}, %b: {tb}) -> {to} {{\n  %0 = \"flow.matmul\"(%a, %b) : ({ta}, {tb}) -> {to}\n  return %0 : {to}\n}}\n",
        ta = tensor(ash),
        tb = tensor(bsh),
        to = tensor(&osh)
    );
    check(&src, &[a, b], &want, &[kernel]);
}

#[test]
fn tiled_matmul_with_guards_on_every_side() {
    // 37 x 29 x 45: no dimension a multiple of its tile (32 x 32 x 8).
    matmul_case(&[37, 29], &[29, 45], "matmul_tiled");
}

#[test]
fn tiled_matmul_batched_with_broadcast() {
    matmul_case(&[2, 3, 20, 7], &[3, 7, 9], "matmul_tiled");
    matmul_case(&[2, 1, 11, 5], &[3, 5, 40], "matmul_tiled");
}

#[test]
fn tiled_matmul_64x64_tiles_without_guards() {
    // 33 products of 128 x 16 x 64: 132 blocks of 64 x 64 (the middle tile shape).
    matmul_case(&[33, 128, 16], &[33, 16, 64], "matmul_tiled");
}

#[test]
fn tiled_matmul_128x128_tiles() {
    // 132 products of 128 x 12 x 128: 132 blocks of 128 x 128, k in steps of 8 (one guarded).
    matmul_case(&[132, 128, 12], &[132, 12, 128], "matmul_tiled");
}

#[test]
fn tiled_matmul_split_k() {
    // 4 blocks of 32 x 32 for 63 steps of k: 13 slices of 5 steps (the last one partly past K,
    // which is no multiple of 16), then the reduction kernel.
    matmul_case(&[64, 1000], &[1000, 64], "matmul_tiled_reduce");
    // A batch of 2: slices of every product.
    matmul_case(&[2, 40, 300], &[2, 300, 20], "matmul_tiled_reduce");
}

#[test]
fn matrix_vector_and_dot_products() {
    // [M, K] x [K]: one column, 4 row tiles, K split in 4.
    matmul_case(&[100, 300], &[300], "matmul_tiled_reduce");
    // [K] x [K]: one row and one column.
    matmul_case(&[300], &[300], "matmul_small_m");
}

#[test]
fn small_m_matmul() {
    matmul_case(&[1, 70], &[70, 45], "matmul_small_m");
    // A vector times a batch of matrices; K below the 8 slices.
    matmul_case(&[5], &[3, 5, 33], "matmul_small_m");
    matmul_case(&[2, 1, 3, 20], &[4, 20, 7], "matmul_small_m");
}

/// Gemm `alpha op(A) op(B) + beta C` with C of `csh`, then a fused ReLU when `relu`.
#[allow(clippy::too_many_arguments)]
fn gemm_case(
    m: usize,
    k: usize,
    n: usize,
    ta: bool,
    tb: bool,
    const_b: bool,
    csh: Option<&[usize]>,
    relu: bool,
    kernel: &str,
) {
    let (alpha, beta) = (0.5f32, 2.0f32);
    let ash = if ta { [k, m] } else { [m, k] };
    let bsh = if tb { [n, k] } else { [k, n] };
    let a = data(m * k, 3);
    let b = data(n * k, 4);
    let c = csh.map(|s| data(s.iter().product(), 5));
    let mut want = vec![0.0; m * n];
    for i in 0..m {
        for j in 0..n {
            let s: f64 = (0..k)
                .map(|q| {
                    let x = if ta { a[q * m + i] } else { a[i * k + q] };
                    let y = if tb { b[j * k + q] } else { b[q * n + j] };
                    f64::from(x) * f64::from(y)
                })
                .sum();
            let mut v = f64::from(alpha) * s;
            if let (Some(c), Some(s)) = (&c, csh) {
                let s2: Vec<usize> = match s.len() {
                    0 => vec![1, 1],
                    1 => vec![1, s[0]],
                    _ => s.to_vec(),
                };
                let ci = if s2[0] == 1 { 0 } else { i };
                let cj = if s2[1] == 1 { 0 } else { j };
                v += f64::from(beta) * f64::from(c[ci * s2[1] + cj]);
            }
            want[i * n + j] = if relu { v.max(0.0) } else { v };
        }
    }
    let (ta_s, tb_s, to) = (tensor(&ash), tensor(&bsh), tensor(&[m, n]));
    let mut args = vec![format!("%a: {ta_s}")];
    let mut inputs = vec![a];
    let mut body = String::new();
    if const_b {
        body += &format!(
            "  %b = \"flow.constant\"() {{value = {}}} : () -> {tb_s}\n",
            dense(&b, &bsh)
        );
    } else {
        args.push(format!("%b: {tb_s}"));
        inputs.push(b);
    }
    let mut ops = vec!["%a".to_string(), "%b".to_string()];
    let mut types = vec![ta_s.clone(), tb_s.clone()];
    if let (Some(c), Some(s)) = (c, csh) {
        args.push(format!("%c: {}", tensor(s)));
        inputs.push(c);
        ops.push("%c".into());
        types.push(tensor(s));
    }
    let attrs = format!(
        "{{alpha = {alpha:.9e} : f32, beta = {beta:.9e} : f32, transA = {} : i64, transB = {} : i64}}",
        i64::from(ta),
        i64::from(tb)
    );
    let gemm = format!(
        "\"flow.gemm\"({}) {attrs} : ({}) -> {to}",
        ops.join(", "),
        types.join(", ")
    );
    if relu {
        // A fused region: the tail is the kernel's epilogue.
        let region_args: Vec<String> = types
            .iter()
            .enumerate()
            .map(|(i, t)| format!("%r{i}: {t}"))
            .collect();
        let region_ops: Vec<String> = (0..types.len()).map(|i| format!("%r{i}")).collect();
        body += &format!(
            "  %0 = \"flow.fused\"({}) ({{\n  ^bb0({}):\n    %1 = \"flow.gemm\"({}) {attrs} : ({}) -> {to}\n    %2 = \"flow.relu\"(%1) : ({to}) -> {to}\n    \"flow.yield\"(%2) : ({to}) -> ()\n  }}) : ({}) -> {to}\n",
            ops.join(", "),
            region_args.join(", "),
            region_ops.join(", "),
            types.join(", "),
            types.join(", ")
        );
    } else {
        body += &format!("  %0 = {gemm}\n");
    }
    let src = format!(
        "func.func @main({}) -> {to} {{\n{body}  return %0 : {to}\n}}\n",
        args.join(", ")
    );
    check(&src, &inputs, &want, &[kernel]);
}

#[test]
fn tiled_gemm_transposes_alpha_beta() {
    gemm_case(
        40,
        13,
        33,
        true,
        true,
        false,
        Some(&[1, 33]),
        false,
        "gemm_tiled",
    );
    gemm_case(
        9,
        21,
        50,
        false,
        true,
        false,
        Some(&[9, 1]),
        false,
        "gemm_tiled",
    );
    gemm_case(
        35,
        17,
        6,
        true,
        false,
        false,
        Some(&[]),
        false,
        "gemm_tiled",
    );
}

#[test]
fn tiled_gemm_with_fused_relu() {
    // With K split in 3 slices: alpha, beta * C and the ReLU in the reduction kernel.
    gemm_case(
        20,
        200,
        30,
        true,
        false,
        false,
        Some(&[20, 30]),
        true,
        "gemm_tiled_reduce",
    );
    gemm_case(
        40,
        20,
        70,
        false,
        false,
        false,
        Some(&[40, 70]),
        true,
        "gemm_tiled",
    );
}

#[test]
fn small_m_gemm_with_constant_transposed_b() {
    // A fully connected layer: B [N, K] constant, transposed at compile time.
    gemm_case(
        3,
        70,
        50,
        false,
        true,
        true,
        Some(&[50]),
        false,
        "gemm_small_m",
    );
    gemm_case(
        1,
        9,
        40,
        true,
        true,
        true,
        Some(&[50 - 10]),
        true,
        "gemm_small_m",
    );
    // transB with a runtime B: the tiled kernel.
    gemm_case(2, 30, 20, false, true, false, None, false, "gemm_tiled");
}

/// Conv of x [n, c, h, w] with w [cout, c / group, kh, kw] and a bias, optionally a fused ReLU
/// and residual add.
#[allow(clippy::too_many_arguments)]
fn conv_case(
    x_shape: [usize; 4],
    cout: usize,
    kernel: [usize; 2],
    strides: [usize; 2],
    dil: [usize; 2],
    pads: [usize; 4],
    group: usize,
    tail: bool,
    name: &str,
) {
    conv_case_rank(
        x_shape, cout, kernel, strides, dil, pads, group, tail, false, name,
    );
}

/// [`conv_case`], or with `one_d` the same convolution written as a 1-D one (height 1: its
/// kernel height, stride and dilation 1, no pads on it).
#[allow(clippy::too_many_arguments)]
fn conv_case_rank(
    x_shape: [usize; 4],
    cout: usize,
    kernel: [usize; 2],
    strides: [usize; 2],
    dil: [usize; 2],
    pads: [usize; 4],
    group: usize,
    tail: bool,
    one_d: bool,
    name: &str,
) {
    let [nimg, c, h, w] = x_shape;
    assert!(!one_d || (h, kernel[0], strides[0], dil[0], pads[0], pads[2]) == (1, 1, 1, 1, 0, 0));
    let cg = c / group;
    let m = cout / group;
    let [kh, kw] = kernel;
    let oh = (h + pads[0] + pads[2] - (kh - 1) * dil[0] - 1) / strides[0] + 1;
    let ow = (w + pads[1] + pads[3] - (kw - 1) * dil[1] - 1) / strides[1] + 1;
    let x = data(nimg * c * h * w, 6);
    let wt = data(cout * cg * kh * kw, 7);
    let bias = data(cout, 8);
    let res = data(nimg * cout * oh * ow, 9);
    let mut want = vec![0.0; nimg * cout * oh * ow];
    for b in 0..nimg {
        for (oc, &bo) in bias.iter().enumerate() {
            let g = oc / m;
            for oy in 0..oh {
                for ox in 0..ow {
                    let mut s = f64::from(bo);
                    for ci in 0..cg {
                        for ky in 0..kh {
                            for kx in 0..kw {
                                let iy = (oy * strides[0] + ky * dil[0]) as i64 - pads[0] as i64;
                                let ix = (ox * strides[1] + kx * dil[1]) as i64 - pads[1] as i64;
                                if iy < 0 || ix < 0 || iy >= h as i64 || ix >= w as i64 {
                                    continue;
                                }
                                let xi =
                                    ((b * c + g * cg + ci) * h + iy as usize) * w + ix as usize;
                                let wi = ((oc * cg + ci) * kh + ky) * kw + kx;
                                s += f64::from(x[xi]) * f64::from(wt[wi]);
                            }
                        }
                    }
                    let o = ((b * cout + oc) * oh + oy) * ow + ox;
                    if tail {
                        s = (s + f64::from(res[o])).max(0.0);
                    }
                    want[o] = s;
                }
            }
        }
    }
    let (tx, tw, tb, ty, attrs) = if one_d {
        (
            tensor(&[nimg, c, w]),
            tensor(&[cout, cg, kw]),
            tensor(&[cout]),
            tensor(&[nimg, cout, ow]),
            format!(
                "{{dilations = array<i64: {}>, group = {group} : i64, pads = array<i64: {}, {}>, strides = array<i64: {}>}}",
                dil[1], pads[1], pads[3], strides[1]
            ),
        )
    } else {
        (
            tensor(&x_shape),
            tensor(&[cout, cg, kh, kw]),
            tensor(&[cout]),
            tensor(&[nimg, cout, oh, ow]),
            format!(
                "{{dilations = array<i64: {}, {}>, group = {group} : i64, pads = array<i64: {}, {}, {}, {}>, strides = array<i64: {}, {}>}}",
                dil[0], dil[1], pads[0], pads[1], pads[2], pads[3], strides[0], strides[1]
            ),
        )
    };
    let body = if tail {
        format!(
            "  %0 = \"flow.fused\"(%x, %w, %b, %r) ({{\n  ^bb0(%a0: {tx}, %a1: {tw}, %a2: {tb}, %a3: {ty}):\n    %1 = \"flow.conv\"(%a0, %a1, %a2) {attrs} : ({tx}, {tw}, {tb}) -> {ty}\n    %2 = \"flow.add\"(%1, %a3) : ({ty}, {ty}) -> {ty}\n    %3 = \"flow.relu\"(%2) : ({ty}) -> {ty}\n    \"flow.yield\"(%3) : ({ty}) -> ()\n  }}) : ({tx}, {tw}, {tb}, {ty}) -> {ty}\n"
        )
    } else {
        format!("  %0 = \"flow.conv\"(%x, %w, %b) {attrs} : ({tx}, {tw}, {tb}) -> {ty}\n")
    };
    let src = format!(
        "func.func @main(%x: {tx}, %w: {tw}, %b: {tb}, %r: {ty}) -> {ty} {{\n{body}  return %0 : {ty}\n}}\n"
    );
    check(&src, &[x, wt, bias, res], &want, &[name]);
}

#[test]
fn conv_implicit_gemm() {
    // 3x3, stride 2, pads 1.
    conv_case(
        [2, 6, 9, 11],
        10,
        [3, 3],
        [2, 2],
        [1, 1],
        [1, 1, 1, 1],
        1,
        false,
        "conv_gemm_gpu",
    );
    // Asymmetric pads, dilation 2, 2 groups, a fused residual add + ReLU.
    conv_case(
        [1, 4, 10, 8],
        6,
        [3, 2],
        [1, 2],
        [2, 1],
        [2, 0, 1, 1],
        2,
        true,
        "conv_gemm_gpu",
    );
    // 1x1 stride 1 (X read as the B matrix), 2 groups.
    conv_case(
        [2, 8, 5, 7],
        12,
        [1, 1],
        [1, 1],
        [1, 1],
        [0, 0, 0, 0],
        2,
        false,
        "conv_gemm_gpu",
    );
    // 1x1 with stride 2: the general gather.
    conv_case(
        [1, 3, 7, 7],
        5,
        [1, 1],
        [2, 2],
        [1, 1],
        [0, 0, 0, 0],
        1,
        false,
        "conv_gemm_gpu",
    );
    // More output channels and positions than one tile, K past a step.
    conv_case(
        [1, 16, 12, 12],
        40,
        [3, 3],
        [1, 1],
        [1, 1],
        [1, 1, 1, 1],
        1,
        true,
        "conv_gemm_gpu",
    );
}

#[test]
fn conv_1d() {
    // Conv1d: 2 groups, stride 2, dilation 2, pads (1, 2), with the fused tail; and a
    // depthwise one on the direct kernel.
    conv_case_rank(
        [2, 4, 1, 17],
        6,
        [1, 3],
        [1, 2],
        [1, 2],
        [0, 1, 0, 2],
        2,
        true,
        true,
        "conv_gemm_gpu",
    );
    conv_case_rank(
        [1, 3, 1, 9],
        3,
        [1, 3],
        [1, 1],
        [1, 1],
        [0, 1, 0, 1],
        3,
        false,
        true,
        "conv_direct_gpu",
    );
}

#[test]
fn conv_implicit_gemm_split_k() {
    // M = 32, N = 36, K = 576: 2 blocks, K split into 9 slices; with the bias and a fused tail
    // applied by the reduction kernel.
    conv_case(
        [1, 64, 6, 6],
        32,
        [3, 3],
        [1, 1],
        [1, 1],
        [1, 1, 1, 1],
        1,
        true,
        "conv_gemm_gpu_reduce",
    );
}

#[test]
fn conv_direct_one_channel_per_group() {
    // Depthwise 3x3 with pads, and with a multiplier of 2 and stride 2; one input channel.
    conv_case(
        [2, 5, 7, 6],
        5,
        [3, 3],
        [1, 1],
        [1, 1],
        [1, 1, 1, 1],
        5,
        true,
        "conv_direct_gpu",
    );
    conv_case(
        [1, 3, 8, 8],
        6,
        [3, 3],
        [2, 2],
        [1, 1],
        [1, 0, 0, 1],
        3,
        false,
        "conv_direct_gpu",
    );
    conv_case(
        [1, 1, 6, 6],
        4,
        [5, 5],
        [1, 1],
        [1, 1],
        [2, 2, 2, 2],
        1,
        false,
        "conv_direct_gpu",
    );
}

// ===== The shuffle itself =====

/// The emulated shuffle against MLIR's definition inside segments of every width: xor / down /
/// up / idx sources, `valid` false (and the thread's own value) past the segment's edge.
#[test]
fn shuffle_follows_segments() {
    use flowc_gpu::ShuffleMode;
    let mut ctx = flowc_init::context_with_all_dialects();
    let module = flowc_ir::parser::parse_source(&mut ctx, "module {}", "t.mlir", 0)
        .unwrap_or_else(|d| panic!("{}", d[0].render(&ctx)));
    let mut emu = Emu::new(&ctx, module);
    // Two warps; thread t holds 100 + t.
    emu.lanes = 64;
    let v: Vec<f64> = (0..64).map(|t| 100.0 + t as f64).collect();
    let mask = vec![true; 64];
    for w in [1i64, 2, 4, 8, 16, 32] {
        for o in 0..w {
            for mode in [
                ShuffleMode::Xor,
                ShuffleMode::Down,
                ShuffleMode::Up,
                ShuffleMode::Idx,
            ] {
                let (r, ok) =
                    emu.shuffle(mode, &v, &vec![o as f64; 64], &vec![w as f64; 64], &mask);
                for t in 0..64i64 {
                    let seg = t / w * w;
                    let src = match mode {
                        ShuffleMode::Xor => t ^ o,
                        ShuffleMode::Down => t + o,
                        ShuffleMode::Up => t - o,
                        ShuffleMode::Idx => seg + o,
                    };
                    let inside = (seg..seg + w).contains(&src);
                    let want = if inside { src } else { t };
                    assert_eq!(
                        (r[t as usize], ok[t as usize]),
                        (100.0 + want as f64, f64::from(u8::from(inside))),
                        "{mode:?} width {w} offset {o} thread {t}"
                    );
                }
            }
        }
    }
}

// ===== Row reductions against the interpreter =====

/// Lowers `src` for the GPU, checks that each of `kernels` (name suffixes) is a row kernel of
/// gpu_reduce.rs (a `gpu.kernel` that shuffles), runs it in the emulator on `inputs` (shape,
/// data) and compares every result with the reference interpreter's: NaN where it has NaN,
/// elsewhere within 1e-5 of its largest magnitude.
fn check_vs_interp(src: &str, inputs: &[(Vec<usize>, Vec<f32>)], kernels: &[&str]) {
    let (ctx, module) = lower(src);
    let funcs: Vec<FuncOp> = ctx
        .walk(module, WalkOrder::Pre)
        .into_iter()
        .filter_map(|o| FuncOp::cast(&ctx, o))
        .collect();
    for k in kernels {
        let f = funcs
            .iter()
            .find(|f| f.name(&ctx).ends_with(k))
            .unwrap_or_else(|| panic!("no kernel *{k}"));
        let shuffles = ctx
            .walk(f.op(), WalkOrder::Pre)
            .into_iter()
            .any(|o| ctx.op_name(o) == "gpu.shuffle");
        assert!(shuffles, "*{k} is not a row kernel (no gpu.shuffle)");
    }
    let mut emu = Emu::new(&ctx, module);
    let data: Vec<Vec<f32>> = inputs.iter().map(|(_, d)| d.clone()).collect();
    let got = emu.run_main(&data);

    let mut ictx = flowc_init::context_with_all_dialects();
    let imodule = flowc_ir::parser::parse_source(&mut ictx, src, "test.mlir", 0)
        .unwrap_or_else(|d| panic!("{}", d[0].render(&ictx)));
    let body = ictx
        .region_entry(ictx.region(imodule, 0))
        .expect("module body");
    let main = ictx
        .block_ops(body)
        .find(|&o| ictx.op_name(o) == "func.func")
        .expect("@main");
    let tensors = inputs
        .iter()
        .map(|(sh, d)| flowc_tensor::Tensor::from_vec(sh.clone(), d.clone()).expect("a tensor"))
        .collect();
    let want = flowc_interp::run_function(&ictx, main, tensors)
        .unwrap_or_else(|e| panic!("the interpreter runs the test program: {e:?}"));
    assert_eq!(got.len(), want.len(), "results");
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        let w = w.to_f64_vec();
        assert_eq!(g.len(), w.len(), "result {i}: length");
        let scale = w
            .iter()
            .filter(|x| !x.is_nan())
            .fold(0.0f64, |m, x| m.max(x.abs()))
            .max(1e-30);
        for (j, (&gv, &wv)) in g.iter().zip(&w).enumerate() {
            if wv.is_nan() {
                assert!(gv.is_nan(), "result {i}[{j}]: {gv}, the interpreter NaN");
                continue;
            }
            let err = (gv - wv).abs() / scale;
            assert!(
                err <= 1e-5,
                "result {i}[{j}]: {gv}, the interpreter {wv} (relative error {err})"
            );
        }
    }
}

/// One input of `shape`: deterministic values in [-1, 1) scaled by `scale` plus `shift`.
fn input(shape: &[usize], seed: u64, scale: f32, shift: f32) -> (Vec<usize>, Vec<f32>) {
    let n = shape.iter().product();
    let v = data(n, seed)
        .into_iter()
        .map(|x| x * scale + shift)
        .collect();
    (shape.to_vec(), v)
}

// The shapes below cover the row layouts of gpu_reduce.rs's RowLayout: short rows (a power of
// two of lanes up to 32, several rows per warp) with a row count that is not a multiple of the
// rows per block (the last block's extra threads run empty ranges), rows of one warp, long
// rows of one 256-thread block (several warps joined through shared memory) and of a
// 1024-thread block (> 16384 elements), and rows split into chunks (few rows of more than
// 16384: two kernels).
//
// Mutations tried, each of which made these tests fail: in gpu_reduce.rs's
// RowThread::all_reduce, starting the butterfly at a quarter of the width (`let mut offset =
// width / 4`: lanes miss half the row; every row test fails) and joining only warp 0's slot
// across warps (`kb.for_loop(one, one, ...)`; every row test fails); OnePass's Max join as
// `arith.maxnumf` (the NaN is lost; reduce_sum_and_max_rows fails); in the emulator, `xor`
// shuffling as `down` (lanes past the first get partial results: the softmax and norm tests,
// which use the result in every lane, fail, and shuffle_follows_segments).

#[test]
fn softmax_and_log_softmax_rows() {
    // 37 rows of 6: 8 lanes a row, 4 rows a warp, 8 rows a 64-thread block (37 = 4 * 8 + 5).
    let t = tensor(&[37, 6]);
    let src = format!(
        "func.func @main(%a: {t}) -> {t} {{\n  %0 = \"flow.softmax\"(%a) {{axis = 1 : i64}} : ({t}) -> {t}\n  return %0 : {t}\n}}\n"
    );
    check_vs_interp(&src, &[input(&[37, 6], 1, 4.0, 0.0)], &["softmax"]);
    // 3 rows of 1500 through log_softmax: a 256-thread block a row; 2 rows of 2000; a row of
    // 20000 (a 1024-thread block: multi-pass rows are never split); 5 rows of 20 (32 lanes of
    // which 12 idle) with a large shift (the max subtraction matters).
    for (shape, seed, shift, op, hint) in [
        (
            [3usize, 1500usize],
            2u64,
            0.0f32,
            "log_softmax",
            "log_softmax",
        ),
        ([2, 2000], 3, 0.0, "softmax", "softmax"),
        ([1, 20000], 21, 0.0, "softmax", "softmax"),
        ([5, 20], 4, 80.0, "log_softmax", "log_softmax"),
    ] {
        let t = tensor(&shape);
        let src = format!(
            "func.func @main(%a: {t}) -> {t} {{\n  %0 = \"flow.{op}\"(%a) {{axis = 1 : i64}} : ({t}) -> {t}\n  return %0 : {t}\n}}\n"
        );
        check_vs_interp(&src, &[input(&shape, seed, 3.0, shift)], &[hint]);
    }
}

#[test]
fn layer_normalization_rows_and_statistics() {
    // [3, 1100]: a block a row, with Mean and InvStdDev; [9, 2, 10]: rows of 20 over the last
    // two dims, 32 lanes each, 2 rows a 64-thread block (9 rows: the last block half empty).
    let (x, s, b) = (tensor(&[3, 1100]), tensor(&[1100]), tensor(&[3, 1]));
    let src = format!(
        "func.func @main(%x: {x}, %s: {s}, %b: {s}) -> ({x}, {b}, {b}) {{\n  %0, %1, %2 = \"flow.layer_normalization\"(%x, %s, %b) {{axis = 1 : i64, epsilon = 1.0e-5 : f32}} : ({x}, {s}, {s}) -> ({x}, {b}, {b})\n  return %0, %1, %2 : {x}, {b}, {b}\n}}\n"
    );
    check_vs_interp(
        &src,
        &[
            input(&[3, 1100], 5, 2.0, 0.5),
            input(&[1100], 6, 1.0, 1.0),
            input(&[1100], 7, 1.0, 0.0),
        ],
        &["layer_norm"],
    );
    let (x, s) = (tensor(&[9, 2, 10]), tensor(&[2, 10]));
    let src = format!(
        "func.func @main(%x: {x}, %s: {s}, %b: {s}) -> {x} {{\n  %0 = \"flow.layer_normalization\"(%x, %s, %b) {{axis = 1 : i64, epsilon = 1.0e-5 : f32}} : ({x}, {s}, {s}) -> {x}\n  return %0 : {x}\n}}\n"
    );
    check_vs_interp(
        &src,
        &[
            input(&[9, 2, 10], 8, 1.0, -3.0),
            input(&[2, 10], 9, 1.0, 1.0),
            input(&[2, 10], 10, 1.0, 0.0),
        ],
        &["layer_norm"],
    );
}

#[test]
fn group_normalization_rows() {
    // [2, 6, 5, 7] in 3 groups: 6 rows of 70 (a warp each); [1, 4, 40, 40] in 2 groups: 2 rows
    // of 3200 (a block each).
    for (shape, groups) in [([2usize, 6, 5, 7], 3), ([1, 4, 40, 40], 2)] {
        let (x, c) = (tensor(&shape), tensor(&[shape[1]]));
        let src = format!(
            "func.func @main(%x: {x}, %s: {c}, %b: {c}) -> {x} {{\n  %0 = \"flow.group_normalization\"(%x, %s, %b) {{num_groups = {groups} : i64, epsilon = 1.0e-5 : f32}} : ({x}, {c}, {c}) -> {x}\n  return %0 : {x}\n}}\n"
        );
        check_vs_interp(
            &src,
            &[
                input(&shape, 11, 2.0, 1.0),
                input(&[shape[1]], 12, 1.0, 1.0),
                input(&[shape[1]], 13, 1.0, 0.0),
            ],
            &["group_norm"],
        );
    }
}

/// `flow.{op}` over axis 1 of `shape` (keepdims 0) on `x`.
fn reduce_case(op: &str, x: (Vec<usize>, Vec<f32>)) {
    let (t, r) = (tensor(&x.0), tensor(&[x.0[0]]));
    let src = format!(
        "func.func @main(%x: {t}) -> {r} {{\n  %ax = \"flow.constant\"() {{value = dense<[1]> : tensor<1xi64>}} : () -> tensor<1xi64>\n  %0 = \"flow.{op}\"(%x, %ax) {{keepdims = 0 : i64}} : ({t}, tensor<1xi64>) -> {r}\n  return %0 : {r}\n}}\n"
    );
    check_vs_interp(&src, &[x], &["reduce"]);
}

#[test]
fn reduce_sum_and_max_rows() {
    // 9 rows of 100 (a warp each), 13 rows of 3 (4 lanes, 8 rows a warp), 3 rows of 3000.
    reduce_case("reduce_sum", input(&[9, 100], 14, 1.0, 0.25));
    reduce_case("reduce_sum", input(&[13, 3], 15, 1.0, 0.0));
    reduce_case("reduce_sum", input(&[3, 3000], 16, 1.0, 0.1));
    // Max propagates a NaN: row 2 of the short rows and row 1 of the long ones have one (at a
    // lane that is not the row's first); the other rows are NaN-free.
    let mut x = input(&[13, 50], 17, 1.0, 0.0);
    x.1[2 * 50 + 37] = f32::NAN;
    reduce_case("reduce_max", x);
    let mut x = input(&[3, 3000], 18, 1.0, 0.0);
    x.1[3000 + 2500] = f32::NAN;
    reduce_case("reduce_max", x);
}

#[test]
fn reduce_split_rows() {
    // 2 rows of 32768 (> 16384, fewer than 264 rows): 4 chunks of 8192 a row, then the join.
    let x = input(&[2, 32768], 19, 1.0, 0.5);
    let (t, r) = (tensor(&x.0), tensor(&[2]));
    let src = format!(
        "func.func @main(%x: {t}) -> {r} {{\n  %ax = \"flow.constant\"() {{value = dense<[1]> : tensor<1xi64>}} : () -> tensor<1xi64>\n  %0 = \"flow.reduce_sum\"(%x, %ax) {{keepdims = 0 : i64}} : ({t}, tensor<1xi64>) -> {r}\n  return %0 : {r}\n}}\n"
    );
    let (ctx, module) = lower(&src);
    let kernels = ctx
        .walk(module, WalkOrder::Pre)
        .into_iter()
        .filter(|&o| ctx.has_attr(o, flowc_gpu::KERNEL_ATTR))
        .count();
    assert_eq!(kernels, 2, "a split row is two kernels");
    check_vs_interp(&src, &[x], &["reduce"]);
}

#[test]
fn global_average_pool_planes() {
    // 6 planes of 49 (a warp each), 2 planes of 1600 (a block each) and 2 planes of 150 x 150
    // (22500 > 16384: split into 2 chunks of 11250, a 256-thread block each, then the join).
    for shape in [[2usize, 3, 7, 7], [1, 2, 40, 40], [1, 2, 150, 150]] {
        let (t, r) = (tensor(&shape), tensor(&[shape[0], shape[1], 1, 1]));
        let src = format!(
            "func.func @main(%x: {t}) -> {r} {{\n  %0 = \"flow.global_average_pool\"(%x) : ({t}) -> {r}\n  return %0 : {r}\n}}\n"
        );
        check_vs_interp(
            &src,
            &[input(&shape, 20, 1.0, 0.3)],
            &["global_average_pool"],
        );
    }
}
