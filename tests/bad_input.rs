//! Hostile and broken input is normal input: every case gets a clear
//! finding, the rest of the tree is still checked, and nothing panics.

mod common;

use std::fs;
use std::path::Path;

use common::{TODAY, lint_json, rule_ids, runbook, stderr, stdout};

const GOOD: &str = "---\ntitle: Good\nowner: team-a\nlast_reviewed: 2026-11-01\nstatus: draft\n---\n# Good\n\n## Rollback\n\nUndo.\n";

fn tree() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("book.toml"), "[book]\nsrc = \"docs\"\n").unwrap();
    fs::create_dir(tmp.path().join("docs")).unwrap();
    fs::write(tmp.path().join("docs/good.md"), GOOD).unwrap();
    tmp
}

fn rules_for(report: &serde_json::Value, file: &str) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["path"].as_str().unwrap().ends_with(file))
        .map(|d| d["rule"].as_str().unwrap().to_string())
        .collect()
}

fn assert_no_panic(output: &std::process::Output) {
    assert!(!stderr(output).contains("panicked"), "{}", stderr(output));
}

#[test]
fn bom_and_crlf_are_read_as_text() {
    let tmp = tree();
    let text = format!("\u{feff}{}", GOOD.replace('\n', "\r\n"));
    fs::write(tmp.path().join("docs/windows.md"), text).unwrap();
    let (report, code) = lint_json(tmp.path(), &[]);
    assert_eq!(
        rules_for(&report, "windows.md"),
        Vec::<String>::new(),
        "{report:#}"
    );
    assert_eq!(code, 0);
}

