//! Pod defaults, and the admission plugins and strategy steps that mutate pods.
//!
//! Upstream: `pkg/apis/core/v1/defaults.go` (`SetDefaults_Pod`, `SetDefaults_PodSpec`,
//! `SetDefaults_Container`, `SetDefaults_Probe`, `SetDefaults_HTTPGetAction`),
//! `plugin/pkg/admission/defaulttolerationseconds/admission.go`,
//! `plugin/pkg/admission/priority/admission.go`,
//! `plugin/pkg/admission/serviceaccount/admission.go`,
//! `pkg/registry/core/pod/strategy.go` (PrepareForCreate) and
//! `pkg/apis/core/helper/qos/qos.go`.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::model::pod::{
    Container, Pod, PodSpec, PodStatus, PodTemplateSpec, Probe, ResourceRequirements, Toleration,
};
use crate::model::quantity::Quantity;

/// `v1.DefaultTerminationGracePeriodSeconds`.
pub const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS: i64 = 30;
/// `--default-not-ready-toleration-seconds` and `--default-unreachable-toleration-seconds`.
pub const DEFAULT_TOLERATION_SECONDS: i64 = 300;
pub const TAINT_NODE_NOT_READY: &str = "node.kubernetes.io/not-ready";
pub const TAINT_NODE_UNREACHABLE: &str = "node.kubernetes.io/unreachable";

/// `SetDefaults_Pod` plus the PodSpec defaults: what a Pod gets on every write.
pub fn default_pod(pod: &mut Pod) {
    let spec = pod.spec.get_or_insert_with(Default::default).make_mut();
    default_pod_spec(spec);
    // Pod-only (not templates): requests default to limits, resource by resource.
    for container in spec
        .containers
        .iter_mut()
        .flatten()
        .chain(spec.init_containers.iter_mut().flatten())
    {
        default_requests_to_limits(container.resources.as_mut());
    }
    spec.enable_service_links.get_or_insert(true);
    if spec.host_network == Some(true) {
        // With host networking every container port is a host port.
        for container in spec
            .containers
            .iter_mut()
            .flatten()
            .chain(spec.init_containers.iter_mut().flatten())
        {
            for port in container.ports.iter_mut().flatten() {
                if port.host_port.unwrap_or(0) == 0 {
                    port.host_port = port.container_port;
                }
            }
        }
    }
}

/// The defaults a pod template inside a workload gets (PodSpec-level only).
pub fn default_pod_template(template: &mut PodTemplateSpec) {
    default_pod_spec(
        template
            .spec
            .get_or_insert_with(Default::default)
            .make_mut(),
    );
}

/// `SetDefaults_PodSpec` and the defaults of what it contains.
fn default_pod_spec(spec: &mut PodSpec) {
    spec.dns_policy
        .get_or_insert_with(|| "ClusterFirst".to_string());
    spec.restart_policy
        .get_or_insert_with(|| "Always".to_string());
    spec.security_context
        .get_or_insert_with(|| Value::Object(Default::default()));
    spec.termination_grace_period_seconds
        .get_or_insert(DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS);
    spec.scheduler_name
        .get_or_insert_with(|| "default-scheduler".to_string());
    if let Some(overhead) = spec.overhead.as_mut() {
        default_resource_list(overhead);
    }
    // v1 conversion: the deprecated `serviceAccount` reads as `serviceAccountName` when
    // that is unset, and is written back as its mirror.
    let named = |name: &Option<String>| name.clone().filter(|n| !n.is_empty());
    if let Some(name) = named(&spec.service_account_name).or_else(|| named(&spec.service_account)) {
        spec.service_account_name = Some(name.clone());
        spec.service_account = Some(name);
    }
    for container in spec
        .containers
        .iter_mut()
        .flatten()
        .chain(spec.init_containers.iter_mut().flatten())
    {
        default_container(container);
    }
}

