//! `book.toml`: every key, set to something other than its default, takes
//! effect (fixture `config/every-key`).

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{fixtures, lint_json, rule_ids, runbook, stderr};
use jiff::civil::date;
use runbook::config::Settings;
use runbook::diagnostic::Level;
use runbook::lint::custom::Kind;

fn every_key() -> PathBuf {
    fixtures().join("config/every-key")
}

fn settings() -> Settings {
    let settings = Settings::load(&every_key().join("book.toml")).unwrap();
    assert!(
        settings.unknown_keys.is_empty(),
        "{:?}",
        settings.unknown_keys
    );
    settings
}

#[test]
fn book_lint_and_front_matter_keys_take_effect() {
    let s = settings();
    assert_eq!(s.config.book.title, "Payments runbooks");
    assert_eq!(s.config.book.description, "Runbooks of the payments team");
    assert_eq!(s.src, every_key().join("docs"));

    let july = date(2026, 7, 1);
    assert_eq!(s.review_period.after(july), Some(date(2027, 1, 1)));
    assert_eq!(s.due_soon.after(july), Some(date(2026, 7, 22)));
    let draft = s.review_period_for(Some("draft"));
    assert_eq!(draft.after(july), Some(date(2026, 7, 31)));
    let retired = s.review_period_for(Some("retired"));
    assert_eq!(retired.after(july), Some(date(2027, 7, 1)));
    assert_eq!(s.config.lint.required_fields.last().unwrap(), "tags");
    assert!(s.required_sections[0].is_match("Verification"));
    assert!(s.exclude.is_match("drafts/half.md"));
    assert!(!s.exclude.is_match("restore.md"));
    assert_eq!(s.config.lint.rules["no-todo"], Level::Info);
    assert_eq!(s.config.lint.rules["heading-no-space"], Level::Off);

    // `statuses` and `rollback-heading` replace the default rules' data.
    for rule in &s.custom_rules {
        match (&rule.kind, rule.id) {
            (Kind::FrontMatter { values, .. }, "status-values") => {
                assert_eq!(values, &["draft", "live", "retired"]);
            }
            (Kind::RequiredSection { heading, .. }, "rollback-section") => {
                assert!(heading.is_match("Undo") && !heading.is_match("Rollback"));
                // The default rule's help names `## Rollback`: it goes too.
                assert_eq!(rule.help, None);
            }
            _ => {}
        }
    }

    assert_eq!(
        s.aliases.canonical("last_reviewed_on"),
        Some("last_reviewed")
    );
    assert_eq!(s.aliases.canonical("owner_slack"), Some("owner"));
    assert_eq!(s.aliases.canonical("review_in"), Some("review_every"));
}

#[test]
fn link_extract_and_build_keys_take_effect() {
    let s = settings();
    let links = &s.links;
    assert!(!links.online && links.fragments);
    assert!(links.exclude[0].is_match("https://internal.example.com/wiki"));
    assert_eq!(links.accept, [401, 403]);
    assert_eq!(links.timeout, Duration::from_secs(5));
    assert_eq!(links.retries, 1);
    assert_eq!((links.concurrency, links.per_host_concurrency), (8, 2));
    assert_eq!(links.cache, every_key().join(".cache/links"));
    assert_eq!(links.cache_ttl, Duration::from_secs(2 * 86_400));
    assert_eq!(links.failure_ttl, Duration::from_secs(30 * 60));
    let header = &links.headers["api.example.com"][0];
    assert_eq!(
        (header.name.as_str(), header.env.as_str()),
        ("Authorization", "RUNBOOK_EXAMPLE_API_TOKEN")
    );

    let placeholders = s.config.extract.placeholders.as_ref().unwrap();
    assert_eq!(placeholders.len(), 2);

    let build = &s.config.build;
    assert_eq!(build.dest, Path::new("public"));
    assert_eq!(build.templates, Path::new("theme"));
    assert!(build.allow_html);
    assert_eq!(build.language, "de");
    assert_eq!(build.search_shard_pages, 100);
    assert_eq!(build.site_root(), "/runbooks/");
}

/// The runbook uses the aliases, the statuses, the Undo heading and the
/// required Verification section, has a `##Notes` line (rule off) and a
/// TODO (rule at info); the draft without front matter is excluded.
#[test]
fn the_book_lints_as_its_settings_say() {
    let (report, code) = lint_json(&every_key(), &[]);
    let found: Vec<(&str, &str)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["rule"].as_str().unwrap(), d["severity"].as_str().unwrap()))
        .collect();
    assert_eq!(found, [("no-todo", "info")], "{report:#}");
    assert_eq!(report["summary"]["files"], 1);
    assert_eq!(code, 0);

    // `review_in: 3 months` from 2026-10-01 is due 2027-01-01: within
    // `due-soon = "3 weeks"` of 2026-12-20, not of 2026-11-25.
    let output = runbook(
        &every_key(),
        &["lint", "--format", "json", "--today", "2026-12-20"],
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let rules = rule_ids(&report);
    assert!(rules.contains(&"review-due-soon"), "{rules:?}");
}

/// `--config` however the file is named: alone (its folder is then the
/// working directory, spelt as an empty path), or by a path.
#[test]
fn config_named_alone_or_by_path_is_read() {
    for (dir, file) in [
        (every_key(), "book.toml"),
        (fixtures(), "config/every-key/book.toml"),
    ] {
        let (report, code) = lint_json(&dir, &["--config", file]);
        assert_eq!(rule_ids(&report), ["no-todo"], "{file}: {report:#}");
        assert_eq!(code, 0, "{file}");
    }
}

