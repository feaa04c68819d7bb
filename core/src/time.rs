//! Virtual time: the only clock kubesim has.
//!
//! Nothing in `core/` reads the wall clock. Time moves only when the driver of a
//! [`Simulation`](crate::Simulation) advances it, so a run is a pure function of its
//! seed and inputs.

use std::fmt;
use std::ops::{Add, AddAssign, Sub};

/// A point in virtual time, in milliseconds since the Unix epoch.
///
/// Kubernetes timestamps (`metav1.Time`) carry whole seconds on the wire; the
/// simulation keeps milliseconds so that sub-second ordering is still exact.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
pub struct SimTime {
    unix_millis: i64,
}

/// A span of virtual time in milliseconds. Negative spans are allowed so that
/// `a - b` is total; callers that need a wait clamp at zero.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
pub struct SimDuration {
    millis: i64,
}

impl SimTime {
    /// 2025-01-01T00:00:00Z: where a default simulation's clock starts.
    pub const DEFAULT_EPOCH: SimTime = SimTime {
        unix_millis: 1_735_689_600_000,
    };

    pub const fn from_unix_millis(unix_millis: i64) -> Self {
        SimTime { unix_millis }
    }

    pub const fn from_unix_seconds(unix_seconds: i64) -> Self {
        SimTime {
            unix_millis: unix_seconds * 1000,
        }
    }

    pub const fn unix_millis(self) -> i64 {
        self.unix_millis
    }

    /// Whole seconds since the epoch, rounded towards negative infinity.
    pub const fn unix_seconds(self) -> i64 {
        self.unix_millis.div_euclid(1000)
    }

    /// The time truncated to whole seconds, as the API server stores `metav1.Time`.
    pub const fn truncated_to_seconds(self) -> Self {
        SimTime::from_unix_seconds(self.unix_seconds())
    }

    /// RFC 3339 in UTC with second precision, as `metav1.Time` serializes:
    /// `2025-01-01T00:00:00Z`.
    pub fn to_rfc3339(self) -> String {
        let mut text = String::with_capacity(27);
        self.write_rfc3339_seconds(&mut text);
        text.push('Z');
        text
    }

    /// RFC 3339 with microseconds, as `metav1.MicroTime` serializes (Event.eventTime).
    pub fn to_rfc3339_micros(self) -> String {
        let mut text = String::with_capacity(27);
        self.truncated_to_seconds().write_rfc3339_seconds(&mut text);
        text.push('.');
        push_padded(&mut text, self.unix_millis.rem_euclid(1000) * 1000, 6);
        text.push('Z');
        text
    }

    /// `YYYY-MM-DDTHH:MM:SS`, digit by digit: every Lease renewal and Event writes a
    /// timestamp, and `format!` made them a fifth of an idle cluster's instructions.
    fn write_rfc3339_seconds(self, text: &mut String) {
        let seconds = self.unix_seconds();
        let days = seconds.div_euclid(86_400);
        let second_of_day = seconds.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        if (0..=9999).contains(&year) {
            push_padded(text, year, 4);
        } else {
            text.push_str(&format!("{year:04}"));
        }
        text.push('-');
        push_padded(text, month, 2);
        text.push('-');
        push_padded(text, day, 2);
        text.push('T');
        push_padded(text, second_of_day / 3600, 2);
        text.push(':');
        push_padded(text, (second_of_day / 60) % 60, 2);
        text.push(':');
        push_padded(text, second_of_day % 60, 2);
    }

    /// Parses RFC 3339 timestamps such as `2025-01-01T00:00:00Z`,
    /// `2025-01-01T00:00:00.123456Z` or `2025-01-01T02:00:00+02:00`.
    pub fn parse_rfc3339(text: &str) -> Result<SimTime, TimeParseError> {
        let error = || TimeParseError {
            text: text.to_string(),
        };
        let bytes = text.as_bytes();
        if bytes.len() < 20
            || bytes[4] != b'-'
            || bytes[7] != b'-'
            || !matches!(bytes[10], b'T' | b't')
        {
            return Err(error());
        }
        let number = |range: std::ops::Range<usize>| -> Result<i64, TimeParseError> {
            let part = text.get(range).ok_or_else(error)?;
            if !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(error());
            }
            part.parse::<i64>().map_err(|_| error())
        };
        let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
        if bytes[13] != b':' || bytes[16] != b':' {
            return Err(error());
        }
        let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
        if !(1..=12).contains(&month)
            || !(1..=31).contains(&day)
            || hour > 23
            || minute > 59
            || second > 60
        {
            return Err(error());
        }
        let mut rest = &text[19..];
        let mut millis = 0i64;
        if let Some(fraction) = rest.strip_prefix('.') {
            let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return Err(error());
            }
            let padded = format!("{:0<3}", &fraction[..digits.min(3)]);
            millis = padded.parse::<i64>().map_err(|_| error())?;
            rest = &fraction[digits..];
        }
        let offset_seconds = match rest {
            "Z" | "z" => 0,
            _ if rest.len() == 6 && matches!(&rest[..1], "+" | "-") && &rest[3..4] == ":" => {
                let offset_hours = rest[1..3].parse::<i64>().map_err(|_| error())?;
                let offset_minutes = rest[4..6].parse::<i64>().map_err(|_| error())?;
                let sign = if rest.starts_with('-') { -1 } else { 1 };
                sign * (offset_hours * 3600 + offset_minutes * 60)
            }
            _ => return Err(error()),
        };
        let days = days_from_civil(year, month, day);
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_seconds;
        Ok(SimTime::from_unix_millis(seconds * 1000 + millis))
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

