//! `runbook extract`, `runbook verify` and `runbook dry-run`: arguments,
//! settings, output and exit codes, as `runbook lint` does them.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::Args;
use rayon::prelude::*;

use super::analysis::{self, Runbook};
use super::dry_run::{self, Stubs};
use super::{output, render_checked, verify};
use crate::cli::{CLEAN, Common, FAILURE, FINDINGS, default_source, load_settings, today};
use crate::config::Settings;
use crate::diagnostic::Severity;
use crate::document::Document;

use crate::lint::Selection;
use crate::lint::report;

#[derive(Args, Debug)]
pub struct ExtractArgs {
    /// Runbooks or folders to extract (default: the whole source folder).
    pub paths: Vec<PathBuf>,
    /// The folder to write the scripts to; the source tree is mirrored in it.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// Runbooks or folders to check (default: the whole source folder).
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub report: crate::cli::ReportArgs,
    /// Do not run shellcheck even when it is installed.
    #[arg(long)]
    pub no_shellcheck: bool,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Args, Debug)]
pub struct DryRunArgs {
    /// The runbook to run.
    pub runbook: PathBuf,
    /// Run only this step or section (a heading's anchor); repeatable.
    #[arg(long, value_name = "SECTION")]
    pub only: Vec<String>,
    /// Set a variable the script needs; repeatable.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// A line of the script's standard input, the answer to a prompt
    /// (`read -p "Continue?"`); repeatable, in order. Without one, `read`
    /// gets end of file.
    #[arg(long = "answer", value_name = "LINE")]
    pub answers: Vec<String>,
    /// Canned answers for intercepted commands (TOML or YAML), over the
    /// runbook's front matter `dry_run:`.
    #[arg(long, value_name = "FILE")]
    pub stubs: Option<PathBuf>,
    /// Keep the throw-away work folder and print where it is.
    #[arg(long)]
    pub keep: bool,
    /// Stop the script after this many seconds: a loop waiting for
    /// something no stub answers would otherwise never end.
    /// From 1 to 86400 (a day).
    #[arg(long, value_name = "SECONDS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub timeout: u64,
    #[command(flatten)]
    pub common: Common,
}

fn settings_for(common: &Common, paths: &[PathBuf]) -> Result<Settings, u8> {
    let mut settings = load_settings(common)?;
    if settings.file.is_none() {
        settings.src = default_source(paths);
    }
    if let Some(problem) = settings.source_problem().filter(|_| paths.is_empty()) {
        crate::eprintln_printable!(
            "error: {problem} (set `src` under [book] in book.toml, or name runbooks)"
        );
        return Err(FAILURE);
    }
    Ok(settings)
}

fn selection(paths: &[PathBuf]) -> Selection {
    if paths.is_empty() {
        Selection::All
    } else {
        Selection::Paths(paths.to_vec())
    }
}

/// Why a runbook's commands are left alone: more blocks than a runbook
/// may have (`runbook lint` reports it as `file-too-large`).
fn oversized(rb: &Runbook) -> Option<String> {
    let over = rb.oversized?;
    Some(format!(
        "{}:{}: {} command blocks, over the {} a runbook may have",
        report::display_path(&rb.doc.path),
        over.fence.start.line,
        over.blocks,
        analysis::MAX_COMMAND_BLOCKS
    ))
}

/// Why a runbook's commands cannot be written or run as its author wrote
/// them: bytes that are not UTF-8, which were read as U+FFFD, so a Latin-1
/// path or password in a command would be changed (`runbook lint` and
/// `verify` report it as `invalid-utf8`). A UTF-16 file is decoded whole,
/// so its commands are the author's.
fn not_utf8(doc: &Document) -> Option<String> {
    let offset = doc.invalid_utf8.filter(|_| !doc.utf16)?;
    let in_text = offset.saturating_sub(if doc.bom { 3 } else { 0 });
    let at = doc.span(in_text..in_text).start;
    Some(format!(
        "{}:{}:{}: not valid UTF-8 at byte {offset}, so its commands would not be the ones \
         written (re-save the file as UTF-8, e.g. `iconv -f WINDOWS-1252 -t UTF-8`)",
        report::display_path(&doc.path),
        at.line,
        at.col
    ))
}

