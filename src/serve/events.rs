//! Live reload: every rebuild is published once to a broadcast channel and
//! streamed to each open page as a server-sent event. A slow or vanished
//! client only ever lags its own receiver; the publisher never waits.
//! HTML responses get a small script while serving; built files never do.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderValue, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::Stream;
use serde::Serialize;
use tokio::sync::broadcast;

use crate::diagnostic::Diagnostic;

/// The script pages load while served; kept out of `runbook build`.
const SCRIPT: &str = include_str!("../../templates/serve/live.js");
pub const SCRIPT_PATH: &str = "/__runbook/live.js";
pub const EVENTS_PATH: &str = "/__runbook/events";
pub const STATE_PATH: &str = "/__runbook/state";

/// One finding as the browser panel shows it.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    pub path: String,
    pub line: usize,
    pub col: usize,
    pub severity: &'static str,
    pub rule: &'static str,
    pub message: String,
}

impl Finding {
    pub fn from(d: &Diagnostic) -> Finding {
        Finding {
            path: crate::lint::report::display_path(&d.path),
            line: d.span.start.line,
            col: d.span.start.col,
            severity: d.severity.as_str(),
            rule: d.rule,
            message: d.message.clone(),
        }
    }
}

/// What a rebuild tells the pages: which must reload, and what to show.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Message {
    pub generation: u64,
    /// `pages` (those listed), `site` (every page but runbooks), `all`,
    /// or `none` (nothing to reload: an error or findings only).
    pub scope: &'static str,
    pub pages: Vec<String>,
    /// A build that failed: shown over the last good page.
    pub error: Option<String>,
    pub findings: Vec<Finding>,
}

/// The channel and the latest message, which a page fetches when it loads
/// (its reload loses whatever the event showed).
pub struct Hub {
    sender: broadcast::Sender<Arc<str>>,
    latest: Mutex<Message>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub {
            sender: broadcast::channel(64).0,
            latest: Mutex::new(Message::default()),
        }
    }
}

impl Hub {
    /// Sends to every connected page, now. The error and findings stay for
    /// pages that load later, until the next message replaces them.
    pub fn publish(&self, mut message: Message) {
        let mut latest = self.latest.lock().unwrap_or_else(|e| e.into_inner());
        message.generation = latest.generation + 1;
        let json = serde_json::to_string(&message).unwrap_or_default();
        *latest = message;
        // No receiver is not an error: no page is open.
        let _ = self.sender.send(json.into());
    }

    fn state(&self) -> String {
        let latest = self.latest.lock().unwrap_or_else(|e| e.into_inner());
        serde_json::to_string(&*latest).unwrap_or_default()
    }

    /// The event stream: `hello` first (so a client knows it is listening),
    /// then one `message` per rebuild. A client too slow to keep up misses
    /// messages and is told to reload everything instead.
    pub fn events(&self) -> Sse<impl Stream<Item = Result<Event, Infallible>> + use<>> {
        let receiver = self.sender.subscribe();
        let hello = Event::default().event("hello").data("{}");
        let stream = futures_util::stream::unfold(
            (Some(hello), receiver),
            |(first, mut receiver)| async move {
                if let Some(hello) = first {
                    return Some((Ok(hello), (None, receiver)));
                }
                let data: Arc<str> = match receiver.recv().await {
                    Ok(data) => data,
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        r#"{"scope":"all","pages":[],"findings":[]}"#.into()
                    }
                    Err(broadcast::error::RecvError::Closed) => return None,
                };
                Some((Ok(Event::default().data(&*data)), (None, receiver)))
            },
        );
        Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(10)))
    }
}

pub fn state(hub: &Hub) -> Response {
    typed(hub.state(), "application/json")
}

pub fn script() -> Response {
    typed(SCRIPT.to_string(), "text/javascript; charset=utf-8")
}

fn typed(body: String, kind: &'static str) -> Response {
    let mut response = Body::from(body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Adds the live script to an HTML response, before `</body>` (or at the
/// end when there is none).
pub async fn inject(response: Response) -> Response {
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if !html {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let tag = format!("<script src=\"{SCRIPT_PATH}\" defer></script>\n");
    // HEAD: no body to add to, but the length GET would send. An empty
    // file gets no script.
    if bytes.is_empty() {
        let length = parts
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok()?.parse::<usize>().ok())
            .unwrap_or(0);
        if length > 0 {
            parts.headers.insert(
                header::CONTENT_LENGTH,
                HeaderValue::from(length + tag.len()),
            );
        }
        return Response::from_parts(parts, Body::empty());
    }
    let at = memchr::memmem::rfind(&bytes, b"</body>").unwrap_or(bytes.len());
    let mut out = Vec::with_capacity(bytes.len() + tag.len());
    out.extend_from_slice(&bytes[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&bytes[at..]);
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(out.len()));
    Response::from_parts(parts, Body::from(out))
}
