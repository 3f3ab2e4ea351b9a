//! End to end in a real browser: build the fixture site, serve it from a
//! sub-path over a real socket, and drive headless Chromium through the
//! search box to a runbook's section, with no console errors on the way.
//! Also opens the site from `file://`: the quick filter works there and the
//! search page says what full-text search needs.
//!
//! A book of hostile content is opened the same way: no payload in it may
//! run, whatever is clicked or hovered.
//!
//! Needs Chromium (`apt-get install chromium`, or `CHROMIUM=/path`). With
//! `CI` set, a missing Chromium fails the test; without it, the test says
//! loudly that it did not run.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use headless_chrome::protocol::cdp::Emulation;
use headless_chrome::protocol::cdp::Log::LogEntryLevel;
use headless_chrome::protocol::cdp::Page::CaptureScreenshotFormatOption;
use headless_chrome::protocol::cdp::Runtime::ConsoleAPICalledEventTypeOption;
use headless_chrome::protocol::cdp::types::Event;
use headless_chrome::{Browser, LaunchOptions, Tab};

use runbook::config::Settings;

mod common;

fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.is_file())
}

/// Emulates a screen of `width` by `height` CSS pixels, a phone's when
/// `mobile`.
fn set_viewport(tab: &Tab, width: u32, height: u32, mobile: bool) {
    tab.call_method(Emulation::SetDeviceMetricsOverride {
        width,
        height,
        device_scale_factor: 1.0,
        mobile,
        scale: None,
        screen_width: None,
        screen_height: None,
        position_x: None,
        position_y: None,
        dont_set_visible_size: None,
        screen_orientation: None,
        viewport: None,
        display_feature: None,
        device_posture: None,
    })
    .unwrap();
}

/// `tests/fixtures/NAME/book.toml`.
fn book(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
        .join("book.toml")
}

/// A fixture book's site in `www/runbooks/`, with its 404 page answering
/// for every missing path of `www`, as a portal's server would.
fn build_site(book: &Path, www: &Path) -> PathBuf {
    let mut settings = Settings::load(book).expect("fixture book.toml loads");
    settings.config.build.site_url = "/runbooks/".into();
    let dest = www.join("runbooks");
    let today = "2026-11-25".parse().unwrap();
    runbook::site::build(&settings, today, &dest).expect("fixture site builds");
    std::fs::copy(dest.join("404.html"), www.join("404.html")).unwrap();
    dest
}

/// Every console error, uncaught exception and failed load the page reports.
fn watch_errors(tab: &Tab) -> Arc<Mutex<Vec<String>>> {
    let errors = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&errors);
    tab.enable_log().unwrap();
    tab.enable_runtime().unwrap();
    tab.add_event_listener(Arc::new(move |event: &Event| {
        let message = match event {
            Event::LogEntryAdded(e) if e.params.entry.level == LogEntryLevel::Error => {
                Some(format!("log: {}", e.params.entry.text))
            }
            Event::RuntimeConsoleAPICalled(e)
                if e.params.Type == ConsoleAPICalledEventTypeOption::Error =>
            {
                Some(format!(
                    "console.error: {:?}",
                    e.params.args.first().and_then(|a| a.value.clone())
                ))
            }
            Event::RuntimeExceptionThrown(e) => {
                Some(format!("exception: {}", e.params.exception_details.text))
            }
            _ => None,
        };
        if let Some(message) = message {
            sink.lock().unwrap().push(message);
        }
    }))
    .unwrap();
    errors
}