/// A `book.toml` brought over from mdBook (or shared with it) names the
/// output folder `build-dir`, which is read as `dest`, and holds mdBook's
/// own keys (`authors`, `[output.html]`), which are accepted as they are.
/// Other unknown keys are warned about on stderr by the commands that
/// print no lint report, and listed as findings by `lint`.
#[test]
fn mdbook_keys_are_accepted_and_other_keys_are_warned_about() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("book.toml"),
        "[book]\nsrc = \".\"\nauthors = [\"sre\"]\nlanguage = \"en\"\nauthor = \"sre\"\n\n[build]\nbuild-dir = \"book\"\ncreate-missing = false\n\n[preprocessor.mermaid]\ncommand = \"mdbook-mermaid\"\n\n[output.html]\ngit-repository-url = \"https://example.com/ops\"\n\n[outputs.html]\nx = 1\n",
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("restore.md"),
        "---\ntitle: Restore\nowner: sre\nlast_reviewed: 2026-11-01\nstatus: authoritative\n---\n\
         # Restore\n\n## Rollback\n\nNothing to undo.\n",
    )
    .unwrap();

    let s = Settings::load(&tmp.path().join("book.toml")).unwrap();
    assert_eq!(s.config.build.dest, Path::new("book"));
    // mdBook's own keys are no typo of runbook's; others are, where they are.
    let unknown: Vec<_> = s
        .unknown_keys
        .iter()
        .map(|k| (k.key.as_str(), k.line))
        .collect();
    assert_eq!(unknown, [("book.author", 5), ("outputs", 17)]);

    let output = runbook(tmp.path(), &["build", "--today", "2026-11-25"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(tmp.path().join("book/index.html").is_file());
    assert!(
        stderr(&output).contains(
            "warning: book.toml:5:1: unknown key `book.author` in book.toml; it is ignored"
        ),
        "{}",
        stderr(&output)
    );

    let output = runbook(
        tmp.path(),
        &["lint", "--format", "json", "--today", "2026-11-25"],
    );
    assert!(
        !stderr(&output).contains("unknown key"),
        "{}",
        stderr(&output)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        rule_ids(&report),
        ["config-unknown-key", "config-unknown-key"],
        "{report:#}"
    );
}

/// A rule id mistyped under `[lint.rules]` stops the run (a gate must not
/// silently keep a rule on that was meant off) and names the rule meant.
#[test]
fn a_mistyped_rule_id_stops_the_run_with_a_suggestion() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("book.toml"),
        "[book]\nsrc = \".\"\n\n[lint.rules]\nbroken-lnk = \"off\"\n",
    )
    .unwrap();
    let output = runbook(tmp.path(), &["lint", "--today", "2026-11-25"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains(
            "book.toml:5:1: `lint.rules.broken-lnk`: no rule has this id (did you mean `broken-link`?)"
        ),
        "{}",
        stderr(&output)
    );
}

/// A book in a temporary folder: `book.toml` as given, and one runbook
/// with every required field (its front matter's extra lines as given)
/// that no rule finds fault with on [`common::TODAY`].
fn book(toml: &str, front_matter: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("book.toml"), toml).unwrap();
    std::fs::create_dir(tmp.path().join("content")).unwrap();
    std::fs::write(
        tmp.path().join("content/restore.md"),
        format!(
            "---\ntitle: Restore\nowner: sre\nlast_reviewed: 2026-11-01\nstatus: draft\n{front_matter}---\n\
             # Restore\n\n## Rollback\n\nNothing to undo.\n"
        ),
    )
    .unwrap();
    tmp
}

/// The findings of a JSON report as `(rule, line:col, message, help)`.
fn findings(report: &serde_json::Value) -> Vec<(String, String, String, String)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                format!("{}:{}", d["line"], d["column"]),
                d["message"].as_str().unwrap_or("").to_string(),
                d["help"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// A `[lint.review-period-by-status]` key that is no status (`Draft` where
/// the status is `draft`) would silently leave the stricter period off:
/// it is a `config-unknown-key` warning at the key, with the status meant.
/// The statuses are `[lint] statuses`, else the default rule's.
#[test]
fn review_periods_for_no_status_are_warned_about() {
    let tmp = book(
        "[book]\nsrc = \"content\"\n\n[lint]\nstatuses = [\"draft\", \"live\"]\n\n\
         [lint.review-period-by-status]\nlive = \"1 year\"\nDraft = \"5d\"\n  zzz = \"2d\"\n",
        "",
    );
    let (report, code) = lint_json(tmp.path(), &[]);
    assert_eq!(code, 0);
    assert_eq!(
        findings(&report),
        [
            (
                "config-unknown-key".to_string(),
                "9:1".to_string(),
                "`lint.review-period-by-status.Draft`: `Draft` is not one of the statuses, so this period applies to no runbook and is ignored".to_string(),
                "did you mean `draft`? statuses are matched exactly, case included".to_string(),
            ),
            (
                "config-unknown-key".to_string(),
                "10:3".to_string(),
                "`lint.review-period-by-status.zzz`: `zzz` is not one of the statuses, so this period applies to no runbook and is ignored".to_string(),
                "the statuses are `draft`, `live` (`statuses` under [lint])".to_string(),
            ),
        ],
        "{report:#}"
    );

    // Unset, the statuses are the default rule `status-values`'s.
    let tmp = book(
        "[book]\nsrc = \"content\"\n[lint.review-period-by-status]\ndeprecated = \"1 year\"\ndrafts = \"5d\"\n",
        "",
    );
    let s = Settings::load(&tmp.path().join("book.toml")).unwrap();
    let unknown: Vec<_> = s
        .unknown_keys
        .iter()
        .map(|k| (k.key.as_str(), k.line, k.suggestion.as_deref()))
        .collect();
    assert_eq!(
        unknown,
        [("lint.review-period-by-status.drafts", 5, Some("draft"))]
    );

    // With `status-invalid` off any status is allowed, `drafts` too.
    let tmp = book(
        "[book]\nsrc = \"content\"\n[lint.rules]\nstatus-invalid = \"off\"\n[lint.review-period-by-status]\ndrafts = \"20d\"\n",
        "",
    );
    let s = Settings::load(&tmp.path().join("book.toml")).unwrap();
    assert!(s.unknown_keys.is_empty(), "{:?}", s.unknown_keys);
}

/// `config-unknown-key` points at the key in its own table, though the
/// same name is a key of an earlier table, and at a dotted key's first
/// part where that is the unknown one.
#[test]
fn unknown_keys_are_found_in_their_own_table() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("book.toml"),
        "[book]\nsrc = \".\"\n\n[build]\nfoo = 1\n\n[lint]\nfoo = 2\n  lint.x = 3\n\n\
         [lint.links]\nfoo = 4\n[extract]\nbook.src = 5\n",
    )
    .unwrap();
    let s = Settings::load(&tmp.path().join("book.toml")).unwrap();
    let mut unknown: Vec<_> = s
        .unknown_keys
        .iter()
        .map(|k| (k.key.as_str(), k.line, k.col))
        .collect();
    unknown.sort();
    assert_eq!(
        unknown,
        [
            ("build.foo", 5, 1),
            ("extract.book", 14, 1),
            ("lint.foo", 8, 1),
            ("lint.links.foo", 12, 1),
            ("lint.lint", 9, 3),
        ]
    );
}

