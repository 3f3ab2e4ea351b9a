//! Team rules written as files: every `lints/*.yaml` next to `book.toml`
//! is a list of rules of four kinds:
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
//!   kind: pattern                   # a regex over each line of one part of the page
//!   scope: prose                    # prose, headings, commands, or field
//!   field: ...                      # with scope: field
//!   regex: '\bTODO\b'
//!   must: not-match                 # or: match (somewhere in the scope)
//!   unless: 'tracked in'            # with not-match: a line that also matches is fine
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
//!   unless: '\s(-n|--namespace)[ =]\S' # also read on the lines that go on
//!                                   # with the command (`\`, an open statement)
//!
//! - id: nuke-cluster
//!   kind: command
//!   reports-as: destructive-command # data of that built-in rule
//!   regex: '\bnuke-cluster\b'
//!
//! - id: kill-9                      # drops the default with this id
//!   severity: off
//! ```
//!
//! Every kind reads `when` (the rule applies to the runbooks whose front
//! matter field matches). A key the rule's kind does not read is an error,
//! as is a `front-matter` rule with nothing to check ([`KIND_KEYS`]): a
//! key silently ignored leaves a rule that does something else than its
//! author wrote. A file with an error (bad regex, unknown kind, missing or
//! duplicate id) stops the run with its file and line, before anything is
//! linted.
//!
//! The built-in defaults are rules of the same format, in the repository's
//! `lints/defaults/` and compiled into the binary: they load first, and a
//! book's rule with the same id replaces one (`severity: off` drops it).
//! A rule with `reports-as: BUILTIN-ID` is the data of a built-in rule
//! ([`DATA_OF`]): that rule runs it, with what the format cannot say, and
//! reports under its own id, so `[lint.rules]` and suppressions of that id
//! cover every rule that reports as it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use rayon::prelude::*;

use regex::Regex;
use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::config::ConfigError;
use crate::diagnostic::{Severity, Span};
use crate::document::written::Written;
use crate::document::yaml::{self, YamlLines};
use crate::document::{Document, LineIndex, Pos};
use crate::extract::blocks;
use crate::files::{Boundary, read_text_inside};

use super::{Context, Sink};

/// The built-in defaults, as shipped in the repository's `lints/defaults/`.
const DEFAULT_FILES: &[(&str, &str)] = &[
    (
        "destructive-commands.yaml",
        include_str!("../../lints/defaults/destructive-commands.yaml"),
    ),
    (
        "credentials.yaml",
        include_str!("../../lints/defaults/credentials.yaml"),
    ),
    (
        "placeholders.yaml",
        include_str!("../../lints/defaults/placeholders.yaml"),
    ),
    (
        "structure.yaml",
        include_str!("../../lints/defaults/structure.yaml"),
    ),
];

/// Parsed once per process; a broken default is a bug in runbook, caught
/// by the tests. The files compile on every core: their regexes are most of
/// runbook's start-up, which every pre-commit run waits for. Not from
/// inside rayon's pool, though: a worker waiting there for the files could
/// take a job that asks for the defaults again, and wait on itself.
static DEFAULTS: LazyLock<Vec<CustomRule>> = LazyLock::new(|| {
    let parse_default = |(name, text): &(&str, &str)| {
        let file = Path::new("lints/defaults").join(name);
        parse(&file, text).unwrap_or_else(|e| panic!("built-in rules: {e}"))
    };
    let files: Vec<Vec<Declared>> = if rayon::current_thread_index().is_some() {
        DEFAULT_FILES.iter().map(parse_default).collect()
    } else {
        DEFAULT_FILES.par_iter().map(parse_default).collect()
    };
    files
        .into_iter()
        .flatten()
        .filter_map(|declared| match declared {
            Declared::Rule(mut rule, _) => {
                rule.builtin = true;
                Some(*rule)
            }
            Declared::Off { .. } => None,
        })
        .collect()
});

/// The built-in default rules, before any book's `lints/`.
pub fn defaults() -> &'static [CustomRule] {
    &DEFAULTS
}

/// Built-in rules that take their data from rules of this format, with the
/// kind such a rule must have (`data_fits` checks the rest).
pub const DATA_OF: &[(&str, &str)] = &[
    ("destructive-command", "command"),
    ("credential-in-command", "pattern"),
    ("unresolved-placeholder", "pattern"),
    ("status-invalid", "front-matter"),
    ("rollback-missing", "required-section"),
];

/// The default rule whose values `statuses` in book.toml replaces.
pub const STATUS_VALUES: &str = "status-values";
/// The default rule whose heading `rollback-heading` in book.toml replaces.
pub const ROLLBACK_SECTION: &str = "rollback-section";

/// Files that were plain pattern lists (id, regex, message) before they
/// were rules: in a file of that name, an entry without `kind` is still
/// read as one, so books written for the old lists keep working. Each is
/// (file name, kind, scope, reports-as).
const LISTS: &[(&str, &str, Option<&str>, &str)] = &[
    (
        "destructive-commands.yaml",
        "command",
        None,
        "destructive-command",
    ),
    (
        "credentials.yaml",
        "pattern",
        Some("commands"),
        "credential-in-command",
    ),
];

