//! Reporters: each formats the same diagnostics for one audience.

pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod sarif;

use std::io::{self, Write};

use crate::diagnostic::{Diagnostic, Summary};
use crate::lint::rules::bidi_control::is_bidi_control;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Like rustc and ruff: `path:line:col`, the source line, help.
    Human,
    /// A stable JSON document (schema in the README).
    Json,
    /// SARIF 2.1.0 for GitHub code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// GitLab Code Quality report.
    Gitlab,
}

/// Everything a reporter may show.
pub struct Report<'a> {
    pub diagnostics: &'a [Diagnostic],
    pub summary: Summary,
    /// Show suppressed findings too (human format, SARIF).
    pub show_suppressed: bool,
    /// Colour the human format: the output is a terminal that shows colour.
    pub colour: bool,
    /// The git repository the lint ran in, if any: see [`Report::scanned_path`].
    pub repository: Option<Repository>,
    /// The rules of `lints/` and the defaults, for a format that describes
    /// every rule, found or not (SARIF).
    pub team_rules: &'a [crate::lint::custom::CustomRule],
}

impl Report<'_> {
    /// A finding's path as the formats for code scanning and review name it
    /// (SARIF, GitHub annotations, GitLab Code Quality): from the root of
    /// the repository, which those services read every path against. A job
    /// that lints from `docs/` must still say `docs/x.md`, not `x.md` or
    /// `../docs/x.md`. Outside a repository, or for a file outside it, the
    /// path as the other formats show it.
    pub fn scanned_path(&self, path: &std::path::Path) -> String {
        self.repository
            .as_ref()
            .and_then(|repository| repository.relative(path))
            .unwrap_or_else(|| display_path(path))
    }
}

/// Where the repository's root is, seen from the working folder.
pub struct Repository {
    /// The root, absolute and cleaned.
    root: std::path::PathBuf,
    /// The working folder, absolute and cleaned.
    cwd: std::path::PathBuf,
}

impl Repository {
    /// The nearest folder at or above the working folder that holds `.git`
    /// (a folder, or a file in a worktree or a submodule).
    pub fn discover() -> Option<Repository> {
        Repository::around(&std::env::current_dir().ok()?)
    }

    /// [`Repository::discover`] from `cwd`.
    pub fn around(cwd: &std::path::Path) -> Option<Repository> {
        let cwd = crate::workspace::normalize(cwd);
        let root = cwd.ancestors().find(|dir| dir.join(".git").exists())?;
        Some(Repository {
            root: root.to_path_buf(),
            cwd: cwd.clone(),
        })
    }

    /// `path` (relative to the working folder, or absolute) from the root,
    /// `/`-separated; `None` when it is not inside the repository.
    fn relative(&self, path: &std::path::Path) -> Option<String> {
        let full = crate::workspace::normalize(&self.cwd.join(path));
        let inside = full.strip_prefix(&self.root).ok()?;
        Some(slashed(&inside.to_string_lossy()))
    }
}

pub fn write(format: Format, report: &Report, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Human => human::write(report, out),
        Format::Json => json::write(report, out),
        Format::Sarif => sarif::write(report, out),
        Format::Github => github::write(report, out),
        Format::Gitlab => gitlab::write(report, out),
    }
}

/// Text from the runbooks as a terminal shows it. A control character in a
/// file name, a title or a step name (`ESC ] 0 ;` retitles the window,
/// `ESC [ 2 J` clears it) becomes its visible symbol (`␛`), so a pull
/// request cannot write to the terminal of whoever lints it. A
/// bidirectional control (see `bidi-control`) becomes `�`, so it cannot
/// reorder the line it is on. Line breaks and tabs stay.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    visible(text, |c| c != '\n' && c != '\t')
}

/// [`printable`] for text that must stay on its line: a finding's message,
/// a title or owner in a list. A line break in a front matter value
/// (`status: "active\nerror[x]: ..."`) is shown as `␊`, so it cannot start
/// a line that reads like a finding of its own.
pub fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    visible(text, |c| c != '\t')
}

/// `text` with every control character `hide` picks shown as its symbol.
fn visible(text: &str, hide: impl Fn(char) -> bool) -> std::borrow::Cow<'_, str> {
    let hidden = |c: char| (c.is_control() && hide(c)) || is_bidi_control(c);
    if !text.contains(hidden) {
        return std::borrow::Cow::Borrowed(text);
    }
    let shown = text
        .chars()
        .map(|c| match c {
            c if !hidden(c) => c,
            '\u{7f}' => '\u{2421}',
            c if (c as u32) < 0x20 => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
            _ => '\u{fffd}',
        })
        .collect();
    std::borrow::Cow::Owned(shown)
}

/// `eprintln!` for a line that may hold text from the runbooks: see
/// [`printable`].
#[macro_export]
macro_rules! eprintln_printable {
    ($($arg:tt)*) => {
        eprintln!("{}", $crate::lint::report::printable(&format!($($arg)*)))
    };
}

