//! `kubectl events [--for TYPE/NAME] [--types Normal,Warning] [-A] [--no-headers]`.
//!
//! Upstream: `staging/src/k8s.io/kubectl/pkg/cmd/events/{events.go,event_printer.go}`.
//! Events are sorted by when they were last seen (the series' last observation,
//! else lastTimestamp, else eventTime); OBJECT is `Kind/name` as the event names
//! it; the age reads `5m` or `2m (x3 over 10m)`. With nothing to show, stderr
//! says `No events found in default namespace.`

use serde_json::Value;

use crate::kubectl::output::CommandError;
use crate::kubectl::printers::duration::since_text;
use crate::kubectl::printers::fields::{at, int, opt_text, text};
use crate::kubectl::printers::table;
use crate::kubectl::resource_args::{Scope, resolve_type};
use crate::kubectl::{CommandOutput, Flags};
use crate::model::registry::lookup_kind_name;
use crate::simulation::Simulation;
use crate::time::SimTime;

/// The flags upstream's command defines (kubectl's global flags are always accepted).
const FLAGS: &[&str] = &[
    "A",
    "all-namespaces",
    "for",
    "types",
    "w",
    "watch",
    "o",
    "output",
    "no-headers",
    "chunk-size",
    "allow-missing-template-keys",
    "show-managed-fields",
    "template",
];

pub fn run(simulation: &Simulation, flags: &Flags) -> CommandOutput {
    if let Err(output) = crate::kubectl::outcome::check_flags(flags, "events", FLAGS) {
        return output;
    }
    match events(simulation, flags) {
        Ok(output) => output,
        Err(error) => error.into_output(),
    }
}

fn last_seen(event: &Value) -> SimTime {
    let parse = |text: Option<&str>| text.and_then(|time| SimTime::parse_rfc3339(time).ok());
    if let Some(series) = at(event, &["series"]) {
        return parse(opt_text(series, &["lastObservedTime"])).unwrap_or_default();
    }
    parse(opt_text(event, &["lastTimestamp"]))
        .or_else(|| parse(opt_text(event, &["eventTime"])))
        .unwrap_or_default()
}

/// getInterval.
fn interval(event: &Value, now: SimTime) -> String {
    let first = match opt_text(event, &["eventTime"]) {
        Some(time) => since_text(Some(time), now),
        None => since_text(opt_text(event, &["firstTimestamp"]), now),
    };
    if let Some(series) = at(event, &["series"]) {
        format!(
            "{} (x{} over {first})",
            since_text(opt_text(series, &["lastObservedTime"]), now),
            int(series, &["count"])
        )
    } else if int(event, &["count"]) > 1 {
        format!(
            "{} (x{} over {first})",
            since_text(opt_text(event, &["lastTimestamp"]), now),
            int(event, &["count"])
        )
    } else {
        first
    }
}

