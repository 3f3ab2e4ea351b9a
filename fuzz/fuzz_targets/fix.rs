//! `--fix` on arbitrary text: applying the fixes never panics, and a second
//! lint finds no fixable finding of a rule at the place that rule was fixed.
#![no_main]

use std::path::PathBuf;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use runbook::config::{Config, Settings};
use runbook::diagnostic::{Diagnostic, Edit};
use runbook::document::Document;
use runbook::lint::rules::{front_matter_invalid, invalid_utf8};

static SETTINGS: LazyLock<Settings> = LazyLock::new(|| {
    Settings::from_config(Config::default(), None, PathBuf::from("."), Vec::new())
        .expect("default settings")
});

fn lint(text: &str) -> Vec<Diagnostic> {
    let doc = Document::parse(
        PathBuf::from("fuzz.md"),
        "fuzz.md".to_string(),
        text.as_bytes().to_vec(),
        &SETTINGS.aliases,
    );
    runbook::lint::lint_document(&doc, &SETTINGS, jiff::civil::date(2026, 11, 25))
}

/// The offset in the text before the edits that `offset` after them came from.
fn before_edits(offset: usize, edits: &[&Edit]) -> usize {
    let mut shift: isize = 0;
    for edit in edits {
        let new_start = (edit.start as isize + shift) as usize;
        let new_end = new_start + edit.replacement.len();
        if offset < new_start {
            break;
        }
        if offset < new_end {
            return edit.start;
        }
        shift += edit.replacement.len() as isize - (edit.end - edit.start) as isize;
    }
    (offset as isize - shift) as usize
}

fuzz_target!(|text: &str| {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = lint(text);
    // `--fix` leaves a file alone when it does not decode or parse.
    if first
        .iter()
        .any(|d| d.rule == invalid_utf8::ID || d.rule == front_matter_invalid::ID)
    {
        return;
    }
    let fixable: Vec<&Diagnostic> = first
        .iter()
        .filter(|d| d.fix.is_some() && d.is_counted())
        .collect();
    if fixable.is_empty() {
        return;
    }
    let (fixed, applied) = runbook::fix::fix_text(text, &fixable);
    let edits: Vec<&Edit> = applied.iter().map(|(_, e)| *e).collect();
    for again in lint(&fixed).iter().filter(|d| d.fix.is_some() && d.is_counted()) {
        let origin = before_edits(again.span.start.offset, &edits);
        let same = applied
            .iter()
            .find(|(d, _)| d.rule == again.rule && d.span.start.offset == origin);
        assert!(
            same.is_none(),
            "{} fixed at offset {origin} but found again: {}\nbefore: {text:?}\nafter: {fixed:?}",
            again.rule,
            again.message
        );
    }
});
