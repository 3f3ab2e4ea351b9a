//! The Markdown body in one pulldown-cmark pass: headings with their anchors,
//! links of every form, fenced code blocks, HTML comments, and the constructs
//! that do not mean what their author thinks.
//!
//! The pass can hand every event on to a sink (the site's HTML writer), so a
//! page is parsed once whether it is linted, rendered or both.

use std::ops::Range;
use std::sync::LazyLock;

use pulldown_cmark::{
    BrokenLink, CodeBlockKind, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd,
};
use regex::Regex;
use rustc_hash::FxHashMap;

use super::include::Include;
use super::lines::{LineIndex, Span};
use super::slug::{SlugCounter, slugify};

/// The CommonMark extensions runbooks use; the renderer enables the same.
/// `ENABLE_GFM` reads GitHub's alerts (`> [!WARNING]`), which the site
/// shows as GitHub does rather than as a quote starting `[!WARNING]`.
pub fn options() -> Options {
    Options::ENABLE_GFM
        | Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

#[derive(Clone, Debug)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    /// The id the page gives this heading: `{#explicit}` or the GitHub slug.
    pub anchor: String,
    pub span: Span,
    /// Whether anything but headings follows before the next heading of the
    /// same or a higher level.
    pub has_content: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkKind {
    Inline,
    Reference,
    Autolink,
    Image,
    Html,
    FrontMatter,
}

#[derive(Clone, Debug)]
pub struct Link {
    pub kind: LinkKind,
    pub target: String,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct CodeBlock {
    /// The whole info string, e.g. `bash {name=restore skip}`.
    pub info: String,
    /// Its first word, lowercased: `bash`.
    pub lang: String,
    /// The code, with any list indentation removed.
    pub code: String,
    /// The opening fence.
    pub fence: Span,
    /// 1-based line of the first line of code.
    pub first_line: usize,
    /// How many lines of code it holds (`code.lines().count()`, counted
    /// once: asked for every line of the page, counting it each time made
    /// a block of 100,000 lines take minutes).
    pub line_count: usize,
    /// Byte range of the whole block, fences included.
    pub range: Range<usize>,
    /// Indexes into `headings` of the headings this block sits under, outermost first.
    pub heading_path: Vec<usize>,
    /// Whether the fence is closed before the end of the file.
    pub closed: bool,
    /// Its `{{#include ...}}` directives, in order ([`super::include`]).
    pub includes: Vec<Include>,
}

#[derive(Clone, Debug)]
pub struct Comment {
    /// Text between `<!--` and `-->`, trimmed.
    pub text: String,
    pub span: Span,
}

/// `[text][label]` or `[^label]` whose label nothing defines: the page
/// shows the brackets as text.
#[derive(Clone, Debug)]
pub struct UndefinedReference {
    pub label: String,
    pub span: Span,
    /// A footnote (`[^label]`, `label` without the `^`) rather than a link.
    pub footnote: bool,
}

/// `[[page]]` or `[[page|text]]`: a wiki's link, which CommonMark (and so
/// GitHub and the site) shows as text.
#[derive(Clone, Debug)]
pub struct WikiLink {
    /// What is between the double brackets.
    pub inner: String,
    pub span: Span,
}

#[derive(Clone, Debug, Default)]
pub struct Body {
    pub headings: Vec<Heading>,
    pub links: Vec<Link>,
    pub code_blocks: Vec<CodeBlock>,
    /// The 1-based lines of each indented code block, in file order: no
    /// step (it has no language) but code all the same, not prose.
    pub indented_code: Vec<Range<usize>>,
    pub comments: Vec<Comment>,
    pub undefined_references: Vec<UndefinedReference>,
    pub wiki_links: Vec<WikiLink>,
    /// Lines like `##Heading` that CommonMark reads as a paragraph.
    pub headings_without_space: Vec<Span>,
    /// `id`/`name` attributes written in raw HTML, and the anchors of raw
    /// HTML headings: anchors links may target.
    pub html_anchors: Vec<HtmlAnchor>,
    /// The anchor of each raw HTML heading of an HTML block, in file order:
    /// the id the site gives it.
    pub raw_heading_anchors: Vec<String>,
    /// `{{#include ...}}` on a line of its own outside fenced blocks: mdBook
    /// inserts the file's Markdown there, runbook shows the line as written.
    pub prose_includes: Vec<Span>,
}

#[derive(Clone, Debug)]
pub struct HtmlAnchor {
    pub id: String,
    /// The attribute, `id="x"`.
    pub span: Span,
}

impl Body {
    /// Every anchor a `#fragment` can name on this page.
    pub fn has_anchor(&self, fragment: &str) -> bool {
        self.headings.iter().any(|h| h.anchor == fragment)
            || self.html_anchors.iter().any(|a| a.id == fragment)
    }

    /// Whether a 1-based line is inside a code block: a fenced one, fences
    /// included, or an indented one. Blocks follow one another in the file,
    /// so only the last one opened at or before the line can hold it: a
    /// binary search, since rules ask this of every line of a page that may
    /// hold hundreds of thousands of blocks.
    pub fn in_code(&self, line: usize) -> bool {
        let opened = self
            .code_blocks
            .partition_point(|b| b.fence.start.line <= line);
        let fenced = opened > 0 && {
            let b = &self.code_blocks[opened - 1];
            line <= b.first_line + b.line_count
        };
        let opened = self.indented_code.partition_point(|l| l.start <= line);
        fenced || (opened > 0 && self.indented_code[opened - 1].contains(&line))
    }

    /// Headings from the outermost to the one a block or line sits under.
    pub fn heading_path(&self, path: &[usize]) -> Vec<&Heading> {
        path.iter().map(|&i| &self.headings[i]).collect()
    }
}

/// An HTML open tag as CommonMark reads one (its name, then its
/// attributes): `href=` in the text between tags (`<code>href="x"</code>`)
/// is no link.
static HTML_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"<([A-Za-z][A-Za-z0-9-]*)((?:\s+[A-Za-z_:][A-Za-z0-9_.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?)*)\s*/?>"#,
    )
    .unwrap()
});
/// One attribute of a tag, its value quoted or not (`href=x.md`).
static HTML_ATTRIBUTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"\s([A-Za-z_:][A-Za-z0-9_.:-]*)(?:\s*=\s*(?:([^\s"'=<>`]+)|'([^']*)'|"([^"]*)"))?"#,
    )
    .unwrap()
});
static HTML_COMMENT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?s)<!--(.*?)-->").unwrap());

