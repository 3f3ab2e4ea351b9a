//! The command line: rule docs, the sample content, versions.

mod common;

use common::{TODAY, rule_ids, runbook, stderr, stdout};
use std::path::Path;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_rule_documents_what_why_example_and_fix() {
    for rule in runbook::lint::rules::ALL {
        let doc = rule.doc();
        for section in [
            "## What it checks",
            "## Why it matters",
            "## Example",
            "## Fix",
        ] {
            assert!(doc.contains(section), "{} lacks {section}", rule.id);
        }
        assert!(
            doc.lines()
                .next()
                .unwrap()
                .contains(&format!("(`{}`)", rule.id)),
            "{}: title names the id",
            rule.id
        );
    }
}

#[test]
fn docs_rules_md_is_up_to_date() {
    let committed = std::fs::read_to_string(repo().join("docs/rules.md")).unwrap();
    assert_eq!(
        committed,
        runbook::cli::rules_markdown(),
        "run `runbook rules --docs > docs/rules.md`"
    );
}

#[test]
fn rules_lists_and_explains() {
    let list = stdout(&runbook(repo(), &["rules"]));
    // The built-in rules, the default rules of lints/defaults/, then the
    // house rules from the repo's lints/.
    assert_eq!(
        list.lines().count(),
        runbook::lint::rules::ALL.len() + runbook::lint::custom::defaults().len() + 4,
        "{list}"
    );
    assert!(
        list.lines()
            .last()
            .unwrap()
            .contains("lints/house-rules.yaml")
    );

    let one = runbook(repo(), &["rules", "broken-anchor"]);
    assert!(stdout(&one).contains("## Example"));
    assert_eq!(
        runbook(repo(), &["rules", "no-such-rule"]).status.code(),
        Some(2)
    );
    let typo = runbook(repo(), &["rules", "broken-lnk"]);
    assert_eq!(typo.status.code(), Some(2));
    assert!(
        stderr(&typo).contains("did you mean `broken-link`?"),
        "{}",
        stderr(&typo)
    );
}

#[test]
fn the_bundled_content_lints_clean() {
    let output = runbook(repo(), &["lint", "--today", TODAY]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stdout(&output).contains("no problems found"));
}

#[test]
fn version() {
    let output = runbook(repo(), &["--version"]);
    assert_eq!(
        stdout(&output).trim(),
        format!("runbook {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn a_folder_outside_the_source_tree_is_walked() {
    // From the repository root, book.toml's source folder is `content/`.
    let (report, _) = common::lint_json(repo(), &["tests/fixtures/lint/broken-link"]);
    assert_eq!(report["summary"]["files"], 13, "{report:#}");
    let rules = rule_ids(&report);
    assert!(rules.contains(&"broken-link"), "{rules:?}");
}

#[test]
fn book_toml_is_found_from_a_subfolder() {
    let output = runbook(
        &repo().join("content/database"),
        &["lint", "--format", "json", "--today", TODAY],
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        report["summary"]["files"], 12,
        "the whole book, not just this folder"
    );
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn the_whole_tree_is_the_same_however_it_is_named() {
    let dir = tempfile::tempdir().unwrap();
    // Names whose order differs by bytes of the name and by whole path
    // (`a/` before `a-b/` component-wise, `a-b` before `a/` as text).
    for name in ["a/x.md", "a-b/y.md", "a.md", "A/z.md", "a/b/c.md", "a0.md"] {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "# No front matter\n").unwrap();
    }
    let files = |json: &serde_json::Value| -> Vec<String> {
        (json["diagnostics"].as_array().unwrap().iter())
            .filter(|d| d["rule"] == "front-matter-missing")
            .map(|d| d["path"].as_str().unwrap().to_string())
            .collect()
    };
    let (whole, _) = common::lint_json(dir.path(), &[]);
    assert_eq!(
        files(&whole),
        ["A/z.md", "a/b/c.md", "a/x.md", "a-b/y.md", "a.md", "a0.md"]
    );
    for named in [&["."][..], &["./"], &[".", "a"], &["a-b", "."]] {
        let (json, _) = common::lint_json(dir.path(), named);
        assert_eq!(json, whole, "lint {named:?}");
    }
    // Named by its absolute path, the tree shows as such, in the same order.
    let absolute = dir.path().to_str().unwrap();
    let (json, _) = common::lint_json(dir.path(), &[absolute]);
    let shown: Vec<String> = files(&json)
        .iter()
        .map(|p| p.strip_prefix(&format!("{absolute}/")).unwrap().to_string())
        .collect();
    assert_eq!(shown, files(&whole));
}

/// A file outside the source folder named twice, spelled two ways (as a
/// pre-commit hook and a user may), or named within a folder also named,
/// is linted once: its findings, and GitLab's prints of them, once each.
#[test]
fn a_file_outside_the_source_folder_named_twice_is_linted_once() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("content")).unwrap();
    std::fs::create_dir(dir.join("other")).unwrap();
    std::fs::write(dir.join("book.toml"), "[book]\nsrc = \"content\"\n").unwrap();
    std::fs::write(dir.join("other/out.md"), "# No front matter\n").unwrap();
    let absolute = dir.join("other/out.md");
    let (once, _) = common::lint_json(dir, &["other/out.md"]);
    assert!(
        rule_ids(&once).contains(&"front-matter-missing"),
        "{once:#}"
    );
    for named in [
        &["other/out.md", "./other/out.md"][..],
        &["other/out.md", absolute.to_str().unwrap()],
        &["./other", "other/out.md"],
        &["other/../other/out.md", "other/out.md", "other"],
    ] {
        let (json, _) = common::lint_json(dir, named);
        assert_eq!(json["summary"]["files"], 1, "{named:?}: {json:#}");
        assert_eq!(rule_ids(&json), rule_ids(&once), "{named:?}");
    }
    // A missing file named twice is one failure.
    let (json, code) = common::lint_json(dir, &["gone.md", "./gone.md"]);
    assert_eq!(code, 2);
    assert_eq!(rule_ids(&json), ["io-error"]);
}

