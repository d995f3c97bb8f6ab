//! The bot's configuration: defaults, then an optional TOML file, then
//! environment variables, then command-line flags, each overriding the last.
//!
//! Every setting is declared once ([`SETTINGS`]): its environment variable,
//! its key in the file, what it does and how it parses. An invalid
//! value is an error that names the variable or the file line, never a silent
//! default. `atazan config` prints the effective configuration with the token
//! masked ([`Config::to_toml`]).

use crate::lang::Lang;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Why the configuration is not usable.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// An environment variable has a value that does not parse.
    #[error("{var}: `{value}` {problem}")]
    Var {
        /// The variable's name.
        var: &'static str,
        /// Its value.
        value: String,
        /// What is wrong, and what is expected.
        problem: String,
    },
    /// The configuration file could not be read.
    #[error("{}: cannot read the configuration file: {source}", .path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The configuration file does not parse.
    #[error("{}:{line}: {message}", .path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// The line of the problem.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// Settings that do not fit together.
    #[error("{0}")]
    Conflict(String),
}

/// One setting, declared once: its environment variable, its key in the
/// TOML file, what it does (the README's configuration table and `atazan
/// config` list these), and how a value of the variable is applied.
#[derive(Clone, Copy)]
pub struct Setting {
    /// The environment variable.
    pub var: &'static str,
    /// The key in the TOML file (`section.key`); empty when there is none.
    pub key: &'static str,
    /// What it sets, and its default.
    pub doc: &'static str,
    /// Applies a value of the variable, or says what is wrong with it.
    apply: fn(&mut Config, &str) -> Result<(), String>,
}

impl std::fmt::Debug for Setting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Setting")
            .field("var", &self.var)
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

