//! `--fix`, `review`, `due` and `new`: what they change, and that they
//! change nothing else.

mod common;

use std::fs;
use std::path::Path;

use common::{TODAY, fixtures, runbook, stderr, stdout};

fn copy_fixtures(name: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for entry in fs::read_dir(fixtures().join(name)).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), tmp.path().join(entry.file_name())).unwrap();
    }
    tmp
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    fs::read(dir.join(name)).unwrap()
}

#[test]
fn fix_applies_safe_fixes_and_keeps_every_other_byte() {
    let tmp = copy_fixtures("fix");
    let dir = tmp.path();
    let before_broken = read(dir, "broken-yaml.md");
    let output = runbook(dir, &["lint", "--fix", "--today", TODAY]);
    let said = stderr(&output);

    // Front matter skeleton, from what the body said.
    let text = String::from_utf8(read(dir, "body-metadata.md")).unwrap();
    assert!(text.starts_with("---\ntitle: Restore the cache\nowner: team-cache\nlast_reviewed: 2026-11-02\nstatus: draft\n---\n\n# Restore the cache\n"), "{text}");
    assert!(
        said.contains("fixed body-metadata.md:1:1 [front-matter-missing]"),
        "{said}"
    );

    // CRLF stays CRLF; the date, the heading and both anchors are fixed.
    let crlf = String::from_utf8(read(dir, "crlf.md")).unwrap();
    let expected = "---\r\ntitle: CRLF\r\nowner: team-a\r\nlast_reviewed: 2026-10-27\r\nstatus: draft\r\n---\r\n# CRLF\r\n\r\nJump to [undo](#roll-back) and [other](body-metadata.md#rollback).\r\n\r\n## Roll back\r\n\r\nUndo it.\r\n";
    assert_eq!(crlf, expected);

    // The BOM is kept; a status in the wrong case is corrected, quotes kept.
    let bom = read(dir, "bom.md");
    assert!(bom.starts_with(
        b"\xef\xbb\xbf---\ntitle: BOM\nowner: team-a\nlast_reviewed: 2026-11-01\nstatus: \"draft\"\n"
    ));

    // In a flow mapping each value ends at its comma: the rest stays.
    let flow = String::from_utf8(read(dir, "flow.md")).unwrap();
    assert!(
        flow.starts_with("---\n{title: Flow, owner: team-a, last_reviewed: 2026-10-30, status: draft, related: [crlf.md, \"bom.md\"]}\n---\n"),
        "{flow}"
    );

    // Ambiguous dates, anchors and statuses are left for a person.
    let ambiguous = String::from_utf8(read(dir, "ambiguous.md")).unwrap();
    assert!(ambiguous.contains("last_reviewed: 01/02/2026") && ambiguous.contains("(#setp)"));
    assert!(ambiguous.contains("status: Dräft"));

    // A file that does not parse is not touched (its findings offer no
    // fix), and `--fix` says so.
    assert_eq!(read(dir, "broken-yaml.md"), before_broken);
    assert!(
        said.contains("broken-yaml.md: not fixed: invalid YAML"),
        "{said}"
    );

    // What is left is reported, and fixing again changes nothing.
    let files = [
        "body-metadata.md",
        "crlf.md",
        "bom.md",
        "ambiguous.md",
        "flow.md",
    ];
    let snapshot: Vec<Vec<u8>> = files.iter().map(|f| read(dir, f)).collect();
    let again = runbook(dir, &["lint", "--fix", "--today", TODAY]);
    assert!(!stderr(&again).contains("fixed "), "{}", stderr(&again));
    let after: Vec<Vec<u8>> = files.iter().map(|f| read(dir, f)).collect();
    assert_eq!(snapshot, after);
    assert!(
        stdout(&again).contains("field-type"),
        "the ambiguous date is still reported"
    );
}

/// A file `--fix` leaves alone offers no fix in the reports, nor counts
/// one as fixable: its offsets are into the text as read (U+FFFD for a
/// byte that is not UTF-8, UTF-8 for UTF-16), not into the file.
#[test]
fn files_fix_refuses_offer_no_fixes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    let body = "# U\n\n##Bad\n\n## Rollback\n\nUndo.\n";
    let front = "owner: a\nlast_reviewed: 2026-11-01\nstatus: draft\n---\n";
    let mut latin1 = b"---\ntitle: Caf\xe9\n".to_vec();
    latin1.extend_from_slice(format!("{front}{body}").as_bytes());
    fs::write(dir.join("latin1.md"), latin1).unwrap();
    let utf16: Vec<u8> = format!("\u{feff}---\ntitle: T\n{front}{body}")
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    fs::write(dir.join("utf16.md"), utf16).unwrap();
    fs::write(
        dir.join("yaml.md"),
        format!("---\ntitle: [unclosed\n{front}{body}"),
    )
    .unwrap();
    fs::write(dir.join("fine.md"), format!("---\ntitle: T\n{front}{body}")).unwrap();

    let (report, _) = common::lint_json(dir, &[]);
    let diagnostics = report["diagnostics"].as_array().unwrap();
    for file in ["latin1.md", "utf16.md", "yaml.md", "fine.md"] {
        let of_file = || diagnostics.iter().filter(|d| d["path"] == file);
        assert!(
            of_file().any(|d| d["rule"] == "heading-no-space"),
            "{file}: {report}"
        );
        let with_fix = of_file().filter(|d| !d["fix"].is_null()).count();
        assert_eq!(with_fix, usize::from(file == "fine.md"), "{file}: {report}");
    }
    assert_eq!(report["summary"]["fixable"], 1, "{report}");

    // `--fix` fixes the one it can and says why it leaves the others.
    let output = runbook(dir, &["lint", "--fix", "--today", TODAY]);
    let said = stderr(&output);
    assert!(
        said.contains("fixed fine.md:9:1 [heading-no-space]"),
        "{said}"
    );
    for file in ["latin1.md", "utf16.md", "yaml.md"] {
        assert!(said.contains(&format!("{file}: not fixed: ")), "{said}");
    }
    assert!(
        fs::read_to_string(dir.join("yaml.md"))
            .unwrap()
            .contains("\n##Bad\n")
    );
}

#[test]
fn review_changes_only_the_review_fields() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    let original = "---\r\ntitle: \"Keep: me\"   # a comment\r\nowner: [a, b]\r\nlast_reviewed: \"2025-01-27\" # quarterly\r\nstatus: draft\r\n---\r\n# Body stays\r\n";
    fs::write(dir.join("r.md"), original).unwrap();
    let output = runbook(dir, &["review", "r.md", "--by", "Ana", "--today", TODAY]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("(was \"2025-01-27\")"));
    let text = fs::read_to_string(dir.join("r.md")).unwrap();
    assert_eq!(
        text,
        "---\r\ntitle: \"Keep: me\"   # a comment\r\nowner: [a, b]\r\nlast_reviewed: 2026-11-25 # quarterly\r\nstatus: draft\r\nreviewed_by: \"Ana\"\r\n---\r\n# Body stays\r\n"
    );
    // A second review by someone else replaces the name in place.
    runbook(dir, &["review", "r.md", "--by", "Bo", "--today", TODAY]);
    assert!(
        fs::read_to_string(dir.join("r.md"))
            .unwrap()
            .contains("reviewed_by: \"Bo\"\r\n---")
    );

    fs::write(dir.join("none.md"), "# No front matter\n").unwrap();
    let output = runbook(dir, &["review", "none.md", "--today", TODAY]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--fix"));
    assert_eq!(
        fs::read_to_string(dir.join("none.md")).unwrap(),
        "# No front matter\n"
    );
}

