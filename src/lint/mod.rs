//! The lint engine: runs every rule on every selected document in parallel,
//! checks links across files, applies suppressions, and sorts the findings.

pub mod custom;
pub mod external;
pub mod links;
pub mod report;
pub mod rules;
pub mod suppress;

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::civil::Date;
use pulldown_cmark::Event;
use rayon::prelude::*;

use crate::config::Settings;
use crate::diagnostic::{Diagnostic, Fix, Severity, Span};
use crate::document::Document;
use crate::workspace::{self, FileIndex, Source};

pub use rules::Rule;

/// What every rule may look at besides the document.
pub struct Context<'a> {
    pub settings: &'a Settings,
    pub today: Date,
    pub files: &'a FileIndex,
    /// Looked up for every finding: hashed with Fx, not SipHash.
    levels: rustc_hash::FxHashMap<&'static str, Option<Severity>>,
}

impl<'a> Context<'a> {
    pub fn new(settings: &'a Settings, today: Date, files: &'a FileIndex) -> Self {
        let builtin = rules::ALL.iter().map(|rule| (rule.id, rule.severity));
        let custom = settings
            .custom_rules
            .iter()
            .map(|rule| (rule.id, rule.severity));
        let levels = builtin
            .chain(custom)
            .map(|(id, default)| {
                let level = settings
                    .config
                    .lint
                    .rules
                    .get(id)
                    .map(|l| l.severity())
                    .unwrap_or(Some(default));
                (id, level)
            })
            .collect();
        Context {
            settings,
            today,
            files,
            levels,
        }
    }

    /// The severity a rule reports at, or `None` when it is off.
    pub fn severity(&self, id: &str) -> Option<Severity> {
        self.levels.get(id).copied().flatten()
    }
}

/// Findings of one rule a file lists, at most. Past this, the rest are
/// counted in one finding: a 10 MiB page of `##x` lines was 2.6 million
/// findings and 1.6 GB, which no reader goes through.
pub const MAX_FINDINGS_PER_RULE: usize = 10_000;

/// Collects one document's findings, stamping each with its severity,
/// path and source line; past [`MAX_FINDINGS_PER_RULE`] of a rule, counts
/// them instead.
pub struct Sink<'a> {
    pub doc: &'a Document,
    cx: &'a Context<'a>,
    pub path: Arc<Path>,
    out: Vec<Diagnostic>,
    listed: rustc_hash::FxHashMap<&'static str, usize>,
    unlisted: Vec<Unlisted>,
}

/// Findings of one rule past the cap: where each is (line and column),
/// eight bytes apiece, so each can still be checked against the
/// suppressions: an error after 10,000 suppressed findings of its rule is
/// not hidden by them.
pub struct Unlisted {
    pub rule: &'static str,
    /// As [`Diagnostic::data_rule`]: those of each rule of `lints/` are
    /// counted apart, each suppressed by what names it.
    pub data_rule: Option<&'static str>,
    pub severity: Severity,
    pub at: Vec<(u32, u32)>,
}

impl Unlisted {
    /// Whether findings of this rule listed before the cap are suppressed:
    /// then "fix those" cannot be what the reader does next.
    fn listed_suppressed(&self, sink: &Sink) -> bool {
        sink.out
            .iter()
            .any(|d| d.rule == self.rule && d.data_rule == self.data_rule && d.suppressed.is_some())
    }

    /// The findings that stand for them: one for those counted and one for
    /// those suppressed, each where the first of its kind is.
    fn findings(&self, sink: &Sink, directives: &suppress::Directives) -> Vec<Diagnostic> {
        let found: Vec<suppress::Found> = self
            .at
            .iter()
            .map(|&(line, _)| (self.rule, self.data_rule, line as usize))
            .collect();
        let covered = directives.covering(&found);
        let mut out = Vec::new();
        for suppressed in [false, true] {
            let mut of_kind = self
                .at
                .iter()
                .zip(&covered)
                .filter(|(_, c)| c.is_some() == suppressed);
            let Some((&(line, col), directive)) = of_kind.next() else {
                continue;
            };
            let count = 1 + of_kind.count();
            let (line, col) = (line as usize, col as usize);
            let text = sink.doc.line_text(line);
            let in_line = text
                .char_indices()
                .nth(col.max(1) - 1)
                .map_or(text.len(), |(i, _)| i);
            let offset = sink.doc.lines.line_start(line.max(1) - 1) + in_line;
            let at = crate::document::Pos { line, col, offset };
            let mut finding = unlisted_finding(
                (self.rule, self.severity),
                sink.path.clone(),
                Span { start: at, end: at },
                quoted_line(sink.doc, line),
                count,
                directive.map(|d| directives.suppression(d)),
            );
            finding.data_rule = self.data_rule;
            if !suppressed && self.listed_suppressed(sink) {
                finding.help = Some(listed_are_suppressed(self.data_rule.unwrap_or(self.rule)));
            }
            out.push(finding);
        }
        out
    }
}

