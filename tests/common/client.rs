//! One raw HTTP/1.1 GET over a real socket, for the tests of `runbook
//! serve`: the path goes out exactly as written, so no client normalises
//! `..` or percent escapes away before the server sees them.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

pub struct Response {
    pub status: u16,
    pub content_type: String,
    /// Where a redirect points, if it is one.
    pub location: Option<String>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends `GET path` and reads the answer until the server closes; a server
/// silent for 20 s fails the test instead of hanging it.
pub fn get(addr: SocketAddr, path: &str) -> Response {
    get_from(addr, path, &addr.to_string())
}

/// `get` naming another host in the `Host` header, as a page that pointed
/// its own domain at 127.0.0.1 (DNS rebinding) would.
pub fn get_from(addr: SocketAddr, path: &str, host: &str) -> Response {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("headers end");
    let head = String::from_utf8_lossy(&raw[..split]);
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let header = |wanted: &str| {
        head.lines().find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case(wanted)
                .then(|| value.trim().to_string())
        })
    };
    Response {
        status,
        content_type: header("content-type").unwrap_or_default(),
        location: header("location"),
        body: raw[split + 4..].to_vec(),
    }
}
