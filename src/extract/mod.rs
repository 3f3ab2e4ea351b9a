//! Command blocks as scripts: `runbook extract` writes them, `runbook
//! verify` checks them (in the lint rules' diagnostics and formats), and
//! `runbook dry-run` runs one with every external command intercepted.

pub mod analysis;
pub mod bash;
pub mod blocks;
pub mod commands;
pub mod config;
pub mod dry_run;
pub mod findings;
pub mod output;
pub mod sandbox;
pub mod script;
pub mod shell;
pub mod shellcheck;
#[cfg(target_os = "linux")]
mod syscalls;
pub mod verify;

use std::collections::BTreeMap;

use rayon::prelude::*;

use analysis::Runbook;
use script::Script;

use crate::document::{self, lines::LineIndex};

/// A block `bash -n` rejected: the block, its Markdown line, and what to
/// tell the user (bash's words, or that bash crashed on it).
#[derive(Clone, Debug)]
pub struct BashFinding {
    pub block: usize,
    pub line: usize,
    pub message: String,
}

/// A runbook's script, guaranteed to pass `bash -n`, and the blocks that
/// had to go in as comments for that.
pub struct Checked {
    pub script: Script,
    pub bash: Vec<BashFinding>,
    /// Block -> why it is a comment, for the blocks `bash -n` rejected and
    /// those the analysis says cannot run ([`analysis::Block::cannot_run`]).
    pub rejected: BTreeMap<usize, String>,
}

/// Renders every runbook's script and runs `bash -n` over them in batches;
/// a block bash rejects is put in as a comment and the script checked
/// again, until each passes. A block that cannot run though it is valid
/// shell (a fence never closed, a placeholder the script cannot fill in)
/// is a comment from the start: the dry run, which runs this script, must
/// not run it either.
pub fn render_checked(runbooks: &[Runbook]) -> std::io::Result<Vec<Checked>> {
    let mut extra: Vec<BTreeMap<usize, String>> = runbooks.iter().map(cannot_run).collect();
    let mut bash_found: Vec<Vec<BashFinding>> = vec![Vec::new(); runbooks.len()];
    let mut scripts: Vec<Script> = runbooks
        .par_iter()
        .zip(&extra)
        .map(|(rb, extra)| script::render(rb, extra))
        .collect();
    let mut pending: Vec<usize> = (0..runbooks.len()).collect();
    while !pending.is_empty() {
        let texts: Vec<&str> = pending.iter().map(|&i| scripts[i].text.as_str()).collect();
        let failed: Vec<(usize, bash::BashError)> = pending
            .iter()
            .copied()
            .zip(bash::check(&texts)?)
            .filter_map(|(i, error)| Some((i, error?)))
            .collect();
        let alone = steps_rejected_alone(&failed, runbooks, &scripts, &extra)?;
        for ((i, error), mut found) in failed.iter().zip(alone) {
            let rb = &runbooks[*i];
            if found.is_empty() {
                found.push(culprit(rb, &scripts[*i], &extra[*i], error)?);
            }
            for (block, line, message) in found {
                let line = if line == 0 {
                    rb.blocks[block].cmd.block.first_line
                } else {
                    line
                };
                extra[*i].insert(block, format!("{message} (line {line})"));
                bash_found[*i].push(BashFinding {
                    block,
                    line,
                    message,
                });
            }
        }
        pending = failed.into_iter().map(|(i, _)| i).collect();
        for &i in &pending {
            scripts[i] = script::render(&runbooks[i], &extra[i]);
        }
    }
    Ok(scripts
        .into_iter()
        .zip(bash_found)
        .zip(extra)
        .map(|((script, bash), rejected)| Checked {
            script,
            bash,
            rejected,
        })
        .collect())
}

/// Block -> why, for the blocks of `rb` that cannot run.
fn cannot_run(rb: &Runbook) -> BTreeMap<usize, String> {
    let blocks = rb.blocks.iter().enumerate();
    blocks
        .filter_map(|(i, b)| Some((i, b.cannot_run()?)))
        .collect()
}

/// A rejected step: its block, its Markdown line (0: the function's own
/// lines) and bash's message.
type Rejected = (usize, usize, String);

