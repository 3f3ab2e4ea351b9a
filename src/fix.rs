//! `--fix`: applies the safe fixes findings carry. A file is rewritten only
//! when it parsed cleanly, atomically, with its BOM, line endings and every
//! byte outside the edits kept as they were.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Edit};
use crate::lint::rules::{front_matter_invalid, invalid_utf8};

/// One fix applied: where, which rule, what it did.
#[derive(Debug)]
pub struct Applied {
    pub path: PathBuf,
    pub line: usize,
    pub col: usize,
    pub rule: &'static str,
    pub description: String,
}

#[derive(Debug, Default)]
pub struct Outcome {
    pub applied: Vec<Applied>,
    /// Files with fixes that were left alone, and why.
    pub skipped: Vec<(PathBuf, String)>,
}

/// Applies the fixes of counted findings, file by file. A file found in the
/// source folder `src` is rewritten only if it really is inside it: a
/// symlinked folder must not let a pull request make `--fix` write elsewhere.
pub fn apply(diagnostics: &[Diagnostic], src: &Path) -> Outcome {
    let mut by_file: BTreeMap<&Path, Vec<&Diagnostic>> = BTreeMap::new();
    for d in diagnostics {
        by_file.entry(&d.path).or_default().push(d);
    }
    let mut outcome = Outcome::default();
    for (path, found) in by_file {
        // Said whatever else the file holds: its findings carry no fix
        // (see [`refuses`]), so what `--fix` would have done is unknown.
        if let Some(d) = found.iter().find(|d| refuses(d)) {
            outcome
                .skipped
                .push((path.to_path_buf(), format!("not fixed: {}", d.message)));
            continue;
        }
        let fixable: Vec<&Diagnostic> = found
            .iter()
            .copied()
            .filter(|d| d.fix.is_some() && d.is_counted())
            .collect();
        if fixable.is_empty() {
            continue;
        }
        if escapes(path, src) {
            outcome.skipped.push((
                path.to_path_buf(),
                "not fixed: a symlink leads it out of the source folder".to_string(),
            ));
            continue;
        }
        match fix_file(path, &fixable) {
            Ok(applied) => outcome.applied.extend(applied),
            Err(e) => outcome
                .skipped
                .push((path.to_path_buf(), format!("not fixed: {e}"))),
        }
    }
    outcome
}

/// Whether a finding makes `--fix` leave its whole file alone: the text
/// the edits were made on is not the file's bytes (invalid UTF-8 decoded
/// with U+FFFD, or UTF-16), or its front matter does not parse, so an edit
/// could land anywhere. The lint withholds such a file's fixes from every
/// report by the same test, so none offers an edit this would refuse.
pub fn refuses(d: &Diagnostic) -> bool {
    d.rule == invalid_utf8::ID || d.rule == front_matter_invalid::ID
}

fn fix_file(path: &Path, fixable: &[&Diagnostic]) -> std::io::Result<Vec<Applied>> {
    let bytes = std::fs::read(path)?;
    let (bom, body) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (true, rest),
        None => (false, bytes.as_slice()),
    };
    let text = String::from_utf8(body.to_vec()).map_err(|_| std::io::Error::other("not UTF-8"))?;
    let (text, chosen) = fix_text(&text, fixable);
    let mut out = Vec::with_capacity(text.len() + 3);
    if bom {
        out.extend_from_slice(b"\xEF\xBB\xBF");
    }
    out.extend_from_slice(text.as_bytes());
    write_atomically(path, &out)?;
    let mut applied: Vec<Applied> = Vec::new();
    for (d, _) in chosen {
        if applied.last().is_some_and(|a| {
            a.line == d.span.start.line && a.col == d.span.start.col && a.rule == d.rule
        }) {
            continue;
        }
        applied.push(Applied {
            path: path.to_path_buf(),
            line: d.span.start.line,
            col: d.span.start.col,
            rule: d.rule,
            description: d.fix.as_ref().unwrap().description.clone(),
        });
    }
    Ok(applied)
}

/// Applies the fixes of `fixable` to `text`, the file as parsed (no BOM).
/// Every edit's offsets are into `text` as given; an edit that overlaps an
/// earlier one, or is not on character boundaries, is skipped.
/// Returns the new text and each edit applied with its finding, in order.
pub fn fix_text<'a>(
    text: &str,
    fixable: &[&'a Diagnostic],
) -> (String, Vec<(&'a Diagnostic, &'a Edit)>) {
    let mut chosen: Vec<(&Diagnostic, &Edit)> = Vec::new();
    let mut sorted: Vec<(&Diagnostic, &Edit)> = fixable
        .iter()
        .filter_map(|d| Some((*d, d.fix.as_ref()?)))
        .flat_map(|(d, fix)| fix.edits.iter().map(move |e| (d, e)))
        .collect();
    sorted.sort_by_key(|(_, e)| (e.start, e.end));
    let mut end_of_last = 0;
    for (d, edit) in sorted {
        let valid = edit.start <= edit.end
            && edit.end <= text.len()
            && text.is_char_boundary(edit.start)
            && text.is_char_boundary(edit.end);
        if valid && (chosen.is_empty() || edit.start >= end_of_last) {
            end_of_last = edit.end;
            chosen.push((d, edit));
        }
    }
    // Built front to back in one pass: replacing in place from the end
    // moved the rest of the file at every edit, hundreds of thousands of
    // times in a file with that many findings.
    let mut fixed = String::with_capacity(text.len());
    let mut copied = 0;
    for (_, edit) in &chosen {
        fixed.push_str(&text[copied..edit.start]);
        fixed.push_str(&edit.replacement);
        copied = edit.end;
    }
    fixed.push_str(&text[copied..]);
    (fixed, chosen)
}

