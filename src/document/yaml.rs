//! YAML's positions and messages, as runbook reports them. YAML breaks a line at `\n`,
//! `\r\n` and a lone `\r`; [`LineIndex`](super::LineIndex) breaks only at
//! `\n`, as editors and every report do. A line and column the YAML parser
//! reports is turned back into a byte offset here before it means anything:
//! taken as our own line, it pointed past a lone `\r` at the next key, and
//! a `--fix` rewrote that key's value instead of the one it meant.

use std::cell::Cell;

pub struct YamlLines<'a> {
    text: &'a str,
    /// Byte offset where each YAML line starts.
    starts: Vec<usize>,
    /// The last position found, as (line, column, offset). The parser
    /// reports positions in order, so counting on from there keeps a flow
    /// mapping of a hundred thousand keys on one line linear.
    last: Cell<(usize, usize, usize)>,
}

impl<'a> YamlLines<'a> {
    pub fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        starts.extend(
            memchr::memchr2_iter(b'\n', b'\r', bytes)
                .filter(|&i| !(bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n')))
                .map(|i| i + 1),
        );
        YamlLines {
            text,
            starts,
            last: Cell::new((0, 0, 0)),
        }
    }

    /// The byte offset of the parser's 1-based `line` and `col` (a column
    /// counts characters). A column past the end of its line is the end of
    /// the line; a line past the last, the end of the text.
    pub fn offset(&self, line: u64, col: u64) -> usize {
        let (line, col) = (line.max(1) as usize, col.max(1) as usize);
        let Some(&start) = self.starts.get(line - 1) else {
            return self.text.len();
        };
        let (mut at, mut column) = match self.last.get() {
            (l, c, offset) if l == line && c <= col => (offset, c),
            _ => (start, 1),
        };
        for c in self.text[at..].chars() {
            if column == col || c == '\n' || c == '\r' {
                break;
            }
            at += c.len_utf8();
            column += 1;
        }
        self.last.set((line, column, at));
        at
    }
}

/// The parser's message without its own location, which counts YAML's
/// lines: the caller places it in the file's.
pub fn message(error: &serde_saphyr::Error) -> String {
    let text = error.to_string();
    let first = text.lines().next().unwrap_or("invalid YAML").trim();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    // `line 1 column 1: ...` before the message, or ` at line 1, column 1` after.
    let first = match first.split_once(": ") {
        Some((at, rest)) if at.starts_with("line ") && at.contains(" column ") => rest,
        _ => first,
    };
    let trimmed = first.split(" at line ").next().unwrap_or(first);
    // The parser's advice on its own options is for programmers, not authors.
    if let Some(key) = trimmed.strip_prefix("duplicate mapping key: ") {
        let key = key.split(',').next().unwrap_or(key).trim();
        return format!("duplicate key `{key}`: each key may appear only once");
    }
    if let Some(number) = trimmed
        .strip_prefix("non-finite float ")
        .and_then(|rest| rest.strip_suffix(" rejected by the configured policy"))
    {
        return format!("{number} is not a finite number: quote it if it is text");
    }
    if let Some(breach) = trimmed.strip_prefix("budget breached: ") {
        return over_budget(breach);
    }
    if let Some(character) = trimmed.strip_prefix("unexpected character: ") {
        let shown = character.trim_matches(['`', '\'', ' ']);
        return match shown {
            r"\u{0}" => "a NUL byte (U+0000), which YAML does not allow".to_string(),
            _ => format!("unexpected character {shown}"),
        };
    }
    for (said, meant) in AUTHORS_WORDS {
        if trimmed.starts_with(said) {
            return meant.to_string();
        }
    }
    trimmed.trim_end_matches(['.', ',']).to_string()
}

/// Where the tab a parser `message` (see [`message`]) speaks of is in
/// `text`: the parser places it where the value before the tab started,
/// so the tab is the first one from `line_start`, the start of that
/// line, on. `None` for a message about something else.
pub fn tab_offset(message: &str, text: &str, line_start: usize) -> Option<usize> {
    if !message.starts_with("a tab ") {
        return None;
    }
    Some(line_start + text.get(line_start..)?.find('\t')?)
}

/// A breach of the parser's limits (`Depth { depth: 65 }`), which guard
/// against YAML built to exhaust memory, in an author's terms.
fn over_budget(breach: &str) -> String {
    let kind = breach.split([' ', '{']).next().unwrap_or(breach);
    let what = match kind {
        "Depth" => "nested too deep",
        "Nodes" | "Events" | "Documents" => "too many values",
        "Aliases"
        | "Anchors"
        | "AliasAnchorRatio"
        | "MergeKeys"
        | "RecordedAnchorEvents"
        | "RecordedAnchorBytes" => "too many anchors and aliases (`&name`, `*name`)",
        "ScalarBytes" | "InputBytes" => "too much text",
        _ => "too large",
    };
    format!("{what} for the parser's safety limits: front matter holds a few `key: value` lines")
}

/// Messages of the parser that speak of Rust types, and what they mean to
/// whoever wrote the YAML.
const AUTHORS_WORDS: &[(&str, &str)] = &[
    (
        "expected mapping start",
        "expected `key: value` lines, not a sentence or a list",
    ),
    (
        "cannot deserialize null into string",
        "empty where a name or text is needed (`~`, `null`, or nothing before or after the colon)",
    ),
    (
        "expected string scalar",
        "expected a name or text here, not a list or a mapping",
    ),
    (
        "cannot deserialize tagged scalar",
        "YAML tags such as `!!timestamp` are not read here: write the value without it",
    ),
    (
        "did not find expected <document start>",
        "a `%YAML` or `%TAG` directive needs a `---` line after it, which ends front matter: remove the directive",
    ),
    (
        "tabs disallowed",
        "a tab in the indentation: YAML indents with spaces only",
    ),
    (
        "while scanning a plain scalar, found a tab",
        "a tab where YAML expects spaces: indent and separate with spaces only",
    ),
    (
        "recursion limit exceeded",
        "nested too deep for the parser's safety limits: front matter holds a few `key: value` lines",
    ),
    (
        "recursive references require weak recursion types",
        "an alias (`*name`) refers to the value that holds it",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_line_break_starts_a_line() {
        let text = "a: 1\nb: 2\r\nc: 3\rd: é4\r";
        let lines = YamlLines::new(text);
        assert_eq!(lines.offset(1, 1), 0);
        assert_eq!(lines.offset(2, 4), text.find('2').unwrap());
        assert_eq!(lines.offset(3, 1), text.find('c').unwrap());
        assert_eq!(lines.offset(4, 5), text.find('4').unwrap());
        assert_eq!(lines.offset(4, 1), text.find('d').unwrap());
        // Past the end of a line, its end; past the last line, the text's.
        assert_eq!(lines.offset(1, 99), 4);
        assert_eq!(lines.offset(9, 1), text.len());
    }

    #[test]
    fn messages_lose_the_parser_s_own_location() {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Stubs {
            vars: Vec<String>,
        }
        let unclosed = serde_saphyr::from_str::<Stubs>("vars: [\n").unwrap_err();
        assert_eq!(message(&unclosed), "unclosed bracket '['");
        let unknown = serde_saphyr::from_str::<Stubs>("a: 1\n").unwrap_err();
        assert_eq!(message(&unknown), "unknown field `a`, expected one of vars");
    }

    /// No message names a Rust type or a parser option.
    #[test]
    fn messages_speak_to_whoever_wrote_the_yaml() {
        type Map = std::collections::BTreeMap<String, serde_json::Value>;
        for (yaml, expected) in [
            ("just a sentence", "expected `key: value` lines"),
            ("~: x", "empty where a name or text is needed"),
            ("? [a]\n: b", "expected a name or text here"),
            (
                "a: !!timestamp 2026-01-01",
                "YAML tags such as `!!timestamp`",
            ),
            (
                "a: &a [*a]",
                "an alias (`*name`) refers to the value that holds it",
            ),
            ("a: .inf", ".inf` is not a finite number"),
            ("a: \u{0}", "a NUL byte (U+0000)"),
            (
                &format!("a: {}{}", "[".repeat(70), "]".repeat(70)),
                "nested too deep for the parser's safety limits",
            ),
            (
                "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]",
                "for the parser's safety limits",
            ),
            (
                "%YAML 1.2\n",
                "a `%YAML` or `%TAG` directive needs a `---` line",
            ),
        ] {
            let error = serde_saphyr::from_str::<Map>(yaml).unwrap_err();
            let said = message(&error);
            assert!(said.contains(expected), "{yaml:?}: {said}");
            assert!(
                !said.contains("Option<") && !said.contains("policy") && !said.contains('{'),
                "{said}"
            );
        }
    }
}
