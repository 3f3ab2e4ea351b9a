//! `book.toml`: every setting in one file, as in mdBook. Missing file or
//! missing keys mean defaults; unknown keys are reported, never ignored.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::diagnostic::Level;
use crate::duration::ReviewPeriod;
use crate::files::Boundary;

pub const FILE_NAME: &str = "book.toml";

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Config {
    pub book: Book,
    pub lint: Lint,
    #[serde(rename = "front-matter")]
    pub front_matter: FrontMatterConfig,
    pub extract: crate::extract::config::ExtractConfig,
    pub build: Build,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(default, rename_all = "kebab-case")]
pub struct Book {
    pub title: String,
    pub description: String,
    /// The folder that holds the runbooks, relative to `book.toml`.
    pub src: PathBuf,
}

impl Default for Book {
    fn default() -> Self {
        Book {
            title: "Runbooks".into(),
            description: String::new(),
            src: "content".into(),
        }
    }
}

/// `[build]`: where `runbook build` writes the site and what it trusts.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(default, rename_all = "kebab-case")]
pub struct Build {
    /// The output folder, relative to `book.toml`. mdBook calls it
    /// `build-dir`, which a book.toml brought over from it may still say.
    #[serde(alias = "build-dir")]
    pub dest: PathBuf,
    /// Templates that override the built-in ones file by file, relative to `book.toml`.
    pub templates: PathBuf,
    /// Keep raw HTML in Markdown as written instead of sanitizing it.
    pub allow_html: bool,
    /// The language the search index stems words for (ISO 639-1).
    pub language: String,
    /// Runbooks per search index shard: fewer use less memory while
    /// building, more mean fewer files for the browser to merge.
    pub search_shard_pages: usize,
    /// Where the site is served from (`/runbooks/`). Only the 404 page uses
    /// it: a server shows that page at any depth, where relative links
    /// cannot work. Every other page links relatively.
    pub site_url: String,
}

impl Build {
    /// `site-url` as the 404 page's links start: always ending in `/`, and
    /// a bare path (`runbooks`) read from the server's root.
    pub fn site_root(&self) -> String {
        let url = self.site_url.trim();
        let mut root = if url.starts_with('/') || url.contains("://") {
            url.to_string()
        } else {
            format!("/{url}")
        };
        if !root.ends_with('/') {
            root.push('/');
        }
        root
    }
}

