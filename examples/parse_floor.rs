//! The benchmark floor: read every Markdown file under a folder and run
//! pulldown-cmark over it, on all cores, doing nothing else.
//!
//! `cargo run --release --example parse_floor -- DIR`

use rayon::prelude::*;

fn main() {
    let dir = std::env::args().nth(1).expect("usage: parse_floor DIR");
    let files: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() && runbook::workspace::is_markdown(e.path()))
        .map(|e| e.into_path())
        .collect();
    let events: usize = files
        .par_iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            pulldown_cmark::Parser::new_ext(&text, runbook::document::markdown::options()).count()
        })
        .sum();
    println!("{} files, {events} events", files.len());
}