/// Front matter written as one flow mapping: each value ends at its comma,
/// and a new key goes inside the braces, where YAML reads it, whatever
/// comments (with braces) sit around it. A date in a block scalar keeps the
/// line break after it; an empty value is filled after its colon, and a
/// list under its key is replaced whole.
#[test]
fn review_edits_flow_mappings_and_block_scalars_in_place() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    for (written, reviewed) in [
        (
            "{title: F, owner: a, last_reviewed: 2025-01-27, status: draft}",
            "{title: F, owner: a, last_reviewed: 2026-11-25, status: draft, reviewed_by: \"Ana\"}",
        ),
        (
            "{title: F, owner: a, last_reviewed: 2025-01-XX, status: draft}",
            "{title: F, owner: a, last_reviewed: 2026-11-25, status: draft, reviewed_by: \"Ana\"}",
        ),
        (
            "{title: F, reviewed_by: bo, owner: a, status: draft,}",
            "{title: F, reviewed_by: \"Ana\", owner: a, status: draft, last_reviewed: 2026-11-25}",
        ),
        (
            "{\n  title: F, owner: a,\n  status: draft\n}",
            "{\n  title: F, owner: a,\n  status: draft, last_reviewed: 2026-11-25, reviewed_by: \"Ana\"\n}",
        ),
        (
            "title: F\nowner: a\nstatus: draft\nlast_reviewed: |\n  2025-01-27",
            "title: F\nowner: a\nstatus: draft\nlast_reviewed: |\n  2026-11-25\nreviewed_by: \"Ana\"",
        ),
        (
            "title: F\nowner: a\nstatus: draft\nreviewed_by:\nlast_reviewed: # when",
            "title: F\nowner: a\nstatus: draft\nreviewed_by: \"Ana\"\nlast_reviewed: 2026-11-25 # when",
        ),
        (
            "{title: F, owner: a, status: draft} # see {x}",
            "{title: F, owner: a, status: draft, last_reviewed: 2026-11-25, reviewed_by: \"Ana\"} # see {x}",
        ),
        (
            "# one line\n{title: F, owner: a, status: draft}",
            "# one line\n{title: F, owner: a, status: draft, last_reviewed: 2026-11-25, reviewed_by: \"Ana\"}",
        ),
        (
            "title: F\nowner: a\nstatus: draft\nreviewed_by:\n- ana\n  # and\n- bo\nlast_reviewed: 2025-01-27",
            "title: F\nowner: a\nstatus: draft\nreviewed_by: \"Ana\"\nlast_reviewed: 2026-11-25",
        ),
        (
            "{title: F, owner: a, status: draft, reviewed_by: }",
            "{title: F, owner: a, status: draft, reviewed_by: \"Ana\" , last_reviewed: 2026-11-25 }",
        ),
    ] {
        let body = "\n---\n# F\n\n## Rollback\n\nUndo.\n";
        fs::write(dir.join("f.md"), format!("---\n{written}{body}")).unwrap();
        let output = runbook(dir, &["review", "f.md", "--by", "Ana", "--today", TODAY]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{written}: {}",
            stderr(&output)
        );
        let text = fs::read_to_string(dir.join("f.md")).unwrap();
        assert_eq!(text, format!("---\n{reviewed}{body}"));
        let lint = runbook(dir, &["lint", "f.md", "--today", TODAY]);
        assert_eq!(lint.status.code(), Some(0), "{written}: {}", stdout(&lint));
    }
}

/// An edit that would change more than the review (another key aliases the
/// old date) or break the front matter (a key with no colon in a flow
/// mapping) leaves the file as it was.
#[test]
fn review_refuses_an_edit_that_would_change_anything_else() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    for (written, why) in [
        (
            "title: F\nowner: a\nstatus: draft\nlast_reviewed: &d 2025-01-27\nnext_drill: *d\n",
            "would change `next_drill` (line 6) too",
        ),
        (
            "{title: F, owner: a, status: draft, last_reviewed: 2025-01-27, reviewed_by}\n",
            "would leave front matter that does not parse",
        ),
    ] {
        let file = format!("---\n{written}---\n# F\n");
        fs::write(dir.join("f.md"), &file).unwrap();
        let output = runbook(dir, &["review", "f.md", "--by", "Ana", "--today", TODAY]);
        assert_eq!(output.status.code(), Some(2), "{written}");
        assert!(stderr(&output).contains(why), "{}", stderr(&output));
        assert_eq!(fs::read_to_string(dir.join("f.md")).unwrap(), file);
    }
}

