//! Every rule against its fixtures: each `bad*` file triggers the rule the
//! folder is named after, no `good*` file triggers anything, and the exact
//! findings (rule, place, message) are pinned by a snapshot.

mod common;

use common::{fixtures, lint_json};

fn check_rule_folder(rule: &str) {
    let dir = fixtures().join("lint").join(rule);
    let (report, code) = lint_json(&dir, &[]);
    let diagnostics = report["diagnostics"].as_array().expect("diagnostics");
    let mut listing = String::new();
    for d in diagnostics {
        let path = d["path"].as_str().unwrap();
        let name = path.rsplit('/').next().unwrap();
        if name.starts_with("good") {
            panic!("{rule}: good fixture {path} has a finding: {d}");
        }
        listing.push_str(&format!(
            "{}:{}:{} {} [{}] {}{}\n",
            path,
            d["line"],
            d["column"],
            d["severity"].as_str().unwrap(),
            d["rule"].as_str().unwrap(),
            d["message"].as_str().unwrap(),
            if d["suppressed"].is_null() {
                String::new()
            } else {
                format!(" (suppressed: {})", d["suppressed"]["reason"])
            },
        ));
        if let Some(help) = d["help"].as_str() {
            listing.push_str(&format!("    help: {help}\n"));
        }
    }
    let files = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap());
    for bad in files.filter(|f| f.starts_with("bad")) {
        assert!(
            diagnostics
                .iter()
                .any(|d| d["rule"] == rule && d["path"].as_str().unwrap().ends_with(&bad)),
            "{rule}: {bad} should trigger it; got:\n{listing}"
        );
    }
    let has_error = diagnostics
        .iter()
        .any(|d| d["severity"] == "error" && d["suppressed"].is_null());
    assert_eq!(code, if has_error { 1 } else { 0 }, "{rule}: exit code");
    insta::assert_snapshot!(rule, listing);
}

macro_rules! rule_tests {
    ($($name:ident => $rule:literal),* $(,)?) => {
        $(#[test] fn $name() { check_rule_folder($rule); })*
    };
}

rule_tests! {
    front_matter_missing => "front-matter-missing",
    front_matter_invalid => "front-matter-invalid",
    required_field => "required-field",
    field_type => "field-type",
    unknown_field => "unknown-field",
    status_invalid => "status-invalid",
    review_overdue => "review-overdue",
    review_due_soon => "review-due-soon",
    review_date_future => "review-date-future",
    rollback_missing => "rollback-missing",
    section_missing => "section-missing",
    broken_link => "broken-link",
    broken_anchor => "broken-anchor",
    broken_include => "broken-include",
    include_outside_code => "include-outside-code",
    duplicate_anchor => "duplicate-anchor",
    wiki_link => "wiki-link",
    undefined_reference => "undefined-reference",
    unclosed_fence => "unclosed-fence",
    heading_no_space => "heading-no-space",
    suppression_invalid => "suppression-invalid",
    invalid_utf8 => "invalid-utf8",
    bidi_control => "bidi-control",
    lookalike_in_command => "lookalike-in-command",
    alias_in_command => "alias-in-command",
    step_name_changed => "step-name-changed",
}

#[test]
fn suppressions_keep_their_reason() {
    let dir = fixtures().join("lint/suppressions");
    let (report, code) = lint_json(&dir, &[]);
    let diagnostics = report["diagnostics"].as_array().unwrap();
    let suppressed: Vec<_> = diagnostics
        .iter()
        .filter(|d| !d["suppressed"].is_null())
        .collect();
    assert_eq!(suppressed.len(), 4, "{diagnostics:#?}");
    assert!(
        suppressed
            .iter()
            .any(|d| d["suppressed"]["reason"] == "generated at deploy time"
                && d["suppressed"]["directive"] == "next-line")
    );
    assert!(
        suppressed
            .iter()
            .any(|d| d["suppressed"]["directive"] == "front-matter"
                && d["rule"] == "rollback-missing")
    );
    // The range ends at `enable`: the link after it counts.
    let counted: Vec<_> = diagnostics
        .iter()
        .filter(|d| d["suppressed"].is_null())
        .collect();
    assert_eq!(counted.len(), 1);
    assert!(counted[0]["message"].as_str().unwrap().contains("old-c.md"));
    assert_eq!(report["summary"]["suppressed"], 4);
    assert_eq!(code, 1);
}

#[test]
fn rule_severity_can_be_changed_or_turned_off() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("book.toml"), "[book]\nsrc = \".\"\n[lint.rules]\nrollback-missing = \"warning\"\nrequired-field = \"off\"\n").unwrap();
    std::fs::write(
        tmp.path().join("a.md"),
        "---\ntitle: A\n---\n# A\n\nNo rollback.\n",
    )
    .unwrap();
    let (report, code) = lint_json(tmp.path(), &[]);
    let rules: Vec<_> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["rule"].clone(), d["severity"].clone()))
        .collect();
    assert_eq!(
        rules,
        vec![(
            serde_json::json!("rollback-missing"),
            serde_json::json!("warning")
        )]
    );
    assert_eq!(code, 0, "warnings alone pass");
    let (_, code) = lint_json(tmp.path(), &["--deny", "warnings"]);
    assert_eq!(code, 1, "--deny warnings fails on them");
}

