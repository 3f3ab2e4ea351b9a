//! mdBook's `{{#include path}}` directive, as a runbook moved from an
//! mdBook writes it: a fenced block whose text comes from a script kept
//! next to the runbook, whole or in part (`:2`, `::10`, `:2:`, `:2:10`, or
//! `:name` between `ANCHOR: name` and `ANCHOR_END: name` lines).
//!
//! The model finds the directives ([`find`]); the workspace reads the
//! files ([`crate::workspace::read`]), so the document model itself never
//! touches the file system. Lint, extract and the site then see the block
//! as mdBook shows it ([`expand`]). A directive on a line of its own outside
//! a fenced block would insert Markdown, which runbook does not do: it is
//! kept in [`super::Body::prose_includes`] to be reported.

use std::borrow::Cow;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

use super::lines::{LineIndex, Span};
use super::markdown::{Body, CodeBlock};

/// The directive, from `{{` to `}}`: mdBook allows spaces inside the braces.
static DIRECTIVE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{\{\s*#include\s+([^}\n]+?)\s*\}\}").unwrap());

/// Where mdBook's escape may start: built once, since a searcher built
/// for each code block costs more than the search.
static ESCAPE: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new(b"\\{{#"));

/// A file's `ANCHOR: name` or `ANCHOR_END: name` line (in any comment syntax).
static ANCHOR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"ANCHOR(_END)?:\s*([\w-]+)").unwrap());

/// One `{{#include ...}}` in a fenced block.
#[derive(Clone, Debug)]
pub struct Include {
    /// The directive in the Markdown file.
    pub span: Span,
    /// The directive in the block's code.
    pub at: Range<usize>,
    /// As written, relative to the runbook's folder.
    pub path: String,
    pub part: Part,
    /// The text it brings in, or why it brings in nothing; `None` until the
    /// workspace has read the file.
    pub read: Option<Result<String, Problem>>,
    /// Every file it names, read or not: its own, then those that file
    /// includes ([`Reader::bring_in`]), as the workspace resolved them.
    pub files: Vec<PathBuf>,
}

/// Which part of the file a directive takes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    All,
    /// 1-based lines, `end` included; `None` runs to the end of the file.
    Lines {
        start: usize,
        end: Option<usize>,
    },
    Anchor(String),
}

/// Why a directive brings in nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// An absolute path or a URL: a runbook's includes live beside it.
    Absolute,
    /// The file could not be read: the message says why.
    Unreadable(String),
    /// The path, or a link on it, leads outside the repository. Neither
    /// whether such a file exists nor where it leads is said: the finding
    /// is published with the page.
    Outside,
    /// No such file; the name of a file close to it, if one is.
    Missing(Option<String>),
    /// The file has fewer lines than the part starts at.
    PastEnd { lines: usize },
    /// No `ANCHOR: name` line in the file.
    NoAnchor,
    /// Lines that end before they start (`:10:2`): mdBook brings in nothing.
    Backwards,
    /// The runbook has taken in more than [`MAX_INCLUDED_BYTES`] already.
    TooMuch,
    /// The runbook names more than [`MAX_INCLUDED_FILES`] files.
    TooMany,
    /// The runbook's includes have read through [`MAX_SCANNED_BYTES`].
    TooMuchRead,
    /// A directive in the included file brings nothing in: its path and
    /// part as written there, and why.
    Nested {
        path: String,
        part: Part,
        problem: Box<Problem>,
    },
    /// The file is one the includes are already inside: they loop.
    Cycle,
    /// Included files nest deeper than [`MAX_DEPTH`].
    TooDeep,
}

impl Problem {
    /// `self`, met in a directive of an included file (`path`, `part`):
    /// the caps are the runbook's, wherever they are reached.
    fn within(self, path: &str, part: &Part) -> Problem {
        match self {
            Problem::TooMuch | Problem::TooMany | Problem::TooMuchRead => self,
            problem => Problem::Nested {
                path: path.to_string(),
                part: part.clone(),
                problem: Box::new(problem),
            },
        }
    }
}

/// How many files deep includes inside included files are followed, as
/// mdBook follows them.
pub const MAX_DEPTH: usize = 10;

/// Where a runbook's includes read from: the workspace, which keeps them
/// inside the repository and reads each file once.
pub trait Files {
    /// The file a directive written in `folder` names, or why it names none.
    fn resolve(&mut self, folder: &Path, written: &str) -> Result<PathBuf, Problem>;
    /// The text of the file at `path` (from [`Files::resolve`]).
    fn text(&mut self, path: &Path) -> Result<&str, Problem>;
}

/// What all the includes of one runbook may bring in: a page and a script
/// are read by people, and a thousand directives naming one large file
/// must not make a gate hold gigabytes.
pub const MAX_INCLUDED_BYTES: usize = 1024 * 1024;

