//! `resource.Quantity`, after upstream
//! `staging/src/k8s.io/apimachinery/pkg/api/resource/{quantity.go,suffix.go,amount.go}`.
//!
//! The value is held exactly as an `i128` count of nano-units (upstream rounds every
//! parsed value up to 1n, so nothing finer is ever needed). The written form is kept
//! so that a manifest prints back as written: `cpu: 0.5` stays the number 0.5 and
//! `cpu: "500m"` stays that string. `canonical()` is upstream's `String()`.
//!
//! Differences from upstream, all outside what a manifest can sensibly hold:
//! * Decimal values beyond ±i128::MAX nano-units (~1.7e29) saturate; upstream keeps
//!   an unbounded `inf.Dec`.
//! * A DecimalSI value needing an exponent above 18 prints with the `E` suffix
//!   (`1000E`); upstream has no suffix for it and drops the exponent.
//! * `value()`/`milli_value()` saturate at the i64 bounds; upstream wraps.

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

const NANOS_PER_UNIT: i128 = 1_000_000_000;

/// Upstream caps BinarySI magnitudes at 2^63-1 (`maxAllowed`): "9Ei" parses to
/// 9223372036854775807.
const MAX_BINARY_NANOS: i128 = (i64::MAX as i128) * NANOS_PER_UNIT;

/// The regular expression quoted in upstream's `ErrFormatWrong`.
pub const SPLIT_RE: &str = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";

/// The suffix family a quantity was written in, and is printed back in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum QuantityFormat {
    /// `12e6`
    DecimalExponent,
    /// `12Mi` (12 × 2^20)
    BinarySI,
    /// `12M` (12 × 10^6)
    DecimalSI,
}

/// Upstream's three parse errors (`ErrFormatWrong`, `ErrNumeric`, `ErrSuffix`), with
/// their messages word for word.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuantityError {
    #[error(
        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    )]
    FormatWrong,
    #[error("unable to parse numeric part of quantity")]
    Numeric,
    #[error("unable to parse quantity's suffix")]
    Suffix,
}

/// What the user wrote, kept so serialization gives it back unchanged.
#[derive(Clone, Debug)]
enum Written {
    Text(String),
    Int(i64),
    UInt(u64),
    Float(f64),
}

#[derive(Clone, Debug)]
pub struct Quantity {
    nanos: i128,
    format: QuantityFormat,
    written: Option<Written>,
}

impl Default for Quantity {
    fn default() -> Self {
        Quantity::zero()
    }
}

impl Quantity {
    /// Zero, DecimalSI (what `ParseQuantity("0")` gives).
    pub fn zero() -> Quantity {
        Quantity {
            nanos: 0,
            format: QuantityFormat::DecimalSI,
            written: None,
        }
    }

    /// `resource.ParseQuantity`. `"1.5Gi"` is 1610612736 (BinarySI); `"3.001n"` rounds up
    /// to `4n`; `" 1"` is an error (no surrounding whitespace).
    pub fn parse(text: &str) -> Result<Quantity, QuantityError> {
        let (nanos, format) = parse_nanos(text)?;
        Ok(Quantity {
            nanos,
            format,
            written: Some(Written::Text(text.to_string())),
        })
    }

    /// The value in thousandths, rounded up away from zero (`MilliValue`): cpu "1" → 1000,
    /// "1n" → 1.
    pub fn milli_value(&self) -> i64 {
        scaled_away_from_zero(self.nanos, 1_000_000)
    }

    /// The value rounded up away from zero to an integer (`Value`): "1Ki" → 1024, "1m" → 1.
    pub fn value(&self) -> i64 {
        scaled_away_from_zero(self.nanos, NANOS_PER_UNIT)
    }

    /// The exact value in nano-units.
    pub fn nano_value(&self) -> i128 {
        self.nanos
    }

    pub fn format(&self) -> QuantityFormat {
        self.format
    }

    pub fn is_zero(&self) -> bool {
        self.nanos == 0
    }

    /// `NewMilliQuantity(milli, DecimalSI)` (cpu): 500 → "500m", 2000 → "2".
    pub fn from_milli(milli: i64) -> Quantity {
        Quantity::from_nanos(i128::from(milli) * 1_000_000, QuantityFormat::DecimalSI)
    }

    /// `NewQuantity(bytes, BinarySI)` (memory): 1073741824 → "1Gi".
    pub fn from_bytes(bytes: i64) -> Quantity {
        Quantity::from_nanos(i128::from(bytes) * NANOS_PER_UNIT, QuantityFormat::BinarySI)
    }

    /// `NewQuantity(value, DecimalSI)` (pods): 110 → "110".
    pub fn from_value(value: i64) -> Quantity {
        Quantity::from_nanos(
            i128::from(value) * NANOS_PER_UNIT,
            QuantityFormat::DecimalSI,
        )
    }

