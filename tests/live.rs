//! `runbook serve` as a writing loop, end to end: a real server process on
//! a free loopback port, real file changes in a temporary tree, and plain
//! HTTP/1.1 clients reading the event stream. Every wait is bounded, so a
//! hang fails the test instead of stalling CI.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(20);

/// A running `runbook serve` on a copy of the site fixture; killed on drop.
struct Serve {
    child: Child,
    addr: SocketAddr,
    dir: tempfile::TempDir,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

impl Serve {
    fn start() -> Serve {
        Serve::start_with(|_| {})
    }

    /// Starts on the fixture after `prepare` changed the copy.
    fn start_with(prepare: impl FnOnce(&Path)) -> Serve {
        let dir = tempfile::tempdir().unwrap();
        common::copy_dir(&common::fixtures().join("site"), dir.path());
        std::fs::create_dir(dir.path().join("templates")).unwrap();
        prepare(dir.path());
        Serve::spawn(dir)
    }

    /// Stops the server and starts another on the same tree.
    fn restart(mut self) -> Serve {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let dir = std::mem::replace(&mut self.dir, tempfile::tempdir().unwrap());
        Serve::spawn(dir)
    }

    fn spawn(dir: tempfile::TempDir) -> Serve {
        let mut child = Command::new(env!("CARGO_BIN_EXE_runbook"))
            .args(["serve", "--port", "0", "--today", common::TODAY])
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&stdout);
        let mut out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n @ 1..) = out.read(&mut buf) {
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let (found, addr) = std::sync::mpsc::channel();
        let err = child.stderr.take().unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let said = Arc::clone(&stderr);
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                eprintln!("serve: {line}");
                said.lock().unwrap().push_str(&format!("{line}\n"));
                if let Some(rest) = line.split("http://").nth(1) {
                    let addr = rest.split('/').next().unwrap_or("").to_string();
                    let _ = found.send(addr);
                }
            }
        });
        let addr = addr
            .recv_timeout(WAIT)
            .expect("the server prints its address")
            .parse()
            .unwrap();
        Serve {
            child,
            addr,
            dir,
            stdout,
            stderr,
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Saves `path` as editors do: a temporary file beside the book, then a
    /// rename. A plain write truncates first, and on a loaded machine the
    /// empty file and the full one can fall into two debounce windows, two
    /// real changes where the test expects one.
    fn save(&self, path: impl AsRef<Path>, text: impl AsRef<[u8]>) {
        let temp = self.path(".saving");
        std::fs::write(&temp, text).unwrap();
        std::fs::rename(&temp, path).unwrap();
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One request, the path sent as written; returns status and body.
fn get(addr: SocketAddr, path: &str) -> (u16, String) {
    let response = common::client::get(addr, path);
    (response.status, response.text())
}

/// A client of `/__runbook/events`, listening once `hello` arrived.
struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    fn connect(addr: SocketAddr) -> Events {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        write!(
            stream,
            "GET /__runbook/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        let mut events = Events {
            reader: BufReader::new(stream),
        };
        events.next_line_matching(|l| l == "event: hello");
        events
    }

    fn next_line_matching(&mut self, wanted: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + WAIT;
        let mut line = String::new();
        while Instant::now() < deadline {
            line.clear();
            match self.reader.read_line(&mut line) {
                Ok(0) => panic!("the event stream ended"),
                Ok(_) if wanted(line.trim_end()) => return line.trim_end().to_string(),
                Ok(_) => {}
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(e) => panic!("reading events: {e}"),
            }
        }
        panic!("no matching event within {WAIT:?}");
    }

    /// The next message that satisfies `wanted`, as JSON.
    fn message(&mut self, wanted: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            let line = self.next_line_matching(|l| l.starts_with("data: {"));
            let value: serde_json::Value = serde_json::from_str(&line["data: ".len()..]).unwrap();
            if wanted(&value) {
                return value;
            }
        }
        panic!("no matching message within {WAIT:?}");
    }
}

/// Waits, within [`WAIT`], until `done` holds; fails naming `what`. A save
/// may reach the server as more than one rebuild, each with its own reload,
/// so a test that saves twice waits for what the page says, not for the
/// next reload.
fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + WAIT;
    while !done() {
        assert!(Instant::now() < deadline, "not within {WAIT:?}: {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn reloads(page: &'static str) -> impl Fn(&serde_json::Value) -> bool {
    move |m| {
        m["scope"] == "all"
            || m["pages"]
                .as_array()
                .is_some_and(|p| p.iter().any(|u| u == page))
    }
}

#[test]
fn a_save_reloads_the_page_with_the_new_text_and_its_findings() {
    let serve = Serve::start();
    let (status, before) = get(serve.addr, "/db/restore.html");
    assert_eq!(status, 200);
    assert!(
        before.contains("/__runbook/live.js"),
        "served HTML gets the script"
    );
    let mut events = Events::connect(serve.addr);

    let file = serve.path("content/db/restore.md");
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str("\nFreshly written zebra words, see [gone](no-such-file.md).\n");
    serve.save(&file, text);

    let message = events.message(reloads("db/restore.html"));
    let findings = message["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["rule"] == "broken-link"
                && f["path"].as_str().unwrap().ends_with("restore.md")),
        "{message}"
    );
    let (status, after) = get(serve.addr, "/db/restore.html");
    assert_eq!(status, 200);
    assert!(after.contains("Freshly written zebra words"));
    let (_, state) = get(serve.addr, "/__runbook/state");
    assert!(state.contains("broken-link"), "{state}");
    eventually("findings print in the terminal", || {
        serve.stdout.lock().unwrap().contains("error[broken-link]")
    });
}