/// Why a runbook's script would not be the one its author wrote: a code
/// fence never closed makes the rest of the file, headings, prose and
/// Rollback commands included, the code of its block (`runbook lint` and
/// `verify` report it as `unclosed-fence`). Which lines were meant as
/// commands cannot be told, so no script is written, even when the fence
/// swallowed every command block.
fn unclosed_fence(doc: &Document) -> Option<String> {
    let fence = doc.body.code_blocks.iter().find(|b| !b.closed)?.fence.start;
    Some(format!(
        "{}:{}:{}: code fence opened here is never closed, so the rest of the file would be \
         its code (close the block with a fence of the same characters)",
        report::display_path(&doc.path),
        fence.line,
        fence.col
    ))
}

/// The steps whose name in the script is not their `name` attribute as
/// written, each said why.
fn renamed_steps<'r>(rb: &'r Runbook) -> impl Iterator<Item = String> + 'r {
    (0..rb.blocks.len()).filter_map(move |i| {
        let r = rb.renamed(i)?;
        Some(format!(
            "{}:{}: step `{}` is named `{}` in the script: {}",
            report::display_path(&rb.doc.path),
            rb.blocks[i].cmd.block.fence.start.line,
            r.written,
            r.name,
            r.why
        ))
    })
}

/// Removes this book's scripts not in `keep`, as its list in `out` names
/// them, saying why each went; in a folder without a list (scripts of an
/// older runbook, maybe of other books), names those it leaves instead.
fn prune(
    manifest: &mut output::Manifest,
    keep: &BTreeSet<String>,
    out: &Path,
    src: &Path,
    docs: &[Document],
) -> std::io::Result<()> {
    if !manifest.found {
        for path in output::unlisted(out, keep)? {
            crate::eprintln_printable!(
                "kept {}: an older `runbook extract` wrote it and listed no scripts, so whose \
                 it is cannot be told; delete it if its runbook is gone",
                path.display()
            );
        }
        return Ok(());
    }
    for stale in manifest.prune(keep)? {
        let runbook = src.join(&stale.runbook);
        let why = if std::fs::symlink_metadata(&runbook).is_err() {
            "is gone"
        } else if docs.iter().any(|d| d.rel == stale.runbook) {
            "has no command blocks left"
        } else {
            "is no longer one of the book's runbooks (excluded or ignored)"
        };
        crate::eprintln_printable!(
            "removed {}: its runbook {} {why}",
            out.join(&stale.script).display(),
            report::display_path(&runbook)
        );
    }
    Ok(())
}

