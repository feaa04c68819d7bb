//! The container behaviour model: what a simulated container does once started.
//!
//! kubesim runs no real processes. Instead each container gets a [`Behaviour`]
//! derived from its image, `command` and `args`, so that classic tutorials behave
//! as they do on a real cluster:
//! - Server images (nginx, httpd, redis, ... and any unknown image without a
//!   command) run until stopped and answer HTTP on their ports.
//! - `command`/`args` in the common shell forms (`sleep 30`, `exit 1`, `false`,
//!   `echo hi`, `sh -c "echo done; sleep 5"`, `for i in 1 2 3; do echo $i; sleep 1;
//!   done`, `while true; do ...; done`, `touch`/`rm` of files) are interpreted by a
//!   small, bounded shell: they print those lines at the times they would, and exit
//!   with that code. A script the interpreter does not understand runs like a server.
//! - One-shot utilities print what they print in a busybox container and exit:
//!   `date`, `hostname`, `uname`, `whoami`, `pwd`, `env`/`printenv` (the kubelet's
//!   environment, see [`crate::node::kubelet::environment`]), `ls /`, `cat` of the
//!   files the model knows (`/etc/hostname`, the kubelet's `/etc/hosts` and
//!   `/etc/resolv.conf`, the service account's `namespace`, files the program
//!   touched); exec probes see the same files ([`Behaviour::has_file`]).
//! - `until COND; do ...; done` / `while COND; do ...; done` whose condition asks
//!   the cluster (`nslookup`, `getent hosts`, `wget`, `curl`, `nc -z`): the
//!   interpretation stops at the first unanswered [`Query`] ([`Run::pending`]);
//!   the kubelet answers it at that virtual time against live DNS and endpoints,
//!   appends the [`Answer`] to [`Behaviour::answers`] and interprets again, so an
//!   init container polls every 2 s until its Service exists.
//! - Interpreter one-liners (`perl -e`, `python -c`, `node -e`, `ruby -e`) run their
//!   prints, sleeps and exits, `bpi(N)` included ([`crate::node::interpreters`]);
//!   script files (`python app.py`, `node server.js`) run until stopped.
//! - Shell images (busybox, alpine, ubuntu, ...) without a command exit at once with
//!   code 0, as `sh` without a terminal does: a Deployment of them crash-loops.
//! - `stress --vm N --vm-bytes SIZE` allocates that memory; above the container's
//!   memory limit it is OOMKilled (exit 137).

use std::collections::BTreeMap;

use crate::model::quantity::Quantity;
use crate::node::interpreters;
use crate::time::{SimDuration, SimTime};

/// The most commands one interpretation runs (loops included): a budget, not a hang.
const MAX_COMMANDS: u64 = 200_000;
/// The most log lines one interpretation keeps.
const MAX_LOG_LINES: usize = 50_000;
/// A horizon beyond any simulation: "until the end".
const FOREVER: SimDuration = SimDuration::from_secs(100 * 365 * 86_400);
/// How long after start a stress worker has allocated its memory.
pub const STRESS_ALLOCATION_DELAY: SimDuration = SimDuration::from_millis(1000);
/// The `PATH` of the popular images (busybox, debian, alpine, ...).
const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
/// The kernel `uname -r` prints: the default cluster's nodes' `kernelVersion`.
const KERNEL_RELEASE: &str = "6.1.0-13-amd64";
/// What `ls /` prints in a busybox container.
const ROOT_ENTRIES: &[&str] = &[
    "bin", "dev", "etc", "home", "lib", "lib64", "proc", "root", "sys", "tmp", "usr", "var",
];

/// Files every container has: busybox's shell and the files the kubelet mounts.
const IMAGE_FILES: &[&str] = &[
    "/bin/sh",
    "/etc/hostname",
    "/etc/hosts",
    "/etc/resolv.conf",
    "/etc/passwd",
    "/etc/group",
];
/// The projected service account token volume (`automountServiceAccountToken`).
const SERVICE_ACCOUNT_FILES: &[&str] = &[
    "/var/run/secrets/kubernetes.io/serviceaccount",
    "/var/run/secrets/kubernetes.io/serviceaccount/namespace",
    "/var/run/secrets/kubernetes.io/serviceaccount/token",
    "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt",
];

/// What kind of network service a container offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    /// Answers HTTP (nginx, httpd, echo servers, unknown images).
    Http,
    /// Listens on its ports but does not speak HTTP (redis, postgres, mysql).
    Tcp,
    /// Listens on nothing (`sleep`, scripts).
    None,
}

/// How a container behaves from its start.
#[derive(Clone, Debug, PartialEq)]
pub struct Behaviour {
    pub program: Program,
    pub service: Service,
    /// Memory the container allocates shortly after start (stress), in bytes.
    pub memory_bytes: i64,
    /// The container's environment as the kubelet computed it (container `env`,
    /// service links), in order; `PATH`, `HOSTNAME` and `HOME` come on top.
    pub environment: Vec<(String, String)>,
    /// The pod's namespace (the service account's `namespace` file, resolv.conf's
    /// search path).
    pub namespace: String,
    /// The kubelet-managed `/etc/hosts` and `/etc/resolv.conf` of the pod (see
    /// [`crate::node::kubelet::hosts_file`]); empty outside a pod.
    pub hosts_file: String,
    pub resolv_conf: String,
    /// What the cluster answered to the program's queries so far, in the order the
    /// program asked them (see [`Query`]). The kubelet appends one when the program
    /// reaches a query at the time it runs.
    pub answers: Vec<Answer>,
}

/// A question a command asks the live cluster when it runs: `nslookup NAME`,
/// `wget URL`, `nc -z HOST PORT`. The model cannot precompute the answer, so the
/// interpretation stops at an unanswered query and reports it ([`Run::pending`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Query {
    /// Does `name` resolve (`nslookup`, `getent hosts`)?
    Lookup { name: String },
    /// Does a TCP connection to `host:port` succeed (`wget`, `curl`, `nc -z`)?
    Connect { host: String, port: i32 },
}

/// The cluster's answer to a [`Query`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// The name resolved to this address (and, for a connection, it connected).
    Resolved(String),
    /// The name does not resolve.
    Unresolved,
    /// The name resolved to this address, but nothing accepted the connection.
    Refused(String),
}

/// A parsed shell program, or a process that runs until stopped.
#[derive(Clone, Debug, PartialEq)]
pub enum Program {
    /// Runs until stopped, printing `startup` lines at start.
    Forever {
        startup: Vec<String>,
    },
    Script(Vec<Command>),
}

/// One shell command of the bounded interpreter.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    Sleep(Option<SimDuration>),
    Echo(Vec<String>),
    Exit(Vec<String>),
    Status(i32),
    Touch(Vec<String>),
    Remove(Vec<String>),
    /// `cat FILE` / `test -e FILE`: status 0 when the file exists.
    Check(Vec<String>),
    Assign(String, String),
    For {
        variable: String,
        items: Vec<String>,
        body: Vec<Command>,
    },
    /// `while true` (or `:`); runs until `exit`.
    Loop(Vec<Command>),
    /// `a && b`, `a || b`.
    And(Box<Command>, Box<Command>),
    Or(Box<Command>, Box<Command>),
    /// `tail -f`, `sleep infinity`: never returns.
    Block,
    /// Writes text as it is (no expansion); each `\n` ends a log line.
    Write(String),
    /// Several commands as one (an interpreter one-liner inside a script).
    Group(Vec<Command>),
    /// `env`, `printenv` without arguments: the whole environment.
    Env,
    /// `printenv NAME...`: the values; status 1 when one is unset.
    PrintEnv(Vec<String>),
    /// `hostname`: the pod's name.
    Hostname,
    /// `uname [-a|-r|-s|-m|-n]`.
    Uname(Vec<String>),
    /// `cat FILE...`: the files it knows (`/etc/hostname`, files the program
    /// touched); busybox's error and status 1 for the others.
    Cat(Vec<String>),
    /// `ls [PATH...]`: `/` lists busybox's root; a file the program touched lists
    /// itself; anything else is busybox's error and status 1.
    List(Vec<String>),
    /// `until COND; do BODY; done` (`until` true) and `while COND; do BODY; done`.
    While {
        until: bool,
        condition: Vec<Command>,
        body: Vec<Command>,
    },
    /// A command that asks the cluster (its words unexpanded): see [`Query`].
    Ask(Tool, Vec<String>),
}

