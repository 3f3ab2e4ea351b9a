//! Runbook without front matter (`front-matter-missing`)
//!
//! ## What it checks
//! Every runbook starts with a YAML block between `---` lines that says who
//! owns it, when it was last reviewed and what its status is.
//!
//! A `---` block that holds front matter fields but does not start on line
//! 1 (after a blank line, a comment or the title) is reported as misplaced,
//! and TOML front matter between `+++` lines as not read: both render as
//! text on the site, and no review rule sees them.
//!
//! ## Why it matters
//! Without it nobody can tell whether the page is current or whom to ask,
//! and no other review rule can run. Metadata written in the body
//! ("**Last Updated:** ...") is invisible to tools.
//!
//! ## Example
//! ```markdown
//! # Restore the orders database
//! **Owner:** payments
//! ```
//!
//! ## Fix
//! `--fix` moves a misplaced block to the top, converts TOML front matter
//! of plain values to YAML, and otherwise writes a block filled from what
//! the body says:
//! ```markdown
//! ---
//! title: Restore the orders database
//! owner: payments
//! last_reviewed: 2025-01-27
//! status: authoritative
//! ---
//! ```

use crate::diagnostic::{Edit, Fix};
use crate::document::{Document, FrontMatter, Pos, Span, front_matter};
use crate::lint::{Context, Sink};

crate::rule!("front-matter-missing", Error, Some(check));

fn check(doc: &Document, cx: &Context, sink: &mut Sink) {
    if !matches!(doc.front_matter, FrontMatter::Missing) {
        return;
    }
    let start = Pos {
        line: 1,
        col: 1,
        offset: 0,
    };
    let span = Span { start, end: start };
    if doc.text.trim().is_empty() {
        sink.report(
            ID,
            span,
            "empty file: a runbook needs front matter and steps",
        )
        .help("write the runbook, or delete the file");
        return;
    }
    if let Some(block) = misplaced_yaml(doc, cx) {
        report_misplaced(doc, sink, &block);
        return;
    }
    if let Some(block) = toml_block(doc) {
        report_toml(doc, sink, &block);
        return;
    }
    let found = body_metadata(doc);
    let mut help = String::from(
        "start the file with a `---` block holding `title`, `owner`, `last_reviewed` and `status`",
    );
    if !found.is_empty() {
        let quoted: Vec<String> = found
            .iter()
            .map(|m| format!("`{}` (line {})", m.written, m.line))
            .collect();
        help.push_str(&format!("; the body already says {}", quoted.join(", ")));
    }
    let report = sink
        .report(
            ID,
            span,
            "no front matter: nothing says who owns this runbook or when it was last reviewed",
        )
        .help(help);
    if fixable(doc) {
        report.fix(Fix {
            description: "add front matter filled from the body".into(),
            edits: vec![Edit {
                start: 0,
                end: 0,
                replacement: skeleton(doc, &found),
            }],
        });
    }
}

/// Whether a fix may add lines: not to a file whose lines end with `\r`
/// alone (classic Mac OS), which would be left with two kinds of line
/// ending, and which `runbook review` refuses for the same reason.
fn fixable(doc: &Document) -> bool {
    doc.lone_cr.is_none()
}

/// How far down a misplaced `---` block is looked for, and how long a
/// block may be: front matter is a few lines at the top.
const NEAR_TOP: usize = 50;
const LONGEST_BLOCK: usize = 1000;

/// A fenced block near the top that was meant as front matter.
struct Meant {
    /// 1-based lines of the opening and closing fences.
    open: usize,
    close: usize,
    /// Byte offsets: the opening fence's first `-` or `+`, the end of the
    /// closing fence (before its line ending), the end of its line.
    fence: usize,
    close_end: usize,
    line_end: usize,
}

/// The lines of `doc` from `open` on up to the next line that is one of
/// `closers`, as a [`Meant`].
fn fenced(doc: &Document, open: usize, closers: &[&str]) -> Option<Meant> {
    let close = (open + 1..=doc.lines.line_count().min(open + LONGEST_BLOCK))
        .find(|&line| closers.contains(&doc.line_text(line).trim_end()))?;
    let line_start = |line: usize| doc.lines.line_start(line - 1).min(doc.text.len());
    let opening = doc.line_text(open);
    let fence = line_start(open) + (opening.len() - opening.trim_start().len());
    let close_end = line_start(close) + doc.line_text(close).len();
    Some(Meant {
        open,
        close,
        fence,
        close_end,
        line_end: line_start(close + 1),
    })
}

