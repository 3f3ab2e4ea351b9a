//! Team rules written as files: every `lints/*.yaml` next to `book.toml`
//! (except the pattern lists of built-in rules, `destructive-commands.yaml`
//! and `credentials.yaml`) is a list of rules of four kinds:
//!
//! ```yaml
//! - id: payments-verification
//!   kind: required-section          # a heading that must exist
//!   heading: '(?i)^verification$'
//!   when: { field: tags, matches: '^payments$' }   # optional
//!   non-empty: true                 # optional: with content under it
//!   message: payments runbooks need a Verification section
//!   help: add `## Verification` with the checks that prove it worked
//!   severity: error                 # error (default), warning or info
//!
//! - id: no-todo
//!   kind: pattern                   # a regex over one part of the page
//!   scope: prose                    # prose, headings, commands, or field
//!   field: ...                      # with scope: field
//!   regex: '\bTODO\b'
//!   must: not-match                 # or: match (somewhere in the scope)
//!
//! - id: team-field
//!   kind: front-matter              # a field, its values or its shape
//!   field: team
//!   required: true
//!   values: [payments, ledger]      # or regex: '^team-'
//!
//! - id: kubectl-delete-namespace
//!   kind: command                   # forbidden in commands unless acknowledged
//!   regex: '\bkubectl\s+delete\b'
//!   unless: '\s(-n|--namespace)[ =]\S'
//! ```
//!
//! A file with an error (bad regex, unknown kind, missing or duplicate id)
//! stops the run with its file and line, before anything is linted.

use std::path::{Path, PathBuf};

use regex::Regex;
use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::config::ConfigError;
use crate::diagnostic::{Severity, Span};
use crate::document::{Document, Pos};

use super::{Context, Sink};

/// Pattern lists read by built-in rules, not rule files.
pub const BUILTIN_LISTS: &[&str] = &["destructive-commands.yaml", "credentials.yaml"];

/// Info strings of blocks whose lines are commands.
const SHELL: &[&str] = &["bash", "sh", "shell", "zsh", "console"];

#[derive(Debug)]
pub struct CustomRule {
    pub id: &'static str,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    pub kind: Kind,
    /// Where it is declared, for `runbook rules`.
    pub file: PathBuf,
    pub line: usize,
}

#[derive(Debug)]
pub enum Kind {
    Pattern {
        scope: Scope,
        regex: Regex,
        must_match: bool,
    },
    RequiredSection {
        heading: Regex,
        when: Option<When>,
        non_empty: bool,
    },
    FrontMatter {
        field: String,
        required: bool,
        values: Vec<String>,
        regex: Option<Regex>,
    },
    Command {
        regex: Regex,
        unless: Option<Regex>,
    },
}

#[derive(Debug)]
pub enum Scope {
    Prose,
    Headings,
    Commands,
    Field(String),
}

/// A condition on a front matter field: the rule applies only when one of
/// the field's values matches.
#[derive(Debug)]
pub struct When {
    pub field: String,
    pub matches: Regex,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Entry {
    id: Option<Spanned<String>>,
    kind: Option<Spanned<String>>,
    severity: Option<Spanned<String>>,
    message: Option<String>,
    help: Option<String>,
    scope: Option<Spanned<String>>,
    field: Option<String>,
    regex: Option<Spanned<String>>,
    must: Option<Spanned<String>>,
    heading: Option<Spanned<String>>,
    when: Option<WhenEntry>,
    non_empty: Option<bool>,
    required: Option<bool>,
    values: Option<Vec<String>>,
    unless: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WhenEntry {
    field: String,
    matches: Spanned<String>,
}

/// Reads every rule file in `dir` (sorted by name, so ids and errors come
/// in a stable order). A missing folder is no rules.
pub fn load(dir: &Path) -> Result<Vec<CustomRule>, ConfigError> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| BUILTIN_LISTS.iter().any(|b| n == *b))
        })
        .collect();
    files.sort();
    let mut rules: Vec<CustomRule> = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).map_err(|e| ConfigError {
            path: file.clone(),
            line: 1,
            col: 1,
            message: format!("cannot read: {e}"),
        })?;
        for rule in parse(&file, &text)? {
            let taken =
                super::rules::find(rule.id).is_some() || rules.iter().any(|r| r.id == rule.id);
            if taken {
                return Err(ConfigError {
                    path: file.clone(),
                    line: rule.line,
                    col: 1,
                    message: format!("rule id `{}` is already taken; ids must be unique", rule.id),
                });
            }
            rules.push(rule);
        }
    }
    Ok(rules)
}

