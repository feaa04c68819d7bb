//! `intstr.IntOrString`, after upstream `staging/src/k8s.io/apimachinery/pkg/util/intstr/intstr.go`,
//! and the deployment controller's `ResolveFenceposts`
//! (`pkg/controller/deployment/util/deployment_util.go`).

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum IntOrString {
    Int(i32),
    String(String),
}

impl IntOrString {
    /// `intstr.GetScaledValueFromIntOrPercent` (the "safe" variant): an int as is, a
    /// percent of `total` rounded up or down. 39% of 10 is 4 rounded up, 3 rounded down.
    /// A string without `%` is an error: "invalid value for IntOrString: invalid type:
    /// string is not a percentage".
    pub fn scaled_value(&self, total: i32, round_up: bool) -> Result<i32, String> {
        let percent = match self {
            IntOrString::Int(value) => return Ok(*value),
            IntOrString::String(text) => parse_percent(text)
                .map_err(|error| format!("invalid value for IntOrString: {error}"))?,
        };
        // Upstream computes in float64: math.Ceil(float64(value) * float64(total) / 100).
        let scaled = percent as f64 * f64::from(total) / 100.0;
        let rounded = if round_up {
            scaled.ceil()
        } else {
            scaled.floor()
        };
        // `as` saturates at the i32 bounds; upstream's int32() conversion would wrap.
        Ok(rounded as i32)
    }

    /// True when this is a string ending in `%`.
    pub fn is_percent(&self) -> bool {
        matches!(self, IntOrString::String(text) if text.ends_with('%'))
    }
}

impl From<i32> for IntOrString {
    fn from(value: i32) -> Self {
        IntOrString::Int(value)
    }
}

impl From<&str> for IntOrString {
    fn from(value: &str) -> Self {
        IntOrString::String(value.to_string())
    }
}

/// upstream `getIntOrPercentValueSafely` for the string case: "25%" → 25.
fn parse_percent(text: &str) -> Result<i64, String> {
    let Some(number) = text.strip_suffix('%') else {
        return Err("invalid type: string is not a percentage".to_string());
    };
    go_atoi(number).map_err(|reason| {
        format!(
            "invalid value {}: strconv.Atoi: parsing {}: {reason}",
            go_quote(text),
            go_quote(number)
        )
    })
}

/// Go's `strconv.Atoi` on a 64-bit int: optional sign, ASCII digits only.
fn go_atoi(text: &str) -> Result<i64, &'static str> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err("invalid syntax");
    }
    text.parse::<i64>().map_err(|_| "value out of range")
}

use super::validation::render_str as go_quote;

impl fmt::Display for IntOrString {
    /// upstream `String()`: an int prints as the number, a string as itself.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntOrString::Int(value) => write!(f, "{value}"),
            IntOrString::String(text) => f.write_str(text),
        }
    }
}

/// `deploymentutil.ResolveFenceposts`: the surge (rounded up) and unavailable (rounded
/// down) a rolling update may use. A missing value counts as 0, and if both come to 0
/// unavailable becomes 1 so the rollout can progress.
/// Example: maxSurge "39%", maxUnavailable "39%", 10 desired → (4, 3).
pub fn resolve_fenceposts(
    max_surge: Option<&IntOrString>,
    max_unavailable: Option<&IntOrString>,
    desired: i32,
) -> Result<(i32, i32), String> {
    let zero = IntOrString::Int(0);
    let surge = max_surge.unwrap_or(&zero).scaled_value(desired, true)?;
    let mut unavailable = max_unavailable
        .unwrap_or(&zero)
        .scaled_value(desired, false)?;
    if surge == 0 && unavailable == 0 {
        unavailable = 1;
    }
    Ok((surge, unavailable))
}
