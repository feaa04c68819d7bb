//! `kubectl describe` layouts, per kind.
//!
//! Upstream: `staging/src/k8s.io/kubectl/pkg/describe/describe.go` (`describePod`,
//! `describeDeployment`, `describeReplicaSet`, `describeDaemonSet`, `describeJob`,
//! `describeCronJob`, `describeService`, `describeEndpoints`, `describeNode`,
//! `describeNamespace`, `DescribePodTemplate`, `describeContainers`,
//! `DescribeEvents`, `printLabelsMultiline`, `printAnnotationsMultiline`, the
//! generic describer's `printUnstructuredContent`). Text goes through Go's
//! tabwriter with minwidth 0, tabwidth 8, padding 2 (`tabbedString`); each
//! `Write` is prefixed with two spaces per level (`PrefixWriter`).

use serde_json::Value;

use super::columns::{format_endpoints, node_roles};
use super::duration::{human_duration, since_text};
use super::fields::{
    at, flag, format_label_selector, format_labels, int, list, opt_int, opt_text, scalar_text,
    selector_string, string_map, text,
};
use super::tabwriter::TabWriter;
use super::time_format::rfc1123z_text;
use crate::model::quantity::Quantity;
use crate::time::SimTime;

/// Everything a describer reads besides the object itself.
#[derive(Clone, Debug, Default)]
pub struct DescribeContext {
    pub now: SimTime,
    /// The object's events; `None` with `--show-events=false`.
    pub events: Option<Vec<Value>>,
    /// Pods a controller owns (ReplicaSet, DaemonSet, Job, StatefulSet), or the
    /// non-terminated pods of a node.
    pub pods: Vec<Value>,
    /// A Deployment's ReplicaSets: (old, new).
    pub old_replica_sets: Vec<Value>,
    pub new_replica_sets: Vec<Value>,
    /// A Node's Lease in `kube-node-lease`; `None` when there is none.
    pub lease: Option<Value>,
    /// A Service's EndpointSlices.
    pub endpoint_slices: Vec<Value>,
}

/// `PrefixWriter` over a tabwriter.
pub struct PrefixWriter {
    writer: TabWriter,
}

impl Default for PrefixWriter {
    fn default() -> Self {
        PrefixWriter {
            writer: TabWriter::new(0, 2),
        }
    }
}

impl PrefixWriter {
    pub fn write(&mut self, level: usize, text: &str) {
        for _ in 0..level {
            self.writer.write("  ");
        }
        self.writer.write(text);
    }

    pub fn write_line(&mut self, text: &str) {
        self.writer.write(text);
        self.writer.write("\n");
    }

    pub fn flush(&mut self) {
        self.writer.flush();
    }

    pub fn finish(self) -> String {
        self.writer.finish()
    }
}

const MAX_ANNOTATION_LEN: usize = 140;

/// printLabelsMultilineWithIndent: sorted `key=value` lines, `<none>` when empty.
pub fn labels_multiline(w: &mut PrefixWriter, title: &str, object: &Value, path: &[&str]) {
    labels_multiline_pairs(w, "", title, "\t", &string_map(object, path));
}

fn labels_multiline_pairs(
    w: &mut PrefixWriter,
    initial_indent: &str,
    title: &str,
    inner_indent: &str,
    pairs: &[(&str, &str)],
) {
    w.write(0, &format!("{initial_indent}{title}:{inner_indent}"));
    if pairs.is_empty() {
        w.write_line("<none>");
        return;
    }
    for (index, (key, value)) in pairs.iter().enumerate() {
        if index != 0 {
            w.write(0, initial_indent);
            w.write(0, inner_indent);
        }
        w.write(0, &format!("{key}={value}\n"));
    }
}

fn shorten(text: &str, max: usize) -> String {
    if text.len() > max {
        let mut cut = max;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        format!("{}...", &text[..cut])
    } else {
        text.to_string()
    }
}

/// printAnnotationsMultiline: `key: value`, long or multi-line values on their
/// own indented lines, kubectl's last-applied-configuration left out.
pub fn annotations_multiline(w: &mut PrefixWriter, title: &str, object: &Value, path: &[&str]) {
    w.write(0, &format!("{title}:\t"));
    let pairs: Vec<(&str, &str)> = string_map(object, path)
        .into_iter()
        .filter(|(key, _)| *key != "kubectl.kubernetes.io/last-applied-configuration")
        .collect();
    if pairs.is_empty() {
        w.write_line("<none>");
        return;
    }
    let indent = "\t";
    for (index, (key, value)) in pairs.iter().enumerate() {
        if index != 0 {
            w.write(0, indent);
        }
        let value = value.strip_suffix('\n').unwrap_or(value);
        if value.len() + key.len() + 2 > MAX_ANNOTATION_LEN || value.contains('\n') {
            w.write(0, &format!("{key}:\n"));
            for line in value.split('\n') {
                w.write(
                    0,
                    &format!("{indent}  {}\n", shorten(line, MAX_ANNOTATION_LEN - 2)),
                );
            }
        } else {
            w.write(0, &format!("{key}: {value}\n"));
        }
    }
}

/// printTolerationsMultilineWithIndent: sorted by key; `key=value:Effect`,
/// ` op=Exists`, ` for 300s`.
fn tolerations_multiline(
    w: &mut PrefixWriter,
    initial_indent: &str,
    title: &str,
    tolerations: &[Value],
) {
    w.write(0, &format!("{initial_indent}{title}:\t"));
    if tolerations.is_empty() {
        w.write_line("<none>");
        return;
    }
    let mut sorted: Vec<&Value> = tolerations.iter().collect();
    sorted.sort_by(|a, b| text(a, &["key"]).cmp(text(b, &["key"])));
    for (index, toleration) in sorted.iter().enumerate() {
        if index != 0 {
            w.write(0, initial_indent);
            w.write(0, "\t");
        }
        let key = text(toleration, &["key"]);
        let value = text(toleration, &["value"]);
        let effect = text(toleration, &["effect"]);
        let mut line = key.to_string();
        if !value.is_empty() {
            line.push_str(&format!("={value}"));
        }
        if !effect.is_empty() {
            line.push_str(&format!(":{effect}"));
        }
        if text(toleration, &["operator"]) == "Exists" && value.is_empty() {
            if !key.is_empty() || !effect.is_empty() {
                line.push_str(" op=Exists");
            } else {
                line.push_str("op=Exists");
            }
        }
        if let Some(seconds) = opt_int(toleration, &["tolerationSeconds"]) {
            line.push_str(&format!(" for {seconds}s"));
        }
        w.write(0, &format!("{line}\n"));
    }
}

/// printNodeTaintsMultiline: `key=value:Effect`, sorted as upstream (by key, then effect).
fn taints_multiline(w: &mut PrefixWriter, title: &str, taints: &[Value]) {
    w.write(0, &format!("{title}:\t"));
    if taints.is_empty() {
        w.write_line("<none>");
        return;
    }
    let mut sorted: Vec<&Value> = taints.iter().collect();
    sorted.sort_by(|a, b| {
        (text(a, &["key"]), text(a, &["effect"])).cmp(&(text(b, &["key"]), text(b, &["effect"])))
    });
    for (index, taint) in sorted.iter().enumerate() {
        if index != 0 {
            w.write(0, "\t");
        }
        let value = text(taint, &["value"]);
        let rendered = if value.is_empty() {
            format!("{}:{}", text(taint, &["key"]), text(taint, &["effect"]))
        } else {
            format!(
                "{}={value}:{}",
                text(taint, &["key"]),
                text(taint, &["effect"])
            )
        };
        w.write(0, &format!("{rendered}\n"));
    }
}

/// DescribeEvents: `<none>`, or a table sorted by last timestamp with
/// `Age` as `5m`, `2m (x3 over 10m)`.
pub fn describe_events(w: &mut PrefixWriter, events: &[Value], now: SimTime) {
    if events.is_empty() {
        w.write(0, "Events:\t<none>\n");
        return;
    }
    w.flush();
    let mut sorted: Vec<&Value> = events.iter().collect();
    // SortableEvents orders by lastTimestamp; kubesim keeps listing order for ties.
    sorted.sort_by_key(|event| {
        opt_text(event, &["lastTimestamp"])
            .and_then(|time| SimTime::parse_rfc3339(time).ok())
            .unwrap_or_default()
    });
    w.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
    w.write(1, "----\t------\t----\t----\t-------\n");
    for event in sorted {
        let first = match opt_text(event, &["eventTime"]) {
            Some(time) => since_text(Some(time), now),
            None => since_text(opt_text(event, &["firstTimestamp"]), now),
        };
        let count = int(event, &["count"]);
        let interval = if let Some(series) = at(event, &["series"]) {
            format!(
                "{} (x{} over {first})",
                since_text(opt_text(series, &["lastObservedTime"]), now),
                int(series, &["count"])
            )
        } else if count > 1 {
            format!(
                "{} (x{count} over {first})",
                since_text(opt_text(event, &["lastTimestamp"]), now)
            )
        } else {
            first
        };
        let mut source = text(event, &["source", "component"]);
        if source.is_empty() {
            source = text(event, &["reportingComponent"]);
        }
        w.write(
            1,
            &format!(
                "{}\t{}\t{interval}\t{source}\t{}\n",
                text(event, &["type"]),
                text(event, &["reason"]),
                text(event, &["message"]).trim()
            ),
        );
    }
}

fn events_section(w: &mut PrefixWriter, context: &DescribeContext) {
    if let Some(events) = &context.events {
        describe_events(w, events, context.now);
    }
}

