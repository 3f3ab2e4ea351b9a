//! Fragment not found on an external page (`external-anchor`)
//!
//! ## What it checks
//! With `runbook lint --online-fragments`, a URL with a `#fragment` must
//! point at an `id` or an `<a name>` on the HTML page it links to.
//! Fragments that hold application state rather than an id (`#/dashboards`,
//! `#!/x`, `#view=1&x=2`, `#:~:text=`) are skipped, and so are pages that
//! are not HTML. Ids added by JavaScript after load are not seen.
//!
//! ## Why it matters
//! "Follow step 4 of the vendor guide" only helps if the link lands on
//! step 4. Renamed headings silently drop the reader at the top of a long
//! page.
//!
//! ## Example
//! ```markdown
//! See [failover](https://docs.vendor.example/db#manual-failover).
//! ```
//!
//! ## Fix
//! Use the page's current id (the help names the closest one), or drop
//! the fragment. Exclude the URL if the page builds its ids with JavaScript.

use crate::lint::links::closest;

crate::rule!("external-anchor", Error, None);

/// Message and help for a fragment the page does not have.
pub fn describe(url: &str, fragment: &str, anchors: &[String]) -> (String, String) {
    let message = format!("`{url}`: the page has no element with id `{fragment}`");
    let help = match closest(fragment, anchors.iter().map(String::as_str)) {
        Some(near) => format!("did you mean `#{near}`?"),
        None => {
            "open the page and copy the fragment from its current heading, or drop the fragment"
                .into()
        }
    };
    (message, help)
}