/// Classic Mac OS line endings (`\r` alone) are line endings in CommonMark:
/// the file gets the findings of its `\n` twin, at the same lines and
/// columns, and `--fix` keeps its line endings.
#[test]
fn lone_carriage_returns_end_lines() {
    let tmp = tree();
    let body = format!("{GOOD}\nSee [[good]] and [x](missing.md).\n\n##Steps\n");
    fs::write(tmp.path().join("docs/unix.md"), &body).unwrap();
    fs::write(tmp.path().join("docs/mac.md"), body.replace('\n', "\r")).unwrap();
    let (report, code) = lint_json(tmp.path(), &[]);
    assert_eq!(code, 1);
    let found = |file: &str| -> Vec<(String, u64, u64)> {
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["path"].as_str().unwrap().ends_with(file))
            .map(|d| {
                let rule = d["rule"].as_str().unwrap().to_string();
                (
                    rule,
                    d["line"].as_u64().unwrap(),
                    d["column"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let unix = found("unix.md");
    assert!(
        unix.iter().any(|f| f.0 == "broken-link" && f.1 == 13),
        "{report:#}"
    );
    assert!(unix.iter().any(|f| f.0 == "heading-no-space"), "{report:#}");
    assert_eq!(found("mac.md"), unix);

    let output = runbook(
        tmp.path(),
        &["lint", "--fix", "--today", TODAY, "docs/mac.md"],
    );
    assert_no_panic(&output);
    let fixed = fs::read_to_string(tmp.path().join("docs/mac.md")).unwrap();
    assert!(fixed.contains("[good](good.md)"), "{fixed:?}");
    assert!(!fixed.contains('\n'), "{fixed:?}");

    let output = runbook(tmp.path(), &["review", "docs/mac.md", "--today", TODAY]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("line 1 ends with a carriage return alone"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_huge_file_is_refused_with_a_finding_and_the_rest_is_checked() {
    let tmp = tree();
    let big = "word ".repeat(10 * 1024 * 1024); // 50 MB
    fs::write(tmp.path().join("docs/huge.md"), big).unwrap();
    fs::write(tmp.path().join("docs/bad.md"), "no front matter\n").unwrap();
    let (report, code) = lint_json(tmp.path(), &[]);
    assert_eq!(rules_for(&report, "huge.md"), vec!["file-too-large"]);
    assert!(rules_for(&report, "bad.md").contains(&"front-matter-missing".to_string()));
    assert_eq!(code, 1);
}

#[test]
fn invalid_utf8_gives_the_byte_offset_and_keeps_linting() {
    let tmp = tree();
    let mut bytes = GOOD.as_bytes().to_vec();
    bytes.extend_from_slice(b"\nCaf\xe9 [x](missing.md)\n");
    fs::write(tmp.path().join("docs/latin1.md"), bytes).unwrap();
    let (report, _) = lint_json(tmp.path(), &[]);
    let rules = rules_for(&report, "latin1.md");
    assert!(rules.contains(&"invalid-utf8".to_string()));
    assert!(
        rules.contains(&"broken-link".to_string()),
        "the rest of the file is still checked: {rules:?}"
    );
    let message = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "invalid-utf8")
        .unwrap()["message"]
        .clone();
    assert!(
        message
            .as_str()
            .unwrap()
            .contains(&format!("byte {}", GOOD.len() + 4)),
        "{message}"
    );
}

/// Windows PowerShell 5's `>` writes UTF-16 with a byte order mark: such a
/// runbook is reported once as UTF-16 and read as what it says, so its
/// other findings are real ones (a broken link, `##Rollback`), not a NUL
/// between every two letters; `--fix` leaves its bytes alone.
#[test]
fn a_utf16_file_is_named_as_such_read_as_utf16_and_never_fixed() {
    let tmp = tree();
    let text = GOOD.replace("## Rollback", "##Rollback") + "\n[x](missing.md)\n";
    let mut little = vec![0xFF, 0xFE];
    let mut big = vec![0xFE, 0xFF];
    for unit in text.encode_utf16() {
        little.extend(unit.to_le_bytes());
        big.extend(unit.to_be_bytes());
    }
    fs::write(tmp.path().join("docs/le.md"), &little).unwrap();
    fs::write(tmp.path().join("docs/be.md"), &big).unwrap();
    let (report, code) = lint_json(tmp.path(), &[]);
    assert_eq!(code, 1);
    for file in ["le.md", "be.md"] {
        let rules = rules_for(&report, file);
        for rule in ["invalid-utf8", "heading-no-space", "broken-link"] {
            assert!(rules.contains(&rule.to_string()), "{file}: {rules:?}");
        }
        assert!(
            !rules.contains(&"front-matter-missing".to_string()),
            "{file}: {rules:?}"
        );
    }
    let utf16 = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "invalid-utf8")
        .map(|d| d["message"].as_str().unwrap().to_string())
        .collect::<Vec<_>>();
    assert_eq!(utf16.len(), 2, "{utf16:?}");
    assert!(utf16.iter().all(|m| m.contains("UTF-16")), "{utf16:?}");
    let output = runbook(tmp.path(), &["lint", "--fix", "--today", TODAY]);
    assert_no_panic(&output);
    assert_eq!(fs::read(tmp.path().join("docs/le.md")).unwrap(), little);
    assert_eq!(fs::read(tmp.path().join("docs/be.md")).unwrap(), big);
}

/// `a\xE9.md` and `a\xFF.md` would both be named `a�.md` in reports,
/// links and the site, one page over the other: a name that is not UTF-8 is
/// reported, and neither it nor a folder so named is read.
#[cfg(unix)]
#[test]
fn names_that_are_not_utf8_are_reported_not_read() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let tmp = tree();
    let docs = tmp.path().join("docs");
    fs::write(docs.join(OsStr::from_bytes(b"a\xe9.md")), GOOD).unwrap();
    fs::write(docs.join(OsStr::from_bytes(b"a\xff.md")), GOOD).unwrap();
    fs::write(docs.join("a\u{fffd}.md"), GOOD).unwrap();
    fs::create_dir(docs.join(OsStr::from_bytes(b"old\xff"))).unwrap();
    fs::write(docs.join(OsStr::from_bytes(b"old\xff/x.md")), GOOD).unwrap();
    let (report, code) = lint_json(tmp.path(), &[]);
    let found: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            assert_eq!(d["rule"], "invalid-utf8", "{d}");
            assert_eq!(d["message"], "the name is not valid UTF-8; not read");
            d["path"].as_str().unwrap()
        })
        .collect();
    assert_eq!(found.len(), 3, "{report:#}");
    // good.md and the one named with a real U+FFFD are read.
    assert_eq!(report["summary"]["files"], 2, "{report:#}");
    assert_eq!(code, 1);

    let output = runbook(tmp.path(), &["build", "--today", TODAY]);
    assert!(output.status.success(), "{}", stderr(&output));
    let pages: Vec<String> = fs::read_dir(tmp.path().join("site"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('a') && n.ends_with(".html"))
        .collect();
    assert_eq!(pages, ["a\u{fffd}.html"]);
}

#[test]
fn empty_unterminated_and_invalid_front_matter() {
    let tmp = tree();
    fs::write(tmp.path().join("docs/empty.md"), "").unwrap();
    fs::write(tmp.path().join("docs/open.md"), "---\ntitle: x\n").unwrap();
    fs::write(
        tmp.path().join("docs/yaml.md"),
        "---\nowner: [a\n---\n# x\n",
    )
    .unwrap();
    fs::write(
        tmp.path().join("docs/bomb.md"),
        format!("---\n{}---\n# x\n", alias_bomb()),
    )
    .unwrap();
    let (report, code) = lint_json(tmp.path(), &[]);
    assert_eq!(rules_for(&report, "empty.md"), vec!["front-matter-missing"]);
    assert_eq!(rules_for(&report, "open.md"), vec!["front-matter-invalid"]);
    assert!(rules_for(&report, "yaml.md").contains(&"front-matter-invalid".to_string()));
    assert!(
        rules_for(&report, "bomb.md").contains(&"front-matter-invalid".to_string()),
        "{report:#}"
    );
    assert_eq!(code, 1);
}

/// The "billion laughs": each level doubles the one before, ten times over.
fn alias_bomb() -> String {
    let mut yaml = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        yaml.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    yaml
}

#[cfg(unix)]
#[test]
fn symlink_loops_dangling_links_and_folders_named_like_files() {
    let tmp = tree();
    let docs = tmp.path().join("docs");
    std::os::unix::fs::symlink("..", docs.join("loop")).unwrap();
    std::os::unix::fs::symlink("nowhere.md", docs.join("dangling.md")).unwrap();
    std::os::unix::fs::symlink("pong.md", docs.join("ping.md")).unwrap();
    std::os::unix::fs::symlink("ping.md", docs.join("pong.md")).unwrap();
    // Not runbooks: a browser profile's cookie link, a missing image.
    std::os::unix::fs::symlink("gone", docs.join("SingletonCookie")).unwrap();
    std::os::unix::fs::symlink("nowhere.png", docs.join("diagram.png")).unwrap();
    fs::create_dir(docs.join("folder.md")).unwrap();
    fs::write(docs.join("folder.md/inside.md"), GOOD).unwrap();
    let output = runbook(tmp.path(), &["lint", "--format", "json", "--today", TODAY]);
    assert_no_panic(&output);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let all: Vec<(String, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["path"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        all.iter()
            .any(|(r, p)| r == "symlink-loop" && p.ends_with("loop")),
        "{all:?}"
    );
    let dangling = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"].as_str().unwrap().ends_with("dangling.md"))
        .unwrap_or_else(|| panic!("{all:?}"));
    assert_eq!(dangling["rule"], "io-error");
    assert_eq!(
        dangling["message"],
        "broken symlink: it points to `nowhere.md`, which does not exist"
    );
    let ping = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"].as_str().unwrap().ends_with("ping.md"))
        .unwrap_or_else(|| panic!("{all:?}"));
    assert_eq!(
        ping["message"],
        "cannot read: a symlink loop (this link leads to `pong.md`, which leads back to it)"
    );
    assert!(
        !all.iter()
            .any(|(_, p)| p.ends_with("SingletonCookie") || p.ends_with("diagram.png")),
        "a dangling link not named like a runbook is not reported: {all:?}"
    );

    assert_eq!(
        report["summary"]["files"], 2,
        "good.md and folder.md/inside.md are checked"
    );
    assert_eq!(
        output.status.code(),
        Some(2),
        "an unreadable file is an I/O failure"
    );
}

#[cfg(unix)]
#[test]
fn problems_elsewhere_in_the_tree_do_not_fail_the_files_named() {
    let tmp = tree();
    let docs = tmp.path().join("docs");
    fs::create_dir(docs.join("other")).unwrap();
    std::os::unix::fs::symlink("..", docs.join("other/loop")).unwrap();
    std::os::unix::fs::symlink("nowhere.md", docs.join("other/dangling.md")).unwrap();
    let absolute = docs.join("good.md");
    for named in [
        "docs/good.md",
        "./docs/../docs/good.md",
        absolute.to_str().unwrap(),
    ] {
        let (report, code) = lint_json(tmp.path(), &[named]);
        assert_eq!(report["diagnostics"], serde_json::json!([]), "{named}");
        assert_eq!(code, 0, "{named}");
    }
    for args in [
        &["verify", "--today", TODAY, "docs/good.md"][..],
        &["dry-run", "docs/good.md"],
    ] {
        let output = runbook(tmp.path(), args);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{args:?}: {}",
            stderr(&output)
        );
    }
    // The whole tree: the dangling runbook cannot be read (exit 2), the
    // loop is a warning.
    let out = tmp.path().join("scripts");
    let output = runbook(
        tmp.path(),
        &["extract", "--today", TODAY, "--out", out.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(
        err.contains("error: docs/other/dangling.md: broken symlink")
            && err.contains("warning: docs/other/loop: symlink loop"),
        "{err}"
    );

    // Named, the folder holding them reports them.
    let (report, code) = lint_json(tmp.path(), &["docs/other"]);
    let rules = rule_ids(&report);
    assert_eq!(rules, ["io-error", "symlink-loop"]);
    assert_eq!(code, 2);
}

#[test]
fn missing_paths_and_bad_usage_exit_2() {
    let tmp = tree();
    let output = runbook(tmp.path(), &["lint", "--today", TODAY, "docs/nope.md"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stdout(&output).contains("no such file or folder"));
    let output = runbook(tmp.path(), &["lint", "--format", "xml"]);
    assert_eq!(output.status.code(), Some(2));
    let output = runbook(tmp.path(), &["lint", "--today", "2025-01-XX"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("not a date"));
}

#[test]
fn a_source_folder_that_does_not_exist_is_named_as_such() {
    let tmp = tree();
    fs::remove_file(tmp.path().join("docs/good.md")).unwrap();
    fs::remove_dir(tmp.path().join("docs")).unwrap();
    let (report, code) = lint_json(tmp.path(), &["."]);
    assert_eq!(code, 2);
    let d = &report["diagnostics"][0];
    assert_eq!(
        (d["rule"].as_str(), d["path"].as_str()),
        (Some("io-error"), Some("docs"))
    );
    assert_eq!(d["message"], "the source folder does not exist");
    assert!(
        d["help"].as_str().unwrap().contains("`src` under [book]"),
        "{d}"
    );
}

#[test]
fn invalid_config_names_file_line_and_column() {
    let tmp = tree();
    fs::write(
        tmp.path().join("book.toml"),
        "[book]\nsrc = \"docs\"\n[lint]\nreview-period = [90]\n",
    )
    .unwrap();
    let output = runbook(tmp.path(), &["lint", "--today", TODAY]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("book.toml:4:"), "{err}");
    fs::write(
        tmp.path().join("book.toml"),
        "[book]\nsrc = \"docs\"\n[lint]\nreview-period = \"soon\"\n",
    )
    .unwrap();
    let err = stderr(&runbook(tmp.path(), &["lint", "--today", TODAY]));
    assert!(
        err.contains("book.toml:4:") && err.contains("not a duration"),
        "{err}"
    );
}

#[test]
fn unknown_config_keys_are_warnings_with_a_suggestion() {
    let tmp = tree();
    fs::write(
        tmp.path().join("book.toml"),
        "[book]\nsrc = \"docs\"\n\n[lint]\nreview-peroid = \"30d\"\n",
    )
    .unwrap();
    let (report, code) = lint_json(tmp.path(), &[]);
    let finding = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "config-unknown-key")
        .expect("finding");
    assert_eq!(finding["line"], 5);
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .contains("lint.review-peroid")
    );
    assert_eq!(finding["help"], "did you mean `lint.review-period`?");
    assert_eq!(code, 0);
}

#[test]
fn aliases_map_team_field_names_and_durations_are_human() {
    let tmp = tree();
    fs::write(
        tmp.path().join("book.toml"),
        "[book]\nsrc = \"docs\"\n[front-matter.aliases]\nlast_reviewed = [\"last_reviewed_on\"]\nowner = [\"owner_slack\"]\nreview_every = [\"review_in\"]\n",
    )
    .unwrap();
    fs::write(
        tmp.path().join("docs/team.md"),
        "---\nowner_slack: \"#payments\"\nlast_reviewed_on: 2026-03-01\nreview_in: 1 year\nstatus: draft\n---\n# T\n## Rollback\nx\n",
    )
    .unwrap();
    let (report, code) = lint_json(tmp.path(), &[]);
    assert_eq!(
        rules_for(&report, "team.md"),
        Vec::<String>::new(),
        "{report:#}"
    );
    assert_eq!(code, 0);
}

#[test]
fn pre_commit_lints_only_named_files_but_resolves_links_in_the_tree() {
    let tmp = tree();
    let linking = GOOD.replace(
        "Undo.",
        "Undo. See [good](good.md#rollback) and [bad](good.md#nope).",
    );
    fs::write(tmp.path().join("docs/linking.md"), linking).unwrap();
    fs::write(tmp.path().join("docs/other.md"), "no front matter\n").unwrap();
    let absolute = tmp.path().join("docs/linking.md");
    let absolute = absolute.to_str().unwrap();
    // However the file is named: from the book's folder, from the source
    // folder (book.toml found above it), or by absolute path. Each is
    // matched to the walked runbook, so the anchor into `good.md` is
    // checked and the path reads as from where the hook runs, as named.
    for (dir, named, shown) in [
        (
            tmp.path().to_path_buf(),
            "docs/linking.md",
            "docs/linking.md",
        ),
        (tmp.path().join("docs"), "linking.md", "linking.md"),
        (tmp.path().to_path_buf(), absolute, "docs/linking.md"),
    ] {
        let output = common::runbook_lint(&dir, &["--format", "json", "--today", TODAY, named]);
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(report["summary"]["files"], 1, "{named}");
        let rules = rule_ids(&report);
        assert_eq!(rules, vec!["broken-anchor"], "{named}: {report:#}");
        assert_eq!(report["diagnostics"][0]["path"], shown, "{named}");
        assert_eq!(output.status.code(), Some(1));
    }
    // A folder of the book named by absolute path is the book's folder.
    let folder = tmp.path().join("docs");
    let output = common::runbook(
        tmp.path(),
        &[
            "lint",
            "--format",
            "json",
            "--today",
            TODAY,
            folder.to_str().unwrap(),
        ],
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        rules_for(&report, "linking.md"),
        vec!["broken-anchor"],
        "{report:#}"
    );
}

#[test]
fn force_exclude_skips_markdown_that_is_not_a_runbook_of_the_book() {
    let tmp = tree();
    let book = "[book]\nsrc = \"docs\"\n[lint]\nexclude = [\"drafts/**\"]\n";
    fs::write(tmp.path().join("book.toml"), book).unwrap();
    fs::create_dir(tmp.path().join("docs/drafts")).unwrap();
    for file in ["README.md", "docs/drafts/wip.md"] {
        fs::write(tmp.path().join(file), "# Not a runbook\n").unwrap();
    }
    let lint = |args: &[&str]| {
        let mut all = vec!["--format", "json", "--today", TODAY];
        all.extend_from_slice(args);
        let output = common::runbook_lint(tmp.path(), &all);
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        (report, output.status.code())
    };
    // What pre-commit passes: every staged Markdown file.
    let staged = ["README.md", "docs/drafts/wip.md", "./docs/good.md"];
    let (report, code) = lint(&[&["--force-exclude"][..], &staged].concat());
    assert_eq!(report["summary"]["files"], 1, "{report:#}");
    assert_eq!(report["diagnostics"], serde_json::json!([]));
    assert_eq!(code, Some(0));
    // Nothing of the book staged: nothing checked, not the whole tree.
    let (report, code) = lint(&["--force-exclude", "README.md"]);
    assert_eq!(
        (report["summary"]["files"].as_u64(), code),
        (Some(0), Some(0))
    );
    // Named without the flag, a file is checked wherever it is.
    let (report, code) = lint(&staged);
    assert_eq!(report["summary"]["files"], 3, "{report:#}");
    assert_eq!(code, Some(1));
    // Nor what the walk passes by: a hidden folder, what git ignores (a
    // file forced into the index all the same).
    fs::create_dir(tmp.path().join(".git")).unwrap();
    fs::write(tmp.path().join(".gitignore"), "generated/\n").unwrap();
    let passed_by = [
        "docs/.github/pull_request_template.md",
        "docs/generated/out.md",
    ];
    for file in passed_by {
        fs::create_dir_all(tmp.path().join(file).parent().unwrap()).unwrap();
        fs::write(tmp.path().join(file), "# Not a runbook\n").unwrap();
    }
    let (report, code) = lint(&[&["--force-exclude", "docs/good.md"][..], &passed_by].concat());
    assert_eq!(report["summary"]["files"], 1, "{report:#}");
    assert_eq!(code, Some(0));
    // Without a book.toml every staged file is a runbook but the
    // repository's own documents and what the walk passes by.
    fs::remove_file(tmp.path().join("book.toml")).unwrap();
    fs::write(tmp.path().join("CHANGELOG.md"), "# Changes\n").unwrap();
    let (report, _) = lint(
        &[
            &["--force-exclude", "CHANGELOG.md", "docs/good.md"][..],
            &passed_by,
        ]
        .concat(),
    );
    assert_eq!(report["summary"]["files"], 1, "{report:#}");
    assert_eq!(report["diagnostics"], serde_json::json!([]));
    // The hook pre-commit installs passes the flag.
    let hooks = fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/.pre-commit-hooks.yaml"
    ));
    assert!(
        hooks
            .unwrap()
            .contains("entry: runbook-lint --force-exclude")
    );
}

#[test]
fn a_named_script_lints_the_runbooks_that_include_it() {
    let tmp = tree();
    fs::create_dir_all(tmp.path().join("docs/scripts")).unwrap();
    fs::create_dir_all(tmp.path().join("scripts")).unwrap();
    let runbook = |include: &str| {
        format!(
            "{}\n```bash\n{{{{#include {include}}}}}\n```\n",
            GOOD.trim_end()
        )
    };
    fs::write(
        tmp.path().join("docs/restore.md"),
        runbook("scripts/restore.sh:restore"),
    )
    .unwrap();
    // mdBook allows spaces inside the braces.
    let spaced = runbook("../scripts/deploy.sh").replace("{{#include", "{{ #include");
    fs::write(tmp.path().join("docs/deploy.md"), spaced).unwrap();
    // Names the script in prose only: not one of its runbooks.
    let mention = GOOD.replace(
        "Undo.",
        "Undo with `scripts/restore.sh`; see {{#include}} in mdBook.",
    );
    fs::write(tmp.path().join("docs/mention.md"), mention).unwrap();
    // The commit renamed the anchor the runbook takes its commands from.
    fs::write(
        tmp.path().join("docs/scripts/restore.sh"),
        "# ANCHOR: restore-db\npg_restore -d app dump\n# ANCHOR_END: restore-db\n",
    )
    .unwrap();
    fs::write(tmp.path().join("docs/scripts/unused.sh"), "exit 1\n").unwrap();
    fs::write(tmp.path().join("scripts/deploy.sh"), "echo deploy\n").unwrap();
    let lint = |args: &[&str]| {
        let mut all = vec!["--format", "json", "--today", TODAY, "--force-exclude"];
        all.extend_from_slice(args);
        let output = common::runbook_lint(tmp.path(), &all);
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        (report, output.status.code())
    };
    let paths = |report: &serde_json::Value| -> Vec<String> {
        let mut paths: Vec<String> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                format!(
                    "{} {}",
                    d["path"].as_str().unwrap(),
                    d["rule"].as_str().unwrap()
                )
            })
            .collect();
        paths.dedup();
        paths
    };
    // A commit that changes only the script is checked where it breaks.
    let (report, code) = lint(&["docs/scripts/restore.sh"]);
    assert_eq!(report["summary"]["files"], 1, "{report:#}");
    assert_eq!(paths(&report), ["docs/restore.md broken-include"]);
    assert_eq!(code, Some(1));
    // Outside the source folder, and named as pre-commit never does.
    let deploy = tmp.path().join("scripts/deploy.sh");
    for named in [
        "scripts/deploy.sh",
        "./scripts/../scripts/deploy.sh",
        deploy.to_str().unwrap(),
    ] {
        let (report, code) = lint(&[named]);
        assert_eq!(report["summary"]["files"], 1, "{named}: {report:#}");
        assert_eq!(report["diagnostics"], serde_json::json!([]), "{named}");
        assert_eq!(code, Some(0));
    }
    // Reached through a symlinked folder, it is still the same file.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("../scripts", tmp.path().join("docs/shared")).unwrap();
        fs::write(
            tmp.path().join("docs/linked.md"),
            runbook("shared/deploy.sh"),
        )
        .unwrap();
        let (report, _) = lint(&["scripts/deploy.sh"]);
        assert_eq!(report["summary"]["files"], 2, "{report:#}");
    }
    // Included by a script a runbook includes: that runbook is checked.
    fs::write(tmp.path().join("docs/scripts/lib.sh"), "echo lib\n").unwrap();
    fs::write(
        tmp.path().join("docs/scripts/wrapper.sh"),
        "{{#include lib.sh}}\n",
    )
    .unwrap();
    fs::write(
        tmp.path().join("docs/wrapped.md"),
        runbook("scripts/wrapper.sh"),
    )
    .unwrap();
    let (report, code) = lint(&["docs/scripts/lib.sh"]);
    assert_eq!(report["summary"]["files"], 1, "{report:#}");
    assert_eq!(code, Some(0), "{report:#}");
    // A script no runbook includes is not read as a runbook.
    let (report, code) = lint(&["docs/scripts/unused.sh"]);
    assert_eq!(
        (report["summary"]["files"].as_u64(), code),
        (Some(0), Some(0)),
        "{report:#}"
    );
    // A person naming it is told what it stands for; the hook is quiet.
    let by_hand = common::runbook_lint(tmp.path(), &["--today", TODAY, "docs/scripts/unused.sh"]);
    assert!(
        stderr(&by_hand).contains("note: docs/scripts/unused.sh is not Markdown: checking the runbooks that {{#include}} it"),
        "{}",
        stderr(&by_hand)
    );
    let hook = common::runbook_lint(
        tmp.path(),
        &[
            "--force-exclude",
            "--today",
            TODAY,
            "docs/scripts/unused.sh",
        ],
    );
    assert_eq!(stderr(&hook), "");
    // With the runbook itself staged too, it is checked once.
    let (report, _) = lint(&["docs/scripts/restore.sh", "docs/restore.md"]);
    assert_eq!(report["summary"]["files"], 1, "{report:#}");
    // The hook passes every staged text file, scripts included.
    let hooks = fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/.pre-commit-hooks.yaml"
    ));
    assert!(hooks.unwrap().contains("types: [text]"));
}

