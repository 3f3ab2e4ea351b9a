//! When a runbook falls due for review: one rule, used by the linter, the
//! site's badges and dashboard, and `runbook due`, so they never disagree.

use jiff::civil::Date;

use crate::config::Settings;
use crate::document::Fields;
use crate::duration::ReviewPeriod;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    Current,
    DueSoon,
    Overdue,
    /// `last_reviewed` is after today.
    Future,
}

#[derive(Clone, Debug)]
pub struct Review {
    pub last: Date,
    pub period: ReviewPeriod,
    pub due: Date,
    pub state: State,
    /// Days from today to the due date (negative when overdue).
    pub days_left: i64,
}

/// The review period that applies: the file's own `review_every`, else the
/// one for its status, else the default.
pub fn period(fields: &Fields, settings: &Settings) -> ReviewPeriod {
    fields
        .review_every
        .as_ref()
        .map(|f| f.value)
        .unwrap_or_else(|| {
            settings.review_period_for(fields.status.as_ref().map(|s| s.value.as_str()))
        })
}

pub fn review(fields: &Fields, settings: &Settings, today: Date) -> Option<Review> {
    let last = fields.last_reviewed.as_ref()?.value;
    let period = period(fields, settings);
    let due = period.after(last).unwrap_or(Date::MAX);
    let days_left = i64::from((due - today).get_days());
    let soon = settings.due_soon.after(today).unwrap_or(Date::MAX);
    let state = if last > today {
        State::Future
    } else if due < today {
        State::Overdue
    } else if due <= soon {
        State::DueSoon
    } else {
        State::Current
    };
    Some(Review {
        last,
        period,
        due,
        state,
        days_left,
    })
}

/// A `last_reviewed` that is written but is no date (`2026-02-30`,
/// `last week`): what is written, trimmed. `runbook due` calls such a
/// runbook `invalid-date` (a review recorded wrong, not none) and the site
/// shows it so; an empty value or YAML's null is no review at all.
pub fn invalid_date(doc: &crate::document::Document) -> Option<&str> {
    let fields = doc.fields()?;
    if fields.last_reviewed.is_some() {
        return None;
    }
    fields
        .type_errors
        .iter()
        .find(|e| e.field == "last_reviewed")
        .and_then(|e| doc.text.get(e.written.clone()))
        .map(str::trim)
        .filter(|w| !w.is_empty() && !matches!(*w, "~" | "null" | "Null" | "NULL"))
}

/// How `runbook due` and the site say what is wrong with an invalid date:
/// `` last_reviewed `2026-02-30` is no day: February 2026 has 28 days ``.
pub fn invalid_date_words(written: &str) -> String {
    match crate::document::front_matter::why_no_such_day(written) {
        Some(why) => format!("last_reviewed `{written}` is no day: {why}"),
        None => format!("last_reviewed `{written}` is not a date"),
    }
}

/// The review of a parsed runbook, with where its date is written, when it
/// is in `state`: what each review rule asks.
pub fn in_state(
    doc: &crate::document::Document,
    settings: &Settings,
    today: Date,
    state: State,
) -> Option<(Review, crate::document::Span)> {
    let fields = doc.fields()?;
    let review = review(fields, settings, today).filter(|r| r.state == state)?;
    let written = fields.last_reviewed.as_ref()?.written.clone();
    Some((review, doc.span(written)))
}

/// Whether the runbook's front matter allows `rule` for the whole file
/// (`lint: { allow: [review-overdue] }`, or `all`), so that `runbook due`
/// leaves out what `lint` would not report. Lint's own reading of the
/// directive decides, at the `last_reviewed` line.
pub fn allowed(doc: &crate::document::Document, rule: &str) -> bool {
    let line = doc
        .fields()
        .and_then(|f| f.last_reviewed.as_ref())
        .map_or(1, |f| doc.span(f.written.clone()).start.line);
    let directives = crate::lint::suppress::Directives::parse(doc);
    directives.covering(&[(rule, None, line)])[0].is_some()
}

/// Today: `--today`, else `SOURCE_DATE_EPOCH`, else the clock, so tests and
/// reproducible builds agree on what is overdue.
pub fn today(flag: Option<&str>) -> Result<Date, String> {
    if let Some(text) = flag {
        return given_day(text);
    }
    if let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH") {
        let seconds: i64 = epoch
            .trim()
            .parse()
            .map_err(|_| format!("SOURCE_DATE_EPOCH `{epoch}` is not a number of seconds"))?;
        let ts = jiff::Timestamp::from_second(seconds).map_err(|_| {
            format!("SOURCE_DATE_EPOCH `{epoch}` is outside the years -9999 to 9999")
        })?;
        return Ok(ts.to_zoned(jiff::tz::TimeZone::UTC).date());
    }
    Ok(jiff::Zoned::now().date())
}

/// The day `review`, `new` and `init` write into a runbook: `--today`, else the
/// clock. Not `SOURCE_DATE_EPOCH`, which is for reproducible output (a
/// nix shell sets it to 1980-01-01): a review is a fact about the world,
/// and a date from it would be recorded as if it were one.
pub fn recorded_today(flag: Option<&str>) -> Result<Date, String> {
    match flag {
        Some(text) => given_day(text),
        None => Ok(jiff::Zoned::now().date()),
    }
}

/// The day `--today` names: exactly `YYYY-MM-DD` (jiff would also take
/// `2026-02-01T00:00`), and one that exists.
fn given_day(text: &str) -> Result<Date, String> {
    let shaped = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shaped {
        return Err(format!("--today `{text}` is not a date; write YYYY-MM-DD"));
    }
    text.parse::<Date>().map_err(
        |_| match crate::document::front_matter::why_no_such_day(text) {
            Some(why) => format!("--today `{text}` is no day: {why}"),
            None => format!("--today `{text}` is not a date; write YYYY-MM-DD"),
        },
    )
}
