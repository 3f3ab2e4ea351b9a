//! The ids and anchor names of an HTML page: what a `#fragment` can point at.
//! A tag scanner, not a parser: it only needs attribute values, and it must
//! never fail on the broken HTML the web is made of.

/// Every `id="..."` and `<a name="...">` in the page, in page order.
pub fn anchors(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        if let Some(comment) = rest.strip_prefix("!--") {
            rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
            continue;
        }
        let name_len = rest
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        if name_len == 0 {
            continue;
        }
        let is_a = rest[..name_len].eq_ignore_ascii_case("a");
        rest = &rest[name_len..];
        loop {
            rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
            if rest.is_empty() || rest.starts_with('>') {
                break;
            }
            let (attr, value, after) = attribute(rest);
            rest = after;
            let wanted =
                attr.eq_ignore_ascii_case("id") || (is_a && attr.eq_ignore_ascii_case("name"));
            if let (true, Some(value)) = (wanted, value)
                && !value.is_empty()
            {
                out.push(decode_entities(value));
            }
        }
    }
    out
}

/// One `name`, `name=value`, `name="value"` or `name='value'`; returns the
/// name, the value if any, and the text after it.
fn attribute(text: &str) -> (&str, Option<&str>, &str) {
    let end = text
        .find(|c: char| c.is_whitespace() || matches!(c, '=' | '>' | '/'))
        .unwrap_or(text.len());
    // Always consume at least one character, so stray quotes cannot stall.
    let end = end.max(text.chars().next().map_or(0, char::len_utf8));
    let (name, rest) = text.split_at(end);
    let Some(rest) = rest.trim_start().strip_prefix('=') else {
        return (name, None, rest);
    };
    let rest = rest.trim_start();
    match rest.chars().next() {
        Some(q @ ('"' | '\'')) => {
            let body = &rest[1..];
            match body.find(q) {
                Some(close) => (name, Some(&body[..close]), &body[close + 1..]),
                None => (name, Some(body), ""),
            }
        }
        _ => {
            let close = rest
                .find(|c: char| c.is_whitespace() || c == '>')
                .unwrap_or(rest.len());
            (name, Some(&rest[..close]), &rest[close..])
        }
    }
}

/// The few entities that appear in ids.
fn decode_entities(value: &str) -> String {
    if !value.contains('&') {
        return value.to_string();
    }
    value
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_anchor_names() {
        let page = r#"<!doctype html><html><body>
            <h2 id="install">Install</h2><!-- <p id="hidden"> -->
            <a name=legacy href="/x">old</a> <div data-id="no" ID='Upper'>
            <p id="a&amp;b"/><meta name="viewport"><img id=>
            <section id="last""#;
        assert_eq!(
            anchors(page),
            vec!["install", "legacy", "Upper", "a&b", "last"]
        );
    }

    #[test]
    fn broken_html_does_not_stall() {
        for page in [
            "<",
            "<a",
            "<a name",
            "<a name=",
            "<p \"\"\" id=x",
            "<!--",
            "<é id=x>",
        ] {
            anchors(page);
        }
        assert_eq!(anchors("<p \"\"\" id=x>"), vec!["x"]);
    }
}
