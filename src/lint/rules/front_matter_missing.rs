//! Runbook without front matter (`front-matter-missing`)
//!
//! ## What it checks
//! Every runbook starts with a YAML block between `---` lines that says who
//! owns it, when it was last reviewed and what its status is.
//!
//! ## Why it matters
//! Without it nobody can tell whether the page is current or whom to ask,
//! and no other review rule can run. Metadata written in the body
//! ("**Last Updated:** ...") is invisible to tools.
//!
//! ## Example
//! ```markdown
//! # Restore the orders database
//! **Owner:** payments
//! ```
//!
//! ## Fix
//! ```markdown
//! ---
//! title: Restore the orders database
//! owner: payments
//! last_reviewed: 2025-01-27
//! status: authoritative
//! ---
//! ```

use crate::document::{Document, FrontMatter, Pos, Span};
use crate::lint::{Context, Sink};

crate::rule!("front-matter-missing", Error, Some(check));

fn check(doc: &Document, _cx: &Context, sink: &mut Sink) {
    if !matches!(doc.front_matter, FrontMatter::Missing) {
        return;
    }
    let start = Pos {
        line: 1,
        col: 1,
        offset: 0,
    };
    let span = Span { start, end: start };
    if doc.text.trim().is_empty() {
        sink.report(
            ID,
            span,
            "empty file: a runbook needs front matter and steps",
        )
        .help("write the runbook, or delete the file");
        return;
    }
    let mut help = String::from(
        "start the file with a `---` block holding `title`, `owner`, `last_reviewed` and `status`",
    );
    let found = body_metadata(doc);
    if !found.is_empty() {
        help.push_str(&format!("; the body already says {}", found.join(", ")));
    }
    sink.report(
        ID,
        span,
        "no front matter: nothing says who owns this runbook or when it was last reviewed",
    )
    .help(help);
}

/// Metadata people write in the body instead: `**Last Updated:** 2025-01-XX`.
fn body_metadata(doc: &Document) -> Vec<String> {
    const LABELS: &[&str] = &[
        "last updated",
        "last reviewed",
        "document owner",
        "owner",
        "status",
    ];
    let mut found = Vec::new();
    for line in 1..=doc.lines.line_count().min(40) {
        let text = doc.line_text(line).replace(['*', '_'], "");
        let Some((label, value)) = text.split_once(':') else {
            continue;
        };
        let label = label
            .trim()
            .trim_start_matches(['-', '>', ' '])
            .to_lowercase();
        if LABELS.contains(&label.as_str()) && !value.trim().is_empty() {
            found.push(format!("`{}: {}` (line {line})", label, value.trim()));
        }
    }
    found
}
