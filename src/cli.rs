//! The command line, shared by `runbook` and `runbook-lint`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::config::Settings;
use crate::diagnostic::{Severity, Summary};
use crate::lint::report::{self, Format};
use crate::lint::{self, Selection};
use crate::workspace;

#[derive(Parser, Debug)]
#[command(
    name = "runbook",
    version,
    about = "Keeps operational runbooks honest: lint, extract, render and serve them."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check runbooks: front matter, review dates, rollback sections, links, Markdown pitfalls.
    Lint(LintArgs),
    /// List the rules with the severity each reports at here (`[lint.rules]`
    /// in book.toml applied), or explain one.
    Rules(RulesArgs),
    /// Record a review: set `last_reviewed` to today (and `reviewed_by`).
    Review(ReviewArgs),
    /// List runbooks overdue for review or falling due, by owner.
    ///
    /// Exits 1 when a runbook is overdue, has no review date, or has one that
    /// is in the future or no date; 2 when a runbook or folder could not be
    /// read (each is named on stderr) or the source folder is missing.
    Due(DueArgs),
    /// Start a runbook with the fields and sections the linter asks for.
    New(NewArgs),
    /// Print shell completions.
    Completions(CompletionsArgs),
    /// Start a book: book.toml, an example runbook, templates/ and lints/.
    Init(InitArgs),
    /// Write each runbook's command blocks as a bash script under --out.
    Extract(crate::extract::commands::ExtractArgs),
    /// Check command blocks: syntax, shellcheck, placeholders, variables, destructive commands, secrets.
    Verify(crate::extract::commands::VerifyArgs),
    /// Run a runbook's script with every external command recorded, never executed.
    DryRun(crate::extract::commands::DryRunArgs),
    /// Render the runbooks as a searchable static site.
    Build(BuildArgs),
    /// Build the site, serve it over HTTP (127.0.0.1 unless --bind says
    /// otherwise), and rebuild what each save changes: open pages reload by
    /// themselves and show the lint findings of what was saved.
    Serve(ServeArgs),
}

#[derive(Args, Debug)]
pub struct BuildArgs {
    /// Output folder (default: `[build] dest` in book.toml, else `site`).
    #[arg(long, value_name = "DIR")]
    pub dest: Option<PathBuf>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    #[arg(long, default_value_t = 3000)]
    pub port: u16,
    /// Address to listen on; anything but loopback exposes the site to the network.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    #[command(flatten)]
    pub build: BuildArgs,
}

#[derive(Args, Debug)]
pub struct ReviewArgs {
    /// The runbooks reviewed; each keeps every other byte as it was.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Who reviewed it (written to `reviewed_by`): a name, without control
    /// characters.
    #[arg(long, value_name = "NAME")]
    pub by: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Args, Debug)]
pub struct DueArgs {
    /// How far ahead to look (default: `[lint] due-soon`); `0` lists only
    /// what is overdue or due today.
    #[arg(long, value_name = "DURATION")]
    pub within: Option<String>,
    /// `human` for a terminal, `markdown` for an issue or a chat message,
    /// `json` for a script (`owner` is null for runbooks without one).
    #[arg(long, value_enum, default_value_t = DueFormat::Human)]
    pub format: DueFormat,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum DueFormat {
    Human,
    Json,
    Markdown,
}

#[derive(Args, Debug)]
pub struct NewArgs {
    /// The title (the file is named after it: `restore-the-orders-db.md`),
    /// or a file name such as `db/restore-orders.md`, titled after it: in
    /// the source folder (or --path), or from the current folder when it
    /// leads there (`content/db/restore-orders.md`); never outside it.
    pub title: String,
    /// Who answers for it: a team or rotation (`@acme/dba`), which outlives
    /// any one person.
    #[arg(long)]
    pub owner: String,
    /// Folder to create it in (default: the source folder).
    #[arg(long, value_name = "DIR")]
    pub path: Option<PathBuf>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Args, Debug)]
pub struct InitArgs {
    /// Folder to start the book in.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    pub shell: clap_complete::Shell,
}

#[derive(Args, Debug, Clone)]
pub struct Common {
    /// Path to book.toml (default: the nearest one in this folder or above).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The date review rules compare with (default: SOURCE_DATE_EPOCH, else the
    /// clock); the date `review` and `new` record (default: the clock).
    #[arg(long, global = true, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
}

