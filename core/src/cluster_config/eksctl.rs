//! eksctl's `ClusterConfig` (`eksctl.io/v1alpha5`): the nodes of its
//! `managedNodeGroups` and `nodeGroups`, as EKS registers them.
//!
//! - Each group has `desiredCapacity` nodes (eksctl's default: 2) of its
//!   `instanceType` (default m5.large; a managed group's first `instanceTypes`).
//! - Nodes are spread round-robin over the group's `availabilityZones`, else the
//!   cluster's, else the region's zones a, b and c (eksctl picks at random; kubesim
//!   takes them in order).
//! - Names are EC2 private DNS names, `ip-192-168-12-34.us-west-2.compute.internal`
//!   (`ec2.internal` in us-east-1), with addresses in eksctl's default subnets
//!   (a /19 per zone of `vpc.cidr`, default 192.168.0.0/16: public subnets first,
//!   then private ones for `privateNetworking`). The host part is a hash of the
//!   group and index, so a config always gives the same names.
//! - Capacity, max pods and reservations come from [`super::instance_types`].
//! - EKS runs the control plane itself: no control-plane node is listed.
//!
//! Fields kubesim does not model (`iam`, `addons`, `vpc` apart from `cidr`,
//! `ssh`, `tags`, `iam`, …) are accepted and ignored.

use std::collections::{BTreeMap, BTreeSet};

use serde_yaml::Value;

use super::instance_types::{self, InstanceType};
use super::taint::{parse_taint, validate_effect};
use super::{ClusterConfigError, MAX_NODES, Reader, join};
use crate::cluster::{ClusterConfig, NodeConfig, TaintConfig};
use crate::fingerprint::Fnv64;

pub const API_VERSION: &str = "eksctl.io/v1alpha5";

/// eksctl's default region, instance type, group size and root volume.
pub const DEFAULT_REGION: &str = "us-west-2";
pub const DEFAULT_INSTANCE_TYPE: &str = "m5.large";
pub const DEFAULT_DESIRED_CAPACITY: i64 = 2;
pub const DEFAULT_VOLUME_SIZE_GIB: i64 = 80;

const GIB_BYTES: i64 = 1024 * 1024 * 1024;

struct Cluster {
    name: String,
    region: String,
    zones: Vec<String>,
    /// The first two octets of the VPC CIDR (`192.168`).
    vpc_prefix: (u8, u8),
}

pub(crate) fn parse(
    reader: &Reader,
    document: &Value,
) -> Result<ClusterConfig, ClusterConfigError> {
    let metadata = document.get("metadata").cloned().unwrap_or(Value::Null);
    let name = reader
        .optional_string(&metadata, "metadata", "name")?
        .ok_or_else(|| reader.error("metadata.name", "required: the cluster's name"))?;
    let region = reader
        .optional_string(&metadata, "metadata", "region")?
        .unwrap_or_else(|| DEFAULT_REGION.to_string());
    if region.is_empty()
        || !region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(reader.error("metadata.region", format!("invalid region \"{region}\"")));
    }
    let mut zones = reader.string_list(document, "", "availabilityZones")?;
    if zones.is_empty() {
        zones = ["a", "b", "c"]
            .iter()
            .map(|letter| format!("{region}{letter}"))
            .collect();
    }
    let vpc = document.get("vpc").cloned().unwrap_or(Value::Null);
    let vpc_prefix = match reader.optional_string(&vpc, "vpc", "cidr")? {
        None => (192, 168),
        Some(cidr) => parse_vpc_prefix(&cidr).ok_or_else(|| {
            reader.error(
                "vpc.cidr",
                format!("invalid CIDR \"{cidr}\": expected a.b.c.d/16 or longer prefix"),
            )
        })?,
    };
    let cluster = Cluster {
        name,
        region,
        zones,
        vpc_prefix,
    };
    let mut nodes = Vec::new();
    let mut used_addresses = BTreeSet::new();
    let mut group_names = BTreeSet::new();
    for (key, managed) in [("managedNodeGroups", true), ("nodeGroups", false)] {
        for (index, group) in reader.optional_list(document, "", key)?.iter().enumerate() {
            let path = format!("{key}[{index}]");
            let group_nodes =
                parse_group(reader, &cluster, group, &path, managed, &mut used_addresses)?;
            let group_name = group.get("name").and_then(Value::as_str).unwrap_or("");
            if !group_names.insert(group_name.to_string()) {
                return Err(reader.error(
                    &join(&path, "name"),
                    format!("node group \"{group_name}\" is defined twice"),
                ));
            }
            nodes.extend(group_nodes);
            if nodes.len() as i64 > MAX_NODES {
                return Err(reader.error(
                    &path,
                    format!("more than kubesim's limit of {MAX_NODES} nodes in all"),
                ));
            }
        }
    }
    Ok(ClusterConfig { nodes })
}

