//! Which `flow.slice`s need no copy: a slice whose selected box is one contiguous run of its
//! operand's row-major bytes, starting at an offset every kernel argument may have, is lowered
//! by convert-flow-to-loop as a `buffer.view` at that byte offset (no kernel), and
//! flow-saturate's cost model counts it as free. Both ask [`contiguous_run`], so the cost model
//! agrees with the lowering exactly.

/// The alignment of every kernel argument in bytes (flowc-bundle's `ARG_ALIGNMENT`: kernels may
/// use aligned vector accesses, docs/codegen.md), hence that of a view's byte offset.
pub const VIEW_ALIGNMENT: u64 = 64;

/// The box a `flow.slice` with constant operands selects from an operand of static `shape`:
/// per dim, its first index and its count (ONNX's clamping: negative starts / ends count from
/// the end, then both are clamped into `[0, dim]`). `axes` default to `0, 1, ...` and `steps`
/// to 1s. `None` when some step is not 1 (not a box), an axis is out of range, the operand
/// lists differ in length, or a dim of `shape` is not positive (unknown or empty).
pub fn slice_box(
    shape: &[i64],
    starts: &[i64],
    ends: &[i64],
    axes: Option<&[i64]>,
    steps: Option<&[i64]>,
) -> Option<(Vec<i64>, Vec<i64>)> {
    if shape.iter().any(|&d| d <= 0) {
        return None;
    }
    let n = starts.len();
    let default_axes: Vec<i64> = (0..n as i64).collect();
    let axes = axes.unwrap_or(&default_axes);
    if ends.len() != n || axes.len() != n || steps.is_some_and(|s| s.len() != n) {
        return None;
    }
    if steps.is_some_and(|s| s.iter().any(|&st| st != 1)) {
        return None;
    }
    let r = shape.len() as i64;
    let mut begin = vec![0i64; shape.len()];
    let mut count = shape.to_vec();
    for k in 0..n {
        let a = if axes[k] < 0 { axes[k] + r } else { axes[k] };
        if !(0..r).contains(&a) {
            return None;
        }
        let d = shape[a as usize];
        // In i128: ONNX models use i64::MIN / MAX for "from the very end".
        let clamp = |v: i64| {
            let v = i128::from(v);
            (if v < 0 { v + i128::from(d) } else { v }).clamp(0, i128::from(d)) as i64
        };
        let (b, e) = (clamp(starts[k]), clamp(ends[k]));
        begin[a as usize] = b;
        count[a as usize] = (e - b).max(0);
    }
    Some((begin, count))
}

/// The byte offset of the slice's box (see [`slice_box`]) in an operand of `shape` with
/// elements of `elem_bytes` bytes, when the box is one non-empty contiguous run starting at a
/// multiple of [`VIEW_ALIGNMENT`]: some axis `k` has every axis before it reduced to one index
/// and every axis after it taken whole. `None` otherwise.
pub fn contiguous_run(
    shape: &[i64],
    elem_bytes: u64,
    starts: &[i64],
    ends: &[i64],
    axes: Option<&[i64]>,
    steps: Option<&[i64]>,
) -> Option<u64> {
    let (begin, count) = slice_box(shape, starts, ends, axes, steps)?;
    if count.iter().any(|&c| c <= 0) {
        return None;
    }
    // The first axis not reduced to one index; everything after it whole.
    let k = (0..shape.len())
        .find(|&d| count[d] != 1)
        .unwrap_or(shape.len().saturating_sub(1));
    if (k + 1..shape.len()).any(|d| count[d] != shape[d]) {
        return None;
    }
    let mut offset = 0u64;
    let mut stride = elem_bytes;
    for d in (0..shape.len()).rev() {
        offset = offset.checked_add((begin[d] as u64).checked_mul(stride)?)?;
        stride = stride.checked_mul(shape[d] as u64)?;
    }
    offset.is_multiple_of(VIEW_ALIGNMENT).then_some(offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boxes_clamp_like_onnx() {
        // Negative start, end past the dim, the default axes.
        assert_eq!(
            slice_box(&[4, 10], &[-3], &[i64::MAX], None, None),
            Some((vec![1, 0], vec![3, 10]))
        );
        // A negative axis with i64::MIN as the start; an empty range past the end of axis 0.
        assert_eq!(
            slice_box(&[4, 10], &[i64::MIN, 5], &[2, 5], Some(&[-1, 0]), None),
            Some((vec![4, 0], vec![0, 2]))
        );
        // Steps other than 1, out-of-range axes, mismatched lists, unknown dims.
        assert_eq!(slice_box(&[4, 10], &[0], &[4], None, Some(&[2])), None);
        assert_eq!(slice_box(&[4, 10], &[0], &[4], Some(&[2]), None), None);
        assert_eq!(slice_box(&[4, 10], &[0, 0], &[4], None, None), None);
        assert_eq!(slice_box(&[-1, 10], &[0], &[1], None, None), None);
    }

    #[test]
    fn contiguous_runs_at_aligned_offsets() {
        // f32 [3, 48]: row 1 is 192 bytes in (3 x 64); rows 1..3 too.
        let s = [3, 48];
        assert_eq!(contiguous_run(&s, 4, &[1], &[2], None, None), Some(192));
        assert_eq!(contiguous_run(&s, 4, &[1], &[3], None, None), Some(192));
        // The whole operand: offset 0.
        assert_eq!(contiguous_run(&s, 4, &[0], &[3], None, None), Some(0));
        // Q / K / V thirds of the last axis of [1, 1, 96]: offsets 0 / 128 / 256 bytes.
        let s = [1, 1, 96];
        for (i, off) in [(0, 0), (1, 128), (2, 256)] {
            let (b, e) = (32 * i, 32 * (i + 1));
            assert_eq!(
                contiguous_run(&s, 4, &[b], &[e], Some(&[2]), None),
                Some(off)
            );
        }
        // Misaligned: row 1 of [3, 20] f32 starts at 80 bytes.
        assert_eq!(contiguous_run(&[3, 20], 4, &[1], &[2], None, None), None);
        // Not contiguous: columns of a matrix with more than one row.
        assert_eq!(
            contiguous_run(&[3, 48], 4, &[0], &[16], Some(&[1]), None),
            None
        );
        // Empty, or a step of 2.
        assert_eq!(contiguous_run(&[3, 48], 4, &[2], &[1], None, None), None);
        assert_eq!(
            contiguous_run(&[4, 48], 4, &[0], &[4], None, Some(&[2])),
            None
        );
        // One element of a rank-1 operand at index 16 (f32: 64 bytes); rank 0 has no axis.
        assert_eq!(contiguous_run(&[32], 4, &[16], &[17], None, None), Some(64));
    }
}
