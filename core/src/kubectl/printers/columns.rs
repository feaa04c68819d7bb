//! The table columns and cells of every kind, as the API server's table
//! convertor builds them for `kubectl get`.
//!
//! Upstream: `pkg/printers/internalversion/printers.go` (the column definitions in
//! `AddHandlers` and the `print<Kind>` functions), read from a recent release: jobs
//! have the STATUS column, cronjobs TIMEZONE, PVs and PVCs VOLUMEATTRIBUTESCLASS.
//! Kinds without a printer get the server's default table, `NAME` and `CREATED AT`
//! (`staging/src/k8s.io/apiserver/pkg/registry/rest/table.go`).
//!
//! Cells are computed from the object's JSON form, so that stored-only kinds
//! (StatefulSet, CronJob, ConfigMap, ...) print like simulated ones.

use serde_json::Value;

use super::duration::{human_duration, since_text};
use super::fields::{
    at, flag, format_label_selector, format_labels, int, list, map_len, opt_int, opt_text,
    scalar_text, selector_string, string_map, text,
};
use crate::time::SimTime;

/// One column of a kind's table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    /// As defined upstream; printed upper-cased (`Up-to-date` → `UP-TO-DATE`).
    pub name: &'static str,
    /// Shown only with `-o wide` (upstream priority 1).
    pub wide: bool,
    /// The column that holds the object's name (`Format: "name"`), which
    /// `kind/` is prefixed to when several kinds are printed.
    pub is_name: bool,
}

const fn col(name: &'static str) -> Column {
    Column {
        name,
        wide: false,
        is_name: false,
    }
}

const fn wide(name: &'static str) -> Column {
    Column {
        name,
        wide: true,
        is_name: false,
    }
}

const NAME: Column = Column {
    name: "Name",
    wide: false,
    is_name: true,
};

/// What a row is computed against.
#[derive(Clone, Copy, Debug)]
pub struct RowContext {
    pub now: SimTime,
    pub wide: bool,
}

/// A kind's table: its columns and how one object becomes cells. With `wide`
/// false, the cells of wide columns may be left out (upstream appends them only
/// for `-o wide`).
pub struct KindTable {
    pub columns: &'static [Column],
    pub row: RowFn,
}

/// Builds one object's cells.
pub type RowFn = fn(&Value, &RowContext) -> Vec<String>;

/// The table for a kind, by its kind name (`Pod`, `Deployment`).
pub fn table_for(kind: &str) -> KindTable {
    let (columns, row): (&'static [Column], RowFn) = match kind {
        "Pod" => (POD, pod_row),
        "ReplicaSet" | "ReplicationController" => (REPLICA_SET, replica_set_row),
        "Deployment" => (DEPLOYMENT, deployment_row),
        "DaemonSet" => (DAEMON_SET, daemon_set_row),
        "StatefulSet" => (STATEFUL_SET, stateful_set_row),
        "Job" => (JOB, job_row),
        "CronJob" => (CRON_JOB, cron_job_row),
        "Service" => (SERVICE, service_row),
        "Endpoints" => (ENDPOINTS, endpoints_row),
        "EndpointSlice" => (ENDPOINT_SLICE, endpoint_slice_row),
        "Node" => (NODE, node_row),
        "Namespace" => (NAMESPACE, namespace_row),
        "Event" => (EVENT, event_row),
        "ConfigMap" => (CONFIG_MAP, config_map_row),
        "Secret" => (SECRET, secret_row),
        "ServiceAccount" => (SERVICE_ACCOUNT, service_account_row),
        "PersistentVolumeClaim" => (PVC, pvc_row),
        "PersistentVolume" => (PV, pv_row),
        "Ingress" => (INGRESS, ingress_row),
        "IngressClass" => (INGRESS_CLASS, ingress_class_row),
        "HorizontalPodAutoscaler" => (HPA, hpa_row),
        "PodDisruptionBudget" => (PDB, pdb_row),
        "PriorityClass" => (PRIORITY_CLASS, priority_class_row),
        "Lease" => (LEASE, lease_row),
        "ControllerRevision" => (CONTROLLER_REVISION, controller_revision_row),
        "NetworkPolicy" => (NETWORK_POLICY, network_policy_row),
        "RoleBinding" | "ClusterRoleBinding" => (ROLE_BINDING, role_binding_row),
        "StorageClass" => (STORAGE_CLASS, storage_class_row),
        "ResourceQuota" => (RESOURCE_QUOTA, resource_quota_row),
        _ => (DEFAULT, default_row),
    };
    KindTable { columns, row }
}

fn age(object: &Value, context: &RowContext) -> String {
    since_text(
        opt_text(object, &["metadata", "creationTimestamp"]),
        context.now,
    )
}

fn name(object: &Value) -> String {
    text(object, &["metadata", "name"]).to_string()
}

/// `layoutContainerCells`: container names and images, comma-joined.
fn containers_cells(object: &Value, template_spec: &[&str]) -> (String, String) {
    let mut path: Vec<&str> = template_spec.to_vec();
    path.push("containers");
    let containers = list(object, &path);
    let names = containers
        .iter()
        .map(|container| text(container, &["name"]))
        .collect::<Vec<_>>()
        .join(",");
    let images = containers
        .iter()
        .map(|container| text(container, &["image"]))
        .collect::<Vec<_>>()
        .join(",");
    (names, images)
}

// --- Default -------------------------------------------------------------

const DEFAULT: &[Column] = &[NAME, col("Created At")];

fn default_row(object: &Value, _context: &RowContext) -> Vec<String> {
    vec![
        name(object),
        text(object, &["metadata", "creationTimestamp"]).to_string(),
    ]
}

// --- Pod -----------------------------------------------------------------

const POD: &[Column] = &[
    NAME,
    col("Ready"),
    col("Status"),
    col("Restarts"),
    col("Age"),
    wide("IP"),
    wide("Node"),
    wide("Nominated Node"),
    wide("Readiness Gates"),
];

fn condition_is(conditions: &[Value], type_: &str, status: &str) -> bool {
    conditions.iter().any(|condition| {
        text(condition, &["type"]) == type_ && text(condition, &["status"]) == status
    })
}

fn latest(current: Option<SimTime>, candidate: Option<&str>) -> Option<SimTime> {
    let candidate = candidate.and_then(|text| SimTime::parse_rfc3339(text).ok());
    match (current, candidate) {
        (Some(current), Some(candidate)) => Some(current.max(candidate)),
        (current, candidate) => current.or(candidate),
    }
}