#[test]
fn due_groups_by_owner_and_fails_when_overdue() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    let runbook_with = |owner: &str, date: &str| {
        format!("---\ntitle: T\nowner: {owner}\nlast_reviewed: {date}\nstatus: draft\n---\n# T\n")
    };
    fs::write(
        dir.join("late.md"),
        runbook_with("[ops, dba]", "2026-01-01"),
    )
    .unwrap();
    fs::write(dir.join("soon.md"), runbook_with("ops", "2026-09-10")).unwrap();
    fs::write(dir.join("fine.md"), runbook_with("ops", "2026-11-20")).unwrap();
    let output = runbook(dir, &["due", "--format", "json", "--today", TODAY]);
    assert_eq!(output.status.code(), Some(1));
    let due: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let owners: Vec<&str> = due["owners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["owner"].as_str().unwrap())
        .collect();
    assert_eq!(owners, vec!["dba", "ops"]);
    let ops: Vec<(&str, &str)> = due["owners"][1]["runbooks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["path"].as_str().unwrap(), r["state"].as_str().unwrap()))
        .collect();
    assert_eq!(ops, vec![("late.md", "overdue"), ("soon.md", "due-soon")]);
    let markdown = stdout(&runbook(
        dir,
        &["due", "--format", "markdown", "--today", TODAY],
    ));
    assert!(
        markdown.contains("## ops")
            && markdown.contains("| [T](late.md) | draft | 2026-01-01 | 2026-04-01 | overdue |"),
        "{markdown}"
    );
    // Falling due soon is no failure.
    fs::remove_file(dir.join("late.md")).unwrap();
    let output = runbook(dir, &["due", "--today", TODAY]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(
        stdout(&output).contains("due soon  soon.md"),
        "{}",
        stdout(&output)
    );
    // Looking no days ahead lists only what is overdue: nothing here.
    for none in ["0", "0d", "0 days"] {
        let output = runbook(dir, &["due", "--within", none, "--today", TODAY]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        assert_eq!(
            stdout(&output),
            format!("nothing overdue or due within 0d of {TODAY}\n")
        );
    }
    let output = runbook(dir, &["due", "--within", "-3d", "--today", TODAY]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn new_writes_a_runbook_that_lints_clean_and_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("book.toml"), "[book]\nsrc = \"docs\"\n").unwrap();
    let output = runbook(
        dir,
        &[
            "new",
            "Rotate the DB password",
            "--owner",
            "dba",
            "--today",
            TODAY,
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(dir.join("docs/rotate-the-db-password.md").is_file());
    let lint = runbook(dir, &["lint", "--today", TODAY]);
    assert_eq!(lint.status.code(), Some(0), "{}", stdout(&lint));
    let again = runbook(
        dir,
        &[
            "new",
            "Rotate the DB password",
            "--owner",
            "x",
            "--today",
            TODAY,
        ],
    );
    assert_eq!(again.status.code(), Some(2));
    assert!(
        fs::read_to_string(dir.join("docs/rotate-the-db-password.md"))
            .unwrap()
            .contains("owner: \"dba\"")
    );
    // A file name is where to write it, and what to call it.
    let named = runbook(
        dir,
        &[
            "new",
            "db/restore-orders.md",
            "--owner",
            "dba",
            "--today",
            TODAY,
        ],
    );
    assert_eq!(named.status.code(), Some(0), "{}", stderr(&named));
    let text = fs::read_to_string(dir.join("docs/db/restore-orders.md")).unwrap();
    assert!(text.contains("title: \"Restore orders\""), "{text}");
    let lint = runbook(dir, &["lint", "--today", TODAY]);
    assert_eq!(lint.status.code(), Some(0), "{}", stdout(&lint));
    // Named from the book's folder, as `lint` takes it: not docs/docs/.
    let new = |name: &str| runbook(dir, &["new", name, "--owner", "dba", "--today", TODAY]);
    assert_eq!(new("docs/db/fail-over.md").status.code(), Some(0));
    assert!(dir.join("docs/db/fail-over.md").is_file());
    // `.markdown` is Markdown to the walk, so a name, not a title, here too.
    assert_eq!(new("db/switch-over.markdown").status.code(), Some(0));
    let text = fs::read_to_string(dir.join("docs/db/switch-over.markdown")).unwrap();
    assert!(text.contains("title: \"Switch over\""), "{text}");
    assert!(!dir.join("docs/docs").exists());
    // Never outside the source folder, never a name without a stem.
    let before = files_under(dir);
    for name in [
        "../escape.md",
        "db/../../escape.md",
        "/tmp/escape.md",
        "db/.md",
        "a\nb.md",
    ] {
        let refused = new(name);
        assert_eq!(refused.status.code(), Some(2), "{name}");
        assert!(
            stderr(&refused).starts_with("error: `"),
            "{}",
            stderr(&refused)
        );
    }
    assert_eq!(files_under(dir), before);
    assert!(!tmp.path().parent().unwrap().join("escape.md").exists());
}

fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .collect();
    files.sort();
    files
}

#[test]
fn completions_are_printed() {
    let output = runbook(Path::new("."), &["completions", "bash"]);
    assert!(stdout(&output).contains("runbook"));
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn init_starts_a_book_that_lints_clean_and_refuses_to_overwrite() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let output = runbook(dir, &["init", "--today", TODAY]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    for file in [
        "book.toml",
        "content/restart-the-api.md",
        "lints/team-rules.yaml",
        "templates/base.html",
        "templates/assets/style.css",
    ] {
        assert!(dir.join(file).is_file(), "{file}");
    }
    let lint = runbook(dir, &["lint", "--today", TODAY]);
    assert_eq!(lint.status.code(), Some(0), "{}", stdout(&lint));
    let rules = stdout(&runbook(dir, &["rules"]));
    assert!(
        rules.contains("verification-section"),
        "the example team rules load"
    );
    let build = runbook(dir, &["build", "--today", TODAY]);
    assert_eq!(build.status.code(), Some(0), "{}", stderr(&build));
    // Its book.toml says its settings are the defaults: they are, and
    // none is left out of the comparison.
    let written = runbook::config::Settings::load(&dir.join("book.toml")).unwrap();
    assert!(
        written.unknown_keys.is_empty(),
        "{:?}",
        written.unknown_keys
    );
    assert_eq!(
        toml::Value::try_from(&written.config).unwrap(),
        toml::Value::try_from(runbook::config::Config::default()).unwrap(),
        "the starter book.toml sets only defaults"
    );
    let text = fs::read_to_string(dir.join("book.toml")).unwrap();
    assert!(
        text.contains("# draft = \"30d\"") && text.contains("an example, not a default"),
        "{text}"
    );

    // Run again: everything exists, nothing is touched.
    fs::write(dir.join("book.toml"), "[book]\ntitle = \"Mine\"\n").unwrap();
    let again = runbook(dir, &["init", "--today", TODAY]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("nothing was written"));
    assert_eq!(
        fs::read_to_string(dir.join("book.toml")).unwrap(),
        "[book]\ntitle = \"Mine\"\n"
    );

    // A folder holding just one of the files: still refused, nothing written.
    let other = tempfile::tempdir().unwrap();
    fs::create_dir(other.path().join("lints")).unwrap();
    fs::write(other.path().join("lints/team-rules.yaml"), "[]\n").unwrap();
    assert_eq!(
        runbook(other.path(), &["init", "--today", TODAY])
            .status
            .code(),
        Some(2)
    );
    assert!(!other.path().join("book.toml").exists());

    // A file where the folder should be: said so.
    fs::write(other.path().join("notes"), "mine").unwrap();
    let file = runbook(other.path(), &["init", "notes", "--today", TODAY]);
    assert_eq!(file.status.code(), Some(2));
    assert!(
        stderr(&file).contains("`notes` is a file, not a folder"),
        "{}",
        stderr(&file)
    );
}

/// `--fix` straightens quotes, turns Unicode spaces into spaces (after a
/// heading's `##` too) and deletes zero-width characters and bidirectional
/// controls; a dash that is not `-` stays for a person, since `–n` may
/// have been `-n` or `--n`.
#[test]
fn fix_turns_lookalikes_into_ascii_and_deletes_bidi_controls() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    for rule in ["lookalike-in-command", "bidi-control"] {
        let from = fixtures().join("lint").join(rule).join("bad.md");
        fs::copy(from, dir.join(format!("{rule}.md"))).unwrap();
    }
    fs::write(dir.join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    let heading = "---\ntitle: H\nowner: a\nlast_reviewed: 2026-11-01\nstatus: draft\n---\n# H\n\n##\u{a0}Rollback\n\nUndo.\n";
    fs::write(dir.join("heading.md"), heading).unwrap();
    let output = runbook(dir, &["lint", "--fix", "--today", TODAY]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(
        fs::read_to_string(dir.join("heading.md")).unwrap(),
        heading.replace("##\u{a0}", "## ")
    );

    let commands = String::from_utf8(read(dir, "lookalike-in-command.md")).unwrap();
    for line in [
        "kubectl cordon \"$NODE\" \u{2013}\u{2013}dry-run=server\n",
        "kill \u{2212}9 1\n",
        "kubectl get pods\n",
        "kubectl get nodes\n",
        "echo 'single'\n",
        "kubectl uncordon \"$NODE\" \u{2014}v=2\n",
    ] {
        assert!(commands.contains(line), "{line:?} in:\n{commands}");
    }
    let bidi = String::from_utf8(read(dir, "bidi-control.md")).unwrap();
    assert!(!bidi.contains(
        |c| ('\u{202A}'..='\u{202E}').contains(&c) || ('\u{2066}'..='\u{2069}').contains(&c)
    ));
    assert!(bidi.contains("title: \"Rotate the keys\"\n"), "{bidi}");

    // Only the dashes are left, each with the option it stands for.
    let left = stdout(&output);
    let again = runbook(
        dir,
        &["lint", "--fix", "--today", TODAY, "--format", "json"],
    );
    let report = stdout(&again);
    assert_eq!(
        report.matches("\"rule\": \"lookalike-in-command\"").count(),
        3,
        "{report}"
    );
    assert!(!report.contains("bidi-control"), "{report}");
    for guess in ["write `--dry-run=server`", "write `-9`", "write `-v=2`"] {
        assert!(
            report.contains(guess),
            "{guess} in {report}\n(first run: {left})"
        );
    }
    assert_eq!(
        fs::read_to_string(dir.join("lookalike-in-command.md")).unwrap(),
        commands
    );
}

/// Front matter that is there but not read: a `---` block below a comment
/// or a blank line, and Hugo's TOML between `+++` lines. `--fix` moves the
/// block to the top (what was above it goes below) and converts TOML of
/// plain values; it never prepends a second block, which would leave the
/// first in the body as text.
#[test]
fn fix_moves_misplaced_front_matter_up_and_converts_toml() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    let fields = "title: Restart\nowner: team-a\nlast_reviewed: 2026-11-20\nstatus: draft\n";
    let body = "\n# Restart\n\n## Rollback\n\nStart it again.\n\n## Verification\n\nIt answers.\n";
    let cases = [
        (
            "blank.md",
            format!("\n\n---\n{fields}---\n{body}"),
            format!("---\n{fields}---\n{body}"),
        ),
        (
            "indented.md",
            format!("  ---\n{fields}---\n{body}"),
            format!("---\n{fields}---\n{body}"),
        ),
        (
            "comment.md",
            format!("<!-- markdownlint-disable MD041 -->\n\n---\n{fields}---\n{body}"),
            format!("---\n{fields}---\n<!-- markdownlint-disable MD041 -->\n{body}"),
        ),
        (
            "crlf.md",
            format!("# Restart\r\n---\r\n{}---", fields.replace('\n', "\r\n")),
            format!(
                "---\r\n{}---\r\n# Restart\r\n",
                fields.replace('\n', "\r\n")
            ),
        ),
        (
            "hugo.md",
            format!(
                "+++\ntitle = \"Restart\"\nowner = \"team-a\"\nlast_reviewed = 2026-11-20\nstatus = \"draft\"\ntags = [\"api\", \"true\"]\nweight = 3\n+++\n{body}"
            ),
            format!(
                "---\ntitle: Restart\nowner: team-a\nlast_reviewed: 2026-11-20\nstatus: draft\ntags: [api, \"true\"]\nweight: 3\n---\n{body}"
            ),
        ),
    ];
    let nested = format!("+++\ntitle = \"Nested\"\n[params]\nowner = \"team-a\"\n+++\n{body}");
    fs::write(dir.join("nested.md"), &nested).unwrap();
    for (name, before, _) in &cases {
        fs::write(dir.join(name), before).unwrap();
    }
    let (report, _) = common::lint_json(dir, &[]);
    let messages: Vec<(&str, &str)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "front-matter-missing")
        .map(|d| (d["path"].as_str().unwrap(), d["message"].as_str().unwrap()))
        .collect();
    for (name, _, _) in &cases {
        let (_, message) = messages.iter().find(|(p, _)| p.ends_with(name)).unwrap();
        let expected = if name.starts_with("hugo") {
            "TOML front matter (`+++`) is not read"
        } else {
            "front matter must start on line 1"
        };
        assert!(message.starts_with(expected), "{name}: {message}");
    }

    let output = runbook(dir, &["lint", "--fix", "--today", TODAY]);
    for (name, _, after) in &cases {
        assert_eq!(
            &fs::read_to_string(dir.join(name)).unwrap(),
            after,
            "{name}"
        );
    }
    // A table in the TOML is left for a person, and said why.
    assert_eq!(fs::read_to_string(dir.join("nested.md")).unwrap(), nested);
    let (report, code) = common::lint_json(dir, &[]);
    let left: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "front-matter-missing")
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert_eq!(left, vec!["nested.md"], "{}", stderr(&output));
    assert_eq!(code, 1);
}

/// `--fix` quotes what YAML reads as something other than a string, in the
/// skeleton it writes from the body and in front matter written by hand:
/// `owner: yes` is a boolean.
#[test]
fn fix_quotes_values_yaml_would_not_read_as_strings() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    fs::write(
        dir.join("r.md"),
        "# Restart\n\n**Owner:** yes\n**Last reviewed:** 2026-11-20\n",
    )
    .unwrap();
    // Written by hand: the fix quotes the word as it was written.
    fs::write(
        dir.join("norway.md"),
        "---\ntitle: Norway\nowner: NO # the team\nlast_reviewed: 2026-11-20\nstatus: draft\n---\n",
    )
    .unwrap();
    runbook(dir, &["lint", "--fix", "--today", TODAY]);
    let text = fs::read_to_string(dir.join("r.md")).unwrap();
    assert!(
        text.starts_with(
            "---\ntitle: Restart\nowner: \"yes\"\nlast_reviewed: 2026-11-20\nstatus: draft\n---\n"
        ),
        "{text}"
    );
    let text = fs::read_to_string(dir.join("norway.md")).unwrap();
    assert!(
        text.starts_with("---\ntitle: Norway\nowner: \"NO\" # the team\n"),
        "{text}"
    );
    let (report, _) = common::lint_json(dir, &[]);
    let left: Vec<&serde_json::Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "field-type")
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn fix_writes_wiki_links_as_markdown_links_to_the_runbook_they_name() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    fs::create_dir(dir.join("db")).unwrap();
    let front = "---\ntitle: T\nowner: team-db\nlast_reviewed: 2026-11-20\nstatus: draft\n---\n";
    fs::write(
        dir.join("db/Restore DB.md"),
        format!("{front}\n# Restore\n\n## Check the backup\n\n## Rollback\n\nUndo.\n"),
    )
    .unwrap();
    let body = "See [[restore-db#Check the backup]], [[the steps|Restore DB]] and [[Gone page]].\n\n## Rollback\n\nUndo.\n";
    fs::write(
        dir.join("failover.md"),
        format!("{front}\n# Fail over\n\n{body}"),
    )
    .unwrap();
    runbook(dir, &["lint", "--fix", "--today", TODAY]);
    let text = fs::read_to_string(dir.join("failover.md")).unwrap();
    assert_eq!(
        text,
        format!(
            "{front}\n# Fail over\n\nSee [restore-db > Check the backup](db/Restore%20DB.md#check-the-backup), [the steps](db/Restore%20DB.md) and [[Gone page]].\n\n## Rollback\n\nUndo.\n"
        )
    );
    // The links written lead where they say; the one with no page is left
    // for a person, and still reported.
    let (report, _) = common::lint_json(dir, &[]);
    let left: Vec<(&str, &str)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["rule"].as_str().unwrap(), d["message"].as_str().unwrap()))
        .collect();
    assert_eq!(
        left,
        [(
            "wiki-link",
            "`[[Gone page]]` is a wiki link: GitHub and the site show it as text"
        )]
    );
}

