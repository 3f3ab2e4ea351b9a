//! Bare web and e-mail addresses in prose as links, as GitHub shows them
//! (GFM's extended autolinks: `https://...`, `www.`, `name@host.tld`),
//! which pulldown-cmark does not do. A dashboard address pasted into a step
//! is followed with one click during an incident, not copied by hand.
//!
//! Rendering only: the linter's link model reads the Markdown as written,
//! so `lint` and its link checks see no new links.

use std::ops::Range;
use std::sync::LazyLock;

use linkify::{LinkFinder, LinkKind};
use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

/// `http(s)://` addresses and e-mail addresses. Other schemes are found
/// too, so that their text is not searched for `www.` again, but are not
/// linked: GitHub links only these.
static SCHEMES_AND_EMAILS: LazyLock<LinkFinder> = LazyLock::new(|| {
    let mut finder = LinkFinder::new();
    finder.kinds(&[LinkKind::Url, LinkKind::Email]);
    finder
});

/// Where an address without a scheme ends: what follows `www.`.
static DOMAINS: LazyLock<LinkFinder> = LazyLock::new(|| {
    let mut finder = LinkFinder::new();
    finder.kinds(&[LinkKind::Url]).url_must_have_scheme(false);
    finder
});

/// The page's events with the addresses in its prose made links. Text in
/// links, images, code blocks, and raw `<a>` elements stays as it is: a
/// link cannot hold another. Code spans and raw HTML are events of their
/// own, never searched.
pub fn linked(events: Vec<Event<'static>>) -> Vec<Event<'static>> {
    let mut out = Vec::with_capacity(events.len());
    // pulldown-cmark may cut one run of text in several events (at `_`,
    // `*`, `&`...): an address is searched for in the whole run.
    let mut prose = String::new();
    let mut shielded = 0usize;
    let mut raw_anchor = false;
    for event in events {
        match &event {
            Event::Text(text) if shielded == 0 && !raw_anchor => {
                prose.push_str(text);
                continue;
            }
            Event::Start(Tag::Link { .. } | Tag::Image { .. } | Tag::CodeBlock(_)) => shielded += 1,
            Event::End(TagEnd::Link | TagEnd::Image | TagEnd::CodeBlock) => {
                shielded = shielded.saturating_sub(1)
            }
            Event::InlineHtml(html) => raw_anchor = opens_or_keeps_anchor(html, raw_anchor),
            // A raw `<a>` left open ends with the block it was written in.
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::TableCell | TagEnd::Item,
            ) => raw_anchor = false,
            _ => {}
        }
        flush(&mut prose, &mut out);
        out.push(event);
    }
    flush(&mut prose, &mut out);
    out
}

/// Whether a raw `<a>` is open after this inline HTML.
fn opens_or_keeps_anchor(html: &str, open: bool) -> bool {
    let tag = html.trim_start().to_ascii_lowercase();
    let named_a = |rest: &str| rest.starts_with(|c: char| c == '>' || c.is_ascii_whitespace());
    if tag.strip_prefix("</a").is_some_and(named_a) {
        false
    } else {
        open || tag.strip_prefix("<a").is_some_and(named_a)
    }
}

/// Emits the gathered run of text, its addresses as links.
fn flush(prose: &mut String, out: &mut Vec<Event<'static>>) {
    if prose.is_empty() {
        return;
    }
    let text = std::mem::take(prose);
    let mut shown_to = 0;
    for (range, href) in addresses(&text) {
        if shown_to < range.start {
            out.push(Event::Text(text[shown_to..range.start].to_string().into()));
        }
        out.push(Event::Start(Tag::Link {
            // Not `LinkType::Email`, which the HTML writer prefixes with
            // `mailto:` itself: every href here is whole.
            link_type: LinkType::Autolink,
            dest_url: href.into(),
            title: CowStr::Borrowed(""),
            id: CowStr::Borrowed(""),
        }));
        out.push(Event::Text(text[range.clone()].to_string().into()));
        out.push(Event::End(TagEnd::Link));
        shown_to = range.end;
    }
    if shown_to == 0 {
        out.push(Event::Text(text.into()));
    } else if shown_to < text.len() {
        out.push(Event::Text(text[shown_to..].to_string().into()));
    }
}