/// A `---` block holding front matter fields that does not start on line
/// 1: GitHub and the site show it as a rule and a paragraph.
fn misplaced_yaml(doc: &Document, cx: &Context) -> Option<Meant> {
    let open = (1..=doc.lines.line_count().min(NEAR_TOP))
        .find(|&line| doc.line_text(line).trim() == "---")?;
    let block = fenced(doc, open, &["---", "..."])?;
    let yaml_start = doc.lines.line_start(open).min(doc.text.len());
    let yaml_end = doc.lines.line_start(block.close - 1).min(doc.text.len());
    let pairs = front_matter::pairs(&doc.text[yaml_start..yaml_end])?;
    pairs
        .iter()
        .any(|(key, _)| cx.settings.aliases.canonical(key).is_some())
        .then_some(block)
}

fn report_misplaced(doc: &Document, sink: &mut Sink, block: &Meant) {
    let before = &doc.text[..block.fence];
    // Blank lines and spaces go; anything else moves below the block.
    let (help, end, replacement) = if before.trim().is_empty() {
        (
            format!(
                "delete what comes before its opening `---` (line {})",
                block.open
            ),
            block.fence,
            String::new(),
        )
    } else {
        let mut moved = doc.text[block.fence..block.line_end].to_string();
        if !moved.ends_with('\n') {
            moved.push_str(doc.line_ending());
        }
        moved.push_str(before.trim_end().trim_start_matches(['\n', '\r']));
        moved.push_str(doc.line_ending());
        (
            format!(
                "move the lines above it below its closing `---` (line {})",
                block.close
            ),
            block.line_end,
            moved,
        )
    };
    let report = sink
        .report(
            ID,
            doc.span(block.fence..block.fence),
            "front matter must start on line 1: this block is read as Markdown, \
             so nothing says who owns this runbook or when it was last reviewed",
        )
        .help(help);
    if fixable(doc) {
        report.fix(Fix {
            description: "move the front matter to the top of the file".into(),
            edits: vec![Edit {
                start: 0,
                end,
                replacement,
            }],
        });
    }
}

/// Hugo's TOML front matter, between `+++` lines on top.
fn toml_block(doc: &Document) -> Option<Meant> {
    if doc.line_text(1).trim_end() != "+++" {
        return None;
    }
    fenced(doc, 1, &["+++"])
}

fn report_toml(doc: &Document, sink: &mut Sink, block: &Meant) {
    let toml_start = doc.lines.line_start(1).min(doc.text.len());
    let toml_end = doc.lines.line_start(block.close - 1).min(doc.text.len());
    let toml_text = &doc.text[toml_start..toml_end];
    let yaml = toml_as_yaml(toml_text).filter(|_| fixable(doc));
    let mut help = String::from(
        "write it as YAML between `---` lines: `key: value` in place of `key = value`",
    );
    if yaml.is_some() {
        help.push_str(" (`--fix` does)");
    } else if has_comment(toml_text) {
        help.push_str(", with its comments as YAML `#` comments");
    }
    let report = sink
        .report(
            ID,
            doc.span(0..0),
            "TOML front matter (`+++`) is not read: runbook reads YAML between `---` lines",
        )
        .help(help);
    if let Some(yaml) = yaml {
        let eol = doc.line_ending();
        let mut replacement = format!("---{eol}");
        for line in yaml {
            replacement.push_str(&line);
            replacement.push_str(eol);
        }
        replacement.push_str("---");
        report.fix(Fix {
            description: "convert the TOML front matter to YAML".into(),
            edits: vec![Edit {
                start: 0,
                end: block.close_end,
                replacement,
            }],
        });
    }
}

/// TOML front matter as YAML lines, keys in their order, or `None` when it
/// does not parse, holds a table or a nested array, or holds comments
/// (which the values alone would lose): a person should rewrite those.
fn toml_as_yaml(toml_text: &str) -> Option<Vec<String>> {
    if has_comment(toml_text) {
        return None;
    }
    let spans = toml::de::DeTable::parse(toml_text).ok()?;
    let mut keys: Vec<(usize, &str)> = spans
        .get_ref()
        .keys()
        .map(|k| (k.span().start, k.get_ref().as_ref()))
        .collect();
    keys.sort_unstable();
    let table: toml::Table = toml::from_str(toml_text).ok()?;
    keys.into_iter()
        .map(|(_, key)| {
            let value = yaml_value(table.get(key)?, true)?;
            Some(format!("{}: {value}", yaml_key(key)))
        })
        .collect()
}

