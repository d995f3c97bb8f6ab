//! [`PgStore`]: the bot's state in PostgreSQL, shared by every replica.
//!
//! # Why the synchronous `postgres` crate, on threads of its own
//!
//! [`Store`] is synchronous and called from async handlers, and answering
//! must never wait on the database. So nothing a handler calls talks to
//! PostgreSQL on the handler's thread: writes go to a **bounded queue**
//! drained by one writer thread, and a language read is handed to a reader
//! thread and waited for at most [`PgOptions::read_timeout`]. With the work
//! on plain threads anyway, the blocking `postgres` client (tokio-postgres
//! underneath, one connection per thread) is the simplest fit: no pool to
//! size, no async runtime to share with teloxide, and one connection per
//! thread keeps the writer's batches in order. sqlx or deadpool would add a
//! pool whose only users are these two threads.
//!
//! # What happens to a write
//!
//! - Counters add up in memory (as in [`super::SledStore`]) and reach the
//!   `counters` table as deltas (`n = n + delta`) once a second, so replicas
//!   add to the same rows without overwriting each other.
//! - Language choices and journal entries are queued; the writer commits
//!   what the queue holds in one transaction. While PostgreSQL is down it
//!   retries the same batch, with backoff; new writes wait in the queue up to
//!   its bound, and beyond it are **dropped and counted**
//!   ([`StoreHealth::dropped`], `atazan_store_dropped_writes_total`), with
//!   one warning per outage. Counters are never dropped: they wait in memory.
//! - A language choice waits for its commit for at most
//!   [`PgOptions::read_timeout`], so the user's next message finds it on any
//!   replica (sled likewise writes a choice through at once).
//! - A language this replica wrote and has not committed yet is answered
//!   from memory; a read that fails or is late falls back to what this
//!   replica last saw or wrote for the user, else to "no choice" (the user's
//!   Telegram language). While the reader is disconnected, and for a second
//!   after a late read, reads skip the database altogether: an outage costs
//!   handlers one timeout, not one per message. A read that works costs a
//!   handler one loopback round trip (a prepared `SELECT` by primary key).
//!
//! Reports ([`Store::journal`], [`Store::stats`]) and [`Store::prune`] are
//! queued behind the writes, so they see everything this replica recorded
//! before asking, and are answered from SQL.

mod queue;
mod rows;
pub mod schema;

use super::{
    day_of, Counts, DayStats, FeedbackEvent, JournalEntry, QuestionEvent, Retention, Store,
    StoreError, StoreHealth, DAY_SECS,
};
use crate::lang::Lang;
use postgres::{Client, NoTls, Statement};
use queue::Queue;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How often counters are written.
const COUNTER_INTERVAL: Duration = Duration::from_secs(1);
/// Most queued writes committed in one transaction.
const BATCH: usize = 1024;
/// How long the writer keeps trying to commit after the store is dropped.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);
/// Users whose language this replica remembers as a fallback.
const CACHE_USERS: usize = 100_000;

/// Tuning of a [`PgStore`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PgOptions {
    /// Queued writes beyond which new ones are dropped.
    pub queue_bound: usize,
    /// How long a language read may take before the fallback is used.
    pub read_timeout: Duration,
    /// How long a report, prune or flush may wait for the database.
    pub request_timeout: Duration,
    /// How long connecting may take.
    pub connect_timeout: Duration,
}

impl Default for PgOptions {
    /// 10,000 writes; reads 200 ms; reports 10 s; connecting 5 s.
    fn default() -> PgOptions {
        PgOptions {
            queue_bound: 10_000,
            read_timeout: Duration::from_millis(200),
            request_timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(5),
        }
    }
}

type Reply<T> = SyncSender<Result<T, StoreError>>;

/// What the writer thread is asked to do, in order.
enum Op {
    SetLang {
        user: u64,
        lang: Option<Lang>,
        ticket: u64,
        /// Told once the choice is committed.
        done: SyncSender<()>,
    },
    Insert(JournalEntry),
    Flush(Reply<()>),
    Journal(Option<i64>, Reply<Vec<JournalEntry>>),
    Stats(Option<i64>, Reply<Vec<DayStats>>),
    Prune(i64, Reply<usize>),
    Claim(String, Duration, Reply<bool>),
}