#[derive(Args, Debug)]
pub struct LintArgs {
    /// Files or folders to check (default: the whole source folder). Links
    /// still resolve against the whole tree. A file that is not Markdown
    /// checks the runbooks that `{{#include}}` it.
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
    /// Apply the safe fixes, say what changed, then report what is left.
    #[arg(long)]
    pub fix: bool,
    /// Lint again whenever a runbook, book.toml or lints/ changes.
    #[arg(long)]
    pub watch: bool,
    /// Check external `http(s)` links too (cached; see `[lint.links]`).
    #[arg(long)]
    pub online: bool,
    /// Also check `#fragment`s on external HTML pages (implies `--online`).
    #[arg(long)]
    pub online_fragments: bool,
    /// Skip named files outside the book's source folder or matched by
    /// `exclude`: pre-commit passes every staged Markdown file, the README
    /// too. Without a book.toml, every named file is checked.
    #[arg(long)]
    pub force_exclude: bool,
    #[command(flatten)]
    pub common: Common,
}

/// How findings are reported, and which fail the run: shared by `lint`
/// and `verify`.
#[derive(Args, Debug)]
pub struct ReportArgs {
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Treat warnings as errors for the exit code (`--deny warnings`).
    #[arg(long, value_name = "warnings")]
    pub deny: Option<DenyLevel>,
    /// Also list findings silenced by suppression comments (human format,
    /// SARIF).
    #[arg(long)]
    pub show_suppressed: bool,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum DenyLevel {
    Warnings,
}

#[derive(Args, Debug)]
pub struct RulesArgs {
    /// A rule id, to print its full documentation.
    pub id: Option<String>,
    /// Print every built-in rule's documentation as Markdown.
    #[arg(long)]
    pub docs: bool,
    #[command(flatten)]
    pub common: Common,
}

/// Exit codes, as CI reads them.
pub const CLEAN: u8 = 0;
pub const FINDINGS: u8 = 1;
pub const FAILURE: u8 = 2;

pub fn run(cli: Cli) -> ExitCode {
    let code = match cli.command {
        Command::Lint(args) => lint_command(args),
        Command::Rules(args) => rules_command(&args),
        Command::Review(args) => review_command(&args),
        Command::Due(args) => due_command(&args),
        Command::New(args) => new_command(&args),
        Command::Init(args) => init_command(&args),
        Command::Completions(args) => completions_command(&args),
        Command::Extract(args) => crate::extract::commands::extract_command(args),
        Command::Verify(args) => crate::extract::commands::verify_command(args),
        Command::DryRun(args) => crate::extract::commands::dry_run_command(args),
        Command::Build(args) => build_command(&args).err().unwrap_or(CLEAN),
        Command::Serve(args) => serve_command(&args),
    };
    ExitCode::from(code)
}

/// Loads `book.toml` for a command that does not lint, warning on stderr
/// about keys it ignores: no report of findings will list them.
pub fn load_settings(common: &Common) -> Result<Settings, u8> {
    let settings = load_settings_quietly(common)?;
    warn_of_ignored_keys(&settings);
    Ok(settings)
}

/// The keys of `settings`' book.toml that do nothing, on stderr.
fn warn_of_ignored_keys(settings: &Settings) {
    if let Some(file) = &settings.file {
        for key in &settings.unknown_keys {
            crate::eprintln_printable!(
                "warning: {}:{}:{}: {} ({})",
                report::display_path(file),
                key.line,
                key.col,
                key.message(),
                key.help()
            );
        }
    }
}

/// Loads `book.toml` for a lint, whose report lists unknown keys as
/// `config-unknown-key` findings.
fn load_settings_quietly(common: &Common) -> Result<Settings, u8> {
    let loaded = match &common.config {
        Some(file) => Settings::load(file),
        None => Settings::discover(std::path::Path::new(".")),
    };
    loaded.map_err(|e| {
        crate::eprintln_printable!("error: {e}");
        FAILURE
    })
}

pub fn today(common: &Common) -> Result<jiff::civil::Date, u8> {
    crate::review::today(common.today.as_deref()).map_err(|e| {
        crate::eprintln_printable!("error: {e}");
        FAILURE
    })
}

/// The day `review`, `new` and `init` record: `--today`, else the clock (see
/// [`crate::review::recorded_today`]).
fn recorded_today(common: &Common) -> Result<jiff::civil::Date, u8> {
    crate::review::recorded_today(common.today.as_deref()).map_err(|e| {
        crate::eprintln_printable!("error: {e}");
        FAILURE
    })
}

pub fn lint_command(args: LintArgs) -> u8 {
    let today = match today(&args.common) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let mut settings = match lint_settings(&args) {
        Ok(s) => s,
        Err(code) => return code,
    };
    // Said once, to a person: the hook (`--force-exclude`) passes every
    // staged text file and needs no word about each.
    if !args.force_exclude {
        for script in args.paths.iter().filter(|p| workspace::is_script(p)) {
            crate::eprintln_printable!(
                "note: {} is not Markdown: checking the runbooks that {{{{#include}}}} it",
                report::display_path(script)
            );
        }
    }
    let code = lint_once(&args, &settings, today);
    if !args.watch {
        return code;
    }
    let watched = crate::watch::watched_paths(&settings);
    let mut watcher = match crate::watch::Watcher::new(&watched) {
        Ok(w) => w,
        Err(e) => {
            crate::eprintln_printable!("error: {e}");
            return FAILURE;
        }
    };
    crate::eprintln_printable!(
        "watching {} for changes (Ctrl-C to stop)",
        settings.src.display()
    );
    while let Some(changed) = watcher.next_batch() {
        let names: Vec<String> = changed
            .iter()
            .map(|p| report::display_path(&crate::watch::relative_to(p, Path::new("."))))
            .collect();
        crate::eprintln_printable!("\n--- changed: {} ---", names.join(", "));
        if changed
            .iter()
            .any(|p| crate::watch::is_config(p, &settings))
        {
            match lint_settings(&args) {
                Ok(reloaded) => settings = reloaded,
                Err(_) => continue,
            }
        }
        lint_once(&args, &settings, today);
    }
    CLEAN
}

/// The settings for a lint run: `book.toml` plus what the flags add.
fn lint_settings(args: &LintArgs) -> Result<Settings, u8> {
    let mut settings = load_settings_quietly(&args.common)?;
    if settings.file.is_none() {
        settings.src = default_source(&args.paths);
    }
    settings.links.online |= args.online || args.online_fragments;
    settings.links.fragments |= args.online_fragments;
    if let Some(problem) = settings.source_problem().filter(|_| args.paths.is_empty()) {
        crate::eprintln_printable!(
            "error: {problem} (set `src` under [book] in book.toml, or name files to check)"
        );
        return Err(FAILURE);
    }
    Ok(settings)
}

/// One lint: run, fix if asked, report; returns the exit code.
fn lint_once(args: &LintArgs, settings: &Settings, today: jiff::civil::Date) -> u8 {
    let selection = if args.paths.is_empty() {
        Selection::All
    } else if args.force_exclude {
        let book = workspace::Book::new(settings);
        let named = args
            .paths
            .iter()
            // A script or query a runbook includes is not a runbook: it
            // selects the runbooks that include it, wherever it is.
            .filter(|p| book.holds(p) || workspace::is_script(p));
        Selection::Paths(named.cloned().collect())
    } else {
        Selection::Paths(args.paths.clone())
    };
    let mut outcome = lint::run(settings, today, &selection);
    if outcome.files == 0 && matches!(selection, Selection::All) {
        warn_of_empty_book(settings);
    }
    // A fix can uncover another (a heading that now exists makes a link's
    // anchor fixable), so fix until nothing changes, as ruff does.
    for round in 0..if args.fix { 8 } else { 0 } {
        let fixed = crate::fix::apply(&outcome.diagnostics, &settings.src);
        for a in &fixed.applied {
            crate::eprintln_printable!(
                "fixed {}:{}:{} [{}] {}",
                report::display_path(&a.path),
                a.line,
                a.col,
                a.rule,
                a.description
            );
        }
        for (path, why) in fixed.skipped.iter().filter(|_| round == 0) {
            crate::eprintln_printable!("{}: {why}", report::display_path(path));
        }
        if fixed.applied.is_empty() {
            break;
        }
        outcome = lint::run(settings, today, &selection);
    }
    let code = finish(&outcome, &args.report, settings);
    if !args.watch {
        // The process ends next: freeing tens of thousands of findings one
        // string at a time would only delay the exit the OS does at once.
        std::mem::forget(outcome);
    }
    code
}

/// A gate that checks nothing passes: said on stderr, in every format, so a
/// wrong `src` or an `exclude` that leaves out every runbook does not pass
/// CI unseen (the exit code stays 0, as ruff's does for no files).
fn warn_of_empty_book(settings: &Settings) {
    let src = report::display_path(&settings.src);
    let markdown = walkdir::WalkDir::new(&settings.src)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() && workspace::is_markdown(e.path()))
        .count();
    crate::eprintln_printable!("warning: no runbook checked: none found under {src}");
    if markdown > 0 {
        crate::eprintln_printable!(
            "  = help: {} there {} left out by `exclude` in book.toml, .gitignore, \
             a hidden folder, or the repository documents runbook skips (see the README)",
            report::plural(markdown, "Markdown file"),
            if markdown == 1 { "is" } else { "are" }
        );
    }
}

