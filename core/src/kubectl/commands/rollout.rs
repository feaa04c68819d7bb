//! `kubectl rollout status|history|undo|pause|resume|restart`.
//! Upstream: `staging/src/k8s.io/kubectl/pkg/cmd/rollout/*.go` and
//! `polymorphichelpers/{rollout_status,history,rollback,objectpauser,
//! objectresumer,objectrestarter}.go`.
//!
//! `rollout status` watches: it prints the status of the object as it is, then
//! once for every later change of the object (one line per watch event, as
//! kubectl's `UntilWithSync` handler does), advancing the virtual clock until
//! the rollout is done, fails, or `--timeout` passes.

use serde_json::{Map, Value, json};

use crate::controllers::deployment::util::{
    POD_TEMPLATE_HASH_LABEL, equal_ignore_hash, replica_sets_of, revision, skip_copy_annotation,
};
use crate::kubectl::files::FileSource;
use crate::kubectl::outcome::{
    DryRun, KubectlError, check_flags, finish, operation_line, output_format, write_value,
};
use crate::kubectl::printers::describe::{DescribeContext, describe_deployment};
use crate::kubectl::targets::{Selection, select};
use crate::kubectl::waiting::{DEFAULT_BUDGET, WaitEnd, parse_timeout, wait_for};
use crate::kubectl::{CommandOutput, Flags};
use crate::model::Object;
use crate::model::deployment::Deployment;
use crate::model::replica_set::ReplicaSet;
use crate::simulation::Simulation;
use crate::time::SimDuration;

const FLAGS: &[&str] = &[
    "f",
    "filename",
    "R",
    "recursive",
    "l",
    "selector",
    "o",
    "output",
    "dry-run",
    "revision",
    "to-revision",
    "watch",
    "w",
    "timeout",
    "field-manager",
];

const CHANGE_CAUSE_ANNOTATION: &str = "kubernetes.io/change-cause";
const RESTARTED_AT_ANNOTATION: &str = "kubectl.kubernetes.io/restartedAt";

fn usage(message: &str, command: &str) -> CommandOutput {
    CommandOutput::error(format!(
        "error: {message}\nSee 'kubectl rollout {command} -h' for help and examples"
    ))
}

pub fn run(
    simulation: &mut Simulation,
    flags: &Flags,
    stdin: &str,
    files: &dyn FileSource,
) -> CommandOutput {
    let Some(subcommand) = flags.positional.first().cloned() else {
        return CommandOutput::error(
            "error: kubectl rollout needs a subcommand: history, pause, restart, resume, status or undo",
        );
    };
    if let Err(output) = check_flags(flags, &format!("rollout {subcommand}"), FLAGS) {
        return output;
    }
    let arguments = flags.positional[1..].to_vec();
    if !matches!(
        subcommand.as_str(),
        "status" | "history" | "undo" | "pause" | "resume" | "restart"
    ) {
        return CommandOutput::error(format!(
            "error: unknown command \"{subcommand}\" for \"kubectl rollout\"\nRun 'kubectl rollout --help' for usage."
        ));
    }
    if arguments.is_empty() && crate::kubectl::commands::apply::filenames(flags).is_empty() {
        return usage("required resource not specified", &subcommand);
    }
    let targets = match select(
        simulation.api(),
        flags,
        &arguments,
        stdin,
        files,
        Selection {
            command: &format!("rollout {subcommand}"),
            names_required: subcommand != "restart"
                && subcommand != "pause"
                && subcommand != "resume",
        },
    ) {
        Ok(targets) => targets,
        Err(output) => return output,
    };
    let mut errors = targets.errors;
    let objects: Vec<Object> = targets.objects.iter().map(|o| (**o).clone()).collect();
    match subcommand.as_str() {
        "status" => status(simulation, flags, objects, errors),
        "history" => history(simulation, flags, objects, errors),
        "undo" => undo(simulation, flags, objects, errors),
        "pause" | "resume" | "restart" => {
            let dry_run = match DryRun::from_flags(flags) {
                Ok(dry_run) => dry_run,
                Err(output) => return output,
            };
            let output = output_format(flags);
            let mut stdout = String::new();
            let mut scratch = (dry_run == DryRun::Server).then(|| simulation.api().clone());
            for object in &objects {
                let resource_type = object.resource_type();
                let resource = resource_type.group_resource();
                let mut value = object.to_value();
                let paused = value
                    .pointer("/spec/paused")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                let outcome: Result<&str, String> = match (subcommand.as_str(), object.kind()) {
                    ("pause", "Deployment") if paused => Err("is already paused".to_string()),
                    ("pause", "Deployment") => {
                        value["spec"]["paused"] = json!(true);
                        Ok("paused")
                    }
                    ("pause", _) => Err("pausing is not supported".to_string()),
                    ("resume", "Deployment") if !paused => Err("is not paused".to_string()),
                    ("resume", "Deployment") => {
                        if let Some(spec) = value.get_mut("spec").and_then(Value::as_object_mut) {
                            spec.remove("paused");
                        }
                        Ok("resumed")
                    }
                    ("resume", _) => Err("resuming is not supported".to_string()),
                    ("restart", "Deployment") if paused => {
                        Err("can't restart paused deployment (run rollout resume first)"
                            .to_string())
                    }
                    ("restart", "Deployment" | "DaemonSet" | "StatefulSet") => {
                        let now = simulation.now().to_rfc3339();
                        let template = &mut value["spec"]["template"];
                        if !template["metadata"].is_object() {
                            template["metadata"] = json!({});
                        }
                        if !template["metadata"]["annotations"].is_object() {
                            template["metadata"]["annotations"] = json!({});
                        }
                        template["metadata"]["annotations"][RESTARTED_AT_ANNOTATION] = json!(now);
                        Ok("restarted")
                    }
                    _ => Err("restarting is not supported".to_string()),
                };
                let operation = match outcome {
                    Ok(operation) => operation,
                    Err(message) => {
                        errors.push(KubectlError::Raw(format!(
                            "error: {resource} {:?} {message}",
                            object.name()
                        )));
                        continue;
                    }
                };
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
                    operation,
                    dry_run,
                    output,
                ));
            }
            finish(stdout, String::new(), &errors)
        }
        _ => unreachable!("subcommands are checked above"),
    }
}

