//! Tab completion for the terminal: commands, resource kinds and object names.
//! The names come from the simulation's API server, as kubectl's shell completion
//! asks a real one (`kubectl __complete`).

use kubesim::api_server::ApiServer;
use kubesim::model::registry::{RESOURCE_TYPES, lookup_resource};

/// kubectl commands offered after `kubectl `, the common ones first in spirit but
/// listed alphabetically as `kubectl __complete` does.
const KUBECTL_COMMANDS: &[&str] = &[
    "annotate",
    "api-resources",
    "api-versions",
    "apply",
    "cordon",
    "create",
    "delete",
    "describe",
    "drain",
    "edit",
    "events",
    "exec",
    "expose",
    "get",
    "label",
    "logs",
    "patch",
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

const SIM_COMMANDS: &[&str] = &["advance", "node", "pod", "settle", "time"];
const ROLLOUT_COMMANDS: &[&str] = &["history", "pause", "restart", "resume", "status", "undo"];
const CREATE_KINDS: &[&str] = &["deployment", "job", "namespace", "service"];
/// Commands whose first argument is a resource type (then names of that type).
const TAKES_RESOURCE: &[&str] = &[
    "annotate", "delete", "describe", "edit", "get", "label", "patch", "scale", "wait",
];

/// Flags whose value is the next word (`-n kube-system`), so it is not an argument.
const FLAGS_WITH_VALUES: &[&str] = &[
    "-n",
    "--namespace",
    "-l",
    "--selector",
    "-o",
    "--output",
    "-c",
    "--container",
    "-f",
    "--filename",
    "--field-selector",
    "--context",
];

/// What completing a line produced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Completion {
    /// The line with the longest unambiguous completion applied.
    pub line: String,
    /// Every candidate when there is more than one (to show the user).
    pub candidates: Vec<String>,
}

/// Completes the last word of `line`.
pub fn complete(line: &str, api: &ApiServer) -> Completion {
    let ends_with_space = line.is_empty() || line.ends_with(char::is_whitespace);
    let mut words: Vec<&str> = line.split_whitespace().collect();
    let partial = if ends_with_space {
        ""
    } else {
        words.pop().unwrap_or("")
    };
    let candidates = candidates_for(&words, partial, api);
    let mut matching: Vec<String> = candidates
        .into_iter()
        .filter(|candidate| candidate.starts_with(partial))
        .collect();
    matching.sort();
    matching.dedup();
    let head = &line[..line.len() - partial.len()];
    match matching.as_slice() {
        [] => Completion {
            line: line.to_string(),
            candidates: Vec::new(),
        },
        [only] => Completion {
            line: format!("{head}{only} "),
            candidates: Vec::new(),
        },
        several => Completion {
            line: format!("{head}{}", common_prefix(several)),
            candidates: several.to_vec(),
        },
    }
}

fn candidates_for(words: &[&str], partial: &str, api: &ApiServer) -> Vec<String> {
    let owned = |items: &[&str]| items.iter().map(|item| item.to_string()).collect();
    let mut positional: Vec<&str> = Vec::new();
    let mut skip_value = false;
    for word in words {
        if skip_value {
            skip_value = false;
        } else if word.starts_with('-') {
            skip_value = FLAGS_WITH_VALUES.contains(word);
        } else {
            positional.push(word);
        }
    }
    let namespace = flag_value(words, &["-n", "--namespace"]).unwrap_or("default");
    match positional.as_slice() {
        [] => owned(&["kubectl", "sim"]),
        ["sim"] => owned(SIM_COMMANDS),
        ["sim", "node"] => owned(&["add", "fail", "recover"]),
        ["sim", "node", "fail" | "recover"] => names("nodes", namespace, api),
        ["sim", "pod"] => owned(&["crash"]),
        ["sim", "pod", "crash"] => names("pods", namespace, api),
        ["kubectl"] => owned(KUBECTL_COMMANDS),
        ["kubectl", "rollout"] => owned(ROLLOUT_COMMANDS),
        ["kubectl", "rollout", _] => {
            typed_names(&["deployments", "daemonsets"], partial, namespace, api)
        }
        ["kubectl", "create"] => owned(CREATE_KINDS),
        ["kubectl", "logs" | "exec"] => names("pods", namespace, api),
        ["kubectl", "cordon" | "uncordon" | "drain" | "taint"] => names("nodes", namespace, api),
        ["kubectl", command] if TAKES_RESOURCE.contains(command) => {
            if let Some((resource, _)) = partial.split_once('/') {
                return names(resource, namespace, api)
                    .into_iter()
                    .map(|name| format!("{resource}/{name}"))
                    .collect();
            }
            resource_names()
        }
        ["kubectl", command, resource, ..] if TAKES_RESOURCE.contains(command) => {
            names(resource, namespace, api)
        }
        _ => Vec::new(),
    }
}

