//! YAML front matter: finding the block, parsing it with `serde-saphyr`, and
//! mapping it onto the canonical fields with the positions of every key and
//! value, so each finding points at the Markdown line a reviewer must edit.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

use jiff::civil::Date;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;
use serde_saphyr::Spanned;

use super::lines::{LineIndex, Pos};
use super::yaml::{self, YamlLines};
use crate::config::Aliases;
use crate::duration::ReviewPeriod;

/// The canonical fields, in the order a skeleton lists them.
pub const CANONICAL_FIELDS: &[&str] = &[
    "title",
    "owner",
    "last_reviewed",
    "status",
    "review_every",
    "tags",
    "related",
    "lint",
    "reviewed_by",
    "dry_run",
];

/// Where the `---` block sits in the file.
#[derive(Clone, Debug)]
pub struct Block {
    /// Byte range of the YAML between the fences.
    pub yaml: std::ops::Range<usize>,
    /// Byte offset where the Markdown body starts (after the closing fence).
    pub body_start: usize,
    /// Position of the opening fence.
    pub open: Pos,
}

/// What the top of a file holds.
#[derive(Clone, Debug)]
pub enum FrontMatter {
    Missing,
    /// An opening `---` with no closing one.
    Unterminated {
        open: Pos,
    },
    /// YAML that does not parse, or is not a mapping.
    Invalid {
        block: Block,
        pos: Pos,
        message: String,
    },
    Parsed {
        block: Block,
        fields: Box<Fields>,
    },
}

impl FrontMatter {
    pub fn fields(&self) -> Option<&Fields> {
        match self {
            FrontMatter::Parsed { fields, .. } => Some(fields),
            _ => None,
        }
    }

    pub fn block(&self) -> Option<&Block> {
        match self {
            FrontMatter::Invalid { block, .. } | FrontMatter::Parsed { block, .. } => Some(block),
            _ => None,
        }
    }
}

/// A value together with where it was written.
#[derive(Clone, Debug)]
pub struct Field<T> {
    pub value: T,
    pub key: Pos,
    pub at: Pos,
    /// The value's bytes in the file, quotes included: what an edit of it
    /// replaces. In a flow mapping (`{last_reviewed: 2025-01-01, status:
    /// draft}`) it ends before the comma, which only the parser knows.
    pub written: Range<usize>,
}

/// The typed front matter. Keys that are not canonical stay in `extra`.
#[derive(Clone, Debug, Default)]
pub struct Fields {
    pub title: Option<Field<String>>,
    pub owner: Option<Field<Vec<String>>>,
    pub last_reviewed: Option<Field<Date>>,
    pub status: Option<Field<String>>,
    pub review_every: Option<Field<ReviewPeriod>>,
    pub tags: Vec<String>,
    pub related: Vec<Field<String>>,
    /// Rules allowed for the whole file (`lint: { allow: [...] }`).
    pub allow: Vec<String>,
    /// Keys of the `lint` mapping other than `allow`, with where each is
    /// written: runbook reads no other, so each is a slip (`alow`) that
    /// allows nothing.
    pub lint_keys: Vec<(String, Pos)>,
    /// Every key as written, with the canonical field it maps to, if any.
    pub keys: Vec<Key>,
    pub extra: BTreeMap<String, Value>,
    /// Values of the wrong type, each with what was expected.
    pub type_errors: Vec<TypeError>,
}

#[derive(Clone, Debug)]
pub struct Key {
    pub name: String,
    pub canonical: Option<&'static str>,
    pub at: Pos,
    /// Its value's bytes in the file, as [`Field::written`].
    pub value: Range<usize>,
}

#[derive(Clone, Debug)]
pub struct TypeError {
    pub field: &'static str,
    pub written_as: String,
    pub at: Pos,
    /// The value's bytes in the file, as [`Field::written`].
    pub written: Range<usize>,
    pub found: String,
    pub expected: &'static str,
    /// A word YAML 1.1 reads as a boolean (`y`, `no`, `on`) where a string
    /// was meant: quoting it keeps what was written.
    pub quote: bool,
    /// What to do, when it is not simply to write `expected`.
    pub help: Option<String>,
}

