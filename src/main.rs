use std::process::ExitCode;

use clap::Parser;

mod allocator;

fn main() -> ExitCode {
    let cli = runbook::cli::Cli::parse();
    if matches!(cli.command, runbook::cli::Command::Lint(_)) {
        allocator::tune_for_lint();
    }
    runbook::cli::run(cli)
}
