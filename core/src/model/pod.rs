//! `Pod` (core/v1) and the pod-template types that workload kinds embed.
//!
//! Upstream: `staging/src/k8s.io/api/core/v1/types.go` (`Pod`, `PodSpec`,
//! `Container`, `Affinity`, `Toleration`, `PodStatus`, ...). What the simulation
//! acts on is typed; the rest (volumes, security contexts, ...) is kept as data.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::meta::{ObjectMeta, Time};
use super::quantity::Quantity;
use super::selector::LabelSelector;
use super::shared::Shared;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Pod {
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// Shared between versions ([`Shared`]: `make_mut` to change it): a status
    /// write keeps the stored version's spec, and a pod made from a template shares
    /// the template's until binding or admission changes it, so the versions the
    /// watch log keeps alive do not each hold a copy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<Shared<PodSpec>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<PodStatus>,
}

spec_status!(Pod);

impl Pod {
    /// The spec, or an empty one: another reference to a present spec, not a copy.
    pub fn spec(&self) -> Shared<PodSpec> {
        self.spec.clone().unwrap_or_default()
    }
    /// The spec borrowed, or an empty one, without copying a present spec.
    pub fn spec_or_empty(&self) -> std::borrow::Cow<'_, PodSpec> {
        match &self.spec {
            Some(spec) => std::borrow::Cow::Borrowed(&**spec),
            None => std::borrow::Cow::Owned(PodSpec::default()),
        }
    }
    /// The status, or an empty one.
    pub fn status(&self) -> PodStatus {
        self.status.clone().unwrap_or_default()
    }
    /// `status.phase`, or "" before the kubelet reported one.
    pub fn phase(&self) -> &str {
        self.status
            .as_ref()
            .and_then(|status| status.phase.as_deref())
            .unwrap_or("")
    }
    /// `spec.nodeName`, or "" while unscheduled.
    pub fn node_name(&self) -> &str {
        self.spec
            .as_ref()
            .and_then(|spec| spec.node_name.as_deref())
            .unwrap_or("")
    }
    /// True when the `Ready` condition is `True` (`podutil.IsPodReady`).
    pub fn is_ready(&self) -> bool {
        self.status
            .as_ref()
            .and_then(|status| status.conditions.as_ref())
            .into_iter()
            .flatten()
            .any(|c| c.type_.as_deref() == Some("Ready") && c.status.as_deref() == Some("True"))
    }
}

kube_struct! {
    /// `PodTemplateSpec`: what workload controllers stamp pods from.
    pub struct PodTemplateSpec {
        metadata: ObjectMeta,
        /// Shared with the pods stamped from it (see [`Pod`'s `spec`](Pod#structfield.spec)).
        spec: Shared<PodSpec>,
    }
}

kube_struct! {
    pub struct PodSpec {
        volumes: Vec<Value>,
        init_containers: Vec<Container>,
        containers: Vec<Container>,
        ephemeral_containers: Vec<Value>,
        restart_policy: String,
        termination_grace_period_seconds: i64,
        active_deadline_seconds: i64,
        dns_policy: String,
        node_selector: BTreeMap<String, String>,
        service_account_name: String,
        /// Deprecated alias of `serviceAccountName`, still accepted.
        service_account: String,
        automount_service_account_token: bool,
        node_name: String,
        host_network: bool,
        #[serde(rename = "hostPID")]
        host_pid: bool,
        #[serde(rename = "hostIPC")]
        host_ipc: bool,
        share_process_namespace: bool,
        security_context: Value,
        image_pull_secrets: Vec<Value>,
        hostname: String,
        subdomain: String,
        affinity: Affinity,
        scheduler_name: String,
        tolerations: Vec<Toleration>,
        host_aliases: Vec<Value>,
        priority_class_name: String,
        priority: i32,
        dns_config: Value,
        readiness_gates: Vec<PodReadinessGate>,
        runtime_class_name: String,
        enable_service_links: bool,
        preemption_policy: String,
        overhead: BTreeMap<String, Quantity>,
        topology_spread_constraints: Vec<TopologySpreadConstraint>,
        #[serde(rename = "setHostnameAsFQDN")]
        set_hostname_as_fqdn: bool,
        os: Value,
        host_users: bool,
        scheduling_gates: Vec<PodSchedulingGate>,
        resource_claims: Vec<Value>,
        /// Pod-level resources (1.32+, feature-gated).
        resources: ResourceRequirements,
        hostname_override: String,
    }
}

kube_struct! {
    pub struct Container {
        name: String,
        image: String,
        command: Vec<String>,
        args: Vec<String>,
        working_dir: String,
        ports: Vec<ContainerPort>,
        env_from: Vec<Value>,
        env: Vec<Value>,
        resources: ResourceRequirements,
        resize_policy: Vec<Value>,
        /// Only `Always`, on init containers: a sidecar.
        restart_policy: String,
        restart_policy_rules: Vec<Value>,
        volume_mounts: Vec<Value>,
        volume_devices: Vec<Value>,
        liveness_probe: Probe,
        readiness_probe: Probe,
        startup_probe: Probe,
        lifecycle: Value,
        termination_message_path: String,
        termination_message_policy: String,
        image_pull_policy: String,
        security_context: Value,
        stdin: bool,
        stdin_once: bool,
        tty: bool,
    }
}

kube_struct! {
    pub struct ContainerPort {
        name: String,
        host_port: i32,
        container_port: i32,
        protocol: String,
        #[serde(rename = "hostIP")]
        host_ip: String,
    }
}

