//! Properties that must hold for any text, not just the fixtures: anchors,
//! `--fix`, positions and suppressions, extracted scripts, and the built
//! site. Texts are built from the pieces runbooks are made of, so the
//! interesting cases come up often.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::LazyLock;

use proptest::prelude::*;
use runbook::config::{Config, Settings};
use runbook::diagnostic::{Diagnostic, Edit};
use runbook::document::Document;
use runbook::lint::rules::{front_matter_invalid, invalid_utf8};

/// The default settings, compiled once: their regexes take most of a
/// debug build's time when compiled per case.
fn settings() -> &'static Settings {
    static SETTINGS: LazyLock<Settings> = LazyLock::new(|| {
        Settings::from_config(Config::default(), None, PathBuf::from("."), Vec::new()).unwrap()
    });
    &SETTINGS
}

fn today() -> jiff::civil::Date {
    jiff::civil::date(2026, 11, 25)
}

fn parse(bytes: &[u8]) -> Document {
    Document::parse(
        PathBuf::from("p.md"),
        "p.md".into(),
        bytes.to_vec(),
        &settings().aliases,
    )
}

fn lint(text: &str) -> Vec<Diagnostic> {
    runbook::lint::lint_document(&parse(text.as_bytes()), settings(), today())
}

/// Heading text: words, punctuation, dashes, digits and other scripts, so
/// slugs collide (`Setup`, `setup`, `Set-up`, `setup-1`).
fn heading_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("Setup"),
            Just("setup"),
            Just("Set-up"),
            Just("1"),
            Just("-"),
            Just(" "),
            Just("Roll back"),
            Just("É"),
            Just("straße"),
            Just("日本"),
            Just("&"),
            Just("`x`"),
            Just("_"),
        ],
        1..5,
    )
    .prop_map(|parts| parts.concat())
}

/// A line of a runbook: headings with and without their space, links to
/// anchors spelled right and wrong, suppressions, code, lists, dates,
/// look-alike characters and bidirectional controls.
fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        heading_text().prop_map(|t| format!("## {t}")),
        heading_text().prop_map(|t| format!("##{t}")),
        Just("# Roll back".to_string()),
        Just("See [it](#Roll-Back).".to_string()),
        Just("See [it](#rollback) and [that](#setup-1).".to_string()),
        Just("[missing](nowhere.md)".to_string()),
        Just("<!-- runbook-lint-disable-next-line broken-link -->".to_string()),
        Just("<!-- runbook-lint-disable-next-line heading-no-space -- known -->".to_string()),
        Just("<!-- runbook-lint-disable broken-anchor -->".to_string()),
        Just("<!-- runbook-lint-enable broken-anchor -->".to_string()),
        Just("```bash".to_string()),
        Just("```".to_string()),
        Just("- item ç".to_string()),
        Just("kubectl\u{a0}get \u{201c}$POD\u{201d} \u{2013}n ns\u{200b} # \u{2019}".to_string()),
        Just("note \u{202e}txt.exe\u{2069} here".to_string()),
        Just("##\u{a0}Roll back".to_string()),
        Just("**Owner:** payments".to_string()),
        Just("Last reviewed: 2025/01/27".to_string()),
        Just(String::new()),
        "[a-zé😀 ]{0,12}",
    ]
}

/// Optional front matter: good, with a date in another format, a word
/// YAML reads as a boolean, below a comment or a blank line, in TOML, or
/// none.
fn front_matter() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("---\ntitle: T\nowner: ops\nlast_reviewed: 2026-11-01\nstatus: draft\n---\n".into()),
        Just("---\ntitle: T\nowner: ops\nlast_reviewed: 2025/01/27\nstatus: draft\n---\n".into()),
        Just("---\nlast_reviewed: \"27 January 2025\"\n---\n".into()),
        Just("---\ntitle: on\nowner: [ops, no]\nlast_reviewed: 20261101\nstatus: Y\n---\n".into()),
        Just("<!-- exported -->\n---\ntitle: T\nowner: ops\n---\n".into()),
        Just("\n ---\nowner: ops\n---".into()),
        Just("+++\ntitle = \"T\"\nowner = [\"ops\"]\nlast_reviewed = 2026-11-01\n+++\n".into()),
    ]
}

