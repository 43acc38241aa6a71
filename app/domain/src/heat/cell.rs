//! One cell opened: its people, grouped by rating, and the areas a row counts.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::HeatColumn;

/// A coworker of a drill-down: named only for leads and organizers in scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellPerson {
    pub id: i64,
    pub name: String,
}

/// The coworkers of one rating in a cell (`rating` None: not assessed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingGroup {
    pub rating: Option<i32>,
    pub people: Vec<CellPerson>,
}

/// One cell opened: who is in it, by rating (1 first, unknown last).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeatCellDetail {
    pub area_id: Option<i64>,
    /// The area and its sub-areas, as the row counts them.
    pub area_name: String,
    pub column: HeatColumn,
    pub as_of: NaiveDate,
    pub groups: Vec<RatingGroup>,
    /// More people than a drill-down lists ([`CELL_PEOPLE_MAX`]): open a smaller row.
    pub truncated: bool,
}

/// A drill-down lists at most this many people.
pub const CELL_PEOPLE_MAX: usize = 2_000;

/// Groups `people` (with their rating) by rating: 1 to 5, then unknown; by name within.
pub fn group_by_rating(mut people: Vec<(Option<i32>, CellPerson)>) -> Vec<RatingGroup> {
    people.sort_by(|(ra, a), (rb, b)| {
        let order = |r: &Option<i32>| r.unwrap_or(i32::MAX);
        order(ra)
            .cmp(&order(rb))
            .then_with(|| a.name.cmp(&b.name))
            .then(a.id.cmp(&b.id))
    });
    let mut groups: Vec<RatingGroup> = Vec::new();
    for (rating, person) in people {
        match groups.last_mut() {
            Some(g) if g.rating == rating => g.people.push(person),
            _ => groups.push(RatingGroup {
                rating,
                people: vec![person],
            }),
        }
    }
    groups
}