fn text_of(tab: &Tab, selector: &str) -> String {
    let script = format!(
        "Array.from(document.querySelectorAll({selector:?})).filter(e => !e.closest('[hidden]')).map(e => e.textContent).join('\\n')"
    );
    tab.evaluate(&script, false)
        .unwrap()
        .value
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Chromium, or `None` (with a loud message) when it is missing outside CI.
fn chromium_or_skip(test: &str) -> Option<PathBuf> {
    let found = chromium();
    if found.is_none() {
        if std::env::var_os("CI").is_some() {
            panic!("CI is set but Chromium is missing: apt-get install chromium (or set CHROMIUM)");
        }
        eprintln!("\n*** {test} NOT RUN: Chromium not found (apt-get install chromium) ***\n");
    }
    found
}

/// A fixture book's site under `/runbooks/` of a server on a free port.
fn serve(book: &Path) -> (String, PathBuf, tempfile::TempDir) {
    let www = tempfile::tempdir().unwrap();
    let site = build_site(book, www.path());
    let server = runbook::serve::Server::bind(www.path(), "127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = server.local_addr().unwrap();
    std::thread::spawn(move || server.run());
    (format!("http://{addr}/runbooks/"), site, www)
}

fn launch(chrome: PathBuf, profile: &Path) -> Browser {
    let args: Vec<&std::ffi::OsStr> = [
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
    .iter()
    .map(std::ffi::OsStr::new)
    .collect();
    Browser::new(LaunchOptions {
        path: Some(chrome),
        headless: true,
        sandbox: false,
        window_size: Some((1280, 900)),
        user_data_dir: Some(profile.to_path_buf()),
        args,
        ..LaunchOptions::default()
    })
    .expect("Chromium starts")
}

#[test]
fn search_finds_a_runbook_and_opens_its_section() {
    let Some(chrome) = chromium_or_skip("browser search test") else {
        return;
    };
    let (base, site, _www) = serve(&book("site"));
    let profile = tempfile::tempdir().unwrap();
    let browser = launch(chrome, profile.path());
    let tab = browser.new_tab().unwrap();
    tab.set_default_timeout(Duration::from_secs(20));
    let errors = watch_errors(&tab);

    // From the index page's header search box, as an engineer would.
    tab.navigate_to(&format!("{base}index.html"))
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    // The watcher sees errors: a probe must arrive, then the slate is clean.
    tab.evaluate("console.error('probe')", false).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(errors.lock().unwrap().len(), 1, "the error watcher works");
    errors.lock().unwrap().clear();
    tab.wait_for_element("#rb\\:site-q")
        .unwrap()
        .click()
        .unwrap();
    tab.type_str("settlements reconciliation").unwrap();
    tab.press_key("Enter").unwrap();
    tab.wait_until_navigated().unwrap();
    let link = tab
        .wait_for_element(".result .section-link")
        .expect("search results with a section link appear");
    let results = text_of(&tab, ".result-title");
    assert!(
        results.contains("Restore a Ledger database from backup"),
        "results: {results}"
    );
    let marks = text_of(&tab, ".result mark");
    assert!(
        marks.to_lowercase().contains("settlements"),
        "highlighted: {marks}"
    );

    let artefacts = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/artefacts");
    std::fs::create_dir_all(&artefacts).unwrap();
    let png = tab
        .capture_screenshot(CaptureScreenshotFormatOption::Png, None, None, true)
        .unwrap();
    std::fs::write(artefacts.join("search.png"), png).unwrap();

    let section = text_of(&tab, ".result .section-link");
    assert!(
        section.contains("Verify the restore"),
        "sections: {section}"
    );
    link.click().unwrap();
    tab.wait_until_navigated().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let url = tab.get_url();
    assert!(
        url.ends_with("/runbooks/db/restore.html#verify-the-restore"),
        "followed to {url}"
    );
    tab.wait_for_element("h2#verify-the-restore").unwrap();

    // A filter without a query lists that owner's runbooks only.
    tab.navigate_to(&format!("{base}search.html?owner=netops"))
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    tab.wait_for_element(".result").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let results = text_of(&tab, ".result-title");
    assert_eq!(results, "Cut DNS over to the standby region");
    tab.navigate_to(&format!("{base}search.html?review=overdue"))
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    tab.wait_for_element(".result").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let results = text_of(&tab, ".result-title");
    assert_eq!(results, "Fail over the Ledger primary database");

    // From file://: the quick filter narrows the list without a server.
    let index = format!("file://{}/index.html", site.display());
    tab.navigate_to(&index)
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    tab.wait_for_element("[id='rb:filter']")
        .unwrap()
        .click()
        .unwrap();
    tab.type_str("netops").unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let shown = text_of(&tab, "li[data-filter] .item-title");
    assert_eq!(shown, "Cut DNS over to the standby region");
    let search = format!("file://{}/search.html?q=restore", site.display());
    tab.navigate_to(&search)
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let status = text_of(&tab, "[id='rb:search-status']");
    assert!(
        status.contains("runbook serve"),
        "file:// search says: {status}"
    );

    let errors = errors.lock().unwrap();
    assert!(errors.is_empty(), "the pages logged errors: {errors:#?}");
}

/// axe-core's WCAG A/AA rules on every kind of page, light and dark, when
/// `AXE_CORE` names `axe.min.js` (`npm install axe-core`); the file is not
/// vendored here.
#[test]
fn pages_pass_axe_accessibility_checks() {
    let Some(axe) = std::env::var_os("AXE_CORE") else {
        // .ci/run installs axe-core and sets AXE_CORE: in CI this must run.
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but AXE_CORE is not: run .ci/run"
        );
        eprintln!("\n*** accessibility test NOT RUN: set AXE_CORE=path/to/axe.min.js ***\n");
        return;
    };

    let Some(chrome) = chromium_or_skip("accessibility test") else {
        return;
    };
    let axe = std::fs::read_to_string(axe).expect("AXE_CORE is readable");
    let (base, _site, _www) = serve(&book("site"));
    let profile = tempfile::tempdir().unwrap();
    let browser = launch(chrome, profile.path());
    let tab = browser.new_tab().unwrap();
    tab.set_default_timeout(Duration::from_secs(20));
    let mut violations = Vec::new();
    for scheme in ["light", "dark"] {
        tab.call_method(Emulation::SetEmulatedMedia {
            media: None,
            features: Some(vec![Emulation::MediaFeature {
                name: "prefers-color-scheme".into(),
                value: scheme.into(),
            }]),
        })
        .unwrap();
        for page in [
            "index.html",
            "dashboard.html",
            "payments/failover.html",
            "owners/payments-oncall.html",
            "search.html?q=restore",
            "no/such/page",
        ] {
            tab.navigate_to(&format!("{base}{page}"))
                .unwrap()
                .wait_until_navigated()
                .unwrap();
            if page.starts_with("search") {
                tab.wait_for_element(".result").unwrap();
            }
            tab.evaluate(&axe, false).unwrap();
            let found = tab
                .evaluate(
                    "axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'best-practice'] })\
                     .then(r => JSON.stringify(r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))))",
                    true,
                )
                .unwrap()
                .value
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            let found: Vec<String> = serde_json::from_str(&found).unwrap();
            violations.extend(found.into_iter().map(|v| format!("{scheme} {page}: {v}")));
        }
    }
    assert!(
        violations.is_empty(),
        "accessibility violations: {violations:#?}"
    );
}

/// The project's own sample book (`content/`) as an engineer sees it: every
/// kind of page at desktop (1280 px) and phone (390 px) width, light and
/// dark. On a phone nothing may be wider than the screen (wide tables and
/// code scroll inside their own box). Full-page screenshots are saved under
/// `target/artefacts/screens/`, or `$SCREENSHOTS` when set.
#[test]
fn sample_book_fits_phone_and_desktop_screens() {
    let Some(chrome) = chromium_or_skip("screen size test") else {
        return;
    };
    let www = tempfile::tempdir().unwrap();
    let book = Path::new(env!("CARGO_MANIFEST_DIR")).join("book.toml");
    let mut settings = Settings::load(&book).expect("book.toml loads");
    // Served under `/runbooks/`, missing pages answered with the site's 404.
    settings.config.build.site_url = "/runbooks/".into();
    let site = www.path().join("runbooks");
    // A day when some reviews are overdue and some due soon: badges show.
    runbook::site::build(&settings, "2026-12-24".parse().unwrap(), &site).expect("content/ builds");
    std::fs::copy(site.join("404.html"), www.path().join("404.html")).unwrap();
    let server = runbook::serve::Server::bind(www.path(), "127.0.0.1:0".parse().unwrap()).unwrap();
    let base = format!("http://{}/runbooks/", server.local_addr().unwrap());
    std::thread::spawn(move || server.run());
    let screens = std::env::var_os("SCREENSHOTS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("target/artefacts/screens"),
        PathBuf::from,
    );
    std::fs::create_dir_all(&screens).unwrap();

    let profile = tempfile::tempdir().unwrap();
    let browser = launch(chrome, profile.path());
    let tab = browser.new_tab().unwrap();
    tab.set_default_timeout(Duration::from_secs(20));
    let mut too_wide = Vec::new();
    for scheme in ["light", "dark"] {
        tab.call_method(Emulation::SetEmulatedMedia {
            media: None,
            features: Some(vec![Emulation::MediaFeature {
                name: "prefers-color-scheme".into(),
                value: scheme.into(),
            }]),
        })
        .unwrap();
        for (device, width, mobile) in [("desktop", 1280, false), ("phone", 390, true)] {
            for (name, page) in [
                ("index", "index.html"),
                ("runbook", "database/restore.html"),
                ("dashboard", "dashboard.html"),
                ("search", "search.html?q=restore"),
                ("404", "no/such/page"),
            ] {
                set_viewport(&tab, width, 900, mobile);
                tab.navigate_to(&format!("{base}{page}"))
                    .unwrap()
                    .wait_until_navigated()
                    .unwrap();
                if name == "search" {
                    tab.wait_for_element(".result").unwrap();
                }
                std::thread::sleep(Duration::from_millis(200));
                let wider = tab
                    .evaluate(
                        "Array.from(document.querySelectorAll('body *'))\
                         .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)\
                         .filter(e => !e.parentElement.closest('pre, .table-wrap, table'))\
                         .map(e => e.tagName.toLowerCase() + '.' + e.className).join(', ')",
                        false,
                    )
                    .unwrap()
                    .value
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                if !wider.is_empty() {
                    too_wide.push(format!("{scheme} {device} {page}: {wider}"));
                }
                let height = tab
                    .evaluate("document.documentElement.scrollHeight", false)
                    .unwrap()
                    .value
                    .and_then(|v| v.as_u64())
                    .unwrap_or(900)
                    .clamp(600, 6000) as u32;
                set_viewport(&tab, width, height, mobile);
                let png = tab
                    .capture_screenshot(CaptureScreenshotFormatOption::Png, None, None, true)
                    .unwrap();
                std::fs::write(screens.join(format!("{name}-{device}-{scheme}.png")), png).unwrap();
            }
        }
    }
    assert!(too_wide.is_empty(), "wider than the screen: {too_wide:#?}");
}

/// What a payload would have changed: `window.__pwned`, the title,
/// `localStorage.pwned`, the address.
fn page_state(tab: &Tab, dialogs: &Mutex<Vec<String>>) -> serde_json::Value {
    let found = tab.evaluate(
        "JSON.stringify({ pwned: window.__pwned === undefined ? null : String(window.__pwned), \
         title: document.title, stored: localStorage.getItem('pwned'), url: location.href })",
        false,
    );
    let json = found
        .unwrap_or_else(|e| panic!("the page does not answer ({e}); dialogs: {dialogs:?}"))
        .value
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    serde_json::from_str(&json).unwrap()
}

#[test]
fn hostile_content_never_runs() {
    let www = tempfile::tempdir().unwrap();
    let site = build_site(&book("hostile"), www.path());
    let title = "</title><script>window.__pwned='title'</script>";

    // The built pages hold nothing that could run.
    let mut pages = 0;
    for entry in walkdir::WalkDir::new(&site) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "html") {
            continue;
        }
        pages += 1;
        let html = std::fs::read_to_string(entry.path()).unwrap();
        let found = common::html::script_vectors(&html);
        assert!(found.is_empty(), "{}: {found:#?}", entry.path().display());
    }
    assert!(pages >= 4, "only {pages} pages built");
    let html = std::fs::read_to_string(site.join("hostile.html")).unwrap();
    let titles = common::html::titles(&html);
    assert_eq!(titles, [format!("{title} · Hostile")]);
    for kept in [
        "echo info string breaking out",
        "hostile raw link",
        "hostile button",
    ] {
        assert!(html.contains(kept), "`{kept}` lost: {html}");
    }

    // And in a browser, nothing runs, whatever is clicked or hovered.
    let Some(chrome) = chromium_or_skip("hostile content browser test") else {
        return;
    };
    let server = runbook::serve::Server::bind(www.path(), "127.0.0.1:0".parse().unwrap()).unwrap();
    let base = format!("http://{}/runbooks/", server.local_addr().unwrap());
    std::thread::spawn(move || server.run());
    let profile = tempfile::tempdir().unwrap();
    let browser = launch(chrome, profile.path());
    let tab = browser.new_tab().unwrap();
    tab.set_default_timeout(Duration::from_secs(20));
    let dialogs = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&dialogs);
    let handle = Arc::clone(&tab);
    tab.add_event_listener(Arc::new(move |event: &Event| {
        if let Event::PageJavascriptDialogOpening(e) = event {
            seen.lock().unwrap().push(e.params.message.clone());
            let _ = handle.get_dialog().dismiss();
        }
    }))
    .unwrap();

    // The probe: the flags can be read and a dialog would be seen.
    let page = format!("{base}hostile.html");
    tab.navigate_to(&page)
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    tab.evaluate("setTimeout(() => alert('probe'), 0)", false)
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        *dialogs.lock().unwrap(),
        ["probe"],
        "the dialog watcher works"
    );
    dialogs.lock().unwrap().clear();

    let clean = |tab: &Tab, what: &str| {
        let state = page_state(tab, &dialogs);
        assert_eq!(state["pwned"], serde_json::Value::Null, "{what}: {state}");
        assert_eq!(state["stored"], serde_json::Value::Null, "{what}: {state}");
        assert_ne!(state["title"], "pwned", "{what}: {state}");
        assert!(
            dialogs.lock().unwrap().is_empty(),
            "{what}: dialogs {dialogs:?}"
        );
        state
    };
    for other in ["index.html", "dashboard.html", "search.html?q=hostile"] {
        tab.navigate_to(&format!("{base}{other}"))
            .unwrap()
            .wait_until_navigated()
            .unwrap();
        std::thread::sleep(Duration::from_millis(700));
        clean(&tab, other);
    }
    assert!(
        text_of(&tab, ".result-title").contains(title),
        "search lists the hostile runbook by its title, as text"
    );

    tab.navigate_to(&page)
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let state = clean(&tab, "loading the page");
    assert_eq!(state["title"], format!("{title} · Hostile"));
    let targets = "//main//a[contains(., 'hostile')] | //main//button[contains(., 'hostile')]";
    let count = tab.find_elements_by_xpath(targets).unwrap().len();
    assert!(count >= 5, "only {count} hostile links on the page");
    for i in 0..count {
        // A click may reload the page: find the element again each time.
        let elements = tab.find_elements_by_xpath(targets).unwrap();
        let element = &elements[i];
        let label = element.get_inner_text().unwrap_or_default();
        element.click().unwrap();
        std::thread::sleep(Duration::from_millis(400));
        let state = clean(&tab, &format!("clicking `{label}`"));
        let url = state["url"].as_str().unwrap_or_default();
        assert!(url.starts_with(&page), "clicking `{label}` went to {url}");
        if url != page {
            tab.navigate_to(&page)
                .unwrap()
                .wait_until_navigated()
                .unwrap();
        }
    }
    for element in tab
        .find_elements("main pre, main code, main h1, main img, main svg")
        .unwrap()
    {
        let _ = element.move_mouse_over();
    }
    std::thread::sleep(Duration::from_millis(300));
    clean(&tab, "hovering over the code blocks");
}

