//! Every input in `tests/fixtures/fuzz-regressions/` is linted and fixed
//! by the real binary: no panic (exit code below 101), a JSON report, no
//! fixable finding left after `--fix`, and a second `--fix` that changes
//! nothing. The `rules-*.yaml` inputs are also
//! loaded as a file of `lints/` (a rule file, or the pattern list their
//! name ends with), as the `rules_file` target does; the `book-*.toml`
//! inputs are a book's `book.toml`, and the `extract-*.md` inputs are
//! extracted too.

mod common;

use std::fs;
use std::path::PathBuf;

use runbook::config::Settings;
use runbook::lint::rules;

use common::{TODAY, lint_json, runbook, stderr};

#[test]
fn every_regression_input_lints_and_fixes_cleanly() {
    let dir = common::fixtures().join("fuzz-regressions");
    let mut seen = 0;
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
        let name = path.file_name().unwrap();
        let copy = tmp.path().join(name).with_extension("md");
        fs::copy(&path, &copy).unwrap();

        let (report, code) = lint_json(tmp.path(), &[]);
        assert!(code < 101, "{name:?}: exit {code}");
        assert!(report["diagnostics"].is_array(), "{name:?}: {report:#}");
        // Every finding is placed inside the file: on one of its lines, at
        // most one column past that line's last character.
        let text = String::from_utf8_lossy(&fs::read(&copy).unwrap()).into_owned();
        let lines = lines_of(&text);
        for d in report["diagnostics"].as_array().unwrap() {
            let (line, column) = (d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap());
            let Some(text) = lines.get(line as usize - 1) else {
                panic!("{name:?}: line {line} of {}: {d}", lines.len());
            };
            let width = text.trim_start_matches('\u{feff}').chars().count() as u64;
            assert!(
                column <= width + 1,
                "{name:?}: column {column} of {width}: {d}"
            );
        }

        let fix = |label: &str| {
            let output = runbook(tmp.path(), &["lint", "--fix", "--today", TODAY]);
            let code = output.status.code().unwrap_or(-1);
            assert!(
                (0..101).contains(&code),
                "{name:?} {label}: {}",
                stderr(&output)
            );
            fs::read(&copy).unwrap()
        };
        let once = fix("first --fix");
        // What `--fix` can fix, it has fixed: a fix that misses its
        // target would be reported again, and "fixed" again, forever. A
        // file that does not decode or parse is left alone.
        let untouchable = report["diagnostics"].as_array().unwrap().iter().any(|d| {
            d["rule"] == rules::invalid_utf8::ID || d["rule"] == rules::front_matter_invalid::ID
        });
        let (after, _) = lint_json(tmp.path(), &[]);
        let left: Vec<_> = after["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| !d["fix"].is_null())
            .collect();
        assert!(
            untouchable || left.is_empty(),
            "{name:?}: still fixable after --fix: {left:#?}"
        );
        assert_eq!(
            fix("second --fix"),
            once,
            "{name:?}: second --fix changed it"
        );
        seen += 1;
    }
    assert!(seen >= 3, "only {seen} inputs in {}", dir.display());
}

/// A rule file loads, or its error names a line and column inside it.
#[test]
fn every_rule_file_regression_loads_or_points_inside_itself() {
    let inputs = inputs_named("rules-", ".yaml");
    assert!(inputs.len() >= 3, "only {} rule files", inputs.len());
    for (name, path) in inputs {
        let text = fs::read_to_string(&path).unwrap();
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
        fs::create_dir(tmp.path().join("lints")).unwrap();
        // `rules-x.credentials.yaml` is a pattern list, `rules-x.yaml` a rule file.
        let file = ["destructive-commands.yaml", "credentials.yaml"]
            .into_iter()
            .find(|list| name.ends_with(&format!(".{list}")))
            .unwrap_or(&name);
        fs::write(tmp.path().join("lints").join(file), &text).unwrap();
        match Settings::load(&tmp.path().join("book.toml")) {
            Ok(_) => assert_ne!(
                name, "rules-comment-then-carriage-return.yaml",
                "a broken rule after a lone CR was ignored"
            ),
            Err(error) => {
                let lines: Vec<&str> = text.split('\n').collect();
                let line = lines.get(error.line.wrapping_sub(1));
                assert!(
                    line.is_some_and(|l| error.col >= 1 && error.col <= l.chars().count() + 1),
                    "{name}: {error} is not inside the file's {} lines",
                    lines.len()
                );
            }
        }
    }
}

