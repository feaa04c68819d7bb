//! `kubectl exec (POD | TYPE/NAME) [-c CONTAINER] -- COMMAND [args...]`.
//!
//! Upstream: `staging/src/k8s.io/kubectl/pkg/cmd/exec/exec.go` (Complete,
//! Validate, Run), the API server's `streamLocation`
//! (`pkg/registry/core/pod/strategy.go`) for the container and host checks, and
//! `cmdutil.CheckErr`, which prints a remote command's failure as `command
//! terminated with exit code N` and exits with N.
//!
//! The container runs a small set of commands (`commands::container_shell`):
//! `curl` and busybox `wget` go through the cluster network
//! (`Simulation::http_request`: cluster DNS, kube-proxy, the serving
//! container); `hostname`, `cat /etc/hostname`, `env`, `printenv [NAME...]`,
//! `echo`, `true`, `false` and `sh -c '...'` around one of them. Anything else is reported as not simulated.

use crate::kubectl::Flags;
use crate::kubectl::commands::create::after_dash;
use crate::kubectl::commands::logs::{default_container, has_container, resolve_object};
use crate::kubectl::outcome::{check_flags, namespace_or_default};
use crate::kubectl::pod_for_object::{PodOrder, first_pod, selector_for_object};
use crate::kubectl::{CommandOutput, shell_words};
use crate::model::Resource;
use crate::model::node::Node;
use crate::model::pod::Pod;
use crate::node::behaviour::short_repository;
use crate::node::dns::{self, Resolved};
use crate::node::http::{self, HttpResponse};
use crate::node::kubelet::internal_ip;
use crate::simulation::Simulation;
use crate::time::SimTime;

const FLAGS: &[&str] = &[
    "container",
    "c",
    "stdin",
    "i",
    "tty",
    "t",
    "quiet",
    "q",
    "pod-running-timeout",
    "filename",
    "f",
];

/// What a command run in a container printed, and its exit code.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Process {
    pub stdout: String,
    pub stderr: String,
    pub exit_code: i32,
}

impl Process {
    fn ok(stdout: impl Into<String>) -> Process {
        Process {
            stdout: stdout.into(),
            ..Process::default()
        }
    }
    fn failed(stderr: impl Into<String>, exit_code: i32) -> Process {
        Process {
            stderr: stderr.into(),
            exit_code,
            ..Process::default()
        }
    }
}