/// `SetDefaults_ResourceList`: every quantity rounded up to milli precision and, as
/// the API server stores it, in canonical form (`cpu: 0.5` reads back as `500m`).
pub fn default_resource_list(list: &mut BTreeMap<String, Quantity>) {
    const NANOS_PER_MILLI: i128 = 1_000_000;
    for quantity in list.values_mut() {
        let nanos = quantity.nano_value();
        let remainder = nanos % NANOS_PER_MILLI;
        // Round away from zero, as inf.Dec's RoundUp does.
        let rounded = if remainder == 0 {
            nanos
        } else if nanos > 0 {
            nanos - remainder + NANOS_PER_MILLI
        } else {
            nanos - remainder - NANOS_PER_MILLI
        };
        *quantity = Quantity::from_nanos(rounded, quantity.format());
    }
}

/// `SetDefaults_Container`, port protocols and probe defaults.
fn default_container(container: &mut Container) {
    if let Some(resources) = container.resources.as_mut() {
        for list in [resources.limits.as_mut(), resources.requests.as_mut()]
            .into_iter()
            .flatten()
        {
            default_resource_list(list);
        }
    }
    if container
        .image_pull_policy
        .as_deref()
        .unwrap_or("")
        .is_empty()
    {
        let image = container.image.as_deref().unwrap_or("");
        let policy = if image_tag(image) == Some("latest") {
            "Always"
        } else {
            "IfNotPresent"
        };
        container.image_pull_policy = Some(policy.to_string());
    }
    container
        .termination_message_path
        .get_or_insert_with(|| "/dev/termination-log".to_string());
    container
        .termination_message_policy
        .get_or_insert_with(|| "File".to_string());
    for port in container.ports.iter_mut().flatten() {
        port.protocol.get_or_insert_with(|| "TCP".to_string());
    }
    for probe in [
        container.liveness_probe.as_mut(),
        container.readiness_probe.as_mut(),
        container.startup_probe.as_mut(),
    ]
    .into_iter()
    .flatten()
    {
        default_probe(probe);
    }
}

/// The tag `parsers.ParseImageName` reports: the written tag, `latest` when there is
/// neither tag nor digest, none for a digest alone. `nginx` → latest,
/// `nginx:1.25` → 1.25, `localhost:5000/app` → latest, `app@sha256:…` → none.
pub fn image_tag(image: &str) -> Option<&str> {
    let (name, digest) = match image.split_once('@') {
        Some((name, digest)) => (name, Some(digest)),
        None => (image, None),
    };
    let last_component = name.rsplit('/').next().unwrap_or(name);
    match last_component.rsplit_once(':') {
        Some((_, tag)) => Some(tag),
        None if digest.is_some() => None,
        None => Some("latest"),
    }
}

/// `SetDefaults_Probe` (0 means unset on the wire) and `SetDefaults_HTTPGetAction`.
fn default_probe(probe: &mut Probe) {
    for (field, default) in [
        (&mut probe.timeout_seconds, 1),
        (&mut probe.period_seconds, 10),
        (&mut probe.success_threshold, 1),
        (&mut probe.failure_threshold, 3),
    ] {
        if field.unwrap_or(0) == 0 {
            *field = Some(default);
        }
    }
    if let Some(Value::Object(http_get)) = probe.http_get.as_mut() {
        let path_unset = http_get
            .get("path")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty);
        if path_unset {
            http_get.insert("path".to_string(), Value::String("/".to_string()));
        }
        let scheme_unset = http_get
            .get("scheme")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty);
        if scheme_unset {
            http_get.insert("scheme".to_string(), Value::String("HTTP".to_string()));
        }
    }
}

fn default_requests_to_limits(resources: Option<&mut ResourceRequirements>) {
    let Some(resources) = resources else { return };
    let Some(limits) = resources.limits.clone() else {
        return;
    };
    let requests = resources.requests.get_or_insert_with(BTreeMap::new);
    for (name, limit) in limits {
        requests.entry(name).or_insert(limit);
    }
}