/// The network tools whose outcome depends on the live cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    Nslookup,
    Getent,
    Wget,
    Curl,
    Netcat,
}

/// What a container instance did between its start and `until`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Run {
    /// Log lines, with the offset from the start when each was written.
    pub logs: Vec<(SimDuration, String)>,
    /// File changes, by path: (offset, exists afterwards).
    pub files: BTreeMap<String, Vec<(SimDuration, bool)>>,
    /// When and with which code the program exits, if it does by `until`.
    pub exit: Option<(SimDuration, i32)>,
    /// The query the program is blocked on, unanswered, and when it runs.
    pub pending: Option<(SimDuration, Query)>,
}

impl Run {
    /// True when `path` exists at `offset`.
    pub fn file_exists_at(&self, path: &str, offset: SimDuration) -> bool {
        self.files
            .get(path)
            .and_then(|changes| changes.iter().rev().find(|(at, _)| *at <= offset))
            .is_some_and(|(_, exists)| *exists)
    }
}

/// Images whose default process is a shell that exits at once without a terminal.
const SHELL_IMAGES: &[&str] = &[
    "busybox",
    "alpine",
    "ubuntu",
    "debian",
    "centos",
    "fedora",
    "amazonlinux",
    "rockylinux",
    "almalinux",
    "bash",
    "python",
    "node",
    "golang",
    "ruby",
    "openjdk",
    "curlimages/curl",
    "appropriate/curl",
    "radial/busyboxplus",
    "nicolaka/netshoot",
];

/// Images that listen on TCP without speaking HTTP.
const TCP_IMAGES: &[&str] = &[
    "redis",
    "postgres",
    "mysql",
    "mariadb",
    "mongo",
    "memcached",
    "rabbitmq",
    "cassandra",
];

/// The repository of an image without registry host, tag or digest:
/// `docker.io/library/nginx:1.25` → `nginx`, `registry.k8s.io/pause:3.9` →
/// `registry.k8s.io/pause`.
pub fn short_repository(image: &str) -> &str {
    let without_digest = image.split('@').next().unwrap_or(image);
    let name = match without_digest.rfind(':') {
        Some(colon) if !without_digest[colon..].contains('/') => &without_digest[..colon],
        _ => without_digest,
    };
    let name = name.strip_prefix("docker.io/").unwrap_or(name);
    name.strip_prefix("library/").unwrap_or(name)
}

fn image_in(image: &str, list: &[&str]) -> bool {
    let repository = short_repository(image);
    list.contains(&repository)
}

/// The startup lines a server image prints.
fn startup_lines(image: &str) -> Vec<String> {
    let lines: &[&str] = match short_repository(image) {
        "nginx" => &[
            "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
            "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
            "/docker-entrypoint.sh: Configuration complete; ready for start up",
        ],
        "redis" => &["1:M * Ready to accept connections tcp"],
        "httpd" => &["AH00094: Command line: 'httpd -D FOREGROUND'"],
        _ => &[],
    };
    lines.iter().map(|line| line.to_string()).collect()
}

impl Behaviour {
    /// The behaviour of a container running `image` with the given command and args.
    /// `command` replaces the image's entrypoint and `args` its default arguments, as
    /// in a real container runtime.
    pub fn of(image: &str, command: &[String], args: &[String]) -> Behaviour {
        let server_service = if image_in(image, TCP_IMAGES) {
            Service::Tcp
        } else {
            Service::Http
        };
        let argv: Vec<String> = command.iter().chain(args.iter()).cloned().collect();
        let default_server = || Behaviour {
            program: Program::Forever {
                startup: startup_lines(image),
            },
            service: server_service,
            memory_bytes: 0,
            environment: Vec::new(),
            namespace: String::new(),
            hosts_file: String::new(),
            resolv_conf: String::new(),
            answers: Vec::new(),
        };
        if argv.is_empty() {
            if image_in(image, SHELL_IMAGES) {
                return Behaviour {
                    program: Program::Script(Vec::new()),
                    service: Service::None,
                    memory_bytes: 0,
                    environment: Vec::new(),
                    namespace: String::new(),
                    hosts_file: String::new(),
                    resolv_conf: String::new(),
                    answers: Vec::new(),
                };
            }
            return default_server();
        }
        // Flags alone (`--port=8080`) go to the image's own entrypoint.
        if command.is_empty() && argv[0].starts_with('-') && !image_in(image, SHELL_IMAGES) {
            return default_server();
        }
        if let Some(memory_bytes) = stress_memory(&argv) {
            let forever = !argv.iter().any(|a| a == "--timeout" || a == "-t");
            return Behaviour {
                program: if forever {
                    Program::Forever {
                        startup: vec![stress_banner(&argv)],
                    }
                } else {
                    Program::Script(vec![
                        Command::Echo(vec![stress_banner(&argv)]),
                        Command::Sleep(stress_timeout(&argv)),
                    ])
                },
                service: Service::None,
                memory_bytes,
                environment: Vec::new(),
                namespace: String::new(),
                hosts_file: String::new(),
                resolv_conf: String::new(),
                answers: Vec::new(),
            };
        }
        match parse_argv(&argv) {
            Some(commands) => Behaviour {
                program: Program::Script(commands),
                service: Service::None,
                memory_bytes: 0,
                environment: Vec::new(),
                namespace: String::new(),
                hosts_file: String::new(),
                resolv_conf: String::new(),
                answers: Vec::new(),
            },
            None => default_server(),
        }
    }

    /// The same behaviour in the environment the kubelet computed for the container.
    pub fn with_environment(mut self, environment: Vec<(String, String)>) -> Behaviour {
        self.environment = environment;
        self
    }

    /// The same behaviour in a pod of `namespace`.
    pub fn with_namespace(mut self, namespace: &str) -> Behaviour {
        self.namespace = namespace.to_string();
        self
    }

    /// The same behaviour with the pod's kubelet-managed files.
    pub fn with_pod_files(mut self, hosts_file: String, resolv_conf: String) -> Behaviour {
        self.hosts_file = hosts_file;
        self.resolv_conf = resolv_conf;
        self
    }

    /// True when `path` exists in every container of the pod from its start: the
    /// image's top directories and the files the kubelet mounts, whatever the
    /// program does (exec probes `cat /etc/hostname`, `test -f /etc/hosts`, `ls /`).
    pub fn has_file(&self, path: &str) -> bool {
        let path = path.trim_end_matches('/');
        path.is_empty()
            || ROOT_ENTRIES.contains(&path.trim_start_matches('/'))
            || IMAGE_FILES.contains(&path)
            || SERVICE_ACCOUNT_FILES.contains(&path)
    }

