//! A wiki's `[[page]]` link, which Markdown shows as text (`wiki-link`)
//!
//! ## What it checks
//! `[[page]]`, `[[page|text]]`, `[[text|page]]` and `[[page#Heading]]`
//! outside code: the link syntax of Obsidian, Foam, Confluence exports and
//! GitHub's wikis, none of which CommonMark knows.
//!
//! ## Why it matters
//! GitHub and the site show the brackets as they are, so the page a
//! runbook sends its reader to is a name to go and find, during an
//! incident, and `broken-link` cannot tell when that page goes away.
//!
//! ## Example
//! ```markdown
//! If the restore fails, see [[Restore the database]].
//! ```
//!
//! ## Fix
//! ```markdown
//! If the restore fails, see [Restore the database](restore-the-database.md).
//! ```
//!
//! `--fix` writes the Markdown link when exactly one runbook in the tree
//! has the page's name (as written, with `-` for spaces or spaces for `-`,
//! in any letter case), on either side of the `|`.

use crate::diagnostic::{Edit, Fix};
use crate::document::Document;
use crate::document::slug::slugify;
use crate::lint::links::relative_link;
use crate::lint::report::markdown_link;
use crate::lint::{Context, Sink};

crate::rule!("wiki-link", Warning, Some(check));

fn check(doc: &Document, cx: &Context, sink: &mut Sink) {
    for wiki in &doc.body.wiki_links {
        let written = format!("[[{}]]", wiki.inner);
        let message = format!("`{written}` is a wiki link: GitHub and the site show it as text");
        let Some(link) = markdown_for(&wiki.inner, doc, cx) else {
            sink.report(ID, wiki.span, message).help(
                "write a Markdown link to the runbook, `[text](path.md)`, or `[text](#heading)` on this page",
            );
            continue;
        };
        sink.report(ID, wiki.span, message)
            .help(format!("write `{link}`"))
            .fix(Fix {
                description: "write it as a Markdown link".into(),
                edits: vec![Edit {
                    start: wiki.span.start.offset,
                    end: wiki.span.end.offset,
                    replacement: link,
                }],
            });
    }
}

/// The Markdown link a wiki link stands for, when the page it names is
/// one runbook of the tree, or a heading of this one. Obsidian writes
/// `[[page|text]]`, GitHub's wikis `[[text|page]]`: whichever side names
/// a page is the page.
fn markdown_for(inner: &str, doc: &Document, cx: &Context) -> Option<String> {
    let sides: Vec<(&str, Option<&str>)> = match inner.split_once('|') {
        Some((a, b)) => vec![(a.trim(), Some(b.trim())), (b.trim(), Some(a.trim()))],
        None => vec![(inner.trim(), None)],
    };
    sides.into_iter().find_map(|(target, text)| {
        let (page, heading) = match target.split_once('#') {
            Some((page, heading)) => (page.trim(), Some(heading.trim())),
            None => (target, None),
        };
        let fragment = heading.map(|h| format!("#{}", slugify(h)));
        let destination = if page.is_empty() {
            fragment.clone()?
        } else {
            let path = find_page(page, cx)?;
            match &fragment {
                Some(fragment) if path == doc.rel => fragment.clone(),
                _ => {
                    markdown_link(&relative_link(&doc.rel, &path))
                        + fragment.as_deref().unwrap_or("")
                }
            }
        };
        // What the wiki would have shown: its text, else the page and the
        // heading as Obsidian writes them.
        let shown = match (text, heading) {
            (Some(text), _) => text.to_string(),
            (None, Some(heading)) if page.is_empty() => heading.to_string(),
            (None, Some(heading)) => format!("{page} > {heading}"),
            (None, None) => page.to_string(),
        };
        Some(format!("[{}]({destination})", escape_brackets(&shown)))
    })
}

/// The one runbook named `page`: its name as written, with `-` for spaces
/// or spaces for `-`, in any letter case, `.md` added; a `folder/page`
/// must match the end of the path.
pub fn find_page(page: &str, cx: &Context) -> Option<String> {
    let page = page.strip_suffix(".md").unwrap_or(page);
    let (folder, name) = match page.rsplit_once('/') {
        Some((folder, name)) => (Some(folder), name),
        None => (None, page),
    };
    let mut names = [
        name.to_string(),
        name.replace(' ', "-"),
        name.replace('-', " "),
    ];
    names.sort_unstable();
    let mut found: Vec<&str> = names
        .iter()
        .enumerate()
        .filter(|&(i, n)| i == 0 || *n != names[i - 1])
        .flat_map(|(_, n)| cx.files.named_ignoring_case(&format!("{n}.md")))
        .map(String::as_str)
        .filter(|path| {
            folder.is_none_or(|folder| {
                let dir = path.rsplit_once('/').map_or("", |(dir, _)| dir);
                dir == folder || dir.ends_with(&format!("/{folder}"))
            })
        })
        .collect();
    found.sort_unstable();
    found.dedup();
    match found[..] {
        [one] => Some(one.to_string()),
        _ => None,
    }
}

fn escape_brackets(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('[', "\\[")
        .replace(']', "\\]")
}
