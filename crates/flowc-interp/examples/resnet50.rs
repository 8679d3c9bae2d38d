//! Builds a ResNet-50 (batch 1, 3x224x224, random weights, Conv + BatchNormalization + Relu as
//! exported from PyTorch) directly as `flow` IR and times the interpreter on it.
//!
//!     cargo run --release -p flowc-interp --example resnet50

use flowc_interp::run_function;
use flowc_ir::{AttrData, Context, Op, OperationState, Type, Value};
use flowc_tensor::Tensor;
use std::time::Instant;

struct Builder {
    ctx: Context,
    block: flowc_ir::Block,
    any: Type,
    seed: u64,
    count: usize,
}

impl Builder {
    fn rand(&mut self) -> f32 {
        // xorshift: deterministic weights in [-0.5, 0.5).
        self.seed ^= self.seed << 13;
        self.seed ^= self.seed >> 7;
        self.seed ^= self.seed << 17;
        (self.seed >> 40) as f32 / (1u64 << 24) as f32 - 0.5
    }

    fn constant(&mut self, shape: &[usize], scale: f32, offset: f32) -> Value {
        let n: usize = shape.iter().product();
        let data: Vec<u8> = (0..n)
            .flat_map(|_| (self.rand() * scale + offset).to_le_bytes())
            .collect();
        let f32t = self.ctx.f32_type();
        let ty = self
            .ctx
            .tensor_type(shape.iter().map(|&d| d as i64).collect(), f32t);
        let attr = self.ctx.intern_attr(AttrData::DenseElements {
            ty,
            splat: false,
            data,
        });
        self.op("flow.constant", &[], &[("value", attr)])
    }

    fn op(
        &mut self,
        name: &str,
        operands: &[Value],
        attrs: &[(&str, flowc_ir::Attribute)],
    ) -> Value {
        self.count += 1;
        let loc = self.ctx.name_loc(&format!("{name}_{}", self.count), None);
        let mut st = OperationState::new(&mut self.ctx, name, loc)
            .operands(operands)
            .results(&[self.any]);
        for (k, v) in attrs {
            st.add_attr(&mut self.ctx, k, *v);
        }
        let op = self.ctx.create_op(st);
        self.ctx.append_op(self.block, op);
        self.ctx.result(op, 0)
    }

    fn conv_bn(
        &mut self,
        x: Value,
        cin: usize,
        cout: usize,
        k: usize,
        stride: usize,
        relu: bool,
    ) -> Value {
        let fan_in = (cin * k * k) as f32;
        let w = self.constant(&[cout, cin, k, k], 2.0 / fan_in.sqrt(), 0.0);
        let p = (k / 2) as i64;
        let pads = self.ctx.dense_i64_array_attr(&[p, p, p, p]);
        let strides = self
            .ctx
            .dense_i64_array_attr(&[stride as i64, stride as i64]);
        let ks = self.ctx.dense_i64_array_attr(&[k as i64, k as i64]);
        let y = self.op(
            "flow.conv",
            &[x, w],
            &[("pads", pads), ("strides", strides), ("kernel_shape", ks)],
        );
        let scale = self.constant(&[cout], 0.2, 1.0);
        let bias = self.constant(&[cout], 0.2, 0.0);
        let mean = self.constant(&[cout], 0.2, 0.0);
        let var = self.constant(&[cout], 0.2, 1.0);
        let y = self.op(
            "flow.batch_normalization",
            &[y, scale, bias, mean, var],
            &[],
        );
        if relu {
            self.op("flow.relu", &[y], &[])
        } else {
            y
        }
    }
}

fn build() -> (Context, Op) {
    let mut ctx = Context::new();
    ctx.allow_unregistered_dialects = true;
    let f32t = ctx.f32_type();
    let in_ty = ctx.tensor_type(vec![1, 3, 224, 224], f32t);
    let any = ctx.intern_type(flowc_ir::TypeData::UnrankedTensor { element: f32t });
    let region = ctx.create_region();
    let loc = ctx.name_loc("input", None);
    let block = ctx.create_block(&[(in_ty, loc)]);
    ctx.append_block(region, block);
    let x = ctx.block_arg(block, 0);
    let mut b = Builder {
        ctx,
        block,
        any,
        seed: 0x9e3779b97f4a7c15,
        count: 0,
    };
    let mut y = b.conv_bn(x, 3, 64, 7, 2, true);
    let ks = b.ctx.dense_i64_array_attr(&[3, 3]);
    let st = b.ctx.dense_i64_array_attr(&[2, 2]);
    let pads = b.ctx.dense_i64_array_attr(&[1, 1, 1, 1]);
    y = b.op(
        "flow.max_pool",
        &[y],
        &[("kernel_shape", ks), ("strides", st), ("pads", pads)],
    );
    let mut cin = 64;
    for (stage, &(blocks, width)) in [(3, 64), (4, 128), (6, 256), (3, 512)].iter().enumerate() {
        for i in 0..blocks {
            let stride = if i == 0 && stage > 0 { 2 } else { 1 };
            let out = width * 4;
            let h = b.conv_bn(y, cin, width, 1, 1, true);
            let h = b.conv_bn(h, width, width, 3, stride, true);
            let h = b.conv_bn(h, width, out, 1, 1, false);
            let short = if i == 0 {
                b.conv_bn(y, cin, out, 1, stride, false)
            } else {
                y
            };
            let s = b.op("flow.add", &[h, short], &[]);
            y = b.op("flow.relu", &[s], &[]);
            cin = out;
        }
    }
    y = b.op("flow.global_average_pool", &[y], &[]);
    y = b.op("flow.flatten", &[y], &[]);
    let w = b.constant(&[1000, 2048], 0.05, 0.0);
    let bias = b.constant(&[1000], 0.1, 0.0);
    let tb = b.ctx.i64_attr(1);
    y = b.op("flow.gemm", &[y, w, bias], &[("transB", tb)]);
    let mut ctx = b.ctx;
    let ret = OperationState::new(&mut ctx, "func.return", loc).operands(&[y]);
    let ret = ctx.create_op(ret);
    ctx.append_op(block, ret);
    let fty = ctx.function_type(vec![in_ty], vec![any]);
    let fty = ctx.type_attr(fty);
    let sym = ctx.string_attr("resnet50");
    let mut st = OperationState::new(&mut ctx, "func.func", loc);
    st.add_attr(&mut ctx, "function_type", fty);
    st.add_attr(&mut ctx, "sym_name", sym);
    st.regions.push(region);
    let func = ctx.create_op(st);
    (ctx, func)
}

fn main() {
    let t0 = Instant::now();
    let (ctx, func) = build();
    println!("built ResNet-50 IR in {:.2} s", t0.elapsed().as_secs_f64());
    let n = 3 * 224 * 224;
    let input = Tensor::from_f32(
        vec![1, 3, 224, 224],
        (0..n).map(|i| ((i % 255) as f32) / 255.0).collect(),
    )
    .unwrap();
    for run in 0..2 {
        let t = Instant::now();
        let out = run_function(&ctx, func, vec![input.clone()]).expect("ResNet-50 runs");
        let v = out[0].as_slice::<f32>().unwrap();
        let argmax = v
            .iter()
            .enumerate()
            .fold((0, f32::MIN), |a, (i, &x)| if x > a.1 { (i, x) } else { a });
        println!(
            "run {run}: {:.2} s on {} threads, output {:?}, argmax {}",
            t.elapsed().as_secs_f64(),
            flowc_interp::num_threads(),
            out[0].shape(),
            argmax.0
        );
    }
}
