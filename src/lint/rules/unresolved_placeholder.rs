//! A placeholder the operator must fill in by hand (`unresolved-placeholder`)
//!
//! ## What it checks
//! Placeholders in commands: `<backup-id>`, `[migration_name]`,
//! `{{namespace}}`, `YOUR_API_KEY`, `your-domain.com`. A placeholder is resolved when its
//! variable (`BACKUP_ID`) is declared in a block's `requires` or set by a
//! command before it: in an earlier step, or earlier in the same block
//! (`ID=$(latest); restore <id>`). A step after it does not count, nor does
//! the assignment that holds it (`BACKUP_ID=<backup-id>`), nor `export`,
//! `local`, `declare` or `readonly` without a value.
//!
//! Not placeholders, because the command takes them as written:
//! - text in a comment;
//! - in a quoted here-document (`<<'EOF'`), which expands nothing, a name
//!   a placeholder need not have (`<none>`); one only a placeholder has
//!   (see below) is reported there, whether or not its variable is
//!   declared or set, since the script cannot fill it in: its step fails
//!   rather than write `host=<new-primary-host>` into a file. Unquote the
//!   delimiter (`<<EOF`), or fill it in by hand;
//! - the default or message of an expansion (`"${foo:-[default]}"`);
//! - square brackets that are bash's own: a glob's bracket expression
//!   (`ls *.[gz]`, `rm [ab]*.log`: unquoted, after a `*` in the word or
//!   beside a `*` or `?`), a `case` pattern or the right side of `==`,
//!   `!=` or `=~` in `[[ ]]` (`[[ $a == [yn] ]]`), and array subscripts
//!   (`declare -A R=([api]=3)`, `R[api]=3`). A name only a placeholder has
//!   (see below) after a `*` is still one: `/backups/*/[backup-id]`;
//! - Go templates: `{{.metadata.name}}`, `{{json .}}` and the actions
//!   that take no argument, `{{end}}`, `{{else}}`;
//! - in quotes, the pattern or text of a command that only prints or
//!   matches text (`echo`, `printf`, `read`, `grep`, `rg`, `sed`, `awk`):
//!   `grep -v '<none>'`, `sed 's/<br>/\n/g'`, `echo "Press [enter]"`. A name
//!   only a placeholder has is still one there: in capitals (`<TOKEN>`),
//!   with `your`, or words joined by `-` or `_` (`<backup-id>`). A quoted
//!   argument of any other command is a value the operator must give:
//!   `curl -H "Authorization: Bearer <token>"`, `psql "host=<host>"`.
//!
//! The patterns are data: the `kind: pattern` rules (scope `commands`)
//! that report as this one, in runbook's `lints/defaults/placeholders.yaml`
//! and your `lints/`; their first capture group names the variable.
//! `[extract] placeholders` in book.toml, when set, replaces them all. The
//! code does what the format cannot: resolving placeholders against
//! `requires` and earlier steps, telling literal text from placeholders,
//! and turning them into the variables the extracted script asks for.
//!
//! ## Why it matters
//! `kill -9 <PID>` pasted as is runs `kill -9 < PID >`: a redirection, not
//! what was meant. Extracted scripts turn placeholders into required
//! variables (`"${PID:?...}"`); declaring them says up front what the
//! operator must know before starting.
//!
//! ## Example
//! ```markdown
//! ~~~bash
//! supabase backups restore <backup-id>
//! ~~~
//! ```
//!
//! ## Fix
//! ```markdown
//! ~~~bash {requires=BACKUP_ID}
//! supabase backups restore <backup-id>
//! ~~~
//! ```

crate::rule!("unresolved-placeholder", Warning, None);
