//! The `atazan` command line: parses arguments and wires the library's parts.

mod cli;

use anyhow::Result;
use atazan::config::Config;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// atazan explains Kazakhstan's proposed constitutional reform in Kazakh,
/// Russian and English: in Telegram, or here in the terminal.
#[derive(Parser, Debug)]
#[command(name = "atazan", version, about)]
struct Args {
    /// A TOML configuration file (also ATAZAN_CONFIG); `atazan config` shows
    /// every setting and its variable.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// The content folder [default: content; also ATAZAN_CONTENT].
    #[arg(long, global = true, value_name = "DIR")]
    content: Option<PathBuf>,
    /// The data folder: the sled knowledge base, users' language choices and
    /// the journal [default: data; also ATAZAN_DATA].
    #[arg(long, global = true, value_name = "DIR")]
    data: Option<PathBuf>,
    /// Keep users' languages, the journal and counters in PostgreSQL, shared
    /// by several bot replicas: postgres://user:password@host:5432/db [also
    /// ATAZAN_STORE; default: in the data folder].
    #[arg(long, global = true, value_name = "URL")]
    store: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the Telegram bot; the token comes from TELOXIDE_TOKEN. Long polling
    /// unless a webhook URL is given.
    Run {
        /// Webhook mode: the public HTTPS URL Telegram posts updates to (also
        /// ATAZAN_WEBHOOK_URL).
        #[arg(long, value_name = "URL")]
        webhook_url: Option<url::Url>,
        /// Webhook mode: the local address to listen on [default:
        /// 0.0.0.0:8080; also ATAZAN_LISTEN].
        #[arg(long, value_name = "ADDR")]
        listen: Option<std::net::SocketAddr>,
    },
    /// Chat with the bot in the terminal, no Telegram needed.
    Chat,
    /// Answer one question, or one question per line from standard input.
    Ask {
        /// Answer in this language (kk, ru or en) instead of the question's.
        #[arg(long, value_name = "kk|ru|en")]
        lang: Option<atazan::Lang>,
        /// Print one JSON object per answer.
        #[arg(long)]
        json: bool,
        /// The question; without it, questions are read from standard input.
        question: Vec<String>,
    },
    /// Validate a content folder: `file:line: message` per problem; when
    /// valid, what a reload would change against the version in service.
    Check {
        /// The folder to check (default: --content).
        dir: Option<PathBuf>,
    },
    /// Print every passage as JSON lines, one per passage and language.
    Export,
    /// Print the effective configuration (token masked) and where each
    /// setting comes from.
    Config,
    /// Exit 0 when the running bot answers its /healthz (for Docker's
    /// HEALTHCHECK); prints what it said.
    Health,
    /// List the questions the bot could not answer, and the answers people
    /// marked 👎, similar questions grouped, the most frequent first.
    ///
    /// While the bot runs, the report comes from its ops server (ATAZAN_HTTP).
    /// Each group shows how often it was asked, the latest wording, when,
    /// and the passage the bot found closest with its score.
    Unanswered {
        /// Only what was asked on or after this date (UTC), e.g. 2026-11-30.
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = cli::report::parse_since)]
        since: Option<i64>,
        /// How many groups to show.
        #[arg(long, value_name = "N", default_value_t = 20)]
        top: usize,
        /// Print the whole report as one JSON document: {"entries",
        /// "groups_total", "groups": [{"count", "question", "key", "langs",
        /// "first_seen", "last_seen" (Unix seconds), "unanswered",
        /// "out_of_scope", "disliked", "best", "best_mean_score",
        /// "best_max_score"}]}.
        #[arg(long)]
        json: bool,
    },
    /// Show how many questions were asked and answered, per day, topic and
    /// language, with 👍/👎 and content reloads.
    ///
    /// While the bot runs, the report comes from its ops server (ATAZAN_HTTP).
    Stats {
        /// Only days from this date (UTC) on, e.g. 2026-11-30.
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = cli::report::parse_since)]
        since: Option<i64>,
        /// Print the whole report as one JSON document: {"first_day",
        /// "last_day", "totals", "langs", "topics", "days"}.
        #[arg(long)]
        json: bool,
    },
}

/// mimalloc instead of the system allocator: under hours of load glibc's
/// per-thread arenas fragment and the resident size creeps up (measured with
/// `cargo bench --bench load`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    cli::init_logging();
    let args = Args::parse();
    match run(args) {
        Ok(code) => code,
        // A reader that went away (`atazan export | head`) is not an error.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("atazan: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain()
        .filter_map(|c| c.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}

fn run(args: Args) -> Result<ExitCode> {
    let mut config = Config::load(args.config.as_deref(), |var| std::env::var(var).ok())?;
    if let Some(dir) = args.content {
        config.content = dir;
    }
    if let Some(dir) = args.data {
        config.data = dir;
    }
    if let Some(url) = args.store {
        config.store = Some(url);
        config.validate()?;
    }
    if let Some(Command::Run {
        webhook_url,
        listen,
    }) = &args.command
    {
        if let Some(url) = webhook_url {
            config.webhook.url = Some(url.clone());
        }
        if let Some(addr) = listen {
            config.webhook.listen = *addr;
        }
        config.validate()?;
    }
    match args.command {
        None if config.token().is_some() => cli::run::run(&config),
        None => {
            eprintln!("{}", cli::run::NO_TOKEN_HINT);
            cli::chat::chat(&config)
        }
        Some(Command::Run { .. }) => cli::run::run(&config),
        Some(Command::Chat) => cli::chat::chat(&config),
        Some(Command::Ask {
            lang,
            json,
            question,
        }) => cli::ask::ask(&config, lang, json, &question),
        Some(Command::Check { dir }) => {
            cli::check::check(dir.as_deref().unwrap_or(&config.content), &config.data)
        }
        Some(Command::Export) => cli::export(&config.content),
        Some(Command::Config) => cli::show_config(&config),
        Some(Command::Health) => cli::run::health(&config),
        Some(Command::Unanswered { since, top, json }) => {
            cli::report::unanswered(&config, since, top, json)
        }
        Some(Command::Stats { since, json }) => cli::report::stats(&config, since, json),
    }
}
