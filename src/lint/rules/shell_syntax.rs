//! A command block that is not valid shell (`shell-syntax`)
//!
//! ## What it checks
//! Every `bash`, `sh`, `shell`, `zsh` block and every `$ ` command of a
//! `console` block: quotes, `$(...)`, `${...}`, backquotes and
//! here-documents must close, and the last line must not end with `\`
//! (it would continue into the next step). `runbook lint` checks this in process;
//! `runbook verify` also runs `bash -n` over the extracted scripts and
//! reports its errors (`if` without `fi`, a stray `done`) under this rule,
//! at the Markdown line of the command.
//!
//! ## Why it matters
//! A block that does not parse fails when it is pasted at 3 a.m., and an
//! unclosed quote swallows the commands after it. `runbook extract` puts
//! such a block in the script as a comment carrying this finding.
//!
//! ## Example
//! ```markdown
//! ~~~bash
//! psql -c "SELECT count(*) FROM jobs
//! ~~~
//! ```
//!
//! ## Fix
//! ```markdown
//! ~~~bash
//! psql -c "SELECT count(*) FROM jobs"
//! ~~~
//! ```
//!
//! A block that is not meant to run can say so: ```` ```bash {skip} ````.

crate::rule!("shell-syntax", Error, None);
