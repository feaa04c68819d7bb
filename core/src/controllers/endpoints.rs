//! The endpoints controller: every Service with a selector gets an `Endpoints`
//! object of the same name listing the IPs of its pods.
//!
//! Upstream: `pkg/controller/endpoint/endpoints_controller.go` (syncService) and
//! `staging/src/k8s.io/endpointslice/util/controller_utils.go` (ShouldPodBeInEndpoints,
//! ShouldSetHostname, GetServicesToUpdateOnPodChange).
//! - Services of type ExternalName and Services without a selector are left alone
//!   (their Endpoints, if any, are the user's).
//! - A pod is listed when it has an IP and is not terminal; a terminating pod only
//!   with `publishNotReadyAddresses`. It goes under `addresses` when Ready (or when
//!   the Service publishes not-ready addresses), else under `notReadyAddresses`.
//! - Each Service port resolves its `targetPort` on the pod (a named port is looked
//!   up in the pod's containers); pods whose ports resolve alike share a subset.
//! - More than 1000 addresses are truncated, and the Endpoints are annotated
//!   `endpoints.kubernetes.io/over-capacity: truncated`.
//! - The Endpoints carry the Service's labels, plus `service.kubernetes.io/headless`
//!   for a headless Service, and are written only when something changed.
//!
//! [`ServiceMembership`] is the informer-side index both this controller and the
//! EndpointSlice controller keep: which pods each Service selects, so that a pod
//! change queues only the Services it concerns and a sync reads only their pods.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::api_server::{ApiServer, DeleteOptions, ObjectKey, WatchEvent, WatchEventType};
use crate::controllers::{Action, Controller, ControllerContext, WorkQueue};
use crate::model::endpoints::{EndpointAddress, EndpointPort, EndpointSubset, Endpoints};
use crate::model::event::ObjectReference;
use crate::model::intstr::IntOrString;
use crate::model::pod::Pod;
use crate::model::selector::Selector;
use crate::model::service::{Service, ServicePort};
use crate::model::{Object, ObjectMeta, Resource};

/// `endpoints.kubernetes.io/over-capacity`.
pub const OVER_CAPACITY_ANNOTATION: &str = "endpoints.kubernetes.io/over-capacity";
/// `endpoints.kubernetes.io/last-change-trigger-time`.
pub const LAST_CHANGE_TRIGGER_TIME_ANNOTATION: &str =
    "endpoints.kubernetes.io/last-change-trigger-time";
/// `service.kubernetes.io/headless`, set on the endpoints of a headless Service.
pub const HEADLESS_SERVICE_LABEL: &str = "service.kubernetes.io/headless";
/// The most addresses one Endpoints object holds (`maxCapacity`).
pub const MAX_ENDPOINTS_CAPACITY: usize = 1000;

/// What about a pod matters to its Services' endpoints. A pod event that changes
/// none of it (an annotation, a container restart count) queues nothing.
#[derive(Clone, Debug, PartialEq)]
struct PodDigest {
    pod_ip: String,
    node_name: String,
    ready: bool,
    ready_transition: Option<crate::model::Time>,
    phase: String,
    terminating: bool,
    hostname: String,
    subdomain: String,
}

impl PodDigest {
    fn of(pod: &Pod) -> PodDigest {
        let spec = pod.spec.as_ref();
        let status = pod.status.as_ref();
        PodDigest {
            pod_ip: status.and_then(|s| s.pod_ip.clone()).unwrap_or_default(),
            node_name: pod.node_name().to_string(),
            ready: pod.is_ready(),
            ready_transition: ready_transition_time(pod),
            phase: pod.phase().to_string(),
            terminating: pod.metadata.is_being_deleted(),
            hostname: spec.and_then(|s| s.hostname.clone()).unwrap_or_default(),
            subdomain: spec.and_then(|s| s.subdomain.clone()).unwrap_or_default(),
        }
    }
}

/// The Ready condition's lastTransitionTime: a pod's endpoints trigger time
/// (`getPodTriggerTime` in `endpointslice/util/trigger_time_tracker.go`).
pub(crate) fn ready_transition_time(pod: &Pod) -> Option<crate::model::Time> {
    pod.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_.as_deref() == Some("Ready"))?
        .last_transition_time
}

#[derive(Clone, Debug)]
struct PodEntry {
    services: BTreeSet<String>,
    digest: PodDigest,
}

