//! atazan explains Kazakhstan's constitutional reform (the Constitution
//! adopted by the referendum of 15 March 2026) in Kazakh, Russian and English.
//!
//! The data flows one way, one module per step:
//!
//! ```text
//! content/ ──read+check──▶ content ──store──▶ kb (sled, versioned)
//!                                               │
//!                      live: the version in service and its engine (reloads)
//!                                               │
//!                     engine → search (normalise → match → score)
//!                                               │
//!                       reply (the passage or "don't know", with sources)
//!                                               │
//!                     dialog (screens: text blocks, buttons, actions)
//!                                               │
//!          chat / ask (terminal) · bot (Telegram) · ops (HTTP for operators)
//! ```
//!
//! - [`content`]: reads and validates the operator's folder (passages, facts,
//!   sources, routing), every problem at `file:line`.
//! - [`kb`]: the knowledge base in sled, one atomic version at a time.
//! - [`live`]: the content in service, replaced whole on a valid reload.
//! - [`engine`]: one content version with its matcher; what every front end calls.
//! - [`text`]: text analysis (case, script folding, stemming, function words).
//! - [`search`]: the matcher: question in, best passage and confidence out.
//! - [`reply`]: what the user gets, in their language, with its sources.
//! - [`dialog`]: the screens every front end renders (Telegram HTML, plain text).
//! - [`i18n`]: every interface text in the three languages, the operators'
//!   alerts included ([`mod@i18n::operator`]).
//! - [`lang`]: the three languages.
//! - [`store`]: the bot's own state (language choices, the anonymous journal
//!   of unanswered questions, daily counters), in sled or PostgreSQL.
//! - [`report`]: the operator's reports, pure functions of what a store returns.
//! - [`bot`]: the Telegram front end; [`ops`]: `/healthz`, `/metrics` and the
//!   reports over HTTP; [`metrics`]: the counters behind `/metrics`.
//! - [`config`]: settings from defaults, file, environment and flags.
//! - [`clock`]: the one wall clock (Unix seconds).
//! - [`command`]: the bot's commands, named once for every menu and front end.
//! - [`lint`]: content checks that need the matcher (example questions reach their passage).
//! - `fuzzing` (hidden): the fuzz targets' entry points, shared with `tests/fuzz_seeds.rs`.

pub mod bot;
pub mod clock;
pub mod command;
pub mod config;
pub mod content;
pub mod dialog;
pub mod engine;
#[doc(hidden)]
pub mod fuzzing;
pub mod i18n;
pub mod kb;
pub mod lang;
pub mod lint;
pub mod live;
pub mod metrics;
pub mod ops;
pub mod reply;
pub mod report;
pub mod search;
pub mod service;
pub mod store;
pub mod text;

pub use lang::{Lang, LangChoice};
