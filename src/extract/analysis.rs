//! One runbook's command blocks, analysed once for every consumer (lint
//! rules, the script writer, verify, dry-run): placeholders turned into
//! variables, the shell scan, output masquerading as commands, and the
//! variables the runbook needs from outside.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::sync::{LazyLock, OnceLock};

use regex::Regex;

use super::blocks::{self, Command};
use super::config::Checks;
use super::shell::{self, Quoting, Scan};
use crate::document::lines::LineIndex;
use crate::document::{Document, Span};

/// A placeholder such as `<backup-id>`, and the variable it becomes.
#[derive(Clone, Debug)]
pub struct Placeholder {
    pub text: String,
    pub var: String,
    /// Byte offset in the block's original code.
    pub offset: usize,
    pub line: usize,
    /// The rule of `lints/` whose pattern found it, if any.
    pub rule: Option<&'static str>,
    /// Whether the script can put the variable in its place: not inside a
    /// quoted here-document (`<<'EOF'`), which expands nothing.
    pub fillable: bool,
}

/// Why a variable must come from outside the runbook.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Need {
    Placeholder(String),
    /// By the block at this index of [`Runbook::blocks`].
    Requires(usize),
    Undefined,
}

#[derive(Clone, Debug)]
pub struct Block<'a> {
    pub cmd: Command<'a>,
    pub placeholders: Vec<Placeholder>,
    /// The code with placeholders replaced by required variables; newlines
    /// are where they were, so line numbers still apply.
    pub code: Cow<'a, str>,
    /// Where each line of `code` starts, when placeholders made it differ
    /// from the code as written (see [`Block::index`]).
    substituted_index: Option<LineIndex>,
    /// Each placeholder's text in the code as written and its expansion in
    /// `code`, in order: offsets in one map to the other.
    replaced: Vec<Replaced>,
    /// The variables of `placeholders`, sorted, for a binary search.
    placeholder_vars: Vec<String>,
    /// How each code line sits on its Markdown line (after list or quote
    /// marks, a tab expanded), computed for the first finding that needs it.
    pub(super) indents: OnceLock<Vec<super::findings::Alignment>>,
    pub scan: Scan,
    /// The Markdown line where output (JSON, a log) starts, when the block
    /// holds output rather than commands.
    pub output_at: Option<(usize, &'static str)>,
    /// In a `bash` block read as a transcript, the Markdown line of the
    /// first line without a prompt that looks like a command all the same.
    pub unprompted_at: Option<usize>,
}

#[derive(Clone, Debug)]
struct Replaced {
    written: Range<usize>,
    substituted: Range<usize>,
}

impl Block<'_> {
    /// Whether `code` differs from the code as written (a placeholder
    /// filled, a `declare` made global), so that offsets of one are not
    /// offsets of the other.
    pub fn rewritten(&self) -> bool {
        !self.replaced.is_empty()
    }

    /// Where each line of the substituted `code` starts.
    pub fn index(&self) -> &LineIndex {
        self.substituted_index.as_ref().unwrap_or(&self.cmd.index)
    }

    /// The Markdown line of a byte offset in the substituted `code`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.cmd.line_of(self.written_offset(offset))
    }

    /// Where a byte offset of the substituted `code` is in the code as
    /// written: the same text, shifted by the expansions before it; inside
    /// an expansion, the placeholder it replaced.
    pub fn written_offset(&self, offset: usize) -> usize {
        let after = self
            .replaced
            .partition_point(|r| r.substituted.start <= offset);
        let Some(r) = after.checked_sub(1).map(|i| &self.replaced[i]) else {
            return offset;
        };
        if offset < r.substituted.end {
            r.written.start
        } else {
            offset - r.substituted.end + r.written.end
        }
    }

    /// Blocks that go into a script as code.
    pub fn runnable(&self) -> bool {
        !self.cmd.skip
            && self.output_at.is_none()
            && self.scan.error.is_none()
            && self.cmd.unread_include().is_none()
            && self.cmd.block.closed
            && self.unfillable().is_none()
    }

    /// Why the block cannot run though it is valid shell: its fence is
    /// never closed, so its code is the rest of the file, the headings,
    /// prose and Rollback commands below included (`unclosed-fence`); or it
    /// holds a placeholder the script cannot fill in, which would run as
    /// the literal text (`unresolved-placeholder`).
    pub fn cannot_run(&self) -> Option<String> {
        if !self.cmd.block.closed {
            let fence = self.cmd.block.fence.start.line;
            return Some(format!(
                "its code fence (line {fence}) is never closed, so the rest of the file is its code"
            ));
        }
        let p = self.unfillable()?;
        Some(format!(
            "placeholder {} (line {}) is in a quoted here-document, where the script cannot fill it in: \
             unquote the delimiter or fill it in by hand",
            p.text, p.line
        ))
    }

    /// The first placeholder the script cannot fill in.
    pub fn unfillable(&self) -> Option<&Placeholder> {
        self.placeholders.iter().find(|p| !p.fillable)
    }
}

