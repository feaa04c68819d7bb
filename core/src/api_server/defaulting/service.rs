//! Service defaults (`pkg/apis/core/v1/defaults.go` SetDefaults_Service), ClusterIP and
//! NodePort allocation (`pkg/registry/core/service/storage/alloc.go`), and the port
//! protocol defaults of Endpoints and EndpointSlices.

use std::collections::BTreeSet;

use serde_json::json;

use crate::api_server::ApiServer;
use crate::model::endpoint_slice::EndpointSlice;
use crate::model::endpoints::Endpoints;
use crate::model::intstr::IntOrString;
use crate::model::service::{Service, ServiceSpec};
use crate::model::validation::{FieldError, render_int, render_str_slice};

/// `v1.DefaultClientIPServiceAffinitySeconds`: three hours.
pub const DEFAULT_CLIENT_IP_AFFINITY_SECONDS: i64 = 10800;

pub fn default_service(service: &mut Service) {
    let spec = service.spec.get_or_insert_with(ServiceSpec::default);
    let affinity = spec
        .session_affinity
        .get_or_insert_with(|| "None".to_string())
        .clone();
    if affinity == "None" {
        spec.session_affinity_config = None;
    }
    if affinity == "ClientIP" {
        let has_timeout = spec
            .session_affinity_config
            .as_ref()
            .and_then(|c| c.get("clientIP"))
            .and_then(|c| c.get("timeoutSeconds"))
            .is_some_and(|t| !t.is_null());
        if !has_timeout {
            spec.session_affinity_config = Some(
                json!({ "clientIP": { "timeoutSeconds": DEFAULT_CLIENT_IP_AFFINITY_SECONDS } }),
            );
        }
    }
    let type_ = spec
        .type_
        .get_or_insert_with(|| "ClusterIP".to_string())
        .clone();
    for port in spec.ports.iter_mut().flatten() {
        port.protocol.get_or_insert_with(|| "TCP".to_string());
        let unset = match &port.target_port {
            None => true,
            Some(IntOrString::Int(0)) => true,
            Some(IntOrString::String(text)) => text.is_empty(),
            Some(IntOrString::Int(_)) => false,
        };
        if unset {
            port.target_port = Some(IntOrString::Int(port.port.unwrap_or(0)));
        }
    }
    let externally_accessible = type_ == "NodePort" || type_ == "LoadBalancer";
    if externally_accessible {
        spec.external_traffic_policy
            .get_or_insert_with(|| "Cluster".to_string());
    }
    if externally_accessible || type_ == "ClusterIP" {
        spec.internal_traffic_policy
            .get_or_insert_with(|| "Cluster".to_string());
    }
    if type_ == "LoadBalancer" {
        spec.allocate_load_balancer_node_ports.get_or_insert(true);
    }
}

/// The registry's normalisation before allocation: `clusterIP` and `clusterIPs[0]`
/// agree, and a ClusterIP-bearing Service is single-stack IPv4 (kubesim's only family).
pub fn normalize_cluster_ips(service: &mut Service) {
    let spec = service.spec.get_or_insert_with(ServiceSpec::default);
    if spec.type_.as_deref() == Some("ExternalName") {
        return;
    }
    let cluster_ip = spec.cluster_ip.clone().filter(|ip| !ip.is_empty());
    match (
        &cluster_ip,
        spec.cluster_ips.as_ref().and_then(|ips| ips.first()),
    ) {
        (Some(ip), None) => spec.cluster_ips = Some(vec![ip.clone()]),
        (None, Some(first)) => spec.cluster_ip = Some(first.clone()),
        _ => {}
    }
    if spec.cluster_ip.as_deref() != Some("None") {
        spec.ip_families
            .get_or_insert_with(|| vec!["IPv4".to_string()]);
        spec.ip_family_policy
            .get_or_insert_with(|| "SingleStack".to_string());
    } else {
        // Headless: families follow the selector (upstream: PreferDualStack without one
        // stays SingleStack in a single-stack cluster).
        spec.ip_families
            .get_or_insert_with(|| vec!["IPv4".to_string()]);
        spec.ip_family_policy
            .get_or_insert_with(|| "SingleStack".to_string());
    }
}

