//! The JSON report: a stable schema for scripts (documented in the README).
//! Fields are only ever added, never renamed or removed, within a `version`.

use std::io::{self, Write};

use serde::Serialize;

use super::{Report, display_path};
use crate::diagnostic::{Diagnostic, Fix, Severity, Suppression};

pub const VERSION: u32 = 1;

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
            fix: d.fix.as_deref(),
            suppressed: d.suppressed.as_deref(),
        }
    }
}

/// Writes what `serde_json::to_writer_pretty` would write for
/// `{version, summary, diagnostics}`, byte for byte, with the findings
/// serialized on every core ([`super::write_pretty_items`]).
pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let summary = serde_json::to_vec_pretty(&report.summary)?;
    let mut head = format!("{{\n  \"version\": {VERSION},\n  \"summary\": ").into_bytes();
    indent_into(&mut head, &summary, b"\n  ");
    out.write_all(&head)?;
    out.write_all(b",\n  \"diagnostics\": [")?;
    super::write_pretty_items(out, report.diagnostics, Entry::of, b"    ")?;
    if !report.diagnostics.is_empty() {
        out.write_all(b"\n  ")?;
    }
    out.write_all(b"]\n}\n")
}

/// Appends pretty JSON written at the top level, moved to a deeper one:
/// each line break gets the deeper indentation (strings never hold a raw
/// line break).
pub(super) fn indent_into(out: &mut Vec<u8>, json: &[u8], line_break: &[u8]) {
    let mut from = 0;
    for at in memchr::memchr_iter(b'\n', json) {
        out.extend_from_slice(&json[from..at]);
        out.extend_from_slice(line_break);
        from = at + 1;
    }
    out.extend_from_slice(&json[from..]);
}
