//! The site's templates and static assets: built into the binary so
//! `runbook build` works anywhere, overridable file by file from the
//! folder `book.toml` names (`[build] templates`, default `templates/`).

use std::collections::HashMap;
use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use super::template_limits;
use crate::files::{Boundary, read_text_inside};

/// Tera templates, by name, as shipped.
const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("macros.html", include_str!("../../templates/macros.html")),
    ("runbook.html", include_str!("../../templates/runbook.html")),
    ("index.html", include_str!("../../templates/index.html")),
    (
        "dashboard.html",
        include_str!("../../templates/dashboard.html"),
    ),
    ("list.html", include_str!("../../templates/list.html")),
    ("search.html", include_str!("../../templates/search.html")),
    ("404.html", include_str!("../../templates/404.html")),
];

/// Files copied as they are into `assets/`.
const ASSETS: &[(&str, &str)] = &[
    (
        "style.css",
        include_str!("../../templates/assets/style.css"),
    ),
    ("site.js", include_str!("../../templates/assets/site.js")),
    (
        "search.js",
        include_str!("../../templates/assets/search.js"),
    ),
];

pub struct Templates {
    tera: tera::Tera,
    /// Every template's text (shipped or overridden), to point errors at lines.
    sources: Vec<(String, String)>,
    pub assets: Vec<(String, Vec<u8>)>,
}

impl Templates {
    /// The shipped templates, each replaced by the file of the same name in
    /// `dir` when there is one; `dir/assets/` likewise for assets.
    pub fn load(dir: &Path, boundary: &Boundary) -> Result<Templates, String> {
        let read = |name: &str, shipped: &str| -> Result<String, String> {
            let path = dir.join(name);
            if !path.exists() {
                return Ok(shipped.to_string());
            }
            read_text_inside(&path, boundary)
                .map_err(|e| format!("template `{}`: {e}", path.display()))
        };
        let mut sources = Vec::new();
        for (name, shipped) in TEMPLATES {
            sources.push((name.to_string(), read(name, shipped)?));
        }
        let mut assets = Vec::new();
        for (name, shipped) in ASSETS {
            let text = read(&format!("assets/{name}"), shipped)?;
            assets.push((name.to_string(), text.into_bytes()));
        }
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![".html"]);
        // Tera's one way out of the templates: a template changed in a pull
        // request could publish the build's secrets, and the site would no
        // longer be the same for the same input.
        tera.register_function("get_env", |_: &HashMap<String, tera::Value>| {
            Err(tera::Error::msg(
                "`get_env` is turned off: the site must not depend on, or publish, the build machine's environment",
            ))
        });
        for (name, text) in &sources {
            template_limits::check_text(name, text)?;
        }
        tera.add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .map_err(|e| describe(&e, &sources))?;
        template_limits::check_recursion(&tera)?;
        Ok(Templates {
            tera,
            sources,
            assets,
        })
    }

    pub fn render(&self, name: &str, context: &tera::Context) -> Result<String, String> {
        self.tera
            .render(name, context)
            .map_err(|e| describe(&e, &self.sources))
    }

    /// The stylesheet's text, for pages that must stand alone (404).
    pub fn asset_text(&self, name: &str) -> &str {
        self.assets
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, bytes)| std::str::from_utf8(bytes).ok())
            .unwrap_or("")
    }
}

static QUOTED_NAME: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"'([^']+\.html)'").unwrap());
static LINE_COL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"--> (\d+):(\d+)").unwrap());
static QUOTED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"`([^`]+)`|'([^']+)'").unwrap());
static SOURCE_LINE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(\d+\s*)?\|").unwrap());

/// A Tera error as one line a user can act on: `template `x.html`, line N:
/// cause`. Tera gives line numbers for syntax errors only; for a render
/// error the line is where the failing expression is written.
fn describe(error: &tera::Error, sources: &[(String, String)]) -> String {
    let mut messages = vec![error.to_string()];
    let mut cause = std::error::Error::source(error);
    while let Some(e) = cause {
        messages.push(e.to_string());
        cause = e.source();
    }
    let all = messages.join("\n");
    let template = QUOTED_NAME
        .captures_iter(&all)
        .last()
        .map(|c| c[1].to_string());
    let line = LINE_COL
        .captures(&all)
        .and_then(|c| c[1].parse::<usize>().ok())
        .or_else(|| {
            let template = template.as_deref()?;
            let (_, text) = sources.iter().find(|(n, _)| n == template)?;
            let last = messages.last()?;
            QUOTED
                .captures_iter(last)
                .filter_map(|c| c.get(1).or_else(|| c.get(2)))
                .map(|m| m.as_str())
                .filter(|quoted| *quoted != template)
                .find_map(|quoted| text.lines().position(|l| l.contains(quoted)))
                .map(|i| i + 1)
        });
    let cause = messages
        .iter()
        .rev()
        .find(|m| !m.trim().is_empty())
        .map(|m| {
            m.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.contains("-->") && !SOURCE_LINE.is_match(l))
                .map(|l| l.trim_start_matches("= "))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default();
    match (template, line) {
        (Some(t), Some(l)) => format!("template `{t}`, line {l}: {cause}"),
        (Some(t), None) => format!("template `{t}`: {cause}"),
        _ => format!("templates: {cause}"),
    }
}

/// Every shipped file by its path in a templates folder: what `runbook init`
/// writes for a team to customise.
pub fn shipped_files() -> impl Iterator<Item = (String, &'static str)> {
    let templates = TEMPLATES
        .iter()
        .map(|(name, text)| (name.to_string(), *text));
    templates.chain(
        ASSETS
            .iter()
            .map(|(name, text)| (format!("assets/{name}"), *text)),
    )
}
