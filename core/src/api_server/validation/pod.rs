//! Pod and pod-template validation. Upstream: `pkg/apis/core/validation/validation.go`
//! (`ValidatePodSpec`, `validateContainers`, `validateContainerPorts`,
//! `ValidateResourceRequirements`, `validateProbe`, `validateTolerations`,
//! `validateAffinity`, `ValidatePodUpdate`).

use std::collections::{BTreeMap, BTreeSet};

use crate::model::pod::{
    Affinity, Container, NodeSelectorRequirement, NodeSelectorTerm, Pod, PodAffinity,
    PodAffinityTerm, PodSpec, PodTemplateSpec, Probe, ResourceRequirements, Toleration,
    TopologySpreadConstraint,
};
use crate::model::quantity::Quantity;
use crate::model::validation::{
    FieldError, is_dns1123_subdomain, is_qualified_name, is_valid_label_value, render_int,
    render_str, validate_annotations, validate_labels,
};

use super::{
    inclusive_range_error, is_valid_port_name, is_valid_port_num, validate_dns1123_label,
    validate_label_name, validate_label_selector, validate_nonnegative,
};

const SUPPORTED_PORT_PROTOCOLS: [&str; 3] = ["SCTP", "TCP", "UDP"];
const RESTART_POLICIES: [&str; 3] = ["Always", "OnFailure", "Never"];
const DNS_POLICIES: [&str; 4] = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"];
const TAINT_EFFECTS: [&str; 3] = ["NoSchedule", "PreferNoSchedule", "NoExecute"];
/// `helper.IsStandardContainerResourceName` (plus the `hugepages-` prefix).
const STANDARD_CONTAINER_RESOURCES: [&str; 3] = ["cpu", "memory", "ephemeral-storage"];

/// `ValidatePodCreate`: the spec, and no ephemeral containers (they are added later
/// through the `ephemeralcontainers` subresource).
pub fn validate_pod(pod: &Pod, errors: &mut Vec<FieldError>) {
    let empty = PodSpec::default();
    let spec = pod.spec.as_deref().unwrap_or(&empty);
    validate_pod_spec(spec, "spec", errors);
    if spec
        .ephemeral_containers
        .as_ref()
        .is_some_and(|c| !c.is_empty())
    {
        errors.push(FieldError::forbidden(
            "spec.ephemeralContainers",
            "cannot be set on create",
        ));
    }
}

/// `ValidatePodTemplateSpec` at `path` (e.g. `spec.template`). Upstream validates the
/// template's labels at `<path>.labels`, not `<path>.metadata.labels`.
pub fn validate_pod_template(
    template: Option<&PodTemplateSpec>,
    path: &str,
    errors: &mut Vec<FieldError>,
) {
    let Some(template) = template else {
        errors.push(FieldError::required(path, ""));
        return;
    };
    if let Some(meta) = &template.metadata {
        if let Some(labels) = &meta.labels {
            errors.extend(validate_labels(labels, &format!("{path}.labels")));
        }
        if let Some(annotations) = &meta.annotations {
            errors.extend(validate_annotations(
                annotations,
                &format!("{path}.annotations"),
            ));
        }
    }
    let empty = PodSpec::default();
    validate_pod_spec(
        template.spec.as_deref().unwrap_or(&empty),
        &format!("{path}.spec"),
        errors,
    );
}

