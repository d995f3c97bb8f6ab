//! Screens as Telegram messages: HTML with every passage and user string
//! escaped, inline keyboards, and texts over Telegram's limit split cleanly.

use crate::content::TELEGRAM_MESSAGE_LIMIT;
use crate::screen::{Action, Block, Screen};
use teloxide::types::{InlineKeyboardButton, InlineKeyboardButtonKind, InlineKeyboardMarkup};
use teloxide::utils::html::escape;

/// A screen as one or more HTML message texts, each within Telegram's limit.
/// The keyboard goes under the last one.
pub fn html_parts(screen: &Screen) -> Vec<String> {
    html_parts_within(screen, TELEGRAM_MESSAGE_LIMIT)
}

fn html_parts_within(screen: &Screen, limit: usize) -> Vec<String> {
    let mut pieces: Vec<String> = Vec::new();
    for block in &screen.blocks {
        let (open, close, text) = match block {
            Block::Breadcrumb(path) => ("<i>", "</i>", path.join(" › ")),
            Block::Title(s) => ("<b>", "</b>", s.clone()),
            Block::Text(s) => ("", "", s.clone()),
            Block::Note(s) => ("<i>", "</i>", s.clone()),
            Block::Sources(label, cites) => {
                // Links are built here, not escaped text: the label and URL
                // are escaped each on their own.
                let links: Vec<String> = cites
                    .iter()
                    .map(|c| format!("<a href=\"{}\">{}</a>", escape(&c.url), escape(&c.label())))
                    .collect();
                pieces.push(format!("<i>{}:</i> {}", escape(label), links.join("; ")));
                continue;
            }
        };
        // Length is counted on the HTML (tags included), which is never less
        // than what Telegram counts, so a part that fits here fits there.
        let room = limit.saturating_sub(utf16_len(open) + utf16_len(close));
        for chunk in split_text(&text, room) {
            pieces.push(format!("{open}{}{close}", escape(&chunk)));
        }
    }
    let mut parts: Vec<String> = Vec::new();
    for piece in pieces {
        match parts.last_mut() {
            Some(last) if utf16_len(last) + 2 + utf16_len(&piece) <= limit => {
                last.push_str("\n\n");
                last.push_str(&piece);
            }
            _ => parts.push(piece),
        }
    }
    if parts.is_empty() {
        // Telegram refuses empty messages; a screen of buttons only still
        // needs a line of text.
        parts.push("·".to_string());
    }
    parts
}

/// The screen's buttons as an inline keyboard, or none.
pub fn keyboard(screen: &Screen) -> Option<InlineKeyboardMarkup> {
    if screen.rows.is_empty() {
        return None;
    }
    Some(InlineKeyboardMarkup::new(screen.rows.iter().map(|row| {
        row.iter()
            .map(|b| InlineKeyboardButton::callback(b.label.clone(), b.action.encode()))
            .collect::<Vec<_>>()
    })))
}

/// Splits `text` into pieces of at most `limit` UTF-16 units once escaped,
/// at paragraph breaks, else line breaks, else spaces, else anywhere.
fn split_text(text: &str, limit: usize) -> Vec<String> {
    if escaped_len(text) <= limit {
        return vec![text.to_string()];
    }
    let mut out = Vec::new();
    let mut rest = text;
    while escaped_len(rest) > limit {
        let cut = best_cut(rest, limit);
        out.push(rest[..cut].trim_end().to_string());
        rest = rest[cut..].trim_start();
    }
    if !rest.is_empty() {
        out.push(rest.to_string());
    }
    out
}

