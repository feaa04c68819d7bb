//! Leaf components: each takes props (and the playground context to act) and
//! renders; none holds cluster state.

pub mod architecture;
pub mod cluster_map;
pub mod events;
pub mod header;
pub mod inspector;
pub mod node_card;
pub mod pod_chip;
pub mod resource_meter;
pub mod rollout;
pub mod terminal;
pub mod yaml_editor;
