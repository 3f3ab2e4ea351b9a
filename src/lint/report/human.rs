//! The format people read: rustc's layout, rendered by annotate-snippets,
//! coloured only when the output is a terminal (anstream decides, and the
//! caller says so in [`Report::colour`]).

use std::io::{self, Write};

use annotate_snippets::renderer::DecorStyle;
use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use rayon::prelude::*;

use super::{Report, display_path, one_line, plural, printable};
use crate::diagnostic::{Diagnostic, Severity};

/// Findings rendered at once, on every core, a window at a time: the
/// default format is the one a CI gate on a big tree prints, and rendering
/// 50,000 findings on one core took longer than linting them.
const WINDOW: usize = 8192;

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let shown: Vec<&Diagnostic> = report
        .diagnostics
        .iter()
        .filter(|d| d.is_counted() || report.show_suppressed)
        .collect();
    for window in shown.chunks(WINDOW) {
        let parts: Vec<String> = window
            .par_chunks(256)
            .map(|chunk| {
                // Plain text rendered plain: stripping the colours off
                // styled text again was a tenth of the report's time.
                let renderer = if report.colour {
                    Renderer::styled()
                } else {
                    Renderer::plain()
                }
                .decor_style(DecorStyle::Ascii);
                let mut text = String::new();
                for d in chunk {
                    text.push_str(&renderer.render(&[group(d)]));
                    text.push_str("\n\n");
                }
                text
            })
            .collect();
        for part in parts {
            out.write_all(part.as_bytes())?;
        }
    }
    writeln!(out, "{}", summary_line(report))
}

fn group(d: &Diagnostic) -> Group<'_> {
    let level = match (d.suppressed.is_some(), d.severity) {
        (true, _) => Level::NOTE,
        (false, Severity::Error) => Level::ERROR,
        (false, Severity::Warning) => Level::WARNING,
        (false, Severity::Info) => Level::INFO,
    };
    let title = level.primary_title(one_line(&d.message)).id(d.rule);
    let path = one_line(&display_path(&d.path)).into_owned();
    let mut group = if d.source_line.is_empty() {
        Group::with_title(title).element(
            Origin::path(path)
                .line(d.span.start.line)
                .char_column(d.span.start.col),
        )
    } else {
        // annotate-snippets shows C0 controls as symbols, but passes C1
        // ones (U+009B is a terminal's CSI, as `ESC [` is) through.
        let line = printable(&d.source_line);
        let start = byte_at(&line, d.span.start.col);
        let end = if d.span.end.line == d.span.start.line && d.span.end.col > d.span.start.col {
            byte_at(&line, d.span.end.col)
        } else {
            line[start..]
                .chars()
                .next()
                .map(|c| start + c.len_utf8())
                .unwrap_or(start)
        };
        let snippet = Snippet::source(line)
            .line_start(d.span.start.line)
            .path(path)
            .annotation(AnnotationKind::Primary.span(start..end.max(start)));
        Group::with_title(title).element(snippet)
    };
    if let Some(help) = &d.help {
        group = group.element(Level::HELP.message(one_line(help)));
    }
    if let Some(s) = &d.suppressed {
        let why = s.reason.as_deref().unwrap_or("no reason given");
        group = group.element(Level::NOTE.message(format!("suppressed: {}", one_line(why))));
    }
    group
}

/// Byte offset of a 1-based character column in a line.
fn byte_at(line: &str, col: usize) -> usize {
    line.char_indices()
        .nth(col.saturating_sub(1))
        .map(|(i, _)| i)
        .unwrap_or(line.len())
}

pub fn summary_line(report: &Report) -> String {
    let s = &report.summary;
    let files = plural(s.files, "runbook");
    let mut line = if s.errors + s.warnings + s.infos == 0 {
        format!("{files} checked: no problems found")
    } else {
        let mut parts = Vec::new();
        for (n, word) in [
            (s.errors, "error"),
            (s.warnings, "warning"),
            (s.infos, "info"),
        ] {
            if n > 0 {
                parts.push(plural(n, word));
            }
        }
        format!("{files} checked: {}", parts.join(", "))
    };
    if s.suppressed > 0 {
        line.push_str(&format!(" ({} suppressed)", s.suppressed));
    }

    line
}