/// printPod's READY, STATUS and RESTARTS cells, in upstream's order of rules:
/// status.reason or phase, SchedulingGated, the first unfinished init container,
/// then the regular containers from last to first (so the first one wins), a
/// `Completed` pod with a running container back to Running/NotReady, and
/// deletion (`Terminating`, or `Unknown` for NodeLost).
pub fn pod_status_cells(pod: &Value, now: SimTime) -> (String, String, String) {
    let spec_init: Vec<&Value> = list(pod, &["spec", "initContainers"]).iter().collect();
    let is_sidecar = |name: &str| {
        spec_init
            .iter()
            .any(|c| text(c, &["name"]) == name && text(c, &["restartPolicy"]) == "Always")
    };
    let mut total = list(pod, &["spec", "containers"]).len();
    total += spec_init
        .iter()
        .filter(|c| text(c, &["restartPolicy"]) == "Always")
        .count();
    let mut ready = 0usize;
    let mut restarts: i64 = 0;
    let mut sidecar_restarts: i64 = 0;
    let mut last_restart: Option<SimTime> = None;
    let mut last_sidecar_restart: Option<SimTime> = None;
    let phase = text(pod, &["status", "phase"]);
    let status_reason = text(pod, &["status", "reason"]);
    let mut reason = if status_reason.is_empty() {
        phase.to_string()
    } else {
        status_reason.to_string()
    };
    let conditions = list(pod, &["status", "conditions"]);
    if conditions.iter().any(|condition| {
        text(condition, &["type"]) == "PodScheduled"
            && text(condition, &["reason"]) == "SchedulingGated"
    }) {
        reason = "SchedulingGated".to_string();
    }
    let mut initializing = false;
    let init_statuses = list(pod, &["status", "initContainerStatuses"]);
    for (index, container) in init_statuses.iter().enumerate() {
        restarts += int(container, &["restartCount"]);
        let finished = opt_text(container, &["lastState", "terminated", "finishedAt"]);
        if at(container, &["lastState", "terminated"]).is_some() {
            last_restart = latest(last_restart, finished);
        }
        let sidecar = is_sidecar(text(container, &["name"]));
        if sidecar {
            sidecar_restarts += int(container, &["restartCount"]);
            if at(container, &["lastState", "terminated"]).is_some() {
                last_sidecar_restart = latest(last_sidecar_restart, finished);
            }
        }
        let terminated = at(container, &["state", "terminated"]);
        let waiting_reason = text(container, &["state", "waiting", "reason"]);
        if let Some(terminated) = terminated
            && int(terminated, &["exitCode"]) == 0
        {
            continue;
        }
        if sidecar && flag(container, &["started"]) {
            if flag(container, &["ready"]) {
                ready += 1;
            }
            continue;
        }
        if let Some(terminated) = terminated {
            let terminated_reason = text(terminated, &["reason"]);
            reason = if terminated_reason.is_empty() {
                if int(terminated, &["signal"]) != 0 {
                    format!("Init:Signal:{}", int(terminated, &["signal"]))
                } else {
                    format!("Init:ExitCode:{}", int(terminated, &["exitCode"]))
                }
            } else {
                format!("Init:{terminated_reason}")
            };
        } else if !waiting_reason.is_empty() && waiting_reason != "PodInitializing" {
            reason = format!("Init:{waiting_reason}");
        } else {
            reason = format!("Init:{index}/{}", spec_init.len());
        }
        initializing = true;
        break;
    }
    if !initializing || condition_is(conditions, "Initialized", "True") {
        restarts = sidecar_restarts;
        last_restart = last_sidecar_restart;
        let mut has_running = false;
        for container in list(pod, &["status", "containerStatuses"]).iter().rev() {
            restarts += int(container, &["restartCount"]);
            if at(container, &["lastState", "terminated"]).is_some() {
                last_restart = latest(
                    last_restart,
                    opt_text(container, &["lastState", "terminated", "finishedAt"]),
                );
            }
            let waiting_reason = text(container, &["state", "waiting", "reason"]);
            let terminated = at(container, &["state", "terminated"]);
            if !waiting_reason.is_empty() {
                reason = waiting_reason.to_string();
            } else if let Some(terminated) = terminated {
                let terminated_reason = text(terminated, &["reason"]);
                reason = if !terminated_reason.is_empty() {
                    terminated_reason.to_string()
                } else if int(terminated, &["signal"]) != 0 {
                    format!("Signal:{}", int(terminated, &["signal"]))
                } else {
                    format!("ExitCode:{}", int(terminated, &["exitCode"]))
                };
            } else if flag(container, &["ready"]) && at(container, &["state", "running"]).is_some()
            {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            reason = if condition_is(conditions, "Ready", "True") {
                "Running".to_string()
            } else {
                "NotReady".to_string()
            };
        }
    }
    let deleting = at(pod, &["metadata", "deletionTimestamp"]).is_some();
    if deleting && status_reason == "NodeLost" {
        reason = "Unknown".to_string();
    } else if deleting && phase != "Failed" && phase != "Succeeded" {
        reason = "Terminating".to_string();
    }
    let restarts_cell = match last_restart {
        Some(when) if restarts != 0 => format!("{restarts} ({} ago)", human_duration(now - when)),
        _ => restarts.to_string(),
    };
    (format!("{ready}/{total}"), reason, restarts_cell)
}

fn pod_row(pod: &Value, context: &RowContext) -> Vec<String> {
    let (ready, status, restarts) = pod_status_cells(pod, context.now);
    let mut row = vec![name(pod), ready, status, restarts, age(pod, context)];
    if context.wide {
        let or_none = |value: &str| {
            if value.is_empty() {
                "<none>".to_string()
            } else {
                value.to_string()
            }
        };
        let pod_ip = list(pod, &["status", "podIPs"])
            .first()
            .map(|ip| text(ip, &["ip"]))
            .unwrap_or("");
        let gates = list(pod, &["spec", "readinessGates"]);
        let readiness_gates = if gates.is_empty() {
            "<none>".to_string()
        } else {
            let conditions = list(pod, &["status", "conditions"]);
            let true_count = gates
                .iter()
                .filter(|gate| {
                    let type_ = text(gate, &["conditionType"]);
                    conditions
                        .iter()
                        .find(|condition| text(condition, &["type"]) == type_)
                        .is_some_and(|condition| text(condition, &["status"]) == "True")
                })
                .count();
            format!("{true_count}/{}", gates.len())
        };
        row.extend([
            or_none(pod_ip),
            or_none(text(pod, &["spec", "nodeName"])),
            or_none(text(pod, &["status", "nominatedNodeName"])),
            readiness_gates,
        ]);
    }
    row
}

// --- Workloads -----------------------------------------------------------

const REPLICA_SET: &[Column] = &[
    NAME,
    col("Desired"),
    col("Current"),
    col("Ready"),
    col("Age"),
    wide("Containers"),
    wide("Images"),
    wide("Selector"),
];

fn replica_set_row(object: &Value, context: &RowContext) -> Vec<String> {
    let mut row = vec![
        name(object),
        int(object, &["spec", "replicas"]).to_string(),
        int(object, &["status", "replicas"]).to_string(),
        int(object, &["status", "readyReplicas"]).to_string(),
        age(object, context),
    ];
    if context.wide {
        let (names, images) = containers_cells(object, &["spec", "template", "spec"]);
        let selector = if text(object, &["kind"]) == "ReplicationController" {
            format_labels(object, &["spec", "selector"])
        } else {
            format_label_selector(object, &["spec", "selector"])
        };
        row.extend([names, images, selector]);
    }
    row
}

const DEPLOYMENT: &[Column] = &[
    NAME,
    col("Ready"),
    col("Up-to-date"),
    col("Available"),
    col("Age"),
    wide("Containers"),
    wide("Images"),
    wide("Selector"),
];

fn deployment_row(object: &Value, context: &RowContext) -> Vec<String> {
    let mut row = vec![
        name(object),
        format!(
            "{}/{}",
            int(object, &["status", "readyReplicas"]),
            int(object, &["spec", "replicas"])
        ),
        int(object, &["status", "updatedReplicas"]).to_string(),
        int(object, &["status", "availableReplicas"]).to_string(),
        age(object, context),
    ];
    if context.wide {
        let (names, images) = containers_cells(object, &["spec", "template", "spec"]);
        row.extend([
            names,
            images,
            selector_string(object, &["spec", "selector"]),
        ]);
    }
    row
}

const DAEMON_SET: &[Column] = &[
    NAME,
    col("Desired"),
    col("Current"),
    col("Ready"),
    col("Up-to-date"),
    col("Available"),
    col("Node Selector"),
    col("Age"),
    wide("Containers"),
    wide("Images"),
    wide("Selector"),
];

fn daemon_set_row(object: &Value, context: &RowContext) -> Vec<String> {
    let mut row = vec![
        name(object),
        int(object, &["status", "desiredNumberScheduled"]).to_string(),
        int(object, &["status", "currentNumberScheduled"]).to_string(),
        int(object, &["status", "numberReady"]).to_string(),
        int(object, &["status", "updatedNumberScheduled"]).to_string(),
        int(object, &["status", "numberAvailable"]).to_string(),
        format_labels(object, &["spec", "template", "spec", "nodeSelector"]),
        age(object, context),
    ];
    if context.wide {
        let (names, images) = containers_cells(object, &["spec", "template", "spec"]);
        row.extend([
            names,
            images,
            format_label_selector(object, &["spec", "selector"]),
        ]);
    }
    row
}

const STATEFUL_SET: &[Column] = &[
    NAME,
    col("Ready"),
    col("Age"),
    wide("Containers"),
    wide("Images"),
];

fn stateful_set_row(object: &Value, context: &RowContext) -> Vec<String> {
    let mut row = vec![
        name(object),
        format!(
            "{}/{}",
            int(object, &["status", "readyReplicas"]),
            // The API server defaults spec.replicas to 1.
            opt_int(object, &["spec", "replicas"]).unwrap_or(1)
        ),
        age(object, context),
    ];
    if context.wide {
        let (names, images) = containers_cells(object, &["spec", "template", "spec"]);
        row.extend([names, images]);
    }
    row
}

const JOB: &[Column] = &[
    NAME,
    col("Status"),
    col("Completions"),
    col("Duration"),
    col("Age"),
    wide("Containers"),
    wide("Images"),
    wide("Selector"),
];

fn has_condition(object: &Value, type_: &str) -> bool {
    list(object, &["status", "conditions"])
        .iter()
        .find(|condition| text(condition, &["type"]) == type_)
        .is_some_and(|condition| text(condition, &["status"]) == "True")
}

/// printJob's STATUS: Complete, Failed, Terminating, Suspended, FailureTarget, Running.
pub fn job_status(job: &Value) -> &'static str {
    if has_condition(job, "Complete") {
        "Complete"
    } else if has_condition(job, "Failed") {
        "Failed"
    } else if at(job, &["metadata", "deletionTimestamp"]).is_some() {
        "Terminating"
    } else if has_condition(job, "Suspended") {
        "Suspended"
    } else if has_condition(job, "FailureTarget") {
        "FailureTarget"
    } else {
        "Running"
    }
}

