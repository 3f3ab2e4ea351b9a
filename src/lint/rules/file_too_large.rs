//! File too large to be a runbook (`file-too-large`)
//!
//! ## What it checks
//! Files over 10 MB are reported and not parsed. A runbook with more than
//! 10,000 command blocks (`bash`, `sh`, `shell`, `zsh`, `console`) is
//! reported at the first block past that: none of its commands is checked,
//! extracted or dry-run.
//!
//! ## Why it matters
//! No runbook is that long; such a file is a log or a dump committed by
//! mistake, or generated, and parsing it would slow every gate run.
//!
//! ## Example
//! ```text
//! content/incident/full-log.md: file is 52.4 MB, over the 10 MB limit
//! content/generated/all-alerts.md:30015:1: 499312 command blocks, over the 10000 a runbook may have
//! ```
//!
//! ## Fix
//! Split the runbook, move the data out of the docs tree, give blocks that
//! are not commands another info string (`text`), or exclude the file in
//! `book.toml` (`[lint] exclude`).

crate::rule!("file-too-large", Error, None);
