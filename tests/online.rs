//! `runbook lint --online` against a server the test starts on 127.0.0.1.
//! Fixtures are written into a temp dir, since URLs carry the server's port.

mod common;

use std::io::Write;
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::server::{Reply, Request, Server};
use serde_json::Value;

const PAGE: &str = r#"<!doctype html><html><body>
<h2 id="present">Present</h2><a name="named"></a><p id="presence">x</p>
</body></html>"#;

/// The routes every test server answers.
fn routes(request: &Request, seen: usize, away: u16) -> Reply {
    let head = request.method == "HEAD";
    if request.method == "CONNECT" {
        // To this host, like squid's default config: no tunnel to port 80.
        let refused = request.path == "docs.internal.test:80";
        return Reply::status(if refused { 403 } else { 200 });
    }
    match request.path.as_str() {
        "/ok" => Reply::html("<html><body>ok</body></html>"),
        "/missing" => Reply::status(404),
        "/flaky" if seen == 1 => Reply::status(500),
        "/flaky" => Reply::html("back"),
        "/busy" if seen == 1 => Reply::status(429).header("Retry-After", "1"),
        "/busy" => Reply::html("free"),
        "/old" => Reply::status(301).header("Location", "/step"),
        "/step" => Reply::status(302).header("Location", "/ok"),
        "/loop-a" => Reply::status(302).header("Location", "/loop-b"),
        "/loop-b" => Reply::status(302).header("Location", "/loop-a"),
        "/slow" => Reply::html("late").delay(Duration::from_secs(3)),
        "/no-head" if head => Reply::status(405),
        "/no-head" => Reply::html("get only"),
        "/page" => Reply::html(PAGE),
        "/plain" => Reply::status(200).header("Content-Type", "text/plain"),
        "/private" if request.header("Authorization") == Some("Bearer s3cret") => {
            Reply::html("secret dashboard")
        }
        "/private" => Reply::status(401),
        "/moved-gone" => Reply::status(301).header("Location", "/missing"),
        "/failover" => Reply::status(301).header("Location", "/page#present"),
        "/meeting" => Reply::status(302).header("Location", "zoommtg://zoom.us/join?confno=1"),
        "/chat" => Reply::status(301).header("Location", "slack://channel?id=C1"),
        "/away" => Reply::status(302).header("Location", &format!("http://127.0.0.1:{away}/ok")),
        _ => Reply::status(404),
    }
}

fn servers() -> (Server, Server) {
    let away = Server::start(|r, n| routes(r, n, 0));
    let port = away.port;
    (Server::start(move |r, n| routes(r, n, port)), away)
}

const FRONT: &str = "---\nowner: sre\nlast_reviewed: 2026-11-01\nstatus: authoritative\n---\n";

struct Book {
    dir: tempfile::TempDir,
}

impl Book {
    /// A book whose runbooks are `files` (name, body after front matter)
    /// and whose `[lint.links]` table holds `links`.
    fn new(links: &str, files: &[(&str, String)]) -> Book {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = format!(
            "[book]\nsrc = \"content\"\n\n[lint]\nrules = {{ rollback-missing = \"off\" }}\n\n[lint.links]\ntimeout = \"700ms\"\n{links}\n"
        );
        std::fs::write(dir.path().join("book.toml"), config).expect("book.toml");
        std::fs::create_dir(dir.path().join("content")).expect("content");
        for (name, body) in files {
            let text = format!("{FRONT}# {name}\n\n{body}\n");
            std::fs::write(dir.path().join("content").join(name), text).expect("runbook");
        }
        Book { dir }
    }

    fn lint(&self, args: &[&str]) -> Output {
        self.lint_env(args, &[])
    }

    fn lint_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_runbook"));
        command
            .current_dir(self.dir.path())
            .args(["lint", "--today", "2026-11-25", "--format", "json"])
            .args(args);
        // Requests go straight to the test server, never through a proxy.
        for var in ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"] {
            command.env_remove(var).env_remove(var.to_ascii_lowercase());
        }
        command.envs(env.iter().copied());
        command.output().expect("run runbook")
    }

    fn cache_text(&self) -> String {
        std::fs::read_to_string(self.dir.path().join(".runbook/cache/external-links.json"))
            .unwrap_or_default()
    }
}

