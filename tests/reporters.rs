//! Every output format on the same small tree, pinned by snapshots, plus
//! the properties CI relies on (valid JSON and SARIF, escaping).

mod common;

use common::{TODAY, copy_dir, fixtures, runbook, stdout};

/// The report fixture, copied out of this repository: SARIF, GitHub and
/// GitLab name paths from the root of the repository around them, if any.
/// `runbook lint --format github` in `dir`, writing its job summary to
/// `summary` as GitHub's `$GITHUB_STEP_SUMMARY` says.
fn lint_github_with_summary(
    dir: &std::path::Path,
    summary: &std::path::Path,
) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_runbook"))
        .args(["lint", "--format", "github", "--today", TODAY])
        .current_dir(dir)
        .env("GITHUB_STEP_SUMMARY", summary)
        .output()
        .unwrap()
}

fn report_tree() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("report"), tmp.path());
    tmp
}

fn report(format: &str) -> (String, i32) {
    let tree = report_tree();
    let output = runbook(tree.path(), &["lint", "--format", format, "--today", TODAY]);
    (stdout(&output), output.status.code().unwrap())
}

#[test]
fn human() {
    let (text, code) = report("human");
    assert_eq!(code, 1);
    assert!(!text.contains('\u{1b}'), "no colour when not a terminal");
    insta::assert_snapshot!(text);
}

/// Colour is asked for (`CLICOLOR_FORCE`, as a terminal would get it): the
/// same text as without, with the styles around it. Without, the report
/// is rendered plain rather than styled and stripped.
#[test]
fn human_in_colour_is_the_same_text_styled() {
    let (plain, _) = report("human");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_runbook"))
        .args(["lint", "--format", "human", "--today", TODAY])
        .current_dir(fixtures().join("report"))
        .env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    let coloured = stdout(&output);
    assert!(coloured.contains("\u{1b}["), "{coloured}");
    let stripped = regex::Regex::new("\u{1b}\\[[0-9;]*m")
        .unwrap()
        .replace_all(&coloured, "");
    assert_eq!(stripped, plain);
}

#[test]
fn json() {
    let (text, _) = report("json");
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["version"], 1);
    assert_eq!(value["summary"]["suppressed"], 1);
    insta::assert_snapshot!(text);
}

#[test]
fn sarif() {
    let (text, _) = report("sarif");
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["version"], "2.1.0");
    let run = &value["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.iter().all(
        |r| r["helpUri"].as_str().is_some() && r["shortDescription"]["text"].as_str().is_some()
    ));
    for result in run["results"].as_array().unwrap() {
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(
            !uri.starts_with('/') && !uri.starts_with("./"),
            "repo-relative: {uri}"
        );
        assert!(
            result["partialFingerprints"]["runbook/v2"]
                .as_str()
                .unwrap()
                .len()
                == 32
        );
        assert!(rules.iter().any(|r| r["id"] == result["ruleId"]));
    }
    assert!(
        run["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["suppressions"].is_null()),
        "code scanning would open an alert for a suppressed finding"
    );
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    insta::assert_snapshot!(text);
}

/// With `--show-suppressed`, for viewers that honour them, suppressed
/// findings are listed with their justification.
#[test]
fn sarif_shows_suppressed_findings_when_asked() {
    let tree = report_tree();
    let output = runbook(
        tree.path(),
        &[
            "lint",
            "--format",
            "sarif",
            "--show-suppressed",
            "--today",
            TODAY,
        ],
    );
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let suppressed: Vec<_> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["suppressions"].is_array())
        .collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(
        suppressed[0]["suppressions"][0]["justification"],
        "created by the deploy job"
    );
}

/// GitHub rejects a log whose run has more than 25,000 results: past that,
/// errors are kept first, and the log and stderr say how many were left out.
#[test]
fn sarif_keeps_within_githubs_results_per_run() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    let head = "---\ntitle: T\nowner: o\nlast_reviewed: 2026-11-01\nstatus: active\n---\n# T\n\n## Rollback\n\nUndo.\n\n";
    let links = |n| -> String { (0..n).map(|i| format!("[x](gone-{i}.md)\n")).collect() };
    // Past a file's cap of 10,000 findings of a rule, one finding stands
    // for the rest: the count left out counts them all.
    for (name, n) in [("a.md", 11_000), ("b.md", 8_500), ("c.md", 8_500)] {
        std::fs::write(dir.join(name), format!("{head}{}", links(n))).unwrap();
    }
    // Warnings, listed before the errors: left out all the same.
    let soon = head.replace("2026-11-01", "2026-08-30");
    std::fs::write(dir.join("0.md"), format!("{soon}##Not a heading\n")).unwrap();
    let json = runbook(dir, &["lint", "--format", "json", "--today", TODAY]);
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let all = json["diagnostics"].as_array().unwrap();
    assert!(all.iter().any(|d| d["severity"] == "warning"));
    let summary = &json["summary"];
    let findings = ["errors", "warnings", "infos"]
        .iter()
        .map(|k| summary[k].as_u64().unwrap())
        .sum::<u64>();
    assert!(
        findings > 28_000 && findings > all.len() as u64,
        "{summary}"
    );
    let left_out = format!("{} findings are not in this log", findings - 25_000);

    let output = runbook(dir, &["lint", "--format", "sarif", "--today", TODAY]);
    assert_eq!(output.status.code(), Some(1));
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let run = &sarif["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 25_000);
    assert!(results.iter().all(|r| r["level"] == "error"));
    let note = run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
        .as_str()
        .unwrap();
    assert!(note.starts_with(&left_out), "{note}");
    assert!(
        !note.contains("every finding"),
        "JSON is capped too: {note}"
    );
    assert!(common::stderr(&output).contains(&left_out));
}

