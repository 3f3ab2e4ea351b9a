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
pub mod script;
pub mod shell;
pub mod shellcheck;
pub mod verify;

use std::collections::BTreeMap;

use rayon::prelude::*;

use analysis::Runbook;
use script::Script;

/// A block `bash -n` rejected: the block, its Markdown line, bash's words.
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
    /// Block -> why it is a comment, for the blocks `bash -n` rejected.
    pub rejected: BTreeMap<usize, String>,
}

/// Renders every runbook's script and runs `bash -n` over them in batches;
/// a block bash rejects is put in as a comment and the script checked
/// again, until each passes.
pub fn render_checked(runbooks: &[Runbook]) -> std::io::Result<Vec<Checked>> {
    let mut extra: Vec<BTreeMap<usize, String>> = vec![BTreeMap::new(); runbooks.len()];
    let mut bash_found: Vec<Vec<BashFinding>> = vec![Vec::new(); runbooks.len()];
    let mut scripts: Vec<Script> = runbooks
        .par_iter()
        .map(|rb| script::render(rb, &BTreeMap::new()))
        .collect();
    let mut pending: Vec<usize> = (0..runbooks.len()).collect();
    while !pending.is_empty() {
        let texts: Vec<&str> = pending.iter().map(|&i| scripts[i].text.as_str()).collect();
        let errors = bash::check(&texts)?;
        let mut again = Vec::new();
        for (&i, error) in pending.iter().zip(errors) {
            let Some(error) = error else { continue };
            let rb = &runbooks[i];
            let active =
                |b: &usize| script::disabled_reason(&rb.blocks[*b], &extra[i], *b).is_none();
            let culprit = scripts[i]
                .origin_of(error.line)
                .filter(|(b, _)| active(b))
                .or_else(|| {
                    // Not inside a step (bash read past it): blame the last
                    // step that is still code.
                    scripts[i]
                        .functions
                        .iter()
                        .rev()
                        .map(|(b, _)| *b)
                        .find(|b| active(b))
                        .map(|b| (b, rb.blocks[b].cmd.block.first_line))
                });
            let Some((block, line)) = culprit else {
                return Err(std::io::Error::other(format!(
                    "{}: the generated script does not pass `bash -n` ({}); please report this",
                    rb.doc.rel, error.message
                )));
            };
            let line = if line == 0 {
                rb.blocks[block].cmd.block.first_line
            } else {
                line
            };
            extra[i].insert(
                block,
                format!("not valid shell: bash: {} (line {line})", error.message),
            );
            bash_found[i].push(BashFinding {
                block,
                line,
                message: error.message,
            });
            again.push(i);
        }
        for &i in &again {
            scripts[i] = script::render(&runbooks[i], &extra[i]);
        }
        pending = again;
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
