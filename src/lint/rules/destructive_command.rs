//! A destructive command without a warning (`destructive-command`)
//!
//! ## What it checks
//! Commands matching the destructive list (`rm -rf`, `dropdb`,
//! `DROP TABLE`, `redis-cli FLUSHALL`, `kill -9`, `kubectl delete`,
//! `terraform destroy`, `git push --force`, ...), unless the block says
//! `{destructive}` or the paragraph right before it warns: it opens with
//! Warning, Caution, Danger, Destructive or Irreversible (`**Warning:**`,
//! `> ⚠️ Caution`), holds `⚠` or `> [!WARNING]`, or says what the command
//! does cannot be undone (irreversible, destructive, dangerous, data loss,
//! permanently, cannot be undone). A word that only appears in it, or is
//! denied ("ignore the deprecation warning", "there is no danger of data
//! loss"), is no warning. Shell blocks are read,
//! and blocks of database queries (`sql`, `psql`, `mysql`, `redis`, ...),
//! whose `DROP TABLE` or `FLUSHALL` is as final as in a `psql -c`. A
//! statement written over several lines is read whole: `DELETE FROM t`
//! with its `WHERE` on the next line is not reported. Only what runs is
//! read: not a comment, not a quoted argument of a command that prints or
//! searches text (`echo "never rm -rf /"`, `grep " delete "`), not a
//! here-document `cat` or `tee` writes to a file, not a SQL string
//! literal. A quoted argument of `bash -c` or `ssh` runs, and so does a
//! here-document fed to `sh`, `ssh` or `psql`. In a `console` block the
//! commands are those after `$ ` and `user@host:~$ `, and after root's
//! `# ` when the block has no other prompt (beside `$ ` prompts, a `# `
//! line is a note).
//!
//! The list is data: the `kind: command` rules that report as this one
//! (`reports-as: destructive-command`), in runbook's
//! `lints/defaults/destructive-commands.yaml` and your `lints/*.yaml`. A
//! rule of yours with the id of a default replaces it, `severity: off`
//! drops it, a new one adds to the list; `runbook rules
//! destructive-command` shows the list in force. Every finding reports as
//! `destructive-command` (its message names the rule), so this id's
//! severity and suppressions cover them all; a suppression naming the
//! rule (`kill-9`) covers its findings alone. The code adds what the format
//! cannot say: blocks marked `{skip}`, output and invalid shell are left
//! to other rules, comment lines are skipped, and the warning paragraph
//! is read as above. A bad rule stops every
//! command with its file and line (exit 2).
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
