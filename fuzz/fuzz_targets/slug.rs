//! Heading anchors: never panic, keep only what a URL fragment may hold,
//! are stable under re-slugging, and the counter never hands out one twice.
#![no_main]

use std::collections::HashSet;

use libfuzzer_sys::fuzz_target;
use runbook::document::slug::{SlugCounter, slugify};

fuzz_target!(|headings: Vec<String>| {
    let mut counter = SlugCounter::default();
    let mut given = HashSet::new();
    for text in &headings {
        let slug = slugify(text);
        assert!(!slug.chars().any(char::is_whitespace), "{slug:?}");
        assert_eq!(slugify(&slug), slug, "slug of {text:?} is not stable");
        let unique = counter.unique(slug);
        assert!(given.insert(unique.clone()), "{unique:?} handed out twice");
    }
});