/// `(rule, file:line, message, help)` of every external finding.
fn findings(output: &Output) -> Vec<(String, String, String, String)> {
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["rule"].as_str().unwrap_or("").starts_with("external-"))
        .map(|d| {
            let path = d["path"].as_str().unwrap_or("");
            let file = Path::new(path).file_name().unwrap_or_default();
            (
                d["rule"].as_str().unwrap_or("").to_string(),
                format!("{}:{}", file.to_string_lossy(), d["line"]),
                d["message"].as_str().unwrap_or("").to_string(),
                d["help"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// The findings whose message names `url` exactly (in backquotes).
fn about<'a>(
    all: &'a [(String, String, String, String)],
    url: &str,
) -> Vec<&'a (String, String, String, String)> {
    let quoted = format!("`{url}`");
    all.iter().filter(|f| f.2.starts_with(&quoted)).collect()
}

#[test]
fn every_outcome_is_reported_at_every_use() {
    let (server, _away) = servers();
    let u = |p: &str| server.url(p);
    let a = format!(
        "- [ok]({})\n- [gone]({})\n- [flaky]({})\n- [busy]({})\n- [old]({})\n- [loop]({})\n- [slow]({})\n- [no head]({})\n- [away]({})\n- [bad](http://exa_mple.invalid:99999/)\n",
        u("/ok"),
        u("/missing"),
        u("/flaky"),
        u("/busy"),
        u("/old"),
        u("/loop-a"),
        u("/slow"),
        u("/no-head"),
        u("/away"),
    );
    let b = format!("Same dead page again: <{}>\n", u("/missing"));
    let book = Book::new("", &[("a.md", a), ("b.md", b)]);
    let output = book.lint(&["--online"]);
    let all = findings(&output);
    assert_eq!(output.status.code(), Some(1), "{all:#?}");

    // One request per distinct URL, a finding per use.
    assert_eq!(server.hits("/missing"), 1);
    let gone = about(&all, &u("/missing"));
    let places: Vec<&str> = gone.iter().map(|f| f.1.as_str()).collect();
    assert_eq!(places, ["a.md:9", "b.md:8"]);
    assert!(gone[0].2.contains("404 Not Found"), "{gone:?}");
    assert!(gone[0].3.contains("gone or moved"), "{gone:?}");

    assert!(about(&all, &u("/ok")).is_empty(), "{all:#?}");

    // 500, then fine after one retry.
    assert!(about(&all, &u("/flaky")).is_empty(), "{all:#?}");
    assert_eq!(server.hits("/flaky"), 2);

    // 429 with Retry-After: waited for, then fine.
    assert!(about(&all, &u("/busy")).is_empty(), "{all:#?}");
    let busy: Vec<Request> = server
        .requests()
        .into_iter()
        .filter(|r| r.path == "/busy")
        .collect();
    assert_eq!(busy.len(), 2);
    let waited = busy[1].at.duration_since(busy[0].at);
    assert!(
        waited >= Duration::from_millis(950),
        "Retry-After: 1 ignored: {waited:?}"
    );

    // 301 then 302: reported as moved, with the new address.
    let old = about(&all, &u("/old"));
    assert_eq!(old.len(), 1, "{all:#?}");
    assert_eq!(old[0].0, "external-redirect");
    assert!(
        old[0]
            .2
            .contains(&format!("moved permanently to `{}`", u("/step")))
    );

    let lp = about(&all, &u("/loop-a"));
    assert_eq!(lp.len(), 1, "{all:#?}");
    assert_eq!(lp[0].0, "external-link");
    assert!(lp[0].2.contains("redirect loop"), "{lp:?}");

    let slow = about(&all, &u("/slow"));
    assert_eq!(slow.len(), 1, "{all:#?}");
    assert!(slow[0].2.contains("no answer within 700ms"), "{slow:?}");
    assert_eq!(server.hits("/slow"), 1, "timeouts are not retried");

    // HEAD refused, GET answers.
    assert!(about(&all, &u("/no-head")).is_empty(), "{all:#?}");
    let methods: Vec<String> = server
        .requests()
        .into_iter()
        .filter(|r| r.path == "/no-head")
        .map(|r| r.method)
        .collect();
    assert_eq!(methods, ["HEAD", "GET"]);

    let away = about(&all, &u("/away"));
    assert_eq!(away.len(), 1, "{all:#?}");
    assert_eq!(away[0].0, "external-redirect");
    assert!(away[0].2.contains("another site"), "{away:?}");

    let bad = about(&all, "http://exa_mple.invalid:99999/");
    assert_eq!(bad.len(), 1, "{all:#?}");
    assert!(bad[0].2.contains("not a valid URL"), "{bad:?}");
}

#[test]
fn fragments_are_checked_against_ids_and_names() {
    let (server, _away) = servers();
    let page = server.url("/page");
    let plain = server.url("/plain");
    let body = format!(
        "[a]({page}#present) [b]({page}#named) [c]({page}#absent) [d]({page}#/route/x) [e]({plain}#intro)\n"
    );
    let book = Book::new("", &[("a.md", body)]);

    let output = book.lint(&["--online"]);
    assert!(findings(&output).is_empty(), "fragments off by default");

    let output = book.lint(&["--online-fragments"]);
    let all = findings(&output);
    assert_eq!(all.len(), 1, "{all:#?}");
    assert_eq!(all[0].0, "external-anchor");
    assert!(all[0].2.contains("no element with id `absent`"), "{all:?}");
    assert_eq!(output.status.code(), Some(1));
    // The cached HEAD result had no anchors, so the page was fetched again
    // with GET, and only once for four uses.
    let gets = server
        .requests()
        .into_iter()
        .filter(|r| r.path == "/page" && r.method == "GET")
        .count();
    assert_eq!(gets, 1);

    // Within the TTL, nothing is asked again, not even for the page that
    // is not HTML and so had no anchors to keep.
    let before = server.requests().len();
    let again = book.lint(&["--online-fragments"]);
    assert_eq!(findings(&again), all);
    assert_eq!(server.requests().len(), before);
}

#[test]
fn nothing_is_requested_without_online() {
    let (server, away) = servers();
    let body = format!(
        "[ok]({}) [gone]({})\n",
        server.url("/ok"),
        server.url("/missing")
    );
    let book = Book::new("", &[("a.md", body)]);
    let output = book.lint(&[]);
    assert!(findings(&output).is_empty());
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(server.requests().is_empty());
    assert!(away.requests().is_empty());
    assert!(!book.dir.path().join(".runbook").exists());
}

#[test]
fn config_turns_checking_on() {
    let (server, _away) = servers();
    let body = format!("[gone]({})\n", server.url("/missing"));
    let book = Book::new("external = true", &[("a.md", body)]);
    let output = book.lint(&[]);
    assert_eq!(about(&findings(&output), &server.url("/missing")).len(), 1);
    assert_eq!(server.hits("/missing"), 1);
}

#[test]
fn cache_prevents_a_second_request() {
    let (server, _away) = servers();
    let body = format!(
        "[ok]({}) [gone]({})\n",
        server.url("/ok"),
        server.url("/missing")
    );
    let book = Book::new("", &[("a.md", body)]);

    let first = book.lint(&["--online"]);
    assert_eq!(server.hits("/ok"), 1);
    assert_eq!(server.hits("/missing"), 1);
    let second = book.lint(&["--online"]);
    assert_eq!(server.hits("/ok"), 1, "served from the cache");
    assert_eq!(server.hits("/missing"), 1, "failures are cached too");
    assert_eq!(findings(&first), findings(&second));
    assert!(book.cache_text().contains(&server.url("/ok")));
}

#[test]
fn failures_expire_before_successes() {
    let (server, _away) = servers();
    let body = format!(
        "[ok]({}) [gone]({})\n",
        server.url("/ok"),
        server.url("/missing")
    );
    let book = Book::new("failure-ttl = \"0s\"", &[("a.md", body)]);
    book.lint(&["--online"]);
    book.lint(&["--online"]);
    assert_eq!(server.hits("/ok"), 1);
    assert_eq!(server.hits("/missing"), 2);
}

#[test]
fn exclude_and_accept() {
    let (server, _away) = servers();
    let body = format!(
        "[gone]({}) [private]({})\n",
        server.url("/missing"),
        server.url("/private")
    );
    let book = Book::new(
        "exclude = [\"/missing$\"]\naccept = [401]",
        &[("a.md", body)],
    );
    let output = book.lint(&["--online"]);
    assert!(findings(&output).is_empty(), "{:?}", findings(&output));
    assert_eq!(server.hits("/missing"), 0);
    assert_eq!(server.hits("/private"), 1);
}

#[test]
fn header_tokens_come_from_the_environment_and_stay_secret() {
    let (server, _away) = servers();
    let body = format!("[dashboard]({})\n", server.url("/private"));
    let headers = "[lint.links.headers.\"127.0.0.1\"]\nAuthorization = \"RUNBOOK_TEST_TOKEN\"";
    let book = Book::new(
        &format!("failure-ttl = \"0s\"\n{headers}"),
        &[("a.md", body)],
    );

    let output = book.lint_env(&["--online"], &[]);
    let all = findings(&output);
    assert_eq!(all.len(), 1, "{all:#?}");
    assert!(all[0].2.contains("401 Unauthorized"), "{all:?}");
    assert!(all[0].3.contains("set RUNBOOK_TEST_TOKEN"), "{all:?}");

    let output = book.lint_env(&["--online"], &[("RUNBOOK_TEST_TOKEN", "Bearer s3cret")]);
    assert!(findings(&output).is_empty(), "{:?}", findings(&output));
    assert_eq!(output.status.code(), Some(0));
    let last = server.requests().pop().expect("a request");
    assert_eq!(last.header("Authorization"), Some("Bearer s3cret"));
    for text in [
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        book.cache_text(),
    ] {
        assert!(!text.contains("s3cret"), "token leaked: {text}");
    }
    assert!(!book.cache_text().is_empty());
}

/// Over plain http every network on the way reads a token: the header
/// goes over https (or to this machine) only. The test server stands in
/// as the proxy to `dashboard.example`, so it sees what would cross the
/// network, and the help says to link to https.
#[test]
fn header_tokens_never_travel_over_plain_http() {
    let (server, _away) = servers();
    let headers =
        "[lint.links.headers.\"dashboard.example\"]\nAuthorization = \"RUNBOOK_TEST_TOKEN\"";
    let book = Book::new(
        &format!("failure-ttl = \"0s\"\n{headers}"),
        &[(
            "a.md",
            "[dashboard](http://dashboard.example/private)\n".into(),
        )],
    );
    let proxy = server.url("");
    let output = book.lint_env(
        &["--online"],
        &[
            ("RUNBOOK_TEST_TOKEN", "Bearer s3cret"),
            ("HTTP_PROXY", &proxy),
            ("NO_PROXY", ""),
        ],
    );
    let asked: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| {
            r.path.contains("dashboard.example")
                || r.header("Host")
                    .is_some_and(|h| h.starts_with("dashboard.example"))
        })
        .collect();
    assert!(asked.len() >= 2, "no request through the proxy: {asked:?}");
    assert!(
        asked.iter().all(|r| r.header("Authorization").is_none()),
        "the token went over plain http"
    );
    let all = findings(&output);
    assert_eq!(all.len(), 1, "{all:#?}");
    assert!(all[0].2.contains("401"), "{all:?}");
    assert!(
        all[0].3.contains("https only") && all[0].3.contains("`https://dashboard.example/private`"),
        "{all:?}"
    );
}

/// `book.toml` comes with the pull request: were it free to name any
/// variable, a pull request could send the job's other secrets to a host
/// of its own. Only `RUNBOOK_*` variables may be named, and a header that
/// HTTP does not allow stops the run before any request.
#[test]
fn header_values_come_only_from_variables_exported_for_runbook() {
    let (server, _away) = servers();
    let body = format!("[dashboard]({})\n", server.url("/private"));
    for (entry, says) in [
        (
            "Authorization = \"AWS_SECRET_ACCESS_KEY\"",
            "RUNBOOK_AWS_SECRET_ACCESS_KEY",
        ),
        ("Authorization = \"RUNBOOK_\"", "RUNBOOK_*"),
        (
            "\"X-Token\\r\\nX-Other\" = \"RUNBOOK_TEST_TOKEN\"",
            "not an HTTP header name",
        ),
        (
            "Authorization = \"RUNBOOK_MULTILINE\"",
            "not a valid header value",
        ),
    ] {
        let headers = format!("[lint.links.headers.\"127.0.0.1\"]\n{entry}");
        let book = Book::new(&headers, &[("a.md", body.clone())]);
        let output = book.lint_env(
            &["--online"],
            &[
                ("AWS_SECRET_ACCESS_KEY", "aws-s3cret"),
                ("RUNBOOK_MULTILINE", "Bearer a\nX-Evil: 1"),
            ],
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{entry}: {stderr}");
        assert!(
            stderr.contains("lint.links.headers") && stderr.contains(says),
            "{entry}: {stderr}"
        );
        assert!(!stderr.contains("aws-s3cret"), "{stderr}");
    }
    assert_eq!(server.hits("/private"), 0);
}

#[test]
fn bad_link_settings_are_usage_errors() {
    let book = Book::new("exclude = [\"(\"]", &[("a.md", String::new())]);
    let output = book.lint(&["--online"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("lint.links.exclude"), "{stderr}");
}

#[test]
fn cached_results_follow_a_changed_accept_list() {
    let (server, _away) = servers();
    let body = format!("[private]({})\n", server.url("/private"));
    let book = Book::new("", &[("a.md", body)]);
    let output = book.lint(&["--online"]);
    assert_eq!(findings(&output).len(), 1);
    let config = book.dir.path().join("book.toml");
    let text = std::fs::read_to_string(&config).expect("book.toml");
    std::fs::write(&config, format!("{text}accept = [401]\n")).expect("book.toml");
    let output = book.lint(&["--online"]);
    assert!(findings(&output).is_empty(), "{:?}", findings(&output));
    assert_eq!(server.hits("/private"), 1, "judged from the cache");
}

#[test]
fn suppression_comments_apply() {
    let (server, _away) = servers();
    let body = format!(
        "<!-- runbook-lint-disable-next-line external-link -- retired with the old cluster -->\n[gone]({})\n",
        server.url("/missing")
    );
    let book = Book::new("", &[("a.md", body)]);
    let output = book.lint(&["--online"]);
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let external: Vec<&Value> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["rule"] == "external-link")
        .collect();
    assert_eq!(external.len(), 1);
    assert!(!external[0]["suppressed"].is_null(), "{external:?}");
    assert_eq!(output.status.code(), Some(0));
}

/// A cached failure is asked again when the setting its help names has
/// changed since: a longer `timeout`, or the host's token now set.
#[test]
fn cached_failures_are_asked_again_under_new_settings() {
    let (server, _away) = servers();
    let body = format!(
        "[slow]({}) [dashboard]({})\n",
        server.url("/slow"),
        server.url("/private")
    );
    let headers = "[lint.links.headers.\"127.0.0.1\"]\nAuthorization = \"RUNBOOK_TEST_TOKEN\"";
    let book = Book::new(headers, &[("a.md", body)]);
    let first = findings(&book.lint(&["--online"]));
    assert_eq!(first.len(), 2, "{first:#?}");
    assert!(first[0].2.contains("no answer within 700ms"), "{first:?}");

    let config = book.dir.path().join("book.toml");
    let text = std::fs::read_to_string(&config).expect("book.toml");
    std::fs::write(&config, text.replace("700ms", "5s")).expect("book.toml");
    let output = book.lint_env(&["--online"], &[("RUNBOOK_TEST_TOKEN", "Bearer s3cret")]);
    assert!(findings(&output).is_empty(), "{:?}", findings(&output));
    assert_eq!(server.hits("/slow"), 2);
    assert_eq!(server.hits("/private"), 2);
}

/// A token that was sent and refused (expired, or without access) gets
/// its own help, not the one for a token never configured.
#[test]
fn a_refused_token_is_named() {
    let (server, _away) = servers();
    let body = format!("[dashboard]({})\n", server.url("/private"));
    let headers = "[lint.links.headers.\"127.0.0.1\"]\nAuthorization = \"RUNBOOK_TEST_TOKEN\"";
    let book = Book::new(headers, &[("a.md", body)]);
    let output = book.lint_env(&["--online"], &[("RUNBOOK_TEST_TOKEN", "Bearer expired")]);
    let all = findings(&output);
    assert_eq!(all.len(), 1, "{all:#?}");
    assert!(
        all[0]
            .3
            .contains("the token in RUNBOOK_TEST_TOKEN was sent and refused"),
        "{all:?}"
    );
}

/// DNS and TLS failures are told apart from a dropped connection: their
/// own help, and no retry, since asking again gives the same answer.
#[test]
fn dns_and_tls_failures_have_their_own_help_and_no_retries() {
    // A label longer than 63 bytes: the resolver refuses the name before
    // any query leaves the machine.
    let unresolvable = format!("http://{}.invalid/oncall", "a".repeat(64));
    let (port, handshakes) = plain_http_port();
    let tls = format!("https://127.0.0.1:{port}/");
    let body = format!("[wiki]({unresolvable}) [tls]({tls})\n");
    let book = Book::new("", &[("a.md", body)]);
    let all = findings(&book.lint(&["--online"]));
    let dns = about(&all, &unresolvable);
    assert_eq!(dns.len(), 1, "{all:#?}");
    assert!(dns[0].3.contains("does not resolve"), "{dns:?}");
    let tls = about(&all, &tls);
    assert_eq!(tls.len(), 1, "{all:#?}");
    assert!(tls[0].2.contains("TLS failed"), "{tls:?}");
    assert!(tls[0].3.contains("certificate or TLS setup"), "{tls:?}");
    for f in [dns[0], tls[0]] {
        assert!(!f.2.contains("attempts"), "retried: {f:?}");
    }
    assert_eq!(handshakes.load(Ordering::SeqCst), 1, "TLS retried");
}

/// A port that answers anything, a TLS handshake too, with a plain HTTP
/// error, as web servers do; and how many connections it took.
fn plain_http_port() -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let port = listener.local_addr().expect("local address").port();
    let count = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&count);
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            seen.fetch_add(1, Ordering::SeqCst);
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        }
    });
    (port, count)
}

