//! Entry points of the fuzz targets, shared with the normal test suite.
//!
//! Each `fuzz/fuzz_targets/<name>.rs` is one line calling the function of the
//! same name here, and `tests/fuzz_seeds.rs` runs every committed seed in
//! `fuzz/seeds/<name>/` through it on the stable toolchain. Every function
//! takes arbitrary bytes and panics only when a property of the code under
//! test is broken; the properties are written beside each one.
//!
//! Targets that need the real content (`answer`, `dialog`, `content`) build
//! it once per process from the repository's `content/` folder.

use crate::bot::{input, render, webhook};
use crate::config::{Config, ConfigError};
use crate::content::{ContentFiles, Diagnostic};
use crate::engine::Engine;
use crate::lang::{Lang, LangChoice};
use crate::screen::{self, Action, Screen, MAX_CALLBACK_BYTES};
use crate::text::{self, case, fold, stem};
use std::path::Path;
use std::sync::{Arc, OnceLock};

/// The repository's content folder, read once.
fn real_files() -> &'static ContentFiles {
    static FILES: OnceLock<ContentFiles> = OnceLock::new();
    FILES.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        ContentFiles::read(&dir).expect("the repository's content folder")
    })
}

/// The folder the `content` target mutates by default: every TOML file of
/// the real content and the passages of two small topics. Parsing all 89
/// passages for each input leaves the fuzzer a few inputs a second; on this
/// folder the cross-file checks (facts, sources, topics, duplicates) still
/// run, and report the passages it lacks.
fn small_files() -> &'static ContentFiles {
    static FILES: OnceLock<ContentFiles> = OnceLock::new();
    FILES.get_or_init(|| {
        real_files().only(|p| {
            p.ends_with(".toml")
                || p.starts_with("passages/about/")
                || p.starts_with("passages/vice-president/")
        })
    })
}

/// The engine on the repository's content, built once.
pub fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let files = real_files();
        let content = files.parse().expect("the repository's content is valid");
        Engine::new(files.version(), Arc::new(content))
    })
}

/// Reads the content and builds the engine before the first input, so
/// that start-up is not counted against the first input's time limit.
pub fn init() {
    let _ = small_files();
    let _ = real_files();
    let _ = engine();
}

/// The language choice a byte selects.
fn choice(b: u8) -> LangChoice {
    match b % 7 {
        0 | 1 => LangChoice::Detect,
        2 => LangChoice::Force(Lang::Kk),
        3 => LangChoice::Force(Lang::Ru),
        4 => LangChoice::Force(Lang::En),
        5 => LangChoice::Prefer(Lang::Kk),
        _ => LangChoice::Prefer(Lang::Ru),
    }
}

/// Text analysis: tokenizing, case folding, script folding, stemming.
///
/// Properties: no panic; case folding and script folding are idempotent;
/// a word's lowercase form has no more characters than the word, its key and
/// stems at most twice as many (`ю`, `я` fold to two letters); every token
/// is at most [`text::MAX_WORD_CHARS`] characters.
pub fn text(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    let lower = case::lower(&s);
    assert!(lower.chars().count() <= s.chars().count(), "lower grew");
    assert_eq!(case::lower(&lower), lower, "case folding is not idempotent");
    for t in text::tokens(&s) {
        let w = &t.word;
        let n = w.chars().count();
        assert!(n <= text::MAX_WORD_CHARS, "token too long: {w:?}");
        let key = fold::key(w);
        assert!(key.chars().count() <= 2 * n, "key of {w:?} grew: {key:?}");
        assert_eq!(
            fold::key(&key),
            key,
            "script folding of {w:?} is not idempotent"
        );
        for lang in Lang::ALL {
            let k = stem::stem_key(w, lang);
            assert!(k.chars().count() <= 2 * n, "stem of {w:?} grew: {k:?}");
            for term in stem::terms(w, lang) {
                assert!(
                    term.chars().count() <= 2 * n,
                    "term of {w:?} grew: {term:?}"
                );
            }
            let _ = text::analyze_word(w, lang);
        }
        let _ = text::stopwords::role(w);
        let _ = text::Script::of(w);
    }
}

