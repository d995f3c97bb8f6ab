//! `atazan run`: the Telegram bot.

use anyhow::Result;
use std::path::Path;
use std::process::ExitCode;

/// Printed when `atazan` starts without a token.
pub const NO_TOKEN_HINT: &str = "No TELOXIDE_TOKEN set: starting the terminal chat. To connect Telegram, create a bot with @BotFather and run `TELOXIDE_TOKEN=<token> atazan run`.";

/// Runs the Telegram bot.
pub fn run(content: &Path, data: &Path) -> Result<ExitCode> {
    let token = std::env::var("TELOXIDE_TOKEN").unwrap_or_default();
    if token.trim().is_empty() {
        anyhow::bail!("TELOXIDE_TOKEN is not set: create a bot with @BotFather in Telegram, then run `TELOXIDE_TOKEN=<token> atazan run` (or use `atazan chat` without Telegram)");
    }
    let (_kb, engine) = super::load_engine(content, data)?;
    anyhow::bail!(
        "content version {} is ready, but this build has no Telegram front end yet: use `atazan chat` or `atazan ask`",
        engine.version
    )
}