impl Op {
    fn is_write(&self) -> bool {
        matches!(self, Op::SetLang { .. } | Op::Insert(_))
    }
}

/// What the handlers' side and the threads share.
struct Shared {
    queue: Queue<Op>,
    /// Counters not yet written, by day.
    counters: Mutex<BTreeMap<i64, Counts>>,
    /// Language choices queued and not yet committed, with their ticket.
    pending: Mutex<HashMap<u64, (Option<Lang>, u64)>>,
    /// The last language this replica read or wrote per user: the fallback.
    cache: Mutex<HashMap<u64, Option<Lang>>>,
    ticket: AtomicU64,
    dropped: AtomicU64,
    /// Whether the current outage was already logged.
    warned: AtomicBool,
    /// Whether the writer's last contact with the database succeeded.
    up: AtomicBool,
    stop: AtomicBool,
    /// Whether the language reader is connected: when not, reads go
    /// straight to the fallback instead of waiting for a timeout.
    reads_ok: AtomicBool,
    /// After a late read, reads go to the fallback until then (ms after
    /// `started`), so a slow database costs one timeout, not one per message.
    skip_reads_until_ms: AtomicU64,
    started: Instant,
    retention: Retention,
    bound: usize,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    fn now_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }
    fn drop_writes(&self, n: u64) {
        self.dropped.fetch_add(n, Ordering::Relaxed);
        if !self.warned.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                bound = self.bound,
                "the shared store cannot keep up or is unreachable: state writes are being dropped (counted in atazan_store_dropped_writes_total)"
            );
        }
    }

    fn merge_counters(&self, days: BTreeMap<i64, Counts>) {
        let mut mine = lock(&self.counters);
        for (day, c) in days {
            mine.entry(day).or_default().add(&c);
        }
    }
}

/// The bot's state in a PostgreSQL database, shared by any number of bot
/// processes. Dropping it commits what is queued (trying for a few seconds).
pub struct PgStore {
    shared: Arc<Shared>,
    reads: Option<SyncSender<(u64, Reply<Option<Lang>>)>>,
    writer: Option<JoinHandle<()>>,
    options: PgOptions,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore")
            .field("health", &self.health())
            .finish_non_exhaustive()
    }
}

impl PgStore {
    /// Connects to `url` (`postgres://user:password@host:port/db`), applies
    /// the missing migrations and starts the writer and reader threads.
    /// Fails when the database cannot be reached now.
    pub fn open(url: &str, retention: Retention) -> Result<PgStore, StoreError> {
        PgStore::open_with(url, retention, PgOptions::default())
    }

    /// [`PgStore::open`] with `options`.
    pub fn open_with(
        url: &str,
        retention: Retention,
        options: PgOptions,
    ) -> Result<PgStore, StoreError> {
        let mut config: postgres::Config = url.parse()?;
        config
            .connect_timeout(options.connect_timeout)
            .application_name("atazan");
        // The client runs its own runtime: connect off any async thread the
        // caller may be on.
        let connect = config.clone();
        let (client, reader) = std::thread::spawn(move || -> Result<_, StoreError> {
            let mut client = connect.connect(NoTls)?;
            schema::migrate(&mut client)?;
            Ok((client, reader_connection(&connect)?))
        })
        .join()
        .map_err(|_| StoreError::Closed)??;

        let shared = Arc::new(Shared {
            queue: Queue::new(options.queue_bound),
            counters: Mutex::new(BTreeMap::new()),
            pending: Mutex::new(HashMap::new()),
            cache: Mutex::new(HashMap::new()),
            ticket: AtomicU64::new(0),
            dropped: AtomicU64::new(0),
            warned: AtomicBool::new(false),
            up: AtomicBool::new(true),
            stop: AtomicBool::new(false),
            reads_ok: AtomicBool::new(true),
            skip_reads_until_ms: AtomicU64::new(0),
            started: Instant::now(),
            retention,
            bound: options.queue_bound,
        });
        let writer = {
            let shared = Arc::clone(&shared);
            let config = config.clone();
            std::thread::Builder::new()
                .name("atazan-pg-writer".into())
                .spawn(move || Writer::new(shared, config, client).run())
                .map_err(|_| StoreError::Closed)?
        };
        let (reads, requests) = sync_channel(64);
        {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name("atazan-pg-reader".into())
                .spawn(move || read_languages(&shared, &config, reader, &requests))
                .map_err(|_| StoreError::Closed)?;
        }
        Ok(PgStore {
            shared,
            reads: Some(reads),
            writer: Some(writer),
            options,
        })
    }

