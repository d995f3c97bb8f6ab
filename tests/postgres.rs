//! The PostgreSQL store against a real server: a throwaway cluster per test
//! ([`common::postgres::Cluster`]). `cargo test postgres` runs them all; a
//! machine without PostgreSQL's server binaries fails them (CI installs it).

mod common;

use atazan::reply::Kind;
use atazan::store::contract::{self, question, Backend, T0};
use atazan::store::{PgOptions, PgStore, Retention, Store};
use atazan::Lang;
use common::bot::{free_port, BotProcess, Setup};
use common::http::{get, post_webhook};
use common::postgres::Cluster;
use common::{atazan, poll, run, ContentCopy};
use fake_bot_api::{Chat, FakeApi, Message, User};
use std::time::Duration;

/// An operator report, `atazan ARGS`, on the store at `url`.
fn operator_report(url: &str, args: &[&str]) -> common::Run {
    run(
        atazan()
            .env("ATAZAN_STORE", url)
            .env("ATAZAN_HTTP", "off")
            .args(args),
        b"",
    )
}

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
        content
            .atazan()
            .env("TELOXIDE_TOKEN", "1:test")
            .env("TELOXIDE_API_URL", "http://127.0.0.1:9")
            .env("ATAZAN_STORE", &url)
            .env("ATAZAN_HTTP", "off")
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

/// A replica in webhook mode on `port`, its state in `url`.
fn replica(
    fake: &FakeApi,
    content: &ContentCopy,
    port: u16,
    url: &str,
    setup: Setup,
) -> BotProcess {
    let bot = BotProcess::start(
        fake,
        content,
        setup.env("ATAZAN_STORE", url).webhook(port, SECRET),
    );
    bot.wait_listening(port, Duration::from_secs(30));
    bot
}

const SECRET: &str = "replica-secret";

/// Two replicas, A and B, sharing one database: their content copies, the
/// database's URL, the fake Bot API they both talk to, their ports, the bots.
type Replicas = ([ContentCopy; 2], String, FakeApi, [u16; 2], [BotProcess; 2]);

/// Starts [`Replicas`] with `setup` on database `db` of `pg`.
fn two_replicas(pg: &Cluster, db: &str, setup: Setup) -> Replicas {
    let url = pg.create_db(db);
    let fake = FakeApi::start_blocking();
    let (ca, cb) = (ContentCopy::new(), ContentCopy::new());
    let (pa, pb) = (free_port(), free_port());
    let a = replica(&fake, &ca, pa, &url, setup.clone());
    let b = replica(&fake, &cb, pb, &url, setup);
    ([ca, cb], url, fake, [pa, pb], [a, b])
}

/// Posts every update the fake queued to the replica on `port`.
fn deliver(fake: &FakeApi, port: u16) {
    for update in fake.take_updates() {
        assert_eq!(post_webhook(port, Some(SECRET), &update).0, 200);
    }
}

/// `text` from `user` through the replica on `port`; waits for the reply.
fn ask(fake: &FakeApi, bot: &BotProcess, port: u16, user: &User, text: &str) -> Message {
    bot.reply_after(user.id as i64, || {
        fake.message(user, &Chat::private(user), text);
        deliver(fake, port);
    })
}

