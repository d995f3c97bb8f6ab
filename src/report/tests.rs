use super::*;
use crate::search::Kind;
use crate::store::{Counts, FeedbackEvent, QuestionEvent};

/// 2026-11-30 00:00 UTC.
const T0: i64 = 1_795_996_800;

fn entry(question: &str, lang: Lang, at: i64, best: &str, score: f32) -> JournalEntry {
    JournalEntry {
        at,
        kind: JournalKind::Unknown,
        lang,
        question: Some(question.to_string()),
        best: Some(best.to_string()),
        score: Some(score),
        passage: None,
        topic: None,
    }
}

fn disliked(question: Option<&str>, passage: &str, at: i64) -> JournalEntry {
    JournalEntry {
        at,
        kind: JournalKind::Disliked,
        lang: Lang::Ru,
        question: question.map(str::to_string),
        best: None,
        score: None,
        passage: Some(passage.to_string()),
        topic: Some("kurultai".to_string()),
    }
}

#[test]
fn near_duplicates_share_a_key() {
    let k = question_key("погода?", Lang::Ru);
    assert!(!k.is_empty());
    for q in ["погода ?", "Погода", "ПОГОДА!!!", "а погода", "погоды"]
    {
        assert_eq!(question_key(q, Lang::Ru), k, "{q}");
    }
    assert_ne!(question_key("погода в Астане", Lang::Ru), k);
    // Word order and repeats do not matter.
    assert_eq!(
        question_key("Алматы погода", Lang::Ru),
        question_key("погода, погода в Алматы", Lang::Ru)
    );
    // Kazakh in either alphabet, with or without endings.
    assert_eq!(
        question_key("құрылтайға", Lang::Kk),
        question_key("qūryltaiğa", Lang::Kk)
    );
    // A user who fixed /lang en and writes in Russian still meets the others.
    assert_eq!(
        question_key("погоды", Lang::En),
        question_key("погода", Lang::En)
    );
    // Only stop words, or none at all: still a key.
    assert_eq!(question_key("is it?", Lang::En), "is it");
    assert_eq!(question_key("  👍  👍 ", Lang::En), "👍 👍");
}

#[test]
fn groups_count_and_describe_their_questions() {
    let entries = [
        entry("погода?", Lang::Ru, T0 + 10, "about-bot", 0.2),
        entry("Погода", Lang::Ru, T0 + 30, "about-bot", 0.4),
        entry("погода ?", Lang::Ru, T0 + 20, "overview", 0.3),
        JournalEntry {
            kind: JournalKind::OutOfScope,
            ..entry("погода !", Lang::Ru, T0 + 5, "about-bot", 0.0)
        },
        disliked(Some("Погода?"), "overview", T0 + 40),
        entry(
            "сколько стоит референдум",
            Lang::Ru,
            T0 + 50,
            "referendum",
            0.5,
        ),
    ];
    let r = unanswered(&entries, 10);
    assert_eq!(r.entries, 6);
    assert_eq!(r.groups_total, 2);
    let g = &r.groups[0];
    assert_eq!(g.count, 5);
    assert_eq!(
        g.question.as_deref(),
        Some("Погода?"),
        "the most recent text"
    );
    assert_eq!(g.langs, [Lang::Ru]);
    assert_eq!((g.first_seen, g.last_seen), (T0 + 5, T0 + 40));
    assert_eq!((g.unanswered, g.out_of_scope, g.disliked), (3, 1, 1));
    // about-bot three times (0.2, 0.4, 0.0), overview twice.
    assert_eq!(g.best.as_deref(), Some("about-bot"));
    assert_eq!(g.best_mean_score, Some(0.2));
    assert_eq!(g.best_max_score, Some(0.4));
    let g = &r.groups[1];
    assert_eq!(g.count, 1);
    assert_eq!(g.best.as_deref(), Some("referendum"));
    assert_eq!(g.best_mean_score, Some(0.5));

    // A group answered in several languages lists each once, Kazakh first.
    let numbers = [
        entry("145?", Lang::Ru, T0, "a", 0.1),
        entry("145", Lang::Kk, T0, "a", 0.1),
        entry("145 !", Lang::Ru, T0, "a", 0.1),
    ];
    assert_eq!(
        unanswered(&numbers, 1).groups[0].langs,
        [Lang::Kk, Lang::Ru]
    );
}

#[test]
fn groups_sort_by_count_then_recency_and_keep_the_top() {
    let entries = [
        entry("first", Lang::En, T0, "a", 0.1),
        entry("second", Lang::En, T0 + 1, "a", 0.1),
        entry("second", Lang::En, T0 + 2, "a", 0.1),
        entry("third", Lang::En, T0 + 3, "a", 0.1),
        entry("fourth", Lang::En, T0 + 4, "a", 0.1),
    ];
    let r = unanswered(&entries, 10);
    let order: Vec<_> = r.groups.iter().map(|g| g.question.as_deref()).collect();
    assert_eq!(
        order,
        [Some("second"), Some("fourth"), Some("third"), Some("first")]
    );
    let r = unanswered(&entries, 2);
    assert_eq!(r.groups.len(), 2);
    assert_eq!(r.groups_total, 4);
    assert_eq!(unanswered(&entries, 0).groups.len(), 0);
}

