//! Writing the site: only below the destination folder, one file at a time
//! through a temporary file and a rename, so a reader (the server, a browser)
//! never sees half a page and no source name can steer a write elsewhere;
//! and never over a file runbook did not write. A build renames its files
//! into place only once every one is written, so one that fails leaves the
//! site as it was.

use std::collections::{HashMap, HashSet};
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

/// The destination folder. Every write goes through [`Output::write`].
pub struct Output {
    root: PathBuf,
    state: Mutex<Written>,
    /// Whether files wait for [`Output::commit`] (a build) or are renamed
    /// into place as each is written (the server's page-by-page updates).
    staged: bool,
}

#[derive(Default)]
struct Written {
    /// Every path written, for [`Output::prune`].
    paths: HashSet<String>,
    /// What the manifest lists: what earlier builds and servers wrote, and
    /// so may be replaced. Each file written that it did not list is added
    /// at once, so a build that fails half way or a server stopped with
    /// Ctrl-C leaves no file the next build takes for someone else's.
    listed: HashSet<String>,
    /// Staged files by path: each written in full beside where it goes,
    /// deleted if the build stops before [`Output::commit`].
    pending: HashMap<String, (tempfile::TempPath, PathBuf)>,
    /// The folders this build made: if it stops before [`Output::commit`],
    /// those left empty go, so a refused build into someone's web root
    /// leaves no tree of empty folders behind.
    made: Vec<PathBuf>,
    committed: bool,
}

/// The list of the files runbook wrote in the destination: a build replaces
/// only those (and new ones), and removes those it does not write again,
/// and nothing else.
pub const MANIFEST: &str = ".runbook-files";

impl Output {
    /// Creates the destination folder if needed. It must not be a symlink.
    pub fn create(root: &Path) -> std::io::Result<Output> {
        Output::open(root, false)
    }

    /// [`Output::create`] for a whole build: nothing is published until
    /// [`Output::commit`].
    pub fn staged(root: &Path) -> std::io::Result<Output> {
        Output::open(root, true)
    }

