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

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use crate::diagnostic::{Diagnostic, Suppression, SuppressionKind};
use crate::document::Document;

const PREFIX: &str = "runbook-lint-";

/// The directives a comment may hold.
pub const COMMANDS: &[&str] = &["disable-next-line", "disable", "enable"];

/// A comment that starts like a directive: its command as written, the
/// rules it names and the reason after `--`. `None` for any other comment.
pub fn read(comment: &str) -> Option<(&str, Vec<&str>, Option<&str>)> {
    let rest = comment.strip_prefix(PREFIX)?;
    let (command, rest) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let (rules, reason) = match rest.split_once("--") {
        Some((rules, reason)) => (rules, Some(reason.trim()).filter(|r| !r.is_empty())),
        None => (rest, None),
    };
    let rules = rules
        .split([',', ' '])
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .collect();
    Some((command, rules, reason))
}

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
            let Some((command, rules, reason)) = read(&comment.text) else {
                continue;
            };
            let rules: Vec<String> = rules.into_iter().map(String::from).collect();
            let reason = reason.map(String::from);
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

    /// Marks each finding suppressed when a directive covers its rule and
    /// line (see [`Directives::covering`]).
    pub fn apply(&self, diagnostics: &mut [Diagnostic]) {
        let found: Vec<(&str, usize)> = diagnostics
            .iter()
            .map(|d| (d.rule, d.span.start.line))
            .collect();
        for (d, covered) in diagnostics.iter_mut().zip(self.covering(&found)) {
            if let Some(directive) = covered {
                d.suppressed = Some(self.suppression(directive));
            }
        }
    }

    /// How directive `d` suppresses what it covers.
    pub fn suppression(&self, d: usize) -> Box<Suppression> {
        let d = &self.list[d];
        Box::new(Suppression {
            directive: d.kind,
            reason: d.reason.clone(),
        })
    }

    /// For each (rule, line), the directive that suppresses it: the first
    /// in file order covering that rule and line, as a scan of the list
    /// would find. One sweep down the lines keeps the range directives open
    /// at each line, by rule, so that 80,000 findings among 80,000 ranges
    /// cost a lookup each, not a pass over every range.
    pub fn covering(&self, found: &[(&str, usize)]) -> Vec<Option<usize>> {
        let mut covered = vec![None; found.len()];
        if self.list.is_empty() {
            return covered;
        }
        let mut order: Vec<usize> = (0..found.len()).collect();
        order.sort_by_key(|&i| found[i].1);
        let mut starts = self.spans.clone();
        starts.sort_by_key(|&i| self.list[i].first);
        let mut ends = self.spans.clone();
        ends.sort_by_key(|&i| self.list[i].last);
        let (mut started, mut ended) = (0, 0);
        // Open ranges naming a rule, and those for every rule.
        let mut open: HashMap<&str, BTreeSet<usize>> = HashMap::new();
        let mut open_for_all: BTreeSet<usize> = BTreeSet::new();
        for i in order {
            let (rule, line) = found[i];
            while let Some(&d) = starts.get(started).filter(|&&d| self.list[d].first <= line) {
                self.each_key(d, |key| match key {
                    None => open_for_all.insert(d),
                    Some(rule) => open.entry(rule).or_default().insert(d),
                });
                started += 1;
            }
            while let Some(&d) = ends.get(ended).filter(|&&d| self.list[d].last < line) {
                self.each_key(d, |key| match key {
                    None => open_for_all.remove(&d),
                    Some(rule) => open.get_mut(rule).is_some_and(|set| set.remove(&d)),
                });
                ended += 1;
            }
            let on_line = self.next_line.get(&line).map(Vec::as_slice).unwrap_or(&[]);
            covered[i] = on_line
                .iter()
                .copied()
                .filter(|&d| self.names(d, rule))
                .chain(open.get(rule).and_then(|set| set.first().copied()))
                .chain(open_for_all.first().copied())
                .min();
        }
        covered
    }

    /// Whether directive `d` covers `rule` (its line is checked elsewhere).
    fn names(&self, d: usize, rule: &str) -> bool {
        let rules = &self.list[d].rules;
        rules.is_empty() || rules.iter().any(|r| r == rule || r == "all")
    }

    /// Calls `f` with each rule directive `d` names, or once with `None`
    /// when it covers every rule.
    fn each_key<'a>(&'a self, d: usize, mut f: impl FnMut(Option<&'a str>) -> bool) {
        let rules = &self.list[d].rules;
        if rules.is_empty() || rules.iter().any(|r| r == "all") {
            f(None);
        } else {
            for rule in rules {
                f(Some(rule));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The first directive in file order covering the finding's rule and
    /// line, found by reading them all: what the sweep must agree with.
    fn by_scanning(list: &[Directive], rule: &str, line: usize) -> Option<usize> {
        list.iter().position(|d| {
            (d.first..=d.last).contains(&line)
                && (d.rules.is_empty() || d.rules.iter().any(|r| r == rule || r == "all"))
        })
    }

    const RULES: [&str; 3] = ["a", "b", "all"];

    proptest! {
        #[test]
        fn the_sweep_finds_what_a_scan_finds(
            directives in prop::collection::vec((0..3u8, 1..40usize, 0..20usize, prop::collection::vec(0..3usize, 0..3)), 0..12),
            findings in prop::collection::vec((0..2usize, 1..60usize), 0..30),
        ) {
            let list: Vec<Directive> = directives
                .iter()
                .enumerate()
                .map(|(i, &(kind, first, len, ref rules))| {
                    let kind = [SuppressionKind::NextLine, SuppressionKind::Range, SuppressionKind::FrontMatter][usize::from(kind)];
                    let last = if kind == SuppressionKind::NextLine { first } else if len == 0 { usize::MAX } else { first + len };
                    Directive {
                        kind,
                        rules: rules.iter().map(|&r| RULES[r].to_string()).collect(),
                        reason: Some(i.to_string()),
                        first,
                        last,
                    }
                })
                .collect();
            let expected: Vec<Option<String>> = findings
                .iter()
                .map(|&(rule, line)| by_scanning(&list, RULES[rule], line).map(|i| i.to_string()))
                .collect();
            let directives = Directives::new(PathBuf::from("x.md"), list);
            let path = std::sync::Arc::from(std::path::Path::new("x.md"));
            let mut found: Vec<Diagnostic> = findings
                .iter()
                .map(|&(rule, line)| crate::diagnostic::at(&path, line, RULES[rule]))
                .collect();
            directives.apply(&mut found);
            let got: Vec<Option<String>> = found
                .iter()
                .map(|d| d.suppressed.as_ref().and_then(|s| s.reason.clone()))
                .collect();
            prop_assert_eq!(got, expected);
        }
    }
}
