//! `runbook review FILE... [--by NAME]`: records a review in the front
//! matter, changing only the value of `last_reviewed` (and `reviewed_by`),
//! every other byte kept. The edited front matter is read back before the
//! file is written: an edit that would not parse, or would change any other
//! value (an alias of the old date), is refused and the file left as it was.

use std::ops::Range;
use std::path::Path;

use jiff::civil::Date;
use serde_json::Value;

use crate::config::{Aliases, Settings};
use crate::document::front_matter::{self, Block, Key, scalar_range};
use crate::document::{Document, FrontMatter, LineIndex};
use crate::fix::write_atomically;

/// What changed in one file.
#[derive(Debug)]
pub struct Reviewed {
    /// The old value of `last_reviewed`, as written.
    pub previous: Option<String>,
    /// The old value, when it is a date.
    pub previous_date: Option<Date>,
}

/// Records a review of `path` on `today`. A date that would go back (the
/// recorded one is later than `today`) is refused unless `backwards` (the
/// day was given with `--today`, on purpose): a clock or a `--today` gone
/// wrong would otherwise replace a real review with an older one.
pub fn review(
    path: &Path,
    settings: &Settings,
    today: Date,
    by: Option<&str>,
    backwards: bool,
) -> Result<Reviewed, String> {
    let bytes = crate::files::read_regular(path).map_err(|e| e.to_string())?;
    let (out, reviewed) = review_bytes(path, bytes, &settings.aliases, today, by)?;
    if let Some(last) = reviewed
        .previous_date
        .filter(|&last| last > today && !backwards)
    {
        return Err(format!(
            "not changed: last_reviewed is {last}, later than today ({today}): a review does not move it back; if {last} is wrong, pass `--today {today}` to record the review anyway"
        ));
    }
    write_atomically(path, &out).map_err(|e| format!("{e}; not changed"))?;
    Ok(reviewed)
}

/// The name `--by` gives, trimmed, or why it cannot be written as one: a
/// blank name names nobody, and a control or bidirectional character
/// (`\u{202E}`) would hide or reorder what the front matter says.
pub fn reviewer(name: &str) -> Result<&str, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("the name is empty".into());
    }
    match super::unprintable(name) {
        Some(what) => Err(format!("the name holds {what}")),
        None => Ok(name),
    }
}