#[test]
fn today_comes_from_source_date_epoch() {
    let tmp = tree();
    let run = |epoch: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_runbook"))
            .args(["lint", "--format", "json"])
            .current_dir(tmp.path())
            .env("SOURCE_DATE_EPOCH", epoch)
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(
        run("1795608000"),
        Some(0),
        "2026-11-25: reviewed 24 days ago"
    );
    assert_eq!(run("1811851200"), Some(1), "2027-06-01: overdue");
    assert_eq!(run("soon"), Some(2), "not a number");
    assert_eq!(run("-99999999999999"), Some(2), "out of range");
}

/// A `--today` in the right format that is no day says why.
#[test]
fn today_that_is_no_day_says_why() {
    let tmp = tree();
    for (today, why) in [
        ("2026-02-30", "February 2026 has 28 days"),
        ("2028-02-30", "February 2028 has 29 days"),
        ("2026-13-01", "there are 12 months, not 13"),
        ("2026-1-5", "write YYYY-MM-DD"),
    ] {
        let output = common::runbook(tmp.path(), &["lint", "--today", today]);
        assert_eq!(output.status.code(), Some(2), "{today}");
        assert!(
            common::stderr(&output).contains(why),
            "{today}: {}",
            common::stderr(&output)
        );
    }
}

