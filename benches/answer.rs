//! Benchmarks for answering one question and for building the matcher.
//!
//! Run: `cargo bench --bench answer` (criterion, then a percentile report).
//!
//! Criterion benchmarks (means with confidence intervals):
//!
//! - `baseline/hashmap-lookup`: the floor any matcher pays: split the question
//!   on whitespace and look each word up in a `HashMap<String, usize>` of the
//!   real content's words. Every other figure is reported as a ratio to it.
//! - `answer/real`: one answer (`Engine::answer`: match + reply) over the real
//!   `content/` folder, cycling through [`QUESTIONS`] (one question per
//!   iteration, so the figure is per question).
//! - `answer/synthetic-2000`, `answer/synthetic-20000`: the same over synthetic
//!   corpora of 2,000 and 20,000 passages (see [`synthetic`]).
//! - `build/real`, `build/synthetic-2000`: `Matcher::new` (index build; the
//!   drop of the built matcher is not timed).
//!
//! Percentile report (after criterion, bench mode only): every question is
//! timed on its own with `Instant` (20,000 answers over the real and the
//! 2,000-passage content, 2,000 over the 20,000-passage content) and p50/p99
//! are printed in µs next to the baseline's, as ratios, with the match alone
//! (`Matcher::find`, a quarter as many samples) split from the whole answer,
//! what each question gets, and the slowest questions. Set
//! `ATAZAN_BENCH_PERCENTILES=0` to skip it, `=only` to skip criterion.
//!
//! The SPEC bars: one answer p99 ≤ 50 µs on the real content, ≤ 1 ms on 20,000
//! passages.

use atazan::content::{Content, ContentFiles, Passage, Translation};
use atazan::engine::Engine;
use atazan::lang::PerLang;
use atazan::search::Matcher;
use atazan::Lang;
use criterion::{black_box, criterion_group, BenchmarkId, Criterion, SamplingMode, Throughput};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

mod common;

/// Realistic questions: Kazakh in Cyrillic, in Latin letters and with Russian
/// look-alike letters; Russian; English; typos, long rambling ones, off-topic
/// ones, requests to take a side, emoji.
const QUESTIONS: [&str; 34] = [
    // kk, Cyrillic
    "Құрылтайда қанша депутат болады?",
    "Сенат пен Мәжіліс жойыла ма сонда?",
    "Вице-президентті кім тағайындайды?",
    "Референдум қашан өтеді?",
    "Жаңа Конституцияның негізгі қағидаттары қандай?",
    // kk, Russian look-alike letters (no Kazakh keyboard), with typos
    "курылтайда канша депутат болады",
    "жана парламентте депутат саны нешеу болад",
    "референдумга катысу миндетти ме",
    // kk, Latin letters in Cyrillic words (mixed keyboard)
    "Құрылтaйдa қaншa дeпутaт бoлaды?",
    // kk, Latin
    "qurultai qansha deputat",
    "senat zhoyila ma",
    "referendumga qalai qatysamyn",
    "vitse prezident kim bolady",
    // ru
    "Сколько депутатов будет в Курултае?",
    "Сенат отменят?",
    "кто назначает вице-президента",
    "когда будет референдум по новой конституции",
    "скока депутатов в курултае будет",
    "Обязательно ли идти на референдум?",
    // en
    "How many deputies will the Kurultai have?",
    "Will the Senate be abolished?",
    "who appoints the vice presdent",
    "When is the referendum?",
    "what are the main principles of the new constitution",
    // long and rambling
    "Здравствуйте, мы тут с соседкой весь вечер спорили, она говорит что парламента вообще не будет, а будет какой-то курултай, а я говорю что это одно и то же, так вот скажите пожалуйста сколько там будет депутатов и останется ли сенат или его уберут совсем?",
    "Hi, sorry to bother you, my grandmother keeps asking me about this reform and I honestly have no idea what to tell her, she heard something on TV about a new parliament with one chamber and a vice president, can you explain what actually changes and whether she has to go and vote?",
    "Сәлеметсіз бе, мен ауылда тұрамын, бізде интернет нашар, теледидардан естідім жаңа Ата заң болады деп, сонда Құрылтай деген не өзі, депутаттарды кім сайлайды және референдум қашан болады, айтып жіберіңізші, рахмет",
    // off-topic
    "What's the weather in Almaty tomorrow?",
    "Бүгін доллар бағамы қанша?",
    "Кто выиграет чемпионат мира по футболу?",
    // asking the bot to take a side
    "Реформаны қолдайсың ба?",
    "Should I vote yes or no?",
    // emoji
    "🤔🤔🤔",
    "Құрылтай 🇰🇿 қашан болады? 🙏",
];

