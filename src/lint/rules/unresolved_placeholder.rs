//! A placeholder the operator must fill in by hand (`unresolved-placeholder`)
//!
//! ## What it checks
//! Placeholders in commands: `<backup-id>`, `[migration_name]`,
//! `YOUR_API_KEY`. A placeholder is resolved when its variable
//! (`BACKUP_ID`) is declared in a block's `requires` or set by an earlier
//! step.
//!
//! The patterns are data: the `kind: pattern` rules (scope `commands`)
//! that report as this one, in runbook's `lints/defaults/placeholders.yaml`
//! and your `lints/`; their first capture group names the variable.
//! `[extract] placeholders` in book.toml, when set, replaces them all. The
//! code does what the format cannot: resolving placeholders against
//! `requires` and earlier steps, and turning them into the variables the
//! extracted script asks for.
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
