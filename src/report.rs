//! The operator's reports: what went unanswered, and how the bot is doing.
//!
//! Pure functions of the journal entries and daily counters a [`Store`]
//! returns, wherever they came from (the data folder, a running bot over
//! HTTP): a CLI command, a Telegram admin command and an HTTP endpoint build
//! the same report. Each report serialises to JSON and renders as short plain
//! text for someone who does not program.
//!
//! [`Store`]: crate::store::Store

use crate::lang::Lang;
use crate::store::{date_of_day, DayStats, JournalEntry, JournalKind, KindCounts, DAY_SECS};
use crate::text::stopwords::{self, Role};
use crate::text::{self, Script};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write;

/// Near-duplicate unanswered questions (and 👎), grouped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnansweredReport {
    /// Journal entries read.
    pub entries: usize,
    /// Groups they formed.
    pub groups_total: usize,
    /// The most frequent groups, most frequent first.
    pub groups: Vec<Group>,
}

/// Questions that are the same to the matcher: the same words once stop
/// words are dropped and the rest stemmed and folded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// Entries in the group.
    pub count: usize,
    /// The group's most recent question text (none for 👎 whose question
    /// the bot no longer knew: those are grouped by passage).
    pub question: Option<String>,
    /// What the entries share: their analysed words (or `passage:<id>`).
    pub key: String,
    /// The languages they were answered in.
    pub langs: Vec<Lang>,
    /// The first entry, Unix seconds.
    pub first_seen: i64,
    /// The last entry, Unix seconds.
    pub last_seen: i64,
    /// Questions answered with "I don't know" or with candidates to pick.
    pub unanswered: usize,
    /// Questions refused as outside the reform.
    pub out_of_scope: usize,
    /// 👎 on an answer.
    pub disliked: usize,
    /// The passage the matcher most often found closest (for a 👎, the
    /// passage disliked unless the question's best is known).
    pub best: Option<String>,
    /// Its mean score over the group's entries that name it.
    pub best_mean_score: Option<f32>,
    /// Its highest score.
    pub best_max_score: Option<f32>,
}

