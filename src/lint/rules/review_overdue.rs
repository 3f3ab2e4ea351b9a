//! Review overdue (`review-overdue`)
//!
//! ## What it checks
//! `last_reviewed` plus the review period is before today. The period is
//! the file's `review_every`, else `[lint.review-period-by-status]` for its
//! status, else `[lint] review-period` (90 days by default). "Today" is
//! `--today`, else `SOURCE_DATE_EPOCH`, else the clock.
//!
//! ## Why it matters
//! Systems change under runbooks. A procedure nobody has walked through
//! for a year is a guess, and the on-call engineer should know that before
//! running it.
//!
//! ## Example
//! ```yaml
//! last_reviewed: 2024-02-01   # due 2024-05-01 with the default 90 days
//! ```
//!
//! ## Fix
//! Walk through the runbook, correct it, then set `last_reviewed` to today
//! (`runbook review FILE` does that).

use crate::document::Document;
use crate::lint::{Context, Sink};
use crate::review::{State, in_state};

crate::rule!("review-overdue", Error, Some(check));

fn check(doc: &Document, cx: &Context, sink: &mut Sink) {
    let Some((r, span)) = in_state(doc, cx.settings, cx.today, State::Overdue) else {
        return;
    };
    sink.report(
        ID,
        span,
        format!(
            "review overdue: last reviewed {}, due {} (every {}), {} ago",
            r.last,
            r.due,
            r.period,
            crate::lint::report::plural((-r.days_left) as usize, "day")
        ),
    )
    .help(format!(
        "walk through the runbook, correct what changed, then set `{}: {}`",
        written_key(doc),
        cx.today
    ));
}

/// The key the review date was read from: `reviewed`, where `book.toml`
/// makes it an alias, is the one to update.
fn written_key(doc: &Document) -> &str {
    doc.fields()
        .and_then(|f| f.keys.iter().rev().find(|k| k.canonical == Some("last_reviewed")))
        .map_or("last_reviewed", |k| k.name.as_str())
}
