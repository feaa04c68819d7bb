//! `sim`: the commands that drive the simulation itself rather than the API —
//! moving virtual time and injecting faults. kubectl has no such verbs; they stand
//! in for waiting (`sleep`) and for what happens to machines in a real cluster.
//!
//! ```text
//! sim time
//! sim advance 1h30m
//! sim settle [--timeout 10m]
//! sim node add NAME [--cpu Q] [--memory Q] [--pods N] [--label k=v]… [--taint k[=v]:Effect]… [--zone Z]
//! sim node fail NAME | sim node recover NAME
//! sim pod crash POD [-c CONTAINER] [-n NAMESPACE]
//! ```

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::cluster::{NodeConfig, TaintConfig};
use crate::cluster_config::taint::parse_taint;
use crate::kubectl::{CommandOutput, Flags};
use crate::model::node::Node;
use crate::model::quantity::Quantity;
use crate::model::validation::{is_dns1123_subdomain, is_qualified_name, is_valid_label_value};
use crate::model::{Object, Resource};
use crate::simulation::Simulation;
use crate::time::{SimDuration, SimTime};

/// How long `sim settle` waits at most when no `--timeout` is given.
pub const DEFAULT_SETTLE_TIMEOUT: SimDuration = SimDuration::from_mins(10);

/// `sim settle` calls the cluster at rest once this long has passed since the last
/// change with only bookkeeping writes (leases, heartbeats, events) in between.
/// One minute covers image pulls, probe delays and the default 30 s grace period;
/// a longer wait (the 300 s NoExecute toleration, a 5 m crash-loop back-off) is a
/// timer the user moves to with `sim advance`.
pub const SETTLE_QUIET_PERIOD: SimDuration = SimDuration::from_mins(1);

/// The most timer instants one `sim settle` fires before it gives up.
const SETTLE_MAX_WAKEUPS: u64 = 1_000_000;

const USAGE: &str = "Drive the simulated cluster: move virtual time and inject faults.

Commands:
  sim time                          Print the virtual time
  sim advance DURATION              Move virtual time forward (30s, 5m, 1h30m)
  sim settle [--timeout DURATION]   Advance until the cluster is at rest (default timeout 10m)
  sim node add NAME [--cpu Q] [--memory Q] [--pods N] [--label k=v]... [--taint k[=v]:Effect]... [--zone Z]
  sim node fail NAME                Stop a node's kubelet: it stops posting status
  sim node recover NAME             Start a failed node's kubelet again
  sim pod crash POD [-c CONTAINER] [-n NAMESPACE]
                                    Make a running container exit with an error
";

/// Runs a `sim ...` command line (the words after `sim`).
pub fn run(simulation: &mut Simulation, arguments: &[String]) -> CommandOutput {
    let Some((command, rest)) = arguments.split_first() else {
        return CommandOutput::ok(USAGE);
    };
    let path = match command.as_str() {
        "node" | "pod" => match rest.first() {
            Some(sub) if !sub.starts_with('-') => format!("{command} {sub}"),
            _ => command.clone(),
        },
        _ => command.clone(),
    };
    let words = match path.split_once(' ') {
        Some(_) => &rest[1..],
        None => rest,
    };
    let flags = Flags::parse(words);
    if flags.has("help") || flags.has("h") || command == "help" || command == "--help" {
        return CommandOutput::ok(USAGE);
    }
    match path.as_str() {
        "time" => time(simulation, &flags),
        "advance" => advance(simulation, &flags),
        "settle" => settle(simulation, &flags),
        "node add" => node_add(simulation, &flags),
        "node fail" => node_fail(simulation, &flags),
        "node recover" => node_recover(simulation, &flags),
        "pod crash" => pod_crash(simulation, &flags),
        "node" | "pod" => CommandOutput::error(format!(
            "error: \"sim {path}\" needs a subcommand: {}\nRun 'sim --help' for usage.",
            if path == "node" {
                "add, fail or recover"
            } else {
                "crash"
            }
        )),
        _ => CommandOutput::error(format!(
            "error: unknown command \"{path}\" for \"sim\"\nRun 'sim --help' for usage."
        )),
    }
}