/// A bad value is reported where it is written, in its own table.
#[test]
fn bad_values_are_reported_where_they_are_written() {
    let tmp = book(
        "[book]\nsrc = \"content\"\n[lint]\ndue-soon = \"14d\"\n[lint.review-period-by-status]\ndue-soon = \"soon\"\n",
        "",
    );
    let output = runbook(tmp.path(), &["lint", "--today", "2026-11-25"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains(
            "book.toml:6:12: `lint.review-period-by-status.due-soon`: `soon` is not a duration"
        ),
        "{}",
        stderr(&output)
    );
}

/// `io-error` and the other findings of reading the tree come before any
/// rule setting applies: `off` (or another severity) would be accepted and
/// do nothing, and a team would believe a finding silenced. It stops the
/// run, saying why; the rule's own severity is accepted.
#[test]
fn rules_found_while_reading_the_tree_cannot_be_set() {
    for (rule, level, line) in [
        ("io-error", "off", "io-error = \"off\""),
        ("file-too-large", "warning", "file-too-large = \"warning\""),
        ("symlink-outside", "off", "symlink-outside = \"off\""),
        ("symlink-loop", "off", "symlink-loop = \"off\""),
    ] {
        let tmp = book(
            &format!("[book]\nsrc = \"content\"\n[lint.rules]\n{line}\n"),
            "",
        );
        let output = runbook(tmp.path(), &["lint", "--today", "2026-11-25"]);
        assert_eq!(output.status.code(), Some(2), "{rule} = {level}");
        let col = rule.len() + 4;
        let expected = format!("book.toml:4:{col}: `lint.rules.{rule}`: `{rule}` cannot be set");
        assert!(stderr(&output).contains(&expected), "{}", stderr(&output));
    }
    let tmp = book(
        "[book]\nsrc = \"content\"\n[lint.rules]\nio-error = \"off\"\n",
        "",
    );
    let output = runbook(tmp.path(), &["lint", "--today", "2026-11-25"]);
    assert!(
        stderr(&output).contains(
            "(it always reports at error): a gate that skips what it cannot read passes what it never checked"
        ),
        "{}",
        stderr(&output)
    );

    let tmp = book(
        "[book]\nsrc = \"content\"\n[lint.rules]\nio-error = \"error\"\nsymlink-loop = \"warning\"\n",
        "",
    );
    let (report, code) = lint_json(tmp.path(), &[]);
    assert_eq!((rule_ids(&report), code), (vec![], 0), "{report:#}");
}

/// An alias given to two fields, or that is another field's own name,
/// would silently give one field's values to the other: both stop the run
/// at the alias, naming both fields.
#[test]
fn conflicting_aliases_are_refused() {
    for (aliases, expected) in [
        (
            "owner = [\"maintainer\"]\nstatus = [\"state\", \"maintainer\"]",
            "book.toml:5:20: `front-matter.aliases`: `maintainer` is an alias of both `owner` and `status`",
        ),
        (
            "owner = [\"owner_slack\", \"status\"]",
            "book.toml:4:25: `front-matter.aliases.owner`: `status` is the front matter field `status`, so it cannot also stand for `owner`",
        ),
    ] {
        let tmp = book(
            &format!("[book]\nsrc = \"content\"\n[front-matter.aliases]\n{aliases}\n"),
            "",
        );
        let output = runbook(tmp.path(), &["lint", "--today", "2026-11-25"]);
        assert_eq!(output.status.code(), Some(2), "{aliases}");
        assert!(stderr(&output).contains(expected), "{}", stderr(&output));
    }
    // A field's own name among its aliases changes nothing, and is kept.
    let tmp = book(
        "[book]\nsrc = \"content\"\n[front-matter.aliases]\nowner = [\"owner\", \"team\"]\n",
        "",
    );
    let s = Settings::load(&tmp.path().join("book.toml")).unwrap();
    assert_eq!(s.aliases.canonical("team"), Some("owner"));
}

/// book.toml and front matter read review periods alike: a bare number of
/// days, unit words in any case. Too long a period says the range; a word
/// read two ways (`biweekly`) is refused in both, with what to write.
#[test]
fn book_toml_and_front_matter_read_review_periods_alike() {
    for period in ["90", "90 Days", "every Year", "26 Weeks"] {
        let tmp = book(
            &format!("[book]\nsrc = \"content\"\n[lint]\nreview-period = \"{period}\"\n"),
            &format!("review_every: {period}\n"),
        );
        let (report, code) = lint_json(tmp.path(), &[]);
        assert_eq!(
            (rule_ids(&report), code),
            (vec![], 0),
            "{period}: {report:#}"
        );
    }

    for (period, expected) in [
        (
            "9999999 years",
            "book.toml:4:17: `lint.review-period`: `9999999 years` is out of range: a review period is from `1d` to `100 years`",
        ),
        (
            "biweekly",
            "book.toml:4:17: `lint.review-period`: `biweekly` is ambiguous: some read it as every two weeks, others as twice a week: write `2 weeks`",
        ),
    ] {
        let tmp = book(
            &format!("[book]\nsrc = \"content\"\n[lint]\nreview-period = \"{period}\"\n"),
            "",
        );
        let output = runbook(tmp.path(), &["lint", "--today", "2026-11-25"]);
        assert_eq!(output.status.code(), Some(2), "{period}");
        assert!(stderr(&output).contains(expected), "{}", stderr(&output));

        let tmp = book(
            "[book]\nsrc = \"content\"\n",
            &format!("review_every: {period}\n"),
        );
        let (report, _) = lint_json(tmp.path(), &[]);
        let found = findings(&report);
        assert_eq!(found.len(), 1, "{report:#}");
        assert_eq!(found[0].0, "field-type");
        let help = &found[0].3;
        let wanted = if period == "biweekly" {
            "write `2 weeks`"
        } else {
            "a review period is from `1d` to `100 years`"
        };
        assert!(help.contains(wanted), "{period}: {help}");
    }
}

/// `src` naming a file is said to be one, not called missing.
#[test]
fn a_source_that_is_a_file_is_called_one() {
    let tmp = book("[book]\nsrc = \"content/restore.md\"\n", "");
    for command in ["lint", "build"] {
        let output = runbook(tmp.path(), &[command, "--today", "2026-11-25"]);
        assert_eq!(output.status.code(), Some(2), "{command}");
        assert!(
            stderr(&output).contains(
                "error: source folder `content/restore.md` is a file, not a folder (set `src` under [book] in book.toml"
            ),
            "{command}: {}",
            stderr(&output)
        );
    }
}

/// A `lints` that is there but cannot be listed is an I/O failure naming
/// it, never taken for a book without team rules: the gate would pass what
/// they forbid. (File modes do not stop root, so the cases are ones no
/// user can list: a file, a link to nowhere, a link to itself.) A
/// `lints/*.yaml` that is no regular file is reported, not skipped.
#[cfg(unix)]
#[test]
fn a_lints_folder_that_cannot_be_read_stops_the_run() {
    type Make = fn(&Path);
    let cases: [(&str, Make); 5] = [
        ("this is a file, not a folder", |lints| {
            std::fs::write(lints, "- id: x\n").unwrap()
        }),
        ("is a symlink to `gone`, which does not exist", |lints| {
            std::os::unix::fs::symlink("gone", lints).unwrap()
        }),
        ("cannot read the folder of team rules: ", |lints| {
            std::os::unix::fs::symlink("lints", lints).unwrap()
        }),
        (
            "lints/pipe.yaml:1:1: is a named pipe, not a regular file",
            |lints| {
                std::fs::create_dir(lints).unwrap();
                let made = std::process::Command::new("mkfifo")
                    .arg(lints.join("pipe.yaml"))
                    .status()
                    .unwrap();
                assert!(made.success());
            },
        ),
        ("lints/old.yaml:1:1: is a folder, not a file", |lints| {
            std::fs::create_dir_all(lints.join("old.yaml")).unwrap()
        }),
    ];
    for (expected, make) in cases {
        let tmp = book("[book]\nsrc = \"content\"\n", "");
        make(&tmp.path().join("lints"));
        let output = runbook(tmp.path(), &["lint", "--today", "2026-11-25"]);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{expected}: {}",
            stderr(&output)
        );
        assert!(stderr(&output).contains(expected), "{}", stderr(&output));
        if !expected.starts_with("lints/") {
            assert!(
                stderr(&output).contains("error: ./lints:1:1: "),
                "{}",
                stderr(&output)
            );
        }
    }

    // No `lints` at all: the default rules only.
    let tmp = book("[book]\nsrc = \"content\"\n", "");
    let (report, code) = lint_json(tmp.path(), &[]);
    assert_eq!((rule_ids(&report), code), (vec![], 0), "{report:#}");
}

