//! The writing loop behind `runbook serve`: each batch of saved files is
//! rebuilt incrementally, the open pages hear of it at once, the findings
//! of what was saved print in the terminal, and the search index catches
//! up on its own thread afterwards. A broken template or `book.toml` is
//! shown (terminal and overlay) while the last good site stays served.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use jiff::civil::Date;

use super::events::{Finding, Hub, Message};
use crate::config::Settings;
use crate::diagnostic::{Diagnostic, Summary};
use crate::lint::report::{self, Format};
use crate::site::live::{FollowUp, Live, SearchJob};

/// How long the search index waits for more changes before re-indexing.
const INDEX_DEBOUNCE: Duration = Duration::from_millis(300);

/// Reads `book.toml` again; the error is what the user sees.
pub type LoadSettings = Box<dyn Fn() -> Result<Settings, String> + Send>;

pub struct Rebuilder {
    /// The last good build; `None` until one succeeds.
    live: Option<Live>,
    /// Why the last full build failed, while it stays failed.
    broken: Option<String>,
    load: LoadSettings,
    today: Date,
    dest: PathBuf,
    /// Whether `--dest` named the destination, so `dest` in book.toml does not.
    dest_given: bool,
    /// The folders of the first build: what is watched and served.
    pinned: Option<Folders>,
    hub: Arc<Hub>,
    indexer: mpsc::Sender<SearchJob>,
}

/// The folders a server is started on: the watcher and the listener are
/// set up for them, so a change in book.toml needs a restart.
#[derive(PartialEq)]
struct Folders {
    src: PathBuf,
    templates: PathBuf,
    dest: Option<PathBuf>,
}

impl Folders {
    fn of(settings: &Settings, dest_given: bool) -> Folders {
        Folders {
            src: settings.src.clone(),
            templates: settings.root.join(&settings.config.build.templates),
            dest: (!dest_given).then(|| settings.root.join(&settings.config.build.dest)),
        }
    }

    /// The setting of book.toml that differs, if any.
    fn changed_from(&self, first: &Folders) -> Option<&'static str> {
        if self.src != first.src {
            Some("`src` under [book]")
        } else if self.templates != first.templates {
            Some("`templates` under [build]")
        } else if self.dest != first.dest {
            Some("`dest` under [build]")
        } else {
            None
        }
    }
}

impl Rebuilder {
    /// Builds the whole site once; a failure is shown, not fatal.
    pub fn start(
        load: LoadSettings,
        today: Date,
        dest: &Path,
        dest_given: bool,
        hub: Arc<Hub>,
    ) -> Rebuilder {
        let (indexer, jobs) = mpsc::channel();
        std::thread::spawn(move || index_loop(&jobs));
        let mut rebuilder = Rebuilder {
            live: None,
            broken: None,
            load,
            today,
            dest: dest.to_path_buf(),
            dest_given,
            pinned: None,
            hub,
            indexer,
        };
        rebuilder.full();
        rebuilder
    }

    /// Rebuilds for one batch of changed paths. The site's own writes are
    /// not changes: the output folder may sit inside the source folder.
    pub fn changed(&mut self, paths: &BTreeSet<PathBuf>) {
        let dest = std::fs::canonicalize(&self.dest).unwrap_or_else(|_| self.dest.clone());
        let paths: BTreeSet<PathBuf> = paths
            .iter()
            .filter(|p| !p.starts_with(&dest) && !p.starts_with(&self.dest))
            .cloned()
            .collect();
        if paths.is_empty() {
            return;
        }
        let names: Vec<String> = paths
            .iter()
            .map(|p| report::display_path(&crate::watch::relative_to(p, Path::new("."))))
            .collect();
        crate::eprintln_printable!("--- changed: {} ---", names.join(", "));
        let full = match &self.live {
            None => true,
            Some(live) => {
                self.broken.is_some()
                    || paths
                        .iter()
                        .any(|p| crate::watch::is_config(p, live.settings()) || live.is_template(p))
            }
        };
        if full {
            self.full();
        } else {
            self.update(&paths);
        }
    }