/// A whole file, with `\n` or `\r\n` endings and maybe a BOM.
fn runbook() -> impl Strategy<Value = (bool, String)> {
    (
        any::<bool>(),
        any::<bool>(),
        front_matter(),
        proptest::collection::vec(line(), 0..14),
    )
        .prop_map(|(bom, crlf, fm, lines)| {
            let mut text = fm + &lines.join("\n");
            if crlf {
                text = text.replace('\n', "\r\n");
            }
            (bom, text)
        })
}

/// The findings `--fix` would apply, or none when it would leave the file alone.
fn fixable(found: &[Diagnostic]) -> Vec<&Diagnostic> {
    if found
        .iter()
        .any(|d| d.rule == invalid_utf8::ID || d.rule == front_matter_invalid::ID)
    {
        return Vec::new();
    }
    found
        .iter()
        .filter(|d| d.fix.is_some() && d.is_counted())
        .collect()
}

/// The text `lint --fix` writes: as the command does, it fixes and lints
/// again until nothing changes, at most 8 rounds (a fix can uncover another:
/// a heading that now exists makes a link's anchor fixable).
fn fixed(text: &str) -> String {
    let mut text = text.to_string();
    for _ in 0..8 {
        let found = lint(&text);
        let (next, applied) = runbook::fix::fix_text(&text, &fixable(&found));
        if applied.is_empty() {
            break;
        }
        text = next;
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Each heading gets an anchor no other heading on the page has, and
    /// adding headings below never changes the anchors above.
    #[test]
    fn anchors_are_unique_and_stable(texts in proptest::collection::vec(heading_text(), 1..12)) {
        let page: String = texts.iter().map(|t| format!("## {t}\n\ntext\n\n")).collect();
        let anchors: Vec<String> = parse(page.as_bytes()).body.headings.iter().map(|h| h.anchor.clone()).collect();
        prop_assert_eq!(anchors.len(), texts.len());
        let mut unique = anchors.clone();
        unique.sort();
        unique.dedup();
        prop_assert_eq!(unique.len(), anchors.len(), "{:?}", anchors);
        for (i, anchor) in anchors.iter().enumerate() {
            prop_assert_eq!(runbook::document::slug::slugify(anchor), anchor.clone());
            let prefix: String = texts[..=i].iter().map(|t| format!("## {t}\n\ntext\n\n")).collect();
            let again = parse(prefix.as_bytes()).body.headings;
            prop_assert_eq!(&again[i].anchor, anchor);
        }
    }

    /// A second `--fix` changes nothing, and each round changes only the
    /// bytes inside the edits it reports.
    #[test]
    fn fix_is_idempotent_and_local((_, text) in runbook()) {
        let found = lint(&text);
        let (round, applied) = runbook::fix::fix_text(&text, &fixable(&found));
        let edits: Vec<&Edit> = applied.iter().map(|(_, e)| *e).collect();
        // Rebuild the result from the untouched gaps and the replacements.
        let mut rebuilt = String::new();
        let mut at = 0;
        for edit in &edits {
            prop_assert!(edit.start >= at, "edits overlap: {:?}", edits);
            rebuilt.push_str(&text[at..edit.start]);
            rebuilt.push_str(&edit.replacement);
            at = edit.end;
        }
        rebuilt.push_str(&text[at..]);
        prop_assert_eq!(&rebuilt, &round);
        let once = fixed(&text);
        let twice = fixed(&once);
        prop_assert_eq!(&twice, &once, "second --fix changed the text");
    }

    /// Every position a finding reports names the same place three ways:
    /// its byte offset, its line, and its column in characters.
    #[test]
    fn positions_match_their_offsets((bom, text) in runbook(), offsets in proptest::collection::vec(any::<prop::sample::Index>(), 8)) {
        let mut bytes = if bom { b"\xEF\xBB\xBF".to_vec() } else { Vec::new() };
        bytes.extend_from_slice(text.as_bytes());
        let doc = parse(&bytes);
        prop_assert_eq!(&doc.text, &text);
        let check = |pos: runbook::document::Pos| -> Result<(), TestCaseError> {
            prop_assert!(text.is_char_boundary(pos.offset), "{:?}", pos);
            let before = &text[..pos.offset];
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            prop_assert_eq!(pos.line, before.matches('\n').count() + 1, "{:?}", pos);
            prop_assert_eq!(pos.col, text[line_start..pos.offset].chars().count() + 1, "{:?}", pos);
            Ok(())
        };
        for index in offsets {
            check(doc.pos(index.index(text.len() + 1)))?;
        }
        for d in runbook::lint::lint_document(&doc, settings(), today()) {
            check(d.span.start)?;
            check(d.span.end)?;
            prop_assert_eq!(&d.source_line, doc.line_text(d.span.start.line));
        }
    }

    /// `disable-next-line` silences findings on the next non-blank line
    /// only; with no `disable` ranges in play, nothing else is hidden.
    #[test]
    fn suppressions_stay_on_their_line(lines in proptest::collection::vec(line(), 0..16)) {
        let lines: Vec<String> = lines.into_iter().filter(|l| !l.contains("-lint-disable ") && !l.contains("-lint-enable")).collect();
        let text = lines.join("\n");
        let directive_lines: Vec<usize> = lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.contains("disable-next-line"))
            .map(|(i, _)| i + 1)
            .collect();
        let next_non_blank = |line: usize| {
            (line + 1..=lines.len())
                .find(|&l| !lines[l - 1].trim().is_empty())
                .unwrap_or(line + 1)
        };
        for d in lint(&text).iter().filter(|d| !d.is_counted()) {
            let line = d.span.start.line;
            let covered = directive_lines.iter().any(|&l| {
                next_non_blank(l) == line && lines[l - 1].contains(d.rule)
            });
            prop_assert!(covered, "{} at line {} hidden:\n{}", d.rule, line, text);
        }
    }
}

