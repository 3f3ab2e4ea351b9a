//! Team rules from `lints/*.yaml`: each kind firing and not firing, and
//! rule files with errors stopping the run before anything is linted.

mod common;

use std::fs;

use common::{TODAY, fixtures, lint_json, runbook, stderr, stdout};

#[test]
fn every_kind_fires_on_its_bad_fixture_and_never_on_good_ones() {
    let dir = fixtures().join("custom");
    let (report, code) = lint_json(&dir, &[]);
    let mut listing = String::new();
    for d in report["diagnostics"].as_array().unwrap() {
        let path = d["path"].as_str().unwrap();
        // A good fixture may hold suppressed findings, never counted ones.
        assert!(
            !path.starts_with("good") || !d["suppressed"].is_null(),
            "good fixture has a finding: {d}"
        );
        listing.push_str(&format!(
            "{path}:{}:{} {} [{}] {}\n",
            d["line"],
            d["column"],
            d["severity"].as_str().unwrap(),
            d["rule"].as_str().unwrap(),
            d["message"].as_str().unwrap()
        ));
    }
    for entry in fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.starts_with("bad") {
            assert!(
                listing.contains(&name),
                "{name} should trigger a team rule:\n{listing}"
            );
        }
    }
    assert_eq!(code, 1);
    insta::assert_snapshot!(listing);
}

#[test]
fn team_rules_are_listed_and_explained() {
    let dir = fixtures().join("custom");
    let list = stdout(&runbook(&dir, &["rules"]));
    assert!(
        list.contains("kubectl-delete-namespace") && list.contains("lints/team.yaml"),
        "{list}"
    );
    let one = stdout(&runbook(&dir, &["rules", "payments-verification"]));
    assert!(
        one.contains("## What it checks")
            && one.contains("when front matter `tags` matches `^payments$`"),
        "{one}"
    );
    let one = stdout(&runbook(&dir, &["rules", "payments-no-wip"]));
    assert!(
        one.contains("but where it also matches `tracked in [A-Z]+-[0-9]+`")
            && one.contains("when front matter `tags` matches `^payments$`."),
        "{one}"
    );
}

fn broken_rule_file(yaml: &str) -> (i32, String) {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    fs::create_dir(tmp.path().join("lints")).unwrap();
    fs::write(
        tmp.path().join("lints/a.yaml"),
        "- id: fine\n  kind: pattern\n  scope: prose\n  regex: 'x'\n  message: ok\n",
    )
    .unwrap();
    fs::write(tmp.path().join("lints/b.yaml"), yaml).unwrap();
    fs::write(tmp.path().join("doc.md"), "# nothing to lint\n").unwrap();
    let output = runbook(tmp.path(), &["lint", "--today", TODAY]);
    assert!(
        stdout(&output).is_empty(),
        "nothing is linted: {}",
        stdout(&output)
    );
    (output.status.code().unwrap(), stderr(&output))
}

