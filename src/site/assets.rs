//! Files runbooks reference that are not runbooks (`![](img/flow.png)`,
//! `<img src>`, `[form](forms/request.pdf)`): copied into the site at the
//! same relative path, so the built pages show and link them.
//!
//! Only regular files inside the source folder are copied: a target that
//! climbs out with `..`, a symlink whose real path is outside the source
//! folder, a folder or a device is left alone (the link stays as written and
//! the linter reports a missing file). Without `[build] allow-html`, HTML
//! documents are not copied either: they would reach the site unsanitized.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::document::Document;
use crate::document::markdown::LinkKind;
use crate::lint::links::{self, Target};
use crate::workspace::is_markdown;

use super::output::{Output, safe_parts};
use super::{RESERVED_DIRS, RESERVED_FILES};

/// Source path (`ops/img/flow.png`) to output path of every file a page
/// references that the site copies.
pub type AssetMap = BTreeMap<String, String>;

/// The local files `doc` references that exist inside `src` and may be
/// copied, with where they go in the site.
pub fn referenced(doc: &Document, src: &Path, allow_html: bool) -> AssetMap {
    let mut found = AssetMap::new();
    let mut real_root: Option<Option<PathBuf>> = None;
    for link in &doc.body.links {
        if matches!(link.kind, LinkKind::Autolink | LinkKind::FrontMatter) {
            continue;
        }
        let Target::Path { path, .. } = links::classify(&link.target) else {
            continue;
        };
        let Some(rel) = links::resolve(&doc.rel, &path) else {
            continue;
        };
        if rel.is_empty() || found.contains_key(&rel) || !copyable(&rel, allow_html) {
            continue;
        }
        let Some(out) = output_path(&rel) else {
            continue;
        };
        // Resolved once per page, and only for pages that reference a file.
        let root = real_root.get_or_insert_with(|| std::fs::canonicalize(src).ok());
        if root
            .as_deref()
            .is_some_and(|root| real_file(root, src, &rel).is_some())
        {
            found.insert(rel, out);
        }
    }
    found
}

/// Copies every file in `assets` (source path to output path) from `src`
/// into the site, once each, skipping output paths the site already uses.
/// Checks again at copy time that each is a regular file inside `src`.
pub fn copy(
    src: &Path,
    out: &Output,
    assets: &AssetMap,
    taken: &dyn Fn(&str) -> bool,
) -> Result<usize, String> {
    let root = std::fs::canonicalize(src)
        .map_err(|e| format!("cannot resolve `{}`: {e}", src.display()))?;
    let mut written = std::collections::HashSet::new();
    let mut copied = 0;
    for (rel, target) in assets {
        if taken(target) || !written.insert(target.as_str()) {
            continue;
        }
        let Some(real) = real_file(&root, src, rel) else {
            continue;
        };
        out.copy(target, &real).map_err(|e| {
            format!(
                "cannot copy `{}` to `{}/{target}`: {e}",
                real.display(),
                out.root().display()
            )
        })?;
        copied += 1;
    }
    Ok(copied)
}

/// Where a referenced file goes: its own path, with a top folder the site
/// itself uses renamed as for runbooks (`assets/` becomes `assets-1/`).
pub fn output_path(rel: &str) -> Option<String> {
    let mut parts: Vec<String> = rel.split('/').map(str::to_string).collect();
    if parts.len() > 1 && RESERVED_DIRS.contains(&parts[0].as_str()) {
        parts[0].push_str("-1");
    }
    if parts.len() == 1 && RESERVED_FILES.contains(&parts[0].as_str()) {
        return None;
    }
    let out = parts.join("/");
    safe_parts(&out).is_some().then_some(out)
}

fn copyable(rel: &str, allow_html: bool) -> bool {
    let path = Path::new(rel);
    if is_markdown(path) {
        return false;
    }
    let html = path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["html", "htm", "xhtml", "xht"]
            .iter()
            .any(|h| e.eq_ignore_ascii_case(h))
    });
    allow_html || !html
}

/// The real path of `src/rel` when it is a regular file whose real path,
/// symlinks resolved, is inside `real_root`.
fn real_file(real_root: &Path, src: &Path, rel: &str) -> Option<PathBuf> {
    let real = std::fs::canonicalize(src.join(rel)).ok()?;
    let inside = real.starts_with(real_root) && real != real_root;
    (inside && std::fs::metadata(&real).ok()?.is_file()).then_some(real)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_paths_keep_the_source_path_but_not_the_sites_own_names() {
        assert_eq!(output_path("img/a.png").as_deref(), Some("img/a.png"));
        assert_eq!(
            output_path("assets/logo.svg").as_deref(),
            Some("assets-1/logo.svg")
        );
        assert_eq!(output_path("index.html"), None);
        assert_eq!(output_path("a:b.png"), None);
    }

    #[test]
    fn html_documents_need_allow_html() {
        assert!(copyable("a.pdf", false));
        assert!(!copyable("a.md", true));
        assert!(!copyable("old/page.HTML", false));
        assert!(copyable("old/page.html", true));
    }
}