/// Finds the `---` fenced block at the very top (after an optional BOM,
/// which the caller has already stripped). `...` also closes it, as in YAML.
pub fn find_block(text: &str, index: &LineIndex) -> Result<Option<Block>, Pos> {
    let first = index.line_text(text, 1);
    if first.trim_end() != "---" {
        return Ok(None);
    }
    let open = index.pos(text, 0);
    let yaml_start = index.line_start(1).min(text.len());
    for line in 2..=index.line_count() {
        let content = index.line_text(text, line);
        if matches!(content.trim_end(), "---" | "...") {
            let yaml_end = index.line_start(line - 1);
            let body_start = index.line_start(line).min(text.len());
            return Ok(Some(Block {
                yaml: yaml_start..yaml_end,
                body_start,
                open,
            }));
        }
    }
    Err(open)
}

pub fn parse(text: &str, index: &LineIndex, aliases: &Aliases) -> (FrontMatter, usize) {
    let block = match find_block(text, index) {
        Ok(None) => return (FrontMatter::Missing, 0),
        Err(open) => return (FrontMatter::Unterminated { open }, text.len()),
        Ok(Some(block)) => block,
    };
    let body_start = block.body_start;
    let yaml = &text[block.yaml.clone()];
    let yaml_lines = YamlLines::new(yaml);
    let at = |line: u64, col: u64| -> Pos {
        index.pos(text, block.yaml.start + yaml_lines.offset(line, col))
    };
    if yaml.trim().is_empty() {
        return (
            FrontMatter::Parsed {
                block,
                fields: Box::default(),
            },
            body_start,
        );
    }
    match serde_saphyr::from_str_with_options::<RawMap>(yaml, parser_options()) {
        Ok(raw) => {
            let fields = map_fields(raw, aliases, &at, block.yaml.start, (text, index));
            (
                FrontMatter::Parsed {
                    block,
                    fields: Box::new(fields),
                },
                body_start,
            )
        }
        Err(error) => {
            let mut pos = error
                .location()
                .map(|l| at(l.line(), l.column()))
                .unwrap_or_else(|| at(1, 1));
            let message = yaml::message(&error);
            let yaml_text = &text[..block.yaml.end];
            if let Some(tab) = yaml::tab_offset(&message, yaml_text, index.line_start(pos.line - 1))
            {
                pos = index.pos(text, tab);
            }
            (
                FrontMatter::Invalid {
                    block,
                    pos,
                    message,
                },
                body_start,
            )
        }
    }
}

fn parser_options() -> serde_saphyr::options::Options {
    let mut options = serde_saphyr::options::Options::default();
    options.with_snippet = false;
    options
}

/// Every key of a parsed front matter block with its value, in order, as
/// the parser reads them (anchors and aliases resolved): what an edit of
/// the block compares before and after, to know it changed nothing else.
pub fn entries(text: &str, block: &Block) -> Option<Vec<(String, Value)>> {
    pairs(&text[block.yaml.clone()])
}

/// The keys and values of a YAML mapping, in order, or `None` when the
/// text is not one.
pub fn pairs(yaml: &str) -> Option<Vec<(String, Value)>> {
    if yaml.trim().is_empty() {
        return Some(Vec::new());
    }
    let raw = serde_saphyr::from_str_with_options::<RawMap>(yaml, parser_options()).ok()?;
    Some(raw.0.into_iter().map(|(k, v)| (k.value, v.value)).collect())
}

/// Key/value pairs in document order, each with its position.
struct RawMap(Vec<(Spanned<String>, Spanned<Value>)>);

impl<'de> Deserialize<'de> for RawMap {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor;
        impl<'de> Visitor<'de> for MapVisitor {
            type Value = RawMap;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping of `key: value` lines")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawMap, A::Error> {
                let mut pairs = Vec::new();
                while let Some(pair) = map.next_entry()? {
                    pairs.push(pair);
                }
                Ok(RawMap(pairs))
            }
        }
        deserializer.deserialize_map(MapVisitor)
    }
}

