//! The raw HTML a runbook holds, made safe without losing the page around
//! it or passing for the page's own markup.
//!
//! A page with raw HTML is sanitized whole, since an element may open in
//! one HTML block and close in another (`<details>` around Markdown). Two
//! things follow, each handled here:
//!
//! - A raw-text element left open (prose like "paste it into the
//!   <script> field") would take the rest of the page with it, Rollback
//!   included: [`filter`] escapes such tags, as GFM's tagfilter does.
//! - The renderer's own markup (copy buttons, permalinks, footnotes,
//!   alerts, task boxes) needs classes and buttons the author's must not
//!   have, or a runbook could show one command and have Copy copy another.
//!   It goes through the sanitizer as a placeholder element the author
//!   cannot write ([`Ui`]), is put back after, and author HTML keeps no
//!   class (but a code block's language), no button and no input.

use std::borrow::Cow;
use std::sync::LazyLock;

use pulldown_cmark::Event;
use regex::Regex;

/// The placeholder element's name. [`filter`] escapes it in author HTML,
/// and the sanitizer drops any attribute value that holds it, so every
/// one in the sanitized page is the renderer's.
const PLACEHOLDER: &str = "rb-ui";

/// Tags whose element reads the rest of the page as its text when left
/// open: GFM's tagfilter list, and `noscript` and `template`, which
/// html5ever reads the same way (the sanitizer parses with scripting on, and
/// keeps no template's content).
const SWALLOWING: [&str; 11] = [
    "title",
    "textarea",
    "style",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "script",
    "plaintext",
    "noscript",
    "template",
];

/// Raw HTML as written in a runbook, with the `<` of each tag in
/// [`SWALLOWING`] and of the placeholder escaped: shown as text, as on
/// GitHub. Letter case does not matter, as in HTML.
pub fn filter(html: &str) -> Cow<'_, str> {
    let bytes = html.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    for at in memchr::memchr_iter(b'<', bytes) {
        if is_filtered(&bytes[at + 1..]) {
            out.push_str(&html[copied..at]);
            out.push_str("&lt;");
            copied = at + 1;
        }
    }
    if copied == 0 {
        return Cow::Borrowed(html);
    }
    out.push_str(&html[copied..]);
    Cow::Owned(out)
}

/// Whether what follows a `<` starts a tag [`filter`] escapes: the tag
/// name ends where HTML ends it (space, `/`, `>`, or the end of the text);
/// the placeholder's name at all.
fn is_filtered(after: &[u8]) -> bool {
    let name = after.strip_prefix(b"/").unwrap_or(after);
    let starts = |tag: &str| {
        name.len() >= tag.len() && name[..tag.len()].eq_ignore_ascii_case(tag.as_bytes())
    };
    if starts(PLACEHOLDER) {
        return true;
    }
    SWALLOWING.iter().any(|tag| {
        starts(tag)
            && name
                .get(tag.len())
                .is_none_or(|c| matches!(c, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>'))
    })
}

/// The renderer's own markup on one page. While the page is sanitized,
/// each piece stands in it as a placeholder element, which the sanitizer
/// keeps where it is and balances with the author's elements; [`Ui::finish`]
/// puts the markup back. Otherwise the markup goes in as it is.
pub struct Ui {
    sanitizing: bool,
    /// Each piece's opening and closing markup, by placeholder number.
    pieces: Vec<(String, String)>,
    /// The pieces opened and not yet closed, innermost last.
    open: Vec<usize>,
}

impl Ui {
    pub fn new(sanitizing: bool) -> Ui {
        Ui {
            sanitizing,
            pieces: Vec::new(),
            open: Vec::new(),
        }
    }

    /// Markup complete in itself (a permalink, a footnote reference).
    pub fn leaf(&mut self, html: String) -> Event<'static> {
        if !self.sanitizing {
            return Event::InlineHtml(html.into());
        }
        let (n, line_end) = self.keep(html);
        Event::InlineHtml(
            format!("<{PLACEHOLDER} data-i=\"{n}\"></{PLACEHOLDER}>{line_end}").into(),
        )
    }

    /// Markup that opens an element the page's content goes in (a code
    /// block's frame and copy button), closed by [`Ui::close`].
    pub fn open(&mut self, html: String) -> Event<'static> {
        if !self.sanitizing {
            return Event::Html(html.into());
        }
        let (n, line_end) = self.keep(html);
        self.open.push(n);
        Event::Html(format!("<{PLACEHOLDER} data-i=\"{n}\">{line_end}").into())
    }

    /// Closes the piece opened last with `html`.
    pub fn close(&mut self, mut html: String) -> Event<'static> {
        if !self.sanitizing {
            return Event::Html(html.into());
        }
        let line_end = take_line_end(&mut html);
        if let Some(n) = self.open.pop() {
            self.pieces[n].1 = html;
        }
        Event::Html(format!("</{PLACEHOLDER}>{line_end}").into())
    }

    /// Keeps a piece's opening markup; returns its number and the line end
    /// it had, which stays in the page beside the placeholder, where the
    /// HTML writer sees it and spaces what follows as it would have.
    fn keep(&mut self, mut html: String) -> (usize, &'static str) {
        let line_end = take_line_end(&mut html);
        self.pieces.push((html, String::new()));
        (self.pieces.len() - 1, line_end)
    }

    /// The rendered page, sanitized if it is to be, with the renderer's
    /// markup in place.
    pub fn finish(self, html: String) -> String {
        if !self.sanitizing {
            return html;
        }
        static PIECE: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(&format!(
                r#"<{PLACEHOLDER} data-i="(\d+)">|</{PLACEHOLDER}>"#
            ))
            .expect("valid pattern")
        });
        let clean = SANITIZER.clean(&html).to_string();
        // The sanitizer's output is balanced: each close ends the piece
        // opened last.
        let mut open = Vec::new();
        PIECE
            .replace_all(&clean, |caps: &regex::Captures<'_>| {
                let piece: Option<usize> = match caps.get(1) {
                    Some(n) => n.as_str().parse().ok().inspect(|&n| open.push(n)),
                    None => open.pop(),
                };
                match (piece.and_then(|n| self.pieces.get(n)), caps.get(1)) {
                    (Some((opening, _)), Some(_)) => opening.as_str(),
                    (Some((_, closing)), None) => closing.as_str(),
                    (None, _) => "",
                }
                .to_string()
            })
            .into_owned()
    }
}

