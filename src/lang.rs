//! The three languages atazan speaks, Kazakh first.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A language of the answers. Kazakh is the state language and comes first
/// everywhere an order is needed (menus, fallbacks, export).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Kazakh, in Cyrillic or Latin letters.
    Kk,
    /// Russian.
    Ru,
    /// English.
    En,
}

impl Lang {
    /// Every language, in the order menus and exports use.
    pub const ALL: [Lang; 3] = [Lang::Kk, Lang::Ru, Lang::En];

    /// The ISO 639-1 code: `kk`, `ru` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Kk => "kk",
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    /// Position in [`Lang::ALL`], for per-language arrays.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// How the language of an answer is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LangChoice {
    /// The question's own language (Kazakh when it has no letters).
    #[default]
    Detect,
    /// This language, whatever the question's (a `--lang` flag, a button).
    Force(Lang),
    /// The question's language, and this one when its letters cannot tell: a
    /// Telegram user's chosen language for "Байгожаев" or "вице президент?",
    /// words Kazakh and Russian share.
    Prefer(Lang),
}

impl From<Option<Lang>> for LangChoice {
    /// `Some` forces the language; `None` detects it.
    fn from(lang: Option<Lang>) -> Self {
        lang.map_or(LangChoice::Detect, LangChoice::Force)
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The error of parsing a language code other than kk, ru or en.
#[derive(Debug, thiserror::Error)]
#[error("unknown language `{0}`: use kk, ru or en")]
pub struct UnknownLang(pub String);

impl FromStr for Lang {
    type Err = UnknownLang;

    /// Accepts `kk`, `ru`, `en`, and IETF tags such as `kk-Latn` or `en-US`
    /// (Telegram sends those as `language_code`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let primary = s
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            "kk" | "kz" | "kaz" => Ok(Lang::Kk),
            "ru" | "rus" => Ok(Lang::Ru),
            "en" | "eng" => Ok(Lang::En),
            _ => Err(UnknownLang(s.to_string())),
        }
    }
}

/// One value per language, indexed by [`Lang`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PerLang<T> {
    /// The Kazakh value.
    pub kk: T,
    /// The Russian value.
    pub ru: T,
    /// The English value.
    pub en: T,
}

impl<T> PerLang<T> {
    /// The value for `lang`.
    pub fn get(&self, lang: Lang) -> &T {
        match lang {
            Lang::Kk => &self.kk,
            Lang::Ru => &self.ru,
            Lang::En => &self.en,
        }
    }

    /// The value for `lang`, mutably.
    pub fn get_mut(&mut self, lang: Lang) -> &mut T {
        match lang {
            Lang::Kk => &mut self.kk,
            Lang::Ru => &mut self.ru,
            Lang::En => &mut self.en,
        }
    }

    /// Builds a value per language from a function of the language.
    pub fn from_fn(mut f: impl FnMut(Lang) -> T) -> Self {
        PerLang {
            kk: f(Lang::Kk),
            ru: f(Lang::Ru),
            en: f(Lang::En),
        }
    }

    /// The languages with their values, Kazakh first.
    pub fn iter(&self) -> impl Iterator<Item = (Lang, &T)> {
        Lang::ALL.into_iter().map(move |l| (l, self.get(l)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_codes_and_ietf_tags() {
        assert_eq!("kk".parse::<Lang>().unwrap(), Lang::Kk);
        assert_eq!("kk-Latn".parse::<Lang>().unwrap(), Lang::Kk);
        assert_eq!("RU".parse::<Lang>().unwrap(), Lang::Ru);
        assert_eq!("en-US".parse::<Lang>().unwrap(), Lang::En);
        assert!("de".parse::<Lang>().is_err());
        assert!("".parse::<Lang>().is_err());
    }
}
