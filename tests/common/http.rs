//! Plain HTTP/1.1 on 127.0.0.1, for the bot's own server (`/healthz`,
//! `/metrics`, `/ops/…`, the webhook): no client library, one connection a
//! request.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// One HTTP/1.1 request; returns the status code (0 when the answer has
/// none) and the body.
pub fn request(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).unwrap();
    // A connection the server drops half way leaves what was read: the
    // caller's checks on the status and body judge it.
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    let status = out
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = out
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// One GET; returns the status code and the body.
pub fn get(port: u16, path: &str) -> (u16, String) {
    request(port, "GET", path, &[], "")
}

/// Posts a JSON `body` to the webhook at `/tg` as Telegram does, with the
/// secret header when there is a `secret`; returns the status code and the
/// body.
pub fn post_webhook(port: u16, secret: Option<&str>, body: &str) -> (u16, String) {
    let mut headers = vec![("Content-Type", "application/json")];
    if let Some(secret) = secret {
        headers.push(("X-Telegram-Bot-Api-Secret-Token", secret));
    }
    request(port, "POST", "/tg", &headers, body)
}
