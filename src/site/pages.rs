//! What the templates see: one summary per runbook (front matter, review
//! state, finding count) and the site pages built from the summaries: the
//! folder index, the review dashboard, one page per owner and per tag.
//!
//! Every URL here is relative to the site root and percent-encoded; each
//! template prefixes the page's `root` (`../` per folder level), so the site
//! works from any sub-path and from `file://`.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::Serialize;

use super::render::encode_path;
use crate::document::slug::{SlugCounter, slugify};
use crate::review::{Review, State};

#[derive(Clone, Debug, Serialize)]
pub struct Link {
    pub name: String,
    pub url: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    pub title: String,
    /// The title as lists, search results and the page's `<title>` show
    /// it: with the source path when another runbook of the book has the
    /// same title ([`Groups::listed_title`]), so two are told apart.
    pub listed: String,
    /// The source path, `ops/deploy.md`.
    pub rel: String,
    pub url: String,
    pub folder: String,
    pub owners: Vec<Link>,
    pub status: String,
    /// The status says the runbook is no longer to be followed
    /// ([`is_retired`]): its page opens with a warning.
    pub retired: bool,
    pub tags: Vec<Link>,
    pub last_reviewed: String,
    pub due: String,
    /// `overdue`, `due-soon`, `current`, `future`, `never-reviewed` (no
    /// date) or `invalid-date` (`last_reviewed` holds what is written).
    pub state: &'static str,
    /// The same in words, with the day count: `overdue by 12 days`.
    pub review: String,
    /// Dashboard order: overdue first, then no valid date, due soon, future, current.
    pub rank: u8,
    pub findings: usize,
    pub errors: usize,
    pub warnings: usize,
    /// `31 lint findings: 4 errors, 27 warnings`; empty without findings.
    pub findings_words: String,
    /// Lowercased text the index page's quick filter matches against.
    pub filter: String,
}

/// Statuses that say a runbook is kept for the record, not to be followed:
/// someone arriving from an old alert link must see that before step 1.
const RETIRED: &[&str] = &[
    "deprecated",
    "archived",
    "retired",
    "obsolete",
    "superseded",
];

pub fn is_retired(status: &str) -> bool {
    RETIRED
        .iter()
        .any(|r| r.eq_ignore_ascii_case(status.trim()))
}

/// The review columns of a summary, from the shared review rule; `invalid`
/// is a `last_reviewed` written but no date ([`crate::review::invalid_date`]).
/// States and words are those of `runbook due`: `never-reviewed`,
/// `invalid-date`, `overdue`, `due-soon`, `future`, and `current`.
pub fn review_fields(
    review: Option<&Review>,
    invalid: Option<&str>,
) -> (&'static str, String, u8, String, String) {
    let Some(r) = review else {
        if let Some(written) = invalid {
            let words = crate::review::invalid_date_words(written);
            return ("invalid-date", words, 1, written.to_string(), String::new());
        }
        return (
            "never-reviewed",
            "never reviewed".into(),
            1,
            String::new(),
            String::new(),
        );
    };
    let days = |n: i64| {
        if n == 1 {
            "1 day".to_string()
        } else {
            format!("{n} days")
        }
    };
    let (state, words, rank) = match r.state {
        State::Overdue => ("overdue", format!("overdue by {}", days(-r.days_left)), 0),
        State::DueSoon if r.days_left == 0 => ("due-soon", "due today".to_string(), 2),
        State::DueSoon => ("due-soon", format!("due in {}", days(r.days_left)), 2),
        State::Future => ("future", "reviewed in the future".to_string(), 3),
        State::Current => ("current", "current".to_string(), 4),
    };
    let due = if r.due == jiff::civil::Date::MAX {
        String::new()
    } else {
        r.due.to_string()
    };
    (state, words, rank, r.last.to_string(), due)
}

/// Owner and tag pages: a unique file name per name, from the shared slug
/// function, assigned in sorted order so rebuilds agree. Names that differ
/// only in letter case (`Postgres`, `postgres`; `@acme/SRE`, `@acme/sre`)
/// are one group, shown as most runbooks write it.
#[derive(Clone, Debug, Default)]
pub struct Groups {
    /// The name each group is shown as, to its page.
    pub owners: BTreeMap<String, String>,
    pub tags: BTreeMap<String, String>,
    /// A name in lower case to the name its group is shown as.
    owner_names: HashMap<String, String>,
    tag_names: HashMap<String, String>,
    /// Titles, trimmed and in lower case, that two or more runbooks have.
    pub shared_titles: BTreeSet<String>,
}

