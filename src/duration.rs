//! Review periods as people write them: `90d`, `90 days`, `6 months`, `1 year`,
//! `quarterly`, `every 90 days`.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;

/// A calendar period (months are months, not 30 days), parsed by jiff's
/// friendly duration format so every spelling jiff knows is accepted.
#[derive(Clone, Copy, Debug)]
pub struct ReviewPeriod(jiff::Span);

impl ReviewPeriod {
    pub fn days(days: i64) -> Self {
        ReviewPeriod(jiff::Span::new().days(days))
    }

    /// The day this period ends when it starts on `from`.
    pub fn after(&self, from: Date) -> Option<Date> {
        from.checked_add(self.0).ok()
    }

    /// How far ahead `runbook due --within` looks: a review period, or
    /// none at all (`0`, `0d`), for what is overdue or due today.
    pub fn look_ahead(text: &str) -> Result<ReviewPeriod, NotAPeriod> {
        let text = text.trim();
        let none = text.parse::<i64>() == Ok(0)
            || text
                .to_ascii_lowercase()
                .parse::<jiff::Span>()
                .is_ok_and(|span| span.is_zero());
        if none {
            return Ok(ReviewPeriod(jiff::Span::new()));
        }
        text.parse()
    }

    /// The day this period starts when it ends on `to`.
    pub fn before(&self, to: Date) -> Option<Date> {
        to.checked_sub(self.0).ok()
    }
}

/// The longest review period: a runbook not due for a century is never
/// due, and a cap keeps every due date a real calendar day.
pub const MAX_YEARS: i64 = 100;

/// The periods runbook accepts, as messages say it.
pub const RANGE: &str = "a review period is from `1d` to `100 years`";

/// Why a text is no review period; its `Display` is the message to show.
#[derive(Debug)]
pub enum NotAPeriod {
    /// A period, but longer than [`MAX_YEARS`] (or than a number holds).
    OutOfRange(String),
    Invalid(String),
}

impl fmt::Display for NotAPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotAPeriod::OutOfRange(text) => write!(f, "`{text}` is out of range: {RANGE}"),
            NotAPeriod::Invalid(message) => f.write_str(message),
        }
    }
}

impl FromStr for ReviewPeriod {
    type Err = NotAPeriod;

    fn from_str(text: &str) -> Result<Self, NotAPeriod> {
        let invalid = NotAPeriod::Invalid;
        let out_of_range = || NotAPeriod::OutOfRange(text.trim().to_string());
        let text = text.trim();
        // `every 90 days`, as a sentence says it.
        let text = match text.get(..6) {
            Some(every) if every.eq_ignore_ascii_case("every ") => text[6..].trim_start(),
            _ => text,
        };
        if let Some(period) = cadence(text) {
            return Ok(ReviewPeriod(period));
        }
        if let Some(which) = ambiguous(text) {
            return Err(invalid(format!("`{text}` is ambiguous: {which}")));
        }
        let span = if let Ok(days) = text.parse::<i64>() {
            // A bare number is days, in book.toml as in front matter
            // (`review_every: 90`).
            jiff::Span::new()
                .try_days(days)
                .map_err(|_| out_of_range())?
        } else {
            // Unit words in any case, as the cadences are: `90 Days`.
            text.to_ascii_lowercase().parse().map_err(|_| {
                if too_large(text) {
                    out_of_range()
                } else {
                    invalid(format!(
                        "`{text}` is not a duration; write it as `90d`, `90 days`, `6 months` or `1 year`"
                    ))
                }
            })?
        };
        let has_clock = span.get_hours() != 0
            || span.get_minutes() != 0
            || span.get_seconds() != 0
            || span.get_milliseconds() != 0
            || span.get_microseconds() != 0
            || span.get_nanoseconds() != 0;
        if minutes_meant_as_months(span) {
            return Err(invalid(format!(
                "`{text}` reads as minutes: write months as `{}mo` or `{} months`",
                span.get_minutes(),
                span.get_minutes()
            )));
        }
        if has_clock || span.is_negative() || span.is_zero() {
            return Err(invalid(format!(
                "`{text}` is not a positive number of days, weeks, months or years"
            )));
        }
        if over_max(span) {
            return Err(out_of_range());
        }
        Ok(ReviewPeriod(span))
    }
}

/// A span of minutes alone (`6m`, `6M`): months, surely, in a review
/// period, which the duration syntax reads as minutes.
pub fn minutes_meant_as_months(span: jiff::Span) -> bool {
    span.get_minutes() > 0
        && span.get_hours() == 0
        && span.get_seconds() == 0
        && span.get_days() == 0
        && span.get_weeks() == 0
        && span.get_months() == 0
        && span.get_years() == 0
}

/// Whether `text` fails to parse only because a number in it is too large
/// for a period (`9999999 years`, or a bare number past what an integer
/// holds): with every number made `1`, it parses.
fn too_large(text: &str) -> bool {
    let mut small = String::with_capacity(text.len());
    let mut in_number = false;
    for c in text.chars() {
        if c.is_ascii_digit() {
            if !in_number {
                small.push('1');
            }
            in_number = true;
        } else {
            small.push(c);
            in_number = false;
        }
    }
    small == "1" || small.to_ascii_lowercase().parse::<jiff::Span>().is_ok()
}

