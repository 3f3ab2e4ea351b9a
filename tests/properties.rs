//! Properties that must hold for any text, not just the fixtures: anchors,
//! `--fix`, positions and suppressions. Texts are built from the pieces
//! runbooks are made of, so the interesting cases come up often.

use std::path::PathBuf;

use proptest::prelude::*;
use runbook::config::{Config, Settings};
use runbook::diagnostic::{Diagnostic, Edit};
use runbook::document::Document;
use runbook::lint::rules::{front_matter_invalid, invalid_utf8};

fn settings() -> Settings {
    Settings::from_config(Config::default(), None, PathBuf::from("."), Vec::new()).unwrap()
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
    runbook::lint::lint_document(&parse(text.as_bytes()), &settings(), today())
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
/// anchors spelled right and wrong, suppressions, code, lists, dates.
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
        Just("**Owner:** payments".to_string()),
        Just("Last reviewed: 2025/01/27".to_string()),
        Just(String::new()),
        "[a-zé😀 ]{0,12}",
    ]
}

/// Optional front matter: good, with a date in another format, or none.
fn front_matter() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("---\ntitle: T\nowner: ops\nlast_reviewed: 2026-11-01\nstatus: draft\n---\n".into()),
        Just("---\ntitle: T\nowner: ops\nlast_reviewed: 2025/01/27\nstatus: draft\n---\n".into()),
        Just("---\nlast_reviewed: \"27 January 2025\"\n---\n".into()),
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
        for d in runbook::lint::lint_document(&doc, &settings(), today()) {
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
