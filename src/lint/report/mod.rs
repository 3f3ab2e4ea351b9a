//! Reporters: each formats the same diagnostics for one audience.

pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod sarif;

use std::io::{self, Write};

use crate::diagnostic::{Diagnostic, Summary};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Like rustc and ruff: `path:line:col`, the source line, help.
    Human,
    /// A stable JSON document (schema in the README).
    Json,
    /// SARIF 2.1.0 for GitHub code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// GitLab Code Quality report.
    Gitlab,
}

/// Everything a reporter may show.
pub struct Report<'a> {
    pub diagnostics: &'a [Diagnostic],
    pub summary: Summary,
    /// Show suppressed findings too (human format).
    pub show_suppressed: bool,
}

pub fn write(format: Format, report: &Report, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Human => human::write(report, out),
        Format::Json => json::write(report, out),
        Format::Sarif => sarif::write(report, out),
        Format::Github => github::write(report, out),
        Format::Gitlab => gitlab::write(report, out),
    }
}

/// A path as reports show it: `/`-separated, without a leading `./`.
pub fn display_path(path: &std::path::Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut rest = text.as_str();
    while let Some(stripped) = rest.strip_prefix("./") {
        rest = stripped;
    }
    rest.to_string()
}

/// `1 runbook`, `2 runbooks`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