    /// Queues a request and waits for its answer.
    fn request<T>(&self, op: impl FnOnce(Reply<T>) -> Op) -> Result<T, StoreError> {
        let (tx, rx) = sync_channel(1);
        self.shared.queue.push(op(tx));
        match rx.recv_timeout(self.options.request_timeout) {
            Ok(r) => r,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                Err(StoreError::Timeout(self.options.request_timeout))
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => Err(StoreError::Closed),
        }
    }

    fn offer(&self, op: Op) {
        if let Err(op) = self.shared.queue.offer(op) {
            if let Op::SetLang { user, ticket, .. } = op {
                let mut pending = lock(&self.shared.pending);
                if pending.get(&user).is_some_and(|&(_, t)| t == ticket) {
                    pending.remove(&user);
                }
            }
            self.shared.drop_writes(1);
        }
    }

    fn count(&self, at: i64, f: impl FnOnce(&mut Counts)) {
        f(lock(&self.shared.counters).entry(day_of(at)).or_default());
    }

    fn remember(&self, user: u64, lang: Option<Lang>) {
        let mut cache = lock(&self.shared.cache);
        if cache.len() >= CACHE_USERS && !cache.contains_key(&user) {
            cache.clear();
        }
        cache.insert(user, lang);
    }

    fn fallback(&self, user: u64) -> Option<Lang> {
        lock(&self.shared.cache).get(&user).copied().flatten()
    }
}

impl Store for PgStore {
    fn language(&self, user: u64) -> Result<Option<Lang>, StoreError> {
        if let Some(&(lang, _)) = lock(&self.shared.pending).get(&user) {
            return Ok(lang);
        }
        let shared = &self.shared;
        if !shared.reads_ok.load(Ordering::Relaxed)
            || shared.now_ms() < shared.skip_reads_until_ms.load(Ordering::Relaxed)
        {
            return Ok(self.fallback(user));
        }
        let (tx, rx) = sync_channel(1);
        let Some(reads) = &self.reads else {
            return Ok(self.fallback(user));
        };
        if reads.try_send((user, tx)).is_err() {
            // The reader is behind: answer now rather than wait.
            return Ok(self.fallback(user));
        }
        match rx.recv_timeout(self.options.read_timeout) {
            Ok(Ok(lang)) => {
                self.remember(user, lang);
                Ok(lang)
            }
            Ok(Err(e)) => {
                tracing::debug!(error = %e, "reading a language; using the fallback");
                Ok(self.fallback(user))
            }
            Err(_) => {
                tracing::debug!("reading a language took too long; using the fallback");
                shared
                    .skip_reads_until_ms
                    .store(shared.now_ms() + 1000, Ordering::Relaxed);
                Ok(self.fallback(user))
            }
        }
    }

    fn set_language(&self, user: u64, lang: Option<Lang>) -> Result<(), StoreError> {
        let ticket = self.shared.ticket.fetch_add(1, Ordering::Relaxed);
        lock(&self.shared.pending).insert(user, (lang, ticket));
        self.remember(user, lang);
        let (done, committed) = sync_channel(1);
        self.offer(Op::SetLang {
            user,
            lang,
            ticket,
            done,
        });
        // A choice is rare and the user's next message may reach another
        // replica: wait (briefly, as for a read) until every replica sees it.
        // Late, it stays queued and this replica answers from memory.
        let _ = committed.recv_timeout(self.options.read_timeout);
        Ok(())
    }

    fn record_question(&self, q: &QuestionEvent<'_>) -> Result<(), StoreError> {
        self.count(q.at, |c| c.question(q));
        if let Some(entry) = JournalEntry::of_question(q) {
            self.offer(Op::Insert(entry));
        }
        Ok(())
    }

