//! `runbook-lint FILE...`: the pre-commit entry point, the same as
//! `runbook lint FILE...`, with the same allocator.

use std::process::ExitCode;

use clap::Parser;

#[path = "../allocator.rs"]
mod allocator;

fn main() -> ExitCode {
    allocator::tune_for_lint();
    let args = runbook::cli::LintCommand::parse();
    ExitCode::from(runbook::cli::lint_command(args.lint))
}
