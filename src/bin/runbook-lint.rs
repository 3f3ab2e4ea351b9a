//! `runbook-lint FILE...`: the pre-commit entry point, the same as
//! `runbook lint FILE...`.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = runbook::cli::LintCommand::parse();
    ExitCode::from(runbook::cli::lint_command(args.lint))
}