/// Parses `text[body_start..]`, reporting positions in the whole file's
/// coordinates. Each event, heading ids filled in, also goes to `sink`.
pub fn parse<'a>(
    text: &'a str,
    body_start: usize,
    index: &LineIndex,
    mut sink: Option<&mut dyn FnMut(Event<'a>)>,
) -> Body {
    let source = &text[body_start..];
    let span =
        |range: Range<usize>| index.span(text, range.start + body_start..range.end + body_start);
    let mut body = Body::default();
    let mut broken: Vec<(Range<usize>, String)> = Vec::new();
    let mut wiki: Vec<(Range<usize>, String)> = Vec::new();
    let mut footnotes: Vec<(Range<usize>, String)> = Vec::new();
    // Front matter the document did not read (TOML's `+++`, or `---` left
    // as text) is still no page text: its `[[table]]` is no wiki link.
    let front_matter_end = if body_start == 0 {
        unread_front_matter(source)
    } else {
        0
    };
    let on_broken = |link: BrokenLink<'a>| {
        match link.link_type {
            LinkType::Reference | LinkType::Collapsed => {
                broken.push((link.span.clone(), link.reference.to_string()))
            }
            LinkType::Shortcut if link.span.start >= front_matter_end => {
                if let Some(range) = wiki_brackets(source, link.span.clone()) {
                    wiki.push((range, link.reference.to_string()));
                }
            }
            _ => {}
        }
        None
    };
    let parser = Parser::new_with_broken_link_callback(source, options(), Some(on_broken));

    let mut slugs = SlugCounter::default();
    let mut open_headings: Vec<usize> = Vec::new();
    // The heading being read: where it starts and its `{#explicit}` id.
    let mut heading: Option<(Range<usize>, Option<CowStr<'a>>)> = None;
    let mut heading_text = String::new();
    // Where the heading's last inline ends, and how deep in images it is:
    // an image's alt text is no part of GitHub's anchor.
    let mut heading_inline_end = 0;
    let mut heading_images = 0usize;
    // Where in `heading_text` footnote numbers are: in the anchor, not the text.
    let mut heading_footnotes: Vec<Range<usize>> = Vec::new();
    // Each footnote's number, by its label: its place in the order of first
    // references, as GitHub and the site number them.
    let mut footnote_numbers: FxHashMap<String, usize> = FxHashMap::default();
    // With a sink, a heading's events wait here until its text, and so its
    // anchor, is known; without one there is nothing to hold back.
    let mut heading_events: Vec<Event<'a>> = Vec::new();
    // A raw HTML block's text, and where each of its pieces starts in it
    // and in the body.
    let mut html_block = String::new();
    let mut html_pieces: Vec<(usize, usize)> = Vec::new();
    // Where, in the body, `##x` would be no heading with a space either: raw HTML
    // blocks (a commented-out section), tables (a row is a row), inline
    // content over several lines, and lines that continue a paragraph.
    let mut no_heading: Vec<Range<usize>> = Vec::new();
    // Where the line after the last line break inside a paragraph or a
    // heading starts.
    let mut line_break = usize::MAX;
    let mut in_code = false;
    // Where the code of the open fenced block ends so far.
    let mut code_end = 0;
    let emit = |event: Event<'a>, sink: &mut Option<&mut dyn FnMut(Event<'a>)>| {
        if let Some(sink) = sink.as_mut() {
            sink(event);
        }
    };

    for (event, range) in parser.into_offset_iter() {
        if heading.is_some() {
            match &event {
                Event::End(TagEnd::Heading(level)) => {
                    let level = *level as u8;
                    let (start_range, explicit) = heading.take().unwrap();
                    let restored = match explicit {
                        Some(_) => None,
                        None => not_attributes(
                            source,
                            start_range.clone(),
                            (heading_inline_end > start_range.start).then_some(heading_inline_end),
                        ),
                    };
                    if let Some(tail) = restored {
                        heading_text.push_str(tail);
                    }
                    let anchor = match explicit {
                        Some(id) => {
                            slugs.claim(&id);
                            id.into_string()
                        }
                        None => slugs.unique(slugify(&heading_text)),
                    };
                    open_headings.retain(|&i| body.headings[i].level < level);
                    open_headings.push(body.headings.len());
                    if sink.is_some() {
                        if let Some(Event::Start(Tag::Heading {
                            id, classes, attrs, ..
                        })) = heading_events.first_mut()
                        {
                            *id = Some(CowStr::from(anchor.clone()));
                            if restored.is_some() {
                                classes.clear();
                                attrs.clear();
                            }
                        }
                        if let Some(tail) = restored {
                            heading_events.push(Event::Text(CowStr::Borrowed(tail)));
                        }
                        for e in heading_events.drain(..) {
                            emit(e, &mut sink);
                        }
                        emit(event, &mut sink);
                    }
                    for number in heading_footnotes.drain(..).rev() {
                        heading_text.replace_range(number, "");
                    }
                    let mut text = heading_text.trim().replace('\n', " ");
                    if text.contains(NO_TEXT) {
                        text = text.replace(NO_TEXT, "").trim().to_string();
                    }
                    body.headings.push(Heading {
                        level,
                        text,
                        anchor,
                        span: span(start_range),
                        has_content: false,
                    });
                    heading_text.clear();
                    heading_images = 0;
                }
                Event::Text(t) | Event::Code(t) => {
                    if heading_images == 0 {
                        heading_text.push_str(t);
                    }
                    if continues_line(source, line_break, range.start, t) {
                        exclude(&mut no_heading, range.clone());
                    }
                    if t.as_ref() == "[" {
                        footnotes.extend(undefined_footnote(source, range.start));
                    }
                    heading_inline_end = range.end;
                    if sink.is_some() {
                        heading_events.push(event);
                    }
                }
                // A setext heading written over two lines: GitHub's anchor
                // drops the line break, its text reads it as a space.
                Event::SoftBreak | Event::HardBreak => {
                    heading_text.push('\n');
                    line_break = range.end;
                    if sink.is_some() {
                        heading_events.push(event);
                    }
                }
                _ => {
                    match &event {
                        Event::Start(Tag::Image { .. }) => {
                            if heading_images == 0 {
                                heading_text.push(NO_TEXT);
                            }
                            heading_images += 1;
                        }
                        Event::End(TagEnd::Image) => heading_images -= 1,
                        // An `<img>`, a comment, any tag: GitHub's anchor
                        // keeps the space next to it, as next to an image.
                        Event::InlineHtml(_) if heading_images == 0 => heading_text.push(NO_TEXT),
                        // GitHub shows the footnote's number, and so its anchor has it.
                        Event::FootnoteReference(label) if heading_images == 0 => {
                            let number = footnote_number(&mut footnote_numbers, label);
                            let at = heading_text.len();
                            heading_text.push_str(&number.to_string());
                            heading_footnotes.push(at..heading_text.len());
                        }
                        Event::FootnoteReference(label) => {
                            footnote_number(&mut footnote_numbers, label);
                        }
                        _ => {}
                    }
                    heading_inline_end = range.end;
                    collect_inline(&event, range, &mut body, &span);
                    if sink.is_some() {
                        heading_events.push(event);
                    }
                }
            }
            continue;
        }

        match &event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                let level = *level as u8;
                open_headings.retain(|&i| body.headings[i].level < level);
                heading = Some((range, id.clone()));
                if sink.is_some() {
                    heading_events.push(event);
                }
                continue;
            }
            Event::Start(
                Tag::Paragraph
                | Tag::List(_)
                | Tag::CodeBlock(_)
                | Tag::Table(_)
                | Tag::BlockQuote(_)
                | Tag::FootnoteDefinition(_),
            )
            | Event::Rule => {
                for &i in &open_headings {
                    body.headings[i].has_content = true;
                }
            }
            _ => {}
        }

        match &event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                in_code = true;
                let fence = span(range.start..range.start);
                body.code_blocks.push(CodeBlock {
                    info: info.trim().to_string(),
                    lang: info_lang(info),
                    // The code is at most the block: one allocation, not one per line.
                    code: String::with_capacity(range.len()),
                    fence,
                    first_line: fence.start.line + 1,
                    line_count: 0,
                    range: range.start + body_start..range.end + body_start,
                    heading_path: open_headings.clone(),
                    closed: true,
                    includes: Vec::new(),
                });
                code_end = memchr::memchr(b'\n', &source.as_bytes()[range.clone()])
                    .map_or(range.end, |n| range.start + n + 1);
            }
            Event::Text(t) if in_code => {
                if let Some(block) = body.code_blocks.last_mut() {
                    block.code.push_str(t);
                }
                code_end = range.end;
            }
            // Fenced code is read above, and an indented block's text comes
            // as whole lines: a lone `[` is never code.
            Event::Text(t) if t.as_ref() == "[" => {
                footnotes.extend(undefined_footnote(source, range.start));
            }
            Event::Text(t) if continues_line(source, line_break, range.start, t) => {
                exclude(&mut no_heading, range.clone());
            }
            Event::SoftBreak | Event::HardBreak => line_break = range.end,
            Event::FootnoteReference(label) => {
                footnote_number(&mut footnote_numbers, label);
            }
            Event::Start(Tag::Table(_)) => {
                exclude(&mut no_heading, range.clone());
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)) => {
                let line = |offset: usize| index.line_of(offset + body_start) + 1;
                let last = line(range.end.saturating_sub(1).max(range.start));
                body.indented_code.push(line(range.start)..last + 1);
            }
            Event::End(TagEnd::CodeBlock) if in_code => {
                in_code = false;
                if let Some(block) = body.code_blocks.last_mut() {
                    let code = block.code.as_bytes();
                    block.line_count = memchr::memchr_iter(b'\n', code).count()
                        + usize::from(code.last().is_some_and(|&b| b != b'\n'));
                    // Only a block reaching the end of the file can be left open.
                    if range.end == source.len() {
                        block.closed = fence_is_closed(&source[code_end.min(range.end)..range.end]);
                    }
                }
            }
            Event::Start(Tag::HtmlBlock) => {
                html_block.clear();
                html_pieces.clear();
            }
            Event::Html(t) => {
                html_pieces.push((html_block.len(), range.start));
                html_block.push_str(t);
            }
            Event::End(TagEnd::HtmlBlock) => {
                let at = |o: usize| {
                    let piece = html_pieces.partition_point(|p| p.0 <= o).max(1) - 1;
                    html_pieces
                        .get(piece)
                        .map_or(range.start + o, |&(from, to)| to + o - from)
                };
                html_headings(&html_block, &at, &mut slugs, &mut body, &span);
                html_attributes(&html_block, &at, &mut body, &span);
                html_comments(&html_block, &at, &mut body, &span);
                if !renders_nothing(&html_block) {
                    for &i in &open_headings {
                        body.headings[i].has_content = true;
                    }
                }
                exclude(&mut no_heading, range.clone());
            }
            Event::InlineHtml(t) => {
                let at = |o: usize| range.start + o;
                html_attributes(t, &at, &mut body, &span);
                if t.starts_with("<!--") {
                    html_comments(t, &at, &mut body, &span);
                }
                if t.contains('\n') {
                    exclude(&mut no_heading, range.clone());
                }
            }
            Event::Code(_) if source.as_bytes()[range.clone()].contains(&b'\n') => {
                exclude(&mut no_heading, range.clone());
            }
            // The only events left that `collect_inline` reads: most events
            // are text, and a call per event showed in the profile.
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => {
                // A destination or title over several lines, read whole.
                if source.as_bytes()[range.clone()].contains(&b'\n') {
                    exclude(&mut no_heading, range.clone());
                }
                collect_inline(&event, range, &mut body, &span)
            }
            _ => {}
        }
        emit(event, &mut sink);
    }

    push_undefined(broken, footnotes, &mut body, &span);
    for (range, inner) in wiki {
        body.wiki_links.push(WikiLink {
            inner,
            span: span(range),
        });
    }
    find_headings_without_space(text, body_start, index, &no_heading, &mut body);
    super::include::find(text, body_start, index, &mut body);
    body
}

