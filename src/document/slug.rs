//! Heading anchors, computed the way GitHub computes them.
//!
//! One function, shared by the link checker and the site renderer, so a link
//! that the linter accepts is a link that works on the rendered page.

use std::sync::LazyLock;

use regex::Regex;
use rustc_hash::FxHashMap;

/// The characters GitHub keeps besides `-` and the space: Ruby's
/// `\p{Word}`, letters, marks (a decomposed `é` keeps its accent),
/// decimal digits and connector punctuation. Not `char::is_alphanumeric`,
/// which also keeps numbers such as `²` and `Ⅱ` that GitHub drops.
static WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[\p{L}\p{M}\p{Nd}\p{Pc}]$").expect("valid pattern"));

fn is_word(c: &char) -> bool {
    WORD.is_match(c.encode_utf8(&mut [0; 4]))
}

/// The GitHub slug of a heading's text: lowercased, punctuation dropped
/// (letters, marks, digits, `-` and `_` kept, in any script), each space a `-`.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_ascii() {
            // Nearly every heading is ASCII, which needs no lowercase tables.
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                slug.push(c.to_ascii_lowercase());
            } else if c == ' ' {
                slug.push('-');
            }
        } else {
            // Lowercased first, as GitHub does: `İ` is `i` and a combining
            // dot, a mark, which is kept.
            slug.extend(c.to_lowercase().filter(is_word));
        }
    }
    slug
}

/// Hands out unique anchors within one page, as GitHub does: the second
/// `Setup` heading becomes `setup-1`, the third `setup-2`.
#[derive(Default)]
pub struct SlugCounter {
    /// FxHash, as the workspace's link tables: short keys from the user's own files.
    seen: FxHashMap<String, usize>,
}

impl SlugCounter {
    /// An id written by hand (`{#rollback}`): kept as it is, and never
    /// handed out again, so a later `## Rollback` becomes `rollback-1`
    /// instead of a second element with the same id.
    pub fn claim(&mut self, id: &str) {
        if !self.seen.contains_key(id) {
            self.seen.insert(id.to_string(), 0);
        }
    }

    pub fn unique(&mut self, slug: String) -> String {
        let Some(&count) = self.seen.get(&slug) else {
            self.seen.insert(slug.clone(), 0);
            return slug;
        };
        let mut n = count;
        let candidate = loop {
            n += 1;
            let candidate = format!("{slug}-{n}");
            if !self.seen.contains_key(&candidate) {
                break candidate;
            }
        };
        self.seen.insert(slug, n);
        self.seen.insert(candidate.clone(), 0);
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_slugs() {
        assert_eq!(slugify("Roll back the deploy"), "roll-back-the-deploy");
        assert_eq!(slugify("1. Deployment"), "1-deployment");
        assert_eq!(slugify("What's `kubectl`?"), "whats-kubectl");
        assert_eq!(slugify("Fail over (us-east-1)"), "fail-over-us-east-1");
        assert_eq!(slugify("Émigré  Straße"), "émigré--straße");
        assert_eq!(slugify("snake_case & more"), "snake_case--more");
        // Found by the `slug` fuzz target: the slug of a slug must not change.
        assert_eq!(slugify("A=/Äİ"), "aäi\u{307}");
        assert_eq!(slugify(&slugify("A=/Äİ")), "aäi\u{307}");
    }

    /// GitHub's `\p{Word}`: numbers that are not digits go, marks stay.
    #[test]
    fn unicode_classes_as_github_reads_them() {
        assert_eq!(slugify("Step ² and Ⅱ"), "step--and-");
        assert_eq!(slugify("Cafe\u{301} ‿ ٣ – x"), "cafe\u{301}-‿-٣--x");
        assert_eq!(slugify("日本語の見出し"), "日本語の見出し");
    }

    #[test]
    fn duplicates_are_numbered() {
        let mut counter = SlugCounter::default();
        assert_eq!(counter.unique("setup".into()), "setup");
        assert_eq!(counter.unique("setup".into()), "setup-1");
        assert_eq!(counter.unique("setup-1".into()), "setup-1-1");
        assert_eq!(counter.unique("setup".into()), "setup-2");
        counter.claim("rollback");
        assert_eq!(counter.unique("rollback".into()), "rollback-1");
    }
}
