//! Link resolution shared by `broken-link` and `broken-anchor`: which targets
//! are files, where they point, and whether the file and heading exist.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::{Arc, LazyLock};

use rayon::prelude::*;
use regex::Regex;

use crate::diagnostic::{Diagnostic, Span};
use crate::document::{Document, LinkKind};
use crate::workspace::Lookup;

use super::rules::{broken_anchor, broken_link};
use super::{Context, MAX_FINDINGS_PER_RULE, Sink, suppress};

/// A `#fragment` into another runbook, checked once every runbook's anchors
/// are known.
pub struct PendingFragment {
    pub target: String,
    pub fragment: String,
    pub written: String,
    pub path: Arc<Path>,
    pub span: Span,
    pub source_line: String,
    /// Where the fragment is written, for a fix.
    pub fragment_range: Option<std::ops::Range<usize>>,
}

/// What a link target is, once templates and URLs are set aside.
#[derive(Debug, PartialEq)]
pub enum Target {
    /// A URL with a scheme, a protocol-relative URL, or template syntax.
    NotAFile,
    /// `#fragment` on this page.
    SamePage(String),
    /// A file on the writer's own disk: `file:///C:/...`, `C:\runbooks\...`.
    OnDisk,
    /// A path (percent-decoded), with its fragment if any.
    Path {
        path: String,
        fragment: Option<String>,
    },
}

pub fn classify(target: &str) -> Target {
    let target = target.trim();
    let is_template = is_template(target);
    let target = target
        .strip_prefix('<')
        .and_then(|t| t.strip_suffix('>'))
        .unwrap_or(target);
    if is_on_disk(target) {
        return Target::OnDisk;
    }
    if target.is_empty() || is_template || target.starts_with("//") || has_scheme(target) {
        return Target::NotAFile;
    }
    let (path, fragment) = match target.split_once('#') {
        Some((path, fragment)) => (path, Some(percent_decode(fragment))),
        None => (target, None),
    };
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    // `restore.md?plain=1#L10` is GitHub's source view, which numbers lines.
    let source_view = query.split('&').any(|p| p == "plain=1");
    // `#` and `#top` are the top of the page in every browser, heading or not.
    let fragment = fragment.filter(|f| {
        !(f.is_empty() || f.eq_ignore_ascii_case("top") || source_view && is_line_anchor(f))
    });
    if path.is_empty() {
        return match fragment {
            Some(f) => Target::SamePage(f),
            None => Target::NotAFile,
        };
    }
    Target::Path {
        path: percent_decode(path),
        fragment,
    }
}

/// Template syntax (Hugo, Jinja, ERB, shell): not a link until rendered.
/// GitHub's anchor of a line or a range of lines: `L10`, `L10-L20`,
/// `L10C3-L12C8`.
pub fn is_line_anchor(fragment: &str) -> bool {
    static LINES: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^L[0-9]+(C[0-9]+)?(-L[0-9]+(C[0-9]+)?)?$").expect("valid pattern")
    });
    LINES.is_match(fragment)
}

pub fn is_template(target: &str) -> bool {
    // `<%= url %>` reaches us as `%= url %`: the angle brackets are link syntax.
    // Every marker holds `{` or `%`: most links have neither, and one scan
    // for them spares seven substring searches.
    target.contains(['{', '%'])
        && ["{{", "{%", "<%", "%=", "%7B%7B", "%7b%7b", "${"]
            .iter()
            .any(|t| target.contains(t))
}

/// `file:` URLs and Windows paths with a drive letter (`C:\`, `d:/`).
fn is_on_disk(target: &str) -> bool {
    let bytes = target.as_bytes();
    target
        .get(..5)
        .is_some_and(|s| s.eq_ignore_ascii_case("file:"))
        || (bytes.len() > 2
            && bytes[0].is_ascii_alphabetic()
            && bytes[1] == b':'
            && matches!(bytes[2], b'\\' | b'/'))
}

