//! The end-to-end benchmark workloads of BENCHMARKS.md, defined once for every runner.
//!
//! `kubesim bench` (native), the browser bench (wasm) and the criterion benches all
//! build a workload with [`Workload::prepare`] and time [`Prepared::run`] alone. The
//! module does no IO and reads no clock: a run reports the virtual time it reached,
//! the objects stored and the steps taken; the runner measures wall time around it.
//! Every run has a step budget and a virtual-time limit, so a regression that stops a
//! workload from finishing is a reported [`WorkloadError`], never a hang.

use std::sync::Arc;

use serde_json::json;

use crate::cluster::{ClusterConfig, NodeConfig};
use crate::model::Object;
use crate::model::manifest::decode_object;
use crate::simulation::{Simulation, SimulationConfig};
use crate::time::{SimDuration, SimTime};

/// The named workloads (`kubesim bench WORKLOAD`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Workload {
    /// `pods` pending pods (100m, 128Mi) scheduled onto `nodes` workers with the
    /// default profile; kubelets off, so only scheduling and binding are timed.
    Schedule,
    /// A `replicas`-replica Deployment on `nodes` workers with kubelets, from
    /// create to all replicas Available.
    Deployment,
    /// That Deployment, Available, then an image change rolled out to completion.
    RollingUpdate,
    /// `pods` pods (Deployments of at most 1,000 replicas) on `nodes` workers with
    /// kubelets: create and settle, all Available.
    Large,
    /// A settled cluster of `pods` pods on `nodes` workers advanced one virtual hour.
    Idle,
}

impl Workload {
    pub const ALL: [Workload; 5] = [
        Workload::Schedule,
        Workload::Deployment,
        Workload::RollingUpdate,
        Workload::Large,
        Workload::Idle,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Workload::Schedule => "schedule",
            Workload::Deployment => "deployment",
            Workload::RollingUpdate => "rolling-update",
            Workload::Large => "large",
            Workload::Idle => "idle",
        }
    }

    pub fn parse(name: &str) -> Option<Workload> {
        Workload::ALL.into_iter().find(|w| w.name() == name)
    }

    /// The sizes of the targets.
    pub fn default_sizes(self) -> Sizes {
        match self {
            Workload::Schedule => Sizes {
                nodes: 5_000,
                pods: 10_000,
            },
            Workload::Deployment | Workload::RollingUpdate => Sizes {
                nodes: 1_000,
                pods: 10_000,
            },
            Workload::Large => Sizes {
                nodes: 5_000,
                pods: 150_000,
            },
            Workload::Idle => Sizes {
                nodes: 1_000,
                pods: 100_000,
            },
        }
    }

    /// Builds the cluster the timed part starts from (untimed by runners).
    pub fn prepare(self, sizes: Sizes, seed: u64) -> Result<Prepared, WorkloadError> {
        let budget = step_budget(sizes);
        let mut config = SimulationConfig {
            seed,
            max_steps_per_call: budget,
            kubelets: self != Workload::Schedule,
            ..SimulationConfig::default()
        };
        config.cluster = ClusterConfig {
            nodes: (0..sizes.nodes)
                .map(|i| NodeConfig::worker(&format!("worker-{i}")))
                .collect(),
        };
        let mut simulation = Simulation::new(config);
        simulation.run_until_idle(budget).map_err(stuck)?;
        match self {
            Workload::Schedule => {
                for i in 0..sizes.pods {
                    simulation
                        .api_mut()
                        .create(pod(&format!("web-{i}"), Requests::STANDARD))
                        .map_err(|error| WorkloadError::Rejected(error.to_string()))?;
                }
            }
            Workload::Deployment | Workload::Large => {}
            Workload::RollingUpdate => {
                create_deployments(
                    &mut simulation,
                    sizes.pods,
                    Requests::STANDARD,
                    Grouping::One,
                )?;
                run_until(&mut simulation, budget, all_deployments_complete)?;
            }
            Workload::Idle => {
                create_deployments(
                    &mut simulation,
                    sizes.pods,
                    Requests::SMALL,
                    Grouping::Split,
                )?;
                run_until(&mut simulation, budget, all_deployments_complete)?;
            }
        }
        Ok(Prepared {
            workload: self,
            sizes,
            budget,
            start: simulation.now(),
            start_steps: simulation.total_steps(),
            simulation,
        })
    }
}

/// How big a workload is. For the Deployment workloads `pods` is the replica count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sizes {
    pub nodes: usize,
    pub pods: usize,
}

/// A workload ready for its timed part.
pub struct Prepared {
    workload: Workload,
    sizes: Sizes,
    budget: u64,
    start: SimTime,
    start_steps: u64,
    simulation: Simulation,
}

