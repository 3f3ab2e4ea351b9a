//! Front matter value of the wrong type (`field-type`)
//!
//! ## What it checks
//! `last_reviewed` is a date (`YYYY-MM-DD`), `owner` a name or a list of
//! names, `status` and `title` strings, `tags` and `related` lists,
//! `review_every` a duration (`90d`, `6 months`, `1 year`).
//!
//! ## Why it matters
//! A date like `2025-01-XX` or `last week` cannot be compared with today, so
//! the runbook would silently never go stale.
//!
//! ## Example
//! ```yaml
//! last_reviewed: 2025-01-XX
//! ```
//!
//! ## Fix
//! ```yaml
//! last_reviewed: 2025-01-27
//! ```

use crate::document::{Document, Span};
use crate::lint::{Context, Sink};

crate::rule!("field-type", Error, Some(check));

fn check(doc: &Document, _cx: &Context, sink: &mut Sink) {
    let Some(fields) = doc.fields() else { return };
    for error in &fields.type_errors {
        let name = if error.written_as == error.field {
            format!("`{}`", error.field)
        } else {
            format!("`{}` (an alias of `{}`)", error.written_as, error.field)
        };
        sink.report(
            ID,
            Span {
                start: error.at,
                end: error.at,
            },
            format!("{name} is {}, not {}", error.found, error.expected),
        )
        .help(format!("write {}", error.expected));
    }
}
