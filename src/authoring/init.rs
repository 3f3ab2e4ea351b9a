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

[lint.review-period-by-status]
draft = "30d"

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
            super::new::template("Restart the API", "team-platform", today),
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
    let existing: Vec<String> = files
        .iter()
        .filter(|(p, _)| p.exists())
        .map(|(p, _)| p.display().to_string())
        .collect();
    if !existing.is_empty() {
        return Err(format!(
            "would overwrite {}; nothing was written",
            existing.join(", ")
        ));
    }
    for (path, text) in &files {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        // `create_new`: a file that appeared since the check is not overwritten either.
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        std::io::Write::write_all(&mut file, text.as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(files.into_iter().map(|(p, _)| p).collect())
}
