//! Front matter that is not valid YAML (`front-matter-invalid`)
//!
//! ## What it checks
//! The block between the `---` lines must be closed and parse as a YAML
//! mapping (duplicate keys are an error, as is a document over the parser's
//! size and alias budgets).
//!
//! ## Why it matters
//! A block that does not parse means no owner, no review date and no status
//! for every tool that reads it; an unclosed one swallows the whole page.
//!
//! ## Example
//! ```markdown
//! ---
//! owner: [payments
//! ---
//! ```
//!
//! ## Fix
//! Correct the YAML at the line shown; close the block with `---`.

use crate::document::{Document, FrontMatter, Span};
use crate::lint::{Context, Sink};

crate::rule!("front-matter-invalid", Error, Some(check));

fn check(doc: &Document, _cx: &Context, sink: &mut Sink) {
    match &doc.front_matter {
        FrontMatter::Unterminated { open } => {
            sink.report(ID, Span { start: *open, end: *open }, "front matter opened with `---` is never closed")
                .help("add a `---` line after the last key; until then the whole file is read as front matter");
        }
        FrontMatter::Invalid { pos, message, .. } => {
            sink.report(ID, Span { start: *pos, end: *pos }, format!("invalid YAML in front matter: {message}"))
                .help("front matter is YAML: one `key: value` per line; quote values that contain `: ` or start with `[`, `{`, `*`, `&`, `!`, `%`, `@`, `` ` ``, `|` or `>`");
        }
        _ => {}
    }
}
