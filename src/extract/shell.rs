//! A small bash lexer: enough of the quoting rules to know where quotes,
//! substitutions and here-documents open and close, which variables a block
//! reads and sets, and where output redirections point. It never rejects
//! what bash accepts.
//!
//! It also checks that a block's compound commands (`{ }`, `( )`, `if`,
//! loops, `case`, `[[ ]]`) open and close within the block. `bash -n` cannot
//! see that: the script pastes each block into a function, so a stray `}`
//! ends that function early, the lines after it run at the script's top
//! level (on `--list`, `--help`, `--only` another step), and a later
//! unclosed `{` takes the generated `}`: the whole script still parses.

use std::ops::Range;

/// What a byte of code is inside of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quoting {
    Plain,
    Single,
    Double,
    Comment,
    /// A here-document body; `true` when `$` expands in it.
    Heredoc(bool),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub offset: usize,
    pub message: String,
}

impl SyntaxError {
    /// A quote, substitution, here-document or compound command still open
    /// where the code ends: what bash would read more lines for. Every such
    /// message of the lexer says "never closed", and no other does.
    pub fn is_unclosed(&self) -> bool {
        self.message.contains("never closed")
    }
}

/// A `$NAME` or `${NAME...}` read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VarRead {
    pub name: String,
    pub offset: usize,
    /// `${NAME:-x}`, `${NAME-x}`, `${NAME:=x}`, `${NAME:+x}`: fine when unset.
    pub guarded: bool,
}

/// A variable the code sets, and where: the end of the command that sets
/// it (`X=$(date); use "$X"`: set before the `;`), or where a `${X:=...}`
/// or `(( X = 1 ))` does. A placeholder is resolved only by what comes
/// before it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VarSet {
    pub name: String,
    pub offset: usize,
}

#[derive(Clone, Debug, Default)]
pub struct Scan {
    pub error: Option<SyntaxError>,
    pub reads: Vec<VarRead>,
    pub sets: Vec<VarSet>,
    /// Where the first `source`, `.` or `eval` ends: from there on any
    /// variable may be set, by code the scan cannot see.
    pub sets_unknown_from: Option<usize>,
    /// Whether the code defines a function: its body runs when called,
    /// maybe after a later step sets what it reads.
    pub defines_function: bool,
    /// Target words of output redirections (`> file`, `>> file`, `&> file`).
    pub redirects: Vec<Range<usize>>,
    /// Target words of input redirections (`< file`).
    pub inputs: Vec<Range<usize>>,
    /// Simple commands that read a pipe (`a | cmd`, `a |& cmd`): from just
    /// after the `|` to the end of the command's last word or redirection.
    /// A compound command after the `|` (`a | while read ...`) is not one.
    pub piped: Vec<Range<usize>>,
    /// Words where `[...]` is bash's own syntax, not text: patterns (a
    /// `case` pattern, the right side of `==`, `!=`, `=` or `=~` in
    /// `[[ ]]`) and array subscripts (`([api]=3)`). Sorted, and joined
    /// where they overlap, for [`Scan::in_pattern`].
    patterns: Vec<Range<usize>>,
    /// Whether anything but comments and blank lines is there.
    pub has_code: bool,
    /// Where each `declare` and `typeset` command word starts. In a step's
    /// function they would make local what a terminal makes global.
    pub declarations: Vec<usize>,
    /// Where each `alias NAME=VALUE` starts, with its first definition
    /// word: a script expands no alias.
    pub aliases: Vec<(usize, String)>,
    /// Where each stretch of the code with one innermost quoting starts, in
    /// order: a binary search answers [`Scan::quoting_at`], which is asked
    /// for every line and placeholder of blocks that may be megabytes long.
    segments: Vec<(usize, Quoting)>,
}

impl Scan {
    /// The quoting at a byte offset: that of the shortest quoted, commented
    /// or here-document range holding it, else plain.
    pub fn quoting_at(&self, offset: usize) -> Quoting {
        let after = self.segments.partition_point(|(start, _)| *start <= offset);
        after
            .checked_sub(1)
            .map_or(Quoting::Plain, |i| self.segments[i].1)
    }

    /// The stretches of one quoting within `range`, cut to it, in order.
    pub fn stretches(&self, range: Range<usize>) -> Vec<(Range<usize>, Quoting)> {
        let mut out = Vec::new();
        let mut at = range.start;
        let mut quoting = self.quoting_at(at);
        let mut next = self.segments.partition_point(|(start, _)| *start <= at);
        while at < range.end {
            let end = self
                .segments
                .get(next)
                .map_or(range.end, |(start, _)| (*start).min(range.end));
            if end > at {
                out.push((at..end, quoting));
                at = end;
            }
            if let Some((_, q)) = self.segments.get(next) {
                quoting = *q;
            }
            next += 1;
        }
        out
    }

    /// Whether `offset` is in a word bash reads as a pattern or an array
    /// subscript (see [`Scan::patterns`]): `[yn]` in `[[ $a == [yn] ]]`
    /// is a bracket expression there, whatever it looks like.
    pub fn in_pattern(&self, offset: usize) -> bool {
        let after = self.patterns.partition_point(|r| r.start <= offset);
        after
            .checked_sub(1)
            .is_some_and(|i| self.patterns[i].contains(&offset))
    }

    /// Where the stretch of one quoting holding `offset` starts. A single
    /// quote holds nothing else, so inside one this is its opening `'`, or
    /// the `$` of `$'...'`.
    pub fn quoted_from(&self, offset: usize) -> usize {
        let after = self.segments.partition_point(|(start, _)| *start <= offset);
        after.checked_sub(1).map_or(0, |i| self.segments[i].0)
    }
}

/// Flattens ranges, which may nest, into [`Scan::segments`]: a sweep over
/// their ends that keeps the open ones ordered by length (then by the order
/// the lexer closed them, which breaks ties as a scan of the list would).
fn segments(regions: &[(Range<usize>, Quoting)]) -> Vec<(usize, Quoting)> {
    let mut ranges = regions.iter().filter(|(r, _)| !r.is_empty()).peekable();
    // Quotes and comments side by side, none inside another (nearly every
    // block): in order already, each is its own segment.
    if ranges.clone().is_sorted_by(|a, b| a.0.end <= b.0.start) {
        let mut out: Vec<(usize, Quoting)> = Vec::with_capacity(regions.len() * 2);
        while let Some((range, quoting)) = ranges.next() {
            if out.last().is_none_or(|(_, q)| q != quoting) {
                out.push((range.start, *quoting));
            }
            let next_starts_here = ranges.peek().is_some_and(|(r, _)| r.start == range.end);
            if !next_starts_here && out.last().is_none_or(|(_, q)| *q != Quoting::Plain) {
                out.push((range.end, Quoting::Plain));
            }
        }
        return out;
    }
    let mut events: Vec<(usize, bool, usize)> = Vec::with_capacity(regions.len() * 2);
    for (i, (range, _)) in regions
        .iter()
        .enumerate()
        .filter(|(_, (r, _))| !r.is_empty())
    {
        events.push((range.start, true, i));
        events.push((range.end, false, i));
    }
    events.sort_unstable();
    let mut open = std::collections::BTreeSet::new();
    let mut out: Vec<(usize, Quoting)> = Vec::new();
    let mut at = 0;
    while at < events.len() {
        let offset = events[at].0;
        while at < events.len() && events[at].0 == offset {
            let (_, starts, i) = events[at];
            let key = (regions[i].0.len(), i);
            if starts {
                open.insert(key);
            } else {
                open.remove(&key);
            }
            at += 1;
        }
        let quoting = open.first().map_or(Quoting::Plain, |&(_, i)| regions[i].1);
        if out.last().is_none_or(|(_, q)| *q != quoting) {
            out.push((offset, quoting));
        }
    }
    out
}

/// Ranges sorted by start, those that overlap made one: a word recorded
/// inside another (`$(...)` in a pattern) ends before it.
fn joined(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.sort_unstable_by_key(|r| r.start);
    let mut out: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for range in ranges {
        match out.last_mut() {
            Some(last) if range.start < last.end => last.end = last.end.max(range.end),
            _ => out.push(range),
        }
    }
    out
}

/// A compound command opened in a command list and not closed yet.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Compound {
    Brace,
    If,
    /// `for` or `select` before its `do` (or `{`, which bash also takes).
    For,
    /// `while` or `until`, or a `for` past its `do`.
    Loop,
    Case,
    /// `[[ ... ]]`.
    Cond,
}

impl Compound {
    /// The word that closes it.
    fn closer(self) -> &'static str {
        match self {
            Compound::Brace => "}",
            Compound::If => "fi",
            Compound::For | Compound::Loop => "done",
            Compound::Case => "esac",
            Compound::Cond => "]]",
        }
    }
}

