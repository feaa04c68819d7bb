//! `kubectl cordon NODE` and `kubectl uncordon NODE`: set or clear
//! `spec.unschedulable`. Upstream: `staging/src/k8s.io/kubectl/pkg/cmd/drain/drain.go`
//! (`RunCordonOrUncordon`) and `pkg/drain/cordon.go`.

use serde_json::Value;

use crate::kubectl::files::FileSource;
use crate::kubectl::outcome::{
    DryRun, KubectlError, check_flags, finish, operation_line, write_value,
};
use crate::kubectl::targets::{Selection, select};
use crate::kubectl::{CommandOutput, Flags};
use crate::model::Object;
use crate::simulation::Simulation;

const FLAGS: &[&str] = &["l", "selector", "dry-run"];

/// The nodes a cordon, uncordon or drain names (`NODE...` or `-l`).
pub fn select_nodes(
    simulation: &Simulation,
    flags: &Flags,
    command: &str,
    usage: &str,
) -> Result<(Vec<Object>, Vec<KubectlError>), CommandOutput> {
    let has_selector = flags
        .value("l")
        .or_else(|| flags.value("selector"))
        .is_some();
    if flags.positional.is_empty() && !has_selector {
        return Err(CommandOutput::error(format!(
            "error: USAGE: {usage} [flags]\nSee 'kubectl {command} -h' for help and examples"
        )));
    }
    let mut arguments = vec!["nodes".to_string()];
    arguments.extend(flags.positional.iter().cloned());
    let targets = select(
        simulation.api(),
        flags,
        &arguments,
        "",
        &crate::kubectl::files::NoFiles,
        Selection {
            command,
            names_required: false,
        },
    )?;
    Ok((
        targets
            .objects
            .iter()
            .map(|object| (**object).clone())
            .collect(),
        targets.errors,
    ))
}

/// Sets `spec.unschedulable`; returns the operation the name printer reports.
pub fn set_unschedulable(
    simulation: &mut Simulation,
    node: &Object,
    desired: bool,
    dry_run: DryRun,
) -> Result<&'static str, KubectlError> {
    let mut value = node.to_value();
    let current = value
        .pointer("/spec/unschedulable")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if current == desired {
        return Ok(if desired {
            "already cordoned"
        } else {
            "already uncordoned"
        });
    }
    if !value["spec"].is_object() {
        value["spec"] = serde_json::json!({});
    }
    if let Some(spec) = value["spec"].as_object_mut() {
        if desired {
            spec.insert("unschedulable".to_string(), Value::Bool(true));
        } else {
            spec.remove("unschedulable");
        }
    }
    match dry_run {
        DryRun::Client => {}
        DryRun::Server => {
            let mut scratch = simulation.api().clone();
            write_value(&mut scratch, value).map_err(KubectlError::api)?;
        }
        DryRun::None => {
            write_value(simulation.api_mut(), value).map_err(KubectlError::api)?;
        }
    }
    Ok(if desired { "cordoned" } else { "uncordoned" })
}

pub fn run(
    simulation: &mut Simulation,
    flags: &Flags,
    _stdin: &str,
    _files: &dyn FileSource,
    desired: bool,
) -> CommandOutput {
    let command = if desired { "cordon" } else { "uncordon" };
    if let Err(output) = check_flags(flags, command, FLAGS) {
        return output;
    }
    let dry_run = match DryRun::from_flags(flags) {
        Ok(dry_run) => dry_run,
        Err(output) => return output,
    };
    let (nodes, mut errors) =
        match select_nodes(simulation, flags, command, &format!("{command} NODE")) {
            Ok(selected) => selected,
            Err(output) => return output,
        };
    let mut stdout = String::new();
    for node in &nodes {
        match set_unschedulable(simulation, node, desired, dry_run) {
            Ok(operation) => stdout.push_str(&operation_line(
                node.resource_type(),
                node.name(),
                operation,
                dry_run,
                None,
            )),
            Err(error) => errors.push(error),
        }
    }
    finish(stdout, String::new(), &errors)
}
