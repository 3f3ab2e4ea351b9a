//! `runbook build`: every runbook rendered once with its review state and
//! lint findings, the site pages (index, dashboard, owners, tags, search,
//! 404), the files runbooks reference (images, attachments: see
//! [`assets`]), and the search index, written below the destination folder.
//!
//! Same input, same bytes: everything is sorted, and the only date in the
//! output is the configured "today".

pub mod assets;
pub mod autolink;
pub mod live;
pub mod nesting;
pub mod output;
pub mod pages;
pub mod render;
pub mod sanitize;
pub mod search;
pub mod template_limits;
pub mod templates;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::time::{Duration, Instant};

use jiff::civil::Date;
use pulldown_cmark::Event;
use rayon::prelude::*;
use serde::Serialize;

use crate::config::Settings;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::lint::{self, Selection};
use crate::workspace::{self, Source};

use assets::{AssetMap, Publishable};
use output::Output;
use pages::{Groups, Link, Summary};
use render::{PageMap, Targets, encode_path};
use templates::Templates;

/// What a build did, for the command line and the benchmark.
#[derive(Debug, Default)]
pub struct Built {
    pub runbooks: usize,
    pub pages: usize,
    /// Runbooks that could not be read or that the walk refused, with why;
    /// the linter reports them too.
    pub skipped: Vec<String>,
    /// Runbooks whose raw HTML nests too deep to sanitize: it is shown as
    /// text ([`nesting`]).
    pub html_as_text: Vec<String>,
    pub total: Duration,
    /// Building the search index, which overlaps with writing the pages.
    pub indexing: Duration,
    /// Files of the previous build not written again, removed.
    pub pruned: usize,
    /// Referenced files not published, with why ([`assets::copy`]).
    pub refused: Vec<String>,
}

/// Files and folders the site itself uses; a runbook that would be written
/// over one of them gets another name.
const RESERVED_FILES: &[&str] = &["index.html", "dashboard.html", "search.html", "404.html"];
const RESERVED_DIRS: &[&str] = &["assets", "pagefind", "owners", "tags"];

/// Bytes a page's name may take before its number and `.html`: file
/// systems refuse a name over 255 bytes, and a 252-byte `.md` name made a
/// 257-byte page that failed the whole build.
const MAX_STEM: usize = 240;

/// `stem` cut to [`MAX_STEM`] bytes, at a character boundary.
fn fit_stem(stem: &str) -> &str {
    let mut end = stem.len().min(MAX_STEM);
    while !stem.is_char_boundary(end) {
        end -= 1;
    }
    &stem[..end]
}

/// One runbook, read, parsed and rendered.
struct Page {
    summary: Summary,
    title_anchor: Option<String>,
    toc: Vec<TocEntry>,
    owners: Vec<String>,
    tags: Vec<String>,
    findings: Vec<Finding>,
    body: String,
    /// The file names its links point at, and the anchors it offers: what
    /// `runbook serve` needs to know which pages a change affects.
    link_names: Vec<String>,
    anchors: Vec<String>,
    /// The files it references that the site copies.
    assets: AssetMap,
    /// The files and links out of the source folder it references that the
    /// site leaves out, each with why ([`assets::referenced`]).
    unpublished: Vec<String>,
    /// The files its `{{#include ...}}` directives read, inside the source
    /// folder (paths in it): saving one renders the page again.
    includes: Vec<String>,
    html_as_text: bool,
    /// Front matter `related:`, its links rewritten as body links are.
    related: Vec<Related>,
}

struct Related {
    written: String,
    /// Where it leads from the page.
    url: String,
    /// The runbook (source path) it leads to, if it leads to one: shown by
    /// its title.
    runbook: Option<String>,
}

#[derive(Debug, Serialize)]
struct TocEntry {
    level: u8,
    text: String,
    anchor: String,
}

#[derive(Debug, Serialize)]
struct Finding {
    severity: &'static str,
    rule: &'static str,
    line: usize,
    col: usize,
    message: String,
    help: Option<String>,
    /// The same as HTML, code spans as `<code>` ([`render::code_spans`]).
    message_html: String,
    help_html: Option<String>,
}

