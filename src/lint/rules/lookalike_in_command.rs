//! A character that looks like ASCII but is not, in a command (`lookalike-in-command`)
//!
//! ## What it checks
//! Characters in command blocks that word processors, wikis and chat
//! clients put in place of the ones the shell needs:
//! - an en dash, em dash or minus sign starting a word (`–dry-run`);
//! - curly quotes (`“$DB”`), outside quotes and except an apostrophe
//!   inside a word (`don’t`);
//! - a no-break or other Unicode space outside quotes;
//! - a zero-width space, joiner or word joiner anywhere but in a comment.
//!
//! ## Why it matters
//! They look right on the page and change what runs. `–dry-run` is an
//! argument, not an option: at best the command stops on it, at worst it
//! takes it for a name and runs for real. `“$DB”` is not quoted, and the
//! quotes become part of the value; a no-break space glues two words into
//! one; a zero-width space turns `kubectl` into a command that is not
//! found, in the middle of an incident.
//!
//! ## Example
//! ```markdown
//! ~~~bash
//! kubectl drain “$NODE” –dry-run=server
//! ~~~
//! ```
//!
//! ## Fix
//! ```markdown
//! ~~~bash
//! kubectl drain "$NODE" --dry-run=server
//! ~~~
//! ```
//!
//! `--fix` straightens quotes, turns Unicode spaces into spaces and deletes
//! zero-width characters. A dash is left for you: whether `–n` was `-n` or
//! `--n` is a guess the help makes but `--fix` does not.

crate::rule!("lookalike-in-command", Error, None);

/// How a character misleads the shell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lookalike {
    /// A dash that is not `-`.
    Dash,
    /// A curly quote, and the ASCII quote it stands for.
    Quote(char),
    /// A space the shell does not split words on.
    Space,
    /// An invisible character of no width.
    ZeroWidth,
}

use Lookalike::*;

/// Every character the rule knows, with its Unicode name for the message.
static TABLE: &[(char, Lookalike, &str)] = &[
    ('\u{00A0}', Space, "NO-BREAK SPACE"),
    ('\u{2000}', Space, "EN QUAD"),
    ('\u{2001}', Space, "EM QUAD"),
    ('\u{2002}', Space, "EN SPACE"),
    ('\u{2003}', Space, "EM SPACE"),
    ('\u{2004}', Space, "THREE-PER-EM SPACE"),
    ('\u{2005}', Space, "FOUR-PER-EM SPACE"),
    ('\u{2006}', Space, "SIX-PER-EM SPACE"),
    ('\u{2007}', Space, "FIGURE SPACE"),
    ('\u{2008}', Space, "PUNCTUATION SPACE"),
    ('\u{2009}', Space, "THIN SPACE"),
    ('\u{200A}', Space, "HAIR SPACE"),
    ('\u{200B}', ZeroWidth, "ZERO WIDTH SPACE"),
    ('\u{200C}', ZeroWidth, "ZERO WIDTH NON-JOINER"),
    ('\u{200D}', ZeroWidth, "ZERO WIDTH JOINER"),
    ('\u{2010}', Dash, "HYPHEN"),
    ('\u{2011}', Dash, "NON-BREAKING HYPHEN"),
    ('\u{2012}', Dash, "FIGURE DASH"),
    ('\u{2013}', Dash, "EN DASH"),
    ('\u{2014}', Dash, "EM DASH"),
    ('\u{2015}', Dash, "HORIZONTAL BAR"),
    ('\u{2018}', Quote('\''), "LEFT SINGLE QUOTATION MARK"),
    ('\u{2019}', Quote('\''), "RIGHT SINGLE QUOTATION MARK"),
    ('\u{201A}', Quote('\''), "SINGLE LOW-9 QUOTATION MARK"),
    (
        '\u{201B}',
        Quote('\''),
        "SINGLE HIGH-REVERSED-9 QUOTATION MARK",
    ),
    ('\u{201C}', Quote('"'), "LEFT DOUBLE QUOTATION MARK"),
    ('\u{201D}', Quote('"'), "RIGHT DOUBLE QUOTATION MARK"),
    ('\u{201E}', Quote('"'), "DOUBLE LOW-9 QUOTATION MARK"),
    (
        '\u{201F}',
        Quote('"'),
        "DOUBLE HIGH-REVERSED-9 QUOTATION MARK",
    ),
    ('\u{202F}', Space, "NARROW NO-BREAK SPACE"),
    ('\u{205F}', Space, "MEDIUM MATHEMATICAL SPACE"),
    ('\u{2060}', ZeroWidth, "WORD JOINER"),
    ('\u{2212}', Dash, "MINUS SIGN"),
    ('\u{3000}', Space, "IDEOGRAPHIC SPACE"),
    ('\u{FE63}', Dash, "SMALL HYPHEN-MINUS"),
    ('\u{FEFF}', ZeroWidth, "ZERO WIDTH NO-BREAK SPACE"),
    ('\u{FF0D}', Dash, "FULLWIDTH HYPHEN-MINUS"),
];

/// What the character is, and its Unicode name; `None` for any other.
pub fn classify(c: char) -> Option<(Lookalike, &'static str)> {
    if c.is_ascii() {
        return None;
    }
    TABLE
        .binary_search_by_key(&c, |(t, _, _)| *t)
        .ok()
        .map(|i| (TABLE[i].1, TABLE[i].2))
}
