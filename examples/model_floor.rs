//! The second benchmark floor: read every Markdown file under a folder and
//! build runbook's document model of it (front matter through serde-saphyr,
//! the Markdown model over pulldown-cmark), on all cores, with no rule run.
//! What `runbook lint` spends above this is the rules' own cost.
//!
//! `cargo run --release --example model_floor -- DIR`

use std::path::Path;

use rayon::prelude::*;
use runbook::config::Settings;
use runbook::document::Document;

fn main() {
    let dir = std::env::args().nth(1).expect("usage: model_floor DIR");
    let settings = Settings::discover(Path::new(&dir)).expect("book.toml");
    let files: Vec<_> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() && runbook::workspace::is_markdown(e.path()))
        .map(|e| e.into_path())
        .collect();
    let headings: usize = files
        .par_iter()
        .map(|path| {
            let bytes = std::fs::read(path).unwrap_or_default();
            let doc = Document::parse(path.clone(), String::new(), bytes, &settings.aliases);
            doc.body.headings.len()
        })
        .sum();
    println!("{} files, {headings} headings", files.len());
}