pub fn build(settings: &Settings, today: Date, dest: &Path) -> Result<Built, String> {
    let started = Instant::now();
    let build = &settings.config.build;
    output::check_destination(dest, &settings.src)?;
    let _writing = output::WriterLock::acquire(dest, "runbook build")?;
    let templates = Templates::load(&settings.root.join(&build.templates), &settings.boundary)?;
    let out =
        Output::staged(dest).map_err(|e| format!("cannot create `{}`: {e}", dest.display()))?;
    let walk = workspace::walk(settings);
    let page_map = output_paths(&walk.markdown);
    let folders = render::folders_of(&page_map);
    let publishable = Publishable::new(settings, &walk.index);

    // Each runbook is read and parsed once: the lint hands each parse to
    // the page maker, and each page's findings are added when all are known.
    let page: &lint::Each<Result<Page, String>> = &|source, read| {
        page_of(
            source,
            read,
            settings,
            today,
            &page_map,
            &folders,
            &publishable,
        )
    };
    let (outcome, read) = lint::run_in_with(
        settings,
        today,
        &walk,
        &Selection::All,
        &|_| None,
        Some(page),
    );
    let findings = findings_by_path(&outcome.diagnostics);
    let mut built = Built::default();
    let mut pages = Vec::with_capacity(read.len());
    for (source, page) in walk.markdown.iter().zip(read) {
        match page {
            Ok(page) => {
                if page.html_as_text {
                    built.html_as_text.push(source.path.display().to_string());
                }
                let found = findings.get(source.path.as_path()).copied().unwrap_or(&[]);
                pages.push(with_findings(page, found));
            }
            Err(why) => built.skipped.push(why),
        }
    }
    // Nor has a runbook the walk refused (a symlink out of the repository,
    // a broken one): its links are broken on the site, so say which.
    built.skipped.extend(
        walk.problems
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| format!("{}: {}", d.path.display(), d.message)),
    );

    let groups = Groups::new(
        pages.iter().flat_map(|p| p.owners.iter()),
        pages.iter().flat_map(|p| p.tags.iter()),
    )
    .with_titles(pages.iter().map(|p| p.summary.title.as_str()));
    for page in &mut pages {
        page.summary = linked_summary(page, &groups);
    }
    let summaries: Vec<Summary> = pages.iter().map(|p| p.summary.clone()).collect();
    let folders = pages::folders(&summaries);
    let anchors: HashMap<String, String> = folders
        .iter()
        .map(|f| (f.path.clone(), f.anchor.clone()))
        .collect();

    let site = SiteContext::new(settings, today, &summaries, &groups);
    let titles: HashMap<&str, &str> = summaries
        .iter()
        .map(|s| (s.rel.as_str(), s.listed.as_str()))
        .collect();
    let records: Vec<search::Record> = pages.iter().map(|p| record(p, &groups)).collect();
    // Pagefind takes its pages one at a time, so the index is built on its
    // own thread while the pages are rendered and written on the others.
    let (index, written) = std::thread::scope(|scope| {
        let indexer = scope.spawn(|| {
            let started = Instant::now();
            let write = |rel: &str, bytes: &[u8]| write(&out, rel, bytes);
            search::build(&records, &build.language, build.search_shard_pages, &write)
                .map(|()| started.elapsed())
        });
        let written = pages
            .par_iter()
            .map(|page| {
                let rel = page_map
                    .get(&page.summary.rel)
                    .expect("every page has an output path");
                let title = |rel: &str| titles.get(rel).map(|t| t.to_string());
                let html = render_runbook(
                    &templates,
                    &site,
                    &anchors,
                    rel,
                    page,
                    &page.summary,
                    &title,
                )?;
                write(&out, rel, html.as_bytes())
            })
            .collect::<Result<(), String>>()
            .and_then(|()| {
                let lists = Lists {
                    summaries: &summaries,
                    intro: intro(|rel| pages.iter().find(|p| p.summary.rel == rel)),
                    folders,
                    groups: &groups,
                    search_shards: search::shard_count(summaries.len(), build.search_shard_pages),
                };
                site_pages(&site, &templates, &out, lists)
            })
            .and_then(|count| {
                for (name, bytes) in &templates.assets {
                    write(&out, &format!("assets/{name}"), bytes)?;
                }
                let referenced: AssetMap = pages
                    .iter()
                    .flat_map(|p| p.assets.iter())
                    .map(|(from, to)| (from.clone(), to.clone()))
                    .collect();
                let pages_at: HashSet<&str> = page_map.values().map(String::as_str).collect();
                let taken = |rel: &str| pages_at.contains(rel);
                let copied =
                    assets::copy(&publishable, &out, &referenced, &taken, build.allow_html)?;
                Ok((count, copied.refused))
            });
        let index = indexer
            .join()
            .unwrap_or_else(|_| Err("search index: the indexer panicked".to_string()));
        (index, written)
    });
    built.runbooks = pages.len();
    let (written, refused) = written?;
    built.pages = pages.len() + written;
    built.refused = unpublished(&pages, refused);
    built.indexing = index?;
    out.commit()
        .map_err(|e| format!("cannot put the site in place in `{}`: {e}", dest.display()))?;
    built.pruned = out.prune().map_err(|e| {
        format!(
            "cannot update `{}/{}`: {e}",
            dest.display(),
            output::MANIFEST
        )
    })?;
    built.total = started.elapsed();
    Ok(built)
}

