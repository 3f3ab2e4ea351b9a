//! A runbook's body to HTML, from the events of the single parse the
//! document model already does (see [`crate::document::Document::parse_with`]).
//!
//! On the way: links to `.md` files point at the rendered pages (fragment
//! kept), in Markdown and in raw HTML alike; links to files the site copies
//! point at the copies; links with script schemes are neutralised, headings get a
//! permalink and lose author-written attributes (`{onclick=...}` would
//! otherwise reach the page), code blocks get a copy button, and raw HTML is
//! sanitized unless `book.toml` allows it.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use pulldown_cmark::{BlockQuoteKind, CodeBlockKind, CowStr, Event, Tag, TagEnd};

use regex::Regex;

use crate::document::{include, markdown};
use crate::extract::blocks::{transcript_commands, without_line_end};
use crate::lint::links::{self, Target};
use crate::workspace::is_markdown;

use super::assets::AssetMap;
use super::autolink;
use super::nesting;
use super::sanitize::{self, Ui};

/// Source path (`ops/deploy.md`) to output path (`ops/deploy.html`) of
/// every runbook the site renders.
pub type PageMap = HashMap<String, String>;

pub struct Body {
    pub html: String,
    /// The anchor of a leading `# Title` heading that says the page's
    /// title, dropped from the body because the page header shows the
    /// title; the header keeps the id. A leading heading that says
    /// something else (front matter `title` differs) stays in the body.
    pub title_anchor: Option<String>,
    /// The raw HTML nests too deep to sanitize, so it is shown as text
    /// ([`nesting`]).
    pub html_as_text: bool,
}

/// Where a page's links lead: the site's runbook pages, the folders that
/// hold them ([`folders_of`]) and the files this page references that the
/// site copies.
pub struct Targets<'a> {
    pub pages: &'a PageMap,
    pub folders: &'a HashSet<String>,
    pub assets: &'a AssetMap,
}

/// Every folder with a runbook in it or below it: the folders the index
/// has a section for.
pub fn folders_of(pages: &PageMap) -> HashSet<String> {
    let mut folders = HashSet::new();
    for rel in pages.keys() {
        let mut rest = rel.as_str();
        while let Some((dir, _)) = rest.rsplit_once('/') {
            if !folders.insert(dir.to_string()) {
                break;
            }
            rest = dir;
        }
    }
    folders
}

