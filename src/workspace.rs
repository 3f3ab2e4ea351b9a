//! The tree of runbooks: one walk that finds every Markdown file and indexes
//! every path, so link checks never touch the file system again.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::borrow::Cow;
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

use crate::config::Settings;
use crate::diagnostic::{Diagnostic, Pos, Severity, Span};
use crate::document::Document;
use crate::document::include::{self, MAX_INCLUDED_BYTES, MAX_INCLUDED_FILES, Problem};
use crate::files::{self, Boundary, ReadError};
use crate::ignored::Ignored;
use crate::lint::rules;

/// A Markdown file to read.
#[derive(Clone, Debug)]
pub struct Source {
    /// The path to open and to show.
    pub path: PathBuf,
    /// The path inside the source folder, `/`-separated.
    pub rel: String,
}

/// Every file and folder below the source folder, for link resolution.
/// Hashed with FxHash: every link of every runbook is looked up here.
#[derive(Debug, Default)]
pub struct FileIndex {
    pub root: PathBuf,
    files: HashSet<String>,
    dirs: HashSet<String>,
    by_lowercase: HashMap<String, String>,
    /// Folder to the names in it, and file name to every path that has it:
    /// where "did you mean" looks.
    children: HashMap<String, Vec<String>>,
    by_name: HashMap<String, Vec<String>>,
    /// `by_name` with names in lower case, built the first time a wiki
    /// link asks (most trees have none).
    by_lowercase_name: OnceLock<HashMap<String, Vec<String>>>,
}

/// The pages that stand for their folder, first found first.
pub const FOLDER_PAGES: [&str; 3] = ["README.md", "readme.md", "index.md"];

pub enum Lookup<'a> {
    File,
    Dir,
    /// Exists only with other letter case.
    OtherCase(&'a str),
    Missing,
}

