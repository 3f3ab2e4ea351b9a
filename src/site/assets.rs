//! Files runbooks reference that are not runbooks (`![](img/flow.png)`,
//! `<img src>`, `[form](forms/request.pdf)`): copied into the site at the
//! same relative path, so the built pages show and link them.
//!
//! Only files of the book as the linter sees it are copied ([`Publishable`]):
//! a regular file its walk finds, at the path linked and at its real path,
//! so nothing in `.git` (where `actions/checkout` keeps its token), nothing
//! git ignores, no symlink out of the source folder. Without `[build]
//! allow-html`, HTML documents (and XML, which can hold XHTML) are not copied
//! either: they would reach the site unsanitized. Nor is an SVG that could
//! run script: the pages show it through `<img>`, which runs none, but a
//! link to it opens it as a document of the site's origin. Each file left
//! out, and each link out of the source folder (broken on the site), is
//! named with why: `build` warns of them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

use crate::config::Settings;
use crate::document::Document;
use crate::document::markdown::LinkKind;
use crate::lint::links::{self, Target};
use crate::workspace::{self, Book, FileIndex, Lookup, is_markdown};

use super::output::{Output, safe_parts};
use super::{RESERVED_DIRS, RESERVED_FILES};

/// Source path (`ops/img/flow.png`) to output path of every file a page
/// references that the site copies.
pub type AssetMap = BTreeMap<String, String>;

/// What a page references that is not a runbook: the files the site
/// copies, with where they go, and the files or links it leaves out, each
/// with why.
#[derive(Debug, Default)]
pub struct Referenced {
    pub assets: AssetMap,
    pub refused: Vec<String>,
}

/// The local files `doc` references that exist inside `src` and may be
/// copied, with where they go in the site, and those it may not. A Markdown
/// file the site renders no page for (`rendered` says which it does: one
/// `[lint] exclude` leaves out, a repository document such as
/// `CONTRIBUTING.md`) is copied as the file it is, so a link to it is not a
/// dead `.html` one.
pub fn referenced(
    doc: &Document,
    publishable: &Publishable<'_>,
    allow_html: bool,
    rendered: &dyn Fn(&str) -> bool,
) -> Referenced {
    let mut found = Referenced::default();
    let mut seen = std::collections::HashSet::new();
    // The body's links, and the front matter's `related:`, which the page
    // shows as links too.
    let body = doc
        .body
        .links
        .iter()
        .filter(|l| !matches!(l.kind, LinkKind::Autolink | LinkKind::FrontMatter))
        .map(|l| l.target.as_str());
    let related = doc
        .fields()
        .map(|f| f.related.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|r| r.value.as_str());
    for target in body.chain(related) {
        let Target::Path { path, .. } = links::classify(target) else {
            continue;
        };
        let Some(rel) = links::resolve(&doc.rel, &path) else {
            // A folder link climbing out leads to the home page (see
            // `render::local_link`); anything else is broken on the site.
            if !path.ends_with('/') && seen.insert(path.clone()) {
                found.refused.push(format!(
                    "{path} (linked from {}): outside the source folder, which is all \
                     the site publishes; the link is broken there",
                    doc.rel
                ));
            }
            continue;
        };
        if rel.is_empty() || rendered(&rel) || !seen.insert(rel.clone()) {
            continue;
        }
        let Some(out) = output_path(&rel) else {
            continue;
        };
        match publishable.file(&rel) {
            Ok(_) if !is_markdown(Path::new(&rel)) && !copyable(&rel, allow_html) => {
                found.refused.push(format!(
                    "{rel}: an HTML or XML document, which could run script in the \
                     site's origin (`[build] allow-html = true` publishes it as it is)"
                ));
            }
            Ok(_) => {
                found.assets.insert(rel, out);
            }
            Err(Some(why)) => found.refused.push(why),
            Err(None) => {}
        }
    }
    found
}

/// Which files the site may publish: those the linter's walk finds
/// ([`FileIndex`]), where a link to anything else is a broken link.
pub struct Publishable<'a> {
    index: &'a FileIndex,
    book: Book<'a>,
    /// The source folder, symlinks resolved; `None` when it does not resolve.
    real_root: Option<PathBuf>,
}

impl<'a> Publishable<'a> {
    pub fn new(settings: &'a Settings, index: &'a FileIndex) -> Self {
        Publishable {
            index,
            book: Book::new(settings),
            real_root: std::fs::canonicalize(&index.root).ok(),
        }
    }