/// Links and footnotes without a definition, in file order. `[^1][r]`
/// with `r` undefined is a link reference already, not a footnote too.
fn push_undefined(
    mut links: Vec<(Range<usize>, String)>,
    mut footnotes: Vec<(Range<usize>, String)>,
    body: &mut Body,
    span: &dyn Fn(Range<usize>) -> Span,
) {
    links.sort_unstable_by_key(|(range, _)| range.start);
    footnotes.retain(|(range, _)| {
        links
            .binary_search_by_key(&range.start, |(link, _)| link.start)
            .is_err()
    });
    let links = links
        .into_iter()
        .map(|(range, label)| (range, label, false));
    let mut all: Vec<_> = footnotes
        .into_iter()
        .map(|(range, label)| (range, label, true))
        .chain(links)
        .collect();
    all.sort_by_key(|(range, ..)| range.start);
    let undefined = all
        .into_iter()
        .map(|(range, label, footnote)| UndefinedReference {
            label,
            span: span(range),
            footnote,
        });
    body.undefined_references.extend(undefined);
}

/// `[^label]` at a `[` that pulldown left as text: with footnotes on, a
/// defined one is a `FootnoteReference`, so this one has no definition
/// and the page shows the brackets. GitHub's definitions take no white
/// space in a label, so `[^ x]` is none, nor is the escaped `\[^x]`.
fn undefined_footnote(source: &str, bracket: usize) -> Option<(Range<usize>, String)> {
    let after = source[bracket..].strip_prefix("[^")?;
    let len = after.find([']', ' ', '\t', '\r', '\n'])?;
    let closed = len > 0 && after[len..].starts_with(']');
    (closed && !escaped(source, bracket)).then(|| {
        (
            bracket..bracket + "[^]".len() + len,
            after[..len].to_string(),
        )
    })
}

