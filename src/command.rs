//! The bot's commands, named once: what Telegram's menus list, what a
//! message starting with `/` means in Telegram and in the terminal chat, and
//! which commands only operators may use. Their descriptions live in
//! [`crate::i18n::command_description`], in the three languages.
//!
//! teloxide's `#[derive(BotCommands)]` was weighed and not used: it gives a
//! command one description, and the menus here are set per language.

/// A command of the bot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// The greeting and the topics; `/start <topic or passage>` opens it.
    Start,
    /// The topic menu (also `/menu`).
    Topics,
    /// The language picker (also `/language`); `/lang ru` in the terminal.
    Lang,
    /// What the bot is, who runs it, what it stores (also `/privacy`).
    About,
    /// How to ask, and as of which date the content is current.
    Help,
    /// Operators: reload the content folder now.
    Reload,
    /// Operators: the most frequent unanswered questions.
    Unanswered,
    /// Operators: the statistics.
    Stats,
}

impl Command {
    /// The commands everybody sees in the menu, in menu order.
    pub const PUBLIC: [Command; 5] = [
        Command::Start,
        Command::Topics,
        Command::Lang,
        Command::About,
        Command::Help,
    ];
    /// The commands only operators see and may use.
    pub const OPERATOR: [Command; 3] = [Command::Reload, Command::Unanswered, Command::Stats];

    /// The command's name, without the slash.
    pub fn name(self) -> &'static str {
        match self {
            Command::Start => "start",
            Command::Topics => "topics",
            Command::Lang => "lang",
            Command::About => "about",
            Command::Help => "help",
            Command::Reload => "reload",
            Command::Unanswered => "unanswered",
            Command::Stats => "stats",
        }
    }

    /// The command a name (without the slash, lowercase) stands for,
    /// aliases included; `None` for a name the bot does not know.
    pub fn parse(name: &str) -> Option<Command> {
        Some(match name {
            "start" => Command::Start,
            "topics" | "menu" => Command::Topics,
            "lang" | "language" => Command::Lang,
            "about" | "privacy" => Command::About,
            "help" => Command::Help,
            "reload" => Command::Reload,
            "unanswered" => Command::Unanswered,
            "stats" => Command::Stats,
            _ => return None,
        })
    }

    /// Whether only operators may use it.
    pub fn for_operators(self) -> bool {
        Command::OPERATOR.contains(&self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_reads_back_from_its_name_and_has_a_description() {
        for c in Command::PUBLIC.into_iter().chain(Command::OPERATOR) {
            assert_eq!(Command::parse(c.name()), Some(c));
            for lang in crate::Lang::ALL {
                assert!(
                    !crate::i18n::command_description(c, lang).is_empty(),
                    "{c:?}"
                );
            }
        }
        assert_eq!(Command::parse("menu"), Some(Command::Topics));
        assert_eq!(Command::parse("nonsense"), None);
        assert!(Command::Stats.for_operators() && !Command::Help.for_operators());
    }
}
