//! Output formats: kubectl's tables, names, JSONPath, custom columns, and
//! (through `model::manifest`) YAML and JSON.

pub mod columns;
pub mod custom_columns;
pub mod describe;
pub mod duration;
pub mod fields;
pub mod jsonpath;
pub mod name;
pub mod sorter;
pub mod table;
pub mod table_printer;
pub mod tabwriter;
pub mod time_format;
