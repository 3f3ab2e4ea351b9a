//! Resource limits: hostile sizes and shapes finish, with a finding where
//! the input is refused, and peak memory stays under a bound. Memory is read
//! from `/usr/bin/time -v` (the child's VmHWM); a run that has not finished
//! after a generous deadline is killed and fails the test, so a quadratic
//! loop shows up as a failure instead of a hung suite.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::TODAY;

const FRONT: &str = "---\ntitle: Big\nowner: ops\nlast_reviewed: 2026-11-01\nstatus: draft\n---\n";

/// Far above any run that is merely slow on a loaded CI machine, far below
/// what a quadratic loop over these inputs would take.
const DEADLINE: Duration = Duration::from_secs(300);

struct Run {
    code: i32,
    report: serde_json::Value,
    peak_mb: u64,
}

/// `runbook lint --format json` on a tree holding one file, under
/// `/usr/bin/time -v` for its peak resident memory.
fn lint_one(name: &str, content: &[u8]) -> Run {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("book.toml"), "[book]\nsrc = \"docs\"\n").unwrap();
    fs::create_dir(tmp.path().join("docs")).unwrap();
    fs::write(tmp.path().join("docs").join(name), content).unwrap();
    run(tmp.path())
}

fn run(dir: &Path) -> Run {
    let report = dir.join("report.json");
    let (code, peak_mb, stderr) = measured(
        dir,
        &["lint", "--format", "json", "--today", TODAY],
        fs::File::create(&report).unwrap().into(),
    );
    let report = serde_json::from_slice(&fs::read(&report).unwrap())
        .unwrap_or_else(|e| panic!("invalid JSON ({e}); stderr: {stderr}"));
    Run {
        code,
        report,
        peak_mb,
    }
}

/// `runbook build` of a book holding one runbook, under `/usr/bin/time -v`:
/// the page it wrote, its peak resident memory in MB and its stderr.
fn build_one(name: &str, content: &str) -> (String, u64, String) {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("content")).unwrap();
    fs::write(dir.path().join("content").join(name), content).unwrap();
    let (code, peak_mb, stderr) = measured(
        dir.path(),
        &["build", "--today", TODAY, "--dest", "site"],
        Stdio::null(),
    );
    eprintln!("build: peak memory {peak_mb} MB");
    assert_eq!(code, 0, "{stderr}");
    let page = dir.path().join("site").join(name.replace(".md", ".html"));
    (fs::read_to_string(page).unwrap(), peak_mb, stderr)
}