pub fn run(simulation: &mut Simulation, flags: &Flags, stdin: &str) -> CommandOutput {
    if let Err(output) = check_flags(flags, "exec", FLAGS) {
        return output;
    }
    let namespace = namespace_or_default(flags).to_string();
    let quiet = flags.has("quiet") || flags.has("q");
    let dash = flags.positional.iter().position(|word| word == "--");
    let (positional, mut command) = after_dash(flags);
    let mut output = CommandOutput::default();
    let resource = positional.first().cloned();
    if dash.is_none() && positional.len() > 1 {
        if !quiet {
            output.stderr.push_str("kubectl exec [POD] [COMMAND] is DEPRECATED and will be removed in a future version. Use kubectl exec [POD] -- [COMMAND] instead.\n");
        }
        command = positional[1..].to_vec();
    }
    let Some(resource) = resource else {
        return CommandOutput::error("error: pod, type/name or --filename must be specified");
    };
    if command.is_empty() {
        return CommandOutput::error(
            "error: you must specify at least one command for the container",
        );
    }
    let object = match resolve_object(simulation, &namespace, &resource) {
        Ok(object) => object,
        // exec's builder error is not wrapped as logs wraps it.
        Err(_) => {
            let (kind, name) = resource.split_once('/').unwrap_or(("pods", &resource));
            return match crate::kubectl::resource_args::resolve_type(kind) {
                Ok(resource_type) => {
                    let namespace = if resource_type.namespaced {
                        namespace.as_str()
                    } else {
                        ""
                    };
                    match simulation.api().get(resource_type, namespace, name) {
                        Err(error) => CommandOutput::error(error.kubectl_message()),
                        Ok(_) => CommandOutput::error("error: expected a resource"),
                    }
                }
                Err(error) => error.into_output(),
            };
        }
    };
    let pod_object = if object.kind() == "Pod" {
        object
    } else {
        let selector = match selector_for_object(&object) {
            Ok(selector) => selector,
            Err(message) => {
                return CommandOutput::error(format!(
                    "error: cannot attach to *v1.{}: {message}",
                    object.kind()
                ));
            }
        };
        match first_pod(
            simulation.api(),
            &namespace,
            &selector,
            PodOrder::ActiveReverse,
        ) {
            Some((pod, _)) => pod,
            None => return CommandOutput::error("error: timed out waiting for the condition"),
        }
    };
    let Some(pod) = pod_object.as_::<Pod>() else {
        return CommandOutput::error("error: expected a pod");
    };
    let pod_name = pod_object.name().to_string();
    let phase = pod.phase();
    if phase == "Succeeded" || phase == "Failed" {
        return CommandOutput::error(format!(
            "error: cannot exec into a container in a completed pod; current phase is {phase}"
        ));
    }
    let container = match flags.value("container").or_else(|| flags.value("c")) {
        Some(container) => container.to_string(),
        None => {
            let mut notices = String::new();
            let Some(container) = default_container(pod, &pod_name, &mut notices) else {
                return CommandOutput::error(format!(
                    "error: pod {namespace}/{pod_name} does not have any containers"
                ));
            };
            if !quiet {
                output.stderr.push_str(&notices);
            }
            container
        }
    };
    // The API server's streamLocation checks.
    if !has_container(pod, &container) {
        output.stderr.push_str(&format!(
            "Error from server (BadRequest): container {container} is not valid for pod {pod_name}\n"
        ));
        output.exit_code = 1;
        return output;
    }
    let node_name = pod.node_name().to_string();
    if node_name.is_empty() {
        output.stderr.push_str(&format!(
            "Error from server (BadRequest): pod {pod_name} does not have a host assigned\n"
        ));
        output.exit_code = 1;
        return output;
    }
    // The kubelet answers only on a live node, for a running container.
    if simulation.node_failed(&node_name) {
        let address = simulation
            .api()
            .get_ref(Node::resource_type(), "", &node_name)
            .and_then(|node| node.as_::<Node>().map(internal_ip))
            .unwrap_or_default();
        output.stderr.push_str(&format!(
            "Error from server: error dialing backend: dial tcp {address}:10250: i/o timeout\n"
        ));
        output.exit_code = 1;
        return output;
    }
    let running = pod
        .status
        .as_ref()
        .into_iter()
        .flat_map(|status| {
            status
                .container_statuses
                .iter()
                .flatten()
                .chain(status.init_container_statuses.iter().flatten())
        })
        .find(|status| status.name.as_deref() == Some(container.as_str()))
        .and_then(|status| status.state.as_ref())
        .is_some_and(|state| state.running.is_some());
    if !running {
        output.stderr.push_str(&format!(
            "error: unable to upgrade connection: container not found (\"{container}\")\n"
        ));
        output.exit_code = 1;
        return output;
    }
    let image = pod
        .spec()
        .containers
        .iter()
        .flatten()
        .chain(pod.spec().init_containers.iter().flatten())
        .find(|spec| spec.name.as_deref() == Some(container.as_str()))
        .and_then(|spec| spec.image.clone())
        .unwrap_or_default();
    let hostname = pod
        .spec()
        .hostname
        .clone()
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| pod_name.chars().take(63).collect());
    let context = ContainerContext {
        namespace: namespace.clone(),
        pod: pod_name.clone(),
        image,
        hostname,
        stdin: stdin.to_string(),
        environment: environment_of(pod, &container),
    };
    let process = container_shell(simulation, &context, &command);
    output.stdout.push_str(&process.stdout);
    output.stderr.push_str(&process.stderr);
    if process.exit_code != 0 {
        output.stderr.push_str(&format!(
            "command terminated with exit code {}\n",
            process.exit_code
        ));
        output.exit_code = process.exit_code;
    }
    output
}