/// The file's bytes with the review recorded, or why it cannot be.
pub fn review_bytes(
    path: &Path,
    bytes: Vec<u8>,
    aliases: &Aliases,
    today: Date,
    by: Option<&str>,
) -> Result<(Vec<u8>, Reviewed), String> {
    let doc = Document::parse(path.to_path_buf(), String::new(), bytes, aliases);
    if let Some(offset) = doc.invalid_utf8 {
        if doc.utf16 {
            return Err("the file is UTF-16, not UTF-8: re-save it as UTF-8 first (`iconv -f UTF-16 -t UTF-8 in.md > out.md`)".into());
        }
        // Up to the first bad byte the text is the file's bytes.
        let at = doc.pos(offset.saturating_sub(if doc.bom { 3 } else { 0 }));
        return Err(format!(
            "not valid UTF-8 at byte {offset} (line {}); fix the encoding first",
            at.line
        ));
    }
    // The edit would be written with `\n` where the file has `\r` alone.
    if let Some(offset) = doc.lone_cr {
        return Err(format!(
            "line {} ends with a carriage return alone (classic Mac OS line endings); \
             convert the file to `\\n` line endings first",
            doc.pos(offset).line
        ));
    }
    let (block, fields) = match &doc.front_matter {
        FrontMatter::Parsed { block, fields } => (block, fields),
        FrontMatter::Missing => {
            return Err("no front matter on line 1; `runbook lint` says why, and `--fix` writes, moves or converts it".into());
        }
        FrontMatter::Unterminated { open } => {
            return Err(format!(
                "the front matter opened on line {} has no closing `---`",
                open.line
            ));
        }
        FrontMatter::Invalid { pos, message, .. } => {
            return Err(format!(
                "front matter does not parse at {}:{}: {}",
                pos.line,
                pos.col,
                crate::lint::report::one_line(message)
            ));
        }
    };
    // A key and its alias (`last_reviewed` and `reviewed`) both set: which
    // one the review should change is for a person to say.
    let changed = if by.is_some() {
        &["last_reviewed", "reviewed_by"][..]
    } else {
        &["last_reviewed"][..]
    };
    for &name in changed {
        let mut written = fields.keys.iter().filter(|k| k.canonical == Some(name));
        if let (Some(a), Some(b)) = (written.next(), written.next()) {
            return Err(format!(
                "not changed: `{}` (line {}) and `{}` (line {}) both stand for `{name}`; keep one, then review again",
                a.name, a.at.line, b.name, b.at.line
            ));
        }
    }
    if by.is_none() {
        refuse_stale_reviewer(&doc, fields)?;
    }
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let mut insert: Vec<String> = Vec::new();
    let previous = match &fields.last_reviewed {
        Some(field) => {
            let range = field.written.clone();
            let old = doc.text[range.clone()].to_string();
            edits.push((range, today.to_string()));
            Some(old)
        }
        None => {
            let mistyped = fields
                .keys
                .iter()
                .find(|k| k.canonical == Some("last_reviewed"));
            match mistyped.and_then(|k| value_of(&doc, k)) {
                Some(range) => {
                    let old = doc.text[range.clone()].to_string();
                    edits.push((range, today.to_string()));
                    Some(old)
                }
                None => {
                    insert.push(format!("last_reviewed: {today}"));
                    None
                }
            }
        }
    };
    if let Some(name) = by {
        let quoted = serde_json::to_string(name).unwrap_or_default();
        let existing = fields
            .keys
            .iter()
            .find(|k| k.canonical == Some("reviewed_by"));
        match existing.and_then(|k| value_of(&doc, k)) {
            Some(range) => edits.push((range, quoted)),
            None => insert.push(format!("reviewed_by: {quoted}")),
        }
    }
    let before = front_matter::entries(&doc.text, block).unwrap_or_default();
    let expected = Expected {
        aliases,
        today,
        by,
        before: &before,
    };
    let placements = if insert.is_empty() {
        vec![None]
    } else {
        new_entries(&doc.text, block, &insert, doc.line_ending())
            .into_iter()
            .map(Some)
            .collect()
    };
    let mut refused = String::new();
    for placement in placements {
        // First among edits at the same place, so the new entries end up
        // after a value written there (`{reviewed_by: }`).
        let text = apply(
            &doc.text,
            placement.into_iter().chain(edits.iter().cloned()),
        );
        match expected.check(&text) {
            Ok(()) => {
                let mut out = Vec::with_capacity(text.len() + 3);
                if doc.bom {
                    out.extend_from_slice(b"\xEF\xBB\xBF");
                }
                out.extend_from_slice(text.as_bytes());
                let previous_date = fields.last_reviewed.as_ref().map(|f| f.value);
                return Ok((
                    out,
                    Reviewed {
                        previous,
                        previous_date,
                    },
                ));
            }
            // Said of the likeliest place: the first tried.
            Err(why) if refused.is_empty() => {
                refused = match why {
                    Refused::Changes(key) => {
                        let line = fields
                            .keys
                            .iter()
                            .find(|k| k.name == key)
                            .map(|k| format!(" (line {})", k.at.line))
                            .unwrap_or_default();
                        format!("would change `{key}`{line} too")
                    }
                    Refused::Other(why) => why.to_string(),
                }
            }
            Err(_) => {}
        }
    }
    Err(format!(
        "not changed: recording the review here {refused}; record it by hand"
    ))
}

/// Refuses a review without `--by` of a runbook that names who reviewed
/// it: `last_reviewed` and `reviewed_by` tell of one review, and the new
/// date beside the old name would say that person reviewed it today.
fn refuse_stale_reviewer(doc: &Document, fields: &crate::document::Fields) -> Result<(), String> {
    let named = fields
        .keys
        .iter()
        .filter(|k| k.canonical == Some("reviewed_by"))
        .find_map(|k| {
            let written = doc.text[value_of(doc, k)?].trim();
            let empty = written.is_empty() || matches!(written, "~" | "null" | "Null" | "NULL");
            (!empty).then_some((k, written))
        });
    match named {
        Some((key, written)) => Err(format!(
            "not changed: `{}` (line {}) says {} reviewed it, and would then say so of today's review: pass `--by NAME` with who reviewed it now",
            key.name,
            key.at.line,
            crate::lint::report::one_line(written)
        )),
        None => Ok(()),
    }
}

