//! The EndpointSlice controller: every Service with a selector gets EndpointSlices
//! listing its pods, at most 100 endpoints per slice.
//!
//! Upstream: `pkg/controller/endpointslice/endpointslice_controller.go` and
//! `staging/src/k8s.io/endpointslice/{reconciler.go,utils.go}`.
//! - Slices are named `<service>-<random>` (generateName), owned by the Service (so the
//!   garbage collector deletes them with it), labelled `kubernetes.io/service-name`
//!   and `endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io`
//!   plus the Service's own labels, and have addressType IPv4.
//! - Unlike legacy Endpoints, terminating pods are listed, with conditions:
//!   serving = pod Ready, terminating = being deleted,
//!   ready = publishNotReadyAddresses or (serving and not terminating).
//! - Pods whose named target ports resolve to different numbers go to different
//!   slices (one group per port mapping).
//! - Placement keeps endpoints in the slice they are in, fills slices that are being
//!   updated anyway, then the fullest slice with room, and only then creates slices;
//!   an empty slice is deleted. A Service with no endpoints keeps one placeholder slice.
//! - Slices are written only when their endpoints, ports or labels changed.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::api_server::{ApiServer, DeleteOptions, ObjectKey, WatchEvent, WatchEventType};
use crate::controllers::endpoints::{
    HEADLESS_SERVICE_LABEL, LAST_CHANGE_TRIGGER_TIME_ANNOTATION, ServiceMembership,
    TriggerTimeTracker, find_port, hostname_for_service, is_service_ip_set, pod_ip,
    should_pod_be_in_endpoints,
};
use crate::controllers::{Action, Controller, ControllerContext, WorkQueue};
use crate::model::endpoint_slice::{
    Endpoint, EndpointConditions, EndpointSlice, EndpointSlicePort,
};
use crate::model::event::ObjectReference;
use crate::model::node::Node;
use crate::model::pod::Pod;
use crate::model::service::Service;
use crate::model::{Object, ObjectMeta, OwnerReference, Resource};

/// `--max-endpoints-per-slice` default.
pub const MAX_ENDPOINTS_PER_SLICE: usize = 100;
/// `kubernetes.io/service-name`.
pub const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";
/// `endpointslice.kubernetes.io/managed-by`.
pub const MANAGED_BY_LABEL: &str = "endpointslice.kubernetes.io/managed-by";
/// This controller's value of the managed-by label.
pub const CONTROLLER_NAME: &str = "endpointslice-controller.k8s.io";
/// `topology.kubernetes.io/zone`, copied from the pod's node to its endpoint.
pub const ZONE_LABEL: &str = "topology.kubernetes.io/zone";

/// A slice's ports in a canonical order, to group endpoints by port mapping.
type PortKey = Vec<(String, i32, String, String)>;

fn port_key(ports: &[EndpointSlicePort]) -> PortKey {
    let mut key: PortKey = ports
        .iter()
        .map(|p| {
            (
                p.name.clone().unwrap_or_default(),
                p.port.unwrap_or(0),
                p.protocol.clone().unwrap_or_default(),
                p.app_protocol.clone().unwrap_or_default(),
            )
        })
        .collect();
    key.sort();
    key
}

/// `getEndpointPorts`: the Service's ports as this pod serves them, skipping ports the
/// pod cannot resolve. Every port carries a name, "" when the Service port has none.
pub fn endpoint_ports(service: &Service, pod: &Pod) -> Vec<EndpointSlicePort> {
    let ports = service
        .spec
        .as_ref()
        .and_then(|s| s.ports.as_deref())
        .unwrap_or(&[]);
    ports
        .iter()
        .filter_map(|port| {
            let number = find_port(pod, port)?;
            Some(EndpointSlicePort {
                name: Some(port.name.clone().unwrap_or_default()),
                protocol: Some(port.protocol.clone().unwrap_or_else(|| "TCP".to_string())),
                port: Some(number),
                app_protocol: port.app_protocol.clone(),
            })
        })
        .collect()
}

