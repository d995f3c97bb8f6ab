//! [`SledStore`]: the bot's state in the knowledge base's sled database.
//!
//! Three trees next to the content:
//!
//! | tree | key | value |
//! |---|---|---|
//! | `users` | Telegram user id, 8 bytes big-endian | language code, `kk`/`ru`/`en` |
//! | `journal` | time (Unix seconds, 8 bytes big-endian, sign bit flipped) + sequence (8 bytes big-endian) | [`JournalEntry`] as JSON |
//! | `stats` | UTC day (days since 1970-01-01, 8 bytes big-endian, sign bit flipped) | [`Counts`] as JSON |
//!
//! Journal keys sort by time, and the sequence (one counter per process,
//! starting above every stored one) keeps two entries of the same second
//! apart: one insert per entry, oldest first when read in key order.
//!
//! The counters of every kept day live in memory (400 days of a few topics
//! is a few hundred kilobytes), loaded when the store opens. Events add to
//! them under one mutex; the days that changed are written in one batch by
//! [`Store::flush`] or by the first event after the write interval. Only one
//! process opens a sled database, so the in-memory totals are the truth and
//! a write overwrites the day's value.

use super::{
    day_of, Counts, DayStats, FeedbackEvent, JournalEntry, QuestionEvent, Retention, Store,
    StoreError, DAY_SECS,
};
use crate::lang::Lang;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError, TryLockError};
use std::time::{Duration, Instant};

/// How long counters may stay in memory only, by default.
pub const DEFAULT_WRITE_INTERVAL: Duration = Duration::from_secs(10);

/// The bot's state in a sled database: open one per database and process
/// (two stores on one database would overwrite each other's counters).
#[derive(Debug)]
pub struct SledStore {
    db: sled::Db,
    users: sled::Tree,
    journal: sled::Tree,
    stats: sled::Tree,
    retention: Retention,
    counters: Mutex<BTreeMap<i64, Day>>,
    /// Held while counters are written, so writes land in the order their
    /// snapshots were taken.
    writer: Mutex<()>,
    /// The next journal sequence number.
    seq: AtomicU64,
    /// Journal entries stored, counting inserts in progress (sled's own
    /// `len` scans the tree).
    journal_len: AtomicUsize,
    started: Instant,
    /// Milliseconds after `started` of the last counter write.
    last_write_ms: AtomicU64,
    write_interval_ms: u64,
}

/// One day's counters and whether they changed since they were written.
#[derive(Debug, Default)]
struct Day {
    counts: Counts,
    dirty: bool,
}

impl SledStore {
    /// Opens the store's trees in `db` (the knowledge base's database, see
    /// [`crate::kb::Kb::db`]) and loads the counters kept there.
    pub fn open(db: &sled::Db, retention: Retention) -> Result<SledStore, StoreError> {
        let users = db.open_tree("users")?;
        let journal = db.open_tree("journal")?;
        let stats = db.open_tree("stats")?;
        let (mut len, mut next_seq) = (0usize, 0u64);
        for key in journal.iter().keys() {
            let key = key?;
            len += 1;
            if let Some((_, seq)) = decode_journal_key(&key) {
                next_seq = next_seq.max(seq + 1);
            }
        }
        let mut days = BTreeMap::new();
        for item in stats.iter() {
            let (key, value) = item?;
            let Some(day) = decode_i64(&key) else {
                continue;
            };
            match serde_json::from_slice::<Counts>(&value) {
                Ok(counts) => {
                    days.insert(
                        day,
                        Day {
                            counts,
                            dirty: false,
                        },
                    );
                }
                Err(e) => tracing::warn!(day, error = %e, "stored counters do not decode; skipped"),
            }
        }
        Ok(SledStore {
            db: db.clone(),
            users,
            journal,
            stats,
            retention,
            counters: Mutex::new(days),
            writer: Mutex::new(()),
            seq: AtomicU64::new(next_seq),
            journal_len: AtomicUsize::new(len),
            started: Instant::now(),
            last_write_ms: AtomicU64::new(0),
            write_interval_ms: DEFAULT_WRITE_INTERVAL.as_millis() as u64,
        })
    }

    /// Sets how long counters may stay in memory only before an event writes
    /// them ([`DEFAULT_WRITE_INTERVAL`] unless set; zero writes on every event).
    pub fn with_write_interval(mut self, interval: Duration) -> SledStore {
        self.write_interval_ms = u64::try_from(interval.as_millis()).unwrap_or(u64::MAX);
        self
    }