/// Whether the character at `at` is escaped by a backslash (not by an
/// escaped one: `\\[` is a backslash and a bracket).
fn escaped(source: &str, at: usize) -> bool {
    let before = &source[..at];
    (before.len() - before.trim_end_matches('\\').len()) % 2 == 1
}

/// Stands for what shows no text (an image, an `<img>`, a comment) in a
/// heading's text while its anchor is made: GitHub slugs the rendered text
/// untrimmed, so a space next to it outlives the trimming, as in `#-rollback`.
const NO_TEXT: char = '\u{FFFC}';

/// Whether text starting with `##` at `start` continues the line before,
/// whose break ended at `line_break`: only quote marks and indentation
/// come between. A heading cannot interrupt the text there, nor would the
/// author have meant one.
fn continues_line(source: &str, line_break: usize, start: usize, text: &str) -> bool {
    text.starts_with("##")
        && line_break <= start
        && source.as_bytes()[line_break..start]
            .iter()
            .all(|b| matches!(b, b' ' | b'\t' | b'>'))
}

/// A footnote's number: its place among the footnotes in the order of
/// their first reference. Labels match as GitHub's do, case and runs of
/// white space aside.
fn footnote_number(numbers: &mut FxHashMap<String, usize>, label: &str) -> usize {
    let key = label
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let next = numbers.len() + 1;
    *numbers.entry(key).or_insert(next)
}

/// The `{...}` that pulldown took off the end of a heading as attributes,
/// when it names no `#id`: GitHub has no attributes and shows
/// `## Restart {service}` as written, so the text and the anchor keep it.
/// `after` is where the heading's last inline ends, if it has one.
fn not_attributes(source: &str, heading: Range<usize>, after: Option<usize>) -> Option<&str> {
    let from = after.unwrap_or(heading.start);
    let line_end = memchr::memchr(b'\n', &source.as_bytes()[from..heading.end])
        .map_or(heading.end, |n| from + n);
    let rest = source[from..line_end].trim_end();
    let open = rest.rfind('{')?;
    if !rest.ends_with('}') {
        return None;
    }
    // The white space before the braces is the heading's own, unless nothing comes before them.
    Some(if after.is_some() { rest } else { &rest[open..] })
}

/// Where a TOML front matter block (`+++` ... `+++`) at the top of a page
/// ends, or 0: runbook reads only YAML, so it is left in the body.
fn unread_front_matter(source: &str) -> usize {
    let text = source.trim_start_matches('\u{feff}');
    let skipped = source.len() - text.len();
    let mut lines = text.split_inclusive('\n');
    if lines.next().map(str::trim_end) != Some("+++") {
        return 0;
    }
    let mut end = skipped + text.find('\n').map_or(text.len(), |n| n + 1);
    for line in lines {
        end += line.len();
        if line.trim_end() == "+++" {
            return end;
        }
    }
    0
}

/// The `[[...]]` around a shortcut reference `[...]` that has no
/// definition, when it is one. Text hugs the brackets in a wiki link, which
/// keeps out shell's `[[ -f file ]]` written in prose; `[[a]](x.md)` and
/// `[[a]][x]` are links whose text is `[a]`.
fn wiki_brackets(source: &str, shortcut: Range<usize>) -> Option<Range<usize>> {
    let inner = source.get(shortcut.start + 1..shortcut.end.checked_sub(1)?)?;
    let hugged = inner.starts_with(|c: char| !c.is_whitespace())
        && inner.ends_with(|c: char| !c.is_whitespace());
    let after = source[shortcut.end..].strip_prefix(']')?;
    let before = source[..shortcut.start].strip_suffix('[')?;
    // `\[[x]]` asks for the brackets as written.
    let escaped = escaped(source, before.len());
    (hugged && !escaped && !after.starts_with(['(', '[']))
        .then(|| shortcut.start - 1..shortcut.end + 1)
}

/// The language of a fence's info string, lowercased: `bash` of
/// ```` ```bash {name=x} ````, of Quarto's ```` ```{bash} ````, of Pandoc's
/// ```` ```{.bash} ```` and of HackMD's line-numbered ```` ```bash= ````.
fn info_lang(info: &str) -> String {
    let info = info.trim_start();
    let word = match info.strip_prefix('{') {
        Some(inner) => inner.trim_start().trim_start_matches('.'),
        None => info,
    };
    word.split(|c: char| c.is_whitespace() || matches!(c, '{' | '}' | ',' | '=' | '!'))
        .next()
        .unwrap_or("")
        .to_lowercase()
}

fn collect_inline(
    event: &Event<'_>,
    range: Range<usize>,
    body: &mut Body,
    span: &dyn Fn(Range<usize>) -> Span,
) {
    match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            ..
        }) => {
            let kind = match link_type {
                LinkType::Autolink | LinkType::Email => LinkKind::Autolink,
                LinkType::Inline => LinkKind::Inline,
                _ => LinkKind::Reference,
            };
            let target = if *link_type == LinkType::Email {
                format!("mailto:{dest_url}")
            } else {
                dest_url.to_string()
            };
            body.links.push(Link {
                kind,
                target,
                span: span(range),
            });
        }
        Event::Start(Tag::Image { dest_url, .. }) => {
            body.links.push(Link {
                kind: LinkKind::Image,
                target: dest_url.to_string(),
                span: span(range),
            });
        }
        Event::InlineHtml(t) | Event::Html(t) => {
            html_attributes(t, &|o| range.start + o, body, span);
        }
        _ => {}
    }
}