#[derive(Clone, Debug)]
pub struct CustomRule {
    pub id: &'static str,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    pub kind: Kind,
    /// The runbooks the rule applies to: those whose front matter field
    /// matches; every runbook without it.
    pub when: Option<When>,
    /// The built-in rule that runs this one and reports its findings.
    pub reports_as: Option<&'static str>,
    /// Where it is declared, for `runbook rules`.
    pub file: PathBuf,
    pub line: usize,
    /// One of runbook's defaults, compiled in from `lints/defaults/`.
    pub builtin: bool,
}

#[derive(Clone, Debug)]
pub enum Kind {
    Pattern {
        scope: Scope,
        regex: RuleRegex,
        must_match: bool,
        /// A line (or field value) that also matches this is fine.
        unless: Option<RuleRegex>,
    },
    RequiredSection {
        heading: Regex,
        /// [`anywhere`] of `heading`: where a page may mention the section.
        mentions: Option<Regex>,
        non_empty: bool,
    },
    FrontMatter {
        field: String,
        required: bool,
        values: Vec<String>,
        regex: Option<Regex>,
    },
    Command {
        regex: RuleRegex,
        unless: Option<RuleRegex>,
    },
}

/// A rule's regex, shown as written. One matched against shell command
/// lines (a `command` rule, a `pattern` rule of `scope: commands`) is
/// compiled with ASCII word boundaries, as the shell's words are ASCII: a
/// Unicode `\b` makes the regex engine give up its fast automaton on any
/// line holding a non-ASCII character (an accented word in an `echo`),
/// and a runbook written in French was linted 70 times slower than the
/// same text without accents. Compiled once, here, for the built-in rules
/// that run it and for the rule itself.
#[derive(Clone, Debug)]
pub struct RuleRegex {
    pub written: String,
    pub regex: Regex,
}

impl RuleRegex {
    /// `pattern` as written.
    pub fn new(pattern: &str) -> Result<RuleRegex, regex::Error> {
        Ok(RuleRegex {
            written: pattern.to_string(),
            regex: Regex::new(pattern)?,
        })
    }

    /// `pattern` with ASCII word boundaries; the regex crate's error is
    /// about the pattern as written.
    pub fn for_shell(pattern: &str) -> Result<RuleRegex, regex::Error> {
        let regex = match ascii_word_boundaries(pattern) {
            Some(ascii) => Regex::new(&ascii).or_else(|_| Regex::new(pattern))?,
            None => Regex::new(pattern)?,
        };
        Ok(RuleRegex {
            written: pattern.to_string(),
            regex,
        })
    }
}

