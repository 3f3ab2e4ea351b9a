//! SARIF 2.1.0, as GitHub code scanning reads it: every rule with its doc
//! and help URI, repo-relative paths, stable fingerprints, within GitHub's
//! limits. Built with `serde-sarif`'s typed builders.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, Message, MultiformatMessageString, Notification,
    PhysicalLocation, Region, ReportingConfiguration, ReportingDescriptor, Result as SarifResult,
    ResultLevel, Run, Sarif, Suppression, Tool, ToolComponent,
};

use super::{Report, fingerprint, occurrences};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{MAX_FINDINGS_PER_RULE, rules};

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// GitHub code scanning rejects a whole log with more results in a run.
pub const MAX_RESULTS: usize = 25_000;

/// GitHub's limit on a rule's descriptions.
const MAX_DESCRIPTION: usize = 1024;

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let built_in = rules::ALL.iter().map(|rule| {
        let mut descriptor = descriptor(
            rule.id,
            rule.summary(),
            rule.what_it_checks(),
            rule.doc(),
            rule.severity,
        );
        descriptor.help_uri = Some(rule.help_uri());
        descriptor
    });
    // A team rule that reports as a built-in rule is described by it; the
    // others from what `runbook rules ID` prints of them (they have no page
    // of their own to link to).
    let team = report
        .team_rules
        .iter()
        .filter(|rule| rule.reports_as.is_none())
        .map(|rule| {
            descriptor(
                rule.id,
                rule.message.clone(),
                rule.checks(),
                rule.doc(),
                rule.severity,
            )
        });
    let descriptors: Vec<ReportingDescriptor> = built_in.chain(team).collect();
    let driver = ToolComponent::builder()
        .name("runbook")
        .version(env!("CARGO_PKG_VERSION"))
        .information_uri("https://github.com/runbook-dev/runbook")
        .rules(descriptors)
        .build();
    let (listed, left_out) = listed(report);
    // A file that could not be read is a result (`io-error`) and, as the
    // exit code 2 says, a run that did not do all it had to: each one is an
    // error notification too, which a reader that shows only the run's
    // health would otherwise miss.
    let mut notifications: Vec<Notification> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == rules::io_error::ID)
        .map(|d| {
            let path = report.scanned_path(&d.path);
            let location = Location::builder()
                .physical_location(
                    PhysicalLocation::builder()
                        .artifact_location(ArtifactLocation::builder().uri(uri(&path)).build())
                        .build(),
                )
                .build();
            Notification::builder()
                .level(serde_json::json!("error"))
                .message(
                    Message::builder()
                        .text(escape(&format!("{path}: {}", d.message)))
                        .build(),
                )
                .locations(vec![location])
                .build()
        })
        .collect();
    let mut invocation = Invocation::builder()
        .execution_successful(notifications.is_empty())
        .build();
    if left_out > 0 {
        let text = format!(
            "{left_out} findings are not in this log: GitHub code scanning takes at most \
             {MAX_RESULTS} results per run, so errors were kept first, then warnings. \
             `runbook lint --format json` has no such limit; like every format, it lists \
             at most {MAX_FINDINGS_PER_RULE} findings of one rule in one file."
        );
        crate::eprintln_printable!("warning: SARIF: {text}");
        notifications.push(
            Notification::builder()
                .level(serde_json::json!("warning"))
                .message(Message::builder().text(escape(&text)).build())
                .build(),
        );
    }
    if !notifications.is_empty() {
        invocation.tool_execution_notifications = Some(notifications);
    }
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .column_kind(serde_json::json!("unicodeCodePoints"))
        .invocations(vec![invocation])
        .results(Vec::new())
        .build();
    let sarif = Sarif::builder()
        .schema(SCHEMA)
        .version(serde_json::json!("2.1.0"))
        .runs(vec![run])
        .build();
    // The log around the results, typed; the results streamed into it, on
    // every core, as `to_writer_pretty` would have written them: 50,000
    // typed results held at once took 335 MB.
    let frame = serde_json::to_vec_pretty(&sarif)?;
    let marker = b"\"results\": []";
    let at = frame
        .windows(marker.len())
        .position(|w| w == marker)
        .ok_or_else(|| io::Error::other("no results array in the SARIF log"))?;
    let line_start = frame[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let indent = &frame[line_start..at];
    let open = at + marker.len() - 1;
    out.write_all(&frame[..open])?;
    let items = [indent, b"  "].concat();
    super::write_pretty_items(out, &listed, |&(d, n)| result(report, d, n), &items)?;
    if !listed.is_empty() {
        out.write_all(b"\n")?;
        out.write_all(indent)?;
    }
    out.write_all(&frame[open..])?;
    writeln!(out)
}