/// What the next word of a command list is to bash's parser: reserved
/// words (`if`, `}`, `done`...) count only where a command may start.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
enum Expect {
    /// Where a command may start.
    #[default]
    Command,
    /// After `time`: `-p` and `--` keep the command position.
    Time,
    /// After `function` or `coproc`: a name, then a command.
    Name,
    /// The arguments of a simple command.
    Args,
    /// After `case`: its word, then `in`.
    CaseWord,
    CaseIn,
    /// In a `case`, where a pattern starts, then inside it, up to `)`.
    Pattern,
    PatternMore,
    /// After `for` or `select`: the name (or `((...))`), then `in` or `do`.
    ForName,
    ForIn,
    /// The words after `for NAME in`, up to `;` or a newline.
    ForWords,
    /// Inside `[[ ... ]]`.
    Cond,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Top,
    Double,
    Subst,
    Backtick,
    Param,
    Arith,
    Paren,
}

struct Heredoc {
    /// Where its `<<` is: an unclosed here-document is reported there.
    at: usize,
    delimiter: String,
    strip_tabs: bool,
    expands: bool,
}

/// Words of the simple command being read, to find assignments and the
/// builtins that set variables; one per command list (the top level, each
/// `$(...)`, backquote and `(...)`), with where that list stands.
#[derive(Default)]
struct Command {
    words: Vec<Range<usize>>,
    start: Option<usize>,
    skip_next: bool,
    /// Whether the words are commands, whose compound commands are checked:
    /// not those of an array `a=(...)`, an `@(...)` pattern, `[[ (...) ]]`.
    list: bool,
    expect: Expect,
    /// How many of [`Lexer::open`] were open when the list started: it must
    /// close the ones it opens.
    base: usize,
    /// Just after the `|` the command being read follows, if one does.
    pipe: Option<usize>,
    /// Where the command's last word, redirection target or here-document
    /// delimiter ends.
    end: usize,
}

impl Command {
    fn list(base: usize) -> Command {
        Command {
            list: true,
            base,
            ..Command::default()
        }
    }
}

struct Lexer<'a> {
    src: &'a str,
    b: &'a [u8],
    i: usize,
    stack: Vec<(Ctx, usize)>,
    commands: Vec<Command>,
    pending: Vec<Heredoc>,
    /// The words of the command being recorded, kept to reuse its memory.
    words: Vec<&'a str>,
    /// Quoted, commented and here-document ranges, as they close.
    regions: Vec<(Range<usize>, Quoting)>,
    /// Compound commands open, innermost last, with where their opening
    /// word is.
    open: Vec<(Compound, usize)>,
    /// Names a `[[ -v NAME ]]` or `test -v NAME` checks: the block reads
    /// them only when set.
    tested: Vec<&'a str>,
    /// Set by an error after which the lexer no longer knows what the text
    /// is (an unclosed quote); an unbalanced compound command is not one.
    stop: bool,
    scan: Scan,
}

pub fn scan(src: &str) -> Scan {
    let mut lexer = Lexer::new(src);
    lexer.run();
    lexer.scan.segments = segments(&lexer.regions);
    lexer.scan.patterns = joined(std::mem::take(&mut lexer.scan.patterns));
    if !lexer.tested.is_empty() {
        for read in &mut lexer.scan.reads {
            read.guarded |= lexer.tested.contains(&read.name.as_str());
        }
    }
    lexer.scan
}

/// Whether the word at `start`, the next of `cmd`, is one where `[...]`
/// is bash's syntax: a `case` pattern, the right side of `==`, `!=`, `=`
/// or `=~` in `[[ ]]`, or a word opening with `[` among the words of an
/// array or extglob `(...)`, a subscript (`([api]=3 [worker]=2)`) or a
/// bracket expression.
fn pattern_word(cmd: &Command, src: &str, start: usize) -> bool {
    if !cmd.list {
        return src[start..].starts_with('[');
    }
    match cmd.expect {
        Expect::Pattern | Expect::PatternMore => true,
        Expect::Cond => cmd
            .words
            .last()
            .is_some_and(|w| matches!(&src[w.clone()], "==" | "!=" | "=" | "=~")),
        _ => false,
    }
}

/// Commands that only print or search the text they are given: a quoted
/// argument of theirs is not run.
pub const PRINTERS: &[&str] = &[
    "echo", "printf", "grep", "egrep", "fgrep", "zgrep", "rg", "logger", "wall", "read",
];

/// Where the simple command whose text holds `at` starts: after the last
/// `;`, `|`, `&`, `(`, `)`, `{`, `}`, backquote or newline before it that is
/// not quoted. `known`, an earlier offset and where its command starts,
/// cuts the search short: with no separator between the two, the command
/// is the same. Asked for offsets in order, each byte is looked at once,
/// however many placeholders share a megabyte line.
pub fn command_start(code: &str, scan: &Scan, at: usize, known: Option<(usize, usize)>) -> usize {
    let (floor, floor_start) = known.filter(|k| k.0 <= at).unwrap_or((0, 0));
    let mut end = at;
    loop {
        let separator = code.as_bytes()[floor..end].iter().rposition(|&b| {
            matches!(
                b,
                b';' | b'|' | b'&' | b'(' | b')' | b'{' | b'}' | b'`' | b'\n'
            )
        });
        match separator.map(|i| floor + i) {
            // A separator inside quotes separates nothing: look before it.
            Some(i) if scan.quoting_at(i) != Quoting::Plain => end = i,
            Some(i) => return i + 1,
            None => return floor_start,
        }
    }
}

/// The name of the simple command starting at `from` (see
/// [`command_start`]) whose text holds `at`: its first word after any
/// `NAME=value` and `sudo`, without its folder.
pub fn command_name(code: &str, from: usize, at: usize) -> &str {
    code[from..at]
        .split_whitespace()
        .find(|w| !w.contains('=') && *w != "sudo")
        .map_or("", |w| w.rsplit('/').next().unwrap_or(w))
}