/// `runbook ARGS...` in `dir` under `/usr/bin/time -v`: its exit code, its
/// peak resident memory in MB, and its stderr.
fn measured(dir: &Path, args: &[&str], stdout: Stdio) -> (i32, u64, String) {
    let mut child = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(env!("CARGO_BIN_EXE_runbook"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdout(stdout)
        .stderr(Stdio::piped())
        .spawn()
        .expect("/usr/bin/time is installed (Debian package `time`)");
    let status = wait(&mut child);
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    let peak_kb: u64 = stderr
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no peak memory in: {stderr}"));
    // `time` reports the command's exit code as its own.
    (status.code().unwrap_or(-1), peak_kb / 1024, stderr)
}

/// The child's exit status; a child still running after [`DEADLINE`] is
/// killed and fails the test.
fn wait(child: &mut std::process::Child) -> std::process::ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if started.elapsed() > DEADLINE {
            child.kill().unwrap();
            panic!("still running after {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

impl Run {
    fn rules(&self) -> Vec<String> {
        let mut rules: Vec<String> = self.report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["rule"].as_str().unwrap().to_string())
            .collect();
        rules.dedup();
        rules
    }

    fn count(&self, rule: &str) -> usize {
        self.report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["rule"] == rule)
            .count()
    }

    /// Findings of `rule` found, listed or not: a file lists at most
    /// 10,000 of a rule and counts the rest in one more finding.
    fn found(&self, rule: &str) -> usize {
        let mut found = 0;
        for d in self.report["diagnostics"].as_array().unwrap() {
            if d["rule"] != rule {
                continue;
            }
            let message = d["message"].as_str().unwrap();
            found += match message.split_once(" more `") {
                Some((more, _)) if message.ends_with("this is the first of them") => {
                    more.parse::<usize>().unwrap()
                }
                _ => 1,
            };
        }
        found
    }

    fn assert_within(&self, mb: u64) {
        // Shown with `--nocapture`: the figures docs/fuzzing.md quotes.
        eprintln!("peak memory {} MB (bound {mb} MB)", self.peak_mb);
        assert!(
            (0..101).contains(&self.code),
            "exit code {}: crashed",
            self.code
        );
        assert!(
            self.peak_mb < mb,
            "peak memory {} MB, bound {mb} MB",
            self.peak_mb
        );
    }
}

/// A runbook that passes every rule but those `body` breaks.
fn clean_page(body: &str) -> String {
    format!("{FRONT}# Big\n\n## Rollback\n\nUndo.\n\n{body}")
}

/// [`clean_page`] with `code` as its one `bash` block.
fn in_bash_block(code: &str) -> String {
    clean_page(&format!("```bash\n{code}\n```\n"))
}

#[test]
fn a_50_mb_file_is_refused_without_being_read() {
    let run = lint_one("huge.md", "word ".repeat(10 * 1024 * 1024).as_bytes());
    run.assert_within(64);
    assert_eq!(run.rules(), vec!["file-too-large"]);
    assert_eq!(run.code, 1);
}

#[test]
fn a_9_mb_line_is_checked() {
    let mut text = format!("{FRONT}# Big\n\n## Rollback\n\n");
    text.push_str(&"word [x](#big) ".repeat(9 * 1024 * 1024 / 15));
    let run = lint_one("line.md", text.as_bytes());
    run.assert_within(400);
    assert_eq!(run.rules(), Vec::<String>::new(), "{:#}", run.report);
}

/// A command of 200,000 words glued by no-break spaces: one finding for
/// the line, whose fix holds every replacement (each placed from the
/// first, not from the start of the line).
#[test]
fn a_command_line_of_200_000_lookalikes() {
    let text = in_bash_block(&format!("echo{}", "\u{a0}x".repeat(200_000)));
    let run = lint_one("glued.md", text.as_bytes());
    run.assert_within(200);
    assert_eq!(run.count("lookalike-in-command"), 1, "{:#}", run.report);
    let fix = &run.report["diagnostics"][0]["fix"];
    assert_eq!(fix["edits"].as_array().unwrap().len(), 200_000);
}

/// A block of 200,000 command lines in a book whose `lints/` has a prose
/// rule and a command rule: both ask, line by line, whether a line is code,
/// and counting the block's lines for each question made this quadratic
/// (minutes for 100,000 lines).
#[test]
fn a_long_code_block_under_prose_and_command_rules() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("book.toml"), "[book]\nsrc = \"docs\"\n").unwrap();
    fs::create_dir_all(tmp.path().join("lints")).unwrap();
    fs::write(
        tmp.path().join("lints/rules.yaml"),
        "- id: no-todo\n  kind: pattern\n  scope: prose\n  regex: '\\bTODO\\b'\n  message: a TODO\n\
         - id: kubectl-delete\n  kind: command\n  regex: '\\bkubectl\\b.*\\sdelete\\b'\n  message: a delete\n",
    )
    .unwrap();
    fs::create_dir(tmp.path().join("docs")).unwrap();
    let mut text = format!("{FRONT}# Big\n\nTODO: trim.\n\n## Rollback\n\nUndo.\n\n```bash\n");
    text.push_str(&"echo \"TODO step\"\n".repeat(199_999));
    text.push_str("kubectl delete pod x\n```\n");
    fs::write(tmp.path().join("docs/block.md"), text).unwrap();
    let run = run(tmp.path());
    run.assert_within(300);
    assert_eq!(run.found("no-todo"), 1, "{:#}", run.report);
    assert_eq!(run.found("kubectl-delete"), 1, "{:#}", run.report);
}

