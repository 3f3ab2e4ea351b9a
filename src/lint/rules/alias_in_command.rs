//! An alias that the extracted script cannot use (`alias-in-command`)
//!
//! ## What it checks
//! `alias NAME=VALUE` in a command block. Typed in a terminal it works;
//! in the script `runbook extract` writes, it does nothing: bash expands
//! aliases only in interactive shells, and only in lines it reads after
//! the alias is defined, while every step is a function read before any
//! runs. The steps that use the alias fail with "command not found", in
//! the script and in `runbook dry-run`.
//!
//! ## Why it matters
//! `alias k=kubectl` is in many Kubernetes runbooks. The script that CI
//! dry-runs, or that someone runs with `--only`, then stops at the first
//! `k get pods`, and the runbook is blamed for a tool's quirk.
//!
//! ## Example
//! ```markdown
//! ~~~bash
//! alias k=kubectl
//! k get nodes
//! ~~~
//! ```
//!
//! ## Fix
//! A function works in a terminal and in a script alike:
//!
//! ```markdown
//! ~~~bash
//! k() { kubectl "$@"; }
//! k get nodes
//! ~~~
//! ```

crate::rule!("alias-in-command", Warning, None);