/// `pattern` with each word boundary (`\b`, `\B`, `\b{start}`, `\<`, ...)
/// made ASCII-only (see [`RuleRegex`]), found by regex's own parser; `None`
/// when it has none or does not parse.
pub fn ascii_word_boundaries(pattern: &str) -> Option<String> {
    use regex_syntax::ast::{self, AssertionKind, Ast};

    struct Boundaries(Vec<(std::ops::Range<usize>, &'static str)>);
    impl ast::Visitor for Boundaries {
        type Output = Vec<(std::ops::Range<usize>, &'static str)>;
        type Err = ();
        fn finish(self) -> Result<Self::Output, ()> {
            Ok(self.0)
        }
        fn visit_pre(&mut self, ast: &Ast) -> Result<(), ()> {
            let Ast::Assertion(a) = ast else {
                return Ok(());
            };
            let ascii = match a.kind {
                AssertionKind::WordBoundary => r"(?-u:\b)",
                AssertionKind::NotWordBoundary => r"(?-u:\B)",
                AssertionKind::WordBoundaryStart | AssertionKind::WordBoundaryStartAngle => {
                    r"(?-u:\b{start})"
                }
                AssertionKind::WordBoundaryEnd | AssertionKind::WordBoundaryEndAngle => {
                    r"(?-u:\b{end})"
                }
                AssertionKind::WordBoundaryStartHalf => r"(?-u:\b{start-half})",
                AssertionKind::WordBoundaryEndHalf => r"(?-u:\b{end-half})",
                _ => return Ok(()),
            };
            self.0.push((a.span.start.offset..a.span.end.offset, ascii));
            Ok(())
        }
    }

    let parsed = ast::parse::Parser::new().parse(pattern).ok()?;
    let mut boundaries = ast::visit(&parsed, Boundaries(Vec::new())).ok()?;
    if boundaries.is_empty() {
        return None;
    }
    boundaries.sort_by_key(|(span, _)| span.start);
    let mut ascii = String::with_capacity(pattern.len() + 8 * boundaries.len());
    let mut from = 0;
    for (span, replacement) in boundaries {
        ascii.push_str(&pattern[from..span.start]);
        ascii.push_str(replacement);
        from = span.end;
    }
    ascii.push_str(&pattern[from..]);
    Some(ascii)
}

/// `pattern` with every assertion (`^`, `$`, `\b`, `\A`, ...) dropped: it
/// matches wherever `pattern` matches a line of a page, whatever the text
/// around, so one search of the whole page finds every line worth trying
/// `pattern` on, where a search per line costs more in setting up than in
/// reading. `None` when it does not parse or matches empty text.
pub fn anywhere(pattern: &Regex) -> Option<Regex> {
    use regex_syntax::hir::{Capture, Hir, HirKind, Repetition};

    fn relax(hir: &Hir) -> Hir {
        match hir.kind() {
            HirKind::Look(_) => Hir::empty(),
            HirKind::Repetition(r) => Hir::repetition(Repetition {
                sub: Box::new(relax(&r.sub)),
                ..r.clone()
            }),
            HirKind::Capture(c) => Hir::capture(Capture {
                sub: Box::new(relax(&c.sub)),
                ..c.clone()
            }),
            HirKind::Concat(subs) => Hir::concat(subs.iter().map(relax).collect()),
            HirKind::Alternation(subs) => Hir::alternation(subs.iter().map(relax).collect()),
            HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) => hir.clone(),
        }
    }

    let hir = regex_syntax::Parser::new().parse(pattern.as_str()).ok()?;
    let relaxed = Regex::new(&relax(&hir).to_string()).ok()?;
    (!relaxed.is_match("")).then_some(relaxed)
}

/// The 1-based lines of `text` (as `lines` indexes it) that a match of
/// `anywhere` touches, in order.
pub fn lines_touched(anywhere: &Regex, text: &str, lines: &LineIndex) -> Vec<usize> {
    let mut touched: Vec<usize> = Vec::new();
    for m in anywhere.find_iter(text) {
        let first = lines.line_of(m.start()) + 1;
        let last = lines.line_of(m.end().saturating_sub(1).max(m.start())) + 1;
        let from = touched.last().map_or(first, |&l| first.max(l + 1));
        touched.extend(from..=last);
    }
    touched
}

#[derive(Clone, Debug, PartialEq)]
pub enum Scope {
    Prose,
    Headings,
    Commands,
    Field(String),
}

/// A condition on a front matter field: the rule applies only when one of
/// the field's values matches.
#[derive(Clone, Debug)]
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
    message: Option<Spanned<String>>,
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
    reports_as: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WhenEntry {
    field: String,
    matches: Spanned<String>,
}

/// The defaults with every rule file in `dir` laid over them by id (files
/// sorted by name, so ids and errors come in a stable order). A missing
/// folder is the defaults alone.
pub fn load(dir: &Path, boundary: &Boundary) -> Result<Vec<CustomRule>, ConfigError> {
    let mut rules: Vec<CustomRule> = DEFAULTS.clone();
    let files = match rule_files(dir) {
        Ok(Some(files)) => files,
        Ok(None) => return Ok(rules),
        Err(message) => {
            return Err(ConfigError {
                path: dir.to_path_buf(),
                line: 1,
                col: 1,
                message,
            });
        }
    };
    // Each id declared so far, and where: a second one names the first.
    let mut declared: HashMap<String, (PathBuf, Pos)> = HashMap::new();
    for file in files {
        let unread = |message: String| ConfigError {
            path: file.clone(),
            line: 1,
            col: 1,
            message,
        };
        let text = read_text_inside(&file, boundary).map_err(unread)?;
        for item in parse(&file, &text)? {
            let (id, at) = match &item {
                Declared::Rule(rule, at) => (rule.id.to_string(), *at),
                Declared::Off { id, at } => (id.clone(), *at),
            };
            let error = |message: String| ConfigError {
                path: file.clone(),
                line: at.line,
                col: at.col,
                message,
            };
            if super::rules::find(&id).is_some() {
                let instead = match (&item, DATA_OF.iter().any(|(b, _)| *b == id)) {
                    (Declared::Off { .. }, _) => format!(
                        "to turn it off, set `{id} = \"off\"` under [lint.rules] in book.toml"
                    ),
                    (Declared::Rule(..), true) => format!(
                        "choose another id; to add to the data it runs, give the rule `reports-as: {id}`"
                    ),
                    (Declared::Rule(..), false) => "choose another id".to_string(),
                };
                return Err(error(format!(
                    "`{id}` is the id of a built-in rule (`runbook rules {id}`): {instead}"
                )));
            }
            if let Some((first, first_at)) = declared.get(&id) {
                return Err(error(format!(
                    "rule id `{id}` is already taken by the rule at {}:{}:{}; ids must be unique",
                    first.display(),
                    first_at.line,
                    first_at.col
                )));
            }
            declared.insert(id.clone(), (file.clone(), at));
            let default = rules.iter().position(|r| r.id == id);
            match (item, default) {
                (Declared::Rule(rule, _), Some(i)) => rules[i] = *rule,
                (Declared::Rule(rule, _), None) => rules.push(*rule),
                (Declared::Off { .. }, Some(i)) => {
                    rules.remove(i);
                }
                (Declared::Off { .. }, None) => {
                    return Err(error(format!(
                        "rule `{id}` is `severity: off` but no default has this id (see `runbook rules`)"
                    )));
                }
            }
        }
    }
    Ok(rules)
}

/// The `*.yaml` and `*.yml` entries of `lints/`, sorted, or `None` when
/// there is no such folder. Any other failure to list it (no permission,
/// `lints` a file or a dangling link) is an error, the message to show:
/// taken for a missing folder, it would drop every team rule and the gate
/// would pass what they forbid. Entries are not filtered by kind: one that is no regular file (a
/// folder, a named pipe, a device) fails when read, and is reported so,
/// rather than skipped along with its rules.
fn rule_files(dir: &Path) -> Result<Option<Vec<PathBuf>>, String> {
    // Only nothing at all at that path is no folder: a link to nowhere is
    // still a `lints` someone meant to be read.
    let link = match std::fs::symlink_metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(unlisted(&e)),
        Ok(meta) => meta.file_type().is_symlink(),
    };
    match std::fs::metadata(dir) {
        Err(e) if link && e.kind() == std::io::ErrorKind::NotFound => {
            let target = std::fs::read_link(dir).unwrap_or_default();
            return Err(format!(
                "the folder of team rules is a symlink to `{}`, which does not exist; restore it, or remove the link to lint with the default rules only",
                target.display()
            ));
        }
        Ok(meta) if !meta.is_dir() => {
            return Err(
                "this is a file, not a folder: team rules are read from the files `lints/*.yaml`; make it a folder, or remove it to lint with the default rules only"
                    .to_string(),
            );
        }
        _ => {}
    }
    let entries = std::fs::read_dir(dir).map_err(|e| unlisted(&e))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| unlisted(&e))?.path();
        if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            files.push(path);
        }
    }
    files.sort();
    Ok(Some(files))
}

