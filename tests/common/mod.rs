//! Helpers shared by the integration tests: run the built binaries on
//! fixtures with a fixed "today".

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const TODAY: &str = "2026-11-25";

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// `runbook ARGS...` in `dir`, with colour off and no CI variables leaking in.
pub fn runbook(dir: &Path, args: &[&str]) -> Output {
    command(env!("CARGO_BIN_EXE_runbook"), dir, args)
}

pub fn runbook_lint(dir: &Path, args: &[&str]) -> Output {
    command(env!("CARGO_BIN_EXE_runbook-lint"), dir, args)
}

fn command(bin: &str, dir: &Path, args: &[&str]) -> Output {
    Command::new(bin)
        .args(args)
        .current_dir(dir)
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("SOURCE_DATE_EPOCH")
        .env("NO_COLOR", "1")
        .output()
        .expect("run the binary")
}

/// Copies a folder of fixtures, to run where no repository is around it.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Lints a folder as JSON and returns the parsed report.
pub fn lint_json(dir: &Path, extra: &[&str]) -> (serde_json::Value, i32) {
    let mut args = vec!["lint", "--format", "json", "--today", TODAY];
    args.extend_from_slice(extra);
    let output = runbook(dir, &args);
    let json = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "invalid JSON ({e}): {}\nstderr: {}",
            stdout(&output),
            stderr(&output)
        )
    });
    (json, output.status.code().unwrap_or(-1))
}

/// The rule id of every finding of a JSON report, in report order.
pub fn rule_ids(report: &serde_json::Value) -> Vec<&str> {
    report["diagnostics"]
        .as_array()
        .expect("a JSON report")
        .iter()
        .map(|d| d["rule"].as_str().expect("a rule id"))
        .collect()
}

pub mod client;
pub mod html;
pub mod server;

/// Every file under `dir`, by path relative to it, with its bytes.
pub fn snapshot(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            (
                rel.to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}