/// A `required-fields` entry that is a slip of a known field (`ownr`,
/// `owners`) is warned about where it is written, with the field meant;
/// a field of the team's own (`pager`) and the known fields are not. A
/// field book.toml requires is never an `unknown-field`, so the two rules
/// do not give opposite advice.
#[test]
fn required_fields_that_are_slips_are_warned_about() {
    let tmp = book(
        "[book]\nsrc = \"content\"\n[lint]\nrequired-fields = [\"owner\", \"ownr\", \"pager\",\n  \"owners\", \"last_reviewed\"]\n",
        "ownr: sre\nowners: sre\npager: sre-primary\n",
    );
    let (report, code) = lint_json(tmp.path(), &[]);
    assert_eq!(code, 0, "{report:#}");
    let found = findings(&report);
    assert_eq!(
        found,
        [
            (
                "config-unknown-key".to_string(),
                "4:29".to_string(),
                "`lint.required-fields`: `ownr` is no front matter field runbook knows, but close to `owner`: every runbook is asked for a key `ownr`".to_string(),
                "did you mean `owner`? If `ownr` is a field of your own, it is checked as written".to_string(),
            ),
            (
                "config-unknown-key".to_string(),
                "5:3".to_string(),
                "`lint.required-fields`: `owners` is no front matter field runbook knows, but close to `owner`: every runbook is asked for a key `owners`".to_string(),
                "did you mean `owner`? If `owners` is a field of your own, it is checked as written".to_string(),
            ),
        ],
        "{report:#}"
    );

    // Without those keys in the runbook, `required-field` asks for them,
    // and still nothing calls them misspelt where they are written.
    let tmp = book(
        "[book]\nsrc = \"content\"\n[lint]\nrequired-fields = [\"ownr\"]\n",
        "",
    );
    let (report, _) = lint_json(tmp.path(), &[]);
    let rules: Vec<String> = findings(&report).into_iter().map(|f| f.0).collect();
    assert_eq!(
        rules,
        ["config-unknown-key", "required-field"],
        "{report:#}"
    );

    // The same key, not required, is a slip in front matter as before.
    let tmp = book("[book]\nsrc = \"content\"\n", "ownr: sre\n");
    let (report, _) = lint_json(tmp.path(), &[]);
    let rules: Vec<String> = findings(&report).into_iter().map(|f| f.0).collect();
    assert_eq!(rules, ["unknown-field"], "{report:#}");

    // Other commands warn on stderr.
    let tmp = book(
        "[book]\nsrc = \"content\"\n[lint]\nrequired-fields = [\"owner\", \"stauts\"]\n",
        "stauts: draft\n",
    );
    let output = runbook(tmp.path(), &["due", "--today", "2026-11-25"]);
    assert!(
        stderr(&output).contains("warning: book.toml:4:29: `lint.required-fields`: `stauts`")
            && stderr(&output).contains("did you mean `status`?"),
        "{}",
        stderr(&output)
    );
}