    /// The environment as `env` prints it: `PATH` and `HOSTNAME` first (the image's
    /// and the runtime's), then the kubelet's variables in order, then `HOME`. A
    /// container variable of the same name replaces an image one. Upstream's order
    /// after `HOSTNAME` follows a Go map; kubesim keeps the spec's order.
    fn full_environment(&self, hostname: &str) -> Vec<(String, String)> {
        let mut environment = vec![
            ("PATH".to_string(), DEFAULT_PATH.to_string()),
            ("HOSTNAME".to_string(), hostname.to_string()),
        ];
        for (name, value) in &self.environment {
            match environment
                .iter_mut()
                .find(|(existing, _)| existing == name)
            {
                Some(existing) => existing.1 = value.clone(),
                None => environment.push((name.clone(), value.clone())),
            }
        }
        if !environment.iter().any(|(name, _)| name == "HOME") {
            environment.push(("HOME".to_string(), "/root".to_string()));
        }
        environment
    }

    /// True when the program runs until stopped (no exit of its own).
    pub fn runs_forever(&self) -> bool {
        match &self.program {
            Program::Forever { .. } => true,
            Program::Script(_) => self.exit().is_none(),
        }
    }

    /// When (after start) and with which code the program exits on its own.
    pub fn exit(&self) -> Option<(SimDuration, i32)> {
        self.interpret(FOREVER, "", true).exit
    }

    /// The program's exit, or the unanswered query it blocks on, given the answers
    /// so far (no logs kept). `hostname` is the pod's name.
    pub fn outcome(&self, hostname: &str) -> Run {
        self.interpret(FOREVER, hostname, true)
    }

    /// Interprets the program from its start up to `until` (an offset from start).
    /// `hostname` is what `$HOSTNAME` expands to (the pod's name).
    pub fn run(&self, until: SimDuration, hostname: &str) -> Run {
        self.interpret(until, hostname, false)
    }

    fn interpret(&self, until: SimDuration, hostname: &str, exit_only: bool) -> Run {
        match &self.program {
            Program::Forever { startup } => Run {
                logs: startup
                    .iter()
                    .map(|line| (SimDuration::ZERO, line.clone()))
                    .collect(),
                ..Run::default()
            },
            Program::Script(commands) => {
                let environment = self.full_environment(hostname);
                let mut shell = Shell {
                    clock: SimDuration::ZERO,
                    until,
                    variables: environment.iter().cloned().collect(),
                    environment,
                    run: Run::default(),
                    commands_run: 0,
                    status: 0,
                    exit_only,
                    namespace: self.namespace.clone(),
                    behaviour: self,
                    answers: &self.answers,
                    asked: 0,
                };
                let flow = shell.block(commands);
                let exit_code = match flow {
                    Flow::Exit(code) => Some(code),
                    Flow::Next => Some(shell.status),
                    Flow::Stopped => None,
                };
                if let Some(code) = exit_code {
                    shell.run.exit = Some((shell.clock, code));
                }
                shell.run
            }
        }
    }
}

fn stress_memory(argv: &[String]) -> Option<i64> {
    let program = argv.first()?;
    let base = program.rsplit('/').next().unwrap_or(program);
    if base != "stress" && base != "stress-ng" {
        return None;
    }
    let mut workers = 0i64;
    let mut bytes_each = 256 * 1024 * 1024;
    let mut index = 1;
    while index < argv.len() {
        let (flag, inline) = match argv[index].split_once('=') {
            Some((flag, value)) => (flag, Some(value.to_string())),
            None => (argv[index].as_str(), None),
        };
        let value = || inline.clone().or_else(|| argv.get(index + 1).cloned());
        match flag {
            "--vm" | "-m" => workers = value().and_then(|v| v.parse().ok()).unwrap_or(1),
            "--vm-bytes" => {
                if let Some(size) = value().and_then(|v| parse_size(&v)) {
                    bytes_each = size;
                }
            }
            _ => {}
        }
        index += if inline.is_some() { 1 } else { 2 };
    }
    Some(workers.max(0) * bytes_each)
}

/// `250M`, `1G`, `512k`, `150Mi`: stress's sizes (powers of 1024).
fn parse_size(text: &str) -> Option<i64> {
    if let Ok(quantity) = Quantity::parse(text)
        && text.ends_with('i')
    {
        return Some(quantity.value());
    }
    let (number, unit) = text.split_at(
        text.find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len()),
    );
    let number: i64 = number.parse().ok()?;
    let multiplier = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" => 1024,
        "m" => 1024 * 1024,
        "g" => 1024 * 1024 * 1024,
        _ => return None,
    };
    Some(number * multiplier)
}

fn stress_banner(argv: &[String]) -> String {
    let count = |flag: &str| {
        argv.iter()
            .position(|a| a == flag)
            .and_then(|i| argv.get(i + 1))
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    };
    format!(
        "stress: info: [1] dispatching hogs: {} cpu, {} io, {} vm, {} hdd",
        count("--cpu"),
        count("--io"),
        count("--vm"),
        count("--hdd")
    )
}

fn stress_timeout(argv: &[String]) -> Option<SimDuration> {
    let position = argv.iter().position(|a| a == "--timeout" || a == "-t")?;
    parse_sleep(argv.get(position + 1)?)
}

/// `30`, `1.5`, `2m`, `1h`, `1d`: sleep's durations. `infinity` is None.
fn parse_sleep(text: &str) -> Option<SimDuration> {
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit() && c != '.') {
        Some(index) => text.split_at(index),
        None => (text, ""),
    };
    let value: f64 = number.parse().ok()?;
    let seconds = match unit {
        "" | "s" => value,
        "m" => value * 60.0,
        "h" => value * 3600.0,
        "d" => value * 86_400.0,
        _ => return None,
    };
    Some(SimDuration::from_millis((seconds * 1000.0) as i64))
}

/// Parses an argv into commands: `sh -c SCRIPT` is a script, anything else one command.
fn parse_argv(argv: &[String]) -> Option<Vec<Command>> {
    let program = argv.first()?;
    let base = program.rsplit('/').next().unwrap_or(program);
    if matches!(base, "sh" | "bash" | "ash" | "dash" | "zsh") {
        let rest = &argv[1..];
        return match rest.first().map(String::as_str) {
            None => Some(Vec::new()),
            Some("-c") | Some("-ec") | Some("-xc") | Some("-euc") | Some("-exc") => {
                parse_script(rest.get(1).map(String::as_str).unwrap_or(""))
            }
            _ => None,
        };
    }
    let words: Vec<String> = argv.to_vec();
    parse_simple(&words).map(|command| vec![command])
}

/// Splits a script into shell words and separators, honouring quotes.
fn tokenize(script: &str) -> Option<Vec<String>> {
    let mut tokens = Vec::new();
    let mut current = String::new();
    let mut in_word = false;
    let mut chars = script.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for inner in chars.by_ref() {
                    if inner == '\'' {
                        break;
                    }
                    current.push(inner);
                }
            }
            '"' => {
                in_word = true;
                let mut closed = false;
                while let Some(inner) = chars.next() {
                    match inner {
                        '"' => {
                            closed = true;
                            break;
                        }
                        '\\' => {
                            if let Some(escaped) = chars.next() {
                                current.push(escaped);
                            }
                        }
                        // Keep `$` expansions for the interpreter, marked as quoted.
                        _ => current.push(inner),
                    }
                }
                if !closed {
                    return None;
                }
            }
            ';' | '\n' => {
                if in_word {
                    tokens.push(std::mem::take(&mut current));
                    in_word = false;
                }
                tokens.push(";".to_string());
            }
            '&' | '|' => {
                if in_word {
                    tokens.push(std::mem::take(&mut current));
                    in_word = false;
                }
                if chars.peek() == Some(&c) {
                    chars.next();
                    tokens.push(format!("{c}{c}"));
                } else {
                    return None;
                }
            }
            '>' | '<' | '`' => return None,
            '#' if !in_word => {
                for inner in chars.by_ref() {
                    if inner == '\n' {
                        break;
                    }
                }
                tokens.push(";".to_string());
            }
            '$' if chars.peek() == Some(&'(') => {
                // `$(...)` and `$((...))` stay one word.
                in_word = true;
                current.push('$');
                let mut depth = 0;
                for inner in chars.by_ref() {
                    current.push(inner);
                    match inner {
                        '(' => depth += 1,
                        ')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    tokens.push(std::mem::take(&mut current));
                    in_word = false;
                }
            }
            '\\' => {
                in_word = true;
                if let Some(escaped) = chars.next() {
                    current.push(escaped);
                }
            }
            _ => {
                in_word = true;
                current.push(c);
            }
        }
    }
    if in_word {
        tokens.push(current);
    }
    Some(tokens)
}

