//! The shape of the simulated cluster: its nodes and what each offers.
//!
//! The default is a kubeadm-style cluster: one control-plane node, tainted so that
//! ordinary pods stay off it, and three workers.

use std::collections::BTreeMap;

use serde_json::json;

use crate::model::Object;
use crate::model::node::Node;
use crate::time::SimTime;

/// The Kubernetes version the simulated cluster reports.
pub const KUBERNETES_VERSION: &str = "v1.28.0";

/// Memory the kubelet holds back for its hard eviction threshold
/// (`memory.available<100Mi`, the kubelet default), so allocatable = capacity − 100Mi.
pub const EVICTION_HARD_MEMORY_BYTES: i64 = 100 * 1024 * 1024;

/// The label and taint that mark a control-plane node (kubeadm).
pub const CONTROL_PLANE_ROLE_LABEL: &str = "node-role.kubernetes.io/control-plane";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterConfig {
    pub nodes: Vec<NodeConfig>,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            nodes: vec![
                NodeConfig::control_plane("control-plane"),
                NodeConfig::worker("worker-1"),
                NodeConfig::worker("worker-2"),
                NodeConfig::worker("worker-3"),
            ],
        }
    }
}

/// A node's taint as configured (`key[=value]:Effect`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaintConfig {
    pub key: String,
    pub value: Option<String>,
    pub effect: String,
}

/// One node: its name, capacity, labels and taints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeConfig {
    pub name: String,
    pub control_plane: bool,
    pub cpu_millis: i64,
    pub memory_bytes: i64,
    pub max_pods: i64,
    pub ephemeral_storage_bytes: i64,
    pub labels: BTreeMap<String, String>,
    pub taints: Vec<TaintConfig>,
    pub zone: Option<String>,
    /// The InternalIP; None gives kind's `172.18.0.(2+ordinal)`.
    pub internal_ip: Option<String>,
    /// `spec.providerID` (`aws:///us-west-2a/i-…` on EKS), if the node has a cloud provider.
    pub provider_id: Option<String>,
    /// What the kubelet holds back for itself (`kubeReserved`), taken off allocatable
    /// on top of the eviction thresholds. kind and kubeadm reserve nothing.
    pub kube_reserved: ReservedResources,
    /// `kubernetes.io/arch` and `status.nodeInfo.architecture`.
    pub architecture: String,
    /// `status.nodeInfo`'s image fields.
    pub os_image: String,
    pub kernel_version: String,
    pub container_runtime_version: String,
    pub kubelet_version: String,
}

/// Resources a kubelet reserves (`kubeReserved`), in base units.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReservedResources {
    pub cpu_millis: i64,
    pub memory_bytes: i64,
    pub ephemeral_storage_bytes: i64,
}

impl NodeConfig {
    /// A worker with 4 CPUs, 8 GiB of memory and the kubelet's default 110 pods.
    pub fn worker(name: &str) -> Self {
        NodeConfig {
            name: name.to_string(),
            control_plane: false,
            cpu_millis: 4000,
            memory_bytes: 8 * 1024 * 1024 * 1024,
            max_pods: 110,
            ephemeral_storage_bytes: 100 * 1024 * 1024 * 1024,
            labels: BTreeMap::new(),
            taints: Vec::new(),
            zone: None,
            internal_ip: None,
            provider_id: None,
            kube_reserved: ReservedResources::default(),
            architecture: "amd64".to_string(),
            os_image: "Debian GNU/Linux 12 (bookworm)".to_string(),
            kernel_version: "6.1.0-13-amd64".to_string(),
            container_runtime_version: "containerd://1.7.1".to_string(),
            kubelet_version: KUBERNETES_VERSION.to_string(),
        }
    }

    /// A control-plane node with 2 CPUs and 4 GiB, labelled and tainted as kubeadm does.
    pub fn control_plane(name: &str) -> Self {
        let mut node = NodeConfig::worker(name);
        node.control_plane = true;
        node.cpu_millis = 2000;
        node.memory_bytes = 4 * 1024 * 1024 * 1024;
        node.labels
            .insert(CONTROL_PLANE_ROLE_LABEL.to_string(), String::new());
        node.labels.insert(
            "node.kubernetes.io/exclude-from-external-load-balancers".to_string(),
            String::new(),
        );
        node.taints.push(TaintConfig {
            key: CONTROL_PLANE_ROLE_LABEL.to_string(),
            value: None,
            effect: "NoSchedule".to_string(),
        });
        node
    }

