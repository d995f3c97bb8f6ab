//! A bounded queue of writes for the writer thread.
//!
//! Writes are offered without waiting: when the queue holds its bound, the
//! write is refused and the caller counts it as dropped, so a handler never
//! waits on a slow or unreachable database. Requests that want an answer
//! (reports, flushes) are always admitted: they are few, and their caller
//! waits with a timeout.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// A multi-producer, single-consumer queue with a bound on writes.
#[derive(Debug)]
pub(super) struct Queue<T> {
    items: Mutex<VecDeque<T>>,
    ready: Condvar,
    bound: usize,
}

impl<T> Queue<T> {
    /// An empty queue refusing writes beyond `bound` items.
    pub(super) fn new(bound: usize) -> Queue<T> {
        Queue {
            items: Mutex::new(VecDeque::new()),
            ready: Condvar::new(),
            bound,
        }
    }

    fn items(&self) -> MutexGuard<'_, VecDeque<T>> {
        self.items.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues `item` unless the queue is full; gives it back if it is.
    pub(super) fn offer(&self, item: T) -> Result<(), T> {
        let mut items = self.items();
        if items.len() >= self.bound {
            return Err(item);
        }
        items.push_back(item);
        drop(items);
        self.ready.notify_one();
        Ok(())
    }

    /// Queues `item` whatever the bound.
    pub(super) fn push(&self, item: T) {
        self.items().push_back(item);
        self.ready.notify_one();
    }

    /// Up to `max` items, waiting until `deadline` for the first.
    pub(super) fn take(&self, max: usize, deadline: Instant) -> Vec<T> {
        let mut items = self.items();
        while items.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Vec::new();
            }
            items = self
                .ready
                .wait_timeout(items, left.min(Duration::from_secs(1)))
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        let n = items.len().min(max);
        items.drain(..n).collect()
    }

    /// How many items wait.
    pub(super) fn len(&self) -> usize {
        self.items().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_beyond_the_bound_are_refused() {
        let q = Queue::new(2);
        assert!(q.offer(1).is_ok());
        assert!(q.offer(2).is_ok());
        assert_eq!(q.offer(3), Err(3));
        q.push(4);
        assert_eq!(q.len(), 3);
        assert_eq!(q.take(10, Instant::now()), [1, 2, 4]);
        assert_eq!(q.len(), 0);
        assert!(q.take(10, Instant::now()).is_empty());
    }
}
