//! The PostgreSQL store against a real server: a throwaway cluster per test
//! ([`common::postgres::Cluster`]). `cargo test postgres` runs them all; a
//! machine without PostgreSQL's server binaries fails them (CI installs it).

mod common;

use atazan::reply::Kind;
use atazan::store::contract::{self, question, Backend, T0};
use atazan::store::{PgOptions, PgStore, Retention, Store};
use atazan::Lang;
use common::bot::{free_port, BotProcess, Setup};
use common::postgres::Cluster;
use common::telegram::{Chat, FakeApi, Message, User};
use common::{atazan, run, ContentCopy};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// One database of the cluster, opened as often as a contract asks.
struct Database(String);

impl Backend for Database {
    fn open(&self, retention: Retention) -> Box<dyn Store> {
        Box::new(PgStore::open(&self.0, retention).expect("open the PostgreSQL store"))
    }
}

#[test]
fn postgres_store_meets_the_store_contract() {
    let pg = Cluster::start();
    for (i, (name, check)) in contract::ALL.iter().enumerate() {
        let db = Database(pg.create_db(&format!("contract{i}")));
        eprintln!("contract: {name}");
        check(&db);
    }
}

#[test]
fn postgres_replicas_starting_together_migrate_once() {
    let pg = Cluster::start();
    let url = pg.create_db("race");
    let stores: Vec<PgStore> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| s.spawn(|| PgStore::open(&url, Retention::default())))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap().expect("every replica starts"))
            .collect()
    });
    stores[0].set_language(1, Some(Lang::En)).unwrap();
    stores[0].flush().unwrap();
    assert_eq!(stores[3].language(1).unwrap(), Some(Lang::En));
    drop(stores);
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let versions: Vec<i32> = client
        .query(
            "SELECT version FROM schema_migrations ORDER BY version",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        versions,
        atazan::store::postgres::schema::MIGRATIONS
            .iter()
            .map(|m| m.0)
            .collect::<Vec<_>>()
    );
}

#[test]
fn postgres_alerts_are_claimed_by_one_replica() {
    let pg = Cluster::start();
    let url = pg.create_db("alerts");
    let a = PgStore::open(&url, Retention::default()).unwrap();
    let b = PgStore::open(&url, Retention::default()).unwrap();
    let window = Duration::from_secs(600);
    assert!(a.claim_alert("k1", window));
    assert!(!b.claim_alert("k1", window));
    assert!(!a.claim_alert("k1", window));
    assert!(b.claim_alert("k2", window));
    // A window that has passed lets the alert go out again.
    assert!(a.claim_alert("k1", Duration::ZERO));
}

#[test]
fn postgres_down_while_running_queues_then_drops_and_counts() {
    let pg = Cluster::start();
    let url = pg.create_db("outage");
    let options = PgOptions {
        queue_bound: 50,
        request_timeout: Duration::from_secs(30),
        ..PgOptions::default()
    };
    let store = PgStore::open_with(&url, Retention::default(), options).unwrap();
    store.set_language(5, Some(Lang::Ru)).unwrap();
    store.flush().unwrap();
    assert!(store.health().ok);

    pg.stop();
    const N: u64 = 300;
    for i in 0..N {
        let text = format!("question {i}");
        store
            .record_question(&question(&text, Kind::Unknown, T0 + i as i64))
            .unwrap();
        // Recording never fails nor waits while the database is away, and a
        // language is still answered (from what this replica knows).
        assert_eq!(store.language(5).unwrap(), Some(Lang::Ru));
    }
    let health = store.health();
    assert!(health.dropped > 0, "{health:?}");
    assert!(health.queued <= 50, "{health:?}");

    pg.restart();
    store.flush().unwrap();
    let kept = store.journal(None).unwrap().len() as u64;
    let dropped = store.health().dropped;
    assert_eq!(
        kept + dropped,
        N,
        "every question is kept or counted as dropped"
    );
    let c = contract::totals(&store);
    assert_eq!(c.kinds.unknown, N, "counters wait in memory: none lost");
    assert!(store.health().ok);
}

#[test]
fn postgres_unreachable_at_start_up_is_an_error_naming_atazan_store() {
    let content = ContentCopy::new();
    let url = format!("postgres://atazan:hunter2@127.0.0.1:{}/atazan", free_port());
    let out = run(
        atazan()
            .env("TELOXIDE_TOKEN", "1:test")
            .env("TELOXIDE_API_URL", "http://127.0.0.1:9")
            .env("ATAZAN_STORE", &url)
            .env("ATAZAN_HTTP", "off")
            .arg("--content")
            .arg(&content.dir)
            .arg("--data")
            .arg(content.data())
            .arg("run"),
        b"",
    );
    assert!(!out.ok(), "{}", out.stderr);
    assert!(out.stderr.contains("ATAZAN_STORE"), "{}", out.stderr);
    assert!(!out.stderr.contains("hunter2"), "{}", out.stderr);
    let out = run(
        atazan()
            .arg("--store")
            .arg(&url)
            .arg("--data")
            .arg(content.data())
            .arg("unanswered"),
        b"",
    );
    assert!(!out.ok(), "{}", out.stderr);
    assert!(out.stderr.contains("ATAZAN_STORE"), "{}", out.stderr);
}