/// A runbook's summary with its owner and tag pages linked, and its title
/// told apart from any other runbook's of the same title.
fn linked_summary(page: &Page, groups: &Groups) -> Summary {
    let mut summary = page.summary.clone();
    summary.listed = groups.listed_title(&page.summary);
    summary.owners = page.owners.iter().map(|o| groups.owner(o)).collect();
    summary.tags = page.tags.iter().map(|t| groups.tag(t)).collect();
    summary
}

/// A runbook's page; `rel` is its output path.
fn render_runbook(
    templates: &Templates,
    site: &SiteContext,
    anchors: &HashMap<String, String>,
    rel: &str,
    page: &Page,
    summary: &Summary,
    title_of: &dyn Fn(&str) -> Option<String>,
) -> Result<String, String> {
    let mut cx = site.context(root_of(rel), "runbook");
    // A related runbook by its title, anything else as written.
    let related: Vec<Link> = page
        .related
        .iter()
        .map(|r| Link {
            name: r
                .runbook
                .as_deref()
                .and_then(title_of)
                .unwrap_or_else(|| r.written.clone()),
            url: r.url.clone(),
        })
        .collect();
    cx.insert("related", &related);
    cx.insert("rb", summary);
    cx.insert("toc", &page.toc);
    cx.insert("findings", &page.findings);
    cx.insert("crumbs", &pages::crumbs(&summary.folder, anchors));
    cx.insert("title_anchor", &page.title_anchor);
    cx.insert("body", &page.body);
    templates.render("runbook.html", &cx)
}

/// What the search index takes from a runbook; owners and tags as their
/// groups are shown.
fn record<'a>(p: &'a Page, groups: &'a Groups) -> search::Record<'a> {
    search::Record {
        url: &p.summary.url,
        title: groups.listed_title(&p.summary),
        title_anchor: p.title_anchor.as_deref(),
        owners: p.owners.iter().map(|o| groups.owner_name(o)).collect(),
        status: &p.summary.status,
        tags: p.tags.iter().map(|t| groups.tag_name(t)).collect(),
        review: &p.summary.review,
        state: p.summary.state,
        due: &p.summary.due,
        body: &p.body,
    }
}

fn write(out: &Output, rel: &str, bytes: &[u8]) -> Result<(), String> {
    out.write(rel, bytes)
        .map_err(|e| format!("cannot write `{}/{rel}`: {e}", out.root().display()))
}

/// `../` once per folder the page is in.
fn root_of(rel: &str) -> String {
    "../".repeat(rel.matches('/').count())
}