pub struct Runbook<'a> {
    pub doc: &'a Document,
    pub blocks: Vec<Block<'a>>,
    /// Variables some block sets (`NAME=`, `export`, `read`, `for`, ...),
    /// each with where it is first set: see [`Runbook::set_before`].
    pub sets: BTreeMap<String, Place>,
    /// Variables some block declares in `requires` (those that are names).
    pub required: BTreeSet<String>,
    /// Where the first `source`, `.` or `eval` of the runbook ends, as the
    /// block's first line and an offset in its code: after it, a variable
    /// may come from code the runbook does not show.
    pub sets_unknown_from: Option<(usize, usize)>,
    /// Variable -> why it is needed and the first Markdown line asking.
    pub needs: BTreeMap<String, (Need, usize)>,
    /// Set when the runbook has more command blocks than
    /// [`MAX_COMMAND_BLOCKS`]: then `blocks` is empty.
    pub oversized: Option<Oversized>,
    /// The step name of each block, made when first asked for.
    names: OnceLock<Vec<String>>,
}

/// Command blocks a runbook may have, at most. Past this, none of its
/// commands is checked or extracted, and `file-too-large` says so: each
/// block's analysis holds a few kilobytes, and a 10 MiB page of 500,000
/// one-line blocks took 1.3 GB.
pub const MAX_COMMAND_BLOCKS: usize = 10_000;

/// How many command blocks a runbook over the limit has, and the opening
/// fence of the first one past it.
#[derive(Clone, Copy, Debug)]
pub struct Oversized {
    pub blocks: usize,
    pub fence: Span,
}

/// A step whose name in the script is not its `name` attribute as written.
pub struct Renamed<'r> {
    pub written: &'r str,
    pub name: &'r str,
    pub why: &'static str,
}

/// A place in the runbook's commands, in the order they run: the index of
/// a block in [`Runbook::blocks`] and a byte offset in its code as written.
pub type Place = (usize, usize);

impl Runbook<'_> {
    /// The step name of the block at `index`, unique within the runbook.
    pub fn name(&self, index: usize) -> &str {
        let names = self
            .names
            .get_or_init(|| blocks::names(self.blocks.iter().map(|b| &b.cmd)));
        &names[index]
    }

    /// The step at `index` when the script does not name it as its `name`
    /// attribute is written, with why: `--only` and `--list` know a step
    /// by its name in the script. A skipped block is no step.
    pub fn renamed(&self, index: usize) -> Option<Renamed<'_>> {
        let cmd = &self.blocks[index].cmd;
        let written = cmd.attrs.name.as_deref().filter(|_| !cmd.skip)?;
        let name = self.name(index);
        if name == written {
            return None;
        }
        let why = if blocks::name_kept(written) {
            "another step has that name (`-` and `_` are one in the step's bash function)"
        } else {
            "a step name holds only letters, digits, `_` and `-`, and does not start with `-`"
        };
        Some(Renamed { written, name, why })
    }

    /// Whether the runbook provides a variable by the time the block at
    /// `index` runs, or asks for it: a block before it, or the block itself,
    /// sets it (in one block a loop may set it before a read written above
    /// the assignment), or a block declares it in `requires`. In a block
    /// that defines a function, a setting anywhere counts: the function may
    /// be called after it.
    pub fn provides(&self, var: &str, index: usize, block: &Block) -> bool {
        self.required.contains(var)
            || self
                .sets
                .get(var)
                .is_some_and(|&(set_in, _)| set_in <= index || block.scan.defines_function)
    }

    /// Where a block after the one at `index` first sets `var`, when no
    /// block up to it does: the Markdown line.
    pub fn set_later(&self, var: &str, index: usize) -> Option<usize> {
        let &(set_in, offset) = self.sets.get(var)?;
        (set_in > index).then(|| self.blocks[set_in].cmd.line_of(offset))
    }

    /// Whether a command before `place` sets `var`: a placeholder there is
    /// filled in by then. A later step does not count (the operator reaches
    /// the placeholder first), nor does the assignment that holds it
    /// (`BACKUP_ID=<backup-id>` still has to be filled in by hand).
    pub fn set_before(&self, var: &str, place: Place) -> bool {
        self.sets.get(var).is_some_and(|&first| first < place)
    }

    /// Reads, in the block at `index`, of variables that nothing in the
    /// runbook sets by then ([`Runbook::provides`]), and that the
    /// environment does not always have.
    pub fn undefined_reads<'b>(
        &self,
        index: usize,
        block: &'b Block,
    ) -> impl Iterator<Item = &'b shell::VarRead> {
        let first_line = block.cmd.block.first_line;
        block.scan.reads.iter().filter(move |r| {
            !r.guarded
                && !self.provides(&r.name, index, block)
                && self
                    .sets_unknown_from
                    .is_none_or(|from| (first_line, r.offset) < from)
                && block.placeholder_vars.binary_search(&r.name).is_err()
                && !WELL_KNOWN.contains(&r.name.as_str())
        })
    }
}

