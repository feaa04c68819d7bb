//! `kubectl scale TYPE NAME --replicas=N [--current-replicas=M]`.
//! Upstream: `staging/src/k8s.io/kubectl/pkg/cmd/scale/scale.go` and
//! `pkg/scale/scale.go` (the precondition check).

use serde_json::Value;

use crate::api_server::ApiError;
use crate::kubectl::files::FileSource;
use crate::kubectl::outcome::{
    DryRun, KubectlError, check_flags, finish, operation_line, output_format, write_value,
};
use crate::kubectl::targets::{Selection, select};
use crate::kubectl::{CommandOutput, Flags};
use crate::simulation::Simulation;

const FLAGS: &[&str] = &[
    "replicas",
    "current-replicas",
    "resource-version",
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
    "timeout",
];

/// Kinds with a `/scale` subresource that kubesim serves.
const SCALABLE: &[&str] = &[
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "ReplicationController",
];

fn parse_int(flags: &Flags, name: &str) -> Result<Option<i64>, CommandOutput> {
    match flags.value(name) {
        None => Ok(None),
        Some(text) => text.parse::<i64>().map(Some).map_err(|_| {
            CommandOutput::error(format!(
                "error: invalid argument \"{text}\" for \"--{name}\" flag: strconv.ParseInt: parsing \"{text}\": invalid syntax"
            ))
        }),
    }
}

pub fn run(
    simulation: &mut Simulation,
    flags: &Flags,
    stdin: &str,
    files: &dyn FileSource,
) -> CommandOutput {
    if let Err(output) = check_flags(flags, "scale", FLAGS) {
        return output;
    }
    let replicas = match parse_int(flags, "replicas") {
        Ok(Some(replicas)) => replicas,
        Ok(None) => return CommandOutput::error("error: required flag(s) \"replicas\" not set"),
        Err(output) => return output,
    };
    if replicas < 0 {
        return CommandOutput::error(
            "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0",
        );
    }
    let current_replicas = match parse_int(flags, "current-replicas") {
        Ok(value) => value.unwrap_or(-1),
        Err(output) => return output,
    };
    let dry_run = match DryRun::from_flags(flags) {
        Ok(dry_run) => dry_run,
        Err(output) => return output,
    };
    let output = output_format(flags);
    let targets = match select(
        simulation.api(),
        flags,
        &flags.positional,
        stdin,
        files,
        Selection {
            command: "scale",
            names_required: true,
        },
    ) {
        Ok(targets) => targets,
        Err(output) => return output,
    };
    let mut errors = targets.errors;
    if targets.objects.is_empty() && errors.is_empty() {
        return CommandOutput::error("error: no objects passed to scale");
    }
    let mut scratch = (dry_run == DryRun::Server).then(|| simulation.api().clone());
    let mut stdout = String::new();
    for object in &targets.objects {
        let resource_type = object.resource_type();
        if !SCALABLE.contains(&resource_type.kind) {
            // A kind without a /scale subresource answers 404 with the generic message.
            errors.push(KubectlError::Raw(
                "Error from server (NotFound): the server could not find the requested resource"
                    .to_string(),
            ));
            continue;
        }
        let mut value = object.to_value();
        let current = value
            .pointer("/spec/replicas")
            .and_then(Value::as_i64)
            .unwrap_or(1);
        if current_replicas >= 0 && current != current_replicas {
            errors.push(KubectlError::Plain(format!(
                "Expected replicas to be {current_replicas}, was {current}"
            )));
            continue;
        }
        if let Some(resource_version) = flags.value("resource-version")
            && object.metadata().resource_version.as_deref() != Some(resource_version)
        {
            errors.push(KubectlError::api(ApiError::stale(
                &resource_type.group_resource(),
                object.name(),
            )));
            continue;
        }
        if let Some(spec) = value.get_mut("spec").and_then(Value::as_object_mut) {
            spec.insert("replicas".to_string(), Value::from(replicas));
        }
        if dry_run != DryRun::Client {
            let api = match scratch.as_mut() {
                Some(scratch) => scratch,
                None => simulation.api_mut(),
            };
            if let Err(error) = write_value(api, value) {
                errors.push(KubectlError::api(error));
                continue;
            }
        }
        stdout.push_str(&operation_line(
            resource_type,
            object.name(),
            "scaled",
            dry_run,
            output,
        ));
    }
    finish(stdout, String::new(), &errors)
}
