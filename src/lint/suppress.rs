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
//! `all` names every rule. `enable` ends only the rules it names, as in
//! ESLint, whose syntax this is, and turns them back on under a `disable`
//! of all rules or of the built-in rule that runs them (`enable kill-9`
//! under `disable destructive-command`); the README's "Suppressing a
//! finding" has the rules a user reads.

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
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|r| !r.is_empty())
        .collect();
    Some((command, rules, reason))
}

/// The rule id that names every rule in a directive or in `lint: { allow }`,
/// as a bare `disable` or `enable` does.
pub const ALL: &str = "all";

#[derive(Clone, Debug)]
struct Directive {
    kind: SuppressionKind,
    /// The rules it covers; empty when it covers every rule (written bare,
    /// or naming [`ALL`]).
    rules: Vec<String>,
    reason: Option<String>,
    /// Lines covered, inclusive.
    first: usize,
    last: usize,
}

impl Directive {
    /// `rules` as written; naming `all` among them covers every rule.
    fn new(
        kind: SuppressionKind,
        rules: Vec<String>,
        reason: Option<String>,
        (first, last): (usize, usize),
    ) -> Self {
        let rules = if rules.iter().any(|r| r == ALL) {
            Vec::new()
        } else {
            rules
        };
        Directive {
            kind,
            rules,
            reason,
            first,
            last,
        }
    }

    /// Whether it names a finding of `rule`, found by the rule of
    /// `lints/` `data_rule` if any. A finding of `destructive-command`
    /// found by `kill-9` is named by a directive naming either: `runbook
    /// rules` lists both, and the message names the second.
    fn names(&self, rule: &str, data_rule: Option<&str>) -> bool {
        self.rules.is_empty()
            || self
                .rules
                .iter()
                .any(|r| r == rule || Some(r.as_str()) == data_rule)
    }
}

#[derive(Clone, Debug)]
pub struct Directives {
    pub path: PathBuf,
    list: Vec<Directive>,
    /// Line to the `disable-next-line` directives of that one line, and the
    /// indexes of every other directive (ranges, and `disable-next-line`
    /// above a code block): a file with 50,000 of each must not check each
    /// finding against every directive.
    next_line: HashMap<usize, Vec<usize>>,
    spans: Vec<usize>,
    /// The lines of the `enable` comments naming each rule: one turns the
    /// rule back on under a range that covers it without naming it.
    enables: HashMap<String, Vec<usize>>,
}

/// The `disable` directives not yet ended while the comments are read.
/// `disable a b` is kept as one directive per rule, so that `enable b`
/// ends b's alone, as in ESLint, whose syntax this is; a bare `disable` is
/// one directive, which `enable a` leaves on for every rule but `a`.
#[derive(Default)]
struct Open {
    by_rule: HashMap<String, Vec<Directive>>,
    /// At most one: a bare `disable` under another ends it and starts
    /// afresh, for every rule again, so that a page of them is not a
    /// page of directives each told of every `enable` below it.
    for_all: Option<Directive>,
}

impl Open {
    fn disable(&mut self, directive: Directive, ended: &mut Vec<Directive>) {
        if directive.rules.is_empty() {
            if let Some(mut before) = self.for_all.take() {
                before.last = directive.first;
                ended.push(before);
            }
            self.for_all = Some(directive);
            return;
        }
        for rule in &directive.rules {
            self.by_rule
                .entry(rule.clone())
                .or_default()
                .push(Directive {
                    rules: vec![rule.clone()],
                    ..directive.clone()
                });
        }
    }

    /// `enable` on `line`: of the rules named, or of all when none is (or
    /// [`ALL`] is).
    fn enable(&mut self, rules: &[&str], line: usize, ended: &mut Vec<Directive>) {
        let mut end = |mut d: Directive| {
            d.last = line;
            ended.push(d);
        };
        if rules.is_empty() || rules.contains(&ALL) {
            self.by_rule
                .drain()
                .flat_map(|(_, ds)| ds)
                .for_each(&mut end);
            self.for_all.take().into_iter().for_each(end);
            return;
        }
        for rule in rules {
            self.by_rule
                .remove(*rule)
                .into_iter()
                .flatten()
                .for_each(&mut end);
        }
    }

    fn into_rest(self) -> impl Iterator<Item = Directive> {
        self.by_rule.into_values().flatten().chain(self.for_all)
    }
}

