//! Invisible characters that reorder text (`bidi-control`)
//!
//! ## What it checks
//! The Unicode bidirectional embedding, override and isolate controls
//! (U+202A to U+202E, U+2066 to U+2069) anywhere in a runbook: front
//! matter, prose and command blocks. One finding per line that holds them.
//!
//! ## Why it matters
//! They are invisible and make an editor, a diff or the built site show
//! characters in another order than the one they are stored, copied and
//! run in ("Trojan Source", CVE-2021-42574). A reviewer reads
//! `echo "done" # cleanup` while the shell runs something else, and a
//! pasted command does not do what the page shows. Right-to-left prose
//! needs none of them: the Unicode algorithm orders Arabic and Hebrew
//! text by itself.
//!
//! ## Example
//! A line that shows as `rm -rf "$TMP_DIR" # old cache`, with a U+202E
//! (RIGHT-TO-LEFT OVERRIDE) hidden in it.
//!
//! ## Fix
//! Delete the controls (`--fix` does), then read the line again: what is
//! left is what was really there.

use crate::diagnostic::{Edit, Fix};
use crate::document::Document;
use crate::lint::{Context, Sink};

crate::rule!("bidi-control", Error, Some(check));

/// The characters that change display order: embeddings (LRE, RLE),
/// overrides (LRO, RLO), their terminator (PDF) and the isolates (LRI, RLI,
/// FSI, PDI). Marks (LRM, RLM) are left alone: they only nudge neutral
/// characters and belong to ordinary right-to-left text.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

pub fn name(c: char) -> &'static str {
    match c {
        '\u{202A}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202B}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202C}' => "POP DIRECTIONAL FORMATTING",
        '\u{202D}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202E}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        _ => "POP DIRECTIONAL ISOLATE",
    }
}

fn check(doc: &Document, _cx: &Context, sink: &mut Sink) {
    // Every control is three bytes starting 0xE2, a byte memchr finds
    // faster than a walk over the characters of a non-ASCII file.
    let text = &doc.text;
    let mut found = memchr::memchr_iter(0xE2, text.as_bytes())
        .filter_map(|at| Some((at, text.get(at..)?.chars().next()?)))
        .filter(|(_, c)| is_bidi_control(*c))
        .peekable();
    while let Some((first, c)) = found.next() {
        let line = doc.lines.line_of(first);
        let mut edits = vec![remove(first, c)];
        let mut last = first + c.len_utf8();
        while let Some(&(at, c)) = found.peek() {
            if doc.lines.line_of(at) != line {
                break;
            }
            edits.push(remove(at, c));
            last = at + c.len_utf8();
            found.next();
        }
        let count = edits.len();
        let what = if count == 1 {
            format!("an invisible U+{:04X} ({})", c as u32, name(c))
        } else {
            format!(
                "{count} invisible bidirectional controls (the first U+{:04X}, {})",
                c as u32,
                name(c)
            )
        };
        sink.report(
            ID,
            doc.span(first..last),
            format!("{what} on this line: it is shown in another order than it is stored and run"),
        )
        .help("delete the controls and read the line again; right-to-left text needs none of them")
        .fix(Fix {
            description: "delete the bidirectional controls".into(),
            edits,
        });
    }
}

fn remove(at: usize, c: char) -> Edit {
    Edit {
        start: at,
        end: at + c.len_utf8(),
        replacement: String::new(),
    }
}