/// `ValidatePodSpec` at `path` (`spec` or `spec.template.spec`).
pub fn validate_pod_spec(spec: &PodSpec, path: &str, errors: &mut Vec<FieldError>) {
    let containers = spec.containers.as_deref().unwrap_or(&[]);
    let init_containers = spec.init_containers.as_deref().unwrap_or(&[]);
    // Regular containers first, then init containers, whose names must differ from
    // all others (upstream's validateContainers, then validateInitContainers).
    let mut names = BTreeSet::new();
    if containers.is_empty() {
        errors.push(FieldError::required(format!("{path}.containers"), ""));
    }
    for (index, container) in containers.iter().enumerate() {
        validate_container(
            container,
            &format!("{path}.containers[{index}]"),
            &mut names,
            true,
            errors,
        );
    }
    for (index, container) in init_containers.iter().enumerate() {
        validate_container(
            container,
            &format!("{path}.initContainers[{index}]"),
            &mut names,
            false,
            errors,
        );
    }
    match spec.restart_policy.as_deref() {
        None | Some("") => errors.push(FieldError::required(format!("{path}.restartPolicy"), "")),
        Some(policy) if RESTART_POLICIES.contains(&policy) => {}
        Some(policy) => errors.push(FieldError::not_supported(
            format!("{path}.restartPolicy"),
            render_str(policy),
            &RESTART_POLICIES,
        )),
    }
    match spec.dns_policy.as_deref() {
        None | Some("") => errors.push(FieldError::required(format!("{path}.dnsPolicy"), "")),
        Some(policy) if DNS_POLICIES.contains(&policy) => {}
        Some(policy) => errors.push(FieldError::not_supported(
            format!("{path}.dnsPolicy"),
            render_str(policy),
            &DNS_POLICIES,
        )),
    }
    if let Some(node_selector) = &spec.node_selector {
        errors.extend(validate_labels(
            node_selector,
            &format!("{path}.nodeSelector"),
        ));
    }
    if let Some(affinity) = &spec.affinity {
        validate_affinity(affinity, &format!("{path}.affinity"), errors);
    }
    validate_topology_spread_constraints(
        spec.topology_spread_constraints.as_deref().unwrap_or(&[]),
        &format!("{path}.topologySpreadConstraints"),
        errors,
    );
    for (field, value) in [
        ("serviceAccountName", spec.service_account_name.as_deref()),
        ("nodeName", spec.node_name.as_deref()),
    ] {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            for message in is_dns1123_subdomain(value) {
                errors.push(FieldError::invalid(
                    format!("{path}.{field}"),
                    render_str(value),
                    message,
                ));
            }
        }
    }
    // terminationGracePeriodSeconds is not range-checked upstream: a negative value is
    // stored and deletion treats it as 1 s (CheckGracefulDelete).
    if let Some(seconds) = spec.active_deadline_seconds
        && !(1..=i64::from(u32::MAX)).contains(&seconds)
    {
        errors.push(FieldError::invalid(
            format!("{path}.activeDeadlineSeconds"),
            render_int(seconds),
            inclusive_range_error(1, i64::from(u32::MAX)),
        ));
    }
    for (field, value) in [
        ("hostname", spec.hostname.as_deref()),
        ("subdomain", spec.subdomain.as_deref()),
    ] {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            validate_dns1123_label(value, &format!("{path}.{field}"), errors);
        }
    }
    for (index, toleration) in spec
        .tolerations
        .as_deref()
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        validate_toleration(toleration, &format!("{path}.tolerations[{index}]"), errors);
    }
}

fn validate_container(
    container: &Container,
    path: &str,
    names: &mut BTreeSet<String>,
    regular: bool,
    errors: &mut Vec<FieldError>,
) {
    let name = container.name.as_deref().unwrap_or("");
    if name.is_empty() {
        errors.push(FieldError::required(format!("{path}.name"), ""));
    } else {
        validate_dns1123_label(name, &format!("{path}.name"), errors);
        if !names.insert(name.to_string()) {
            errors.push(FieldError::duplicate(
                format!("{path}.name"),
                render_str(name),
            ));
        }
    }
    let image = container.image.as_deref().unwrap_or("");
    if image.is_empty() {
        errors.push(FieldError::required(format!("{path}.image"), ""));
    } else if image.trim() != image {
        errors.push(FieldError::invalid(
            format!("{path}.image"),
            render_str(image),
            "must not have leading or trailing whitespace",
        ));
    }
    validate_container_ports(container, path, errors);
    if let Some(resources) = &container.resources {
        validate_resources(resources, &format!("{path}.resources"), errors);
    }
    if let Some(policy) = container.image_pull_policy.as_deref() {
        const PULL_POLICIES: [&str; 3] = ["Always", "IfNotPresent", "Never"];
        if !PULL_POLICIES.contains(&policy) {
            errors.push(FieldError::not_supported(
                format!("{path}.imagePullPolicy"),
                render_str(policy),
                &PULL_POLICIES,
            ));
        }
    }
    if let Some(policy) = container.termination_message_policy.as_deref() {
        const MESSAGE_POLICIES: [&str; 2] = ["File", "FallbackToLogsOnError"];
        if !MESSAGE_POLICIES.contains(&policy) {
            errors.push(FieldError::not_supported(
                format!("{path}.terminationMessagePolicy"),
                render_str(policy),
                &MESSAGE_POLICIES,
            ));
        }
    }
    let probes = [
        ("livenessProbe", container.liveness_probe.as_ref(), true),
        ("readinessProbe", container.readiness_probe.as_ref(), false),
        ("startupProbe", container.startup_probe.as_ref(), true),
    ];
    for (field, probe, success_must_be_one) in probes {
        let Some(probe) = probe else { continue };
        let probe_path = format!("{path}.{field}");
        if !regular {
            // Regular init containers run to completion; probes make no sense there.
            if container.restart_policy.as_deref() != Some("Always") {
                errors.push(FieldError::forbidden(
                    &probe_path,
                    "may not be set for init containers without restartPolicy=Always",
                ));
                continue;
            }
        }
        validate_probe(probe, &probe_path, errors);
        if success_must_be_one
            && let Some(threshold) = probe.success_threshold
            && threshold != 1
        {
            errors.push(FieldError::invalid(
                format!("{probe_path}.successThreshold"),
                render_int(i64::from(threshold)),
                "must be 1",
            ));
        }
    }
}

