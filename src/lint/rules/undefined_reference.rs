//! Reference-style link without a definition (`undefined-reference`)
//!
//! ## What it checks
//! `[text][label]` and `[text][]` need a `[label]: url` definition
//! somewhere in the file.
//!
//! ## Why it matters
//! Without one the brackets render as literal text: the reader sees
//! `[the dashboard][grafana]` and no link.
//!
//! ## Example
//! ```markdown
//! Check [the dashboard][grafana].
//! ```
//!
//! ## Fix
//! ```markdown
//! [grafana]: https://grafana.example.com/d/api
//! ```

use crate::document::Document;
use crate::lint::{Context, Sink};

crate::rule!("undefined-reference", Error, Some(check));

fn check(doc: &Document, _cx: &Context, sink: &mut Sink) {
    for reference in &doc.body.undefined_references {
        sink.report(
            ID,
            reference.span,
            format!("link reference `[{}]` is never defined", reference.label),
        )
        .help(format!(
            "add a line `[{}]: <url>` to this file",
            reference.label
        ));
    }
}