impl Default for Build {
    fn default() -> Self {
        Build {
            dest: "site".into(),
            templates: "templates".into(),
            allow_html: false,
            language: "en".into(),
            search_shard_pages: 500,
            site_url: "/".into(),
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(default, rename_all = "kebab-case")]
pub struct Lint {
    /// How long a review stays valid: `90d`, `6 months`, `1 year`.
    pub review_period: String,
    /// Overrides of `review-period` for some statuses (`draft = "30d"`).
    pub review_period_by_status: BTreeMap<String, String>,
    /// A review falling due within this window is a warning.
    pub due_soon: String,
    /// The allowed statuses. Unset, the values of the default rule
    /// `status-values` (`lints/defaults/structure.yaml`) apply; set, they
    /// replace them, whatever the book's `lints/` says.
    pub statuses: Option<Vec<String>>,
    pub required_fields: Vec<String>,
    /// Heading patterns (regular expressions) every runbook must have.
    pub required_sections: Vec<String>,
    /// The heading pattern that counts as a rollback section. Unset, the
    /// default rule `rollback-section` gives it; set, it replaces it.
    pub rollback_heading: Option<String>,
    /// Glob patterns, relative to the source folder, of files not to read.
    pub exclude: Vec<String>,
    /// Skip what the repository's `.gitignore` files ignore (see
    /// `crate::ignored`).
    pub respect_gitignore: bool,
    /// Severity per rule id: `error`, `warning`, `info` or `off`.
    pub rules: BTreeMap<String, Level>,
    /// External link checking (`[lint.links]`).
    pub links: crate::lint::external::LinksConfig,
}

impl Default for Lint {
    fn default() -> Self {
        Lint {
            review_period: "90d".into(),
            review_period_by_status: BTreeMap::new(),
            due_soon: "14d".into(),
            statuses: None,
            required_fields: vec!["owner".into(), "last_reviewed".into(), "status".into()],
            required_sections: Vec::new(),
            rollback_heading: None,
            exclude: Vec::new(),
            respect_gitignore: true,
            rules: BTreeMap::new(),
            links: Default::default(),
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct FrontMatterConfig {
    /// Other names teams use for the canonical fields:
    /// `last_reviewed = ["last_reviewed_on"]`.
    pub aliases: BTreeMap<String, Vec<String>>,
}

/// A configuration error: the file, where, and what.
#[derive(Debug)]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path.display(),
            self.line,
            self.col,
            self.message
        )
    }
}

/// A key in `book.toml` that means nothing to runbook.
#[derive(Clone, Debug)]
pub struct UnknownKey {
    pub key: String,
    pub line: usize,
    pub col: usize,
    pub suggestion: Option<String>,
}

impl UnknownKey {
    pub fn message(&self) -> String {
        format!("unknown key `{}` in {FILE_NAME}; it is ignored", self.key)
    }

    pub fn help(&self) -> String {
        match &self.suggestion {
            Some(s) => format!("did you mean `{s}`?"),
            None => "see the README for the keys runbook reads".to_string(),
        }
    }
}

/// The loaded configuration, its location, and everything derived from it
/// once (compiled patterns, parsed periods) so rules never redo that work.
/// Names (without `.md`, in capitals as GitHub and mdBook spell them) of
/// the documents a repository keeps beside its runbooks: GitHub's
/// community files, a changelog, mdBook's table of contents. None is a
/// runbook, so none is held to the runbook rules, given front matter by
/// `--fix` or built into the site; a link to one still resolves.
pub const REPOSITORY_DOCUMENTS: &[&str] = &[
    "AUTHORS",
    "CHANGELOG",
    "CHANGES",
    "CODEOWNERS",
    "CODE_OF_CONDUCT",
    "CONTRIBUTING",
    "GOVERNANCE",
    "HISTORY",
    "LICENSE",
    "MAINTAINERS",
    "PULL_REQUEST_TEMPLATE",
    "SECURITY",
    "SUMMARY",
    "SUPPORT",
];

#[derive(Debug)]
pub struct Settings {
    pub config: Config,
    /// `book.toml`, when there is one.
    pub file: Option<PathBuf>,
    /// The folder `book.toml` is in (or the working directory).
    pub root: PathBuf,
    pub src: PathBuf,
    pub unknown_keys: Vec<UnknownKey>,
    pub aliases: Aliases,
    pub review_period: ReviewPeriod,
    pub review_period_by_status: HashMap<String, ReviewPeriod>,
    pub due_soon: ReviewPeriod,
    pub required_sections: Vec<Regex>,
    pub exclude: globset::GlobSet,
    pub links: crate::lint::external::Options,
    /// The rules of `lints/`: the defaults compiled from runbook's
    /// `lints/defaults/`, with the book's `lints/*.yaml` laid over them by
    /// id, and the `[lint]` settings that replace their data applied.
    pub custom_rules: Vec<crate::lint::custom::CustomRule>,
    /// Placeholder patterns and the destructive-command and credential lists.
    pub checks: crate::extract::config::Checks,
    /// Where symlinks in the book may lead.
    pub boundary: Boundary,
}

impl Settings {
    /// Finds `book.toml` in `dir` or the nearest folder above it.
    pub fn discover(dir: &Path) -> Result<Settings, ConfigError> {
        let absolute = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        // Walk up, but keep the path relative to `dir` so reports show
        // `../content/x.md` rather than an absolute path.
        let mut relative = dir.to_path_buf();
        for ancestor in absolute.ancestors() {
            let file = relative.join(FILE_NAME);
            if ancestor.join(FILE_NAME).is_file() {
                return Settings::load(&file);
            }
            relative.push("..");
        }
        Settings::from_config(Config::default(), None, dir.to_path_buf(), Vec::new())
    }

    pub fn load(file: &Path) -> Result<Settings, ConfigError> {
        let folder = file.parent().unwrap_or(Path::new(""));
        let unread = |message: String| ConfigError {
            path: file.to_path_buf(),
            line: 1,
            col: 1,
            message,
        };
        let text =
            crate::files::read_text_inside(file, &Boundary::new(folder, folder)).map_err(unread)?;
        let mut ignored = Vec::new();
        let deserializer =
            toml::Deserializer::parse(&text).map_err(|e| toml_error(file, &text, e))?;
        let config: Config =
            serde_ignored::deserialize(deserializer, |path| ignored.push(path.to_string()))
                .map_err(|e| toml_error(file, &text, e))?;
        let known = known_keys();
        let unknown = ignored
            .into_iter()
            .filter(|key| !is_mdbook_key(key))
            .map(|key| locate_unknown(&text, key, &known))
            .collect();
        let root = file.parent().map(Path::to_path_buf).unwrap_or_default();
        let root = if root.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            root
        };
        Settings::from_config(config, Some(file.to_path_buf()), root, unknown)
    }

    pub fn from_config(
        config: Config,
        file: Option<PathBuf>,
        root: PathBuf,
        unknown_keys: Vec<UnknownKey>,
    ) -> Result<Settings, ConfigError> {
        let bad = |key: &str, message: String| ConfigError {
            path: file.clone().unwrap_or_else(|| PathBuf::from(FILE_NAME)),
            line: file
                .as_deref()
                .and_then(|f| find_key_line(f, key))
                .unwrap_or(1),
            col: 1,
            message,
        };
        let period = |key: &str, text: &str| {
            text.parse::<ReviewPeriod>()
                .map_err(|e| bad(key, format!("`{key}`: {e}")))
        };
        let regex = |key: &str, text: &str| {
            Regex::new(text)
                .map_err(|e| bad(key, format!("`{key}`: invalid regular expression: {e}")))
        };

        let lint = &config.lint;
        let review_period = period("review-period", &lint.review_period)?;
        let due_soon = period("due-soon", &lint.due_soon)?;
        let mut review_period_by_status = HashMap::new();
        for (status, text) in &lint.review_period_by_status {
            review_period_by_status.insert(status.clone(), period(status, text)?);
        }
        let required_sections = lint
            .required_sections
            .iter()
            .map(|s| regex("required-sections", s))
            .collect::<Result<_, _>>()?;
        let mut globs = globset::GlobSetBuilder::new();
        for pattern in &lint.exclude {
            let glob = globset::Glob::new(pattern)
                .map_err(|e| bad("exclude", format!("`exclude`: {e}")))?;
            globs.add(glob);
        }
        let exclude = globs
            .build()
            .map_err(|e| bad("exclude", format!("`exclude`: {e}")))?;
        let src = crate::workspace::normalize(&root.join(&config.book.src));
        let src = if src.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            src
        };
        // A book.toml comes with the pull request it gates: its `src` may
        // not point the linter at the machine's other files.
        if file.is_some() {
            if let Some(real) = Boundary::new(&root, &root).escape(&src) {
                return Err(bad(
                    "src",
                    format!(
                        "`src` is `{}`, which resolves to `{}`, outside the repository (the folder of book.toml when it is in no git repository): a book.toml may point runbook only at the repository's own files; move the runbooks into it",
                        config.book.src.display(),
                        real.display()
                    ),
                ));
            }
        }
        let boundary = Boundary::new(&root, &src);
        let mut custom_rules = crate::lint::custom::load(&root.join("lints"), &boundary)?;
        let rollback_heading = lint
            .rollback_heading
            .as_ref()
            .map(|h| regex("rollback-heading", h))
            .transpose()?;
        book_toml_over_rules(&mut custom_rules, lint.statuses.as_ref(), rollback_heading);
        for rule in lint.rules.keys() {
            if crate::lint::rules::find(rule).is_some() {
                continue;
            }
            match custom_rules.iter().find(|r| r.id == rule) {
                None => {
                    let ids = crate::lint::rules::ALL
                        .iter()
                        .map(|r| r.id)
                        .chain(custom_rules.iter().map(|r| r.id));
                    let hint = match crate::lint::links::closest(rule, ids) {
                        Some(near) => format!("did you mean `{near}`?"),
                        None => "see `runbook rules`".to_string(),
                    };
                    return Err(bad(
                        rule,
                        format!("`lint.rules.{rule}`: no rule has this id ({hint})"),
                    ));
                }
                Some(r) => {
                    if let Some(builtin) = r.reports_as {
                        return Err(bad(
                            rule,
                            format!(
                                "`lint.rules.{rule}`: this rule reports as `{builtin}`; set the severity of `{builtin}`, or drop the rule with `severity: off` in `lints/`"
                            ),
                        ));
                    }
                }
            }
        }
        let aliases = Aliases::new(&config.front_matter.aliases).map_err(|m| bad("aliases", m))?;

        let links = crate::lint::external::Options::new(&config.lint.links, &root)
            .map_err(|(key, m)| bad(key, format!("`lint.links.{key}`: {m}")))?;
        let config_file = file.clone().unwrap_or_else(|| root.join(FILE_NAME));
        let checks =
            crate::extract::config::Checks::new(&config.extract, &custom_rules, &config_file)?;
        Ok(Settings {
            config,
            file,
            root,
            src,
            unknown_keys,
            aliases,
            review_period,
            review_period_by_status,
            due_soon,
            required_sections,
            exclude,
            custom_rules,
            links,
            checks,
            boundary,
        })
    }

