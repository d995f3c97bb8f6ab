//! atazan explains Kazakhstan's proposed constitutional reform in Kazakh,
//! Russian and English.
//!
//! The data flows one way, one module per step:
//!
//! ```text
//! content/ ──read+check──▶ content ──store──▶ kb (sled, versioned)
//!                                               │
//!                                   search (normalise → match → score)
//!                                               │
//!              reply (answer text, "don't know", topic menu, i18n)
//!                                               │
//!                          chat / ask (terminal) · bot (Telegram)
//! ```
//!
//! - [`content`]: reads and validates the operator's folder.
//! - [`kb`]: the knowledge base in sled, one atomic version at a time.
//! - [`text`]: text analysis (case, script folding, stemming).
//! - [`search`]: the matcher: question in, best passage and confidence out.
//! - [`reply`]: what the user sees, in their language.
//! - [`lang`]: the three languages.
//! - [`store`]: the bot's own state (language choices, the anonymous journal
//!   of unanswered questions, daily counters) and the operator's reports.
//! - [`lint`]: content checks that need the matcher (example questions reach their passage).
//! - `fuzzing` (hidden): the fuzz targets' entry points, shared with `tests/fuzz_seeds.rs`.

pub mod bot;
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
pub mod search;
pub mod store;
pub mod text;

pub use lang::{Lang, LangChoice};
