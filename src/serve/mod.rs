//! `runbook serve`: the built site over HTTP, on 127.0.0.1 unless told
//! otherwise, with the content types Pagefind needs and nothing outside the
//! output folder reachable.
//!
//! While serving with live reload, `/__runbook/` has the event stream, the
//! latest build state and the reload script, and HTML gets the script.

pub mod events;
mod files;
pub mod rebuild;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use events::Hub;

pub use files::{content_type, resolve};

/// A bound server, not yet serving: the port is known (bind to port 0 in
/// tests) before requests are accepted.
pub struct Server {
    listener: std::net::TcpListener,
    root: Arc<PathBuf>,
    hub: Option<Arc<Hub>>,
}

impl Server {
    pub fn bind(root: &Path, addr: SocketAddr) -> std::io::Result<Server> {
        let root = root.canonicalize()?;
        let listener = std::net::TcpListener::bind(addr)?;
        listener.set_nonblocking(true)?;
        Ok(Server {
            listener,
            root: Arc::new(root),
            hub: None,
        })
    }

    /// Serves with live reload: pages hear of rebuilds published on `hub`.
    pub fn live(mut self, hub: Arc<Hub>) -> Server {
        self.hub = Some(hub);
        self
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until the process ends or the listener fails.
    pub fn run(self) -> std::io::Result<()> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        let loopback = self.listener.local_addr()?.ip().is_loopback();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(self.listener)?;
            let mut router = router(self.root, self.hub);
            if loopback {
                router = router.layer(axum::middleware::from_fn(local_host_only));
            }
            accept(listener, router).await
        })
    }
}

/// How long a client may take to send a request's headers, and how long a
/// kept-alive connection may wait for its next request: a browser sends
/// them at once, and a connection that sends nothing must not hold a file
/// descriptor for good.
pub const HEADER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Connections served at once. Past this one is closed as soon as it is
/// accepted, so a flood of idle ones (held at most [`HEADER_TIMEOUT`])
/// never takes the process's last file descriptors, which would stop it
/// answering anyone, reloads and rebuilds included.
const MAX_CONNECTIONS: usize = 512;

/// Serves each connection of `listener` with `router`, as `axum::serve`
/// does, with [`HEADER_TIMEOUT`] and [`MAX_CONNECTIONS`].
async fn accept(listener: tokio::net::TcpListener, router: Router) -> std::io::Result<()> {
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of descriptors, or a connection reset before it was
            // taken: the listener is still good.
            Err(_) => {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            continue;
        };
        let service = hyper_util::service::TowerToHyperService::new(router.clone());
        tokio::spawn(async move {
            let _slot = slot;
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
            // A client gone or too slow is no error of the server's.
            let _ = connection.await;
        });
    }
}

/// On loopback, requests must name this machine: a page elsewhere can
/// point a domain of its own at 127.0.0.1 (DNS rebinding) and read the
/// runbooks served here, but its requests still carry that domain.
async fn local_host_only(request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .map(|h| h.to_str().unwrap_or("?"));
    match host {
        Some(host) if !is_local_host(host) => (
            StatusCode::FORBIDDEN,
            format!(
                "runbook serve answers requests for localhost only, not `{host}`: open http://localhost:PORT/ (or bind another address with --bind)\n"
            ),
        )
            .into_response(),
        // No Host header at all comes from no browser.
        _ => next.run(request).await,
    }
}

/// `localhost`, `*.localhost`, a 127.x.x.x address or `[::1]`, with or
/// without a port.
fn is_local_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split_once(']').map_or(rest, |(ip, _)| ip),
        None => host.split_once(':').map_or(host, |(name, _)| name),
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn router(root: Arc<PathBuf>, hub: Option<Arc<Hub>>) -> Router {
    let files = Router::new().fallback(files::serve).with_state(root);
    let Some(hub) = hub else {
        return files;
    };
    let state = Arc::clone(&hub);
    Router::new()
        .route(
            events::EVENTS_PATH,
            get(move || async move { hub.events() }),
        )
        .route(
            events::STATE_PATH,
            get(move || async move { events::state(&state) }),
        )
        .route(events::SCRIPT_PATH, get(|| async { events::script() }))
        .merge(files.layer(axum::middleware::map_response(events::inject)))
}