/// `HTTP_PROXY` is for http links and `HTTPS_PROXY` for https ones; a
/// proxy that refuses to tunnel to port 80 gets a help that says why.
#[test]
fn each_scheme_takes_its_own_proxy() {
    let (server, _away) = servers();
    let proxy = Server::start(|r, n| routes(r, n, 0));
    let body = format!(
        "[ok]({}) [docs](http://docs.internal.test/guide)\n",
        server.url("/ok")
    );
    let book = Book::new(
        "cache-ttl = \"0s\"\nfailure-ttl = \"0s\"",
        &[("a.md", body)],
    );
    let output = book.lint_env(
        &["--online"],
        &[("HTTPS_PROXY", &proxy.url("")), ("NO_PROXY", "")],
    );
    let all = findings(&output);
    assert_eq!(all.len(), 1, "{all:#?}");
    assert!(all[0].2.contains("docs.internal.test"), "{all:?}");
    assert!(proxy.requests().is_empty(), "http went through HTTPS_PROXY");
    assert_eq!(server.hits("/ok"), 1);

    let output = book.lint_env(
        &["--online"],
        &[("HTTP_PROXY", &proxy.url("")), ("NO_PROXY", "127.0.0.1")],
    );
    let all = findings(&output);
    assert_eq!(all.len(), 1, "{all:#?}");
    assert!(
        all[0]
            .2
            .contains("the proxy refused `CONNECT docs.internal.test:80`"),
        "{all:?}"
    );
    assert!(all[0].3.contains("NO_PROXY"), "{all:?}");
    let tunnels: Vec<String> = proxy.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(
        tunnels,
        ["docs.internal.test:80"],
        "one try, through HTTP_PROXY"
    );
    assert_eq!(server.hits("/ok"), 2, "NO_PROXY reached directly");
}

