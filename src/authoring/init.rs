//! `runbook init [DIR]`: a starter book — `book.toml`, one example runbook,
//! the default templates and an example `lints/` file — that lints clean
//! and builds. It writes nothing if any of its files already exists.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

const BOOK_TOML: &str = r#"# runbook configuration: every key is optional; these are the defaults
# unless marked otherwise. See the README for the full list.

[book]
title = "Runbooks"
src = "content"

[lint]
review-period = "90d"
due-soon = "14d"
# statuses = ["draft", "authoritative", "deprecated"]  # unset: runbook's status-values rule
required-fields = ["owner", "last_reviewed", "status"]

# [lint.review-period-by-status]   # an example, not a default: none is set
# draft = "30d"                    # drafts fall due 30 days after a review

# [lint.rules]
# heading-no-space = "off"

# [front-matter.aliases]
# last_reviewed = ["last_reviewed_on"]
"#;

const TEAM_RULES: &str = r#"# Team rules: a list of rules of four kinds (pattern, required-section,
# front-matter, command). `runbook rules` lists them; see the README.

- id: verification-section
  kind: required-section
  heading: '(?i)^verification$'
  non-empty: true
  message: procedures need a Verification section
  help: add `## Verification` with the checks that prove it worked

- id: no-todo
  kind: pattern
  scope: prose
  regex: '\b(TODO|FIXME|TBD)\b'
  severity: warning
  message: unfinished text in a runbook
"#;

/// Writes the starter files into `dir`; returns what it wrote.
pub fn init(dir: &Path, today: Date) -> Result<Vec<PathBuf>, String> {
    let mut files: Vec<(PathBuf, String)> = vec![
        (dir.join("book.toml"), BOOK_TOML.to_string()),
        (dir.join("lints/team-rules.yaml"), TEAM_RULES.to_string()),
        (
            dir.join("content/restart-the-api.md"),
            super::new::template(
                "Restart the API",
                "team-platform",
                today,
                &super::new::Shape::default(),
            ),
        ),
    ];
    for (name, text) in crate::site::templates::shipped_files() {
        files.push((dir.join("templates").join(name), text.to_string()));
    }
    if dir.exists() && !dir.is_dir() {
        return Err(format!(
            "`{}` is a file, not a folder: name the folder to start the book in",
            dir.display()
        ));
    }
    // Everything is checked before anything is written: a folder on the
    // way that is a file, or a file (even a dangling link) in the place of
    // one of ours, would stop the writing halfway.
    let mut folders: Vec<PathBuf> = Vec::new();
    for (path, _) in &files {
        for folder in path.ancestors().skip(1) {
            if folder.as_os_str().is_empty() || folders.iter().any(|f| f == folder) {
                continue;
            }
            if let Ok(meta) = std::fs::metadata(folder) {
                if !meta.is_dir() {
                    return Err(format!(
                        "`{}` is a file, not a folder; nothing was written",
                        folder.display()
                    ));
                }
            } else if std::fs::symlink_metadata(folder).is_ok() {
                return Err(format!(
                    "`{}` is a link to nothing, where a folder goes; nothing was written",
                    folder.display()
                ));
            }
            folders.push(folder.to_path_buf());
        }
    }
    let existing: Vec<String> = files
        .iter()
        .filter(|(p, _)| std::fs::symlink_metadata(p).is_ok())
        .map(|(p, _)| p.display().to_string())
        .collect();
    if !existing.is_empty() {
        return Err(format!(
            "would overwrite {}; nothing was written",
            existing.join(", ")
        ));
    }
    // What is written is undone when a later file cannot be: a book is
    // started whole or not at all.
    let mut done = Written::default();
    if let Err(why) = write_files(&files, &mut done) {
        for path in &done.files {
            let _ = std::fs::remove_file(path);
        }
        for folder in done.folders.iter().rev() {
            let _ = std::fs::remove_dir(folder);
        }
        return Err(format!("{why}; what was written before is removed"));
    }
    Ok(files.into_iter().map(|(p, _)| p).collect())
}

/// The files and folders a start of a book has made so far.
#[derive(Default)]
struct Written {
    files: Vec<PathBuf>,
    /// In the order they were made, parents first.
    folders: Vec<PathBuf>,
}

fn write_files(files: &[(PathBuf, String)], done: &mut Written) -> Result<(), String> {
    for (path, text) in files {
        if let Some(parent) = path.parent() {
            let missing: Vec<&Path> = parent
                .ancestors()
                .take_while(|f| !f.as_os_str().is_empty() && !f.exists())
                .collect();
            // Listed first: a folder made before a failure is removed too.
            done.folders
                .extend(missing.into_iter().rev().map(Path::to_path_buf));
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        // `create_new`: a file that appeared since the check is not overwritten either.
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        done.files.push(path.clone());
        std::io::Write::write_all(&mut file, text.as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}
