//! Required front matter field missing (`required-field`)
//!
//! ## What it checks
//! The fields listed in `[lint] required-fields` (by default `owner`,
//! `last_reviewed` and `status`) are present and not empty. Aliases set in
//! `[front-matter.aliases]` count as the field they stand for. An owner
//! that names nobody (`TBD`, `unknown`, `none`, `n/a`, `?`, `<team>`, ...)
//! counts as empty.
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
    for written_name in &cx.settings.config.lint.required_fields {
        // An alias listed stands for its field, as in a runbook.
        let name = cx
            .settings
            .aliases
            .canonical(written_name)
            .unwrap_or(written_name);
        let present = match name {
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
            "lint" | "reviewed_by" | "dry_run" => fields.keys.iter().any(|k| {
                k.canonical == Some(name) && !doc.text[k.value.clone()].trim().is_empty()
            }),
            other => fields.extra.get(other).is_some_and(|v| !v.is_null()),
        };
        let mistyped = fields.type_errors.iter().any(|e| e.field == name);
        if name == "owner" && present && !mistyped {
            if let Some(owner) = &fields.owner {
                let owners: Vec<&str> = owner.value.iter().map(|o| o.trim()).collect();
                if owners.iter().all(|o| o.is_empty() || names_nobody(o)) {
                    let shown = owners.iter().find(|o| !o.is_empty()).unwrap_or(&"");
                    let at = Span {
                        start: owner.at,
                        end: owner.at,
                    };
                    sink.report(
                        ID,
                        at,
                        format!("`owner` is `{shown}`, which names nobody: nobody will keep this runbook working"),
                    )
                    .help("name the team or person who answers for it (`owner: team-name`)");
                }
            }
            continue;
        }
        if present || mistyped {
            continue;
        }
        let written = fields
            .keys
            .iter()
            .find(|k| k.canonical == Some(name_static(name)) || k.name == name);
        let (span, message) = match written {
            Some(key) => (
                Span {
                    start: key.at,
                    end: key.at,
                },
                format!("required field `{written_name}` is empty"),
            ),
            None => (span, format!("required field `{written_name}` is missing")),
        };
        sink.report(ID, span, message).help(format!(
            "add `{written_name}: {}` to the front matter",
            example(name)
        ));
    }
}

/// An owner written down to be filled in later, or to say there is none.
pub fn names_nobody(owner: &str) -> bool {
    let word = owner
        .trim_matches(|c: char| matches!(c, '<' | '>' | '[' | ']' | '{' | '}' | '(' | ')'))
        .to_ascii_lowercase();
    let word = word.trim();
    word.chars()
        .all(|c| matches!(c, '?' | '-' | '_' | '.' | 'x'))
        || [
            "tbd",
            "tba",
            "todo",
            "fixme",
            "unknown",
            "none",
            "nobody",
            "noone",
            "no one",
            "n/a",
            "na",
            "nil",
            "null",
            "unassigned",
            "changeme",
            "owner",
            "team",
            "team-name",
            "team name",
            "your-team",
            "your team",
            "someone",
        ]
        .contains(&word)
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

#[cfg(test)]
mod tests {
    use super::names_nobody;

    #[test]
    fn owners_that_name_nobody() {
        for nobody in [
            "TBD", "unknown", "<team>", "N/A", "?", "???", "-", "xxx", "[TODO]", "Nobody",
        ] {
            assert!(names_nobody(nobody), "{nobody}");
        }
        for somebody in [
            "team-sre",
            "@acme/sre",
            "alice",
            "x-team",
            "sre@acme.com",
            "Todo-app team",
        ] {
            assert!(!names_nobody(somebody), "{somebody}");
        }
    }
}
