//! A small bash lexer: enough of the quoting rules to know where quotes,
//! substitutions and here-documents open and close, which variables a block
//! reads and sets, and where output redirections point. It never rejects
//! what bash accepts: structure errors (`if` without `fi`) are left to
//! `bash -n`, which `runbook verify` and `runbook extract` run.

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
    /// A quote, substitution or here-document still open where the code
    /// ends: what bash would read more lines for. Every such message of
    /// the lexer says "never closed".
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

#[derive(Clone, Debug, Default)]
pub struct Scan {
    pub error: Option<SyntaxError>,
    pub reads: Vec<VarRead>,
    pub sets: Vec<String>,
    /// Where the first `source`, `.` or `eval` ends: from there on any
    /// variable may be set, by code the scan cannot see.
    pub sets_unknown_from: Option<usize>,
    /// Target words of output redirections (`> file`, `>> file`, `&> file`).
    pub redirects: Vec<Range<usize>>,
    /// Target words of input redirections (`< file`).
    pub inputs: Vec<Range<usize>>,
    /// Whether anything but comments and blank lines is there.
    pub has_code: bool,
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
    delimiter: String,
    strip_tabs: bool,
    expands: bool,
}

/// Words of the simple command being read, to find assignments and the
/// builtins that set variables.
#[derive(Default)]
struct Command {
    words: Vec<Range<usize>>,
    start: Option<usize>,
    skip_next: bool,
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
    scan: Scan,
}