/// A timestamp that is not RFC 3339.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("parsing time {text:?} as \"2006-01-02T15:04:05Z07:00\": cannot parse")]
pub struct TimeParseError {
    pub text: String,
}

impl SimDuration {
    pub const ZERO: SimDuration = SimDuration { millis: 0 };

    pub const fn from_millis(millis: i64) -> Self {
        SimDuration { millis }
    }

    pub const fn from_secs(seconds: i64) -> Self {
        SimDuration {
            millis: seconds * 1000,
        }
    }

    pub const fn from_mins(minutes: i64) -> Self {
        SimDuration {
            millis: minutes * 60_000,
        }
    }

    pub const fn as_millis(self) -> i64 {
        self.millis
    }

    /// Whole seconds, truncated towards zero.
    pub const fn as_secs(self) -> i64 {
        self.millis / 1000
    }

    pub const fn is_negative(self) -> bool {
        self.millis < 0
    }

    pub fn max(self, other: SimDuration) -> SimDuration {
        if self >= other { self } else { other }
    }

    pub fn min(self, other: SimDuration) -> SimDuration {
        if self <= other { self } else { other }
    }

    /// Parses a Go duration as kubectl flags take it: `30s`, `5m`, `1h30m`, `1.5h`, `250ms`, `0`.
    /// Errors are Go's `time.ParseDuration` words: `time: missing unit in duration "10"`,
    /// `time: unknown unit "x" in duration "5x"`, `time: invalid duration "abc"`.
    pub fn parse_go(text: &str) -> Result<SimDuration, DurationParseError> {
        let error = |reason: DurationError| DurationParseError {
            text: text.to_string(),
            reason,
        };
        let (negative, mut rest) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        if rest == "0" {
            return Ok(SimDuration::ZERO);
        }
        if rest.is_empty() {
            return Err(error(DurationError::Invalid));
        }
        // Accumulate in nanoseconds so that `1.5h` and `0.1s` stay exact.
        let mut total_nanos: i128 = 0;
        while !rest.is_empty() {
            // The next character must be [0-9.].
            if !rest.starts_with(|c: char| c == '.' || c.is_ascii_digit()) {
                return Err(error(DurationError::Invalid));
            }
            let whole_len = rest.bytes().take_while(u8::is_ascii_digit).count();
            let whole = &rest[..whole_len];
            rest = &rest[whole_len..];
            let mut fraction = "";
            if let Some(after_point) = rest.strip_prefix('.') {
                let fraction_len = after_point.bytes().take_while(u8::is_ascii_digit).count();
                fraction = &after_point[..fraction_len];
                rest = &after_point[fraction_len..];
            }
            // No digits at all, e.g. ".s".
            if whole.is_empty() && fraction.is_empty() {
                return Err(error(DurationError::Invalid));
            }
            let unit_len = rest
                .bytes()
                .take_while(|b| !b.is_ascii_digit() && *b != b'.')
                .count();
            if unit_len == 0 {
                return Err(error(DurationError::MissingUnit));
            }
            let unit = &rest[..unit_len];
            rest = &rest[unit_len..];
            let unit_nanos: i128 = match unit {
                "ns" => 1,
                "us" | "µs" | "μs" => 1_000,
                "ms" => 1_000_000,
                "s" => 1_000_000_000,
                "m" => 60_000_000_000,
                "h" => 3_600_000_000_000,
                _ => return Err(error(DurationError::UnknownUnit(unit.to_string()))),
            };
            let whole_value: i128 = if whole.is_empty() {
                0
            } else {
                whole.parse().map_err(|_| error(DurationError::Invalid))?
            };
            let mut value = whole_value
                .checked_mul(unit_nanos)
                .ok_or_else(|| error(DurationError::Invalid))?;
            let mut scale = unit_nanos;
            for digit in fraction.bytes().take(18) {
                scale /= 10;
                value += i128::from(digit - b'0') * scale;
            }
            total_nanos = total_nanos
                .checked_add(value)
                .ok_or_else(|| error(DurationError::Invalid))?;
            if total_nanos > i128::from(i64::MAX) {
                return Err(error(DurationError::Invalid));
            }
        }
        let millis = (total_nanos / 1_000_000) as i64;
        Ok(SimDuration::from_millis(if negative {
            -millis
        } else {
            millis
        }))
    }