/// `sleep N` as a shell script would write it: seconds, or a number with a
/// `s`/`m`/`h`/`d` suffix (GNU sleep), run as `sim advance`.
pub fn sleep(simulation: &mut Simulation, arguments: &[String]) -> CommandOutput {
    let [argument] = arguments else {
        return CommandOutput::error("sleep: expected one duration, e.g. sleep 10");
    };
    let (number, unit_seconds) = match argument.char_indices().last() {
        Some((index, 's')) => (&argument[..index], 1.0),
        Some((index, 'm')) => (&argument[..index], 60.0),
        Some((index, 'h')) => (&argument[..index], 3600.0),
        Some((index, 'd')) => (&argument[..index], 86_400.0),
        _ => (argument.as_str(), 1.0),
    };
    let seconds: f64 = match number.parse::<f64>() {
        Ok(value) if value.is_finite() && value >= 0.0 && !number.starts_with('+') => value,
        _ => {
            return CommandOutput::error(format!("sleep: invalid time interval '{argument}'"));
        }
    };
    let millis = (seconds * unit_seconds * 1000.0).round();
    if millis > 1e15 {
        return CommandOutput::error(format!("sleep: invalid time interval '{argument}'"));
    }
    match simulation.advance_by(SimDuration::from_millis(millis as i64)) {
        Ok(()) => CommandOutput::default(),
        Err(error) => CommandOutput::error(format!("error: {error}")),
    }
}

/// Rejects flags a command does not take, as cobra does.
fn check_flags(
    flags: &Flags,
    command: &str,
    allowed: &[&str],
    max_positional: usize,
) -> Result<(), CommandOutput> {
    for name in flags.names() {
        if !allowed.contains(&name) {
            let message = if name.chars().count() == 1 {
                format!(
                    "unknown shorthand flag: '{name}' in {}",
                    flags.shorthand_word(name)
                )
            } else {
                format!("unknown flag: --{name}")
            };
            return Err(flag_error(command, &message));
        }
    }
    if flags.positional.len() > max_positional {
        return Err(CommandOutput::error(format!(
            "error: unexpected argument \"{}\" for \"sim {command}\"\nSee 'sim {command} --help' for usage.",
            flags.positional[max_positional]
        )));
    }
    Ok(())
}

/// A flag error as cobra prints it for kubectl (`cmdutil` FlagErrorFunc).
fn flag_error(command: &str, message: &str) -> CommandOutput {
    CommandOutput::error(format!(
        "Error: {message}\nSee 'sim {command} --help' for usage."
    ))
}

/// pflag's `invalid argument "X" for "--name" flag: why`.
fn invalid_flag(command: &str, name: &str, text: &str, why: &str) -> CommandOutput {
    flag_error(
        command,
        &format!("invalid argument \"{text}\" for \"--{name}\" flag: {why}"),
    )
}

fn parse_duration_flag(
    flags: &Flags,
    command: &str,
    name: &str,
) -> Result<Option<SimDuration>, CommandOutput> {
    let Some(text) = flags.value(name) else {
        return Ok(None);
    };
    match SimDuration::parse_go(text) {
        Ok(duration) if duration.is_negative() => {
            Err(invalid_flag(command, name, text, "must not be negative"))
        }
        Ok(duration) => Ok(Some(duration)),
        Err(error) => Err(invalid_flag(command, name, text, &error.to_string())),
    }
}

fn time(simulation: &mut Simulation, flags: &Flags) -> CommandOutput {
    if let Err(error) = check_flags(flags, "time", &[], 0) {
        return error;
    }
    CommandOutput::ok(format!("{}\n", simulation.now()))
}

fn advance(simulation: &mut Simulation, flags: &Flags) -> CommandOutput {
    if let Err(error) = check_flags(flags, "advance", &[], 1) {
        return error;
    }
    let Some(text) = flags.positional.first() else {
        return CommandOutput::error(
            "error: sim advance needs a duration, e.g. sim advance 30s\nSee 'sim advance --help' for usage.",
        );
    };
    let duration = match SimDuration::parse_go(text) {
        Ok(duration) if duration.is_negative() => {
            return CommandOutput::error(format!(
                "error: invalid duration \"{text}\": virtual time never goes backwards"
            ));
        }
        Ok(duration) => duration,
        Err(error) => return CommandOutput::error(format!("error: {error}")),
    };
    match simulation.advance_by(duration) {
        Ok(()) => CommandOutput::ok(format!(
            "advanced {} to {}\n",
            duration.to_go_string(),
            simulation.now()
        )),
        Err(error) => CommandOutput::error(format!("error: {error}")),
    }
}