#[test]
fn rule_files_with_errors_stop_the_run_with_file_and_line() {
    let (code, err) = broken_rule_file(
        "- id: bad-regex\n  kind: pattern\n  scope: prose\n  regex: '(unclosed'\n  message: x\n",
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("b.yaml:4:") && err.contains("invalid regular expression"),
        "{err}"
    );

    let (code, err) = broken_rule_file("- id: odd\n  kind: spelling\n  message: x\n");
    assert_eq!(code, 2);
    assert!(
        err.contains("b.yaml:2:") && err.contains("kind `spelling`"),
        "{err}"
    );

    let (code, err) = broken_rule_file("- kind: pattern\n  scope: prose\n  regex: x\n");
    assert_eq!(code, 2);
    assert!(
        err.contains("b.yaml:1:") && err.contains("without `id`"),
        "{err}"
    );

    let (code, err) = broken_rule_file(
        "- id: fine\n  kind: pattern\n  scope: prose\n  regex: y\n  message: again\n",
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("b.yaml:1:7:")
            && err.contains("`fine` is already taken by the rule at ")
            && err.contains("a.yaml:1:7;"),
        "a duplicate names the first definition: {err}"
    );
    // In the same file too, at the second id.
    let (code, err) = broken_rule_file(
        "- id: twice\n  kind: pattern\n  scope: prose\n  regex: y\n\n- id: twice\n  kind: pattern\n  scope: prose\n  regex: z\n",
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("b.yaml:6:7:") && err.contains("b.yaml:1:7;"),
        "{err}"
    );

    let (code, err) =
        broken_rule_file("- kind: pattern\n  id: broken-link\n  scope: prose\n  regex: y\n");
    assert_eq!(code, 2);
    assert!(
        err.contains("b.yaml:2:7:")
            && err.contains("`broken-link` is the id of a built-in rule")
            && err.contains("choose another id")
            && !err.contains("already taken"),
        "a built-in id is said so, at the id: {err}"
    );
    let (code, err) = broken_rule_file("- id: heading-no-space\n  severity: off\n");
    assert_eq!(code, 2);
    assert!(
        err.contains("b.yaml:1:7:")
            && err.contains("built-in rule")
            && err.contains("`heading-no-space = \"off\"` under [lint.rules]"),
        "{err}"
    );
    let (code, err) = broken_rule_file("- id: destructive-command\n  kind: command\n  regex: y\n");
    assert_eq!(code, 2);
    assert!(
        err.contains("built-in rule") && err.contains("`reports-as: destructive-command`"),
        "{err}"
    );

    let (code, err) =
        broken_rule_file("- id: x\n  kind: pattern\n  scope: prose\n  regex: y\n  colour: red\n");
    assert_eq!(code, 2);
    assert!(
        err.contains("b.yaml:5:") && err.contains("colour"),
        "unknown keys are errors: {err}"
    );

    for message in ["''", "'  '"] {
        let (code, err) = broken_rule_file(&format!(
            "- id: quiet\n  kind: pattern\n  scope: prose\n  regex: y\n  message: {message}\n"
        ));
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains("b.yaml:5:12:") && err.contains("rule `quiet` has an empty `message`"),
            "{err}"
        );
    }

    let (code, err) = broken_rule_file("not: [a list\n");
    assert_eq!(code, 2);
    assert!(err.contains("b.yaml:"), "{err}");
}

/// A book of one runbook with a destructive command, a bad status and no
/// rollback section, and the given `lints/` files and book.toml.
fn book(toml: &str, lints: &[(&str, &str)]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("book.toml"),
        format!("[book]\nsrc = \".\"\n{toml}"),
    )
    .unwrap();
    if !lints.is_empty() {
        fs::create_dir(tmp.path().join("lints")).unwrap();
    }
    for (name, yaml) in lints {
        fs::write(tmp.path().join("lints").join(name), yaml).unwrap();
    }
    fs::write(
        tmp.path().join("doc.md"),
        "---\ntitle: T\nowner: a\nlast_reviewed: 2026-11-01\nstatus: live\n---\n# T\n\n```bash\nrm -rf /var/lib/app\npsql postgres://app:hunter2@db/app\nrestore <backup-id>\n```\n",
    )
    .unwrap();
    tmp
}

