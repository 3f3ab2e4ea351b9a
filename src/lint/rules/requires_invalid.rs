//! A `requires` entry that is not a variable name (`requires-invalid`)
//!
//! ## What it checks
//! Each name a command block declares in `requires` (`{requires=A,B}` or
//! the JSON form `{"requires":"A"}`) must be a shell variable name: a
//! letter or `_`, then letters, digits or `_`.
//!
//! ## Why it matters
//! `requires` is how the extracted script knows to stop before a step
//! whose input is missing. A name the shell cannot check (`PG-HOST`,
//! `$PGHOST`, a name with a line break from JSON's `\n`) is left out of
//! the script, so the step runs without the check its author asked for.
//!
//! ## Example
//! ```markdown
//! ~~~bash {requires=PG-HOST}
//! pg_dump -h "$PGHOST" orders > orders.sql
//! ~~~
//! ```
//!
//! ## Fix
//! ```markdown
//! ~~~bash {requires=PGHOST}
//! pg_dump -h "$PGHOST" orders > orders.sql
//! ~~~
//! ```

crate::rule!("requires-invalid", Error, None);