/// `TYPE/NAME` completions for commands like `rollout undo deployment/web`.
fn typed_names(resources: &[&str], partial: &str, namespace: &str, api: &ApiServer) -> Vec<String> {
    match partial.split_once('/') {
        Some((resource, _)) => names(resource, namespace, api)
            .into_iter()
            .map(|name| format!("{resource}/{name}"))
            .collect(),
        None => resources
            .iter()
            .flat_map(|resource| {
                let singular = resource.trim_end_matches('s');
                names(resource, namespace, api)
                    .into_iter()
                    .map(move |name| format!("{singular}/{name}"))
            })
            .collect(),
    }
}

/// Every name a resource type is known by: plural, singular and short names.
fn resource_names() -> Vec<String> {
    let mut names = Vec::new();
    for resource_type in RESOURCE_TYPES {
        names.push(resource_type.plural.to_string());
        names.push(resource_type.singular());
        names.extend(
            resource_type
                .short_names
                .iter()
                .map(|short| short.to_string()),
        );
    }
    names.push("all".to_string());
    names
}

/// Names of the objects of a resource (`pods`, `pod`, `po`) in a namespace.
fn names(resource: &str, namespace: &str, api: &ApiServer) -> Vec<String> {
    let resource = resource.to_ascii_lowercase();
    let resource_type = lookup_resource(&resource).or_else(|| {
        RESOURCE_TYPES
            .iter()
            .find(|resource_type| resource_type.kind.eq_ignore_ascii_case(&resource))
    });
    let Some(resource_type) = resource_type else {
        return Vec::new();
    };
    api.list(resource_type, Some(namespace))
        .map(|object| object.name().to_string())
        .collect()
}

fn flag_value<'a>(words: &[&'a str], names: &[&str]) -> Option<&'a str> {
    words.iter().enumerate().find_map(|(index, word)| {
        names.iter().find_map(|name| {
            if *word == *name {
                words.get(index + 1).copied()
            } else {
                word.strip_prefix(&format!("{name}="))
            }
        })
    })
}

fn common_prefix(words: &[String]) -> String {
    let Some(first) = words.first() else {
        return String::new();
    };
    let mut length = first.len();
    for word in &words[1..] {
        length = first
            .char_indices()
            .zip(word.chars())
            .take_while(|((_, a), b)| a == b)
            .last()
            .map(|((index, a), _)| index + a.len_utf8())
            .unwrap_or(0)
            .min(length);
    }
    first[..length].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubesim::{Simulation, SimulationConfig};

    fn api() -> Simulation {
        Simulation::new(SimulationConfig::default())
    }

    #[test]
    fn completes_programs_and_commands() {
        let simulation = api();
        assert_eq!(complete("kub", simulation.api()).line, "kubectl ");
        assert_eq!(
            complete("kubectl app", simulation.api()).line,
            "kubectl apply "
        );
        let ambiguous = complete("kubectl de", simulation.api());
        assert_eq!(ambiguous.line, "kubectl de");
        assert_eq!(ambiguous.candidates, ["delete", "describe"]);
        assert_eq!(
            complete("kubectl rollout un", simulation.api()).line,
            "kubectl rollout undo "
        );
        assert_eq!(complete("sim adv", simulation.api()).line, "sim advance ");
        assert_eq!(
            complete("sim node f", simulation.api()).line,
            "sim node fail "
        );
        assert_eq!(
            complete("sim node fail worker-3", simulation.api()).line,
            "sim node fail worker-3 "
        );
    }

    #[test]
    fn completes_kinds_then_names_from_the_cluster() {
        let simulation = api();
        assert_eq!(
            complete("kubectl get deploy", simulation.api()).candidates,
            ["deploy", "deployment", "deployments"]
        );
        assert_eq!(
            complete("kubectl get nodes work", simulation.api()).candidates,
            ["worker-1", "worker-2", "worker-3"]
        );
        assert_eq!(
            complete("kubectl get no/c", simulation.api()).line,
            "kubectl get no/control-plane "
        );
        assert_eq!(
            complete("kubectl cordon worker-2", simulation.api()).line,
            "kubectl cordon worker-2 "
        );
        assert_eq!(
            complete(
                "kubectl get -n kube-system namespaces kube-p",
                simulation.api()
            )
            .line,
            "kubectl get -n kube-system namespaces kube-public "
        );
    }

    #[test]
    fn nothing_to_offer_leaves_the_line_alone() {
        let simulation = api();
        let completion = complete("kubectl get pods zz", simulation.api());
        assert_eq!(
            completion,
            Completion {
                line: "kubectl get pods zz".into(),
                candidates: vec![]
            }
        );
    }

    #[test]
    fn common_prefix_is_char_safe() {
        assert_eq!(
            common_prefix(&["worker-1".into(), "worker-2".into()]),
            "worker-"
        );
        assert_eq!(common_prefix(&["é1".into(), "é2".into()]), "é");
    }
}