kube_struct! {
    pub struct ResourceRequirements {
        limits: BTreeMap<String, Quantity>,
        requests: BTreeMap<String, Quantity>,
        claims: Vec<Value>,
    }
}

kube_struct! {
    pub struct Probe {
        exec: Value,
        http_get: Value,
        tcp_socket: Value,
        grpc: Value,
        initial_delay_seconds: i32,
        timeout_seconds: i32,
        period_seconds: i32,
        success_threshold: i32,
        failure_threshold: i32,
        termination_grace_period_seconds: i64,
    }
}

kube_struct! {
    pub struct Affinity {
        node_affinity: NodeAffinity,
        pod_affinity: PodAffinity,
        pod_anti_affinity: PodAffinity,
    }
}

kube_struct! {
    pub struct NodeAffinity {
        required_during_scheduling_ignored_during_execution: NodeSelector,
        preferred_during_scheduling_ignored_during_execution: Vec<PreferredSchedulingTerm>,
    }
}

kube_struct! {
    pub struct NodeSelector {
        node_selector_terms: Vec<NodeSelectorTerm>,
    }
}

kube_struct! {
    pub struct NodeSelectorTerm {
        match_expressions: Vec<NodeSelectorRequirement>,
        match_fields: Vec<NodeSelectorRequirement>,
    }
}

kube_struct! {
    pub struct NodeSelectorRequirement {
        key: String,
        operator: String,
        values: Vec<String>,
    }
}

kube_struct! {
    pub struct PreferredSchedulingTerm {
        weight: i32,
        preference: NodeSelectorTerm,
    }
}

kube_struct! {
    /// `PodAffinity` and `PodAntiAffinity` have the same shape.
    pub struct PodAffinity {
        required_during_scheduling_ignored_during_execution: Vec<PodAffinityTerm>,
        preferred_during_scheduling_ignored_during_execution: Vec<WeightedPodAffinityTerm>,
    }
}

kube_struct! {
    pub struct PodAffinityTerm {
        label_selector: LabelSelector,
        namespaces: Vec<String>,
        topology_key: String,
        namespace_selector: LabelSelector,
        match_label_keys: Vec<String>,
        mismatch_label_keys: Vec<String>,
    }
}

kube_struct! {
    pub struct WeightedPodAffinityTerm {
        weight: i32,
        pod_affinity_term: PodAffinityTerm,
    }
}

kube_struct! {
    pub struct Toleration {
        key: String,
        operator: String,
        value: String,
        effect: String,
        toleration_seconds: i64,
    }
}

kube_struct! {
    pub struct TopologySpreadConstraint {
        max_skew: i32,
        topology_key: String,
        when_unsatisfiable: String,
        label_selector: LabelSelector,
        min_domains: i32,
        node_affinity_policy: String,
        node_taints_policy: String,
        match_label_keys: Vec<String>,
    }
}

kube_struct! {
    pub struct PodSchedulingGate {
        name: String,
    }
}

kube_struct! {
    pub struct PodReadinessGate {
        condition_type: String,
    }
}

kube_struct! {
    pub struct PodStatus {
        observed_generation: i64,
        phase: String,
        conditions: Vec<PodCondition>,
        message: String,
        reason: String,
        nominated_node_name: String,
        #[serde(rename = "hostIP")]
        host_ip: String,
        #[serde(rename = "hostIPs")]
        host_ips: Vec<IpAddress>,
        #[serde(rename = "podIP")]
        pod_ip: String,
        #[serde(rename = "podIPs")]
        pod_ips: Vec<IpAddress>,
        start_time: Time,
        init_container_statuses: Vec<ContainerStatus>,
        container_statuses: Vec<ContainerStatus>,
        qos_class: String,
        ephemeral_container_statuses: Vec<Value>,
        resize: String,
        resource_claim_statuses: Vec<Value>,
        extended_resource_claim_status: Value,
    }
}

kube_struct! {
    /// `HostIP` and `PodIP`: one address of a dual-stack list.
    pub struct IpAddress {
        ip: String,
    }
}

kube_struct! {
    pub struct PodCondition {
        #[serde(rename = "type")]
        type_: String,
        observed_generation: i64,
        status: String,
        last_probe_time: Time,
        last_transition_time: Time,
        reason: String,
        message: String,
    }
}

kube_struct! {
    pub struct ContainerStatus {
        name: String,
        state: ContainerState,
        last_state: ContainerState,
        ready: bool,
        restart_count: i32,
        image: String,
        #[serde(rename = "imageID")]
        image_id: String,
        #[serde(rename = "containerID")]
        container_id: String,
        started: bool,
        allocated_resources: BTreeMap<String, Quantity>,
        resources: ResourceRequirements,
        volume_mounts: Vec<Value>,
        user: Value,
        allocated_resources_status: Vec<Value>,
        stop_signal: String,
    }
}

kube_struct! {
    /// At most one of the three is set.
    pub struct ContainerState {
        waiting: ContainerStateWaiting,
        running: ContainerStateRunning,
        terminated: ContainerStateTerminated,
    }
}

kube_struct! {
    pub struct ContainerStateWaiting {
        reason: String,
        message: String,
    }
}

kube_struct! {
    pub struct ContainerStateRunning {
        started_at: Time,
    }
}

kube_struct! {
    pub struct ContainerStateTerminated {
        exit_code: i32,
        signal: i32,
        reason: String,
        message: String,
        started_at: Time,
        finished_at: Time,
        #[serde(rename = "containerID")]
        container_id: String,
    }
}
