//! Linting one file with the default settings: whatever a pull request
//! holds (and whatever its `{{#include}}` directives bring in), every
//! finding has a position inside the file, on a character.
#![no_main]

use std::path::PathBuf;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use runbook::config::{Config, Settings};
use runbook::document::Document;
use runbook::document::include::Problem;

static SETTINGS: LazyLock<Settings> = LazyLock::new(|| {
    Settings::from_config(Config::default(), None, PathBuf::from("."), Vec::new())
        .expect("default settings")
});

fuzz_target!(|bytes: &[u8]| {
    let settings = &*SETTINGS;
    let mut doc = Document::parse(
        PathBuf::from("runbooks/fuzz.md"),
        "fuzz.md".to_string(),
        bytes.to_vec(),
        &settings.aliases,
    );
    // What the workspace reads for `{{#include}}`: text that every rule
    // then sees in the block, or nothing, or a file that was not there.
    let includes = doc.body.code_blocks.iter_mut().flat_map(|b| &mut b.includes);
    for (n, inc) in includes.enumerate() {
        inc.read = Some(match n % 3 {
            0 => Ok("rm -rf /srv/<app>\n# ANCHOR: x\nmysql -psecret -e 'DROP TABLE t'".into()),
            1 => Ok(String::new()),
            _ => Err(Problem::Missing(None)),
        });
    }
    let today = jiff::civil::date(2026, 11, 25);
    for d in runbook::lint::lint_document(&doc, settings, today) {
        assert!(d.span.start.line >= 1 && d.span.start.col >= 1, "{d:?}");
        assert!(d.span.start.offset <= d.span.end.offset, "{d:?}");
        assert!(d.span.end.offset <= doc.text.len(), "{d:?}");
        assert!(doc.text.is_char_boundary(d.span.start.offset), "{d:?}");
        assert!(d.span.start.line <= doc.lines.line_count(), "{d:?}");
    }
});
