//! `runbook review FILE... [--by NAME]`: records a review in the front
//! matter, changing only the value of `last_reviewed` (and `reviewed_by`),
//! every other byte kept.

use std::path::Path;

use jiff::civil::Date;

use crate::config::Settings;
use crate::document::front_matter::{Block, Key, scalar_range};
use crate::document::{Document, FrontMatter};
use crate::fix::write_atomically;

/// What changed in one file.
#[derive(Debug)]
pub struct Reviewed {
    pub previous: Option<String>,
}

pub fn review(
    path: &Path,
    settings: &Settings,
    today: Date,
    by: Option<&str>,
) -> Result<Reviewed, String> {
    let bytes = crate::files::read_regular(path).map_err(|e| e.to_string())?;
    let doc = Document::parse(
        path.to_path_buf(),
        String::new(),
        bytes.clone(),
        &settings.aliases,
    );
    if doc.invalid_utf8.is_some() {
        return Err("not valid UTF-8; fix the encoding first".into());
    }
    let (block, fields) = match &doc.front_matter {
        FrontMatter::Parsed { block, fields } => (block, fields),
        FrontMatter::Missing => return Err("no front matter; `runbook lint --fix` adds it".into()),
        _ => return Err("front matter does not parse; `runbook lint` says where".into()),
    };
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    let eol = doc.line_ending();
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
    if !insert.is_empty() {
        edits.push(new_entries(&doc.text, block, &insert, eol));
    }
    edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
    let mut text = doc.text.clone();
    for (range, replacement) in edits {
        // `reviewed_by:` with no value: YAML needs a space after the colon.
        let spaced = range.is_empty() && text[..range.start].ends_with(':');
        let replacement = if spaced {
            format!(" {replacement}")
        } else {
            replacement
        };
        text.replace_range(range, &replacement);
    }
    let mut out = Vec::new();
    if doc.bom {
        out.extend_from_slice(b"\xEF\xBB\xBF");
    }
    out.extend_from_slice(text.as_bytes());
    write_atomically(path, &out).map_err(|e| format!("cannot write: {e}"))?;
    Ok(Reviewed { previous })
}

/// The edit that adds `key: value` entries to the front matter: lines just
/// before the closing `---`, or, when the front matter is one flow mapping
/// (`{title: X, owner: y}`), entries before its closing brace, where a line
/// after it would not parse.
fn new_entries(
    text: &str,
    block: &Block,
    entries: &[String],
    eol: &str,
) -> (std::ops::Range<usize>, String) {
    let yaml = &text[block.yaml.clone()];
    let trimmed = yaml.trim();
    if trimmed.starts_with('{') && trimmed.ends_with('}') {
        // Right after the last entry, so a brace on a line of its own stays there.
        let inner = yaml[..yaml.rfind('}').expect("ends with a brace")].trim_end();
        let at = block.yaml.start + inner.len();
        let joined = entries.join(", ");
        let added = match inner.chars().next_back() {
            Some('{') => joined,
            Some(',') => format!(" {joined}"),
            _ => format!(", {joined}"),
        };
        return (at..at, added);
    }
    let lines: String = entries.iter().map(|e| format!("{e}{eol}")).collect();
    (block.yaml.end..block.yaml.end, lines)
}

/// Where a key's value is written: as the parser read it, or, when it is
/// empty, the place after the colon.
fn value_of(doc: &Document, key: &Key) -> Option<std::ops::Range<usize>> {
    if key.value.is_empty() {
        value_after_key(doc, key.at.offset)
    } else {
        Some(key.value.clone())
    }
}

/// The value after `key:` on the key's line, or an empty range after the
/// colon when the value is empty.
fn value_after_key(doc: &Document, key_offset: usize) -> Option<std::ops::Range<usize>> {
    let rest = &doc.text[key_offset..];
    let colon = rest[..rest.find('\n').unwrap_or(rest.len())].find(':')?;
    let after = key_offset + colon + 1;
    let spaces = doc.text[after..].len() - doc.text[after..].trim_start_matches([' ', '\t']).len();
    let start = after + spaces;
    let range = scalar_range(&doc.text, start);
    Some(if range.is_empty() && spaces == 0 {
        after..after
    } else {
        range
    })
}
