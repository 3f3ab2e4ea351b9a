//! Which fenced blocks are commands, their Runme-compatible attributes
//! (`{name=x skip destructive requires=A,B}` or `{"name":"x"}`), and the
//! text to run: `console` blocks keep only their `$ ` lines.

use rustc_hash::{FxHashMap, FxHashSet};

use std::borrow::Cow;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::document::include;
use crate::document::lines::LineIndex;
use crate::document::{CodeBlock, Document};

/// Info strings whose blocks are shell commands.
pub const SHELL_LANGS: &[&str] = &["bash", "sh", "shell", "zsh"];

/// Info strings of terminal transcripts: `$ ` prompts, their commands and
/// what they printed. `console` is GitHub's and Pygments' name,
/// `shell-session` Prism's (HashiCorp's documentation writes it), the
/// others its aliases.
pub const TRANSCRIPT_LANGS: &[&str] = &["console", "shell-session", "sh-session", "shellsession"];

/// Info strings of what is pasted into a database console rather than a
/// shell: not extracted nor checked as shell, but a `DROP TABLE` or a
/// password in them is as destructive or as leaked as in a `psql -c`.
pub const QUERY_LANGS: &[&str] = &[
    "sql",
    "psql",
    "pgsql",
    "postgresql",
    "postgres",
    "plpgsql",
    "mysql",
    "mariadb",
    "plsql",
    "tsql",
    "sqlite",
    "cql",
    "redis",
];

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Attributes {
    pub name: Option<String>,
    pub skip: bool,
    pub destructive: bool,
    pub requires: Vec<String>,
}

/// One command block of a runbook, ready to check or to extract.
#[derive(Clone, Debug)]
pub struct Command<'a> {
    pub block: &'a CodeBlock,
    pub attrs: Attributes,
    /// The shell text: the block's code, or a console block's commands.
    pub code: Cow<'a, str>,
    /// The Markdown line of each line of `code`.
    pub lines: Vec<usize>,
    /// Where `code` holds text an `{{#include ...}}` brought in, and the
    /// index of that directive in the block's `includes`: findings there
    /// are shown at the directive and never fixed in the runbook.
    pub included: Vec<(Range<usize>, usize)>,
    /// Where each line of `code` starts: offsets to lines in a block of
    /// any length without counting newlines again.
    pub index: LineIndex,
    /// `{skip}` or `<!-- runbook: skip -->` before the block.
    pub skip: bool,
    /// A console transcript (`$ ` prompts), whose output lines are dropped.
    pub transcript: bool,
}

impl Command<'_> {
    /// A directive of the block that brings nothing in: the block is not
    /// run, since the directive is no command (`broken-include` says why).
    pub fn unread_include(&self) -> Option<&include::Include> {
        self.block
            .includes
            .iter()
            .find(|i| !matches!(i.read, Some(Ok(_))))
    }

    /// The directive whose included text is on the line of `code` holding
    /// `offset`. That line stands for the directive's Markdown line, whose
    /// columns are not the code's: anything on it is shown at the directive.
    pub fn include_at(&self, offset: usize) -> Option<&include::Include> {
        if self.included.is_empty() {
            return None;
        }
        let line = self.index.line_of(offset.min(self.code.len()));
        let start = self.index.line_start(line);
        let end = memchr::memchr(b'\n', &self.code.as_bytes()[start..])
            .map_or(self.code.len(), |i| start + i);
        let first = self.included.partition_point(|(r, _)| r.end < start);
        let (range, n) = self.included.get(first)?;
        (range.start <= end).then(|| &self.block.includes[*n])
    }

    /// The Markdown line of a byte offset in `code`.
    pub fn line_of(&self, offset: usize) -> usize {
        let index = self.index.line_of(offset.min(self.code.len()));
        self.lines
            .get(index)
            .or(self.lines.last())
            .copied()
            .unwrap_or(self.block.first_line)
    }
}

/// Whether a fenced block holds shell commands.
pub fn is_shell(block: &CodeBlock) -> bool {
    let lang = block.lang.as_str();
    SHELL_LANGS.contains(&lang) || TRANSCRIPT_LANGS.contains(&lang)
}

/// Whether a fenced block holds database queries (see [`QUERY_LANGS`]).
pub fn is_query(block: &CodeBlock) -> bool {
    QUERY_LANGS.contains(&block.lang.as_str())
}