/// A runbook's new title shows in the "Related runbooks" of the pages that
/// list it in `related:` (audit 9, L10).
#[test]
fn a_new_title_shows_where_the_runbook_is_related() {
    let serve = Serve::start();
    let (_, before) = get(serve.addr, "/payments/failover.html");
    assert!(
        before.contains(">Restore a Ledger database from backup</a></li>"),
        "{before}"
    );
    let mut events = Events::connect(serve.addr);
    let file = serve.path("content/db/restore.md");
    let text = std::fs::read_to_string(&file).unwrap().replace(
        "title: Restore a Ledger database from backup",
        "title: Bring the Ledger database back",
    );
    serve.save(&file, text);
    events.message(reloads("payments/failover.html"));
    let (_, after) = get(serve.addr, "/payments/failover.html");
    assert!(
        after.contains(">Bring the Ledger database back</a></li>"),
        "{after}"
    );
}

#[test]
fn deleting_a_runbook_rechecks_the_pages_linking_to_it() {
    let serve = Serve::start();
    let mut events = Events::connect(serve.addr);
    let (_, linked) = get(serve.addr, "/payments/failover.html");
    std::fs::remove_file(serve.path("content/db/restore.md")).unwrap();
    let message = events.message(|m| m["scope"] == "pages");
    let findings = message["findings"].to_string();
    assert!(findings.contains("broken-link"), "{message}");
    assert_eq!(get(serve.addr, "/db/restore.html").0, 404);
    let (_, after) = get(serve.addr, "/payments/failover.html");
    assert_ne!(linked, after, "the linking page shows its new finding");
    // The index follows without the runbook.
    events.message(|m| m["scope"] == "site" || m["scope"] == "all");
    let (_, index) = get(serve.addr, "/index.html");
    assert!(!index.contains("Restore a Ledger database"));
}

#[test]
fn a_folder_link_follows_its_folder_gaining_a_runbook_and_a_readme() {
    let serve = Serve::start_with(|dir| {
        std::fs::create_dir(dir.join("content/cache")).unwrap();
        std::fs::write(dir.join("content/cache/notes.txt"), "x\n").unwrap();
        let file = dir.join("content/db/restore.md");
        let text = std::fs::read_to_string(&file).unwrap();
        std::fs::write(&file, format!("{text}\nSee [the cache](../cache).\n")).unwrap();
    });
    let href = || {
        let (_, page) = get(serve.addr, "/db/restore.html");
        let at = page.find(">the cache</a>").expect("the link");
        let start = page[..at].rfind("href=\"").unwrap() + "href=\"".len();
        page[start..page[start..].find('"').unwrap() + start].to_string()
    };
    let becomes =
        |wanted: &str| eventually(&format!("the link becomes {wanted}"), || href() == wanted);
    // No runbook in the folder: the site has nothing for it.
    assert_eq!(href(), "../cache");
    let runbook = std::fs::read_to_string(serve.path("content/db/restore.md")).unwrap();
    serve.save(serve.path("content/cache/flush.md"), &runbook);
    becomes("../index.html#rb:folder:cache");
    serve.save(serve.path("content/cache/README.md"), &runbook);
    becomes("../cache/README.html");
}

/// HEAD says the length GET sends, the live script included.
#[test]
fn head_gives_the_length_of_the_page_served() {
    use std::io::{Read, Write};
    let serve = Serve::start();
    let (status, page) = get(serve.addr, "/db/restore.html");
    assert_eq!(status, 200);
    assert!(page.contains("__runbook"));
    let mut stream = std::net::TcpStream::connect(serve.addr).unwrap();
    write!(
        stream,
        "HEAD /db/restore.html HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        serve.addr
    )
    .unwrap();
    let mut head = String::new();
    stream.read_to_string(&mut head).unwrap();
    let length = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().to_string())
        })
        .unwrap_or_else(|| panic!("{head}"));
    assert_eq!(length, page.len().to_string(), "{head}");
}

#[test]
fn a_plain_build_has_no_reload_script() {
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("site");
    let dest_arg = dest.to_str().unwrap();
    let output = common::runbook(
        &common::fixtures().join("site"),
        &["build", "--dest", dest_arg, "--today", common::TODAY],
    );
    assert!(output.status.success(), "{}", common::stderr(&output));
    let mut html = 0;
    for entry in walkdir::WalkDir::new(&dest).into_iter().flatten() {
        if entry.path().extension().is_some_and(|e| e == "html") {
            html += 1;
            let text = std::fs::read_to_string(entry.path()).unwrap();
            assert!(!text.contains("__runbook"), "{}", entry.path().display());
        }
    }
    assert!(html >= 4);
}