/// Which pods each selecting Service of a namespace selects, kept from watch events.
#[derive(Clone, Debug, Default)]
pub struct ServiceMembership {
    /// (namespace, service) → the Service's selector.
    selectors: BTreeMap<(String, String), Selector>,
    /// namespace → services with a selector.
    services_by_namespace: BTreeMap<String, BTreeSet<String>>,
    /// (namespace, pod) → the services selecting it and what they saw of it.
    pods: BTreeMap<(String, String), PodEntry>,
    /// (namespace, service) → the names of the pods it selects.
    members: BTreeMap<(String, String), BTreeSet<String>>,
}

impl ServiceMembership {
    /// Forgets everything, before a relist.
    pub fn clear(&mut self) {
        *self = ServiceMembership::default();
    }

    /// Rebuilds the index from the store and queues every Service.
    pub fn resync(&mut self, api: &ApiServer, queue: &mut WorkQueue) {
        self.clear();
        for object in api.list(Service::resource_type(), None) {
            if let Some(service) = object.as_::<Service>() {
                self.set_service(service, api);
                queue.add(ObjectKey::of(object));
            }
        }
    }

    /// Updates the index from a watch event and queues the Services it concerns.
    pub fn observe(&mut self, event: &WatchEvent, api: &ApiServer, queue: &mut WorkQueue) {
        match &*event.object {
            Object::Service(service) => {
                if event.event_type == WatchEventType::Deleted {
                    self.remove_service(service.metadata.namespace(), service.metadata.name());
                } else {
                    self.set_service(service, api);
                }
                queue.add(ObjectKey::of(&event.object));
            }
            Object::Pod(pod) => {
                let namespace = pod.metadata.namespace();
                for service in self.observe_pod(pod, event.event_type == WatchEventType::Deleted) {
                    queue.add(ObjectKey::new(
                        Service::resource_type(),
                        namespace,
                        &service,
                    ));
                }
            }
            _ => {}
        }
    }

    /// The names of the pods `namespace/service` selects.
    pub fn members(&self, namespace: &str, service: &str) -> impl Iterator<Item = &String> {
        self.members
            .get(&(namespace.to_string(), service.to_string()))
            .into_iter()
            .flatten()
    }

    fn set_service(&mut self, service: &Service, api: &ApiServer) {
        let namespace = service.metadata.namespace().to_string();
        let name = service.metadata.name().to_string();
        let selector = service
            .spec
            .as_ref()
            .and_then(|spec| spec.selector.as_ref())
            .map(Selector::from_set);
        let key = (namespace.clone(), name.clone());
        if self.selectors.get(&key) == selector.as_ref() {
            return;
        }
        self.remove_service(&namespace, &name);
        let Some(selector) = selector else {
            return;
        };
        // A new or changed selector: find its pods once, by scanning the namespace.
        let mut members = BTreeSet::new();
        for object in api.list(Pod::resource_type(), Some(&namespace)) {
            let Some(pod) = object.as_::<Pod>() else {
                continue;
            };
            if selector.matches(pod.metadata.labels_or_empty()) {
                members.insert(pod.metadata.name().to_string());
                self.pods
                    .entry((namespace.clone(), pod.metadata.name().to_string()))
                    .or_insert_with(|| PodEntry {
                        services: BTreeSet::new(),
                        digest: PodDigest::of(pod),
                    })
                    .services
                    .insert(name.clone());
            }
        }
        self.members.insert(key.clone(), members);
        self.selectors.insert(key, selector);
        self.services_by_namespace
            .entry(namespace)
            .or_default()
            .insert(name);
    }

    fn remove_service(&mut self, namespace: &str, name: &str) {
        let key = (namespace.to_string(), name.to_string());
        self.selectors.remove(&key);
        if let Some(services) = self.services_by_namespace.get_mut(namespace) {
            services.remove(name);
            if services.is_empty() {
                self.services_by_namespace.remove(namespace);
            }
        }
        for pod in self.members.remove(&key).into_iter().flatten() {
            let pod_key = (namespace.to_string(), pod);
            if let Some(entry) = self.pods.get_mut(&pod_key) {
                entry.services.remove(name);
                if entry.services.is_empty() {
                    self.pods.remove(&pod_key);
                }
            }
        }
    }