/// Whether a block holds what an operator runs, shell or query: the blocks
/// the command rules (`kind: command`, `scope: commands`) read.
pub fn holds_commands(block: &CodeBlock) -> bool {
    is_shell(block) || is_query(block)
}

/// Every shell block of a document, in order.
pub fn commands(doc: &Document) -> Vec<Command<'_>> {
    let mut out = Vec::new();
    for block in &doc.body.code_blocks {
        if !is_shell(block) {
            continue;
        }
        let attrs = parse_attributes(&block.info);
        // What the reader sees, includes in, decides whether it is a
        // transcript, as it does which lines are prompted.
        let expanded = include::expand(block);
        let shown = expanded.as_ref().map_or(block.code.as_str(), |e| &e.code);
        let as_transcript = transcript_root(block, shown);
        let transcript = as_transcript.is_some();
        let root = as_transcript.unwrap_or(false);
        let (code, lines, included) = if transcript {
            let (code, lines, included) = match &expanded {
                Some(e) => console_commands(
                    &e.code,
                    root,
                    |i| block.first_line + e.lines.get(i).copied().unwrap_or(0),
                    &e.included,
                ),
                None => console_commands(&block.code, root, |i| block.first_line + i, &[]),
            };
            (Cow::Owned(code), lines, included)
        } else if let Some(e) = expanded {
            let lines = e.lines.iter().map(|l| block.first_line + l).collect();
            (Cow::Owned(e.code), lines, e.included)
        } else {
            let lines = (0..block.line_count.max(1))
                .map(|i| block.first_line + i)
                .collect();
            (Cow::Borrowed(block.code.as_str()), lines, Vec::new())
        };
        let skip = attrs.skip || skip_comment_before(doc, block);
        out.push(Command {
            block,
            attrs,
            index: LineIndex::new(&code),
            code,
            lines,
            included,
            skip,
            transcript,
        });
    }
    out
}

/// Whether a shell block reads as a transcript (a [`TRANSCRIPT_LANGS`]
/// block, or one whose first command follows a `$ ` prompt), `shown` being
/// its code as the reader sees it, includes in: `None` when every line is a
/// command, else whether root's bare `# ` is a prompt in it.
fn transcript_root(block: &CodeBlock, shown: &str) -> Option<bool> {
    let console = TRANSCRIPT_LANGS.contains(&block.lang.as_str());
    // Root's `# ` prompt only in a root session: beside `$ ` prompts, a
    // `# ` line is a note (`# check the output`), not a command.
    (console || prompts_first(shown))
        .then(|| console && !shown.lines().any(|l| after_prompt(l, false).is_some()))
}

/// The lines of a transcript block that hold commands, as [`commands`]
/// reads them (`$ ` lines, their `\` continuations, the `> ` lines of an
/// unfinished command): for each, its index among the lines of `shown`
/// (the block's code as the reader sees it) and the byte of that line where
/// the command starts, after its prompt. `None` for a block that is not a
/// shell transcript. The site's copy button copies these and nothing else.
pub fn transcript_commands(block: &CodeBlock, shown: &str) -> Option<Vec<(usize, usize)>> {
    if !is_shell(block) {
        return None;
    }
    let root = transcript_root(block, shown)?;
    let (code, lines, _) = console_commands(shown, root, |i| i, &[]);
    let widths: Vec<usize> = shown
        .split_inclusive('\n')
        .map(|raw| without_line_end(raw).len())
        .collect();
    Some(
        code.split_terminator('\n')
            .zip(lines)
            .map(|(text, i)| (i, widths.get(i).map_or(0, |w| w.saturating_sub(text.len()))))
            .collect(),
    )
}

/// A line of `split_inclusive('\n')` without its `\n` or `\r\n`.
pub fn without_line_end(raw: &str) -> &str {
    raw.strip_suffix('\n')
        .map_or(raw, |l| l.strip_suffix('\r').unwrap_or(l))
}

