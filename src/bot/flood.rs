//! Incoming flood control: a user who sends too much too fast gets one polite
//! notice and is then ignored until they calm down; nobody else is slowed.
//!
//! Each user has a token bucket holding at most `burst` messages, refilled at
//! `burst` per window. A message takes a token; with none left it is dropped,
//! and the first dropped message of a burst is answered with a notice. The
//! map of buckets is swept of users whose bucket is full again, so memory
//! follows the number of users active in the last window, not all users ever.
//!
//! # Per replica, on purpose
//!
//! With several replicas sharing a store (see the README's "Scaling"), each
//! keeps its own buckets. A load balancer spreading one user's flood over N
//! replicas lets through at most N × `burst` per window: a known upper
//! bound, and the outgoing throttle still limits what reaches Telegram.
//! Shared counts would put a database round trip on the answering path of
//! every message, and a database outage would then stop answers — which the
//! shared store is built never to do.

use rustc_hash::FxHashMap as HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// What to do with a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Handle it.
    Allow,
    /// Drop it, and tell the user once to slow down.
    Warn,
    /// Drop it silently.
    Drop,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
    warned: bool,
}

/// Per-user token buckets.
#[derive(Debug)]
pub struct Flood {
    burst: f64,
    per_second: f64,
    window: Duration,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    users: HashMap<u64, Bucket>,
    swept: Instant,
}

impl Flood {
    /// At most `burst` messages per `window` from one user.
    pub fn new(burst: u32, window: Duration) -> Flood {
        let burst = f64::from(burst.max(1));
        Flood {
            burst,
            per_second: burst / window.as_secs_f64().max(0.001),
            window,
            state: Mutex::new(State {
                users: HashMap::default(),
                swept: Instant::now(),
            }),
        }
    }

    /// Takes a token for one message from `user` at `now`.
    pub fn check(&self, user: u64, now: Instant) -> Verdict {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if now.saturating_duration_since(state.swept) > self.window {
            self.sweep(&mut state, now);
        }
        let bucket = state.users.entry(user).or_insert(Bucket {
            tokens: self.burst,
            at: now,
            warned: false,
        });
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * self.per_second).min(self.burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            bucket.warned = false;
            Verdict::Allow
        } else if bucket.warned {
            Verdict::Drop
        } else {
            bucket.warned = true;
            Verdict::Warn
        }
    }

    /// Users being tracked (for tests and metrics).
    pub fn tracked(&self) -> usize {
        self.state.lock().map_or(0, |s| s.users.len())
    }

    fn sweep(&self, state: &mut State, now: Instant) {
        let (burst, rate) = (self.burst, self.per_second);
        state.users.retain(|_, b| {
            let refilled = b.tokens + now.saturating_duration_since(b.at).as_secs_f64() * rate;
            refilled < burst
        });
        state.swept = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `user` sends `n` messages at once, at `t`.
    fn send(f: &Flood, user: u64, n: usize, t: Instant) {
        for _ in 0..n {
            f.check(user, t);
        }
    }

    #[test]
    fn a_burst_is_allowed_then_one_warning_then_silence() {
        let f = Flood::new(3, Duration::from_secs(10));
        let t = Instant::now();
        let verdicts: Vec<Verdict> = (0..6).map(|_| f.check(1, t)).collect();
        assert_eq!(
            verdicts,
            [
                Verdict::Allow,
                Verdict::Allow,
                Verdict::Allow,
                Verdict::Warn,
                Verdict::Drop,
                Verdict::Drop
            ]
        );
    }

    #[test]
    fn other_users_are_not_slowed() {
        let f = Flood::new(2, Duration::from_secs(10));
        let t = Instant::now();
        send(&f, 1, 10, t);
        assert_eq!(f.check(2, t), Verdict::Allow);
        assert_eq!(f.check(2, t), Verdict::Allow);
    }

    #[test]
    fn calm_restores_the_user_and_a_new_burst_is_warned_again() {
        let f = Flood::new(2, Duration::from_secs(10));
        let t = Instant::now();
        send(&f, 1, 4, t);
        // One message's worth of time: one message allowed.
        let later = t + Duration::from_secs(5);
        assert_eq!(f.check(1, later), Verdict::Allow);
        assert_eq!(
            f.check(1, later),
            Verdict::Warn,
            "a new burst is told once more"
        );
        assert_eq!(f.check(1, later), Verdict::Drop);
    }

    #[test]
    fn quiet_users_are_forgotten() {
        let f = Flood::new(2, Duration::from_secs(1));
        let t = Instant::now();
        for u in 0..1000 {
            f.check(u, t);
        }
        assert_eq!(f.tracked(), 1000);
        f.check(5000, t + Duration::from_secs(3));
        assert_eq!(f.tracked(), 1, "only the new user is left");
    }
}
