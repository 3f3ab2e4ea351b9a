//! Suppressions as a user writes them: the ids `runbook rules` lists for
//! the rules of `lints/` that report as a built-in rule, `enable` after a
//! `disable` of several rules or of all, `all`, and the keys of front
//! matter `lint`. Each page is written to a folder of its own and linted.

mod common;

use std::path::Path;

use common::lint_json;

const FRONT: &str = "---\ntitle: T\nowner: team-a\nlast_reviewed: 2026-11-01\n";

/// A finding as these tests look at it: file, rule, line, column, whether
/// it is suppressed, and its message.
#[derive(Debug)]
struct Found {
    path: String,
    rule: String,
    line: u64,
    column: u64,
    suppressed: bool,
    message: String,
}

/// Lints `pages` (name, front matter lines after the fixed ones, body) in
/// a book of their own; the findings, and the exit code with `--deny
/// warnings`. A page's `status` is `authoritative` unless its front matter
/// lines set one.
fn lint(pages: &[(&str, &str, &str)]) -> (Vec<Found>, i32) {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("book.toml"), "[book]\nsrc = \"docs\"\n").unwrap();
    let docs = tmp.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    for (name, front, body) in pages {
        let status = if front.contains("status:") {
            ""
        } else {
            "status: authoritative\n"
        };
        let text =
            format!("{FRONT}{status}{front}---\n\n# T\n\n{body}\n\n## Rollback\n\nUndo it.\n");
        std::fs::write(docs.join(name), text).unwrap();
    }
    findings(tmp.path())
}

fn findings(dir: &Path) -> (Vec<Found>, i32) {
    let (report, code) = lint_json(dir, &["--deny", "warnings"]);
    let found = report["diagnostics"]
        .as_array()
        .expect("a JSON report")
        .iter()
        .map(|d| Found {
            path: d["path"].as_str().unwrap().to_string(),
            rule: d["rule"].as_str().unwrap().to_string(),
            line: d["line"].as_u64().unwrap(),
            column: d["column"].as_u64().unwrap(),
            suppressed: !d["suppressed"].is_null(),
            message: d["message"].as_str().unwrap().to_string(),
        })
        .collect();
    (found, code)
}

/// (line, rule) of the findings that count, sorted.
fn counted(found: &[Found]) -> Vec<(u64, &str)> {
    of_kind(found, false)
}

/// (line, rule) of the suppressed findings, sorted.
fn suppressed(found: &[Found]) -> Vec<(u64, &str)> {
    of_kind(found, true)
}

fn of_kind(found: &[Found], suppressed: bool) -> Vec<(u64, &str)> {
    let mut list: Vec<(u64, &str)> = found
        .iter()
        .filter(|f| f.suppressed == suppressed)
        .map(|f| (f.line, f.rule.as_str()))
        .collect();
    list.sort_unstable();
    list
}

/// The line a page's body starts on, as [`lint`] writes it: after the
/// front matter (6 lines or 5, and `front`'s), a blank line, the title and
/// a blank line.
fn body_line(front: &str) -> u64 {
    let status = u64::from(!front.contains("status:"));
    9 + status + front.lines().count() as u64
}