fn has_scheme(target: &str) -> bool {
    let Some((scheme, _)) = target.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

pub fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// Joins a link path onto the folder of the page it is written in, inside
/// the source folder. `None` when it climbs out of the source folder.
pub fn resolve(from_rel: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    let base = if path.starts_with('/') {
        ""
    } else {
        from_rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
    };
    for part in base.split('/').chain(path.split('/')) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// Checks the document's links against the tree; returns the fragments
/// into other runbooks for the second pass.
pub fn check(doc: &Document, cx: &Context, sink: &mut Sink) -> Vec<PendingFragment> {
    let mut pending = Vec::new();
    let check_files = sink.enabled(broken_link::ID);
    let check_anchors = sink.enabled(broken_anchor::ID);
    if !check_files && !check_anchors {
        return pending;
    }
    let related = doc.fields().map(|f| f.related.as_slice()).unwrap_or(&[]);
    let related = related.iter().map(|r| {
        (
            LinkKind::FrontMatter,
            r.value.as_str(),
            doc.span(r.written.clone()),
        )
    });
    let body = doc
        .body
        .links
        .iter()
        .map(|l| (l.kind, l.target.as_str(), l.span));
    let own = OwnAnchors::of(doc);
    let in_tree = matches!(cx.files.lookup(&doc.rel), Lookup::File);
    for (kind, written, span) in related.chain(body) {
        if kind == LinkKind::Autolink {
            continue;
        }
        match classify(written) {
            Target::NotAFile => {}
            Target::OnDisk => {
                if check_files {
                    broken_link::report_on_disk(sink, span, written, cx);
                }
            }
            Target::SamePage(fragment) => {
                if check_anchors {
                    check_same_page(doc, &own, sink, span, &fragment);
                }
            }
            Target::Path { path, fragment } => {
                let resolved = if in_tree {
                    resolve(&doc.rel, &path)
                } else {
                    None
                };
                let Some(rel) = resolved else {
                    // Outside the source folder: ask the file system.
                    let on_disk = if path.starts_with('/') {
                        cx.settings.src.join(path.trim_start_matches('/'))
                    } else {
                        doc.path
                            .parent()
                            .unwrap_or(std::path::Path::new("."))
                            .join(&path)
                    };
                    if check_files && !on_disk.exists() {
                        broken_link::report_missing(sink, span, written, &path, None, cx);
                    }
                    continue;
                };
                // The page a fragment is looked for in: the Markdown file
                // linked to, or the page shown for the folder linked to.
                let wanted = check_anchors && fragment.is_some();
                let page = match cx.files.lookup(&rel) {
                    Lookup::Dir if wanted => cx.files.folder_page(&rel),
                    Lookup::File if wanted && crate::workspace::is_markdown(rel.as_ref()) => {
                        Some(rel)
                    }
                    Lookup::Dir | Lookup::File => None,
                    Lookup::OtherCase(actual) => {
                        if check_files {
                            broken_link::report_case(sink, span, written, &rel, actual);
                        }
                        None
                    }
                    Lookup::Missing => {
                        if check_files {
                            broken_link::report_missing(sink, span, written, &path, Some(&rel), cx);
                        }
                        None
                    }
                };
                let (Some(page), Some(fragment)) = (page, fragment) else {
                    continue;
                };
                if page == doc.rel {
                    check_same_page(doc, &own, sink, span, &fragment);
                } else {
                    let fragment_range = broken_anchor::fragment_range(doc, span, &fragment);
                    pending.push(PendingFragment {
                        target: page,
                        fragment,
                        written: written.to_string(),
                        path: sink.path.clone(),
                        span,
                        source_line: crate::lint::quoted_line(doc, span.start.line),
                        fragment_range,
                    });
                }
            }
        }
    }
    pending
}

/// Anchors of a page up to which a lookup reads them all; past this many,
/// they are hashed once.
const SCANNED_ANCHORS: usize = 32;

/// The anchors of the page being checked, gathered once for all its links.
struct OwnAnchors<'a> {
    /// All of them, headings first, in order: what a finding suggests
    /// from, gathered at the first broken link.
    all: std::cell::OnceCell<Vec<&'a str>>,
    /// Headings and HTML `id`s, hashed when there are many.
    hashed: Option<HashSet<&'a str>>,
}

impl<'a> OwnAnchors<'a> {
    fn of(doc: &'a Document) -> OwnAnchors<'a> {
        let body = &doc.body;
        let hashed = (body.headings.len() + body.html_anchors.len() > SCANNED_ANCHORS).then(|| {
            let headings = body.headings.iter().map(|h| h.anchor.as_str());
            headings
                .chain(body.html_anchors.iter().map(|a| a.id.as_str()))
                .collect()
        });
        OwnAnchors {
            all: std::cell::OnceCell::new(),
            hashed,
        }
    }
}

fn check_same_page<'a>(
    doc: &'a Document,
    own: &OwnAnchors<'a>,
    sink: &mut Sink,
    span: Span,
    fragment: &str,
) {
    let found = match &own.hashed {
        Some(set) => set.contains(fragment),
        None => doc.body.has_anchor(fragment),
    };
    if !found {
        let known = own.all.get_or_init(|| {
            let body = &doc.body;
            let headings = body.headings.iter().map(|h| h.anchor.as_str());
            headings
                .chain(body.html_anchors.iter().map(|a| a.id.as_str()))
                .collect()
        });
        broken_anchor::report(sink, span, fragment, known);
    }
}

/// The second pass: fragments into other runbooks.
pub fn resolve_pending(
    pending: Vec<PendingFragment>,
    anchors: &super::Anchors,
    cx: &Context,
    directives: &super::DirectivesByPath,
) -> Vec<Diagnostic> {
    let Some(severity) = cx.severity(broken_anchor::ID) else {
        return Vec::new();
    };
    // Pages with many anchors are looked up by hash: each of thousands of
    // links into one must not read all of its anchors.
    let large: HashMap<&str, HashSet<&str>> = anchors
        .iter()
        .filter(|(_, known)| known.len() > SCANNED_ANCHORS)
        .map(|(page, known)| (page.as_str(), known.iter().map(String::as_str).collect()))
        .collect();
    let broken: Vec<(PendingFragment, &Vec<String>)> = pending
        .into_par_iter()
        .filter_map(|p| {
            let known = anchors.get(&p.target)?;
            let found = match large.get(p.target.as_str()) {
                Some(set) => set.contains(p.fragment.as_str()),
                None => known.contains(&p.fragment),
            };
            (!found).then_some((p, known))
        })
        .collect();
    // Capped per file as the file's own findings are, after the file's
    // suppressions: an error past 10,000 suppressed ones still counts.
    // They come grouped by file, in the order the files were linted.
    let mut kept = Vec::with_capacity(broken.len());
    let mut unlisted = Vec::new();
    let mut broken = broken.into_iter().peekable();
    while let Some(first) = broken.next() {
        let mut file = vec![first];
        while let Some(next) = broken.next_if(|(p, _)| p.path == file[0].0.path) {
            file.push(next);
        }
        let path = file[0].0.path.clone();
        let suppress = directives.get(&*path);
        let covered = match suppress {
            Some(d) => {
                let found: Vec<suppress::Found> = file
                    .iter()
                    .map(|(p, _)| (broken_anchor::ID, None, p.span.start.line))
                    .collect();
                d.covering(&found)
            }
            None => vec![None; file.len()],
        };
        let suppression = |c: Option<usize>| Some(suppress?.suppression(c?));
        // Past the cap: the first of those counted and of those suppressed.
        let mut past: [Option<(PendingFragment, Option<usize>, usize)>; 2] = [None, None];
        for (i, ((p, known), c)) in file.into_iter().zip(covered).enumerate() {
            if i < MAX_FINDINGS_PER_RULE {
                kept.push((p, known, suppression(c)));
                continue;
            }
            match &mut past[usize::from(c.is_some())] {
                Some((_, _, count)) => *count += 1,
                slot => *slot = Some((p, c, 1)),
            }
        }
        let listed_suppressed = || {
            let mut of_file = kept.iter().rev().take_while(|k| k.0.path == path);
            of_file.any(|k| k.2.is_some())
        };
        for (p, c, count) in past.into_iter().flatten() {
            let counted = c.is_none();
            let mut finding = super::unlisted_finding(
                (broken_anchor::ID, severity),
                p.path,
                p.span,
                p.source_line,
                count,
                suppression(c),
            );
            if counted && listed_suppressed() {
                finding.help = Some(super::listed_are_suppressed(broken_anchor::ID));
            }
            unlisted.push(finding);
        }
    }
    let mut found: Vec<Diagnostic> = kept
        .into_par_iter()
        .map(|(p, known, suppressed)| {
            let (message, help) = broken_anchor::describe(&p.fragment, Some(&p.target), known);
            Diagnostic {
                rule: broken_anchor::ID,
                data_rule: None,
                severity,
                path: p.path,
                span: p.span,
                message,
                help: Some(help),
                fix: broken_anchor::fix(p.fragment_range, &p.fragment, known).map(Box::new),
                source_line: p.source_line,
                suppressed,
                counts_as: 1,
            }
        })
        .collect();
    found.extend(unlisted);
    found
}

/// The closest candidate by Jaro-Winkler similarity, if close enough to
/// be worth suggesting.
pub fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    closest_above(wanted, candidates, 0.8)
}

