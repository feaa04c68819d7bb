//! What a simulated container answers to HTTP, and curl's errors.
//!
//! The body names the pod where the real image would: hello-app prints
//! `Hostname: <pod>`, echoserver and nginxdemos/hello show the server's name;
//! nginx serves its welcome page exactly as nginx does; an unknown server image
//! answers a short kubesim page naming the pod.

use crate::node::behaviour::{Service, short_repository};
use crate::node::runtime::ContainerInstance;

/// A response, and which pod served it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub body: String,
    /// (namespace, name) of the pod that answered.
    pub pod: (String, String),
}

/// A request that failed, as curl reports it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("curl: ({code}) {message}")]
pub struct CurlError {
    pub code: i32,
    pub message: String,
}

impl CurlError {
    pub fn could_not_resolve(host: &str) -> Self {
        CurlError {
            code: 6,
            message: format!("Could not resolve host: {host}"),
        }
    }
    pub fn connection_refused(host: &str, port: i32) -> Self {
        CurlError {
            code: 7,
            message: format!(
                "Failed to connect to {host} port {port} after 0 ms: Couldn't connect to server"
            ),
        }
    }
    pub fn timed_out(host: &str, port: i32) -> Self {
        CurlError {
            code: 28,
            message: format!(
                "Failed to connect to {host} port {port} after 130000 ms: Connection timed out"
            ),
        }
    }
    pub fn empty_reply() -> Self {
        CurlError {
            code: 52,
            message: "Empty reply from server".to_string(),
        }
    }
    pub fn bad_url(url: &str) -> Self {
        CurlError {
            code: 3,
            message: format!("URL rejected: Malformed input to a URL function ({url})"),
        }
    }
}

/// The ports a container listens on: the image's own, or (unknown images) the
/// declared container ports, or any port when none is declared.
pub fn listens_on(image: &str, declared: &[i32], port: i32) -> bool {
    let known: &[i32] = match short_repository(image) {
        "nginx" | "httpd" | "nginxdemos/hello" => &[80],
        "gcr.io/google-samples/hello-app" | "registry.k8s.io/echoserver" => &[8080],
        "redis" => &[6379],
        "postgres" => &[5432],
        "mysql" | "mariadb" => &[3306],
        _ => {
            return declared.is_empty() || declared.contains(&port);
        }
    };
    known.contains(&port)
}

/// The nginx welcome page, byte for byte as nginx 1.27 serves it.
pub const NGINX_WELCOME: &str = "<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href=\"http://nginx.org/\">nginx.org</a>.<br/>
Commercial support is available at
<a href=\"http://nginx.com/\">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
";

fn nginx_not_found() -> String {
    "<html>\n<head><title>404 Not Found</title></head>\n<body>\n<center><h1>404 Not Found</h1></center>\n<hr><center>nginx/1.27.3</center>\n</body>\n</html>\n".to_string()
}

/// What a request to a running container gets: Ok(status, body) or a curl error.
pub struct Request<'a> {
    pub method: &'a str,
    pub host: &'a str,
    pub port: i32,
    pub path: &'a str,
    pub client_ip: &'a str,
    pub pod_name: &'a str,
    pub pod_ip: &'a str,
    pub image: &'a str,
    pub node_name: &'a str,
}

/// The response of `instance` (running `image`) to a request.
pub fn respond(
    instance: &ContainerInstance,
    request: &Request<'_>,
) -> Result<(u16, String), CurlError> {
    match instance.behaviour.service {
        Service::None => return Err(CurlError::connection_refused(request.host, request.port)),
        Service::Tcp => return Err(CurlError::empty_reply()),
        Service::Http => {}
    }
    let path = request.path.split('?').next().unwrap_or(request.path);
    let repository = short_repository(request.image);
    Ok(match repository {
        "nginx" => match path {
            "/" | "/index.html" => (200, NGINX_WELCOME.to_string()),
            _ => (404, nginx_not_found()),
        },
        "httpd" => match path {
            "/" | "/index.html" => (
                200,
                "<html><body><h1>It works!</h1></body></html>\n".to_string(),
            ),
            _ => (
                404,
                "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n</body></html>\n"
                    .to_string(),
            ),
        },
        "gcr.io/google-samples/hello-app" => {
            let version = if request.image.ends_with(":2.0") {
                "2.0.0"
            } else {
                "1.0.0"
            };
            (
                200,
                format!(
                    "Hello, world!\nVersion: {version}\nHostname: {}\n",
                    request.pod_name
                ),
            )
        }
        "registry.k8s.io/echoserver" => (
            200,
            format!(
                "\n\nHostname: {}\n\nPod Information:\n\t-no pod information available-\n\nServer values:\n\tserver_version=nginx: 1.10.0 - lua: 10001\n\nRequest Information:\n\tclient_address={}\n\tmethod={}\n\treal path={path}\n\tquery=\n\trequest_version=1.1\n\trequest_scheme=http\n\trequest_uri=http://{}:{}{path}\n\nRequest Headers:\n\taccept=*/*\n\thost={}:{}\n\tuser-agent=curl/8.5.0\n\nRequest Body:\n\t-no body in request-\n\n",
                request.pod_name,
                request.client_ip,
                request.method,
                request.host,
                request.port,
                request.host,
                request.port
            ),
        ),
        "nginxdemos/hello" => (
            200,
            format!(
                "Server address: {}:{}\nServer name: {}\nDate: -\nURI: {path}\nRequest ID: -\n",
                request.pod_ip, request.port, request.pod_name
            ),
        ),
        _ => (
            200,
            format!(
                "kubesim: pod {} on node {} (image {}) answered {} {path}\n",
                request.pod_name, request.node_name, request.image, request.method
            ),
        ),
    })
}

/// An nginx access-log line, as nginx's `combined` format writes it.
pub fn access_log_line(
    client_ip: &str,
    method: &str,
    path: &str,
    status: u16,
    bytes: usize,
    time: crate::time::SimTime,
) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let rfc = time.to_rfc3339();
    let month: usize = rfc[5..7].parse().unwrap_or(1);
    format!(
        "{client_ip} - - [{}/{}/{}:{} +0000] \"{method} {path} HTTP/1.1\" {status} {bytes} \"-\" \"curl/8.5.0\" \"-\"",
        &rfc[8..10],
        MONTHS[month.saturating_sub(1).min(11)],
        &rfc[0..4],
        &rfc[11..19]
    )
}

/// Splits `http://host:port/path` into (host, port, path).
pub fn parse_url(url: &str) -> Option<(String, i32, String)> {
    let (rest, default_port) = if let Some(rest) = url.strip_prefix("http://") {
        (rest, 80)
    } else if let Some(rest) = url.strip_prefix("https://") {
        (rest, 443)
    } else if url.contains("://") {
        return None;
    } else {
        (url, 80)
    };
    let (authority, path) = match rest.find('/') {
        Some(index) => (&rest[..index], &rest[index..]),
        None => (rest, "/"),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => (host, port.parse::<i32>().ok()?),
        None => (authority, default_port),
    };
    if host.is_empty() {
        return None;
    }
    Some((host.to_string(), port, path.to_string()))
}
