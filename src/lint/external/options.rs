//! `[lint.links]` in `book.toml`, and the checked form the checker uses, so a
//! bad pattern or duration stops the run before any request is made.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use regex::Regex;
use serde::{Deserialize, Serialize};
use ureq::http::{HeaderName, HeaderValue};
use url::{Host, Url};

use super::check::{Outcome, Status};

/// `[lint.links]` as written.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(default, rename_all = "kebab-case")]
pub struct LinksConfig {
    /// Check `http(s)` URLs on every `runbook lint`, as `--online` does.
    pub external: bool,
    /// Check `#fragment`s on external HTML pages, as `--online-fragments` does.
    pub fragments: bool,
    /// Regular expressions; a URL matching any of them is not checked.
    pub exclude: Vec<String>,
    /// Status codes that count as alive besides 2xx (e.g. 401, 403).
    pub accept: Vec<u16>,
    /// How long one request may take, e.g. `10s`.
    pub timeout: String,
    /// Extra attempts after a 5xx, a 429 or a network error.
    pub retries: u32,
    /// Requests in flight at once, over all hosts.
    pub concurrency: usize,
    /// Requests in flight at once to one host.
    pub per_host_concurrency: usize,
    /// The cache folder, relative to `book.toml`.
    pub cache: PathBuf,
    /// How long a live URL stays checked.
    pub cache_ttl: String,
    /// How long a failure is remembered; shorter, so a fixed page is seen soon.
    pub failure_ttl: String,
    /// Per host: header name to the environment variable that holds its
    /// value, so tokens stay out of `book.toml`.
    pub headers: BTreeMap<String, BTreeMap<String, String>>,
}

impl Default for LinksConfig {
    fn default() -> Self {
        LinksConfig {
            external: false,
            fragments: false,
            exclude: Vec::new(),
            accept: Vec::new(),
            timeout: "10s".into(),
            retries: 2,
            concurrency: 64,
            per_host_concurrency: 16,
            cache: ".runbook/cache".into(),
            cache_ttl: "1d".into(),
            failure_ttl: "1h".into(),
            headers: BTreeMap::new(),
        }
    }
}

/// A header to send to one host, and where its value comes from.
#[derive(Clone, Debug)]
pub struct HostHeader {
    pub name: String,
    /// The environment variable named in `book.toml`, for help texts.
    pub env: String,
    /// The variable's value; `None` when it is not set.
    pub value: Option<String>,
}

/// `[lint.links]`, checked.
#[derive(Clone, Debug)]
pub struct Options {
    /// Whether URLs are checked at all; off unless asked for.
    pub online: bool,
    pub fragments: bool,
    pub exclude: Vec<Regex>,
    pub accept: Vec<u16>,
    pub timeout: Duration,
    pub retries: u32,
    pub concurrency: usize,
    pub per_host_concurrency: usize,
    pub cache: PathBuf,
    pub cache_ttl: Duration,
    pub failure_ttl: Duration,
    pub headers: BTreeMap<String, Vec<HostHeader>>,
}

impl Options {
    /// Checks the configuration; on error, the key at fault and why.
    pub fn new(config: &LinksConfig, root: &Path) -> Result<Options, (&'static str, String)> {
        let exclude = config
            .exclude
            .iter()
            .map(|p| Regex::new(p).map_err(|e| ("exclude", format!("invalid pattern: {e}"))))
            .collect::<Result<_, _>>()?;
        if let Some(code) = config.accept.iter().find(|c| !(100..=599).contains(*c)) {
            return Err(("accept", format!("{code} is not an HTTP status code")));
        }
        let positive = |key: &'static str, n: usize| {
            if n == 0 {
                Err((key, "must be at least 1".to_string()))
            } else {
                Ok(n)
            }
        };
        let timeout = duration(&config.timeout).map_err(|m| ("timeout", m))?;
        if timeout.is_zero() {
            return Err(("timeout", "must be longer than zero".into()));
        }
        let headers = config
            .headers
            .iter()
            .map(|(host, map)| {
                let list = map
                    .iter()
                    .map(|(name, env)| header(host, name, env))
                    .collect::<Result<_, _>>()?;
                Ok((host.to_ascii_lowercase(), list))
            })
            .collect::<Result<_, _>>()?;
        Ok(Options {
            online: config.external,
            fragments: config.fragments,
            exclude,
            accept: config.accept.clone(),
            timeout,
            retries: config.retries,
            concurrency: positive("concurrency", config.concurrency)?,
            per_host_concurrency: positive("per-host-concurrency", config.per_host_concurrency)?,
            cache: root.join(&config.cache),
            cache_ttl: duration(&config.cache_ttl).map_err(|m| ("cache-ttl", m))?,
            failure_ttl: duration(&config.failure_ttl).map_err(|m| ("failure-ttl", m))?,
            headers,
        })
    }

    pub fn is_excluded(&self, url: &str) -> bool {
        self.exclude.iter().any(|r| r.is_match(url))
    }

    /// Whether a status code means the page is there.
    pub fn accepts(&self, code: u16) -> bool {
        (200..300).contains(&code) || self.accept.contains(&code)
    }

    /// A cached outcome under today's `accept` list, which may have changed
    /// since it was stored.
    pub fn judge(&self, mut outcome: Outcome) -> Outcome {
        outcome.status = match outcome.status {
            Status::Alive { code } if !self.accepts(code) => Status::Dead {
                code,
                attempts: 1,
                retry_after: None,
            },
            Status::Dead { code, .. } if self.accepts(code) => Status::Alive { code },
            status => status,
        };
        outcome
    }

    /// The headers configured for `url`'s host.
    pub fn headers_of(&self, url: &Url) -> &[HostHeader] {
        let host = url.host_str().unwrap_or("").to_ascii_lowercase();
        self.headers.get(&host).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The headers a request to `url` carries: its host's, over https or
    /// to this machine only, since over plain http every hop on the way
    /// reads them.
    pub fn headers_for(&self, url: &Url) -> &[HostHeader] {
        if encrypted_or_local(url) {
            self.headers_of(url)
        } else {
            &[]
        }
    }

    /// Whether a request to `url` carries a configured header's value.
    pub fn sends_headers(&self, url: &Url) -> bool {
        self.headers_for(url).iter().any(|h| h.value.is_some())
    }

    /// Whether a cached failure still tells what a request would find
    /// today: not when it timed out under another `timeout`, or was seen
    /// with the host's token and now would be without it, or the reverse.
    pub fn still_holds(&self, outcome: &Outcome, url: &Url) -> bool {
        if outcome.is_alive() {
            return true;
        }
        let same_timeout = match outcome.status {
            Status::Timeout { after_ms, .. } => u128::from(after_ms) == self.timeout.as_millis(),
            _ => true,
        };
        same_timeout && outcome.with_headers == self.sends_headers(url)
    }
}

