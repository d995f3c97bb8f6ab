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
//! and en, with off-topic, advice and small talk mixed in). This process
//! runs the fake Bot API and the users; the bot under test is a process of
//! its own, so its memory is its own. Two phases, one after the other:
//!
//! 1. **baseline**: this benchmark re-run as a teloxide dispatcher whose
//!    handler echoes the text back: the same polling, HTTP and JSON work, no
//!    answering. Its replies/s is the ceiling this machine allows a bot.
//! 2. **atazan**: the `atazan run` binary with the real content, outgoing
//!    throttling off (Telegram's 30 messages/s would otherwise be the
//!    measurement), the flood guard raised.
//!
//! 3. **webhook, sled**: one `atazan run` in webhook mode, its state in its
//!    data folder; this process posts each update the users queue to it, as
//!    Telegram would.
//! 4. **webhook, PostgreSQL ×2**: two `atazan run` replicas in webhook mode
//!    sharing a throwaway PostgreSQL cluster (the tests' helper), updates
//!    posted to them in turn as a round-robin balancer would. Phase 3 is its
//!    baseline: the same delivery, one process, no database.
//!
//! Printed per phase: replies/s, reply latency p50/p99 (update queued →
//! sendMessage received), and the bot process's resident memory at the
//! start, every 10% of the run, and its peak: flat memory means the last
//! samples do not climb.

#[path = "../tests/common/postgres.rs"]
#[allow(dead_code)] // The benchmark only starts and stops a cluster.
mod pg_cluster;

/// The allocator `atazan` itself uses, so the echo baseline is measured on
/// equal terms.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use fake_bot_api::{Call, Chat, FakeApi, Options, User, TOKEN};
use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Per-user state of the closed loop.
struct Loop {
    fake: Mutex<Option<FakeApi>>,
    users: Vec<User>,
    questions: Vec<String>,
    /// user id → (when the question was queued, questions asked).
    asked: Mutex<HashMap<i64, (Instant, usize)>>,
    latencies: Mutex<Histogram>,
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
        self.latencies.lock().unwrap().record(started.elapsed());
        self.replies.fetch_add(1, Ordering::Relaxed);
        if self.running.load(Ordering::Relaxed) {
            if let Some(i) = self.users.iter().position(|u| u.id as i64 == chat) {
                self.ask(i);
            }
        }
    }
}

/// Reply latencies in 50 µs buckets up to 10 s: a fixed size, so the
/// harness itself does not grow during a long run and hide or fake a leak.
struct Histogram {
    buckets: Vec<u64>,
}

const BUCKET_US: u64 = 50;

impl Histogram {
    fn new() -> Histogram {
        Histogram {
            buckets: vec![0; 200_001],
        }
    }

    fn record(&mut self, d: Duration) {
        let i = (d.as_micros() as u64 / BUCKET_US).min(self.buckets.len() as u64 - 1);
        self.buckets[i as usize] += 1;
    }

    fn clear(&mut self) {
        self.buckets.iter_mut().for_each(|b| *b = 0);
    }

    /// The upper edge of the bucket holding the `p` quantile, in µs.
    fn percentile(&self, p: f64) -> u64 {
        let total: u64 = self.buckets.iter().sum();
        let want = (total as f64 * p).ceil() as u64;
        let mut seen = 0;
        for (i, &n) in self.buckets.iter().enumerate() {
            seen += n;
            if seen >= want.max(1) {
                return (i as u64 + 1) * BUCKET_US;
            }
        }
        0
    }
}

/// A field of `/proc/<pid>/status` in KiB (`VmRSS:`, `VmHWM:`).
fn status_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// The secret the webhook replicas share.
const SECRET: &str = "load-secret";

/// Posts every update the users queue to the webhook replicas on `ports`,
/// in turn, over kept-alive connections, until `running` is false.
fn forward(fake: FakeApi, ports: Vec<u16>, running: Arc<AtomicBool>) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(1024)
            .build()
            .unwrap();
        let mut next = 0usize;
        while running.load(Ordering::Relaxed) {
            let updates = fake.take_updates();
            if updates.is_empty() {
                tokio::time::sleep(Duration::from_micros(200)).await;
                continue;
            }
            for update in updates {
                let port = ports[next % ports.len()];
                next += 1;
                let request = client
                    .post(format!("http://127.0.0.1:{port}/tg"))
                    .header("X-Telegram-Bot-Api-Secret-Token", SECRET)
                    .header("Content-Type", "application/json")
                    .body(update);
                tokio::spawn(async move {
                    let _ = request.send().await;
                });
            }
        }
    });
}

