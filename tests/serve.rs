//! The server over a real socket: content types, the 404 page, and paths
//! that try to leave the output folder.

use std::net::SocketAddr;
use std::path::Path;

mod common;

use common::client::{get, get_from};

/// Builds the fixture site into `<tmp>/www/site`, puts a secret next to
/// `www`, and serves `www/site`.
fn serve() -> (SocketAddr, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site/book.toml");
    let settings = runbook::config::Settings::load(&fixture).unwrap();
    let site = tmp.path().join("www/site");
    runbook::site::build(&settings, "2026-11-25".parse().unwrap(), &site).unwrap();
    std::fs::write(tmp.path().join("www/Cargo.toml"), "secret").unwrap();
    std::fs::write(tmp.path().join("secret.txt"), "secret").unwrap();
    std::os::unix::fs::symlink(tmp.path().join("secret.txt"), site.join("link.txt")).unwrap();
    std::os::unix::fs::symlink(tmp.path(), site.join("outside")).unwrap();
    std::fs::write(site.join("inside-target.txt"), "fine").unwrap();
    std::os::unix::fs::symlink(site.join("inside-target.txt"), site.join("inside.txt")).unwrap();
    let server = runbook::serve::Server::bind(&site, "127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = server.local_addr().unwrap();
    assert!(addr.ip().is_loopback());
    std::thread::spawn(move || server.run());
    (addr, tmp)
}

#[test]
fn serves_pages_and_search_files_with_their_types() {
    let (addr, _tmp) = serve();
    let index = get(addr, "/");
    assert_eq!(index.status, 200);
    assert_eq!(index.content_type, "text/html; charset=utf-8");
    assert!(String::from_utf8_lossy(&index.body).contains("Ledger runbooks"));
    assert_eq!(get(addr, "/db/restore.html").status, 200);
    assert_eq!(
        get(addr, "/assets/style.css").content_type,
        "text/css; charset=utf-8"
    );
    assert_eq!(
        get(addr, "/pagefind/pagefind.js").content_type,
        "text/javascript; charset=utf-8"
    );
    assert_eq!(
        get(addr, "/pagefind/pagefind-entry.json").content_type,
        "application/json"
    );
    assert_eq!(
        get(addr, "/inside.txt").status,
        200,
        "a symlink inside is fine"
    );

    let site = _tmp.path().join("www/site/pagefind");
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(&site).into_iter().map(Result::unwrap) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let kind = [
            "pf_meta",
            "pf_index",
            "pf_fragment",
            "pf_filter",
            "pagefind",
        ]
        .iter()
        .find(|ext| name.ends_with(&format!(".{ext}")));
        if kind.is_some() {
            let rel = entry
                .path()
                .strip_prefix(&site)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let response = get(addr, &format!("/pagefind/{rel}"));
            assert_eq!(response.status, 200, "{rel}");
            assert_eq!(response.content_type, "application/octet-stream", "{rel}");
            assert_eq!(response.body, std::fs::read(entry.path()).unwrap(), "{rel}");
            checked += 1;
        }
    }
    assert!(checked >= 4, "index files served: {checked}");
}

/// What runbooks link to opens in the browser: a form as a PDF, a query or
/// a config as text (never as something to run), whatever the letter case.
#[test]
fn linked_files_are_sent_as_what_they_are() {
    let (addr, tmp) = serve();
    let site = tmp.path().join("www/site");
    for (name, expected) in [
        ("forms/request.PDF", "application/pdf"),
        ("checks/lag.sql", "text/plain; charset=utf-8"),
        ("k8s/job.yaml", "text/plain; charset=utf-8"),
        ("scripts/restore.py", "text/plain; charset=utf-8"),
        ("exports/hosts.csv", "text/csv; charset=utf-8"),
        ("archive.tar", "application/octet-stream"),
    ] {
        let path = site.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, name).unwrap();
        let response = get(addr, &format!("/{name}"));
        assert_eq!(response.status, 200, "{name}");
        assert_eq!(response.content_type, expected, "{name}");
    }
}

