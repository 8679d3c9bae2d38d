//! The checks [`crate::decode`] runs before anyone uses a bundle.

use std::collections::{HashMap, HashSet};

use crate::{
    ARG_ALIGNMENT, BufferKind, Bundle, BundleError, FORMAT_VERSION, GemmCall, Launch,
    MAX_ARENA_ALIGNMENT, TensorSig,
};

/// Checks that `bundle` is consistent, so that a runtime can execute it without further checks:
///
/// - `format_version` is [`FORMAT_VERSION`];
/// - inputs and outputs have non-empty names without NUL bytes, unique among the inputs (resp.
///   outputs), a known dtype, dims `>= 0` and a byte size that fits an `i64`;
/// - the memory plan is present, its alignment a power of two `<=` [`MAX_ARENA_ALIGNMENT`],
///   `peak_bytes <= arena_bytes <= i64::MAX`;
/// - code entries name distinct, non-empty devices; their kernel names are non-empty, free of
///   NUL bytes and distinct; CPU code listing kernels has a shared object;
/// - every launch names a device that has code, a kernel that code lists, `1 <= tasks <=
///   i64::MAX`, and the same number of arguments as every other launch of that kernel; a
///   library GEMM launch (`gemm` set) is [`crate::LIBRARY_SGEMM`] on CUDA with `[A, B, C]`
///   whose sizes, leading dimensions and batch strides fit their arguments' bytes;
/// - every argument names an input / output / weight that exists or an arena slice, its byte
///   range lies inside that buffer (arena: `arena + byte_offset + bytes <= arena_bytes`), and its
///   start is a multiple of [`ARG_ALIGNMENT`].
pub fn validate(bundle: &Bundle) -> Result<(), BundleError> {
    if bundle.format_version != FORMAT_VERSION {
        return Err(BundleError::UnsupportedVersion {
            found: bundle.format_version,
            supported: FORMAT_VERSION,
        });
    }
    let input_sizes = signature(&bundle.inputs, "inputs")?;
    let output_sizes = signature(&bundle.outputs, "outputs")?;

    let memory = bundle
        .memory
        .as_ref()
        .ok_or_else(|| BundleError::invalid("memory", "the bundle has no memory plan"))?;
    if !memory.alignment.is_power_of_two() || memory.alignment > MAX_ARENA_ALIGNMENT {
        return Err(BundleError::invalid(
            "memory.alignment",
            format!(
                "{} is not a power of two <= {MAX_ARENA_ALIGNMENT}",
                memory.alignment
            ),
        ));
    }
    if memory.arena_bytes > i64::MAX as u64 {
        return Err(BundleError::invalid(
            "memory.arena_bytes",
            format!("{} is larger than i64::MAX", memory.arena_bytes),
        ));
    }
    if memory.peak_bytes > memory.arena_bytes {
        return Err(BundleError::invalid(
            "memory.peak_bytes",
            format!(
                "{} exceeds arena_bytes {}",
                memory.peak_bytes, memory.arena_bytes
            ),
        ));
    }

    // Device -> the kernels its code defines.
    let mut devices: HashMap<&str, HashSet<&str>> = HashMap::new();
    for (i, code) in bundle.code.iter().enumerate() {
        let at = format!("code[{i}]");
        if code.device.is_empty() {
            return Err(BundleError::invalid(at, "empty device name"));
        }
        if devices.contains_key(code.device.as_str()) {
            return Err(BundleError::invalid(
                at,
                format!("a second code entry for device {:?}", code.device),
            ));
        }
        let mut kernels = HashSet::new();
        for (k, name) in code.kernels.iter().enumerate() {
            let at = format!("code[{i}].kernels[{k}]");
            check_name(&at, name)?;
            if !kernels.insert(name.as_str()) {
                return Err(BundleError::invalid(
                    at,
                    format!("kernel {name:?} listed twice"),
                ));
            }
        }
        if code.device == crate::DEVICE_CPU && !kernels.is_empty() && code.shared_object.is_empty()
        {
            return Err(BundleError::invalid(
                at,
                "CPU code lists kernels but has no shared object",
            ));
        }
        if code.device == crate::DEVICE_CUDA && !kernels.is_empty() && code.ptx.is_empty() {
            return Err(BundleError::invalid(
                at,
                "CUDA code lists kernels but has no PTX",
            ));
        }
        devices.insert(code.device.as_str(), kernels);
    }

    let mut arity: HashMap<(&str, &str), usize> = HashMap::new();
    for (l, launch) in bundle.launches.iter().enumerate() {
        let at = format!("launches[{l}]");
        let Some(kernels) = devices.get(launch.device.as_str()) else {
            return Err(BundleError::invalid(
                at,
                format!("no code for device {:?}", launch.device),
            ));
        };
        if let Some(g) = &launch.gemm {
            gemm_call(&at, launch, g)?;
        } else if !kernels.contains(launch.kernel.as_str()) {
            return Err(BundleError::invalid(
                at,
                format!(
                    "kernel {:?} is not in the {:?} code",
                    launch.kernel, launch.device
                ),
            ));
        }
        if launch.device == crate::DEVICE_CUDA && launch.gemm.is_none() {
            let dims_ok = |d: &[u32]| d.len() == 3 && d.iter().all(|&x| x > 0);
            if !dims_ok(&launch.grid) || !dims_ok(&launch.block) {
                return Err(BundleError::invalid(
                    at,
                    format!(
                        "a CUDA launch needs three positive grid and block sizes, got {:?} x {:?}",
                        launch.grid, launch.block
                    ),
                ));
            }
            if launch.block.iter().map(|&b| u64::from(b)).product::<u64>() > 1024 {
                return Err(BundleError::invalid(
                    at,
                    format!("a block has at most 1024 threads, got {:?}", launch.block),
                ));
            }
        }
        if launch.tasks == 0 || launch.tasks > i64::MAX as u64 {
            return Err(BundleError::invalid(
                at,
                format!("task count {} is not in 1..=i64::MAX", launch.tasks),
            ));
        }
        let n = *arity
            .entry((launch.device.as_str(), launch.kernel.as_str()))
            .or_insert(launch.args.len());
        if n != launch.args.len() {
            return Err(BundleError::invalid(
                at,
                format!(
                    "kernel {:?} gets {} arguments here but {n} in an earlier launch",
                    launch.kernel,
                    launch.args.len()
                ),
            ));
        }
        for (a, arg) in launch.args.iter().enumerate() {
            let at = format!("launches[{l}].args[{a}]");
            let (base, size, what) = match arg.kind() {
                None => return Err(BundleError::invalid(at, "no buffer set")),
                Some(BufferKind::Input(i)) => (0, *lookup(&input_sizes, i, &at, "input")?, "input"),
                Some(BufferKind::Output(i)) => {
                    (0, *lookup(&output_sizes, i, &at, "output")?, "output")
                }
                Some(BufferKind::Weight(i)) => {
                    let w = lookup(&bundle.weights, i, &at, "weight")?;
                    (0, w.data.len() as u64, "weight")
                }
                Some(BufferKind::Arena(offset)) => (offset, memory.arena_bytes, "arena"),
            };
            let start = base.checked_add(arg.byte_offset);
            let end = start.and_then(|s| s.checked_add(arg.bytes));
            let (Some(start), Some(end)) = (start, end) else {
                return Err(BundleError::invalid(at, "byte range overflows"));
            };
            if end > size {
                return Err(BundleError::invalid(
                    at,
                    format!("bytes [{start}, {end}) exceed the {what}'s {size} bytes"),
                ));
            }
            if start % ARG_ALIGNMENT != 0 {
                return Err(BundleError::invalid(
                    at,
                    format!("{what} byte offset {start} is not a multiple of {ARG_ALIGNMENT}"),
                ));
            }
        }
    }
    Ok(())
}