struct Report {
    name: &'static str,
    replies: u64,
    secs: f64,
    p50_us: u64,
    p99_us: u64,
    rss_mib: Vec<f64>,
    peak_mib: f64,
}

/// Runs one phase: starts the fake server, the bot processes `bots`
/// against it (its Bot API URL in `TELOXIDE_API_URL`), the user loops for
/// `secs`, then stops the bots with SIGTERM. With `webhook` ports (one per
/// bot, set with `--listen` by the caller) updates are posted to the bots;
/// without, the bot long-polls.
fn phase(
    name: &'static str,
    users: usize,
    secs: u64,
    questions: &[String],
    bots: Vec<Command>,
    webhook: Vec<u16>,
) -> Report {
    let state = Arc::new(Loop {
        fake: Mutex::new(None),
        users: (0..users)
            .map(|i| User::new(1_000_000 + i as u64).lang(["kk", "ru", "en"][i % 3]))
            .collect(),
        questions: questions.to_vec(),
        asked: Mutex::new(HashMap::new()),
        latencies: Mutex::new(Histogram::new()),
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
    let mut children: Vec<_> = bots
        .into_iter()
        .map(|mut bot| {
            bot.env("TELOXIDE_TOKEN", TOKEN)
                .env("TELOXIDE_API_URL", fake.url())
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .spawn()
                .expect("start the bot under test")
        })
        .collect();
    let pids: Vec<u32> = children.iter().map(|c| c.id()).collect();
    let started = Instant::now();
    let ready = || {
        if webhook.is_empty() {
            fake.is_polling()
        } else {
            fake.count("setWebhook") >= webhook.len()
        }
    };
    while !ready() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{name}: the bot did not start"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let forwarding = Arc::new(AtomicBool::new(true));
    let forwarder = (!webhook.is_empty()).then(|| {
        let (fake, ports, on) = (fake.clone(), webhook.clone(), Arc::clone(&forwarding));
        std::thread::spawn(move || forward(fake, ports, on))
    });
    let rss_now = || -> f64 {
        pids.iter()
            .map(|&pid| status_kib(pid, "VmRSS:") as f64 / 1024.0)
            .sum()
    };
    for i in 0..users {
        state.ask(i);
    }
    // Warm up: every chat has its worker, every cache is filled.
    std::thread::sleep(Duration::from_secs(2));
    state.latencies.lock().unwrap().clear();
    let base = state.replies.load(Ordering::Relaxed);
    let t0 = Instant::now();
    let mut rss = vec![rss_now()];
    for tenth in 1..=10 {
        let until = Duration::from_secs_f64(secs as f64 * tenth as f64 / 10.0);
        std::thread::sleep(until.saturating_sub(t0.elapsed()));
        rss.push(rss_now());
    }
    let replies = state.replies.load(Ordering::Relaxed) - base;
    let elapsed = t0.elapsed().as_secs_f64();
    let peak = pids
        .iter()
        .map(|&pid| status_kib(pid, "VmHWM:") as f64 / 1024.0)
        .sum();
    state.running.store(false, Ordering::Relaxed);
    forwarding.store(false, Ordering::Relaxed);
    if let Some(f) = forwarder {
        let _ = f.join();
    }
    for (pid, child) in pids.iter().zip(&mut children) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(pid.to_string())
            .status();
        let _ = child.wait();
    }
    fake.shutdown();
    *state.fake.lock().unwrap() = None;
    let lat = state.latencies.lock().unwrap();
    Report {
        name,
        replies,
        secs: elapsed,
        p50_us: lat.percentile(0.50),
        p99_us: lat.percentile(0.99),
        rss_mib: rss,
        peak_mib: peak,
    }
}

/// The baseline bot: a teloxide dispatcher that echoes every text, run in a
/// process of its own (this benchmark, re-run with `ATAZAN_LOAD_ECHO=1`).
fn echo_bot() {
    use teloxide::prelude::*;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = teloxide::net::default_reqwest_settings()
            .pool_max_idle_per_host(256)
            .build()
            .unwrap();
        let url = std::env::var("TELOXIDE_API_URL").unwrap();
        let bot = Bot::with_client(TOKEN, client).set_api_url(url.parse().unwrap());
        let handler = Update::filter_message().endpoint(|bot: Bot, msg: Message| async move {
            bot.send_message(msg.chat.id, msg.text().unwrap_or("?"))
                .await?;
            Ok::<(), teloxide::RequestError>(())
        });
        // SIGTERM ends the process; the baseline has nothing to flush.
        Dispatcher::builder(bot, handler).build().dispatch().await;
    });
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

