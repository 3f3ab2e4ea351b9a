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

use crate::diagnostic::{Edit, Fix};
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
    let found = body_metadata(doc);
    let mut help = String::from(
        "start the file with a `---` block holding `title`, `owner`, `last_reviewed` and `status`",
    );
    if !found.is_empty() {
        let quoted: Vec<String> = found
            .iter()
            .map(|m| format!("`{}: {}` (line {})", m.label, m.value, m.line))
            .collect();
        help.push_str(&format!("; the body already says {}", quoted.join(", ")));
    }
    sink.report(
        ID,
        span,
        "no front matter: nothing says who owns this runbook or when it was last reviewed",
    )
    .help(help)
    .fix(Fix {
        description: "add front matter filled from the body".into(),
        edits: vec![Edit {
            start: 0,
            end: 0,
            replacement: skeleton(doc, &found),
        }],
    });
}

/// A line of metadata written in the body instead of front matter:
/// `**Last Updated:** 2025-01-XX`.
struct BodyMetadata {
    label: String,
    value: String,
    line: usize,
}

fn body_metadata(doc: &Document) -> Vec<BodyMetadata> {
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
            found.push(BodyMetadata {
                label,
                value: value.trim().to_string(),
                line,
            });
        }
    }
    found
}

/// Front matter with what the body says. Nothing is invented: a field the
/// body does not give stays out, so the linter keeps asking for it.
fn skeleton(doc: &Document, found: &[BodyMetadata]) -> String {
    let value = |labels: &[&str]| {
        found
            .iter()
            .find(|m| labels.contains(&m.label.as_str()))
            .map(|m| m.value.clone())
    };
    let mut lines = vec!["---".to_string()];
    if let Some(heading) = doc
        .body
        .headings
        .iter()
        .find(|h| h.level == 1)
        .or(doc.body.headings.first())
    {
        lines.push(format!("title: {}", yaml_string(&heading.text)));
    }
    if let Some(owner) = value(&["document owner", "owner"]) {
        lines.push(format!("owner: {}", yaml_string(&owner)));
    }
    if let Some(date) = value(&["last reviewed", "last updated"]) {
        // Written in another format, the date would be fixed again by the
        // next `--fix`: write it as `field-type` would.
        let date = super::field_type::other_date_format(&date)
            .map(|d| d.to_string())
            .unwrap_or(date);
        lines.push(format!("last_reviewed: {}", yaml_string(&date)));
    }
    lines.push(format!(
        "status: {}",
        value(&["status"])
            .map(|s| yaml_string(&s.to_lowercase()))
            .unwrap_or_else(|| "draft".into())
    ));
    lines.push("---".to_string());
    let eol = doc.line_ending();
    let mut text = lines.join(eol);
    text.push_str(eol);
    if !doc.text.starts_with(['\n', '\r']) {
        text.push_str(eol);
    }
    text
}

/// A YAML scalar: plain when that is unambiguous, else double-quoted.
fn yaml_string(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || " -_./()".contains(c))
        && !text.starts_with(['-', ' '])
        && !text.ends_with(' ');
    if plain {
        text.to_string()
    } else {
        serde_json::to_string(text).unwrap_or_default()
    }
}
