//! `cargo xtask serve`: build `dist/`, then serve it on localhost with std::net.
//! A development server only: GET and HEAD of files under `dist/`, nothing else.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};

use crate::Result;
use crate::site::{self, DIST_DIR};
use crate::tools;

pub fn run(root: &Path, port: u16) -> Result<()> {
    tools::ensure_for_site(root)?;
    site::build(root)?;
    let listener = TcpListener::bind(("127.0.0.1", port))
        .map_err(|error| format!("cannot listen on 127.0.0.1:{port}: {error} (try --port N)"))?;
    let bound_port = listener
        .local_addr()
        .map(|addr| addr.port())
        .unwrap_or(port);
    println!("\nserving {DIST_DIR}/ at http://127.0.0.1:{bound_port}/  (Ctrl-C to stop)");
    let dist = root.join(DIST_DIR);
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let dist = dist.clone();
        // One thread per connection, so a stalled browser tab cannot block the rest.
        std::thread::spawn(move || {
            if let Err(error) = handle(stream, &dist) {
                eprintln!("serve: {error}");
            }
        });
    }
    Ok(())
}

fn handle(mut stream: TcpStream, dist: &Path) -> std::io::Result<()> {
    let mut request_line = String::new();
    BufReader::new(&stream).read_line(&mut request_line)?;
    let mut words = request_line.split_whitespace();
    let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or("/"));
    if method != "GET" && method != "HEAD" {
        return respond(
            &mut stream,
            "405 Method Not Allowed",
            "text/plain",
            b"GET only\n",
            false,
        );
    }
    let Some(path) = resolve(dist, target) else {
        return respond(
            &mut stream,
            "404 Not Found",
            "text/plain",
            b"not found\n",
            method == "HEAD",
        );
    };
    match std::fs::read(&path) {
        Ok(body) => respond(
            &mut stream,
            "200 OK",
            content_type(&path),
            &body,
            method == "HEAD",
        ),
        Err(_) => respond(
            &mut stream,
            "404 Not Found",
            "text/plain",
            b"not found\n",
            method == "HEAD",
        ),
    }
}

/// Maps a URL path to a file under `dist`, refusing anything that climbs out of it.
fn resolve(dist: &Path, target: &str) -> Option<PathBuf> {
    let url_path = target.split(['?', '#']).next().unwrap_or("/");
    let relative = Path::new(url_path.trim_start_matches('/'));
    if relative
        .components()
        .any(|part| !matches!(part, Component::Normal(_)))
    {
        return None;
    }
    let path = dist.join(relative);
    if path.is_dir() {
        Some(path.join("index.html"))
    } else {
        Some(path)
    }
}

/// `.wasm` must be `application/wasm`, or `WebAssembly.instantiateStreaming` refuses it.
fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|ext| ext.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("json") => "application/json",
        Some("ico") => "image/x-icon",
        _ => "application/octet-stream",
    }
}

fn respond(
    stream: &mut TcpStream,
    status: &str,
    content_type: &str,
    body: &[u8],
    head_only: bool,
) -> std::io::Result<()> {
    let header = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(header.as_bytes())?;
    if !head_only {
        stream.write_all(body)?;
    }
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_refuses_paths_that_climb_out_of_dist() {
        let dist = Path::new("/nonexistent-dist");
        assert_eq!(resolve(dist, "/../etc/passwd"), None);
        assert_eq!(resolve(dist, "/pkg/../../x"), None);
        assert_eq!(
            resolve(dist, "/pkg/kubesim_web.js?v=1"),
            Some(PathBuf::from("/nonexistent-dist/pkg/kubesim_web.js"))
        );
    }

    #[test]
    fn wasm_is_served_as_application_wasm() {
        assert_eq!(
            content_type(Path::new("pkg/kubesim_web_bg.wasm")),
            "application/wasm"
        );
        assert_eq!(
            content_type(Path::new("pkg/kubesim_web.js")),
            "text/javascript; charset=utf-8"
        );
    }
}
