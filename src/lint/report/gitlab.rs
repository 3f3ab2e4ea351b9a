//! GitLab Code Quality report: a JSON array GitLab shows in merge requests.

use std::io::{self, Write};

use serde::Serialize;

use super::Report;
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
    let issues: Vec<Issue> = report
        .diagnostics
        .iter()
        .filter(|d| d.is_counted())
        .map(|d| {
            let path = report.scanned_path(&d.path);
            Issue {
                description: d.message.clone(),
                check_name: d.rule.to_string(),
                fingerprint: fingerprint(&[d.rule, &path, d.source_line.trim(), &d.message]),
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

/// Stable across runs and line moves: the rule, file, line text and message.
pub fn fingerprint(parts: &[&str]) -> String {
    // FNV-1a, 64 bits twice with different seeds: stable across Rust
    // versions, unlike `DefaultHasher`.
    let fnv = |seed: u64| {
        let mut hash = seed;
        for part in parts {
            for byte in part.bytes().chain([0]) {
                hash ^= u64::from(byte);
                hash = hash.wrapping_mul(0x100000001b3);
            }
        }
        hash
    };
    format!(
        "{:016x}{:016x}",
        fnv(0xcbf29ce484222325),
        fnv(0x84222325cbf29ce4)
    )
}