/// The job summary's last line counts what the table left out as the
/// summary line counts findings: one that stands for a file's findings
/// past its cap counts for all of them.
#[test]
fn github_step_summary_counts_what_it_leaves_out() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    // Rows long enough that the table does not hold them all.
    let long = "x".repeat(200);
    let links: String = (0..12_000)
        .map(|i| format!("[x](gone-{i}-{long}.md)\n"))
        .collect();
    std::fs::write(
        dir.join("a.md"),
        format!(
            "---\ntitle: T\nowner: o\nlast_reviewed: 2026-11-01\nstatus: active\n---\n\
             # T\n\n## Rollback\n\nUndo.\n\n{links}"
        ),
    )
    .unwrap();
    let summary = dir.join("summary.md");
    let output = lint_github_with_summary(dir, &summary);
    assert_eq!(output.status.code(), Some(1));
    let table = std::fs::read_to_string(&summary).unwrap();
    // 12,000 broken links and whatever else the page has, all errors.
    let total: usize = table
        .lines()
        .find_map(|l| l.strip_prefix("1 runbook checked: "))
        .and_then(|l| l.strip_suffix(" errors"))
        .and_then(|n| n.parse().ok())
        .expect("the summary line");
    assert!(total >= 12_000, "{total}");
    let shown = table.lines().filter(|l| l.starts_with("| error |")).count();
    assert!(shown < 10_000, "{shown}");
    let left = total - shown;
    let note = table.lines().rev().find(|l| !l.is_empty()).unwrap();
    assert!(
        note.starts_with(&format!(
            "{left} more findings not shown ({left} errors): a job summary holds at most 1 MiB"
        )),
        "{note}"
    );
    assert!(!note.contains("have them all"), "{note}");
}

/// Message text is escaped as SARIF asks, brackets escaped (braces kept:
/// see `sarif::escape`); descriptions within GitHub's 1,024 characters.
#[test]
fn sarif_text_is_escaped_and_descriptions_fit() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    std::fs::create_dir(dir.join("lints")).unwrap();
    let long = "a long message ".repeat(80);
    std::fs::write(
        dir.join("lints/x.yaml"),
        format!(
            "- id: no-todo\n  kind: pattern\n  scope: prose\n  regex: 'TODO'\n  message: '{long}'\n\
             - id: no-fixme\n  kind: pattern\n  scope: prose\n  regex: 'FIXME'\n  message: 'see [the guide](guide.md), not {{this}}'\n"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("a.md"),
        "---\ntitle: A\nowner: a\nlast_reviewed: 2026-11-01\nstatus: draft\n---\n# A\n\nTODO FIXME\n\n## Rollback\n\nUndo.\n",
    )
    .unwrap();
    let output = runbook(dir, &["lint", "--format", "sarif", "--today", TODAY]);
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let run = &sarif["runs"][0];
    for rule in run["tool"]["driver"]["rules"].as_array().unwrap() {
        for field in ["shortDescription", "fullDescription"] {
            let text = rule[field]["text"].as_str().unwrap();
            assert!(!text.is_empty() && text.chars().count() <= 1024, "{rule}");
        }
        assert_ne!(rule["name"], rule["id"]);
    }
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let broken = rules.iter().find(|r| r["id"] == "broken-link").unwrap();
    assert_eq!(broken["name"], "BrokenLink");
    assert_ne!(broken["fullDescription"], broken["shortDescription"]);
    let message = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "no-fixme")
        .unwrap()["message"]["text"]
        .as_str()
        .unwrap();
    assert_eq!(message, "see \\[the guide\\](guide.md), not {this}");
    let placeholder = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "unresolved-placeholder")
        .unwrap();
    let text = placeholder["fullDescription"]["text"].as_str().unwrap();
    assert!(
        text.contains("`\\[migration_name\\]`, `{{namespace}}`"),
        "{text}"
    );
    assert!(
        text.ends_with("…") && text.chars().count() == 1024,
        "{text}"
    );
}