/// How `sim settle` ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SettleOutcome {
    /// Nothing is queued and no timer is due, or none changed anything for the quiet period.
    AtRest { last_change: SimTime },
    /// The timeout came while the cluster was still changing.
    StillChanging { last_change: SimTime },
}

/// Advances until the cluster is at rest, or `timeout` has passed.
///
/// "At rest" means: no controller has queued work, and either no timer is due at
/// all, or every timer that fired during [`SETTLE_QUIET_PERIOD`] since the last
/// change wrote only bookkeeping (Leases, Events, node heartbeat times). The clock
/// stops at the last timer fired, never past `now + timeout`.
pub fn settle_until_rest(
    simulation: &mut Simulation,
    timeout: SimDuration,
) -> Result<SettleOutcome, crate::simulation::SimError> {
    let start = simulation.now();
    let deadline = start + timeout;
    let mut last_change = start;
    let revision_before = simulation.api().resource_version();
    simulation.run_until_idle(u64::MAX)?;
    let mut nodes = NodeMemory::of(simulation);
    if nodes.changed_since(simulation, revision_before) {
        last_change = simulation.now();
    }
    for _ in 0..SETTLE_MAX_WAKEUPS {
        let Some(due) = simulation.next_significant_wakeup() else {
            return Ok(SettleOutcome::AtRest { last_change });
        };
        if due > deadline {
            return Ok(if due > last_change + SETTLE_QUIET_PERIOD {
                SettleOutcome::AtRest { last_change }
            } else {
                SettleOutcome::StillChanging { last_change }
            });
        }
        if due > last_change + SETTLE_QUIET_PERIOD {
            return Ok(SettleOutcome::AtRest { last_change });
        }
        let revision = simulation.api().resource_version();
        simulation.advance_to(due)?;
        if nodes.changed_since(simulation, revision) {
            last_change = simulation.now();
        }
    }
    Ok(SettleOutcome::StillChanging { last_change })
}

/// The nodes as last seen, so that a node write that only moves heartbeat times
/// is told apart from a real change.
struct NodeMemory {
    nodes: BTreeMap<String, Arc<Object>>,
}

impl NodeMemory {
    fn of(simulation: &Simulation) -> Self {
        let nodes = simulation
            .api()
            .list(Node::resource_type(), None)
            .map(|node| (node.name().to_string(), Arc::clone(node)))
            .collect();
        NodeMemory { nodes }
    }

    /// True when a write after `revision` changed something other than bookkeeping.
    fn changed_since(&mut self, simulation: &Simulation, revision: u64) -> bool {
        let Some(events) = simulation.api().store().events_after(revision) else {
            // The watch log was compacted past `revision`: assume something changed.
            *self = NodeMemory::of(simulation);
            return true;
        };
        let mut changed = false;
        for event in events {
            let object = &event.object;
            match object.kind() {
                "Lease" | "Event" => {}
                "Node" => {
                    let before = self
                        .nodes
                        .insert(object.name().to_string(), Arc::clone(object));
                    let same = before.is_some_and(|before| {
                        without_bookkeeping(&before) == without_bookkeeping(object)
                    }) && event.event_type.as_str() == "MODIFIED";
                    changed |= !same;
                }
                _ => changed = true,
            }
        }
        changed
    }
}

/// A node without what changes on every heartbeat.
fn without_bookkeeping(node: &Object) -> serde_json::Value {
    let mut value = node.to_value();
    if let Some(metadata) = value
        .get_mut("metadata")
        .and_then(serde_json::Value::as_object_mut)
    {
        metadata.remove("resourceVersion");
        metadata.remove("managedFields");
    }
    if let Some(conditions) = value
        .pointer_mut("/status/conditions")
        .and_then(serde_json::Value::as_array_mut)
    {
        for condition in conditions {
            if let Some(condition) = condition.as_object_mut() {
                condition.remove("lastHeartbeatTime");
            }
        }
    }
    value
}