/// Writes the report of a lint or a verify and picks the exit code: 2 when
/// a file could not be read, 1 for an error-level finding (or a warning with
/// `--deny warnings`), else 0. `settings` are those of the run: SARIF
/// describes their team rules.
pub fn finish(outcome: &lint::Outcome, args: &ReportArgs, settings: &Settings) -> u8 {
    let (format, show_suppressed) = (args.format, args.show_suppressed);
    let deny_warnings = matches!(args.deny, Some(DenyLevel::Warnings));
    let stdout = std::io::stdout();
    // Only the human format has colours, for a terminal that shows them
    // (anstream reads the terminal, `NO_COLOR` and `CLICOLOR_FORCE`).
    let choice = anstream::AutoStream::choice(&stdout);
    let colour = format == report::Format::Human && choice != anstream::ColorChoice::Never;
    let report = report::Report {
        diagnostics: &outcome.diagnostics,
        summary: Summary::new(outcome.files, &outcome.diagnostics),
        show_suppressed,
        colour,
        repository: match format {
            report::Format::Sarif | report::Format::Github | report::Format::Gitlab => {
                report::Repository::discover()
            }
            report::Format::Human | report::Format::Json => None,
        },
        team_rules: &settings.custom_rules,
    };
    // Streamed through a buffer: stdout is line-buffered and a pretty JSON
    // report has a line per field, while formatting the whole report in
    // memory first would double the peak memory of a big run.
    let written = if colour {
        let mut out = std::io::BufWriter::new(anstream::AutoStream::new(stdout.lock(), choice));
        report::write(format, &report, &mut out).and_then(|_| out.flush())
    } else {
        let mut out = std::io::BufWriter::new(stdout.lock());
        report::write(format, &report, &mut out).and_then(|_| out.flush())
    };

    if let Err(e) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        crate::eprintln_printable!("error: cannot write the report: {e}");
        return FAILURE;
    }
    if outcome.io_failure {
        // The human format lists them with the other findings. The others
        // go to a file or a service, and a CI log that says only "exit
        // code 2" would not say which file could not be read.
        if format != Format::Human {
            let unread = outcome
                .diagnostics
                .iter()
                .filter(|d| d.rule == lint::rules::io_error::ID);
            for d in unread {
                crate::eprintln_printable!(
                    "error: {}: {}",
                    report::one_line(&report::display_path(&d.path)),
                    report::one_line(&d.message)
                );
            }
        }
        return FAILURE;
    }
    let failing = outcome
        .diagnostics
        .iter()
        .filter(|d| d.is_counted())
        .any(|d| {
            d.severity == Severity::Error || (deny_warnings && d.severity == Severity::Warning)
        });
    if failing { FINDINGS } else { CLEAN }
}