/// printJob's COMPLETIONS: `1/3`, or `0/1 of 4` for a work queue with parallelism 4.
pub fn job_completions(job: &Value) -> String {
    let succeeded = int(job, &["status", "succeeded"]);
    match opt_int(job, &["spec", "completions"]) {
        Some(completions) => format!("{succeeded}/{completions}"),
        None => {
            let parallelism = int(job, &["spec", "parallelism"]);
            if parallelism > 1 {
                format!("{succeeded}/1 of {parallelism}")
            } else {
                format!("{succeeded}/1")
            }
        }
    }
}

fn parse_time(object: &Value, path: &[&str]) -> Option<SimTime> {
    opt_text(object, path).and_then(|text| SimTime::parse_rfc3339(text).ok())
}

fn job_row(job: &Value, context: &RowContext) -> Vec<String> {
    let start = parse_time(job, &["status", "startTime"]);
    let completion = parse_time(job, &["status", "completionTime"]);
    let duration = match (start, completion) {
        (None, _) => String::new(),
        (Some(start), None) => human_duration(context.now - start),
        (Some(start), Some(completion)) => human_duration(completion - start),
    };
    let mut row = vec![
        name(job),
        job_status(job).to_string(),
        job_completions(job),
        duration,
        age(job, context),
    ];
    if context.wide {
        let (names, images) = containers_cells(job, &["spec", "template", "spec"]);
        row.extend([
            names,
            images,
            format_label_selector(job, &["spec", "selector"]),
        ]);
    }
    row
}

const CRON_JOB: &[Column] = &[
    NAME,
    col("Schedule"),
    col("Timezone"),
    col("Suspend"),
    col("Active"),
    col("Last Schedule"),
    col("Age"),
    wide("Containers"),
    wide("Images"),
    wide("Selector"),
];

/// printBoolPtr: `True`, `False`, or `<unset>`.
fn bool_ptr(value: Option<&Value>) -> String {
    match value.and_then(Value::as_bool) {
        Some(true) => "True".to_string(),
        Some(false) => "False".to_string(),
        None => "<unset>".to_string(),
    }
}

fn cron_job_row(object: &Value, context: &RowContext) -> Vec<String> {
    let last_schedule = match opt_text(object, &["status", "lastScheduleTime"]) {
        None => "<none>".to_string(),
        Some(time) => since_text(Some(time), context.now),
    };
    let mut row = vec![
        name(object),
        text(object, &["spec", "schedule"]).to_string(),
        opt_text(object, &["spec", "timeZone"])
            .unwrap_or("<none>")
            .to_string(),
        bool_ptr(at(object, &["spec", "suspend"])),
        list(object, &["status", "active"]).len().to_string(),
        last_schedule,
        age(object, context),
    ];
    if context.wide {
        let (names, images) =
            containers_cells(object, &["spec", "jobTemplate", "spec", "template", "spec"]);
        row.extend([
            names,
            images,
            format_label_selector(object, &["spec", "jobTemplate", "spec", "selector"]),
        ]);
    }
    row
}

const CONTROLLER_REVISION: &[Column] = &[NAME, col("Controller"), col("Revision"), col("Age")];

fn controller_revision_row(object: &Value, context: &RowContext) -> Vec<String> {
    let controller = list(object, &["metadata", "ownerReferences"])
        .iter()
        .find(|owner| flag(owner, &["controller"]))
        .map(|owner| {
            let (group, _) =
                crate::model::registry::split_api_version(text(owner, &["apiVersion"]));
            let kind = text(owner, &["kind"]).to_ascii_lowercase();
            let group_kind = if group.is_empty() {
                kind
            } else {
                format!("{kind}.{group}")
            };
            format!("{group_kind}/{}", text(owner, &["name"]))
        })
        .unwrap_or_else(|| "<none>".to_string());
    vec![
        name(object),
        controller,
        int(object, &["revision"]).to_string(),
        age(object, context),
    ]
}

// --- Services and networking -----------------------------------------------

const SERVICE: &[Column] = &[
    NAME,
    col("Type"),
    col("Cluster-IP"),
    col("External-IP"),
    col("Port(s)"),
    col("Age"),
    wide("Selector"),
];

/// loadBalancerStatusStringer: ingress IPs (or hostnames), sorted and deduplicated,
/// clipped to 16 bytes (`...`) outside `-o wide`.
fn load_balancer_addresses(object: &Value, wide: bool) -> String {
    let mut addresses: Vec<&str> = list(object, &["status", "loadBalancer", "ingress"])
        .iter()
        .filter_map(|ingress| {
            let ip = text(ingress, &["ip"]);
            let hostname = text(ingress, &["hostname"]);
            if !ip.is_empty() {
                Some(ip)
            } else if !hostname.is_empty() {
                Some(hostname)
            } else {
                None
            }
        })
        .collect();
    addresses.sort_unstable();
    addresses.dedup();
    let joined = addresses.join(",");
    if !wide && joined.len() > 16 {
        format!("{}...", &joined[..13])
    } else {
        joined
    }
}