/// The finding that stands for `count` findings of a rule past the cap,
/// placed where the first of them is.
pub fn unlisted_finding(
    (rule, severity): (&'static str, Severity),
    path: Arc<Path>,
    span: Span,
    source_line: String,
    count: usize,
    suppressed: Option<Box<crate::diagnostic::Suppression>>,
) -> Diagnostic {
    Diagnostic {
        rule,
        data_rule: None,
        severity,
        path,
        span,
        message: if count == 1 {
            format!("1 more `{rule}` finding in this file is not listed: this one")
        } else {
            format!(
                "{count} more `{rule}` findings in this file are not listed; this is the first of them"
            )
        },
        help: Some(format!(
            "a file lists at most {MAX_FINDINGS_PER_RULE} findings of one rule: \
             fix those, then lint again to see the rest"
        )),
        fix: None,
        source_line,
        suppressed,
        counts_as: u32::try_from(count).unwrap_or(u32::MAX),
    }
}

/// The help of the finding that stands for counted findings past the cap
/// when findings listed before them are suppressed: fixing those, as the
/// usual help says, is then not what the reader does next.
pub fn listed_are_suppressed(rule: &str) -> String {
    format!(
        "a file lists at most {MAX_FINDINGS_PER_RULE} findings of one rule, suppressed ones \
         included, and some listed here are suppressed: `runbook rules {rule}` says what this \
         one means"
    )
}

impl<'a> Sink<'a> {
    pub fn new(doc: &'a Document, cx: &'a Context<'a>) -> Self {
        Sink {
            doc,
            cx,
            path: Arc::from(doc.path.as_path()),
            out: Vec::new(),
            listed: Default::default(),
            unlisted: Vec::new(),
        }
    }

    /// The findings, each marked if `directives` suppress it, with those
    /// of a rule past the cap counted in one or two more (counted and
    /// suppressed).
    pub fn into_findings(mut self, directives: &suppress::Directives) -> Vec<Diagnostic> {
        directives.apply(&mut self.out);
        let unlisted: Vec<Diagnostic> = self
            .unlisted
            .iter()
            .flat_map(|u| u.findings(&self, directives))
            .collect();
        self.out.extend(unlisted);
        self.out
    }

    pub fn enabled(&self, rule: &str) -> bool {
        self.cx.severity(rule).is_some()
    }

    pub fn report(
        &mut self,
        rule: &'static str,
        span: Span,
        message: impl Into<String>,
    ) -> Report<'_> {
        self.report_data((rule, None), span, message)
    }

    /// [`Sink::report`] for a built-in rule that runs rules of `lints/` as
    /// its data: `rule` and the one of those that found it.
    pub fn report_data(
        &mut self,
        (rule, data_rule): (&'static str, Option<&'static str>),
        span: Span,
        message: impl Into<String>,
    ) -> Report<'_> {
        let Some(severity) = self.cx.severity(rule) else {
            return Report(None);
        };
        let listed = self.listed.entry(rule).or_default();
        if *listed == MAX_FINDINGS_PER_RULE {
            let at = (span.start.line as u32, span.start.col as u32);
            let of = |u: &&mut Unlisted| u.rule == rule && u.data_rule == data_rule;
            match self.unlisted.iter_mut().find(of) {
                Some(u) => u.at.push(at),
                None => self.unlisted.push(Unlisted {
                    rule,
                    data_rule,
                    severity,
                    at: vec![at],
                }),
            }
            return Report(None);
        }
        *listed += 1;
        self.out.push(Diagnostic {
            rule,
            data_rule,
            severity,
            path: self.path.clone(),
            span,

            message: message.into(),
            help: None,
            fix: None,
            source_line: quoted_line(self.doc, span.start.line),
            suppressed: None,
            counts_as: 1,
        });
        Report(self.out.last_mut())
    }
}

