//! `runbook extract`, `verify` and `dry-run`, run as a user runs them.

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/extract")
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn runbook_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let today: &[&str] = if args.first() == Some(&"rules") {
        &[]
    } else {
        &["--today", "2026-11-25"]
    };
    let output = Command::new(env!("CARGO_BIN_EXE_runbook"))
        .args(args)
        .args(today)
        .current_dir(dir)
        .envs(env.iter().copied())
        .output()
        .expect("run runbook");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn runbook(args: &[&str]) -> Run {
    runbook_in(&fixtures(), args, &[])
}

/// `(rule, line)` of every finding `verify --format json` reports.
fn verify(file: &str) -> Vec<(String, usize)> {
    verify_in(&fixtures(), file)
}

/// A book whose source folder is its root, holding `files` (path, text).
fn book(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// The script `runbook extract` writes for `file` of the book in `dir`.
fn extracted(dir: &Path, file: &str) -> String {
    let (_out, script) = extract_script(dir, file);
    std::fs::read_to_string(script).unwrap()
}

/// Extracts `file` of the book in `dir` into a folder of its own: the
/// folder (kept while it lives) and the script's path, to run it.
fn extract_script(dir: &Path, file: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let out = tempfile::tempdir().unwrap();
    let run = runbook_in(
        dir,
        &["extract", file, "--out", out.path().to_str().unwrap()],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let script = out.path().join(file.replace(".md", ".sh"));
    (out, script)
}

/// The front matter and title of a runbook that lints clean.
const FRONT: &str =
    "---\ntitle: R\nowner: ops\nlast_reviewed: 2026-11-20\nstatus: authoritative\n---\n# R\n\n";

fn verify_in(dir: &Path, file: &str) -> Vec<(String, usize)> {
    let run = runbook_in(dir, &["verify", file, "--format", "json"], &[]);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json report");
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["suppressed"].is_null())
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap() as usize,
            )
        })
        .collect()
}

fn lines_of(found: &[(String, usize)], rule: &str) -> Vec<usize> {
    found
        .iter()
        .filter(|(r, _)| r == rule)
        .map(|(_, l)| *l)
        .collect()
}

fn has_shellcheck() -> bool {
    Command::new("shellcheck").arg("--version").output().is_ok()
}

#[test]
fn syntax_errors_in_process_and_from_bash() {
    let found = verify("syntax.md");
    // The unclosed quote and the `if` without `fi`, at the `if`; the valid
    // block with a here-document is fine.
    assert_eq!(lines_of(&found, "shell-syntax"), vec![11, 15], "{found:?}");
    let lint = runbook(&["lint", "syntax.md", "--format", "json"]);
    assert!(
        lint.stdout.contains("\"shell-syntax\""),
        "lint reports it too"
    );
}

