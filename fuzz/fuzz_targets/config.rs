//! `book.toml` from arbitrary bytes: loading gives settings or an error with
//! a position, and settings that load can lint a runbook.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use runbook::config::Settings;
use runbook::document::Document;

/// One folder for the whole run: the loader reads a real file.
static DIR: LazyLock<tempfile::TempDir> =
    LazyLock::new(|| tempfile::tempdir().expect("temporary folder"));

const RUNBOOK: &str = "---\ntitle: T\nowner: ops\nlast_reviewed: 2026-01-02\nstatus: active\n---\n# T\n\n## Rollback\n\nSee [x](#t).\n";

fuzz_target!(|bytes: &[u8]| {
    let file = DIR.path().join("book.toml");
    std::fs::write(&file, bytes).expect("write book.toml");
    match Settings::load(&file) {
        Ok(settings) => {
            let doc = Document::parse(
                DIR.path().join("a.md"),
                "a.md".to_string(),
                RUNBOOK.as_bytes().to_vec(),
                &settings.aliases,
            );
            let today = jiff::civil::date(2026, 11, 25);
            runbook::lint::lint_document(&doc, &settings, today);
        }
        Err(error) => assert!(error.line >= 1 && error.col >= 1, "{error:?}"),
    }
});
