//! Service and EndpointSlice validation. Upstream: `pkg/apis/core/validation/validation.go`
//! (`ValidateService`, `validateServicePort`, `ValidateServiceUpdate`,
//! `validateUpgradeDowngradeClusterIPs`) and `pkg/apis/discovery/validation/validation.go`.

use std::collections::BTreeSet;

use crate::model::endpoint_slice::EndpointSlice;
use crate::model::intstr::IntOrString;
use crate::model::service::Service;
use crate::model::validation::{
    FieldError, is_dns1123_subdomain, render_int, render_str, render_str_slice, validate_labels,
};

use super::{is_valid_port_name, is_valid_port_num, validate_dns1123_label};

const SERVICE_TYPES: [&str; 4] = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
const SERVICE_PROTOCOLS: [&str; 3] = ["SCTP", "TCP", "UDP"];

fn is_headless(service: &Service) -> bool {
    service.spec.as_ref().and_then(|s| s.cluster_ip.as_deref()) == Some("None")
}

/// The kubelet's port, which a LoadBalancer may not expose (`ports.KubeletPort`).
const KUBELET_PORT: i32 = 10250;

/// `ValidateService`, in upstream's order: ports required, per-type rules, each port,
/// selector, session affinity, ClusterIPs, type, nodePorts, duplicates, traffic policies.
pub fn validate_service(service: &Service, errors: &mut Vec<FieldError>) {
    let spec = service.spec();
    let type_ = spec.type_.as_deref().unwrap_or("");
    let ports = spec.ports.as_deref().unwrap_or(&[]);
    let headless = is_headless(service);
    if ports.is_empty() && !headless && type_ != "ExternalName" {
        errors.push(FieldError::required("spec.ports", ""));
    }
    match type_ {
        "LoadBalancer" | "NodePort" => {
            if type_ == "LoadBalancer" {
                for (index, port) in ports.iter().enumerate() {
                    if port.port == Some(KUBELET_PORT) {
                        errors.push(FieldError::invalid(
                            format!("spec.ports[{index}]"),
                            render_int(i64::from(KUBELET_PORT)),
                            format!(
                                "may not expose port {KUBELET_PORT} externally since it is used by kubelet"
                            ),
                        ));
                    }
                }
            }
            if headless {
                errors.push(FieldError::invalid(
                    "spec.clusterIPs[0]",
                    render_str("None"),
                    format!("may not be set to 'None' for {type_} services"),
                ));
            }
        }
        "ExternalName" => {
            if spec.cluster_ips.as_ref().is_some_and(|ips| !ips.is_empty())
                || spec.cluster_ip.as_ref().is_some_and(|ip| !ip.is_empty())
            {
                errors.push(FieldError::forbidden(
                    "spec.clusterIPs",
                    "may not be set for ExternalName services",
                ));
            }
            // A trailing dot (fully qualified) is allowed.
            let external_name = spec.external_name.as_deref().unwrap_or("");
            let cname = external_name.strip_suffix('.').unwrap_or(external_name);
            if cname.is_empty() {
                errors.push(FieldError::required("spec.externalName", ""));
            } else {
                for message in is_dns1123_subdomain(cname) {
                    errors.push(FieldError::invalid(
                        "spec.externalName",
                        render_str(cname),
                        message,
                    ));
                }
            }
        }
        _ => {}
    }
    let mut port_names = BTreeSet::new();
    let require_name = ports.len() > 1;
    for (index, port) in ports.iter().enumerate() {
        validate_service_port(port, require_name, &mut port_names, index, errors);
    }
    if let Some(selector) = &spec.selector {
        errors.extend(validate_labels(selector, "spec.selector"));
    }
    match spec.session_affinity.as_deref().unwrap_or("") {
        "" => errors.push(FieldError::required("spec.sessionAffinity", "")),
        "ClientIP" | "None" => {}
        other => errors.push(FieldError::not_supported(
            "spec.sessionAffinity",
            render_str(other),
            &["ClientIP", "None"],
        )),
    }
    for (index, ip) in spec
        .cluster_ips
        .as_deref()
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        if index == 0 && ip == "None" {
            continue;
        }
        if !crate::model::validation::is_ip_address(ip) {
            errors.push(FieldError::invalid(
                format!("spec.clusterIPs[{index}]"),
                render_str(ip),
                "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
            ));
        }
    }
    match type_ {
        "" => errors.push(FieldError::required("spec.type", "")),
        t if SERVICE_TYPES.contains(&t) => {}
        other => errors.push(FieldError::not_supported(
            "spec.type",
            render_str(other),
            &SERVICE_TYPES,
        )),
    }
    if type_ == "ClusterIP" {
        for (index, port) in ports.iter().enumerate() {
            if port.node_port.unwrap_or(0) != 0 {
                errors.push(FieldError::forbidden(
                    format!("spec.ports[{index}].nodePort"),
                    "may not be used when `type` is 'ClusterIP'",
                ));
            }
        }
    }
    // Duplicates count (protocol, nodePort) and (protocol, port) pairs.
    let mut node_ports = BTreeSet::new();
    for (index, port) in ports.iter().enumerate() {
        let node_port = port.node_port.unwrap_or(0);
        if node_port != 0 && !node_ports.insert((port.protocol.clone(), node_port)) {
            errors.push(FieldError::duplicate(
                format!("spec.ports[{index}].nodePort"),
                render_int(i64::from(node_port)),
            ));
        }
    }
    let mut seen_ports = BTreeSet::new();
    for (index, port) in ports.iter().enumerate() {
        let protocol = port.protocol.clone().unwrap_or_default();
        let number = port.port.unwrap_or(0);
        if !seen_ports.insert((protocol.clone(), number)) {
            errors.push(FieldError::duplicate(
                format!("spec.ports[{index}]"),
                format!(
                    "core.ServicePort{{Name:\"\", Protocol:{}, AppProtocol:(*string)(nil), Port:{number}, TargetPort:intstr.IntOrString{{Type:0, IntVal:0, StrVal:\"\"}}, NodePort:0}}",
                    render_str(&protocol)
                ),
            ));
        }
    }
    let externally_accessible = type_ == "NodePort"
        || type_ == "LoadBalancer"
        || spec
            .external_ips
            .as_ref()
            .is_some_and(|ips| !ips.is_empty());
    match (
        externally_accessible,
        spec.external_traffic_policy.as_deref(),
    ) {
        (false, Some(policy)) if !policy.is_empty() => errors.push(FieldError::invalid(
            "spec.externalTrafficPolicy",
            render_str(policy),
            "may only be set for externally-accessible services",
        )),
        (true, None | Some("")) => {
            errors.push(FieldError::required("spec.externalTrafficPolicy", ""))
        }
        (true, Some(policy)) if policy != "Cluster" && policy != "Local" => {
            errors.push(FieldError::not_supported(
                "spec.externalTrafficPolicy",
                render_str(policy),
                &["Cluster", "Local"],
            ))
        }
        _ => {}
    }
    if let Some(policy) = spec.internal_traffic_policy.as_deref()
        && policy != "Cluster"
        && policy != "Local"
    {
        errors.push(FieldError::not_supported(
            "spec.internalTrafficPolicy",
            render_str(policy),
            &["Cluster", "Local"],
        ));
    }
    if let Some(policy) = spec.ip_family_policy.as_deref() {
        const POLICIES: [&str; 3] = ["PreferDualStack", "RequireDualStack", "SingleStack"];
        if !POLICIES.contains(&policy) {
            errors.push(FieldError::not_supported(
                "spec.ipFamilyPolicy",
                render_str(policy),
                &POLICIES,
            ));
        }
    }
}

