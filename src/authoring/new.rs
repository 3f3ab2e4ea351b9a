//! `runbook new "Title" --owner NAME`: a runbook that starts out with the
//! fields and sections the linter asks for, so writing it is filling in.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::document::slug::slugify;
use crate::workspace::{full, normalize};

/// File names stop at a word before this many bytes: a title may be a
/// whole sentence, and file systems refuse names past 255 bytes.
const MAX_STEM: usize = 80;

/// Creates the runbook named `title` in `dir`, or, when `title` is a
/// Markdown file name (`db/restore-orders.md`, as `hugo new` takes one),
/// that file in `dir`, titled after its name (`Restore orders`).
pub fn create(dir: &Path, title: &str, owner: &str, today: Date) -> Result<PathBuf, String> {
    let (path, title) = match title_of_file(title) {
        Some(from_name) => (file_in(dir, title)?, from_name),
        None if md_stem(title).is_some() => {
            return Err(format!(
                "`{}` has no name before `.md`",
                title.escape_debug()
            ));
        }
        None => {
            let stem = file_stem(title);
            if stem.is_empty() {
                return Err(format!(
                    "`{title}` gives no file name; use letters or digits"
                ));
            }
            (dir.join(format!("{stem}.md")), title.to_string())
        }
    };
    let title = title.as_str();
    let dir = path.parent().unwrap_or(dir);
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let text = template(title, owner, today);
    // `create_new` refuses to overwrite, even if the file appears meanwhile.
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    std::io::Write::write_all(&mut file, text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

/// Where a file name given to `new` is written: inside `dir`, never out of
/// it. A path that already leads into `dir` from the current folder
/// (`content/db/x.md` from the book's folder, `x.md` from inside
/// `content/db`) is taken as it is, as `runbook lint` takes paths; any
/// other is under `dir`.
fn file_in(dir: &Path, name: &str) -> Result<PathBuf, String> {
    if name.chars().any(char::is_control) {
        return Err(format!(
            "`{}` holds a control character: name the file with letters, digits, `-` and `/`",
            name.escape_debug()
        ));
    }
    let inside = full(dir);
    let written = Path::new(name);
    let path = if full(written).starts_with(&inside) {
        normalize(written)
    } else {
        normalize(&dir.join(written))
    };
    let target = full(&path);
    if !target.starts_with(&inside) || target == inside {
        return Err(format!(
            "`{name}` is outside `{}`, where the runbooks are: name a file inside it (`db/restore.md`), or another folder with --path",
            dir.display()
        ));
    }
    Ok(path)
}

/// What comes before a final `.md` (in any letter case), if the name ends so.
fn md_stem(name: &str) -> Option<&str> {
    let at = name.len().checked_sub(3)?;
    (name.is_char_boundary(at) && name[at..].eq_ignore_ascii_case(".md")).then(|| &name[..at])
}

/// The title a file name `db/restore-orders.md` gives (`Restore orders`),
/// if the argument is one.
fn title_of_file(arg: &str) -> Option<String> {
    let name = arg.rsplit(['/', '\\']).next()?;
    let stem = md_stem(name)?;
    let words = stem.replace(['-', '_'], " ");
    let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut chars = words.chars();
    let first = chars.next()?;
    Some(first.to_uppercase().chain(chars).collect())
}

/// The title's slug, cut at the last word that fits in [`MAX_STEM`].
fn file_stem(title: &str) -> String {
    let slug = slugify(title);
    if slug.len() <= MAX_STEM {
        return slug;
    }
    let mut end = MAX_STEM;
    while !slug.is_char_boundary(end) {
        end -= 1;
    }
    let head = &slug[..end];
    let words = match head.rfind('-') {
        Some(dash) if dash > 0 => &head[..dash],
        _ => head,
    };
    words.trim_end_matches('-').to_string()
}

/// The text of a new runbook: front matter and the sections the linter asks for.
pub fn template(title: &str, owner: &str, today: Date) -> String {
    let quoted = |s: &str| serde_json::to_string(s).unwrap_or_default();
    format!(
        r#"---
title: {title_yaml}
owner: {owner_yaml}
last_reviewed: {today}
status: draft
tags: []
---

# {heading}

## Overview

What this procedure does, when to use it, and what it touches.

## Prerequisites

- Access you need before starting.

## Procedure

1. First step.

   ```bash
   echo "replace with the first command"
   ```

## Verification

How to tell that it worked.

## Rollback

How to undo every step above.
"#,
        title_yaml = quoted(title),
        // A line break would end the heading and start a paragraph.
        heading = title.split_whitespace().collect::<Vec<_>>().join(" "),
        owner_yaml = quoted(owner),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_name_is_a_path_and_gives_the_title() {
        assert_eq!(
            title_of_file("db/restore-orders_db.md").as_deref(),
            Some("Restore orders db")
        );
        assert_eq!(title_of_file("Fail over.MD").as_deref(), Some("Fail over"));
        assert_eq!(title_of_file("Fail over / fail back"), None);
        assert_eq!(title_of_file("Read the .md files"), None);
        assert_eq!(title_of_file("db/.md"), None);
        assert_eq!(title_of_file("é.md").as_deref(), Some("É"));
    }

    #[test]
    fn a_file_name_stays_inside_the_folder() {
        let dir = Path::new("content");
        let ok = |name: &str| file_in(dir, name).unwrap();
        assert_eq!(ok("db/x.md"), Path::new("content/db/x.md"));
        assert_eq!(ok("db//./x.md"), Path::new("content/db/x.md"));
        assert_eq!(ok("content/db/x.md"), Path::new("content/db/x.md"));
        assert_eq!(ok("./content/x.md"), Path::new("content/x.md"));
        let here = std::env::current_dir().unwrap();
        assert_eq!(
            ok(here.join("content/a.md").to_str().unwrap()),
            here.join("content/a.md")
        );
        for outside in ["../../etc/x.md", "db/../../y.md", "/tmp/x.md", "a\nb.md"] {
            let error = file_in(dir, outside).unwrap_err();
            assert!(
                error.contains(&outside.escape_debug().to_string()),
                "{error}"
            );
        }
    }

    #[test]
    fn long_titles_are_cut_at_a_word() {
        let title = "Restore the ledger database from the nightly snapshot when the primary \
                     and both replicas are lost during a regional outage";
        let stem = file_stem(title);
        assert_eq!(
            stem,
            "restore-the-ledger-database-from-the-nightly-snapshot-when-the-primary-and-both"
        );
        assert!(stem.len() <= MAX_STEM);
        let wide = "é".repeat(300);
        let stem = file_stem(&wide);
        assert!(
            stem.len() <= MAX_STEM && stem.chars().all(|c| c == 'é'),
            "{stem}"
        );
        assert_eq!(
            file_stem("Rotate the DB password"),
            "rotate-the-db-password"
        );
    }

    #[test]
    fn a_title_over_two_lines_is_one_heading() {
        let text = template(
            "Fail over\nthe database",
            "sre",
            jiff::civil::date(2026, 11, 25),
        );
        assert!(
            text.contains("title: \"Fail over\\nthe database\""),
            "{text}"
        );
        assert!(text.contains("\n# Fail over the database\n"), "{text}");
    }
}
