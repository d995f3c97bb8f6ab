//! A store whose failed writes cost nothing but the write.
//!
//! When the data folder's disk fills up (or turns read-only), every write to
//! the store fails. The bot must go on answering: answers come from the
//! content in memory, and what the store keeps (language choices, the
//! journal, counters) is worth less than a reply. [`Guarded`] wraps any
//! [`Store`]: a failed write is counted in `/metrics`
//! (`atazan_store_lost_writes_total`) and dropped, the first failure of an
//! outage and the first success after it are reported once each
//! ([`Health`]), so operators are told once rather than on every message.
//!
//! sled keeps the first I/O error it meets until the database is reopened,
//! so with [`super::SledStore`] writes resume only in a new process: while
//! writes fail, the bot asks [`Guarded::space_is_back`] every few seconds and
//! restarts itself once the folder takes writes again
//! ([`crate::service::Exit::Reopen`]). A store that recovers by itself is
//! reported recovered at its first successful write.

use super::{DayStats, FeedbackEvent, JournalEntry, QuestionEvent, Store, StoreError};
use crate::lang::Lang;
use crate::metrics::Metrics;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::mpsc;

/// Free space the data folder must have again before the store is reopened:
/// sled writes in segments, and a folder with a few free bytes would fail
/// the first write again.
pub const PROBE_BYTES: usize = 1 << 20;

/// A change in whether the store can be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Health {
    /// Writes started failing: `data: error`, as an operator should read it.
    Failing(String),
    /// Writes work again; `lost` writes were dropped meanwhile.
    Recovered {
        /// How many writes were dropped during the outage.
        lost: u64,
    },
}

/// A [`Store`] that reports its failing writes instead of passing them on.
pub struct Guarded {
    inner: Arc<dyn Store>,
    data: PathBuf,
    metrics: Arc<Metrics>,
    failing: AtomicBool,
    lost: AtomicU64,
    health: mpsc::UnboundedSender<Health>,
}

impl Guarded {
    /// Wraps `inner`, whose files live in `data`; changes of health go to
    /// `health`.
    pub fn new(
        inner: Arc<dyn Store>,
        data: PathBuf,
        metrics: Arc<Metrics>,
        health: mpsc::UnboundedSender<Health>,
    ) -> Guarded {
        metrics.store_failing(false);
        Guarded {
            inner,
            data,
            metrics,
            failing: AtomicBool::new(false),
            lost: AtomicU64::new(0),
            health,
        }
    }

    /// Whether writes fail at the moment.
    pub fn failing(&self) -> bool {
        self.failing.load(Ordering::Relaxed)
    }

    /// Whether the data folder takes writes again: a probe file of
    /// [`PROBE_BYTES`] is written, synced and removed. Blocks on the disk.
    pub fn space_is_back(&self) -> bool {
        let probe = self.data.join(".atazan-space-probe");
        let written = (|| {
            use std::io::Write;
            let mut f = std::fs::File::create(&probe)?;
            f.write_all(&vec![0u8; PROBE_BYTES])?;
            f.sync_all()
        })();
        let _ = std::fs::remove_file(&probe);
        written.is_ok()
    }

    /// Tells operators the outage is over before the store is reopened (in a
    /// new process, which cannot know what this one lost).
    pub fn reopening(&self) -> u64 {
        let lost = self.lost.swap(0, Ordering::AcqRel);
        let _ = self.health.send(Health::Recovered { lost });
        lost
    }

    /// Passes a write's outcome on, counting and reporting a failure.
    fn write(&self, what: &'static str, r: Result<(), StoreError>) -> Result<(), StoreError> {
        self.outcome(what, r, true)
    }

    /// [`Guarded::write`] for a call that may not reach the disk
    /// (`reached_disk` false: an answered question, a 👍 or a reload only
    /// count in memory until the next batch),
    /// whose success then says nothing about recovery.
    fn outcome(
        &self,
        what: &'static str,
        r: Result<(), StoreError>,
        reached_disk: bool,
    ) -> Result<(), StoreError> {
        match r {
            Ok(()) if !reached_disk => Ok(()),
            Ok(()) => {
                if self.failing.swap(false, Ordering::AcqRel) {
                    let lost = self.lost.swap(0, Ordering::AcqRel);
                    self.metrics.store_failing(false);
                    tracing::info!(lost, "the data folder can be written again");
                    let _ = self.health.send(Health::Recovered { lost });
                }
                Ok(())
            }
            Err(e) => {
                self.metrics.lost_write(what);
                self.lost.fetch_add(1, Ordering::AcqRel);
                if !self.failing.swap(true, Ordering::AcqRel) {
                    self.metrics.store_failing(true);
                    let shown = format!("{}: {e}", self.data.display());
                    tracing::error!(data = %self.data.display(), error = %e, what, "cannot write to the data folder; answering on, writes are dropped until it recovers");
                    let _ = self.health.send(Health::Failing(shown));
                } else {
                    tracing::debug!(error = %e, what, "a write to the data folder was dropped");
                }
                Err(e)
            }
        }
    }
}

impl Store for Guarded {
    fn language(&self, user: u64) -> Result<Option<Lang>, StoreError> {
        self.inner.language(user)
    }

    fn set_language(&self, user: u64, lang: Option<Lang>) -> Result<(), StoreError> {
        self.write("language", self.inner.set_language(user, lang))
    }

    fn record_question(&self, q: &QuestionEvent<'_>) -> Result<(), StoreError> {
        self.outcome(
            "question",
            self.inner.record_question(q),
            q.kind.journaled(),
        )
    }

    fn record_feedback(&self, f: &FeedbackEvent<'_>) -> Result<(), StoreError> {
        self.outcome("feedback", self.inner.record_feedback(f), !f.up)
    }