    fn full(&mut self) {
        let started = Instant::now();
        let built = (self.load)()
            .and_then(|s| self.check_folders(&s).map(|()| s))
            .and_then(|s| Live::load(s, self.today, &self.dest));
        match built {
            Ok((mut live, diagnostics)) => {
                crate::eprintln_printable!(
                    "built {} in {:.0?}; {} (`runbook lint` lists them)",
                    report::plural(live.runbooks(), "runbook"),
                    started.elapsed(),
                    report::plural(diagnostics.len(), "lint finding")
                );
                self.broken = None;
                self.hub.publish(Message {
                    scope: "all",
                    ..Message::default()
                });
                let _ = self.indexer.send(live.search_job());
                self.live = Some(live);
            }
            Err(e) => self.fail(e),
        }
    }

    fn update(&mut self, paths: &BTreeSet<PathBuf>) {
        let Some(live) = self.live.as_mut() else {
            return;
        };
        let started = Instant::now();
        let changed: Vec<PathBuf> = paths.iter().cloned().collect();
        let update = match live.update(&changed) {
            Ok(update) => update,
            Err(e) => return self.fail(e),
        };
        if update.files == 0
            && update.diagnostics.is_empty()
            && update.follow_up == FollowUp::Nothing
        {
            return;
        }
        let findings: Vec<Finding> = update.diagnostics.iter().map(Finding::from).collect();
        self.hub.publish(Message {
            scope: "pages",
            pages: update.pages.clone(),
            findings: findings.clone(),
            ..Message::default()
        });
        let reloaded = started.elapsed();
        print_findings(&update.diagnostics, update.files);
        let scope = match update.follow_up {
            FollowUp::Nothing => None,
            FollowUp::SitePages => Some("site"),
            FollowUp::Everything => Some("all"),
        };
        if let Some(scope) = scope {
            if let Err(e) = live.follow_up(update.follow_up) {
                return self.fail(e);
            }
            self.hub.publish(Message {
                scope,
                findings,
                ..Message::default()
            });
        }
        crate::eprintln_printable!(
            "rebuilt {} page{} in {reloaded:.0?}{}",
            update.pages.len(),
            if update.pages.len() == 1 { "" } else { "s" },
            match scope {
                Some("site") => format!(", site pages by {:.0?}", started.elapsed()),
                Some(_) => format!(", every page by {:.0?}", started.elapsed()),
                None => String::new(),
            }
        );
        let _ = self.indexer.send(live.search_job());
    }

    /// Refuses settings that move the source, templates or destination:
    /// the new folders are not watched, and the old site would stay served.
    fn check_folders(&mut self, settings: &Settings) -> Result<(), String> {
        let now = Folders::of(settings, self.dest_given);
        let Some(first) = &self.pinned else {
            self.pinned = Some(now);
            return Ok(());
        };
        match now.changed_from(first) {
            None => Ok(()),
            Some(setting) => Err(format!(
                "{setting} changed in book.toml: this server still watches and serves \
                 the old folders; stop it (Ctrl-C) and run `runbook serve` again"
            )),
        }
    }

    /// Shows a failed build; the last good site stays as it is.
    fn fail(&mut self, error: String) {
        let still = if self.live.is_some() {
            "still serving the last good build"
        } else {
            "nothing built since the server started; the browser shows this error"
        };
        crate::eprintln_printable!("error: {error}\n({still}; fix it and save again)");
        self.broken = Some(error.clone());
        self.hub.publish(Message {
            scope: "none",
            error: Some(error),
            ..Message::default()
        });
    }
}

/// Re-indexes after changes settle; a newer snapshot replaces a waiting one.
fn index_loop(jobs: &mpsc::Receiver<SearchJob>) {
    while let Ok(mut job) = jobs.recv() {
        loop {
            match jobs.recv_timeout(INDEX_DEBOUNCE) {
                Ok(newer) => job.merge(newer),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        match job.run() {
            Ok(took) => crate::eprintln_printable!("search index updated in {took:.0?}"),
            Err(e) => crate::eprintln_printable!("error: {e}"),
        }
    }
}

/// The findings of the files just rebuilt, like `runbook lint` prints them.
fn print_findings(diagnostics: &[Diagnostic], files: usize) {
    let summary = Summary::new(files, diagnostics);
    let out = anstream::stdout();
    let report = report::Report {
        diagnostics,
        summary,
        show_suppressed: false,
        colour: out.current_choice() != anstream::ColorChoice::Never,
        repository: None,
        team_rules: &[],
    };
    let mut buffer = Vec::new();
    if report::write(Format::Human, &report, &mut buffer).is_ok() {
        let mut out = out.lock();
        let _ = out.write_all(&buffer).and_then(|()| out.flush());
    }
}
