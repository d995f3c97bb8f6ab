//! What the bot shows, whatever the front end: screens of text blocks and
//! buttons, and the actions the buttons carry.
//!
//! The Telegram bot renders a [`Screen`] as an HTML message with an inline
//! keyboard; the terminal chat renders the same screen as plain text with
//! numbered choices. Every decision — which passage, which buttons, what a
//! stale button does — is made here once, so both front ends behave alike.
//!
//! A screen is built once from the matcher's reply: the passage in the
//! user's language, its sources, related passages and what each button does
//! ([`Action`], within Telegram's 64 bytes of callback data). Front ends only
//! render it; `atazan ask` prints its plain text or its reply as JSON.

mod action;

use crate::engine::Engine;
use crate::i18n::{t, Msg};
use crate::lang::{Lang, LangChoice};
use crate::reply::{Cite, Reply};
use crate::search::Kind;

pub use action::{Action, MAX_CALLBACK_BYTES};

/// A button: a label and what it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Button {
    /// What the button says.
    pub label: String,
    /// What it does.
    pub action: Action,
}

/// A piece of a screen, in order. Front ends choose how each looks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// Where the user is: "Topics › Kurultai".
    Breadcrumb(Vec<String>),
    /// A passage title.
    Title(String),
    /// Plain text, paragraphs separated by blank lines.
    Text(String),
    /// The sources shown under a passage, with the label in the screen's
    /// language: short (publisher, date) and linked.
    Sources(String, Vec<Cite>),
    /// A short remark before the rest ("This was updated", "Did you mean").
    Note(String),
}

/// One message of the bot: text blocks and rows of buttons.
#[derive(Debug, Clone)]
pub struct Screen {
    /// The language of the screen.
    pub lang: Lang,
    /// The text, in order.
    pub blocks: Vec<Block>,
    /// Rows of buttons.
    pub rows: Vec<Vec<Button>>,
    /// The matcher's reply, when the screen answers a question.
    pub reply: Option<Reply>,
}

impl Screen {
    fn new(lang: Lang) -> Screen {
        Screen {
            lang,
            blocks: Vec::new(),
            rows: Vec::new(),
            reply: None,
        }
    }

    fn text(mut self, text: impl Into<String>) -> Screen {
        self.blocks.push(Block::Text(text.into()));
        self
    }

    /// The text of the screen without formatting: for logs, tests and
    /// places that show plain text (inline result descriptions).
    pub fn plain(&self) -> String {
        let mut out: Vec<String> = Vec::new();
        for b in &self.blocks {
            out.push(match b {
                Block::Breadcrumb(path) => path.join(" › "),
                Block::Title(s) | Block::Text(s) | Block::Note(s) => s.clone(),
                Block::Sources(label, s) => format!("{label}: {}", cite_lines(s)),
            });
        }
        out.join("\n\n")
    }

    /// The screen as plain text where no buttons can be shown (`atazan
    /// ask`): [`Screen::plain`], then the passages its buttons lead to.
    pub fn plain_with_related(&self) -> String {
        let mut out = self.plain();
        let related: Vec<&str> = self
            .buttons()
            .filter(|b| matches!(b.action, Action::Passage(..)))
            .map(|b| b.label.as_str())
            .collect();
        if !related.is_empty() {
            out.push_str(&format!("\n\n{}:", t(Msg::SeeAlso, self.lang)));
            for label in related {
                out.push_str(&format!("\n  • {label}"));
            }
        }
        out
    }

    /// Every button, row by row.
    pub fn buttons(&self) -> impl Iterator<Item = &Button> {
        self.rows.iter().flatten()
    }
}

