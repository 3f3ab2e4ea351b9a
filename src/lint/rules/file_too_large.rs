//! File too large to be a runbook (`file-too-large`)
//!
//! ## What it checks
//! Files over 10 MB are reported and not parsed.
//!
//! ## Why it matters
//! No runbook is that long; such a file is a log or a dump committed by
//! mistake, and parsing it would slow every gate run.
//!
//! ## Example
//! ```text
//! content/incident/full-log.md: file is 52.4 MB, over the 10 MB limit
//! ```
//!
//! ## Fix
//! Split the runbook, move the data out of the docs tree, or exclude the
//! file in `book.toml` (`[lint] exclude`).

crate::rule!("file-too-large", Error, None);
