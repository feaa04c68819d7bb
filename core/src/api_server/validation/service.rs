//! Service and EndpointSlice validation. Upstream: `pkg/apis/core/validation/validation.go`
//! (`ValidateService`, `validateServicePort`, `ValidateServiceUpdate`,
//! `validateUpgradeDowngradeClusterIPs`) and `pkg/apis/discovery/validation/validation.go`.

use std::collections::BTreeSet;
use std::net::IpAddr;

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

pub fn validate_service(service: &Service, errors: &mut Vec<FieldError>) {
    let spec = service.spec();
    let type_ = spec.type_.as_deref().unwrap_or("");
    let ports = spec.ports.as_deref().unwrap_or(&[]);
    if ports.is_empty() && !is_headless(service) && type_ != "ExternalName" {
        errors.push(FieldError::required("spec.ports", ""));
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
    if type_ == "ExternalName" {
        let cluster_ip = spec.cluster_ip.as_deref().unwrap_or("");
        if !cluster_ip.is_empty() {
            errors.push(FieldError::forbidden(
                "spec.clusterIPs",
                "may not be set for ExternalName services",
            ));
        }
        let external_name = spec.external_name.as_deref().unwrap_or("");
        if external_name.is_empty() {
            errors.push(FieldError::required("spec.externalName", ""));
        } else {
            // A trailing dot (fully qualified) is allowed.
            let name = external_name.strip_suffix('.').unwrap_or(external_name);
            for message in is_dns1123_subdomain(name) {
                errors.push(FieldError::invalid(
                    "spec.externalName",
                    render_str(external_name),
                    message,
                ));
            }
        }
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
        if ip.parse::<IpAddr>().is_err() {
            errors.push(FieldError::invalid(
                format!("spec.clusterIPs[{index}]"),
                render_str(ip),
                "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
            ));
        }
    }
    let mut port_names = BTreeSet::new();
    let require_name = ports.len() > 1;
    let mut node_ports = BTreeSet::new();
    for (index, port) in ports.iter().enumerate() {
        let path = format!("spec.ports[{index}]");
        let name = port.name.as_deref().unwrap_or("");
        if require_name && name.is_empty() {
            errors.push(FieldError::required(format!("{path}.name"), ""));
        } else if !name.is_empty() {
            validate_dns1123_label(name, &format!("{path}.name"), errors);
            if !port_names.insert(name.to_string()) {
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
        let node_port = port.node_port.unwrap_or(0);
        if node_port != 0 {
            if type_ == "ClusterIP" {
                errors.push(FieldError::forbidden(
                    format!("{path}.nodePort"),
                    "may not be used when `type` is 'ClusterIP'",
                ));
            }
            for message in is_valid_port_num(i64::from(node_port)) {
                errors.push(FieldError::invalid(
                    format!("{path}.nodePort"),
                    render_int(i64::from(node_port)),
                    message,
                ));
            }
            let protocol = port.protocol.clone().unwrap_or_default();
            if !node_ports.insert((node_port, protocol)) {
                errors.push(FieldError::duplicate(
                    format!("{path}.nodePort"),
                    render_int(i64::from(node_port)),
                ));
            }
        }
    }
    if let Some(selector) = &spec.selector {
        errors.extend(validate_labels(selector, "spec.selector"));
    }
    if let Some(affinity) = spec.session_affinity.as_deref() {
        const AFFINITIES: [&str; 2] = ["ClientIP", "None"];
        if !AFFINITIES.contains(&affinity) {
            errors.push(FieldError::not_supported(
                "spec.sessionAffinity",
                render_str(affinity),
                &AFFINITIES,
            ));
        }
    }
    if let Some(policy) = spec.external_traffic_policy.as_deref() {
        if type_ != "NodePort" && type_ != "LoadBalancer" {
            errors.push(FieldError::invalid(
                "spec.externalTrafficPolicy",
                render_str(policy),
                "may only be set for externally-accessible services",
            ));
        } else if policy != "Cluster" && policy != "Local" {
            errors.push(FieldError::not_supported(
                "spec.externalTrafficPolicy",
                render_str(policy),
                &["Cluster", "Local"],
            ));
        }
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
