//! kubectl, interpreted: command lines in, kubectl's output out.
//!
//! The interpreter is IO-free. It takes a command line and the text a command
//! would read from stdin, and returns what kubectl would print on stdout and
//! stderr with its exit code. The playground's terminal and the `kubesim` CLI
//! are thin shells around [`run`]. Upstream: `staging/src/k8s.io/kubectl`.

pub mod apply;
pub mod commands;
pub mod files;
pub mod outcome;
pub mod output;
pub mod pod_for_object;
pub mod printers;
pub mod resource_args;
pub mod shell_words;
pub mod targets;
pub mod waiting;

use std::collections::BTreeMap;

use crate::simulation::Simulation;

/// What a command printed, and its exit code.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CommandOutput {
    pub stdout: String,
    pub stderr: String,
    pub exit_code: i32,
}

impl CommandOutput {
    pub fn ok(stdout: impl Into<String>) -> Self {
        CommandOutput {
            stdout: stdout.into(),
            stderr: String::new(),
            exit_code: 0,
        }
    }

    /// A failed command: the message goes to stderr with a newline, exit code 1.
    pub fn error(message: impl Into<String>) -> Self {
        let mut stderr = message.into();
        if !stderr.ends_with('\n') {
            stderr.push('\n');
        }
        CommandOutput {
            stdout: String::new(),
            stderr,
            exit_code: 1,
        }
    }
}

/// Parsed flags: `--name=value`, `--name value`, `-n value`, `-nvalue` and bare
/// switches. Positional arguments are kept in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Flags {
    values: BTreeMap<String, Vec<String>>,
    pub positional: Vec<String>,
    /// Flags that need a value and got none, as pflag names them: `--selector`, `'l' in -l`.
    missing_values: Vec<String>,
    /// The word each shorthand letter first came in (`x` → `-xyz`), for pflag's errors.
    shorthand_words: BTreeMap<String, String>,
}

/// Flags that always take a value (no `NoOptDefVal`): pflag gives them the next
/// word even when it starts with `-`, and fails when there is none.
const VALUE_FLAGS: &[&str] = &[
    "l",
    "selector",
    "n",
    "namespace",
    "o",
    "output",
    "c",
    "container",
    "f",
    "filename",
    "field-selector",
    "sort-by",
    "L",
    "label-columns",
    "image",
    "replicas",
    "timeout",
    "grace-period",
    "for",
    "type",
    "port",
    "target-port",
    "restart",
    "tail",
    "since",
    "since-time",
    "limit-bytes",
    "to-revision",
    "revision",
    "env",
    "labels",
    "context",
    "kubeconfig",
];

/// Flags that never take a value, so `--all foo` keeps `foo` positional.
const SWITCHES: &[&str] = &[
    "A",
    "all-namespaces",
    "all",
    "no-headers",
    "show-labels",
    "watch",
    "w",
    "overwrite",
    "ignore-daemonsets",
    "delete-emptydir-data",
    "force",
    "help",
    "h",
    "wait",
    "previous",
    "p",
    "recursive",
    "R",
    "i",
    "t",
    "stdin",
    "tty",
    "quiet",
    "q",
    "dry-run",
    "version",
    "short",
    "show-kind",
    "ignore-not-found",
    "watch-only",
    "output-watch-events",
    "show-managed-fields",
    "show-events",
    "client",
    "follow",
    "timestamps",
    "all-containers",
    "all-pods",
    "prefix",
    "ignore-errors",
    "insecure-skip-tls-verify-backend",
];

