//! Deployment: webhook mode behind a proxy, `/healthz` and `/metrics`,
//! `atazan health`, the operator reports from a running bot, `atazan config`.
//! Everything on 127.0.0.1.

mod common;

use common::bot::{free_port, BotProcess, Setup};
use common::http::{get, post_webhook};
use common::{atazan, poll, run, ContentCopy};
use fake_bot_api::{Chat, FakeApi, User};
use std::time::Duration;

/// `atazan ARGS` with the ops server at `port`.
fn atazan_at(port: u16, args: &[&str]) -> common::Run {
    run(
        atazan()
            .env("ATAZAN_HTTP", format!("127.0.0.1:{port}"))
            .args(args),
        b"",
    )
}

/// An update as Telegram would post it. The fake Bot API learns the chat
/// from a message it queues (nobody polls it in webhook mode).
fn update(fake: &FakeApi, id: i64, user: u64, text: &str) -> String {
    let u = User::new(user).lang("en");
    let sent = fake.message(&u, &Chat::private(&u), text);
    serde_json::json!({
        "update_id": id,
        "message": {
            "message_id": sent.message_id,
            "date": 1_796_000_000,
            "chat": {"id": user, "type": "private", "first_name": "Web"},
            "from": {"id": user, "is_bot": false, "first_name": "Web", "language_code": "en"},
            "text": text,
        }
    })
    .to_string()
}

/// The bot on a fresh content copy, started with `setup(port)` for a free
/// `port`, once something listens there.
fn start_listening(setup: impl FnOnce(u16) -> Setup) -> (FakeApi, ContentCopy, u16, BotProcess) {
    let fake = FakeApi::start_blocking();
    let content = ContentCopy::new();
    let port = free_port();
    let bot = BotProcess::start(&fake, &content, setup(port));
    bot.wait_listening(port, Duration::from_secs(20));
    (fake, content, port, bot)
}

#[test]
fn webhook_mode_answers_posted_updates_and_refuses_a_wrong_secret() {
    let (fake, _content, port, bot) =
        start_listening(|port| Setup::default().webhook(port, "s3cret-token"));
    // The port is bound before the webhook is registered (so Telegram's
    // first post finds it), so listening alone does not mean registered.
    bot.wait_call(0, |c| c.is("setWebhook") && c.ok());
    assert_eq!(
        fake.webhook(),
        Some((
            "https://bot.example.org/tg".to_string(),
            Some("s3cret-token".to_string())
        )),
        "the webhook is registered with its secret"
    );

    // A wrong or missing secret: 401, and nothing is answered.
    let mark = fake.mark();
    let question = |id, user| update(&fake, id, user, "how many MPs");
    let (status, _) = post_webhook(port, Some("wrong"), &question(1, 501));
    assert_eq!(status, 401);
    let (status, _) = post_webhook(port, None, &question(2, 501));
    assert_eq!(status, 401);

    // The right secret: answered through the Bot API.
    let secret = Some("s3cret-token");
    let (status, _) = post_webhook(port, secret, &question(3, 502));
    assert_eq!(status, 200);
    let reply = bot.wait_call(mark, |c| c.is("sendMessage") && c.ok());
    assert_eq!(reply.chat_id(), Some(502));
    assert!(reply.text().unwrap().contains("145"));
    std::thread::sleep(Duration::from_millis(300));
    let to_501 = fake
        .calls_of("sendMessage")
        .into_iter()
        .filter(|c| c.chat_id() == Some(501))
        .count();
    assert_eq!(to_501, 0, "updates with a bad secret are never processed");
    assert_eq!(fake.count("getUpdates"), 0, "webhook mode does not poll");

    // Garbage is a 4xx, not a 200 and not a crash; the next update is answered.
    for garbage in [
        "",
        "{",
        "null",
        "{\"update_id\": \"x\"}",
        "<html>",
        "[1,2,3]",
    ] {
        let (status, body) = post_webhook(port, secret, garbage);
        assert_eq!(status, 400, "{garbage:?}: {body}");
    }
    let mark = fake.mark();
    let (status, _) = post_webhook(port, secret, &question(4, 503));
    assert_eq!(status, 200);
    let reply = bot.wait_call(mark, |c| c.is("sendMessage") && c.ok());
    assert_eq!(reply.chat_id(), Some(503));

    // SIGTERM: clean exit, and the webhook is taken down.
    let log = bot.stop_cleanly();
    assert!(fake.count("deleteWebhook") >= 1, "{log}");
}

