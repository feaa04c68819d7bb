//! The data plane: what runs on every simulated node.
//!
//! - [`kubelet`]: one kubelet per Node (pod lifecycle, probes, node heartbeats).
//! - [`behaviour`]: the container behaviour model (what a container does).
//! - [`interpreters`]: one-liners of perl, python, node and ruby (prints, `bpi`).
//! - [`image_registry`]: the simulated registry (tags, sizes, pull errors).
//! - [`runtime`]: the container runtime's state (containerd's view), shared by the
//!   kubelet, kube-proxy and the fault API.
//! - [`kube_proxy`], [`dns`], [`http`]: Service routing, cluster DNS and simulated
//!   HTTP requests.
//! - [`faults`]: the public API on `Simulation` (nodes, crashes, logs, requests).

pub mod behaviour;
pub mod dns;
pub mod faults;
pub mod http;
pub mod image_registry;
pub mod interpreters;
pub mod kube_proxy;
pub mod kubelet;
pub mod runtime;
