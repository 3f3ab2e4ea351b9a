//! The JSON report: a stable schema for scripts (documented in the README).
//! Fields are only ever added, never renamed or removed, within a `version`.

use std::io::{self, Write};

use serde::Serialize;

use super::{Report, display_path};
use crate::diagnostic::{Diagnostic, Fix, Severity, Summary, Suppression};

pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    summary: Summary,
    diagnostics: Entries<'a>,
}

/// The findings, each turned into its entry only as it is written: a big
/// run's report is never held twice in memory.
struct Entries<'a>(&'a [Diagnostic]);

impl Serialize for Entries<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(Entry::of))
    }
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

impl<'a> Entry<'a> {
    fn of(d: &'a Diagnostic) -> Entry<'a> {
        Entry {
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
        }
    }
}

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let doc = Document {
        version: VERSION,
        summary: report.summary,
        diagnostics: Entries(report.diagnostics),
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