/// A folder asked for without its `/` is sent there, so its page's
/// relative links work; a page asked for as a folder is not found.
#[test]
fn folders_are_served_at_their_slash() {
    let (addr, tmp) = serve();
    // What `db/index.md` becomes.
    std::fs::write(tmp.path().join("www/site/db/index.html"), "<p>db</p>").unwrap();
    let folder = get(addr, "/db");
    assert_eq!(folder.status, 308);
    assert_eq!(folder.location.as_deref(), Some("/db/"));
    assert_eq!(get(addr, "/db?q=x").location.as_deref(), Some("/db/?q=x"));
    assert_eq!(get(addr, "//db").location.as_deref(), Some("/db/"));
    assert_eq!(get(addr, "/db/").status, 200);
    assert_eq!(get(addr, "/db/index.html").status, 200);
    assert_eq!(get(addr, "/db/restore.html/").status, 404);
    assert_eq!(
        get(addr, "/db/index.html/").status,
        404,
        "a file, not a folder"
    );
    assert_eq!(get(addr, "/index.html/").status, 404);
    assert_eq!(get(addr, "/tags").status, 404, "a folder with no page");
}

/// A folder with a README and no `index.md` shows its README's page at
/// its own URL, as GitHub does; `index.md` wins when both are there.
#[test]
fn a_folders_url_shows_its_readme() {
    let (addr, tmp) = serve();
    let site = tmp.path().join("www/site");
    std::fs::write(site.join("payments/README.html"), "<p>payments readme</p>").unwrap();
    let folder = get(addr, "/payments/");
    assert_eq!(folder.status, 200);
    assert_eq!(folder.content_type, "text/html; charset=utf-8");
    assert!(String::from_utf8_lossy(&folder.body).contains("payments readme"));
    assert_eq!(
        get(addr, "/payments").location.as_deref(),
        Some("/payments/")
    );
    assert_eq!(get(addr, "/payments/README.html/").status, 404);

    std::fs::write(site.join("payments/index.html"), "<p>payments index</p>").unwrap();
    assert!(String::from_utf8_lossy(&get(addr, "/payments/").body).contains("payments index"));
}

#[test]
fn missing_pages_get_the_404_page() {
    let (addr, _tmp) = serve();
    let response = get(addr, "/no/such/page.html");
    assert_eq!(response.status, 404);
    assert_eq!(response.content_type, "text/html; charset=utf-8");
    assert!(String::from_utf8_lossy(&response.body).contains("Page not found"));
}