fn map_fields(
    raw: RawMap,
    aliases: &Aliases,
    at: &dyn Fn(u64, u64) -> Pos,
    yaml_start: usize,
    source: (&str, &LineIndex),
) -> Fields {
    let mut fields = Fields::default();
    for (key, value) in raw.0 {
        let key_pos = at(key.referenced.line(), key.referenced.column());
        let value_pos = at(value.referenced.line(), value.referenced.column());
        let written = written_range(&value, value_pos, yaml_start, source.0);
        let name = key.value;
        let canonical = aliases.canonical(&name);
        fields.keys.push(Key {
            name: name.clone(),
            canonical,
            at: key_pos,
            value: written.clone(),
        });
        let value = value.value;
        let Some(canonical) = canonical else {
            fields.extra.insert(name, value);
            continue;
        };
        let wrong = |expected: &'static str, value: &Value| {
            fields_type_error(
                &name,
                canonical,
                expected,
                value,
                value_pos,
                (written.clone(), source.0),
            )
        };
        // `status:` with nothing after it is written but empty, which
        // `required-field` reports when the field is required.
        if value.is_null()
            && matches!(
                canonical,
                "title" | "owner" | "last_reviewed" | "status" | "review_every"
            )
        {
            continue;
        }
        match canonical {
            "title" => match scalar_string(&value) {
                Some(s) => {
                    fields.title = Some(Field {
                        value: s,
                        key: key_pos,
                        at: value_pos,
                        written: written.clone(),
                    })
                }
                None => fields.type_errors.push(wrong("a string", &value)),
            },
            "owner" | "tags" | "related" if too_long(&value) => {
                fields.type_errors.push(TypeError {
                    field: canonical,
                    written_as: name.clone(),
                    at: value_pos,
                    written: written.clone(),
                    found: format!("a list of {} entries", value.as_array().map_or(0, Vec::len)),
                    expected: "a list of at most 1000 entries",
                    quote: false,
                    help: None,
                });
            }
            "owner" => match string_list(&value) {
                Some(list) => {
                    fields.owner = Some(Field {
                        value: list,
                        key: key_pos,
                        at: value_pos,
                        written: written.clone(),
                    })
                }
                None => fields
                    .type_errors
                    .push(wrong("a name or a list of names", &value)),
            },
            "last_reviewed" => match value.as_str().and_then(parse_date) {
                Some(date) => {
                    fields.last_reviewed = Some(Field {
                        value: date,
                        key: key_pos,
                        at: value_pos,
                        written: written.clone(),
                    })
                }
                None => fields
                    .type_errors
                    .push(wrong("a date such as 2025-01-27 (YYYY-MM-DD)", &value)),
            },
            "status" => match scalar_string(&value) {
                Some(s) => {
                    fields.status = Some(Field {
                        value: s,
                        key: key_pos,
                        at: value_pos,
                        written: written.clone(),
                    })
                }
                None => fields.type_errors.push(wrong("a string", &value)),
            },
            "review_every" => match review_period(&value) {
                Ok(period) => {
                    fields.review_every = Some(Field {
                        value: period,
                        key: key_pos,
                        at: value_pos,
                        written: written.clone(),
                    })
                }
                Err(Some((expected, help))) => fields.type_errors.push(TypeError {
                    help: Some(help.to_string()),
                    ..wrong(expected, &value)
                }),
                Err(None) => fields.type_errors.push(wrong(DURATION, &value)),
            },
            "tags" => match (comma_list(&name, &value), string_list(&value)) {
                (Some(help), _) => fields.type_errors.push(TypeError {
                    help: Some(help),
                    ..wrong("a list of strings", &value)
                }),
                (None, Some(list)) => fields.tags = list,
                (None, None) => fields.type_errors.push(wrong("a list of strings", &value)),
            },
            "related" => match string_list(&value) {
                Some(list) => fields.related = locate_items(list, key_pos, value_pos, source),
                None => fields.type_errors.push(wrong("a list of links", &value)),
            },
            "lint" => match &value {
                Value::Object(map) => {
                    let locate = |key: &str| locate_key(key, value_pos, source);
                    fields.lint_keys = map
                        .keys()
                        .filter(|k| *k != "allow")
                        .map(|k| (k.clone(), locate(k)))
                        .collect();
                    let Some(allow) = map.get("allow") else {
                        continue;
                    };
                    match string_list(allow) {
                        Some(list) => fields.allow = list,
                        None => {
                            let (at, written) = locate_value("allow", value_pos, source);
                            let mut error = fields_type_error(
                                &name,
                                canonical,
                                "a rule id or a list of rule ids",
                                allow,
                                at,
                                (written, source.0),
                            );
                            error.field = "lint.allow";
                            error.written_as = format!("{name}.allow");
                            error.help = error.help.or(Some(
                                "write the ids in one flat list: `lint: { allow: [broken-link, rollback-missing] }`".to_string(),
                            ));
                            fields.type_errors.push(error);
                        }
                    }
                }
                _ => fields
                    .type_errors
                    .push(wrong("a mapping such as `{ allow: [rule-id] }`", &value)),
            },
            _ => {
                fields.extra.insert(name, value);
            }
        }
    }
    fields
}