/// Whether a path under `src` resolves to a place outside it. Files named
/// outside the source folder on the command line are the user's to fix.
fn escapes(path: &Path, src: &Path) -> bool {
    if !path.starts_with(src) {
        return false;
    }
    let (Some(dir), Ok(root)) = (path.parent(), src.canonicalize()) else {
        return true;
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    !dir.canonicalize().is_ok_and(|d| d.starts_with(root))
}

/// Writes next to the file, then renames over it: a reader never sees half
/// a file, and a crash leaves the original. Permissions and owner are kept.
/// A symlink is refused: renaming over it would replace the link, and
/// writing through it would change a file that may be outside the tree.
/// So is what a rename would get round, rather than keep: a read-only
/// file, a file with other hard links (they would keep the old text), and
/// one whose owner the new file could not be given. The error says why,
/// of the file, without its name: "is read-only".
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let existing = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            return Err(std::io::Error::other(
                "is a symbolic link; run it on the file the link points to",
            ));
        }
        Ok(meta) => {
            refuse_to_replace(path, &meta)?;
            Some(meta)
        }
        Err(_) => None,
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    // Said of the folder, not of the temporary file's name.
    let in_dir = |e: std::io::Error| {
        std::io::Error::new(
            e.kind(),
            format!("cannot write in `{}`: {}", dir.display(), io_reason(&e)),
        )
    };
    let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(in_dir)?;
    temp.write_all(bytes).map_err(in_dir)?;
    temp.as_file().sync_all().map_err(in_dir)?;
    if let Some(meta) = &existing {
        keep_owner(temp.as_file(), meta)?;
        temp.as_file().set_permissions(meta.permissions())?;
    }
    temp.persist(path).map_err(|e| in_dir(e.error))?;
    Ok(())
}

/// The error's reason, without the name of the temporary file that
/// tempfile adds to it.
pub(crate) fn io_reason(e: &std::io::Error) -> String {
    let inner = e
        .get_ref()
        .and_then(|inner| inner.source())
        .and_then(|source| source.downcast_ref::<std::io::Error>());
    match (
        e.kind(),
        e.raw_os_error().or(inner.and_then(|i| i.raw_os_error())),
    ) {
        (std::io::ErrorKind::PermissionDenied, _) => "the folder is not writable".to_string(),
        (_, Some(code)) => std::io::Error::from_raw_os_error(code).to_string(),
        (kind, None) => std::io::Error::from(kind).to_string(),
    }
}

/// Why the file at `path` must not be replaced by a new one, if it must not.
fn refuse_to_replace(path: &Path, meta: &std::fs::Metadata) -> std::io::Result<()> {
    if meta.permissions().readonly() || !writable(path) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            "is read-only",
        ));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.nlink() > 1 {
            return Err(std::io::Error::other(format!(
                "has {} hard links; editing would split them",
                meta.nlink()
            )));
        }
    }
    Ok(())
}

/// Whether this process may write the file, as the kernel would decide.
#[cfg(unix)]
fn writable(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return true;
    };
    // SAFETY: `c` is a NUL-terminated path that outlives the call.
    unsafe { libc::access(c.as_ptr(), libc::W_OK) == 0 }
}

#[cfg(not(unix))]
fn writable(_: &Path) -> bool {
    true
}

/// Gives the new file the old one's owner and group, or refuses when that
/// is not allowed (the file is another user's): renaming over it would
/// hand it to whoever ran the command.
#[cfg(unix)]
fn keep_owner(new: &std::fs::File, old: &std::fs::Metadata) -> std::io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let made = new.metadata()?;
    if (made.uid(), made.gid()) == (old.uid(), old.gid()) {
        return Ok(());
    }
    std::os::unix::fs::fchown(new, Some(old.uid()), Some(old.gid())).map_err(|_| {
        let whose = if made.uid() == old.uid() {
            format!("is in group {}", old.gid())
        } else {
            format!("belongs to user {}", old.uid())
        };
        std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            format!("{whose}, which a rewritten file could not keep"),
        )
    })
}

#[cfg(not(unix))]
fn keep_owner(_: &std::fs::File, _: &std::fs::Metadata) -> std::io::Result<()> {
    Ok(())
}
