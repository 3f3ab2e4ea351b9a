//! Enough of the HTML tokenizer to see a page as a browser would: which
//! elements and attributes it holds, and the text of raw-text elements.
//! Tests of hostile input check the markup this gives, not substrings: an
//! escaped `&lt;script&gt;` is text, a `"` that breaks out of an attribute
//! makes new attributes.

/// A start tag, its attributes (names lowercased, values decoded), and for
/// `script`, `style`, `title` and `textarea` the text up to the end tag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub raw_text: Option<String>,
}

impl Element {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

const RAW_TEXT: &[&str] = &["script", "style", "title", "textarea"];

/// Every start tag of `html`, in order.
pub fn elements(html: &str) -> Vec<Element> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        if let Some(after) = rest.strip_prefix("!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        if rest.starts_with(['!', '/', '?']) {
            rest = rest.find('>').map_or("", |end| &rest[end + 1..]);
            continue;
        }
        if !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let name_end = rest
            .find(|c: char| c.is_whitespace() || c == '/' || c == '>')
            .unwrap_or(rest.len());
        let name = rest[..name_end].to_ascii_lowercase();
        rest = &rest[name_end..];
        let mut attrs = Vec::new();
        loop {
            rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
            if rest.is_empty() {
                break;
            }
            if let Some(after) = rest.strip_prefix('>') {
                rest = after;
                break;
            }
            // The first character may be `=`, as in a browser.
            let first = rest.chars().next().map_or(0, char::len_utf8);
            let end = rest[first..]
                .find(|c: char| c.is_whitespace() || matches!(c, '/' | '>' | '='))
                .map_or(rest.len(), |i| i + first);
            let attr = rest[..end].to_ascii_lowercase();
            rest = rest[end..].trim_start();
            let mut value = String::new();
            if let Some(after) = rest.strip_prefix('=') {
                rest = after.trim_start();
                let (raw, next) = match rest.chars().next() {
                    Some(q @ ('"' | '\'')) => {
                        let body = &rest[1..];
                        let close = body.find(q).unwrap_or(body.len());
                        (&body[..close], body.get(close + 1..).unwrap_or(""))
                    }
                    _ => {
                        let close = rest
                            .find(|c: char| c.is_whitespace() || c == '>')
                            .unwrap_or(rest.len());
                        (&rest[..close], &rest[close..])
                    }
                };
                value = decode(raw);
                rest = next;
            }
            attrs.push((attr, value));
        }
        let raw_text = RAW_TEXT.contains(&name.as_str()).then(|| {
            let close = format!("</{name}");
            let end = rest.to_ascii_lowercase().find(&close).unwrap_or(rest.len());
            let text = rest[..end].to_string();
            rest = &rest[end..];
            text
        });
        out.push(Element {
            name,
            attrs,
            raw_text,
        });
    }
    out
}

/// Character references: the named ones a template engine writes, and
/// numeric ones.
pub fn decode(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest.find(';').filter(|&i| i <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..semi];
        let decoded = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// What in a page could run script: event-handler attributes, inline or
/// foreign scripts, and `javascript:`/`data:` URLs (`assets` is where the
/// site's own scripts live; an empty `data:,` icon is how the templates say
/// "no favicon"). Empty when the page is safe.
pub fn script_vectors(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for element in elements(html) {
        for (name, value) in &element.attrs {
            if name.starts_with("on") {
                found.push(format!("<{} {name}={value:?}>", element.name));
            }
            let url = value
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect::<String>()
                .to_ascii_lowercase();
            let is_url = matches!(
                name.as_str(),
                "href" | "src" | "action" | "formaction" | "xlink:href" | "srcset"
            );
            let no_icon = element.name == "link" && url == "data:,";
            if is_url && (url.starts_with("javascript:") || url.starts_with("data:")) && !no_icon {
                found.push(format!("<{} {name}={value:?}>", element.name));
            }
        }
        match element.name.as_str() {
            "script" => {
                let own = element
                    .attr("src")
                    .is_some_and(|s| s.ends_with(".js") && s.contains("assets/"));
                let inline = element
                    .raw_text
                    .as_deref()
                    .is_some_and(|t| !t.trim().is_empty());
                if !own || inline {
                    found.push(format!(
                        "<script {:?}>{:?}",
                        element.attrs, element.raw_text
                    ));
                }
            }
            "iframe" | "object" | "embed" | "base" => {
                found.push(format!("<{} {:?}>", element.name, element.attrs));
            }
            "meta" if element.attr("http-equiv").is_some() => {
                found.push(format!("<meta {:?}>", element.attrs));
            }
            _ => {}
        }
    }
    found
}

/// The text of every `<title>` element, as a browser reads it.
pub fn titles(html: &str) -> Vec<String> {
    elements(html)
        .into_iter()
        .filter(|e| e.name == "title")
        .map(|e| decode(&e.raw_text.unwrap_or_default()))
        .collect()
}
