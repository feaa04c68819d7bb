//! kind's `Cluster` config (`kind.x-k8s.io/v1alpha4`): one node per `nodes` entry.
//!
//! Upstream: `sigs.k8s.io/kind/pkg/apis/config/v1alpha4/types.go` (fields),
//! `pkg/cluster/internal/providers/common/namer.go` (names: `kind-control-plane`,
//! `kind-control-plane2`, `kind-worker`, `kind-worker2`, …, after the cluster name)
//! and `pkg/cluster/internal/create/actions/kubeadminit` (a cluster without workers
//! has its control-plane taint removed so that pods can run on it).
//!
//! kind nodes are containers on one host, so every node reports the same capacity;
//! kubesim uses its default worker size. `image`, `extraMounts`,
//! `extraPortMappings`, `networking`, `featureGates` and the kubeadm/containerd
//! patches are accepted and have no effect.

use serde_yaml::Value;

use super::{ClusterConfigError, MAX_NODES, Reader, join};
use crate::cluster::{ClusterConfig, NodeConfig};

pub const API_VERSION: &str = "kind.x-k8s.io/v1alpha4";

const CLUSTER_FIELDS: &[&str] = &[
    "kind",
    "apiVersion",
    "name",
    "nodes",
    "networking",
    "featureGates",
    "runtimeConfig",
    "kubeadmConfigPatches",
    "kubeadmConfigPatchesJSON6902",
    "containerdConfigPatches",
    "containerdConfigPatchesJSON6902",
];

const NODE_FIELDS: &[&str] = &[
    "role",
    "image",
    "labels",
    "extraMounts",
    "extraPortMappings",
    "kubeadmConfigPatches",
    "kubeadmConfigPatchesJSON6902",
];

pub(crate) fn parse(
    reader: &Reader,
    document: &Value,
) -> Result<ClusterConfig, ClusterConfigError> {
    reader.check_fields(document, "", CLUSTER_FIELDS)?;
    let cluster_name = reader
        .optional_string(document, "", "name")?
        .unwrap_or_else(|| "kind".to_string());
    let entries = reader.optional_list(document, "", "nodes")?;
    if entries.len() as i64 > MAX_NODES {
        return Err(reader.error(
            "nodes",
            format!(
                "{} nodes is more than kubesim's limit of {MAX_NODES}",
                entries.len()
            ),
        ));
    }
    let mut roles = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let path = format!("nodes[{index}]");
        if !entry.is_mapping() {
            return Err(reader.error(&path, "expected a mapping with a role"));
        }
        reader.check_fields(entry, &path, NODE_FIELDS)?;
        let role = reader
            .optional_string(entry, &path, "role")?
            .unwrap_or_else(|| "control-plane".to_string());
        if role != "control-plane" && role != "worker" {
            return Err(reader.error(
                &join(&path, "role"),
                format!("unknown role \"{role}\": expected control-plane or worker"),
            ));
        }
        let labels = reader.labels(entry, &path, "labels")?;
        roles.push((role, labels));
    }
    // No nodes listed: kind's default, one control-plane node.
    if roles.is_empty() {
        roles.push(("control-plane".to_string(), Default::default()));
    }
    if !roles.iter().any(|(role, _)| role == "control-plane") {
        return Err(reader.error(
            "nodes",
            "a kind cluster needs at least one control-plane node",
        ));
    }
    let has_workers = roles.iter().any(|(role, _)| role == "worker");
    let mut counts = [0usize; 2];
    let mut nodes = Vec::new();
    for (role, labels) in roles {
        let is_control_plane = role == "control-plane";
        let count = &mut counts[usize::from(!is_control_plane)];
        *count += 1;
        let suffix = if *count == 1 {
            String::new()
        } else {
            count.to_string()
        };
        let name = format!("{cluster_name}-{role}{suffix}");
        let mut node = if is_control_plane {
            NodeConfig::control_plane(&name)
        } else {
            NodeConfig::worker(&name)
        };
        if is_control_plane {
            // kind's control-plane nodes are the same containers as its workers.
            let worker = NodeConfig::worker(&name);
            node.cpu_millis = worker.cpu_millis;
            node.memory_bytes = worker.memory_bytes;
            if !has_workers {
                node.taints.clear();
            }
        }
        node.labels.extend(labels);
        nodes.push(node);
    }
    Ok(ClusterConfig { nodes })
}

#[cfg(test)]
mod tests {
    use crate::cluster_config::parse;

    #[test]
    fn nodes_are_named_and_tainted_as_kind_does() {
        let config = parse(
            "kind.yaml",
            "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nname: dev\nnodes:\n- role: control-plane\n  kubeadmConfigPatches:\n  - |\n    kind: InitConfiguration\n- role: worker\n  labels:\n    tier: frontend\n- role: worker\n",
        )
        .unwrap();
        let names: Vec<&str> = config.nodes.iter().map(|node| node.name.as_str()).collect();
        assert_eq!(names, ["dev-control-plane", "dev-worker", "dev-worker2"]);
        assert_eq!(config.nodes[0].taints.len(), 1);
        assert_eq!(config.nodes[1].labels["tier"], "frontend");
    }

    #[test]
    fn a_lone_control_plane_is_untainted() {
        let config = parse(
            "kind.yaml",
            "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n",
        )
        .unwrap();
        assert_eq!(config.nodes.len(), 1);
        assert_eq!(config.nodes[0].name, "kind-control-plane");
        assert!(config.nodes[0].taints.is_empty());
        assert!(config.nodes[0].control_plane);
    }

    #[test]
    fn errors_name_the_file_and_field() {
        let cases = [
            (
                "nodes:\n- role: master\n",
                "kind.yaml: nodes[0].role: unknown role \"master\": expected control-plane or worker",
            ),
            (
                "nodes:\n- rol: worker\n",
                "kind.yaml: nodes[0].rol: unknown field \"rol\"",
            ),
            (
                "workers: 3\n",
                "kind.yaml: workers: unknown field \"workers\"",
            ),
            (
                "nodes:\n- role: worker\n",
                "kind.yaml: nodes: a kind cluster needs at least one control-plane node",
            ),
            (
                "nodes:\n- role: worker\n  labels:\n    bad key: x\n",
                "kind.yaml: nodes[0].labels.bad key: invalid label bad key=x: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
            ),
            (
                "nodes: 3\n",
                "kind.yaml: nodes: expected a list, got a number",
            ),
        ];
        for (body, message) in cases {
            let text = format!("kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n{body}");
            assert_eq!(
                parse("kind.yaml", &text).unwrap_err().to_string(),
                message,
                "{body}"
            );
        }
    }
}
