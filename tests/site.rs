//! `runbook build` end to end on small trees written by each test.

mod common;

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
    let body = "## Steps\n\n<script>alert(1)</script>\n\n<img src=\"x.png\" onerror=\"alert(2)\">\n\n<div onclick=\"alert(3)\">kept text</div>\n\n[bad](javascript:alert(4))\n\n<div id=\"rb:main\">not the page's</div> <span id=\"mine\">kept id</span>\n";
    let files = [("a.md", runbook("A", "ops", "2026-11-01", body))];
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();

    let tree = Tree::new(BOOK, &files);
    let html = read(&tree.build(), "a.html");
    for bad in ["<script>alert", "onerror", "onclick", "javascript:"] {
        assert!(!html.contains(bad), "`{bad}` survived: {html}");
    }
    assert!(html.contains("kept text"));
    assert!(html.contains("src=\"x.png\""));
    // The page's own ids are the page's: one written in raw HTML is dropped.
    assert_eq!(html.matches("id=\"rb:main\"").count(), 1, "{html}");
    assert!(html.contains("<span id=\"mine\">kept id</span>"), "{html}");

    let allowed = Tree::new(&format!("{BOOK}\n[build]\nallow-html = true\n"), &files);
    let html = read(&allowed.build(), "a.html");
    assert!(html.contains("<script>alert(1)</script>"));
    assert!(html.contains("onclick=\"alert(3)\""));
}

/// A raw-text tag left open in prose ("the <script> field") would take the
/// rest of the page with it when sanitized: it shows as text, as on GitHub,
/// and every section stays (audit 2). Other HTML is sanitized as before.
#[test]
fn a_tag_left_open_in_prose_loses_nothing_after_it() {
    let mut files = Vec::new();
    for tag in [
        "script",
        "style",
        "title",
        "plaintext",
        "noscript",
        "textarea",
    ] {
        let body = format!(
            "## Steps\n\n1. Paste the token into the <{tag}> field.\n2. Click save.\n\n## Rollback\n\n```bash\nkubectl rollout undo deploy/web\n```\n"
        );
        files.push((
            format!("{tag}.md"),
            runbook(tag, "ops", "2026-11-01", &body),
        ));
    }
    let closed = "## Steps\n\n<details>\n<summary>More</summary>\n\n```bash\nls\n```\n\n</details>\n\n<script>alert(1)</script> <scripts>kept</scripts>\n\n## Rollback\n\nundo\n";
    files.push((
        "closed.md".into(),
        runbook("Closed", "ops", "2026-11-01", closed),
    ));
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(r, t)| (r.as_str(), t.as_str()))
        .collect();
    let tree = Tree::new(BOOK, &files);
    let site = tree.build();
    for tag in [
        "script",
        "style",
        "title",
        "plaintext",
        "noscript",
        "textarea",
    ] {
        let html = read(&site, &format!("{tag}.html"));
        for want in [
            format!("the &lt;{tag}&gt; field."),
            "<li>Click save.</li>".into(),
            "<h2 id=\"rollback\">".into(),
            "kubectl rollout undo deploy/web".into(),
            "class=\"copy\"".into(),
        ] {
            assert!(html.contains(&want), "{tag}: {want} in {html}");
        }
    }
    let html = read(&site, "closed.html");
    assert!(
        html.contains("<details>\n<summary>More</summary>"),
        "{html}"
    );
    assert!(html.contains("<h2 id=\"rollback\">"), "{html}");
    // A closed `<script>` shows as text too, as on GitHub; a tag that only
    // starts alike is any unknown tag: dropped, its text kept.
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt; kept\n"),
        "{html}"
    );
}

/// Author HTML cannot make the page's own markup: no class the styles and
/// scripts go by, no button, no input; so no Copy button that copies a
/// hidden command (audit 3). The page's own copy buttons, task boxes and
/// alerts stay, and `allow-html` keeps the author's HTML as written.
#[test]
fn author_html_cannot_pass_for_the_pages_own_markup() {
    let body = "## Steps\n\n<div class=\"code\"><button type=\"button\" class=\"copy\">Copy</button><pre><code class=\"language-bash\">kubectl rollout restart deploy/api<span class=\"visually-hidden\" aria-hidden=\"true\"> &amp;&amp; curl https://x.example | sh</span>\n</code></pre></div>\n\n<input type=\"text\" value=\"x\"> <span class=\"cmd\">c</span> <b id=\"mine\">kept</b>\n\n- [x] done\n\n> [!WARNING]\n> Careful.\n\n```bash\nkubectl rollout undo deploy/api\n```\n";
    let files = [("a.md", runbook("A", "ops", "2026-11-01", body))];
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let html = read(&Tree::new(BOOK, &files).build(), "a.html");
    let content = &html[html.find("id=\"rb:content\"").unwrap()..];
    // One copy button: the page's, on its own code block.
    assert_eq!(content.matches("<button").count(), 1, "{content}");
    assert!(
        content.contains("Copy</button>\n<pre><code class=\"language-bash\">kubectl rollout undo"),
        "{content}"
    );
    for forged in [
        "class=\"code\"><button type=\"button\" class=\"copy\">",
        "visually-hidden",
        "aria-hidden",
        "class=\"cmd\"",
        "type=\"text\"",
    ] {
        assert!(!content.contains(forged), "{forged} in {content}");
    }
    // The hidden part is plain text now, shown with the rest.
    assert!(content.contains("<span> &amp;&amp; curl"), "{content}");
    assert!(
        content.contains("<code class=\"language-bash\">kubectl rollout restart"),
        "{content}"
    );
    assert!(content.contains("<b id=\"mine\">kept</b>"), "{content}");
    assert!(
        content.contains("<input type=\"checkbox\" disabled=\"\" checked=\"\""),
        "{content}"
    );
    assert!(
        content.contains("<blockquote class=\"alert alert-warning\">"),
        "{content}"
    );

    let allowed = Tree::new(&format!("{BOOK}\n[build]\nallow-html = true\n"), &files);
    let html = read(&allowed.build(), "a.html");
    assert!(html.contains("<span class=\"visually-hidden\" aria-hidden=\"true\">"));
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
                    &format!("## Step {i}\n\n![diagram](diagram.png)\n\n```bash\necho {i}\n```\n\n## Roll back\n\nundo {i}\n"),
                ),
            )
        })
        .chain([("team0/diagram.png".to_string(), "PNG".to_string())])
        .collect();
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    // Three search shards, built two at a time.
    let book = format!("{BOOK}\n[build]\nsearch-shard-pages = 5\n");
    let tree = Tree::new(&book, &files);
    let first = common::snapshot(&tree.build_into("one").unwrap());
    assert!(first.contains_key("pagefind/shard-2/pagefind-entry.json"));
    assert!(first.contains_key("team0/diagram.png"));
    let second = common::snapshot(&tree.build_into("two").unwrap());
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

    // The environment stays out of the site.
    std::fs::write(
        templates.join("runbook.html"),
        "{% extends \"base.html\" %}\n{% block main %}{{ get_env(name=\"HOME\") }}{% endblock main %}\n",
    )
    .unwrap();
    let error = tree.build_into("broken").unwrap_err();
    assert!(error.contains("`get_env` is turned off"), "{error}");
}