/// Parses a shell script (the argument of `sh -c`).
pub fn parse_script(script: &str) -> Option<Vec<Command>> {
    let tokens = tokenize(script)?;
    let mut position = 0;
    let commands = parse_list(&tokens, &mut position, &[])?;
    (position == tokens.len()).then_some(commands)
}

/// Parses commands until one of `terminators` (`done`) starts a command.
fn parse_list(
    tokens: &[String],
    position: &mut usize,
    terminators: &[&str],
) -> Option<Vec<Command>> {
    let mut commands = Vec::new();
    loop {
        while tokens.get(*position).is_some_and(|t| t == ";") {
            *position += 1;
        }
        let Some(token) = tokens.get(*position) else {
            break;
        };
        if terminators.contains(&token.as_str()) {
            break;
        }
        let mut command = parse_compound(tokens, position)?;
        while let Some(operator) = tokens.get(*position).filter(|t| *t == "&&" || *t == "||") {
            let operator = operator.clone();
            *position += 1;
            let right = parse_compound(tokens, position)?;
            command = if operator == "&&" {
                Command::And(Box::new(command), Box::new(right))
            } else {
                Command::Or(Box::new(command), Box::new(right))
            };
        }
        commands.push(command);
    }
    Some(commands)
}

fn expect(tokens: &[String], position: &mut usize, word: &str) -> Option<()> {
    while tokens.get(*position).is_some_and(|t| t == ";") {
        *position += 1;
    }
    (tokens.get(*position)? == word).then(|| *position += 1)
}

fn parse_compound(tokens: &[String], position: &mut usize) -> Option<Command> {
    match tokens.get(*position)?.as_str() {
        "for" => {
            let variable = tokens.get(*position + 1)?.clone();
            *position += 2;
            let mut items = Vec::new();
            if tokens.get(*position).is_some_and(|t| t == "in") {
                *position += 1;
                while let Some(token) = tokens.get(*position).filter(|t| *t != ";" && *t != "do") {
                    items.push(token.clone());
                    *position += 1;
                }
            }
            expect(tokens, position, "do")?;
            let body = parse_list(tokens, position, &["done"])?;
            expect(tokens, position, "done")?;
            Some(Command::For {
                variable,
                items,
                body,
            })
        }
        keyword @ ("while" | "until") => {
            let until = keyword == "until";
            *position += 1;
            let condition_start = *position;
            let mut condition = Vec::new();
            while let Some(token) = tokens.get(*position).filter(|t| *t != ";" && *t != "do") {
                condition.push(token.clone());
                *position += 1;
            }
            let always = matches!(
                condition
                    .iter()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .as_slice(),
                ["true"] | [":"] | ["[", "1", "]"] | ["[", "true", "]"] | ["/bin/true"]
            );
            if always && !until {
                expect(tokens, position, "do")?;
                let body = parse_list(tokens, position, &["done"])?;
                expect(tokens, position, "done")?;
                return Some(Command::Loop(body));
            }
            // A real condition: a command list whose status decides each iteration.
            *position = condition_start;
            let condition = parse_list(tokens, position, &["do"])?;
            if condition.is_empty() {
                return None;
            }
            expect(tokens, position, "do")?;
            let body = parse_list(tokens, position, &["done"])?;
            expect(tokens, position, "done")?;
            Some(Command::While {
                until,
                condition,
                body,
            })
        }
        _ => {
            let start = *position;
            while let Some(token) = tokens.get(*position) {
                if token == ";" || token == "&&" || token == "||" {
                    break;
                }
                *position += 1;
            }
            parse_simple(&tokens[start..*position])
        }
    }
}

/// One simple command (`echo hi`, `sleep 5`, `exit 1`), or None if unknown.
fn parse_simple(words: &[String]) -> Option<Command> {
    let first = words.first()?;
    if let Some((name, value)) = first.split_once('=')
        && words.len() == 1
        && !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Some(Command::Assign(name.to_string(), value.to_string()));
    }
    let program = first.rsplit('/').next().unwrap_or(first);
    let rest: Vec<String> = words[1..].to_vec();
    Some(match program {
        "sleep" => match rest.as_slice() {
            [duration] if duration == "infinity" => Command::Block,
            [duration] => Command::Sleep(Some(parse_sleep(duration)?)),
            _ => return None,
        },
        "echo" | "printf" => Command::Echo(rest),
        "exit" => Command::Exit(rest),
        "true" | ":" => Command::Status(0),
        "false" => Command::Status(1),
        "touch" => Command::Touch(rest),
        "rm" => Command::Remove(rest.into_iter().filter(|w| !w.starts_with('-')).collect()),
        "cat" => Command::Cat(rest),
        "ls" => Command::List(rest.into_iter().filter(|w| !w.starts_with('-')).collect()),
        "env" if rest.is_empty() => Command::Env,
        "printenv" => match rest.is_empty() {
            true => Command::Env,
            false => Command::PrintEnv(rest),
        },
        "hostname" if rest.is_empty() => Command::Hostname,
        "uname" => Command::Uname(rest),
        "whoami" if rest.is_empty() => Command::Write("root\n".to_string()),
        "pwd" if rest.is_empty() => Command::Write("/\n".to_string()),
        "test" | "[" if rest.first().is_some_and(|f| f == "-e" || f == "-f") => {
            Command::Check(rest[1..].iter().filter(|w| *w != "]").cloned().collect())
        }
        "tail" if rest.iter().any(|w| w == "-f") => Command::Block,
        "nslookup" => Command::Ask(Tool::Nslookup, operands(&rest, &["-type", "-port"])),
        "getent" if rest.first().is_some_and(|w| w == "hosts") => {
            Command::Ask(Tool::Getent, rest[1..].to_vec())
        }
        "wget" => Command::Ask(Tool::Wget, operands(&rest, &["-O", "-T", "-U", "-P"])),
        "curl" => Command::Ask(
            Tool::Curl,
            operands(
                &rest,
                &[
                    "-o",
                    "-m",
                    "-H",
                    "-X",
                    "-d",
                    "-w",
                    "-u",
                    "-A",
                    "--max-time",
                    "--connect-timeout",
                    "--output",
                    "--header",
                    "--request",
                    "--data",
                    "--write-out",
                ],
            ),
        ),
        "nc" if rest.iter().any(|w| w.starts_with('-') && w.contains('z')) => {
            Command::Ask(Tool::Netcat, operands(&rest, &["-w", "-W", "-i"]))
        }
        "date" => Command::Echo(vec!["$(date)".to_string()]),
        _ => Command::Group(interpreters::parse(words)?),
    })
}