/// A block of 200,000 placeholders: the findings go to the report one by
/// one, so the 190,000 past the cap are never held as findings (194 MB
/// when they all were, 98 MB since).
#[test]
fn a_block_of_200_000_placeholders() {
    let text = in_bash_block(&vec!["echo <x>"; 200_000].join("\n"));
    let run = lint_one("placeholders.md", text.as_bytes());
    run.assert_within(150);
    assert_eq!(
        run.count("unresolved-placeholder"),
        10_001,
        "{:#}",
        run.report
    );
    assert_eq!(run.found("unresolved-placeholder"), 200_000);
}

/// Every link on the one long line is broken: each finding must not carry
/// its own copy of the line.
#[test]
fn a_long_line_of_broken_links_does_not_copy_the_line_per_finding() {
    let mut text = format!("{FRONT}# Big\n\n## Rollback\n\n");
    text.push_str(&"[x](missing.md) ".repeat(100_000));
    let run = lint_one("links.md", text.as_bytes());
    run.assert_within(400);
    assert_eq!(
        run.count("broken-link"),
        10_001,
        "10,000 listed and one for the rest"
    );
    assert_eq!(run.found("broken-link"), 100_000);
}

#[test]
fn a_hundred_thousand_links_on_their_own_lines() {
    let mut text = format!("{FRONT}# Big\n\n## Rollback\n\n");
    for i in 0..100_000 {
        text.push_str(&format!("- [step {i}](#rollback) and [gone](#gone-{i})\n"));
    }
    let run = lint_one("links.md", text.as_bytes());
    run.assert_within(400);
    assert_eq!(run.found("broken-anchor"), 100_000);
}

#[test]
fn ten_thousand_nested_lists_and_quotes() {
    let text = format!(
        "{FRONT}# Deep\n\n## Rollback\n\n{}deep\n\n{}deeper\n",
        "- ".repeat(10_000),
        "> ".repeat(10_000)
    );
    let run = lint_one("deep.md", text.as_bytes());
    run.assert_within(200);
    assert_eq!(run.rules(), Vec::<String>::new(), "{:#}", run.report);
}

#[test]
fn a_1_mb_front_matter() {
    let mut text =
        String::from("---\ntitle: Big\nowner: ops\nlast_reviewed: 2026-11-01\nstatus: draft\n");
    for i in 0..50_000 {
        text.push_str(&format!("extra_{i}: some value\n"));
    }
    assert!(text.len() > 1024 * 1024);
    text.push_str("---\n# Big\n\n## Rollback\n\nUndo.\n");
    let run = lint_one("front.md", text.as_bytes());
    run.assert_within(300);
    // Unknown keys are findings too; what matters is that it finished.
    assert!(run.code == 0 || run.code == 1, "exit {}", run.code);
}

/// A hundred thousand keys in one flow mapping on one line: each key's
/// column was counted from the start of the line, 82 s of a release build.
#[test]
fn a_1_mb_front_matter_on_one_line() {
    let keys: Vec<String> = (0..100_000).map(|i| format!("k{i}: v")).collect();
    let line = format!("{{{}, ownr: ops}}", keys.join(", "));
    assert!(line.len() > 1024 * 1024);
    let text = format!("---\n{line}\n---\n# Big\n\n## Rollback\n\nUndo.\n");
    let run = lint_one("flow.md", text.as_bytes());
    run.assert_within(300);
    let near_miss = run.report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "unknown-field")
        .unwrap_or_else(|| panic!("{:#}", run.report));
    assert_eq!(near_miss["line"], 2);
    assert_eq!(near_miss["column"], line.find("ownr").unwrap() + 1);
}

/// The "billion laughs": each level nine times the one before, nine times
/// over, would expand to 387 million strings; the parser's budget refuses it.
#[test]
fn a_yaml_alias_bomb_is_refused_with_a_finding() {
    let mut yaml = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        yaml.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    let run = lint_one("bomb.md", format!("---\n{yaml}---\n# x\n").as_bytes());
    run.assert_within(100);
    assert!(
        run.rules().contains(&"front-matter-invalid".to_string()),
        "{:#}",
        run.report
    );
}

