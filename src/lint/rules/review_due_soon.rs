//! Review falling due soon (`review-due-soon`)
//!
//! ## What it checks
//! The review due date falls within `[lint] due-soon` of today (14 days by
//! default).
//!
//! ## Why it matters
//! A warning before the gate turns red gives the owner time to schedule the
//! review instead of rushing it.
//!
//! ## Example
//! ```yaml
//! last_reviewed: 2025-01-01   # due 2025-04-01; today is 2025-03-25
//! ```
//!
//! ## Fix
//! Review the runbook and update `last_reviewed`.

use crate::document::Document;
use crate::lint::{Context, Sink};
use crate::review::{State, in_state};

crate::rule!("review-due-soon", Warning, Some(check));

fn check(doc: &Document, cx: &Context, sink: &mut Sink) {
    let Some((r, span)) = in_state(doc, cx.settings, cx.today, State::DueSoon) else {
        return;
    };
    let when = match r.days_left {
        0 => "today".to_string(),
        1 => "tomorrow".to_string(),
        n => format!("in {n} days"),
    };
    sink.report(
        ID,
        span,
        format!("review due {when} ({}; last reviewed {})", r.due, r.last),
    )
    .help("schedule the review with the owner before it falls overdue");
}