/// The operands of a command line: the words that are neither flags nor the values
/// of the flags in `with_value`.
fn operands(words: &[String], with_value: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let mut skip = false;
    for word in words {
        if skip {
            skip = false;
        } else if with_value.contains(&word.as_str()) {
            skip = true;
        } else if !word.starts_with('-') || word == "-" {
            out.push(word.clone());
        }
    }
    out
}

/// The kube-dns Service's address (kubeadm's default: the tenth address of
/// 10.96.0.0/12), as resolv.conf and nslookup show it.
pub const CLUSTER_DNS_IP: &str = "10.96.0.10";

enum Flow {
    Next,
    Exit(i32),
    /// `until` was reached, or the program blocks forever.
    Stopped,
}

struct Shell<'a> {
    clock: SimDuration,
    until: SimDuration,
    variables: BTreeMap<String, String>,
    /// The environment at start, in `env`'s order.
    environment: Vec<(String, String)>,
    run: Run,
    commands_run: u64,
    status: i32,
    /// Only the exit matters: a loop without `exit` is known to run forever.
    exit_only: bool,
    namespace: String,
    behaviour: &'a Behaviour,
    /// The cluster's answers, and how many the program consumed so far.
    answers: &'a [Answer],
    asked: usize,
}

/// How often a loop that takes no time of its own polls the cluster.
const BUSY_LOOP_PERIOD: SimDuration = SimDuration::from_secs(1);

/// True when a query ([`Command::Ask`]) appears anywhere in `commands`.
fn contains_ask(commands: &[Command]) -> bool {
    commands.iter().any(|command| match command {
        Command::Ask(..) => true,
        Command::For { body, .. } | Command::Loop(body) | Command::Group(body) => {
            contains_ask(body)
        }
        Command::While {
            condition, body, ..
        } => contains_ask(condition) || contains_ask(body),
        Command::And(left, right) | Command::Or(left, right) => {
            contains_ask(std::slice::from_ref(left.as_ref()))
                || contains_ask(std::slice::from_ref(right.as_ref()))
        }
        _ => false,
    })
}

/// True when `exit` appears anywhere in `commands`.
fn contains_exit(commands: &[Command]) -> bool {
    commands.iter().any(|command| match command {
        Command::Exit(_) => true,
        Command::For { body, .. } | Command::Loop(body) | Command::Group(body) => {
            contains_exit(body)
        }
        Command::While {
            condition, body, ..
        } => contains_exit(condition) || contains_exit(body),
        Command::And(left, right) | Command::Or(left, right) => {
            contains_exit(std::slice::from_ref(left.as_ref()))
                || contains_exit(std::slice::from_ref(right.as_ref()))
        }
        _ => false,
    })
}

