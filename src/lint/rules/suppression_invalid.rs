//! A suppression that suppresses nothing (`suppression-invalid`)
//!
//! ## What it checks
//! `<!-- runbook-lint-... -->` comments whose directive is not one of
//! `disable-next-line`, `disable` and `enable`; rule ids, in those
//! comments or in front matter `lint: { allow: [...] }`, that no rule of
//! runbook's or of the book's `lints/` has (`all`, for every rule, is
//! fine); and keys of front matter `lint` other than `allow`
//! (`lint: { alow: [...] }`), which runbook does not read.
//!
//! Those keys are this rule's, not `unknown-field`'s: a misspelt `lint`
//! key is a suppression that suppresses nothing, and runbook owns every
//! key under `lint`, so each one it does not read is reported, not only
//! those close to a field's name.
//!
//! ## Why it matters
//! A mistyped suppression is silently nothing: the finding it was written
//! for is still reported, and its author, sure it is silenced, looks for
//! the fault elsewhere. Worse, it reads in review as a decision someone
//! took.
//!
//! ## Example
//! ```markdown
//! <!-- runbook-lint-disable-next-line broken-lnk -- generated at deploy -->
//! <!-- runbook-lint-disable-nextline broken-link -->
//! ```
//! ```yaml
//! lint: { alow: [broken-link] }
//! ```
//!
//! ## Fix
//! Spell the directive, the rule id and `allow` as `runbook rules` and
//! the README write them:
//! ```markdown
//! <!-- runbook-lint-disable-next-line broken-link -- generated at deploy -->
//! ```
//! ```yaml
//! lint: { allow: [broken-link] }
//! ```

use crate::document::front_matter::FrontMatter;
use crate::document::{Document, Span};
use crate::lint::suppress::{self, ALL, COMMANDS};
use crate::lint::{Context, Sink, links, rules};

crate::rule!("suppression-invalid", Warning, Some(check));

fn check(doc: &Document, cx: &Context, sink: &mut Sink) {
    let known = || {
        rules::ALL
            .iter()
            .map(|r| r.id)
            .chain(cx.settings.custom_rules.iter().map(|r| r.id))
    };
    let unknown = |id: &str| id != ALL && !known().any(|k| k == id);
    let suggest = |id: &str| match links::closest(id, known()) {
        Some(near) => format!("did you mean `{near}`? `runbook rules` lists the ids"),
        None => "`runbook rules` lists the ids".to_string(),
    };
    for comment in &doc.body.comments {
        let Some((command, ids, _)) = suppress::read(&comment.text) else {
            continue;
        };
        if !COMMANDS.contains(&command) {
            let help = match links::closest(command, COMMANDS.iter().copied()) {
                Some(near) => format!("did you mean `runbook-lint-{near}`?"),
                None => "write `runbook-lint-disable-next-line`, `-disable` or `-enable`".into(),
            };
            sink.report(
                ID,
                comment.span,
                format!("`runbook-lint-{command}` is not a directive; it suppresses nothing"),
            )
            .help(help);
            continue;
        }
        for id in ids.into_iter().filter(|id| unknown(id)) {
            sink.report(
                ID,
                comment.span,
                format!("no rule is named `{id}`; this suppresses nothing for it"),
            )
            .help(suggest(id));
        }
    }
    let Some(fields) = doc.fields() else { return };
    let Some(key) = fields.keys.iter().find(|k| k.canonical == Some("lint")) else {
        return;
    };
    for (name, at) in &fields.lint_keys {
        let help = match links::closest(name, ["allow"]) {
            Some(near) => format!("did you mean `{near}`? `lint` takes only `allow`: `lint: {{ allow: [rule-id] }}`"),
            None => "`lint` takes only `allow`: `lint: { allow: [rule-id] }`".to_string(),
        };
        sink.report(
            ID,
            Span {
                start: *at,
                end: *at,
            },
            format!("`{}` is not a key of `lint`; it allows nothing", name),
        )
        .help(help);
    }
    // Each id where it is written, searched for in order from the value
    // on (the parser places a block mapping at its first key only).
    let end = match &doc.front_matter {
        FrontMatter::Parsed { block, .. } => block.yaml.end,
        _ => key.value.end,
    };
    let mut from = key.value.start;
    for id in fields.allow.iter().filter(|id| unknown(id)) {
        let found = doc.text.get(from..end).and_then(|v| v.find(id.as_str()));
        let span = match found {
            Some(at) if !id.is_empty() => {
                let start = from + at;
                from = start + id.len();
                start..from
            }
            _ => key.value.clone(),
        };
        sink.report(
            ID,
            doc.span(span),
            format!("no rule is named `{id}`; `lint: {{ allow }}` allows nothing for it"),
        )
        .help(suggest(id));
    }
}