    fn record_feedback(&self, f: &FeedbackEvent<'_>) -> Result<(), StoreError> {
        self.count(f.at, |c| c.feedback(f));
        if let Some(entry) = JournalEntry::of_feedback(f) {
            self.offer(Op::Insert(entry));
        }
        Ok(())
    }

    fn record_reload(&self, at: i64, ok: bool) -> Result<(), StoreError> {
        self.count(at, |c| c.reload(ok));
        Ok(())
    }

    fn journal(&self, since: Option<i64>) -> Result<Vec<JournalEntry>, StoreError> {
        self.request(|r| Op::Journal(since, r))
    }

    fn stats(&self, since: Option<i64>) -> Result<Vec<DayStats>, StoreError> {
        self.request(|r| Op::Stats(since, r))
    }

    fn prune(&self, now: i64) -> Result<usize, StoreError> {
        self.request(|r| Op::Prune(now, r))
    }

    fn flush(&self) -> Result<(), StoreError> {
        self.request(Op::Flush)
    }

    fn health(&self) -> StoreHealth {
        StoreHealth {
            backend: "postgres".into(),
            ok: self.shared.up.load(Ordering::Relaxed),
            queued: self.shared.queue.len(),
            dropped: self.shared.dropped.load(Ordering::Relaxed),
        }
    }

    fn claim_alert(&self, key: &str, window: Duration) -> bool {
        // Unsure whether another replica sent it: better twice than never.
        self.request(|r| Op::Claim(key.to_string(), window, r))
            .unwrap_or_else(|e| {
                tracing::warn!(error = %e, "claiming an alert; sending it anyway");
                true
            })
    }
}

impl Drop for PgStore {
    /// Commits what is queued, trying for up to a few seconds; what cannot
    /// be committed is counted as dropped and logged.
    fn drop(&mut self) {
        self.reads = None;
        self.shared.stop.store(true, Ordering::Release);
        let (tx, _rx) = sync_channel(1);
        // Wakes the writer.
        self.shared.queue.push(Op::Flush(tx));
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
        let dropped = self.shared.dropped.load(Ordering::Relaxed);
        if dropped > 0 {
            tracing::warn!(dropped, "state writes dropped while running");
        }
    }
}

/// A connection for language reads, with its statement prepared.
fn reader_connection(config: &postgres::Config) -> Result<(Client, Statement), postgres::Error> {
    let mut client = config.connect(NoTls)?;
    let stmt = client.prepare("SELECT lang FROM languages WHERE user_id = $1")?;
    Ok((client, stmt))
}

/// Answers language reads on a connection of its own, so a read never
/// waits behind the writer's batches. While disconnected it reconnects every
/// second, and handlers skip it meanwhile.
fn read_languages(
    shared: &Shared,
    config: &postgres::Config,
    conn: (Client, Statement),
    requests: &Receiver<(u64, Reply<Option<Lang>>)>,
) {
    use std::sync::mpsc::RecvTimeoutError;
    let mut conn = Some(conn);
    let mut retry_at = Instant::now();
    loop {
        if conn.is_none() && Instant::now() >= retry_at {
            match reader_connection(config) {
                Ok(c) => {
                    conn = Some(c);
                    shared.reads_ok.store(true, Ordering::Relaxed);
                }
                Err(e) => {
                    tracing::debug!(error = %e, "the language reader cannot connect");
                    retry_at = Instant::now() + Duration::from_secs(1);
                }
            }
        }
        let (user, reply) = match requests.recv_timeout(Duration::from_secs(1)) {
            Ok(r) => r,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => return,
        };
        let answer = match &mut conn {
            None => Err(StoreError::Closed),
            Some((client, stmt)) => match client.query_opt(&*stmt, &[&(user as i64)]) {
                Ok(row) => Ok(row.and_then(|r| rows::lang_of(r.get(0)))),
                Err(e) => {
                    if client.is_closed() {
                        conn = None;
                        shared.reads_ok.store(false, Ordering::Relaxed);
                    }
                    Err(e.into())
                }
            },
        };
        let _ = reply.send(answer);
    }
}