impl FileIndex {
    pub fn lookup(&self, rel: &str) -> Lookup<'_> {
        if rel.is_empty() || self.dirs.contains(rel) {
            Lookup::Dir
        } else if self.files.contains(rel) {
            Lookup::File
        } else if let Some(actual) = self.by_lowercase.get(&rel.to_lowercase()) {
            Lookup::OtherCase(actual)
        } else {
            self.lookup_hidden(rel)
        }
    }

    /// The walk skips hidden entries, yet `.github/workflows/deploy.yml`
    /// and `.env.example` are linked to and served: asked of the file system
    /// only when a link names one, so the walk stays as fast. Git's own
    /// folder is nothing a runbook links into.
    fn lookup_hidden(&self, rel: &str) -> Lookup<'_> {
        let mut parts = rel.split('/');
        let hidden = parts.clone().any(|p| p.starts_with('.'));
        if !hidden || parts.any(|p| p == ".git") {
            return Lookup::Missing;
        }
        match std::fs::metadata(self.root.join(rel)) {
            Ok(meta) if meta.is_dir() => Lookup::Dir,
            Ok(_) => Lookup::File,
            Err(_) => Lookup::Missing,
        }
    }

    /// The Markdown page shown for a folder (`""` is the source folder),
    /// by its path: its README, as GitHub shows below the folder's files,
    /// else its `index.md`; the site's link to the folder leads there too.
    pub fn folder_page(&self, dir: &str) -> Option<String> {
        FOLDER_PAGES.iter().find_map(|name| {
            let rel = match dir.trim_end_matches('/') {
                "" => name.to_string(),
                dir => format!("{dir}/{name}"),
            };
            self.files.contains(&rel).then_some(rel)
        })
    }

    pub fn files(&self) -> impl Iterator<Item = &str> {
        self.files.iter().map(String::as_str)
    }

    /// Names in a folder (`""` is the source folder itself).
    pub fn children(&self, dir: &str) -> &[String] {
        self.children.get(dir).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Every path whose last component is `name`.
    pub fn named(&self, name: &str) -> &[String] {
        self.by_name.get(name).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Every path whose last component is `name` in any letter case.
    pub fn named_ignoring_case(&self, name: &str) -> &[String] {
        self.by_lowercase_name
            .get_or_init(|| {
                let mut index: HashMap<String, Vec<String>> = HashMap::default();
                for (name, paths) in &self.by_name {
                    index
                        .entry(name.to_lowercase())
                        .or_default()
                        .extend(paths.iter().cloned());
                }
                index
            })
            .get(&name.to_lowercase())
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    fn insert(&mut self, rel: String, is_dir: bool) {
        self.by_lowercase
            .entry(rel.to_lowercase())
            .or_insert_with(|| rel.clone());
        let (dir, name) = rel.rsplit_once('/').unwrap_or(("", &rel));
        // A folder's key is made once, not for each name in it.
        match self.children.get_mut(dir) {
            Some(names) => names.push(name.to_string()),
            None => {
                self.children
                    .insert(dir.to_string(), vec![name.to_string()]);
            }
        }
        self.by_name
            .entry(name.to_string())
            .or_default()
            .push(rel.clone());
        if is_dir {
            self.dirs.insert(rel);
        } else {
            self.files.insert(rel);
        }
    }
}

pub struct Walk {
    pub index: FileIndex,
    /// Runbooks to read, in path order.
    pub markdown: Vec<Source>,
    /// Symlink loops and unreadable folders met on the way.
    pub problems: Vec<Diagnostic>,
}

pub fn is_markdown(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|name| is_markdown_name(name.as_encoded_bytes()))
}

/// [`is_markdown`] of a file name. The extension is what follows the last
/// dot, as `Path::extension` reads it: `.md` alone is a hidden file's name.
fn is_markdown_name(name: &[u8]) -> bool {
    match name.iter().rposition(|&b| b == b'.') {
        Some(dot) if dot > 0 => {
            let extension = &name[dot + 1..];
            extension.eq_ignore_ascii_case(b"md") || extension.eq_ignore_ascii_case(b"markdown")
        }
        _ => false,
    }
}

/// The last name of a path the walk made (its folder's path, `/`, the
/// name), without taking the path apart as `Path::file_name` does.
fn walked_name(path: &Path) -> &[u8] {
    let bytes = path.as_os_str().as_encoded_bytes();
    match bytes
        .iter()
        .rposition(|&b| std::path::is_separator(b as char))
    {
        Some(slash) => &bytes[slash + 1..],
        None => bytes,
    }
}

/// A named file that is not Markdown: a script or query kept beside the
/// runbooks, which stands for the runbooks that `{{#include}}` it.
pub fn is_script(path: &Path) -> bool {
    path.is_file() && !is_markdown(path)
}

/// Walks the source folder, following symlinks but never around a loop.
pub fn walk(settings: &Settings) -> Walk {
    let root = &settings.src;
    let mut walk = Walk {
        index: FileIndex {
            root: root.clone(),
            ..FileIndex::default()
        },
        markdown: Vec::new(),
        problems: Vec::new(),
    };
    let mut entries = walkdir::WalkDir::new(root)
        .follow_links(true)
        // Siblings share their folder's path up to the name, so comparing
        // whole paths as bytes orders them by name, without taking each
        // path apart again at every comparison as `sort_by_file_name` does.
        .sort_by(|a, b| a.path().as_os_str().cmp(b.path().as_os_str()))
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !walked_name(e.path()).starts_with(b"."));
    let mut ignored = Ignored::new(root, settings.config.lint.respect_gitignore);
    // The depth of the symlinked folder the walk is below, if any: a
    // runbook there, or one reached by a file symlink, is read where it
    // really is (see [`resolved`]).
    let mut linked_at: Option<usize> = None;
    let mut resolved_any = false;
    let real_root = std::fs::canonicalize(root).ok();
    while let Some(entry) = entries.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                walk.problems.extend(walk_problem(&error, settings));
                continue;
            }
        };
        let Some(rel) = relative(root, entry.path()) else {
            continue;
        };
        if rel.is_empty() {
            continue;
        }
        let is_dir = entry.file_type().is_dir();
        if linked_at.is_some_and(|depth| entry.depth() <= depth) {
            linked_at = None;
        }
        if is_dir && linked_at.is_none() && entry.path_is_symlink() {
            linked_at = Some(entry.depth());
        }
        if let Some(ignored) = &mut ignored
            && ignored.skips(&rel, entry.depth(), is_dir)
        {
            if is_dir {
                entries.skip_current_dir();
            }
            continue;
        }
        let name = walked_name(entry.path());
        let wanted = is_dir || is_markdown_name(name);
        if std::str::from_utf8(name).is_err() {
            // Its name would be shown, linked and written with U+FFFD for
            // the bytes that are not UTF-8, so two such names could be one.
            if is_dir {
                entries.skip_current_dir();
            }
            if wanted {
                walk.problems.push(name_not_utf8(entry.into_path()));
            }
            continue;
        }
        walk.index.insert(rel.clone(), is_dir);
        // Other files are only indexed: no symlink of theirs is resolved.
        if !wanted {
            continue;
        }
        if let Some(real) = escape(&entry, &settings.boundary) {
            if is_dir {
                entries.skip_current_dir();
            }
            if !settings.excluded(&rel) {
                walk.problems
                    .push(not_read(entry.into_path(), ReadError::Outside(real)));
            }
            continue;
        }
        if is_dir {
            continue;
        }
        let source = match (linked_at.is_some() || entry.path_is_symlink())
            .then(|| resolved(root, real_root.as_deref()?, entry.path()))
            .flatten()
        {
            Some(source) => {
                resolved_any = true;
                source
            }
            None => Source {
                path: entry.into_path(),
                rel,
            },
        };
        if !settings.excluded(&source.rel) {
            walk.markdown.push(source);
        }
    }
    if resolved_any {
        // In the walk's order (see `sort_by` above).
        walk.markdown
            .sort_by(|a, b| a.path.as_os_str().cmp(b.path.as_os_str()));
        walk.markdown.dedup_by(|a, b| a.rel == b.rel);
    }
    walk
}

