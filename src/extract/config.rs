//! `[extract]` in book.toml and the command patterns compiled from the
//! rules in `lints/` (see `lint::custom`): compiled once when the settings
//! load, so a bad pattern stops every command with its file and line
//! (exit 2) instead of being skipped, and a line costs one scan of a
//! group's `RegexSet` when it matches none of its patterns.

use std::path::Path;

use regex::{Match, Regex, RegexSet};
use serde::{Deserialize, Serialize};

use crate::config::ConfigError;
use crate::lint::custom::{self, CustomRule, Kind};
use crate::lint::rules::{credential_in_command, destructive_command, unresolved_placeholder};

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "kebab-case")]
pub struct ExtractConfig {
    /// Patterns of placeholders in commands. The first capture group (or
    /// the whole match) names the variable the script asks for. Unset, the
    /// rules that report as `unresolved-placeholder` give them.
    pub placeholders: Option<Vec<String>>,
}

/// One rule of a group: what it finds and what to tell the user.
#[derive(Clone, Debug)]
pub struct Pattern {
    pub id: &'static str,
    pub regex: Regex,
    /// A line that also matches this is fine.
    pub unless: Option<Regex>,
    pub message: String,
    pub help: Option<String>,
    /// Whether the regex names the value it finds `secret` (see
    /// [`not_a_secret`]).
    has_secret: bool,
}

/// The rules that report as one built-in command rule.
#[derive(Clone, Debug)]
pub struct PatternGroup {
    pub patterns: Vec<Pattern>,
    /// Every regex of the group at once: nearly every line matches none,
    /// and one scan of the set says so. `None` if the set is too large to
    /// build.
    screen: Option<RegexSet>,
}

impl PatternGroup {
    fn new(rules: &[CustomRule], builtin: &str) -> PatternGroup {
        let patterns: Vec<Pattern> = custom::reporting_as(rules, builtin)
            .filter_map(|r| {
                let (regex, unless) = match &r.kind {
                    Kind::Command { regex, unless } => (
                        regex.regex.clone(),
                        unless.as_ref().map(|u| u.regex.clone()),
                    ),
                    Kind::Pattern { regex, .. } => (regex.regex.clone(), None),
                    _ => return None,
                };
                Some(Pattern {
                    id: r.id,
                    has_secret: regex.capture_names().any(|n| n == Some("secret")),
                    regex,
                    unless,
                    message: r.message.clone(),
                    help: r.help.clone(),
                })
            })
            .collect();
        let screen = RegexSet::new(patterns.iter().map(|p| p.regex.as_str())).ok();
        PatternGroup { patterns, screen }
    }

    /// The first pattern, in order, that finds something in `line` that
    /// its `unless` does not excuse; `below` is the text after the line,
    /// where a statement `line` starts may go on (see [`custom::excused`]).
    /// A match whose `secret` group `fake` says is no secret is passed over
    /// for the next one.
    fn first_match<'a, 'l>(
        &'a self,
        line: &'l str,
        below: &str,
        fake: impl Fn(&str) -> bool,
    ) -> Option<(&'a Pattern, Match<'l>)> {
        let candidates = match &self.screen {
            Some(set) if !set.is_match(line) => return None,
            Some(set) => Some(set.matches(line)),
            None => None,
        };
        let may = |i: usize| candidates.as_ref().is_none_or(|c| c.matched(i));
        let mut candidates = self.patterns.iter().enumerate().filter(|(i, _)| may(*i));
        candidates.find_map(|(_, p)| {
            let m = if p.has_secret {
                p.regex
                    .captures_iter(line)
                    .find(|c| c.name("secret").is_none_or(|s| !fake(s.as_str())))?
                    .get(0)?
            } else {
                p.regex.find(line)?
            };
            let excused = p
                .unless
                .as_ref()
                .is_some_and(|u| custom::excused(u, line, m.end(), below.lines()));
            (!excused).then_some((p, m))
        })
    }
}

