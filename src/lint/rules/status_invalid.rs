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
//! `book.toml`.

use crate::document::Document;
use crate::document::front_matter::{Field, scalar_range};
use crate::lint::custom::{self, Kind};
use crate::lint::links::closest;
use crate::lint::{Context, Sink};

crate::rule!("status-invalid", Error, Some(check));

fn check(doc: &Document, cx: &Context, sink: &mut Sink) {
    let Some(status) = doc.fields().and_then(|f| f.status.as_ref()) else {
        return;
    };
    for rule in custom::reporting_as(&cx.settings.custom_rules, ID) {
        if let Kind::FrontMatter { values, .. } = &rule.kind {
            check_values(doc, status, values, sink);
        }
    }
}

fn check_values(doc: &Document, status: &Field<String>, allowed: &[String], sink: &mut Sink) {
    if allowed.is_empty() || allowed.contains(&status.value) {
        return;
    }
    let lowered = status.value.to_lowercase();
    let help = match allowed.iter().find(|s| s.to_lowercase() == lowered) {
        Some(exact) => format!("write `{exact}`: statuses are case-sensitive"),
        None => match closest(&lowered, allowed.iter().map(String::as_str)) {
            Some(best) => format!("did you mean `{best}`?"),
            None => {
                "use one of those, or add it to `statuses` under [lint] in book.toml".to_string()
            }
        },
    };
    sink.report(
        ID,
        doc.span(scalar_range(&doc.text, status.at.offset)),
        format!(
            "status `{}` is not one of: {}",
            status.value,
            allowed.join(", ")
        ),
    )
    .help(help);
}
