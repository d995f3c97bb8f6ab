//! The `atazan` command line: parses arguments and wires the library's parts.

mod cli;

use anyhow::Result;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// atazan explains Kazakhstan's proposed constitutional reform in Kazakh,
/// Russian and English: in Telegram, or here in the terminal.
#[derive(Parser, Debug)]
#[command(name = "atazan", version, about)]
struct Args {
    /// The content folder.
    #[arg(long, global = true, default_value = "content", value_name = "DIR")]
    content: PathBuf,
    /// The data folder (the sled knowledge base).
    #[arg(
        long,
        global = true,
        env = "ATAZAN_DATA",
        default_value = "data",
        value_name = "DIR"
    )]
    data: PathBuf,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the Telegram bot (long polling); the token comes from TELOXIDE_TOKEN.
    Run,
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
}

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
    let token_set = std::env::var("TELOXIDE_TOKEN").is_ok_and(|t| !t.trim().is_empty());
    match args.command {
        None if token_set => cli::run::run(&args.content, &args.data),
        None => {
            eprintln!("{}", cli::run::NO_TOKEN_HINT);
            cli::chat::chat(&args.content, &args.data)
        }
        Some(Command::Run) => cli::run::run(&args.content, &args.data),
        Some(Command::Chat) => cli::chat::chat(&args.content, &args.data),
        Some(Command::Ask {
            lang,
            json,
            question,
        }) => cli::ask::ask(&args.content, &args.data, lang, json, &question),
        Some(Command::Check { dir }) => {
            cli::check::check(dir.as_deref().unwrap_or(&args.content), &args.data)
        }
        Some(Command::Export) => cli::export(&args.content),
    }
}