/// A runbook reached through a symlink, as the file it really is in the
/// source folder: read and reported once, at the path code scanning and a
/// pull request's diff show it by (they show nothing at a symlinked path).
/// Its other paths stay in the index, so links through them resolve.
/// `None` when it really is outside the source folder: it is then read at
/// the path the walk found.
fn resolved(root: &Path, real_root: &Path, path: &Path) -> Option<Source> {
    let real = std::fs::canonicalize(path).ok()?;
    let rel = relative(real_root, &real)?;
    Some(Source {
        path: root.join(&rel),
        rel,
    })
}

/// What to report about an entry the walk could not read, if anything.
fn walk_problem(error: &walkdir::Error, settings: &Settings) -> Option<Diagnostic> {
    let path = error.path().map(Path::to_path_buf).unwrap_or_default();
    if let Some(ancestor) = error.loop_ancestor() {
        return Some(file_diagnostic(
            rules::symlink_loop::ID,
            Severity::Warning,
            path,
            format!(
                "symlink loop: this link points back to `{}`; not followed",
                ancestor.display()
            ),
            "remove the link, or point it at a folder outside its own ancestors",
        ));
    }
    let not_found = error
        .io_error()
        .is_some_and(|e| e.kind() == std::io::ErrorKind::NotFound);
    if not_found && error.depth() == 0 {
        // `runbook lint .` with `src` pointing nowhere: say which setting,
        // not "cannot read".
        return Some(file_diagnostic(
            rules::io_error::ID,
            Severity::Error,
            path,
            "the source folder does not exist".to_string(),
            "create it, or set `src` under [book] in book.toml to the folder that holds the runbooks",
        ));
    }
    let looped = error.io_error().is_some_and(is_link_loop);
    if looped || (not_found && path.is_symlink()) {
        // A link that leads nowhere, or round to itself (`a.md` -> `b.md`
        // -> `a.md`), is a runbook that cannot be read only when it is
        // named like one: any other (an editor's lock file, a browser
        // profile's cookie) is none of the linter's business, and a link
        // to it is reported as broken anyway.
        let rel = relative(&settings.src, &path).unwrap_or_default();
        if !is_markdown(&path) || settings.excluded(&rel) {
            return None;
        }
        let target = std::fs::read_link(&path).unwrap_or_default();
        let (message, help) = if looped {
            (
                format!(
                    "cannot read: a symlink loop (this link leads to `{}`, which leads back to it)",
                    target.display()
                ),
                "remove one of the links, or point it at a real file",
            )
        } else {
            (
                format!(
                    "broken symlink: it points to `{}`, which does not exist",
                    target.display()
                ),
                "restore the file it points to, or remove the link",
            )
        };
        return Some(file_diagnostic(
            rules::io_error::ID,
            Severity::Error,
            path,
            message,
            help,
        ));
    }
    let (cause, help) = match error.io_error() {
        Some(e) => (e.to_string(), io_help(e)),
        None => (error.to_string(), io_help(&std::io::Error::other(""))),
    };
    Some(file_diagnostic(
        rules::io_error::ID,
        Severity::Error,
        path,
        format!("cannot read: {cause}"),
        help,
    ))
}

/// What to do about a path the system would not read, by why it would not.
fn io_help(error: &std::io::Error) -> &'static str {
    use std::io::ErrorKind;
    match error.kind() {
        ErrorKind::PermissionDenied => {
            "check the permissions of this path (`ls -l`), or exclude it in book.toml ([lint] exclude)"
        }
        ErrorKind::InvalidFilename => {
            "the path is longer than the system allows: shorten the folder or file names, \
             or exclude it in book.toml ([lint] exclude)"
        }
        ErrorKind::NotFound => "the file went away while it was read: lint again",
        _ => "check that this path can be read, or exclude it in book.toml ([lint] exclude)",
    }
}