/// Where a key of a mapping written at `value` is: the first place after it
/// that the key is written followed by `:`, as the parser gives no
/// positions inside a value; `value` itself if it is not found.
fn locate_key(key: &str, value: Pos, (text, index): (&str, &LineIndex)) -> Pos {
    match key_offset(key, value.offset, text) {
        Some((at, _)) => index.pos(text, at),
        None => value,
    }
}

/// The byte offsets of `key` (see [`locate_key`]) and of its value.
fn key_offset(key: &str, from: usize, text: &str) -> Option<(usize, usize)> {
    let rest = text.get(from..)?;
    rest.match_indices(key).find_map(|(i, _)| {
        let before = rest[..i].chars().next_back();
        let after = rest[i + key.len()..].trim_start_matches(['"', '\'']);
        let colon = after.trim_start_matches([' ', '\t']).strip_prefix(':')?;
        let value = colon.trim_start_matches([' ', '\t']);
        let is_key = !before.is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | '-'));
        is_key.then(|| (from + i, text.len() - value.len()))
    })
}

/// Where the value of a key of a mapping written at `value` is, and its
/// bytes up to the end of its line (without the `}` or `,` of a flow
/// mapping); `value` and the mapping's own bytes if it is not found.
fn locate_value(key: &str, value: Pos, (text, index): (&str, &LineIndex)) -> (Pos, Range<usize>) {
    match key_offset(key, value.offset, text) {
        Some((_, start)) => {
            let line = scalar_range(text, start);
            let written = text[line.clone()].trim_end_matches([' ', '\t', '}', ',']);
            (index.pos(text, start), start..start + written.len())
        }
        None => (value, scalar_range(text, value.offset)),
    }
}

/// Positions of list items, found in the text after the key: the parser
/// reports one position for a whole block sequence.
fn locate_items(
    list: Vec<String>,
    key: Pos,
    value: Pos,
    (text, index): (&str, &LineIndex),
) -> Vec<Field<String>> {
    let mut from = value.offset.max(key.offset);
    list.into_iter()
        .map(|item| {
            let found = (!item.is_empty())
                .then(|| text.get(from..).and_then(|rest| rest.find(item.as_str())))
                .flatten();
            let (at, written) = match found {
                Some(i) => {
                    from += i + item.len();
                    let (mut start, mut end) = (from - item.len(), from);
                    // With the quotes or brackets the value was written with.
                    let before = text[..start].chars().next_back();
                    let close = match before {
                        Some('<') => Some('>'),
                        Some(q @ ('"' | '\'')) => Some(q),
                        _ => None,
                    };
                    if let Some(close) = close {
                        start -= 1;
                        if text[end..].starts_with(close) {
                            end += 1;
                        }
                    }
                    (index.pos(text, start), start..end)
                }
                None => (value, value.offset..value.offset),
            };
            Field {
                value: item,
                key,
                at,
                written,
            }
        })
        .collect()
}

fn fields_type_error(
    name: &str,
    canonical: &'static str,
    expected: &'static str,
    value: &Value,
    at: Pos,
    (written, text): (Range<usize>, &str),
) -> TypeError {
    let as_written = text.get(written.clone()).unwrap_or("").trim();
    let (found, quote) = match value {
        // `owner: y` is `true` to YAML 1.1, and to serde-saphyr.
        Value::Bool(b) if !as_written.eq_ignore_ascii_case(&b.to_string()) => (
            format!("`{as_written}`, which YAML reads as the boolean `{b}`"),
            as_written.chars().all(|c| c.is_ascii_alphabetic()),
        ),
        _ => (describe(value), false),
    };
    let entries = value.as_array().map_or(&[][..], Vec::as_slice);
    let help = if entries.iter().any(Value::is_boolean) {
        Some(
            "quote the entries YAML reads as booleans: `yes`, `no`, `on`, `off`, `y`, `n`, `true`, `false`",
        )
    } else if entries.iter().any(Value::is_null) {
        Some("write a value in each entry, or remove the empty ones")
    } else {
        None
    };
    TypeError {
        field: canonical,
        written_as: name.to_string(),
        at,
        written,
        found,
        expected,
        quote,
        help: help.map(str::to_string),
    }
}

