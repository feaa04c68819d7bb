//! `kubectl patch TYPE NAME -p PATCH [--type strategic|merge|json]`.
//! Upstream: `staging/src/k8s.io/kubectl/pkg/cmd/patch/patch.go`: `patched`, or
//! `patched (no change)` when the object came back unchanged.

use serde_json::Value;

use crate::api_server::ApiError;
use crate::api_server::patch::apply_merge_patch;
use crate::kubectl::apply::json_patch::apply_json_patch;
use crate::kubectl::apply::strategic_merge::apply_patch;
use crate::kubectl::files::{FileNode, FileSource};
use crate::kubectl::outcome::{
    DryRun, KubectlError, check_flags, finish, operation_line, output_format, write_value,
};
use crate::kubectl::targets::{Selection, select};
use crate::kubectl::{CommandOutput, Flags};
use crate::simulation::Simulation;

const FLAGS: &[&str] = &[
    "p",
    "patch",
    "patch-file",
    "type",
    "f",
    "filename",
    "R",
    "recursive",
    "o",
    "output",
    "dry-run",
    "local",
    "subresource",
    "field-manager",
    "record",
];

/// Reads a patch given as JSON or YAML (`yaml.ToJSON`, as kubectl does).
pub fn parse_patch(text: &str) -> Result<Value, String> {
    if let Ok(value) = serde_json::from_str::<Value>(text) {
        return Ok(value);
    }
    serde_yaml::from_str::<Value>(text).map_err(|error| {
        let message = error.to_string();
        let message = match message.find(" at line ") {
            Some(at) => message[..at].to_string(),
            None => message,
        };
        let line = error
            .location()
            // At the end of input serde_yaml counts one line past the last; go-yaml does not.
            .map(|location| {
                format!(
                    "line {}: ",
                    location.line().min(text.lines().count().max(1))
                )
            })
            .unwrap_or_default();
        format!("error: unable to parse {text:?}: yaml: {line}{message}")
    })
}

pub fn run(
    simulation: &mut Simulation,
    flags: &Flags,
    stdin: &str,
    files: &dyn FileSource,
) -> CommandOutput {
    if let Err(output) = check_flags(flags, "patch", FLAGS) {
        return output;
    }
    let patch_type = flags.value("type").unwrap_or("strategic");
    if !matches!(patch_type, "json" | "merge" | "strategic") {
        return CommandOutput::error(format!(
            "error: --type must be one of [json merge strategic], not \"{patch_type}\""
        ));
    }
    let text = match (
        flags.value("patch").or_else(|| flags.value("p")),
        flags.value("patch-file"),
    ) {
        (Some(_), Some(_)) => {
            return CommandOutput::error("error: cannot specify --patch and --patch-file together");
        }
        (Some(text), None) => text.to_string(),
        (None, Some(path)) => match files.read(path) {
            Some(FileNode::File(text)) => text,
            _ => {
                return CommandOutput::error(format!(
                    "error: unable to read patch file: open {path}: no such file or directory"
                ));
            }
        },
        (None, None) => {
            return CommandOutput::error(
                "error: must specify --patch or --patch-file containing the contents of the patch",
            );
        }
    };
    let patch = match parse_patch(&text) {
        Ok(patch) => patch,
        Err(message) => return CommandOutput::error(message),
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
            command: "patch",
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
        let mut value = object.to_value();
        let applied = match patch_type {
            "merge" => {
                apply_merge_patch(&mut value, &patch);
                Ok(())
            }
            "json" => apply_json_patch(&mut value, &patch),
            _ => match (&mut value, &patch) {
                (Value::Object(map), Value::Object(patch_map)) => {
                    apply_patch(map, patch_map, resource_type.kind).map_err(|error| error.0)
                }
                _ => Err(
                    "unable to find api field in struct Unstructured for the json field \"\""
                        .to_string(),
                ),
            },
        };
        if let Err(message) = applied {
            errors.push(KubectlError::api(ApiError::BadRequest(message)));
            continue;
        }
        // Identity fields cannot be patched away.
        value["apiVersion"] = Value::String(
            object.to_value()["apiVersion"]
                .as_str()
                .unwrap_or("")
                .to_string(),
        );
        value["kind"] = Value::String(resource_type.kind.to_string());
        let mut changed = value != object.to_value();
        if dry_run != DryRun::Client && changed {
            let api = match scratch.as_mut() {
                Some(scratch) => scratch,
                None => simulation.api_mut(),
            };
            match write_value(api, value) {
                // A write the server found to change nothing keeps the resourceVersion.
                Ok(written) => {
                    changed =
                        written.metadata().resource_version != object.metadata().resource_version;
                }
                Err(error) => {
                    errors.push(KubectlError::api(error));
                    continue;
                }
            }
        }
        let operation = if changed {
            "patched"
        } else {
            "patched (no change)"
        };
        stdout.push_str(&operation_line(
            resource_type,
            object.name(),
            operation,
            dry_run,
            output,
        ));
    }
    finish(stdout, String::new(), &errors)
}
