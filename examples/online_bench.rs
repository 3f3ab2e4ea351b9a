//! Benchmark for `runbook lint --online`: 500 distinct URLs on a local
//! server that answers each after 50 ms, checked once from the network and
//! once from the cache. Run it with `bench/online.sh`.
//!
//! Usage: online_bench <path to the runbook binary>

// The test server is shared with `tests/online.rs`; this uses part of it.
#[allow(dead_code)]
#[path = "../tests/common/server.rs"]
mod server;

use std::process::Command;
use std::time::{Duration, Instant};

use server::{Reply, Server};

const URLS: usize = 500;
const FILES: usize = 50;
const DELAY: Duration = Duration::from_millis(50);

fn main() {
    let Some(binary) = std::env::args().nth(1) else {
        eprintln!("usage: online_bench <path to the runbook binary>");
        std::process::exit(2);
    };
    let server = Server::start(|_, _| Reply::html("<html><body>ok</body></html>").delay(DELAY));
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("book.toml"), "[book]\nsrc = \"content\"\n").expect("book.toml");
    let content = dir.path().join("content");
    std::fs::create_dir(&content).expect("content");
    for file in 0..FILES {
        let mut text = String::from(
            "---\nowner: sre\nlast_reviewed: 2026-11-01\nstatus: authoritative\n---\n# Bench\n\n",
        );
        for n in (file..URLS).step_by(FILES) {
            text.push_str(&format!(
                "- [page {n}]({})\n",
                server.url(&format!("/page/{n}"))
            ));
        }
        text.push_str("\n## Rollback\n\nNothing to undo.\n");
        std::fs::write(content.join(format!("r{file:02}.md")), text).expect("runbook");
    }

    let run = |label: &str| {
        let start = Instant::now();
        let output = Command::new(&binary)
            .current_dir(dir.path())
            .args(["lint", "--online", "--today", "2026-11-25"])
            .env_remove("HTTP_PROXY")
            .env_remove("http_proxy")
            .output()
            .expect("run runbook");
        let took = start.elapsed();
        if !output.status.success() {
            eprintln!("{}", String::from_utf8_lossy(&output.stdout));
            eprintln!("{}", String::from_utf8_lossy(&output.stderr));
            panic!("{label}: runbook exited with {}", output.status);
        }
        println!(
            "{label:<12} {:>6} ms  ({} requests so far)",
            took.as_millis(),
            server.requests().len()
        );
        took
    };
    println!(
        "{URLS} distinct URLs in {FILES} runbooks, each answered after {} ms",
        DELAY.as_millis()
    );
    let cold = run("network");
    let warm = run("cache");
    assert_eq!(
        server.requests().len(),
        URLS,
        "one request per URL, none from cache"
    );
    println!(
        "targets: network < 3000 ms ({}), cache < 100 ms ({})",
        verdict(cold < Duration::from_secs(3)),
        verdict(warm < Duration::from_millis(100))
    );
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "MISSED" }
}
