use std::process::ExitCode;

use clap::Parser;

/// See `Cargo.toml`: search indexing is allocation-bound under glibc's malloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = runbook::cli::Cli::parse();
    if matches!(cli.command, runbook::cli::Command::Lint(_)) {
        // A lint frees each runbook's text and model as soon as it is
        // checked, and the next one allocates the same again: returning
        // that memory at once made every file fault its pages back in.
        // Keeping it 10 ms saves about 15% of the CPU time for 12 MB more
        // at the peak (93 MB on the 10,000-file benchmark: bench/README.md).
        set_purge_delay(10);
    }
    runbook::cli::run(cli)
}

/// Runs before `main`, before the Rust runtime's first allocation reserves
/// an arena: options set later would not apply to it.
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static TUNE_ALLOCATOR: extern "C" fn() = tune_allocator;

/// See `Cargo.toml`: return freed memory at once, commit arenas lazily.
#[cfg(target_os = "linux")]
extern "C" fn tune_allocator() {
    set_purge_delay(0);
    // SAFETY: setting an option is always sound; this one only changes when
    // memory is committed, not what any allocation holds.
    unsafe { libmimalloc_sys::mi_option_set(ARENA_EAGER_COMMIT, 0) }
}

// Positions in `mi_option_e` of mimalloc 3 (`include/mimalloc.h`), which
// libmimalloc-sys 0.1.49 builds but names only for mimalloc 2.
#[cfg(target_os = "linux")]
const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// How long freed memory stays with the process before it goes back to the
/// system; mimalloc reads the option each time it schedules a purge.
fn set_purge_delay(milliseconds: std::ffi::c_long) {
    // SAFETY: setting an option is always sound; this one only changes when
    // memory is returned, not what any allocation holds.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, milliseconds) }
}