/// Every setting atazan reads from the environment.
#[rustfmt::skip] // One line a setting: the table reads as a table.
pub const SETTINGS: &[Setting] = &[
    // Read by [`Config::load`] before the file it names.
    Setting { var: "ATAZAN_CONFIG", key: "", doc: "the TOML configuration file (optional)", apply: |_, _| Ok(()) },
    Setting { var: "ATAZAN_CONTENT", key: "content", doc: "the content folder (`--content`)", apply: |c, v| { c.content = PathBuf::from(v); Ok(()) } },
    Setting { var: "ATAZAN_DATA", key: "data", doc: "the data folder: sled knowledge base, user languages, journal (`--data`)", apply: |c, v| { c.data = PathBuf::from(v); Ok(()) } },
    Setting { var: "ATAZAN_STORE", key: "store", doc: "postgres://user:password@host:port/db: users' languages, the journal and counters in PostgreSQL, shared by replicas (`--store`); unset: in the data folder", apply: |c, v| { c.store = Some(v.trim().to_string()); Ok(()) } },
    Setting { var: "ATAZAN_STORE_QUEUE", key: "store_queue", doc: "state writes a PostgreSQL store queues while the database is slow or away; beyond it they are dropped and counted (default 10000)", apply: |c, v| parsed(v, "is not a whole number").map(|n| c.store_queue = n) },
    Setting { var: "TELOXIDE_TOKEN", key: "telegram.token", doc: "the bot token from @BotFather; without it `atazan` opens the terminal chat", apply: |c, v| { c.telegram.token = Some(v.trim().to_string()); Ok(()) } },
    Setting { var: "TELOXIDE_API_URL", key: "telegram.api_url", doc: "the Bot API base URL (default https://api.telegram.org; tests use a loopback server)", apply: |c, v| url(v, "is not an http(s):// URL").map(|u| c.telegram.api_url = Some(u)) },
    Setting { var: "ATAZAN_ADMINS", key: "telegram.admins", doc: "Telegram user ids of operators, comma-separated: /reload, /unanswered, /stats, content alerts", apply: |c, v| parse_admins(v).map(|ids| c.telegram.admins = ids) },
    Setting { var: "ATAZAN_API_TIMEOUT", key: "telegram.timeout_secs", doc: "seconds to wait for a Bot API answer before trying again; long polls ask Telegram for 7 s less (default 17)", apply: |c, v| { parsed(v, "is not a whole number of seconds").map(|n| c.telegram.timeout_secs = n) } },
    Setting { var: "ATAZAN_DEFAULT_LANG", key: "telegram.default_lang", doc: "kk, ru or en: the language for users whose Telegram language is none of these (default kk)", apply: |c, v| parsed(v, "use kk, ru or en").map(|l| c.telegram.default_lang = l) },
    Setting { var: "ATAZAN_WEBHOOK_URL", key: "webhook.url", doc: "public HTTPS URL for webhook mode (`--webhook-url`); unset: long polling", apply: |c, v| url(v, "is not an https:// URL").map(|u| c.webhook.url = Some(u)) },
    Setting { var: "ATAZAN_LISTEN", key: "webhook.listen", doc: "address the webhook server listens on (`--listen`, default 0.0.0.0:8080)", apply: |c, v| { parsed(v, "is not an address like 0.0.0.0:8080").map(|a| c.webhook.listen = a) } },
    Setting { var: "ATAZAN_WEBHOOK_SECRET", key: "webhook.secret", doc: "the secret Telegram sends in X-Telegram-Bot-Api-Secret-Token (default: random per start)", apply: |c, v| { c.webhook.secret = Some(v.to_string()); Ok(()) } },
    Setting { var: "ATAZAN_HTTP", key: "http.listen", doc: "address of /healthz and /metrics (default 127.0.0.1:9464; `off` disables)", apply: |c, v| { c.http.listen = match v.trim() { "off" | "none" | "false" | "0" => None, addr => Some(parsed(addr, "is not an address like 127.0.0.1:9464 (or `off`)")?), }; Ok(()) } },
    Setting { var: "ATAZAN_FLOOD_MESSAGES", key: "limits.flood_messages", doc: "messages a user may send per window before being asked to slow down (default 8)", apply: |c, v| parsed(v, "is not a whole number").map(|n| c.limits.flood_messages = n) },
    Setting { var: "ATAZAN_FLOOD_SECONDS", key: "limits.flood_seconds", doc: "the flood window in seconds (default 10)", apply: |c, v| parsed(v, "is not a whole number").map(|n| c.limits.flood_seconds = n) },
    Setting { var: "ATAZAN_THROTTLE", key: "limits.throttle", doc: "on/off: keep Telegram's outgoing limits (30 messages/s, 1/s per chat; default on)", apply: |c, v| switch(v).map(|b| c.limits.throttle = b) },
    Setting { var: "ATAZAN_RETENTION_DAYS", key: "journal.retention_days", doc: "days unanswered questions and feedback are kept (default 90)", apply: |c, v| { parsed(v, "is not a whole number of days").map(|n| c.journal.retention_days = n) } },
    Setting { var: "ATAZAN_RETENTION_ENTRIES", key: "journal.max_entries", doc: "most unanswered questions and feedback kept (default 10000)", apply: |c, v| parsed(v, "is not a whole number").map(|n| c.journal.max_entries = n) },
    Setting { var: "ATAZAN_OPERATOR", key: "operator.name", doc: "who runs this bot, shown in /about (for example an NGO's name and contact); unset: /about says the operator is not named", apply: |c, v| { let v = v.trim().to_string(); c.operator.name = (!v.is_empty()).then_some(v); Ok(()) } },
    Setting { var: "ATAZAN_OFFICIAL", key: "operator.official", doc: "on/off: /about says the bot is an official channel of its operator (default off: not an official channel)", apply: |c, v| switch(v).map(|b| c.operator.official = b) },
    Setting { var: "ATAZAN_WATCH", key: "reload.watch", doc: "on/off: reload when files in the content folder change (default on)", apply: |c, v| switch(v).map(|b| c.reload.watch = b) },
];

/// The effective configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The content folder.
    pub content: PathBuf,
    /// The data folder.
    pub data: PathBuf,
    /// The shared store's PostgreSQL URL; none keeps the bot's state in the
    /// data folder (sled).
    pub store: Option<String>,
    /// Writes the PostgreSQL store may queue.
    pub store_queue: usize,
    /// Telegram.
    pub telegram: Telegram,
    /// Webhook mode.
    pub webhook: Webhook,
    /// The health and metrics server.
    pub http: Http,
    /// Limits on incoming and outgoing messages.
    pub limits: Limits,
    /// What the journal keeps.
    pub journal: Journal,
    /// Content reloading.
    pub reload: Reload,
    /// Who runs the bot, as /about tells users.
    pub operator: Operator,
}