#[test]
fn paths_out_of_the_site_are_404_while_serving() {
    let serve = Serve::start();
    for path in [
        "/../book.toml",
        "/%2e%2e/book.toml",
        "/%2E%2E/%2E%2E/book.toml",
        "/..%2fbook.toml",
        "/db%2f..%2f..%2fbook.toml",
        "/__runbook/../../book.toml",
    ] {
        let (status, body) = get(serve.addr, path);
        assert_eq!(status, 404, "{path}");
        assert!(!body.contains("[lint]"), "{path}");
    }
}

/// With `site-url` set for the portal, the server still shows the site at
/// its root: the 404 page's links lead to pages it serves.
#[test]
fn the_404_page_links_to_this_server_whatever_site_url_says() {
    let serve = Serve::start_with(|dir| {
        let book = dir.join("book.toml");
        let text = std::fs::read_to_string(&book).unwrap();
        std::fs::write(
            &book,
            text.replace("[build]", "[build]\nsite-url = \"/runbooks/\""),
        )
        .unwrap();
    });
    let (status, body) = get(serve.addr, "/db/no-such-page.html");
    assert_eq!(status, 404);
    let links: Vec<String> = common::html::elements(&body)
        .iter()
        .filter(|e| e.name == "a")
        .filter_map(|e| e.attr("href").map(str::to_string))
        .filter(|href| href.starts_with('/'))
        .collect();
    assert!(!links.is_empty(), "{body}");
    for href in links {
        assert!(!href.starts_with("/runbooks/"), "{href}");
        let (status, _) = get(serve.addr, &href);
        assert_eq!(status, 200, "{href}");
    }
}

/// A runbook the server knows, replaced in one step by a symlink out of
/// the repository (what a checkout of a hostile branch does), is not read:
/// its page goes, the finding says why, and no file of the site and no
/// page served holds what the link points to.
#[test]
fn a_runbook_swapped_for_a_symlink_out_of_the_repository_is_not_read() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.md");
    std::fs::write(&secret, "# Leaked\n\nTOKEN-zebra-4711\n").unwrap();
    let serve = Serve::start();
    let mut events = Events::connect(serve.addr);
    let file = serve.path("content/db/restore.md");
    let staged = serve.path("content/db/.restore.md.new");
    std::os::unix::fs::symlink(&secret, &staged).unwrap();
    std::fs::rename(&staged, &file).unwrap();

    let message = events.message(|m| m["findings"].to_string().contains("symlink-outside"));
    assert!(!message.to_string().contains("TOKEN-zebra"), "{message}");
    let (status, body) = get(serve.addr, "/db/restore.html");
    assert_eq!(status, 404);
    assert!(!body.contains("TOKEN-zebra"));
    for entry in walkdir::WalkDir::new(serve.dir.path()) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            // The server may still be writing (each file goes through a
            // temporary one renamed over it): one gone since the walk saw
            // it holds nothing now.
            let bytes = match std::fs::read(entry.path()) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                read => read.unwrap(),
            };
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains("TOKEN-zebra"), "{}", entry.path().display());
        }
    }
    let (_, index) = get(serve.addr, "/index.html");
    assert!(!index.contains("TOKEN-zebra") && !index.contains("Leaked"));
}

#[test]
fn a_broken_template_shows_the_error_keeps_the_last_page_and_recovers() {
    let serve = Serve::start();
    let mut events = Events::connect(serve.addr);
    let template = serve.path("templates/runbook.html");
    std::fs::write(
        &template,
        "{% extends \"base.html\" %}{% block main %}{{ <oops> }}{% endblock main %}",
    )
    .unwrap();
    let failed = events.message(|m| !m["error"].is_null());
    assert!(
        failed["error"].as_str().unwrap().contains("runbook.html"),
        "{failed}"
    );
    let (_, state) = get(serve.addr, "/__runbook/state");
    assert!(state.contains("runbook.html"), "{state}");
    let (status, page) = get(serve.addr, "/db/restore.html");
    assert_eq!(status, 200, "the last good page is still served");
    assert!(page.contains("Find the backup"));

    std::fs::write(
        &template,
        "{% extends \"base.html\" %}{% block main %}<p>template-fixed {{ rb.title }}</p>{% endblock main %}",
    )
    .unwrap();
    let recovered = events.message(|m| m["scope"] == "all");
    assert!(recovered["error"].is_null(), "{recovered}");
    let (_, page) = get(serve.addr, "/db/restore.html");
    assert!(page.contains("template-fixed Restore a Ledger database"));
    let (_, state) = get(serve.addr, "/__runbook/state");
    assert!(state.contains("\"error\":null"), "{state}");
}

#[test]
fn twenty_listeners_and_one_that_leaves_mid_stream_all_hear_a_reload() {
    let serve = Serve::start();
    let mut listeners: Vec<Events> = (0..20).map(|_| Events::connect(serve.addr)).collect();
    // One leaves after the stream started, one never reads again.
    let leaving = Events::connect(serve.addr);
    leaving
        .reader
        .get_ref()
        .shutdown(std::net::Shutdown::Both)
        .unwrap();
    drop(leaving);
    let _stalled = Events::connect(serve.addr);

    let file = serve.path("content/network/dns-cutover.md");
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str("\nOne more line.\n");
    serve.save(&file, text);
    for events in &mut listeners {
        events.message(reloads("network/dns-cutover.html"));
    }
}

