//! A step whose script name is not its `name` as written (`step-name-changed`)
//!
//! ## What it checks
//! The `name` attribute of each command block (`{name=restart-web}`) is the
//! step's name in the extracted script, as written: letters and digits of
//! any script, `_` and `-`, not starting with `-`. A name with anything
//! else (`{name="restart web"}`, `{name=Scale.Up}`), or one another step of
//! the runbook already has (`restart_web` and `restart-web` are one name
//! to bash), is changed in the script, and this says to what.
//!
//! ## Why it matters
//! Steps are run one at a time by name: `restore.sh --only restart-web`,
//! or a CI job's `dry-run --only`. Told the name in the runbook, the
//! script answers that no such step exists, and the person at 3 a.m. has
//! to read `--list` to learn what the tool made of it.
//!
//! ## Example
//! ```markdown
//! ~~~bash {name="restart web"}
//! systemctl restart web
//! ~~~
//! ```
//!
//! ## Fix
//! ```markdown
//! ~~~bash {name=restart-web}
//! systemctl restart web
//! ~~~
//! ```

crate::rule!("step-name-changed", Warning, None);
