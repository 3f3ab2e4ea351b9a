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
    set_executable(file.as_file())?;
    file.persist(&target).map_err(|e| e.error)?;
    Ok(true)
}

/// Removes the scripts below `out` that `runbook extract` wrote and that
/// are not in `keep` (paths relative to `out`): those of runbooks deleted
/// or left without command blocks since, which a CI job running every
/// script would otherwise still run. Files it did not write stay; links
/// are not followed. Returns what was removed.
pub fn remove_stale(
    out: &Path,
    keep: &std::collections::BTreeSet<&Path>,
) -> std::io::Result<Vec<PathBuf>> {
    let mut removed = Vec::new();
    for entry in walkdir::WalkDir::new(out).min_depth(1) {
        let entry = entry.map_err(std::io::Error::other)?;
        let path = entry.path();
        let stale = entry.file_type().is_file()
            && path.extension().is_some_and(|e| e == "sh")
            && path.strip_prefix(out).is_ok_and(|rel| !keep.contains(rel))
            && generated(path)?;
        if stale {
            std::fs::remove_file(path)?;
            removed.push(path.to_path_buf());
        }
    }
    Ok(removed)
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
fn set_executable(file: &std::fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(0o755))
}

#[cfg(not(unix))]
fn set_executable(_: &std::fs::File) -> std::io::Result<()> {
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
