//! External link checking (`runbook lint --online`): the per-file pass
//! collects every `http(s)` URL with its uses; the second pass checks each
//! distinct URL once (cache first, then the network with bounded
//! concurrency) and reports on every use.
//!
//! Nothing here touches the network unless `--online` or
//! `[lint.links] external = true` asks for it.

pub mod cache;
pub mod check;
pub mod collect;
pub mod html;
pub mod options;
pub mod pool;

use std::collections::BTreeMap;
use std::time::Duration;

use url::Url;

use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::lint::Context;
use crate::lint::links::percent_decode;
use crate::lint::rules::{external_anchor, external_link, external_redirect};

pub use collect::{Use, collect};
pub use options::{LinksConfig, Options};

use cache::Cache;
use check::{Checker, Outcome, Page};

/// Whether this run checks external links at all.
pub fn wanted(cx: &Context) -> bool {
    cx.settings.links.online
        && [
            external_link::ID,
            external_redirect::ID,
            external_anchor::ID,
        ]
        .iter()
        .any(|id| cx.severity(id).is_some())
}

/// One distinct URL (without fragment) and everywhere it is used.
struct Target {
    url: Url,
    uses: Vec<Use>,
    /// Whether some use has a fragment worth checking.
    want_anchors: bool,
}

/// The second pass: checks every URL once and reports each use.
pub fn check_all(uses: Vec<Use>, cx: &Context) -> Vec<Diagnostic> {
    let options = &cx.settings.links;
    let mut out = Vec::new();
    let mut targets: BTreeMap<String, Target> = BTreeMap::new();
    for u in uses {
        if options.is_excluded(&u.url) {
            continue;
        }
        let mut url = match Url::parse(&u.url) {
            Ok(url) => url,
            Err(e) => {
                let (message, help) = external_link::malformed(&u.url, &e.to_string());
                out.extend(diagnostic(cx, external_link::ID, &u, message, help, None));
                continue;
            }
        };
        let want = options.fragments && url.fragment().is_some_and(checkable);
        url.set_fragment(None);
        let target = targets.entry(cache_key(&url)).or_insert_with(|| Target {
            url,
            uses: Vec::new(),
            want_anchors: false,
        });
        target.want_anchors |= want;
        target.uses.push(u);
    }

    let ttl = |o: &Outcome| {
        if o.is_alive() {
            options.cache_ttl
        } else {
            options.failure_ttl
        }
    };
    let mut cache = Cache::load(&options.cache);
    let mut known: BTreeMap<String, Outcome> = BTreeMap::new();
    let mut to_fetch: Vec<&Target> = Vec::new();
    for (key, target) in &targets {
        match cache.get(key, ttl) {
            Some(o) if !options.still_holds(o, &target.url) => to_fetch.push(target),
            Some(o) if !target.want_anchors || o.page != Page::Unread || !o.is_alive() => {
                known.insert(key.clone(), options.judge(o.clone()));
            }
            _ => to_fetch.push(target),
        }
    }
    if !to_fetch.is_empty() {
        let checker = Checker::new(options);
        let fetched = pool::run(
            &to_fetch,
            |t| t.url.host_str().unwrap_or("").to_ascii_lowercase(),
            options.concurrency,
            options.per_host_concurrency,
            |t| checker.check(&t.url, t.want_anchors),
        );
        for (target, outcome) in to_fetch.iter().zip(fetched) {
            let key = cache_key(&target.url);
            cache.insert(key.clone(), outcome.clone());
            known.insert(key, outcome);
        }
        let dir = options.cache.display();
        if let Err(e) = cache.save(options.cache_ttl.max(options.failure_ttl)) {
            crate::eprintln_printable!("warning: cannot write the link cache in `{dir}`: {e}");
        }
    }

    for (key, target) in &targets {
        let Some(outcome) = known.get(key) else {
            continue;
        };
        for u in &target.uses {
            out.extend(report(cx, &target.url, u, outcome, options));
        }
    }
    out
}

