//! `DaemonSet`. PLACEHOLDER: the typed fields are being written; until then the body is kept as data.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::meta::ObjectMeta;
use super::object::SpecStatus;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DaemonSet {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(flatten)]
    pub rest: BTreeMap<String, serde_json::Value>,
}

impl SpecStatus for DaemonSet {
    fn same_spec(&self, other: &Self) -> bool {
        self.rest
            .iter()
            .filter(|(k, _)| k.as_str() != "status")
            .eq(other.rest.iter().filter(|(k, _)| k.as_str() != "status"))
    }
    fn status_from(&mut self, other: &Self) {
        match other.rest.get("status") {
            Some(status) => self.rest.insert("status".to_string(), status.clone()),
            None => self.rest.remove("status"),
        };
    }
}
