//! The one outcome type from the matcher to the journal.

use serde::{Deserialize, Serialize};

/// What the matcher decided, and so what kind of reply a question gets:
/// front ends, statistics and the journal tell answers from refusals and
/// small talk by it. The passage answered with, if any, travels beside it
/// ([`super::Match::passage`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A passage answers the question.
    Answer,
    /// The question asked the bot to take a side: the neutrality passage.
    Neutral,
    /// Not sure: candidates are offered ("did you mean…").
    Unsure,
    /// Nothing answers it.
    Unknown,
    /// Outside the bot's subject.
    OutOfScope,
    /// No words to go by.
    Empty,
    /// Only a greeting.
    Greeting,
    /// Only thanks.
    Thanks,
}

impl Kind {
    /// Every kind, in report order.
    pub const ALL: [Kind; 8] = [
        Kind::Answer,
        Kind::Neutral,
        Kind::Unsure,
        Kind::Unknown,
        Kind::OutOfScope,
        Kind::Greeting,
        Kind::Thanks,
        Kind::Empty,
    ];

    /// The name used in JSON, logs and metrics labels.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Answer => "answer",
            Kind::Neutral => "neutral",
            Kind::Unsure => "unsure",
            Kind::Unknown => "unknown",
            Kind::OutOfScope => "out_of_scope",
            Kind::Empty => "empty",
            Kind::Greeting => "greeting",
            Kind::Thanks => "thanks",
        }
    }

    /// Whether a passage answered the question (counts toward the answer rate).
    pub fn answered(self) -> bool {
        matches!(self, Kind::Answer | Kind::Neutral)
    }

    /// Whether the message asked something of the content: everything but
    /// small talk and empty messages. The answer rate is `answered / asked`.
    pub fn asked(self) -> bool {
        !matches!(self, Kind::Greeting | Kind::Thanks | Kind::Empty)
    }

    /// Whether the question goes to the operators' journal with its text: it
    /// asked something and got no passage.
    pub fn journaled(self) -> bool {
        self.asked() && !self.answered()
    }
}