    /// Formats like Go's `time.Duration.String()`: `10s`, `1m20s`, `2m40s`, `5m0s`, `1h0m0s`, `500ms`.
    pub fn to_go_string(self) -> String {
        use std::fmt::Write as _;
        if self.millis == 0 {
            return "0s".to_string();
        }
        // One buffer for the whole text: the kubelet prints a duration into every
        // `Pulled` event message.
        let mut text = String::with_capacity(16);
        if self.millis < 0 {
            text.push('-');
        }
        let millis = self.millis.unsigned_abs();
        if millis < 1000 {
            let _ = write!(text, "{millis}ms");
            return text;
        }
        let hours = millis / 3_600_000;
        let minutes = (millis / 60_000) % 60;
        let seconds = (millis / 1000) % 60;
        let fraction = millis % 1000;
        if hours > 0 {
            let _ = write!(text, "{hours}h{minutes}m");
        } else if minutes > 0 {
            let _ = write!(text, "{minutes}m");
        }
        let _ = write!(text, "{seconds}");
        if fraction != 0 {
            let _ = write!(text, ".{fraction:03}");
            let trimmed = text.trim_end_matches('0').len();
            text.truncate(trimmed);
        }
        text.push('s');
        text
    }
}

/// Why Go's `time.ParseDuration` rejects a duration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DurationError {
    /// `time: invalid duration "abc"`.
    Invalid,
    /// `time: missing unit in duration "10"`.
    MissingUnit,
    /// `time: unknown unit "x" in duration "5x"`.
    UnknownUnit(String),
}

/// A duration that Go's `time.ParseDuration` would reject, worded as Go words it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message())]
pub struct DurationParseError {
    pub text: String,
    pub reason: DurationError,
}

impl DurationParseError {
    fn message(&self) -> String {
        let text = &self.text;
        match &self.reason {
            DurationError::Invalid => format!("time: invalid duration \"{text}\""),
            DurationError::MissingUnit => format!("time: missing unit in duration \"{text}\""),
            DurationError::UnknownUnit(unit) => {
                format!("time: unknown unit \"{unit}\" in duration \"{text}\"")
            }
        }
    }
}

impl Add<SimDuration> for SimTime {
    type Output = SimTime;
    fn add(self, rhs: SimDuration) -> SimTime {
        SimTime {
            unix_millis: self.unix_millis.saturating_add(rhs.millis),
        }
    }
}

impl AddAssign<SimDuration> for SimTime {
    fn add_assign(&mut self, rhs: SimDuration) {
        *self = *self + rhs;
    }
}

impl Sub<SimDuration> for SimTime {
    type Output = SimTime;
    fn sub(self, rhs: SimDuration) -> SimTime {
        SimTime {
            unix_millis: self.unix_millis.saturating_sub(rhs.millis),
        }
    }
}

impl Sub<SimTime> for SimTime {
    type Output = SimDuration;
    fn sub(self, rhs: SimTime) -> SimDuration {
        SimDuration {
            millis: self.unix_millis.saturating_sub(rhs.unix_millis),
        }
    }
}

impl Add for SimDuration {
    type Output = SimDuration;
    fn add(self, rhs: SimDuration) -> SimDuration {
        SimDuration {
            millis: self.millis.saturating_add(rhs.millis),
        }
    }
}

impl Sub for SimDuration {
    type Output = SimDuration;
    fn sub(self, rhs: SimDuration) -> SimDuration {
        SimDuration {
            millis: self.millis.saturating_sub(rhs.millis),
        }
    }
}

