//! `kubectl describe TYPE [NAME_PREFIX]`, `TYPE/NAME`, `-l`, `-A`, `--show-events`.
//!
//! Upstream: `staging/src/k8s.io/kubectl/pkg/cmd/describe/describe.go` (`Run`,
//! `DescribeMatchingResources`) and `staging/src/k8s.io/kubectl/pkg/describe/describe.go`
//! (`searchEvents`: events whose involvedObject names this object; for pods the
//! kind is not compared, for nodes the uid may also be the node's name). Several
//! objects are separated by a blank line. A name that is not found is tried as a
//! prefix of the type's names (`kubectl describe pods web` describes every
//! `web-...` pod). The layouts are in `printers::describe`.

use std::sync::Arc;

use serde_json::Value;

use crate::api_server::field_selector::FieldSelector;
use crate::kubectl::output::{CommandError, with_errors};
use crate::kubectl::printers::describe::{DescribeContext, describe};
use crate::kubectl::resource_args::{Request, Scope, Selectors, fetch, resolve};
use crate::kubectl::{CommandOutput, Flags};
use crate::model::Object;
use crate::model::registry::{ResourceType, lookup_kind_name};
use crate::model::selector::Selector;
use crate::node::kubelet::node_status::NODE_LEASE_NAMESPACE;
use crate::simulation::Simulation;

const MISSING_RESOURCE: &str = "You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nSee 'kubectl describe -h' for help and examples\n";

/// The flags upstream's command defines (kubectl's global flags are always accepted).
const FLAGS: &[&str] = &[
    "l",
    "selector",
    "A",
    "all-namespaces",
    "f",
    "filename",
    "R",
    "recursive",
    "k",
    "kustomize",
    "show-events",
    "chunk-size",
];

pub fn run(simulation: &Simulation, flags: &Flags) -> CommandOutput {
    if let Err(output) = crate::kubectl::outcome::check_flags(flags, "describe", FLAGS) {
        return output;
    }
    match describe_command(simulation, flags) {
        Ok(output) => output,
        Err(error) => error.into_output(),
    }
}

fn describe_command(simulation: &Simulation, flags: &Flags) -> Result<CommandOutput, CommandError> {
    if flags.positional.is_empty() {
        return Ok(CommandOutput {
            stdout: String::new(),
            stderr: MISSING_RESOURCE.to_string(),
            exit_code: 1,
        });
    }
    let args = resolve(&flags.positional)?;
    let scope = Scope::from_flags(flags);
    let selectors = Selectors::from_flags(flags);
    let api = simulation.api();
    let mut result = fetch(api, &args, &scope, &selectors)?;
    // DescribeMatchingResources: `TYPE NAME` that is not found describes the names it prefixes.
    if let ([Request::Named(resource_type, prefix)], [CommandError::Api(error)]) =
        (args.requests.as_slice(), result.errors.as_slice())
        && error.is_not_found()
        && flags.positional.len() == 2
    {
        let matching: Vec<Arc<Object>> = api
            .list(resource_type, scope.list_namespace(resource_type))
            .filter(|object| object.name().starts_with(prefix.as_str()))
            .map(Arc::clone)
            .collect();
        if !matching.is_empty() {
            result.errors.clear();
            result.fetched = vec![crate::kubectl::resource_args::Fetched {
                resource_type,
                objects: matching,
                from_list: true,
            }];
        }
    }
    let show_events = flags.value("show-events") != Some("false");
    let mut stdout = String::new();
    let mut first = true;
    for fetched in &result.fetched {
        for object in &fetched.objects {
            let text = describe_object(simulation, object, show_events);
            if first {
                first = false;
            } else {
                stdout.push_str("\n\n");
            }
            stdout.push_str(&text);
        }
    }
    let mut output = CommandOutput::ok(stdout);
    if first && result.errors.is_empty() {
        output.stderr = if scope.all_namespaces {
            "No resources found\n".to_string()
        } else {
            format!("No resources found in {} namespace.\n", scope.namespace)
        };
    }
    Ok(with_errors(output, &result.errors))
}