#[test]
fn github() {
    let (text, _) = report("github");
    assert!(
        text.lines()
            .filter(|l| l.starts_with("::"))
            .all(|l| l.contains("file=") && l.contains(",line="))
    );
    insta::assert_snapshot!(text);
}

#[test]
fn github_step_summary_gets_the_full_table() {
    let tmp = tempfile::tempdir().unwrap();
    let summary = tmp.path().join("summary.md");
    let tree = report_tree();
    let output = lint_github_with_summary(tree.path(), &summary);
    assert_eq!(output.status.code(), Some(1));
    let table = std::fs::read_to_string(&summary).unwrap();
    assert!(table.contains("| Severity | Rule | Location | Message |"));
    assert!(table.contains("`review-overdue`"));
    insta::assert_snapshot!("github_step_summary", table);
}

/// GitHub drops a step summary over 1 MiB whole, other tools' parts with
/// it: the table takes the room left, errors first, and says what it left
/// out; with no room at all it is not written.
#[test]
fn github_step_summary_stays_within_what_github_takes() {
    const LIMIT: usize = 1024 * 1024;
    let tmp = tempfile::tempdir().unwrap();
    let summary = tmp.path().join("summary.md");
    let tree = report_tree();
    let run = || lint_github_with_summary(tree.path(), &summary);
    // What an earlier tool of the step wrote leaves room for a row or two.
    let earlier = "x".repeat(LIMIT - 560);
    std::fs::write(&summary, &earlier).unwrap();
    let output = run();
    assert_eq!(output.status.code(), Some(1));
    let written = std::fs::read_to_string(&summary).unwrap();
    assert!(written.len() <= LIMIT, "{} bytes", written.len());
    let table = &written[earlier.len()..];
    let rows: Vec<&str> = table.lines().filter(|l| l.starts_with("| ")).collect();
    assert!(rows.len() > 1, "{table}");
    assert!(
        rows[1..].iter().all(|r| r.starts_with("| error |")),
        "{table}"
    );
    assert!(table.contains("more findings not shown ("), "{table}");

    // No room left: the table is not written, the lint's result stands.
    let earlier = "x".repeat(LIMIT - 100);
    std::fs::write(&summary, &earlier).unwrap();
    let output = run();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&summary).unwrap(), earlier);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("it is full"), "{stderr}");
}

#[test]
fn gitlab() {
    let (text, _) = report("gitlab");
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let issues = value.as_array().unwrap();
    assert!(
        issues
            .iter()
            .all(|i| i["fingerprint"].as_str().unwrap().len() == 32
                && i["location"]["lines"]["begin"].as_u64().unwrap() > 0)
    );
    insta::assert_snapshot!(text);
}

#[test]
fn github_escaping() {
    use runbook::lint::report::github::{escape_data, escape_property};
    assert_eq!(escape_data("50%\nnext\r"), "50%25%0Anext%0D");
    assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
}

/// The artifact URI of each result of a SARIF log.
fn sarif_uris(sarif: &serde_json::Value) -> Vec<&str> {
    sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect()
}

/// SARIF locations are URIs: a space or a `#` in a file name is encoded,
/// or code scanning would read `a #1.md` as `a ` with a fragment.
#[test]
fn sarif_uris_encode_what_would_end_them() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    std::fs::write(tmp.path().join("step #1 (old).md"), "# No front matter\n").unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_runbook"))
        .args(["lint", "--format", "sarif", "--today", TODAY])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let uris = sarif_uris(&sarif);
    assert!(!uris.is_empty());
    assert!(
        uris.iter().all(|u| *u == "step%20%231%20(old).md"),
        "{uris:?}"
    );
}