/// Root reads everything, so as root the test runs the linter as `nobody`;
/// as anyone else, mode 000 is enough.
#[cfg(unix)]
#[test]
fn an_unreadable_file_is_reported_and_the_rest_is_checked() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tree();
    for dir in [tmp.path(), &tmp.path().join("docs")] {
        fs::set_permissions(dir, fs::Permissions::from_mode(0o755)).unwrap();
    }
    fs::set_permissions(
        tmp.path().join("docs/good.md"),
        fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    fs::set_permissions(
        tmp.path().join("book.toml"),
        fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    fs::write(tmp.path().join("docs/secret.md"), GOOD).unwrap();
    fs::set_permissions(
        tmp.path().join("docs/secret.md"),
        fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    let mut command = if is_root() {
        let mut c = std::process::Command::new("setpriv");
        c.args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            env!("CARGO_BIN_EXE_runbook"),
        ]);
        c
    } else {
        std::process::Command::new(env!("CARGO_BIN_EXE_runbook"))
    };
    let output = command
        .args(["lint", "--format", "json", "--today", TODAY])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert_no_panic(&output);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {} {}", stdout(&output), stderr(&output)));
    assert_eq!(rules_for(&report, "secret.md"), vec!["io-error"]);
    let message = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "io-error")
        .unwrap()["message"]
        .clone();
    assert!(
        message.as_str().unwrap().contains("Permission denied"),
        "{message}"
    );
    let help = &report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "io-error")
        .unwrap()["help"];
    assert!(
        help.as_str().unwrap().starts_with("check the permissions"),
        "{help}"
    );
    assert_eq!(rules_for(&report, "good.md"), Vec::<String>::new());
    assert_eq!(output.status.code(), Some(2));
}