    /// The real path of `rel` (in the source folder) when the site may
    /// publish it: a regular file the walk finds both at `rel` and at its
    /// real path, so that a symlink (`gitlink` -> `.git`, `cfg` ->
    /// `.git/config`, `env` -> an ignored `.env`) publishes no more than a
    /// link to its target would. `Err(None)` for no regular file at all (the
    /// linter reports a missing one), `Err(Some(why))` for a file left out.
    pub fn file(&self, rel: &str) -> Result<PathBuf, Option<String>> {
        let root = self.real_root.as_deref().ok_or(None)?;
        let real = std::fs::canonicalize(self.index.root.join(rel)).map_err(|_| None)?;
        if !std::fs::metadata(&real).is_ok_and(|m| m.is_file()) {
            return Err(None);
        }
        let why = match workspace::relative(root, &real) {
            None => "a symlink to a file outside the source folder",
            Some(real_rel) => {
                let both = [rel, real_rel.as_str()];
                if both.iter().all(|p| self.in_book(p)) {
                    return Ok(real);
                }
                if both.iter().any(|p| p.split('/').any(|part| part == ".git")) {
                    "in `.git`, which is never published"
                } else if both.iter().any(|p| self.book.ignores(p)) {
                    "ignored by git, so not part of the book"
                } else {
                    "not a file of the book as `runbook lint` sees it (reached through a \
                     symlink the walk refuses)"
                }
            }
        };
        Err(Some(format!("{rel}: {why}")))
    }

    /// Whether the walk finds a file at `rel`. It skips hidden entries, and
    /// looks them up only when asked, past what git ignores: asked here.
    fn in_book(&self, rel: &str) -> bool {
        let hidden = rel.split('/').any(|p| p.starts_with('.'));
        matches!(self.index.lookup(rel), Lookup::File) && !(hidden && self.book.ignores(rel))
    }
}

/// What [`copy`] did.
#[derive(Debug, Default)]
pub struct Copied {
    pub count: usize,
    /// Files not published, each with why (an SVG that could run script).
    pub refused: Vec<String>,
}

/// Copies every file in `assets` (source path to output path) from the
/// source folder into the site, once each, skipping output paths the site
/// already uses. Checks again at copy time that each may be published, and
/// reads an SVG once, to check and write the same bytes.
pub fn copy(
    publishable: &Publishable<'_>,
    out: &Output,
    assets: &AssetMap,
    taken: &dyn Fn(&str) -> bool,
    allow_html: bool,
) -> Result<Copied, String> {
    let mut written = std::collections::HashSet::new();
    let mut copied = Copied::default();
    for (rel, target) in assets {
        if taken(target) || !written.insert(target.as_str()) {
            continue;
        }
        let real = match publishable.file(rel) {
            Ok(real) => real,
            Err(why) => {
                copied.refused.extend(why);
                continue;
            }
        };
        let failed = |e: std::io::Error| {
            format!(
                "cannot copy `{}` to `{}/{target}`: {e}",
                real.display(),
                out.root().display()
            )
        };
        if !allow_html && has_extension(rel, &["svg"]) {
            let bytes = std::fs::read(&real).map_err(failed)?;
            if let Some(why) = svg_script(&bytes) {
                copied.refused.push(format!(
                    "{rel}: an SVG with {why}, which runs when the file is opened on its own \
                     (`[build] allow-html = true` publishes it as it is)"
                ));
                out.discard(target);
                continue;
            }
            out.write(target, &bytes).map_err(failed)?;
        } else {
            out.copy(target, &real).map_err(failed)?;
        }
        copied.count += 1;
    }
    Ok(copied)
}

/// What in an SVG could run script, if anything. Conservative: character
/// references are decoded first, the text is read with tabs and line
/// breaks and without them (as a browser drops them from a URL), and a file that is not UTF-8 (UTF-16
/// would hide every pattern) is refused too.
fn svg_script(bytes: &[u8]) -> Option<&'static str> {
    static ACTIVE: LazyLock<[(Regex, &str); 5]> = LazyLock::new(|| {
        let re = |r: &str| Regex::new(r).expect("valid pattern");
        [
            (
                re(
                    r"<([a-z0-9_.-]+:)?(script|foreignobject|iframe|embed|object|handler|listener)\b",
                ),
                "a `<script>`, `<foreignObject>` or embedding element",
            ),
            (re(r#"[\s/"']on[a-z]+\s*="#), "an `on...` event attribute"),
            (re(r"(javascript|vbscript)\s*:"), "a `javascript:` URL"),
            (re(r"<!entity"), "an entity declaration"),
            (re(r"<\?xml-stylesheet"), "a style sheet instruction"),
        ]
    });
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes));
    let Ok(text) = text else {
        return Some("text that is not UTF-8");
    };
    let text = decode_references(text).to_lowercase();
    // Tabs and line breaks separate attributes (`<svg\nonload=`) but
    // vanish from a URL (`java\tscript:`): both readings are checked.
    let squeezed = text.replace(['\t', '\n', '\r'], "");
    ACTIVE
        .iter()
        .find(|(pattern, _)| pattern.is_match(&text) || pattern.is_match(&squeezed))
        .map(|(_, why)| *why)
}

