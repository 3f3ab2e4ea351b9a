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

/// A period as written in book.toml: text (`"90d"`, `"6 months"`) or,
/// as front matter's `review_every` takes it, a bare number of days.
struct PeriodText(String);

impl<'de> Deserialize<'de> for PeriodText {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = PeriodText;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a period such as \"90d\" or \"6 months\", or a number of days")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<PeriodText, E> {
                Ok(PeriodText(text.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, days: i64) -> Result<PeriodText, E> {
                Ok(PeriodText(days.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, days: u64) -> Result<PeriodText, E> {
                Ok(PeriodText(days.to_string()))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

fn period_text<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    PeriodText::deserialize(deserializer).map(|p| p.0)
}

fn period_texts<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, String>, D::Error> {
    let periods = BTreeMap::<String, PeriodText>::deserialize(deserializer)?;
    Ok(periods.into_iter().map(|(k, v)| (k, v.0)).collect())
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(default, rename_all = "kebab-case")]
pub struct Lint {
    /// How long a review stays valid: `90d`, `6 months`, `1 year`, `90`.
    #[serde(deserialize_with = "period_text")]
    pub review_period: String,
    /// Overrides of `review-period` for some statuses (`draft = "30d"`).
    #[serde(deserialize_with = "period_texts")]
    pub review_period_by_status: BTreeMap<String, String>,
    /// A review falling due within this window is a warning.
    #[serde(deserialize_with = "period_text")]
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

/// A key in `book.toml` that means nothing to runbook, so that a setting
/// the team believes in is never silently dropped.
#[derive(Clone, Debug)]
pub struct UnknownKey {
    pub key: String,
    pub line: usize,
    pub col: usize,
    pub suggestion: Option<String>,
    pub reason: Ignored,
}

/// Why a key of `book.toml` is ignored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ignored {
    /// No setting has this name.
    Unknown,
    /// A `[lint.review-period-by-status]` key that is no status a runbook
    /// may have: its period would apply to no runbook. The statuses are
    /// listed when they are a list (not a pattern).
    NoSuchStatus { statuses: Vec<String> },
    /// A value that cannot do what it is written for (a glob that can
    /// match no file, an empty list of statuses, a required field that is
    /// a slip of a known one): what it does instead, and what to write.
    NoEffect { message: String, help: String },
}

impl UnknownKey {
    pub fn message(&self) -> String {
        match &self.reason {
            Ignored::Unknown => format!("unknown key `{}` in {FILE_NAME}; it is ignored", self.key),
            Ignored::NoSuchStatus { .. } => format!(
                "`{}`: `{}` is not one of the statuses, so this period applies to no runbook and is ignored",
                self.key,
                self.key.rsplit('.').next().unwrap_or(&self.key)
            ),
            Ignored::NoEffect { message, .. } => format!("`{}`: {message}", self.key),
        }
    }

    pub fn help(&self) -> String {
        match (&self.suggestion, &self.reason) {
            (_, Ignored::NoEffect { help, .. }) => help.clone(),
            (Some(s), Ignored::Unknown) => format!("did you mean `{s}`?"),
            (None, Ignored::Unknown) => "see the README for the keys runbook reads".to_string(),
            (Some(s), Ignored::NoSuchStatus { .. }) => {
                format!("did you mean `{s}`? statuses are matched exactly, case included")
            }
            (None, Ignored::NoSuchStatus { statuses }) if !statuses.is_empty() => format!(
                "the statuses are {} (`statuses` under [lint])",
                statuses
                    .iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            (None, Ignored::NoSuchStatus { .. }) => {
                "name a status the rule `status-values` accepts".to_string()
            }
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
        match Settings::book_file(dir) {
            Some(file) => Settings::load(&file),
            None => Settings::from_config(Config::default(), None, dir.to_path_buf(), Vec::new()),
        }
    }

    /// The book.toml that governs `dir`: the nearest one in it or above.
    /// The path goes up from `dir` (`content/../book.toml`) rather than
    /// being absolute, so reports show `../content/x.md`.
    pub fn book_file(dir: &Path) -> Option<PathBuf> {
        let absolute = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        let mut relative = dir.to_path_buf();
        for ancestor in absolute.ancestors() {
            if ancestor.join(FILE_NAME).is_file() {
                return Some(relative.join(FILE_NAME));
            }
            relative.push("..");
        }
        None
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
        let config: Config = serde_ignored::deserialize(deserializer, |path| {
            ignored.push((path.to_string(), segments(&path)))
        })
        .map_err(|e| toml_error(file, &text, e))?;
        let known = known_keys();
        let unknown = ignored
            .into_iter()
            .filter(|(key, _)| !is_mdbook_key(key))
            .map(|(key, path)| locate_unknown(&text, key, &path, &known))
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
        // Only a bad value costs reading book.toml again, to say where.
        let located = |path: &[&str], part: Part| {
            file.as_deref()
                .and_then(|f| std::fs::read_to_string(f).ok())
                .and_then(|text| position(&text, path, part))
        };
        let at = |path: &[&str], part: Part| located(path, part).unwrap_or((1, 1));
        let error_at = |path: &[&str], part: Part, message: String| {
            let (line, col) = at(path, part);
            ConfigError {
                path: file.clone().unwrap_or_else(|| PathBuf::from(FILE_NAME)),
                line,
                col,
                message,
            }
        };
        let bad = |path: &[&str], message: String| error_at(path, Part::Value, message);
        let period = |path: &[&str], text: &str| {
            text.parse::<ReviewPeriod>()
                .map_err(|e| bad(path, format!("`{}`: {e}", path.join("."))))
        };
        let regex = |path: &[&str], text: &str| {
            Regex::new(text).map_err(|e| {
                bad(
                    path,
                    format!("`{}`: invalid regular expression: {e}", path.join(".")),
                )
            })
        };

        let lint = &config.lint;
        // An empty entry is a slip that would pass unseen: an empty pattern
        // matches every heading (the check is off), and an empty field or
        // status is one no runbook can have.
        let lists = [
            ("required-fields", &lint.required_fields),
            ("required-sections", &lint.required_sections),
            ("exclude", &lint.exclude),
        ];
        let listed = lists.into_iter().flat_map(|(key, items)| {
            items
                .iter()
                .enumerate()
                .map(move |(i, s)| (key, Some(i), s))
        });
        let statuses = lint.statuses.iter().flatten().enumerate();
        let heading = lint.rollback_heading.iter();
        let entries = listed
            .chain(statuses.map(|(i, s)| ("statuses", Some(i), s)))
            .chain(heading.map(|s| ("rollback-heading", None, s)));
        for (key, index, text) in entries {
            if text.trim().is_empty() {
                let index = index.map(|i| i.to_string());
                let path: Vec<&str> = ["lint", key].into_iter().chain(index.as_deref()).collect();
                return Err(bad(
                    &path,
                    format!(
                        "`lint.{key}`: an empty value, which would match nothing or everything: remove it"
                    ),
                ));
            }
        }
        let review_period = period(&["lint", "review-period"], &lint.review_period)?;
        let due_soon = period(&["lint", "due-soon"], &lint.due_soon)?;
        let mut review_period_by_status = HashMap::new();
        for (status, text) in &lint.review_period_by_status {
            let path = ["lint", "review-period-by-status", status];
            review_period_by_status.insert(status.clone(), period(&path, text)?);
        }
        let required_sections = lint
            .required_sections
            .iter()
            .enumerate()
            .map(|(i, s)| regex(&["lint", "required-sections", &i.to_string()], s))
            .collect::<Result<_, _>>()?;
        let mut globs = globset::GlobSetBuilder::new();
        for (i, pattern) in lint.exclude.iter().enumerate() {
            let glob = exclude_glob(pattern).map_err(|e| {
                bad(
                    &["lint", "exclude", &i.to_string()],
                    format!("`lint.exclude`: {e}"),
                )
            })?;
            globs.add(glob);
        }
        let exclude = globs
            .build()
            .map_err(|e| bad(&["lint", "exclude"], format!("`lint.exclude`: {e}")))?;
        let src = crate::workspace::normalize(&root.join(&config.book.src));
        let src = if src.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            src
        };
        // A book.toml comes with the pull request it gates: its `src` may
        // not point the linter at the machine's other files.
        if file.is_some()
            && let Some(real) = Boundary::new(&root, &root).escape(&src)
        {
            return Err(error_at(
                &["book", "src"],
                Part::Key,
                format!(
                    "`src` is `{}`, which resolves to `{}`, outside the repository (the folder of book.toml when it is in no git repository): a book.toml may point runbook only at the repository's own files; move the runbooks into it",
                    config.book.src.display(),
                    real.display()
                ),
            ));
        }
        let boundary = Boundary::new(&root, &src);
        let mut custom_rules = crate::lint::custom::load(&root.join("lints"), &boundary)?;
        let rollback_heading = lint
            .rollback_heading
            .as_ref()
            .map(|h| regex(&["lint", "rollback-heading"], h))
            .transpose()?;
        book_toml_over_rules(&mut custom_rules, lint.statuses.as_ref(), rollback_heading);
        let mut unknown_keys = unknown_keys;
        unknown_keys.extend(statuses_unknown(lint, &custom_rules, |path| {
            at(path, Part::Key)
        }));
        if config.build.search_shard_pages == 0 {
            return Err(bad(
                &["build", "search-shard-pages"],
                "`build.search-shard-pages`: a search index shard holds at least 1 runbook (the default is 500)".to_string(),
            ));
        }
        let written = |path: &[&str]| located(path, Part::Value);
        // A period already said to apply to no runbook is not said again.
        let in_force: HashMap<String, ReviewPeriod> = review_period_by_status
            .iter()
            .filter(|(status, _)| {
                let key = format!("lint.review-period-by-status.{status}");
                !unknown_keys.iter().any(|k| k.key == key)
            })
            .map(|(status, period)| (status.clone(), *period))
            .collect();
        unknown_keys.extend(no_effect(
            lint,
            &src,
            (review_period, &in_force, due_soon),
            written,
        ));
        for (rule, level) in &lint.rules {
            if let Some(builtin) = crate::lint::rules::find(rule) {
                if let Some(why) =
                    fixed_severity(rule).filter(|_| level.severity() != Some(builtin.severity))
                {
                    return Err(bad(
                        &["lint", "rules", rule],
                        format!(
                            "`lint.rules.{rule}`: `{rule}` cannot be set (it always reports at {}): {why}",
                            builtin.severity
                        ),
                    ));
                }
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
                    return Err(error_at(
                        &["lint", "rules", rule],
                        Part::Key,
                        format!("`lint.rules.{rule}`: no rule has this id ({hint})"),
                    ));
                }
                Some(r) => {
                    if let Some(builtin) = r.reports_as {
                        return Err(error_at(
                            &["lint", "rules", rule],
                            Part::Key,
                            format!(
                                "`lint.rules.{rule}`: this rule reports as `{builtin}`; set the severity of `{builtin}`, or drop the rule with `severity: off` in `lints/`"
                            ),
                        ));
                    }
                }
            }
        }
        let aliases = Aliases::new(&config.front_matter.aliases).map_err(|(path, m)| {
            let path: Vec<&str> = path.iter().map(String::as_str).collect();
            error_at(&path, Part::Key, m)
        })?;
        unknown_keys.extend(required_slips(&lint.required_fields, &aliases, |path| {
            at(path, Part::Value)
        }));
        // A templates folder named but not there: every page would quietly
        // be built from the shipped templates instead of the team's.
        let templates = &config.build.templates;
        let default_folder = Build::default().templates;
        if file.is_some() && *templates != default_folder && !root.join(templates).is_dir() {
            let (line, col) = at(&["build", "templates"], Part::Value);
            unknown_keys.push(UnknownKey {
                key: "build.templates".to_string(),
                line,
                col,
                suggestion: None,
                reason: Ignored::NoEffect {
                    message: format!(
                        "the templates folder `{}` does not exist: the site is built from the shipped templates",
                        templates.display()
                    ),
                    help: "fix the path (relative to book.toml), or remove the key".to_string(),
                },
            });
        }

        // A language Pagefind has no stemmer for still builds an index, one
        // that matches whole words only: `restart` no longer finds
        // `restarting`, and nothing says why.
        let language = &config.build.language;
        let base = language.split('-').next().unwrap_or(language);
        if !SEARCH_LANGUAGES.contains(&base) {
            let (line, col) = at(&["build", "language"], Part::Value);
            unknown_keys.push(UnknownKey {
                key: "build.language".to_string(),
                line,
                col,
                suggestion: None,
                reason: Ignored::NoEffect {
                    message: format!(
                        "the search has no stemmer for `{language}`: it matches whole words only (`restart` does not find `restarting`)"
                    ),
                    help: format!(
                        "use a lowercase ISO 639-1 code it knows: {}",
                        SEARCH_LANGUAGES.join(", ")
                    ),
                },
            });
        }

        let links = crate::lint::external::Options::new(&config.lint.links, &root)
            .map_err(|(key, m)| bad(&["lint", "links", key], format!("`lint.links.{key}`: {m}")))?;
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

    /// Leaves the folder `dir` out of the book when it lies inside the
    /// source folder: the site's destination (`site/` in a book whose
    /// source is `.`) holds output, never runbooks.
    pub fn leave_out(&mut self, dir: &Path) {
        let absolute = |p: &Path| std::path::absolute(p).map(|p| crate::workspace::normalize(&p));
        let (Ok(dir), Ok(src)) = (absolute(dir), absolute(&self.src)) else {
            return;
        };
        let Some(rel) = dir.strip_prefix(&src).ok().and_then(Path::to_str) else {
            return;
        };
        if rel.is_empty() {
            return;
        }
        let mut globs = globset::GlobSetBuilder::new();
        let patterns = self.config.lint.exclude.iter().cloned();
        let own = globset::escape(&rel.replace(std::path::MAIN_SEPARATOR, "/")) + "/**";
        for pattern in patterns.chain([own]) {
            if let Ok(glob) = exclude_glob(&pattern) {
                globs.add(glob);
            }
        }
        if let Ok(set) = globs.build() {
            self.exclude = set;
        }
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
                    // Its help names the default heading.
                    rule.help = None;
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
    /// The aliases of `[front-matter.aliases]`. A name given to two fields,
    /// or one that is another field's own name, is refused with the path of
    /// the key at fault: either way one field would silently lose its
    /// values to the other.
    fn new(config: &BTreeMap<String, Vec<String>>) -> Result<Aliases, (Vec<String>, String)> {
        use crate::document::front_matter::CANONICAL_FIELDS;
        let mut map: HashMap<String, &'static str> = HashMap::new();
        for (canonical, names) in config {
            let path = |more: &[String]| {
                ["front-matter", "aliases", canonical]
                    .iter()
                    .map(|s| s.to_string())
                    .chain(more.iter().cloned())
                    .collect::<Vec<_>>()
            };
            let Some(field) = CANONICAL_FIELDS.iter().find(|f| *f == canonical) else {
                return Err((
                    path(&[]),
                    format!(
                        "`front-matter.aliases.{canonical}`: not a front matter field; the fields are {}",
                        CANONICAL_FIELDS.join(", ")
                    ),
                ));
            };
            for (i, name) in names.iter().enumerate() {
                let at = || path(&[i.to_string()]);
                if let Some(other) = CANONICAL_FIELDS.iter().find(|f| *f == name && *f != field) {
                    return Err((
                        at(),
                        format!(
                            "`front-matter.aliases.{canonical}`: `{name}` is the front matter field `{other}`, so it cannot also stand for `{field}`; remove it from the aliases of `{field}`"
                        ),
                    ));
                }
                match map.insert(name.clone(), *field) {
                    Some(other) if other != *field => {
                        return Err((
                            at(),
                            format!(
                                "`front-matter.aliases`: `{name}` is an alias of both `{other}` and `{field}`; a front matter key can stand for one field only, so keep it under one of them"
                            ),
                        ));
                    }
                    _ => {}
                }
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
        .map_or((1, 1), |span| line_col(text, span.start));
    // A value of the wrong type is named by its key: the message alone
    // ("invalid type: sequence") does not say which setting it is.
    let key = error.span().and_then(|span| key_at(text, span.start));
    ConfigError {
        path: file.to_path_buf(),
        line,
        col,
        message: match key {
            Some(key) => format!("`{key}`: {}", plain_types(error.message())),
            None => plain_types(error.message()),
        },
    }
}

/// serde's names of Rust types (`expected usize`, `expected struct
/// Book`) as a book.toml's author knows them.
fn plain_types(message: &str) -> String {
    static RUST_TYPES: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
        Regex::new(r"expected (?:(?P<int>[ui](?:8|16|32|64|128|size))|struct \w+)\b").unwrap()
    });
    RUST_TYPES
        .replace_all(message, |caps: &regex::Captures| {
            if caps.name("int").is_some() {
                "expected a whole number"
            } else {
                "expected a table"
            }
        })
        .into_owned()
}

/// The dotted key whose value is written at byte `offset` of `text`.
fn key_at(text: &str, offset: usize) -> Option<String> {
    use toml::de::{DeTable, DeValue};
    fn find(table: &DeTable, offset: usize, path: &mut Vec<String>) -> bool {
        for (key, value) in table {
            path.push(key.get_ref().to_string());
            let found = match value.get_ref() {
                DeValue::Table(inner) if find(inner, offset, path) => true,
                _ => value.span().contains(&offset),
            };
            if found {
                return true;
            }
            path.pop();
        }
        false
    }
    let document = DeTable::parse(text).ok()?;
    let mut path = Vec::new();
    find(document.get_ref(), offset, &mut path).then(|| path.join("."))
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

/// The keys of a path that `serde_ignored` reports, without the marks of
/// `Option`s and newtypes, which are no keys of the file.
fn segments(path: &serde_ignored::Path) -> Vec<String> {
    use serde_ignored::Path;
    match path {
        Path::Root => Vec::new(),
        Path::Seq { parent, index } => {
            let mut keys = segments(parent);
            keys.push(index.to_string());
            keys
        }
        Path::Map { parent, key } => {
            let mut keys = segments(parent);
            keys.push(key.clone());
            keys
        }
        Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => segments(parent),
    }
}

fn locate_unknown(text: &str, key: String, path: &[String], known: &[String]) -> UnknownKey {
    let path: Vec<&str> = path.iter().map(String::as_str).collect();
    let (line, col) = position(text, &path, Part::Key).unwrap_or((1, 1));
    fn split(k: &str) -> (&str, &str) {
        k.rsplit_once('.').unwrap_or(("", k))
    }
    let (parent, name) = split(&key);
    // Names compared alone: the table they share would make any two
    // keys of one table look alike (`lint.q` and `lint.rules`).
    let suggestion = known
        .iter()
        .filter_map(|k| {
            let (p, n) = split(k);
            (p == parent).then(|| (strsim::jaro_winkler(n, name), k))
        })
        .filter(|(score, _)| *score > 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k.clone())
        // The right name in the wrong table (`[build] exclude`).
        .or_else(|| known.iter().find(|k| split(k).1 == name).cloned());
    UnknownKey {
        key,
        line,
        col,
        suggestion,
        reason: Ignored::Unknown,
    }
}

/// Which part of a setting a message points at.
#[derive(Clone, Copy)]
enum Part {
    /// The key: a name that means nothing.
    Key,
    /// The value: one that is wrong.
    Value,
}

/// Where the setting at `path` (keys, and indices into arrays) is written
/// in `text`, as a 1-based line and column in characters. A key is found
/// in its own table, wherever else the same name appears: read from the
/// parsed document's spans, not searched for in the lines. Where a table
/// is written in several places (`[lint]` and `lint.x = 1`), the key is
/// where the table first names it.
fn position(text: &str, path: &[&str], part: Part) -> Option<(usize, usize)> {
    use toml::de::{DeTable, DeValue};
    let document = DeTable::parse(text).ok()?;
    let (first, rest) = path.split_first()?;
    let (key, mut value) = document.get_ref().get_key_value(*first)?;
    let mut span = match part {
        Part::Key => key.span(),
        Part::Value => value.span(),
    };
    for segment in rest {
        let (key_span, next) = match value.get_ref() {
            DeValue::Table(table) => {
                let (key, next) = table.get_key_value(*segment)?;
                (key.span(), next)
            }
            DeValue::Array(items) => {
                let next = items.get(segment.parse::<usize>().ok()?)?;
                (next.span(), next)
            }
            _ => return None,
        };
        span = match part {
            Part::Key => key_span,
            Part::Value => next.span(),
        };
        value = next;
    }
    Some(line_col(text, span.start))
}

/// The languages Pagefind stems words for (its `fossick::get_stemmer`),
/// and those it splits into words instead (`zh`, `ja`, `th`), by the part
/// of `[build] language` before any `-` (`en-GB` is `en`).
const SEARCH_LANGUAGES: &[&str] = &[
    "ar", "ca", "da", "de", "el", "en", "eo", "es", "et", "eu", "fi", "fr", "ga", "hi", "hu", "hy",
    "id", "it", "ja", "lt", "nb", "ne", "nl", "nn", "no", "pl", "pt", "ro", "ru", "sr", "sv", "ta",
    "th", "tr", "yi", "zh",
];

/// The 1-based line and column (in characters) of a byte offset. A byte
/// order mark some editors write is no column of the first line.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let last = before.rsplit('\n').next().unwrap_or("");
    let last = match line {
        1 => last.strip_prefix('\u{feff}').unwrap_or(last),
        _ => last,
    };
    let col = last.chars().count() + 1;
    (line, col)
}

/// Keys of `[lint.review-period-by-status]` that no runbook can have as
/// its status (`Draft` where the statuses are `draft`): their stricter
/// period would be silently unused. The statuses are `[lint] statuses`,
/// else the default rule `status-values`'s list or pattern; with neither,
/// or with `status-invalid` off, any status is allowed and nothing is
/// checked.
fn statuses_unknown(
    lint: &Lint,
    rules: &[crate::lint::custom::CustomRule],
    at: impl Fn(&[&str]) -> (usize, usize),
) -> Vec<UnknownKey> {
    use crate::lint::custom::{Kind, STATUS_VALUES};
    // With `status-invalid` (which runs `status-values`) off, any status is
    // allowed, and a period for any may apply.
    if lint.rules.get(crate::lint::rules::status_invalid::ID) == Some(&Level::Off) {
        return Vec::new();
    }
    let rule = rules.iter().find_map(|r| match (&r.kind, r.id) {
        (Kind::FrontMatter { values, regex, .. }, STATUS_VALUES) => Some((values, regex)),
        _ => None,
    });
    let (statuses, pattern) = match (&lint.statuses, rule) {
        (Some(statuses), _) => (statuses, None),
        (None, Some((values, regex))) => (values, regex.as_ref()),
        (None, None) => return Vec::new(),
    };
    if statuses.is_empty() && pattern.is_none() {
        return Vec::new();
    }
    lint.review_period_by_status
        .keys()
        .filter(|status| !statuses.contains(status) && !pattern.is_some_and(|p| p.is_match(status)))
        .map(|status| {
            let (line, col) = at(&["lint", "review-period-by-status", status]);
            let suggestion = statuses
                .iter()
                .find(|s| s.eq_ignore_ascii_case(status))
                .map(String::as_str)
                .or_else(|| {
                    crate::lint::links::closest(status, statuses.iter().map(String::as_str))
                })
                .map(str::to_string);
            UnknownKey {
                key: format!("lint.review-period-by-status.{status}"),
                line,
                col,
                suggestion,
                reason: Ignored::NoSuchStatus {
                    statuses: statuses.clone(),
                },
            }
        })
        .collect()
}

/// Settings of `[lint]` that can never take effect as written: an
/// `exclude` glob no path in the source folder can match (absolute, or
/// leading out of it with `../`, or starting with `./`), an empty list of
/// `statuses` (any status passes), and a `due-soon` window as long as a
/// review period (a runbook of that period is due soon the day it is
/// reviewed). `written` is where a setting's value is in book.toml, if it
/// is there.
fn no_effect(
    lint: &Lint,
    src: &Path,
    (period, by_status, due_soon): (ReviewPeriod, &HashMap<String, ReviewPeriod>, ReviewPeriod),
    written: impl Fn(&[&str]) -> Option<(usize, usize)>,
) -> Vec<UnknownKey> {
    let mut found = Vec::new();
    let mut warn = |key: &str, (line, col): (usize, usize), message: String, help: String| {
        found.push(UnknownKey {
            key: key.to_string(),
            line,
            col,
            suggestion: None,
            reason: Ignored::NoEffect { message, help },
        });
    };
    for (i, glob) in lint.exclude.iter().enumerate() {
        let src = src.display();
        let relative =
            format!("write it relative to `{src}`: `drafts/**` leaves out `{src}/drafts/`");
        let (why, help) = if glob.starts_with(['/', '\\']) || glob.get(1..2) == Some(":") {
            ("is an absolute path", relative)
        } else if glob == ".." || glob.starts_with("../") {
            (
                "leads out of the source folder",
                format!("files outside `{src}` are never read: remove it, or {relative}"),
            )
        } else if let Some(inside) = glob.strip_prefix("./") {
            ("starts with `./`", format!("write it without: `{inside}`"))
        } else {
            continue;
        };
        let at = written(&["lint", "exclude", &i.to_string()]).unwrap_or((1, 1));
        warn(
            "lint.exclude",
            at,
            format!(
                "`{glob}` {why}, and `exclude` globs are matched against the paths of files inside the source folder (`{src}`), relative to it: it matches no file"
            ),
            help,
        );
    }
    if lint.statuses.as_ref().is_some_and(Vec::is_empty) {
        let at = written(&["lint", "statuses"]).unwrap_or((1, 1));
        warn(
            "lint.statuses",
            at,
            "the list is empty, so `status-invalid` accepts any status".to_string(),
            "list the statuses a runbook may have, or remove `statuses` for the default ones; to check no status, set `status-invalid = \"off\"` under [lint.rules]".to_string(),
        );
    }
    // Compared from one day: months are calendar months.
    let from = jiff::civil::date(2001, 1, 1);
    let covers = |p: &ReviewPeriod| due_soon.after(from) >= p.after(from);
    let mut periods: Vec<(String, Vec<&str>)> = Vec::new();
    if covers(&period) {
        periods.push((
            format!("the review period (`{}`)", lint.review_period),
            vec!["lint", "review-period"],
        ));
    }
    for (status, text) in &lint.review_period_by_status {
        // Only the statuses that can apply.
        if by_status.get(status).is_some_and(covers) {
            periods.push((
                format!("the review period of `{status}` runbooks (`{text}`)"),
                vec!["lint", "review-period-by-status", status],
            ));
        }
    }
    for (what, path) in periods {
        // At `due-soon`, else (left at its default) at the period.
        let at = written(&["lint", "due-soon"])
            .or_else(|| written(&path))
            .unwrap_or((1, 1));
        warn(
            "lint.due-soon",
            at,
            format!(
                "`{}` is as long as {what} or longer: a runbook is due soon from the day it is reviewed, so the warning tells nothing",
                lint.due_soon
            ),
            "make `due-soon` shorter than every review period (the default is `14d`)".to_string(),
        );
    }
    found
}

/// A glob of `[lint] exclude`, as a shell or `.gitignore` reads one: `*`
/// stays within a folder (`drafts/*.md` leaves `drafts/old/x.md` to be
/// linted), `**` crosses them.
fn exclude_glob(pattern: &str) -> Result<globset::Glob, globset::Error> {
    globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
}

/// Entries of `required-fields` that are no field runbook knows but a
/// slip of one (`ownr`, `owners`), as `unknown-field` finds them in front
/// matter: each runbook would be asked for the misspelt key, and a runbook
/// that has it would be told it is a misspelling.
fn required_slips(
    required: &[String],
    aliases: &Aliases,
    at: impl Fn(&[&str]) -> (usize, usize),
) -> Vec<UnknownKey> {
    required
        .iter()
        .enumerate()
        .filter(|(_, name)| aliases.canonical(name).is_none())
        .filter_map(|(i, name)| {
            let meant = crate::lint::rules::unknown_field::near_miss(name, aliases.known_names())?;
            let (line, col) = at(&["lint", "required-fields", &i.to_string()]);
            Some(UnknownKey {
                key: "lint.required-fields".to_string(),
                line,
                col,
                suggestion: Some(meant.to_string()),
                reason: Ignored::NoEffect {
                    message: format!(
                        "`{name}` is no front matter field runbook knows, but close to `{meant}`: every runbook is asked for a key `{name}`"
                    ),
                    help: format!(
                        "did you mean `{meant}`? If `{name}` is a field of your own, it is checked as written"
                    ),
                },
            })
        })
        .collect()
}

/// Why a rule's severity cannot be set in `[lint.rules]`, for the rules
/// whose findings come from walking and reading the tree, not from a
/// rule's check, so no setting reaches them. Accepting a setting that does
/// nothing would let a team believe a finding is silenced; and but for
/// `symlink-loop`, each means a file was not checked, which a gate must
/// not let pass.
fn fixed_severity(id: &str) -> Option<&'static str> {
    use crate::lint::rules::{file_too_large, io_error, symlink_loop, symlink_outside};
    Some(match id {
        io_error::ID => {
            "a gate that skips what it cannot read passes what it never checked; fix the permissions or the path, or leave the file out with `exclude` under [lint]"
        }
        file_too_large::ID => {
            "a file over the size limit is not read, so it was never checked; split it, or leave it out with `exclude` under [lint]"
        }
        symlink_outside::ID => {
            "a symlink out of the repository is never followed (it could read any file of the machine), so what it points to was never checked; copy the file in, or leave the link out with `exclude` under [lint]"
        }
        symlink_loop::ID => {
            "it is found while the tree is walked, before any rule's settings apply, and a link that loops is never followed; remove the link"
        }
        _ => return None,
    })
}