/// `rule: message` of every finding.
fn findings(dir: &std::path::Path) -> Vec<String> {
    let (report, _) = lint_json(dir, &[]);
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}: {}",
                d["rule"].as_str().unwrap(),
                d["message"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn the_defaults_apply_with_no_lints_folder() {
    let tmp = book("", &[]);
    assert!(!tmp.path().join("lints").exists());
    let found = findings(tmp.path());
    for expected in [
        "destructive-command: destructive command: `rm -rf` deletes files and folders for good (`rm-recursive-force`)",
        "credential-in-command: a password in a connection URL in a code block (`url-password`)",
        "status-invalid: status `live` is not one of: draft, authoritative, deprecated",
        "rollback-missing: no rollback section",
    ] {
        assert!(
            found.iter().any(|f| f == expected),
            "{expected}\n{found:#?}"
        );
    }
    assert!(
        found
            .iter()
            .any(|f| f.starts_with("unresolved-placeholder: placeholder `<backup-id>`")),
        "{found:#?}"
    );
    let list = stdout(&runbook(tmp.path(), &["rules"]));
    assert!(
        list.lines().any(|l| l.starts_with("rm-recursive-force ")
            && l.contains("default, reports as destructive-command")),
        "{list}"
    );
    let one = stdout(&runbook(tmp.path(), &["rules", "destructive-command"]));
    assert!(
        one.contains("## Data in force (lints/)") && one.contains("- `dropdb`:"),
        "{one}"
    );
}

#[test]
fn a_book_replaces_drops_and_adds_defaults_by_id() {
    let dir = fixtures().join("custom-defaults");
    let (report, code) = lint_json(&dir, &[]);
    let mut listing = String::new();
    for d in report["diagnostics"].as_array().unwrap() {
        let path = d["path"].as_str().unwrap();
        // A good fixture may hold suppressed findings, never counted ones.
        assert!(
            !path.starts_with("good") || !d["suppressed"].is_null(),
            "good fixture has a finding: {d}"
        );
        if d["suppressed"].is_null() {
            listing.push_str(&format!(
                "{path}:{}:{} {} [{}] {}\n",
                d["line"],
                d["column"],
                d["severity"].as_str().unwrap(),
                d["rule"].as_str().unwrap(),
                d["message"].as_str().unwrap()
            ));
        }
    }
    assert_eq!(code, 1);
    insta::assert_snapshot!(listing);

    let list = stdout(&runbook(&dir, &["rules"]));
    assert!(!list.contains("kill-9 "), "dropped: {list}");
    assert!(
        list.lines().any(|l| l.starts_with("nuke-cluster ")
            && l.contains("lints/overrides.yaml, reports as destructive-command")),
        "{list}"
    );
    // `runbook verify` reads the same merged list.
    let verify = stdout(&runbook(
        &dir,
        &["verify", "--format", "json", "--no-shellcheck"],
    ));
    assert!(
        verify.contains("(`nuke-cluster`)")
            && verify.contains("`rm -rf` on an absolute path")
            && !verify.contains("(`kill-9`)"),
        "{verify}"
    );
    let one = stdout(&runbook(&dir, &["rules", "rm-recursive-force"]));
    assert!(one.contains("Declared in `lints/overrides.yaml`"), "{one}");
}

#[test]
fn book_toml_settings_win_over_the_rules_they_replace() {
    let lints = [(
        "shape.yaml",
        "- id: status-values\n  kind: front-matter\n  reports-as: status-invalid\n  field: status\n  values: [draft]\n- id: rollback-section\n  kind: required-section\n  reports-as: rollback-missing\n  heading: '^Nope$'\n  message: no Nope section\n",
    )];
    let tmp = book("", &lints);
    let found = findings(tmp.path());
    assert!(
        found
            .iter()
            .any(|f| f == "status-invalid: status `live` is not one of: draft"),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|f| f == "rollback-missing: no Nope section"),
        "{found:#?}"
    );

    let tmp = book(
        "[lint]\nstatuses = [\"live\"]\nrollback-heading = '^T$'\n[extract]\nplaceholders = ['\\{\\{([a-z]+)\\}\\}']\n",
        &lints,
    );
    let found = findings(tmp.path());
    assert!(
        !found.iter().any(|f| f.starts_with("status-invalid")),
        "{found:#?}"
    );
    // `# T`, with the command block under it, is the rollback section now.
    assert!(
        !found.iter().any(|f| f.starts_with("rollback-missing")),
        "{found:#?}"
    );
    assert!(
        !found
            .iter()
            .any(|f| f.starts_with("unresolved-placeholder")),
        "book.toml placeholders replace the default ones: {found:#?}"
    );
}

#[test]
fn old_style_pattern_lists_still_extend_their_rules() {
    let tmp = book(
        "",
        &[(
            "destructive-commands.yaml",
            "- id: restore\n  regex: '^restore\\b'\n  message: overwrites the database\n",
        )],
    );
    let found = findings(tmp.path());
    assert!(
        found.iter().any(|f| f
            == "destructive-command: destructive command: overwrites the database (`restore`)"),
        "{found:#?}"
    );
}

#[test]
fn the_group_id_still_configures_and_suppresses_its_rules() {
    let tmp = book("[lint.rules]\ndestructive-command = \"off\"\n", &[]);
    let found = findings(tmp.path());
    assert!(
        !found.iter().any(|f| f.starts_with("destructive-command")),
        "{found:#?}"
    );
    assert!(
        found.iter().any(|f| f.starts_with("credential-in-command")),
        "{found:#?}"
    );

    let tmp = book("", &[]);
    let doc = tmp.path().join("doc.md");
    let text = fs::read_to_string(&doc).unwrap().replace(
        "```bash\n",
        "<!-- runbook-lint-disable destructive-command credential-in-command -- a drill -->\n\n```bash\n",
    );
    fs::write(&doc, text).unwrap();
    let (report, _) = lint_json(tmp.path(), &[]);
    let open: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["suppressed"].is_null())
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert!(
        !open.contains(&"destructive-command") && !open.contains(&"credential-in-command"),
        "{open:?}"
    );
}

