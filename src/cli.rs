//! The command line, shared by `runbook` and `runbook-lint`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::config::Settings;
use crate::diagnostic::{Severity, Summary};
use crate::lint::report::{self, Format};
use crate::lint::{self, Selection};

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
    /// List the rules, or explain one.
    Rules(RulesArgs),
    /// Write each runbook's command blocks as a bash script under --out.
    Extract(crate::extract::commands::ExtractArgs),
    /// Check command blocks: syntax, shellcheck, placeholders, variables, destructive commands, secrets.
    Verify(crate::extract::commands::VerifyArgs),
    /// Run a runbook's script with every external command recorded, never executed.
    DryRun(crate::extract::commands::DryRunArgs),
}

#[derive(Args, Debug, Clone)]
pub struct Common {
    /// Path to book.toml (default: the nearest one in this folder or above).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The date review rules compare with (default: SOURCE_DATE_EPOCH, else the clock).
    #[arg(long, global = true, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
}

#[derive(Args, Debug)]
pub struct LintArgs {
    /// Files or folders to check (default: the whole source folder). Links
    /// still resolve against the whole tree.
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Treat warnings as errors for the exit code (`--deny warnings`).
    #[arg(long, value_name = "warnings")]
    pub deny: Option<DenyLevel>,
    /// Also list findings silenced by suppression comments (human format).
    #[arg(long)]
    pub show_suppressed: bool,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum DenyLevel {
    Warnings,
}

#[derive(Args, Debug)]
pub struct RulesArgs {
    /// A rule id, to print its full documentation.
    pub id: Option<String>,
    /// Print every rule's full documentation as Markdown.
    #[arg(long)]
    pub docs: bool,
}

/// Exit codes, as CI reads them.
pub const CLEAN: u8 = 0;
pub const FINDINGS: u8 = 1;
pub const FAILURE: u8 = 2;

pub fn run(cli: Cli) -> ExitCode {
    let code = match cli.command {
        Command::Lint(args) => lint_command(args),
        Command::Rules(args) => rules_command(&args),
        Command::Extract(args) => crate::extract::commands::extract_command(args),
        Command::Verify(args) => crate::extract::commands::verify_command(args),
        Command::DryRun(args) => crate::extract::commands::dry_run_command(args),
    };
    ExitCode::from(code)
}

pub fn load_settings(common: &Common) -> Result<Settings, u8> {
    let loaded = match &common.config {
        Some(file) => Settings::load(file),
        None => Settings::discover(std::path::Path::new(".")),
    };
    loaded.map_err(|e| {
        eprintln!("error: {e}");
        FAILURE
    })
}

pub fn today(common: &Common) -> Result<jiff::civil::Date, u8> {
    crate::review::today(common.today.as_deref()).map_err(|e| {
        eprintln!("error: {e}");
        FAILURE
    })
}

pub fn lint_command(args: LintArgs) -> u8 {
    let (mut settings, today) = match (load_settings(&args.common), today(&args.common)) {
        (Ok(s), Ok(t)) => (s, t),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    if settings.file.is_none() {
        settings.src = default_source(&args.paths);
    }
    if args.paths.is_empty() && !settings.src.is_dir() {
        eprintln!(
            "error: source folder `{}` does not exist (set `src` under [book] in book.toml, or name files to check)",
            settings.src.display()
        );
        return FAILURE;
    }
    let selection = if args.paths.is_empty() {
        Selection::All
    } else {
        Selection::Paths(args.paths.clone())
    };
    let outcome = lint::run(&settings, today, &selection);
    let summary = Summary::new(outcome.files, &outcome.diagnostics);
    let report = report::Report {
        diagnostics: &outcome.diagnostics,
        summary,
        show_suppressed: args.show_suppressed,
    };
    let mut out = anstream::stdout().lock();
    if let Err(e) = report::write(args.format, &report, &mut out).and_then(|_| out.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write the report: {e}");
            return FAILURE;
        }
    }
    if outcome.io_failure {
        return FAILURE;
    }
    let deny_warnings = matches!(args.deny, Some(DenyLevel::Warnings));
    let failing = outcome
        .diagnostics
        .iter()
        .filter(|d| d.is_counted())
        .any(|d| {
            d.severity == Severity::Error || (deny_warnings && d.severity == Severity::Warning)
        });
    if failing { FINDINGS } else { CLEAN }
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
    let mut out = anstream::stdout().lock();
    let result = match &args.id {
        Some(id) => match lint::rules::find(id) {
            Some(rule) => writeln!(
                out,
                "{}\nDefault severity: {}",
                rule.doc().trim_end(),
                rule.severity
            ),
            None => {
                eprintln!("error: no rule `{id}`; `runbook rules` lists them");
                return FAILURE;
            }
        },
        None if args.docs => lint::rules::ALL.iter().try_for_each(|rule| {
            writeln!(
                out,
                "<a id=\"{}\"></a>\n{}\nDefault severity: {}\n",
                rule.id,
                rule.doc().replacen("", "## ", 1).trim_end(),
                rule.severity
            )
        }),
        None => lint::rules::ALL.iter().try_for_each(|rule| {
            writeln!(
                out,
                "{:<22} {:<8} {}",
                rule.id,
                rule.severity.as_str(),
                rule.summary()
            )
        }),
    };
    match result {
        Ok(()) => CLEAN,
        Err(_) => FAILURE,
    }
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
