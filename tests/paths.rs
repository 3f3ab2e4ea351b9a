//! `--fix` and `review` write only to the file linted, `extract` and
//! `build` only below their output folder: not through a symlink, not into
//! a folder a symlink leads to, whatever the path looks like (`..`,
//! absolute, a newline in the name). Every file around the tree is compared
//! before and after. And nothing is read through a symlink that leads out
//! of the repository, nor from a named pipe or a device: such a read would
//! print or publish a file of the machine, or never end.

#![cfg(unix)]

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use common::{TODAY, runbook, stderr, stdout};

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
    // Not walked, so not read, let alone fixed.
    assert!(
        stdout(&output).contains("error[symlink-outside]: is a symlink to"),
        "{}",
        stdout(&output)
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
        stdout(&output).contains("outside the repository; not read"),
        "{}",
        stdout(&output)
    );
    // Named, it is read (the user chose it) but still not written through.
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

/// A destination that is the source folder or holds it (`--dest .`, the
/// book's own folder, a link to the source) would put the site among the
/// user's files: refused before anything is written, with exit code 2.
#[test]
fn build_refuses_a_destination_among_the_runbooks() {
    let (base, tree, _) = layout();
    fs::write(
        tree.join("docs/a.md"),
        "---\ntitle: A\nowner: ops\nlast_reviewed: 2026-11-01\nstatus: draft\n---\n# A\n",
    )
    .unwrap();
    fs::write(tree.join("docs/index.html"), "the team's own page").unwrap();
    symlink(tree.join("docs"), base.path().join("docs-link")).unwrap();
    let before = snapshot(base.path());
    for dest in ["docs", ".", "./docs/../", "..", "../docs-link"] {
        let output = runbook(&tree, &["build", "--dest", dest, "--today", TODAY]);
        assert_eq!(output.status.code(), Some(2), "{dest}: {}", stderr(&output));
        assert!(
            stderr(&output).contains(&format!("error: the destination `{dest}`"))
                && stderr(&output).contains("the source folder `")
                && stderr(&output).contains("give it a folder of its own"),
            "{dest}: {}",
            stderr(&output)
        );
        assert_eq!(snapshot(base.path()), before, "{dest}");
    }
    // A folder of its own inside the source is fine: only Markdown is read there.
    let output = runbook(&tree, &["build", "--dest", "docs/site", "--today", TODAY]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        fs::read(tree.join("docs/index.html")).unwrap(),
        b"the team's own page"
    );
}

