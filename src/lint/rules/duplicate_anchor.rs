//! Two headings with the same id (`duplicate-anchor`)
//!
//! ## What it checks
//! A heading whose `{#id}` is already the id of a heading above it, on the
//! same page, and an id written in raw HTML (`<a id="rollback">`) that a
//! heading or another element already has. Headings without `{#id}` never
//! clash with each other: the second `## Setup` is `#setup-1`, and a
//! `## Rollback` below a `{#rollback}` is `#rollback-1`. An HTML anchor
//! kept just above its heading, with the heading's id, leads to the same
//! place and is fine.
//!
//! ## Why it matters
//! A page can have only one element with an id: every `#rollback` link,
//! from this page and others, lands on the first heading, never on this one.
//!
//! ## Example
//! ```markdown
//! ## Roll back the deploy {#rollback}
//! ## Roll back the migration {#rollback}
//! ```
//!
//! ## Fix
//! ```markdown
//! ## Roll back the deploy {#rollback-deploy}
//! ## Roll back the migration {#rollback-migration}
//! ```

use rustc_hash::FxHashMap;

use crate::document::{Document, Span};
use crate::lint::{Context, Sink};

crate::rule!("duplicate-anchor", Warning, Some(check));

/// An element of the page with an id.
struct Anchor<'a> {
    id: &'a str,
    span: Span,
    heading: bool,
}

impl Anchor<'_> {
    fn what(&self) -> &'static str {
        if self.heading {
            "heading"
        } else {
            "HTML element"
        }
    }
}

fn check(doc: &Document, _cx: &Context, sink: &mut Sink) {
    let body = &doc.body;
    let mut anchors: Vec<Anchor> = body
        .headings
        .iter()
        .map(|h| Anchor {
            id: &h.anchor,
            span: h.span,
            heading: true,
        })
        .chain(body.html_anchors.iter().map(|a| Anchor {
            id: &a.id,
            span: a.span,
            heading: false,
        }))
        .collect();
    if anchors.len() < 2 {
        return;
    }
    anchors.sort_by_key(|a| a.span.start.offset);
    let mut first: FxHashMap<&str, &Anchor> = FxHashMap::default();
    for anchor in &anchors {
        let Some(&above) = first.get(anchor.id) else {
            first.insert(anchor.id, anchor);
            continue;
        };
        if same_place(above, anchor) {
            continue;
        }
        let help = match (anchor.heading, above.heading) {
            (true, true) => "give this heading an id of its own, or drop its `{#id}`",
            (true, false) => {
                "give this heading an id of its own (`{#id}`), or change the HTML element's"
            }
            (false, _) => "give this element an id of its own",
        };
        sink.report(
            ID,
            anchor.span,
            format!(
                "`#{}` is already the id of the {} on line {}: links to it never reach this {}",
                anchor.id,
                above.what(),
                above.span.start.line,
                anchor.what()
            ),
        )
        .help(help);
    }
}

/// `<a id="rollback"></a>` just above `## Rollback` (or in its line), as
/// pages kept their old anchors: both ids lead to the same place.
fn same_place(a: &Anchor, b: &Anchor) -> bool {
    let (html, heading) = match (a.heading, b.heading) {
        (false, true) => (a, b),
        (true, false) => (b, a),
        _ => return false,
    };
    let (html, heading) = (html.span.start.line, heading.span.start.line);
    html <= heading && heading - html <= 2
}
