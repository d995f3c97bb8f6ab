//! A full disk under the data folder: the bot's data folder on a small tmpfs
//! that the test fills up. The bot keeps answering, operators are told
//! once, lost writes are counted in `/metrics`; killed on a full disk, the
//! sled folder reopens once space is back; and when space comes back while
//! it runs, the bot restarts itself and writes work again.
//!
//! Mounting needs root (or CAP_SYS_ADMIN); where the test may not mount, it
//! says so and passes: the same behaviour is covered in-process by a store
//! whose writes fail on demand (`store::guard` unit test).

mod common;

use common::bot::{free_port, BotProcess, Setup};
use common::http::get;
use common::{poll, ContentCopy};
use fake_bot_api::{FakeApi, User};
use std::io::Write;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const ADMIN: u64 = 900;
const MINUTE: Duration = Duration::from_secs(60);
const TENTH: Duration = Duration::from_millis(100);

/// A tmpfs mounted for the test, unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(at: &Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(at).ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Tmpfs(at.to_path_buf()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// Fills the filesystem of `dir` with one file, until it is full.
fn fill(dir: &Path) -> PathBuf {
    let path = dir.join("filler");
    let mut f = std::fs::File::create(&path).expect("create the filler");
    let block = vec![0u8; 16 * 1024];
    while f.write_all(&block).is_ok() {}
    // Whatever fits in smaller pieces too, so nothing is left.
    while f.write_all(&block[..512]).is_ok() {}
    while f.write_all(&block[..1]).is_ok() {}
    let _ = f.sync_all();
    path
}

/// The value of a metric line starting with `name`, or 0 when absent.
fn metric(port: u16, name: &str) -> f64 {
    get(port, "/metrics")
        .1
        .lines()
        .find_map(|l| l.strip_prefix(name)?.trim().parse().ok())
        .unwrap_or(0.0)
}

fn start(fake: &FakeApi, content: &ContentCopy, port: u16) -> BotProcess {
    let bot = BotProcess::start(
        fake,
        content,
        Setup::default()
            .env("ATAZAN_ADMINS", &ADMIN.to_string())
            .env("ATAZAN_HTTP", &format!("127.0.0.1:{port}"))
            .env("ATAZAN_WATCH", "off"),
    );
    bot.wait_listening(port, Duration::from_secs(20));
    bot
}

/// The operator's messages naming the data folder: the storage alerts
/// (in the default language, kk: the admin's own choice cannot be read
/// from a failing store).
fn storage_alerts(fake: &FakeApi, data: &Path) -> Vec<String> {
    let shown = data.display().to_string();
    fake.bot_messages(ADMIN as i64)
        .into_iter()
        .filter_map(|m| m.text)
        .filter(|t| t.contains(&shown))
        .collect()
}