/// Audit item 4: `kill-9` is an id `runbook rules` lists, so naming it
/// silences the `destructive-command` findings of `kill -9`, and only
/// those. The reasons avoid the words that acknowledge a command.
#[test]
fn a_rule_of_lints_is_suppressed_by_its_own_id_and_no_other() {
    let body = "\
<!-- runbook-lint-disable-next-line rm-recursive-force -- scratch folder only -->
```bash
rm -rf /tmp/scratch
dropdb ledger
```

<!-- runbook-lint-disable kill-9 github-token -- a drill -->
```bash
kill -9 1234
echo ghp_abcdefghijklmnopqrstuvwxyz0123456789
curl https://admin:hunter2@db.example.com/
```
<!-- runbook-lint-enable kill-9 github-token -->

```bash
kill -9 5678
```

<!-- runbook-lint-disable-next-line placeholder-angle-brackets -- filled by the pager -->
```bash
restore <backup-id> YOUR_API_KEY
```";
    let front = "status: draft-ish\nlint: { allow: [status-values, rollback-section] }\n";
    let (found, code) = lint(&[("a.md", front, body)]);
    let b = body_line(front);
    assert_eq!(
        suppressed(&found),
        vec![
            (5, "status-invalid"),
            (b + 2, "destructive-command"),
            (b + 8, "destructive-command"),
            (b + 9, "credential-in-command"),
            (b + 20, "unresolved-placeholder"),
        ],
        "{found:#?}"
    );
    assert_eq!(
        counted(&found),
        vec![
            (b + 3, "destructive-command"),
            (b + 10, "credential-in-command"),
            (b + 15, "destructive-command"),
            (b + 20, "unresolved-placeholder"),
        ],
        "{found:#?}"
    );
    let kept = found
        .iter()
        .filter(|f| !f.suppressed)
        .map(|f| f.message.as_str())
        .collect::<Vec<_>>();
    assert!(kept[0].contains("(`dropdb`)"), "{kept:?}");
    assert!(kept[1].contains("(`url-password`)"), "{kept:?}");
    assert!(kept[3].contains("YOUR_API_KEY"), "{kept:?}");
    assert_eq!(code, 1);
}

/// `rollback-section` is the data of `rollback-missing`: allowing it
/// allows the finding of a page without a rollback section.
#[test]
fn the_rollback_section_rule_is_allowed_by_its_own_id() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("book.toml"), "[book]\nsrc = \"docs\"\n").unwrap();
    let docs = tmp.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    let page = |allow: &str| {
        format!("{FRONT}status: draft\nlint: {{ allow: [{allow}] }}\n---\n\n# T\n\nSteps.\n")
    };
    std::fs::write(docs.join("allowed.md"), page("rollback-section")).unwrap();
    std::fs::write(docs.join("other.md"), page("section-missing")).unwrap();
    let (found, code) = findings(tmp.path());
    let rollback: Vec<(&str, bool)> = found
        .iter()
        .filter(|f| f.rule == "rollback-missing")
        .map(|f| (f.path.as_str(), f.suppressed))
        .collect();
    assert_eq!(
        rollback,
        vec![("docs/allowed.md", true), ("docs/other.md", false)],
        "{found:#?}"
    );
    assert_eq!(code, 1);
}

