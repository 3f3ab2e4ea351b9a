//! GitLab Code Quality report: a JSON array GitLab shows in merge requests.

use std::io::{self, Write};

use serde::Serialize;

use super::{Report, fingerprint, occurrences};
use crate::diagnostic::Severity;

#[derive(Serialize)]
struct Issue {
    description: String,
    check_name: String,
    fingerprint: String,
    severity: &'static str,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
}

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    // Occurrences are counted over all findings, suppressed ones too, as
    // SARIF counts them: a finding keeps its print when a suppression is
    // added above it, and has the same one in both formats.
    let issues: Vec<Issue> = report
        .diagnostics
        .iter()
        .zip(occurrences(report.diagnostics.iter()))
        .filter(|(d, _)| d.is_counted())
        .map(|(d, occurrence)| {
            let path = report.scanned_path(&d.path);
            Issue {
                description: d.message.clone(),
                check_name: d.rule.to_string(),
                fingerprint: fingerprint(d, &path, occurrence),
                severity: match d.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                    Severity::Info => "info",
                },
                location: Location {
                    path,
                    lines: Lines {
                        begin: d.span.start.line,
                    },
                },
            }
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}
