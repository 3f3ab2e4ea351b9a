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

/// The largest script given to ShellCheck. It needs about 2 GB of memory
/// per MB of script (ShellCheck 0.9: 1.1 GB and 17 s for a 0.5 MB script of
/// 10,000 one-line commands), so one hostile runbook would take the
/// machine's memory; 100 KB is some 2,000 lines, far above any runbook.
pub const MAX_SCRIPT_BYTES: usize = 100 * 1024;

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

/// The findings for each script, in order; `None` for a script over
/// [`MAX_SCRIPT_BYTES`], which is not checked.
pub fn check(scripts: &[&str]) -> std::io::Result<Vec<Option<Vec<Comment>>>> {
    let dir = tempfile::tempdir()?;
    let mut files = Vec::new();
    for (i, text) in scripts.iter().enumerate() {
        if text.len() <= MAX_SCRIPT_BYTES {
            let name = format!("{i}.sh");
            std::fs::write(dir.path().join(&name), text)?;
            files.push(name);
        }
    }
    let batches: Vec<std::io::Result<Vec<Comment>>> = files
        .par_chunks(BATCH)
        .map(|chunk| run(dir.path(), chunk))
        .collect();
    let mut out: Vec<Option<Vec<Comment>>> = scripts
        .iter()
        .map(|text| (text.len() <= MAX_SCRIPT_BYTES).then(Vec::new))
        .collect();
    for batch in batches {
        for comment in batch? {
            let index = comment
                .file
                .trim_end_matches(".sh")
                .parse::<usize>()
                .ok()
                .filter(|&i| i < out.len());
            if let Some(comments) = index.and_then(|i| out[i].as_mut()) {
                comments.push(comment);
            }
        }
    }
    Ok(out)
}

fn run(dir: &Path, files: &[String]) -> std::io::Result<Vec<Comment>> {
    // `--norc`: a `.shellcheckrc` of the machine's (in HOME, or above the
    // temporary folder) would make CI and a laptop disagree.
    let output = Command::new("shellcheck")
        .args([
            "--norc",
            "--format=json1",
            "--shell=bash",
            "--exclude",
            EXCLUDED,
        ])
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