    fn record_reload(&self, at: i64, ok: bool) -> Result<(), StoreError> {
        self.outcome("reload", self.inner.record_reload(at, ok), false)
    }

    fn journal(&self, since: Option<i64>) -> Result<Vec<JournalEntry>, StoreError> {
        self.inner.journal(since)
    }

    fn stats(&self, since: Option<i64>) -> Result<Vec<DayStats>, StoreError> {
        self.inner.stats(since)
    }

    fn prune(&self, now: i64) -> Result<usize, StoreError> {
        let r = self.inner.prune(now);
        let n = r.as_ref().map_or(0, |&n| n);
        self.write("flush", r.map(|_| ())).map(|()| n)
    }

    fn flush(&self) -> Result<(), StoreError> {
        self.write("flush", self.inner.flush())
    }

    fn health(&self) -> super::StoreHealth {
        let mut h = self.inner.health();
        h.ok &= !self.failing();
        h
    }

    fn claim_alert(&self, key: &str, window: std::time::Duration) -> bool {
        self.inner.claim_alert(key, window)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::Kind;
    use crate::store::{Retention, SledStore};
    use std::sync::atomic::AtomicBool;

    /// A store whose writes fail while `full` is set, like a full disk.
    struct Faulty {
        inner: SledStore,
        full: Arc<AtomicBool>,
    }

    impl Faulty {
        fn check(&self) -> Result<(), StoreError> {
            if self.full.load(Ordering::Relaxed) {
                Err(StoreError::Sled(sled::Error::Io(std::io::Error::from(
                    std::io::ErrorKind::StorageFull,
                ))))
            } else {
                Ok(())
            }
        }
    }

    impl Store for Faulty {
        fn language(&self, user: u64) -> Result<Option<Lang>, StoreError> {
            self.inner.language(user)
        }
        fn set_language(&self, user: u64, lang: Option<Lang>) -> Result<(), StoreError> {
            self.check()?;
            self.inner.set_language(user, lang)
        }
        fn record_question(&self, q: &QuestionEvent<'_>) -> Result<(), StoreError> {
            self.check()?;
            self.inner.record_question(q)
        }
        fn record_feedback(&self, f: &FeedbackEvent<'_>) -> Result<(), StoreError> {
            self.check()?;
            self.inner.record_feedback(f)
        }
        fn record_reload(&self, at: i64, ok: bool) -> Result<(), StoreError> {
            self.check()?;
            self.inner.record_reload(at, ok)
        }
        fn journal(&self, since: Option<i64>) -> Result<Vec<JournalEntry>, StoreError> {
            self.inner.journal(since)
        }
        fn stats(&self, since: Option<i64>) -> Result<Vec<DayStats>, StoreError> {
            self.inner.stats(since)
        }
        fn prune(&self, now: i64) -> Result<usize, StoreError> {
            self.check()?;
            self.inner.prune(now)
        }
        fn flush(&self) -> Result<(), StoreError> {
            self.check()?;
            self.inner.flush()
        }
    }

    #[test]
    fn an_outage_is_reported_once_counted_and_recovered() {
        let db = sled::Config::new().temporary(true).open().unwrap();
        let full = Arc::new(AtomicBool::new(false));
        let faulty = Faulty {
            inner: SledStore::open(&db, Retention::default()).unwrap(),
            full: Arc::clone(&full),
        };
        let metrics = Arc::new(Metrics::new());
        let (tx, mut rx) = mpsc::unbounded_channel();
        let store = Guarded::new(Arc::new(faulty), "data".into(), Arc::clone(&metrics), tx);
        store.set_language(1, Some(Lang::Kk)).unwrap();
        assert!(
            rx.try_recv().is_err(),
            "nothing to report while writes work"
        );

        full.store(true, Ordering::Relaxed);
        let q = QuestionEvent {
            text: "погода в Алматы",
            lang: Lang::Ru,
            at: 1_795_996_800,
            kind: Kind::OutOfScope,
            topic: None,
            passage: None,
            best: None,
            score: 0.0,
        };
        for _ in 0..3 {
            assert!(store.record_question(&q).is_err());
        }
        // An answered question only counts in memory: it says nothing of the disk.
        let answered = QuestionEvent {
            kind: Kind::Answer,
            ..q
        };
        full.store(false, Ordering::Relaxed);
        store.record_question(&answered).unwrap();
        full.store(true, Ordering::Relaxed);
        assert!(store.set_language(2, Some(Lang::En)).is_err());
        assert!(store.failing());
        match rx.try_recv() {
            Ok(Health::Failing(m)) => assert!(m.starts_with("data: "), "{m}"),
            other => panic!("expected one failing report, got {other:?}"),
        }
        assert!(rx.try_recv().is_err(), "operators are told once");
        let text = metrics.encode();
        assert!(
            text.contains("atazan_store_lost_writes_total{what=\"question\"} 3"),
            "{text}"
        );
        assert!(
            text.contains("atazan_store_lost_writes_total{what=\"language\"} 1"),
            "{text}"
        );
        assert!(text.contains("atazan_store_failing 1"), "{text}");
        // Reads still work while writes fail.
        assert_eq!(store.language(1).unwrap(), Some(Lang::Kk));

        full.store(false, Ordering::Relaxed);
        store.record_question(&q).unwrap();
        assert_eq!(rx.try_recv().unwrap(), Health::Recovered { lost: 4 });
        assert!(!store.failing());
        assert!(metrics.encode().contains("atazan_store_failing 0"));
        assert_eq!(
            store.journal(None).unwrap().len(),
            1,
            "the write after recovery is kept"
        );
    }
}