/// Renders the collected events of the document at `rel`, whose page is
/// written at `out`; `model` is what the document model read from them.
/// `title_heading` says whether a leading `#` heading says the page's
/// title ([`is_title_heading`]): only then is it dropped.
pub fn body(
    rel: &str,
    out: &str,
    title_heading: bool,
    events: Vec<Event<'static>>,
    model: &markdown::Body,
    targets: &Targets<'_>,
    allow_html: bool,
) -> Body {
    let mut title_anchor = None;
    let events = autolink::linked(events);
    let html_as_text = !allow_html && nesting::too_deep(&events);
    let raw_html = events
        .iter()
        .any(|e| matches!(e, Event::Html(_) | Event::InlineHtml(_)));
    let mut ui = Ui::new(raw_html && !allow_html && !html_as_text);
    let mut footnotes = Footnotes::citing(&events);
    let mut events = events.into_iter().peekable();
    if let Some(Event::Start(Tag::Heading {
        level: pulldown_cmark::HeadingLevel::H1,
        id,
        ..
    })) = events.peek()
        && title_heading
    {
        title_anchor = id.as_ref().map(|id| id.to_string());
        for event in events.by_ref() {
            if matches!(event, Event::End(TagEnd::Heading(_))) {
                break;
            }
        }
    }

    let mut open_heading: Option<CowStr<'static>> = None;
    // The fenced blocks in order, as the model has them: one whose
    // `{{#include ...}}` was read shows what it brought in, as mdBook does;
    // a transcript shows its prompts, commands and output marked.
    let mut fenced = model.code_blocks.iter();
    // An HTML block is gathered whole, for its raw headings to get ids.
    let mut html_block: Option<String> = None;
    let mut raw_heading_anchors = model.raw_heading_anchors.iter().map(String::as_str);
    let mut included: Option<Option<Event<'static>>> = None;
    let mut indented = false;
    let mut html = String::new();
    let decorated = events.flat_map(|event| -> Vec<Event<'static>> {
        match event {
            Event::FootnoteReference(label) => {
                vec![ui.leaf(footnotes.reference(&label))]
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                vec![ui.open(footnotes.definition(&label))]
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                vec![ui.close(footnotes.end_of_definition())]
            }
            Event::Start(Tag::Heading { level, id, .. }) => {
                open_heading = id.clone();
                vec![Event::Start(Tag::Heading {
                    level,
                    id,
                    classes: Vec::new(),
                    attrs: Vec::new(),
                })]
            }
            Event::End(TagEnd::Heading(level)) => {
                let mut out = Vec::with_capacity(2);
                if let Some(id) = open_heading.take() {
                    out.push(ui.leaf(permalink(&id)));
                }
                out.push(Event::End(TagEnd::Heading(level)));
                out
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => vec![Event::Start(Tag::Link {
                link_type,
                dest_url: rewrite_link(rel, out, &dest_url, targets).into(),
                title,
                id,
            })],
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = if script_scheme(&dest_url) {
                    CowStr::Borrowed("")
                } else {
                    rewrite_link(rel, out, &dest_url, targets).into()
                };
                vec![Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                })]
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let mut button = COPY_BUTTON;
                match kind {
                    CodeBlockKind::Fenced(_) => {
                        let block = fenced.next();
                        let expanded = block.and_then(include::expand).map(|e| e.code);
                        let marked = block.and_then(|block| {
                            let shown = expanded.as_deref().unwrap_or(&block.code);
                            transcript_commands(block, shown).map(|c| transcript_html(shown, &c))
                        });
                        included = match (marked, expanded) {
                            (Some(marked), _) => {
                                button = TRANSCRIPT_COPY_BUTTON;
                                Some(Some(ui.leaf(marked)))
                            }
                            (None, Some(code)) => Some(Some(Event::Text(code.into()))),
                            (None, None) => None,
                        };
                    }
                    CodeBlockKind::Indented => indented = true,
                }
                vec![ui.open(button.into()), Event::Start(Tag::CodeBlock(kind))]
            }
            Event::Text(_) if included.is_some() => {
                included.as_mut().and_then(Option::take).into_iter().collect()
            }
            // mdBook's escape (`\{{#include x}}`) shows without its backslash
            // wherever it is; in prose Markdown's own escape has done it.
            Event::Text(text) if indented => vec![Event::Text(unescaped(text))],
            Event::Code(text) => vec![Event::Code(unescaped(text))],
            Event::End(TagEnd::CodeBlock) => {
                included = None;
                indented = false;
                vec![Event::End(TagEnd::CodeBlock), ui.close("</div>\n".into())]
            }
            // GitHub's alerts, with the title GitHub shows: a warning must
            // stand out from a quote on a page read during an incident.
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (class, title) = alert(kind);
                vec![ui.open(format!(
                    "<blockquote class=\"alert alert-{class}\">\n<p class=\"alert-title\">{title}</p>\n"
                ))]
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => vec![ui.close("</blockquote>\n".into())],
            // Task boxes are read-only; their state is their accessible name.
            Event::TaskListMarker(done) => vec![ui.leaf(
                if done {
                    "<input type=\"checkbox\" disabled=\"\" checked=\"\" aria-label=\"done\"> "
                } else {
                    "<input type=\"checkbox\" disabled=\"\" aria-label=\"not done\"> "
                }
                .into(),
            )],
            Event::Html(html) | Event::InlineHtml(html) if html_as_text => {
                vec![Event::Text(html)]
            }
            Event::Start(Tag::HtmlBlock) => {
                html_block = (!html_as_text).then(String::new);
                vec![Event::Start(Tag::HtmlBlock)]
            }
            Event::Html(html) => match html_block.as_mut() {
                Some(block) => {
                    block.push_str(&html);
                    Vec::new()
                }
                None => vec![Event::Html(author_html(rel, out, html, targets, allow_html))],
            },
            Event::End(TagEnd::HtmlBlock) => match html_block.take() {
                Some(block) => {
                    let block = markdown::with_raw_heading_ids(&block, &mut raw_heading_anchors);
                    vec![
                        Event::Html(author_html(rel, out, block.into(), targets, allow_html)),
                        Event::End(TagEnd::HtmlBlock),
                    ]
                }
                None => vec![Event::End(TagEnd::HtmlBlock)],
            },
            Event::InlineHtml(html) => {
                vec![Event::InlineHtml(author_html(rel, out, html, targets, allow_html))]
            }
            other => vec![other],
        }
    });
    pulldown_cmark::html::push_html(&mut html, decorated);
    Body {
        html: ui.finish(html),
        title_anchor,
        html_as_text,
    }
}