    /// Whether the file at `rel` (relative to the source folder) is left
    /// out of the book: `exclude` matches it, or it is one of the
    /// documents a repository keeps beside its runbooks
    /// ([`REPOSITORY_DOCUMENTS`]).
    pub fn excluded(&self, rel: &str) -> bool {
        let name = rel.rsplit('/').next().unwrap_or(rel);
        let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
        // An empty set still builds a candidate path to match nothing.
        REPOSITORY_DOCUMENTS.contains(&stem)
            || (!self.exclude.is_empty() && self.exclude.is_match(rel))
    }

    /// What is wrong with the source folder, when it is none: the start of
    /// an error message, which the caller ends with what to set. `src`
    /// naming a file is said so, not called missing.
    pub fn source_problem(&self) -> Option<String> {
        let what = match std::fs::metadata(&self.src) {
            Ok(meta) if meta.is_dir() => return None,
            Ok(_) => "is a file, not a folder".to_string(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => "does not exist".to_string(),
            Err(e) => format!("cannot be read: {e}"),
        };
        Some(format!("source folder `{}` {what}", self.src.display()))
    }

    /// The review period for a status, before any per-file override.
    pub fn review_period_for(&self, status: Option<&str>) -> ReviewPeriod {
        status
            .and_then(|s| self.review_period_by_status.get(s))
            .copied()
            .unwrap_or(self.review_period)
    }
}

/// `statuses` and `rollback-heading` under [lint], when set, replace the
/// data of the default rules that hold them: book.toml has the last word.
fn book_toml_over_rules(
    rules: &mut [crate::lint::custom::CustomRule],
    statuses: Option<&Vec<String>>,
    rollback_heading: Option<Regex>,
) {
    use crate::lint::custom::{Kind, ROLLBACK_SECTION, STATUS_VALUES};
    for rule in rules {
        match (&mut rule.kind, rule.id) {
            (Kind::FrontMatter { values, .. }, STATUS_VALUES) => {
                if let Some(statuses) = statuses {
                    values.clone_from(statuses);
                }
            }
            (
                Kind::RequiredSection {
                    heading, mentions, ..
                },
                ROLLBACK_SECTION,
            ) => {
                if let Some(pattern) = &rollback_heading {
                    *heading = pattern.clone();
                    *mentions = crate::lint::custom::anywhere(pattern);
                }
            }
            _ => {}
        }
    }
}

/// Alias names to canonical front matter fields.
#[derive(Clone, Debug, Default)]
pub struct Aliases {
    map: HashMap<String, &'static str>,
}

impl Aliases {
    fn new(config: &BTreeMap<String, Vec<String>>) -> Result<Aliases, String> {
        use crate::document::front_matter::CANONICAL_FIELDS;
        let mut map = HashMap::new();
        for (canonical, names) in config {
            let Some(field) = CANONICAL_FIELDS.iter().find(|f| *f == canonical) else {
                return Err(format!(
                    "`front-matter.aliases.{canonical}`: not a front matter field; the fields are {}",
                    CANONICAL_FIELDS.join(", ")
                ));
            };
            for name in names {
                map.insert(name.clone(), *field);
            }
        }
        Ok(Aliases { map })
    }