/// Code scanning, annotations and GitLab read paths against the root of
/// the repository: a job that lints from a subfolder, or names files
/// around it, must still name them from the root. The human and JSON
/// formats keep them as the user wrote them.
#[test]
fn scanning_formats_name_paths_from_the_repository_root() {
    let repo = tempfile::tempdir().unwrap();
    std::fs::create_dir(repo.path().join(".git")).unwrap();
    let docs = repo.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    copy_dir(&fixtures().join("report"), &docs);
    std::fs::create_dir(docs.join("sub")).unwrap();
    let from = docs.join("sub");
    let absolute = docs.join("deploy.md");
    let absolute = absolute.to_str().unwrap();
    let run = |format: &str| {
        stdout(&runbook(
            &from,
            &["lint", "--format", format, "--today", TODAY, "..", absolute],
        ))
    };

    let sarif: serde_json::Value = serde_json::from_str(&run("sarif")).unwrap();
    let mut uris = sarif_uris(&sarif);
    uris.dedup();
    assert!(uris.contains(&"docs/deploy.md"), "{uris:?}");
    assert!(uris.iter().all(|u| u.starts_with("docs/")), "{uris:?}");

    let github = run("github");
    let files: Vec<&str> = github
        .lines()
        .filter_map(|l| l.split_once(" file=")?.1.split_once(',').map(|(f, _)| f))
        .collect();
    assert!(!files.is_empty(), "{github}");
    assert!(files.iter().all(|f| f.starts_with("docs/")), "{github}");

    let gitlab: serde_json::Value = serde_json::from_str(&run("gitlab")).unwrap();
    let paths: Vec<&str> = gitlab
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["location"]["path"].as_str().unwrap())
        .collect();
    assert!(paths.iter().all(|p| p.starts_with("docs/")), "{paths:?}");

    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    let paths: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert!(paths.iter().all(|p| p.starts_with("../")), "{paths:?}");
}

/// The SARIF and GitLab prints of each finding, in report order.
fn prints(dir: &std::path::Path, today: &str) -> (Vec<String>, Vec<String>) {
    let sarif = stdout(&runbook(
        dir,
        &["lint", "--format", "sarif", "--today", today],
    ));
    let sarif: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let sarif = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["partialFingerprints"]["runbook/v2"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let gitlab = stdout(&runbook(
        dir,
        &["lint", "--format", "gitlab", "--today", today],
    ));
    let gitlab: serde_json::Value = serde_json::from_str(&gitlab).unwrap();
    let gitlab = gitlab
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap().to_string())
        .collect();
    (sarif, gitlab)
}

/// Code scanning and GitLab follow a finding by its print: it must not
/// change from one day to the next (review messages count days) or when a
/// line is added above, and two findings on identical lines must not
/// share one (GitLab would show them as one).
#[test]
fn fingerprints_are_stable_and_unique() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    let page = |padding: &str| {
        format!(
            "---\ntitle: T\nowner: o\nlast_reviewed: 2026-01-01\nstatus: draft\n---\n{padding}\
             # T\n\nSee [the guide](guide.md) and [the guide](guide.md).\n\n\
             See [the guide](guide.md).\n\n## Rollback\n\nSee [the guide](guide.md).\n"
        )
    };
    std::fs::write(tmp.path().join("a.md"), page("")).unwrap();
    let (sarif, gitlab) = prints(tmp.path(), "2026-12-01");
    assert_eq!(sarif.len(), 5, "{sarif:?}");
    assert_eq!(sarif, gitlab);
    let mut unique = sarif.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), sarif.len(), "{sarif:?}");

    assert_eq!(prints(tmp.path(), "2026-12-02").0, sarif, "a day later");
    std::fs::write(tmp.path().join("a.md"), page("\n\n")).unwrap();
    assert_eq!(
        prints(tmp.path(), "2026-12-01").0,
        sarif,
        "lines added above"
    );
}

/// A finding that spans lines ends where it ends, even left of where it
/// started; a path is a URI that no colon or absolute path misreads.
#[test]
fn sarif_regions_and_uris_are_exact() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    let body = "---\ntitle: T\nowner: o\nlast_reviewed: 2026-11-20\nstatus: draft\n---\n\
                # T\n\nSome text before [a link\nt](missing.md).\n\n## Rollback\n\nx\n";
    std::fs::write(tmp.path().join("db:restore.md"), body).unwrap();
    let outside = tempfile::tempdir().unwrap();
    let other = outside.path().join("other.md");
    std::fs::write(&other, body).unwrap();
    let output = runbook(
        tmp.path(),
        &[
            "lint",
            "--format",
            "sarif",
            "--today",
            TODAY,
            ".",
            other.to_str().unwrap(),
        ],
    );
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let locations: Vec<&serde_json::Value> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["ruleId"] == "broken-link")
        .map(|r| &r["locations"][0]["physicalLocation"])
        .collect();
    let uris: Vec<&str> = locations
        .iter()
        .map(|l| l["artifactLocation"]["uri"].as_str().unwrap())
        .collect();
    assert!(uris.contains(&"db%3Arestore.md"), "{uris:?}");
    let absolute = format!("file://{}", other.display());
    assert!(uris.contains(&absolute.as_str()), "{uris:?}");
    let region = &locations[uris.iter().position(|u| *u == "db%3Arestore.md").unwrap()]["region"];
    assert_eq!(
        (
            region["startLine"].as_i64(),
            region["startColumn"].as_i64(),
            region["endLine"].as_i64(),
            region["endColumn"].as_i64()
        ),
        (Some(9), Some(18), Some(10), Some(15)),
        "{region}"
    );
}