#[test]
fn mistakes_with_defaults_stop_the_run() {
    let (code, err) = broken_rule_file("- id: no-such-default\n  severity: off\n");
    assert_eq!(code, 2);
    assert!(
        err.contains("b.yaml:1:") && err.contains("no default has this id"),
        "{err}"
    );

    let (code, err) = broken_rule_file(
        "- id: x\n  kind: command\n  reports-as: destructive-command\n  regex: y\n  severity: info\n",
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("b.yaml:5:") && err.contains("[lint.rules]"),
        "{err}"
    );

    let (code, err) = broken_rule_file(
        "- id: x\n  kind: pattern\n  scope: prose\n  reports-as: destructive-command\n  regex: y\n",
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("b.yaml:4:") && err.contains("of kind `command`"),
        "{err}"
    );

    let (code, err) = broken_rule_file(
        "- id: x\n  kind: pattern\n  scope: prose\n  reports-as: broken-link\n  regex: y\n",
    );
    assert_eq!(code, 2);
    assert!(err.contains("reports-as `broken-link`"), "{err}");

    let tmp = book("[lint.rules]\nrm-recursive-force = \"off\"\n", &[]);
    let output = runbook(tmp.path(), &["lint", "--today", TODAY]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("reports as `destructive-command`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn the_repository_lints_folder_loads_and_its_defaults_are_unique() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let settings = runbook::config::Settings::load(&repo.join("book.toml")).unwrap();
    let defaults = runbook::lint::custom::defaults();
    let mut ids: Vec<&str> = defaults.iter().map(|r| r.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), defaults.len(), "default ids are unique");
    for rule in defaults {
        assert!(runbook::lint::rules::find(rule.id).is_none(), "{}", rule.id);
        assert!(rule.builtin && rule.reports_as.is_some(), "{}", rule.id);
        assert!(
            settings.custom_rules.iter().any(|r| r.id == rule.id),
            "{} is in force in the repository's own book",
            rule.id
        );
    }
    // Every file of lints/defaults/ is compiled in, none forgotten.
    let files = fs::read_dir(repo.join("lints/defaults")).unwrap().count();
    let compiled: std::collections::BTreeSet<_> = defaults.iter().map(|r| &r.file).collect();
    assert_eq!(compiled.len(), files);
    for house in [
        "verification-section",
        "kubectl-delete-namespace",
        "tags-required",
        "no-todo",
    ] {
        assert!(
            settings.custom_rules.iter().any(|r| r.id == house),
            "{house}"
        );
    }
}

/// A team's command rule reads shell words as ASCII, as the built-in
/// destructive and credential rules do, and is shown as written.
#[test]
fn a_command_rules_word_boundaries_are_the_shells() {
    let lints = [(
        "team.yaml",
        "- id: no-restore-now\n  kind: command\n  regex: '\\brestore\\b'\n  message: restore through the runbook's script\n",
    )];
    let tmp = book("", &lints);
    // `é` is no shell word character: `restoreé` ends the word `restore`
    // for the rule, as the built-in rules read it too.
    let doc = fs::read_to_string(tmp.path().join("doc.md")).unwrap();
    fs::write(
        tmp.path().join("doc.md"),
        doc.replace(
            "restore <backup-id>",
            "echo \"déploiement\" && restoreé <backup-id>",
        ),
    )
    .unwrap();
    let found = findings(tmp.path());
    assert!(
        found.iter().any(|f| f.starts_with("no-restore-now:")),
        "{found:?}"
    );
    let output = runbook(tmp.path(), &["rules", "no-restore-now"]);
    let shown = String::from_utf8_lossy(&output.stdout);
    assert!(shown.contains(r"`\brestore\b`"), "{shown}");
}

/// A value of the wrong type is said with its key and what the key takes.
#[test]
fn type_errors_name_the_key() {
    for (yaml, at, said) in [
        (
            "- id: x\n  kind: front-matter\n  field: team\n  required: 'yes please'\n",
            "b.yaml:4:13:",
            "`required` takes `true` or `false`",
        ),
        (
            "- id: x\n  kind: required-section\n  heading: x\n  non-empty: maybe\n",
            "b.yaml:4:14:",
            "`non-empty` takes `true` or `false`",
        ),
        (
            "- id: x\n  kind: required-section\n  heading: x\n  non-empty:\n    - a\n",
            "b.yaml:5:",
            "`non-empty` takes `true` or `false`",
        ),
        (
            "- id: x\n  kind: front-matter\n  field: team\n  values: payments\n",
            "b.yaml:4:",
            "`values` takes a list",
        ),
        (
            "- id: x\n  kind: pattern\n  scope: prose\n  regex: [a, b]\n",
            "b.yaml:4:",
            "`regex` takes a regular expression",
        ),
        (
            "- id: x\n  kind: pattern\n  scope: prose\n  regex: x\n  when: { field: tags }\n",
            "b.yaml:5:",
            "`when`: missing field `matches`",
        ),
    ] {
        let (code, err) = broken_rule_file(yaml);
        assert_eq!(code, 2, "{yaml}");
        assert!(err.contains(at) && err.contains(said), "{yaml}\n{err}");
        assert!(!err.contains("a name or text"), "{err}");
    }
}

/// Every key a rule's kind does not read is an error naming the key and
/// the kinds that read it, where the key is written; so is a rule that
/// checks nothing, and an invalid regex in `when`, on every kind.
#[test]
fn keys_a_kind_does_not_read_are_errors() {
    for (yaml, at, said) in [
        (
            "- id: x\n  kind: front-matter\n  field: team\n  required: true\n  unless: 'tracked'\n",
            "b.yaml:5:3:",
            "rule `x` is of kind `front-matter`, which does not read `unless`: `unless` is for rules of kind pattern or command",
        ),
        (
            "- id: x\n  kind: pattern\n  scope: prose\n  regex: x\n  non-empty: true\n",
            "b.yaml:5:3:",
            "`non-empty` is for rules of kind required-section",
        ),
        (
            "- id: x\n  kind: command\n  regex: x\n  heading: y\n",
            "b.yaml:4:3:",
            "does not read `heading`",
        ),
        (
            "- {id: x, kind: required-section, heading: x, values: [a]}\n",
            "b.yaml:1:47:",
            "`values` is for rules of kind front-matter",
        ),
        (
            "- id: x\n  kind: required-section\n  heading: x\n  required: true\n",
            "b.yaml:4:3:",
            "`required` is for rules of kind front-matter",
        ),
        (
            "- id: x\n  kind: pattern\n  scope: prose\n  field: team\n  regex: x\n",
            "b.yaml:4:3:",
            "`field` is read with `scope: field` only",
        ),
        (
            "- id: x\n  kind: pattern\n  scope: headings\n  must: match\n  regex: x\n  unless: y\n",
            "b.yaml:6:3:",
            "`must: match`",
        ),
        (
            "- id: inert\n  kind: front-matter\n  field: team\n",
            "b.yaml:2:9:",
            "rule `inert` checks nothing",
        ),
        (
            "- id: inert\n  kind: front-matter\n  field: team\n  required: false\n  values: []\n",
            "b.yaml:2:9:",
            "checks nothing",
        ),
        (
            "- id: x\n  kind: pattern\n  scope: prose\n  regex: x\n  when: { field: tags, matches: '(unclosed' }\n",
            "b.yaml:5:33:",
            "`when.matches`: invalid regular expression",
        ),
        (
            "- id: x\n  kind: front-matter\n  field: team\n  required: true\n  when: { field: tags, matches: '(unclosed' }\n",
            "b.yaml:5:",
            "`when.matches`: invalid regular expression",
        ),
        (
            "- id: x\n  kind: command\n  regex: x\n  unless: '(unclosed'\n  when: { field: tags, matches: y }\n",
            "b.yaml:4:",
            "`unless`: invalid regular expression",
        ),
        (
            "- id: x\n  kind: pattern\n  scope: prose\n  regex: x\n  unless: '[z'\n",
            "b.yaml:5:",
            "`unless`: invalid regular expression",
        ),
        // The built-in rules that run such data read neither key.
        (
            "- id: x\n  kind: command\n  reports-as: destructive-command\n  regex: x\n  when: { field: tags, matches: y }\n",
            "b.yaml:5:3:",
            "a rule that reports as `destructive-command` does not read `when`",
        ),
        (
            "- id: x\n  kind: pattern\n  scope: commands\n  reports-as: credential-in-command\n  regex: x\n  unless: y\n",
            "b.yaml:6:3:",
            "does not read `unless`",
        ),
    ] {
        let (code, err) = broken_rule_file(yaml);
        assert_eq!(code, 2, "{yaml}");
        assert!(err.contains(at) && err.contains(said), "{yaml}\n{err}");
    }
    // What they may take, they take: `when` on a rule that reports as
    // rollback-missing, `unless` on one of destructive-command.
    let tmp = book(
        "",
        &[(
            "team.yaml",
            "- id: rollback-section\n  kind: required-section\n  reports-as: rollback-missing\n  heading: '(?i)^rollback$'\n  when: { field: status, matches: '^authoritative$' }\n- id: rm-recursive-force\n  kind: command\n  reports-as: destructive-command\n  regex: '\\brm\\s+-rf\\b'\n  unless: '/tmp/'\n",
        )],
    );
    let found = findings(tmp.path());
    assert!(
        !found.iter().any(|f| f.starts_with("rollback-missing")),
        "the runbook's status is `live`: {found:#?}"
    );
    assert!(
        found.iter().any(|f| f.starts_with("destructive-command")),
        "{found:#?}"
    );
}

/// A regex that matches the empty string matches every line, and a rule
/// that must match it never fails: an error, at the regex.
#[test]
fn a_regex_that_matches_the_empty_string_is_an_error() {
    for (kind, regex) in [
        ("kind: pattern\n  scope: prose", "'TODO|'"),
        (
            "kind: pattern\n  scope: prose\n  must: match",
            "'(JIRA-[0-9]+)?'",
        ),
        ("kind: pattern\n  scope: field\n  field: owner", "'x*'"),
        ("kind: command", "'^'"),
    ] {
        let (code, err) = broken_rule_file(&format!("- id: empty\n  {kind}\n  regex: {regex}\n"));
        assert_eq!(code, 2, "{err}");
        let line = kind.lines().count() + 2;
        assert!(
            err.contains(&format!("b.yaml:{line}:10: `regex`: `"))
                && err.contains("matches the empty string")
                && err.contains("remove the empty alternative"),
            "{err}"
        );
    }
    let (code, err) = broken_rule_file(
        "- id: empty\n  kind: pattern\n  scope: prose\n  regex: TODO\n  unless: 'tracked|'\n",
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("b.yaml:5:11: `unless`: `tracked|` matches the empty string"),
        "{err}"
    );
}

/// Rules are matched one line at a time: a regex that needs a line break,
/// or lets `.` match one, is an error, but for a field's value, which may
/// hold line breaks.
#[test]
fn a_regex_that_needs_more_than_one_line_is_an_error() {
    for (regex, said) in [
        (r"'Step:\n\n'", "needs a line break"),
        (r"'a(\n|\r\n)b'", "needs a line break"),
        ("'(?s)Impact.*Escalation'", "lets `.` match a line break"),
        ("'(?is:impact.*)'", "lets `.` match a line break"),
    ] {
        let (code, err) = broken_rule_file(&format!(
            "- id: lines\n  kind: pattern\n  scope: prose\n  regex: {regex}\n"
        ));
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains("b.yaml:4:10: `regex`: `")
                && err.contains(said)
                && err.contains("matched on one line at a time"),
            "{err}"
        );
    }
    let (code, err) =
        broken_rule_file("- id: lines\n  kind: command\n  regex: x\n  unless: 'y\\n'\n");
    assert_eq!(code, 2);
    assert!(err.contains("b.yaml:4:11: `unless`"), "{err}");

    let tmp = field_book(
        "",
        "- id: fine\n  kind: pattern\n  scope: prose\n  regex: '(a\\n)?zq|(?-s:x.y)|[^\\n]zc'\n\
         - id: two-lines\n  kind: pattern\n  scope: field\n  field: notes\n  regex: 'one\\ntwo'\n",
    );
    let (report, code) = lint_json(tmp.path(), &[]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(places(&report, "two-lines"), [(11, 3)]);
}

/// A tab where YAML wants spaces is reported where the tab is, not at the
/// value on the line before.
#[test]
fn a_tab_in_a_rule_file_is_reported_at_the_tab() {
    let (code, err) = broken_rule_file(
        "- id: no-todo\n  kind: pattern\n  message: unfinished text\n\tscope: prose\n  regex: TODO\n",
    );
    assert_eq!(code, 2);
    assert!(err.contains("b.yaml:4:1: a tab "), "{err}");
}

/// A book of one runbook with fields of every shape, aliases in book.toml,
/// and the given rules.
fn field_book(toml: &str, rules: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("book.toml"),
        format!("[book]\nsrc = \".\"\n[front-matter.aliases]\nowner = [\"owner_slack\"]\n{toml}"),
    )
    .unwrap();
    fs::create_dir(tmp.path().join("lints")).unwrap();
    fs::write(tmp.path().join("lints/x.yaml"), rules).unwrap();
    fs::write(
        tmp.path().join("doc.md"),
        "---\ntitle: T\nowner_slack: Bob\nlast_reviewed: 2026-11-01\nstatus: live\n\
         version: 1.10\ntags:\n  - web\n  - 'database'\nnotes: |\n  one\n  two\n---\n\
         # T\n\n## Draft notes {#draft}\n\nDraft setext\n------------\n\n## **Draft** plan\n\n## Rollback\n\nUndo.\n",
    )
    .unwrap();
    tmp
}