#[test]
fn postgres_two_webhook_replicas_share_users_journal_and_stats() {
    let pg = Cluster::start();
    let (_copies, url, fake, [pa, pb], [a, b]) = two_replicas(&pg, "replicas", Setup::default());

    // A language chosen through A is used by B.
    let user = User::new(701).lang("kk");
    let picker = ask(&fake, &a, pa, &user, "/lang");
    let mark = fake.mark();
    fake.callback(
        &user,
        &picker,
        &atazan::screen::Action::SetLang(Lang::Ru).encode(),
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
    let la = a.stop_cleanly();
    let lb = b.stop_cleanly();

    let report = operator_report(&url, &["unanswered", "--json"]);
    assert!(report.ok(), "{}", report.stderr);
    assert!(report.stdout.contains("weather"), "{}", report.stdout);
    assert!(report.stdout.contains("football"), "{}", report.stdout);

    let stats = operator_report(&url, &["stats", "--json"]);
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

/// The value of a metric without labels in `/metrics` text.
fn metric(text: &str, name: &str) -> u64 {
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {name} in:\n{text}"))
}

/// Off-topic questions the bot journals, told apart by two letters (a
/// number could match a passage: "day 7" reads like the seven-year term).
fn off_topic(i: usize) -> String {
    let tag: String = [b'a' + (i / 26) as u8, b'a' + (i % 26) as u8]
        .iter()
        .map(|&b| b as char)
        .collect();
    format!("what is the weather in Almaty for the city quarter {tag}")
}

/// The journal's question texts.
fn journal_texts(url: &str) -> Vec<String> {
    let store = PgStore::open(url, Retention::default()).unwrap();
    store
        .journal(None)
        .unwrap()
        .into_iter()
        .filter_map(|e| e.question)
        .collect()
}

#[test]
fn postgres_a_replica_killed_mid_burst_loses_nothing_the_other_recorded() {
    let pg = Cluster::start();
    let (_copies, url, fake, [pa, pb], [a, b]) = two_replicas(&pg, "killed", Setup::default());

    // A burst from many users, spread over both replicas; A is killed half
    // way and the balancer sends the rest to B.
    const N: usize = 40;
    let mark = fake.mark();
    let mut to_b = Vec::new();
    let mut a = Some(a);
    for i in 0..N {
        let user = User::new(800 + i as u64).lang("en");
        fake.message(&user, &Chat::private(&user), &off_topic(i));
        if i == N / 2 {
            let log = a.take().unwrap().kill();
            assert!(!log.contains("panicked"), "{log}");
        }
        let port = if i % 2 == 0 && a.is_some() { pa } else { pb };
        if port == pb {
            to_b.push(i);
        }
        deliver(&fake, port);
    }
    // B answers every question it was given.
    for &i in &to_b {
        b.wait_call(mark, |c| {
            c.is("sendMessage") && c.ok() && c.chat_id() == Some(800 + i as i64)
        });
    }
    b.stop_cleanly();

    let texts = journal_texts(&url);
    for &i in &to_b {
        assert!(
            texts.contains(&off_topic(i)),
            "question {i}, answered by B, is in the journal"
        );
    }
}

#[test]
fn postgres_stopped_and_restarted_under_load_answers_never_stop() {
    let pg = Cluster::start();
    let url = pg.create_db("restart");
    let fake = FakeApi::start_blocking();
    let content = ContentCopy::new();
    let ops = free_port();
    let bot = BotProcess::start(
        &fake,
        &content,
        Setup::default()
            .env("ATAZAN_STORE", &url)
            .env("ATAZAN_STORE_QUEUE", "5")
            .env("ATAZAN_HTTP", &format!("127.0.0.1:{ops}")),
    );
    let user = User::new(900).lang("en");
    let mut asked = 0;
    let mut ask_one = |bot: &BotProcess| {
        let reply = bot.ask(&user, &off_topic(asked));
        asked += 1;
        reply
    };
    for _ in 0..5 {
        ask_one(&bot);
    }
    pg.stop();
    // Every question is answered while PostgreSQL is away.
    for _ in 0..30 {
        ask_one(&bot);
    }
    let (_, health) = get(ops, "/healthz");
    assert!(health.contains("\"backend\":\"postgres\""), "{health}");
    pg.restart();
    for _ in 0..5 {
        ask_one(&bot);
    }
    // Wait for the queue to drain (the writer retries with backoff).
    poll(Duration::from_secs(60), Duration::from_millis(100), || {
        let (_, h) = get(ops, "/healthz");
        (h.contains("\"ok\":true,\"queued\":0"))
            .then_some(())
            .ok_or_else(|| format!("the queue did not drain: {h}\n{}", bot.stderr()))
    });
    let (_, metrics) = get(ops, "/metrics");
    let dropped = metric(&metrics, "atazan_store_dropped_writes_total");
    assert!(dropped > 0, "a queue of 5 overflows during the outage");
    let log = bot.stop_cleanly();
    assert_eq!(
        log.matches("state writes are being dropped").count(),
        1,
        "the loss is logged once: {log}"
    );

    let texts = journal_texts(&url);
    let kept = (0..asked)
        .filter(|&i| texts.contains(&off_topic(i)))
        .count() as u64;
    assert_eq!(
        kept + dropped,
        asked as u64,
        "every question is in the journal or counted as dropped"
    );
    let store = PgStore::open(&url, Retention::default()).unwrap();
    let c = contract::totals(&store);
    assert_eq!(
        c.kinds.asked(),
        asked as u64,
        "counters wait in memory: none lost"
    );
}

#[test]
fn postgres_a_content_alert_goes_out_once_for_all_replicas() {
    const PASSAGE: &str = "passages/kurultai/kurultai-size.md";
    let pg = Cluster::start();
    let ([ca, cb], _url, fake, [pa, pb], [a, b]) = two_replicas(
        &pg,
        "alerts_once",
        Setup::default().env("ATAZAN_ADMINS", "900"),
    );
    let admin = User::new(900).lang("en");
    ask(&fake, &a, pa, &admin, "/start");

    // The same broken file lands in both replicas' content folders.
    let mark = fake.mark();
    for c in [&ca, &cb] {
        let broken = c
            .read(PASSAGE)
            .replacen("topic = \"kurultai\"", "topic = kurultai", 1);
        c.write(PASSAGE, broken);
    }
    a.wait_call(mark, |c| {
        c.is("sendMessage")
            && c.chat_id() == Some(900)
            && c.text().is_some_and(|t| t.contains("kurultai-size.md:2:"))
    });
    // Both refused the change (each logs its reload)...
    poll(Duration::from_secs(30), Duration::from_millis(50), || {
        let (la, lb) = (a.stderr(), b.stderr());
        (la.contains("refused") && lb.contains("refused"))
            .then_some(())
            .ok_or_else(|| format!("both replicas refuse the broken file:\n{la}\n{lb}"))
    });
    // ...and have answered a message since, so their alert is decided.
    ask(&fake, &a, pa, &admin, "/help");
    ask(&fake, &b, pb, &admin, "/help");
    let alerts = fake
        .calls_of("sendMessage")
        .into_iter()
        .filter(|c| c.chat_id() == Some(900))
        .filter(|c| c.text().is_some_and(|t| t.contains("kurultai-size.md:2:")))
        .count();
    assert_eq!(alerts, 1, "one alert for both replicas");
}

#[test]
fn postgres_url_password_is_masked_by_atazan_config() {
    let out = run(
        atazan()
            .env("ATAZAN_STORE", "postgres://atazan:pa55-word@db:5432/atazan")
            .arg("config"),
        b"",
    );
    assert!(out.ok(), "{}", out.stderr);
    assert!(!out.stdout.contains("pa55-word"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("store = \"postgres://atazan:masked@db:5432/atazan\""),
        "{}",
        out.stdout
    );
}