fn settle(simulation: &mut Simulation, flags: &Flags) -> CommandOutput {
    if let Err(error) = check_flags(flags, "settle", &["timeout"], 0) {
        return error;
    }
    let timeout = match parse_duration_flag(flags, "settle", "timeout") {
        Ok(timeout) => timeout.unwrap_or(DEFAULT_SETTLE_TIMEOUT),
        Err(error) => return error,
    };
    let start = simulation.now();
    match settle_until_rest(simulation, timeout) {
        Ok(SettleOutcome::AtRest { .. }) => CommandOutput::ok(format!(
            "settled at {} (+{})\n",
            simulation.now(),
            (simulation.now() - start).to_go_string()
        )),
        Ok(SettleOutcome::StillChanging { last_change }) => CommandOutput::ok(format!(
            "still changing at {} after the {} timeout (last change at {})\n",
            simulation.now(),
            timeout.to_go_string(),
            last_change
        )),
        Err(error) => CommandOutput::error(format!("error: {error}")),
    }
}

/// Parses `--cpu`, `--memory` style quantities, as a flag error when malformed.
fn quantity_flag(flags: &Flags, name: &str) -> Result<Option<Quantity>, CommandOutput> {
    let Some(text) = flags.value(name) else {
        return Ok(None);
    };
    match Quantity::parse(text) {
        Ok(quantity) if quantity.milli_value() <= 0 => Err(invalid_flag(
            "node add",
            name,
            text,
            "must be greater than zero",
        )),
        Ok(quantity) => Ok(Some(quantity)),
        Err(error) => Err(invalid_flag("node add", name, text, &error.to_string())),
    }
}

/// Parses `sim node add`'s flags into the node's configuration.
pub fn node_config_from_flags(name: &str, flags: &Flags) -> Result<NodeConfig, CommandOutput> {
    let name_errors = is_dns1123_subdomain(name);
    if !name_errors.is_empty() {
        return Err(CommandOutput::error(format!(
            "error: invalid node name \"{name}\": {}",
            name_errors.join("; ")
        )));
    }
    let mut node = NodeConfig::worker(name);
    if let Some(cpu) = quantity_flag(flags, "cpu")? {
        node.cpu_millis = cpu.milli_value();
    }
    if let Some(memory) = quantity_flag(flags, "memory")? {
        node.memory_bytes = memory.value();
    }
    if let Some(text) = flags.value("pods") {
        match text.parse::<i64>() {
            Ok(pods) if pods > 0 => node.max_pods = pods,
            _ => {
                return Err(invalid_flag(
                    "node add",
                    "pods",
                    text,
                    "must be a positive whole number",
                ));
            }
        }
    }
    for label in flags.values("label") {
        let Some((key, value)) = label.split_once('=') else {
            return Err(CommandOutput::error(format!(
                "error: invalid label \"{label}\": expected key=value"
            )));
        };
        let mut errors = is_qualified_name(key);
        errors.extend(is_valid_label_value(value));
        if !errors.is_empty() {
            return Err(CommandOutput::error(format!(
                "error: invalid label \"{label}\": {}",
                errors.join("; ")
            )));
        }
        node.labels.insert(key.to_string(), value.to_string());
    }
    for spec in flags.values("taint") {
        let taint =
            parse_taint(spec).map_err(|error| CommandOutput::error(format!("error: {error}")))?;
        if node
            .taints
            .iter()
            .any(|existing| existing.key == taint.key && existing.effect == taint.effect)
        {
            return Err(CommandOutput::error(format!(
                "error: duplicated taints with the same key and effect: {}",
                taint_text(&taint)
            )));
        }
        node.taints.push(taint);
    }
    if let Some(zone) = flags.value("zone") {
        let errors = is_valid_label_value(zone);
        if zone.is_empty() || !errors.is_empty() {
            let why = if errors.is_empty() {
                "must not be empty".to_string()
            } else {
                errors.join("; ")
            };
            return Err(invalid_flag("node add", "zone", zone, &why));
        }
        node.zone = Some(zone.to_string());
    }
    Ok(node)
}

fn taint_text(taint: &TaintConfig) -> String {
    match &taint.value {
        Some(value) => format!("{}={}:{}", taint.key, value, taint.effect),
        None => format!("{}:{}", taint.key, taint.effect),
    }
}

fn one_name<'a>(flags: &'a Flags, command: &str, what: &str) -> Result<&'a str, CommandOutput> {
    match flags.positional.first() {
        Some(name) => Ok(name),
        None => Err(CommandOutput::error(format!(
            "error: sim {command} needs a {what} name\nSee 'sim {command} --help' for usage."
        ))),
    }
}