/// Standard output for the commands that print a line at a time (`review`,
/// `due`, `new`, `init`, `rules`, `completions`, and `extract --dry-run`'s
/// refusal). It never panics: a reader that went away (`| head`) ends the
/// output quietly, as for `lint`; any other failure (a full disk) is said
/// once on stderr and makes the exit code 2. The work the output reports on
/// goes on either way.
#[derive(Default)]
pub struct Stdout {
    /// Nothing more is written: the pipe closed, or a write failed.
    closed: bool,
    /// A write failed for another reason than a closed pipe.
    failed: bool,
}

impl Stdout {
    /// Writes `text` as is (the caller makes it printable).
    pub fn write(&mut self, text: &str) {
        if self.closed {
            return;
        }
        let mut out = io::stdout().lock();
        if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
            self.closed = true;
            if e.kind() != io::ErrorKind::BrokenPipe {
                crate::eprintln_printable!("error: cannot write to stdout: {e}");
                self.failed = true;
            }
        }
    }

    /// One line that may hold text from the runbooks: see [`printable`].
    pub fn line(&mut self, text: &str) {
        self.write(&format!("{}\n", printable(text)));
    }

    /// The exit code: `code`, unless the output could not be written.
    pub fn code(&self, code: u8) -> u8 {
        if self.failed {
            crate::cli::FAILURE
        } else {
            code
        }
    }
}

/// Text from the runbooks on one line of a Markdown table: no cell break,
/// link, emphasis, strikethrough, heading or HTML of its own, wherever the
/// report is posted (an issue, a job summary, a chat message). GFM links
/// `https://...` and `www....` in plain text too: an escaped `:` before
/// `//`, or `.` after `www`, is still shown but no longer makes one.
/// GitHub renders `$...$` as math: each `$` is escaped, so a status of
/// `$x^2$` or a file named `$HOME.md` reads as written.
pub fn markdown_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        match c {
            '\\' | '|' | '[' | ']' | '*' | '_' | '`' | '#' | '!' | '~' | '$' => {
                out.push('\\');
                out.push(c);
            }
            ':' if text[i + 1..].starts_with("//") => out.push_str("\\:"),
            '.' if out.len() >= 3
                && out.as_bytes()[out.len() - 3..].eq_ignore_ascii_case(b"www") =>
            {
                out.push_str("\\.");
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// A path as a link destination: [`crate::site::render::encode_path`],
/// parentheses too, which would end it.
pub fn markdown_link(path: &str) -> String {
    crate::site::render::encode_path(path)
        .replace('(', "%28")
        .replace(')', "%29")
}

/// Findings serialized at once, on every core; a window at a time, so a
/// serialized report is never held whole in memory.
const WINDOW: usize = 8192;

/// Writes `items` as the elements of a pretty-printed JSON array whose
/// elements sit at `indent`, byte for byte as `serde_json::to_writer_pretty`
/// would (without the brackets), but serialized on every core: on a big
/// run the report is otherwise the largest part of the time spent on one.
pub fn write_pretty_items<'a, D: Sync, T: serde::Serialize>(
    out: &mut dyn Write,
    items: &'a [D],
    entry: impl Fn(&'a D) -> T + Sync,
    indent: &[u8],
) -> io::Result<()> {
    use rayon::prelude::*;
    let line_break = [b"\n".as_slice(), indent].concat();
    for (w, window) in items.chunks(WINDOW).enumerate() {
        let parts: Vec<io::Result<Vec<u8>>> = window
            .par_chunks(256)
            .enumerate()
            .map(|(c, chunk)| {
                // About 500 bytes a finding; one entry buffer reused.
                let mut buf = Vec::with_capacity(chunk.len() * 640);
                let mut json = Vec::with_capacity(1024);
                for (i, item) in chunk.iter().enumerate() {
                    if !(w == 0 && c == 0 && i == 0) {
                        buf.push(b',');
                    }
                    buf.extend_from_slice(&line_break);
                    json.clear();
                    serde_json::to_writer_pretty(&mut json, &entry(item))?;
                    json::indent_into(&mut buf, &json, &line_break);
                }
                Ok(buf)
            })
            .collect();
        for part in parts {
            out.write_all(&part?)?;
        }
    }
    Ok(())
}

/// A path as reports show it: `/`-separated, without a leading `./`, and
/// without a way out and back in: run in `content/` of a book whose
/// book.toml is above, its runbooks are `a.md`, not `../content/a.md`.
pub fn display_path(path: &std::path::Path) -> String {
    let path = within_working_directory(path);
    let text = slashed(&path.to_string_lossy());
    let mut rest = text.as_str();
    while let Some(stripped) = rest.strip_prefix("./") {
        rest = stripped;
    }
    rest.to_string()
}

/// `path`, relative and going up (`../content/a.md`), from the working
/// directory when it leads back inside it; any other path as it is.
fn within_working_directory(path: &std::path::Path) -> std::borrow::Cow<'_, std::path::Path> {
    use std::borrow::Cow;
    use std::path::{Component, PathBuf};
    static CWD: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    let goes_up = path.is_relative() && path.components().any(|c| c == Component::ParentDir);
    let cwd = goes_up
        .then(|| CWD.get_or_init(|| std::env::current_dir().ok()).as_ref())
        .flatten();
    let Some(cwd) = cwd else {
        return Cow::Borrowed(path);
    };
    let full = crate::workspace::normalize(&cwd.join(path));
    match full.strip_prefix(cwd) {
        Ok(inside) if !inside.as_os_str().is_empty() => Cow::Owned(inside.to_path_buf()),
        _ => Cow::Borrowed(path),
    }
}

/// A path's text `/`-separated. Only Windows separates with `\`: elsewhere
/// it is a character of a file name (`a\b.md`), which git and GitHub keep,
/// and turning it into `/` would name another file (`a/b.md`).
fn slashed(text: &str) -> String {
    if cfg!(windows) {
        text.replace('\\', "/")
    } else {
        text.to_string()
    }
}

/// For each finding, how many findings of its rule come before it in its
/// file on lines of the same text: what tells apart two findings
/// [`fingerprint`] would otherwise give the same print, such as the same
/// link broken on two identical lines, which GitLab would show as one.
pub fn occurrences<'a>(findings: impl Iterator<Item = &'a Diagnostic>) -> Vec<u32> {
    let mut seen: rustc_hash::FxHashMap<(&str, &std::path::Path, &str), u32> = Default::default();
    findings
        .map(|d| {
            let count = seen
                .entry((d.rule, &*d.path, d.source_line.trim()))
                .or_default();
            *count += 1;
            *count - 1
        })
        .collect()
}

