//! How deep a page's elements nest, estimated from its Markdown events
//! before the HTML sanitizer sees it.
//!
//! The sanitizer (ammonia, on html5ever) checks each new element against
//! the elements open around it: its time grows with the number of elements
//! times their depth. A page of 100,000 unclosed `<div>` took over an hour
//! to build. Browsers stop nesting at 512 elements; a page whose raw HTML
//! would nest deeper has that HTML shown as text instead of sanitized.

use pulldown_cmark::{Event, Tag, TagEnd};

/// The deepest nesting a page's raw HTML is sanitized at.
pub const MAX_DEPTH: usize = 512;

/// Elements that never hold content, so never stay open.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// Elements that an opening tag of the same name closes (`<li>` after
/// `<li>`), as HTML's parser does.
const CLOSED_BY_SIBLING: &[&str] = &[
    "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "rp", "rt",
];

/// Whether the elements of a page nest deeper than [`MAX_DEPTH`]: each
/// Markdown container and each raw HTML element counts, until its end tag
/// or the end of the Markdown container it opened in. A closing tag of an
/// element not open is ignored, as the HTML parser ignores it. A page
/// without raw HTML is never sanitized, so never too deep.
pub fn too_deep(events: &[Event<'_>]) -> bool {
    let raw_html = |e: &Event<'_>| matches!(e, Event::Html(_) | Event::InlineHtml(_));
    if !events.iter().any(raw_html) {
        return false;
    }
    let mut open = Open::default();
    for event in events {
        match event {
            // An HTML block is its raw HTML only: it opens no element.
            Event::Start(Tag::HtmlBlock) | Event::End(TagEnd::HtmlBlock) => {}
            Event::Start(_) => open.container(),
            Event::End(_) => open.end_container(),
            Event::Html(html) | Event::InlineHtml(html) => open.tags(html),
            _ => {}
        }
        if open.stack.len() > MAX_DEPTH {
            return true;
        }
    }
    false
}

/// The elements open: `None` for a Markdown container, the tag name for a
/// raw HTML element.
#[derive(Default)]
struct Open {
    stack: Vec<Option<String>>,
}

impl Open {
    fn container(&mut self) {
        self.stack.push(None);
    }

    /// Closes the innermost Markdown container and the raw HTML elements
    /// left open inside it.
    fn end_container(&mut self) {
        while let Some(Some(_)) = self.stack.pop() {}
    }

    fn tags(&mut self, html: &str) {
        for tag in html.split('<').skip(1) {
            let (closing, tag) = match tag.strip_prefix('/') {
                Some(rest) => (true, rest),
                None => (false, tag),
            };
            let name: String = tag
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .map(|c| c.to_ascii_lowercase())
                .collect();
            if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
                continue;
            }
            if closing {
                self.close(&name);
            } else if !VOID.contains(&name.as_str()) && !self_closed(tag) {
                if CLOSED_BY_SIBLING.contains(&name.as_str())
                    && self.stack.last().and_then(Option::as_deref) == Some(name.as_str())
                {
                    self.stack.pop();
                }
                self.stack.push(Some(name));
                if self.stack.len() > MAX_DEPTH {
                    return;
                }
            }
        }
    }

    /// Closes the innermost open element of this name, and those inside
    /// it, unless a Markdown container comes first.
    fn close(&mut self, name: &str) {
        for (at, open) in self.stack.iter().enumerate().rev() {
            match open {
                None => return,
                Some(open) if open == name => {
                    self.stack.truncate(at);
                    return;
                }
                Some(_) => {}
            }
        }
    }
}

/// `<br/>`, `<x />`: the tag ends in `/>`.
fn self_closed(tag: &str) -> bool {
    matches!(tag.split_once('>'), Some((head, _)) if head.ends_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deep(markdown: &str) -> bool {
        let events: Vec<Event> = pulldown_cmark::Parser::new(markdown).collect();
        too_deep(&events)
    }

    #[test]
    fn unclosed_raw_elements_nest() {
        assert!(deep(&"<div>\n\n".repeat(MAX_DEPTH + 1)));
        assert!(!deep(&"<div>\n\n".repeat(MAX_DEPTH / 2)));
    }

    #[test]
    fn closed_void_and_self_closed_elements_do_not() {
        let page = "<div><b>x</b><br><img src=a><x/></div>\n\n".repeat(2 * MAX_DEPTH);
        assert!(!deep(&page));
    }

    #[test]
    fn a_closing_tag_of_an_element_not_open_is_ignored() {
        assert!(deep(&"<div></span>\n\n".repeat(MAX_DEPTH + 1)));
    }

    #[test]
    fn siblings_close_each_other() {
        let list = format!("<ul>{}</ul>\n", "<li>item\n".repeat(4 * MAX_DEPTH));
        assert!(!deep(&list));
    }

    #[test]
    fn markdown_containers_count_and_close_what_opened_inside() {
        assert!(deep(&format!("{}a <b>x</b>\n", "> ".repeat(MAX_DEPTH + 1))));
        assert!(!deep(&"> <span>unclosed\n\n".repeat(4 * MAX_DEPTH)));
    }

    #[test]
    fn deep_markdown_without_raw_html_is_never_too_deep() {
        assert!(!deep(&format!("{}a\n", "> ".repeat(MAX_DEPTH + 1))));
    }
}
