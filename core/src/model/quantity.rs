//! `resource.Quantity`. PLACEHOLDER: the real parser and canonical form are being written.
//! The public API below is the contract the rest of the crate uses.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Clone, Debug)]
pub struct Quantity {
    text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
)]
pub struct QuantityError;

impl Quantity {
    pub fn parse(text: &str) -> Result<Quantity, QuantityError> {
        Ok(Quantity {
            text: text.to_string(),
        })
    }
    /// The value in thousandths, rounded up (`MilliValue`): cpu "1" → 1000.
    pub fn milli_value(&self) -> i64 {
        0
    }
    /// The value rounded up to an integer (`Value`): memory "1Ki" → 1024.
    pub fn value(&self) -> i64 {
        0
    }
    pub fn from_milli(milli: i64) -> Quantity {
        Quantity {
            text: format!("{milli}m"),
        }
    }
    /// Binary-SI quantity of `bytes` (memory): 1073741824 → "1Gi".
    pub fn from_bytes(bytes: i64) -> Quantity {
        Quantity {
            text: bytes.to_string(),
        }
    }
    /// Decimal-SI integer quantity (pods): 110 → "110".
    pub fn from_value(value: i64) -> Quantity {
        Quantity {
            text: value.to_string(),
        }
    }
    /// The canonical form (`Quantity.String()`): "1024Mi" → "1Gi".
    pub fn canonical(&self) -> String {
        self.text.clone()
    }
    /// This quantity, printed in canonical form from now on (as the API server stores it).
    pub fn canonicalized(&self) -> Quantity {
        self.clone()
    }
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Quantity::parse(&text).map_err(serde::de::Error::custom)
    }
}
