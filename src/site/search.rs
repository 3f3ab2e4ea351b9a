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
    pub title: String,
    pub title_anchor: Option<&'a str>,
    pub owners: Vec<&'a str>,
    pub status: &'a str,
    pub tags: Vec<&'a str>,
    /// The review state in words (`overdue by 3 days`), shown with results.
    pub review: &'a str,
    /// The review state as a filter value: `overdue`, `due-soon`, `current`, ...
    pub state: &'a str,
    pub due: &'a str,
    pub body: &'a str,
}

/// Where shard `i` of the index lives: the first is the bundle the search
/// page loads, the others are merged into it in the browser.
pub fn shard_dir(i: usize) -> String {
    if i == 0 {
        "pagefind".to_string()
    } else {
        format!("pagefind/shard-{i}")
    }
}

/// How many shards `pages` runbooks make.
pub fn shard_count(pages: usize, shard_pages: usize) -> usize {
    pages.div_ceil(shard_pages.max(1)).max(1)
}

/// Indexes the records, `shard_pages` at a time, each shard a separate
/// Pagefind index handed to `write` file by file (paths relative to the
/// site root) and dropped once written. Pagefind keeps about half
/// a megabyte per page in memory until an index is written; shards bound
/// that, and Pagefind's `mergeIndex` searches them as one.
pub fn build(
    records: &[Record<'_>],
    language: &str,
    shard_pages: usize,
    write: &WriteFile<'_>,
) -> Result<(), String> {
    let all: Vec<usize> = (0..shard_count(records.len(), shard_pages)).collect();
    build_shards(records, language, shard_pages, &all, write)
}

/// Indexes only the shards numbered in `only`: after a save, `runbook
/// serve` re-indexes the shard that holds the page, not the whole site.
pub fn build_shards(
    records: &[Record<'_>],
    language: &str,
    shard_pages: usize,
    only: &[usize],
    write: &WriteFile<'_>,
) -> Result<(), String> {
    let shard_pages = shard_pages.max(1);
    let shards = only.len();
    // Pagefind indexes one page at a time within an index; shards are
    // independent, so two are built at once. Two, not one per core: each
    // shard in flight holds its pages' index in memory.
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, INDEXERS)
        .min(shards);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failed = std::sync::Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                let outcome = (|| {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .map_err(|e| format!("search index: cannot start the runtime: {e}"))?;
                    loop {
                        let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if n >= shards || failed.lock().is_ok_and(|f| f.is_some()) {
                            return Ok(());
                        }
                        let i = only[n];
                        let start = (i * shard_pages).min(records.len());
                        let end = (start + shard_pages).min(records.len());
                        let files = runtime.block_on(index(&records[start..end], language))?;
                        write_shard(i, files, write)?;
                    }
                })();
                if let Err(e) = outcome
                    && let Ok(mut slot) = failed.lock()
                {
                    slot.get_or_insert(e);
                }
            });
        }
    });
    match failed.into_inner() {
        Ok(Some(e)) => Err(e),
        _ => Ok(()),
    }
}

/// Writes one file of the site, given its path from the site root.
pub type WriteFile<'a> = dyn Fn(&str, &[u8]) -> Result<(), String> + Sync + 'a;

/// Shards built at the same time.
const INDEXERS: usize = 2;

fn write_shard(
    i: usize,
    files: Vec<(String, Vec<u8>)>,
    write: &WriteFile<'_>,
) -> Result<(), String> {
    let dir = shard_dir(i);
    for (name, bytes) in files {
        // Merged shards use the first shard's scripts and WebAssembly.
        let data =
            name.contains('/') || name.ends_with(".pf_meta") || name == "pagefind-entry.json";
        if i == 0 || data {
            write(&format!("{dir}/{name}"), &bytes)?;
        }
    }
    Ok(())
}

async fn index(records: &[Record<'_>], language: &str) -> Result<Vec<(String, Vec<u8>)>, String> {
    let options = PagefindServiceConfig::builder()
        .keep_index_url(true)
        .force_language(language.to_string())
        .build();
    let mut index = PagefindIndex::new(Some(options)).map_err(|e| format!("search index: {e}"))?;
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
        .map(|f| (f.filename.to_string_lossy().replace('\\', "/"), f.contents))
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
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
    tag("meta", "title", &record.title);
    tag("meta", "owner", &record.owners.join(", "));
    tag("meta", "status", record.status);
    tag("meta", "review", record.review);
    tag("meta", "due", record.due);
    for owner in &record.owners {
        tag("filter", "owner", owner);
    }
    if !record.status.is_empty() {
        tag("filter", "status", record.status);
    }
    for t in &record.tags {
        tag("filter", "tag", t);
    }
    tag("filter", "review", record.state);
    html.push_str("</div><main data-pagefind-body>");
    let id = record
        .title_anchor
        .map(|a| format!(" id=\"{}\"", html_escape(a)))
        .unwrap_or_default();
    html.push_str(&format!("<h1{id}>{}</h1>", html_escape(&record.title)));
    push_without_long_ids(&mut html, record.body);
    html.push_str("</main></body></html>");
    html
}

/// Ids longer than this are left out of what the index reads.
const MAX_INDEXED_ID: usize = 512;

/// `body` without its `id` attributes longer than [`MAX_INDEXED_ID`]:
/// Pagefind copies the id of the element a text is in for each piece of
/// that text, so a heading of megabytes, whose slug is as long, took
/// minutes. Such a section is found by search without its anchor; the
/// page itself keeps its id.
fn push_without_long_ids(html: &mut String, body: &str) {
    const ID: &str = " id=\"";
    let mut copied = 0;
    let mut from = 0;
    while let Some(at) = body[from..].find(ID).map(|a| from + a) {
        let value = at + ID.len();
        let end = body[value..].find('"').map_or(body.len(), |e| value + e);
        if end - value > MAX_INDEXED_ID {
            html.push_str(&body[copied..at]);
            copied = (end + 1).min(body.len());
        }
        from = end;
    }
    html.push_str(&body[copied..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_ids_are_left_out_of_what_the_index_reads() {
        let long = "word-".repeat(200);
        let body = format!(
            "<h2 id=\"setup\">Setup</h2><h2 id=\"{long}\">{}</h2><p id=\"x\">after</p>",
            long.replace('-', " ")
        );
        let mut html = String::new();
        push_without_long_ids(&mut html, &body);
        assert_eq!(
            html,
            format!(
                "<h2 id=\"setup\">Setup</h2><h2>{}</h2><p id=\"x\">after</p>",
                long.replace('-', " ")
            )
        );
    }
}