/// Why the folder of team rules could not be listed, and what to do.
fn unlisted(error: &std::io::Error) -> String {
    let fix = if error.kind() == std::io::ErrorKind::PermissionDenied {
        "give the user running runbook permission to read and enter it (`chmod a+rx lints`)"
    } else {
        "check that it can be listed (`ls lints`)"
    };
    format!(
        "cannot read the folder of team rules: {error}; linting without its rules would pass what they forbid: {fix}"
    )
}

/// The rules a built-in rule runs (see [`DATA_OF`]).
pub fn reporting_as<'a>(
    rules: &'a [CustomRule],
    builtin: &'a str,
) -> impl Iterator<Item = &'a CustomRule> {
    rules.iter().filter(move |r| r.reports_as == Some(builtin))
}

/// An entry of a rule file.
enum Declared {
    /// A rule, and where its id is written.
    Rule(Box<CustomRule>, Pos),
    /// `severity: off`: drops the default with this id; nothing else of
    /// the entry is read.
    Off { id: String, at: Pos },
}

fn parse(file: &Path, text: &str) -> Result<Vec<Declared>, ConfigError> {
    // YAML breaks lines at a lone `\r` too: its positions are found
    // again in the text, then counted in our lines.
    let (yaml_lines, index) = (YamlLines::new(text), LineIndex::new(text));
    let pos_of = |(line, col): (u64, u64)| index.pos(text, yaml_lines.offset(line, col));
    let error = |pos: (u64, u64), message: String| {
        let Pos { line, col, .. } = pos_of(pos);
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
        let said = yaml::message(&e);
        if let Some(tab) = yaml::tab_offset(&said, text, index.line_start(pos_of(pos).line - 1)) {
            let Pos { line, col, .. } = index.pos(text, tab);
            return ConfigError {
                path: file.to_path_buf(),
                line,
                col,
                message: format!("{said} (a rule file is a list of rules; see `runbook rules`)"),
            };
        }
        // A value of the wrong type is said with its key, and what it takes.
        let keyed = (!said.starts_with("unknown field"))
            .then(|| key_holding(text, pos))
            .flatten()
            .and_then(|key| KEY_TAKES.iter().find(|(k, _)| *k == key));
        let message = match keyed {
            Some((key, takes)) if said.starts_with("missing field") => {
                format!("`{key}`: {said}; it takes {takes}")
            }
            // The parser's own words name a type, not always this one.
            Some((key, takes)) => format!("`{key}` takes {takes}"),
            None => format!("{said} (a rule file is a list of rules; see `runbook rules`)"),
        };
        error(pos, message)
    })?;
    let at = |s: &Spanned<String>| (s.referenced.line(), s.referenced.column());
    let regex = |s: &Spanned<String>, key: &str| {
        Regex::new(&s.value)
            .map_err(|e| error(at(s), format!("`{key}`: invalid regular expression: {e}")))
    };
    // `one_line`: matched on one line of a page at a time, not on a field's
    // value, which may hold line breaks.
    let rule_regex = |s: &Spanned<String>, key: &str, shell: bool, one_line: bool| {
        let compiled = if shell {
            RuleRegex::for_shell(&s.value)
        } else {
            RuleRegex::new(&s.value)
        };
        let compiled = compiled
            .map_err(|e| error(at(s), format!("`{key}`: invalid regular expression: {e}")))?;
        match misfit(&compiled, one_line) {
            Some(why) => Err(error(at(s), format!("`{key}`: {why}"))),
            None => Ok(compiled),
        }
    };
    // Where each entry's keys are written: read again only for an error
    // about a key.
    let keys = std::cell::OnceCell::new();
    let key_at = |entry: usize, key: &str, fallback: (u64, u64)| {
        keys.get_or_init(|| entry_keys(text))
            .get(entry)
            .and_then(|keys| keys.iter().find(|k| k.name == key))
            .map_or(fallback, |k| k.key)
    };
    let list = LISTS
        .iter()
        .find(|(name, ..)| file.file_name().is_some_and(|n| n == *name));
    let mut rules = Vec::new();
    for (index, entry) in entries.into_iter().enumerate() {
        let start = (entry.referenced.line(), entry.referenced.column());
        let mut e = entry.value;
        if let (Some((_, kind, scope, reports_as)), None) = (list, &e.kind) {
            let here = |s: &str| Spanned::new(s.to_string(), entry.referenced, entry.referenced);
            e.kind = Some(here(kind));
            e.scope = e.scope.or(scope.map(here));
            e.reports_as = e.reports_as.or(Some(here(reports_as)));
        }
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
        if e.severity.as_ref().is_some_and(|s| s.value == "off") {
            let id_at = pos_of(at(&id));
            rules.push(Declared::Off {
                id: id.value,
                at: id_at,
            });
            continue;
        }
        let Some(kind) = e.kind else {
            return Err(error(at(&id), format!("rule `{}` has no `kind`", id.value)));
        };
        let Some((_, reads)) = KIND_KEYS.iter().find(|(k, _)| *k == kind.value) else {
            let kinds: Vec<&str> = KIND_KEYS.iter().map(|(k, _)| *k).collect();
            return Err(error(
                at(&kind),
                format!("kind `{}`: use {}", kind.value, or_list(&kinds)),
            ));
        };
        // A key the kind does not read would be ignored: the rule would
        // not do what its author wrote.
        let written = [
            ("scope", e.scope.is_some()),
            ("field", e.field.is_some()),
            ("regex", e.regex.is_some()),
            ("must", e.must.is_some()),
            ("heading", e.heading.is_some()),
            ("non-empty", e.non_empty.is_some()),
            ("required", e.required.is_some()),
            ("values", e.values.is_some()),
            ("unless", e.unless.is_some()),
        ];
        let key_error = |key: &str, message: String| error(key_at(index, key, at(&kind)), message);
        if let Some((key, _)) = written
            .iter()
            .find(|(key, set)| *set && !reads.contains(key))
        {
            let kinds: Vec<&str> = KIND_KEYS
                .iter()
                .filter(|(_, keys)| keys.contains(key))
                .map(|(k, _)| *k)
                .collect();
            return Err(key_error(
                key,
                format!(
                    "rule `{}` is of kind `{}`, which does not read `{key}`: `{key}` is for rules of kind {}",
                    id.value,
                    kind.value,
                    or_list(&kinds)
                ),
            ));
        }
        let mut severity = match e.severity.as_ref().map(|s| s.value.as_str()) {
            None | Some("error") => Severity::Error,
            Some("warning") => Severity::Warning,
            Some("info") => Severity::Info,
            Some(other) => {
                return Err(error(
                    at(e.severity.as_ref().unwrap()),
                    format!("severity `{other}`: use error, warning, info or off"),
                ));
            }
        };
        let reports_as = match &e.reports_as {
            None => None,
            Some(r) => {
                let Some((builtin, wanted)) = DATA_OF.iter().find(|(b, _)| *b == r.value) else {
                    let ids: Vec<&str> = DATA_OF.iter().map(|(b, _)| *b).collect();
                    return Err(error(
                        at(r),
                        format!(
                            "reports-as `{}`: a rule can report as {}",
                            r.value,
                            ids.join(", ")
                        ),
                    ));
                };
                if *wanted != kind.value {
                    return Err(error(
                        at(r),
                        format!("a rule that reports as `{builtin}` is of kind `{wanted}`"),
                    ));
                }
                if let Some(s) = &e.severity {
                    return Err(error(
                        at(s),
                        format!(
                            "a rule that reports as `{builtin}` has that rule's severity: set it under [lint.rules] in book.toml, or drop this rule with `severity: off`"
                        ),
                    ));
                }
                // The built-in rules that run such data check every
                // runbook (but `rollback-missing`) and excuse no line.
                for (key, set, reads) in [
                    ("when", e.when.is_some(), *builtin == "rollback-missing"),
                    (
                        "unless",
                        e.unless.is_some(),
                        *builtin == "destructive-command",
                    ),
                ] {
                    if set && !reads {
                        return Err(key_error(
                            key,
                            format!(
                                "a rule that reports as `{builtin}` does not read `{key}`: that rule runs it on every runbook and line; give the rule its own id, without `reports-as`, to use `{key}`"
                            ),
                        ));
                    }
                }
                severity = super::rules::find(builtin).map_or(severity, |b| b.severity);
                Some(*builtin)
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
        let when = match &e.when {
            Some(w) => Some(When {
                field: w.field.clone(),
                matches: regex(&w.matches, "when.matches")?,
            }),
            None => None,
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
                if e.field.is_some() && !matches!(scope, Scope::Field(_)) {
                    return Err(key_error(
                        "field",
                        format!(
                            "`field` is read with `scope: field` only; this rule's scope is `{}`",
                            scope_text.value
                        ),
                    ));
                }
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
                if must_match && e.unless.is_some() {
                    return Err(key_error(
                        "unless",
                        "`unless` excuses a line a rule finds, and a rule with `must: match` finds none: it reports a runbook where the regex matches nowhere".to_string(),
                    ));
                }
                let shell = scope == Scope::Commands;
                let one_line = !matches!(scope, Scope::Field(_));
                Kind::Pattern {
                    regex: rule_regex(&need(e.regex, "regex")?, "regex", shell, one_line)?,
                    must_match,
                    unless: e
                        .unless
                        .as_ref()
                        .map(|r| rule_regex(r, "unless", shell, one_line))
                        .transpose()?,
                    scope,
                }
            }
            "required-section" => {
                let heading = regex(&need(e.heading, "heading")?, "heading")?;
                Kind::RequiredSection {
                    mentions: anywhere(&heading),
                    heading,
                    non_empty: e.non_empty.unwrap_or(false),
                }
            }
            "front-matter" => {
                let field = e.field.ok_or_else(|| {
                    error(at(&kind), format!("rule `{}` needs `field`", id.value))
                })?;
                let required = e.required.unwrap_or(false);
                let values = e.values.unwrap_or_default();
                let regex = e.regex.as_ref().map(|r| regex(r, "regex")).transpose()?;
                if !required && values.is_empty() && regex.is_none() {
                    return Err(error(
                        at(&kind),
                        format!(
                            "rule `{}` checks nothing: a `front-matter` rule needs `required: true`, `values: [...]` or `regex`",
                            id.value
                        ),
                    ));
                }
                Kind::FrontMatter {
                    field,
                    required,
                    values,
                    regex,
                }
            }
            _ => Kind::Command {
                regex: rule_regex(&need(e.regex, "regex")?, "regex", true, true)?,
                unless: e
                    .unless
                    .as_ref()
                    .map(|r| rule_regex(r, "unless", true, true))
                    .transpose()?,
            },
        };
        if let Some(builtin) = reports_as {
            data_fits(builtin, &parsed).map_err(|m| error(at(&kind), m))?;
        }
        // A finding with no words says nothing, and code scanning refuses
        // an empty description.
        let message = match e.message {
            Some(m) if m.value.trim().is_empty() => {
                return Err(error(
                    at(&m),
                    format!(
                        "rule `{}` has an empty `message`: say what is wrong where it matches, or leave `message` out",
                        id.value
                    ),
                ));
            }
            Some(m) => m.value,
            None => format!("rule `{}`", id.value),
        };
        let id_at = pos_of(at(&id));
        let rule = CustomRule {
            // Rule ids live as long as the program, like the built-in ones.
            id: Box::leak(id.value.into_boxed_str()),
            severity,
            message,
            help: e.help,
            kind: parsed,
            when,
            reports_as,
            file: file.to_path_buf(),
            line: pos_of(start).line,
            builtin: false,
        };
        rules.push(Declared::Rule(Box::new(rule), id_at));
    }
    Ok(rules)
}

