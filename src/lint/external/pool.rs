//! Runs jobs on a fixed number of threads with at most `per_key` jobs of the
//! same key (host) at once, so a runbook tree with 200 links to one wiki
//! does not hammer that wiki while other hosts wait.

use std::collections::{HashMap, VecDeque};
use std::sync::{Condvar, Mutex, PoisonError};

struct State {
    /// Jobs not started: their index in the input, and their key.
    queue: VecDeque<(usize, String)>,
    running: HashMap<String, usize>,
}

/// Calls `work` on every item and returns the results in input order.
pub fn run<T: Sync, R: Send>(
    items: &[T],
    key: impl Fn(&T) -> String,
    threads: usize,
    per_key: usize,
    work: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let state = Mutex::new(State {
        queue: items.iter().map(&key).enumerate().collect(),
        running: HashMap::new(),
    });
    let changed = Condvar::new();
    let results: Mutex<Vec<Option<R>>> = Mutex::new(items.iter().map(|_| None).collect());
    let threads = threads.clamp(1, items.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                while let Some((index, key)) = next(&state, &changed, per_key) {
                    let _slot = Slot {
                        state: &state,
                        changed: &changed,
                        key,
                    };
                    let result = work(&items[index]);
                    results.lock().unwrap_or_else(PoisonError::into_inner)[index] = Some(result);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .into_iter()
        .flatten()
        .collect()
}

/// A running job's claim on its key; released even if the job panics, so
/// the other threads never wait for a slot that will not come back.
struct Slot<'a> {
    state: &'a Mutex<State>,
    changed: &'a Condvar,
    key: String,
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        let mut s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(n) = s.running.get_mut(&self.key) {
            *n -= 1;
        }
        drop(s);
        self.changed.notify_all();
    }
}

/// The next job whose key has a free slot; waits while every queued job's
/// key is busy; `None` once the queue is empty.
fn next(state: &Mutex<State>, changed: &Condvar, per_key: usize) -> Option<(usize, String)> {
    let mut s = state.lock().unwrap_or_else(PoisonError::into_inner);
    loop {
        if s.queue.is_empty() {
            return None;
        }
        let free = s
            .queue
            .iter()
            .position(|(_, k)| s.running.get(k).copied().unwrap_or(0) < per_key);
        if let Some(at) = free {
            let job = s.queue.remove(at)?;
            *s.running.entry(job.1.clone()).or_insert(0) += 1;
            return Some(job);
        }
        s = changed.wait(s).unwrap_or_else(PoisonError::into_inner);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[test]
    fn keeps_order_and_limits_per_key() {
        let items: Vec<(usize, &str)> = (0..40)
            .map(|i| (i, if i % 4 == 0 { "b" } else { "a" }))
            .collect();
        let in_a = AtomicUsize::new(0);
        let max_a = AtomicUsize::new(0);
        let out = run(
            &items,
            |(_, k)| k.to_string(),
            8,
            2,
            |(i, k)| {
                if *k == "a" {
                    let now = in_a.fetch_add(1, Ordering::SeqCst) + 1;
                    max_a.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(5));
                    in_a.fetch_sub(1, Ordering::SeqCst);
                }
                i * 2
            },
        );
        assert_eq!(out, (0..40).map(|i| i * 2).collect::<Vec<_>>());
        assert_eq!(max_a.load(Ordering::SeqCst), 2);
    }
}
