//! The command-block findings `runbook lint` and `runbook verify` share,
//! computed once per document: ten rules read the same analysis, so it is
//! kept for the document being linted instead of being redone per rule.

use std::cell::LazyCell;
use std::collections::BTreeSet;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use rustc_hash::FxHashMap;

use super::analysis::{self, Block, MAX_COMMAND_BLOCKS, Runbook};
use super::blocks;
use super::config::Pattern;
use super::shell::{self, Quoting, valid_name};
use crate::config::Settings;
use crate::diagnostic::{Edit, Fix};
use crate::document::include::{self, Include};
use crate::document::lines::floor_char_boundary;
use crate::document::{CodeBlock, Document, Pos, Span};
use crate::lint::rules::alias_in_command;
use crate::lint::rules::lookalike_in_command::{self, Lookalike};
use crate::lint::rules::{
    credential_in_command, destructive_command, file_too_large, requires_invalid, shell_output,
    shell_syntax, step_name_changed, undefined_variable, unresolved_placeholder,
};

#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: &'static str,
    /// The rule of `lints/` that found it (see [`Diagnostic::data_rule`]).
    ///
    /// [`Diagnostic::data_rule`]: crate::diagnostic::Diagnostic::data_rule
    pub data_rule: Option<&'static str>,
    pub span: Span,
    pub message: String,
    pub help: String,
    pub fix: Option<Fix>,
}

/// Where line `index` of the block's substituted code, character `col` of
/// it (as ShellCheck counts in the script), is in the Markdown file.
pub fn pos_at(doc: &Document, block: &Block, index: usize, col: usize) -> Pos {
    let line = block.index().line_text(&block.code, index + 1);
    let col_bytes = line.char_indices().nth(col).map_or(line.len(), |(i, _)| i);
    let start = block.index().line_start(index).min(block.code.len());
    pos_of(doc, block, block.written_offset(start + col_bytes))
}

/// Where a byte offset of the block's code as written is in the Markdown
/// file: the code line sits after any list or quote marks there. Each step
/// is a lookup, so a block of one long line with thousands of findings
/// stays linear.
fn pos_of(doc: &Document, block: &Block, offset: usize) -> Pos {
    if let Some(inc) = block.cmd.include_at(offset) {
        return inc.span.start;
    }
    let code = &block.cmd.code;
    let at = block.cmd.index.pos(code, offset);
    let index = at.line - 1;
    let col_bytes = at.offset - block.cmd.index.line_start(index);
    let line = block
        .cmd
        .lines
        .get(index)
        .or(block.cmd.lines.last())
        .copied();
    let line = line.unwrap_or(block.cmd.block.first_line);
    let align = alignment(doc, block, index);
    // Inside leading whitespace that a tab became, the content's start.
    let (col_bytes, col) = if col_bytes < align.from_bytes {
        (align.from_bytes, align.from_bytes + 1)
    } else {
        (col_bytes, at.col)
    };
    let past_escape = align.escape_from.is_some_and(|from| col_bytes >= from) as isize;
    let shifted =
        |n: usize, by: isize, max: usize| n.saturating_add_signed(by + past_escape).min(max);
    Pos {
        line,
        col: shifted(col, align.chars_shift, align.md_chars + 1).max(1),
        // On a character: a code line that does not match its Markdown
        // line byte for byte is placed by clamping.
        offset: floor_char_boundary(
            &doc.text,
            doc.lines
                .line_start(line - 1)
                .saturating_add(shifted(col_bytes, align.bytes_shift, align.md_bytes))
                .min(doc.text.len()),
        ),
    }
}

/// How a code line sits on its Markdown line: its offsets and columns
/// plus the shifts are the Markdown line's, up to its end.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Alignment {
    bytes_shift: isize,
    chars_shift: isize,
    /// Offsets before this (leading whitespace a tab was expanded into)
    /// have no place of their own on the Markdown line.
    from_bytes: usize,
    md_bytes: usize,
    md_chars: usize,
    /// Offsets from this one on are one byte further on the Markdown line,
    /// which holds the backslash of mdBook's escape the code dropped.
    escape_from: Option<usize>,
}