/// Many `##x` lines among many code blocks: each line must not be checked
/// against every block.
#[test]
fn many_code_blocks_and_heading_like_lines() {
    let mut text = format!("{FRONT}# Big\n\n## Rollback\n\n");
    for _ in 0..100_000 {
        text.push_str("```\n##x\n```\n##y\n");
    }
    let run = lint_one("blocks.md", text.as_bytes());
    run.assert_within(400);
    assert_eq!(run.found("heading-no-space"), 100_000);
}

/// 10 MiB of `##x` paragraphs, two million findings: a file lists 10,000
/// of a rule and counts the rest (they took 1.6 GB, listed). Each is a
/// paragraph of its own: lines that continue one are no finding.
#[test]
fn a_10_mib_page_of_heading_like_lines() {
    let mut text = clean_page("");
    let lines = (10 * 1024 * 1024 - text.len() - 64) / 5;
    text.push_str(&"##x\n\n".repeat(lines));
    let run = lint_one("headings.md", text.as_bytes());
    run.assert_within(450);
    assert_eq!(run.count("heading-no-space"), 10_001);
    assert_eq!(run.found("heading-no-space"), lines);
}

/// 10 MiB of `[a`: pulldown-cmark ends a text at each `[`, so the page is
/// five million nodes in its tree and ten million events. Linting it took
/// 970 MB (mimalloc grew the tree by copying it), building it 1.9 GB
/// (every event kept to render the page).
#[test]
fn a_10_mib_page_of_link_openers_is_linted_and_built() {
    let mut text = clean_page("");
    text.push_str(&"[a".repeat((10 * 1024 * 1024 - text.len() - 64) / 2));
    let run = lint_one("brackets.md", text.as_bytes());
    run.assert_within(750);
    assert_eq!(run.rules(), Vec::<String>::new(), "{:#}", run.report);

    let (page, peak_mb, _) = build_one("brackets.md", &text);
    assert!(peak_mb < 750, "build: peak {peak_mb} MB, bound 750 MB");
    assert!(page.contains(&"[a".repeat(1000)));
}

/// 10 MiB of one-word lines: a text and a line break each, five million
/// of both; building kept them all (1.4 GB).
#[test]
fn a_10_mib_page_of_short_lines_is_built() {
    let mut text = clean_page("");
    text.push_str(&"a\n".repeat((10 * 1024 * 1024 - text.len() - 64) / 2));
    let (page, peak_mb, _) = build_one("lines.md", &text);
    assert!(peak_mb < 750, "build: peak {peak_mb} MB, bound 750 MB");
    assert!(page.contains("a\na\na\n"));
}

/// 300,000 unclosed `<div>`: the sanitizer checks each element against
/// those open around it, which took minutes here and hours at 10 MiB.
/// Nested past 512 elements, the page's raw HTML is shown as text.
#[test]
fn raw_html_nested_too_deep_is_shown_as_text() {
    let mut text = format!("{FRONT}# Deep\n\n## Rollback\n\nUndo.\n\n");
    text.push_str(&"<div>\n\n".repeat(300_000));
    text.push_str("<img src=x onerror=\"document.title='owned'\">\n");
    let (page, _, stderr) = build_one("deep.md", &text);
    assert!(
        stderr.contains("deep.md: its raw HTML nests more than 512 elements deep"),
        "{stderr}"
    );
    assert!(page.contains("&lt;div&gt;"));
    assert!(page.contains("&lt;img src=x onerror="));
    assert!(!page.contains("<img src=x"));
    assert!(!page.contains("<div>\n<div>"));
}

/// 10 MiB of one-line command blocks, half a million: past 10,000 a
/// runbook's commands are not analysed (they took 1.3 GB).
#[test]
fn a_10_mib_page_of_command_blocks() {
    let mut text = clean_page("");
    let block = "```bash\nx $V <p>\n```\n";
    text.push_str(&block.repeat((10 * 1024 * 1024 - text.len() - 64) / block.len()));
    let run = lint_one("blocks.md", text.as_bytes());
    run.assert_within(400);
    assert_eq!(run.rules(), vec!["file-too-large".to_string()]);
}

