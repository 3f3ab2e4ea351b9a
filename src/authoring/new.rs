//! `runbook new "Title" --owner NAME`: a runbook that starts out with the
//! fields and sections the linter asks for, so writing it is filling in.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::config::Settings;
use crate::diagnostic::Severity;
use crate::document::Document;
use crate::document::slug::slugify;
use crate::workspace::{full, normalize};

/// File names stop at a word before this many bytes: a title may be a
/// whole sentence, and file systems refuse names past 255 bytes.
const MAX_STEM: usize = 80;

/// Creates the runbook named `title` in `dir`, or, when `title` is a
/// Markdown file name (`db/restore-orders.md`, as `hugo new` takes one),
/// that file in `dir`, titled after its name (`Restore orders`). What it
/// writes passes the checks of the front matter `lint` makes: an owner
/// `required-field` rejects (`TBD`, blank) is refused, not written.
pub fn create(
    dir: &Path,
    title: &str,
    owner: &str,
    settings: &Settings,
    today: Date,
) -> Result<PathBuf, String> {
    if let Some(what) = super::unprintable(title) {
        return Err(format!(
            "`{}` holds {what}: write the title on one line, in plain text",
            title.escape_debug()
        ));
    }
    let owner = owner.trim();
    if let Some(what) = super::unprintable(owner) {
        return Err(format!(
            "--owner `{}` holds {what}: name the team or person in plain text",
            owner.escape_debug()
        ));
    }
    let (path, title, from_title) = match title_of_file(title) {
        Some(from_name) => (file_in(dir, title)?, from_name, false),
        None if md_stem(title).is_some() => {
            return Err(format!(
                "`{}` has no name before its extension",
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
            (dir.join(format!("{stem}.md")), title.to_string(), true)
        }
    };
    refuse_hidden(&path, dir, settings)?;
    let title = title.as_str();
    let text = template(title, owner, today);
    check_front_matter(&path, &text, settings, today)?;
    let dir = path.parent().unwrap_or(dir);
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    // `create_new` refuses to overwrite, even if the file appears meanwhile.
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists if from_title => format!(
                "`{}` already exists (the file name of the title \"{}\"): pick another title, or edit that runbook",
                path.display(),
                title.escape_debug()
            ),
            std::io::ErrorKind::AlreadyExists => format!(
                "`{}` already exists: pick another name, or edit that runbook",
                path.display()
            ),
            _ => format!("cannot create {}: {e}", path.display()),
        })?;
    std::io::Write::write_all(&mut file, text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

/// Refuses a runbook that `lint` and `build` would never see: a name, or a
/// folder under the source folder, starting with `.`. A name starting with
/// `-` is refused too: `rm` and `mv` read it as an option.
fn refuse_hidden(path: &Path, dir: &Path, settings: &Settings) -> Result<(), String> {
    let target = full(path);
    // The folders under the source folder, or under `dir` when it is elsewhere.
    let under = [full(&settings.src), full(dir)]
        .into_iter()
        .find_map(|root| target.strip_prefix(&root).ok().map(Path::to_path_buf));
    let Some(under) = under else {
        return Ok(());
    };
    for part in under.components() {
        let name = part.as_os_str().to_string_lossy();
        if name.starts_with('.') {
            return Err(format!(
                "`{}`: `{name}` starts with `.`, and hidden files are not part of the book (`lint` and `build` skip them): drop the `.`",
                path.display()
            ));
        }
        if name.starts_with('-') {
            return Err(format!(
                "`{}`: `{name}` starts with `-`, which `rm`, `mv` and `git` read as an option: start the name with a letter or digit",
                path.display()
            ));
        }
    }
    Ok(())
}

/// Lints the front matter of a new runbook as `lint` would, and refuses it
/// when a rule about its fields rejects what `new` was given: an owner that
/// names nobody or is blank (`required-field`), a value that does not parse
/// or has the wrong type. A field the book requires and `new` does not
/// write is left for the author to add, as the linter will say.
fn check_front_matter(
    path: &Path,
    text: &str,
    settings: &Settings,
    today: Date,
) -> Result<(), String> {
    use crate::lint::rules::{field_type, front_matter_invalid, required_field};
    // The front matter alone: its fields are all that is in question, and
    // the body's code block is not to be checked by running anything.
    let end = text.find("\n---\n").map_or(text.len(), |at| at + 5);
    let doc = Document::parse(
        path.to_path_buf(),
        String::new(),
        text.as_bytes()[..end].to_vec(),
        &settings.aliases,
    );
    let owner_line = text[..end]
        .lines()
        .position(|l| l.starts_with("owner:"))
        .map(|i| i + 1);
    let findings = crate::lint::lint_document(&doc, settings, today);
    let refused = findings.iter().find(|d| {
        let about_owner = Some(d.span.start.line) == owner_line;
        d.severity == Severity::Error
            && d.is_counted()
            && ((d.rule == required_field::ID && about_owner)
                || [front_matter_invalid::ID, field_type::ID].contains(&d.rule))
    });
    match refused {
        Some(d) if d.rule == required_field::ID => Err(format!(
            "--owner: {} [{}]: name the team or rotation that answers for it (`--owner team-db`)",
            d.message, d.rule
        )),
        Some(d) => Err(format!("not created: {} [{}]", d.message, d.rule)),
        None => Ok(()),
    }
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

/// What comes before a final `.md` or `.markdown` (in any letter case), the
/// extensions the walk reads, if the name ends so.
fn md_stem(name: &str) -> Option<&str> {
    let (stem, extension) = name.rsplit_once('.')?;
    (extension.eq_ignore_ascii_case("md") || extension.eq_ignore_ascii_case("markdown"))
        .then_some(stem)
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
    // No dash first (`rm` would read an option) or last (`step-.md`).
    let slug = slugify(title).trim_matches('-').to_string();
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
        heading = heading(title),
        owner_yaml = quoted(owner),
    )
}

/// The title as the text of a Markdown heading that shows it as written:
/// on one line (a line break would end the heading and start a paragraph),
/// with what Markdown reads as a link, emphasis, code or HTML escaped
/// (`See [runbook](other.md)` is no link).
fn heading(title: &str) -> String {
    let line = title.split_whitespace().collect::<Vec<_>>().join(" ");
    let chars: Vec<char> = line.chars().collect();
    // `#`s ending the line would close the heading, and be dropped.
    let closing = chars.iter().rev().take_while(|&&c| c == '#').count();
    let mut out = String::with_capacity(line.len());
    for (i, &c) in chars.iter().enumerate() {
        let word = |at: Option<&char>| at.is_some_and(|c| c.is_alphanumeric());
        let escaped = match c {
            '\\' | '`' | '*' | '[' | ']' | '<' | '~' => true,
            // Within a word (`db_password`) an underscore is no emphasis.
            '_' => !(i > 0 && word(chars.get(i - 1)) && word(chars.get(i + 1))),
            // `&amp;` would be read as `&`.
            '&' => chars
                .get(i + 1)
                .is_some_and(|n| n.is_alphanumeric() || *n == '#'),
            '#' => i >= chars.len() - closing,
            _ => false,
        };
        if escaped {
            out.push('\\');
        }
        out.push(c);
    }
    out
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