#[test]
fn output_in_shell_blocks() {
    let found = verify("output.md");
    // Line 79: a `bash` transcript's line that lost its prompt, read as
    // output though it looks like a command. Not in a `console` block (84),
    // nor for output that merely starts with a word (88 on).
    assert_eq!(
        lines_of(&found, "shell-output"),
        vec![14, 44, 48, 52, 79],
        "{found:?}"
    );
    // The transcript's `> ` lines are its here-document and loop: the
    // script holds them as code, and it passes `bash -n`.
    assert!(lines_of(&found, "shell-syntax").is_empty(), "{found:?}");
    let out = tempfile::tempdir().unwrap();
    let run = runbook(&[
        "extract",
        "output.md",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let script = std::fs::read_to_string(out.path().join("output.sh")).unwrap();
    assert!(
        script.contains("cat <<EOF > /tmp/app.conf\nlisten 8080\nEOF\nfor host in a b; do\n  echo \"$host\"\ndone\n"),
        "{script}"
    );
    assert!(script.contains("\n> /var/log/app.log\n"), "{script}");
}

#[test]
fn placeholders_become_variables() {
    let found = verify("placeholders.md");
    assert_eq!(
        lines_of(&found, "unresolved-placeholder"),
        vec![11, 12, 13],
        "{found:?}"
    );
    let out = tempfile::tempdir().unwrap();
    let run = runbook(&[
        "extract",
        "placeholders.md",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let script = std::fs::read_to_string(out.path().join("placeholders.sh")).unwrap();
    assert!(script.contains("supabase backups restore \"${BACKUP_ID:?"));
    assert!(script.contains("-- \"${MIGRATION_NAME:?"));
    assert!(script.contains("X-Api-Key: ${API_KEY:?"));
    assert!(script.contains("kill -TERM \"${PID:?"));
    assert!(script.contains("echo \"${arr[idx]}\" '[ERROR]'"));
    for var in ["BACKUP_ID", "MIGRATION_NAME", "API_KEY", "PID"] {
        assert!(
            script.contains(&format!("#   {var} ")),
            "{var} in the header"
        );
    }
}

/// Only a command before the placeholder resolves it: not a later step,
/// not the assignment that holds it, not `export NAME` without a value.
#[test]
fn placeholders_are_resolved_only_by_earlier_steps() {
    let found = verify("placeholders-order.md");
    assert_eq!(
        lines_of(&found, "unresolved-placeholder"),
        vec![11, 13, 14],
        "{found:?}"
    );
    let json = runbook(&["verify", "placeholders-order.md", "--format", "json"]).stdout;
    assert!(
        json.contains("`BACKUP_ID` is set only in a later step (line 20)"),
        "{json}"
    );
}

/// `{{name}}` is a placeholder; a Go template is not. In quotes, a pattern
/// or text of `grep`, `sed`, `echo` is literal unless its name is one only
/// a placeholder has; a quoted argument of any other command is a value.
#[test]
fn placeholders_in_quotes_and_templates() {
    let found = verify("placeholders-quoted.md");
    assert_eq!(
        lines_of(&found, "unresolved-placeholder"),
        vec![11, 11, 12, 13, 14, 15, 16],
        "{found:?}"
    );
    let out = tempfile::tempdir().unwrap();
    let run = runbook(&[
        "extract",
        "placeholders-quoted.md",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let script = std::fs::read_to_string(out.path().join("placeholders-quoted.sh")).unwrap();
    assert!(
        script.contains("deploy/\"${NAME:?fill in name (line 11)"),
        "{script}"
    );
    for literal in [
        "grep -v '<none>'",
        "{{end}}'",
        "echo \"Press [enter] to continue\"",
    ] {
        assert!(script.contains(literal), "{literal}: {script}");
    }
}

/// `[word]` where bash reads it as its own syntax is no placeholder: a
/// glob's bracket expression (`*.[gz]`, `[ab]*.log`), a `[[ == ]]` or
/// `case` pattern, an array subscript (`([api]=3)`, `R[web]=1`). The
/// script keeps those as written, and `lint` reports none of them; a
/// placeholder in a path or after an option still is one.
#[test]
fn brackets_that_are_bash_are_no_placeholders() {
    let found = verify("placeholders-bash.md");
    assert_eq!(
        lines_of(&found, "unresolved-placeholder"),
        vec![11, 12, 13, 14, 15, 16, 16],
        "{found:?}"
    );
    assert!(
        !found.iter().any(|(rule, _)| rule == "shellcheck"),
        "{found:?}"
    );
    let linted = runbook(&["lint", "placeholders-bash.md", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&linted.stdout).expect("json report");
    let lines: Vec<u64> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "unresolved-placeholder")
        .map(|d| d["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![11, 12, 13, 14, 15, 16, 16]);

    let script = extracted(&fixtures(), "placeholders-bash.md");
    for kept in [
        "ls /var/log/nginx/*.[gz]\n",
        "rm -f build/*.[oa] [ab]*.log\n",
        "[[ $answer == [yn] ]] && echo ok\n",
        "[[ $answer != [yn]* || $answer =~ ^[yn]$ ]] || echo no\n",
        "  [yn]) echo ok ;;\n  (n|[abort]) echo no ;;\n",
        // A block's own `declare` is made global (see
        // `declared_variables_reach_the_next_steps`).
        "declare -g -A REPLICAS=([api]=3 [worker]=2)\n",
    ] {
        assert!(script.contains(kept), "{kept}: {script}");
    }
    for filled in [
        "kubectl -n \"${NAMESPACE:?",
        "--id \"${USER_ID:?",
        "ssh \"${HOST:?",
        "/backups/*/\"${BACKUP_ID:?",
        "/srv/\"${APP:?",
    ] {
        assert!(script.contains(filled), "{filled}: {script}");
    }
}

/// `your-domain.com`, `your_bucket`: lowercase names starting with `your`
/// are placeholders, a host name whole; `yourself` is a word.
#[test]
fn placeholders_starting_with_your() {
    let found = verify("placeholders-your.md");
    assert_eq!(
        lines_of(&found, "unresolved-placeholder"),
        vec![11, 12, 13],
        "{found:?}"
    );
    let out = tempfile::tempdir().unwrap();
    let run = runbook(&[
        "extract",
        "placeholders-your.md",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let script = std::fs::read_to_string(out.path().join("placeholders-your.sh")).unwrap();
    for expected in [
        "https://\"${DOMAIN:?fill in your-domain.com (line 11)",
        "s3://\"${BUCKET:?fill in your_bucket (line 12)",
        "origin \"${RELEASE_BRANCH:?fill in your-release-branch (line 13)",
        "ls /srv/yourapp\n",
    ] {
        assert!(script.contains(expected), "{expected}: {script}");
    }
}

/// A placeholder pattern that can match empty text matches between every
/// two characters; those empty matches are no placeholders. (Found by the
/// `config` fuzz target: two of them at one offset panicked the script
/// writer.)
#[test]
fn a_placeholder_pattern_matching_empty_text_finds_only_real_placeholders() {
    let book = tempfile::tempdir().unwrap();
    std::fs::write(
        book.path().join("book.toml"),
        "[book]\nsrc = \".\"\n[extract]\nplaceholders = ['<([a-z-]+)>|x*', '<|y']\n",
    )
    .unwrap();
    std::fs::write(
        book.path().join("restore.md"),
        "---\ntitle: Restore\nowner: ops\nlast_reviewed: 2026-11-01\nstatus: draft\n---\n# Restore\n\n```bash\npg_restore <backup-id> now\n```\n\n## Rollback\n\nNone.\n",
    )
    .unwrap();
    let found = verify_in(book.path(), "restore.md");
    assert_eq!(
        found,
        [("unresolved-placeholder".to_string(), 10)],
        "{found:?}"
    );
    let run = runbook_in(book.path(), &["extract", "--out", "scripts"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let script = std::fs::read_to_string(book.path().join("scripts/restore.sh")).unwrap();
    assert!(
        script.contains("\npg_restore \"${BACKUP_ID:?fill in <backup-id> (line 10): pass --var BACKUP_ID=...}\" now\n"),
        "{script}"
    );
}

/// Every way bash sets a variable counts (`declare`, `printf -v`,
/// `mapfile -t`, `read -p PROMPT`, `getopts`, `select`, `let`, ...);
/// `printf` without `-v` only reads one. After `source`, any variable may
/// be set: neither the rule nor the script asks for those read later.
#[test]
fn variables_never_set() {
    let found = verify("variables.md");
    assert_eq!(
        lines_of(&found, "undefined-variable"),
        vec![11, 12, 41],
        "{found:?}"
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("scripts");
    let run = runbook(&["extract", "variables.md", "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let script = std::fs::read_to_string(out.join("variables.sh")).unwrap();
    assert!(script.contains(": \"${REGION:?step "), "{script}");
    assert!(!script.contains("${SOURCED_URL:?"), "{script}");
    assert!(!script.contains("${RETRIES:?"), "{script}");
}

/// Steps run in order: a variable read before the step that sets it is
/// unset there, and only that step checks it. A read in a function body
/// (the function may be called later) or above an assignment in the same
/// block (a loop may set it first) is not reported.
#[test]
fn variables_read_before_the_step_that_sets_them() {
    let found = verify("variables-order.md");
    assert_eq!(found, [("undefined-variable".to_string(), 12)], "{found:?}");
    let run = runbook(&["verify", "variables-order.md", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json report");
    let finding = &json["diagnostics"][0];
    assert_eq!(
        finding["message"],
        "`$KEY_NAME` is read before any step sets it"
    );
    assert!(
        finding["help"]
            .as_str()
            .unwrap()
            .starts_with("a later step sets it (line 18): move that step before this one"),
        "{finding}"
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("scripts");
    let run = runbook(&[
        "extract",
        "variables-order.md",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let script = std::fs::read_to_string(out.join("variables-order.sh")).unwrap();
    assert!(
        script.contains("#   KEY_NAME  used at line 12, before the step that sets it (line 18)\n"),
        "{script}"
    );
    assert_eq!(script.matches("${KEY_NAME:?").count(), 1, "{script}");
    assert!(!script.contains("${KEY_VERSION:?"), "{script}");
    assert!(!script.contains("${LAST_ERROR:?"), "{script}");
}

/// A finding in a line with placeholders points at its own column: the
/// script's code has each placeholder replaced by a longer expansion, and
/// an offset there is mapped back to the code as written.
#[test]
fn findings_after_a_placeholder_point_at_their_own_column() {
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        "echo <backup-id> $FIRST",
        "echo '<name>' \"$SECOND\" <other> $THIRD",
    ];
    let text = format!(
        "---\ntitle: t\nowner: a\nlast_reviewed: 2026-11-01\nstatus: active\n---\n\n# T\n\n```bash\n{}\n```\n\n## Rollback\n\nUndo.\n",
        lines.join("\n")
    );
    std::fs::write(dir.path().join("t.md"), text).unwrap();
    let run = runbook_in(dir.path(), &["verify", "t.md", "--format", "json"], &[]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json report");
    let found: Vec<(u64, u64, u64)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "undefined-variable")
        .map(|d| {
            let n = |k: &str| d[k].as_u64().unwrap();
            (n("line"), n("column"), n("end_column"))
        })
        .collect();
    let at = |line: usize, var: &str| {
        let col = lines[line].find(var).unwrap() as u64 + 1;
        (11 + line as u64, col, col + var.len() as u64)
    };
    assert_eq!(
        found,
        vec![at(0, "$FIRST"), at(1, "$SECOND"), at(1, "$THIRD")],
        "{}",
        run.stdout
    );
}

/// A `requires` name the shell cannot check is a finding, and stays out of
/// the script: a line break in the JSON form would end the header's
/// comment and run the rest as a command.
#[test]
fn requires_names_that_are_not_variables() {
    let found = verify("requires.md");
    assert_eq!(
        lines_of(&found, "requires-invalid"),
        vec![10, 16, 16],
        "{found:?}"
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("scripts");
    let run = runbook(&["extract", "requires.md", "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let script = std::fs::read_to_string(out.join("requires.sh")).unwrap();
    let header = script.split("set -euo pipefail").next().unwrap();
    assert!(header.lines().all(|l| l.starts_with('#')), "{header}");
    assert!(header.contains("#   PGHOST  required by step "), "{header}");
    assert!(
        !script.contains("pwned") && !script.contains("PG-USER"),
        "{script}"
    );
}

#[test]
fn destructive_commands_need_a_warning() {
    let found = verify("destructive.md");
    // Line 39: the comment above it is no warning paragraph.
    assert_eq!(
        lines_of(&found, "destructive-command"),
        vec![11, 12, 39],
        "{found:?}"
    );
    let found = verify("suppressed.md");
    assert!(
        lines_of(&found, "destructive-command").is_empty(),
        "{found:?}"
    );
}

/// A paragraph warns when it opens as a warning or says what cannot be
/// undone; a word that only appears in it does not ("ignore the
/// deprecation warning", "there is no danger of data loss").
#[test]
fn a_warning_must_say_so() {
    let found = verify("destructive-warnings.md");
    assert_eq!(
        lines_of(&found, "destructive-command"),
        vec![11, 17, 23],
        "{found:?}"
    );
}

#[test]
fn credentials_in_commands() {
    let found = verify("credentials.md");
    assert_eq!(
        lines_of(&found, "credential-in-command"),
        vec![11, 12],
        "{found:?}"
    );
}

/// Secrets as runbooks really paste them (an AWS secret key, `curl -u`,
/// form data, `MYSQL_PWD`), and what only looks like one: an address in
/// a URL's path, a variable, a placeholder, a user without a password.
#[test]
fn more_credentials_and_what_is_not_one() {
    let found = verify("more-secrets.md");
    assert_eq!(
        lines_of(&found, "credential-in-command"),
        vec![11, 12, 13, 14, 15],
        "{found:?}"
    );
}

/// Secrets in every form they are pasted in are found; a value that
/// stands for one (a command substitution in backquotes, a template, a
/// file to read, a placeholder, a masked value) is no secret, whichever
/// rule it meets.
#[test]
fn secrets_and_what_stands_for_one() {
    let found = verify("stand-in-secrets.md");
    assert_eq!(
        lines_of(&found, "credential-in-command"),
        vec![11, 12, 13, 14, 15, 16, 17],
        "{found:?}"
    );
    // A placeholder is one finding, not also a secret.
    let found = verify("stand-in-placeholder.md");
    assert_eq!(
        found,
        vec![("unresolved-placeholder".to_string(), 9)],
        "{found:?}"
    );
}

/// A secret is leaked wherever it is pasted: in a transcript's output, a
/// comment, a block marked `{skip}`, a block that shows output below its
/// commands (whose commands are still checked for what they destroy), a
/// manifest. Values that stand for one are no secret there either.
#[test]
fn secrets_are_found_in_every_code_block_line() {
    let found = verify("secrets-everywhere.md");
    assert_eq!(
        lines_of(&found, "credential-in-command"),
        vec![13, 15, 21, 26, 33, 41],
        "{found:?}"
    );
    assert_eq!(
        lines_of(&found, "destructive-command"),
        vec![32],
        "{found:?}"
    );
    assert_eq!(lines_of(&found, "shell-output"), vec![34], "{found:?}");
}

/// A step runs as a function, where a plain `declare` is local: the
/// script makes a block's own `declare` and `typeset` global, as a
/// terminal keeps them for the next block, and leaves those of a function
/// the block defines alone.
#[test]
fn declared_variables_reach_the_next_steps() {
    let text = format!(
        "{FRONT}## Set up\n\n```bash\ndeclare NS=web\ndeclare -A REPLICAS\nREPLICAS[api]=3\ntypeset -r CONTEXT=prod\n```\n\n\
         ## Scale\n\n```bash\necho \"$CONTEXT $NS ${{REPLICAS[api]}}\"\n```\n\n\
         ## Rollback\n\n```bash\nshow() {{ declare x=local; echo \"$x\"; }}\nshow\n```\n"
    );
    let dir = book(&[("r.md", &text)]);
    let (_out, script) = extract_script(dir.path(), "r.md");
    let text = std::fs::read_to_string(&script).unwrap();
    assert!(text.contains("declare -g -A REPLICAS\n"), "{text}");
    assert!(text.contains("show() { declare x=local;"), "{text}");
    let run = Command::new("bash").arg(&script).output().unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&run.stdout), "prod web 3\nlocal\n");
}

/// A `declare` made global shifts the code the script runs against the
/// code as written: what is only printed is still told from what runs.
#[test]
fn a_global_declare_does_not_shift_what_is_read_as_text() {
    let text = format!(
        "{FRONT}```bash\ndeclare A=1\ndeclare B=2\ndeclare C=3\necho \"rm -rf /tmp/x is never run\"\n```\n\n\
         ## Rollback\n\nNothing to undo.\n"
    );
    let dir = book(&[("r.md", &text)]);
    let found = verify_in(dir.path(), "r.md");
    assert!(
        lines_of(&found, "destructive-command").is_empty(),
        "{found:?}"
    );
}

/// bash's grammar does not judge a `zsh` block: zsh's short `for` is no
/// error there, though its destructive commands are still found, and the
/// script, which bash runs, keeps the block as a comment saying why.
#[test]
fn zsh_blocks_are_not_judged_as_bash() {
    let found = verify("zsh.md");
    assert_eq!(lines_of(&found, "shell-syntax"), vec![18], "{found:?}");
    assert_eq!(
        lines_of(&found, "destructive-command"),
        vec![12],
        "{found:?}"
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("scripts");
    let run = runbook(&["extract", "zsh.md", "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let script = std::fs::read_to_string(out.join("zsh.sh")).unwrap();
    assert!(
        script.contains("not valid bash, which runs the script"),
        "{script}"
    );
}

/// A destructive command is reported where the shell runs it (a quoted
/// argument of `bash -c` or `ssh`, a here-document piped to `sh`, root's
/// `# ` prompt in a console block of such prompts alone), not where it is
/// only printed, searched for, commented on or written to a file.
#[test]
fn destructive_commands_where_they_run() {
    let found = verify("destructive-where-it-runs.md");
    assert_eq!(
        lines_of(&found, "destructive-command"),
        vec![11, 12, 13, 14, 15, 16, 17, 19, 22, 27, 28, 32, 36, 37],
        "{found:?}"
    );
    // Beside `$` prompts, root's `# ` is a note, not a command.
    assert!(lines_of(&found, "shell-syntax").is_empty(), "{found:?}");
}

/// `rm -r` without `-f` and `find -delete` delete as surely as `rm -rf`.
#[test]
fn recursive_deletes_without_force() {
    let found = verify("more-deletes.md");
    assert_eq!(
        lines_of(&found, "destructive-command"),
        vec![11, 12, 13, 14],
        "{found:?}"
    );
}

/// SQL and Redis blocks are not shell, but what they drop and the
/// passwords in them are found as in a shell block; a statement written
/// over several lines is read whole, in a SQL block or a here-document.
#[test]
fn destructive_queries_and_passwords_in_database_blocks() {
    let found = verify("queries.md");
    assert_eq!(
        lines_of(&found, "destructive-command"),
        vec![12, 13, 18],
        "{found:?}"
    );
    assert_eq!(
        lines_of(&found, "credential-in-command"),
        vec![14, 19, 23, 24],
        "{found:?}"
    );
    assert!(lines_of(&found, "shell-syntax").is_empty(), "{found:?}");
}

#[test]
fn shellcheck_findings_at_markdown_lines() {
    if !has_shellcheck() {
        // CI installs shellcheck; without it verify says so and skips it.
        let run = runbook(&["verify", "shellcheck.md"]);
        assert!(run.stderr.contains("shellcheck is not installed"));
        return;
    }
    let found = verify("shellcheck.md");
    assert_eq!(lines_of(&found, "shellcheck"), vec![11], "{found:?}");
    // A ~/.shellcheckrc turning the check off changes nothing: CI and a
    // laptop agree.
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join(".shellcheckrc"), "disable=all\n").unwrap();
    let run = runbook_in(
        &fixtures(),
        &["verify", "shellcheck.md", "--format", "json"],
        &[("HOME", home.path().to_str().unwrap())],
    );
    assert!(run.stdout.contains("\"shellcheck\""), "{}", run.stdout);
    let run = runbook(&[
        "verify",
        "shellcheck.md",
        "--no-shellcheck",
        "--format",
        "json",
    ]);
    assert!(!run.stdout.contains("\"shellcheck\""));
}

/// ShellCheck's levels are kept: its errors fail the run (a space after
/// `\` cuts `--dry-run` off a delete), its style notes are no warnings;
/// book.toml setting the rule's level sets it for all. A block holding
/// only a ShellCheck directive does not stop ShellCheck reading the rest.
#[test]
fn shellcheck_levels_are_kept() {
    if !has_shellcheck() {
        return;
    }
    let runbook_text = format!(
        "{FRONT}## Delete\n\n```bash\nkubectl -n prod delete pod web-0 \\ \n  --dry-run=client\n```\n\n\
         ## Directive\n\n```bash\n# shellcheck disable=SC2086\n```\n\n\
         ## Style\n\n```bash\necho \"`date`\" $HOME\n```\n\n## Rollback\n\nNothing to undo.\n"
    );
    let dir = book(&[("r.md", &runbook_text)]);
    let levels = |dir: &Path| {
        let run = runbook_in(dir, &["verify", "r.md", "--format", "json"], &[]);
        let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json report");
        let found: Vec<(u64, String, String)> = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["rule"] == "shellcheck")
            .map(|d| {
                let message = d["message"].as_str().unwrap();
                (
                    d["line"].as_u64().unwrap(),
                    message[..message.find(':').unwrap()].to_string(),
                    d["severity"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        (run.code, found)
    };
    let (code, found) = levels(dir.path());
    assert_eq!(code, 1, "{found:?}");
    let at = |line: u64, code: &str| {
        found
            .iter()
            .find(|(l, c, _)| *l == line && c == code)
            .map(|f| f.2.as_str())
    };
    assert_eq!(at(12, "SC1101"), Some("error"), "{found:?}");
    assert_eq!(at(25, "SC2006"), Some("info"), "{found:?}");
    assert_eq!(at(25, "SC2086"), Some("info"), "{found:?}");
    assert!(
        found.iter().all(|(l, _, _)| [12, 13, 25].contains(l)),
        "{found:?}"
    );

    std::fs::write(
        dir.path().join("book.toml"),
        "[book]\nsrc = \".\"\n\n[lint.rules]\nshellcheck = \"warning\"\n",
    )
    .unwrap();
    let (code, found) = levels(dir.path());
    assert_eq!(code, 0, "{found:?}");
    assert!(found.iter().all(|f| f.2 == "warning"), "{found:?}");
}

/// Size alone does not bound ShellCheck: 24 KB of `true && true && ...`
/// took it 13 GB, and 60 KB of nested subshells the whole machine. Past
/// 1 GB it is stopped, that runbook says it was not checked, and the
/// others of its batch are still checked.
#[test]
fn shellcheck_is_stopped_before_it_takes_the_machine() {
    if !has_shellcheck() {
        // CI installs shellcheck; without it verify says so and skips it.
        let run = runbook(&["verify", "shellcheck.md"]);
        assert!(run.stderr.contains("shellcheck is not installed"));
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixtures().join("shellcheck.md"),
        dir.path().join("shellcheck.md"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("chain.md"),
        format!(
            "---\ntitle: Chain\n---\n\n# Chain\n\n```bash\n{}true\n```\n",
            "true && ".repeat(6000)
        ),
    )
    .unwrap();
    let run = runbook_in(dir.path(), &["verify", ".", "--format", "json"], &[]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json report");
    let shellcheck = shellcheck_findings(&json);
    assert_eq!(shellcheck.len(), 2, "{shellcheck:?}");
    let (path, line, message) = shellcheck[0];
    assert!(path.ends_with("chain.md") && line == 7, "{shellcheck:?}");
    assert!(
        message.contains("more than 1 GB of memory") && message.contains("was stopped"),
        "{message}"
    );
    let (path, line, _) = shellcheck[1];
    assert!(
        path.ends_with("shellcheck.md") && line == 11,
        "{shellcheck:?}"
    );
}

/// The `shellcheck` findings of a JSON report: path, line and message.
fn shellcheck_findings(json: &serde_json::Value) -> Vec<(&str, u64, &str)> {
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "shellcheck")
        .map(|d| {
            (
                d["path"].as_str().unwrap(),
                d["line"].as_u64().unwrap(),
                d["message"].as_str().unwrap(),
            )
        })
        .collect()
}

/// ShellCheck needs about 2 GB of memory per MB of script: a runbook whose
/// script is over 100 KB is not given to it, and says so; the others still
/// are.
#[test]
fn a_script_too_large_for_shellcheck_is_reported_not_checked() {
    if !has_shellcheck() {
        // CI installs shellcheck; without it verify says so and skips it.
        let run = runbook(&["verify", "shellcheck.md"]);
        assert!(run.stderr.contains("shellcheck is not installed"));
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixtures().join("shellcheck.md"),
        dir.path().join("shellcheck.md"),
    )
    .unwrap();
    // About 180 KB of script.
    let steps: Vec<String> = (0..5000)
        .map(|i| format!("ls $DIR/step-{i} | grep -c x"))
        .collect();
    std::fs::write(
        dir.path().join("huge.md"),
        format!(
            "---\ntitle: Huge\n---\n\n# Huge\n\n```bash {{requires=DIR}}\n{}\n```\n",
            steps.join("\n")
        ),
    )
    .unwrap();
    let run = runbook_in(dir.path(), &["verify", ".", "--format", "json"], &[]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json report");
    let shellcheck = shellcheck_findings(&json);
    let first = &shellcheck[..shellcheck.len().min(3)];
    assert_eq!(shellcheck.len(), 2, "{first:?}");
    let (path, line, message) = shellcheck[0];
    assert!(path.ends_with("huge.md") && line == 7, "{first:?}");
    assert!(
        message.contains("over the 100 KB ShellCheck is given: not checked by ShellCheck"),
        "{message}"
    );
    assert!(shellcheck[1].0.ends_with("shellcheck.md") && shellcheck[1].1 == 11);
}

#[test]
fn every_format_reports_verify_findings() {
    // SARIF goes through the same reporter as lint's; its content is tested there.
    for format in ["human", "json", "sarif", "github", "gitlab"] {
        let run = runbook(&[
            "verify",
            "credentials.md",
            "--format",
            format,
            "--no-shellcheck",
        ]);
        assert_eq!(run.code, 1, "{format}: {}", run.stderr);
        if format != "sarif" {
            assert!(
                run.stdout.contains("credentials.md"),
                "{format}: {}",
                run.stdout
            );
        }
    }
    let run = runbook(&["verify", "credentials.md", "--no-shellcheck"]);
    assert!(run.stdout.contains("credentials.md:11:"), "{}", run.stdout);
}

#[test]
fn lint_runs_the_command_rules() {
    let run = runbook(&["lint", "destructive.md", "variables.md", "--format", "json"]);
    for rule in ["destructive-command", "undefined-variable"] {
        assert!(run.stdout.contains(&format!("\"{rule}\"")), "{rule}");
    }
    let rules = runbook(&["rules"]);
    for rule in [
        "shell-syntax",
        "shell-output",
        "unresolved-placeholder",
        "undefined-variable",
        "destructive-command",
        "credential-in-command",
        "shellcheck",
    ] {
        assert!(rules.stdout.contains(rule), "{rule} listed");
    }
}

fn extract_tree(out: &Path) -> Run {
    runbook_in(
        &fixtures().join("tree"),
        &["extract", "--out", out.to_str().unwrap()],
        &[],
    )
}

#[test]
fn extract_mirrors_the_tree_deterministically() {
    let out = tempfile::tempdir().unwrap();
    let run = extract_tree(out.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("content/db/restore.md:39: step `echo` fails in the script"),
        "{}",
        run.stderr
    );
    let restore = out.path().join("db/restore.sh");
    let deploy = out.path().join("web/deploy.sh");
    assert!(restore.is_file() && deploy.is_file());
    assert!(
        !out.path().join("web/notes.sh").exists(),
        "no commands, no script"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&restore).unwrap().permissions().mode();
        assert_eq!(mode & 0o111, 0o111, "executable");
    }
    let first = std::fs::read(&restore).unwrap();
    let other = tempfile::tempdir().unwrap();
    assert_eq!(extract_tree(other.path()).code, 0);
    assert_eq!(
        first,
        std::fs::read(other.path().join("db/restore.sh")).unwrap()
    );
    let again = extract_tree(out.path());
    assert!(
        again.stderr.contains("0 written, 2 unchanged"),
        "{}",
        again.stderr
    );

    let text = String::from_utf8(first).unwrap();
    assert!(text.starts_with("#!/usr/bin/env bash\n"));
    assert!(text.contains("\nset -euo pipefail\n"));
    assert!(text.contains("# Title:  Restore the database"));
    assert!(text.contains("# Owner:  team-db"));
    assert!(text.contains("# Source: db/restore.md"));
    assert!(text.contains("#   PGHOST     required by step restore"));
    assert!(text.contains("#   TICKET_ID  placeholder {{ticket_id}}"));
    assert!(text.contains("# Block at db/restore.md:15 (Restore the database > Procedure)"));
    assert!(text.contains("# Step printf is not run: skipped: documentation only"));
    assert!(text.contains("not valid shell: single quote"));
    let deploy_text = std::fs::read_to_string(&deploy).unwrap();
    for step in [
        "printf 'quarto\\n'",
        "step_warm_cache() {\nprintf 'pandoc\\n'",
        "printf 'hackmd\\n'",
        "printf 'session\\n'",
    ] {
        assert!(deploy_text.contains(step), "{step} in {deploy_text}");
    }
    assert!(!deploy_text.contains("\nsession\n"), "{deploy_text}");
    for script in [&restore, &deploy] {
        let check = Command::new("bash").arg("-n").arg(script).output().unwrap();
        assert!(check.status.success(), "bash -n {}", script.display());
    }
}

/// A file at a script's place that `runbook extract` did not write (a
/// hand-written `restore.sh`, a link) is the user's: it is left as it is,
/// said so, and the run fails; the other scripts are written, and a script
/// that extract wrote before is replaced when its runbook changed.
#[test]
fn extract_replaces_only_scripts_it_wrote() {
    let out = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(out.path().join("db")).unwrap();
    let mine = "#!/bin/sh\n# restore by hand\npg_restore backup.dump\n";
    std::fs::write(out.path().join("db/restore.sh"), mine).unwrap();

    let run = extract_tree(out.path());
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "db/restore.sh` is already there and `runbook extract` did not write it; not replaced"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_to_string(out.path().join("db/restore.sh")).unwrap(),
        mine
    );
    let deploy = out.path().join("web/deploy.sh");
    assert!(deploy.is_file(), "{}", run.stderr);

    // A script of an older version of the runbook is replaced.
    let generated = std::fs::read_to_string(&deploy).unwrap();
    std::fs::write(&deploy, generated.replace("set -euo pipefail", "set -eu")).unwrap();
    std::fs::remove_file(out.path().join("db/restore.sh")).unwrap();
    let run = extract_tree(out.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("2 written, 0 unchanged"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_to_string(&deploy).unwrap(), generated);
}

/// A copy of the `tree` fixture in a temporary folder, to change.
fn tree_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = fixtures().join("tree");
    for entry in walkdir::WalkDir::new(&from) {
        let entry = entry.unwrap();
        let to = dir.path().join(entry.path().strip_prefix(&from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
    dir
}

/// A script of a runbook since deleted is removed when the whole tree is
/// extracted (not when runbooks are named), and said why, truly; files
/// extract did not write stay, and so does a folder with one in it.
#[test]
fn extract_removes_scripts_whose_runbook_is_gone() {
    let tree = tree_copy();
    let gone = tree.path().join("content/db/gone.md");
    let notes = tree.path().join("content/web/notes.md");
    std::fs::copy(tree.path().join("content/db/restore.md"), &gone).unwrap();
    std::fs::copy(tree.path().join("content/web/deploy.md"), &notes).unwrap();
    let extract = |args: &[&str]| {
        let mut all = vec!["extract", "--out", "out"];
        all.extend(args);
        runbook_in(tree.path(), &all, &[])
    };
    assert_eq!(extract(&[]).code, 0);
    std::fs::write(tree.path().join("out/db/mine.sh"), "#!/bin/sh\necho mine\n").unwrap();
    std::fs::remove_file(&gone).unwrap();
    std::fs::write(&notes, "# Notes\n\nNo commands any more.\n").unwrap();

    let named = extract(&["content/db"]);
    assert_eq!(named.code, 0, "{}", named.stderr);
    assert!(
        tree.path().join("out/db/gone.sh").is_file(),
        "named runbooks prune nothing"
    );

    let run = extract(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for said in [
        "removed out/db/gone.sh: its runbook content/db/gone.md is gone\n",
        "removed out/web/notes.sh: its runbook content/web/notes.md has no command blocks left\n",
    ] {
        assert!(run.stderr.contains(said), "{said}: {}", run.stderr);
    }
    assert!(!tree.path().join("out/db/gone.sh").exists());
    assert!(!tree.path().join("out/web/notes.sh").exists());
    assert!(tree.path().join("out/db/mine.sh").is_file());
    assert!(tree.path().join("out/db/restore.sh").is_file());
    let listed = std::fs::read_to_string(tree.path().join("out/.runbook-scripts")).unwrap();
    assert_eq!(
        listed,
        "{\n  \"../content\": {\n    \"db/restore.sh\": \"db/restore.md\",\n    \
         \"web/deploy.sh\": \"web/deploy.md\"\n  }\n}\n"
    );
}

/// Books extracted to one `--out`, or one into `out` and another into
/// `out/web`, each remove only their own scripts: the list in each
/// folder names the book of every script. A script another book's
/// runbook still has is not replaced; one whose runbook is gone is.
#[test]
fn books_sharing_an_out_keep_each_others_scripts() {
    let base = tempfile::tempdir().unwrap();
    let runbook_md =
        std::fs::read_to_string(fixtures().join("tree/content/web/deploy.md")).unwrap();
    for (book, file) in [
        ("a", "deploy.md"),
        ("b", "db/restore.md"),
        ("c", "deploy.md"),
    ] {
        let path = base.path().join(book).join("content").join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &runbook_md).unwrap();
        std::fs::write(
            base.path().join(book).join("book.toml"),
            "[book]\nsrc = \"content\"\n",
        )
        .unwrap();
    }
    let extract = |book: &str, out: &str| {
        let config = format!("{book}/book.toml");
        runbook_in(
            base.path(),
            &["extract", "--config", &config, "--out", out],
            &[],
        )
    };
    for (book, out) in [
        ("a", "shared"),
        ("b", "shared"),
        ("a", "shared"),
        ("b", "shared/web"),
    ] {
        let run = extract(book, out);
        assert_eq!(run.code, 0, "{book} into {out}: {}", run.stderr);
        assert!(
            !run.stderr.contains("removed"),
            "{book} into {out}: {}",
            run.stderr
        );
    }
    for script in [
        "shared/deploy.sh",
        "shared/db/restore.sh",
        "shared/web/db/restore.sh",
    ] {
        assert!(base.path().join(script).is_file(), "{script}");
    }

    let run = extract("c", "shared");
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "error: c/content/deploy.md: no script written: its script would be \
             shared/deploy.sh, which is the script of "
        ) && run.stderr.contains(
            "a/content/deploy.md, of another book extracted there (as .runbook-scripts \
             lists); extract this book to another --out"
        ),
        "{}",
        run.stderr
    );
    std::fs::remove_dir_all(base.path().join("a")).unwrap();
    let run = extract("c", "shared");
    assert_eq!(run.code, 0, "{}", run.stderr);
    std::fs::remove_file(base.path().join("b/content/db/restore.md")).unwrap();
    let run = extract("b", "shared");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("removed shared/db/restore.sh: its runbook b/content/db/restore.md is gone"),
        "{}",
        run.stderr
    );
    assert!(base.path().join("shared/deploy.sh").is_file(), "c's now");
    assert!(base.path().join("shared/web/db/restore.sh").is_file());
    assert!(
        !base.path().join("shared/db").exists(),
        "left empty, removed"
    );
}

/// A folder of scripts an older runbook wrote has no list: whose each
/// script is cannot be told, so the first run removes none, names those
/// it did not write, and lists its own for the runs after it.
#[test]
fn scripts_no_list_names_are_kept() {
    let tree = tree_copy();
    let run = runbook_in(tree.path(), &["extract", "--out", "out"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    std::fs::remove_file(tree.path().join("out/.runbook-scripts")).unwrap();
    std::fs::copy(
        tree.path().join("out/db/restore.sh"),
        tree.path().join("out/db/old.sh"),
    )
    .unwrap();
    for said in [true, false] {
        let run = runbook_in(tree.path(), &["extract", "--out", "out"], &[]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(
            run.stderr
                .contains("kept out/db/old.sh: an older `runbook extract` wrote it"),
            said,
            "{}",
            run.stderr
        );
        assert!(!run.stderr.contains("removed"), "{}", run.stderr);
        assert!(tree.path().join("out/db/old.sh").is_file());
    }
    let listed = std::fs::read_to_string(tree.path().join("out/.runbook-scripts")).unwrap();
    assert!(!listed.contains("old.sh"), "{listed}");

    // A list that cannot be read stops the run before anything is written.
    std::fs::write(tree.path().join("out/.runbook-scripts"), "db/old.sh\n").unwrap();
    let run = runbook_in(tree.path(), &["extract", "--out", "out"], &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains(".runbook-scripts` is not a list of scripts `runbook extract` wrote"),
        "{}",
        run.stderr
    );
    assert!(tree.path().join("out/db/old.sh").is_file());
}

/// A runbook extract could not read (over the size limit, a link out of
/// the repository, a name not UTF-8) fails the run with exit 2, as one it
/// cannot turn into a script does, and the run removes no script: neither
/// the earlier script of the runbook not read nor one whose runbook is
/// gone, until a run reads every runbook.
#[cfg(unix)]
#[test]
fn a_runbook_not_read_fails_extract_and_removes_no_script() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let base = tempfile::tempdir().unwrap();
    let tree = base.path().join("tree");
    std::fs::create_dir(&tree).unwrap();
    for file in ["book.toml", "ok.md", "later.md"] {
        std::fs::copy(fixtures().join("not-read").join(file), tree.join(file)).unwrap();
    }
    std::fs::copy(tree.join("later.md"), tree.join("gone.md")).unwrap();
    let extract = || runbook_in(&tree, &["extract", "--out", "out"], &[]);
    let run = extract();
    assert_eq!(run.code, 0, "{}", run.stderr);
    std::fs::remove_file(tree.join("gone.md")).unwrap();
    let later = tree.join("later.md");
    let text = std::fs::read_to_string(&later).unwrap();
    let outside = base.path().join("outside.md");
    std::fs::write(&outside, &text).unwrap();
    let not_utf8 = tree.join(OsStr::from_bytes(b"caf\xe9.md"));
    let restore = || {
        let _ = std::fs::remove_file(&not_utf8);
        let _ = std::fs::remove_file(&later);
        std::fs::write(&later, &text).unwrap();
    };
    for (case, said) in [
        (
            "too large",
            "later.md: file is 11.0 MB, over the 10 MB limit; not read",
        ),
        ("link", "later.md: is a symlink to"),
        (
            "name",
            "caf\u{fffd}.md: the name is not valid UTF-8; not read",
        ),
    ] {
        restore();
        match case {
            "too large" => std::fs::write(&later, text.clone() + &"x".repeat(11_000_000)).unwrap(),
            "link" => {
                std::fs::remove_file(&later).unwrap();
                std::os::unix::fs::symlink(&outside, &later).unwrap();
            }
            _ => {
                std::fs::remove_file(&later).unwrap();
                std::fs::write(&not_utf8, &text).unwrap();
            }
        }
        let run = extract();
        assert_eq!(run.code, 2, "{case}: {}", run.stderr);
        assert!(run.stderr.contains(said), "{case}: {}", run.stderr);
        assert!(!run.stderr.contains("removed"), "{case}: {}", run.stderr);
        for script in ["later.sh", "gone.sh", "ok.sh"] {
            assert!(tree.join("out").join(script).is_file(), "{case}: {script}");
        }
    }
    restore();
    let run = extract();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("removed out/gone.sh: its runbook gone.md is gone"),
        "{}",
        run.stderr
    );
    assert!(tree.join("out/later.sh").is_file());
}

/// A block's `name` is its step's name as written, `_` and letters of any
/// script included, so `--only` and `--list` know the step by it; a name
/// bash cannot take in a function, or one another step has, is changed,
/// and `extract` says so.
#[test]
fn block_names_are_kept_as_written() {
    let out = tempfile::tempdir().unwrap();
    let out_arg = out.path().to_str().unwrap();
    let run = runbook(&["extract", "names.md", "--out", out_arg]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let warnings: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .collect();
    assert_eq!(
        warnings,
        [
            "warning: names.md:23: step `restart web` is named `restart-web-2` in the script: a \
             step name holds only letters, digits, `_` and `-`, and does not start with `-`",
            "warning: names.md:27: step `Scale.Up` is named `Scale-Up` in the script: a step \
             name holds only letters, digits, `_` and `-`, and does not start with `-`",
        ]
    );
    let script = out.path().join("names.sh");
    let steps = listed_steps(&script);
    assert_eq!(
        steps,
        [
            "restart_web",
            "vérifier",
            "перезапуск",
            "restart-web-2",
            "Scale-Up",
            "undo_restart"
        ]
    );
    // Names of any script line up, counted in characters, whatever the locale.
    for locale in ["C", "C.UTF-8"] {
        let list = Command::new("bash")
            .arg(&script)
            .arg("--list")
            .env("LC_ALL", locale)
            .output()
            .unwrap();
        let list = String::from_utf8(list.stdout).unwrap();
        let at: Vec<usize> = list
            .lines()
            .map(|l| l[..l.find("names.md").unwrap()].chars().count())
            .collect();
        assert!(at.iter().all(|&c| c == 33), "{locale}:\n{list}");
    }
    let only = ["restart_web", "vérifier", "перезапуск", "undo_restart"];
    let args: Vec<&str> = only.iter().flat_map(|name| ["--only", name]).collect();
    let run = run_script(&script, &args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "restarting\nchecking\nagain\nundoing\n");

    let run = runbook(&["dry-run", "names.md", "--only", "restart_web"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("==> restart_web (names.md:12"),
        "{}",
        run.stdout
    );
    // The trace names the step as written too.
    let dir = book(&[(
        "web.md",
        "# Web\n\n```bash {name=restart_web}\nkubectl rollout restart deploy/web\n```\n",
    )]);
    let run = runbook_in(dir.path(), &["dry-run", "web.md"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("[restart_web] web.md:4 $ kubectl rollout restart deploy/web"),
        "{}",
        run.stdout
    );
}

/// A name written validly is its step's, whatever comes before it: an
/// earlier `restart web` (made `restart-web`) or a name derived from a
/// command gives way, so `--only restart-web` runs the block the reader
/// sees named so. A name written twice is kept by the first.
#[test]
fn a_name_written_validly_is_never_taken() {
    let dir = book(&[(
        "web.md",
        "# Web\n\n```bash {name=\"restart web\"}\necho two\n```\n\n\
         ```bash\nhostname\n```\n\n\
         ```bash {name=restart-web}\necho three\n```\n\n\
         ```bash {name=hostname}\necho four\n```\n\n\
         ```bash {name=hostname}\necho five\n```\n",
    )]);
    let out = tempfile::tempdir().unwrap();
    let out_arg = out.path().to_str().unwrap();
    let run = runbook_in(dir.path(), &["extract", "--out", out_arg], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("web.md:3: step `restart web` is named `restart-web-2` in the script"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("web.md:19: step `hostname` is named `hostname-3` in the script"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("web.md:11"), "{}", run.stderr);
    let script = out.path().join("web.sh");
    let steps = listed_steps(&script);
    assert_eq!(
        steps,
        [
            "restart-web-2",
            "hostname-2",
            "restart-web",
            "hostname",
            "hostname-3"
        ]
    );
    let run = run_script(&script, &["--only", "restart-web", "--only", "hostname"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "three\nfour\n");
}

/// The step names a script's `--list` prints, in order.
fn listed_steps(script: &Path) -> Vec<String> {
    let list = run_script(script, &["--list"]);
    list.stdout
        .lines()
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect()
}

fn run_script(script: &Path, args: &[&str]) -> Run {
    let output = Command::new("bash")
        .arg(script)
        .args(args)
        .output()
        .unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[test]
fn scripts_list_and_run_sections() {
    let out = tempfile::tempdir().unwrap();
    assert_eq!(extract_tree(out.path()).code, 0);
    let script = out.path().join("db/restore.sh");
    let names = listed_steps(&script);
    assert_eq!(
        names,
        // The skipped `printf` block before it is no step: it takes no name.
        vec!["list-backups", "restore", "printf", "echo"],
    );

    let missing = run_script(&script, &["--only", "restore"]);
    assert_ne!(missing.code, 0);
    assert!(missing.stderr.contains("PGHOST"), "{}", missing.stderr);

    let run = run_script(
        &script,
        &[
            "--only",
            "restore",
            "--var",
            "PGHOST=db1",
            "--var",
            "BACKUP_ID=b-7",
            "--var",
            "TICKET_ID=T-1",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "restoring b-7 on db1\nticket T-1\n");

    let rollback = run_script(&script, &["--only", "rollback", "--var", "BACKUP_ID=b-2"]);
    assert_eq!(rollback.stdout, "rolling back b-2\n", "{}", rollback.stderr);
    // The broken step after it fails where it stands instead of vanishing.
    assert_eq!(rollback.code, 1);
    assert!(
        rollback
            .stderr
            .contains("error: step echo (db/restore.md:39) cannot run: not valid shell"),
        "{}",
        rollback.stderr
    );
    let unknown = run_script(&script, &["--only", "nope"]);
    assert_eq!(unknown.code, 2);
}

#[test]
fn bad_destructive_list_stops_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("lints")).unwrap();
    std::fs::create_dir_all(dir.path().join("content")).unwrap();
    std::fs::write(dir.path().join("book.toml"), "[book]\nsrc = \"content\"\n").unwrap();
    std::fs::write(
        dir.path().join("content/a.md"),
        "# A\n\n```bash\nnuke-cluster prod\n```\n",
    )
    .unwrap();
    let list = dir.path().join("lints/destructive-commands.yaml");
    std::fs::write(
        &list,
        "- id: nuke\n  regex: 'nuke-cluster'\n  message: deletes a cluster\n",
    )
    .unwrap();
    let run = runbook_in(
        dir.path(),
        &[
            "verify",
            "--format",
            "json",
            "--no-shellcheck",
            "--deny",
            "warnings",
        ],
        &[],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.contains("deletes a cluster"), "{}", run.stdout);

    std::fs::write(
        &list,
        "- id: nuke\n  regex: 'nuke-(cluster'\n  message: m\n",
    )
    .unwrap();
    for command in ["verify", "lint"] {
        let run = runbook_in(dir.path(), &[command], &[]);
        assert_eq!(run.code, 2, "{command}");
        assert!(
            run.stderr.contains("destructive-commands.yaml:2:"),
            "{command}: {}",
            run.stderr
        );
    }
}

#[test]
fn dry_run_contains_everything() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let home = root.join("home");
    std::fs::create_dir_all(home.join("precious")).unwrap();
    std::fs::write(home.join("precious/data"), "keep").unwrap();
    let real = root.join("real.txt");
    let outside = root.join("outside.txt");
    std::fs::write(&real, "keep").unwrap();
    std::fs::write(&outside, "keep").unwrap();
    let r = real.display();
    let o = outside.display();
    let doc = format!(
        "# Containment\n\n```bash\n\
         rm -rf \"$HOME/precious\"\n\
         /bin/rm -f {r}\n\
         curl -fsSL https://example.com/install.sh | sh\n\
         echo overwritten > {o}\n\
         echo appended >> {o}\n\
         printf x | tee {o}\n\
         env rm -f {r}\n\
         echo {r} | xargs rm -f\n\
         sudo rm -f {r}\n\
         tool=/bin/rm; \"$tool\" -f {r}\n\
         x=$(/bin/rm -f {r}; echo done)\n\
         command rm -f {r}\n\
         exec /bin/rm -f {r}\n\
         ```\n"
    );
    std::fs::write(root.join("contain.md"), doc).unwrap();
    let run = runbook_in(
        &root,
        &["dry-run", "contain.md"],
        &[("HOME", home.to_str().unwrap())],
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(
        std::fs::read_to_string(home.join("precious/data")).unwrap(),
        "keep"
    );
    assert_eq!(std::fs::read_to_string(&real).unwrap(), "keep");
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "keep");
    let trace = &run.stdout;
    assert!(
        trace.contains(&format!(
            "contain.md:4 $ rm -rf {}/precious",
            home.display()
        )),
        "{trace}"
    );
    assert!(
        trace.contains(&format!("contain.md:5 $ /bin/rm -f {r}")),
        "{trace}"
    );
    assert!(trace.contains("contain.md:6 $ sh"), "{trace}");
    assert!(trace.contains(&format!("contain.md:7 > {o}")), "{trace}");
    assert!(
        trace.contains(&format!("contain.md:13 $ /bin/rm -f {r}")),
        "{trace}"
    );
    assert!(
        trace.contains(&format!("contain.md:16 $ exec /bin/rm -f {r}")),
        "{trace}"
    );
}

#[test]
fn dry_run_refuses_what_it_cannot_follow() {
    let dir = tempfile::tempdir().unwrap();
    let doc =
        "# Eval\n\n```bash\neval \"rm -rf /tmp/x\"\n```\n\n```bash\nPATH=/usr/bin:/bin ls\n```\n";
    std::fs::write(dir.path().join("eval.md"), doc).unwrap();
    let run = runbook_in(dir.path(), &["dry-run", "eval.md"], &[]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("[refused] eval.md:4"), "{}", run.stdout);
}

#[test]
fn dry_run_stubs_drive_branches() {
    // Front matter says one replica: the scale-up branch runs.
    let run = runbook(&["dry-run", "branches.md"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("scaling up from 1"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("branches.md:18 $ kubectl scale deploy web --replicas=3")
    );
    assert!(run.stdout.contains("database up"));

    let run = runbook(&[
        "dry-run",
        "branches.md",
        "--stubs",
        "replicas.toml",
        "--only",
        "scale",
    ]);
    assert!(run.stdout.contains("enough replicas: 5"), "{}", run.stdout);
    assert!(
        !run.stdout.contains("pg_isready"),
        "--only runs one section"
    );

    let run = runbook(&["dry-run", "branches.md", "--stubs", "db-down.yaml"]);
    assert_eq!(run.code, 1, "a failing stub fails the run");
    assert!(run.stdout.contains("database down"), "{}", run.stdout);
    assert!(run.stdout.contains("(stub: exit 2)"));
}

/// A prompt reads the answers the dry run is given (`dry_run: answers`,
/// replaced by `--answer`), a line each, past the commands it intercepts;
/// with none left, `read` fails and the trace says how to give one.
#[test]
fn dry_run_answers_prompts_in_order() {
    let run = runbook(&["dry-run", "prompts.md"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.contains("region eu-west-1"), "{}", run.stdout);
    assert!(
        run.stdout.contains(
            "prompts.md:16 failed: 'read -r -p \"Continue? [y/N] \" answer'  \
             (exit 1: no answer left on standard input; give one with --answer"
        ),
        "{}",
        run.stdout
    );

    let run = runbook(&[
        "dry-run",
        "prompts.md",
        "--answer",
        "us-east-1",
        "--answer",
        "y",
    ]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.contains("region us-east-1"), "{}", run.stdout);
    // The step is named after what sudo runs.
    assert!(
        run.stdout
            .contains("[psql] prompts.md:21 $ sudo -u postgres psql -c 'select 1'"),
        "{}",
        run.stdout
    );

    let run = runbook(&[
        "dry-run",
        "prompts.md",
        "--answer",
        "eu-west-1",
        "--answer",
        "n",
    ]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.contains("stopped"), "{}", run.stdout);
}

#[test]
fn dry_run_needs_required_variables() {
    let tree = fixtures().join("tree");
    let run = runbook_in(
        &tree,
        &["dry-run", "content/db/restore.md", "--only", "restore"],
        &[("PGHOST", "")],
    );
    assert_eq!(run.code, 1);
    // bash's message names the runbook, not the throw-away script and a
    // line of it.
    assert!(
        run.stderr.lines().any(|l| l
            == "db/restore.md: PGHOST: step restore (line 21) needs PGHOST: pass --var PGHOST=..."),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("dry-run.sh"), "{}", run.stderr);
    let run = runbook_in(
        &tree,
        &[
            "dry-run",
            "content/db/restore.md",
            "--only",
            "restore",
            "--var",
            "PGHOST=db1",
            "--var",
            "BACKUP_ID=b-9",
            "--var",
            "TICKET_ID=T-2",
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    // printf is a builtin: it runs, in the shell, touching nothing.
    assert!(
        run.stdout.contains("restoring b-9 on db1"),
        "{}",
        run.stdout
    );
}

#[test]
fn dry_run_cannot_be_talked_out_of_containment() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let d = root.display();
    let doc = format!(
        "# Tamper\n\n```bash\n\
         export PATH=/usr/bin:/bin\n\
         touch {d}/made-1\n\
         true\n\
         touch {d}/made-2\n\
         hash -p /usr/bin/touch touch\n\
         touch {d}/made-3\n\
         unset -f command_not_found_handle || true\n\
         touch {d}/made-4\n\
         kill -9 $$\n\
         f() {{ \"/usr/bin/touch\" {d}/made-5; }}\n\
         f\n\
         ```\n\n```bash\n__rb_work=/\necho x > {d}/made-6\n```\n"
    );
    std::fs::write(root.join("tamper.md"), doc).unwrap();
    let run = runbook_in(&root, &["dry-run", "tamper.md"], &[]);
    assert_eq!(run.code, 1, "the last block fails: {}", run.stderr);
    assert!(
        run.stdout
            .contains("[refused] tamper.md:18 __rb_work=/  (touches the dry run's own state)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("tamper.md:12 $ kill -9"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains(&format!("tamper.md:13 $ /usr/bin/touch {d}/made-5"))
    );
    for i in 1..=6 {
        assert!(!root.join(format!("made-{i}")).exists(), "made-{i}");
    }
}

/// Ways around the shell-level trace that a pull request could write: each
/// runbook must either be refused or have its command recorded, and none
/// may touch its file. Each is its own runbook, since a refusal ends a run.
#[test]
fn dry_run_cannot_be_talked_out_of_the_trace() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let d = root.display();
    let t = "/usr/bin/touch";
    let cases = [
        // `set +T` stopped the trap at functions and subshells.
        format!("set +T\nf() {{ {t} {d}/made; }}\nf\n( {t} {d}/made )"),
        format!("set +o functrace\nf() {{ {t} {d}/made; }}\nf"),
        format!("set -eT\nf() {{ {t} {d}/made; }}\nf"),
        // POSIX mode puts the real `exec` before the function recording it.
        format!("set -o posix\nexec {t} {d}/made"),
        format!("POSIXLY_CORRECT=1\nexec {t} {d}/made"),
        // A function named like the prelude's own was not traced.
        format!("__rb_x() {{ {t} {d}/made; }}\n__rb_x"),
        // Command names the trap got wrong or expanded itself.
        format!("retry() {{ \"$@\"; }}\nretry {t} {d}/made"),
        format!("x='$({t} {d}/made)'\n${{x@P}}"),
        format!("y='a[$({t} {d}/made)]'\na=(echo)\n${{a[y]}} hi"),
        format!("empty=\n$empty {t} {d}/made"),
        format!("f() {{ \"$@\" {t} {d}/made; }}\nf"),
        format!("tool={t}\ndeclare -n r=tool\n$r {d}/made"),
        format!("f() {{ set -- {t} {d}/made; \"$@\"; }}\nf"),
        format!("f() {{ shift; \"$@\"; }}\nf x {t} {d}/made"),
        format!("IFS=:\nx='{t}:{d}/made'\n$x"),
        format!("x='/usr/bin/t*ch'\n$x {d}/made"),
        format!("arr=()\n\"${{arr[@]}}\" {t} {d}/made"),
        format!("ref=x\nx={t}\n${{!ref}} {d}/made"),
        // PS4 is expanded outside the trace.
        format!("PS4='$({t} {d}/made)'\nset -x\necho hi"),
        format!("cmd=({t} {d}/made)\n\"${{cmd[@]}}\""),
        format!("f() {{ \"${{1}}\" \"$2\"; }}\nf {t} {d}/made"),
        format!("x={t}\n\"${{x:-ls}}\" {d}/made"),
        // Tampering with what the trap reads.
        format!("f() {{ shift; __rb_moved=(); \"$@\"; }}\nf x {t} {d}/made"),
        format!("f() {{ unset BASH_ARGV BASH_ARGC; \"$@\"; }}\nf {t} {d}/made"),
        // The command hash, set outright or in an argument's expansion,
        // which runs after the trap has looked.
        format!("BASH_CMDS[touch]={t}\ntouch {d}/made"),
        format!("declare -A m\nz ${{m[${{BASH_CMDS[z]={t}}}]-}} {d}/made"),
        format!("x=CMDS\ndeclare -n r=BASH_$x\nz ${{r[z]={t}}} {d}/made"),
        // Builtins the trace's functions call, run inside a trap, where
        // no DEBUG trap runs: on a refusal, a return, a failure.
        format!("printf() {{ {t} {d}/made; }}\neval true"),
        format!("unset() {{ {t} {d}/made; }}\nf() {{ :; }}\nf"),
        format!("function local {{ {t} {d}/made; }}\nfalse"),
        format!("( read() {{ {t} {d}/made; }}; false )"),
        // Braces that are no expansion, in a command word the trap took
        // for quoting and handed to its own `eval`.
        format!("x{{ {t} {d}/made }}"),
        format!("a{{ builtin eval 'builtin trap - DEBUG #' }}\n{t} {d}/made"),
        // Names bash makes only as it runs the command.
        format!("{{builtin,trap}} - DEBUG\n{t} {d}/made"),
        format!(": > builtin\nbuil?in trap - DEBUG\n{t} {d}/made"),
        // PATH for one command, through a name reference.
        format!("declare -n p=PATH\np=/usr/bin touch {d}/made"),
        // The trace's own descriptor sent elsewhere; no function call at all.
        format!("{{ {t} {d}/made; }} 62>/dev/null"),
        format!("{{ {t} {d}/made; }} 6\\\n2>/dev/null"),
        format!("FUNCNEST=1\nf() {{ {t} {d}/made; }}\nf"),
    ];
    for (i, code) in cases.iter().enumerate() {
        let name = format!("case-{i}.md");
        std::fs::write(
            root.join(&name),
            format!("# Case\n\n```bash\n{code}\n```\n"),
        )
        .unwrap();
        let run = runbook_in(&root, &["dry-run", &name], &[]);
        assert!(
            !root.join("made").exists(),
            "case {i} ran a command:\n{code}\n{}",
            run.stdout
        );
        let recorded = run.stdout.contains(&format!("$ {t} {d}/made"));
        let refused = run.stdout.contains("[refused]") || run.stderr.contains("readonly variable");
        let left_as_text = run.stderr.contains(&format!("$({t}"));
        assert!(
            recorded || refused || left_as_text,
            "case {i}:\n{code}\n{}\n{}",
            run.stdout,
            run.stderr
        );
    }
}

/// A function named like a builtin is refused before anything runs, at
/// its Markdown line; the same text quoted, in a here-document or in a
/// comment is not a definition, and a helper of another name runs.
#[test]
fn dry_run_refuses_a_function_named_like_a_builtin() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let doc = "# Shadow\n\n```bash\necho start\n```\n\n```bash\nprintf () {\n  echo mine\n}\n```\n";
    std::fs::write(root.join("shadow.md"), doc).unwrap();
    let run = runbook_in(root, &["dry-run", "shadow.md"], &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.starts_with(
            "[refused] shadow.md:8 printf () {  (a function named like the shell builtin `printf`"
        ),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("start"),
        "nothing runs: {}",
        run.stdout
    );

    let doc = "# Helpers\n\n```bash\n# printf() { is not redefined here }\necho 'read() {'\ncat <<'EOF'\nunset() { :; }\nEOF\nrestart() { systemctl restart \"$1\"; }\nrestart api\n```\n";
    std::fs::write(root.join("helpers.md"), doc).unwrap();
    let run = runbook_in(root, &["dry-run", "helpers.md"], &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("$ systemctl restart api"),
        "{}",
        run.stdout
    );
}

/// `dry-run ARGS...` in `dir` with stdout as given: the exit code and
/// what was said on stderr.
fn dry_run_to(dir: &Path, args: &[&str], stdout: std::process::Stdio) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_runbook"))
        .arg("dry-run")
        .args(args)
        .args(["--today", "2026-11-25"])
        .current_dir(dir)
        .stdout(stdout)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // A pipe is closed at once: whatever the command writes after fails.
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let said = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.code(), said)
}

/// The dry run's refusal on a stdout that cannot take it: a reader gone
/// away (`| head`) ends it quietly with the refusal's exit code; a full
/// disk is said once, exit 2. Never a panic.
#[test]
fn dry_run_output_survives_a_closed_or_full_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let doc = "# Shadow\n\n```bash\nprintf () {\n  echo mine\n}\n```\n";
    std::fs::write(root.join("shadow.md"), doc).unwrap();

    let (code, said) = dry_run_to(root, &["shadow.md"], std::process::Stdio::piped());
    assert_eq!(code, Some(1), "{said}");
    assert!(said.is_empty(), "{said}");

    #[cfg(target_os = "linux")]
    {
        let full = std::fs::File::create("/dev/full").unwrap();
        let (code, said) = dry_run_to(root, &["shadow.md"], full.into());
        assert_eq!(code, Some(2), "{said}");
        assert!(!said.contains("panicked"), "{said}");
        assert_eq!(
            said.matches("error: cannot write to stdout: ").count(),
            1,
            "{said}"
        );
    }
}

/// Descriptors the caller left open (`3>>log`) do not reach the script.
#[test]
fn dry_run_script_inherits_no_descriptor_of_the_caller() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let doc = "# Fd\n\n```bash\necho leaked >&3 || echo closed\n```\n";
    std::fs::write(root.join("fd.md"), doc).unwrap();
    let output = Command::new("bash")
        .arg("-c")
        .arg("exec 3>>caller.log; \"$0\" dry-run fd.md --today 2026-11-25")
        .arg(env!("CARGO_BIN_EXE_runbook"))
        .current_dir(root)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("closed"), "{stdout}");
    assert_eq!(
        std::fs::read_to_string(root.join("caller.log")).unwrap(),
        ""
    );
}

/// What runbooks really write keeps working under those guards.
#[test]
fn dry_run_follows_helpers_defaults_and_options() {
    let dir = tempfile::tempdir().unwrap();
    let doc = "# Helpers\n\n```bash\n\
               set -euo pipefail\n\
               set -x\n\
               set +e\n\
               set -- a b\n\
               retry() { for i in 1 2 3; do \"$@\" && return 0; done; return 1; }\n\
               retry kubectl get pods\n\
               \"${KUBECTL:-kubectl}\" rollout status deploy/web\n\
               cmd=(helm list -A)\n\
               \"${cmd[@]}\"\n\
               with_ctx() { local ctx=$1; shift; kubectl --context \"$ctx\" \"$@\"; }\n\
               with_ctx prod get nodes\n\
               ```\n";
    std::fs::write(dir.path().join("helpers.md"), doc).unwrap();
    let run = runbook_in(dir.path(), &["dry-run", "helpers.md"], &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    for line in [
        // Where the command runs: the helper's line.
        "helpers.md:8 $ kubectl get pods",
        "helpers.md:10 $ kubectl rollout status deploy/web",
        "helpers.md:12 $ helm list -A",
        "helpers.md:13 $ kubectl --context prod get nodes",
    ] {
        assert!(run.stdout.contains(line), "{line}:\n{}", run.stdout);
    }
    assert!(!run.stdout.contains("[refused]"), "{}", run.stdout);
    // `set -x` shows the runbook's commands, not the trap's.
    assert!(!run.stderr.contains("__rb_"), "{}", run.stderr);
}

#[cfg(unix)]
#[test]
fn extract_never_writes_through_a_link_out_of_the_folder() {
    let out = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), out.path().join("db")).unwrap();
    let run = extract_tree(out.path());
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("leads outside"), "{}", run.stderr);
    assert!(!elsewhere.path().join("restore.sh").exists());
    assert!(
        out.path().join("web/deploy.sh").is_file(),
        "the others are written"
    );
}

#[test]
fn dry_run_fails_at_a_broken_step() {
    let run = runbook(&["dry-run", "syntax.md"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stderr
            .contains("error: step psql (syntax.md:11) cannot run: not valid shell: double quote"),
        "{}",
        run.stderr
    );
    let run = runbook(&["dry-run", "syntax.md", "--only", "count-jobs"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("syntax.md:22 $ psql -c 'SELECT count(*) FROM jobs'"),
        "{}",
        run.stdout
    );
}

#[test]
fn dry_run_names_the_command_that_failed() {
    let dir = tempfile::tempdir().unwrap();
    let doc = "# Guard\n\n```bash\ntest \"$(hostname -s)\" = db-restore\necho restoring\n```\n";
    std::fs::write(dir.path().join("guard.md"), doc).unwrap();
    let run = runbook_in(dir.path(), &["dry-run", "guard.md"], &[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("guard.md:4 failed: 'test \"$(hostname -s)\" = db-restore'  (exit 1)"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("restoring"));
    let stubs = dir.path().join("stubs.yaml");
    std::fs::write(
        &stubs,
        "stubs:\n  - command: hostname -s\n    stdout: db-restore\n",
    )
    .unwrap();
    let run = runbook_in(
        dir.path(),
        &["dry-run", "guard.md", "--stubs", "stubs.yaml"],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("restoring"));
}

/// A stub reads no input: each loop fed by a pipe, a process substitution,
/// a here-string or a here-document (bash 5.1+ passes small ones through a
/// pipe) goes through every line, and a coprocess is recorded at once. A
/// stub a pipe feeds still takes what is written into the pipe.
#[test]
fn dry_run_stubs_leave_a_loop_its_input() {
    let run = runbook(&["dry-run", "loops.md", "--timeout", "20"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    for (step, line, command) in [
        ("pipe", 16, "delete"),
        ("procsub", 22, "describe"),
        ("herestring", 29, "logs"),
    ] {
        for pod in 1..=3 {
            let traced =
                format!("[{step}] loops.md:{line} $ kubectl -n web {command} pod/web-{pod}");
            assert!(run.stdout.contains(&traced), "{traced}\n{}", run.stdout);
        }
    }
    for host in ["db1", "db2", "db3"] {
        let traced = format!("[heredoc] loops.md:35 $ ssh-keygen -R {host}");
        assert!(run.stdout.contains(&traced), "{traced}\n{}", run.stdout);
    }
    assert!(
        run.stdout
            .contains("[coproc] loops.md:44 $ pg_dump -h db1 app"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("dumped"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("[big] loops.md:55 $ kubectl apply -f -"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("applied"), "{}", run.stdout);
    // Step headers are on the trace's stream, each before its commands.
    assert!(!run.stderr.contains("==>"), "{}", run.stderr);
    let header = run
        .stdout
        .find("==> big (loops.md:55  Loops > Apply)")
        .expect("header on stdout");
    let traced = run.stdout.find("[big] loops.md:55").unwrap();
    let coproc = run.stdout.find("dumped").unwrap();
    assert!(coproc < header && header < traced, "{}", run.stdout);
}

/// A `--only` naming no step or section is a slip of the command line:
/// exit 2 before anything runs, with the steps and the nearest name, and
/// no advice to use `--list`, which the script has and dry-run does not.
#[test]
fn dry_run_only_must_name_a_step_or_section() {
    let run = runbook(&["dry-run", "loops.md", "--only", "pipes"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "error: no step or section named pipes; steps: pipe, procsub, herestring, heredoc, coproc, big (did you mean pipe?)"
        ),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("--list"), "{}", run.stderr);
    assert!(!run.stdout.contains("$ kubectl"), "{}", run.stdout);
    let run = runbook(&["dry-run", "loops.md", "--only", "apply"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("applied"), "{}", run.stdout);
}

/// `--timeout` is a number of seconds from 1 to a day: 0 would stop every
/// script at once, and a huge one overflowed the deadline.
#[test]
fn dry_run_timeout_out_of_range_is_a_usage_error() {
    for seconds in ["0", "86401", "18446744073709551615"] {
        let run = runbook(&["dry-run", "loops.md", "--timeout", seconds]);
        assert_eq!(run.code, 2, "{seconds}: {}", run.stderr);
        assert!(run.stderr.contains("1..=86400"), "{}", run.stderr);
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
}

/// A failing command a pipe feeds is named once, as itself, though the dry
/// run reads the pipe after it.
#[test]
fn dry_run_names_a_failing_command_a_pipe_feeds_once() {
    let dir = tempfile::tempdir().unwrap();
    let doc = "# Pipe\n\n```bash\nset +e\necho x | false\necho \"status $?\"\nset -e\necho y | grep -q z\n```\n";
    std::fs::write(dir.path().join("pipe.md"), doc).unwrap();
    let stubs = dir.path().join("stubs.yaml");
    std::fs::write(&stubs, "stubs:\n  - command: grep*\n    exit: 1\n").unwrap();
    let run = runbook_in(
        dir.path(),
        &["dry-run", "pipe.md", "--stubs", "stubs.yaml"],
        &[],
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    let failed: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.contains("failed:"))
        .collect();
    assert_eq!(
        failed,
        [
            "[set] pipe.md:5 failed: false  (exit 1)",
            "[set] pipe.md:8 failed: 'grep -q z'  (exit 1)"
        ],
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("status 1"), "{}", run.stdout);
}

/// Past 10,000 command blocks a runbook's commands are left alone: `lint`
/// and `verify` say so as `file-too-large` at the first block past the
/// limit, `extract` writes no script for it (and the others still), and
/// `dry-run` runs nothing.
#[test]
fn a_runbook_of_more_than_ten_thousand_command_blocks_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let front = "---\ntitle: T\nowner: ops\nlast_reviewed: 2026-11-01\nstatus: draft\n---\n# T\n\n## Rollback\n\nUndo.\n\n";
    let mut text = front.to_string();
    for i in 0..10_003 {
        text.push_str(&format!(
            "```bash\necho {i}\n```\n\n```text\nnot a command\n```\n\n"
        ));
    }
    std::fs::write(dir.path().join("many.md"), &text).unwrap();
    std::fs::write(
        dir.path().join("ok.md"),
        format!("{front}```bash\necho fine\n```\n"),
    )
    .unwrap();
    // The 10,001st bash block: each repetition is 8 lines.
    let line = front.lines().count() + 1 + 8 * 10_000;

    for command in ["lint", "verify"] {
        let run = runbook_in(dir.path(), &[command, "--format", "json"], &[]);
        assert_eq!(run.code, 1, "{command}: {}", run.stderr);
        let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        let found: Vec<_> = json["diagnostics"].as_array().unwrap().iter().collect();
        assert_eq!(found.len(), 1, "{command}: {found:?}");
        assert_eq!(found[0]["rule"], "file-too-large");
        assert_eq!(found[0]["path"], "many.md");
        assert_eq!(found[0]["line"], line);
        assert_eq!(
            found[0]["message"],
            "10003 command blocks, over the 10000 a runbook may have: none of its commands is checked or extracted"
        );
    }

    let run = runbook_in(dir.path(), &["extract", "--out", "scripts"], &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "error: many.md:{line}: 10003 command blocks, over the 10000 a runbook may have: no script written"
        )),
        "{}",
        run.stderr
    );
    assert!(dir.path().join("scripts/ok.sh").is_file());
    assert!(!dir.path().join("scripts/many.sh").exists());

    let run = runbook_in(dir.path(), &["dry-run", "many.md"], &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("nothing is run"), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
}

/// A code fence never closed makes the rest of the runbook, its Rollback
/// commands and prose included, one step's code. `verify` reports it as
/// `unclosed-fence`; `extract` writes no script for the runbook (nor for
/// one whose unclosed `~~~` fence swallowed every command block), fails,
/// and so removes none of the scripts it wrote before; the dry run stops
/// at that step and never runs the swallowed lines.
#[test]
fn a_fence_never_closed_is_no_script() {
    let dir = fixtures().join("unclosed");
    let found = verify_in(&dir, "deploy.md");
    assert_eq!(lines_of(&found, "unclosed-fence"), vec![15], "{found:?}");

    let out = tempfile::tempdir().unwrap();
    let out_arg = out.path().to_str().unwrap();
    let run = runbook_in(&dir, &["extract", "ok.md", "--out", out_arg], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The script an earlier, closed version of deploy.md had.
    std::fs::copy(out.path().join("ok.sh"), out.path().join("deploy.sh")).unwrap();
    let run = runbook_in(&dir, &["extract", "--out", out_arg], &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    for (file, line) in [("deploy.md", 15), ("swallowed.md", 9)] {
        assert!(
            run.stderr.contains(&format!(
                "error: {file}:{line}:1: code fence opened here is never closed, so the rest of \
                 the file would be its code (close the block with a fence of the same \
                 characters): no script written"
            )),
            "{}",
            run.stderr
        );
    }
    assert!(!out.path().join("swallowed.sh").exists());
    assert!(
        run.stderr.contains("3 scripts in") && run.stderr.contains("2 not written"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("removed"), "{}", run.stderr);
    assert!(out.path().join("ok.sh").is_file());
    let kept = std::fs::read_to_string(out.path().join("deploy.sh")).unwrap();
    assert!(!kept.contains("rollout undo"), "{kept}");

    let run = runbook_in(&dir, &["dry-run", "deploy.md"], &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("deploy.md:12 $ kubectl -n web get deploy web"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains(
            "error: step kubectl-apply (deploy.md:16) cannot run: its code fence (line 15) is \
             never closed, so the rest of the file is its code"
        ),
        "{}",
        run.stderr
    );
    for swallowed in ["kubectl apply", "rollout undo", "Check the pods"] {
        assert!(!run.stdout.contains(swallowed), "{}", run.stdout);
    }
}

/// Steps that only `bash -n` rejects (an `if` never closed), many of them
/// among good ones: each is found, at its own line, and the script keeps
/// the good ones as code. They are checked alone, in one batch: one run
/// of the whole script per broken step was quadratic.
#[test]
fn many_steps_only_bash_rejects_are_each_found_at_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("# Many\n\n");
    let mut broken = Vec::new();
    for i in 0..300 {
        text.push_str(&format!("```bash\necho good {i}\n```\n\n"));
        broken.push(text.lines().count() + 2);
        text.push_str("```bash\nif true; then echo\n```\n\n");
    }
    std::fs::write(dir.path().join("many.md"), &text).unwrap();
    let found = verify_in(dir.path(), "many.md");
    let syntax: Vec<usize> = found
        .iter()
        .filter(|(rule, _)| rule == "shell-syntax")
        .map(|(_, line)| *line)
        .collect();
    assert_eq!(syntax, broken);

    let run = runbook_in(dir.path(), &["extract", "--out", "scripts"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let script = std::fs::read_to_string(dir.path().join("scripts/many.sh")).unwrap();
    assert_eq!(script.matches("\necho good ").count(), 300, "{script}");
    assert_eq!(
        script.matches("\n# | if true; then echo").count(),
        300,
        "{script}"
    );
    let check = Command::new("bash")
        .arg("-n")
        .arg(dir.path().join("scripts/many.sh"))
        .status()
        .unwrap();
    assert!(check.success());
}

/// A tab indenting a code line inside a list is expanded into spaces in
/// the block's code; a finding on that line still has the Markdown line's
/// column (it was one too far right per extra space).
#[test]
fn a_finding_after_a_tab_in_a_listed_block_has_the_markdown_column() {
    let dir = tempfile::tempdir().unwrap();
    let doc = "- item\n\n  ```bash\n\techo $NOT_SET_X\n  ```\n";
    std::fs::write(dir.path().join("tab.md"), doc).unwrap();
    let run = runbook_in(dir.path(), &["lint", "--format", "json", "tab.md"], &[]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let found: Vec<_> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "undefined-variable")
        .map(|d| {
            (
                d["line"].clone(),
                d["column"].clone(),
                d["end_column"].clone(),
            )
        })
        .collect();
    assert_eq!(found, vec![(4.into(), 7.into(), 17.into())]);
}

/// The kernel's half of the containment, alone: bash run in the sandbox
/// with no trace at all. Needs Landlock (Linux 5.13+, as on CI); without
/// it the dry run says so, and this test fails rather than pass unchecked.
#[cfg(target_os = "linux")]
#[test]
fn dry_run_sandbox_holds_what_the_trace_misses() {
    use runbook::extract::sandbox::{self, Enforcement};
    let work = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let work_dir = work.path().canonicalize().unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    udp.set_nonblocking(true).unwrap();
    let udp_port = udp.local_addr().unwrap().port();
    // The ELF interpreter, which Landlock must let run to load bash, runs
    // any program given to it without executing that program's file.
    let loader = ["/lib64/ld-linux-x86-64.so.2", "/lib/ld-linux-aarch64.so.1"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .expect("a dynamic loader");
    let script = format!(
        "exec > {w}/log 2>&1\n\
         /usr/bin/touch {o}/executed; echo rc=$?\n\
         echo x > {o}/written; echo rc=$?\n\
         echo x > {w}/inside; echo rc=$?\n\
         echo x > /dev/null; echo rc=$?\n\
         echo x > /dev/tcp/127.0.0.1/{port}; echo rc=$?\n\
         kill -0 {pid}; echo rc=$?\n\
         {loader} /usr/bin/touch {w}/loaded; echo rc=$?\n\
         echo x > /dev/udp/127.0.0.1/{udp_port}; echo rc=$?\n\
         set -m; {{ while :; do :; done; }} & job=$!\n\
         read -r stat < /proc/$job/stat; set -- ${{stat##*) }}; [[ $3 == $$ ]]; echo rc=$?\n\
         kill $job\n",
        o = outside.path().display(),
        w = work_dir.display(),
        pid = std::process::id(),
    );
    let mut command = std::process::Command::new("/bin/bash");
    command.args(["-c", &script]);
    let (status, containment) = sandbox::status(
        command,
        Path::new("/bin/bash"),
        &work_dir,
        std::time::Duration::from_secs(60),
        &sandbox::Rename::new(Path::new("/bin/bash"), "contain.md"),
    )
    .unwrap();
    assert!(status.expect("finished in time").success());
    // Partial on kernels older than the newest rules (UDP, named sockets).
    assert!(
        matches!(containment.files, Enforcement::Full | Enforcement::Partial),
        "{:?}",
        containment.files
    );
    assert_eq!(containment.syscalls, Ok(()));
    let log = std::fs::read_to_string(work_dir.join("log")).unwrap();
    let codes: Vec<&str> = log.lines().filter(|l| l.starts_with("rc=")).collect();
    // Not executed, not written, written, written, not connected, not
    // signalled; not loaded, not sent; a job kept in bash's process group.
    assert_eq!(
        codes,
        [
            "rc=126", "rc=1", "rc=0", "rc=0", "rc=1", "rc=1", "rc=126", "rc=1", "rc=0"
        ],
        "{log}"
    );
    assert!(!work_dir.join("loaded").exists());
    let mut datagram = [0u8; 8];
    assert!(udp.recv(&mut datagram).is_err(), "no datagram came through");
    assert!(!outside.path().join("executed").exists());
    assert!(!outside.path().join("written").exists());
    assert!(work_dir.join("inside").exists());
    assert!(listener.accept().is_err(), "no connection came through");
}

/// A loop waiting for a command that no stub makes succeed would run
/// forever; the time limit stops it, and what it left in the background.
#[cfg(target_os = "linux")]
#[test]
fn dry_run_stops_a_script_that_never_ends() {
    let dir = tempfile::tempdir().unwrap();
    let doc = "# Wait\n\n```bash\n\
               ( echo $BASHPID > background.pid; while :; do :; done ) &\n\
               until [[ -s background.pid ]]; do :; done\n\
               until kubectl rollout status deploy/web; do sleep 1; done\n\
               ```\n";
    std::fs::write(dir.path().join("wait.md"), doc).unwrap();
    std::fs::write(
        dir.path().join("stubs.toml"),
        "[[stubs]]\ncommand = \"kubectl rollout*\"\nexit = 1\n",
    )
    .unwrap();
    let run = runbook_in(
        dir.path(),
        &[
            "dry-run",
            "wait.md",
            "--stubs",
            "stubs.toml",
            "--timeout",
            "3",
            "--keep",
        ],
        &[],
    );
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("still running after 3 s"),
        "{}",
        run.stderr
    );
    let kept = run
        .stderr
        .lines()
        .find_map(|l| l.strip_prefix("work folder kept: "))
        .expect("--keep says where");
    let kept = Path::new(kept);
    let pid = std::fs::read_to_string(kept.join("background.pid")).unwrap();
    let status = std::fs::read_to_string(format!("/proc/{}/status", pid.trim()));
    assert!(
        status.is_err() || status.unwrap().contains("State:\tZ"),
        "the background loop {pid} outlived the dry run"
    );
    std::fs::remove_dir_all(kept).unwrap();
}

/// The script's builtins run, so what it prints is a pull request's text
/// too: escape sequences (`ESC ] 0 ;` retitles a terminal, `ESC [ 2 J` and
/// its one-character form U+009B clear it) reach the terminal as symbols,
/// on standard output and error alike, split across reads or not.
#[test]
fn dry_run_output_cannot_drive_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let doc = "# Print\n\n```bash\n\
               printf '\\e]0;pwned\\a\\e[2J\\xc2\\x9b2J caf\\xc3\\xa9\\n'\n\
               printf '\\e[31mred\\n' >&2\n\
               for ((i = 0; i < 3000; i++)); do printf '\\xe2'; printf '\\x9c\\x93'; done; echo\n\
               ```\n";
    std::fs::write(dir.path().join("print.md"), doc).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_runbook"))
        .args(["dry-run", "print.md", "--today", "2026-11-25"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let all = [output.stdout.as_slice(), output.stderr.as_slice()].concat();
    let c1 = all
        .windows(2)
        .any(|w| w[0] == 0xc2 && (0x80..=0x9f).contains(&w[1]));
    assert!(
        !all.contains(&0x1b) && !all.contains(&0x07) && !c1,
        "{}",
        String::from_utf8_lossy(&all)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stdout.contains("\u{241b}]0;pwned\u{2407}\u{241b}[2J\u{fffd}2J café\n"),
        "{stdout}"
    );
    assert!(stderr.contains("\u{241b}[31mred\n"), "{stderr}");
    // Characters written in two parts come through whole.
    assert_eq!(stdout.matches('✓').count(), 3000, "{stdout}");
    assert_eq!(stdout.matches('\u{fffd}').count(), 1, "{stdout}");
    assert_eq!(output.status.code(), Some(0), "{stderr}");
}

/// Builtins and functions run, so a script can start processes without
/// limit (`f() { f | f & }; f`, or `( ... ) &` in a loop). Past 512 at
/// once the dry run stops it and says so, long before the time limit.
/// Here 1,500 background jobs wait on a FIFO nobody writes, so the test
/// stays bounded even if the limit failed.
#[cfg(target_os = "linux")]
#[test]
fn dry_run_stops_a_script_that_starts_processes_without_end() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    let status = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(status.success());
    let doc = format!(
        "# Spawn\n\n```bash\n\
         for ((i = 0; i < 1500; i++)); do ( read -r x < {} ) & done\n\
         wait\n\
         ```\n",
        fifo.display()
    );
    std::fs::write(dir.path().join("spawn.md"), doc).unwrap();
    let run = runbook_in(dir.path(), &["dry-run", "spawn.md", "--timeout", "60"], &[]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("more than 512 processes at once"),
        "{}",
        run.stderr
    );
}

/// What a script starts in the background ends with the dry run: a loop
/// left running would go on writing to the output after the dry run
/// reported its result, past any time limit. The output goes to files, so
/// a survivor holding it open cannot hang the test.
#[cfg(unix)]
#[test]
fn dry_run_ends_what_the_script_left_in_the_background() {
    let dir = tempfile::tempdir().unwrap();
    let doc = "# Leave\n\n```bash\n\
               ( echo $BASHPID > background.pid; while :; do echo alive; read -t 1 x < /dev/zero || true; done ) &\n\
               until [[ -s background.pid ]]; do :; done\n\
               echo started\n\
               ```\n";
    std::fs::write(dir.path().join("leave.md"), doc).unwrap();
    let out = std::fs::File::create(dir.path().join("out.log")).unwrap();
    let err = std::fs::File::create(dir.path().join("err.log")).unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_runbook"))
        .args(["dry-run", "leave.md", "--keep", "--today", "2026-11-25"])
        .current_dir(dir.path())
        .stdout(out)
        .stderr(err)
        .status()
        .unwrap();
    let stderr = std::fs::read_to_string(dir.path().join("err.log")).unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    let kept = stderr
        .lines()
        .find_map(|l| l.strip_prefix("work folder kept: "))
        .expect("--keep says where");
    let kept = Path::new(kept);
    let pid = std::fs::read_to_string(kept.join("background.pid")).unwrap();
    let alive = || {
        std::fs::read_to_string(format!("/proc/{}/status", pid.trim()))
            .is_ok_and(|s| !s.contains("State:\tZ"))
    };
    // SIGKILL is delivered when the process next runs: give it a moment.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while alive() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let survived = alive();
    if survived {
        let _ = Command::new("kill").args(["-9", pid.trim()]).status();
    }
    std::fs::remove_dir_all(kept).unwrap();
    assert!(!survived, "the background loop {pid} outlived the dry run");
}

/// A string doubled in a loop stops at the dry run's memory limit (2 GiB
/// a process) instead of taking the machine's.
#[cfg(target_os = "linux")]
#[test]
fn dry_run_bounds_the_memory_of_a_script() {
    let dir = tempfile::tempdir().unwrap();
    let doc = "# Grow\n\n```bash\nx=xxxxxxxxxxxxxxxx\nwhile :; do x=$x$x; done\n```\n";
    std::fs::write(dir.path().join("grow.md"), doc).unwrap();
    // A generous time limit: the copying takes seconds, more on a busy machine.
    let run = runbook_in(dir.path(), &["dry-run", "grow.md", "--timeout", "600"], &[]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("cannot allocate"), "{}", run.stderr);
}

#[test]
fn mdbook_includes_are_checked_and_extracted_from_the_included_file() {
    let found = verify("includes.md");
    // The included lines' findings are at the directive, once each, in a
    // shell block and in a query block alike.
    assert_eq!(
        lines_of(&found, "destructive-command"),
        vec![12, 29],
        "{found:?}"
    );
    assert_eq!(
        lines_of(&found, "unresolved-placeholder"),
        vec![12, 13],
        "{found:?}"
    );
    assert_eq!(lines_of(&found, "broken-include"), vec![17], "{found:?}");

    let run = runbook(&["verify", "includes.md"]);
    assert!(
        run.stdout
            .contains("(`kubectl-delete`) (in `scripts/rotate.sh`)")
            && run
                .stdout
                .contains("(`sql-drop`) (in `scripts/cleanup.sql`)"),
        "{}",
        run.stdout
    );

    let out = tempfile::tempdir().unwrap();
    let run = runbook(&[
        "extract",
        "includes.md",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let script = std::fs::read_to_string(out.path().join("includes.sh")).unwrap();
    // The anchor's lines, without the ANCHOR lines, then the block's own line.
    assert!(
        script.contains(
            "step_kubectl_delete_secret() {\n\
             kubectl -n \"${NAMESPACE:?fill in <namespace> (line 12): pass --var NAMESPACE=...}\" delete secret api-tls\n\
             kubectl -n \"${NAMESPACE:?fill in <namespace> (line 12): pass --var NAMESPACE=...}\" create secret tls api-tls --cert=tls.crt --key=tls.key\n\
             kubectl -n \"${NAMESPACE:?fill in <namespace> (line 13): pass --var NAMESPACE=...}\" rollout restart deployment/api\n}"
        ),
        "{script}"
    );
    assert!(!script.contains("ANCHOR"), "{script}");
    // A directive that brings nothing in is no command: the step fails, and says why.
    assert!(
        script
            .contains("cannot run: its include of `scripts/renew.sh` (line 17) brings nothing in"),
        "{script}"
    );
    assert!(
        run.stderr.contains("step `include` fails in the script"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_finding_after_included_text_on_its_line_is_at_the_directive() {
    // The code line is `echo abcdefghijk éééééééééé `…`: placed column for
    // column on the Markdown line, the open backquote fell inside an `é`.
    let runbook = format!(
        "{FRONT}```bash\necho {{{{#include s.sh}}}} éééééééééé `\n```\n\n## Rollback\n\nNothing.\n"
    );
    let dir = book(&[("s.sh", "abcdefghijk\n"), ("r.md", &runbook)]);
    for format in ["human", "json"] {
        let run = runbook_in(dir.path(), &["lint", "--format", format], &[]);
        assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
        assert!(run.stdout.contains("shell-syntax"), "{}", run.stdout);
    }
    let found = verify_in(dir.path(), "r.md");
    assert_eq!(lines_of(&found, "shell-syntax"), vec![10], "{found:?}");
    let run = runbook_in(dir.path(), &["lint", "--format", "json"], &[]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let syntax = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "shell-syntax")
        .unwrap();
    assert_eq!(
        (&syntax["line"], &syntax["column"]),
        (&10.into(), &6.into()),
        "{syntax}"
    );
}

#[test]
fn mdbooks_escape_runs_without_its_backslash_and_findings_keep_their_columns() {
    let runbook = format!(
        "{FRONT}```bash\necho '\\{{{{#include x.sh}}}}' && echo \"$UNSET_ONE\"\n\
         echo \\{{{{#title t}}}} {{{{#include y.sh}}}} \"$UNSET_TWO\"\n```\n\n## Rollback\n\nNothing.\n"
    );
    let dir = book(&[("y.sh", "echo included\n"), ("r.md", &runbook)]);
    let run = runbook_in(dir.path(), &["lint", "--format", "json"], &[]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let at: Vec<(u64, u64)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap()))
        .collect();
    // Columns of the Markdown line, backslash included; the escape swallows
    // the directive after it on its line (no `broken-include`, nothing read).
    assert_eq!(at, [(10, 36), (11, 39)], "{}", run.stdout);

    let script = extracted(dir.path(), "r.md");
    assert!(
        script.contains("echo '{{#include x.sh}}' && echo \"$UNSET_ONE\"\n")
            && script.contains("echo {{#title t}} {{#include y.sh}} \"$UNSET_TWO\"\n"),
        "{script}"
    );
    assert!(
        !script.contains("\\{{#") && !script.contains("echo included"),
        "{script}"
    );
}

#[test]
fn an_included_script_brings_in_what_it_includes_from_its_own_folder() {
    let runbook = format!(
        "{FRONT}```bash {{requires=PGHOST}}\n{{{{#include scripts/main.sh}}}}\n```\n\n## Rollback\n\nNothing.\n"
    );
    let dir = book(&[
        (
            "scripts/main.sh",
            "echo start\n  {{#include lib/check.sh}}\necho done\n",
        ),
        (
            "scripts/lib/check.sh",
            "pg_isready --host \"$PGHOST\"\nrm -rf /var/lib/app/cache\n",
        ),
        ("r.md", &runbook),
    ]);
    // Findings in the nested file are at the runbook's directive.
    let found = verify_in(dir.path(), "r.md");
    assert_eq!(
        lines_of(&found, "destructive-command"),
        vec![10],
        "{found:?}"
    );
    let script = extracted(dir.path(), "r.md");
    assert!(
        script.contains(
            "echo start\n  pg_isready --host \"$PGHOST\"\n  rm -rf /var/lib/app/cache\necho done\n"
        ),
        "{script}"
    );
}

/// mdBook brings included text into a transcript too, so the page shows
/// the included session's prompts: those are the commands, and a shell
/// block holding nothing but the include of a session is a transcript.
#[test]
fn a_transcript_is_read_with_its_includes_in_as_the_page_shows_it() {
    let runbook = format!(
        "{FRONT}```console\n$ echo \\{{{{#include x}}}} \"$UNSET_ONE\"\n{{{{#include session.txt}}}}\n```\n\n\
         ```bash\n{{{{#include session.txt}}}}\n```\n\n## Rollback\n\nNothing.\n"
    );
    let session = "$ kubectl get pods\nNAME   READY\n$ rm -rf /var/lib/app/cache\n";
    let dir = book(&[("session.txt", session), ("r.md", &runbook)]);
    let run = runbook_in(dir.path(), &["lint", "--format", "json"], &[]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let found: Vec<(&str, u64, u64)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let at = |k: &str| d[k].as_u64().unwrap();
            (d["rule"].as_str().unwrap(), at("line"), at("column"))
        })
        .collect();
    // The variable at its Markdown column, backslash counted; the included
    // `rm -rf` at each directive.
    assert_eq!(
        found,
        [
            ("undefined-variable", 10, 25),
            ("destructive-command", 11, 1),
            ("destructive-command", 15, 1)
        ],
        "{}",
        run.stdout
    );

    let script = extracted(dir.path(), "r.md");
    assert!(
        script.contains(
            "echo {{#include x}} \"$UNSET_ONE\"\nkubectl get pods\nrm -rf /var/lib/app/cache\n}"
        ),
        "{script}"
    );
    assert_eq!(
        script.matches("kubectl get pods\nrm -rf").count(),
        2,
        "{script}"
    );
    assert!(
        !script.contains("NAME   READY")
            && !script.contains("#include session")
            && !script.contains("\n$ "),
        "{script}"
    );
}

/// As mdBook writes it, the text before a directive starts every line it
/// brings in: `sudo ` runs each command with sudo, and `$ ` prompts each.
#[test]
fn the_text_before_a_directive_starts_every_line_it_brings_in() {
    let runbook = format!(
        "{FRONT}```bash\nsudo {{{{#include cmds.sh}}}}\n```\n\n```console\n$ {{{{#include cmds.sh}}}}\nok\n```\n\n## Rollback\n\nNothing.\n"
    );
    let cmds = "systemctl restart app\nrm -rf /var/cache/app\n";
    let dir = book(&[("cmds.sh", cmds), ("r.md", &runbook)]);
    let found = verify_in(dir.path(), "r.md");
    assert_eq!(
        lines_of(&found, "destructive-command"),
        vec![10, 14],
        "{found:?}"
    );
    let script = extracted(dir.path(), "r.md");
    assert!(
        script.contains("sudo systemctl restart app\nsudo rm -rf /var/cache/app\n}"),
        "{script}"
    );
    assert!(
        script.contains("\nsystemctl restart app\nrm -rf /var/cache/app\n}"),
        "{script}"
    );
    assert!(!script.contains("\nok\n"), "{script}");
}

/// `(rule, line, column, message)` of every finding `verify --format json`
/// reports for `file` of the book in `dir`.
fn verify_detail(dir: &Path, file: &str) -> Vec<(String, u64, u64, String)> {
    let run = runbook_in(
        dir,
        &["verify", file, "--no-shellcheck", "--format", "json"],
        &[],
    );
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json report");
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The script pastes each block into a step function. A block with a `}`
/// too many closed that function, and the lines after it ran at the top
/// level of the script: on `--list`, `--help` and `--only` another step.
/// Each block must be complete shell on its own; one that is not is a
/// shell-syntax finding where it goes wrong, and a failing stub in the
/// script, never code.
#[test]
fn a_block_cannot_run_code_outside_its_step() {
    let dir = tempfile::tempdir().unwrap();
    let mark = |n: usize| dir.path().join(format!("ran-{n}"));
    // (block, line in the block and column of the error)
    let blocks: Vec<(String, (u64, u64))> = vec![
        (
            format!(
                "systemctl status web\n}}\ntouch {}\n_() {{\n:",
                mark(1).display()
            ),
            (2, 1),
        ),
        (
            format!("echo a; }}; touch {}; _() {{ :", mark(2).display()),
            (1, 9),
        ),
        (
            format!(
                "case x in a) :;; esac; }}\ntouch {}\nf() {{\n:",
                mark(3).display()
            ),
            (1, 24),
        ),
        (
            format!("[[ -n x ]] }}\ntouch {}\nf() {{\n:", mark(4).display()),
            (1, 12),
        ),
        (
            format!("{{ :; }} }}\ntouch {}\nf() {{\n:", mark(5).display()),
            (1, 8),
        ),
        (format!(")\ntouch {}\n(", mark(6).display()), (1, 1)),
        // A here-document opened in one block and closed in the next.
        ("cat <<'EOF'".to_string(), (1, 5)),
        (
            format!("EOF\n}}\ntouch {}\nf() {{\n:", mark(7).display()),
            (2, 1),
        ),
        ("done".to_string(), (1, 1)),
    ];
    let mut text = format!("{FRONT}## Check\n\n");
    let mut expected = Vec::new();
    for (block, (line, col)) in &blocks {
        text.push_str("```bash\n");
        let first = text.lines().count() as u64 + 1;
        expected.push((first + line - 1, *col));
        text.push_str(block);
        text.push_str("\n```\n\n");
    }
    text.push_str("## Rollback\n\n```bash\necho rollback\n```\n");
    let book = book(&[("a.md", &text)]);

    let found = verify_detail(book.path(), "a.md");
    let syntax: Vec<(u64, u64)> = found
        .iter()
        .filter(|f| f.0 == "shell-syntax")
        .map(|f| (f.1, f.2))
        .collect();
    assert_eq!(syntax, expected, "{found:#?}");
    let lint = runbook_in(book.path(), &["lint", "a.md", "--format", "json"], &[]);
    assert_eq!(lint.code, 1, "{}", lint.stdout);
    let json: serde_json::Value = serde_json::from_str(&lint.stdout).expect("json report");
    let linted: Vec<(u64, u64)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "shell-syntax")
        .map(|d| (d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap()))
        .collect();
    assert_eq!(linted, expected, "{}", lint.stdout);

    let (_out, script) = extract_script(book.path(), "a.md");
    let text = std::fs::read_to_string(&script).unwrap();
    assert_eq!(
        text.matches("cannot run: not valid shell").count(),
        blocks.len(),
        "{text}"
    );
    for args in [&["--list"][..], &["--help"], &["--only", "echo-rollback"]] {
        let ran = run_script(&script, args);
        assert_eq!(ran.code, 0, "{args:?}: {}", ran.stderr);
    }
    let rollback = run_script(&script, &["--only", "rollback"]);
    assert_eq!(
        (rollback.code, rollback.stdout.as_str()),
        (0, "rollback\n"),
        "{}",
        rollback.stderr
    );
    // The whole script stops at its first broken step.
    assert_eq!(run_script(&script, &[]).code, 1);
    for n in 1..=7 {
        assert!(!mark(n).exists(), "the code of block {n} ran");
    }
}

/// `${X:=default}`, `(( X = 1 ))`, `for ((X = 0; ...))`, `$[X = 1]`,
/// `[[ -v X ]]`: the block sets or checks the variable itself, so it is
/// neither reported nor required by the script.
#[test]
fn blocks_that_set_or_check_their_own_variables() {
    let runbook = format!(
        "{FRONT}## Rollback\n\n```bash\n: \"${{REGION:=eu-west-1}}\"\necho \"rolling back in $REGION\"\n\
         (( COUNT = 3 )); echo \"$COUNT\"\nfor ((N = 0; N < 2; N++)); do echo \"try $N\"; done\n\
         X=$(( COUNT + 1 )); echo \"$X\"\necho $[Y = 7] \"$Y\"\n\
         [[ -v OPTIONAL ]] && echo \"$OPTIONAL\"\necho \"${{NOT_SET:-none}}\"\necho \"$NEVER_SET\"\n```\n"
    );
    let dir = book(&[("r.md", &runbook)]);
    // ShellCheck (SC2007) would only say that `$[...]` is deprecated.
    let found: Vec<(String, u64)> = verify_detail(dir.path(), "r.md")
        .into_iter()
        .map(|f| (f.0, f.1))
        .collect();
    assert_eq!(
        found,
        vec![("undefined-variable".to_string(), 20)],
        "only $NEVER_SET"
    );
    let (_out, script) = extract_script(dir.path(), "r.md");
    let text = std::fs::read_to_string(&script).unwrap();
    assert!(text.contains(": \"${NEVER_SET:?"), "{text}");
    for var in ["REGION", "COUNT", "N", "X", "Y", "OPTIONAL"] {
        assert!(!text.contains(&format!("${{{var}:?")), "{var}: {text}");
    }
    let output = Command::new("env")
        .args(["-u", "REGION", "-u", "OPTIONAL", "NEVER_SET=1", "bash"])
        .arg(&script)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert_eq!(
        stdout,
        "rolling back in eu-west-1\n3\ntry 0\ntry 1\n4\n7 7\nnone\n1\n"
    );
}

/// `$"..."` (a string translated by the locale) and `$[...]` (old
/// arithmetic) are valid bash: the step runs.
#[test]
fn locale_strings_and_old_arithmetic_are_valid_shell() {
    let runbook = format!(
        "{FRONT}## Rollback\n\n```bash {{name=greet}}\necho $\"rolled back\" $[1<<2]\n```\n\n```bash\necho $[1<<2\n```\n"
    );
    let dir = book(&[("r.md", &runbook)]);
    let found = verify_detail(dir.path(), "r.md");
    let syntax: Vec<(u64, u64)> = found
        .iter()
        .filter(|f| f.0 == "shell-syntax")
        .map(|f| (f.1, f.2))
        .collect();
    assert_eq!(syntax, vec![(16, 6)], "only the unclosed one: {found:?}");
    let (_out, script) = extract_script(dir.path(), "r.md");
    let ran = run_script(&script, &["--only", "greet"]);
    assert_eq!(
        (ran.code, ran.stdout.as_str()),
        (0, "rolled back 4\n"),
        "{}",
        ran.stderr
    );
}

/// A here-document that never ends is reported at its `<<`, naming the
/// line it waits for, not at the first line of its body.
#[test]
fn an_unclosed_heredoc_is_reported_at_its_operator() {
    let runbook = format!(
        "{FRONT}## Rollback\n\n```bash\ncat <<EOF > /etc/app.conf\nlisten 8080\nEOF \n```\n"
    );
    let dir = book(&[("r.md", &runbook)]);
    let found = verify_detail(dir.path(), "r.md");
    let syntax: Vec<&(String, u64, u64, String)> =
        found.iter().filter(|f| f.0 == "shell-syntax").collect();
    assert_eq!(syntax.len(), 1, "{found:?}");
    assert_eq!((syntax[0].1, syntax[0].2), (12, 5), "{found:?}");
    assert!(
        syntax[0]
            .3
            .contains("`<<EOF` is never closed: no line after it is `EOF` alone"),
        "{found:?}"
    );
}

/// Placeholder substitution must not change what a valid command means:
/// `<in>/dev/null` is two redirections, the rest of a `$'...'` keeps its
/// escapes (`<NAME>`: in capitals, a placeholder even in `printf`'s text), and inside `"$(...)"` the value is quoted for the command.
#[test]
fn placeholders_keep_the_meaning_of_the_command() {
    let runbook = format!(
        "{FRONT}## Rollback\n\n```bash {{name=redirect}}\ncat <in.txt>/dev/null\n```\n\n\
         ```bash {{name=ansi}}\nprintf $'<NAME>\\n'\n```\n\n\
         ```bash {{name=inner}}\necho \"got: $(printf '%s|' <pod-name>)\"\n```\n\n\
         ```bash {{name=archive}}\necho <backup-id>.tar.gz\n```\n"
    );
    let dir = book(&[("r.md", &runbook), ("in.txt", "x\n")]);
    let found = verify_in(dir.path(), "r.md");
    assert_eq!(
        lines_of(&found, "unresolved-placeholder"),
        vec![16, 20, 24],
        "not the redirection of line 12: {found:?}"
    );
    let (_out, script) = extract_script(dir.path(), "r.md");
    let text = std::fs::read_to_string(&script).unwrap();
    assert!(text.contains("\ncat <in.txt>/dev/null\n"), "{text}");
    assert!(text.contains("\"${BACKUP_ID:?"), "{text}");
    let output = Command::new("bash")
        .arg(&script)
        .args(["--only", "ansi", "--only", "inner"])
        .args(["--var", "NAME=a\tb", "--var", "POD_NAME=web 1"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "a\tb\ngot: web 1|\n",
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A placeholder in a quoted here-document cannot be filled in: nothing
/// expands there. It is reported though its variable is declared, and its
/// step fails saying why, in the script and the dry run, rather than write
/// `host=<new-primary-host>` into a file. `<none>` there is text, and an
/// unquoted here-document is filled in.
#[test]
fn a_placeholder_in_a_quoted_heredoc_fails_its_step() {
    let found = verify("placeholders-heredoc.md");
    assert_eq!(
        found,
        [("unresolved-placeholder".to_string(), 14)],
        "{found:?}"
    );
    let run = runbook(&["verify", "placeholders-heredoc.md", "--no-shellcheck"]);
    assert!(
        run.stdout.contains(
            "placeholder `<new-primary-host>` is in a quoted here-document: the script cannot \
             fill it in, so its step fails"
        ) && run
            .stdout
            .contains("unquote the delimiter (`<<EOF`, not `<<'EOF'`)"),
        "{}",
        run.stdout
    );
    let why = "cannot run: placeholder <new-primary-host> (line 14) is in a quoted \
               here-document, where the script cannot fill it in: unquote the delimiter or fill \
               it in by hand";
    let (_out, script) = extract_script(&fixtures(), "placeholders-heredoc.md");
    let text = std::fs::read_to_string(&script).unwrap();
    assert!(
        text.contains("\n# | ledger = host=<new-primary-host> port"),
        "{text}"
    );
    assert!(text.contains("\nweb    <none>\n"), "{text}");
    assert!(text.contains("\nprimary: ${NEW_PRIMARY_HOST:?"), "{text}");
    let run = run_script(&script, &["--var", "NEW_PRIMARY_HOST=db2"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains(why), "{}", run.stderr);
    let run = run_script(
        &script,
        &[
            "--only",
            "cat",
            "--only",
            "cat-2",
            "--var",
            "NEW_PRIMARY_HOST=db2",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "NAME   IMAGE\nweb    <none>\nprimary: db2\n");

    let run = runbook(&[
        "dry-run",
        "placeholders-heredoc.md",
        "--var",
        "NEW_PRIMARY_HOST=db2",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains(why), "{}", run.stderr);
    // The step is announced, and nothing of it is run.
    assert!(run.stdout.contains("==> tee ("), "{}", run.stdout);
    assert!(!run.stdout.contains("$ sudo tee"), "{}", run.stdout);
    assert!(!run.stdout.contains("systemctl"), "{}", run.stdout);
}

#[test]
fn dry_run_errors_of_bash_name_the_runbook() {
    let dir = book(&[(
        "math.md",
        "# Math\n\n```bash\nkubectl get pods\nx=$(( 1 / 0 ))\n```\n",
    )]);
    let run = runbook_in(dir.path(), &["dry-run", "math.md"], &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .lines()
            .any(|l| l.starts_with("math.md: 1 / 0 : division by 0")),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("dry-run.sh"), "{}", run.stderr);
}