    /// The Node object a kubelet would register for this configuration.
    /// `ordinal` numbers the node for its addresses (172.18.0.(2+n), 10.244.n.0/24).
    pub fn to_object(&self, ordinal: u32, now: SimTime) -> Object {
        let arch = self.architecture.clone();
        let mut labels = BTreeMap::from([
            ("beta.kubernetes.io/arch".to_string(), arch.clone()),
            ("beta.kubernetes.io/os".to_string(), "linux".to_string()),
            ("kubernetes.io/arch".to_string(), arch.clone()),
            ("kubernetes.io/hostname".to_string(), self.name.clone()),
            ("kubernetes.io/os".to_string(), "linux".to_string()),
        ]);
        if let Some(zone) = &self.zone {
            labels.insert("topology.kubernetes.io/zone".to_string(), zone.clone());
        }
        labels.extend(self.labels.clone());
        let taints: Vec<serde_json::Value> = self
            .taints
            .iter()
            .map(|taint| match &taint.value {
                Some(value) => json!({ "key": taint.key, "value": value, "effect": taint.effect }),
                None => json!({ "key": taint.key, "effect": taint.effect }),
            })
            .collect();
        let mut spec = json!({ "podCIDR": format!("10.244.{ordinal}.0/24"), "podCIDRs": [format!("10.244.{ordinal}.0/24")] });
        if !taints.is_empty() {
            spec["taints"] = json!(taints);
        }
        if let Some(provider_id) = &self.provider_id {
            spec["providerID"] = json!(provider_id);
        }
        let internal_ip = self
            .internal_ip
            .clone()
            .unwrap_or_else(|| format!("172.18.0.{}", 2 + ordinal));
        let reserved = self.kube_reserved;
        let timestamp = now.to_rfc3339();
        let condition = |kind: &str, status: &str, reason: &str, message: &str| {
            json!({
                "type": kind, "status": status, "reason": reason, "message": message,
                "lastHeartbeatTime": timestamp, "lastTransitionTime": timestamp,
            })
        };
        let capacity = json!({
            "cpu": format_cpu(self.cpu_millis),
            "memory": format!("{}Ki", self.memory_bytes / 1024),
            "pods": self.max_pods.to_string(),
            "ephemeral-storage": format!("{}Ki", self.ephemeral_storage_bytes / 1024),
            "hugepages-1Gi": "0",
            "hugepages-2Mi": "0",
        });
        // allocatable = capacity − kubeReserved − eviction threshold (memory.available<100Mi,
        // nodefs.available<10%), as the kubelet's node allocatable computes it.
        let allocatable = json!({
            "cpu": format_cpu((self.cpu_millis - reserved.cpu_millis).max(0)),
            "memory": format!("{}Ki", (self.memory_bytes - reserved.memory_bytes - EVICTION_HARD_MEMORY_BYTES).max(0) / 1024),
            "pods": self.max_pods.to_string(),
            "ephemeral-storage": format!("{}", (self.ephemeral_storage_bytes / 10 * 9 - reserved.ephemeral_storage_bytes).max(0)),
            "hugepages-1Gi": "0",
            "hugepages-2Mi": "0",
        });
        let value = json!({
            "metadata": { "name": self.name, "labels": labels, "annotations": {
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            } },
            "spec": spec,
            "status": {
                "capacity": capacity,
                "allocatable": allocatable,
                "conditions": [
                    condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                    condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                    condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                    condition("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
                ],
                "addresses": [
                    { "type": "InternalIP", "address": internal_ip },
                    { "type": "Hostname", "address": self.name },
                ],
                "daemonEndpoints": { "kubeletEndpoint": { "Port": 10250 } },
                "nodeInfo": {
                    "architecture": arch,
                    "bootID": "",
                    "containerRuntimeVersion": self.container_runtime_version,
                    "kernelVersion": self.kernel_version,
                    "kubeProxyVersion": self.kubelet_version,
                    "kubeletVersion": self.kubelet_version,
                    "machineID": "",
                    "operatingSystem": "linux",
                    "osImage": self.os_image,
                    "systemUUID": "",
                },
            },
        });
        let node: Node =
            serde_json::from_value(value).expect("the node template matches the Node type");
        Object::Node(Box::new(node))
    }
}

/// CPU as the kubelet reports it: whole cores as "4", fractions as "1500m".
fn format_cpu(cpu_millis: i64) -> String {
    if cpu_millis % 1000 == 0 {
        (cpu_millis / 1000).to_string()
    } else {
        format!("{cpu_millis}m")
    }
}
