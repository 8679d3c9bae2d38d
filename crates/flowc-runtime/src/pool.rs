//! The session's threads. A launch of `tasks` tasks is split into `min(tasks, threads)`
//! contiguous ranges; the caller runs the first, worker `i` the `i`-th.
//!
//! A dedicated pool rather than a general one: on the same 16-core machine, a launch of an
//! empty kernel cost 1.8 / 4.9 / 13.5 us on 4 / 8 / 16 threads with rayon (`install` +
//! `scope`), 0.6 / 1.5 / 2.3 us here (see the README and `examples/launch_overhead.rs`).
//!
//! Each worker has its own cache-line sized slot holding its next range and a sequence number.
//! The caller fills the slots of the workers a launch needs, runs its own range, and waits for
//! a shared countdown. Idle workers spin on their slot for [`SPIN`] before parking; a parked
//! worker is unparked by the caller, a parked caller by the last worker to finish. Both
//! hand-offs use the same pattern (announce "sleeping", re-check, park / publish, check
//! "sleeping", unpark) with sequentially consistent operations, so no wake-up is lost.
#![allow(unsafe_code)]

use std::cell::UnsafeCell;
use std::ffi::c_void;
use std::hint::spin_loop;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::*};
use std::sync::{Arc, Mutex};
use std::thread::{JoinHandle, Thread};
use std::time::{Duration, Instant};

use crate::RuntimeError;
use crate::loader::KernelFn;
use crate::model::LaunchPlan;

/// How long an idle thread spins before it parks.
const SPIN: Duration = Duration::from_micros(100);

/// The `i`-th of `parts` contiguous ranges of `0..n` (sizes differ by at most one, larger
/// first).
pub(crate) fn split(n: i64, parts: i64, i: i64) -> (i64, i64) {
    let (q, r) = (n / parts, n % parts);
    let begin = i * q + i.min(r);
    (begin, begin + q + i64::from(i < r))
}

/// A range of one launch for one worker.
#[derive(Clone, Copy)]
struct Job {
    kernel: KernelFn,
    args: *const *mut c_void,
    begin: i64,
    end: i64,
}

/// One worker's mailbox, alone on its cache lines.
#[repr(align(128))]
struct Slot {
    /// Bumped by the caller after writing `job`; the worker runs a job when it changes.
    seq: AtomicU64,
    /// Written by the caller only while the worker is idle (its previous job is counted done).
    job: UnsafeCell<Option<Job>>,
    sleeping: AtomicBool,
}

#[repr(align(128))]
struct Countdown(AtomicUsize);

struct Shared {
    slots: Vec<Slot>,
    /// Ranges of the current launch not finished yet (the caller's own not counted).
    remaining: Countdown,
    caller_sleeping: AtomicBool,
    /// The thread of the caller while it is parked.
    caller: Mutex<Option<Thread>>,
    shutdown: AtomicBool,
}

// SAFETY: `Slot::job` is written by the caller only between a launch's end (every worker's
// countdown decrement observed) and the `seq` store that hands it to the worker, and read by
// the worker only after observing that store; the raw pointers in it are valid for the launch.
unsafe impl Sync for Shared {}
// SAFETY: as above; nothing in `Shared` is tied to a thread.
unsafe impl Send for Shared {}

/// The threads of one session: the caller plus `threads - 1` workers.
pub(crate) struct Pool {
    threads: usize,
    shared: Arc<Shared>,
    workers: Vec<(Thread, JoinHandle<()>)>,
}

impl Pool {
    pub(crate) fn new(threads: usize) -> Result<Pool, RuntimeError> {
        let threads = threads.max(1);
        let shared = Arc::new(Shared {
            slots: (1..threads)
                .map(|_| Slot {
                    seq: AtomicU64::new(0),
                    job: UnsafeCell::new(None),
                    sleeping: AtomicBool::new(false),
                })
                .collect(),
            remaining: Countdown(AtomicUsize::new(0)),
            caller_sleeping: AtomicBool::new(false),
            caller: Mutex::new(None),
            shutdown: AtomicBool::new(false),
        });
        let mut pool = Pool {
            threads,
            shared: shared.clone(),
            workers: Vec::with_capacity(threads - 1),
        };
        for w in 0..threads - 1 {
            let shared = shared.clone();
            let handle = std::thread::Builder::new()
                .name(format!("flowc-worker-{w}"))
                .spawn(move || worker(&shared, w))
                .map_err(|e| RuntimeError::ThreadPool(e.to_string()))?;
            // On an error above, dropping `pool` stops the workers started so far.
            pool.workers.push((handle.thread().clone(), handle));
        }
        Ok(pool)
    }

