//! Byte offsets to `line:column`, the coordinates every diagnostic speaks in.

use std::sync::OnceLock;

/// A position in a file: 1-based line and column (columns count characters,
/// as editors do), plus the byte offset it came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
    pub offset: usize,
}

/// A range between two positions; `end` is exclusive.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: Pos,
    pub end: Pos,
}

/// Bytes per checkpoint of the character count.
const CHUNK: usize = 1024;

/// Start offsets of every line, built once per file.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// Characters before each `CHUNK`-byte boundary: a column is then
    /// counted from the nearest checkpoint, not from the start of its line,
    /// so a 9 MB line with a link every few bytes stays linear. Built on
    /// first use: only a position more than `CHUNK` bytes into its line
    /// needs it, and counting every character of every file cost 3% of a lint.
    chars_before: OnceLock<Vec<usize>>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = Vec::with_capacity(text.len() / 40 + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex {
            starts,
            chars_before: OnceLock::new(),
        }
    }

    /// Characters in `text[..offset]`, for an offset on a character boundary.
    /// `text` is the one the index was built from.
    fn chars_up_to(&self, text: &str, offset: usize) -> usize {
        let chars_before = self.chars_before.get_or_init(|| {
            let mut chars_before = Vec::with_capacity(text.len() / CHUNK + 1);
            let mut count = 0;
            for chunk in text.as_bytes().chunks(CHUNK) {
                chars_before.push(count);
                count += count_chars(chunk);
            }
            chars_before.push(count);
            chars_before
        });
        let chunk = offset / CHUNK;
        chars_before[chunk] + count_chars(&text.as_bytes()[chunk * CHUNK..offset])
    }

    /// Number of lines (a trailing newline does not start a new one).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// 0-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }

    /// Byte offset where the 0-based line starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(usize::MAX)
    }

    pub fn pos(&self, text: &str, offset: usize) -> Pos {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let start = self.starts[line];
        // Short prefixes (nearly every line) are counted directly; the
        // checkpoints keep a position deep in a huge line linear.
        let col = if offset - start <= CHUNK {
            count_chars(&text.as_bytes()[start..offset]) + 1
        } else {
            self.chars_up_to(text, offset) - self.chars_up_to(text, start) + 1
        };

        Pos {
            line: line + 1,
            col,
            offset,
        }
    }

    pub fn span(&self, text: &str, range: std::ops::Range<usize>) -> Span {
        Span {
            start: self.pos(text, range.start),
            end: self.pos(text, range.end),
        }
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line_text<'a>(&self, text: &'a str, line: usize) -> &'a str {
        let Some(&start) = self.starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = self
            .starts
            .get(line)
            .copied()
            .unwrap_or(text.len())
            .min(text.len());
        text[start..end].trim_end_matches(['\n', '\r'])
    }
}

/// Characters in UTF-8 bytes: every byte that does not continue a character
/// starts one. Works on slices that cut a character.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

pub fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters() {
        let text = "ab\r\nçd\nlast";
        let index = LineIndex::new(text);
        assert_eq!(
            index.pos(text, 0),
            Pos {
                line: 1,
                col: 1,
                offset: 0
            }
        );
        assert_eq!(index.pos(text, 4).line, 2);
        assert_eq!(index.pos(text, 6).col, 2); // after the two-byte ç
        assert_eq!(index.line_text(text, 1), "ab");
        assert_eq!(index.line_text(text, 3), "last");
        assert_eq!(index.line_text(text, 9), "");
    }
}
