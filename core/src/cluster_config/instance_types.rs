//! EC2 instance types as an EKS node sees them: vCPUs, memory, the VPC CNI's
//! max pods and the kubelet reservations of the EKS AMI.
//!
//! Max pods is the ENI limit of `amazon-eks-ami/files/eni-max-pods.txt`:
//! `ENIs × (IPv4 addresses per ENI − 1) + 2`, e.g. m5.large 3 × (10 − 1) + 2 = 29.
//! Reservations are the AMI bootstrap's (`get_cpu_millicores_to_reserve`,
//! `get_memory_mebibytes_to_reserve`) plus the eviction threshold the kubelet
//! applies (`memory.available<100Mi`, `nodefs.available<10%`).

use crate::cluster::ReservedResources;

/// One instance type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InstanceType {
    pub name: &'static str,
    pub vcpus: i64,
    /// Memory as sold, in MiB (m5.large: 8 GiB = 8192).
    pub memory_mebibytes: i64,
    /// The ENI limit from `eni-max-pods.txt`.
    pub max_pods: i64,
    /// Graviton types are `arm64`.
    pub architecture: &'static str,
}

const GIB: i64 = 1024;

macro_rules! instance_types {
    ($($name:literal $vcpus:literal $memory_gib:literal $max_pods:literal $arch:ident;)*) => {
        &[$(InstanceType {
            name: $name,
            vcpus: $vcpus,
            memory_mebibytes: ($memory_gib as f64 * GIB as f64) as i64,
            max_pods: $max_pods,
            architecture: stringify!($arch),
        },)*]
    };
}

/// The instance types kubesim knows, with their `eni-max-pods.txt` values.
pub const INSTANCE_TYPES: &[InstanceType] = instance_types! {
    "t3.nano" 2 0.5 4 amd64; "t3.micro" 2 1 4 amd64; "t3.small" 2 2 11 amd64;
    "t3.medium" 2 4 17 amd64; "t3.large" 2 8 35 amd64; "t3.xlarge" 4 16 58 amd64;
    "t3.2xlarge" 8 32 58 amd64;
    "t3a.nano" 2 0.5 4 amd64; "t3a.micro" 2 1 4 amd64; "t3a.small" 2 2 8 amd64;
    "t3a.medium" 2 4 17 amd64; "t3a.large" 2 8 35 amd64; "t3a.xlarge" 4 16 58 amd64;
    "t3a.2xlarge" 8 32 58 amd64;
    "t4g.nano" 2 0.5 4 arm64; "t4g.micro" 2 1 4 arm64; "t4g.small" 2 2 11 arm64;
    "t4g.medium" 2 4 17 arm64; "t4g.large" 2 8 35 arm64; "t4g.xlarge" 4 16 58 arm64;
    "t4g.2xlarge" 8 32 58 arm64;
    "m5.large" 2 8 29 amd64; "m5.xlarge" 4 16 58 amd64; "m5.2xlarge" 8 32 58 amd64;
    "m5.4xlarge" 16 64 234 amd64; "m5.8xlarge" 32 128 234 amd64; "m5.12xlarge" 48 192 234 amd64;
    "m5.16xlarge" 64 256 737 amd64; "m5.24xlarge" 96 384 737 amd64;
    "m5a.large" 2 8 29 amd64; "m5a.xlarge" 4 16 58 amd64; "m5a.2xlarge" 8 32 58 amd64;
    "m5a.4xlarge" 16 64 234 amd64;
    "m6i.large" 2 8 29 amd64; "m6i.xlarge" 4 16 58 amd64; "m6i.2xlarge" 8 32 58 amd64;
    "m6i.4xlarge" 16 64 234 amd64; "m6i.8xlarge" 32 128 234 amd64;
    "m6a.large" 2 8 29 amd64; "m6a.xlarge" 4 16 58 amd64; "m6a.2xlarge" 8 32 58 amd64;
    "m7i.large" 2 8 29 amd64; "m7i.xlarge" 4 16 58 amd64; "m7i.2xlarge" 8 32 58 amd64;
    "m6g.medium" 1 4 8 arm64; "m6g.large" 2 8 29 arm64; "m6g.xlarge" 4 16 58 arm64;
    "m6g.2xlarge" 8 32 58 arm64; "m6g.4xlarge" 16 64 234 arm64;
    "m7g.medium" 1 4 8 arm64; "m7g.large" 2 8 29 arm64; "m7g.xlarge" 4 16 58 arm64;
    "m7g.2xlarge" 8 32 58 arm64;
    "c5.large" 2 4 29 amd64; "c5.xlarge" 4 8 58 amd64; "c5.2xlarge" 8 16 58 amd64;
    "c5.4xlarge" 16 32 234 amd64; "c5.9xlarge" 36 72 234 amd64; "c5.12xlarge" 48 96 234 amd64;
    "c5.18xlarge" 72 144 737 amd64; "c5.24xlarge" 96 192 737 amd64;
    "c6i.large" 2 4 29 amd64; "c6i.xlarge" 4 8 58 amd64; "c6i.2xlarge" 8 16 58 amd64;
    "c6i.4xlarge" 16 32 234 amd64;
    "c6g.medium" 1 2 8 arm64; "c6g.large" 2 4 29 arm64; "c6g.xlarge" 4 8 58 arm64;
    "c6g.2xlarge" 8 16 58 arm64;
    "c7g.large" 2 4 29 arm64; "c7g.xlarge" 4 8 58 arm64;
    "r5.large" 2 16 29 amd64; "r5.xlarge" 4 32 58 amd64; "r5.2xlarge" 8 64 58 amd64;
    "r5.4xlarge" 16 128 234 amd64;
    "r6i.large" 2 16 29 amd64; "r6i.xlarge" 4 32 58 amd64; "r6i.2xlarge" 8 64 58 amd64;
    "r6g.large" 2 16 29 arm64; "r6g.xlarge" 4 32 58 arm64;
    "g4dn.xlarge" 4 16 29 amd64; "g4dn.2xlarge" 8 32 29 amd64;
};

