//! `kubectl api-resources`: the kinds this API server serves.
//! Upstream: `staging/src/k8s.io/kubectl/pkg/cmd/apiresources/apiresources.go`.
//!
//! The table is kubectl's. kubesim adds one thing, on stderr so that stdout stays
//! what a real cluster prints: which of the kinds it simulates and which it only stores.

use crate::kubectl::printers::table;
use crate::kubectl::{CommandOutput, Flags};
use crate::model::registry::RESOURCE_TYPES;

/// The flags upstream's command defines (kubectl's global flags are always accepted).
const FLAGS: &[&str] = &[
    "no-headers",
    "o",
    "output",
    "api-group",
    "namespaced",
    "verbs",
    "sort-by",
    "cached",
    "categories",
];

pub fn run(flags: &Flags) -> CommandOutput {
    if let Err(output) = crate::kubectl::outcome::check_flags(flags, "api-resources", FLAGS) {
        return output;
    }
    let mut rows = Vec::new();
    let namespaced_filter = match flags.value("namespaced") {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(other) => {
            return CommandOutput::error(format!(
                "error: invalid argument \"{other}\" for \"--namespaced\" flag: strconv.ParseBool: parsing \"{other}\": invalid syntax"
            ));
        }
    };
    let output = flags
        .value("o")
        .or_else(|| flags.value("output"))
        .unwrap_or("");
    if !matches!(output, "" | "wide" | "name") {
        return CommandOutput::error(format!("error: --output {output} is not available"));
    }
    let group_filter = flags.value("api-group");
    let selected: Vec<_> = RESOURCE_TYPES
        .iter()
        .filter(|resource_type| {
            namespaced_filter.is_none_or(|namespaced| resource_type.namespaced == namespaced)
        })
        .filter(|resource_type| group_filter.is_none_or(|group| resource_type.group == group))
        .collect();
    if output == "name" {
        let stdout: String = selected
            .iter()
            .map(|resource_type| format!("{}\n", resource_type.group_resource()))
            .collect();
        return CommandOutput::ok(stdout);
    }
    if !flags.has("no-headers") {
        let mut header = vec!["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"];
        if output == "wide" {
            header.extend(["VERBS", "CATEGORIES"]);
        }
        rows.push(header.into_iter().map(str::to_string).collect());
    }
    for resource_type in &selected {
        let mut row = vec![
            resource_type.plural.to_string(),
            resource_type.short_names.join(","),
            resource_type.api_version(),
            resource_type.namespaced.to_string(),
            resource_type.kind.to_string(),
        ];
        if output == "wide" {
            let verbs = if resource_type.kind == "Binding" {
                "create"
            } else {
                "create delete deletecollection get list patch update watch"
            };
            row.push(format!("[{verbs}]"));
            let in_all = matches!(
                resource_type.kind,
                "Pod"
                    | "Service"
                    | "ReplicationController"
                    | "DaemonSet"
                    | "Deployment"
                    | "ReplicaSet"
                    | "StatefulSet"
                    | "HorizontalPodAutoscaler"
                    | "CronJob"
                    | "Job"
            );
            row.push(if in_all {
                "all".to_string()
            } else {
                String::new()
            });
        }
        rows.push(row);
    }
    let stored_only: Vec<&str> = selected
        .iter()
        .filter(|resource_type| !resource_type.simulated)
        .map(|resource_type| resource_type.plural)
        .collect();
    let simulated: Vec<&str> = selected
        .iter()
        .filter(|resource_type| resource_type.simulated)
        .map(|resource_type| resource_type.plural)
        .collect();
    let mut output = CommandOutput::ok(table::render(&rows));
    output.stderr = format!(
        "# kubesim simulates: {}\n# kubesim stores but does not act on: {}\n",
        if simulated.is_empty() {
            "-".to_string()
        } else {
            simulated.join(", ")
        },
        if stored_only.is_empty() {
            "-".to_string()
        } else {
            stored_only.join(", ")
        }
    );
    output
}