fn validate_container_ports(container: &Container, path: &str, errors: &mut Vec<FieldError>) {
    let mut port_names = BTreeSet::new();
    for (index, port) in container.ports.as_deref().unwrap_or(&[]).iter().enumerate() {
        let port_path = format!("{path}.ports[{index}]");
        if let Some(name) = port.name.as_deref().filter(|n| !n.is_empty()) {
            let messages = is_valid_port_name(name);
            if !messages.is_empty() {
                for message in messages {
                    errors.push(FieldError::invalid(
                        format!("{port_path}.name"),
                        render_str(name),
                        message,
                    ));
                }
            } else if !port_names.insert(name.to_string()) {
                errors.push(FieldError::duplicate(
                    format!("{port_path}.name"),
                    render_str(name),
                ));
            }
        }
        match port.container_port.unwrap_or(0) {
            0 => errors.push(FieldError::required(
                format!("{port_path}.containerPort"),
                "",
            )),
            value => {
                for message in is_valid_port_num(i64::from(value)) {
                    errors.push(FieldError::invalid(
                        format!("{port_path}.containerPort"),
                        render_int(i64::from(value)),
                        message,
                    ));
                }
            }
        }
        if let Some(host_port) = port.host_port.filter(|p| *p != 0) {
            for message in is_valid_port_num(i64::from(host_port)) {
                errors.push(FieldError::invalid(
                    format!("{port_path}.hostPort"),
                    render_int(i64::from(host_port)),
                    message,
                ));
            }
        }
        match port.protocol.as_deref() {
            None | Some("") => {
                errors.push(FieldError::required(format!("{port_path}.protocol"), ""))
            }
            Some(protocol) if SUPPORTED_PORT_PROTOCOLS.contains(&protocol) => {}
            Some(protocol) => errors.push(FieldError::not_supported(
                format!("{port_path}.protocol"),
                render_str(protocol),
                &SUPPORTED_PORT_PROTOCOLS,
            )),
        }
    }
}

/// `ValidateResourceRequirements` for a container: names, non-negative values,
/// and requests at most the limits.
fn validate_resources(resources: &ResourceRequirements, path: &str, errors: &mut Vec<FieldError>) {
    let empty = BTreeMap::new();
    let limits = resources.limits.as_ref().unwrap_or(&empty);
    let requests = resources.requests.as_ref().unwrap_or(&empty);
    for (name, quantity) in limits {
        let field = format!("{path}.limits[{name}]");
        validate_resource_entry(name, quantity, &field, errors);
    }
    // The request-versus-limit errors name `resources.requests` without the key.
    let requests_path = format!("{path}.requests");
    for (name, quantity) in requests {
        let field = format!("{requests_path}[{name}]");
        validate_resource_entry(name, quantity, &field, errors);
        match limits.get(name) {
            Some(limit) if quantity != limit && !is_overcommit_allowed(name) => {
                errors.push(FieldError::invalid(
                    &requests_path,
                    render_str(&quantity.to_string()),
                    format!("must be equal to {name} limit of {limit}"),
                ));
            }
            Some(limit) if quantity > limit => errors.push(FieldError::invalid(
                &requests_path,
                render_str(&quantity.to_string()),
                format!("must be less than or equal to {name} limit of {limit}"),
            )),
            Some(_) => {}
            None if !is_overcommit_allowed(name) => errors.push(FieldError::required(
                format!("{path}.limits"),
                "Limit must be set for non overcommitable resources",
            )),
            None => {}
        }
    }
}