fn node_add(simulation: &mut Simulation, flags: &Flags) -> CommandOutput {
    if let Err(error) = check_flags(
        flags,
        "node add",
        &["cpu", "memory", "pods", "label", "taint", "zone"],
        1,
    ) {
        return error;
    }
    let name = match one_name(flags, "node add", "node") {
        Ok(name) => name.to_string(),
        Err(error) => return error,
    };
    let config = match node_config_from_flags(&name, flags) {
        Ok(config) => config,
        Err(error) => return error,
    };
    if simulation
        .api()
        .get_ref(Node::resource_type(), "", &name)
        .is_some()
    {
        return CommandOutput::error(format!(
            "Error from server (AlreadyExists): nodes \"{name}\" already exists"
        ));
    }
    let ordinal = simulation.api().list(Node::resource_type(), None).count() as u32;
    let now = simulation.now();
    match simulation.api_mut().create(config.to_object(ordinal, now)) {
        Ok(_) => CommandOutput::ok(format!("node/{name} added\n")),
        Err(error) => CommandOutput::error(error.kubectl_message()),
    }
}

fn existing_node<'a>(
    simulation: &Simulation,
    flags: &'a Flags,
    command: &str,
) -> Result<&'a str, CommandOutput> {
    let name = one_name(flags, command, "node")?;
    if simulation
        .api()
        .get_ref(Node::resource_type(), "", name)
        .is_none()
    {
        return Err(CommandOutput::error(format!(
            "Error from server (NotFound): nodes \"{name}\" not found"
        )));
    }
    Ok(name)
}

fn node_fail(simulation: &mut Simulation, flags: &Flags) -> CommandOutput {
    if let Err(error) = check_flags(flags, "node fail", &[], 1) {
        return error;
    }
    let name = match existing_node(simulation, flags, "node fail") {
        Ok(name) => name.to_string(),
        Err(error) => return error,
    };
    if simulation.node_failed(&name) {
        return CommandOutput::error(format!("error: node \"{name}\" has already failed"));
    }
    match simulation.fail_node(&name) {
        Ok(()) => CommandOutput::ok(format!("node/{name} failed\n")),
        Err(error) => node_error(error),
    }
}

fn node_recover(simulation: &mut Simulation, flags: &Flags) -> CommandOutput {
    if let Err(error) = check_flags(flags, "node recover", &[], 1) {
        return error;
    }
    let name = match existing_node(simulation, flags, "node recover") {
        Ok(name) => name.to_string(),
        Err(error) => return error,
    };
    if !simulation.node_failed(&name) {
        return CommandOutput::error(format!("error: node \"{name}\" has not failed"));
    }
    match simulation.recover_node(&name) {
        Ok(()) => CommandOutput::ok(format!("node/{name} recovered\n")),
        Err(error) => node_error(error),
    }
}

/// A data-plane error as kubectl would print it.
fn node_error(error: crate::node::faults::NodeError) -> CommandOutput {
    match error {
        crate::node::faults::NodeError::Api(error) => CommandOutput::error(error.kubectl_message()),
        other => CommandOutput::error(other.to_string()),
    }
}

fn pod_crash(simulation: &mut Simulation, flags: &Flags) -> CommandOutput {
    if let Err(error) = check_flags(flags, "pod crash", &["c", "container", "n", "namespace"], 1) {
        return error;
    }
    let name = match one_name(flags, "pod crash", "pod") {
        Ok(name) => name.to_string(),
        Err(error) => return error,
    };
    let namespace = flags
        .value("n")
        .or_else(|| flags.value("namespace"))
        .unwrap_or("default")
        .to_string();
    let container = flags.value("c").or_else(|| flags.value("container"));
    match simulation.crash_container(&namespace, &name, container) {
        Ok(()) => CommandOutput::ok(format!("pod/{name} crashed\n")),
        Err(error) => node_error(error),
    }
}

#[cfg(test)]
mod tests {
    use crate::kubectl::run;
    use crate::{Simulation, SimulationConfig};

    fn simulation() -> Simulation {
        Simulation::new(SimulationConfig::default())
    }

    #[test]
    fn advance_moves_virtual_time_and_says_where_to() {
        let mut simulation = simulation();
        let output = run(&mut simulation, "sim advance 1h30m", "");
        assert_eq!(output.stdout, "advanced 1h30m0s to 2025-01-01T01:30:00Z\n");
        assert_eq!(
            run(&mut simulation, "sim time", "").stdout,
            "2025-01-01T01:30:00Z\n"
        );
        assert_eq!(run(&mut simulation, "sleep 30", "").exit_code, 0);
        assert_eq!(
            run(&mut simulation, "sim time", "").stdout,
            "2025-01-01T01:30:30Z\n"
        );
    }

