//! A shell block that holds output, not commands (`shell-output`)
//!
//! ## What it checks
//! Lines of a `bash`/`sh`/`shell`/`zsh` block that are JSON members
//! (`"status": "ok",`), log lines (`2024-01-01T10:00:00 ERROR ...`,
//! `[INFO] ...`), HTTP status lines (`HTTP/1.1 200 OK`), or a prompt
//! pasted with what was typed at it (`mysql> show tables;`, `ledger=# \dt`,
//! `> SELECT 1;`). `console` blocks are exempt: there, only `$ ` lines and
//! the `> ` lines of an unfinished command are commands.
//!
//! The other way round too: a `bash` block whose commands follow `$ `
//! prompts is a transcript, whose other lines are output; one of those
//! that looks like a command (`sudo ...`, a word and an option such as
//! `rm -rf /var/lib/app`) is reported, since a reader runs it and the
//! script and the command rules skip it.
//!
//! ## Why it matters
//! Output in a command block gets pasted and run, and an extracted script
//! would run it too: to bash, `mysql> show tables;` runs `mysql` with its
//! output into a file named `show`. The script carries such a block as a
//! comment.
//!
//! ## Example
//! ```markdown
//! ~~~bash
//! curl -f http://localhost:3000/api/health
//! # Expected response
//! { "status": "healthy" }
//! ~~~
//! ```
//!
//! ## Fix
//! ```markdown
//! ~~~bash
//! curl -f http://localhost:3000/api/health
//! ~~~
//! Expected response:
//! ~~~json
//! { "status": "healthy" }
//! ~~~
//! ```
//!
//! Or mark the block `{skip}`, or write it as a `console` block.

crate::rule!("shell-output", Warning, None);
