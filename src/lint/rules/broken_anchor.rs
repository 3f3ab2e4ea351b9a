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

use crate::diagnostic::Span;
use crate::lint::Sink;
use crate::lint::links::closest;

crate::rule!("broken-anchor", Error, None);

pub fn report(sink: &mut Sink, span: Span, fragment: &str, target: Option<&str>, anchors: &[&str]) {
    let (message, help) = describe(fragment, target, anchors);
    sink.report(ID, span, message).help(help);
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