/// Lines longer than this are not quoted in findings: a 9 MB line holding
/// 100,000 broken links would otherwise be copied into each of them.
pub const MAX_QUOTED_LINE: usize = 4096;

/// The source line a finding quotes, or nothing when it is too long to quote.
pub fn quoted_line(doc: &Document, line: usize) -> String {
    let text = doc.line_text(line);
    if text.len() > MAX_QUOTED_LINE {
        String::new()
    } else {
        text.to_string()
    }
}

/// Adds help and fixes to a finding just reported; does nothing when the
/// rule is off.
pub struct Report<'a>(Option<&'a mut Diagnostic>);

impl Report<'_> {
    pub fn help(mut self, help: impl Into<String>) -> Self {
        if let Some(d) = self.0.as_mut() {
            d.help = Some(help.into());
        }
        self
    }

    /// Reports at `severity` rather than the rule's: for a rule whose
    /// findings come with their own level (ShellCheck's), when book.toml
    /// does not set one for the rule.
    pub fn severity(mut self, severity: Severity) -> Self {
        if let Some(d) = self.0.as_mut() {
            d.severity = severity;
        }
        self
    }

    pub fn fix(mut self, fix: Fix) -> Self {
        if let Some(d) = self.0.as_mut() {
            d.fix = Some(Box::new(fix));
        }
        self
    }
}

/// Which files to report on.
pub enum Selection {
    /// Every runbook under the source folder.
    All,
    /// These files and folders only; links still resolve against the tree.
    Paths(Vec<PathBuf>),
}

pub struct Outcome {
    pub diagnostics: Vec<Diagnostic>,
    pub files: usize,
    /// A file or folder could not be read: exit code 2.
    pub io_failure: bool,
}

/// Lints the selected runbooks of the configured tree.
pub fn run(settings: &Settings, today: Date, selection: &Selection) -> Outcome {
    run_in(
        settings,
        today,
        &workspace::walk(settings),
        selection,
        &|_| None,
    )
}

/// The anchors of a runbook (by path relative to the source folder) that
/// the caller has already parsed, or `None` to read them from disk.
pub type KnownAnchors<'a> = dyn Fn(&str) -> Option<Vec<String>> + Sync + 'a;

/// [`run`] over a tree walked before, taking the anchors of runbooks the
/// caller already holds: `runbook serve` re-lints a saved file without
/// walking the tree or reading the files it links to.
pub fn run_in(
    settings: &Settings,
    today: Date,
    walk: &workspace::Walk,
    selection: &Selection,
    known: &KnownAnchors,
) -> Outcome {
    run_in_with::<()>(settings, today, walk, selection, known, None).0
}

/// Each linted runbook's heading anchors, by path relative to the source
/// folder: what fragments into it are checked against.
pub type Anchors = rustc_hash::FxHashMap<String, Vec<String>>;

/// Each runbook's suppression directives, by path, for the findings made
/// after its own lint (links into other runbooks, external links).
pub type DirectivesByPath = rustc_hash::FxHashMap<PathBuf, suppress::Directives>;

/// Runbooks a core lints in one go before it looks for more work. rayon
/// would otherwise split the tree into a few large runs, one per core and
/// split again only when stolen from: a core that finished its run sat idle
/// while the other still had up to a quarter of the tree to go, 5 to 120 ms
/// of one core on the 10,000-file corpus.
const FILES_PER_JOB: usize = 16;