/// Whether a document's first heading is a `#` heading that says its
/// title: the front matter `title`, or no `title` (the heading is then the
/// title), compared with spaces collapsed.
pub fn is_title_heading(doc: &crate::document::Document) -> bool {
    let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    doc.body
        .headings
        .first()
        .is_some_and(|h| h.level == 1 && words(&h.text) == words(&doc.title()))
}

const COPY_BUTTON: &str = "<div class=\"code\"><button type=\"button\" class=\"copy\" \
     aria-label=\"Copy code to clipboard\" data-pagefind-ignore=\"\">Copy</button>";

/// A transcript's: it copies the commands alone (`site.js`).
const TRANSCRIPT_COPY_BUTTON: &str = "<div class=\"code transcript\"><button type=\"button\" \
     class=\"copy\" aria-label=\"Copy the commands to clipboard\" \
     data-pagefind-ignore=\"\">Copy</button>";

/// A transcript's code with each line marked: a command line's prompt as
/// `<span class="prompt">` and its command as `<span class="cmd">`, every
/// other line (what the commands printed) as `<span class="out">`. Which
/// lines are commands is `runbook extract`'s rule ([`transcript_commands`]),
/// so the copy button copies what `extract` would run. All text escaped.
fn transcript_html(shown: &str, commands: &[(usize, usize)]) -> String {
    let mut html = String::with_capacity(shown.len() * 2);
    let mut commands = commands.iter().peekable();
    for (i, raw) in shown.split_inclusive('\n').enumerate() {
        let line = without_line_end(raw);
        let end = &raw[line.len()..];
        match commands.next_if(|(at, _)| *at == i) {
            Some(&(_, start)) => {
                let start = Some(start)
                    .filter(|&s| line.is_char_boundary(s))
                    .unwrap_or(0);
                let (prompt, command) = line.split_at(start);
                if !prompt.is_empty() {
                    html.push_str("<span class=\"prompt\">");
                    html.push_str(&html_escape(prompt));
                    html.push_str("</span>");
                }
                html.push_str("<span class=\"cmd\">");
                html.push_str(&html_escape(command));
                html.push_str("</span>");
            }
            None if line.is_empty() => {}
            None => {
                html.push_str("<span class=\"out\">");
                html.push_str(&html_escape(line));
                html.push_str("</span>");
            }
        }
        html.push_str(end);
    }
    html
}

fn permalink(id: &str) -> String {
    let id = html_escape(id);
    format!(
        " <a class=\"permalink\" href=\"#{id}\" aria-label=\"Link to this section\" data-pagefind-ignore=\"\">#</a>"
    )
}

fn alert(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

/// Whether a URL would run script when followed: `javascript:`,
/// `vbscript:` and `data:` (browsers ignore tabs, newlines and case there).
fn script_scheme(url: &str) -> bool {
    let compact: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
        .take(12)
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|s| compact.starts_with(s))
}

/// A link as the rendered page needs it: `.md` targets become the pages
/// they are rendered to and files the site copies become the copies, both
/// relative to this page, `?query` and `#fragment` kept as written.
pub fn rewrite_link(rel: &str, out: &str, dest: &str, targets: &Targets<'_>) -> String {
    if script_scheme(dest) {
        return "#".to_string();
    }
    local_link(rel, out, dest, targets).unwrap_or_else(|| dest.to_string())
}

/// The runbook (its source path) a link leads to, when the site renders
/// it: what a `related:` entry is shown by the title of.
pub fn runbook_of(rel: &str, dest: &str, targets: &Targets<'_>) -> Option<String> {
    let Target::Path { path, .. } = links::classify(dest) else {
        return None;
    };
    if !is_markdown(std::path::Path::new(&path)) {
        return None;
    }
    links::resolve(rel, &path).filter(|t| targets.pages.contains_key(t))
}