/// Found by `fix_is_idempotent_and_local`: front matter built from body
/// metadata kept the date as written, which the next `--fix` rewrote.
#[test]
fn front_matter_from_the_body_gets_an_iso_date() {
    let once = fixed("Last reviewed: 2025/01/27");
    assert!(once.contains("last_reviewed: 2025-01-27"), "{once}");
    assert_eq!(fixed(&once), once);
}

/// A shell command as runbooks write them, valid bash on its own:
/// placeholders of each default form, variables, quotes, pipes,
/// here-documents, continuation lines, comments, compound commands.
fn shell_piece() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("kubectl -n <NAMESPACE> rollout restart deploy/web"),
        Just("ps aux | grep -v grep | awk '{print $2}' | head -n 1"),
        Just("psql \"$DATABASE_URL\" -c 'select count(*) from jobs where id = <JOB_ID>'"),
        Just(
            "curl -fsS -H \"Authorization: Bearer YOUR_API_TOKEN\" \"https://api.example.com/{{ region }}/status\""
        ),
        Just("export DB_HOST=db.internal"),
        Just("echo \"host ${DB_HOST:-localhost}, home $HOME, port $PORT\""),
        Just("restore --id [backup-id] --target \"<target-host>\""),
        Just("aws s3 cp \\\n  s3://backups/<BACKUP_ID>.tar.gz \\\n  /tmp/restore.tar.gz"),
        Just("cat <<EOF > /tmp/app.conf\nhost=<HOST>\nport=${PORT}\nEOF"),
        Just("cat <<'EOF'\nliteral <none> and $NOT_EXPANDED\nEOF"),
        Just("cat <<-EOF\n\tindented <HOST> {{ var }}\n\tEOF"),
        Just("if [ -z \"${REGION:-}\" ]; then\n  echo 'REGION is unset' >&2\nfi"),
        Just("for host in web-1 web-2; do ssh \"$host\" uptime; done"),
        Just("# check the replica lag on <REPLICA> first"),
        Just("echo \"$(date +%F) $(cat /tmp/<FILE>)\" >> /tmp/runbook.log"),
        Just("systemctl restart nginx && echo done || echo failed"),
        Just("read -r -p 'Continue? ' answer && echo \"$answer\""),
        Just("echo 'it'\\''s <QUOTED> here'"),
        Just("echo \"a \\\" quote and `hostname`\""),
        Just("grep -E '^(ERROR|WARN)' /var/log/app.log | wc -l"),
        Just("case \"$MODE\" in\n  fast) echo fast ;;\n  *) echo slow ;;\nesac"),
        Just("docker run --rm -e TOKEN=\"$TOKEN\" <IMAGE>:latest"),
        Just(""),
    ]
}