fn review_command(args: &ReviewArgs) -> u8 {
    let given = match &args.common.config {
        Some(_) => match load_settings(&args.common) {
            Ok(settings) => Some(settings),
            Err(code) => return code,
        },
        None => None,
    };
    let today = match recorded_today(&args.common) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let by = match args.by.as_deref().map(crate::authoring::review::reviewer) {
        None => None,
        Some(Ok(name)) => Some(name),
        Some(Err(why)) => {
            crate::eprintln_printable!("error: --by: {why}; no file was changed");
            return FAILURE;
        }
    };
    let mut books = Books::default();
    let mut code = CLEAN;
    // Every file is reviewed, whatever becomes of stdout.
    let mut out = report::Stdout::default();
    for file in &args.files {
        let settings = match &given {
            Some(settings) => settings,
            None => match books.of(file) {
                Ok(settings) => settings,
                Err(e) => {
                    crate::eprintln_printable!("error: {}: {e}; not changed", file.display());
                    code = FAILURE;
                    continue;
                }
            },
        };
        let backwards = args.common.today.is_some();
        match crate::authoring::review::review(file, settings, today, by, backwards) {
            Ok(done) => {
                if let Some(last) = done.previous_date.filter(|&last| last > today) {
                    crate::eprintln_printable!(
                        "warning: {}: last_reviewed goes back from {last} to {today}, as --today says",
                        file.display()
                    );
                }
                let was = done
                    .previous
                    // A list written over lines, on one.
                    .map(|p| {
                        let p = p.split_whitespace().collect::<Vec<_>>().join(" ");
                        format!(" (was {})", report::one_line(&p))
                    })
                    .unwrap_or_default();
                out.line(&format!("{}: last_reviewed {today}{was}", file.display()));
            }
            Err(e) => {
                crate::eprintln_printable!("error: {}: {e}", file.display());
                code = FAILURE;
            }
        }
    }
    out.code(code)
}

