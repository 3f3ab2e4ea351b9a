//! Required front matter field missing (`required-field`)
//!
//! ## What it checks
//! The fields listed in `[lint] required-fields` (by default `owner`,
//! `last_reviewed` and `status`) are present and not empty. Aliases set in
//! `[front-matter.aliases]` count as the field they stand for.
//!
//! ## Why it matters
//! A runbook without an owner has nobody to fix it; without a review date
//! nobody knows if it still works.
//!
//! ## Example
//! ```markdown
//! ---
//! title: Rotate TLS certificates
//! status: draft
//! ---
//! ```
//!
//! ## Fix
//! Add the field: `owner: team-platform`, `last_reviewed: 2025-01-27`.

use crate::document::{Document, FrontMatter, Span};
use crate::lint::{Context, Sink};

crate::rule!("required-field", Error, Some(check));

fn check(doc: &Document, cx: &Context, sink: &mut Sink) {
    let FrontMatter::Parsed { block, fields } = &doc.front_matter else {
        return;
    };
    let span = Span {
        start: block.open,
        end: block.open,
    };
    for name in &cx.settings.config.lint.required_fields {
        let present = match name.as_str() {
            "title" => fields
                .title
                .as_ref()
                .is_some_and(|f| !f.value.trim().is_empty()),
            "owner" => fields
                .owner
                .as_ref()
                .is_some_and(|f| f.value.iter().any(|o| !o.trim().is_empty())),
            "last_reviewed" => fields.last_reviewed.is_some(),
            "status" => fields
                .status
                .as_ref()
                .is_some_and(|f| !f.value.trim().is_empty()),
            "review_every" => fields.review_every.is_some(),
            "tags" => !fields.tags.is_empty(),
            "related" => !fields.related.is_empty(),
            other => fields.extra.get(other).is_some_and(|v| !v.is_null()),
        };
        let mistyped = fields.type_errors.iter().any(|e| e.field == name);
        if present || mistyped {
            continue;
        }
        let written = fields
            .keys
            .iter()
            .find(|k| k.canonical == Some(name_static(name)) || k.name == *name);
        let message = match written {
            Some(key) => format!("required field `{name}` is empty (line {})", key.at.line),
            None => format!("required field `{name}` is missing"),
        };
        sink.report(ID, span, message).help(format!(
            "add `{name}: {}` to the front matter",
            example(name)
        ));
    }
}

fn name_static(name: &str) -> &'static str {
    crate::document::front_matter::CANONICAL_FIELDS
        .iter()
        .find(|f| **f == name)
        .copied()
        .unwrap_or("")
}

fn example(name: &str) -> &'static str {
    match name {
        "owner" => "team-name",
        "last_reviewed" => "YYYY-MM-DD",
        "status" => "draft",
        "title" => "What this runbook does",
        "review_every" => "90d",
        _ => "...",
    }
}