/// A folder nested past the system's path limit (4,096 bytes on Linux):
/// the walk cannot open it, says why and what to do, and checks the rest.
#[test]
fn a_path_longer_than_the_system_allows_is_reported_and_the_rest_is_checked() {
    let tmp = tree();
    // Made one level at a time from inside (`cd -P`: the shell keeps no
    // path of its own), where each name is short.
    let name = "d".repeat(200);
    let made = std::process::Command::new("sh")
        .args([
            "-c",
            &format!("for i in $(seq 25); do mkdir {name} && cd -P {name} || exit 1; done; echo '# Deep' > deep.md"),
        ])
        .current_dir(tmp.path().join("docs"))
        .status()
        .unwrap();
    assert!(made.success());

    let (report, code) = lint_json(tmp.path(), &[]);
    let problem = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "io-error")
        .unwrap_or_else(|| panic!("{report:#}"));
    assert!(
        problem["path"]
            .as_str()
            .unwrap()
            .starts_with(&format!("docs/{name}/")),
        "{problem:#}"
    );
    assert!(
        problem["message"]
            .as_str()
            .unwrap()
            .contains("name too long"),
        "{problem:#}"
    );
    assert!(
        problem["help"]
            .as_str()
            .unwrap()
            .starts_with("the path is longer than the system allows"),
        "{problem:#}"
    );
    assert_eq!(rules_for(&report, "good.md"), Vec::<String>::new());
    assert_eq!(report["summary"]["files"], 1);
    assert_eq!(code, 2);
}

