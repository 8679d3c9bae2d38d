//! Property tests of the planner: for random request sets, every plan is valid and within bounds.

use flowc_memplan::{BufferRequest, Plan, Strategy, lower_bound, plan};
use proptest::prelude::*;
use proptest::strategy::Strategy as _;

/// Random requests: sizes 0..4096, alignments 1..=256, lifetimes within 0..64, and some in-place
/// hints toward a request that dies where this one is born.
fn requests() -> impl proptest::strategy::Strategy<Value = Vec<BufferRequest>> {
    let one = (0u64..4096, 0u32..9, 0usize..64, 0usize..8, any::<bool>());
    prop::collection::vec(one, 0..60).prop_map(|raw| {
        let mut reqs: Vec<BufferRequest> = raw
            .iter()
            .map(|&(size, log_align, first, len, _)| {
                BufferRequest::new(size, 1 << log_align, first, first + len)
            })
            .collect();
        for i in 0..reqs.len() {
            if raw[i].4
                && let Some(src) =
                    (0..reqs.len()).find(|&j| j != i && reqs[j].last_use == reqs[i].first_use)
            {
                reqs[i] = reqs[i].in_place_of(src);
            }
        }
        reqs
    })
}

/// Same, without hints and with one alignment for all.
fn uniform_requests() -> impl proptest::strategy::Strategy<Value = Vec<BufferRequest>> {
    (
        0u32..8,
        prop::collection::vec((0u64..4096, 0usize..64, 0usize..8), 0..60),
    )
        .prop_map(|(log_align, raw)| {
            raw.into_iter()
                .map(|(size, first, len)| {
                    BufferRequest::new(size, 1 << log_align, first, first + len)
                })
                .collect()
        })
}

/// Whether `a` and `b` may share bytes: only an honoured in-place pair, meeting at one point.
fn may_share(reqs: &[BufferRequest], p: &Plan, a: usize, b: usize) -> bool {
    let pair = |src: usize, dst: usize| {
        p.in_place[dst]
            && reqs[dst].in_place_of == Some(src)
            && reqs[src].last_use == reqs[dst].first_use
            && reqs[dst].last_use > reqs[dst].first_use
    };
    pair(a, b) || pair(b, a)
}

fn check_valid(reqs: &[BufferRequest], p: &Plan) -> Result<(), TestCaseError> {
    prop_assert_eq!(p.offsets.len(), reqs.len());
    prop_assert_eq!(p.in_place.len(), reqs.len());
    prop_assert_eq!(p.lower_bound, lower_bound(reqs).unwrap());
    for (i, r) in reqs.iter().enumerate() {
        let off = p.offsets[i];
        prop_assert_eq!(off % r.alignment, 0, "buffer {} misaligned", i);
        prop_assert!(off + r.size <= p.arena_size, "buffer {} past the arena", i);
        if p.in_place[i] {
            let src = r.in_place_of.unwrap();
            prop_assert_eq!(p.offsets[src], off);
        }
    }
    prop_assert_eq!(p.arena_size % p.arena_alignment, 0);
    for i in 0..reqs.len() {
        for j in i + 1..reqs.len() {
            let (a, b) = (&reqs[i], &reqs[j]);
            if !a.lifetime_intersects(b) || a.size == 0 || b.size == 0 {
                continue;
            }
            let (oa, ob) = (p.offsets[i], p.offsets[j]);
            let overlap = oa < ob + b.size && ob < oa + a.size;
            prop_assert!(
                !overlap || may_share(reqs, p, i, j),
                "live buffers {} {:?} @{} and {} {:?} @{} overlap",
                i,
                a,
                oa,
                j,
                b,
                ob
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn plans_are_valid_and_bounded(reqs in requests()) {
        let greedy = plan(&reqs, Strategy::GreedyBySize).unwrap();
        let baseline = plan(&reqs, Strategy::NoReuse).unwrap();
        let best = plan(&reqs, Strategy::Best).unwrap();
        for p in [&greedy, &baseline, &best] {
            check_valid(&reqs, p)?;
        }
        // The bound holds for every plan without hints.
        prop_assert!(baseline.arena_size >= baseline.lower_bound);
        if reqs.iter().all(|r| r.in_place_of.is_none()) {
            prop_assert!(greedy.arena_size >= greedy.lower_bound);
        }
        prop_assert!(best.arena_size <= greedy.arena_size);
        prop_assert!(best.arena_size <= baseline.arena_size);
        // Greedy alone may lose to no-reuse by alignment padding when alignments are mixed (see
        // the unit test `best_keeps_the_smaller_arena`); with one alignment it never does (below).
    }

    #[test]
    fn greedy_beats_no_reuse_with_uniform_alignment(reqs in uniform_requests()) {
        let greedy = plan(&reqs, Strategy::GreedyBySize).unwrap();
        let baseline = plan(&reqs, Strategy::NoReuse).unwrap();
        check_valid(&reqs, &greedy)?;
        prop_assert!(greedy.arena_size >= greedy.lower_bound);
        prop_assert!(greedy.arena_size <= baseline.arena_size);
    }

    #[test]
    fn plans_are_deterministic(reqs in requests()) {
        for s in [Strategy::Best, Strategy::GreedyBySize, Strategy::NoReuse] {
            prop_assert_eq!(plan(&reqs, s), plan(&reqs, s));
            // A copy of the input (fresh allocation) plans the same.
            let copy = reqs.clone();
            prop_assert_eq!(plan(&copy, s), plan(&reqs, s));
        }
    }
}

#[test]
fn deterministic_on_a_fixed_input() {
    let reqs: Vec<_> = (0..200usize)
        .map(|i| BufferRequest::new(((i * 37) % 500) as u64 * 16, 16, i % 50, i % 50 + i % 7))
        .collect();
    let first = plan(&reqs, Strategy::Best).unwrap();
    for _ in 0..10 {
        assert_eq!(plan(&reqs, Strategy::Best).unwrap(), first);
    }
}