/// The job summary is Markdown that maintainers read: text from a pull
/// request (a status, a link target) must not add links, images or code
/// of its own to it. A summary that cannot be written is a warning; the
/// lint's own result stands.
#[test]
fn github_step_summary_is_inert_and_optional() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    std::fs::write(
        tmp.path().join("a.md"),
        "---\ntitle: T\nowner: o\nlast_reviewed: 2026-11-20\n\
         status: \"x` <img src=https://evil.example/p.png> [Re-run](https://evil.example/) `y\"\n---\n\
         # T\n\n## Rollback\n\nx\n",
    )
    .unwrap();
    let summary = tmp.path().join("summary.md");
    let run = |summary: &std::path::Path| lint_github_with_summary(tmp.path(), summary);
    let output = run(&summary);
    assert_eq!(output.status.code(), Some(1));
    let table = std::fs::read_to_string(&summary).unwrap();
    assert!(table.contains("status-invalid"), "{table}");
    let events: Vec<_> =
        pulldown_cmark::Parser::new_ext(&table, runbook::document::markdown::options()).collect();
    use pulldown_cmark::{Event, Tag};
    assert!(
        !events.iter().any(|e| matches!(
            e,
            Event::Html(_)
                | Event::InlineHtml(_)
                | Event::Start(Tag::Link { .. } | Tag::Image { .. })
        )),
        "{table}"
    );

    let output = run(&tmp.path().join("no-such-folder/summary.md"));
    assert_eq!(output.status.code(), Some(1), "the lint's result, not 2");
    let err = common::stderr(&output);
    assert!(
        err.contains("job summary") && err.contains("no-such-folder"),
        "{err}"
    );
    assert!(stdout(&output).contains("::error"));
}

/// GitHub renders the job summary with GFM's extensions: a web address
/// in runbook text must not become a link, nor `~~x~~` struck through.
#[test]
fn github_step_summary_has_no_autolinks_or_strikethrough() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    std::fs::write(
        tmp.path().join("a.md"),
        "---\ntitle: T\nowner: o\nlast_reviewed: 2026-11-20\n\
         status: \"see https://evil.example/login or WWW.evil.example ~~gone~~\"\n---\n\
         # T\n\n## Rollback\n\nx\n",
    )
    .unwrap();
    let summary = tmp.path().join("summary.md");
    lint_github_with_summary(tmp.path(), &summary);
    let table = std::fs::read_to_string(&summary).unwrap();
    assert!(
        table.contains(r"see https\://evil.example/login or WWW\.evil.example \~\~gone\~\~"),
        "{table}"
    );
}

/// A line break in runbook text is shown as `␊` in an annotation, as the
/// human format shows it: only the tool's own line break starts `help:`.
#[test]
fn github_annotations_keep_runbook_text_on_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    std::fs::write(
        tmp.path().join("a.md"),
        "---\ntitle: T\nowner: o\nlast_reviewed: 2026-11-20\n\
         status: \"x\\nhelp: this is fine\"\n---\n# T\n\n## Rollback\n\nx\n",
    )
    .unwrap();
    let output = runbook(
        tmp.path(),
        &["lint", "--format", "github", "--today", TODAY],
    );
    let text = stdout(&output);
    let line = text
        .lines()
        .find(|l| l.contains("status-invalid"))
        .expect("an annotation");
    let message = line.split_once("::").unwrap().1.split_once("::").unwrap().1;
    assert_eq!(message.matches("%0A").count(), 1, "{line}");
    assert!(message.contains("x\u{240a}help: this is fine"), "{line}");
    assert!(message.contains("%0Ahelp: "), "{line}");
}

/// Every team rule of `lints/` is described in SARIF's `rules[]` as a
/// built-in rule is, from what `runbook rules ID` says of it, with a
/// finding or not; one that reports as a built-in rule is described by it.
#[test]
fn sarif_describes_every_team_rule() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    std::fs::create_dir(dir.join("lints")).unwrap();
    std::fs::write(
        dir.join("lints/x.yaml"),
        "- id: no-todo\n  kind: pattern\n  scope: prose\n  regex: '\\bTODO\\b'\n  severity: warning\n  message: unfinished text in a runbook\n  help: finish the sentence\n\
         - id: team-field\n  kind: front-matter\n  field: team\n  required: true\n  message: runbooks need a team\n\
         - id: nuke\n  kind: command\n  reports-as: destructive-command\n  regex: '\\bnuke\\b'\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("a.md"),
        "---\ntitle: A\nowner: a\nlast_reviewed: 2026-11-01\nstatus: draft\nteam: x\n---\n# A\n\nTODO\n\n## Rollback\n\nUndo.\n",
    )
    .unwrap();
    let output = runbook(dir, &["lint", "--format", "sarif", "--today", TODAY]);
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let listed = |id: &str| rules.iter().filter(|r| r["id"] == id).count();
    assert_eq!(listed("destructive-command"), 1);
    assert_eq!(listed("nuke"), 0);
    let team: Vec<&serde_json::Value> = rules
        .iter()
        .filter(|r| r["id"] == "no-todo" || r["id"] == "team-field")
        .collect();
    insta::assert_snapshot!(serde_json::to_string_pretty(&team).unwrap());
}