/// Allocates the Service's ClusterIP and NodePorts, all or nothing. A requested
/// ClusterIP or NodePort is reserved; a missing one is drawn from the free range.
pub fn allocate(service: &mut Service, api: &mut ApiServer) -> Result<(), Vec<FieldError>> {
    let spec = service.spec.get_or_insert_with(ServiceSpec::default);
    let type_ = spec.type_.clone().unwrap_or_default();
    let mut allocated_ip: Option<String> = None;
    if type_ != "ExternalName" {
        match spec.cluster_ip.clone().filter(|ip| !ip.is_empty()) {
            Some(ip) if ip == "None" => {}
            Some(ip) => {
                if let Err(error) = api.cluster_ips.allocate(&ip) {
                    return Err(vec![FieldError::invalid(
                        "spec.clusterIPs",
                        render_str_slice(spec.cluster_ips.as_deref()),
                        format!("failed to allocate IP {ip}: {error}"),
                    )]);
                }
                allocated_ip = Some(ip);
            }
            None => match api.cluster_ips.allocate_next(&mut api.rng) {
                Ok(ip) => {
                    spec.cluster_ip = Some(ip.clone());
                    spec.cluster_ips = Some(vec![ip.clone()]);
                    allocated_ip = Some(ip);
                }
                Err(error) => {
                    return Err(vec![FieldError::internal(
                        "spec.clusterIPs",
                        format!("failed to allocate a serviceIP: {error}"),
                    )]);
                }
            },
        }
    }
    let needs_node_ports = type_ == "NodePort"
        || (type_ == "LoadBalancer" && spec.allocate_load_balancer_node_ports != Some(false));
    if !needs_node_ports {
        return Ok(());
    }
    let mut taken: Vec<i32> = Vec::new();
    let mut failure = None;
    // Requested ports first, so a dynamic draw cannot take one of them.
    let requested: BTreeSet<i32> = spec
        .ports
        .iter()
        .flatten()
        .filter_map(|p| p.node_port.filter(|n| *n != 0))
        .collect();
    for (index, port) in spec.ports.iter().flatten().enumerate() {
        let Some(node_port) = port.node_port.filter(|n| *n != 0) else {
            continue;
        };
        if taken.contains(&node_port) {
            continue;
        }
        match api.node_ports.allocate(node_port) {
            Ok(()) => taken.push(node_port),
            Err(error) => {
                failure = Some(FieldError::invalid(
                    format!("spec.ports[{index}].nodePort"),
                    render_int(i64::from(node_port)),
                    error.to_string(),
                ));
                break;
            }
        }
    }
    if failure.is_none() {
        for (index, port) in spec.ports.iter_mut().flatten().enumerate() {
            if port.node_port.unwrap_or(0) != 0 {
                continue;
            }
            match api.node_ports.allocate_next(&mut api.rng) {
                Ok(node_port) => {
                    debug_assert!(!requested.contains(&node_port));
                    port.node_port = Some(node_port);
                    taken.push(node_port);
                }
                Err(error) => {
                    failure = Some(FieldError::internal(
                        format!("spec.ports[{index}].nodePort"),
                        format!("failed to allocate a nodePort: {error}"),
                    ));
                    break;
                }
            }
        }
    }
    match failure {
        None => Ok(()),
        Some(error) => {
            for node_port in taken {
                api.node_ports.release(node_port);
            }
            if let Some(ip) = allocated_ip {
                api.cluster_ips.release(&ip);
            }
            Err(vec![error])
        }
    }
}

/// Frees a stored Service's ClusterIP and NodePorts.
pub fn release(service: &Service, api: &mut ApiServer) {
    let spec = service.spec();
    if spec.type_.as_deref() != Some("ExternalName") {
        for ip in spec.cluster_ips.iter().flatten() {
            if ip != "None" {
                api.cluster_ips.release(ip);
            }
        }
    }
    let node_ports: BTreeSet<i32> = spec
        .ports
        .iter()
        .flatten()
        .filter_map(|p| p.node_port.filter(|n| *n != 0))
        .collect();
    for node_port in node_ports {
        api.node_ports.release(node_port);
    }
}

