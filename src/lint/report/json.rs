//! The JSON report: a stable schema for scripts (documented in the README).
//! Fields are only ever added, never renamed or removed, within a `version`.

use std::io::{self, Write};

use serde::Serialize;

use super::{Report, display_path};
use crate::diagnostic::{Fix, Severity, Summary, Suppression};

pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    summary: Summary,
    diagnostics: Vec<Entry<'a>>,
}

#[derive(Serialize)]
struct Entry<'a> {
    rule: &'a str,
    severity: Severity,
    path: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
    help: Option<&'a str>,
    fix: Option<&'a Fix>,
    suppressed: Option<&'a Suppression>,
}

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let diagnostics = report
        .diagnostics
        .iter()
        .map(|d| Entry {
            rule: d.rule,
            severity: d.severity,
            path: display_path(&d.path),
            line: d.span.start.line,
            column: d.span.start.col,
            end_line: d.span.end.line.max(d.span.start.line),
            end_column: if d.span.end.line > 0 {
                d.span.end.col
            } else {
                d.span.start.col
            },
            message: &d.message,
            help: d.help.as_deref(),
            fix: d.fix.as_ref(),
            suppressed: d.suppressed.as_ref(),
        })
        .collect();
    let doc = Document {
        version: VERSION,
        summary: report.summary,
        diagnostics,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
