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
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(self.listener)?;
            axum::serve(listener, router(self.root, self.hub)).await
        })
    }
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
