//! The bot under load, end to end, against the emulated Bot API on loopback.
//!
//! ```sh
//! cargo bench --bench load                         # 20 s per phase, 300 users
//! ATAZAN_LOAD_SECS=600 cargo bench --bench load    # the 10-minute run
//! ATAZAN_LOAD_USERS=1000 cargo bench --bench load
//! ```
//!
//! Users are closed loops: each asks a question, waits for the reply, asks
//! the next (questions from the content's own example questions in kk, ru
//! and en, with off-topic and advice questions mixed in). Two phases run in
//! this one process against the same fake server:
//!
//! 1. **baseline**: a teloxide dispatcher whose handler echoes the text back:
//!    the same polling, HTTP and JSON work, no answering. Its replies/s is
//!    the ceiling this machine allows the bot.
//! 2. **atazan**: `atazan::bot::run_until` with the real content, outgoing
//!    throttling off (Telegram's 30 messages/s would otherwise be the
//!    measurement), flood guard raised.
//!
//! Printed per phase: replies/s, reply latency p50/p99 (update queued →
//! sendMessage received), and resident memory at the start, every 10% of
//! the run, and at the end: flat memory means the last samples do not climb.

#[path = "../tests/common/telegram.rs"]
mod telegram;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use telegram::{Call, Chat, FakeApi, Options, User, TOKEN};

/// Per-user state of the closed loop.
struct Loop {
    fake: Mutex<Option<FakeApi>>,
    users: Vec<User>,
    questions: Vec<String>,
    /// user id → (when the question was queued, questions asked).
    asked: Mutex<HashMap<i64, (Instant, usize)>>,
    latencies: Mutex<Vec<u32>>,
    replies: AtomicU64,
    running: AtomicBool,
}

impl Loop {
    fn ask(&self, user: usize) {
        let Some(fake) = self.fake.lock().unwrap().clone() else {
            return;
        };
        let u = &self.users[user];
        let n = {
            let mut asked = self.asked.lock().unwrap();
            let e = asked.entry(u.id as i64).or_insert((Instant::now(), 0));
            e.0 = Instant::now();
            e.1 += 1;
            e.1
        };
        let q = &self.questions[(user * 7 + n) % self.questions.len()];
        fake.message(u, &Chat::private(u), q);
    }

    /// The fake's hook: a reply arrived; the user asks the next question.
    fn on_call(&self, call: &Call) {
        if !call.is("sendMessage") || !call.ok() {
            return;
        }
        let Some(chat) = call.chat_id() else { return };
        let Some(started) = self.asked.lock().unwrap().get(&chat).map(|e| e.0) else {
            return;
        };
        self.latencies
            .lock()
            .unwrap()
            .push(started.elapsed().as_micros().min(u32::MAX as u128) as u32);
        self.replies.fetch_add(1, Ordering::Relaxed);
        if self.running.load(Ordering::Relaxed) {
            if let Some(i) = self.users.iter().position(|u| u.id as i64 == chat) {
                self.ask(i);
            }
        }
    }
}

fn rss_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

struct Report {
    name: &'static str,
    replies: u64,
    secs: f64,
    p50_us: u32,
    p99_us: u32,
    rss_mib: Vec<f64>,
}

fn percentile(sorted: &[u32], p: f64) -> u32 {
    if sorted.is_empty() {
        return 0;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Runs one phase: starts the fake server, `start_bot` against it, the user
/// loops for `secs`, then stops everything.
fn phase<F, Fut>(
    name: &'static str,
    users: usize,
    secs: u64,
    questions: &[String],
    start_bot: F,
) -> Report
where
    F: FnOnce(String, tokio::sync::oneshot::Receiver<()>) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let state = Arc::new(Loop {
        fake: Mutex::new(None),
        users: (0..users)
            .map(|i| User::new(1_000_000 + i as u64).lang(["kk", "ru", "en"][i % 3]))
            .collect(),
        questions: questions.to_vec(),
        asked: Mutex::new(HashMap::new()),
        latencies: Mutex::new(Vec::with_capacity(1 << 20)),
        replies: AtomicU64::new(0),
        running: AtomicBool::new(true),
    });
    let hook = Arc::clone(&state);
    let fake = FakeApi::start_blocking_with(Options {
        keep_calls: 1_000,
        keep_messages_per_chat: 4,
        on_call: Some(Arc::new(move |c: &Call| hook.on_call(c))),
        ..Options::default()
    });
    *state.fake.lock().unwrap() = Some(fake.clone());

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel();
    let bot = runtime.spawn(start_bot(fake.url(), stop_rx));
    // Warm up: every user's chat gets its first worker before measuring.
    let started = Instant::now();
    while !fake.is_polling() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{name}: the bot did not start"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    for i in 0..users {
        state.ask(i);
    }
    std::thread::sleep(Duration::from_secs(2));
    state.latencies.lock().unwrap().clear();
    let base = state.replies.load(Ordering::Relaxed);
    let t0 = Instant::now();
    let mut rss = vec![rss_kib("VmRSS:") as f64 / 1024.0];
    for tenth in 1..=10 {
        let until = Duration::from_secs_f64(secs as f64 * tenth as f64 / 10.0);
        std::thread::sleep(until.saturating_sub(t0.elapsed()));
        rss.push(rss_kib("VmRSS:") as f64 / 1024.0);
    }
    let replies = state.replies.load(Ordering::Relaxed) - base;
    let elapsed = t0.elapsed().as_secs_f64();
    state.running.store(false, Ordering::Relaxed);
    let _ = stop_tx.send(());
    let _ = runtime.block_on(async { tokio::time::timeout(Duration::from_secs(20), bot).await });
    runtime.shutdown_timeout(Duration::from_secs(2));
    fake.shutdown();
    *state.fake.lock().unwrap() = None;
    let mut lat = std::mem::take(&mut *state.latencies.lock().unwrap());
    lat.sort_unstable();
    Report {
        name,
        replies,
        secs: elapsed,
        p50_us: percentile(&lat, 0.50),
        p99_us: percentile(&lat, 0.99),
        rss_mib: rss,
    }
}