/// Whether TOML text holds a comment: a `#` outside every key and value
/// (`title = "Incident #42"` holds none).
fn has_comment(toml_text: &str) -> bool {
    let Ok(table) = toml::de::DeTable::parse(toml_text) else {
        return toml_text.contains('#');
    };
    let spans: Vec<std::ops::Range<usize>> = table
        .get_ref()
        .iter()
        .flat_map(|(k, v)| [k.span(), v.span()])
        .collect();
    toml_text
        .match_indices('#')
        .any(|(at, _)| !spans.iter().any(|s| s.contains(&at)))
}

fn yaml_key(key: &str) -> String {
    let plain = key.starts_with(|c: char| c.is_ascii_alphabetic())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if plain {
        key.to_string()
    } else {
        serde_json::to_string(key).unwrap_or_default()
    }
}

/// One TOML value as YAML; arrays only of scalars, at the top.
fn yaml_value(value: &toml::Value, top: bool) -> Option<String> {
    Some(match value {
        toml::Value::String(s) => yaml_string(s),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) if f.is_finite() => format!("{f:?}"),
        toml::Value::Boolean(b) => b.to_string(),
        toml::Value::Datetime(d) if d.time.is_none() && d.offset.is_none() => d.to_string(),
        toml::Value::Datetime(d) => serde_json::to_string(&d.to_string()).ok()?,
        toml::Value::Array(items) if top => {
            let items: Option<Vec<String>> = items.iter().map(|v| yaml_value(v, false)).collect();
            format!("[{}]", items?.join(", "))
        }
        _ => return None,
    })
}

/// A line of metadata written in the body instead of front matter:
/// `**Last Updated:** 2025-01-XX`.
struct BodyMetadata {
    /// The label, lowercased and without emphasis: one of [`LABELS`].
    label: String,
    value: String,
    /// The line as written, to quote in the help.
    written: String,
    line: usize,
}

const LABELS: &[&str] = &[
    "last updated",
    "last reviewed",
    "document owner",
    "owner",
    "status",
];

/// Lines read at each end of the page: exported runbooks put such lines
/// under the title or in a footer after the last step.
const ENDS: usize = 40;

fn body_metadata(doc: &Document) -> Vec<BodyMetadata> {
    let count = doc.lines.line_count();
    let head = 1..=count.min(ENDS);
    let foot = (count.saturating_sub(ENDS) + 1).max(ENDS + 1)..=count;
    let mut found = Vec::new();
    for line in head.chain(foot) {
        if doc.body.in_code(line) {
            continue;
        }
        let written = doc.line_text(line).trim();
        let Some((label, value)) = written.split_once(':') else {
            continue;
        };
        let label = label
            .replace(EMPHASIS, "")
            .trim()
            .trim_start_matches(['-', '>', ' '])
            .to_lowercase();
        let value = unemphasized(value);
        if LABELS.contains(&label.as_str()) && !value.is_empty() {
            found.push(BodyMetadata {
                label,
                value: value.to_string(),
                written: written.to_string(),
                line,
            });
        }
    }
    found
}

const EMPHASIS: [char; 2] = ['*', '_'];

/// The value after a label's colon, without the emphasis around it: the
/// label's closing `**` right after the colon (`**Owner:** jane`) and a
/// pair wrapping the whole value (`_team-db_`). Inside it, `_` and `*` are
/// the value's own (`jane_doe@example.com`, `@acme/db_oncall`).
fn unemphasized(value: &str) -> &str {
    let value = value.trim_start_matches(EMPHASIS).trim();
    let marks = &value[..value.len() - value.trim_start_matches(EMPHASIS).len()];
    match value.strip_prefix(marks).and_then(|v| v.strip_suffix(marks)) {
        Some(inner) if !marks.is_empty() && !inner.trim().is_empty() => inner.trim(),
        _ => value,
    }
}

