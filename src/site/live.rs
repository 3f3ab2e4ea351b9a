//! Incremental builds for `runbook serve`. The parsed pages stay in memory,
//! so a save re-reads, re-lints and re-renders the saved file and the pages
//! whose link checks depend on it (pages linking to a file that appeared,
//! went, or changed its anchors); the site pages follow when a summary
//! changed, and every page when what all pages show (counts, owners, the
//! folder list) changed. Templates and `book.toml` mean a full [`Live::load`].

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::civil::Date;
use rayon::prelude::*;

use super::assets::Publishable;
use super::output::Output;
use super::pages::{self, Groups, Summary};
use super::render::{self, PageMap};
use super::templates::Templates;
use super::{
    INTRO, Lists, Page, SiteContext, assets, findings_by_path, intro, linked_summary, output_paths,
    page_of, record, render_runbook, search, site_pages, unpublished, with_findings, write,
};
use crate::config::Settings;
use crate::diagnostic::Diagnostic;
use crate::lint::{self, Selection};
use crate::workspace::{self, Walk};

/// The last good build, in memory.
pub struct Live {
    settings: Settings,
    today: Date,
    out: Output,
    templates: Templates,
    /// The tree as last walked (runbooks in walk order), and where each
    /// runbook is written.
    walk: Walk,
    page_map: PageMap,
    /// The folders holding runbooks, where folder links lead.
    folders: HashSet<String>,
    pages: HashMap<String, Arc<Page>>,
    /// What every page shows of the whole site, as last written.
    groups: Groups,
    site: SiteContext,
    anchors: HashMap<String, String>,
    /// Search shards whose pages changed since the last [`SearchJob`];
    /// `None` when all must be indexed again.
    dirty_shards: Option<BTreeSet<usize>>,
}

/// What one change wrote.
pub struct Update {
    /// Runbook pages rewritten, as URLs from the site root.
    pub pages: Vec<String>,
    /// Current findings of the files read again.
    pub diagnostics: Vec<Diagnostic>,
    pub files: usize,
    pub follow_up: FollowUp,
}

/// What is left to rewrite after an update's own pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FollowUp {
    Nothing,
    /// The index, dashboard, owner and tag pages.
    SitePages,
    /// Every page: what all of them show changed.
    Everything,
}

/// A search index to rebuild from a snapshot of the pages; runs on its own
/// thread while the next change is already being served.
pub struct SearchJob {
    pages: Vec<Arc<Page>>,
    groups: Groups,
    language: String,
    shard_pages: usize,
    dest: PathBuf,
    /// The shards to index again; `None` for all of them.
    shards: Option<BTreeSet<usize>>,
}

impl SearchJob {
    /// Takes a newer snapshot, keeping the shards both jobs needed.
    pub fn merge(&mut self, newer: SearchJob) {
        let shards = match (self.shards.take(), newer.shards.clone()) {
            (Some(mut old), Some(new)) => {
                old.extend(new);
                Some(old)
            }
            _ => None,
        };
        *self = SearchJob { shards, ..newer };
    }

    pub fn run(self) -> Result<Duration, String> {
        let started = Instant::now();
        let out = Output::create(&self.dest)
            .map_err(|e| format!("cannot create `{}`: {e}", self.dest.display()))?;
        let records: Vec<search::Record> =
            self.pages.iter().map(|p| record(p, &self.groups)).collect();
        let write = |rel: &str, bytes: &[u8]| write(&out, rel, bytes);
        let shards: Vec<usize> = match self.shards {
            Some(some) => some.into_iter().collect(),
            None => (0..search::shard_count(records.len(), self.shard_pages)).collect(),
        };
        search::build_shards(&records, &self.language, self.shard_pages, &shards, &write)?;
        Ok(started.elapsed())
    }
}

/// A runbook rendered on the lint's parse: its name, path and page.
type Rendered = (String, PathBuf, Option<Page>);