/// A `console` transcript: prompted commands (with continuations) and
/// their output, which is not run.
fn console_piece() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("$ kubectl get pods -n <NAMESPACE>\nNAME    READY   STATUS\nweb-1   1/1     Running"),
        Just("$ aws s3 ls \\\n    s3://backups/<PREFIX>/\n2026-11-01 12:00:00  42 a.tar.gz"),
        Just("$ echo \"{{ greeting }}\" | tr a-z A-Z\nHELLO"),
        Just("$ curl -s https://example.com/health\n{\"status\": \"ok\"}"),
        Just("$"),
    ]
}

/// A runbook of a few sections, each with a command block.
fn extract_runbook() -> impl Strategy<Value = String> {
    let block = prop_oneof![
        (
            prop_oneof![
                Just("bash"),
                Just("sh"),
                Just("shell"),
                Just("bash {name=restore-db}"),
                Just("zsh")
            ],
            proptest::collection::vec(shell_piece(), 1..5)
        )
            .prop_map(|(info, pieces)| format!("```{info}\n{}\n```", pieces.join("\n"))),
        proptest::collection::vec(console_piece(), 1..4)
            .prop_map(|pieces| format!("```console\n{}\n```", pieces.join("\n"))),
    ];
    proptest::collection::vec(block, 1..5).prop_map(|blocks| {
        let mut text = String::from(
            "---\ntitle: Restore \"it\" <now>\nowner: ops\nlast_reviewed: 2026-11-01\nstatus: draft\n---\n# Restore\n",
        );
        for (i, block) in blocks.iter().enumerate() {
            text.push_str(&format!("\n## Step {i}\n\nRun this:\n\n{block}\n"));
        }
        text
    })
}

/// `bash -n` on one script, as a user's shell reads the extracted file.
fn bash_syntax_error(script: &str) -> Option<String> {
    let mut child = Command::new("bash")
        .arg("-n")
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bash runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    (!output.status.success()).then(|| String::from_utf8_lossy(&output.stderr).into_owned())
}

/// The steps the script's own `--list` prints (runs no step).
fn listed_steps(script: &str) -> Vec<String> {
    let output = Command::new("bash")
        .args(["-c", script, "runbook.sh", "--list"])
        .env_clear()
        .output()
        .expect("bash runs");
    assert!(
        output.status.success(),
        "--list failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| l.split_whitespace().next().unwrap_or("").to_string())
        .collect()
}

/// A front matter value with everything that is markup somewhere: tags,
/// quotes of both kinds, entities, template syntax, other scripts.
fn hostile_value() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("<script>pwn()</script>"),
            Just("</title><script>pwn()</script>"),
            Just("\"><svg onload=pwn()>"),
            Just("' onmouseover='pwn()"),
            Just("<img src=x onerror=pwn()>"),
            Just("javascript:pwn()"),
            Just("&amp;"),
            Just("&"),
            Just("\""),
            Just("'"),
            Just("{{ pwn }}"),
            Just("{% if true %}x{% endif %}"),
            Just("<!--"),
            Just("-->"),
            Just("é 😀 日本"),
            Just("`code` *em*"),
            Just(" word "),
        ],
        1..5,
    )
    .prop_map(|parts| format!("v{}.", parts.concat()))
}

