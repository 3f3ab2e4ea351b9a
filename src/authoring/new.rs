//! `runbook new "Title" --owner NAME`: a runbook that starts out with the
//! fields and sections the linter asks for, so writing it is filling in.

use std::path::{Path, PathBuf};

use jiff::civil::Date;
use regex::Regex;

use crate::config::Settings;
use crate::diagnostic::Severity;
use crate::document::Document;
use crate::document::slug::slugify;
use crate::workspace::{self, full, normalize};

/// File names stop at a word before this many bytes: a title may be a
/// whole sentence, and file systems refuse names past 255 bytes.
const MAX_STEM: usize = 80;

/// Creates the runbook named `title` in `dir`, or, when `title` is a
/// Markdown file name (`db/restore-orders.md`, as `hugo new` takes one),
/// that file in `dir`, titled after its name (`Restore orders`). What it
/// writes passes the checks of the front matter `lint` makes: an owner
/// `required-field` rejects (`TBD`, blank) is refused, not written. Returns
/// the new file, and the heading patterns of required sections it could
/// write no heading for (see [`Shape`]).
pub fn create(
    dir: &Path,
    title: &str,
    owner: &str,
    settings: &Settings,
    today: Date,
) -> Result<(PathBuf, Vec<String>), String> {
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
    refuse_unread(&path, settings)?;
    let title = title.as_str();
    let shape = Shape::of(settings);
    let text = template(title, owner, today, &shape);
    check_front_matter(&path, &text, settings, today)?;
    let dir = path.parent().unwrap_or(dir);
    refuse_escape(dir, settings)?;
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    write_new(&path, &text).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists if from_title => format!(
            "`{}` already exists (the file name of the title \"{}\"): pick another title, or edit that runbook",
            path.display(),
            title.escape_debug()
        ),
        std::io::ErrorKind::AlreadyExists => format!(
            "`{}` already exists: pick another name, or edit that runbook",
            path.display()
        ),
        _ => format!(
            "cannot write {}: {}; nothing was created",
            path.display(),
            crate::fix::io_reason(&e)
        ),
    })?;
    Ok((path, shape.unwritten))
}

/// Writes `text` to a new file at `path`, whole or not at all: a temporary
/// file in the same folder, written and synced, is linked to `path`, which
/// fails if `path` exists meanwhile (nothing is ever overwritten). A write
/// that fails (a full disk, a quota) leaves no empty runbook behind for
/// `lint` to report and a retry to refuse as existing.
fn write_new(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(".runbook-new-");
    // What `create_new` gave: read and write for all, narrowed by the
    // umask, where a temporary file is the owner's alone.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut temp = builder.tempfile_in(dir)?;
    temp.write_all(text.as_bytes())?;
    temp.as_file().sync_all()?;
    temp.persist_noclobber(path).map_err(|e| e.error)?;
    Ok(())
}

/// Refuses a runbook the book would not read, where `lint`, `build` and
/// `due` would never see it: outside the source folder, matched by
/// `[lint] exclude`, named like a repository's own document
/// (`SECURITY.md`), or ignored by git. The predicates are the walk's.
fn refuse_unread(path: &Path, settings: &Settings) -> Result<(), String> {
    let src = full(&settings.src);
    let Some(rel) = workspace::relative(&src, &full(path)) else {
        return Err(format!(
            "`{}` is outside the source folder `{}`: `lint`, `build` and `due` would never read it; create it inside (a folder under it with --path, or a name such as `db/restore.md`)",
            path.display(),
            settings.src.display()
        ));
    };
    let why = if settings.exclude.is_match(&rel) {
        "`[lint] exclude` in book.toml matches it"
    } else if settings.excluded(&rel) {
        "it is named like a document a repository keeps beside its runbooks (README, SECURITY, CHANGELOG, ...), which is no runbook"
    } else if !workspace::in_book(path, settings) {
        "git ignores it (a .gitignore or .git/info/exclude matches it)"
    } else {
        return Ok(());
    };
    Err(format!(
        "`{}` would not be part of the book: {why}, so `lint`, `build` and `due` would never read it; pick another name or folder",
        path.display()
    ))
}