impl Groups {
    pub fn new<'a>(
        owners: impl Iterator<Item = &'a String>,
        tags: impl Iterator<Item = &'a String>,
    ) -> Groups {
        let (owner_names, owners) = assign("owners", owners);
        let (tag_names, tags) = assign("tags", tags);
        Groups {
            owners,
            tags,
            owner_names,
            tag_names,
            shared_titles: BTreeSet::new(),
        }
    }

    /// The same, knowing the titles of every runbook of the book.
    pub fn with_titles<'a>(mut self, titles: impl Iterator<Item = &'a str>) -> Groups {
        let mut seen = HashSet::new();
        self.shared_titles = titles
            .map(title_key)
            .filter(|key| !seen.insert(key.clone()))
            .collect();
        self
    }

    /// A runbook's title as lists show it: `Restart the API — payments/restart.md`
    /// when another runbook has the same title, else as written.
    pub fn listed_title(&self, summary: &Summary) -> String {
        if self.shared_titles.contains(&title_key(&summary.title)) {
            format!("{} — {}", summary.title.trim(), summary.rel)
        } else {
            summary.title.clone()
        }
    }

    pub fn owner(&self, name: &str) -> Link {
        let name = self.owner_name(name);
        Link {
            name: name.to_string(),
            url: self.owners.get(name).cloned().unwrap_or_default(),
        }
    }

    pub fn tag(&self, name: &str) -> Link {
        let name = self.tag_name(name);
        Link {
            name: name.to_string(),
            url: self.tags.get(name).cloned().unwrap_or_default(),
        }
    }

    /// The name an owner's group is shown as.
    pub fn owner_name<'a>(&'a self, name: &'a str) -> &'a str {
        self.owner_names
            .get(&name.to_lowercase())
            .map_or(name, String::as_str)
    }

    pub fn tag_name<'a>(&'a self, name: &'a str) -> &'a str {
        self.tag_names
            .get(&name.to_lowercase())
            .map_or(name, String::as_str)
    }
}

/// What two titles that say the same are compared by.
fn title_key(title: &str) -> String {
    title.trim().to_lowercase()
}

/// Groups `names` by letter case, each shown as most of its members write
/// it (the first in sorted order on a tie), and gives each group a page.
fn assign<'a>(
    dir: &str,
    names: impl Iterator<Item = &'a String>,
) -> (HashMap<String, String>, BTreeMap<String, String>) {
    let mut written: BTreeMap<&String, usize> = BTreeMap::new();
    for name in names {
        *written.entry(name).or_default() += 1;
    }
    let mut shown: HashMap<String, (&String, usize)> = HashMap::new();
    for (&name, &count) in &written {
        shown
            .entry(name.to_lowercase())
            .and_modify(|best| {
                if count > best.1 {
                    *best = (name, count);
                }
            })
            .or_insert((name, count));
    }
    let names: HashMap<String, String> = shown
        .into_iter()
        .map(|(key, (name, _))| (key, name.clone()))
        .collect();
    let mut counter = SlugCounter::default();
    let pages = names
        .values()
        .collect::<BTreeSet<&String>>()
        .into_iter()
        .map(|name| {
            let slug = slugify(name);
            let slug = match super::fit_stem(&slug) {
                "" => "-".to_string(),
                fits => fits.to_string(),
            };
            let slug = counter.unique(slug);
            (name.clone(), encode_path(&format!("{dir}/{slug}.html")))
        })
        .collect();
    (names, pages)
}

/// A folder on the index page, with the runbooks directly in it.
#[derive(Debug, Serialize)]
pub struct Folder {
    pub path: String,
    pub name: String,
    pub anchor: String,
    pub depth: usize,
    pub runbooks: Vec<Summary>,
}

/// The id of a folder's section on the index page, from its path alone, so
/// a link to the folder from any page can name it.
pub fn folder_anchor(path: &str) -> String {
    format!("rb:folder:{}", encode_path(path))
}

/// Folders in path order, every ancestor included so breadcrumbs always
/// have a target.
pub fn folders(summaries: &[Summary]) -> Vec<Folder> {
    let mut by_path: BTreeMap<String, Vec<Summary>> = BTreeMap::new();
    for s in summaries {
        let mut path = String::new();
        for part in s.folder.split('/').filter(|p| !p.is_empty()) {
            if !path.is_empty() {
                path.push('/');
            }
            path.push_str(part);
            by_path.entry(path.clone()).or_default();
        }
        by_path.entry(s.folder.clone()).or_default().push(s.clone());
    }
    by_path
        .into_iter()
        .map(|(path, runbooks)| Folder {
            name: path.rsplit('/').next().unwrap_or("").to_string(),
            depth: if path.is_empty() {
                0
            } else {
                path.matches('/').count() + 1
            },
            anchor: folder_anchor(&path),
            path,
            runbooks,
        })
        .collect()
}

/// Breadcrumbs for a runbook: each folder above it, linking to its place
/// on the index page.
pub fn crumbs(folder: &str, anchors: &HashMap<String, String>) -> Vec<Link> {
    let mut out = Vec::new();
    let mut path = String::new();
    for part in folder.split('/').filter(|p| !p.is_empty()) {
        if !path.is_empty() {
            path.push('/');
        }
        path.push_str(part);
        out.push(Link {
            name: part.to_string(),
            url: format!(
                "index.html#{}",
                anchors.get(&path).map(String::as_str).unwrap_or("")
            ),
        });
    }
    out
}

/// The dashboard's default order: most urgent first, then due date, then path.
pub fn dashboard_order(summaries: &mut [Summary]) {
    summaries.sort_by(|a, b| (a.rank, &a.due, &a.rel).cmp(&(b.rank, &b.due, &b.rel)));
}

#[derive(Debug, Serialize)]
pub struct Count {
    pub name: String,
    pub url: String,
    pub count: usize,
}

/// Each owner or tag with its page and how many runbooks it has.
pub fn counts(
    pages: &BTreeMap<String, String>,
    summaries: &[Summary],
    of: fn(&Summary) -> &[Link],
) -> Vec<Count> {
    let mut n: HashMap<&str, usize> = HashMap::new();
    for s in summaries {
        for link in of(s) {
            *n.entry(link.name.as_str()).or_default() += 1;
        }
    }
    pages
        .iter()
        .map(|(name, url)| Count {
            name: name.clone(),
            url: url.clone(),
            count: n.get(name.as_str()).copied().unwrap_or(0),
        })
        .collect()
}