fn content_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/content"))
}

/// The real content folder, parsed and validated.
fn real_content() -> Content {
    let files = ContentFiles::read(content_dir()).expect("content folder reads");
    match files.parse() {
        Ok(c) => c,
        Err(diags) => {
            for d in &diags {
                eprintln!("{d}");
            }
            panic!("content/ is not valid ({} problems)", diags.len());
        }
    }
}

/// A 64-bit linear congruential generator (Knuth's MMIX constants): enough to
/// draw words deterministically, no `rand` needed.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        self.next() as f64 / (1u64 << 31) as f64
    }

    /// Uniform in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize
    }
}

/// Pseudo-words per language in the synthetic vocabulary.
const PSEUDO_WORDS: usize = 10_000;

/// The words a synthetic passage draws from, per language.
struct Vocabulary {
    /// Every whitespace token of the real content in that language, with
    /// repeats: drawing from it follows the real word frequencies.
    real: PerLang<Vec<String>>,
    /// Generated words in the language's letters, drawn skewed towards the
    /// first ones (a few common, a long tail of rare ones).
    pseudo: PerLang<Vec<String>>,
}

impl Vocabulary {
    fn new(content: &Content, rng: &mut Lcg) -> Vocabulary {
        let real = PerLang::from_fn(|lang| {
            let mut words = Vec::new();
            for p in &content.passages {
                let t = p.text.get(lang);
                for text in [&t.title, &t.body].into_iter().chain(&t.questions) {
                    words.extend(text.split_whitespace().map(str::to_string));
                }
            }
            words
        });
        let pseudo = PerLang::from_fn(|lang| {
            let (consonants, vowels): (&[char], &[char]) = match lang {
                Lang::Kk => (
                    &[
                        'б', 'ғ', 'д', 'ж', 'з', 'й', 'қ', 'л', 'м', 'н', 'ң', 'п', 'р', 'с', 'т',
                        'ш',
                    ],
                    &['а', 'ә', 'е', 'ы', 'і', 'о', 'ө', 'ұ', 'ү'],
                ),
                Lang::Ru => (
                    &[
                        'б', 'в', 'г', 'д', 'ж', 'з', 'к', 'л', 'м', 'н', 'п', 'р', 'с', 'т', 'ч',
                        'ш',
                    ],
                    &['а', 'е', 'и', 'о', 'у', 'ы', 'я'],
                ),
                Lang::En => (
                    &[
                        'b', 'c', 'd', 'f', 'g', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'w',
                    ],
                    &['a', 'e', 'i', 'o', 'u'],
                ),
            };
            (0..PSEUDO_WORDS)
                .map(|_| {
                    let syllables = 2 + rng.below(3);
                    let mut w = String::new();
                    for _ in 0..syllables {
                        w.push(consonants[rng.below(consonants.len())]);
                        w.push(vowels[rng.below(vowels.len())]);
                    }
                    if rng.below(2) == 0 {
                        w.push(consonants[rng.below(consonants.len())]);
                    }
                    w
                })
                .collect()
        });
        Vocabulary { real, pseudo }
    }

    /// One word in `lang`: half the time a real content word, else a pseudo-word.
    fn draw(&self, lang: Lang, rng: &mut Lcg) -> &str {
        if rng.below(2) == 0 {
            let real = self.real.get(lang);
            &real[rng.below(real.len())]
        } else {
            let pseudo = self.pseudo.get(lang);
            let u = rng.unit();
            &pseudo[(u * u * u * pseudo.len() as f64) as usize]
        }
    }