/// The configuration of the book each file reviewed belongs to: the
/// nearest book.toml above the file, as ruff finds a file's settings, not
/// the one above the working directory. A review written with another
/// book's aliases would add `last_reviewed` beside the book's own name for
/// it (`reviewed`), and the book's lint would reject the file. Each
/// book.toml is loaded once (a folder without one, once per folder).
#[derive(Default)]
struct Books {
    by_book: std::collections::HashMap<PathBuf, Settings>,
}

impl Books {
    fn of(&mut self, file: &Path) -> Result<&Settings, String> {
        use std::collections::hash_map::Entry;
        let folder = file
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let book = Settings::book_file(folder);
        let key = workspace::full(book.as_deref().unwrap_or(folder));
        Ok(match self.by_book.entry(key) {
            Entry::Occupied(known) => known.into_mut(),
            Entry::Vacant(new) => {
                let settings = match book {
                    Some(file) => Settings::load(&file),
                    None => Settings::discover(folder),
                }
                .map_err(|e| e.to_string())?;
                // Once per book, as every other command warns.
                warn_of_ignored_keys(&settings);
                new.insert(settings)
            }
        })
    }
}

fn due_command(args: &DueArgs) -> u8 {
    let (mut settings, today) = match (load_settings(&args.common), today(&args.common)) {
        (Ok(s), Ok(t)) => (s, t),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    // Where `lint` looks without a book.toml; and a source folder that is
    // none is an error, as there: an empty report would say all is well.
    if settings.file.is_none() {
        settings.src = default_source(&[]);
    }
    if let Some(problem) = settings.source_problem() {
        crate::eprintln_printable!("error: {problem} (set `src` under [book] in book.toml)");
        return FAILURE;
    }
    let within = match &args.within {
        Some(text) => match crate::duration::ReviewPeriod::look_ahead(text) {
            Ok(period) => period,
            Err(e) => {
                crate::eprintln_printable!("error: --within: {e}");
                return FAILURE;
            }
        },
        None => settings.due_soon,
    };
    let (due, problems) = crate::authoring::due::collect(&settings, today, within);
    // What could not be read is said, and fails the run: the job that pings
    // owners must not report all clear about runbooks it never looked at.
    for problem in &problems {
        crate::eprintln_printable!(
            "{}: {}: {}",
            problem.severity.as_str(),
            report::one_line(&report::display_path(&problem.path)),
            report::one_line(&problem.message)
        );
    }
    let text = match args.format {
        DueFormat::Human => crate::authoring::due::human(&due),
        DueFormat::Markdown => crate::authoring::due::markdown(&due),
        DueFormat::Json => serde_json::to_string_pretty(&due).unwrap_or_default() + "\n",
    };
    let mut out = report::Stdout::default();
    out.write(&report::printable(&text));
    let code = if problems.iter().any(|p| p.severity == Severity::Error) {
        FAILURE
    } else if due.any_failing() {
        FINDINGS
    } else {
        CLEAN
    };
    out.code(code)
}

fn init_command(args: &InitArgs) -> u8 {
    // The example runbook's review date is written, like `new`'s.
    let today = match recorded_today(&args.common) {
        Ok(t) => t,
        Err(code) => return code,
    };
    match crate::authoring::init::init(&args.dir, today) {
        Ok(files) => {
            let mut out = report::Stdout::default();
            for file in files {
                out.line(&format!("created {}", file.display()));
            }
            out.line("next: `runbook lint`, then `runbook serve`");
            out.code(CLEAN)
        }
        Err(e) => {
            crate::eprintln_printable!("error: {e}");
            FAILURE
        }
    }
}

fn new_command(args: &NewArgs) -> u8 {
    let (mut settings, today) = match (load_settings(&args.common), recorded_today(&args.common)) {
        (Ok(s), Ok(t)) => (s, t),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    // Where `lint` and `due` read: without a book.toml, a `content/`
    // made here would take every runbook in `.` out of their sight.
    if settings.file.is_none() {
        settings.src = default_source(&[]);
    }
    // The first runbook of a book makes its source folder; said, since a
    // slip in `src` (`contnet`) would otherwise pass unseen.
    let made_src = args.path.is_none() && !settings.src.exists();
    let dir = args.path.clone().unwrap_or_else(|| settings.src.clone());
    match crate::authoring::new::create(&dir, &args.title, &args.owner, &settings, today) {
        Ok((path, unwritten)) => {
            for pattern in unwritten {
                crate::eprintln_printable!(
                    "warning: {}: no heading matching `{pattern}` was written (no heading text could be made from the pattern): add that section, or `lint` reports it",
                    path.display()
                );
            }
            if made_src {
                crate::eprintln_printable!(
                    "note: created the source folder `{}`{}",
                    settings.src.display(),
                    if settings.file.is_some() {
                        " that book.toml names under [book] `src`"
                    } else {
                        ""
                    }
                );
            }
            let mut out = report::Stdout::default();
            out.line(&format!("created {}", path.display()));
            out.code(CLEAN)
        }
        Err(e) => {
            crate::eprintln_printable!("error: {e}");
            FAILURE
        }
    }
}

/// The completion script, made in memory and then written: clap_complete
/// panics when it cannot write.
fn completions_command(args: &CompletionsArgs) -> u8 {
    let mut script = Vec::new();
    clap_complete::generate(
        args.shell,
        &mut <Cli as clap::CommandFactory>::command(),
        "runbook",
        &mut script,
    );
    let mut out = report::Stdout::default();
    out.write(&String::from_utf8_lossy(&script));
    out.code(CLEAN)
}

/// Every rule's doc as one Markdown page: `docs/rules.md` is this output.
pub fn rules_markdown() -> String {
    let mut page = String::from(
        "# Rules\n\nGenerated by `runbook rules --docs`; each rule's doc is the comment at the top of its file in `src/lint/rules/`.\n",
    );
    for rule in lint::rules::ALL {
        page.push_str(&format!(
            "\n## {}\n\n{} (default severity: {})\n\n",
            rule.id,
            rule.summary(),
            rule.severity
        ));
        // The doc's own first line is the title above; its sections nest under it.
        for line in rule.doc().lines().skip(1) {
            match line.strip_prefix("## ") {
                Some(section) => page.push_str(&format!("### {section}\n")),
                None => {
                    page.push_str(line);
                    page.push('\n');
                }
            }
        }
        let data = data_rules(lint::custom::defaults(), rule.id);
        if !data.is_empty() {
            page.push_str(&format!("\n### Default data\n{data}"));
        }
    }
    page
}

/// The rules of `lints/` a built-in rule runs, one Markdown item each.
fn data_rules(rules: &[lint::custom::CustomRule], builtin: &str) -> String {
    use lint::custom::Kind;
    lint::custom::reporting_as(rules, builtin)
        .map(|r| {
            let data = match &r.kind {
                Kind::Pattern { regex, .. } | Kind::Command { regex, .. } => {
                    format!("`{}`", regex.written)
                }
                Kind::RequiredSection { heading, .. } => format!("heading `{}`", heading.as_str()),
                Kind::FrontMatter { values, .. } => format!("values {}", values.join(", ")),
            };
            format!(
                "- `{}`: {} ({data}; {} line {})\n",
                r.id,
                r.message,
                report::display_path(&r.file),
                r.line
            )
        })
        .collect()
}

/// Builds the site; returns where it is.
fn build_command(args: &BuildArgs) -> Result<PathBuf, u8> {
    let mut settings = load_settings(&args.common)?;
    let today = today(&args.common)?;
    let dest = args
        .dest
        .clone()
        .unwrap_or_else(|| settings.root.join(&settings.config.build.dest));
    site_source(&mut settings, &dest);
    if let Some(problem) = source_error(&settings) {
        crate::eprintln_printable!("error: {problem}");
        return Err(FAILURE);
    }
    match crate::site::build(&settings, today, &dest) {
        Ok(built) => {
            for skipped in &built.skipped {
                crate::eprintln_printable!("warning: not rendered: {skipped}");
            }
            for refused in &built.refused {
                crate::eprintln_printable!("warning: not published: {refused}");
            }
            for path in &built.html_as_text {
                crate::eprintln_printable!(
                    "warning: {path}: its raw HTML nests more than {} elements deep, \
                     too deep to sanitize: the page shows it as text",
                    crate::site::nesting::MAX_DEPTH
                );
            }
            crate::eprintln_printable!(
                "built {} ({}) into {} in {:.2?} (search index {:.2?})",
                crate::lint::report::plural(built.runbooks, "runbook"),
                crate::lint::report::plural(built.pages, "page"),
                dest.display(),
                built.total,
                built.indexing
            );
            if built.pruned > 0 {
                crate::eprintln_printable!(
                    "removed {} the previous build wrote and this one did not",
                    crate::lint::report::plural(built.pruned, "file")
                );
            }
            Ok(dest)
        }
        Err(e) => {
            crate::eprintln_printable!("error: {e}");
            Err(FAILURE)
        }
    }
}

/// Builds, serves, and rebuilds on every save with live reload.
fn serve_command(args: &ServeArgs) -> u8 {
    let common = &args.build.common;
    let (mut settings, today) = match (load_settings(common), today(common)) {
        (Ok(settings), Ok(today)) => (settings, today),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    let dest = args
        .build
        .dest
        .clone()
        .unwrap_or_else(|| settings.root.join(&settings.config.build.dest));
    site_source(&mut settings, &dest);
    if let Some(problem) = source_error(&settings) {
        crate::eprintln_printable!("error: {problem}");
        return FAILURE;
    }
    // The destination is what the server hands out: one `build` refuses
    // (`/`, the book's own folder) must never be served, not even raw.
    if let Err(e) = crate::site::output::check_destination(&dest, &settings.src) {
        crate::eprintln_printable!("error: {e}");
        return FAILURE;
    }
    // Held while serving: a `runbook build` into the same folder would
    // prune the pages this server writes, and the other way round. Taking
    // it makes the folder, or refuses one that is a symlink.
    let _writing = match crate::site::output::WriterLock::acquire(&dest, "runbook serve") {
        Ok(lock) => lock,
        Err(e) => {
            crate::eprintln_printable!("error: {e}");
            return FAILURE;
        }
    };
    // Listening first: a port already taken stops here, before a build
    // writes into a folder another server may be serving.
    let addr = std::net::SocketAddr::new(args.bind, args.port);
    let hub = std::sync::Arc::new(crate::serve::events::Hub::default());
    let server = match crate::serve::Server::bind(&dest, addr) {
        Ok(server) => server.live(std::sync::Arc::clone(&hub)),
        Err(e) => {
            crate::eprintln_printable!("error: cannot listen on {addr}: {e}");
            return FAILURE;
        }
    };
    let config = common.config.clone();
    let given_dest = args.build.dest.clone();
    let load: crate::serve::rebuild::LoadSettings = Box::new(move || {
        let mut settings = match &config {
            Some(file) => Settings::load(file),
            None => Settings::discover(Path::new(".")),
        }
        .map_err(|e| e.to_string())?;
        let dest = given_dest
            .clone()
            .unwrap_or_else(|| settings.root.join(&settings.config.build.dest));
        site_source(&mut settings, &dest);
        // This server shows the site at its root, not where a portal
        // publishes it: the 404 page's links must lead here (as mdBook's
        // `serve` does). `runbook build` writes the page for `site-url`.
        settings.config.build.site_url = "/".into();
        Ok(settings)
    });
    let mut watched = crate::watch::watched_paths(&settings);
    watched.push(settings.root.join(&settings.config.build.templates));
    watched.sort();
    watched.dedup();
    let mut watcher = match crate::watch::Watcher::new(&watched) {
        Ok(w) => w,
        Err(e) => {
            crate::eprintln_printable!("error: {e}");
            return FAILURE;
        }
    };
    let mut rebuilder = crate::serve::rebuild::Rebuilder::start(
        load,
        today,
        &dest,
        args.build.dest.is_some(),
        std::sync::Arc::clone(&hub),
    );
    if let Ok(addr) = server.local_addr() {
        crate::eprintln_printable!(
            "serving {} at http://{addr}/, rebuilding on every save (Ctrl-C to stop)",
            dest.display()
        );
        if !addr.ip().is_loopback() {
            crate::eprintln_printable!(
                "warning: listening on {}, not on loopback: anyone who can reach this machine can read the site, and requests are answered whatever host they name",
                addr.ip()
            );
        }
    }
    let served = std::thread::spawn(move || server.run());
    while let Some(changed) = watcher.next_batch() {
        if served.is_finished() {
            break;
        }
        rebuilder.changed(&changed);
    }
    match served.join() {
        Ok(Ok(())) => CLEAN,
        Ok(Err(e)) => {
            crate::eprintln_printable!("error: server stopped: {e}");
            FAILURE
        }
        Err(_) => {
            crate::eprintln_printable!("error: the server panicked");
            FAILURE
        }
    }
}

/// The source folder of `build` and `serve`: as `lint` finds it (without
/// a book.toml, `content/` when there is one, else the working directory),
/// and without the site's own folder when it lies inside it (`site/` in
/// `.`), whose files are the output, not runbooks. A destination that is
/// the source folder or holds it is refused before this matters.
fn site_source(settings: &mut Settings, dest: &Path) {
    if settings.file.is_none() {
        settings.src = default_source(&[]);
    }
    settings.leave_out(dest);
}

/// What is wrong with the source folder, and what to do about it.
fn source_error(settings: &Settings) -> Option<String> {
    let problem = settings.source_problem()?;
    Some(if settings.file.is_some() {
        format!("{problem} (set `src` under [book] in book.toml)")
    } else {
        format!(
            "{problem}, and there is no book.toml to name another (run `runbook init` to start a book, or write a book.toml with `src` under [book])"
        )
    })
}

/// Without a book.toml: the folder named on the command line, else
/// `content/` when there is one, else the working directory.
pub fn default_source(paths: &[PathBuf]) -> PathBuf {
    match paths {
        [one] if one.is_dir() => one.clone(),
        [] if std::path::Path::new("content").is_dir() => PathBuf::from("content"),
        _ => PathBuf::from("."),
    }
}

fn rules_command(args: &RulesArgs) -> u8 {
    // The team's rules come from `lints/` next to book.toml; a broken rule
    // file is an error here as everywhere.
    let settings = match load_settings(&args.common) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let custom = &settings.custom_rules;
    // The severity each rule reports at here, `[lint.rules]` applied, as a
    // lint reports it: what a reader of the list takes the column for.
    let files = workspace::FileIndex::default();
    let cx = lint::Context::new(&settings, jiff::civil::Date::MIN, &files);
    let in_force = |id: &str| cx.severity(id).map_or("off", Severity::as_str);
    // Said when book.toml changes it.
    let set_here = |id: &str, default: Severity| {
        (cx.severity(id) != Some(default))
            .then(|| format!("{} here ([lint.rules] in book.toml)", in_force(id)))
    };
    let mut out = report::Stdout::default();
    match &args.id {
        Some(id) => {
            // A rule that is data of a built-in one reports at its level.
            let (doc, default, data, reports) =
                match (lint::rules::find(id), custom.iter().find(|r| r.id == id)) {
                    (Some(rule), _) => {
                        let data = data_rules(custom, rule.id);
                        let data = if data.is_empty() {
                            String::new()
                        } else {
                            format!("\n\n## Data in force (lints/)\n{}", data.trim_end())
                        };
                        (rule.doc(), rule.severity, data, rule.id)
                    }
                    (None, Some(rule)) => (
                        rule.doc(),
                        rule.severity,
                        String::new(),
                        rule.reports_as.unwrap_or(rule.id),
                    ),
                    (None, None) => {
                        let ids = || {
                            lint::rules::ALL
                                .iter()
                                .map(|r| r.id)
                                .chain(custom.iter().map(|r| r.id))
                        };
                        let near = lint::links::closest(id, ids())
                            .or_else(|| lint::links::closest(&id.to_lowercase(), ids()));
                        match near {
                            Some(near) => crate::eprintln_printable!(
                                "error: no rule `{id}`; did you mean `{near}`?"
                            ),
                            None => crate::eprintln_printable!(
                                "error: no rule `{id}`; `runbook rules` lists them"
                            ),
                        }
                        return FAILURE;
                    }
                };
            let mut text = format!("{}{data}\nDefault severity: {default}\n", doc.trim_end());
            if let Some(here) = set_here(reports, default) {
                text.push_str(&format!("Severity: {here}\n"));
            }
            out.write(&text);
        }
        None if args.docs => out.write(&rules_markdown()),
        None => {
            let builtin = lint::rules::ALL
                .iter()
                .map(|r| (r.id, r.id, r.severity, r.summary()));
            let team = custom.iter().map(|r| {
                let origin = match (r.reports_as, r.builtin) {
                    (Some(b), true) => format!("default, reports as {b}"),
                    (Some(b), false) => {
                        format!("{}, reports as {b}", report::display_path(&r.file))
                    }
                    (None, true) => "default".to_string(),
                    (None, false) => report::display_path(&r.file),
                };
                // A rule that is data of a built-in one reports at its level.
                let reports = r.reports_as.unwrap_or(r.id);
                (
                    r.id,
                    reports,
                    r.severity,
                    format!("{} ({origin})", r.message),
                )
            });
            let rows: Vec<_> = builtin.chain(team).collect();
            let width = rows.iter().map(|(id, ..)| id.len()).max().unwrap_or(0);
            let mut text = String::new();
            for (id, reports, default, summary) in rows {
                let changed = match cx.severity(reports) {
                    Some(level) if level == default => String::new(),
                    _ => format!(" [default: {default}]"),
                };
                text.push_str(&format!(
                    "{id:<width$} {:<8} {summary}{changed}\n",
                    in_force(reports)
                ));
            }
            out.line(text.trim_end());
        }
    }
    out.code(CLEAN)
}

/// `runbook-lint`: only the lint arguments.
#[derive(Parser, Debug)]
#[command(
    name = "runbook-lint",
    version,
    about = "Lint runbooks (the same as `runbook lint`), for pre-commit."
)]
pub struct LintCommand {
    #[command(flatten)]
    pub lint: LintArgs,
}