/// Why a rule's regex would not do what its author wrote, if it would
/// not: one that matches the empty string matches every line (and a rule
/// that must match it never fails); and a regex `one_line` is matched on
/// one line at a time, so one that needs a line break, or lets `.` match
/// one, was meant for text no line holds.
fn misfit(regex: &RuleRegex, one_line: bool) -> Option<String> {
    let written = &regex.written;
    if regex.regex.is_match("") {
        return Some(format!(
            "`{written}` matches the empty string, so it matches every line, and a rule that must match it never fails: remove the empty alternative (a stray `|`), or make what is optional (`?`, `*`) required"
        ));
    }
    if !one_line {
        return None;
    }
    let hir = regex_syntax::Parser::new().parse(written).ok()?;
    if needs_line_break(&hir) {
        return Some(format!(
            "`{written}` needs a line break, but rules are matched on one line at a time: match what is on one line"
        ));
    }
    dot_matches_line_breaks(written).then(|| {
        format!(
            "`{written}` lets `.` match a line break (`(?s)`), but rules are matched on one line at a time, which holds none: drop the `s` flag and match what is on one line"
        )
    })
}

/// Whether every match of `hir` holds a line break.
fn needs_line_break(hir: &regex_syntax::hir::Hir) -> bool {
    use regex_syntax::hir::HirKind;
    match hir.kind() {
        HirKind::Literal(l) => l.0.contains(&b'\n'),
        HirKind::Class(c) => c.literal().is_some_and(|l| l == b"\n"),
        HirKind::Repetition(r) => r.min > 0 && needs_line_break(&r.sub),
        HirKind::Capture(c) => needs_line_break(&c.sub),
        HirKind::Concat(subs) => subs.iter().any(needs_line_break),
        HirKind::Alternation(subs) => subs.iter().all(needs_line_break),
        HirKind::Empty | HirKind::Look(_) => false,
    }
}