/// `podToEndpoint`: the pod's endpoint, with its conditions.
/// Example: a Ready pod being deleted is serving and terminating but not ready,
/// unless the Service publishes not-ready addresses.
pub fn pod_to_endpoint(pod: &Pod, node: Option<&Node>, service: &Service) -> Endpoint {
    let serving = pod.is_ready();
    let terminating = pod.metadata.is_being_deleted();
    let publish_not_ready = service
        .spec
        .as_ref()
        .and_then(|s| s.publish_not_ready_addresses)
        .unwrap_or(false);
    let ready = publish_not_ready || (serving && !terminating);
    let zone = node
        .and_then(|n| n.metadata.label(ZONE_LABEL))
        .filter(|z| !z.is_empty())
        .map(str::to_string);
    Endpoint {
        addresses: Some(vec![pod_ip(pod).to_string()]),
        conditions: Some(EndpointConditions {
            ready: Some(ready),
            serving: Some(serving),
            terminating: Some(terminating),
        }),
        hostname: hostname_for_service(pod, service),
        target_ref: Some(ObjectReference {
            kind: Some("Pod".to_string()),
            namespace: Some(pod.metadata.namespace().to_string()),
            name: Some(pod.metadata.name().to_string()),
            uid: Some(pod.metadata.uid().to_string()),
            ..ObjectReference::default()
        }),
        deprecated_topology: None,
        node_name: (!pod.node_name().is_empty()).then(|| pod.node_name().to_string()),
        zone,
        hints: None,
    }
}