/// Where each runbook is written: its path with `.html`, names that clash
/// with the site's own files or with each other (`a.md` and `a.markdown`)
/// numbered in path order, and characters no file name should have replaced.
fn output_paths(sources: &[Source]) -> PageMap {
    let mut taken: HashSet<String> = RESERVED_FILES.iter().map(|s| s.to_string()).collect();
    let mut map = PageMap::new();
    for source in sources {
        let mut parts: Vec<String> = source
            .rel
            .split('/')
            .filter(|p| !p.is_empty() && *p != "." && *p != "..")
            .map(|p| p.replace(['\\', ':', '\0'], "_"))
            .collect();
        if parts.len() > 1 && RESERVED_DIRS.contains(&parts[0].as_str()) {
            parts[0].push_str("-1");
        }
        let Some(last) = parts.last_mut() else {
            continue;
        };
        let stem = last.rsplit_once('.').map_or(last.as_str(), |(s, _)| s);
        let stem = fit_stem(stem).to_string();
        let dir = parts[..parts.len() - 1].join("/");
        let candidate = |n: usize| {
            let name = if n == 0 {
                format!("{stem}.html")
            } else {
                format!("{stem}-{n}.html")
            };
            if dir.is_empty() {
                name
            } else {
                format!("{dir}/{name}")
            }
        };
        let mut n = 0;
        while taken.contains(&candidate(n)) {
            n += 1;
        }
        taken.insert(candidate(n));
        map.insert(source.rel.clone(), candidate(n));
    }
    map
}

/// Everything the site leaves out that the pages reference, and what the
/// copy refused: each once, in order.
fn unpublished<'p>(
    pages: impl IntoIterator<Item = &'p Page>,
    copy_refused: Vec<String>,
) -> Vec<String> {
    let mut all: Vec<String> = pages
        .into_iter()
        .flat_map(|p| p.unpublished.iter().cloned())
        .chain(copy_refused)
        .collect();
    all.sort();
    all.dedup();
    all
}