    /// A quantity of exactly `nanos` nano-units in `format`.
    pub fn from_nanos(nanos: i128, format: QuantityFormat) -> Quantity {
        Quantity {
            nanos,
            format,
            written: None,
        }
    }

    /// `q.Add(y)`, saturating: the format of a zero receiver becomes y's, as upstream.
    pub fn add(&self, other: &Quantity) -> Quantity {
        let format = if self.nanos == 0 {
            other.format
        } else {
            self.format
        };
        Quantity::from_nanos(self.nanos.saturating_add(other.nanos), format)
    }

    /// `q.Sub(y)`, saturating: the format of a zero receiver becomes y's, as upstream.
    pub fn sub(&self, other: &Quantity) -> Quantity {
        let format = if self.nanos == 0 {
            other.format
        } else {
            self.format
        };
        Quantity::from_nanos(self.nanos.saturating_sub(other.nanos), format)
    }

    /// The canonical form (`Quantity.String()`): "1024Mi" → "1Gi", "1.5" → "1500m",
    /// "1.5Gi" → "1536Mi", "0.1Gi" → "107374182400m" (binary, not an integer: DecimalSI).
    pub fn canonical(&self) -> String {
        canonical_string(self.nanos, self.format)
    }

    /// This quantity, printed in canonical form from now on (as the API server stores it).
    pub fn canonicalized(&self) -> Quantity {
        Quantity::from_nanos(self.nanos, self.format)
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical())
    }
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Self) -> bool {
        self.nanos == other.nanos
    }
}

impl Eq for Quantity {}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Quantity {
    fn cmp(&self, other: &Self) -> Ordering {
        self.nanos.cmp(&other.nanos)
    }
}

impl std::str::FromStr for Quantity {
    type Err = QuantityError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Quantity::parse(text)
    }
}

/// ceil(nanos / divisor) away from zero, saturated to i64 (`ScaledValue`).
fn scaled_away_from_zero(nanos: i128, divisor: i128) -> i64 {
    let mut quotient = nanos / divisor;
    if nanos % divisor != 0 {
        quotient += nanos.signum();
    }
    i64::try_from(quotient).unwrap_or(if quotient < 0 { i64::MIN } else { i64::MAX })
}

// ---------------------------------------------------------------------------------------
// Parsing

/// The pieces `parseQuantityString` splits a quantity into.
struct Split<'a> {
    positive: bool,
    /// Integer digits, leading zeros stripped.
    numerator: &'a str,
    /// Fraction digits.
    denominator: &'a str,
    suffix: &'a str,
}

/// upstream `parseQuantityString`: sign, digits, optional `.digits`, then a suffix made of
/// `[eEinumkKMGTP]*`, an optional sign and digits. Anything after that is `ErrFormatWrong`
/// ("1.1.M": the second '.' is neither suffix nor digit).
fn split_quantity(text: &str) -> Result<Split<'_>, QuantityError> {
    let bytes = text.as_bytes();
    let end = bytes.len();
    let mut pos = 0;
    let mut positive = true;
    match bytes.first() {
        Some(b'-') => {
            positive = false;
            pos = 1;
        }
        Some(b'+') => pos = 1,
        _ => {}
    }
    while pos < end && bytes[pos] == b'0' {
        pos += 1;
    }
    let numerator_start = pos;
    while pos < end && bytes[pos].is_ascii_digit() {
        pos += 1;
    }
    let numerator = &text[numerator_start..pos];
    let mut denominator = "";
    if pos < end && bytes[pos] == b'.' {
        pos += 1;
        let denominator_start = pos;
        while pos < end && bytes[pos].is_ascii_digit() {
            pos += 1;
        }
        denominator = &text[denominator_start..pos];
    }
    let suffix_start = pos;
    while pos < end && b"eEinumkKMGTP".contains(&bytes[pos]) {
        pos += 1;
    }
    if pos < end && (bytes[pos] == b'-' || bytes[pos] == b'+') {
        pos += 1;
    }
    while pos < end && bytes[pos].is_ascii_digit() {
        pos += 1;
    }
    if pos < end {
        return Err(QuantityError::FormatWrong);
    }
    Ok(Split {
        positive,
        numerator,
        denominator,
        suffix: &text[suffix_start..],
    })
}