#[test]
fn an_invalid_book_toml_shows_the_error_and_a_fix_recovers() {
    let serve = Serve::start();
    let mut events = Events::connect(serve.addr);
    let config = serve.path("book.toml");
    let good = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, "[book\ntitle = <script>\n").unwrap();
    let failed = events.message(|m| !m["error"].is_null());
    assert!(
        failed["error"].as_str().unwrap().contains("book.toml"),
        "{failed}"
    );
    assert_eq!(get(serve.addr, "/index.html").0, 200, "still serving");

    serve.save(
        &config,
        good.replace("Ledger runbooks", "Ledger runbooks, fixed"),
    );
    let recovered = events.message(|m| m["scope"] == "all");
    assert!(recovered["error"].is_null(), "{recovered}");
    let (_, index) = get(serve.addr, "/index.html");
    assert!(index.contains("Ledger runbooks, fixed"));
}

#[test]
fn a_runbook_that_turns_unreadable_is_a_finding_and_the_server_keeps_going() {
    let serve = Serve::start();
    let mut events = Events::connect(serve.addr);
    let file = serve.path("content/network/dns-cutover.md");
    let good = std::fs::read(&file).unwrap();
    let mut bad = good.clone();
    bad.extend_from_slice(b"\n\xff\xfe not UTF-8\n");
    serve.save(&file, &bad);
    let message = events.message(|m| m["findings"].to_string().contains("invalid-utf8"));
    assert!(message["error"].is_null(), "{message}");
    serve.save(&file, &good);
    events.message(reloads("network/dns-cutover.html"));
    assert_eq!(get(serve.addr, "/network/dns-cutover.html").0, 200);
}