pub fn extract_command(args: ExtractArgs) -> u8 {
    let settings = match settings_for(&args.common, &args.paths) {
        Ok(s) => s,
        Err(code) => return code,
    };
    if std::fs::metadata(&args.out).is_ok_and(|m| !m.is_dir()) {
        crate::eprintln_printable!(
            "error: --out {} is a file, not a folder: name the folder to write the scripts to (it is made if missing)",
            args.out.display()
        );
        return FAILURE;
    }
    let (docs, problems, _) = verify::load(&settings, &selection(&args.paths));
    for p in &problems {
        let (severity, path) = (p.severity.as_str(), report::display_path(&p.path));
        crate::eprintln_printable!("{severity}: {path}: {}", p.message);
    }
    // Every runbook not read fails the run, not only one that cannot be
    // opened (`io-error`): one over the size limit, a link out of the
    // repository or a name not UTF-8 has no script either, and whether an
    // earlier script of it is stale cannot be told.
    let mut failed = problems.iter().any(|p| p.severity == Severity::Error);
    let mut runbooks: Vec<Runbook> = docs
        .par_iter()
        .map(|doc| analysis::analyze(doc, &settings.checks))
        .collect();
    let analysed = runbooks.len();
    runbooks.retain(|rb| {
        !rb.blocks.is_empty() || rb.oversized.is_some() || unclosed_fence(rb.doc).is_some()
    });
    let without_blocks = analysed - runbooks.len();
    let refused = |rb: &Runbook| {
        oversized(rb)
            .or_else(|| not_utf8(rb.doc))
            .or_else(|| unclosed_fence(rb.doc))
    };
    runbooks.retain(|rb| match refused(rb) {
        Some(why) => {
            crate::eprintln_printable!("error: {why}: no script written");
            failed = true;
            false
        }
        None => true,
    });
    // Scripts a runbook asks for that are not written, each said why.
    let mut not_written = analysed - without_blocks - runbooks.len();
    let checked = match render_checked(&runbooks) {
        Ok(c) => c,
        Err(e) => {
            crate::eprintln_printable!("error: cannot run `bash -n`: {e}");
            return FAILURE;
        }
    };
    if let Err(e) = std::fs::create_dir_all(&args.out) {
        crate::eprintln_printable!(
            "error: cannot make the --out folder {}: {e}",
            args.out.display()
        );
        return FAILURE;
    }
    let mut manifest = match output::Manifest::load(&args.out, &settings.src) {
        Ok(m) => m,
        Err(e) => {
            crate::eprintln_printable!("error: {}: {e}", args.out.display());
            return FAILURE;
        }
    };
    let mut targets: BTreeMap<PathBuf, &Path> = BTreeMap::new();
    let mut jobs = Vec::new();
    for (rb, checked) in runbooks.iter().zip(&checked) {
        let rel = output::script_path(&rb.doc.rel);
        let taken = match targets.get(&rel) {
            Some(first) => Some(format!(
                "{}'s; rename one of them",
                report::display_path(first)
            )),
            None => manifest.taken_by(&output::slashed(&rel)).map(|other| {
                format!(
                    "the script of {}, of another book extracted there (as {} lists); \
                     extract this book to another --out",
                    report::display_path(&other),
                    output::MANIFEST
                )
            }),
        };
        if let Some(whose) = taken {
            crate::eprintln_printable!(
                "error: {}: no script written: its script would be {}, which is {whose}",
                report::display_path(&rb.doc.path),
                args.out.join(&rel).display(),
            );
            failed = true;
            not_written += 1;
            continue;
        }
        targets.insert(rel.clone(), &rb.doc.path);
        jobs.push((rb, checked, rel));
    }
    let results: Vec<std::io::Result<bool>> = jobs
        .par_iter()
        .map(|(_, checked, rel)| output::write_script(&args.out, rel, &checked.script.text))
        .collect();
    // Blocks whose step fails with a reason: broken, or output (not `{skip}`).
    let mut commented = 0;
    for (rb, checked, _) in &jobs {
        for (i, block) in rb.blocks.iter().enumerate().filter(|(_, b)| !b.cmd.skip) {
            if let Some(reason) = super::script::disabled_reason(block, &checked.rejected, i) {
                commented += 1;
                crate::eprintln_printable!(
                    "{}:{}: step `{}` fails in the script, its code kept as a comment: {reason}",
                    report::display_path(&rb.doc.path),
                    block.cmd.block.first_line,
                    rb.name(i)
                );
            }
        }
    }
    for (rb, _, _) in &jobs {
        for warning in renamed_steps(rb) {
            crate::eprintln_printable!("warning: {warning}");
        }
    }
    let (mut written, mut unchanged) = (0, 0);
    for ((rb, _, rel), result) in jobs.iter().zip(results) {
        if result.is_ok() {
            manifest.record(&output::slashed(rel), &rb.doc.rel);
        }
        match result {
            Ok(true) => written += 1,
            Ok(false) => unchanged += 1,
            Err(e) => {
                crate::eprintln_printable!(
                    "error: {}: not written: {e}",
                    args.out.join(rel).display()
                );
                failed = true;
                not_written += 1;
            }
        }
    }
    // With the whole tree extracted and every runbook read, a script of
    // this book no runbook asked for is stale.
    if args.paths.is_empty() && !failed {
        let keep = jobs
            .iter()
            .map(|(_, _, rel)| output::slashed(rel))
            .collect();
        if let Err(e) = prune(&mut manifest, &keep, &args.out, &settings.src, &docs) {
            crate::eprintln_printable!("error: {}: {e}", args.out.display());
            failed = true;
        }
    }
    if let Err(e) = manifest.save() {
        crate::eprintln_printable!(
            "error: {}: not written: {e}",
            args.out.join(output::MANIFEST).display()
        );
        failed = true;
    }
    let not_written = if not_written > 0 {
        format!(", {not_written} not written (errors above)")
    } else {
        String::new()
    };
    crate::eprintln_printable!(
        "{} in {}: {written} written, {unchanged} unchanged{not_written}; {} without command blocks",
        report::plural(analysed - without_blocks, "script"),
        args.out.display(),
        report::plural(without_blocks, "runbook")
    );
    if commented > 0 {
        crate::eprintln_printable!(
            "{commented} step(s) cannot run as written; `runbook verify` reports them with the rest"
        );
    }
    if failed { FAILURE } else { CLEAN }
}