/// Where a command runs: the pod, its container's image, its hostname.
pub struct ContainerContext {
    pub namespace: String,
    pub pod: String,
    pub image: String,
    pub hostname: String,
    pub stdin: String,
    /// The container's environment as the kubelet sets it (`env`, then the
    /// service links), without the image's own variables beyond PATH.
    pub environment: Vec<(String, String)>,
}

impl ContainerContext {
    /// What `env` prints: PATH and HOSTNAME as containerd sets them, the
    /// kubelet's variables, then HOME. Variables an image's Dockerfile sets
    /// (nginx's NGINX_VERSION, ...) are not known to kubesim and are left out.
    fn full_environment(&self) -> Vec<(String, String)> {
        let mut all = vec![
            (
                "PATH".to_string(),
                "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string(),
            ),
            ("HOSTNAME".to_string(), self.hostname.clone()),
        ];
        for (name, value) in &self.environment {
            match all.iter_mut().find(|(existing, _)| existing == name) {
                Some(existing) => existing.1 = value.clone(),
                None => all.push((name.clone(), value.clone())),
            }
        }
        if !all.iter().any(|(name, _)| name == "HOME") {
            all.push(("HOME".to_string(), "/root".to_string()));
        }
        all
    }
}

/// The environment the kubelet gives a pod's container.
pub fn environment_of(pod: &Pod, container: &str) -> Vec<(String, String)> {
    pod.spec()
        .containers
        .iter()
        .flatten()
        .chain(pod.spec().init_containers.iter().flatten())
        .find(|spec| spec.name.as_deref() == Some(container))
        .map(|spec| crate::node::kubelet::environment::container_environment(pod, spec))
        .unwrap_or_default()
}

/// Whether an image ships a program. Known images answer from what they
/// contain (busybox and alpine have wget but no curl, Debian-based nginx has
/// curl but no wget); for images kubesim does not know, both are assumed present.
fn image_has(image: &str, program: &str) -> bool {
    let repository = short_repository(image);
    let tag = image.rsplit_once(':').map(|(_, tag)| tag).unwrap_or("");
    let alpine = tag.contains("alpine");
    match (repository, program) {
        ("registry.k8s.io/pause", _) => false,
        ("busybox" | "alpine", "curl") => false,
        ("busybox" | "alpine", _) => true,
        ("nginx", "wget") => alpine,
        ("httpd" | "ubuntu" | "debian", "curl" | "wget") => alpine,
        _ => true,
    }
}

/// containerd's answer for a program the image lacks (exit code 126).
fn not_found(program: &str) -> Process {
    Process::failed(
        format!(
            "OCI runtime exec failed: exec failed: unable to start container process: exec: \"{program}\": executable file not found in $PATH: unknown\n"
        ),
        126,
    )
}