/// Candidates a suggestion is searched among, at most: past this many
/// (a page of thousands of headings, a folder of thousands of files) no
/// "did you mean" is offered, so that thousands of broken links into it
/// cost thousands of comparisons each, not millions.
pub const MAX_CANDIDATES: usize = 1_000;

/// [`closest`] with its own bar. Names of very different lengths cannot
/// score that high, so they are skipped before the costly comparison: a
/// folder of thousands of runbooks is searched for each broken link.
pub fn closest_above<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    min_score: f64,
) -> Option<&'a str> {
    let len = wanted.chars().count();
    let letters = Letters::of(wanted);
    let mut candidates = candidates.into_iter();
    if candidates.size_hint().0 > MAX_CANDIDATES {
        return None;
    }
    let best = candidates
        .by_ref()
        .take(MAX_CANDIDATES)
        .filter(|c| c.len().abs_diff(len) <= len / 2 + 2)
        .filter(|c| {
            letters
                .as_ref()
                .is_none_or(|l| l.can_reach(wanted, c, min_score))
        })
        .map(|c| (similarity(wanted, c), c))
        .filter(|(score, _)| *score >= min_score)
        // Of equal scores, the name nearest in length: `#setup-2` is
        // closer to `#setup-1` than to `#setup`.
        .max_by(|a, b| {
            let longer = |c: &str| c.chars().count().abs_diff(len);
            a.0.total_cmp(&b.0).then(longer(b.1).cmp(&longer(a.1)))
        })
        .map(|(_, c)| c);
    // More candidates than were searched: no suggestion rather than one
    // from an arbitrary part of them.
    if candidates.next().is_some() {
        return None;
    }
    best
}

