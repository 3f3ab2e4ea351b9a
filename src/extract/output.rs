//! Where scripts go: inside the output folder and nowhere else, whatever a
//! runbook's path says, and atomically, so a reader never sees half a file.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// `db/restore.md` -> `db/restore.sh`. `..`, `.` and empty components are
/// dropped, so the result is always below the output folder.
pub fn script_path(rel: &str) -> PathBuf {
    let parts: Vec<&str> = rel
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != "." && *p != "..")
        .collect();
    let mut path = PathBuf::new();
    let Some((last, dirs)) = parts.split_last() else {
        return PathBuf::from("runbook.sh");
    };
    for dir in dirs {
        path.push(dir);
    }
    let lower = last.to_ascii_lowercase();
    let stem = [".md", ".markdown"]
        .iter()
        .find_map(|ext| {
            lower
                .ends_with(ext)
                .then(|| &last[..last.len() - ext.len()])
        })
        .unwrap_or(last);
    path.push(format!("{stem}.sh"));
    path
}

/// Writes `text` to `out/rel` through a temporary file and a rename, mode
/// 0755. Refuses when a folder on the way is a link leading out of `out`,
/// and when something other than a script of `runbook extract` is at
/// `out/rel` (a hand-written `restore.sh` next to `restore.md`, a link):
/// it is the user's. Returns whether the file changed.
pub fn write_script(out: &Path, rel: &Path, text: &str) -> std::io::Result<bool> {
    let target = out.join(rel);
    let parent = target.parent().unwrap_or(out);
    std::fs::create_dir_all(out)?;
    let root = out.canonicalize()?;
    // One folder at a time, each checked before the next is made in it: a
    // link on the way must not get a folder made at its far end.
    let mut folder = out.to_path_buf();
    for part in rel.parent().into_iter().flat_map(Path::components) {
        folder.push(part);
        if let Err(e) = std::fs::create_dir(&folder) {
            if e.kind() != std::io::ErrorKind::AlreadyExists {
                return Err(e);
            }
            // Said here: the error writing the file would name a temporary
            // file and say only "Not a directory".
            if !folder.is_dir() {
                return Err(std::io::Error::other(format!(
                    "`{}` is a file, not a folder",
                    folder.display()
                )));
            }
        }
        if !folder.canonicalize()?.starts_with(&root) {
            return Err(std::io::Error::other(format!(
                "`{}` leads outside `{}` (a symbolic link?)",
                folder.display(),
                out.display()
            )));
        }
    }
    if let Ok(meta) = std::fs::symlink_metadata(&target) {
        if !meta.file_type().is_file() || !generated(&target)? {
            return Err(std::io::Error::other(format!(
                "`{}` is already there and `runbook extract` did not write it; not replaced: \
                 move it, or extract to another --out",
                target.display()
            )));
        }
        if meta.len() == text.len() as u64 && std::fs::read(&target)? == text.as_bytes() {
            return Ok(false);
        }
    }
    // tempfile's error names the temporary file, which the user never
    // asked for and will not find: the folder is what to look at.
    let mut file = tempfile::Builder::new()
        .prefix(".runbook-")
        .suffix(".tmp")
        .tempfile_in(parent)
        .map_err(|e| {
            let why = e.raw_os_error().map_or_else(
                || e.kind().to_string(),
                |n| std::io::Error::from_raw_os_error(n).to_string(),
            );
            std::io::Error::new(
                e.kind(),
                format!("cannot create a file in `{}`: {why}", parent.display()),
            )
        })?;
    file.write_all(text.as_bytes())?;
    set_mode(file.as_file(), 0o755)?;
    file.persist(&target).map_err(|e| e.error)?;
    Ok(true)
}

/// The list of the scripts `runbook extract` wrote in an `--out` folder,
/// in it, as `runbook build` keeps `.runbook-files` in the site: a run
/// removes only the scripts it lists as its own, never another book's
/// extracted to the same folder, nor a script no list names (written by
/// a runbook too old to keep one). Each script is listed under its book
/// (the source folder, as a path from `--out`) with the runbook it comes
/// from, so a book's run knows its own and whether another book's runbook
/// is still there.
pub const MANIFEST: &str = ".runbook-scripts";

