//! Static memory planning for flowc.
//!
//! Given one [`BufferRequest`] per intermediate buffer (its size, alignment and liveness interval in
//! program points), [`plan`] assigns every buffer a byte offset in one shared arena such that no two
//! buffers whose lifetimes intersect ever share a byte, and reports the arena's peak size.
//!
//! This crate knows nothing about the IR: bufferization numbers the operations of a function
//! (program points), computes for each intermediate value the first point that writes it and the
//! last point that reads it, and hands the list here. Weights and function arguments/results are not
//! planned; they live outside the arena.
//!
//! # Lifetimes
//!
//! `first_use..=last_use` is inclusive on both ends: a buffer is live at every point from the one
//! that defines it to the last one that reads it. Two buffers conflict when their intervals share at
//! least one point, so a buffer read for the last time at point `p` and a buffer written at `p` never
//! share memory, unless the writer asks for it explicitly with an in-place hint (see
//! [`BufferRequest::in_place_of`]).
//!
//! # Strategies
//!
//! * [`Strategy::GreedyBySize`]: TFLite's "greedy by size" planner. Buffers are placed largest first,
//!   each at the lowest offset (aligned to its alignment) that does not overlap any already-placed
//!   buffer whose lifetime intersects its own.
//! * [`Strategy::NoReuse`]: every buffer gets its own bytes; the baseline.
//! * [`Strategy::Best`] (the default): runs both and keeps the smaller arena (ties go to
//!   greedy). Greedy almost always wins, but with mixed alignments it is not guaranteed to, so `Best`
//!   is never worse than the baseline.
//!
//! [`lower_bound`] is the maximum over program points of the summed sizes of the buffers live there;
//! no plan can beat it, so `arena_size / lower_bound` tells how good a plan is.
//!
//! # Complexity
//!
//! Greedy sorts once (`O(n log n)`) and, for each buffer, visits the already-placed buffers whose
//! start point lies within the longest placed lifetime of its own start, plus a sort of the conflicting
//! ones by offset. For typical dataflow graphs (short, local lifetimes) this is close to
//! `O(n log n)`; the worst case (every buffer live everywhere) is `O(n^2 log n)`.
//!
//! # Example
//!
//! ```
//! use flowc_memplan::{plan, BufferRequest, Strategy};
//!
//! // a = op0(); b = op1(a); c = op2(b): a and c never live together, so they share bytes.
//! let requests = [
//!     BufferRequest::new(1024, 64, 0, 1), // a
//!     BufferRequest::new(512, 64, 1, 2),  // b
//!     BufferRequest::new(1024, 64, 2, 3), // c
//! ];
//! let p = plan(&requests, Strategy::default()).unwrap();
//! assert_eq!(p.arena_size, 1536);
//! assert_eq!(p.offsets[0], p.offsets[2]);
//! assert_eq!(p.lower_bound, 1536);
//! ```

use std::collections::BTreeSet;
use std::fmt;

/// One buffer to place in the arena.
///
/// The buffer's identity is its index in the slice passed to [`plan`]; the plan's offsets use the
/// same indices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BufferRequest {
    /// Size in bytes. Zero-sized buffers are allowed; they occupy no bytes (offset 0 unless they
    /// share an in-place slot).
    pub size: u64,
    /// Required alignment of the offset in bytes; a non-zero power of two.
    pub alignment: u64,
    /// First program point at which the buffer is live (the point that writes it).
    pub first_use: usize,
    /// Last program point at which the buffer is live (the last point that reads it), inclusive.
    pub last_use: usize,
    /// In-place hint: the index of another request whose storage this one may take over. See
    /// [`BufferRequest::in_place_of`].
    pub in_place_of: Option<usize>,
}

impl BufferRequest {
    /// A request without an in-place hint.
    pub fn new(size: u64, alignment: u64, first_use: usize, last_use: usize) -> Self {
        Self {
            size,
            alignment,
            first_use,
            last_use,
            in_place_of: None,
        }
    }