/// The grouping key of a question: its words, stop words dropped, each
/// analysed as the matcher analyses it (stem, fold script), sorted and
/// deduplicated. "Погода?", "погода ?" and "погоды" share one key.
pub fn question_key(question: &str, lang: Lang) -> String {
    let tokens = text::tokens(question);
    let mut terms: Vec<String> = tokens
        .iter()
        .filter(|t| stopwords::role(&t.word) != Some(Role::Stop))
        .map(|t| text::analyze_word(&t.word, word_lang(&t.word, lang)))
        .collect();
    if terms.is_empty() {
        // Only stop words ("what is it?"): they are all there is to compare.
        terms = tokens.iter().map(|t| text::fold::key(&t.word)).collect();
    }
    terms.sort_unstable();
    terms.dedup();
    if terms.is_empty() {
        // No words at all (emoji, punctuation): the text itself.
        return question.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    terms.join(" ")
}

/// The language to analyse a word in: the answer's, when the word's script
/// allows it (a user who fixed `/lang en` may still write in Cyrillic).
fn word_lang(word: &str, lang: Lang) -> Lang {
    let langs = Script::of(word).langs();
    if langs.is_empty() || langs.contains(&lang) {
        lang
    } else {
        langs[0]
    }
}

#[derive(Default)]
struct Acc {
    count: usize,
    question: Option<(i64, String)>,
    langs: BTreeSet<Lang>,
    first: i64,
    last: i64,
    unanswered: usize,
    out_of_scope: usize,
    disliked: usize,
    /// Per candidate: entries naming it, last time seen, scores.
    bests: HashMap<String, Best>,
}

#[derive(Default)]
struct Best {
    count: usize,
    last: i64,
    scored: usize,
    sum: f64,
    max: f32,
}

/// Groups `entries` into near-duplicates and keeps the `top` groups with the
/// most entries (ties: the most recent first).
pub fn unanswered(entries: &[JournalEntry], top: usize) -> UnansweredReport {
    let mut groups: HashMap<String, Acc> = HashMap::new();
    for e in entries {
        let key = match (&e.question, &e.passage) {
            (Some(q), _) => question_key(q, e.lang),
            (None, Some(p)) => format!("passage:{p}"),
            (None, None) => String::new(),
        };
        let acc = groups.entry(key).or_default();
        if acc.count == 0 {
            (acc.first, acc.last) = (e.at, e.at);
        }
        acc.count += 1;
        acc.first = acc.first.min(e.at);
        acc.last = acc.last.max(e.at);
        acc.langs.insert(e.lang);
        match e.kind {
            JournalKind::Unknown | JournalKind::Unsure => acc.unanswered += 1,
            JournalKind::OutOfScope => acc.out_of_scope += 1,
            JournalKind::Disliked => acc.disliked += 1,
        }
        if let Some(q) = &e.question {
            if acc.question.as_ref().is_none_or(|(at, _)| e.at >= *at) {
                acc.question = Some((e.at, q.clone()));
            }
        }
        if let Some(best) = e.best.as_ref().or(e.passage.as_ref()) {
            let b = acc.bests.entry(best.clone()).or_default();
            b.count += 1;
            b.last = b.last.max(e.at);
            if let Some(s) = e.score.filter(|s| s.is_finite()) {
                b.scored += 1;
                b.sum += f64::from(s);
                b.max = if b.scored == 1 { s } else { b.max.max(s) };
            }
        }
    }
    let groups_total = groups.len();
    let mut out: Vec<Group> = groups
        .into_iter()
        .map(|(key, acc)| {
            let best = acc
                .bests
                .iter()
                .max_by(|a, b| {
                    (a.1.count, a.1.last)
                        .cmp(&(b.1.count, b.1.last))
                        .then_with(|| b.0.cmp(a.0))
                })
                .map(|(id, b)| (id.clone(), b));
            Group {
                count: acc.count,
                question: acc.question.map(|(_, q)| q),
                key,
                langs: acc.langs.into_iter().collect(),
                first_seen: acc.first,
                last_seen: acc.last,
                unanswered: acc.unanswered,
                out_of_scope: acc.out_of_scope,
                disliked: acc.disliked,
                best_mean_score: best
                    .as_ref()
                    .filter(|(_, b)| b.scored > 0)
                    .map(|(_, b)| round3((b.sum / b.scored as f64) as f32)),
                best_max_score: best
                    .as_ref()
                    .filter(|(_, b)| b.scored > 0)
                    .map(|(_, b)| round3(b.max)),
                best: best.map(|(id, _)| id),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(b.last_seen.cmp(&a.last_seen))
            .then_with(|| a.key.cmp(&b.key))
    });
    out.truncate(top);
    UnansweredReport {
        entries: entries.len(),
        groups_total,
        groups: out,
    }
}

impl UnansweredReport {
    /// The report as plain text: one paragraph per group, most asked first.
    pub fn to_plain(&self) -> String {
        let mut out = String::new();
        if self.entries == 0 {
            out.push_str("No unanswered questions and no 👎 in this period.\n");
            return out;
        }
        let _ = writeln!(
            out,
            "Unanswered questions and 👎: {} in {} group(s) of similar questions; {} shown, most frequent first.",
            self.entries,
            self.groups_total,
            self.groups.len()
        );
        for (i, g) in self.groups.iter().enumerate() {
            let times = if g.count == 1 {
                "once".to_string()
            } else {
                format!("{} times", g.count)
            };
            match &g.question {
                Some(q) => {
                    let q = crate::search::truncate(q, 200);
                    let _ = writeln!(out, "\n{}. {times}: \"{q}\"", i + 1);
                }
                None => {
                    let passage = g.best.as_deref().unwrap_or("?");
                    let _ = writeln!(
                        out,
                        "\n{}. {times}: 👎 on passage {passage} (question not known)",
                        i + 1
                    );
                }
            }
            let mut what = Vec::new();
            if g.unanswered > 0 {
                what.push(format!("not answered {}", g.unanswered));
            }
            if g.out_of_scope > 0 {
                what.push(format!("refused as off-topic {}", g.out_of_scope));
            }
            if g.disliked > 0 {
                what.push(format!("👎 {}", g.disliked));
            }
            let langs: Vec<&str> = g.langs.iter().map(|l| l.code()).collect();
            let when = if g.first_seen == g.last_seen {
                datetime_of(g.last_seen)
            } else {
                format!(
                    "{} – {}",
                    datetime_of(g.first_seen),
                    datetime_of(g.last_seen)
                )
            };
            let _ = writeln!(
                out,
                "   {} · {} · {when} UTC",
                what.join(", "),
                langs.join(", ")
            );
            if let Some(best) = &g.best {
                let _ = match (g.best_mean_score, g.best_max_score) {
                    (Some(mean), Some(max)) if g.count > 1 => writeln!(
                        out,
                        "   closest passage: {best} (score {mean:.2} on average, {max:.2} at best)"
                    ),
                    (_, Some(max)) => {
                        writeln!(out, "   closest passage: {best} (score {max:.2})")
                    }
                    _ => writeln!(out, "   closest passage: {best}"),
                };
            }
        }
        out
    }
}

/// What a span of days adds up to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Every message counted as a question, small talk and empty ones too.
    pub questions: u64,
    /// The questions that asked something of the content.
    pub asked: u64,
    /// Of those, answered with a passage (the neutrality one included).
    pub answered: u64,
    /// `answered / asked`, when anything was asked.
    pub answer_rate: Option<f64>,
    /// Questions by what the bot did with them.
    pub kinds: KindCounts,
    /// 👍.
    pub up: u64,
    /// 👎.
    pub down: u64,
    /// `up / (up + down)`, when there was any feedback.
    pub up_share: Option<f64>,
    /// Content reloads that went live.
    pub reloads_ok: u64,
    /// Content reloads refused.
    pub reloads_failed: u64,
}

impl Summary {
    fn of(c: &crate::store::Counts) -> Summary {
        let (asked, answered) = (c.kinds.asked(), c.kinds.answered_total());
        Summary {
            questions: c.kinds.total(),
            asked,
            answered,
            answer_rate: ratio(answered, asked),
            kinds: c.kinds,
            up: c.up,
            down: c.down,
            up_share: ratio(c.up, c.up + c.down),
            reloads_ok: c.reloads_ok,
            reloads_failed: c.reloads_failed,
        }
    }
}

/// One day of the statistics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DayRow {
    /// The UTC date, `YYYY-MM-DD`.
    pub date: String,
    /// What it adds up to.
    #[serde(flatten)]
    pub summary: Summary,
}