/// Front matter with what the body says. Nothing is invented: a field the
/// body does not give stays out, so the linter keeps asking for it.
fn skeleton(doc: &Document, found: &[BodyMetadata]) -> String {
    let value = |labels: &[&str]| {
        found
            .iter()
            .find(|m| labels.contains(&m.label.as_str()))
            .map(|m| m.value.clone())
    };
    let mut lines = vec!["---".to_string()];
    if let Some(heading) = doc
        .body
        .headings
        .iter()
        .find(|h| h.level == 1)
        .or(doc.body.headings.first())
    {
        lines.push(format!("title: {}", yaml_string(&heading.text)));
    }
    if let Some(owner) = value(&["document owner", "owner"]) {
        lines.push(format!("owner: {}", yaml_string(&owner)));
    }
    if let Some(date) = value(&["last reviewed", "last updated"]) {
        // Written in another format, the date would be fixed again by the
        // next `--fix`: write it as `field-type` would.
        let date = super::field_type::other_date_format(&date)
            .map(|d| d.to_string())
            .unwrap_or(date);
        let date = match front_matter::parse_date(&date) {
            Some(_) => date,
            None => yaml_string(&date),
        };
        lines.push(format!("last_reviewed: {date}"));
    }
    lines.push(format!(
        "status: {}",
        value(&["status"])
            .map(|s| yaml_string(&s.to_lowercase()))
            .unwrap_or_else(|| "draft".into())
    ));
    lines.push("---".to_string());
    let eol = doc.line_ending();
    let mut text = lines.join(eol);
    text.push_str(eol);
    if !doc.text.starts_with(['\n', '\r']) {
        text.push_str(eol);
    }
    text
}

/// A YAML string: plain when YAML reads it back as that same string (not
/// a number, a date, a boolean or null), else double-quoted.
fn yaml_string(text: &str) -> String {
    const NOT_STRINGS: &[&str] = &["true", "false", "yes", "no", "on", "off", "null", "y", "n"];
    let plain = text.starts_with(char::is_alphabetic)
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || " -_./()".contains(c))
        && !text.ends_with(' ')
        && !NOT_STRINGS.contains(&text.to_lowercase().as_str());
    if plain {
        text.to_string()
    } else {
        serde_json::to_string(text).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::{body_metadata, skeleton, toml_as_yaml};
    use crate::config::Aliases;
    use crate::document::{Document, front_matter};

    /// Exported runbooks put their metadata under the title or in a footer
    /// after the last step: both ends are read, code blocks are not.
    #[test]
    fn metadata_is_read_at_both_ends_of_the_page_outside_code() {
        let mut text = String::from("# Deploy\n\n**Last Updated:** 2026-11-02\n\n");
        for step in 1..=60 {
            text.push_str(&format!("{step}. Do step {step}.\n"));
        }
        text.push_str("\n```yaml\nowner: not-this-one\n```\n\n---\n\n**Document Owner:** DevOps Team\n");
        let doc = Document::parse(
            PathBuf::from("a.md"),
            "a.md".into(),
            text.into_bytes(),
            &Aliases::default(),
        );
        let found = body_metadata(&doc);
        let quoted: Vec<(&str, usize)> = found.iter().map(|m| (m.written.as_str(), m.line)).collect();
        assert_eq!(
            quoted,
            [("**Last Updated:** 2026-11-02", 3), ("**Document Owner:** DevOps Team", 72)]
        );
        assert_eq!(
            skeleton(&doc, &found),
            "---\ntitle: Deploy\nowner: DevOps Team\nlast_reviewed: 2026-11-02\nstatus: draft\n---\n\n"
        );
    }

    /// What the YAML says is what the TOML said, key by key and in order.
    #[test]
    fn toml_converts_to_the_same_values() {
        let toml = "title = \"Fail over: \\\"now\\\"\"\n\"odd key\" = 'say \"hi\"'\nowner = [\"a\", \"no\", \"1.0\"]\n\
                    last_reviewed = 2026-11-01\nweight = -3\nratio = 0.5\ndraft = false\nat = 2026-11-01T10:00:00Z\n\
                    note = \"\"\"\nline one\nline two\"\"\"\nempty = []\n";
        let yaml = toml_as_yaml(toml).expect("plain values convert").join("\n");
        let pairs = front_matter::pairs(&yaml).expect("the YAML parses");
        let got: Vec<(String, String)> =
            pairs.into_iter().map(|(k, v)| (k, v.to_string())).collect();
        let want = [
            ("title", r#""Fail over: \"now\"""#),
            ("odd key", r#""say \"hi\"""#),
            ("owner", r#"["a","no","1.0"]"#),
            ("last_reviewed", r#""2026-11-01""#),
            ("weight", "-3"),
            ("ratio", "0.5"),
            ("draft", "false"),
            ("at", r#""2026-11-01T10:00:00Z""#),
            ("note", r#""line one\nline two""#),
            ("empty", "[]"),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(got, want, "{yaml}");
    }

    #[test]
    fn tables_and_nested_arrays_are_left_for_a_person() {
        for toml in [
            "[params]\nowner = \"a\"\n",
            "x = [[1], [2]]\n",
            "x = { a = 1 }\n",
            "x = \n",
        ] {
            assert_eq!(toml_as_yaml(toml), None, "{toml}");
        }
    }
}