fn questions(content: &atazan::content::Content) -> Vec<String> {
    let mut qs: Vec<String> = content
        .passages
        .iter()
        .flat_map(|p| {
            p.text
                .iter()
                .flat_map(|(_, t)| t.questions.iter().cloned())
                .collect::<Vec<_>>()
        })
        .collect();
    // Off-topic, advice, small talk and odd input, as real traffic has.
    for q in [
        "погода в Алматы на выходные",
        "what's the dollar rate today",
        "how should I vote?",
        "кімге дауыс берген дұрыс?",
        "сәлем",
        "спасибо!",
        "😂😂",
        "Ertenğı auarai qandai bolady?",
    ] {
        qs.push(q.to_string());
    }
    qs
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is read from the arguments.
    let secs: u64 = std::env::var("ATAZAN_LOAD_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let users: usize = std::env::var("ATAZAN_LOAD_USERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let content_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let content = atazan::content::ContentFiles::read(&content_dir)
        .unwrap()
        .parse()
        .unwrap();
    let qs = questions(&content);
    println!(
        "load: {users} users, closed loop, {secs} s per phase, {} distinct questions",
        qs.len()
    );

    let echo = phase(
        "baseline: echo handler",
        users,
        secs,
        &qs,
        |url, stop| async move {
            use teloxide::prelude::*;
            let client = teloxide::net::default_reqwest_settings()
                .pool_max_idle_per_host(256)
                .build()
                .unwrap();
            let bot = Bot::with_client(TOKEN, client).set_api_url(url.parse().unwrap());
            let handler = Update::filter_message().endpoint(|bot: Bot, msg: Message| async move {
                bot.send_message(msg.chat.id, msg.text().unwrap_or("?"))
                    .await?;
                Ok::<(), teloxide::RequestError>(())
            });
            let mut dispatcher = Dispatcher::builder(bot, handler).build();
            let token = dispatcher.shutdown_token();
            tokio::spawn(async move {
                let _ = stop.await;
                while token.shutdown().is_err() {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            });
            dispatcher.dispatch().await;
        },
    );

    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let atazan = phase("atazan", users, secs, &qs, move |url, stop| async move {
        let mut config = atazan::config::Config {
            content: content_dir.clone(),
            data,
            ..Default::default()
        };
        config.telegram.token = Some(TOKEN.to_string());
        config.telegram.api_url = Some(url);
        config.http.listen = None;
        config.limits.throttle = false;
        config.limits.flood_messages = 1_000_000;
        config.reload.watch = false;
        let (live, problems) = atazan::live::Live::open(&config.content, &config.data).unwrap();
        let stop = async move {
            let _ = stop.await;
        };
        atazan::bot::run_until(config, Arc::new(live), problems, stop)
            .await
            .unwrap();
    });

    println!();
    println!("| phase | replies | replies/s | p50 latency | p99 latency | RSS start → end (max) |");
    println!("|---|---|---|---|---|---|");
    for r in [&echo, &atazan] {
        let max = r.rss_mib.iter().cloned().fold(0.0, f64::max);
        println!(
            "| {} | {} | {:.0} | {:.2} ms | {:.2} ms | {:.1} → {:.1} MiB ({:.1}) |",
            r.name,
            r.replies,
            r.replies as f64 / r.secs,
            r.p50_us as f64 / 1000.0,
            r.p99_us as f64 / 1000.0,
            r.rss_mib[0],
            r.rss_mib.last().unwrap(),
            max
        );
    }
    let ratio = (atazan.replies as f64 / atazan.secs) / (echo.replies as f64 / echo.secs);
    println!();
    println!("atazan / echo throughput: {ratio:.2}");
    println!(
        "atazan RSS every 10%: {}",
        atazan
            .rss_mib
            .iter()
            .map(|m| format!("{m:.1}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!(
        "peak RSS of the process (both phases and the fake server): {:.1} MiB",
        rss_kib("VmHWM:") as f64 / 1024.0
    );
}
