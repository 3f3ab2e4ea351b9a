//! `--fix` and `review` write only to the file linted, `extract` and
//! `build` only below their output folder: not through a symlink, not into
//! a folder a symlink leads to, whatever the path looks like (`..`,
//! absolute, a newline in the name). Every file around the tree is compared
//! before and after.

#![cfg(unix)]

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use common::{TODAY, runbook, stderr};

/// Fixable twice over: front matter with a date in another format, and a
/// heading without its space.
const FIXABLE: &str = "---\ntitle: T\nowner: ops\nlast_reviewed: 2026/11/01\nstatus: draft\n---\n# T\n\n##Rollback\n\nUndo.\n";

/// `base/tree` (with `book.toml` and `docs/`) and `base/outside/dir/x.md`.
fn layout() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let base = tempfile::tempdir().unwrap();
    let tree = base.path().join("tree");
    let outside = base.path().join("outside/dir");
    fs::create_dir_all(tree.join("docs")).unwrap();
    fs::create_dir_all(&outside).unwrap();
    fs::write(tree.join("book.toml"), "[book]\nsrc = \"docs\"\n").unwrap();
    fs::write(outside.join("x.md"), FIXABLE).unwrap();
    (base, tree, outside)
}

/// Every file and link below `dir`, with its bytes or link target.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        let kind = entry.file_type();
        let value = if kind.is_symlink() {
            let mut v = b"link:".to_vec();
            v.extend(
                fs::read_link(entry.path())
                    .unwrap()
                    .as_os_str()
                    .as_encoded_bytes(),
            );
            v
        } else if kind.is_file() {
            fs::read(entry.path()).unwrap()
        } else {
            continue;
        };
        out.insert(entry.path().to_path_buf(), value);
    }
    out
}

/// The paths whose content changed, appeared or disappeared.
fn changed(
    before: &BTreeMap<PathBuf, Vec<u8>>,
    after: &BTreeMap<PathBuf, Vec<u8>>,
) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = before
        .keys()
        .chain(after.keys())
        .filter(|p| before.get(*p) != after.get(*p))
        .cloned()
        .collect();
    paths.dedup();
    paths
}

fn assert_no_panic(output: &std::process::Output) {
    assert!(
        output.status.code().is_some_and(|c| c < 101),
        "{}",
        stderr(output)
    );
}

#[test]
fn fix_does_not_follow_a_symlinked_folder_out_of_the_tree() {
    let (base, tree, outside) = layout();
    symlink(&outside, tree.join("docs/linked")).unwrap();
    fs::write(tree.join("docs/own.md"), FIXABLE).unwrap();
    let before = snapshot(base.path());
    let output = runbook(&tree, &["lint", "--fix", "--today", TODAY]);
    assert_no_panic(&output);
    assert!(
        stderr(&output).contains("symlink leads it out of the source folder"),
        "{}",
        stderr(&output)
    );
    // The file inside the tree was fixed, the one outside untouched.
    assert_eq!(
        changed(&before, &snapshot(base.path())),
        vec![tree.join("docs/own.md")]
    );
}

