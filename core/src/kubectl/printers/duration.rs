//! `duration.HumanDuration`: how kubectl prints ages (`5m30s`, `3h`, `2d1h`).
//!
//! Upstream: `staging/src/k8s.io/apimachinery/pkg/util/duration/duration.go`.
//! Up to two seconds in the future still reads as now (clocks drift); earlier
//! than that is `<invalid>`. Example: 49 hours is past 48 h and under 8 days,
//! so it prints days and the remaining hours, `2d1h`.

use crate::time::{SimDuration, SimTime};

pub fn human_duration(elapsed: SimDuration) -> String {
    let millis = elapsed.as_millis();
    // Go's int(d.Seconds()) truncates towards zero.
    let seconds = millis / 1000;
    if seconds < -1 {
        return "<invalid>".to_string();
    }
    if seconds < 0 {
        return "0s".to_string();
    }
    if seconds < 60 * 2 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        let rest = seconds % 60;
        return if rest == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{rest}s")
        };
    }
    if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = seconds / 3600;
    if hours < 8 {
        let rest = minutes % 60;
        return if rest == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{rest}m")
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let rest = hours % 24;
        return if rest == 0 {
            format!("{}d", hours / 24)
        } else {
            format!("{}d{rest}h", hours / 24)
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let days = (hours / 24) % 365;
        return if days == 0 {
            format!("{}y", hours / 24 / 365)
        } else {
            format!("{}y{days}d", hours / 24 / 365)
        };
    }
    format!("{}y", hours / 24 / 365)
}

/// `translateTimestampSince`: the age of a timestamp, `<unknown>` when there is none.
pub fn since(timestamp: Option<SimTime>, now: SimTime) -> String {
    match timestamp {
        None => "<unknown>".to_string(),
        Some(timestamp) => human_duration(now - timestamp),
    }
}

/// [`since`] for an RFC 3339 string as the wire carries it (`metav1.Time`,
/// `metav1.MicroTime`); unparsable or missing reads `<unknown>`.
pub fn since_text(timestamp: Option<&str>, now: SimTime) -> String {
    since(
        timestamp.and_then(|text| SimTime::parse_rfc3339(text).ok()),
        now,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_duration_matches_upstream_vectors() {
        // staging/src/k8s.io/apimachinery/pkg/util/duration/duration_test.go (TestHumanDuration).
        let second = 1000i64;
        let minute = 60 * second;
        let hour = 60 * minute;
        let day = 24 * hour;
        let year = 365 * day;
        for (millis, expected) in [
            (second, "1s"),
            (70 * second, "70s"),
            (119_999, "119s"),
            (2 * minute, "2m"),
            (2 * minute + second, "2m1s"),
            (190 * second, "3m10s"),
            (10 * minute - 1, "9m59s"),
            (10 * minute, "10m"),
            (10 * minute + second, "10m"),
            (70 * minute, "70m"),
            (180 * minute - 1, "179m"),
            (3 * hour, "3h"),
            (3 * hour + minute, "3h1m"),
            (7 * hour + 59 * minute, "7h59m"),
            (8 * hour, "8h"),
            (8 * hour + 59 * minute, "8h"),
            (47 * hour, "47h"),
            (48 * hour, "2d"),
            (49 * hour, "2d1h"),
            (7 * day + 23 * hour, "7d23h"),
            (8 * day, "8d"),
            (8 * day + 23 * hour, "8d"),
            (367 * day, "367d"),
            (730 * day - 10 * minute, "729d"),
            (730 * day, "2y"),
            (731 * day, "2y1d"),
            (3 * year, "3y"),
            (8 * year - 1, "7y364d"),
            (8 * year + 2 * hour, "8y"),
            (0, "0s"),
            (-2 * second + 1, "0s"),
            (-2 * second, "<invalid>"),
        ] {
            assert_eq!(
                human_duration(SimDuration::from_millis(millis)),
                expected,
                "{millis} ms"
            );
        }
    }

    #[test]
    fn missing_timestamps_are_unknown() {
        let now = SimTime::DEFAULT_EPOCH;
        assert_eq!(since(None, now), "<unknown>");
        assert_eq!(since_text(Some("2024-12-31T23:59:00Z"), now), "60s");
        assert_eq!(since_text(Some("garbage"), now), "<unknown>");
    }
}