    fn open(root: &Path, staged: bool) -> std::io::Result<Output> {
        make_destination(root)?;
        let listed = read_manifest(root)?;
        Ok(Output {
            root: root.to_path_buf(),
            state: Mutex::new(Written {
                listed,
                ..Written::default()
            }),
            staged,
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Writes `bytes` at `rel` (a `/`-separated path) below the root:
    /// refuses any path that is not plain names, and any folder on the way
    /// that is a symlink, then replaces the file atomically.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> std::io::Result<()> {
        self.write_with(rel, |file| file.write_all(bytes))
    }

    /// [`Output::write`] of a copy of the file `from`, streamed: an asset
    /// of any size costs no more memory than a buffer.
    pub fn copy(&self, rel: &str, from: &Path) -> std::io::Result<()> {
        let mut source = std::fs::File::open(from)?;
        self.write_with(rel, |file| std::io::copy(&mut source, file).map(drop))
    }

    fn write_with(
        &self,
        rel: &str,
        fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let parts = safe_parts(rel).ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("refusing to write `{rel}`: not a plain path inside the destination"),
            )
        })?;
        let (name, dirs) = parts.split_last().expect("safe_parts is never empty");
        let mut dir = self.root.clone();
        for part in dirs {
            dir.push(part);
            match std::fs::symlink_metadata(&dir) {
                Ok(meta) if meta.is_dir() => {}
                Ok(_) => {
                    return Err(std::io::Error::other(format!(
                        "`{}` is in the way: not a folder (or a symlink); remove it",
                        dir.display()
                    )));
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    match std::fs::create_dir(&dir) {
                        Ok(()) if self.staged => self.lock()?.made.push(dir.clone()),
                        Ok(()) => {}
                        // Another thread created it between the check and now.
                        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                        Err(e) => return Err(e),
                    }
                }
                Err(e) => return Err(e),
            }
        }
        let target = dir.join(name);
        if rel != MANIFEST && !self.known(rel) && std::fs::symlink_metadata(&target).is_ok() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                format!(
                    "a file runbook did not write is there (`{MANIFEST}` does not list it); \
                     move it away, or build into a folder of the site's own"
                ),
            ));
        }
        let mut temp = tempfile::Builder::new()
            .prefix(".runbook-")
            .suffix(".tmp")
            .tempfile_in(&dir)?;
        fill(temp.as_file_mut())?;
        // Temporary files are private (0600); a site is for a web server to read.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            temp.as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o644))?;
        }
        if self.staged && rel != MANIFEST {
            let mut state = self.lock()?;
            state.paths.insert(rel.to_string());
            state
                .pending
                .insert(rel.to_string(), (temp.into_temp_path(), target));
            return Ok(());
        }
        temp.persist(target).map_err(|e| e.error)?;
        if rel != MANIFEST {
            let mut state = self.lock()?;
            if state.paths.insert(rel.to_string()) {
                self.log_new(&mut state, rel)?;
            }
        }
        Ok(())
    }

    /// Puts every staged file in place, each listed in the manifest first.
    pub fn commit(&self) -> std::io::Result<()> {
        let mut state = self.lock()?;
        let mut pending: Vec<_> = std::mem::take(&mut state.pending).into_iter().collect();
        pending.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        for (rel, (temp, target)) in pending {
            self.log_new(&mut state, &rel)?;
            temp.persist(target).map_err(|e| e.error)?;
        }
        state.committed = true;
        Ok(())
    }

    fn lock(&self) -> std::io::Result<std::sync::MutexGuard<'_, Written>> {
        self.state
            .lock()
            .map_err(|_| std::io::Error::other("a writer panicked"))
    }

    /// Removes the file at `rel` if runbook wrote it (in an earlier run or
    /// this one), and the folders that leaves empty: what must no longer be
    /// published, such as the page of a runbook deleted while `serve` was
    /// running. In a build, a staged one is dropped, and a published one
    /// goes when the build prunes what it did not write.
    pub fn discard(&self, rel: &str) {
        if let Ok(mut state) = self.lock()
            && state.pending.remove(rel).is_some()
        {
            state.paths.remove(rel);
        }
        if self.known(rel)
            && !self.staged
            && let Some(path) = self.existing_file(rel)
        {
            self.remove_with_empty_folders(&path);
        }
    }

    /// Whether runbook wrote `rel`: in an earlier run, or in this one.
    fn known(&self, rel: &str) -> bool {
        self.state
            .lock()
            .is_ok_and(|state| state.listed.contains(rel) || state.paths.contains(rel))
    }

    /// Adds `rel` to the manifest on disk when it is new there. The file is
    /// opened for each line: a `runbook build` into the same folder while
    /// `serve` runs replaces the manifest, and a handle kept open would go
    /// on writing to the one it replaced.
    fn log_new(&self, state: &mut Written, rel: &str) -> std::io::Result<()> {
        if state.listed.contains(rel) {
            return Ok(());
        }
        not_following(std::fs::OpenOptions::new().create(true).append(true))
            .open(self.root.join(MANIFEST))?
            .write_all(format!("{rel}\n").as_bytes())?;
        state.listed.insert(rel.to_string());
        Ok(())
    }

    fn remove_with_empty_folders(&self, path: &Path) -> bool {
        remove_with_empty_folders(&self.root, path)
    }

    /// Removes the files the previous build wrote (as its manifest lists
    /// them) that this one did not: the page of a deleted runbook, an index
    /// page or search shard no longer needed, so the published site never
    /// serves what the source no longer has. Files the build never wrote
    /// (someone's `robots.txt`) are left, as is anything a listed path
    /// would reach through a symlink. Then records this build's files.
    /// Returns how many were removed.
    pub fn prune(&self) -> std::io::Result<usize> {
        self.prune_except(&|_| false)
    }

    /// [`Output::prune`], keeping the listed files `keep` names (written
    /// later by someone else: the server's search index, on its own thread).
    pub fn prune_except(&self, keep: &dyn Fn(&str) -> bool) -> std::io::Result<usize> {
        let state = self.lock()?;
        let mut removed = 0;
        let mut previous: Vec<String> = state.listed.iter().cloned().collect();
        previous.sort_unstable();
        let mut list: Vec<String> = state.paths.iter().cloned().collect();
        for rel in previous {
            if state.paths.contains(&rel) {
                continue;
            }
            if keep(&rel) {
                list.push(rel);
                continue;
            }
            if let Some(path) = self.existing_file(&rel)
                && self.remove_with_empty_folders(&path)
            {
                removed += 1;
            }
        }
        list.sort_unstable();
        let mut text = list.join("\n");
        text.push('\n');
        drop(state);
        self.write_with(MANIFEST, |file| file.write_all(text.as_bytes()))?;
        self.lock()?.listed = list.into_iter().collect();
        Ok(removed)
    }

    fn existing_file(&self, rel: &str) -> Option<PathBuf> {
        existing_file(&self.root, &safe_parts(rel)?)
    }
}