impl Flags {
    pub fn parse(words: &[String]) -> Flags {
        let mut flags = Flags::default();
        let mut index = 0;
        while index < words.len() {
            let word = &words[index];
            if word == "--" {
                flags.positional.extend(words[index..].iter().cloned());
                break;
            }
            // pflag's shorthand: `-it` is `-i -t`, `-nkube-system` and `-n=x` give
            // `-n` a value, `-ojson` is `-o json`.
            if let Some(rest) = word.strip_prefix('-').filter(|rest| {
                !rest.starts_with('-') && rest.chars().count() > 1 && rest.is_char_boundary(1)
            }) {
                let mut rest = rest;
                loop {
                    let (name, after) = rest.split_at(1);
                    flags
                        .shorthand_words
                        .entry(name.to_string())
                        .or_insert_with(|| word.clone());
                    if after.is_empty() {
                        // The last letter of a group: a switch, or a flag whose value follows.
                        let value = if SWITCHES.contains(&name) {
                            "true".to_string()
                        } else if VALUE_FLAGS.contains(&name) {
                            match words.get(index + 1) {
                                Some(next) => {
                                    index += 1;
                                    next.clone()
                                }
                                None => {
                                    flags.missing_values.push(format!("'{name}' in {word}"));
                                    "true".to_string()
                                }
                            }
                        } else {
                            match words.get(index + 1) {
                                Some(next) if !next.starts_with('-') || next == "-" => {
                                    index += 1;
                                    next.clone()
                                }
                                _ => "true".to_string(),
                            }
                        };
                        flags
                            .values
                            .entry(name.to_string())
                            .or_default()
                            .push(value);
                        break;
                    }
                    if let Some(value) = after.strip_prefix('=') {
                        flags
                            .values
                            .entry(name.to_string())
                            .or_default()
                            .push(value.to_string());
                        break;
                    }
                    if SWITCHES.contains(&name) {
                        flags
                            .values
                            .entry(name.to_string())
                            .or_default()
                            .push("true".to_string());
                        rest = after;
                        if !rest.is_char_boundary(1) {
                            break;
                        }
                        continue;
                    }
                    flags
                        .values
                        .entry(name.to_string())
                        .or_default()
                        .push(after.to_string());
                    break;
                }
                index += 1;
                continue;
            }
            let name_and_value = word
                .strip_prefix("--")
                .or_else(|| word.strip_prefix('-').filter(|rest| !rest.is_empty()));
            match name_and_value {
                Some(rest) if !word.starts_with("---") => {
                    let (name, inline_value) = match rest.split_once('=') {
                        Some((name, value)) => (name.to_string(), Some(value.to_string())),
                        None => (rest.to_string(), None),
                    };
                    let value = match inline_value {
                        Some(value) => value,
                        None if SWITCHES.contains(&name.as_str()) => "true".to_string(),
                        None if VALUE_FLAGS.contains(&name.as_str()) => {
                            match words.get(index + 1) {
                                Some(next) => {
                                    index += 1;
                                    next.clone()
                                }
                                None => {
                                    flags.missing_values.push(if word.starts_with("--") {
                                        format!("--{name}")
                                    } else {
                                        format!("'{name}' in {word}")
                                    });
                                    "true".to_string()
                                }
                            }
                        }
                        None => match words.get(index + 1) {
                            Some(next) if !next.starts_with('-') || next == "-" => {
                                index += 1;
                                next.clone()
                            }
                            _ => "true".to_string(),
                        },
                    };
                    flags.values.entry(name).or_default().push(value);
                }
                _ => flags.positional.push(word.clone()),
            }
            index += 1;
        }
        flags
    }

    /// The last value given for a flag.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.values
            .get(name)
            .and_then(|values| values.last())
            .map(String::as_str)
    }

    /// Every value given for a repeatable flag (`--label a=b --label c=d`).
    pub fn values(&self, name: &str) -> &[String] {
        self.values.get(name).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The word a shorthand flag was given in, as pflag names it: `-xyz` for `x`.
    pub fn shorthand_word(&self, name: &str) -> String {
        self.shorthand_words
            .get(name)
            .cloned()
            .unwrap_or_else(|| format!("-{name}"))
    }

    /// The first flag that needed a value and got none, as pflag names it.
    pub fn missing_value(&self) -> Option<&str> {
        self.missing_values.first().map(String::as_str)
    }

    /// The names of every flag given, in name order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.values.keys().map(String::as_str)
    }

    pub fn has(&self, name: &str) -> bool {
        self.values
            .get(name)
            .is_some_and(|values| values.last().is_some_and(|value| value != "false"))
    }
}

/// Runs one kubectl command line against the simulation. `-f FILE` finds no
/// files here; use [`run_with_files`] to give the command a file system.
pub fn run(simulation: &mut Simulation, line: &str, stdin: &str) -> CommandOutput {
    run_with_files(simulation, line, stdin, &files::NoFiles)
}

