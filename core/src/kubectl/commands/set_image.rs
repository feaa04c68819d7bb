//! `kubectl set image TYPE/NAME CONTAINER=IMAGE...` (`*=IMAGE` for every
//! container). Upstream: `staging/src/k8s.io/kubectl/pkg/cmd/set/set_image.go`:
//! a missing container is `error: unable to find container named "x"`, and an
//! object whose images already match prints nothing (its patch is `{}`).

use serde_json::Value;

use crate::kubectl::files::FileSource;
use crate::kubectl::outcome::{
    DryRun, KubectlError, check_flags, finish, operation_line, output_format, parse_pairs,
    split_resources_and_pairs, write_value,
};
use crate::kubectl::targets::{Selection, select};
use crate::kubectl::{CommandOutput, Flags};
use crate::simulation::Simulation;

const FLAGS: &[&str] = &[
    "l",
    "selector",
    "all",
    "A",
    "all-namespaces",
    "f",
    "filename",
    "R",
    "recursive",
    "o",
    "output",
    "dry-run",
    "local",
    "record",
    "field-manager",
];

/// Where a kind keeps its pod spec (`polymorphichelpers.updatePodSpecForObject`).
pub fn pod_spec_pointer(kind: &str) -> Option<&'static str> {
    match kind {
        "Pod" => Some("/spec"),
        "Deployment"
        | "ReplicaSet"
        | "DaemonSet"
        | "StatefulSet"
        | "Job"
        | "ReplicationController" => Some("/spec/template/spec"),
        "CronJob" => Some("/spec/jobTemplate/spec/template/spec"),
        _ => None,
    }
}

/// Go's `%T` of the typed object, as upstream's error names it.
fn go_type(kind: &str, group: &str) -> String {
    let package = match group {
        "" => "v1",
        "networking.k8s.io" => "v1",
        "rbac.authorization.k8s.io" => "v1",
        "autoscaling" => "v2",
        _ => "v1",
    };
    format!("*{package}.{kind}")
}

pub fn run(
    simulation: &mut Simulation,
    flags: &Flags,
    stdin: &str,
    files: &dyn FileSource,
) -> CommandOutput {
    if let Err(output) = check_flags(flags, "set image", FLAGS) {
        return output;
    }
    let (resources, pairs) = match split_resources_and_pairs(&flags.positional, "image") {
        Ok(split) => split,
        Err(message) => return CommandOutput::error(message),
    };
    let (images, _) = match parse_pairs(&pairs, "image", false) {
        Ok(parsed) => parsed,
        Err(message) => return CommandOutput::error(message),
    };
    let mut problems = Vec::new();
    if flags.has("all") && flags.value("l").or(flags.value("selector")).is_some() {
        problems.push("cannot set --all and --selector at the same time");
    }
    if resources.is_empty() && crate::kubectl::commands::apply::filenames(flags).is_empty() {
        problems.push(
            "one or more resources must be specified as <resource> <name> or <resource>/<name>",
        );
    }
    if images.is_empty() {
        problems.push("at least one image update is required");
    } else if images.len() > 1 && images.iter().any(|(name, _)| name == "*") {
        problems.push("all containers are already specified by *, but saw more than one container_name=container_image pairs");
    }
    match problems.as_slice() {
        [] => {}
        [single] => return CommandOutput::error(format!("error: {single}")),
        many => {
            return CommandOutput::error(format!("error: [{}]", many.join(", ")));
        }
    }
    let dry_run = match DryRun::from_flags(flags) {
        Ok(dry_run) => dry_run,
        Err(output) => return output,
    };
    let output = output_format(flags);
    let targets = match select(
        simulation.api(),
        flags,
        &resources,
        stdin,
        files,
        Selection {
            command: "set image",
            names_required: true,
        },
    ) {
        Ok(targets) => targets,
        Err(output) => return output,
    };
    let mut errors = targets.errors;
    let mut scratch = (dry_run == DryRun::Server).then(|| simulation.api().clone());
    let mut stdout = String::new();
    for object in &targets.objects {
        let resource_type = object.resource_type();
        let Some(pointer) = pod_spec_pointer(resource_type.kind) else {
            errors.push(KubectlError::Raw(format!(
                "error: {}/{} the object is not a pod or does not have a pod template: {}\n",
                resource_type.group_resource(),
                object.name(),
                go_type(resource_type.kind, resource_type.group)
            )));
            continue;
        };
        let before = object.to_value();
        let mut after = before.clone();
        if let Some(spec) = after.pointer_mut(pointer) {
            for (name, image) in &images {
                let mut found = false;
                for list in ["initContainers", "containers"] {
                    if let Some(Value::Array(containers)) = spec.get_mut(list) {
                        for container in containers {
                            if name == "*"
                                || container.get("name").and_then(Value::as_str) == Some(name)
                            {
                                container["image"] = Value::String(image.clone());
                                found = true;
                            }
                        }
                    }
                }
                if !found {
                    errors.push(KubectlError::Raw(format!(
                        "error: unable to find container named {name:?}"
                    )));
                }
            }
        }
        if before == after {
            continue;
        }
        if dry_run != DryRun::Client {
            let api = match scratch.as_mut() {
                Some(scratch) => scratch,
                None => simulation.api_mut(),
            };
            if let Err(error) = write_value(api, after) {
                errors.push(KubectlError::Plain(format!(
                    "failed to patch image update to pod template: {error}"
                )));
                continue;
            }
        }
        stdout.push_str(&operation_line(
            resource_type,
            object.name(),
            "image updated",
            dry_run,
            output,
        ));
    }
    finish(stdout, String::new(), &errors)
}
