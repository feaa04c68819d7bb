//! The API server's discovery table: every kind kubesim serves, how it is named,
//! and whether kubesim simulates it or only stores it.
//!
//! Names and short names follow `kubectl api-resources` of a v1.28 cluster.

/// One served resource type, as discovery describes it.
#[derive(Debug, PartialEq, Eq)]
pub struct ResourceType {
    pub kind: &'static str,
    /// API group; "" is the core group.
    pub group: &'static str,
    /// The preferred version, used when kubesim prints objects.
    pub version: &'static str,
    /// Every version a manifest may use for this kind.
    pub served_versions: &'static [&'static str],
    pub plural: &'static str,
    pub short_names: &'static [&'static str],
    pub namespaced: bool,
    /// True when controllers, the scheduler or the kubelet act on this kind; false
    /// when kubesim only validates and stores it, so real manifests still apply.
    pub simulated: bool,
    /// True when the kind has a status subresource: updates keep the stored status
    /// and status updates keep the stored spec.
    pub has_status: bool,
    /// True when the registry strategy bumps `metadata.generation` on spec changes.
    pub tracks_generation: bool,
}

impl ResourceType {
    /// The singular resource name: the lower-cased kind (`deployment`).
    pub fn singular(&self) -> String {
        self.kind.to_ascii_lowercase()
    }

    /// `apps/v1`, or `v1` for the core group.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// `deployments.apps`, or `pods` for the core group, as API errors name resources.
    pub fn group_resource(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_string()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    /// `deployment.apps`, or `pod` for the core group, as kubectl's name printer writes kinds.
    pub fn group_kind_lower(&self) -> String {
        let kind = self.kind.to_ascii_lowercase();
        if self.group.is_empty() {
            kind
        } else {
            format!("{kind}.{}", self.group)
        }
    }

    /// True when `api_version` (`apps/v1`, `v1`) names a version this type is served at.
    pub fn serves(&self, api_version: &str) -> bool {
        let (group, version) = split_api_version(api_version);
        group == self.group && self.served_versions.contains(&version)
    }

    /// This type's position in [`RESOURCE_TYPES`], a stable small key for indexes.
    pub fn index(&self) -> usize {
        // Every key and watch dispatch asks this: the position follows from the
        // address when `self` is an element of the table, without a scan.
        let size = std::mem::size_of::<ResourceType>();
        let offset =
            (self as *const ResourceType as usize).wrapping_sub(RESOURCE_TYPES.as_ptr() as usize);
        if offset.is_multiple_of(size) && offset / size < RESOURCE_TYPES.len() {
            let index = offset / size;
            if std::ptr::eq(&RESOURCE_TYPES[index], self) {
                return index;
            }
        }
        RESOURCE_TYPES
            .iter()
            .position(|candidate| std::ptr::eq(candidate, self))
            .unwrap_or(usize::MAX)
    }
}

/// Splits `apps/v1` into (`apps`, `v1`) and `v1` into (``, `v1`).
pub fn split_api_version(api_version: &str) -> (&str, &str) {
    match api_version.split_once('/') {
        Some((group, version)) => (group, version),
        None => ("", api_version),
    }
}

macro_rules! resource_types {
    ($( $kind:literal, $group:literal, [$($version:literal),+], $plural:literal, [$($short:literal),*], $namespaced:literal, $simulated:literal, $status:literal, $generation:literal; )*) => {
        /// Every served type, in the order `kubectl api-resources` lists them (by group, then name).
        pub static RESOURCE_TYPES: &[ResourceType] = &[
            $(ResourceType {
                kind: $kind,
                group: $group,
                version: resource_types!(@first $($version),+),
                served_versions: &[$($version),+],
                plural: $plural,
                short_names: &[$($short),*],
                namespaced: $namespaced,
                simulated: $simulated,
                has_status: $status,
                tracks_generation: $generation,
            },)*
        ];
    };
    (@first $first:literal $(, $rest:literal)*) => { $first };
}

resource_types! {
    // kind, group, versions, plural, short names, namespaced, simulated, status subresource, generation
    "Binding", "", ["v1"], "bindings", [], true, false, false, false;
    "ConfigMap", "", ["v1"], "configmaps", ["cm"], true, false, false, false;
    "Endpoints", "", ["v1"], "endpoints", ["ep"], true, true, false, false;
    "Event", "", ["v1"], "events", ["ev"], true, true, false, false;
    "LimitRange", "", ["v1"], "limitranges", ["limits"], true, false, false, false;
    "Namespace", "", ["v1"], "namespaces", ["ns"], false, true, true, false;
    "Node", "", ["v1"], "nodes", ["no"], false, true, true, false;
    "PersistentVolumeClaim", "", ["v1"], "persistentvolumeclaims", ["pvc"], true, false, true, false;
    "PersistentVolume", "", ["v1"], "persistentvolumes", ["pv"], false, false, true, false;
    "Pod", "", ["v1"], "pods", ["po"], true, true, true, false;
    "ReplicationController", "", ["v1"], "replicationcontrollers", ["rc"], true, false, true, true;
    "ResourceQuota", "", ["v1"], "resourcequotas", ["quota"], true, false, true, false;
    "Secret", "", ["v1"], "secrets", [], true, false, false, false;
    "ServiceAccount", "", ["v1"], "serviceaccounts", ["sa"], true, false, false, false;
    "Service", "", ["v1"], "services", ["svc"], true, true, true, false;
    "ControllerRevision", "apps", ["v1"], "controllerrevisions", [], true, false, false, false;
    "DaemonSet", "apps", ["v1"], "daemonsets", ["ds"], true, true, true, true;
    "Deployment", "apps", ["v1"], "deployments", ["deploy"], true, true, true, true;
    "ReplicaSet", "apps", ["v1"], "replicasets", ["rs"], true, true, true, true;
    "StatefulSet", "apps", ["v1"], "statefulsets", ["sts"], true, false, true, true;
    "HorizontalPodAutoscaler", "autoscaling", ["v2", "v1"], "horizontalpodautoscalers", ["hpa"], true, false, true, true;
    "CronJob", "batch", ["v1"], "cronjobs", ["cj"], true, false, true, true;
    "Job", "batch", ["v1"], "jobs", [], true, true, true, true;
    "Lease", "coordination.k8s.io", ["v1"], "leases", [], true, true, false, false;
    "EndpointSlice", "discovery.k8s.io", ["v1"], "endpointslices", [], true, true, false, false;
    "IngressClass", "networking.k8s.io", ["v1"], "ingressclasses", [], false, false, false, false;
    "Ingress", "networking.k8s.io", ["v1"], "ingresses", ["ing"], true, false, true, true;
    "NetworkPolicy", "networking.k8s.io", ["v1"], "networkpolicies", ["netpol"], true, false, false, true;
    "PodDisruptionBudget", "policy", ["v1"], "poddisruptionbudgets", ["pdb"], true, false, true, true;
    "ClusterRoleBinding", "rbac.authorization.k8s.io", ["v1"], "clusterrolebindings", [], false, false, false, false;
    "ClusterRole", "rbac.authorization.k8s.io", ["v1"], "clusterroles", [], false, false, false, false;
    "RoleBinding", "rbac.authorization.k8s.io", ["v1"], "rolebindings", [], true, false, false, false;
    "Role", "rbac.authorization.k8s.io", ["v1"], "roles", [], true, false, false, false;
    "PriorityClass", "scheduling.k8s.io", ["v1"], "priorityclasses", ["pc"], false, false, false, false;
    "StorageClass", "storage.k8s.io", ["v1"], "storageclasses", ["sc"], false, false, false, false;
}

/// The type served for `kind` at `api_version`, e.g. (`apps/v1`, `Deployment`).
pub fn lookup_kind(api_version: &str, kind: &str) -> Option<&'static ResourceType> {
    RESOURCE_TYPES
        .iter()
        .find(|t| t.kind == kind && t.serves(api_version))
}

