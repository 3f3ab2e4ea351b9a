//! GitHub Actions workflow commands: one `::error file=...::message` line
//! per finding, so they show on the pull request's diff.
//!
//! GitHub shows only ten annotations of each kind per step, so when
//! `GITHUB_STEP_SUMMARY` is set the full table goes there too.

use std::io::{self, Write};

use super::{Report, markdown_text, printable};
use crate::diagnostic::Severity;

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for d in report.diagnostics.iter().filter(|d| d.is_counted()) {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        writeln!(
            out,
            "::{command} file={},line={},col={},title={}::{}",
            escape_property(&printable(&report.scanned_path(&d.path))),
            d.span.start.line,
            d.span.start.col,
            escape_property(&format!("runbook {}", d.rule)),
            escape_data(&printable(&message))
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
            .and_then(|mut file| file.write_all(step_summary(report).as_bytes()));
        if let Err(e) = written {
            crate::eprintln_printable!(
                "warning: cannot add the table of findings to the job summary \
                     `{summary_path}` (GITHUB_STEP_SUMMARY): {e}"
            );
        }
    }
    writeln!(out, "{}", super::human::summary_line(report))
}

/// The Markdown table written to the job summary.
pub fn step_summary(report: &Report) -> String {
    let mut text = format!(
        "### runbook lint\n\n{}\n\n",
        super::human::summary_line(report)
    );
    let counted: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.is_counted())
        .collect();
    if counted.is_empty() {
        return text;
    }
    text.push_str("| Severity | Rule | Location | Message |\n|---|---|---|---|\n");
    for d in counted {
        text.push_str(&format!(
            "| {} | `{}` | {}:{}:{} | {} |\n",
            d.severity,
            d.rule,
            markdown_text(&printable(&report.scanned_path(&d.path))),
            d.span.start.line,
            d.span.start.col,
            markdown_text(&printable(&d.message))
        ));
    }
    text.push('\n');
    text
}

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
