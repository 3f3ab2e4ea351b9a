//! `bash -n` over many scripts with few processes: scripts are checked in
//! batches, each wrapped in a function of one input, so a clean corpus of
//! 10,000 runbooks costs a few dozen processes, not 10,000.

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::LazyLock;

use rayon::prelude::*;
use regex::Regex;

/// A syntax error bash found: the script's line and bash's message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BashError {
    pub line: usize,
    pub message: String,
}

const BATCH: usize = 200;

static LINE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"line (\d+): (.*)").unwrap());

/// The first syntax error of each script, in order.
pub fn check(scripts: &[&str]) -> std::io::Result<Vec<Option<BashError>>> {
    let chunks: Vec<std::io::Result<Vec<Option<BashError>>>> =
        scripts.par_chunks(BATCH).map(check_batch).collect();
    let mut out = Vec::with_capacity(scripts.len());
    for chunk in chunks {
        out.extend(chunk?);
    }
    Ok(out)
}

/// Checks the batch; after an error, checks the scripts after the culprit
/// again, since bash stops at its first error.
fn check_batch(scripts: &[&str]) -> std::io::Result<Vec<Option<BashError>>> {
    let mut out = vec![None; scripts.len()];
    let mut from = 0;
    while from < scripts.len() {
        let mut input = String::new();
        let mut starts = Vec::new();
        let mut line = 1;
        for (i, script) in scripts[from..].iter().enumerate() {
            input.push_str(&format!("__runbook_check_{i}() {{\n"));
            starts.push(line + 1);
            input.push_str(script);
            if !script.ends_with('\n') {
                input.push('\n');
            }
            input.push_str("}\n");
            line += 2 + script.lines().count();
        }
        let Some((at, message)) = run(&input)? else {
            break;
        };
        let index = starts.partition_point(|&s| s <= at).saturating_sub(1);
        out[from + index] = Some(BashError {
            line: at + 1 - starts[index],
            message,
        });
        from += index + 1;
    }
    Ok(out)
}

/// Runs `bash -n` on the text; the first error's line and message. The
/// text goes through a file: bash reads a pipe one byte per system call.
fn run(input: &str) -> std::io::Result<Option<(usize, String)>> {
    let mut file = tempfile::Builder::new().suffix(".sh").tempfile()?;
    file.write_all(input.as_bytes())?;
    file.flush()?;
    let output = Command::new("bash")
        .args(["--norc", "--noprofile", "-n"])
        .arg(file.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()?;
    if output.status.success() {
        return Ok(None);
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let found = stderr.lines().find_map(|l| {
        let caps = LINE.captures(l)?;
        Some((caps[1].parse().ok()?, caps[2].trim().to_string()))
    });
    Ok(Some(found.unwrap_or((
        input.lines().count(),
        stderr.trim().to_string(),
    ))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_scripts_first_error() {
        let good = "echo a\n";
        let bad = "echo b\nif true; then\n  echo c\n";
        let results = check(&[good, bad, good, "fi\n"]).unwrap();
        assert_eq!(results[0], None);
        assert!(results[1].is_some());
        assert_eq!(results[2], None);
        assert_eq!(results[3].as_ref().unwrap().line, 1);
    }
}