/// The findings for one use of a checked URL.
fn report(
    cx: &Context,
    url: &Url,
    u: &Use,
    outcome: &Outcome,
    options: &Options,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if !outcome.is_alive() {
        let (message, help) = external_link::describe(url, &u.url, outcome, options);
        out.extend(diagnostic(cx, external_link::ID, u, message, help, None));
        return out;
    }
    if let Some(moved) = external_redirect::describe(url, &outcome.redirects) {
        let fix = moved
            .new_url
            .as_ref()
            .zip(u.range)
            .map(|(new, (start, end))| Fix {
                description: "link to the new address".into(),
                edits: vec![Edit {
                    start,
                    end,
                    replacement: with_fragment(new, &u.url),
                }],
            });
        out.extend(diagnostic(
            cx,
            external_redirect::ID,
            u,
            moved.message,
            moved.help,
            fix,
        ));
    }
    let fragment = Url::parse(&u.url)
        .ok()
        .and_then(|w| w.fragment().map(percent_decode));
    if let (Some(fragment), Page::Html { anchors }, true) =
        (fragment, &outcome.page, options.fragments)
        && checkable(&fragment)
        && !anchors.contains(&fragment)
    {
        let (message, help) = external_anchor::describe(&u.url, &fragment, anchors);
        out.extend(diagnostic(cx, external_anchor::ID, u, message, help, None));
    }
    out
}

/// The new address of a moved link, keeping the fragment written after
/// the old one, unless the new address has its own (RFC 9110 §10.2.2):
/// the server moved the page into a section of another.
fn with_fragment(new: &str, written: &str) -> String {
    let fragment = Url::parse(written)
        .ok()
        .and_then(|w| w.fragment().map(str::to_string));
    match fragment {
        Some(f) if !new.contains('#') => format!("{new}#{f}"),
        _ => new.to_string(),
    }
}

/// The URL without fragment, and with any password in it masked: the
/// cache file may end up in a CI artifact.
fn cache_key(url: &Url) -> String {
    let mut key = url.clone();
    key.set_fragment(None);
    if key.password().is_some() {
        // Cannot fail: the URL already has a password, so it has a host.
        let _ = key.set_password(Some("redacted"));
    }
    key.to_string()
}

/// Whether a fragment names an element. Single-page apps and dashboards
/// keep state after `#` (`#/d/abc?from=now-1h`, `#!/x`), and `#:~:text=`
/// highlights text: none of those are ids.
fn checkable(fragment: &str) -> bool {
    !fragment.is_empty()
        && !fragment.starts_with('!')
        && !fragment.contains(['/', '=', '&'])
        && !fragment.contains(":~:")
}

fn diagnostic(
    cx: &Context,
    rule: &'static str,
    u: &Use,
    message: String,
    help: String,
    fix: Option<Fix>,
) -> Option<Diagnostic> {
    Some(Diagnostic {
        rule,
        data_rule: None,
        severity: cx.severity(rule)?,
        path: u.path.clone().into(),
        span: u.span,
        message,
        help: Some(help),
        fix: fix.map(Box::new),
        source_line: u.source_line.clone(),
        suppressed: None,
        counts_as: 1,
    })
}

/// A duration in the words a help text uses.
pub fn seconds(d: Duration) -> String {
    let ms = d.as_millis();
    if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_keys_hold_no_passwords_or_fragments() {
        let url = Url::parse("https://ops:hunter2@wiki.example/x#y").unwrap();
        assert_eq!(cache_key(&url), "https://ops:redacted@wiki.example/x");
    }

    #[test]
    fn a_moved_link_keeps_one_fragment() {
        let old = "http://a.example/failover#manual";
        assert_eq!(
            with_fragment("http://a.example/guide", old),
            "http://a.example/guide#manual"
        );
        assert_eq!(
            with_fragment("http://a.example/guide#failover", old),
            "http://a.example/guide#failover"
        );
        assert_eq!(
            with_fragment("http://a.example/guide", "http://a.example/x"),
            "http://a.example/guide"
        );
    }

    #[test]
    fn state_fragments_are_not_ids() {
        assert!(checkable("install"));
        for f in ["", "/d/abc?from=now", "!/x", ":~:text=hi", "view=1&x=2"] {
            assert!(!checkable(f), "{f}");
        }
    }
}