/// Many suppressions and many findings: each finding must not be checked
/// against every directive.
#[test]
fn many_suppressions_and_findings() {
    let mut text = format!("{FRONT}# Big\n\n## Rollback\n\n");
    for i in 0..50_000 {
        text.push_str(&format!(
            "<!-- runbook-lint-disable-next-line broken-link -- generated -->\n[a](gone-{i}.md)\n\n[b](#gone-{i})\n\n"
        ));
    }
    let run = lint_one("suppressed.md", text.as_bytes());
    run.assert_within(400);
    assert_eq!(run.found("broken-anchor"), 50_000);
    assert_eq!(run.found("broken-link"), 50_000);
    let suppressed = run.report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "broken-link" && !d["suppressed"].is_null())
        .count();
    // The finding for the unlisted ones is where the first of them is,
    // under a directive too.
    assert_eq!(suppressed, 10_001);
}

/// Shapes where each item used to be checked against all the others: a
/// page of 10,000 blocks with the same first command (each block's name
/// was counted up from 2), a block of 80,000 lines with placeholders and
/// undefined variables (each position counted the lines before it), 80,000
/// here-documents (each quoting lookup read every range), 80,000 broken
/// links among 80,000 headings (each compared with every heading), 300,000
/// blocks mentioning a revert on a page with no rollback section (each
/// line searched every block). Quadratic, these take hours; linear, seconds.
#[test]
fn many_blocks_lines_heredocs_and_anchors() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("book.toml"), "[book]\nsrc = \"docs\"\n").unwrap();
    let docs = tmp.path().join("docs");
    fs::create_dir(&docs).unwrap();
    let page = |name: &str, body: String| {
        fs::write(docs.join(name), clean_page(&body)).unwrap();
    };
    // As many as a runbook may have (`analysis::MAX_COMMAND_BLOCKS`).
    page("names.md", "```bash\necho hi\n```\n\n".repeat(10_000));
    let lines: String = (0..80_000)
        .map(|i| format!("echo $V{i} <ph-{i}>\n"))
        .collect();
    page("lines.md", format!("```bash\n{lines}```\n"));
    let heredocs: String = (0..80_000)
        .map(|i| format!("cat <<E{i}\n$X\nE{i}\n"))
        .collect();
    page("heredocs.md", format!("```bash\nX=1\n{heredocs}```\n"));
    let anchors: String = (0..80_000)
        .map(|i| format!("## Step {{#step}}\n\n[x](#step-{i})\n\n"))
        .collect();
    page("anchors.md", anchors);
    let reverts = "```text\nrevert\n```\n".repeat(300_000);
    let text = format!("{FRONT}# Big\n\n{reverts}");
    fs::write(docs.join("reverts.md"), text).unwrap();

    let run = run(tmp.path());
    run.assert_within(600);
    assert_eq!(run.found("undefined-variable"), 80_000);
    assert_eq!(run.found("unresolved-placeholder"), 80_000);
    assert_eq!(run.found("broken-anchor"), 80_000);
    assert_eq!(run.count("rollback-missing"), 1);
}

/// A list field of 50,000 entries is refused with a finding: each tag and
/// owner gets a site page listing its runbooks with their tags, so the
/// build would write 50,000 pages of 50,000 tags each.
#[test]
fn fifty_thousand_tags_are_refused_and_the_site_still_builds() {
    let tags: Vec<String> = (0..50_000).map(|i| format!("t{i}")).collect();
    let text = format!(
        "---\ntitle: Tags\nowner: ops\nlast_reviewed: 2026-11-01\nstatus: draft\ntags: [{}]\n---\n# Tags\n\n## Rollback\n\nUndo.\n",
        tags.join(", ")
    );
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("book.toml"), "[book]\nsrc = \"docs\"\n").unwrap();
    fs::create_dir(tmp.path().join("docs")).unwrap();
    fs::write(tmp.path().join("docs/tags.md"), text).unwrap();
    let run = run(tmp.path());
    run.assert_within(200);
    assert_eq!(run.rules(), vec!["field-type"], "{:#}", run.report);

    let mut build = Command::new(env!("CARGO_BIN_EXE_runbook"))
        .args(["build", "--today", TODAY])
        .current_dir(tmp.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let status = wait(&mut build);
    assert!(status.success(), "{status}");
    assert!(tmp.path().join("site/index.html").exists());
    assert!(!tmp.path().join("site/tags/t0.html").exists());
}