fn parse_vpc_prefix(cidr: &str) -> Option<(u8, u8)> {
    let (address, prefix) = cidr.split_once('/')?;
    let prefix: u8 = prefix.parse().ok()?;
    let octets: Vec<u8> = address
        .split('.')
        .map(|part| part.parse().ok())
        .collect::<Option<_>>()?;
    if octets.len() != 4 || !(16..=24).contains(&prefix) {
        return None;
    }
    Some((octets[0], octets[1]))
}

fn parse_group(
    reader: &Reader,
    cluster: &Cluster,
    group: &Value,
    path: &str,
    managed: bool,
    used_addresses: &mut BTreeSet<(u8, u8)>,
) -> Result<Vec<NodeConfig>, ClusterConfigError> {
    if !group.is_mapping() {
        return Err(reader.error(path, "expected a node group mapping"));
    }
    let group_name = reader
        .optional_string(group, path, "name")?
        .ok_or_else(|| reader.error(&join(path, "name"), "required: the node group's name"))?;
    let instance_types_listed = reader.string_list(group, path, "instanceTypes")?;
    let (type_field, type_name) = match reader.optional_string(group, path, "instanceType")? {
        Some(name) => (join(path, "instanceType"), name),
        None => match instance_types_listed.first() {
            Some(name) => (format!("{}[0]", join(path, "instanceTypes")), name.clone()),
            None => (
                join(path, "instanceType"),
                DEFAULT_INSTANCE_TYPE.to_string(),
            ),
        },
    };
    let instance = instance_types::lookup(&type_name).ok_or_else(|| {
        reader.error(
            &type_field,
            format!(
                "unknown instance type \"{type_name}\"; kubesim knows {}",
                instance_types::INSTANCE_TYPES
                    .iter()
                    .map(|instance| instance.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    })?;
    let min_size = reader.optional_int(group, path, "minSize")?;
    let max_size = reader.optional_int(group, path, "maxSize")?;
    let desired = reader
        .optional_int(group, path, "desiredCapacity")?
        .or(min_size)
        .unwrap_or(DEFAULT_DESIRED_CAPACITY);
    if !(0..=MAX_NODES).contains(&desired) {
        return Err(reader.error(
            &join(path, "desiredCapacity"),
            format!("{desired} is outside 0..={MAX_NODES}"),
        ));
    }
    if let Some(min) = min_size.filter(|min| *min > desired) {
        return Err(reader.error(
            &join(path, "desiredCapacity"),
            format!("cannot be less than minSize ({desired} < {min})"),
        ));
    }
    if let Some(max) = max_size.filter(|max| *max < desired) {
        return Err(reader.error(
            &join(path, "desiredCapacity"),
            format!("cannot be greater than maxSize ({desired} > {max})"),
        ));
    }
    let mut zones = reader.string_list(group, path, "availabilityZones")?;
    if zones.is_empty() {
        zones = cluster.zones.clone();
    }
    let labels = reader.labels(group, path, "labels")?;
    let taints = parse_taints(reader, group, path)?;
    let max_pods = match reader.optional_int(group, path, "maxPodsPerNode")? {
        Some(pods) if pods > 0 => pods,
        Some(pods) => {
            return Err(reader.error(
                &join(path, "maxPodsPerNode"),
                format!("must be positive, got {pods}"),
            ));
        }
        None => instance.max_pods,
    };
    let volume_gib = match reader.optional_int(group, path, "volumeSize")? {
        Some(size) if size > 0 => size,
        Some(size) => {
            return Err(reader.error(
                &join(path, "volumeSize"),
                format!("must be positive, got {size}"),
            ));
        }
        None => DEFAULT_VOLUME_SIZE_GIB,
    };
    let private_networking = reader
        .optional_bool(group, path, "privateNetworking")?
        .unwrap_or(false);
    let spot = reader.optional_bool(group, path, "spot")?.unwrap_or(false);
    let ami_family = reader
        .optional_string(group, path, "amiFamily")?
        .unwrap_or_else(|| "AmazonLinux2".to_string());
    let image = node_image(&ami_family, instance.architecture).ok_or_else(|| {
        reader.error(
            &join(path, "amiFamily"),
            format!("unsupported amiFamily \"{ami_family}\": kubesim knows AmazonLinux2, AmazonLinux2023 and Bottlerocket"),
        )
    })?;
    let mut nodes = Vec::new();
    for index in 0..desired {
        let zone_index = (index as usize) % zones.len();
        let zone = &zones[zone_index];
        let address = node_address(
            cluster,
            &group_name,
            index,
            zone_index,
            private_networking,
            used_addresses,
        );
        let dns_suffix = if cluster.region == "us-east-1" {
            "ec2.internal".to_string()
        } else {
            format!("{}.compute.internal", cluster.region)
        };
        let ip = format!(
            "{}.{}.{}.{}",
            cluster.vpc_prefix.0, cluster.vpc_prefix.1, address.0, address.1
        );
        let name = format!("ip-{}.{dns_suffix}", ip.replace('.', "-"));
        let mut node = NodeConfig::worker(&name);
        apply_instance(&mut node, instance, max_pods, volume_gib);
        node.zone = Some(zone.clone());
        node.internal_ip = Some(ip);
        node.provider_id = Some(format!(
            "aws:///{zone}/i-{:017x}",
            instance_id(cluster, &group_name, index)
        ));
        node.architecture = instance.architecture.to_string();
        node.os_image = image.0.to_string();
        node.kernel_version = image.1.clone();
        node.container_runtime_version = image.2.to_string();
        let mut node_labels = BTreeMap::from([
            (
                "alpha.eksctl.io/cluster-name".to_string(),
                cluster.name.clone(),
            ),
            (
                "alpha.eksctl.io/nodegroup-name".to_string(),
                group_name.clone(),
            ),
            (
                "beta.kubernetes.io/instance-type".to_string(),
                instance.name.to_string(),
            ),
            (
                "failure-domain.beta.kubernetes.io/region".to_string(),
                cluster.region.clone(),
            ),
            (
                "failure-domain.beta.kubernetes.io/zone".to_string(),
                zone.clone(),
            ),
            (
                "node.kubernetes.io/instance-type".to_string(),
                instance.name.to_string(),
            ),
            (
                "topology.kubernetes.io/region".to_string(),
                cluster.region.clone(),
            ),
        ]);
        if managed {
            node_labels.insert(
                "eks.amazonaws.com/capacityType".to_string(),
                if spot { "SPOT" } else { "ON_DEMAND" }.to_string(),
            );
            node_labels.insert(
                "eks.amazonaws.com/nodegroup".to_string(),
                group_name.clone(),
            );
        }
        node_labels.extend(labels.clone());
        node.labels = node_labels;
        node.taints = taints.clone();
        nodes.push(node);
    }
    Ok(nodes)
}

/// Capacity and allocatable of an EKS AMI node of this instance type.
fn apply_instance(node: &mut NodeConfig, instance: &InstanceType, max_pods: i64, volume_gib: i64) {
    node.cpu_millis = instance.vcpus * 1000;
    node.memory_bytes = instance_types::memory_capacity_bytes(instance);
    node.max_pods = max_pods;
    node.ephemeral_storage_bytes = volume_gib * GIB_BYTES;
    // kubeReserved.memory follows the ENI max pods even when maxPodsPerNode is set,
    // as the AMI's bootstrap computes it from eni-max-pods.txt.
    node.kube_reserved = instance_types::kube_reserved(instance, instance.max_pods);
}

/// `status.nodeInfo` (osImage, kernelVersion, containerRuntimeVersion) per AMI family.
fn node_image(
    ami_family: &str,
    architecture: &str,
) -> Option<(&'static str, String, &'static str)> {
    let machine = if architecture == "arm64" {
        "aarch64"
    } else {
        "x86_64"
    };
    match ami_family {
        "AmazonLinux2" => Some((
            "Amazon Linux 2",
            format!("5.10.205-195.807.amzn2.{machine}"),
            "containerd://1.7.11",
        )),
        "AmazonLinux2023" => Some((
            "Amazon Linux 2023.3.20240122",
            format!("6.1.72-96.166.amzn2023.{machine}"),
            "containerd://1.7.11",
        )),
        "Bottlerocket" => Some((
            "Bottlerocket OS 1.19.0 (aws-k8s-1.28)",
            "6.1.72".to_string(),
            "containerd://1.6.28+bottlerocket",
        )),
        _ => None,
    }
}

fn hash(cluster: &Cluster, group: &str, index: i64, salt: &str) -> u64 {
    let mut hasher = Fnv64::new();
    hasher.write_str(&cluster.name);
    hasher.write_str(group);
    hasher.write_u64(index as u64);
    hasher.write_str(salt);
    hasher.finish()
}

fn instance_id(cluster: &Cluster, group: &str, index: i64) -> u64 {
    hash(cluster, group, index, "instance") & 0x0fff_ffff_ffff_ffff
}

/// The third and fourth octets of a node's address: a host in the zone's /19
/// subnet (public subnets are the first three /19s, private the next three), not
/// the first four or the last address, which AWS reserves.
fn node_address(
    cluster: &Cluster,
    group: &str,
    index: i64,
    zone_index: usize,
    private_networking: bool,
    used: &mut BTreeSet<(u8, u8)>,
) -> (u8, u8) {
    let subnet = (zone_index % 3) as u64 + if private_networking { 3 } else { 0 };
    let hosts = 8192 - 5;
    let mut offset = hash(cluster, group, index, "address") % hosts;
    for _ in 0..hosts {
        let host = subnet * 8192 + 4 + offset;
        let address = (((host >> 8) & 0xff) as u8, (host & 0xff) as u8);
        if used.insert(address) {
            return address;
        }
        offset = (offset + 1) % hosts;
    }
    // Every address of the subnet is taken (more than 8,187 nodes in one zone).
    (255, 255)
}

/// `taints`: a list of `{key, value, effect}` (eksctl also reads the effect
/// spelled `NO_SCHEDULE`, as the EKS API does), or the older map form
/// `key: "value:Effect"`.
fn parse_taints(
    reader: &Reader,
    group: &Value,
    path: &str,
) -> Result<Vec<TaintConfig>, ClusterConfigError> {
    let field = join(path, "taints");
    let mut taints = Vec::new();
    match group.get("taints") {
        None | Some(Value::Null) => {}
        Some(Value::Sequence(items)) => {
            for (index, item) in items.iter().enumerate() {
                let item_path = format!("{field}[{index}]");
                reader.check_fields(item, &item_path, &["key", "value", "effect"])?;
                let key = reader
                    .optional_string(item, &item_path, "key")?
                    .ok_or_else(|| reader.error(&join(&item_path, "key"), "required"))?;
                let value = reader
                    .optional_string(item, &item_path, "value")?
                    .unwrap_or_default();
                let effect = reader
                    .optional_string(item, &item_path, "effect")?
                    .ok_or_else(|| reader.error(&join(&item_path, "effect"), "required"))?;
                let effect = match effect.as_str() {
                    "NO_SCHEDULE" => "NoSchedule".to_string(),
                    "PREFER_NO_SCHEDULE" => "PreferNoSchedule".to_string(),
                    "NO_EXECUTE" => "NoExecute".to_string(),
                    _ => effect,
                };
                validate_effect(&effect).map_err(|error| {
                    reader.error(&join(&item_path, "effect"), error.to_string())
                })?;
                let spec = if value.is_empty() {
                    format!("{key}:{effect}")
                } else {
                    format!("{key}={value}:{effect}")
                };
                taints.push(
                    parse_taint(&spec)
                        .map_err(|error| reader.error(&item_path, error.to_string()))?,
                );
            }
        }
        Some(Value::Mapping(mapping)) => {
            for (key, value) in mapping {
                let key = key.as_str().unwrap_or_default();
                let value = value.as_str().unwrap_or_default();
                let spec = if value.starts_with(':') {
                    format!("{key}{value}")
                } else {
                    format!("{key}={value}")
                };
                taints.push(
                    parse_taint(&spec).map_err(|error| {
                        reader.error(&format!("{field}.{key}"), error.to_string())
                    })?,
                );
            }
        }
        Some(_) => return Err(reader.error(&field, "expected a list of {key, value, effect}")),
    }
    Ok(taints)
}

#[cfg(test)]
mod tests {
    use crate::cluster_config::parse;

    const WORKSHOP: &str = "apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
availabilityZones: [us-west-2a, us-west-2b, us-west-2c]
metadata:
  name: eks-workshop
  region: us-west-2
  version: \"1.28\"
  tags:
    created-by: eks-workshop-v2
iam:
  withOIDC: true
vpc:
  cidr: 10.42.0.0/16
addons:
  - name: vpc-cni
managedNodeGroups:
  - name: default
    desiredCapacity: 3
    minSize: 3
    maxSize: 6
    instanceType: m5.large
    privateNetworking: true
    labels:
      workshop-default: \"yes\"
";

    #[test]
    fn the_eks_workshop_cluster() {
        let config = parse("eks.yaml", WORKSHOP).unwrap();
        assert_eq!(config.nodes.len(), 3);
        let zones: Vec<&str> = config
            .nodes
            .iter()
            .map(|node| node.zone.as_deref().unwrap())
            .collect();
        assert_eq!(zones, ["us-west-2a", "us-west-2b", "us-west-2c"]);
        for node in &config.nodes {
            assert!(node.name.starts_with("ip-10-42-"), "{}", node.name);
            assert!(
                node.name.ends_with(".us-west-2.compute.internal"),
                "{}",
                node.name
            );
            assert!(!node.control_plane);
            assert!(node.taints.is_empty());
            assert_eq!(node.cpu_millis, 2000);
            assert_eq!(node.max_pods, 29);
            assert_eq!(node.kube_reserved.cpu_millis, 70);
            assert_eq!(node.kube_reserved.memory_bytes, 574 * 1024 * 1024);
            assert_eq!(node.labels["eks.amazonaws.com/nodegroup"], "default");
            assert_eq!(node.labels["node.kubernetes.io/instance-type"], "m5.large");
            assert_eq!(node.labels["topology.kubernetes.io/region"], "us-west-2");
            assert_eq!(node.labels["workshop-default"], "yes");
        }
        // Private subnets start at the fourth /19: 10.42.96.0 and up.
        let third_octet: u32 = config.nodes[0]
            .name
            .split('-')
            .nth(3)
            .unwrap()
            .parse()
            .unwrap();
        assert!((96..128).contains(&third_octet), "{}", config.nodes[0].name);
        // The same file always gives the same names.
        assert_eq!(parse("eks.yaml", WORKSHOP).unwrap(), config);
    }

    #[test]
    fn node_groups_taints_defaults_and_us_east_1() {
        let config = parse(
            "eks.yaml",
            "apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: c, region: us-east-1}
nodeGroups:
  - name: gpu
    instanceType: t3.medium
    desiredCapacity: 1
    taints:
      - {key: nvidia.com/gpu, value: \"true\", effect: NO_SCHEDULE}
managedNodeGroups:
  - name: spot
    instanceTypes: [c5.xlarge, c5a.xlarge]
    spot: true
",
        )
        .unwrap();
        assert_eq!(config.nodes.len(), 3);
        let managed = &config.nodes[0];
        assert_eq!(managed.max_pods, 58);
        assert_eq!(managed.labels["eks.amazonaws.com/capacityType"], "SPOT");
        assert!(managed.name.ends_with(".ec2.internal"));
        let gpu = &config.nodes[2];
        assert_eq!(gpu.max_pods, 17);
        assert_eq!(gpu.taints[0].effect, "NoSchedule");
        assert_eq!(gpu.taints[0].value.as_deref(), Some("true"));
        assert!(!gpu.labels.contains_key("eks.amazonaws.com/nodegroup"));
    }

    #[test]
    fn errors_name_the_file_and_field() {
        let head = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\n";
        let cases = [
            (
                "managedNodeGroups: []\n",
                "eks.yaml: metadata.name: required: the cluster's name",
            ),
            (
                "metadata: {name: c}\nmanagedNodeGroups:\n  - name: a\n    desiredCapacity: three\n",
                "eks.yaml: managedNodeGroups[0].desiredCapacity: expected a whole number, got a string",
            ),
            (
                "metadata: {name: c}\nmanagedNodeGroups:\n  - name: a\n    desiredCapacity: 5\n    maxSize: 3\n",
                "eks.yaml: managedNodeGroups[0].desiredCapacity: cannot be greater than maxSize (5 > 3)",
            ),
            (
                "metadata: {name: c}\nnodeGroups:\n  - name: a\n    taints:\n      - {key: k, effect: NoScheduleX}\n",
                "eks.yaml: nodeGroups[0].taints[0].effect: invalid taint effect: NoScheduleX, unsupported taint effect",
            ),
            (
                "metadata: {name: c}\nmanagedNodeGroups:\n  - desiredCapacity: 1\n",
                "eks.yaml: managedNodeGroups[0].name: required: the node group's name",
            ),
            (
                "metadata: {name: c}\nmanagedNodeGroups:\n  - {name: a}\n  - {name: a}\n",
                "eks.yaml: managedNodeGroups[1].name: node group \"a\" is defined twice",
            ),
            (
                "metadata: {name: c}\nvpc: {cidr: 10.0.0.0}\n",
                "eks.yaml: vpc.cidr: invalid CIDR \"10.0.0.0\": expected a.b.c.d/16 or longer prefix",
            ),
        ];
        for (body, message) in cases {
            assert_eq!(
                parse("eks.yaml", &format!("{head}{body}"))
                    .unwrap_err()
                    .to_string(),
                message,
                "{body}"
            );
        }
        let unknown = parse(
            "eks.yaml",
            &format!("{head}metadata: {{name: c}}\nmanagedNodeGroups:\n  - {{name: a, instanceType: m5.huge}}\n"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            unknown.starts_with("eks.yaml: managedNodeGroups[0].instanceType: unknown instance type \"m5.huge\"; kubesim knows t3.nano, "),
            "{unknown}"
        );
    }
}