impl Shell<'_> {
    fn block(&mut self, commands: &[Command]) -> Flow {
        for command in commands {
            match self.command(command) {
                Flow::Next => {}
                other => return other,
            }
        }
        Flow::Next
    }

    fn command(&mut self, command: &Command) -> Flow {
        self.commands_run += 1;
        if self.commands_run > MAX_COMMANDS || self.clock > self.until {
            return Flow::Stopped;
        }
        match command {
            Command::Sleep(duration) => {
                let Some(duration) = duration else {
                    return Flow::Stopped;
                };
                self.clock = self.clock + *duration;
                self.status = 0;
                if self.clock > self.until {
                    return Flow::Stopped;
                }
            }
            Command::Block => return Flow::Stopped,
            Command::Echo(words) => {
                let line = words
                    .iter()
                    .map(|word| self.expand(word))
                    .collect::<Vec<_>>()
                    .join(" ");
                let line = line.replace("\\n", "\n");
                if self.run.logs.len() < MAX_LOG_LINES {
                    for part in line.split('\n') {
                        self.run.logs.push((self.clock, part.to_string()));
                    }
                }
                self.status = 0;
            }
            Command::Exit(words) => {
                let code = words
                    .first()
                    .map(|w| self.expand(w).parse::<i32>().unwrap_or(2))
                    .unwrap_or(self.status);
                return Flow::Exit(code.rem_euclid(256));
            }
            Command::Status(code) => self.status = *code,
            Command::Touch(paths) => self.record_files(paths, true),
            Command::Remove(paths) => self.record_files(paths, false),
            Command::Check(paths) => {
                let clock = self.clock;
                let all = paths.iter().all(|path| {
                    let path = self.expand(path);
                    self.behaviour.has_file(&path) || self.run.file_exists_at(&path, clock)
                });
                self.status = if all { 0 } else { 1 };
            }
            Command::Assign(name, value) => {
                let value = self.expand(value);
                self.variables.insert(name.clone(), value);
                self.status = 0;
            }
            Command::For {
                variable,
                items,
                body,
            } => {
                let expanded: Vec<String> = items
                    .iter()
                    .flat_map(|item| {
                        self.expand(item)
                            .split_whitespace()
                            .map(str::to_string)
                            .collect::<Vec<_>>()
                    })
                    .collect();
                for item in expanded {
                    self.variables.insert(variable.clone(), item);
                    match self.block(body) {
                        Flow::Next => {}
                        other => return other,
                    }
                }
            }
            Command::Write(text) => {
                let text = text.strip_suffix('\n').unwrap_or(text);
                self.log_lines(text);
                self.status = 0;
            }
            Command::Group(commands) => return self.block(commands),
            Command::Env => {
                let text = self
                    .environment
                    .iter()
                    .map(|(name, value)| format!("{name}={value}"))
                    .collect::<Vec<_>>()
                    .join("\n");
                self.log_lines(&text);
                self.status = 0;
            }
            Command::PrintEnv(names) => {
                let mut status = 0;
                for name in names {
                    match self
                        .environment
                        .iter()
                        .find(|(existing, _)| existing == name)
                    {
                        Some((_, value)) => {
                            let value = value.clone();
                            self.log_lines(&value);
                        }
                        None => status = 1,
                    }
                }
                self.status = status;
            }
            Command::Hostname => {
                let hostname = self.hostname();
                self.log_lines(&hostname);
                self.status = 0;
            }
            Command::Uname(flags) => {
                let hostname = self.hostname();
                let all = format!(
                    "Linux {hostname} {KERNEL_RELEASE} #1 SMP PREEMPT_DYNAMIC Debian 6.1.55-1 x86_64 GNU/Linux"
                );
                let line = match flags.first().map(String::as_str) {
                    None | Some("-s") => "Linux".to_string(),
                    Some("-a") => all,
                    Some("-r") => KERNEL_RELEASE.to_string(),
                    Some("-n") => hostname,
                    Some("-m") => "x86_64".to_string(),
                    Some(other) => format!("uname: unrecognized option '{other}'"),
                };
                self.status = if line.starts_with("uname:") { 1 } else { 0 };
                self.log_lines(&line);
            }
            Command::Cat(paths) => {
                let mut status = 0;
                for path in paths {
                    let path = self.expand(path);
                    if let Some(content) = self.known_file(&path) {
                        self.log_lines(&content);
                    } else if !self.run.file_exists_at(&path, self.clock) {
                        self.log_lines(&format!(
                            "cat: can't open '{path}': No such file or directory"
                        ));
                        status = 1;
                    }
                }
                self.status = status;
            }
            Command::List(paths) => {
                let mut status = 0;
                let paths = if paths.is_empty() {
                    vec!["/".to_string()]
                } else {
                    paths.iter().map(|path| self.expand(path)).collect()
                };
                for path in paths {
                    if path == "/" {
                        self.log_lines(&ROOT_ENTRIES.join("\n"));
                    } else if self.known_file(&path).is_some()
                        || self.run.file_exists_at(&path, self.clock)
                    {
                        self.log_lines(&path);
                    } else {
                        self.log_lines(&format!("ls: {path}: No such file or directory"));
                        status = 1;
                    }
                }
                self.status = status;
            }
            Command::While {
                until,
                condition,
                body,
            } => {
                loop {
                    let before = self.clock;
                    match self.block(condition) {
                        Flow::Next => {}
                        other => return other,
                    }
                    if (self.status == 0) == *until {
                        break;
                    }
                    match self.block(body) {
                        Flow::Next => {}
                        other => return other,
                    }
                    if self.clock == before {
                        // An iteration that takes no time and asks nothing spins forever.
                        if !contains_ask(condition) && !contains_ask(body) {
                            return Flow::Stopped;
                        }
                        // Deviation: a busy loop polling the cluster re-checks once a
                        // second here (a real shell spins as fast as it can).
                        self.clock = self.clock + BUSY_LOOP_PERIOD;
                        if self.clock > self.until {
                            return Flow::Stopped;
                        }
                    }
                }
                self.status = 0;
            }
            Command::Ask(tool, words) => return self.ask(*tool, words),
            Command::Loop(body) if self.exit_only && !contains_exit(body) => {
                return Flow::Stopped;
            }
            Command::Loop(body) => loop {
                let before = (self.clock, self.commands_run);
                match self.block(body) {
                    Flow::Next => {}
                    other => return other,
                }
                // A loop whose body takes no time would spin forever: it blocks.
                if self.clock == before.0 || body.is_empty() {
                    return Flow::Stopped;
                }
            },
            Command::And(left, right) => {
                match self.command(left) {
                    Flow::Next => {}
                    other => return other,
                }
                if self.status == 0 {
                    return self.command(right);
                }
            }
            Command::Or(left, right) => {
                match self.command(left) {
                    Flow::Next => {}
                    other => return other,
                }
                if self.status != 0 {
                    return self.command(right);
                }
            }
        }
        Flow::Next
    }

    /// Runs a command that asks the cluster: consumes the next answer, or stops at
    /// the query when it is not answered yet.
    fn ask(&mut self, tool: Tool, words: &[String]) -> Flow {
        let words: Vec<String> = words.iter().map(|word| self.expand(word)).collect();
        let query = match tool {
            Tool::Nslookup | Tool::Getent => words
                .first()
                .map(|name| Query::Lookup { name: name.clone() }),
            Tool::Wget | Tool::Curl => words.first().and_then(|url| {
                crate::node::http::parse_url(url)
                    .map(|(host, port, _)| Query::Connect { host, port })
            }),
            Tool::Netcat => match words.as_slice() {
                [host, port, ..] => port.parse().ok().map(|port| Query::Connect {
                    host: host.clone(),
                    port,
                }),
                _ => None,
            },
        };
        let Some(query) = query else {
            // A usage error: the tool prints its help and fails.
            self.status = 1;
            return Flow::Next;
        };
        let Some(answer) = self.answers.get(self.asked).cloned() else {
            self.run.pending = Some((self.clock, query));
            return Flow::Stopped;
        };
        self.asked += 1;
        self.status = match answer {
            Answer::Resolved(_) => 0,
            Answer::Unresolved | Answer::Refused(_) => 1,
        };
        let text = match (&query, tool) {
            (Query::Lookup { name }, Tool::Nslookup) => {
                // busybox 1.28's nslookup (the docs' init-container example pins it).
                let fqdn = if name.contains('.') {
                    name.clone()
                } else {
                    format!(
                        "{name}.{}.svc.{}",
                        self.namespace,
                        crate::node::dns::CLUSTER_DOMAIN
                    )
                };
                let server = format!(
                    "Server:    {CLUSTER_DNS_IP}\nAddress 1: {CLUSTER_DNS_IP} kube-dns.kube-system.svc.{}\n",
                    crate::node::dns::CLUSTER_DOMAIN
                );
                match &answer {
                    Answer::Resolved(address) | Answer::Refused(address) => {
                        format!("{server}\nName:      {name}\nAddress 1: {address} {fqdn}")
                    }
                    Answer::Unresolved => format!("{server}\nnslookup: can't resolve '{name}'"),
                }
            }
            (Query::Lookup { name }, _) => match &answer {
                Answer::Resolved(address) | Answer::Refused(address) => {
                    format!("{address:<15} {name}")
                }
                Answer::Unresolved => return Flow::Next,
            },
            (Query::Connect { host, port }, Tool::Wget) => match &answer {
                Answer::Resolved(_) => return Flow::Next,
                Answer::Unresolved => format!("wget: bad address '{host}:{port}'"),
                Answer::Refused(address) => {
                    format!("wget: can't connect to remote host ({address}): Connection refused")
                }
            },
            // `curl -s` and `nc -z` print nothing.
            (Query::Connect { .. }, _) => return Flow::Next,
        };
        self.log_lines(&text);
        Flow::Next
    }

    /// What `cat PATH` prints for the files every container has, if `path` is one.
    fn known_file(&self, path: &str) -> Option<String> {
        match path {
            "/etc/hostname" => Some(self.hostname()),
            "/var/run/secrets/kubernetes.io/serviceaccount/namespace" => {
                Some(self.namespace.clone())
            }
            "/etc/hosts" if !self.behaviour.hosts_file.is_empty() => {
                Some(self.behaviour.hosts_file.trim_end_matches('\n').to_string())
            }
            "/etc/resolv.conf" if !self.behaviour.resolv_conf.is_empty() => Some(
                self.behaviour
                    .resolv_conf
                    .trim_end_matches('\n')
                    .to_string(),
            ),
            _ => None,
        }
    }

    /// Appends `text` to the logs at the current time, one entry per line.
    fn log_lines(&mut self, text: &str) {
        if self.exit_only {
            return;
        }
        for line in text.split('\n') {
            if self.run.logs.len() >= MAX_LOG_LINES {
                return;
            }
            self.run.logs.push((self.clock, line.to_string()));
        }
    }

    fn hostname(&self) -> String {
        self.environment
            .iter()
            .find(|(name, _)| name == "HOSTNAME")
            .map(|(_, value)| value.clone())
            .unwrap_or_default()
    }

    /// Expands `$VAR`, `${VAR}`, `$((arithmetic))` and `$(date)` in a word.
    /// `touch` (exists) or `rm` (gone) of `paths` at the current instant.
    fn record_files(&mut self, paths: &[String], exists: bool) {
        for path in paths {
            let path = self.expand(path);
            self.run
                .files
                .entry(path)
                .or_default()
                .push((self.clock, exists));
        }
        self.status = 0;
    }

    fn expand(&self, word: &str) -> String {
        let mut out = String::new();
        let mut rest = word;
        while let Some(index) = rest.find('$') {
            out.push_str(&rest[..index]);
            let after = &rest[index + 1..];
            if let Some(inner) = after.strip_prefix("((") {
                let end = inner.find("))").unwrap_or(inner.len());
                out.push_str(&self.arithmetic(&inner[..end]).to_string());
                rest = inner.get(end + 2..).unwrap_or("");
            } else if let Some(inner) = after.strip_prefix('(') {
                let end = inner.find(')').unwrap_or(inner.len());
                let substituted = inner[..end].trim();
                if let Some(path) = substituted.strip_prefix("cat ")
                    && let Some(content) = self.known_file(path.trim())
                {
                    out.push_str(&content);
                } else if substituted == "date" {
                    out.push_str(&date_string(self.clock));
                } else if inner[..end].trim() == "hostname" {
                    out.push_str(
                        self.variables
                            .get("HOSTNAME")
                            .map(String::as_str)
                            .unwrap_or(""),
                    );
                }
                rest = inner.get(end + 1..).unwrap_or("");
            } else if let Some(inner) = after.strip_prefix('{') {
                let end = inner.find('}').unwrap_or(inner.len());
                out.push_str(
                    self.variables
                        .get(&inner[..end])
                        .map(String::as_str)
                        .unwrap_or(""),
                );
                rest = inner.get(end + 1..).unwrap_or("");
            } else {
                let end = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                if end == 0 {
                    out.push('$');
                } else {
                    out.push_str(
                        self.variables
                            .get(&after[..end])
                            .map(String::as_str)
                            .unwrap_or(""),
                    );
                }
                rest = &after[end..];
            }
        }
        out.push_str(rest);
        out
    }

    /// `i+1`, `$i * 2`, `i - 1`: integer arithmetic left to right.
    fn arithmetic(&self, expression: &str) -> i64 {
        let expanded = self.expand(expression);
        let mut total = 0i64;
        let mut operator = '+';
        let mut term = String::new();
        let apply = |total: i64, operator: char, term: &str| {
            let term = term.trim();
            let value = term.parse::<i64>().unwrap_or_else(|_| {
                self.variables
                    .get(term)
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0)
            });
            match operator {
                '-' => total.saturating_sub(value),
                '*' => total.saturating_mul(value),
                '/' if value != 0 => total / value,
                '%' if value != 0 => total % value,
                _ => total.saturating_add(value),
            }
        };
        for c in expanded.chars() {
            if matches!(c, '+' | '-' | '*' | '/' | '%') && !term.trim().is_empty() {
                total = apply(total, operator, &term);
                operator = c;
                term.clear();
            } else {
                term.push(c);
            }
        }
        apply(total, operator, &term)
    }
}