/// `helper.IsOvercommitAllowed`: native resources (no domain, or a kubernetes.io one)
/// except hugepages. Extended resources such as `nvidia.com/gpu` are not.
fn is_overcommit_allowed(name: &str) -> bool {
    let native = !name.contains('/') || name.contains("kubernetes.io/");
    native && !name.starts_with("hugepages-")
}

fn validate_resource_entry(
    name: &str,
    quantity: &Quantity,
    field: &str,
    errors: &mut Vec<FieldError>,
) {
    let qualified_messages = is_qualified_name(name);
    for message in &qualified_messages {
        errors.push(FieldError::invalid(
            field,
            render_str(name),
            message.clone(),
        ));
    }
    let standard = STANDARD_CONTAINER_RESOURCES.contains(&name) || name.starts_with("hugepages-");
    // Extended resources carry a domain (`example.com/gpu`); bare names must be standard.
    if qualified_messages.is_empty() && !standard && !name.contains('/') {
        errors.push(FieldError::invalid(
            field,
            render_str(name),
            "must be a standard resource for containers",
        ));
    }
    if *quantity < Quantity::zero() {
        errors.push(FieldError::invalid(
            field,
            render_str(&quantity.to_string()),
            super::NEGATIVE_ERROR_MESSAGE,
        ));
    }
}

/// `validateProbe`: exactly one handler and non-negative timings.
fn validate_probe(probe: &Probe, path: &str, errors: &mut Vec<FieldError>) {
    let handlers: Vec<&str> = [
        ("exec", &probe.exec),
        ("httpGet", &probe.http_get),
        ("tcpSocket", &probe.tcp_socket),
        ("grpc", &probe.grpc),
    ]
    .into_iter()
    .filter(|(_, value)| value.as_ref().is_some_and(|v| !v.is_null()))
    .map(|(name, _)| name)
    .collect();
    match handlers.as_slice() {
        [] => errors.push(FieldError::required(path, "must specify a handler type")),
        [_] => {}
        [_, rest @ ..] => {
            for name in rest {
                errors.push(FieldError::forbidden(
                    format!("{path}.{name}"),
                    "may not specify more than 1 handler type",
                ));
            }
        }
    }
    for (field, value) in [
        ("initialDelaySeconds", probe.initial_delay_seconds),
        ("timeoutSeconds", probe.timeout_seconds),
        ("periodSeconds", probe.period_seconds),
        ("successThreshold", probe.success_threshold),
        ("failureThreshold", probe.failure_threshold),
    ] {
        if let Some(value) = value {
            validate_nonnegative(i64::from(value), &format!("{path}.{field}"), errors);
        }
    }
    if let Some(seconds) = probe.termination_grace_period_seconds
        && seconds <= 0
    {
        errors.push(FieldError::invalid(
            format!("{path}.terminationGracePeriodSeconds"),
            render_int(seconds),
            "must be greater than 0",
        ));
    }
}

