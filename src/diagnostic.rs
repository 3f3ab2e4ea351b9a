//! Diagnostics are data: what rule, how severe, where, what, and how to fix
//! it. Reporters only format them.

use std::cmp::Ordering;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use crate::document::{Pos, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rule's level as `book.toml` sets it: a severity, or `off`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Off,
    Info,
    Warning,
    Error,
}

impl Level {
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Off => None,
            Level::Info => Some(Severity::Info),
            Level::Warning => Some(Severity::Warning),
            Level::Error => Some(Severity::Error),
        }
    }
}

/// One replacement of a byte range of the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub replacement: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub description: String,
    pub edits: Vec<Edit>,
}

/// Why a finding is not counted: the directive that silenced it, and the
/// reason written after `--`, if any.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Suppression {
    pub directive: SuppressionKind,
    pub reason: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SuppressionKind {
    NextLine,
    Range,
    FrontMatter,
}

#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub rule: &'static str,
    /// The rule of `lints/` that found it, when `rule` is a built-in rule
    /// that runs such rules as its data (`kill-9` for
    /// `destructive-command`): `runbook rules` lists both ids, so a
    /// suppression may name either.
    pub data_rule: Option<&'static str>,
    pub severity: Severity,
    /// Shared by a file's findings: one allocation per file, and equal
    /// paths compare by pointer first when the report is sorted.
    pub path: Arc<Path>,
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
    pub fix: Option<Box<Fix>>,
    /// The source line the span starts on, kept so reporters need not read
    /// the file again.
    pub source_line: String,
    pub suppressed: Option<Box<Suppression>>,
    /// How many findings this one counts as in a report's totals: 1, or
    /// for the one that stands for those of a rule past the cap, all of
    /// them. A `u32` fits in the padding beside `severity`: 50,000
    /// findings stay the size they were.
    pub counts_as: u32,
}

impl Diagnostic {
    pub fn is_counted(&self) -> bool {
        self.suppressed.is_none()
    }

    /// The order reports list findings in: by path, then line, column and
    /// rule. A file's findings share one path, so most comparisons end at a
    /// pointer.
    pub fn report_order(&self, other: &Diagnostic) -> Ordering {
        let path = if Arc::ptr_eq(&self.path, &other.path) {
            Ordering::Equal
        } else {
            self.path.cmp(&other.path)
        };
        path.then_with(|| {
            (self.span.start.line, self.span.start.col, self.rule).cmp(&(
                other.span.start.line,
                other.span.start.col,
                other.rule,
            ))
        })
    }
}

/// Totals for the end of a report and for the exit code.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub suppressed: usize,
    pub fixable: usize,
}

impl Summary {
    pub fn new(files: usize, diagnostics: &[Diagnostic]) -> Summary {
        let mut summary = Summary {
            files,
            ..Summary::default()
        };
        for d in diagnostics {
            if !d.is_counted() {
                summary.suppressed += d.counts_as as usize;
                continue;
            }
            match d.severity {
                Severity::Error => summary.errors += d.counts_as as usize,
                Severity::Warning => summary.warnings += d.counts_as as usize,
                Severity::Info => summary.infos += d.counts_as as usize,
            }
            if d.fix.is_some() {
                summary.fixable += 1;
            }
        }
        summary
    }
}

/// A bare finding of `rule` at the start of `line`, for unit tests.
#[cfg(test)]
pub(crate) fn at(path: &Arc<Path>, line: usize, rule: &'static str) -> Diagnostic {
    let pos = Pos {
        line,
        col: 1,
        offset: 0,
    };
    Diagnostic {
        rule,
        data_rule: None,
        severity: Severity::Error,
        path: path.clone(),
        span: Span {
            start: pos,
            end: pos,
        },
        message: String::new(),
        help: None,
        fix: None,
        source_line: String::new(),
        suppressed: None,
        counts_as: 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_order_is_path_line_then_rule_whether_or_not_paths_are_shared() {
        let a: Arc<Path> = Arc::from(Path::new("a/x.md"));
        let a_again: Arc<Path> = Arc::from(Path::new("a/x.md"));
        let b: Arc<Path> = Arc::from(Path::new("a-b.md"));
        // Components order: `a/x.md` comes before `a-b.md`, unlike bytes.
        assert_eq!(at(&a, 9, "z").report_order(&at(&b, 1, "a")), Ordering::Less);
        assert_eq!(
            at(&a, 2, "a").report_order(&at(&a_again, 1, "z")),
            Ordering::Greater
        );
        assert_eq!(at(&a, 1, "a").report_order(&at(&a, 1, "b")), Ordering::Less);
        assert_eq!(
            at(&a, 1, "a").report_order(&at(&a_again, 1, "a")),
            Ordering::Equal
        );
    }
}