fn or_none(value: &str) -> &str {
    if value.is_empty() { "<none>" } else { value }
}

fn printed_bool(value: bool) -> &'static str {
    if value { "True" } else { "False" }
}

/// printController: `ReplicaSet/web-5d4f8`.
fn controlled_by(object: &Value) -> Option<String> {
    list(object, &["metadata", "ownerReferences"])
        .iter()
        .find(|owner| flag(owner, &["controller"]))
        .map(|owner| format!("{}/{}", text(owner, &["kind"]), text(owner, &["name"])))
}

fn resource_names_sorted(map: Option<&Value>) -> Vec<(String, String)> {
    let mut entries: Vec<(String, String)> = map
        .and_then(Value::as_object)
        .map(|map| {
            map.iter()
                .map(|(key, value)| (key.clone(), scalar_text(Some(value)).unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    entries.sort();
    entries
}

fn describe_resources(w: &mut PrefixWriter, resources: Option<&Value>, level: usize) {
    let Some(resources) = resources else {
        return;
    };
    for (title, key) in [("Limits", "limits"), ("Requests", "requests")] {
        let entries = resource_names_sorted(resources.get(key));
        if !entries.is_empty() {
            w.write(level, &format!("{title}:\n"));
        }
        for (name, quantity) in entries {
            w.write(level + 1, &format!("{name}:\t{quantity}\n"));
        }
    }
}

/// DescribeProbe: `http-get http://:8080/healthz delay=0s timeout=1s period=10s #success=1 #failure=3`.
fn describe_probe(probe: &Value) -> String {
    let attrs = format!(
        "delay={}s timeout={}s period={}s #success={} #failure={}",
        int(probe, &["initialDelaySeconds"]),
        int(probe, &["timeoutSeconds"]),
        int(probe, &["periodSeconds"]),
        int(probe, &["successThreshold"]),
        int(probe, &["failureThreshold"])
    );
    if let Some(exec) = at(probe, &["exec"]) {
        let command: Vec<&str> = list(exec, &["command"])
            .iter()
            .filter_map(Value::as_str)
            .collect();
        return format!("exec [{}] {attrs}", command.join(" "));
    }
    if let Some(http) = at(probe, &["httpGet"]) {
        let scheme = text(http, &["scheme"]).to_ascii_lowercase();
        let host = text(http, &["host"]);
        let port = scalar_text(at(http, &["port"])).unwrap_or_default();
        let host_port = if port.is_empty() {
            host.to_string()
        } else if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        };
        let scheme_part = if scheme.is_empty() {
            String::new()
        } else {
            format!("{scheme}:")
        };
        return format!(
            "http-get {scheme_part}//{host_port}{} {attrs}",
            text(http, &["path"])
        );
    }
    if let Some(tcp) = at(probe, &["tcpSocket"]) {
        return format!(
            "tcp-socket {}:{} {attrs}",
            text(tcp, &["host"]),
            scalar_text(at(tcp, &["port"])).unwrap_or_default()
        );
    }
    if let Some(grpc) = at(probe, &["grpc"]) {
        return format!(
            "grpc <pod>:{} {} {attrs}",
            int(grpc, &["port"]),
            text(grpc, &["service"])
        );
    }
    format!("unknown {attrs}")
}

fn describe_state(w: &mut PrefixWriter, name: &str, state: Option<&Value>) {
    let state = state.cloned().unwrap_or(Value::Null);
    if let Some(running) = at(&state, &["running"]) {
        w.write(2, &format!("{name}:\tRunning\n"));
        w.write(
            3,
            &format!(
                "Started:\t{}\n",
                rfc1123z_text(opt_text(running, &["startedAt"]))
            ),
        );
    } else if let Some(waiting) = at(&state, &["waiting"]) {
        w.write(2, &format!("{name}:\tWaiting\n"));
        let reason = text(waiting, &["reason"]);
        if !reason.is_empty() {
            w.write(3, &format!("Reason:\t{reason}\n"));
        }
    } else if let Some(terminated) = at(&state, &["terminated"]) {
        w.write(2, &format!("{name}:\tTerminated\n"));
        let reason = text(terminated, &["reason"]);
        if !reason.is_empty() {
            w.write(3, &format!("Reason:\t{reason}\n"));
        }
        let message = text(terminated, &["message"]);
        if !message.is_empty() {
            w.write(3, &format!("Message:\t{message}\n"));
        }
        w.write(
            3,
            &format!("Exit Code:\t{}\n", int(terminated, &["exitCode"])),
        );
        let signal = int(terminated, &["signal"]);
        if signal > 0 {
            w.write(3, &format!("Signal:\t{signal}\n"));
        }
        w.write(
            3,
            &format!(
                "Started:\t{}\n",
                rfc1123z_text(opt_text(terminated, &["startedAt"]))
            ),
        );
        w.write(
            3,
            &format!(
                "Finished:\t{}\n",
                rfc1123z_text(opt_text(terminated, &["finishedAt"]))
            ),
        );
    } else {
        w.write(2, &format!("{name}:\tWaiting\n"));
    }
}

/// describeContainers: one block per container, with its status when the pod has one.
fn describe_containers(
    w: &mut PrefixWriter,
    label: &str,
    containers: &[Value],
    statuses: &[Value],
    space: &str,
) {
    let none = if containers.is_empty() { " <none>" } else { "" };
    w.write(0, &format!("{space}{label}:{none}\n"));
    let name_indent = if space.is_empty() { "" } else { " " };
    for container in containers {
        let name = text(container, &["name"]);
        let status = statuses
            .iter()
            .find(|status| text(status, &["name"]) == name);
        w.write(1, &format!("{name_indent}{name}:\n"));
        if let Some(status) = status {
            w.write(
                2,
                &format!("Container ID:\t{}\n", text(status, &["containerID"])),
            );
        }
        w.write(2, &format!("Image:\t{}\n", text(container, &["image"])));
        if let Some(status) = status {
            w.write(2, &format!("Image ID:\t{}\n", text(status, &["imageID"])));
        }
        let ports = list(container, &["ports"]);
        let port_list: Vec<String> = ports
            .iter()
            .map(|port| {
                format!(
                    "{}/{}",
                    int(port, &["containerPort"]),
                    text(port, &["protocol"])
                )
            })
            .collect();
        let host_list: Vec<String> = ports
            .iter()
            .map(|port| format!("{}/{}", int(port, &["hostPort"]), text(port, &["protocol"])))
            .collect();
        let port_string = port_list.join(", ");
        if port_string.contains(',') {
            w.write(2, &format!("Ports:\t{port_string}\n"));
        } else {
            w.write(2, &format!("Port:\t{}\n", or_none(&port_string)));
        }
        let host_string = host_list.join(", ");
        if host_string.contains(',') {
            w.write(2, &format!("Host Ports:\t{host_string}\n"));
        } else {
            w.write(2, &format!("Host Port:\t{}\n", or_none(&host_string)));
        }
        for (title, key) in [("Command", "command"), ("Args", "args")] {
            let items = list(container, &[key]);
            if !items.is_empty() {
                w.write(2, &format!("{title}:\n"));
                for item in items.iter().filter_map(Value::as_str) {
                    for line in item.split('\n') {
                        w.write(3, &format!("{line}\n"));
                    }
                }
            }
        }
        if let Some(status) = status {
            describe_state(w, "State", at(status, &["state"]));
            if at(status, &["lastState", "terminated"]).is_some() {
                describe_state(w, "Last State", at(status, &["lastState"]));
            }
            w.write(
                2,
                &format!("Ready:\t{}\n", printed_bool(flag(status, &["ready"]))),
            );
            w.write(
                2,
                &format!("Restart Count:\t{}\n", int(status, &["restartCount"])),
            );
        }
        describe_resources(w, at(container, &["resources"]), 2);
        for (title, key) in [
            ("Liveness", "livenessProbe"),
            ("Readiness", "readinessProbe"),
            ("Startup", "startupProbe"),
        ] {
            if let Some(probe) = at(container, &[key]) {
                w.write(2, &format!("{title}:\t{}\n", describe_probe(probe)));
            }
        }
        let env_from = list(container, &["envFrom"]);
        if !env_from.is_empty() {
            w.write(2, "Environment Variables from:\n");
            for source in env_from {
                let (kind, reference) = if let Some(reference) = at(source, &["configMapRef"]) {
                    ("ConfigMap", reference)
                } else if let Some(reference) = at(source, &["secretRef"]) {
                    ("Secret", reference)
                } else {
                    ("", &Value::Null)
                };
                let optional = flag(reference, &["optional"]);
                let prefix = text(source, &["prefix"]);
                if prefix.is_empty() {
                    w.write(
                        3,
                        &format!(
                            "{}\t{kind}\tOptional: {optional}\n",
                            text(reference, &["name"])
                        ),
                    );
                } else {
                    w.write(
                        3,
                        &format!(
                            "{}\t{kind} with prefix '{prefix}'\tOptional: {optional}\n",
                            text(reference, &["name"])
                        ),
                    );
                }
            }
        }
        let env = list(container, &["env"]);
        w.write(
            2,
            &format!(
                "Environment:{}\n",
                if env.is_empty() { "\t<none>" } else { "" }
            ),
        );
        for variable in env {
            let name = text(variable, &["name"]);
            match at(variable, &["valueFrom"]) {
                None => {
                    for (index, line) in text(variable, &["value"]).split('\n').enumerate() {
                        if index == 0 {
                            w.write(3, &format!("{name}:\t{line}\n"));
                        } else {
                            w.write(3, &format!("\t{line}\n"));
                        }
                    }
                }
                Some(from) => {
                    if let Some(field) = at(from, &["fieldRef"]) {
                        w.write(
                            3,
                            &format!(
                                "{name}:\t ({}:{})\n",
                                text(field, &["apiVersion"]),
                                text(field, &["fieldPath"])
                            ),
                        );
                    } else if let Some(resource) = at(from, &["resourceFieldRef"]) {
                        w.write(
                            3,
                            &format!("{name}:\t ({})\n", text(resource, &["resource"])),
                        );
                    } else if let Some(secret) = at(from, &["secretKeyRef"]) {
                        w.write(
                            3,
                            &format!(
                                "{name}:\t<set to the key '{}' in secret '{}'>\tOptional: {}\n",
                                text(secret, &["key"]),
                                text(secret, &["name"]),
                                flag(secret, &["optional"])
                            ),
                        );
                    } else if let Some(config_map) = at(from, &["configMapKeyRef"]) {
                        w.write(
                            3,
                            &format!(
                                "{name}:\t<set to the key '{}' of config map '{}'>\tOptional: {}\n",
                                text(config_map, &["key"]),
                                text(config_map, &["name"]),
                                flag(config_map, &["optional"])
                            ),
                        );
                    }
                }
            }
        }
        let mut mounts: Vec<&Value> = list(container, &["volumeMounts"]).iter().collect();
        w.write(
            2,
            &format!(
                "Mounts:{}\n",
                if mounts.is_empty() { "\t<none>" } else { "" }
            ),
        );
        mounts.sort_by(|a, b| text(a, &["mountPath"]).cmp(text(b, &["mountPath"])));
        for mount in mounts {
            let mut flags = vec![if flag(mount, &["readOnly"]) {
                "ro".to_string()
            } else {
                "rw".to_string()
            }];
            let sub_path = text(mount, &["subPath"]);
            if !sub_path.is_empty() {
                flags.push(format!("path={sub_path:?}"));
            }
            w.write(
                3,
                &format!(
                    "{} from {} ({})\n",
                    text(mount, &["mountPath"]),
                    text(mount, &["name"]),
                    flags.join(",")
                ),
            );
        }
    }
}

/// describeVolumes for the volume types manifests commonly use; others print `<unknown>`.
fn describe_volumes(w: &mut PrefixWriter, volumes: &[Value], space: &str) {
    if volumes.is_empty() {
        w.write(0, &format!("{space}Volumes:\t<none>\n"));
        return;
    }
    w.write(0, &format!("{space}Volumes:\n"));
    let name_indent = if space.is_empty() { "" } else { " " };
    for volume in volumes {
        w.write(1, &format!("{name_indent}{}:\n", text(volume, &["name"])));
        if let Some(host_path) = at(volume, &["hostPath"]) {
            w.write(2, &format!("Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{}\n", text(host_path, &["path"]), or_none(text(host_path, &["type"]))));
        } else if let Some(empty_dir) = at(volume, &["emptyDir"]) {
            let size = opt_text(empty_dir, &["sizeLimit"])
                .filter(|size| *size != "0")
                .unwrap_or("<unset>");
            w.write(2, &format!("Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t{}\n    SizeLimit:\t{size}\n", text(empty_dir, &["medium"])));
        } else if let Some(secret) = at(volume, &["secret"]) {
            w.write(2, &format!("Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t{}\n    Optional:\t{}\n", text(secret, &["secretName"]), flag(secret, &["optional"])));
        } else if let Some(config_map) = at(volume, &["configMap"]) {
            w.write(2, &format!("Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t{}\n    Optional:\t{}\n", text(config_map, &["name"]), flag(config_map, &["optional"])));
        } else if let Some(claim) = at(volume, &["persistentVolumeClaim"]) {
            w.write(2, &format!("Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t{}\n    ReadOnly:\t{}\n", text(claim, &["claimName"]), flag(claim, &["readOnly"])));
        } else if let Some(projected) = at(volume, &["projected"]) {
            w.write(
                2,
                "Type:\tProjected (a volume that contains injected data from multiple sources)\n",
            );
            for source in list(projected, &["sources"]) {
                if let Some(secret) = at(source, &["secret"]) {
                    w.write(
                        2,
                        &format!(
                            "SecretName:\t{}\n    Optional:\t{}\n",
                            text(secret, &["name"]),
                            flag(secret, &["optional"])
                        ),
                    );
                } else if at(source, &["downwardAPI"]).is_some() {
                    w.write(2, "DownwardAPI:\ttrue\n");
                } else if let Some(config_map) = at(source, &["configMap"]) {
                    w.write(
                        2,
                        &format!(
                            "ConfigMapName:\t{}\n    Optional:\t{}\n",
                            text(config_map, &["name"]),
                            flag(config_map, &["optional"])
                        ),
                    );
                } else if let Some(token) = at(source, &["serviceAccountToken"]) {
                    w.write(
                        2,
                        &format!(
                            "TokenExpirationSeconds:\t{}\n",
                            int(token, &["expirationSeconds"])
                        ),
                    );
                }
            }
        } else if let Some(downward) = at(volume, &["downwardAPI"]) {
            w.write(2, "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n");
            for item in list(downward, &["items"]) {
                if let Some(field) = at(item, &["fieldRef"]) {
                    w.write(
                        3,
                        &format!(
                            "{} -> {}\n",
                            text(field, &["fieldPath"]),
                            text(item, &["path"])
                        ),
                    );
                }
                if let Some(resource) = at(item, &["resourceFieldRef"]) {
                    w.write(
                        3,
                        &format!(
                            "{} -> {}\n",
                            text(resource, &["resource"]),
                            text(item, &["path"])
                        ),
                    );
                }
            }
        } else if let Some(nfs) = at(volume, &["nfs"]) {
            w.write(2, &format!("Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n    Server:\t{}\n    Path:\t{}\n    ReadOnly:\t{}\n", text(nfs, &["server"]), text(nfs, &["path"]), flag(nfs, &["readOnly"])));
        } else {
            w.write(1, "<unknown>\n");
        }
    }
}

/// qos.GetPodQOS: Guaranteed when every container's cpu and memory limits are set
/// and requests equal them, BestEffort with no requests or limits, else Burstable.
pub fn pod_qos(pod: &Value) -> String {
    if let Some(class) = opt_text(pod, &["status", "qosClass"]).filter(|class| !class.is_empty()) {
        return class.to_string();
    }
    let containers: Vec<&Value> = list(pod, &["spec", "containers"])
        .iter()
        .chain(list(pod, &["spec", "initContainers"]))
        .collect();
    let mut any = false;
    let mut guaranteed = true;
    for container in &containers {
        let limits = resource_names_sorted(at(container, &["resources", "limits"]));
        let requests = resource_names_sorted(at(container, &["resources", "requests"]));
        let relevant = |entries: &[(String, String)]| {
            entries
                .iter()
                .filter(|(name, _)| name == "cpu" || name == "memory")
                .cloned()
                .collect::<Vec<_>>()
        };
        let limits = relevant(&limits);
        let requests = relevant(&requests);
        if !limits.is_empty() || !requests.is_empty() {
            any = true;
        }
        let same = |a: &str, b: &str| match (Quantity::parse(a), Quantity::parse(b)) {
            (Ok(a), Ok(b)) => a.nano_value() == b.nano_value(),
            _ => a == b,
        };
        if limits.len() != 2 {
            guaranteed = false;
        }
        for (name, request) in &requests {
            match limits.iter().find(|(limit_name, _)| limit_name == name) {
                Some((_, limit)) if same(request, limit) => {}
                _ => guaranteed = false,
            }
        }
    }
    if !any {
        "BestEffort".to_string()
    } else if guaranteed {
        "Guaranteed".to_string()
    } else {
        "Burstable".to_string()
    }
}

/// DescribePodTemplate.
fn describe_pod_template(w: &mut PrefixWriter, template: Option<&Value>) {
    w.write(0, "Pod Template:\n");
    let Some(template) = template else {
        w.write(1, "<unset>");
        return;
    };
    labels_multiline_pairs(
        w,
        "",
        "  Labels",
        "\t",
        &string_map(template, &["metadata", "labels"]),
    );
    if !string_map(template, &["metadata", "annotations"]).is_empty() {
        annotations_multiline(w, "  Annotations", template, &["metadata", "annotations"]);
    }
    let account = text(template, &["spec", "serviceAccountName"]);
    if !account.is_empty() {
        w.write(1, &format!("Service Account:\t{account}\n"));
    }
    let init = list(template, &["spec", "initContainers"]);
    if !init.is_empty() {
        describe_containers(w, "Init Containers", init, &[], "  ");
    }
    describe_containers(
        w,
        "Containers",
        list(template, &["spec", "containers"]),
        &[],
        "  ",
    );
    describe_volumes(w, list(template, &["spec", "volumes"]), "  ");
    let priority_class = text(template, &["spec", "priorityClassName"]);
    if !priority_class.is_empty() {
        w.write(1, &format!("Priority Class Name:\t{priority_class}\n"));
    }
    labels_multiline_pairs(
        w,
        "",
        "  Node-Selectors",
        "\t",
        &string_map(template, &["spec", "nodeSelector"]),
    );
    tolerations_multiline(
        w,
        "  ",
        "Tolerations",
        list(template, &["spec", "tolerations"]),
    );
}

fn name_and_namespace(w: &mut PrefixWriter, object: &Value) {
    w.write(
        0,
        &format!("Name:\t{}\n", text(object, &["metadata", "name"])),
    );
    w.write(
        0,
        &format!("Namespace:\t{}\n", text(object, &["metadata", "namespace"])),
    );
}

fn labels_and_annotations(w: &mut PrefixWriter, object: &Value) {
    labels_multiline(w, "Labels", object, &["metadata", "labels"]);
    annotations_multiline(w, "Annotations", object, &["metadata", "annotations"]);
}

fn creation(object: &Value) -> String {
    rfc1123z_text(opt_text(object, &["metadata", "creationTimestamp"]))
}

/// Pods of a controller by phase: `1 Running / 0 Waiting / 0 Succeeded / 0 Failed`.
fn pods_status(pods: &[Value]) -> String {
    let count = |phase: &str| {
        pods.iter()
            .filter(|pod| text(pod, &["status", "phase"]) == phase)
            .count()
    };
    format!(
        "{} Running / {} Waiting / {} Succeeded / {} Failed",
        count("Running"),
        count("Pending"),
        count("Succeeded"),
        count("Failed")
    )
}

pub fn describe_pod(pod: &Value, context: &DescribeContext) -> String {
    let mut w = PrefixWriter::default();
    name_and_namespace(&mut w, pod);
    if let Some(priority) = opt_int(pod, &["spec", "priority"]) {
        w.write(0, &format!("Priority:\t{priority}\n"));
    }
    let priority_class = text(pod, &["spec", "priorityClassName"]);
    if !priority_class.is_empty() {
        w.write(0, &format!("Priority Class Name:\t{priority_class}\n"));
    }
    let runtime_class = text(pod, &["spec", "runtimeClassName"]);
    if !runtime_class.is_empty() {
        w.write(0, &format!("Runtime Class Name:\t{runtime_class}\n"));
    }
    let account = text(pod, &["spec", "serviceAccountName"]);
    if !account.is_empty() {
        w.write(0, &format!("Service Account:\t{account}\n"));
    }
    let node = text(pod, &["spec", "nodeName"]);
    if node.is_empty() {
        w.write(0, "Node:\t<none>\n");
    } else {
        w.write(
            0,
            &format!("Node:\t{node}/{}\n", text(pod, &["status", "hostIP"])),
        );
    }
    if let Some(start) = opt_text(pod, &["status", "startTime"]) {
        w.write(0, &format!("Start Time:\t{}\n", rfc1123z_text(Some(start))));
    }
    labels_and_annotations(&mut w, pod);
    let phase = text(pod, &["status", "phase"]);
    match opt_text(pod, &["metadata", "deletionTimestamp"]) {
        Some(deleted) if phase != "Failed" && phase != "Succeeded" => {
            w.write(
                0,
                &format!(
                    "Status:\tTerminating (lasts {})\n",
                    since_text(Some(deleted), context.now)
                ),
            );
            w.write(
                0,
                &format!(
                    "Termination Grace Period:\t{}s\n",
                    int(pod, &["metadata", "deletionGracePeriodSeconds"])
                ),
            );
        }
        _ => w.write(0, &format!("Status:\t{phase}\n")),
    }
    let reason = text(pod, &["status", "reason"]);
    if !reason.is_empty() {
        w.write(0, &format!("Reason:\t{reason}\n"));
    }
    let message = text(pod, &["status", "message"]);
    if !message.is_empty() {
        w.write(0, &format!("Message:\t{message}\n"));
    }
    w.write(0, &format!("IP:\t{}\n", text(pod, &["status", "podIP"])));
    let ips = list(pod, &["status", "podIPs"]);
    if ips.is_empty() {
        w.write(0, "IPs:\t<none>\n");
    } else {
        w.write(0, "IPs:\n");
        for ip in ips {
            w.write(1, &format!("IP:\t{}\n", text(ip, &["ip"])));
        }
    }
    if let Some(controller) = controlled_by(pod) {
        w.write(0, &format!("Controlled By:\t{controller}\n"));
    }
    let nominated = text(pod, &["status", "nominatedNodeName"]);
    if !nominated.is_empty() {
        w.write(0, &format!("NominatedNodeName:\t{nominated}\n"));
    }
    let init = list(pod, &["spec", "initContainers"]);
    if !init.is_empty() {
        describe_containers(
            &mut w,
            "Init Containers",
            init,
            list(pod, &["status", "initContainerStatuses"]),
            "",
        );
    }
    describe_containers(
        &mut w,
        "Containers",
        list(pod, &["spec", "containers"]),
        list(pod, &["status", "containerStatuses"]),
        "",
    );
    let gates = list(pod, &["spec", "readinessGates"]);
    let conditions = list(pod, &["status", "conditions"]);
    if !gates.is_empty() {
        w.write(0, "Readiness Gates:\n  Type\tStatus\n");
        for gate in gates {
            let type_ = text(gate, &["conditionType"]);
            let status = conditions
                .iter()
                .find(|condition| text(condition, &["type"]) == type_)
                .map(|condition| text(condition, &["status"]))
                .unwrap_or("<none>");
            w.write(1, &format!("{type_} \t{status} \n"));
        }
    }
    if !conditions.is_empty() {
        w.write(0, "Conditions:\n  Type\tStatus\n");
        for condition in conditions {
            w.write(
                1,
                &format!(
                    "{} \t{} \n",
                    text(condition, &["type"]),
                    text(condition, &["status"])
                ),
            );
        }
    }
    describe_volumes(&mut w, list(pod, &["spec", "volumes"]), "");
    w.write(0, &format!("QoS Class:\t{}\n", pod_qos(pod)));
    labels_multiline(&mut w, "Node-Selectors", pod, &["spec", "nodeSelector"]);
    tolerations_multiline(
        &mut w,
        "",
        "Tolerations",
        list(pod, &["spec", "tolerations"]),
    );
    let mut constraints: Vec<&Value> = list(pod, &["spec", "topologySpreadConstraints"])
        .iter()
        .collect();
    if !constraints.is_empty() {
        constraints.sort_by(|a, b| text(a, &["topologyKey"]).cmp(text(b, &["topologyKey"])));
        w.write(0, "Topology Spread Constraints:\t");
        for (index, constraint) in constraints.iter().enumerate() {
            if index != 0 {
                w.write(0, "\t");
            }
            let mut line = format!(
                "{}:{} when max skew {} is exceeded",
                text(constraint, &["topologyKey"]),
                text(constraint, &["whenUnsatisfiable"]),
                int(constraint, &["maxSkew"])
            );
            if at(constraint, &["labelSelector"]).is_some() {
                line.push_str(&format!(
                    " for selector {}",
                    format_label_selector(constraint, &["labelSelector"])
                ));
            }
            w.write(0, &format!("{line}\n"));
        }
    }
    events_section(&mut w, context);
    w.finish()
}

fn replica_sets_line(replica_sets: &[Value]) -> String {
    let items: Vec<String> = replica_sets
        .iter()
        .map(|rs| {
            format!(
                "{} ({}/{} replicas created)",
                text(rs, &["metadata", "name"]),
                int(rs, &["status", "replicas"]),
                int(rs, &["spec", "replicas"])
            )
        })
        .collect();
    if items.is_empty() {
        "<none>".to_string()
    } else {
        items.join(", ")
    }
}

pub fn describe_deployment(deployment: &Value, context: &DescribeContext) -> String {
    let mut w = PrefixWriter::default();
    name_and_namespace(&mut w, deployment);
    w.write(
        0,
        &format!("CreationTimestamp:\t{}\n", creation(deployment)),
    );
    labels_and_annotations(&mut w, deployment);
    w.write(
        0,
        &format!(
            "Selector:\t{}\n",
            selector_string(deployment, &["spec", "selector"])
        ),
    );
    w.write(
        0,
        &format!(
            "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable\n",
            int(deployment, &["spec", "replicas"]),
            int(deployment, &["status", "updatedReplicas"]),
            int(deployment, &["status", "replicas"]),
            int(deployment, &["status", "availableReplicas"]),
            int(deployment, &["status", "unavailableReplicas"])
        ),
    );
    w.write(
        0,
        &format!(
            "StrategyType:\t{}\n",
            text(deployment, &["spec", "strategy", "type"])
        ),
    );
    w.write(
        0,
        &format!(
            "MinReadySeconds:\t{}\n",
            int(deployment, &["spec", "minReadySeconds"])
        ),
    );
    if let Some(rolling) = at(deployment, &["spec", "strategy", "rollingUpdate"]) {
        w.write(
            0,
            &format!(
                "RollingUpdateStrategy:\t{} max unavailable, {} max surge\n",
                scalar_text(at(rolling, &["maxUnavailable"])).unwrap_or_else(|| "0".to_string()),
                scalar_text(at(rolling, &["maxSurge"])).unwrap_or_else(|| "0".to_string())
            ),
        );
    }
    describe_pod_template(&mut w, at(deployment, &["spec", "template"]));
    let conditions = list(deployment, &["status", "conditions"]);
    if !conditions.is_empty() {
        w.write(0, "Conditions:\n  Type\tStatus\tReason\n");
        w.write(1, "----\t------\t------\n");
        for condition in conditions {
            w.write(
                1,
                &format!(
                    "{} \t{}\t{}\n",
                    text(condition, &["type"]),
                    text(condition, &["status"]),
                    text(condition, &["reason"])
                ),
            );
        }
    }
    if !context.old_replica_sets.is_empty() || !context.new_replica_sets.is_empty() {
        w.write(
            0,
            &format!(
                "OldReplicaSets:\t{}\n",
                replica_sets_line(&context.old_replica_sets)
            ),
        );
        w.write(
            0,
            &format!(
                "NewReplicaSet:\t{}\n",
                replica_sets_line(&context.new_replica_sets)
            ),
        );
    }
    events_section(&mut w, context);
    w.finish()
}

pub fn describe_replica_set(rs: &Value, context: &DescribeContext) -> String {
    let mut w = PrefixWriter::default();
    name_and_namespace(&mut w, rs);
    w.write(
        0,
        &format!(
            "Selector:\t{}\n",
            format_label_selector(rs, &["spec", "selector"])
        ),
    );
    labels_and_annotations(&mut w, rs);
    if let Some(controller) = controlled_by(rs) {
        w.write(0, &format!("Controlled By:\t{controller}\n"));
    }
    w.write(
        0,
        &format!(
            "Replicas:\t{} current / {} desired\n",
            int(rs, &["status", "replicas"]),
            int(rs, &["spec", "replicas"])
        ),
    );
    w.write(0, "Pods Status:\t");
    w.write(0, &format!("{}\n", pods_status(&context.pods)));
    describe_pod_template(&mut w, at(rs, &["spec", "template"]));
    let conditions = list(rs, &["status", "conditions"]);
    if !conditions.is_empty() {
        w.write(0, "Conditions:\n  Type\tStatus\tReason\n");
        w.write(1, "----\t------\t------\n");
        for condition in conditions {
            w.write(
                1,
                &format!(
                    "{} \t{}\t{}\n",
                    text(condition, &["type"]),
                    text(condition, &["status"]),
                    text(condition, &["reason"])
                ),
            );
        }
    }
    events_section(&mut w, context);
    w.finish()
}

pub fn describe_daemon_set(ds: &Value, context: &DescribeContext) -> String {
    let mut w = PrefixWriter::default();
    name_and_namespace(&mut w, ds);
    w.write(
        0,
        &format!(
            "Selector:\t{}\n",
            selector_string(ds, &["spec", "selector"])
        ),
    );
    w.write(
        0,
        &format!(
            "Node-Selector:\t{}\n",
            format_labels(ds, &["spec", "template", "spec", "nodeSelector"])
        ),
    );
    labels_and_annotations(&mut w, ds);
    for (title, field) in [
        (
            "Desired Number of Nodes Scheduled",
            "desiredNumberScheduled",
        ),
        (
            "Current Number of Nodes Scheduled",
            "currentNumberScheduled",
        ),
        (
            "Number of Nodes Scheduled with Up-to-date Pods",
            "updatedNumberScheduled",
        ),
        (
            "Number of Nodes Scheduled with Available Pods",
            "numberAvailable",
        ),
        ("Number of Nodes Misscheduled", "numberMisscheduled"),
    ] {
        w.write(0, &format!("{title}: {}\n", int(ds, &["status", field])));
    }
    w.write(
        0,
        &format!("Pods Status:\t{}\n", pods_status(&context.pods)),
    );
    describe_pod_template(&mut w, at(ds, &["spec", "template"]));
    events_section(&mut w, context);
    w.finish()
}

pub fn describe_stateful_set(sts: &Value, context: &DescribeContext) -> String {
    let mut w = PrefixWriter::default();
    name_and_namespace(&mut w, sts);
    w.write(0, &format!("CreationTimestamp:\t{}\n", creation(sts)));
    w.write(
        0,
        &format!(
            "Selector:\t{}\n",
            selector_string(sts, &["spec", "selector"])
        ),
    );
    labels_and_annotations(&mut w, sts);
    w.write(
        0,
        &format!(
            "Replicas:\t{} desired | {} total\n",
            opt_int(sts, &["spec", "replicas"]).unwrap_or(1),
            int(sts, &["status", "replicas"])
        ),
    );
    w.write(
        0,
        &format!(
            "Update Strategy:\t{}\n",
            opt_text(sts, &["spec", "updateStrategy", "type"]).unwrap_or("RollingUpdate")
        ),
    );
    if let Some(partition) = opt_int(
        sts,
        &["spec", "updateStrategy", "rollingUpdate", "partition"],
    ) {
        w.write(1, &format!("Partition:\t{partition}\n"));
    }
    w.write(
        0,
        &format!("Pods Status:\t{}\n", pods_status(&context.pods)),
    );
    describe_pod_template(&mut w, at(sts, &["spec", "template"]));
    let claims = list(sts, &["spec", "volumeClaimTemplates"]);
    if claims.is_empty() {
        w.write(0, "Volume Claims:\t<none>\n");
    } else {
        w.write(0, "Volume Claims:\n");
        for claim in claims {
            w.write(
                1,
                &format!("Name:\t{}\n", text(claim, &["metadata", "name"])),
            );
            w.write(
                1,
                &format!(
                    "StorageClass:\t{}\n",
                    text(claim, &["spec", "storageClassName"])
                ),
            );
            labels_multiline_pairs(
                &mut w,
                "  ",
                "Labels",
                "\t",
                &string_map(claim, &["metadata", "labels"]),
            );
            labels_multiline_pairs(
                &mut w,
                "  ",
                "Annotations",
                "\t",
                &string_map(claim, &["metadata", "annotations"]),
            );
            w.write(
                1,
                &format!(
                    "Capacity:\t{}\n",
                    opt_text(claim, &["spec", "resources", "requests", "storage"])
                        .unwrap_or("<default>")
                ),
            );
            let modes: Vec<&str> = list(claim, &["spec", "accessModes"])
                .iter()
                .filter_map(Value::as_str)
                .collect();
            w.write(1, &format!("Access Modes:\t[{}]\n", modes.join(" ")));
        }
    }
    events_section(&mut w, context);
    w.finish()
}

pub fn describe_job(job: &Value, context: &DescribeContext) -> String {
    let mut w = PrefixWriter::default();
    name_and_namespace(&mut w, job);
    w.write(
        0,
        &format!(
            "Selector:\t{}\n",
            selector_string(job, &["spec", "selector"])
        ),
    );
    labels_and_annotations(&mut w, job);
    if let Some(controller) = controlled_by(job) {
        w.write(0, &format!("Controlled By:\t{controller}\n"));
    }
    if let Some(parallelism) = opt_int(job, &["spec", "parallelism"]) {
        w.write(0, &format!("Parallelism:\t{parallelism}\n"));
    }
    match opt_int(job, &["spec", "completions"]) {
        Some(completions) => w.write(0, &format!("Completions:\t{completions}\n")),
        None => w.write(0, "Completions:\t<unset>\n"),
    }
    if let Some(mode) = opt_text(job, &["spec", "completionMode"]) {
        w.write(0, &format!("Completion Mode:\t{mode}\n"));
    }
    if let Some(suspend) = at(job, &["spec", "suspend"]).and_then(Value::as_bool) {
        w.write(0, &format!("Suspend:\t{suspend}\n"));
    }
    if let Some(limit) = opt_int(job, &["spec", "backoffLimit"]) {
        w.write(0, &format!("Backoff Limit:\t{limit}\n"));
    }
    if let Some(ttl) = opt_int(job, &["spec", "ttlSecondsAfterFinished"]) {
        w.write(0, &format!("TTL Seconds After Finished:\t{ttl}\n"));
    }
    let start = opt_text(job, &["status", "startTime"]);
    let completion = opt_text(job, &["status", "completionTime"]);
    if let Some(start) = start {
        w.write(0, &format!("Start Time:\t{}\n", rfc1123z_text(Some(start))));
    }
    if let Some(completion) = completion {
        w.write(
            0,
            &format!("Completed At:\t{}\n", rfc1123z_text(Some(completion))),
        );
    }
    if let (Some(start), Some(completion)) = (
        start.and_then(|t| SimTime::parse_rfc3339(t).ok()),
        completion.and_then(|t| SimTime::parse_rfc3339(t).ok()),
    ) {
        w.write(
            0,
            &format!("Duration:\t{}\n", human_duration(completion - start)),
        );
    }
    if let Some(deadline) = opt_int(job, &["spec", "activeDeadlineSeconds"]) {
        w.write(0, &format!("Active Deadline Seconds:\t{deadline}s\n"));
    }
    match opt_int(job, &["status", "ready"]) {
        None => w.write(
            0,
            &format!(
                "Pods Statuses:\t{} Active / {} Succeeded / {} Failed\n",
                int(job, &["status", "active"]),
                int(job, &["status", "succeeded"]),
                int(job, &["status", "failed"])
            ),
        ),
        Some(ready) => w.write(
            0,
            &format!(
                "Pods Statuses:\t{} Active ({ready} Ready) / {} Succeeded / {} Failed\n",
                int(job, &["status", "active"]),
                int(job, &["status", "succeeded"]),
                int(job, &["status", "failed"])
            ),
        ),
    }
    if text(job, &["spec", "completionMode"]) == "Indexed" {
        w.write(
            0,
            &format!(
                "Completed Indexes:\t{}\n",
                or_none(text(job, &["status", "completedIndexes"]))
            ),
        );
    }
    describe_pod_template(&mut w, at(job, &["spec", "template"]));
    events_section(&mut w, context);
    w.finish()
}

/// describeCronJob, with describeJobTemplate.
pub fn describe_cron_job(cron_job: &Value, context: &DescribeContext) -> String {
    let mut w = PrefixWriter::default();
    name_and_namespace(&mut w, cron_job);
    labels_and_annotations(&mut w, cron_job);
    w.write(
        0,
        &format!("Schedule:\t{}\n", text(cron_job, &["spec", "schedule"])),
    );
    w.write(
        0,
        &format!(
            "Concurrency Policy:\t{}\n",
            text(cron_job, &["spec", "concurrencyPolicy"])
        ),
    );
    let suspend = match at(cron_job, &["spec", "suspend"]).and_then(Value::as_bool) {
        Some(flag) => printed_bool(flag),
        None => "<unset>",
    };
    w.write(0, &format!("Suspend:\t{suspend}\n"));
    for (title, field) in [
        ("Successful Job History Limit", "successfulJobsHistoryLimit"),
        ("Failed Job History Limit", "failedJobsHistoryLimit"),
    ] {
        match opt_int(cron_job, &["spec", field]) {
            Some(limit) => w.write(0, &format!("{title}:\t{limit}\n")),
            None => w.write(0, &format!("{title}:\t<unset>\n")),
        }
    }
    match opt_int(cron_job, &["spec", "startingDeadlineSeconds"]) {
        Some(seconds) => w.write(0, &format!("Starting Deadline Seconds:\t{seconds}s\n")),
        None => w.write(0, "Starting Deadline Seconds:\t<unset>\n"),
    }
    let job_spec = at(cron_job, &["spec", "jobTemplate", "spec"])
        .cloned()
        .unwrap_or(Value::Null);
    if at(&job_spec, &["selector"]).is_some() {
        w.write(
            0,
            &format!("Selector:\t{}\n", selector_string(&job_spec, &["selector"])),
        );
    } else {
        w.write(0, "Selector:\t<unset>\n");
    }
    for (title, field) in [
        ("Parallelism", "parallelism"),
        ("Completions", "completions"),
    ] {
        match opt_int(&job_spec, &[field]) {
            Some(value) => w.write(0, &format!("{title}:\t{value}\n")),
            None => w.write(0, &format!("{title}:\t<unset>\n")),
        }
    }
    if let Some(deadline) = opt_int(&job_spec, &["activeDeadlineSeconds"]) {
        w.write(0, &format!("Active Deadline Seconds:\t{deadline}s\n"));
    }
    describe_pod_template(&mut w, at(&job_spec, &["template"]));
    match opt_text(cron_job, &["status", "lastScheduleTime"]) {
        Some(time) => w.write(
            0,
            &format!("Last Schedule Time:\t{}\n", rfc1123z_text(Some(time))),
        ),
        None => w.write(0, "Last Schedule Time:\t<unset>\n"),
    }
    w.write(0, "Active Jobs:\t");
    let active: Vec<&str> = list(cron_job, &["status", "active"])
        .iter()
        .map(|job| text(job, &["name"]))
        .collect();
    if active.is_empty() {
        w.write_line("<none>");
    } else {
        w.write_line(&active.join(", "));
    }
    events_section(&mut w, context);
    w.finish()
}

pub fn describe_service(service: &Value, context: &DescribeContext) -> String {
    let mut w = PrefixWriter::default();
    name_and_namespace(&mut w, service);
    labels_and_annotations(&mut w, service);
    w.write(
        0,
        &format!(
            "Selector:\t{}\n",
            format_labels(service, &["spec", "selector"])
        ),
    );
    w.write(0, &format!("Type:\t{}\n", text(service, &["spec", "type"])));
    if let Some(policy) = opt_text(service, &["spec", "ipFamilyPolicy"]) {
        w.write(0, &format!("IP Family Policy:\t{policy}\n"));
    }
    let families: Vec<&str> = list(service, &["spec", "ipFamilies"])
        .iter()
        .filter_map(Value::as_str)
        .collect();
    w.write(
        0,
        &format!(
            "IP Families:\t{}\n",
            if families.is_empty() {
                "<none>".to_string()
            } else {
                families.join(",")
            }
        ),
    );
    w.write(
        0,
        &format!("IP:\t{}\n", text(service, &["spec", "clusterIP"])),
    );
    let ips: Vec<&str> = list(service, &["spec", "clusterIPs"])
        .iter()
        .filter_map(Value::as_str)
        .collect();
    w.write(
        0,
        &format!(
            "IPs:\t{}\n",
            if ips.is_empty() {
                "<none>".to_string()
            } else {
                ips.join(",")
            }
        ),
    );
    let external: Vec<&str> = list(service, &["spec", "externalIPs"])
        .iter()
        .filter_map(Value::as_str)
        .collect();
    if !external.is_empty() {
        w.write(0, &format!("External IPs:\t{}\n", external.join(",")));
    }
    let balancer_ip = text(service, &["spec", "loadBalancerIP"]);
    if !balancer_ip.is_empty() {
        w.write(0, &format!("Desired LoadBalancer IP:\t{balancer_ip}\n"));
    }
    let external_name = text(service, &["spec", "externalName"]);
    if !external_name.is_empty() {
        w.write(0, &format!("External Name:\t{external_name}\n"));
    }
    let ingress = list(service, &["status", "loadBalancer", "ingress"]);
    if !ingress.is_empty() {
        let entries: Vec<String> = ingress
            .iter()
            .map(|entry| {
                let ip = text(entry, &["ip"]);
                if ip.is_empty() {
                    text(entry, &["hostname"]).to_string()
                } else if let Some(mode) = opt_text(entry, &["ipMode"]) {
                    format!("{ip} ({mode})")
                } else {
                    ip.to_string()
                }
            })
            .collect();
        w.write(
            0,
            &format!("LoadBalancer Ingress:\t{}\n", entries.join(", ")),
        );
    }
    for port in list(service, &["spec", "ports"]) {
        let port_name = text(port, &["name"]);
        let shown_name = if port_name.is_empty() {
            "<unset>"
        } else {
            port_name
        };
        let protocol = text(port, &["protocol"]);
        w.write(
            0,
            &format!("Port:\t{shown_name}\t{}/{protocol}\n", int(port, &["port"])),
        );
        let target = scalar_text(at(port, &["targetPort"])).unwrap_or_else(|| "0".to_string());
        w.write(0, &format!("TargetPort:\t{target}/{protocol}\n"));
        let node_port = int(port, &["nodePort"]);
        if node_port != 0 {
            w.write(
                0,
                &format!("NodePort:\t{shown_name}\t{node_port}/{protocol}\n"),
            );
        }
        w.write(
            0,
            &format!(
                "Endpoints:\t{}\n",
                format_endpoint_slices(&context.endpoint_slices, port_name)
            ),
        );
    }
    w.write(
        0,
        &format!(
            "Session Affinity:\t{}\n",
            text(service, &["spec", "sessionAffinity"])
        ),
    );
    let external_policy = text(service, &["spec", "externalTrafficPolicy"]);
    if !external_policy.is_empty() {
        w.write(0, &format!("External Traffic Policy:\t{external_policy}\n"));
    }
    if let Some(internal) = opt_text(service, &["spec", "internalTrafficPolicy"]) {
        w.write(0, &format!("Internal Traffic Policy:\t{internal}\n"));
    }
    let health = int(service, &["spec", "healthCheckNodePort"]);
    if health != 0 {
        w.write(0, &format!("HealthCheck NodePort:\t{health}\n"));
    }
    events_section(&mut w, context);
    w.finish()
}

/// formatEndpointSlices: ready endpoints' `ip:port` for the named port, three at most.
pub fn format_endpoint_slices(slices: &[Value], port_name: &str) -> String {
    if slices.is_empty() {
        return "<none>".to_string();
    }
    const MAX: usize = 3;
    let mut shown: Vec<String> = Vec::new();
    let mut count = 0usize;
    for slice in slices {
        let endpoints: Vec<&Value> = list(slice, &["endpoints"])
            .iter()
            .filter(|endpoint| {
                at(endpoint, &["conditions", "ready"]).and_then(Value::as_bool) != Some(false)
            })
            .collect();
        let ports = list(slice, &["ports"]);
        if ports.is_empty() {
            for endpoint in &endpoints {
                if shown.len() < MAX {
                    shown.push(
                        list(endpoint, &["addresses"])
                            .first()
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_string(),
                    );
                }
                count += 1;
            }
            continue;
        }
        for port in ports {
            if text(port, &["name"]) != port_name {
                continue;
            }
            for endpoint in &endpoints {
                if shown.len() < MAX {
                    let address = list(endpoint, &["addresses"])
                        .first()
                        .and_then(Value::as_str)
                        .unwrap_or("");
                    let number = int(port, &["port"]);
                    shown.push(if address.contains(':') {
                        format!("[{address}]:{number}")
                    } else {
                        format!("{address}:{number}")
                    });
                }
                count += 1;
            }
        }
    }
    let joined = shown.join(",");
    if count > MAX {
        format!("{joined} + {} more...", count - MAX)
    } else {
        joined
    }
}

pub fn describe_endpoints(endpoints: &Value, context: &DescribeContext) -> String {
    let mut w = PrefixWriter::default();
    name_and_namespace(&mut w, endpoints);
    labels_and_annotations(&mut w, endpoints);
    w.write(0, "Subsets:\n");
    for subset in list(endpoints, &["subsets"]) {
        for (title, key) in [
            ("Addresses", "addresses"),
            ("NotReadyAddresses", "notReadyAddresses"),
        ] {
            let ips: Vec<&str> = list(subset, &[key])
                .iter()
                .map(|address| text(address, &["ip"]))
                .collect();
            w.write(1, &format!("{title}:\t{}\n", or_none(&ips.join(","))));
        }
        let ports = list(subset, &["ports"]);
        if !ports.is_empty() {
            w.write(1, "Ports:\n");
            w.write(2, "Name\tPort\tProtocol\n");
            w.write(2, "----\t----\t--------\n");
            for port in ports {
                let name = text(port, &["name"]);
                w.write(
                    2,
                    &format!(
                        "{}\t{}\t{}\n",
                        if name.is_empty() { "<unset>" } else { name },
                        int(port, &["port"]),
                        text(port, &["protocol"])
                    ),
                );
            }
        }
        w.write(0, "\n");
    }
    events_section(&mut w, context);
    let _ = format_endpoints;
    w.finish()
}

pub fn describe_namespace(namespace: &Value, context: &DescribeContext) -> String {
    let mut w = PrefixWriter::default();
    w.write(
        0,
        &format!("Name:\t{}\n", text(namespace, &["metadata", "name"])),
    );
    labels_and_annotations(&mut w, namespace);
    w.write(
        0,
        &format!("Status:\t{}\n", text(namespace, &["status", "phase"])),
    );
    let conditions = list(namespace, &["status", "conditions"]);
    if !conditions.is_empty() {
        w.write(0, "Conditions:\n");
        w.write(1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n");
        w.write(1, "----\t------\t------------------\t------\t-------\n");
        for condition in conditions {
            w.write(
                1,
                &format!(
                    "{}\t{}\t{}\t{}\t{}\n",
                    text(condition, &["type"]),
                    text(condition, &["status"]),
                    rfc1123z_text(opt_text(condition, &["lastTransitionTime"])),
                    text(condition, &["reason"]),
                    text(condition, &["message"])
                ),
            );
        }
    }
    // kubesim keeps no ResourceQuota or LimitRange objects in a fresh namespace.
    w.write(0, "\n");
    w.write(0, "No resource quota.\n");
    w.write(0, "\n");
    w.write(0, "No LimitRange resource.\n");
    let _ = context;
    w.finish()
}

fn quantity_sum(pods: &[&Value], section: &str, resource: &str) -> Quantity {
    let mut total = Quantity::zero();
    for pod in pods {
        let mut pod_total = Quantity::zero();
        for container in list(pod, &["spec", "containers"]) {
            if let Some(quantity) = opt_text(container, &["resources", section, resource])
                .and_then(|q| Quantity::parse(q).ok())
            {
                pod_total = pod_total.add(&quantity);
            }
        }
        // Init containers run one at a time: the pod needs the largest of them.
        for container in list(pod, &["spec", "initContainers"]) {
            if let Some(quantity) = opt_text(container, &["resources", section, resource])
                .and_then(|q| Quantity::parse(q).ok())
                && quantity.nano_value() > pod_total.nano_value()
            {
                pod_total = quantity;
            }
        }
        total = total.add(&pod_total);
    }
    total
}

fn percent(used: &Quantity, allocatable: Option<&Quantity>, milli: bool) -> i64 {
    let Some(allocatable) = allocatable else {
        return 0;
    };
    let (used, capacity) = if milli {
        (used.milli_value() as f64, allocatable.milli_value() as f64)
    } else {
        (used.value() as f64, allocatable.value() as f64)
    };
    if capacity == 0.0 {
        0
    } else {
        (used / capacity * 100.0) as i64
    }
}

pub fn describe_node(node: &Value, context: &DescribeContext) -> String {
    let mut w = PrefixWriter::default();
    w.write(
        0,
        &format!("Name:\t{}\n", text(node, &["metadata", "name"])),
    );
    w.write(0, &format!("Roles:\t{}\n", node_roles(node)));
    labels_and_annotations(&mut w, node);
    w.write(0, &format!("CreationTimestamp:\t{}\n", creation(node)));
    taints_multiline(&mut w, "Taints", list(node, &["spec", "taints"]));
    w.write(
        0,
        &format!(
            "Unschedulable:\t{}\n",
            flag(node, &["spec", "unschedulable"])
        ),
    );
    // describeNode/describeNodeLease in kubectl's describe.go: the kubelet's Lease
    // in kube-node-lease, or the error of looking it up.
    match &context.lease {
        Some(lease) => {
            let holder = opt_text(lease, &["spec", "holderIdentity"]).unwrap_or("<unset>");
            let time = |name: &str| {
                opt_text(lease, &["spec", name])
                    .map_or_else(|| "<unset>".to_string(), |time| rfc1123z_text(Some(time)))
            };
            w.write(0, "Lease:\n");
            w.write(1, &format!("HolderIdentity:\t{holder}\n"));
            w.write(1, &format!("AcquireTime:\t{}\n", time("acquireTime")));
            w.write(1, &format!("RenewTime:\t{}\n", time("renewTime")));
        }
        None => w.write(
            0,
            &format!(
                "Lease:\tFailed to get lease: leases.coordination.k8s.io \"{}\" not found\n",
                text(node, &["metadata", "name"])
            ),
        ),
    }
    let conditions = list(node, &["status", "conditions"]);
    if !conditions.is_empty() {
        w.write(
            0,
            "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n",
        );
        w.write(
            1,
            "----\t------\t-----------------\t------------------\t------\t-------\n",
        );
        for condition in conditions {
            w.write(
                1,
                &format!(
                    "{} \t{} \t{} \t{} \t{} \t{}\n",
                    text(condition, &["type"]),
                    text(condition, &["status"]),
                    rfc1123z_text(opt_text(condition, &["lastHeartbeatTime"])),
                    rfc1123z_text(opt_text(condition, &["lastTransitionTime"])),
                    text(condition, &["reason"]),
                    text(condition, &["message"])
                ),
            );
        }
    }
    w.write(0, "Addresses:\n");
    for address in list(node, &["status", "addresses"]) {
        w.write(
            1,
            &format!(
                "{}:\t{}\n",
                text(address, &["type"]),
                text(address, &["address"])
            ),
        );
    }
    for (title, key) in [("Capacity", "capacity"), ("Allocatable", "allocatable")] {
        let entries = resource_names_sorted(at(node, &["status", key]));
        if !entries.is_empty() {
            w.write(0, &format!("{title}:\n"));
            for (name, quantity) in entries {
                w.write(0, &format!("  {name}:\t{quantity}\n"));
            }
        }
    }
    w.write(0, "System Info:\n");
    for (title, field) in [
        ("Machine ID", "machineID"),
        ("System UUID", "systemUUID"),
        ("Boot ID", "bootID"),
        ("Kernel Version", "kernelVersion"),
        ("OS Image", "osImage"),
        ("Operating System", "operatingSystem"),
        ("Architecture", "architecture"),
        ("Container Runtime Version", "containerRuntimeVersion"),
        ("Kubelet Version", "kubeletVersion"),
        ("Kube-Proxy Version", "kubeProxyVersion"),
    ] {
        w.write(
            0,
            &format!(
                "  {title}:\t{}\n",
                text(node, &["status", "nodeInfo", field])
            ),
        );
    }
    let pod_cidr = text(node, &["spec", "podCIDR"]);
    if !pod_cidr.is_empty() {
        w.write(0, &format!("PodCIDR:\t{pod_cidr}\n"));
    }
    let cidrs: Vec<&str> = list(node, &["spec", "podCIDRs"])
        .iter()
        .filter_map(Value::as_str)
        .collect();
    if !cidrs.is_empty() {
        w.write(0, &format!("PodCIDRs:\t{}\n", cidrs.join(",")));
    }
    let provider = text(node, &["spec", "providerID"]);
    if !provider.is_empty() {
        w.write(0, &format!("ProviderID:\t{provider}\n"));
    }
    let allocatable_section = if at(node, &["status", "allocatable"])
        .and_then(Value::as_object)
        .is_some_and(|m| !m.is_empty())
    {
        "allocatable"
    } else {
        "capacity"
    };
    let allocatable = |resource: &str| {
        opt_text(node, &["status", allocatable_section, resource])
            .and_then(|q| Quantity::parse(q).ok())
    };
    let pods: Vec<&Value> = context.pods.iter().collect();
    w.write(
        0,
        &format!("Non-terminated Pods:\t({} in total)\n", pods.len()),
    );
    w.write(
        1,
        "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n",
    );
    w.write(
        1,
        "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n",
    );
    let cpu = allocatable("cpu");
    let memory = allocatable("memory");
    let storage = allocatable("ephemeral-storage");
    for pod in &pods {
        let one = [*pod];
        let cpu_request = quantity_sum(&one, "requests", "cpu");
        let cpu_limit = quantity_sum(&one, "limits", "cpu");
        let memory_request = quantity_sum(&one, "requests", "memory");
        let memory_limit = quantity_sum(&one, "limits", "memory");
        w.write(
            1,
            &format!(
                "{}\t{}\t\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{}\n",
                text(pod, &["metadata", "namespace"]),
                text(pod, &["metadata", "name"]),
                cpu_request.canonical(),
                percent(&cpu_request, cpu.as_ref(), true),
                cpu_limit.canonical(),
                percent(&cpu_limit, cpu.as_ref(), true),
                memory_request.canonical(),
                percent(&memory_request, memory.as_ref(), false),
                memory_limit.canonical(),
                percent(&memory_limit, memory.as_ref(), false),
                since_text(
                    opt_text(pod, &["metadata", "creationTimestamp"]),
                    context.now
                )
            ),
        );
    }
    w.write(
        0,
        "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n",
    );
    w.write(1, "Resource\tRequests\tLimits\n");
    w.write(1, "--------\t--------\t------\n");
    for (resource, capacity, milli) in [
        ("cpu", cpu.as_ref(), true),
        ("memory", memory.as_ref(), false),
        ("ephemeral-storage", storage.as_ref(), false),
    ] {
        let requests = quantity_sum(&pods, "requests", resource);
        let limits = quantity_sum(&pods, "limits", resource);
        w.write(
            1,
            &format!(
                "{resource}\t{} ({}%)\t{} ({}%)\n",
                requests.canonical(),
                percent(&requests, capacity, milli),
                limits.canonical(),
                percent(&limits, capacity, milli)
            ),
        );
    }
    let mut huge_pages: Vec<String> = at(node, &["status", allocatable_section])
        .and_then(Value::as_object)
        .map(|map| {
            map.keys()
                .filter(|key| key.starts_with("hugepages-"))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    huge_pages.sort();
    for resource in huge_pages {
        let capacity = allocatable(&resource);
        let requests = quantity_sum(&pods, "requests", &resource);
        let limits = quantity_sum(&pods, "limits", &resource);
        w.write(
            1,
            &format!(
                "{resource}\t{} ({}%)\t{} ({}%)\n",
                requests.canonical(),
                percent(&requests, capacity.as_ref(), false),
                limits.canonical(),
                percent(&limits, capacity.as_ref(), false)
            ),
        );
    }
    events_section(&mut w, context);
    w.finish()
}

pub fn describe_config_map(config_map: &Value, context: &DescribeContext) -> String {
    let mut w = PrefixWriter::default();
    name_and_namespace(&mut w, config_map);
    labels_and_annotations(&mut w, config_map);
    w.write(0, "\nData\n====\n");
    // Upstream ranges over a Go map (random order); kubesim prints keys sorted.
    for (key, value) in string_map(config_map, &["data"]) {
        w.write(0, &format!("{key}:\n----\n"));
        w.write(0, &format!("{value}\n"));
        w.write(0, "\n");
    }
    w.write(0, "\nBinaryData\n====\n");
    for (key, value) in string_map(config_map, &["binaryData"]) {
        // binaryData is base64 on the wire; its decoded length is what upstream counts.
        let decoded = value.trim_end_matches('=').len() * 3 / 4;
        w.write(0, &format!("{key}: {decoded} bytes\n"));
    }
    w.write(0, "\n");
    events_section(&mut w, context);
    w.finish()
}

pub fn describe_secret(secret: &Value, _context: &DescribeContext) -> String {
    let mut w = PrefixWriter::default();
    name_and_namespace(&mut w, secret);
    labels_and_annotations(&mut w, secret);
    let type_ = opt_text(secret, &["type"]).unwrap_or("Opaque");
    w.write(0, &format!("\nType:\t{type_}\n"));
    w.write(0, "\nData\n====\n");
    let mut keys: Vec<(String, usize)> = Vec::new();
    for (key, value) in string_map(secret, &["data"]) {
        keys.push((key.to_string(), value.trim_end_matches('=').len() * 3 / 4));
    }
    for (key, value) in string_map(secret, &["stringData"]) {
        keys.retain(|(existing, _)| existing != key);
        keys.push((key.to_string(), value.len()));
    }
    keys.sort();
    for (key, length) in keys {
        w.write(0, &format!("{key}:\t{length} bytes\n"));
    }
    w.finish()
}

/// smartLabelFor: `apiVersion` → `API Version`, `creationTimestamp` → `Creation Timestamp`.
fn smart_label(field: &str) -> String {
    if field.chars().any(|c| !c.is_alphabetic() && c != '-') {
        return field.to_string();
    }
    let mut parts: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for character in field.chars() {
        if character.is_uppercase() && previous_lower && !current.is_empty() {
            parts.push(std::mem::take(&mut current));
        }
        previous_lower = character.is_lowercase();
        current.push(character);
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
        .iter()
        .map(|part| {
            let upper = part.to_ascii_uppercase();
            if ["API", "URL", "UID", "OSB", "GUID"].contains(&upper.as_str()) {
                upper
            } else {
                let mut characters = part.chars();
                match characters.next() {
                    Some(first) => first.to_uppercase().collect::<String>() + characters.as_str(),
                    None => String::new(),
                }
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn unstructured(
    w: &mut PrefixWriter,
    level: usize,
    content: &serde_json::Map<String, Value>,
    skip_prefix: &str,
    skip: &[&str],
) {
    for (field, value) in content {
        let skip_expression = format!("{skip_prefix}.{field}");
        if skip.contains(&skip_expression.as_str()) {
            continue;
        }
        match value {
            Value::Object(map) => {
                w.write(level, &format!("{}:\n", smart_label(field)));
                unstructured(w, level + 1, map, &skip_expression, skip);
            }
            Value::Array(items) => {
                w.write(level, &format!("{}:\n", smart_label(field)));
                for item in items {
                    match item {
                        Value::Object(map) => {
                            unstructured(w, level + 1, map, &skip_expression, skip)
                        }
                        other => w.write(
                            level + 1,
                            &format!("{}\n", super::custom_columns::go_sprint(other)),
                        ),
                    }
                }
            }
            other => w.write(
                level,
                &format!(
                    "{}:\t{}\n",
                    smart_label(field),
                    super::custom_columns::go_sprint(other)
                ),
            ),
        }
    }
}

/// The generic describer: metadata lines, then every other field, smart-labelled.
pub fn describe_generic(object: &Value, context: &DescribeContext) -> String {
    let mut w = PrefixWriter::default();
    name_and_namespace(&mut w, object);
    labels_and_annotations(&mut w, object);
    if let Some(map) = object.as_object() {
        unstructured(
            &mut w,
            0,
            map,
            "",
            &[
                ".metadata.managedFields",
                ".metadata.name",
                ".metadata.namespace",
                ".metadata.labels",
                ".metadata.annotations",
            ],
        );
    }
    events_section(&mut w, context);
    w.finish()
}

/// The describer for a kind.
pub fn describe(kind: &str, object: &Value, context: &DescribeContext) -> String {
    match kind {
        "Pod" => describe_pod(object, context),
        "Deployment" => describe_deployment(object, context),
        "ReplicaSet" => describe_replica_set(object, context),
        "DaemonSet" => describe_daemon_set(object, context),
        "StatefulSet" => describe_stateful_set(object, context),
        "Job" => describe_job(object, context),
        "CronJob" => describe_cron_job(object, context),
        "Service" => describe_service(object, context),
        "Endpoints" => describe_endpoints(object, context),
        "Node" => describe_node(object, context),
        "Namespace" => describe_namespace(object, context),
        "ConfigMap" => describe_config_map(object, context),
        "Secret" => describe_secret(object, context),
        _ => describe_generic(object, context),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn events_section_reads_as_describe_prints_it() {
        let now = SimTime::DEFAULT_EPOCH;
        let mut w = PrefixWriter::default();
        w.write(0, "Name:\tweb\n");
        describe_events(&mut w, &[], now);
        assert_eq!(w.finish(), "Name:    web\nEvents:  <none>\n");
        let events = [
            json!({"type": "Normal", "reason": "Scheduled", "message": "Successfully assigned default/web to worker-1",
                   "source": {"component": "default-scheduler"}, "count": 1,
                   "firstTimestamp": "2024-12-31T23:55:00Z", "lastTimestamp": "2024-12-31T23:55:00Z"}),
            json!({"type": "Warning", "reason": "BackOff", "message": "Back-off restarting failed container ",
                   "source": {"component": "kubelet"}, "count": 3,
                   "firstTimestamp": "2024-12-31T23:50:00Z", "lastTimestamp": "2024-12-31T23:58:00Z"}),
        ];
        let mut w = PrefixWriter::default();
        describe_events(&mut w, &events, now);
        assert_eq!(
            w.finish(),
            "Events:\n  Type     Reason     Age               From               Message\n  \
             ----     ------     ----              ----               -------\n  \
             Normal   Scheduled  5m                default-scheduler  Successfully assigned default/web to worker-1\n  \
             Warning  BackOff    2m (x3 over 10m)  kubelet            Back-off restarting failed container\n"
        );
    }

    #[test]
    fn labels_tolerations_and_qos() {
        let pod = json!({
            "metadata": {"labels": {"b": "2", "a": "1"}, "annotations": {"note": "x"}},
            "spec": {"containers": [{"name": "c", "resources": {"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": "1000m", "memory": "1Gi"}}}],
                     "tolerations": [{"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
                                     {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}]}
        });
        let mut w = PrefixWriter::default();
        labels_multiline(&mut w, "Labels", &pod, &["metadata", "labels"]);
        annotations_multiline(&mut w, "Annotations", &pod, &["metadata", "annotations"]);
        tolerations_multiline(
            &mut w,
            "",
            "Tolerations",
            list(&pod, &["spec", "tolerations"]),
        );
        assert_eq!(
            w.finish(),
            "Labels:       a=1\n              b=2\nAnnotations:  note: x\n\
             Tolerations:  node.kubernetes.io/not-ready:NoExecute op=Exists for 300s\n              \
             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s\n"
        );
        assert_eq!(pod_qos(&pod), "Guaranteed");
        assert_eq!(
            pod_qos(&json!({"spec": {"containers": [{"name": "c"}]}})),
            "BestEffort"
        );
        assert_eq!(
            pod_qos(
                &json!({"spec": {"containers": [{"name": "c", "resources": {"requests": {"cpu": "100m"}}}]}})
            ),
            "Burstable"
        );
        assert_eq!(smart_label("apiVersion"), "API Version");
        assert_eq!(smart_label("creationTimestamp"), "Creation Timestamp");
        assert_eq!(smart_label("uid"), "UID");
        assert_eq!(smart_label("x509"), "x509");
    }
}
