//! The daily counters: what one UTC day's questions, feedback and reloads
//! add up to. Stored as one JSON value per day; every field defaults, so a
//! counter added later reads as zero from older values.

use super::{FeedbackEvent, QuestionEvent};
use crate::lang::{Lang, PerLang};
use crate::search::Kind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Questions of one day by what the bot did with them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct KindCounts {
    /// Answered with a passage.
    pub answered: u64,
    /// Answered with the neutrality passage.
    pub neutral: u64,
    /// Candidates offered, none sure.
    pub unsure: u64,
    /// "I don't know".
    pub unknown: u64,
    /// Refused as outside the reform.
    pub out_of_scope: u64,
    /// Greetings.
    pub greeting: u64,
    /// Thanks.
    pub thanks: u64,
    /// Nothing to go by.
    pub empty: u64,
}

impl KindCounts {
    /// The count of `kind`.
    pub fn get(&self, kind: Kind) -> u64 {
        match kind {
            Kind::Answer => self.answered,
            Kind::Neutral => self.neutral,
            Kind::Unsure => self.unsure,
            Kind::Unknown => self.unknown,
            Kind::OutOfScope => self.out_of_scope,
            Kind::Greeting => self.greeting,
            Kind::Thanks => self.thanks,
            Kind::Empty => self.empty,
        }
    }

    /// The count of `kind`, mutably.
    pub fn get_mut(&mut self, kind: Kind) -> &mut u64 {
        match kind {
            Kind::Answer => &mut self.answered,
            Kind::Neutral => &mut self.neutral,
            Kind::Unsure => &mut self.unsure,
            Kind::Unknown => &mut self.unknown,
            Kind::OutOfScope => &mut self.out_of_scope,
            Kind::Greeting => &mut self.greeting,
            Kind::Thanks => &mut self.thanks,
            Kind::Empty => &mut self.empty,
        }
    }

    /// Every question, whatever happened to it.
    pub fn total(&self) -> u64 {
        Kind::ALL.iter().map(|&k| self.get(k)).sum()
    }

    /// The questions that asked something of the content.
    pub fn asked(&self) -> u64 {
        self.sum(Kind::asked)
    }

    /// The questions a passage answered.
    pub fn answered_total(&self) -> u64 {
        self.sum(Kind::answered)
    }

    fn sum(&self, pred: fn(Kind) -> bool) -> u64 {
        Kind::ALL
            .iter()
            .filter(|&&k| pred(k))
            .map(|&k| self.get(k))
            .sum()
    }

    /// Adds `other` to these counts.
    pub fn add(&mut self, other: &KindCounts) {
        for k in Kind::ALL {
            *self.get_mut(k) += other.get(k);
        }
    }
}

/// One language's questions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LangCounts {
    /// Questions that asked something (small talk and empty ones not counted).
    pub asked: u64,
    /// Of those, answered with a passage.
    pub answered: u64,
}

/// One topic's answers and feedback.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TopicCounts {
    /// Questions answered with a passage of the topic.
    pub answered: u64,
    /// 👍 on its passages.
    pub up: u64,
    /// 👎 on its passages.
    pub down: u64,
}

/// What one day (or any span) adds up to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Counts {
    /// Questions by what the bot did with them.
    pub kinds: KindCounts,
    /// Questions by the language of the answer.
    pub langs: PerLang<LangCounts>,
    /// Answers and feedback by topic id.
    pub topics: BTreeMap<String, TopicCounts>,
    /// 👍 in all.
    pub up: u64,
    /// 👎 in all.
    pub down: u64,
    /// Content reloads that went live.
    pub reloads_ok: u64,
    /// Content reloads refused (invalid content).
    pub reloads_failed: u64,
}

impl Counts {
    /// Counts one question.
    pub fn question(&mut self, q: &QuestionEvent<'_>) {
        *self.kinds.get_mut(q.kind) += 1;
        if q.kind.asked() {
            let l = self.langs.get_mut(q.lang);
            l.asked += 1;
            l.answered += u64::from(q.kind.answered());
        }
        if q.kind.answered() {
            if let Some(topic) = q.topic {
                self.topic(topic).answered += 1;
            }
        }
    }

    /// Counts one 👍 or 👎.
    pub fn feedback(&mut self, f: &FeedbackEvent<'_>) {
        if f.up {
            self.up += 1;
        } else {
            self.down += 1;
        }
        if let Some(topic) = f.topic {
            let t = self.topic(topic);
            if f.up {
                t.up += 1;
            } else {
                t.down += 1;
            }
        }
    }

    /// Counts one reload.
    pub fn reload(&mut self, ok: bool) {
        if ok {
            self.reloads_ok += 1;
        } else {
            self.reloads_failed += 1;
        }
    }

    /// The counts of `topic`, created on first use (the key is allocated
    /// once per topic and day, not per event).
    fn topic(&mut self, topic: &str) -> &mut TopicCounts {
        if !self.topics.contains_key(topic) {
            self.topics
                .insert(topic.to_string(), TopicCounts::default());
        }
        self.topics.get_mut(topic).expect("inserted above")
    }

    /// Adds `other` to these counts.
    pub fn add(&mut self, other: &Counts) {
        self.kinds.add(&other.kinds);
        for lang in Lang::ALL {
            let (a, b) = (self.langs.get_mut(lang), other.langs.get(lang));
            a.asked += b.asked;
            a.answered += b.answered;
        }
        for (id, t) in &other.topics {
            let mine = self.topic(id);
            mine.answered += t.answered;
            mine.up += t.up;
            mine.down += t.down;
        }
        self.up += other.up;
        self.down += other.down;
        self.reloads_ok += other.reloads_ok;
        self.reloads_failed += other.reloads_failed;
    }
}

/// The counters of one UTC day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayStats {
    /// The day, in days since 1970-01-01 (UTC).
    pub day: i64,
    /// What the day adds up to.
    pub counts: Counts,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(kind: Kind, lang: Lang, topic: Option<&str>) -> QuestionEvent<'_> {
        QuestionEvent {
            text: "x",
            lang,
            at: 0,
            kind,
            topic,
            passage: topic,
            best: topic,
            score: 0.5,
        }
    }

    #[test]
    fn counts_add_up_and_merge() {
        let mut a = Counts::default();
        a.question(&q(Kind::Answer, Lang::Kk, Some("kurultai")));
        a.question(&q(Kind::Unknown, Lang::Ru, None));
        a.question(&q(Kind::Empty, Lang::En, None));
        a.reload(false);
        let mut b = Counts::default();
        b.question(&q(Kind::Neutral, Lang::Kk, Some("about")));
        b.reload(true);
        a.add(&b);
        assert_eq!(a.kinds.total(), 4);
        assert_eq!(a.kinds.asked(), 3);
        assert_eq!(a.kinds.answered_total(), 2);
        assert_eq!(
            a.langs.kk,
            LangCounts {
                asked: 2,
                answered: 2
            }
        );
        assert_eq!(a.langs.en, LangCounts::default());
        assert_eq!(a.topics["kurultai"].answered, 1);
        assert_eq!(a.topics["about"].answered, 1);
        assert_eq!((a.reloads_ok, a.reloads_failed), (1, 1));
    }

    #[test]
    fn older_values_without_new_fields_decode() {
        let c: Counts = serde_json::from_str(r#"{"kinds":{"answered":3}}"#).unwrap();
        assert_eq!(c.kinds.answered, 3);
        assert_eq!(c.up, 0);
    }
}