    /// Updates a pod's memberships; returns the Services whose endpoints it may change
    /// (the union of those it was and is a member of, as `GetServicesToUpdateOnPodChange`).
    fn observe_pod(&mut self, pod: &Pod, deleted: bool) -> BTreeSet<String> {
        let namespace = pod.metadata.namespace().to_string();
        let name = pod.metadata.name().to_string();
        let pod_key = (namespace.clone(), name.clone());
        let old = self.pods.remove(&pod_key);
        let mut now_member = BTreeSet::new();
        if !deleted && let Some(services) = self.services_by_namespace.get(&namespace) {
            let labels = pod.metadata.labels_or_empty();
            for service in services {
                if self
                    .selectors
                    .get(&(namespace.clone(), service.clone()))
                    .is_some_and(|selector| selector.matches(labels))
                {
                    now_member.insert(service.clone());
                }
            }
        }
        // A pod no Service selects, before or now, changes nothing: most pods of a
        // workload without a Service, on every status write.
        if old.is_none() && now_member.is_empty() {
            return BTreeSet::new();
        }
        let digest = PodDigest::of(pod);
        let mut affected = BTreeSet::new();
        match &old {
            Some(old) => {
                for service in old.services.symmetric_difference(&now_member) {
                    affected.insert(service.clone());
                }
                if old.digest != digest || deleted {
                    affected.extend(now_member.iter().cloned());
                    affected.extend(old.services.iter().cloned());
                }
            }
            None => affected.extend(now_member.iter().cloned()),
        }
        for service in old.iter().flat_map(|old| old.services.iter()) {
            if !now_member.contains(service)
                && let Some(members) = self.members.get_mut(&(namespace.clone(), service.clone()))
            {
                members.remove(&name);
            }
        }
        for service in &now_member {
            self.members
                .entry((namespace.clone(), service.clone()))
                .or_default()
                .insert(name.clone());
        }
        if !now_member.is_empty() {
            self.pods.insert(
                pod_key,
                PodEntry {
                    services: now_member,
                    digest,
                },
            );
        }
        affected
    }
}

/// `ShouldPodBeInEndpoints`: a pod with an IP that is not terminal; a terminating pod
/// only when `include_terminating`.
pub fn should_pod_be_in_endpoints(pod: &Pod, include_terminating: bool) -> bool {
    if matches!(pod.phase(), "Succeeded" | "Failed") {
        return false;
    }
    if pod_ip(pod).is_empty() {
        return false;
    }
    if !include_terminating && pod.metadata.is_being_deleted() {
        return false;
    }
    true
}

/// The pod's IPv4 address (`status.podIPs[0]`, or `status.podIP`).
pub fn pod_ip(pod: &Pod) -> &str {
    let Some(status) = pod.status.as_ref() else {
        return "";
    };
    status
        .pod_ips
        .as_ref()
        .and_then(|ips| ips.iter().find_map(|ip| ip.ip.as_deref()))
        .filter(|ip| !ip.is_empty() && !ip.contains(':'))
        .or(status.pod_ip.as_deref())
        .unwrap_or("")
}

/// `ShouldSetHostname`: the pod's hostname, when its subdomain names this Service.
pub fn hostname_for_service(pod: &Pod, service: &Service) -> Option<String> {
    let spec = pod.spec.as_ref()?;
    let hostname = spec.hostname.as_deref().filter(|h| !h.is_empty())?;
    (spec.subdomain.as_deref() == Some(service.metadata.name())
        && pod.metadata.namespace() == service.metadata.namespace())
    .then(|| hostname.to_string())
}

/// `podutil.FindPort`: a numeric targetPort as is; a named one is the container port
/// of that name and the Service port's protocol. None when the pod has no such port.
/// Example: targetPort "http" with a container port `{name: http, containerPort: 8080}` → 8080.
pub fn find_port(pod: &Pod, service_port: &ServicePort) -> Option<i32> {
    let protocol = service_port.protocol.as_deref().unwrap_or("TCP");
    match service_port.target_port.as_ref() {
        Some(IntOrString::Int(port)) => Some(*port),
        Some(IntOrString::String(name)) => {
            if let Ok(port) = name.parse::<i32>() {
                return Some(port);
            }
            let spec = pod.spec.as_ref()?;
            // Regular containers, then sidecars (restartable init containers).
            let sidecars = spec
                .init_containers
                .iter()
                .flatten()
                .filter(|c| c.restart_policy.as_deref() == Some("Always"));
            spec.containers
                .iter()
                .flatten()
                .chain(sidecars)
                .flat_map(|c| c.ports.iter().flatten())
                .find(|p| {
                    p.name.as_deref() == Some(name.as_str())
                        && p.protocol.as_deref().unwrap_or("TCP") == protocol
                })
                .and_then(|p| p.container_port)
        }
        // The API server defaults targetPort to the port.
        None => service_port.port,
    }
}