/// The type for a kind name alone, ignoring the version (`Deployment`).
pub fn lookup_kind_name(kind: &str) -> Option<&'static ResourceType> {
    RESOURCE_TYPES.iter().find(|t| t.kind == kind)
}

/// Resolves what a user types after `kubectl get`: plural, singular, short name or
/// kind, optionally qualified by group (`deployments.apps`, `deploy`, `Deployment`).
pub fn lookup_resource(name: &str) -> Option<&'static ResourceType> {
    let lower = name.to_ascii_lowercase();
    let (resource, group) = match lower.split_once('.') {
        Some((resource, group)) => (resource.to_string(), Some(group.to_string())),
        None => (lower.clone(), None),
    };
    RESOURCE_TYPES
        .iter()
        .filter(|t| t.kind != "Binding")
        .find(|t| {
            let name_matches = t.plural == resource
                || t.kind.eq_ignore_ascii_case(&resource)
                || t.short_names.contains(&resource.as_str());
            let group_matches = match &group {
                None => true,
                Some(group) => t.group == group || group.split('/').next() == Some(t.group),
            };
            name_matches && group_matches
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_resolve_like_kubectl() {
        assert_eq!(lookup_resource("deploy").unwrap().kind, "Deployment");
        assert_eq!(
            lookup_resource("deployments.apps").unwrap().kind,
            "Deployment"
        );
        assert_eq!(lookup_resource("po").unwrap().kind, "Pod");
        assert_eq!(lookup_resource("Pod").unwrap().kind, "Pod");
        assert_eq!(lookup_resource("ep").unwrap().kind, "Endpoints");
        assert_eq!(lookup_resource("endpoints").unwrap().kind, "Endpoints");
        assert!(lookup_resource("foo").is_none());
        assert_eq!(
            lookup_kind("apps/v1", "Deployment")
                .unwrap()
                .group_resource(),
            "deployments.apps"
        );
        assert_eq!(lookup_kind("v1", "Pod").unwrap().group_resource(), "pods");
        assert!(lookup_kind("extensions/v1beta1", "Deployment").is_none());
        assert!(lookup_kind("autoscaling/v1", "HorizontalPodAutoscaler").is_some());
        assert_eq!(
            lookup_kind("autoscaling/v1", "HorizontalPodAutoscaler")
                .unwrap()
                .api_version(),
            "autoscaling/v2"
        );
    }
}
