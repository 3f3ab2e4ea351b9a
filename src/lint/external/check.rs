//! One URL, checked: HEAD (GET when the server refuses HEAD or the page's
//! anchors are wanted), redirects followed one hop at a time so loops and
//! moves are seen, retries with backoff for 5xx and network errors, and
//! `Retry-After` honoured on 429.

use std::collections::HashSet;
use std::error::Error;
use std::io::{self, Read};
use std::thread::sleep;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use ureq::http::{Response, header};
use ureq::{Agent, Proxy};
use url::Url;

use super::html;
use super::options::Options;

/// Redirects followed before giving up.
pub const MAX_REDIRECTS: usize = 10;
/// The longest `Retry-After` waited for; a longer one is reported instead.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);
/// The first pause before a retry; doubled on each further attempt.
const BACKOFF: Duration = Duration::from_millis(250);
/// How much of a page is read to find its anchors.
const PAGE_LIMIT: u64 = 16 << 20;

/// What checking a URL found; cached as is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub status: Status,
    /// Every redirect followed, in order.
    pub redirects: Vec<Hop>,
    pub page: Page,
    /// Whether the first request carried the host's configured headers: a
    /// failure seen without the token says nothing about a run with it.
    pub with_headers: bool,
}

/// What the final page's body showed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Page {
    /// Only the status was asked for.
    Unread,
    /// Read, but not HTML: its fragments cannot be checked.
    NotHtml,
    /// The page's ids and anchor names.
    Html { anchors: Vec<String> },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Hop {
    pub code: u16,
    pub to: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Status {
    /// A 2xx or accepted status.
    Alive {
        code: u16,
    },
    /// Any other status, after `attempts` tries.
    Dead {
        code: u16,
        attempts: u32,
        /// Seconds the server asked to wait (429), when too long to wait.
        retry_after: Option<u64>,
    },
    Timeout {
        attempts: u32,
        /// The `timeout` the request was given, in milliseconds: the one
        /// to report, whatever the setting is now.
        after_ms: u64,
    },
    Network {
        error: NetError,
        detail: String,
        attempts: u32,
    },
    RedirectLoop,
    TooManyRedirects,
    /// A `Location` header that is not a URL.
    BadRedirect {
        location: String,
    },
    /// A redirect to another scheme (`zoommtg:`, `slack:`): the link opens
    /// an application, which is as far as a browser goes too.
    OpensApp {
        scheme: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NetError {
    Dns,
    Refused,
    Tls,
    /// The proxy refused to tunnel the request.
    Proxy,
    Other,
}

impl Outcome {
    pub fn is_alive(&self) -> bool {
        matches!(self.status, Status::Alive { .. } | Status::OpensApp { .. })
    }
}

/// A response, reduced to what the checker needs.
struct Answer {
    code: u16,
    location: Option<String>,
    retry_after: Option<Duration>,
    page: Page,
}

pub struct Checker<'a> {
    agents: Agents,
    options: &'a Options,
}

/// One agent per way out: straight to the host, or through the proxy the
/// environment names for http or for https. ureq alone takes one proxy
/// for every scheme.
struct Agents {
    direct: Agent,
    http: Option<Agent>,
    https: Option<Agent>,
    /// `NO_PROXY`, lowercased: hosts and domains reached directly.
    no_proxy: Vec<String>,
}

impl Agents {
    fn from_env(options: &Options) -> Agents {
        let proxied = |scheme| proxy_for(scheme).map(|p| agent(options, Some(p)));
        let no_proxy = env(&["no_proxy", "NO_PROXY"]).unwrap_or_default();
        Agents {
            direct: agent(options, None),
            http: proxied("http"),
            https: proxied("https"),
            no_proxy: no_proxy
                .split(',')
                .map(|entry| entry.trim().to_ascii_lowercase())
                .filter(|entry| !entry.is_empty())
                .collect(),
        }
    }

    fn for_url(&self, url: &Url) -> &Agent {
        let proxied = match url.scheme() {
            "https" => self.https.as_ref(),
            _ => self.http.as_ref(),
        };
        let host = url.host_str().unwrap_or("").to_ascii_lowercase();
        match proxied {
            Some(agent) if !bypasses(&self.no_proxy, &host) => agent,
            _ => &self.direct,
        }
    }
}

/// The proxy for `scheme`, as curl reads the environment: `HTTP_PROXY`
/// for http, `HTTPS_PROXY` for https, else `ALL_PROXY`.
fn proxy_for(scheme: &str) -> Option<Proxy> {
    let own = match scheme {
        "https" => ["https_proxy", "HTTPS_PROXY"],
        _ => ["http_proxy", "HTTP_PROXY"],
    };
    let value = env(&own).or_else(|| env(&["all_proxy", "ALL_PROXY"]))?;
    Proxy::new(&value).ok()
}

/// The first of `names` that is set and not empty.
fn env(names: &[&str]) -> Option<String> {
    names
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
}

/// Whether `host` is reached without the proxy: `*`, or an entry of
/// `NO_PROXY` that is the host or one of its domains (`example.com` and
/// `.example.com` both cover `docs.example.com`).
fn bypasses(no_proxy: &[String], host: &str) -> bool {
    no_proxy.iter().any(|entry| {
        let domain = entry.trim_start_matches('*').trim_start_matches('.');
        entry == "*"
            || host == domain
            || host
                .strip_suffix(domain)
                .is_some_and(|sub| sub.ends_with('.'))
    })
}

fn agent(options: &Options, proxy: Option<Proxy>) -> Agent {
    let config = Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(options.timeout))
        .user_agent(concat!(
            "runbook/",
            env!("CARGO_PKG_VERSION"),
            " (runbook lint --online)"
        ))
        .max_idle_connections(options.concurrency)
        .max_idle_connections_per_host(options.per_host_concurrency)
        .proxy(proxy)
        .build();
    Agent::new_with_config(config)
}

impl<'a> Checker<'a> {
    pub fn new(options: &'a Options) -> Self {
        Checker {
            agents: Agents::from_env(options),
            options,
        }
    }

    /// Checks `url`, following redirects; reads the final page's anchors
    /// when `want_anchors`.
    pub fn check(&self, url: &Url, want_anchors: bool) -> Outcome {
        let mut outcome = self.follow(url, want_anchors);
        outcome.with_headers = self.options.sends_headers(url);
        outcome
    }

    fn follow(&self, url: &Url, want_anchors: bool) -> Outcome {
        let mut current = url.clone();
        let mut redirects = Vec::new();
        let mut seen = HashSet::from([current.to_string()]);
        let fail = |status, redirects| Outcome {
            status,
            redirects,
            page: Page::Unread,
            with_headers: false,
        };
        loop {
            let answer = match self.fetch(&current, want_anchors) {
                Ok(answer) => answer,
                Err(status) => return fail(status, redirects),
            };
            let location = answer.location.filter(|_| is_redirect(answer.code));
            let Some(location) = location else {
                let status = if self.options.accepts(answer.code) {
                    Status::Alive { code: answer.code }
                } else {
                    Status::Dead {
                        code: answer.code,
                        attempts: 1,
                        retry_after: answer.retry_after.map(|d| d.as_secs()),
                    }
                };
                return Outcome {
                    page: answer.page,
                    ..fail(status, redirects)
                };
            };
            let Ok(next) = current.join(&location) else {
                return fail(Status::BadRedirect { location }, redirects);
            };
            if !matches!(next.scheme(), "http" | "https") {
                // Not a hop to report or to fix the link to: the web
                // address before it is the one to keep.
                let scheme = next.scheme().to_string();
                return fail(Status::OpensApp { scheme }, redirects);
            }
            redirects.push(Hop {
                code: answer.code,
                to: next.to_string(),
            });
            if !seen.insert(next.to_string()) {
                return fail(Status::RedirectLoop, redirects);
            }
            if redirects.len() > MAX_REDIRECTS {
                return fail(Status::TooManyRedirects, redirects);
            }
            current = next;
        }
    }

    /// One hop, with the HEAD-to-GET fallback and the retries.
    fn fetch(&self, url: &Url, want_body: bool) -> Result<Answer, Status> {
        let mut get = want_body;
        let mut attempts = 0;
        loop {
            attempts += 1;
            let retry = attempts <= self.options.retries;
            let pause = BACKOFF * 2u32.pow(attempts.min(8) - 1);
            let answer = match self.request(url, get) {
                Ok(answer) => answer,
                Err(ureq::Error::Timeout(_)) => {
                    let after_ms = self.options.timeout.as_millis() as u64;
                    return Err(Status::Timeout { attempts, after_ms });
                }
                Err(e) => {
                    let (error, detail) = describe(&e, url);
                    // DNS, TLS and a proxy's refusal give the same answer
                    // when asked again; a refused or dropped connection
                    // may not.
                    let transient = matches!(error, NetError::Refused | NetError::Other);
                    if retry && transient {
                        sleep(pause);
                        continue;
                    }
                    return Err(Status::Network {
                        error,
                        detail,
                        attempts,
                    });
                }
            };
            if self.options.accepts(answer.code) || is_redirect(answer.code) {
                return Ok(answer);
            }
            if !get && matches!(answer.code, 400 | 403 | 405 | 406 | 501) {
                // Many servers refuse or mishandle HEAD while GET works;
                // asking again with GET is not a retry.
                get = true;
                attempts -= 1;
                continue;
            }
            if retry && answer.code == 429 {
                match answer.retry_after {
                    Some(wait) if wait > MAX_RETRY_AFTER => {}
                    wait => {
                        sleep(wait.unwrap_or(pause));
                        continue;
                    }
                }
            } else if retry && answer.code >= 500 {
                sleep(pause);
                continue;
            }
            // Report how hard we tried: `Dead` carries the attempts.
            return Err(Status::Dead {
                code: answer.code,
                attempts,
                retry_after: answer.retry_after.map(|d| d.as_secs()),
            });
        }
    }

    fn request(&self, url: &Url, get: bool) -> Result<Answer, ureq::Error> {
        let mut request = if get {
            self.agents
                .for_url(url)
                .get(url.as_str())
                .header(header::ACCEPT, "text/html,*/*;q=0.8")
        } else {
            self.agents.for_url(url).head(url.as_str())
        };
        for h in self.options.headers_for(url) {
            if let Some(value) = &h.value {
                request = request.header(h.name.as_str(), value.as_str());
            }
        }
        let mut response = request.call()?;
        let code = response.status().as_u16();
        let text = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let location = text(header::LOCATION);
        let retry_after = text(header::RETRY_AFTER).and_then(|v| retry_after(&v));
        let page = if !get || !(200..300).contains(&code) {
            Page::Unread
        } else if is_html(&response) {
            let mut body = Vec::new();
            response
                .body_mut()
                .as_reader()
                .take(PAGE_LIMIT)
                .read_to_end(&mut body)?;
            Page::Html {
                anchors: html::anchors(&String::from_utf8_lossy(&body)),
            }
        } else {
            Page::NotHtml
        };
        Ok(Answer {
            code,
            location,
            retry_after,
            page,
        })
    }
}

fn is_redirect(code: u16) -> bool {
    matches!(code, 301 | 302 | 303 | 307 | 308)
}

pub fn is_permanent(code: u16) -> bool {
    matches!(code, 301 | 308)
}

fn is_html<B>(response: &Response<B>) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("html"))
}