    /// The canonical field a key stands for, if any.
    pub fn canonical(&self, key: &str) -> Option<&'static str> {
        use crate::document::front_matter::CANONICAL_FIELDS;
        CANONICAL_FIELDS
            .iter()
            .find(|f| **f == key)
            .copied()
            .or_else(|| self.map.get(key).copied())
    }

    /// Every name that maps to a field: the canonical names and the aliases.
    pub fn known_names(&self) -> impl Iterator<Item = &str> {
        use crate::document::front_matter::CANONICAL_FIELDS;
        CANONICAL_FIELDS
            .iter()
            .copied()
            .chain(self.map.keys().map(String::as_str))
    }
}

fn toml_error(file: &Path, text: &str, error: toml::de::Error) -> ConfigError {
    let (line, col) = error
        .span()
        .map(|span| {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
            (line, col)
        })
        .unwrap_or((1, 1));
    ConfigError {
        path: file.to_path_buf(),
        line,
        col,
        message: error.message().to_string(),
    }
}

/// Dotted paths of every key the configuration knows.
fn known_keys() -> Vec<String> {
    fn walk(prefix: &str, value: &toml::Value, out: &mut Vec<String>) {
        if let toml::Value::Table(table) = value {
            for (key, child) in table {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                out.push(path.clone());
                walk(&path, child, out);
            }
        }
    }
    let mut out = Vec::new();
    if let Ok(value) = toml::Value::try_from(Config::default()) {
        walk("", &value, &mut out);
    }
    // Keys unset by default, so absent from the walk.
    out.extend(
        [
            "lint.statuses",
            "lint.rollback-heading",
            "extract.placeholders",
        ]
        .map(String::from),
    );
    out
}

