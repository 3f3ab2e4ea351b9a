//! Every input in `tests/fixtures/fuzz-regressions/` is linted and fixed
//! by the real binary: no panic (exit code below 101), a JSON report, and a
//! second `--fix` that changes nothing.

mod common;

use std::fs;

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
        assert_eq!(
            fix("second --fix"),
            once,
            "{name:?}: second --fix changed it"
        );
        seen += 1;
    }
    assert!(seen >= 3, "only {seen} inputs in {}", dir.display());
}
