//! # kubesim: Kubernetes, simulated
//!
//! A small, faithful Kubernetes as a pure Rust library: the object model, an API
//! server with a versioned store and watch, the controller-manager's reconcile
//! loops, the scheduler, and kubelets and kube-proxy on simulated nodes.
//!
//! ## What kubesim never does
//! - It never reads the wall clock. Time is [`time::SimTime`], moved only by the caller.
//! - It never touches files, sockets or threads, and never asks the OS for randomness.
//!   All randomness comes from one seeded [`rng::SimRng`].
//! - It never iterates a hash map in simulated state.
//!
//! So the same seed and the same inputs give byte-identical output, natively and
//! on wasm32.

pub mod model;
pub mod rng;
pub mod scheduler;
pub mod time;

pub mod agenda;
pub mod api_server;
pub mod benchmarks;
pub mod cluster;
pub mod cluster_config;
pub mod controllers;
pub mod fingerprint;
pub mod kubectl;
pub mod node;
pub mod probe;
pub mod simulation;
pub mod terminal;
pub mod testing;
pub mod view;

pub use cluster::{ClusterConfig, NodeConfig};
pub use simulation::{SimError, Simulation, SimulationConfig, StepOutcome};
pub use time::{SimDuration, SimTime};
