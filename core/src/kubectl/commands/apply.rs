//! `kubectl apply -f FILE|DIR|-`: client-side apply of every object in the
//! manifests. Upstream: `staging/src/k8s.io/kubectl/pkg/cmd/apply/apply.go`.
//!
//! Objects are applied in file order; one that fails does not stop the others.
//! Errors print at the end, as kubectl aggregates them.

use crate::kubectl::apply::{Loaded, apply_object, load, settle_namespace};
use crate::kubectl::files::{FileSource, read_sources};
use crate::kubectl::outcome::{
    DryRun, KubectlError, check_flags, finish, namespace_flag, operation_line, output_format,
};
use crate::kubectl::{CommandOutput, Flags};
use crate::model::Object;
use crate::model::manifest::{to_json, to_list_json, to_list_yaml, to_yaml};
use crate::simulation::Simulation;

const FLAGS: &[&str] = &[
    "f",
    "filename",
    "R",
    "recursive",
    "dry-run",
    "o",
    "output",
    "validate",
    "server-side",
    "force-conflicts",
    "field-manager",
    "prune",
    "l",
    "selector",
    "k",
    "kustomize",
    "overwrite",
    "record",
    "wait",
    "timeout",
    "grace-period",
    "force",
    "cascade",
    "all",
    "show-managed-fields",
];

/// The manifests a `-f` names, read through `files` (and stdin for `-`).
pub fn filenames(flags: &Flags) -> Vec<String> {
    let mut names: Vec<String> = flags.values("f").to_vec();
    names.extend(flags.values("filename").iter().cloned());
    names
}

/// `-o` values the write commands print themselves.
pub fn check_output(output: Option<&str>) -> Result<(), CommandOutput> {
    match output {
        None | Some("name") | Some("yaml") | Some("json") => Ok(()),
        Some(other) => Err(CommandOutput::error(format!(
            "error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: json,name,yaml"
        ))),
    }
}

/// Prints objects for `-o yaml|json`: one as itself, several as a `List`.
pub fn print_objects(objects: &[Object], output: Option<&str>) -> String {
    match (output, objects) {
        (_, []) => String::new(),
        (Some("json"), [single]) => to_json(single),
        (Some("json"), many) => to_list_json(many),
        (_, [single]) => to_yaml(single),
        (_, many) => to_list_yaml(many),
    }
}

pub fn run(
    simulation: &mut Simulation,
    flags: &Flags,
    stdin: &str,
    files: &dyn FileSource,
) -> CommandOutput {
    if let Err(output) = check_flags(flags, "apply", FLAGS) {
        return output;
    }
    if !flags.positional.is_empty() {
        return CommandOutput::error(format!(
            "error: Unexpected args: [{}]\nSee 'kubectl apply -h' for help and examples",
            flags.positional.join(" ")
        ));
    }
    if flags.value("k").is_some() || flags.value("kustomize").is_some() {
        return CommandOutput::error(
            "error: kubesim does not support kustomize (-k); apply the rendered manifests with -f",
        );
    }
    if flags.has("server-side") {
        return CommandOutput::error(
            "error: kubesim does not support server-side apply (--server-side); use client-side apply",
        );
    }
    if flags.value("prune").is_some() {
        return CommandOutput::error("error: kubesim does not support --prune");
    }
    let names = filenames(flags);
    if names.is_empty() {
        return CommandOutput::error("error: must specify one of -f and -k");
    }
    let dry_run = match DryRun::from_flags(flags) {
        Ok(dry_run) => dry_run,
        Err(output) => return output,
    };
    let output = output_format(flags);
    if let Err(error) = check_output(output) {
        return error;
    }
    let recursive = flags.has("R") || flags.has("recursive");
    let sources = match read_sources(&names, recursive, stdin, files) {
        Ok(sources) => sources,
        Err(message) => return CommandOutput::error(message),
    };
    let loaded = load(&sources);
    let mut errors: Vec<KubectlError> = loaded
        .iter()
        .filter_map(|entry| match entry {
            Loaded::ClientError(error) => Some(error.clone()),
            _ => None,
        })
        .collect();
    let has_objects = loaded
        .iter()
        .any(|entry| !matches!(entry, Loaded::ClientError(_)));
    if !has_objects && errors.is_empty() {
        return CommandOutput::error("error: no objects passed to apply");
    }
    let explicit_namespace = namespace_flag(flags);
    let mut scratch = (dry_run == DryRun::Server).then(|| simulation.api().clone());
    let mut stdout = String::new();
    let mut warnings = String::new();
    let mut printed: Vec<Object> = Vec::new();
    for entry in loaded {
        let mut object = match entry {
            Loaded::ClientError(_) => continue,
            Loaded::ServerError(error) => {
                errors.push(KubectlError::Manifest(error));
                continue;
            }
            Loaded::Object(object) => object,
        };
        if let Err(error) =
            settle_namespace(&mut object, explicit_namespace, flags.default_namespace())
        {
            errors.push(error);
            continue;
        }
        let api = match scratch.as_mut() {
            Some(scratch) => scratch,
            None => simulation.api_mut(),
        };
        match apply_object(api, &object, dry_run) {
            Ok(applied) => {
                if let Some(warning) = applied.warning {
                    warnings.push_str(&warning);
                }
                match output {
                    Some("yaml") | Some("json") => printed.extend(applied.object),
                    _ => stdout.push_str(&operation_line(
                        object.resource_type,
                        object.name(),
                        applied.operation,
                        dry_run,
                        output,
                    )),
                }
            }
            Err(error) => errors.push(error),
        }
    }
    stdout.push_str(&print_objects(&printed, output));
    finish(stdout, warnings, &errors)
}