impl Live {
    /// A full build, kept in memory. Nothing is written unless the templates
    /// render, so a broken template leaves the last good site in place.
    /// Returns the findings of every runbook too.
    pub fn load(
        settings: Settings,
        today: Date,
        dest: &Path,
    ) -> Result<(Live, Vec<Diagnostic>), String> {
        super::output::check_destination(dest, &settings.src)?;
        let templates = Templates::load(
            &settings.root.join(&settings.config.build.templates),
            &settings.boundary,
        )?;
        let out =
            Output::create(dest).map_err(|e| format!("cannot create `{}`: {e}", dest.display()))?;
        let walk = workspace::walk(&settings);
        let page_map = output_paths(&walk.markdown);
        let folders = render::folders_of(&page_map);
        // Empty until the pages are read; `refresh_site` fills them in.
        let groups = Groups::new(std::iter::empty(), std::iter::empty());
        let mut live = Live {
            site: SiteContext::new(&settings, today, &[], &groups),
            groups,
            anchors: HashMap::new(),
            dirty_shards: None,
            settings,
            today,
            out,
            templates,
            walk,
            page_map,
            folders,
            pages: HashMap::new(),
        };
        let (outcome, pages) = live.lint_and_render(&Selection::All, &|_| None);
        let all: Vec<String> = live.walk.markdown.iter().map(|s| s.rel.clone()).collect();
        live.keep(&all, pages, &outcome.diagnostics);
        live.refresh_site();
        live.probe()?;
        live.write_everything()?;
        for (name, bytes) in &live.templates.assets {
            write(&live.out, &format!("assets/{name}"), bytes)?;
        }
        // What an earlier build or server wrote and this one did not (the
        // page of a runbook deleted meanwhile) goes, as after `runbook
        // build`. The search index is the indexer's to write, later.
        live.out
            .prune_except(&|rel| rel.starts_with("pagefind/"))
            .map_err(|e| {
                format!(
                    "cannot update `{}`: {e}",
                    dest.join(super::output::MANIFEST).display()
                )
            })?;
        let counted = outcome.diagnostics.into_iter().filter(|d| d.is_counted());
        Ok((live, counted.collect()))
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn runbooks(&self) -> usize {
        self.pages.len()
    }

    /// The search index of the pages as they are now: the shards of the
    /// pages saved since the last job, or all when runbooks came or went
    /// (every later page moves to another shard).
    pub fn search_job(&mut self) -> SearchJob {
        let shards = self.dirty_shards.replace(BTreeSet::new());
        SearchJob {
            shards,
            pages: self
                .walk
                .markdown
                .iter()
                .filter_map(|s| self.pages.get(&s.rel).cloned())
                .collect(),
            groups: self.groups.clone(),
            language: self.settings.config.build.language.clone(),
            shard_pages: self.settings.config.build.search_shard_pages,
            dest: self.out.root().to_path_buf(),
        }
    }

    /// Whether `path` is one of the site's templates or assets.
    pub fn is_template(&self, path: &Path) -> bool {
        let dir = self
            .settings
            .root
            .join(&self.settings.config.build.templates);
        crate::watch::within(path, &dir)
    }

    /// Brings the site up to date with changed files of the source folder
    /// (paths as the watcher reports them); writes the runbook pages that
    /// changed and says what else must follow.
    pub fn update(&mut self, changed: &[PathBuf]) -> Result<Update, String> {
        let rels: BTreeSet<String> = changed
            .iter()
            .filter_map(|p| inside(p, &self.settings.src))
            .collect();
        // A save of a runbook already known needs no walk; anything else
        // (a new, removed or renamed file or folder) does, and so does a
        // runbook that is now a symlink: only the walk decides whether one
        // may be read, and one replaced by a link out of the repository
        // must not be.
        let saved_only = rels.iter().all(|rel| {
            self.pages.contains_key(rel)
                && std::fs::symlink_metadata(self.settings.src.join(rel))
                    .is_ok_and(|m| m.file_type().is_file())
        });
        let mut names: HashSet<String> = HashSet::new();
        let mut follow_up = FollowUp::Nothing;
        let mut problems = Vec::new();
        let mut read: BTreeSet<String> = rels
            .iter()
            .filter(|rel| self.page_map.contains_key(*rel))
            .cloned()
            .collect();
        if !saved_only {
            self.dirty_shards = None;
            names.extend(rels.iter().map(|r| file_name(r)));
            let walk = workspace::walk(&self.settings);
            // What the walk could not read among the changed paths (a
            // symlink loop or one out of the repository) has no page to
            // read again, only a finding, as `runbook lint` shows it.
            problems = walk
                .problems
                .iter()
                .filter(|d| {
                    inside(&d.path, &self.settings.src).is_some_and(|at| {
                        rels.iter()
                            .any(|rel| is_below(&at, rel) || is_below(rel, &at))
                    })
                })
                .filter(|d| d.is_counted())
                .cloned()
                .collect();
            let page_map = output_paths(&walk.markdown);
            let moved = self
                .page_map
                .iter()
                .any(|(rel, out)| page_map.get(rel).is_some_and(|now| now != out));
            if moved {
                follow_up = FollowUp::Everything;
            }
            for (rel, out) in &self.page_map {
                if !page_map.contains_key(rel) {
                    self.pages.remove(rel);
                    names.insert(file_name(rel));
                    self.out.discard(out);
                }
            }
            for rel in page_map.keys().filter(|r| !self.page_map.contains_key(*r)) {
                names.insert(file_name(rel));
                read.insert(rel.clone());
            }
            // A folder link leads elsewhere once its folder gains its first
            // runbook or README, or loses its last.
            let folders = render::folders_of(&page_map);
            let readmes = rels.iter().filter(|r| {
                let name = file_name(r);
                crate::workspace::FOLDER_PAGES.contains(&name.as_str())
            });
            for folder in folders
                .symmetric_difference(&self.folders)
                .cloned()
                .chain(readmes.map(|r| r.rsplit_once('/').map_or("", |(d, _)| d).to_string()))
            {
                names.insert(file_name(&folder));
                names.insert(String::new());
            }
            self.walk = walk;
            self.page_map = page_map;
            self.folders = folders;
        }
        read.extend(self.linking_to(&names));
        read.extend(
            self.pages
                .iter()
                .filter(|(_, page)| page.includes.iter().any(|i| rels.contains(i)))
                .map(|(rel, _)| rel.clone()),
        );
        let before: HashMap<String, Arc<Page>> = read
            .iter()
            .filter_map(|r| Some((r.clone(), self.pages.get(r)?.clone())))
            .collect();
        let mut diagnostics = self.read_linted(&read);
        let unread = problems
            .iter()
            .filter(|d| !diagnostics.iter().any(|r| r.path == d.path))
            .count();
        diagnostics.extend(problems);

        // Pages whose anchors changed break or mend fragment links elsewhere;
        // a new title shows in the `related:` lists of the pages linking there.
        let renamed: HashSet<String> = read
            .iter()
            .filter(|r| {
                let old = before.get(*r).map(|p| (&p.anchors, &p.summary.title));
                let new = self.pages.get(*r).map(|p| (&p.anchors, &p.summary.title));
                old.is_some() && old != new
            })
            .map(|r| file_name(r))
            .collect();
        let more: BTreeSet<String> = self
            .linking_to(&renamed)
            .into_iter()
            .filter(|r| !read.contains(r))
            .collect();
        diagnostics.extend(self.read_linted(&more));
        read.extend(more);

        let summary_changed = read.iter().any(|r| {
            let old = before.get(r).map(|p| linked_summary(p, &self.groups));
            let new = self.pages.get(r).map(|p| linked_summary(p, &self.groups));
            serde_json::to_string(&old).ok() != serde_json::to_string(&new).ok()
        });
        // The home page shows the introduction's body too.
        let intro_changed = INTRO.iter().any(|rel| read.contains(*rel));
        if (summary_changed || intro_changed) && follow_up == FollowUp::Nothing {
            follow_up = FollowUp::SitePages;
        }
        // What every page shows of the site derives from the summaries: when
        // none changed and no runbook came or went, there is nothing to redo.
        if (summary_changed || !saved_only) && self.refresh_site() {
            follow_up = FollowUp::Everything;
        }
        self.mark_shards(&read);
        let mut written = Vec::new();
        for rel in &read {
            if let Some(url) = self.write_runbook(rel)? {
                written.push(url);
            }
        }
        // The files the pages just read reference, and any referenced file
        // that itself changed (an image saved again).
        self.copy_assets(self.pages.iter().filter_map(|(rel, page)| {
            let wanted = read.contains(rel) || page.assets.keys().any(|a| rels.contains(a));
            wanted.then_some(page)
        }))?;
        diagnostics.sort_by(Diagnostic::report_order);
        // A runbook turned into a symlink out of the repository is read
        // (and refused) and met by the walk: one finding.
        diagnostics.dedup_by(|a, b| a.path == b.path && a.rule == b.rule && a.message == b.message);
        Ok(Update {
            pages: written,
            diagnostics,
            files: read.len() + unread,
            follow_up,
        })
    }

    /// Writes what an update left for later.
    pub fn follow_up(&self, what: FollowUp) -> Result<(), String> {
        match what {
            FollowUp::Nothing => Ok(()),
            FollowUp::SitePages => self.write_site_pages(&self.out).map(|_| ()),
            FollowUp::Everything => self.write_everything(),
        }
    }

    /// Lints the runbooks `rels` (links resolved against the whole tree)
    /// and renders them from the same parse, with those findings. Returns
    /// the findings.
    fn read_linted(&mut self, rels: &BTreeSet<String>) -> Vec<Diagnostic> {
        if rels.is_empty() {
            return Vec::new();
        }
        let paths: Vec<PathBuf> = rels.iter().map(|r| self.settings.src.join(r)).collect();
        // Links resolve against the tree as last walked, and fragments
        // against the anchors of the pages in memory: a save reads one file.
        let known = |rel: &str| Some(self.pages.get(rel)?.anchors.clone());
        let (outcome, pages) = self.lint_and_render(&Selection::Paths(paths.clone()), &known);

        // Findings about these runbooks, among them why one was not read
        // (a symlink out of the repository has no source, only a finding).
        let wanted: HashSet<PathBuf> = self
            .walk
            .markdown
            .iter()
            .filter(|s| rels.contains(&s.rel))
            .map(|s| s.path.clone())
            .chain(paths.iter().cloned())
            .collect();
        let found: Vec<Diagnostic> = outcome
            .diagnostics
            .into_iter()
            .filter(|d| d.is_counted() && wanted.contains(&*d.path))
            .collect();
        let rels: Vec<String> = rels.iter().cloned().collect();
        self.keep(&rels, pages, &found);
        found
    }

    /// Lints the selection and renders each of its runbooks from the lint's
    /// parse of it: its name, path and page (none when it is unreadable).
    fn lint_and_render(
        &self,
        selection: &Selection,
        known: &lint::KnownAnchors,
    ) -> (lint::Outcome, Vec<Rendered>) {
        let publishable = Publishable::new(&self.settings, &self.walk.index);
        let page: &lint::Each<Rendered> = &|source, read| {
            let page = page_of(
                source,
                read,
                &self.settings,
                self.today,
                &self.page_map,
                &self.folders,
                &publishable,
            );
            (source.rel.clone(), source.path.clone(), page.ok())
        };
        lint::run_in_with(
            &self.settings,
            self.today,
            &self.walk,
            selection,
            known,
            Some(page),
        )
    }

    /// Keeps the pages of `rels` just rendered, with their findings (a
    /// lint's, sorted by path); a runbook without one, unreadable or gone,
    /// is dropped (the linter reports why).
    fn keep(&mut self, rels: &[String], rendered: Vec<Rendered>, diagnostics: &[Diagnostic]) {
        let findings = findings_by_path(diagnostics);
        let mut rendered: HashMap<String, (PathBuf, Option<Page>)> = rendered
            .into_iter()
            .map(|(rel, path, page)| (rel, (path, page)))
            .collect();
        for rel in rels {
            match rendered.remove(rel) {
                Some((path, Some(page))) => {
                    let found = findings.get(path.as_path()).copied().unwrap_or(&[]);
                    self.pages
                        .insert(rel.clone(), Arc::new(with_findings(page, found)));
                }
                // Like a full build, an unreadable runbook has no page; an
                // old one must not stay behind looking current.
                _ => {
                    // Every later page moves up a place in the search shards.
                    self.dirty_shards = None;
                    self.pages.remove(rel);
                    if let Some(out) = self.page_map.get(rel) {
                        self.out.discard(out);
                    }
                }
            }
        }
    }

    /// Recomputes what every page shows of the whole site; true when it changed.
    fn refresh_site(&mut self) -> bool {
        let pages: Vec<&Arc<Page>> = self.ordered().collect();
        let groups = Groups::new(
            pages.iter().flat_map(|p| p.owners.iter()),
            pages.iter().flat_map(|p| p.tags.iter()),
        )
        .with_titles(pages.iter().map(|p| p.summary.title.as_str()));
        let summaries: Vec<Summary> = pages.iter().map(|p| linked_summary(p, &groups)).collect();
        let anchors: HashMap<String, String> = pages::folders(&summaries)
            .into_iter()
            .map(|f| (f.path, f.anchor))
            .collect();
        let site = SiteContext::new(&self.settings, self.today, &summaries, &groups);
        // A title that starts or stops being shared changes how other
        // runbooks are listed (their `<title>`, search results), though
        // nothing links them: every page is rewritten and every shard
        // indexed again.
        let titles_changed = groups.shared_titles != self.groups.shared_titles;
        if titles_changed {
            self.dirty_shards = None;
        }
        let changed = site.base != self.site.base
            || site.search != self.site.search
            || anchors != self.anchors
            || groups.owners != self.groups.owners
            || groups.tags != self.groups.tags
            || titles_changed;
        // An owner or tag no runbook names any more has no page: an old
        // one would go on listing runbooks it no longer holds.
        let kept = group_pages(&groups);
        for gone in group_pages(&self.groups).difference(&kept) {
            self.out.discard(gone);
        }
        self.groups = groups;
        self.site = site;
        self.anchors = anchors;
        changed
    }

    /// Notes the search shards that hold these runbooks (shards are runs
    /// of pages in walk order).
    fn mark_shards(&mut self, rels: &BTreeSet<String>) {
        let Some(dirty) = self.dirty_shards.as_mut() else {
            return;
        };
        let per_shard = self.settings.config.build.search_shard_pages.max(1);
        let mut position = 0;
        for source in &self.walk.markdown {
            if !self.pages.contains_key(&source.rel) {
                continue;
            }
            if rels.contains(&source.rel) {
                dirty.insert(position / per_shard);
            }
            position += 1;
        }
    }

    fn ordered(&self) -> impl Iterator<Item = &Arc<Page>> {
        self.walk
            .markdown
            .iter()
            .filter_map(|s| self.pages.get(&s.rel))
    }

    /// The runbooks linking to any of these file names (by name only: a
    /// few pages too many are re-read, none too few).
    fn linking_to(&self, names: &HashSet<String>) -> BTreeSet<String> {
        if names.is_empty() {
            return BTreeSet::new();
        }
        self.pages
            .iter()
            .filter(|(_, p)| p.link_names.iter().any(|n| names.contains(n)))
            .map(|(rel, _)| rel.clone())
            .collect()
    }

    /// The title another runbook's related list shows for `rel`.
    fn listed_title(&self, rel: &str) -> Option<String> {
        let page = self.pages.get(rel)?;
        Some(self.groups.listed_title(&page.summary))
    }

    /// Renders one runbook and the site pages without writing anything:
    /// a template that fails to render fails here, before the site is touched.
    fn probe(&self) -> Result<(), String> {
        if let Some(page) = self.ordered().next() {
            let rel = &self.page_map[&page.summary.rel];
            let summary = linked_summary(page, &self.groups);
            render_runbook(
                &self.templates,
                &self.site,
                &self.anchors,
                rel,
                page,
                &summary,
                &|rel| self.listed_title(rel),
            )?;
        }
        let scratch =
            tempfile::tempdir().map_err(|e| format!("cannot create a scratch folder: {e}"))?;
        let out = Output::create(scratch.path())
            .map_err(|e| format!("cannot create a scratch folder: {e}"))?;
        self.write_site_pages(&out).map(|_| ())
    }

    fn write_runbook(&self, rel: &str) -> Result<Option<String>, String> {
        let (Some(page), Some(out)) = (self.pages.get(rel), self.page_map.get(rel)) else {
            return Ok(None);
        };
        let summary = linked_summary(page, &self.groups);
        let html = render_runbook(
            &self.templates,
            &self.site,
            &self.anchors,
            out,
            page,
            &summary,
            &|rel| self.listed_title(rel),
        )?;
        write(&self.out, out, html.as_bytes())?;
        Ok(Some(summary.url))
    }

    fn write_everything(&self) -> Result<(), String> {
        self.walk
            .markdown
            .par_iter()
            .map(|s| self.write_runbook(&s.rel).map(|_| ()))
            .collect::<Result<(), String>>()?;
        self.copy_assets(self.pages.values())?;
        self.write_site_pages(&self.out).map(|_| ())
    }

    /// Copies the files these pages reference (images, attachments) into
    /// the site, as `runbook build` does, and names those it leaves out.
    fn copy_assets<'p>(&self, pages: impl Iterator<Item = &'p Arc<Page>>) -> Result<(), String> {
        let pages: Vec<&Page> = pages.map(|p| &**p).collect();
        let referenced: assets::AssetMap = pages
            .iter()
            .flat_map(|p| p.assets.iter())
            .map(|(from, to)| (from.clone(), to.clone()))
            .collect();
        let pages_at: HashSet<&str> = self.page_map.values().map(String::as_str).collect();
        let allow_html = self.settings.config.build.allow_html;
        let copied = assets::copy(
            &Publishable::new(&self.settings, &self.walk.index),
            &self.out,
            &referenced,
            &|rel| pages_at.contains(rel),
            allow_html,
        )?;
        for refused in unpublished(pages, copied.refused) {
            crate::eprintln_printable!("warning: not published: {refused}");
        }
        Ok(())
    }