/// What a caller makes of each selected runbook on the lint's own read and
/// parse: the document with every Markdown event, or why it could not be
/// read. The site renders its pages from them.
pub type Each<'a, T> =
    dyn Fn(&Source, Result<(&Document, Vec<Event<'static>>), &Diagnostic>) -> T + Sync + 'a;

/// [`run_in`], handing each selected runbook to `each` as it is parsed;
/// returns what `each` made of them, in the selection's order.
pub fn run_in_with<T: Send>(
    settings: &Settings,
    today: Date,
    walk: &workspace::Walk,
    selection: &Selection,
    known: &KnownAnchors,
    each: Option<&Each<T>>,
) -> (Outcome, Vec<T>) {
    let (selected, mut diagnostics) = select(walk, selection, settings);
    diagnostics.extend(config_findings(settings));

    let cx = Context::new(settings, today, &walk.index);

    let (results, made): (Vec<FileResult>, Vec<Option<T>>) = selected
        .par_iter()
        .with_max_len(FILES_PER_JOB)
        .map(|source| lint_file(source, &cx, each))
        .unzip();

    let files = results.len();
    let pending_count = results.iter().map(|r| r.pending.len()).sum();
    // Room for the findings about links across files too, at most one per
    // pending fragment: growing tens of thousands of findings later would
    // copy them all.
    diagnostics.reserve(results.iter().map(|r| r.diagnostics.len()).sum::<usize>() + pending_count);
    let mut anchors = Anchors::with_capacity_and_hasher(files, Default::default());
    let mut directives = DirectivesByPath::default();
    let mut pending = Vec::with_capacity(pending_count);

    let mut external_uses = Vec::new();
    for result in results {
        if let Some(a) = result.anchors {
            anchors.insert(result.rel, a);
        }
        pending.extend(result.pending);
        external_uses.extend(result.external);
        diagnostics.extend(result.diagnostics);
        if let Some(d) = result.directives {
            directives.insert(d.path.clone(), d);
        }
    }

    // Fragments into files outside the selection need those files' anchors;
    // so do fragments into Markdown files that are not runbooks of the book
    // (excluded, `CONTRIBUTING.md`, hidden), which GitHub renders all the same.
    let mut missing: Vec<&str> = pending
        .iter()
        .map(|p: &links::PendingFragment| p.target.as_str())
        .filter(|t| !anchors.contains_key(*t))
        .collect();
    missing.sort_unstable();
    missing.dedup();
    let wanted: Vec<(&str, Cow<Path>)> = if missing.is_empty() {
        Vec::new()
    } else {
        let by_rel: HashMap<&str, &Source> =
            walk.markdown.iter().map(|s| (s.rel.as_str(), s)).collect();
        missing
            .into_iter()
            .map(|t| match by_rel.get(t) {
                Some(s) => (t, Cow::Borrowed(s.path.as_path())),
                None => (t, Cow::Owned(settings.src.join(t))),
            })
            .collect()
    };
    let more: Vec<(String, Option<Vec<String>>)> = wanted
        .par_iter()
        .map(|(rel, path)| {
            let found = known(rel).or_else(|| read_anchors(path, settings));
            (rel.to_string(), found)
        })
        .collect();

    anchors.extend(
        more.into_iter()
            .filter_map(|(rel, found)| Some((rel, found?))),
    );
    // Findings about links across files come last; each file's own were
    // checked against its suppressions as it was linted.
    // Broken anchors into other files come back with their suppressions
    // applied (before the cap); external links get theirs here.
    diagnostics.extend(links::resolve_pending(pending, &anchors, &cx, &directives));
    if !external_uses.is_empty() {
        let mut external = external::check_all(external_uses, &cx);
        // Grouped by file, so each file's directives sweep its findings once.
        external.sort_by(|a, b| a.path.cmp(&b.path));
        for file in external.chunk_by_mut(|a, b| Arc::ptr_eq(&a.path, &b.path) || a.path == b.path)
        {
            if let Some(d) = directives.get(&*file[0].path) {
                d.apply(file);
            }
        }
        diagnostics.extend(external);
    }
    diagnostics.sort_by(Diagnostic::report_order);
    let io_failure = diagnostics.iter().any(|d| d.rule == rules::io_error::ID);
    // Hundreds of thousands of strings, freed while the report is written
    // (or here, when no thread can be started).
    let _ = std::thread::Builder::new().spawn(move || drop((anchors, directives)));
    let outcome = Outcome {
        diagnostics,
        files,
        io_failure,
    };
    (outcome, made.into_iter().flatten().collect())
}

/// The runbooks a selection names, with the problems of the walk and of
/// the naming that concern them, each once (a named symlink leading out of
/// the repository is both).
pub fn select<'w>(
    walk: &'w workspace::Walk,
    selection: &Selection,
    settings: &Settings,
) -> (Cow<'w, [Source]>, Vec<Diagnostic>) {
    let mut problems = walk_problems(walk, selection);
    let Selection::Paths(paths) = selection else {
        return (Cow::Borrowed(&walk.markdown), problems);
    };
    let (selected, named) = workspace::select(&walk.markdown, paths, settings);
    for d in named {
        let path = workspace::normalize(&d.path);
        if !problems
            .iter()
            .any(|p| p.rule == d.rule && workspace::normalize(&p.path) == path)
        {
            problems.push(d);
        }
    }
    (selected, problems)
}

/// The walk's problems that concern the selection. A symlink loop or an
/// unreadable folder elsewhere in the tree is not the named files' problem:
/// a pre-commit hook must not fail on it.
fn walk_problems(walk: &workspace::Walk, selection: &Selection) -> Vec<Diagnostic> {
    match selection {
        Selection::All => walk.problems.clone(),
        Selection::Paths(paths) => walk
            .problems
            .iter()
            .filter(|d| workspace::is_within(&d.path, paths))
            .cloned()
            .collect(),
    }
}

struct FileResult {
    rel: String,
    diagnostics: Vec<Diagnostic>,
    /// Kept for the findings about links resolved later, when there are any.
    directives: Option<suppress::Directives>,
    anchors: Option<Vec<String>>,
    pending: Vec<links::PendingFragment>,
    /// `http(s)` URLs, when external links are checked.
    external: Vec<external::Use>,
}

fn lint_file<T>(source: &Source, cx: &Context, each: Option<&Each<T>>) -> (FileResult, Option<T>) {
    let mut result = FileResult {
        rel: source.rel.clone(),
        diagnostics: Vec::new(),
        directives: None,
        anchors: None,
        pending: Vec::new(),
        external: Vec::new(),
    };
    let mut events = Events::default();
    let mut keep = |_: &Document, event: Event<'_>| events.push(event);
    let sink: Option<&mut crate::document::EventSink> = match each {
        Some(_) => Some(&mut keep),
        None => None,
    };
    let doc = match workspace::read_with(source, cx.settings, sink) {
        Ok(doc) => doc,
        Err(diagnostic) => {
            let made = each.map(|each| each(source, Err(&diagnostic)));
            result.diagnostics.push(*diagnostic);
            return (result, made);
        }
    };
    let made = each.map(|each| each(source, Ok((&doc, std::mem::take(&mut events).finish()))));
    let directives = suppress::Directives::parse(&doc);
    (result.diagnostics, result.pending) = check_document(&doc, cx, &directives);
    if external::wanted(cx) {
        result.external = external::collect(&doc);
        // A moved link is fixed where it is written: not in a file whose
        // fixes are withheld.
        if result.diagnostics.iter().any(crate::fix::refuses) {
            for u in &mut result.external {
                u.range = None;
            }
        }
    }
    result.directives = (!directives.is_empty()).then_some(directives);
    // Sorted here, on every core: the whole run's sort then finds each
    // file's findings already in order (files come in path order).
    result
        .diagnostics
        .sort_by_key(|d| (d.span.start.line, d.span.start.col, d.rule));

    result.anchors = Some(anchors_of(&doc));
    (result, made)
}

/// A page's Markdown events, kept for the page maker with each run of
/// texts and line breaks merged into one text. pulldown-cmark ends a text
/// at every `[`, `*` or `_` it tries as markup and at every line end: a
/// 10 MiB page of `[a` was 10 million events of 80 bytes each. The HTML is
/// the same, since text is escaped character by character and a line break
/// is written as a newline (except in an image's alt text, left alone).
#[derive(Default)]
struct Events {
    kept: Vec<Event<'static>>,
    text: String,
    images: usize,
}

impl Events {
    fn push(&mut self, event: Event<'_>) {
        match event {
            Event::Text(text) => self.text.push_str(&text),
            Event::SoftBreak if self.images == 0 => self.text.push('\n'),
            event => {
                match event {
                    Event::Start(pulldown_cmark::Tag::Image { .. }) => self.images += 1,
                    Event::End(pulldown_cmark::TagEnd::Image) => self.images -= 1,
                    _ => {}
                }
                self.end_text();
                self.kept.push(event.into_static());
            }
        }
    }

    fn end_text(&mut self) {
        if !self.text.is_empty() {
            let text = pulldown_cmark::CowStr::Borrowed(&self.text).into_static();
            self.kept.push(Event::Text(text));
            self.text.clear();
        }
    }

    fn finish(mut self) -> Vec<Event<'static>> {
        self.end_text();
        self.kept
    }
}