/// The script in a real browser: the open page reloads by itself with the
/// new text, shows the findings panel (dismissible), and shows the error
/// overlay over the last good page when a template breaks. Needs Chromium
/// (`CHROMIUM=/path`, else /usr/bin/chromium); missing it fails under `CI`
/// and is reported as not run otherwise.
#[test]
fn in_a_browser_the_page_reloads_shows_findings_and_the_error_overlay() {
    use headless_chrome::{Browser, LaunchOptions};
    let chrome = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if !chrome.is_file() {
        assert!(std::env::var_os("CI").is_none(), "CI needs Chromium");
        eprintln!("\n*** live browser test NOT RUN: no Chromium at {chrome:?} ***\n");
        return;
    }
    let serve = Serve::start();
    let profile = tempfile::tempdir().unwrap();
    let browser = Browser::new(LaunchOptions {
        path: Some(chrome),
        headless: true,
        sandbox: false,
        user_data_dir: Some(profile.path().to_path_buf()),
        ..LaunchOptions::default()
    })
    .expect("Chromium starts");
    let tab = browser.new_tab().unwrap();
    tab.navigate_to(&format!("http://{}/db/restore.html", serve.addr))
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    let until = |script: &str| {
        let deadline = Instant::now() + WAIT;
        loop {
            let value = tab.evaluate(script, false).ok().and_then(|r| r.value);
            if value == Some(serde_json::Value::Bool(true)) {
                return;
            }
            assert!(Instant::now() < deadline, "never true: {script}");
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    until("document.documentElement.dataset.live === 'open'");

    let file = serve.path("content/db/restore.md");
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str("\nBrowser zebra, see [gone](no-such-file.md).\n");
    serve.save(&file, text);
    until("document.body.innerText.includes('Browser zebra')");
    until(
        "(document.getElementById('rb:live-findings') || {}).textContent?.includes('broken-link') === true",
    );
    tab.evaluate(
        "document.getElementById('rb:live-findings').querySelector('button').click()",
        false,
    )
    .unwrap();
    until("document.getElementById('rb:live-findings') === null");

    // A folder's URL shows its README's page, and reloads with it (audit 8).
    let readme = serve.path("content/db/README.md");
    let version = |n: &str| {
        format!(
            "---\ntitle: Databases\nowner: dba\nlast_reviewed: 2026-11-01\nstatus: draft\n---\n\n# Databases\n\nVersion {n}.\n"
        )
    };
    serve.save(&readme, version("one"));
    let deadline = Instant::now() + WAIT;
    while !get(serve.addr, "/db/").1.contains("Version one.") {
        assert!(Instant::now() < deadline, "the README's page never came");
        std::thread::sleep(Duration::from_millis(100));
    }
    tab.navigate_to(&format!("http://{}/db/", serve.addr))
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    until("document.documentElement.dataset.live === 'open'");
    serve.save(&readme, version("two"));
    until("document.body.innerText.includes('Version two.')");
    tab.navigate_to(&format!("http://{}/db/restore.html", serve.addr))
        .unwrap()
        .wait_until_navigated()
        .unwrap();

    until("document.documentElement.dataset.live === 'open'");
    serve.save(
        serve.path("templates/runbook.html"),
        "{% extends \"base.html\" %}{% block main %}{{ <oops> }}{% endblock main %}",
    );
    until(
        "(document.getElementById('rb:live-error') || {}).textContent?.includes('runbook.html') === true",
    );
    until("document.body.innerText.includes('Browser zebra')");
}

#[test]
fn a_renamed_heading_rechecks_the_pages_linking_to_it_and_a_new_title_reaches_the_index() {
    let serve = Serve::start();
    let mut events = Events::connect(serve.addr);
    let file = serve.path("content/db/restore.md");
    let text = std::fs::read_to_string(&file).unwrap();
    let renamed = text
        .replace("## Verify the restore", "## Check the restore")
        .replace(
            "title: Restore a Ledger database from backup",
            "title: Restore Ledger from backup",
        );
    assert_ne!(text, renamed);
    serve.save(&file, renamed);

    let message = events.message(reloads("db/restore.html"));
    let pages = message["pages"].to_string();
    assert!(
        pages.contains("payments/failover.html"),
        "the page linking to #verify-the-restore is rebuilt: {message}"
    );
    assert!(
        message["findings"].to_string().contains("broken-anchor"),
        "{message}"
    );
    let (_, failover) = get(serve.addr, "/payments/failover.html");
    assert!(failover.contains("broken-anchor"));
    events.message(|m| m["scope"] == "site" || m["scope"] == "all");
    let (_, index) = get(serve.addr, "/index.html");
    assert!(index.contains("Restore Ledger from backup"));
}

#[test]
fn the_sites_own_writes_inside_the_source_folder_trigger_no_rebuild() {
    let serve = Serve::start_with(|dir| {
        let mut config = std::fs::read_to_string(dir.join("book.toml")).unwrap();
        assert!(
            config.trim_end().ends_with("search-shard-pages = 2"),
            "[build] is last"
        );
        config.push_str("\ndest = \"content/_site\"\n");
        std::fs::write(dir.join("book.toml"), config).unwrap();
    });
    let mut events = Events::connect(serve.addr);
    assert_eq!(get(serve.addr, "/db/restore.html").0, 200);
    let file = serve.path("content/db/restore.md");
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str("\nOne more line.\n");
    serve.save(&file, text);
    let first = events.message(reloads("db/restore.html"));
    // The page, then the search index, were written below the source
    // folder; neither may start another rebuild.
    std::thread::sleep(Duration::from_secs(3));
    let (_, state) = get(serve.addr, "/__runbook/state");
    let state: serde_json::Value = serde_json::from_str(&state).unwrap();
    assert_eq!(state["generation"], first["generation"], "{state}");
    // Nor are they listed as changes in the terminal.
    let said = serve.stderr.lock().unwrap().clone();
    assert!(
        said.contains("--- changed: content/db/restore.md ---"),
        "{said}"
    );
    assert!(
        !said
            .lines()
            .any(|l| l.starts_with("--- changed:") && l.contains("_site")),
        "{said}"
    );
}

#[test]
fn the_search_index_catches_up_after_the_reload_and_only_where_the_page_is() {
    let serve = Serve::start();
    // Three runbooks, two per shard: db/restore is in the first shard.
    let first = serve.path("site/pagefind/pagefind-entry.json");
    let second = serve.path("site/pagefind/shard-1/pagefind-entry.json");
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).unwrap();
    eventually("the first index is written", || second.exists());
    // Let the startup indexing finish before taking the times.
    std::thread::sleep(Duration::from_secs(2));
    let (first_before, second_before) = (modified(&first), modified(&second));

    let mut events = Events::connect(serve.addr);
    let file = serve.path("content/db/restore.md");
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str("\nA quokka appears.\n");
    serve.save(&file, text);
    events.message(reloads("db/restore.html"));
    assert_eq!(
        modified(&first),
        first_before,
        "the reload does not wait for the index"
    );

    eventually("the index catches up", || modified(&first) != first_before);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        modified(&second),
        second_before,
        "the other shard is left alone"
    );
}