fn service_external_ip(service: &Value, wide: bool) -> String {
    let external_ips: Vec<&str> = list(service, &["spec", "externalIPs"])
        .iter()
        .filter_map(Value::as_str)
        .collect();
    match text(service, &["spec", "type"]) {
        "ClusterIP" | "NodePort" => {
            if external_ips.is_empty() {
                "<none>".to_string()
            } else {
                external_ips.join(",")
            }
        }
        "LoadBalancer" => {
            let balancer = load_balancer_addresses(service, wide);
            if !external_ips.is_empty() {
                let mut all: Vec<&str> = Vec::new();
                if !balancer.is_empty() {
                    all.extend(balancer.split(','));
                }
                all.extend(external_ips);
                all.join(",")
            } else if !balancer.is_empty() {
                balancer
            } else {
                "<pending>".to_string()
            }
        }
        "ExternalName" => text(service, &["spec", "externalName"]).to_string(),
        _ => "<unknown>".to_string(),
    }
}

/// makePortString: `80/TCP`, `80:30080/TCP`, comma-joined.
pub fn service_ports(service: &Value) -> String {
    list(service, &["spec", "ports"])
        .iter()
        .map(|port| {
            let protocol = text(port, &["protocol"]);
            let node_port = int(port, &["nodePort"]);
            if node_port > 0 {
                format!("{}:{node_port}/{protocol}", int(port, &["port"]))
            } else {
                format!("{}/{protocol}", int(port, &["port"]))
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn service_row(service: &Value, context: &RowContext) -> Vec<String> {
    let cluster_ip = list(service, &["spec", "clusterIPs"])
        .first()
        .and_then(Value::as_str)
        .unwrap_or("<none>")
        .to_string();
    let ports = service_ports(service);
    let mut row = vec![
        name(service),
        text(service, &["spec", "type"]).to_string(),
        cluster_ip,
        service_external_ip(service, context.wide),
        if ports.is_empty() {
            "<none>".to_string()
        } else {
            ports
        },
        age(service, context),
    ];
    if context.wide {
        row.push(format_labels(service, &["spec", "selector"]));
    }
    row
}

const ENDPOINTS: &[Column] = &[NAME, col("Endpoints"), col("Age")];

/// `net.JoinHostPort`: IPv6 addresses in brackets.
fn join_host_port(ip: &str, port: i64) -> String {
    if ip.contains(':') {
        format!("[{ip}]:{port}")
    } else {
        format!("{ip}:{port}")
    }
}

/// formatEndpoints: up to three `ip:port`, then ` + N more...`; `<none>` without subsets.
pub fn format_endpoints(endpoints: &Value) -> String {
    let subsets = list(endpoints, &["subsets"]);
    if subsets.is_empty() {
        return "<none>".to_string();
    }
    const MAX: usize = 3;
    let mut shown: Vec<String> = Vec::new();
    let mut more = false;
    let mut count = 0usize;
    for subset in subsets {
        let addresses = list(subset, &["addresses"]);
        let ports = list(subset, &["ports"]);
        if ports.is_empty() {
            count += addresses.len();
            for address in addresses {
                if shown.len() == MAX {
                    more = true;
                    break;
                }
                shown.push(text(address, &["ip"]).to_string());
            }
            continue;
        }
        for port in ports {
            count += addresses.len();
            for address in addresses {
                if shown.len() == MAX {
                    more = true;
                    break;
                }
                shown.push(join_host_port(text(address, &["ip"]), int(port, &["port"])));
            }
        }
    }
    let joined = shown.join(",");
    if more {
        format!("{joined} + {} more...", count - MAX)
    } else {
        joined
    }
}

fn endpoints_row(object: &Value, context: &RowContext) -> Vec<String> {
    vec![name(object), format_endpoints(object), age(object, context)]
}

const ENDPOINT_SLICE: &[Column] = &[
    NAME,
    col("AddressType"),
    col("Ports"),
    col("Endpoints"),
    col("Age"),
];

/// listWithMoreString: up to three items, ` + N more...`, `<unset>` when empty.
fn list_with_more(items: Vec<String>, total: usize) -> String {
    const MAX: usize = 3;
    let more = total > MAX;
    let joined = items.into_iter().take(MAX).collect::<Vec<_>>().join(",");
    if more {
        format!("{joined} + {} more...", total - MAX)
    } else if joined.is_empty() {
        "<unset>".to_string()
    } else {
        joined
    }
}

fn endpoint_slice_row(object: &Value, context: &RowContext) -> Vec<String> {
    let ports: Vec<String> = list(object, &["ports"])
        .iter()
        .map(|port| match opt_int(port, &["port"]) {
            Some(number) => number.to_string(),
            None => opt_text(port, &["name"]).unwrap_or("*").to_string(),
        })
        .collect();
    let port_count = ports.len();
    let addresses: Vec<String> = list(object, &["endpoints"])
        .iter()
        .flat_map(|endpoint| list(endpoint, &["addresses"]))
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect();
    let address_count = addresses.len();
    vec![
        name(object),
        text(object, &["addressType"]).to_string(),
        list_with_more(ports, port_count),
        list_with_more(addresses, address_count),
        age(object, context),
    ]
}

const INGRESS: &[Column] = &[
    NAME,
    col("Class"),
    col("Hosts"),
    col("Address"),
    col("Ports"),
    col("Age"),
];

fn ingress_row(object: &Value, context: &RowContext) -> Vec<String> {
    let rules = list(object, &["spec", "rules"]);
    const MAX: usize = 3;
    let mut hosts: Vec<&str> = Vec::new();
    let mut more = false;
    for rule in rules {
        if hosts.len() == MAX {
            more = true;
        }
        let host = text(rule, &["host"]);
        if !more && !host.is_empty() {
            hosts.push(host);
        }
    }
    let hosts = if hosts.is_empty() {
        "*".to_string()
    } else if more {
        format!("{} + {} more...", hosts.join(","), rules.len() - MAX)
    } else {
        hosts.join(",")
    };
    let ports = if list(object, &["spec", "tls"]).is_empty() {
        "80"
    } else {
        "80, 443"
    };
    vec![
        name(object),
        opt_text(object, &["spec", "ingressClassName"])
            .unwrap_or("<none>")
            .to_string(),
        hosts,
        load_balancer_addresses(object, context.wide),
        ports.to_string(),
        age(object, context),
    ]
}

const INGRESS_CLASS: &[Column] = &[NAME, col("Controller"), col("Parameters"), col("Age")];

fn ingress_class_row(object: &Value, context: &RowContext) -> Vec<String> {
    let parameters = match at(object, &["spec", "parameters"]) {
        None => "<none>".to_string(),
        Some(parameters) => {
            let mut kind = text(parameters, &["kind"]).to_string();
            if let Some(group) = opt_text(parameters, &["apiGroup"]) {
                kind = format!("{kind}.{group}");
            }
            format!("{kind}/{}", text(parameters, &["name"]))
        }
    };
    vec![
        name(object),
        text(object, &["spec", "controller"]).to_string(),
        parameters,
        age(object, context),
    ]
}

const NETWORK_POLICY: &[Column] = &[NAME, col("Pod-Selector"), col("Age")];

fn network_policy_row(object: &Value, context: &RowContext) -> Vec<String> {
    // The pod selector is a struct, not a pointer: absent reads as {} (everything).
    let selector = if at(object, &["spec", "podSelector"]).is_some() {
        format_label_selector(object, &["spec", "podSelector"])
    } else {
        "<none>".to_string()
    };
    vec![name(object), selector, age(object, context)]
}

// --- Cluster -------------------------------------------------------------

const NODE: &[Column] = &[
    NAME,
    col("Status"),
    col("Roles"),
    col("Age"),
    col("Version"),
    wide("Internal-IP"),
    wide("External-IP"),
    wide("OS-Image"),
    wide("Kernel-Version"),
    wide("Container-Runtime"),
];

/// findNodeRoles: `node-role.kubernetes.io/<role>` keys and `kubernetes.io/role`
/// values, sorted and deduplicated, comma-joined; `<none>` when there are none.
pub fn node_roles(node: &Value) -> String {
    let mut roles: Vec<&str> = Vec::new();
    for (key, value) in string_map(node, &["metadata", "labels"]) {
        if let Some(role) = key.strip_prefix("node-role.kubernetes.io/") {
            if !role.is_empty() {
                roles.push(role);
            }
        } else if key == "kubernetes.io/role" && !value.is_empty() {
            roles.push(value);
        }
    }
    roles.sort_unstable();
    roles.dedup();
    if roles.is_empty() {
        "<none>".to_string()
    } else {
        roles.join(",")
    }
}

/// printNode's STATUS: `Ready`, `NotReady` or `Unknown`, then `SchedulingDisabled`.
pub fn node_status(node: &Value) -> String {
    let mut status: Vec<&str> = Vec::new();
    if let Some(ready) = list(node, &["status", "conditions"])
        .iter()
        .rev()
        .find(|condition| text(condition, &["type"]) == "Ready")
    {
        status.push(if text(ready, &["status"]) == "True" {
            "Ready"
        } else {
            "NotReady"
        });
    }
    if status.is_empty() {
        status.push("Unknown");
    }
    if flag(node, &["spec", "unschedulable"]) {
        status.push("SchedulingDisabled");
    }
    status.join(",")
}

fn node_address(node: &Value, type_: &str) -> String {
    list(node, &["status", "addresses"])
        .iter()
        .find(|address| text(address, &["type"]) == type_)
        .map(|address| text(address, &["address"]).to_string())
        .unwrap_or_else(|| "<none>".to_string())
}

fn node_row(node: &Value, context: &RowContext) -> Vec<String> {
    let mut row = vec![
        name(node),
        node_status(node),
        node_roles(node),
        age(node, context),
        text(node, &["status", "nodeInfo", "kubeletVersion"]).to_string(),
    ];
    if context.wide {
        let or_unknown = |field: &str| {
            let value = text(node, &["status", "nodeInfo", field]);
            if value.is_empty() {
                "<unknown>".to_string()
            } else {
                value.to_string()
            }
        };
        row.extend([
            node_address(node, "InternalIP"),
            node_address(node, "ExternalIP"),
            or_unknown("osImage"),
            or_unknown("kernelVersion"),
            or_unknown("containerRuntimeVersion"),
        ]);
    }
    row
}

const NAMESPACE: &[Column] = &[NAME, col("Status"), col("Age")];

fn namespace_row(object: &Value, context: &RowContext) -> Vec<String> {
    vec![
        name(object),
        text(object, &["status", "phase"]).to_string(),
        age(object, context),
    ]
}

const EVENT: &[Column] = &[
    col("Last Seen"),
    col("Type"),
    col("Reason"),
    col("Object"),
    wide("Subobject"),
    wide("Source"),
    col("Message"),
    wide("First Seen"),
    wide("Count"),
    Column {
        name: "Name",
        wide: true,
        is_name: true,
    },
];

/// printEvent's LAST SEEN, FIRST SEEN and COUNT, with the events.k8s.io fallbacks
/// (eventTime when there is no firstTimestamp, the series when there is one).
pub fn event_times(event: &Value, now: SimTime) -> (String, String, i64) {
    let first = match opt_text(event, &["firstTimestamp"]) {
        Some(first) => since_text(Some(first), now),
        None => since_text(opt_text(event, &["eventTime"]), now),
    };
    let mut last = match opt_text(event, &["lastTimestamp"]) {
        Some(last) => since_text(Some(last), now),
        None => first.clone(),
    };
    let mut count = int(event, &["count"]);
    if let Some(series) = at(event, &["series"]) {
        last = since_text(opt_text(series, &["lastObservedTime"]), now);
        count = int(series, &["count"]);
    } else if count == 0 {
        count = 1;
    }
    (last, first, count)
}

/// formatEventSource: `component, host`, falling back to reportingComponent/Instance.
pub fn event_source(event: &Value) -> String {
    let first_non_empty = |a: &'static [&'static str], b: &'static [&'static str]| {
        let first = text(event, a);
        if first.is_empty() {
            text(event, b).to_string()
        } else {
            first.to_string()
        }
    };
    let component = first_non_empty(&["source", "component"], &["reportingComponent"]);
    let instance = first_non_empty(&["source", "host"], &["reportingInstance"]);
    if instance.is_empty() {
        component
    } else {
        format!("{component}, {instance}")
    }
}

fn event_row(event: &Value, context: &RowContext) -> Vec<String> {
    let (last, first, count) = event_times(event, context.now);
    let involved_name = text(event, &["involvedObject", "name"]);
    let kind = text(event, &["involvedObject", "kind"]).to_ascii_lowercase();
    let target = if involved_name.is_empty() {
        kind
    } else {
        format!("{kind}/{involved_name}")
    };
    let message = text(event, &["message"]).trim().to_string();
    if context.wide {
        vec![
            last,
            text(event, &["type"]).to_string(),
            text(event, &["reason"]).to_string(),
            target,
            text(event, &["involvedObject", "fieldPath"]).to_string(),
            event_source(event),
            message,
            first,
            count.to_string(),
            name(event),
        ]
    } else {
        vec![
            last,
            text(event, &["type"]).to_string(),
            text(event, &["reason"]).to_string(),
            target,
            message,
        ]
    }
}

// --- Configuration and storage ----------------------------------------------

const CONFIG_MAP: &[Column] = &[NAME, col("Data"), col("Age")];

fn config_map_row(object: &Value, context: &RowContext) -> Vec<String> {
    vec![
        name(object),
        (map_len(object, &["data"]) + map_len(object, &["binaryData"])).to_string(),
        age(object, context),
    ]
}

const SECRET: &[Column] = &[NAME, col("Type"), col("Data"), col("Age")];

fn secret_row(object: &Value, context: &RowContext) -> Vec<String> {
    // The API server folds stringData into data on write.
    let mut keys: Vec<&String> = Vec::new();
    for field in ["data", "stringData"] {
        if let Some(map) = object.get(field).and_then(Value::as_object) {
            keys.extend(map.keys());
        }
    }
    keys.sort_unstable();
    keys.dedup();
    let type_ = opt_text(object, &["type"]).unwrap_or("Opaque");
    vec![
        name(object),
        type_.to_string(),
        keys.len().to_string(),
        age(object, context),
    ]
}

const SERVICE_ACCOUNT: &[Column] = &[NAME, col("Secrets"), col("Age")];

fn service_account_row(object: &Value, context: &RowContext) -> Vec<String> {
    vec![
        name(object),
        list(object, &["secrets"]).len().to_string(),
        age(object, context),
    ]
}

/// GetAccessModesAsString: RWO, ROX, RWX, RWOP in that order.
fn access_modes(object: &Value, path: &[&str]) -> String {
    let modes: Vec<&str> = list(object, path)
        .iter()
        .filter_map(Value::as_str)
        .collect();
    [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ]
    .iter()
    .filter(|(mode, _)| modes.contains(mode))
    .map(|(_, short)| *short)
    .collect::<Vec<_>>()
    .join(",")
}

/// GetPersistentVolumeClass / GetPersistentVolumeClaimClass: the beta annotation
/// wins over spec.storageClassName.
fn storage_class(object: &Value) -> String {
    string_map(object, &["metadata", "annotations"])
        .into_iter()
        .find(|(key, _)| *key == "volume.beta.kubernetes.io/storage-class")
        .map(|(_, value)| value.to_string())
        .unwrap_or_else(|| text(object, &["spec", "storageClassName"]).to_string())
}

const PVC: &[Column] = &[
    NAME,
    col("Status"),
    col("Volume"),
    col("Capacity"),
    col("Access Modes"),
    col("StorageClass"),
    col("VolumeAttributesClass"),
    col("Age"),
    wide("VolumeMode"),
];

fn pvc_row(object: &Value, context: &RowContext) -> Vec<String> {
    let phase = if at(object, &["metadata", "deletionTimestamp"]).is_some() {
        "Terminating"
    } else {
        text(object, &["status", "phase"])
    };
    let volume_name = text(object, &["spec", "volumeName"]);
    let (capacity, modes) = if volume_name.is_empty() {
        (String::new(), String::new())
    } else {
        (
            text(object, &["status", "capacity", "storage"]).to_string(),
            access_modes(object, &["status", "accessModes"]),
        )
    };
    vec![
        name(object),
        phase.to_string(),
        volume_name.to_string(),
        capacity,
        modes,
        storage_class(object),
        opt_text(object, &["spec", "volumeAttributesClassName"])
            .unwrap_or("<unset>")
            .to_string(),
        age(object, context),
        opt_text(object, &["spec", "volumeMode"])
            .unwrap_or("<unset>")
            .to_string(),
    ]
}

const PV: &[Column] = &[
    NAME,
    col("Capacity"),
    col("Access Modes"),
    col("Reclaim Policy"),
    col("Status"),
    col("Claim"),
    col("StorageClass"),
    col("VolumeAttributesClass"),
    col("Reason"),
    col("Age"),
    wide("VolumeMode"),
];

fn pv_row(object: &Value, context: &RowContext) -> Vec<String> {
    let claim = match at(object, &["spec", "claimRef"]) {
        None => String::new(),
        Some(claim) => format!("{}/{}", text(claim, &["namespace"]), text(claim, &["name"])),
    };
    let phase = if at(object, &["metadata", "deletionTimestamp"]).is_some() {
        "Terminating"
    } else {
        text(object, &["status", "phase"])
    };
    let capacity = text(object, &["spec", "capacity", "storage"]);
    vec![
        name(object),
        if capacity.is_empty() { "0" } else { capacity }.to_string(),
        access_modes(object, &["spec", "accessModes"]),
        text(object, &["spec", "persistentVolumeReclaimPolicy"]).to_string(),
        phase.to_string(),
        claim,
        storage_class(object),
        opt_text(object, &["spec", "volumeAttributesClassName"])
            .unwrap_or("<unset>")
            .to_string(),
        text(object, &["status", "reason"]).to_string(),
        age(object, context),
        opt_text(object, &["spec", "volumeMode"])
            .unwrap_or("<unset>")
            .to_string(),
    ]
}

const STORAGE_CLASS: &[Column] = &[
    NAME,
    col("Provisioner"),
    col("ReclaimPolicy"),
    col("VolumeBindingMode"),
    col("AllowVolumeExpansion"),
    col("Age"),
];

fn storage_class_row(object: &Value, context: &RowContext) -> Vec<String> {
    let annotations = string_map(object, &["metadata", "annotations"]);
    let is_default = annotations.iter().any(|(key, value)| {
        (*key == "storageclass.kubernetes.io/is-default-class"
            || *key == "storageclass.beta.kubernetes.io/is-default-class")
            && *value == "true"
    });
    let mut display_name = name(object);
    if is_default {
        display_name.push_str(" (default)");
    }
    vec![
        display_name,
        text(object, &["provisioner"]).to_string(),
        opt_text(object, &["reclaimPolicy"])
            .unwrap_or("Delete")
            .to_string(),
        opt_text(object, &["volumeBindingMode"])
            .unwrap_or("Immediate")
            .to_string(),
        flag(object, &["allowVolumeExpansion"]).to_string(),
        age(object, context),
    ]
}

const RESOURCE_QUOTA: &[Column] = &[NAME, col("Request"), col("Limit"), col("Age")];

fn resource_quota_row(object: &Value, context: &RowContext) -> Vec<String> {
    let hard = string_map(object, &["status", "hard"]);
    let used = string_map(object, &["status", "used"]);
    let mut requests = Vec::new();
    let mut limits = Vec::new();
    for (resource, hard_quantity) in hard {
        let used_quantity = used
            .iter()
            .find(|(key, _)| *key == resource)
            .map(|(_, value)| *value)
            .unwrap_or("0");
        let cell = format!("{resource}: {used_quantity}/{hard_quantity}");
        if resource.split('.').next() == Some("limits") && resource.contains('.') {
            limits.push(cell);
        } else {
            requests.push(cell);
        }
    }
    vec![
        name(object),
        requests.join(", "),
        limits.join(", "),
        age(object, context),
    ]
}

// --- Autoscaling, policy, scheduling -------------------------------------------

const HPA: &[Column] = &[
    NAME,
    col("Reference"),
    col("Targets"),
    col("MinPods"),
    col("MaxPods"),
    col("Replicas"),
    col("Age"),
];

/// formatHPAMetrics for autoscaling/v2 specs; `autoscaling/v1`'s
/// targetCPUUtilizationPercentage reads as a cpu resource metric.
fn hpa_targets(hpa: &Value) -> String {
    let mut specs: Vec<Value> = list(hpa, &["spec", "metrics"]).to_vec();
    let mut statuses: Vec<Value> = list(hpa, &["status", "currentMetrics"]).to_vec();
    if let Some(percent) = opt_int(hpa, &["spec", "targetCPUUtilizationPercentage"]) {
        specs = vec![
            serde_json::json!({"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": percent}}}),
        ];
        if let Some(current) = opt_int(hpa, &["status", "currentCPUUtilizationPercentage"]) {
            statuses = vec![
                serde_json::json!({"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": current}}}),
            ];
        }
    }
    if specs.is_empty() {
        return "<none>".to_string();
    }
    let quantity = |value: Option<&Value>| scalar_text(value).unwrap_or_default();
    let mut items = Vec::new();
    for (index, spec) in specs.iter().enumerate() {
        let status = statuses.get(index);
        let status_of = |key: &str| status.and_then(|status| status.get(key));
        let item = match text(spec, &["type"]) {
            "External" | "Object" => {
                let key = if text(spec, &["type"]) == "External" {
                    "external"
                } else {
                    "object"
                };
                if let Some(average) = at(spec, &[key, "target", "averageValue"]) {
                    let current = status_of(key)
                        .and_then(|s| at(s, &["current", "averageValue"]))
                        .map(|v| quantity(Some(v)))
                        .unwrap_or_else(|| "<unknown>".to_string());
                    format!("{current}/{} (avg)", quantity(Some(average)))
                } else {
                    let current = status_of(key)
                        .map(|s| quantity(at(s, &["current", "value"])))
                        .unwrap_or_else(|| "<unknown>".to_string());
                    format!(
                        "{current}/{}",
                        quantity(at(spec, &[key, "target", "value"]))
                    )
                }
            }
            "Pods" => {
                let current = status_of("pods")
                    .map(|s| quantity(at(s, &["current", "averageValue"])))
                    .unwrap_or_else(|| "<unknown>".to_string());
                format!(
                    "{current}/{}",
                    quantity(at(spec, &["pods", "target", "averageValue"]))
                )
            }
            "Resource" | "ContainerResource" => {
                let key = if text(spec, &["type"]) == "Resource" {
                    "resource"
                } else {
                    "containerResource"
                };
                let resource_name = text(spec, &[key, "name"]);
                if let Some(average) = at(spec, &[key, "target", "averageValue"]) {
                    let current = status_of(key)
                        .map(|s| quantity(at(s, &["current", "averageValue"])))
                        .unwrap_or_else(|| "<unknown>".to_string());
                    format!("{resource_name}: {current}/{}", quantity(Some(average)))
                } else {
                    let current = status_of(key)
                        .and_then(|s| opt_int(s, &["current", "averageUtilization"]))
                        .map(|percent| format!("{percent}%"))
                        .unwrap_or_else(|| "<unknown>".to_string());
                    let target = opt_int(spec, &[key, "target", "averageUtilization"])
                        .map(|percent| format!("{percent}%"))
                        .unwrap_or_else(|| "<auto>".to_string());
                    format!("{resource_name}: {current}/{target}")
                }
            }
            _ => "<unknown type>".to_string(),
        };
        items.push(item);
    }
    const MAX: usize = 2;
    let count = items.len();
    if count > MAX {
        format!("{} + {} more...", items[..MAX].join(", "), count - MAX)
    } else {
        items.join(", ")
    }
}

