//! `atazan run` and `atazan health`: the Telegram bot's process.

use anyhow::{Context, Result};
use atazan::config::Config;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// Printed when `atazan` starts without a token.
pub const NO_TOKEN_HINT: &str = "No TELOXIDE_TOKEN set: starting the terminal chat. To connect Telegram, create a bot with @BotFather and run `TELOXIDE_TOKEN=<token> atazan run`.";

/// Runs the Telegram bot until SIGTERM or Ctrl-C.
pub fn run(config: &Config) -> Result<ExitCode> {
    if config.token().is_none() {
        return Err(atazan::bot::BotError::NoToken.into());
    }
    let (live, problems) = super::open_live_with_problems(config)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let exit = runtime.block_on(atazan::service::run(
        config.clone(),
        Arc::new(live),
        problems,
    ))?;
    // Requests still waiting on Telegram are not worth holding the exit for.
    runtime.shutdown_timeout(Duration::from_secs(1));
    match exit {
        atazan::service::Exit::Stopped => Ok(ExitCode::SUCCESS),
        atazan::service::Exit::Reopen => reopen(),
    }
}

/// Replaces this process with a new `atazan` of the same arguments and
/// environment, which opens the data folder afresh. Files are closed on exec,
/// so the folder's locks go with the old image.
#[cfg(unix)]
fn reopen() -> Result<ExitCode> {
    use std::os::unix::process::CommandExt;
    let exe = std::env::current_exe().context("finding the atazan binary to restart")?;
    let err = std::process::Command::new(&exe)
        .args(std::env::args_os().skip(1))
        .exec();
    Err(anyhow::Error::new(err).context(format!(
        "restarting {} to reopen the data folder (restart the bot)",
        exe.display()
    )))
}

/// Elsewhere the service manager restarts the bot: a non-zero exit asks it to.
#[cfg(not(unix))]
fn reopen() -> Result<ExitCode> {
    anyhow::bail!("the data folder takes writes again: restart the bot to reopen it")
}

/// `atazan health`: asks the running bot's `/healthz`; exit 0 when healthy.
pub fn health(config: &Config) -> Result<ExitCode> {
    let Some(mut addr) = config.http.listen else {
        anyhow::bail!("ATAZAN_HTTP is off: there is no /healthz to ask");
    };
    // A server on every interface is reached on this machine's loopback.
    if addr.ip().is_unspecified() {
        addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    let url = format!("http://{addr}/healthz");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let (status, body) = runtime
        .block_on(async {
            let client = reqwest::Client::builder()
                .timeout(Duration::from_secs(3))
                .build()?;
            let response = client.get(&url).send().await?;
            let status = response.status();
            Ok::<_, reqwest::Error>((status, response.text().await.unwrap_or_default()))
        })
        .with_context(|| {
            format!("{url}: no answer (is `atazan run` running with ATAZAN_HTTP={addr}?)")
        })?;
    println!("{}", body.trim());
    Ok(if status.is_success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