pub fn verify_command(args: VerifyArgs) -> u8 {
    let (settings, today) = match (settings_for(&args.common, &args.paths), today(&args.common)) {
        (Ok(s), Ok(t)) => (s, t),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    let use_shellcheck = !args.no_shellcheck && super::shellcheck::available();
    // On stderr in every format: CI reads the machine formats, and must
    // not lose a rule without a word. Not a finding, which would need a
    // runbook and a line to stand at, nor a failure: ShellCheck is
    // optional, unlike bash, without which nothing can be checked.
    if !args.no_shellcheck && !use_shellcheck {
        crate::eprintln_printable!(
            "warning: shellcheck is not installed, so the `shellcheck` rule was not checked \
             (apt-get install shellcheck; --no-shellcheck skips it without this warning)"
        );
    }
    let outcome = match verify::run(&settings, today, &selection(&args.paths), use_shellcheck) {
        Ok(o) => o,
        Err(e) => {
            crate::eprintln_printable!("error: {e}");
            return FAILURE;
        }
    };
    crate::cli::finish(&outcome, &args.report, &settings)
}

/// What to say of the first `--only` that names no step or section of the
/// script: a slip of the command line, caught before anything runs rather
/// than reported as the script failing.
fn unknown_only(only: &[String], steps: &[(String, String)]) -> Option<String> {
    let known = || {
        steps
            .iter()
            .flat_map(|(name, anchors)| std::iter::once(name.as_str()).chain(anchors.split(' ')))
            .filter(|n| !n.is_empty())
    };
    let wanted = only.iter().find(|o| !known().any(|k| k == o.as_str()))?;
    let names: Vec<&str> = steps.iter().map(|(name, _)| name.as_str()).collect();
    let mut message = format!(
        "no step or section named {wanted}; steps: {}",
        names.join(", ")
    );
    let typed = wanted.to_lowercase().replace('_', "-");
    let allowed = if typed.chars().count() <= 8 { 1 } else { 2 };
    let nearest = known()
        .map(|k| (strsim::osa_distance(&typed, k), k))
        .filter(|(distance, _)| *distance <= allowed)
        .min();
    if let Some((_, meant)) = nearest {
        let _ = write!(message, " (did you mean {meant}?)");
    }
    Some(message)
}

pub fn dry_run_command(args: DryRunArgs) -> u8 {
    let settings = match settings_for(&args.common, std::slice::from_ref(&args.runbook)) {
        Ok(s) => s,
        Err(code) => return code,
    };
    if !args.runbook.is_file() {
        crate::eprintln_printable!("error: {}: no such runbook", args.runbook.display());
        return FAILURE;
    }
    let (docs, problems, _) =
        verify::load(&settings, &selection(std::slice::from_ref(&args.runbook)));
    if let Some(p) = problems.first() {
        crate::eprintln_printable!("error: {}: {}", report::display_path(&p.path), p.message);
        return FAILURE;
    }
    let Some(doc) = docs.first() else {
        crate::eprintln_printable!("error: {}: not a runbook", args.runbook.display());
        return FAILURE;
    };
    let mut vars = Vec::new();
    for var in &args.vars {
        match var.split_once('=') {
            Some((name, value)) if super::shell::valid_name(name) => {
                vars.push((name.to_string(), value.to_string()));
            }
            _ => {
                crate::eprintln_printable!("error: --var wants NAME=VALUE, got `{var}`");
                return FAILURE;
            }
        }
    }
    let from_front = doc.fields().and_then(|f| f.extra.get("dry_run"));
    let mut stubs = match from_front.map(Stubs::from_front_matter).transpose() {
        Ok(s) => s.unwrap_or_default(),
        Err(e) => {
            crate::eprintln_printable!("error: {}: {e}", report::display_path(&doc.path));
            return FAILURE;
        }
    };
    if let Some(file) = &args.stubs {
        match Stubs::load(file) {
            Ok(more) => stubs = stubs.merge(more),
            Err(e) => {
                crate::eprintln_printable!("error: {e}");
                return FAILURE;
            }
        }
    }
    if !args.answers.is_empty() {
        stubs.answers = args.answers;
    }
    let rb = analysis::analyze(doc, &settings.checks);
    if let Some(why) = oversized(&rb).or_else(|| not_utf8(doc)) {
        crate::eprintln_printable!("error: {why}: nothing is run");
        return FAILURE;
    }
    if rb.blocks.is_empty() {
        crate::eprintln_printable!(
            "{}: no command blocks; nothing to run",
            report::display_path(&doc.path)
        );
        return CLEAN;
    }
    let checked = match render_checked(std::slice::from_ref(&rb)) {
        Ok(mut c) => c.remove(0),
        Err(e) => {
            crate::eprintln_printable!("error: cannot run `bash -n`: {e}");
            return FAILURE;
        }
    };
    if let Some(unknown) = unknown_only(&args.only, &checked.script.steps) {
        crate::eprintln_printable!("error: {unknown}");
        return FAILURE;
    }
    if let Some((line, name)) = dry_run::shadowed_builtin(&checked.script.text) {
        let md = checked.script.origin_of(line).map_or(0, |(_, md)| md);
        let mut out = report::Stdout::default();
        out.line(&format!(
            "[refused] {}:{md} {}  (a function named like the shell builtin `{name}`, which the dry run's own trace calls: rename it; nothing is run)",
            doc.rel,
            checked
                .script
                .text
                .lines()
                .nth(line - 1)
                .unwrap_or("")
                .trim()
        ));
        return out.code(FINDINGS);
    }
    crate::eprintln_printable!(
        "dry run of {}: commands are recorded, not run",
        report::display_path(&doc.path)
    );
    let options = dry_run::Options {
        only: args.only,
        vars,
        stubs,
        keep: args.keep,
        timeout: std::time::Duration::from_secs(args.timeout),
    };
    match dry_run::run(&rb, &checked.script, &options) {
        Ok(dry_run::Ended::Exit(0)) => CLEAN,
        Ok(dry_run::Ended::Exit(code)) => {
            crate::eprintln_printable!("the script would fail here (exit {code})");
            FINDINGS
        }
        Ok(dry_run::Ended::TooManyProcesses) => {
            crate::eprintln_printable!(
                "the script had more than {} processes at once and was stopped: background jobs started in a loop, or a function that starts itself (a fork bomb)",
                super::sandbox::MAX_PROCESSES
            );
            FINDINGS
        }
        Ok(dry_run::Ended::TimedOut) => {
            crate::eprintln_printable!(
                "the script was still running after {} s and was stopped: a loop waiting for a command to succeed needs a stub that makes it (--stubs), or a longer --timeout",
                args.timeout
            );
            FINDINGS
        }
        Err(e) => {
            crate::eprintln_printable!("error: cannot run bash: {e}");
            FAILURE
        }
    }
}
