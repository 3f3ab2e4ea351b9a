//! Inline suppressions. Each keeps the reason written after `--`, and a
//! suppressed finding is still reported as such, never silently dropped.
//!
//! ```markdown
//! <!-- runbook-lint-disable-next-line broken-link -- the page is generated at deploy -->
//! <!-- runbook-lint-disable destructive-command -- this whole section is a drill -->
//! <!-- runbook-lint-enable destructive-command -->
//! ```
//!
//! and, for a whole file, front matter `lint: { allow: [rollback-missing] }`.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::diagnostic::{Diagnostic, Suppression, SuppressionKind};
use crate::document::Document;

const PREFIX: &str = "runbook-lint-";

#[derive(Clone, Debug)]
struct Directive {
    kind: SuppressionKind,
    rules: Vec<String>,
    reason: Option<String>,
    /// Lines covered, inclusive.
    first: usize,
    last: usize,
}

#[derive(Clone, Debug)]
pub struct Directives {
    pub path: PathBuf,
    list: Vec<Directive>,
    /// Line to the `disable-next-line` directives on it, and the indexes of
    /// every other directive: a file with 50,000 of each must not check each
    /// finding against every directive.
    next_line: HashMap<usize, Vec<usize>>,
    spans: Vec<usize>,
}

impl Directives {
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    fn new(path: PathBuf, list: Vec<Directive>) -> Self {
        let mut next_line: HashMap<usize, Vec<usize>> = HashMap::new();
        let mut spans = Vec::new();
        for (i, d) in list.iter().enumerate() {
            match d.kind {
                SuppressionKind::NextLine => next_line.entry(d.first).or_default().push(i),
                _ => spans.push(i),
            }
        }
        Directives {
            path,
            list,
            next_line,
            spans,
        }
    }

    pub fn parse(doc: &Document) -> Self {
        let mut list = Vec::new();
        let mut open: Vec<Directive> = Vec::new();
        for comment in &doc.body.comments {
            let Some(rest) = comment.text.strip_prefix(PREFIX) else {
                continue;
            };
            let (command, rest) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            let (rules_text, reason) = match rest.split_once("--") {
                Some((rules, reason)) => (
                    rules,
                    Some(reason.trim().to_string()).filter(|r| !r.is_empty()),
                ),
                None => (rest, None),
            };
            let rules: Vec<String> = rules_text
                .split([',', ' '])
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(String::from)
                .collect();
            let line = comment.span.end.line;
            match command {
                "disable-next-line" => {
                    let next = (line + 1..=doc.lines.line_count())
                        .find(|&l| !doc.line_text(l).trim().is_empty())
                        .unwrap_or(line + 1);
                    list.push(Directive {
                        kind: SuppressionKind::NextLine,
                        rules,
                        reason,
                        first: next,
                        last: next,
                    });
                }
                "disable" => open.push(Directive {
                    kind: SuppressionKind::Range,
                    rules,
                    reason,
                    first: line,
                    last: usize::MAX,
                }),
                "enable" => {
                    let closes = |d: &Directive| {
                        rules.is_empty()
                            || d.rules.is_empty()
                            || d.rules.iter().any(|r| rules.contains(r))
                    };
                    for mut directive in open.extract_if(.., |d| closes(d)) {
                        directive.last = line;
                        list.push(directive);
                    }
                }
                _ => {}
            }
        }
        list.extend(open);
        if let Some(fields) = doc.fields() {
            if !fields.allow.is_empty() {
                list.push(Directive {
                    kind: SuppressionKind::FrontMatter,
                    rules: fields.allow.clone(),
                    reason: None,
                    first: 1,
                    last: usize::MAX,
                });
            }
        }
        Self::new(doc.path.clone(), list)
    }

    /// Marks the finding suppressed when a directive covers its rule and line.
    pub fn apply(&self, diagnostic: &mut Diagnostic) {
        let line = diagnostic.span.start.line;
        let covers = |&&i: &&usize| {
            let d = &self.list[i];
            (d.first..=d.last).contains(&line)
                && (d.rules.is_empty()
                    || d.rules.iter().any(|r| r == diagnostic.rule || r == "all"))
        };
        // The first covering directive in file order, as a scan would find.
        let on_line = self.next_line.get(&line).map(Vec::as_slice).unwrap_or(&[]);
        let first = on_line.iter().filter(covers).min();
        let first = self.spans.iter().filter(covers).chain(first).min();
        let covering = first.map(|&i| &self.list[i]);
        if let Some(d) = covering {
            diagnostic.suppressed = Some(Box::new(Suppression {
                directive: d.kind,
                reason: d.reason.clone(),
            }));
        }
    }
}