/// Where code line `index` sits on its Markdown line.
fn alignment(doc: &Document, block: &Block, index: usize) -> Alignment {
    let all = block.indents.get_or_init(|| {
        let cmd = &block.cmd;
        (0..cmd.lines.len())
            .map(|i| {
                let md = doc.line_text(cmd.lines[i]);
                let code = cmd.index.line_text(&cmd.code, i + 1);
                let (md_bytes, md_chars) = (md.len(), md.chars().count());
                let code_chars = code.chars().count();
                let shift = |bytes: usize, chars: usize| Alignment {
                    bytes_shift: bytes as isize,
                    chars_shift: chars as isize,
                    from_bytes: 0,
                    md_bytes,
                    md_chars,
                    escape_from: None,
                };
                // The code line ends its Markdown line, after any marks.
                if code.is_empty() {
                    shift(0, 0)
                } else if md.ends_with(code) {
                    shift(md_bytes - code.len(), md_chars - code_chars)
                } else if let Some(at) = md.find(code) {
                    shift(at, md[..at].chars().count())
                } else if let Some(escape) =
                    include::escape_in_line(md).filter(|_| include::unescape(md).ends_with(code))
                {
                    let (bytes, chars) = (md_bytes - 1 - code.len(), md_chars - 1 - code_chars);
                    Alignment {
                        escape_from: Some(escape.start.saturating_sub(bytes)),
                        ..shift(bytes, chars)
                    }
                } else {
                    // A tab in the indentation, expanded to spaces in the
                    // code: the rest of the line still ends the Markdown line.
                    let content = code.trim_start_matches([' ', '\t']);
                    let lead = code.len() - content.len();
                    if md.ends_with(content) && !content.is_empty() {
                        let content_at = md_bytes - content.len();
                        let content_chars = md_chars - content.chars().count();
                        Alignment {
                            bytes_shift: content_at as isize - lead as isize,
                            chars_shift: content_chars as isize - lead as isize,
                            from_bytes: lead,
                            md_bytes,
                            md_chars,
                            escape_from: None,
                        }
                    } else {
                        shift(0, 0)
                    }
                }
            })
            .collect()
    });
    all.get(index).copied().unwrap_or_default()
}

/// The span of `len` bytes at `offset` of the block's code as written.
fn span_in(doc: &Document, block: &Block, offset: usize, len: usize) -> Span {
    if let Some(inc) = block.cmd.include_at(offset) {
        return inc.span;
    }
    let text = &block.cmd.code;
    let floor = |o: usize| floor_char_boundary(text, o.min(text.len()));
    let (start, end) = (floor(offset), floor(offset + len));
    let start_pos = pos_of(doc, block, start);
    let mut end_pos = start_pos;
    let width = text[start..end].split('\n').next().unwrap_or("");
    end_pos.col += width.chars().count();
    end_pos.offset = floor_char_boundary(
        &doc.text,
        (end_pos.offset + width.len()).min(doc.text.len()),
    );
    Span {
        start: start_pos,
        end: end_pos,
    }
}

/// The span of `len` bytes at `offset` of the block's substituted code.
fn substituted_span(doc: &Document, block: &Block, offset: usize, len: usize) -> Span {
    let start = block.written_offset(offset);
    let end = block.written_offset(offset + len).max(start);
    span_in(doc, block, start, end - start)
}

/// The start of a Markdown line.
pub fn line_span(doc: &Document, line: usize) -> Span {
    let start = doc.lines.pos(
        &doc.text,
        doc.lines.line_start(line.max(1) - 1).min(doc.text.len()),
    );
    Span { start, end: start }
}

/// Where `text` is written on the block's fence line, else the line's start.
fn attribute_span(doc: &Document, block: &Block, text: &str) -> Span {
    let line = block.cmd.block.fence.start.line;
    let md = doc.line_text(line);
    let Some(at) = md.find(text) else {
        return line_span(doc, line);
    };
    let offset = doc.lines.line_start(line - 1) + at;
    let col = md[..at].chars().count() + 1;
    Span {
        start: Pos { line, col, offset },
        end: Pos {
            line,
            col: col + text.chars().count(),
            offset: offset + text.len(),
        },
    }
}