    /// `text` with each whitespace token kept with probability `keep`, else
    /// replaced by a drawn word; plus `extra` drawn words at random places.
    fn vary(&self, text: &str, lang: Lang, keep: f64, extra: usize, rng: &mut Lcg) -> String {
        let mut words: Vec<&str> = text
            .split_whitespace()
            .map(|w| {
                if rng.unit() < keep {
                    w
                } else {
                    self.draw(lang, rng)
                }
            })
            .collect();
        for _ in 0..extra {
            let at = rng.below(words.len() + 1);
            words.insert(at, self.draw(lang, rng));
        }
        words.join(" ")
    }
}

/// A synthetic corpus of `n` passages: the real passages unchanged, then
/// replicas of them (cycling) until there are `n`. Each replica keeps its
/// original's topic, sources and shape, gets a unique id (`<id>-r<k>`, its
/// related ids renamed alike) and varied text: about half its words replaced
/// by words drawn from the real content or from generated pseudo-words, and a
/// few words added, so posting lists and the vocabulary grow as a larger real
/// corpus would and no two replicas are alike. Topics, sources, synonyms and
/// routing are the real ones.
fn synthetic(real: &Content, n: usize) -> Content {
    let mut rng = Lcg(0x5eed_a7a2);
    let vocab = Vocabulary::new(real, &mut rng);
    let originals = real.passages.len();
    let mut passages = real.passages.clone();
    for k in originals..n {
        let p = &real.passages[k % originals];
        let replica = k / originals;
        let rename = |id: &str| format!("{id}-r{replica}");
        let text = PerLang::from_fn(|lang| {
            let t = p.text.get(lang);
            Translation {
                title: vocab.vary(&t.title, lang, 0.7, 1, &mut rng),
                body: vocab.vary(&t.body, lang, 0.5, 4, &mut rng),
                questions: t
                    .questions
                    .iter()
                    .map(|q| vocab.vary(q, lang, 0.5, 1, &mut rng))
                    .collect(),
            }
        });
        passages.push(Passage {
            id: rename(&p.id),
            topic: p.topic.clone(),
            subtopic: p.subtopic.clone(),
            order: p.order,
            facts: p.facts.clone(),
            sources: p.sources.clone(),
            related: p.related.iter().map(|r| rename(r)).collect(),
            text,
        });
    }
    Content {
        passages,
        ..real.clone()
    }
}

/// The baseline: the cheapest thing any matcher must do.
struct Baseline {
    words: HashMap<String, usize>,
}

impl Baseline {
    fn new(content: &Content) -> Baseline {
        let mut words = HashMap::new();
        for p in &content.passages {
            for (_, t) in p.text.iter() {
                for text in [&t.title, &t.body].into_iter().chain(&t.questions) {
                    for w in text.split_whitespace() {
                        *words.entry(w.to_string()).or_insert(0) += 1;
                    }
                }
            }
        }
        Baseline { words }
    }

    /// Splits `question` on whitespace and looks each word up.
    fn lookup(&self, question: &str) -> usize {
        question
            .split_whitespace()
            .map(|w| self.words.get(w).copied().unwrap_or(0))
            .sum()
    }
}

/// Everything the benchmarks share, built once.
struct Fixture {
    real: Content,
    syn2k: Content,
    syn20k: Content,
    baseline: Baseline,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let t = Instant::now();
        let real = real_content();
        let syn2k = synthetic(&real, 2_000);
        let syn20k = synthetic(&real, 20_000);
        eprintln!(
            "fixture: content read + synthetic corpora generated in {:.2?}",
            t.elapsed()
        );
        Fixture {
            baseline: Baseline::new(&real),
            real,
            syn2k,
            syn20k,
        }
    })
}

/// The corpora answers are measured on, by name.
const CORPORA: [&str; 3] = ["real", "synthetic-2000", "synthetic-20000"];

/// The engine over corpus `name`, built on first use (so a criterion filter
/// that skips a corpus skips its build too).
fn engine(name: &str) -> &'static Engine {
    static ENGINES: [OnceLock<Engine>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let i = CORPORA
        .iter()
        .position(|&c| c == name)
        .expect("known corpus");
    ENGINES[i].get_or_init(|| {
        let f = fixture();
        let content = [&f.real, &f.syn2k, &f.syn20k][i];
        let t = Instant::now();
        let e = Engine::new(name.into(), Arc::new(content.clone()));
        eprintln!("engine {name}: built in {:.2?}", t.elapsed());
        e
    })
}

