//! External link that is dead or unreachable (`external-link`)
//!
//! ## What it checks
//! With `runbook lint --online` (or `[lint.links] external = true`), every
//! `http(s)` URL in the body and the front matter is requested, once per
//! distinct URL however many runbooks use it. A status other than 2xx (or a
//! code listed in `[lint.links] accept`), a timeout, a DNS, network, proxy
//! or TLS error, a redirect loop, and a URL that does not parse are reported
//! at every use; when a redirect led to the failing address, the message
//! names the chain. Servers get a few tries for 5xx, 429 and dropped or
//! refused connections. A redirect to an application (`zoommtg:`,
//! `slack:`) ends the check: the link works. Without `--online` nothing is
//! requested and this rule is silent.
//!
//! ## Why it matters
//! Dashboards, consoles and vendor docs move. A runbook that sends the
//! on-call engineer to a 404 at 3 a.m. has failed them at the worst moment.
//!
//! ## Example
//! ```markdown
//! Check [the error budget](https://grafana.example.com/d/old-slo).
//! ```
//!
//! ## Fix
//! Point the link at the page's new address, or remove it. For pages CI
//! cannot reach (VPN-only hosts), add a pattern to `[lint.links] exclude`;
//! for private dashboards, send a token with `[lint.links.headers]`.

use std::time::Duration;

use url::Url;

use crate::lint::external::check::{MAX_REDIRECTS, NetError, Outcome, Status};
use crate::lint::external::options::{Options, encrypted_or_local};
use crate::lint::external::seconds;

crate::rule!("external-link", Error, None);

/// Message and help for a URL that does not parse.
pub fn malformed(url: &str, error: &str) -> (String, String) {
    (
        format!("`{url}` is not a valid URL: {error}"),
        "fix the address; spaces and other special characters must be percent-encoded".into(),
    )
}

/// Message and help for a URL whose check failed: `url` as written,
/// `checked` as requested.
pub fn describe(
    checked: &Url,
    url: &str,
    outcome: &Outcome,
    options: &Options,
) -> (String, String) {
    let tries = |attempts: u32| match attempts {
        0 | 1 => String::new(),
        n => format!(" after {n} attempts"),
    };
    let at = via(url, outcome);
    match &outcome.status {
        Status::Alive { code } => (
            format!("`{url}` answered {}", reason(*code)),
            "nothing to fix".into(),
        ),
        Status::OpensApp { scheme } => (
            format!("`{url}` opens the `{scheme}:` application"),
            "nothing to fix".into(),
        ),
        Status::Dead {
            code,
            attempts,
            retry_after,
        } => {
            let message = format!("{at}: {}{}", reason(*code), tries(*attempts));
            let help = status_help(*code, *retry_after, checked, outcome, options);
            (message, help)
        }
        Status::Timeout { after_ms, .. } => (
            format!("{at}: no answer within {}", seconds(Duration::from_millis(*after_ms))),
            "the server may be down or slow; raise `timeout` under [lint.links] if it is always slow".into(),
        ),
        Status::Network {
            error,
            detail,
            attempts,
        } => (
            format!("{at}: {detail}{}", tries(*attempts)),
            network_help(*error).into(),
        ),
        Status::RedirectLoop => (
            format!("`{url}`: redirect loop ({})", chain(outcome)),
            "the server redirects in a circle; link to the page's final address".into(),
        ),
        Status::TooManyRedirects => (
            format!("`{url}`: more than {MAX_REDIRECTS} redirects"),
            format!("link to the page's final address; the chain starts {}", chain(outcome)),
        ),
        Status::BadRedirect { location } => (
            format!("`{url}` redirects to `{location}`, which is not a URL"),
            "the server is misconfigured; link to the page's final address".into(),
        ),
    }
}

/// The link, and the redirects that led to the address that failed, so
/// the message names that address: `` `url` → 301 → `new` ``.
fn via(url: &str, outcome: &Outcome) -> String {
    let mut text = format!("`{url}`");
    for hop in &outcome.redirects {
        text.push_str(&format!(" → {} → `{}`", hop.code, hop.to));
    }
    text
}

fn network_help(error: NetError) -> &'static str {
    match error {
        NetError::Dns => "the host name does not resolve: a typo, or an internal host CI cannot see? Exclude it with `[lint.links] exclude` if so",
        NetError::Refused => "nothing listens there: the service moved, or the port is wrong",
        NetError::Tls => "the certificate or TLS setup is broken; browsers will warn too",
        NetError::Proxy => "runbook reaches every URL through an HTTP proxy with CONNECT, http:// ones too (to port 80, which many proxies refuse): allow the tunnel on the proxy, add the host to NO_PROXY, or link to https",
        NetError::Other => "the network failed; run again, and exclude the URL if CI cannot reach it",
    }
}

fn status_help(
    code: u16,
    retry_after: Option<u64>,
    url: &Url,
    outcome: &Outcome,
    options: &Options,
) -> String {
    let headers = options.headers_of(url);
    let names = |set: bool| {
        headers
            .iter()
            .filter(|h| h.value.is_some() == set)
            .map(|h| h.env.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let missing = names(false);
    match code {
        401 | 403 if !headers.is_empty() && !encrypted_or_local(url) => format!(
            "the page needs credentials, and the header configured for this host is sent over https only: link to `{}`",
            https(url)
        ),
        401 | 403 if token_reached(url, outcome) => format!(
            "the token in {} was sent and refused: it has expired, or has no access to this page; renew it, or exclude the URL",
            names(true)
        ),
        401 | 403 if !missing.is_empty() => format!(
            "the page needs credentials: set {missing} (named under [lint.links.headers] for this host)"
        ),
        401 | 403 => "the page needs a login: send a token with [lint.links.headers], add the code to `accept`, or exclude the URL".into(),
        404 | 410 => "the page is gone or moved: find its new address, or remove the link".into(),
        429 => match retry_after {
            Some(s) => format!("rate limited; the server asks to wait {s}s: run again later, or lower `per-host-concurrency`"),
            None => "rate limited: run again later, or lower `per-host-concurrency` under [lint.links]".into(),
        },
        500..=599 => "the server is failing; if it persists, tell its owner or find another source".into(),
        _ => "open the link in a browser; if the page is fine, add the code to `[lint.links] accept`".into(),
    }
}

/// Whether the host that refused the request got its token: it was sent
/// on the first request, and redirects (which never carry it to another
/// host) stayed on that host.
fn token_reached(url: &Url, outcome: &Outcome) -> bool {
    let last = outcome.redirects.last().and_then(|h| Url::parse(&h.to).ok());
    outcome.with_headers && last.is_none_or(|last| last.host_str() == url.host_str())
}

/// `url` over https.
fn https(url: &Url) -> String {
    let mut secure = url.clone();
    match secure.set_scheme("https") {
        Ok(()) => secure.to_string(),
        Err(()) => url.to_string(),
    }
}

/// `404 Not Found`, or the bare code when it has no standard reason.
fn reason(code: u16) -> String {
    let reason = ureq::http::StatusCode::from_u16(code)
        .ok()
        .and_then(|s| s.canonical_reason());
    match reason {
        Some(r) => format!("{code} {r}"),
        None => code.to_string(),
    }
}

fn chain(outcome: &Outcome) -> String {
    outcome
        .redirects
        .iter()
        .take(4)
        .map(|h| format!("{} → {}", h.code, h.to))
        .collect::<Vec<_>>()
        .join(", ")
}