/// A runbook read on a phone during an incident (audit 9, M1, M2): the
/// lint findings are one closed line, so the first step is on the first
/// screen; the skip link lands on the content; a link to the findings
/// opens them; Copy on a transcript gives its commands alone, without
/// prompts or output, continuations kept; on plain commands, the block.
#[test]
fn a_runbook_on_a_phone_shows_the_procedure_first_and_copies_only_commands() {
    let Some(chrome) = chromium_or_skip("incident page test") else {
        return;
    };
    let (base, _site, _www) = serve(&book("incident"));
    let profile = tempfile::tempdir().unwrap();
    let browser = launch(chrome, profile.path());
    let tab = browser.new_tab().unwrap();
    tab.set_default_timeout(Duration::from_secs(20));
    let errors = watch_errors(&tab);
    set_viewport(&tab, 390, 900, true);
    let eval = |script: &str| -> serde_json::Value {
        tab.evaluate(script, true)
            .unwrap()
            .value
            .unwrap_or(serde_json::Value::Null)
    };
    tab.navigate_to(&format!("{base}web/restart.html"))
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    tab.wait_for_element("#rb\\:findings").unwrap();

    let findings = eval("document.querySelectorAll('#rb\\\\:findings li').length");
    assert!(
        findings.as_u64().unwrap() >= 15,
        "a page with many findings: {findings}"
    );
    assert_eq!(eval("document.getElementById('rb:findings').open"), false);
    let summary = eval("document.querySelector('#rb\\\\:findings summary').textContent");
    assert!(
        summary
            .as_str()
            .unwrap()
            .starts_with(&format!("{findings} lint findings: ")),
        "{summary}"
    );
    let first_step = eval("document.querySelector('.content h2').getBoundingClientRect().top");
    assert!(
        first_step.as_f64().unwrap() < 900.0,
        "the first step is on the first screen, at {first_step}"
    );

    // The skip link moves the focus to the content.
    eval("document.querySelector('a.skip').focus()");
    tab.press_key("Enter").unwrap();
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(eval("document.activeElement.id"), "rb:content");

    // What the copy buttons hand the clipboard.
    eval(
        "window.__copied = []; navigator.clipboard.writeText = function (t) { window.__copied.push(t); return Promise.resolve(); }; true",
    );
    for button in tab.find_elements("button.copy").unwrap().iter().take(3) {
        button.click().unwrap();
    }
    std::thread::sleep(Duration::from_millis(300));
    let copied = eval("JSON.stringify(window.__copied)");
    let copied: Vec<String> = serde_json::from_str(copied.as_str().unwrap()).unwrap();
    assert_eq!(
        copied,
        [
            "kubectl get pods -n <namespace>\nkubectl -n <namespace> rollout restart \\\n    deploy/<deployment>",
            "ssh <node> uptime\nssh <node> df -h /var",
            "kubectl -n <namespace> get events\nkubectl -n <namespace> logs deploy/<deployment> --since=<window>",
        ]
    );
    // Selecting by hand leaves the prompts out too.
    assert_eq!(
        eval("getComputedStyle(document.querySelector('.transcript .prompt')).userSelect"),
        "none"
    );

    // The dashboard's link to the findings opens them.
    tab.navigate_to(&format!("{base}dashboard.html"))
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    tab.wait_for_element("a[href$='#rb:findings']")
        .unwrap()
        .click()
        .unwrap();
    tab.wait_until_navigated().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(eval("document.getElementById('rb:findings').open"), true);

    let errors = errors.lock().unwrap();
    assert!(errors.is_empty(), "the pages logged errors: {errors:#?}");
}