pub fn analyze<'a>(doc: &'a Document, checks: &Checks) -> Runbook<'a> {
    let mut shell_blocks = doc.body.code_blocks.iter().filter(|b| blocks::is_shell(b));
    if let Some(past) = shell_blocks.nth(MAX_COMMAND_BLOCKS) {
        let oversized = Oversized {
            blocks: MAX_COMMAND_BLOCKS + 1 + shell_blocks.count(),
            fence: past.fence,
        };
        return Runbook {
            doc,
            blocks: Vec::new(),
            sets: BTreeMap::new(),
            required: BTreeSet::new(),
            sets_unknown_from: None,
            needs: BTreeMap::new(),
            oversized: Some(oversized),
            names: OnceLock::new(),
        };
    }
    let blocks: Vec<Block> = blocks::commands(doc)
        .into_iter()
        .map(|cmd| block(cmd, checks))
        .collect();
    let sets = first_sets(&blocks);
    let sets_unknown_from = blocks
        .iter()
        .filter(|b| !b.cmd.skip)
        .find_map(|b| Some((b.cmd.block.first_line, b.scan.sets_unknown_from?)));
    let required = blocks
        .iter()
        .flat_map(|b| b.cmd.attrs.requires.iter().cloned())
        .filter(|name| shell::valid_name(name))
        .collect();
    let mut rb = Runbook {
        doc,
        blocks,
        sets,
        required,
        sets_unknown_from,
        needs: BTreeMap::new(),
        oversized: None,
        names: OnceLock::new(),
    };
    let mut needs: BTreeMap<String, (Need, usize)> = BTreeMap::new();
    for (index, b) in rb.blocks.iter().enumerate().filter(|(_, b)| b.runnable()) {
        for p in &b.placeholders {
            needs
                .entry(p.var.clone())
                .or_insert((Need::Placeholder(p.text.clone()), p.line));
        }
        // Others are `requires-invalid` findings: the script cannot check them.
        for r in b.cmd.attrs.requires.iter().filter(|r| shell::valid_name(r)) {
            needs
                .entry(r.clone())
                .or_insert((Need::Requires(index), b.cmd.block.first_line));
        }
        for read in rb.undefined_reads(index, b) {
            needs
                .entry(read.name.clone())
                .or_insert((Need::Undefined, b.line_of(read.offset)));
        }
    }
    rb.needs = needs;
    rb
}

/// Where each variable is first set, in blocks that run.
fn first_sets(blocks: &[Block]) -> BTreeMap<String, Place> {
    let mut sets: BTreeMap<String, Place> = BTreeMap::new();
    for (index, b) in blocks.iter().enumerate().filter(|(_, b)| !b.cmd.skip) {
        for set in &b.scan.sets {
            let place = (index, b.written_offset(set.offset));
            match sets.get_mut(&set.name) {
                Some(first) => *first = place.min(*first),
                None => {
                    sets.insert(set.name.clone(), place);
                }
            }
        }
    }
    sets
}