/// Where each finding of `rule` is: (line, column).
fn places(report: &serde_json::Value, rule: &str) -> Vec<(u64, u64)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == rule)
        .map(|d| (d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap()))
        .collect()
}

/// `scope: headings` reads a heading's text, as `required-section` does,
/// and points at the match in it.
#[test]
fn heading_rules_read_the_heading_text() {
    let tmp = field_book(
        "",
        "- id: draft\n  kind: pattern\n  scope: headings\n  regex: '^Draft'\n\
         - id: notes\n  kind: pattern\n  scope: headings\n  regex: 'notes$'\n",
    );
    let (report, _) = lint_json(tmp.path(), &[]);
    assert_eq!(places(&report, "draft"), [(16, 4), (18, 1), (21, 4)]);
    assert_eq!(places(&report, "notes"), [(16, 10)]);
}

/// `scope: field` finds a key aliased to the field, and points at the
/// match in the value, a list's item on its own line too.
#[test]
fn field_rules_find_aliases_and_point_at_the_value() {
    let tmp = field_book(
        "",
        "- id: owner-no-caps\n  kind: pattern\n  scope: field\n  field: owner\n  regex: '[A-Z]'\n\
         - id: no-base\n  kind: pattern\n  scope: field\n  field: tags\n  regex: 'base'\n\
         - id: owner-set\n  kind: pattern\n  scope: field\n  field: owner\n  regex: '^Bob$'\n  must: match\n",
    );
    let (report, _) = lint_json(tmp.path(), &[]);
    assert_eq!(places(&report, "owner-no-caps"), [(3, 14)]);
    // In the quotes.
    assert_eq!(places(&report, "no-base"), [(9, 10)]);
    assert_eq!(places(&report, "owner-set"), []);
}

/// A value is read as written: `version: 1.10` is `1.10`, not the number
/// 1.1, for `values`, `when` and `scope: field`, and quoted so.
#[test]
fn field_values_are_read_as_written() {
    let tmp = field_book(
        "",
        "- id: version-known\n  kind: front-matter\n  field: version\n  values: ['1.10', '1.9']\n\
         - id: version-new\n  kind: front-matter\n  field: version\n  values: ['2.0']\n\
         - id: when-1-10\n  kind: pattern\n  scope: prose\n  regex: Undo\n  when: { field: version, matches: '^1\\.10$' }\n\
         - id: no-1-1\n  kind: pattern\n  scope: field\n  field: version\n  regex: '^1\\.1$'\n",
    );
    let (report, _) = lint_json(tmp.path(), &[]);
    assert_eq!(places(&report, "version-known"), []);
    assert_eq!(places(&report, "when-1-10"), [(25, 1)]);
    assert_eq!(places(&report, "no-1-1"), []);
    let new = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "version-new")
        .unwrap();
    assert!(
        new["message"]
            .as_str()
            .unwrap()
            .ends_with("`version: 1.10`"),
        "{new}"
    );
}