/// The new address of a link to a runbook or a copied file; `None` for
/// anything else (web links, fragments, missing files), kept as written.
fn local_link(rel: &str, out: &str, dest: &str, targets: &Targets<'_>) -> Option<String> {
    let Target::Path { path, .. } = links::classify(dest) else {
        return None;
    };
    let resolved = links::resolve(rel, &path);
    let dest = dest.trim();
    let suffix = dest.find(['?', '#']).map_or("", |at| &dest[at..]);
    if !is_markdown(std::path::Path::new(&path)) {
        if let Some(page) = resolved
            .as_deref()
            .and_then(|dir| folder_page(dir, targets))
        {
            return Some(format!(
                "{}{suffix}",
                encode_path(&links::relative_link(out, page))
            ));
        }
        // A folder without a README: its section of the index, where its
        // runbooks are listed (the site has no page for the folder); one
        // with no runbook has no section, so the index itself.
        let folder = resolved.as_ref().filter(|r| targets.folders.contains(*r));
        if let Some(folder) = folder {
            return Some(format!(
                "{}#{}",
                encode_path(&links::relative_link(out, "index.html")),
                super::pages::folder_anchor(folder)
            ));
        }
        if path.ends_with('/') {
            return Some(encode_path(&links::relative_link(out, "index.html")));
        }
        let copied = targets.assets.get(resolved.as_ref()?)?;
        return Some(format!(
            "{}{suffix}",
            encode_path(&links::relative_link(out, copied))
        ));
    }
    // A Markdown file the site renders no page for, copied as it is.
    if let Some(copied) = resolved
        .as_ref()
        .filter(|r| !targets.pages.contains_key(*r))
        .and_then(|r| targets.assets.get(r))
    {
        return Some(format!(
            "{}{suffix}",
            encode_path(&links::relative_link(out, copied))
        ));
    }
    let fragment = dest.split_once('#').map(|(_, f)| f);
    let mut href = match resolved.and_then(|t| targets.pages.get(&t)) {
        Some(target) => encode_path(&links::relative_link(out, target)),
        // Not a runbook we render (the linter reports it): keep the path,
        // with the extension pages get.
        None => {
            let written = dest.split(['#', '?']).next().unwrap_or(dest);
            let stem = written
                .rsplit_once('.')
                .map(|(stem, _)| stem)
                .unwrap_or(written);
            format!("{stem}.html")
        }
    };
    if let Some(fragment) = fragment {
        href.push('#');
        href.push_str(fragment);
    }
    Some(href)
}

/// The page of a folder's `README.md` (or `index.md`): what GitHub shows
/// for a link to the folder, which the site has no page for.
fn folder_page<'a>(dir: &str, targets: &Targets<'a>) -> Option<&'a String> {
    let dir = dir.trim_end_matches('/');
    crate::workspace::FOLDER_PAGES.iter().find_map(|name| {
        let rel = if dir.is_empty() {
            name.to_string()
        } else {
            format!("{dir}/{name}")
        };
        targets.pages.get(&rel)
    })
}

/// Raw HTML as the page takes it: its links rewritten ([`rewrite_html`]),
/// and, unless `allow-html` trusts it, with the tags that would swallow
/// the rest of the page escaped ([`sanitize::filter`]).
fn author_html(
    rel: &str,
    out: &str,
    html: CowStr<'static>,
    targets: &Targets<'_>,
    allow_html: bool,
) -> CowStr<'static> {
    let html = rewrite_html(rel, out, html, targets);
    if allow_html {
        return html;
    }
    match sanitize::filter(&html) {
        std::borrow::Cow::Borrowed(_) => html,
        std::borrow::Cow::Owned(filtered) => filtered.into(),
    }
}

/// `href` and `src` attributes of raw HTML, as the linter finds them.
static HTML_LINK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i)(\b(?:href|src)\s*=\s*)(?:"([^"]*)"|'([^']*)')"#).unwrap());

/// Raw HTML with its links to runbooks and copied files rewritten like
/// Markdown links. Anything else is left as written: the sanitizer, when it
/// runs, decides about the rest.
fn rewrite_html(
    rel: &str,
    out: &str,
    html: CowStr<'static>,
    targets: &Targets<'_>,
) -> CowStr<'static> {
    if !html.contains('=') || !HTML_LINK.is_match(&html) {
        return html;
    }
    HTML_LINK
        .replace_all(&html, |caps: &regex::Captures<'_>| {
            let (value, quote) = match caps.get(2) {
                Some(v) => (v.as_str(), '"'),
                None => (caps.get(3).map_or("", |v| v.as_str()), '\''),
            };
            // Entities would need decoding first; such links stay as written.
            match local_link(rel, out, value, targets).filter(|_| !value.contains('&')) {
                Some(new) => format!("{}{quote}{new}{quote}", &caps[1]),
                None => caps[0].to_string(),
            }
        })
        .into_owned()
        .into()
}