const REVIEWED_BEFORE: &str = "---\ntitle: R\nowner: team-a\nlast_reviewed: 2025-01-01\nstatus: draft\n---\n# R\n## Rollback\nx\n";

/// `runbook ARGS...` in `dir` with stdout on `/dev/full`, where every
/// write fails with "No space left on device".
#[cfg(target_os = "linux")]
fn runbook_to_full_stdout(dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_runbook"))
        .args(args)
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .env("NO_COLOR", "1")
        .stdout(fs::File::create("/dev/full").unwrap())
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap()
}

/// A stdout that cannot be written is said once, exit 2, never a panic;
/// `review` still reviews every file it was given.
#[cfg(target_os = "linux")]
#[test]
fn authoring_commands_survive_a_full_stdout() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("book.toml"), "[book]\nsrc = \"content\"\n").unwrap();
    fs::create_dir(dir.join("content")).unwrap();
    for name in ["r1", "r2", "r3"] {
        fs::write(dir.join(format!("content/{name}.md")), REVIEWED_BEFORE).unwrap();
    }
    let review = [
        "review",
        "content/r1.md",
        "content/r2.md",
        "content/r3.md",
        "--today",
        TODAY,
    ];
    let new = ["new", "--owner", "team-a", "--today", TODAY, "Fail over"];
    let runs: [&[&str]; 7] = [
        &review,
        &["due", "--today", TODAY],
        &["due", "--today", TODAY, "--format", "json"],
        &new,
        &["init", "book", "--today", TODAY],
        &["completions", "fish"],
        &["rules"],
    ];
    for args in runs {
        let output = runbook_to_full_stdout(dir, args);
        let said = stderr(&output);
        assert!(!said.contains("panicked"), "{args:?}: {said}");
        assert_eq!(output.status.code(), Some(2), "{args:?}: {said}");
        assert_eq!(
            said.matches("error: cannot write to stdout: ").count(),
            1,
            "{args:?}: {said}"
        );
    }
    for name in ["r1", "r2", "r3"] {
        let text = fs::read_to_string(dir.join(format!("content/{name}.md"))).unwrap();
        assert!(
            text.contains(&format!("last_reviewed: {TODAY}")),
            "{name}: {text}"
        );
    }
    assert!(dir.join("content/fail-over.md").is_file());
    assert!(dir.join("book/book.toml").is_file());
}