    /// The retention this store applies.
    pub fn retention(&self) -> Retention {
        self.retention
    }

    /// How many journal entries are stored.
    pub fn journal_len(&self) -> usize {
        self.journal_len.load(Ordering::Relaxed)
    }

    fn counters(&self) -> MutexGuard<'_, BTreeMap<i64, Day>> {
        self.counters.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds to the counters of the day of `at`.
    fn count(&self, at: i64, f: impl FnOnce(&mut Counts)) {
        let mut days = self.counters();
        let day = days.entry(day_of(at)).or_default();
        f(&mut day.counts);
        day.dirty = true;
    }

    fn append(&self, entry: &JournalEntry) -> Result<(), StoreError> {
        let seq = self.seq.fetch_add(1, Ordering::Relaxed);
        let value = serde_json::to_vec(entry).expect("a journal entry serialises to JSON");
        // Counted before it is inserted, so the count is never below the
        // entries a concurrent `prune` can see and remove.
        self.journal_len.fetch_add(1, Ordering::Relaxed);
        if let Err(e) = self.journal.insert(journal_key(entry.at, seq), value) {
            self.journal_len.fetch_sub(1, Ordering::Relaxed);
            return Err(e.into());
        }
        Ok(())
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Writes the counters when the interval has passed and no other caller
    /// is writing them: an atomic load on the common path.
    fn maybe_write(&self) -> Result<(), StoreError> {
        let last = self.last_write_ms.load(Ordering::Relaxed);
        if self.now_ms().saturating_sub(last) < self.write_interval_ms {
            return Ok(());
        }
        let guard = match self.writer.try_lock() {
            Ok(g) => g,
            Err(TryLockError::Poisoned(p)) => p.into_inner(),
            // Another caller is writing them right now.
            Err(TryLockError::WouldBlock) => return Ok(()),
        };
        self.write_counters(&guard)
    }

    /// Writes every changed day in one batch. The caller holds `writer`.
    fn write_counters(&self, _writer: &MutexGuard<'_, ()>) -> Result<(), StoreError> {
        self.last_write_ms.store(self.now_ms(), Ordering::Relaxed);
        let mut batch = sled::Batch::default();
        let mut written = Vec::new();
        {
            let mut days = self.counters();
            for (&day, d) in days.iter_mut().filter(|(_, d)| d.dirty) {
                let value = serde_json::to_vec(&d.counts).expect("counters serialise to JSON");
                batch.insert(&encode_i64(day), value);
                d.dirty = false;
                written.push(day);
            }
        }
        if written.is_empty() {
            return Ok(());
        }
        if let Err(e) = self.stats.apply_batch(batch) {
            // Not written: try again next time.
            let mut days = self.counters();
            for day in written {
                if let Some(d) = days.get_mut(&day) {
                    d.dirty = true;
                }
            }
            return Err(e.into());
        }
        Ok(())
    }

    fn writer(&self) -> MutexGuard<'_, ()> {
        self.writer.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Store for SledStore {
    fn language(&self, user: u64) -> Result<Option<Lang>, StoreError> {
        Ok(self
            .users
            .get(user.to_be_bytes())?
            .and_then(|v| std::str::from_utf8(&v).ok()?.parse().ok()))
    }

    fn set_language(&self, user: u64, lang: Option<Lang>) -> Result<(), StoreError> {
        match lang {
            Some(l) => self.users.insert(user.to_be_bytes(), l.code())?,
            None => self.users.remove(user.to_be_bytes())?,
        };
        // A choice the user made is written through at once (it is rare, and
        // losing it to a crash would be noticed); counters and the journal
        // wait for the next flush.
        self.users.flush()?;
        Ok(())
    }

    fn record_question(&self, q: &QuestionEvent<'_>) -> Result<(), StoreError> {
        self.count(q.at, |c| c.question(q));
        if let Some(entry) = JournalEntry::of_question(q) {
            self.append(&entry)?;
        }
        self.maybe_write()
    }

    fn record_feedback(&self, f: &FeedbackEvent<'_>) -> Result<(), StoreError> {
        self.count(f.at, |c| c.feedback(f));
        if let Some(entry) = JournalEntry::of_feedback(f) {
            self.append(&entry)?;
        }
        self.maybe_write()
    }

    fn record_reload(&self, at: i64, ok: bool) -> Result<(), StoreError> {
        self.count(at, |c| c.reload(ok));
        self.maybe_write()
    }

    fn journal(&self, since: Option<i64>) -> Result<Vec<JournalEntry>, StoreError> {
        let from = journal_key(since.unwrap_or(i64::MIN), 0);
        let mut out = Vec::new();
        for item in self.journal.range(from..) {
            let (key, value) = item?;
            match serde_json::from_slice(&value) {
                Ok(entry) => out.push(entry),
                Err(e) => {
                    tracing::warn!(key = ?key, error = %e, "journal entry does not decode; skipped")
                }
            }
        }
        Ok(out)
    }

    fn stats(&self, since: Option<i64>) -> Result<Vec<DayStats>, StoreError> {
        let from = since.map_or(i64::MIN, day_of);
        Ok(self
            .counters()
            .range(from..)
            .map(|(&day, d)| DayStats {
                day,
                counts: d.counts.clone(),
            })
            .collect())
    }

    fn prune(&self, now: i64) -> Result<usize, StoreError> {
        let r = self.retention;
        let mut removed = 0;
        // By age: the keys before the cutoff, a range read.
        let cutoff = now.saturating_sub(i64::from(r.max_age_days) * DAY_SECS);
        for key in self.journal.range(..journal_key(cutoff, 0)).keys() {
            if self.journal.remove(key?)?.is_some() {
                removed += 1;
                self.journal_len.fetch_sub(1, Ordering::Relaxed);
            }
        }
        // By count: the oldest beyond the limit.
        let excess = self.journal_len().saturating_sub(r.max_entries);
        for _ in 0..excess {
            if self.journal.pop_min()?.is_none() {
                break;
            }
            removed += 1;
            self.journal_len.fetch_sub(1, Ordering::Relaxed);
        }
        // Counters of days past their retention, in memory and stored. The
        // writer lock keeps a counter write from storing a dropped day again.
        let first_day = day_of(now).saturating_sub(i64::from(r.stats_days));
        let _writer = self.writer();
        let dropped = {
            let mut days = self.counters();
            let kept = days.split_off(&first_day);
            std::mem::replace(&mut *days, kept)
        };
        let stored: Vec<_> = self
            .stats
            .range(..encode_i64(first_day))
            .keys()
            .collect::<Result<_, _>>()?;
        if !stored.is_empty() {
            let mut batch = sled::Batch::default();
            for key in stored {
                batch.remove(key);
            }
            self.stats.apply_batch(batch)?;
        }
        if !dropped.is_empty() {
            tracing::debug!(days = dropped.len(), "dropped old counters");
        }
        Ok(removed)
    }

    fn flush(&self) -> Result<(), StoreError> {
        let writer = self.writer();
        self.write_counters(&writer)?;
        self.db.flush()?;
        Ok(())
    }
}

impl Drop for SledStore {
    /// Writes counters still in memory, so a store dropped without
    /// [`Store::flush`] loses nothing.
    fn drop(&mut self) {
        if let Err(e) = self.flush() {
            tracing::error!(error = %e, "could not write the bot's counters on shutdown");
        }
    }
}

/// An `i64` as 8 bytes that sort like the numbers (sign bit flipped).
fn encode_i64(n: i64) -> [u8; 8] {
    ((n as u64) ^ (1 << 63)).to_be_bytes()
}

fn decode_i64(b: &[u8]) -> Option<i64> {
    let b: [u8; 8] = b.get(..8)?.try_into().ok()?;
    Some((u64::from_be_bytes(b) ^ (1 << 63)) as i64)
}

/// A journal key: time, then sequence, both big-endian.
fn journal_key(at: i64, seq: u64) -> [u8; 16] {
    let mut key = [0; 16];
    key[..8].copy_from_slice(&encode_i64(at));
    key[8..].copy_from_slice(&seq.to_be_bytes());
    key
}

fn decode_journal_key(key: &[u8]) -> Option<(i64, u64)> {
    if key.len() != 16 {
        return None;
    }
    let seq: [u8; 8] = key[8..].try_into().ok()?;
    Some((decode_i64(&key[..8])?, u64::from_be_bytes(seq)))
}

#[cfg(test)]
mod tests;
