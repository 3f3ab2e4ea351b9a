//! The full-text index, built in process with Pagefind's library: no Node,
//! no downloaded binary. Each runbook goes in as lean HTML (its rendered
//! body, headings with their ids so results can jump to a section, and its
//! front matter as Pagefind meta and filters); the crate returns the index
//! and its own browser assets, written out under `pagefind/`.

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

use super::render::html_escape;

/// One runbook as the index sees it.
pub struct Record<'a> {
    /// The page, from the site root, without a leading `/`.
    pub url: &'a str,
    pub title: &'a str,
    pub title_anchor: Option<&'a str>,
    pub owners: &'a [String],
    pub status: &'a str,
    pub tags: &'a [String],
    /// The review state label: `overdue`, `due soon`, ...
    pub review: &'a str,
    pub due: &'a str,
    pub body: &'a str,
}

/// Indexes every record and returns the files to write, paths relative to
/// the site root.
pub fn build(records: &[Record<'_>], language: &str) -> Result<Vec<(String, Vec<u8>)>, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("search index: cannot start the runtime: {e}"))?;
    runtime.block_on(async {
        let options = PagefindServiceConfig::builder()
            .keep_index_url(true)
            .force_language(language.to_string())
            .build();
        let mut index =
            PagefindIndex::new(Some(options)).map_err(|e| format!("search index: {e}"))?;
        for record in records {
            index
                .add_html_file(None, Some(format!("/{}", record.url)), lean_html(record))
                .await
                .map_err(|e| format!("search index: {}: {e}", record.url))?;
        }
        let files = index
            .get_files()
            .await
            .map_err(|e| format!("search index: {e}"))?;
        let mut out: Vec<(String, Vec<u8>)> = files
            .into_iter()
            .map(|f| {
                let name = f.filename.to_string_lossy().replace('\\', "/");
                (format!("pagefind/{name}"), f.contents)
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    })
}

fn lean_html(record: &Record<'_>) -> String {
    let mut html = String::with_capacity(record.body.len() + 512);
    html.push_str("<html><body><div data-pagefind-ignore>");
    let mut tag = |kind: &str, key: &str, value: &str| {
        html.push_str(&format!(
            "<span data-pagefind-{kind}=\"{key}\">{}</span>",
            html_escape(value)
        ));
    };
    tag("meta", "title", record.title);
    tag("meta", "owner", &record.owners.join(", "));
    tag("meta", "status", record.status);
    tag("meta", "review", record.review);
    tag("meta", "due", record.due);
    for owner in record.owners {
        tag("filter", "owner", owner);
    }
    if !record.status.is_empty() {
        tag("filter", "status", record.status);
    }
    for t in record.tags {
        tag("filter", "tag", t);
    }
    tag("filter", "review", record.review);
    html.push_str("</div><main data-pagefind-body>");
    let id = record
        .title_anchor
        .map(|a| format!(" id=\"{}\"", html_escape(a)))
        .unwrap_or_default();
    html.push_str(&format!("<h1{id}>{}</h1>", html_escape(record.title)));
    html.push_str(record.body);
    html.push_str("</main></body></html>");
    html
}
