//! The campaign's dashboard for leads: support against the supermajority target, how
//! much of the chart is known, this week's one-on-ones, and what is overdue or thin.
//! Plain counts from the store; every share and gap is computed here.

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

/// One-on-ones an organizer logged this week and last (weeks start on Monday, UTC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizerWeeks {
    pub organizer: String,
    pub this_week: i64,
    pub last_week: i64,
}

/// An area's head count and how many of them were talked to recently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaReach {
    pub area_id: i64,
    pub area: String,
    pub coworkers: i64,
    pub talked_to: i64,
}

/// What the dashboard shows. Counts are of coworkers on the chart now: not archived,
/// and active, on leave or disciplined (people who left or were fired are history).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub coworkers: i64,
    /// Rated 1 or 2.
    pub supporters: i64,
    /// Rated at all (1–5); the rest are unknown, and unknown is not support.
    pub assessed: i64,
    /// Rated, but last rated more than `stale_days` ago.
    pub stale: i64,
    pub stale_days: i64,
    /// Percent rated 1–2 the campaign aims for.
    pub target: i64,
    pub follow_ups_overdue: i64,
    pub commitments_overdue: i64,
    /// The Monday this week starts on.
    pub week_of: NaiveDate,
    pub by_organizer: Vec<OrganizerWeeks>,
    /// Areas with the smallest share talked to in the last `reach_days` days, weakest first.
    pub weakest_areas: Vec<AreaReach>,
    pub reach_days: i64,
    /// The structure test opened last, with its result (filled in beside the counts).
    #[serde(default)]
    pub latest_test: Option<crate::structure::TimelineEntry>,
}

/// How many areas the dashboard lists as weakest.
pub const WEAKEST_AREAS: usize = 5;

/// The Monday of `day`'s week.
pub fn week_start(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// `part` of `whole` in whole percent, rounded down (so 69.9 % never reads as 70 %);
/// 0 for an empty whole.
pub fn percent_floor(part: i64, whole: i64) -> i64 {
    if whole <= 0 {
        0
    } else {
        part * 100 / whole
    }
}

impl Dashboard {
    pub fn support_percent(&self) -> i64 {
        percent_floor(self.supporters, self.coworkers)
    }

    pub fn assessed_percent(&self) -> i64 {
        percent_floor(self.assessed, self.coworkers)
    }

    /// Supporters the target needs: `target`% of everyone, rounded up.
    pub fn target_supporters(&self) -> i64 {
        (self.target * self.coworkers + 99) / 100
    }

    /// How many more supporters reach the target (0 once it is met).
    pub fn short_of_target(&self) -> i64 {
        (self.target_supporters() - self.supporters).max(0)
    }

    /// Keeps the `WEAKEST_AREAS` areas with the smallest share talked to (ties: the
    /// larger area first, then by name), among areas with anyone in them.
    pub fn rank_weakest(mut areas: Vec<AreaReach>) -> Vec<AreaReach> {
        areas.retain(|a| a.coworkers > 0);
        // Compare talked/coworkers as cross products: exact, no floats.
        areas.sort_by(|a, b| {
            (a.talked_to * b.coworkers)
                .cmp(&(b.talked_to * a.coworkers))
                .then(b.coworkers.cmp(&a.coworkers))
                .then(a.area.cmp(&b.area))
        });
        areas.truncate(WEAKEST_AREAS);
        areas
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn board(coworkers: i64, supporters: i64, target: i64) -> Dashboard {
        Dashboard {
            coworkers,
            supporters,
            assessed: supporters,
            stale: 0,
            stale_days: 30,
            target,
            follow_ups_overdue: 0,
            commitments_overdue: 0,
            week_of: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
            by_organizer: Vec::new(),
            weakest_areas: Vec::new(),
            reach_days: 30,
            latest_test: None,
        }
    }

    #[test]
    fn weeks_start_on_monday() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        // 2026-12-01 is a Tuesday; 2026-12-06 a Sunday; 2026-12-07 a Monday.
        assert_eq!(
            week_start(day(1)),
            NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
        );
        assert_eq!(
            week_start(day(6)),
            NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
        );
        assert_eq!(week_start(day(7)), day(7));
    }

    #[test]
    fn support_is_of_everyone_and_rounds_down() {
        // 139 of 200 is 69.5 %: not yet 70 %, and one more supporter reaches it.
        let b = board(200, 139, 70);
        assert_eq!(b.support_percent(), 69);
        assert_eq!(b.target_supporters(), 140);
        assert_eq!(b.short_of_target(), 1);
        // 7 of 10 meets 70 % exactly.
        assert_eq!(board(10, 7, 70).short_of_target(), 0);
        // The target rounds up: 70 % of 11 people is 7.7, so 8 are needed.
        assert_eq!(board(11, 7, 70).short_of_target(), 1);
        assert_eq!(board(0, 0, 70).support_percent(), 0);
        assert_eq!(board(0, 0, 70).short_of_target(), 0);
    }

    #[test]
    fn the_weakest_areas_are_the_least_talked_to_share() {
        let area = |id, name: &str, coworkers, talked_to| AreaReach {
            area_id: id,
            area: name.into(),
            coworkers,
            talked_to,
        };
        let ranked = Dashboard::rank_weakest(vec![
            area(1, "ICU", 10, 5),      // 50 %
            area(2, "Laundry", 4, 0),   // 0 %
            area(3, "Kitchen", 20, 2),  // 10 %
            area(4, "Empty", 0, 0),     // nobody: not listed
            area(5, "Pharmacy", 8, 0),  // 0 %, larger than Laundry
            area(6, "ER", 30, 15),      // 50 %, larger than ICU
            area(7, "Transport", 3, 3), // 100 %
        ]);
        let names: Vec<&str> = ranked.iter().map(|a| a.area.as_str()).collect();
        assert_eq!(names, ["Pharmacy", "Laundry", "Kitchen", "ER", "ICU"]);
    }
}
