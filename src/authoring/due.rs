//! `runbook due`: the runbooks overdue for review or falling due, grouped
//! by owner, for the nightly job that pings owners.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use jiff::civil::Date;
use rayon::prelude::*;
use serde::Serialize;

use crate::config::Settings;
use crate::duration::ReviewPeriod;
use crate::lint::report::{display_path, markdown_link, markdown_text, one_line, plural};
use crate::review::{State, review};
use crate::workspace;

#[derive(Clone, Debug, Serialize)]
pub struct Entry {
    pub path: String,
    pub title: String,
    pub status: Option<String>,
    pub last_reviewed: Option<String>,
    pub due: Option<String>,
    /// `overdue`, `due-soon`, or `never-reviewed` (no valid `last_reviewed`).
    pub state: &'static str,
    pub days_left: Option<i64>,
}

#[derive(Debug, Serialize)]
pub struct Owner {
    pub owner: String,
    pub runbooks: Vec<Entry>,
}

#[derive(Debug, Serialize)]
pub struct Due {
    pub today: String,
    pub within: String,
    pub owners: Vec<Owner>,
}

impl Due {
    /// Overdue or never reviewed: what fails a scheduled job.
    pub fn any_overdue(&self) -> bool {
        self.owners
            .iter()
            .flat_map(|o| &o.runbooks)
            .any(|e| e.state != "due-soon")
    }
}

pub fn collect(settings: &Settings, today: Date, within: ReviewPeriod) -> Due {
    let walk = workspace::walk(settings);
    let horizon = within.after(today).unwrap_or(Date::MAX);
    let found: Vec<(Vec<String>, Entry)> = walk
        .markdown
        .par_iter()
        .filter_map(|source| {
            let doc = workspace::read(source, settings).ok()?;
            let fields = doc.fields();
            let owners = fields
                .and_then(|f| f.owner.as_ref())
                .map(|o| o.value.clone())
                .filter(|o| !o.is_empty());
            let owners = owners.unwrap_or_else(|| vec!["(no owner)".to_string()]);
            let status = fields
                .and_then(|f| f.status.as_ref())
                .map(|s| s.value.clone());
            let state = fields.and_then(|f| review(f, settings, today));
            let base = Entry {
                path: display_path(&doc.path),
                title: doc.title(),
                status,
                last_reviewed: state.as_ref().map(|r| r.last.to_string()),
                due: state.as_ref().map(|r| r.due.to_string()),
                state: "never-reviewed",
                days_left: state.as_ref().map(|r| r.days_left),
            };
            let entry = match &state {
                None => base,
                Some(r) if r.state == State::Overdue => Entry {
                    state: "overdue",
                    ..base
                },
                Some(r) if r.due <= horizon && r.state != State::Future => Entry {
                    state: "due-soon",
                    ..base
                },
                Some(_) => return None,
            };
            Some((owners, entry))
        })
        .collect();
    let mut by_owner: BTreeMap<String, Vec<Entry>> = BTreeMap::new();
    for (owners, entry) in found {
        for owner in owners {
            by_owner.entry(owner).or_default().push(entry.clone());
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
    Due {
        today: today.to_string(),
        within: within.to_string(),
        owners,
    }
}

pub fn human(due: &Due) -> String {
    let mut out = String::new();
    if due.owners.is_empty() {
        let _ = writeln!(
            out,
            "nothing overdue or due within {} of {}",
            due.within, due.today
        );
        return out;
    }
    for owner in &due.owners {
        let _ = writeln!(out, "{} ({})", one_line(&owner.owner), owner.runbooks.len());
        for e in &owner.runbooks {
            let when = match (e.state, e.days_left) {
                ("never-reviewed", _) => "never reviewed".to_string(),
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
    out
}

pub fn markdown(due: &Due) -> String {
    let mut out = format!("# Runbook reviews due ({})\n", due.today);
    if due.owners.is_empty() {
        let _ = writeln!(out, "\nNothing overdue or due within {}.", due.within);
        return out;
    }
    for owner in &due.owners {
        let _ = write!(
            out,
            "\n## {}\n\n| Runbook | Status | Last reviewed | Due | |\n|---|---|---|---|---|\n",
            markdown_text(&owner.owner)
        );
        for e in &owner.runbooks {
            let _ = writeln!(
                out,
                "| [{}]({}) | {} | {} | {} | {} |",
                markdown_text(&e.title),
                markdown_link(&e.path),
                markdown_text(e.status.as_deref().unwrap_or("")),
                e.last_reviewed.as_deref().unwrap_or("never"),
                e.due.as_deref().unwrap_or(""),
                e.state
            );
        }
    }
    out
}