/// Links (`href`, `src`, each URL of `srcset`) and anchors (`id`, and
/// `name` on `<a>` only) of the tags in raw HTML. Comments render nothing,
/// so a link commented out is no link and an id in one no anchor. `at`
/// maps an offset in `html` to one in the body: a block's lines come
/// without their `> ` prefixes.
fn html_attributes(
    html: &str,
    at: &dyn Fn(usize) -> usize,
    body: &mut Body,
    span: &dyn Fn(Range<usize>) -> Span,
) {
    if !html.contains('=') {
        return;
    }
    let mut from = 0;
    while from < html.len() {
        let (visible, next) = match html[from..].find("<!--") {
            Some(open) => {
                let inside = from + open + "<!--".len();
                let close = html[inside..]
                    .find("-->")
                    .map_or(html.len(), |c| inside + c + "-->".len());
                (from..from + open, close)
            }
            None => (from..html.len(), html.len()),
        };
        for tag in HTML_TAG.captures_iter(&html[visible.clone()]) {
            let is_a = tag[1].eq_ignore_ascii_case("a");
            let attributes = tag.get(2).unwrap();
            let base = visible.start + attributes.start();
            for attribute in HTML_ATTRIBUTE.captures_iter(attributes.as_str()) {
                let Some(value) = attribute
                    .get(2)
                    .or_else(|| attribute.get(3))
                    .or_else(|| attribute.get(4))
                else {
                    continue;
                };
                let name = &attribute[1];
                let whole = attribute.get(0).unwrap();
                // The match starts at the space before the attribute.
                let range = at(base + whole.start() + 1)..at(base + whole.end());
                if name.eq_ignore_ascii_case("href") || name.eq_ignore_ascii_case("src") {
                    body.links.push(Link {
                        kind: LinkKind::Html,
                        target: decode_entities(value.as_str()),
                        span: span(range),
                    });
                } else if name.eq_ignore_ascii_case("srcset") {
                    for url in srcset_urls(value.as_str()) {
                        let from = base + value.start() + url.start;
                        body.links.push(Link {
                            kind: LinkKind::Html,
                            target: decode_entities(&value.as_str()[url.clone()]),
                            span: span(at(from)..at(from + url.len())),
                        });
                    }
                } else if !value.is_empty()
                    && (name.eq_ignore_ascii_case("id")
                        || (is_a && name.eq_ignore_ascii_case("name")))
                {
                    body.html_anchors.push(HtmlAnchor {
                        id: decode_entities(value.as_str()),
                        span: span(range),
                    });
                }
            }
        }
        from = next;
    }
}

/// An attribute's value as the browser reads it: `&amp;`, `&#38;` and
/// every other character reference decoded.
fn decode_entities(value: &str) -> String {
    if value.contains('&') {
        html_escape::decode_html_entities(value).into_owned()
    } else {
        value.to_string()
    }
}

/// Where each URL of a `srcset` is: candidates are separated by commas,
/// each a URL and an optional descriptor (`2x`, `640w`). As in HTML's own
/// parsing, a comma ending a URL ends its candidate, and one inside it
/// (`img.php?a,b`) is part of it.
fn srcset_urls(srcset: &str) -> Vec<Range<usize>> {
    let mut urls = Vec::new();
    let bytes = srcset.as_bytes();
    let mut at = 0;
    loop {
        while at < bytes.len() && (bytes[at].is_ascii_whitespace() || bytes[at] == b',') {
            at += 1;
        }
        if at == bytes.len() {
            return urls;
        }
        let start = at;
        while at < bytes.len() && !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        let url = srcset[start..at].trim_end_matches(',');
        urls.push(start..start + url.len());
        if url.len() == at - start {
            // A descriptor follows, up to the next comma.
            while at < bytes.len() && bytes[at] != b',' {
                at += 1;
            }
        }
    }
}

/// Where raw HTML opens a heading (`<h2 align="center">`), or a comment,
/// which hides any heading in it.
static HTML_HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)<!--|<h([1-6])(?:\s[^>]*)?>").unwrap());

/// Raw HTML headings (`<h2>Emergency contacts</h2>`) in an HTML block:
/// GitHub gives them anchors from their text content, numbered with the
/// Markdown headings' (`#setup-1` after `<h2>Setup</h2>`). They are
/// anchors, not `headings`: sections, tables of contents and step paths
/// are the Markdown ones. The site gives each its anchor as an id
/// ([`with_raw_heading_ids`]); an `id` written on one stays an anchor of
/// its own (`html_attributes`).
fn html_headings(
    html: &str,
    at: &dyn Fn(usize) -> usize,
    slugs: &mut SlugCounter,
    body: &mut Body,
    span: &dyn Fn(Range<usize>) -> Span,
) {
    each_raw_heading(html, |tag, element| {
        let anchor = slugs.unique(slugify(&text_content(element)));
        // `<h2 id="setup">Setup</h2>`: the one element, counted once.
        if written_id(tag.as_str()).as_deref() != Some(anchor.as_str()) {
            body.html_anchors.push(HtmlAnchor {
                id: anchor.clone(),
                span: span(at(tag.start())..at(tag.end())),
            });
        }
        body.raw_heading_anchors.push(anchor);
    });
}

/// An HTML block as the site shows it: each raw heading carries the
/// anchor the model gave it (the next of `anchors`, which holds them in
/// file order), as an `id` or, when it has an `id` of its own, as an empty
/// `<span id>` inside it, so that `#emergency-contacts` lands there as it
/// does on GitHub.
pub fn with_raw_heading_ids<'a>(html: &str, anchors: &mut impl Iterator<Item = &'a str>) -> String {
    let mut marked = String::with_capacity(html.len() + 32);
    let mut copied = 0;
    each_raw_heading(html, |tag, _| {
        let Some(anchor) = anchors.next() else {
            return;
        };
        let written = written_id(tag.as_str());
        if written.as_deref() == Some(anchor) {
            return;
        }
        let anchor = html_escape::encode_double_quoted_attribute(anchor);
        let at = if written.is_some() {
            tag.end()
        } else {
            tag.end() - if tag.as_str().ends_with("/>") { 2 } else { 1 }
        };
        marked.push_str(&html[copied..at]);
        if written.is_some() {
            marked.push_str(&format!("<span id=\"{anchor}\"></span>"));
        } else {
            marked.push_str(&format!(" id=\"{anchor}\""));
        }
        copied = at;
    });
    marked.push_str(&html[copied..]);
    marked
}

/// Calls `found` with the opening tag of each raw heading in `html`, and
/// the element up to its closing tag; headings inside comments are none.
fn each_raw_heading<'h>(html: &'h str, mut found: impl FnMut(regex::Match<'h>, &'h str)) {
    let mut from = 0;
    while let Some(open) = HTML_HEADING.captures_at(html, from) {
        let tag = open.get(0).unwrap();
        let Some(level) = open.get(1) else {
            from = html[tag.end()..]
                .find("-->")
                .map_or(html.len(), |c| tag.end() + c + "-->".len());
            continue;
        };
        let close = format!("</h{}", level.as_str());
        let Some(end) = find_ignoring_case(&html[tag.end()..], &close) else {
            return;
        };
        let end = tag.end() + end;
        found(tag, &html[tag.start()..end]);
        from = end;
    }
}

/// The `id` written on an opening tag (`<h2 id="setup">`), decoded.
fn written_id(tag: &str) -> Option<String> {
    HTML_ATTRIBUTE
        .captures_iter(&tag["<h1".len()..])
        .find(|a| a[1].eq_ignore_ascii_case("id"))
        .and_then(|a| a.get(2).or_else(|| a.get(3)).or_else(|| a.get(4)))
        .map(|id| decode_entities(id.as_str()))
}