    pub(crate) fn threads(&self) -> usize {
        self.threads
    }

    /// Runs `launches` in order, each over `min(tasks, threads)` contiguous ranges.
    ///
    /// # Safety
    /// Every launch's kernel must follow the kernel ABI, `args[l.args]` must hold the pointers
    /// it expects, valid (and not otherwise accessed) until this returns, and `tasks >= 1`.
    pub(crate) unsafe fn run(&mut self, launches: &[LaunchPlan], args: &[*mut c_void]) {
        for l in launches {
            // SAFETY: the caller's contract.
            unsafe { self.launch(l.kernel, args[l.args.clone()].as_ptr(), l.tasks) };
        }
    }

    /// [`Pool::run`], timing each launch (wall clock, all its ranges) into `times`.
    ///
    /// # Safety
    /// As [`Pool::run`].
    pub(crate) unsafe fn run_timed(
        &mut self,
        launches: &[LaunchPlan],
        args: &[*mut c_void],
        times: &mut Vec<std::time::Duration>,
    ) {
        times.clear();
        for l in launches {
            let start = Instant::now();
            // SAFETY: the caller's contract.
            unsafe { self.launch(l.kernel, args[l.args.clone()].as_ptr(), l.tasks) };
            times.push(start.elapsed());
        }
    }

    /// # Safety
    /// As [`Pool::run`], for one launch.
    unsafe fn launch(&mut self, kernel: KernelFn, args: *const *mut c_void, tasks: i64) {
        let parts = tasks.min(self.threads as i64);
        if parts <= 1 {
            // SAFETY: the caller's contract.
            return unsafe { kernel(args, 0, tasks) };
        }
        let shared = &*self.shared;
        // Workers are idle: the previous launch waited for every range it handed out.
        shared.remaining.0.store(parts as usize - 1, Relaxed);
        for i in 1..parts {
            let (begin, end) = split(tasks, parts, i);
            let slot = &shared.slots[i as usize - 1];
            // SAFETY: worker `i - 1` is idle (see above) and reads `job` only after the `seq`
            // store below.
            unsafe {
                *slot.job.get() = Some(Job {
                    kernel,
                    args,
                    begin,
                    end,
                })
            };
            slot.seq.fetch_add(1, SeqCst);
            if slot.sleeping.load(SeqCst) {
                self.workers[i as usize - 1].0.unpark();
            }
        }
        let (begin, end) = split(tasks, parts, 0);
        // SAFETY: the caller's contract.
        unsafe { kernel(args, begin, end) };
        wait_for_zero(shared);
    }
}

/// Waits until every handed-out range of the current launch is done: spins, then parks.
fn wait_for_zero(shared: &Shared) {
    let remaining = &shared.remaining.0;
    if spin_until(|| remaining.load(Acquire) == 0) {
        return;
    }
    *shared.caller.lock().unwrap_or_else(|e| e.into_inner()) = Some(std::thread::current());
    shared.caller_sleeping.store(true, SeqCst);
    while remaining.load(SeqCst) != 0 {
        std::thread::park();
    }
    shared.caller_sleeping.store(false, SeqCst);
}

/// Spins until `done()` or [`SPIN`] has passed; returns whether `done()` held.
fn spin_until(done: impl Fn() -> bool) -> bool {
    let start = Instant::now();
    loop {
        for _ in 0..64 {
            if done() {
                return true;
            }
            spin_loop();
        }
        if start.elapsed() > SPIN {
            return done();
        }
    }
}

