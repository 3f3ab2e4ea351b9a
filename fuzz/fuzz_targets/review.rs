//! `runbook review` on arbitrary bytes: recording a review never panics;
//! when it succeeds, the front matter reads back with `last_reviewed`
//! today and the reviewer once, the bytes around the front matter are
//! kept, and a second review the same day by the same person changes nothing.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use runbook::authoring::review::review_bytes;
use runbook::config::{Config, Settings};
use runbook::document::{Document, FrontMatter};

static SETTINGS: LazyLock<Settings> = LazyLock::new(|| {
    Settings::from_config(Config::default(), None, PathBuf::from("."), Vec::new())
        .expect("default settings")
});

const TODAY: jiff::civil::Date = jiff::civil::date(2026, 11, 25);

/// The front matter block and the body after it, as the file holds them.
fn parts(bytes: &[u8]) -> (Document, std::ops::Range<usize>) {
    let doc = Document::parse(
        PathBuf::from("fuzz.md"),
        "fuzz.md".to_string(),
        bytes.to_vec(),
        &SETTINGS.aliases,
    );
    let block = doc
        .front_matter
        .block()
        .expect("a reviewed file has front matter");
    let yaml = block.yaml.clone();
    (doc, yaml)
}

fuzz_target!(|data: &[u8]| {
    // A leading `!` reviews without a name.
    let (by, bytes) = match data.strip_prefix(b"!") {
        Some(rest) => (None, rest),
        None => (Some("Ana"), data),
    };
    let path = Path::new("fuzz.md");
    let Ok((out, _)) = review_bytes(path, bytes.to_vec(), &SETTINGS.aliases, TODAY, by) else {
        return;
    };
    let (before, before_yaml) = parts(bytes);
    let (after, after_yaml) = parts(&out);
    match &after.front_matter {
        FrontMatter::Parsed { fields, .. } => assert_eq!(
            fields.last_reviewed.as_ref().map(|f| f.value),
            Some(TODAY),
            "{:?}",
            after.text
        ),
        other => panic!("the review left {other:?}\n{:?}", after.text),
    }
    if let Some(name) = by {
        let block = after.front_matter.block().unwrap();
        let entries = runbook::document::front_matter::entries(&after.text, block).unwrap();
        let names: Vec<_> = entries
            .iter()
            .filter(|(key, _)| SETTINGS.aliases.canonical(key) == Some("reviewed_by"))
            .map(|(_, value)| value.as_str())
            .collect();
        assert_eq!(names, [Some(name)], "{:?}", after.text);
    }
    assert_eq!(
        before.text[..before_yaml.start],
        after.text[..after_yaml.start],
        "the opening fence changed"
    );
    assert_eq!(
        before.text[before_yaml.end..],
        after.text[after_yaml.end..],
        "the body changed"
    );
    assert_eq!(before.bom, after.bom);
    let (again, _) = review_bytes(path, out.clone(), &SETTINGS.aliases, TODAY, by)
        .expect("a review that succeeded succeeds again");
    assert_eq!(
        String::from_utf8_lossy(&again),
        String::from_utf8_lossy(&out),
        "a second review changed the file"
    );
});