/// `validateServicePort`: names (required when there are several), port, protocol,
/// targetPort.
fn validate_service_port(
    port: &crate::model::service::ServicePort,
    require_name: bool,
    names: &mut BTreeSet<String>,
    index: usize,
    errors: &mut Vec<FieldError>,
) {
    let path = format!("spec.ports[{index}]");
    let name = port.name.as_deref().unwrap_or("");
    if require_name && name.is_empty() {
        errors.push(FieldError::required(format!("{path}.name"), ""));
    } else if !name.is_empty() {
        validate_dns1123_label(name, &format!("{path}.name"), errors);
        if !names.insert(name.to_string()) {
            errors.push(FieldError::duplicate(
                format!("{path}.name"),
                render_str(name),
            ));
        }
    }
    let number = i64::from(port.port.unwrap_or(0));
    for message in is_valid_port_num(number) {
        errors.push(FieldError::invalid(
            format!("{path}.port"),
            render_int(number),
            message,
        ));
    }
    match port.protocol.as_deref().unwrap_or("") {
        "" => errors.push(FieldError::required(format!("{path}.protocol"), "")),
        p if SERVICE_PROTOCOLS.contains(&p) => {}
        other => errors.push(FieldError::not_supported(
            format!("{path}.protocol"),
            render_str(other),
            &SERVICE_PROTOCOLS,
        )),
    }
    match &port.target_port {
        Some(IntOrString::Int(target)) => {
            for message in is_valid_port_num(i64::from(*target)) {
                errors.push(FieldError::invalid(
                    format!("{path}.targetPort"),
                    render_int(i64::from(*target)),
                    message,
                ));
            }
        }
        Some(IntOrString::String(target)) => {
            for message in is_valid_port_name(target) {
                errors.push(FieldError::invalid(
                    format!("{path}.targetPort"),
                    render_str(target),
                    message,
                ));
            }
        }
        None => {}
    }
    if let Some(node_port) = port.node_port.filter(|p| *p != 0) {
        for message in is_valid_port_num(i64::from(node_port)) {
            errors.push(FieldError::invalid(
                format!("{path}.nodePort"),
                render_int(i64::from(node_port)),
                message,
            ));
        }
    }
}

