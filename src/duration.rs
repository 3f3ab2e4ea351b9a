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

    /// The day this period starts when it ends on `to`.
    pub fn before(&self, to: Date) -> Option<Date> {
        to.checked_sub(self.0).ok()
    }
}

impl FromStr for ReviewPeriod {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
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
            return Err(format!("`{text}` is ambiguous: {which}"));
        }
        let span: jiff::Span = text.parse().map_err(|_| {
            format!(
                "`{text}` is not a duration; write it as `90d`, `90 days`, `6 months` or `1 year`"
            )
        })?;
        let has_clock = span.get_hours() != 0
            || span.get_minutes() != 0
            || span.get_seconds() != 0
            || span.get_milliseconds() != 0
            || span.get_microseconds() != 0
            || span.get_nanoseconds() != 0;
        if has_clock || span.is_negative() || span.is_zero() {
            return Err(format!(
                "`{text}` is not a positive number of days, weeks, months or years"
            ));
        }
        Ok(ReviewPeriod(span))
    }
}

/// The cadences teams write instead of a number: `quarterly`, or `quarter`
/// (from `every quarter`).
fn cadence(text: &str) -> Option<jiff::Span> {
    let span = jiff::Span::new();
    Some(match text.to_ascii_lowercase().as_str() {
        "weekly" | "week" => span.weeks(1),
        "biweekly" | "fortnightly" | "fortnight" => span.weeks(2),
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
            ("biweekly", "2025-02-14"),
        ] {
            let period: ReviewPeriod = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(period.after(start).unwrap().to_string(), due, "{text}");
        }
    }

    #[test]
    fn words_that_mean_two_periods_ask_which() {
        let e = "biannually".parse::<ReviewPeriod>().unwrap_err();
        assert!(e.contains("write `6 months` or `2 years`"), "{e}");
        assert!("every bimonthly".parse::<ReviewPeriod>().is_err());
    }

    #[test]
    fn nonsense_is_refused() {
        for text in ["soon", "-3d", "0d", "4 hours", "", "every", "every "] {
            assert!(text.parse::<ReviewPeriod>().is_err(), "{text}");
        }
    }
}
