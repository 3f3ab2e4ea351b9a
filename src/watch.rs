//! Watching the files a build or a lint depends on: the source folder,
//! `book.toml`, `templates/` and `lints/`. Events are debounced, so an
//! editor that saves by writing a temporary file and renaming it over the
//! original yields one batch, not five.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

/// How long a burst of events is gathered before it is handed over.
pub const DEBOUNCE: Duration = Duration::from_millis(50);

pub struct Watcher {
    debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
    events: Receiver<DebounceEventResult>,
    /// Paths asked for that did not exist yet (a `templates/` or `lints/`
    /// created while serving): watched from when they appear.
    missing: Vec<PathBuf>,
    /// The paths asked for. A file's folder is watched, as is a missing
    /// path's parent, and a change there to anything else (a log that
    /// `serve > serve.log` writes beside `book.toml`) is none of the
    /// build's business.
    wanted: Vec<PathBuf>,
    /// The folders watched (resolved), and whether with their subfolders.
    watching: Vec<(PathBuf, bool)>,
}

impl Watcher {
    /// Watches each folder with its subfolders, and a file through its
    /// folder: a watch on the file itself follows its inode, which an
    /// editor's save (a new file renamed over it) leaves behind. For a path
    /// that does not exist, its nearest existing parent is watched alone,
    /// so its creation is seen and it is watched from then on.
    pub fn new(paths: &[PathBuf]) -> Result<Watcher, String> {
        let (sender, events) = channel();
        let debouncer =
            new_debouncer(DEBOUNCE, None, sender).map_err(|e| format!("cannot watch: {e}"))?;
        let mut watcher = Watcher {
            debouncer,
            events,
            missing: Vec::new(),
            wanted: paths.to_vec(),
            watching: Vec::new(),
        };
        let mut folders: Vec<(PathBuf, bool)> = Vec::new();
        for path in paths {
            if path.is_dir() {
                folders.push((path.clone(), true));
            } else if path.exists() {
                folders.push((parent_of(path), false));
            } else {
                watcher.missing.push(path.clone());
                if let Some(parent) = path.ancestors().skip(1).find(|p| p.is_dir()) {
                    folders.push((parent_of_nonempty(parent), false));
                }
            }
        }
        // Folders with their subfolders first: watching one of them again
        // alone would stop new subfolders being watched.
        folders.sort_by_key(|(_, recursive)| !recursive);
        for (folder, recursive) in folders {
            watcher.add(&folder, recursive)?;
        }
        Ok(watcher)
    }

    fn watch(&mut self, path: &Path) -> Result<(), String> {
        if path.is_dir() {
            self.add(path, true)
        } else {
            self.add(&parent_of(path), false)
        }
    }

    /// Watches a folder, unless a watch already covers it.
    fn add(&mut self, folder: &Path, recursive: bool) -> Result<(), String> {
        // Compared resolved: `.` and the book's absolute path are one folder.
        let real = std::fs::canonicalize(folder).unwrap_or_else(|_| folder.to_path_buf());
        let covered = self.watching.iter().any(|(watched, with_subfolders)| {
            (*watched == real && (*with_subfolders || !recursive))
                || (*with_subfolders && real.starts_with(watched))
        });
        if covered {
            return Ok(());
        }
        let mode = if recursive {
            RecursiveMode::Recursive
        } else {
            RecursiveMode::NonRecursive
        };
        self.debouncer
            .watch(folder, mode)
            .map_err(|e| format!("cannot watch {}: {e}", folder.display()))?;
        self.watching.push((real, recursive));
        Ok(())
    }

    /// Blocks until something changes; returns the changed paths, sorted
    /// and without duplicates. `None` when the watcher has stopped.
    pub fn next_batch(&mut self) -> Option<BTreeSet<PathBuf>> {
        loop {
            match self.events.recv().ok()? {
                Ok(events) => {
                    let mut paths: BTreeSet<PathBuf> = events
                        .into_iter()
                        .filter(|e| is_change(&e.event.kind))
                        .flat_map(|e| e.event.paths)
                        .filter(|p| self.wanted.iter().any(|w| within(p, w)))
                        .collect();
                    paths.extend(self.watch_appeared());
                    if !paths.is_empty() {
                        return Some(paths);
                    }
                }
                Err(errors) => {
                    for error in errors {
                        crate::eprintln_printable!("warning: watching: {error}");
                    }
                }
            }
        }
    }