#[test]
fn fix_and_review_do_not_replace_or_follow_a_symlinked_file() {
    let (base, tree, outside) = layout();
    symlink(outside.join("x.md"), tree.join("docs/evil.md")).unwrap();
    let before = snapshot(base.path());
    let output = runbook(&tree, &["lint", "--fix", "--today", TODAY]);
    assert_no_panic(&output);
    assert!(
        stderr(&output).contains("symbolic link"),
        "{}",
        stderr(&output)
    );
    let output = runbook(&tree, &["review", "docs/evil.md", "--today", TODAY]);
    assert_no_panic(&output);
    assert!(
        stderr(&output).contains("symbolic link"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        changed(&before, &snapshot(base.path())),
        Vec::<PathBuf>::new()
    );
}

#[test]
fn odd_spellings_write_only_the_file_named() {
    let (base, tree, _) = layout();
    fs::create_dir(tree.join("docs/sub")).unwrap();
    let weird = ["dots.md", "new\nline.md", "sub/abs.md", "sub/rev\niew.md"];
    for name in weird {
        fs::write(tree.join("docs").join(name), FIXABLE).unwrap();
    }
    let absolute = tree.join("docs/sub/abs.md");
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![
                "lint".into(),
                "--fix".into(),
                "docs/sub/../../docs/./dots.md".into(),
            ],
            "docs/dots.md",
        ),
        (
            vec!["lint".into(), "--fix".into(), "docs/new\nline.md".into()],
            "docs/new\nline.md",
        ),
        (
            vec![
                "lint".into(),
                "--fix".into(),
                absolute.to_string_lossy().into_owned(),
            ],
            "docs/sub/abs.md",
        ),
        (
            vec!["review".into(), "docs/sub/../sub/rev\niew.md".into()],
            "docs/sub/rev\niew.md",
        ),
    ];
    for (mut args, target) in cases {
        args.extend(["--today".to_string(), TODAY.to_string()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let before = snapshot(base.path());
        let output = runbook(&tree, &args);
        assert_no_panic(&output);
        assert_eq!(
            changed(&before, &snapshot(base.path())),
            vec![tree.join(target)],
            "{args:?}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn build_writes_only_below_dest_and_copies_nothing_from_outside() {
    let (base, tree, outside) = layout();
    fs::write(outside.join("secret.png"), "secret").unwrap();
    fs::write(base.path().join("top.png"), "secret").unwrap();
    symlink(outside.join("secret.png"), tree.join("docs/linked.png")).unwrap();
    symlink(&outside, tree.join("docs/out")).unwrap();
    fs::create_dir(tree.join("docs/img")).unwrap();
    fs::write(tree.join("docs/img/ok.png"), "ok").unwrap();
    let body = "![ok](img/ok.png) ![up](../../top.png) ![link](linked.png) ![through](out/secret.png)\n\n<img src=\"/../outside/dir/secret.png\"> [abs](/etc/hostname)\n";
    fs::write(
        tree.join("docs/a.md"),
        format!("---\ntitle: A\nowner: ops\nlast_reviewed: 2026-11-01\nstatus: draft\n---\n{body}"),
    )
    .unwrap();
    let before = snapshot(base.path());
    let output = runbook(&tree, &["build", "--dest", "site", "--today", TODAY]);
    assert!(output.status.success(), "{}", stderr(&output));
    let after = snapshot(base.path());
    let site = tree.join("site");
    let changed = changed(&before, &after);
    assert!(changed.iter().all(|p| p.starts_with(&site)), "{changed:?}");
    assert_eq!(fs::read(site.join("img/ok.png")).unwrap(), b"ok");
    for path in changed {
        assert!(
            after[&path] != b"secret",
            "{} holds the secret",
            path.display()
        );
    }
}

#[test]
fn extract_writes_only_below_out_whatever_the_spelling() {
    let (base, tree, outside) = layout();
    let with_commands = "---\ntitle: T\nowner: ops\nlast_reviewed: 2026-11-01\nstatus: draft\n---\n# T\n\n```bash\necho hi\n```\n\n## Rollback\n\nUndo.\n";
    fs::create_dir(tree.join("docs/sub")).unwrap();
    for name in ["new\nline.md", "sub/a.md"] {
        fs::write(tree.join("docs").join(name), with_commands).unwrap();
    }
    fs::write(outside.join("x.md"), with_commands).unwrap();
    let absolute = outside.join("x.md");
    let before = snapshot(base.path());
    let output = runbook(
        &tree,
        &[
            "extract",
            "--out",
            "out",
            absolute.to_str().unwrap(),
            "../outside/dir/x.md",
            "docs/new\nline.md",
            "docs/sub/../../docs/sub/a.md",
        ],
    );
    assert_no_panic(&output);
    assert!(output.status.success(), "{}", stderr(&output));
    let out = tree.join("out");
    let changed = changed(&before, &snapshot(base.path()));
    assert!(changed.iter().all(|p| p.starts_with(&out)), "{changed:?}");
    assert!(
        changed.iter().any(|p| p.ends_with("new\nline.sh"))
            && changed.iter().any(|p| p.ends_with("sub/a.sh"))
            && changed.iter().any(|p| p.ends_with("dir/x.sh")),
        "{changed:?}"
    );
}