/// Removes a file below `root`, then the folders that leaves empty up to
/// `root`; a folder with anything else in it stays (`remove_dir` refuses
/// it). True when the file went. What a writer prunes, the site's pages
/// and `runbook extract`'s scripts alike.
pub fn remove_with_empty_folders(root: &Path, path: &Path) -> bool {
    if std::fs::remove_file(path).is_err() {
        return false;
    }
    for dir in path.ancestors().skip(1) {
        if dir == root || std::fs::remove_dir(dir).is_err() {
            break;
        }
    }
    true
}

/// The regular file at `parts` below `root`, reached through real folders
/// only: a listed path must not lead a removal through a symlink.
pub fn existing_file(root: &Path, parts: &[&str]) -> Option<PathBuf> {
    let mut path = root.to_path_buf();
    for (i, part) in parts.iter().enumerate() {
        path.push(part);
        let meta = std::fs::symlink_metadata(&path).ok()?;
        let last = i + 1 == parts.len();
        if (last && !meta.file_type().is_file()) || (!last && !meta.is_dir()) {
            return None;
        }
    }
    Some(path)
}

impl Drop for Output {
    /// A build that stopped before [`Output::commit`]: its staged files
    /// go (with their `TempPath`s), then the folders it made that this
    /// leaves empty, deepest first.
    fn drop(&mut self) {
        let Ok(state) = self.state.get_mut() else {
            return;
        };
        if state.committed {
            return;
        }
        state.pending.clear();
        state
            .made
            .sort_unstable_by_key(|dir| std::cmp::Reverse(dir.components().count()));
        for dir in &state.made {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

/// Creates the destination folder if needed, and refuses one that is a
/// symlink: it would take the site, and its lock, elsewhere.
fn make_destination(root: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(root)?;
    if std::fs::symlink_metadata(root)?.file_type().is_symlink() {
        return Err(std::io::Error::other(format!(
            "`{}` is a symlink; give a real folder as the destination",
            root.display()
        )));
    }
    Ok(())
}

/// The lock file of the destination, beside the manifest.
pub const LOCK: &str = ".runbook-lock";

/// What a writer of the destination holds while it writes: `runbook build`
/// for the build, `runbook serve` for as long as it serves. Each of them
/// replaces the manifest and removes the files the other did not list, so
/// two at once would each prune the other's pages; the second one stops
/// instead, naming the first. Released when dropped, or by the system when
/// the process dies.
pub struct WriterLock {
    file: std::fs::File,
}

impl Drop for WriterLock {
    /// Leaves the lock file empty: what stays in the site is the same
    /// whichever process built it.
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
    }
}

impl WriterLock {
    /// Takes the lock of the folder `root` (made if missing) for `who`,
    /// or says who holds it.
    pub fn acquire(root: &Path, who: &str) -> Result<WriterLock, String> {
        let path = root.join(LOCK);
        let cannot = |e: std::io::Error| format!("cannot lock `{}`: {e}", path.display());
        make_destination(root).map_err(|e| format!("cannot create `{}`: {e}", root.display()))?;
        let mut options = std::fs::OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        // A link planted at the lock's name must not steer the write below.
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NOFOLLOW);
        let mut file = options.open(&path).map_err(cannot)?;
        match try_lock_for(&file, LOCK_PATIENCE) {
            Ok(()) => {
                // Who holds it, for the message of the one refused.
                let line = format!("{who} (process {})\n", std::process::id());
                file.set_len(0)
                    .and_then(|()| file.write_all(line.as_bytes()))
                    .map_err(cannot)?;
                Ok(WriterLock { file })
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                let holder = std::fs::read_to_string(&path).unwrap_or_default();
                let holder = match holder.trim() {
                    "" => "another runbook",
                    named => named,
                };
                Err(format!(
                    "`{}` is being written by {holder}; wait for it to finish or stop \
                     it, or write this site elsewhere with `--dest`",
                    root.display()
                ))
            }
            Err(std::fs::TryLockError::Error(e)) => Err(cannot(e)),
        }
    }
}

/// How long a writer waits for the lock before it names the holder. A
/// writer that serves holds it for good, so this is not for waiting one
/// out; it is for a holder about to let go: a build just finishing, or,
/// in a process that starts programs, a child that got a copy of the lock
/// between `fork` and `exec` and drops it a moment later.
const LOCK_PATIENCE: std::time::Duration = std::time::Duration::from_secs(1);

fn try_lock_for(
    file: &std::fs::File,
    patience: std::time::Duration,
) -> Result<(), std::fs::TryLockError> {
    let deadline = std::time::Instant::now() + patience;
    loop {
        match file.try_lock() {
            Err(std::fs::TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            done => return done,
        }
    }
}

/// Refuses a destination that is the folder of the runbooks or holds it
/// (`--dest .`): the site would be written among the user's files, and a
/// page or asset of it (`index.html`, `assets/style.css`) would replace one
/// of the same name. A folder of its own inside the source (`site/` when
/// `src = "."`) is fine: the walk reads only Markdown. Both paths are
/// compared resolved, symlinks and `..` included, before anything is
/// created.
pub fn check_destination(dest: &Path, source: &Path) -> Result<(), String> {
    let (Some(dest_real), Some(source_real)) = (resolved(dest), resolved(source)) else {
        return Ok(());
    };
    let relation = if dest_real == source_real {
        "is"
    } else if source_real.starts_with(&dest_real) {
        "holds"
    } else {
        return Ok(());
    };
    Err(format!(
        "the destination `{}` {relation} the source folder `{}`: the site would be \
         written among the runbooks; give it a folder of its own (`--dest`, or \
         `dest` under [build] in book.toml; default `site`)",
        dest.display(),
        source.display()
    ))
}

/// `path` made absolute and resolved a part at a time, as the build will
/// reach it: through links where the part exists, and past one that does
/// not as the folder the build makes there, so `missing/../content` is
/// `content`.
fn resolved(path: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(path).ok()?;
    let mut at = PathBuf::new();
    for part in absolute.components() {
        match part {
            Component::CurDir => {}
            // `at` holds no link (resolved, or a folder still to be made),
            // so its parent is the one written.
            Component::ParentDir => {
                at.pop();
            }
            Component::Normal(_) => {
                at.push(part);
                if let Ok(real) = at.canonicalize() {
                    at = real;
                }
            }
            Component::RootDir | Component::Prefix(_) => at.push(part),
        }
    }
    Some(at)
}

/// The manifest's lines: the files a build may replace and delete. A
/// link planted at its name must not steer either, nor where new lines go
/// ([`Output::log_new`]), so a manifest that is not a regular file is
/// refused, as the lock is.
fn read_manifest(root: &Path) -> std::io::Result<HashSet<String>> {
    let path = root.join(MANIFEST);
    let not_regular = || {
        std::io::Error::other(format!(
            "`{}` is not a regular file (a symlink?): runbook lists the files it wrote \
             there, to replace and remove only those; remove it and build again",
            path.display()
        ))
    };
    let mut file = match not_following(std::fs::OpenOptions::new().read(true)).open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(HashSet::new()),
        // `O_NOFOLLOW` on a symlink fails as a loop of links does.
        Err(e) if crate::workspace::is_link_loop(&e) => return Err(not_regular()),
        Err(e) => return Err(e),
    };
    if !file.metadata()?.is_file() {
        return Err(not_regular());
    }
    let mut text = String::new();
    file.read_to_string(&mut text)?;
    Ok(text.lines().map(str::to_string).collect())
}

/// `options` opening no symlink at the last name, and not waiting on a
/// named pipe planted there.
fn not_following(options: &mut std::fs::OpenOptions) -> &mut std::fs::OpenOptions {
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(options, libc::O_NOFOLLOW | libc::O_NONBLOCK);
    options
}

/// The components of a relative output path, or `None` when any of them
/// could name something other than a plain entry of its folder.
pub fn safe_parts(rel: &str) -> Option<Vec<&str>> {
    let parts: Vec<&str> = rel.split('/').collect();
    let plain = |p: &&str| {
        !p.is_empty() && *p != "." && *p != ".." && !p.contains(['\\', '\0', ':']) && p.len() <= 255
    };
    (parts.iter().all(plain)).then_some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_destination_that_overlaps_the_runbooks() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content/db")).unwrap();
        for (dest, relation) in [
            (root.join("content"), "is the"),
            (root.join("content/db/../"), "is the"),
            (root.to_path_buf(), "holds the"),
            (root.join("content/.."), "holds the"),
            // Past a folder that does not exist yet, `..` still comes back.
            (root.join("missing/../content"), "is the"),
            (root.join("missing/deeper/../../content/db/.."), "is the"),
        ] {
            let error = check_destination(&dest, &root.join("content")).unwrap_err();
            assert!(
                error.contains(&format!("{relation} source folder")),
                "{error}"
            );
        }
        check_destination(&root.join("site"), &root.join("content")).unwrap();
        check_destination(&root.join("content/site"), &root.join("content")).unwrap();
        check_destination(&root.join("content-site"), &root.join("content")).unwrap();
        assert!(!root.join("content/site").exists(), "nothing is created");
    }

