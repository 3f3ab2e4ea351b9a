//! A ShellCheck finding in a command block (`shellcheck`)
//!
//! ## What it checks
//! `runbook verify` runs `shellcheck` (when it is installed) over the
//! extracted scripts, in a few processes for the whole tree, and reports
//! each finding at the Markdown line of the command, with ShellCheck's
//! code (`SC2086`) in the message. `runbook lint` does not run it: lint
//! stays in process and fast. Findings about what runbook itself checks
//! (unset variables) are left to runbook's own rules. A runbook whose
//! script is over 100 KB is not given to ShellCheck, which needs about 2 GB
//! of memory per MB of script, and ShellCheck is stopped past 1 GB or two
//! minutes on one script (deep nesting, long `&&` chains): either is a
//! finding of this rule at the runbook's first block.
//!
//! Each finding keeps ShellCheck's level: its errors are errors (a space
//! after `\` that cuts `--dry-run` off a command), its warnings warnings,
//! its info and style notes info, which fail no run. Setting the rule's
//! level in book.toml (`shellcheck = "warning"`) sets it for all of them.
//!
//! ## Why it matters
//! Unquoted expansions, `cd` without `|| exit`, and useless `cat`s are the
//! bugs of copied shell. ShellCheck knows them all.
//!
//! ## Example
//! ```markdown
//! ~~~bash
//! rm -rf $BUILD_DIR/cache
//! ~~~
//! ```
//!
//! ## Fix
//! ```markdown
//! ~~~bash
//! rm -rf "${BUILD_DIR:?}/cache"
//! ~~~
//! ```
//!
//! Install it with `apt-get install -y shellcheck`; `verify` says when it
//! is missing and goes on without it.

crate::rule!("shellcheck", Warning, None);