/// Percent-encodes a `/`-separated relative path for an `href`.
pub fn encode_path(path: &str) -> String {
    use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
    const SEGMENT: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'%')
        .add(b'<')
        .add(b'>')
        .add(b'?')
        .add(b'`')
        .add(b'{')
        .add(b'}')
        .add(b'\\')
        .add(b'^')
        .add(b'|')
        .add(b'[')
        .add(b']')
        .add(b'\'');
    path.split('/')
        .map(|part| utf8_percent_encode(part, SEGMENT).to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// `text` without the backslash of mdBook's escape, if it has one.
fn unescaped(text: CowStr<'static>) -> CowStr<'static> {
    match include::unescape(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(s) => s.into(),
    }
}

/// Plain text (a finding's message or help, which quote the user's files)
/// as HTML: everything escaped, and Markdown code spans (`` `x` ``, a run
/// of backticks closed by a run as long) as `<code>`. A backtick left
/// unclosed shows as written.
pub fn code_spans(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(open) = rest.find('`') {
        out.push_str(&html_escape(&rest[..open]));
        let run = rest[open..].bytes().take_while(|&b| b == b'`').count();
        let inner_start = open + run;
        match closing_run(&rest[inner_start..], run) {
            Some(at) => {
                let code = &rest[inner_start..inner_start + at];
                out.push_str("<code>");
                out.push_str(&html_escape(code));
                out.push_str("</code>");
                rest = &rest[inner_start + at + run..];
            }
            None => {
                out.push_str(&rest[open..inner_start]);
                rest = &rest[inner_start..];
            }
        }
    }
    out.push_str(&html_escape(rest));
    out
}

/// Where a run of exactly `run` backticks starts in `text`, if one does.
fn closing_run(text: &str, run: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'`' {
            let n = bytes[i..].iter().take_while(|&&b| b == b'`').count();
            if n == run {
                return Some(i);
            }
            i += n;
        } else {
            i += 1;
        }
    }
    None
}

/// Footnotes with ids of their own, `fn:label` and `fnref:label` as
/// GitHub's `fn-label`: pulldown-cmark gives a definition the bare label
/// (`id="note"`), which is also the anchor of a heading `## Note`, and
/// no way back to where it was referenced.
#[derive(Default)]
struct Footnotes {
    /// Each label's number, in the order first met, as pulldown-cmark
    /// numbers them.
    numbers: HashMap<String, usize>,
    /// Every label the page references: only those get a back link.
    cited: HashSet<String>,
    referenced: HashSet<String>,
    /// The definition being rendered: its back link closes it.
    open: Option<(String, usize)>,
}

impl Footnotes {
    fn citing(events: &[Event]) -> Footnotes {
        let cited = events
            .iter()
            .filter_map(|e| match e {
                Event::FootnoteReference(label) => Some(label.to_string()),
                _ => None,
            })
            .collect();
        Footnotes {
            cited,
            ..Footnotes::default()
        }
    }

    fn number(&mut self, label: &str) -> usize {
        let next = self.numbers.len() + 1;
        *self.numbers.entry(label.to_string()).or_insert(next)
    }

    /// A reference; the first to a label is where the back link returns.
    fn reference(&mut self, label: &str) -> String {
        let n = self.number(label);
        let id = footnote_id(label);
        let anchor = if self.referenced.insert(label.to_string()) {
            format!(" id=\"fnref:{id}\"")
        } else {
            String::new()
        };
        format!("<sup class=\"footnote-reference\"><a href=\"#fn:{id}\"{anchor}>{n}</a></sup>")
    }

    fn definition(&mut self, label: &str) -> String {
        let n = self.number(label);
        let id = footnote_id(label);
        self.open = Some((label.to_string(), n));
        format!(
            "<div class=\"footnote-definition\" id=\"fn:{id}\"><sup class=\"footnote-definition-label\">{n}</sup>"
        )
    }

    /// Closes the definition, with a link back to its first reference if
    /// the page has one.
    fn end_of_definition(&mut self) -> String {
        match self.open.take() {
            Some((label, n)) if self.cited.contains(&label) => format!(
                "<a class=\"footnote-back\" href=\"#fnref:{}\" aria-label=\"Back to reference {n}\">↩</a></div>\n",
                footnote_id(&label)
            ),
            _ => "</div>\n".to_string(),
        }
    }
}

/// A footnote label as an id: escaped, and without the spaces an id cannot
/// hold.
fn footnote_id(label: &str) -> String {
    html_escape(&label.split_whitespace().collect::<Vec<_>>().join("-"))
}

pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Aliases;
    use crate::document::Document;

    fn render(rel: &str, text: &str, allow_html: bool) -> Body {
        let mut events = Vec::new();
        let doc = Document::parse_with(
            rel.into(),
            rel.into(),
            text.as_bytes().to_vec(),
            &Aliases::default(),
            Some(&mut |_: &Document, e: Event<'_>| events.push(e.into_static())),
        );
        let pages = PageMap::from([
            ("ops/deploy.md".to_string(), "ops/deploy.html".to_string()),
            ("db/restore.md".to_string(), "db/restore.html".to_string()),
            ("ops/README.md".to_string(), "ops/README.html".to_string()),
        ]);
        let assets = AssetMap::from([
            ("db/img/flow.png".to_string(), "db/img/flow.png".to_string()),
            (
                "assets/logo.svg".to_string(),
                "assets-1/logo.svg".to_string(),
            ),
        ]);
        let targets = Targets {
            pages: &pages,
            folders: &folders_of(&pages),
            assets: &assets,
        };
        body(
            rel,
            &rel.replace(".md", ".html"),
            is_title_heading(&doc),
            events,
            &doc.body,
            &targets,
            allow_html,
        )
    }

    #[test]
    fn code_spans_become_code_and_everything_else_is_escaped() {
        assert_eq!(
            code_spans("set `last_reviewed: 2026-12-07` then <b>&'\"</b>"),
            "set <code>last_reviewed: 2026-12-07</code> then &lt;b&gt;&amp;&#39;&quot;&lt;/b&gt;"
        );
        assert_eq!(
            code_spans("placeholder `<backup-id>` and ``a ` b``"),
            "placeholder <code>&lt;backup-id&gt;</code> and <code>a ` b</code>"
        );
        // Unclosed or unmatched runs show as written, still escaped.
        assert_eq!(code_spans("a ` <x>"), "a ` &lt;x&gt;");
        assert_eq!(code_spans("``a` <i>"), "``a` &lt;i&gt;");
        assert_eq!(code_spans("`<script>`x`"), "<code>&lt;script&gt;</code>x`");
        assert_eq!(code_spans(""), "");
    }

    /// A transcript's lines are marked by `extract`'s rule: prompts,
    /// commands (with their `\` and `> ` continuations), output; a block of
    /// plain commands is not a transcript (audit 9, M2).
    #[test]
    fn transcripts_mark_prompts_commands_and_output() {
        let text = "```console\n$ kubectl get pods -n <ns>\nNAME  READY\nweb-1 1/1\n$ kubectl rollout \\\n  restart deploy/web\ndeployment.apps/web restarted\n\n$ cat <<EOF\n> x & y\n> EOF\n```\n\n```bash\n$ ls\nfile\n```\n\n```bash\nls\n# $ not a prompt\n```\n";
        for allow_html in [false, true] {
            let b = render("a.md", &format!("{text}\n<b>raw</b>\n"), allow_html);
            let want = "<div class=\"code transcript\"><button type=\"button\" class=\"copy\" aria-label=\"Copy the commands to clipboard\" data-pagefind-ignore=\"\">Copy</button>\n<pre><code class=\"language-console\">\
<span class=\"prompt\">$ </span><span class=\"cmd\">kubectl get pods -n &lt;ns&gt;</span>\n\
<span class=\"out\">NAME  READY</span>\n\
<span class=\"out\">web-1 1/1</span>\n\
<span class=\"prompt\">$ </span><span class=\"cmd\">kubectl rollout \\</span>\n\
<span class=\"cmd\">  restart deploy/web</span>\n\
<span class=\"out\">deployment.apps/web restarted</span>\n\
\n\
<span class=\"prompt\">$ </span><span class=\"cmd\">cat &lt;&lt;EOF</span>\n\
<span class=\"prompt\">&gt; </span><span class=\"cmd\">x &amp; y</span>\n\
<span class=\"prompt\">&gt; </span><span class=\"cmd\">EOF</span>\n\
</code></pre>";
            assert!(b.html.contains(want), "{}", b.html);
            // A bash block written as a transcript is one too.
            assert!(
                b.html.contains("<span class=\"prompt\">$ </span><span class=\"cmd\">ls</span>\n<span class=\"out\">file</span>\n"),
                "{}",
                b.html
            );
            // Plain commands: one copy button of the usual kind, code as is.
            assert!(
                b.html.contains("<div class=\"code\"><button type=\"button\" class=\"copy\" aria-label=\"Copy code to clipboard\" data-pagefind-ignore=\"\">Copy</button>\n<pre><code class=\"language-bash\">ls\n# $ not a prompt\n</code></pre>"),
                "{}",
                b.html
            );
        }
    }

    #[test]
    fn md_links_in_raw_html_point_at_pages_sanitized_or_not() {
        let text = "<p><a href=\"../ops/deploy.md#roll-back\">deploy</a> <a href='restore.md#top'>self</a> <a href=\"https://x.io/a.md\">web</a></p>\n\nInline <a href=\"/ops/deploy.md\">root</a>.\n";
        for allow_html in [false, true] {
            let b = render("db/restore.md", text, allow_html);
            for want in [
                r##"href="../ops/deploy.html#roll-back""##,
                "restore.html#top",
                r#"href="https://x.io/a.md""#,
                r#"Inline <a href="../ops/deploy.html""#,
            ] {
                assert!(b.html.contains(want), "{want} in {}", b.html);
            }
        }
    }

    #[test]
    fn links_to_copied_files_point_at_the_copies() {
        let text = "![flow](img/flow.png \"Flow\") ![logo](/assets/logo.svg?v=2) ![gone](img/gone.png)\n\n<img src=\"../assets/logo.svg\" alt=\"logo\">\n";
        let b = render("db/restore.md", text, false);
        for want in [
            r#"src="img/flow.png""#,
            r#"src="../assets-1/logo.svg?v=2""#,
            r#"src="img/gone.png""#,
            r#"<img src="../assets-1/logo.svg" alt="logo">"#,
        ] {
            assert!(b.html.contains(want), "{want} in {}", b.html);
        }
    }

    #[test]
    fn md_links_point_at_pages_with_fragments() {
        let b = render(
            "db/restore.md",
            "See [deploy](../ops/deploy.md#roll-back) and [gone](gone.md#x) and [web](https://x.io/a.md).\n",
            false,
        );
        assert!(
            b.html.contains(r##"href="../ops/deploy.html#roll-back""##),
            "{}",
            b.html
        );
        assert!(b.html.contains(r##"href="gone.html#x""##), "{}", b.html);
        assert!(b.html.contains(r#"href="https://x.io/a.md""#), "{}", b.html);
    }

    #[test]
    fn headings_get_permalinks_not_attributes() {
        let b = render(
            "a.md",
            "# Title\n\n## Roll back {onclick=alert(1) .x}\n\ntext\n",
            false,
        );
        assert_eq!(b.title_anchor.as_deref(), Some("title"));
        assert!(!b.html.contains("<h1"), "{}", b.html);
        // GitHub has no heading attributes: the braces are text, as there.
        assert!(!b.html.contains(" onclick"), "{}", b.html);
        assert!(
            b.html.contains(
                r##"<h2 id="roll-back-onclickalert1-x">Roll back {onclick=alert(1) .x} <a class="permalink" href="#roll-back-onclickalert1-x""##
            ),
            "{}",
            b.html
        );
    }

    /// A leading `#` heading is dropped only when it says the title; one
    /// that says something else stays in the body with its id and text
    /// (audit 9, L7).
    #[test]
    fn a_first_heading_unlike_the_title_stays() {
        let same = render(
            "a.md",
            "---\ntitle: Restore  the DB\n---\n# Restore the DB\n\ntext\n",
            false,
        );
        assert_eq!(same.title_anchor.as_deref(), Some("restore-the-db"));
        assert!(!same.html.contains("<h1"), "{}", same.html);
        let differs = render(
            "a.md",
            "---\ntitle: Page A title\n---\n# Body heading *differs*\n\ntext\n",
            false,
        );
        assert_eq!(differs.title_anchor, None);
        assert!(
            differs.html.starts_with(
                "<h1 id=\"body-heading-differs\">Body heading <em>differs</em> <a class=\"permalink\" href=\"#body-heading-differs\""
            ),
            "{}",
            differs.html
        );
    }

    #[test]
    fn an_explicit_id_is_escaped_in_the_permalink() {
        let b = render("a.md", "# T\n\n## Step {#a&b'c}\n\ntext\n", false);
        assert!(
            b.html.contains(
                r##"id="a&amp;b&#39;c">Step <a class="permalink" href="#a&amp;b&#39;c""##
            ),
            "{}",
            b.html
        );
    }

    #[test]
    fn raw_html_is_sanitized_unless_allowed() {
        let text = "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)> [x](javascript:alert(3))\n\n| a |\n|:-:|\n| b |\n\n- [x] done\n\n```sh\nls\n```\n";
        let b = render("a.md", text, false);
        for bad in ["<script", "onerror", "javascript:"] {
            assert!(!b.html.contains(bad), "{bad} in {}", b.html);
        }
        assert!(b.html.contains("text-align"), "{}", b.html);
        assert!(
            b.html.contains(r#"checked="" aria-label="done""#),
            "{}",
            b.html
        );
        assert!(b.html.contains(r#"class="copy""#), "{}", b.html);
        let allowed = render("a.md", text, true);
        assert!(allowed.html.contains("<script>alert(1)</script>"));
    }

    /// A link to a raw HTML heading (`#contacts`, `#setup-1`) lands on it,
    /// as lint and GitHub have it: the heading carries its anchor, sanitized
    /// or not; one with an `id` of its own keeps it and gets the anchor too.
    #[test]
    fn raw_html_headings_carry_their_anchors() {
        let text = "## Setup\n\n<h2 align=\"center\">Setup</h2>\n\n<div>\n<h3>Emergency <em>contacts</em></h3>\n<!-- <h2>Hidden</h2> -->\n<h4 id=\"own\">Own id</h4>\n<h4 id=\"same\">Same</h4>\n</div>\n\n> <h5>Quoted</h5>\n";
        for allow_html in [false, true] {
            let b = render("db/restore.md", text, allow_html);
            for want in [
                r#" id="setup-1">Setup</h2>"#,
                r#"<h3 id="emergency-contacts">Emergency <em>contacts</em></h3>"#,
                r#"<h4 id="own"><span id="own-id"></span>Own id</h4>"#,
                r#"<h4 id="same">Same</h4>"#,
                r#"<h5 id="quoted">Quoted</h5>"#,
            ] {
                assert!(b.html.contains(want), "{want} in {}", b.html);
            }
            assert!(!b.html.contains("id=\"hidden\""), "{}", b.html);
        }
    }

    /// GitHub's alerts show with their title, not as a quote that starts
    /// `[!WARNING]`; a plain quote stays a quote; raw HTML or not.
    #[test]
    fn alerts_show_their_kind() {
        let text = "> [!WARNING]\n> Empties the cache.\n\n> [!caution]\n> Deletes data.\n\n> Just a quote.\n\n<b>raw</b>\n";
        for allow_html in [false, true] {
            let b = render("db/restore.md", text, allow_html);
            for want in [
                "<blockquote class=\"alert alert-warning\">\n<p class=\"alert-title\">Warning</p>\n<p>Empties the cache.</p>\n</blockquote>",
                "<blockquote class=\"alert alert-caution\">\n<p class=\"alert-title\">Caution</p>\n<p>Deletes data.</p>\n</blockquote>",
                "<blockquote>\n<p>Just a quote.</p>\n</blockquote>",
            ] {
                assert!(b.html.contains(want), "{want} in {}", b.html);
            }
            assert!(!b.html.contains("[!"), "{}", b.html);
        }
    }

    /// A link to a folder goes to its README's page, as on GitHub; a folder
    /// without one to its section of the index.
    #[test]
    fn folder_links_lead_to_the_readme_page() {
        let b = render(
            "db/restore.md",
            "[ops](../ops/) [ops](../ops#intro) [db](./) <a href=\"../ops\">raw</a> [db](../db) [img](img) [empty](../empty/)\n",
            true,
        );
        assert!(
            b.html.contains(r#"href="../ops/README.html""#),
            "{}",
            b.html
        );
        assert!(
            b.html.contains(r#"href="../ops/README.html#intro""#),
            "{}",
            b.html
        );
        assert!(
            b.html.contains(r#"href="../index.html#rb:folder:db""#),
            "{}",
            b.html
        );
        assert!(
            b.html.contains(r#"<a href="../ops/README.html">raw</a>"#),
            "{}",
            b.html
        );
        // Without the slash too, when the folder holds runbooks; a folder
        // of other files is left as written.
        assert_eq!(
            b.html
                .matches(r#"href="../index.html#rb:folder:db""#)
                .count(),
            2,
            "{}",
            b.html
        );
        assert!(b.html.contains(r#"href="img""#), "{}", b.html);
        // A folder with no runbook has no section: the index itself.
        assert!(
            b.html.contains(r#"<a href="../index.html">empty</a>"#),
            "{}",
            b.html
        );
    }

    /// An id written by hand is never handed out again: the page has no two
    /// elements with one id.
    #[test]
    fn auto_ids_step_around_ids_written_by_hand() {
        let b = render(
            "a.md",
            "# T\n\n## Rollback {#rollback}\n\n## Rollback\n",
            false,
        );
        assert!(b.html.contains(r#"id="rollback""#), "{}", b.html);
        assert!(b.html.contains(r#"id="rollback-1""#), "{}", b.html);
    }
}