/// Each command's step name, unique among the runbook's steps: its `name`
/// attribute, or one derived from its first command. A skipped block is no
/// step (its name only labels its comment), so it takes no name from one.
/// Names written validly are given first, in block order: a reader who sees
/// `{name=restart-web}` runs `--only restart-web`, which must not be an
/// earlier block whose `restart web` became that name, nor a name derived
/// from a command; only those, and a name written twice, are made unique.
/// Only the script and the blocks with a `name` need them, so lint seldom
/// pays for them.
pub fn names<'c>(commands: impl Iterator<Item = &'c Command<'c>>) -> Vec<String> {
    let commands: Vec<&Command> = commands.collect();
    let mut names = Names::default();
    let as_written: Vec<Option<String>> = commands
        .iter()
        .map(|cmd| {
            let name = cmd.attrs.name.as_deref()?;
            (!cmd.skip && name_kept(name) && names.claim(name)).then(|| name.to_string())
        })
        .collect();
    commands
        .iter()
        .zip(as_written)
        .map(|(cmd, given)| {
            given.unwrap_or_else(|| {
                let wanted = cmd
                    .attrs
                    .name
                    .as_deref()
                    .map(step_name)
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| derive_name(&cmd.code));
                if cmd.skip {
                    wanted
                } else {
                    names.unique(wanted)
                }
            })
        })
        .collect()
}

/// Whether a `name` attribute is a step name as written: letters and
/// digits of any script, `_` and `-`, not starting with `-`. bash takes
/// those in a function name (`step_restart_web`, `step_vérifier`), and
/// `--only` selects the step by the name its author wrote (as Runme does).
pub fn name_kept(name: &str) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    name.starts_with(word) && name.chars().all(|c| word(c) || c == '-')
}

/// The step name of a `name` attribute: as written when
/// [`name_kept`], else its letters, digits and `_` with one `-` for each
/// run of anything else (`restart web` -> `restart-web`); `runbook
/// extract` says when the name is not the one written.
fn step_name(name: &str) -> String {
    if name_kept(name) {
        return name.to_string();
    }
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_alphanumeric() || c == '_' {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let kept = out.trim_end_matches('-').len();
    out.truncate(kept);
    out
}

/// The block names given so far, compared as the script's function names
/// (`-` is `_` there).
#[derive(Default)]
struct Names {
    used: FxHashSet<String>,
    /// For a name wanted again, the next number to try: a page of
    /// thousands of `echo` blocks must not count up from 2 for each.
    next: FxHashMap<String, usize>,
}

impl Names {
    /// Gives `name` if no step has it yet; says whether it did.
    fn claim(&mut self, name: &str) -> bool {
        self.used.insert(name.replace('-', "_"))
    }

    /// `wanted`, else `wanted-2`, `wanted-3`, ...: the first not given yet.
    fn unique(&mut self, wanted: String) -> String {
        if self.claim(&wanted) {
            return wanted;
        }
        let n = self.next.entry(wanted.clone()).or_insert(2);
        loop {
            let name = format!("{wanted}-{n}");
            *n += 1;
            if self.used.insert(name.replace('-', "_")) {
                return name;
            }
        }
    }
}

/// `<!-- runbook: skip -->` on the line before the fence. Comments are in
/// page order, so those ending there are found by a binary search.
pub fn skip_comment_before(doc: &Document, block: &CodeBlock) -> bool {
    let fence = block.fence.start.line;
    let comments = &doc.body.comments;
    let first = comments.partition_point(|c| c.span.end.line + 1 < fence);
    comments[first..]
        .iter()
        .take_while(|c| c.span.end.line + 1 == fence)
        .any(|c| c.text == "runbook: skip")
}

/// Parses the attributes after the language: Runme's `{ name=x skip }` or
/// its JSON form `{"name":"x","interactive":false}`.
pub fn parse_attributes(info: &str) -> Attributes {
    let mut attrs = Attributes::default();
    let Some(open) = info.find('{') else {
        return attrs;
    };
    let inner = info[open..].trim();
    if let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(inner) {
        for (key, value) in map {
            let text = match &value {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Bool(b) => b.to_string(),
                other => other.to_string(),
            };
            apply(&mut attrs, &key, Some(&text));
        }
        return attrs;
    }
    let inner = inner.trim_start_matches('{');
    let inner = inner.split('}').next().unwrap_or("");
    for (key, value) in pairs(inner) {
        apply(&mut attrs, &key, value.as_deref());
    }
    attrs
}

/// `key=value`, `key="a value"`, bare `flag`, separated by spaces or commas
/// (commas inside a value stay: `requires=A,B`).
fn pairs(text: &str) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == ',') {
            chars.next();
        }
        let key: String =
            std::iter::from_fn(|| chars.next_if(|c| !c.is_whitespace() && *c != '=' && *c != ','))
                .collect();
        if key.is_empty() {
            break;
        }
        if chars.next_if_eq(&'=').is_none() {
            out.push((key, None));
            continue;
        }
        let value: String = match chars.peek() {
            Some(&q @ ('"' | '\'')) => {
                chars.next();
                let v = std::iter::from_fn(|| chars.next_if(|c| *c != q)).collect();
                chars.next();
                v
            }
            _ => std::iter::from_fn(|| chars.next_if(|c| !c.is_whitespace())).collect(),
        };
        out.push((key, Some(value)));
    }
    out
}

