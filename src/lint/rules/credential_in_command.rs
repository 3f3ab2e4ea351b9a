//! A secret written in a code block (`credential-in-command`)
//!
//! ## What it checks
//! Passwords in connection URLs (`postgres://app:hunter2@db/app`),
//! `--password=...`, `PGPASSWORD=...`-style assignments, `mysql -pSECRET`,
//! `redis-cli -a SECRET`, Redis `AUTH`, SQL's `PASSWORD '...'` and
//! `IDENTIFIED BY '...'`, literal bearer tokens, AWS access key ids, GitHub
//! and Slack tokens, private keys: on every line of every code block, as
//! written. A secret is leaked wherever it is pasted, so unlike a
//! destructive command it is looked for in comments, in output (a
//! transcript's, a JSON response), in blocks marked `{skip}`, in blocks of
//! any language (a YAML manifest, an `.env` file, SQL), and in the files
//! `{{#include ...}}` brings in. Values that stand for a secret are fine, whichever
//! pattern they meet: variables and command substitutions (`$PGPASSWORD`,
//! `` `cat /run/secrets/pw` ``, psql's `:'password'`), templates
//! (`{{ password }}`, `%PASSWORD%`), files to read (`@/run/secrets/pw`),
//! placeholders (`<password>`, `YOUR_PASSWORD`) and masked values
//! (`xxxx`, `****`, `REDACTED`).
//!
//! The list is data: the `kind: pattern` rules (scope `commands`) that
//! report as this one, in runbook's `lints/defaults/credentials.yaml` and
//! your `lints/`, overridden and extended like the destructive-command
//! list. Findings report as `credential-in-command`; unlike a destructive
//! command, no warning makes a secret acceptable.
//!
//! ## Why it matters
//! Runbooks are read by everyone and copied into terminals, tickets and
//! chat. A secret in one is leaked.
//!
//! ## Example
//! ```markdown
//! ~~~bash
//! psql postgres://admin:s3cret@db.internal/app
//! ~~~
//! ```
//!
//! ## Fix
//! ```markdown
//! ~~~bash {requires=DATABASE_URL}
//! psql "$DATABASE_URL"
//! ~~~
//! ```
//!
//! Then rotate the secret that was written down.

crate::rule!("credential-in-command", Error, None);