/// The whole answer to arbitrary bytes read as lossy UTF-8, in the language
/// the first byte selects, as `ask` and the bot produce it.
///
/// Properties: no panic; an answer names a passage that exists; the
/// Telegram rendering keeps every part within Telegram's limit and every
/// button's callback data within 64 bytes. The time bound (one answer well
/// under a second even for the longest question; the matcher reads at most
/// [`crate::search::MAX_QUESTION_CHARS`] characters) is kept by libFuzzer's
/// `-timeout`, not asserted here.
pub fn answer(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let engine = engine();
    let question = String::from_utf8_lossy(rest);
    let lang = choice(first);
    let screen = screen::answer(engine, &question, lang);
    let reply = screen.reply.as_ref().expect("an answer carries its reply");
    if let Some(id) = reply.passage.as_deref() {
        assert!(engine.content.passage(id).is_some(), "unknown passage {id}");
    }
    let _ = serde_json::to_string(reply).expect("a reply serialises");
    let _ = screen.plain_with_related();
    check_screen(&screen);
    for r in engine.search(&question, lang, 5) {
        assert!(r.passage.is_some(), "inline results are passages");
    }
}

/// A screen's Telegram rendering keeps Telegram's limits.
fn check_screen(screen: &Screen) {
    for part in render::html_parts(screen) {
        assert!(
            render::utf16_len(&part) <= crate::content::TELEGRAM_MESSAGE_LIMIT,
            "a message part over Telegram's limit"
        );
    }
    for row in &screen.rows {
        for b in row {
            let data = b.action.encode();
            assert!(data.len() <= MAX_CALLBACK_BYTES, "callback data {data:?}");
            assert_eq!(Action::decode(&data).as_ref(), Some(&b.action));
        }
    }
    let _ = render::keyboard(screen);
}

/// The content parser and `check` over a mutated file: the first byte picks
/// one of the files of a small content folder (see `small_files`) (and, by its high bit, whether the
/// example-question lint of `check` runs too), the rest replaces its bytes.
///
/// Properties: no panic; every problem names a file of the folder and a
/// line inside it, printed as `file:line: message`; a valid folder also
/// goes through the example-question lint, whose findings do the same.
pub fn content(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    // The high bit picks the whole real folder and runs `check`'s lint too
    // (a valid folder builds a matcher: a hundred times slower); the low
    // seven bits pick the file.
    let with_lint = first & 0x80 != 0;
    let base = if with_lint {
        real_files()
    } else {
        small_files()
    };
    let paths: Vec<&str> = base
        .paths()
        .filter(|p| p.ends_with(".toml") || (p.starts_with("passages/") && p.ends_with(".md")))
        .collect();
    let path = paths[usize::from(first & 0x7f) % paths.len()];
    let files = base.with_file(path, rest.to_vec());
    let dir = files.dir().to_path_buf();
    let lines_of = |d: &Diagnostic| -> usize {
        if d.file == dir.join(path) {
            rest.iter().filter(|&&b| b == b'\n').count() + 1
        } else {
            usize::MAX // Another file, unchanged; its lines are not at hand.
        }
    };
    let check = |d: &Diagnostic| {
        assert!(d.file.starts_with(&dir), "{d}: not in the content folder");
        assert!(
            d.line >= 1 && d.line <= lines_of(d),
            "{d}: line out of the file"
        );
        assert!(!d.message.trim().is_empty(), "{d}: no message");
        let shown = d.to_string();
        let prefix = format!("{}:{}: ", d.file.display(), d.line);
        assert!(
            shown.starts_with(&prefix),
            "{shown}: not file:line: message"
        );
    };
    match files.parse_with_origins() {
        Err(diags) => {
            assert!(!diags.is_empty());
            diags.iter().for_each(check);
        }
        Ok((content, origins)) if with_lint => {
            for f in crate::lint::lint(&content, &origins) {
                check(&f.diagnostic);
            }
        }
        Ok(_) => {}
    }
}