/// One language of the statistics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LangRow {
    /// The language of the answers.
    pub lang: Lang,
    /// Questions that asked something.
    pub asked: u64,
    /// Of those, answered.
    pub answered: u64,
    /// `answered / asked`.
    pub answer_rate: Option<f64>,
}

/// One topic of the statistics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopicRow {
    /// The topic id.
    pub topic: String,
    /// Questions answered with its passages.
    pub answered: u64,
    /// 👍 on its passages.
    pub up: u64,
    /// 👎 on its passages.
    pub down: u64,
    /// `up / (up + down)`.
    pub up_share: Option<f64>,
}

/// The statistics of a span of days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatsReport {
    /// The first day with counts, `YYYY-MM-DD`.
    pub first_day: Option<String>,
    /// The last day with counts.
    pub last_day: Option<String>,
    /// Everything added up.
    pub totals: Summary,
    /// Per language, Kazakh first.
    pub langs: Vec<LangRow>,
    /// Per topic, most answered first.
    pub topics: Vec<TopicRow>,
    /// Per day, oldest first.
    pub days: Vec<DayRow>,
}

/// The statistics of `days` (as [`crate::store::Store::stats`] returns them).
pub fn stats(days: &[DayStats]) -> StatsReport {
    let mut days: Vec<&DayStats> = days.iter().collect();
    days.sort_by_key(|d| d.day);
    let mut total = crate::store::Counts::default();
    for d in &days {
        total.add(&d.counts);
    }
    let langs = total
        .langs
        .iter()
        .map(|(lang, c)| LangRow {
            lang,
            asked: c.asked,
            answered: c.answered,
            answer_rate: ratio(c.answered, c.asked),
        })
        .collect();
    let mut topics: Vec<TopicRow> = total
        .topics
        .iter()
        .map(|(id, t)| TopicRow {
            topic: id.clone(),
            answered: t.answered,
            up: t.up,
            down: t.down,
            up_share: ratio(t.up, t.up + t.down),
        })
        .collect();
    topics.sort_by(|a, b| {
        b.answered
            .cmp(&a.answered)
            .then_with(|| a.topic.cmp(&b.topic))
    });
    StatsReport {
        first_day: days.first().map(|d| date_of_day(d.day)),
        last_day: days.last().map(|d| date_of_day(d.day)),
        totals: Summary::of(&total),
        langs,
        topics,
        days: days
            .iter()
            .map(|d| DayRow {
                date: date_of_day(d.day),
                summary: Summary::of(&d.counts),
            })
            .collect(),
    }
}