/// Sources as plain text, for terminals and logs: "Kazinform, 20.01.2026 —
/// https://…", one after another.
pub fn cite_lines(cites: &[Cite]) -> String {
    cites
        .iter()
        .map(|c| format!("{} — {}", c.label(), c.url))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The first screen: a greeting, what to ask, and the topics.
pub fn welcome(engine: &Engine, lang: Lang) -> Screen {
    let mut s = menu(engine, lang);
    s.blocks = vec![
        Block::Text(t(Msg::Welcome, lang).to_string()),
        Block::Text(t(Msg::AskHint, lang).to_string()),
    ];
    s
}

/// The topic menu.
pub fn menu(engine: &Engine, lang: Lang) -> Screen {
    let mut s = Screen::new(lang).text(format!("{}:", t(Msg::Topics, lang)));
    s.rows = topic_rows(engine, lang);
    s
}

fn topic_rows(engine: &Engine, lang: Lang) -> Vec<Vec<Button>> {
    engine
        .content
        .topics
        .iter()
        .map(|topic| {
            vec![Button {
                label: topic.title.get(lang).clone(),
                action: Action::Topic(lang, topic.id.clone()),
            }]
        })
        .collect()
}

fn all_topics(lang: Lang) -> Button {
    Button {
        label: t(Msg::AllTopics, lang).to_string(),
        action: Action::Menu(lang),
    }
}

/// A topic: its sub-topics and its own passages as buttons, and a way back;
/// or a sub-topic (same ids space): its passages, back to its topic. `None`
/// when neither exists any more.
pub fn topic(engine: &Engine, lang: Lang, id: &str) -> Option<Screen> {
    let content = &engine.content;
    if let Some(sub) = content.subtopic(id) {
        let parent = content.topic(&sub.topic)?;
        let mut s = Screen::new(lang);
        s.blocks.push(Block::Breadcrumb(vec![
            t(Msg::Topics, lang).to_string(),
            parent.title.get(lang).clone(),
            sub.title.get(lang).clone(),
        ]));
        s.rows = content
            .passages_of(&sub.topic)
            .filter(|p| p.subtopic.as_deref() == Some(id))
            .map(|p| passage_button(p, lang))
            .collect();
        s.rows.push(vec![
            Button {
                label: t(Msg::Back, lang).to_string(),
                action: Action::Topic(lang, parent.id.clone()),
            },
            all_topics(lang),
        ]);
        return Some(s);
    }
    let topic = content.topic(id)?;
    let mut s = Screen::new(lang);
    s.blocks.push(Block::Breadcrumb(vec![
        t(Msg::Topics, lang).to_string(),
        topic.title.get(lang).clone(),
    ]));
    s.rows = content
        .passages_of(id)
        .filter(|p| p.subtopic.is_none())
        .map(|p| passage_button(p, lang))
        .collect();
    s.rows.extend(content.subtopics_of(id).map(|sub| {
        vec![Button {
            label: format!("{} ›", sub.title.get(lang)),
            action: Action::Topic(lang, sub.id.clone()),
        }]
    }));
    s.rows.push(vec![Button {
        label: t(Msg::Back, lang).to_string(),
        action: Action::Menu(lang),
    }]);
    Some(s)
}

fn passage_button(p: &crate::content::Passage, lang: Lang) -> Vec<Button> {
    vec![Button {
        label: p.text.get(lang).title.clone(),
        action: Action::Passage(lang, p.id.clone()),
    }]
}

/// A passage picked from a menu: where it sits, its text and source, related
/// passages, back to its topic. `None` when it no longer exists.
pub fn passage(engine: &Engine, lang: Lang, id: &str) -> Option<Screen> {
    let reply = engine.passage_reply(id, lang)?;
    let topic = engine.content.topic(reply.topic.as_deref()?)?;
    let sub = reply
        .subtopic
        .as_deref()
        .and_then(|s| engine.content.subtopic(s));
    let mut s = Screen::new(lang);
    let mut path = vec![
        t(Msg::Topics, lang).to_string(),
        topic.title.get(lang).clone(),
    ];
    path.extend(sub.map(|x| x.title.get(lang).clone()));
    s.blocks.push(Block::Breadcrumb(path));
    push_passage(&mut s, &reply);
    s.rows = suggestion_rows(engine, &reply);
    s.rows.push(vec![
        Button {
            label: t(Msg::Back, lang).to_string(),
            action: Action::Topic(lang, sub.map_or(&topic.id, |x| &x.id).clone()),
        },
        all_topics(lang),
    ]);
    s.reply = Some(reply);
    Some(s)
}

/// A passage to share in another chat (inline mode): its title, text and
/// sources, without the breadcrumb and buttons of a chat with the bot.
pub fn shared(reply: Reply) -> Screen {
    let mut s = Screen::new(reply.lang);
    push_passage(&mut s, &reply);
    s.reply = Some(reply);
    s
}

fn push_passage(s: &mut Screen, reply: &Reply) {
    if let Some(title) = &reply.title {
        s.blocks.push(Block::Title(title.clone()));
    }
    s.blocks.push(Block::Text(reply.text.clone()));
    if !reply.sources.is_empty() {
        s.blocks.push(Block::Sources(
            t(Msg::Source, reply.lang).to_string(),
            reply.sources.clone(),
        ));
    }
}

fn suggestion_rows(engine: &Engine, reply: &Reply) -> Vec<Vec<Button>> {
    reply
        .suggestions
        .iter()
        .filter_map(|id| engine.content.passage(id))
        .map(|p| passage_button(p, reply.lang))
        .collect()
}

/// The answer to a free-text question, in the language `lang` chooses: the
/// passage with its source, related passages and 👍/👎; or "did you mean"
/// candidates; or an honest "I don't know" with the topics.
pub fn answer(engine: &Engine, question: &str, lang: impl Into<LangChoice>) -> Screen {
    let reply = engine.answer(question, lang);
    let lang = reply.lang;
    let mut s = Screen::new(lang);
    match reply.kind {
        Kind::Answer | Kind::Neutral => {
            push_passage(&mut s, &reply);
            s.rows = suggestion_rows(engine, &reply);
            if let Some(id) = &reply.passage {
                let vote = |up| Action::Vote {
                    lang,
                    up,
                    passage: id.clone(),
                };
                s.rows.push(vec![
                    Button {
                        label: "👍".into(),
                        action: vote(true),
                    },
                    Button {
                        label: "👎".into(),
                        action: vote(false),
                    },
                ]);
            }
            s.rows.push(vec![all_topics(lang)]);
        }
        Kind::Unsure => {
            s.blocks.push(Block::Note(reply.text.clone()));
            s.rows = suggestion_rows(engine, &reply);
            s.rows.push(vec![all_topics(lang)]);
        }
        Kind::Thanks => {
            s.blocks.push(Block::Text(reply.text.clone()));
            s.rows.push(vec![all_topics(lang)]);
        }
        Kind::Greeting | Kind::Unknown | Kind::OutOfScope | Kind::Empty => {
            s.blocks.push(Block::Text(reply.text.clone()));
            s.rows = topic_rows(engine, lang);
        }
    }
    s.reply = Some(reply);
    s
}

/// What a button leads to. A button whose topic or passage is gone (the
/// content changed since the message was sent) leads to a polite note and
/// the current menu, never an error. Votes and language choices involve the
/// front end's storage: it records them, then shows [`voted`] or
/// [`language_set`].
pub fn open(engine: &Engine, action: &Action) -> Screen {
    let found = match action {
        Action::Menu(l) => Some(menu(engine, *l)),
        Action::Topic(l, id) => topic(engine, *l, id),
        Action::Passage(l, id) => passage(engine, *l, id),
        Action::SetLang(l) => Some(language_set(engine, *l)),
        Action::Vote {
            lang, passage: id, ..
        } => passage(engine, *lang, id),
    };
    found.unwrap_or_else(|| updated(engine, action_lang(action)))
}

/// Whether what a button points to still exists in this content version.
pub fn is_current(engine: &Engine, action: &Action) -> bool {
    match action {
        Action::Topic(_, id) => engine.content.topic(id).is_some(),
        Action::Passage(_, id) | Action::Vote { passage: id, .. } => {
            engine.content.passage(id).is_some()
        }
        Action::Menu(_) | Action::SetLang(_) => true,
    }
}

/// A screen of one line of text and no buttons.
pub fn note(lang: Lang, text: &str) -> Screen {
    Screen::new(lang).text(text)
}

/// A screen of one interface text (an apology, "slow down", "operators
/// only").
pub fn notice(lang: Lang, msg: Msg) -> Screen {
    note(lang, t(msg, lang))
}

/// "I understand text" (a sticker, a voice message…), with the topics to go
/// on from.
pub fn text_only(engine: &Engine, lang: Lang) -> Screen {
    let mut s = menu(engine, lang);
    s.blocks = vec![Block::Text(t(Msg::TextOnly, lang).to_string())];
    s
}

/// The language a button's screen is in.
pub fn action_lang(action: &Action) -> Lang {
    match action {
        Action::Menu(l)
        | Action::Topic(l, _)
        | Action::Passage(l, _)
        | Action::SetLang(l)
        | Action::Vote { lang: l, .. } => *l,
    }
}

/// The menu, after a note that what the button pointed to was updated.
pub fn updated(engine: &Engine, lang: Lang) -> Screen {
    let mut s = menu(engine, lang);
    s.blocks
        .insert(0, Block::Note(t(Msg::Updated, lang).to_string()));
    s
}

/// A deep link (`/start <payload>`): a topic or a passage by id, else the
/// welcome screen.
pub fn start(engine: &Engine, lang: Lang, payload: &str) -> Screen {
    let payload = payload.trim();
    if payload.is_empty() {
        return welcome(engine, lang);
    }
    topic(engine, lang, payload)
        .or_else(|| passage(engine, lang, payload))
        .unwrap_or_else(|| welcome(engine, lang))
}

/// How to use the bot, and as of which date it knows the reform.
pub fn help(engine: &Engine, lang: Lang) -> Screen {
    let mut s = Screen::new(lang).text(t(Msg::BotHelp, lang));
    s.blocks.push(Block::Note(edition_note(engine, lang)));
    s.rows = vec![vec![all_topics(lang)]];
    s
}

/// "The information is current as of 01.07.2026. Later official news: …"
pub fn edition_note(engine: &Engine, lang: Lang) -> String {
    let e = &engine.content.edition;
    crate::i18n::as_of(lang, &e.as_of_shown(), e.updates.get(lang))
}

/// Who runs the bot, as its operator configured it: /about tells users.
#[derive(Debug, Clone, Default)]
pub struct Imprint {
    /// Days unanswered questions and feedback are kept.
    pub retention_days: u32,
    /// The operator's name and contact, if they gave one.
    pub operator: Option<String>,
    /// Whether the bot is an official channel of its operator.
    pub official: bool,
}

impl Imprint {
    /// The imprint a configuration describes.
    pub fn of(config: &crate::config::Config) -> Imprint {
        Imprint {
            retention_days: config.journal.retention_days,
            operator: config.operator.name.clone(),
            official: config.operator.official,
        }
    }
}

/// About the bot: what it is and its sources (the `about` topic's first
/// passage), who runs it and whether it is official, as of which date it is
/// current, the other `about` passages, and what it stores and for how long.
pub fn about(engine: &Engine, lang: Lang, imprint: &Imprint) -> Screen {
    let mut s = Screen::new(lang);
    let first = engine
        .content
        .passages_of("about")
        .next()
        .map(|p| p.id.clone());
    if let Some(reply) = first.and_then(|id| engine.passage_reply(&id, lang)) {
        push_passage(&mut s, &reply);
        s.rows = engine
            .content
            .passages_of("about")
            .skip(1)
            .map(|p| passage_button(p, lang))
            .collect();
    }
    s.blocks.push(Block::Text(crate::i18n::operator(
        lang,
        imprint.operator.as_deref(),
        imprint.official,
    )));
    s.blocks.push(Block::Text(edition_note(engine, lang)));
    s.blocks.push(Block::Text(crate::i18n::privacy(
        lang,
        imprint.retention_days,
    )));
    s.rows.push(vec![all_topics(lang)]);
    s
}

/// The language picker.
pub fn language_picker(lang: Lang) -> Screen {
    let mut s = Screen::new(lang).text(t(Msg::PickLanguage, lang));
    s.rows = vec![Lang::ALL
        .iter()
        .map(|&l| Button {
            label: t(Msg::LanguageName, l).to_string(),
            action: Action::SetLang(l),
        })
        .collect()];
    s
}

/// After a language was chosen: a confirmation and the menu in it.
pub fn language_set(engine: &Engine, lang: Lang) -> Screen {
    let mut s = menu(engine, lang);
    s.blocks
        .insert(0, Block::Text(t(Msg::LangSwitched, lang).to_string()));
    s
}

/// The short notice after a vote (shown as a pop-up).
pub fn voted(lang: Lang) -> &'static str {
    t(Msg::VoteThanks, lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_round_trip_within_telegram_limits() {
        let long = "a".repeat(crate::content::MAX_ID_BYTES);
        for a in [
            Action::Menu(Lang::Kk),
            Action::SetLang(Lang::En),
            Action::Topic(Lang::Ru, long.clone()),
            Action::Passage(Lang::Kk, long.clone()),
            Action::Vote {
                lang: Lang::Kk,
                up: true,
                passage: long.clone(),
            },
            Action::Vote {
                lang: Lang::En,
                up: false,
                passage: "kurultai-size".into(),
            },
        ] {
            let data = a.encode();
            assert!(data.len() <= MAX_CALLBACK_BYTES, "{data}");
            assert_eq!(Action::decode(&data), Some(a));
        }
    }

    #[test]
    fn foreign_callback_data_is_not_an_action() {
        for data in [
            "",
            "m",
            "x:kk",
            "m:de",
            "p:kk",
            "p:kk:",
            "p:kk:Big-Id",
            "p:kk:id with space",
            "p:kk:../../etc",
            "t:kk:кирилл",
        ] {
            assert_eq!(Action::decode(data), None, "{data:?}");
        }
    }
}
