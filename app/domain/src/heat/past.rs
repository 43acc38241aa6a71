//! The map's past: the weeks of the trend, the weekly snapshots kept, and the rule for
//! what was in force before a moment (a placement, a rating) that the store's as-of SQL
//! follows too.

use chrono::{DateTime, Days, NaiveDate, Utc};

use super::TREND_WEEKS;
use crate::calendar::{end_of_day, week_end};
use crate::workplace::EmploymentStatus;

/// The ends of the trend's weeks, oldest first: the eleven Sundays (UTC) before `as_of`
/// (or ending on it, when it is a Sunday), then `as_of` itself. Ending on Sundays, the
/// weeks before the last are the stored weekly snapshots' moments ([`week_end`]).
pub fn trend_weeks(as_of: NaiveDate) -> Vec<NaiveDate> {
    let sunday = week_end(as_of);
    let back = |weeks: usize| {
        sunday
            .checked_sub_days(Days::new(7 * weeks as u64))
            .unwrap_or(sunday)
    };
    let mut weeks: Vec<NaiveDate> = if sunday == as_of {
        (0..TREND_WEEKS).rev().map(back).collect()
    } else {
        (0..TREND_WEEKS - 1).rev().map(back).collect()
    };
    if sunday != as_of {
        weeks.push(as_of);
    }
    weeks
}

/// How many weeks of snapshots are kept: a trend's eleven, for a map up to fifteen weeks
/// back. A map further back reads the histories alone (slower, the same numbers).
pub const SNAPSHOT_WEEKS: usize = 26;

/// The moments of the snapshots to keep at `now`, oldest first: the ends of the last
/// [`SNAPSHOT_WEEKS`] weeks that are over.
pub fn snapshot_moments(now: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let yesterday = now
        .date_naive()
        .checked_sub_days(Days::new(1))
        .unwrap_or(now.date_naive());
    let last = week_end(yesterday);
    (0..SNAPSHOT_WEEKS)
        .rev()
        .filter_map(|back| last.checked_sub_days(Days::new(7 * back as u64)))
        .map(end_of_day)
        .collect()
}

/// The snapshot a map before `moment` starts from: the end of the last week over by
/// then (the moment itself when it ends a week).
pub fn snapshot_before(moment: DateTime<Utc>) -> DateTime<Utc> {
    let day = moment
        .date_naive()
        .checked_sub_days(Days::new(1))
        .unwrap_or(moment.date_naive());
    end_of_day(week_end(day))
}

/// Where a coworker was from a moment on (one row of the placement history).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    pub at: DateTime<Utc>,
    pub area_id: Option<i64>,
    pub shift_id: Option<i64>,
    pub status: EmploymentStatus,
    pub archived: bool,
}

impl Placement {
    /// On the map: in the unit (not left or fired) and not archived.
    pub fn counted(&self) -> bool {
        !self.archived && self.status.is_employed()
    }
}

/// The placement in force before `moment`: the latest one dated before it (of two at
/// the same moment, the later in the history). The store's as-of SQL follows this rule.
pub fn placement_before(history: &[Placement], moment: DateTime<Utc>) -> Option<&Placement> {
    history
        .iter()
        .enumerate()
        .filter(|(_, p)| p.at < moment)
        .max_by_key(|(i, p)| (p.at, *i))
        .map(|(_, p)| p)
}

/// The rating in force before `moment`, from dated ratings (the same rule).
pub fn rating_before(history: &[(DateTime<Utc>, i32)], moment: DateTime<Utc>) -> Option<i32> {
    history
        .iter()
        .enumerate()
        .filter(|(_, (at, _))| *at < moment)
        .max_by_key(|(i, (at, _))| (*at, *i))
        .map(|(_, (_, rating))| *rating)
}