/// Runs one command line (already split into words) in the container.
pub fn container_shell(
    simulation: &mut Simulation,
    context: &ContainerContext,
    command: &[String],
) -> Process {
    let Some((program, arguments)) = command.split_first() else {
        return Process::default();
    };
    let base = program.rsplit('/').next().unwrap_or(program);
    if !matches!(
        base,
        "sh" | "echo" | "true" | "false" | "hostname" | "cat" | "env" | "printenv"
    ) && !image_has(&context.image, base)
    {
        return not_found(program);
    }
    match base {
        "sh" | "bash" | "ash" => match arguments {
            [flag, script, ..] if flag == "-c" => match shell_words::split(script) {
                Ok(words)
                    if !words
                        .iter()
                        .any(|w| matches!(w.as_str(), "|" | "&&" | "||" | ";")) =>
                {
                    container_shell(simulation, context, &words)
                }
                _ => unsupported(script),
            },
            _ => unsupported(&command.join(" ")),
        },
        "curl" => curl(simulation, context, arguments),
        "wget" => wget(simulation, context, arguments),
        "hostname" => Process::ok(format!("{}\n", context.hostname)),
        "cat" if arguments == ["/etc/hostname"] => Process::ok(format!("{}\n", context.hostname)),
        "echo" => Process::ok(format!("{}\n", arguments.join(" "))),
        "env" if arguments.is_empty() => Process::ok(
            context
                .full_environment()
                .iter()
                .map(|(name, value)| format!("{name}={value}\n"))
                .collect::<String>(),
        ),
        "printenv" if arguments.is_empty() => {
            container_shell(simulation, context, &["env".to_string()])
        }
        // printenv prints the values of the names that are set, and exits 1 if any is not.
        "printenv" => {
            let environment = context.full_environment();
            let mut process = Process::default();
            for name in arguments {
                match environment.iter().find(|(existing, _)| existing == name) {
                    Some((_, value)) => process.stdout.push_str(&format!("{value}\n")),
                    None => process.exit_code = 1,
                }
            }
            process
        }
        "true" => Process::default(),
        "false" => Process::failed("", 1),
        _ => unsupported(&command.join(" ")),
    }
}

fn unsupported(command: &str) -> Process {
    Process::failed(
        format!(
            "kubesim: \"{command}\" is not simulated inside containers (kubesim runs curl, wget, hostname, cat /etc/hostname, env, printenv, echo)\n"
        ),
        127,
    )
}

/// An HTTP request from the pod, GET or HEAD.
fn request(
    simulation: &mut Simulation,
    context: &ContainerContext,
    method: &str,
    url: &str,
) -> Result<HttpResponse, http::CurlError> {
    simulation.http_request(Some((&context.namespace, &context.pod)), method, url)
}

/// HTTP/1.1 reason phrases for the statuses simulated servers answer.
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// `Wed, 01 Jan 2025 00:00:00 GMT` (RFC 7231's IMF-fixdate).
fn http_date(time: SimTime) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let rfc = time.to_rfc3339();
    let weekday = DAYS[time.unix_seconds().div_euclid(86_400).rem_euclid(7) as usize];
    let month: usize = rfc[5..7].parse().unwrap_or(1);
    format!(
        "{weekday}, {} {} {} {} GMT",
        &rfc[8..10],
        MONTHS[month.saturating_sub(1).min(11)],
        &rfc[0..4],
        &rfc[11..19]
    )
}

/// The response head as `curl -i` prints it (CRLF line ends). Only headers
/// kubesim knows the value of are shown: nginx's ETag and Last-Modified are left out.
fn response_head(
    simulation: &Simulation,
    response: &HttpResponse,
    image_of_server: &str,
) -> String {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        response.status,
        reason(response.status)
    );
    let date = http_date(simulation.now());
    match short_repository(image_of_server) {
        "nginx" => {
            head.push_str("Server: nginx/1.27.3\r\n");
            head.push_str(&format!("Date: {date}\r\n"));
            head.push_str("Content-Type: text/html\r\n");
            head.push_str(&format!("Content-Length: {}\r\n", response.body.len()));
            head.push_str("Connection: keep-alive\r\n");
        }
        _ => {
            head.push_str(&format!("Date: {date}\r\n"));
            head.push_str(&format!("Content-Length: {}\r\n", response.body.len()));
            head.push_str("Content-Type: text/plain; charset=utf-8\r\n");
        }
    }
    head.push_str("\r\n");
    head
}