/// Every per-file rule and the link checks, with fragments into other files
/// left pending.
/// Findings come back marked when the page's directives suppress them.
fn check_document(
    doc: &Document,
    cx: &Context,
    directives: &suppress::Directives,
) -> (Vec<Diagnostic>, Vec<links::PendingFragment>) {
    let mut sink = Sink::new(doc, cx);
    for rule in rules::ALL {
        if let Some(check) = rule.check
            && sink.enabled(rule.id)
        {
            check(doc, cx, &mut sink);
        }
    }
    crate::extract::findings::report_all(doc, cx, &mut sink);
    custom::check(doc, cx, &mut sink);
    let mut pending = links::check(doc, cx, &mut sink);
    let mut findings = sink.into_findings(directives);
    if findings.iter().any(crate::fix::refuses) {
        withhold_fixes(&mut findings, &mut pending);
    }
    (findings, pending)
}

/// Takes the fixes off a document's findings, and off those its links
/// will give, when `--fix` would refuse the file ([`crate::fix::refuses`]):
/// their offsets are into the text as read, which may not be the file's
/// bytes, and `fixable` would count what `--fix` does not do.
fn withhold_fixes(findings: &mut [Diagnostic], pending: &mut [links::PendingFragment]) {
    for d in findings {
        d.fix = None;
    }
    for p in pending {
        p.fragment_range = None;
    }
}

