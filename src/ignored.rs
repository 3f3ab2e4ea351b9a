//! What git ignores is not part of the book: `node_modules/`, build
//! output, a vendored dependency's README. The walk skips what the
//! repository's `.gitignore` files and `.git/info/exclude` ignore, as
//! ripgrep and ruff do, so `runbook lint` at the root of a service's
//! repository reads the team's pages and not the READMEs of its
//! dependencies. Outside a git repository nothing is ignored: a
//! `.gitignore` there is nobody's. `[lint] respect-gitignore = false`
//! turns this off.

use std::path::{Path, PathBuf};

use ignore::Match;
use ignore::gitignore::Gitignore;

/// The ignore files in force at one point of a depth-first walk.
#[derive(Clone)]
pub struct Ignored {
    /// The walk's root, absolute, which entries' relative paths join.
    root: PathBuf,
    /// Matchers by the depth of the folder whose `.gitignore` each is, from
    /// `.git/info/exclude` and the repository's root down: the last one
    /// that says something about a path decides, as in git.
    stack: Vec<(usize, Gitignore)>,
}

impl Ignored {
    /// The ignore files above the walk's `root`, up to its repository's
    /// root; `None` outside a repository (or when turned off).
    pub fn new(root: &Path, respect: bool) -> Option<Ignored> {
        if !respect {
            return None;
        }
        let root = std::fs::canonicalize(root).ok()?;
        let repo = root.ancestors().find(|dir| dir.join(".git").exists())?;
        let mut stack = Vec::new();
        push(&mut stack, 0, &repo.join(".git/info/exclude"), repo);
        let mut folders: Vec<&Path> = root.ancestors().take_while(|d| *d != repo).collect();
        folders.push(repo);
        for dir in folders.into_iter().rev() {
            push(&mut stack, 0, &dir.join(".gitignore"), dir);
        }
        Some(Ignored { root, stack })
    }

    /// Whether the walk skips the entry at `rel` (relative to the root),
    /// `depth` folders below it. Entries come in depth-first order; a
    /// folder that is not skipped brings its `.gitignore` into force for
    /// what is below it.
    pub fn skips(&mut self, rel: &str, depth: usize, is_dir: bool) -> bool {
        while self
            .stack
            .last()
            .is_some_and(|(d, _)| *d >= depth && *d > 0)
        {
            self.stack.pop();
        }
        let path = self.root.join(rel);
        let decided = self
            .stack
            .iter()
            .rev()
            .map(|(_, ignore)| ignore.matched(&path, is_dir))
            .find(|m| !m.is_none());
        if matches!(decided, Some(Match::Ignore(_))) {
            return true;
        }
        if is_dir {
            push(&mut self.stack, depth, &path.join(".gitignore"), &path);
        }
        false
    }
}

/// Adds the ignore file at `file`, whose patterns are relative to `dir`,
/// if there is one. A line git cannot read is skipped, as git skips it.
fn push(stack: &mut Vec<(usize, Gitignore)>, depth: usize, file: &Path, dir: &Path) {
    if !file.is_file() {
        return;
    }
    let mut builder = ignore::gitignore::GitignoreBuilder::new(dir);
    let _partial = builder.add(file);
    if let Ok(ignore) = builder.build() {
        stack.push((depth, ignore));
    }
}
