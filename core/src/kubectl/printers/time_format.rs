//! Go's `time.RFC1123Z` layout in UTC, as `kubectl describe` prints timestamps:
//! `Mon, 02 Jan 2006 15:04:05 -0700`, e.g. `Wed, 01 Jan 2025 00:00:00 +0000`.

use crate::time::SimTime;

const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

pub fn rfc1123z(time: SimTime) -> String {
    let seconds = time.unix_seconds();
    let days = seconds.div_euclid(86_400);
    let second_of_day = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{}, {day:02} {} {year:04} {:02}:{:02}:{:02} +0000",
        WEEKDAYS[days.rem_euclid(7) as usize],
        MONTHS[(month - 1) as usize],
        second_of_day / 3600,
        (second_of_day / 60) % 60,
        second_of_day % 60
    )
}

/// [`rfc1123z`] of an RFC 3339 string; Go's zero time when it does not parse.
pub fn rfc1123z_text(text: Option<&str>) -> String {
    match text.and_then(|text| SimTime::parse_rfc3339(text).ok()) {
        Some(time) => rfc1123z(time),
        None => "Mon, 01 Jan 0001 00:00:00 +0000".to_string(),
    }
}

/// Howard Hinnant's days-to-civil algorithm.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_go() {
        assert_eq!(
            rfc1123z(SimTime::DEFAULT_EPOCH),
            "Wed, 01 Jan 2025 00:00:00 +0000"
        );
        assert_eq!(
            rfc1123z(SimTime::parse_rfc3339("2024-02-29T13:05:09Z").unwrap()),
            "Thu, 29 Feb 2024 13:05:09 +0000"
        );
        assert_eq!(
            rfc1123z(SimTime::from_unix_seconds(0)),
            "Thu, 01 Jan 1970 00:00:00 +0000"
        );
        assert_eq!(rfc1123z_text(None), "Mon, 01 Jan 0001 00:00:00 +0000");
    }
}