/// What an update leaves out but the server keeps (`patchAllocatedValues`): the
/// ClusterIP(s) and, for ports matched by port number and protocol, the NodePort.
pub fn keep_allocated_values(service: &mut Service, current: &Service) {
    let old = current.spec();
    let spec = service.spec.get_or_insert_with(ServiceSpec::default);
    let old_type = old.type_.as_deref().unwrap_or("ClusterIP");
    if old_type == "ExternalName" || spec.type_.as_deref() == Some("ExternalName") {
        return;
    }
    let new_ip = spec.cluster_ip.clone().filter(|ip| !ip.is_empty());
    if new_ip.is_none() {
        spec.cluster_ip = old.cluster_ip.clone();
    }
    if spec.cluster_ips.as_ref().is_none_or(Vec::is_empty) {
        spec.cluster_ips = old.cluster_ips.clone();
    }
    // A client that changed only clusterIP changed clusterIPs too (`normalizeClusterIPs`);
    // validation then rejects the change.
    if let Some(ip) = new_ip
        && Some(&ip) != old.cluster_ip.as_ref()
        && spec.cluster_ips == old.cluster_ips
    {
        spec.cluster_ips = Some(vec![ip]);
    }
    if spec.ip_families.is_none() {
        spec.ip_families = old.ip_families.clone();
    }
    if spec.ip_family_policy.is_none() {
        spec.ip_family_policy = old.ip_family_policy.clone();
    }
    let needs_node_ports = matches!(spec.type_.as_deref(), Some("NodePort" | "LoadBalancer"));
    if needs_node_ports {
        for port in spec.ports.iter_mut().flatten() {
            if port.node_port.unwrap_or(0) != 0 {
                continue;
            }
            port.node_port = old
                .ports
                .iter()
                .flatten()
                .find(|p| p.port == port.port && p.protocol == port.protocol)
                .and_then(|p| p.node_port);
        }
    }
}

/// Whether a Service of this type holds a ClusterIP (every type but ExternalName).
fn needs_cluster_ip(spec: &ServiceSpec) -> bool {
    spec.type_.as_deref() != Some("ExternalName")
}

/// Whether a Service of this type holds NodePorts.
fn needs_node_ports(spec: &ServiceSpec) -> bool {
    match spec.type_.as_deref() {
        Some("NodePort") => true,
        Some("LoadBalancer") => spec.allocate_load_balancer_node_ports != Some(false),
        _ => false,
    }
}

/// `dropTypeDependentFields` (`pkg/registry/core/service/strategy.go`): when the type
/// changes, what only the old type used is cleared if the client left it as it was.
/// Example: `kubectl patch svc web -p '{"spec":{"type":"ClusterIP"}}'` on a NodePort
/// Service drops the nodePorts and externalTrafficPolicy instead of failing validation.
pub fn drop_type_dependent_fields(service: &mut Service, current: &Service) {
    let old = current.spec();
    let spec = service.spec.get_or_insert_with(ServiceSpec::default);
    if needs_cluster_ip(&old) && !needs_cluster_ip(spec) {
        if spec.cluster_ip == old.cluster_ip && spec.cluster_ips == old.cluster_ips {
            spec.cluster_ip = None;
            spec.cluster_ips = None;
        }
        if spec.ip_families == old.ip_families {
            spec.ip_families = None;
        }
        if spec.ip_family_policy == old.ip_family_policy {
            spec.ip_family_policy = None;
        }
    }
    if needs_node_ports(&old) && !needs_node_ports(spec) {
        let old_node_ports: Vec<Option<i32>> =
            old.ports.iter().flatten().map(|p| p.node_port).collect();
        let new_node_ports: Vec<Option<i32>> =
            spec.ports.iter().flatten().map(|p| p.node_port).collect();
        if old_node_ports == new_node_ports {
            for port in spec.ports.iter_mut().flatten() {
                port.node_port = None;
            }
        }
    }
    let is_load_balancer = spec.type_.as_deref() == Some("LoadBalancer");
    if !is_load_balancer
        && spec.allocate_load_balancer_node_ports.is_some()
        && spec.allocate_load_balancer_node_ports == old.allocate_load_balancer_node_ports
    {
        spec.allocate_load_balancer_node_ports = None;
    }
    if !is_load_balancer
        && spec.load_balancer_class.is_some()
        && spec.load_balancer_class == old.load_balancer_class
    {
        spec.load_balancer_class = None;
    }
    let externally_accessible = matches!(spec.type_.as_deref(), Some("NodePort" | "LoadBalancer"))
        || spec
            .external_ips
            .as_ref()
            .is_some_and(|ips| !ips.is_empty());
    if !externally_accessible && spec.external_traffic_policy == old.external_traffic_policy {
        spec.external_traffic_policy = None;
    }
}

