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

use crate::document::Document;
use crate::lint::{Context, Sink};
use crate::review::{State, in_state};

crate::rule!("review-date-future", Error, Some(check));

fn check(doc: &Document, cx: &Context, sink: &mut Sink) {
    let Some((r, span)) = in_state(doc, cx.settings, cx.today, State::Future) else {
        return;
    };
    sink.report(
        ID,
        span,
        format!(
            "`last_reviewed` {} is in the future (today is {})",
            r.last, cx.today
        ),
    )
    .help(
        "write the day the review happened; a typo in the year postpones the next review by years",
    );
}
