//! A runbook's body rendered to HTML, from arbitrary bytes, with raw HTML
//! not allowed (the default): whatever the Markdown and raw HTML say, the
//! page gets no element that runs script, no event-handler attribute and no
//! URL with a script scheme. The output is read back with html5ever's
//! tokenizer, which decodes entities the way a browser does, so the check
//! does not share the renderer's own idea of what is dangerous.
//!
//! To see the check itself catch script, run an input such as
//! `<img src=x onerror=alert(1)>` with `RENDER_ALLOW_HTML=1`, which renders
//! as a book with `allow-html = true` does: it must crash.
#![no_main]

use std::cell::RefCell;
use std::path::PathBuf;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, StartTag, TagToken, Token, TokenSink, TokenSinkResult, Tokenizer,
};
use libfuzzer_sys::fuzz_target;
use pulldown_cmark::Event;
use runbook::config::Aliases;
use runbook::document::{Document, EventSink};
use runbook::site::assets::AssetMap;
use runbook::site::render::{self, PageMap, Targets};

/// Elements that run script or load active content.
const ACTIVE: &[&str] = &[
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "meta", "link",
    "form", "svg", "math", "template", "style", "noscript",
];

/// Attributes whose value a browser follows as a URL.
const URL_ATTRIBUTES: &[&str] = &[
    "href", "src", "action", "formaction", "srcset", "data", "poster", "background", "xlink:href",
];

#[derive(Default)]
struct Problems(RefCell<Vec<String>>);

impl TokenSink for Problems {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let TagToken(tag) = token else {
            return TokenSinkResult::Continue;
        };
        if tag.kind != StartTag {
            return TokenSinkResult::Continue;
        }
        let mut problems = self.0.borrow_mut();
        let name = tag.name.to_ascii_lowercase();
        if ACTIVE.contains(&name.as_str()) {
            problems.push(format!("<{name}> element"));
        }
        for attr in &tag.attrs {
            let attr_name = attr.name.local.to_ascii_lowercase();
            if attr_name.starts_with("on") {
                problems.push(format!("<{name} {attr_name}=...> event handler"));
            }
            if URL_ATTRIBUTES.contains(&attr_name.as_str()) && script_url(&attr.value) {
                problems.push(format!("<{name} {attr_name}={:?}> script URL", &*attr.value));
            }
        }
        TokenSinkResult::Continue
    }
}

/// A URL as a browser reads its scheme: leading spaces and controls
/// dropped, tabs and newlines removed anywhere, case ignored.
fn script_url(value: &str) -> bool {
    let compact: String = value
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:text/html", "data:image/svg"]
        .iter()
        .any(|s| compact.starts_with(s))
}

fuzz_target!(|bytes: &[u8]| {
    let mut events: Vec<Event<'static>> = Vec::new();
    let mut collect = |_: &Document, event: Event<'_>| events.push(event.into_static());
    let sink: &mut EventSink<'_> = &mut collect;
    let mut doc = Document::parse_with(
        PathBuf::from("fuzz.md"),
        "fuzz.md".to_string(),
        bytes.to_vec(),
        &Aliases::default(),
        Some(sink),
    );
    let pages = PageMap::from([
        ("fuzz.md".to_string(), "fuzz.html".to_string()),
        ("other.md".to_string(), "other.html".to_string()),
        ("ops/deploy.md".to_string(), "ops/deploy.html".to_string()),
    ]);
    let assets = AssetMap::new();
    let targets = Targets {
        pages: &pages,
        folders: &render::folders_of(&pages),
        assets: &assets,
    };
    let allow_html = std::env::var_os("RENDER_ALLOW_HTML").is_some();
    // Every `{{#include}}` brings in markup, which must reach the page as text.
    for inc in doc.body.code_blocks.iter_mut().flat_map(|b| &mut b.includes) {
        inc.read = Some(Ok("<script>alert(1)</script>\n<img src=x onerror=alert(1)>".into()));
    }
    let body = render::body(
        "fuzz.md",
        "fuzz.html",
        events,
        &doc.body.code_blocks,
        &targets,
        allow_html,
    );


    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(&body.html));
    let tokenizer = Tokenizer::new(Problems::default(), Default::default());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let problems = tokenizer.sink.0.take();
    assert!(
        problems.is_empty(),
        "the rendered body can run script: {problems:?}\n{}",
        body.html
    );
});