/// Runs one kubectl command line, reading `-f` paths through `files`.
pub fn run_with_files(
    simulation: &mut Simulation,
    line: &str,
    stdin: &str,
    files: &dyn files::FileSource,
) -> CommandOutput {
    let words = match shell_words::split(line) {
        Ok(words) => words,
        Err(error) => return CommandOutput::error(format!("error: {error}")),
    };
    let Some((program, arguments)) = words.split_first() else {
        return CommandOutput::default();
    };
    match program.as_str() {
        "kubectl" => {}
        "sim" => return commands::sim::run(simulation, arguments),
        "sleep" => return commands::sim::sleep(simulation, arguments),
        _ => {
            return CommandOutput::error(format!(
                "error: unknown command \"{program}\": commands start with kubectl or sim"
            ));
        }
    }
    let arguments = match global_flags_after_command(arguments) {
        Ok(arguments) => arguments,
        Err(output) => return output,
    };
    let Some((command, rest)) = arguments.split_first() else {
        return CommandOutput::error("error: kubectl needs a command, e.g. kubectl get pods");
    };
    // `-p` is `--previous` (a switch) for logs but `--patch` (a value) for patch.
    let rewritten: Vec<String>;
    let rest = if command == "patch" {
        rewritten = expand_short_flag(rest, "p", "patch");
        &rewritten[..]
    } else if command == "logs" {
        // `-f` is `--follow` (a switch) for logs but `--filename` (a value) elsewhere.
        rewritten = rest
            .iter()
            .map(|word| {
                if word == "-f" {
                    "--follow".to_string()
                } else {
                    word.clone()
                }
            })
            .collect();
        &rewritten[..]
    } else {
        rest
    };
    let flags = Flags::parse(rest);
    let output = dispatch(simulation, command, &flags, stdin, files);
    with_flag_usage_line(output, &command_path(command, &flags))
}

/// kubectl's global (persistent) flags that take a value, as `kubectl options` lists them.
const GLOBAL_VALUE_FLAGS: &[&str] = &[
    "n",
    "namespace",
    "context",
    "cluster",
    "user",
    "kubeconfig",
    "s",
    "server",
    "token",
    "request-timeout",
    "v",
    "as",
    "as-group",
    "as-uid",
    "cache-dir",
    "certificate-authority",
    "client-certificate",
    "client-key",
    "tls-server-name",
    "password",
    "username",
    "profile",
    "profile-output",
    "log-flush-frequency",
    "vmodule",
];

/// Global flags may come before the command (`kubectl -n dev get pods`), as cobra
/// parses persistent flags anywhere. They move to just after the command, before
/// any `--`, so each command parses them with its own flags.
fn global_flags_after_command(arguments: &[String]) -> Result<Vec<String>, CommandOutput> {
    let mut leading = Vec::new();
    let mut index = 0;
    while let Some(word) = arguments.get(index) {
        let Some(flag) = word.strip_prefix('-').filter(|rest| !rest.is_empty()) else {
            break;
        };
        if word == "--" {
            break;
        }
        let long = flag.strip_prefix('-');
        let (name, inline_value) = match long {
            Some(long) => match long.split_once('=') {
                Some((name, value)) => (name, Some(value)),
                None => (long, None),
            },
            // `-ndev` and `-n=dev`: pflag reads the rest of a shorthand group as its value.
            None => {
                let (name, rest) = flag.split_at(flag.chars().next().map_or(0, char::len_utf8));
                let rest = rest.strip_prefix('=').unwrap_or(rest);
                (name, (!rest.is_empty()).then_some(rest))
            }
        };
        leading.push(word.clone());
        index += 1;
        if inline_value.is_none() && GLOBAL_VALUE_FLAGS.contains(&name) {
            match arguments.get(index) {
                Some(value) => {
                    leading.push(value.clone());
                    index += 1;
                }
                None => {
                    let flag = if long.is_some() {
                        format!("--{name}")
                    } else {
                        format!("'{name}' in {word}")
                    };
                    return Err(CommandOutput::error(format!(
                        "error: flag needs an argument: {flag}\nSee 'kubectl --help' for usage."
                    )));
                }
            }
        }
    }
    let Some(command) = arguments.get(index) else {
        return Ok(Vec::new());
    };
    let mut reordered = vec![command.clone()];
    reordered.extend(leading);
    reordered.extend(arguments[index + 1..].iter().cloned());
    Ok(reordered)
}