/// Where `needle` (ASCII) first is in `haystack`, in any case.
fn find_ignoring_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// The text an element shows, as GitHub slugs it: tags and comments show
/// none (each stands as [`NO_TEXT`], so white space next to one is kept),
/// character references are decoded.
fn text_content(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        let tag = &rest[open..];
        let close = if tag.starts_with("<!--") { "-->" } else { ">" };
        // `a < b` is text.
        let is_tag =
            tag[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!');
        let Some(end) = tag.find(close).filter(|_| is_tag) else {
            text.push('<');
            rest = &tag[1..];
            continue;
        };
        text.push(NO_TEXT);
        rest = &tag[end + close.len()..];
    }
    text.push_str(rest);
    decode_entities(&text)
}

fn html_comments(
    html: &str,
    at: &dyn Fn(usize) -> usize,
    body: &mut Body,
    span: &dyn Fn(Range<usize>) -> Span,
) {
    for caps in HTML_COMMENT.captures_iter(html) {
        let whole = caps.get(0).unwrap();
        body.comments.push(Comment {
            text: caps[1].trim().to_string(),
            span: span(at(whole.start())..at(whole.end())),
        });
    }
}

/// Whether raw HTML renders nothing: only comments and white space, as a
/// rollback section stubbed with `<!-- TODO -->`.
fn renders_nothing(html: &str) -> bool {
    let mut rest = html.trim_start();
    while let Some(comment) = rest.strip_prefix("<!--") {
        match comment.find("-->") {
            Some(close) => rest = comment[close + "-->".len()..].trim_start(),
            None => return true,
        }
    }
    rest.is_empty()
}

/// Whether a fenced block reaching the end of the file was closed: pulldown
/// ends its code before a closing fence, so anything but white space and
/// quote marks after the code is that fence. Its own reading of the fence
/// (indentation, container prefixes, what may follow it) is the one the
/// page is rendered with.
fn fence_is_closed(after_code: &str) -> bool {
    after_code
        .trim_start_matches(|c: char| c.is_whitespace() || c == '>')
        .starts_with(['`', '~'])
}

fn find_headings_without_space(
    text: &str,
    body_start: usize,
    index: &LineIndex,
    no_heading: &[Range<usize>],
    body: &mut Body,
) {
    // Only lines holding `##` can match: find those rather than visit every line.
    let mut last_line = usize::MAX;
    for at in memchr::memmem::find_iter(&text.as_bytes()[body_start..], b"##") {
        let line = index.line_of(body_start + at) + 1;
        if line == last_line {
            continue;
        }
        last_line = line;
        let content = index.line_text(text, line);
        let Some(marks) = heading_marks_at(content) else {
            continue;
        };
        let start = index.line_start(line - 1) + marks;
        // Blocks come in file order and never overlap: the only one that can
        // hold this line is the last one starting before it.
        let before = body.code_blocks.partition_point(|b| b.range.start <= start);
        if before > 0 && body.code_blocks[before - 1].range.contains(&start) {
            continue;
        }
        if encloses(no_heading, start - body_start) {
            continue;
        }
        let end = index.line_start(line - 1) + content.len();
        body.headings_without_space
            .push(index.span(text, start..end));
    }
}

/// Adds a place where `##x` is no heading, unless the last one added
/// holds it (a code span inside a link's text): places come in file
/// order, and so they stay, without one inside another.
fn exclude(places: &mut Vec<Range<usize>>, range: Range<usize>) {
    if places.last().is_none_or(|last| range.end > last.end) {
        places.push(range);
    }
}

/// Whether one of `places` holds `at`: the last one starting at or before it.
fn encloses(places: &[Range<usize>], at: usize) -> bool {
    let before = places.partition_point(|p| p.start <= at);
    before > 0 && places[before - 1].contains(&at)
}