fn int_at(value: &Value, pointer: &str) -> i64 {
    value.pointer(pointer).and_then(Value::as_i64).unwrap_or(0)
}

/// `StatusViewer.Status`: the message, whether the rollout is done, or an error.
pub fn rollout_status(object: &Object) -> Result<(String, bool), String> {
    let value = object.to_value();
    let name = object.name();
    let generation = int_at(&value, "/metadata/generation");
    let observed = int_at(&value, "/status/observedGeneration");
    match object.kind() {
        "Deployment" => {
            if generation > observed {
                return Ok((
                    "Waiting for deployment spec update to be observed...\n".to_string(),
                    false,
                ));
            }
            let timed_out = value
                .pointer("/status/conditions")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .any(|condition| {
                    condition["type"] == "Progressing"
                        && condition["reason"] == "ProgressDeadlineExceeded"
                });
            if timed_out {
                return Err(format!(
                    "deployment {name:?} exceeded its progress deadline"
                ));
            }
            let replicas = value.pointer("/spec/replicas").and_then(Value::as_i64);
            let updated = int_at(&value, "/status/updatedReplicas");
            let total = int_at(&value, "/status/replicas");
            let available = int_at(&value, "/status/availableReplicas");
            if let Some(replicas) = replicas
                && updated < replicas
            {
                return Ok((
                    format!(
                        "Waiting for deployment {name:?} rollout to finish: {updated} out of {replicas} new replicas have been updated...\n"
                    ),
                    false,
                ));
            }
            if total > updated {
                return Ok((
                    format!(
                        "Waiting for deployment {name:?} rollout to finish: {} old replicas are pending termination...\n",
                        total - updated
                    ),
                    false,
                ));
            }
            if available < updated {
                return Ok((
                    format!(
                        "Waiting for deployment {name:?} rollout to finish: {available} of {updated} updated replicas are available...\n"
                    ),
                    false,
                ));
            }
            Ok((
                format!("deployment {name:?} successfully rolled out\n"),
                true,
            ))
        }
        "DaemonSet" => {
            let strategy = value
                .pointer("/spec/updateStrategy/type")
                .and_then(Value::as_str)
                .unwrap_or("RollingUpdate");
            if strategy != "RollingUpdate" {
                return Err(
                    "rollout status is only available for RollingUpdate strategy type".to_string(),
                );
            }
            if generation > observed {
                return Ok((
                    "Waiting for daemon set spec update to be observed...\n".to_string(),
                    false,
                ));
            }
            let desired = int_at(&value, "/status/desiredNumberScheduled");
            let updated = int_at(&value, "/status/updatedNumberScheduled");
            let available = int_at(&value, "/status/numberAvailable");
            if updated < desired {
                return Ok((
                    format!(
                        "Waiting for daemon set {name:?} rollout to finish: {updated} out of {desired} new pods have been updated...\n"
                    ),
                    false,
                ));
            }
            if available < desired {
                return Ok((
                    format!(
                        "Waiting for daemon set {name:?} rollout to finish: {available} of {desired} updated pods are available...\n"
                    ),
                    false,
                ));
            }
            Ok((
                format!("daemon set {name:?} successfully rolled out\n"),
                true,
            ))
        }
        "StatefulSet" => {
            let strategy = value
                .pointer("/spec/updateStrategy/type")
                .and_then(Value::as_str)
                .unwrap_or("RollingUpdate");
            if strategy != "RollingUpdate" {
                return Err(
                    "rollout status is only available for RollingUpdate strategy type".to_string(),
                );
            }
            if observed == 0 || generation > observed {
                return Ok((
                    "Waiting for statefulset spec update to be observed...\n".to_string(),
                    false,
                ));
            }
            let replicas = value
                .pointer("/spec/replicas")
                .and_then(Value::as_i64)
                .unwrap_or(1);
            let ready = int_at(&value, "/status/readyReplicas");
            if ready < replicas {
                return Ok((
                    format!("Waiting for {} pods to be ready...\n", replicas - ready),
                    false,
                ));
            }
            let updated = int_at(&value, "/status/updatedReplicas");
            if let Some(partition) = value
                .pointer("/spec/updateStrategy/rollingUpdate/partition")
                .and_then(Value::as_i64)
            {
                if updated < replicas - partition {
                    return Ok((
                        format!(
                            "Waiting for partitioned roll out to finish: {updated} out of {} new pods have been updated...\n",
                            replicas - partition
                        ),
                        false,
                    ));
                }
                return Ok((
                    format!(
                        "partitioned roll out complete: {updated} new pods have been updated...\n"
                    ),
                    true,
                ));
            }
            let update_revision = value
                .pointer("/status/updateRevision")
                .and_then(Value::as_str)
                .unwrap_or("");
            let current_revision = value
                .pointer("/status/currentRevision")
                .and_then(Value::as_str)
                .unwrap_or("");
            if update_revision != current_revision {
                return Ok((
                    format!(
                        "waiting for statefulset rolling update to complete {updated} pods at revision {update_revision}...\n"
                    ),
                    false,
                ));
            }
            Ok((
                format!(
                    "statefulset rolling update complete {} pods at revision {current_revision}...\n",
                    int_at(&value, "/status/currentReplicas")
                ),
                true,
            ))
        }
        other => Err(format!("no status viewer has been implemented for {other}")),
    }
}