/// `setEndpointSliceLabels`: the Service's labels (but not the reserved ones), the
/// headless label for a headless Service, the service name and managed-by.
pub fn slice_labels(service: &Service) -> BTreeMap<String, String> {
    let mut labels: BTreeMap<String, String> = service
        .metadata
        .labels
        .iter()
        .flatten()
        .filter(|(key, _)| {
            !matches!(
                key.as_str(),
                SERVICE_NAME_LABEL | MANAGED_BY_LABEL | HEADLESS_SERVICE_LABEL
            )
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if !is_service_ip_set(service) {
        labels.insert(HEADLESS_SERVICE_LABEL.to_string(), String::new());
    }
    labels.insert(
        SERVICE_NAME_LABEL.to_string(),
        service.metadata.name().to_string(),
    );
    labels.insert(MANAGED_BY_LABEL.to_string(), CONTROLLER_NAME.to_string());
    labels
}

fn endpoint_pod_name(endpoint: &Endpoint) -> &str {
    endpoint
        .target_ref
        .as_ref()
        .and_then(|r| r.name.as_deref())
        .unwrap_or("")
}

/// One slice's planned state.
struct PlannedSlice {
    /// None for a slice to create.
    existing: Option<EndpointSlice>,
    ports: Vec<EndpointSlicePort>,
    endpoints: Vec<Endpoint>,
    changed: bool,
}

/// What a sync writes: slices to create, to update and to delete.
#[derive(Default)]
pub struct SlicePlan {
    pub to_create: Vec<EndpointSlice>,
    pub to_update: Vec<EndpointSlice>,
    pub to_delete: Vec<EndpointSlice>,
}

/// The reconciler's placement for one Service: `existing` are its current slices,
/// `desired` its endpoints grouped by port mapping (each group in pod-name order).
pub fn plan_slices(
    service: &Service,
    existing: Vec<EndpointSlice>,
    desired: BTreeMap<PortKey, (Vec<EndpointSlicePort>, Vec<Endpoint>)>,
    max_per_slice: usize,
) -> SlicePlan {
    let labels = slice_labels(service);
    let mut plan = SlicePlan::default();
    let existing_count = existing.len();
    let mut by_key: BTreeMap<PortKey, Vec<EndpointSlice>> = BTreeMap::new();
    for slice in existing {
        let key = port_key(slice.ports.as_deref().unwrap_or(&[]));
        if desired.contains_key(&key) {
            by_key.entry(key).or_default().push(slice);
        } else {
            plan.to_delete.push(slice);
        }
    }
    for (key, (ports, endpoints)) in desired {
        let mut remaining: BTreeMap<String, Endpoint> = endpoints
            .into_iter()
            .map(|e| (endpoint_pod_name(&e).to_string(), e))
            .collect();
        let order: Vec<String> = remaining.keys().cloned().collect();
        let mut planned: Vec<PlannedSlice> = Vec::new();
        for slice in by_key.remove(&key).unwrap_or_default() {
            let mut kept = Vec::new();
            let mut changed = false;
            for endpoint in slice.endpoints.iter().flatten() {
                match remaining.remove(endpoint_pod_name(endpoint)) {
                    Some(wanted) => {
                        if &wanted != endpoint {
                            changed = true;
                        }
                        kept.push(wanted);
                    }
                    None => changed = true,
                }
            }
            if slice.metadata.labels.as_ref() != Some(&labels) {
                changed = true;
            }
            if kept.is_empty() {
                plan.to_delete.push(slice);
                continue;
            }
            planned.push(PlannedSlice {
                existing: Some(slice),
                ports: ports.clone(),
                endpoints: kept,
                changed,
            });
        }
        let mut to_place: std::collections::VecDeque<Endpoint> = order
            .iter()
            .filter_map(|name| remaining.remove(name))
            .collect();
        // Slices that are written anyway take new endpoints first.
        for slice in planned.iter_mut().filter(|s| s.changed) {
            while slice.endpoints.len() < max_per_slice {
                let Some(endpoint) = to_place.pop_front() else {
                    break;
                };
                slice.endpoints.push(endpoint);
            }
        }
        // Then full slices are created for what is left over by a whole slice or more.
        while to_place.len() >= max_per_slice {
            let endpoints: Vec<Endpoint> = to_place.drain(..max_per_slice).collect();
            planned.push(PlannedSlice {
                existing: None,
                ports: ports.clone(),
                endpoints,
                changed: true,
            });
        }
        // The rest goes into the fullest unchanged slice it fits, else a new slice.
        if !to_place.is_empty() {
            let candidate = planned
                .iter_mut()
                .filter(|s| !s.changed && s.endpoints.len() + to_place.len() <= max_per_slice)
                .max_by_key(|s| s.endpoints.len());
            match candidate {
                Some(slice) => {
                    slice.endpoints.extend(to_place.drain(..));
                    slice.changed = true;
                }
                None => planned.push(PlannedSlice {
                    existing: None,
                    ports: ports.clone(),
                    endpoints: to_place.drain(..).collect(),
                    changed: true,
                }),
            }
        }
        for slice in planned {
            if !slice.changed {
                continue;
            }
            match slice.existing {
                Some(mut existing) => {
                    existing.endpoints = Some(slice.endpoints);
                    existing.ports = Some(slice.ports);
                    existing.metadata.labels = Some(labels.clone());
                    plan.to_update.push(existing);
                }
                None => {
                    plan.to_create
                        .push(new_slice(service, &labels, slice.ports, slice.endpoints))
                }
            }
        }
    }
    plan.to_delete.extend(by_key.into_values().flatten());
    // A Service without endpoints keeps one placeholder slice.
    if existing_count == plan.to_delete.len() && plan.to_create.is_empty() {
        let placeholder = new_slice(service, &labels, Vec::new(), Vec::new());
        let is_placeholder = |slice: &EndpointSlice| {
            slice.endpoints.as_ref().is_none_or(Vec::is_empty)
                && slice.ports.as_ref().is_none_or(Vec::is_empty)
                && slice.address_type == placeholder.address_type
        };
        if plan.to_delete.len() == 1 && is_placeholder(&plan.to_delete[0]) {
            let mut kept = plan.to_delete.remove(0);
            if kept.metadata.labels.as_ref() != Some(&labels) {
                kept.metadata.labels = Some(labels);
                plan.to_update.push(kept);
            }
        } else {
            plan.to_create.push(placeholder);
        }
    }
    plan
}

fn new_slice(
    service: &Service,
    labels: &BTreeMap<String, String>,
    ports: Vec<EndpointSlicePort>,
    endpoints: Vec<Endpoint>,
) -> EndpointSlice {
    EndpointSlice {
        metadata: ObjectMeta {
            generate_name: Some(format!("{}-", service.metadata.name())),
            namespace: Some(service.metadata.namespace().to_string()),
            labels: Some(labels.clone()),
            owner_references: Some(
                vec![OwnerReference::controller_of(
                    "v1",
                    "Service",
                    &service.metadata,
                )]
                .into(),
            ),
            ..ObjectMeta::default()
        },
        address_type: Some("IPv4".to_string()),
        endpoints: (!endpoints.is_empty()).then_some(endpoints),
        ports: (!ports.is_empty()).then_some(ports),
    }
}

/// The EndpointSlice controller.
#[derive(Debug, Default)]
pub struct EndpointSliceController {
    membership: ServiceMembership,
    trigger_times: TriggerTimeTracker,
}

impl Controller for EndpointSliceController {
    fn name(&self) -> &'static str {
        "endpointslice-controller"
    }

    fn watches(&self) -> crate::controllers::Watches {
        crate::controllers::Watches::Kinds(&["EndpointSlice", "Service", "Pod"])
    }

    fn observe(&mut self, event: &WatchEvent, api: &ApiServer, queue: &mut WorkQueue) {
        if let Object::EndpointSlice(slice) = &*event.object {
            // A slice of ours changed or went behind our back: sync its Service.
            if slice.metadata.label(MANAGED_BY_LABEL) == Some(CONTROLLER_NAME)
                && event.event_type == WatchEventType::Deleted
                && let Some(service) = slice.metadata.label(SERVICE_NAME_LABEL)
            {
                queue.add(ObjectKey::new(
                    Service::resource_type(),
                    slice.metadata.namespace(),
                    service,
                ));
            }
            return;
        }
        self.membership.observe(event, api, queue);
    }

    fn resync(&mut self, api: &ApiServer, queue: &mut WorkQueue) {
        self.membership.resync(api, queue);
    }

    fn reconcile(&mut self, key: &ObjectKey, context: &mut ControllerContext<'_>) -> Action {
        let Some(object) = context.api.store().get(key).map(Arc::clone) else {
            // The garbage collector deletes the slices of a deleted Service.
            self.trigger_times.delete_service(&key.namespace, &key.name);
            return Action::Done;
        };
        let Some(service) = object.as_::<Service>() else {
            return Action::Done;
        };
        if service.type_() == "ExternalName"
            || service
                .spec
                .as_ref()
                .and_then(|s| s.selector.as_ref())
                .is_none()
        {
            return Action::Done;
        }
        let pod_type = Pod::resource_type();
        let pods: Vec<Arc<Object>> = self
            .membership
            .members(&key.namespace, &key.name)
            .filter_map(|name| context.api.get_ref(pod_type, &key.namespace, name))
            .map(Arc::clone)
            .collect();
        let pods: Vec<&Pod> = pods.iter().filter_map(|o| o.as_::<Pod>()).collect();
        let trigger_time = self.trigger_times.compute(service, pods.iter().copied());

        let mut desired: BTreeMap<PortKey, (Vec<EndpointSlicePort>, Vec<Endpoint>)> =
            BTreeMap::new();
        for pod in &pods {
            if !should_pod_be_in_endpoints(pod, true) {
                continue;
            }
            let node = context
                .api
                .get_ref(Node::resource_type(), "", pod.node_name())
                .and_then(|o| o.as_::<Node>());
            // Upstream skips a pod whose node it cannot find (and retries the sync).
            if node.is_none() && !pod.node_name().is_empty() {
                continue;
            }
            let ports = endpoint_ports(service, pod);
            let entry = desired
                .entry(port_key(&ports))
                .or_insert_with(|| (ports, Vec::new()));
            entry.1.push(pod_to_endpoint(pod, node, service));
        }

        let slice_keys: BTreeSet<ObjectKey> = context
            .api
            .store()
            .dependents_of(service.metadata.uid())
            .filter(|k| k.resource_type() == EndpointSlice::resource_type())
            .cloned()
            .collect();
        let existing: Vec<EndpointSlice> = slice_keys
            .iter()
            .filter_map(|k| context.api.store().get(k))
            .filter_map(|o| o.as_::<EndpointSlice>())
            .filter(|s| s.metadata.label(MANAGED_BY_LABEL) == Some(CONTROLLER_NAME))
            .filter(|s| !s.metadata.is_being_deleted())
            .cloned()
            .collect();
        let plan = plan_slices(service, existing, desired, MAX_ENDPOINTS_PER_SLICE);
        let stamp = |slice: &mut EndpointSlice| {
            if let Some(time) = trigger_time {
                slice
                    .metadata
                    .set_annotation(LAST_CHANGE_TRIGGER_TIME_ANNOTATION, &time.0.to_rfc3339());
            } else if let Some(annotations) = slice.metadata.annotations.as_mut() {
                annotations.remove(LAST_CHANGE_TRIGGER_TIME_ANNOTATION);
                if annotations.is_empty() {
                    slice.metadata.annotations = None;
                }
            }
        };
        let mut failed = false;
        for slice in plan.to_delete {
            let _ = context.api.delete(
                EndpointSlice::resource_type(),
                &key.namespace,
                slice.metadata.name(),
                &DeleteOptions::default(),
            );
        }
        for mut slice in plan.to_update {
            stamp(&mut slice);
            failed |= context
                .api
                .update(Object::EndpointSlice(Box::new(slice)))
                .is_err();
        }
        let created = plan.to_create.len();
        for mut slice in plan.to_create {
            stamp(&mut slice);
            // A terminating namespace refuses new slices; retrying would not help.
            if let Err(error) = context.api.create(Object::EndpointSlice(Box::new(slice))) {
                failed |= !error.to_string().contains("being terminated");
            }
        }
        if created > 0 {
            context.trace(format!(
                "endpointslices for {}/{}: created {created}",
                key.namespace, key.name
            ));
        }
        if failed {
            return Action::RequeueAfter(crate::time::SimDuration::from_secs(1));
        }
        Action::Done
    }
}

/// The `kubernetes` Service's EndpointSlice, as the API server's endpoint reconciler
/// writes it: named `kubernetes`, not owned, ready on the control plane's 6443.
pub fn kubernetes_service_slice(apiserver_ip: &str) -> EndpointSlice {
    EndpointSlice {
        metadata: ObjectMeta {
            name: Some("kubernetes".to_string()),
            namespace: Some("default".to_string()),
            labels: Some(BTreeMap::from([(
                SERVICE_NAME_LABEL.to_string(),
                "kubernetes".to_string(),
            )])),
            ..ObjectMeta::default()
        },
        address_type: Some("IPv4".to_string()),
        endpoints: Some(vec![Endpoint {
            addresses: Some(vec![apiserver_ip.to_string()]),
            conditions: Some(EndpointConditions {
                ready: Some(true),
                serving: None,
                terminating: None,
            }),
            ..Endpoint::default()
        }]),
        ports: Some(vec![EndpointSlicePort {
            name: Some("https".to_string()),
            protocol: Some("TCP".to_string()),
            port: Some(6443),
            app_protocol: None,
        }]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Time;
    use crate::model::pod::{PodCondition, PodStatus};
    use crate::time::SimTime;

    fn pod(ready: bool, terminating: bool) -> Pod {
        Pod {
            metadata: ObjectMeta {
                name: Some("web-1".to_string()),
                namespace: Some("default".to_string()),
                uid: Some("uid-1".to_string()),
                deletion_timestamp: terminating.then_some(Time(SimTime::DEFAULT_EPOCH)),
                ..ObjectMeta::default()
            },
            spec: None,
            status: Some(PodStatus {
                phase: Some("Running".to_string()),
                pod_ip: Some("10.244.1.5".to_string()),
                conditions: Some(vec![PodCondition {
                    type_: Some("Ready".to_string()),
                    status: Some(if ready { "True" } else { "False" }.to_string()),
                    ..PodCondition::default()
                }]),
                ..PodStatus::default()
            }),
        }
    }

    fn service(publish_not_ready: bool) -> Service {
        serde_json::from_value(serde_json::json!({
            "metadata": { "name": "web", "namespace": "default" },
            "spec": { "clusterIP": "10.96.5.5", "selector": { "app": "web" },
                "publishNotReadyAddresses": publish_not_ready },
        }))
        .unwrap()
    }

    /// After upstream `TestPodToEndpoint` (staging/src/k8s.io/endpointslice/utils_test.go):
    /// (pod ready, terminating, publishNotReadyAddresses) → (ready, serving, terminating).
    #[test]
    fn endpoint_conditions() {
        let cases = [
            ((true, false, false), (true, true, false)),
            ((false, false, false), (false, false, false)),
            ((true, true, false), (false, true, true)),
            ((false, true, false), (false, false, true)),
            ((false, false, true), (true, false, false)),
            ((true, true, true), (true, true, true)),
        ];
        for ((ready, terminating, publish), expected) in cases {
            let endpoint = pod_to_endpoint(&pod(ready, terminating), None, &service(publish));
            let c = endpoint.conditions.unwrap();
            assert_eq!(
                (c.ready.unwrap(), c.serving.unwrap(), c.terminating.unwrap()),
                expected,
                "ready={ready} terminating={terminating} publish={publish}"
            );
        }
    }

    #[test]
    fn placement_keeps_endpoints_in_place_and_caps_slices() {
        let svc = service(false);
        let endpoint = |n: usize| Endpoint {
            addresses: Some(vec![format!("10.0.0.{n}")]),
            target_ref: Some(ObjectReference {
                name: Some(format!("pod-{n:03}")),
                ..ObjectReference::default()
            }),
            ..Endpoint::default()
        };
        let ports = vec![EndpointSlicePort {
            name: Some(String::new()),
            port: Some(80),
            protocol: Some("TCP".to_string()),
            app_protocol: None,
        }];
        let desired = |count: usize| {
            BTreeMap::from([(
                port_key(&ports),
                (ports.clone(), (0..count).map(endpoint).collect::<Vec<_>>()),
            )])
        };
        // 250 endpoints, no slices yet: 100 + 100 + 50.
        let plan = plan_slices(&svc, Vec::new(), desired(250), 100);
        let mut sizes: Vec<usize> = plan
            .to_create
            .iter()
            .map(|s| s.endpoints.as_ref().unwrap().len())
            .collect();
        sizes.sort();
        assert_eq!(sizes, vec![50, 100, 100]);
        // One more endpoint goes into the slice with room; full slices are untouched.
        let mut existing = plan.to_create;
        for (i, slice) in existing.iter_mut().enumerate() {
            slice.metadata.name = Some(format!("web-{i}"));
        }
        let plan = plan_slices(&svc, existing, desired(251), 100);
        assert!(plan.to_create.is_empty() && plan.to_delete.is_empty());
        assert_eq!(plan.to_update.len(), 1);
        assert_eq!(plan.to_update[0].endpoints.as_ref().unwrap().len(), 51);
    }
}
