//! One file per kubectl command.

pub mod api_resources;
pub mod api_versions;
pub mod apply;
pub mod cluster_info;
pub mod cordon;
pub mod create;
pub mod delete;
pub mod describe;
pub mod drain;
pub mod events;
pub mod exec;
pub mod explain;
pub mod expose;
pub mod get;
pub mod label;
pub mod logs;
pub mod patch;
pub mod rollout;
pub mod run;
pub mod scale;
pub mod set_image;
pub mod sim;
pub mod taint;
pub mod top;
pub mod version;
pub mod wait;
