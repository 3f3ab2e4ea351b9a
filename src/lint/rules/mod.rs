//! Every built-in rule: one file each, whose `//!` doc comment is what
//! `runbook rules` prints.

pub mod bidi_control;
pub mod broken_anchor;
pub mod broken_include;
pub mod broken_link;
pub mod config_unknown_key;
pub mod credential_in_command;
pub mod destructive_command;
pub mod duplicate_anchor;
pub mod external_anchor;
pub mod external_link;
pub mod external_redirect;
pub mod field_type;
pub mod file_too_large;
pub mod front_matter_invalid;
pub mod front_matter_missing;
pub mod heading_no_space;
pub mod include_outside_code;
pub mod invalid_utf8;
pub mod io_error;
pub mod lookalike_in_command;
pub mod required_field;
pub mod requires_invalid;
pub mod review_date_future;
pub mod review_due_soon;
pub mod review_overdue;
pub mod rollback_missing;
pub mod section_missing;
pub mod shell_output;
pub mod shell_syntax;
pub mod shellcheck;
pub mod status_invalid;
pub mod suppression_invalid;
pub mod symlink_loop;
pub mod symlink_outside;
pub mod unclosed_fence;
pub mod undefined_reference;
pub mod undefined_variable;
pub mod unknown_field;
pub mod unresolved_placeholder;
pub mod wiki_link;

use crate::config::Settings;
use crate::diagnostic::Severity;
use crate::document::Document;

use super::{Context, Sink};

/// Every built-in rule, in the order `runbook rules` lists them.
pub static ALL: &[&Rule] = &[
    &front_matter_missing::RULE,
    &front_matter_invalid::RULE,
    &required_field::RULE,
    &field_type::RULE,
    &unknown_field::RULE,
    &status_invalid::RULE,
    &review_overdue::RULE,
    &review_due_soon::RULE,
    &review_date_future::RULE,
    &rollback_missing::RULE,
    &section_missing::RULE,
    &broken_link::RULE,
    &broken_anchor::RULE,
    &broken_include::RULE,
    &include_outside_code::RULE,
    &duplicate_anchor::RULE,
    &undefined_reference::RULE,
    &wiki_link::RULE,
    &external_link::RULE,
    &external_redirect::RULE,
    &external_anchor::RULE,
    &unclosed_fence::RULE,
    &heading_no_space::RULE,
    &suppression_invalid::RULE,
    &invalid_utf8::RULE,
    &bidi_control::RULE,
    &io_error::RULE,
    &file_too_large::RULE,
    &symlink_loop::RULE,
    &symlink_outside::RULE,
    &config_unknown_key::RULE,
    &shell_syntax::RULE,
    &shell_output::RULE,
    &unresolved_placeholder::RULE,
    &undefined_variable::RULE,
    &requires_invalid::RULE,
    &destructive_command::RULE,
    &credential_in_command::RULE,
    &lookalike_in_command::RULE,
    &shellcheck::RULE,
];

pub fn find(id: &str) -> Option<&'static Rule> {
    ALL.iter().copied().find(|r| r.id == id)
}

pub type Check = fn(&Document, &Context, &mut Sink);

pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    /// The rule's source file; its leading `//!` lines are the rule's doc.
    pub source: &'static str,
    /// Per-file check; `None` for findings raised by the walker, the link
    /// resolver or the config loader.
    pub check: Option<Check>,
}

impl Rule {
    /// The doc comment at the top of the rule's file, as Markdown.
    pub fn doc(&self) -> String {
        let mut doc = String::new();
        for line in self.source.lines() {
            let Some(rest) = line.strip_prefix("//!") else {
                break;
            };
            doc.push_str(rest.strip_prefix(' ').unwrap_or(rest));
            doc.push('\n');
        }
        doc
    }

    /// The first line of the doc: what the rule finds, in a few words.
    pub fn summary(&self) -> String {
        let first = self.doc().lines().next().unwrap_or("").trim().to_string();
        let id = format!("(`{}`)", self.id);
        first
            .strip_suffix(&id)
            .map(|s| s.trim_end().to_string())
            .unwrap_or(first)
    }

    pub fn default_level(&self, settings: &Settings) -> Option<Severity> {
        match settings.config.lint.rules.get(self.id) {
            Some(level) => level.severity(),
            None => Some(self.severity),
        }
    }

    /// Where the rule's doc lives online, for SARIF and editors.
    pub fn help_uri(&self) -> String {
        format!(
            "https://github.com/runbook-dev/runbook/blob/main/docs/rules.md#{}",
            self.id
        )
    }
}

/// Declares a rule's registry entry next to its code.
#[macro_export]
macro_rules! rule {
    ($id:literal, $severity:ident, $check:expr) => {
        pub const ID: &str = $id;
        pub static RULE: $crate::lint::rules::Rule = $crate::lint::rules::Rule {
            id: ID,
            severity: $crate::diagnostic::Severity::$severity,
            source: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/", file!())),
            check: $check,
        };
    };
}