/// The command path cobra names in a flag error: `kubectl rollout status`,
/// `kubectl create deployment`, `kubectl set image`.
fn command_path(command: &str, flags: &Flags) -> String {
    let first = flags.positional.first().map(String::as_str);
    let second = flags.positional.get(1).map(String::as_str);
    let sub = match (command, first) {
        (
            "rollout",
            Some(sub @ ("status" | "history" | "undo" | "pause" | "resume" | "restart")),
        ) => Some(sub.to_string()),
        ("set", Some("image")) => Some("image".to_string()),
        ("create", Some(service @ ("service" | "svc"))) => Some(match second {
            Some(kind @ ("clusterip" | "nodeport" | "loadbalancer" | "externalname")) => {
                format!("{service} {kind}")
            }
            _ => service.to_string(),
        }),
        ("create", Some(secret @ "secret")) => Some(match second {
            Some(kind @ ("generic" | "tls" | "docker-registry")) => format!("{secret} {kind}"),
            _ => secret.to_string(),
        }),
        (
            "create",
            Some(
                kind @ ("deployment" | "deploy" | "job" | "namespace" | "ns" | "configmap" | "cm"),
            ),
        ) => Some(kind.to_string()),
        _ => None,
    };
    match sub {
        Some(sub) => format!("kubectl {command} {sub}"),
        None => format!("kubectl {command}"),
    }
}

/// pflag's value errors (`invalid argument "abc" for "--replicas" flag: ...`) go
/// through kubectl's FlagErrorFunc (`templates.ActsAsRootCommand`), which adds
/// `See 'kubectl scale --help' for usage.`; `cmdutil.CheckErr` then prints
/// `error: ` before them (`cmd/kubectl/kubectl.go` runs `cli.RunNoErrOutput`).
fn with_flag_usage_line(mut output: CommandOutput, path: &str) -> CommandOutput {
    let first_line = output.stderr.lines().next().unwrap_or("");
    if output.exit_code != 0
        && first_line.starts_with("error: invalid argument \"")
        && first_line.contains(" flag: ")
        && !output.stderr.contains("\nSee '")
    {
        if !output.stderr.ends_with('\n') {
            output.stderr.push('\n');
        }
        output
            .stderr
            .push_str(&format!("See '{path} --help' for usage.\n"));
    }
    output
}

fn dispatch(
    simulation: &mut Simulation,
    command: &str,
    flags: &Flags,
    stdin: &str,
    files: &dyn files::FileSource,
) -> CommandOutput {
    let flags = flags.clone();
    match command {
        "api-resources" => commands::api_resources::run(&flags),
        "api-versions" => commands::api_versions::run(&flags),
        "top" => commands::top::run(&flags),
        "apply" => commands::apply::run(simulation, &flags, stdin, files),
        "delete" => commands::delete::run(simulation, &flags, stdin, files),
        "create" => commands::create::run(simulation, &flags, stdin, files),
        "run" => commands::run::run(simulation, &flags),
        "expose" => commands::expose::run(simulation, &flags, stdin, files),
        "rollout" => commands::rollout::run(simulation, &flags, stdin, files),
        "cordon" => commands::cordon::run(simulation, &flags, stdin, files, true),
        "uncordon" => commands::cordon::run(simulation, &flags, stdin, files, false),
        "drain" => commands::drain::run(simulation, &flags),
        "taint" => commands::taint::run(simulation, &flags),
        "wait" => commands::wait::run(simulation, &flags, stdin, files),
        "scale" => commands::scale::run(simulation, &flags, stdin, files),
        "label" => commands::label::run(
            simulation,
            &flags,
            stdin,
            files,
            commands::label::Target::Labels,
        ),
        "annotate" => commands::label::run(
            simulation,
            &flags,
            stdin,
            files,
            commands::label::Target::Annotations,
        ),
        "patch" => commands::patch::run(simulation, &flags, stdin, files),
        "set" if flags.positional.first().map(String::as_str) == Some("image") => {
            let mut image_flags = flags.clone();
            image_flags.positional.remove(0);
            commands::set_image::run(simulation, &image_flags, stdin, files)
        }
        "get" => commands::get::run(simulation, &flags),
        "describe" => commands::describe::run(simulation, &flags),
        "logs" => commands::logs::run(simulation, &flags),
        "exec" => commands::exec::run(simulation, &flags, stdin),
        "version" => commands::version::run(&flags),
        "explain" => commands::explain::run(&flags),
        "events" => commands::events::run(simulation, &flags),
        "cluster-info" => commands::cluster_info::run(simulation, &flags),
        known if KNOWN_COMMANDS.contains(&known) => CommandOutput::error(format!(
            "error: kubesim does not support \"kubectl {known}\" yet"
        )),
        unknown => CommandOutput::error(unknown_command(unknown)),
    }
}

