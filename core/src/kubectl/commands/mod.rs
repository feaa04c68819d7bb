//! One file per kubectl command.

pub mod api_resources;
pub mod apply;
pub mod delete;
pub mod describe;
pub mod get;
pub mod label;
pub mod patch;
pub mod scale;
pub mod set_image;
pub mod sim;
