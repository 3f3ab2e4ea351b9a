//! ShellCheck over extracted scripts, many files per process, its findings
//! brought back to script lines for the caller to map to Markdown.

use std::path::Path;
use std::process::{Command, Stdio};

use rayon::prelude::*;
use serde::Deserialize;

/// Codes runbook's own rules cover, or that generated code triggers by
/// design: SC2154/SC2034 (variables set or read elsewhere, which
/// `undefined-variable` judges across steps), SC2317 (steps are called
/// through a table), SC1091 (sourced files are not ours to follow).
const EXCLUDED: &str = "SC2154,SC2034,SC2317,SC1091";
const BATCH: usize = 100;

#[derive(Clone, Debug, Deserialize)]
pub struct Comment {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub code: u32,
    pub message: String,
}

#[derive(Deserialize)]
struct Output {
    comments: Vec<Comment>,
}

/// Whether `shellcheck` can be run.
pub fn available() -> bool {
    Command::new("shellcheck")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The findings for each script, in order.
pub fn check(scripts: &[&str]) -> std::io::Result<Vec<Vec<Comment>>> {
    let dir = tempfile::tempdir()?;
    let files: Vec<String> = (0..scripts.len()).map(|i| format!("{i}.sh")).collect();
    for (name, text) in files.iter().zip(scripts) {
        std::fs::write(dir.path().join(name), text)?;
    }
    let batches: Vec<std::io::Result<Vec<Comment>>> = files
        .par_chunks(BATCH)
        .map(|chunk| run(dir.path(), chunk))
        .collect();
    let mut out = vec![Vec::new(); scripts.len()];
    for batch in batches {
        for comment in batch? {
            let index = comment
                .file
                .trim_end_matches(".sh")
                .parse::<usize>()
                .ok()
                .filter(|&i| i < out.len());
            if let Some(i) = index {
                out[i].push(comment);
            }
        }
    }
    Ok(out)
}

fn run(dir: &Path, files: &[String]) -> std::io::Result<Vec<Comment>> {
    let output = Command::new("shellcheck")
        .args(["--format=json1", "--shell=bash", "--exclude", EXCLUDED])
        .args(files)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()?;
    // Exit 1 means findings; only other failures are errors.
    if !matches!(output.status.code(), Some(0 | 1)) {
        return Err(std::io::Error::other(format!(
            "shellcheck failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    let parsed: Output = serde_json::from_slice(&output.stdout)
        .map_err(|e| std::io::Error::other(format!("cannot read shellcheck's output: {e}")))?;
    Ok(parsed.comments)
}
