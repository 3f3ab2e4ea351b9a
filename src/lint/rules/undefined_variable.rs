//! A variable that nothing sets (`undefined-variable`)
//!
//! ## What it checks
//! `$NAME` and `${NAME}` in commands when no step up to that one sets
//! `NAME` (`NAME=...`, `export`, `declare`, `read`, `mapfile`, `printf -v`,
//! `let`, `for`, `select`, `getopts`), no block declares it in
//! `requires`, and it is not one the shell or the login session always has
//! (`HOME`, `PATH`, `USER`, ...). Steps run in order, so a later step that
//! sets it comes too late, and the finding names its line; inside a
//! function, a setting in any step counts, since the function may be
//! called after it. `${NAME:-default}` is fine, and so is any read after a
//! `source`, `.` or `eval`: the file or text they run may set it.
//!
//! ## Why it matters
//! An unset variable expands to nothing: `rm -rf "$DATA_DIR/"` becomes
//! `rm -rf /`. Extracted scripts run with `set -u` and check such
//! variables before the step starts.
//!
//! ## Example
//! ```markdown
//! ~~~bash
//! psql "$DATABASE_URL" -c 'SELECT 1'
//! ~~~
//! ```
//!
//! ## Fix
//! ```markdown
//! ~~~bash {requires=DATABASE_URL}
//! psql "$DATABASE_URL" -c 'SELECT 1'
//! ~~~
//! ```

crate::rule!("undefined-variable", Warning, None);