/// The date a container's `date` prints at `offset`. Containers know no absolute
/// time here, so the interpreter prints a placeholder the kubelet replaces.
fn date_string(offset: SimDuration) -> String {
    format!("\u{0}date+{}\u{0}", offset.as_millis())
}

/// Replaces the interpreter's date placeholders with `date`'s output for a container
/// started at `started_at`: `Mon Jan  1 00:00:05 UTC 2025`.
pub fn render_dates(line: &str, started_at: SimTime) -> String {
    if !line.contains('\u{0}') {
        return line.to_string();
    }
    let mut out = String::new();
    let mut parts = line.split('\u{0}');
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    let mut inside = true;
    for part in parts {
        if inside {
            let millis = part
                .strip_prefix("date+")
                .and_then(|m| m.parse::<i64>().ok())
                .unwrap_or(0);
            out.push_str(&unix_date(started_at + SimDuration::from_millis(millis)));
        } else {
            out.push_str(part);
        }
        inside = !inside;
    }
    out
}

/// `date`'s default format in UTC: `Wed Jan  1 00:00:00 UTC 2025`.
pub fn unix_date(time: SimTime) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let rfc = time.to_rfc3339();
    let seconds = time.unix_seconds();
    let weekday = DAYS[seconds.div_euclid(86_400).rem_euclid(7) as usize];
    let month: usize = rfc[5..7].parse().unwrap_or(1);
    let day: u32 = rfc[8..10].parse().unwrap_or(1);
    format!(
        "{weekday} {} {day:>2} {} UTC {}",
        MONTHS[month.saturating_sub(1).min(11)],
        &rfc[11..19],
        &rfc[0..4]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(list: &[&str]) -> Vec<String> {
        list.iter().map(|w| w.to_string()).collect()
    }

    fn secs(s: i64) -> SimDuration {
        SimDuration::from_secs(s)
    }

    #[test]
    fn server_images_run_forever_and_shell_images_exit_at_once() {
        let nginx = Behaviour::of("nginx", &[], &[]);
        assert!(nginx.runs_forever());
        assert_eq!(nginx.service, Service::Http);
        assert_eq!(Behaviour::of("redis:7", &[], &[]).service, Service::Tcp);
        let busybox = Behaviour::of("busybox", &[], &[]);
        assert_eq!(
            busybox.run(secs(60), "p").exit,
            Some((SimDuration::ZERO, 0))
        );
        assert!(Behaviour::of("example.com/team/app:v1", &[], &[]).runs_forever());
    }

    #[test]
    fn simple_commands_take_their_time_and_exit_with_their_code() {
        let sleep = Behaviour::of("busybox", &words(&["sleep", "30"]), &[]);
        assert_eq!(sleep.run(secs(100), "p").exit, Some((secs(30), 0)));
        let fail = Behaviour::of("busybox", &words(&["sh", "-c", "exit 1"]), &[]);
        assert_eq!(fail.run(secs(100), "p").exit, Some((SimDuration::ZERO, 1)));
        let false_ = Behaviour::of("busybox", &words(&["false"]), &[]);
        assert_eq!(false_.run(secs(1), "p").exit, Some((SimDuration::ZERO, 1)));
        let echo = Behaviour::of("busybox", &[], &words(&["sh", "-c", "echo done; sleep 5"]));
        let run = echo.run(secs(100), "p");
        assert_eq!(run.logs, vec![(SimDuration::ZERO, "done".to_string())]);
        assert_eq!(run.exit, Some((secs(5), 0)));
    }

    #[test]
    fn loops_print_each_line_at_its_time() {
        let script = "for i in 1 2 3; do echo $i; sleep 1; done";
        let behaviour = Behaviour::of("busybox", &words(&["/bin/sh", "-c", script]), &[]);
        let run = behaviour.run(secs(100), "p");
        let lines: Vec<(i64, &str)> = run
            .logs
            .iter()
            .map(|(at, line)| (at.as_secs(), line.as_str()))
            .collect();
        assert_eq!(lines, vec![(0, "1"), (1, "2"), (2, "3")]);
        assert_eq!(run.exit, Some((secs(3), 0)));

        let counter = "i=0; while true; do echo \"$i: hello\"; i=$((i+1)); sleep 1; done";
        let behaviour = Behaviour::of("busybox", &words(&["sh", "-c", counter]), &[]);
        assert!(behaviour.runs_forever());
        let run = behaviour.run(secs(2), "p");
        let lines: Vec<&str> = run.logs.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(lines, vec!["0: hello", "1: hello", "2: hello"]);
    }

    #[test]
    fn files_follow_the_liveness_tutorial() {
        // https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
        let script = "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600";
        let behaviour = Behaviour::of("busybox", &[], &words(&["/bin/sh", "-c", script]));
        let run = behaviour.run(secs(1000), "p");
        assert!(run.file_exists_at("/tmp/healthy", secs(29)));
        assert!(!run.file_exists_at("/tmp/healthy", secs(30)));
        assert_eq!(run.exit, Some((secs(630), 0)));
    }

    #[test]
    fn stress_allocates_its_memory() {
        let behaviour = Behaviour::of(
            "polinux/stress",
            &words(&["stress"]),
            &words(&["--vm", "1", "--vm-bytes", "250M", "--vm-hang", "1"]),
        );
        assert_eq!(behaviour.memory_bytes, 250 * 1024 * 1024);
        assert!(behaviour.runs_forever());
    }

    #[test]
    fn unknown_scripts_run_like_servers() {
        let behaviour = Behaviour::of("myapp", &words(&["python", "app.py"]), &[]);
        assert!(behaviour.runs_forever());
        assert_eq!(behaviour.service, Service::Http);
        for argv in [
            &["node", "server.js"][..],
            &["nginx", "-g", "daemon off;"],
            &["sh", "-c", "python app.py"],
            &["/app/server", "--port", "8080"],
        ] {
            assert!(
                Behaviour::of("myapp", &words(argv), &[]).runs_forever(),
                "{argv:?}"
            );
        }
    }

    fn lines(run: &Run) -> Vec<&str> {
        run.logs.iter().map(|(_, line)| line.as_str()).collect()
    }

    #[test]
    fn the_docs_pi_job_prints_its_digits_and_exits() {
        // https://kubernetes.io/docs/concepts/workloads/controllers/job/#running-an-example-job
        let behaviour = Behaviour::of(
            "perl:5.34.0",
            &words(&["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"]),
            &[],
        );
        let (at, code) = behaviour.exit().expect("exits");
        assert_eq!(code, 0);
        assert!(at > secs(2) && at < secs(30), "{at:?}");
        let run = behaviour.run(secs(60), "pi-x");
        assert_eq!(run.logs.len(), 1);
        assert!(run.logs[0].1.starts_with("3.14159265358979323846"));
        assert_eq!(run.logs[0].1.len(), 2001);
        // Before the computation ends nothing is printed.
        assert!(behaviour.run(secs(1), "pi-x").logs.is_empty());
    }

    #[test]
    fn one_shot_utilities_print_what_they_would() {
        let behaviour = |argv: &[&str]| {
            Behaviour::of("busybox", &words(argv), &[])
                .with_environment(vec![("GREETING".to_string(), "hello".to_string())])
        };
        let env = behaviour(&["env"]).run(secs(1), "demo");
        assert_eq!(
            lines(&env),
            vec![
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "HOSTNAME=demo",
                "GREETING=hello",
                "HOME=/root"
            ]
        );
        assert_eq!(env.exit, Some((SimDuration::ZERO, 0)));
        let printenv = behaviour(&["printenv", "GREETING"]).run(secs(1), "demo");
        assert_eq!(lines(&printenv), vec!["hello"]);
        assert_eq!(
            behaviour(&["printenv", "NOPE"]).exit(),
            Some((SimDuration::ZERO, 1))
        );
        assert_eq!(
            lines(&behaviour(&["hostname"]).run(secs(1), "demo")),
            vec!["demo"]
        );
        assert_eq!(
            lines(&behaviour(&["uname"]).run(secs(1), "demo")),
            vec!["Linux"]
        );
        assert!(
            lines(&behaviour(&["uname", "-a"]).run(secs(1), "demo"))[0].starts_with("Linux demo ")
        );
        assert_eq!(
            lines(&behaviour(&["cat", "/etc/hostname"]).run(secs(1), "demo")),
            vec!["demo"]
        );
        let missing = behaviour(&["cat", "/nope"]);
        assert_eq!(missing.exit(), Some((SimDuration::ZERO, 1)));
        assert_eq!(
            lines(&missing.run(secs(1), "demo")),
            vec!["cat: can't open '/nope': No such file or directory"]
        );
        assert_eq!(
            lines(&behaviour(&["ls"]).run(secs(1), "d")).first(),
            Some(&"bin")
        );
        assert_eq!(behaviour(&["true"]).exit(), Some((SimDuration::ZERO, 0)));
        let script = behaviour(&[
            "sh",
            "-c",
            "echo $GREETING from $(hostname); date; python -c 'print(42)'",
        ]);
        let run = script.run(secs(5), "demo");
        assert_eq!(lines(&run)[0], "hello from demo");
        assert_eq!(lines(&run)[2], "42");
        assert!(run.exit.is_some());
    }

    #[test]
    fn until_loops_block_on_the_cluster_and_resume_with_its_answers() {
        // https://kubernetes.io/docs/concepts/workloads/pods/init-containers/
        let script = "until nslookup myservice.$(cat /var/run/secrets/kubernetes.io/serviceaccount/namespace).svc.cluster.local; do echo waiting for myservice; sleep 2; done";
        let mut behaviour =
            Behaviour::of("busybox:1.28", &words(&["sh", "-c", script]), &[]).with_namespace("ns");
        let lookup = Query::Lookup {
            name: "myservice.ns.svc.cluster.local".to_string(),
        };
        // Nothing answered yet: the program waits at its first lookup.
        let outcome = behaviour.outcome("p");
        assert_eq!(outcome.exit, None);
        assert_eq!(outcome.pending, Some((SimDuration::ZERO, lookup.clone())));
        assert!(behaviour.runs_forever());
        // Two failed lookups: two waiting lines, the third lookup 4 s in.
        behaviour.answers = vec![Answer::Unresolved, Answer::Unresolved];
        assert_eq!(behaviour.outcome("p").pending, Some((secs(4), lookup)));
        let run = behaviour.run(secs(10), "p");
        let waiting: Vec<i64> = run
            .logs
            .iter()
            .filter(|(_, line)| line == "waiting for myservice")
            .map(|(at, _)| at.as_secs())
            .collect();
        assert_eq!(waiting, vec![0, 2]);
        assert!(lines(&run).contains(&"nslookup: can't resolve 'myservice.ns.svc.cluster.local'"));
        // The Service appears: the loop ends and the shell exits 0.
        behaviour
            .answers
            .push(Answer::Resolved("10.96.5.6".to_string()));
        let outcome = behaviour.outcome("p");
        assert_eq!(outcome.exit, Some((secs(4), 0)));
        assert_eq!(outcome.pending, None);
        let run = behaviour.run(secs(10), "p");
        assert_eq!(
            lines(&run).last(),
            Some(&"Address 1: 10.96.5.6 myservice.ns.svc.cluster.local")
        );
    }

    #[test]
    fn connection_checks_ask_for_host_and_port() {
        let pending = |script: &str| {
            Behaviour::of("busybox", &words(&["sh", "-c", script]), &[])
                .outcome("p")
                .pending
                .map(|(_, query)| query)
        };
        let connect = |host: &str, port: i32| {
            Some(Query::Connect {
                host: host.to_string(),
                port,
            })
        };
        assert_eq!(
            pending("until wget -qO- http://web:8080/healthz; do sleep 1; done"),
            connect("web", 8080)
        );
        assert_eq!(
            pending("until curl -s -o /dev/null http://api; do sleep 1; done; echo up"),
            connect("api", 80)
        );
        assert_eq!(
            pending("until curl -s --max-time 2 https://api.team.svc; do sleep 1; done"),
            connect("api.team.svc", 443)
        );
        assert_eq!(
            pending("until nc -z db 5432; do echo waiting; sleep 2; done"),
            connect("db", 5432)
        );
        assert_eq!(
            pending("while getent hosts old; do sleep 5; done"),
            Some(Query::Lookup {
                name: "old".to_string()
            })
        );
        // `while COND` runs while the check succeeds.
        let mut behaviour = Behaviour::of(
            "busybox",
            &words(&["sh", "-c", "while nc -z db 5432; do sleep 5; done; exit 3"]),
            &[],
        );
        behaviour.answers = vec![
            Answer::Resolved("10.96.0.20".to_string()),
            Answer::Refused("10.96.0.20".to_string()),
        ];
        assert_eq!(behaviour.outcome("p").exit, Some((secs(5), 3)));
        // A busy loop without a sleep polls once a second.
        let mut busy = Behaviour::of(
            "busybox",
            &words(&["sh", "-c", "until nc -z db 5432; do :; done"]),
            &[],
        );
        busy.answers = vec![Answer::Unresolved];
        assert_eq!(busy.outcome("p").pending.map(|(at, _)| at), Some(secs(1)));
    }

    #[test]
    fn date_prints_as_unix_date() {
        assert_eq!(
            unix_date(SimTime::DEFAULT_EPOCH),
            "Wed Jan  1 00:00:00 UTC 2025"
        );
    }
}
