//! The global allocator of both binaries, `runbook` and `runbook-lint`
//! (each includes this file): mimalloc, tuned for what runbook does. Not
//! part of the library, so the benchmark floors and the tests keep the
//! system's allocator.

use std::alloc::{GlobalAlloc, Layout, System};

use mimalloc::MiMalloc;

/// See `Cargo.toml`: search indexing is allocation-bound under glibc's malloc.
#[global_allocator]
static ALLOCATOR: Allocator = Allocator;

/// Blocks of this size and more come from the system allocator. mimalloc
/// grows a block by copying it, so while pulldown-cmark's tree of a
/// hostile 10 MiB page doubles it holds the old and the new one: 970 MB to
/// lint 10 MiB of `[a`. glibc maps blocks this large on their own and
/// grows them in place (`mremap`): 560 MB. Runbooks of a normal size never
/// allocate a block this large, so every small allocation stays with
/// mimalloc.
const HUGE: usize = 32 << 20;

/// mimalloc, except for blocks of [`HUGE`] bytes and more.
struct Allocator;

// SAFETY: each block is freed and grown by the allocator that made it: the
// size in its layout says which, and a block whose size crosses `HUGE` is
// moved from one to the other by a copy.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        unsafe {
            if layout.size() >= HUGE {
                System.alloc(layout)
            } else {
                MiMalloc.alloc(layout)
            }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        unsafe {
            if layout.size() >= HUGE {
                System.alloc_zeroed(layout)
            } else {
                MiMalloc.alloc_zeroed(layout)
            }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated with `layout`, so by the allocator
        // its size picks.
        unsafe {
            if layout.size() >= HUGE {
                System.dealloc(ptr, layout)
            } else {
                MiMalloc.dealloc(ptr, layout)
            }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's contract, passed on; a block that changes
        // allocator is copied (the smaller of the two sizes) and freed.
        unsafe {
            match (layout.size() >= HUGE, new_size >= HUGE) {
                (false, false) => MiMalloc.realloc(ptr, layout, new_size),
                (true, true) => System.realloc(ptr, layout, new_size),
                _ => {
                    let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
                    let new = self.alloc(new_layout);
                    if !new.is_null() {
                        std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                        self.dealloc(ptr, layout);
                    }
                    new
                }
            }
        }
    }
}

/// For a lint: it frees each runbook's text and model as soon as it is
/// checked, and the next one allocates the same again: returning that
/// memory at once made every file fault its pages back in. Keeping it
/// 10 ms saves about 15% of the CPU time for 12 MB more at the peak (93 MB
/// on the 10,000-file benchmark: bench/README.md).
pub fn tune_for_lint() {
    set_purge_delay(10);
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
