//! The kubelet's node heartbeats: the node Lease and the NodeStatus.
//!
//! Upstream: `pkg/kubelet/nodelease` and `staging/src/k8s.io/component-helpers/apimachinery/lease`
//! (renew every `nodeLeaseDurationSeconds` × 0.25 = 10 s), and
//! `pkg/kubelet/kubelet_node_status.go` (every `nodeStatusUpdateFrequency` = 10 s the
//! kubelet computes its status, and posts it only when something changed or
//! `nodeStatusReportFrequency` = 5 min passed since the last post).
//!
//! The contract with the node-lifecycle controller: a healthy kubelet renews
//! `kube-node-lease/<node>` (`spec.renewTime`, MicroTime) every 10 s and posts its
//! Node conditions (Ready=True, `lastHeartbeatTime`) at least every 5 min. A failed
//! node (`Simulation::fail_node`) does neither: once `renewTime` and the Ready
//! condition's `lastHeartbeatTime` are both older than the 40 s grace period, the
//! controller sets the conditions to Unknown. When a recovered kubelet posts again,
//! it sets them back to its own values.

use std::collections::BTreeMap;

use serde_json::json;

use crate::api_server::{ApiError, ApiServer};
use crate::model::meta::{ObjectMeta, OwnerReference};
use crate::model::node::{ContainerImage, Node, NodeCondition};
use crate::model::registry::lookup_kind_name;
use crate::model::{GenericObject, Object, Time};
use crate::node::runtime::NodeState;
use crate::time::{SimDuration, SimTime};

/// The namespace of node leases.
pub const NODE_LEASE_NAMESPACE: &str = "kube-node-lease";
/// `nodeLeaseDurationSeconds`.
pub const NODE_LEASE_DURATION_SECONDS: i64 = 40;
/// How often the lease is renewed: 25 % of its duration (`nodelease.renewIntervalFraction`).
pub const LEASE_RENEW_INTERVAL: SimDuration = SimDuration::from_secs(10);
/// `nodeStatusUpdateFrequency`: how often the kubelet computes its NodeStatus.
pub const NODE_STATUS_UPDATE_FREQUENCY: SimDuration = SimDuration::from_secs(10);
/// `nodeStatusReportFrequency`: the longest the kubelet goes without posting it.
pub const NODE_STATUS_REPORT_FREQUENCY: SimDuration = SimDuration::from_mins(5);
/// `nodeStatusMaxImages`.
const MAX_IMAGES: usize = 50;

/// The conditions a healthy kubelet reports, in upstream's order.
const HEALTHY_CONDITIONS: [(&str, &str, &str, &str); 4] = [
    (
        "MemoryPressure",
        "False",
        "KubeletHasSufficientMemory",
        "kubelet has sufficient memory available",
    ),
    (
        "DiskPressure",
        "False",
        "KubeletHasNoDiskPressure",
        "kubelet has no disk pressure",
    ),
    (
        "PIDPressure",
        "False",
        "KubeletHasSufficientPID",
        "kubelet has sufficient PID available",
    ),
    (
        "Ready",
        "True",
        "KubeletReady",
        "kubelet is posting ready status",
    ),
];

/// Renews (or creates) the node's Lease. The write is a small generic object.
pub fn renew_lease(api: &mut ApiServer, node: &Node, now: SimTime) -> Result<(), ApiError> {
    let lease_type = lookup_kind_name("Lease").expect("Lease is served");
    let name = node.metadata.name();
    let renew_time = now.to_rfc3339_micros();
    // The renewal writes three spec fields, on the API server's lean path, which looks
    // the Lease up itself (a Lease is always a generic object: no typed model).
    match api.update_generic_spec(
        lease_type,
        NODE_LEASE_NAMESPACE,
        name,
        [
            ("renewTime", json!(renew_time)),
            ("holderIdentity", json!(name)),
            ("leaseDurationSeconds", json!(NODE_LEASE_DURATION_SECONDS)),
        ],
    ) {
        Ok(_) => {}
        Err(ApiError::NotFound { .. }) => {
            let mut owner = OwnerReference::controller_of("v1", "Node", &node.metadata);
            owner.controller = None;
            owner.block_owner_deletion = None;
            let lease = GenericObject {
                resource_type: lease_type,
                api_version: "coordination.k8s.io/v1".to_string(),
                metadata: ObjectMeta {
                    name: Some(name.to_string()),
                    namespace: Some(NODE_LEASE_NAMESPACE.to_string()),
                    owner_references: Some(vec![owner].into()),
                    ..ObjectMeta::default()
                },
                body: BTreeMap::from([(
                    "spec".to_string(),
                    json!({
                        "holderIdentity": name,
                        "leaseDurationSeconds": NODE_LEASE_DURATION_SECONDS,
                        "renewTime": renew_time,
                    }),
                )]),
            };
            api.create(Object::Generic(lease))?;
        }
        Err(error) => return Err(error),
    }
    Ok(())
}