/// A runbook's page, from the lint's parse of it (or why it has none); its
/// findings are added once the whole lint is done ([`with_findings`]).
fn page_of(
    source: &Source,
    read: Result<(&Document, Vec<Event<'static>>), &Diagnostic>,
    settings: &Settings,
    today: Date,
    page_map: &PageMap,
    folders: &HashSet<String>,
    publishable: &Publishable<'_>,
) -> Result<Page, String> {
    let (doc, events) = read.map_err(|d| format!("{}: {}", d.path.display(), d.message))?;
    let out = page_map
        .get(&source.rel)
        .ok_or_else(|| format!("{}: no output path for this name", source.path.display()))?;
    let allow_html = settings.config.build.allow_html;
    let rendered = |rel: &str| page_map.contains_key(rel);
    let referenced = assets::referenced(doc, publishable, allow_html, &rendered);
    let targets = Targets {
        pages: page_map,
        folders,
        assets: &referenced.assets,
    };
    let body = render::body(
        &doc.rel,
        out,
        render::is_title_heading(doc),
        events,
        &doc.body,
        &targets,
        allow_html,
    );
    let fields = doc.fields();
    let related = fields
        .map(|f| f.related.as_slice())
        .unwrap_or_default()
        .iter()
        .filter(|r| !r.value.trim().is_empty())
        .map(|r| Related {
            written: r.value.clone(),
            url: render::rewrite_link(&doc.rel, out, &r.value, &targets),
            runbook: render::runbook_of(&doc.rel, &r.value, &targets),
        })
        .collect();
    let review = fields.and_then(|f| crate::review::review(f, settings, today));
    let (state, words, rank, last_reviewed, due) =
        pages::review_fields(review.as_ref(), crate::review::invalid_date(doc));
    let owners: Vec<String> = fields
        .and_then(|f| f.owner.as_ref())
        .map(|o| o.value.clone())
        .unwrap_or_default();
    let mut tags: Vec<String> = fields.map(|f| f.tags.clone()).unwrap_or_default();
    tags.sort();
    tags.dedup();
    let status = fields
        .and_then(|f| f.status.as_ref())
        .map(|s| s.value.clone())
        .unwrap_or_default();
    let title = doc.title();
    let folder = doc
        .rel
        .rsplit_once('/')
        .map(|(d, _)| d.to_string())
        .unwrap_or_default();
    let filter = format!(
        "{} {} {} {} {}",
        title,
        owners.join(" "),
        tags.join(" "),
        status,
        doc.rel
    )
    .to_lowercase();
    let toc = doc
        .body
        .headings
        .iter()
        .filter(|h| (2..=3).contains(&h.level))
        .map(|h| TocEntry {
            level: h.level,
            text: h.text.clone(),
            anchor: h.anchor.clone(),
        })
        .collect();
    // `related:` too: its links show the titles of the pages they lead to.
    let link_names = doc
        .body
        .links
        .iter()
        .map(|l| link_name(&l.target))
        .chain(
            fields
                .map(|f| f.related.as_slice())
                .unwrap_or_default()
                .iter()
                .map(|r| link_name(&r.value)),
        )
        .collect();
    let anchors = doc
        .body
        .headings
        .iter()
        .map(|h| h.anchor.clone())
        .chain(doc.body.html_anchors.iter().map(|a| a.id.clone()))
        .collect();
    let includes = doc
        .body
        .code_blocks
        .iter()
        .flat_map(|b| &b.includes)
        .flat_map(|i| &i.files)
        .filter_map(|path| workspace::relative(&settings.src, path))
        .collect();
    Ok(Page {
        related,
        link_names,
        anchors,
        assets: referenced.assets,
        unpublished: referenced.refused,
        includes,
        html_as_text: body.html_as_text,
        summary: Summary {
            listed: title.clone(),
            title,
            rel: doc.rel.clone(),
            url: encode_path(out),
            folder,
            owners: Vec::new(),
            retired: pages::is_retired(&status),
            status,
            tags: Vec::new(),
            last_reviewed,
            due,
            state,
            review: words,
            rank,
            errors: 0,
            warnings: 0,
            findings: 0,
            findings_words: String::new(),
            filter,
        },
        title_anchor: body.title_anchor,
        toc,
        owners,
        tags,
        findings: Vec::new(),
        body: body.html,
    })
}

/// Adds a page's findings (those counted) to it and to its summary.
fn with_findings(mut page: Page, found: &[Diagnostic]) -> Page {
    let counted = found.iter().filter(|d| d.is_counted());
    page.findings = counted
        .clone()
        .map(|d| Finding {
            severity: d.severity.as_str(),
            rule: d.rule,
            line: d.span.start.line,
            col: d.span.start.col,
            message: d.message.clone(),
            help: d.help.clone(),
            message_html: render::code_spans(&d.message),
            help_html: d.help.as_deref().map(render::code_spans),
        })
        .collect();
    // A finding that stands for those past the cap counts as all of them.
    page.summary.errors = counted
        .clone()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.counts_as as usize)
        .sum();
    page.summary.warnings = counted
        .clone()
        .filter(|d| d.severity == Severity::Warning)
        .map(|d| d.counts_as as usize)
        .sum();
    page.summary.findings = counted.map(|d| d.counts_as as usize).sum();
    page.summary.findings_words = findings_words(
        page.summary.findings,
        page.summary.errors,
        page.summary.warnings,
    );
    page
}

/// `31 lint findings: 4 errors, 27 warnings`: the one line a runbook's
/// findings panel shows while it is closed.
fn findings_words(findings: usize, errors: usize, warnings: usize) -> String {
    let plural = |n: usize, one: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {one}s")
        }
    };
    let mut parts = Vec::new();
    if errors > 0 {
        parts.push(plural(errors, "error"));
    }
    if warnings > 0 {
        parts.push(plural(warnings, "warning"));
    }
    let info = findings - errors - warnings;
    if info > 0 {
        parts.push(format!("{info} info"));
    }
    format!("{}: {}", plural(findings, "lint finding"), parts.join(", "))
}

/// The findings of a lint, by file; a run's are sorted by path, so each
/// file's are one slice.
fn findings_by_path(diagnostics: &[Diagnostic]) -> HashMap<&Path, &[Diagnostic]> {
    diagnostics
        .chunk_by(|a, b| a.path == b.path)
        .map(|file| (&*file[0].path, file))
        .collect()
}