/// Allocation for an update, all or nothing: a ClusterIP for a Service that had none
/// (ExternalName turned ClusterIP), NodePorts for ports that need one and lack one
/// (`type: NodePort` patched onto a ClusterIP Service), requested NodePorts the old
/// Service did not hold; then frees what the old Service held and the new one dropped.
pub fn update_allocations(
    service: &mut Service,
    current: &Service,
    api: &mut ApiServer,
) -> Result<(), Vec<FieldError>> {
    let old = current.spec();
    let old_ips: BTreeSet<String> = if needs_cluster_ip(&old) {
        old.cluster_ips
            .iter()
            .flatten()
            .filter(|ip| ip.as_str() != "None")
            .cloned()
            .collect()
    } else {
        BTreeSet::new()
    };
    let old_node_ports: BTreeSet<i32> = if needs_node_ports(&old) {
        old.ports
            .iter()
            .flatten()
            .filter_map(|p| p.node_port.filter(|n| *n != 0))
            .collect()
    } else {
        BTreeSet::new()
    };
    let spec = service.spec.get_or_insert_with(ServiceSpec::default);
    let mut new_ips: Vec<String> = Vec::new();
    let mut new_node_ports: Vec<i32> = Vec::new();
    let rollback = |api: &mut ApiServer, ips: &[String], node_ports: &[i32]| {
        for ip in ips {
            api.cluster_ips.release(ip);
        }
        for node_port in node_ports {
            api.node_ports.release(*node_port);
        }
    };
    if needs_cluster_ip(spec) {
        match spec.cluster_ip.clone().filter(|ip| !ip.is_empty()) {
            Some(ip) if ip == "None" || old_ips.contains(&ip) => {}
            Some(ip) => {
                if let Err(error) = api.cluster_ips.allocate(&ip) {
                    return Err(vec![FieldError::invalid(
                        "spec.clusterIPs",
                        render_str_slice(spec.cluster_ips.as_deref()),
                        format!("failed to allocate IP {ip}: {error}"),
                    )]);
                }
                new_ips.push(ip);
            }
            None => match api.cluster_ips.allocate_next(&mut api.rng) {
                Ok(ip) => {
                    spec.cluster_ip = Some(ip.clone());
                    spec.cluster_ips = Some(vec![ip.clone()]);
                    spec.ip_families
                        .get_or_insert_with(|| vec!["IPv4".to_string()]);
                    spec.ip_family_policy
                        .get_or_insert_with(|| "SingleStack".to_string());
                    new_ips.push(ip);
                }
                Err(error) => {
                    return Err(vec![FieldError::internal(
                        "spec.clusterIPs",
                        format!("failed to allocate a serviceIP: {error}"),
                    )]);
                }
            },
        }
    }
    if needs_node_ports(spec) {
        for (index, port) in spec.ports.iter().flatten().enumerate() {
            let Some(node_port) = port.node_port.filter(|n| *n != 0) else {
                continue;
            };
            if old_node_ports.contains(&node_port) || new_node_ports.contains(&node_port) {
                continue;
            }
            if let Err(error) = api.node_ports.allocate(node_port) {
                rollback(api, &new_ips, &new_node_ports);
                return Err(vec![FieldError::invalid(
                    format!("spec.ports[{index}].nodePort"),
                    render_int(i64::from(node_port)),
                    error.to_string(),
                )]);
            }
            new_node_ports.push(node_port);
        }
        for (index, port) in spec.ports.iter_mut().flatten().enumerate() {
            if port.node_port.unwrap_or(0) != 0 {
                continue;
            }
            match api.node_ports.allocate_next(&mut api.rng) {
                Ok(node_port) => {
                    port.node_port = Some(node_port);
                    new_node_ports.push(node_port);
                }
                Err(error) => {
                    rollback(api, &new_ips, &new_node_ports);
                    return Err(vec![FieldError::internal(
                        format!("spec.ports[{index}].nodePort"),
                        format!("failed to allocate a nodePort: {error}"),
                    )]);
                }
            }
        }
    }
    // Free what the old Service held and the new one no longer does.
    let kept_ips: BTreeSet<String> = if needs_cluster_ip(spec) {
        spec.cluster_ips.iter().flatten().cloned().collect()
    } else {
        BTreeSet::new()
    };
    for ip in old_ips.difference(&kept_ips) {
        api.cluster_ips.release(ip);
    }
    let kept_node_ports: BTreeSet<i32> = if needs_node_ports(spec) {
        spec.ports
            .iter()
            .flatten()
            .filter_map(|p| p.node_port.filter(|n| *n != 0))
            .collect()
    } else {
        BTreeSet::new()
    };
    for node_port in old_node_ports.difference(&kept_node_ports) {
        api.node_ports.release(*node_port);
    }
    Ok(())
}