/// The bytes a value was written as, from the parser's span of it when it
/// is a scalar; an empty value, a list or a mapping (whose span is its
/// opening bracket) runs to the end of its line as [`scalar_range`] reads it.
fn written_range(value: &Spanned<Value>, at: Pos, yaml_start: usize, text: &str) -> Range<usize> {
    let span = value.referenced.span();
    match (&value.value, span.byte_offset(), span.byte_len()) {
        (Value::Null | Value::Array(_) | Value::Object(_), ..) | (_, None, _) | (_, _, None) => {
            scalar_range(text, at.offset)
        }
        (_, Some(offset), Some(len)) => {
            let start = yaml_start + offset as usize;
            let end = (start + len as usize).min(text.len());
            if text.is_char_boundary(start) && text.is_char_boundary(end) && start <= end {
                // A block scalar's (`|`) span takes in its last line break.
                start..start + text[start..end].trim_end().len()
            } else {
                scalar_range(text, at.offset)
            }
        }
    }
}

/// How a value reads back to the user in a message.
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "an empty value".to_string(),
        Value::Bool(b) => format!("the boolean `{b}`"),
        Value::Number(n) => format!("`{n}`"),
        Value::String(s) => format!("`{s}`"),
        Value::Array(items) => match items.iter().position(|i| scalar_string(i).is_none()) {
            Some(i) => format!("a list whose entry {} is {}", i + 1, describe(&items[i])),
            None => "a list".to_string(),
        },
        Value::Object(_) => "a mapping".to_string(),
    }
}

fn scalar_string(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        // Never meant as text: `owner: y` and `tags: [on]` are booleans.
        _ => None,
    }
}

/// Entries a list field may have. Each tag and owner gets a page of the
/// site that lists its runbooks with their tags and owners: a runbook with
/// 20,000 tags made 20,000 pages of 20,000 tags each.
pub const MAX_LIST_ENTRIES: usize = 1000;

fn too_long(value: &Value) -> bool {
    value
        .as_array()
        .is_some_and(|items| items.len() > MAX_LIST_ENTRIES)
}

/// The help for a list written as one string, `tags: a, b`: YAML reads it
/// as the single tag `a, b`, which no search for `a` finds. A string with
/// no comma is one tag written without brackets, and is read as one.
fn comma_list(name: &str, value: &Value) -> Option<String> {
    let text = value.as_str().filter(|s| s.contains(','))?;
    let items: Vec<&str> = text
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    Some(format!(
        "a comma does not make a list in YAML: write `{name}: [{}]`",
        items.join(", ")
    ))
}

fn string_list(value: &Value) -> Option<Vec<String>> {
    match value {
        Value::Array(items) => items.iter().map(scalar_string).collect(),
        Value::Null => Some(Vec::new()),
        other => scalar_string(other).map(|s| vec![s]),
    }
}

/// The bytes of a YAML scalar written at `start`: a quoted string with its
/// quotes, or a plain one up to a comment or the end of the line.
pub fn scalar_range(text: &str, start: usize) -> std::ops::Range<usize> {
    let rest = &text[start..];
    let line = &rest[..rest.find(['\n', '\r']).unwrap_or(rest.len())];
    let len = match line.chars().next() {
        Some(quote @ ('"' | '\'')) => line[1..].find(quote).map(|i| i + 2).unwrap_or(line.len()),
        _ => line.find(" #").unwrap_or(line.len()),
    };
    start..start + line[..len].trim_end().len()
}

/// A calendar date: `2025-01-27`, or the date part of a timestamp
/// (`2025-01-27T10:00:00Z`, `2025-01-27 10:00`), which must be one in
/// full: `2025-01-27 pending sign-off` says the review is not done.
pub fn parse_date(text: &str) -> Option<Date> {
    let text = text.trim();
    let date_part = match text.char_indices().nth(10) {
        Some((i, 'T' | 't' | ' ')) => {
            let timestamp = text.parse::<jiff::Timestamp>().is_ok()
                || text.parse::<jiff::civil::DateTime>().is_ok();
            if !timestamp {
                return None;
            }
            &text[..i]
        }
        _ => text,
    };
    if date_part.len() != 10 {
        return None;
    }
    date_part.parse::<Date>().ok()
}

