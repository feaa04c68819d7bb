//! Helpers shared by the black-box tests in this folder.

use std::path::PathBuf;

/// The shared folder beside the repository (`../shared`), which holds the manifest corpus.
pub fn shared_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared")
}

pub mod batchnodes;
pub mod node;
pub mod scheduling;
pub mod workloads;
