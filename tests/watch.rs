//! `runbook lint --watch`: a real file change in a temp tree makes the
//! linter run again and report what the change broke.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const GOOD: &str = "---\ntitle: Good\nowner: team-a\nlast_reviewed: 2026-11-01\nstatus: draft\n---\n# Good\n\n## Rollback\n\nUndo.\n";

#[test]
fn lint_watch_reruns_on_change() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("book.toml"), "[book]\nsrc = \"docs\"\n").unwrap();
    std::fs::create_dir(tmp.path().join("docs")).unwrap();
    std::fs::write(tmp.path().join("docs/a.md"), GOOD).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_runbook"))
        .args(["lint", "--watch", "--today", "2026-11-25"])
        .current_dir(tmp.path())
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (lines, received) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let out_lines = lines.clone();
    std::thread::spawn(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .for_each(|l| drop(out_lines.send(l)))
    });
    std::thread::spawn(move || {
        BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
            .for_each(|l| drop(lines.send(l)))
    });
    let wait_for = |needle: &str| -> bool {
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
            match received.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return true,
                Ok(_) => {}
                Err(_) => return false,
            }
        }
        false
    };
    // Printed once the first report is out and the watcher is set up.
    assert!(wait_for("watching"), "watching");
    std::fs::write(
        tmp.path().join("docs/a.md"),
        GOOD.replace("Undo.", "See [gone](gone.md)."),
    )
    .unwrap();
    let seen = wait_for("link to `gone.md`");
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(seen, "the change was linted");
}