fn hpa_row(hpa: &Value, context: &RowContext) -> Vec<String> {
    vec![
        name(hpa),
        format!(
            "{}/{}",
            text(hpa, &["spec", "scaleTargetRef", "kind"]),
            text(hpa, &["spec", "scaleTargetRef", "name"])
        ),
        hpa_targets(hpa),
        opt_int(hpa, &["spec", "minReplicas"])
            .map(|min| min.to_string())
            .unwrap_or_else(|| "<unset>".to_string()),
        int(hpa, &["spec", "maxReplicas"]).to_string(),
        int(hpa, &["status", "currentReplicas"]).to_string(),
        age(hpa, context),
    ]
}

const PDB: &[Column] = &[
    NAME,
    col("Min Available"),
    col("Max Unavailable"),
    col("Allowed Disruptions"),
    col("Age"),
];

fn pdb_row(object: &Value, context: &RowContext) -> Vec<String> {
    vec![
        name(object),
        scalar_text(at(object, &["spec", "minAvailable"])).unwrap_or_else(|| "N/A".to_string()),
        scalar_text(at(object, &["spec", "maxUnavailable"])).unwrap_or_else(|| "N/A".to_string()),
        int(object, &["status", "disruptionsAllowed"]).to_string(),
        age(object, context),
    ]
}

