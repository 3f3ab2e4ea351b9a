//! The document model: one file read once and parsed once, shared by lint,
//! extract and render.

pub mod front_matter;
pub mod include;
pub mod lines;
pub mod markdown;
pub mod slug;
pub mod written;
pub mod yaml;

use std::path::PathBuf;

use pulldown_cmark::Event;

pub use front_matter::{Fields, FrontMatter};
pub use lines::{LineIndex, Pos, Span};
pub use markdown::{Body, CodeBlock, Heading, Link, LinkKind};

use crate::config::Aliases;

/// What a renderer hands [`Document::parse_with`] to see every Markdown event.
pub type EventSink<'s> = dyn FnMut(&Document, Event<'_>) + 's;

pub struct Document {
    /// The path as the user would type it (relative to the working directory).
    pub path: PathBuf,
    /// The path inside the source folder, with `/` separators.
    pub rel: String,
    /// The text, without a leading BOM; invalid UTF-8 replaced by U+FFFD.
    pub text: String,
    pub bom: bool,
    /// Byte offset of the first byte that is not UTF-8, in the file as read.
    pub invalid_utf8: Option<usize>,
    /// The file is UTF-16 (it starts with a UTF-16 byte order mark) and
    /// `text` was decoded from it; `invalid_utf8` is then 0.
    pub utf16: bool,
    /// Where the file first ends a line with a carriage return alone
    /// (classic Mac OS); each such is a `\n` in `text`: see
    /// [`lone_crs_to_line_feeds`].
    pub lone_cr: Option<usize>,
    pub lines: LineIndex,
    pub front_matter: FrontMatter,
    pub body: Body,
    /// Front matter values as written, read on first use.
    written: written::WrittenValues,
}

impl Document {
    pub fn parse(path: PathBuf, rel: String, bytes: Vec<u8>, aliases: &Aliases) -> Document {
        Self::parse_with(path, rel, bytes, aliases, None)
    }

    /// Parses and hands every Markdown event to `sink` on the way, for a
    /// renderer that wants the same single pass.
    pub fn parse_with(
        path: PathBuf,
        rel: String,
        bytes: Vec<u8>,
        aliases: &Aliases,
        sink: Option<&mut EventSink<'_>>,
    ) -> Document {
        let (mut text, bom, invalid_utf8, utf16) = decode(bytes);
        let lone_cr = lone_crs_to_line_feeds(&mut text);
        let lines = LineIndex::new(&text);
        let (front_matter, body_start) = front_matter::parse(&text, &lines, aliases);
        let mut doc = Document {
            path,
            rel,
            text,
            bom,
            invalid_utf8,
            utf16,
            lone_cr,
            lines,
            front_matter,
            body: Body::default(),
            written: Default::default(),
        };
        let body = match sink {
            None => markdown::parse(&doc.text, body_start, &doc.lines, None),
            Some(sink) => {
                let mut forward = |event: Event<'_>| sink(&doc, event);
                markdown::parse(&doc.text, body_start, &doc.lines, Some(&mut forward))
            }
        };
        doc.body = body;
        doc
    }

    pub fn fields(&self) -> Option<&Fields> {
        self.front_matter.fields()
    }

    pub fn title(&self) -> String {
        if let Some(title) = self.fields().and_then(|f| f.title.as_ref()) {
            return title.value.clone();
        }
        if let Some(h) = self.body.headings.iter().find(|h| h.level == 1) {
            return h.text.clone();
        }
        self.rel
            .rsplit('/')
            .next()
            .unwrap_or(&self.rel)
            .trim_end_matches(".md")
            .to_string()
    }

    /// The line ending the file uses, for text a fix inserts.
    pub fn line_ending(&self) -> &'static str {
        if self.text.contains("\r\n") {
            "\r\n"
        } else {
            "\n"
        }
    }

    pub fn line_text(&self, line: usize) -> &str {
        self.lines.line_text(&self.text, line)
    }

    pub fn pos(&self, offset: usize) -> Pos {
        self.lines.pos(&self.text, offset)
    }

    pub fn span(&self, range: std::ops::Range<usize>) -> Span {
        self.lines.span(&self.text, range)
    }

    /// The text of the 1-based lines `lines` (the last excluded), with
    /// their line endings.
    pub fn lines_text(&self, lines: std::ops::Range<usize>) -> &str {
        let at = |line: usize| self.lines.line_start(line.max(1) - 1).min(self.text.len());
        let start = at(lines.start);
        &self.text[start..at(lines.end).max(start)]
    }

    /// The span of byte columns `cols` of a line's text (`line_text`),
    /// each clamped to the line.
    pub fn span_in_line(&self, line: usize, cols: std::ops::Range<usize>) -> Span {
        let start = self.lines.line_start(line.max(1) - 1).min(self.text.len());
        let len = self.line_text(line).len();
        self.span(start + cols.start.min(len)..start + cols.end.min(len))
    }
}

/// Bytes to text: strips a UTF-8 BOM and keeps going past invalid bytes,
/// remembering where the first one was. A file with a UTF-16 byte order
/// mark (what Windows PowerShell 5's `>` writes) is decoded as UTF-16, so
/// its findings are about what it says rather than about a NUL between
/// every two letters; it still counts as not UTF-8.
/// CommonMark ends a line at `\r\n`, `\n`, or a `\r` alone; pulldown-cmark,
/// the front matter reader and the line index go by `\n`. Each lone `\r`
/// becomes a `\n`, which keeps every byte offset the file's own (a fix is
/// applied to the file as read, its line endings kept). Returns the offset
/// of the first.
fn lone_crs_to_line_feeds(text: &mut String) -> Option<usize> {
    let bytes = text.as_bytes();
    let lone: Vec<usize> = memchr::memchr_iter(b'\r', bytes)
        .filter(|&i| bytes.get(i + 1) != Some(&b'\n'))
        .collect();
    let first = *lone.first()?;
    let mut bytes = std::mem::take(text).into_bytes();
    for i in lone {
        bytes[i] = b'\n';
    }
    *text = String::from_utf8(bytes).expect("one ASCII byte for another keeps UTF-8");
    Some(first)
}

fn decode(mut bytes: Vec<u8>) -> (String, bool, Option<usize>, bool) {
    if let Some(little_endian) = match bytes.get(..2) {
        Some([0xFF, 0xFE]) => Some(true),
        Some([0xFE, 0xFF]) => Some(false),
        _ => None,
    } {
        let pairs = bytes[2..].chunks_exact(2);
        let odd_byte = !pairs.remainder().is_empty();
        let units = pairs.map(|pair| {
            let pair = [pair[0], pair[1]];
            if little_endian {
                u16::from_le_bytes(pair)
            } else {
                u16::from_be_bytes(pair)
            }
        });
        let mut text: String = char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect();
        if odd_byte {
            text.push(char::REPLACEMENT_CHARACTER);
        }
        return (text, false, Some(0), true);
    }
    let bom = bytes.starts_with(b"\xEF\xBB\xBF");
    if bom {
        bytes.drain(..3);
    }
    match String::from_utf8(bytes) {
        Ok(text) => (text, bom, None, false),
        Err(error) => {
            let offset = error.utf8_error().valid_up_to() + if bom { 3 } else { 0 };
            let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
            (text, bom, Some(offset), false)
        }
    }
}