/// True when the Service has a ClusterIP (`helper.IsServiceIPSet`): not headless.
pub fn is_service_ip_set(service: &Service) -> bool {
    let ip = service
        .spec
        .as_ref()
        .and_then(|s| s.cluster_ip.as_deref())
        .unwrap_or("");
    !ip.is_empty() && ip != "None"
}

fn pod_reference(pod: &Pod) -> ObjectReference {
    ObjectReference {
        kind: Some("Pod".to_string()),
        namespace: Some(pod.metadata.namespace().to_string()),
        name: Some(pod.metadata.name().to_string()),
        uid: Some(pod.metadata.uid().to_string()),
        ..ObjectReference::default()
    }
}

/// The subsets the Service's pods make, repacked and sorted as `endpoints.RepackSubsets`:
/// one subset per distinct port set, addresses sorted by IP (as text) then pod uid.
pub fn compute_subsets<'a>(
    service: &Service,
    pods: impl IntoIterator<Item = &'a Pod>,
) -> Vec<EndpointSubset> {
    let spec = service.spec.as_ref();
    let publish_not_ready = spec
        .and_then(|s| s.publish_not_ready_addresses)
        .unwrap_or(false);
    let ports: &[ServicePort] = spec.and_then(|s| s.ports.as_deref()).unwrap_or(&[]);
    let headless = !is_service_ip_set(service);
    // Port set → (ready addresses, not-ready addresses).
    type Addresses = (Vec<EndpointAddress>, Vec<EndpointAddress>);
    let mut by_ports: BTreeMap<Vec<(String, i32, String, String)>, Addresses> = BTreeMap::new();
    for pod in pods {
        if !should_pod_be_in_endpoints(pod, publish_not_ready) {
            continue;
        }
        let address = EndpointAddress {
            ip: Some(pod_ip(pod).to_string()),
            hostname: hostname_for_service(pod, service),
            node_name: (!pod.node_name().is_empty()).then(|| pod.node_name().to_string()),
            target_ref: Some(pod_reference(pod)),
        };
        let ready = publish_not_ready || pod.is_ready();
        let mut add = |port_key: Vec<(String, i32, String, String)>| {
            let entry = by_ports.entry(port_key).or_default();
            if ready {
                entry.0.push(address.clone());
            } else {
                entry.1.push(address.clone());
            }
        };
        if ports.is_empty() {
            // A headless Service may have no ports; its pods still get addresses.
            if headless {
                add(Vec::new());
            }
            continue;
        }
        // Each resolvable port makes a one-port subset, which repacking then merges.
        let mut resolved = Vec::new();
        for port in ports {
            if let Some(number) = find_port(pod, port) {
                resolved.push((
                    port.name.clone().unwrap_or_default(),
                    number,
                    port.protocol.clone().unwrap_or_else(|| "TCP".to_string()),
                    port.app_protocol.clone().unwrap_or_default(),
                ));
            }
        }
        // RepackSubsets groups addresses by the full set of ports they serve.
        if !resolved.is_empty() {
            resolved.sort();
            resolved.dedup();
            add(resolved);
        }
    }
    let address_order = |a: &EndpointAddress, b: &EndpointAddress| {
        let uid = |x: &EndpointAddress| {
            x.target_ref
                .as_ref()
                .and_then(|r| r.uid.clone())
                .unwrap_or_default()
        };
        let ip = |x: &EndpointAddress| x.ip.clone().unwrap_or_default();
        // `LessEndpointAddress` compares the IPs as strings: "10.0.0.10" < "10.0.0.2".
        ip(a).cmp(&ip(b)).then_with(|| uid(a).cmp(&uid(b)))
    };
    by_ports
        .into_iter()
        .map(|(port_key, (mut ready, mut not_ready))| {
            ready.sort_by(address_order);
            not_ready.sort_by(address_order);
            let ports: Vec<EndpointPort> = port_key
                .into_iter()
                .map(|(name, port, protocol, app_protocol)| EndpointPort {
                    name: (!name.is_empty()).then_some(name),
                    port: Some(port),
                    protocol: Some(protocol),
                    app_protocol: (!app_protocol.is_empty()).then_some(app_protocol),
                })
                .collect();
            EndpointSubset {
                addresses: (!ready.is_empty()).then_some(ready),
                not_ready_addresses: (!not_ready.is_empty()).then_some(not_ready),
                ports: (!ports.is_empty()).then_some(ports),
            }
        })
        .collect()
}

