//! The per-file half: every `http(s)` URL a runbook uses, with where, so the
//! second pass can check each distinct URL once and report every use.

use std::path::PathBuf;

use serde_json::Value;

use crate::diagnostic::Span;
use crate::document::{Document, LinkKind};
use crate::lint::links::is_template;

/// One place a URL is written.
#[derive(Clone, Debug)]
pub struct Use {
    /// The URL as written, without `<...>` and surrounding blanks.
    pub url: String,
    pub path: PathBuf,
    pub span: Span,
    pub source_line: String,
    /// Byte range of the URL text in the file, when it is written there
    /// literally; lets a moved link be fixed in place.
    pub range: Option<(usize, usize)>,
}

/// Every `http(s)` URL in the body's links and in the front matter.
pub fn collect(doc: &Document) -> Vec<Use> {
    let mut found: Vec<(String, Span, bool)> = doc
        .body
        .links
        .iter()
        .map(|l| (l.target.clone(), l.span, l.kind == LinkKind::Reference))
        .collect();
    if let Some(fields) = doc.fields() {
        for related in &fields.related {
            let span = Span {
                start: related.at,
                end: related.at,
            };
            found.push((related.value.clone(), span, false));
        }
        for key in &fields.keys {
            let Some(value) = fields.extra.get(&key.name) else {
                continue;
            };
            let span = Span {
                start: key.at,
                end: key.at,
            };
            let mut strings = Vec::new();
            strings_in(value, &mut strings);
            found.extend(strings.into_iter().map(|s| (s, span, false)));
        }
    }
    found
        .into_iter()
        .filter_map(|(written, span, reference)| {
            let url = clean(&written)?;
            let range = locate(doc, span, &url)
                .or_else(|| reference.then(|| definition(&doc.text, &url)).flatten());
            Some(Use {
                source_line: crate::lint::quoted_line(doc, span.start.line),
                path: doc.path.clone(),
                span,
                range,
                url,
            })
        })
        .collect()
}

/// The URL to check, or `None` for anything that is not an `http(s)` URL.
fn clean(written: &str) -> Option<String> {
    let text = written.trim();
    let text = text
        .strip_prefix('<')
        .and_then(|t| t.strip_suffix('>'))
        .unwrap_or(text);
    let scheme = text.split_once(':')?.0;
    let web = scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https");
    (web && !is_template(text)).then(|| text.to_string())
}

fn strings_in(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) if clean(s).is_some() => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| strings_in(v, out)),
        Value::Object(map) => map.values().for_each(|v| strings_in(v, out)),
        _ => {}
    }
}

/// Where the URL text sits in the file: inside the span, or for a
/// position-only span (front matter), on the rest of its line.
fn locate(doc: &Document, span: Span, url: &str) -> Option<(usize, usize)> {
    let start = span.start.offset;
    let rest = doc.text.get(start..)?;
    let len = if span.end.offset > start {
        span.end.offset - start
    } else {
        rest.find('\n').unwrap_or(rest.len())
    };
    let hay = rest.get(..len)?;
    hay.find(url).map(|i| (start + i, start + i + url.len()))
}

/// Where a reference link's URL is written: in a definition line,
/// `[label]: url` or `[label]: <url>`, away from the link itself.
fn definition(text: &str, url: &str) -> Option<(usize, usize)> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let after_label = trimmed
            .starts_with('[')
            .then(|| trimmed.split_once("]:"))
            .flatten();
        if let Some((_, rest)) = after_label {
            let dest = rest.trim_start().trim_start_matches('<');
            let ends = dest.strip_prefix(url).map(|after| after.chars().next());
            if let Some(None | Some('>' | ' ' | '\t' | '\r' | '\n')) = ends {
                let start = offset + line.len() - dest.len();
                return Some((start, start + url.len()));
            }
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Aliases;

    fn parse(text: &str) -> Document {
        Document::parse(
            "a.md".into(),
            "a.md".into(),
            text.as_bytes().to_vec(),
            &Aliases::default(),
        )
    }

    #[test]
    fn finds_urls_in_body_and_front_matter() {
        let doc = parse(
            "---\nowner: ops\nrelated: [\"https://wiki.example/x\"]\ndashboard: https://grafana.example/d/1\n---\n\
             # Title\n\nSee [docs](https://docs.example/a#b), <https://auto.example/>,\n\
             [local](other.md), [mail](mailto:a@b), [tpl](https://{{ host }}/x).\n",
        );
        let mut urls: Vec<(String, usize)> = collect(&doc)
            .into_iter()
            .map(|u| (u.url, u.span.start.line))
            .collect();
        urls.sort();
        assert_eq!(
            urls,
            vec![
                ("https://auto.example/".to_string(), 8),
                ("https://docs.example/a#b".to_string(), 8),
                ("https://grafana.example/d/1".to_string(), 4),
                ("https://wiki.example/x".to_string(), 3),
            ]
        );
    }

    #[test]
    fn locates_the_url_text() {
        let text = "# T\n\nSee [docs](https://docs.example/a).\n";
        let doc = parse(text);
        let found = collect(&doc);
        let (start, end) = found[0].range.expect("located");
        assert_eq!(&text[start..end], "https://docs.example/a");
    }

    #[test]
    fn locates_a_reference_link_in_its_definition() {
        let text = "# T\n\nSee [the guide][g].\n\n[g]: <https://docs.example/b> \"Guide\"\n";
        let doc = parse(text);
        let found = collect(&doc);
        let (start, end) = found[0].range.expect("located");
        assert_eq!(&text[start..end], "https://docs.example/b");
    }
}