/// Where a symlink the walk met really leads, when that is out of bounds
/// (only links are resolved: a path below a followed link was checked there).
fn escape(entry: &walkdir::DirEntry, boundary: &Boundary) -> Option<PathBuf> {
    if entry.path_is_symlink() {
        boundary.escape(entry.path())
    } else {
        None
    }
}

fn name_not_utf8(path: PathBuf) -> Diagnostic {
    file_diagnostic(
        rules::invalid_utf8::ID,
        Severity::Error,
        path,
        "the name is not valid UTF-8; not read".to_string(),
        "rename it in UTF-8: links, the site and the reports name files in UTF-8",
    )
}

/// The finding for a runbook (or folder) that was not read, and why.
fn not_read(path: PathBuf, error: ReadError) -> Diagnostic {
    let (rule, help) = match error {
        ReadError::TooLarge(_) => (
            rules::file_too_large::ID,
            "split it into smaller runbooks, or exclude it in book.toml ([lint] exclude)",
        ),
        ReadError::Folder => (rules::io_error::ID, "name a Markdown file"),
        ReadError::NotRegular(_) => (
            rules::io_error::ID,
            "a runbook is a regular file: remove this one, or exclude it in book.toml ([lint] exclude)",
        ),
        ReadError::Io(ref e) => (rules::io_error::ID, io_help(e)),
        ReadError::Outside(_) => (
            rules::symlink_outside::ID,
            "copy the file into the repository, or link to a file inside it",
        ),
    };
    file_diagnostic(rule, Severity::Error, path, error.to_string(), help)
}

/// A finding about a whole file, placed at 1:1.
pub fn file_diagnostic(
    rule: &'static str,
    severity: Severity,
    path: PathBuf,
    message: String,
    help: &str,
) -> Diagnostic {
    let pos = Pos {
        line: 1,
        col: 1,
        offset: 0,
    };
    Diagnostic {
        rule,
        data_rule: None,
        severity,
        path: path.into(),
        span: Span {
            start: pos,
            end: pos,
        },
        message,
        help: Some(help.to_string()),
        fix: None,
        source_line: String::new(),
        suppressed: None,
        counts_as: 1,
    }
}

/// Whether the kernel gave up resolving links that lead round (ELOOP).
#[cfg(unix)]
pub fn is_link_loop(error: &std::io::Error) -> bool {
    error.raw_os_error() == Some(libc::ELOOP)
}

#[cfg(not(unix))]
pub fn is_link_loop(_: &std::io::Error) -> bool {
    false
}

/// `path` relative to `root`, `/`-separated; `None` when outside it.
pub fn relative(root: &Path, path: &Path) -> Option<String> {
    if let Some(text) = after_root(root, path).filter(|t| t.is_empty() || is_clean(t)) {
        return Some(text.to_string());
    }
    // The root written otherwise in `path` (`a/./b` for `a/b`), or a
    // doubled `/` or a `.` after it.
    by_components(root, path)
}

/// [`relative`] by comparing components, whatever the spelling.
fn by_components(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(parts.join("/"))
}

/// What follows `root` in `path` when `path` starts with it as written, as
/// the walk's paths do: cut off as bytes, where `strip_prefix` would take
/// both paths apart for every entry of the tree.
fn after_root<'p>(root: &Path, path: &'p Path) -> Option<&'p str> {
    if std::path::MAIN_SEPARATOR != '/' {
        return None;
    }
    let root = root.as_os_str().as_encoded_bytes();
    let rest = path.as_os_str().as_encoded_bytes().strip_prefix(root)?;
    let rest = match rest {
        [] => rest,
        _ if root.ends_with(b"/") => rest,
        [b'/', after @ ..] if !root.is_empty() => after,
        _ => return None,
    };
    std::str::from_utf8(rest).ok()
}

/// Whether a `/`-separated path has no `.` and no empty part (no doubled,
/// leading or trailing `/`): the form the walk's paths already have.
fn is_clean(rel: &str) -> bool {
    !rel.split('/').any(|part| part.is_empty() || part == ".")
}

