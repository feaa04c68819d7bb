//! The `kubesim` command-line tool as a library, so tests can run scripts
//! without spawning the binary. `main.rs` only parses arguments.

pub mod bench;
pub mod cluster_file;
pub mod files;
pub mod runner;
pub mod script;
pub mod shell;