/// The findings the log lists, each with its [`occurrences`] count (taken
/// over all findings, so a print does not change when a suppression is
/// added above), and how many findings the log leaves out when it is cut
/// to [`MAX_RESULTS`]: all it would list, a result that stands for a
/// file's findings past its cap counting as all of them
/// ([`Diagnostic::counts_as`]), less the results kept. Counting results
/// instead would leave out those past the cap, and the totals the run
/// prints would not add up.
///
/// Suppressed findings are listed only with `--show-suppressed`: code
/// scanning ignores a result's `suppressions` and would open an alert for
/// each, where the lint says there is nothing to fix.
fn listed<'a>(report: &Report<'a>) -> (Vec<(&'a Diagnostic, u32)>, usize) {
    let mut listed: Vec<(&Diagnostic, u32)> = report
        .diagnostics
        .iter()
        .zip(occurrences(report.diagnostics.iter()))
        .filter(|(d, _)| d.suppressed.is_none() || report.show_suppressed)
        .collect();
    let mut left_out = 0;
    if listed.len() > MAX_RESULTS {
        let findings: usize = listed.iter().map(|(d, _)| d.counts_as as usize).sum();
        left_out = findings - MAX_RESULTS;
        // The most severe first, counted findings before suppressed ones;
        // then back in the report's order.
        let mut order: Vec<usize> = (0..listed.len()).collect();
        order.sort_by_key(|&i| {
            let d = listed[i].0;
            (std::cmp::Reverse(d.severity), d.suppressed.is_some(), i)
        });
        let mut kept = order[..MAX_RESULTS].to_vec();
        kept.sort_unstable();
        listed = kept.into_iter().map(|i| listed[i]).collect();
    }
    (listed, left_out)
}

fn descriptor(
    id: &str,
    short: String,
    full: String,
    doc: String,
    severity: Severity,
) -> ReportingDescriptor {
    let text = |text: String| {
        MultiformatMessageString::builder()
            .text(escape_at_most(&text, MAX_DESCRIPTION))
            .build()
    };
    ReportingDescriptor::builder()
        .id(id)
        .name(pascal_case(id))
        .short_description(text(short))
        .full_description(text(full))
        .help(
            MultiformatMessageString::builder()
                .text(doc.clone())
                .markdown(doc)
                .build(),
        )
        .default_configuration(
            ReportingConfiguration::builder()
                .level(serde_json::json!(level(severity).to_string()))
                .build(),
        )
        .build()
}

/// `kill-9` as SARIF's `name` wants it, a word of its own: `Kill9`.
fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_alphanumeric())
        .flat_map(|word| {
            let mut chars = word.chars();
            chars.next().map(|first| first.to_uppercase().chain(chars))
        })
        .flatten()
        .collect()
}

/// Plain message text as SARIF wants it: `[` and `]` escaped, as CodeQL
/// writes them, so a ``[text](path.md)`` is not read as a link (§3.11.6).
/// Braces stay single although §3.11.5 asks for them doubled: they matter
/// only to a message with `arguments`, which no result here has, and a
/// reader that does not undo the doubling would show `{{{{namespace}}}}`
/// for the placeholder `unresolved-placeholder` reports.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    text.chars().for_each(|c| push_escaped(&mut out, c));
    out
}

/// [`escape`], cut to `max` characters, the last one `…` when cut; an
/// escape is never split.
fn escape_at_most(text: &str, max: usize) -> String {
    let escaped = escape(text);
    if escaped.chars().count() <= max {
        return escaped;
    }
    let mut out = String::new();
    let mut count = 0;
    for c in text.chars() {
        count += if matches!(c, '[' | ']') { 2 } else { 1 };
        if count >= max {
            break;
        }
        push_escaped(&mut out, c);
    }
    out.push('…');
    out
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '[' | ']' => out.extend(['\\', c]),
        c => out.push(c),
    }
}

/// A path as a SARIF artifact URI: a `#` or a space in a file name must not
/// end it, a file outside the repository is a `file://` URI, and a colon in
/// the first segment (`db:restore.md`) must not read as a scheme.
fn uri(path: &str) -> String {
    let encoded = crate::site::render::encode_path(path);
    if path.starts_with('/') {
        return format!("file://{encoded}");
    }
    match encoded.split_once('/') {
        Some((first, rest)) => format!("{}/{rest}", first.replace(':', "%3A")),
        None => encoded.replace(':', "%3A"),
    }
}

fn level(severity: Severity) -> ResultLevel {
    match severity {
        Severity::Error => ResultLevel::Error,
        Severity::Warning => ResultLevel::Warning,
        Severity::Info => ResultLevel::Note,
    }
}

fn result(report: &Report, d: &Diagnostic, occurrence: u32) -> SarifResult {
    let path = report.scanned_path(&d.path);
    let mut region = Region::builder()
        .start_line(d.span.start.line as i64)
        .start_column(d.span.start.col as i64)
        .build();
    let (start, end) = (d.span.start, d.span.end);
    if end.line > start.line {
        region.end_line = Some(end.line as i64);
        region.end_column = Some(end.col as i64);
    } else if end.line == start.line && end.line > 0 {
        region.end_line = Some(end.line as i64);
        region.end_column = Some(end.col.max(start.col) as i64);
    }
    let location = Location::builder()
        .physical_location(
            PhysicalLocation::builder()
                .artifact_location(ArtifactLocation::builder().uri(uri(&path)).build())
                .region(region)
                .build(),
        )
        .build();
    let mut text = d.message.clone();
    if let Some(help) = &d.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    let fingerprints = BTreeMap::from([(
        // v2: without the message, with the occurrence.
        "runbook/v2".to_string(),
        fingerprint(d, &path, occurrence),
    )]);
    let mut result = SarifResult::builder()
        .rule_id(d.rule)
        .level(level(d.severity))
        .message(Message::builder().text(escape(&text)).build())
        .locations(vec![location])
        .partial_fingerprints(fingerprints)
        .build();
    if let Some(s) = &d.suppressed {
        let mut suppression = Suppression::builder()
            .kind(serde_json::json!("inSource"))
            .build();
        suppression.justification = s.reason.clone();
        result.suppressions = Some(vec![suppression]);
    }
    result
}
