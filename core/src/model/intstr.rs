//! `intstr.IntOrString`. PLACEHOLDER: scaling is being written.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum IntOrString {
    Int(i32),
    String(String),
}

impl IntOrString {
    /// `intstr.GetScaledValueFromIntOrPercent`: an int as is, a percent of `total`
    /// rounded up or down. Errors as upstream: "invalid type: string is not a percentage".
    pub fn scaled_value(&self, total: i32, round_up: bool) -> Result<i32, String> {
        let _ = (total, round_up);
        match self {
            IntOrString::Int(value) => Ok(*value),
            IntOrString::String(_) => Err("invalid type: string is not a percentage".to_string()),
        }
    }
}