/// Set by the shell or the login session: never worth asking for.
const WELL_KNOWN: &[&str] = &[
    "HOME",
    "PATH",
    "USER",
    "LOGNAME",
    "SHELL",
    "PWD",
    "OLDPWD",
    "TERM",
    "LANG",
    "LC_ALL",
    "TZ",
    "HOSTNAME",
    "UID",
    "EUID",
    "PPID",
    "RANDOM",
    "SRANDOM",
    "SECONDS",
    "LINENO",
    "BASH",
    "BASH_VERSION",
    "BASH_SOURCE",
    "BASH_ALIASES",
    "BASH_ARGC",
    "BASH_ARGV",
    "BASH_ARGV0",
    "BASH_CMDS",
    "BASH_COMMAND",
    "BASH_LINENO",
    "BASH_REMATCH",
    "BASH_SUBSHELL",
    "BASH_VERSINFO",
    "BASHOPTS",
    "SHELLOPTS",
    "SHLVL",
    "DIRSTACK",
    "BASHPID",
    "FUNCNAME",
    "IFS",
    "TMPDIR",
    "EDITOR",
    "PAGER",
    "OSTYPE",
    "HOSTTYPE",
    "MACHTYPE",
    "PIPESTATUS",
    "REPLY",
    "OPTARG",
    "OPTIND",
    "GROUPS",
    "EPOCHSECONDS",
    "EPOCHREALTIME",
    "COLUMNS",
    "LINES",
    "SSH_AUTH_SOCK",
    "DISPLAY",
    "CI",
];

/// Shell and session names a placeholder must not silently take the value
/// of: every variable bash sets itself (`env -i bash -c 'compgen -v'`, and
/// those it sets when used: `FUNCNAME`, `PIPESTATUS`, `REPLY`, `COPROC`...),
/// the ones that change how it behaves, and [`WELL_KNOWN`]'s session names.
/// `BASH*` is caught by its prefix.
const RESERVED: &[&str] = &[
    "CDPATH",
    "CI",
    "COLUMNS",
    "COMP_WORDBREAKS",
    "COPROC",
    "DIRSTACK",
    "DISPLAY",
    "EDITOR",
    "ENV",
    "EPOCHREALTIME",
    "EPOCHSECONDS",
    "EUID",
    "EXECIGNORE",
    "FUNCNAME",
    "FUNCNEST",
    "GLOBIGNORE",
    "GROUPS",
    "HISTCMD",
    "HISTFILE",
    "HISTSIZE",
    "HOME",
    "HOSTNAME",
    "HOSTTYPE",
    "IFS",
    "LANG",
    "LC_ALL",
    "LINENO",
    "LINES",
    "LOGNAME",
    "MACHTYPE",
    "MAPFILE",
    "OLDPWD",
    "OPTARG",
    "OPTERR",
    "OPTIND",
    "OSTYPE",
    "PAGER",
    "PATH",
    "PIPESTATUS",
    "POSIXLY_CORRECT",
    "PPID",
    "PROMPT_COMMAND",
    "PS1",
    "PS2",
    "PS3",
    "PS4",
    "PWD",
    "RANDOM",
    "REPLY",
    "SECONDS",
    "SHELL",
    "SHELLOPTS",
    "SHLVL",
    "SRANDOM",
    "SSH_AUTH_SOCK",
    "TERM",
    "TIMEFORMAT",
    "TMPDIR",
    "TZ",
    "UID",
    "USER",
];

fn block<'a>(cmd: Command<'a>, checks: &Checks) -> Block<'a> {
    let original = shell::scan(&cmd.code);
    let placeholders = find_placeholders(&cmd, &original, checks);
    // A `declare` of the block's own (not of a function it defines, whose
    // locals are meant) is made global: the step runs as a function, where
    // a plain `declare` is local, and the steps after it need the variable
    // as a terminal would have kept it.
    let globals: &[usize] = if original.defines_function {
        &[]
    } else {
        &original.declarations
    };
    // Without changes the code is the block's own, shared, not copied.
    if placeholders.is_empty() && globals.is_empty() {
        let code = cmd.code.clone();
        return finish_block(cmd, placeholders, code, Vec::new(), original);
    }
    let (code, replaced) = substitute(&cmd.code, &placeholders, globals, &original);
    let scan = shell::scan(&code);
    finish_block(cmd, placeholders, Cow::Owned(code), replaced, scan)
}