/// `validateTolerations`.
fn validate_toleration(toleration: &Toleration, path: &str, errors: &mut Vec<FieldError>) {
    let key = toleration.key.as_deref().unwrap_or("");
    let operator = toleration.operator.as_deref().unwrap_or("");
    let value = toleration.value.as_deref().unwrap_or("");
    let effect = toleration.effect.as_deref().unwrap_or("");
    if !key.is_empty() {
        validate_label_name(key, &format!("{path}.key"), errors);
    }
    if key.is_empty() && operator != "Exists" {
        errors.push(FieldError::invalid(
            format!("{path}.operator"),
            render_str(operator),
            "operator must be Exists when `key` is empty, which means \"match all values and all keys\"",
        ));
    }
    if toleration.toleration_seconds.is_some() && effect != "NoExecute" {
        errors.push(FieldError::invalid(
            format!("{path}.effect"),
            render_str(effect),
            "effect must be 'NoExecute' when `tolerationSeconds` is set",
        ));
    }
    match operator {
        "" | "Equal" => {
            let messages = is_valid_label_value(value);
            if !messages.is_empty() {
                errors.push(FieldError::invalid(
                    format!("{path}.operator"),
                    render_str(value),
                    messages.join(";"),
                ));
            }
        }
        "Exists" => {
            if !value.is_empty() {
                // Upstream passes the whole toleration as the value (`%#v`).
                errors.push(FieldError::invalid(
                    format!("{path}.operator"),
                    format!(
                        "core.Toleration{{Key:{}, Operator:{}, Value:{}, Effect:{}, TolerationSeconds:{}}}",
                        render_str(key),
                        render_str(operator),
                        render_str(value),
                        render_str(effect),
                        if toleration.toleration_seconds.is_some() {
                            "(*int64)(0xc000000000)"
                        } else {
                            "(*int64)(nil)"
                        }
                    ),
                    "value must be empty when `operator` is 'Exists'",
                ));
            }
        }
        other => errors.push(FieldError::not_supported(
            format!("{path}.operator"),
            render_str(other),
            &["Equal", "Exists"],
        )),
    }
    if !effect.is_empty() && !TAINT_EFFECTS.contains(&effect) {
        errors.push(FieldError::not_supported(
            format!("{path}.effect"),
            render_str(effect),
            &TAINT_EFFECTS,
        ));
    }
}

/// `validateTopologySpreadConstraints`: maxSkew > 0, a topologyKey, a supported
/// whenUnsatisfiable, each (topologyKey, whenUnsatisfiable) pair once, minDomains only
/// with DoNotSchedule.
fn validate_topology_spread_constraints(
    constraints: &[TopologySpreadConstraint],
    path: &str,
    errors: &mut Vec<FieldError>,
) {
    const ACTIONS: [&str; 2] = ["DoNotSchedule", "ScheduleAnyway"];
    for (index, constraint) in constraints.iter().enumerate() {
        let item = format!("{path}[{index}]");
        let max_skew = constraint.max_skew.unwrap_or(0);
        if max_skew <= 0 {
            errors.push(FieldError::invalid(
                format!("{item}.maxSkew"),
                render_int(i64::from(max_skew)),
                "must be greater than zero",
            ));
        }
        let topology_key = constraint.topology_key.as_deref().unwrap_or("");
        if topology_key.is_empty() {
            errors.push(FieldError::required(
                format!("{item}.topologyKey"),
                "can not be empty",
            ));
        }
        let action = constraint.when_unsatisfiable.as_deref().unwrap_or("");
        if !ACTIONS.contains(&action) {
            errors.push(FieldError::not_supported(
                format!("{item}.whenUnsatisfiable"),
                render_str(action),
                &ACTIONS,
            ));
        }
        let repeated = constraints[index + 1..].iter().any(|other| {
            other.topology_key.as_deref().unwrap_or("") == topology_key
                && other.when_unsatisfiable.as_deref().unwrap_or("") == action
        });
        if repeated {
            errors.push(FieldError::duplicate(
                format!("{item}.{{topologyKey, whenUnsatisfiable}}"),
                render_str(&format!("{{{topology_key}, {action}}}")),
            ));
        }
        if let Some(min_domains) = constraint.min_domains {
            if min_domains <= 0 {
                errors.push(FieldError::invalid(
                    format!("{item}.minDomains"),
                    render_int(i64::from(min_domains)),
                    "must be greater than zero",
                ));
            }
            if action != "DoNotSchedule" {
                errors.push(FieldError::invalid(
                    format!("{item}.minDomains"),
                    render_int(i64::from(min_domains)),
                    format!(
                        "can only use minDomains if whenUnsatisfiable=DoNotSchedule, not {action}"
                    ),
                ));
            }
        }
        if let Some(selector) = &constraint.label_selector {
            validate_label_selector(selector, &format!("{item}.labelSelector"), errors);
        }
    }
}