/// What every command that shows runbook text writes about the tree (the
/// human and GitHub reports, `due` as text and Markdown, `extract`'s output
/// and the script of the runbook `name`, whose comments quote it), per
/// command line.
fn every_output(dir: &Path, name: &str) -> Vec<(&'static [&'static str], Vec<u8>)> {
    let commands: [&[&str]; 5] = [
        &["lint", "--today", TODAY],
        &["lint", "--format", "github", "--today", TODAY],
        &["due", "--today", TODAY],
        &["due", "--format", "markdown", "--today", TODAY],
        &["extract", "--out", "scripts", "--today", TODAY],
    ];
    commands
        .into_iter()
        .map(|args| {
            let output = runbook(dir, args);
            assert_no_panic(&output);
            let mut all = [output.stdout, output.stderr].concat();
            if args[0] == "extract" {
                let script = dir.join("scripts").join(name.replace(".md", ".sh"));
                all.extend(fs::read(script).unwrap());
            }
            (args, all)
        })
        .collect()
}

/// Escape sequences in a file name, a title, a status, a step name and a
/// quoted source line (`ESC ] 0 ;` retitles a terminal, `ESC [ 2 J` clears
/// it, and so do their one-character C1 forms U+009D and U+009B) reach no
/// terminal, CI log or script comment: each shows them as `␛` or `�`.
#[test]
fn escape_sequences_from_a_pull_request_never_reach_the_terminal() {
    let tmp = tree();
    let name = "evil\u{1b}[2J.md";
    fs::write(
        tmp.path().join("docs").join(name),
        "---\ntitle: \"T\\e]0;pwned\\a\"\nowner: \"o\\e[31m\"\nlast_reviewed: 2025-01-01\n\
         status: \"dr\\e[5m\\x9b5maft\"\n---\n# T\n\n[a](gone.md) \u{9b}2J \u{9d}0;pwned\u{9c} \u{1b}[2J\n\n\
         ```bash {name=st\u{1b}[31mep}\nrm -rf /tmp/x\n```\n",
    )
    .unwrap();
    for (args, all) in every_output(tmp.path(), name) {
        let c1 = all
            .windows(2)
            .any(|w| w[0] == 0xc2 && (0x80..=0x9f).contains(&w[1]));
        assert!(
            !all.contains(&0x1b) && !all.contains(&0x07) && !c1,
            "{args:?}: {}",
            String::from_utf8_lossy(&all)
        );
        assert!(
            String::from_utf8_lossy(&all).contains('\u{241b}'),
            "{args:?}: {}",
            String::from_utf8_lossy(&all)
        );
    }
}