/// A block whose code, as the script runs it, is `code` (`replaced` maps
/// it to the code as written) and whose scan is `scan`.
fn finish_block<'a>(
    cmd: Command<'a>,
    placeholders: Vec<Placeholder>,
    code: Cow<'a, str>,
    replaced: Vec<Replaced>,
    scan: Scan,
) -> Block<'a> {
    let (output_at, unprompted_at) = if cmd.transcript {
        (None, unprompted_command(&cmd))
    } else {
        (output_line(&cmd, &code, &scan), None)
    };
    let substituted_index = (!replaced.is_empty()).then(|| LineIndex::new(&code));
    let mut placeholder_vars: Vec<String> = placeholders.iter().map(|p| p.var.clone()).collect();
    placeholder_vars.sort_unstable();
    placeholder_vars.dedup();
    Block {
        cmd,
        placeholders,
        code,
        substituted_index,
        replaced,
        placeholder_vars,
        indents: OnceLock::new(),
        scan,
        output_at,
        unprompted_at,
    }
}

fn find_placeholders(cmd: &Command, scan: &Scan, checks: &Checks) -> Vec<Placeholder> {
    let code = &cmd.code;
    let mut found: Vec<Placeholder> = Vec::new();
    // Start -> end of each placeholder taken: they never overlap, so the
    // one starting last before a match's end is the only one it can touch.
    let mut taken: BTreeMap<usize, usize> = BTreeMap::new();
    // Most blocks hold no placeholder: a search that reports no groups
    // says so without the capture slots `captures_iter` sets up per call.
    for (rule, pattern) in checks.placeholders.iter().filter(|(_, p)| p.is_match(code)) {
        let mut literal = Literal::new(code, scan);
        for caps in pattern.captures_iter(code) {
            let whole = caps.get(0).unwrap();
            // A pattern that can match empty text (`<[a-z]+>|x*`) matches
            // between every two characters: no text, nothing to fill in.
            if whole.is_empty() {
                continue;
            }
            let before = code[..whole.start()].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || matches!(c, '$' | '{' | '_' | '[')) {
                continue;
            }
            let name = caps.get(1).unwrap_or(whole).as_str();
            if bracket_syntax(code, scan, whole.range(), name) || literal.at(whole.start(), name) {
                continue;
            }
            let fillable = scan.quoting_at(whole.start()) != Quoting::Heredoc(false);
            // `<in>/dev/null`, `<in>>>log`, `<in>&3`: an input and an output
            // redirection, as bash reads them.
            let after = &code[whole.end()..];
            let angle = whole.as_str().starts_with('<') && whole.as_str().ends_with('>');
            if angle && (after.starts_with(['>', '&']) || after.starts_with("/dev/")) {
                continue;
            }
            if taken
                .range(..whole.end())
                .next_back()
                .is_some_and(|(_, &end)| whole.start() < end)
            {
                continue;
            }
            taken.insert(whole.start(), whole.end());
            found.push(Placeholder {
                text: whole.as_str().to_string(),
                var: variable_name(name),
                offset: whole.start(),
                line: cmd.line_of(whole.start()),
                rule: *rule,
                fillable,
            });
        }
    }
    found.sort_by_key(|p| p.offset);
    found
}

/// Whether a `[...]` match is bash's own syntax, which the script must
/// keep as written: in a pattern or an array subscript (see
/// [`Scan::in_pattern`]: `[[ $a == [yn] ]]`, `([api]=3)`), or a bracket
/// expression of a glob, unquoted with a `*` before it in its word
/// (`*.[gz]`, `build/*.[oa]`) or a `*` or `?` beside it (`[ab]*.log`). A
/// name only a placeholder has stays one there: `/backups/*/[backup-id]`.
/// A `/` or `.` before it is no sign (`/srv/[app]`, `db.[date]`).
fn bracket_syntax(code: &str, scan: &Scan, range: Range<usize>, name: &str) -> bool {
    let text = &code[range.clone()];
    if !(text.starts_with('[') && text.ends_with(']')) {
        return false;
    }
    if scan.in_pattern(range.start) {
        return true;
    }
    if scan.quoting_at(range.start) != Quoting::Plain || placeholder_like(name) {
        return false;
    }
    let before = &code[..range.start];
    let word_start = before
        .rfind(|c: char| c.is_whitespace() || matches!(c, ';' | '|' | '&' | '(' | ')' | '<' | '>'))
        .map_or(0, |i| i + 1);
    before[word_start..].contains('*')
        || before.ends_with('?')
        || code[range.end..].starts_with(['*', '?'])
}

