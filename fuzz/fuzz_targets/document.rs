//! The document model from arbitrary bytes: decoding, front matter and the
//! Markdown pass never panic, every span lies inside the text, and each
//! `{{#include}}` of a fenced block is the same text in the block and in
//! the file.
#![no_main]

use std::path::PathBuf;

use libfuzzer_sys::fuzz_target;
use runbook::config::Aliases;
use runbook::document::{Document, Span};

fuzz_target!(|bytes: &[u8]| {
    let doc = Document::parse(
        PathBuf::from("fuzz.md"),
        "fuzz.md".to_string(),
        bytes.to_vec(),
        &Aliases::default(),
    );
    let text = &doc.text;
    let inside = |span: &Span| {
        assert!(span.start.offset <= span.end.offset, "{span:?} backwards");
        assert!(span.end.offset <= text.len(), "{span:?} past the end");
    };
    let body = &doc.body;
    body.headings.iter().for_each(|h| inside(&h.span));
    body.links.iter().for_each(|l| inside(&l.span));
    body.comments.iter().for_each(|c| inside(&c.span));
    body.html_anchors.iter().for_each(|a| inside(&a.span));
    body.wiki_links.iter().for_each(|w| inside(&w.span));
    body.headings_without_space.iter().for_each(inside);
    body.prose_includes.iter().for_each(inside);
    for block in &body.code_blocks {
        assert!(block.range.end <= text.len());
        assert!(block.heading_path.iter().all(|&i| i < body.headings.len()));
        // A directive is where the block's code says, in order, and the
        // same text in the file.
        let mut after = 0;
        for inc in &block.includes {
            inside(&inc.span);
            assert!(after <= inc.at.start, "directives out of order");
            after = inc.at.end;
            assert_eq!(
                block.code.get(inc.at.clone()),
                text.get(inc.span.start.offset..inc.span.end.offset),
                "{inc:?}"
            );
        }
    }
    let _ = doc.title();
});