/// The sources the user named. Named files that are not in the walk (outside
/// the source folder, or excluded) are still read; missing ones are errors.
pub fn select<'a>(
    all: &'a [Source],
    paths: &[PathBuf],
    settings: &Settings,
) -> (Cow<'a, [Source]>, Vec<Diagnostic>) {
    // Compared absolute: `src` may be written `../../content` (book.toml
    // found above a subfolder) and the named file `sub.md` or `/abs/...`.
    let src = full(&settings.src);
    // `runbook lint .` from the book's folder: the whole walk, as it is.
    if !paths.is_empty() && paths.iter().all(|p| src.starts_with(full(p))) {
        return (Cow::Borrowed(all), Vec::new());
    }
    let mut selected = Vec::new();
    let mut missing = Vec::new();
    let mut scripts = Vec::new();
    // Every walked source is the source folder joined with its `rel`:
    // comparing `rel` as text spares normalizing the whole tree's paths
    // once per named file, and in sorted order the sources below a named
    // path are one run, found by a binary search. A pre-commit run names
    // thousands of files; looking through the walk for each was quadratic.
    let mut by_rel: Vec<&Source> = all.iter().collect();
    by_rel.sort_unstable_by(|a, b| a.rel.cmp(&b.rel));
    let mut named = HashSet::with_capacity_and_hasher(paths.len(), Default::default());
    for path in paths {
        let wanted = full(path);
        // `x.md` and `./x.md` are one file: read, or reported missing, once.
        if !named.insert(wanted.clone()) {
            continue;
        }
        let matches: Vec<&Source> = if src.starts_with(&wanted) {
            all.iter().collect()
        } else if let Some(inside) = relative(&src, &wanted) {
            let first = by_rel.partition_point(|s| s.rel.as_str() < inside.as_str());
            by_rel[first..]
                .iter()
                .copied()
                .take_while(|s| s.rel.starts_with(inside.as_str()))
                .filter(|s| {
                    let after = &s.rel[inside.len()..];
                    after.is_empty() || after.starts_with('/')
                })
                .collect()
        } else {
            // Not below the source folder: no walked source is.
            Vec::new()
        };

        if !matches.is_empty() {
            selected.extend(matches.into_iter().cloned());
        } else if let Some(real) = path
            .is_symlink()
            .then(|| settings.boundary.escape(path))
            .flatten()
        {
            missing.push(not_read(path.clone(), ReadError::Outside(real)));
        } else if is_script(path) {
            scripts.push(path.as_path());
        } else if path.is_file() {
            let rel =
                relative(&src, &wanted).unwrap_or_else(|| path.to_string_lossy().into_owned());
            selected.push(Source {
                path: path.clone(),
                rel,
            });
        } else if path.is_dir() {
            // A folder outside the source folder: its runbooks are read, and
            // their links checked against the file system.
            let boundary = settings.boundary.clone().with(path);
            let mut entries = walkdir::WalkDir::new(path)
                .follow_links(true)
                .sort_by_file_name()
                .into_iter();
            while let Some(entry) = entries.next() {
                let Ok(entry) = entry else { continue };
                let is_dir = entry.file_type().is_dir();
                if !is_dir && !is_markdown(entry.path()) {
                    continue;
                }
                if let Some(real) = escape(&entry, &boundary) {
                    if is_dir {
                        entries.skip_current_dir();
                    }
                    missing.push(not_read(entry.into_path(), ReadError::Outside(real)));
                } else if entry.file_type().is_file() {
                    let path = entry.into_path();
                    selected.push(Source {
                        rel: path.to_string_lossy().into_owned(),
                        path,
                    });
                }
            }
        } else if !path.exists() {
            missing.push(file_diagnostic(
                rules::io_error::ID,
                Severity::Error,
                path.clone(),
                "no such file or folder".to_string(),
                "check the path",
            ));
        }
    }
    if !scripts.is_empty() {
        selected.extend(including(all, &scripts, settings));
    }
    selected.sort_by(|a, b| a.path.cmp(&b.path));
    // Compared cleaned and absolute: a file found under a named folder
    // outside the source folder (`./other`) may be named too (`other/x.md`).
    let mut seen = HashSet::with_capacity_and_hasher(selected.len(), Default::default());
    selected.retain(|source| seen.insert(full(&source.path)));
    (Cow::Owned(selected), missing)
}