/// A reader that goes away (`| head`) ends the output quietly: no panic,
/// no error, the exit code the command would have had.
#[test]
fn authoring_commands_end_quietly_on_a_closed_pipe() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    for i in 0..300 {
        fs::write(dir.join(format!("r{i}.md")), REVIEWED_BEFORE).unwrap();
    }
    let runs: [(&[&str], i32); 3] = [
        (&["completions", "fish"], 0),
        (&["rules"], 0),
        (&["due", "--today", TODAY], 1),
    ];
    for (args, code) in runs {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_runbook"))
            .args(args)
            .current_dir(dir)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Closed at once: whatever the command writes after this fails.
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        let said = stderr(&output);
        assert_eq!(output.status.code(), Some(code), "{args:?}: {said}");
        assert!(said.is_empty(), "{args:?}: {said}");
    }
}

/// `due` says what it could not read and fails, as `lint` does, and a
/// source folder that is not there is an error, not "nothing overdue".
#[test]
fn due_fails_on_what_it_cannot_read() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("book.toml"), "[book]\nsrc = \"content\"\n").unwrap();
    fs::create_dir(dir.join("content")).unwrap();
    let huge = format!(
        "---\ntitle: Huge\nowner: team-h\nlast_reviewed: 2020-01-01\n---\n{}",
        "x".repeat(11_000_000)
    );
    fs::write(dir.join("content/huge.md"), huge).unwrap();
    let output = runbook(dir, &["due", "--today", TODAY]);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    assert!(
        stderr(&output).starts_with("error: content/huge.md: file is "),
        "{}",
        stderr(&output)
    );

    fs::write(dir.join("book.toml"), "[book]\nsrc = \"contnet\"\n").unwrap();
    let output = runbook(dir, &["due", "--today", TODAY]);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    assert!(
        stderr(&output).contains("source folder `contnet` does not exist"),
        "{}",
        stderr(&output)
    );
    assert!(stdout(&output).is_empty());
}

/// Owners are trimmed, each once per runbook, grouped whatever their letter
/// case (shown as most runbooks write them); a blank one, or one that
/// names nobody (`TBD`, as `required-field` reads it), is no owner. A
/// review date in the future or that is no date is listed and fails.
#[test]
fn due_groups_owners_as_the_site_does_and_lists_dates_that_do_not_hold() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    let write = |name: &str, owner: &str, date: &str| {
        let text = format!("---\ntitle: T\nowner: {owner}\nlast_reviewed: {date}\n---\n# T\n");
        fs::write(dir.join(name), text).unwrap();
    };
    write("a.md", "\"\"", "2025-01-01");
    write("b.md", "\" team-a \"", "2025-01-01");
    write("c.md", "[team-a, team-a]", "2025-01-01");
    write("d.md", "Team-A", "2025-01-01");
    write("e.md", "team-a", "2025-02-30");
    write("f.md", "team-b", "2062-01-01");
    write("g.md", "[TBD, \"<team>\"]", "2025-01-01");
    let output = runbook(dir, &["due", "--format", "json", "--today", TODAY]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let due: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let groups: Vec<(serde_json::Value, Vec<(&str, &str)>)> = due["owners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            let runbooks = o["runbooks"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| (r["path"].as_str().unwrap(), r["state"].as_str().unwrap()))
                .collect();
            (o["owner"].clone(), runbooks)
        })
        .collect();
    let expected = vec![
        (
            serde_json::Value::Null,
            vec![("a.md", "overdue"), ("g.md", "overdue")],
        ),
        (
            serde_json::json!("team-a"),
            vec![
                ("e.md", "invalid-date"),
                ("b.md", "overdue"),
                ("c.md", "overdue"),
                ("d.md", "overdue"),
            ],
        ),
        (serde_json::json!("team-b"), vec![("f.md", "future")]),
    ];
    assert_eq!(groups, expected);
    assert_eq!(
        due["owners"][1]["runbooks"][0]["last_reviewed"],
        "2025-02-30"
    );

    let human = stdout(&runbook(dir, &["due", "--today", TODAY]));
    assert!(human.starts_with("(no owner) (2)\n"), "{human}");
    assert!(
        human.contains("is no day: February 2025 has 28 days"),
        "{human}"
    );
    assert!(
        human.contains("last reviewed 2062-01-01, after today"),
        "{human}"
    );
    let markdown = stdout(&runbook(
        dir,
        &["due", "--format", "markdown", "--today", TODAY],
    ));
    assert!(markdown.contains("\n## (no owner)\n"), "{markdown}");

    // A future date alone fails the run too.
    for name in ["a.md", "b.md", "c.md", "d.md", "e.md"] {
        fs::remove_file(dir.join(name)).unwrap();
    }
    assert_eq!(
        runbook(dir, &["due", "--today", TODAY]).status.code(),
        Some(1)
    );
}

/// `review` and `--fix` refuse what renaming a new file over the old one
/// would get round: a read-only file, a file with other hard links, and
/// (as root) keep the file's owner.
#[cfg(unix)]
#[test]
fn rewrites_refuse_read_only_and_hard_linked_files() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    fs::write(dir.join("ro.md"), REVIEWED_BEFORE).unwrap();
    fs::set_permissions(dir.join("ro.md"), fs::Permissions::from_mode(0o444)).unwrap();
    fs::write(dir.join("hard.md"), REVIEWED_BEFORE).unwrap();
    fs::hard_link(dir.join("hard.md"), dir.join("link.md")).unwrap();
    let output = runbook(dir, &["review", "ro.md", "hard.md", "--today", TODAY]);
    assert_eq!(output.status.code(), Some(2));
    let said = stderr(&output);
    assert!(
        said.contains("error: ro.md: is read-only; not changed"),
        "{said}"
    );
    assert!(
        said.contains("error: hard.md: has 2 hard links; editing would split them; not changed"),
        "{said}"
    );
    for name in ["ro.md", "hard.md", "link.md"] {
        assert_eq!(fs::read_to_string(dir.join(name)).unwrap(), REVIEWED_BEFORE);
    }
    assert_eq!(fs::metadata(dir.join("hard.md")).unwrap().nlink(), 2);

    // `--fix` the same: a heading without its space, left as it is.
    let unfixed =
        "---\ntitle: F\nowner: team-a\nlast_reviewed: 2026-11-01\nstatus: draft\n---\n##Fix me\n";
    let fix = tempfile::tempdir().unwrap();
    let fix_dir = fix.path();
    fs::write(fix_dir.join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    fs::write(fix_dir.join("ro.md"), unfixed).unwrap();
    fs::set_permissions(fix_dir.join("ro.md"), fs::Permissions::from_mode(0o444)).unwrap();
    fs::write(fix_dir.join("hard.md"), unfixed).unwrap();
    fs::hard_link(fix_dir.join("hard.md"), fix_dir.join("other.txt")).unwrap();
    let output = runbook(fix_dir, &["lint", "--fix", "--today", TODAY]);
    let said = stderr(&output);
    assert!(said.contains("ro.md: not fixed: is read-only"), "{said}");
    assert!(
        said.contains("hard.md: not fixed: has 2 hard links"),
        "{said}"
    );
    assert_eq!(fs::read_to_string(fix_dir.join("ro.md")).unwrap(), unfixed);
    assert_eq!(
        fs::read_to_string(fix_dir.join("other.txt")).unwrap(),
        unfixed
    );

    // Another user's file keeps its owner (only root can give it back).
    let theirs = dir.join("theirs.md");
    fs::write(&theirs, REVIEWED_BEFORE).unwrap();
    if std::os::unix::fs::chown(&theirs, Some(65534), Some(65534)).is_ok() {
        let output = runbook(dir, &["review", "theirs.md", "--today", TODAY]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let meta = fs::metadata(&theirs).unwrap();
        assert_eq!((meta.uid(), meta.gid()), (65534, 65534));
        assert!(fs::read_to_string(&theirs).unwrap().contains(TODAY));
    }
}

/// `new` refuses what `lint` would reject or never see: an owner that
/// names nobody, control and bidirectional characters, hidden names.
#[test]
fn new_refuses_what_lint_would_reject_or_skip() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("book.toml"), "[book]\nsrc = \"content\"\n").unwrap();
    fs::create_dir(dir.join("content")).unwrap();
    let before = files_under(dir);
    let refused: [(&str, &str, &str); 8] = [
        ("TBD", "Restore orders", "which names nobody"),
        ("", "Fail over", "required field `owner` is empty"),
        ("   ", "Fail over", "required field `owner` is empty"),
        (
            "team-db",
            "Restore\u{7f} DB",
            "a control character (U+007F)",
        ),
        ("team-db", "Restore\nDB", "a control character (U+000A)"),
        (
            "team-\u{202e}db",
            "Restore",
            "a bidirectional control (U+202E",
        ),
        (
            "team-db",
            ".hidden.md",
            "hidden files are not part of the book",
        ),
        (
            "team-db",
            "db/.drafts/x.md",
            "hidden files are not part of the book",
        ),
    ];
    for (owner, title, why) in refused {
        let output = runbook(
            dir,
            &["new", "--owner", owner, "--today", TODAY, "--", title],
        );
        assert_eq!(output.status.code(), Some(2), "{owner:?} {title:?}");
        assert!(stderr(&output).contains(why), "{}", stderr(&output));
    }
    assert_eq!(files_under(dir), before);

    // Markdown in the title is shown as written, not made a link.
    let output = runbook(
        dir,
        &[
            "new",
            "--owner",
            "team-db",
            "--today",
            TODAY,
            "See [runbook](other.md)",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let lint = runbook(dir, &["lint", "--today", TODAY]);
    assert_eq!(lint.status.code(), Some(0), "{}", stdout(&lint));
    // Made twice, said plainly.
    let again = runbook(
        dir,
        &[
            "new",
            "--owner",
            "team-db",
            "--today",
            TODAY,
            "See [runbook](other.md)",
        ],
    );
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
}

/// `init` checks every folder on the way before it writes anything.
#[test]
fn init_writes_nothing_when_a_folder_it_needs_is_a_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("templates"), "notes").unwrap();
    let output = runbook(dir, &["init", ".", "--today", TODAY]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("templates` is a file, not a folder; nothing was written"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        files_under(dir),
        vec![dir.to_path_buf(), dir.join("templates")]
    );
}

