//! A tiny HTTP/1.1 server on 127.0.0.1 for the link checker's tests and
//! benchmark: one thread per connection, one request per connection, and a
//! record of every request so tests can count what reached the network.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    /// When the request arrived.
    pub at: Instant,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// Wait this long before answering.
    pub delay: Duration,
}

impl Reply {
    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: String::new(),
            delay: Duration::ZERO,
        }
    }

    pub fn html(body: &str) -> Reply {
        Reply {
            body: body.to_string(),
            ..Reply::status(200)
        }
        .header("Content-Type", "text/html; charset=utf-8")
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub fn delay(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }
}

type Handler = dyn Fn(&Request, usize) -> Reply + Send + Sync;

pub struct Server {
    pub port: u16,
    log: Arc<Mutex<Vec<Request>>>,
}

impl Server {
    /// Starts serving; `handler` gets each request and how many requests
    /// for the same path came before it, counting this one (1 for the first).
    pub fn start(handler: impl Fn(&Request, usize) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("local address").port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let shared = Arc::clone(&log);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let log = Arc::clone(&shared);
                let handler = Arc::clone(&handler);
                std::thread::spawn(move || serve(stream, &log, &*handler));
            }
        });
        Server { port, log }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Requests received for `path`, any method.
    pub fn hits(&self, path: &str) -> usize {
        self.requests().iter().filter(|r| r.path == path).count()
    }

    pub fn requests(&self) -> Vec<Request> {
        self.log.lock().expect("request log").clone()
    }
}

fn serve(stream: TcpStream, log: &Mutex<Vec<Request>>, handler: &Handler) {
    let mut reader = BufReader::new(&stream);
    let Some(mut request) = read_request(&mut reader) else {
        return;
    };
    if request.method == "CONNECT" {
        // Standing in as a proxy: the tunnel's request is served here too,
        // so a test sees what the client would send across the network.
        // The handler may refuse the tunnel, as proxies do for some ports.
        let refusal = handler(&request, 0);
        log.lock().expect("request log").push(request);
        if refusal.status != 200 {
            answer(&stream, &refusal, "CONNECT");
            return;
        }
        let mut out = &stream;
        if out
            .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
            .is_err()
        {
            return;
        }
        let Some(tunneled) = read_request(&mut reader) else {
            return;
        };
        request = tunneled;
    }
    let seen = {
        let mut log = log.lock().expect("request log");
        log.push(request.clone());
        log.iter().filter(|r| r.path == request.path).count()
    };
    let reply = handler(&request, seen);
    answer(&stream, &reply, &request.method);
}

fn answer(stream: &TcpStream, reply: &Reply, method: &str) {
    std::thread::sleep(reply.delay);
    let mut out = format!(
        "HTTP/1.1 {} Status\r\nContent-Length: {}\r\nConnection: close\r\n",
        reply.status,
        reply.body.len()
    );
    for (name, value) in &reply.headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    if method != "HEAD" {
        out.push_str(&reply.body);
    }
    let mut stream = stream;
    // The client may have given up (timeouts); that is not the server's error.
    let _ = stream.write_all(out.as_bytes());
}

/// The request line and headers, or `None` when the client sent nothing.
fn read_request(reader: &mut impl BufRead) -> Option<Request> {
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let path = parts.next().unwrap_or("").to_string();
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 {
            break;
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    Some(Request {
        method,
        path,
        headers,
        at: Instant::now(),
    })
}
