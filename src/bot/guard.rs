//! A panic in the screen logic becomes an apology, never a crash or a Rust
//! error in front of the user.

use crate::i18n::Msg;
use crate::lang::Lang;
use crate::screen::{self, Screen};
use std::panic::AssertUnwindSafe;

/// Runs the screen logic; a panic in it becomes an apology, never a crash
/// or a Rust error in front of the user.
pub fn guarded(lang: Lang, f: impl FnOnce() -> Screen) -> Screen {
    guarded_value(screen::notice(lang, Msg::Apology), f)
}

/// [`guarded`] for any value: `fallback` when `f` panics.
pub fn guarded_value<T>(fallback: T, f: impl FnOnce() -> T) -> T {
    std::panic::catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| {
        tracing::error!("answering panicked; the user got an apology");
        fallback
    })
}