pub fn parse(file: &Path, text: &str) -> Result<Vec<CustomRule>, ConfigError> {
    let error = |pos: (u64, u64), message: String| {
        let (line, col) = crate::config::yaml_position(text, pos.0, pos.1);
        ConfigError {
            path: file.to_path_buf(),
            line,
            col,
            message,
        }
    };
    if text
        .split(['\n', '\r'])
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        return Ok(Vec::new());
    }
    let entries: Vec<Spanned<Entry>> = serde_saphyr::from_str(text).map_err(|e| {
        let pos = e.location().map_or((1, 1), |l| (l.line(), l.column()));
        let message = e.to_string();
        let first = message.lines().next().unwrap_or("invalid YAML");
        error(
            pos,
            format!(
                "{} (a rule file is a list of rules; see `runbook rules`)",
                first.split(" at line ").next().unwrap_or(first)
            ),
        )
    })?;
    let at = |s: &Spanned<String>| (s.referenced.line(), s.referenced.column());
    let regex = |s: &Spanned<String>, key: &str| {
        Regex::new(&s.value)
            .map_err(|e| error(at(s), format!("`{key}`: invalid regular expression: {e}")))
    };
    let mut rules = Vec::new();
    for entry in entries {
        let start = (entry.referenced.line(), entry.referenced.column());
        let e = entry.value;
        let Some(id) = e.id else {
            return Err(error(start, "a rule without `id`".into()));
        };
        let valid_id = !id.value.is_empty()
            && id
                .value
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !valid_id {
            return Err(error(
                at(&id),
                format!(
                    "rule id `{}`: use lowercase letters, digits and `-`",
                    id.value
                ),
            ));
        }
        let Some(kind) = e.kind else {
            return Err(error(at(&id), format!("rule `{}` has no `kind`", id.value)));
        };
        let severity = match e.severity.as_ref().map(|s| s.value.as_str()) {
            None | Some("error") => Severity::Error,
            Some("warning") => Severity::Warning,
            Some("info") => Severity::Info,
            Some(other) => {
                return Err(error(
                    at(e.severity.as_ref().unwrap()),
                    format!("severity `{other}`: use error, warning or info"),
                ));
            }
        };
        let need = |value: Option<Spanned<String>>, key: &str| {
            value.ok_or_else(|| {
                error(
                    at(&kind),
                    format!("rule `{}` of kind `{}` needs `{key}`", id.value, kind.value),
                )
            })
        };
        let parsed = match kind.value.as_str() {
            "pattern" => {
                let scope_text = need(e.scope, "scope")?;
                let scope = match scope_text.value.as_str() {
                    "prose" => Scope::Prose,
                    "headings" => Scope::Headings,
                    "commands" => Scope::Commands,
                    "field" => Scope::Field(e.field.clone().ok_or_else(|| {
                        error(at(&scope_text), "`scope: field` needs `field`".into())
                    })?),
                    other => {
                        return Err(error(
                            at(&scope_text),
                            format!("scope `{other}`: use prose, headings, commands or field"),
                        ));
                    }
                };
                let must_match = match e.must.as_ref().map(|m| m.value.as_str()) {
                    None | Some("not-match") => false,
                    Some("match") => true,
                    Some(other) => {
                        return Err(error(
                            at(e.must.as_ref().unwrap()),
                            format!("must `{other}`: use match or not-match"),
                        ));
                    }
                };
                Kind::Pattern {
                    scope,
                    regex: regex(&need(e.regex, "regex")?, "regex")?,
                    must_match,
                }
            }
            "required-section" => Kind::RequiredSection {
                heading: regex(&need(e.heading, "heading")?, "heading")?,
                when: match e.when {
                    Some(w) => Some(When {
                        field: w.field,
                        matches: regex(&w.matches, "when.matches")?,
                    }),
                    None => None,
                },
                non_empty: e.non_empty.unwrap_or(false),
            },
            "front-matter" => Kind::FrontMatter {
                field: e.field.ok_or_else(|| {
                    error(at(&kind), format!("rule `{}` needs `field`", id.value))
                })?,
                required: e.required.unwrap_or(false),
                values: e.values.unwrap_or_default(),
                regex: e.regex.as_ref().map(|r| regex(r, "regex")).transpose()?,
            },
            "command" => Kind::Command {
                regex: regex(&need(e.regex, "regex")?, "regex")?,
                unless: e.unless.as_ref().map(|r| regex(r, "unless")).transpose()?,
            },
            other => {
                return Err(error(
                    at(&kind),
                    format!(
                        "kind `{other}`: use pattern, required-section, front-matter or command"
                    ),
                ));
            }
        };
        let message = e.message.unwrap_or_else(|| format!("rule `{}`", id.value));
        rules.push(CustomRule {
            // Rule ids live as long as the program, like the built-in ones.
            id: Box::leak(id.value.into_boxed_str()),
            severity,
            message,
            help: e.help,
            kind: parsed,
            file: file.to_path_buf(),
            line: crate::config::yaml_position(text, start.0, start.1).0,
        });
    }
    Ok(rules)
}

