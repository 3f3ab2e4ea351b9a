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
    undefined_reference => "undefined-reference",
    unclosed_fence => "unclosed-fence",
    heading_no_space => "heading-no-space",
    invalid_utf8 => "invalid-utf8",
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
