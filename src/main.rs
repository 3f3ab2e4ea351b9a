use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    runbook::cli::run(runbook::cli::Cli::parse())
}