/// The writer thread: commits queued writes and counters, answers requests.
struct Writer {
    shared: Arc<Shared>,
    config: postgres::Config,
    client: Option<Client>,
    /// Writes taken from the queue and not yet committed, in order.
    writes: Vec<Op>,
    backoff: Duration,
    stop_by: Option<Instant>,
}

impl Writer {
    fn new(shared: Arc<Shared>, config: postgres::Config, client: Client) -> Writer {
        Writer {
            shared,
            config,
            client: Some(client),
            writes: Vec::new(),
            backoff: Duration::from_millis(50),
            stop_by: None,
        }
    }

    fn stopping(&mut self) -> bool {
        if self.stop_by.is_none() && self.shared.stop.load(Ordering::Acquire) {
            self.stop_by = Some(Instant::now() + SHUTDOWN_GRACE);
        }
        self.stop_by.is_some()
    }

    fn run(mut self) {
        let mut next_counters = Instant::now() + COUNTER_INTERVAL;
        loop {
            let stopping = self.stopping();
            let deadline = if stopping {
                Instant::now()
            } else {
                next_counters
            };
            let batch = self.shared.queue.take(BATCH, deadline);
            if stopping && batch.is_empty() {
                self.commit(true);
                return;
            }
            let idle = batch.is_empty();
            for op in batch {
                if op.is_write() {
                    self.writes.push(op);
                } else {
                    self.commit(true);
                    self.answer(op);
                }
            }
            let tick = Instant::now() >= next_counters;
            if tick {
                next_counters = Instant::now() + COUNTER_INTERVAL;
            }
            if tick && idle && self.writes.is_empty() && lock(&self.shared.counters).is_empty() {
                self.check();
            } else {
                self.commit(tick);
            }
        }
    }

    /// Tells whether the database is there when there is nothing to write,
    /// so health reflects an outage before the next write does.
    fn check(&mut self) {
        let ok = match self.connected() {
            Some(c) => c.is_valid(Duration::from_secs(2)).is_ok(),
            None => false,
        };
        if !ok {
            self.client = None;
        }
        self.set_up(ok);
    }

    fn set_up(&self, ok: bool) {
        let was = self.shared.up.swap(ok, Ordering::Relaxed);
        if ok && !was {
            tracing::info!("the shared store is reachable again");
            self.shared.warned.store(false, Ordering::Relaxed);
        } else if !ok && was {
            tracing::warn!(
                "the shared store is unreachable: answering goes on, state writes wait in a queue"
            );
        }
    }

    fn connected(&mut self) -> Option<&mut Client> {
        if self.client.as_ref().is_some_and(Client::is_closed) {
            self.client = None;
        }
        if self.client.is_none() {
            match self.config.connect(NoTls) {
                Ok(c) => self.client = Some(c),
                Err(e) => tracing::debug!(error = %e, "the writer cannot connect"),
            }
        }
        self.client.as_mut()
    }

    /// Commits the pending writes (and the counters, with `counters`),
    /// retrying until it works or the shutdown grace ends.
    fn commit(&mut self, counters: bool) {
        loop {
            if self.writes.is_empty() && (!counters || lock(&self.shared.counters).is_empty()) {
                return;
            }
            let days = if counters {
                std::mem::take(&mut *lock(&self.shared.counters))
            } else {
                BTreeMap::new()
            };
            self.connected();
            let result = match self.client.as_mut() {
                Some(client) => commit(client, &self.writes, &days).map_err(Some),
                None => Err(None),
            };
            match result {
                Ok(()) => {
                    let mut pending = lock(&self.shared.pending);
                    for op in self.writes.drain(..) {
                        if let Op::SetLang {
                            user, ticket, done, ..
                        } = op
                        {
                            if pending.get(&user).is_some_and(|&(_, t)| t == ticket) {
                                pending.remove(&user);
                            }
                            let _ = done.try_send(());
                        }
                    }
                    drop(pending);
                    self.backoff = Duration::from_millis(50);
                    self.set_up(true);
                    return;
                }
                Err(e) => {
                    self.shared.merge_counters(days);
                    if let Some(e) = e {
                        tracing::debug!(error = %e, "committing state writes");
                    }
                    if self.client.as_ref().is_some_and(Client::is_closed) {
                        self.client = None;
                    }
                    self.set_up(false);
                    if self.stopping() && self.stop_by.is_some_and(|t| Instant::now() >= t) {
                        let queued = self.shared.queue.take(usize::MAX, Instant::now());
                        let lost = (self.writes.len()
                            + queued.iter().filter(|o| o.is_write()).count())
                            as u64;
                        queued
                            .into_iter()
                            .filter(|o| !o.is_write())
                            .for_each(reply_err);
                        self.writes.clear();
                        if lost > 0 {
                            self.shared.drop_writes(lost);
                        }
                        tracing::warn!(
                            writes = lost,
                            "stopping with the shared store unreachable: queued writes and unwritten counters are lost"
                        );
                        lock(&self.shared.counters).clear();
                        return;
                    }
                    std::thread::sleep(self.backoff);
                    self.backoff = (self.backoff * 2).min(Duration::from_secs(2));
                }
            }
        }
    }