fn status(
    simulation: &mut Simulation,
    flags: &Flags,
    objects: Vec<Object>,
    mut errors: Vec<KubectlError>,
) -> CommandOutput {
    let watch = flags
        .value("watch")
        .or_else(|| flags.value("w"))
        .is_none_or(|value| value != "false");
    let timeout = match flags.value("timeout") {
        None => DEFAULT_BUDGET,
        Some(text) => match parse_timeout("timeout", text) {
            Ok(duration) if duration > SimDuration::ZERO => duration,
            Ok(_) => DEFAULT_BUDGET,
            Err(message) => return CommandOutput::error(message),
        },
    };
    if let Some(revision) = flags.value("revision")
        && revision.parse::<i64>().is_err()
    {
        return CommandOutput::error(format!(
            "error: invalid argument \"{revision}\" for \"--revision\" flag: strconv.ParseInt: parsing \"{revision}\": invalid syntax"
        ));
    }
    let mut stdout = String::new();
    for object in objects {
        let resource_type = object.resource_type();
        let (namespace, name) = (object.namespace().to_string(), object.name().to_string());
        let mut last_revision = simulation.api().resource_version();
        // The first status is the object as listed (an Added event).
        match rollout_status(&object) {
            Err(message) => {
                errors.push(KubectlError::Plain(message));
                continue;
            }
            Ok((message, done)) => {
                stdout.push_str(&message);
                if done || !watch {
                    continue;
                }
            }
        }
        let mut failure: Option<String> = None;
        let ended = wait_for(simulation, timeout, |simulation| {
            let api = simulation.api();
            let events: Vec<_> = match api.store().events_after(last_revision) {
                Some(events) => events
                    .filter(|event| {
                        std::ptr::eq(event.object.resource_type(), resource_type)
                            && event.object.namespace() == namespace
                            && event.object.name() == name
                    })
                    .cloned()
                    .collect(),
                None => api
                    .get_ref(resource_type, &namespace, &name)
                    .map(|object| {
                        vec![crate::api_server::WatchEvent {
                            event_type: crate::api_server::WatchEventType::Modified,
                            revision: api.resource_version(),
                            object: object.clone(),
                        }]
                    })
                    .unwrap_or_default(),
            };
            last_revision = api.resource_version();
            for event in events {
                if event.event_type == crate::api_server::WatchEventType::Deleted {
                    failure = Some("object has been deleted".to_string());
                    return Some(());
                }
                match rollout_status(&event.object) {
                    Err(message) => {
                        failure = Some(message);
                        return Some(());
                    }
                    Ok((message, done)) => {
                        stdout.push_str(&message);
                        if done {
                            return Some(());
                        }
                    }
                }
            }
            None
        });
        match ended {
            WaitEnd::Done(()) => {
                if let Some(message) = failure {
                    errors.push(KubectlError::Plain(message));
                }
            }
            WaitEnd::TimedOut => errors.push(KubectlError::Plain(
                "timed out waiting for the condition".to_string(),
            )),
            WaitEnd::Stuck(message) => errors.push(KubectlError::Plain(message)),
        }
    }
    finish(stdout, String::new(), &errors)
}