/// `review --by` takes a name: not a blank one, not one with control or
/// bidirectional characters. `review` refuses a file with both a key and
/// its alias, naming both.
#[test]
fn review_refuses_bad_names_and_a_key_set_twice() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(
        dir.join("book.toml"),
        "[book]\nsrc = \".\"\n[front-matter.aliases]\nlast_reviewed = [\"reviewed\"]\n",
    )
    .unwrap();
    fs::write(dir.join("r.md"), REVIEWED_BEFORE).unwrap();
    for (by, why) in [
        ("", "--by: the name is empty"),
        ("  ", "--by: the name is empty"),
        (
            "\u{202e}ana",
            "--by: the name holds a bidirectional control",
        ),
        ("a\nb", "--by: the name holds a control character (U+000A)"),
        (
            "\u{1b}[31m",
            "--by: the name holds a control character (U+001B)",
        ),
    ] {
        let output = runbook(dir, &["review", "r.md", "--by", by, "--today", TODAY]);
        assert_eq!(output.status.code(), Some(2), "{by:?}");
        assert!(
            stderr(&output).starts_with(&format!("error: {why}")),
            "{}",
            stderr(&output)
        );
        assert_eq!(
            fs::read_to_string(dir.join("r.md")).unwrap(),
            REVIEWED_BEFORE
        );
    }
    let both = "---\ntitle: A\nowner: a\nlast_reviewed: 2026-02-01\nreviewed: 2024-01-01\nstatus: draft\n---\n# A\n";
    fs::write(dir.join("both.md"), both).unwrap();
    let output = runbook(dir, &["review", "both.md", "--today", TODAY]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains(
            "`last_reviewed` (line 4) and `reviewed` (line 5) both stand for `last_reviewed`"
        ),
        "{}",
        stderr(&output)
    );
    assert_eq!(fs::read_to_string(dir.join("both.md")).unwrap(), both);

    // `--today` is a day, written YYYY-MM-DD, and nothing more.
    let output = runbook(dir, &["review", "r.md", "--today", "2026-02-01T00:00"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("write YYYY-MM-DD"),
        "{}",
        stderr(&output)
    );
}

/// `rules` lists each rule at the severity it reports at here.
#[test]
fn rules_lists_the_severity_in_force() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(
        dir.join("book.toml"),
        "[book]\nsrc = \".\"\n[lint.rules]\nheading-no-space = \"off\"\nbroken-link = \"warning\"\n",
    )
    .unwrap();
    let output = runbook(dir, &["rules"]);
    assert_eq!(output.status.code(), Some(0));
    let listed = stdout(&output);
    let row = |id: &str| {
        listed
            .lines()
            .find(|l| l.split_whitespace().next() == Some(id))
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>()
    };
    assert_eq!(row("broken-link")[1], "warning");
    assert!(row("broken-link").ends_with(&["[default:", "error]"]));
    assert_eq!(row("heading-no-space")[1], "off");
    assert_eq!(row("broken-anchor")[1], "error");
    let one = stdout(&runbook(dir, &["rules", "broken-link"]));
    assert!(
        one.contains("Default severity: error\nSeverity: warning here"),
        "{one}"
    );
}

/// `rules ID` of a rule that reports as a built-in one says the severity
/// of that rule here, as the list does.
#[test]
fn rules_id_says_the_severity_of_the_rule_it_reports_as() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(
        dir.join("book.toml"),
        "[book]\nsrc = \".\"\n[lint.rules]\ndestructive-command = \"off\"\nrollback-missing = \"warning\"\n",
    )
    .unwrap();
    let kill = stdout(&runbook(dir, &["rules", "kill-9"]));
    assert!(
        kill.ends_with(
            "Default severity: warning\nSeverity: off here ([lint.rules] in book.toml)\n"
        ),
        "{kill}"
    );
    let rollback = stdout(&runbook(dir, &["rules", "rollback-section"]));
    assert!(
        rollback.ends_with(
            "Default severity: error\nSeverity: warning here ([lint.rules] in book.toml)\n"
        ),
        "{rollback}"
    );
}

/// Without a book.toml, `new` writes where `lint` and `due` read (`.` when
/// there is no `content/`): a `content/` made there would hide every
/// runbook already in `.` from both.
#[test]
fn new_without_a_book_toml_writes_where_lint_and_due_read() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(
        dir.join("restore-db.md"),
        "---\ntitle: Restore the database\nowner: team-db\nlast_reviewed: 2024-01-01\nstatus: draft\n---\n# Restore the database\n\n## Rollback\n\nUndo.\n",
    )
    .unwrap();
    let output = runbook(
        dir,
        &["new", "Rotate TLS", "--owner", "team-sec", "--today", TODAY],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "created ./rotate-tls.md\n");
    assert!(dir.join("rotate-tls.md").is_file());
    assert!(!dir.join("content").exists());
    let lint = runbook(dir, &["lint", "--today", TODAY]);
    assert_eq!(lint.status.code(), Some(1), "{}", stdout(&lint));
    assert!(
        stdout(&lint).contains("2 runbooks checked: 1 error"),
        "{}",
        stdout(&lint)
    );
    let due = runbook(dir, &["due", "--today", TODAY]);
    assert_eq!(due.status.code(), Some(1));
    assert!(
        stdout(&due).contains("OVERDUE   restore-db.md"),
        "{}",
        stdout(&due)
    );
}

