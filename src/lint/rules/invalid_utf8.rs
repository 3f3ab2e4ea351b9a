//! Text or a file name that is not valid UTF-8 (`invalid-utf8`)
//!
//! ## What it checks
//! Every byte of the file is UTF-8. The rest of the file is still checked,
//! read with replacement characters, and so is the rest of the tree. A file
//! that starts with a UTF-16 byte order mark is read as UTF-16 and reported
//! once as such. A runbook or folder whose name is not UTF-8 is reported
//! and not read.
//!
//! ## Why it matters
//! A file saved as Latin-1 or Windows-1252 shows `Ã©` or `�` on the
//! portal, and its links and anchors with such characters break. A name
//! that is not UTF-8 cannot be written in a link, and `a\xE9.md` and
//! `a\xFF.md` would both be shown and published as `a�.md`.
//!
//! ## Example
//! ```text
//! caf\xE9 (Latin-1)
//! ```
//!
//! ## Fix
//! Re-save the file as UTF-8: `iconv -f WINDOWS-1252 -t UTF-8 in.md > out.md`
//! (`-f UTF-16` for a UTF-16 file; in Windows PowerShell 5, write it with
//! `Set-Content -Encoding utf8` rather than `>`).
//! Rename a file whose name is not: `mv $'caf\xE9.md' café.md`.

use crate::document::Document;
use crate::lint::{Context, Sink};

crate::rule!("invalid-utf8", Error, Some(check));

/// Also run by `runbook verify`: the commands of such a file are not the
/// bytes its author wrote, and `runbook extract` refuses to write them.
pub fn check(doc: &Document, _cx: &Context, sink: &mut Sink) {
    let Some(offset) = doc.invalid_utf8 else {
        return;
    };
    let in_text = offset.saturating_sub(if doc.bom { 3 } else { 0 });
    let span = doc.span(in_text..in_text);
    if doc.utf16 {
        sink.report(
            ID,
            span,
            "the file is UTF-16 (it starts with a UTF-16 byte order mark), not UTF-8; read as UTF-16"
                .to_string(),
        )
        .help(
            "re-save it as UTF-8: `iconv -f UTF-16 -t UTF-8 in.md > out.md` \
             (Windows PowerShell 5 writes UTF-16 with `>`; use `Set-Content -Encoding utf8`)",
        );
        return;
    }
    sink.report(
        ID,
        span,
        format!("not valid UTF-8 at byte {offset}; read with replacement characters"),
    )
    .help("re-save the file as UTF-8, e.g. `iconv -f WINDOWS-1252 -t UTF-8`");
}
