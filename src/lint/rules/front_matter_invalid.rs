//! Front matter that is not valid YAML (`front-matter-invalid`)
//!
//! ## What it checks
//! The block between the `---` lines must be closed and parse as a YAML
//! mapping (duplicate keys are an error, as is a document over the parser's
//! size and alias budgets). A field written twice under two names, its
//! own and an alias `book.toml` maps onto it (`last_reviewed` and
//! `reviewed`), is a duplicate key too.
//!
//! ## Why it matters
//! A block that does not parse means no owner, no review date and no status
//! for every tool that reads it; an unclosed one swallows the whole page.
//! Of a field written twice, the last one wins, silently: a reviewer who
//! updates the other one changes nothing.
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

use crate::document::{Document, Fields, FrontMatter, Span};
use crate::lint::{Context, Sink};

crate::rule!("front-matter-invalid", Error, Some(check));

fn check(doc: &Document, _cx: &Context, sink: &mut Sink) {
    match &doc.front_matter {
        FrontMatter::Parsed { fields, .. } => written_twice(fields, sink),
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

/// A field set under two of its names: the finding is on the later one,
/// naming the earlier.
fn written_twice(fields: &Fields, sink: &mut Sink) {
    for (i, key) in fields.keys.iter().enumerate() {
        let Some(field) = key.canonical else { continue };
        let Some(first) = fields.keys[..i].iter().find(|k| k.canonical == Some(field)) else {
            continue;
        };
        let span = Span { start: key.at, end: key.at };
        sink.report(
            ID,
            span,
            format!(
                "`{}` sets `{field}` a second time (first as `{}` on line {})",
                key.name, first.name, first.at.line
            ),
        )
        .help(format!(
            "keep one: a review that updates the other changes nothing \
             (`book.toml` maps both onto `{field}` under [front-matter.aliases])"
        ));
    }
}
