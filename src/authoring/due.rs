//! `runbook due`: the runbooks overdue for review or falling due, grouped
//! by owner, for the nightly job that pings owners.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use jiff::civil::Date;
use rayon::prelude::*;
use serde::Serialize;

use crate::config::Settings;
use crate::diagnostic::Diagnostic;
use crate::document::{Document, FrontMatter};
use crate::duration::ReviewPeriod;
use crate::lint::report::{display_path, markdown_link, markdown_text, one_line, plural};
use crate::review::{State, review};
use crate::site::pages::Groups;
use crate::workspace;

#[derive(Clone, Debug, Serialize)]
pub struct Entry {
    pub path: String,
    pub title: String,
    pub status: Option<String>,
    /// The date of the last review; for `invalid-date`, what is written.
    pub last_reviewed: Option<String>,
    pub due: Option<String>,
    /// `overdue`, `due-soon`, `never-reviewed` (no `last_reviewed`),
    /// `future` (a `last_reviewed` after today: a typo, which would put the
    /// next review years away), `invalid-date` (one that is no date) or
    /// `invalid-front-matter` (front matter that does not parse: neither
    /// its owner nor its date can be read).
    pub state: &'static str,
    pub days_left: Option<i64>,
    /// For `invalid-front-matter`: why, and where, as `lint` says it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Owner {
    /// As most runbooks write it; `None` for the runbooks without an owner.
    pub owner: Option<String>,
    pub runbooks: Vec<Entry>,
}

#[derive(Debug, Serialize)]
pub struct Due {
    pub today: String,
    pub within: String,
    pub owners: Vec<Owner>,
    /// Runbooks left out because their front matter allows the rule that
    /// would report them (`lint: { allow: [review-overdue] }`), as `lint`
    /// leaves the finding out.
    pub suppressed: usize,
}

impl Due {
    /// Overdue, or without a review date that holds: what fails a
    /// scheduled job.
    pub fn any_failing(&self) -> bool {
        self.owners
            .iter()
            .flat_map(|o| &o.runbooks)
            .any(|e| e.state != "due-soon")
    }
}

/// A runbook's owners, and its entry when it is listed.
type Read = (Vec<String>, Listed);

/// Whether a runbook is listed.
enum Listed {
    Yes(Entry),
    /// Not to be reviewed by the horizon.
    No,
    /// Its front matter allows the rule its state is reported by.
    Suppressed,
}

/// What is shown for the runbooks without an owner.
pub const NO_OWNER: &str = "(no owner)";

/// The runbooks to review, by owner, and what could not be read (the
/// findings `lint` reports about it: `io-error`, `file-too-large`,
/// `symlink-outside`, ...).
pub fn collect(settings: &Settings, today: Date, within: ReviewPeriod) -> (Due, Vec<Diagnostic>) {
    let walk = workspace::walk(settings);
    let horizon = within.after(today).unwrap_or(Date::MAX);
    let read: Vec<Result<Read, Box<Diagnostic>>> = walk
        .markdown
        .par_iter()
        .map(|source| {
            let doc = workspace::read(source, settings)?;
            Ok(entry(&doc, settings, today, horizon))
        })
        .collect();
    let mut problems = walk.problems;
    let mut found = Vec::new();
    for result in read {
        match result {
            Ok(read) => found.push(read),
            Err(problem) => problems.push(*problem),
        }
    }
    problems.sort_by(|a, b| a.path.cmp(&b.path));
    // Names that differ only in letter case are one owner, shown as most
    // runbooks write it, as on the site's owner pages: counted over every
    // runbook, listed or not.
    let groups = Groups::new(
        found.iter().flat_map(|(owners, _)| owners),
        std::iter::empty(),
    );
    let mut by_owner: BTreeMap<Option<String>, Vec<Entry>> = BTreeMap::new();
    let mut suppressed = 0;
    for (owners, listed) in found {
        let entry = match listed {
            Listed::Yes(entry) => entry,
            Listed::No => continue,
            Listed::Suppressed => {
                suppressed += 1;
                continue;
            }
        };
        if owners.is_empty() {
            by_owner.entry(None).or_default().push(entry);
            continue;
        }
        for owner in owners {
            let shown = groups.owner_name(&owner).to_string();
            by_owner.entry(Some(shown)).or_default().push(entry.clone());
        }
    }
    let owners = by_owner
        .into_iter()
        .map(|(owner, mut runbooks)| {
            runbooks.sort_by(|a, b| {
                (a.due.is_some(), &a.due, &a.path).cmp(&(b.due.is_some(), &b.due, &b.path))
            });
            Owner { owner, runbooks }
        })
        .collect();
    let due = Due {
        today: today.to_string(),
        within: within.to_string(),
        owners,
        suppressed,
    };
    (due, problems)
}