/// A YAML double-quoted scalar.
fn yaml(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

fn build_site(root: &Path, dest: &str) -> PathBuf {
    let settings = Settings::load(&root.join("book.toml")).unwrap();
    let dest = root.join(dest);
    runbook::site::build(&settings, "2026-11-25".parse().unwrap(), &dest).expect("the site builds");
    dest
}

/// A book in a temporary folder: `book.toml` and these runbooks under `content/`.
fn book(files: &[(String, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("book.toml"),
        "[book]\ntitle = \"Ops\"\nsrc = \"content\"\n",
    )
    .unwrap();
    for (rel, text) in files {
        let path = dir.path().join("content").join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// A small tree of runbooks: linked pages in folders, shared owners and
/// tags, code blocks, a page with no front matter.
fn small_tree() -> impl Strategy<Value = Vec<(String, String)>> {
    let page = (
        prop_oneof![Just("db"), Just("ops"), Just("ops/net"), Just("")],
        heading_text(),
        prop_oneof![Just("dba"), Just("ops"), Just("netops")],
        prop_oneof![Just("2026-01-01"), Just("2026-11-01"), Just("2024-05-05")],
        proptest::collection::vec(
            prop_oneof![
                4 => line(),
                // Ids the page's own markup uses.
                1 => prop_oneof![Just("## Main"), Just("## Findings"), Just("## Site q")].prop_map(String::from),
            ],
            0..8,
        ),
        any::<bool>(),
    );
    proptest::collection::vec(page, 1..5).prop_map(|pages| {
        pages
            .into_iter()
            .enumerate()
            .map(|(i, (folder, title, owner, reviewed, lines, front))| {
                let rel = if folder.is_empty() {
                    format!("page-{i}.md")
                } else {
                    format!("{folder}/page-{i}.md")
                };
                let mut text = if front {
                    format!("---\ntitle: {}\nowner: {owner}\nlast_reviewed: {reviewed}\nstatus: active\ntags: [{owner}, t{}]\n---\n", yaml(&title), i % 2)
                } else {
                    String::new()
                };
                text.push_str(&format!("# {title}\n\nSee [the first](../page-0.md) and [db](db/page-1.md#setup).\n\n```bash\necho {i}\n```\n\n"));
                text.push_str(&lines.join("\n"));
                (rel, text)
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// The script `runbook extract` writes passes `bash -n` (checked here
    /// on the whole file, not the way the extractor batches it), keeps every
    /// block of valid shell as code, turns every placeholder into a variable
    /// the script asks for, and lists each step.
    #[test]
    fn extracted_scripts_pass_bash_n(text in extract_runbook()) {
        let settings = settings();
        let doc = parse(text.as_bytes());
        let rb = runbook::extract::analysis::analyze(&doc, &settings.checks);
        let checked = runbook::extract::render_checked(std::slice::from_ref(&rb)).unwrap().remove(0);
        let script = &checked.script.text;
        prop_assert_eq!(bash_syntax_error(script), None, "{}\n{}", text, script);
        prop_assert!(checked.rejected.is_empty(), "rejected {:?}:\n{}", checked.rejected, text);
        for (i, block) in rb.blocks.iter().enumerate() {
            prop_assert!(block.runnable(), "{:?} not run: {:?} {:?}\n{}", rb.name(i), block.scan.error, block.output_at, text);
            for p in &block.placeholders {
                let asked = format!("${{{}:?fill in {}", p.var, p.text.replace(['{', '}', '"', '\'', '`', '$', '\\'], "").trim());
                prop_assert!(script.contains(&asked), "{} is not asked for:\n{}", p.text, script);
                prop_assert!(rb.needs.contains_key(&p.var));
            }
        }
        let names: Vec<String> = (0..rb.blocks.len()).map(|i| rb.name(i).to_string()).collect();
        prop_assert_eq!(listed_steps(script), names);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Whatever the front matter holds, no page gets markup from it: no
    /// event attribute, script or `javascript:` URL appears, and the page's
    /// `<title>` reads as the title, character for character.
    #[test]
    fn front_matter_values_are_escaped(
        title in hostile_value(),
        owner in hostile_value(),
        status in hostile_value(),
        tags in proptest::collection::vec(hostile_value(), 1..3),
        other in hostile_value(),
    ) {
        let tags: Vec<String> = tags.iter().map(|t| yaml(t)).collect();
        let page = format!(
            "---\ntitle: {}\nowner: {}\nlast_reviewed: 2026-11-01\nstatus: {}\ntags: [{}]\nservice: {}\n---\n\n## Steps\n\ntext\n",
            yaml(&title), yaml(&owner), yaml(&status), tags.join(", "), yaml(&other)
        );
        let dir = book(&[("hostile.md".to_string(), page.clone())]);
        let site = build_site(dir.path(), "site");
        for (rel, bytes) in common::snapshot(&site).iter().filter(|(rel, _)| rel.ends_with(".html")) {
            let html = String::from_utf8_lossy(bytes);
            let found = common::html::script_vectors(&html);
            prop_assert!(found.is_empty(), "{}: {:?}\n{}", rel, found, page);
        }
        let html = std::fs::read_to_string(site.join("hostile.html")).unwrap();
        let titles = common::html::titles(&html);
        prop_assert_eq!(titles, vec![format!("{title} · Ops")]);
    }

    /// Two builds of the same tree write the same files, byte for byte.
    #[test]
    fn builds_are_byte_identical(files in small_tree()) {
        let dir = book(&files);
        let one = common::snapshot(&build_site(dir.path(), "one"));
        let two = common::snapshot(&build_site(dir.path(), "two"));
        prop_assert_eq!(one.keys().collect::<Vec<_>>(), two.keys().collect::<Vec<_>>());
        for (name, bytes) in &one {
            prop_assert!(bytes == &two[name], "{} differs between builds", name);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]

    /// The anchor the linter gives each heading (the one links are checked
    /// against) is the `id` the built page has, once on the page. (An
    /// empty heading has no anchor and gets no `id`.)
    #[test]
    fn heading_ids_are_their_anchors(files in small_tree()) {
        let dir = book(&files);
        let site = build_site(dir.path(), "site");
        for (rel, text) in &files {
            let html = std::fs::read_to_string(site.join(rel.replace(".md", ".html"))).unwrap();
            let ids: Vec<String> = common::html::elements(&html)
                .into_iter()
                .filter_map(|e| e.attr("id").map(str::to_string))
                .collect();
            for heading in parse(text.as_bytes()).body.headings.iter().filter(|h| !h.anchor.is_empty()) {
                let times = ids.iter().filter(|id| **id == heading.anchor).count();
                prop_assert_eq!(times, 1, "{}: id {:?} of {:?} in {:?}", rel, heading.anchor, heading.text, ids);
            }
        }
    }
}

/// Front matter as `runbook review` meets it: block or one flow mapping,
/// comments around it, `last_reviewed` and `reviewed_by` present, absent,
/// empty, mistyped, commented or a list, and values it must leave alone; each key
/// once. Every one of these parses, so every review must succeed.
fn reviewable() -> impl Strategy<Value = String> {
    let last = prop_oneof![
        Just(None),
        Just(Some("last_reviewed: 2025-01-27")),
        Just(Some("last_reviewed:")),
        Just(Some("last_reviewed: \"2025-01-XX\"")),
        Just(Some("last_reviewed: 27.01.2025 # moved")),
    ];
    let by = prop_oneof![
        Just(None),
        Just(Some("reviewed_by:")),
        Just(Some("reviewed_by: bo # who")),
        Just(Some("reviewed_by: 'bo'")),
        Just(Some("reviewed_by: [ana, bo]")),
        Just(Some("reviewed_by: [o'brien, \"{bo}\"]")),
        Just(Some("reviewed_by:\n  - ana\n  # gone\n  - bo")),
        Just(Some("reviewed_by:\n- ana")),
    ];
    let others = proptest::sample::subsequence(
        vec![
            "title: \"T: {x}\"",
            "owner: [ops, sre]",
            "status: draft",
            "next_drill: 2025-01-27",
        ],
        0..=4,
    );
    (
        last,
        by,
        others,
        any::<prop::sample::Index>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(last, by, mut entries, at, flow, comment, crlf)| {
            for entry in [last, by].into_iter().flatten() {
                entries.insert(at.index(entries.len() + 1), entry);
            }
            let yaml = if flow {
                // A comment runs to the end of the line: none inside a
                // mapping written on one line.
                let entries: Vec<&str> = entries
                    .iter()
                    .filter(|e| !e.contains('\n'))
                    .map(|e| e.split(" #").next().unwrap())
                    .collect();
                let body = format!("{{{}}}", entries.join(", "));
                if comment {
                    format!("# above\n{body} # after {{}}\n")
                } else {
                    format!("{body}\n")
                }
            } else {
                let mut lines: Vec<String> = entries.iter().map(|e| e.to_string()).collect();
                if comment {
                    lines.push("# the end {}".into());
                }
                lines.iter().map(|l| format!("{l}\n")).collect()
            };
            let text = format!("---\n{yaml}---\n# T\n\nBody {{}}\n");
            if crlf {
                text.replace('\n', "\r\n")
            } else {
                text
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// `runbook review` succeeds on every front matter that parses here; the
    /// result says `last_reviewed` is today and who reviewed, keeps every
    /// other value and every byte outside the front matter, and a second
    /// review the same day changes nothing.
    #[test]
    fn review_records_the_review_and_nothing_else(text in reviewable()) {
        let path = Path::new("p.md");
        let aliases = &settings().aliases;
        let before = parse(text.as_bytes());
        prop_assert!(before.fields().is_some(), "{:?} does not parse: {:?}", text, before.front_matter);
        let reviewed = runbook::authoring::review::review_bytes(path, text.as_bytes().to_vec(), aliases, today(), Some("Ana"));
        let (out, _) = match reviewed {
            Ok(done) => done,
            Err(why) => return Err(TestCaseError::fail(format!("{why}\n{text}"))),
        };
        let after = parse(&out);
        let fields = after.fields().expect("parses");
        prop_assert_eq!(fields.last_reviewed.as_ref().map(|f| f.value), Some(today()));
        let block = |doc: &Document| doc.front_matter.block().unwrap().clone();
        let (old, new) = (block(&before), block(&after));
        prop_assert_eq!(&before.text[old.body_start..], &after.text[new.body_start..]);
        let entries = |doc: &Document, b: &runbook::document::front_matter::Block| runbook::document::front_matter::entries(&doc.text, b).unwrap();
        let by: Vec<_> = entries(&after, &new).into_iter().filter(|(k, _)| k == "reviewed_by").collect();
        prop_assert_eq!(by, vec![("reviewed_by".to_string(), serde_json::json!("Ana"))]);
        let kept = |list: Vec<(String, serde_json::Value)>| list.into_iter().filter(|(k, _)| k != "reviewed_by" && k != "last_reviewed").collect::<Vec<_>>();
        prop_assert_eq!(kept(entries(&before, &old)), kept(entries(&after, &new)));
        let (again, _) = runbook::authoring::review::review_bytes(path, out.clone(), aliases, today(), Some("Ana")).unwrap();
        prop_assert_eq!(String::from_utf8(again).unwrap(), String::from_utf8(out).unwrap());
    }
}

/// Patterns whose assertions (`^`, `$`, `\b`, `\B`, `\A`, `\z`, multi-line
/// and CRLF modes) differ between one line and a whole page.
const LINE_PATTERNS: &[&str] = &[
    r"(?i)\b(roll(ing|ed)?[ -]?backs?|reverts?|reverting|undos?|undoing|back(ing)?[ -]?outs?)\b",
    r"^roll",
    r"back$",
    r"\Aback\z",
    r"(?m)^x\s*$",
    r"(?R)back$",
    r"\Bback\B",
    r"-\s*$",
    r"\bx\b\s+\b",
    r"(?-m)^\s*\|",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// One search of a page with the assertions dropped finds every line
    /// a pattern matches on its own, so the lines it skips never match.
    #[test]
    fn a_whole_page_search_misses_no_line_a_pattern_matches(
        pattern in proptest::sample::select(LINE_PATTERNS),
        parts in proptest::collection::vec(
            prop_oneof![
                Just("roll back"), Just("Rollback"), Just("back"), Just("x"), Just(" "),
                Just("\n"), Just("\r\n"), Just("\r"), Just("-"), Just("|"), Just("**"), Just("é"),
            ],
            0..24,
        ),
    ) {
        let text = parts.concat();
        let regex = regex::Regex::new(pattern).unwrap();
        let anywhere = runbook::lint::custom::anywhere(&regex).expect("none matches empty text");
        let lines = runbook::document::LineIndex::new(&text);
        let touched = runbook::lint::custom::lines_touched(&anywhere, &text, &lines);
        prop_assert!(touched.windows(2).all(|w| w[0] < w[1]), "{:?}", touched);
        for line in 1..=lines.line_count() {
            if regex.is_match(lines.line_text(&text, line)) {
                prop_assert!(touched.contains(&line), "line {} of {:?} matches {}", line, text, pattern);
            }
        }
    }
}

#[test]
fn a_pattern_that_matches_empty_text_has_no_whole_page_search() {
    for pattern in [r"^", r"x*", r"\b"] {
        let regex = regex::Regex::new(pattern).unwrap();
        assert!(
            runbook::lint::custom::anywhere(&regex).is_none(),
            "{pattern}"
        );
    }
}