/// Why a date written `YYYY-MM-DD` is not one: `2026-02-30`, `2026-13-01`.
pub fn why_no_such_day(written: &str) -> Option<String> {
    let mut parts = written.splitn(3, '-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    let shaped = [(year, 4), (month, 2), (day, 2)]
        .iter()
        .all(|(part, len)| part.len() == *len && part.bytes().all(|b| b.is_ascii_digit()));
    if !shaped {
        return None;
    }
    let (year, month): (i16, i8) = (year.parse().ok()?, month.parse().ok()?);
    if !(1..=12).contains(&month) {
        return Some(format!("there are 12 months, not {month}"));
    }
    let first = Date::new(year, month, 1).ok()?;
    Some(format!(
        "{} {year} has {} days",
        first.strftime("%B"),
        first.days_in_month()
    ))
    .filter(|_| {
        day.parse::<i8>()
            .map_or(true, |d| d < 1 || d > first.days_in_month())
    })
}

const DURATION: &str = "a duration such as `90d`, `90 days`, `6 months` or `1 year`";

/// Why a value is close to a review period but not one: what it should be
/// and how to write it.
type NotAPeriod = Option<(&'static str, &'static str)>;

/// A review period, or why the value is none when it is close to one
/// (`0 days`, `1.5 years`, `2160h`).
fn review_period(value: &Value) -> Result<ReviewPeriod, NotAPeriod> {
    let text = match value {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        _ => return Err(None),
    };
    // `review_every: 90` is days, quoted or not.
    let days = text.parse::<i64>().map(|n| format!("{n}d"));
    days.as_deref().unwrap_or(&text).parse().map_err(|e| {
        let number = text
            .trim_start_matches('-')
            .split(|c: char| !(c.is_ascii_digit() || c == '.'))
            .next()
            .unwrap_or("");
        match text.parse::<jiff::Span>() {
            _ if matches!(e, crate::duration::NotAPeriod::OutOfRange(_)) => {
                Some(("a shorter period", crate::duration::RANGE))
            }
            Ok(span) if span.is_zero() || span.is_negative() => Some((
                "a period of at least one day",
                "write a period such as `90d`, `6 months` or `1 year`",
            )),
            Ok(span) if crate::duration::minutes_meant_as_months(span) => Some((
                "a number of days, weeks, months or years",
                "`m` is minutes: write months as `6mo` or `6 months`",
            )),
            Ok(_) => Some((
                "a number of days, weeks, months or years",
                "count the period in days, not hours: `90d`",
            )),
            Err(_) if days.is_ok() => Some((
                "a period of at least one day",
                "write a period such as `90d`, `6 months` or `1 year`",
            )),
            Err(_) if crate::duration::ambiguous(&text).is_some() => Some((
                "a period everyone reads the same way",
                crate::duration::ambiguous(&text).unwrap_or_default(),
            )),
            Err(_) if number.contains('.') && number.parse::<f64>().is_ok() => Some((
                "a whole number of days, weeks, months or years",
                "write it in whole units: `18 months`, not `1.5 years`",
            )),
            Err(_) => None,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> FrontMatter {
        parse(text, &LineIndex::new(text), &Aliases::default()).0
    }

    #[test]
    fn typed_fields_with_positions() {
        let fm = parse_str(
            "---\ntitle: Restore\nowner: [a, b]\nlast_reviewed: 2025-01-27\nx: 1\n---\n# Body\n",
        );
        let fields = fm.fields().expect("parsed");
        assert_eq!(fields.owner.as_ref().unwrap().value, vec!["a", "b"]);
        let reviewed = fields.last_reviewed.as_ref().unwrap();
        assert_eq!(reviewed.value.to_string(), "2025-01-27");
        assert_eq!((reviewed.at.line, reviewed.at.col), (4, 16));
        assert!(fields.extra.contains_key("x"));
    }

    #[test]
    fn values_are_written_where_the_parser_read_them() {
        let text = "---\n{status: draft, title: \"a, b\", last_reviewed: 2025-01-XX}\n---\n";
        let fm = parse_str(text);
        let fields = fm.fields().expect("parsed");
        let written = |range: &Range<usize>| &text[range.clone()];
        assert_eq!(written(&fields.status.as_ref().unwrap().written), "draft");
        assert_eq!(written(&fields.title.as_ref().unwrap().written), "\"a, b\"");
        assert_eq!(written(&fields.type_errors[0].written), "2025-01-XX");

        let text =
            "---\nstatus: draft, or not # a comment\nrelated: [\"a.md\", <b.md>, c.md]\n---\n";
        let fm = parse_str(text);
        let fields = fm.fields().expect("parsed");
        let written = |range: &Range<usize>| &text[range.clone()];
        assert_eq!(
            written(&fields.status.as_ref().unwrap().written),
            "draft, or not"
        );
        let related: Vec<&str> = fields.related.iter().map(|r| written(&r.written)).collect();
        assert_eq!(related, ["\"a.md\"", "<b.md>", "c.md"]);

        let text = "---\nlast_reviewed: |\n  2025-01-01\n---\n";
        let fm = parse_str(text);
        let fields = fm.fields().expect("parsed");
        let written = |range: &Range<usize>| &text[range.clone()];
        assert_eq!(
            written(&fields.last_reviewed.as_ref().unwrap().written),
            "2025-01-01"
        );
    }

    #[test]
    fn bad_date_is_a_type_error() {
        let fm = parse_str("---\nlast_reviewed: 2025-01-XX\n---\n");
        let error = &fm.fields().unwrap().type_errors[0];
        assert_eq!(error.field, "last_reviewed");
        assert_eq!(error.at.line, 2);
    }

    #[test]
    fn a_timestamp_gives_its_date_only_when_it_is_one_in_full() {
        let day = |text| parse_date(text).map(|d| d.to_string());
        for good in [
            "2026-11-01",
            "2026-11-01T10:00:00Z",
            "2026-11-01t10:00:00+02:00",
            "2026-11-01 10:00:00",
            "2026-11-01T10:00",
        ] {
            assert_eq!(day(good).as_deref(), Some("2026-11-01"), "{good}");
        }
        for bad in [
            "2026-11-01Tgarbage",
            "2026-11-01T25:00:00Z",
            "2026-11-01 pending sign-off",
            "2026-11-01Z",
            "2026-11-1",
        ] {
            assert_eq!(day(bad), None, "{bad}");
        }
    }

    #[test]
    fn invalid_yaml_points_into_the_markdown_file() {
        match parse_str("---\ntitle: ok\nowner: [unclosed\n---\n") {
            FrontMatter::Invalid { pos, .. } => assert!(pos.line >= 3, "{pos:?}"),
            other => panic!("expected invalid, got {other:?}"),
        }
    }

    /// Found by the `lint_file` fuzz target: a position past the last line.
    #[test]
    fn lone_carriage_returns_keep_positions_in_the_block() {
        let text = "---\ntitle: a\r\r\r\r\rowner: [x\n---\n# T\n";
        let index = LineIndex::new(text);
        match parse(text, &index, &Aliases::default()).0 {
            FrontMatter::Invalid { pos, .. } => {
                assert!(pos.line <= 3, "{pos:?}");
                assert_eq!(index.pos(text, pos.offset).line, pos.line, "{pos:?}");
            }
            other => panic!("expected invalid, got {other:?}"),
        }
    }

    /// Found by the `fix` fuzz target: after a lone `\r`, a field's position
    /// was one YAML line further down, on the next key, where `--fix`
    /// rewrote the wrong value.
    #[test]
    fn fields_after_a_lone_carriage_return_point_at_themselves() {
        let text = "---\r\n\rowner: x\r\nstatus: draft\r\nnext: review\r\n---\r\n";
        let fm = parse_str(text);
        let fields = fm.fields().unwrap();
        let status = fields.status.as_ref().unwrap();
        assert_eq!((status.at.line, status.at.col), (3, 9));
        assert_eq!(&text[status.at.offset..][..5], "draft");
        let owner = fields.keys.iter().find(|k| k.name == "owner").unwrap();
        assert_eq!((owner.at.line, owner.at.col), (2, 2));
    }

    #[test]
    fn unterminated_and_missing() {
        assert!(matches!(
            parse_str("---\ntitle: x\n"),
            FrontMatter::Unterminated { .. }
        ));
        assert!(matches!(parse_str("# Title\n"), FrontMatter::Missing));
        assert!(matches!(
            parse_str("---\r\ntitle: x\r\n---\r\n"),
            FrontMatter::Parsed { .. }
        ));
    }
}
