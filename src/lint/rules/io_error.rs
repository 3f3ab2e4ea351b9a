//! File or folder that cannot be read (`io-error`)
//!
//! ## What it checks
//! Every runbook and folder in the tree must be readable. A path named on
//! the command line must exist. A folder named like a file (`x.md/`) is
//! walked as a folder.
//!
//! ## Why it matters
//! A gate that skips what it cannot read passes what it never checked. The
//! run goes on with the other files, and exits with code 2.
//!
//! ## Example
//! ```text
//! content/db/restore.md: cannot read: Permission denied (os error 13)
//! ```
//!
//! ## Fix
//! Fix the permissions or the path.

crate::rule!("io-error", Error, None);