/// A line break inside a front matter value (a status, an owner, a title,
/// a `related` link) cannot start a line of its own in the human report or
/// in `runbook due`, where it would read as a finding, an owner or a
/// runbook that is not there: it shows as `␊`, on the line it belongs to.
#[test]
fn a_line_break_in_a_value_cannot_forge_a_line_of_the_report() {
    let tmp = tree();
    fs::write(
        tmp.path().join("docs/forged.md"),
        "---\ntitle: \"T\\nerror[fake]: title\"\nowner: \"o\\nerror[fake]: owner\"\n\
         last_reviewed: 2025-01-01\nstatus: \"active\\nerror[fake]: status\"\n\
         related: [\"a\\nerror[fake]: link.md\"]\n---\n# T\n",
    )
    .unwrap();
    for args in [&["lint", "--today", TODAY][..], &["due", "--today", TODAY]] {
        let output = runbook(tmp.path(), args);
        assert_no_panic(&output);
        let all = String::from_utf8_lossy(&[output.stdout, output.stderr].concat()).into_owned();
        assert!(
            !all.lines()
                .any(|l| l.trim_start().starts_with("error[fake]")),
            "{args:?}: {all}"
        );
        assert!(all.contains("\u{240a}error[fake]: "), "{args:?}: {all}");
    }
}

