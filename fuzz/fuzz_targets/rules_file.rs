//! A file of `lints/` from arbitrary bytes, read the way every command
//! reads it (`Settings::from_config`, which loads the team rule files and
//! the pattern lists of the built-in command rules): it gives rules that
//! can lint a runbook, or an error whose line and column are inside the
//! file. The first byte picks the file; the rest is its content.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use runbook::config::{Config, ConfigError, Settings};
use runbook::document::Document;

/// One folder for the whole run: the loader reads real files.
static DIR: LazyLock<tempfile::TempDir> = LazyLock::new(|| {
    let dir = tempfile::tempdir().expect("temporary folder");
    std::fs::create_dir(dir.path().join("lints")).expect("lints folder");
    dir
});

/// A team rule file and the two pattern lists.
const FILES: [&str; 3] = ["team.yaml", "destructive-commands.yaml", "credentials.yaml"];

/// A runbook for the rules to check. The sample rule files (`lints/`,
/// the test fixtures) each find something in it: an empty Verification
/// section, a `kubectl delete` without and with a namespace, a team that
/// is not allowed, a change ticket that is a number.
const RUNBOOK: &str = "---\ntitle: Restore\nowner: ops\nlast_reviewed: 2026-01-02\nstatus: active\ntags: [payments, database]\nteam: [payments, 7]\nchange_ticket: 1234\n---\n# Restore\n\nTODO: check the backup.\n\n## Steps\n\n```bash {name=restore}\nrm -rf /var/lib/db && PGPASSWORD=hunter22 psql -c 'DROP TABLE x'\nkubectl delete pod db-0\nkubectl delete pod db-1 -n ledger\nsudo su\n```\n\n## Verification\n\n## Rollback\n\nSee [x](#restore).\n";

/// An error's position names a character of the file, or the place just
/// after its last one.
fn inside(error: &ConfigError, text: &str) {
    let lines: Vec<&str> = text.split('\n').collect();
    assert!(error.line >= 1 && error.col >= 1, "{error:?}");
    let line = lines
        .get(error.line - 1)
        .unwrap_or_else(|| panic!("line past the end of {} lines: {error:?}", lines.len()));
    assert!(
        error.col <= line.chars().count() + 1,
        "column past the end of {line:?}: {error:?}"
    );
}

fuzz_target!(|bytes: &[u8]| {
    let Some((&pick, content)) = bytes.split_first() else {
        return;
    };
    let lints = DIR.path().join("lints");
    let chosen = FILES[pick as usize % FILES.len()];
    for name in FILES {
        let path = lints.join(name);
        if name == chosen {
            std::fs::write(&path, content).expect("write the rule file");
        } else if let Err(e) = std::fs::remove_file(&path) {
            assert_eq!(e.kind(), std::io::ErrorKind::NotFound, "{e}");
        }
    }
    let text = String::from_utf8_lossy(content);
    match Settings::from_config(
        Config::default(),
        None,
        DIR.path().to_path_buf(),
        Vec::new(),
    ) {
        Ok(settings) => {
            // Only the chosen file is in `lints/`; the defaults' lines are
            // in their own files.
            for rule in settings.custom_rules.iter().filter(|r| !r.builtin) {
                assert!(rule.line >= 1 && rule.line <= text.split('\n').count());
            }

            let doc = Document::parse(
                DIR.path().join("restore.md"),
                "restore.md".to_string(),
                RUNBOOK.as_bytes().to_vec(),
                &settings.aliases,
            );
            let today = jiff::civil::date(2026, 11, 25);
            for d in runbook::lint::lint_document(&doc, &settings, today) {
                assert!(d.span.start.offset <= doc.text.len(), "{d:?}");
            }
        }
        Err(error) => {
            assert_eq!(error.path, lints.join(chosen), "{error:?}");
            inside(&error, &text);
        }
    }
});