#[test]
fn files_a_page_references_are_served_and_follow_their_changes() {
    let serve = Serve::start_with(|dir| {
        std::fs::create_dir_all(dir.join("content/db/files")).unwrap();
        std::fs::write(
            dir.join("content/db/files/checklist.txt"),
            "first checklist",
        )
        .unwrap();
        let page = dir.join("content/db/restore.md");
        let mut text = std::fs::read_to_string(&page).unwrap();
        text.push_str("\nSee the [checklist](files/checklist.txt).\n");
        std::fs::write(&page, text).unwrap();
    });
    assert_eq!(
        get(serve.addr, "/db/files/checklist.txt"),
        (200, "first checklist".to_string())
    );

    // A save that references another file copies it before the reload.
    let mut events = Events::connect(serve.addr);
    serve.save(serve.path("content/db/files/diagram.txt"), "a diagram");
    let page = serve.path("content/db/restore.md");
    let mut text = std::fs::read_to_string(&page).unwrap();
    text.push_str("\nAnd the [diagram](files/diagram.txt).\n");
    serve.save(&page, text);
    events.message(reloads("db/restore.html"));
    assert_eq!(
        get(serve.addr, "/db/files/diagram.txt"),
        (200, "a diagram".to_string())
    );

    // A referenced file saved again is copied again.
    serve.save(
        serve.path("content/db/files/checklist.txt"),
        "second checklist",
    );
    eventually("the new checklist is served", || {
        get(serve.addr, "/db/files/checklist.txt").1 == "second checklist"
    });
    // Nothing outside the source folder is reachable through a link.
    assert_eq!(get(serve.addr, "/book.toml").0, 404);

    // A diagram saved with script in it is taken off the site, and the
    // server says why.
    let diagram = "content/db/files/flow.svg";
    serve.save(serve.path(diagram), "<svg><rect/></svg>");
    let mut text = std::fs::read_to_string(&page).unwrap();
    text.push_str(
        "
The [flow](files/flow.svg).
",
    );
    serve.save(&page, text);
    eventually("the diagram is served", || {
        get(serve.addr, "/db/files/flow.svg").0 == 200
    });
    serve.save(
        serve.path(diagram),
        "<svg onload=\"alert(1)\"><rect/></svg>",
    );
    eventually("the diagram is taken off the site", || {
        get(serve.addr, "/db/files/flow.svg").0 == 404
    });
    assert!(
        serve.stderr.lock().unwrap().contains(
            "warning: not published: db/files/flow.svg: an SVG with an `on...` event attribute"
        ),
        "{}",
        serve.stderr.lock().unwrap()
    );
}

#[test]
fn a_templates_folder_created_while_serving_is_watched() {
    let serve = Serve::start_with(|dir| std::fs::remove_dir(dir.join("templates")).unwrap());
    let mut events = Events::connect(serve.addr);
    std::fs::create_dir(serve.path("templates")).unwrap();
    serve.save(
        serve.path("templates/runbook.html"),
        "{% extends \"base.html\" %}{% block main %}<p>new-folder {{ rb.title }}</p>{% endblock main %}",
    );
    events.message(|m| m["scope"] == "all");
    eventually("the new template is used", || {
        get(serve.addr, "/db/restore.html")
            .1
            .contains("new-folder Restore")
    });
    // Edits inside the new folder are seen too.
    serve.save(
        serve.path("templates/runbook.html"),
        "{% extends \"base.html\" %}{% block main %}<p>edited-again {{ rb.title }}</p>{% endblock main %}",
    );
    eventually("the edited template is used", || {
        get(serve.addr, "/db/restore.html")
            .1
            .contains("edited-again Restore")
    });
}

#[test]
fn a_saved_include_renders_the_pages_that_include_it_again() {
    let serve = Serve::start_with(|dir| {
        std::fs::create_dir_all(dir.join("content/db/scripts/lib")).unwrap();
        std::fs::write(
            dir.join("content/db/scripts/restore.sh"),
            "pg_restore --first-version\n{{#include lib/check.sh}}\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("content/db/scripts/lib/check.sh"),
            "pg_isready --first-check\n",
        )
        .unwrap();
        let page = dir.join("content/db/restore.md");
        let mut text = std::fs::read_to_string(&page).unwrap();
        text.push_str("\n```bash\n{{#include scripts/restore.sh}}\n```\n");
        std::fs::write(&page, text).unwrap();
    });
    assert!(
        get(serve.addr, "/db/restore.html")
            .1
            .contains("pg_restore --first-version")
    );

    let mut events = Events::connect(serve.addr);
    serve.save(
        serve.path("content/db/scripts/restore.sh"),
        "pg_restore --second-version\n{{#include lib/check.sh}}\n",
    );
    events.message(reloads("db/restore.html"));
    eventually("the page shows the saved script", || {
        get(serve.addr, "/db/restore.html")
            .1
            .contains("pg_restore --second-version")
    });
    // So does one the included script includes.
    serve.save(
        serve.path("content/db/scripts/lib/check.sh"),
        "pg_isready --second-check\n",
    );
    eventually("the page shows the saved inner script", || {
        get(serve.addr, "/db/restore.html")
            .1
            .contains("pg_isready --second-check")
    });
    // The script is read into the page, not published beside it.
    assert_eq!(get(serve.addr, "/db/scripts/restore.sh").0, 404);
}

/// `runbook serve` with these arguments in a copy of the site fixture,
/// expected to stop on its own: its exit code and what it printed.
fn serve_refused(args: &[&str]) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(&common::fixtures().join("site"), dir.path());
    let mut child = Command::new(env!("CARGO_BIN_EXE_runbook"))
        .args(["serve", "--port", "0", "--today", common::TODAY])
        .args(args)
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + WAIT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("`serve {args:?}` is still running: it serves a refused destination");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    (status.code(), stderr)
}

/// A destination `build` refuses is never served: not the book's folder
/// (book.toml, the Markdown), not the source folder, not `/`.
#[test]
fn serve_refuses_the_destinations_build_refuses_before_listening() {
    for (dest, relation) in [(".", "holds"), ("content", "is"), ("/", "holds")] {
        let (code, stderr) = serve_refused(&["--dest", dest]);
        assert_eq!(code, Some(2), "--dest {dest}: {stderr}");
        assert!(
            stderr.contains(&format!("{relation} the source folder")),
            "--dest {dest}: {stderr}"
        );
        assert!(!stderr.contains("serving"), "--dest {dest}: {stderr}");
    }
}