pub fn lookup(name: &str) -> Option<&'static InstanceType> {
    INSTANCE_TYPES.iter().find(|instance| instance.name == name)
}

/// `get_cpu_millicores_to_reserve`: 6% of the first core, 1% of the second, 0.5%
/// of the third and fourth, 0.25% of every core above four. 2 vCPUs → 60 + 10 = 70m
/// (an m5.large's 1930m allocatable); 4 → 80m; 16 → 110m.
pub fn kube_reserved_cpu_millis(vcpus: i64) -> i64 {
    let total_millis = vcpus * 1000;
    // (range start, range end, reserved per 10,000 of the range)
    let ranges = [
        (0, 1000, 600),
        (1000, 2000, 100),
        (2000, 4000, 50),
        (4000, i64::MAX, 25),
    ];
    ranges
        .iter()
        .map(|&(start, end, per_ten_thousand)| {
            let in_range = total_millis.min(end) - start;
            if in_range > 0 {
                in_range * per_ten_thousand / 10_000
            } else {
                0
            }
        })
        .sum()
}

/// `get_memory_mebibytes_to_reserve`: 255 MiB + 11 MiB per pod. m5.large (29 pods)
/// → 574 MiB.
pub fn kube_reserved_memory_mebibytes(max_pods: i64) -> i64 {
    255 + 11 * max_pods
}

/// The AMI reserves 1 GiB of ephemeral storage for the kubelet.
pub const KUBE_RESERVED_EPHEMERAL_STORAGE_BYTES: i64 = 1024 * 1024 * 1024;

/// What a node reports as memory capacity: the instance's memory less what the
/// kernel and firmware keep. kubesim approximates that as 5% (a real m5.large
/// reports 7981996Ki of its 8 GiB, 4.8% less; a t3.medium 3926444Ki of 4 GiB, 6.4%).
pub fn memory_capacity_bytes(instance: &InstanceType) -> i64 {
    let nominal_bytes = instance.memory_mebibytes * 1024 * 1024;
    let kibibytes = nominal_bytes / 1024 * 95 / 100;
    kibibytes * 1024
}

/// The reservations of an EKS AMI node of this type with `max_pods` pods.
pub fn kube_reserved(instance: &InstanceType, max_pods: i64) -> ReservedResources {
    ReservedResources {
        cpu_millis: kube_reserved_cpu_millis(instance.vcpus),
        memory_bytes: kube_reserved_memory_mebibytes(max_pods) * 1024 * 1024,
        ephemeral_storage_bytes: KUBE_RESERVED_EPHEMERAL_STORAGE_BYTES,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_pods_follow_the_eni_formula() {
        // ENIs × (IPs per ENI − 1) + 2, from eni-max-pods.txt.
        let expected = [
            ("m5.large", 3 * (10 - 1) + 2),
            ("m5.xlarge", 4 * (15 - 1) + 2),
            ("t3.medium", 3 * (6 - 1) + 2),
            ("t3.large", 3 * (12 - 1) + 2),
            ("c5.xlarge", 4 * (15 - 1) + 2),
            ("m5.4xlarge", 8 * (30 - 1) + 2),
        ];
        for (name, max_pods) in expected {
            assert_eq!(lookup(name).unwrap().max_pods, max_pods, "{name}");
        }
    }

    #[test]
    fn reservations_match_the_eks_ami() {
        assert_eq!(kube_reserved_cpu_millis(1), 60);
        assert_eq!(kube_reserved_cpu_millis(2), 70);
        assert_eq!(kube_reserved_cpu_millis(4), 80);
        assert_eq!(kube_reserved_cpu_millis(8), 90);
        assert_eq!(kube_reserved_cpu_millis(16), 110);
        assert_eq!(kube_reserved_memory_mebibytes(29), 574);
        assert_eq!(kube_reserved_memory_mebibytes(17), 442);
    }

    #[test]
    fn names_are_unique() {
        for (index, instance) in INSTANCE_TYPES.iter().enumerate() {
            assert!(
                !INSTANCE_TYPES[..index]
                    .iter()
                    .any(|other| other.name == instance.name),
                "{} twice",
                instance.name
            );
        }
    }
}