/// Takes a final line break off `html`, and says what it took.
fn take_line_end(html: &mut String) -> &'static str {
    if html.ends_with('\n') {
        html.pop();
        "\n"
    } else {
        ""
    }
}

/// What author HTML may keep: ammonia's safe defaults, ids (anchors), a
/// fenced block's language and table alignment, which pulldown-cmark
/// writes, and the placeholders of the renderer's own markup ([`Ui`]).
static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .add_generic_attributes(["id"])
        .add_tags([PLACEHOLDER])
        .add_tag_attributes(PLACEHOLDER, ["data-i"])
        .add_tag_attributes("code", ["class"])
        .add_tag_attributes("th", ["style"])
        .add_tag_attributes("td", ["style"])
        .filter_style_properties(["text-align"].into())
        .attribute_filter(|element, attribute, value| {
            author_attribute(element, attribute, value).then_some(value.into())
        });
    builder
});

/// Whether an attribute the sanitizer allows stays: not one of the page's
/// own ids, which start with `rb:` (base.html); no class the site's styles
/// and scripts go by (`code`, `copy`, `visually-hidden`), only
/// pulldown-cmark's `language-...` on a code block; and no value that names
/// the placeholder, which could be taken for one once serialized.
fn author_attribute(element: &str, attribute: &str, value: &str) -> bool {
    let named = value
        .as_bytes()
        .windows(PLACEHOLDER.len())
        .any(|w| w.eq_ignore_ascii_case(PLACEHOLDER.as_bytes()));
    let kept = match attribute {
        "id" => !value.starts_with("rb:"),
        "class" => {
            element == "code"
                && value.starts_with("language-")
                && !value.contains(|c: char| c.is_ascii_whitespace())
        }
        _ => true,
    };
    kept && !named
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_escapes_tags_that_would_swallow_the_page() {
        for (raw, shown) in [
            ("<script>", "&lt;script>"),
            ("a <STYLE type=x> b", "a &lt;STYLE type=x> b"),
            ("</title>", "&lt;/title>"),
            ("<plaintext/>", "&lt;plaintext/>"),
            ("<textarea\nrows=2>", "&lt;textarea\nrows=2>"),
            ("<noscript", "&lt;noscript"),
            (
                "<rb-ui data-i=\"0\"></RB-UI>",
                "&lt;rb-ui data-i=\"0\">&lt;/RB-UI>",
            ),
        ] {
            assert_eq!(filter(raw), shown, "{raw}");
        }
        // Other tags, and names that only start alike, stay.
        for kept in ["<div>", "<scripts>", "<style-guide>", "<b>x</b>", "a < b"] {
            assert!(matches!(filter(kept), Cow::Borrowed(_)), "{kept}");
        }
    }

    #[test]
    fn author_attributes_cannot_pass_for_the_sites_own() {
        assert!(author_attribute("code", "class", "language-bash"));
        assert!(!author_attribute("code", "class", "language-bash copy"));
        assert!(!author_attribute("div", "class", "code"));
        assert!(!author_attribute("span", "class", "visually-hidden"));
        assert!(!author_attribute("h2", "id", "rb:main"));
        assert!(author_attribute("span", "id", "mine"));
        assert!(!author_attribute("img", "alt", "</RB-UI>"));
    }

    /// The renderer's markup comes back where it was, around whatever the
    /// author's HTML did meanwhile; the author's own buttons and classes go.
    #[test]
    fn the_renderers_markup_is_put_back_after_sanitizing() {
        let mut ui = Ui::new(true);
        let mut html = String::new();
        for event in [
            ui.open("<div class=\"code\"><button class=\"copy\">Copy</button>".into()),
            Event::Html("<pre><code>ls</code></pre>".into()),
            ui.close("</div>".into()),
            Event::Html("<div class=\"code\"><button class=\"copy\">Copy</button><span>x".into()),
            ui.leaf("<a class=\"permalink\" href=\"#a\">#</a>".into()),
        ] {
            if let Event::Html(h) | Event::InlineHtml(h) = event {
                html.push_str(&h);
            }
        }
        assert_eq!(
            ui.finish(html),
            "<div class=\"code\"><button class=\"copy\">Copy</button><pre><code>ls</code></pre></div>\
             <div>Copy<span>x<a class=\"permalink\" href=\"#a\">#</a></span></div>"
        );
    }
}
