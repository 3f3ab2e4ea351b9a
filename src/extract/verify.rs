//! `runbook verify`: the command rules, `bash -n` and ShellCheck over the
//! selected runbooks, as lint diagnostics at Markdown lines, so every
//! reporter and suppression comment works unchanged.

use jiff::civil::Date;
use rayon::prelude::*;

use super::analysis::{self, Runbook};
use super::shellcheck::{self, Limit, Verdict};
use super::{findings, render_checked, script};
use crate::config::Settings;
use crate::diagnostic::{Diagnostic, Span};
use crate::document::Document;
use crate::lint::rules::{self, shell_syntax};
use crate::lint::{Context, Outcome, Selection, Sink, suppress};
use crate::workspace;

/// Reads the selected runbooks once, in parallel. Unreadable ones come
/// back as findings.
pub fn load(settings: &Settings, selection: &Selection) -> (Vec<Document>, Vec<Diagnostic>, bool) {
    let walk = workspace::walk(settings);
    let (selected, mut problems) = crate::lint::select(&walk, selection, settings);
    // As for `runbook lint`: what cannot be read is an I/O failure (exit 2).
    let mut failed = problems.iter().any(|d| d.rule == rules::io_error::ID);
    let read: Vec<Result<Document, Box<Diagnostic>>> = selected
        .par_iter()
        .map(|s| workspace::read(s, settings))
        .collect();
    let mut docs = Vec::with_capacity(read.len());
    for result in read {
        match result {
            Ok(doc) => docs.push(doc),
            Err(d) => {
                failed |= d.rule == rules::io_error::ID;
                problems.push(*d);
            }
        }
    }
    (docs, problems, failed)
}

pub fn run(
    settings: &Settings,
    today: Date,
    selection: &Selection,
    use_shellcheck: bool,
) -> std::io::Result<Outcome> {
    let (docs, mut diagnostics, io_failure) = load(settings, selection);
    let runbooks: Vec<Runbook> = docs
        .par_iter()
        .map(|doc| analysis::analyze(doc, &settings.checks))
        .collect();
    let checked = render_checked(&runbooks)
        .map_err(|e| std::io::Error::new(e.kind(), format!("cannot run `bash -n`: {e}")))?;
    let texts: Vec<&str> = checked.iter().map(|c| c.script.text.as_str()).collect();
    let sc = if use_shellcheck {
        shellcheck::check(&texts)?
    } else {
        vec![Verdict::Checked(Vec::new()); texts.len()]
    };
    let index = workspace::FileIndex::default();
    let cx = Context::new(settings, today, &index);
    // ShellCheck's findings keep its levels unless book.toml sets one.
    let level_set = (settings.config.lint.rules).contains_key(rules::shellcheck::ID);
    let per_doc: Vec<Vec<Diagnostic>> = runbooks
        .par_iter()
        .zip(checked.par_iter())
        .zip(sc.par_iter())
        .map(|((rb, checked), sc)| {
            let doc = rb.doc;
            let mut sink = Sink::new(doc, &cx);
            findings::each(rb, settings, &mut |f| {
                sink.report(f.rule, f.span, f.message).help(f.help);
            });
            rules::broken_include::check(doc, &cx, &mut sink);
            rules::invalid_utf8::check(doc, &cx, &mut sink);
            // A fence never closed makes the rest of the file one step's
            // code: its script is not the runbook, so verify must not pass it.
            rules::unclosed_fence::check(doc, &cx, &mut sink);
            for b in &checked.bash {
                let span = findings::line_span(doc, b.line);
                sink.report(shell_syntax::ID, span, b.message.clone())
                .help("fix the command, or mark the block `{skip}` if it is not meant to run");
            }
            let unchecked = |message: String, help: &str| {
                let at = rb.blocks.first().map_or(1, |b| b.cmd.block.fence.start.line);
                (findings::line_span(doc, at), message, help.to_string())
            };
            let skipped = match sc {
                Verdict::Checked(comments) => {
                    for c in comments {
                        let Some((block, line)) = checked.script.origin_of(c.line) else {
                            continue;
                        };
                        // A step that is not run is runbook's text (its
                        // code as comments, a stub saying why), not the
                        // author's: its own finding already says what is wrong.
                        if script::disabled_reason(&rb.blocks[block], &checked.rejected, block)
                            .is_some()
                        {
                            continue;
                        }
                        let span = shellcheck_span(doc, &rb.blocks[block], line, c.column);
                        let report = sink
                            .report(
                                rules::shellcheck::ID,
                                span,
                                format!("SC{}: {}", c.code, c.message),
                            )
                            .help(format!("see https://www.shellcheck.net/wiki/SC{}", c.code));
                        if !level_set {
                            report.severity(c.severity());
                        }
                    }
                    None
                }
                Verdict::TooLarge => Some(unchecked(
                    format!(
                        "this runbook's script is {} KB, over the {} KB ShellCheck is given: not checked by ShellCheck",
                        checked.script.text.len() / 1024,
                        shellcheck::MAX_SCRIPT_BYTES / 1024
                    ),
                    "split the runbook: ShellCheck needs about 2 GB of memory per MB of script",
                )),
                Verdict::Stopped(limit) => Some(unchecked(
                    match limit {
                        Limit::Memory => format!(
                            "ShellCheck needed more than {} GB of memory for this runbook's script and was stopped: not checked by ShellCheck",
                            shellcheck::MAX_MEMORY >> 30
                        ),
                        Limit::Time => format!(
                            "ShellCheck ran longer than {} s on this runbook's script and was stopped: not checked by ShellCheck",
                            shellcheck::MAX_TIME.as_secs()
                        ),
                    },
                    "ShellCheck's time and memory grow fast with deep nesting or long `&&` chains: split the commands into shorter ones",
                )),
            };
            if let Some((span, message, help)) = skipped {
                sink.report(rules::shellcheck::ID, span, message).help(help);
            }
            sink.into_findings(&suppress::Directives::parse(doc))
        })
        .collect();
    diagnostics.extend(per_doc.into_iter().flatten());
    diagnostics.sort_by(Diagnostic::report_order);
    Ok(Outcome {
        diagnostics,
        files: docs.len(),
        io_failure,
    })
}

/// ShellCheck's column counts characters of the script line, which is the
/// block's code line (placeholders replaced).
fn shellcheck_span(doc: &Document, block: &analysis::Block, line: usize, column: usize) -> Span {
    let index = block.cmd.lines.iter().position(|&l| l == line);
    let Some(index) = index else {
        return findings::line_span(doc, line);
    };
    let start = findings::pos_at(doc, block, index, column.saturating_sub(1));
    Span { start, end: start }
}
