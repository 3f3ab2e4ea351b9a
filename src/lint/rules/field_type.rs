//! Front matter value of the wrong type (`field-type`)
//!
//! ## What it checks
//! `last_reviewed` is a date (`YYYY-MM-DD`), `owner` a name or a list of
//! names, `status` and `title` strings, `tags` and `related` lists,
//! `review_every` a duration (`90d`, `6 months`, `1 year`). One tag may
//! go without brackets (`tags: database`), but `tags: a, b` is the single
//! string `a, b` to YAML, not two tags. A list of more than 1,000 entries
//! is refused: the site makes a page per tag and owner.
//! A boolean is not a string: YAML reads `owner: y`, `status: on` and
//! `tags: [no]` as `true` and `false`.
//!
//! ## Why it matters
//! A date like `2025-01-XX` or `last week` cannot be compared with today, so
//! the runbook would silently never go stale.
//!
//! ## Example
//! ```yaml
//! last_reviewed: 2025-01-XX
//! ```
//!
//! ## Fix
//! ```yaml
//! last_reviewed: 2025-01-27
//! ```

use jiff::civil::Date;

use crate::diagnostic::{Edit, Fix};
use crate::document::{Document, front_matter};
use crate::lint::{Context, Sink};

crate::rule!("field-type", Error, Some(check));

fn check(doc: &Document, _cx: &Context, sink: &mut Sink) {
    let Some(fields) = doc.fields() else { return };
    for error in &fields.type_errors {
        let name = if error.written_as == error.field {
            format!("`{}`", error.field)
        } else {
            format!("`{}` (an alias of `{}`)", error.written_as, error.field)
        };
        let written = error.written.clone();
        let span = doc.span(written.clone());
        let written_text = doc.text[written.clone()].trim().trim_matches(['"', '\'']);
        let no_such_day = (error.field == "last_reviewed")
            .then(|| front_matter::why_no_such_day(written_text))
            .flatten();
        let message = match no_such_day {
            Some(why) => format!("{name} is `{written_text}`: there is no such day ({why})"),
            None => format!("{name} is {}, not {}", error.found, error.expected),
        };
        let report = sink.report(ID, span, message);
        let date = (error.field == "last_reviewed")
            .then(|| other_date_format(&doc.text[written.clone()]))
            .flatten();
        if error.quote {
            let quoted = format!("\"{}\"", doc.text[written.clone()].trim());
            report
                .help(format!("quote it to keep it as written: `{quoted}`"))
                .fix(Fix {
                    description: format!("quote the value: {quoted}"),
                    edits: vec![Edit {
                        start: written.start,
                        end: written.end,
                        replacement: quoted,
                    }],
                });
            continue;
        }
        match date {
            Some(date) => {
                report.help(format!("write it as `{date}`")).fix(Fix {
                    description: format!("write the date as {date}"),
                    edits: vec![Edit {
                        start: written.start,
                        end: written.end,
                        replacement: date.to_string(),
                    }],
                });
            }
            None => {
                report.help(match &error.help {
                    Some(help) => help.clone(),
                    None => format!("write {}", error.expected),
                });
            }
        }
    }
}

/// A date written in another common, unambiguous format: `2025/01/27`,
/// `27.01.2025`, `Jan 27, 2025`, `27 January 2025`. `01/02/2025` could be
/// either day first or month first, so it is left for a person, as is a
/// year of fewer than four digits (`3/4/26` is not the year 3).
pub(crate) fn other_date_format(written: &str) -> Option<Date> {
    let text = written.trim().trim_matches(['"', '\'']).trim();
    const FORMATS: &[&str] = &[
        "%Y%m%d",
        "%Y/%m/%d",
        "%Y.%m.%d",
        "%Y-%m-%d",
        "%B %d, %Y",
        "%b %d, %Y",
        "%d %B %Y",
        "%d %b %Y",
        "%B %d %Y",
        "%b %d %Y",
    ];
    for format in FORMATS {
        if let Ok(date) = jiff::fmt::strtime::parse(format, text).and_then(|t| t.to_date()) {
            return (date.year() >= 1000).then_some(date);
        }
    }
    // Day and month in either order: only when one of them cannot be a month.
    let parts: Vec<&str> = text.split(['/', '.', '-']).collect();
    if let [a, b, year] = parts.as_slice() {
        let (a, b, year): (i8, i8, i16) = (a.parse().ok()?, b.parse().ok()?, year.parse().ok()?);
        if year < 1000 {
            return None;
        }
        let (day, month) = match (a > 12, b > 12) {
            (true, false) => (a, b),
            (false, true) => (b, a),
            _ => return None,
        };
        return Date::new(year, month, day).ok();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::other_date_format;

    #[test]
    fn unambiguous_dates_are_normalised() {
        for (written, iso) in [
            ("2025/01/27", "2025-01-27"),
            ("\"27.01.2025\"", "2025-01-27"),
            ("Jan 27, 2025", "2025-01-27"),
            ("27 January 2025", "2025-01-27"),
            ("01/27/2025", "2025-01-27"),
            ("2025-1-7", "2025-01-07"),
            ("20250127", "2025-01-27"),
        ] {
            assert_eq!(
                other_date_format(written).map(|d| d.to_string()).as_deref(),
                Some(iso),
                "{written}"
            );
        }
        for ambiguous in [
            "01/02/2025",
            "2025-01-XX",
            "last week",
            "13/13/2025",
            "3/4/26",
            "26/4/3",
            "Jan 5, 26",
        ] {
            assert_eq!(other_date_format(ambiguous), None, "{ambiguous}");
        }
    }
}
