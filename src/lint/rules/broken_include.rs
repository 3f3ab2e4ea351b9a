//! mdBook include that brings nothing in (`broken-include`)
//!
//! ## What it checks
//! Every `{{#include path}}` in a fenced block (mdBook's directive, with
//! its parts `:2`, `::10`, `:2:`, `:2:10` and `:anchor`) names a file
//! beside the runbook, inside the repository, that can be read, and the
//! part it names is in that file (lines that end before they start, such
//! as `:10:2`, name none). The directives in that file are followed the
//! same way, from its own folder and ten files deep, as mdBook follows
//! them, and must not lead back to a file that includes them.
//!
//! ## Why it matters
//! The block is what the page shows and what `runbook extract` writes into
//! the script: with the file moved or the anchor renamed, the step an
//! operator copies during an incident is the directive itself, which no
//! shell runs. mdBook shows an empty block, or fails the build.
//!
//! ## Example
//! ````markdown
//! ```bash
//! {{#include scripts/restore.sh:restore}}
//! ```
//! ````
//! with no `scripts/restore.sh`, or no `ANCHOR: restore` line in it, or
//! a `{{#include lib/common.sh}}` in it with no `scripts/lib/common.sh`.
//!
//! ## Fix
//! Correct the path (relative to the runbook's folder) or the part, or
//! write the commands into the block.

use crate::document::Document;
use crate::document::include::{
    MAX_DEPTH, MAX_INCLUDED_BYTES, MAX_INCLUDED_FILES, MAX_SCANNED_BYTES, Part, Problem,
};
use crate::lint::{Context, Sink};

crate::rule!("broken-include", Error, Some(check));

/// Also run by `runbook verify`: a step whose include brings nothing in
/// fails in the script.
pub fn check(doc: &Document, _cx: &Context, sink: &mut Sink) {
    for inc in doc.body.code_blocks.iter().flat_map(|b| &b.includes) {
        let Some(Err(problem)) = &inc.read else {
            continue;
        };
        // Down to the directive that brings nothing in, through the files
        // that include it.
        let (mut path, mut part, mut problem) = (&inc.path, &inc.part, problem);
        let mut via = vec![path];
        while let Problem::Nested {
            path: p,
            part: q,
            problem: r,
        } = problem
        {
            (path, part, problem) = (p, q, r);
            via.push(path);
        }
        let folder = match via.iter().rev().nth(1) {
            Some(outer) => format!("the folder of `{outer}`"),
            None => "the runbook's folder".to_string(),
        };
        let (mut message, help) = explain(path, part, problem, &folder);
        if let [first, between @ .., _] = via.as_slice() {
            message.push_str(&format!(" (`{first}` includes "));
            for p in between {
                message.push_str(&format!("`{p}`, which includes "));
            }
            message.push_str("it)");
        }
        sink.report(ID, inc.span, message).help(help);
    }
}

/// The message and help for the directive `path` (`part`), written in a
/// file whose folder `folder` names.
fn explain(path: &str, part: &Part, problem: &Problem, folder: &str) -> (String, String) {
    match problem {
        Problem::Absolute => (
            format!("`{path}` is not a path relative to {folder}: runbook includes files from the repository only"),
            format!("write the path from {folder} (`scripts/restore.sh`)"),
        ),
        Problem::Missing(near) => (
            format!("included file `{path}` does not exist"),
            match near {
                Some(near) => format!("did you mean `{}`?", beside(path, near)),
                None => format!("the path is relative to {folder}"),
            },
        ),
        Problem::Outside => (
            format!("included file `{path}` is outside the repository (or a link on the way leads there); not read"),
            format!("include a file of the repository, by its path from {folder}"),
        ),
        Problem::Unreadable(why) => (
            format!("included file `{path}` {why}"),
            "include a text file of the repository".to_string(),
        ),
        Problem::PastEnd { lines } => (
            format!("`{path}` has {lines} lines, so it has no {}", describe(part)),
            "correct the line numbers, or mark the part with `ANCHOR: name` and `ANCHOR_END: name` lines and include `:name`".to_string(),
        ),
        Problem::NoAnchor => (
            format!("`{path}` has no `ANCHOR: {}` line", describe(part)),
            "add `# ANCHOR: name` and `# ANCHOR_END: name` lines around the part, or correct the name".to_string(),
        ),
        Problem::Backwards => (
            format!("{} of `{path}` end before they start: mdBook includes nothing", describe(part)),
            "write the first line, then the last (`:2:10`)".to_string(),
        ),
        Problem::TooMany => (
            format!("the runbook includes more than {MAX_INCLUDED_FILES} files: `{path}` is not read"),
            "keep the commands in fewer files".to_string(),
        ),
        Problem::TooMuch => (
            format!("the runbook's includes bring in more than {} KiB: `{path}` is not included", MAX_INCLUDED_BYTES / 1024),
            "include the part the operator runs (`:2:10` or `:anchor`), not whole files".to_string(),
        ),
        Problem::TooMuchRead => (
            format!("the runbook's includes read through more than {} MiB of files to find their parts: `{path}` is not included", MAX_SCANNED_BYTES / 1024 / 1024),
            "include fewer parts of large files, or keep the commands in smaller ones".to_string(),
        ),
        Problem::Cycle => (
            format!("`{path}` is already being included: the includes loop"),
            "remove the include that leads back to a file that includes it".to_string(),
        ),
        Problem::TooDeep => (
            format!("`{path}` is included {MAX_DEPTH} files deep, deeper than mdBook follows"),
            "include the files the block needs from fewer levels".to_string(),
        ),
        // Unwound by `check`.
        Problem::Nested { problem, .. } => explain(path, part, problem, folder),
    }
}

/// `near`, a name in the folder of `path`, written as `path` is.
fn beside(path: &str, near: &str) -> String {
    match path.rsplit_once('/') {
        Some((dir, _)) => format!("{dir}/{near}"),
        None => near.to_string(),
    }
}

fn describe(part: &Part) -> String {
    match part {
        Part::All => "the file".to_string(),
        Part::Lines {
            start,
            end: Some(end),
        } if start == end => format!("line {start}"),
        Part::Lines {
            start,
            end: Some(end),
        } => format!("lines {start} to {end}"),
        Part::Lines { start, end: None } => format!("line {start}"),
        Part::Anchor(name) => name.clone(),
    }
}