/// The files one runbook's includes may name: each is a file to open (and,
/// when missing, a folder to search for a close name).
pub const MAX_INCLUDED_FILES: usize = 1_000;

/// What all the includes of one runbook may read through to find their
/// parts: a directive taking one line of a 10 MiB file reads all of it,
/// and a hundred thousand of them, or includes that multiply, must not
/// keep a gate busy for hours.
pub const MAX_SCANNED_BYTES: usize = 64 * 1024 * 1024;

/// What reading a part counts against [`MAX_SCANNED_BYTES`] at least:
/// includes of an empty file that multiply cost their directives' work.
const MIN_SCAN_COST: usize = 256;

/// Finds the directives of the body, from `body_start`: in fenced blocks
/// onto each block, on lines of their own elsewhere onto `prose_includes`.
/// One inside mdBook's escape ([`escape_in_line`]) is text, not a
/// directive; one in the middle of a sentence is taken for text about the
/// syntax.
pub fn find(text: &str, body_start: usize, index: &LineIndex, body: &mut Body) {
    let mut searched_to = body_start;
    for at in memchr::memmem::find_iter(&text.as_bytes()[body_start..], b"#include") {
        let at = body_start + at;
        if at < searched_to {
            continue;
        }
        let line = index.line_of(at);
        let line_start = index.line_start(line);
        let line_end = line_start + index.line_text(text, line + 1).len();
        let from = line_start.max(searched_to);
        let Some(found) = DIRECTIVE
            .find_at(&text[..line_end], from)
            .filter(|m| m.start() <= at && at < m.end())
        else {
            continue;
        };
        let range = found.range();
        // mdBook reads its line from left to right: an escape before the
        // directive takes the rest of the line up to its last `}}`.
        if let Some(escape) = escape_in_line(&text[from..line_end])
            && from + escape.start < range.start
        {
            searched_to = from + escape.end;
            continue;
        }
        searched_to = found.end();
        let span = index.span(text, range.clone());
        let before = body
            .code_blocks
            .partition_point(|b| b.range.start <= range.start);
        match before.checked_sub(1).map(|i| &mut body.code_blocks[i]) {
            Some(block) if block.range.contains(&range.start) => {
                add_to_block(block, &text[range], span, line + 1);
            }
            _ if text[line_start..range.start].trim().is_empty() => {
                body.prose_includes.push(span);
            }
            _ => {}
        }
    }
}

/// Records the directive `written` (at Markdown line `line`) in the block
/// whose code holds it; the fence's own line, or a line the code does not
/// hold as written, holds none.
fn add_to_block(block: &mut CodeBlock, written: &str, span: Span, line: usize) {
    let Some(index) = line.checked_sub(block.first_line) else {
        return;
    };
    // Counted on from the directive before, not from the top: a block of
    // a hundred thousand directives is read once.
    let (known_index, known_start) = match block.includes.last() {
        Some(prev) if prev.span.start.line <= line => {
            let before = &block.code.as_bytes()[..prev.at.start];
            let start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
            (prev.span.start.line - block.first_line, start)
        }
        _ => (0, 0),
    };
    let Some(code_line_start) = nth_line_start(&block.code, known_start, index - known_index)
    else {
        return;
    };
    let code_line = block.code[code_line_start..]
        .split('\n')
        .next()
        .unwrap_or("");
    // After the directive before it, when both are on this line.
    let from = block
        .includes
        .last()
        .map_or(0, |prev| prev.at.end.saturating_sub(code_line_start))
        .min(code_line.len());
    let Some(col) = code_line[from..].find(written).map(|c| from + c) else {
        return;
    };
    let Some(caps) = DIRECTIVE.captures(written) else {
        return;
    };
    let (path, part) = split_argument(caps[1].trim());
    let start = code_line_start + col;
    block.includes.push(Include {
        span,
        at: start..start + written.len(),
        path,
        part,
        read: None,
        files: Vec::new(),
    });
}

/// Where the line `n` lines below the one starting at `from` starts.
fn nth_line_start(text: &str, from: usize, n: usize) -> Option<usize> {
    if n == 0 {
        return Some(from);
    }
    memchr::memchr_iter(b'\n', &text.as_bytes()[from..])
        .nth(n - 1)
        .map(|i| from + i + 1)
        .filter(|&i| i < text.len())
}

/// `file.sh:2:10` into the path and the part, as mdBook reads them: the
/// path is the first word, or a quoted one (`"run books/x.sh":2`) for a
/// name with spaces; words after it are ignored.
fn split_argument(argument: &str) -> (String, Part) {
    if let Some((path, after)) = argument.strip_prefix('"').and_then(unquote) {
        let part = after.trim_start().strip_prefix(':').map_or(Part::All, |p| {
            part_of(p.split_whitespace().next().unwrap_or(""))
        });
        return (path, part);
    }
    let word = argument.split_whitespace().next().unwrap_or("");
    match word.split_once(':') {
        Some((path, part)) => (path.to_string(), part_of(part)),
        None => (word.to_string(), Part::All),
    }
}