/// Audit item 5: `enable` turns back on the rules it names and no others,
/// as in ESLint; after a bare `disable`, every rule but those stays off;
/// a bare `enable`, or `enable all`, ends everything.
#[test]
fn enable_turns_back_on_only_the_rules_it_names() {
    let body = "\
<!-- runbook-lint-disable broken-link broken-anchor -- generated pages -->
See [one](missing1.md) and [a](#nope-1).
<!-- runbook-lint-enable broken-anchor -->
See [two](missing2.md) and [b](#nope-2).
<!-- runbook-lint-enable -->
See [three](missing3.md).

<!-- runbook-lint-disable -- a drill -->
See [four](missing4.md) and [c](#nope-4).
<!-- runbook-lint-enable broken-link -->
See [five](missing5.md) and [d](#nope-5).
<!-- runbook-lint-disable -- again -->
See [six](missing6.md).
<!-- runbook-lint-enable all -->
See [seven](missing7.md) and [e](#nope-7).";
    let (found, code) = lint(&[("a.md", "", body)]);
    let b = body_line("");
    assert_eq!(
        suppressed(&found),
        vec![
            (b + 1, "broken-anchor"),
            (b + 1, "broken-link"),
            (b + 3, "broken-link"),
            (b + 8, "broken-anchor"),
            (b + 8, "broken-link"),
            (b + 10, "broken-anchor"),
            (b + 12, "broken-link"),
        ],
        "{found:#?}"
    );
    assert_eq!(
        counted(&found),
        vec![
            (b + 3, "broken-anchor"),
            (b + 5, "broken-link"),
            (b + 10, "broken-link"),
            (b + 14, "broken-anchor"),
            (b + 14, "broken-link"),
        ],
        "{found:#?}"
    );
    assert_eq!(code, 1);
}

/// Under `disable destructive-command`, `enable kill-9` turns back on
/// the findings of `kill-9` alone; the rule's other findings stay off.
#[test]
fn enable_of_a_rule_of_lints_turns_it_back_on_under_its_built_in_rule() {
    let body = "\
<!-- runbook-lint-disable destructive-command -- a drill -->
```bash
kill -9 1234
rm -rf /tmp/scratch
```
<!-- runbook-lint-enable kill-9 -->
```bash
kill -9 5678
rm -rf /tmp/scratch
```
<!-- runbook-lint-enable destructive-command -->
```bash
rm -rf /tmp/scratch
```";
    let (found, code) = lint(&[("a.md", "", body)]);
    let b = body_line("");
    assert_eq!(
        suppressed(&found),
        vec![
            (b + 2, "destructive-command"),
            (b + 3, "destructive-command"),
            (b + 8, "destructive-command"),
        ],
        "{found:#?}"
    );
    assert_eq!(
        counted(&found),
        vec![
            (b + 7, "destructive-command"),
            (b + 12, "destructive-command")
        ],
        "{found:#?}"
    );
    let again = found.iter().find(|f| f.line == b + 7).unwrap();
    assert!(again.message.contains("kill -9"), "{found:#?}");
    assert_eq!(code, 1);
}

/// `disable-next-line` above a fenced block covers the block, where the
/// findings of commands are; above a paragraph, that line alone.
#[test]
fn disable_next_line_above_a_code_block_covers_the_block() {
    let body = "\
<!-- runbook-lint-disable-next-line credential-in-command -- a revoked token -->
```bash
echo start
echo ghp_abcdefghijklmnopqrstuvwxyz0123456789
```
echo ghp_abcdefghijklmnopqrstuvwxyz0123456789

```bash
echo ghp_abcdefghijklmnopqrstuvwxyz0123456789
```";
    let (found, _) = lint(&[("a.md", "", body)]);
    let b = body_line("");
    assert_eq!(
        suppressed(&found),
        vec![(b + 3, "credential-in-command")],
        "{found:#?}"
    );
    assert_eq!(
        counted(&found),
        vec![(b + 8, "credential-in-command")],
        "{found:#?}"
    );
}

/// Audit item 9: `all` names every rule, and is not an unknown rule id.
#[test]
fn all_is_a_rule_name_that_suppresses_everything() {
    let body = "\
<!-- runbook-lint-disable-next-line all -- generated at deploy time -->
See [one](missing1.md).
See [two](missing2.md).";
    let (found, code) = lint(&[("a.md", "", body)]);
    let b = body_line("");
    assert_eq!(suppressed(&found), vec![(b + 1, "broken-link")]);
    assert_eq!(counted(&found), vec![(b + 2, "broken-link")]);
    assert_eq!(code, 1);

    // Every finding of the page, a typo beside `all` included, is allowed:
    // listed as suppressed, and the gate passes.
    let front = "lint: { allow: [all, brokn-link] }\n";
    let body = "See [one](missing1.md).\n<!-- runbook-lint-disable-next-line all -->\n##x";
    let (found, code) = lint(&[("a.md", front, body)]);
    let b = body_line(front);
    assert_eq!(counted(&found), vec![], "{found:#?}");
    assert!(
        suppressed(&found).contains(&(6, "suppression-invalid")),
        "{found:#?}"
    );
    assert!(suppressed(&found).contains(&(b + 2, "heading-no-space")));
    assert_eq!(code, 0);
}

/// A rule id nothing has is still reported, next to `all` and to the ids
/// of the rules of `lints/`.
#[test]
fn unknown_rule_ids_are_still_reported() {
    let body = "\
<!-- runbook-lint-disable-next-line all, kill-9, kill-99 -->
See [one](missing1.md).";
    let (found, code) = lint(&[("a.md", "", body)]);
    let b = body_line("");
    assert_eq!(counted(&found), vec![(b, "suppression-invalid")]);
    let invalid = &found[0];
    assert!(invalid.message.contains("`kill-99`"), "{found:#?}");
    assert_eq!(code, 1);
}

/// Audit item 7: a key of `lint` other than `allow` allows nothing, and
/// says so where it is written, with "did you mean"; an `allow` that is
/// not a list of ids says that.
#[test]
fn lint_keys_other_than_allow_and_a_nested_allow_are_reported() {
    let (found, code) = lint(&[
        (
            "typo.md",
            "lint: { alow: [broken-link] }\n",
            "See [x](gone.md).",
        ),
        (
            "deny.md",
            "lint:\n  allow: [broken-link]\n  deny: [rollback-missing]\n",
            "See [x](gone.md).",
        ),
        ("nested.md", "lint: { allow: [[broken-link]] }\n", "Steps."),
        (
            "good.md",
            "lint: { allow: [broken-link] }\n",
            "See [x](gone.md).",
        ),
    ]);
    let report: Vec<(&str, u64, u64, &str)> = found
        .iter()
        .filter(|f| f.rule != "broken-link")
        .map(|f| (f.rule.as_str(), f.line, f.column, f.message.as_str()))
        .collect();
    assert_eq!(
        report,
        vec![
            (
                "suppression-invalid",
                8,
                3,
                "`deny` is not a key of `lint`; it allows nothing"
            ),
            (
                "field-type",
                6,
                16,
                "`lint.allow` is a list whose entry 1 is a list, not a rule id or a list of rule ids"
            ),
            (
                "suppression-invalid",
                6,
                9,
                "`alow` is not a key of `lint`; it allows nothing"
            ),
        ],
        "{found:#?}"
    );
    // The broken links of `deny.md` and `good.md` are allowed, that of
    // `typo.md` is not.
    assert_eq!(
        counted(&found)
            .into_iter()
            .filter(|(_, rule)| *rule == "broken-link")
            .count(),
        1
    );
    assert_eq!(code, 1);
}

/// The help of a misspelt `allow` names it.
#[test]
fn a_misspelt_allow_gets_did_you_mean() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("book.toml"), "[book]\nsrc = \"docs\"\n").unwrap();
    let docs = tmp.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    let text = format!(
        "{FRONT}status: draft\nlint: {{ alow: [broken-link] }}\n---\n\n# T\n\n## Rollback\n\nUndo.\n"
    );
    std::fs::write(docs.join("a.md"), text).unwrap();
    let (report, _) = lint_json(tmp.path(), &[]);
    let help = report["diagnostics"][0]["help"].as_str().unwrap();
    assert!(help.starts_with("did you mean `allow`?"), "{help}");
}

/// A directive may list its ids one per line or with tabs, and an unknown
/// id of a block list under `allow` is reported on its own line.
#[test]
fn ids_on_lines_of_their_own_suppress_and_are_placed_one_by_one() {
    let body = "\
<!-- runbook-lint-disable-next-line
     broken-link
\tbroken-anchor -->
See [one](missing1.md) and [two](#nowhere).";
    let allow = "lint:\n  allow:\n    - broken-link\n    - brokn-anchor\n    - rollbak-missing\n";
    let (found, _) = lint(&[("a.md", "", body), ("b.md", allow, "No [link](gone.md).")]);
    let a: Vec<_> = found.iter().filter(|f| f.path.ends_with("a.md")).collect();
    assert_eq!(a.len(), 2, "{found:#?}");
    assert!(a.iter().all(|f| f.suppressed), "{found:#?}");
    let unknown: Vec<(u64, u64, &str)> = found
        .iter()
        .filter(|f| f.rule == "suppression-invalid")
        .map(|f| (f.line, f.column, f.message.as_str()))
        .collect();
    assert_eq!(
        unknown,
        [
            (
                9,
                7,
                "no rule is named `brokn-anchor`; `lint: { allow }` allows nothing for it"
            ),
            (
                10,
                7,
                "no rule is named `rollbak-missing`; `lint: { allow }` allows nothing for it"
            ),
        ],
        "{found:#?}"
    );
}