/// A build that fails half way (here at the list pages, after every
/// runbook page is rendered) leaves the published site as it was: no page
/// of the new build, no temporary file.
#[test]
fn a_failed_build_leaves_the_site_as_it_was() {
    let tree = Tree::new(
        BOOK,
        &[("a.md", &runbook("Alpha", "ops", "2026-11-01", "v1\n"))],
    );
    let site = tree.build();
    let before = common::snapshot(&site);
    std::fs::write(
        tree.path().join("content/a.md"),
        runbook("Alpha", "ops", "2026-11-01", "v2\n"),
    )
    .unwrap();
    std::fs::write(
        tree.path().join("content/b.md"),
        runbook("Beta", "ops", "2026-11-01", "new\n"),
    )
    .unwrap();
    let templates = tree.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(templates.join("list.html"), "{{ site.no_such_field.x }}").unwrap();
    let error = tree.build_into("site").unwrap_err();
    assert!(error.contains("list.html"), "{error}");
    assert_eq!(common::snapshot(&site), before);
    std::fs::remove_file(templates.join("list.html")).unwrap();
    let site = tree.build();
    assert!(read(&site, "a.html").contains("v2"));
    assert!(read(&site, "b.html").contains("new"));
}

/// Tera parses and renders by recursion with no depth limit: a template
/// that calls itself, or nests a few thousand deep, overflowed the stack
/// and aborted `build` (and `serve`) without naming the template. Each
/// is now an error that does, before any page is written.
#[test]
fn templates_that_would_overflow_the_stack_are_refused_by_name() {
    let a = runbook("Alpha", "ops", "2026-11-01", "## One\n\ntext\n");
    let tree = Tree::new(BOOK, &[("a.md", &a)]);
    let templates = tree.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    let page = |main: &str| {
        format!(
            "{{% extends \"base.html\" %}}\n{{% import \"macros.html\" as m %}}\n{{% block main %}}\n{main}\n{{% endblock main %}}\n"
        )
    };
    let cases = [
        (
            "macros.html",
            "{% macro boom(n) %}{{ self::boom(n=n+1) }}{% endmacro boom %}".to_string(),
            "macro `boom` renders itself",
        ),
        (
            "404.html",
            "x{% include \"404.html\" %}".to_string(),
            "`404.html` renders itself",
        ),
        (
            "runbook.html",
            page(&format!(
                "{{{{ {}1{} }}}}",
                "(".repeat(20_000),
                ")".repeat(20_000)
            )),
            "line 4: a tag of 40007 bytes",
        ),
        (
            "runbook.html",
            page(&format!("{{{{ {} }}}}", vec!["1"; 50_000].join(" + "))),
            "line 4: a tag of",
        ),
        (
            "runbook.html",
            page(&format!(
                "{}x{}",
                "{% if true %}".repeat(5_000),
                "{% endif %}".repeat(5_000)
            )),
            "line 4: `{% if %}` nested 101 deep",
        ),
    ];
    for (name, text, says) in cases {
        std::fs::write(templates.join(name), &text).unwrap();
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_runbook"))
            .args(["build", "--dest", "site", "--today", "2026-11-25"])
            .current_dir(tree.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{name}: {stderr}");
        assert!(
            stderr.contains(&format!("template `{name}`")) && stderr.contains(says),
            "{name}: {stderr}"
        );
        assert!(
            !tree.path().join("site/a.html").exists(),
            "{name}: a page was written"
        );
        std::fs::remove_file(templates.join(name)).unwrap();
    }
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
        read(&site, "index.html").contains("id=\"rb:filter\""),
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

/// The manifest says which files a build may replace and delete: one
/// that is a symlink is refused, neither appended to nor trusted, as the
/// lock is (audit 5). A regular one is read as always.
#[test]
fn a_manifest_that_is_a_symlink_is_refused() {
    let tree = Tree::new(BOOK, &[("a.md", &runbook("A", "ops", "2026-11-01", "x\n"))]);
    let site = tree.path().join("site");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(site.join("notes.txt"), "my notes").unwrap();
    let list = tree.path().join("list.txt");
    std::fs::write(&list, "notes.txt\n").unwrap();
    std::os::unix::fs::symlink(&list, site.join(runbook::site::output::MANIFEST)).unwrap();
    let error = tree.build_into("site").unwrap_err();
    assert!(error.contains("is not a regular file"), "{error}");
    assert_eq!(read(tree.path(), "list.txt"), "notes.txt\n");
    assert_eq!(read(&site, "notes.txt"), "my notes");
    assert!(!site.join("a.html").exists());

    std::fs::remove_file(site.join(runbook::site::output::MANIFEST)).unwrap();
    tree.build();
    assert_eq!(read(&site, "notes.txt"), "my notes");
    assert!(read(&site, runbook::site::output::MANIFEST).contains("a.html\n"));
}

/// Headings named like the site's controls (`## Filter`, `## Search Q`)
/// take ids the page's scripts look up: the page's own start with `rb:`,
/// so none is there twice and the scripts find their controls (audit 7).
#[test]
fn heading_ids_never_clash_with_the_pages_own() {
    let headings = [
        "Filter",
        "Filter count",
        "Filter empty",
        "Q",
        "Search",
        "Search Q",
        "Search status",
        "Results",
        "Partial",
        "Partial title",
        "By folder",
        "By owner",
        "By tag",
    ];
    let body: String = headings
        .iter()
        .map(|h| format!("## {h}\n\ntext\n\n"))
        .collect();
    let intro = runbook("Start here", "ops", "2026-11-01", &body);
    let other = runbook("Other", "ops", "2026-11-01", &body);
    let tree = Tree::new(BOOK, &[("index.md", &intro), ("ops/other.md", &other)]);
    let site = tree.build();
    let id = regex::Regex::new(r#"\sid="([^"]*)""#).unwrap();
    for page in [
        "index.html",
        "index-1.html",
        "ops/other.html",
        "search.html",
        "404.html",
    ] {
        let html = read(&site, page);
        let mut ids: Vec<&str> = id
            .captures_iter(&html)
            .map(|c| c.get(1).unwrap().as_str())
            .collect();
        let all = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), all, "{page} has an id twice: {ids:?}");
    }
    let index = read(&site, "index.html");
    assert!(index.contains("<h2 id=\"filter\">"), "{index}");
    assert!(index.contains("<input id=\"rb:filter\""), "{index}");
}

#[test]
fn referenced_files_are_copied_once_at_their_path() {
    let body = "## Steps\n\n![flow](img/flow.png) ![again](./img/flow.png \"again\")\n\n![root](/shared/diagram.svg) [form](forms/request%20form.pdf#page=2)\n\n<img src=\"img/raw.png\" alt=\"raw\">\n\n![missing](img/missing.png) ![logo](../assets/logo.png)\n";
    let other = "## See\n\n![shared](../ops/img/flow.png)\n";
    let tree = Tree::new(
        BOOK,
        &[
            ("ops/a.md", &runbook("A", "ops", "2026-11-01", body)),
            ("db/b.md", &runbook("B", "dba", "2026-11-01", other)),
            ("ops/img/flow.png", "PNG flow"),
            ("ops/img/raw.png", "PNG raw"),
            ("ops/img/unused.png", "not referenced"),
            ("shared/diagram.svg", "<svg/>"),
            ("ops/forms/request form.pdf", "%PDF"),
            ("assets/logo.png", "PNG logo"),
        ],
    );
    let site = tree.build();
    for (rel, bytes) in [
        ("ops/img/flow.png", "PNG flow"),
        ("ops/img/raw.png", "PNG raw"),
        ("shared/diagram.svg", "<svg/>"),
        ("ops/forms/request form.pdf", "%PDF"),
        // `assets/` is the site's own folder: copied beside it, as runbooks are.
        ("assets-1/logo.png", "PNG logo"),
    ] {
        assert_eq!(read(&site, rel), bytes, "{rel}");
    }
    assert!(!site.join("ops/img/unused.png").exists());
    let html = read(&site, "ops/a.html");
    for want in [
        r#"src="img/flow.png" alt="flow""#,
        r#"src="../shared/diagram.svg""#,
        r##"href="forms/request%20form.pdf#page=2""##,
        r#"<img src="img/raw.png" alt="raw">"#,
        r#"src="img/missing.png""#,
        r#"src="../assets-1/logo.png""#,
    ] {
        assert!(html.contains(want), "{want} in {html}");
    }
    assert!(read(&site, "db/b.html").contains(r#"src="../ops/img/flow.png""#));
    assert!(read(&site, "assets/style.css").contains("prefers-color-scheme"));
}

/// A page shows an SVG through `<img>`, which runs no script, but a link
/// opens it as a document of the site's origin: one that could run script
/// is not published (nor XML, which can hold XHTML), and `build` says
/// which and why; `allow-html = true` publishes them as they are.
#[test]
fn files_that_would_run_script_opened_on_their_own_are_not_published() {
    let body = "![flow](flow.svg) [diagram](evil.svg) [hidden](hidden.svg) [feed](feed.xml) [news](news.rss) [split](split.svg)\n";
    let files = [
        ("ops/a.md", runbook("A", "ops", "2026-11-01", body)),
        (
            "ops/flow.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>onboarding</text></svg>".into(),
        ),
        ("ops/evil.svg", "<svg onload=\"alert(1)\"/>".into()),
        (
            "ops/hidden.svg",
            "<svg><a href=\"&#106;avascript:alert(1)\">x</a></svg>".into(),
        ),
        (
            "ops/feed.xml",
            "<x:script xmlns:x=\"http://www.w3.org/1999/xhtml\"/>".into(),
        ),
        (
            "ops/news.rss",
            "<x:script xmlns:x=\"http://www.w3.org/1999/xhtml\"/>".into(),
        ),
        ("ops/split.svg", "<svg\nonload=\"alert(1)\"/>".into()),
    ];
    let files: Vec<(&str, &str)> = files.iter().map(|(r, t)| (*r, t.as_str())).collect();
    let tree = Tree::new(BOOK, &files);
    let settings = Settings::load(&tree.path().join("book.toml")).unwrap();
    let site = tree.path().join("site");
    let built = runbook::site::build(&settings, "2026-11-25".parse().unwrap(), &site).unwrap();
    assert!(site.join("ops/flow.svg").exists());
    for refused in [
        "ops/evil.svg",
        "ops/hidden.svg",
        "ops/feed.xml",
        "ops/news.rss",
        "ops/split.svg",
    ] {
        assert!(!site.join(refused).exists(), "{refused}");
    }
    assert_eq!(built.refused.len(), 5, "{:?}", built.refused);
    assert!(
        built.refused[0].starts_with("ops/evil.svg: an SVG with an `on...` event attribute"),
        "{:?}",
        built.refused
    );
    assert!(
        built.refused[1].starts_with("ops/feed.xml: an HTML or XML document"),
        "{:?}",
        built.refused
    );
    assert!(
        built.refused[2].contains("a `javascript:` URL"),
        "{:?}",
        built.refused
    );

    let allowed = Tree::new(&format!("{BOOK}[build]\nallow-html = true\n"), &files);
    let site = allowed.build();
    for published in [
        "ops/evil.svg",
        "ops/hidden.svg",
        "ops/feed.xml",
        "ops/news.rss",
    ] {
        assert!(site.join(published).exists(), "{published}");
    }
}

#[test]
fn files_outside_the_source_folder_are_never_copied() {
    let body = "![up](../secret.png) ![abs](/etc/hostname) ![far](../../../../../../etc/hostname)\n\n<img src=\"link.png\"> ![dir](img) ![inner](inner.png) [page](old.html) [home](../)\n";
    let tree = Tree::new(
        BOOK,
        &[
            ("a.md", &runbook("A", "ops", "2026-11-01", body)),
            ("img/x.png", "x"),
            ("target.png", "inside"),
            ("old.html", "<script>alert(1)</script>"),
        ],
    );
    std::fs::write(tree.path().join("secret.png"), "secret").unwrap();
    let content = tree.path().join("content");
    std::os::unix::fs::symlink(tree.path().join("secret.png"), content.join("link.png")).unwrap();
    std::os::unix::fs::symlink(content.join("target.png"), content.join("inner.png")).unwrap();
    let settings = Settings::load(&tree.path().join("book.toml")).unwrap();
    let site = tree.path().join("site");
    let built = runbook::site::build(&settings, "2026-11-25".parse().unwrap(), &site).unwrap();
    // Each left out is named: the links out of the source folder are
    // broken on the site (audit 4), the others are refused.
    assert_eq!(
        built.refused,
        [
            "../../../../../../etc/hostname (linked from a.md): outside the source folder, \
             which is all the site publishes; the link is broken there",
            "../secret.png (linked from a.md): outside the source folder, which is all the \
             site publishes; the link is broken there",
            "link.png: a symlink to a file outside the source folder",
            "old.html: an HTML or XML document, which could run script in the site's origin \
             (`[build] allow-html = true` publishes it as it is)",
        ]
    );
    let files: Vec<String> = common::snapshot(&site)
        .into_keys()
        .filter(|k| {
            !k.starts_with("pagefind/")
                && !k.starts_with("assets/")
                && !k.ends_with(".html")
                && k != runbook::site::output::MANIFEST
                && k != runbook::site::output::LOCK
        })
        .collect();
    // A symlink that stays inside the tree is copied as the file it names.
    assert_eq!(files, ["inner.png"], "copied: {files:?}");
    assert_eq!(read(&site, "inner.png"), "inside");
    for (name, bytes) in common::snapshot(&site) {
        assert!(bytes != b"secret", "{name} holds the secret");
    }
    assert!(
        !site.join("old.html").exists(),
        "HTML files need allow-html"
    );
    let html = read(&site, "a.html");
    assert!(
        html.contains(r#"src="../secret.png""#),
        "left as written: {html}"
    );

    let allowed = Tree::new(
        &format!("{BOOK}\n[build]\nallow-html = true\n"),
        &[
            (
                "a.md",
                &runbook("A", "ops", "2026-11-01", "[page](old.html)\n"),
            ),
            ("old.html", "<p>old</p>"),
        ],
    );
    assert_eq!(read(&allowed.build(), "old.html"), "<p>old</p>");
}

/// The site publishes only what the linter finds: nothing in `.git`
/// (where `actions/checkout` keeps its token), nothing git ignores, no
/// symlink to either, and `build` names each with why (audit 1).
#[test]
fn files_in_git_or_ignored_by_it_are_never_published() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let body = "## Steps

[config](.git/config) [via link](gitlink/config) [cfg](cfg.txt) [secret](secret.txt) [env](.env) [env link](env.txt) [logs](logs/app.log)

[example](.env.example) ![flow](img/flow.png) [flow link](flow.png)
";
    let files = [
        (
            "book.toml",
            "[book]\ntitle = \"Ops\"\nsrc = \".\"\n".to_string(),
        ),
        ("a.md", runbook("A", "ops", "2026-11-01", body)),
        (".git/config", "extraheader = AUTHORIZATION: TOKEN\n".into()),
        (".gitignore", "secret.txt\n.env\nlogs/\n".into()),
        ("secret.txt", "TOKEN=abc\n".into()),
        (".env", "TOKEN=env\n".into()),
        ("logs/app.log", "TOKEN in a log\n".into()),
        (".env.example", "TOKEN_NAME=\n".into()),
        ("img/flow.png", "PNG".into()),
    ];
    for (rel, text) in &files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    for (target, link) in [
        (".git", "gitlink"),
        (".git/config", "cfg.txt"),
        (".env", "env.txt"),
        ("img/flow.png", "flow.png"),
    ] {
        std::os::unix::fs::symlink(root.join(target), root.join(link)).unwrap();
    }
    let settings = Settings::load(&root.join("book.toml")).unwrap();
    let site = root.join("site");
    let built = runbook::site::build(&settings, "2026-11-25".parse().unwrap(), &site).unwrap();
    for (name, bytes) in common::snapshot(&site) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("TOKEN="), "{name} was published");
        assert!(!text.contains("AUTHORIZATION"), "{name} was published");
    }
    // Hidden but not ignored, and a symlink inside the book: published.
    assert_eq!(read(&site, ".env.example"), "TOKEN_NAME=\n");
    assert_eq!(read(&site, "img/flow.png"), "PNG");
    assert_eq!(read(&site, "flow.png"), "PNG");
    assert_eq!(
        built.refused,
        [
            ".env: ignored by git, so not part of the book",
            ".git/config: in `.git`, which is never published",
            "cfg.txt: in `.git`, which is never published",
            "env.txt: ignored by git, so not part of the book",
            "gitlink/config: in `.git`, which is never published",
            "logs/app.log: ignored by git, so not part of the book",
            "secret.txt: ignored by git, so not part of the book",
        ]
    );
}

/// A runbook the walk refuses (a symlink out of the repository, a broken
/// one) has no page: `build` names it, as it names one it cannot read
/// (audit 9). A symlink inside the book is rendered as the file it names.
#[test]
fn runbooks_the_walk_refuses_are_named() {
    let tree = Tree::new(
        BOOK,
        &[
            (
                "links.md",
                &runbook(
                    "Links",
                    "ops",
                    "2026-11-01",
                    "[pw](pw.md) [gone](gone.md) [real](real.md)\n",
                ),
            ),
            ("real.md", &runbook("Real", "ops", "2026-11-01", "x\n")),
        ],
    );
    let content = tree.path().join("content");
    let outside = tempfile::NamedTempFile::new().unwrap();
    std::os::unix::fs::symlink(outside.path(), content.join("pw.md")).unwrap();
    std::os::unix::fs::symlink(content.join("missing.md"), content.join("gone.md")).unwrap();
    std::os::unix::fs::symlink(content.join("real.md"), content.join("alias.md")).unwrap();
    let settings = Settings::load(&tree.path().join("book.toml")).unwrap();
    let site = tree.path().join("site");
    let built = runbook::site::build(&settings, "2026-11-25".parse().unwrap(), &site).unwrap();
    assert_eq!(built.skipped.len(), 2, "{:?}", built.skipped);
    assert!(
        built.skipped[0].contains("gone.md: broken symlink"),
        "{:?}",
        built.skipped
    );
    assert!(
        built.skipped[1].contains("pw.md: is a symlink to"),
        "{:?}",
        built.skipped
    );
    assert!(!site.join("pw.html").exists() && !site.join("gone.html").exists());
    assert!(site.join("real.html").exists());
}

#[test]
fn md_links_in_raw_html_become_page_links() {
    let restore = runbook(
        "Restore",
        "dba",
        "2026-11-01",
        "## Verify\n\n<p>Back to <a href=\"../ops/failover.md#roll-back\">failover</a>.</p>\n\nInline <a href='/ops/failover.md'>top</a>.\n",
    );
    let failover = runbook("Failover", "ops", "2026-11-01", "## Roll back\n\ntext\n");
    let files = [("db/restore.md", &restore), ("ops/failover.md", &failover)];
    for book in [
        BOOK.to_string(),
        format!("{BOOK}\n[build]\nallow-html = true\n"),
    ] {
        let tree = Tree::new(&book, &files.map(|(p, t)| (p, t.as_str())));
        let html = read(&tree.build(), "db/restore.html");
        // The sanitizer adds `rel`; allowed HTML keeps its own quotes.
        assert!(
            html.contains(r##"<a href="../ops/failover.html#roll-back""##),
            "{book}: {html}"
        );
        assert!(
            html.contains(r#"<a href="../ops/failover.html""#)
                || html.contains("<a href='../ops/failover.html'>top"),
            "{book}: {html}"
        );
        assert!(!html.contains("failover.md"), "{book}: {html}");
    }
}

/// The `href`, `src` and `action` values of a page, entities decoded.
fn urls(html: &str) -> Vec<String> {
    let re = regex::Regex::new(r#"\b(?:href|src|action)="([^"]*)""#).unwrap();
    re.captures_iter(html)
        .map(|c| c[1].replace("&#x2F;", "/").replace("&amp;", "&"))
        .collect()
}

#[test]
fn the_404_page_links_from_site_url() {
    let a = runbook("A", "ops", "2026-11-01", "text\n");
    let tree = Tree::new(BOOK, &[("a.md", &a)]);
    let default = urls(&read(&tree.build(), "404.html"));
    assert!(default.contains(&"/index.html".to_string()), "{default:?}");
    assert!(default.contains(&"/search.html".to_string()), "{default:?}");

    for (written, root) in [
        ("/runbooks/", "/runbooks/"),
        ("/runbooks", "/runbooks/"),
        (
            "https://docs.example.com/ops/",
            "https://docs.example.com/ops/",
        ),
    ] {
        let book = format!("{BOOK}\n[build]\nsite-url = \"{written}\"\n");
        let tree = Tree::new(&book, &[("a.md", &a)]);
        let site = tree.build();
        let html = read(&site, "404.html");
        let found = urls(&html);
        assert!(found.len() >= 5, "{found:?}");
        for url in &found {
            assert!(
                url == "data:," || url == "#rb:main" || url.starts_with(root),
                "{written}: {url} does not start at {root}"
            );
        }
        assert!(html.contains("<style>"), "styles inline: no asset to miss");
        // Other pages stay relative, so the same build works anywhere else.
        let index = read(&site, "index.html");
        assert!(!index.contains("runbooks&#x2F;") && !index.contains("example.com"));
    }
}

/// The 404 page, which does not extend `base.html`, opens with the skip
/// link every other page has, to an element that is there.
#[test]
fn the_404_page_has_a_skip_link_to_its_content() {
    let a = runbook("A", "ops", "2026-11-01", "text\n");
    let html = read(&Tree::new(BOOK, &[("a.md", &a)]).build(), "404.html");
    let body = html.split_once("<body data-kind=\"404\">\n").unwrap().1;
    assert!(
        body.starts_with("<a class=\"skip\" href=\"#rb:main\">Skip to content</a>\n"),
        "{html}"
    );
    assert!(
        html.contains("<main id=\"rb:main\" tabindex=\"-1\">"),
        "{html}"
    );
    assert_eq!(html.matches("id=\"rb:main\"").count(), 1, "{html}");
}

/// `tags: database` is one tag without brackets; `tags: backups, postgres`
/// is one string, which `field-type` reports, and no tag page `backups,
/// postgres`: the site still builds.
#[test]
fn a_tag_without_brackets_is_one_tag_and_a_comma_makes_none() {
    let page = |tags: &str| {
        format!(
            "---\ntitle: T\nowner: a\nlast_reviewed: 2026-11-20\nstatus: authoritative\ntags: {tags}\n---\n\n## Rollback\n\nundo\n"
        )
    };
    let tree = Tree::new(
        BOOK,
        &[
            ("a.md", &page("database")),
            ("b.md", &page("backups, postgres")),
        ],
    );
    let site = tree.build();
    let tags: Vec<String> = std::fs::read_dir(site.join("tags"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(tags, ["database.html"]);
}

/// Tags and owners that differ only in letter case are one group, with one
/// page, shown as most runbooks write it, everywhere the site names it.
#[test]
fn names_that_differ_only_in_letter_case_are_one_group() {
    let with = |title: &str, owner: &str, tags: &str| {
        format!(
            "---\ntitle: {title}\nowner: \"{owner}\"\nlast_reviewed: 2026-11-20\nstatus: authoritative\ntags: [{tags}]\n---\n\n## Rollback\n\nundo\n"
        )
    };
    let tree = Tree::new(
        BOOK,
        &[
            ("a.md", &with("Alpha", "@acme/sre", "Postgres")),
            ("b.md", &with("Bravo", "@acme/SRE", "postgres, Backups")),
            ("c.md", &with("Charlie", "@acme/sre", "Postgres, backups")),
        ],
    );
    let site = tree.build();
    let names = |dir: &str| {
        let mut names: Vec<String> = std::fs::read_dir(site.join(dir))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    };
    assert_eq!(names("tags"), ["backups.html", "postgres.html"]);
    assert_eq!(names("owners"), ["acmesre.html"]);
    let postgres = read(&site, "tags/postgres.html");
    for title in ["Alpha", "Bravo", "Charlie"] {
        assert!(postgres.contains(&format!(">{title}<")), "{postgres}");
    }
    // Two of three write `Postgres` and `@acme/sre`; on a tie (`Backups`,
    // `backups`) the first in sorted order.
    let bravo = read(&site, "b.html");
    assert!(bravo.contains(">#Postgres<"), "{bravo}");
    assert!(bravo.contains(">#Backups<"), "{bravo}");
    assert!(bravo.contains("&#x2F;sre<"), "{bravo}");
    assert!(!bravo.contains("SRE"), "{bravo}");
    let index = read(&site, "index.html");
    assert!(
        !index.contains(">#postgres<") && !index.contains(">postgres<"),
        "{index}"
    );
    let search = read(&site, "search.html");
    assert!(
        search.contains("Postgres") && !search.contains("postgres\""),
        "{search}"
    );
}

#[test]
fn included_files_show_in_their_blocks_as_text() {
    let tree = Tree::new(
        BOOK,
        &[(
            "db/scripts/restore.sh",
            "# ANCHOR: run\npg_restore -d orders dump.sql # <script>alert(1)</script>\n# ANCHOR_END: run\n",
        )],
    );
    // A file beside the book's folder, outside it (no git repository here).
    let name = tree.path().file_name().unwrap().to_str().unwrap();
    let secret = tree
        .path()
        .parent()
        .unwrap()
        .join(format!("{name}-secret.txt"));
    std::fs::write(&secret, "TOKEN=hunter2\n").unwrap();
    let text = runbook(
        "Restore",
        "dba",
        "2026-11-20",
        &format!(
            "```bash\n{{{{#include scripts/restore.sh:run}}}}\n```\n\n```html\n{{{{#include scripts/restore.sh}}}}\n```\n\n```bash\n{{{{#include ../../../{name}-secret.txt}}}}\n```\n"
        ),
    );
    std::fs::write(tree.path().join("content/db/restore.md"), text).unwrap();
    let site = tree.build();
    std::fs::remove_file(&secret).unwrap();
    let html = read(&site, "db/restore.html");
    assert!(
        html.contains("<code class=\"language-bash\">pg_restore -d orders dump.sql # &lt;script&gt;alert(1)&lt;/script&gt;\n</code>"),
        "{html}"
    );
    // A whole file keeps its anchor lines, as mdBook shows it.
    assert!(html.contains("# ANCHOR: run\npg_restore"), "{html}");
    assert!(!html.contains("<script>alert(1)"), "{html}");
    // A file outside the repository is never read into a page.
    assert!(html.contains("-secret.txt}}"), "{html}");
    assert!(!html.contains("hunter2"), "{html}");
}

#[test]
fn an_included_file_saved_with_crlf_shows_its_lines_without_carriage_returns() {
    let tree = Tree::new(
        BOOK,
        &[(
            "db/scripts/check.sh",
            "pg_isready --host db\r\npsql -c 'select 1'\r\n",
        )],
    );
    let text = runbook(
        "Check",
        "dba",
        "2026-11-20",
        "```bash\n{{#include scripts/check.sh}}\n```\n",
    );
    std::fs::write(tree.path().join("content/db/check.md"), text).unwrap();
    let html = read(&tree.build(), "db/check.html");
    assert!(
        html.contains("pg_isready --host db\npsql -c 'select 1'\n</code>"),
        "{html}"
    );
    assert!(!html.contains('\r'), "{html:?}");
}

#[test]
fn mdbooks_escape_shows_without_its_backslash_in_code() {
    let text = runbook(
        "Escapes",
        "docs",
        "2026-11-20",
        "Write `\\{{#include x.sh}}` to take a file in.\n\n\
         ```bash\necho '\\{{#include x.sh}}'\n```\n\n    indented \\{{#include z.sh}}\n\n\
         In prose, \\{{#include p.md}} is Markdown's escape.\n",
    );
    let tree = Tree::new(BOOK, &[("escapes.md", &text)]);
    let site = tree.build();
    let html = read(&site, "escapes.html");
    for shown in [
        "<code>{{#include x.sh}}</code>",
        "echo '{{#include x.sh}}'\n</code>",
        "<code>indented {{#include z.sh}}\n</code>",
        "In prose, {{#include p.md}} is",
    ] {
        assert!(html.contains(shown), "{shown}\n{html}");
    }
    assert!(!html.contains("\\{{"), "{html}");
}

/// The findings panel is one closed line above the procedure, counting
/// errors and warnings; the skip link lands on the content. Code spans in
/// messages and help are `<code>`, everything else escaped (audit 9, M1, L4).
#[test]
fn findings_are_one_closed_line_and_code_spans_are_code() {
    let page = runbook(
        "Old",
        "ops",
        "2026-01-01",
        "## Restore\n\n```sh\nrestore --id <backup-id>\n```\n\n[gone](gone.md)\n",
    );
    let tree = Tree::new(BOOK, &[("old.md", &page)]);
    let site = tree.build();
    let html = read(&site, "old.html");
    let panel = html
        .find("<details class=\"findings has-errors\" id=\"rb:findings\">\n  <summary>")
        .unwrap_or_else(|| panic!("a closed findings panel: {html}"));
    let summary = &html[panel..];
    let summary =
        &summary[summary.find("<summary>").unwrap() + 9..summary.find("</summary>").unwrap()];
    // As many as the list shows, by severity.
    let errors = html.matches("<li class=\"finding error\">").count();
    let warnings = html.matches("<li class=\"finding warning\">").count();
    assert!(errors > 0 && warnings > 0, "{html}");
    let plural = |n: usize, one: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {one}s")
        }
    };
    assert_eq!(
        summary,
        format!(
            "{} lint findings: {}, {}",
            errors + warnings,
            plural(errors, "error"),
            plural(warnings, "warning")
        )
    );
    assert!(panel < html.find("id=\"rb:content\"").unwrap(), "{html}");
    assert!(
        html.contains("<a class=\"skip\" href=\"#rb:content\">"),
        "{html}"
    );
    assert!(html.contains("<div class=\"content\" id=\"rb:content\" tabindex=\"-1\">"));
    // review-overdue's help quotes the line to write; the placeholder is
    // quoted as written, escaped inside the code span.
    assert!(
        html.contains("<code>last_reviewed: 2026-11-25</code>"),
        "{html}"
    );
    assert!(html.contains("<code>&lt;backup-id&gt;</code>"), "{html}");
    let findings = &html[panel..html.find("</details>").unwrap()];
    assert!(!findings.contains('`'), "no backtick left: {findings}");
    // Other pages keep the skip link to the main element.
    assert!(read(&site, "index.html").contains("<a class=\"skip\" href=\"#rb:main\">"));
}

/// A link to a Markdown file the site renders no page for (a runbook
/// `[lint] exclude` leaves out, a repository document) leads to the file,
/// copied as it is, not to a missing `.html` page (audit 9, M4).
#[test]
fn links_to_markdown_without_a_page_lead_to_the_copied_file() {
    let book = format!("{BOOK}\n[lint]\nexclude = [\"drafts/**\"]\n");
    let main = runbook(
        "Main",
        "ops",
        "2026-11-20",
        "## Steps\n\nSee [the draft](drafts/new.md#step-2), [how to help](CONTRIBUTING.md), [other](other.md#steps) and [gone](gone.md).\n\n<p><a href=\"CONTRIBUTING.md\">raw</a></p>\n",
    );
    let other = runbook("Other", "ops", "2026-11-20", "## Steps\n\ntext\n");
    let draft = "---\ntitle: Draft\n---\n\n## Step 1\n\ntext\n";
    let contributing = "# Contributing\n\nOpen a pull request.\n";
    // `related:` too, linked only from there.
    let side = "---\ntitle: Side\nowner: ops\nlast_reviewed: 2026-11-20\nrelated: [drafts/later.md, other.md]\n---\n\n## Steps\n\ntext\n";
    let tree = Tree::new(
        &book,
        &[
            ("main.md", &main),
            ("other.md", &other),
            ("drafts/new.md", draft),
            ("drafts/later.md", draft),
            ("side.md", side),
            ("CONTRIBUTING.md", contributing),
        ],
    );
    let site = tree.build();
    let html = read(&site, "main.html");
    let content = &html[html.find("id=\"rb:content\"").unwrap()..];
    let links: Vec<String> = urls(content)
        .into_iter()
        .filter(|u| !u.starts_with('#') && !u.starts_with("index"))
        .collect();
    assert_eq!(
        links,
        [
            "drafts/new.md#step-2",
            "CONTRIBUTING.md",
            "other.html#steps",
            "gone.html",
            "CONTRIBUTING.md"
        ],
        "{content}"
    );
    assert_eq!(read(&site, "drafts/new.md"), draft);
    assert_eq!(read(&site, "CONTRIBUTING.md"), contributing);
    assert!(!site.join("drafts/new.html").exists());
    assert!(!site.join("CONTRIBUTING.html").exists());
    // A runbook the site renders is linked as its page, never copied.
    assert!(!site.join("other.md").exists());
    let side = read(&site, "side.html");
    let related = &side[side.find("<nav class=\"related\"").unwrap()..];
    let related = &related[..related.find("</nav>").unwrap()];
    assert_eq!(
        urls(related),
        ["drafts/later.md", "other.html"],
        "{related}"
    );
    assert!(related.contains(">drafts&#x2F;later.md</a>"), "{related}");
    assert!(related.contains(">Other</a>"), "{related}");
    assert_eq!(read(&site, "drafts/later.md"), draft);
}

/// A front matter title heads the page; a first `#` heading that says
/// something else stays in the body as written, with its id: nothing the
/// author wrote is lost, and links to its anchor land on it (audit 9, L7).
#[test]
fn a_title_unlike_the_first_heading_keeps_the_heading() {
    let a = "---\ntitle: Page A title\nowner: ops\nlast_reviewed: 2026-11-20\n---\n\n# Body heading differs from title\n\n## Steps\n\ntext\n";
    let b = runbook("B", "ops", "2026-11-20", "# B\n\n## Steps\n\ntext\n");
    let tree = Tree::new(BOOK, &[("a.md", a), ("b.md", &b)]);
    let site = tree.build();
    let html = read(&site, "a.html");
    assert!(html.contains("<h1>Page A title</h1>"), "{html}");
    assert!(
        html.contains("<h1 id=\"body-heading-differs-from-title\">Body heading differs from title <a class=\"permalink\""),
        "{html}"
    );
    // The same words: one heading, the header's, with the anchor.
    let html = read(&site, "b.html");
    assert!(html.contains("<h1 id=\"b\">B</h1>"), "{html}");
    assert_eq!(html.matches("<h1").count(), 1, "{html}");
}

/// `[build] language` is every page's `<html lang>`, escaped; `en` by
/// default (audit 9, L2).
#[test]
fn build_language_sets_html_lang_on_every_page() {
    let a = runbook("A", "ops", "2026-11-20", "## Steps\n\ntext\n");
    let tree = Tree::new(BOOK, &[("a.md", &a)]);
    assert!(read(&tree.build(), "a.html").starts_with("<!doctype html>\n<html lang=\"en\">"));
    let book = format!("{BOOK}\n[build]\nlanguage = \"de\"\n");
    let tree = Tree::new(&book, &[("ops/a.md", &a)]);
    let site = tree.build();
    let mut pages = 0;
    for entry in walkdir::WalkDir::new(&site) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "html") {
            pages += 1;
            let html = std::fs::read_to_string(entry.path()).unwrap();
            assert!(
                html.starts_with("<!doctype html>\n<html lang=\"de\">"),
                "{}",
                entry.path().display()
            );
        }
    }
    assert_eq!(pages, 6, "runbook, index, dashboard, owner, search, 404");
    let book = format!("{BOOK}\n[build]\nlanguage = \"x\\\"><script>\"\n");
    let tree = Tree::new(&book, &[("a.md", &a)]);
    let html = read(&tree.build(), "a.html");
    assert!(
        html.contains("<html lang=\"x&quot;&gt;&lt;script&gt;\">"),
        "{html}"
    );
}

/// `related:` shows on the page as "Related runbooks", each link rewritten
/// like a body link, a runbook by its title, anything else as written
/// (audit 9, L10).
#[test]
fn related_runbooks_are_shown_by_title_with_page_links() {
    let a = "---\ntitle: Restore Postgres\nowner: dba\nlast_reviewed: 2026-11-20\nrelated: [../network/failover-dns.md, \"https://wiki.example/db?a=1&b=<2>\"]\n---\n\n## Steps\n\ntext\n";
    let b = runbook("Fail DNS <over>", "net", "2026-11-20", "## Steps\n\ntext\n");
    let tree = Tree::new(
        BOOK,
        &[("db/restore.md", a), ("network/failover-dns.md", &b)],
    );
    let site = tree.build();
    let html = read(&site, "db/restore.html");
    let related = &html[html
        .find("<nav class=\"related\"")
        .unwrap_or_else(|| panic!("{html}"))..];
    let related = &related[..related.find("</nav>").unwrap()];
    assert!(related.contains(">Related runbooks</h2>"), "{related}");
    assert_eq!(
        urls(related),
        [
            "../network/failover-dns.html",
            "https://wiki.example/db?a=1&b=&lt;2&gt;"
        ],
        "{related}"
    );
    assert!(related.contains(">Fail DNS &lt;over&gt;</a>"), "{related}");
    assert!(
        related.contains(">https:&#x2F;&#x2F;wiki.example&#x2F;db?a=1&amp;b=&lt;2&gt;</a>"),
        "{related}"
    );
    // Without `related:`, no section.
    assert!(!read(&site, "network/failover-dns.html").contains("class=\"related\""));
}

/// A runbook with no review date or one that is no date counts on the
/// dashboard and the nav badge, in `runbook due`'s words, and shows what is
/// written (audit 9, M5).
#[test]
fn invalid_and_missing_review_dates_are_shown_and_counted_as_due_says() {
    let bad = runbook("Bad date", "ops", "2026-02-30", "## Steps\n\ntext\n");
    let never = "---\ntitle: Never\nowner: ops\nstatus: authoritative\n---\n\n## Steps\n\ntext\n";
    let fine = runbook("Fine", "ops", "2026-11-20", "## Steps\n\ntext\n");
    let tree = Tree::new(
        BOOK,
        &[
            ("bad-date.md", &bad),
            ("never.md", never),
            ("fine.md", &fine),
        ],
    );
    let site = tree.build();
    let page = read(&site, "bad-date.html");
    assert!(
        page.contains("<dt>Last reviewed</dt><dd><span class=\"invalid-date\">2026-02-30</span> <span class=\"none\">(not a valid date)</span></dd>"),
        "{page}"
    );
    assert!(page.contains(">Invalid date</span>"), "{page}");
    assert!(
        page.contains("last_reviewed `2026-02-30` is no day"),
        "{page}"
    );
    let never_page = read(&site, "never.html");
    assert!(
        never_page.contains(">Never reviewed</span>"),
        "{never_page}"
    );
    assert!(never_page.contains("<span class=\"review-words\">never reviewed</span>"));

    let dashboard = read(&site, "dashboard.html");
    assert!(
        dashboard.contains("<p class=\"lead\">0 overdue, 0 due soon, 1 never reviewed, 1 with an invalid date, of 3 runbooks"),
        "{dashboard}"
    );
    assert!(dashboard.contains("<span class=\"invalid-date\">2026-02-30</span>"));
    // The nav badge counts what `runbook due` fails on, on every page.
    for rel in ["index.html", "dashboard.html", "fine.html"] {
        let html = read(&site, rel);
        assert!(
            html.contains("<span class=\"count overdue\" title=\"0 overdue, 1 never reviewed, 1 with an invalid date\">2<"),
            "{rel}: {html}"
        );
    }
    assert!(
        read(&site, "index.html").contains(
            "reviews: 0 overdue, 0 due soon, 1 never reviewed, 1 with an invalid date</a>"
        )
    );

    // The same states as `runbook due` gives them.
    let settings = Settings::load(&tree.path().join("book.toml")).unwrap();
    let (due, _) = runbook::authoring::due::collect(
        &settings,
        "2026-11-25".parse().unwrap(),
        "14d".parse().unwrap(),
    );
    let states: Vec<(&str, &str)> = due
        .owners
        .iter()
        .flat_map(|o| &o.runbooks)
        .map(|e| (e.title.as_str(), e.state))
        .collect();
    assert_eq!(
        states,
        [("Bad date", "invalid-date"), ("Never", "never-reviewed")],
        "due agrees"
    );
    for (title, state) in states {
        let row = dashboard
            .find(&format!(">{title}</a>"))
            .map(|at| &dashboard[..at])
            .and_then(|before| before.rfind("<tr class=\"row-"))
            .unwrap();
        assert!(
            dashboard[row..].starts_with(&format!("<tr class=\"row-{state}\">")),
            "{title}"
        );
    }
}

/// A runbook whose status retires it says so before its first step, to a
/// reader who arrives from an old alert link; a current one does not.
#[test]
fn a_deprecated_runbook_warns_before_its_first_step() {
    let old = runbook("Old failover", "dba", "2026-11-20", "## Steps\n\ntext\n")
        .replace("status: authoritative", "status: Deprecated");
    let current = runbook("Failover", "dba", "2026-11-20", "## Steps\n\ntext\n");
    let tree = Tree::new(BOOK, &[("old.md", &old), ("new.md", &current)]);
    let site = tree.build();
    let page = read(&site, "old.html");
    let notice = page
        .find("<p class=\"retired\" role=\"note\"><strong>This runbook is Deprecated.</strong>")
        .unwrap_or_else(|| panic!("{page}"));
    assert!(notice < page.find("id=\"steps\"").unwrap(), "{page}");
    assert!(!read(&site, "new.html").contains("class=\"retired\""));
}

/// Footnotes have ids of their own (`fn:`, `fnref:`), never a heading's
/// anchor, and lead back to where they were referenced.
#[test]
fn footnotes_do_not_take_heading_anchors_and_lead_back() {
    let page = runbook(
        "Notes",
        "ops",
        "2026-11-20",
        "## Note\n\nSee the note[^note], twice[^note], and [^my label].\n\n[^note]: The footnote.\n\n[^my label]: Another.\n\n[^unused]: Never cited.\n",
    );
    let tree = Tree::new(BOOK, &[("notes.md", &page)]);
    let html = read(&tree.build(), "notes.html");
    assert_eq!(
        html.matches("id=\"note\"").count(),
        1,
        "the heading's: {html}"
    );
    assert!(
        html.contains(r##"<a href="#fn:note" id="fnref:note">1</a>"##),
        "{html}"
    );
    assert!(
        html.contains(r##"<a href="#fn:note">1</a>"##),
        "the second reference: {html}"
    );
    assert!(
        html.contains(r##"<a href="#fn:my-label" id="fnref:my-label">2</a>"##),
        "{html}"
    );
    assert!(
        html.contains(r#"<div class="footnote-definition" id="fn:note">"#),
        "{html}"
    );
    assert!(
        html.contains(r##"href="#fnref:note" aria-label="Back to reference 1""##),
        "{html}"
    );
    assert!(html.contains(r#"id="fn:unused""#), "{html}");
    assert!(
        !html.contains("#fnref:unused"),
        "no back link to nothing: {html}"
    );
}

/// The runbook at the top of the book (`index.md`, else `README.md`) is
/// the home page's introduction, before the lists; it keeps its own page.
#[test]
fn the_home_page_opens_with_the_books_introduction() {
    let intro = runbook(
        "Ops",
        "ops",
        "2026-11-20",
        "# Ops\n\nIf you were just paged, start with [the response](respond.md).\n",
    );
    let respond = runbook("Respond", "ops", "2026-11-20", "## Steps\n\ntext\n");
    let readme = runbook("Readme", "ops", "2026-11-20", "The readme zebra.\n");
    let tree = Tree::new(
        BOOK,
        &[
            ("index.md", &intro),
            ("README.md", &readme),
            ("respond.md", &respond),
        ],
    );
    let site = tree.build();
    let home = read(&site, "index.html");
    let at = home
        .find(r#"<section class="intro content" aria-label="Introduction">"#)
        .unwrap_or_else(|| panic!("{home}"));
    let link = home
        .find(r#"start with <a href="respond.html">the response</a>"#)
        .unwrap_or_else(|| panic!("{home}"));
    assert!(at < link && link < home.find("id=\"rb:by-folder\"").unwrap());
    assert!(!home.contains("zebra"), "index.md first: {home}");

    std::fs::remove_file(tree.path().join("content/index.md")).unwrap();
    let home = read(&tree.build(), "index.html");
    assert!(home.contains("The readme zebra."), "{home}");
}

/// Bare addresses in prose are links, as GitHub shows them: in paragraphs,
/// list items and table cells, shown as written, a sentence's `.`, `,` or
/// `)` left out, `www.` led to `http://`, e-mail to `mailto:`. Code, links
/// and images keep them as text; the table of contents, the search index
/// and the lint's findings are what they were.
#[test]
fn bare_addresses_in_prose_become_links() {
    let body = "## Check https://status.example.com/api\n\n\
See https://grafana.example.com/d/abc?orgId=1&var-env=prod for the dashboard.\n\n\
- Logs (https://logs.example.com/q?x=(a)).\n\
- Runbook index: www.example.com, then ops@example.com.\n\n\
| Tool | Where |\n|---|---|\n| Kibana | https://kibana.example.com/app |\n\n\
Run `curl https://api.example.com/health` or [the docs](https://docs.example.com/x) or \\\n\
[https://shown.example.com](https://other.example.com).\n\n\
```sh\ncurl https://fenced.example.com/\n```\n";
    let tree = Tree::new(
        BOOK,
        &[("ops/check.md", &runbook("Check", "ops", "2026-11-01", body))],
    );
    let site = tree.build();
    let html = read(&site, "ops/check.html");
    for want in [
        "<p>See <a href=\"https://grafana.example.com/d/abc?orgId=1&amp;var-env=prod\">https://grafana.example.com/d/abc?orgId=1&amp;var-env=prod</a> for the dashboard.</p>",
        "<li>Logs (<a href=\"https://logs.example.com/q?x=(a)\">https://logs.example.com/q?x=(a)</a>).</li>",
        "<li>Runbook index: <a href=\"http://www.example.com\">www.example.com</a>, then <a href=\"mailto:ops@example.com\">ops@example.com</a>.</li>",
        "<td><a href=\"https://kibana.example.com/app\">https://kibana.example.com/app</a></td>",
        "<code>curl https://api.example.com/health</code>",
        "<a href=\"https://docs.example.com/x\">the docs</a>",
        "<a href=\"https://other.example.com\">https://shown.example.com</a>",
        "<code class=\"language-sh\">curl https://fenced.example.com/\n</code>",
        "<h2 id=\"check-httpsstatusexamplecomapi\">Check <a href=\"https://status.example.com/api\">https://status.example.com/api</a> <a class=\"permalink\"",
    ] {
        assert!(html.contains(want), "{want}\nin {html}");
    }
    assert_eq!(html.matches("<a href=\"https://").count(), 6, "{html}");
    assert!(!html.contains("href=\"https://api.example.com"), "{html}");
    assert!(
        !html.contains("href=\"https://fenced.example.com"),
        "{html}"
    );
    assert!(!html.contains("href=\"https://shown.example.com"), "{html}");
    // The table of contents names the heading in plain text (`/` escaped
    // as the templates escape it).
    assert!(
        html.contains("<a href=\"#check-httpsstatusexamplecomapi\">Check https:&#x2F;&#x2F;status.example.com&#x2F;api</a></li>"),
        "{html}"
    );

    // The lint's links, which `lint --online` checks, are those written.
    let doc = runbook::document::Document::parse(
        "check.md".into(),
        "ops/check.md".into(),
        read(tree.path(), "content/ops/check.md").into_bytes(),
        &runbook::config::Aliases::default(),
    );
    let targets: Vec<&str> = doc.body.links.iter().map(|l| l.target.as_str()).collect();
    assert_eq!(
        targets,
        ["https://docs.example.com/x", "https://other.example.com"]
    );
}

/// Two runbooks with one title (letter case and spaces aside) are told
/// apart wherever runbooks are listed: the page's `<title>`, the home
/// page and search results name each with its path.
/// The heading stays as written; a title no other runbook has is as it was.
#[test]
fn runbooks_sharing_a_title_are_listed_with_their_paths() {
    let restart = |title: &str| runbook(title, "ops", "2026-11-01", "## Steps\n\nrestart\n");
    let (payments, search) = (restart("Restart the API"), restart("Restart the API"));
    let lower = restart("\"restart the api \"");
    // Its related runbooks share a title: the list tells them apart too.
    let unique = "---\ntitle: Restart the workers\nowner: ops\nlast_reviewed: 2026-11-01\nstatus: authoritative\nrelated: [../payments/restart.md, ../search/restart.md]\n---\n\n## Steps\n\nrestart\n".to_string();
    let tree = Tree::new(
        BOOK,
        &[
            ("payments/restart.md", payments.as_str()),
            ("search/restart.md", search.as_str()),
            ("search/api.md", lower.as_str()),
            ("workers/restart.md", unique.as_str()),
        ],
    );
    let site = tree.build();
    let page = read(&site, "payments/restart.html");
    assert!(
        page.contains("<title>Restart the API — payments&#x2F;restart.md · Ops</title>"),
        "{page}"
    );
    assert!(page.contains(">Restart the API</h1>"), "{page}");
    let page = read(&site, "search/api.html");
    assert!(
        page.contains("<title>restart the api — search&#x2F;api.md · Ops</title>"),
        "{page}"
    );
    let page = read(&site, "workers/restart.html");
    assert!(
        page.contains("<title>Restart the workers · Ops</title>"),
        "{page}"
    );
    for related in [
        "<li><a href=\"..&#x2F;payments&#x2F;restart.html\">Restart the API — payments&#x2F;restart.md</a></li>",
        "<li><a href=\"..&#x2F;search&#x2F;restart.html\">Restart the API — search&#x2F;restart.md</a></li>",
    ] {
        assert!(page.contains(related), "{related} in {page}");
    }
    let index = read(&site, "index.html");
    for listed in [
        ">Restart the API — payments&#x2F;restart.md</a>",
        ">Restart the API — search&#x2F;restart.md</a>",
        ">restart the api — search&#x2F;api.md</a>",
        ">Restart the workers</a>",
    ] {
        assert!(index.contains(listed), "{listed} in {index}");
    }

    // Search results take their titles from the index's records.
    let fragments: String = std::fs::read_dir(site.join("pagefind/fragment"))
        .unwrap()
        .map(|f| {
            let mut text = String::new();
            let file = std::fs::File::open(f.unwrap().path()).unwrap();
            std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(file), &mut text)
                .unwrap();
            text
        })
        .collect();
    assert!(
        fragments.contains("\"title\":\"Restart the API — search/restart.md\""),
        "{fragments}"
    );
    assert!(
        fragments.contains("\"title\":\"Restart the workers\""),
        "{fragments}"
    );

    // The same tree builds to the same bytes.
    let again = common::snapshot(&tree.build_into("again").unwrap());
    let first = common::snapshot(&site);
    assert_eq!(first, again);
}
