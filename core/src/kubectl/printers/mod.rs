//! Output formats: kubectl's tables, and (through `model::manifest`) YAML and JSON.

pub mod table;