/// A 100 MB file a runbook links to is copied into the site as a stream,
/// not read into memory first.
#[test]
fn a_100_mb_asset_is_copied_without_being_held_in_memory() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("book.toml"), "[book]\nsrc = \"docs\"\n").unwrap();
    fs::create_dir(tmp.path().join("docs")).unwrap();
    fs::write(
        tmp.path().join("docs/a.md"),
        format!("{FRONT}# A\n\n[the dump](dump.bin)\n\n## Rollback\n\nUndo.\n"),
    )
    .unwrap();
    let dump = fs::File::create(tmp.path().join("docs/dump.bin")).unwrap();
    let mut chunk: Vec<u8> = (0..=255).collect();
    chunk = chunk.repeat(4096); // 1 MiB
    for i in 0..100u8 {
        chunk[0] = i;
        std::io::Write::write_all(&mut &dump, &chunk).unwrap();
    }
    let (code, peak_mb, stderr) = measured(
        tmp.path(),
        &["build", "--today", TODAY, "--dest", "site"],
        Stdio::null(),
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(peak_mb < 60, "peak {peak_mb} MB for a 100 MB asset");
    assert!(
        fs::read(tmp.path().join("site/dump.bin")).unwrap()
            == fs::read(tmp.path().join("docs/dump.bin")).unwrap()
    );
}

#[test]
fn a_hundred_thousand_includes_read_each_file_once_and_stop_at_the_caps() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("book.toml"), "[book]\nsrc = \"docs\"\n").unwrap();
    fs::create_dir_all(tmp.path().join("docs/scripts")).unwrap();
    fs::write(
        tmp.path().join("docs/scripts/step.sh"),
        "echo step\n".repeat(100),
    )
    .unwrap();
    let mut text = format!("{FRONT}# Big\n\n## Rollback\n\n```bash\n");
    for i in 0..50_000 {
        // 999 bytes each: the 1 MiB a runbook may take in ends after 1,049.
        text.push_str("{{#include scripts/step.sh}}\n");
        // Each a file to look for: past 1,000 names, none is.
        text.push_str(&format!("{{{{#include scripts/missing-{i}.sh}}}}\n"));
    }
    text.push_str("```\n");
    fs::write(tmp.path().join("docs/big.md"), text).unwrap();
    let run = run(tmp.path());
    run.assert_within(400);
    // 1,049 copies of the 999 bytes fit in 1 MiB; every other directive
    // is a finding (the missing files, then the ones past the caps).
    assert_eq!(
        run.found("broken-include"),
        100_000 - 1_049,
        "{:?}",
        run.rules()
    );
}