/// The text up to the closing quote, `\` escaping the next character, and
/// what follows it; `None` when the quote is not closed.
fn unquote(quoted: &str) -> Option<(String, &str)> {
    let mut path = String::new();
    let mut chars = quoted.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => path.extend(chars.next().map(|(_, c)| c)),
            '"' => return Some((path, &quoted[i + 1..])),
            c => path.push(c),
        }
    }
    None
}

/// `2`, `2:10`, `2:`, `:10` or `name`: mdBook reads up to three fields,
/// an end that is not a number as "to the end", and a first field that is
/// not a number as an anchor's name.
fn part_of(part: &str) -> Part {
    let mut fields = part.splitn(3, ':');
    let first = fields.next().unwrap_or("");
    let end = fields.next().map(|e| e.parse::<usize>().ok());
    let start = match first.parse::<usize>() {
        Ok(n) => Some(n.max(1)),
        Err(_) if first.is_empty() => None,
        Err(_) => return Part::Anchor(first.to_string()),
    };
    match (start, end) {
        (Some(start), None) => Part::Lines {
            start,
            end: Some(start),
        },
        (Some(start), Some(end)) => Part::Lines { start, end },
        (None, Some(Some(end))) => Part::Lines {
            start: 1,
            end: Some(end),
        },
        (None, _) => Part::All,
    }
}

/// The part of `file` a directive takes, without its final line break,
/// its lines ended by `\n` alone: a file saved with CRLF brings in the
/// same lines as the runbook's own, as a part by lines or anchor does.
pub fn select(file: &str, part: &Part) -> Result<String, Problem> {
    let lines: Vec<&str> = file.lines().collect();
    match part {
        Part::All => {
            let text = file.strip_suffix('\n').unwrap_or(file);
            Ok(text.trim_end_matches('\r').replace("\r\n", "\n"))
        }
        Part::Lines { start, end } => {
            if end.is_some_and(|end| end < *start) {
                return Err(Problem::Backwards);
            }
            if *start > lines.len() {
                return Err(Problem::PastEnd { lines: lines.len() });
            }
            let end = end.unwrap_or(lines.len()).min(lines.len());
            Ok(lines[start - 1..end].join("\n"))
        }
        Part::Anchor(name) => {
            let is = |line: &str, end: bool| {
                ANCHOR
                    .captures_iter(line)
                    .any(|c| c.get(1).is_some() == end && &c[2] == name)
            };
            let start = lines
                .iter()
                .position(|l| is(l, false))
                .ok_or(Problem::NoAnchor)?;
            let kept: Vec<&str> = lines[start + 1..]
                .iter()
                .take_while(|l| !is(l, true))
                .filter(|l| !ANCHOR.is_match(l))
                .copied()
                .collect();
            Ok(kept.join("\n"))
        }
    }
}

/// One runbook's reading of what its directives bring in, as mdBook
/// makes it: the directives of an included file replaced by what they
/// name, each read from the folder of the file that holds it, and its
/// escapes without their backslash.
pub struct Reader<'a> {
    files: &'a mut dyn Files,
    /// The files the text being read is inside, outermost first.
    chain: Vec<PathBuf>,
    /// What the parts may still be looked for in ([`MAX_SCANNED_BYTES`]).
    scan_left: usize,
}

impl<'a> Reader<'a> {
    pub fn new(files: &'a mut dyn Files) -> Self {
        Reader {
            files,
            chain: Vec::new(),
            scan_left: MAX_SCANNED_BYTES,
        }
    }

    /// What the directive (`written`, `part`, in a file of `folder`)
    /// brings in, at most `left` bytes ([`Problem::TooMuch`] past that,
    /// so includes that multiply never hold more). Every file it names
    /// is added to `named`.
    pub fn bring_in(
        &mut self,
        folder: &Path,
        written: &str,
        part: &Part,
        left: usize,
        named: &mut Vec<PathBuf>,
    ) -> Result<String, Problem> {
        if self.chain.len() >= MAX_DEPTH {
            return Err(Problem::TooDeep);
        }
        let file = self.files.resolve(folder, written)?;
        if self.chain.contains(&file) {
            return Err(Problem::Cycle);
        }
        named.push(file.clone());
        let whole = self.files.text(&file)?;
        let cost = whole.len().max(MIN_SCAN_COST);
        if cost > self.scan_left {
            return Err(Problem::TooMuchRead);
        }
        self.scan_left -= cost;
        let text = select(whole, part)?;
        let folder = file.parent().unwrap_or(Path::new("")).to_path_buf();
        self.chain.push(file);
        let out = self.nested(&text, &folder, left, named);
        self.chain.pop();
        out
    }