/// upstream `suffix.go` interpret: (base, exponent, format).
fn interpret_suffix(suffix: &str) -> Option<(u32, i64, QuantityFormat)> {
    use QuantityFormat::*;
    let decimal = |exponent| Some((10, exponent, DecimalSI));
    let binary = |exponent| Some((2, exponent, BinarySI));
    match suffix {
        "" => decimal(0),
        "n" => decimal(-9),
        "u" => decimal(-6),
        "m" => decimal(-3),
        "k" => decimal(3),
        "M" => decimal(6),
        "G" => decimal(9),
        "T" => decimal(12),
        "P" => decimal(15),
        "E" => decimal(18),
        "Ki" => binary(10),
        "Mi" => binary(20),
        "Gi" => binary(30),
        "Ti" => binary(40),
        "Pi" => binary(50),
        "Ei" => binary(60),
        _ => {
            // `e<int>`/`E<int>`, parsed as Go's strconv.ParseInt would ("e+3", "E-2").
            let rest = suffix.strip_prefix(['e', 'E'])?;
            let digits = rest.strip_prefix(['+', '-']).unwrap_or(rest);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let exponent = rest.parse::<i64>().ok()?;
            Some((10, exponent, DecimalExponent))
        }
    }
}

fn parse_nanos(text: &str) -> Result<(i128, QuantityFormat), QuantityError> {
    if text.is_empty() {
        return Err(QuantityError::FormatWrong);
    }
    let split = split_quantity(text)?;
    let (base, exponent, mut format) =
        interpret_suffix(split.suffix).ok_or(QuantityError::Suffix)?;

    // The digits of num+denom, as one integer D; the value is D × base^exponent / 10^len(denom).
    let mut amount = BigUint::from_decimal(split.numerator, split.denominator);
    let fraction_digits = i64::try_from(split.denominator.len()).unwrap_or(i64::MAX);
    let mut round_up = false;
    if base == 2 {
        // exponent is one of 10..=60.
        amount.mul_small(1u32 << (exponent / 2));
        amount.mul_small(1u32 << (exponent - exponent / 2));
        // Not the capped mul_pow10: a division follows, so the product must stay exact.
        amount.mul_small(1_000_000_000);
        round_up |= amount.div_pow10(fraction_digits);
    } else {
        // Shift to nano-units: "3.001n" is 3001 × 10^(-9-3+9) = 3001e-3 nanos → 4n.
        let shift = exponent.saturating_sub(fraction_digits).saturating_add(9);
        if shift >= 0 {
            amount.mul_pow10(shift);
        } else {
            round_up |= amount.div_pow10(shift.saturating_neg());
        }
    }
    // Non-zero values round up to the smallest representable value, "so that if you want
    // some resources, you get some" (quantity.go).
    let mut magnitude = amount.to_i128_saturating();
    if round_up {
        magnitude = magnitude.saturating_add(1);
    }
    if format == QuantityFormat::BinarySI {
        magnitude = magnitude.min(MAX_BINARY_NANOS);
        if magnitude > 0 && magnitude < NANOS_PER_UNIT {
            // Binary below 1 would round; upstream switches such values to DecimalSI.
            format = QuantityFormat::DecimalSI;
        }
    }
    let nanos = if split.positive {
        magnitude
    } else {
        -magnitude
    };
    Ok((nanos, format))
}

/// A minimal unsigned big integer (little-endian u32 limbs), enough to parse any quantity
/// string exactly before rounding to nanos. Growth stops past i128 range (saturation).
struct BigUint {
    limbs: Vec<u32>,
}

impl BigUint {
    fn from_decimal(numerator: &str, denominator: &str) -> BigUint {
        let mut value = BigUint { limbs: Vec::new() };
        for byte in numerator.bytes().chain(denominator.bytes()) {
            value.mul_small(10);
            value.add_small(u32::from(byte - b'0'));
        }
        value
    }

    fn is_zero(&self) -> bool {
        self.limbs.iter().all(|&limb| limb == 0)
    }

    /// More than 4 limbs (128 bits) is beyond any saturating result; stop growing there.
    fn is_huge(&self) -> bool {
        self.limbs.len() > 5
    }

    fn mul_small(&mut self, factor: u32) {
        let mut carry = 0u64;
        for limb in &mut self.limbs {
            let product = u64::from(*limb) * u64::from(factor) + carry;
            *limb = product as u32;
            carry = product >> 32;
        }
        if carry != 0 {
            self.limbs.push(carry as u32);
        }
    }

    fn add_small(&mut self, addend: u32) {
        let mut carry = u64::from(addend);
        for limb in &mut self.limbs {
            if carry == 0 {
                return;
            }
            let sum = u64::from(*limb) + carry;
            *limb = sum as u32;
            carry = sum >> 32;
        }
        if carry != 0 {
            self.limbs.push(carry as u32);
        }
    }

    fn mul_pow10(&mut self, times: i64) {
        for _ in 0..times {
            if self.is_zero() || self.is_huge() {
                return;
            }
            self.mul_small(10);
        }
    }

