//! Status not among the allowed values (`status-invalid`)
//!
//! ## What it checks
//! `status` is one of the allowed values: by default `draft`,
//! `authoritative`, `deprecated`.
//!
//! The values are data: the `values` of the rule `status-values` in
//! runbook's `lints/defaults/structure.yaml` (a `kind: front-matter` rule
//! that reports as this one). A rule with that id in your `lints/`
//! replaces it, and `statuses` under [lint] in book.toml, when set,
//! replaces its values and wins over both. The code adds the help: a
//! value that differs only in case, or the closest one.
//!
//! ## Why it matters
//! The docs portal and the review dashboard group and filter by status; a
//! value outside the list falls through every filter.
//!
//! ## Example
//! ```yaml
//! status: Active
//! ```
//!
//! ## Fix
//! Use one of the allowed values, or add yours to `statuses` in
//! `book.toml`. `runbook lint --fix` corrects a value that differs from
//! an allowed one only in case (`Draft` -> `draft`).

use crate::diagnostic::{Edit, Fix};
use crate::document::Document;
use crate::document::front_matter::Field;
use crate::lint::custom::{self, Kind};
use crate::lint::links::closest;
use crate::lint::{Context, Sink};

crate::rule!("status-invalid", Error, Some(check));

fn check(doc: &Document, cx: &Context, sink: &mut Sink) {
    // An empty one is `required-field`'s.
    let Some(status) = doc
        .fields()
        .and_then(|f| f.status.as_ref())
        .filter(|s| !s.value.trim().is_empty())
    else {
        return;
    };
    for rule in custom::reporting_as(&cx.settings.custom_rules, ID) {
        if let Kind::FrontMatter { values, .. } = &rule.kind {
            check_values(doc, status, (rule.id, values), sink);
        }
    }
}

/// `status` against the values of `rule`, which the finding names (see
/// [`Sink::report_data`]).
fn check_values(
    doc: &Document,
    status: &Field<String>,
    (rule, allowed): (&'static str, &[String]),
    sink: &mut Sink,
) {
    if allowed.is_empty() || allowed.contains(&status.value) {
        return;
    }
    let lowered = status.value.to_lowercase();
    let same_letters: Vec<&String> = allowed
        .iter()
        .filter(|s| s.to_lowercase() == lowered)
        .collect();
    let help = match same_letters.first() {
        Some(exact) => format!("write `{exact}`: statuses are case-sensitive"),
        None => match closest(&lowered, allowed.iter().map(String::as_str)) {
            Some(best) => format!("did you mean `{best}`?"),
            None => {
                "use one of those, or add it to `statuses` under [lint] in book.toml".to_string()
            }
        },
    };
    let range = status.written.clone();
    let report = sink
        .report_data(
            (ID, Some(rule)),
            doc.span(range.clone()),
            format!(
                "status `{}` is not one of: {}",
                status.value,
                allowed.join(", ")
            ),
        )
        .help(help);
    if let [exact] = same_letters[..]
        && let Some(fix) = case_fix(&doc.text[range.clone()], range.start, &status.value, exact) {
            report.fix(fix);
        }
}

/// `Draft` -> `draft`: safe when one allowed value differs only in case
/// and the value is written as is (plain or quoted, no escapes).
fn case_fix(written: &str, at: usize, value: &str, exact: &str) -> Option<Fix> {
    let (open, close) = match written.as_bytes().first() {
        Some(b'"') => ("\"", "\""),
        Some(b'\'') => ("'", "'"),
        _ => ("", ""),
    };
    if written != format!("{open}{value}{close}") {
        return None;
    }
    Some(Fix {
        description: format!("write `{exact}`"),
        edits: vec![Edit {
            start: at + open.len(),
            end: at + open.len() + value.len(),
            replacement: exact.to_string(),
        }],
    })
}