/// Commands besides [`shell::PRINTERS`] whose quoted argument is a pattern
/// or text to match (`sed 's/<br>/\n/g'`), never a command or a value.
const TEXT_TOOLS: &[&str] = &["sed", "awk", "gawk", "mawk"];

/// Go template actions that take no argument: `{{end}}` closes a
/// `{{range .items}}`, it is no placeholder.
const TEMPLATE_WORDS: &[&str] = &["end", "else", "break", "continue"];

/// Tells whether a placeholder pattern's match is text the command takes
/// as it is, for the matches of one pattern in order: it remembers the last
/// command and `${...}` expansion it read, so a megabyte line of matches is
/// read once, not once per match.
struct Literal<'c> {
    code: &'c str,
    scan: &'c Scan,
    /// The last offset whose command was asked for, and where it starts.
    command: Option<(usize, usize)>,
    /// The last `${NAME...}` read asked about, and where its word ends.
    expansion: Option<(usize, usize)>,
}

impl<'c> Literal<'c> {
    fn new(code: &'c str, scan: &'c Scan) -> Self {
        Literal {
            code,
            scan,
            command: None,
            expansion: None,
        }
    }

    /// Whether the match at `at`, naming `name`, is literal: in a comment;
    /// a Go template word (`{{end}}`); the default or message of a
    /// `${VAR:-...}` expansion; or, unless the name is one only a
    /// placeholder has (see [`placeholder_like`]), in a quoted
    /// here-document or a quoted pattern or text of a command that prints
    /// or matches text (`grep -v '<none>'`, `echo "Press [enter]"`). A
    /// quoted here-document is text written out as it stands (`<none>` in
    /// a config file), but `host=<new-primary-host>` there is not.
    fn at(&mut self, at: usize, name: &str) -> bool {
        match self.scan.quoting_at(at) {
            Quoting::Comment => return true,
            Quoting::Heredoc(false) if !placeholder_like(name) => return true,
            Quoting::Single | Quoting::Double if !placeholder_like(name) => {
                let command = self.command(at);
                if shell::PRINTERS.contains(&command) || TEXT_TOOLS.contains(&command) {
                    return true;
                }
            }
            _ => {}
        }
        (self.code[at..].starts_with("{{") && TEMPLATE_WORDS.contains(&name))
            || self.in_parameter_word(at)
    }

    /// The name of the simple command holding `at`.
    fn command(&mut self, at: usize) -> &'c str {
        let from = shell::command_start(self.code, self.scan, at, self.command);
        self.command = Some((at, from));
        shell::command_name(self.code, from, at)
    }

    /// Whether `at` is in the word of a `${NAME:-word}` expansion (or `-`,
    /// `=`, `+`, `?`, with or without `:`): the text it gives or says when
    /// NAME is unset, written as it should be. Only the last `${` read
    /// before `at` can hold it, and its word ends at its first `}`.
    fn in_parameter_word(&mut self, at: usize) -> bool {
        let reads = &self.scan.reads;
        let Some(read) = reads.partition_point(|r| r.offset < at).checked_sub(1) else {
            return false;
        };
        let offset = reads[read].offset;
        let end = match self.expansion {
            Some((known, end)) if known == offset => end,
            _ => {
                let end = self.word_end(offset);
                self.expansion = Some((offset, end));
                end
            }
        };
        at < end
    }

    /// Where the word of the `${NAME...}` at `offset` ends, or `offset`
    /// when it has none (`${NAME}`, `$NAME`).
    fn word_end(&self, offset: usize) -> usize {
        let Some(inside) = self.code[offset..].strip_prefix("${") else {
            return offset;
        };
        let word = inside.trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '_');
        if !word.starts_with([':', '-', '=', '+', '?']) {
            return offset;
        }
        let from = self.code.len() - word.len();
        word.find('}').map_or(self.code.len(), |end| from + end)
    }
}

