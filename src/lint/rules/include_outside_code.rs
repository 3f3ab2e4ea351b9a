//! mdBook include outside a code block (`include-outside-code`)
//!
//! ## What it checks
//! A line that is only `{{#include path}}`, outside any fenced block.
//!
//! ## Why it matters
//! mdBook puts the file's Markdown in its place; runbook expands includes
//! only inside fenced blocks, so the page shows the directive as text and
//! nothing in the file is checked: a shared escalation list included this
//! way is missing from every page that includes it.
//!
//! ## Example
//! ```markdown
//! ## Escalation
//!
//! {{#include ../shared/escalation.md}}
//! ```
//!
//! ## Fix
//! Link to the shared page (`[Escalation](../shared/escalation.md)`), or
//! put the text into the runbook. In a block of code, the include works.

use crate::document::Document;
use crate::lint::{Context, Sink};

crate::rule!("include-outside-code", Warning, Some(check));

fn check(doc: &Document, _cx: &Context, sink: &mut Sink) {
    for &span in &doc.body.prose_includes {
        sink.report(
            ID,
            span,
            "runbook does not insert files into the text: the page shows this `{{#include}}` line as written",
        )
        .help("link to the file instead (`[Escalation](../shared/escalation.md)`), or move the include into a fenced block");
    }
}
