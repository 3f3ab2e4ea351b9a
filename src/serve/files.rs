//! Static files from the output folder. A request path is decoded segment
//! by segment; any segment that is `.`, `..`, hidden, or hides a separator
//! (`%2f`, `%5c`) is refused, and the file finally opened must still be
//! inside the output folder once symlinks are resolved. Refusals are 404s:
//! the server says nothing about what exists outside.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::Response;

/// The 404 page before any build made one (the first build failed): HTML,
/// so that while serving it gets the live script, which shows why and
/// reloads once a save fixes it.
const NOT_BUILT: &str = "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>404 not found</title></head>\n\
<body data-kind=\"not-built\"><h1>404 not found</h1>\n\
<p>No page here: the site has not been built into this folder yet.</p>\n</body></html>\n";

pub async fn serve(State(root): State<Arc<PathBuf>>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        let mut response = plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let head = method == Method::HEAD;
    let path = uri.path().to_string();
    let answer = tokio::task::spawn_blocking(move || {
        let located = locate(&root, &path);
        let folder = located.as_ref().is_some_and(|(_, folder)| *folder);
        // A folder's page is sent from `/dir/`, where its relative links
        // lead where they should; `a.html/` and `index.html/` are not
        // folders.
        if folder && !path.ends_with('/') {
            return Err(());
        }
        let found = located
            .map(|(file, _)| file)
            .filter(|_| folder || !path.ends_with('/'));
        Ok(
            match found.and_then(|file| Some((std::fs::read(&file).ok()?, file))) {
                Some((bytes, file)) => (StatusCode::OK, content_type(&file), bytes),
                None => (
                    StatusCode::NOT_FOUND,
                    "text/html; charset=utf-8",
                    std::fs::read(root.join("404.html"))
                        .unwrap_or_else(|_| NOT_BUILT.as_bytes().to_vec()),
                ),
            },
        )
    })
    .await;
    match answer {
        Ok(Ok((status, kind, bytes))) => file_response(status, kind, bytes, head),
        Ok(Err(())) => to_folder(&uri),
        Err(_) => plain(StatusCode::INTERNAL_SERVER_ERROR, "internal error\n"),
    }
}

/// A permanent redirect to the folder's own URL, query kept.
fn to_folder(uri: &Uri) -> Response {
    // One leading `/`: `//host/` would be another site's address.
    let mut location = format!("/{}/", uri.path().trim_start_matches('/'));
    if let Some(query) = uri.query() {
        location.push('?');
        location.push_str(query);
    }
    let mut response = plain(StatusCode::PERMANENT_REDIRECT, "moved\n");
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

fn file_response(status: StatusCode, kind: &'static str, bytes: Vec<u8>, head: bool) -> Response {
    let length = bytes.len();
    let body = if head {
        Body::empty()
    } else {
        Body::from(bytes)
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    file_response(
        status,
        "text/plain; charset=utf-8",
        text.as_bytes().to_vec(),
        false,
    )
}

/// The file a request path names inside `root` (already canonical), or
/// `None` when it names nothing there.
pub fn resolve(root: &Path, request_path: &str) -> Option<PathBuf> {
    locate(root, request_path).map(|(file, _)| file)
}

/// What a folder's URL shows: its `index.html` (from `index.md`), else the
/// page of its README, as GitHub shows a folder's README. The README's page
/// sits in the folder, so its relative links work from the folder's URL.
const FOLDER_PAGES: [&str; 3] = ["index.html", "README.html", "readme.html"];

/// [`resolve`], and whether the path named a folder (the file is its
/// page, [`FOLDER_PAGES`]).
fn locate(root: &Path, request_path: &str) -> Option<(PathBuf, bool)> {
    let mut path = root.to_path_buf();
    for segment in request_path.split('/').filter(|s| !s.is_empty()) {
        let decoded = percent_encoding::percent_decode_str(segment)
            .decode_utf8()
            .ok()?;
        if decoded.starts_with('.') || decoded.contains(['/', '\\', '\0']) {
            return None;
        }
        path.push(&*decoded);
    }
    let folder = path.is_dir();
    if folder {
        let page = FOLDER_PAGES
            .iter()
            .find(|name| path.join(name).is_file())
            .unwrap_or(&FOLDER_PAGES[0]);
        path.push(page);
    }
    let real = path.canonicalize().ok()?;
    (real.starts_with(root) && real.is_file()).then_some((real, folder))
}

/// Content types by extension: the site's own files, and what runbooks
/// link to and the site copies (forms, diagrams, scripts, configs), which
/// the browser then shows instead of downloading (the responses say
/// `nosniff`). Code and configs are plain text, never run. Pagefind's
/// index chunks are binary.
pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "avif" => "image/avif",
        "pdf" => "application/pdf",
        "csv" => "text/csv; charset=utf-8",
        "txt" | "md" | "markdown" | "log" | "sh" | "bash" | "zsh" | "ps1" | "py" | "rb" | "go"
        | "sql" | "yaml" | "yml" | "toml" | "ini" | "cfg" | "conf" | "env" | "tf" | "hcl"
        | "xml" | "diff" | "patch" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}