/// The node's image list as the kubelet reports it: largest first, at most 50.
fn image_list(state: &NodeState) -> Vec<ContainerImage> {
    let mut images: Vec<ContainerImage> = state
        .images
        .iter()
        .map(|(name, cached)| ContainerImage {
            names: Some(vec![cached.image_id.clone(), name.clone()]),
            size_bytes: Some(cached.size_bytes),
        })
        .collect();
    images.sort_by(|a, b| {
        b.size_bytes
            .cmp(&a.size_bytes)
            .then_with(|| a.names.cmp(&b.names))
    });
    images.truncate(MAX_IMAGES);
    images
}

/// Posts the NodeStatus when it changed or the report frequency passed. Returns
/// true when it wrote.
pub fn update_node_status(
    api: &mut ApiServer,
    node: &Node,
    state: &mut NodeState,
    now: SimTime,
) -> Result<bool, ApiError> {
    let empty = Vec::new();
    let stored_conditions: &Vec<NodeCondition> = node
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .unwrap_or(&empty);
    let last_report = state.last_status_report.or_else(|| {
        node.condition("Ready")
            .and_then(|c| c.last_heartbeat_time)
            .map(|t| t.0)
    });
    let conditions_differ = HEALTHY_CONDITIONS.iter().any(|(type_, value, reason, _)| {
        stored_conditions
            .iter()
            .find(|c| c.type_.as_deref() == Some(type_))
            .is_none_or(|c| {
                c.status.as_deref() != Some(value) || c.reason.as_deref() != Some(reason)
            })
    });
    let report_due = last_report.is_none_or(|last| now - last >= NODE_STATUS_REPORT_FREQUENCY);
    // Cheap checks first: this runs every 10 s on every node.
    if !conditions_differ && !state.images_changed && !report_due {
        return Ok(false);
    }
    let images = image_list(state);
    let images_differ = node
        .status
        .as_ref()
        .and_then(|s| s.images.as_deref())
        .unwrap_or(&[])
        != images.as_slice();
    if !conditions_differ && !images_differ && !report_due {
        state.images_changed = false;
        return Ok(false);
    }
    let mut status = node.status.clone().unwrap_or_default();
    let heartbeat = Time(now.truncated_to_seconds());
    let mut conditions: Vec<NodeCondition> = Vec::new();
    for (type_, value, reason, message) in HEALTHY_CONDITIONS {
        let old = stored_conditions
            .iter()
            .find(|c| c.type_.as_deref() == Some(type_));
        conditions.push(NodeCondition {
            type_: Some(type_.to_string()),
            status: Some(value.to_string()),
            last_heartbeat_time: Some(heartbeat),
            last_transition_time: match old {
                Some(old) if old.status.as_deref() == Some(value) => old.last_transition_time,
                _ => Some(heartbeat),
            },
            reason: Some(reason.to_string()),
            message: Some(message.to_string()),
        });
    }
    // Conditions other components report (NetworkUnavailable) stay.
    for old in stored_conditions {
        if !HEALTHY_CONDITIONS
            .iter()
            .any(|(t, ..)| old.type_.as_deref() == Some(t))
        {
            conditions.push(old.clone());
        }
    }
    status.conditions = Some(conditions);
    status.images = (!images.is_empty()).then_some(images);
    // The status subresource takes only the status: no copy of the node's spec or
    // metadata beyond its name (and no resourceVersion, so no conflict check).
    let next = Node {
        metadata: ObjectMeta {
            name: node.metadata.name.clone(),
            ..ObjectMeta::default()
        },
        spec: None,
        status: Some(status),
    };
    api.update_status(Object::Node(Box::new(next)))?;
    state.last_status_report = Some(now);
    state.images_changed = false;
    Ok(true)
}