/// Whether a line reads `^ {0,3}#{2,6}[^# \t]`: checked by hand, as every
/// `## Heading` line of every file is a candidate. A no-break space after
/// the `#`s (pasted from a wiki) counts: CommonMark wants a plain one.
/// Where `##Heading` starts on a line that would be a heading with a space
/// after its `#`s: at the start, or inside quote marks and list markers
/// (`> ##Note`, `- ##Step`), as CommonMark reads them.
fn heading_marks_at(line: &str) -> Option<usize> {
    let mut at = 0;
    loop {
        let rest = &line[at..];
        let indent = rest.len() - rest.trim_start_matches(' ').len();
        if indent > 3 {
            return None;
        }
        let after = &rest[indent..];
        let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let marker = match after.as_bytes().get(digits) {
            Some(b'>') if digits == 0 => 1,
            Some(b'-' | b'*' | b'+') if digits == 0 => 1,
            Some(b'.' | b')') if (1..=9).contains(&digits) => digits + 1,
            _ => {
                let marks = after.trim_start_matches('#');
                let hashes = after.len() - marks.len();
                let heading = (2..=6).contains(&hashes)
                    && marks
                        .chars()
                        .next()
                        .is_some_and(|c| !c.is_ascii_whitespace());
                return heading.then_some(at + indent);
            }
        };
        let next = &after[marker..];
        // A quote mark needs nothing after it; a list marker needs a space.
        if after.starts_with('>') {
            at += indent + marker + usize::from(next.starts_with(' '));
        } else if next.starts_with(' ') {
            at += indent + marker + 1;
        } else {
            return None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(text: &str) -> Body {
        parse(text, 0, &LineIndex::new(text), None)
    }

    /// Each heading's text and anchor, in order.
    fn texts_and_anchors(b: &Body) -> Vec<(&str, &str)> {
        b.headings
            .iter()
            .map(|h| (h.text.as_str(), h.anchor.as_str()))
            .collect()
    }

    #[test]
    fn a_blocks_line_count_is_its_codes_lines() {
        for text in [
            "```\n```\n",
            "```\n\n```\n",
            "```sh\na\r\nb\r\n```\n",
            "```\na\n\n\nb",
            "    indented\n    two\n",
            "- ```\n  in a list\n  ```\n",
        ] {
            for block in body(text).code_blocks {
                assert_eq!(block.line_count, block.code.lines().count(), "{text:?}");
            }
        }
    }

    #[test]
    fn a_heading_over_two_lines_reads_with_a_space() {
        let b = body("Roll back the\ndeploy\n=====\n");
        assert_eq!(b.headings[0].text, "Roll back the deploy");
        assert_eq!(b.headings[0].anchor, "roll-back-thedeploy");
    }

    #[test]
    fn headings_links_and_blocks() {
        let b = body(
            "# Title\n\n## Roll back {#undo}\n\nSee [x](other.md#setup) and <https://e.com>.\n\n```bash {name=a}\necho hi\n```\n",
        );
        assert_eq!(b.headings[1].anchor, "undo");
        assert!(b.headings[1].has_content);
        assert_eq!(b.links[0].target, "other.md#setup");
        assert_eq!(
            (b.links[0].span.start.line, b.links[0].span.start.col),
            (5, 5)
        );
        assert_eq!(b.links[1].kind, LinkKind::Autolink);
        let block = &b.code_blocks[0];
        assert_eq!(block.lang, "bash");
        assert_eq!(block.code, "echo hi\n");
        assert_eq!(block.first_line, 8);
        assert_eq!(block.heading_path, vec![0, 1]);
        assert!(block.closed);
    }

    #[test]
    fn pitfalls_are_recorded() {
        let b = body(
            "##Rollback\n\n[a][missing] and [b][]\n\n<!-- runbook: skip -->\n<a id=\"x\" href=\"y.md\">y</a>\n\n```sh\nrm -rf /\n",
        );
        assert_eq!(b.headings_without_space.len(), 1);
        assert_eq!(b.undefined_references.len(), 2);
        assert_eq!(b.comments[0].text, "runbook: skip");
        assert!(b.has_anchor("x"));
        assert!(
            b.links
                .iter()
                .any(|l| l.kind == LinkKind::Html && l.target == "y.md")
        );
        assert!(!b.code_blocks[0].closed);
    }

    /// The hand-written check against the pattern it stands for, on every
    /// line of up to seven characters from an alphabet that tells them apart.
    #[test]
    fn heading_without_space_check_matches_its_pattern() {
        let pattern = Regex::new(r"^ {0,3}#{2,6}[^# \t\n\x0C\r]").unwrap();
        let alphabet = [' ', '#', 'a', '\t', '\u{a0}'];
        let mut lines = vec![String::new()];
        for _ in 0..7 {
            let longer: Vec<String> = lines
                .iter()
                .flat_map(|l| alphabet.iter().map(move |c| format!("{l}{c}")))
                .collect();
            for line in &longer {
                assert_eq!(
                    heading_marks_at(line).is_some(),
                    pattern.is_match(line),
                    "{line:?}"
                );
            }
            lines = longer;
        }
    }

    #[test]
    fn wiki_links_are_found_and_shell_tests_are_not() {
        let b = body(
            "See [[Restore DB]] and [[restore-db|the restore]].\n\nIn bash, [[ -f x ]] tests; `[[x]]` is code; [[a]][b] and [[c]](c.md) are links.\n\n[b]: b.md\n",
        );
        let found: Vec<(&str, usize)> = b
            .wiki_links
            .iter()
            .map(|w| (w.inner.as_str(), w.span.start.col))
            .collect();
        assert_eq!(found, [("Restore DB", 5), ("restore-db|the restore", 24)]);
        let w = &b.wiki_links[0];
        assert_eq!(
            w.span.end.offset - w.span.start.offset,
            "[[Restore DB]]".len()
        );
        assert!(b.undefined_references.is_empty());
    }

    #[test]
    fn fence_languages_as_other_tools_write_them() {
        for (info, lang) in [
            ("bash", "bash"),
            ("Bash {name=restart}", "bash"),
            ("sh,linenos", "sh"),
            ("{bash}", "bash"),
            ("{bash, echo=FALSE}", "bash"),
            ("{.bash .numberLines}", "bash"),
            ("bash=", "bash"),
            ("bash=101", "bash"),
            ("bash!", "bash"),
            ("{name=x}", "name"),
            ("", ""),
        ] {
            assert_eq!(info_lang(info), lang, "{info}");
        }
    }

    #[test]
    fn braces_ending_a_heading_stay_its_text_unless_they_name_an_id() {
        let b = body(
            "## Restart {service}\n\n## {all}\n\n## Step {.important}\n\n## Undo {#undo}\n\nSetext {x}\n---\n",
        );
        let found = texts_and_anchors(&b);
        assert_eq!(
            found,
            [
                ("Restart {service}", "restart-service"),
                ("{all}", "all"),
                ("Step {.important}", "step-important"),
                ("Undo", "undo"),
                ("Setext {x}", "setext-x"),
            ]
        );
        // The site shows the braces too, and no class made of them.
        let text = "## Restart {service}\n";
        let mut events = Vec::new();
        let mut sink = |e: Event<'_>| events.push(format!("{e:?}"));
        parse(text, 0, &LineIndex::new(text), Some(&mut sink));
        assert!(events[0].contains("attrs: []"), "{events:?}");
        assert!(
            events.iter().any(|e| e.contains("\" {service}\"")),
            "{events:?}"
        );
    }

    #[test]
    fn an_images_alt_text_is_no_part_of_a_headings_anchor() {
        let b = body("## ![icon](icon.png) Rollback\n\n## Use ![a](a.png) and ![b](b.png)\n");
        assert_eq!(b.headings[0].text, "Rollback");
        assert_eq!(b.headings[0].anchor, "-rollback");
        assert_eq!(b.headings[1].anchor, "use--and-");
    }

    #[test]
    fn inline_html_showing_no_text_keeps_the_space_next_to_it_in_the_anchor() {
        let b = body(
            "## <img src=\"w.png\" alt=\"w\"> Restore\n\n## Failback <img src=\"w.png\">\n\n## Drain <!-- TODO -->\n\n## Use <code>kubectl</code> now\n",
        );
        let found = texts_and_anchors(&b);
        assert_eq!(
            found,
            [
                ("Restore", "-restore"),
                ("Failback", "failback-"),
                ("Drain", "drain-"),
                ("Use kubectl now", "use-kubectl-now"),
            ]
        );
    }

    #[test]
    fn raw_html_headings_are_anchors_numbered_with_the_markdown_ones() {
        let b = body(
            "<h2 align=\"center\">Emergency contacts</h2>\n\n<h2>Setup</h2>\n\n## Setup\n\n<H3 id=\"r-d\">R&amp;D</H3>\n\n<h3 id=\"kept\">Kept</h3>\n\n<h1>\n    English\n</h1>\n\n<!-- <h2>Old</h2> -->\n\n<div><h4><img src=\"i.png\"> Icon <!-- x --></h4></div>\n",
        );
        let headings: Vec<&str> = b.headings.iter().map(|h| h.anchor.as_str()).collect();
        assert_eq!(headings, ["setup-1"]);
        let anchors: Vec<(&str, usize)> = b
            .html_anchors
            .iter()
            .map(|a| (a.id.as_str(), a.span.start.line))
            .collect();
        assert_eq!(
            anchors,
            [
                ("emergency-contacts", 1),
                ("setup", 3),
                ("rd", 7),
                ("r-d", 7),
                ("kept", 9),
                ("----english", 11),
                ("-icon-", 17),
            ]
        );
    }

    #[test]
    fn a_footnote_in_a_heading_gives_its_anchor_its_number() {
        let b = body(
            "See[^b].\n\n## Failover time[^measured]\n\n## Again[^B] and[^measured]\n\n[^measured]: Game day.\n[^b]: Other.\n",
        );
        let found = texts_and_anchors(&b);
        assert_eq!(
            found,
            [
                ("Failover time", "failover-time2"),
                ("Again and", "again1-and2")
            ]
        );
    }

    #[test]
    fn html_attribute_values_are_read_as_the_browser_reads_them() {
        let b = body(
            "<a href=\"r&amp;d.md\">x</a> <a href=\"r&#38;d.md#roll&#x62;ack\" id=\"a&lt;b\">y</a>\n\n<picture>\n<source srcset=\"dark.png, dark@2x.png 2x,img.php?a,b 640w\">\n</picture>\n",
        );
        let targets: Vec<(&str, usize, usize)> = b
            .links
            .iter()
            .map(|l| (l.target.as_str(), l.span.start.line, l.span.start.col))
            .collect();
        assert_eq!(
            targets,
            [
                ("r&d.md", 1, 4),
                ("r&d.md#rollback", 1, 31),
                ("dark.png", 4, 17),
                ("dark@2x.png", 4, 27),
                ("img.php?a,b", 4, 42),
            ]
        );
        assert!(b.has_anchor("a<b"));
    }

    #[test]
    fn html_links_and_anchors_are_read_from_tags_outside_comments() {
        let b = body(
            "Old: <!-- <a href=\"old.md\">old</a> --> <a href=new.md>new</a>\n\n> <!--\n> <a href=\"retired.md\" id=\"gone\">x</a>\n> -->\n> <div\n> id='kept'><img data-src=\"lazy.png\" src=\"i.png\"><code>href=\"text.md\"</code>\n> <a name=\"legacy\"></a><meta name=\"viewport\"></div>\n",
        );
        let targets: Vec<(&str, usize, usize)> = b
            .links
            .iter()
            .map(|l| (l.target.as_str(), l.span.start.line, l.span.start.col))
            .collect();
        assert_eq!(targets, [("new.md", 1, 43), ("i.png", 7, 38)]);
        let anchors: Vec<(&str, usize, usize)> = b
            .html_anchors
            .iter()
            .map(|a| (a.id.as_str(), a.span.start.line, a.span.start.col))
            .collect();
        assert_eq!(anchors, [("kept", 7, 3), ("legacy", 8, 6)]);
        assert_eq!(b.comments.len(), 2);
        assert_eq!(
            (b.comments[1].span.start.line, b.comments[1].span.start.col),
            (3, 3)
        );
    }

    #[test]
    fn a_fence_closed_on_the_last_line_is_closed_as_pulldown_reads_it() {
        for (text, closed) in [
            ("```sh\necho\n```", true),
            ("> ```sh\n> echo\n> ```", true),
            ("- a\n\n  > ```sh\n  > echo\n  > ```", true),
            ("```\n```", true),
            ("~~~\necho\n~~~~~\n\n", true),
            ("```sh\necho\n", false),
            ("```sh\necho\n    ```\n", false),
            ("```sh\necho\n```\t\n", false),
            ("````\necho\n```\n", false),
            ("> ```sh\n> echo\n>\n", false),
            ("```sh", false),
        ] {
            assert_eq!(body(text).code_blocks[0].closed, closed, "{text:?}");
        }
    }

    #[test]
    fn a_section_of_comments_alone_is_empty() {
        let b =
            body("## Rollback\n\n<!-- TODO -->\n<!-- later -->\n\n## Undo\n\n<!-- x --><p>y</p>\n");
        assert!(!b.headings[0].has_content);
        assert!(b.headings[1].has_content);
    }

    #[test]
    fn no_heading_without_space_inside_inline_comments_and_code_spans() {
        let b = body("See <!-- note\n##internal\n--> and `echo\n##x` now.\n\n##Real\n");
        let lines: Vec<usize> = b
            .headings_without_space
            .iter()
            .map(|s| s.start.line)
            .collect();
        assert_eq!(lines, [6]);
    }

    #[test]
    fn heading_without_space_only_where_a_block_starts() {
        let b = body(concat!(
            "##Start\n\n",
            "Ask in the IRC channel\n##ops-oncall before you escalate.\n\n",
            "| Channel | Purpose |\n|---|---|\n##ops | pages |\n\n",
            "Follow [the\n##restore](restore.md) guide, *or\n##this*.\n\n",
            "> Quoted\n> ##continued\n##lazy\n\n",
            "- item\n  ##continued\n\n",
            "Setext\n##two lines\n---\n\n",
            "[a](\n##dest) and <span\n##attr=\"x\">.\n\n",
            "> ##Quote\n\n- ##Item\n",
        ));
        let lines: Vec<usize> = b
            .headings_without_space
            .iter()
            .map(|s| s.start.line)
            .collect();
        assert_eq!(lines, [1, 29, 31]);
    }

    #[test]
    fn escaped_brackets_and_toml_front_matter_hold_no_wiki_links() {
        let b = body("+++\ntitle = \"x\"\n[[steps]]\n+++\n\nLiteral \\[[steps]], \\\\[[real]].\n");
        let found: Vec<&str> = b.wiki_links.iter().map(|w| w.inner.as_str()).collect();
        assert_eq!(found, ["real"]);
    }

    #[test]
    fn footnotes_without_a_definition_are_undefined_references() {
        let b = body(
            "# Undo [^h]\n\nSee[^gone], [^1], [^later] and [^a][^b].\n\n`[^code]` \\[^esc] \\\\[^two] [^ spaced] [^x](x.md) [^y][r]\n\n```\n[^fenced]\n```\n\n    [^indented]\n\n[^1]: one\n[^later]: after\n[^b]: b\n",
        );
        let found: Vec<(&str, bool, usize, usize)> = b
            .undefined_references
            .iter()
            .map(|r| {
                (
                    r.label.as_str(),
                    r.footnote,
                    r.span.start.line,
                    r.span.start.col,
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                ("h", true, 1, 8),
                ("gone", true, 3, 4),
                ("a", true, 3, 32),
                ("two", true, 5, 21),
                ("r", false, 5, 50),
            ]
        );
        let gone = &b.undefined_references[1].span;
        assert_eq!(gone.end.offset - gone.start.offset, "[^gone]".len());
    }

    #[test]
    fn indented_code_is_code() {
        let b = body("Text\n\n    **Rollback:** done\n    two\n\nprose\n\n```\nx\n```\n");
        let code: Vec<usize> = (1..=10).filter(|&l| b.in_code(l)).collect();
        assert_eq!(code, [3, 4, 8, 9, 10]);
        assert!(b.code_blocks.iter().all(|c| c.fence.start.line == 8));
    }

    #[test]
    fn empty_heading_has_no_content() {
        let b = body("## Rollback\n\n## Next\n\ntext\n");
        assert!(!b.headings[0].has_content);
        assert!(b.headings[1].has_content);
    }
}
