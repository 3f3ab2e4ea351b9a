//! Linting one file with the default settings: whatever a pull request
//! holds, every finding has a position inside the file.
#![no_main]

use std::path::PathBuf;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use runbook::config::{Config, Settings};
use runbook::document::Document;

static SETTINGS: LazyLock<Settings> = LazyLock::new(|| {
    Settings::from_config(Config::default(), None, PathBuf::from("."), Vec::new())
        .expect("default settings")
});

fuzz_target!(|bytes: &[u8]| {
    let settings = &*SETTINGS;
    let doc = Document::parse(
        PathBuf::from("runbooks/fuzz.md"),
        "fuzz.md".to_string(),
        bytes.to_vec(),
        &settings.aliases,
    );
    let today = jiff::civil::date(2026, 11, 25);
    for d in runbook::lint::lint_document(&doc, settings, today) {
        assert!(d.span.start.line >= 1 && d.span.start.col >= 1, "{d:?}");
        assert!(d.span.start.offset <= doc.text.len(), "{d:?}");
        assert!(d.span.start.line <= doc.lines.line_count(), "{d:?}");
    }
});