/// Whether `pattern` turns on the `s` flag (`(?s)`, `(?is:...)`) anywhere.
fn dot_matches_line_breaks(pattern: &str) -> bool {
    use regex_syntax::ast::{self, Ast, Flag, FlagsItemKind, GroupKind};

    struct Dotall(bool);
    impl ast::Visitor for Dotall {
        type Output = bool;
        type Err = ();
        fn finish(self) -> Result<bool, ()> {
            Ok(self.0)
        }
        fn visit_pre(&mut self, ast: &Ast) -> Result<(), ()> {
            let flags = match ast {
                Ast::Flags(set) => &set.flags,
                Ast::Group(group) => match &group.kind {
                    GroupKind::NonCapturing(flags) => flags,
                    _ => return Ok(()),
                },
                _ => return Ok(()),
            };
            // A flag after `-` is turned off: `(?-s)`.
            let mut off = false;
            for item in &flags.items {
                match item.kind {
                    FlagsItemKind::Negation => off = true,
                    FlagsItemKind::Flag(Flag::DotMatchesNewLine) if !off => self.0 = true,
                    _ => {}
                }
            }
            Ok(())
        }
    }

    let Ok(parsed) = ast::parse::Parser::new().parse(pattern) else {
        return false;
    };
    ast::visit(&parsed, Dotall(false)).unwrap_or(false)
}

/// The keys each kind reads, besides `id`, `kind`, `severity`, `message`,
/// `help`, `reports-as` and `when`, which every kind reads.
const KIND_KEYS: &[(&str, &[&str])] = &[
    ("pattern", &["scope", "field", "regex", "must", "unless"]),
    ("required-section", &["heading", "non-empty"]),
    ("front-matter", &["field", "required", "values", "regex"]),
    ("command", &["regex", "unless"]),
];