/// Who runs the bot: users see it in /about.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Operator {
    /// The operator's name and contact, as they want it shown.
    pub name: Option<String>,
    /// Whether the bot is an official channel of its operator.
    pub official: bool,
}

/// Telegram settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Telegram {
    /// The bot token.
    pub token: Option<String>,
    /// The Bot API base URL.
    pub api_url: Option<url::Url>,
    /// Operators' Telegram user ids.
    pub admins: Vec<u64>,
    /// The interface language when Telegram's is not kk, ru or en.
    pub default_lang: Lang,
    /// Seconds to wait for a Bot API answer.
    pub timeout_secs: u32,
}

/// Webhook mode: Telegram posts updates to `url`, which a proxy forwards to
/// `listen`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Webhook {
    /// The public HTTPS URL; none means long polling.
    pub url: Option<url::Url>,
    /// The local address to listen on.
    pub listen: SocketAddr,
    /// The secret token Telegram echoes in every request.
    pub secret: Option<String>,
}

/// The health and metrics server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Http {
    /// Where `/healthz` and `/metrics` are served; none turns them off
    /// (`listen = "off"` in the file, so `atazan config` output reads back).
    #[serde(with = "listen_or_off")]
    pub listen: Option<SocketAddr>,
}

/// An address, or `"off"`: TOML has no null, and an absent key means the
/// default address.
mod listen_or_off {
    use serde::{de::Error, Deserialize, Deserializer, Serializer};
    use std::net::SocketAddr;

    pub(super) fn serialize<S: Serializer>(
        v: &Option<SocketAddr>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match v {
            Some(addr) => s.collect_str(addr),
            None => s.serialize_str("off"),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<SocketAddr>, D::Error> {
        let s = String::deserialize(d)?;
        match s.trim() {
            "off" | "none" | "false" | "0" => Ok(None),
            addr => addr.parse().map(Some).map_err(|_| {
                D::Error::custom(format!(
                    "`{s}` is not an address like 127.0.0.1:9464 (or \"off\")"
                ))
            }),
        }
    }
}

/// Limits on messages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Messages one user may send per window.
    pub flood_messages: u32,
    /// The window, in seconds.
    pub flood_seconds: u32,
    /// Whether Telegram's outgoing limits are kept.
    pub throttle: bool,
}

/// What the journal keeps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Journal {
    /// Days entries are kept.
    pub retention_days: u32,
    /// Most entries kept.
    pub max_entries: usize,
}

/// Content reloading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Reload {
    /// Whether changes in the content folder are watched.
    pub watch: bool,
    /// Quiet time after the last change before reloading, in milliseconds:
    /// an editor saving several files reloads once.
    pub debounce_ms: u64,
}

/// The default address of `/healthz` and `/metrics`.
pub const DEFAULT_HTTP: &str = "127.0.0.1:9464";

impl Default for Config {
    fn default() -> Self {
        Config {
            content: PathBuf::from("content"),
            data: PathBuf::from("data"),
            store: None,
            store_queue: 10_000,
            telegram: Telegram::default(),
            webhook: Webhook::default(),
            http: Http::default(),
            limits: Limits::default(),
            journal: Journal::default(),
            reload: Reload::default(),
            operator: Operator::default(),
        }
    }
}

impl Default for Telegram {
    fn default() -> Self {
        Telegram {
            token: None,
            api_url: None,
            admins: Vec::new(),
            default_lang: Lang::Kk,
            timeout_secs: 17,
        }
    }
}

impl Default for Webhook {
    fn default() -> Self {
        Webhook {
            url: None,
            listen: SocketAddr::from(([0, 0, 0, 0], 8080)),
            secret: None,
        }
    }
}