/// The SARIF 2.1.0 schema as OASIS published it, from the source of
/// `serde-sarif` (the crate the reporter builds its log with), found
/// through `cargo metadata` rather than copied into this repository.
fn sarif_schema() -> serde_json::Value {
    let metadata = std::process::Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(metadata.status.success(), "{}", common::stderr(&metadata));
    let metadata: serde_json::Value = serde_json::from_slice(&metadata.stdout).unwrap();
    let manifest = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "serde-sarif")
        .and_then(|p| p["manifest_path"].as_str())
        .expect("serde-sarif in the dependency graph");
    let schema = std::path::Path::new(manifest).with_file_name("src/schema.json");
    let schema: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&schema).unwrap()).unwrap();
    assert_eq!(
        schema["title"],
        "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    );
    // The published `language` patterns have a stray `]`, which the
    // meta-schema's `regex` format refuses: their evident meaning instead
    // (runbook writes no `language`).
    let mut schema = schema;
    let mut mended = 0;
    mend_language_patterns(&mut schema, &mut mended);
    assert_eq!(mended, 2);
    schema
}

fn mend_language_patterns(value: &mut serde_json::Value, mended: &mut usize) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                if key == "pattern" && value == "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$" {
                    *value = "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$".into();
                    *mended += 1;
                } else {
                    mend_language_patterns(value, mended);
                }
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                mend_language_patterns(item, mended);
            }
        }
        _ => {}
    }
}

/// Every SARIF log runbook writes is valid against the official schema,
/// formats (`uri`, `uri-reference`) included: every rule's fixtures, the
/// hostile inputs, suppressed findings, a file name that needs encoding,
/// a tree with no finding, and a run that could not read a file.
#[test]
fn sarif_logs_validate_against_the_official_schema() {
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(true)
        .build(&sarif_schema())
        .unwrap();
    // The check bites: a level SARIF does not have, a URI that is not one.
    let bad = serde_json::json!({"version": "2.1.0", "runs": [{
        "tool": {"driver": {"name": "runbook"}},
        "results": [{"message": {"text": "x"}, "level": "fatal"}],
        "artifacts": [{"location": {"uri": "a b\\c"}}]}]});
    assert_eq!(validator.iter_errors(&bad).count(), 2);
    let check = |dir: &std::path::Path, extra: &[&str]| {
        let mut args = vec!["lint", "--format", "sarif", "--today", TODAY];
        args.extend_from_slice(extra);
        let output = runbook(dir, &args);
        let log: serde_json::Value = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("{}: {e}\n{}", dir.display(), stdout(&output)));
        let errors: Vec<String> = validator
            .iter_errors(&log)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", dir.display());
        log["runs"][0]["results"].as_array().unwrap().len()
    };

    let mut results = 0;
    let mut trees = 0;
    for entry in std::fs::read_dir(fixtures().join("lint")).unwrap() {
        let dir = entry.unwrap().path();
        if dir.join("book.toml").is_file() {
            results += check(&dir, &["--show-suppressed"]);
            trees += 1;
        }
    }
    assert!(
        trees >= 20 && results > 100,
        "{trees} trees, {results} results"
    );
    check(&fixtures().join("hostile"), &[]);
    assert!(check(report_tree().path(), &["--show-suppressed"]) > 0);

    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    std::fs::write(dir.join("ok.md"), "---\ntitle: Ok\nowner: o\nlast_reviewed: 2026-11-01\nstatus: draft\n---\n# Ok\n\n## Rollback\n\nUndo.\n").unwrap();
    assert_eq!(check(dir, &[]), 0);
    std::fs::write(dir.join("step #1 (ü).md"), "# No front matter\n").unwrap();
    std::fs::write(dir.join("bytes.md"), b"---\ntitle: \xff\n---\n").unwrap();
    std::fs::create_dir(dir.join("folder.md")).unwrap();
    assert!(check(dir, &[]) >= 2);
}

/// A runbook that lints clean.
const CLEAN: &str = "---\ntitle: Ok\nowner: o\nlast_reviewed: 2026-11-01\nstatus: draft\n---\n# Ok\n\n## Rollback\n\nUndo.\n";