fn bench_baseline(c: &mut Criterion) {
    let f = fixture();
    let mut g = c.benchmark_group("baseline");
    g.throughput(Throughput::Elements(1));
    let mut i = 0;
    g.bench_function("hashmap-lookup", |b| {
        b.iter(|| {
            let q = QUESTIONS[i % QUESTIONS.len()];
            i += 1;
            f.baseline.lookup(black_box(q))
        })
    });
    g.finish();
}

fn bench_answer(c: &mut Criterion) {
    let mut g = c.benchmark_group("answer");
    g.throughput(Throughput::Elements(1));
    for name in CORPORA {
        let mut i = 0;
        g.bench_function(BenchmarkId::from_parameter(name), |b| {
            let engine = engine(name);
            b.iter(|| {
                let q = QUESTIONS[i % QUESTIONS.len()];
                i += 1;
                engine.answer(black_box(q), None)
            })
        });
    }
    g.finish();
}

fn bench_build(c: &mut Criterion) {
    let f = fixture();
    let mut g = c.benchmark_group("build");
    // Slow iterations: one build per sample, few samples.
    g.sampling_mode(SamplingMode::Flat);
    g.sample_size(10);
    g.bench_function("real", |b| {
        b.iter_with_large_drop(|| Matcher::new(black_box(&f.real)))
    });
    g.bench_function("synthetic-2000", |b| {
        b.iter_with_large_drop(|| Matcher::new(black_box(&f.syn2k)))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = common::criterion(Duration::from_secs(2));
    targets = bench_baseline, bench_answer, bench_build
}

/// p50 and p99 of `samples`, in µs.
fn percentiles(samples: &mut [Duration]) -> (f64, f64, f64) {
    samples.sort_unstable();
    let at = |q: f64| {
        let i = ((samples.len() as f64 * q).ceil() as usize).clamp(1, samples.len()) - 1;
        samples[i].as_secs_f64() * 1e6
    };
    (at(0.50), at(0.99), at(1.0))
}

/// Times `f` on each question on its own, `n` times in all (cycling).
fn time_each(n: usize, mut f: impl FnMut(&str)) -> (Vec<Duration>, Vec<Vec<Duration>>) {
    // Warm up: every question a few times.
    for q in QUESTIONS.iter().cycle().take(QUESTIONS.len() * 3) {
        f(q);
    }
    let mut all = Vec::with_capacity(n);
    let mut per_question = vec![Vec::new(); QUESTIONS.len()];
    for k in 0..n {
        let qi = k % QUESTIONS.len();
        let t = Instant::now();
        f(black_box(QUESTIONS[qi]));
        let d = t.elapsed();
        all.push(d);
        per_question[qi].push(d);
    }
    (all, per_question)
}

fn outcome_label(engine: &Engine, q: &str) -> String {
    let m = engine.matcher().find(q, None);
    let what = match m.passage {
        Some(p) => format!("{} {}", m.kind.name(), engine.content.passages[p].id),
        None => m.kind.name().into(),
    };
    format!("{} {what} ({:.2})", m.lang.code(), m.confidence)
}

/// How many passages mention `probe` (lowercase substring, any language).
fn passages_with(content: &Content, probe: &str) -> usize {
    content
        .passages
        .iter()
        .filter(|p| {
            p.text.iter().any(|(_, t)| {
                [&t.title, &t.body]
                    .into_iter()
                    .chain(&t.questions)
                    .any(|x| x.to_lowercase().contains(probe))
            })
        })
        .count()
}

fn corpus_stats(f: &Fixture) {
    println!("\ncorpora (how long the posting lists of common question words get):");
    let probes = ["депутат", "deput", "сенат", "референдум", "referendum"];
    print!("  {:<16} {:>8} {:>9}", "corpus", "passages", "tokens");
    for p in probes {
        print!(" {p:>11}");
    }
    println!();
    for (name, c) in CORPORA.iter().zip([&f.real, &f.syn2k, &f.syn20k]) {
        let mut tokens = std::collections::HashSet::new();
        for p in &c.passages {
            for (_, t) in p.text.iter() {
                for x in [&t.title, &t.body].into_iter().chain(&t.questions) {
                    tokens.extend(x.split_whitespace());
                }
            }
        }
        print!("  {name:<16} {:>8} {:>9}", c.passages.len(), tokens.len());
        for p in probes {
            print!(" {:>11}", passages_with(c, p));
        }
        println!();
    }
}

fn percentile_report() {
    let f = fixture();
    println!("\n=== percentile report (each answer timed alone with Instant) ===");
    corpus_stats(f);

    // The timer's own cost: what an empty closure measures.
    let (mut timer, _) = time_each(20_000, |q| {
        black_box(q);
    });
    let (t50, t99, _) = percentiles(&mut timer);
    println!("\ntimer floor (empty closure):      p50 {t50:8.3} µs  p99 {t99:8.3} µs");

    let (mut base, _) = time_each(20_000, |q| {
        black_box(f.baseline.lookup(q));
    });
    let (b50, b99, bmax) = percentiles(&mut base);
    println!(
        "baseline/hashmap-lookup (20000):  p50 {b50:8.3} µs  p99 {b99:8.3} µs  max {bmax:8.3} µs"
    );

    println!("\nwhat the questions get (real content | 20,000 passages):");
    let (real, big) = (engine("real"), engine("synthetic-20000"));
    for q in QUESTIONS {
        println!(
            "  {:<34} {:<38} | {}",
            short(q, 34),
            outcome_label(real, q),
            outcome_label(big, q)
        );
    }

    println!(
        "\n{:<16} {:>6} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "corpus", "n", "p50 µs", "p99 µs", "max µs", "find p50", "find p99", "p50/base", "p99/base"
    );
    let mut slow = Vec::new();
    for name in CORPORA {
        let engine = engine(name);
        let n = if name == "synthetic-20000" {
            2_000
        } else {
            20_000
        };
        let (mut all, per_q) = time_each(n, |q| {
            black_box(engine.answer(q, None));
        });
        let (p50, p99, max) = percentiles(&mut all);
        // The match alone (no reply), on fewer samples.
        let (mut find, _) = time_each(n / 4, |q| {
            black_box(engine.matcher().find(q, None));
        });
        let (f50, f99, _) = percentiles(&mut find);
        println!(
            "{name:<16} {n:>6} {p50:>9.2} {p99:>9.2} {max:>9.2} {f50:>9.2} {f99:>9.2} {:>8.0}x {:>8.0}x",
            p50 / b50,
            p99 / b99
        );
        let mut medians: Vec<(f64, usize)> = per_q
            .into_iter()
            .enumerate()
            .map(|(i, mut d)| (percentiles(&mut d).0, i))
            .collect();
        medians.sort_by(|a, b| b.0.total_cmp(&a.0));
        slow.push((name, medians));
    }
    println!("\nper question (median of its own timings):");
    for (name, medians) in slow {
        let bar = if name == "synthetic-20000" {
            1000.0
        } else {
            50.0
        };
        let over = medians.iter().filter(|m| m.0 > bar).count();
        let (fastest, fi) = medians.last().copied().unwrap_or((0.0, 0));
        println!(
            "  {name}: {over}/{} questions over {bar} µs; fastest {fastest:.2} µs ({}); slowest:",
            medians.len(),
            short(QUESTIONS[fi], 30)
        );
        for (us, i) in medians.iter().take(4) {
            println!("    {us:9.2}  {}", short(QUESTIONS[*i], 60));
        }
    }
    println!(
        "\nSPEC bars: p99 ≤ 50 µs on the real content, ≤ 1000 µs on 20,000 passages (whole answer)."
    );
}

/// The first `max` characters of `s`, for tables.
fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        s.chars()
            .take(max - 1)
            .chain(std::iter::once('…'))
            .collect()
    }
}

fn main() {
    let mode = std::env::var("ATAZAN_BENCH_PERCENTILES").unwrap_or_default();
    if mode != "only" {
        benches();
        Criterion::default().configure_from_args().final_summary();
    }
    // `cargo test --benches` runs this binary without `--bench`: criterion then
    // runs each benchmark once as a test; the report is for real runs only.
    let bench_mode = std::env::args().any(|a| a == "--bench");
    if bench_mode && mode != "0" {
        percentile_report();
    }
}