/// `Retry-After` as seconds or as an HTTP date.
fn retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = jiff::fmt::rfc2822::parse(value).ok()?.timestamp();
    let wait = when.duration_since(jiff::Timestamp::now());
    Some(Duration::try_from(wait).unwrap_or(Duration::ZERO))
}

/// The kind of network failure, for the hint, and its text. DNS and TLS
/// failures come from ureq as I/O errors, and are told apart here: neither
/// is worth a retry.
fn describe(error: &ureq::Error, url: &Url) -> (NetError, String) {
    use std::io::ErrorKind;
    match error {
        ureq::Error::HostNotFound => (NetError::Dns, "host not found".into()),
        ureq::Error::Io(e) if e.kind() == ErrorKind::ConnectionRefused => {
            (NetError::Refused, "connection refused".into())
        }
        ureq::Error::Io(e) => match tls_error(e) {
            Some(tls) => (NetError::Tls, format!("TLS failed: {tls}")),
            None if is_dns(e) => (NetError::Dns, e.to_string()),
            None => (NetError::Other, e.to_string()),
        },
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) => {
            (NetError::Tls, format!("TLS failed: {error}"))
        }
        ureq::Error::ConnectProxyFailed(reason) => {
            let host = url.host_str().unwrap_or("");
            let port = url.port_or_known_default().unwrap_or(0);
            let detail = format!("the proxy refused `CONNECT {host}:{port}`: {reason}");
            (NetError::Proxy, detail)
        }
        _ => (NetError::Other, error.to_string()),
    }
}