/// A free port on 127.0.0.1.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn main() {
    if std::env::var_os("ATAZAN_LOAD_ECHO").is_some() {
        return echo_bot();
    }
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

    let mut echo = Command::new(std::env::current_exe().unwrap());
    echo.env("ATAZAN_LOAD_ECHO", "1");
    let echo = phase(
        "baseline: echo handler",
        users,
        secs,
        &qs,
        vec![echo],
        vec![],
    );

    let tmp = tempfile::tempdir().unwrap();
    let atazan_bot = |data: &str, run: &[&str]| {
        let mut bot = Command::new(env!("CARGO_BIN_EXE_atazan"));
        bot.arg("--content")
            .arg(&content_dir)
            .arg("--data")
            .arg(tmp.path().join(data))
            .arg("run")
            .args(run)
            .env("ATAZAN_THROTTLE", "off")
            .env("ATAZAN_FLOOD_MESSAGES", "1000000")
            .env("ATAZAN_HTTP", "off")
            .env("ATAZAN_WATCH", "off")
            .env("ATAZAN_WEBHOOK_SECRET", SECRET);
        bot
    };
    let atazan = phase(
        "atazan",
        users,
        secs,
        &qs,
        vec![atazan_bot("data", &[])],
        vec![],
    );

    let webhook_bot = |data: &str, port: u16| {
        atazan_bot(
            data,
            &[
                "--webhook-url",
                "https://bot.example.org/tg",
                "--listen",
                &format!("127.0.0.1:{port}"),
            ],
        )
    };
    let port = free_port();
    let sled = phase(
        "webhook, sled, 1 replica",
        users,
        secs,
        &qs,
        vec![webhook_bot("sled", port)],
        vec![port],
    );

    let pg = pg_cluster::Cluster::start();
    let url = pg.create_db("load");
    let ports = [free_port(), free_port()];
    let replicas = ports
        .iter()
        .enumerate()
        .map(|(i, &port)| {
            let mut bot = webhook_bot(&format!("replica{i}"), port);
            bot.env("ATAZAN_STORE", &url);
            bot
        })
        .collect();
    let shared = phase(
        "webhook, PostgreSQL, 2 replicas",
        users,
        secs,
        &qs,
        replicas,
        ports.to_vec(),
    );

    println!();
    println!("| bot process | replies | replies/s | p50 latency | p99 latency | RSS start → end | peak RSS |");
    println!("|---|---|---|---|---|---|---|");
    for r in [&echo, &atazan, &sled, &shared] {
        println!(
            "| {} | {} | {:.0} | {:.2} ms | {:.2} ms | {:.1} → {:.1} MiB | {:.1} MiB |",
            r.name,
            r.replies,
            r.replies as f64 / r.secs,
            r.p50_us as f64 / 1000.0,
            r.p99_us as f64 / 1000.0,
            r.rss_mib[0],
            r.rss_mib.last().unwrap(),
            r.peak_mib
        );
    }
    let ratio = (atazan.replies as f64 / atazan.secs) / (echo.replies as f64 / echo.secs);
    println!();
    println!("atazan / echo throughput: {ratio:.2}");
    let ratio = (shared.replies as f64 / shared.secs) / (sled.replies as f64 / sled.secs);
    println!("2 replicas on PostgreSQL / 1 on sled (webhook) throughput: {ratio:.2}");
    for r in [&echo, &atazan, &sled, &shared] {
        println!(
            "{} RSS every 10%: {}",
            r.name,
            r.rss_mib
                .iter()
                .map(|m| format!("{m:.1}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
}