/// A file that cannot be read makes the run exit 2. In CI the report goes
/// to a file or a service, so each machine format also names the file and
/// what went wrong on stderr, once, and its report stays a valid document;
/// SARIF says the run did not succeed and why. The human format lists it
/// with the findings on stdout, not twice.
#[cfg(unix)]
#[test]
fn an_unreadable_file_is_named_on_stderr_and_in_the_sarif_run() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    std::fs::write(dir.join("ok.md"), CLEAN).unwrap();
    std::os::unix::fs::symlink("gone.md", dir.join("dangling.md")).unwrap();
    let said = "error: dangling.md: broken symlink: it points to `gone.md`";
    for format in ["json", "sarif", "gitlab", "github"] {
        let output = runbook(dir, &["lint", "--format", format, "--today", TODAY]);
        assert_eq!(output.status.code(), Some(2), "{format}");
        let err = common::stderr(&output);
        assert_eq!(err.matches(said).count(), 1, "{format}: {err}");
        if format != "github" {
            serde_json::from_slice::<serde_json::Value>(&output.stdout)
                .unwrap_or_else(|e| panic!("{format}: {e}"));
        }
        if format == "sarif" {
            let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
            let invocation = &sarif["runs"][0]["invocations"][0];
            assert_eq!(invocation["executionSuccessful"], false, "{invocation}");
            let note = &invocation["toolExecutionNotifications"][0];
            assert_eq!(note["level"], "error", "{invocation}");
            assert!(
                note["message"]["text"]
                    .as_str()
                    .unwrap()
                    .starts_with("dangling.md: broken symlink"),
                "{invocation}"
            );
            assert_eq!(
                note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                "dangling.md"
            );
        }
    }
    let output = runbook(dir, &["lint", "--format", "human", "--today", TODAY]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stdout(&output).contains("--> dangling.md"),
        "{}",
        stdout(&output)
    );
    assert_eq!(common::stderr(&output), "");

    // A named path that does not exist, as a pre-commit hook may pass one.
    let output = runbook(
        dir,
        &[
            "lint", "--format", "sarif", "--today", TODAY, "ok.md", "nope.md",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        common::stderr(&output),
        "error: nope.md: no such file or folder\n"
    );

    // A run that read everything succeeded.
    std::fs::remove_file(dir.join("dangling.md")).unwrap();
    let output = runbook(dir, &["lint", "--format", "sarif", "--today", TODAY]);
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        sarif["runs"][0]["invocations"][0]["executionSuccessful"],
        true
    );
    assert!(sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"].is_null());
}

/// On Unix a `\` is a character of a file name, which git and GitHub keep:
/// `a\b.md` is reported as itself in every format (`%5C` in a SARIF URI),
/// never as `a/b.md`, another file.
#[cfg(unix)]
#[test]
fn a_backslash_in_a_file_name_is_kept_on_unix() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    std::fs::create_dir(dir.join("a")).unwrap();
    std::fs::write(dir.join("a/b.md"), CLEAN).unwrap();
    std::fs::write(
        dir.join("a\\b.md"),
        CLEAN.replace("Undo.", "See [x](nope.md)."),
    )
    .unwrap();
    let run = |format: &str| {
        stdout(&runbook(
            dir,
            &["lint", "--format", format, "--today", TODAY],
        ))
    };

    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    let paths: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["a\\b.md"]);
    let sarif: serde_json::Value = serde_json::from_str(&run("sarif")).unwrap();
    assert_eq!(sarif_uris(&sarif), ["a%5Cb.md"]);
    let gitlab: serde_json::Value = serde_json::from_str(&run("gitlab")).unwrap();
    assert_eq!(gitlab[0]["location"]["path"], "a\\b.md");
    let github = run("github");
    assert!(github.starts_with("::error file=a\\b.md,"), "{github}");
    assert!(run("human").contains("--> a\\b.md:"));
}

/// A suppression added above a finding does not change the print of an
/// identical one below it, in GitLab as in SARIF, and both formats give a
/// finding the same print.
#[test]
fn a_suppression_above_keeps_the_prints_below() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    let page = |directive: &str| {
        CLEAN.replace(
            "Undo.",
            &format!("Undo.\n\n{directive}See [x](nope.md).\n\nSee [x](nope.md).\n"),
        )
    };
    std::fs::write(tmp.path().join("a.md"), page("")).unwrap();
    let (sarif, gitlab) = prints(tmp.path(), TODAY);
    assert_eq!(sarif.len(), 2);
    assert_eq!(gitlab, sarif);
    std::fs::write(
        tmp.path().join("a.md"),
        page("<!-- runbook-lint-disable-next-line broken-link -- generated -->\n"),
    )
    .unwrap();
    let (sarif_after, gitlab_after) = prints(tmp.path(), TODAY);
    assert_eq!(sarif_after, sarif[1..]);
    assert_eq!(gitlab_after, sarif[1..]);
}

