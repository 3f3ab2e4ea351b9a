//! Front matter key that looks like a misspelt field (`unknown-field`)
//!
//! ## What it checks
//! Keys that are neither a canonical field nor a configured alias, but are
//! close to one (`last_reviewed_at`, `owners`, `stauts`). Other extra keys
//! are kept and are fine.
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
use crate::lint::links::closest;
use crate::lint::{Context, Sink};

crate::rule!("unknown-field", Warning, Some(check));

fn check(doc: &Document, cx: &Context, sink: &mut Sink) {
    let Some(fields) = doc.fields() else { return };
    for key in fields.keys.iter().filter(|k| k.canonical.is_none()) {
        let lowered = key.name.to_lowercase();
        let Some(best) = closest(&lowered, cx.settings.aliases.known_names()) else {
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