/// Every step of each failing script that `bash -n` rejects on its own,
/// all checked in one batch. bash stops at its first error, so finding the
/// broken steps one run of the whole script at a time made a page of
/// thousands of them quadratic: 1,000 took 7 s, 10,000 would take minutes.
fn steps_rejected_alone(
    failed: &[(usize, bash::BashError)],
    runbooks: &[Runbook],
    scripts: &[Script],
    extra: &[BTreeMap<usize, String>],
) -> std::io::Result<Vec<Vec<Rejected>>> {
    let mut steps = Vec::new();
    let mut texts = Vec::new();
    for (k, (i, _)) in failed.iter().enumerate() {
        let (rb, script) = (&runbooks[*i], &scripts[*i]);
        let index = LineIndex::new(&script.text);
        let start_of = |line: usize| index.line_start(line - 1).min(script.text.len());
        for (block, lines) in &script.functions {
            if script::disabled_reason(&rb.blocks[*block], &extra[*i], *block).is_none() {
                steps.push((k, *block, lines.clone()));
                texts.push(&script.text[start_of(lines.start)..start_of(lines.end)]);
            }
        }
    }
    let mut out = vec![Vec::new(); failed.len()];
    for ((k, block, lines), error) in steps.into_iter().zip(bash::check(&texts)?) {
        let Some(error) = error else { continue };
        let i = failed[k].0;
        // No line (bash crashed): the step, at its first line.
        let Some(line) = error.line else {
            out[k].push((block, 0, error.message));
            continue;
        };
        // An error past the text (its end) is at the closing brace.
        let at = (lines.start + line - 1).min(lines.end - 1);
        let md = scripts[i].origin_of(at).map_or(0, |(_, line)| line);
        let message = error.message + &in_included(&runbooks[i].blocks[block], &lines, at);
        out[k].push((block, md, message));
    }
    Ok(out)
}

/// ` (in `scripts/x.sh:4`)` when the script line `at`, in the function
/// `lines` of `block`, is text an `{{#include}}` brought in, else nothing.
/// The finding stays at the directive, as every finding in included text
/// does, but a syntax error there is fixed in the included file, so the
/// message names it, and the line when it can be told: the directive takes
/// whole lines of one file (not an anchor's, which skip the anchor lines,
/// nor text the file itself includes).
fn in_included(block: &analysis::Block, lines: &std::ops::Range<usize>, at: usize) -> String {
    let cmd = &block.cmd;
    let count = block.code.lines().count();
    // The code is the function's last lines before its closing brace, which
    // stands for the last of them (bash finds an unclosed `if` there).
    let Some(first) = (lines.end - 1).checked_sub(count) else {
        return String::new();
    };
    let Some(k) = at.min(lines.end - 2).checked_sub(first) else {
        return String::new();
    };
    let start = cmd.index.line_start(k);
    let end = cmd.index.line_start(k + 1).saturating_sub(1);
    let Some((range, n)) = cmd
        .included
        .iter()
        .find(|(r, _)| r.start <= end && start <= r.end)
    else {
        return String::new();
    };
    let inc = &cmd.block.includes[*n];
    let nth = k - cmd.index.line_of(range.start);
    let line = match inc.part {
        _ if inc.files.len() > 1 => None,
        document::include::Part::All => Some(nth + 1),
        document::include::Part::Lines { start, .. } => Some(start + nth),
        document::include::Part::Anchor(_) => None,
    };
    match line {
        Some(line) => format!(" (in `{}:{line}`)", inc.path),
        None if inc.files.len() > 1 => {
            format!(" (in `{}`, or a file it includes)", inc.path)
        }
        None => format!(" (in `{}`)", inc.path),
    }
}

/// The step to blame when no step fails alone: the one holding bash's
/// error, else the last step that is still code (bash read past it).
fn culprit(
    rb: &Runbook,
    script: &Script,
    extra: &BTreeMap<usize, String>,
    error: &bash::BashError,
) -> std::io::Result<Rejected> {
    let active = |b: &usize| script::disabled_reason(&rb.blocks[*b], extra, *b).is_none();
    error
        .line
        .and_then(|line| script.origin_of(line))
        .filter(|(b, _)| active(b))
        .or_else(|| {
            let last = script
                .functions
                .iter()
                .rev()
                .map(|(b, _)| *b)
                .find(active)?;
            Some((last, rb.blocks[last].cmd.block.first_line))
        })
        .map(|(block, line)| (block, line, error.message.clone()))
        .ok_or_else(|| {
            std::io::Error::other(format!(
                "{}: the generated script does not pass `bash -n` ({}); please report this",
                rb.doc.rel, error.message
            ))
        })
}
