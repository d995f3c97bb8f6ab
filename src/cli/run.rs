//! `atazan run` and `atazan health`: the Telegram bot's process.

use anyhow::Result;
use atazan::config::Config;
use std::process::ExitCode;

/// Printed when `atazan` starts without a token.
pub const NO_TOKEN_HINT: &str = "No TELOXIDE_TOKEN set: starting the terminal chat. To connect Telegram, create a bot with @BotFather and run `TELOXIDE_TOKEN=<token> atazan run`.";

/// Runs the Telegram bot.
pub fn run(config: &Config) -> Result<ExitCode> {
    if config.token().is_none() {
        anyhow::bail!("TELOXIDE_TOKEN is not set: create a bot with @BotFather in Telegram, then run `TELOXIDE_TOKEN=<token> atazan run` (or use `atazan chat` without Telegram)");
    }
    let live = super::open_live(config)?;
    anyhow::bail!(
        "content version {} is ready, but the Telegram front end is not wired yet",
        live.version()
    )
}

/// `atazan health`.
pub fn health(_config: &Config) -> Result<ExitCode> {
    anyhow::bail!("not wired yet")
}
