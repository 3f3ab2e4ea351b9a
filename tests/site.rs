//! `runbook build` end to end on small trees written by each test.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use runbook::config::Settings;

struct Tree {
    dir: tempfile::TempDir,
}

impl Tree {
    fn new(book: &str, files: &[(&str, &str)]) -> Tree {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("book.toml"), book).unwrap();
        for (rel, text) in files {
            let path = dir.path().join("content").join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        Tree { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn build_into(&self, dest: &str) -> Result<PathBuf, String> {
        let settings = Settings::load(&self.path().join("book.toml")).unwrap();
        let dest = self.path().join(dest);
        runbook::site::build(&settings, "2026-11-25".parse().unwrap(), &dest)?;
        Ok(dest)
    }

    fn build(&self) -> PathBuf {
        self.build_into("site").expect("the site builds")
    }
}

const BOOK: &str = "[book]\ntitle = \"Ops\"\nsrc = \"content\"\n";

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn runbook(title: &str, owner: &str, reviewed: &str, body: &str) -> String {
    format!(
        "---\ntitle: {title}\nowner: {owner}\nlast_reviewed: {reviewed}\nstatus: authoritative\n---\n\n{body}"
    )
}

#[test]
fn front_matter_is_escaped_everywhere() {
    let tree = Tree::new(
        BOOK,
        &[(
            "evil.md",
            "---\ntitle: \"</title><script>alert(1)</script>\"\nowner: \"<img src=x onerror=alert(2)>\"\nlast_reviewed: 2026-11-01\nstatus: authoritative\ntags: [\"\\\"><b>x</b>\"]\n---\n\n## Steps\n\ntext\n",
        )],
    );
    let site = tree.build();
    for page in ["evil.html", "index.html", "dashboard.html"] {
        let html = read(&site, page);
        assert!(!html.contains("<script>alert(1)"), "{page}: {html}");
        assert!(!html.contains("<img src=x"), "{page}");
        assert!(!html.contains("<b>x</b>"), "{page}");
    }
    let html = read(&site, "evil.html");
    assert!(
        html.contains(
            "<title>&lt;&#x2F;title&gt;&lt;script&gt;alert(1)&lt;&#x2F;script&gt; · Ops</title>"
        ),
        "{html}"
    );
}

#[test]
fn raw_html_is_sanitized_unless_allowed() {
    let body = "## Steps\n\n<script>alert(1)</script>\n\n<img src=\"x.png\" onerror=\"alert(2)\">\n\n<div onclick=\"alert(3)\">kept text</div>\n\n[bad](javascript:alert(4))\n";
    let files = [("a.md", runbook("A", "ops", "2026-11-01", body))];
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();

    let tree = Tree::new(BOOK, &files);
    let html = read(&tree.build(), "a.html");
    for bad in ["<script>alert", "onerror", "onclick", "javascript:"] {
        assert!(!html.contains(bad), "`{bad}` survived: {html}");
    }
    assert!(html.contains("kept text"));
    assert!(html.contains("src=\"x.png\""));

    let allowed = Tree::new(&format!("{BOOK}\n[build]\nallow-html = true\n"), &files);
    let html = read(&allowed.build(), "a.html");
    assert!(html.contains("<script>alert(1)</script>"));
    assert!(html.contains("onclick=\"alert(3)\""));
}

#[test]
fn md_links_become_page_links_with_fragments() {
    let restore = runbook(
        "Restore",
        "dba",
        "2026-11-01",
        "## Verify\n\nBack to [failover](../ops/failover.md#roll-back), [top](/ops/failover.md), [here](#verify).\n",
    );
    let failover = runbook("Failover", "ops", "2026-11-01", "## Roll back\n\ntext\n");
    let tree = Tree::new(
        BOOK,
        &[("db/restore.md", &restore), ("ops/failover.md", &failover)],
    );
    let html = read(&tree.build(), "db/restore.html");
    assert!(
        html.contains(r##"href="../ops/failover.html#roll-back""##),
        "{html}"
    );
    assert!(html.contains(r##"href="../ops/failover.html""##), "{html}");
    assert!(html.contains(r##"href="#verify""##), "{html}");
    assert!(html.contains(r##"<h2 id="verify">"##), "{html}");
}

#[test]
fn rebuilds_are_byte_identical() {
    let files: Vec<(String, String)> = (0..12)
        .map(|i| {
            (
                format!("team{}/runbook-{i}.md", i % 3),
                runbook(
                    &format!("Runbook {i}"),
                    &format!("team-{}", i % 4),
                    if i % 2 == 0 {
                        "2026-01-01"
                    } else {
                        "2026-11-01"
                    },
                    &format!("## Step {i}\n\n```bash\necho {i}\n```\n\n## Roll back\n\nundo {i}\n"),
                ),
            )
        })
        .collect();
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    // Three search shards, built two at a time.
    let book = format!("{BOOK}\n[build]\nsearch-shard-pages = 5\n");
    let tree = Tree::new(&book, &files);
    let first = snapshot(&tree.build_into("one").unwrap());
    assert!(first.contains_key("pagefind/shard-2/pagefind-entry.json"));
    let second = snapshot(&tree.build_into("two").unwrap());
    assert!(first.keys().any(|k| k.starts_with("pagefind/")));
    assert!(first.len() > 20, "{:?}", first.keys());
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &first {
        assert!(bytes == &second[name], "{name} differs between builds");
    }
}

fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

#[test]
fn templates_can_be_overridden_and_errors_name_template_and_line() {
    let a = runbook("Alpha", "ops", "2026-11-01", "## One\n\ntext\n");
    let tree = Tree::new(BOOK, &[("a.md", &a)]);
    let templates = tree.path().join("templates");
    std::fs::create_dir_all(templates.join("assets")).unwrap();
    std::fs::write(
        templates.join("runbook.html"),
        "{% extends \"base.html\" %}{% block main %}<p class=\"custom\">{{ rb.title }} by {{ rb.owners.0.name }}</p>{% endblock main %}",
    )
    .unwrap();
    std::fs::write(templates.join("assets/style.css"), "body { color: teal }\n").unwrap();
    let site = tree.build();
    let html = read(&site, "a.html");
    assert!(
        html.contains("<p class=\"custom\">Alpha by ops</p>"),
        "{html}"
    );
    assert!(
        html.contains("assets/style.css"),
        "the shipped base.html is still used"
    );
    assert_eq!(read(&site, "assets/style.css"), "body { color: teal }\n");

    // A syntax error: tera's own position.
    std::fs::write(
        templates.join("runbook.html"),
        "{% extends \"base.html\" %}\n{% block main %}\n<p>{{ rb.title </p>\n{% endblock main %}\n",
    )
    .unwrap();
    let error = tree.build_into("broken").unwrap_err();
    assert!(error.contains("runbook.html"), "{error}");
    assert!(error.contains("line 3"), "{error}");

    // A render error: the line where the missing variable is used.
    std::fs::write(
        templates.join("runbook.html"),
        "{% extends \"base.html\" %}\n{% block main %}\n\n<p>{{ rb.no_such_field }}</p>\n{% endblock main %}\n",
    )
    .unwrap();
    let error = tree.build_into("broken").unwrap_err();
    assert!(error.contains("template `runbook.html`, line 4"), "{error}");
    assert!(error.contains("no_such_field"), "{error}");
}

#[test]
fn pages_show_review_state_findings_toc_and_copy_buttons() {
    let overdue = runbook(
        "Old",
        "ops",
        "2026-01-01",
        "## Detect\n\n```sh\nkubectl get pods\n```\n\n### Deeper\n\ntext\n",
    );
    let current = runbook(
        "Fresh",
        "dba",
        "2026-11-20",
        "## Steps\n\ntext\n\n## Rollback\n\nundo\n",
    );
    let tree = Tree::new(BOOK, &[("old.md", &overdue), ("fresh.md", &current)]);
    let site = tree.build();
    let old = read(&site, "old.html");
    assert!(old.contains("class=\"badge overdue\""), "{old}");
    assert!(
        old.contains("2026-04-01"),
        "due date from the 90-day default: {old}"
    );
    assert!(
        old.contains("id=\"rb:findings\""),
        "lint findings are shown"
    );
    assert!(old.contains("review-overdue"), "{old}");
    assert!(old.contains("rollback-missing"), "{old}");
    assert!(
        old.contains(r##"<a href="#deeper">Deeper</a>"##),
        "toc: {old}"
    );
    assert!(old.contains("class=\"copy\""));
    let fresh = read(&site, "fresh.html");
    assert!(!fresh.contains("class=\"badge"), "no badge when current");
    assert!(
        !fresh.contains("id=\"rb:findings\""),
        "no findings box when clean"
    );
    // Pages do not carry the whole tree: the other runbook is not named.
    assert!(!fresh.contains("Old"), "{fresh}");

    let dashboard = read(&site, "dashboard.html");
    let (first, second) = (
        dashboard.find(">Old<").unwrap(),
        dashboard.find(">Fresh<").unwrap(),
    );
    assert!(first < second, "overdue first");
    assert!(read(&site, "owners/ops.html").contains(">Old<"));
    assert!(!read(&site, "owners/ops.html").contains(">Fresh<"));
}

#[test]
fn runbooks_never_overwrite_site_files_and_links_stay_relative() {
    let index = runbook(
        "My index",
        "ops",
        "2026-11-01",
        "See [assets](assets/x.md).\n",
    );
    let asset = runbook(
        "Asset runbook",
        "ops",
        "2026-11-01",
        "Back to [index](../index.md).\n",
    );
    let tree = Tree::new(BOOK, &[("index.md", &index), ("assets/x.md", &asset)]);
    let site = tree.build();
    assert!(
        read(&site, "index.html").contains("id=\"filter\""),
        "the site index stays"
    );
    let renamed = read(&site, "index-1.html");
    assert!(renamed.contains("href=\"assets-1/x.html\""), "{renamed}");
    assert!(read(&site, "assets-1/x.html").contains("href=\"../index-1.html\""));
    assert!(read(&site, "assets/style.css").contains("prefers-color-scheme"));
    for page in [
        "index.html",
        "dashboard.html",
        "search.html",
        "index-1.html",
        "assets-1/x.html",
        "owners/ops.html",
    ] {
        let html = read(&site, page);
        assert!(
            !html.contains("href=\"/"),
            "{page} has a root-relative link"
        );
        assert!(
            !html.contains("src=\"/"),
            "{page} has a root-relative script"
        );
        assert!(
            !html.contains("http://") && !html.contains("https://"),
            "{page} loads something external"
        );
    }
}

#[test]
fn destination_that_is_a_symlink_is_refused() {
    let a = runbook("A", "ops", "2026-11-01", "text\n");
    let tree = Tree::new(BOOK, &[("a.md", &a)]);
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), tree.path().join("linked")).unwrap();
    let error = tree.build_into("linked").unwrap_err();
    assert!(error.contains("symlink"), "{error}");
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
}