/// `(line:col, message)` of each `config-unknown-key` finding.
fn config_warnings(report: &serde_json::Value) -> Vec<(String, String)> {
    findings(report)
        .into_iter()
        .filter(|f| f.0 == "config-unknown-key")
        .map(|f| (f.1, f.2))
        .collect()
}

/// Settings that can never take effect are warned about where they are
/// written: `exclude` globs no file can match, an empty `statuses`, a
/// `due-soon` as long as a review period. Ones that work are not.
#[test]
fn settings_that_cannot_take_effect_are_warned_about() {
    let tmp = book(
        "[book]\nsrc = \"content\"\n[lint]\nexclude = [\"/abs/**\", \"../x/**\", \"./drafts/**\", \"**/old/*.md\"]\nstatuses = []\n",
        "",
    );
    std::fs::create_dir(tmp.path().join("content/drafts")).unwrap();
    std::fs::copy(
        tmp.path().join("content/restore.md"),
        tmp.path().join("content/drafts/half.md"),
    )
    .unwrap();
    let (report, code) = lint_json(tmp.path(), &[]);
    assert_eq!(code, 0, "{report:#}");
    // `./drafts/**` leaves nothing out, as the warning says.
    assert_eq!(report["summary"]["files"], 2, "{report:#}");
    let warnings = config_warnings(&report);
    let expected = [
        ("4:12", "`lint.exclude`: `/abs/**` is an absolute path"),
        (
            "4:23",
            "`lint.exclude`: `../x/**` leads out of the source folder",
        ),
        ("4:34", "`lint.exclude`: `./drafts/**` starts with `./`"),
        (
            "5:12",
            "`lint.statuses`: the list is empty, so `status-invalid` accepts any status",
        ),
    ];
    assert_eq!(warnings.len(), expected.len(), "{warnings:#?}");
    for ((at, message), (want_at, want)) in warnings.iter().zip(expected) {
        assert_eq!(at, want_at, "{message}");
        assert!(message.starts_with(want), "{message}");
    }
    assert!(
        findings(&report)
            .iter()
            .any(|f| f.3 == "write it without: `drafts/**`"),
        "{report:#}"
    );

    // `due-soon` as long as the review period, or a status's: at
    // `due-soon` when it is written, else at the period.
    let only_warning = |config: &str| {
        let tmp = book(config, "");
        let (report, _) = lint_json(tmp.path(), &[]);
        let warnings = config_warnings(&report);
        assert_eq!(warnings.len(), 1, "{warnings:#?}");
        warnings[0].clone()
    };
    let (at, message) = only_warning(
        "[book]\nsrc = \"content\"\n[lint]\nreview-period = \"30d\"\ndue-soon = \"1 month\"\n",
    );
    assert_eq!(at, "5:12");
    assert!(
        message.starts_with(
            "`lint.due-soon`: `1 month` is as long as the review period (`30d`) or longer"
        ),
        "{message}"
    );
    let (at, message) = only_warning(
        "[book]\nsrc = \"content\"\n[lint.review-period-by-status]\ndraft = \"10d\"\n",
    );
    assert_eq!(at, "4:9");
    assert!(
        message.contains("the review period of `draft` runbooks (`10d`)"),
        "{message}"
    );

    // Settings that work are not warned about.
    let tmp = book(
        "[book]\nsrc = \"content\"\n[lint]\nexclude = [\"drafts/**\", \"**/old/*.md\", \"*.tmp.md\"]\nstatuses = [\"draft\"]\nreview-period = \"30d\"\ndue-soon = \"29d\"\n[lint.review-period-by-status]\ndraft = \"1 year\"\n",
        "",
    );
    let (report, code) = lint_json(tmp.path(), &[]);
    assert_eq!(code, 0);
    assert!(config_warnings(&report).is_empty(), "{report:#}");
}

