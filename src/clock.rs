//! Times as people and programs read them, formatted with the `time` crate. A time is kept
//! as Unix milliseconds (UTC). A person reads it in Japan Standard Time with the zone
//! written, on every page, because the operator's customers and staff are in Japan; the
//! public API and the feed give RFC 3339 in UTC.

use time::format_description::BorrowedFormatItem;
use time::macros::{format_description, offset};
use time::{OffsetDateTime, UtcOffset};

const JST: UtcOffset = offset!(+9);

const RFC3339_SECONDS: &[BorrowedFormatItem<'_>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
const DATE: &[BorrowedFormatItem<'_>] = format_description!("[year]-[month]-[day]");
const MINUTE: &[BorrowedFormatItem<'_>] =
    format_description!("[year]-[month]-[day] [hour]:[minute] JST");
const SECOND: &[BorrowedFormatItem<'_>] =
    format_description!("[year]-[month]-[day] [hour]:[minute]:[second] JST");

fn at(millis: i64, zone: UtcOffset) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .to_offset(zone)
}

fn format(millis: i64, zone: UtcOffset, layout: &[BorrowedFormatItem<'_>]) -> String {
    // Formatting fails only for a year beyond four digits, which a stored time never has.
    at(millis, zone).format(layout).unwrap_or_default()
}

/// `2026-11-22T04:05:06Z`: RFC 3339 in UTC, whole seconds.
pub fn rfc3339(millis: i64) -> String {
    format(millis, UtcOffset::UTC, RFC3339_SECONDS)
}

/// The calendar date in Japan: `2026-11-22`.
pub fn japan_date(millis: i64) -> String {
    format(millis, JST, DATE)
}

/// When the day `YYYY-MM-DD` begins in Japan, in Unix milliseconds; `None` for anything
/// that is not a real date.
pub fn japan_day_start(iso: &str) -> Option<i64> {
    let layout = format_description!("[year]-[month]-[day]");
    if iso.len() != 10 {
        return None;
    }
    let date = time::Date::parse(iso, layout).ok()?;
    let start = date.midnight().assume_offset(JST);
    Some((start.unix_timestamp_nanos() / 1_000_000) as i64)
}

/// When the day after `YYYY-MM-DD` begins in Japan: the end of that day, exclusive.
pub fn japan_day_end(iso: &str) -> Option<i64> {
    japan_day_start(iso).map(|start| start + 24 * 3_600_000)
}

const DAY_MILLIS: i64 = 24 * 3_600_000;
const JST_MILLIS: i64 = 9 * 3_600_000;

/// The day in Japan that `millis` falls on, counted from 1970-01-01: the same number for
/// every moment of one Japanese calendar day.
pub fn japan_day_number(millis: i64) -> i64 {
    (millis + JST_MILLIS).div_euclid(DAY_MILLIS)
}

/// When the Japanese day numbered `day` (see [`japan_day_number`]) begins.
pub fn japan_day_number_start(day: i64) -> i64 {
    day * DAY_MILLIS - JST_MILLIS
}

/// A moment as a customer in Japan reads it: `2026-11-22 13:05 JST`.
pub fn japan_time(millis: i64) -> String {
    format(millis, JST, MINUTE)
}

/// A moment to the second, for staff records (the audit log, revisions, uploads):
/// `2026-11-22 13:05:06 JST`.
pub fn japan_time_exact(millis: i64) -> String {
    format(millis, JST, SECOND)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_in_japan_begins_at_midnight_jst() {
        // 2026-11-22 00:00 JST = 2026-11-21 15:00 UTC.
        assert_eq!(japan_day_start("2026-11-22"), Some(1_795_273_200_000));
        assert_eq!(japan_day_end("2026-11-22"), Some(1_795_359_600_000));
        assert_eq!(
            japan_date(japan_day_start("2026-11-22").unwrap()),
            "2026-11-22"
        );
        assert_eq!(
            japan_date(japan_day_end("2026-11-22").unwrap() - 1),
            "2026-11-22"
        );
        for bad in ["", "2026-11-31", "2026-1-2", "+2026-11-22", "yesterday"] {
            assert_eq!(japan_day_start(bad), None, "{bad}");
        }
    }

    #[test]
    fn day_numbers_turn_at_midnight_in_japan() {
        let start = japan_day_start("2026-11-22").unwrap();
        let day = japan_day_number(start);
        assert_eq!(japan_day_number(start - 1), day - 1);
        assert_eq!(japan_day_number(start + DAY_MILLIS - 1), day);
        assert_eq!(japan_day_number_start(day), start);
        assert_eq!(japan_day_number(japan_day_number_start(-3)), -3);
    }

    #[test]
    fn known_instants() {
        let t = 1_795_320_306_789; // 2026-11-22 04:05:06.789 UTC
        assert_eq!(rfc3339(t), "2026-11-22T04:05:06Z");
        assert_eq!(japan_date(t), "2026-11-22");
        assert_eq!(japan_time(t), "2026-11-22 13:05 JST");
        assert_eq!(japan_time_exact(t), "2026-11-22 13:05:06 JST");
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400_000), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn the_japanese_date_turns_at_midnight_in_japan() {
        let before = 1_795_359_599_000; // 2026-11-22 14:59:59 UTC = 23:59:59 JST
        assert_eq!(japan_date(before), "2026-11-22");
        assert_eq!(japan_date(before + 1_000), "2026-11-23");
    }
}