#[test]
fn includes_of_one_line_of_a_big_file_stop_at_the_read_cap() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("book.toml"), "[book]\nsrc = \"docs\"\n").unwrap();
    fs::create_dir_all(tmp.path().join("docs/scripts")).unwrap();
    // 9 MiB, under the 10 MiB a file may have: each part of it is looked
    // for through all of it.
    fs::write(
        tmp.path().join("docs/scripts/big.sh"),
        "echo line\n".repeat(9 * 1024 * 1024 / 10),
    )
    .unwrap();
    // A script taking a thousand lines of it, one directive each.
    let many: String = (1..=1000)
        .map(|n| format!("{{{{#include big.sh:{n}}}}}\n"))
        .collect();
    fs::write(tmp.path().join("docs/scripts/many.sh"), many).unwrap();
    let mut text = format!(
        "{FRONT}# Big\n\n## Rollback\n\n```bash\n{{{{#include scripts/many.sh}}}}\n```\n\n```bash\n"
    );
    // Uncapped: 21,000 passes over 9 MiB (189 GiB) for one runbook.
    for n in 1..=20_000 {
        text.push_str(&format!("{{{{#include scripts/big.sh:{n}}}}}\n"));
    }
    text.push_str("```\n");
    fs::write(tmp.path().join("docs/big.md"), text).unwrap();
    let run = run(tmp.path());
    run.assert_within(200);
    // The nested script reaches the 64 MiB cap; every directive after it is refused.
    assert_eq!(run.found("broken-include"), 20_001, "{:?}", run.rules());
    let first = &run.report["diagnostics"][0];
    assert!(
        first["message"]
            .as_str()
            .unwrap()
            .contains("read through more than 64 MiB"),
        "{first}"
    );
}

/// mdBook repeats the text before a directive on each line it brings in:
/// 600,000 spaces before a directive of 200,000 lines would be 120 GB.
#[test]
fn a_long_prefix_repeated_on_many_included_lines_is_refused_before_it_is_built() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("book.toml"), "[book]\nsrc = \"docs\"\n").unwrap();
    fs::create_dir_all(tmp.path().join("docs/scripts")).unwrap();
    let wide = format!("{}{{{{#include many.sh}}}}\n", " ".repeat(600_000));
    fs::write(tmp.path().join("docs/scripts/wide.sh"), wide).unwrap();
    fs::write(
        tmp.path().join("docs/scripts/many.sh"),
        "x\n".repeat(200_000),
    )
    .unwrap();
    // The same in the runbook's own block, through a file of many lines.
    let text = format!(
        "{FRONT}# Wide\n\n## Rollback\n\n```bash\n{{{{#include scripts/wide.sh}}}}\n```\n\n```bash\n{}{{{{#include scripts/many.sh}}}}\n```\n",
        "x".repeat(600_000)
    );
    fs::write(tmp.path().join("docs/wide.md"), text).unwrap();
    let run = run(tmp.path());
    run.assert_within(200);
    assert_eq!(run.found("broken-include"), 2, "{:?}", run.rules());
    for d in run.report["diagnostics"].as_array().unwrap() {
        if d["rule"] == "broken-include" {
            assert!(
                d["message"]
                    .as_str()
                    .unwrap()
                    .contains("more than 1024 KiB"),
                "{d}"
            );
        }
    }
}

/// A transcript of 100,000 prompted directives, each bringing in a
/// finding: each command is placed at its directive by a sweep over the
/// included ranges (a pass over every range for each line was 2.75 s for
/// 60,000), and each finding finds its directive by a hash (a search
/// through all directives for each finding was 17 s for 100,000, in a
/// `bash` block too, and minutes at 10 MiB).
#[test]
fn a_transcript_of_a_hundred_thousand_includes_is_read_in_one_sweep() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("book.toml"), "[book]\nsrc = \"docs\"\n").unwrap();
    fs::create_dir_all(tmp.path().join("docs")).unwrap();
    fs::write(tmp.path().join("docs/step.sh"), "rm -rf /x\n").unwrap();
    let lines = "$ {{#include step.sh}}\n".repeat(100_000);
    let text = format!("{FRONT}# Many\n\n## Rollback\n\nNothing.\n\n```console\n{lines}```\n");
    fs::write(tmp.path().join("docs/many.md"), text).unwrap();
    let run = run(tmp.path());
    run.assert_within(400);
    // Every one brought in (9 bytes each, under the 1 MiB a runbook may
    // take), and each `rm -rf` found at its own directive.
    assert_eq!(run.rules(), ["destructive-command"]);
    assert_eq!(run.found("destructive-command"), 100_000);
    let last = run.report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["line"].as_u64())
        .max();
    // The first 10,000 listed (lines 14 to 10,013), then one for the rest.
    assert_eq!(last, Some(10_014), "{:?}", run.rules());
}