/// The `href`, `src` and `action` values of a page, entities decoded,
/// without `data:` URLs and links within the page (the skip link), which
/// the browser never requests.
fn urls(html: &[u8]) -> Vec<String> {
    let html = String::from_utf8_lossy(html);
    let re = regex::Regex::new(r#"\b(?:href|src|action)="([^"]*)""#).unwrap();
    re.captures_iter(&html)
        .map(|c| c[1].replace("&#x2F;", "/"))
        .filter(|u| !u.starts_with("data:") && !u.starts_with('#'))
        .collect()
}

#[test]
fn the_404_page_links_resolve_at_any_depth() {
    let (addr, _tmp) = serve();
    let response = get(addr, "/a/b/c/missing");
    assert_eq!(response.status, 404);
    let links = urls(&response.body);
    assert!(links.len() >= 4, "{links:?}");
    for url in links {
        assert_eq!(get(addr, &url).status, 200, "{url}");
    }
}

#[test]
fn the_404_page_links_resolve_under_site_url() {
    // A portal serves the site under `/runbooks/` and answers every missing
    // path with the site's 404 page.
    let www = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site/book.toml");
    let mut settings = runbook::config::Settings::load(&fixture).unwrap();
    settings.config.build.site_url = "/runbooks".into();
    let site = www.path().join("runbooks");
    runbook::site::build(&settings, "2026-11-25".parse().unwrap(), &site).unwrap();
    std::fs::copy(site.join("404.html"), www.path().join("404.html")).unwrap();
    let server = runbook::serve::Server::bind(www.path(), "127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = server.local_addr().unwrap();
    std::thread::spawn(move || server.run());

    let response = get(addr, "/runbooks/a/b/missing");
    assert_eq!(response.status, 404);
    assert!(String::from_utf8_lossy(&response.body).contains("Page not found"));
    let links = urls(&response.body);
    assert!(links.len() >= 4, "{links:?}");
    for url in links {
        assert!(url.starts_with("/runbooks/"), "{url}");
        let page = get(addr, &url);
        assert_eq!(page.status, 200, "{url}");
        // The shared script (it helps on the 404 page) is not a page.
        if url.ends_with(".js") {
            assert!(page.content_type.contains("javascript"), "{url}");
            continue;
        }
        assert!(
            String::from_utf8_lossy(&page.body).contains("Ledger runbooks"),
            "{url}"
        );
    }
}

#[test]
fn nothing_outside_the_output_folder_is_reachable() {
    let (addr, _tmp) = serve();
    for path in [
        "/../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/%2E%2E/Cargo.toml",
        "/..%2fCargo.toml",
        "/..%2FCargo.toml",
        "/..%5cCargo.toml",
        "/db/../../Cargo.toml",
        "/db/%2e%2e/%2e%2e/Cargo.toml",
        "/link.txt",
        "/outside/secret.txt",
        "/outside/www/Cargo.toml",
        "//etc/passwd",
        "/%00",
    ] {
        let response = get(addr, path);
        assert_eq!(response.status, 404, "{path}");
        assert!(
            !String::from_utf8_lossy(&response.body).contains("secret"),
            "{path} leaked"
        );
    }
}

#[test]
fn serve_listens_on_loopback_unless_told_otherwise() {
    use clap::Parser;
    let cli = runbook::cli::Cli::try_parse_from(["runbook", "serve"]).unwrap();
    let runbook::cli::Command::Serve(args) = cli.command else {
        panic!("`runbook serve` parses as the serve command");
    };
    assert_eq!(args.bind, std::net::IpAddr::from([127, 0, 0, 1]));
    assert_eq!(args.port, 3000);
    let cli = runbook::cli::Cli::try_parse_from([
        "runbook", "serve", "--bind", "0.0.0.0", "--port", "8080",
    ])
    .unwrap();
    let runbook::cli::Command::Serve(args) = cli.command else {
        panic!("serve with flags");
    };
    assert!(args.bind.is_unspecified());
    assert_eq!(args.port, 8080);
}

/// Told to listen beyond loopback, `serve` does, and says what that means.
#[test]
fn serve_on_another_address_warns() {
    use std::io::{BufRead, BufReader};
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("content")).unwrap();
    std::fs::write(tmp.path().join("book.toml"), "[book]\nsrc = \"content\"\n").unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_runbook"))
        .args(["serve", "--bind", "0.0.0.0", "--port", "0"])
        .current_dir(tmp.path())
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (send, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            drop(send.send(line));
        }
    });
    let mut seen = Vec::new();
    while let Ok(line) = lines.recv_timeout(std::time::Duration::from_secs(30)) {
        let done = line.starts_with("warning: listening on 0.0.0.0, not on loopback");
        seen.push(line);
        if done {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        seen.iter()
            .any(|l| l.starts_with("serving ") && l.contains("http://0.0.0.0:")),
        "{seen:?}"
    );
    assert!(
        seen.last()
            .is_some_and(|l| l.starts_with("warning: listening on 0.0.0.0")),
        "{seen:?}"
    );
}

#[test]
fn requests_for_another_host_are_refused() {
    let (addr, _tmp) = serve();
    let port = addr.port();
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        "docs.localhost".to_string(),
    ] {
        assert_eq!(get_from(addr, "/", &host).status, 200, "{host}");
    }
    // A page at attacker.example that pointed its name at 127.0.0.1.
    for host in [
        format!("attacker.example:{port}"),
        "127.0.0.1.attacker.example".to_string(),
        "localhost.attacker.example".to_string(),
    ] {
        let response = get_from(addr, "/", &host);
        assert_eq!(response.status, 403, "{host}");
        assert!(response.text().contains("localhost only"), "{host}");
    }
}

/// A connection that never finishes its request is closed after
/// `HEADER_TIMEOUT`, and while it waits the server answers others: idle
/// connections cannot pile up until the process has no descriptor left.
#[test]
fn a_request_never_finished_is_dropped() {
    use std::io::{Read, Write};
    let (addr, _tmp) = serve();
    let held: Vec<std::net::TcpStream> = (0..50)
        .map(|_| {
            let mut s = std::net::TcpStream::connect(addr).unwrap();
            s.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
                .unwrap();
            s
        })
        .collect();
    assert_eq!(get(addr, "/").status, 200);
    for mut s in held {
        s.set_read_timeout(Some(runbook::serve::HEADER_TIMEOUT * 3))
            .unwrap();
        let mut rest = Vec::new();
        // The server closes it: the read ends, with or without a 408.
        let read = s.read_to_end(&mut rest);
        assert!(read.is_ok(), "{read:?}");
        let said = String::from_utf8_lossy(&rest);
        assert!(
            rest.is_empty() || said.starts_with("HTTP/1.1 408"),
            "{said}"
        );
    }
}
