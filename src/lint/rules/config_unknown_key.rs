//! Unknown key in book.toml (`config-unknown-key`)
//!
//! ## What it checks
//! Every key in `book.toml` must be one runbook reads, or one of mdBook's
//! own (`book.authors`, `[output.html]`, `[preprocessor.*]`, ...), so that
//! one `book.toml` serves both tools. A `[lint] required-fields` entry that
//! is no known field but a slip of one (`ownr`, `owners`) is reported too,
//! with the field meant, and so is a setting that can never take effect:
//! an `exclude` glob no file can match (absolute, or starting with `../`
//! or `./`), `statuses = []` (any status passes), and a `due-soon` as long
//! as a review period (every runbook of it is due soon once reviewed).
//!
//! ## Why it matters
//! A misspelt setting (`review-peroid = "30d"`) is otherwise silently
//! ignored, and the team believes a policy is enforced that is not.
//!
//! ## Example
//! ```toml
//! [lint]
//! review-peroid = "30d"
//! ```
//!
//! ## Fix
//! Correct the key; the help names the closest known one.

crate::rule!("config-unknown-key", Warning, None);