    fn answer(&mut self, op: Op) {
        let retention = self.shared.retention;
        let Some(client) = self.connected() else {
            reply_err(op);
            return;
        };
        match op {
            Op::Flush(r) => {
                let _ = r.send(Ok(()));
            }
            Op::Journal(since, r) => {
                let _ = r.send(read_journal(client, since).map_err(Into::into));
            }
            Op::Stats(since, r) => {
                let _ = r.send(read_stats(client, since).map_err(Into::into));
            }
            Op::Prune(now, r) => {
                let _ = r.send(prune(client, retention, now).map_err(Into::into));
            }
            Op::Claim(key, window, r) => {
                let _ = r.send(claim(client, &key, window).map_err(Into::into));
            }
            Op::SetLang { .. } | Op::Insert(_) => {}
        }
    }
}

/// Answers a request when the database cannot be reached.
fn reply_err(op: Op) {
    match op {
        Op::Flush(r) => drop(r.send(Err(StoreError::Closed))),
        Op::Journal(_, r) => drop(r.send(Err(StoreError::Closed))),
        Op::Stats(_, r) => drop(r.send(Err(StoreError::Closed))),
        Op::Prune(_, r) => drop(r.send(Err(StoreError::Closed))),
        Op::Claim(_, _, r) => drop(r.send(Err(StoreError::Closed))),
        Op::SetLang { .. } | Op::Insert(_) => {}
    }
}

/// One transaction: language choices in order, journal entries, counter
/// deltas.
fn commit(
    client: &mut Client,
    writes: &[Op],
    days: &BTreeMap<i64, Counts>,
) -> Result<(), postgres::Error> {
    let mut tx = client.transaction()?;
    let mut journal = JournalColumns::default();
    for op in writes {
        match op {
            Op::SetLang {
                user,
                lang: Some(l),
                ..
            } => {
                tx.execute(
                    "INSERT INTO languages (user_id, lang) VALUES ($1, $2)
                     ON CONFLICT (user_id) DO UPDATE SET lang = EXCLUDED.lang, updated_at = now()",
                    &[&(*user as i64), &l.code()],
                )?;
            }
            Op::SetLang {
                user, lang: None, ..
            } => {
                tx.execute(
                    "DELETE FROM languages WHERE user_id = $1",
                    &[&(*user as i64)],
                )?;
            }
            Op::Insert(e) => journal.push(e),
            _ => {}
        }
    }
    if !journal.at.is_empty() {
        tx.execute(
            "INSERT INTO journal (at, kind, lang, question, best, score, passage, topic)
             SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[],
                                  $5::text[], $6::real[], $7::text[], $8::text[])",
            &[
                &journal.at,
                &journal.kind,
                &journal.lang,
                &journal.question,
                &journal.best,
                &journal.score,
                &journal.passage,
                &journal.topic,
            ],
        )?;
    }
    let (mut day, mut name, mut n) = (Vec::new(), Vec::new(), Vec::new());
    for (&d, counts) in days {
        let mut rows = rows::flatten(counts);
        // Rows in one order in every replica: concurrent upserts cannot
        // deadlock.
        rows.sort();
        for (k, v) in rows {
            day.push(d);
            name.push(k);
            n.push(v);
        }
    }
    if !day.is_empty() {
        tx.execute(
            "INSERT INTO counters (day, name, n)
             SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[])
             ON CONFLICT (day, name) DO UPDATE SET n = counters.n + EXCLUDED.n",
            &[&day, &name, &n],
        )?;
    }
    tx.commit()
}

