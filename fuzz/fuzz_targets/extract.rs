//! Command blocks from an arbitrary document: finding the blocks, the shell
//! scan, placeholders and the script never panic; every offset lies inside
//! the code it points into; every placeholder of a step becomes a variable
//! the script asks for; and nothing from the page escapes the script's
//! comment header. (`bash -n` itself runs in `tests/properties.rs`: a
//! process per input is too slow here.)
#![no_main]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use runbook::config::{Config, Settings};
use runbook::document::Document;
use runbook::document::include::Problem;
use runbook::extract::analysis::{self, Block};
use runbook::extract::findings;
use runbook::extract::script::{self, function_name};
use runbook::extract::shell::{self, valid_name};

static SETTINGS: LazyLock<Settings> = LazyLock::new(|| {
    Settings::from_config(Config::default(), None, PathBuf::from("."), Vec::new())
        .expect("default settings")
});

const INCLUDED: &str = "rm -rf /srv/<app>/cache\npsql -c 'DROP TABLE x' \"$UNSET\"\n# ANCHOR: x\nexport TOKEN=hunter2hunter2";
/// A saved session: a transcript block that includes it runs its `$ ` lines.
const SESSION: &str = "$ kubectl get pods -n <ns>\nNAME   READY\n$ cat <<EOF | rm -rf /srv/\"$UNSET\"\n> x\n> EOF\nout \\\n$ echo é";

/// A byte offset into `text` that slicing may use.
fn at(text: &str, offset: usize, what: &str) {
    assert!(offset <= text.len(), "{what} at {offset} past the end");
    assert!(
        text.is_char_boundary(offset),
        "{what} at {offset} inside a character"
    );
}

fn check_block(text: &str, block: &Block, name: &str) {
    let cmd = &block.cmd;
    let code_block = cmd.block;
    assert!(code_block.range.start <= code_block.range.end);
    assert!(code_block.range.end <= text.len());
    assert!(!name.is_empty() && name.len() <= 60, "{name:?}");
    assert!(valid_name(&function_name(name)), "{name:?}");
    // Placeholders are replaced in place: line numbers still apply.
    assert_eq!(
        cmd.code.matches('\n').count(),
        block.code.matches('\n').count(),
        "substitution moved lines"
    );
    for p in &block.placeholders {
        at(&cmd.code, p.offset, "placeholder");
        assert_eq!(
            cmd.code.get(p.offset..p.offset + p.text.len()),
            Some(p.text.as_str())
        );
        assert!(valid_name(&p.var), "{:?} is not a variable name", p.var);
        let asked = format!("${{{}:?", p.var);
        assert!(
            block.code.contains(&asked),
            "{:?} not replaced by {asked}",
            p.text
        );
    }
    let scan = &block.scan;
    if let Some(error) = &scan.error {
        at(&block.code, error.offset, "syntax error");
    }
    for read in &scan.reads {
        at(&block.code, read.offset, "variable read");
        assert!(valid_name(&read.name), "read of {:?}", read.name);
    }
    for range in scan.redirects.iter().chain(&scan.inputs) {
        assert!(range.start <= range.end, "{range:?} backwards");
        at(&block.code, range.start, "redirect");
        at(&block.code, range.end, "redirect end");
    }
    // The lexer on the original code: the same bounds.
    let original = shell::scan(&cmd.code);
    if let Some(error) = &original.error {
        at(&cmd.code, error.offset, "syntax error");
    }
}

fuzz_target!(|bytes: &[u8]| {
    let settings = &*SETTINGS;
    let mut doc = Document::parse(
        PathBuf::from("runbooks/fuzz.md"),
        "fuzz.md".to_string(),
        bytes.to_vec(),
        &settings.aliases,
    );
    // What `{{#include}}` directives bring in, as the workspace would read
    // it: commands with findings of their own, or nothing.
    let includes = doc.body.code_blocks.iter_mut().flat_map(|b| &mut b.includes);
    for (n, inc) in includes.enumerate() {
        inc.read = Some(match n % 4 {
            0 => Ok(INCLUDED.to_string()),
            1 => Ok(String::new()),
            2 => Ok(SESSION.to_string()),
            _ => Err(Problem::NoAnchor),
        });
    }
    let rb = analysis::analyze(&doc, &settings.checks);
    for (i, block) in rb.blocks.iter().enumerate() {
        check_block(&doc.text, block, rb.name(i));
        // A Markdown line for each line of code (and one for an empty
        // block, whose fence is where its step is).
        let lines = block.cmd.code.lines().count();
        assert!(
            (lines..=lines.max(1)).contains(&block.cmd.lines.len()),
            "{lines} lines of code, {} Markdown lines",
            block.cmd.lines.len()
        );
    }
    findings::each(&rb, settings, &mut |f| {
        assert!(f.span.start.offset <= f.span.end.offset, "{f:?}");
        at(&doc.text, f.span.end.offset, "finding");
    });
    for block in rb.blocks.iter().filter(|b| b.runnable()) {
        for p in &block.placeholders {
            assert!(rb.needs.contains_key(&p.var), "{} not in the header", p.var);
        }
    }
    let script = script::render(&rb, &BTreeMap::new());
    let lines: Vec<&str> = script.text.lines().collect();
    assert_eq!(lines.len(), script.origin.len(), "origin out of step");
    assert!(script.text.ends_with("runbook_main \"$@\"\n"));
    // The header (title, owner, file name, placeholders) is all comments.
    let body = lines
        .iter()
        .position(|l| *l == "set -euo pipefail")
        .expect("no `set -euo pipefail`");
    for line in &lines[1..body] {
        assert!(
            line.starts_with('#'),
            "header line {line:?} is not a comment"
        );
    }
    for (index, range) in &script.functions {
        assert!(*index < rb.blocks.len());
        assert!(range.start >= 1 && range.start < range.end && range.end <= lines.len() + 1);
        let name = rb.name(*index);
        assert_eq!(
            lines[range.start - 1],
            format!("{}() {{", function_name(name))
        );
    }
    for (line, origin) in script.origin.iter().enumerate() {
        if let Some((block, _)) = origin {
            assert!(*block < rb.blocks.len());
        }
        let _ = script.origin_of(line + 1);
    }
});