/// A bidirectional control (U+202E and its kin) in a file name, a title,
/// an owner, a status, a link or a step name cannot reorder a line of the
/// report, of `due` or of an extracted script's comments: each shows it as
/// `�`, and `bidi-control` says where it is.
#[test]
fn bidi_controls_from_a_pull_request_never_reorder_a_report_line() {
    let tmp = tree();
    let name = "rlo\u{202e}dm.txt.md";
    fs::write(
        tmp.path().join("docs").join(name),
        "---\ntitle: \"T \u{202e}desrever\"\nowner: \"o\u{2066}x\u{2069}\"\nlast_reviewed: 2025-01-01\n\
         status: \"dr\u{202d}aft\"\n---\n# T\n\n[a](gone\u{202e}.md)\n\n\
         ```bash {name=st\u{202b}ep}\necho ok\n```\n",
    )
    .unwrap();
    let bidi =
        |c: char| ('\u{202A}'..='\u{202E}').contains(&c) || ('\u{2066}'..='\u{2069}').contains(&c);
    for (args, all) in every_output(tmp.path(), name) {
        let all = String::from_utf8_lossy(&all);
        assert!(!all.contains(bidi), "{args:?}: {all}");
        assert!(all.contains('\u{fffd}'), "{args:?}: {all}");
        if args[..2] == ["lint", "--today"] {
            assert!(all.contains("error[bidi-control]"), "{all}");
        }
    }
}

fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0\n"))
        .unwrap_or(false)
}