/// The runbooks that take lines from one of `files` with `{{#include}}`:
/// a named file that is not Markdown is a script or query kept beside the
/// runbooks, and what a change to it can break is theirs. pre-commit
/// passes such a file when a commit changes only the script. Only a
/// runbook holding the directive is parsed.
fn including(all: &[Source], files: &[&Path], settings: &Settings) -> Vec<Source> {
    use rayon::prelude::*;
    // Compared as written and as resolved: a runbook may reach the file
    // through a symlinked folder (`content/scripts` -> `../ops/scripts`).
    let wanted: Vec<PathBuf> = files
        .iter()
        .flat_map(|f| [Some(full(f)), std::fs::canonicalize(f).ok()])
        .flatten()
        .collect();
    all.par_iter()
        .filter(|source| {
            let Ok(bytes) = files::read_regular(&source.path) else {
                return false;
            };
            if memchr::memmem::find(&bytes, b"#include").is_none() {
                return false;
            }
            // With its includes read: the file may be one an included
            // script includes.
            let mut doc = Document::parse(
                source.path.clone(),
                source.rel.clone(),
                bytes,
                &settings.aliases,
            );
            read_includes(&mut doc, settings);
            doc.body
                .code_blocks
                .iter()
                .flat_map(|b| &b.includes)
                .flat_map(|inc| &inc.files)
                .any(|path| {
                    wanted.contains(&full(path))
                        || std::fs::canonicalize(path).is_ok_and(|real| wanted.contains(&real))
                })
        })
        .cloned()
        .collect()
}

/// Whether `path` is one of `paths` or inside one of them, however each is
/// written (relative or absolute, with `.` or `..` in it).
pub fn is_within(path: &Path, paths: &[PathBuf]) -> bool {
    let path = full(path);
    paths.iter().any(|p| path.starts_with(full(p)))
}

/// Whether a named path is, or holds, runbooks of the book: it is in the
/// source folder, not excluded and not passed by the walk (hidden, or
/// ignored by git), or the source folder is in it. Without a book.toml
/// every path is but a repository's own documents (`CHANGELOG.md`, see
/// [`crate::config::REPOSITORY_DOCUMENTS`]) and what the walk passes by.
pub fn in_book(path: &Path, settings: &Settings) -> bool {
    Book::new(settings).holds(path)
}

/// [`in_book`] for many paths: what they share (the source folder, the
/// ignore files above it) is worked out once, not once per path. A
/// pre-commit run names thousands of files.
pub struct Book<'s> {
    settings: &'s Settings,
    src: PathBuf,
    /// Built on the first path that needs it; shared by the site's pages,
    /// rendered in parallel.
    ignored: OnceLock<Option<Ignored>>,
}

impl<'s> Book<'s> {
    pub fn new(settings: &'s Settings) -> Self {
        Book {
            settings,
            src: full(&settings.src),
            ignored: OnceLock::new(),
        }
    }

    /// See [`in_book`].
    pub fn holds(&self, path: &Path) -> bool {
        let path = full(path);
        let rel = relative(&self.src, &path);
        if self.settings.file.is_none() {
            let name = path.file_name().map(|n| n.to_string_lossy());
            return !name.is_some_and(|n| self.settings.excluded(&n))
                && !rel.is_some_and(|rel| self.walk_passes_by(&rel));
        }
        if self.src.starts_with(&path) {
            return true;
        }
        rel.is_some_and(|rel| !self.settings.excluded(&rel) && !self.walk_passes_by(&rel))
    }

    /// Whether [`walk`] of the source folder leaves out the entry at `rel`:
    /// a hidden folder or file on the way
    /// (`.github/pull_request_template.md`), or one git ignores. The
    /// pre-commit hook names such files when they are staged.
    fn walk_passes_by(&self, rel: &str) -> bool {
        rel.split('/').any(|p| p.starts_with('.')) || self.ignores(rel)
    }

    /// Whether git ignores the entry at `rel`, or a folder on its way: the
    /// walk passes it by, and the site publishes no such file, hidden or
    /// not (`.env`).
    pub fn ignores(&self, rel: &str) -> bool {
        let parts: Vec<&str> = rel.split('/').filter(|p| !p.is_empty()).collect();
        let above = self
            .ignored
            .get_or_init(|| Ignored::new(&self.src, self.settings.config.lint.respect_gitignore));
        let Some(mut ignored) = above.clone() else {
            return false;
        };
        // Folder by folder, as the walk meets them, so each folder's own
        // `.gitignore` comes into force for what is below it.
        (1..=parts.len()).any(|depth| {
            let is_dir = depth < parts.len() || self.src.join(rel).is_dir();
            ignored.skips(&parts[..depth].join("/"), depth, is_dir)
        })
    }
}

/// The absolute, lexically cleaned form of a path.
pub fn full(path: &Path) -> PathBuf {
    normalize(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
}

/// Lexically cleans a path: drops `.`, folds `..`, so two spellings compare equal.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            // `..` cancels a name, but not another `..`: `../../x` stays.
            Component::ParentDir => {
                if matches!(out.components().next_back(), Some(Component::Normal(_))) {
                    out.pop();
                } else {
                    out.push("..");
                }
            }

            other => out.push(other),
        }
    }
    out
}

