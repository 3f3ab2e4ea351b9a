//! Link to a file that does not exist (`broken-link`)
//!
//! ## What it checks
//! Relative and root-relative links in the body (inline, reference-style,
//! images, raw HTML `href`/`src`) and in front matter `related`, including
//! the `<...>` form, must name a file or folder that exists. A file that
//! exists only with other letter case is reported too. URLs with a scheme
//! (`https:`, `mailto:`) and template syntax (`{{< ref >}}`, `{{ }}`,
//! `<%= %>`) are not files and are skipped. A `file:` URL, a path with a
//! drive letter (`C:\runbooks\...`) and a path with `\` are reported: they
//! work on the computer they were written on and nowhere else.
//!
//! ## Why it matters
//! The rollback step that says "see restore.md" is read during an outage.
//! A dead link there costs minutes nobody has. Letter case that works on a
//! laptop's file system breaks on the Linux web server.
//!
//! ## Example
//! ```markdown
//! If the deploy fails, follow [the rollback](rolback.md).
//! ```
//!
//! ## Fix
//! Point the link at the file's real path; the help names the closest
//! existing file when there is one: `restore.md` for a link written
//! `restore`, as wikis and site generators take it (GitHub does not), and
//! the path a `[[restore]]` in `related` means.

use crate::diagnostic::Span;
use crate::lint::links::{self, closest_above, relative_link};
use crate::lint::rules::wiki_link;
use crate::lint::{Context, Sink};
use crate::workspace::Lookup;

crate::rule!("broken-link", Error, None);

pub fn report_missing(
    sink: &mut Sink,
    span: Span,
    written: &str,
    path: &str,
    rel: Option<&str>,
    cx: &Context,
) {
    // `[[page]]` in front matter `related`: a wiki's link, not a path.
    if let Some(page) = written
        .strip_prefix("[[")
        .and_then(|w| w.strip_suffix("]]"))
    {
        let help = match wiki_link::find_page(page, cx) {
            Some(found) => format!("write the path: `{}`", relative_link(&sink.doc.rel, &found)),
            None => "write the runbook's path, such as `restore-db.md`".to_string(),
        };
        sink.report(
            ID,
            span,
            format!("link to `{written}`: wiki link syntax, not a path to a file"),
        )
        .help(help);
        return;
    }
    // `db\restore.md`: Windows' separator, which no web server reads.
    if path.contains('\\') {
        let slashed = path.replace('\\', "/");
        let found = links::resolve(&sink.doc.rel, &slashed)
            .is_some_and(|rel| !matches!(cx.files.lookup(&rel), Lookup::Missing));
        sink.report(
            ID,
            span,
            format!("link to `{written}`: paths in links are separated by `/`, not `\\`"),
        )
        .help(if found {
            format!("write `{}`", written.replace('\\', "/"))
        } else {
            format!("write the path with `/` (`{slashed}` does not exist either)")
        });
        return;
    }
    let suggestion = rel.and_then(|rel| suggest(&sink.doc.rel, rel, cx));
    let help = match suggestion {
        Some(s) => format!("did you mean `{s}`?"),
        None => "fix the path, or remove the link if the page is gone".to_string(),
    };
    sink.report(ID, span, format!("link to `{written}`: no file `{path}`"))
        .help(help);
}

/// A `file:` URL or a path with a drive letter: a file on the writer's
/// computer, which no reader of the page has.
pub fn report_on_disk(sink: &mut Sink, span: Span, written: &str, cx: &Context) {
    let name = links::percent_decode(written)
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .split(['#', '?'])
        .next()
        .unwrap_or("")
        .to_string();
    let same_name = cx.files.named(&name);
    let help = match same_name {
        [one] => format!("write `{}`", relative_link(&sink.doc.rel, one)),
        _ => "link to the file's path in this repository, relative to this page".to_string(),
    };
    sink.report(
        ID,
        span,
        format!("link to `{written}`: a file on one computer's disk, which readers of this page do not have"),
    )
    .help(help);
}

pub fn report_case(sink: &mut Sink, span: Span, written: &str, wanted: &str, actual: &str) {
    let link = relative_link(&sink.doc.rel, actual);
    sink.report(
        ID,
        span,
        format!("link to `{written}`: `{wanted}` exists only as `{actual}` (letter case differs)"),
    )
    .help(format!(
        "write `{link}`: paths are case-sensitive on Linux and on the web server"
    ));
}

/// The closest existing file: the runbook of that name when the link has
/// no extension (`restore` for `restore.md`, as wikis and site generators
/// write it), a similar name in the same folder, else the same name
/// anywhere in the tree.
fn suggest(from_rel: &str, wanted: &str, cx: &Context) -> Option<String> {
    let (dir, name) = wanted.rsplit_once('/').unwrap_or(("", wanted));
    if !name.contains('.') {
        let page = format!("{}.md", wanted.trim_end_matches('/'));
        if matches!(cx.files.lookup(&page), Lookup::File) {
            return Some(relative_link(from_rel, &page));
        }
    }
    // Compare names without their shared extension, which would make every
    // `.md` file look alike.
    let (stem, extension) = name.rsplit_once('.').unwrap_or((name, ""));
    let same_kind = cx.files.children(dir).iter().filter_map(|c| {
        let (c_stem, c_ext) = c.rsplit_once('.').unwrap_or((c, ""));
        (c_ext == extension).then_some(c_stem)
    });
    if let Some(best_stem) = closest_above(stem, same_kind, 0.85) {
        let best = if extension.is_empty() {
            best_stem.to_string()
        } else {
            format!("{best_stem}.{extension}")
        };

        let full = if dir.is_empty() {
            best.to_string()
        } else {
            format!("{dir}/{best}")
        };
        return Some(relative_link(from_rel, &full));
    }
    let same_name = cx.files.named(name);
    (same_name.len() == 1).then(|| relative_link(from_rel, &same_name[0]))
}
