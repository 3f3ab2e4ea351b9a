//! `--fix` on arbitrary text, in rounds as `lint --fix` runs it: applying
//! the fixes never panics, every edit applied changes the text, and after
//! at most 8 rounds nothing fixable is left.
#![no_main]

use std::path::PathBuf;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use runbook::config::{Config, Settings};
use runbook::diagnostic::Diagnostic;
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

fuzz_target!(|text: &str| {
    let mut text = text.strip_prefix('\u{feff}').unwrap_or(text).to_string();
    // As `lint --fix` does: fix everything fixable, lint again, and go on
    // while something is fixable (one fix can change what another meant:
    // a heading's new text moves its anchor).
    for _ in 0..8 {
        let found = lint(&text);
        // `--fix` leaves a file alone when it does not decode or parse.
        if found
            .iter()
            .any(|d| d.rule == invalid_utf8::ID || d.rule == front_matter_invalid::ID)
        {
            return;
        }
        let fixable: Vec<&Diagnostic> = found
            .iter()
            .filter(|d| d.fix.is_some() && d.is_counted())
            .collect();
        if fixable.is_empty() {
            return;
        }
        let (fixed, applied) = runbook::fix::fix_text(&text, &fixable);
        for (d, edit) in &applied {
            assert_ne!(
                text.get(edit.start..edit.end),
                Some(edit.replacement.as_str()),
                "{} at offset {}: its fix changes nothing, so --fix would report it fixed forever\n{text:?}",
                d.rule,
                d.span.start.offset
            );
        }
        text = fixed;
    }
    panic!("still fixable after 8 rounds of --fix: {text:?}");
});
