//! Unknown key in book.toml (`config-unknown-key`)
//!
//! ## What it checks
//! Every key in `book.toml` must be one runbook reads, or one of mdBook's
//! own (`book.authors`, `[output.html]`, `[preprocessor.*]`, ...), so that
//! one `book.toml` serves both tools. Every key of
//! `[lint.review-period-by-status]` must be one of the statuses (`[lint]
//! statuses`, else those of the default rule `status-values`), exactly.
//!
//! ## Why it matters
//! A misspelt setting (`review-peroid = "30d"`, or `Draft = "30d"` where
//! the status is `draft`) is otherwise silently ignored, and the team
//! believes a policy is enforced that is not.
//!
//! ## Example
//! ```toml
//! [lint]
//! review-peroid = "30d"
//!
//! [lint.review-period-by-status]
//! Draft = "30d"
//! ```
//!
//! ## Fix
//! Correct the key; the help names the closest known one (or status).

crate::rule!("config-unknown-key", Warning, None);