impl CustomRule {
    /// What `runbook rules ID` prints for a rule from a file.
    pub fn doc(&self) -> String {
        let what = match &self.kind {
            Kind::Pattern {
                scope,
                regex,
                must_match,
            } => {
                let place = match scope {
                    Scope::Prose => "prose".to_string(),
                    Scope::Headings => "headings".to_string(),
                    Scope::Commands => "command lines".to_string(),
                    Scope::Field(f) => format!("front matter field `{f}`"),
                };
                let must = if *must_match {
                    "must match"
                } else {
                    "must not match"
                };
                format!("The {place} {must} `{}`.", regex.as_str())
            }
            Kind::RequiredSection {
                heading,
                when,
                non_empty,
            } => {
                let mut s = format!("A heading matching `{}` must exist", heading.as_str());
                if *non_empty {
                    s.push_str(", with content under it");
                }
                if let Some(w) = when {
                    s.push_str(&format!(
                        ", when front matter `{}` matches `{}`",
                        w.field,
                        w.matches.as_str()
                    ));
                }
                s + "."
            }
            Kind::FrontMatter {
                field,
                required,
                values,
                regex,
            } => {
                let mut s = format!("Front matter field `{field}`");
                if *required {
                    s.push_str(" is required");
                }
                if !values.is_empty() {
                    s.push_str(&format!("; its values are among {}", values.join(", ")));
                }
                if let Some(r) = regex {
                    s.push_str(&format!("; its values match `{}`", r.as_str()));
                }
                s + "."
            }
            Kind::Command { regex, unless } => {
                let mut s = format!("Command lines matching `{}` are forbidden", regex.as_str());
                if let Some(u) = unless {
                    s.push_str(&format!(" unless they match `{}`", u.as_str()));
                }
                s + ", except in a block marked `{destructive}` or after a warning paragraph."
            }
        };
        let mut doc = format!(
            "{} (`{}`)\n\n## What it checks\n{what}\n\n## Why it matters\n{}\n",
            self.message, self.id, self.message
        );
        doc.push_str(&format!(
            "\n## Example\nDeclared in `{}` line {}.\n",
            self.file.display(),
            self.line
        ));
        doc.push_str(&format!(
            "\n## Fix\n{}\n",
            self.help.as_deref().unwrap_or("See the rule's message.")
        ));
        doc
    }
}

/// Runs the team's rules on one document.
pub fn check(doc: &Document, cx: &Context, sink: &mut Sink) {
    for rule in &cx.settings.custom_rules {
        if sink.enabled(rule.id) {
            check_rule(rule, doc, sink);
        }
    }
}

fn check_rule(rule: &CustomRule, doc: &Document, sink: &mut Sink) {
    let top = doc.front_matter.block().map(|b| b.open).unwrap_or(Pos {
        line: 1,
        col: 1,
        offset: 0,
    });
    let whole_file = Span {
        start: top,
        end: top,
    };
    let report = |sink: &mut Sink, span: Span, detail: Option<String>| {
        let message = match detail {
            Some(d) => format!("{}: {d}", rule.message),
            None => rule.message.clone(),
        };
        let r = sink.report(rule.id, span, message);
        if let Some(help) = &rule.help {
            r.help(help.clone());
        }
    };
    match &rule.kind {
        Kind::Pattern {
            scope,
            regex,
            must_match,
        } => {
            let lines = scope_lines(doc, scope);
            let hits: Vec<Span> = lines
                .iter()
                .filter_map(|(line, text, base)| {
                    regex
                        .find(text)
                        .map(|m| line_span(doc, *line, base + m.start(), base + m.end()))
                })
                .collect();
            match (*must_match, hits.is_empty()) {
                (false, false) => hits.into_iter().for_each(|span| report(sink, span, None)),
                (true, true) => report(sink, whole_file, None),
                _ => {}
            }
        }
        Kind::RequiredSection {
            heading,
            when,
            non_empty,
        } => {
            if let Some(w) = when {
                let values = field_values(doc, &w.field);
                if !values.iter().any(|v| w.matches.is_match(v)) {
                    return;
                }
            }
            let found: Vec<_> = doc
                .body
                .headings
                .iter()
                .filter(|h| heading.is_match(&h.text))
                .collect();
            match found.first() {
                None => report(sink, whole_file, None),
                Some(h) if *non_empty && !found.iter().any(|h| h.has_content) => {
                    report(sink, h.span, Some(format!("`{}` is empty", h.text)));
                }
                Some(_) => {}
            }
        }
        Kind::FrontMatter {
            field,
            required,
            values,
            regex,
        } => {
            let Some(fields) = doc.fields() else { return };
            let key = fields
                .keys
                .iter()
                .find(|k| k.name == *field || k.canonical == Some(field.as_str()));
            let Some(key) = key else {
                if *required {
                    report(sink, whole_file, Some(format!("`{field}` is missing")));
                }
                return;
            };
            let span = Span {
                start: key.at,
                end: key.at,
            };
            for value in field_values(doc, field) {
                let allowed = values.is_empty() || values.contains(&value);
                let shaped = regex.as_ref().is_none_or(|r| r.is_match(&value));
                if !allowed || !shaped {
                    report(sink, span, Some(format!("`{field}: {value}`")));
                }
            }
        }
        Kind::Command { regex, unless } => {
            for block in doc
                .body
                .code_blocks
                .iter()
                .filter(|b| SHELL.contains(&b.lang.as_str()))
            {
                if acknowledged(doc, block) {
                    continue;
                }
                // Source lines, not the block's code: list indentation is
                // kept, so columns point at the command as written.
                for line in block.first_line..block.first_line + block.code.lines().count() {
                    let text = doc.line_text(line);
                    let command = text.trim_start();
                    let command = command.strip_prefix("$ ").unwrap_or(command);
                    let Some(m) = regex.find(command) else {
                        continue;
                    };
                    if unless.as_ref().is_some_and(|u| u.is_match(command)) {
                        continue;
                    }
                    let offset = text.len() - command.len();
                    report(
                        sink,
                        line_span(doc, line, offset + m.start(), offset + m.end()),
                        None,
                    );
                }
            }
        }
    }
}

