//! No rollback section, or an empty one (`rollback-missing`)
//!
//! ## What it checks
//! A heading contains "Rollback", "Roll back", "Revert", "Undo" or "Back
//! out" (ITIL's "Backout plan") and has content under it. When the word
//! appears only as bold text, a list item, a table row, an HTML heading or
//! a `<details>` summary, the help says where; so it does of a heading
//! that may be the rollback under another name ("Abort", "Recovery",
//! "Fallback", "Contingency").
//!
//! The section is data: the rule `rollback-section` in runbook's
//! `lints/defaults/structure.yaml`, a `kind: required-section` rule that
//! reports as this one, gives the heading pattern, `non-empty`, an
//! optional `when` and the message. A rule with that id in your `lints/`
//! replaces it, and `rollback-heading` under [lint] in book.toml, when
//! set, replaces its heading pattern and wins over both. The code adds
//! what the format cannot say: pages with no body yet are skipped, and the
//! help points at a rollback written some other way than as a heading.
//!
//! ## Why it matters
//! Every change can fail. The way back must be written before it is
//! needed, and findable by heading from the table of contents.
//!
//! ## Example
//! ```markdown
//! ## Deploy
//! 1. Run the migration.
//! **Rollback:** restore from backup.
//! ```
//!
//! ## Fix
//! ```markdown
//! ## Rollback
//! 1. Restore from the backup taken in step 1: see [restore](restore.md).
//! ```
//!
//! Pages that are not procedures (an index) can opt out in front matter:
//! `lint: { allow: [rollback-missing] }`.

use std::sync::LazyLock;

use regex::Regex;

use crate::document::{Document, FrontMatter, Pos, Span};
use crate::lint::custom::{self, CustomRule, Kind};
use crate::lint::{Context, Sink};

crate::rule!("rollback-missing", Error, Some(check));

fn check(doc: &Document, cx: &Context, sink: &mut Sink) {
    let body_start = doc.front_matter.block().map(|b| b.body_start).unwrap_or(0);
    if matches!(doc.front_matter, FrontMatter::Unterminated { .. })
        || doc.text[body_start.min(doc.text.len())..].trim().is_empty()
    {
        // Nothing to check yet: another rule already says why.
        return;
    }
    for rule in custom::reporting_as(&cx.settings.custom_rules, ID) {
        if let Kind::RequiredSection {
            heading,
            mentions,
            non_empty,
        } = &rule.kind
            && rule.when.as_ref().is_none_or(|w| w.holds(doc)) {
                check_section(doc, rule, heading, mentions.as_ref(), *non_empty, sink);
            }
    }
}

fn check_section(
    doc: &Document,
    rule: &CustomRule,
    pattern: &Regex,
    mentions: Option<&Regex>,
    non_empty: bool,
    sink: &mut Sink,
) {
    let headings = &doc.body.headings;
    // A rollback section with content settles it; such sections come late
    // in a runbook, so the search starts from the end.
    if headings
        .iter()
        .rev()
        .any(|h| (h.has_content || !non_empty) && pattern.is_match(&h.text))
    {
        return;
    }
    if let Some(heading) = headings.iter().find(|h| pattern.is_match(&h.text)) {
        sink.report_data(
            (ID, Some(rule.id)),
            heading.span,
            format!("rollback section `{}` is empty", heading.text),
        )
        .help(
            "write the steps that undo this procedure under it, or link to the runbook that does",
        );
        return;
    }

    let start = doc.front_matter.block().map(|b| b.open).unwrap_or(Pos {
        line: 1,
        col: 1,
        offset: 0,
    });
    let maybe = headings.iter().find(|h| MAYBE_ROLLBACK.is_match(&h.text));
    // The heading to suggest: the usual one, unless the book's pattern
    // asks for another.
    let (example, retitle) = if pattern.is_match("Rollback") {
        (
            "`## Rollback`".to_string(),
            "put the word in its heading (`## Rollback`)".to_string(),
        )
    } else {
        let matching = format!("a heading matching `{}`", pattern.as_str());
        (matching.clone(), format!("give it {matching}"))
    };
    let help = match (mentioned_elsewhere(doc, pattern, mentions), maybe) {
        (Some((line, how)), _) => format!(
            "line {line} mentions a rollback as {how}, not as a Markdown heading: make it one ({example}) so it is a section of the table of contents"
        ),
        (None, Some(h)) => format!(
            "if the section `{}` (line {}) undoes this procedure, {retitle}: it is what on-call engineers look for",
            h.text, h.span.start.line
        ),
        (None, None) => rule.help.clone().unwrap_or_else(|| {
            format!(
                "add a section whose heading matches `{}`, with the steps that undo this procedure",
                pattern.as_str()
            )
        }),
    };
    sink.report_data((ID, Some(rule.id)), Span { start, end: start }, rule.message.clone())
        .help(help);
}

/// Headings that may be a rollback under another name.
static MAYBE_ROLLBACK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(abort(ing)?|recover(y|ing)?|fall[ -]?back|contingency)\b")
        .expect("valid pattern")
});

/// The first line outside code that mentions a rollback in a way that
/// looks like a section to its author but is none to the table of
/// contents: bold, a list item, a table row, raw HTML.
fn mentioned_elsewhere(
    doc: &Document,
    pattern: &Regex,
    mentions: Option<&Regex>,
) -> Option<(usize, &'static str)> {
    let lines = match mentions {
        Some(anywhere) => custom::lines_touched(anywhere, &doc.text, &doc.lines),
        None => (1..=doc.lines.line_count()).collect(),
    };
    for line in lines {
        let text = doc.line_text(line);
        if !pattern.is_match(text) || doc.body.in_code(line) {
            continue;
        }
        let trimmed = text.trim_start();
        let lower = trimmed.to_ascii_lowercase();
        let html_heading = lower.len() > 3
            && lower.starts_with("<h")
            && (b'1'..=b'6').contains(&lower.as_bytes()[2]);
        if html_heading {
            return Some((line, "an HTML heading"));
        }
        if lower.contains("<summary") {
            return Some((line, "the summary of a collapsed `<details>` block"));
        }
        if trimmed.starts_with('|') {
            return Some((line, "a table row"));
        }
        let bold = ["**", "__"].iter().any(|m| {
            trimmed
                .split(m)
                .skip(1)
                .step_by(2)
                .any(|inside| pattern.is_match(inside))
        });
        if bold {
            return Some((line, "bold text"));
        }
        let item = trimmed.starts_with(['-', '*', '+'])
            || trimmed
                .split_once(". ")
                .is_some_and(|(n, _)| n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty());
        if item {
            return Some((line, "a list item"));
        }
    }
    None
}