pub fn scan(src: &str) -> Scan {
    let mut lexer = Lexer::new(src);
    lexer.run();
    lexer.scan.segments = segments(&lexer.regions);
    lexer.scan
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
            commands: vec![Command::default()],
            pending: Vec::new(),
            words: Vec::new(),
            regions: Vec::new(),
            scan: Scan::default(),
        }
    }
    fn ctx(&self) -> Ctx {
        self.stack.last().map(|s| s.0).unwrap_or(Ctx::Top)
    }

    fn fail(&mut self, offset: usize, message: impl Into<String>) {
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
        while self.i < self.b.len() && self.scan.error.is_none() {
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
                Ctx::Top | Ctx::Paren => None,
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
            let message = format!("here-document `{}` is never closed", doc.delimiter);
            self.fail(self.b.len(), message);
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
            if cmd.skip_next {
                cmd.skip_next = false;
            } else {
                cmd.words.push(start..i);
            }
        }
    }

    /// Records what a finished simple command sets.
    fn end_command(&mut self) {
        let src = self.src;
        let mut spans = std::mem::take(self.commands.last_mut().unwrap()).words;
        let mut words = std::mem::take(&mut self.words);
        words.extend(spans.iter().map(|r| &src[r.clone()]));
        self.record_sets(&words);
        // Both lists go back for the next command to reuse.
        words.clear();
        spans.clear();
        self.words = words;
        self.commands.last_mut().unwrap().words = spans;
    }

    fn record_sets(&mut self, words: &[&str]) {
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
            self.scan
                .sets
                .extend(assigned.into_iter().map(str::to_string));
            return;
        };
        // `NAME=value command`: the variable is set for that command only.
        self.scan.has_code = true;
        let names = args.iter().filter(|a| !a.starts_with('-'));
        match *command {
            "export" | "local" | "declare" | "typeset" | "readonly" => {
                for arg in names {
                    let name = arg.split(['=', '+', '[']).next().unwrap_or("");
                    if valid_name(name) {
                        self.scan.sets.push(name.to_string());
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
                            self.scan.sets.push(arg.to_string());
                        }
                    } else if let Some(cluster) = arg.strip_prefix('-') {
                        value_of = option_taking_next_word(cluster, valued);
                    } else if valid_name(arg) {
                        self.scan.sets.push(arg.to_string());
                    }
                }
            }
            "for" | "select" => {
                if let Some(name) = args.first().filter(|a| valid_name(a)) {
                    self.scan.sets.push(name.to_string());
                }
            }
            "source" | "." | "eval" => {
                self.scan.sets_unknown_from.get_or_insert(self.i);
            }
            "let" => {
                for arg in args {
                    if let Some(name) = arithmetic_assignment(arg) {
                        self.scan.sets.push(name.to_string());
                    }
                }
            }
            "getopts" => {
                if let Some(name) = args.get(1).filter(|a| valid_name(a)) {
                    self.scan.sets.push(name.to_string());
                }
            }
            "printf" => {
                if let Some(pos) = args.iter().position(|a| *a == "-v") {
                    if let Some(name) = args.get(pos + 1).filter(|a| valid_name(a)) {
                        self.scan.sets.push(name.to_string());
                    }
                }
            }
            _ => {}
        }
    }

    fn push(&mut self, ctx: Ctx, at: usize) {
        self.stack.push((ctx, at));
        if matches!(ctx, Ctx::Subst | Ctx::Backtick | Ctx::Paren) {
            self.commands.push(Command::default());
        }
    }

    fn pop(&mut self) {
        if let Some((ctx, _)) = self.stack.pop() {
            if matches!(ctx, Ctx::Subst | Ctx::Backtick | Ctx::Paren) {
                self.end_word();
                self.end_command();
                self.commands.pop();
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
                self.push(Ctx::Paren, self.i);
                self.i += 1;
            }
            b'(' => {
                self.end_word();
                if self.peek(1) == b'(' && at_word_start {
                    self.push(Ctx::Arith, self.i);
                    self.i += 2;
                } else {
                    self.end_command();
                    self.push(Ctx::Paren, self.i);
                    self.i += 1;
                }
            }
            b')' => {
                match ctx {
                    Ctx::Arith => {
                        self.pop();
                        self.i += usize::from(self.peek(1) == b')');
                    }
                    Ctx::Subst | Ctx::Paren => self.pop(),
                    // A `case` pattern, or a stray parenthesis `bash -n` reports.
                    _ => {
                        self.end_word();
                        self.end_command();
                    }
                }
                self.i += 1;
            }
            b'\n' => {
                self.end_word();
                self.end_command();
                self.i += 1;
                if !self.pending.is_empty() {
                    self.heredoc_bodies();
                }
            }
            b';' | b'&' | b'|' => {
                self.end_word();
                if ctx != Ctx::Arith {
                    if c == b'&' && self.peek(1) == b'>' {
                        self.i += 1;
                        self.redirect();
                        return;
                    }
                    self.end_command();
                }
                self.i += 1;
            }
            b'<' | b'>' if ctx == Ctx::Arith => self.i += 1,
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

    /// `2>file`: the digits belong to the operator, not to a word.
    fn end_word_before_fd(&mut self) {
        let i = self.i;
        let cmd = self.commands.last_mut().unwrap();
        if let Some(start) = cmd.start {
            if self.b[start..i].iter().all(u8::is_ascii_digit) {
                cmd.start = None;
                return;
            }
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
            _ => self.i += 2.min(self.b.len() - self.i),
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
                let message = format!("here-document `{}` is never closed", doc.delimiter);
                self.fail(body_start, message);
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
        for name in ["A", "B", "C", "D", "E", "H", "I"] {
            assert!(s.sets.iter().any(|n| n == name), "{name}");
        }
        assert!(!s.sets.iter().any(|n| n == "J"), "set for one command only");
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
            assert!(s.sets.iter().any(|n| n == name), "{name}: {:?}", s.sets);
        }
        assert!(!s.sets.iter().any(|n| n == "PROMPT"), "{:?}", s.sets);
    }

    #[test]
    fn let_and_source() {
        let s = scan("let A=1 \"B += 2\" 'C<<=1' D==1 E\nlet F<=2\n");
        assert_eq!(s.sets, ["A", "B", "C"]);
        assert_eq!(s.sets_unknown_from, None);
        let src = "echo \"$X\"\nsource ./prod.env\necho \"$Y\"\n. ./more.env\n";
        let s = scan(src);
        assert_eq!(s.sets_unknown_from, Some(src.find("\necho \"$Y").unwrap()));
        let s = scan("eval \"$(aws configure export-credentials --format env)\"\n");
        assert!(s.sets_unknown_from.is_some());
    }
}
