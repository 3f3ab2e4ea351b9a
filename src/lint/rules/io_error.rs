//! File or folder that cannot be read (`io-error`)
//!
//! ## What it checks
//! Every runbook and folder in the tree must be readable, starting with
//! the source folder itself (`src` under [book]). A path named on
//! the command line must exist. A folder named like a file (`x.md/`) is
//! walked as a folder. A symlink named like a runbook whose target is gone
//! is reported; other dangling links (an editor's lock file) are not
//! runbooks and are left alone. A named pipe, device or socket named like a
//! runbook is reported and not opened for reading. When files are named
//! (pre-commit), only problems at or under them are reported.
//!
//! ## Why it matters
//! A gate that skips what it cannot read passes what it never checked. The
//! run goes on with the other files, and exits with code 2. Reading a named
//! pipe or `/dev/stdin` would wait forever, and `/dev/zero` never ends.
//!
//! ## Example
//! ```text
//! content/db/restore.md: cannot read: Permission denied (os error 13)
//! content/db/old.md: broken symlink: it points to `archive/old.md`, which does not exist
//! content/db/pipe.md: is a named pipe, not a regular file; not read
//! content/a/b/.../z: cannot read: File name too long (os error 36)
//! ```
//!
//! ## Fix
//! Fix the permissions or the path (shorten folder names nested past the
//! system's path limit); restore a link's target or remove the link; point
//! `src` at the folder that holds the runbooks.

crate::rule!("io-error", Error, None);