/// The page of a runbook deleted while no server ran, or while a template
/// was broken, is gone: the server prunes like `runbook build`.
#[test]
fn pages_of_runbooks_deleted_meanwhile_are_gone() {
    let serve = Serve::start();
    assert_eq!(get(serve.addr, "/db/restore.html").0, 200);
    std::fs::remove_file(serve.path("content/db/restore.md")).unwrap();
    let serve = serve.restart();
    assert_eq!(get(serve.addr, "/db/restore.html").0, 404);
    assert!(
        !serve.path("site/db").exists(),
        "the folder it leaves empty goes too"
    );
    assert_eq!(get(serve.addr, "/payments/failover.html").0, 200);

    let mut events = Events::connect(serve.addr);
    let template = serve.path("templates/runbook.html");
    serve.save(&template, "{% if %}");
    events.message(|m| !m["error"].is_null());
    std::fs::remove_file(serve.path("content/payments/failover.md")).unwrap();
    events.message(|m| !m["error"].is_null());
    std::fs::remove_file(&template).unwrap();
    let recovered = events.message(|m| m["scope"] == "all");
    assert!(recovered["error"].is_null(), "{recovered}");
    assert_eq!(get(serve.addr, "/payments/failover.html").0, 404);
    assert_eq!(get(serve.addr, "/network/dns-cutover.html").0, 200);
}

/// An owner or tag no runbook names any more loses its page while serving.
#[test]
fn owner_pages_go_with_their_owner() {
    let serve = Serve::start();
    let mut events = Events::connect(serve.addr);
    assert_eq!(get(serve.addr, "/owners/netops.html").0, 200);
    let file = serve.path("content/network/dns-cutover.md");
    let text = std::fs::read_to_string(&file).unwrap();
    serve.save(&file, text.replace("owner: netops", "owner: dns-team"));
    events.message(|m| m["scope"] == "all");
    assert_eq!(get(serve.addr, "/owners/dns-team.html").0, 200);
    assert_eq!(get(serve.addr, "/owners/netops.html").0, 404);
}

/// Editors save by renaming a new file over the old: every such save of
/// book.toml is seen, not only the first.
#[test]
fn every_rename_over_book_toml_is_seen() {
    let serve = Serve::start();
    let mut events = Events::connect(serve.addr);
    let config = serve.path("book.toml");
    let good = std::fs::read_to_string(&config).unwrap();
    for title in ["Ledger first", "Ledger second"] {
        let temp = serve.path("book.toml.new");
        std::fs::write(&temp, good.replace("Ledger runbooks", title)).unwrap();
        std::fs::rename(&temp, &config).unwrap();
        let deadline = Instant::now() + WAIT;
        loop {
            events.message(|m| m["scope"] == "all");
            if get(serve.addr, "/index.html").1.contains(title) {
                break;
            }
            assert!(Instant::now() < deadline, "{title} never reached the index");
        }
    }
}

/// When the first build fails there is no site yet: the browser gets an
/// HTML page with the live script (so the error shows, and the tab reloads
/// once a save fixes it), and the terminal claims no last good build.
#[test]
fn a_first_build_that_fails_serves_a_page_that_recovers() {
    let serve = Serve::start_with(|dir| {
        std::fs::write(dir.join("templates/index.html"), "{{ nope( }}").unwrap();
    });
    let (status, page) = get(serve.addr, "/");
    assert_eq!(status, 404);
    assert!(page.contains("/__runbook/live.js"), "{page}");
    assert!(page.contains("not-built"), "{page}");
    let (_, state) = get(serve.addr, "/__runbook/state");
    assert!(state.contains("index.html"), "{state}");
    let said = serve.stderr.lock().unwrap().clone();
    assert!(!said.contains("last good build"), "{said}");
    assert!(said.contains("nothing built"), "{said}");

    let mut events = Events::connect(serve.addr);
    std::fs::remove_file(serve.path("templates/index.html")).unwrap();
    let recovered = events.message(|m| m["scope"] == "all");
    assert!(recovered["error"].is_null(), "{recovered}");
    assert_eq!(get(serve.addr, "/").0, 200);
}

/// What the walk cannot read (a link out of the repository, a broken
/// link) is a finding while serving, as `runbook lint` reports it.
#[test]
fn new_symlinks_the_walk_refuses_are_findings() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("elsewhere.md"), "# Elsewhere\n").unwrap();
    let serve = Serve::start();
    let mut events = Events::connect(serve.addr);
    std::os::unix::fs::symlink(
        outside.path().join("elsewhere.md"),
        serve.path("content/elsewhere.md"),
    )
    .unwrap();
    events.message(|m| m["findings"].to_string().contains("symlink-outside"));
    std::os::unix::fs::symlink("/nonexistent", serve.path("content/gone.md")).unwrap();
    let message = events.message(|m| m["findings"].to_string().contains("broken symlink"));
    assert!(message["error"].is_null(), "{message}");
}