#[test]
fn healthz_and_metrics_count_what_the_bot_did() {
    let (_fake, content, port, bot) =
        start_listening(|port| Setup::default().env("ATAZAN_HTTP", &format!("127.0.0.1:{port}")));
    let (status, body) = get(port, "/healthz");
    assert_eq!(status, 200, "{body}");
    let health: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["sled"], true);
    let version = atazan::content::ContentFiles::read(&content.dir)
        .unwrap()
        .version();
    assert_eq!(health["version"], version.as_str());

    bot.ask(&User::new(601).lang("en"), "how many MPs");
    bot.ask(&User::new(602).lang("ru"), "погода в Алматы");
    // A reply is counted once Telegram accepted it, just after the test saw it.
    let expected = [
        "atazan_updates_total{kind=\"message\"} 2",
        "atazan_answers_total{kind=\"answer\",lang=\"en\"} 1",
        "atazan_answers_total{kind=\"unknown\",lang=\"ru\"} 1",
        "atazan_answer_seconds_count 2",
        &format!("atazan_content_version{{version=\"{version}\"}} 1"),
    ];
    poll(Duration::from_secs(5), Duration::from_millis(50), || {
        let (status, metrics) = get(port, "/metrics");
        assert_eq!(status, 200);
        let missing: Vec<&&str> = expected
            .iter()
            .filter(|line| !metrics.lines().any(|l| l == **line))
            .collect();
        missing
            .is_empty()
            .then_some(())
            .ok_or_else(|| format!("{missing:?} missing:\n{metrics}"))
    });

    // `atazan health` asks the same endpoint.
    let out = atazan_at(port, &["health"]);
    assert!(out.ok(), "{}", out.stderr);
    assert!(out.stdout.contains("\"status\":\"ok\""), "{}", out.stdout);

    // The operator reports come from the running bot (it holds the data folder).
    let data = content.data();
    let data = data.to_str().unwrap();
    let out = atazan_at(port, &["--data", data, "unanswered", "--json"]);
    assert!(out.ok(), "{}", out.stderr);
    assert!(out.stdout.contains("погода"), "{}", out.stdout);
    let out = atazan_at(port, &["--data", data, "stats"]);
    assert!(out.ok(), "{}", out.stderr);

    let (status, _) = get(port, "/nowhere");
    assert_eq!(status, 404);
    drop(bot);
    let out = atazan_at(port, &["health"]);
    assert!(!out.ok(), "no bot, not healthy");
}

#[test]
fn config_shows_every_setting_with_the_token_masked() {
    let out = run(
        atazan()
            .env("TELOXIDE_TOKEN", "123456:VERY-SECRET-TOKEN")
            .env("ATAZAN_ADMINS", "11,22")
            .arg("config"),
        b"",
    );
    assert!(out.ok(), "{}", out.stderr);
    assert!(!out.stdout.contains("VERY-SECRET-TOKEN"), "{}", out.stdout);
    assert!(out.stdout.contains("admins = [11, 22]"), "{}", out.stdout);
    for atazan::config::Setting { var, .. } in atazan::config::SETTINGS {
        assert!(out.stdout.contains(var), "{var} is listed");
    }
}

#[test]
fn invalid_configuration_names_the_variable_or_the_line() {
    let out = run(
        atazan()
            .env("ATAZAN_FLOOD_MESSAGES", "many")
            .args(["ask", "hi"]),
        b"",
    );
    assert!(!out.ok());
    assert!(
        out.stderr.contains("ATAZAN_FLOOD_MESSAGES"),
        "{}",
        out.stderr
    );
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("atazan.toml");
    std::fs::write(&file, "[limits]\nflood_messages = \"many\"\n").unwrap();
    let out = run(atazan().arg("--config").arg(&file).arg("config"), b"");
    assert!(!out.ok());
    assert!(out.stderr.contains("atazan.toml:2:"), "{}", out.stderr);
}

#[test]
fn the_readme_documents_every_variable() {
    let readme =
        std::fs::read_to_string(common::real_content().parent().unwrap().join("README.md"))
            .unwrap();
    for atazan::config::Setting { var, key, .. } in atazan::config::SETTINGS {
        assert!(
            readme.contains(&format!("| `{var}` |")),
            "README's configuration table lacks {var}"
        );
        if !key.is_empty() {
            assert!(
                readme.contains(&format!("`{key}`")),
                "README lacks the TOML key {key}"
            );
        }
    }
}

/// The Dockerfile's build stage copies everything `cargo build --locked`
/// needs: its COPY sources, alone in a folder, make a workspace whose lock
/// file still matches (a workspace member left out would not).
#[test]
fn the_docker_build_context_is_a_complete_workspace() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dockerfile = std::fs::read_to_string(root.join("Dockerfile")).unwrap();
    let build_stage = dockerfile
        .split("\nFROM ")
        .nth(1)
        .expect("a build stage after the header")
        .to_string();
    let context = tempfile::tempdir().unwrap();
    let mut copied = 0;
    for line in build_stage.lines().filter(|l| l.starts_with("COPY ")) {
        let words: Vec<&str> = line.split_whitespace().skip(1).collect();
        let (sources, dest) = words.split_at(words.len() - 1);
        for src in sources.iter().filter(|s| !s.starts_with("--")) {
            let to = if dest[0].ends_with('/') {
                context.path().join(src)
            } else {
                context.path().join(dest[0].trim_start_matches("./"))
            };
            let from = root.join(src);
            if from.is_dir() {
                common::copy_dir(&from, &to);
            } else {
                std::fs::copy(&from, &to).unwrap_or_else(|e| panic!("{src}: {e}"));
            }
            copied += 1;
        }
    }
    assert!(
        copied >= 3,
        "the build stage copies the sources: {build_stage}"
    );
    let out = std::process::Command::new(env!("CARGO"))
        .args(["metadata", "--locked", "--format-version", "1"])
        .current_dir(context.path())
        .output()
        .expect("run cargo metadata");
    assert!(
        out.status.success(),
        "cargo metadata --locked in the Docker build context:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