/// A runbook's owners, and its entry when it is to be reviewed by
/// `horizon` or its review date does not hold.
fn entry(doc: &Document, settings: &Settings, today: Date, horizon: Date) -> Read {
    let fields = doc.fields();
    let owners = fields
        .and_then(|f| f.owner.as_ref())
        .map(|o| owners(&o.value))
        .unwrap_or_default();
    let status = fields
        .and_then(|f| f.status.as_ref())
        .map(|s| s.value.clone());
    let review = fields.and_then(|f| review(f, settings, today));
    let mut entry = Entry {
        path: display_path(&doc.path),
        title: doc.title(),
        status,
        last_reviewed: review.as_ref().map(|r| r.last.to_string()),
        due: review.as_ref().map(|r| r.due.to_string()),
        state: "never-reviewed",
        days_left: review.as_ref().map(|r| r.days_left),
        error: None,
    };
    let unreadable = fields.is_none().then(|| front_matter_error(doc)).flatten();
    match &review {
        None if unreadable.is_some() => {
            entry.state = "invalid-front-matter";
            entry.error = unreadable;
        }
        None => {
            // A value that is no date is a review recorded wrong, not none.
            if let Some(written) = crate::review::invalid_date(doc) {
                entry.state = "invalid-date";
                entry.last_reviewed = Some(written.to_string());
            }
        }
        Some(r) if r.state == State::Future => {
            entry.state = "future";
            entry.due = None;
            entry.days_left = None;
        }
        Some(r) if r.state == State::Overdue => entry.state = "overdue",
        Some(r) if r.due <= horizon => entry.state = "due-soon",
        Some(_) => return (owners, Listed::No),
    }
    let rule = match &review {
        Some(r) if r.state == State::Future => Some(crate::lint::rules::review_date_future::ID),
        Some(r) if r.state == State::Overdue => Some(crate::lint::rules::review_overdue::ID),
        Some(_) => Some(crate::lint::rules::review_due_soon::ID),
        None => None,
    };
    if rule.is_some_and(|rule| crate::review::allowed(doc, rule)) {
        return (owners, Listed::Suppressed);
    }
    (owners, Listed::Yes(entry))
}

/// Why a runbook's front matter cannot be read, and where, when it
/// cannot: what `review` says of it. A runbook without any is
/// `never-reviewed`.
fn front_matter_error(doc: &Document) -> Option<String> {
    match &doc.front_matter {
        FrontMatter::Invalid { pos, message, .. } => Some(format!(
            "front matter does not parse at {}:{}: {}",
            pos.line,
            pos.col,
            one_line(message)
        )),
        FrontMatter::Unterminated { open } => Some(format!(
            "the front matter opened on line {} has no closing `---`",
            open.line
        )),
        FrontMatter::Missing | FrontMatter::Parsed { .. } => None,
    }
}