/// Reads and parses one runbook. Failures come back as the finding to report.
pub fn read(source: &Source, settings: &Settings) -> Result<Document, Box<Diagnostic>> {
    read_with(source, settings, None)
}

/// [`read`], handing every Markdown event to `sink` during the one parse
/// (the site renders from them).
pub fn read_with(
    source: &Source,
    settings: &Settings,
    sink: Option<&mut crate::document::EventSink<'_>>,
) -> Result<Document, Box<Diagnostic>> {
    let bytes = files::read_regular(&source.path)
        .map_err(|error| Box::new(not_read(source.path.clone(), error)))?;
    let mut doc = Document::parse_with(
        source.path.clone(),
        source.rel.clone(),
        bytes,
        &settings.aliases,
        sink,
    );
    read_includes(&mut doc, settings);
    Ok(doc)
}

/// Reads what the `{{#include ...}}` directives of the document's fenced
/// blocks name, and what those files include in turn, each file once,
/// from the including file's folder and never from outside the repository
/// (a pull request could name `/etc/passwd` or `../../.git/config`, which
/// would then be published in the site).
fn read_includes(doc: &mut Document, settings: &Settings) {
    if doc.body.code_blocks.iter().all(|b| b.includes.is_empty()) {
        return;
    }
    let dir = doc.path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut files = Included {
        boundary: &settings.boundary,
        texts: HashMap::default(),
        listed: HashMap::default(),
    };
    let mut reader = include::Reader::new(&mut files);
    let mut taken: usize = 0;
    for block in &mut doc.body.code_blocks {
        let code = &block.code;
        // Each line after the first starts with the text before the directive.
        let mut prefix = include::PrefixWidth::default();
        for inc in &mut block.includes {
            let left = MAX_INCLUDED_BYTES.saturating_sub(taken);
            let read = reader.bring_in(&dir, &inc.path, &inc.part, left, &mut inc.files);
            prefix.before(code, inc.at.start);
            inc.read = Some(read.and_then(|text| {
                let added = prefix.cost(&text);
                if taken.saturating_add(added) > MAX_INCLUDED_BYTES {
                    Err(Problem::TooMuch)
                } else {
                    taken += added;
                    prefix.brought(inc.at.end, &text);
                    Ok(text)
                }
            }));
        }
    }
}

/// The files one runbook's includes read, each once.
struct Included<'a> {
    boundary: &'a Boundary,
    texts: HashMap<PathBuf, Result<String, Problem>>,
    /// Each folder is listed once for "did you mean", however many names
    /// in it are missing.
    listed: HashMap<PathBuf, Vec<String>>,
}

impl include::Files for Included<'_> {
    fn resolve(&mut self, folder: &Path, written: &str) -> Result<PathBuf, Problem> {
        if Path::new(written).has_root() || written.contains("://") {
            return Err(Problem::Absolute);
        }
        let path = normalize(&folder.join(written));
        if self.texts.len() >= MAX_INCLUDED_FILES && !self.texts.contains_key(&path) {
            return Err(Problem::TooMany);
        }
        Ok(path)
    }

    fn text(&mut self, path: &Path) -> Result<&str, Problem> {
        let (boundary, listed) = (self.boundary, &mut self.listed);
        let text = self
            .texts
            .entry(path.to_path_buf())
            .or_insert_with_key(|path| read_included(path, boundary, listed));
        match text {
            Ok(text) => Ok(text),
            Err(problem) => Err(problem.clone()),
        }
    }
}

fn read_included(
    path: &Path,
    boundary: &Boundary,
    listed: &mut HashMap<PathBuf, Vec<String>>,
) -> Result<String, Problem> {
    // Before anything else: whether a file outside exists, or what its
    // folder holds ("did you mean `../../etc/shadow`?"), must not reach a
    // finding, which the site publishes. The nearest folder that exists
    // stands for a path that does not: all of them answer alike.
    let nearest = path
        .ancestors()
        .find(|p| p.as_os_str().is_empty() || p.exists())
        .unwrap_or(Path::new(""));
    if boundary.escape(nearest).is_some() {
        return Err(Problem::Outside);
    }
    if !path.exists() {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let parent = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let siblings = listed.entry(parent.to_path_buf()).or_insert_with(|| {
            std::fs::read_dir(parent)
                .into_iter()
                .flatten()
                .take(crate::lint::links::MAX_CANDIDATES + 1)
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .collect()
        });
        let near = crate::lint::links::closest(name, siblings.iter().map(String::as_str));
        return Err(Problem::Missing(near.map(str::to_string)));
    }
    if boundary.escape(path).is_some() {
        return Err(Problem::Outside);
    }
    files::read_text_inside(path, boundary).map_err(Problem::Unreadable)
}