fn worker(shared: &Shared, w: usize) {
    let slot = &shared.slots[w];
    let mut seen = 0u64;
    loop {
        if !spin_until(|| slot.seq.load(Acquire) != seen) {
            slot.sleeping.store(true, SeqCst);
            while slot.seq.load(SeqCst) == seen {
                std::thread::park();
            }
            slot.sleeping.store(false, SeqCst);
        }
        seen = slot.seq.load(Acquire);
        if shared.shutdown.load(Acquire) {
            return;
        }
        // SAFETY: the caller wrote `job` before the `seq` store just observed and does not
        // touch it until this worker counts the job done below.
        if let Some(job) = unsafe { *slot.job.get() } {
            // SAFETY: `Pool::launch`'s contract, handed over with the job.
            unsafe { (job.kernel)(job.args, job.begin, job.end) };
        }
        if shared.remaining.0.fetch_sub(1, SeqCst) == 1 && shared.caller_sleeping.load(SeqCst) {
            let caller = shared.caller.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(t) = caller.as_ref() {
                t.unpark();
            }
        }
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.shared.shutdown.store(true, Release);
        for (slot, (thread, _)) in self.shared.slots.iter().zip(&self.workers) {
            slot.seq.fetch_add(1, SeqCst);
            thread.unpark();
        }
        for (_, handle) in self.workers.drain(..) {
            let _ = handle.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicI64;

    #[test]
    fn splits_are_contiguous_partitions() {
        for n in 1..40 {
            for parts in 1..=n.min(9) {
                let ranges: Vec<_> = (0..parts).map(|i| split(n, parts, i)).collect();
                assert_eq!(ranges[0].0, 0);
                assert_eq!(ranges[parts as usize - 1].1, n);
                for w in ranges.windows(2) {
                    assert_eq!(w[0].1, w[1].0);
                }
                let sizes: Vec<_> = ranges.iter().map(|(b, e)| e - b).collect();
                let (min, max) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
                assert!(*min >= 1 && max - min <= 1, "{n} / {parts}: {sizes:?}");
            }
        }
        assert_eq!(split(i64::MAX, 3, 2).1, i64::MAX);
    }

    /// args[0]: AtomicI64 per task, incremented; args[1]: optional sleep in microseconds for
    /// ranges not starting at 0 (so that the caller has to wait, and parks).
    unsafe extern "C" fn count(args: *const *mut c_void, begin: i64, end: i64) {
        // SAFETY: the tests pass these two pointers.
        let (counts, sleep) = unsafe {
            (
                *args.cast::<*const AtomicI64>(),
                *args.add(1).cast::<*const u64>(),
            )
        };
        // SAFETY: as above.
        let sleep = unsafe { *sleep };
        if begin != 0 && sleep != 0 {
            std::thread::sleep(Duration::from_micros(sleep));
        }
        for t in begin..end {
            // SAFETY: `counts` holds at least `end` counters.
            unsafe { (*counts.add(t as usize)).fetch_add(1, Relaxed) };
        }
    }

    fn check(pool: &mut Pool, tasks: i64, sleep_us: u64, times: usize) {
        let counts: Vec<AtomicI64> = (0..tasks).map(|_| AtomicI64::new(0)).collect();
        let sleep = sleep_us;
        let args = [
            counts.as_ptr() as *mut c_void,
            (&sleep as *const u64).cast_mut().cast::<c_void>(),
        ];
        for _ in 0..times {
            // SAFETY: `count` reads exactly these arguments, alive for the call.
            unsafe { pool.launch(count, args.as_ptr(), tasks) };
        }
        for (t, c) in counts.iter().enumerate() {
            assert_eq!(c.load(Relaxed), times as i64, "task {t} of {tasks}");
        }
    }

    #[test]
    fn every_task_runs_once_per_launch() {
        for threads in [1, 2, 3, 8] {
            let mut pool = Pool::new(threads).unwrap();
            assert_eq!(pool.threads(), threads);
            for tasks in [1, 2, 3, 7, 8, 9, 100] {
                check(&mut pool, tasks, 0, 200);
            }
        }
    }

    #[test]
    fn parked_workers_and_callers_wake_up() {
        let mut pool = Pool::new(4).unwrap();
        for _ in 0..5 {
            // Idle longer than SPIN: workers park, the launch must unpark them.
            std::thread::sleep(SPIN * 3);
            check(&mut pool, 4, 0, 1);
            // Worker ranges outlast SPIN: the caller parks and must be unparked.
            check(&mut pool, 8, 2 * SPIN.as_micros() as u64, 2);
        }
    }

    #[test]
    fn a_pool_moves_between_threads() {
        let mut pool = Pool::new(3).unwrap();
        check(&mut pool, 9, 300, 1);
        let mut pool = std::thread::spawn(move || {
            check(&mut pool, 9, 300, 2);
            pool
        })
        .join()
        .unwrap();
        check(&mut pool, 9, 300, 1);
    }

    #[test]
    fn dropping_stops_the_workers() {
        for _ in 0..20 {
            let mut pool = Pool::new(4).unwrap();
            check(&mut pool, 4, 0, 3);
            drop(pool);
        }
        // Idle (parked) workers stop too.
        let pool = Pool::new(4).unwrap();
        std::thread::sleep(SPIN * 3);
        drop(pool);
    }
}