    fn write_site_pages(&self, out: &Output) -> Result<usize, String> {
        let summaries: Vec<Summary> = self
            .ordered()
            .map(|p| linked_summary(p, &self.groups))
            .collect();
        let build = &self.settings.config.build;
        let lists = Lists {
            folders: pages::folders(&summaries),
            summaries: &summaries,
            intro: intro(|rel| self.pages.get(rel).map(|p| &**p)),
            groups: &self.groups,
            search_shards: search::shard_count(summaries.len(), build.search_shard_pages),
        };
        site_pages(&self.site, &self.templates, out, lists)
    }
}

/// `path` as a `/`-separated path inside `dir`, when it is inside.
fn inside(path: &Path, dir: &Path) -> Option<String> {
    let canonical = std::fs::canonicalize(dir).ok();
    let absolute = std::path::absolute(dir).ok();
    let rel = [canonical, absolute, Some(dir.to_path_buf())]
        .into_iter()
        .flatten()
        .find_map(|base| path.strip_prefix(base).ok().map(Path::to_path_buf))?;
    let text = rel.to_string_lossy().replace('\\', "/");
    (!text.is_empty()).then_some(text)
}

/// Whether the `/`-separated path `rel` is `dir` or below it.
fn is_below(rel: &str, dir: &str) -> bool {
    rel.strip_prefix(dir)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

fn file_name(rel: &str) -> String {
    rel.rsplit('/').next().unwrap_or(rel).to_string()
}

/// Where the owner and tag pages of these groups are written.
fn group_pages(groups: &Groups) -> HashSet<String> {
    groups
        .owners
        .values()
        .chain(groups.tags.values())
        .map(|url| {
            percent_encoding::percent_decode_str(url)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect()
}
