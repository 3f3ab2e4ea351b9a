use std::process::ExitCode;

use clap::Parser;

/// See `Cargo.toml`: search indexing is allocation-bound under glibc's malloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    runbook::cli::run(runbook::cli::Cli::parse())
}