    /// Asks to reuse the storage of request `source` (an index into the same slice), as an
    /// elementwise op does when it overwrites its operand.
    ///
    /// The hint is legal only when `source` dies exactly where this buffer is born
    /// (`requests[source].last_use == self.first_use`); otherwise [`plan`] returns
    /// [`PlanError::InvalidInPlace`]. It is a hint: the planner honours it (same offset for both;
    /// [`Plan::in_place`] says so) when it can, and otherwise treats the two as ordinary conflicting
    /// buffers. It is not honoured when another, lower-indexed request already took over `source`,
    /// when this buffer's lifetime is a single point (`first_use == last_use`), or under
    /// [`Strategy::NoReuse`]. A buffer taken over this way occupies `max` of the two sizes and
    /// alignments for the union of their lifetimes; chains (`a -> b -> c`) share one slot.
    pub fn in_place_of(mut self, source: usize) -> Self {
        self.in_place_of = Some(source);
        self
    }

    /// Whether the two lifetimes share at least one program point (so, without an honoured
    /// in-place hint, the buffers must not share bytes).
    pub fn lifetime_intersects(&self, other: &Self) -> bool {
        self.first_use <= other.last_use && other.first_use <= self.last_use
    }
}

/// How to place buffers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Strategy {
    /// Run every strategy below and keep the smallest arena (ties go to greedy).
    #[default]
    Best,
    /// Largest buffer first, each at the lowest aligned offset free for its whole lifetime.
    GreedyBySize,
    /// Every buffer gets its own bytes, in request order; no reuse, in-place hints ignored.
    NoReuse,
}

/// The result of [`plan`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Plan {
    /// Byte offset in the arena of each request, by request index. Every offset is a multiple of the
    /// request's alignment.
    pub offsets: Vec<u64>,
    /// Peak bytes: every `offset + size` is `<= arena_size`. It is rounded up to
    /// [`Plan::arena_alignment`], so the arena can be allocated with that alignment and its exact size.
    pub arena_size: u64,
    /// The largest alignment among the requests (1 when there are none): the alignment the arena
    /// itself must be allocated with.
    pub arena_alignment: u64,
    /// The [`lower_bound`] of the requests, for comparison with `arena_size`.
    pub lower_bound: u64,
    /// By request index: whether the request's in-place hint was honoured (it then has the same
    /// offset as the buffer it names).
    pub in_place: Vec<bool>,
    /// The strategy that produced this plan (never [`Strategy::Best`]).
    pub strategy: Strategy,
}

/// Why a set of requests cannot be planned.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PlanError {
    /// `last_use < first_use`.
    InvalidLifetime {
        index: usize,
        first_use: usize,
        last_use: usize,
    },
    /// The alignment is zero or not a power of two.
    InvalidAlignment { index: usize, alignment: u64 },
    /// The in-place hint names a request that does not exist, the request itself, or one that does
    /// not die where this one is born.
    InvalidInPlace { index: usize, source: usize },
    /// Sizes, offsets or the arena do not fit in `u64`.
    Overflow,
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlanError::InvalidLifetime {
                index,
                first_use,
                last_use,
            } => write!(
                f,
                "buffer {index}: last use {last_use} is before first use {first_use}"
            ),
            PlanError::InvalidAlignment { index, alignment } => write!(
                f,
                "buffer {index}: alignment {alignment} is not a non-zero power of two"
            ),
            PlanError::InvalidInPlace { index, source } => write!(
                f,
                "buffer {index}: cannot reuse buffer {source} in place (it must be another request \
                 whose last use is this buffer's first use)"
            ),
            PlanError::Overflow => write!(f, "buffer sizes overflow a 64-bit arena"),
        }
    }
}

impl std::error::Error for PlanError {}

/// Plans `requests` with `strategy`.
///
/// Deterministic: the same requests and strategy always give the same plan. Never panics; invalid
/// input gives a [`PlanError`].
pub fn plan(requests: &[BufferRequest], strategy: Strategy) -> Result<Plan, PlanError> {
    validate(requests)?;
    let lower_bound = lower_bound(requests)?;
    match strategy {
        Strategy::GreedyBySize => greedy_by_size(requests, lower_bound),
        Strategy::NoReuse => no_reuse(requests, lower_bound),
        Strategy::Best => {
            let greedy = greedy_by_size(requests, lower_bound);
            let baseline = no_reuse(requests, lower_bound);
            match (greedy, baseline) {
                (Ok(g), Ok(b)) => Ok(if b.arena_size < g.arena_size { b } else { g }),
                (Ok(p), Err(_)) | (Err(_), Ok(p)) => Ok(p),
                (Err(e), Err(_)) => Err(e),
            }
        }
    }
}