/// What each key of a rule takes, for an error about a value of the
/// wrong type.
const KEY_TAKES: &[(&str, &str)] = &[
    ("id", "a name of lowercase letters, digits and `-`"),
    (
        "kind",
        "one of pattern, required-section, front-matter, command",
    ),
    ("severity", "one of error, warning, info, off"),
    ("message", "text"),
    ("help", "text"),
    ("scope", "one of prose, headings, commands, field"),
    ("field", "the name of a front matter field"),
    ("regex", "a regular expression"),
    ("must", "match or not-match"),
    ("heading", "a regular expression"),
    ("when", "`{ field: NAME, matches: REGEX }`"),
    ("non-empty", "`true` or `false`"),
    ("required", "`true` or `false`"),
    ("values", "a list of values (`values: [a, b]`)"),
    ("unless", "a regular expression"),
    ("reports-as", "the id of a built-in rule"),
];

/// `a, b or c`.
fn or_list(items: &[&str]) -> String {
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => last.to_string(),
        None => String::new(),
    }
}

/// A key of a rule as written: its name, and where (YAML's line and
/// column) it starts.
struct WrittenKey {
    name: String,
    key: (u64, u64),
}

/// The keys of each entry of a rule file; empty when the file is no list
/// of mappings.
fn entry_keys(text: &str) -> Vec<Vec<WrittenKey>> {
    use serde::de::{IgnoredAny, MapAccess, Visitor};

    struct Keys(Vec<WrittenKey>);
    impl<'de> Deserialize<'de> for Keys {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Keys, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Keys;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("a rule")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Keys, A::Error> {
                    let place = |l: &serde_saphyr::Location| (l.line(), l.column());
                    let mut keys = Vec::new();
                    while let Some(key) = map.next_key::<Spanned<String>>()? {
                        map.next_value::<IgnoredAny>()?;
                        keys.push(WrittenKey {
                            name: key.value,
                            key: place(&key.referenced),
                        });
                    }
                    Ok(Keys(keys))
                }
            }
            d.deserialize_map(V)
        }
    }
    serde_saphyr::from_str::<Vec<Keys>>(text)
        .map(|entries| entries.into_iter().map(|k| k.0).collect())
        .unwrap_or_default()
}

/// The key of a rule whose value holds the YAML position `pos`: the last
/// key written at or before it.
fn key_holding(text: &str, pos: (u64, u64)) -> Option<String> {
    entry_keys(text)
        .into_iter()
        .flatten()
        .filter(|k| k.key <= pos)
        .max_by_key(|k| k.key)
        .map(|k| k.name)
}

/// What a built-in rule needs of the rules it runs, beyond their kind.
fn data_fits(builtin: &str, kind: &Kind) -> Result<(), String> {
    match kind {
        Kind::Pattern {
            scope, must_match, ..
        } if *scope != Scope::Commands || *must_match => Err(format!(
            "a rule that reports as `{builtin}` has `scope: commands` and `must: not-match`"
        )),
        Kind::FrontMatter {
            field,
            required,
            regex,
            ..
        } if field != "status" || *required || regex.is_some() => Err(format!(
            "a rule that reports as `{builtin}` has `field: status` and `values`, nothing else"
        )),
        _ => Ok(()),
    }
}

impl CustomRule {
    /// What the rule checks, in a sentence: the start of its [`doc`](Self::doc),
    /// and its full description in SARIF.
    pub fn checks(&self) -> String {
        let what = match &self.kind {
            Kind::Pattern {
                scope,
                regex,
                must_match,
                unless,
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
                let mut s = format!("The {place} {must} `{}`", regex.written);
                if let Some(u) = unless {
                    s.push_str(&format!(", but where it also matches `{}`", u.written));
                }
                s
            }
            Kind::RequiredSection {
                heading, non_empty, ..
            } => {
                let mut s = format!("A heading matching `{}` must exist", heading.as_str());
                if *non_empty {
                    s.push_str(", with content under it");
                }
                s
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
                s
            }
            Kind::Command { regex, unless } => {
                let mut s = format!("Command lines matching `{}` are forbidden", regex.written);
                if let Some(u) = unless {
                    s.push_str(&format!(" unless they match `{}`", u.written));
                }
                s + ", except in a block marked `{destructive}` or after a warning paragraph"
            }
        };
        match &self.when {
            Some(w) => format!(
                "{what}, when front matter `{}` matches `{}`.",
                w.field,
                w.matches.as_str()
            ),
            None => what + ".",
        }
    }

    /// What `runbook rules ID` prints for a rule from a file.
    pub fn doc(&self) -> String {
        let what = self.checks();
        let what = match self.reports_as {
            Some(builtin) => format!(
                "{what}\n\nThis rule is data of the built-in rule `{builtin}`, which runs it and reports under its own id (`runbook rules {builtin}`)."
            ),
            None => what,
        };
        let mut doc = format!(
            "{} (`{}`)\n\n## What it checks\n{what}\n\n## Why it matters\n{}\n",
            self.message, self.id, self.message
        );
        let declared = if self.builtin {
            format!(
                "A default: `{}` line {} in runbook's repository, compiled in. A rule with the same id in your `lints/` replaces it; `severity: off` drops it.",
                self.file.display(),
                self.line
            )
        } else {
            format!(
                "Declared in `{}` line {}.",
                super::report::display_path(&self.file),
                self.line
            )
        };
        doc.push_str(&format!("\n## Example\n{declared}\n"));
        doc.push_str(&format!(
            "\n## Fix\n{}\n",
            self.help.as_deref().unwrap_or("See the rule's message.")
        ));
        doc
    }
}

