use std::process::ExitCode;

use clap::Parser;

/// See `Cargo.toml`: search indexing is allocation-bound under glibc's malloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    runbook::cli::run(runbook::cli::Cli::parse())
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
    // Positions in `mi_option_e` of mimalloc 3 (`include/mimalloc.h`), which
    // libmimalloc-sys 0.1.49 builds but names only for mimalloc 2.
    const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: setting an option is always sound; these two only change when
    // memory is committed and returned, not what any allocation holds.
    unsafe {
        libmimalloc_sys::mi_option_set(PURGE_DELAY, 0);
        libmimalloc_sys::mi_option_set(ARENA_EAGER_COMMIT, 0);
    }
}