fn address_count(subsets: &[EndpointSubset]) -> usize {
    subsets
        .iter()
        .map(|s| {
            s.addresses.as_ref().map_or(0, Vec::len)
                + s.not_ready_addresses.as_ref().map_or(0, Vec::len)
        })
        .sum()
}

/// `truncateEndpoints`: over 1000 addresses, keeps each subset's proportional share
/// (rounded up), ready addresses first. Example: 1200 ready in one subset and 300 not
/// ready in another keep 1000 ready and drop every not-ready one. Returns true when
/// it truncated.
pub fn truncate_endpoints(subsets: &mut [EndpointSubset]) -> bool {
    let total_ready: usize = subsets
        .iter()
        .map(|s| s.addresses.as_ref().map_or(0, Vec::len))
        .sum();
    let total_not_ready: usize = subsets
        .iter()
        .map(|s| s.not_ready_addresses.as_ref().map_or(0, Vec::len))
        .sum();
    if total_ready + total_not_ready <= MAX_ENDPOINTS_CAPACITY {
        return false;
    }
    let truncate_ready = total_ready > MAX_ENDPOINTS_CAPACITY;
    let (max, total) = if truncate_ready {
        (MAX_ENDPOINTS_CAPACITY, total_ready)
    } else {
        (MAX_ENDPOINTS_CAPACITY - total_ready, total_not_ready)
    };
    let mut can_be_added = max;
    for subset in subsets.iter_mut() {
        let in_subset = if truncate_ready {
            subset.addresses.as_ref().map_or(0, Vec::len)
        } else {
            subset.not_ready_addresses.as_ref().map_or(0, Vec::len)
        };
        // ceil(in_subset / total * max), in integers.
        let to_be_added = (in_subset * max).div_ceil(total.max(1)).min(can_be_added);
        if truncate_ready {
            if let Some(addresses) = subset.addresses.as_mut() {
                addresses.truncate(to_be_added);
                can_be_added -= addresses.len();
            }
            subset.not_ready_addresses = None;
        } else if let Some(addresses) = subset.not_ready_addresses.as_mut() {
            addresses.truncate(to_be_added);
            can_be_added -= addresses.len();
        }
    }
    true
}

/// A Service's creation time and its pods' Ready transition times, as last synced.
type SeenTriggerTimes = (
    Option<crate::model::Time>,
    BTreeMap<String, crate::model::Time>,
);

/// Tracks when the pods behind each Service last changed, for the
/// `last-change-trigger-time` annotation (`endpointslice/util/trigger_time_tracker.go`):
/// the earliest change (a pod's Ready transition, the Service's creation) not yet
/// reflected in a sync.
#[derive(Clone, Debug, Default)]
pub struct TriggerTimeTracker {
    /// (namespace, service) → (service creation, pod name → Ready transition time).
    seen: BTreeMap<(String, String), SeenTriggerTimes>,
}

impl TriggerTimeTracker {
    /// The earliest trigger time among what changed since the last call for this Service.
    pub fn compute<'a>(
        &mut self,
        service: &Service,
        pods: impl IntoIterator<Item = &'a Pod>,
    ) -> Option<crate::model::Time> {
        let key = (
            service.metadata.namespace().to_string(),
            service.metadata.name().to_string(),
        );
        let previous = self.seen.remove(&key);
        let service_created = service.metadata.creation_timestamp;
        let mut earliest: Option<crate::model::Time> = None;
        let mut consider = |time: crate::model::Time| {
            earliest = Some(earliest.map_or(time, |e| e.min(time)));
        };
        let (previous_service, previous_pods) = previous.unwrap_or_default();
        if previous_service != service_created
            && let Some(created) = service_created
        {
            consider(created);
        }
        let mut now_seen = BTreeMap::new();
        for pod in pods {
            if let Some(time) = ready_transition_time(pod) {
                if previous_pods.get(pod.metadata.name()) != Some(&time) {
                    consider(time);
                }
                now_seen.insert(pod.metadata.name().to_string(), time);
            }
        }
        self.seen.insert(key, (service_created, now_seen));
        earliest
    }

    pub fn delete_service(&mut self, namespace: &str, name: &str) {
        self.seen.remove(&(namespace.to_string(), name.to_string()));
    }
}