/// Whether a period parsed by jiff is longer than [`MAX_YEARS`], counted
/// from a fixed day so the answer never changes with the date.
fn over_max(span: jiff::Span) -> bool {
    let from = jiff::civil::date(2000, 1, 1);
    let max = jiff::Span::new().years(MAX_YEARS);
    span.compare((max, from))
        .is_ok_and(|order| order == std::cmp::Ordering::Greater)
}

/// The cadences teams write instead of a number: `quarterly`, or `quarter`
/// (from `every quarter`).
fn cadence(text: &str) -> Option<jiff::Span> {
    let span = jiff::Span::new();
    Some(match text.to_ascii_lowercase().as_str() {
        "weekly" | "week" => span.weeks(1),
        "fortnightly" | "fortnight" => span.weeks(2),
        "monthly" | "month" => span.months(1),
        "quarterly" | "quarter" => span.months(3),
        "half-yearly" | "semiannually" | "semi-annually" | "half-year" | "half year" => {
            span.months(6)
        }
        "yearly" | "annually" | "year" => span.years(1),
        _ => return None,
    })
}

/// Words that mean one period to some and another to others: what to
/// write instead.
pub fn ambiguous(text: &str) -> Option<&'static str> {
    Some(match text.to_ascii_lowercase().as_str() {
        "biweekly" | "bi-weekly" => {
            "some read it as every two weeks, others as twice a week: write `2 weeks` (or `fortnightly`)"
        }
        "bimonthly" | "bi-monthly" => {
            "some read it as every two months, others as twice a month: write `2 months` or `2 weeks`"
        }
        "biannually" | "bi-annually" | "biannual" => {
            "some read it as twice a year, others as every two years: write `6 months` or `2 years`"
        }
        _ => return None,
    })
}

impl fmt::Display for ReviewPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_zero() {
            // jiff says `0s`; a look-ahead of none is in days like the rest.
            return f.write_str("0d");
        }
        write!(f, "{:#}", self.0)
    }
}

impl<'de> serde::Deserialize<'de> for ReviewPeriod {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_spellings() {
        let start: Date = "2025-01-31".parse().unwrap();
        for (text, due) in [
            ("90d", "2025-05-01"),
            ("90 days", "2025-05-01"),
            ("6 months", "2025-07-31"),
            ("1 year", "2026-01-31"),
            ("2 weeks", "2025-02-14"),
            ("1 month", "2025-02-28"),
            ("quarterly", "2025-04-30"),
            ("Yearly", "2026-01-31"),
            ("fortnightly", "2025-02-14"),
            ("every 90 days", "2025-05-01"),
            ("Every 6 months", "2025-07-31"),
            ("every quarter", "2025-04-30"),
            ("every Month", "2025-02-28"),
            ("every year", "2026-01-31"),
            ("90", "2025-05-01"),
            ("90 Days", "2025-05-01"),
            ("6 MONTHS", "2025-07-31"),
            ("1 Year", "2026-01-31"),
            ("100 years", "2125-01-31"),
        ] {
            let period: ReviewPeriod = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(period.after(start).unwrap().to_string(), due, "{text}");
        }
    }

    #[test]
    fn words_that_mean_two_periods_ask_which() {
        let e = "biannually"
            .parse::<ReviewPeriod>()
            .unwrap_err()
            .to_string();
        assert!(e.contains("write `6 months` or `2 years`"), "{e}");
        assert!("every bimonthly".parse::<ReviewPeriod>().is_err());
        let e = "Biweekly".parse::<ReviewPeriod>().unwrap_err().to_string();
        assert!(
            e.contains("is ambiguous") && e.contains("write `2 weeks`"),
            "{e}"
        );
    }

    #[test]
    fn nonsense_is_refused() {
        for text in [
            "soon", "-3d", "0d", "-90", "0", "4 hours", "", "every", "every ",
        ] {
            let e = text.parse::<ReviewPeriod>().unwrap_err();
            assert!(matches!(e, NotAPeriod::Invalid(_)), "{text}: {e}");
        }
    }

    #[test]
    fn minutes_are_taken_for_months_meant() {
        for text in ["6m", "6M", "6 min"] {
            let e = text.parse::<ReviewPeriod>().unwrap_err().to_string();
            assert_eq!(
                e,
                format!("`{text}` reads as minutes: write months as `6mo` or `6 months`")
            );
        }
        assert!("6mo".parse::<ReviewPeriod>().is_ok());
    }

    #[test]
    fn periods_too_long_say_the_range() {
        for text in [
            "9999999 years",
            "101 years",
            "every 1201 months",
            "36526",
            "99999999999999999999",
            "99999999999999999999 days",
        ] {
            let e = text.parse::<ReviewPeriod>().unwrap_err();
            assert!(matches!(e, NotAPeriod::OutOfRange(_)), "{text}: {e}");
            assert!(
                e.to_string()
                    .ends_with("is out of range: a review period is from `1d` to `100 years`"),
                "{e}"
            );
        }
        assert!(RANGE.contains(&format!("`{MAX_YEARS} years`")));
    }
}
