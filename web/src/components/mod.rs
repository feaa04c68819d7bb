//! Leaf components: each takes props and renders; none holds cluster state.

pub mod header;
pub mod node_card;
pub mod node_list;
pub mod resource_meter;
