//! mdBook's includes inside included files, and its escape: never panic,
//! never loop, never bring in more than the budget nor read past the scan
//! cap, and read the same way twice. The input is up to twelve files split
//! at NUL bytes: `rb/0.sh` to `rb/5.sh`, then `rb/d/6.sh` to `rb/d/11.sh`
//! (so `../` and `d/` paths lead somewhere); the runbook includes `0.sh`.
#![no_main]

use std::path::{Path, PathBuf};

use libfuzzer_sys::fuzz_target;
use runbook::document::include::{
    self, Files, MAX_DEPTH, MAX_SCANNED_BYTES, Part, Problem, Reader,
};

struct Memory {
    files: Vec<(PathBuf, String)>,
    reads: usize,
}

impl Files for Memory {
    fn resolve(&mut self, folder: &Path, written: &str) -> Result<PathBuf, Problem> {
        if Path::new(written).has_root() {
            return Err(Problem::Absolute);
        }
        Ok(runbook::workspace::normalize(&folder.join(written)))
    }

    fn text(&mut self, path: &Path) -> Result<&str, Problem> {
        self.reads += 1;
        match self.files.iter().find(|(p, _)| p == path) {
            Some((_, text)) => Ok(text),
            None => Err(Problem::Missing(None)),
        }
    }
}

const LEFT: usize = 64 * 1024;

fn bring(text: &str) -> (Result<String, Problem>, Vec<PathBuf>, usize) {
    let files = text
        .split('\0')
        .take(12)
        .enumerate()
        .map(|(n, t)| {
            let folder = if n < 6 { "rb" } else { "rb/d" };
            (PathBuf::from(format!("{folder}/{n}.sh")), t.to_string())
        })
        .collect();
    let mut memory = Memory { files, reads: 0 };
    let mut named = Vec::new();
    let out = Reader::new(&mut memory).bring_in(Path::new("rb"), "0.sh", &Part::All, LEFT, &mut named);
    (out, named, memory.reads)
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (out, named, reads) = bring(&text);
    // Every read is paid for from the scan cap, at 256 bytes at least.
    assert!(reads <= MAX_SCANNED_BYTES / 256 + 1, "{reads} reads");
    assert!(named.len() <= reads + 1 + MAX_DEPTH, "{} named, {reads} reads", named.len());
    match &out {
        Ok(text) => assert!(text.len() <= LEFT, "{} bytes", text.len()),
        Err(problem) => {
            let mut depth = 0;
            let mut problem = problem;
            while let Problem::Nested { problem: inner, .. } = problem {
                depth += 1;
                problem = inner;
            }
            assert!(depth < MAX_DEPTH, "nested {depth} deep");
            assert!(!matches!(problem, Problem::Nested { .. }));
        }
    }
    assert_eq!(bring(&text).0, out, "read twice, read differently");

    // The escape: within its line, and gone from the text shown.
    for line in text.split_inclusive('\n') {
        if let Some(escape) = include::escape_in_line(line) {
            assert!(escape.end <= line.len() && line[escape.clone()].starts_with("\\{{#"));
            assert!(line[escape].ends_with("}}"));
        }
    }
    let shown = include::unescape(&text);
    let escapes = text
        .split_inclusive('\n')
        .filter(|l| include::escape_in_line(l).is_some())
        .count();
    assert_eq!(shown.len() + escapes, text.len());
});