/// A server watches the folders it started on: moving `src` says so
/// instead of serving a site the watcher no longer follows.
#[test]
fn moving_src_while_serving_asks_for_a_restart() {
    let serve = Serve::start();
    let mut events = Events::connect(serve.addr);
    let config = serve.path("book.toml");
    let good = std::fs::read_to_string(&config).unwrap();
    serve.save(&config, good.replace("src = \"content\"", "src = \"docs\""));
    let failed = events.message(|m| !m["error"].is_null());
    assert!(
        failed["error"]
            .as_str()
            .unwrap()
            .contains("runbook serve` again"),
        "{failed}"
    );
    assert_eq!(get(serve.addr, "/db/restore.html").0, 200);
}

/// One writer at a time: a build, or a second server, into the folder a
/// server writes stops at once and names it, instead of pruning its pages;
/// once the server is gone, the build goes ahead.
#[test]
fn a_second_writer_of_the_served_folder_stops_and_names_the_first() {
    let mut serve = Serve::start();
    let build = common::runbook(serve.dir.path(), &["build", "--today", common::TODAY]);
    let said = common::stderr(&build);
    assert_eq!(build.status.code(), Some(2), "{said}");
    let holder = format!(
        "is being written by runbook serve (process {})",
        serve.child.id()
    );
    assert!(said.contains(&holder), "{said}");
    assert_eq!(
        get(serve.addr, "/.runbook-lock").0,
        404,
        "the lock is not published"
    );

    let mut second = Command::new(env!("CARGO_BIN_EXE_runbook"))
        .args(["serve", "--port", "0", "--today", common::TODAY])
        .current_dir(serve.dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let code = loop {
        if let Some(status) = second.try_wait().unwrap() {
            break status.code();
        }
        if started.elapsed() > WAIT {
            let _ = second.kill();
            panic!("a second server on the same folder kept running");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut said = String::new();
    second
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut said)
        .unwrap();
    assert_eq!(code, Some(2), "{said}");
    assert!(said.contains(&holder), "{said}");

    let dir = std::mem::replace(&mut serve.dir, tempfile::tempdir().unwrap());
    drop(serve);
    let build = common::runbook(dir.path(), &["build", "--today", common::TODAY]);
    assert!(build.status.success(), "{}", common::stderr(&build));
}

/// The home page shows the book's introduction (`index.md`): a save that
/// changes only its text, no title or other summary, still reaches it.
#[test]
fn a_saved_introduction_reaches_the_home_page() {
    let runbook = |words: &str| {
        format!(
            "---\ntitle: Intro\nowner: netops\nlast_reviewed: 2026-11-20\nstatus: draft\n---\n\n{words}\n"
        )
    };
    let serve = Serve::start_with(|dir| {
        std::fs::write(dir.join("content/index.md"), runbook("First words.")).unwrap();
    });
    assert!(get(serve.addr, "/index.html").1.contains("First words."));
    let mut events = Events::connect(serve.addr);
    serve.save(serve.path("content/index.md"), runbook("Second words."));
    events.message(reloads("index-1.html"));
    eventually("the home page shows the new text", || {
        get(serve.addr, "/index.html").1.contains("Second words.")
    });
}

/// A save that gives a runbook the title of another (letter case aside),
/// or takes it back, lists the other with its path too, or no longer,
/// though nothing links the two.
#[test]
fn a_title_that_starts_or_stops_being_shared_relists_the_other_runbook() {
    let serve = Serve::start();
    let title_of = |page: &str| {
        let (_, html) = get(serve.addr, page);
        let title = html.split_once("<title>").unwrap().1;
        title.split_once(" · ").unwrap().0.to_string()
    };
    assert_eq!(
        title_of("/network/dns-cutover.html"),
        "Cut DNS over to the standby region"
    );
    let mut events = Events::connect(serve.addr);
    let file = serve.path("content/db/restore.md");
    let text = std::fs::read_to_string(&file).unwrap();
    let shared = text.replace(
        "title: Restore a Ledger database from backup",
        "title: cut DNS over to the standby region",
    );
    assert_ne!(text, shared);
    serve.save(&file, &shared);
    events.message(|m| m["scope"] == "all");
    assert_eq!(
        title_of("/network/dns-cutover.html"),
        "Cut DNS over to the standby region — network&#x2F;dns-cutover.md"
    );
    assert_eq!(
        title_of("/db/restore.html"),
        "cut DNS over to the standby region — db&#x2F;restore.md"
    );
    let (_, cutover) = get(serve.addr, "/network/dns-cutover.html");
    assert!(cutover.contains(">Cut DNS over to the standby region</h1>"));
    let (_, index) = get(serve.addr, "/index.html");
    assert!(
        index.contains(">Cut DNS over to the standby region — network&#x2F;dns-cutover.md</a>"),
        "{index}"
    );

    serve.save(&file, &text);
    events.message(|m| m["scope"] == "all");
    assert_eq!(
        title_of("/network/dns-cutover.html"),
        "Cut DNS over to the standby region"
    );
    assert_eq!(
        title_of("/db/restore.html"),
        "Restore a Ledger database from backup"
    );
}