/// The image of the first container of the pod that answered.
fn server_image(simulation: &Simulation, response: &HttpResponse) -> String {
    let (namespace, name) = &response.pod;
    simulation
        .api()
        .get_ref(Pod::resource_type(), namespace, name)
        .and_then(|object| object.as_::<Pod>())
        .and_then(|pod| {
            pod.spec()
                .containers
                .iter()
                .flatten()
                .next()
                .and_then(|c| c.image.clone())
        })
        .unwrap_or_default()
}

const CURL_HELP: &str = "curl: try 'curl --help' or 'curl --manual' for more information\n";

/// curl 8's command line: the options people use with it in a cluster.
fn curl(simulation: &mut Simulation, context: &ContainerContext, arguments: &[String]) -> Process {
    let mut silent = false;
    let mut show_error = false;
    let mut include = false;
    let mut head_only = false;
    let mut fail = false;
    let mut discard = false;
    let mut method: Option<String> = None;
    let mut write_out: Option<String> = None;
    let mut max_time: Option<String> = None;
    let mut urls: Vec<String> = Vec::new();
    let mut index = 0;
    // Options that take a value, long and short.
    let takes_value = |name: &str| {
        matches!(
            name,
            "m" | "max-time"
                | "connect-timeout"
                | "o"
                | "output"
                | "X"
                | "request"
                | "H"
                | "header"
                | "w"
                | "write-out"
                | "d"
                | "data"
                | "A"
                | "user-agent"
                | "retry"
                | "u"
                | "user"
                | "e"
                | "referer"
                | "b"
                | "cookie"
                | "resolve"
        )
    };
    while index < arguments.len() {
        let word = &arguments[index];
        index += 1;
        let mut options: Vec<(String, Option<String>)> = Vec::new();
        if let Some(long) = word.strip_prefix("--") {
            if long.is_empty() {
                urls.extend(arguments[index..].iter().cloned());
                break;
            }
            if takes_value(long) {
                let Some(value) = arguments.get(index) else {
                    return Process::failed(
                        format!("curl: option --{long}: requires parameter\n{CURL_HELP}"),
                        2,
                    );
                };
                index += 1;
                options.push((long.to_string(), Some(value.clone())));
            } else {
                options.push((long.to_string(), None));
            }
        } else if let Some(shorts) = word.strip_prefix('-').filter(|s| !s.is_empty()) {
            let characters: Vec<char> = shorts.chars().collect();
            let mut position = 0;
            while position < characters.len() {
                let name = characters[position].to_string();
                position += 1;
                if takes_value(&name) {
                    let rest: String = characters[position..].iter().collect();
                    let value = if !rest.is_empty() {
                        rest
                    } else if let Some(next) = arguments.get(index) {
                        index += 1;
                        next.clone()
                    } else {
                        return Process::failed(
                            format!("curl: option -{name}: requires parameter\n{CURL_HELP}"),
                            2,
                        );
                    };
                    options.push((name, Some(value)));
                    break;
                }
                options.push((name, None));
            }
        } else {
            urls.push(word.clone());
            continue;
        }
        for (name, value) in options {
            match (name.as_str(), value) {
                ("s" | "silent", _) => silent = true,
                ("S" | "show-error", _) => show_error = true,
                ("i" | "include", _) => include = true,
                ("I" | "head", _) => head_only = true,
                ("f" | "fail", _) => fail = true,
                ("L" | "location" | "k" | "insecure" | "4" | "ipv4" | "v" | "verbose", _) => {}
                ("o" | "output", Some(path)) => discard = path == "/dev/null",
                ("X" | "request", Some(verb)) => method = Some(verb),
                ("d" | "data", Some(_)) => method = method.or(Some("POST".to_string())),
                ("w" | "write-out", Some(format)) => write_out = Some(format),
                ("m" | "max-time" | "connect-timeout", Some(seconds)) => max_time = Some(seconds),
                (_, Some(_)) => {}
                (other, None) => {
                    let shown = if other.len() == 1 {
                        format!("-{other}")
                    } else {
                        format!("--{other}")
                    };
                    return Process::failed(
                        format!("curl: option {shown}: is unknown\n{CURL_HELP}"),
                        2,
                    );
                }
            }
        }
    }
    if urls.is_empty() {
        return Process::failed(format!("curl: no URL specified\n{CURL_HELP}"), 2);
    }
    let method = method.unwrap_or_else(|| if head_only { "HEAD" } else { "GET" }.to_string());
    let mut process = Process::default();
    for url in urls {
        let response = match request(simulation, context, &method, &url) {
            Ok(response) => response,
            Err(mut error) => {
                if error.code == 28
                    && let Some(seconds) = &max_time
                {
                    let millis = seconds.parse::<f64>().unwrap_or(0.0) * 1000.0;
                    error.message = format!(
                        "Connection timed out after {} milliseconds",
                        millis as i64 + 1
                    );
                }
                if let Some(format) = &write_out {
                    process.stdout.push_str(&write_out_text(format, 0));
                }
                if !silent || show_error {
                    process.stderr.push_str(&format!("{error}\n"));
                }
                process.exit_code = error.code;
                return process;
            }
        };
        if fail && response.status >= 400 {
            if !silent || show_error {
                process.stderr.push_str(&format!(
                    "curl: (22) The requested URL returned error: {}\n",
                    response.status
                ));
            }
            process.exit_code = 22;
            return process;
        }
        let image = server_image(simulation, &response);
        if !discard {
            if include || head_only {
                process
                    .stdout
                    .push_str(&response_head(simulation, &response, &image));
            }
            if !head_only {
                process.stdout.push_str(&response.body);
            }
        }
        if let Some(format) = &write_out {
            process
                .stdout
                .push_str(&write_out_text(format, response.status));
        }
    }
    process
}