#[cfg(test)]
mod tests {
    use super::{by_components, is_within, normalize, relative, select, walk};
    use crate::config::Settings;
    use std::path::{Path, PathBuf};

    /// A named folder selects what is below it and nothing whose name
    /// only starts like it, wherever the sorted names put those.
    #[test]
    fn named_paths_select_their_own_runbooks_only() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
        for file in [
            "a.md", "a/x.md", "a/y/z.md", "a-b/x.md", "a.b/x.md", "ab.md", "b.md",
        ] {
            let path = root.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "# T\n").unwrap();
        }
        let settings = Settings::discover(root).unwrap();
        let all = walk(&settings).markdown;
        let selected = |named: &[&str]| -> Vec<String> {
            let paths: Vec<PathBuf> = named.iter().map(|n| root.join(n)).collect();
            let (sources, problems) = select(&all, &paths, &settings);
            assert!(problems.is_empty());
            sources.iter().map(|s| s.rel.clone()).collect()
        };
        assert_eq!(selected(&["a"]), ["a/x.md", "a/y/z.md"]);
        assert_eq!(selected(&["a/"]), ["a/x.md", "a/y/z.md"]);
        assert_eq!(selected(&["a.md"]), ["a.md"]);
        assert_eq!(selected(&["a-b", "b.md"]), ["a-b/x.md", "b.md"]);
        // In path order, as the walk gives them: `a/...` before `a.b/...`.
        assert_eq!(
            selected(&["a.b", "a/y", "a/y/z.md"]),
            ["a/y/z.md", "a.b/x.md"]
        );
    }

    #[test]
    fn relative_is_slash_separated_whatever_the_spelling() {
        let rel = |root: &str, path: &str| relative(Path::new(root), Path::new(path));
        assert_eq!(
            rel("content", "content/ops/a.md").as_deref(),
            Some("ops/a.md")
        );
        assert_eq!(rel("./content/", "./content/a.md").as_deref(), Some("a.md"));
        assert_eq!(
            rel("content", "content//ops/./a.md").as_deref(),
            Some("ops/a.md")
        );
        assert_eq!(rel("content", "content/ops/").as_deref(), Some("ops"));
        assert_eq!(rel("content", "content").as_deref(), Some(""));
        assert_eq!(rel("content", "other/a.md"), None);
        assert_eq!(rel("content", "content2/a.md"), None);
        assert_eq!(rel(".", "./ops/a.md").as_deref(), Some("ops/a.md"));
        assert_eq!(rel("/", "/srv/a.md").as_deref(), Some("srv/a.md"));
    }

    /// Cutting the root off as bytes gives what taking both paths apart
    /// does, however either is spelled.
    #[test]
    fn relative_agrees_with_comparing_components() {
        let roots = [
            "",
            ".",
            "./",
            "content",
            "content/",
            "./content",
            "a/./b",
            "a/b/..",
            "/",
            "/srv/book",
        ];
        let tails = [
            "",
            "x.md",
            "/x.md",
            "//x.md",
            "ops/x.md",
            "./x.md",
            "ops/./x.md",
            "ops/",
            ".hidden/x.md",
            "2/x.md",
        ];
        for root in roots {
            for tail in tails {
                for path in [format!("{root}{tail}"), format!("{root}/{tail}")] {
                    let (root, path) = (Path::new(root), Path::new(&path));
                    assert_eq!(
                        relative(root, path),
                        by_components(root, path),
                        "{root:?} {path:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn is_within_compares_paths_however_written() {
        let here = std::env::current_dir().unwrap();
        let named = [PathBuf::from("docs/a")];
        assert!(is_within(Path::new("docs/a"), &named));
        assert!(is_within(Path::new("./docs/x/../a/b.md"), &named));
        assert!(is_within(&here.join("docs/a/b.md"), &named));
        assert!(!is_within(Path::new("docs/ab.md"), &named));
        assert!(!is_within(Path::new("docs"), &named));
        assert!(is_within(Path::new("anything"), &[here]));
    }

    #[test]
    fn normalize_keeps_leading_parents() {
        assert_eq!(
            normalize(Path::new("./../../content")),
            Path::new("../../content")
        );
        assert_eq!(normalize(Path::new("a/b/../c/./d")), Path::new("a/c/d"));
        assert_eq!(normalize(Path::new("a/../../b")), Path::new("../b"));
        assert_eq!(normalize(Path::new("/x/../y")), Path::new("/y"));
    }
}