/// What GitLab recognizes a finding by from one run to the next, and a
/// SARIF reader that uses `partialFingerprints` as given (code scanning
/// reads only the line hash `upload-sarif` adds): its rule, its file, the
/// text of its line and its [`occurrences`] count. Not its line number,
/// so a line added above it does not make it a new finding; not its
/// message, which for a review counts days (`12 days ago`): a print that
/// changed every day would close the alert and open it again each night.
/// FNV-1a, 64 bits twice with different seeds, so it is the same whichever
/// Rust built it.
pub fn fingerprint(d: &Diagnostic, path: &str, occurrence: u32) -> String {
    let occurrence = occurrence.to_string();
    let parts = [d.rule, path, d.source_line.trim(), &occurrence];
    let fnv = |seed: u64| {
        let mut hash = seed;
        for part in parts {
            for byte in part.bytes().chain([0]) {
                hash ^= u64::from(byte);
                hash = hash.wrapping_mul(0x100000001b3);
            }
        }
        hash
    };
    format!(
        "{:016x}{:016x}",
        fnv(0xcbf29ce484222325),
        fnv(0x84222325cbf29ce4)
    )
}

/// `1 runbook`, `2 runbooks`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_not_sent() {
        assert_eq!(printable("plain\ttext\n"), "plain\ttext\n");
        assert_eq!(
            printable("a\u{1b}]0;x\u{7}\u{1b}[2Jb\u{9b}c\u{7f}"),
            "a\u{241b}]0;x\u{2407}\u{241b}[2Jb\u{fffd}c\u{2421}"
        );
    }

    #[test]
    fn markdown_keeps_text_from_the_runbooks_text() {
        assert_eq!(
            markdown_text("A | B <script>x</script> [y](http://e) *z* &amp;\n# h"),
            "A \\| B &lt;script&gt;x&lt;/script&gt; \\[y\\](http\\://e) \\*z\\* &amp;amp; \\# h"
        );
        assert_eq!(
            markdown_link("db/re store (old).md"),
            "db/re%20store%20%28old%29.md"
        );

        // Read back as Markdown: one cell of plain text, one link, no HTML.
        let title = "x | <img src=x onerror=alert(1)> [a](b) ![i](j) `c` **d**\n## e";
        let row = format!(
            "| A | B |\n|---|---|\n| [{}]({}) | {} |\n",
            markdown_text(title),
            markdown_link("a b/(c).md"),
            markdown_text(title)
        );
        let events: Vec<_> =
            pulldown_cmark::Parser::new_ext(&row, crate::document::markdown::options()).collect();
        use pulldown_cmark::{Event, Tag};
        let cells = events
            .iter()
            .filter(|e| matches!(e, Event::Start(Tag::TableCell)))
            .count();
        let links: Vec<_> = events
            .iter()
            .filter_map(|e| match e {
                Event::Start(Tag::Link { dest_url, .. }) => Some(dest_url.to_string()),
                _ => None,
            })
            .collect();
        assert_eq!(cells, 4, "{events:?}");
        assert_eq!(links, ["a%20b/%28c%29.md"]);
        assert!(
            !events.iter().any(|e| matches!(
                e,
                Event::Html(_)
                    | Event::InlineHtml(_)
                    | Event::Start(Tag::Image { .. } | Tag::Strong | Tag::Heading { .. })
            )),
            "{events:?}"
        );
    }
}