/// The file name a link target ends in, decoded, without fragment or query.
fn link_name(target: &str) -> String {
    let path = target.split(['#', '?']).next().unwrap_or("");
    let last = path.rsplit('/').next().unwrap_or("");
    percent_encoding::percent_decode_str(last)
        .decode_utf8_lossy()
        .into_owned()
}

/// What every page's context starts with.
struct SiteContext {
    base: tera::Context,
    /// The same, with every owner, status and tag in `site` too: for the
    /// search page's filters only, since a copy in the context of every
    /// page would cost pages times tags.
    search: tera::Context,
    /// `[build] site-url`, for the 404 page.
    site_root: String,
}

#[derive(Serialize)]
struct SiteInfo<'a> {
    title: &'a str,
    /// `[build] language`: every page's `<html lang>`.
    language: &'a str,
    description: &'a str,
    today: String,
    runbooks: usize,
    overdue: usize,
    due_soon: usize,
    /// No `last_reviewed` (`never-reviewed`, as `runbook due` says).
    never_reviewed: usize,
    /// A `last_reviewed` that is no date (`invalid-date`).
    invalid_date: usize,
    /// Reviewed after today (`future`): a typo.
    future: usize,
    /// What `runbook due` fails on: overdue, never reviewed, an invalid
    /// date or one in the future. The nav badge counts these.
    failing: usize,
    /// The counts in words, as the dashboard's summary says them:
    /// `1 overdue, 0 due soon, 2 never reviewed, 1 with an invalid date`.
    review_words: String,
    /// The same for `failing` alone, the nav badge's title.
    failing_words: String,
}

#[derive(Serialize)]
struct SearchSiteInfo<'a> {
    #[serde(flatten)]
    info: &'a SiteInfo<'a>,
    owners: Vec<&'a String>,
    tags: Vec<&'a String>,
    statuses: Vec<String>,
}

impl SiteContext {
    fn new(settings: &Settings, today: Date, summaries: &[Summary], groups: &Groups) -> Self {
        let mut statuses: Vec<String> = summaries
            .iter()
            .map(|s| s.status.clone())
            .filter(|s| !s.is_empty())
            .collect();
        statuses.sort();
        statuses.dedup();
        let count = |state: &str| summaries.iter().filter(|s| s.state == state).count();
        let (overdue, due_soon) = (count("overdue"), count("due-soon"));
        let (never, invalid, future) = (
            count("never-reviewed"),
            count("invalid-date"),
            count("future"),
        );
        let mut failing_parts = vec![format!("{overdue} overdue")];
        for (n, words) in [
            (never, "never reviewed"),
            (invalid, "with an invalid date"),
            (future, "reviewed in the future"),
        ] {
            if n > 0 {
                failing_parts.push(format!("{n} {words}"));
            }
        }
        let mut review_parts = failing_parts.clone();
        review_parts.insert(1, format!("{due_soon} due soon"));
        let info = SiteInfo {
            title: &settings.config.book.title,
            language: &settings.config.build.language,
            description: &settings.config.book.description,
            today: today.to_string(),
            runbooks: summaries.len(),
            overdue,
            due_soon,
            never_reviewed: never,
            invalid_date: invalid,
            future,
            failing: summaries
                .iter()
                .filter(|s| !matches!(s.state, "current" | "due-soon"))
                .count(),
            review_words: review_parts.join(", "),
            failing_words: failing_parts.join(", "),
        };
        let mut base = tera::Context::new();
        base.insert("site", &info);
        let mut search = tera::Context::new();
        search.insert(
            "site",
            &SearchSiteInfo {
                info: &info,
                owners: groups.owners.keys().collect(),
                tags: groups.tags.keys().collect(),
                statuses,
            },
        );
        SiteContext {
            base,
            search,
            site_root: settings.config.build.site_root(),
        }
    }

    fn context(&self, root: String, kind: &str) -> tera::Context {
        Self::with(self.base.clone(), root, kind)
    }