    /// `text`, of the last file of the chain, with its directives and
    /// escapes processed.
    fn nested(
        &mut self,
        text: &str,
        folder: &Path,
        left: usize,
        named: &mut Vec<PathBuf>,
    ) -> Result<String, Problem> {
        if text.len() > left {
            return Err(Problem::TooMuch);
        }
        if memchr::memmem::find(text.as_bytes(), b"{{").is_none() {
            return Ok(text.to_string());
        }
        let mut out = String::with_capacity(text.len());
        for line in text.split_inclusive('\n') {
            let escape = escape_in_line(line);
            let mut copied = 0;
            // As mdBook reads a line: directives from the left, until an escape.
            for caps in DIRECTIVE.captures_iter(line) {
                let found = caps.get(0).expect("the whole match");
                if escape.as_ref().is_some_and(|e| e.start < found.start()) {
                    break;
                }
                let (path, part) = split_argument(caps[1].trim());
                out.push_str(&line[copied..found.start()]);
                let room = left.saturating_sub(out.len());
                let inner = self
                    .bring_in(folder, &path, &part, room, named)
                    .map_err(|problem| problem.within(&path, &part))?;
                // Checked before it is built: a long line before the
                // directive, repeated on each of many lines, is gigabytes.
                if out.len().saturating_add(included_len(&out, &inner)) > left {
                    return Err(Problem::TooMuch);
                }
                push_included(&mut out, &inner);
                copied = found.end();
            }
            match escape.filter(|e| e.start >= copied) {
                Some(e) => {
                    out.push_str(&line[copied..e.start]);
                    out.push_str(&line[e.start + 1..]);
                }
                None => out.push_str(&line[copied..]),
            }
            if out.len() > left {
                return Err(Problem::TooMuch);
            }
        }
        Ok(out)
    }
}

/// A block's code with every directive that was read replaced by what it
/// brings in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expanded {
    pub code: String,
    /// For each line of `code`, the line of the block's own code it stands
    /// for (0-based): an included line stands for its directive's line.
    pub lines: Vec<usize>,
    /// Where each included text is in `code`, and the index of its directive.
    pub included: Vec<(Range<usize>, usize)>,
}

/// How long the line mdBook is writing is when it reaches each directive
/// of a block: it repeats that line's text before every line the
/// directive brings in (the indentation of a script included in a
/// function's body, or `sudo ` before each command). Counted on the code
/// as written, so an escape's backslash makes it one byte longer than
/// [`expand`]'s: the budget this measures for stays on the safe side.
#[derive(Default)]
pub struct PrefixWidth {
    copied: usize,
    width: usize,
}

impl PrefixWidth {
    /// The width before the directive at `at` of `code` (the block's own
    /// code, read from the start, directive after directive).
    pub fn before(&mut self, code: &str, at: usize) {
        let own = &code.as_bytes()[self.copied.min(at)..at];
        self.width = match memchr::memrchr(b'\n', own) {
            Some(i) => own.len() - i - 1,
            None => self.width + own.len(),
        };
        self.copied = at;
    }

    /// The bytes the directive just passed to [`PrefixWidth::before`]
    /// adds by bringing in `text`: the text, and the prefix before each
    /// line after the first.
    pub fn cost(&self, text: &str) -> usize {
        prefixed_len(self.width, text)
    }

    /// After that directive, ending at `end`, brought in `text` (not called
    /// for one that brought nothing in: its text stays on the line).
    pub fn brought(&mut self, end: usize, text: &str) {
        let last =
            memchr::memrchr(b'\n', text.as_bytes()).map_or(text.len(), |i| text.len() - i - 1);
        self.width = self.width.saturating_add(last);
        self.copied = end;
    }
}

/// mdBook's escape on one line: from `\{{#` to the line's last `}}`
/// (its pattern `\\\{\{\#.*\}\}`). mdBook shows it without the backslash
/// and reads no directive inside, so a line has at most one.
pub fn escape_in_line(line: &str) -> Option<Range<usize>> {
    let line = line.as_bytes();
    let at = ESCAPE.find(line)?;
    let end = memchr::memchr(b'\n', &line[at..]).map_or(line.len(), |n| at + n);
    let close = memchr::memmem::rfind(&line[at + 4..end], b"}}")?;
    Some(at..at + 4 + close + 2)
}

/// `text` as mdBook shows it: each escape without its backslash.
pub fn unescape(text: &str) -> Cow<'_, str> {
    if ESCAPE.find(text.as_bytes()).is_none() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        match escape_in_line(line) {
            Some(escape) => {
                out.push_str(&line[..escape.start]);
                out.push_str(&line[escape.start + 1..]);
            }
            None => out.push_str(line),
        }
    }
    Cow::Owned(out)
}

