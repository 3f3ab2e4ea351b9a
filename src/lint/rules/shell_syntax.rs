//! A command block that is not valid shell (`shell-syntax`)
//!
//! ## What it checks
//! Every `bash`, `sh`, `shell`, `zsh` block and every `$ ` command of a
//! `console` block: quotes, `$(...)`, `${...}`, backquotes and
//! here-documents must close, the last line must not end with `\`
//! (it would continue into the next step), and each block must be
//! complete on its own: every `{`, `(`, `if`, loop, `case` and `[[` it
//! opens closes in the block, and it closes nothing it did not open (a
//! `}`, `)`, `fi`, `done` or `esac` too many). `runbook lint` checks this
//! in process; `runbook verify` also runs `bash -n` over the extracted
//! scripts and reports its errors under this rule, at the Markdown line of
//! the command.
//!
//! The grammar is bash's. A `zsh` block may hold what bash rejects and zsh
//! accepts (`for f (*.log) gzip $f`), so it is not reported there; its
//! destructive commands and secrets are still checked line by line, and
//! `runbook extract`, whose script runs under bash, keeps such a block as
//! a comment and a step that fails saying why. Write `bash` on blocks that
//! are meant for bash.
//!
//! ## Why it matters
//! A block that does not parse fails when it is pasted at 3 a.m., and an
//! unclosed quote swallows the commands after it. In the extracted script
//! each block is a function: a `}` too many would end it early and run the
//! lines after it whenever the script starts, even for `--list`.
//! `runbook extract` puts such a block in the script as a comment carrying
//! this finding, and a step that fails saying why.
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