/// `validateAffinity`: node selector terms and pod (anti-)affinity terms.
fn validate_affinity(affinity: &Affinity, path: &str, errors: &mut Vec<FieldError>) {
    if let Some(node_affinity) = &affinity.node_affinity {
        let node_path = format!("{path}.nodeAffinity");
        if let Some(required) = &node_affinity.required_during_scheduling_ignored_during_execution {
            let required_path =
                format!("{node_path}.requiredDuringSchedulingIgnoredDuringExecution");
            let terms = required.node_selector_terms.as_deref().unwrap_or(&[]);
            if terms.is_empty() {
                errors.push(FieldError::required(
                    format!("{required_path}.nodeSelectorTerms"),
                    "must have at least one node selector term",
                ));
            }
            for (index, term) in terms.iter().enumerate() {
                validate_node_selector_term(
                    term,
                    &format!("{required_path}.nodeSelectorTerms[{index}]"),
                    errors,
                );
            }
        }
        for (index, preferred) in node_affinity
            .preferred_during_scheduling_ignored_during_execution
            .as_deref()
            .unwrap_or(&[])
            .iter()
            .enumerate()
        {
            let preferred_path =
                format!("{node_path}.preferredDuringSchedulingIgnoredDuringExecution[{index}]");
            validate_weight(preferred.weight.unwrap_or(0), &preferred_path, errors);
            if let Some(term) = &preferred.preference {
                validate_node_selector_term(term, &format!("{preferred_path}.preference"), errors);
            }
        }
    }
    for (field, pod_affinity) in [
        ("podAffinity", affinity.pod_affinity.as_ref()),
        ("podAntiAffinity", affinity.pod_anti_affinity.as_ref()),
    ] {
        if let Some(pod_affinity) = pod_affinity {
            validate_pod_affinity(pod_affinity, &format!("{path}.{field}"), errors);
        }
    }
}

fn validate_weight(weight: i32, path: &str, errors: &mut Vec<FieldError>) {
    if !(1..=100).contains(&weight) {
        errors.push(FieldError::invalid(
            format!("{path}.weight"),
            render_int(i64::from(weight)),
            "must be in the range 1-100",
        ));
    }
}

fn validate_node_selector_term(term: &NodeSelectorTerm, path: &str, errors: &mut Vec<FieldError>) {
    for (index, requirement) in term
        .match_expressions
        .as_deref()
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        validate_node_selector_requirement(
            requirement,
            &format!("{path}.matchExpressions[{index}]"),
            errors,
        );
    }
}

/// `ValidateNodeSelectorRequirement`.
fn validate_node_selector_requirement(
    requirement: &NodeSelectorRequirement,
    path: &str,
    errors: &mut Vec<FieldError>,
) {
    let values = requirement.values.as_deref().unwrap_or(&[]);
    let operator = requirement.operator.as_deref().unwrap_or("");
    match operator {
        "In" | "NotIn" => {
            if values.is_empty() {
                errors.push(FieldError::required(
                    format!("{path}.values"),
                    "must be specified when `operator` is 'In' or 'NotIn'",
                ));
            }
        }
        "Exists" | "DoesNotExist" => {
            if !values.is_empty() {
                errors.push(FieldError::forbidden(
                    format!("{path}.values"),
                    "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                ));
            }
        }
        "Gt" | "Lt" => {
            if values.len() != 1 {
                errors.push(FieldError::required(
                    format!("{path}.values"),
                    "must be specified single value when `operator` is 'Lt' or 'Gt'",
                ));
            }
        }
        other => errors.push(FieldError::invalid(
            format!("{path}.operator"),
            render_str(other),
            "not a valid selector operator",
        )),
    }
    validate_label_name(
        requirement.key.as_deref().unwrap_or(""),
        &format!("{path}.key"),
        errors,
    );
}

fn validate_pod_affinity(affinity: &PodAffinity, path: &str, errors: &mut Vec<FieldError>) {
    for (index, term) in affinity
        .required_during_scheduling_ignored_during_execution
        .as_deref()
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        validate_pod_affinity_term(
            term,
            &format!("{path}.requiredDuringSchedulingIgnoredDuringExecution[{index}]"),
            errors,
        );
    }
    for (index, weighted) in affinity
        .preferred_during_scheduling_ignored_during_execution
        .as_deref()
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        let weighted_path =
            format!("{path}.preferredDuringSchedulingIgnoredDuringExecution[{index}]");
        validate_weight(weighted.weight.unwrap_or(0), &weighted_path, errors);
        if let Some(term) = &weighted.pod_affinity_term {
            validate_pod_affinity_term(term, &format!("{weighted_path}.podAffinityTerm"), errors);
        }
    }
}

