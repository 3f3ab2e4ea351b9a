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

/// A runbook the settings change the findings of: alias keys, a status,
/// an Undo and a Verification section, a placeholder, a TODO, a `##Notes`
/// line and a link to exclude.
const RUNBOOK: &str = "---\ntitle: T\nowner_slack: ops\nlast_reviewed_on: 2026-01-02\nreview_in: 3 months\nstatus: live\ntags: [database]\n---\n# T\n\nTODO: see <https://internal.example.com/x>.\n\n##Notes\n\n```bash\npg_restore <backup-id> ${{ env }}\n```\n\n## Verification\n\n## Undo\n\nSee [x](#t).\n";

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