#[test]
fn a_full_disk_costs_writes_not_answers_and_the_folder_reopens() {
    let content = ContentCopy::new();
    let data = content.data();
    // sled's files for the real content take about 2 MB; 8 MB leaves room
    // to start, then the filler takes the rest.
    let Some(_mount) = Tmpfs::mount(&data, "8m") else {
        eprintln!("cannot mount a tmpfs here (not root?): the full-disk test is skipped; the fault-injecting store test covers the behaviour");
        return;
    };
    let fake = FakeApi::start_blocking();
    let port = free_port();
    let admin = User::new(ADMIN).lang("en");
    let citizen = User::new(901).lang("ru");

    let bot = start(&fake, &content, port);
    bot.ask(&admin, "/start");
    assert!(bot
        .ask(&citizen, "сколько депутатов в курултае")
        .plain()
        .is_some());
    assert_eq!(metric(port, "atazan_store_failing"), 0.0);

    // The disk fills up. Unanswered questions and language choices are
    // writes; every one still gets its reply.
    let filler = fill(&data);
    let started = Instant::now();
    let mut asked = 0;
    while metric(port, "atazan_store_lost_writes_total{what=\"question\"}") == 0.0 {
        let reply = bot.ask(&citizen, &format!("погода в Алматы {asked}"));
        assert!(reply.plain().is_some_and(|t| !t.is_empty()));
        asked += 1;
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no write failed on a full disk after {asked} questions:\n{}",
            bot.stderr()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // More failures: still answered, still one alert.
    for i in 0..5 {
        let reply = bot.ask(&citizen, &format!("какая погода завтра {i}"));
        assert!(reply.plain().is_some_and(|t| !t.is_empty()));
    }
    let answered = bot.ask(&citizen, "сколько депутатов в курултае");
    assert!(
        answered.plain().is_some_and(|t| t.contains("145")),
        "a real answer on a full disk: {:?}",
        answered.plain()
    );
    let wait = Instant::now();
    while storage_alerts(&fake, &data).is_empty() && wait.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(50));
    }
    let alerts = storage_alerts(&fake, &data);
    assert_eq!(alerts.len(), 1, "operators are told once: {alerts:#?}");
    assert!(
        alerts[0].contains("/metrics") && alerts[0].contains("No space left"),
        "the alert says what and where: {}",
        alerts[0]
    );
    assert!(metric(port, "atazan_store_lost_writes_total{what=\"question\"}") >= 1.0);
    assert_eq!(metric(port, "atazan_store_failing"), 1.0);
    let log = bot.stderr();
    assert_eq!(
        log.matches("cannot write to the data folder").count(),
        1,
        "the outage is logged once at error level:\n{log}"
    );
    assert!(!log.contains("panicked"), "{log}");

    // Space comes back while the bot runs. It notices, tells the operators,
    // and restarts itself (the same process id, a new image) to reopen the
    // folder sled gave up on: writes work again with nobody's help.
    let pid = bot.pid();
    std::fs::remove_file(&filler).unwrap();
    let recovered = || {
        fake.bot_messages(ADMIN as i64)
            .into_iter()
            .filter_map(|m| m.text)
            .any(|t| t.starts_with('✅'))
    };
    poll(MINUTE, TENTH, || {
        bot.assert_running();
        recovered().then_some(()).ok_or_else(|| {
            format!(
                "operators were not told the folder takes writes again:\n{}",
                bot.stderr()
            )
        })
    });
    poll(MINUTE, TENTH, || {
        bot.assert_running();
        let back = bot.stderr().contains("restarting to reopen it")
            && TcpStream::connect(("127.0.0.1", port)).is_ok()
            && metric(port, "atazan_store_failing") == 0.0;
        back.then_some(())
            .ok_or_else(|| format!("the bot did not come back on its own:\n{}", bot.stderr()))
    });
    assert_eq!(bot.pid(), pid, "the same process, started afresh");
    let reply = bot.ask(&citizen, "погода после самовосстановления");
    assert!(reply.plain().is_some_and(|t| !t.is_empty()));
    assert_eq!(
        metric(port, "atazan_store_lost_writes_total{what=\"question\"}"),
        0.0,
        "writes work again in the new image"
    );
    // The journal is written after the reply is sent.
    poll(Duration::from_secs(20), TENTH, || {
        let (_, journal) = get(port, "/ops/unanswered");
        (journal.contains("погода после самовосстановления"))
            .then_some(())
            .ok_or_else(|| format!("the new image keeps the journal: {journal}"))
    });
    assert!(!bot.stderr().contains("panicked"), "{}", bot.stderr());

    // The disk fills again and the process dies on it (the worst moment to
    // stop); space comes back; the operator starts the bot. The sled folder
    // reopens (not set aside) and writes work again.
    let filler = fill(&data);
    for i in 0..5 {
        let reply = bot.ask(&citizen, &format!("какая погода в пятницу {i}"));
        assert!(reply.plain().is_some_and(|t| !t.is_empty()));
    }
    let log = bot.kill();
    assert!(!log.contains("panicked"), "{log}");
    std::fs::remove_file(&filler).unwrap();
    let kb = atazan::kb::Kb::open(&data).expect("the sled folder reopens after a full disk");
    drop(kb);

    let bot = start(&fake, &content, port);
    assert!(
        !bot.stderr().contains("moved aside"),
        "the folder was not set aside:\n{}",
        bot.stderr()
    );
    bot.ask(&citizen, "погода в Алматы после");
    assert_eq!(metric(port, "atazan_store_failing"), 0.0);
    assert_eq!(
        metric(port, "atazan_store_lost_writes_total{what=\"question\"}"),
        0.0
    );
    bot.stop_cleanly();

    // What was written after each recovery is on disk.
    let out = content
        .atazan()
        .env("ATAZAN_HTTP", "off")
        .args(["unanswered", "--json"])
        .output()
        .expect("run atazan unanswered");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("погода в Алматы после"),
        "the question asked after recovery is in the journal: {text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