/// Every command-rule finding of an analysed runbook, given to `emit` one
/// at a time: a block of a million placeholders is a million findings, of
/// which the lint lists 10,000 and counts the rest in eight bytes each, so
/// they are never all held at once.
pub fn each(rb: &Runbook, settings: &Settings, emit: &mut dyn FnMut(Finding)) {
    let doc = rb.doc;
    let mut out = Out::new(rb, emit);
    if let Some(over) = rb.oversized {
        out.push(Finding {
            rule: file_too_large::ID,
            data_rule: None,
            span: over.fence,
            message: format!(
                "{} command blocks, over the {MAX_COMMAND_BLOCKS} a runbook may have: none of its commands is checked or extracted",
                over.blocks
            ),
            help: "split the runbook, or give blocks that are not commands another info string (`text`, `json`)".into(),
            fix: None,
        });
    }
    for (index, block) in rb.blocks.iter().enumerate() {
        if block.cmd.skip {
            continue;
        }
        for name in block.cmd.attrs.requires.iter().filter(|n| !valid_name(n)) {
            out.push(Finding {
                rule: requires_invalid::ID,
                data_rule: None,
                span: attribute_span(doc, block, name),
                message: format!("`requires` names {name:?}, which is not a shell variable name: the script cannot check it"),
                help: "use letters, digits and `_`, not starting with a digit (`{requires=PGHOST}`)".into(),
                fix: None,
            });
        }
        if let Some(renamed) = rb.renamed(index) {
            out.push(Finding {
                rule: step_name_changed::ID,
                data_rule: None,
                span: attribute_span(doc, block, renamed.written),
                message: format!(
                    "step `{}` is named `{}` in the script: {}",
                    renamed.written, renamed.name, renamed.why
                ),
                help: format!(
                    "`--only` and `--list` know it as `{}`: give the block a name of letters, digits, `_` and `-` that no other step has",
                    renamed.name
                ),
                fix: None,
            });
        }
        if let Some((line, why)) = block.output_at {
            out.push(Finding {
                rule: shell_output::ID,
                data_rule: None,
                span: line_span(doc, line),
                message: format!("this `{}` block holds {why}, not commands", block.cmd.block.lang),
                help: "mark the block `{skip}` if it is only shown, or give the output its own block with another info string (`json`, `text`)".into(),
                fix: None,
            });
            // Not extracted, yet whoever reads the runbook may still run
            // the commands above the output by hand.
            check_destructive(doc, block, settings, commands_before(block, line), &mut out);
            continue;
        }
        if let Some(line) = block.unprompted_at {
            out.push(Finding {
                rule: shell_output::ID,
                data_rule: None,
                span: line_span(doc, line),
                message: "this line has no `$ ` prompt, so it reads as output of the command above it, yet it looks like a command: it is neither checked nor extracted".into(),
                help: "give each command of the block its `$ ` prompt, or drop the prompts: a `bash` block without them is all commands".into(),
                fix: None,
            });
        }
        if let Some(e) = &block.scan.error {
            // The lexer knows bash; what it rejects may be valid zsh
            // (`for f (*.log) gzip $f`). Only what is read line by line
            // is still checked.
            if block.cmd.block.lang == "zsh" {
                check_destructive(doc, block, settings, block.cmd.code.len(), &mut out);
                continue;
            }
            out.push(Finding {
                rule: shell_syntax::ID,
                data_rule: None,
                span: substituted_span(doc, block, e.offset, 1),
                message: format!("not valid shell: {}", e.message),
                help: "fix the command, or mark the block `{skip}` if it is not meant to run"
                    .into(),
                fix: None,
            });
            continue;
        }
        for p in &block.placeholders {
            let (message, help) = if !p.fillable {
                unfillable(&p.text)
            } else if rb.required.contains(&p.var) || rb.set_before(&p.var, (index, p.offset)) {
                continue;
            } else {
                (
                    format!(
                        "placeholder `{}` must be filled in by hand; the script asks for `{}`",
                        p.text, p.var
                    ),
                    placeholder_help(rb, &p.var, index),
                )
            };
            out.push(Finding {
                rule: unresolved_placeholder::ID,
                data_rule: p.rule,
                span: span_in(doc, block, p.offset, p.text.len()),
                message,
                help,
                fix: None,
            });
        }
        let mut seen = BTreeSet::new();
        for read in rb.undefined_reads(index, block) {
            if !seen.insert(read.name.as_str()) {
                continue;
            }
            let name = &read.name;
            let (message, help) = match rb.set_later(name, index) {
                Some(line) => (
                    format!("`${name}` is read before any step sets it"),
                    format!(
                        "a later step sets it (line {line}): move that step before this one, or add `{{requires={name}}}` to the block's info string if it comes from the environment"
                    ),
                ),
                None => (
                    format!("`${name}` is never set in this runbook nor declared in `requires`"),
                    format!(
                        "add `{{requires={name}}}` to the block's info string, or set it in an earlier step"
                    ),
                ),
            };
            out.push(Finding {
                rule: undefined_variable::ID,
                data_rule: None,
                span: substituted_span(doc, block, read.offset, read.name.len() + 1),
                message,
                help,
                fix: None,
            });
        }
        check_destructive(doc, block, settings, block.cmd.code.len(), &mut out);
        check_lookalikes(doc, block, &mut out);
        for (at, definition) in &block.scan.aliases {
            out.push(alias(doc, block, *at, definition));
        }
    }
    for block in &doc.body.code_blocks {
        if blocks::is_query(block) {
            check_query(doc, block, settings, &mut out);
        }
        check_secrets(doc, block, settings, &mut out);
    }
}