/// A browser tab on a fixture book's site, served under `/runbooks/`.
struct Site {
    base: String,
    _www: tempfile::TempDir,
    _profile: tempfile::TempDir,
    _browser: Browser,
    tab: Arc<Tab>,
}

fn open_site(name: &str, test: &str) -> Option<Site> {
    let chrome = chromium_or_skip(test)?;
    let (base, _site, www) = serve(&book(name));
    let profile = tempfile::tempdir().unwrap();
    let browser = launch(chrome, profile.path());
    let tab = browser.new_tab().unwrap();
    tab.set_default_timeout(Duration::from_secs(20));
    Some(Site {
        base,
        _www: www,
        _profile: profile,
        _browser: browser,
        tab,
    })
}

impl Site {
    fn go(&self, page: &str) {
        self.tab
            .navigate_to(&format!("{}{page}", self.base))
            .unwrap()
            .wait_until_navigated()
            .unwrap();
    }

    /// The value of `script` (awaited when it is a promise).
    fn eval(&self, script: &str) -> serde_json::Value {
        self.tab
            .evaluate(script, true)
            .unwrap()
            .value
            .unwrap_or(serde_json::Value::Null)
    }

    fn text(&self, script: &str) -> String {
        match self.eval(script) {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        }
    }

    /// Waits until `script` is true.
    fn until(&self, what: &str, script: &str) {
        for _ in 0..100 {
            if self.eval(script) == serde_json::Value::Bool(true) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("{what}: `{script}` never became true");
    }

    fn media(&self, media: Option<&str>, scheme: &str) {
        self.tab
            .call_method(Emulation::SetEmulatedMedia {
                media: media.map(str::to_string),
                features: Some(vec![Emulation::MediaFeature {
                    name: "prefers-color-scheme".into(),
                    value: scheme.into(),
                }]),
            })
            .unwrap();
    }
}

/// The search page's status once searching is over.
fn search_status(site: &Site, query: &str) -> String {
    site.go(&format!("search.html?q={query}"));
    let status = "document.getElementById('rb:search-status').textContent";
    site.until(
        query,
        &format!("{status} !== '' && {status} !== 'Searching…'"),
    );
    site.text(status)
}

/// Audit 16, finding 1: a word in no runbook is not reported as a match,
/// although Pagefind falls back to a shorter prefix and returns pages.
#[test]
fn search_says_so_when_no_runbook_holds_the_words() {
    let Some(site) = open_site("site", "honest search status test") else {
        return;
    };
    for word in ["xylophone", "helm", "terraform", "pg_dump"] {
        let status = search_status(&site, word);
        assert!(
            status.starts_with(&format!("No runbook contains “{word}”.")),
            "{word}: {status}"
        );
        assert_eq!(
            site.eval("document.querySelectorAll('[id=\"rb:results\"] > li').length"),
            0,
            "{word}"
        );
        // Whatever Pagefind did return is under its own heading.
        let partial = site.eval("document.querySelectorAll('[id=\"rb:partial\"] > li').length");
        let heading = site.eval("!document.getElementById('rb:partial-title').hidden");
        assert_eq!(
            heading,
            serde_json::Value::Bool(partial.as_u64().unwrap() > 0),
            "{word}: {partial} partial results"
        );
    }
    let status = search_status(&site, "restore%20xylophone");
    assert!(
        status.starts_with("No runbook contains every word of “restore xylophone”."),
        "{status}"
    );

    // Words that are there are counted, a plural or an -ing form too, as
    // Pagefind's stemming finds them. The fixture's index is in two shards:
    // the shard without the word falls back on its own, so whole and partial
    // matches can come together, each in its own list.
    for word in ["restore", "restoring", "reconciliation", "settlement"] {
        let status = search_status(&site, word);
        assert!(!status.starts_with("No runbook"), "{word}: {status}");
        let whole = site.text("Array.from(document.querySelectorAll('[id=\"rb:results\"] > li .result-title')).map(a => a.textContent).join('|')");
        assert!(
            whole.contains("Restore a Ledger database from backup"),
            "{word}: {whole}"
        );
    }
    let status = search_status(&site, "settlement");
    assert_eq!(
        status,
        "1 runbook contains “settlement”; 1 more has a partial match."
    );
    assert_eq!(
        site.text("document.querySelector('[id=\"rb:partial\"] .result-title').textContent"),
        "Fail over the Ledger primary database"
    );
    assert_eq!(
        site.eval("document.getElementById('rb:partial-title').hidden"),
        false
    );
    let placeholder = site.text("document.getElementById('rb:search-q').placeholder");
    assert!(!placeholder.contains("pg_dump"), "{placeholder}");
}

/// Audit 16, findings 4, 9 and 10: Copy hands over no trailing blank line,
/// says what happened to screen readers, keeps a failure on screen, and
/// leaves the keyboard focus on the button when it has to copy the old way
/// (plain http:// on another host).
#[test]
fn copy_announces_keeps_focus_and_copies_no_trailing_newline() {
    let Some(site) = open_site("copy", "copy button test") else {
        return;
    };
    site.go("deploy/rollback.html");
    site.eval(
        "window.__copied = []; navigator.clipboard.writeText = function (t) { window.__copied.push(t); return Promise.resolve(); }; true",
    );
    let first = site.tab.wait_for_element("button.copy").unwrap();
    first.click().unwrap();
    site.until("copied", "window.__copied.length === 1");
    assert_eq!(
        site.eval("window.__copied[0]"),
        "kubectl -n ledger-prod rollout undo deployment/ledger-api"
    );
    site.until(
        "announced",
        "(document.getElementById('rb:copy-status') || {}).textContent === 'Copied to the clipboard.'",
    );
    assert_eq!(
        site.eval("document.getElementById('rb:copy-status').getAttribute('role')"),
        "status"
    );
    // Named by what it shows while it shows an outcome (label in name).
    assert_eq!(
        site.eval("document.querySelector('button.copy').textContent"),
        "Copied"
    );
    assert_eq!(
        site.eval("document.querySelector('button.copy').hasAttribute('aria-label')"),
        false
    );
    site.until(
        "back to Copy",
        "document.querySelector('button.copy').textContent === 'Copy'",
    );
    assert_eq!(
        site.eval("document.querySelector('button.copy').getAttribute('aria-label')"),
        "Copy code to clipboard"
    );

    // A refused copy says so, and keeps saying so.
    site.eval("navigator.clipboard.writeText = function () { return Promise.reject(new Error('no')); }; true");
    first.click().unwrap();
    site.until(
        "failure shown",
        "document.querySelector('button.copy').textContent === 'Select and copy'",
    );
    std::thread::sleep(Duration::from_millis(2000));
    assert_eq!(
        site.eval("document.querySelector('button.copy').textContent"),
        "Select and copy"
    );
    assert!(
        site.text("document.getElementById('rb:copy-status').textContent")
            .contains("copy it by hand")
    );

    // The old way, through a selected textarea: the focus comes back.
    site.go("deploy/rollback.html");
    site.eval(
        "Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true }); \
         window.__copied = []; \
         document.addEventListener('copy', e => window.__copied.push(e.target.value)); true",
    );
    site.eval("document.querySelectorAll('button.copy')[1].focus(); true");
    site.tab.press_key("Enter").unwrap();
    site.until(
        "copied the old way",
        "document.querySelectorAll('button.copy')[1].textContent !== 'Copy'",
    );
    assert_eq!(
        site.eval("document.activeElement === document.querySelectorAll('button.copy')[1]"),
        true,
        "focus on {}",
        site.text("document.activeElement.outerHTML.slice(0, 80)")
    );
    assert_eq!(
        site.eval("document.querySelectorAll('button.copy')[1].textContent"),
        "Copied"
    );
    let copied = site.text("window.__copied.join('|')");
    assert!(
        copied.starts_with("kubectl -n ledger-prod get deploy ledger-api")
            && copied.ends_with("END-OF-THE-LINE'"),
        "{copied}"
    );
    assert!(site.eval("document.querySelector('textarea')").is_null());
}

/// Audit 16, finding 13: without script, copy buttons, the index filter,
/// the `/` hint and the dashboard's "select a column heading to sort",
/// which would do nothing, are not shown; with it, they are.
#[test]
fn controls_that_need_script_show_only_with_it() {
    let Some(site) = open_site("copy", "no-script test") else {
        return;
    };
    let shown = |selector: &str| -> Vec<bool> {
        let found = site.text(&format!(
            "JSON.stringify(Array.from(document.querySelectorAll({selector:?})).map(e => getComputedStyle(e).display !== 'none'))"
        ));
        serde_json::from_str(&found).unwrap()
    };
    for (scripts, expect) in [(false, false), (true, true)] {
        site.tab
            .call_method(Emulation::SetScriptExecutionDisabled { value: !scripts })
            .unwrap();
        site.go("deploy/rollback.html");
        let copies = shown("button.copy");
        assert_eq!(copies.len(), 3);
        assert!(
            copies.iter().all(|&s| s == expect),
            "scripts {scripts}: {copies:?}"
        );
        site.go("index.html");
        assert_eq!(shown(".quick-filter"), [expect], "scripts {scripts}");
        assert_eq!(shown(".site-search kbd"), [expect], "scripts {scripts}");
        // The search form itself works without script: it stays.
        assert_eq!(shown(".site-search"), [true], "scripts {scripts}");
        // The dashboard asks to sort by a column heading only with script.
        site.go("dashboard.html");
        assert_eq!(shown(".needs-js"), [expect], "scripts {scripts}");
    }
}

/// Where Tab goes on a page, from its top, for `stops` presses: each stop
/// as `thead BUTTON Runbook`, `tbody A Restore`, `A Search` (the part of a
/// table it is in, the element, its text).
fn tab_stops(site: &Site, stops: usize) -> Vec<String> {
    (0..stops)
        .map(|_| {
            site.tab.press_key("Tab").unwrap();
            site.text(
                "(e => ['thead', 'tbody'].filter(p => e.closest(p)).concat([e.tagName, e.textContent.trim()]).join(' '))(document.activeElement)",
            )
        })
        .collect()
}

/// Without script a dashboard column heading is text, not a sort button
/// that does nothing: Tab goes from the header to the first runbook. With
/// script each heading is a button, on the way, that sorts the table.
#[test]
fn sort_buttons_exist_only_with_script_and_sort() {
    let Some(site) = open_site("site", "sort buttons test") else {
        return;
    };
    site.tab
        .call_method(Emulation::SetScriptExecutionDisabled { value: true })
        .unwrap();
    site.go("dashboard.html");
    assert_eq!(
        site.eval("document.querySelectorAll('thead button').length"),
        0
    );
    let stops = tab_stops(&site, 10);
    assert!(!stops.iter().any(|s| s.starts_with("thead")), "{stops:#?}");
    let first_row = stops.iter().position(|s| s.starts_with("tbody A"));
    let search = stops.iter().position(|s| s.starts_with("INPUT"));
    assert_eq!(
        first_row.zip(search).map(|(row, search)| row - search),
        Some(1),
        "{stops:#?}"
    );

    site.tab
        .call_method(Emulation::SetScriptExecutionDisabled { value: false })
        .unwrap();
    site.go("dashboard.html");
    site.until(
        "sort buttons",
        "document.querySelectorAll('thead th button').length === 6",
    );
    let stops = tab_stops(&site, 10);
    assert!(
        stops.contains(&"thead BUTTON Runbook".to_string()),
        "{stops:#?}"
    );
    let column = |n: usize| -> Vec<String> {
        serde_json::from_str(&site.text(&format!(
            "JSON.stringify(Array.from(document.querySelectorAll('tbody tr')).map(r => r.cells[{n}].getAttribute('data-value')))"
        )))
        .unwrap()
    };
    let mut titles = column(0);
    assert!(titles.len() >= 3, "{titles:?}");
    titles.sort();
    site.eval("document.querySelector('thead th button').click()");
    assert_eq!(column(0), titles);
    assert_eq!(
        site.text("document.querySelector('thead th').getAttribute('aria-sort')"),
        "ascending"
    );
    site.eval("document.querySelector('thead th button').click()");
    titles.reverse();
    assert_eq!(column(0), titles);
    // Findings sort as numbers, most first on a second press.
    site.eval("document.querySelectorAll('thead th button')[5].click()");
    site.eval("document.querySelectorAll('thead th button')[5].click()");
    let findings: Vec<u64> = column(5).iter().map(|f| f.parse().unwrap()).collect();
    assert!(findings.windows(2).all(|w| w[0] >= w[1]), "{findings:?}");
    assert!(findings.first() > findings.last(), "{findings:?}");
}

/// WCAG contrast ratio of two `rgb(...)` colours.
fn contrast(a: &str, b: &str) -> f64 {
    let luminance = |c: &str| -> f64 {
        let v: Vec<f64> = c
            .trim_start_matches("rgba(")
            .trim_start_matches("rgb(")
            .trim_end_matches(')')
            .split(',')
            .take(3)
            .map(|x| x.trim().parse::<f64>().unwrap() / 255.0)
            .map(|x| {
                if x <= 0.03928 {
                    x / 12.92
                } else {
                    ((x + 0.055) / 1.055).powf(2.4)
                }
            })
            .collect();
        0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]
    };
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

/// Audit 16, finding 15: placeholder text reaches 4.5:1 in both schemes.
#[test]
fn placeholders_are_readable_in_both_schemes() {
    let Some(site) = open_site("site", "placeholder contrast test") else {
        return;
    };
    for scheme in ["light", "dark"] {
        site.media(None, scheme);
        for (page, input) in [
            ("search.html", "rb:search-q"),
            ("index.html", "rb:site-q"),
            ("index.html", "rb:filter"),
        ] {
            site.go(page);
            let colours = site.text(&format!(
                "(() => {{ const e = document.getElementById({input:?}); \
                 const p = getComputedStyle(e, '::placeholder'); \
                 return p.color + '|' + p.opacity + '|' + getComputedStyle(e).backgroundColor; }})()"
            ));
            let [fg, opacity, bg] = colours.split('|').collect::<Vec<_>>()[..] else {
                panic!("{colours}");
            };
            assert_eq!(opacity, "1", "{scheme} {page} #{input}");
            let ratio = contrast(fg, bg);
            assert!(
                ratio >= 4.5,
                "{scheme} {page} #{input}: {colours} is {ratio:.2}:1"
            );
        }
    }
}

/// Audit 16, findings 3, 7 and 14: on paper every character of a long
/// command prints (nothing clipped, no room kept for the copy button, no
/// breadcrumb); on a 320 px phone a long URL in prose wraps, the facts take
/// two columns and the contents are closed, so the procedure comes sooner.
#[test]
fn a_runbook_prints_whole_commands_and_fits_a_small_phone() {
    let Some(site) = open_site("copy", "print and phone test") else {
        return;
    };
    // An A4 page's printable width, in CSS pixels.
    set_viewport(&site.tab, 716, 1000, false);
    site.media(Some("print"), "light");
    site.go("deploy/rollback.html");
    let pre = site.text(
        "(() => { const p = document.querySelectorAll('.code pre')[1]; const s = getComputedStyle(p); \
         return JSON.stringify({ scroll: p.scrollWidth, client: p.clientWidth, overflow: s.overflowX, \
         right: parseFloat(s.paddingRight), copy: getComputedStyle(document.querySelector('.copy')).display, \
         crumbs: getComputedStyle(document.querySelector('.crumbs')).display }); })()",
    );
    let pre: serde_json::Value = serde_json::from_str(&pre).unwrap();
    assert!(
        pre["scroll"].as_u64() <= pre["client"].as_u64(),
        "the command is clipped on paper: {pre}"
    );
    assert_eq!(pre["overflow"], "visible", "{pre}");
    assert!(pre["right"].as_f64().unwrap() <= 16.0, "{pre}");
    assert_eq!(pre["copy"], "none", "{pre}");
    assert_eq!(pre["crumbs"], "none", "{pre}");
    let png = site
        .tab
        .capture_screenshot(CaptureScreenshotFormatOption::Png, None, None, true)
        .unwrap();
    let artefacts = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/artefacts");
    std::fs::create_dir_all(&artefacts).unwrap();
    std::fs::write(artefacts.join("print-rollback.png"), png).unwrap();

    site.media(None, "light");
    set_viewport(&site.tab, 320, 640, true);
    site.go("deploy/rollback.html");
    assert_eq!(
        site.eval("document.documentElement.scrollWidth <= document.documentElement.clientWidth"),
        true,
        "the page scrolls sideways: {}",
        site.eval("document.documentElement.scrollWidth")
    );
    assert_eq!(
        site.eval("getComputedStyle(document.querySelector('.facts')).gridTemplateColumns.split(' ').length"),
        2
    );
    assert_eq!(
        site.eval("document.querySelector('.toc details').open"),
        false
    );
    let content = site.eval("document.querySelector('.content').getBoundingClientRect().top");
    assert!(
        content.as_f64().unwrap() < 640.0,
        "the procedure starts at {content}"
    );
    // On a wide screen the contents stay open beside the procedure.
    set_viewport(&site.tab, 1280, 900, false);
    site.go("deploy/rollback.html");
    assert_eq!(
        site.eval("document.querySelector('.toc details').open"),
        true
    );
}

/// Audit 16, finding 11: an address of a source file, or without `.html`,
/// gets a link to the page that exists, and the search box is filled.
#[test]
fn the_404_page_offers_the_page_meant() {
    let Some(site) = open_site("site", "404 page test") else {
        return;
    };
    for (path, offer, query) in [
        (
            "db/restore.md",
            Some("/runbooks/db/restore.html"),
            "restore",
        ),
        ("db/restore", Some("/runbooks/db/restore.html"), "restore"),
        ("db/no-such-thing.md", None, "no such thing"),
        ("db/gone.html", None, "gone"),
    ] {
        site.go(path);
        site.until(path, "document.getElementById('rb:q').value !== ''");
        assert_eq!(
            site.eval("document.getElementById('rb:q').value"),
            query,
            "{path}"
        );
        std::thread::sleep(Duration::from_millis(300));
        let shown = site.eval(
            "(() => { const p = document.getElementById('rb:did-you-mean'); \
             return p.hidden ? null : p.querySelector('a').getAttribute('href'); })()",
        );
        assert_eq!(shown.as_str(), offer, "{path}");
    }
}

/// Audit 16, finding 12: while serving, a save reloads the page and the
/// keyboard focus stays where it was; Escape closes the findings panel.
#[test]
fn live_reload_keeps_the_focus_and_escape_closes_the_findings() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    let Some(chrome) = chromium_or_skip("live reload focus test") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(&common::fixtures().join("copy"), dir.path());
    let mut child = Command::new(env!("CARGO_BIN_EXE_runbook"))
        .args(["serve", "--port", "0", "--today", "2026-11-25"])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let (found, addr) = std::sync::mpsc::channel();
    let err = child.stderr.take().unwrap();
    let _child = Kill(child);
    std::thread::spawn(move || {
        for line in BufReader::new(err).lines().map_while(Result::ok) {
            if let Some(rest) = line.split("http://").nth(1) {
                let _ = found.send(rest.split('/').next().unwrap_or("").to_string());
            }
        }
    });
    let addr = addr
        .recv_timeout(Duration::from_secs(30))
        .expect("the server prints its address");