/// A name that only a placeholder has: in capitals (`TOKEN`), with `your`
/// (`your-token`), or words joined by `-` or `_` (`db-host`). `<none>`,
/// `<br>`, `[enter]` are words a command prints or matches.
fn placeholder_like(name: &str) -> bool {
    let b = name.as_bytes();
    let capitals = b.iter().any(u8::is_ascii_uppercase) && !b.iter().any(u8::is_ascii_lowercase);
    let joined = name.trim_matches(['-', '_']).contains(['-', '_']);
    capitals || joined || b.windows(4).any(|w| w.eq_ignore_ascii_case(b"your"))
}

/// `backup-id` -> `BACKUP_ID`; names the shell owns get `_VALUE`.
pub fn variable_name(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_uppercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let mut out = out.trim_matches('_').to_string();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "VALUE_");
    }
    if RESERVED.contains(&out.as_str()) || out.starts_with("BASH") {
        out.push_str("_VALUE");
    }
    out
}

/// Replaces each placeholder with `"${VAR:?...}"`, quoted to fit where it
/// stands: inside single quotes the quote is closed around it. One in a
/// quoted here-document stays as written: nothing expands there, and its
/// step fails instead ([`Block::cannot_run`]).
/// The code with each fillable placeholder replaced by a required
/// variable, quoted to fit where it stands, and ` -g` after each
/// declaration word at `globals`; and where each change is.
fn substitute(
    code: &str,
    placeholders: &[Placeholder],
    globals: &[usize],
    scan: &Scan,
) -> (String, Vec<Replaced>) {
    enum Change<'p> {
        Fill(&'p Placeholder),
        Global(usize),
    }
    let mut changes: Vec<(usize, Change)> = placeholders
        .iter()
        .filter(|p| p.fillable)
        .map(|p| (p.offset, Change::Fill(p)))
        .chain(globals.iter().map(|&at| (at, Change::Global(at))))
        .collect();
    changes.sort_by_key(|(at, _)| *at);
    let mut out = String::with_capacity(code.len() + changes.len() * 40);
    let mut replaced = Vec::with_capacity(changes.len());
    let mut last = 0;
    for (at, change) in changes {
        out.push_str(&code[last..at]);
        let from = out.len();
        last = match change {
            Change::Fill(p) => {
                fill(&mut out, code, p, scan);
                p.offset + p.text.len()
            }
            Change::Global(at) => {
                // `declare` and `typeset` have the same length.
                let word = &code[at..at + "declare".len()];
                out.push_str(word);
                out.push_str(" -g");
                at + word.len()
            }
        };
        replaced.push(Replaced {
            written: at..last,
            substituted: from..out.len(),
        });
    }
    out.push_str(&code[last..]);
    (out, replaced)
}

/// Writes the required variable that stands for `p` (of `code`) to `out`.
fn fill(out: &mut String, code: &str, p: &Placeholder, scan: &Scan) {
    let expansion = format!(
        "${{{}:?fill in {} (line {}): pass --var {}=...}}",
        p.var,
        p.text
            .replace(['{', '}', '"', '\'', '`', '$', '\\'], "")
            .trim(),
        p.line,
        p.var
    );
    match scan.quoting_at(p.offset) {
        Quoting::Double | Quoting::Heredoc(true) => out.push_str(&expansion),
        Quoting::Single => {
            out.push_str("'\"");
            out.push_str(&expansion);
            // The rest of a `$'...'` keeps its escapes (`\n`).
            let ansi_c = code[scan.quoted_from(p.offset)..].starts_with("$'");
            out.push_str(if ansi_c { "\"$'" } else { "\"'" });
        }
        _ => {
            out.push('"');
            out.push_str(&expansion);
            out.push('"');
        }
    }
}

static JSON_KEY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"^(\{\s*)?"[^"]+"\s*:\s*(["{\[0-9-]|true|false|null)"#).unwrap());
static LOG_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\[?\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}|\[?(INFO|WARN|WARNING|ERROR|DEBUG|TRACE|FATAL)\]?[:\s]|HTTP/\d(\.\d)? \d{3}\b)").unwrap()
});

/// The first line that is output rather than a command: a JSON member, a
/// log line, an HTTP status line.
const JSON: &str = "JSON output";