/// The DefaultTolerationSeconds plugin: tolerate not-ready and unreachable nodes for
/// 300 s unless the pod already tolerates them (a toleration with that key or no key,
/// and effect NoExecute or none).
pub fn add_default_tolerations(pod: &mut Pod) {
    let spec = pod.spec.get_or_insert_with(Default::default).make_mut();
    let tolerations = spec.tolerations.get_or_insert_with(Vec::new);
    let tolerates = |taint_key: &str, tolerations: &[Toleration]| {
        tolerations.iter().any(|t| {
            let key = t.key.as_deref().unwrap_or("");
            let effect = t.effect.as_deref().unwrap_or("");
            (key == taint_key || key.is_empty()) && (effect == "NoExecute" || effect.is_empty())
        })
    };
    for taint_key in [TAINT_NODE_NOT_READY, TAINT_NODE_UNREACHABLE] {
        if !tolerates(taint_key, tolerations) {
            tolerations.push(Toleration {
                key: Some(taint_key.to_string()),
                operator: Some("Exists".to_string()),
                effect: Some("NoExecute".to_string()),
                toleration_seconds: Some(DEFAULT_TOLERATION_SECONDS),
                value: None,
            });
        }
    }
}

/// The ServiceAccount plugin's defaulting: a pod without one runs as `default`.
/// v1 also mirrors the deprecated `serviceAccount` field.
pub fn default_service_account(pod: &mut Pod) {
    let spec = pod.spec.get_or_insert_with(Default::default).make_mut();
    let name = spec
        .service_account_name
        .clone()
        .filter(|n| !n.is_empty())
        .or_else(|| spec.service_account.clone().filter(|n| !n.is_empty()))
        .unwrap_or_else(|| "default".to_string());
    spec.service_account_name = Some(name.clone());
    spec.service_account = Some(name);
}

/// The pod strategy's PrepareForCreate: a new pod's status is `Pending` with its QoS class.
pub fn reset_status_for_create(pod: &mut Pod) {
    let qos_class = qos_class(&pod.spec_or_empty());
    pod.status = Some(PodStatus {
        phase: Some("Pending".to_string()),
        qos_class: Some(qos_class.to_string()),
        ..PodStatus::default()
    });
}

/// `qos.GetPodQOS`: only cpu and memory count. Guaranteed when every container limits
/// both and every request equals its limit; BestEffort when nothing is requested or
/// limited; Burstable otherwise. Example: one container with limits cpu 1, memory 1Gi
/// and no requests (defaulted to the limits) is Guaranteed.
pub fn qos_class(spec: &PodSpec) -> &'static str {
    const COMPUTE: [&str; 2] = ["cpu", "memory"];
    let mut requests: BTreeMap<&str, Quantity> = BTreeMap::new();
    let mut limits: BTreeMap<&str, Quantity> = BTreeMap::new();
    let mut guaranteed = true;
    let zero = Quantity::zero();
    for container in spec
        .containers
        .iter()
        .flatten()
        .chain(spec.init_containers.iter().flatten())
    {
        let resources = container.resources.clone().unwrap_or_default();
        for (name, quantity) in resources.requests.iter().flatten() {
            if let Some(name) = COMPUTE.iter().find(|c| **c == name.as_str())
                && *quantity > zero
            {
                let total = requests.entry(name).or_insert_with(Quantity::zero);
                *total = total.add(quantity);
            }
        }
        let mut limited = 0;
        for (name, quantity) in resources.limits.iter().flatten() {
            if let Some(name) = COMPUTE.iter().find(|c| **c == name.as_str())
                && *quantity > zero
            {
                limited += 1;
                let total = limits.entry(name).or_insert_with(Quantity::zero);
                *total = total.add(quantity);
            }
        }
        if limited < COMPUTE.len() {
            guaranteed = false;
        }
    }
    if requests.is_empty() && limits.is_empty() {
        return "BestEffort";
    }
    if guaranteed {
        let all_equal = requests
            .iter()
            .all(|(name, request)| limits.get(name) == Some(request));
        if all_equal && requests.len() == limits.len() {
            return "Guaranteed";
        }
    }
    "Burstable"
}
