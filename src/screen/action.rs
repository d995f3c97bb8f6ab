//! What a button does, encoded in its callback data: at most 64 bytes
//! (Telegram's limit), carrying the language of the screen it sits on, so
//! browsing stays in the language the user was answered in without any
//! per-user state.

use crate::lang::Lang;

/// Most bytes Telegram allows in a button's callback data.
pub const MAX_CALLBACK_BYTES: usize = 64;

/// What a button does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Show the topic menu.
    Menu(Lang),
    /// Show a topic's passages.
    Topic(Lang, String),
    /// Show a passage.
    Passage(Lang, String),
    /// Choose the interface language.
    SetLang(Lang),
    /// Rate the answer that is a passage: 👍 (`up`) or 👎.
    Vote {
        /// The language of the answer.
        lang: Lang,
        /// 👍 or 👎.
        up: bool,
        /// The passage rated.
        passage: String,
    },
}

impl Action {
    /// The callback data: `m:kk`, `t:ru:kurultai`, `p:en:kurultai-size`,
    /// `l:kk`, `u:kk:<id>` (👍), `d:kk:<id>` (👎).
    pub fn encode(&self) -> String {
        match self {
            Action::Menu(l) => format!("m:{l}"),
            Action::Topic(l, id) => format!("t:{l}:{id}"),
            Action::Passage(l, id) => format!("p:{l}:{id}"),
            Action::SetLang(l) => format!("l:{l}"),
            Action::Vote { lang, up, passage } => {
                format!("{}:{lang}:{passage}", if *up { "u" } else { "d" })
            }
        }
    }

    /// Parses callback data; `None` for anything this version did not make.
    pub fn decode(data: &str) -> Option<Action> {
        let mut parts = data.splitn(3, ':');
        let verb = parts.next()?;
        let lang: Lang = parts.next()?.parse().ok()?;
        let id = parts.next().filter(|id| is_id(id)).map(str::to_string);
        match (verb, id) {
            ("m", None) => Some(Action::Menu(lang)),
            ("l", None) => Some(Action::SetLang(lang)),
            ("t", Some(id)) => Some(Action::Topic(lang, id)),
            ("p", Some(id)) => Some(Action::Passage(lang, id)),
            ("u", Some(passage)) => Some(Action::Vote {
                lang,
                up: true,
                passage,
            }),
            ("d", Some(passage)) => Some(Action::Vote {
                lang,
                up: false,
                passage,
            }),
            _ => None,
        }
    }
}

/// Content ids are lowercase Latin letters, digits and `-` (checked when the
/// content is loaded); anything else in callback data is not ours.
fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= crate::content::MAX_ID_BYTES
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}