    /// Divides by 10^times; returns whether a non-zero remainder was dropped.
    fn div_pow10(&mut self, times: i64) -> bool {
        let mut inexact = false;
        for _ in 0..times {
            if self.is_zero() {
                break;
            }
            let mut remainder = 0u64;
            for limb in self.limbs.iter_mut().rev() {
                let current = (remainder << 32) | u64::from(*limb);
                *limb = (current / 10) as u32;
                remainder = current % 10;
            }
            inexact |= remainder != 0;
        }
        while self.limbs.last() == Some(&0) {
            self.limbs.pop();
        }
        inexact
    }

    fn to_i128_saturating(&self) -> i128 {
        let significant = self.limbs.iter().rposition(|&limb| limb != 0);
        let Some(top) = significant else { return 0 };
        if top >= 4 {
            return i128::MAX;
        }
        let mut value: u128 = 0;
        for &limb in self.limbs[..=top].iter().rev() {
            value = (value << 32) | u128::from(limb);
        }
        i128::try_from(value).unwrap_or(i128::MAX)
    }
}

// ---------------------------------------------------------------------------------------
// Canonical form

/// upstream `CanonicalizeBytes`.
/// * BinarySI with |v| < 1024, or not an integer, prints as DecimalSI ("5", "500m").
/// * BinarySI otherwise: divide out 1024 while exact: 1610612736 → "1536Mi".
/// * Decimal: strip factors of ten, then lower the exponent to a multiple of 3:
///   1.5 = 15e-1 → 1500e-3 → "1500m"; 3000 = 3e3 → "3k" (DecimalExponent: "3e3").
fn canonical_string(nanos: i128, format: QuantityFormat) -> String {
    if nanos == 0 {
        return "0".to_string();
    }
    let sign = if nanos < 0 { "-" } else { "" };
    let magnitude = nanos.unsigned_abs();
    let mut format = format;
    if format == QuantityFormat::BinarySI
        && (magnitude < 1024 * NANOS_PER_UNIT as u128
            || !magnitude.is_multiple_of(NANOS_PER_UNIT as u128))
    {
        format = QuantityFormat::DecimalSI;
    }
    if format == QuantityFormat::BinarySI {
        let mut mantissa = magnitude / NANOS_PER_UNIT as u128;
        let mut steps = 0;
        while steps < 6 && mantissa.is_multiple_of(1024) {
            mantissa /= 1024;
            steps += 1;
        }
        let suffix = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][steps];
        return format!("{sign}{mantissa}{suffix}");
    }
    let mut mantissa = magnitude;
    let mut exponent: i32 = -9;
    while mantissa.is_multiple_of(10) {
        mantissa /= 10;
        exponent += 1;
    }
    while exponent.rem_euclid(3) != 0 {
        mantissa *= 10;
        exponent -= 1;
    }
    let suffix = match format {
        QuantityFormat::DecimalExponent => {
            if exponent == 0 {
                String::new()
            } else {
                format!("e{exponent}")
            }
        }
        _ => {
            while exponent > 18 {
                mantissa *= 10;
                exponent -= 1;
            }
            match exponent {
                -9 => "n",
                -6 => "u",
                -3 => "m",
                0 => "",
                3 => "k",
                6 => "M",
                9 => "G",
                12 => "T",
                15 => "P",
                _ => "E",
            }
            .to_string()
        }
    };
    format!("{sign}{mantissa}{suffix}")
}

// ---------------------------------------------------------------------------------------
// serde

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.written {
            Some(Written::Text(text)) => serializer.serialize_str(text),
            Some(Written::Int(value)) => serializer.serialize_i64(*value),
            Some(Written::UInt(value)) => serializer.serialize_u64(*value),
            Some(Written::Float(value)) => serializer.serialize_f64(*value),
            None => serializer.serialize_str(&self.canonical()),
        }
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(QuantityVisitor)
    }
}

struct QuantityVisitor;

impl QuantityVisitor {
    fn parse_written<E: serde::de::Error>(text: &str, written: Written) -> Result<Quantity, E> {
        // UnmarshalJSON trims surrounding whitespace before ParseQuantity.
        let (nanos, format) = parse_nanos(text.trim()).map_err(E::custom)?;
        Ok(Quantity {
            nanos,
            format,
            written: Some(written),
        })
    }
}

impl serde::de::Visitor<'_> for QuantityVisitor {
    type Value = Quantity;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a quantity (a string such as \"500m\" or a number)")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Quantity, E> {
        Self::parse_written(text, Written::Text(text.to_string()))
    }

    fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<Quantity, E> {
        Self::parse_written(&value.to_string(), Written::Int(value))
    }

    fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<Quantity, E> {
        Self::parse_written(&value.to_string(), Written::UInt(value))
    }

    fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<Quantity, E> {
        if !value.is_finite() {
            return Err(E::custom(QuantityError::FormatWrong));
        }
        // Rust prints finite floats without exponent ("0.5", "1000000"), which the grammar takes.
        Self::parse_written(&format!("{value}"), Written::Float(value))
    }
}
