//! `bash -n` over many scripts with few processes: scripts are checked in
//! batches, each wrapped in a function of one input, so a clean corpus of
//! 10,000 runbooks costs a few dozen processes, not 10,000.

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::LazyLock;

use rayon::prelude::*;
use regex::Regex;

/// What `bash -n` said of one script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BashError {
    /// The script's line bash names; `None` when it named none (it crashed).
    pub line: Option<usize>,
    /// What to tell the user: bash's syntax error (`not valid shell: bash:
    /// ...`), or that bash crashed on the script.
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
/// again, since bash stops at its first error. When bash crashes it names
/// no line, so no script can be blamed from its output: the batch is
/// split in halves and each checked again, down to the script it crashes
/// on, and the others are judged on their own.
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
        match run(&input)? {
            Verdict::Valid => break,
            Verdict::Invalid { line: at, message } => {
                let index = starts.partition_point(|&s| s <= at).saturating_sub(1);
                out[from + index] = Some(BashError {
                    line: Some(at + 1 - starts[index]),
                    message: format!("not valid shell: bash: {message}"),
                });
                from += index + 1;
            }
            Verdict::Crashed(why) if scripts.len() - from == 1 => {
                out[from] = Some(BashError {
                    line: None,
                    message: why,
                });
                break;
            }
            Verdict::Crashed(_) => {
                let mid = from + (scripts.len() - from) / 2;
                let (first, second) = rayon::join(
                    || check_batch(&scripts[from..mid]),
                    || check_batch(&scripts[mid..]),
                );
                for (slot, found) in out[from..]
                    .iter_mut()
                    .zip(first?.into_iter().chain(second?))
                {
                    *slot = found;
                }
                break;
            }
        }
    }
    Ok(out)
}

/// What one `bash -n` run found.
enum Verdict {
    Valid,
    /// The first syntax error: the line bash names and its words.
    Invalid {
        line: usize,
        message: String,
    },
    /// bash died (a signal), or failed naming no line: what to tell the user.
    Crashed(String),
}

/// Runs `bash -n` on the text. The text goes through a file: bash reads a
/// pipe one byte per system call.
fn run(input: &str) -> std::io::Result<Verdict> {
    let mut file = tempfile::Builder::new().suffix(".sh").tempfile()?;
    file.write_all(input.as_bytes())?;
    file.flush()?;
    let output = Command::new("bash")
        .args(["--norc", "--noprofile", "-n"])
        .arg(file.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => std::io::Error::new(
                e.kind(),
                "bash was not found: install bash, or put it on PATH",
            ),
            _ => std::io::Error::new(e.kind(), format!("cannot start bash: {e}")),
        })?;
    if output.status.success() {
        return Ok(Verdict::Valid);
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let found = stderr.lines().find_map(|l| {
        let caps = LINE.captures(l)?;
        Some((caps[1].parse().ok()?, caps[2].trim().to_string()))
    });
    Ok(match found {
        Some((line, message)) => Verdict::Invalid { line, message },
        None => Verdict::Crashed(died(&output.status, stderr.trim())),
    })
}

/// How bash ended without naming a line, in words for the step's finding.
fn died(status: &std::process::ExitStatus, stderr: &str) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            let name = match signal {
                4 => "illegal instruction",
                6 => "aborted",
                7 => "bus error",
                9 => "killed",
                11 => "segmentation fault",
                _ => "killed by a signal",
            };
            return format!(
                "bash crashed ({name}, signal {signal}) checking this with `bash -n`, so it \
                 cannot be checked or run safely: commands nested very deep do this; split them"
            );
        }
    }
    let code = status
        .code()
        .map_or_else(|| "no exit code".to_string(), |c| format!("exit code {c}"));
    let said = if stderr.is_empty() {
        "and said nothing".to_string()
    } else {
        format!("saying: {stderr}")
    };
    format!("`bash -n` failed on this without naming a line ({code}), {said}")
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
        assert_eq!(results[3].as_ref().unwrap().line, Some(1));
    }

    /// bash names no line when it crashes: the crash is found by halving
    /// the batch, and said as a crash, of the script it happened on only.
    #[test]
    fn a_crash_is_blamed_on_its_script_in_words() {
        let deep = format!("echo {}hi{}\n", "$(echo ".repeat(3000), ")".repeat(3000));
        let good = "echo a\n";
        let bad = "if true; then\n";
        let results = check(&[good, bad, good, &deep, good, good]).unwrap();
        let crash = results[3].as_ref().expect("the crash is found");
        assert_eq!(crash.line, None);
        assert!(
            crash
                .message
                .starts_with("bash crashed (segmentation fault, signal 11)"),
            "{crash:?}"
        );
        assert!(
            results[1]
                .as_ref()
                .unwrap()
                .message
                .starts_with("not valid shell: bash: ")
        );
        for i in [0, 2, 4, 5] {
            assert_eq!(results[i], None, "{i}: {results:?}");
        }
    }
}