/// `-w`: `%{http_code}` and `\n` (curl's write-out variables people use).
fn write_out_text(format: &str, status: u16) -> String {
    format
        .replace("%{http_code}", &format!("{status:03}"))
        .replace("%{response_code}", &format!("{status:03}"))
        .replace("\\n", "\n")
}

/// The address busybox wget prints for a host: a Service's ClusterIP, else the host.
fn address_of(simulation: &Simulation, namespace: &str, host: &str) -> Option<String> {
    match dns::resolve(simulation.api(), host, namespace)? {
        Resolved::Address(ip) => Some(ip),
        Resolved::Service(namespace, name) => simulation
            .api()
            .get_ref(
                crate::model::service::Service::resource_type(),
                &namespace,
                &name,
            )
            .and_then(|object| object.as_::<crate::model::service::Service>())
            .and_then(|service| service.spec.as_ref())
            .and_then(|spec| spec.cluster_ip.clone())
            .filter(|ip| ip != "None" && !ip.is_empty()),
    }
}

/// busybox wget: `-q`, `-O FILE` (`-` for stdout), `-T SECONDS`, `-S`, `--spider`.
fn wget(simulation: &mut Simulation, context: &ContainerContext, arguments: &[String]) -> Process {
    let mut quiet = false;
    let mut output: Option<String> = None;
    let mut spider = false;
    let mut urls: Vec<String> = Vec::new();
    let mut index = 0;
    while index < arguments.len() {
        let word = &arguments[index];
        index += 1;
        if let Some(long) = word.strip_prefix("--") {
            match long.split_once('=') {
                Some(("output-document", value)) => output = Some(value.to_string()),
                Some(("timeout", _)) => {}
                _ => match long {
                    "quiet" => quiet = true,
                    "spider" => spider = true,
                    "output-document" | "timeout" => {
                        let value = arguments.get(index).cloned().unwrap_or_default();
                        index += 1;
                        if long == "output-document" {
                            output = Some(value);
                        }
                    }
                    _ => {
                        return Process::failed(
                            format!(
                                "wget: unrecognized option '--{long}'\nBusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[-P DIR] [-U AGENT] [-T SEC] URL...\n"
                            ),
                            1,
                        );
                    }
                },
            }
        } else if let Some(shorts) = word.strip_prefix('-').filter(|s| !s.is_empty()) {
            let characters: Vec<char> = shorts.chars().collect();
            let mut position = 0;
            while position < characters.len() {
                let name = characters[position];
                position += 1;
                match name {
                    'q' => quiet = true,
                    'S' | 'c' => {}
                    'O' | 'T' | 'o' | 'U' | 'P' => {
                        let rest: String = characters[position..].iter().collect();
                        let value = if !rest.is_empty() {
                            rest
                        } else {
                            let next = arguments.get(index).cloned().unwrap_or_default();
                            index += 1;
                            next
                        };
                        if name == 'O' {
                            output = Some(value);
                        }
                        break;
                    }
                    other => {
                        return Process::failed(
                            format!(
                                "wget: invalid option -- '{other}'\nBusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[-P DIR] [-U AGENT] [-T SEC] URL...\n"
                            ),
                            1,
                        );
                    }
                }
            }
        } else {
            urls.push(word.clone());
        }
    }
    if urls.is_empty() {
        return Process::failed(
            "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[-P DIR] [-U AGENT] [-T SEC] URL...\n",
            1,
        );
    }
    let mut process = Process::default();
    for url in urls {
        let Some((host, port, path)) = http::parse_url(&url) else {
            process
                .stderr
                .push_str(&format!("wget: bad address '{url}'\n"));
            process.exit_code = 1;
            return process;
        };
        let Some(address) = address_of(simulation, &context.namespace, &host) else {
            process
                .stderr
                .push_str(&format!("wget: bad address '{host}'\n"));
            process.exit_code = 1;
            return process;
        };
        if !quiet {
            process
                .stderr
                .push_str(&format!("Connecting to {host} ({address}:{port})\n"));
        }
        let method = if spider { "HEAD" } else { "GET" };
        let response = match request(simulation, context, method, &url) {
            Ok(response) => response,
            Err(error) => {
                let message = match error.code {
                    6 => format!("wget: bad address '{host}'"),
                    7 => format!(
                        "wget: can't connect to remote host ({address}): Connection refused"
                    ),
                    28 => "wget: download timed out".to_string(),
                    _ => "wget: error getting response".to_string(),
                };
                process.stderr.push_str(&format!("{message}\n"));
                process.exit_code = 1;
                return process;
            }
        };
        if response.status >= 400 {
            process.stderr.push_str(&format!(
                "wget: server returned error: HTTP/1.1 {} {}\n",
                response.status,
                reason(response.status)
            ));
            process.exit_code = 1;
            return process;
        }
        if spider {
            if !quiet {
                process.stderr.push_str("remote file exists\n");
            }
            continue;
        }
        let file = output.clone().unwrap_or_else(|| {
            let name = path.rsplit('/').next().unwrap_or("");
            if name.is_empty() {
                "index.html".to_string()
            } else {
                name.to_string()
            }
        });
        let to_stdout = file == "-";
        if to_stdout {
            process.stdout.push_str(&response.body);
        }
        if !quiet {
            let (label, saving, saved) = if to_stdout {
                (
                    "-".to_string(),
                    "writing to stdout".to_string(),
                    "written to stdout".to_string(),
                )
            } else {
                (
                    file.clone(),
                    format!("saving to '{file}'"),
                    format!("'{file}' saved"),
                )
            };
            process.stderr.push_str(&format!(
                "{saving}\n{label:<20} 100% |********************************| {:>5}  0:00:00 ETA\n{saved}\n",
                response.body.len()
            ));
        }
    }
    process
}