fn apply(attrs: &mut Attributes, key: &str, value: Option<&str>) {
    let truthy = value.is_none_or(|v| !matches!(v, "false" | "0" | "no"));
    match key {
        "name" => attrs.name = value.map(str::to_string),
        "skip" | "ignore" | "excludeFromRunAll" => attrs.skip |= truthy,
        "destructive" => attrs.destructive = truthy,
        "requires" => attrs.requires.extend(
            value
                .unwrap_or("")
                .split([',', ' '])
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string),
        ),
        _ => {}
    }
}

/// A shell block written as a transcript: its first command after a `$ `
/// prompt. Such a block, like a `console` one (or one of
/// [`TRANSCRIPT_LANGS`]), runs only its prompted lines.
fn prompts_first(code: &str) -> bool {
    code.lines()
        .map(str::trim_end)
        .find(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .is_some_and(|l| after_prompt(l, false).is_some_and(|c| !c.is_empty()))
}

/// `user@host:~$ `, `root@db1:/var# `, `[ops@db1 app]$ `: a prompt that
/// shows who and where, `$` or root's `#`.
static USER_PROMPT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[\w.-]+@[\w.-]+(?::[^\s$#]*)?|\[[\w.-]+@[\w.-]+(?: [^\]]*)?\])[$#](?: |$)")
        .unwrap()
});

/// The command typed at a prompt on `line`: after `$ `, a
/// [`USER_PROMPT`], and with `root` (a transcript block of root's prompts
/// alone, which GitHub highlights so) after root's bare `# `. Elsewhere,
/// `# ` starts a comment or a note.
fn after_prompt(line: &str, root: bool) -> Option<&str> {
    if line == "$" || (root && line == "#") {
        return Some("");
    }
    let bare = line
        .strip_prefix("$ ")
        .or_else(|| line.strip_prefix("# ").filter(|_| root));
    bare.or_else(|| USER_PROMPT.find(line).map(|m| &line[m.end()..]))
}

/// The commands of a console block: `$ ` lines with their `\` continuations
/// and the `> ` lines the shell prompts for while a command is unfinished
/// (a here-document, a loop, an open quote), with the Markdown line of each
/// (`md_line` of the line's index in `code`). `included` is where `code`
/// holds text an `{{#include}}` brought in, with its directive: the same
/// for the commands taken from it.
fn console_commands(
    code: &str,
    root: bool,
    md_line: impl Fn(usize) -> usize,
    included: &[(Range<usize>, usize)],
) -> Transcript {
    let mut out = String::new();
    let mut lines = Vec::new();
    let mut out_included = Vec::new();
    // The included ranges that end before the line being read.
    let mut passed = 0;
    // Where the command being read starts in `out`.
    let mut command = 0;
    let mut continued = false;
    let mut unfinished = false;
    let mut line_start = 0;
    for (i, raw) in code.split_inclusive('\n').enumerate() {
        let start = line_start;
        line_start += raw.len();
        let line = without_line_end(raw);
        let secondary = line
            .strip_prefix("> ")
            .or_else(|| (line == ">").then_some(""));
        let text = if continued {
            Some(secondary.unwrap_or(line))
        } else if unfinished && secondary.is_some() {
            secondary
        } else {
            unfinished = false;
            command = out.len();
            after_prompt(line, root)
        };
        let Some(text) = text else {
            continued = false;
            continue;
        };
        // `text` ends its line: where it is in `code`, and where it goes.
        let from = start + line.len() - text.len()..start + line.len();
        let to = out.len();
        // Both in order: a sweep, not every range for every line.
        while included
            .get(passed)
            .is_some_and(|(r, _)| r.end <= from.start)
        {
            passed += 1;
        }
        for (range, n) in included[passed..]
            .iter()
            .take_while(|(r, _)| r.start < from.end)
        {
            if from.start < range.end {
                let start = range.start.max(from.start) - from.start + to;
                let end = range.end.min(from.end) - from.start + to;
                out_included.push((start..end, *n));
            }
        }
        out.push_str(text);
        out.push('\n');
        lines.push(md_line(i));
        continued = text.ends_with('\\');
        // Asked once, when the `$ ` line and its `\` lines are in: every
        // `> ` line after an unfinished command is more of it.
        if !continued && !unfinished {
            unfinished = awaits_more(&out[command..]);
        }
    }
    (out, lines, out_included)
}

/// A transcript's commands, the Markdown line of each line of them, and
/// where they hold included text (as [`Command::included`]).
type Transcript = (String, Vec<usize>, Vec<(Range<usize>, usize)>);

/// Whether the shell would prompt for more of `command` with `> `: it ends
/// after `|` or `&&`, or inside a here-document, a quote, a substitution,
/// or an `if`, loop, `case`, `{` or `(` it does not close (the lexer's
/// "never closed").
fn awaits_more(command: &str) -> bool {
    let code = command.trim_end();
    if code.ends_with('|') || code.ends_with("&&") {
        return true;
    }
    super::shell::scan(command)
        .error
        .as_ref()
        .is_some_and(super::shell::SyntaxError::is_unclosed)
}

/// A word that can be part of a step name: no quotes, paths or operators.
fn is_plain_word(word: &str) -> bool {
    word.as_bytes()
        .first()
        .is_some_and(u8::is_ascii_alphanumeric)
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'))
}

/// `kubectl -n x rollout restart` -> `kubectl-rollout-restart`: the first
/// command's name and up to two plain words after it.
fn derive_name(code: &str) -> String {
    let line = code
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .unwrap_or("");
    let mut words = line.split_whitespace().peekable();
    // What runs another command is not its name: `sudo -u postgres psql`
    // is `psql`, as are `timeout 30 psql` and `env PGHOST=db psql`.
    while let Some(&word) = words.peek() {
        let wrapper = matches!(
            word,
            "sudo" | "env" | "time" | "nohup" | "nice" | "timeout" | "exec" | "command"
        );
        if !(wrapper || word.contains('=') || matches!(word, "if" | "while" | "until" | "!")) {
            break;
        }
        words.next();
        if !wrapper {
            continue;
        }
        while let Some(&option) = words.peek() {
            if option.starts_with('-') {
                words.next();
                // sudo's and nice's options that take the next word.
                if matches!(
                    option,
                    "-u" | "-g" | "-C" | "-D" | "-h" | "-p" | "-r" | "-t" | "-U" | "-n"
                ) {
                    words.next();
                }
            } else if word == "timeout" && option.starts_with(|c: char| c.is_ascii_digit()) {
                words.next();
            } else {
                break;
            }
        }
    }
    let mut parts = Vec::new();
    if let Some(first) = words.next() {
        parts.push(first.rsplit('/').next().unwrap_or(first).to_string());
    }
    let mut skip_value = false;
    for word in words {
        if parts.len() == 3 || matches!(word, "|" | "&&" | "||" | ";") {
            break;
        }
        if skip_value {
            skip_value = false;
            continue;
        }
        if word.starts_with('-') {
            skip_value = word.len() == 2;
            continue;
        }
        // Quoted text and paths end the name: they are arguments.
        if !is_plain_word(word) {
            break;
        }
        parts.push(word.to_string());
    }
    let name = sanitize(&parts.join("-"));
    if name.is_empty() {
        "step".to_string()
    } else {
        name
    }
}

/// Lowercase letters, digits and single dashes, at most 40 characters:
/// a name derived from a command.
fn sanitize(name: &str) -> String {
    let mut out = String::with_capacity(name.len().min(40));
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.len() >= 40 {
            break;
        }
    }
    let kept = out.trim_end_matches('-').len();
    out.truncate(kept);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_forms() {
        let a = parse_attributes("bash {name=restore-db destructive requires=KUBECONFIG,PGHOST}");
        assert_eq!(a.name.as_deref(), Some("restore-db"));
        assert!(a.destructive && !a.skip);
        assert_eq!(a.requires, vec!["KUBECONFIG", "PGHOST"]);
        let a = parse_attributes(r#"sh {"name":"x","interactive":false,"skip":true}"#);
        assert_eq!(a.name.as_deref(), Some("x"));
        assert!(a.skip);
        let a = parse_attributes(r#"bash { name="a b" interactive=false skip }"#);
        assert_eq!(a.name.as_deref(), Some("a b"));
        assert!(a.skip);
        assert_eq!(parse_attributes("bash"), Attributes::default());
    }

    #[test]
    fn names_and_console() {
        assert_eq!(
            derive_name("# restart\nsudo kubectl -n web rollout restart deploy/x\n"),
            "kubectl-rollout-restart"
        );
        assert_eq!(derive_name("./scripts/deploy.sh --prod\n"), "deploy-sh");
        assert_eq!(derive_name("sudo -u postgres psql -c 'select 1'\n"), "psql");
        assert_eq!(
            derive_name("timeout 30 env PGHOST=db nice -n 10 pg_dump app\n"),
            "pg-dump-app"
        );
        assert_eq!(derive_name("# nothing\n"), "step");
        let (code, lines, _) = console_commands(
            "$ ls \\\n  -l\nfile\n$ echo hi\nhi\n",
            true,
            |i| 10 + i,
            &[],
        );
        assert_eq!(code, "ls \\\n  -l\necho hi\n");
        assert_eq!(lines, vec![10, 11, 13]);
    }

    /// Root's `# ` is a prompt in a console block, as GitHub shows it, and
    /// a comment in a shell block; `user@host:~$ ` and `[user@host dir]# `
    /// are prompts in both.
    #[test]
    fn root_and_user_at_host_prompts() {
        let transcript = "# rm -rf /var/lib/app\nroot@db1:~# dropdb ledger\n\
                          ops@db1:~$ ls\n[ops@db1 app]$ pwd\noutput: 1\n";
        let (code, _, _) = console_commands(transcript, true, |i| 1 + i, &[]);
        assert_eq!(code, "rm -rf /var/lib/app\ndropdb ledger\nls\npwd\n");
        let (code, _, _) = console_commands(transcript, false, |i| 1 + i, &[]);
        assert_eq!(code, "dropdb ledger\nls\npwd\n");
        assert!(prompts_first("# list\nops@db1:~$ ls\n"));
        assert!(!prompts_first("# list\nls\n"));
    }

    /// The `> ` lines bash prompts for belong to the unfinished command
    /// above them; after a finished one, a `> ` line is output.
    #[test]
    fn console_secondary_prompts() {
        let transcript = "$ cat <<EOF > x.conf\n> listen 8080\n> EOF\n\
                          $ for i in 1 2; do\n>   echo \"$i\"\n> done\n1\n2\n\
                          $ echo 'it\n> is'\nit\nis\n\
                          $ ls |\n> wc -l\n3\n\
                          $ ls \\\n> -l\n\
                          $ echo done\n> quoted output\n";
        let (code, lines, _) = console_commands(transcript, true, |i| 1 + i, &[]);
        assert_eq!(
            code,
            "cat <<EOF > x.conf\nlisten 8080\nEOF\nfor i in 1 2; do\n  echo \"$i\"\ndone\n\
             echo 'it\nis'\nls |\nwc -l\nls \\\n-l\necho done\n"
        );
        assert_eq!(lines, vec![1, 2, 3, 4, 5, 6, 9, 10, 13, 14, 16, 17, 18]);
        assert!(super::super::shell::scan(&code).error.is_none());
    }

    /// What the lexer reports never closed (a subshell, an `if`, a `case`)
    /// is what bash prompts `> ` for; a `}` too many is not.
    #[test]
    fn console_secondary_prompts_after_an_open_compound_command() {
        let transcript = "$ (cd /tmp\n> ls)\n$ if true; then\n> echo yes\n> fi\nyes\n\
                          $ case x in\n> x) echo x;;\n> esac\nx\n$ echo }\n> not a command\n";
        let (code, lines, _) = console_commands(transcript, true, |i| 1 + i, &[]);
        assert_eq!(
            code,
            "(cd /tmp\nls)\nif true; then\necho yes\nfi\ncase x in\nx) echo x;;\nesac\necho }\n"
        );
        assert_eq!(lines, vec![1, 2, 3, 4, 5, 7, 8, 9, 11]);
    }
}