/// What one run did, for the JSON line.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// Virtual seconds from the start of the timed part to the condition.
    pub virtual_seconds: f64,
    /// Objects in the store at the end.
    pub objects: usize,
    /// Reconcile and scheduling steps of the timed part.
    pub steps: u64,
    /// Pods in the store at the end.
    pub pods: usize,
}

/// Why a workload did not reach its condition.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WorkloadError {
    #[error("{0}")]
    Stuck(String),
    #[error("the API server rejected the workload's object: {0}")]
    Rejected(String),
    #[error("the condition did not hold within {0} virtual seconds")]
    TimedOut(i64),
}

impl Prepared {
    pub fn workload(&self) -> Workload {
        self.workload
    }

    pub fn sizes(&self) -> Sizes {
        self.sizes
    }

    pub fn simulation(&self) -> &Simulation {
        &self.simulation
    }

    /// The timed part: runs the workload to its condition.
    pub fn run(mut self) -> Result<(Outcome, Simulation), WorkloadError> {
        let simulation = &mut self.simulation;
        match self.workload {
            Workload::Schedule => {
                run_until(simulation, self.budget, |simulation| {
                    pods(simulation).all(|pod| !pod_node_name(pod).is_empty())
                })?;
            }
            Workload::Deployment => {
                create_deployments(
                    simulation,
                    self.sizes.pods,
                    Requests::STANDARD,
                    Grouping::One,
                )?;
                run_until(simulation, self.budget, all_deployments_complete)?;
            }
            Workload::Large => {
                create_deployments(
                    simulation,
                    self.sizes.pods,
                    Requests::STANDARD,
                    Grouping::Split,
                )?;
                run_until(simulation, self.budget, all_deployments_complete)?;
            }
            Workload::RollingUpdate => {
                set_image(simulation, "nginx:1.26")?;
                run_until(simulation, self.budget, all_deployments_complete)?;
            }
            Workload::Idle => {
                simulation
                    .advance_by(SimDuration::from_secs(3600))
                    .map_err(stuck)?;
            }
        }
        let outcome = Outcome {
            virtual_seconds: (simulation.now().unix_millis() - self.start.unix_millis()) as f64
                / 1000.0,
            objects: simulation.api().store().len(),
            steps: simulation.total_steps() - self.start_steps,
            pods: pods(simulation).count(),
        };
        Ok((outcome, self.simulation))
    }
}

/// The steps a workload may take: generous, but finite.
fn step_budget(sizes: Sizes) -> u64 {
    1_000_000 + 200 * (sizes.pods as u64 + sizes.nodes as u64)
}

/// The virtual time a condition may take to hold.
const VIRTUAL_LIMIT: SimDuration = SimDuration::from_secs(3600);

fn stuck(error: crate::simulation::SimError) -> WorkloadError {
    WorkloadError::Stuck(error.to_string())
}

/// Settles, checks `condition`, and moves the clock to the next timer until the
/// condition holds, the step budget runs out or [`VIRTUAL_LIMIT`] passes.
fn run_until(
    simulation: &mut Simulation,
    budget: u64,
    condition: impl Fn(&Simulation) -> bool,
) -> Result<(), WorkloadError> {
    let deadline = simulation.now() + VIRTUAL_LIMIT;
    let first_step = simulation.total_steps();
    loop {
        let spent = simulation.total_steps() - first_step;
        let remaining = budget.saturating_sub(spent).max(1);
        simulation.run_until_idle(remaining).map_err(stuck)?;
        if condition(simulation) {
            return Ok(());
        }
        if simulation.now() >= deadline {
            return Err(WorkloadError::TimedOut(VIRTUAL_LIMIT.as_secs()));
        }
        if simulation.total_steps() - first_step >= budget {
            return Err(WorkloadError::Stuck(format!(
                "the condition did not hold within {budget} steps"
            )));
        }
        let now = simulation.now();
        let next = simulation
            .next_wakeup()
            .unwrap_or(deadline)
            .min(deadline)
            .max(now + SimDuration::from_millis(1));
        simulation.advance_to(next).map_err(stuck)?;
    }
}

/// Resource requests of the workloads' pods.
#[derive(Clone, Copy)]
struct Requests {
    cpu: &'static str,
    memory: &'static str,
}

impl Requests {
    /// As upstream's scheduler_perf pods and the criterion bench.
    const STANDARD: Requests = Requests {
        cpu: "100m",
        memory: "128Mi",
    };
    /// Small enough for 100 pods on a 4-CPU, 8-GiB worker.
    const SMALL: Requests = Requests {
        cpu: "20m",
        memory: "64Mi",
    };
}

/// The most replicas one of the workloads' Deployments has.
const REPLICAS_PER_DEPLOYMENT: usize = 1_000;

fn container(requests: Requests) -> serde_json::Value {
    json!([{ "name": "app", "image": "nginx:1.25",
        "resources": { "requests": { "cpu": requests.cpu, "memory": requests.memory } } }])
}

