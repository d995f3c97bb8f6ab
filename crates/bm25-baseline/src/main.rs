//! The yardstick for atazan's matcher: a plain tantivy BM25 index over the
//! same passages and example questions, scored beside atazan on the same
//! evaluation sets, in one run.
//!
//! ```sh
//! cargo build --release
//! target/release/atazan export | cargo run --release -p bm25-baseline -- - tests/eval/holdout*.jsonl
//! ```
//!
//! Each line of `atazan export` (one passage in one language: title, text,
//! example questions) becomes one document, tokenised by tantivy's default
//! analyser (split on non-alphanumerics, lowercase). A question becomes the
//! disjunction of its tokens over the three fields; the topic of the best
//! document is the baseline's answer. Nothing is tuned: this is what an
//! off-the-shelf search engine makes of the same curated material, and the
//! hand-built analysis has to earn its keep against it.
//!
//! The figure compared is **in-scope top-1**: over the questions whose
//! expected topic is set, the share whose first-ranked passage has that
//! topic. atazan is reported twice: its top-1 as the baseline's, never
//! refusing (the passage it answers with, or its first-ranked passage when it
//! would say it does not know), and the passage it actually answers with (a
//! refusal counts as a miss).

use anyhow::{bail, Context, Result};
use atazan::content::ContentFiles;
use atazan::engine::Engine;
use serde::Deserialize;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Schema, Value, STORED, STRING, TEXT};
use tantivy::tokenizer::TokenStream;
use tantivy::{doc, Index, IndexWriter, TantivyDocument, Term};

/// One line of `atazan export`.
#[derive(Deserialize)]
struct Exported {
    topic: String,
    title: String,
    text: String,
    #[serde(default)]
    questions: Vec<String>,
}

/// One line of an evaluation set (see `../shared/eval/README.md`).
#[derive(Deserialize)]
struct Item {
    q: String,
    lang: String,
    topic: Option<Topics>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Topics {
    One(String),
    Many(Vec<String>),
}

impl Topics {
    fn contains(&self, t: &str) -> bool {
        match self {
            Topics::One(x) => x == t,
            Topics::Many(xs) => xs.iter().any(|x| x == t),
        }
    }
}

/// The BM25 index and the fields a question is searched in.
struct Baseline {
    index: Index,
    searched: [Field; 3],
    topic: Field,
}

impl Baseline {
    fn build(export: &str) -> Result<Baseline> {
        let mut schema = Schema::builder();
        let topic = schema.add_text_field("topic", STRING | STORED);
        let title = schema.add_text_field("title", TEXT);
        let text = schema.add_text_field("text", TEXT);
        let questions = schema.add_text_field("questions", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer(50_000_000)?;
        for (n, line) in export
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let p: Exported = serde_json::from_str(line)
                .with_context(|| format!("export line {}: not a passage", n + 1))?;
            writer.add_document(doc!(
                topic => p.topic,
                title => p.title,
                text => p.text,
                questions => p.questions.join("\n"),
            ))?;
        }
        writer.commit()?;
        Ok(Baseline {
            index,
            searched: [title, text, questions],
            topic,
        })
    }

    /// The topic of the best document for `q`, if any document shares a token.
    fn top_topic(&self, searcher: &tantivy::Searcher, q: &str) -> Result<Option<String>> {
        let mut analyzer = self.index.tokenizer_for_field(self.searched[0])?;
        let mut tokens = Vec::new();
        let mut stream = analyzer.token_stream(q);
        while stream.advance() {
            tokens.push(stream.token().text.clone());
        }
        let clauses: Vec<(Occur, Box<dyn Query>)> = tokens
            .iter()
            .flat_map(|t| {
                self.searched.iter().map(move |&f| {
                    let q: Box<dyn Query> = Box::new(TermQuery::new(
                        Term::from_field_text(f, t),
                        IndexRecordOption::WithFreqs,
                    ));
                    (Occur::Should, q)
                })
            })
            .collect();
        let top = searcher.search(&BooleanQuery::new(clauses), &TopDocs::with_limit(1))?;
        let Some(&(_, addr)) = top.first() else {
            return Ok(None);
        };
        let d: TantivyDocument = searcher.doc(addr)?;
        Ok(d.get_first(self.topic)
            .and_then(|v| v.as_str())
            .map(str::to_owned))
    }
}

/// Hits over questions, per scorer.
#[derive(Default, Clone, Copy)]
struct Tally {
    n: usize,
    bm25: usize,
    first: usize,
    answered: usize,
}

impl Tally {
    fn add(&mut self, o: Tally) {
        self.n += o.n;
        self.bm25 += o.bm25;
        self.first += o.first;
        self.answered += o.answered;
    }