/// The maximum over program points of the summed sizes of the buffers live there: no plan's
/// `arena_size` can be smaller.
///
/// Only lifetimes are checked here ([`PlanError::InvalidLifetime`]) and the sum
/// ([`PlanError::Overflow`]); in-place hints are ignored, since a buffer and the one it replaces
/// are both counted at the point where they meet.
pub fn lower_bound(requests: &[BufferRequest]) -> Result<u64, PlanError> {
    // Events (point, kind, size): kind 0 = becomes live, kind 1 = dies after this point. At the same
    // point, births come before deaths, since a dying buffer is still live there.
    let mut events = Vec::with_capacity(requests.len() * 2);
    for (index, r) in requests.iter().enumerate() {
        check_lifetime(index, r)?;
        if r.size > 0 {
            events.push((r.first_use, 0u8, r.size));
            events.push((r.last_use, 1u8, r.size));
        }
    }
    events.sort_unstable();
    let mut live: u128 = 0;
    let mut peak: u128 = 0;
    for (_, kind, size) in events {
        if kind == 0 {
            live += u128::from(size);
            peak = peak.max(live);
        } else {
            live -= u128::from(size);
        }
    }
    u64::try_from(peak).map_err(|_| PlanError::Overflow)
}

fn check_lifetime(index: usize, r: &BufferRequest) -> Result<(), PlanError> {
    if r.last_use < r.first_use {
        return Err(PlanError::InvalidLifetime {
            index,
            first_use: r.first_use,
            last_use: r.last_use,
        });
    }
    Ok(())
}

fn validate(requests: &[BufferRequest]) -> Result<(), PlanError> {
    for (index, r) in requests.iter().enumerate() {
        check_lifetime(index, r)?;
        if !r.alignment.is_power_of_two() {
            return Err(PlanError::InvalidAlignment {
                index,
                alignment: r.alignment,
            });
        }
        // Every buffer must fit somewhere in a u64 arena.
        r.size
            .checked_add(r.alignment - 1)
            .ok_or(PlanError::Overflow)?;
        if let Some(source) = r.in_place_of {
            let ok = source != index
                && requests
                    .get(source)
                    .is_some_and(|s| s.last_use == r.first_use);
            if !ok {
                return Err(PlanError::InvalidInPlace { index, source });
            }
        }
    }
    Ok(())
}

/// Rounds `x` up to a multiple of `align` (a power of two).
fn align_up(x: u64, align: u64) -> Result<u64, PlanError> {
    x.checked_add(align - 1)
        .map(|v| v & !(align - 1))
        .ok_or(PlanError::Overflow)
}

fn arena_alignment(requests: &[BufferRequest]) -> u64 {
    requests.iter().map(|r| r.alignment).max().unwrap_or(1)
}

fn no_reuse(requests: &[BufferRequest], lower_bound: u64) -> Result<Plan, PlanError> {
    let mut offsets = Vec::with_capacity(requests.len());
    let mut end = 0u64;
    for r in requests {
        if r.size == 0 {
            offsets.push(0);
            continue;
        }
        let offset = align_up(end, r.alignment)?;
        end = offset.checked_add(r.size).ok_or(PlanError::Overflow)?;
        offsets.push(offset);
    }
    let arena_alignment = arena_alignment(requests);
    Ok(Plan {
        offsets,
        arena_size: align_up(end, arena_alignment)?,
        arena_alignment,
        lower_bound,
        in_place: vec![false; requests.len()],
        strategy: Strategy::NoReuse,
    })
}

/// A set of requests that share one slot: a single request, or an in-place chain.
struct Group {
    size: u64,
    alignment: u64,
    first_use: usize,
    last_use: usize,
    /// Lowest member index, for deterministic tie-breaking.
    key: usize,
}