/// What [`MANIFEST`] lists: book -> script -> runbook, the book as a path
/// from the folder, the script as a path in it and the runbook as a path
/// in the book, `/`-separated (`"../content": {"db/restore.sh":
/// "db/restore.md"}`). Sorted, so the same scripts list the same bytes.
type Books = std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>;

/// The [`MANIFEST`] of an `--out` folder, read for one book's run.
pub struct Manifest {
    /// The folder, resolved.
    out: PathBuf,
    /// This run's book, as the list names it.
    book: String,
    books: Books,
    /// Whether the folder had a list: without one, its scripts may be of
    /// any book, and none is removed.
    pub found: bool,
}

/// A script removed: its path in the folder, and its runbook's in its
/// book, as listed.
pub struct Stale {
    pub script: String,
    pub runbook: String,
}

impl Manifest {
    /// The list in `out` (an existing folder), for the book of the source
    /// folder `src`; empty when there is none.
    pub fn load(out: &Path, src: &Path) -> std::io::Result<Manifest> {
        let out = out.canonicalize()?;
        let src = src.canonicalize().or_else(|_| std::path::absolute(src))?;
        let path = out.join(MANIFEST);
        let (books, found) = match std::fs::read_to_string(&path) {
            Ok(text) => (
                serde_json::from_str(&text).map_err(|e| not_a_list(&path, &e))?,
                true,
            ),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Books::new(), false),
            Err(e) => return Err(e),
        };
        Ok(Manifest {
            book: path_from(&out, &src),
            out,
            books,
            found,
        })
    }

    /// The runbook of another book whose script `script` is, when that
    /// runbook is still there: the script is not this book's to replace.
    /// One whose runbook is gone (the book moved, or renamed its folder)
    /// may be.
    pub fn taken_by(&self, script: &str) -> Option<PathBuf> {
        let (owner, theirs) = self
            .books
            .iter()
            .filter(|(book, _)| **book != self.book)
            .find_map(|(book, scripts)| Some((book, scripts.get(script)?)))?;
        // `out` is resolved and `owner` came from [`path_from`], so no link
        // stands between: folding `..` lexically finds the runbook.
        let other = crate::workspace::normalize(&self.out.join(owner).join(theirs));
        std::fs::symlink_metadata(&other).is_ok().then_some(other)
    }

    /// Lists `script` as this book's, written from `runbook`, and as no
    /// other book's: the book that listed it before must never remove it.
    pub fn record(&mut self, script: &str, runbook: &str) {
        for scripts in self.books.values_mut() {
            scripts.remove(script);
        }
        self.books.retain(|_, scripts| !scripts.is_empty());
        self.books
            .entry(self.book.clone())
            .or_default()
            .insert(script.to_string(), runbook.to_string());
    }

    /// Removes the scripts listed as this book's that are not in `keep`
    /// (this run's), and their lines: those of runbooks deleted or left
    /// without command blocks since, which a CI job running every script
    /// would otherwise still run. A listed file that is not a script
    /// extract wrote, or that is reached through a link, stays; folders
    /// left empty go. Returns what was removed.
    pub fn prune(
        &mut self,
        keep: &std::collections::BTreeSet<String>,
    ) -> std::io::Result<Vec<Stale>> {
        let Some(scripts) = self.books.get_mut(&self.book) else {
            return Ok(Vec::new());
        };
        let stale: Vec<String> = scripts
            .keys()
            .filter(|s| !keep.contains(*s))
            .cloned()
            .collect();
        let mut removed = Vec::new();
        for script in stale {
            let runbook = scripts.remove(&script).unwrap_or_default();
            let parts: Vec<&str> = script.split('/').collect();
            let plain = parts
                .iter()
                .all(|p| !p.is_empty() && *p != "." && *p != "..");
            let Some(path) = plain
                .then(|| crate::site::output::existing_file(&self.out, &parts))
                .flatten()
            else {
                continue;
            };
            if generated(&path)? && crate::site::output::remove_with_empty_folders(&self.out, &path)
            {
                removed.push(Stale { script, runbook });
            }
        }
        self.books.retain(|_, scripts| !scripts.is_empty());
        Ok(removed)
    }

    /// Writes the list through a temporary file and a rename, when it
    /// changed; none is made for a folder with no script listed.
    pub fn save(&self) -> std::io::Result<()> {
        let path = self.out.join(MANIFEST);
        if self.books.is_empty() && !self.found {
            return Ok(());
        }
        let mut text = serde_json::to_string_pretty(&self.books).map_err(std::io::Error::other)?;
        text.push('\n');
        if std::fs::read(&path).is_ok_and(|old| old == text.as_bytes()) {
            return Ok(());
        }
        let mut file = tempfile::Builder::new()
            .prefix(".runbook-")
            .suffix(".tmp")
            .tempfile_in(&self.out)?;
        file.write_all(text.as_bytes())?;
        set_mode(file.as_file(), 0o644)?;
        file.persist(&path).map_err(|e| e.error)?;
        Ok(())
    }
}

