//! Reading the book's own files (runbooks, `book.toml`, `lints/`,
//! templates) as a gate on untrusted pull requests must: regular files
//! only, never more than [`MAX_FILE_BYTES`], and never through a symlink
//! that leads out of the repository.
//!
//! A pull request can commit a symlink to any path of the machine that runs
//! the gate. Followed, `runbook.md -> /dev/zero` reads forever, a named pipe
//! or `/dev/stdin` waits forever, and `-> /proc/self/environ` or
//! `-> ../.git/config` (where `actions/checkout` keeps its token) would be
//! printed in findings and published in the site.

use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// Files larger than this are reported, not parsed: no runbook is 10 MB,
/// and a gate must not be stalled by a stray dump.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    Io(std::io::Error),
    Folder,
    /// A named pipe, a device or a socket: reading may never end.
    NotRegular(&'static str),
    TooLarge(u64),
    /// A symlink (or a path through one) that resolves outside the
    /// repository, or into its `.git` folder.
    Outside(PathBuf),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "cannot read: {e}"),
            ReadError::Folder => f.write_str("is a folder, not a file"),
            ReadError::NotRegular(kind) => write!(f, "is {kind}, not a regular file; not read"),
            ReadError::TooLarge(bytes) => write!(
                f,
                "file is {:.1} MB, over the {} MB limit; not read",
                *bytes as f64 / 1e6,
                MAX_FILE_BYTES / 1024 / 1024
            ),
            ReadError::Outside(real) => write!(
                f,
                "is a symlink to `{}`, outside the repository; not read",
                real.display()
            ),
        }
    }
}

/// Reads a regular file of at most [`MAX_FILE_BYTES`]. The file is opened
/// without blocking and checked on the open handle, so a named pipe costs
/// no wait and a file cannot be swapped between the check and the read.
pub fn read_regular(path: &Path) -> Result<Vec<u8>, ReadError> {
    let mut file = open(path).map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if meta.is_dir() {
        return Err(ReadError::Folder);
    }
    if !meta.is_file() {
        return Err(ReadError::NotRegular(kind(&meta.file_type())));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(meta.len()));
    }
    // The size may be 0 (`/proc` files) or grow while read: the cap holds
    // whatever the metadata said.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    (&mut file)
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

/// [`read_regular`], for a file that must also be inside `boundary`.
fn read_inside(path: &Path, boundary: &Boundary) -> Result<Vec<u8>, ReadError> {
    if let Some(real) = boundary.escape(path) {
        return Err(ReadError::Outside(real));
    }
    read_regular(path)
}

/// [`read_inside`] for a configuration file, which must be UTF-8; the
/// error is the message to show.
pub fn read_text_inside(path: &Path, boundary: &Boundary) -> Result<String, String> {
    let bytes = read_inside(path, boundary).map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "cannot read: not UTF-8 (byte {})",
            e.utf8_error().valid_up_to()
        )
    })
}

#[cfg(unix)]
fn open(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open(path: &Path) -> std::io::Result<File> {
    File::open(path)
}

#[cfg(unix)]
fn kind(file_type: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if file_type.is_fifo() {
        "a named pipe"
    } else if file_type.is_char_device() {
        "a character device"
    } else if file_type.is_block_device() {
        "a block device"
    } else if file_type.is_socket() {
        "a socket"
    } else {
        "not a file"
    }
}

#[cfg(not(unix))]
fn kind(_: &std::fs::FileType) -> &'static str {
    "not a file"
}

/// Where the book's files may lead: the git repository holding the book
/// (else the book's folder) and the source folder, but not `.git` itself.
#[derive(Clone, Debug)]
pub struct Boundary {
    inside: Vec<PathBuf>,
}

impl Boundary {
    /// The boundary of the book in `root` with its runbooks in `src`.
    pub fn new(root: &Path, src: &Path) -> Boundary {
        let mut inside = Vec::new();
        if let Ok(root) = real(root) {
            let repo = root
                .ancestors()
                .find(|dir| dir.join(".git").exists())
                .map(Path::to_path_buf);
            inside.push(repo.unwrap_or(root));
        }
        inside.extend(real(src));
        Boundary { inside }
    }

    /// Also allows `dir`: a folder the user named on the command line.
    pub fn with(mut self, dir: &Path) -> Boundary {
        self.inside.extend(real(dir));
        self
    }

    /// Where `path` really is, when that is outside the boundary. `None`
    /// when inside, or when it does not resolve (a dangling link is
    /// reported as such by whoever opens it).
    pub fn escape(&self, path: &Path) -> Option<PathBuf> {
        let real = real(path).ok()?;
        let inside = self.inside.iter().any(|dir| {
            real.strip_prefix(dir).is_ok_and(|rest| {
                !rest
                    .components()
                    .any(|c| c == Component::Normal(".git".as_ref()))
            })
        });
        (!inside).then_some(real)
    }
}

/// The path with every symlink resolved; `""` (the parent of `book.toml`
/// named alone) is the working directory.
fn real(path: &Path) -> std::io::Result<PathBuf> {
    if path.as_os_str().is_empty() {
        std::fs::canonicalize(".")
    } else {
        std::fs::canonicalize(path)
    }
}