/// The configuration parser: TOML text, then after a NUL byte environment
/// lines `NAME=value`, applied and validated as at start-up.
///
/// Properties: no panic; a TOML error names the file and a line inside it;
/// a valid configuration written back with `to_toml` reads back the same
/// (secrets masked).
pub fn config(data: &[u8]) {
    let (toml, env) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let toml = String::from_utf8_lossy(toml);
    let env = String::from_utf8_lossy(env);
    let vars: Vec<(&str, &str)> = env.lines().filter_map(|l| l.split_once('=')).collect();
    let path = Path::new("atazan.toml");
    let mut config = match Config::from_text(path, &toml) {
        Ok(c) => c,
        Err(ConfigError::File { line, .. }) => {
            assert!(
                line >= 1 && line <= toml.lines().count().max(1) + 1,
                "line {line}"
            );
            return;
        }
        Err(e) => panic!("a TOML text failed without a line: {e}"),
    };
    let lookup = |name: &str| {
        vars.iter()
            .rev()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    };
    if config.apply_env(&lookup).is_err() || config.validate().is_err() {
        return;
    }
    // `to_toml` shows secrets masked; everything else must read back as it was.
    let mut shown = config.clone();
    shown.telegram.token = shown.telegram.token.as_deref().map(crate::config::mask);
    shown.webhook.secret = shown.webhook.secret.as_deref().map(crate::config::mask);
    shown.store = shown.store.as_deref().map(crate::config::mask_store);
    let written = config.to_toml();
    let again = Config::from_text(path, &written).expect("to_toml reads back");
    assert_eq!(again, shown, "to_toml does not round-trip:\n{written}");
    let _ = config.api_timeout();
    let _ = config.poll_timeout();
    let _ = config.flood_window();
}

/// Callback data and deep-link payloads: the first line is a button's
/// callback data, the rest a `/start` payload, in the language of the
/// first byte of the rest.
///
/// Properties: no panic; data that decodes encodes to data that decodes to
/// the same action, within 64 bytes; what a button or a deep link opens
/// renders within Telegram's limits with valid buttons.
pub fn dialog(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    let (callback, payload) = s.split_once('\n').unwrap_or((&s, ""));
    let engine = engine();
    if let Some(action) = Action::decode(callback) {
        let again = action.encode();
        assert!(again.len() <= MAX_CALLBACK_BYTES, "{again:?} over 64 bytes");
        assert_eq!(Action::decode(&again), Some(action.clone()), "{again:?}");
        let _ = screen::is_current(engine, &action);
        check_screen(&screen::open(engine, &action));
    }
    let lang = Lang::ALL[payload.len() % Lang::ALL.len()];
    check_screen(&screen::start(engine, lang, payload));
}

/// A webhook update body: parsed as the webhook parses it, then classified
/// as the handler tree does.
///
/// Properties: no panic; what is refused gets a 4xx status; a message is
/// classified (command, question, media, ignored) without panicking, and a
/// question taken from it is no longer than its text.
pub fn update(data: &[u8]) {
    let update = match webhook::parse_update(data) {
        Ok(u) => u,
        Err(e) => {
            assert!(e.status().is_client_error(), "{e} is not a 4xx");
            return;
        }
    };
    let _ = webhook::kind(&update);
    let me = me();
    if let teloxide::types::UpdateKind::Message(m) | teloxide::types::UpdateKind::EditedMessage(m) =
        &update.kind
    {
        match input::classify(m, me) {
            input::Input::Question(q) => {
                assert!(q.len() <= m.text().map_or(0, str::len) + 1, "question grew");
            }
            input::Input::Command(name, _) => assert!(!name.is_empty()),
            _ => {}
        }
    }
    if let teloxide::types::UpdateKind::CallbackQuery(q) = &update.kind {
        if let Some(a) = q.data.as_deref().and_then(Action::decode) {
            let _ = screen::action_lang(&a);
        }
    }
}

/// The bot's own account, as getMe describes it.
fn me() -> &'static teloxide::types::Me {
    static ME: OnceLock<teloxide::types::Me> = OnceLock::new();
    ME.get_or_init(|| {
        serde_json::from_str(
            r#"{"id":777,"is_bot":true,"first_name":"Atazan","username":"atazan_bot",
                "can_join_groups":true,"can_read_all_group_messages":false,
                "supports_inline_queries":true,"can_connect_to_business":false,
                "has_main_web_app":false}"#,
        )
        .expect("a getMe answer")
    })
}

/// A fuzz target's entry point.
pub type Target = fn(&[u8]);

/// Every target by name, for the seed test.
pub const TARGETS: [(&str, Target); 6] = [
    ("text", text),
    ("answer", answer),
    ("content", content),
    ("config", config),
    ("dialog", dialog),
    ("update", update),
];