/// No runbook fits in a shard of 0: an error where it is written, as any
/// invalid value.
#[test]
fn a_search_shard_of_no_pages_is_refused() {
    let tmp = book(
        "[book]\nsrc = \"content\"\n[build]\nsearch-shard-pages = 0\n",
        "",
    );
    for command in ["lint", "build"] {
        let output = runbook(tmp.path(), &[command, "--today", "2026-11-25"]);
        assert_eq!(output.status.code(), Some(2), "{command}");
        assert!(
            stderr(&output).contains("book.toml:4:22: `build.search-shard-pages`: a search index shard holds at least 1 runbook"),
            "{}",
            stderr(&output)
        );
    }
    assert!(!tmp.path().join("site").exists());
    let tmp = book(
        "[book]\nsrc = \"content\"\n[build]\nsearch-shard-pages = 1\n",
        "",
    );
    let output = runbook(tmp.path(), &["build", "--today", "2026-11-25"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

/// Without a book.toml, `build` and `serve` find the runbooks where `lint`
/// does: `content/` when there is one, else the working directory. The
/// site's own folder inside it (`site/`) is output, never runbooks; a
/// destination that is the source folder is still refused.
#[test]
fn build_and_serve_find_the_source_as_lint_does() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let runbook_text = "---\ntitle: Flush\nowner: sre\nlast_reviewed: 2026-11-01\nstatus: draft\n---\n# Flush\n\n## Rollback\n\nNothing.\n";
    std::fs::write(dir.join("cache-flush.md"), runbook_text).unwrap();
    let lint = runbook(dir, &["lint", "--today", "2026-11-25"]);
    assert_eq!(lint.status.code(), Some(0), "{}", stderr(&lint));
    let build = runbook(dir, &["build", "--today", "2026-11-25"]);
    assert_eq!(build.status.code(), Some(0), "{}", stderr(&build));
    assert!(dir.join("site/cache-flush.html").is_file());
    assert!(!stderr(&build).contains("book.toml"), "{}", stderr(&build));

    // A Markdown file in the output folder is not a runbook of the book.
    std::fs::write(dir.join("site/notes.md"), runbook_text).unwrap();
    let build = runbook(dir, &["build", "--today", "2026-11-25"]);
    assert_eq!(build.status.code(), Some(0), "{}", stderr(&build));
    assert!(
        stderr(&build).contains("built 1 runbook "),
        "{}",
        stderr(&build)
    );
    assert!(!dir.join("site/site").exists() && !dir.join("site/notes.html").exists());
    // Nor in another destination inside the source folder.
    std::fs::create_dir(dir.join("public")).unwrap();
    std::fs::write(dir.join("public/old.md"), runbook_text).unwrap();
    let build = runbook(dir, &["build", "--dest", "public", "--today", "2026-11-25"]);
    assert_eq!(build.status.code(), Some(0), "{}", stderr(&build));
    assert!(dir.join("public/cache-flush.html").is_file());
    assert!(!dir.join("public/public").exists() && !dir.join("public/old.html").exists());

    // `serve` reads the same source: the refusal names it, not a missing
    // `content`.
    let serve = runbook(
        dir,
        &[
            "serve",
            "--dest",
            ".",
            "--port",
            "0",
            "--today",
            "2026-11-25",
        ],
    );
    assert_eq!(serve.status.code(), Some(2));
    assert!(
        stderr(&serve).contains("is the source folder `.`")
            && !stderr(&serve).contains("does not exist"),
        "{}",
        stderr(&serve)
    );

    // With a `content/`, that is the source, as for `lint`.
    std::fs::create_dir(dir.join("content")).unwrap();
    std::fs::write(
        dir.join("content/restart.md"),
        runbook_text.replace("Flush", "Restart"),
    )
    .unwrap();
    let build = runbook(dir, &["build", "--today", "2026-11-25"]);
    assert_eq!(build.status.code(), Some(0), "{}", stderr(&build));
    assert!(dir.join("site/restart.html").is_file());
    assert!(!dir.join("site/cache-flush.html").exists());
}

/// With its own rollback heading, a book is never told to write
/// `## Rollback`, which its pattern would not take.
#[test]
fn rollback_help_follows_the_books_rollback_heading() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(
        dir.join("book.toml"),
        "[book]\nsrc = \".\"\n[lint]\nrollback-heading = '(?i)^(undo|back ?out)$'\n",
    )
    .unwrap();
    let front = "---\ntitle: T\nowner: team-a\nlast_reviewed: 2026-11-01\nstatus: draft\n---\n";
    std::fs::write(
        dir.join("plain.md"),
        format!("{front}# T\n\n## Steps\n\nx\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join("recovery.md"),
        format!("{front}# T\n\n## Recovery\n\nx\n"),
    )
    .unwrap();
    let (report, _) = lint_json(dir, &[]);
    let helps: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "rollback-missing")
        .map(|d| d["help"].as_str().unwrap())
        .collect();
    assert_eq!(
        helps,
        [
            "add a section whose heading matches `(?i)^(undo|back ?out)$`, with the steps that undo this procedure",
            "if the section `Recovery` (line 9) undoes this procedure, give it a heading matching `(?i)^(undo|back ?out)$`: it is what on-call engineers look for",
        ]
    );
}

/// A `required-fields` entry may be written as an alias, and any known
/// field may be required: each is present when the runbook sets it under
/// either name, and asked for by the name the book uses.
#[test]
fn required_fields_may_be_aliases_and_any_known_field() {
    let toml = "[book]\nsrc = \"content\"\n[lint]\nrequired-fields = [\"owner_slack\", \"last_reviewed\", \"lint\", \"reviewed_by\"]\n\
                [front-matter.aliases]\nowner = [\"owner_slack\"]\n";
    let tmp = book(
        toml,
        "lint:\n  allow: [heading-no-space]\nreviewed_by: ana\n",
    );
    std::fs::write(
        tmp.path().join("content/alias.md"),
        "---\ntitle: Alias\nowner_slack: \"#sre\"\nlast_reviewed: 2026-11-01\nstatus: draft\n\
         lint: {allow: [heading-no-space]}\nreviewed_by: ana\n---\n# Alias\n\n## Rollback\n\nUndo.\n",
    )
    .unwrap();
    let (report, code) = lint_json(tmp.path(), &[]);
    assert_eq!(findings(&report), [], "{report:#}");
    assert_eq!((code, &report["summary"]["files"]), (0, &2.into()));

    // A missing one is asked for as the book names it.
    let tmp = book(toml, "");
    let (report, _) = lint_json(tmp.path(), &[]);
    let messages: Vec<String> = findings(&report).into_iter().map(|f| f.2).collect();
    assert_eq!(
        messages,
        [
            "required field `lint` is missing",
            "required field `reviewed_by` is missing"
        ],
        "{report:#}"
    );
    // Present but empty: said once, by the rule on its type.
    let tmp = book(toml, "lint:\nreviewed_by: ana\n");
    let (report, _) = lint_json(tmp.path(), &[]);
    let rules: Vec<String> = findings(&report).into_iter().map(|f| f.0).collect();
    assert_eq!(rules, ["field-type"], "{report:#}");
}

/// `exclude` globs read as a shell's: `*` stays within a folder, `**`
/// crosses them, so `drafts/*.md` leaves `drafts/deep/` to be linted.
#[test]
fn exclude_stars_stay_within_a_folder() {
    let tmp = book(
        "[book]\nsrc = \"content\"\n[lint]\nexclude = [\"drafts/*.md\"]\n",
        "",
    );
    let drafts = tmp.path().join("content/drafts/deep");
    std::fs::create_dir_all(&drafts).unwrap();
    let runbook = std::fs::read_to_string(tmp.path().join("content/restore.md")).unwrap();
    std::fs::write(tmp.path().join("content/drafts/b.md"), &runbook).unwrap();
    std::fs::write(drafts.join("c.md"), &runbook).unwrap();
    let (report, _) = lint_json(tmp.path(), &[]);
    assert_eq!(report["summary"]["files"], 2, "{report:#}");
    std::fs::write(
        tmp.path().join("book.toml"),
        "[book]\nsrc = \"content\"\n[lint]\nexclude = [\"drafts/**\"]\n",
    )
    .unwrap();
    let (report, _) = lint_json(tmp.path(), &[]);
    assert_eq!(report["summary"]["files"], 1, "{report:#}");
}

/// "Did you mean" compares key names, not their table's shared prefix:
/// `lint.q` is like no key of `[lint]`; a typo gets its key, and a key
/// written in the wrong table gets the table it belongs to.
#[test]
fn unknown_keys_are_suggested_by_their_own_name() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("book.toml"),
        "[book]\nsrc = \".\"\nreview-period = \"30d\"\n[build]\nfoo = 1\nexclude = []\n\
         [lint]\nq = 1\nreveiw-period = \"30d\"\n[lint.links]\nzzzzzzzz = 1\n",
    )
    .unwrap();
    let s = Settings::load(&tmp.path().join("book.toml")).unwrap();
    let mut unknown: Vec<_> = s
        .unknown_keys
        .iter()
        .map(|k| (k.key.as_str(), k.suggestion.as_deref()))
        .collect();
    unknown.sort();
    assert_eq!(
        unknown,
        [
            ("book.review-period", Some("lint.review-period")),
            ("build.exclude", Some("lint.exclude")),
            ("build.foo", None),
            ("lint.links.zzzzzzzz", None),
            ("lint.q", None),
            ("lint.reveiw-period", Some("lint.review-period")),
        ]
    );
}