/// Lints one parsed document as the only file of an empty tree, offline,
/// without touching the file system: the entry point for fuzzing and
/// property tests. Suppressions are applied and findings sorted, as in [`run`].
pub fn lint_document(doc: &Document, settings: &Settings, today: Date) -> Vec<Diagnostic> {
    let files = FileIndex::default();
    let cx = Context::new(settings, today, &files);
    let directives = suppress::Directives::parse(doc);
    let (mut diagnostics, pending) = check_document(doc, &cx, &directives);
    let anchors = Anchors::from_iter([(doc.rel.clone(), anchors_of(doc))]);
    let by_path = DirectivesByPath::from_iter([(doc.path.clone(), directives)]);
    let mut cross = links::resolve_pending(pending, &anchors, &cx, &by_path);
    diagnostics.append(&mut cross);
    diagnostics.sort_by(Diagnostic::report_order);
    diagnostics
}

fn anchors_of(doc: &Document) -> Vec<String> {
    doc.body
        .headings
        .iter()
        .map(|h| h.anchor.clone())
        .chain(doc.body.html_anchors.iter().map(|a| a.id.clone()))
        .collect()
}

fn read_anchors(path: &Path, settings: &Settings) -> Option<Vec<String>> {
    let source = Source {
        path: path.to_path_buf(),
        rel: String::new(),
    };
    workspace::read(&source, settings)
        .ok()
        .map(|doc| anchors_of(&doc))
}

/// Unknown keys in `book.toml`, as findings on that file.
fn config_findings(settings: &Settings) -> Vec<Diagnostic> {
    let (Some(file), Some(severity)) = (
        &settings.file,
        rules::config_unknown_key::RULE.default_level(settings),
    ) else {
        return Vec::new();
    };
    let text = std::fs::read_to_string(file).unwrap_or_default();
    settings
        .unknown_keys
        .iter()
        .map(|key| {
            let line = text.lines().nth(key.line - 1).unwrap_or("").to_string();
            let pos = crate::diagnostic::Pos {
                line: key.line,
                col: key.col,
                offset: 0,
            };
            Diagnostic {
                rule: rules::config_unknown_key::ID,
                data_rule: None,
                severity,
                path: Arc::from(file.as_path()),
                span: Span {
                    start: pos,
                    end: pos,
                },
                message: key.message(),
                help: Some(key.help()),
                fix: None,
                source_line: line,
                suppressed: None,
                counts_as: 1,
            }
        })
        .collect()
}
