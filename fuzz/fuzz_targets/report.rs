//! One file's findings written in every report format, from arbitrary
//! bytes: before the first NUL byte, the file's name (a pull request names
//! its files too); after it, the runbook. The formats machines read must
//! stay well formed whatever the name, message or source line holds: the
//! JSON, SARIF and GitLab reports parse as JSON with one entry per
//! finding, and the GitHub format is one `::` command per line. The human
//! format must not let the runbook write to the terminal: every escape
//! sequence in it is a colour.
#![no_main]

use std::path::PathBuf;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use runbook::config::{Config, Settings};
use runbook::diagnostic::Summary;
use runbook::document::Document;
use runbook::lint::report::{self, Format, Report};

static SETTINGS: LazyLock<Settings> = LazyLock::new(|| {
    Settings::from_config(Config::default(), None, PathBuf::from("."), Vec::new())
        .expect("default settings")
});

fuzz_target!(|bytes: &[u8]| {
    let (name, text) = match bytes.iter().position(|&b| b == 0) {
        Some(at) => (String::from_utf8_lossy(&bytes[..at]).into_owned(), &bytes[at + 1..]),
        None => ("runbooks/fuzz.md".to_string(), bytes),
    };
    let settings = &*SETTINGS;
    let doc = Document::parse(PathBuf::from(&name), name.clone(), text.to_vec(), &settings.aliases);
    let diagnostics = runbook::lint::lint_document(&doc, settings, jiff::civil::date(2026, 11, 25));
    let counted = diagnostics.iter().filter(|d| d.is_counted()).count();
    let report = Report {
        diagnostics: &diagnostics,
        summary: Summary::new(1, &diagnostics),
        show_suppressed: true,
        colour: true,
    };
    let written = |format| {
        let mut out = Vec::new();
        report::write(format, &report, &mut out).expect("written to memory");
        String::from_utf8(out).expect("reports are UTF-8")
    };

    let json: serde_json::Value = serde_json::from_str(&written(Format::Json)).expect("JSON");
    assert_eq!(json["diagnostics"].as_array().map(Vec::len), Some(diagnostics.len()));
    let sarif: serde_json::Value = serde_json::from_str(&written(Format::Sarif)).expect("SARIF");
    assert!(sarif["runs"][0]["results"].is_array(), "{sarif}");
    let gitlab: serde_json::Value = serde_json::from_str(&written(Format::Gitlab)).expect("GitLab");
    assert_eq!(gitlab.as_array().map(Vec::len), Some(counted));

    let github = written(Format::Github);
    let lines: Vec<&str> = github.lines().collect();
    assert_eq!(lines.len(), counted + 1, "{github}");
    assert!(lines[..counted].iter().all(|l| l.starts_with("::")), "{github}");

    // Plain, as for a pipe: no escape sequence at all.
    let mut plain = Vec::new();
    report::write(Format::Human, &Report { colour: false, ..report }, &mut plain).expect("written");
    assert!(!plain.contains(&b'\x1b'), "an escape sequence in the plain report");

    let human = written(Format::Human);
    for (at, _) in human.match_indices('\x1b') {
        let rest = &human[at + 1..];
        let colour = rest.strip_prefix('[').and_then(|r| {
            let params = r.find(|c: char| !c.is_ascii_digit() && c != ';')?;
            r[params..].starts_with('m').then_some(())
        });
        assert!(colour.is_some(), "an escape sequence that is not a colour: {rest:.20?}");
    }
    assert!(
        !human.contains(|c: char| c.is_control() && !matches!(c, '\n' | '\t' | '\x1b')),
        "a control character reached the human report"
    );
});
