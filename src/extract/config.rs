//! `[extract]` in book.toml and the pattern lists in `lints/`: compiled
//! once when the settings load, so a bad pattern stops every command with
//! its file and line (exit 2) instead of being skipped.

use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use crate::config::ConfigError;

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(default, rename_all = "kebab-case")]
pub struct ExtractConfig {
    /// Patterns of placeholders in commands. The first capture group (or
    /// the whole match) names the variable the script asks for.
    pub placeholders: Vec<String>,
}

impl Default for ExtractConfig {
    fn default() -> Self {
        ExtractConfig {
            placeholders: vec![
                r"<([A-Za-z][A-Za-z0-9_.-]*)>".into(),
                r"\[([a-z][a-z0-9]+(?:[_-][a-z0-9]+)*)\]".into(),
                r"\bYOUR_([A-Z0-9_]+)\b".into(),
            ],
        }
    }
}

/// One entry of a pattern list: what it finds and what to tell the user.
#[derive(Clone, Debug)]
pub struct Pattern {
    pub id: String,
    pub regex: Regex,
    pub message: String,
}

/// Everything the command checks compile from the configuration.
#[derive(Clone, Debug)]
pub struct Checks {
    pub placeholders: Vec<Regex>,
    pub destructive: Vec<Pattern>,
    pub credentials: Vec<Pattern>,
}

const DESTRUCTIVE: &str = "destructive-commands.yaml";
const CREDENTIALS: &str = "credentials.yaml";
const BUILTIN_DESTRUCTIVE: &str = include_str!("../../lints/destructive-commands.yaml");
const BUILTIN_CREDENTIALS: &str = include_str!("../../lints/credentials.yaml");

static BUILTIN: LazyLock<(Vec<Pattern>, Vec<Pattern>)> = LazyLock::new(|| {
    let parse = |name: &str, text: &str| {
        parse_list(Path::new(name), text).unwrap_or_else(|e| panic!("built-in {e}"))
    };
    (
        parse(DESTRUCTIVE, BUILTIN_DESTRUCTIVE),
        parse(CREDENTIALS, BUILTIN_CREDENTIALS),
    )
});

impl Checks {
    /// Compiles `[extract]` and reads `ROOT/lints/*.yaml` over the built-in lists.
    pub fn new(config: &ExtractConfig, root: &Path, file: &Path) -> Result<Checks, ConfigError> {
        let placeholders = config
            .placeholders
            .iter()
            .map(|p| {
                Regex::new(p).map_err(|e| ConfigError {
                    path: file.to_path_buf(),
                    line: find_line(file, p).unwrap_or(1),
                    col: 1,
                    message: format!("`extract.placeholders`: invalid regular expression: {e}"),
                })
            })
            .collect::<Result<_, _>>()?;
        let (destructive, credentials) = &*BUILTIN;
        Ok(Checks {
            placeholders,
            destructive: extend(destructive, &root.join("lints").join(DESTRUCTIVE))?,
            credentials: extend(credentials, &root.join("lints").join(CREDENTIALS))?,
        })
    }
}

fn find_line(file: &Path, needle: &str) -> Option<usize> {
    let text = std::fs::read_to_string(file).ok()?;
    let needle = needle.get(..needle.len().min(12))?;
    text.lines().position(|l| l.contains(needle)).map(|i| i + 1)
}

/// The built-in list with the user's file, if any, laid over it by id.
fn extend(builtin: &[Pattern], file: &Path) -> Result<Vec<Pattern>, ConfigError> {
    let mut list = builtin.to_vec();
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(list),
        Err(e) => {
            return Err(ConfigError {
                path: file.to_path_buf(),
                line: 1,
                col: 1,
                message: format!("cannot read: {e}"),
            });
        }
    };
    for pattern in parse_list(file, &text)? {
        match list.iter_mut().find(|p| p.id == pattern.id) {
            Some(existing) => *existing = pattern,
            None => list.push(pattern),
        }
    }
    Ok(list)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    id: Spanned<String>,
    regex: Spanned<String>,
    message: String,
}

fn parse_list(file: &Path, text: &str) -> Result<Vec<Pattern>, ConfigError> {
    let error = |line: u64, col: u64, message: String| {
        let (line, col) = crate::config::yaml_position(text, line, col);
        ConfigError {
            path: file.to_path_buf(),
            line,
            col,
            message,
        }
    };
    if text
        .split(['\n', '\r'])
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        return Ok(Vec::new());
    }
    let entries: Vec<Entry> = serde_saphyr::from_str(text).map_err(|e| {
        let (line, col) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
        let message = e.to_string();
        let message = message.lines().next().unwrap_or("invalid YAML");
        let message = message.split(" at line ").next().unwrap_or(message);
        error(
            line,
            col,
            format!("{message} (expected a list of entries with id, regex and message)"),
        )
    })?;
    let mut out: Vec<Pattern> = Vec::new();
    for entry in entries {
        let at = entry.regex.referenced;
        let regex = Regex::new(&entry.regex.value).map_err(|e| {
            let first = e.to_string();
            let first = first.lines().last().unwrap_or("").trim().to_string();
            error(
                at.line(),
                at.column(),
                format!("`{}`: invalid regular expression: {first}", entry.id.value),
            )
        })?;
        if out.iter().any(|p| p.id == entry.id.value) {
            let at = entry.id.referenced;
            return Err(error(
                at.line(),
                at.column(),
                format!("id `{}` is used twice", entry.id.value),
            ));
        }
        out.push(Pattern {
            id: entry.id.value,
            regex,
            message: entry.message,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_lists_compile() {
        assert!(BUILTIN.0.iter().any(|p| p.id == "rm-recursive-force"));
        assert!(BUILTIN.1.iter().any(|p| p.id == "url-password"));
    }

    #[test]
    fn bad_regex_has_its_line() {
        let text = "- id: ok\n  regex: 'a'\n  message: m\n- id: bad\n  regex: 'a('\n  message: m\n";
        let e = parse_list(Path::new("x.yaml"), text).unwrap_err();
        assert_eq!(e.line, 5);
        assert!(e.message.contains("`bad`"));
        let e = parse_list(Path::new("x.yaml"), "- id: a\n  regexp: b\n").unwrap_err();
        assert_eq!(e.line, 2, "{}", e.message);
    }
}