/// `new` refuses what the book would never read, and never writes through
/// a symlinked folder out of the repository or into `.git`.
#[test]
fn new_refuses_runbooks_the_book_would_not_read() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    let outside = tmp.path().join("outside");
    fs::create_dir_all(repo.join(".git")).unwrap();
    fs::create_dir_all(repo.join("content")).unwrap();
    fs::create_dir_all(&outside).unwrap();
    fs::write(
        repo.join("book.toml"),
        "[book]\nsrc = \"content\"\n\n[lint]\nexclude = [\"archive/**\"]\n",
    )
    .unwrap();
    fs::write(repo.join(".gitignore"), "content/scratch/\n").unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&outside, repo.join("content/shared")).unwrap();
        std::os::unix::fs::symlink("../.git", repo.join("content/meta")).unwrap();
    }
    let before = files_under(tmp.path());
    let refused: &[(&[&str], &str)] = &[
        (
            &["Fail over", "--path", "db"],
            "is outside the source folder `content`",
        ),
        (
            &["archive/restore.md"],
            "`[lint] exclude` in book.toml matches it",
        ),
        (&["SECURITY.md"], "named like a document a repository keeps"),
        (&["scratch/rotate.md"], "git ignores it"),
        #[cfg(unix)]
        (
            &["shared/drain.md"],
            "through a symlink, outside the repository or into `.git`",
        ),
        #[cfg(unix)]
        (
            &["meta/hooks.md"],
            "through a symlink, outside the repository or into `.git`",
        ),
    ];
    for (args, why) in refused {
        let mut all = vec!["new", "--owner", "ops", "--today", TODAY];
        all.extend_from_slice(args);
        let output = runbook(&repo, &all);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains(why),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(stdout(&output).is_empty());
    }
    assert_eq!(files_under(tmp.path()), before);
    // Inside the book, through no link: created.
    let output = runbook(
        &repo,
        &["new", "--owner", "ops", "--today", TODAY, "db/drain.md"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

/// A runbook `new` writes takes the book's statuses, rollback heading and
/// required sections, so it passes `lint` as written.
#[test]
fn new_follows_the_books_statuses_and_sections() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(
        dir.join("book.toml"),
        "[book]\nsrc = \"content\"\n\n[lint]\nstatuses = [\"wip\", \"live\", \"retired\"]\n\
         rollback-heading = '(?i)^(undo|back ?out)$'\n\
         required-sections = ['(?i)^impact$', '^(Escalation|Escalation path)$', '^(Who|Whom) to call\\b']\n",
    )
    .unwrap();
    let output = runbook(
        dir,
        &[
            "new",
            "Restart the API",
            "--owner",
            "team-api",
            "--today",
            TODAY,
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // The last pattern is no plain list of words: said, not guessed at.
    assert_eq!(
        stderr(&output),
        "warning: content/restart-the-api.md: no heading matching `^(Who|Whom) to call\\b` was written (no heading text could be made from the pattern): add that section, or `lint` reports it\n\
         note: created the source folder `content` that book.toml names under [book] `src`\n"
    );
    let text = fs::read_to_string(dir.join("content/restart-the-api.md")).unwrap();
    assert!(text.contains("\nstatus: \"wip\"\n"), "{text}");
    assert!(
        text.contains("\n## Impact\n\nWhat this section must say.\n"),
        "{text}"
    );
    assert!(text.contains("\n## Escalation\n"), "{text}");
    assert!(
        text.ends_with("\n## Undo\n\nHow to undo every step above.\n"),
        "{text}"
    );
    assert!(!text.contains("## Rollback"), "{text}");
    let lint = runbook(dir, &["lint", "--format", "json", "--today", TODAY]);
    let report: serde_json::Value = serde_json::from_slice(&lint.stdout).unwrap();
    assert_eq!(
        common::rule_ids(&report),
        vec!["section-missing"],
        "{}",
        stdout(&lint)
    );
    // Where every pattern is a list of words, it lints clean as written.
    let plain = tempfile::tempdir().unwrap();
    fs::write(
        plain.path().join("book.toml"),
        "[book]\nsrc = \".\"\n\n[lint]\nstatuses = [\"wip\", \"live\"]\n\
         rollback-heading = '(?i)^(undo|back ?out)$'\nrequired-sections = ['(?i)^impact$']\n",
    )
    .unwrap();
    let output = runbook(
        plain.path(),
        &["new", "Restart", "--owner", "ops", "--today", TODAY],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
    let lint = runbook(plain.path(), &["lint", "--today", TODAY]);
    assert_eq!(lint.status.code(), Some(0), "{}", stdout(&lint));
    // With the section the warning named, it lints clean.
    fs::write(
        dir.join("content/restart-the-api.md"),
        text.replace("## Undo", "## Who to call\n\nThe on-call lead.\n\n## Undo"),
    )
    .unwrap();
    let lint = runbook(dir, &["lint", "--today", TODAY]);
    assert_eq!(lint.status.code(), Some(0), "{}", stdout(&lint));
}

/// A write that fails (here a file-size limit, as a full disk) leaves no
/// empty runbook behind, and a retry then succeeds.
#[cfg(unix)]
#[test]
fn new_leaves_nothing_behind_when_its_write_fails() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("book.toml"), "[book]\nsrc = \"content\"\n").unwrap();
    fs::create_dir(dir.join("content")).unwrap();
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f 0; exec '{}' new 'Rotate keys' --owner ops --today {TODAY}",
            env!("CARGO_BIN_EXE_runbook")
        ))
        .current_dir(dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert_eq!(
        stderr(&output),
        "error: cannot write content/rotate-keys.md: file too large; nothing was created\n"
    );
    assert_eq!(fs::read_dir(dir.join("content")).unwrap().count(), 0);
    let retry = runbook(
        dir,
        &["new", "Rotate keys", "--owner", "ops", "--today", TODAY],
    );
    assert_eq!(retry.status.code(), Some(0), "{}", stderr(&retry));
    let text = fs::read_to_string(dir.join("content/rotate-keys.md")).unwrap();
    assert!(text.starts_with("---\ntitle: \"Rotate keys\"\n"), "{text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(dir.join("content/rotate-keys.md"))
            .unwrap()
            .permissions()
            .mode();
        assert_ne!(
            mode & 0o044,
            0,
            "readable by others as a new file is: {mode:o}"
        );
    }
}

/// `runbook ARGS...` in `dir` with `SOURCE_DATE_EPOCH` at 1980-01-01, as a
/// nix shell sets it.
fn runbook_in_nix_shell(dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_runbook"))
        .args(args)
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", "315532800")
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// `review`, `new` and `init` record the clock's day, not `SOURCE_DATE_EPOCH`'s,
/// and `review` never moves `last_reviewed` back unless `--today` says so.
#[test]
fn review_and_new_record_the_real_day_and_never_go_back() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    let clock = jiff::Zoned::now().date().to_string();
    let file = |date: &str| {
        format!(
            "---\ntitle: R\nowner: ops\nlast_reviewed: {date}\nstatus: draft\n---\n# R\n\n## Rollback\n\nUndo.\n"
        )
    };
    fs::write(dir.join("r.md"), file("2026-11-20")).unwrap();
    let output = runbook_in_nix_shell(dir, &["review", "r.md", "--by", "Jane"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        format!("r.md: last_reviewed {clock} (was 2026-11-20)\n")
    );
    let text = fs::read_to_string(dir.join("r.md")).unwrap();
    assert!(
        text.contains(&format!("last_reviewed: {clock}\n")),
        "{text}"
    );
    let output = runbook_in_nix_shell(dir, &["new", "Drain a node", "--owner", "ops"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = fs::read_to_string(dir.join("drain-a-node.md")).unwrap();
    assert!(
        text.contains(&format!("last_reviewed: {clock}\n")),
        "{text}"
    );
    // `init`'s example runbook too.
    let book = tmp.path().join("book");
    fs::create_dir(&book).unwrap();
    let output = runbook_in_nix_shell(&book, &["init"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = fs::read_to_string(book.join("content/restart-the-api.md")).unwrap();
    assert!(
        text.contains(&format!("last_reviewed: {clock}\n")),
        "{text}"
    );

    // A later recorded date is not replaced by the clock's.
    fs::write(dir.join("r.md"), file("9999-01-01")).unwrap();
    let output = runbook(dir, &["review", "r.md", "--by", "Jane"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        format!(
            "error: r.md: not changed: last_reviewed is 9999-01-01, later than today ({clock}): a review does not move it back; if 9999-01-01 is wrong, pass `--today {clock}` to record the review anyway\n"
        )
    );
    assert_eq!(
        fs::read_to_string(dir.join("r.md")).unwrap(),
        file("9999-01-01")
    );
    // Nor by an earlier --today... unless that is what is meant: said.
    fs::write(dir.join("r.md"), file("2026-11-30")).unwrap();
    let output = runbook(dir, &["review", "r.md", "--by", "Jane", "--today", TODAY]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stderr(&output),
        "warning: r.md: last_reviewed goes back from 2026-11-30 to 2026-11-25, as --today says\n"
    );
    assert!(
        fs::read_to_string(dir.join("r.md"))
            .unwrap()
            .contains("last_reviewed: 2026-11-25\n")
    );
}

/// Without `--by`, a runbook that names its last reviewer is not given a
/// new date beside the old name.
#[test]
fn review_without_by_refuses_to_keep_the_previous_reviewer() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    let named = "---\ntitle: R\nowner: ops\nlast_reviewed: 2025-06-01\nreviewed_by: \"Alice\"\nstatus: draft\n---\n# R\n";
    fs::write(dir.join("r.md"), named).unwrap();
    let output = runbook(dir, &["review", "r.md", "--today", TODAY]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "error: r.md: not changed: `reviewed_by` (line 5) says \"Alice\" reviewed it, and would then say so of today's review: pass `--by NAME` with who reviewed it now\n"
    );
    assert_eq!(fs::read_to_string(dir.join("r.md")).unwrap(), named);
    // With --by, the name is replaced; with no name written, none is asked.
    let output = runbook(dir, &["review", "r.md", "--by", "Bob", "--today", TODAY]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        fs::read_to_string(dir.join("r.md"))
            .unwrap()
            .contains("reviewed_by: \"Bob\"\n")
    );
    let unnamed = named.replace("\"Alice\"", "");
    fs::write(dir.join("r.md"), &unnamed).unwrap();
    let output = runbook(dir, &["review", "r.md", "--today", TODAY]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

/// A runbook whose front matter does not parse is `invalid-front-matter`,
/// with the parse error's place, in every format: not "never reviewed".
/// One whose front matter allows the rule its state is reported by is left
/// out, and counted.
#[test]
fn due_names_invalid_front_matter_and_honours_allow() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    fs::write(
        dir.join("failover.md"),
        "---\ntitle: Fail over: the primary\nowner: team-db\nlast_reviewed: 2026-11-20\n---\n# Fail over\n",
    )
    .unwrap();
    fs::write(
        dir.join("legacy.md"),
        "---\ntitle: Legacy\nowner: team-net\nlast_reviewed: 2024-01-01\nstatus: draft\nlint: { allow: [review-overdue] }\n---\n# Legacy\n\n## Rollback\n\nUndo.\n",
    )
    .unwrap();
    let error =
        "front matter does not parse at 2:17: mapping values are not allowed in this context";
    let human = runbook(dir, &["due", "--today", TODAY]);
    assert_eq!(human.status.code(), Some(1));
    assert_eq!(
        stdout(&human),
        format!(
            "(no owner) (1)\n  INVALID   failover.md  Fail over  {error}\n(1 runbook left out: its front matter allows the rule that would report it, `lint: {{ allow: [...] }}`)\n"
        )
    );
    let json = runbook(dir, &["due", "--format", "json", "--today", TODAY]);
    assert_eq!(json.status.code(), Some(1));
    let due: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let entry = &due["owners"][0]["runbooks"][0];
    assert_eq!(entry["state"], "invalid-front-matter");
    assert_eq!(entry["error"], error);
    assert_eq!(due["suppressed"], 1);
    let markdown = stdout(&runbook(
        dir,
        &["due", "--format", "markdown", "--today", TODAY],
    ));
    assert!(
        markdown.contains(&format!(
            "| [Fail over](failover.md) |  | unknown |  | invalid-front-matter: {error} |"
        )),
        "{markdown}"
    );
    // The suppressed runbook alone fails nothing.
    fs::remove_file(dir.join("failover.md")).unwrap();
    let output = runbook(dir, &["due", "--today", TODAY]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(
        stdout(&output).starts_with("nothing overdue"),
        "{}",
        stdout(&output)
    );
    assert!(
        stdout(&output).contains("(1 runbook left out"),
        "{}",
        stdout(&output)
    );
}

/// Run from the repository root, `review` reads the book.toml of the book
/// the file belongs to: its alias of `last_reviewed` is edited, and no
/// second key is written.
#[test]
fn review_uses_the_book_toml_above_each_file() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    fs::create_dir_all(root.join("ops/content")).unwrap();
    fs::write(
        root.join("ops/book.toml"),
        "[book]\nsrc = \"content\"\n\n[front-matter.aliases]\nlast_reviewed = [\"reviewed\"]\n",
    )
    .unwrap();
    let file = "---\ntitle: Restart\nowner: ops\nreviewed: 2025-01-01\nstatus: draft\n---\n# Restart\n\n## Rollback\n\nUndo.\n";
    fs::write(root.join("ops/content/restart.md"), file).unwrap();
    let output = runbook(
        root,
        &[
            "review",
            "ops/content/restart.md",
            "--by",
            "Jane",
            "--today",
            TODAY,
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "ops/content/restart.md: last_reviewed 2026-11-25 (was 2025-01-01)\n"
    );
    assert_eq!(
        fs::read_to_string(root.join("ops/content/restart.md")).unwrap(),
        file.replace(
            "reviewed: 2025-01-01\nstatus: draft\n",
            "reviewed: 2026-11-25\nstatus: draft\nreviewed_by: \"Jane\"\n"
        )
    );
    let lint = runbook(&root.join("ops"), &["lint", "--today", TODAY]);
    assert_eq!(lint.status.code(), Some(0), "{}", stdout(&lint));
}

/// A `src` that is no folder yet is made, and said so: the first runbook
/// of a book, or a slip (`contnet`) that would otherwise pass unseen.
#[test]
fn new_says_when_it_makes_the_source_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("book.toml"), "[book]\nsrc = \"contnet\"\n").unwrap();
    fs::create_dir(dir.join("content")).unwrap();
    let output = runbook(
        dir,
        &["new", "Fail over", "--owner", "sre", "--today", TODAY],
    );
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stderr(&output),
        "note: created the source folder `contnet` that book.toml names under [book] `src`\n"
    );
    assert!(dir.join("contnet/fail-over.md").is_file());
    // Once it is there, nothing more is said.
    let output = runbook(
        dir,
        &["new", "Fail back", "--owner", "sre", "--today", TODAY],
    );
    assert_eq!(stderr(&output), "");
}

/// `review` warns of book.toml keys that do nothing, once per book, as
/// every other command does.
#[test]
fn review_warns_of_ignored_book_toml_keys_once() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(
        dir.join("book.toml"),
        "[book]\nsrc = \".\"\ntitel = \"x\"\n",
    )
    .unwrap();
    let runbook_text =
        "---\ntitle: T\nowner: sre\nlast_reviewed: 2026-01-01\nstatus: draft\n---\n# T\n";
    fs::write(dir.join("a.md"), runbook_text).unwrap();
    fs::write(dir.join("b.md"), runbook_text).unwrap();
    let output = runbook(dir, &["review", "a.md", "b.md", "--today", TODAY]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let warnings: Vec<String> = stderr(&output)
        .lines()
        .filter(|l| l.starts_with("warning: book.toml:3:1: unknown key `book.titel`"))
        .map(String::from)
        .collect();
    assert_eq!(warnings.len(), 1, "{}", stderr(&output));
    assert!(
        warnings[0].contains("did you mean `book.title`?"),
        "{warnings:?}"
    );
}
