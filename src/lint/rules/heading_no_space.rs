//! `##Heading` without a space (`heading-no-space`)
//!
//! ## What it checks
//! Lines starting with two to six `#` followed directly by text.
//!
//! ## Why it matters
//! CommonMark needs a space after the `#`s: `##Rollback` is a paragraph,
//! so the section is missing from the table of contents and from the
//! rollback check, though it looks fine in the editor.
//!
//! ## Example
//! ```markdown
//! ##Rollback
//! ```
//!
//! ## Fix
//! ```markdown
//! ## Rollback
//! ```
//!
//! `--fix` inserts the space, except on a line that holds a lone carriage
//! return (old Mac line endings): pulldown-cmark ends a paragraph there but
//! not a heading, so the new heading would swallow the next line.

use crate::diagnostic::{Edit, Fix};
use crate::document::Document;
use crate::lint::{Context, Sink};

crate::rule!("heading-no-space", Warning, Some(check));

fn check(doc: &Document, _cx: &Context, sink: &mut Sink) {
    for span in &doc.body.headings_without_space {
        let line = doc.line_text(span.start.line);
        let indent = line.len() - line.trim_start().len();
        let hashes = line[indent..].chars().take_while(|c| *c == '#').count();
        let at = span.start.offset + indent + hashes;
        let fixed = format!(
            "{} {}",
            &line[indent..indent + hashes],
            &line[indent + hashes..]
        );
        let report = sink
            .report(
                ID,
                *span,
                format!(
                    "`{}` is not a heading: CommonMark needs a space after `{}`",
                    line.trim(),
                    "#".repeat(hashes)
                ),
            )
            .help(format!("write `{}`", fixed.trim()));
        if !line.contains('\r') {
            report.fix(Fix {
                description: "insert a space after the `#`s".into(),
                edits: vec![Edit {
                    start: at,
                    end: at,
                    replacement: " ".into(),
                }],
            });
        }
    }
}
