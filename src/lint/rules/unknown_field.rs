//! Front matter key that looks like a misspelt field (`unknown-field`)
//!
//! ## What it checks
//! Keys that are neither a canonical field nor a configured alias, but are
//! close to one (`last_reviewed_at`, `owners`, `stauts`). Other extra keys
//! are kept and are fine, and so is a key `[lint] required-fields` lists:
//! book.toml makes it the team's own field (and warns about an entry
//! there that is a slip of a known one).
//!
//! ## Why it matters
//! The misspelt field is ignored, so the runbook looks unowned or never
//! reviewed, or worse, its real review date is never checked.
//!
//! ## Example
//! ```yaml
//! last_reviewed_at: 2025-01-27
//! ```
//!
//! ## Fix
//! Rename the key, or map it in `book.toml`:
//! ```toml
//! [front-matter.aliases]
//! last_reviewed = ["last_reviewed_at"]
//! ```

use crate::document::{Document, Span};
use crate::lint::{Context, Sink};

crate::rule!("unknown-field", Warning, Some(check));

fn check(doc: &Document, cx: &Context, sink: &mut Sink) {
    let Some(fields) = doc.fields() else { return };
    // A field book.toml requires is the team's own, however close to a
    // known name (book.toml is warned about a slip there).
    let required = &cx.settings.config.lint.required_fields;
    for key in fields
        .keys
        .iter()
        .filter(|k| k.canonical.is_none() && !required.contains(&k.name))
    {
        let Some(best) = near_miss(&key.name, cx.settings.aliases.known_names()) else {
            continue;
        };
        let canonical = cx.settings.aliases.canonical(best).unwrap_or(best);
        sink.report(ID, Span { start: key.at, end: key.at }, format!("unknown front matter key `{}`", key.name))
            .help(format!(
                "did you mean `{best}`? If `{}` is your team's name for it, map it in book.toml: [front-matter.aliases] {canonical} = [\"{}\"]",
                key.name, key.name
            ));
    }
}

/// Suffixes that restate a date field's name (`last_reviewed_at`).
const RESTATING: &[&str] = &["_at", "_on", "_date", "_day"];

/// The known name a key is a slip of: a letter or two off (`ownr`,
/// `stauts`, `last-reviewed`: one for keys of up to 8 letters, two for
/// longer ones), or a known name, whole or its last words, with a suffix
/// that only says it holds a date (`last_reviewed_at`, `reviewed_on`). A
/// key with such a suffix is compared without it, so `reviewed_at` is not
/// taken for `reviewed_by`. Other
/// keys are a team's own (`status_page`, `created`, `reviewers`), however
/// much of a known name they share.
pub(crate) fn near_miss<'a>(key: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let key = key.to_lowercase().replace(['-', ' '], "_");
    let stem = RESTATING.iter().find_map(|s| key.strip_suffix(s));
    let slip = stem.unwrap_or(&key);
    let allowed = if slip.chars().count() <= 8 { 1 } else { 2 };
    known
        .into_iter()
        .filter_map(|name| {
            let restated = stem.is_some_and(|stem| {
                name == stem || name.strip_suffix(stem).is_some_and(|n| n.ends_with('_'))
            });
            let distance = if restated {
                0
            } else {
                strsim::osa_distance(slip, name)
            };
            (distance <= allowed).then_some((distance, name))
        })
        .min()
        .map(|(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::near_miss;

    #[test]
    fn slips_of_a_known_name_are_near_misses_and_other_names_are_not() {
        let known = crate::document::front_matter::CANONICAL_FIELDS.iter().copied();
        for (key, meant) in [
            ("ownr", "owner"),
            ("owners", "owner"),
            ("stauts", "status"),
            ("Titel", "title"),
            ("last-reviewed", "last_reviewed"),
            ("last_review", "last_reviewed"),
            ("last_reviewed_at", "last_reviewed"),
            ("Last_Reviewed_On", "last_reviewed"),
            ("reviewed_at", "last_reviewed"),
            ("reviewed_on", "last_reviewed"),
            ("last_reviwed_at", "last_reviewed"),
            ("tag", "tags"),
        ] {
            assert_eq!(near_miss(key, known.clone()), Some(meant), "{key}");
        }
        for key in [
            "created",
            "reviewers",
            "status_page",
            "owner_slack",
            "pagerduty_service",
            "state",
            "last_reviewed_by",
            "created_at",
            "updated_on",
        ] {
            assert_eq!(near_miss(key, known.clone()), None, "{key}");
        }
    }
}
