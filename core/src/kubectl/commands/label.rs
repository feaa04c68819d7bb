//! `kubectl label` and `kubectl annotate`: set `key=value`, remove `key-`.
//! Upstream: `staging/src/k8s.io/kubectl/pkg/cmd/label/label.go` and
//! `annotate/annotate.go`. label reports `labeled`, `not labeled` (nothing
//! changed) or `unlabeled` (the object got smaller without `--overwrite`, which
//! is how upstream's `updateDataChangeMsg` tells a removal); annotate always
//! reports `annotated`.

use serde_json::{Map, Value};

use crate::api_server::ApiError;
use crate::kubectl::files::FileSource;
use crate::kubectl::outcome::{
    DryRun, KubectlError, check_flags, finish, operation_line, output_format, parse_pairs,
    split_resources_and_pairs, write_value,
};
use crate::kubectl::targets::{Selection, select};
use crate::kubectl::{CommandOutput, Flags};
use crate::simulation::Simulation;

const FLAGS: &[&str] = &[
    "overwrite",
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
    "dry-run",
    "resource-version",
    "list",
    "local",
];

/// Which metadata map the command edits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Labels,
    Annotations,
}

impl Target {
    fn command(self) -> &'static str {
        match self {
            Target::Labels => "label",
            Target::Annotations => "annotate",
        }
    }

    fn field(self) -> &'static str {
        match self {
            Target::Labels => "labels",
            Target::Annotations => "annotations",
        }
    }
}

pub fn run(
    simulation: &mut Simulation,
    flags: &Flags,
    stdin: &str,
    files: &dyn FileSource,
    target: Target,
) -> CommandOutput {
    let command = target.command();
    if let Err(output) = check_flags(flags, command, FLAGS) {
        return output;
    }
    let (resources, pairs) = match split_resources_and_pairs(&flags.positional, command) {
        Ok(split) => split,
        Err(message) => return CommandOutput::error(message),
    };
    let (set, remove) = match parse_pairs(&pairs, command, true) {
        Ok(parsed) => parsed,
        Err(message) => return CommandOutput::error(message),
    };
    let filenames = crate::kubectl::commands::apply::filenames(flags);
    if resources.is_empty() && filenames.is_empty() {
        return CommandOutput::error(format!(
            "error: one or more resources must be specified as <resource> <name> or <resource>/<name>\nSee 'kubectl {command} -h' for help and examples"
        ));
    }
    if set.is_empty() && remove.is_empty() && !flags.has("list") {
        return CommandOutput::error(format!(
            "error: at least one {} update is required\nSee 'kubectl {command} -h' for help and examples",
            match target {
                Target::Labels => "label",
                Target::Annotations => "annotation",
            }
        ));
    }
    if set.iter().any(|(key, _)| remove.contains(key)) {
        return CommandOutput::error(format!(
            "error: can not both modify and remove {} in the same command",
            match target {
                Target::Labels => "a label",
                Target::Annotations => "an annotation",
            }
        ));
    }
    let dry_run = match DryRun::from_flags(flags) {
        Ok(dry_run) => dry_run,
        Err(output) => return output,
    };
    let output = output_format(flags);
    let overwrite = flags.has("overwrite");
    let targets = match select(
        simulation.api(),
        flags,
        &resources,
        stdin,
        files,
        Selection {
            command,
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
        let before = object.to_value();
        let existing: Map<String, Value> = before
            .pointer(&format!("/metadata/{}", target.field()))
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        if flags.has("list") {
            for (key, value) in &existing {
                stdout.push_str(&format!("{key}={}\n", value.as_str().unwrap_or("")));
            }
            continue;
        }
        if !overwrite {
            let conflicts: Vec<String> = set
                .iter()
                .filter_map(|(key, value)| {
                    let current = existing.get(key)?.as_str()?;
                    (current != value).then(|| {
                        format!("'{key}' already has a value ({current}), and --overwrite is false")
                    })
                })
                .collect();
            if !conflicts.is_empty() {
                errors.extend(conflicts.into_iter().map(KubectlError::Plain));
                continue;
            }
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
        if target == Target::Labels {
            for key in &remove {
                if !existing.contains_key(key) {
                    stdout.push_str(&format!("label {key:?} not found.\n"));
                }
            }
        }
        let mut updated_map = existing.clone();
        for (key, value) in &set {
            updated_map.insert(key.clone(), Value::String(value.clone()));
        }
        for key in &remove {
            updated_map.remove(key);
        }
        let mut after = before.clone();
        if let Some(metadata) = after.get_mut("metadata").and_then(Value::as_object_mut) {
            if updated_map.is_empty() {
                metadata.remove(target.field());
            } else {
                metadata.insert(target.field().to_string(), Value::Object(updated_map));
            }
        }
        let operation = match target {
            Target::Annotations => "annotated",
            Target::Labels if before == after => "not labeled",
            Target::Labels => {
                let length = |value: &Value| serde_json::to_string(value).map_or(0, |t| t.len());
                if !overwrite && length(&after) < length(&before) {
                    "unlabeled"
                } else {
                    "labeled"
                }
            }
        };
        if dry_run != DryRun::Client && before != after {
            let api = match scratch.as_mut() {
                Some(scratch) => scratch,
                None => simulation.api_mut(),
            };
            if let Err(error) = write_value(api, after) {
                errors.push(KubectlError::api(error));
                continue;
            }
        }
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