/// The letters of an ASCII name, counted, to rule out a candidate before
/// the costly comparison: Jaro-Winkler cannot exceed what the letters the
/// two names share allow.
struct Letters([u16; 128]);

impl Letters {
    fn of(name: &str) -> Option<Letters> {
        let mut counts = [0u16; 128];
        for &b in name.as_bytes() {
            *counts.get_mut(usize::from(b))? += 1;
        }
        (!name.is_empty()).then_some(Letters(counts))
    }

    /// False only when `candidate` surely scores below `min_score`.
    fn can_reach(&self, wanted: &str, candidate: &str, min_score: f64) -> bool {
        if candidate.is_empty() || !candidate.is_ascii() {
            return true;
        }
        // Jaro's matches pair equal letters one to one: no more of them
        // than the names have in common.
        let mut left = self.0;
        let mut common = 0usize;
        for &b in candidate.as_bytes() {
            let n = &mut left[usize::from(b)];
            if *n > 0 {
                *n -= 1;
                common += 1;
            }
        }
        let jaro = if common == 0 {
            0.0
        } else {
            let m = common as f64;
            (m / wanted.len() as f64 + m / candidate.len() as f64 + 1.0) / 3.0
        };
        let prefix = wanted
            .bytes()
            .zip(candidate.bytes())
            .take(4)
            .take_while(|(a, b)| a == b)
            .count();
        let best = jaro + 0.1 * prefix as f64 * (1.0 - jaro);
        // A margin for rounding: the bound only ever lets more through.
        best >= min_score - 1e-9
    }
}

/// Jaro-Winkler similarity; on bytes when both names are ASCII (nearly
/// always), where it is the same number without decoding characters.
fn similarity(a: &str, b: &str) -> f64 {
    if a.is_ascii() && b.is_ascii() {
        strsim::generic_jaro_winkler(&a.as_bytes().to_vec(), &b.as_bytes().to_vec())
    } else {
        strsim::jaro_winkler(a, b)
    }
}