/// An `alias` at `at` of the block's code, defined by `definition`
/// (`k=kubectl`, `k='kubectl -n prod'`), with the function to write instead.
fn alias(doc: &Document, block: &Block, at: usize, definition: &str) -> Finding {
    let (name, value) = definition.split_once('=').unwrap_or((definition, ""));
    let value = value
        .strip_prefix(['\'', '"'])
        .and_then(|v| v.strip_suffix(['\'', '"']))
        .unwrap_or(value);
    Finding {
        rule: alias_in_command::ID,
        data_rule: None,
        span: substituted_span(doc, block, at, "alias".len()),
        message: format!(
            "alias `{name}` does nothing in the extracted script: bash expands no alias in a script, and every step is read before any runs"
        ),
        help: format!(
            "define a function instead, which works in a terminal too: `{name}() {{ {value} \"$@\"; }}`"
        ),
        fix: None,
    }
}

/// Where the code of `block` stops being commands: the start of its line
/// that holds output (a Markdown line).
fn commands_before(block: &Block, output_line: usize) -> usize {
    let cmd = &block.cmd;
    match cmd.lines.iter().position(|&l| l >= output_line) {
        Some(i) => cmd.index.line_start(i),
        None => cmd.code.len(),
    }
}

/// Secrets in a code block, every line as written: a secret is leaked
/// wherever it is pasted, so unlike a destructive command it is looked for
/// in comments, in output (a transcript's, JSON below a command), in
/// blocks marked `{skip}`, and in blocks of any language (a `yaml`
/// manifest, an `.env` file), and in what `{{#include ...}}` brings in,
/// found at the directive.
fn check_secrets(doc: &Document, block: &CodeBlock, settings: &Settings, out: &mut Out) {
    let last = block.first_line + block.line_count;
    for line in block.first_line..last {
        if let Some((p, m)) = settings.checks.credential_match(doc.line_text(line)) {
            out.push(credential(p, doc.span_in_line(line, m.range())));
        }
    }
    for inc in &block.includes {
        let Some(Ok(text)) = &inc.read else {
            continue;
        };
        for line in text.lines() {
            if let Some((p, _)) = settings.checks.credential_match(line) {
                out.push(credential(p, inc.span));
            }
        }
    }
}

/// The message and help of a placeholder in a quoted here-document: the
/// variable the script asks for cannot reach it, declared or set, so its
/// step fails rather than write the placeholder's text.
fn unfillable(text: &str) -> (String, String) {
    (
        format!(
            "placeholder `{text}` is in a quoted here-document: the script cannot fill it in, so its step fails"
        ),
        "unquote the delimiter (`<<EOF`, not `<<'EOF'`) if nothing else in the here-document \
         must stay unexpanded (`$`, backquotes, `\\`), or fill it in by hand"
            .into(),
    )
}

/// How to resolve a placeholder for `var` in the block at `index`, and
/// where the runbook sets it too late, if it does.
fn placeholder_help(rb: &Runbook, var: &str, index: usize) -> String {
    let declare = format!(
        "declare it on the block (`{{requires={var}}}`) so the operator is asked for it, or set it in an earlier step"
    );
    let Some(&(set_in, offset)) = rb.sets.get(var) else {
        return declare;
    };
    let line = rb.blocks[set_in].cmd.line_of(offset);
    let when = if set_in > index {
        "only in a later step"
    } else {
        "in this step only after the placeholder"
    };
    format!("`{var}` is set {when} (line {line}): {declare}")
}