/// Lines of the page a pattern looks at: (line number, text, column offset
/// of the text in the line).
fn scope_lines(doc: &Document, scope: &Scope) -> Vec<(usize, String, usize)> {
    match scope {
        Scope::Headings => doc
            .body
            .headings
            .iter()
            .map(|h| {
                (
                    h.span.start.line,
                    doc.line_text(h.span.start.line).to_string(),
                    0,
                )
            })
            .collect(),
        Scope::Commands => doc
            .body
            .code_blocks
            .iter()
            .filter(|b| SHELL.contains(&b.lang.as_str()))
            .flat_map(|b| (0..b.code.lines().count()).map(move |i| b.first_line + i))
            .map(|line| (line, doc.line_text(line).to_string(), 0))
            .collect(),
        Scope::Prose => {
            let body_start = doc
                .front_matter
                .block()
                .map(|b| doc.lines.line_of(b.body_start) + 1)
                .unwrap_or(1);
            (body_start..=doc.lines.line_count())
                .filter(|&l| !doc.body.in_code(l))
                .map(|l| (l, doc.line_text(l).to_string(), 0))
                .collect()
        }
        Scope::Field(field) => {
            let Some(fields) = doc.fields() else {
                return Vec::new();
            };
            let Some(key) = fields.keys.iter().find(|k| k.name == *field) else {
                return Vec::new();
            };
            field_values(doc, field)
                .into_iter()
                .map(|v| (key.at.line, v, 0))
                .collect()
        }
    }
}

/// A field's values as strings: one for a scalar, each item of a list.
fn field_values(doc: &Document, field: &str) -> Vec<String> {
    let Some(fields) = doc.fields() else {
        return Vec::new();
    };
    match field {
        "title" => fields.title.iter().map(|f| f.value.clone()).collect(),
        "owner" => fields.owner.iter().flat_map(|f| f.value.clone()).collect(),
        "status" => fields.status.iter().map(|f| f.value.clone()).collect(),
        "last_reviewed" => fields
            .last_reviewed
            .iter()
            .map(|f| f.value.to_string())
            .collect(),
        "tags" => fields.tags.clone(),
        "related" => fields.related.iter().map(|f| f.value.clone()).collect(),
        other => match fields.extra.get(other) {
            Some(serde_json::Value::Array(items)) => items.iter().map(value_text).collect(),
            Some(serde_json::Value::Null) | None => Vec::new(),
            Some(value) => vec![value_text(value)],
        },
    }
}

fn value_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `{destructive}` in the info string, or a paragraph right before the
/// block that starts with a warning word.
fn acknowledged(doc: &Document, block: &crate::document::CodeBlock) -> bool {
    if block.info.contains("destructive") {
        return true;
    }
    let before = (1..block.fence.start.line)
        .rev()
        .map(|l| doc.line_text(l).trim())
        .find(|l| !l.is_empty());
    before.is_some_and(|l| {
        let l = l
            .trim_start_matches(['>', ' ', '*', '_', '!', '['])
            .to_lowercase();
        ["warning", "caution", "danger", "destructive"]
            .iter()
            .any(|w| l.starts_with(w))
    })
}

fn line_span(doc: &Document, line: usize, start: usize, end: usize) -> Span {
    let line_start = doc.lines.line_start(line - 1).min(doc.text.len());
    let text = doc.line_text(line);
    let start = line_start + start.min(text.len());
    let end = line_start + end.min(text.len());
    doc.span(start..end)
}
