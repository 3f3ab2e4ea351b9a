//! Commands for people who write and own runbooks: mark one reviewed, list
//! what falls due, start a new one.

pub mod due;
pub mod init;
pub mod new;
pub mod review;

/// What in a name or title written into a runbook cannot be shown as it
/// is, if anything: a control character (a line break, `ESC`, `DEL`, which
/// YAML also forbids unescaped), or a bidirectional control, which reorders
/// what a reader sees (`bidi-control` reports it).
pub fn unprintable(text: &str) -> Option<String> {
    let c = text
        .chars()
        .find(|&c| c.is_control() || crate::lint::rules::bidi_control::is_bidi_control(c))?;
    Some(if c.is_control() {
        format!("a control character (U+{:04X})", c as u32)
    } else {
        format!(
            "a bidirectional control (U+{:04X} {})",
            c as u32,
            crate::lint::rules::bidi_control::name(c)
        )
    })
}