    #[test]
    fn settle_on_an_idle_cluster_stays_put() {
        let mut simulation = simulation();
        let output = run(&mut simulation, "sim settle --timeout 5m", "");
        assert_eq!(output.stdout, "settled at 2025-01-01T00:00:00Z (+0s)\n");
    }

    #[test]
    fn node_add_registers_a_node_with_its_flags() {
        let mut simulation = simulation();
        let output = run(
            &mut simulation,
            "sim node add big --cpu 16 --memory 64Gi --pods 250 --label disk=ssd --taint gpu=true:NoSchedule --zone zone-b",
            "",
        );
        assert_eq!(output.stdout, "node/big added\n");
        let node = simulation
            .api()
            .get_ref(crate::model::node::Node::resource_type(), "", "big")
            .expect("the node is registered")
            .to_value();
        assert_eq!(node["status"]["capacity"]["cpu"], "16");
        assert_eq!(node["status"]["capacity"]["pods"], "250");
        assert_eq!(node["metadata"]["labels"]["disk"], "ssd");
        assert_eq!(
            node["metadata"]["labels"]["topology.kubernetes.io/zone"],
            "zone-b"
        );
        assert_eq!(node["spec"]["taints"][0]["effect"], "NoSchedule");
    }

    use crate::model::Resource;

    #[test]
    fn bad_input_is_an_error_and_changes_nothing() {
        let mut simulation = simulation();
        let before = simulation.fingerprint();
        let cases = [
            (
                "sim advance",
                "error: sim advance needs a duration, e.g. sim advance 30s\nSee 'sim advance --help' for usage.\n",
            ),
            (
                "sim advance 5x",
                "error: time: unknown unit \"x\" in duration \"5x\"\n",
            ),
            (
                "sim advance 1m 2m",
                "error: unexpected argument \"2m\" for \"sim advance\"\nSee 'sim advance --help' for usage.\n",
            ),
            (
                "sim settle --timeout soon",
                "Error: invalid argument \"soon\" for \"--timeout\" flag: time: invalid duration \"soon\"\nSee 'sim settle --help' for usage.\n",
            ),
            (
                "sim settle --wait 5m",
                "Error: unknown flag: --wait\nSee 'sim settle --help' for usage.\n",
            ),
            (
                "sim node add x --cpu lots",
                "Error: invalid argument \"lots\" for \"--cpu\" flag: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'\nSee 'sim node add --help' for usage.\n",
            ),
            (
                "sim node add x --pods -3",
                "Error: unknown shorthand flag: '3' in -3\nSee 'sim node add --help' for usage.\n",
            ),
            (
                "sim node add x --pods many",
                "Error: invalid argument \"many\" for \"--pods\" flag: must be a positive whole number\nSee 'sim node add --help' for usage.\n",
            ),
            (
                "sim node add x --taint gpu",
                "error: invalid taint spec: gpu\n",
            ),
            (
                "sim node add x --label disk",
                "error: invalid label \"disk\": expected key=value\n",
            ),
            (
                "sim node add Big_Node",
                "error: invalid node name \"Big_Node\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')\n",
            ),
            (
                "sim node add worker-1",
                "Error from server (AlreadyExists): nodes \"worker-1\" already exists\n",
            ),
            (
                "sim node fail nope",
                "Error from server (NotFound): nodes \"nope\" not found\n",
            ),
            (
                "sim pod crash nope",
                "Error from server (NotFound): pods \"nope\" not found\n",
            ),
            (
                "sim node",
                "error: \"sim node\" needs a subcommand: add, fail or recover\nRun 'sim --help' for usage.\n",
            ),
            (
                "sim warp 5m",
                "error: unknown command \"warp\" for \"sim\"\nRun 'sim --help' for usage.\n",
            ),
            ("sleep soon", "sleep: invalid time interval 'soon'\n"),
        ];
        for (line, expected) in cases {
            let output = run(&mut simulation, line, "");
            assert_eq!(output.stderr, expected, "{line}");
            assert_eq!(output.exit_code, 1, "{line}");
            assert_eq!(
                simulation.fingerprint(),
                before,
                "{line} changed the cluster"
            );
        }
    }
}
