//! One file per kubectl command.

pub mod api_resources;
pub mod apply;
pub mod cluster_info;
pub mod delete;
pub mod describe;
pub mod events;
pub mod explain;
pub mod get;
pub mod label;
pub mod patch;
pub mod scale;
pub mod set_image;
pub mod sim;
pub mod version;