/// Each `book-*.toml` input, as the `book.toml` of a book with one runbook
/// that has command blocks: lint and extract run without a panic.
#[test]
fn every_book_toml_regression_lints_and_extracts() {
    let inputs = inputs_named("book-", ".toml");
    assert!(!inputs.is_empty(), "no book-*.toml input");
    for (name, path) in inputs {
        let tmp = tempfile::tempdir().unwrap();
        fs::copy(&path, tmp.path().join("book.toml")).unwrap();
        // The inputs leave `src` at its default.
        fs::create_dir(tmp.path().join("content")).unwrap();
        fs::write(
            tmp.path().join("content/restore.md"),
            "---\ntitle: Restore\nowner: ops\nlast_reviewed: 2026-11-01\nstatus: draft\n---\n# Restore\n\n```bash\npg_restore <backup-id> {{ env }} now\n```\n\n## Rollback\n\nNone.\n",
        )
        .unwrap();
        let (report, code) = lint_json(tmp.path(), &[]);
        assert!(code < 2, "{name}: exit {code}: {report:#}");
        let output = runbook(
            tmp.path(),
            &["extract", "--out", "scripts", "--today", TODAY],
        );
        assert_eq!(output.status.code(), Some(0), "{name}: {}", stderr(&output));
    }
}

/// Each `extract-*.md` input extracts to a script whose header is all
/// comments and that `bash -n` accepts.
#[test]
fn every_extract_regression_gives_a_valid_script() {
    let inputs = inputs_named("extract-", ".md");
    assert!(!inputs.is_empty(), "no extract-*.md input");
    for (name, path) in inputs {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
        // As runbook reads it: a runbook that is not UTF-8 is not extracted
        // at all, and its text as read is what the header must survive.
        let bytes = fs::read(&path).unwrap();
        fs::write(
            tmp.path().join(&name),
            String::from_utf8_lossy(&bytes).as_bytes(),
        )
        .unwrap();
        let output = runbook(
            tmp.path(),
            &["extract", "--out", "scripts", "--today", TODAY],
        );
        assert_eq!(output.status.code(), Some(0), "{name}: {}", stderr(&output));
        let script = tmp.path().join("scripts").join(&name).with_extension("sh");
        let text = fs::read_to_string(&script).unwrap();
        let header = text.split("\nset -euo pipefail\n").next().unwrap();
        assert!(
            header.lines().all(|line| line.starts_with('#')),
            "{name}: a header line is not a comment:\n{header}"
        );
        let syntax = std::process::Command::new("bash")
            .arg("-n")
            .arg(&script)
            .output()
            .unwrap();
        assert!(syntax.status.success(), "{name}: {}", stderr(&syntax));
    }
}

/// A finding's report quotes the runbook: the human report, which goes to
/// a terminal, shows no control character but line breaks and tabs, and
/// the formats machines read stay well formed.
#[test]
fn every_report_regression_writes_printable_text() {
    let inputs = inputs_named("report-", ".md");
    assert!(!inputs.is_empty(), "no report-*.md input");
    for (name, path) in inputs {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
        fs::copy(&path, tmp.path().join(&name)).unwrap();
        for format in ["human", "json", "sarif", "github", "gitlab"] {
            let output = runbook(tmp.path(), &["lint", "--format", format, "--today", TODAY]);
            assert_eq!(
                output.status.code(),
                Some(1),
                "{name} {format}: {}",
                stderr(&output)
            );
            let text = String::from_utf8(output.stdout).expect("UTF-8");
            match format {
                "human" | "github" => assert!(
                    !text.contains(|c: char| c.is_control() && c != '\n' && c != '\t'),
                    "{name} {format}: {text:?}"
                ),
                _ => {
                    serde_json::from_str::<serde_json::Value>(&text)
                        .unwrap_or_else(|e| panic!("{name} {format}: {e}"));
                }
            }
        }
    }
}

/// The regression inputs whose file name starts with `prefix` and ends
/// with `suffix`, as (name, path).
fn inputs_named(prefix: &str, suffix: &str) -> Vec<(String, PathBuf)> {
    let dir = common::fixtures().join("fuzz-regressions");
    fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .map(|path| {
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                path,
            )
        })
        .filter(|(name, _)| name.starts_with(prefix) && name.ends_with(suffix))
        .collect()
}

/// The lines as CommonMark ends them: at `\n`, or at a `\r` alone (a
/// `\r\n` line keeps its `\r`, one column the finding may point past).
fn lines_of(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut lines = Vec::new();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            lines.push(&text[start..i]);
            start = i + 1;
        }
    }
    lines.push(&text[start..]);
    lines
}