impl Directives {
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    fn new(path: PathBuf, list: Vec<Directive>, enables: HashMap<String, Vec<usize>>) -> Self {
        let mut next_line: HashMap<usize, Vec<usize>> = HashMap::new();
        let mut spans = Vec::new();
        for (i, d) in list.iter().enumerate() {
            match d.kind {
                SuppressionKind::NextLine if d.first == d.last => {
                    next_line.entry(d.first).or_default().push(i);
                }
                _ => spans.push(i),
            }
        }
        Directives {
            path,
            list,
            next_line,
            spans,
            enables,
        }
    }

    pub fn parse(doc: &Document) -> Self {
        let mut list = Vec::new();
        let mut open = Open::default();
        let mut enables: HashMap<String, Vec<usize>> = HashMap::new();
        for comment in &doc.body.comments {
            let Some((command, rules, reason)) = read(&comment.text) else {
                continue;
            };
            let line = comment.span.end.line;
            let owned = || rules.iter().map(|r| r.to_string()).collect();
            let reason = reason.map(String::from);
            match command {
                "disable-next-line" => {
                    let next = (line + 1..=doc.lines.line_count())
                        .find(|&l| !doc.line_text(l).trim().is_empty())
                        .unwrap_or(line + 1);
                    let kind = SuppressionKind::NextLine;
                    let lines = (next, block_end(doc, next).unwrap_or(next));
                    list.push(Directive::new(kind, owned(), reason, lines));
                }
                "disable" => {
                    let range = (line, usize::MAX);
                    let directive = Directive::new(SuppressionKind::Range, owned(), reason, range);
                    open.disable(directive, &mut list);
                }
                "enable" => {
                    for rule in rules.iter().filter(|&&r| r != ALL) {
                        enables.entry(rule.to_string()).or_default().push(line);
                    }
                    open.enable(&rules, line, &mut list);
                }
                _ => {}
            }
        }
        list.extend(open.into_rest());
        if let Some(fields) = doc.fields()
            && !fields.allow.is_empty()
        {
            list.push(Directive::new(
                SuppressionKind::FrontMatter,
                fields.allow.clone(),
                None,
                (1, usize::MAX),
            ));
        }
        Self::new(doc.path.clone(), list, enables)
    }

    /// Marks each finding suppressed when a directive covers its rule and
    /// line (see [`Directives::covering`]).
    pub fn apply(&self, diagnostics: &mut [Diagnostic]) {
        let found: Vec<Found> = diagnostics
            .iter()
            .map(|d| (d.rule, d.data_rule, d.span.start.line))
            .collect();
        for (d, covered) in diagnostics.iter_mut().zip(self.covering(&found)) {
            if let Some(directive) = covered {
                d.suppressed = Some(self.suppression(directive));
            }
        }
    }

    /// Whether directive `d`, whose lines hold `line`, covers a finding of
    /// `rule` (found by `data_rule`) there: it names it, and no `enable`
    /// between its start and that line turned either back on.
    fn covers(&self, d: usize, (rule, data_rule, line): Found) -> bool {
        let directive = &self.list[d];
        directive.names(rule, data_rule)
            && !(directive.kind == SuppressionKind::Range
                && [Some(rule), data_rule].into_iter().flatten().any(|name| {
                    self.enables.get(name).is_some_and(|lines| {
                        let after = lines.partition_point(|&e| e < directive.first);
                        lines.get(after).is_some_and(|&e| e < line)
                    })
                }))
    }

    /// How directive `d` suppresses what it covers.
    pub fn suppression(&self, d: usize) -> Box<Suppression> {
        let d = &self.list[d];
        Box::new(Suppression {
            directive: d.kind,
            reason: d.reason.clone(),
        })
    }

    /// For each finding, the directive that suppresses it: the first in
    /// file order covering that rule and line, as a scan of the list would
    /// find. One sweep down the lines keeps the range directives open at
    /// each line, by rule, so that 80,000 findings among 80,000 ranges
    /// cost a lookup each, not a pass over every range.
    pub fn covering(&self, found: &[Found]) -> Vec<Option<usize>> {
        let mut covered = vec![None; found.len()];
        if self.list.is_empty() {
            return covered;
        }
        let mut order: Vec<usize> = (0..found.len()).collect();
        order.sort_by_key(|&i| found[i].2);
        let mut starts = self.spans.clone();
        starts.sort_by_key(|&i| self.list[i].first);
        let mut ends = self.spans.clone();
        ends.sort_by_key(|&i| self.list[i].last);
        let (mut started, mut ended) = (0, 0);
        // Open ranges naming a rule, and those for every rule (a few: see
        // [`Open::for_all`]).
        let mut open: HashMap<&str, BTreeSet<usize>> = HashMap::new();
        let mut open_for_all: BTreeSet<usize> = BTreeSet::new();
        for i in order {
            let (rule, data_rule, line) = found[i];
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
            let covers = |&d: &usize| self.covers(d, found[i]);
            let first_naming = |name: &str| {
                open.get(name)
                    .and_then(|set| set.iter().copied().find(covers))
            };
            let on_line = self.next_line.get(&line).map(Vec::as_slice).unwrap_or(&[]);
            covered[i] = on_line
                .iter()
                .copied()
                .filter(covers)
                .chain(first_naming(rule))
                .chain(data_rule.and_then(first_naming))
                .chain(open_for_all.iter().copied().find(covers))
                .min();
        }
        covered
    }