/// Where [`each`] puts its findings. A finding in text an `{{#include ...}}`
/// brought in is shown at the directive ([`span_in`]): it says which file
/// holds it, and its fix, written for the included text, must not edit
/// the runbook.
struct Out<'r, 'd> {
    /// By span, the first directive there: a transcript of 100,000
    /// directives with a finding each must not look through all of them
    /// for each finding.
    includes: FxHashMap<(usize, usize), &'d Include>,
    /// Findings given at a directive: two lines of one file with the same
    /// finding are one finding there.
    seen: BTreeSet<(&'static str, Span, String)>,
    emit: &'r mut dyn FnMut(Finding),
}

impl<'r, 'd> Out<'r, 'd> {
    fn new(rb: &Runbook<'d>, emit: &'r mut dyn FnMut(Finding)) -> Self {
        let mut includes: FxHashMap<(usize, usize), &Include> = FxHashMap::default();
        let read = rb.doc.body.code_blocks.iter().flat_map(|b| &b.includes);
        for inc in read.filter(|i| matches!(i.read, Some(Ok(_)))) {
            let at = (inc.span.start.offset, inc.span.end.offset);
            includes.entry(at).or_insert(inc);
        }
        Out {
            includes,
            seen: BTreeSet::new(),
            emit,
        }
    }

    fn push(&mut self, mut finding: Finding) {
        let at = (finding.span.start.offset, finding.span.end.offset);
        if let Some(inc) = self.includes.get(&at) {
            finding.message = format!("{} (in `{}`)", finding.message, inc.path);
            finding.fix = None;
            if !self
                .seen
                .insert((finding.rule, finding.span, finding.message.clone()))
            {
                return;
            }
        }
        (self.emit)(finding);
    }

    fn extend(&mut self, findings: impl IntoIterator<Item = Finding>) {
        for finding in findings {
            self.push(finding);
        }
    }
}

/// Characters that look like the ASCII the shell needs and are not, where
/// the shell reads them (see `lookalike-in-command`): one finding per kind
/// (dash, quote, space, zero width) and code line, fixing all it can. Only
/// a line's first character of a kind is placed (a column costs a walk
/// over the line); the others' offsets follow from it, so a line of a
/// million no-break spaces stays linear.
fn check_lookalikes(doc: &Document, block: &Block, out: &mut Out) {
    let code = &block.code;
    if code.is_ascii() {
        return;
    }
    let mut open: Vec<Open> = Vec::new();
    let mut before = '\n';
    let mut chars = code.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let prev = std::mem::replace(&mut before, c);
        let Some((kind, name)) = lookalike_in_command::classify(c) else {
            continue;
        };
        let next = chars.peek().map_or('\n', |(_, n)| *n);
        let plain = match block.scan.quoting_at(at) {
            Quoting::Comment => continue,
            Quoting::Plain => true,
            _ => false,
        };
        let replacement = match kind {
            Lookalike::ZeroWidth => Some(String::new()),
            Lookalike::Space if plain => Some(" ".to_string()),
            Lookalike::Quote(ascii)
                if plain && !(prev.is_alphanumeric() && next.is_alphanumeric()) =>
            {
                Some(ascii.to_string())
            }
            Lookalike::Dash
                if plain && prev.is_whitespace() && (next.is_alphanumeric() || next == c) =>
            {
                None
            }
            _ => continue,
        };
        let len = c.len_utf8();
        let index = block.index().line_of(at);
        if open.first().is_some_and(|o| o.line != index) {
            out.extend(open.drain(..).map(Open::close));
        }
        let written = block.written_offset(at);
        let same = std::mem::discriminant(&kind);
        if let Some(o) = open.iter_mut().find(|o| o.kind == same) {
            o.more += 1;
            if let (Some(fix), Some(replacement)) = (&mut o.first.fix, replacement) {
                let start = o.first.span.start.offset + (written - o.written);
                if doc.text.get(start..start + len) == Some(&code[at..at + len]) {
                    fix.edits.push(Edit {
                        start,
                        end: start + len,
                        replacement,
                    });
                }
            }
            continue;
        }
        let span = substituted_span(doc, block, at, len);
        let fix = replacement
            .filter(|_| {
                doc.text.get(span.start.offset..span.end.offset) == Some(&code[at..at + len])
            })
            .map(|replacement| Fix {
                description: "replace the look-alike characters with ASCII".into(),
                edits: vec![Edit {
                    start: span.start.offset,
                    end: span.end.offset,
                    replacement,
                }],
            });
        let (message, help) = describe(kind, c, name, &code[at..word_end(code, at)]);
        open.push(Open {
            line: index,
            kind: same,
            written,
            first: Finding {
                rule: lookalike_in_command::ID,
                data_rule: None,
                span,
                message,
                help,
                fix,
            },
            more: 0,
        });
    }
    out.extend(open.into_iter().map(Open::close));
}