/// Everything the command checks compile from the configuration.
#[derive(Clone, Debug)]
pub struct Checks {
    /// Each with the rule of `lints/` it comes from; `[extract]
    /// placeholders` in book.toml are no rule's.
    pub placeholders: Vec<(Option<&'static str>, Regex)>,
    pub destructive: PatternGroup,
    pub credentials: PatternGroup,
}

impl Checks {
    /// Compiles `[extract]` (from `file`) and takes the rest from `rules`,
    /// the defaults and the book's `lints/` merged.
    pub fn new(
        config: &ExtractConfig,
        rules: &[CustomRule],
        file: &Path,
    ) -> Result<Checks, ConfigError> {
        // Each with ASCII word boundaries, as the rules' are (see
        // [`custom::RuleRegex`]).
        let placeholders: Vec<(Option<&'static str>, Regex)> = match &config.placeholders {
            Some(patterns) => patterns
                .iter()
                .map(|p| {
                    custom::RuleRegex::for_shell(p)
                        .map(|r| (None, r.regex))
                        .map_err(|e| ConfigError {
                            path: file.to_path_buf(),
                            line: find_line(file, p).unwrap_or(1),
                            col: 1,
                            message: format!(
                                "`extract.placeholders`: invalid regular expression: {e}"
                            ),
                        })
                })
                .collect::<Result<_, _>>()?,
            None => custom::reporting_as(rules, unresolved_placeholder::ID)
                .filter_map(|r| match &r.kind {
                    Kind::Pattern { regex, .. } => Some((Some(r.id), regex.regex.clone())),
                    _ => None,
                })
                .collect(),
        };
        Ok(Checks {
            placeholders,
            destructive: PatternGroup::new(rules, destructive_command::ID),
            credentials: PatternGroup::new(rules, credential_in_command::ID),
        })
    }

    /// The first destructive pattern, in order, that finds a command in
    /// `line` that its `unless` does not excuse; `below` is the code after
    /// the line.
    pub fn destructive_match<'a, 'l>(
        &'a self,
        line: &'l str,
        below: &str,
    ) -> Option<(&'a Pattern, Match<'l>)> {
        self.destructive.first_match(line, below, |_| false)
    }

    /// The first credential pattern, in order, that finds a secret in
    /// `line` (not a value that stands for one).
    pub fn credential_match<'a, 'l>(&'a self, line: &'l str) -> Option<(&'a Pattern, Match<'l>)> {
        self.credentials
            .first_match(line, "", |value| self.not_a_secret(value))
    }