/// `> SELECT 1;`, `mysql> show tables;`, `ledger=# \dt`: an interactive
/// prompt pasted with its input. To bash, `mysql> show tables;` runs
/// `mysql` into a file named `show`, and `> SELECT 1;` empties a file named
/// `SELECT`. A `> file` alone (emptying a log) and `2> err cmd` are code.
fn is_prompt_line(text: &str) -> bool {
    let (first, rest) = text.split_once([' ', '\t']).unwrap_or((text, ""));
    let prompt = first == ">"
        || ((first.ends_with('>') || first.ends_with("=#"))
            && first.starts_with(|c: char| c.is_ascii_alphabetic()));
    if !prompt {
        return false;
    }
    let words = rest.split_whitespace().count();
    // `> target` alone truncates a file; after a prompt, anything typed.
    if first == ">" { words >= 2 } else { words >= 1 }
}

/// In a shell block (not a `console` one) read as a transcript because of
/// its `$ ` prompts, the Markdown line of the first line read as output
/// that looks like a command: `sudo ...`, or a lowercase word followed by
/// an option (`rm -rf /var/lib/app`). Renderers show such a block as code,
/// and a reader runs every line of it; the script, and the command rules,
/// take only the prompted ones. Output rarely starts so (`NAME  READY`,
/// `web-1   1/1   Running`, `Deleted pod web-1`).
fn unprompted_command(cmd: &Command) -> Option<usize> {
    let block = cmd.block;
    if !blocks::SHELL_LANGS.contains(&block.lang.as_str()) || !cmd.included.is_empty() {
        return None;
    }
    block
        .code
        .lines()
        .enumerate()
        .map(|(i, line)| (block.first_line + i, line))
        .find(|(md, line)| cmd.lines.binary_search(md).is_err() && looks_like_command(line))
        .map(|(md, _)| md)
}

fn looks_like_command(line: &str) -> bool {
    let mut words = line.split_whitespace();
    let Some(first) = words.next() else {
        return false;
    };
    let word = first
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_.-".contains(&b))
        && first.as_bytes()[0].is_ascii_lowercase();
    word && (first == "sudo"
        || words
            .next()
            .is_some_and(|w| w.len() > 1 && w.starts_with('-')))
}

fn output_line(cmd: &Command, code: &str, scan: &Scan) -> Option<(usize, &'static str)> {
    let mut offset = 0;
    // The line that opened a JSON document (`{` alone), where output starts.
    let mut opener: Option<usize> = None;
    for (index, line) in code.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += line.len();
        // Inside a string or here-document that began on an earlier line?
        if start > 0 && scan.quoting_at(start - 1) != Quoting::Plain {
            continue;
        }
        let text = line.trim();
        if text.is_empty() {
            continue;
        }
        // The first byte rules out nearly every command before a regex runs.
        let first = text.as_bytes()[0];
        let why = if matches!(first, b'{' | b'"') && JSON_KEY.is_match(text) {
            JSON
        } else if matches!(
            first,
            b'[' | b'0'..=b'9' | b'I' | b'W' | b'E' | b'D' | b'T' | b'F' | b'H'
        ) && LOG_LINE.is_match(text)
        {
            "log or HTTP response output"
        } else if is_prompt_line(text) {
            "a prompt with what was typed at it (`> `, `mysql>`, `=#`)"
        } else {
            opener = matches!(text, "{" | "[").then_some(index);
            continue;
        };
        let index = if why == JSON {
            opener.unwrap_or(index)
        } else {
            index
        };
        let line = cmd.lines.get(index).copied();
        return Some((line.unwrap_or(cmd.block.first_line), why));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_names() {
        assert_eq!(variable_name("backup-id"), "BACKUP_ID");
        assert_eq!(variable_name("PID"), "PID");
        assert_eq!(variable_name("user"), "USER_VALUE");
        assert_eq!(variable_name("1st"), "VALUE_1ST");
    }

    /// No placeholder becomes a variable bash or the session sets.
    #[test]
    fn placeholders_never_take_a_name_the_shell_sets() {
        for name in WELL_KNOWN {
            assert_eq!(variable_name(name), format!("{name}_VALUE"));
        }
        let bash = std::process::Command::new("bash")
            .args(["-c", "compgen -v"])
            .env_clear()
            .output()
            .expect("bash");
        let names = String::from_utf8(bash.stdout).unwrap();
        for name in names.lines().filter(|n| *n != "_") {
            let lower = name.to_lowercase();
            assert_eq!(variable_name(&lower), format!("{name}_VALUE"), "<{lower}>");
        }
    }
}
