//! Status not among the configured values (`status-invalid`)
//!
//! ## What it checks
//! `status` is one of `[lint] statuses` (by default `draft`,
//! `authoritative`, `deprecated`).
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
//! Use one of the configured values, or add yours to `statuses` in
//! `book.toml`.

use crate::document::Document;
use crate::document::front_matter::scalar_range;
use crate::lint::links::closest;
use crate::lint::{Context, Sink};

crate::rule!("status-invalid", Error, Some(check));

fn check(doc: &Document, cx: &Context, sink: &mut Sink) {
    let Some(status) = doc.fields().and_then(|f| f.status.as_ref()) else {
        return;
    };
    let allowed = &cx.settings.config.lint.statuses;
    if allowed.is_empty() || allowed.iter().any(|s| *s == status.value) {
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