/// Journal entries as columns, for one `unnest` insert.
#[derive(Default)]
struct JournalColumns {
    at: Vec<i64>,
    kind: Vec<&'static str>,
    lang: Vec<&'static str>,
    question: Vec<Option<String>>,
    best: Vec<Option<String>>,
    score: Vec<Option<f32>>,
    passage: Vec<Option<String>>,
    topic: Vec<Option<String>>,
}

impl JournalColumns {
    fn push(&mut self, e: &JournalEntry) {
        self.at.push(e.at);
        self.kind.push(rows::kind_name(e.kind));
        self.lang.push(e.lang.code());
        // PostgreSQL text holds no NUL character.
        let clean = |s: &Option<String>| s.as_ref().map(|s| s.replace('\0', ""));
        self.question.push(clean(&e.question));
        self.best.push(clean(&e.best));
        self.score.push(e.score);
        self.passage.push(clean(&e.passage));
        self.topic.push(clean(&e.topic));
    }
}

fn read_journal(
    client: &mut Client,
    since: Option<i64>,
) -> Result<Vec<JournalEntry>, postgres::Error> {
    let rows = client.query(
        "SELECT at, kind, lang, question, best, score, passage, topic
         FROM journal WHERE at >= $1 ORDER BY at, id",
        &[&since.unwrap_or(i64::MIN)],
    )?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            Some(JournalEntry {
                at: r.get(0),
                kind: rows::kind_of(r.get(1))?,
                lang: rows::lang_of(r.get(2))?,
                question: r.get(3),
                best: r.get(4),
                score: r.get(5),
                passage: r.get(6),
                topic: r.get(7),
            })
        })
        .collect())
}

fn read_stats(client: &mut Client, since: Option<i64>) -> Result<Vec<DayStats>, postgres::Error> {
    let from = since.map_or(i64::MIN, day_of);
    let rows = client.query(
        "SELECT day, name, n FROM counters WHERE day >= $1 ORDER BY day, name",
        &[&from],
    )?;
    let mut days: BTreeMap<i64, Vec<(String, i64)>> = BTreeMap::new();
    for r in &rows {
        days.entry(r.get(0)).or_default().push((r.get(1), r.get(2)));
    }
    Ok(days
        .into_iter()
        .map(|(day, rows)| DayStats {
            day,
            counts: rows::unflatten(rows),
        })
        .collect())
}

fn prune(client: &mut Client, r: Retention, now: i64) -> Result<usize, postgres::Error> {
    let cutoff = now.saturating_sub(i64::from(r.max_age_days) * DAY_SECS);
    let first_day = day_of(now).saturating_sub(i64::from(r.stats_days));
    let keep = i64::try_from(r.max_entries).unwrap_or(i64::MAX);
    let mut tx = client.transaction()?;
    let old = tx.execute("DELETE FROM journal WHERE at < $1", &[&cutoff])?;
    let excess = tx.execute(
        "DELETE FROM journal WHERE id IN
           (SELECT id FROM journal ORDER BY at DESC, id DESC OFFSET $1)",
        &[&keep],
    )?;
    tx.execute("DELETE FROM counters WHERE day < $1", &[&first_day])?;
    tx.execute(
        "DELETE FROM sent_alerts WHERE sent_at < now() - interval '30 days'",
        &[],
    )?;
    tx.commit()?;
    Ok(usize::try_from(old + excess).unwrap_or(usize::MAX))
}

/// Whether this replica is the one to send the alert `key`: the first to
/// claim it, or the first after `window` since it was last sent.
fn claim(client: &mut Client, key: &str, window: Duration) -> Result<bool, postgres::Error> {
    let rows = client.query(
        "INSERT INTO sent_alerts (key) VALUES ($1)
         ON CONFLICT (key) DO UPDATE SET sent_at = now()
           WHERE sent_alerts.sent_at < now() - make_interval(secs => $2)
         RETURNING key",
        &[&key, &window.as_secs_f64()],
    )?;
    Ok(!rows.is_empty())
}