fn validate_pod_affinity_term(term: &PodAffinityTerm, path: &str, errors: &mut Vec<FieldError>) {
    if let Some(selector) = &term.label_selector {
        validate_label_selector(selector, &format!("{path}.labelSelector"), errors);
    }
    if let Some(selector) = &term.namespace_selector {
        validate_label_selector(selector, &format!("{path}.namespaceSelector"), errors);
    }
    for (index, namespace) in term.namespaces.as_deref().unwrap_or(&[]).iter().enumerate() {
        validate_dns1123_label(namespace, &format!("{path}.namespaces[{index}]"), errors);
    }
    match term.topology_key.as_deref().unwrap_or("") {
        "" => errors.push(FieldError::required(
            format!("{path}.topologyKey"),
            "can not be empty",
        )),
        key => validate_label_name(key, &format!("{path}.topologyKey"), errors),
    }
}

/// The fields of a running pod that an update may change (upstream's message lists them).
pub const POD_UPDATE_FORBIDDEN_MESSAGE: &str = "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

/// `ValidatePodUpdate`: everything but images, activeDeadlineSeconds, added
/// tolerations and removed scheduling gates is fixed once the pod exists.
/// Upstream appends a `cmp.Diff` of the specs after the message; kubesim does not.
pub fn validate_pod_update(new: &Pod, old: &Pod, errors: &mut Vec<FieldError>) {
    let new_spec = new.spec();
    let old_spec = old.spec();
    // An unchanged spec (most often the very one stored, shared) passes every check below.
    if new_spec == old_spec {
        return;
    }
    if let (Some(new_deadline), Some(old_deadline)) = (
        new_spec.active_deadline_seconds,
        old_spec.active_deadline_seconds,
    ) && new_deadline > old_deadline
    {
        errors.push(FieldError::invalid(
            "spec.activeDeadlineSeconds",
            render_int(new_deadline),
            "must be less than or equal to previous value",
        ));
    }
    if old_spec.active_deadline_seconds.is_some() && new_spec.active_deadline_seconds.is_none() {
        errors.push(FieldError::invalid(
            "spec.activeDeadlineSeconds",
            "null",
            "must not update from a positive integer to nil value",
        ));
    }
    let old_tolerations = old_spec.tolerations.clone().unwrap_or_default();
    let new_tolerations = new_spec.tolerations.clone().unwrap_or_default();
    for old_toleration in &old_tolerations {
        if !new_tolerations.contains(old_toleration) {
            errors.push(FieldError::forbidden(
                "spec.tolerations",
                "existing toleration can not be modified except its tolerationSeconds",
            ));
            break;
        }
    }
    // Compare with the mutable fields copied over from the old spec.
    let mut mutable_cleared = PodSpec::clone(&new_spec);
    for (index, container) in mutable_cleared.containers.iter_mut().flatten().enumerate() {
        container.image = old_spec
            .containers
            .as_ref()
            .and_then(|c| c.get(index))
            .and_then(|c| c.image.clone());
    }
    for (index, container) in mutable_cleared
        .init_containers
        .iter_mut()
        .flatten()
        .enumerate()
    {
        container.image = old_spec
            .init_containers
            .as_ref()
            .and_then(|c| c.get(index))
            .and_then(|c| c.image.clone());
    }
    mutable_cleared.active_deadline_seconds = old_spec.active_deadline_seconds;
    mutable_cleared.tolerations = old_spec.tolerations.clone();
    mutable_cleared.scheduling_gates = old_spec.scheduling_gates.clone();
    if old_spec.termination_grace_period_seconds.unwrap_or(0) < 0
        && new_spec.termination_grace_period_seconds == Some(1)
    {
        mutable_cleared.termination_grace_period_seconds =
            old_spec.termination_grace_period_seconds;
    }
    // A scheduler binding sets nodeName on a pod that had none.
    if old_spec.node_name.as_deref().unwrap_or("").is_empty() {
        mutable_cleared.node_name = old_spec.node_name.clone();
    }
    if mutable_cleared != *old_spec {
        errors.push(FieldError::forbidden("spec", POD_UPDATE_FORBIDDEN_MESSAGE));
    }
}