/// Refuses to write through a symlinked folder that leads out of the
/// repository or into `.git`, as `lint` refuses to read through it
/// (`symlink-outside`): where the folder really is, up to the part of it
/// that exists, must be inside the book's boundary.
fn refuse_escape(dir: &Path, settings: &Settings) -> Result<(), String> {
    let dir = full(dir);
    let Some(existing) = dir.ancestors().find(|a| a.exists()) else {
        return Ok(());
    };
    match settings.boundary.escape(existing) {
        Some(real) => Err(format!(
            "`{}` leads to `{}` through a symlink, outside the repository or into `.git`: `lint` does not read there, and `new` does not write there; create the runbook in a real folder of the book",
            existing.display(),
            real.display()
        )),
        None => Ok(()),
    }
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

/// What the book asks of a runbook's shape, which a new one follows so
/// that it passes `lint` as written: a status the book allows, and a
/// heading for each section it requires.
#[derive(Debug)]
pub struct Shape {
    status: String,
    /// The rollback section's heading.
    rollback: String,
    /// Headings of the required sections the template has none for.
    required: Vec<String>,
    /// Required heading patterns no heading text could be made for.
    pub unwritten: Vec<String>,
}

/// The sections every new runbook starts with, before the required ones
/// and the rollback section.
const SECTIONS: [(&str, &str); 4] = [
    (
        "Overview",
        "What this procedure does, when to use it, and what it touches.",
    ),
    ("Prerequisites", "- Access you need before starting."),
    (
        "Procedure",
        "1. First step.\n\n   ```bash\n   echo \"replace with the first command\"\n   ```",
    ),
    ("Verification", "How to tell that it worked."),
];

impl Default for Shape {
    /// The shape the default rules ask for.
    fn default() -> Shape {
        Shape {
            status: "draft".into(),
            rollback: "Rollback".into(),
            required: Vec::new(),
            unwritten: Vec::new(),
        }
    }
}

impl Shape {
    /// The shape `settings` ask for: `draft` when the book's statuses allow
    /// it, else the first of them; a rollback heading the book's pattern
    /// (`rollback-heading`) matches; a heading for each section that
    /// `required-sections` or a `required-section` rule of `lints/` asks for.
    pub fn of(settings: &Settings) -> Shape {
        use crate::lint::custom::{Kind, ROLLBACK_SECTION, STATUS_VALUES};
        let mut shape = Shape::default();
        let statuses = settings.custom_rules.iter().find_map(|r| match &r.kind {
            Kind::FrontMatter { values, .. } if r.id == STATUS_VALUES => Some(values),
            _ => None,
        });
        if let Some(first) = statuses
            .filter(|v| !v.iter().any(|s| s == "draft"))
            .and_then(|v| v.first())
        {
            shape.status.clone_from(first);
        }
        let mut patterns: Vec<&Regex> = settings.required_sections.iter().collect();
        for rule in &settings.custom_rules {
            if let Kind::RequiredSection { heading, .. } = &rule.kind {
                if rule.id == ROLLBACK_SECTION {
                    match heading_matching(heading) {
                        Some(text) => shape.rollback = text,
                        None if !heading.is_match(&shape.rollback) => {
                            shape.unwritten.push(heading.as_str().to_string());
                        }
                        None => {}
                    }
                } else {
                    patterns.push(heading);
                }
            }
        }
        for pattern in patterns {
            let written = SECTIONS
                .iter()
                .map(|(h, _)| *h)
                .chain(shape.required.iter().map(String::as_str))
                .chain([shape.rollback.as_str()])
                .any(|h| pattern.is_match(h));
            if written {
                continue;
            }
            match heading_matching(pattern) {
                Some(text) => shape.required.push(text),
                None => shape.unwritten.push(pattern.as_str().to_string()),
            }
        }
        shape
    }
}

/// A heading text `pattern` matches, made from it when it is a plain list
/// of words (`(?i)^(undo|back ?out)$` gives `Undo`): the first alternative
/// of letters, digits, spaces and dashes that the pattern, tried on it
/// capitalized and as written, matches. `Rollback` is kept when the
/// pattern matches it. Any other pattern gives none: guessing at a regex
/// would write a heading the book does not accept.
fn heading_matching(pattern: &Regex) -> Option<String> {
    if pattern.is_match("Rollback") {
        return Some("Rollback".into());
    }
    let mut core = pattern.as_str();
    // Leading flags (`(?i)`), anchors, and one group around the whole.
    while let Some(rest) = core.strip_prefix("(?").and_then(|r| {
        let end = r.find(')')?;
        r[..end]
            .chars()
            .all(|c| c.is_ascii_alphabetic() || c == '-')
            .then(|| &r[end + 1..])
    }) {
        core = rest;
    }
    let core = core.trim_start_matches('^').trim_end_matches('$');
    let core = core
        .strip_prefix("(?:")
        .or_else(|| core.strip_prefix('('))
        .and_then(|c| c.strip_suffix(')'))
        .unwrap_or(core);
    core.split('|')
        .filter(|alt| {
            !alt.trim().is_empty()
                && alt
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == ' ' || c == '-')
        })
        .flat_map(|alt| {
            let mut chars = alt.trim().chars();
            let capital: String = chars
                .next()
                .into_iter()
                .flat_map(char::to_uppercase)
                .chain(chars)
                .collect();
            [capital, alt.trim().to_string()]
        })
        .find(|text| pattern.is_match(text))
}

/// The text of a new runbook: front matter and the sections the linter
/// asks for, in the shape the book asks for.
pub fn template(title: &str, owner: &str, today: Date, shape: &Shape) -> String {
    let quoted = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let mut text = format!(
        "---\ntitle: {}\nowner: {}\nlast_reviewed: {today}\nstatus: {}\ntags: []\n---\n\n# {}\n",
        quoted(title),
        quoted(owner),
        quoted(&shape.status),
        heading(title),
    );
    let required = shape
        .required
        .iter()
        .map(|h| (h.as_str(), "What this section must say."));
    let rollback = [(shape.rollback.as_str(), "How to undo every step above.")];
    for (heading, body) in SECTIONS.into_iter().chain(required).chain(rollback) {
        text.push_str(&format!("\n## {heading}\n\n{body}\n"));
    }
    text
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
            &Shape::default(),
        );
        assert!(
            text.contains("title: \"Fail over\\nthe database\""),
            "{text}"
        );
        assert!(text.contains("\n# Fail over the database\n"), "{text}");
    }
}