/// A library GEMM launch: on CUDA, three arguments, shapes and strides that fit them (every
/// element the routine touches lies in its argument's bytes).
fn gemm_call(at: &str, launch: &Launch, g: &GemmCall) -> Result<(), BundleError> {
    if launch.device != crate::DEVICE_CUDA || launch.kernel != crate::LIBRARY_SGEMM {
        return Err(BundleError::invalid(
            at,
            format!(
                "a GEMM call must be {:?} on {:?}, got {:?} on {:?}",
                crate::LIBRARY_SGEMM,
                crate::DEVICE_CUDA,
                launch.kernel,
                launch.device
            ),
        ));
    }
    if launch.args.len() != 3 {
        return Err(BundleError::invalid(
            at,
            format!(
                "a GEMM call takes [A, B, C], got {} arguments",
                launch.args.len()
            ),
        ));
    }
    // cuBLAS takes 32-bit sizes.
    let small = |v: u64| v <= i32::MAX as u64;
    let dims = [g.m, g.n, g.k, g.lda, g.ldb, g.ldc, g.batch];
    if dims.iter().any(|&d| d == 0 || !small(d)) {
        return Err(BundleError::invalid(
            at,
            format!("GEMM sizes must be in 1..=i32::MAX, got {g:?}"),
        ));
    }
    // Batch strides are 64-bit signed there (unused, but passed, with one batch).
    if [g.stride_a, g.stride_b, g.stride_c]
        .iter()
        .any(|&s| s > i64::MAX as u64)
    {
        return Err(BundleError::invalid(
            at,
            format!("GEMM batch strides must be at most i64::MAX, got {g:?}"),
        ));
    }
    // (rows, cols) of each stored row-major matrix, its leading dimension and batch stride.
    let (ar, ac) = if g.trans_a { (g.k, g.m) } else { (g.m, g.k) };
    let (br, bc) = if g.trans_b { (g.n, g.k) } else { (g.k, g.n) };
    let mats = [
        ("A", ar, ac, g.lda, g.stride_a),
        ("B", br, bc, g.ldb, g.stride_b),
        ("C", g.m, g.n, g.ldc, g.stride_c),
    ];
    for ((name, rows, cols, ld, stride), arg) in mats.into_iter().zip(&launch.args) {
        if ld < cols {
            return Err(BundleError::invalid(
                at,
                format!("GEMM {name}: leading dimension {ld} < {cols} columns"),
            ));
        }
        // The last element touched, + 1, in elements.
        let extent = (g.batch - 1)
            .checked_mul(stride)
            .and_then(|x| x.checked_add((rows - 1).checked_mul(ld)?))
            .and_then(|x| x.checked_add(cols));
        match extent.and_then(|e| e.checked_mul(4)) {
            Some(bytes) if bytes <= arg.bytes => {}
            _ => {
                return Err(BundleError::invalid(
                    at,
                    format!(
                        "GEMM {name} ({rows} x {cols}, ld {ld}, batch {} x stride {stride}) does \
                         not fit its {} bytes",
                        g.batch, arg.bytes
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Checks one side of the signature; returns each entry's byte size.
fn signature(sigs: &[TensorSig], field: &str) -> Result<Vec<u64>, BundleError> {
    let mut names = HashSet::new();
    let mut sizes = Vec::with_capacity(sigs.len());
    for (i, sig) in sigs.iter().enumerate() {
        let at = format!("{field}[{i}]");
        check_name(&at, &sig.name)?;
        if !names.insert(sig.name.as_str()) {
            return Err(BundleError::invalid(
                at,
                format!("name {:?} used twice", sig.name),
            ));
        }
        if sig.element_type().is_none() {
            return Err(BundleError::invalid(
                at,
                format!("unknown dtype {}", sig.dtype),
            ));
        }
        if let Some(d) = sig.shape.iter().find(|&&d| d < 0) {
            return Err(BundleError::invalid(
                at,
                format!("negative dim {d} in shape {:?}", sig.shape),
            ));
        }
        let size = sig.byte_size().ok_or_else(|| {
            BundleError::invalid(&at, format!("shape {:?} has too many bytes", sig.shape))
        })?;
        sizes.push(size);
    }
    Ok(sizes)
}

fn check_name(at: &str, name: &str) -> Result<(), BundleError> {
    if name.is_empty() {
        return Err(BundleError::invalid(at, "empty name"));
    }
    if name.contains('\0') {
        return Err(BundleError::invalid(
            at,
            format!("name {name:?} contains a NUL byte"),
        ));
    }
    Ok(())
}

fn lookup<'a, T>(items: &'a [T], index: u32, at: &str, what: &str) -> Result<&'a T, BundleError> {
    usize::try_from(index)
        .ok()
        .and_then(|i| items.get(i))
        .ok_or_else(|| {
            BundleError::invalid(
                at,
                format!("{what} {index} does not exist ({} {what}s)", items.len()),
            )
        })
}
