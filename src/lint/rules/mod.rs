//! Every built-in rule: one file each, whose `//!` doc comment is what
//! `runbook rules` prints.

/// Declares the rule modules and keeps each one's source, for its doc.
/// The path is relative to this folder, where every rule file lives:
/// `file!()` would be relative to the workspace in a checkout but absolute
/// when runbook is another crate's path dependency (`.ci/run` builds one).
macro_rules! rule_modules {
    ($($module:ident),* $(,)?) => {
        $(pub mod $module;)*
        /// Each rule file's module name and source.
        static SOURCES: &[(&str, &str)] = &[
            $((stringify!($module), include_str!(concat!(stringify!($module), ".rs")))),*
        ];
    };
}

rule_modules![
    alias_in_command,
    bidi_control,
    broken_anchor,
    broken_include,
    broken_link,
    config_unknown_key,
    credential_in_command,
    destructive_command,
    duplicate_anchor,
    external_anchor,
    external_link,
    external_redirect,
    field_type,
    file_too_large,
    front_matter_invalid,
    front_matter_missing,
    heading_no_space,
    include_outside_code,
    invalid_utf8,
    io_error,
    lookalike_in_command,
    required_field,
    requires_invalid,
    review_date_future,
    review_due_soon,
    review_overdue,
    rollback_missing,
    section_missing,
    shell_output,
    shell_syntax,
    shellcheck,
    status_invalid,
    step_name_changed,
    suppression_invalid,
    symlink_loop,
    symlink_outside,
    unclosed_fence,
    undefined_reference,
    undefined_variable,
    unknown_field,
    unresolved_placeholder,
    wiki_link,
];

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
    &step_name_changed::RULE,
    &destructive_command::RULE,
    &credential_in_command::RULE,
    &lookalike_in_command::RULE,
    &alias_in_command::RULE,
    &shellcheck::RULE,
];

pub fn find(id: &str) -> Option<&'static Rule> {
    ALL.iter().copied().find(|r| r.id == id)
}

pub type Check = fn(&Document, &Context, &mut Sink);

pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    /// Per-file check; `None` for findings raised by the walker, the link
    /// resolver or the config loader.
    pub check: Option<Check>,
}

impl Rule {
    /// The doc comment at the top of the rule's file (named after its id),
    /// as Markdown.
    pub fn doc(&self) -> String {
        let module = self.id.replace('-', "_");
        let source = SOURCES
            .iter()
            .find(|(m, _)| *m == module)
            .map_or("", |(_, s)| *s);
        let mut doc = String::new();
        for line in source.lines() {
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

    /// The doc's "What it checks" section as one paragraph.
    pub fn what_it_checks(&self) -> String {
        let doc = self.doc();
        let section = doc
            .split("\n## ")
            .find_map(|s| s.strip_prefix("What it checks\n"))
            .unwrap_or("");
        section.split_whitespace().collect::<Vec<_>>().join(" ")
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
            check: $check,
        };
    };
}