/// Keys mdBook reads: a `book.toml` shared with mdBook (or brought over
/// from it) keeps them, and they are no typo of runbook's.
const MDBOOK_KEYS: &[&str] = &[
    "book.authors",
    "book.language",
    "book.multilingual",
    "book.text-direction",
    "build.create-missing",
    "build.use-default-preprocessors",
    "build.extra-watch-dirs",
    "output",
    "preprocessor",
    "rust",
];

fn is_mdbook_key(key: &str) -> bool {
    MDBOOK_KEYS.iter().any(|k| {
        key.strip_prefix(k)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
    })
}

fn locate_unknown(text: &str, key: String, known: &[String]) -> UnknownKey {
    let last = key.rsplit('.').next().unwrap_or(&key).to_string();
    let (line, col) = text
        .lines()
        .enumerate()
        .find_map(|(i, l)| {
            let trimmed = l.trim_start();
            let is_key = trimmed.strip_prefix(last.as_str()).is_some_and(|rest| {
                let rest = rest.trim_start();
                rest.starts_with('=') || rest.starts_with('.')
            }) || trimmed.starts_with('[') && {
                // `[output.html]` is where the table `output` first shows.
                let table = trimmed.trim_start_matches('[').trim_end_matches(']').trim();
                table.ends_with(&last)
                    || table
                        .strip_prefix(key.as_str())
                        .is_some_and(|rest| rest.starts_with('.'))
            };
            is_key.then(|| (i + 1, l.len() - trimmed.len() + 1))
        })
        .unwrap_or((1, 1));
    let parent = key.rsplit_once('.').map(|(p, _)| p).unwrap_or("");
    let suggestion = known
        .iter()
        .filter(|k| k.rsplit_once('.').map(|(p, _)| p).unwrap_or("") == parent)
        .map(|k| (strsim::jaro_winkler(k, &key), k))
        .filter(|(score, _)| *score > 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k.clone());
    UnknownKey {
        key,
        line,
        col,
        suggestion,
    }
}

fn find_key_line(file: &Path, key: &str) -> Option<usize> {
    let text = std::fs::read_to_string(file).ok()?;
    text.lines()
        .position(|l| l.trim_start().trim_start_matches('"').starts_with(key))
        .map(|i| i + 1)
}