    fn row(&self, name: &str) -> String {
        let r = |x: usize| x as f64 / self.n.max(1) as f64;
        format!(
            "| {name} | {} | {:.3} | {:.3} | {:.3} | {:+.3} |",
            self.n,
            r(self.bm25),
            r(self.first),
            r(self.answered),
            r(self.first) - r(self.bm25),
        )
    }
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (content_dir, rest) = match args.first().map(String::as_str) {
        Some("--content") if args.len() > 1 => (args[1].clone(), &args[2..]),
        _ => ("content".to_owned(), &args[..]),
    };
    let [export_path, sets @ ..] = rest else {
        bail!("usage: bm25-baseline [--content DIR] EXPORT.jsonl|- SET.jsonl...");
    };
    if sets.is_empty() {
        bail!("no evaluation set given");
    }
    let export = if export_path == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        s
    } else {
        std::fs::read_to_string(export_path).with_context(|| export_path.clone())?
    };
    let baseline = Baseline::build(&export)?;
    let searcher = baseline.index.reader()?.searcher();

    let files = ContentFiles::read(Path::new(&content_dir)).with_context(|| content_dir.clone())?;
    let content = files
        .parse()
        .map_err(|e| anyhow::anyhow!("{content_dir}: {e:?}"))?;
    let engine = Engine::new(files.version(), Arc::new(content));

    println!("| set | in-scope questions | BM25 top-1 | atazan top-1 | atazan answered top-1 | atazan − BM25 |");
    println!("|---|---:|---:|---:|---:|---:|");
    let mut all = Tally::default();
    let mut by_lang: Vec<(String, Tally)> = Vec::new();
    for set in sets {
        let text = std::fs::read_to_string(set).with_context(|| set.clone())?;
        let mut t = Tally::default();
        for (n, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let item: Item =
                serde_json::from_str(line).with_context(|| format!("{set}:{}", n + 1))?;
            let Some(want) = item.topic else { continue };
            let m = engine.matcher().find(&item.q, None);
            let topic_of = |pi: usize| engine.content.passages[pi].topic.as_str();
            let q = Tally {
                n: 1,
                bm25: usize::from(
                    baseline
                        .top_topic(&searcher, &item.q)?
                        .is_some_and(|t| want.contains(&t)),
                ),
                first: usize::from(
                    m.passage
                        .or(m.ranked.first().map(|&(pi, _)| pi))
                        .is_some_and(|pi| want.contains(topic_of(pi))),
                ),
                answered: usize::from(m.passage.is_some_and(|pi| want.contains(topic_of(pi)))),
            };
            t.add(q);
            match by_lang.iter_mut().find(|(l, _)| *l == item.lang) {
                Some((_, lt)) => lt.add(q),
                None => by_lang.push((item.lang.clone(), q)),
            }
        }
        let name = Path::new(set)
            .file_stem()
            .map_or(set.clone(), |s| s.to_string_lossy().into_owned());
        println!("{}", t.row(&name));
        all.add(t);
    }
    if sets.len() > 1 {
        println!("{}", all.row("**all**"));
    }
    for (lang, t) in &by_lang {
        println!("{}", t.row(&format!("all, {lang}")));
    }
    Ok(())
}