/// `runbook lint` at the root of a service's repository reads its
/// runbooks: not what git ignores (`node_modules/`, a `.gitignore` deeper
/// down, `.git/info/exclude`; a `!` pattern brings a file back), and not
/// the documents a repository keeps beside them (CHANGELOG.md, SUMMARY.md,
/// ...), which `--fix` leaves alone and links still reach.
#[test]
fn a_repository_s_ignored_files_and_its_own_documents_are_not_runbooks() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    let runbook_text = "---\nowner: a\nlast_reviewed: 2026-11-20\nstatus: draft\n---\n# R\n\nSee [the changes](../CHANGELOG.md).\n\n## Rollback\n\nUndo.\n";
    write("runbooks/restore.md", runbook_text);
    write(".git/info/exclude", "local.md\n");
    write(".gitignore", "node_modules/\n*.draft.md\n!keep.draft.md\n");
    write("runbooks/.gitignore", "scratch.md\n");
    for ignored in [
        "node_modules/pkg/README.md",
        "runbooks/a.draft.md",
        "runbooks/scratch.md",
        "local.md",
        "CHANGELOG.md",
        "CONTRIBUTING.md",
        "docs/SUMMARY.md",
    ] {
        write(ignored, "# Not a runbook\n");
    }
    write("runbooks/keep.draft.md", "# Kept\n");
    let changelog = std::fs::read(root.join("CHANGELOG.md")).unwrap();

    let paths = |out: &std::process::Output| -> Vec<String> {
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut paths: Vec<String> = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["path"].as_str().unwrap().to_string())
            .collect();
        paths.dedup();
        paths
    };
    let run = runbook(root, &["lint", "--format", "json", "--today", TODAY]);
    assert_eq!(paths(&run), ["runbooks/keep.draft.md"], "{}", stdout(&run));

    runbook(root, &["lint", "--fix", "--today", TODAY]);
    assert_eq!(std::fs::read(root.join("CHANGELOG.md")).unwrap(), changelog);
    assert!(
        std::fs::read_to_string(root.join("runbooks/keep.draft.md"))
            .unwrap()
            .starts_with("---\n")
    );

    write(
        "book.toml",
        "[book]\nsrc = \".\"\n[lint]\nrespect-gitignore = false\n",
    );
    let run = runbook(root, &["lint", "--format", "json", "--today", TODAY]);
    assert_eq!(
        paths(&run),
        [
            "local.md",
            "node_modules/pkg/README.md",
            "runbooks/a.draft.md",
            "runbooks/keep.draft.md",
            "runbooks/scratch.md"
        ],
        "{}",
        stdout(&run)
    );
}