/// The endpoints controller.
#[derive(Debug, Default)]
pub struct EndpointsController {
    membership: ServiceMembership,
    trigger_times: TriggerTimeTracker,
}

impl Controller for EndpointsController {
    fn name(&self) -> &'static str {
        "endpoint-controller"
    }

    fn watches(&self) -> crate::controllers::Watches {
        crate::controllers::Watches::Kinds(&["Endpoints", "Service", "Pod"])
    }

    fn observe(&mut self, event: &WatchEvent, api: &ApiServer, queue: &mut WorkQueue) {
        if let Object::Endpoints(endpoints) = &*event.object {
            // A deleted Endpoints object is recreated if its Service still selects pods.
            if event.event_type == WatchEventType::Deleted {
                queue.add(ObjectKey::new(
                    Service::resource_type(),
                    endpoints.metadata.namespace(),
                    endpoints.metadata.name(),
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
        let endpoints_type = Endpoints::resource_type();
        let Some(object) = context.api.store().get(key).map(Arc::clone) else {
            // The Service is gone: so are its endpoints.
            if context
                .api
                .delete(
                    endpoints_type,
                    &key.namespace,
                    &key.name,
                    &DeleteOptions::default(),
                )
                .is_ok()
            {
                context.trace(format!(
                    "deleted endpoints {}/{}: the service is gone",
                    key.namespace, key.name
                ));
            }
            self.trigger_times.delete_service(&key.namespace, &key.name);
            return Action::Done;
        };
        let Some(service) = object.as_::<Service>() else {
            return Action::Done;
        };
        let spec = service.spec.as_ref();
        if service.type_() == "ExternalName" || spec.and_then(|s| s.selector.as_ref()).is_none() {
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
        let mut subsets = compute_subsets(service, pods.iter().copied());

        let current = context
            .api
            .get_ref(endpoints_type, &key.namespace, &key.name)
            .and_then(|o| o.as_::<Endpoints>())
            .cloned();
        let service_labels = service.metadata.labels.clone().unwrap_or_default();
        if let Some(current) = &current {
            let mut compare_labels = current.metadata.labels.clone().unwrap_or_default();
            compare_labels.remove(HEADLESS_SERVICE_LABEL);
            let current_subsets = current.subsets.clone().unwrap_or_default();
            let capacity_ok = address_count(&current_subsets) <= MAX_ENDPOINTS_CAPACITY
                && current
                    .metadata
                    .annotation(OVER_CAPACITY_ANNOTATION)
                    .is_none();
            if current_subsets == subsets && compare_labels == service_labels && capacity_ok {
                return Action::Done;
            }
        }
        let mut next = current.clone().unwrap_or_else(|| Endpoints {
            metadata: ObjectMeta {
                name: Some(key.name.to_string()),
                namespace: Some(key.namespace.to_string()),
                ..ObjectMeta::default()
            },
            subsets: None,
        });
        let mut annotations = next.metadata.annotations.take().unwrap_or_default();
        match trigger_time {
            Some(time) => {
                annotations.insert(
                    LAST_CHANGE_TRIGGER_TIME_ANNOTATION.to_string(),
                    time.0.to_rfc3339(),
                );
            }
            None => {
                annotations.remove(LAST_CHANGE_TRIGGER_TIME_ANNOTATION);
            }
        }
        if truncate_endpoints(&mut subsets) {
            annotations.insert(
                OVER_CAPACITY_ANNOTATION.to_string(),
                "truncated".to_string(),
            );
        } else {
            annotations.remove(OVER_CAPACITY_ANNOTATION);
        }
        let mut labels = service_labels;
        if is_service_ip_set(service) {
            labels.remove(HEADLESS_SERVICE_LABEL);
        } else {
            labels.insert(HEADLESS_SERVICE_LABEL.to_string(), String::new());
        }
        next.metadata.annotations = (!annotations.is_empty()).then_some(annotations);
        next.metadata.labels = (!labels.is_empty()).then_some(labels);
        let (ready, not_ready) = subsets.iter().fold((0, 0), |(r, n), s| {
            (
                r + s.addresses.as_ref().map_or(0, Vec::len),
                n + s.not_ready_addresses.as_ref().map_or(0, Vec::len),
            )
        });
        next.subsets = (!subsets.is_empty()).then_some(subsets);
        let result = if current.is_some() {
            context.api.update(Object::Endpoints(Box::new(next)))
        } else {
            context.api.create(Object::Endpoints(Box::new(next)))
        };
        match result {
            Ok(_) => context.trace(format!(
                "endpoints {}/{}: {ready} ready, {not_ready} not ready",
                key.namespace, key.name
            )),
            Err(error) => {
                // A terminating namespace refuses new objects; nothing to retry then.
                if current.is_none() && error.to_string().contains("being terminated") {
                    return Action::Done;
                }
                return Action::RequeueAfter(crate::time::SimDuration::from_secs(1));
            }
        }
        Action::Done
    }
}

/// The `kubernetes` Service's Endpoints, as the API server's endpoint reconciler
/// writes them: the control plane's address on 6443, labelled so that the
/// EndpointSlice mirroring controller skips them.
pub fn kubernetes_service_endpoints(apiserver_ip: &str) -> Endpoints {
    Endpoints {
        metadata: ObjectMeta {
            name: Some("kubernetes".to_string()),
            namespace: Some("default".to_string()),
            labels: Some(BTreeMap::from([(
                "endpointslice.kubernetes.io/skip-mirror".to_string(),
                "true".to_string(),
            )])),
            ..ObjectMeta::default()
        },
        subsets: Some(vec![EndpointSubset {
            addresses: Some(vec![EndpointAddress {
                ip: Some(apiserver_ip.to_string()),
                ..EndpointAddress::default()
            }]),
            not_ready_addresses: None,
            ports: Some(vec![EndpointPort {
                name: Some("https".to_string()),
                port: Some(6443),
                protocol: Some("TCP".to_string()),
                app_protocol: None,
            }]),
        }]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subset(ready: usize, not_ready: usize) -> EndpointSubset {
        let address = |i: usize| EndpointAddress {
            ip: Some(format!("10.0.{}.{}", i / 250, i % 250)),
            ..EndpointAddress::default()
        };
        EndpointSubset {
            addresses: Some((0..ready).map(address).collect()),
            not_ready_addresses: Some((0..not_ready).map(address).collect()),
            ports: None,
        }
    }

    fn counts(subsets: &[EndpointSubset]) -> Vec<(usize, usize)> {
        subsets
            .iter()
            .map(|s| {
                (
                    s.addresses.as_ref().map_or(0, Vec::len),
                    s.not_ready_addresses.as_ref().map_or(0, Vec::len),
                )
            })
            .collect()
    }

    /// Worked examples of upstream's `truncateEndpoints` (pkg/controller/endpoint/endpoints_controller.go):
    /// 500 ready and 1000 not ready leave room for 500 not-ready, shared 3:4:3.
    #[test]
    fn truncation_keeps_proportional_shares_ready_first() {
        type Counts = Vec<(usize, usize)>;
        let cases: [(Counts, Counts); 4] = [
            // less than the capacity: untouched
            (
                vec![(50, 50), (100, 100), (100, 100)],
                vec![(50, 50), (100, 100), (100, 100)],
            ),
            // ready addresses over capacity: not-ready ones all go
            (
                vec![(600, 200), (300, 300), (300, 300)],
                vec![(500, 0), (250, 0), (250, 0)],
            ),
            // ready under capacity, not-ready trimmed
            (
                vec![(300, 300), (100, 400), (100, 300)],
                vec![(300, 150), (100, 200), (100, 150)],
            ),
            // exactly at capacity
            (
                vec![(400, 0), (300, 0), (300, 0)],
                vec![(400, 0), (300, 0), (300, 0)],
            ),
        ];
        for (input, expected) in cases {
            let mut subsets: Vec<EndpointSubset> =
                input.iter().map(|&(r, n)| subset(r, n)).collect();
            let truncated = truncate_endpoints(&mut subsets);
            assert_eq!(counts(&subsets), expected, "{input:?}");
            assert_eq!(truncated, input != expected, "{input:?}");
        }
    }
}
