//! `kubectl taint nodes NAME key=value:Effect | key:Effect | key:Effect- | key-`.
//! Upstream: `staging/src/k8s.io/kubectl/pkg/cmd/taint/taint.go` and `utils.go`
//! (`ParseTaints`, `reorganizeTaints`): new taints come first, then the existing
//! ones they do not replace (same key and effect); `tainted` when one was added,
//! `untainted` when only removed, `modified` with `--overwrite` or both.

use serde_json::{Value, json};

use crate::kubectl::outcome::{
    DryRun, KubectlError, check_flags, finish, operation_line, write_value,
};
use crate::kubectl::targets::{Selection, select};
use crate::kubectl::{CommandOutput, Flags};
use crate::model::validation::{is_qualified_name, is_valid_label_value};
use crate::simulation::Simulation;

const FLAGS: &[&str] = &[
    "overwrite",
    "all",
    "l",
    "selector",
    "o",
    "output",
    "dry-run",
    "validate",
    "field-manager",
];

#[derive(Clone, Debug, PartialEq, Eq)]
struct TaintSpec {
    key: String,
    value: String,
    effect: String,
}

fn parse_taint(spec: &str) -> Result<TaintSpec, String> {
    let parts: Vec<&str> = spec.split(':').collect();
    let (key, value, effect) = match parts.as_slice() {
        [key] => (key.to_string(), String::new(), String::new()),
        [key_value, effect] => {
            if !matches!(*effect, "NoSchedule" | "PreferNoSchedule" | "NoExecute") {
                return Err(format!(
                    "invalid taint effect: {effect}, unsupported taint effect"
                ));
            }
            let key_value: Vec<&str> = key_value.split('=').collect();
            let (key, value) = match key_value.as_slice() {
                [key] => (key.to_string(), String::new()),
                [key, value] => {
                    let errors = is_valid_label_value(value);
                    if !errors.is_empty() {
                        return Err(format!("invalid taint spec: {spec}, {}", errors.join("; ")));
                    }
                    (key.to_string(), value.to_string())
                }
                _ => return Err(format!("invalid taint spec: {spec}")),
            };
            (key, value, effect.to_string())
        }
        _ => return Err(format!("invalid taint spec: {spec}")),
    };
    let errors = is_qualified_name(&key);
    if !errors.is_empty() {
        return Err(format!("invalid taint spec: {spec}, {}", errors.join("; ")));
    }
    Ok(TaintSpec { key, value, effect })
}

fn taint_string(key: &str, value: &str, effect: &str) -> String {
    let mut text = key.to_string();
    if !value.is_empty() {
        text.push('=');
        text.push_str(value);
    }
    if !effect.is_empty() {
        text.push(':');
        text.push_str(effect);
    }
    text
}