fn pod(name: &str, requests: Requests) -> Object {
    decode_object(
        json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": { "name": name, "namespace": "default", "labels": { "app": "web" } },
            "spec": { "containers": container(requests) }
        }),
        "",
    )
    .expect("the workload's pod matches the Pod type")
}

/// How the workload's pods are grouped into Deployments.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Grouping {
    /// One Deployment, `web`, as in the 10,000-replica Deployment.
    One,
    /// Deployments of 1,000 replicas (`web-0`, `web-1`, …) and one of the remainder,
    /// as a large cluster runs many applications.
    Split,
}

fn create_deployments(
    simulation: &mut Simulation,
    replicas: usize,
    requests: Requests,
    grouping: Grouping,
) -> Result<(), WorkloadError> {
    let mut sizes = Vec::new();
    if grouping == Grouping::One {
        sizes.push(("web".to_string(), replicas));
    } else {
        let mut left = replicas;
        while left > 0 {
            let size = left.min(REPLICAS_PER_DEPLOYMENT);
            sizes.push((format!("web-{}", sizes.len()), size));
            left -= size;
        }
    }
    for (name, size) in sizes {
        let deployment = decode_object(
            json!({
                "apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": { "name": name, "namespace": "default" },
                "spec": {
                    "replicas": size,
                    "selector": { "matchLabels": { "app": name } },
                    "template": {
                        "metadata": { "labels": { "app": name } },
                        "spec": { "containers": container(requests) }
                    }
                }
            }),
            "",
        )
        .expect("the workload's Deployment matches the Deployment type");
        simulation
            .api_mut()
            .create(deployment)
            .map_err(|error| WorkloadError::Rejected(error.to_string()))?;
    }
    Ok(())
}

/// Changes every Deployment's image, as `kubectl set image` does.
fn set_image(simulation: &mut Simulation, image: &str) -> Result<(), WorkloadError> {
    let deployments: Vec<Arc<Object>> = deployments(simulation).cloned().collect();
    for deployment in deployments {
        let mut value = deployment.to_value();
        value["spec"]["template"]["spec"]["containers"][0]["image"] = json!(image);
        let updated =
            decode_object(value, "").map_err(|error| WorkloadError::Rejected(error.to_string()))?;
        simulation
            .api_mut()
            .update(updated)
            .map_err(|error| WorkloadError::Rejected(error.to_string()))?;
    }
    Ok(())
}

fn deployments(simulation: &Simulation) -> impl Iterator<Item = &Arc<Object>> {
    simulation.api().list(
        crate::model::registry::lookup_kind_name("Deployment").expect("Deployment is served"),
        Some("default"),
    )
}

fn pods(simulation: &Simulation) -> impl Iterator<Item = &Arc<Object>> {
    simulation.api().list(
        crate::model::registry::lookup_kind_name("Pod").expect("Pod is served"),
        None,
    )
}

fn pod_node_name(pod: &Object) -> &str {
    match pod {
        Object::Pod(pod) => pod.node_name(),
        _ => "",
    }
}

/// What `kubectl rollout status` waits for, for every Deployment: the controller saw
/// the latest spec, every replica is updated and available, and no old one is left.
fn all_deployments_complete(simulation: &Simulation) -> bool {
    deployments(simulation).all(|object| {
        let Object::Deployment(deployment) = &**object else {
            return true;
        };
        let wanted = deployment
            .spec
            .as_ref()
            .and_then(|spec| spec.replicas)
            .unwrap_or(1);
        let Some(status) = &deployment.status else {
            return false;
        };
        status.observed_generation >= deployment.metadata.generation
            && status.updated_replicas.unwrap_or(0) == wanted
            && status.replicas.unwrap_or(0) == wanted
            && status.available_replicas.unwrap_or(0) == wanted
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every workload reaches its condition at a small size, deterministically.
    #[test]
    fn every_workload_finishes_at_a_small_size() {
        let sizes = Sizes { nodes: 4, pods: 30 };
        for workload in Workload::ALL {
            let run = |seed| {
                let (outcome, simulation) = workload
                    .prepare(sizes, seed)
                    .and_then(Prepared::run)
                    .unwrap_or_else(|error| panic!("{}: {error}", workload.name()));
                (outcome, simulation.fingerprint())
            };
            let (outcome, fingerprint) = run(7);
            assert_eq!(outcome.pods, 30, "{}", workload.name());
            assert!(outcome.steps > 0, "{}", workload.name());
            assert_eq!(
                run(7).1,
                fingerprint,
                "{} is deterministic",
                workload.name()
            );
        }
    }

    #[test]
    fn names_round_trip() {
        for workload in Workload::ALL {
            assert_eq!(Workload::parse(workload.name()), Some(workload));
        }
        assert_eq!(Workload::parse("nope"), None);
    }
}