/// The finding of a kind of look-alike on the code line being read.
struct Open {
    line: usize,
    kind: std::mem::Discriminant<Lookalike>,
    /// Where the first character is in the code as written.
    written: usize,
    first: Finding,
    more: usize,
}

impl Open {
    /// The line's first finding of a kind, saying how many more the line holds.
    fn close(mut self) -> Finding {
        if self.more > 0 {
            self.first
                .message
                .push_str(&format!(" ({} more on this line)", self.more));
        }
        self.first
    }
}

/// What a look-alike `c` does to the shell, and the help, for the finding
/// of its line; `word` is the shell word it starts.
fn describe(kind: Lookalike, c: char, name: &str, word: &str) -> (String, String) {
    let code = c as u32;
    match kind {
        Lookalike::ZeroWidth => (
            format!(
                "invisible U+{code:04X} ({name}) in a command: the shell keeps it, so the word is not the command or option it shows"
            ),
            "delete it".to_string(),
        ),
        Lookalike::Space => (
            format!(
                "U+{code:04X} ({name}) is not a space to the shell: the words on either side of it are one word"
            ),
            "type a plain space".to_string(),
        ),
        Lookalike::Quote(ascii) => (
            format!(
                "curly quote U+{code:04X} ({name}) is not a shell quote: it becomes part of the word, and what it surrounds is not quoted"
            ),
            format!("type `{ascii}`"),
        ),
        Lookalike::Dash => (
            format!(
                "`{word}` starts with U+{code:04X} ({name}), not `-`: the shell passes it as an argument, not as an option"
            ),
            format!("write `{}`", ascii_option(word)),
        ),
    }
}

/// Where the shell word starting at `at` ends, for the message.
fn word_end(code: &str, at: usize) -> usize {
    code[at..]
        .find(|c: char| c.is_whitespace() || matches!(c, ';' | '|' | '&' | ')' | '"' | '\''))
        .map_or(code.len(), |n| at + n)
}

/// `–dry-run=x` as its author meant it: `--dry-run=x`, or `-n` for one letter.
fn ascii_option(word: &str) -> String {
    let rest = word.trim_start_matches(|c: char| !c.is_ascii() || c == '-');
    let name = rest.split('=').next().unwrap_or(rest);
    if name.chars().count() == 1 || name.chars().all(|c| c.is_ascii_digit()) {
        format!("-{rest}")
    } else {
        format!("--{rest}")
    }
}

/// A paragraph that opens as a warning: `**Warning:**`, `> Caution`,
/// `⚠️ Danger`, with what marks it up before the word.
static WARNING_OPENING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(warning|caution|danger|destructive|irreversible)\b").unwrap()
});

/// A warning wherever it stands: a sign, or a GitHub alert.
static WARNING_SIGN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"⚠|\[!(WARNING|CAUTION)\]").unwrap());

/// What a sentence that warns says of the command, unless it says the
/// opposite ("there is no danger of data loss").
static CONSEQUENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(destructive|dangerous|irreversibl[ey]|can ?not be undone|can't be undone|data loss|permanently)\b").unwrap()
});