// PreemptionPolicy has priority 0, so it shows without `-o wide` too (the
// server fills it, as it builds wide rows).
const PRIORITY_CLASS: &[Column] = &[
    NAME,
    col("Value"),
    col("Global-Default"),
    col("Age"),
    col("PreemptionPolicy"),
];

fn priority_class_row(object: &Value, context: &RowContext) -> Vec<String> {
    let mut row = vec![
        name(object),
        int(object, &["value"]).to_string(),
        flag(object, &["globalDefault"]).to_string(),
        age(object, context),
    ];
    if context.wide {
        row.push(text(object, &["preemptionPolicy"]).to_string());
    }
    row
}

const LEASE: &[Column] = &[NAME, col("Holder"), col("Age")];

fn lease_row(object: &Value, context: &RowContext) -> Vec<String> {
    vec![
        name(object),
        text(object, &["spec", "holderIdentity"]).to_string(),
        age(object, context),
    ]
}

const ROLE_BINDING: &[Column] = &[
    NAME,
    col("Role"),
    col("Age"),
    wide("Users"),
    wide("Groups"),
    wide("ServiceAccounts"),
];

fn role_binding_row(object: &Value, context: &RowContext) -> Vec<String> {
    let mut row = vec![
        name(object),
        format!(
            "{}/{}",
            text(object, &["roleRef", "kind"]),
            text(object, &["roleRef", "name"])
        ),
        age(object, context),
    ];
    if context.wide {
        let mut users = Vec::new();
        let mut groups = Vec::new();
        let mut accounts = Vec::new();
        for subject in list(object, &["subjects"]) {
            let subject_name = text(subject, &["name"]).to_string();
            match text(subject, &["kind"]) {
                "User" => users.push(subject_name),
                "Group" => groups.push(subject_name),
                "ServiceAccount" => {
                    accounts.push(format!("{}/{subject_name}", text(subject, &["namespace"])))
                }
                _ => {}
            }
        }
        row.extend([users.join(", "), groups.join(", "), accounts.join(", ")]);
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cells(pod: Value) -> Vec<String> {
        let context = RowContext {
            now: SimTime::DEFAULT_EPOCH,
            wide: false,
        };
        pod_row(&pod, &context)
    }

    fn ago(seconds: i64) -> String {
        (SimTime::DEFAULT_EPOCH - crate::time::SimDuration::from_secs(seconds)).to_rfc3339()
    }

    #[test]
    fn print_pod_matches_upstream_vectors() {
        // pkg/printers/internalversion/printers_test.go (TestPrintPod).
        let two_containers = |statuses: Value, extra_status: Value| {
            let mut status = json!({"phase": "podPhase", "containerStatuses": statuses});
            if let (Some(status), Some(extra)) = (status.as_object_mut(), extra_status.as_object())
            {
                status.extend(extra.clone());
            }
            json!({
                "metadata": {"name": "test1"},
                "spec": {"containers": [{"name": "a"}, {"name": "b"}]},
                "status": status,
            })
        };
        assert_eq!(
            cells(two_containers(
                json!([{"ready": true, "restartCount": 3, "state": {"running": {}}}, {"restartCount": 3}]),
                json!({})
            )),
            ["test1", "1/2", "podPhase", "6", "<unknown>"]
        );
        assert_eq!(
            cells(two_containers(
                json!([{"ready": true, "restartCount": 3, "state": {"running": {}}}, {"restartCount": 3, "state": {"waiting": {"reason": "ContainerWaitingReason"}}}]),
                json!({})
            ))[1..4],
            ["1/2", "ContainerWaitingReason", "6"]
        );
        assert_eq!(
            cells(two_containers(
                json!([{"state": {"waiting": {"reason": "ContainerWaitingReason"}}, "restartCount": 3}, {"restartCount": 3, "state": {"terminated": {"reason": "ContainerTerminatedReason"}}}]),
                json!({})
            ))[1..4],
            ["0/2", "ContainerWaitingReason", "6"]
        );
        assert_eq!(
            cells(two_containers(
                json!([{"ready": true, "restartCount": 3, "state": {"running": {}}}, {"restartCount": 3}]),
                json!({"reason": "podReason"})
            ))[1..4],
            ["1/2", "podReason", "6"]
        );
        assert_eq!(
            cells(two_containers(
                json!([{"restartCount": 3, "state": {"terminated": {"reason": "Completed", "exitCode": 0}}}, {"ready": true, "restartCount": 3, "state": {"running": {}}}]),
                json!({})
            ))[1..4],
            ["1/2", "NotReady", "6"]
        );
        assert_eq!(
            cells(two_containers(
                json!([{"restartCount": 3, "state": {"terminated": {"reason": "Completed", "exitCode": 0}}}, {"ready": true, "restartCount": 3, "state": {"running": {}}}]),
                json!({"conditions": [{"type": "Ready", "status": "True"}]})
            ))[1..4],
            ["1/2", "Running", "6"]
        );
        let init_restarting = json!({
            "metadata": {"name": "test1"},
            "spec": {"initContainers": [{"name": "init"}], "containers": [{"name": "a"}]},
            "status": {
                "phase": "Pending",
                "initContainerStatuses": [{"name": "init", "ready": false, "restartCount": 3,
                    "state": {"running": {}},
                    "lastState": {"terminated": {"finishedAt": ago(10), "exitCode": 1}}}],
                "containerStatuses": [{"name": "a", "restartCount": 0, "state": {"waiting": {}}}],
            }
        });
        assert_eq!(
            cells(init_restarting)[1..4],
            ["0/1", "Init:0/1", "3 (10s ago)"]
        );
        let gated = json!({
            "metadata": {"name": "test1"},
            "spec": {"containers": [{"name": "a"}, {"name": "b"}]},
            "status": {"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}]}
        });
        assert_eq!(cells(gated)[1..4], ["0/2", "SchedulingGated", "0"]);
    }

    #[test]
    fn terminating_pods_and_restart_ages() {
        let running = json!({
            "metadata": {"name": "web", "creationTimestamp": ago(300), "deletionTimestamp": ago(0)},
            "spec": {"containers": [{"name": "a"}]},
            "status": {"phase": "Running", "containerStatuses": [{"name": "a", "ready": true, "restartCount": 2,
                "state": {"running": {}}, "lastState": {"terminated": {"finishedAt": ago(125), "exitCode": 1}}}]}
        });
        assert_eq!(
            cells(running),
            ["web", "1/1", "Terminating", "2 (2m5s ago)", "5m"]
        );
        let succeeded = json!({
            "metadata": {"name": "done", "deletionTimestamp": ago(0)},
            "spec": {"containers": [{"name": "a"}]},
            "status": {"phase": "Succeeded", "containerStatuses": [{"name": "a", "state": {"terminated": {"reason": "Completed", "exitCode": 0}}}]}
        });
        assert_eq!(
            cells(succeeded)[2],
            "Completed",
            "a terminal pod is not Terminating"
        );
        let lost = json!({
            "metadata": {"name": "lost", "deletionTimestamp": ago(0)},
            "spec": {"containers": [{"name": "a"}]},
            "status": {"phase": "Running", "reason": "NodeLost"}
        });
        assert_eq!(cells(lost)[2], "Unknown");
        let crash = json!({
            "metadata": {"name": "crash"},
            "spec": {"containers": [{"name": "a"}]},
            "status": {"phase": "Running", "containerStatuses": [{"name": "a", "restartCount": 1,
                "state": {"terminated": {"exitCode": 137, "signal": 0}}}]}
        });
        assert_eq!(cells(crash)[2], "ExitCode:137");
    }

    #[test]
    fn endpoints_list_three_then_count_the_rest() {
        // printers_test.go (TestPrintEndpoint): "1.2.3.4:8001,5.6.7.8:8001,9.8.7.6:8001 + 1 more..."
        let endpoints = json!({"subsets": [
            {"addresses": [{"ip": "1.2.3.4"}, {"ip": "5.6.7.8"}, {"ip": "9.8.7.6"}, {"ip": "3.3.3.3"}],
             "ports": [{"port": 8001, "protocol": "TCP"}]}
        ]});
        assert_eq!(
            format_endpoints(&endpoints),
            "1.2.3.4:8001,5.6.7.8:8001,9.8.7.6:8001 + 1 more..."
        );
        assert_eq!(format_endpoints(&json!({})), "<none>");
        assert_eq!(
            format_endpoints(
                &json!({"subsets": [{"addresses": [{"ip": "::1"}], "ports": [{"port": 80}]}]})
            ),
            "[::1]:80"
        );
    }

    #[test]
    fn job_and_node_cells() {
        assert_eq!(
            job_completions(&json!({"spec": {"completions": 3}, "status": {"succeeded": 1}})),
            "1/3"
        );
        assert_eq!(
            job_completions(&json!({"spec": {"parallelism": 4}})),
            "0/1 of 4"
        );
        assert_eq!(job_completions(&json!({"spec": {"parallelism": 1}})), "0/1");
        assert_eq!(
            job_status(
                &json!({"status": {"conditions": [{"type": "Complete", "status": "True"}]}})
            ),
            "Complete"
        );
        assert_eq!(
            job_status(
                &json!({"status": {"conditions": [{"type": "Suspended", "status": "True"}]}})
            ),
            "Suspended"
        );
        assert_eq!(
            job_status(&json!({"metadata": {"deletionTimestamp": "x"}})),
            "Terminating"
        );
        assert_eq!(job_status(&json!({})), "Running");
        let node = json!({
            "metadata": {"labels": {"node-role.kubernetes.io/control-plane": "", "kubernetes.io/role": "master"}},
            "spec": {"unschedulable": true},
            "status": {"conditions": [{"type": "Ready", "status": "False"}]}
        });
        assert_eq!(node_roles(&node), "control-plane,master");
        assert_eq!(node_status(&node), "NotReady,SchedulingDisabled");
        assert_eq!(node_status(&json!({})), "Unknown");
        assert_eq!(node_roles(&json!({})), "<none>");
    }

    #[test]
    fn service_cells() {
        let context = RowContext {
            now: SimTime::DEFAULT_EPOCH,
            wide: true,
        };
        let node_port = json!({"metadata": {"name": "web"}, "spec": {"type": "NodePort", "clusterIPs": ["10.96.0.10"],
            "ports": [{"port": 80, "nodePort": 30080, "protocol": "TCP"}, {"port": 53, "protocol": "UDP"}], "selector": {"app": "web"}}});
        assert_eq!(
            service_row(&node_port, &context),
            [
                "web",
                "NodePort",
                "10.96.0.10",
                "<none>",
                "80:30080/TCP,53/UDP",
                "<unknown>",
                "app=web"
            ]
        );
        let balancer = json!({"spec": {"type": "LoadBalancer"}});
        assert_eq!(service_external_ip(&balancer, false), "<pending>");
        let long = json!({"spec": {"type": "LoadBalancer"}, "status": {"loadBalancer": {"ingress": [{"hostname": "a-very-long-hostname.example.com"}]}}});
        assert_eq!(service_external_ip(&long, false), "a-very-long-h...");
        assert_eq!(
            service_row(&json!({"spec": {"type": "ClusterIP"}}), &context)[4],
            "<none>"
        );
    }
}