/// Appends the block's own code `code[range]` to `out` as mdBook shows it,
/// recording in `own` where each stretch copied as written starts (in
/// `out`, in `code`): a dropped backslash starts a new one.
fn push_own(out: &mut String, own: &mut Vec<(usize, usize)>, code: &str, range: Range<usize>) {
    let mut from = range.start;
    for line in code[range].split_inclusive('\n') {
        let line_start = from;
        from += line.len();
        let continues =
            |&(o, c): &(usize, usize)| c <= line_start && o + (line_start - c) == out.len();
        if !own.last().is_some_and(continues) {
            own.push((out.len(), line_start));
        }
        match escape_in_line(line) {
            Some(escape) => {
                let backslash = line_start + escape.start;
                out.push_str(&code[line_start..backslash]);
                own.push((out.len(), backslash + 1));
                out.push_str(&code[backslash + 1..from]);
            }
            None => out.push_str(line),
        }
    }
}

/// Appends what a directive brings in as mdBook does: each line after the
/// first starts with what the last line of `out` holds ([`PrefixWidth`]).
fn push_included(out: &mut String, text: &str) {
    let prefix = out[memchr::memrchr(b'\n', out.as_bytes()).map_or(0, |i| i + 1)..].to_string();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
            out.push_str(&prefix);
        }
        out.push_str(line);
    }
}

/// The bytes [`push_included`] adds to `out` for `text`.
fn included_len(out: &str, text: &str) -> usize {
    let prefix = memchr::memrchr(b'\n', out.as_bytes()).map_or(out.len(), |i| out.len() - i - 1);
    prefixed_len(prefix, text)
}

/// `text` with `prefix` bytes before each line after its first.
fn prefixed_len(prefix: usize, text: &str) -> usize {
    let lines = memchr::memchr_iter(b'\n', text.as_bytes()).count();
    text.len().saturating_add(prefix.saturating_mul(lines))
}