/// cobra's `unknown command "gett" for "kubectl"` with its suggestions
/// (`Command.SuggestionsFor`: Levenshtein distance ≤ 2, ignoring case, or a prefix),
/// in the order kubectl adds its commands. kubectl silences cobra's own printing,
/// so no `Run 'kubectl --help' for usage.` follows; `CheckErr` adds `error: `.
/// E.g. `gett` is 1 from `get` and 2 from `set`, and `set` was added first.
fn unknown_command(typed: &str) -> String {
    let suggestions: Vec<&str> = KNOWN_COMMANDS_IN_ORDER
        .iter()
        .copied()
        .filter(|name| {
            levenshtein_ignoring_case(typed, name) <= 2
                || name.to_lowercase().starts_with(&typed.to_lowercase())
        })
        .collect();
    let mut message = format!("error: unknown command \"{typed}\" for \"kubectl\"");
    if !suggestions.is_empty() {
        message.push_str("\n\nDid you mean this?\n");
        for suggestion in suggestions {
            message.push_str(&format!("\t{suggestion}\n"));
        }
    }
    message
}

/// cobra's `ld(s, t, ignoreCase)`: the Levenshtein distance over bytes.
fn levenshtein_ignoring_case(a: &str, b: &str) -> usize {
    let a = a.to_lowercase().into_bytes();
    let b = b.to_lowercase().into_bytes();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            current[j + 1] = (previous[j] + cost)
                .min(previous[j + 1] + 1)
                .min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

/// kubectl's available commands in the order `NewKubectlCommand` adds them
/// (`staging/src/k8s.io/kubectl/pkg/cmd/cmd.go`: the command groups, then alpha
/// (hidden without subcommands), config, plugin, version, api-versions,
/// api-resources, options; cobra adds help last). Suggestions follow this order.
const KNOWN_COMMANDS_IN_ORDER: &[&str] = &[
    "create",
    "expose",
    "run",
    "set",
    "explain",
    "get",
    "edit",
    "delete",
    "rollout",
    "scale",
    "autoscale",
    "certificate",
    "cluster-info",
    "top",
    "cordon",
    "uncordon",
    "drain",
    "taint",
    "describe",
    "logs",
    "attach",
    "exec",
    "port-forward",
    "proxy",
    "cp",
    "auth",
    "debug",
    "events",
    "diff",
    "apply",
    "patch",
    "replace",
    "wait",
    "kustomize",
    "label",
    "annotate",
    "completion",
    "config",
    "plugin",
    "version",
    "api-versions",
    "api-resources",
    "options",
    "help",
];

/// Rewrites `-X value` (and `-Xvalue`) into `--long=value` before `--`, for a
/// command whose short flag takes a value where another command's is a switch.
fn expand_short_flag(words: &[String], short: &str, long: &str) -> Vec<String> {
    let mut out = Vec::with_capacity(words.len());
    let mut index = 0;
    let dash = format!("-{short}");
    while index < words.len() {
        let word = &words[index];
        if word == "--" {
            out.extend(words[index..].iter().cloned());
            break;
        }
        if word == &dash {
            match words.get(index + 1) {
                Some(value) => {
                    out.push(format!("--{long}={value}"));
                    index += 2;
                    continue;
                }
                None => out.push(word.clone()),
            }
        } else if let Some(value) = word.strip_prefix(&dash).filter(|rest| !rest.is_empty()) {
            out.push(format!(
                "--{long}={}",
                value.strip_prefix('=').unwrap_or(value)
            ));
        } else {
            out.push(word.clone());
        }
        index += 1;
    }
    out
}

/// kubectl's commands, so that a real command kubesim lacks is not called unknown.
const KNOWN_COMMANDS: &[&str] = &[
    "annotate",
    "api-versions",
    "apply",
    "attach",
    "auth",
    "autoscale",
    "certificate",
    "cluster-info",
    "completion",
    "config",
    "cordon",
    "cp",
    "create",
    "debug",
    "delete",
    "describe",
    "diff",
    "drain",
    "edit",
    "events",
    "exec",
    "explain",
    "expose",
    "get",
    "kustomize",
    "label",
    "logs",
    "patch",
    "plugin",
    "port-forward",
    "proxy",
    "replace",
    "rollout",
    "run",
    "scale",
    "set",
    "taint",
    "top",
    "uncordon",
    "version",
    "wait",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SimulationConfig;

    fn words(line: &str) -> Vec<String> {
        shell_words::split(line).unwrap()
    }

    #[test]
    fn flags_parse_like_cobra() {
        let flags = Flags::parse(&words(
            "pods -n kube-system -o=wide --show-labels web -l app=x,tier!=db --all",
        ));
        assert_eq!(flags.value("n"), Some("kube-system"));
        assert_eq!(flags.value("o"), Some("wide"));
        assert!(flags.has("show-labels"));
        assert!(flags.has("all"));
        assert_eq!(flags.value("l"), Some("app=x,tier!=db"));
        assert_eq!(flags.positional, ["pods", "web"]);
        // pflag shorthand groups: switches combine, a value may follow the letter.
        let short = Flags::parse(&words("tmp -it -nkube-system -ojson -l=app=web -- sh"));
        assert!(short.has("i") && short.has("t"));
        assert_eq!(short.value("n"), Some("kube-system"));
        assert_eq!(short.value("o"), Some("json"));
        assert_eq!(short.value("l"), Some("app=web"));
        assert_eq!(short.positional, ["tmp", "--", "sh"]);
        let dashes = Flags::parse(&words("web -- curl http://svc"));
        assert_eq!(dashes.positional, ["web", "--", "curl", "http://svc"]);
    }

    #[test]
    fn api_resources_lists_served_kinds() {
        let mut simulation = Simulation::new(SimulationConfig::default());
        let output = run(&mut simulation, "kubectl api-resources", "");
        assert_eq!(output.exit_code, 0);
        let lines: Vec<&str> = output.stdout.lines().collect();
        assert!(lines[0].starts_with("NAME "));
        assert!(lines[0].ends_with("   KIND"));
        let deployments = lines
            .iter()
            .find(|line| line.starts_with("deployments "))
            .unwrap();
        assert!(
            deployments.contains("deploy")
                && deployments.contains("apps/v1")
                && deployments.contains("true")
        );
        assert!(
            output.stderr.contains("kubesim simulates: ") && output.stderr.contains("deployments")
        );
        assert!(
            output.stderr.contains("stores but does not act on: ")
                && output.stderr.contains("configmaps")
        );
        let cluster = run(
            &mut simulation,
            "kubectl api-resources --namespaced=false -o name",
            "",
        );
        assert!(cluster.stdout.lines().any(|line| line == "nodes"));
        assert!(!cluster.stdout.lines().any(|line| line == "pods"));
        let unknown = run(&mut simulation, "kubectl frobnicate", "");
        assert_eq!(
            unknown.stderr,
            "error: unknown command \"frobnicate\" for \"kubectl\"\n"
        );
        assert_eq!(unknown.exit_code, 1);
    }

    #[test]
    fn global_flags_may_come_before_the_command() {
        let mut simulation = Simulation::new(SimulationConfig::default());
        let before = run(&mut simulation, "kubectl -n kube-system get pods", "");
        let after = run(&mut simulation, "kubectl get pods -n kube-system", "");
        assert_eq!(before, after);
        for line in [
            "kubectl --namespace kube-system get ns kube-system -o name",
            "kubectl --namespace=default get ns kube-system -o name",
            "kubectl -nkube-system get ns kube-system -o name",
            "kubectl -v 6 --context kind-kind get ns kube-system -o name",
        ] {
            let output = run(&mut simulation, line, "");
            assert_eq!(output.stdout, "namespace/kube-system\n", "{line}");
        }
        let created = run(
            &mut simulation,
            "kubectl -n kube-system create deployment web --image=nginx",
            "",
        );
        assert_eq!(created.stdout, "deployment.apps/web created\n");
        let listed = run(
            &mut simulation,
            "kubectl get deploy -n kube-system -o name",
            "",
        );
        assert_eq!(listed.stdout, "deployment.apps/web\n");
        let missing = run(&mut simulation, "kubectl -n", "");
        assert_eq!(
            missing.stderr,
            "error: flag needs an argument: 'n' in -n\nSee 'kubectl --help' for usage.\n"
        );
    }

    #[test]
    fn describe_node_shows_the_kubelets_lease() {
        let mut simulation = Simulation::new(SimulationConfig::default());
        simulation
            .advance_by(crate::time::SimDuration::from_secs(25))
            .unwrap();
        let output = run(&mut simulation, "kubectl describe node worker-1", "");
        assert!(
            output.stdout.contains(
                "Lease:\n  HolderIdentity:  worker-1\n  AcquireTime:     <unset>\n  RenewTime:       Wed, 01 Jan 2025 00:00:20 +0000\n"
            ),
            "{}",
            output.stdout
        );
    }
}
