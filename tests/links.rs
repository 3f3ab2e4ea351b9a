//! Links to folders, as GitHub and the site show them: a fragment is
//! looked for in the page shown for the folder (its README, else its
//! `index.md`), and a folder is suggested by a link that works.

mod common;

use common::lint_json;

const FRONT: &str = "---\ntitle: T\nowner: team-a\nlast_reviewed: 2026-11-01\nstatus: draft\n---\n";

fn write(dir: &std::path::Path, rel: &str, body: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, format!("{FRONT}{body}\n\n## Rollback\n\nUndo.\n")).unwrap();
}

/// (path, line, rule, message, help) of each finding.
fn findings(dir: &std::path::Path) -> Vec<(String, u64, String, String, String)> {
    let (report, _) = lint_json(dir, &[]);
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let s = |k: &str| d[k].as_str().unwrap_or_default().to_string();
            (
                s("path"),
                d["line"].as_u64().unwrap(),
                s("rule"),
                s("message"),
                s("help"),
            )
        })
        .collect()
}

#[test]
fn a_fragment_on_a_folder_link_is_checked_in_the_folders_page() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    write(dir, "db/README.md", "# Databases");
    write(dir, "web/index.md", "# Web");
    write(dir, "bare/notes.md", "# Notes");
    write(
        dir,
        "a.md",
        "# A\n\n[1](db/#rollback) [2](db#databases) [3](web/#web)\n\n\
         [4](db/#point-in-time-restore) [5](web#nowhere) [6](bare/#anything)",
    );
    let found = findings(dir);
    let anchors: Vec<(u64, &str)> = found
        .iter()
        .filter(|f| f.2 == "broken-anchor")
        .map(|f| (f.1, f.3.as_str()))
        .collect();
    assert_eq!(
        anchors,
        [
            (
                11,
                "`#point-in-time-restore` matches no heading in `db/README.md`"
            ),
            (11, "`#nowhere` matches no heading in `web/index.md`"),
        ],
        "{found:#?}"
    );
    assert_eq!(found.len(), 2, "{found:#?}");
}

#[test]
fn the_pages_own_folder_is_suggested_as_dot_slash() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    write(
        dir,
        "db/backup.md",
        "# Backup\n\nEverything [in this folder](db/).",
    );
    let found = findings(dir);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].2, "broken-link");
    assert_eq!(found[0].4, "did you mean `./`?");
}

/// A broken fragment suggests the page's raw HTML anchors too (a
/// `<h2>` heading, an `id`), on the same page as in another one.
#[test]
fn a_broken_fragment_suggests_raw_html_anchors() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    let html = "<h2>Emergency contacts</h2>\n\n<div id=\"escalation-matrix\"></div>";
    write(
        dir,
        "a.md",
        &format!(
            "# A\n\n{html}\n\n[1](#emergency-contact) [2](#escalation-matrx) [3](b.md#emergency-contact)"
        ),
    );
    write(dir, "b.md", &format!("# B\n\n{html}"));
    let helps: Vec<(String, String)> = findings(dir)
        .into_iter()
        .filter(|f| f.2 == "broken-anchor")
        .map(|f| (f.3, f.4))
        .collect();
    assert_eq!(
        helps,
        [
            (
                "`#emergency-contact` matches no heading on this page".to_string(),
                "did you mean `#emergency-contacts`?".to_string()
            ),
            (
                "`#escalation-matrx` matches no heading on this page".to_string(),
                "did you mean `#escalation-matrix`?".to_string()
            ),
            (
                "`#emergency-contact` matches no heading in `b.md`".to_string(),
                "did you mean `#emergency-contacts`?".to_string()
            ),
        ]
    );
}