/// `validateUpgradeDowngradeClusterIPs`: an allocated ClusterIP never changes.
pub fn validate_service_update(new: &Service, old: &Service, errors: &mut Vec<FieldError>) {
    let new_type = new.type_();
    let old_type = old.type_();
    if new_type == "ExternalName" || old_type == "ExternalName" {
        return;
    }
    if is_headless(new) && is_headless(old) {
        return;
    }
    let new_ips = new
        .spec
        .as_ref()
        .and_then(|s| s.cluster_ips.clone())
        .unwrap_or_default();
    let old_ips = old
        .spec
        .as_ref()
        .and_then(|s| s.cluster_ips.clone())
        .unwrap_or_default();
    let changed = if new_ips.len() == old_ips.len() {
        new_ips != old_ips
    } else {
        // Dual-stack upgrades and downgrades keep the primary address.
        new_ips.first() != old_ips.first()
    };
    if changed {
        errors.push(FieldError::invalid(
            "spec.clusterIPs[0]",
            render_str_slice(Some(&new_ips)),
            "may not change once set",
        ));
    }
}

/// `ValidateEndpointSlice`: addressType is required and one of the known families.
pub fn validate_endpoint_slice(slice: &EndpointSlice, errors: &mut Vec<FieldError>) {
    const ADDRESS_TYPES: [&str; 3] = ["FQDN", "IPv4", "IPv6"];
    match slice.address_type.as_deref().unwrap_or("") {
        "" => errors.push(FieldError::required("addressType", "")),
        t if ADDRESS_TYPES.contains(&t) => {}
        other => errors.push(FieldError::not_supported(
            "addressType",
            render_str(other),
            &ADDRESS_TYPES,
        )),
    }
}