impl Default for Http {
    fn default() -> Self {
        Http {
            listen: DEFAULT_HTTP.parse().ok(),
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            flood_messages: 8,
            flood_seconds: 10,
            throttle: true,
        }
    }
}

impl Default for Journal {
    fn default() -> Self {
        Journal {
            retention_days: 90,
            max_entries: 10_000,
        }
    }
}

impl Default for Reload {
    fn default() -> Self {
        Reload {
            watch: true,
            debounce_ms: 300,
        }
    }
}

impl Config {
    /// Builds the configuration from the file named by `file` (or
    /// `ATAZAN_CONFIG`) and the environment `env` (a function, so tests need
    /// not touch the process environment).
    pub fn load(
        file: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let file = file.map(Path::to_path_buf).or_else(|| {
            env("ATAZAN_CONFIG")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        });
        let mut config = match &file {
            Some(path) => Config::from_file(path)?,
            None => Config::default(),
        };
        config.apply_env(&env)?;
        config.validate()?;
        Ok(config)
    }

    /// Reads a TOML configuration file.
    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Config::from_text(path, &text)
    }

    /// Parses the text of a TOML configuration file read from `path` (named
    /// in errors, which point at the line to fix).
    pub fn from_text(path: &Path, text: &str) -> Result<Config, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError::File {
            path: path.to_path_buf(),
            line: e
                .span()
                .map_or(1, |s| text[..s.start].matches('\n').count() + 1),
            message: crate::content::toml_message(&e),
        })
    }

    pub(crate) fn apply_env(
        &mut self,
        env: &impl Fn(&str) -> Option<String>,
    ) -> Result<(), ConfigError> {
        for setting in SETTINGS {
            // An empty variable counts as unset: `FOO= atazan` is how shells unset.
            let Some(value) = env(setting.var).filter(|v| !v.trim().is_empty()) else {
                continue;
            };
            (setting.apply)(self, &value).map_err(|problem| ConfigError::Var {
                var: setting.var,
                value,
                problem,
            })?;
        }
        Ok(())
    }

    /// Checks settings that must fit together; called by [`Config::load`]
    /// and again after command-line flags are applied.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.store_queue == 0 {
            return Err(ConfigError::Conflict(
                "ATAZAN_STORE_QUEUE (store_queue) must be at least 1".into(),
            ));
        }
        if let Some(url) = &self.store {
            if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
                return Err(ConfigError::Conflict(format!(
                    "ATAZAN_STORE (store): `{}` is not a postgres:// URL (postgres://user:password@host:5432/db)",
                    mask_store(url)
                )));
            }
        }
        // TOML integers are i64: a larger number from the environment could
        // not be shown by `atazan config` nor written to a file.
        const TOML_MAX: u64 = i64::MAX as u64;
        if self.journal.max_entries as u64 > TOML_MAX {
            return Err(ConfigError::Conflict(format!(
                "ATAZAN_RETENTION_ENTRIES (journal.max_entries) must be at most {TOML_MAX}"
            )));
        }
        if let Some(id) = self.telegram.admins.iter().find(|&&id| id > TOML_MAX) {
            return Err(ConfigError::Conflict(format!(
                "ATAZAN_ADMINS (telegram.admins): {id} is not a Telegram user id"
            )));
        }
        if let Some(url) = &self.telegram.api_url {
            check_url("TELOXIDE_API_URL (telegram.api_url)", url, false)?;
        }
        if let Some(url) = &self.webhook.url {
            check_url("ATAZAN_WEBHOOK_URL (webhook.url)", url, true)?;
        }
        if let Some(secret) = &self.webhook.secret {
            // Telegram's rule for secret_token.
            let ok = (1..=256).contains(&secret.len())
                && secret
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
            if !ok {
                return Err(ConfigError::Conflict(
                    "ATAZAN_WEBHOOK_SECRET (webhook.secret): use 1 to 256 characters of A-Z, a-z, 0-9, _ and -".into(),
                ));
            }
        }
        if self.limits.flood_messages == 0 || self.limits.flood_seconds == 0 {
            return Err(ConfigError::Conflict(
                "ATAZAN_FLOOD_MESSAGES and ATAZAN_FLOOD_SECONDS (limits.flood_*) must be at least 1".into(),
            ));
        }
        if self.telegram.timeout_secs < 2 {
            return Err(ConfigError::Conflict(
                "ATAZAN_API_TIMEOUT (telegram.timeout_secs) must be at least 2 seconds".into(),
            ));
        }
        if self.journal.retention_days == 0 || self.journal.max_entries == 0 {
            return Err(ConfigError::Conflict(
                "ATAZAN_RETENTION_DAYS and ATAZAN_RETENTION_ENTRIES (journal.*) must be at least 1"
                    .into(),
            ));
        }
        if self.webhook.url.is_some() && self.http.listen == Some(self.webhook.listen) {
            return Err(ConfigError::Conflict(format!(
                "ATAZAN_HTTP and ATAZAN_LISTEN are both {}: give the webhook and /metrics different ports",
                self.webhook.listen
            )));
        }
        Ok(())
    }

    /// The token, when one is set.
    pub fn token(&self) -> Option<&str> {
        self.telegram.token.as_deref().filter(|t| !t.is_empty())
    }

    /// How long to wait for a Bot API answer.
    pub fn api_timeout(&self) -> Duration {
        Duration::from_secs(u64::from(self.telegram.timeout_secs))
    }

    /// How long a long poll asks Telegram to hold `getUpdates`: well inside
    /// [`Config::api_timeout`], so an idle poll is never taken for a dead
    /// connection.
    pub fn poll_timeout(&self) -> Duration {
        self.api_timeout()
            .saturating_sub(Duration::from_secs(7))
            .max(Duration::from_secs(1))
    }

    /// The flood window.
    pub fn flood_window(&self) -> Duration {
        Duration::from_secs(u64::from(self.limits.flood_seconds))
    }

    /// The configuration as TOML, token and webhook secret masked: what
    /// `atazan config` prints.
    pub fn to_toml(&self) -> String {
        let mut shown = self.clone();
        shown.telegram.token = shown.telegram.token.as_deref().map(mask);
        shown.webhook.secret = shown.webhook.secret.as_deref().map(mask);
        shown.store = shown.store.as_deref().map(mask_store);
        toml::to_string(&shown)
            .unwrap_or_else(|e| format!("# cannot show the configuration: {e}\n"))
    }
}

