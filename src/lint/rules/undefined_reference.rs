//! Reference-style link or footnote without a definition (`undefined-reference`)
//!
//! ## What it checks
//! `[text][label]` and `[text][]` need a `[label]: url` definition, and a
//! footnote `[^label]` a `[^label]: note`, somewhere in the file (before
//! or after). Brackets in code spans and code blocks are not checked.
//!
//! ## Why it matters
//! Without one the brackets render as literal text: the reader sees
//! `[the dashboard][grafana]` and no link, or `[^source]` and no note.
//!
//! ## Example
//! ```markdown
//! Check [the dashboard][grafana]. Failover takes five minutes[^measured].
//! ```
//!
//! ## Fix
//! ```markdown
//! [grafana]: https://grafana.example.com/d/api
//! [^measured]: Measured in the 2025-03 game day.
//! ```
//!
//! Brackets meant as text (a regular expression's `[^a-z]` in prose) go
//! in a code span, or take a backslash: `\[^a-z]`.

use crate::document::Document;
use crate::lint::{Context, Sink};

crate::rule!("undefined-reference", Error, Some(check));

fn check(doc: &Document, _cx: &Context, sink: &mut Sink) {
    for reference in &doc.body.undefined_references {
        let (what, label, value) = if reference.footnote {
            ("footnote", format!("^{}", reference.label), "<note>")
        } else {
            ("link reference", reference.label.clone(), "<url>")
        };
        sink.report(
            ID,
            reference.span,
            format!("{what} `[{label}]` is never defined"),
        )
        .help(format!("add a line `[{label}]: {value}` to this file"));
    }
}