static NEGATION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(\b(no|not|without|never|nothing|zero)\b|n't\b)").unwrap());

/// A warning in the paragraph right before the block acknowledges it: a
/// paragraph that opens with Warning, Caution, Danger, Destructive or
/// Irreversible, holds `⚠` or `> [!WARNING]`, or says what cannot be
/// undone ("this deletes the data permanently"). A word that only appears
/// in it is no warning: "ignore the deprecation warning", "there is no
/// danger of data loss".
fn warned(doc: &Document, block: &CodeBlock) -> bool {
    let mut paragraph = Vec::new();
    let mut line = block.fence.start.line;
    while line > 1 {
        line -= 1;
        let text = doc.line_text(line).trim();
        if text.is_empty() {
            if !paragraph.is_empty() {
                break;
            }
            continue;
        }
        if text.starts_with('#') || text.starts_with("```") || text.starts_with("~~~") {
            break;
        }
        // A comment is not read by whoever runs the block: not a warning,
        // even one that names a rule (`disable-next-line destructive-command`).
        if text.starts_with("<!--") && text.ends_with("-->") {
            continue;
        }
        paragraph.push(text);
    }
    let Some(first) = paragraph.last() else {
        return false;
    };
    let opening = first.trim_start_matches(|c: char| !c.is_alphanumeric());
    WARNING_OPENING.is_match(opening)
        || paragraph.iter().any(|text| {
            WARNING_SIGN.is_match(text)
                || CONSEQUENCE
                    .find_iter(text)
                    .any(|m| !negated(&text[..m.start()]))
        })
}

/// Whether the last words of `before`, in its last sentence, deny what
/// follows them: "no danger of", "will not cause", "without".
fn negated(before: &str) -> bool {
    let sentence = before
        .rsplit(['.', ';', ':', '!', '?'])
        .next()
        .unwrap_or(before);
    let words: Vec<&str> = sentence.split_whitespace().rev().take(4).collect();
    words.iter().any(|w| NEGATION.is_match(w))
}

/// Destructive commands in the first `end` bytes of the code as written
/// (placeholders are not commands, and their replacement text must not
/// match either); comment lines are not run.
fn check_destructive(
    doc: &Document,
    block: &Block,
    settings: &Settings,
    end: usize,
    out: &mut Out,
) {
    let code = &block.cmd.code[..end];
    // Read only once a destructive command is found: most blocks have none.
    let acknowledged =
        LazyCell::new(|| block.cmd.attrs.destructive || warned(doc, block.cmd.block));
    // `block.scan` read the code as the script runs it; when that is not
    // the code as written, this is read again only for a line that may be
    // destructive.
    let written_scan = LazyCell::new(|| block.rewritten().then(|| shell::scan(&block.cmd.code)));
    let mut offset = 0;
    for line in code.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        if line.trim_start().starts_with('#') {
            continue;
        }
        let below = &code[offset..];
        let Some((p, m)) = settings.checks.destructive_match(line, below) else {
            continue;
        };
        let scan = written_scan.as_ref().unwrap_or(&block.scan);
        let found = match blank_inert(&block.cmd.code, start, line, scan) {
            Some(blanked) => {
                (settings.checks.destructive_match(&blanked, below)).map(|(p, m)| (p, m.range()))
            }
            None => Some((p, m.range())),
        };
        if let Some((p, m)) = found
            && !*acknowledged
        {
            out.push(destructive(
                p,
                span_in(doc, block, start + m.start, m.len()),
            ));
        }
    }
}

/// `line` (at `start` of `code`, which `scan` read) with what the shell does
/// not run blanked out, for the destructive patterns; `None` when nothing
/// is. Blanked: comments, quoted arguments of [`shell::PRINTERS`]
/// (`echo "never rm -rf /"`), and the body of a here-document that `cat` or
/// `tee` writes to a file. A quoted argument of any other command may well
/// run (`bash -c "rm -rf /x"`, `ssh host "..."`), and so may a
/// here-document fed to `bash`, `ssh` or `psql`, or piped on.
fn blank_inert(code: &str, start: usize, line: &str, scan: &shell::Scan) -> Option<String> {
    let mut bytes = line.as_bytes().to_vec();
    let mut blanked = false;
    for (range, quoting) in scan.stretches(start..start + line.len()) {
        let inert = match quoting {
            Quoting::Plain => false,
            Quoting::Comment => true,
            Quoting::Single | Quoting::Double => {
                let from = shell::command_start(code, scan, range.start, None);
                shell::PRINTERS.contains(&shell::command_name(code, from, range.start))
            }
            Quoting::Heredoc(_) => written_out(code, scan.quoted_from(range.start)),
        };
        if inert {
            bytes[range.start - start..range.end - start].fill(b' ');
            blanked = true;
        }
    }
    // Whole stretches are blanked, and every quote and `#` that bounds
    // one is ASCII, so no character is cut.
    blanked.then(|| String::from_utf8(bytes).ok()).flatten()
}

/// Whether the here-document whose body starts at `body` is only written
/// out: the command that opened it is `cat` or `tee`, and nothing reads
/// it through a pipe (`cat <<EOF | sh` runs it).
fn written_out(code: &str, body: usize) -> bool {
    let opener = code[..body].trim_end_matches('\n');
    let opener = opener.rsplit('\n').next().unwrap_or(opener);
    let name = opener
        .split_whitespace()
        .find(|w| !w.contains('=') && *w != "sudo")
        .unwrap_or("");
    matches!(name, "cat" | "tee") && !opener.contains('|')
}