/// Periods in book.toml take a bare number of days, as `review_every`
/// does; a value of another type says what a period looks like.
#[test]
fn book_toml_periods_take_a_number_of_days() {
    let tmp = book(
        "[book]\nsrc = \"content\"\n[lint]\nreview-period = 20\ndue-soon = 7\n[lint.review-period-by-status]\ndraft = 30\n",
        "",
    );
    let s = Settings::load(&tmp.path().join("book.toml")).unwrap();
    assert_eq!(s.config.lint.review_period, "20");
    assert_eq!(s.config.lint.review_period_by_status["draft"], "30");
    // Reviewed 2026-11-01, draft: due 30 days later, within 7 days of today.
    let (report, _) = lint_json(tmp.path(), &[]);
    let rules: Vec<String> = findings(&report).into_iter().map(|f| f.0).collect();
    assert_eq!(rules, ["review-due-soon"], "{report:#}");

    let tmp = book(
        "[book]\nsrc = \"content\"\n[lint]\nreview-period = 1.5\n",
        "",
    );
    let output = runbook(tmp.path(), &["lint", "--today", "2026-11-25"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("book.toml:4:17: `lint.review-period`: invalid type: floating point `1.5`, expected a period such as \"90d\" or \"6 months\", or a number of days"),
        "{}",
        stderr(&output)
    );
}

/// An empty entry in a list of fields, statuses, sections or globs, or an
/// empty rollback pattern, is an error where it is written: an empty
/// pattern would match every heading and silently turn a check off.
#[test]
fn empty_entries_are_refused_where_written() {
    let cases = [
        (
            "required-fields = [\"owner\", \"\"]",
            "4:29",
            "lint.required-fields",
        ),
        ("statuses = [\" \"]", "4:13", "lint.statuses"),
        ("rollback-heading = \"\"", "4:20", "lint.rollback-heading"),
        (
            "required-sections = [\"\"]",
            "4:22",
            "lint.required-sections",
        ),
        ("exclude = [\"\"]", "4:12", "lint.exclude"),
    ];
    for (line, at, key) in cases {
        let tmp = book(&format!("[book]\nsrc = \"content\"\n[lint]\n{line}\n"), "");
        let output = runbook(tmp.path(), &["lint", "--today", "2026-11-25"]);
        assert_eq!(output.status.code(), Some(2), "{line}");
        assert!(
            stderr(&output).contains(&format!(
                "book.toml:{at}: `{key}`: an empty value, which would match nothing or everything: remove it"
            )),
            "{line}: {}",
            stderr(&output)
        );
    }
}

/// A value of the wrong type is named by its key, with the type said as
/// a book.toml's author knows it, not as Rust names it.
#[test]
fn type_errors_name_the_key() {
    let cases = [
        (
            "[build]\nsearch-shard-pages = \"x\"\n",
            "book.toml:2:22: `build.search-shard-pages`: invalid type: string \"x\", expected a whole number",
        ),
        (
            "book = 1\n",
            "book.toml:1:8: `book`: invalid type: integer `1`, expected a table",
        ),
        (
            "[lint]\nstatuses = [\"draft\", 1]\n",
            "book.toml:2:22: `lint.statuses`: invalid type: integer `1`, expected a string",
        ),
    ];
    for (toml, expected) in cases {
        let tmp = book(toml, "");
        let output = runbook(tmp.path(), &["lint", "--today", "2026-11-25"]);
        assert_eq!(output.status.code(), Some(2), "{toml}");
        assert!(
            stderr(&output).contains(expected),
            "{toml}: {}",
            stderr(&output)
        );
    }
}

/// A templates folder that is not there is a warning where it is named:
/// the site would quietly be built from the shipped templates.
#[test]
fn a_missing_templates_folder_is_warned_about() {
    let tmp = book(
        "[book]\nsrc = \"content\"\n[build]\ntemplates = \"theme\"\n",
        "",
    );
    let (report, code) = lint_json(tmp.path(), &[]);
    assert_eq!(code, 0);
    assert_eq!(
        findings(&report),
        [(
            "config-unknown-key".to_string(),
            "4:13".to_string(),
            "`build.templates`: the templates folder `theme` does not exist: the site is built from the shipped templates".to_string(),
            "fix the path (relative to book.toml), or remove the key".to_string(),
        )]
    );
    std::fs::create_dir(tmp.path().join("theme")).unwrap();
    let (report, _) = lint_json(tmp.path(), &[]);
    assert_eq!(findings(&report), [], "{report:#}");
}

/// A gate that checks no runbook says so on stderr, whatever the format:
/// an `exclude` that leaves out every runbook must not pass CI unseen.
#[test]
fn a_book_with_no_runbook_left_to_check_says_so() {
    let tmp = book(
        "[book]\nsrc = \"content\"\n\n[lint]\nexclude = [\"**\"]\n",
        "",
    );
    for format in ["human", "json", "sarif"] {
        let output = runbook(
            tmp.path(),
            &["lint", "--today", common::TODAY, "--format", format],
        );
        assert_eq!(output.status.code(), Some(0), "{format}");
        let said = stderr(&output);
        assert!(
            said.contains("warning: no runbook checked: none found under content"),
            "{format}: {said}"
        );
        assert!(
            said.contains("help: 1 Markdown file there is left out by `exclude`"),
            "{format}: {said}"
        );
    }
    // Naming files (the pre-commit hook) that hold no runbook is normal.
    let named = runbook(tmp.path(), &["lint", "--today", common::TODAY, "book.toml"]);
    assert!(
        !stderr(&named).contains("no runbook checked"),
        "{}",
        stderr(&named)
    );
    // A book whose runbooks are checked says nothing of the kind.
    let kept = book("[book]\nsrc = \"content\"\n", "");
    let checked = runbook(kept.path(), &["lint", "--today", common::TODAY]);
    assert!(
        !stderr(&checked).contains("no runbook checked"),
        "{}",
        stderr(&checked)
    );
}

/// A byte order mark some editors write before `[book]` is no column:
/// a key on the first line is at column 1.
#[test]
fn a_byte_order_mark_shifts_no_column() {
    let tmp = book("\u{feff}srcx = 1\n[book]\nsrc = \"content\"\n", "");
    let output = runbook(tmp.path(), &["lint", "--today", common::TODAY]);
    let said = common::stdout(&output);
    assert!(said.contains("book.toml:1:1"), "{said}");
}

/// A `[build] language` the search has no stemmer for builds an index
/// that matches whole words only: a warning where it is written. A region
/// (`en-GB`) is fine.
#[test]
fn a_language_the_search_cannot_stem_is_a_warning() {
    let tmp = book(
        "[book]\nsrc = \"content\"\n\n[build]\nlanguage = \"english\"\n",
        "",
    );
    let output = runbook(tmp.path(), &["lint", "--today", common::TODAY]);
    let said = common::stdout(&output);
    assert!(said.contains("book.toml:5:12"), "{said}");
    assert!(said.contains("no stemmer for `english`"), "{said}");
    let fine = book(
        "[book]\nsrc = \"content\"\n\n[build]\nlanguage = \"en-GB\"\n",
        "",
    );
    let output = runbook(fine.path(), &["lint", "--today", common::TODAY]);
    assert!(
        !common::stdout(&output).contains("stemmer"),
        "{}",
        common::stdout(&output)
    );
}