    /// Calls `f` with each rule directive `d` names, or once with `None`
    /// when it covers every rule.
    fn each_key<'a>(&'a self, d: usize, mut f: impl FnMut(Option<&'a str>) -> bool) {
        let rules = &self.list[d].rules;
        if rules.is_empty() {
            f(None);
        } else {
            for rule in rules {
                f(Some(rule));
            }
        }
    }
}

/// The closing fence's line of the fenced code block opening on `line`, if
/// one does: `disable-next-line` above a block covers all of it, since no
/// comment can go between its lines, and the findings of commands are on
/// them, not on the fence.
fn block_end(doc: &Document, line: usize) -> Option<usize> {
    let blocks = &doc.body.code_blocks;
    let block = blocks.get(blocks.partition_point(|b| b.fence.start.line < line))?;
    (block.fence.start.line == line).then_some(block.first_line + block.line_count)
}

/// A finding as suppressions see it: its rule, the rule of `lints/` that
/// found it for a rule that runs such rules (see [`Directive::covers`]),
/// and its line.
pub type Found<'a> = (&'a str, Option<&'a str>, usize);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The first directive in file order covering the finding's rule and
    /// line, found by reading them all: what the sweep must agree with.
    fn by_scanning(directives: &Directives, found: Found) -> Option<usize> {
        let line = found.2;
        (0..directives.list.len()).find(|&d| {
            let directive = &directives.list[d];
            (directive.first..=directive.last).contains(&line) && directives.covers(d, found)
        })
    }

    #[test]
    fn rule_ids_are_separated_by_commas_or_any_whitespace() {
        let (command, rules, reason) =
            read("runbook-lint-disable\n  broken-link,\tbroken-anchor\n  wiki-link -- generated\n")
                .unwrap();
        assert_eq!(command, "disable");
        assert_eq!(rules, ["broken-link", "broken-anchor", "wiki-link"]);
        assert_eq!(reason, Some("generated"));
    }

    /// Rule ids, and for a finding the rule of `lints/` that found it.
    const RULES: [&str; 3] = ["a", "b", "all"];
    const DATA_RULES: [Option<&str>; 3] = [None, Some("a-data"), Some("b")];
    const NAMES: [&str; 4] = ["a", "b", "all", "a-data"];

    proptest! {
        #[test]
        fn the_sweep_finds_what_a_scan_finds(
            directives in prop::collection::vec(
                (0..3u8, 1..40usize, 0..20usize, prop::collection::vec(0..4usize, 0..3)),
                0..12,
            ),
            enables in prop::collection::vec((0..4usize, 1..60usize), 0..4),
            findings in prop::collection::vec((0..2usize, 0..3usize, 1..60usize), 0..30),
        ) {
            let list: Vec<Directive> = directives
                .iter()
                .enumerate()
                .map(|(i, &(kind, first, len, ref rules))| {
                    let kind = [SuppressionKind::NextLine, SuppressionKind::Range, SuppressionKind::FrontMatter][usize::from(kind)];
                    let last = if kind == SuppressionKind::NextLine { first } else if len == 0 { usize::MAX } else { first + len };
                    let rules = rules.iter().map(|&r| NAMES[r].to_string()).collect();
                    Directive::new(kind, rules, Some(i.to_string()), (first, last))
                })
                .collect();
            let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
            for &(name, line) in &enables {
                by_name.entry(NAMES[name].to_string()).or_default().push(line);
            }
            by_name.values_mut().for_each(|lines| lines.sort());
            let found: Vec<Found> = findings
                .iter()
                .map(|&(rule, data, line)| (RULES[rule], DATA_RULES[data], line))
                .collect();
            let directives = Directives::new(PathBuf::from("x.md"), list, by_name);
            let expected: Vec<Option<String>> = found
                .iter()
                .map(|&f| by_scanning(&directives, f).map(|i| i.to_string()))
                .collect();
            let got: Vec<Option<String>> = directives
                .covering(&found)
                .into_iter()
                .map(|d| d.and_then(|d| directives.suppression(d).reason))
                .collect();
            prop_assert_eq!(got, expected);
        }
    }
}
