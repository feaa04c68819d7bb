//! The object model: pure data with Kubernetes field names, plus the API
//! machinery that upstream keeps in `apimachinery` (quantities, selectors,
//! int-or-string, validation).

#[macro_use]
mod macros;

pub mod intstr;
pub mod memo_key;
pub mod meta;
pub mod object;
pub mod quantity;
pub mod registry;
pub mod selector;
pub mod validation;

pub mod manifest;

pub mod daemon_set;
pub mod deployment;
pub mod endpoint_slice;
pub mod endpoints;
pub mod event;
pub mod job;
pub mod namespace;
pub mod node;
pub mod node_affinity;
pub mod pod;
pub mod pod_util;
pub mod replica_set;
pub mod resources;
pub mod service;
pub mod shared;
pub mod tolerations;

pub use meta::{ObjectMeta, OwnerReference, Time};
pub use object::{GenericObject, Object, Resource, SpecStatus};
pub use registry::ResourceType;
pub use shared::Shared;