/// A secret with all but its first few characters hidden: enough to tell
/// two tokens apart, not enough to use one.
pub fn mask(secret: &str) -> String {
    let shown: String = secret.chars().take(4).collect();
    format!("{shown}…(masked)")
}

/// A store URL with its password masked (and a `password=` parameter).
pub fn mask_store(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            if u.password().is_some() {
                let _ = u.set_password(Some("masked"));
            }
            let pairs: Vec<(String, String)> = u
                .query_pairs()
                .map(|(k, v)| {
                    let v = if k.eq_ignore_ascii_case("password") {
                        "masked".to_string()
                    } else {
                        v.into_owned()
                    };
                    (k.into_owned(), v)
                })
                .collect();
            if !pairs.is_empty() {
                u.query_pairs_mut().clear().extend_pairs(pairs);
            }
            u.to_string()
        }
        // Not a URL: nothing of it is shown.
        Err(_) => mask(url),
    }
}

/// A value that parses as `T` (a number, an address, a language), or
/// `problem`.
fn parsed<T: std::str::FromStr>(value: &str, problem: &str) -> Result<T, String> {
    value.trim().parse().map_err(|_| problem.to_string())
}

fn switch(value: &str) -> Result<bool, String> {
    match value.trim().to_ascii_lowercase().as_str() {
        "on" | "true" | "yes" | "1" => Ok(true),
        "off" | "false" | "no" | "0" => Ok(false),
        _ => Err("is not on or off".into()),
    }
}

fn url(value: &str, problem: &str) -> Result<url::Url, String> {
    url::Url::parse(value.trim()).map_err(|_| problem.to_string())
}

fn parse_admins(value: &str) -> Result<Vec<u64>, String> {
    value
        .split([',', ' ', ';'])
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<u64>()
                .map_err(|_| format!("has `{s}`, which is not a Telegram user id (a number; ask @userinfobot for yours)"))
        })
        .collect()
}