    let profile = tempfile::tempdir().unwrap();
    let browser = launch(chrome, profile.path());
    let tab = browser.new_tab().unwrap();
    tab.set_default_timeout(Duration::from_secs(20));
    let eval = |script: &str| -> serde_json::Value {
        tab.evaluate(script, false)
            .unwrap()
            .value
            .unwrap_or(serde_json::Value::Null)
    };
    let until = |what: &str, script: &str| {
        for _ in 0..150 {
            if eval(script) == serde_json::Value::Bool(true) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("{what}: `{script}` never became true");
    };
    tab.navigate_to(&format!("http://{addr}/deploy/rollback.html"))
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    until(
        "listening",
        "document.documentElement.dataset.live === 'open'",
    );
    eval("window.__before = true; document.querySelectorAll('button.copy')[2].focus(); true");

    // A save that adds a finding (a link to no file) reloads the page.
    let source = dir.path().join("content/deploy/rollback.md");
    let text = std::fs::read_to_string(&source).unwrap();
    let temp = dir.path().join(".saving");
    std::fs::write(&temp, format!("{text}\nSee [the old one](gone.md).\n")).unwrap();
    std::fs::rename(&temp, &source).unwrap();
    until(
        "reloaded",
        "window.__before === undefined && document.readyState === 'complete' && !!document.querySelector('a[href=\"gone.html\"], a[href=\"gone.md\"]')",
    );
    until(
        "focus back on the third copy button",
        "document.activeElement === document.querySelectorAll('button.copy')[2]",
    );

    until(
        "the findings panel",
        "!!document.getElementById('rb:live-findings')",
    );
    tab.press_key("Escape").unwrap();
    until(
        "Escape closes the panel",
        "!document.getElementById('rb:live-findings')",
    );
}