#[cfg(test)]
mod tests {
    use crate::kubectl::run;
    use crate::{Simulation, SimulationConfig};

    /// nginx behind Service `web`, and a busybox and a curl client, all running.
    fn cluster() -> Simulation {
        let mut simulation = Simulation::new(SimulationConfig::default());
        for line in [
            "kubectl create deployment web --image=nginx --replicas=2",
            "kubectl expose deployment web --port=80",
            "kubectl run bb --image=busybox --env=GREETING=hi -- sleep 3600",
            "kubectl run client --image=curlimages/curl -- sleep 3600",
            "sim settle",
        ] {
            let output = run(&mut simulation, line, "");
            assert_eq!(output.exit_code, 0, "{line}: {output:?}");
        }
        simulation
    }

    #[test]
    fn curl_and_wget_reach_the_service_by_name() {
        let mut simulation = cluster();
        let curl = run(
            &mut simulation,
            "kubectl exec client -- curl -s http://web",
            "",
        );
        assert_eq!((curl.exit_code, curl.stderr.as_str()), (0, ""));
        assert!(curl.stdout.contains("<title>Welcome to nginx!</title>"));
        let code = run(
            &mut simulation,
            "kubectl exec client -- curl -s -o /dev/null -w %{http_code} http://web.default.svc.cluster.local/missing",
            "",
        );
        assert_eq!(code.stdout, "404");
        let wget = run(
            &mut simulation,
            "kubectl exec bb -- wget -qO- http://web",
            "",
        );
        assert!(wget.stdout.contains("Welcome to nginx!"), "{wget:?}");
    }