/// The rustls error inside an I/O error: a failed handshake reaches ureq
/// through the stream rustls wraps, as `InvalidData` holding the cause.
fn tls_error(e: &io::Error) -> Option<&rustls::Error> {
    let inner = e.get_ref().map(|inner| inner as &(dyn Error + 'static));
    std::iter::successors(inner, |&err| err.source()).find_map(|err| err.downcast_ref())
}

/// Whether the host name did not resolve: the standard library reports a
/// failed `getaddrinfo` as an uncategorized I/O error with this text.
/// (ureq's own `HostNotFound` is for a name without addresses only.)
fn is_dns(e: &io::Error) -> bool {
    e.to_string()
        .starts_with("failed to lookup address information")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_proxy_covers_hosts_and_their_domains() {
        let list = |s: &str| s.split(',').map(str::to_string).collect::<Vec<_>>();
        let no_proxy = list("example.com,.corp.test,*.internal");
        for host in [
            "example.com",
            "docs.example.com",
            "a.corp.test",
            "x.internal",
        ] {
            assert!(bypasses(&no_proxy, host), "{host}");
        }
        for host in ["notexample.com", "example.com.evil", "internal.org"] {
            assert!(!bypasses(&no_proxy, host), "{host}");
        }
        assert!(bypasses(&list("*"), "anything.example"));
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(
            retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after("soon"), None);
    }
}