    fn search_context(&self) -> tera::Context {
        Self::with(self.search.clone(), String::new(), "search")
    }

    fn with(mut cx: tera::Context, root: String, kind: &str) -> tera::Context {
        cx.insert("root", &root);
        cx.insert("kind", kind);
        cx
    }
}

/// The index, dashboard, owner and tag pages, search and 404. Returns how
/// many pages it wrote.
/// What the site pages list.
struct Lists<'a> {
    summaries: &'a [Summary],
    /// The body of the runbook that introduces the book ([`intro`]).
    intro: Option<&'a str>,
    folders: Vec<pages::Folder>,
    groups: &'a Groups,
    search_shards: usize,
}

/// The runbooks that may introduce the book, in order: the first found at
/// the top of the source folder is shown on the home page before the
/// lists, as mdBook makes it the front page (the someone just paged reads
/// "start here" there). Its own page stays, with its findings.
const INTRO: [&str; 2] = ["index.md", "README.md"];

fn intro<'p>(page_of: impl Fn(&str) -> Option<&'p Page>) -> Option<&'p str> {
    INTRO
        .iter()
        .find_map(|rel| page_of(rel))
        .map(|p| p.body.as_str())
}

fn site_pages(
    site: &SiteContext,
    templates: &Templates,
    out: &Output,
    lists: Lists<'_>,
) -> Result<usize, String> {
    let Lists {
        summaries,
        intro,
        folders,
        groups,
        search_shards,
    } = lists;
    let mut written = 0;
    let mut page = |rel: &str, template: &str, cx: tera::Context| -> Result<(), String> {
        let html = templates.render(template, &cx)?;
        written += 1;
        write(out, rel, html.as_bytes())
    };

    let mut cx = site.context(String::new(), "index");
    cx.insert("intro", &intro);
    cx.insert("folders", &folders);
    cx.insert(
        "owners",
        &pages::counts(&groups.owners, summaries, |s| &s.owners),
    );
    cx.insert("tags", &pages::counts(&groups.tags, summaries, |s| &s.tags));
    page("index.html", "index.html", cx)?;

    let mut ordered = summaries.to_vec();
    pages::dashboard_order(&mut ordered);
    let mut cx = site.context(String::new(), "dashboard");
    cx.insert("runbooks", &ordered);
    page("dashboard.html", "dashboard.html", cx)?;

    type Members = fn(&Summary) -> &[Link];
    let lists: [(&str, &BTreeMap<String, String>, Members); 2] = [
        ("owner", &groups.owners, |s| &s.owners),
        ("tag", &groups.tags, |s| &s.tags),
    ];
    for (kind, pages_of, links) in lists {
        // Each name's runbooks, most urgent first, gathered in one pass:
        // not every runbook read again for each of thousands of names.
        let mut by_name: HashMap<&str, Vec<&Summary>> = HashMap::new();
        for summary in &ordered {
            let mut names: Vec<&str> = links(summary).iter().map(|l| l.name.as_str()).collect();
            names.sort_unstable();
            names.dedup();
            for name in names {
                by_name.entry(name).or_default().push(summary);
            }
        }
        for (name, url) in pages_of {
            let members = by_name.remove(name.as_str()).unwrap_or_default();
            let mut cx = site.context("../".into(), kind);
            cx.insert("name", name);
            cx.insert("runbooks", &members);
            let rel = percent_encoding::percent_decode_str(url)
                .decode_utf8_lossy()
                .into_owned();
            page(&rel, "list.html", cx)?;
        }
    }

    let mut cx = site.search_context();
    let merged: Vec<String> = (1..search_shards)
        .map(|i| format!("{}/", search::shard_dir(i)))
        .collect();
    cx.insert("search_shards", &merged.join(" "));
    page("search.html", "search.html", cx)?;
    // Shown for a missing page at any depth: links start at `site-url`.
    let mut cx = site.context(site.site_root.clone(), "404");
    cx.insert("css", templates.asset_text("style.css"));
    page("404.html", "404.html", cx)?;
    Ok(written)
}