    /// Whether the value a credential rule captures as `secret` stands for
    /// a secret kept elsewhere rather than being one, the same for every
    /// rule: a variable or command substitution (`$PW`, `` `cat pw` ``), a
    /// template (`{{ pw }}`, `%PW%`), a file to read (`@/run/secrets/pw`),
    /// a placeholder as the placeholder rules find them (`YOUR_PASSWORD`),
    /// or a masked value (`xxxx`, `****`, `REDACTED`).
    fn not_a_secret(&self, value: &str) -> bool {
        let value = value
            .strip_prefix(['\'', '"'])
            .map_or(value, |v| v.strip_suffix(['\'', '"']).unwrap_or(v));
        let reference = value.starts_with(['$', '`', '<', '@'])
            || value.starts_with("{{")
            || (value.len() > 2 && value.starts_with('%') && value.ends_with('%'));
        let masked = value
            .bytes()
            .all(|b| matches!(b, b'x' | b'X' | b'*' | b'.'))
            || value
                .trim_matches(['[', ']', '<', '>', '(', ')'])
                .eq_ignore_ascii_case("redacted");
        let placeholder = || {
            self.placeholders
                .iter()
                .any(|(_, p)| p.find(value).is_some_and(|m| m.range() == (0..value.len())))
        };
        reference || masked || placeholder()
    }
}

fn find_line(file: &Path, needle: &str) -> Option<usize> {
    let text = std::fs::read_to_string(file).ok()?;
    let needle = needle.get(..needle.len().min(12))?;
    text.lines().position(|l| l.contains(needle)).map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> Checks {
        Checks::new(
            &ExtractConfig::default(),
            custom::defaults(),
            Path::new("book.toml"),
        )
        .unwrap()
    }

    #[test]
    fn word_boundaries_become_ascii_and_nothing_else_changes() {
        let ascii = |p: &str| custom::ascii_word_boundaries(p).unwrap_or_else(|| p.to_string());
        assert_eq!(ascii(r"\brm\B"), r"(?-u:\b)rm(?-u:\B)");
        assert_eq!(
            ascii(r"(?i)\bdrop\b{end}"),
            r"(?i)(?-u:\b)drop(?-u:\b{end})"
        );
        assert_eq!(ascii(r"\<kill\>"), r"(?-u:\b{start})kill(?-u:\b{end})");
        // An escaped backslash before `b` is a literal, not a boundary.
        assert_eq!(ascii(r"C:\\bin [b] \x62"), r"C:\\bin [b] \x62");
    }

    /// Lines with accents, curly quotes and no-break spaces are checked as
    /// before: commands are still found next to them, inside none of them.
    #[test]
    fn commands_are_found_on_lines_that_are_not_ascii() {
        let checks = defaults();
        for line in [
            "echo \"déploiement terminé\" && rm -rf /var/lib/app",
            "“rm -rf /tmp/x”",
            "kubectl\u{a0}delete pod é",
        ] {
            assert!(checks.destructive_match(line, "").is_some(), "{line}");
        }
        assert!(
            checks
                .destructive_match("echo \"réinitialiser\"", "")
                .is_none()
        );
    }

    #[test]
    fn default_groups_come_from_the_default_rules() {
        let checks = defaults();
        assert!(
            checks
                .destructive
                .patterns
                .iter()
                .any(|p| p.id == "rm-recursive-force")
        );
        assert!(
            checks
                .credentials
                .patterns
                .iter()
                .any(|p| p.id == "url-password")
        );
        assert_eq!(checks.placeholders.len(), 5);
    }

    #[test]
    fn first_match_is_the_first_rule_in_order_and_none_when_nothing_matches() {
        let checks = defaults();
        let (p, m) = checks
            .destructive_match("sudo rm -rf /var/lib/x", "")
            .unwrap();
        assert_eq!((p.id, m.as_str()), ("rm-recursive-force", "rm -rf"));
        assert!(checks.destructive_match("ls -la /var/lib", "").is_none());
        assert!(checks.credential_match("ls -la /var/lib").is_none());
        let (p, _) = checks
            .credential_match("psql postgres://app:hunter2@db/app")
            .unwrap();
        assert_eq!(p.id, "url-password");
        // One line, one finding of each group.
        let line = "mysql -pHunter2secret -e 'DROP TABLE users'";
        let (destructive, credential) = (
            checks.destructive_match(line, ""),
            checks.credential_match(line),
        );
        assert_eq!(destructive.map(|(p, _)| p.id), Some("sql-drop"));
        assert_eq!(credential.map(|(p, _)| p.id), Some("client-password"));
    }

    #[test]
    fn a_statement_that_goes_on_below_its_line_is_read_whole() {
        let checks = defaults();
        let delete = |line, below| {
            checks
                .destructive_match(line, below)
                .map(|(p, m)| (p.id, m.as_str().trim_end()))
        };
        let everything = Some(("sql-delete-without-where", "DELETE FROM sessions"));
        // The WHERE on the next lines of the same statement excuses it.
        assert_eq!(delete("DELETE FROM sessions\n", "WHERE id = 1;\n"), None);
        assert_eq!(
            delete(
                "DELETE FROM sessions\n",
                "  USING users u\n  WHERE u.id = 1;\n"
            ),
            None
        );
        // A statement ended on its line, or by a `;` or a blank line before
        // any WHERE, deletes every row.
        assert_eq!(delete("DELETE FROM sessions\n", "SQL\n"), everything);
        assert_eq!(
            delete(
                "DELETE FROM sessions;\n",
                "DELETE FROM users WHERE id = 1;\n"
            ),
            Some(("sql-delete-without-where", "DELETE FROM sessions;"))
        );
        assert_eq!(
            delete(
                "DELETE FROM sessions\n",
                "RETURNING *;\nSELECT 1 WHERE true;\n"
            ),
            everything
        );
        assert_eq!(
            delete("DELETE FROM sessions\n", "\nWHERE id = 1;\n"),
            everything
        );
    }

    #[test]
    fn book_toml_placeholders_replace_the_rules() {
        let config = ExtractConfig {
            placeholders: Some(vec![r"\{\{([a-z_]+)\}\}".into()]),
        };
        let checks = Checks::new(&config, custom::defaults(), Path::new("book.toml")).unwrap();
        assert_eq!(checks.placeholders.len(), 1);
        let config = ExtractConfig {
            placeholders: Some(vec!["(".into()]),
        };
        let e = Checks::new(&config, custom::defaults(), Path::new("book.toml")).unwrap_err();
        assert!(e.message.contains("extract.placeholders"), "{}", e.message);
    }
}
