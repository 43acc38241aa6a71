//! The campaign's calendar in UTC: where a day ends and a week ends. Maps, trends and
//! the disclosure policy's coarsening all count days and weeks this one way.

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, Utc};

/// The first moment after `day` (UTC): a map "as of" a day counts what was so before it.
pub fn end_of_day(day: NaiveDate) -> DateTime<Utc> {
    day.checked_add_days(Days::new(1))
        .unwrap_or(day)
        .and_time(NaiveTime::MIN)
        .and_utc()
}

/// The last Sunday on or before `day`: the end of its week (weeks run Monday to Sunday,
/// UTC). A weekly snapshot stands for the end of such a day.
pub fn week_end(day: NaiveDate) -> NaiveDate {
    let since_sunday = (day.weekday().num_days_from_monday() + 1) % 7;
    day.checked_sub_days(Days::new(u64::from(since_sunday)))
        .unwrap_or(day)
}