    /// A file that was there before runbook is never replaced; what one
    /// run wrote is listed at once, so the next run may replace it even
    /// when the first stopped before [`Output::prune`].
    #[test]
    fn replaces_only_what_runbook_wrote() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir_all(&site).unwrap();
        std::fs::write(site.join("index.html"), "mine").unwrap();
        let first = Output::create(&site).unwrap();
        first.write("a.html", b"one").unwrap();
        let error = first.write("index.html", b"page").unwrap_err();
        assert!(error.to_string().contains("did not write"), "{error}");
        assert_eq!(std::fs::read(site.join("index.html")).unwrap(), b"mine");
        drop(first);

        let second = Output::create(&site).unwrap();
        second.write("a.html", b"two").unwrap();
        assert!(second.write("index.html", b"page").is_err());
        std::fs::remove_file(site.join("index.html")).unwrap();
        second.write("index.html", b"page").unwrap();
        assert_eq!(second.prune().unwrap(), 0);
        let listed = std::fs::read_to_string(site.join(MANIFEST)).unwrap();
        assert_eq!(listed, "a.html\nindex.html\n");
    }

    /// A build into the folder a server writes replaces the manifest; what
    /// the server writes next is listed in the new one, so the build after
    /// that may replace it.
    #[test]
    fn a_build_that_stops_leaves_no_empty_folders() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("www");
        std::fs::create_dir_all(root.join("theirs")).unwrap();
        std::fs::write(root.join("index.html"), "theirs").unwrap();
        let build = Output::staged(&root).unwrap();
        build.write("db/deep/restore.html", b"page").unwrap();
        build.write("theirs/new.html", b"page").unwrap();
        assert!(build.write("index.html", b"page").is_err());
        drop(build);
        let mut left: Vec<_> = walkdir::WalkDir::new(&root)
            .min_depth(1)
            .into_iter()
            .map(|e| e.unwrap().path().strip_prefix(&root).unwrap().to_path_buf())
            .collect();
        left.sort();
        assert_eq!(left, [Path::new("index.html"), Path::new("theirs")]);
    }

    #[test]
    fn one_writer_at_a_time_and_never_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let first = WriterLock::acquire(&site, "runbook build").unwrap();
        let refused = WriterLock::acquire(&site, "runbook serve").err().unwrap();
        let holder = format!(
            "is being written by runbook build (process {})",
            std::process::id()
        );
        assert!(refused.contains(&holder), "{refused}");
        drop(first);
        drop(WriterLock::acquire(&site, "runbook serve").unwrap());
        let left = std::fs::read(site.join(LOCK)).unwrap();
        assert!(left.is_empty(), "no process id stays in the site");

        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).unwrap();
        std::fs::write(dir.path().join("notes.txt"), "keep").unwrap();
        std::os::unix::fs::symlink(dir.path().join("notes.txt"), elsewhere.join(LOCK)).unwrap();
        let refused = WriterLock::acquire(&elsewhere, "runbook build")
            .err()
            .unwrap();
        assert!(refused.starts_with("cannot lock"), "{refused}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
            "keep"
        );
    }

    /// A holder that lets go within [`LOCK_PATIENCE`] is waited for.
    #[test]
    fn a_lock_let_go_of_a_moment_later_is_taken() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let first = WriterLock::acquire(&site, "runbook build").unwrap();
        let letting_go = std::thread::spawn(move || {
            std::thread::sleep(LOCK_PATIENCE / 5);
            drop(first);
        });
        let second = WriterLock::acquire(&site, "runbook build");
        letting_go.join().unwrap();
        assert!(second.is_ok(), "{:?}", second.err());
    }

    #[test]
    fn a_build_meanwhile_does_not_lose_what_the_server_writes_next() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let server = Output::create(&site).unwrap();
        server.write("a.html", b"served").unwrap();
        let build = Output::staged(&site).unwrap();
        build.write("a.html", b"built").unwrap();
        build.commit().unwrap();
        build.prune().unwrap();
        server.write("x.html", b"new while serving").unwrap();
        let listed = std::fs::read_to_string(site.join(MANIFEST)).unwrap();
        assert_eq!(listed, "a.html\nx.html\n");
        let next = Output::staged(&site).unwrap();
        next.write("x.html", b"rebuilt").unwrap();
    }

    /// A file removed by the server takes the folders it leaves empty.
    #[test]
    fn discarding_a_page_removes_the_folders_it_leaves_empty() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let out = Output::create(&site).unwrap();
        out.write("a/b/c.html", b"page").unwrap();
        out.write("a/d.html", b"page").unwrap();
        out.discard("a/b/c.html");
        assert!(!site.join("a/b").exists());
        assert!(site.join("a/d.html").exists());
    }

    #[test]
    fn rejects_paths_that_leave_the_root() {
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a//b",
            "a\\..\\b",
            "./a",
            "c:x",
        ] {
            assert!(safe_parts(bad).is_none(), "{bad}");
        }
        assert_eq!(safe_parts("a/b.html"), Some(vec!["a", "b.html"]));
    }

    #[test]
    fn writes_atomically_and_refuses_symlinked_folders() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let out = Output::create(&dir.path().join("site")).unwrap();
        out.write("a/b.html", b"one").unwrap();
        out.write("a/b.html", b"two").unwrap();
        assert_eq!(
            std::fs::read(dir.path().join("site/a/b.html")).unwrap(),
            b"two"
        );
        let leftovers = std::fs::read_dir(dir.path().join("site/a"))
            .unwrap()
            .count();
        assert_eq!(leftovers, 1, "no temporary file is left behind");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("site/a/b.html"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o644, "readable by a web server");
        }

        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(outside.path(), dir.path().join("site/evil")).unwrap();
            assert!(out.write("evil/x.html", b"x").is_err());
            assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
        }
    }
}