/// Replaces each range by its text; the ranges do not overlap.
fn apply(text: &str, edits: impl Iterator<Item = (Range<usize>, String)>) -> String {
    let mut edits: Vec<_> = edits.collect();
    // Stable: edits at the same place keep their order, the first ending last.
    edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
    let mut text = text.to_string();
    for (range, replacement) in edits {
        // From the colon (an empty value, a list under its key): YAML needs
        // a space after it.
        let spaced = text[..range.start].ends_with(':');
        let replacement = if spaced {
            format!(" {replacement}")
        } else {
            replacement
        };
        text.replace_range(range, &replacement);
    }
    text
}

/// Why an edit was not the review alone.
enum Refused {
    /// It would change this key's value too (an alias of the old date).
    Changes(String),
    Other(&'static str),
}

/// What the front matter must read as once the review is recorded.
struct Expected<'a> {
    aliases: &'a Aliases,
    today: Date,
    by: Option<&'a str>,
    /// Every key and value before the edit.
    before: &'a [(String, Value)],
}

impl Expected<'_> {
    /// Reads the edited file back: the front matter must parse, say
    /// `last_reviewed` is today and who reviewed it, and hold every other
    /// key with the value it had, in the same order.
    fn check(&self, text: &str) -> Result<(), Refused> {
        // The front matter alone: the body is the same bytes as before.
        let (front_matter, _) = front_matter::parse(text, &LineIndex::new(text), self.aliases);
        let FrontMatter::Parsed { block, fields } = &front_matter else {
            return Err(Refused::Other(
                "would leave front matter that does not parse",
            ));
        };
        if fields.last_reviewed.as_ref().map(|f| f.value) != Some(self.today) {
            return Err(Refused::Other("would not set `last_reviewed`"));
        }
        let after = front_matter::entries(text, block).unwrap_or_default();
        let reviewed_by =
            |(key, _): &&(String, Value)| self.aliases.canonical(key) == Some("reviewed_by");
        if let Some(name) = self.by {
            // Once, with the name: a key left in a comment is no key.
            let mut names = after.iter().filter(reviewed_by).map(|(_, v)| v.as_str());
            if names.next() != Some(Some(name)) || names.next().is_some() {
                return Err(Refused::Other("would not name the reviewer"));
            }
        }
        let (mut old, mut new) = (kept(self.aliases, self.before), kept(self.aliases, &after));
        loop {
            match (old.next(), new.next()) {
                (None, None) => return Ok(()),
                (Some(a), Some(b)) if a == b => {}
                (Some((key, _)), _) | (None, Some((key, _))) => {
                    return Err(Refused::Changes(key.clone()));
                }
            }
        }
    }
}

/// The entries a review leaves alone: all but `last_reviewed` and
/// `reviewed_by`, under any of their names.
fn kept<'e>(
    aliases: &Aliases,
    entries: &'e [(String, Value)],
) -> impl Iterator<Item = &'e (String, Value)> {
    entries.iter().filter(|(key, _)| {
        !matches!(
            aliases.canonical(key),
            Some("last_reviewed" | "reviewed_by")
        )
    })
}

/// The edits that may add `key: value` entries to the front matter, the
/// likeliest first: lines just before the closing `---`, or, when the front
/// matter is one flow mapping (`{title: X, owner: y}`), entries before its
/// closing brace, where a line after it would not parse. Which `}` closes
/// the mapping only the parser knows (one may sit in a comment after it),
/// so each is a candidate, from the last; reading the result back picks.
fn new_entries(
    text: &str,
    block: &Block,
    entries: &[String],
    eol: &str,
) -> Vec<(Range<usize>, String)> {
    let yaml = &text[block.yaml.clone()];
    let flow = yaml
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .is_some_and(|l| l.starts_with('{'));
    if !flow {
        let lines: String = entries.iter().map(|e| format!("{e}{eol}")).collect();
        return vec![(block.yaml.end..block.yaml.end, lines)];
    }
    let joined = entries.join(", ");
    yaml.rmatch_indices('}')
        .take(MAX_BRACES)
        .map(|(brace, _)| {
            // Right after the last entry, so a brace on a line of its own stays there.
            let inner = yaml[..brace].trim_end();
            let at = block.yaml.start + inner.len();
            let added = match inner.chars().next_back() {
                Some('{') => joined.clone(),
                Some(',') => format!(" {joined}"),
                _ => format!(", {joined}"),
            };
            (at..at, added)
        })
        .collect()
}