/// Past 10,000 findings of one rule, a file lists one more that counts the
/// rest, where the first of them is, and the totals count them all; links
/// into another file are capped per file too. Suppressing the rule there
/// suppresses that finding.
#[test]
fn a_file_lists_at_most_ten_thousand_findings_of_a_rule() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    let front = "---\ntitle: T\nowner: ops\nlast_reviewed: 2026-11-01\nstatus: draft\n---\n# T\n\n## Rollback\n\nUndo.\n\n";
    std::fs::write(dir.join("other.md"), format!("{front}## Known\n")).unwrap();
    let mut text = front.to_string();
    for i in 0..10_005 {
        text.push_str(&format!("##x {i}\n\n[a](other.md#gone-{i})\n\n"));
    }
    let lines_before = front.lines().count();
    std::fs::write(dir.join("many.md"), &text).unwrap();
    // The same again, its last ones under a range suppression.
    let range = "<!-- runbook-lint-disable heading-no-space broken-anchor -->\n";
    let mut suppressed = text.clone();
    let cut = suppressed.match_indices("##x 9999\n").next().unwrap().0;
    suppressed.insert_str(cut, range);
    std::fs::write(dir.join("quiet.md"), suppressed).unwrap();

    let (report, code) = lint_json(dir, &[]);
    assert_eq!(code, 1, "broken anchors are errors");
    let of = |path: &str, rule: &str| -> Vec<&serde_json::Value> {
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["path"] == path && d["rule"] == rule)
            .collect()
    };
    for rule in ["heading-no-space", "broken-anchor"] {
        let listed = of("many.md", rule);
        assert_eq!(listed.len(), 10_001, "{rule}");
        let last = listed.last().unwrap();
        assert_eq!(
            last["message"],
            format!(
                "5 more `{rule}` findings in this file are not listed; this is the first of them"
            ),
        );
        // Each repetition is 4 lines; the 10,001st starts at index 10,000.
        let line = lines_before + 1 + 4 * 10_000 + if rule == "broken-anchor" { 2 } else { 0 };
        assert_eq!(last["line"], line, "{rule}: {last}");
        assert!(last["fix"].is_null());
        assert!(
            listed[..10_000]
                .iter()
                .all(|d| !d["message"].as_str().unwrap().contains("not listed"))
        );

        let quiet = of("quiet.md", rule);
        assert_eq!(quiet.len(), 10_001, "{rule}");
        let counted = quiet.iter().filter(|d| d["suppressed"].is_null()).count();
        assert_eq!(counted, 9_999, "{rule}: the rest are under the directive");
    }
    // The totals count every finding, listed or not: 10,005 of each rule
    // in each file, 6 of each in quiet.md under the directive.
    let summary = &report["summary"];
    assert_eq!(summary["errors"], 10_005 + 9_999, "{summary}");
    assert_eq!(summary["warnings"], 10_005 + 9_999, "{summary}");
    assert_eq!(summary["suppressed"], 2 * 6, "{summary}");
}

/// Past the cap, the findings a file does not list are still checked
/// against its suppressions, one by one: a real error after 10,000
/// suppressed findings of its rule (in the file, or a link into another
/// file) is counted, shown where it is, and fails the run.
#[test]
fn an_error_past_ten_thousand_suppressed_findings_is_not_hidden() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    let front = "---\ntitle: T\nowner: ops\nlast_reviewed: 2026-11-01\nstatus: draft\n---\n# T\n\n## Rollback\n\nUndo.\n\n";
    std::fs::write(dir.join("other.md"), format!("{front}## Known\n")).unwrap();
    for (name, link) in [
        ("files.md", "gone-{i}.md"),
        ("anchors.md", "other.md#gone-{i}"),
    ] {
        let mut text = front.to_string();
        for i in 0..10_005 {
            let target = link.replace("{i}", &i.to_string());
            text.push_str(&format!(
                "<!-- runbook-lint-disable-next-line broken-link broken-anchor -- known -->\n[a]({target})\n\n"
            ));
        }
        text.push_str(&format!("[b]({})\n", link.replace("{i}", "real")));
        std::fs::write(dir.join(name), &text).unwrap();
    }
    let (report, code) = lint_json(dir, &[]);
    assert_eq!(code, 1, "{}", report["summary"]);
    for (name, rule) in [("files.md", "broken-link"), ("anchors.md", "broken-anchor")] {
        let counted: Vec<&serde_json::Value> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["path"] == name && d["rule"] == rule && d["suppressed"].is_null())
            .collect();
        assert_eq!(counted.len(), 1, "{name}: {counted:?}");
        assert_eq!(
            counted[0]["message"],
            format!("1 more `{rule}` finding in this file is not listed: this one")
        );
        assert_eq!(counted[0]["line"], 12 + 3 * 10_005 + 1, "{name}");
        // "Fix those" is no advice when those are suppressed on purpose.
        let help = counted[0]["help"].as_str().unwrap();
        assert!(help.contains("some listed here are suppressed"), "{help}");
        assert!(help.contains(&format!("`runbook rules {rule}`")), "{help}");
    }
}

