//! atazan explains Kazakhstan's constitutional reform (the Constitution
//! adopted by the referendum of 15 March 2026) in Kazakh, Russian and English.
//!
//! The data flows one way, one module per step:
//!
//! ```text
//! content/ ──read+check──▶ content ──store──▶ kb (sled, versioned) ──▶ live (the version in service)
//!                                                                        │
//!  update ─▶ bot::listen ─▶ bot::handlers ─▶ bot::input                  │
//!                               │                                        ▼
//!                               └──────────▶ screen ─────▶ engine ─▶ search (normalise → match → score)
//!                                              │   ◀── reply (the match in the user's language, with sources)
//!                                              ▼
//!                              bot::render ─▶ bot::send ─▶ bot::record ─▶ store, metrics
//! ```
//!
//! The terminal chat (`atazan chat`) and `atazan ask` call [`screen`] the same
//! way and print what the bot would send. Around the front end,
//! [`service`] runs the process: the store, reloads, `/healthz` and
//! `/metrics` ([`ops`]), signals and the final flush.
//!
//! - [`content`]: reads and validates the operator's folder (passages, facts,
//!   sources, routing), every problem at `file:line`.
//! - [`kb`]: the knowledge base in sled, one atomic version at a time.
//! - [`live`]: the content in service, replaced whole on a valid reload.
//! - [`engine`]: one content version with its matcher; what every front end calls.
//! - [`text`]: text analysis (case, script folding, stemming, function words).
//! - [`search`]: the matcher: question in, best passage, [`search::Kind`] and
//!   confidence out.
//! - [`reply`]: the match in the user's language, with its sources (the
//!   `ask --json` form).
//! - [`screen`]: what the user sees, whatever the front end: text blocks,
//!   buttons and the actions they carry.
//! - [`i18n`]: every interface text in the three languages, the operators'
//!   alerts included ([`mod@i18n::operator`]).
//! - [`lang`]: the three languages.
//! - [`store`]: the bot's own state (language choices, the anonymous journal
//!   of unanswered questions, daily counters), in sled or PostgreSQL.
//! - [`report`]: the operator's reports, pure functions of what a store returns.
//! - [`bot`]: the Telegram front end; [`ops`]: `/healthz`, `/metrics` and the
//!   reports over HTTP; [`metrics`]: the counters behind `/metrics`.
//! - [`service`]: the running process around the front end.
//! - [`config`]: settings from defaults, file, environment and flags.
//! - [`clock`]: the one wall clock (Unix seconds).
//! - [`command`]: the bot's commands, named once for every menu and front end.
//! - [`lint`]: content checks that need the matcher (example questions reach their passage).
//! - `fuzzing` (hidden): the fuzz targets' entry points, shared with `tests/fuzz_seeds.rs`.

#![warn(missing_docs, unreachable_pub)]

pub mod bot;
pub mod clock;
pub mod command;
pub mod config;
pub mod content;
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
pub mod screen;
pub mod search;
pub mod service;
pub mod store;
pub mod text;

pub use lang::{Lang, LangChoice};
