//! External link that moved permanently or to another site (`external-redirect`)
//!
//! ## What it checks
//! With `runbook lint --online`, a URL that answers through a permanent
//! redirect (301 or 308), or that ends up on another host, is reported with
//! its new address. Temporary redirects on the same host (a login page, a
//! "latest" alias) are not reported.
//!
//! ## Why it matters
//! A moved page works today and breaks when the old address is retired; a
//! link that lands on another site may no longer show what the runbook
//! promises.
//!
//! ## Example
//! ```markdown
//! See [the vendor guide](http://docs.vendor.example/guide).
//! ```
//!
//! ## Fix
//! Link to the new address the finding names (the fix does it for you when
//! the URL is written literally in the file, in the link or in its
//! reference definition). A fragment in the link is kept, unless the new
//! address has its own.

use url::Url;

use crate::lint::external::check::{Hop, is_permanent};

crate::rule!("external-redirect", Info, None);

pub struct Moved {
    pub message: String,
    pub help: String,
    /// The address to link to instead, when the move is permanent.
    pub new_url: Option<String>,
}

/// A finding when the redirects are worth one: a permanent move, or a
/// different host at the end of the chain.
pub fn describe(url: &Url, redirects: &[Hop]) -> Option<Moved> {
    let last = redirects.last()?;
    // The address after the leading run of permanent redirects.
    let permanent = redirects
        .iter()
        .take_while(|h| is_permanent(h.code))
        .last()
        .map(|h| h.to.clone());
    let final_host = Url::parse(&last.to).ok().map(|u| {
        (
            u.host_str().map(str::to_ascii_lowercase),
            u.port_or_known_default(),
        )
    });
    let other_site = final_host
        != Some((
            url.host_str().map(str::to_ascii_lowercase),
            url.port_or_known_default(),
        ));
    match (&permanent, other_site) {
        (Some(new), _) => Some(Moved {
            message: format!("`{url}` moved permanently to `{new}`"),
            help: format!("link to `{new}`; the old address may stop working"),
            new_url: permanent.clone(),
        }),
        (None, true) => Some(Moved {
            message: format!("`{url}` redirects to another site: `{}`", last.to),
            help: "check that the page still shows what the runbook needs, and link to it directly"
                .into(),
            new_url: None,
        }),
        (None, false) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hop(code: u16, to: &str) -> Hop {
        Hop {
            code,
            to: to.into(),
        }
    }

    #[test]
    fn reports_moves_and_other_sites_only() {
        let url = Url::parse("https://a.example/x").unwrap();
        let moved = describe(
            &url,
            &[
                hop(301, "https://a.example/y"),
                hop(302, "https://a.example/z"),
            ],
        )
        .unwrap();
        assert_eq!(moved.new_url.as_deref(), Some("https://a.example/y"));
        let away = describe(&url, &[hop(302, "https://b.example/x")]).unwrap();
        assert_eq!(away.new_url, None);
        assert!(away.message.contains("another site"));
        assert!(describe(&url, &[hop(302, "https://a.example/login")]).is_none());
        assert!(describe(&url, &[]).is_none());
    }
}