/// Runs the team's rules on one document; those that report as a built-in
/// rule are that rule's to run.
pub fn check(doc: &Document, cx: &Context, sink: &mut Sink) {
    for rule in &cx.settings.custom_rules {
        if rule.reports_as.is_none() && sink.enabled(rule.id) {
            check_rule(rule, doc, sink);
        }
    }
}

fn check_rule(rule: &CustomRule, doc: &Document, sink: &mut Sink) {
    if rule.when.as_ref().is_some_and(|w| !w.holds(doc)) {
        return;
    }
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
            unless,
        } => {
            let lines = scope_lines(doc, scope);
            let hits: Vec<Span> = lines
                .iter()
                .filter_map(|(line, text, base)| {
                    let m = regex.regex.find(text)?;
                    // Asked only of a line the rule finds something in.
                    if unless.as_ref().is_some_and(|u| u.regex.is_match(text)) {
                        return None;
                    }
                    Some(doc.span_in_line(*line, base + m.start()..base + m.end()))
                })
                .collect();
            match (*must_match, hits.is_empty()) {
                (false, false) => hits.into_iter().for_each(|span| report(sink, span, None)),
                (true, true) => report(sink, whole_file, None),
                _ => {}
            }
        }
        Kind::RequiredSection {
            heading, non_empty, ..
        } => {
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
            for Written { text: value, .. } in doc.written_values(field) {
                let allowed = values.is_empty() || values.contains(value);
                let shaped = regex.as_ref().is_none_or(|r| r.is_match(value));
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
                .filter(|b| blocks::holds_commands(b))
            {
                if acknowledged(doc, block) {
                    continue;
                }
                // Source lines, not the block's code: list indentation is
                // kept, so columns point at the command as written.
                let last = block.first_line + block.line_count;
                for line in block.first_line..last {
                    let text = doc.line_text(line);
                    let command = text.trim_start();
                    let command = command.strip_prefix("$ ").unwrap_or(command);
                    let Some(m) = regex.regex.find(command) else {
                        continue;
                    };
                    let below = (line + 1..last).map(|l| doc.line_text(l));
                    if unless
                        .as_ref()
                        .is_some_and(|u| excused(&u.regex, command, m.end(), below))
                    {
                        continue;
                    }
                    let offset = text.len() - command.len();
                    report(
                        sink,
                        doc.span_in_line(line, offset + m.start()..offset + m.end()),
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
        // The heading's text, as `required-section` reads it: without the
        // `#` markers or a `{#id}`, so `^Draft` matches `## Draft notes`.
        Scope::Headings => doc
            .body
            .headings
            .iter()
            .map(|h| {
                let line = h.span.start.line;
                let column = text_column(doc.line_text(line), &h.text);
                (line, h.text.clone(), column)
            })
            .collect(),
        Scope::Commands => doc
            .body
            .code_blocks
            .iter()
            .filter(|b| blocks::holds_commands(b))
            .flat_map(|b| (0..b.line_count).map(move |i| b.first_line + i))
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
        Scope::Field(field) => doc
            .written_values(field)
            .iter()
            .map(|v| {
                let column = v.at.offset - doc.lines.line_start(v.at.line - 1);
                (v.at.line, v.text.clone(), column)
            })
            .collect(),
    }
}

/// Where a heading's `text` starts in its `line`: where it is written as
/// is, or else (inline markup, `## **Draft**`, is not in the text) after
/// the `#` markers.
fn text_column(line: &str, text: &str) -> usize {
    line.find(text).unwrap_or_else(|| {
        let rest = line.trim_start().trim_start_matches('#').trim_start();
        line.len() - rest.len()
    })
}

impl When {
    /// Whether one of the field's values in `doc` matches.
    pub fn holds(&self, doc: &Document) -> bool {
        doc.written_values(&self.field)
            .iter()
            .any(|v| self.matches.is_match(&v.text))
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

/// Whether a command rule's `unless` excuses a match ending at `end` of
/// `line`. It reads the line, and the lines `below` that go on with the
/// same command: after a `\` continuation, up to the line without one;
/// when the match runs to the line's end, up to a line ending in `;`
/// (`DELETE FROM t` above `WHERE id = 1;` is one statement written on two
/// lines). A blank line ends either, and at most [`STATEMENT_LINES`] lines
/// below are read.
pub fn excused<'a>(
    unless: &Regex,
    line: &str,
    end: usize,
    below: impl Iterator<Item = &'a str>,
) -> bool {
    if unless.is_match(line) {
        return true;
    }
    let line = line.trim_end();
    let continued = line.ends_with('\\');
    let open = line.get(end..).is_none_or(|rest| rest.trim().is_empty()) && !line.ends_with(';');
    if !continued && !open {
        return false;
    }
    for next in below.take(STATEMENT_LINES) {
        if unless.is_match(next) {
            return true;
        }
        let next = next.trim();
        if next.is_empty() {
            return false;
        }
        let ends = if continued {
            !next.ends_with('\\')
        } else {
            next.ends_with(';')
        };
        if ends {
            return false;
        }
    }
    false
}

/// How far below its first line [`excused`] reads a statement.
const STATEMENT_LINES: usize = 8;