/// `SetDefaults_Endpoints`: port protocol TCP.
pub fn default_endpoints(endpoints: &mut Endpoints) {
    for subset in endpoints.subsets.iter_mut().flatten() {
        for port in subset.ports.iter_mut().flatten() {
            port.protocol.get_or_insert_with(|| "TCP".to_string());
        }
    }
}

/// EndpointSlice ports default to TCP (`discovery/v1` declarative default).
pub fn default_endpoint_slice(slice: &mut EndpointSlice) {
    for port in slice.ports.iter_mut().flatten() {
        port.protocol.get_or_insert_with(|| "TCP".to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SimRng;
    use crate::time::SimTime;

    fn service(spec: serde_json::Value) -> Service {
        let mut service: Service =
            serde_json::from_value(json!({"metadata": {"name": "web"}, "spec": spec})).unwrap();
        default_service(&mut service);
        normalize_cluster_ips(&mut service);
        service
    }

    fn api() -> ApiServer {
        ApiServer::new(SimTime::DEFAULT_EPOCH, SimRng::new(1), 16)
    }

    #[test]
    fn turning_a_cluster_ip_service_into_node_port_allocates_and_back_releases() {
        let mut api = api();
        let mut old = service(json!({"clusterIP": "10.96.0.50", "ports": [{"port": 80}]}));
        allocate(&mut old, &mut api).unwrap();

        let mut node_port = service(json!({"type": "NodePort", "ports": [{"port": 80}]}));
        keep_allocated_values(&mut node_port, &old);
        drop_type_dependent_fields(&mut node_port, &old);
        update_allocations(&mut node_port, &old, &mut api).unwrap();
        let spec = node_port.spec();
        assert_eq!(spec.cluster_ip.as_deref(), Some("10.96.0.50"));
        let allocated = spec.ports.unwrap()[0].node_port.unwrap();
        assert!((30000..=32767).contains(&allocated));
        assert_eq!(
            api.node_ports.allocate(allocated),
            Err(crate::api_server::allocators::AllocationError::PortInUse)
        );

        // Back to ClusterIP with the merged object (nodePort still written): dropped, freed.
        let mut back = node_port.clone();
        back.spec.as_mut().unwrap().type_ = Some("ClusterIP".to_string());
        drop_type_dependent_fields(&mut back, &node_port);
        assert_eq!(back.spec().ports.unwrap()[0].node_port, None);
        assert_eq!(back.spec().external_traffic_policy, None);
        update_allocations(&mut back, &node_port, &mut api).unwrap();
        assert_eq!(api.node_ports.allocate(allocated), Ok(()));
    }

    #[test]
    fn a_taken_node_port_fails_the_update_and_frees_what_it_took() {
        let mut api = api();
        let mut other =
            service(json!({"type": "NodePort", "ports": [{"port": 80, "nodePort": 30080}]}));
        allocate(&mut other, &mut api).unwrap();
        let mut old = service(json!({"type": "ExternalName", "externalName": "example.com"}));
        allocate(&mut old, &mut api).unwrap();
        let mut new = service(
            json!({"type": "NodePort", "clusterIP": "10.96.0.70", "ports": [{"port": 80, "nodePort": 30080}]}),
        );
        let errors = update_allocations(&mut new, &old, &mut api).unwrap_err();
        assert_eq!(
            errors[0].to_string(),
            "spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated"
        );
        // The ClusterIP reserved on the way was given back.
        assert_eq!(api.cluster_ips.allocate("10.96.0.70"), Ok(()));
    }
}