/// `[[steps]]` is TOML's array of tables, which Hugo reads, and `\[[x]]`
/// asks for the brackets as written: `--fix` leaves both as they are.
#[test]
fn wiki_link_fix_leaves_toml_front_matter_and_escaped_brackets_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    std::fs::write(
        dir.join("steps.md"),
        "---\ntitle: Steps\nowner: team-a\nlast_reviewed: 2026-11-01\nstatus: draft\n---\n\n# Steps\n\n## Rollback\n\nUndo.\n",
    )
    .unwrap();
    let hugo = "+++\n# a comment keeps this from being converted\ntitle = \"Hugo page\"\n[[steps]]\nname = \"one\"\n+++\n\n# Hugo page\n\nLiteral \\[[steps]] here.\n\n## Rollback\n\nUndo.\n";
    std::fs::write(dir.join("hugo.md"), hugo).unwrap();
    common::runbook(dir, &["lint", "--fix", "--today", "2026-12-06"]);
    assert_eq!(std::fs::read_to_string(dir.join("hugo.md")).unwrap(), hugo);
    let (report, _) = lint_json(dir, &[]);
    let rules = common::rule_ids(&report);
    assert!(!rules.contains(&"wiki-link"), "{rules:?}");
    assert!(rules.contains(&"front-matter-missing"), "{rules:?}");
}

/// What `--fix` copies from the body keeps the value as written: only the
/// emphasis around a label or a whole value goes, never a `_` or `*` of
/// the value itself (an address, a team handle).
#[test]
fn front_matter_filled_from_the_body_keeps_underscores_and_stars() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    let cases = [
        (
            "bold.md",
            "**Owner:** jane_doe@example.com",
            "jane_doe@example.com",
        ),
        ("after.md", "**Owner**: @acme/db_oncall", "@acme/db_oncall"),
        ("wrapped.md", "Owner: _team_db_", "team_db"),
        ("star.md", "- Owner: a*b", "a*b"),
    ];
    for (name, line, _) in cases {
        let text = format!("# Fail over\n\n{line}\n\n## Rollback\n\nUndo.\n");
        std::fs::write(dir.join(name), text).unwrap();
    }
    common::runbook(dir, &["lint", "--fix", "--today", "2026-12-07"]);
    for (name, line, owner) in cases {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        let written = text.lines().find_map(|l| l.strip_prefix("owner: "));
        assert_eq!(
            written.map(|o| o.trim_matches('"')),
            Some(owner),
            "{name}: {text}"
        );
        assert!(text.contains(line), "{name}: {text}");
    }
}

/// `--fix` rewrites no front matter where that would lose what the author
/// wrote: TOML comments, or a file's `\r`-alone line endings (the new lines
/// would end with `\n`). The finding stays, with its help.
#[test]
fn front_matter_fixes_lose_no_comment_and_mix_no_line_endings() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    let commented = "+++\ntitle = \"Restore #2\"\nowner = \"team-db\"  # pager: db-oncall\nlast_reviewed = 2026-11-01\nstatus = \"draft\"\n+++\n\n# Restore\n\n## Rollback\n\nUndo.\n";
    let plain = commented.replace("  # pager: db-oncall", "");
    let mac = "# Mac file\rOwner: ops\rLast Updated: 2026-11-27\r\r## Rollback\rx\r";
    let misplaced = "<!-- header -->\r---\rtitle: x\rowner: ops\rlast_reviewed: 2026-11-01\rstatus: draft\r---\r# x\r## Rollback\rx\r";
    for (name, text) in [
        ("commented.md", commented),
        ("plain.md", plain.as_str()),
        ("mac.md", mac),
        ("misplaced.md", misplaced),
    ] {
        std::fs::write(dir.join(name), text).unwrap();
    }
    common::runbook(dir, &["lint", "--fix", "--today", "2026-12-07"]);
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    assert_eq!(read("commented.md"), commented);
    assert_eq!(read("mac.md"), mac);
    assert_eq!(read("misplaced.md"), misplaced);
    // Without a comment, a `#` in a string is no reason to refuse.
    assert!(
        read("plain.md").starts_with("---\ntitle: \"Restore #2\"\n"),
        "{}",
        read("plain.md")
    );
    let (report, _) = lint_json(dir, &[]);
    let helps: Vec<(&str, &str)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "front-matter-missing")
        .map(|d| (d["path"].as_str().unwrap(), d["help"].as_str().unwrap()))
        .collect();
    assert_eq!(helps.len(), 3, "{helps:?}");
    assert!(
        helps[0].0 == "commented.md" && helps[0].1.contains("with its comments"),
        "{helps:?}"
    );
}
