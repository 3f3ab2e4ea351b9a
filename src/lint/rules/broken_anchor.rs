//! Link to a heading that does not exist (`broken-anchor`)
//!
//! ## What it checks
//! A `#fragment`, on this page or on another runbook, must match a heading's
//! anchor (as GitHub computes it: lowercase, punctuation dropped, spaces to
//! `-`, duplicates numbered `-1`, `-2`), an explicit `{#id}`, or an HTML
//! `id`/`name`.
//!
//! ## Why it matters
//! Tables of contents and "jump to Rollback" links rot silently when a
//! heading is renamed: the page still opens, at the top, and the reader
//! has to hunt for the step.
//!
//! ## Example
//! ```markdown
//! ## Roll back
//! See [rolling back](#rollback).
//! ```
//!
//! ## Fix
//! Use the anchor of the heading as it is now (`#roll-back`); the help names
//! the closest one.

use std::ops::Range;

use crate::diagnostic::{Edit, Fix, Span};
use crate::document::Document;
use crate::lint::Sink;
use crate::lint::links::closest;

crate::rule!("broken-anchor", Error, None);

pub fn report(sink: &mut Sink, span: Span, fragment: &str, anchors: &[&str]) {
    let (message, help) = describe(fragment, None, anchors);
    let fix = fix(fragment_range(sink.doc, span), fragment, anchors);
    let report = sink.report(ID, span, message).help(help);
    if let Some(fix) = fix {
        report.fix(fix);
    }
}

pub fn describe(fragment: &str, target: Option<&str>, anchors: &[&str]) -> (String, String) {
    let place = match target {
        Some(t) => format!("in `{t}`"),
        None => "on this page".to_string(),
    };
    let message = format!("`#{fragment}` matches no heading {place}");
    let lowered = fragment.to_lowercase();
    let help = match closest(&lowered, anchors.iter().copied()) {
        Some(best) => format!("did you mean `#{best}`?"),
        None if anchors.is_empty() => "that page has no headings".to_string(),
        None => {
            let some: Vec<String> = anchors.iter().take(5).map(|a| format!("`#{a}`")).collect();
            let more = if anchors.len() > 5 { ", ..." } else { "" };
            format!("anchors there: {}{more}", some.join(", "))
        }
    };
    (message, help)
}

/// Rewrites the fragment only when exactly one anchor is the same words
/// (`#Roll-Back` and `#rollback` both mean `#roll-back`); a guess is left
/// to a person.
pub fn fix(range: Option<Range<usize>>, fragment: &str, anchors: &[&str]) -> Option<Fix> {
    let range = range?;
    let squash = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    let wanted = squash(fragment);
    let mut matching = anchors.iter().filter(|a| squash(a) == wanted);
    let only = matching.next()?;
    if matching.next().is_some() {
        return None;
    }
    Some(Fix {
        description: format!("link to `#{only}`"),
        edits: vec![Edit {
            start: range.start,
            end: range.end,
            replacement: (*only).to_string(),
        }],
    })
}

/// Where the fragment is written inside a link's source text: after the
/// `#` of an inline link's or an HTML attribute's target.
pub fn fragment_range(doc: &Document, span: Span) -> Option<Range<usize>> {
    let source = doc.text.get(span.start.offset..span.end.offset)?;
    let target_start = source
        .rfind("](")
        .map(|i| i + 2)
        .or_else(|| source.find("href=").map(|i| i + 5))?;
    let hash = target_start + source[target_start..].find('#')? + 1;
    let len = source[hash..]
        .find(|c: char| c == ')' || c == '"' || c == '\'' || c == '>' || c.is_whitespace())
        .unwrap_or(source.len() - hash);
    Some(span.start.offset + hash..span.start.offset + hash + len)
}