fn check_url(what: &str, url: &url::Url, https: bool) -> Result<(), ConfigError> {
    let scheme_ok = url.scheme() == "https" || (!https && url.scheme() == "http");
    if scheme_ok && url.has_host() {
        Ok(())
    } else {
        Err(ConfigError::Conflict(format!(
            "{what}: `{url}` is not {} URL",
            if https {
                "an https://"
            } else {
                "an http(s)://"
            }
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    /// What loading fails with when only `var` is set, to `value`.
    fn refused(var: &str, value: &str) -> String {
        Config::load(None, env(&[(var, value)]))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn defaults_without_file_or_environment() {
        let c = Config::load(None, env(&[])).unwrap();
        assert_eq!(c, Config::default());
        assert_eq!(c.http.listen, Some(DEFAULT_HTTP.parse().unwrap()));
        assert!(c.token().is_none());
    }

    #[test]
    fn environment_overrides_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("atazan.toml");
        std::fs::write(
            &file,
            "data = \"/srv/data\"\n[telegram]\nadmins = [1, 2]\ndefault_lang = \"ru\"\n[limits]\nflood_messages = 5\n",
        )
        .unwrap();
        let c = Config::load(
            Some(&file),
            env(&[("ATAZAN_ADMINS", "7, 8"), ("ATAZAN_HTTP", "off")]),
        )
        .unwrap();
        assert_eq!(c.data, PathBuf::from("/srv/data"));
        assert_eq!(c.telegram.admins, vec![7, 8], "the variable wins");
        assert_eq!(
            c.telegram.default_lang,
            Lang::Ru,
            "the file sets what the environment does not"
        );
        assert_eq!(c.limits.flood_messages, 5);
        assert_eq!(c.http.listen, None);
    }

    #[test]
    fn the_file_is_found_through_atazan_config() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.toml");
        std::fs::write(&file, "[journal]\nretention_days = 30\n").unwrap();
        let c = Config::load(None, env(&[("ATAZAN_CONFIG", file.to_str().unwrap())])).unwrap();
        assert_eq!(c.journal.retention_days, 30);
    }

    #[test]
    fn a_bad_variable_is_named() {
        // The message starts with the variable's name…
        for (var, value, start) in [
            ("ATAZAN_ADMINS", "12,bob", "ATAZAN_ADMINS: `12,bob`"),
            ("ATAZAN_HTTP", "localhost", "ATAZAN_HTTP:"),
            ("ATAZAN_THROTTLE", "maybe", "ATAZAN_THROTTLE:"),
            ("ATAZAN_DEFAULT_LANG", "de", "ATAZAN_DEFAULT_LANG:"),
            ("ATAZAN_API_TIMEOUT", "soon", "ATAZAN_API_TIMEOUT:"),
        ] {
            let e = refused(var, value);
            assert!(e.starts_with(start), "{e}");
        }
        assert!(refused("ATAZAN_ADMINS", "12,bob").contains("bob"));
        // …or at least names it.
        for (var, value) in [
            ("ATAZAN_WEBHOOK_URL", "http://bot.example.org/tg"),
            ("ATAZAN_FLOOD_SECONDS", "0"),
            ("ATAZAN_API_TIMEOUT", "1"),
        ] {
            let e = refused(var, value);
            assert!(e.contains(var), "{e}");
        }
    }

    #[test]
    fn long_polls_end_before_the_bot_stops_waiting() {
        let c = Config::default();
        assert_eq!(c.api_timeout(), Duration::from_secs(17));
        assert_eq!(c.poll_timeout(), Duration::from_secs(10));
        let c = Config::load(None, env(&[("ATAZAN_API_TIMEOUT", "3")])).unwrap();
        assert_eq!(c.poll_timeout(), Duration::from_secs(1));
        assert!(c.poll_timeout() < c.api_timeout());
    }

    /// Found by the `config` fuzz target: a number over TOML's range from
    /// the environment made `atazan config` print no configuration at all.
    #[test]
    fn numbers_toml_cannot_hold_are_refused() {
        let e = refused("ATAZAN_RETENTION_ENTRIES", "12559816083764152293");
        assert!(e.contains("ATAZAN_RETENTION_ENTRIES"), "{e}");
        let e = refused("ATAZAN_ADMINS", "18446744073709551615");
        assert!(e.contains("ATAZAN_ADMINS"), "{e}");
        let c = Config::load(
            None,
            env(&[("ATAZAN_RETENTION_ENTRIES", "9223372036854775807")]),
        )
        .unwrap();
        assert!(!c.to_toml().starts_with("# cannot show"), "{}", c.to_toml());
    }

    /// Found by the `config` fuzz target: with the metrics server off,
    /// `atazan config` printed an empty `[http]`, which reads back as on.
    #[test]
    fn the_shown_configuration_reads_back_with_http_off() {
        let c = Config::load(None, env(&[("ATAZAN_HTTP", "off")])).unwrap();
        assert_eq!(c.http.listen, None);
        let again = Config::from_text(Path::new("shown.toml"), &c.to_toml()).unwrap();
        assert_eq!(again.http.listen, None, "{}", c.to_toml());
        let on =
            Config::from_text(Path::new("a.toml"), "[http]\nlisten = \"127.0.0.1:1\"\n").unwrap();
        assert_eq!(on.http.listen, "127.0.0.1:1".parse().ok());
        let e =
            Config::from_text(Path::new("a.toml"), "[http]\nlisten = \"nowhere\"\n").unwrap_err();
        assert!(e.to_string().starts_with("a.toml:2: "), "{e}");
    }

    #[test]
    fn a_bad_file_is_reported_at_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("atazan.toml");
        std::fs::write(&file, "[telegram]\nadmins = [1]\ncolour = \"red\"\n").unwrap();
        let e = Config::load(Some(&file), env(&[])).unwrap_err();
        let shown = e.to_string();
        assert!(
            shown.starts_with(&format!("{}:3: ", file.display())),
            "{shown}"
        );
        assert!(shown.contains("colour"), "{shown}");
    }

    #[test]
    fn the_token_is_masked_when_shown() {
        let c = Config::load(
            None,
            env(&[
                ("TELOXIDE_TOKEN", "123456:SECRET-PART"),
                ("ATAZAN_WEBHOOK_SECRET", "s3cr3t-value"),
            ]),
        )
        .unwrap();
        assert_eq!(c.token(), Some("123456:SECRET-PART"));
        let shown = c.to_toml();
        assert!(!shown.contains("SECRET-PART"), "{shown}");
        assert!(!shown.contains("s3cr3t-value"), "{shown}");
        assert!(shown.contains("1234…(masked)"), "{shown}");
        let back: Config = toml::from_str(&shown).unwrap();
        assert_eq!(
            back.telegram.admins, c.telegram.admins,
            "what is shown parses back"
        );
    }

    #[test]
    fn the_store_password_is_masked_when_shown() {
        let c = Config::load(
            None,
            env(&[(
                "ATAZAN_STORE",
                "postgres://atazan:pa55word@db.internal:5432/atazan?sslmode=disable&password=other",
            )]),
        )
        .unwrap();
        assert!(c.store.as_deref().unwrap().contains("pa55word"));
        let shown = c.to_toml();
        assert!(!shown.contains("pa55word"), "{shown}");
        assert!(!shown.contains("other"), "{shown}");
        assert!(shown.contains("atazan:masked@db.internal:5432"), "{shown}");
        let e = refused("ATAZAN_STORE", "mysql://u:secret@h/db");
        assert!(e.starts_with("ATAZAN_STORE"), "{e}");
        assert!(!e.contains("secret"), "{e}");
        assert_eq!(Config::load(None, env(&[])).unwrap().store, None);
    }

    #[test]
    fn webhook_and_metrics_need_different_ports() {
        let e = Config::load(
            None,
            env(&[
                ("ATAZAN_WEBHOOK_URL", "https://bot.example.org/tg"),
                ("ATAZAN_LISTEN", "127.0.0.1:9464"),
            ]),
        )
        .unwrap_err();
        assert!(e.to_string().contains("different ports"), "{e}");
    }
}
