//! ShellCheck over extracted scripts, many files per process, its findings
//! brought back to script lines for the caller to map to Markdown.

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::diagnostic::Severity;
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

/// Memory one ShellCheck process may hold, and how long it may run. Size
/// alone does not bound it: 24 KB of `true && true && ...` took 13 GB, and
/// 60 KB of nested `( ... )` all 24 GB of the machine before the kernel
/// killed it. A process past either is stopped; the scripts of its batch
/// are then checked one by one, so only the one at fault goes unchecked.
pub const MAX_MEMORY: u64 = 1 << 30;
pub const MAX_TIME: Duration = Duration::from_secs(120);

/// What became of one script.
#[derive(Clone, Debug)]
pub enum Verdict {
    Checked(Vec<Comment>),
    /// Over [`MAX_SCRIPT_BYTES`]: not given to ShellCheck.
    TooLarge,
    /// ShellCheck went past [`MAX_MEMORY`] or [`MAX_TIME`] on it.
    Stopped(Limit),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    Memory,
    Time,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Comment {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub code: u32,
    pub message: String,
    /// ShellCheck's own level: `error`, `warning`, `info` or `style`.
    pub level: String,
}

impl Comment {
    /// ShellCheck's level as a finding's: its errors fail the run (a `\ `
    /// that cuts `--dry-run` off a command), and its info and style notes
    /// do not, even with `--deny warnings`.
    pub fn severity(&self) -> Severity {
        match self.level.as_str() {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            _ => Severity::Info,
        }
    }
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

/// What ShellCheck says of each script, in order.
pub fn check(scripts: &[&str]) -> std::io::Result<Vec<Verdict>> {
    let dir = tempfile::tempdir()?;
    let mut out: Vec<Verdict> = Vec::with_capacity(scripts.len());
    let mut files = Vec::new();
    for (i, text) in scripts.iter().enumerate() {
        if text.len() <= MAX_SCRIPT_BYTES {
            let name = format!("{i}.sh");
            std::fs::write(dir.path().join(&name), text)?;
            files.push(name);
            out.push(Verdict::Checked(Vec::new()));
        } else {
            out.push(Verdict::TooLarge);
        }
    }
    let batches: Vec<_> = files
        .par_chunks(BATCH)
        .map(|chunk| (chunk, run(dir.path(), chunk)))
        .collect();
    let index_of = |file: &str| {
        file.trim_end_matches(".sh")
            .parse::<usize>()
            .ok()
            .filter(|&i| i < scripts.len())
    };
    let mut comments = Vec::new();
    for (chunk, batch) in batches {
        match batch {
            Ok(found) => comments.extend(found),
            Err(Failure::Io(e)) => return Err(e),
            Err(Failure::Stopped(limit)) => {
                let alone: Vec<_> = chunk
                    .par_iter()
                    .map(|file| (file, run(dir.path(), std::slice::from_ref(file))))
                    .collect();
                for (file, result) in alone {
                    match result {
                        Ok(found) => comments.extend(found),
                        Err(Failure::Io(e)) => return Err(e),
                        Err(Failure::Stopped(_)) => {
                            if let Some(i) = index_of(file) {
                                out[i] = Verdict::Stopped(limit);
                            }
                        }
                    }
                }
            }
        }
    }
    for comment in comments {
        if let Some(Verdict::Checked(list)) = index_of(&comment.file).map(|i| &mut out[i]) {
            list.push(comment);
        }
    }
    Ok(out)
}

/// Why a ShellCheck process gave no findings.
enum Failure {
    Io(std::io::Error),
    Stopped(Limit),
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Failure {
        Failure::Io(e)
    }
}

fn run(dir: &Path, files: &[String]) -> Result<Vec<Comment>, Failure> {
    // `--norc`: a `.shellcheckrc` of the machine's (in HOME, or above the
    // temporary folder) would make CI and a laptop disagree.
    let mut child = Command::new("shellcheck")
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
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let stdout = child
        .stdout
        .take()
        .map(|p| Box::new(p) as Box<dyn Read + Send>);
    let stderr = child
        .stderr
        .take()
        .map(|p| Box::new(p) as Box<dyn Read + Send>);
    // Read while it runs, or a full pipe would stall it.
    let (status, stdout, stderr) = std::thread::scope(|scope| {
        let read = |pipe: Option<Box<dyn Read + Send>>| {
            scope.spawn(move || {
                let mut bytes = Vec::new();
                if let Some(mut pipe) = pipe {
                    let _ = pipe.read_to_end(&mut bytes);
                }
                bytes
            })
        };
        let out = read(stdout);
        let err = read(stderr);
        let status = watch(&mut child);
        let joined = |h: std::thread::ScopedJoinHandle<Vec<u8>>| h.join().unwrap_or_default();
        (status, joined(out), joined(err))
    });
    let status = status?;
    // Exit 1 means findings; only other failures are errors.
    if !matches!(status.code(), Some(0 | 1)) {
        return Err(Failure::Io(std::io::Error::other(format!(
            "shellcheck failed: {}",
            String::from_utf8_lossy(&stderr).trim()
        ))));
    }
    let parsed: Output = serde_json::from_slice(&stdout)
        .map_err(|e| std::io::Error::other(format!("cannot read shellcheck's output: {e}")))?;
    Ok(parsed.comments)
}

/// Waits for ShellCheck, stopping it past [`MAX_MEMORY`] or [`MAX_TIME`].
fn watch(child: &mut Child) -> Result<ExitStatus, Failure> {
    let deadline = Instant::now() + MAX_TIME;
    let mut pause = Duration::from_millis(5);
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(status);
        }
        let over = if resident_bytes(child.id()).is_some_and(|n| n > MAX_MEMORY) {
            Some(Limit::Memory)
        } else if Instant::now() >= deadline {
            Some(Limit::Time)
        } else {
            None
        };
        if let Some(limit) = over {
            let _ = child.kill();
            let _ = child.wait();
            return Err(Failure::Stopped(limit));
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}

/// A process's resident memory, where `/proc` tells it.
fn resident_bytes(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find_map(|l| l.strip_prefix("VmRSS:"))?;
    let kib: u64 = line.trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kib * 1024)
}
