//! GitHub Actions workflow commands: one `::error file=...::message` line
//! per finding, so they show on the pull request's diff.
//!
//! GitHub shows only ten annotations of each kind per step, so when
//! `GITHUB_STEP_SUMMARY` is set the table of findings goes there too, as
//! much of it as the summary can hold.

use std::io::{self, Write};

use super::{Report, markdown_text, one_line, plural, printable};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::MAX_FINDINGS_PER_RULE;

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for d in report.diagnostics.iter().filter(|d| d.is_counted()) {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        // Each on its own line, as the human format shows them: a line
        // break in runbook text (`status: "x\nhelp: ..."`) is shown as `␊`,
        // so only the line break put here starts the help.
        let mut message = one_line(&d.message).into_owned();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(&one_line(help));
        }
        writeln!(
            out,
            "::{command} file={},{},title={}::{}",
            escape_property(&printable(&report.scanned_path(&d.path))),
            position(d),
            escape_property(&format!("runbook {}", d.rule)),
            escape_data(&message)
        )?;
    }
    // The table is extra: a summary file that cannot be written is said,
    // but the annotations are out and the lint's result stands.
    if let Ok(summary_path) = std::env::var("GITHUB_STEP_SUMMARY")
        && !summary_path.is_empty()
    {
        let written = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&summary_path)
            .and_then(|mut file| {
                // Other steps' tools may have written to it already.
                let used = file.metadata()?.len();
                let room =
                    SUMMARY_LIMIT.saturating_sub(usize::try_from(used).unwrap_or(usize::MAX));
                match step_summary(report, room) {
                    text if text.is_empty() => Err(io::Error::other(
                        "it is full: GitHub takes at most 1 MiB per step",
                    )),
                    text => file.write_all(text.as_bytes()),
                }
            });
        if let Err(e) = written {
            crate::eprintln_printable!(
                "warning: cannot add the table of findings to the job summary \
                     `{summary_path}` (GITHUB_STEP_SUMMARY): {e}"
            );
        }
    }
    writeln!(out, "{}", super::human::summary_line(report))
}

/// Where a finding is, as an annotation's properties: `line` and `col`,
/// with `endLine` and `endColumn` (exclusive, as in SARIF) when it ends on
/// its line. The runner drops `col` and `endColumn` from an annotation
/// whose `endLine` is another line, so one over several lines names its
/// lines only.
fn position(d: &Diagnostic) -> String {
    let (start, end) = (d.span.start, d.span.end);
    if end.line > start.line {
        format!("line={},endLine={}", start.line, end.line)
    } else if end.line == start.line && end.line > 0 {
        format!(
            "line={},col={},endLine={},endColumn={}",
            start.line,
            start.col,
            end.line,
            end.col.max(start.col)
        )
    } else {
        format!("line={},col={}", start.line, start.col)
    }
}

/// What GitHub takes of a step's summary: a larger one is dropped whole,
/// with an error in place of the table.
pub const SUMMARY_LIMIT: usize = 1024 * 1024;

/// The Markdown table written to the job summary, in at most `room`
/// bytes. When every finding does not fit, errors come first and a last
/// line says how many were left out and where they are; with no room
/// even for that, nothing.
pub fn step_summary(report: &Report, room: usize) -> String {
    let mut text = format!(
        "### runbook lint\n\n{}\n\n",
        super::human::summary_line(report)
    );
    let mut rows: Vec<(Severity, String)> = report
        .diagnostics
        .iter()
        .filter(|d| d.is_counted())
        .map(|d| (d.severity, row(report, d)))
        .collect();
    if text.len() + MORE_LINE_ROOM > room {
        return String::new();
    }
    if rows.is_empty() {
        return text;
    }
    text.push_str("| Severity | Rule | Location | Message |\n|---|---|---|---|\n");
    let all: usize = rows.iter().map(|(_, row)| row.len()).sum();
    if text.len() + all < room {
        text.extend(rows.into_iter().map(|(_, row)| row));
        text.push('\n');
        return text;
    }
    let room = room.saturating_sub(MORE_LINE_ROOM);
    rows.sort_by_key(|(severity, _)| std::cmp::Reverse(*severity));
    let mut shown = 0;
    for (_, row) in &rows {
        if text.len() + row.len() > room {
            break;
        }
        text.push_str(row);
        shown += 1;
    }
    // Counted as the summary line counts them: a row that stands for a
    // file's findings past its cap counts for all of them.
    let s = &report.summary;
    let shown_errors = rows[..shown]
        .iter()
        .filter(|(severity, _)| *severity == Severity::Error)
        .count();
    text.push_str(&format!(
        "\n{} not shown ({}): a job summary holds at most 1 MiB; the step's log has \
         them all as annotations, but for findings past the {MAX_FINDINGS_PER_RULE}th of \
         one rule in one file, which no format lists.\n\n",
        plural(s.errors + s.warnings + s.infos - shown, "more finding"),
        plural(s.errors - shown_errors, "error")
    ));
    text
}

/// One finding's row of the table.
fn row(report: &Report, d: &Diagnostic) -> String {
    format!(
        "| {} | `{}` | {}:{}:{} | {} |\n",
        d.severity,
        d.rule,
        markdown_text(&printable(&report.scanned_path(&d.path))),
        d.span.start.line,
        d.span.start.col,
        markdown_text(&printable(&d.message))
    )
}

/// The most the line about findings left out can take.
const MORE_LINE_ROOM: usize = 256;

/// Escapes the message part of a workflow command.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (`file=`, `title=`), where `:` and `,` end it.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}