/// A build into a folder that already holds files (a web root, a
/// `gh-pages` checkout, a folder `book.toml` names outside the repository)
/// replaces none runbook did not write: the first page in the way stops it
/// with exit 2 and the file untouched; moved away, the build goes on, and
/// the files it does not write (`robots.txt`, `CNAME`) stay.
#[test]
fn build_replaces_no_file_it_did_not_write() {
    let (base, tree, _) = layout();
    fs::write(tree.join("docs/a.md"), FIXABLE).unwrap();
    let web = base.path().join("www");
    fs::create_dir_all(&web).unwrap();
    fs::write(web.join("index.html"), "the team's own page").unwrap();
    fs::write(web.join("CNAME"), "runbooks.example.com").unwrap();
    fs::write(
        tree.join("book.toml"),
        "[book]\nsrc = \"docs\"\n[build]\ndest = \"../www\"\n",
    )
    .unwrap();
    let output = runbook(&tree, &["build", "--today", TODAY]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("www/index.html`: a file runbook did not write is there"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        fs::read(web.join("index.html")).unwrap(),
        b"the team's own page"
    );

    fs::rename(web.join("index.html"), base.path().join("index.html.old")).unwrap();
    for _ in 0..2 {
        let output = runbook(&tree, &["build", "--today", TODAY]);
        assert!(output.status.success(), "{}", stderr(&output));
    }
    assert!(
        fs::read_to_string(web.join("index.html"))
            .unwrap()
            .contains("<html")
    );
    assert_eq!(
        fs::read(web.join("CNAME")).unwrap(),
        b"runbooks.example.com"
    );
}

/// A second build removes what the first wrote and it did not (the page
/// of a deleted runbook), from its own list of files: a file it never
/// wrote stays, and a list edited to name `../` or a path through a
/// symlinked folder removes nothing outside the site.
#[test]
fn a_rebuild_removes_only_its_own_stale_files() {
    let (base, tree, outside) = layout();
    let page = |title: &str| {
        format!(
            "---\ntitle: {title}\nowner: ops\nlast_reviewed: 2026-11-01\nstatus: draft\n---\n# {title}\n"
        )
    };
    fs::write(tree.join("docs/a.md"), page("A")).unwrap();
    fs::write(tree.join("docs/old.md"), page("Old")).unwrap();
    let build = || runbook(&tree, &["build", "--dest", "site", "--today", TODAY]);
    assert!(build().status.success());
    let site = tree.join("site");
    assert!(site.join("old.html").is_file());
    fs::write(site.join("robots.txt"), "User-agent: *\n").unwrap();
    fs::write(outside.join("keep.txt"), "keep").unwrap();
    symlink(&outside, site.join("out")).unwrap();
    let mut list = fs::read_to_string(site.join(".runbook-files")).unwrap();
    list.push_str("../outside/dir/keep.txt\nout/keep.txt\nout/x.md\n");
    fs::write(site.join(".runbook-files"), list).unwrap();

    fs::remove_file(tree.join("docs/old.md")).unwrap();
    let before = snapshot(&outside);
    let output = build();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("removed "), "{}", stderr(&output));
    assert!(!site.join("old.html").exists());
    assert!(site.join("a.html").is_file());
    assert_eq!(
        fs::read(site.join("robots.txt")).unwrap(),
        b"User-agent: *\n"
    );
    assert_eq!(snapshot(&outside), before);
    assert!(base.path().join("outside/dir/x.md").is_file());
    let list = fs::read_to_string(site.join(".runbook-files")).unwrap();
    assert!(
        !list.contains("old.html") && !list.contains("out/") && list.contains("a.html"),
        "{list}"
    );
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

/// A folder of `--out` that is a link out of it gets nothing made at its
/// far end, not even the folders the script would go in.
#[cfg(unix)]
#[test]
fn extract_makes_no_folder_through_a_link_out_of_out() {
    let (base, tree, outside) = layout();
    let with_commands = "---\ntitle: T\nowner: ops\nlast_reviewed: 2026-11-01\nstatus: draft\n---\n# T\n\n```bash\necho hi\n```\n\n## Rollback\n\nUndo.\n";
    fs::create_dir_all(tree.join("docs/db/sub")).unwrap();
    fs::write(tree.join("docs/db/sub/x.md"), with_commands).unwrap();
    fs::create_dir(tree.join("out")).unwrap();
    std::os::unix::fs::symlink(&outside, tree.join("out/db")).unwrap();
    let output = runbook(&tree, &["extract", "--out", "out"]);
    assert_no_panic(&output);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("leads outside"),
        "{}",
        stderr(&output)
    );
    assert!(!outside.join("sub").exists());
    drop(base);
}

const SECRET: &str = "CI_TOKEN=ghp_not_for_the_report_123";

/// `base/outside/secret.md` holding [`SECRET`].
fn secret(base: &Path) -> PathBuf {
    let path = base.join("outside/secret.md");
    fs::write(&path, format!("---\ntitle: {SECRET}\n---\n{SECRET}\n")).unwrap();
    path
}