/// The addresses GitHub links in `text`, in order: where each is and what
/// it leads to. The trailing punctuation rules are linkify's (a sentence's
/// `.`, an unbalanced `)` are not part of the address).
fn addresses(text: &str) -> Vec<(Range<usize>, String)> {
    let mut found = Vec::new();
    let mut searched_to = 0;
    for link in SCHEMES_AND_EMAILS.links(text) {
        found.extend(www_addresses(text, searched_to..link.start()));
        searched_to = link.end();
        let written = link.as_str();
        let href = match link.kind() {
            LinkKind::Email => Some(format!("mailto:{written}")),
            _ if has_web_scheme(written) => Some(written.to_string()),
            _ => None,
        };
        if let Some(href) = href {
            found.push((link.start()..link.end(), href));
        }
    }
    found.extend(www_addresses(text, searched_to..text.len()));
    found
}

fn has_web_scheme(url: &str) -> bool {
    let lower = |n: usize| url.get(..n).map(str::to_ascii_lowercase);
    lower(7).as_deref() == Some("http://") || lower(8).as_deref() == Some("https://")
}

/// Addresses starting `www.` in `text[within]`, linked to `http://` as
/// GitHub does. As in GFM, only where a word starts (after a space or
/// `(`, `*`, `_`, `~`), so `api.www.example.com` is not cut in two.
fn www_addresses(text: &str, within: Range<usize>) -> Vec<(Range<usize>, String)> {
    let mut found = Vec::new();
    let mut from = within.start;
    while let Some(at) = text[from..within.end].find("www.").map(|i| from + i) {
        let starts_word = text[..at]
            .chars()
            .next_back()
            .is_none_or(|c| c.is_whitespace() || "(*_~".contains(c));
        let domain = DOMAINS
            .links(&text[at..within.end])
            .next()
            .filter(|l| starts_word && l.start() == 0);
        match domain {
            Some(domain) => {
                let end = at + domain.end();
                found.push((at..end, format!("http://{}", domain.as_str())));
                from = end;
            }
            None => from = at + "www.".len(),
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(markdown: &str) -> String {
        let events =
            pulldown_cmark::Parser::new_ext(markdown, crate::document::markdown::options())
                .map(Event::into_static)
                .collect();
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, linked(events).into_iter());
        html
    }

    #[test]
    fn addresses_in_prose_become_links_shown_as_written() {
        assert_eq!(
            html(
                "See https://grafana.example.com/d/abc?orgId=1&from=now-1h. Then www.example.com/a_b_c, or mail ops@example.com (or HTTPS://X.IO)."
            ),
            "<p>See <a href=\"https://grafana.example.com/d/abc?orgId=1&amp;from=now-1h\">https://grafana.example.com/d/abc?orgId=1&amp;from=now-1h</a>. \
Then <a href=\"http://www.example.com/a_b_c\">www.example.com/a_b_c</a>, or mail \
<a href=\"mailto:ops@example.com\">ops@example.com</a> (or <a href=\"HTTPS://X.IO\">HTTPS://X.IO</a>).</p>\n"
        );
    }

    #[test]
    fn links_code_and_raw_anchors_are_left_alone() {
        for markdown in [
            "[https://a.io](https://b.io) ![https://c.io](x.png)",
            "`https://a.io` and <a href=\"x\">https://a.io</a>",
            "```\nhttps://a.io\n```",
            "    https://a.io",
            "<https://a.io>",
        ] {
            let plain = {
                let mut html = String::new();
                pulldown_cmark::html::push_html(
                    &mut html,
                    pulldown_cmark::Parser::new_ext(markdown, crate::document::markdown::options()),
                );
                html
            };
            assert_eq!(html(markdown), plain, "{markdown}");
        }
    }

    #[test]
    fn only_web_schemes_and_www_at_a_word_start_are_linked() {
        assert_eq!(
            html("ftp://a.io ssh://b.io api.www.c.io x.com javascript://d.io"),
            "<p>ftp://a.io ssh://b.io api.www.c.io x.com javascript://d.io</p>\n"
        );
        // After a raw `<a>` closes, prose is prose again.
        assert_eq!(
            html("<a href=\"x\">t</a> https://a.io"),
            "<p><a href=\"x\">t</a> <a href=\"https://a.io\">https://a.io</a></p>\n"
        );
    }
}