/// One object's description, with the events and related objects its describer reads.
pub fn describe_object(simulation: &Simulation, object: &Object, show_events: bool) -> String {
    let api = simulation.api();
    let value = object.to_value();
    let kind = object.kind();
    let mut context = DescribeContext {
        now: api.now(),
        events: show_events.then(|| events_for(simulation, object)),
        ..DescribeContext::default()
    };
    let namespace = object.namespace();
    let owned_pods = |uid: &str| -> Vec<Value> {
        let Some(pods) = lookup_kind_name("Pod") else {
            return Vec::new();
        };
        api.list(pods, Some(namespace))
            .filter(|pod| {
                pod.metadata()
                    .controller_ref()
                    .is_some_and(|owner| owner.uid == uid)
            })
            .map(|pod| pod.to_value())
            .collect()
    };
    match kind {
        "ReplicaSet" | "DaemonSet" | "StatefulSet" | "Job" => {
            context.pods = owned_pods(object.metadata().uid());
        }
        "Node" => {
            if let Some(pods) = lookup_kind_name("Pod")
                && let Ok(fields) = FieldSelector::parse(&format!(
                    "spec.nodeName={},status.phase!=Succeeded,status.phase!=Failed",
                    object.name()
                ))
                && let Ok(found) = api.list_selected(pods, None, &Selector::everything(), &fields)
            {
                context.pods = found.iter().map(|pod| pod.to_value()).collect();
            }
            context.lease = lookup_kind_name("Lease")
                .and_then(|leases| api.get(leases, NODE_LEASE_NAMESPACE, object.name()).ok())
                .map(|lease| lease.to_value());
        }
        "Deployment" => {
            let (old, new) = deployment_replica_sets(simulation, object, &value);
            context.old_replica_sets = old;
            context.new_replica_sets = new;
        }
        "Service" => {
            if let Some(slices) = lookup_kind_name("EndpointSlice") {
                context.endpoint_slices = api
                    .list(slices, Some(namespace))
                    .filter(|slice| {
                        slice.metadata().label("kubernetes.io/service-name") == Some(object.name())
                    })
                    .map(|slice| slice.to_value())
                    .collect();
            }
        }
        _ => {}
    }
    let mut text = describe(kind, &value, &context);
    if let Some(extra) = scheduling_explanation(simulation, object) {
        text.push_str(&extra);
    }
    text
}

/// The hook for the scheduler's explanation of a pending pod (playground only).
/// kubectl prints nothing beyond upstream's describe output (the FailedScheduling
/// event carries the scheduler's message), so this returns None; a user interface
/// that wants more calls the scheduler's record itself.
pub fn scheduling_explanation(_simulation: &Simulation, _object: &Object) -> Option<String> {
    None
}

/// searchEvents: events in the object's namespace (all namespaces for
/// cluster-scoped objects) whose involvedObject is this object. Pods are matched
/// without the kind, and a node also matches events that carry its name as uid.
pub fn events_for(simulation: &Simulation, object: &Object) -> Vec<Value> {
    let api = simulation.api();
    let Some(events) = lookup_kind_name("Event") else {
        return Vec::new();
    };
    let resource_type: &ResourceType = object.resource_type();
    let namespace = if resource_type.namespaced {
        Some(object.namespace())
    } else {
        None
    };
    let uid = object.metadata().uid();
    api.list(events, namespace)
        .filter_map(|event| match &**event {
            Object::Event(event) => Some(event),
            _ => None,
        })
        .filter(|event| {
            let involved = &event.involved_object;
            let name_matches = involved.name.as_deref() == Some(object.name());
            let namespace_matches = !resource_type.namespaced
                || involved.namespace.as_deref().unwrap_or("") == object.namespace();
            let kind_matches = object.kind() == "Pod"
                || involved
                    .kind
                    .as_deref()
                    .is_none_or(|kind| kind == object.kind());
            let uid_matches = match involved.uid.as_deref() {
                None | Some("") => true,
                Some(event_uid) => {
                    event_uid == uid || (object.kind() == "Node" && event_uid == object.name())
                }
            };
            name_matches && namespace_matches && kind_matches && uid_matches
        })
        .filter_map(|event| serde_json::to_value(event).ok())
        .collect()
}

/// deploymentutil.GetAllReplicaSets: the ReplicaSets the Deployment controls, the
/// new one being the one whose template matches the Deployment's (ignoring the
/// pod-template-hash label).
fn deployment_replica_sets(
    simulation: &Simulation,
    deployment: &Object,
    value: &Value,
) -> (Vec<Value>, Vec<Value>) {
    let api = simulation.api();
    let Some(replica_sets) = lookup_kind_name("ReplicaSet") else {
        return (Vec::new(), Vec::new());
    };
    let uid = deployment.metadata().uid();
    let strip_hash = |template: Option<&Value>| {
        let mut template = template.cloned().unwrap_or(Value::Null);
        if let Some(labels) = template
            .pointer_mut("/metadata/labels")
            .and_then(Value::as_object_mut)
        {
            labels.remove("pod-template-hash");
            if labels.is_empty()
                && let Some(metadata) = template
                    .pointer_mut("/metadata")
                    .and_then(Value::as_object_mut)
            {
                metadata.remove("labels");
            }
        }
        template
    };
    let wanted = strip_hash(value.pointer("/spec/template"));
    let mut old = Vec::new();
    let mut new = Vec::new();
    for rs in api.list(replica_sets, Some(deployment.namespace())) {
        if rs
            .metadata()
            .controller_ref()
            .is_none_or(|owner| owner.uid != uid)
        {
            continue;
        }
        let rs_value = rs.to_value();
        if new.is_empty() && strip_hash(rs_value.pointer("/spec/template")) == wanted {
            new.push(rs_value);
        } else {
            old.push(rs_value);
        }
    }
    // Every old ReplicaSet, in listing order (describe shows allOldRSs).
    (old, new)
}