/// A relative link from the folder of `from_rel` to `to_rel`.
pub fn relative_link(from_rel: &str, to_rel: &str) -> String {
    let from: Vec<&str> = from_rel.split('/').collect();
    let from_dir = &from[..from.len() - 1];
    let to: Vec<&str> = to_rel.split('/').collect();
    let common = from_dir.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<&str> = vec![".."; from_dir.len() - common];
    parts.extend(&to[common..]);
    if parts.is_empty() {
        // The folder the page is in.
        return "./".to_string();
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_to_the_pages_own_folder_is_dot_slash() {
        assert_eq!(relative_link("db/backup.md", "db"), "./");
        assert_eq!(relative_link("db/backup.md", "db/restore.md"), "restore.md");
        assert_eq!(relative_link("db/backup.md", ""), "../");
    }

    #[test]
    fn no_suggestion_among_more_candidates_than_are_searched() {
        let names: Vec<String> = (0..=MAX_CANDIDATES).map(|i| format!("step-{i}")).collect();
        let all = || names.iter().map(String::as_str);
        assert_eq!(
            closest("step-7x", all().take(MAX_CANDIDATES)),
            Some("step-7")
        );
        // Too many, whether the iterator says so up front or not.
        assert_eq!(closest("step-7x", all()), None);
        assert_eq!(closest("step-7x", all().filter(|_| true)), None);
    }

    #[test]
    fn the_letter_bound_never_rules_out_a_close_name() {
        // Every name of up to 5 letters over a small alphabet, against
        // every other: the bound must let through each pair that scores
        // above the bar, or a "did you mean" would go missing.
        let mut names = vec![String::new()];
        let mut frontier = names.clone();
        for _ in 0..5 {
            frontier = frontier
                .iter()
                .flat_map(|n| ["a", "b", "-", "ab"].map(|c| format!("{n}{c}")))
                .filter(|n| n.len() <= 6)
                .collect();
            names.extend(frontier.iter().cloned());
        }
        let mut ruled_out = 0;
        for wanted in &names {
            let Some(letters) = Letters::of(wanted) else {
                continue;
            };
            for candidate in &names {
                for bar in [0.8, 0.85] {
                    if !letters.can_reach(wanted, candidate, bar) {
                        ruled_out += 1;
                        assert!(similarity(wanted, candidate) < bar, "{wanted} {candidate}");
                    }
                }
            }
        }
        assert!(ruled_out > 1000, "the bound rules out {ruled_out} pairs");
    }

    #[test]
    fn classifies_targets() {
        assert_eq!(classify("https://x.io/a"), Target::NotAFile);
        assert_eq!(classify("mailto:a@b"), Target::NotAFile);
        assert_eq!(classify("{{< ref \"a.md\" >}}"), Target::NotAFile);
        assert_eq!(classify("<%= url %>"), Target::NotAFile);
        assert_eq!(classify("#rollback"), Target::SamePage("rollback".into()));
        assert_eq!(classify("#"), Target::NotAFile);
        assert_eq!(classify("#Top"), Target::NotAFile);
        assert_eq!(
            classify("deploy.md#top"),
            Target::Path {
                path: "deploy.md".into(),
                fragment: None
            }
        );
        for on_disk in [
            "file:///C:/rb/a.md",
            "FILE://host/a.md",
            "C:\\rb\\a.md",
            "d:/rb/a.md",
        ] {
            assert_eq!(classify(on_disk), Target::OnDisk, "{on_disk}");
        }
        assert_eq!(classify("c:a"), Target::NotAFile);
        assert_eq!(
            classify("<a%20b.md#x>"),
            Target::Path {
                path: "a b.md".into(),
                fragment: Some("x".into())
            }
        );
        assert_eq!(
            classify("a.md?raw=1"),
            Target::Path {
                path: "a.md".into(),
                fragment: None
            }
        );
    }

    #[test]
    fn resolves_relative_and_rooted() {
        assert_eq!(
            resolve("db/restore.md", "../deploy.md").as_deref(),
            Some("deploy.md")
        );
        assert_eq!(
            resolve("db/restore.md", "/ops/x.md").as_deref(),
            Some("ops/x.md")
        );
        assert_eq!(resolve("restore.md", "../../x.md"), None);
        assert_eq!(relative_link("db/a.md", "ops/b.md"), "../ops/b.md");
        assert_eq!(relative_link("a.md", "ops/b.md"), "ops/b.md");
    }
}
