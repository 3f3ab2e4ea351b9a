//! The scripts `runbook extract` writes and what `runbook verify` says of
//! them: blame on the right runbook, nothing blamed on runbook's own
//! text, runbooks that cannot be extracted faithfully, missing tools and
//! `--out` failures said in words.

use std::path::Path;
use std::process::Command;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn runbook_in(dir: &Path, args: &[&str], path: Option<&Path>) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_runbook"));
    command
        .args(args)
        .args(["--today", "2026-11-25"])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("SOURCE_DATE_EPOCH");
    if let Some(path) = path {
        command.env("PATH", path);
    }
    let output = command.output().expect("run runbook");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// A book whose source folder is its root, holding `files` (path, bytes).
fn book(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_book(dir.path(), files);
    dir
}

fn write_book(dir: &Path, files: &[(&str, &[u8])]) {
    std::fs::write(dir.join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// A runbook that lints clean but for `body`, whose first line is line 9.
fn runbook(body: &str) -> Vec<u8> {
    format!(
        "---\ntitle: R\nowner: ops\nlast_reviewed: 2026-11-20\nstatus: authoritative\n---\n# R\n\n{body}"
    )
    .into_bytes()
}

/// `(file, rule, line, message)` of every finding `verify --format json`
/// reports.
fn verify(dir: &Path, args: &[&str]) -> Vec<(String, String, u64, String)> {
    let mut all = vec!["verify", "--format", "json"];
    all.extend_from_slice(args);
    let run = runbook_in(dir, &all, None);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json report");
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["rule"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn passes_bash_n(script: &Path) -> bool {
    Command::new("bash")
        .arg("-n")
        .arg(script)
        .status()
        .unwrap()
        .success()
}

fn has_shellcheck() -> bool {
    Command::new("shellcheck").arg("--version").output().is_ok()
}

/// A folder holding a link to bash only: a PATH without ShellCheck.
fn path_with_bash_only() -> tempfile::TempDir {
    let bin = tempfile::tempdir().unwrap();
    let bash = Command::new("bash")
        .args(["-c", "command -v bash"])
        .output()
        .unwrap();
    let bash = String::from_utf8(bash.stdout).unwrap();
    std::os::unix::fs::symlink(bash.trim(), bin.path().join("bash")).unwrap();
    bin
}

#[test]
fn a_block_bash_crashes_on_is_blamed_not_the_runbook_beside_it() {
    let deep = format!("echo {}hi{}", "$(echo ".repeat(3000), ")".repeat(3000));
    let dir = book(&[
        ("a-deep.md", &runbook(&format!("```bash\n{deep}\n```\n"))),
        ("b-innocent.md", &runbook("```bash\necho innocent\n```\n")),
    ]);
    let found = verify(dir.path(), &["--no-shellcheck"]);
    let syntax: Vec<_> = found.iter().filter(|f| f.1 == "shell-syntax").collect();
    assert_eq!(syntax.len(), 1, "{found:?}");
    assert_eq!((syntax[0].0.as_str(), syntax[0].2), ("a-deep.md", 10));
    assert!(!syntax[0].3.trim_end().ends_with("bash:"), "{found:?}");

    let out = dir.path().join("out");
    let run = runbook_in(dir.path(), &["extract", "--out", "out"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("b-innocent"), "{}", run.stderr);
    let innocent = std::fs::read_to_string(out.join("b-innocent.sh")).unwrap();
    assert!(innocent.contains("\necho innocent\n"), "{innocent}");
    // The step bash cannot read is a comment and a failing stub; the
    // script passes `bash -n`, as every script extract writes does.
    let deep_script = std::fs::read_to_string(out.join("a-deep.sh")).unwrap();
    assert!(
        deep_script.contains("\n# | echo $(echo"),
        "{}",
        &deep_script[..2000]
    );
    assert!(passes_bash_n(&out.join("a-deep.sh")));
}

#[test]
fn shellcheck_says_nothing_of_the_stub_of_a_broken_step() {
    if !has_shellcheck() {
        eprintln!("shellcheck not installed; skipped");
        return;
    }
    let dir = book(&[(
        "a.md",
        &runbook(
            "```bash\necho \"unclosed\n```\n\n```bash\necho $(date\n```\n\n## `Restart` $HOME\n\n```bash\necho ok\n```\n",
        ),
    )]);
    let found = verify(dir.path(), &[]);
    assert!(found.iter().all(|f| f.1 != "shellcheck"), "{found:?}");
    assert_eq!(
        found.iter().filter(|f| f.1 == "shell-syntax").count(),
        2,
        "{found:?}"
    );
    // Nor does ShellCheck run on the script by itself, and the stub still
    // says why, backquotes and all.
    let run = runbook_in(dir.path(), &["extract", "--out", "out"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let script = dir.path().join("out/a.sh");
    let sc = Command::new("shellcheck").arg(&script).output().unwrap();
    assert!(
        sc.status.success(),
        "{}",
        String::from_utf8_lossy(&sc.stdout)
    );
    let run = Command::new("bash")
        .arg(&script)
        .args(["--only", "echo"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("cannot run: not valid shell: double quote `\"` is never closed"),
        "{stderr}"
    );
}

#[test]
fn a_skipped_blocks_text_never_becomes_a_shellcheck_directive() {
    if !has_shellcheck() {
        eprintln!("shellcheck not installed; skipped");
        return;
    }
    let dir = book(&[(
        "a.md",
        &runbook(
            "```bash {skip}\nshellcheck disable=SC2086\n# shellcheck disable=all\n```\n\n```bash {name=unquoted}\nls $HOME/x\n```\n",
        ),
    )]);
    let found = verify(dir.path(), &[]);
    let sc: Vec<_> = found.iter().filter(|f| f.1 == "shellcheck").collect();
    assert_eq!(sc.len(), 1, "{found:?}");
    assert_eq!(sc[0].2, 15, "{found:?}");
    assert!(sc[0].3.starts_with("SC2086"), "{found:?}");
}

#[test]
fn includes_outside_the_repository_are_refused_without_a_look() {
    let root = tempfile::tempdir().unwrap();
    let outside = root.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("secret.txt"), "hunter2\n").unwrap();
    let repo = root.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    write_book(
        &repo,
        &[
            (
                "a.md",
                &runbook(
                    "```bash\n{{#include ../outside/secret.tx}}\n{{#include ../outside/secret.txt}}\n{{#include ../nowhere/x.sh}}\n{{#include scripts/restor.sh}}\n```\n",
                ),
            ),
            ("scripts/restore.sh", b"echo restore\n"),
        ],
    );
    let run = runbook_in(&repo, &["lint", "--format", "json"], None);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json report");
    let broken: Vec<(u64, String)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "broken-include")
        .map(|d| (d["line"].as_u64().unwrap(), d.to_string()))
        .collect();
    assert_eq!(
        broken.iter().map(|b| b.0).collect::<Vec<_>>(),
        [10, 11, 12, 13]
    );
    // Existing or not, outside is outside: no name near it, no real path.
    for (_, finding) in &broken[..3] {
        assert!(finding.contains("is outside the repository"), "{finding}");
        assert!(!finding.contains("did you mean"), "{finding}");
        assert!(!finding.contains("secret.txt`?"), "{finding}");
        assert!(
            !finding.contains(&*root.path().to_string_lossy()),
            "{finding}"
        );
    }
    assert!(
        broken[3].1.contains("did you mean `scripts/restore.sh`?"),
        "{}",
        broken[3].1
    );
}

#[test]
fn a_runbook_that_is_not_utf8_is_reported_and_not_extracted() {
    let mut text = runbook("```bash\necho caf");
    text.extend_from_slice(b"\xe9\n```\n");
    let dir = book(&[
        ("latin1.md", &text),
        ("ok.md", &runbook("```bash\necho ok\n```\n")),
    ]);
    let found = verify(dir.path(), &["--no-shellcheck"]);
    assert!(
        found.iter().any(|f| f.0 == "latin1.md"
            && f.1 == "invalid-utf8"
            && f.2 == 10
            && f.3.starts_with("not valid UTF-8 at byte")),
        "{found:?}"
    );
    let run = runbook_in(dir.path(), &["extract", "--out", "out"], None);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("error: latin1.md:10:9: not valid UTF-8 at byte 97"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("no script written"), "{}", run.stderr);
    assert!(!dir.path().join("out/latin1.sh").exists());
    assert!(dir.path().join("out/ok.sh").exists());
    let run = runbook_in(dir.path(), &["dry-run", "latin1.md"], None);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("not valid UTF-8"), "{}", run.stderr);
}

/// A syntax error in included lines is found at the directive but fixed in
/// the included file: the message names it, and the line when bash tells
/// it (the lexer's own structure errors name the file).
#[test]
fn a_syntax_error_in_included_lines_names_the_included_file_and_line() {
    let dir = book(&[
        (
            "a.md",
            &runbook(
                "```bash\necho before\n{{#include scripts/bad.sh}}\n```\n\n```bash\n{{#include scripts/bad.sh:2:4}}\n```\n\n```bash\n{{#include scripts/open.sh}}\n```\n",
            ),
        ),
        (
            "scripts/bad.sh",
            b"echo one\necho two\necho three >\necho four\n",
        ),
        (
            "scripts/open.sh",
            b"echo one\nif true; then\n  echo never closed\n",
        ),
    ]);
    let found = verify(dir.path(), &["--no-shellcheck"]);
    let syntax: Vec<_> = found
        .iter()
        .filter(|f| f.1 == "shell-syntax")
        .map(|f| (f.2, f.3.as_str()))
        .collect();
    assert_eq!(syntax.len(), 3, "{found:?}");
    // At the directive, naming the file and the line bash stopped at.
    assert_eq!(syntax[0].0, 11);
    assert!(
        syntax[0].1.ends_with("(in `scripts/bad.sh:3`)"),
        "{syntax:?}"
    );
    assert_eq!(syntax[1].0, 15);
    assert!(
        syntax[1].1.ends_with("(in `scripts/bad.sh:3`)"),
        "{syntax:?}"
    );
    assert_eq!(syntax[2].0, 19);
    assert!(
        syntax[2].1.contains("`if` is never closed")
            && syntax[2].1.ends_with("(in `scripts/open.sh`)"),
        "{syntax:?}"
    );
}

#[test]
fn a_missing_shellcheck_or_bash_is_said_in_every_format() {
    let dir = book(&[("a.md", &runbook("```bash\necho ok\n```\n"))]);
    let bin = path_with_bash_only();
    for format in ["human", "json", "sarif", "github", "gitlab"] {
        let run = runbook_in(
            dir.path(),
            &["verify", "--format", format],
            Some(bin.path()),
        );
        assert_eq!(run.code, 0, "{format}: {}", run.stderr);
        assert!(
            run.stderr.contains("shellcheck is not installed"),
            "{format}: {}",
            run.stderr
        );
    }
    let run = runbook_in(dir.path(), &["verify", "--no-shellcheck"], Some(bin.path()));
    assert!(!run.stderr.contains("shellcheck"), "{}", run.stderr);

    let empty = tempfile::tempdir().unwrap();
    for command in [&["verify"][..], &["extract", "--out", "out"]] {
        let run = runbook_in(dir.path(), command, Some(empty.path()));
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(
            run.stderr
                .contains("error: cannot run `bash -n`: bash was not found"),
            "{command:?}: {}",
            run.stderr
        );
    }
}

#[test]
fn out_failures_name_the_real_path_and_say_what_was_written() {
    let dir = book(&[
        ("db/restore.md", &runbook("```bash\necho restore\n```\n")),
        ("top.md", &runbook("```bash\necho top\n```\n")),
        ("a.md", &runbook("```bash\necho a\n```\n")),
        ("a.markdown", &runbook("```bash\necho a-markdown\n```\n")),
    ]);
    // `--out` is a file.
    std::fs::write(dir.path().join("afile"), "").unwrap();
    let run = runbook_in(dir.path(), &["extract", "--out", "afile"], None);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("error: --out afile is a file, not a folder"),
        "{}",
        run.stderr
    );

    // A folder on the way is a file; two runbooks want one script.
    std::fs::create_dir(dir.path().join("o2")).unwrap();
    std::fs::write(dir.path().join("o2/db"), "").unwrap();
    let run = runbook_in(dir.path(), &["extract", "--out", "o2"], None);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("error: o2/db/restore.sh: not written: `o2/db` is a file, not a folder\n"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains(".tmp"), "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "error: a.md: no script written: its script would be o2/a.sh, which is a.markdown's"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("4 scripts in o2: 2 written, 0 unchanged, 2 not written"),
        "{}",
        run.stderr
    );
    // The first of them is written, as the error says.
    let a = std::fs::read_to_string(dir.path().join("o2/a.sh")).unwrap();
    assert!(a.contains("\necho a-markdown\n"), "{a}");
}