/// Closing braces tried as the end of a flow mapping, from the last: those
/// after it are in comments, a line or two at most.
const MAX_BRACES: usize = 8;

/// Where a key's value is written: as the parser read it, or, when it is
/// empty, the place after the colon.
fn value_of(doc: &Document, key: &Key) -> Option<Range<usize>> {
    // An empty value is read where the parser saw it end: the colon, or
    // the brace of a flow mapping.
    let written = &doc.text[key.value.clone()];
    if key.value.is_empty() || written.starts_with([':', ',', '}']) {
        value_after_key(doc, key.at.offset)
    } else if doc.lines.line_of(key.value.start) > doc.lines.line_of(key.at.offset) {
        block_node(doc, key)
    } else if written.starts_with(['[', '{']) {
        // The parser gives a list or mapping its first line: in a flow
        // mapping that runs past its closing bracket.
        let end = flow_end(&doc.text, key.value.start)?;
        Some(key.value.start..end)
    } else {
        Some(key.value.clone())
    }
}

/// A value written on the lines under its key (a block list, a mapping):
/// from the colon to the end of its last line, so it is replaced whole.
/// Its lines are those indented deeper than the key, list items at the
/// key's own indentation (`- x`, as YAML allows), and blank or comment
/// lines between them.
fn block_node(doc: &Document, key: &Key) -> Option<Range<usize>> {
    let colon = value_after_key(doc, key.at.offset)?.start;
    let indent = |line: &str| line.len() - line.trim_start_matches(' ').len();
    let key_line = doc.lines.line_of(key.at.offset) + 1;
    let key_indent = indent(doc.line_text(key_line));
    let mut end = None;
    for line in key_line + 1..=doc.lines.line_count() {
        let text = doc.line_text(line);
        let content = text.trim_start();
        let item = content == "-" || content.starts_with("- ");
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        if indent(text) < key_indent || (indent(text) == key_indent && !item) {
            break;
        }
        end = Some(doc.lines.line_start(line - 1) + text.len());
    }
    Some(colon..end?)
}

/// Where the flow list or mapping opening at `start` ends, just after its
/// closing bracket: brackets in quotes and comments do not count.
fn flow_end(text: &str, start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut chars = text[start..].char_indices().peekable();
    let (mut after_space, mut prev) = (false, ' ');
    while let Some((i, c)) = chars.next() {
        match c {
            '[' | '{' => depth += 1,
            ']' | '}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(start + i + 1);
                }
            }
            // A quote opens a quoted scalar only where a value starts.
            '"' | '\'' if after_space || matches!(prev, '[' | '{' | ',' | ':') => {
                // To the closing quote: `\"` escapes one in double quotes,
                // `''` is a quote in single ones.
                while let Some((_, q)) = chars.next() {
                    if q == '\\' && c == '"' {
                        chars.next();
                    } else if q == c {
                        if c == '\'' && chars.peek().is_some_and(|&(_, n)| n == '\'') {
                            chars.next();
                        } else {
                            break;
                        }
                    }
                }
            }
            '#' if after_space => while chars.next_if(|&(_, n)| n != '\n').is_some() {},
            _ => {}
        }
        after_space = c.is_whitespace();
        prev = c;
    }
    None
}

/// The value after `key:` on the key's line, or an empty range after the
/// colon when the value is empty.
fn value_after_key(doc: &Document, key_offset: usize) -> Option<Range<usize>> {
    let rest = &doc.text[key_offset..];
    let colon = rest[..rest.find('\n').unwrap_or(rest.len())].find(':')?;
    let after = key_offset + colon + 1;
    let spaces = doc.text[after..].len() - doc.text[after..].trim_start_matches([' ', '\t']).len();
    let start = after + spaces;
    // Nothing but the end of the line, a comment, or the end of a flow
    // entry (`{reviewed_by: }`): the value is empty.
    if doc.text[start..].starts_with(['\n', '\r', '#', ',', '}', ']']) || start == doc.text.len() {
        return Some(after..after);
    }
    let range = scalar_range(&doc.text, start);
    Some(if range.is_empty() && spaces == 0 {
        after..after
    } else {
        range
    })
}
