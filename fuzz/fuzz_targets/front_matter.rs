//! Splitting and parsing front matter: any text gives a block or a clear
//! refusal, and every position it reports points inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use runbook::config::Aliases;
use runbook::document::front_matter::{self, FrontMatter};
use runbook::document::{LineIndex, Pos};

fuzz_target!(|text: &str| {
    let index = LineIndex::new(text);
    let (front_matter, body_start) = front_matter::parse(text, &index, &Aliases::default());
    assert!(body_start <= text.len());
    let inside = |pos: &Pos| {
        assert!(pos.offset <= text.len(), "{pos:?} past the end");
        assert!(text.is_char_boundary(pos.offset), "{pos:?} inside a character");
    };
    match &front_matter {
        FrontMatter::Missing => assert_eq!(body_start, 0),
        FrontMatter::Unterminated { open } => inside(open),
        FrontMatter::Invalid { block, pos, .. } => {
            inside(pos);
            assert!(block.yaml.end <= block.body_start);
        }
        FrontMatter::Parsed { block, fields } => {
            assert!(block.yaml.end <= block.body_start);
            for key in &fields.keys {
                inside(&key.at);
            }
            for item in &fields.related {
                inside(&item.at);
            }
        }
    }
});
