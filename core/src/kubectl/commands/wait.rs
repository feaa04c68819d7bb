//! `kubectl wait --for=condition=C[=V] | --for=delete | --for=jsonpath={...}[=V]`
//! on `TYPE/NAME`, `-l` or `--all`, advancing the virtual clock until the
//! condition holds or `--timeout` (30 s by default) passes.
//! Upstream: `staging/src/k8s.io/kubectl/pkg/cmd/wait/wait.go`.

use serde_json::Value;

use crate::kubectl::files::FileSource;
use crate::kubectl::outcome::{KubectlError, check_flags, finish, operation_line, output_format};
use crate::kubectl::printers::jsonpath::JsonPath;
use crate::kubectl::targets::{Selection, select};
use crate::kubectl::waiting::{WaitEnd, parse_timeout, wait_for};
use crate::kubectl::{CommandOutput, Flags};
use crate::model::Object;
use crate::simulation::Simulation;
use crate::time::SimDuration;

const FLAGS: &[&str] = &[
    "for",
    "timeout",
    "l",
    "selector",
    "field-selector",
    "all",
    "A",
    "all-namespaces",
    "f",
    "filename",
    "R",
    "recursive",
    "o",
    "output",
    "local",
];

enum Condition {
    Delete,
    /// A `status.conditions` entry and the status it must have (case-insensitive).
    Status {
        name: String,
        value: String,
    },
    /// A JSONPath and the value it must print (or, without one, any value).
    JsonPath {
        path: JsonPath,
        value: Option<String>,
    },
}

fn parse_for(text: &str) -> Result<Condition, String> {
    if text.eq_ignore_ascii_case("delete") {
        return Ok(Condition::Delete);
    }
    if let Some(rest) = text.strip_prefix("condition=") {
        let (name, value) = match rest.split_once('=') {
            Some((name, value)) => (name, value),
            None => (rest, "true"),
        };
        return Ok(Condition::Status {
            name: name.to_string(),
            value: value.to_string(),
        });
    }
    if let Some(rest) = text.strip_prefix("jsonpath=") {
        // `{.status.phase}=Running`: the value follows the closing brace.
        let (expression, value) = match rest.rfind('}') {
            Some(end) => {
                let (expression, tail) = rest.split_at(end + 1);
                (expression, tail.strip_prefix('=').map(str::to_string))
            }
            None => (rest, None),
        };
        let template = if expression.starts_with('{') {
            expression.to_string()
        } else {
            format!("{{{expression}}}")
        };
        let path = JsonPath::parse(&template)
            .map_err(|error| format!("unrecognized condition: {text:?}: {}", error.0))?;
        return Ok(Condition::JsonPath { path, value });
    }
    Err(format!("unrecognized condition: {text:?}"))
}

/// Whether `object` meets the condition (`IsConditionMet`, `JSONPathWait`).
fn met(condition: &Condition, object: &Object) -> bool {
    let value = object.to_value();
    match condition {
        Condition::Delete => false,
        Condition::Status {
            name,
            value: wanted,
        } => {
            let generation = value
                .pointer("/metadata/generation")
                .and_then(Value::as_i64);
            value
                .pointer("/status/conditions")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .any(|entry| {
                    let type_matches = entry
                        .get("type")
                        .and_then(Value::as_str)
                        .is_some_and(|t| t.eq_ignore_ascii_case(name));
                    let status_matches = entry
                        .get("status")
                        .and_then(Value::as_str)
                        .is_some_and(|s| s.eq_ignore_ascii_case(wanted));
                    // A condition observed for an older generation does not count yet.
                    let current = match (
                        entry.get("observedGeneration").and_then(Value::as_i64),
                        generation,
                    ) {
                        (Some(observed), Some(generation)) => observed >= generation,
                        _ => true,
                    };
                    type_matches && status_matches && current
                })
        }
        Condition::JsonPath {
            path,
            value: wanted,
            ..
        } => match path.find_results(&value) {
            Ok(results) => {
                let found: Vec<&Value> = results.iter().flatten().collect();
                match wanted {
                    None => !found.is_empty(),
                    Some(wanted) => {
                        found.len() == 1
                            && match found[0] {
                                Value::String(text) => text == wanted,
                                Value::Object(_) | Value::Array(_) => false,
                                other => &other.to_string() == wanted,
                            }
                    }
                }
            }
            Err(_) => false,
        },
    }
}

pub fn run(
    simulation: &mut Simulation,
    flags: &Flags,
    stdin: &str,
    files: &dyn FileSource,
) -> CommandOutput {
    if let Err(output) = check_flags(flags, "wait", FLAGS) {
        return output;
    }
    let Some(for_text) = flags.value("for") else {
        return CommandOutput::error("error: --for must be specified");
    };
    let condition = match parse_for(for_text) {
        Ok(condition) => condition,
        Err(message) => return CommandOutput::error(format!("error: {message}")),
    };
    let timeout = match flags.value("timeout") {
        None => SimDuration::from_secs(30),
        Some(text) => match parse_timeout("timeout", text) {
            Ok(duration) if duration < SimDuration::ZERO => crate::kubectl::waiting::DEFAULT_BUDGET,
            Ok(duration) => duration,
            Err(message) => return CommandOutput::error(message),
        },
    };
    let output = output_format(flags);
    let targets = match select(
        simulation.api(),
        flags,
        &flags.positional,
        stdin,
        files,
        Selection {
            command: "wait",
            names_required: true,
        },
    ) {
        Ok(targets) => targets,
        Err(output) => return output,
    };
    let mut errors: Vec<KubectlError> = Vec::new();
    for error in targets.errors {
        // Waiting for a deletion that already happened is done at once.
        let not_found = matches!(&error, KubectlError::Api { error, .. } if error.is_not_found());
        if !(not_found && matches!(condition, Condition::Delete)) {
            errors.push(error);
        }
    }
    if targets.objects.is_empty() && errors.is_empty() && !matches!(condition, Condition::Delete) {
        return CommandOutput::error("error: no matching resources found");
    }
    let mut stdout = String::new();
    for object in &targets.objects {
        let resource_type = object.resource_type();
        let (namespace, name, uid) = (
            object.namespace().to_string(),
            object.name().to_string(),
            object.metadata().uid().to_string(),
        );
        let ended = wait_for(simulation, timeout, |simulation| {
            let current = simulation.api().get_ref(resource_type, &namespace, &name);
            match &condition {
                Condition::Delete => current
                    .is_none_or(|current| current.metadata().uid() != uid)
                    .then_some(()),
                other => current.filter(|current| met(other, current)).map(|_| ()),
            }
        });
        match ended {
            WaitEnd::Done(()) => stdout.push_str(&operation_line(
                resource_type,
                &name,
                "condition met",
                crate::kubectl::outcome::DryRun::None,
                output,
            )),
            WaitEnd::TimedOut => errors.push(KubectlError::Plain(format!(
                "timed out waiting for the condition on {}/{name}",
                resource_type.plural
            ))),
            WaitEnd::Stuck(message) => errors.push(KubectlError::Plain(message)),
        }
    }
    finish(stdout, String::new(), &errors)
}
