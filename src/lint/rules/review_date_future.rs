//! Review date in the future (`review-date-future`)
//!
//! ## What it checks
//! `last_reviewed` is not after today.
//!
//! ## Why it matters
//! A future date is a typo (`2052` for `2025`) that postpones the next
//! review by years without anyone noticing.
//!
//! ## Example
//! ```yaml
//! last_reviewed: 2052-01-27
//! ```
//!
//! ## Fix
//! Write the day the review actually happened.

use crate::document::{Document, Span};
use crate::lint::{Context, Sink};
use crate::review::{State, review};

crate::rule!("review-date-future", Error, Some(check));

fn check(doc: &Document, cx: &Context, sink: &mut Sink) {
    let Some(fields) = doc.fields() else { return };
    let Some(r) = review(fields, cx.settings, cx.today) else {
        return;
    };
    if r.state != State::Future {
        return;
    }
    let at = fields
        .last_reviewed
        .as_ref()
        .map(|f| f.at)
        .unwrap_or_default();
    sink.report(
        ID,
        Span { start: at, end: at },
        format!(
            "`last_reviewed` {} is in the future (today is {})",
            r.last, cx.today
        ),
    )
    .help(
        "write the day the review happened; a typo in the year postpones the next review by years",
    );
}