/// `runbook ARGS...` in `dir`, killed after a minute: a read that never
/// ends fails the test instead of hanging it.
fn runbook_within_a_minute(dir: &Path, args: &[&str]) -> std::process::Output {
    let output = std::process::Command::new("timeout")
        .arg("60")
        .arg(env!("CARGO_BIN_EXE_runbook"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_ne!(
        output.status.code(),
        Some(124),
        "still reading after a minute"
    );
    output
}

/// A runbook reached through a symlink inside the tree (a linked folder,
/// a linked file) is read once and reported where it really is: code
/// scanning shows nothing at a symlinked path. Links through the symlinks
/// still resolve, and the site has one page for it.
#[test]
fn a_runbook_reached_through_symlinks_is_reported_once_where_it_is() {
    let (_base, tree, _) = layout();
    let docs = tree.join("docs");
    fs::create_dir(docs.join("real")).unwrap();
    fs::write(
        docs.join("real/x.md"),
        "---\ntitle: T\nowner: ops\nlast_reviewed: 2026-11-01\nstatus: draft\n---\n\
         # T\n\n[x](gone.md)\n\n## Rollback\n\nUndo.\n",
    )
    .unwrap();
    symlink("real", docs.join("alias")).unwrap();
    symlink("real/x.md", docs.join("link.md")).unwrap();
    fs::write(
        docs.join("index.md"),
        "---\ntitle: I\nowner: ops\nlast_reviewed: 2026-11-01\nstatus: draft\n---\n\
         # I\n\n[a](alias/x.md#rollback) [l](link.md#rollback) [r](real/x.md)\n\n## Rollback\n\nUndo.\n",
    )
    .unwrap();
    let (report, _) = common::lint_json(&tree, &[]);
    let broken: Vec<(&str, &str)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"].as_str().unwrap().starts_with("broken-"))
        .map(|d| (d["rule"].as_str().unwrap(), d["path"].as_str().unwrap()))
        .collect();
    assert_eq!(broken, [("broken-link", "docs/real/x.md")], "{report}");
    assert_eq!(report["summary"]["files"], 2, "{report}");

    let output = runbook(&tree, &["build", "--today", TODAY, "--dest", "site"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(tree.join("site/real/x.html").is_file());
    assert!(!tree.join("site/alias/x.html").exists() && !tree.join("site/link.html").exists());
}

fn assert_secret_kept(output: &std::process::Output) {
    assert!(!stdout(output).contains(SECRET), "{}", stdout(output));
    assert!(!stderr(output).contains(SECRET), "{}", stderr(output));
}

#[test]
fn symlinks_out_of_the_repository_are_neither_read_nor_published() {
    let (base, tree, outside) = layout();
    symlink(secret(base.path()), tree.join("docs/env.md")).unwrap();
    symlink(&outside, tree.join("docs/shared")).unwrap();
    symlink("/dev/zero", tree.join("docs/zero.md")).unwrap();
    fs::write(tree.join("docs/own.md"), FIXABLE).unwrap();
    let output = runbook_within_a_minute(&tree, &["lint", "--today", TODAY]);
    assert_secret_kept(&output);
    let report = stdout(&output);
    for name in ["env.md", "shared", "zero.md"] {
        assert!(
            report.contains(&format!("--> docs/{name}:1:1")),
            "{name}: {report}"
        );
    }
    assert_eq!(
        report.matches("error[symlink-outside]").count(),
        3,
        "{report}"
    );
    // The rest of the tree is checked: own.md's findings are there.
    assert!(report.contains("docs/own.md:4:16"), "{report}");
    assert_eq!(output.status.code(), Some(1));

    // Named by pre-commit, the link is refused the same way, once.
    let output = runbook_within_a_minute(&tree, &["lint", "--today", TODAY, "docs/env.md"]);
    assert_secret_kept(&output);
    assert_eq!(stdout(&output).matches("error[symlink-outside]").count(), 1);

    let output = runbook_within_a_minute(&tree, &["build", "--today", TODAY, "--dest", "site"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_secret_kept(&output);
    for entry in walkdir::WalkDir::new(tree.join("site")) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let bytes = fs::read(entry.path()).unwrap();
            assert!(
                !String::from_utf8_lossy(&bytes).contains(SECRET),
                "{} publishes the secret",
                entry.path().display()
            );
        }
    }
}

#[test]
fn inside_a_git_repository_links_may_leave_the_book_but_not_enter_git() {
    let (base, tree, outside) = layout();
    fs::create_dir_all(base.path().join(".git")).unwrap();
    fs::write(base.path().join(".git/config"), SECRET).unwrap();
    symlink(outside.join("x.md"), tree.join("docs/shared.md")).unwrap();
    symlink(base.path().join(".git/config"), tree.join("docs/config.md")).unwrap();
    let output = runbook_within_a_minute(&tree, &["lint", "--today", TODAY]);
    assert_secret_kept(&output);
    let report = stdout(&output);
    // shared.md is read: its own findings are reported.
    assert!(report.contains("docs/shared.md:4:16"), "{report}");
    assert!(report.contains("--> docs/config.md:1:1"), "{report}");
    assert_eq!(
        report.matches("error[symlink-outside]").count(),
        1,
        "{report}"
    );
}

/// A book.toml is part of the pull request it gates: its `src` cannot
/// point the linter, the site or the extractor at a folder of the machine
/// outside the repository (the book's folder without git), whether written
/// with `..`, absolute, or through a symlink. Inside a git repository it
/// may name a folder next to the book's.
#[test]
fn a_book_toml_cannot_point_src_out_of_the_repository() {
    let (base, tree, outside) = layout();
    let secret = secret(base.path());
    fs::write(tree.join("docs/a.md"), FIXABLE).unwrap();
    symlink(secret.parent().unwrap(), tree.join("linked")).unwrap();
    let absolute = outside.parent().unwrap().to_str().unwrap().to_string();
    for src in ["../outside", absolute.as_str(), "linked"] {
        fs::write(tree.join("book.toml"), format!("[book]\nsrc = {src:?}\n")).unwrap();
        for command in [
            &["lint", "--today", TODAY][..],
            &["build", "--today", TODAY],
            &["extract", "--out", "scripts", "--today", TODAY],
        ] {
            let output = runbook_within_a_minute(&tree, command);
            assert_secret_kept(&output);
            assert_eq!(output.status.code(), Some(2), "{src} {command:?}");
            assert!(
                stderr(&output).contains("book.toml:2:1: `src` is")
                    && stderr(&output).contains("outside the repository"),
                "{src} {command:?}: {}",
                stderr(&output)
            );
        }
    }
    assert!(!tree.join("site").exists() && !tree.join("scripts").exists());

    // In a git repository, a book in a subfolder may keep its runbooks beside it.
    fs::create_dir_all(tree.join(".git")).unwrap();
    fs::create_dir_all(tree.join("book")).unwrap();
    fs::write(tree.join("book/book.toml"), "[book]\nsrc = \"../docs\"\n").unwrap();
    let output = runbook_within_a_minute(&tree.join("book"), &["lint", "--today", TODAY]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stdout(&output).contains("docs/a.md"), "{}", stdout(&output));
}

#[test]
fn config_lints_and_templates_are_not_read_through_a_link_out() {
    let (base, tree, _) = layout();
    let secret = secret(base.path());
    fs::write(tree.join("docs/a.md"), FIXABLE).unwrap();
    for (link, command) in [
        ("book.toml", "lint"),
        ("lints/extra.yaml", "lint"),
        ("templates/base.html", "build"),
    ] {
        let path = tree.join(link);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        let saved = fs::read(&path).ok();
        fs::remove_file(&path).ok();
        symlink(&secret, &path).unwrap();
        let output = runbook_within_a_minute(&tree, &[command, "--today", TODAY]);
        assert_secret_kept(&output);
        assert!(
            stderr(&output).contains("outside the repository; not read"),
            "{link}: {}",
            stderr(&output)
        );
        assert_eq!(output.status.code(), Some(2), "{link}");
        fs::remove_file(&path).unwrap();
        if let Some(bytes) = saved {
            fs::write(&path, bytes).unwrap();
        }
    }
}

#[test]
fn a_named_pipe_is_reported_without_waiting_for_a_writer() {
    let (_base, tree, _) = layout();
    fs::write(tree.join("docs/own.md"), FIXABLE).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(tree.join("docs/pipe.md"))
        .status()
        .unwrap();
    assert!(made.success());
    for args in [
        &["lint", "--today", TODAY][..],
        &["lint", "--today", TODAY, "docs/pipe.md"],
    ] {
        let output = runbook_within_a_minute(&tree, args);
        let report = stdout(&output);
        assert!(
            report.contains("error[io-error]: is a named pipe, not a regular file; not read"),
            "{report}"
        );
        assert!(report.contains("--> docs/pipe.md:1:1"), "{report}");
        assert_eq!(output.status.code(), Some(2));
    }
}

/// A file name may take 255 bytes: a runbook named with 252 of them (and
/// `.md`) made a 257-byte page, and an owner or tag of 300 characters a
/// page name as long, and either failed the whole build. Names are cut to
/// fit, stay unique, and every link on the index leads to a page written.
#[test]
fn names_near_the_file_system_limit_still_build() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::create_dir(dir.join("docs")).unwrap();
    fs::write(dir.join("book.toml"), "[book]\nsrc = \"docs\"\n").unwrap();
    let long = "x".repeat(300);
    let accents = "é".repeat(200);
    let page = |owners: &str| {
        format!(
            "---\ntitle: T\nowner: [{owners}]\nlast_reviewed: 2026-11-20\nstatus: draft\ntags: [\"{accents}\"]\n---\n# T\n\n## Rollback\n\nUndo.\n"
        )
    };
    let stem = "r".repeat(252);
    fs::write(
        dir.join("docs").join(format!("{stem}.md")),
        page(&format!("\"{long}\"")),
    )
    .unwrap();
    fs::write(
        dir.join("docs").join(format!("{}.md", "r".repeat(251))),
        page(&format!("\"{long}y\", \"{accents}\"")),
    )
    .unwrap();
    let output = runbook(dir, &["build", "--today", TODAY]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let site = dir.join("site");
    let index = fs::read_to_string(site.join("index.html")).unwrap();
    let mut names = std::collections::BTreeSet::new();
    for entry in walkdir::WalkDir::new(&site) {
        let entry = entry.unwrap();
        assert!(entry.file_name().len() <= 255, "{}", entry.path().display());
        names.insert(entry.path().strip_prefix(&site).unwrap().to_path_buf());
    }
    let owners = names
        .iter()
        .filter(|p| p.starts_with("owners") && p.extension().is_some())
        .count();
    assert_eq!(owners, 3, "one page per owner: {names:?}");
    let mut followed = 0;
    for href in index
        .split("href=\"")
        .skip(1)
        .map(|h| &h[..h.find('"').unwrap()])
    {
        let href = common::html::decode(href);
        if href.contains("rrr") || href.contains("owners/") || href.contains("tags/") {
            let decoded = percent_encoding::percent_decode_str(&href)
                .decode_utf8()
                .unwrap();
            assert!(site.join(&*decoded).is_file(), "{href} leads nowhere");
            followed += 1;
        }
    }
    assert!(followed >= 2, "the index links both runbooks: {index}");
}