/// Appends `value` (0 ≤ value < 10^width) as exactly `width` decimal digits.
fn push_padded(text: &mut String, value: i64, width: u32) {
    let mut divisor = 10_i64.pow(width - 1);
    while divisor > 0 {
        let digit = (value / divisor) % 10;
        text.push(char::from(b'0' + digit as u8));
        divisor /= 10;
    }
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// (year, month, day) to days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month_index = if month > 2 { month - 3 } else { month + 9 };
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The digit-by-digit writer gives what `format!` gave, micros included, over
    /// centuries before and after 1970 (the years below 0 take the `format!` path).
    #[test]
    fn rfc3339_matches_format() {
        let mut rng = crate::rng::SimRng::new(3);
        for _ in 0..2000 {
            let millis = (rng.next_u64() % 600_000_000_000_000) as i64 - 300_000_000_000_000;
            let time = SimTime::from_unix_millis(millis);
            let seconds = time.unix_seconds();
            let (year, month, day) = civil_from_days(seconds.div_euclid(86_400));
            let second_of_day = seconds.rem_euclid(86_400);
            let expected = format!(
                "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
                second_of_day / 3600,
                (second_of_day / 60) % 60,
                second_of_day % 60
            );
            assert_eq!(time.to_rfc3339(), expected);
            let micros = millis.rem_euclid(1000) * 1000;
            assert_eq!(
                time.to_rfc3339_micros(),
                format!("{}.{micros:06}Z", &expected[..expected.len() - 1])
            );
        }
    }

    #[test]
    fn rfc3339_round_trips() {
        let cases = [
            (0, "1970-01-01T00:00:00Z"),
            (1_735_689_600, "2025-01-01T00:00:00Z"),
            (951_782_400, "2000-02-29T00:00:00Z"),
            (4_107_542_399, "2100-02-28T23:59:59Z"),
        ];
        for (seconds, text) in cases {
            assert_eq!(SimTime::from_unix_seconds(seconds).to_rfc3339(), text);
            assert_eq!(
                SimTime::parse_rfc3339(text).unwrap(),
                SimTime::from_unix_seconds(seconds)
            );
        }
        assert_eq!(
            SimTime::parse_rfc3339("2025-01-01T02:00:00.250+02:00").unwrap(),
            SimTime::from_unix_millis(1_735_689_600_250)
        );
        assert!(SimTime::parse_rfc3339("2025-13-01T00:00:00Z").is_err());
        assert!(SimTime::parse_rfc3339("yesterday").is_err());
        assert_eq!(
            SimTime::from_unix_millis(1_735_689_600_250).to_rfc3339_micros(),
            "2025-01-01T00:00:00.250000Z"
        );
    }

    #[test]
    fn go_durations_parse_and_print() {
        let cases = [
            ("30s", 30_000),
            ("5m", 300_000),
            ("1h30m", 5_400_000),
            ("1.5h", 5_400_000),
            ("250ms", 250),
            ("0", 0),
            ("2h45m10s", 9_910_000),
        ];
        for (text, millis) in cases {
            assert_eq!(
                SimDuration::parse_go(text).unwrap().as_millis(),
                millis,
                "{text}"
            );
        }
        // Go's parseDurationErrorTests (src/time/time_test.go), with the message
        // ParseDuration gives each: no unit after a number, an unknown unit, or invalid.
        let errors = [
            ("", "time: invalid duration \"\""),
            ("3", "time: missing unit in duration \"3\""),
            ("-", "time: invalid duration \"-\""),
            ("s", "time: invalid duration \"s\""),
            (".", "time: invalid duration \".\""),
            ("-.", "time: invalid duration \"-.\""),
            (".s", "time: invalid duration \".s\""),
            ("+.s", "time: invalid duration \"+.s\""),
            ("1d", "time: unknown unit \"d\" in duration \"1d\""),
            (
                "9223372036854775810ns",
                "time: invalid duration \"9223372036854775810ns\"",
            ),
            ("3000000h", "time: invalid duration \"3000000h\""),
            ("abc", "time: invalid duration \"abc\""),
            ("1h30", "time: missing unit in duration \"1h30\""),
            ("1.5.2s", "time: missing unit in duration \"1.5.2s\""),
            ("5x", "time: unknown unit \"x\" in duration \"5x\""),
        ];
        for (bad, message) in errors {
            assert_eq!(
                SimDuration::parse_go(bad).unwrap_err().to_string(),
                message,
                "{bad:?}"
            );
        }
        let printed = [
            (10_000, "10s"),
            (80_000, "1m20s"),
            (160_000, "2m40s"),
            (300_000, "5m0s"),
            (3_600_000, "1h0m0s"),
            (500, "500ms"),
            (1_500, "1.5s"),
            (1_050, "1.05s"),
            (3_723_040, "1h2m3.04s"),
            (-61_500, "-1m1.5s"),
            (-20, "-20ms"),
        ];
        for (millis, text) in printed {
            assert_eq!(SimDuration::from_millis(millis).to_go_string(), text);
        }
    }
}