/// Why a list cannot be read, and what to do about it.
fn not_a_list(path: &Path, e: &serde_json::Error) -> std::io::Error {
    std::io::Error::other(format!(
        "`{}` is not a list of scripts `runbook extract` wrote ({e}); delete it \
         (no script is removed until a run lists them again)",
        path.display()
    ))
}

/// The path from the folder `from` to `to`, both resolved, `/`-separated
/// (`../content`; `.` for the folder itself): how the list names a book,
/// the same wherever the tree is checked out.
fn path_from(from: &Path, to: &Path) -> String {
    let common = from
        .components()
        .zip(to.components())
        .take_while(|(a, b)| a == b)
        .count();
    let up = from.components().skip(common).map(|_| "..".to_string());
    let down = to
        .components()
        .skip(common)
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    let parts: Vec<String> = up.chain(down).collect();
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

/// The scripts below `out` that `runbook extract` wrote, that are not in
/// `keep` (paths relative to `out`) and that no list names: in a folder
/// without a [`MANIFEST`], those an older runbook wrote. They may be any
/// book's, so they are named, not removed. A folder below with a list of
/// its own is another output's; links are not followed.
pub fn unlisted(
    out: &Path,
    keep: &std::collections::BTreeSet<String>,
) -> std::io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let walk = walkdir::WalkDir::new(out)
        .min_depth(1)
        .into_iter()
        .filter_entry(|e| !(e.file_type().is_dir() && e.path().join(MANIFEST).exists()));
    for entry in walk {
        let entry = entry.map_err(std::io::Error::other)?;
        let path = entry.path();
        let unlisted = entry.file_type().is_file()
            && path.extension().is_some_and(|e| e == "sh")
            && path
                .strip_prefix(out)
                .is_ok_and(|rel| !keep.contains(&slashed(rel)))
            && generated(path)?;
        if unlisted {
            found.push(path.to_path_buf());
        }
    }
    Ok(found)
}

/// A script's path in `--out` as the list spells it: `db/restore.sh`.
pub fn slashed(rel: &Path) -> String {
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// Whether the file's second line is that of a script `runbook extract`
/// wrote; only its first bytes are read.
fn generated(path: &Path) -> std::io::Result<bool> {
    let mut head = Vec::with_capacity(256);
    std::fs::File::open(path)?
        .take(256)
        .read_to_end(&mut head)?;
    Ok(head
        .split(|&b| b == b'\n')
        .nth(1)
        .is_some_and(|line| line.starts_with(super::script::GENERATED.as_bytes())))
}

#[cfg(unix)]
fn set_mode(file: &std::fs::File, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_: &std::fs::File, _: u32) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside() {
        assert_eq!(script_path("db/restore.md"), PathBuf::from("db/restore.sh"));
        assert_eq!(
            script_path("../../etc/passwd.md"),
            PathBuf::from("etc/passwd.sh")
        );
        assert_eq!(script_path("/abs/x.MARKDOWN"), PathBuf::from("abs/x.sh"));
        assert_eq!(script_path(".."), PathBuf::from("runbook.sh"));
    }
}
