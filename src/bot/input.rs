//! What a message asks of the bot: a command, a question, something that is
//! not text, or nothing (group chatter, another bot's command).

use teloxide::types::{Me, Message};

/// What a message asks of the bot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A command: its name (lowercase, without `/` and `@bot`) and the rest.
    Command(String, String),
    /// A question, a mention of the bot taken out.
    Question(String),
    /// A sticker, voice message, photo, file…: not something we can read.
    NotText,
    /// Not for us: group chatter, a command for another bot, a service message.
    Ignore,
}

/// Decides what a message asks. In a private chat everything is for the
/// bot; in a group only commands, mentions of the bot and replies to it are.
pub fn classify(msg: &Message, me: &Me) -> Input {
    let username = me.username();
    let private = msg.chat.is_private();
    let to_bot = msg
        .reply_to_message()
        .and_then(|r| r.from.as_ref())
        .is_some_and(|u| u.id == me.id);
    let Some(text) = msg.text() else {
        let media = msg.sticker().is_some()
            || msg.voice().is_some()
            || msg.photo().is_some()
            || msg.document().is_some()
            || msg.video().is_some()
            || msg.video_note().is_some()
            || msg.audio().is_some()
            || msg.animation().is_some()
            || msg.location().is_some()
            || msg.contact().is_some()
            || msg.poll().is_some()
            || msg.dice().is_some();
        return if media && (private || to_bot) {
            Input::NotText
        } else {
            Input::Ignore
        };
    };
    if let Some(command) = parse_command(text, username) {
        return command;
    }
    let mention = format!("@{username}");
    let mentioned = find_ci(text, &mention);
    if private || to_bot || mentioned.is_some() {
        let question = match mentioned {
            Some(i) => format!("{} {}", &text[..i], &text[i + mention.len()..]),
            None => text.to_string(),
        };
        return Input::Question(question.trim().to_string());
    }
    Input::Ignore
}

/// `/name@bot rest` → a command, `None` when `text` is not one; a command
/// addressed to another bot is [`Input::Ignore`].
fn parse_command(text: &str, username: &str) -> Option<Input> {
    let rest = text.strip_prefix('/')?;
    let (head, arg) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let (name, addressee) = head.split_once('@').unwrap_or((head, ""));
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    if !addressee.is_empty() && !addressee.eq_ignore_ascii_case(username) {
        return Some(Input::Ignore);
    }
    Some(Input::Command(
        name.to_ascii_lowercase(),
        arg.trim().to_string(),
    ))
}

/// The byte index of `needle` in `hay`, ignoring ASCII case.
fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    (0..=h.len().checked_sub(n.len())?).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_for_us_and_for_others() {
        let c = |t: &str| parse_command(t, "atazan_bot");
        assert_eq!(c("/start"), Some(Input::Command("start".into(), "".into())));
        assert_eq!(
            c("/start kurultai"),
            Some(Input::Command("start".into(), "kurultai".into()))
        );
        assert_eq!(
            c("/Help@Atazan_Bot"),
            Some(Input::Command("help".into(), "".into()))
        );
        assert_eq!(c("/help@other_bot"), Some(Input::Ignore));
        assert_eq!(c("how many MPs"), None);
        assert_eq!(c("/ not a command"), None);
        assert_eq!(c("/1/2 is a fraction"), None);
    }

    #[test]
    fn case_insensitive_find() {
        assert_eq!(find_ci("ask @Atazan_Bot now", "@atazan_bot"), Some(4));
        assert_eq!(find_ci("short", "@atazan_bot"), None);
        assert_eq!(find_ci("құрылтай @atazan_bot", "@atazan_bot"), Some(17));
    }
}
