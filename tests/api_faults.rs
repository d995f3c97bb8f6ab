//! A Bot API that answers nonsense: 200 with malformed JSON, a truncated
//! body, `ok: false` with an error code the Bot API never used, a connection
//! closed mid-body — on `getUpdates` and on `sendMessage`.
//!
//! Whatever the answer, the bot never crashes, never stops listening (a
//! later well-formed update is answered), logs each failure once, and loses
//! no reply: the fake garbles an answer without running the method, so a
//! retried `sendMessage` is the one and only delivery.

mod common;

use common::bot::{BotProcess, Setup};
use common::ContentCopy;
use fake_bot_api::{Chat, FakeApi, Fault, User};
use std::time::{Duration, Instant};

const FAULTS: [Fault; 4] = [
    Fault::MalformedJson,
    Fault::Truncated,
    Fault::UnknownCode(777),
    Fault::CloseMidBody,
];

fn start() -> (FakeApi, ContentCopy, BotProcess) {
    let fake = FakeApi::start_blocking();
    let content = ContentCopy::new();
    let bot = BotProcess::start(&fake, &content, Setup::default().env("ATAZAN_WATCH", "off"));
    (fake, content, bot)
}

/// Waits until the fake has answered a faulty call of `method` since `mark`.
fn wait_fault(bot: &BotProcess, mark: u64, method: &str) {
    bot.wait_call(mark, |c| {
        c.is(method) && c.error.as_deref().is_some_and(|e| e.starts_with("fault:"))
    });
}

/// How many lines of the log contain `needle`.
fn lines(log: &str, needle: &str) -> usize {
    log.lines().filter(|l| l.contains(needle)).count()
}

#[test]
fn nonsense_from_get_updates_never_stops_the_listener() {
    let (fake, _content, bot) = start();
    let user = User::new(501).lang("ru");
    for (i, fault) in FAULTS.into_iter().enumerate() {
        let mark = fake.mark();
        fake.fail_next("getUpdates", fault.clone());
        // The poll in flight returns with this update; the next one is the
        // faulty one.
        let first = bot.ask(&user, "сколько депутатов в курултае");
        assert!(
            first.plain().is_some_and(|t| t.contains("145")),
            "{fault:?}"
        );
        wait_fault(&bot, mark, "getUpdates");
        // The listener is still there: a later update is answered.
        let later = bot.ask(&user, &format!("сколько депутатов в курултае {i}"));
        assert!(
            later.plain().is_some_and(|t| t.contains("145")),
            "{fault:?}"
        );
        bot.assert_running();
    }
    // Every update was handled once: two questions, two replies per fault.
    let replies = fake.bot_messages(user.id as i64).len();
    assert_eq!(replies, 2 * FAULTS.len());
    let log = bot.stop_cleanly();
    assert_eq!(
        lines(&log, "getting updates failed"),
        FAULTS.len(),
        "one log line per failed poll:\n{log}"
    );
    assert_eq!(
        lines(&log, "retrying getting updates"),
        0,
        "and only one:\n{log}"
    );
    assert!(
        !log.contains("Bad Gateway"),
        "a garbled answer is not logged whole:\n{log}"
    );
}

#[test]
fn nonsense_from_send_message_loses_no_reply() {
    let (fake, _content, bot) = start();
    let user = User::new(502).lang("en");
    let chat = Chat::private(&user);
    for fault in FAULTS {
        let mark = fake.mark();
        fake.fail_next("sendMessage", fault.clone());
        fake.message(&user, &chat, "how many MPs");
        let reply = bot.reply_in(chat.id, mark);
        assert!(
            reply.text.as_deref().is_some_and(|t| t.contains("145")),
            "{fault:?}: {:?}",
            reply.text
        );
        // The faulty attempt and then one good one.
        let attempts: Vec<_> = fake
            .calls_of("sendMessage")
            .into_iter()
            .filter(|c| c.seq >= mark && c.chat_id() == Some(chat.id))
            .collect();
        assert_eq!(attempts.len(), 2, "{fault:?}: {attempts:#?}");
        assert!(!attempts[0].ok() && attempts[1].ok(), "{fault:?}");
    }
    // No reply lost, none doubled.
    let started = Instant::now();
    while fake.bot_messages(chat.id).len() < FAULTS.len()
        && started.elapsed() < Duration::from_secs(5)
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(fake.bot_messages(chat.id).len(), FAULTS.len());
    // A well-formed update after all that is answered at once.
    assert!(bot
        .ask(&user, "how many MPs")
        .plain()
        .is_some_and(|t| t.contains("145")));
    let log = bot.stop_cleanly();
    assert_eq!(
        lines(&log, "Bot API request failed; retrying"),
        FAULTS.len(),
        "one log line per failed attempt:\n{log}"
    );
    assert_eq!(lines(&log, "could not be delivered"), 0, "{log}");
}
