//! Code fence never closed (`unclosed-fence`)
//!
//! ## What it checks
//! Every ```` ``` ```` or `~~~` fence has a closing fence.
//!
//! ## Why it matters
//! An unclosed fence turns the rest of the file into one code block: the
//! headings, links and steps after it vanish from the page and from every
//! check.
//!
//! ## Example
//! ````markdown
//! ```bash
//! systemctl restart api
//!
//! ## Verify
//! ````
//!
//! ## Fix
//! Close the block with a fence of the same character and length. A tab
//! after the closing fence closes the block on GitHub but not for the
//! renderer of runbook's site: delete it.

use crate::document::{CodeBlock, Document};
use crate::lint::{Context, Sink};

crate::rule!("unclosed-fence", Error, Some(check));

/// The closing line, in words: three backticks written as inline code
/// read as five.
fn close_with(fence: &str) -> String {
    let n = fence.chars().count();
    let name = if fence.starts_with('~') {
        "tildes"
    } else {
        "backticks"
    };
    format!("close the block with a line of {n} {name} after its last line")
}

pub fn check(doc: &Document, _cx: &Context, sink: &mut Sink) {
    for block in doc.body.code_blocks.iter().filter(|b| !b.closed) {
        let fence: String = doc
            .line_text(block.fence.start.line)
            .trim_start()
            .chars()
            .take_while(|c| *c == '`' || *c == '~')
            .collect();
        if let Some(line) = tab_after_closing(doc, block, &fence) {
            sink.report(
                ID,
                block.fence,
                format!(
                    "code fence opened here is never closed: the fence on line {line} has a tab after it"
                ),
            )
            .help(
                "delete the tab after the closing fence: GitHub closes the block there, \
                 but this renderer (and runbook's site) reads the rest of the file as code",
            );
            continue;
        }
        sink.report(
            ID,
            block.fence,
            "code fence opened here is never closed: the rest of the file renders as code",
        )
        .help(close_with(&fence));
    }
}

/// The line of a closing fence that a tab follows: CommonMark allows it,
/// pulldown-cmark (which renders the site) does not close the block there.
fn tab_after_closing(doc: &Document, block: &CodeBlock, fence: &str) -> Option<usize> {
    let first = block.first_line;
    let last = doc.lines.line_count().min(block.first_line + block.line_count);
    (first..=last).find_map(|line| {
        let text = doc
            .line_text(line)
            .trim_start_matches([' ', '>']);
        let marks = text.len() - text.trim_start_matches(fence.chars().next()?).len();
        let after = &text[marks..];
        (marks >= fence.len() && after.contains('\t') && after.trim().is_empty()).then_some(line)
    })
}