/// Annotations carry the end of a finding: `endColumn` (exclusive, as in
/// the JSON's `end_column`) only when it ends on its line, as GitHub reads
/// columns only then; one over several lines names its lines.
#[test]
fn github_annotations_say_where_a_finding_ends() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    std::fs::write(
        tmp.path().join("a.md"),
        CLEAN.replace(
            "Undo.",
            "See [x](nope.md).\n\nSome text before [a link\nt](missing.md).\n",
        ),
    )
    .unwrap();
    let (json, _) = common::lint_json(tmp.path(), &[]);
    let one_line = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["message"].as_str().unwrap().contains("nope.md"))
        .unwrap();
    let github = stdout(&runbook(
        tmp.path(),
        &["lint", "--format", "github", "--today", TODAY],
    ));
    let expected = format!(
        "::error file=a.md,line={0},col={1},endLine={0},endColumn={2},title=runbook broken-link::link to `nope.md`",
        one_line["line"], one_line["column"], one_line["end_column"]
    );
    assert!(github.contains(&expected), "{expected}\n{github}");
    assert!(one_line["end_column"].as_u64() > one_line["column"].as_u64());
    assert!(
        github.contains("::error file=a.md,line=13,endLine=14,title=runbook broken-link::"),
        "{github}"
    );
}

/// GitHub renders `$...$` in a job summary as math: a `$` from a runbook
/// (a status, a file name) is escaped, and the row reads as written.
#[test]
fn github_step_summary_has_no_math() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    std::fs::write(
        tmp.path().join("$x$.md"),
        CLEAN.replace("status: draft", "status: \"$x^2$ costs $$5$$\""),
    )
    .unwrap();
    let summary = tmp.path().join("summary.md");
    lint_github_with_summary(tmp.path(), &summary);
    let table = std::fs::read_to_string(&summary).unwrap();
    assert!(table.contains(r"| \$x\$.md:"), "{table}");
    assert!(table.contains(r"\$x^2\$ costs \$\$5\$\$"), "{table}");
    use pulldown_cmark::{Event, Options, Parser};
    let options = runbook::document::markdown::options() | Options::ENABLE_MATH;
    let math: Vec<_> = Parser::new_ext(&table, options)
        .filter(|e| matches!(e, Event::InlineMath(_) | Event::DisplayMath(_)))
        .collect();
    assert!(math.is_empty(), "{math:?}\n{table}");
    let text: String = Parser::new_ext(&table, options)
        .filter_map(|e| match e {
            Event::Text(t) => Some(t.into_string()),
            _ => None,
        })
        .collect();
    assert!(text.contains("$x^2$ costs $$5$$"), "{text}");
}

/// Run in the source folder of a book whose book.toml is above it, the
/// human and JSON formats name its runbooks from there (`deploy.md`), not
/// by going up and back in (`../docs/deploy.md`); the scanning formats
/// still name them from the repository's root.
#[test]
fn paths_from_the_source_folder_do_not_go_up_and_back() {
    let repo = tempfile::tempdir().unwrap();
    std::fs::create_dir(repo.path().join(".git")).unwrap();
    let docs = repo.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    copy_dir(&fixtures().join("report"), &docs);
    std::fs::rename(docs.join("book.toml"), repo.path().join("book.toml")).unwrap();
    let toml = std::fs::read_to_string(repo.path().join("book.toml")).unwrap();
    let toml = toml.replace("src = \".\"", "src = \"docs\"");
    std::fs::write(repo.path().join("book.toml"), toml).unwrap();
    for args in [&["deploy.md"][..], &[]] {
        let mut all = vec!["lint", "--format", "json", "--today", TODAY];
        all.extend_from_slice(args);
        let json: serde_json::Value = serde_json::from_str(&stdout(&runbook(&docs, &all))).unwrap();
        let paths: Vec<&str> = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["path"].as_str().unwrap())
            .collect();
        assert!(paths.contains(&"deploy.md"), "{args:?}: {paths:?}");
        // book.toml itself is outside the folder: named as it is reached.
        let mut runbooks = paths.iter().filter(|p| p.ends_with(".md"));
        assert!(
            runbooks.all(|p| !p.starts_with("..")),
            "{args:?}: {paths:?}"
        );
        assert!(paths.contains(&"../book.toml"), "{args:?}: {paths:?}");
    }
    let sarif: serde_json::Value = serde_json::from_str(&stdout(&runbook(
        &docs,
        &["lint", "--format", "sarif", "--today", TODAY],
    )))
    .unwrap();
    assert!(sarif_uris(&sarif).contains(&"docs/deploy.md"));
}