/// The byte index to cut `s` at: the last break within `limit`.
fn best_cut(s: &str, limit: usize) -> usize {
    // The longest prefix that fits, on a character boundary.
    let mut used = 0;
    let mut fit = 0;
    for (i, c) in s.char_indices() {
        used += escaped_char_len(c);
        if used > limit {
            break;
        }
        fit = i + c.len_utf8();
    }
    let prefix = &s[..fit];
    for sep in ["\n\n", "\n", " "] {
        if let Some(i) = prefix.rfind(sep) {
            // A break in the first half wastes most of the message: cut
            // harder instead.
            if i > fit / 2 {
                return i + sep.len();
            }
        }
    }
    fit.max(s.chars().next().map_or(1, char::len_utf8))
}

fn escaped_char_len(c: char) -> usize {
    match c {
        '<' | '>' => 4,
        '&' => 5,
        _ => c.len_utf16(),
    }
}

fn escaped_len(s: &str) -> usize {
    s.chars().map(escaped_char_len).sum()
}

/// Length in UTF-16 code units, how Telegram counts.
pub fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// A message's keyboard without its 👍/👎 row.
pub fn without_votes(markup: Option<&InlineKeyboardMarkup>) -> InlineKeyboardMarkup {
    let rows = markup.map_or_else(Vec::new, |m| {
        m.inline_keyboard
            .iter()
            .map(|row| {
                row.iter()
                    .filter(|b| {
                        !matches!(&b.kind, InlineKeyboardButtonKind::CallbackData(d)
                            if matches!(Action::decode(d), Some(Action::Vote { .. })))
                    })
                    .cloned()
                    .collect::<Vec<_>>()
            })
            .filter(|row| !row.is_empty())
            .collect()
    });
    InlineKeyboardMarkup::new(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;
    use crate::screen::Screen;

    fn screen(blocks: Vec<Block>) -> Screen {
        Screen {
            lang: Lang::Kk,
            blocks,
            rows: Vec::new(),
            reply: None,
        }
    }

    #[test]
    fn user_and_passage_text_is_escaped() {
        let s = screen(vec![
            Block::Title("<b>Құрылтай</b> & co".into()),
            Block::Text("a < b > c \"q\"".into()),
        ]);
        let parts = html_parts(&s);
        assert_eq!(parts.len(), 1);
        assert_eq!(
            parts[0],
            "<b>&lt;b&gt;Құрылтай&lt;/b&gt; &amp; co</b>\n\na &lt; b &gt; c \"q\""
        );
    }

    #[test]
    fn long_text_splits_at_paragraphs_within_the_limit() {
        let para = "Құрылтай ".repeat(40);
        let text = vec![para.trim(); 30].join("\n\n");
        let s = screen(vec![Block::Title("T".into()), Block::Text(text.clone())]);
        let parts = html_parts(&s);
        assert!(parts.len() > 1, "{}", parts.len());
        for p in &parts {
            assert!(utf16_len(p) <= TELEGRAM_MESSAGE_LIMIT, "{}", utf16_len(p));
            assert!(!p.starts_with(char::is_whitespace) && !p.ends_with(char::is_whitespace));
        }
        // Nothing lost: the words come back in order.
        let back: String = parts.join(" ").replace("<b>T</b>", "");
        let words = |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
        assert_eq!(words(&back), words(&text));
    }

    #[test]
    fn text_without_breaks_and_with_escapes_still_fits() {
        let text = "&".repeat(5000);
        let parts = html_parts_within(&screen(vec![Block::Text(text)]), 4096);
        assert!(parts.len() >= 7);
        for p in &parts {
            assert!(utf16_len(p) <= 4096);
            assert!(p.split("&amp;").all(|r| r.is_empty()), "an entity was cut");
        }
    }

    #[test]
    fn emoji_count_as_two_units() {
        let text = "😀".repeat(3000);
        let parts = html_parts(&screen(vec![Block::Text(text)]));
        assert_eq!(parts.len(), 2);
        assert!(parts.iter().all(|p| utf16_len(p) <= 4096));
    }

    #[test]
    fn an_empty_screen_still_has_text() {
        assert_eq!(html_parts(&screen(vec![])), vec!["·"]);
    }
}