pub fn run(simulation: &mut Simulation, flags: &Flags) -> CommandOutput {
    if let Err(output) = check_flags(flags, "taint", FLAGS) {
        return output;
    }
    let mut resources = Vec::new();
    let mut specs = Vec::new();
    for argument in &flags.positional {
        let is_taint = argument.contains('=') || argument.contains(':') || argument.ends_with('-');
        match (specs.is_empty(), is_taint) {
            (_, true) => specs.push(argument.clone()),
            (true, false) => resources.push(argument.clone()),
            (false, false) => {
                return CommandOutput::error(format!(
                    "error: all resources must be specified before taint changes: {argument}"
                ));
            }
        }
    }
    if resources.is_empty() {
        return CommandOutput::error(
            "error: one or more resources must be specified as <resource> <name>\nSee 'kubectl taint -h' for help and examples",
        );
    }
    let mut to_add: Vec<TaintSpec> = Vec::new();
    let mut to_remove: Vec<TaintSpec> = Vec::new();
    for spec in &specs {
        if let Some(removal) = spec.strip_suffix('-') {
            match parse_taint(removal) {
                Ok(taint) => to_remove.push(taint),
                Err(message) => return CommandOutput::error(format!("error: {message}")),
            }
        } else {
            let taint = match parse_taint(spec) {
                Ok(taint) => taint,
                Err(message) => return CommandOutput::error(format!("error: {message}")),
            };
            if taint.effect.is_empty() {
                return CommandOutput::error(format!("error: invalid taint spec: {spec}"));
            }
            if to_add
                .iter()
                .any(|t| t.key == taint.key && t.effect == taint.effect)
            {
                return CommandOutput::error(format!(
                    "error: duplicated taints with the same key and effect: {{{} {} {} <nil>}}",
                    taint.key, taint.value, taint.effect
                ));
            }
            to_add.push(taint);
        }
    }
    if to_add.is_empty() && to_remove.is_empty() {
        return CommandOutput::error(
            "error: at least one taint update is required\nSee 'kubectl taint -h' for help and examples",
        );
    }
    if !matches!(resources[0].as_str(), "node" | "nodes" | "no")
        && !resources[0].starts_with("node/")
        && !resources[0].starts_with("nodes/")
        && !resources[0].starts_with("no/")
    {
        let kind = resources[0].split('/').next().unwrap_or("");
        return CommandOutput::error(format!(
            "error: invalid resource type {kind}, only node types are supported"
        ));
    }
    let dry_run = match DryRun::from_flags(flags) {
        Ok(dry_run) => dry_run,
        Err(output) => return output,
    };
    let output = crate::kubectl::outcome::output_format(flags);
    let overwrite = flags.has("overwrite");
    let targets = match select(
        simulation.api(),
        flags,
        &resources,
        "",
        &crate::kubectl::files::NoFiles,
        Selection {
            command: "taint",
            names_required: true,
        },
    ) {
        Ok(targets) => targets,
        Err(output) => return output,
    };
    let mut errors = targets.errors;
    let mut stdout = String::new();
    for node in &targets.objects {
        let mut value = node.to_value();
        let old: Vec<Value> = value
            .pointer("/spec/taints")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let field = |taint: &Value, name: &str| {
            taint
                .get(name)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        if !overwrite {
            let existing: Vec<String> = to_add
                .iter()
                .filter(|new| {
                    old.iter().any(|taint| {
                        field(taint, "key") == new.key && field(taint, "effect") == new.effect
                    })
                })
                .map(|new| new.key.clone())
                .collect();
            if !existing.is_empty() {
                errors.push(KubectlError::Plain(format!(
                    "node {} already has {} taint(s) with same effect(s) and --overwrite is false",
                    node.name(),
                    existing.join(",")
                )));
                continue;
            }
        }
        let mut new: Vec<Value> = to_add
            .iter()
            .map(|taint| {
                let mut entry = json!({"effect": taint.effect, "key": taint.key});
                if !taint.value.is_empty() {
                    entry["value"] = json!(taint.value);
                }
                entry
            })
            .collect();
        for taint in &old {
            if !new.iter().any(|added| {
                field(added, "key") == field(taint, "key")
                    && field(added, "effect") == field(taint, "effect")
            }) {
                new.push(taint.clone());
            }
        }
        let added = old.len() != new.len();
        let mut removal_errors = Vec::new();
        let mut deleted = false;
        for removal in &to_remove {
            let before = new.len();
            new.retain(|taint| {
                !(field(taint, "key") == removal.key
                    && (removal.effect.is_empty() || field(taint, "effect") == removal.effect))
            });
            deleted = new.len() != before;
            if !deleted {
                removal_errors.push(format!(
                    "taint {:?} not found",
                    taint_string(&removal.key, "", &removal.effect)
                ));
            }
        }
        if !removal_errors.is_empty() {
            errors.extend(removal_errors.into_iter().map(KubectlError::Plain));
            continue;
        }
        let operation = if (added && deleted) || overwrite {
            "modified"
        } else if added {
            "tainted"
        } else {
            "untainted"
        };
        if !value["spec"].is_object() {
            value["spec"] = json!({});
        }
        if new.is_empty() {
            if let Some(spec) = value["spec"].as_object_mut() {
                spec.remove("taints");
            }
        } else {
            value["spec"]["taints"] = Value::Array(new);
        }
        let write = match dry_run {
            DryRun::Client => Ok(()),
            DryRun::Server => write_value(&mut simulation.api().clone(), value).map(|_| ()),
            DryRun::None => write_value(simulation.api_mut(), value).map(|_| ()),
        };
        if let Err(error) = write {
            errors.push(KubectlError::api(error));
            continue;
        }
        stdout.push_str(&operation_line(
            node.resource_type(),
            node.name(),
            operation,
            dry_run,
            output,
        ));
    }
    finish(stdout, String::new(), &errors)
}