fn events(simulation: &Simulation, flags: &Flags) -> Result<CommandOutput, CommandError> {
    let scope = Scope::from_flags(flags);
    let api = simulation.api();
    let Some(event_type) = lookup_kind_name("Event") else {
        return Ok(CommandOutput::default());
    };
    let for_object = match flags.value("for") {
        None => None,
        Some(target) => {
            let Some((kind, name)) = target.split_once('/') else {
                return Err(CommandError::message(format!(
                    "--for must be in resource/name form, got {target:?}"
                )));
            };
            Some((resolve_type(kind)?.kind, name.to_string()))
        }
    };
    let types: Vec<String> = flags
        .value("types")
        .map(|types| types.split(',').map(|t| t.trim().to_string()).collect())
        .unwrap_or_default();
    for wanted in &types {
        if wanted != "Normal" && wanted != "Warning" {
            return Err(CommandError::message(format!(
                "valid --types are Normal or Warning, got {wanted}"
            )));
        }
    }
    let namespace = if scope.all_namespaces {
        None
    } else {
        Some(scope.namespace.as_str())
    };
    let mut found: Vec<Value> = api
        .list(event_type, namespace)
        .map(|event| event.to_value())
        .filter(|event| {
            for_object.as_ref().is_none_or(|(kind, name)| {
                text(event, &["involvedObject", "kind"]) == *kind
                    && text(event, &["involvedObject", "name"]) == name
            })
        })
        .filter(|event| types.is_empty() || types.iter().any(|t| t == text(event, &["type"])))
        .collect();
    if found.is_empty() {
        let stderr = if scope.all_namespaces {
            "No events found.\n".to_string()
        } else {
            format!("No events found in {} namespace.\n", scope.namespace)
        };
        return Ok(CommandOutput {
            stdout: String::new(),
            stderr,
            exit_code: 0,
        });
    }
    // kubesim sorts stably, so events seen at the same second keep listing order.
    found.sort_by_key(last_seen);
    let now = api.now();
    let mut rows = Vec::with_capacity(found.len() + 1);
    if !flags.has("no-headers") {
        let mut header = Vec::new();
        if scope.all_namespaces {
            header.push("NAMESPACE".to_string());
        }
        header.extend(["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"].map(str::to_string));
        rows.push(header);
    }
    for event in &found {
        let mut row = Vec::new();
        if scope.all_namespaces {
            row.push(text(event, &["metadata", "namespace"]).to_string());
        }
        row.extend([
            interval(event, now),
            text(event, &["type"]).to_string(),
            text(event, &["reason"]).to_string(),
            format!(
                "{}/{}",
                text(event, &["involvedObject", "kind"]),
                text(event, &["involvedObject", "name"])
            ),
            text(event, &["message"]).trim().to_string(),
        ]);
        rows.push(row);
    }
    Ok(CommandOutput::ok(table::render(&rows)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SimulationConfig;
    use crate::kubectl::shell_words;
    use crate::model::manifest::decode_object;

    fn command(simulation: &Simulation, line: &str) -> CommandOutput {
        run(
            simulation,
            &Flags::parse(&shell_words::split(line).unwrap()),
        )
    }

    #[test]
    fn events_sort_by_last_seen() {
        let mut simulation = Simulation::new(SimulationConfig::default());
        for (name, reason, kind, last, count) in [
            ("web.2", "BackOff", "Pod", "2024-12-31T23:59:00Z", 3),
            ("web.1", "Scheduled", "Pod", "2024-12-31T23:55:00Z", 1),
            (
                "db.1",
                "ScalingReplicaSet",
                "Deployment",
                "2024-12-31T23:58:00Z",
                1,
            ),
        ] {
            let event = decode_object(
                serde_json::json!({"apiVersion": "v1", "kind": "Event",
                    "metadata": {"name": name, "namespace": "default"},
                    "involvedObject": {"kind": kind, "name": name.split('.').next().unwrap(), "namespace": "default"},
                    "reason": reason, "message": format!("{reason} happened "), "type": if reason == "BackOff" { "Warning" } else { "Normal" },
                    "count": count, "firstTimestamp": "2024-12-31T23:50:00Z", "lastTimestamp": last}),
                "test",
            )
            .unwrap();
            simulation.api_mut().create(event).unwrap();
        }
        assert_eq!(
            command(&simulation, "").stdout,
            "LAST SEEN           TYPE      REASON              OBJECT          MESSAGE\n\
             10m                 Normal    Scheduled           Pod/web         Scheduled happened\n\
             10m                 Normal    ScalingReplicaSet   Deployment/db   ScalingReplicaSet happened\n\
             60s (x3 over 10m)   Warning   BackOff             Pod/web         BackOff happened\n"
        );
        assert_eq!(
            command(&simulation, "--for pod/web --types=Warning")
                .stdout
                .lines()
                .count(),
            2
        );
        assert_eq!(
            command(&simulation, "-n kube-system").stderr,
            "No events found in kube-system namespace.\n"
        );
    }
}