/// A redirect to an application (`zoommtg:`, `slack:`) is where a browser
/// stops too: the link works, and nothing is asked again.
#[test]
fn a_redirect_to_an_app_ends_the_chain() {
    let (server, _away) = servers();
    let body = format!(
        "[call]({}) [chat]({})\n",
        server.url("/meeting"),
        server.url("/chat")
    );
    let book = Book::new("", &[("a.md", body)]);
    let output = book.lint(&["--online"]);
    assert!(findings(&output).is_empty(), "{:?}", findings(&output));
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(server.hits("/meeting"), 1);
    assert_eq!(server.hits("/chat"), 1);
}

#[test]
fn a_failing_redirect_target_is_named() {
    let (server, _away) = servers();
    let body = format!("[guide]({})\n", server.url("/moved-gone"));
    let book = Book::new("", &[("a.md", body)]);
    let all = findings(&book.lint(&["--online"]));
    assert_eq!(all.len(), 1, "{all:#?}");
    let chain = format!(
        "`{}` → 301 → `{}`: 404 Not Found",
        server.url("/moved-gone"),
        server.url("/missing")
    );
    assert_eq!(all[0].2, chain);
}

/// The fix for a moved link edits a reference definition too, and keeps
/// the new address's own fragment rather than adding the old one.
#[test]
fn moved_links_are_fixed_in_definitions_with_one_fragment() {
    let (server, _away) = servers();
    let body = format!(
        "See [the guide][g] and [failover]({}#manual).\n\n[g]: {}\n",
        server.url("/failover"),
        server.url("/old")
    );
    let book = Book::new("", &[("a.md", body)]);
    book.lint(&["--online", "--fix"]);
    let text = std::fs::read_to_string(book.dir.path().join("content/a.md")).expect("a.md");
    assert!(
        text.contains(&format!("[g]: {}\n", server.url("/step"))),
        "{text}"
    );
    assert!(
        text.contains(&format!("[failover]({})", server.url("/page#present"))),
        "{text}"
    );
}
