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
//! Close the block with a fence of the same character and length.

use crate::document::Document;
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

fn check(doc: &Document, _cx: &Context, sink: &mut Sink) {
    for block in doc.body.code_blocks.iter().filter(|b| !b.closed) {
        let fence: String = doc
            .line_text(block.fence.start.line)
            .trim_start()
            .chars()
            .take_while(|c| *c == '`' || *c == '~')
            .collect();
        sink.report(
            ID,
            block.fence,
            "code fence opened here is never closed: the rest of the file renders as code",
        )
        .help(close_with(&fence));
    }
}
