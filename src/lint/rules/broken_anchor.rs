//! Link to a heading that does not exist (`broken-anchor`)
//!
//! ## What it checks
//! A `#fragment`, on this page or on another Markdown file of the tree (a
//! runbook, or one left out of the book such as `CONTRIBUTING.md`), must
//! match a heading's anchor (as GitHub computes it: lowercase, punctuation
//! dropped, spaces to `-`, duplicates numbered `-1`, `-2`; an image's alt
//! text left out), an explicit `{#id}`, or an HTML `id` or `<a name>`. A heading's `{#id}`
//! works on runbook's site and in mdBook only: GitHub shows it as text and
//! slugs it with the rest (`## Undo {#undo}` is `#undo-undo` there). Other
//! braces ending a heading (`## Restart {service}`) are its text everywhere.
//!
//! ## Why it matters
//! Tables of contents and "jump to Rollback" links rot silently when a
//! heading is renamed: the page still opens, at the top, and the reader
//! has to hunt for the step.
//!
//! ## Example
//! ```markdown
//! ## Roll back
//! See [rolling back](#rollback).
//! ```
//!
//! ## Fix
//! Use the anchor of the heading as it is now (`#roll-back`); the help names
//! the closest one, unless the page has more than a thousand anchors.

use std::ops::Range;

use crate::diagnostic::{Edit, Fix, Span};
use crate::document::Document;
use crate::lint::Sink;
use crate::lint::links::{MAX_CANDIDATES, closest};

crate::rule!("broken-anchor", Error, None);

pub fn report<S: AsRef<str>>(sink: &mut Sink, span: Span, fragment: &str, anchors: &[S]) {
    let (message, help) = describe(fragment, None, anchors);
    let fix = fix(fragment_range(sink.doc, span, fragment), fragment, anchors);
    let report = sink.report(ID, span, message).help(help);
    if let Some(fix) = fix {
        report.fix(fix);
    }
}

pub fn describe<S: AsRef<str>>(
    fragment: &str,
    target: Option<&str>,
    anchors: &[S],
) -> (String, String) {
    let place = match target {
        Some(t) => format!("in `{t}`"),
        None => "on this page".to_string(),
    };
    let message = format!("`#{fragment}` matches no heading {place}");
    let lowered = fragment.to_lowercase();
    let help = match closest(&lowered, anchors.iter().map(AsRef::as_ref)) {
        _ if crate::lint::links::is_line_anchor(fragment) => {
            "line anchors exist only in GitHub's source view of a file: add `?plain=1` before the `#`, or link to a heading".to_string()
        }
        Some(best) => format!("did you mean `#{best}`?"),
        None if anchors.is_empty() => "that page has no headings".to_string(),
        None => {
            let some: Vec<String> = anchors
                .iter()
                .take(5)
                .map(|a| format!("`#{}`", a.as_ref()))
                .collect();
            let more = if anchors.len() > 5 { ", ..." } else { "" };
            format!("anchors there: {}{more}", some.join(", "))
        }
    };
    (message, help)
}

/// Rewrites the fragment only when exactly one anchor is the same words
/// (`#Roll-Back` and `#rollback` both mean `#roll-back`); a guess is left
/// to a person. A page with more anchors than a suggestion is searched
/// among gets no fix either, for the same reason.
pub fn fix<S: AsRef<str>>(
    range: Option<Range<usize>>,
    fragment: &str,
    anchors: &[S],
) -> Option<Fix> {
    let range = range?;
    if anchors.len() > MAX_CANDIDATES {
        return None;
    }
    let mut matching = anchors
        .iter()
        .map(AsRef::as_ref)
        .filter(|a| same_words(a, fragment));
    let only = matching.next()?;
    if matching.next().is_some() {
        return None;
    }
    Some(Fix {
        description: format!("link to `#{only}`"),
        edits: vec![Edit {
            start: range.start,
            end: range.end,
            replacement: only.to_string(),
        }],
    })
}

/// The same letters and digits, ignoring case: `#Roll-Back`, `#rollback`.
fn same_words(a: &str, b: &str) -> bool {
    fn squash(s: &str) -> impl Iterator<Item = char> + '_ {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
    }
    squash(a).eq(squash(b))
}

/// Where the fragment is written inside a link's source text: after the
/// `#` of an inline link's destination, or of an HTML attribute's value.
/// An inline destination ends where CommonMark ends it: at the `>` of the
/// `<...>` form, else at the space before a title or the link's last `)`,
/// so `(#a(b))`, `(#se>)` and `(#a\)b)` are written fragments whole.
pub fn fragment_range(doc: &Document, span: Span, fragment: &str) -> Option<Range<usize>> {
    let source = doc.text.get(span.start.offset..span.end.offset)?;
    let (start, end) = match source.rfind("](") {
        Some(i) => {
            let rest = &source[i + 2..];
            let end = match rest.strip_prefix('<') {
                Some(inner) => 1 + inner.find('>')?,
                None => rest
                    .find(char::is_whitespace)
                    .unwrap_or(rest.strip_suffix(')')?.len()),
            };
            (i + 2, i + 2 + end)
        }
        None => {
            let start = source.find("href=")? + 5;
            let value = &source[start..];
            let end = value
                .char_indices()
                .skip(1)
                .find(|&(_, c)| matches!(c, '"' | '\'' | '>') || c.is_whitespace())
                .map_or(value.len(), |(j, _)| j);
            (start, start + end)
        }
    };
    let hash = start + source[start..end].find('#')? + 1;
    // Escapes and percent-encoding aside, it must be the fragment parsed.
    (same_words(&source[hash..end], fragment))
        .then_some(span.start.offset + hash..span.start.offset + end)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::fragment_range;
    use crate::config::Aliases;
    use crate::document::Document;

    /// The written fragment of the first link of `body`, by its range.
    fn written(body: &str) -> Option<String> {
        let doc = Document::parse(
            PathBuf::from("a.md"),
            "a.md".into(),
            body.as_bytes().to_vec(),
            &Aliases::default(),
        );
        let link = doc.body.links.first().expect("a link");
        let fragment = link.target.split_once('#').map_or("", |(_, f)| f);
        fragment_range(&doc, link.span, fragment).map(|r| doc.text[r].to_string())
    }

    #[test]
    fn the_range_holds_the_whole_written_fragment() {
        for (body, fragment) in [
            ("[x](#se>)", "se>"),
            ("[x](#a(b))", "a(b)"),
            ("[x](#a\\)b)", "a\\)b"),
            ("[x](<#a b>)", "a b"),
            ("[x](#a \"title\")", "a"),
            ("[x](other.md#Roll-Back)", "Roll-Back"),
            ("<a href=\"#top\">x</a>", "top"),
            ("<a href='#a(b)'>x</a>", "a(b)"),
        ] {
            assert_eq!(written(body).as_deref(), Some(fragment), "{body}");
        }
        // A `#` in the title is not the destination's.
        assert_eq!(written("[x](a.md \"see #b\")"), None);
    }
}
