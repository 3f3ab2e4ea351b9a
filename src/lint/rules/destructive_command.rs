//! A destructive command without a warning (`destructive-command`)
//!
//! ## What it checks
//! Commands matching the destructive list (`rm -rf`, `dropdb`,
//! `DROP TABLE`, `redis-cli FLUSHALL`, `kill -9`, `kubectl delete`,
//! `terraform destroy`, `git push --force`, ...), unless the block says
//! `{destructive}` or the paragraph right before it warns (Warning,
//! Caution, Danger, Irreversible, `> [!WARNING]`).
//!
//! The list is `lints/destructive-commands.yaml` in runbook's repository;
//! a `lints/destructive-commands.yaml` next to your book.toml adds entries
//! (id, regex, message) or replaces one with the same id. A bad entry
//! stops every command with its file and line (exit 2).
//!
//! ## Why it matters
//! At 3 a.m. nobody reads a block twice. What cannot be undone must say so
//! before it is pasted.
//!
//! ## Example
//! ```markdown
//! ~~~bash
//! redis-cli FLUSHALL
//! ~~~
//! ```
//!
//! ## Fix
//! ```markdown
//! **Warning:** this empties the cache; expect a load spike on the database.
//!
//! ~~~bash {destructive}
//! redis-cli FLUSHALL
//! ~~~
//! ```

crate::rule!("destructive-command", Warning, None);
