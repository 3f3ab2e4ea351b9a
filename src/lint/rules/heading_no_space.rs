//! `##Heading` without a space (`heading-no-space`)
//!
//! ## What it checks
//! Lines starting with two to six `#` followed directly by text, or by a
//! no-break or other Unicode space (pasted from a wiki or a word processor),
//! where a block starts: a paragraph's first line, in a quote or a list item
//! too. A line that continues a paragraph (`##ops-oncall`, an IRC channel,
//! wrapped onto the next line), a table row, or the next line of a link's
//! text is left alone: a heading there would cut the paragraph, the table
//! or the link in two, and the author never meant one.
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
//! `--fix` inserts the space (in place of a Unicode one), except on a line
//! that holds a lone carriage return (old Mac line endings): pulldown-cmark
//! ends a paragraph there but not a heading, so the new heading would
//! swallow the next line.

use crate::diagnostic::{Edit, Fix};
use crate::document::Document;
use crate::lint::rules::lookalike_in_command;
use crate::lint::{Context, Sink};

crate::rule!("heading-no-space", Warning, Some(check));

fn check(doc: &Document, _cx: &Context, sink: &mut Sink) {
    for span in &doc.body.headings_without_space {
        let line = doc.line_text(span.start.line);
        // Past any quote marks and list markers before the `#`s.
        let line_start = doc.lines.line_start(span.start.line - 1);
        let indent = span.start.offset - line_start;
        let hashes = line[indent..].chars().take_while(|c| *c == '#').count();
        let at = span.start.offset + hashes;
        let rest = &line[indent + hashes..];
        // A Unicode space (a no-break space from a wiki) is replaced, not
        // kept after the new one.
        let wrong = rest.chars().next().filter(|c| c.is_whitespace());
        let text = &rest[wrong.map_or(0, char::len_utf8)..];
        let fixed = format!("{} {text}", &line[indent..indent + hashes]);
        let marks = "#".repeat(hashes);
        let message = match wrong {
            Some(c) => format!(
                "`{}` is not a heading: after `{marks}` comes U+{:04X}{}, not the plain space CommonMark needs",
                line.trim(),
                c as u32,
                lookalike_in_command::classify(c)
                    .map_or(String::new(), |(_, name)| format!(" ({name})"))
            ),
            None => format!(
                "`{}` is not a heading: CommonMark needs a space after `{marks}`",
                line.trim()
            ),
        };
        let report = sink
            .report(ID, *span, message)
            .help(format!("write `{}`", fixed.trim()));
        if !line.contains('\r') {
            report.fix(Fix {
                description: "put a plain space after the `#`s".into(),
                edits: vec![Edit {
                    start: at,
                    end: at + wrong.map_or(0, char::len_utf8),
                    replacement: " ".into(),
                }],
            });
        }
    }
}