    #[test]
    fn a_failing_program_reports_its_exit_code_as_kubectl_does() {
        let mut simulation = cluster();
        let missing = run(
            &mut simulation,
            "kubectl exec client -- curl http://nope",
            "",
        );
        assert_eq!(
            missing.stderr,
            "curl: (6) Could not resolve host: nope\ncommand terminated with exit code 6\n"
        );
        assert_eq!(missing.exit_code, 6);
        let silent = run(
            &mut simulation,
            "kubectl exec client -- curl -s http://nope",
            "",
        );
        assert_eq!(silent.stderr, "command terminated with exit code 6\n");
        let no_curl = run(&mut simulation, "kubectl exec bb -- curl http://web", "");
        assert_eq!(no_curl.exit_code, 126);
        assert!(
            no_curl
                .stderr
                .contains("exec: \"curl\": executable file not found in $PATH")
        );
        let wget = run(
            &mut simulation,
            "kubectl exec bb -- wget -qO- http://nope",
            "",
        );
        assert_eq!(
            wget.stderr,
            "wget: bad address 'nope'\ncommand terminated with exit code 1\n"
        );
    }

    #[test]
    fn the_container_knows_its_name_and_environment() {
        let mut simulation = cluster();
        assert_eq!(
            run(&mut simulation, "kubectl exec bb -- hostname", "").stdout,
            "bb\n"
        );
        assert_eq!(
            run(&mut simulation, "kubectl exec bb -- printenv GREETING", "").stdout,
            "hi\n"
        );
        let env = run(&mut simulation, "kubectl exec bb -- env", "").stdout;
        assert!(env.starts_with("PATH=") && env.contains("\nHOSTNAME=bb\nGREETING=hi\n"));
        assert!(
            env.contains("KUBERNETES_SERVICE_HOST=10.96.0.1\n") && env.ends_with("HOME=/root\n")
        );
    }

    #[test]
    fn completed_and_missing_containers_are_refused() {
        let mut simulation = cluster();
        let job = run(
            &mut simulation,
            "kubectl run once --image=busybox --restart=Never -- true",
            "",
        );
        assert_eq!(job.exit_code, 0);
        run(&mut simulation, "sim settle", "");
        let completed = run(&mut simulation, "kubectl exec once -- hostname", "");
        assert_eq!(
            completed.stderr,
            "error: cannot exec into a container in a completed pod; current phase is Succeeded\n"
        );
        let wrong = run(&mut simulation, "kubectl exec bb -c nope -- hostname", "");
        assert_eq!(
            wrong.stderr,
            "Error from server (BadRequest): container nope is not valid for pod bb\n"
        );
    }
}