/// One HTTP/1.1 POST; returns the status code.
fn post(port: u16, path: &str, secret: &str, body: &str) -> u16 {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let req = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Type: application/json\r\nX-Telegram-Bot-Api-Secret-Token: {secret}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

/// A replica in webhook mode on `port`, its state in `url`.
fn replica(fake: &FakeApi, content: &ContentCopy, port: u16, url: &str) -> BotProcess {
    let bot = BotProcess::start(
        fake,
        content,
        Setup {
            no_wait: true,
            ..Setup::default()
        }
        .env("ATAZAN_STORE", url)
        .env("ATAZAN_WEBHOOK_SECRET", SECRET)
        .arg("--webhook-url")
        .arg("https://bot.example.org/tg")
        .arg("--listen")
        .arg(&format!("127.0.0.1:{port}")),
    );
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        bot.assert_running();
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "nothing on {port}:\n{}",
            bot.stderr()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    bot
}

const SECRET: &str = "replica-secret";

/// Posts every update the fake queued to the replica on `port`.
fn deliver(fake: &FakeApi, port: u16) {
    for update in fake.take_updates() {
        assert_eq!(post(port, "/tg", SECRET, &update), 200);
    }
}

/// `text` from `user` through the replica on `port`; waits for the reply.
fn ask(fake: &FakeApi, bot: &BotProcess, port: u16, user: &User, text: &str) -> Message {
    let mark = fake.mark();
    fake.message(user, &Chat::private(user), text);
    deliver(fake, port);
    bot.reply_in(user.id as i64, mark)
}

#[test]
fn postgres_two_webhook_replicas_share_users_journal_and_stats() {
    let pg = Cluster::start();
    let url = pg.create_db("replicas");
    let fake = FakeApi::start_blocking();
    let (ca, cb) = (ContentCopy::new(), ContentCopy::new());
    let (pa, pb) = (free_port(), free_port());
    let a = replica(&fake, &ca, pa, &url);
    let b = replica(&fake, &cb, pb, &url);

    // A language chosen through A is used by B.
    let user = User::new(701).lang("kk");
    let picker = ask(&fake, &a, pa, &user, "/lang");
    let mark = fake.mark();
    fake.callback(
        &user,
        &picker,
        &atazan::dialog::Action::SetLang(Lang::Ru).encode(),
    );
    deliver(&fake, pa);
    a.wait_call(mark, |c| c.is("editMessageText"));
    let welcome = ask(&fake, &b, pb, &user, "/start");
    let shown = welcome.plain().unwrap_or_default();
    assert!(
        shown.contains(atazan::i18n::t(atazan::i18n::Msg::Welcome, Lang::Ru)),
        "B greets in the language chosen through A: {shown}"
    );

    // Questions alternately through A and B; the unanswered ones show in
    // `atazan unanswered` run beside either.
    let asker = User::new(702).lang("en");
    let questions = [
        "how many MPs",
        "what is the weather in Almaty tomorrow",
        "how many MPs",
        "who won the football match yesterday",
    ];
    for (i, q) in questions.iter().enumerate() {
        let (bot, port) = if i % 2 == 0 { (&a, pa) } else { (&b, pb) };
        ask(&fake, bot, port, &asker, q);
    }
    let (sa, la) = a.terminate();
    assert!(sa.success(), "{la}");
    let (sb, lb) = b.terminate();
    assert!(sb.success(), "{lb}");

    let report = run(
        atazan()
            .env("ATAZAN_STORE", &url)
            .env("ATAZAN_HTTP", "off")
            .args(["unanswered", "--json"]),
        b"",
    );
    assert!(report.ok(), "{}", report.stderr);
    assert!(report.stdout.contains("weather"), "{}", report.stdout);
    assert!(report.stdout.contains("football"), "{}", report.stdout);

    let stats = run(
        atazan()
            .env("ATAZAN_STORE", &url)
            .env("ATAZAN_HTTP", "off")
            .args(["stats", "--json"]),
        b"",
    );
    assert!(stats.ok(), "{}", stats.stderr);
    let store = PgStore::open(&url, Retention::default()).unwrap();
    let c = contract::totals(&store);
    assert_eq!(c.kinds.answered, 2, "{c:?}");
    assert_eq!(
        c.kinds.out_of_scope + c.kinds.unknown + c.kinds.unsure,
        2,
        "{c:?}"
    );
    // Both logs stay free of user text and ids at info level.
    for log in [&la, &lb] {
        assert!(!log.contains("weather"), "{log}");
        assert!(!log.contains("702"), "{log}");
    }
}