/// `text` with its numeric character references (`&#106;`, `&#x6A;`)
/// decoded.
fn decode_references(text: &str) -> String {
    static REFERENCE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)&#(x[0-9a-f]+|[0-9]+);?").expect("valid pattern"));
    let decoded = REFERENCE.replace_all(text, |caps: &regex::Captures| {
        let number = &caps[1];
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => number.parse().ok(),
        };
        code.and_then(char::from_u32)
            .map_or_else(|| caps[0].to_string(), String::from)
    });
    decoded.into_owned()
}

fn has_extension(rel: &str, extensions: &[&str]) -> bool {
    Path::new(rel)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// Where a referenced file goes: its own path, with a top folder the site
/// itself uses renamed as for runbooks (`assets/` becomes `assets-1/`).
pub fn output_path(rel: &str) -> Option<String> {
    let mut parts: Vec<String> = rel.split('/').map(str::to_string).collect();
    if parts.len() > 1 && RESERVED_DIRS.contains(&parts[0].as_str()) {
        parts[0].push_str("-1");
    }
    if parts.len() == 1 && RESERVED_FILES.contains(&parts[0].as_str()) {
        return None;
    }
    let out = parts.join("/");
    safe_parts(&out).is_some().then_some(out)
}

fn copyable(rel: &str, allow_html: bool) -> bool {
    // Documents a browser opens with script: XML (feeds too, served as
    // `application/rss+xml` by many servers) may hold XHTML, and a
    // compressed SVG cannot be checked as an SVG is.
    let html = has_extension(
        rel,
        &[
            "html", "htm", "xhtml", "xht", "shtml", "xml", "xsl", "xslt", "rss", "atom", "rdf",
            "svgz", "mht", "mhtml",
        ],
    );
    allow_html || !html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_paths_keep_the_source_path_but_not_the_sites_own_names() {
        assert_eq!(output_path("img/a.png").as_deref(), Some("img/a.png"));
        assert_eq!(
            output_path("assets/logo.svg").as_deref(),
            Some("assets-1/logo.svg")
        );
        assert_eq!(output_path("index.html"), None);
        assert_eq!(output_path("a:b.png"), None);
    }

    #[test]
    fn html_documents_need_allow_html() {
        assert!(copyable("a.pdf", false));
        // Markdown is text: copied when the site renders no page of it.
        assert!(copyable("CONTRIBUTING.md", false));
        assert!(!copyable("old/page.HTML", false));
        assert!(copyable("old/page.html", true));
        assert!(!copyable("feed.xml", false) && !copyable("a.svgz", false));
        assert!(copyable("diagram.svg", false));
    }

    #[test]
    fn an_svg_that_could_run_script_is_not_published() {
        let passive = r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><title>Python on call</title><a xlink:href="#top"><text>onboarding = slow</text></a><image href="data:image/png;base64,iVBO"/></svg>"##;
        assert_eq!(svg_script(passive.as_bytes()), None);
        for active in [
            "<svg><script>alert(1)</script></svg>",
            "<svg><svg:SCRIPT xmlns:svg='http://www.w3.org/2000/svg'>x</svg:SCRIPT></svg>",
            "<svg onload=alert(1)>",
            "<svg>\n<rect\n  ONclick = 'x'/></svg>",
            // A line break or tab is the only separator before the handler.
            "<svg\nonload=\"x\" xmlns=\"http://www.w3.org/2000/svg\"/>",
            "<svg\tonload=x>",
            "<svg\r\nonload=x>",
            "<svg><foreignObject><div/></foreignObject></svg>",
            "<svg><a href='javascript:alert(1)'>x</a></svg>",
            "<svg><a href='&#106;ava&#x09;script&#58;alert(1)'>x</a></svg>",
            "<svg><a href='java\nscript:x'>x</a></svg>",
            "<!DOCTYPE svg [<!ENTITY x 'y'>]><svg/>",
            "<?xml-stylesheet href='x.xsl'?><svg/>",
        ] {
            assert!(svg_script(active.as_bytes()).is_some(), "{active}");
        }
        let utf16: Vec<u8> = "\u{feff}<svg onload=x>"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(svg_script(&utf16), Some("text that is not UTF-8"));
        assert_eq!(svg_script(b"\xef\xbb\xbf<svg/>"), None);
    }
}
