//! Required section missing (`section-missing`)
//!
//! ## What it checks
//! For each pattern in `[lint] required-sections`, some heading matches it.
//! None are required by default; rollback has its own rule.
//!
//! ## Why it matters
//! Teams agree on a shape ("Prerequisites", "Verification") so that anyone
//! can find the same step in any runbook at 3 a.m.
//!
//! ## Example
//! ```toml
//! [lint]
//! required-sections = ["(?i)^verification$"]
//! ```
//!
//! ## Fix
//! Add the section, with its content.

use crate::document::{Document, Pos, Span};
use crate::lint::{Context, Sink};

crate::rule!("section-missing", Error, Some(check));

fn check(doc: &Document, cx: &Context, sink: &mut Sink) {
    let start = doc.front_matter.block().map(|b| b.open).unwrap_or(Pos {
        line: 1,
        col: 1,
        offset: 0,
    });
    for pattern in &cx.settings.required_sections {
        if !doc.body.headings.iter().any(|h| pattern.is_match(&h.text)) {
            sink.report(ID, Span { start, end: start }, format!("no section whose heading matches `{}`", pattern.as_str()))
                .help("add the section: every runbook in this tree must have it (book.toml, [lint] required-sections)");
        }
    }
}
