//! Two headings with the same id (`duplicate-anchor`)
//!
//! ## What it checks
//! A heading whose `{#id}` is already the id of a heading above it, on the
//! same page. Headings without one never clash: the second `## Setup` is
//! `#setup-1`, and a `## Rollback` below a `{#rollback}` is `#rollback-1`.
//!
//! ## Why it matters
//! A page can have only one element with an id: every `#rollback` link,
//! from this page and others, lands on the first heading, never on this one.
//!
//! ## Example
//! ```markdown
//! ## Roll back the deploy {#rollback}
//! ## Roll back the migration {#rollback}
//! ```
//!
//! ## Fix
//! ```markdown
//! ## Roll back the deploy {#rollback-deploy}
//! ## Roll back the migration {#rollback-migration}
//! ```

use rustc_hash::FxHashMap;

use crate::document::Document;
use crate::lint::{Context, Sink};

crate::rule!("duplicate-anchor", Warning, Some(check));

fn check(doc: &Document, _cx: &Context, sink: &mut Sink) {
    let mut first: FxHashMap<&str, usize> = FxHashMap::default();
    for heading in &doc.body.headings {
        let line = heading.span.start.line;
        let Some(&above) = first.get(heading.anchor.as_str()) else {
            first.insert(&heading.anchor, line);
            continue;
        };
        sink.report(
            ID,
            heading.span,
            format!(
                "`#{}` is already the id of the heading on line {above}: links to it never reach this one",
                heading.anchor
            ),
        )
        .help("give this heading an id of its own, or drop its `{#id}`");
    }
}