    /// Starts watching the missing paths that now exist; returns them, as
    /// changed (files may have been written into a new folder before its
    /// watch began).
    fn watch_appeared(&mut self) -> Vec<PathBuf> {
        let (appeared, missing) = std::mem::take(&mut self.missing)
            .into_iter()
            .partition(|p: &PathBuf| p.exists());
        self.missing = missing;
        for path in &appeared {
            if let Err(e) = self.watch(path) {
                crate::eprintln_printable!("warning: {e}");
            }
        }
        appeared
    }
}

/// The folder holding `path` (`.` for a bare file name).
fn parent_of(path: &Path) -> PathBuf {
    parent_of_nonempty(path.parent().unwrap_or(Path::new(".")))
}

fn parent_of_nonempty(folder: &Path) -> PathBuf {
    if folder.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        folder.to_path_buf()
    }
}

/// Whether an event can mean new content. Opening or reading a file is
/// not a change; without this, the rebuild's own reads (inotify reports
/// every open) would trigger the next rebuild, forever. A file closed after
/// writing is a change: some editors write in place.
fn is_change(kind: &notify::EventKind) -> bool {
    use notify::event::{AccessKind, AccessMode, EventKind};
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// The path as the rest of the program spells it: relative to `base` when
/// it is inside it (events come with absolute paths).
pub fn relative_to(path: &Path, base: &Path) -> PathBuf {
    let base = std::fs::canonicalize(base).unwrap_or_else(|_| base.to_path_buf());
    match path.strip_prefix(&base) {
        Ok(rel) => PathBuf::from(".").join(rel),
        Err(_) => path.to_path_buf(),
    }
}

/// What a lint or a build depends on.
pub fn watched_paths(settings: &crate::config::Settings) -> Vec<PathBuf> {
    let mut paths = vec![
        settings.src.clone(),
        settings.root.join("lints"),
        settings.root.join("templates"),
    ];
    paths.extend(settings.file.clone());
    paths
}

/// Whether a change means the configuration must be read again.
pub fn is_config(path: &Path, settings: &crate::config::Settings) -> bool {
    let root = std::fs::canonicalize(&settings.root).unwrap_or_else(|_| settings.root.clone());
    path.file_name()
        .is_some_and(|n| n == crate::config::FILE_NAME)
        || within(path, &root.join("lints"))
}

/// Whether `path` is `dir` or below it, however either is spelled
/// (relative, absolute, through a symlink).
pub fn within(path: &Path, dir: &Path) -> bool {
    [
        std::fs::canonicalize(dir).ok(),
        std::path::absolute(dir).ok(),
        Some(dir.to_path_buf()),
    ]
    .into_iter()
    .flatten()
    .any(|base| path.starts_with(base))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// With `templates/` missing, the book's folder is watched for its
    /// creation; a file written there is not a change, a runbook is.
    #[test]
    fn a_file_beside_the_watched_paths_is_not_a_change() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir(root.join("content")).unwrap();
        let mut watcher = Watcher::new(&[root.join("content"), root.join("templates")]).unwrap();
        std::fs::write(root.join("serve.log"), "changed: serve.log\n").unwrap();
        std::thread::sleep(DEBOUNCE * 4);
        std::fs::write(root.join("content/a.md"), "# A\n").unwrap();
        let batch = watcher.next_batch().unwrap();
        assert!(
            batch.iter().all(|p| p.starts_with(root.join("content"))),
            "{batch:?}"
        );
        std::fs::create_dir(root.join("templates")).unwrap();
        let batch = watcher.next_batch().unwrap();
        assert!(batch.contains(&root.join("templates")), "{batch:?}");
    }
}
