//! Team rules from `lints/*.yaml`: each kind firing and not firing, and
//! rule files with errors stopping the run before anything is linted.

mod common;

use std::fs;

use common::{TODAY, fixtures, lint_json, runbook, stderr, stdout};

#[test]
fn every_kind_fires_on_its_bad_fixture_and_never_on_good_ones() {
    let dir = fixtures().join("custom");
    let (report, code) = lint_json(&dir, &[]);
    let mut listing = String::new();
    for d in report["diagnostics"].as_array().unwrap() {
        let path = d["path"].as_str().unwrap();
        assert!(!path.starts_with("good"), "good fixture has a finding: {d}");
        listing.push_str(&format!(
            "{path}:{}:{} {} [{}] {}\n",
            d["line"],
            d["column"],
            d["severity"].as_str().unwrap(),
            d["rule"].as_str().unwrap(),
            d["message"].as_str().unwrap()
        ));
    }
    for entry in fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.starts_with("bad") {
            assert!(
                listing.contains(&name),
                "{name} should trigger a team rule:\n{listing}"
            );
        }
    }
    assert_eq!(code, 1);
    insta::assert_snapshot!(listing);
}

#[test]
fn team_rules_are_listed_and_explained() {
    let dir = fixtures().join("custom");
    let list = stdout(&runbook(&dir, &["rules"]));
    assert!(
        list.contains("kubectl-delete-namespace") && list.contains("lints/team.yaml"),
        "{list}"
    );
    let one = stdout(&runbook(&dir, &["rules", "payments-verification"]));
    assert!(
        one.contains("## What it checks")
            && one.contains("when front matter `tags` matches `^payments$`"),
        "{one}"
    );
}

fn broken_rule_file(yaml: &str) -> (i32, String) {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    fs::create_dir(tmp.path().join("lints")).unwrap();
    fs::write(
        tmp.path().join("lints/a.yaml"),
        "- id: fine\n  kind: pattern\n  scope: prose\n  regex: 'x'\n  message: ok\n",
    )
    .unwrap();
    fs::write(tmp.path().join("lints/b.yaml"), yaml).unwrap();
    fs::write(tmp.path().join("doc.md"), "# nothing to lint\n").unwrap();
    let output = runbook(tmp.path(), &["lint", "--today", TODAY]);
    assert!(
        stdout(&output).is_empty(),
        "nothing is linted: {}",
        stdout(&output)
    );
    (output.status.code().unwrap(), stderr(&output))
}

#[test]
fn rule_files_with_errors_stop_the_run_with_file_and_line() {
    let (code, err) = broken_rule_file(
        "- id: bad-regex\n  kind: pattern\n  scope: prose\n  regex: '(unclosed'\n  message: x\n",
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("b.yaml:4:") && err.contains("invalid regular expression"),
        "{err}"
    );

    let (code, err) = broken_rule_file("- id: odd\n  kind: spelling\n  message: x\n");
    assert_eq!(code, 2);
    assert!(
        err.contains("b.yaml:2:") && err.contains("kind `spelling`"),
        "{err}"
    );

    let (code, err) = broken_rule_file("- kind: pattern\n  scope: prose\n  regex: x\n");
    assert_eq!(code, 2);
    assert!(
        err.contains("b.yaml:1:") && err.contains("without `id`"),
        "{err}"
    );

    let (code, err) = broken_rule_file(
        "- id: fine\n  kind: pattern\n  scope: prose\n  regex: y\n  message: again\n",
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("b.yaml:1:") && err.contains("`fine` is already taken"),
        "{err}"
    );

    let (code, err) =
        broken_rule_file("- id: broken-link\n  kind: pattern\n  scope: prose\n  regex: y\n");
    assert_eq!(code, 2);
    assert!(err.contains("already taken"), "a built-in id: {err}");

    let (code, err) =
        broken_rule_file("- id: x\n  kind: pattern\n  scope: prose\n  regex: y\n  colour: red\n");
    assert_eq!(code, 2);
    assert!(
        err.contains("b.yaml:5:") && err.contains("colour"),
        "unknown keys are errors: {err}"
    );

    let (code, err) = broken_rule_file("not: [a list\n");
    assert_eq!(code, 2);
    assert!(err.contains("b.yaml:"), "{err}");
}