fn greedy_by_size(requests: &[BufferRequest], lower_bound: u64) -> Result<Plan, PlanError> {
    let n = requests.len();

    // Honour in-place hints: link each request to the group of the buffer it takes over. A source
    // is taken over at most once (lowest-indexed claimant wins) and only by a request that lives
    // past its birth point, so links form chains a0 -> a1 -> ... with a(k+1).first == a(k).last and
    // a(k).last > a(k).first for k >= 1. Hence a(j).first = a(j-1).last > a(j-1).first =
    // a(j-2).last >= ... >= a(i).last for j >= i + 2: members other than neighbours never meet,
    // neighbours meet at exactly one point (the hinted hand-over), chains cannot cycle, and the
    // group's lifetime is the (contiguous) union of its members'.
    let mut group_of: Vec<usize> = (0..n).collect();
    let mut claimed = vec![false; n];
    let mut in_place = vec![false; n];
    // Parent links form chains; resolve each request to its chain root with path compression.
    let mut parent: Vec<usize> = (0..n).collect();
    for (index, r) in requests.iter().enumerate() {
        if let Some(source) = r.in_place_of
            && !claimed[source]
            && r.last_use > r.first_use
        {
            claimed[source] = true;
            in_place[index] = true;
            parent[index] = source;
        }
    }
    for (index, group) in group_of.iter_mut().enumerate() {
        let mut root = index;
        while parent[root] != root {
            root = parent[root];
        }
        let mut cur = index;
        while parent[cur] != root && parent[cur] != cur {
            let next = parent[cur];
            parent[cur] = root;
            cur = next;
        }
        *group = root;
    }

    // Build groups, indexed densely.
    let mut dense = vec![usize::MAX; n];
    let mut groups: Vec<Group> = Vec::new();
    for (index, r) in requests.iter().enumerate() {
        let root = group_of[index];
        if dense[root] == usize::MAX {
            dense[root] = groups.len();
            groups.push(Group {
                size: r.size,
                alignment: r.alignment,
                first_use: r.first_use,
                last_use: r.last_use,
                key: index,
            });
        } else {
            let g = &mut groups[dense[root]];
            g.size = g.size.max(r.size);
            g.alignment = g.alignment.max(r.alignment);
            g.first_use = g.first_use.min(r.first_use);
            g.last_use = g.last_use.max(r.last_use);
            g.key = g.key.min(index);
        }
    }

    // Largest first; ties by stricter alignment, then earlier birth, then request order.
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_unstable_by(|&a, &b| {
        let (ga, gb) = (&groups[a], &groups[b]);
        gb.size
            .cmp(&ga.size)
            .then(gb.alignment.cmp(&ga.alignment))
            .then(ga.first_use.cmp(&gb.first_use))
            .then(ga.key.cmp(&gb.key))
    });

    let mut group_offset = vec![0u64; groups.len()];
    // Placed non-empty groups, keyed by (first_use, group) for range queries by birth point.
    let mut placed: BTreeSet<(usize, usize)> = BTreeSet::new();
    let mut max_len = 0usize; // longest lifetime (last - first) among placed groups
    let mut conflicts: Vec<(u64, u64)> = Vec::new();
    let mut end = 0u64;
    for &gi in &order {
        let g = &groups[gi];
        if g.size == 0 {
            continue; // offset 0, occupies nothing
        }
        // A placed group p intersects g iff p.first <= g.last && p.last >= g.first; since
        // p.last <= p.first + max_len, only p.first >= g.first - max_len can qualify.
        conflicts.clear();
        let lo = g.first_use.saturating_sub(max_len);
        for &(_, pi) in placed.range((lo, 0)..=(g.last_use, usize::MAX)) {
            let p = &groups[pi];
            if p.last_use >= g.first_use {
                let start = group_offset[pi];
                conflicts.push((start, start + p.size));
            }
        }
        conflicts.sort_unstable();
        let mut offset = 0u64;
        for &(start, stop) in &conflicts {
            if offset.checked_add(g.size).ok_or(PlanError::Overflow)? <= start {
                break;
            }
            if stop > offset {
                offset = align_up(stop, g.alignment)?;
            }
        }
        let stop = offset.checked_add(g.size).ok_or(PlanError::Overflow)?;
        end = end.max(stop);
        group_offset[gi] = offset;
        placed.insert((g.first_use, gi));
        max_len = max_len.max(g.last_use - g.first_use);
    }

    let offsets = (0..n).map(|i| group_offset[dense[group_of[i]]]).collect();
    let arena_alignment = arena_alignment(requests);
    Ok(Plan {
        offsets,
        arena_size: align_up(end, arena_alignment)?,
        arena_alignment,
        lower_bound,
        in_place,
        strategy: Strategy::GreedyBySize,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(size: u64, alignment: u64, first: usize, last: usize) -> BufferRequest {
        BufferRequest::new(size, alignment, first, last)
    }

    #[test]
    fn empty_input() {
        for s in [Strategy::Best, Strategy::GreedyBySize, Strategy::NoReuse] {
            let p = plan(&[], s).unwrap();
            assert!(p.offsets.is_empty());
            assert_eq!(p.arena_size, 0);
            assert_eq!(p.lower_bound, 0);
            assert_eq!(p.arena_alignment, 1);
        }
    }

    #[test]
    fn chain_reuses_dead_buffers() {
        // a(0..1) b(1..2) c(2..3) d(3..4): neighbours conflict, every other one does not.
        let reqs = [
            r(100, 4, 0, 1),
            r(200, 4, 1, 2),
            r(100, 4, 2, 3),
            r(200, 4, 3, 4),
        ];
        let p = plan(&reqs, Strategy::GreedyBySize).unwrap();
        // Sorted: b(200), d(200), a(100), c(100). b -> 0; d -> 0 (b dead by 3); a conflicts with b
        // -> 200; c conflicts with b and d -> 200.
        assert_eq!(p.offsets, vec![200, 0, 200, 0]);
        assert_eq!(p.arena_size, 300);
        assert_eq!(p.lower_bound, 300);
        let base = plan(&reqs, Strategy::NoReuse).unwrap();
        assert_eq!(base.offsets, vec![0, 100, 300, 400]);
        assert_eq!(base.arena_size, 600);
        assert_eq!(plan(&reqs, Strategy::Best).unwrap(), p);
    }

    #[test]
    fn inclusive_endpoints_conflict() {
        // Same point at the end of one and start of the other: they must not share.
        let reqs = [r(64, 1, 0, 5), r(64, 1, 5, 9)];
        let p = plan(&reqs, Strategy::GreedyBySize).unwrap();
        assert_eq!(p.arena_size, 128);
        // One point apart: they share.
        let reqs = [r(64, 1, 0, 4), r(64, 1, 5, 9)];
        let p = plan(&reqs, Strategy::GreedyBySize).unwrap();
        assert_eq!(p.offsets, vec![0, 0]);
        assert_eq!(p.arena_size, 64);
    }

    #[test]
    fn fills_gaps_best_fit() {
        // Big x lives throughout; y and z are short and disjoint in time: both go right after x,
        // at the same offset. w conflicts with x only and fits in the hole before... nothing:
        // lowest free offset is after x.
        let reqs = [
            r(1000, 8, 0, 10),
            r(10, 8, 1, 2),
            r(10, 8, 3, 4),
            r(30, 16, 2, 3),
        ];
        let p = plan(&reqs, Strategy::GreedyBySize).unwrap();
        // Order: x(1000) -> 0; w(30, align 16) conflicts x, y, z but only x placed -> 1008;
        // y conflicts x, w -> after w at 1038 -> align 8 -> 1040; z conflicts x, w -> 1040.
        assert_eq!(p.offsets, vec![0, 1040, 1040, 1008]);
        assert_eq!(p.arena_size, 1056); // 1050 rounded to 16
        assert_eq!(p.arena_alignment, 16);
        assert_eq!(p.lower_bound, 1040);
    }

    #[test]
    fn alignment_is_respected() {
        let reqs = [r(3, 1, 0, 3), r(5, 64, 0, 3), r(7, 16, 0, 3)];
        let p = plan(&reqs, Strategy::GreedyBySize).unwrap();
        for (req, off) in reqs.iter().zip(&p.offsets) {
            assert_eq!(off % req.alignment, 0);
        }
        // Order: 7@16 -> 0; 5@64 -> 64; 3@1 -> 7.
        assert_eq!(p.offsets, vec![7, 64, 0]);
        assert_eq!(p.arena_size, 128);
    }

    #[test]
    fn best_keeps_the_smaller_arena() {
        // Found by the property test: greedy places the big align-1 buffer first, so the small
        // align-16 one is padded to 528; no-reuse packs them at 0 and 1.
        let reqs = [r(1, 16, 18, 19), r(513, 1, 15, 18)];
        let g = plan(&reqs, Strategy::GreedyBySize).unwrap();
        assert_eq!(g.offsets, vec![528, 0]);
        assert_eq!(g.arena_size, 544);
        let n = plan(&reqs, Strategy::NoReuse).unwrap();
        assert_eq!(n.offsets, vec![0, 1]);
        assert_eq!(n.arena_size, 528);
        let b = plan(&reqs, Strategy::Best).unwrap();
        assert_eq!(b, n);
        // Ties go to greedy.
        let reqs = [r(64, 64, 0, 1), r(65, 1, 0, 1)];
        let b = plan(&reqs, Strategy::Best).unwrap();
        assert_eq!(b.arena_size, 192);
        assert_eq!(b.strategy, Strategy::GreedyBySize);
    }

    #[test]
    fn zero_sized_buffers() {
        let reqs = [r(0, 8, 0, 3), r(16, 8, 0, 3), r(0, 1, 1, 1)];
        let p = plan(&reqs, Strategy::GreedyBySize).unwrap();
        assert_eq!(p.offsets, vec![0, 0, 0]);
        assert_eq!(p.arena_size, 16);
        assert_eq!(p.lower_bound, 16);
    }

    #[test]
    fn lower_bound_counts_peak_liveness() {
        let reqs = [
            r(10, 1, 0, 2),
            r(20, 1, 2, 4),
            r(40, 1, 3, 3),
            r(5, 1, 5, 5),
        ];
        // Point 2: 10 + 20; point 3: 20 + 40.
        assert_eq!(lower_bound(&reqs).unwrap(), 60);
        assert_eq!(lower_bound(&[]).unwrap(), 0);
    }

    #[test]
    fn in_place_hint_shares_storage() {
        // a = op0(); b = relu(a) in place; c = op2(b); a's storage is b's.
        let reqs = [
            r(256, 64, 0, 1),
            r(256, 64, 1, 2).in_place_of(0),
            r(256, 64, 2, 3),
        ];
        let p = plan(&reqs, Strategy::GreedyBySize).unwrap();
        assert_eq!(p.in_place, vec![false, true, false]);
        assert_eq!(p.offsets[0], p.offsets[1]);
        assert_ne!(p.offsets[1], p.offsets[2]);
        assert_eq!(p.arena_size, 512);
        // Here the hint saves nothing (a and c could share anyway); along a chain of in-place
        // ops it goes below the liveness bound, which counts both sides of every hand-over:
        let chain = [
            r(100, 4, 0, 1),
            r(100, 4, 1, 2).in_place_of(0),
            r(100, 4, 2, 3).in_place_of(1),
        ];
        let p = plan(&chain, Strategy::Best).unwrap();
        assert_eq!(p.offsets, vec![0, 0, 0]);
        assert_eq!(p.arena_size, 100);
        assert_eq!(p.lower_bound, 200);
        assert!(p.arena_size < p.lower_bound); // only possible thanks to the hint
        let no_hint = [r(100, 4, 0, 1), r(100, 4, 1, 2), r(100, 4, 2, 3)];
        assert_eq!(plan(&no_hint, Strategy::Best).unwrap().arena_size, 200);
        // No-reuse ignores hints.
        let p = plan(&chain, Strategy::NoReuse).unwrap();
        assert_eq!(p.in_place, vec![false; 3]);
        assert_eq!(p.arena_size, 300);
    }

    #[test]
    fn in_place_hint_claimed_once_and_not_by_single_point_buffers() {
        // Two requests want a's storage: the first wins, the second gets its own bytes.
        let reqs = [
            r(64, 1, 0, 1),
            r(64, 1, 1, 2).in_place_of(0),
            r(64, 1, 1, 3).in_place_of(0),
        ];
        let p = plan(&reqs, Strategy::GreedyBySize).unwrap();
        assert_eq!(p.in_place, vec![false, true, false]);
        assert_eq!(p.offsets[0], p.offsets[1]);
        assert_ne!(p.offsets[2], p.offsets[0]);
        // a(0..3) -> b(3..3) -> c(3..5): honouring both would put a and c, both live at 3, in one
        // slot; b is a single point, so its hint is dropped.
        let reqs = [
            r(8, 1, 0, 3),
            r(8, 1, 3, 3).in_place_of(0),
            r(8, 1, 3, 5).in_place_of(1),
        ];
        let p = plan(&reqs, Strategy::GreedyBySize).unwrap();
        assert_eq!(p.in_place, vec![false, false, true]);
        assert_eq!(p.offsets[1], p.offsets[2]);
        assert_ne!(p.offsets[0], p.offsets[2]);
    }

    #[test]
    fn in_place_group_takes_max_size_and_alignment() {
        let reqs = [
            r(10, 4, 0, 1),
            r(30, 32, 1, 2).in_place_of(0),
            r(20, 8, 0, 2),
        ];
        let p = plan(&reqs, Strategy::GreedyBySize).unwrap();
        assert_eq!(p.offsets[0], p.offsets[1]);
        assert_eq!(p.offsets[0] % 32, 0);
        // The slot is 30 bytes; the other buffer lives alongside it.
        assert!(p.offsets[2] >= p.offsets[0] + 30 || p.offsets[2] + 20 <= p.offsets[0]);
    }

    #[test]
    fn invalid_input_is_an_error() {
        for s in [Strategy::Best, Strategy::GreedyBySize, Strategy::NoReuse] {
            assert_eq!(
                plan(&[r(1, 1, 0, 0), r(1, 1, 3, 2)], s),
                Err(PlanError::InvalidLifetime {
                    index: 1,
                    first_use: 3,
                    last_use: 2
                })
            );
            assert_eq!(
                plan(&[r(1, 0, 0, 0)], s),
                Err(PlanError::InvalidAlignment {
                    index: 0,
                    alignment: 0
                })
            );
            assert_eq!(
                plan(&[r(1, 24, 0, 0)], s),
                Err(PlanError::InvalidAlignment {
                    index: 0,
                    alignment: 24
                })
            );
            assert_eq!(plan(&[r(u64::MAX, 2, 0, 0)], s), Err(PlanError::Overflow));
            // Two huge live buffers: the arena overflows.
            assert_eq!(
                plan(
                    &[r(u64::MAX / 2 + 1, 1, 0, 1), r(u64::MAX / 2 + 1, 1, 1, 2)],
                    s
                ),
                Err(PlanError::Overflow)
            );
            // Bad hints: out of range, self, wrong hand-over point.
            assert_eq!(
                plan(&[r(1, 1, 0, 1).in_place_of(7)], s),
                Err(PlanError::InvalidInPlace {
                    index: 0,
                    source: 7
                })
            );
            assert_eq!(
                plan(&[r(1, 1, 0, 1).in_place_of(0)], s),
                Err(PlanError::InvalidInPlace {
                    index: 0,
                    source: 0
                })
            );
            assert_eq!(
                plan(&[r(1, 1, 0, 2), r(1, 1, 1, 3).in_place_of(0)], s),
                Err(PlanError::InvalidInPlace {
                    index: 1,
                    source: 0
                })
            );
        }
        assert_eq!(
            lower_bound(&[r(1, 1, 2, 1)]),
            Err(PlanError::InvalidLifetime {
                index: 0,
                first_use: 2,
                last_use: 1
            })
        );
        assert_eq!(
            lower_bound(&[r(u64::MAX, 1, 0, 1), r(1, 1, 1, 2)]),
            Err(PlanError::Overflow)
        );
        // Errors display.
        assert!(PlanError::Overflow.to_string().contains("overflow"));
    }

    #[test]
    fn disjoint_huge_buffers_do_not_overflow() {
        // Each alone fits; they never live together, so greedy shares the slot while no-reuse
        // would overflow: Best returns greedy.
        let big = u64::MAX / 2 + 1;
        let reqs = [r(big, 1, 0, 1), r(big, 1, 2, 3)];
        let p = plan(&reqs, Strategy::Best).unwrap();
        assert_eq!(p.offsets, vec![0, 0]);
        assert_eq!(p.arena_size, big);
        assert_eq!(plan(&reqs, Strategy::NoReuse), Err(PlanError::Overflow));
    }

    #[test]
    fn many_buffers_scale() {
        // 30k buffers of a long dataflow chain with skip connections: runs in well under a second.
        let n = 30_000usize;
        let reqs: Vec<_> = (0..n)
            .map(|i| {
                let len = if i % 10 == 0 { 20 } else { 1 + i % 3 };
                r(64 * (1 + (i as u64 * 7919) % 100), 64, i, i + len)
            })
            .collect();
        let p = plan(&reqs, Strategy::Best).unwrap();
        assert!(p.arena_size >= p.lower_bound);
        assert!(
            p.arena_size <= 2 * p.lower_bound,
            "{} vs {}",
            p.arena_size,
            p.lower_bound
        );
    }
}