/// The block as mdBook would show it, when it has a directive that was
/// read or an escape ([`escape_in_line`]).
pub fn expand(block: &CodeBlock) -> Option<Expanded> {
    let code = &block.code;
    if !block.includes.iter().any(|i| matches!(i.read, Some(Ok(_))))
        && ESCAPE.find(code.as_bytes()).is_none()
    {
        return None;
    }
    let mut out = Expanded::default();
    // Where each stretch of the block's own code starts: in `out.code`, in `code`.
    let mut own: Vec<(usize, usize)> = vec![(0, 0)];
    let mut copied = 0;
    for (n, include) in block.includes.iter().enumerate() {
        let Some(Ok(text)) = &include.read else {
            continue;
        };
        push_own(&mut out.code, &mut own, code, copied..include.at.start);
        let start = out.code.len();
        // Its escapes are processed already ([`Reader::bring_in`]); the
        // workspace paid for its prefixes ([`PrefixWidth`]).
        push_included(&mut out.code, text);
        out.included.push((start..out.code.len(), n));
        copied = include.at.end;
        own.push((out.code.len(), copied));
    }
    push_own(&mut out.code, &mut own, code, copied..code.len());

    let index = LineIndex::new(code);
    let mut line_start = 0;
    loop {
        let inside = out.included.partition_point(|(r, _)| r.start <= line_start);
        let line = match inside.checked_sub(1).map(|i| &out.included[i]) {
            Some((range, n)) if range.contains(&line_start) => {
                index.line_of(block.includes[*n].at.start)
            }
            _ => {
                let (out_at, code_at) = own[own.partition_point(|&(o, _)| o <= line_start) - 1];
                index.line_of(code_at + (line_start - out_at))
            }
        };
        out.lines.push(line);
        match memchr::memchr(b'\n', &out.code.as_bytes()[line_start..]) {
            Some(i) if line_start + i + 1 < out.code.len() => line_start += i + 1,
            _ => break,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_are_read_as_mdbook_reads_them() {
        let lines = |start, end| Part::Lines { start, end };
        assert_eq!(split_argument("a.sh"), ("a.sh".into(), Part::All));
        assert_eq!(split_argument("a.sh:2"), ("a.sh".into(), lines(2, Some(2))));
        assert_eq!(
            split_argument("a.sh::10"),
            ("a.sh".into(), lines(1, Some(10)))
        );
        assert_eq!(split_argument("a.sh:2:"), ("a.sh".into(), lines(2, None)));
        assert_eq!(
            split_argument("a.sh:2:10"),
            ("a.sh".into(), lines(2, Some(10)))
        );
        assert_eq!(
            split_argument("a.sh:restore"),
            ("a.sh".into(), Part::Anchor("restore".into()))
        );
        // A quoted name may hold spaces and escaped quotes.
        assert_eq!(
            split_argument(r#""run books/a \"b\".sh":2:3"#),
            ("run books/a \"b\".sh".into(), lines(2, Some(3)))
        );
        assert_eq!(split_argument(r#""a b.sh""#), ("a b.sh".into(), Part::All));
        // Words after the path are mdBook's properties, not the path.
        assert_eq!(
            split_argument("a.sh:2  editable"),
            ("a.sh".into(), lines(2, Some(2)))
        );
        assert_eq!(split_argument("a.sh: 2"), ("a.sh".into(), Part::All));
        // Three fields at most; an anchor is the first field.
        assert_eq!(
            split_argument("a.sh:2:10:99"),
            ("a.sh".into(), lines(2, Some(10)))
        );
        assert_eq!(
            split_argument("a.sh:x:y"),
            ("a.sh".into(), Part::Anchor("x".into()))
        );
        assert_eq!(split_argument("a.sh:2:x"), ("a.sh".into(), lines(2, None)));
        assert_eq!(
            split_argument("a.sh::0"),
            ("a.sh".into(), lines(1, Some(0)))
        );
    }

    #[test]
    fn the_text_before_a_directive_starts_every_line_it_brings_in() {
        let text = "```bash\nrestore() {\n\t  {{#include a.sh}}\n}\necho {{#include a.sh}}\n```\n";
        let index = LineIndex::new(text);
        let body = super::super::markdown::parse(text, 0, &index, None);
        let mut block = body.code_blocks[0].clone();
        for inc in &mut block.includes {
            inc.read = Some(Ok("one\n\ntwo".into()));
        }
        let e = expand(&block).unwrap();
        assert_eq!(
            e.code,
            "restore() {\n\t  one\n\t  \n\t  two\n}\necho one\necho \necho two\n"
        );
        assert_eq!(e.lines, [0, 1, 1, 1, 2, 3, 3, 3]);
    }

    #[test]
    fn directives_are_found_in_blocks_and_on_lines_of_their_own() {
        let text = "x\n\n```bash\n  {{#include a.sh}} {{#include a.sh}}\n{{#include b.sh:2}}\n\\{{#include c.sh}}\n```\n\n{{#include d.md}}\n\nSee {{#include e.md}}.\n";
        let index = LineIndex::new(text);
        let body = super::super::markdown::parse(text, 0, &index, None);
        let block = &body.code_blocks[0];
        let found: Vec<(&str, usize, usize)> = block
            .includes
            .iter()
            .map(|i| (i.path.as_str(), i.span.start.line, i.span.start.col))
            .collect();
        assert_eq!(found, [("a.sh", 4, 3), ("a.sh", 4, 21), ("b.sh", 5, 1)]);
        for inc in &block.includes {
            assert_eq!(
                &block.code[inc.at.clone()],
                &text[inc.span.start.offset..inc.span.end.offset]
            );
        }
        let prose: Vec<usize> = body.prose_includes.iter().map(|s| s.start.line).collect();
        assert_eq!(prose, [9]);

        let mut block = block.clone();
        for (n, inc) in block.includes.iter_mut().enumerate() {
            inc.read = Some(Ok(format!("one{n}\ntwo{n}")));
        }
        let e = expand(&block).unwrap();
        assert_eq!(
            e.code,
            "  one0\n  two0 one1\n  two0 two1\none2\ntwo2\n{{#include c.sh}}\n"
        );
        assert_eq!(e.lines, [0, 0, 0, 1, 1, 2]);
        assert_eq!(
            e.included.iter().map(|(_, n)| *n).collect::<Vec<_>>(),
            [0, 1, 2]
        );
    }

    #[test]
    fn escapes_take_their_line_to_its_last_braces_as_mdbook_does() {
        assert_eq!(escape_in_line(r"a \{{#include x}} b"), Some(2..17));
        // Any directive, and everything up to the line's last `}}`.
        assert_eq!(
            escape_in_line(r"\{{#title t}} {{#include y}} z"),
            Some(0..28)
        );
        assert_eq!(escape_in_line(r"\{{#}}"), Some(0..6));
        // No `}}` after it, a space before `#`, or `}}` on the next line: no escape.
        assert_eq!(escape_in_line(r"\{{#include x"), None);
        assert_eq!(escape_in_line(r"\{{ #include x}}"), None);
        assert_eq!(escape_in_line("\\{{#include x\n}}"), None);
        assert_eq!(
            unescape("a \\{{#include x}}\n\\\\{{#b}} \\{{#c}}\nc\n"),
            "a {{#include x}}\n\\{{#b}} \\{{#c}}\nc\n"
        );
        assert!(matches!(unescape(r"no \{{ #escape}}"), Cow::Borrowed(_)));
    }

    #[test]
    fn a_directive_inside_an_escape_is_text_and_one_before_it_is_read() {
        let text = "```bash\n\\{{#title t}} {{#include a.sh}}\n{{#include b.sh}} \\{{#include c.sh}} {{#include d.sh}}\n\\{{ #include e.sh}}\n```\n";
        let index = LineIndex::new(text);
        let body = super::super::markdown::parse(text, 0, &index, None);
        let mut block = body.code_blocks[0].clone();
        let found: Vec<&str> = block.includes.iter().map(|i| i.path.as_str()).collect();
        // mdBook's escape needs `#` right after the braces: `e.sh` is read,
        // and the backslash before it starts each of its lines.
        assert_eq!(found, ["b.sh", "e.sh"]);
        for inc in &mut block.includes {
            inc.read = Some(Ok(format!("{}\nnext", inc.path)));
        }
        let e = expand(&block).unwrap();
        assert_eq!(
            e.code,
            "{{#title t}} {{#include a.sh}}\nb.sh\nnext {{#include c.sh}} {{#include d.sh}}\n\\e.sh\n\\next\n"
        );
        assert_eq!(e.lines, [0, 1, 1, 2, 2]);
    }

    #[test]
    fn a_block_with_only_an_escape_drops_its_backslash_and_keeps_its_lines() {
        let text = "```bash\necho one\necho '\\{{#include x}}' two\necho three\n```\n";
        let index = LineIndex::new(text);
        let body = super::super::markdown::parse(text, 0, &index, None);
        let block = &body.code_blocks[0];
        assert!(block.includes.is_empty());
        let e = expand(block).unwrap();
        assert_eq!(e.code, "echo one\necho '{{#include x}}' two\necho three\n");
        assert_eq!(e.lines, [0, 1, 2]);
        let plain = "```bash\necho \\{{ not an escape\n```\n";
        let body = super::super::markdown::parse(plain, 0, &LineIndex::new(plain), None);
        assert!(expand(&body.code_blocks[0]).is_none());
    }

    /// Files in memory, counting the reads.
    struct Memory(Vec<(&'static str, String)>, usize);

    impl Files for Memory {
        fn resolve(&mut self, folder: &Path, written: &str) -> Result<PathBuf, Problem> {
            if written.starts_with('/') {
                return Err(Problem::Absolute);
            }
            Ok(folder.join(written))
        }
        fn text(&mut self, path: &Path) -> Result<&str, Problem> {
            self.1 += 1;
            let found = self.0.iter().find(|(p, _)| Path::new(p) == path);
            Ok(&found.ok_or(Problem::Missing(None))?.1)
        }
    }

    fn bring(
        files: &mut Memory,
        written: &str,
        left: usize,
    ) -> (Result<String, Problem>, Vec<PathBuf>) {
        let mut read = Vec::new();
        let text =
            Reader::new(files).bring_in(Path::new("rb"), written, &Part::All, left, &mut read);
        (text, read)
    }

    #[test]
    fn included_files_include_files_from_their_own_folder() {
        let mut files = Memory(
            vec![
                (
                    "rb/s/main.sh",
                    "start\n  {{#include lib/a.sh}} \\{{#include no.sh}}\n\\\\{{#x}}\nend\n".into(),
                ),
                ("rb/s/lib/a.sh", "a1 \\{{#include z}}\na2\n".into()),
            ],
            0,
        );
        let (text, read) = bring(&mut files, "s/main.sh", usize::MAX);
        // Indented as its directive; each file's escapes processed once, at its own level.
        assert_eq!(
            text.unwrap(),
            "start\n  a1 {{#include z}}\n  a2 {{#include no.sh}}\n\\{{#x}}\nend"
        );
        assert_eq!(
            read,
            [Path::new("rb/s/main.sh"), Path::new("rb/s/lib/a.sh")]
        );
    }

    /// As mdBook writes it: the text before a directive starts every line
    /// it brings in, and that is paid for before it is built (a long line
    /// before a directive of many lines would otherwise be gigabytes).
    #[test]
    fn an_included_files_prefixes_repeat_and_are_paid_for_first() {
        let mut files = Memory(
            vec![
                ("rb/main.sh", "sudo {{#include cmds.sh}}\n".into()),
                ("rb/cmds.sh", "a\nb\n".into()),
                (
                    "rb/wide.sh",
                    format!("{}{{{{#include many.sh}}}}\n", " ".repeat(600_000)),
                ),
                ("rb/many.sh", "x\n".repeat(200_000)),
            ],
            0,
        );
        assert_eq!(
            bring(&mut files, "main.sh", usize::MAX).0.unwrap(),
            "sudo a\nsudo b"
        );
        let (wide, _) = bring(&mut files, "wide.sh", 1 << 20);
        assert_eq!(wide, Err(Problem::TooMuch));
    }

    #[test]
    fn nested_problems_say_where_and_loops_and_depth_stop() {
        let mut files = Memory(
            vec![
                ("rb/a.sh", "{{#include b.sh}}\n".into()),
                ("rb/b.sh", "{{#include a.sh:2}}\n".into()),
                ("rb/c.sh", "ok\n{{#include d/none.sh}}\n".into()),
                ("rb/abs.sh", "{{#include /etc/passwd}}\n".into()),
            ],
            0,
        );
        let nested = |path: &str, problem| Problem::Nested {
            path: path.into(),
            part: Part::All,
            problem: Box::new(problem),
        };
        assert_eq!(
            bring(&mut files, "a.sh", usize::MAX).0,
            Err(nested(
                "b.sh",
                Problem::Nested {
                    path: "a.sh".into(),
                    part: Part::Lines {
                        start: 2,
                        end: Some(2)
                    },
                    problem: Box::new(Problem::Cycle)
                }
            ))
        );
        assert_eq!(
            bring(&mut files, "c.sh", usize::MAX).0,
            Err(nested("d/none.sh", Problem::Missing(None)))
        );
        assert_eq!(
            bring(&mut files, "abs.sh", usize::MAX).0,
            Err(nested("/etc/passwd", Problem::Absolute))
        );
        // Ten files deep is what mdBook follows; the eleventh is refused.
        let chain: Vec<(&'static str, String)> = (0..=MAX_DEPTH)
            .map(|n| {
                let name: &'static str = Box::leak(format!("rb/{n}.sh").into_boxed_str());
                (name, format!("line {n}\n{{{{#include {}.sh}}}}\n", n + 1))
            })
            .collect();
        let mut files = Memory(chain, 0);
        let mut problem = bring(&mut files, "1.sh", usize::MAX).0.unwrap_err();
        let mut depth = 1;
        while let Problem::Nested { problem: inner, .. } = problem {
            (problem, depth) = (*inner, depth + 1);
        }
        assert_eq!((problem, depth), (Problem::TooDeep, MAX_DEPTH + 1));
    }

    #[test]
    fn includes_that_multiply_stop_at_the_budget_without_holding_it() {
        // Each level includes the next a thousand times: 10^9 lines unbounded.
        let level = |next: &str| format!("{{{{#include {next}}}}}\n").repeat(1000);
        let mut files = Memory(
            vec![
                ("rb/a.sh", level("b.sh")),
                ("rb/b.sh", level("c.sh")),
                ("rb/c.sh", level("d.sh")),
                ("rb/d.sh", "x".repeat(100)),
            ],
            0,
        );
        let (text, _) = bring(&mut files, "a.sh", MAX_INCLUDED_BYTES);
        assert_eq!(text, Err(Problem::TooMuch));
        // Stopped once the budget was spent: about 10,000 inner includes, not a billion.
        assert!(files.1 < 20_000, "{} reads", files.1);

        // Includes of an empty file bring nothing in, yet cost their reads.
        let mut files = Memory(
            vec![
                ("rb/a.sh", level("b.sh")),
                ("rb/b.sh", level("c.sh")),
                ("rb/c.sh", level("d.sh")),
                ("rb/d.sh", String::new()),
            ],
            0,
        );
        let (text, _) = bring(&mut files, "a.sh", MAX_INCLUDED_BYTES);
        assert_eq!(text, Err(Problem::TooMuchRead));
        assert!(
            files.1 <= MAX_SCANNED_BYTES / MIN_SCAN_COST,
            "{} reads",
            files.1
        );
    }

    #[test]
    fn parts_select_lines_and_anchors() {
        let file = "one\n# ANCHOR: x\ntwo\n# ANCHOR: inner\nthree\n# ANCHOR_END: inner\n# ANCHOR_END: x\nfour\n";
        assert_eq!(select(file, &Part::All).unwrap(), file.trim_end());
        let lines = |start, end| Part::Lines { start, end };
        assert_eq!(select(file, &lines(1, Some(1))).unwrap(), "one");
        assert_eq!(select(file, &lines(8, None)).unwrap(), "four");
        assert_eq!(
            select(file, &lines(7, Some(99))).unwrap(),
            "# ANCHOR_END: x\nfour"
        );
        assert_eq!(
            select(file, &lines(9, None)),
            Err(Problem::PastEnd { lines: 8 })
        );
        assert_eq!(select(file, &lines(3, Some(2))), Err(Problem::Backwards));
        assert_eq!(select(file, &lines(1, Some(0))), Err(Problem::Backwards));
        assert_eq!(
            select(file, &Part::Anchor("x".into())).unwrap(),
            "two\nthree"
        );
        assert_eq!(
            select(file, &Part::Anchor("inner".into())).unwrap(),
            "three"
        );
        assert_eq!(
            select(file, &Part::Anchor("y".into())),
            Err(Problem::NoAnchor)
        );
    }

    #[test]
    fn parts_of_a_crlf_file_end_their_lines_with_lf() {
        let file = "one\r\n# ANCHOR: x\r\ntwo\r\n# ANCHOR_END: x\r\nlone\rcr\r\n";
        assert_eq!(
            select(file, &Part::All).unwrap(),
            "one\n# ANCHOR: x\ntwo\n# ANCHOR_END: x\nlone\rcr"
        );
        let lines = Part::Lines {
            start: 2,
            end: Some(3),
        };
        assert_eq!(select(file, &lines).unwrap(), "# ANCHOR: x\ntwo");
        assert_eq!(select(file, &Part::Anchor("x".into())).unwrap(), "two");
    }
}