impl StatsReport {
    /// The report as plain text: totals, then per language, topic and day.
    pub fn to_plain(&self) -> String {
        let mut out = String::new();
        let (Some(first), Some(last)) = (&self.first_day, &self.last_day) else {
            out.push_str("No questions, feedback or reloads recorded in this period.\n");
            return out;
        };
        let t = &self.totals;
        let k = &t.kinds;
        let span = if first == last {
            format!("{first} (UTC)")
        } else {
            format!("{first} to {last} (UTC)")
        };
        let _ = writeln!(out, "Statistics, {span}\n");
        let _ = writeln!(
            out,
            "Questions: {}, of which {} answered from the content ({}).",
            t.asked,
            t.answered,
            percent(t.answer_rate)
        );
        let _ = writeln!(
            out,
            "  answered {}, neutrality statement {}, unsure {}, not known {}, refused as off-topic {}",
            k.answered, k.neutral, k.unsure, k.unknown, k.out_of_scope
        );
        if k.greeting + k.thanks + k.empty > 0 {
            let _ = writeln!(
                out,
                "  not counted as questions: small talk {}, empty {}",
                k.greeting + k.thanks,
                k.empty
            );
        }
        let _ = writeln!(
            out,
            "Feedback: 👍 {}  👎 {}  ({} positive)",
            t.up,
            t.down,
            percent(t.up_share)
        );
        let _ = writeln!(
            out,
            "Content reloads: {} went live, {} refused",
            t.reloads_ok, t.reloads_failed
        );

        let _ = writeln!(out, "\nBy language   questions  answered   rate");
        for l in &self.langs {
            let _ = writeln!(
                out,
                "  {:<11} {:>9}  {:>8} {:>6}",
                l.lang.code(),
                l.asked,
                l.answered,
                percent(l.answer_rate)
            );
        }
        if !self.topics.is_empty() {
            let _ = writeln!(out, "\nBy topic                answered     👍     👎");
            for tr in &self.topics {
                let _ = writeln!(
                    out,
                    "  {:<21} {:>8}  {:>5}  {:>5}",
                    tr.topic, tr.answered, tr.up, tr.down
                );
            }
        }
        let _ = writeln!(
            out,
            "\nBy day        questions  answered   rate     👍     👎  reloads ok/refused"
        );
        for d in &self.days {
            let s = &d.summary;
            let _ = writeln!(
                out,
                "  {} {:>9}  {:>8} {:>6}  {:>5}  {:>5}  {}/{}",
                d.date,
                s.asked,
                s.answered,
                percent(s.answer_rate),
                s.up,
                s.down,
                s.reloads_ok,
                s.reloads_failed
            );
        }
        out
    }
}

/// `part / whole`, rounded to three decimals; none of nothing.
fn ratio(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 / whole as f64 * 1000.0).round() / 1000.0)
}

fn round3(x: f32) -> f32 {
    (x * 1000.0).round() / 1000.0
}

fn percent(r: Option<f64>) -> String {
    r.map_or_else(|| "–".to_string(), |r| format!("{:.0} %", r * 100.0))
}

/// A Unix time as `YYYY-MM-DD HH:MM` (UTC).
fn datetime_of(at: i64) -> String {
    let secs = at.rem_euclid(DAY_SECS);
    format!(
        "{} {:02}:{:02}",
        date_of_day(crate::store::day_of(at)),
        secs / 3600,
        secs % 3600 / 60
    )
}

#[cfg(test)]
mod tests;
