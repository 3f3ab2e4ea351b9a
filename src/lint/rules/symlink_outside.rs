//! Symlink that leads out of the repository (`symlink-outside`)
//!
//! ## What it checks
//! Symlinks are followed inside the git repository that holds the book
//! (without one, inside the book's folder and its source folder). A runbook
//! or folder whose link resolves anywhere else, or into `.git`, is reported
//! and neither read nor walked. `book.toml`, `lints/` and templates are held
//! to the same bound.
//!
//! ## Why it matters
//! A pull request can commit a symlink to any path on the machine that runs
//! the gate. Followed, `env.md -> /proc/self/environ` would print the CI's
//! secrets in the findings and publish them in the site, `-> ../.git/config`
//! the token `actions/checkout` keeps there, and `-> /dev/zero` would never
//! finish reading.
//!
//! ## Example
//! ```text
//! content/env.md: is a symlink to `/proc/self/environ`, outside the repository; not read
//! ```
//!
//! ## Fix
//! Copy the file into the repository, or link to a file inside it.

crate::rule!("symlink-outside", Error, None);
