//! One file per kubectl command.

pub mod api_resources;
pub mod apply;
pub mod get;
pub mod sim;