fn is_name_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_name(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Bytes that mean nothing special inside a word outside quotes, in any
/// context [`Lexer::code`] reads (`#` starts a comment only at a word's start).
fn is_plain(c: u8) -> bool {
    PLAIN[c as usize]
}

/// [`is_plain`] as a table: the lexer asks it of nearly every byte of a
/// block, and a `match` over sixteen bytes compiled to a jump per byte.
static PLAIN: [bool; 256] = {
    let mut table = [true; 256];
    let special = b"\\'\"`$()\n;&|<> \t\r";
    let mut i = 0;
    while i < special.len() {
        table[special[i] as usize] = false;
        i += 1;
    }
    table
};

fn is_boundary(c: u8) -> bool {
    matches!(
        c,
        b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'(' | b')' | b'<' | b'>'
    )
}

impl<'a> Lexer<'a> {
    fn new(src: &'a str) -> Lexer<'a> {
        Lexer {
            src,
            b: src.as_bytes(),
            i: 0,
            stack: vec![(Ctx::Top, 0)],
            commands: vec![Command::list(0)],
            pending: Vec::new(),
            words: Vec::new(),
            regions: Vec::new(),
            open: Vec::new(),
            tested: Vec::new(),
            stop: false,
            scan: Scan::default(),
        }
    }
    fn ctx(&self) -> Ctx {
        self.stack.last().map(|s| s.0).unwrap_or(Ctx::Top)
    }

    fn fail(&mut self, offset: usize, message: impl Into<String>) {
        self.stop = true;
        self.fail_structure(offset, message);
    }

    /// An error in how compound commands nest: the lexing goes on, so the
    /// redirections and variables of the rest are still found.
    fn fail_structure(&mut self, offset: usize, message: impl Into<String>) {
        if self.scan.error.is_none() {
            self.scan.error = Some(SyntaxError {
                offset,
                message: message.into(),
            });
        }
    }

    fn peek(&self, k: usize) -> u8 {
        self.b.get(self.i + k).copied().unwrap_or(0)
    }

    fn run(&mut self) {
        while self.i < self.b.len() && !self.stop {
            match self.ctx() {
                Ctx::Double => self.double(),
                Ctx::Param => self.param(),
                _ => self.code(),
            }
        }
        // An escape or `$'` at the very end may have stepped past it.
        self.i = self.i.min(self.b.len());
        self.end_word();
        self.end_command();
        if let Some(&(ctx, at)) = self.stack.last() {
            let what = match ctx {
                Ctx::Top => None,
                Ctx::Paren => Some("`(` is never closed: the block ends before its `)`"),
                Ctx::Double => Some("double quote `\"` is never closed"),
                Ctx::Subst => Some("command substitution `$(` is never closed"),
                Ctx::Backtick => Some("backquote `` ` `` is never closed"),
                Ctx::Param => Some("`${` is never closed"),
                Ctx::Arith => Some("arithmetic `((` is never closed"),
            };
            if let Some(what) = what {
                self.fail(at, what);
            }
        }
        if let Some(doc) = self.pending.first() {
            self.fail(doc.at, unclosed_heredoc(doc));
        }
        if let Some(&(compound, at)) = self.open.last() {
            let message = format!(
                "`{}` is never closed: the block ends before its `{}`",
                self.opener(compound, at),
                compound.closer()
            );
            self.fail_structure(at, message);
        }
    }

    /// The word that opened a compound command, as written.
    fn opener(&self, compound: Compound, at: usize) -> &'a str {
        let src = self.src;
        match compound {
            Compound::Brace => "{",
            Compound::If => "if",
            Compound::Case => "case",
            Compound::Cond => "[[",
            Compound::For | Compound::Loop => {
                let rest = &src[at..];
                &rest[..rest
                    .find(|c: char| !c.is_ascii_alphabetic())
                    .unwrap_or(rest.len())]
            }
        }
    }

    fn word_char(&mut self) {
        let cmd = self.commands.last_mut().unwrap();
        if cmd.start.is_none() {
            cmd.start = Some(self.i);
        }
    }

    fn end_word(&mut self) {
        let i = self.i;
        let cmd = self.commands.last_mut().unwrap();
        if let Some(start) = cmd.start.take() {
            cmd.end = i;
            let target = std::mem::take(&mut cmd.skip_next);
            if !target && pattern_word(cmd, self.src, start) {
                self.scan.patterns.push(start..i);
            }
            if !target {
                cmd.words.push(start..i);
            }
            // A redirection's target is never a reserved word.
            let word = if target { "" } else { &self.src[start..i] };
            self.structure(word, start);
        }
    }

    /// The frame reading command words, when it is a command list.
    fn list(&mut self) -> Option<&mut Command> {
        let in_arith = self.ctx() == Ctx::Arith;
        self.commands.last_mut().filter(|c| c.list && !in_arith)
    }

    /// Follows the compound commands through one word of a command list
    /// (`""` for a word that cannot be a reserved word).
    fn structure(&mut self, word: &str, at: usize) {
        let Some(cmd) = self.list() else { return };
        let expect = cmd.expect;
        let next = match expect {
            Expect::Command | Expect::Time | Expect::Name => self.reserved(word, at, expect),
            Expect::Args | Expect::ForWords | Expect::PatternMore => expect,
            Expect::CaseWord => Expect::CaseIn,
            Expect::CaseIn if word == "in" => Expect::Pattern,
            Expect::CaseIn => Expect::CaseIn,
            Expect::Pattern if word == "esac" => {
                self.close(Compound::Case, word, at);
                Expect::Command
            }
            Expect::Pattern => Expect::PatternMore,
            Expect::ForName => Expect::ForIn,
            Expect::ForIn => match word {
                "in" => Expect::ForWords,
                "do" | "{" => self.reserved(word, at, expect),
                _ => Expect::ForIn,
            },
            Expect::Cond if word == "]]" => {
                self.close(Compound::Cond, word, at);
                Expect::Command
            }
            Expect::Cond => Expect::Cond,
        };
        if let Some(cmd) = self.list() {
            cmd.expect = next;
        }
    }

    /// A word where a command may start: what it opens or closes, and what
    /// comes after it.
    fn reserved(&mut self, word: &str, at: usize, expect: Expect) -> Expect {
        let innermost = self.innermost();
        match word {
            "{" if innermost == Some(Compound::For) => {
                // `for x in a; { ...; }`: the braces are the loop's body.
                self.open.last_mut().unwrap().0 = Compound::Brace;
            }
            "{" => self.open.push((Compound::Brace, at)),
            "}" => self.close(Compound::Brace, word, at),
            "if" => self.open.push((Compound::If, at)),
            "then" | "elif" | "else" if innermost != Some(Compound::If) => {
                self.fail_structure(at, format!("`{word}` without an `if` before it"));
            }
            "fi" => self.close(Compound::If, word, at),
            "while" | "until" => self.open.push((Compound::Loop, at)),
            "for" | "select" => {
                self.open.push((Compound::For, at));
                return Expect::ForName;
            }
            "do" => match innermost {
                Some(Compound::For) => self.open.last_mut().unwrap().0 = Compound::Loop,
                Some(Compound::Loop) => {}
                _ => self.fail_structure(
                    at,
                    "`do` without a `while`, `until`, `for` or `select` before it",
                ),
            },
            "done" => self.close(Compound::Loop, word, at),
            "case" => {
                self.open.push((Compound::Case, at));
                return Expect::CaseWord;
            }
            "esac" => self.close(Compound::Case, word, at),
            "[[" => {
                self.open.push((Compound::Cond, at));
                return Expect::Cond;
            }
            "time" => return Expect::Time,
            "-p" | "--" if expect == Expect::Time => {}
            "function" => {
                self.scan.defines_function = true;
                return Expect::Name;
            }
            "coproc" => return Expect::Name,
            // `!`, `then`, `else`, and the ends above, are followed by a command.
            "!" | "then" | "elif" | "else" => {}
            // `((...))`, an arithmetic command; after `function NAME` or
            // `coproc NAME`, a command too.
            _ if word.starts_with("((") || expect == Expect::Name => {}
            _ => return Expect::Args,
        }
        Expect::Command
    }

    /// The innermost compound command the current command list opened.
    fn innermost(&self) -> Option<Compound> {
        let base = self.commands.last().map_or(0, |c| c.base);
        self.open[base.min(self.open.len())..].last().map(|o| o.0)
    }

    /// `word` closes a `compound`: the innermost one the list opened must
    /// be one.
    fn close(&mut self, compound: Compound, word: &str, at: usize) {
        let closes =
            |c: Compound| c == compound || (compound == Compound::Loop && c == Compound::For);
        match self.innermost() {
            Some(c) if closes(c) => {
                self.open.pop();
            }
            Some(c) => {
                let opener_at = self.open.last().map_or(0, |o| o.1);
                let message = format!(
                    "`{word}` comes before the `{}` of the `{}` opened above it",
                    c.closer(),
                    self.opener(c, opener_at)
                );
                self.fail_structure(at, message);
            }
            None => {
                let what = match compound {
                    Compound::Brace => "no `{` is open",
                    Compound::If => "no `if` is open",
                    Compound::For | Compound::Loop => {
                        "no `while`, `until`, `for` or `select` loop is open"
                    }
                    Compound::Case => "no `case` is open",
                    Compound::Cond => "no `[[` is open",
                };
                let message = format!(
                    "`{word}` closes nothing: {what} in this block (each block must be complete on its own)"
                );
                self.fail_structure(at, message);
            }
        }
    }

    /// At `;`, `&`, `|` or a newline between commands.
    fn separator(&mut self, newline: bool) {
        let Some(cmd) = self.list() else { return };
        cmd.expect = match cmd.expect {
            Expect::Cond => Expect::Cond,
            Expect::CaseWord | Expect::CaseIn if newline => cmd.expect,
            // `a|b)`, and blank lines before a pattern.
            Expect::Pattern | Expect::PatternMore => Expect::Pattern,
            _ => Expect::Command,
        };
    }

    /// Records what a finished simple command sets.
    fn end_command(&mut self) {
        let src = self.src;
        let cmd = self.commands.last_mut().unwrap();
        cmd.start = None;
        cmd.skip_next = false;
        let mut spans = std::mem::take(&mut cmd.words);
        let mut words = std::mem::take(&mut self.words);
        words.extend(spans.iter().map(|r| &src[r.clone()]));
        let end = spans.last().map_or(self.i, |r| r.end);
        let piped = cmd.pipe.filter(|_| !words.is_empty());
        if let Some(open) = piped {
            cmd.pipe = None;
            if !opens_compound(words[0]) {
                self.scan.piped.push(open..cmd.end);
            }
        }
        self.record_sets(&words, &spans, end);
        // Both lists go back for the next command to reuse.
        words.clear();
        spans.clear();
        self.words = words;
        self.commands.last_mut().unwrap().words = spans;
    }

    /// Records that `name` is set at `offset`.
    fn set(&mut self, name: &str, offset: usize) {
        self.scan.sets.push(VarSet {
            name: name.to_string(),
            offset,
        });
    }

    /// Records what a simple command of `words` (at `spans`), ending at
    /// `end`, sets.
    fn record_sets(&mut self, words: &[&'a str], spans: &[Range<usize>], end: usize) {
        let mut rest = words;
        let mut assigned = Vec::new();
        while let Some((first, tail)) = rest.split_first() {
            if let Some(name) = assignment(first) {
                assigned.push(name);
                self.scan.has_code = true;
                rest = tail;
            } else if matches!(
                *first,
                "if" | "then"
                    | "else"
                    | "elif"
                    | "while"
                    | "until"
                    | "do"
                    | "!"
                    | "time"
                    | "{"
                    | "}"
                    | "fi"
                    | "done"
                    | "esac"
            ) {
                rest = tail;
            } else {
                break;
            }
        }
        let Some((command, args)) = rest.split_first() else {
            for name in assigned {
                self.set(name, end);
            }
            return;
        };
        // `NAME=value command`: the variable is set for that command only.
        self.scan.has_code = true;
        let at = spans.get(words.len() - rest.len()).map(|s| s.start);
        match (*command, at) {
            ("declare" | "typeset", Some(at)) => self.scan.declarations.push(at),
            ("alias", Some(at)) => {
                if let Some(definition) = args.iter().find(|a| a.contains('=')) {
                    self.scan.aliases.push((at, definition.to_string()));
                }
            }
            _ => {}
        }
        let names = args.iter().filter(|a| !a.starts_with('-'));
        match *command {
            // `export X` alone marks X for export and `local X` makes it
            // local, both unset: only `export X=value` sets it, or
            // `declare -A X`, an empty array.
            "export" | "local" | "declare" | "typeset" | "readonly" => {
                let array = args
                    .iter()
                    .any(|a| a.starts_with('-') && a.contains(['a', 'A']));
                for arg in names.filter(|a| array || a.contains('=')) {
                    let name = arg.split(['=', '+', '[']).next().unwrap_or("");
                    if valid_name(name) {
                        self.set(name, end);
                    }
                }
            }
            "read" | "mapfile" | "readarray" => {
                // Options that take a value: `read -p PROMPT`, `mapfile -d
                // DELIM`; `read -a NAME` sets NAME, `mapfile -t` takes none.
                let valued = if *command == "read" {
                    "adinNptu"
                } else {
                    "dnOsuCc"
                };
                let mut value_of = None;
                for arg in args {
                    if let Some(option) = value_of.take() {
                        if option == 'a' && valid_name(arg) {
                            self.set(arg, end);
                        }
                    } else if let Some(cluster) = arg.strip_prefix('-') {
                        value_of = option_taking_next_word(cluster, valued);
                    } else if valid_name(arg) {
                        self.set(arg, end);
                    }
                }
            }
            "for" | "select" => {
                if let Some(name) = args.first().filter(|a| valid_name(a)) {
                    self.set(name, end);
                }
            }
            "source" | "." | "eval" => {
                self.scan.sets_unknown_from.get_or_insert(self.i);
            }
            "let" => {
                for arg in args {
                    if let Some(name) = arithmetic_assignment(arg) {
                        self.set(name, end);
                    }
                }
            }
            "getopts" => {
                if let Some(name) = args.get(1).filter(|a| valid_name(a)) {
                    self.set(name, end);
                }
            }
            "[[" | "[" | "test" => {
                let tested = args.windows(2).filter(|w| w[0] == "-v").map(|w| w[1]);
                for name in tested {
                    let name = name.trim_matches(['"', '\'']);
                    let name = name.split('[').next().unwrap_or(name);
                    if valid_name(name) {
                        self.tested.push(name);
                    }
                }
            }
            "coproc" => {
                // `coproc NAME { ...; }` sets NAME, else COPROC.
                let name = match args {
                    [name, "{", ..] if valid_name(name) => name,
                    _ => "COPROC",
                };
                self.set(name, end);
            }
            "printf" => {
                if let Some(pos) = args.iter().position(|a| *a == "-v")
                    && let Some(name) = args.get(pos + 1).filter(|a| valid_name(a))
                {
                    self.set(name, end);
                }
            }
            _ => {}
        }
    }

    fn push(&mut self, ctx: Ctx, at: usize) {
        self.stack.push((ctx, at));
        if matches!(ctx, Ctx::Subst | Ctx::Backtick) {
            self.commands.push(Command::list(self.open.len()));
        }
    }

    /// At `(`: a subshell's commands when `list`, else words (an array,
    /// a pattern, a function's `()`).
    fn push_paren(&mut self, at: usize, list: bool) {
        self.stack.push((Ctx::Paren, at));
        let frame = if list {
            Command::list(self.open.len())
        } else {
            Command::default()
        };
        self.commands.push(frame);
    }

    fn pop(&mut self) {
        if let Some((ctx, at)) = self.stack.pop() {
            if matches!(ctx, Ctx::Subst | Ctx::Backtick) && self.ctx() == Ctx::Double {
                // `"$(cmd <x>)"`: the command is code, not quoted text.
                self.regions
                    .push((at..(self.i + 1).min(self.b.len()), Quoting::Plain));
            }
            if matches!(ctx, Ctx::Subst | Ctx::Backtick | Ctx::Paren) {
                self.end_word();
                self.end_command();
                let (list, base) = self
                    .commands
                    .last()
                    .map_or((false, 0), |c| (c.list, c.base));
                let unclosed = self.open.get(base..).and_then(<[_]>::last).filter(|_| list);
                if let Some(&(compound, at)) = unclosed {
                    let message = format!(
                        "`{}` has no `{}` before the end of the `(...)`, `$(...)` or backquotes around it",
                        self.opener(compound, at),
                        compound.closer()
                    );
                    self.fail_structure(at, message);
                    self.open.truncate(base);
                }
                if self.commands.len() > 1 {
                    self.commands.pop();
                }
            }
        }
        if self.stack.is_empty() {
            self.stack.push((Ctx::Top, 0));
        }
    }

    /// Code: top level, `$(...)`, backquotes, `(...)`, `$((...))`.
    fn code(&mut self) {
        let c = self.b[self.i];
        let ctx = self.ctx();
        let at_word_start = self.commands.last().is_none_or(|c| c.start.is_none());
        match c {
            b'#' if at_word_start && ctx != Ctx::Arith => {
                let end = self.src[self.i..]
                    .find('\n')
                    .map_or(self.b.len(), |n| self.i + n);
                self.regions.push((self.i..end, Quoting::Comment));
                self.i = end;
            }
            b'\\' => {
                let rest = &self.src[self.i + 1..];
                let continues =
                    rest.is_empty() || rest.starts_with('\n') || rest.starts_with("\r\n");
                if continues && rest.trim().is_empty() {
                    self.fail(
                        self.i,
                        "the last line ends with `\\`: it continues into nothing",
                    );
                }
                if self.peek(1) == b'\n' {
                    self.i += 2;
                } else {
                    self.word_char();
                    self.i += 2;
                }
            }
            b'\'' => {
                self.word_char();
                self.single(self.i + 1);
            }
            b'"' => {
                self.word_char();
                self.push(Ctx::Double, self.i);
                self.i += 1;
            }
            b'`' => {
                if ctx == Ctx::Backtick {
                    self.pop();
                } else {
                    self.word_char();
                    self.push(Ctx::Backtick, self.i);
                }
                self.i += 1;
            }
            b'$' => {
                self.word_char();
                self.dollar();
            }
            b'(' if ctx == Ctx::Arith => {
                self.push_paren(self.i, false);
                self.i += 1;
            }
            b'(' => {
                self.end_word();
                let expect = self.list().map(|c| c.expect);
                if self.peek(1) == b'(' && at_word_start {
                    // `((...))` is one word, as `$((...))` is.
                    self.word_char();
                    self.push(Ctx::Arith, self.i);
                    self.i += 2;
                } else if expect == Some(Expect::Pattern) && at_word_start {
                    // `case x in (a) ...`: the optional `(` of a pattern.
                    self.i += 1;
                } else {
                    self.end_command();
                    // `a | (...)` is no simple command.
                    self.commands.last_mut().unwrap().pipe = None;
                    let subshell =
                        matches!(expect, Some(Expect::Command | Expect::Time | Expect::Name));
                    // `name()`: the function's body comes next.
                    let definition = expect == Some(Expect::Args)
                        && self.src[self.i + 1..]
                            .trim_start_matches([' ', '\t'])
                            .starts_with(')');
                    self.scan.defines_function |= definition;
                    if let Some(cmd) = self.list().filter(|_| subshell || definition) {
                        cmd.expect = Expect::Command;
                    }
                    self.push_paren(self.i, subshell);
                    self.i += 1;
                }
            }
            b')' if ctx == Ctx::Arith => {
                self.close_arith();
                self.i += 1;
            }
            b')' => {
                self.end_word();
                let in_pattern = self
                    .list()
                    .is_some_and(|c| matches!(c.expect, Expect::Pattern | Expect::PatternMore));
                match ctx {
                    _ if in_pattern => {
                        self.end_command();
                        if let Some(cmd) = self.list() {
                            cmd.expect = Expect::Command;
                        }
                    }
                    Ctx::Subst | Ctx::Paren => self.pop(),
                    _ => {
                        self.end_command();
                        self.fail_structure(
                            self.i,
                            "`)` closes nothing: no `(` is open in this block (each block must be complete on its own)",
                        );
                    }
                }
                self.i += 1;
            }
            b'\n' => {
                self.end_word();
                self.end_command();
                self.separator(true);
                self.i += 1;
                if !self.pending.is_empty() {
                    self.heredoc_bodies();
                }
            }
            // Inside `((...))` these are operators of one word.
            b';' | b'&' | b'|' | b' ' | b'\t' | b'\r' | b'<' | b'>' if ctx == Ctx::Arith => {
                self.i += 1;
            }
            b';' if matches!(self.peek(1), b';' | b'&') => {
                // `;;`, `;&`, `;;&`: the end of a `case` item.
                self.end_word();
                self.end_command();
                if self.innermost() != Some(Compound::Case) {
                    self.fail_structure(self.i, "`;;` outside a `case`");
                }
                if let Some(cmd) = self.list() {
                    cmd.expect = Expect::Pattern;
                }
                self.i += 2;
                if self.peek(0) == b'&' {
                    self.i += 1;
                }
            }
            b';' | b'&' | b'|' => {
                self.end_word();
                if c == b'&' && self.peek(1) == b'>' {
                    self.i += 1;
                    self.redirect();
                    return;
                }
                self.end_command();
                let pipe = c == b'|' && self.single_pipe();
                self.separator(false);
                self.i += 1;
                if pipe && self.peek(0) == b'&' {
                    self.i += 1;
                }
                let i = self.i;
                self.commands.last_mut().unwrap().pipe = pipe.then_some(i);
            }
            b'<' => {
                self.end_word();
                if self.peek(1) == b'<' && self.peek(2) != b'<' {
                    self.heredoc_operator();
                } else if self.peek(1) == b'>' {
                    self.i += 1;
                    self.redirect();
                } else if self.peek(1) == b'(' {
                    self.i += 1;
                    self.push(Ctx::Subst, self.i);
                    self.i += 1;
                } else if self.peek(1) == b'<' || self.peek(1) == b'&' {
                    // `<<<` here-string, `<&` duplication: no file.
                    self.i += if self.peek(1) == b'<' { 3 } else { 2 };
                    self.commands.last_mut().unwrap().skip_next = true;
                } else {
                    self.i += 1;
                    while matches!(self.peek(0), b' ' | b'\t') {
                        self.i += 1;
                    }
                    let end = word_end(self.b, self.i);
                    if end > self.i {
                        self.scan.inputs.push(self.i..end);
                    }
                    self.commands.last_mut().unwrap().skip_next = true;
                }
            }
            b'>' => {
                self.end_word_before_fd();
                self.redirect();
            }
            b' ' | b'\t' | b'\r' => {
                self.end_word();
                self.i += 1;
            }
            _ => {
                self.word_char();
                self.i += 1;
                // The rest of a plain word changes nothing: skip it in one go.
                while self.b.get(self.i).is_some_and(|&c| is_plain(c)) {
                    self.i += 1;
                }
            }
        }
    }

    /// Whether the `|` at the cursor joins two commands of a pipeline: not
    /// half of `||`, nor the `|` of a `case` pattern or a `[[ =~ ]]` regex.
    fn single_pipe(&mut self) -> bool {
        let lone = self.peek(1) != b'|' && (self.i == 0 || self.b[self.i - 1] != b'|');
        lone && self
            .list()
            .is_some_and(|c| matches!(c.expect, Expect::Args | Expect::Command))
    }

    /// At the `)` that ends an arithmetic `((` or `$((`.
    fn close_arith(&mut self) {
        let at = self.stack.last().map_or(0, |s| s.1);
        self.pop();
        let dollar = self.b.get(at) == Some(&b'$');
        if self.peek(1) == b')' {
            let from = at + if dollar { 3 } else { 2 };
            if let Some(expr) = self.src.get(from..self.i) {
                arithmetic_sets(expr, from, &mut self.scan.sets);
            }
            self.i += 1;
        } else if dollar {
            // `$((cd /); ls)`: a command substitution that starts with a
            // subshell, which this `)` closed; the substitution goes on.
            self.push(Ctx::Subst, at);
        } else {
            // `((cd /); ls)`: two subshells, and the outer one goes on.
            if let Some(cmd) = self.commands.last_mut() {
                cmd.start = None;
            }
            self.push_paren(at, true);
        }
    }

    /// `2>file`: the digits belong to the operator, not to a word.
    fn end_word_before_fd(&mut self) {
        let i = self.i;
        let cmd = self.commands.last_mut().unwrap();
        if let Some(start) = cmd.start
            && self.b[start..i].iter().all(u8::is_ascii_digit)
        {
            cmd.start = None;
            return;
        }
        self.end_word();
    }

    /// At `>` (or the `>` of `&>`, `<>`): records where the target word is.
    fn redirect(&mut self) {
        self.i += 1;
        if self.peek(0) == b'(' {
            // `>(cmd)`: a process substitution, not a file.
            self.push(Ctx::Subst, self.i);
            self.i += 1;
            return;
        }
        match self.peek(0) {
            b'>' | b'|' => self.i += 1,
            b'&' => {
                self.i += 1;
                let c = self.peek(0);
                if c.is_ascii_digit() || c == b'-' {
                    while self.peek(0).is_ascii_digit() || self.peek(0) == b'-' {
                        self.i += 1;
                    }
                    return;
                }
            }
            _ => {}
        }
        while matches!(self.peek(0), b' ' | b'\t') {
            self.i += 1;
        }
        let start = self.i;
        let end = word_end(self.b, start);
        if end > start {
            self.scan.redirects.push(start..end);
        }
        self.commands.last_mut().unwrap().skip_next = true;
    }

    fn single(&mut self, from: usize) {
        match self.src[from..].find('\'') {
            Some(n) => {
                self.regions.push((from - 1..from + n + 1, Quoting::Single));
                self.i = from + n + 1;
            }
            None => {
                self.fail(from - 1, "single quote `'` is never closed");
                self.i = self.b.len();
            }
        }
    }

    fn dollar(&mut self) {
        let start = self.i;
        match self.peek(1) {
            b'(' if self.peek(2) == b'(' => {
                self.push(Ctx::Arith, start);
                self.i += 3;
            }
            b'(' => {
                self.push(Ctx::Subst, start);
                self.i += 2;
            }
            b'{' => {
                self.param_read(start + 2);
                self.push(Ctx::Param, start);
                self.i += 2;
            }
            // In double quotes `$'` is a dollar sign and a quote character.
            b'\'' if self.ctx() == Ctx::Double => self.i += 1,
            b'\'' => {
                // ANSI-C quoting: backslash escapes a quote.
                let mut j = start + 2;
                while j < self.b.len() && self.b[j] != b'\'' {
                    j += if self.b[j] == b'\\' { 2 } else { 1 };
                }
                if j >= self.b.len() {
                    self.fail(start, "`$'` quote is never closed");
                }
                self.regions
                    .push((start..(j + 1).min(self.b.len()), Quoting::Single));
                self.i = j + 1;
            }
            c if is_name_start(c) => {
                let mut j = start + 1;
                while j < self.b.len() && is_name(self.b[j]) {
                    j += 1;
                }
                self.scan.reads.push(VarRead {
                    name: self.src[start + 1..j].to_string(),
                    offset: start,
                    guarded: false,
                });
                self.i = j;
            }
            b'[' => {
                // `$[1 << 2]`: bash's old arithmetic, to its matching `]`.
                let mut depth = 0usize;
                let close = self.b[start + 1..].iter().position(|&c| {
                    depth = match c {
                        b'[' => depth + 1,
                        b']' => depth.saturating_sub(1),
                        _ => depth,
                    };
                    depth == 0
                });
                match close {
                    Some(n) => {
                        let end = start + 1 + n;
                        let expr = &self.src[start + 2..end];
                        arithmetic_sets(expr, start + 2, &mut self.scan.sets);
                        self.i = end + 1;
                    }
                    None => self.fail(start, "arithmetic `$[` is never closed"),
                }
            }
            // `$?`, `$1`, `$$`...: the name is one byte.
            b'?' | b'#' | b'!' | b'@' | b'*' | b'-' | b'$' | b'0'..=b'9' => self.i += 2,
            // A `$` that is just a dollar sign (`"$"`, `$ `), or the `$` of
            // a translated `$"..."`: what follows is read as it stands.
            _ => self.i += 1,
        }
    }

    /// `${NAME...}`: records the read and whether it has a default.
    fn param_read(&mut self, from: usize) {
        let b = self.b;
        let from = if b.get(from) == Some(&b'!') || b.get(from) == Some(&b'#') {
            from + 1
        } else {
            from
        };
        let mut j = from;
        while j < b.len() && is_name(b[j]) {
            j += 1;
        }
        if j == from || !is_name_start(b[from]) {
            return;
        }
        let rest = &self.src[j..];
        let guarded = ["-", "=", "+", ":-", ":=", ":+"]
            .iter()
            .any(|op| rest.starts_with(op));
        // `${NAME:=default}` sets NAME when it is unset or empty.
        if rest.starts_with('=') || rest.starts_with(":=") {
            let src = self.src;
            self.set(&src[from..j], from);
        }
        self.scan.reads.push(VarRead {
            name: self.src[from..j].to_string(),
            offset: from.saturating_sub(2),
            guarded,
        });
    }

    fn param(&mut self) {
        match self.b[self.i] {
            b'}' => {
                self.pop();
                self.i += 1;
            }
            b'\\' => self.i += 2,
            b'\'' => self.single(self.i + 1),
            b'"' => {
                self.push(Ctx::Double, self.i);
                self.i += 1;
            }
            b'$' => self.dollar(),
            b'`' => {
                self.push(Ctx::Backtick, self.i);
                self.i += 1;
            }
            _ => self.i += 1,
        }
    }

    fn double(&mut self) {
        match self.b[self.i] {
            b'"' => {
                let start = self.stack.last().map(|s| s.1).unwrap_or(0);
                self.regions.push((start..self.i + 1, Quoting::Double));
                self.pop();
                self.i += 1;
            }
            b'\\' => self.i += 2,
            b'$' => self.dollar(),
            b'`' => {
                self.push(Ctx::Backtick, self.i);
                self.i += 1;
            }
            _ => {
                // Text inside the quotes: on to the next byte that matters.
                self.i += 1;
                while self
                    .b
                    .get(self.i)
                    .is_some_and(|c| !matches!(c, b'"' | b'\\' | b'$' | b'`'))
                {
                    self.i += 1;
                }
            }
        }
    }

    /// At `<<`: reads the delimiter; the body starts after the next newline.
    fn heredoc_operator(&mut self) {
        let at = self.i;
        if let Some(cmd) = self.list().filter(|c| c.expect == Expect::Command) {
            // `<<EOF }`: after the operator's word nothing is reserved.
            cmd.expect = Expect::Args;
        }
        self.i += 2;
        let strip_tabs = self.peek(0) == b'-';
        if strip_tabs {
            self.i += 1;
        }
        while matches!(self.peek(0), b' ' | b'\t') {
            self.i += 1;
        }
        let start = self.i;
        let end = word_end(self.b, start);
        let raw = &self.src[start..end];
        self.commands.last_mut().unwrap().end = end;
        let expands = !raw.contains(['\'', '"', '\\']);
        let delimiter: String = raw
            .chars()
            .filter(|c| !matches!(c, '\'' | '"' | '\\'))
            .collect();
        if delimiter.is_empty() {
            self.fail(start, "here-document `<<` without a delimiter word");
            return;
        }
        self.pending.push(Heredoc {
            at,
            delimiter,
            strip_tabs,
            expands,
        });
        // Quotes in the delimiter are not code.
        self.i = end;
    }

    fn heredoc_bodies(&mut self) {
        for doc in std::mem::take(&mut self.pending) {
            let body_start = self.i;
            let mut closed = false;
            while self.i < self.b.len() {
                let end = self.src[self.i..]
                    .find('\n')
                    .map_or(self.b.len(), |n| self.i + n);
                let line = &self.src[self.i..end];
                let line = line.strip_suffix('\r').unwrap_or(line);
                let line = if doc.strip_tabs {
                    line.trim_start_matches('\t')
                } else {
                    line
                };
                if doc.expands {
                    self.heredoc_reads(self.i, end);
                }
                let next = (end + 1).min(self.b.len());
                if line == doc.delimiter {
                    self.regions
                        .push((body_start..self.i, Quoting::Heredoc(doc.expands)));
                    self.i = next;
                    closed = true;
                    break;
                }
                self.i = next;
            }
            if !closed {
                self.fail(doc.at, unclosed_heredoc(&doc));
                return;
            }
        }
    }

    fn heredoc_reads(&mut self, start: usize, end: usize) {
        let mut j = start;
        while j < end {
            if self.b[j] == b'$' && j + 1 < end {
                let (from, braced) = if self.b[j + 1] == b'{' {
                    (j + 2, true)
                } else {
                    (j + 1, false)
                };
                let mut k = from;
                while k < end && is_name(self.b[k]) {
                    k += 1;
                }
                if k > from && is_name_start(self.b[from]) {
                    let rest = &self.src[k..end];
                    let guarded = braced
                        && ["-", "=", "+", ":-", ":=", ":+"]
                            .iter()
                            .any(|op| rest.starts_with(op));
                    if braced && (rest.starts_with('=') || rest.starts_with(":=")) {
                        let src = self.src;
                        self.set(&src[from..k], from);
                    }
                    self.scan.reads.push(VarRead {
                        name: self.src[from..k].to_string(),
                        offset: j,
                        guarded,
                    });
                }
                j = k.max(j + 1);
            } else {
                j += 1;
            }
        }
    }
}

/// What to say of a here-document whose delimiter line never comes.
fn unclosed_heredoc(doc: &Heredoc) -> String {
    let tabs = if doc.strip_tabs {
        ", after any tabs"
    } else {
        ""
    };
    format!(
        "here-document `<<{}` is never closed: no line after it is `{}` alone{tabs}",
        doc.delimiter, doc.delimiter
    )
}

/// Adds the names an arithmetic expression assigns: `X = 1`, `X += 2`,
/// `A[i] = 1`, `X++`, `--X` (not `X == 1`, `X <= 1`, `$X`, `16#ff`).
/// `base` is where `expr` starts in the code.
fn arithmetic_sets(expr: &str, base: usize, sets: &mut Vec<VarSet>) {
    const ASSIGN: &[&str] = &[
        "+=", "-=", "*=", "/=", "%=", "<<=", ">>=", "&=", "^=", "|=", "++", "--",
    ];
    let b = expr.as_bytes();
    let mut j = 0;
    while j < b.len() {
        if !is_name(b[j]) {
            j += 1;
            continue;
        }
        let start = j;
        while j < b.len() && is_name(b[j]) {
            j += 1;
        }
        let after_sigil = start > 0 && matches!(b[start - 1], b'$' | b'#');
        if after_sigil || !is_name_start(b[start]) {
            continue;
        }
        let mut rest = &expr[j..];
        if rest.starts_with('[') {
            rest = rest.find(']').map_or("", |n| &rest[n + 1..]);
        }
        let rest = rest.trim_start();
        let before = expr[..start].trim_end();
        let assigns = (rest.starts_with('=') && !rest.starts_with("=="))
            || ASSIGN.iter().any(|op| rest.starts_with(op))
            || before.ends_with("++")
            || before.ends_with("--");
        if assigns {
            sets.push(VarSet {
                name: expr[start..j].to_string(),
                offset: base + start,
            });
        }
    }
}

/// The end of the shell word starting at `start`: quotes and `$(...)`,
/// `${...}` are part of it.
fn word_end(b: &[u8], start: usize) -> usize {
    let mut j = start;
    let mut depth = 0usize;
    while j < b.len() {
        match b[j] {
            b'\\' => j += 1,
            b'\'' if depth == 0 => {
                j += 1;
                while j < b.len() && b[j] != b'\'' {
                    j += 1;
                }
            }
            b'"' => {
                j += 1;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
            }
            b'(' | b'{' => depth += 1,
            b')' | b'}' if depth > 0 => depth -= 1,
            c if depth == 0 && is_boundary(c) => break,
            _ => {}
        }
        j += 1;
    }
    j.min(b.len())
}

/// Whether a command's first word makes it a compound command, or one
/// that runs another (`time`, `!`, `coproc`): not a simple command.
fn opens_compound(word: &str) -> bool {
    word.starts_with("((")
        || matches!(
            word,
            "{" | "}"
                | "if"
                | "then"
                | "else"
                | "elif"
                | "fi"
                | "while"
                | "until"
                | "for"
                | "select"
                | "do"
                | "done"
                | "case"
                | "esac"
                | "[["
                | "!"
                | "time"
                | "function"
                | "coproc"
        )
}

/// `NAME=...`, `NAME+=...`, `NAME[i]=...`: the name.
fn assignment(word: &str) -> Option<&str> {
    let end = word.find(['=', '['])?;
    let name = word[..end].strip_suffix('+').unwrap_or(&word[..end]);
    let rest = &word[end..];
    let ok = rest.starts_with('=') || (rest.starts_with('[') && rest.contains("]="));
    (ok && valid_name(name)).then_some(name)
}

/// `X=1`, `"X += 2"` or `'X<<=1'`, as `let` takes them: the name assigned
/// (not `X==1` or `X<=1`, which compare).
fn arithmetic_assignment(word: &str) -> Option<&str> {
    const ASSIGN: &[&str] = &[
        "=", "+=", "-=", "*=", "/=", "%=", "<<=", ">>=", "&=", "^=", "|=",
    ];
    let expr = word.trim_matches(['"', '\'']).trim_start();
    let end = expr
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(expr.len());
    let (name, op) = (&expr[..end], expr[end..].trim_start());
    let assigns = ASSIGN.iter().any(|a| op.starts_with(a)) && !op.starts_with("==");
    (assigns && valid_name(name)).then_some(name)
}

/// In a cluster of options like `rp` (`read -rp PROMPT`), the option whose
/// value is the next word: the first that takes a value, when it ends the
/// cluster (otherwise the rest of the cluster is its value).
fn option_taking_next_word(cluster: &str, valued: &str) -> Option<char> {
    let (at, option) = cluster.char_indices().find(|(_, c)| valued.contains(*c))?;
    (at + option.len_utf8() == cluster.len()).then_some(option)
}

pub fn valid_name(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty() && is_name_start(b[0]) && b.iter().all(|&c| is_name(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Words where `[...]` is bash's syntax are known: `[[ == ]]` and
    /// `case` patterns, array subscripts; an argument is none of them.
    #[test]
    fn pattern_words() {
        let code = "[[ $a == [yn] ]] && ls [x]\ncase $a in [ny]) f [y] ;; esac\nR=([api]=3)\n";
        let scan = scan(code);
        let at = |needle: &str| code.find(needle).unwrap();
        for (needle, pattern) in [
            ("$a ==", false),
            ("[yn]", true),
            ("[x]", false),
            ("[ny]", true),
            ("[y]", false),
            ("[api]", true),
        ] {
            assert_eq!(scan.in_pattern(at(needle)), pattern, "{needle}");
        }
    }

    #[test]
    fn quotes_substitutions_and_heredocs() {
        assert!(scan("echo 'a\"b' \"$(date \"+%F\")\"\n").error.is_none());
        let s = scan("echo 'oops\n");
        assert_eq!(s.error.unwrap().offset, 5);
        assert!(scan("x=$(ls\n").error.is_some());
        assert!(scan("cat <<EOF\nhi $USER\nEOF\necho ok\n").error.is_none());
        assert!(scan("cat <<-'EOF'\n\tbody\n\tEOF\n").error.is_none());
        let s = scan("cat <<EOF\nnever closed\n");
        assert!(s.error.unwrap().message.contains("EOF"));
        assert!(scan("case $x in a) echo a;; esac\n").error.is_none());
        assert!(scan("echo $(( 1 > 2 ))\n").redirects.is_empty());
        assert!(scan("kubectl get pods \\\n").error.is_some());
        assert!(scan("kubectl get pods \\\n  -o wide\n").error.is_none());
        assert!(scan("echo a\\ \n").error.is_none(), "an escaped space");
    }

    #[test]
    fn never_panics_on_any_prefix() {
        let tricky = r#"x=$'a\'é' \é "${é:-$(echo 'ü' `b`)}" <<-"E"
	E
case é in é) :;; esac # ü
$(( 1 << (2) )) >"f" ${#a[@]} \"#;
        for (i, _) in tricky.char_indices().chain([(tricky.len(), ' ')]) {
            let s = scan(&tricky[..i]);
            for r in s.redirects.iter().chain(&s.inputs) {
                assert!(tricky[..i].get(r.clone()).is_some());
            }
        }
    }

    #[test]
    fn reads_sets_and_redirects() {
        let s = scan(
            "export A=1 B\nread -r C D\nfor E in 1; do echo \"$E ${F:-x} $G\"; done\nH=$(cat) I=2\nJ=3 cmd > \"$OUT\" 2>&1 >>log\n",
        );
        for name in ["A", "C", "D", "E", "H", "I"] {
            assert!(s.sets.iter().any(|n| n.name == name), "{name}");
        }
        assert!(
            !s.sets.iter().any(|n| n.name == "J"),
            "set for one command only"
        );
        assert!(!s.sets.iter().any(|n| n.name == "B"), "exported, not set");
        let reads: Vec<(&str, bool)> = s
            .reads
            .iter()
            .map(|r| (r.name.as_str(), r.guarded))
            .collect();
        assert!(reads.contains(&("F", true)));
        assert!(reads.contains(&("G", false)));
        let src = "H=$(cat) I=2 cmd > \"$OUT\" 2>&1 >>log\n";
        let s = scan(src);
        let targets: Vec<&str> = s.redirects.iter().map(|r| &src[r.clone()]).collect();
        assert_eq!(targets, vec!["\"$OUT\"", "log"]);
        assert!(!scan("# only a comment\n\n").has_code);
        assert_eq!(scan("echo '$X'\n").quoting_at(6), Quoting::Single);
    }

    /// The text of each simple command a pipe feeds, as [`Scan::piped`]
    /// gives it.
    fn piped(src: &str) -> Vec<&str> {
        scan(src).piped.into_iter().map(|r| &src[r]).collect()
    }

    #[test]
    fn commands_a_pipe_feeds() {
        assert_eq!(
            piped("cat x | kubectl apply -f - > out # c\n"),
            [" kubectl apply -f - > out"]
        );
        assert_eq!(piped("a |& b | c\n"), [" b", " c"]);
        assert_eq!(
            piped("a |\n  X=1 sudo tee f <<EOF\nbody\nEOF\n"),
            ["\n  X=1 sudo tee f <<EOF"]
        );
        assert_eq!(piped("x=$(a | b) && c\n"), [" b"]);
        // Compound commands read the pipe themselves; `||` is no pipe.
        for src in [
            "a | while read -r x; do b \"$x\"; done\n",
            "a | { b; }\n",
            "a | (b); c\n",
            "a || b\n",
            "case $x in a|b) c;; esac\n",
            "[[ $x =~ a|b ]] && c\n",
            "a | if b; then c; fi\n",
        ] {
            assert_eq!(piped(src), Vec::<&str>::new(), "{src}");
        }
    }

    #[test]
    fn plain_bytes_are_all_but_the_sixteen_that_end_or_quote_a_word() {
        let special: Vec<u8> = (0..=255u8).filter(|&c| !is_plain(c)).collect();
        let mut expected = b"\t\n\r \"$&'()`;<>\\|".to_vec();
        expected.sort_unstable();
        assert_eq!(special, expected);
    }

    /// The shortest range holding the offset, found by reading them all:
    /// what the binary search over the flattened segments must agree with.
    fn quoting_by_scanning(regions: &[(Range<usize>, Quoting)], offset: usize) -> Quoting {
        regions
            .iter()
            .filter(|(r, _)| r.contains(&offset))
            .min_by_key(|(r, _)| r.len())
            .map_or(Quoting::Plain, |(_, q)| *q)
    }

    #[test]
    fn quoting_at_agrees_with_reading_every_range() {
        let sources = [
            "echo \"a $(printf '%s' \"b 'c' $(echo 'd')\") e\" # note\n",
            "cat <<EOF; echo \"x\ny\"\nbody $V\nEOF\ncat <<'Q' # c\nraw '$W'\nQ\n",
            "echo $'a\\'b' \"$(cat <<E\nin\nE\n)\" `echo 'q'` ${X:-'d'}\n# end",
            "a='' b=\"\" c=$'' # '\n",
            // Side by side, one quote right after another: the flat path.
            "echo 'a''b'\"c\"'d' # e\n",
            "echo \"never closed $(echo 'x\n",
        ];
        for src in sources {
            let mut lexer = Lexer::new(src);
            lexer.run();
            let scan = scan(src);
            for offset in 0..=src.len() + 1 {
                assert_eq!(
                    scan.quoting_at(offset),
                    quoting_by_scanning(&lexer.regions, offset),
                    "{src:?} at {offset}"
                );
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn quoting_at_agrees_on_any_shell_like_text(
            src in "(<<-?E|E\n|[a-z $'\"`(){}#;\\\n])*"
        ) {
            let mut lexer = Lexer::new(&src);
            lexer.run();
            let scan = scan(&src);
            for offset in 0..=src.len() {
                proptest::prop_assert_eq!(
                    scan.quoting_at(offset),
                    quoting_by_scanning(&lexer.regions, offset)
                );
            }
        }
    }

    #[test]
    fn options_of_read_and_mapfile() {
        let s = scan(
            "read -rp PROMPT A\nread -t 5 -a ARR\nread -pPROMPT B\nmapfile -t LINES\nreadarray -d , -t FIELDS\n",
        );
        for name in ["A", "ARR", "B", "LINES", "FIELDS"] {
            assert!(
                s.sets.iter().any(|n| n.name == name),
                "{name}: {:?}",
                s.sets
            );
        }
        assert!(!s.sets.iter().any(|n| n.name == "PROMPT"), "{:?}", s.sets);
    }

    /// A command's sets are where it ends; a declaration without a value
    /// sets nothing, unless it makes an (empty) array.
    #[test]
    fn where_variables_are_set() {
        let src = "X=$(date); use <x>\nexport A B=1; local C; declare -r D; readonly E=2\n: ${F:=3}\nlocal -a G\n";
        let s = scan(src);
        let at: Vec<(&str, usize)> = s.sets.iter().map(|n| (n.name.as_str(), n.offset)).collect();
        let end_of = |text: &str| src.find(text).unwrap() + text.len();
        assert_eq!(
            at,
            [
                ("X", end_of("X=$(date)")),
                ("B", end_of("export A B=1")),
                ("E", end_of("readonly E=2")),
                ("F", src.find("F:=").unwrap()),
                ("G", end_of("local -a G")),
            ]
        );
    }

    #[test]
    fn let_and_source() {
        let s = scan("let A=1 \"B += 2\" 'C<<=1' D==1 E\nlet F<=2\n");
        let names: Vec<&str> = s.sets.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["A", "B", "C"]);
        assert_eq!(s.sets_unknown_from, None);
        let src = "echo \"$X\"\nsource ./prod.env\necho \"$Y\"\n. ./more.env\n";
        let s = scan(src);
        assert_eq!(s.sets_unknown_from, Some(src.find("\necho \"$Y").unwrap()));
        let s = scan("eval \"$(aws configure export-credentials --format env)\"\n");
        assert!(s.sets_unknown_from.is_some());
    }

    #[test]
    fn function_definitions() {
        for src in [
            "f() { :; }",
            "f ()\n{ :; }",
            "function f { :; }",
            "function f() ( : )",
        ] {
            assert!(scan(src).defines_function, "{src}");
        }
        for src in [
            "echo \"f()\"",
            "echo 'f() { :; }'",
            "(cd /tmp && ls)",
            "echo function",
        ] {
            assert!(!scan(src).defines_function, "{src}");
        }
    }

    /// Valid bash whose compound commands close within the text: each
    /// passes `bash -n` on its own, and the lexer must find nothing.
    const COMPLETE: &[&str] = &[
        "f() { { :; } }; f",
        "case x in fi) echo;; esac",
        "for x do echo \"$x\"; done",
        "for ((i=0;i<2;i++)) do echo \"$i\"; done",
        "for ((i=0;i<2;i++)) { echo \"$i\"; }",
        "for x in a b; { echo \"$x\"; }",
        "a=(fi done } esac \"(\" ); echo \"${a[@]}\"",
        "case x\nin x) echo;; esac",
        "function f { :; }; f",
        "function f() ( : ); f",
        "f()\n{\n  echo\n}\nf",
        "f() if true; then :; fi; f",
        "case x in (a) ;; esac",
        "case x in a|b) ;; *) :; esac",
        "case x in\nesac",
        "case x in a) :;&\nb) :;;&\nesac",
        "case \"$1\" in\n  start)\n    echo s\n    ;;\n  *)\n    echo o\n    ;;\nesac",
        "echo $( case x in x) echo y;; esac )",
        "x=`case x in x) echo y;; esac`",
        "select x in a; do break; done",
        "for x\ndo :; done",
        "coproc { :; }",
        "[[ ( a == b ) ]] || echo no",
        "[[ $HOME =~ ^/(home|root)$ ]] && echo y",
        "((cd /); ls)",
        "echo $((cd /); ls)",
        "time -p { :; }",
        "! { false; }",
        "if true; then :; elif false; then :; else { :; }; fi",
        "until false; do break; done",
        "(( x = 1 )) && { echo \"$x\"; }",
        "{ echo a; } > /tmp/x 2>&1",
        "cat <<EOF\n}\nfi\nEOF",
        "echo \"}\" 'fi' \\} done esac {",
        "trap 'echo }' EXIT",
        "(\n  cd /tmp\n  ls\n)",
        "out=$( { echo a; } 2>&1 )",
        "while read -r l; do echo \"$l\"; done < <(printf 'a\\n')",
        "for i in 1 2; do case $i in 1) echo one;; *) echo other;; esac; done",
    ];

    #[test]
    fn compound_commands_that_close_in_the_block() {
        for src in COMPLETE {
            assert_eq!(scan(src).error, None, "{src:?}");
        }
    }

    #[test]
    fn every_complete_example_is_valid_bash() {
        for src in COMPLETE {
            let status = std::process::Command::new("bash")
                .args(["--norc", "--noprofile", "-n", "-c", src])
                .status()
                .unwrap();
            assert!(status.success(), "{src:?}");
        }
    }

    /// A block the script pastes into a function must not close it, nor
    /// leave anything open for the generated `}` to close.
    #[test]
    fn compound_commands_left_open_or_closed_twice() {
        let cases: &[(&str, &str, &str)] = &[
            ("cmd\n}\nevil\n_() {\n:\n", "}\nevil", "`}` closes nothing"),
            ("cmd; }; evil; _() { :", "}; evil", "`}` closes nothing"),
            ("case x in a) :;; esac; }\n", "}\n", "`}` closes nothing"),
            (
                "case x in a) }; evil; esac\n",
                "}; evil",
                "before the `esac`",
            ),
            ("[[ -n x ]] }\n", "}\n", "`}` closes nothing"),
            ("(( 1 )) }\n", "}\n", "`}` closes nothing"),
            ("{ :; } }\n", "}\n", "`}` closes nothing"),
            ("echo `}`\n", "}`", "`}` closes nothing"),
            (")\nevil\n(\n", ")\nevil", "`)` closes nothing"),
            ("esac\n", "esac", "`esac` closes nothing"),
            ("done\n", "done", "`done` closes nothing"),
            ("fi\n", "fi", "`fi` closes nothing"),
            ("then :\n", "then", "`then` without an `if`"),
            ("echo a;;\n", ";;", "`;;` outside a `case`"),
            ("if x; then done\n", "done", "before the `fi` of the `if`"),
            ("if true; then\n", "if", "`if` is never closed"),
            ("until x; do :\n", "until", "`until` is never closed"),
            ("for x in a; do\n", "for", "`for` is never closed"),
            ("case x in\n", "case", "`case` is never closed"),
            ("_() {\n:\n", "{", "`{` is never closed"),
            ("( echo\n", "( echo", "`(` is never closed"),
            ("[[ x\n", "[[", "`[[` is never closed"),
            ("echo $(if x; then y)\n", "if", "`if` has no `fi`"),
        ];
        for (src, at, message) in cases {
            let error = scan(src).error.unwrap_or_else(|| panic!("{src:?}"));
            assert_eq!(error.offset, src.find(at).unwrap(), "{src:?}: {error:?}");
            assert!(error.message.contains(message), "{src:?}: {error:?}");
            let unclosed = message.contains("never closed");
            assert_eq!(error.is_unclosed(), unclosed, "{src:?}: {error:?}");
        }
    }

    #[test]
    fn an_unbalanced_block_is_still_read_to_its_end() {
        let src = "}\necho hi > out.txt\n";
        let s = scan(src);
        assert!(s.error.is_some());
        let targets: Vec<&str> = s.redirects.iter().map(|r| &src[r.clone()]).collect();
        assert_eq!(targets, ["out.txt"]);
    }

    #[test]
    fn locale_strings_old_arithmetic_and_lone_dollars() {
        for src in [
            "echo $\"localized string\"\n",
            "echo $[1<<2] $[ (2+3) * a[1] ]\n",
            "echo \"cost: $\" \"$'5\"\n",
            "echo $(echo $)\n",
            "echo \"${x:-$}\"\n",
        ] {
            assert_eq!(scan(src).error, None, "{src:?}");
        }
        assert_eq!(scan("echo $\"x\"").quoting_at(7), Quoting::Double);
        let error = scan("echo $[1 + 2\n").error.unwrap();
        assert_eq!((error.offset, error.is_unclosed()), (5, true));
    }

    #[test]
    fn an_unclosed_heredoc_is_reported_at_its_operator() {
        for src in ["cat <<'EOF'\nline 1\nline 2\n", "cat <<-EOF", "cat <<EOF\n"] {
            let error = scan(src).error.unwrap();
            assert_eq!(error.offset, 4, "{src:?}");
            assert!(error.message.contains("`EOF` alone"), "{error:?}");
            assert!(error.is_unclosed());
        }
    }

    #[test]
    fn defaults_arithmetic_and_tests_set_or_guard_variables() {
        let s = scan(
            ": \"${REGION:=eu-west-1}\"\n(( COUNT = 3 ))\nfor ((N=0; N<3; N++)); do :; done\n\
             X=$(( $Y + 1 )) Z=2\n(( A[1] += 2, B++, --C ))\necho $[D=4] ${E=5}\n\
             cat <<EOF\n${F:=6}\nEOF\n[[ -v G ]] && echo \"$G\"\ntest -v H && echo \"$H\"\n",
        );
        for name in [
            "REGION", "COUNT", "N", "X", "Z", "A", "B", "C", "D", "E", "F",
        ] {
            assert!(
                s.sets.iter().any(|n| n.name == name),
                "{name}: {:?}",
                s.sets
            );
        }
        for name in ["Y", "G", "H"] {
            assert!(
                !s.sets.iter().any(|n| n.name == name),
                "{name}: {:?}",
                s.sets
            );
        }
        let unguarded: Vec<&str> = s
            .reads
            .iter()
            .filter(|r| !r.guarded)
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(unguarded, ["Y"]);
        let s = scan("(( I == 1 || J <= 2 || K != 3 )); echo $(( 16#ff + $L ))\n");
        assert_eq!(s.sets, []);
    }
}
