//! `kubectl delete`: by name, `TYPE/NAME`, `-f`, `-l`, `--all`; then, as kubectl
//! does by default (`--wait=true`), wait until the objects are gone, advancing
//! the virtual clock (a pod goes when its kubelet has stopped it).
//! Upstream: `staging/src/k8s.io/kubectl/pkg/cmd/delete/delete.go` and
//! `delete_flags.go`.

use crate::api_server::{DeleteOptions, PropagationPolicy};
use crate::kubectl::files::FileSource;
use crate::kubectl::outcome::{DryRun, KubectlError, check_flags, finish, output_format};
use crate::kubectl::targets::{Selection, select};
use crate::kubectl::waiting::{DEFAULT_BUDGET, WaitEnd, parse_timeout, wait_for};
use crate::kubectl::{CommandOutput, Flags};
use crate::simulation::Simulation;
use crate::time::SimDuration;

const FLAGS: &[&str] = &[
    "f",
    "filename",
    "R",
    "recursive",
    "l",
    "selector",
    "field-selector",
    "all",
    "A",
    "all-namespaces",
    "cascade",
    "grace-period",
    "now",
    "force",
    "wait",
    "timeout",
    "o",
    "output",
    "dry-run",
    "ignore-not-found",
    "i",
    "interactive",
    "raw",
];

/// `--cascade`: background (default), foreground, orphan; the deprecated booleans
/// map to background and orphan.
pub fn parse_cascade(flags: &Flags) -> Result<(PropagationPolicy, Option<String>), CommandOutput> {
    match flags.value("cascade") {
        None | Some("background") => Ok((PropagationPolicy::Background, None)),
        Some("foreground") => Ok((PropagationPolicy::Foreground, None)),
        Some("orphan") => Ok((PropagationPolicy::Orphan, None)),
        Some("true") => Ok((
            PropagationPolicy::Background,
            Some("warning: --cascade=true is deprecated (boolean value) and can be replaced with --cascade=background.\n".to_string()),
        )),
        Some("false") => Ok((
            PropagationPolicy::Orphan,
            Some("warning: --cascade=false is deprecated (boolean value) and can be replaced with --cascade=orphan.\n".to_string()),
        )),
        Some(other) => Err(CommandOutput::error(format!(
            "error: invalid cascade value ({other}). Must be \"background\", \"foreground\", or \"orphan\"."
        ))),
    }
}

/// `--grace-period` as pflag parses an int: -1 (the object's default) when absent.
pub fn parse_grace_period(flags: &Flags) -> Result<i64, CommandOutput> {
    match flags.value("grace-period") {
        None => Ok(-1),
        Some(text) => text.parse::<i64>().map_err(|_| {
            CommandOutput::error(format!(
                "error: invalid argument \"{text}\" for \"--grace-period\" flag: strconv.ParseInt: parsing \"{text}\": invalid syntax"
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
    if let Err(output) = check_flags(flags, "delete", FLAGS) {
        return output;
    }
    let (policy, mut warnings) = match parse_cascade(flags) {
        Ok((policy, warning)) => (policy, warning.unwrap_or_default()),
        Err(output) => return output,
    };
    let mut grace_period = match parse_grace_period(flags) {
        Ok(grace) => grace,
        Err(output) => return output,
    };
    let force = flags.has("force");
    if flags.has("now") {
        if grace_period != -1 {
            return CommandOutput::error(
                "error: --now and --grace-period cannot be specified together",
            );
        }
        grace_period = 1;
    }
    // delete.go Complete: --grace-period=0 without --force becomes 1, so that a
    // typo cannot skip graceful termination; --force alone means 0.
    if grace_period == 0 && !force {
        grace_period = 1;
    }
    if force && grace_period < 0 {
        grace_period = 0;
    }
    let dry_run = match DryRun::from_flags(flags) {
        Ok(dry_run) => dry_run,
        Err(output) => return output,
    };
    let output = output_format(flags);
    if !matches!(output, None | Some("name")) {
        return CommandOutput::error(format!(
            "error: unable to match a printer suitable for the output format \"{}\", allowed formats are: name",
            output.unwrap_or("")
        ));
    }
    let timeout = match flags.value("timeout") {
        None => DEFAULT_BUDGET,
        Some(text) => match parse_timeout("timeout", text) {
            Ok(duration) if duration > SimDuration::ZERO => duration,
            Ok(_) => DEFAULT_BUDGET,
            Err(message) => return CommandOutput::error(message),
        },
    };
    let targets = match select(
        simulation.api(),
        flags,
        &flags.positional,
        stdin,
        files,
        Selection {
            command: "delete",
            names_required: true,
        },
    ) {
        Ok(targets) => targets,
        Err(output) => return output,
    };
    let ignore_not_found = flags.has("ignore-not-found");
    let mut errors: Vec<KubectlError> = targets
        .errors
        .into_iter()
        .filter(|error| {
            !(ignore_not_found
                && matches!(error, KubectlError::Api { error, .. } if error.is_not_found()))
        })
        .collect();
    if grace_period == 0 && force && !targets.objects.is_empty() {
        warnings.push_str("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n");
    }
    let options = DeleteOptions {
        propagation_policy: Some(policy),
        grace_period_seconds: (grace_period >= 0).then_some(grace_period),
        ..DeleteOptions::default()
    };
    let mut scratch = (dry_run == DryRun::Server).then(|| simulation.api().clone());
    let mut stdout = String::new();
    let mut deleted = Vec::new();
    for object in &targets.objects {
        let resource_type = object.resource_type();
        if dry_run != DryRun::Client {
            let api = match scratch.as_mut() {
                Some(scratch) => scratch,
                None => simulation.api_mut(),
            };
            if let Err(error) =
                api.delete(resource_type, object.namespace(), object.name(), &options)
            {
                if !(ignore_not_found && error.is_not_found()) {
                    errors.push(KubectlError::api(error));
                }
                continue;
            }
        }
        let operation = if grace_period == 0 {
            "force deleted"
        } else {
            "deleted"
        };
        let kind = resource_type.group_kind_lower();
        if output == Some("name") {
            stdout.push_str(&format!("{kind}/{}\n", object.name()));
        } else {
            stdout.push_str(&format!(
                "{kind} \"{}\" {operation}{}\n",
                object.name(),
                dry_run.suffix()
            ));
        }
        deleted.push(object.clone());
    }
    if targets.objects.is_empty() && errors.is_empty() && !ignore_not_found {
        stdout.push_str("No resources found\n");
    }
    let wait = flags.value("wait").is_none_or(|value| value != "false");
    if wait && dry_run == DryRun::None && !deleted.is_empty() {
        let gone = |simulation: &Simulation| {
            deleted
                .iter()
                .all(|object| {
                    simulation
                        .api()
                        .get_ref(object.resource_type(), object.namespace(), object.name())
                        .is_none_or(|current| current.metadata().uid() != object.metadata().uid())
                })
                .then_some(())
        };
        match wait_for(simulation, timeout, gone) {
            WaitEnd::Done(()) => {}
            WaitEnd::TimedOut => {
                for object in &deleted {
                    let still_there = simulation
                        .api()
                        .get_ref(object.resource_type(), object.namespace(), object.name())
                        .is_some_and(|current| current.metadata().uid() == object.metadata().uid());
                    if still_there {
                        errors.push(KubectlError::Plain(format!(
                            "timed out waiting for the condition on {}/{}",
                            object.resource_type().plural,
                            object.name()
                        )));
                    }
                }
            }
            WaitEnd::Stuck(message) => errors.push(KubectlError::Plain(message)),
        }
    }
    finish(stdout, warnings, &errors)
}