/// Whether what is sent to `url` stays private: https, or a loopback host.
pub fn encrypted_or_local(url: &Url) -> bool {
    match url.host() {
        _ if url.scheme() == "https" => true,
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Header values come from variables with this prefix only.
pub const ENV_PREFIX: &str = "RUNBOOK_";

/// One `[lint.links.headers."HOST"]` entry, checked. `book.toml` is part of
/// the repository, which a pull request can change: if it could name any
/// variable, a pull request could send a secret the CI job holds for
/// another step (`AWS_SECRET_ACCESS_KEY`, a deploy token) to a host of its
/// choosing. Only variables exported for runbook on purpose may be named.
fn header(host: &str, name: &str, env: &str) -> Result<HostHeader, (&'static str, String)> {
    let at = format!("[\"{host}\"] {name}");
    if HeaderName::from_bytes(name.as_bytes()).is_err() {
        return Err((
            "headers",
            format!("{at}: `{name}` is not an HTTP header name"),
        ));
    }
    if !env.starts_with(ENV_PREFIX) || env.len() == ENV_PREFIX.len() {
        return Err((
            "headers",
            format!(
                "{at} names the variable `{env}`; header values come only from variables \
                 named {ENV_PREFIX}*, so that a pull request editing book.toml cannot send \
                 another of the job's secrets anywhere: export it as `{ENV_PREFIX}{env}` for runbook"
            ),
        ));
    }
    let value = std::env::var(env).ok();
    if value
        .as_deref()
        .is_some_and(|v| HeaderValue::from_str(v).is_err())
    {
        return Err((
            "headers",
            format!("{at}: the value of `{env}` is not a valid header value (a line break?)"),
        ));
    }
    Ok(HostHeader {
        name: name.to_string(),
        env: env.to_string(),
        value,
    })
}

/// A clock duration as people write it (`500ms`, `10s`, `1h`, `1d`, `2 weeks`);
/// days are 24 hours. Months and years are refused: they have no fixed length.
pub fn duration(text: &str) -> Result<Duration, String> {
    use jiff::{SpanTotal, Unit};
    let text = text.trim();
    let refuse =
        || format!("`{text}` is not a duration; write it as `500ms`, `10s`, `5m`, `1h` or `1d`");
    let span: jiff::Span = text.parse().map_err(|_| refuse())?;
    if span.is_negative() || span.get_years() != 0 || span.get_months() != 0 {
        return Err(refuse());
    }
    let millis = span
        .total(SpanTotal::from(Unit::Millisecond).days_are_24_hours())
        .map_err(|_| refuse())?;
    Ok(Duration::from_millis(millis as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(duration("10s").unwrap(), Duration::from_secs(10));
        assert_eq!(duration("1h").unwrap(), Duration::from_secs(3600));
        assert_eq!(duration("1d").unwrap(), Duration::from_secs(86_400));
        assert_eq!(
            duration("2 weeks").unwrap(),
            Duration::from_secs(14 * 86_400)
        );
        assert_eq!(duration("0s").unwrap(), Duration::ZERO);
        for bad in ["soon", "-1h", "1 month", ""] {
            assert!(duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn bad_settings_name_their_key() {
        let root = Path::new(".");
        let config = LinksConfig {
            exclude: vec!["(".into()],
            ..LinksConfig::default()
        };
        assert_eq!(Options::new(&config, root).unwrap_err().0, "exclude");
        let config = LinksConfig {
            accept: vec![999],
            ..LinksConfig::default()
        };
        assert_eq!(Options::new(&config, root).unwrap_err().0, "accept");
        let config = LinksConfig {
            per_host_concurrency: 0,
            ..LinksConfig::default()
        };
        assert_eq!(
            Options::new(&config, root).unwrap_err().0,
            "per-host-concurrency"
        );
    }
}