/// The deployment's ReplicaSets with their revisions, ascending.
fn revisions_of(simulation: &Simulation, deployment: &Deployment) -> Vec<(i64, ReplicaSet)> {
    let mut revisions: Vec<(i64, ReplicaSet)> = replica_sets_of(simulation.api(), deployment)
        .into_iter()
        .filter_map(|rs| revision(&rs).ok().map(|number| (number, rs)))
        .collect();
    revisions.sort_by_key(|(number, _)| *number);
    revisions
}

/// `printTemplate`: the pod template as `kubectl describe` prints it.
fn describe_template(template: &Value) -> String {
    let synthetic = json!({"metadata": {"name": ""}, "spec": {"template": template}});
    let context = DescribeContext {
        now: crate::time::SimTime::DEFAULT_EPOCH,
        events: None,
        ..DescribeContext::default()
    };
    let text = describe_deployment(&synthetic, &context);
    let mut out = String::new();
    let mut inside = false;
    for line in text.lines() {
        if line.starts_with("Pod Template:") {
            inside = true;
        } else if inside && !line.starts_with(' ') && !line.is_empty() {
            break;
        }
        if inside {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn history(
    simulation: &mut Simulation,
    flags: &Flags,
    objects: Vec<Object>,
    mut errors: Vec<KubectlError>,
) -> CommandOutput {
    let wanted = match flags.value("revision") {
        None => 0,
        Some(text) => match text.parse::<i64>() {
            Ok(number) => number,
            Err(_) => {
                return CommandOutput::error(format!(
                    "error: invalid argument \"{text}\" for \"--revision\" flag: strconv.ParseInt: parsing \"{text}\": invalid syntax"
                ));
            }
        },
    };
    let output = output_format(flags);
    let mut stdout = String::new();
    for object in objects {
        let resource_type = object.resource_type();
        let Some(deployment) = object.as_::<Deployment>() else {
            if matches!(object.kind(), "DaemonSet" | "StatefulSet") {
                // Their history is ControllerRevisions, which kubesim does not keep.
                stdout.push_str(&format!(
                    "{} \nNo rollout history found.\n",
                    crate::kubectl::outcome::object_name(resource_type, object.name())
                ));
                continue;
            }
            errors.push(KubectlError::Plain(format!(
                "no history viewer has been implemented for {:?}",
                object.kind()
            )));
            continue;
        };
        let revisions = revisions_of(simulation, deployment);
        let name = crate::kubectl::outcome::object_name(resource_type, object.name());
        if output == Some("name") {
            stdout.push_str(&format!("{name}\n"));
            continue;
        }
        if wanted > 0 {
            let Some((_, rs)) = revisions.iter().find(|(number, _)| *number == wanted) else {
                errors.push(KubectlError::Plain(
                    "unable to find the specified revision".to_string(),
                ));
                continue;
            };
            let template =
                serde_json::to_value(rs.spec().template.unwrap_or_default()).unwrap_or_default();
            stdout.push_str(&format!(
                "{name} with revision #{wanted}\n{}\n",
                describe_template(&template)
            ));
            continue;
        }
        if revisions.is_empty() {
            stdout.push_str(&format!("{name} \nNo rollout history found.\n"));
            continue;
        }
        let mut rows = vec![vec!["REVISION".to_string(), "CHANGE-CAUSE".to_string()]];
        for (number, rs) in &revisions {
            let cause = rs
                .metadata
                .annotation(CHANGE_CAUSE_ANNOTATION)
                .filter(|cause| !cause.is_empty())
                .unwrap_or("<none>");
            rows.push(vec![number.to_string(), cause.to_string()]);
        }
        stdout.push_str(&format!(
            "{name} \n{}\n",
            crate::kubectl::printers::table::render_with(&rows, 0, 2)
        ));
    }
    finish(stdout, String::new(), &errors)
}

fn undo(
    simulation: &mut Simulation,
    flags: &Flags,
    objects: Vec<Object>,
    mut errors: Vec<KubectlError>,
) -> CommandOutput {
    let to_revision = match flags.value("to-revision") {
        None => 0,
        Some(text) => match text.parse::<i64>() {
            Ok(number) => number,
            Err(_) => {
                return CommandOutput::error(format!(
                    "error: invalid argument \"{text}\" for \"--to-revision\" flag: strconv.ParseInt: parsing \"{text}\": invalid syntax"
                ));
            }
        },
    };
    let dry_run = match DryRun::from_flags(flags) {
        Ok(dry_run) => dry_run,
        Err(output) => return output,
    };
    let output = output_format(flags);
    let mut stdout = String::new();
    let mut scratch = (dry_run == DryRun::Server).then(|| simulation.api().clone());
    for object in objects {
        let resource_type = object.resource_type();
        let Some(deployment) = object.as_::<Deployment>() else {
            errors.push(KubectlError::Plain(format!(
                "no rollbacker has been implemented for {:?}",
                object.kind()
            )));
            continue;
        };
        if to_revision < 0 {
            errors.push(KubectlError::Plain(format!(
                "unable to find specified revision {to_revision} in history"
            )));
            continue;
        }
        // deploymentRevision: the named revision, or (0) the second newest.
        let revisions = revisions_of(simulation, deployment);
        let target = if to_revision > 0 {
            match revisions.iter().find(|(number, _)| *number == to_revision) {
                Some((_, rs)) => rs.clone(),
                None => {
                    errors.push(KubectlError::Plain(format!(
                        "unable to find specified revision {to_revision} in history"
                    )));
                    continue;
                }
            }
        } else {
            match revisions
                .len()
                .checked_sub(2)
                .and_then(|index| revisions.get(index))
            {
                Some((_, rs)) => rs.clone(),
                None => {
                    errors.push(KubectlError::Plain(format!(
                        "no rollout history found for deployment {:?}",
                        object.name()
                    )));
                    continue;
                }
            }
        };
        let mut template = target.spec().template.unwrap_or_default();
        if dry_run == DryRun::Client {
            let value = serde_json::to_value(&template).unwrap_or_default();
            stdout.push_str(&format!(
                "{} {}",
                crate::kubectl::outcome::object_name(resource_type, object.name()),
                describe_template(&value)
            ));
            continue;
        }
        if deployment.spec().paused == Some(true) {
            errors.push(KubectlError::Plain(
                "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again".to_string(),
            ));
            continue;
        }
        let current_template = deployment.spec().template.unwrap_or_default();
        if equal_ignore_hash(&template, &current_template) {
            stdout.push_str(&operation_line(
                resource_type,
                object.name(),
                &format!(
                    "skipped rollback (current template already matches revision {to_revision})"
                ),
                DryRun::None,
                output,
            ));
            continue;
        }
        if let Some(labels) = template
            .metadata
            .as_mut()
            .and_then(|meta| meta.labels.as_mut())
        {
            labels.remove(POD_TEMPLATE_HASH_LABEL);
        }
        let mut annotations: Map<String, Value> = Map::new();
        for (key, value) in deployment.metadata.annotations.iter().flatten() {
            if skip_copy_annotation(key) {
                annotations.insert(key.clone(), json!(value));
            }
        }
        for (key, value) in target.metadata.annotations.iter().flatten() {
            if !skip_copy_annotation(key) {
                annotations.insert(key.clone(), json!(value));
            }
        }
        let mut value = object.to_value();
        value["spec"]["template"] = serde_json::to_value(&template).unwrap_or_default();
        value["metadata"]["annotations"] = Value::Object(annotations);
        let api = match scratch.as_mut() {
            Some(scratch) => scratch,
            None => simulation.api_mut(),
        };
        if let Err(error) = write_value(api, value) {
            errors.push(KubectlError::Plain(format!(
                "failed restoring revision {to_revision}: {error}"
            )));
            continue;
        }
        stdout.push_str(&operation_line(
            resource_type,
            object.name(),
            "rolled back",
            dry_run,
            output,
        ));
    }
    finish(stdout, String::new(), &errors)
}