#[test]
fn dislikes_without_a_question_group_by_passage() {
    let entries = [
        disliked(None, "kurultai-size", T0),
        disliked(None, "kurultai-size", T0 + 1),
        disliked(None, "overview", T0 + 2),
    ];
    let r = unanswered(&entries, 10);
    assert_eq!(r.groups.len(), 2);
    let g = &r.groups[0];
    assert_eq!((g.count, g.disliked), (2, 2));
    assert_eq!(g.question, None);
    assert_eq!(g.best.as_deref(), Some("kurultai-size"));
    assert_eq!(g.best_mean_score, None);
    assert!(r
        .to_plain()
        .contains("2 times: 👎 on passage kurultai-size (question not known)"));
}

#[test]
fn unanswered_plain_text_names_counts_questions_and_candidates() {
    let entries = [
        entry("погода?", Lang::Ru, T0 + 3600, "about-bot", 0.2),
        entry("Погода", Lang::Ru, T0 + 7260, "about-bot", 0.4),
    ];
    let text = unanswered(&entries, 10).to_plain();
    assert!(text.contains("1. 2 times: \"Погода\""), "{text}");
    assert!(text.contains("not answered 2 · ru · 2026-11-30 01:00 – 2026-11-30 02:01 UTC"));
    assert!(text.contains("closest passage: about-bot (score 0.30 on average, 0.40 at best)"));
    assert!(unanswered(&[], 10).to_plain().starts_with("No unanswered"));
    // JSON round trip, for the HTTP endpoint and the CLI.
    let r = unanswered(&entries, 10);
    let json = serde_json::to_string(&r).unwrap();
    assert_eq!(serde_json::from_str::<UnansweredReport>(&json).unwrap(), r);
}

fn day(day: i64, f: impl FnOnce(&mut Counts)) -> DayStats {
    let mut counts = Counts::default();
    f(&mut counts);
    DayStats { day, counts }
}

fn q(kind: Kind, lang: Lang, topic: Option<&str>) -> QuestionEvent<'_> {
    QuestionEvent {
        text: "",
        lang,
        at: 0,
        kind,
        topic,
        passage: None,
        best: None,
        score: 0.0,
    }
}

fn fb(up: bool, topic: &str) -> FeedbackEvent<'_> {
    FeedbackEvent {
        up,
        passage: "p",
        topic: Some(topic),
        question: None,
        lang: Lang::Kk,
        at: 0,
        best: None,
        score: None,
    }
}

#[test]
fn stats_add_up_per_day_topic_and_language() {
    let d0 = crate::store::day_of(T0);
    let days = [
        day(d0 + 1, |c| {
            c.question(&q(Kind::Answer, Lang::Ru, Some("referendum")));
            c.question(&q(Kind::Greeting, Lang::Ru, None));
            c.feedback(&fb(false, "referendum"));
            c.reload(false);
        }),
        day(d0, |c| {
            c.question(&q(Kind::Answer, Lang::Kk, Some("kurultai")));
            c.question(&q(Kind::Answer, Lang::Kk, Some("kurultai")));
            c.question(&q(Kind::Neutral, Lang::En, Some("about")));
            c.question(&q(Kind::Unknown, Lang::Kk, None));
            c.question(&q(Kind::Empty, Lang::Kk, None));
            c.feedback(&fb(true, "kurultai"));
            c.feedback(&fb(true, "kurultai"));
            c.feedback(&fb(true, "about"));
            c.reload(true);
        }),
    ];
    let r = stats(&days);
    assert_eq!(r.first_day.as_deref(), Some("2026-11-30"));
    assert_eq!(r.last_day.as_deref(), Some("2026-12-01"));
    let t = &r.totals;
    assert_eq!((t.questions, t.asked, t.answered), (7, 5, 4));
    assert_eq!(t.answer_rate, Some(0.8));
    assert_eq!((t.up, t.down), (3, 1));
    assert_eq!(t.up_share, Some(0.75));
    assert_eq!((t.reloads_ok, t.reloads_failed), (1, 1));
    assert_eq!(t.kinds.neutral, 1);
    let langs: Vec<_> = r
        .langs
        .iter()
        .map(|l| (l.lang, l.asked, l.answered))
        .collect();
    assert_eq!(
        langs,
        [(Lang::Kk, 3, 2), (Lang::Ru, 1, 1), (Lang::En, 1, 1)]
    );
    let topics: Vec<_> = r
        .topics
        .iter()
        .map(|t| (t.topic.as_str(), t.answered, t.up, t.down))
        .collect();
    assert_eq!(
        topics,
        [
            ("kurultai", 2, 2, 0),
            ("about", 1, 1, 0),
            ("referendum", 1, 0, 1)
        ]
    );
    let dates: Vec<_> = r.days.iter().map(|d| d.date.as_str()).collect();
    assert_eq!(dates, ["2026-11-30", "2026-12-01"]);
    assert_eq!(r.days[1].summary.answer_rate, Some(1.0));

    let text = r.to_plain();
    assert!(
        text.contains("Statistics, 2026-11-30 to 2026-12-01 (UTC)"),
        "{text}"
    );
    assert!(text.contains("Questions: 5, of which 4 answered from the content (80 %)."));
    assert!(text.contains("Feedback: 👍 3  👎 1  (75 % positive)"));
    assert!(text.contains("Content reloads: 1 went live, 1 refused"));
    assert!(text.contains("  kurultai"));
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["days"][0]["date"], "2026-11-30");
    assert_eq!(json["days"][0]["asked"], 4);
    assert_eq!(json["totals"]["kinds"]["out_of_scope"], 0);
}

#[test]
fn stats_of_nothing() {
    let r = stats(&[]);
    assert_eq!(r.totals.answer_rate, None);
    assert_eq!(r.totals.up_share, None);
    assert!(r.to_plain().starts_with("No questions"));
}