/// A SQL line with its string literals (`'DROP TABLE x'`, `''` an escaped
/// quote) and its `--` comment blanked out, for the destructive patterns;
/// `None` when it has neither.
fn blank_sql(line: &str) -> Option<String> {
    let mut bytes = line.as_bytes().to_vec();
    let mut quoted = false;
    let mut blanked = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' => quoted = !quoted,
            b'-' if !quoted && bytes.get(i + 1) == Some(&b'-') => {
                bytes[i..].fill(b' ');
                return String::from_utf8(bytes).ok();
            }
            _ if quoted => {
                bytes[i] = b' ';
                blanked = true;
            }
            _ => {}
        }
        i += 1;
    }
    blanked.then(|| String::from_utf8(bytes).ok()).flatten()
}

/// Destructive commands in a block of database queries (see
/// [`blocks::QUERY_LANGS`]), line by line as written; comment lines (`--`,
/// `#`, `//`) are skipped, and `{skip}` leaves the block alone as it does
/// a shell block. Its secrets are [`check_secrets`]'.
fn check_query(doc: &Document, block: &CodeBlock, settings: &Settings, out: &mut Out) {
    let attrs = blocks::parse_attributes(&block.info);
    if attrs.skip || blocks::skip_comment_before(doc, block) {
        return;
    }
    let acknowledged = LazyCell::new(|| attrs.destructive || warned(doc, block));
    // One statement line, with the lines below it (a statement goes on to
    // its `;`); `place` gives the span of a byte range of `line`.
    let mut check = |line: &str, below: &str, place: &dyn Fn(Range<usize>) -> Span| {
        let query = line.trim_start();
        if ["--", "#", "//"].iter().any(|c| query.starts_with(c)) {
            return;
        }
        let found = settings
            .checks
            .destructive_match(query, below)
            .and_then(|(p, m)| match blank_sql(query) {
                Some(blanked) => (settings.checks.destructive_match(&blanked, below))
                    .map(|(p, m)| (p, m.range())),
                None => Some((p, m.range())),
            });
        let indent = line.len() - query.len();
        if let Some((p, m)) = found
            && !*acknowledged
        {
            out.push(destructive(p, place(indent + m.start..indent + m.end)));
        }
    };
    let last = block.first_line + block.line_count;
    for line in block.first_line..last {
        check(
            doc.line_text(line),
            doc.lines_text(line + 1..last),
            &|range| doc.span_in_line(line, range),
        );
    }
    // What `{{#include ...}}` brought in (a migration, a script of
    // statements), found at the directive ([`name_included_files`]).
    for inc in &block.includes {
        let Some(Ok(text)) = &inc.read else {
            continue;
        };
        let mut rest = text.as_str();
        while !rest.is_empty() {
            let (line, below) = rest.split_once('\n').unwrap_or((rest, ""));
            rest = below;
            check(line, below, &|_| inc.span);
        }
    }
}

fn destructive(p: &Pattern, span: Span) -> Finding {
    Finding {
        rule: destructive_command::ID,
        data_rule: Some(p.id),
        span,
        message: format!("destructive command: {} (`{}`)", p.message, p.id),
        help: p.help.clone().unwrap_or_else(|| "say so before it runs: add `{destructive}` to the block's info string, or a warning paragraph right before the block".into()),
        fix: None,
    }
}

fn credential(p: &Pattern, span: Span) -> Finding {
    Finding {
        rule: credential_in_command::ID,
        data_rule: Some(p.id),
        span,
        message: format!("{} in a code block (`{}`)", p.message, p.id),
        help: p.help.clone().unwrap_or_else(|| "read it from the environment or a secret store (`$DB_PASSWORD`, `vault kv get ...`) and rotate the one pasted here".into()),
        fix: None,
    }
}

/// Reports every command-block finding of a document, each under its own
/// rule (the sink drops those of rules turned off): the blocks are analysed
/// once for all ten rules.
pub fn report_all(doc: &Document, cx: &crate::lint::Context, sink: &mut crate::lint::Sink) {
    let runbook = analysis::analyze(doc, &cx.settings.checks);
    each(&runbook, cx.settings, &mut |f| {
        let report = sink
            .report_data((f.rule, f.data_rule), f.span, f.message)
            .help(f.help);
        if let Some(fix) = f.fix {
            report.fix(fix);
        }
    });
}