/// A runbook's owners: trimmed, blank ones and those that name nobody
/// (`TBD`, as `required-field` reads them) left out, each once whatever
/// its letter case.
fn owners(written: &[String]) -> Vec<String> {
    use crate::lint::rules::required_field::names_nobody;
    let mut owners: Vec<String> = Vec::with_capacity(written.len());
    let named = |o: &&str| !o.is_empty() && !names_nobody(o);
    for owner in written.iter().map(|o| o.trim()).filter(named) {
        if !owners
            .iter()
            .any(|o| o.to_lowercase() == owner.to_lowercase())
        {
            owners.push(owner.to_string());
        }
    }
    owners
}

pub fn human(due: &Due) -> String {
    let mut out = String::new();
    if due.owners.is_empty() {
        let _ = writeln!(
            out,
            "nothing overdue or due within {} of {}",
            due.within, due.today
        );
    }
    for owner in &due.owners {
        let name = owner.owner.as_deref().unwrap_or(NO_OWNER);
        let _ = writeln!(out, "{} ({})", one_line(name), owner.runbooks.len());
        for e in &owner.runbooks {
            let last = e.last_reviewed.as_deref().unwrap_or("");
            let when = match (e.state, e.days_left) {
                ("never-reviewed", _) => "never reviewed".to_string(),
                ("invalid-date", _) => crate::review::invalid_date_words(&one_line(last)),
                ("invalid-front-matter", _) => e.error.clone().unwrap_or_default(),
                ("future", _) => format!("last reviewed {last}, after today"),
                (_, Some(d)) if d < 0 => {
                    let ago = plural((-d) as usize, "day");
                    format!("due {} ({ago} ago)", e.due.as_deref().unwrap_or(""))
                }
                (_, Some(d)) => {
                    let due = e.due.as_deref().unwrap_or("");
                    format!("due {due} (in {})", plural(d as usize, "day"))
                }
                _ => String::new(),
            };
            let label = match e.state {
                "overdue" | "never-reviewed" => "OVERDUE ",
                "invalid-date" => "BAD DATE",
                "invalid-front-matter" => "INVALID ",
                "future" => "FUTURE  ",
                _ => "due soon",
            };
            let _ = writeln!(
                out,
                "  {label}  {}  {}  {when}",
                one_line(&e.path),
                one_line(&e.title)
            );
        }
    }
    if let Some(note) = suppressed_note(due) {
        let _ = writeln!(out, "{note}");
    }
    out
}

/// What is said of the runbooks left out by their front matter, if any.
fn suppressed_note(due: &Due) -> Option<String> {
    (due.suppressed > 0).then(|| {
        format!(
            "({} left out: its front matter allows the rule that would report it, `lint: {{ allow: [...] }}`)",
            plural(due.suppressed, "runbook")
        )
    })
}

pub fn markdown(due: &Due) -> String {
    let mut out = format!("# Runbook reviews due ({})\n", due.today);
    if due.owners.is_empty() {
        let _ = writeln!(out, "\nNothing overdue or due within {}.", due.within);
    }
    for owner in &due.owners {
        let name = match &owner.owner {
            Some(name) => markdown_text(name),
            None => NO_OWNER.to_string(),
        };
        let _ = write!(
            out,
            "\n## {name}\n\n| Runbook | Status | Last reviewed | Due | |\n|---|---|---|---|---|\n",
        );
        for e in &owner.runbooks {
            let _ = writeln!(
                out,
                "| [{}]({}) | {} | {} | {} | {} |",
                markdown_text(&e.title),
                markdown_link(&e.path),
                markdown_text(e.status.as_deref().unwrap_or("")),
                markdown_text(e.last_reviewed.as_deref().unwrap_or(match e.error {
                    Some(_) => "unknown",
                    None => "never",
                })),
                e.due.as_deref().unwrap_or(""),
                match &e.error {
                    Some(error) => format!("{}: {}", e.state, markdown_text(error)),
                    None => e.state.to_string(),
                }
            );
        }
    }
    if let Some(note) = suppressed_note(due) {
        let _ = writeln!(out, "\n{}", markdown_text(&note));
    }
    out
}
