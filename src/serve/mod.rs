//! `runbook serve`: the built site over HTTP, on 127.0.0.1 unless told
//! otherwise, with the content types Pagefind needs and nothing outside the
//! output folder reachable.
//!
//! The router has one fallback route for files today; live reload adds an
//! SSE route next to it.

mod files;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;

pub use files::{content_type, resolve};

/// A bound server, not yet serving: the port is known (bind to port 0 in
/// tests) before requests are accepted.
pub struct Server {
    listener: std::net::TcpListener,
    root: Arc<PathBuf>,
}

impl Server {
    pub fn bind(root: &Path, addr: SocketAddr) -> std::io::Result<Server> {
        let root = root.canonicalize()?;
        let listener = std::net::TcpListener::bind(addr)?;
        listener.set_nonblocking(true)?;
        Ok(Server {
            listener,
            root: Arc::new(root),
        })
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
            axum::serve(listener, router(self.root)).await
        })
    }
}

fn router(root: Arc<PathBuf>) -> Router {
    Router::new().fallback(files::serve).with_state(root)
}
