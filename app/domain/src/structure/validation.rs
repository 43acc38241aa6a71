//! What a test says about the ratings: each person's rating when the test opened beside
//! what they did. A "2" who would not sign is probably a 3; the rates per rating level,
//! per organizer who gave the rating and per area show how far the chart can be trusted.
//! Nothing here changes a rating: the surprises are listed for a person to re-rate.

use serde::{Deserialize, Serialize};

use super::Response;
use crate::Area;

/// One person of a test's scope, for the comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidationInput {
    pub coworker_id: i64,
    pub name: String,
    /// Where they were when the test opened.
    pub area_id: Option<i64>,
    /// Their rating when the test opened, and who gave it.
    pub rating_then: Option<i32>,
    pub rated_by: Option<String>,
    pub response: Option<Response>,
    /// Their rating now (it may have been changed since).
    pub rating_now: Option<i32>,
    /// Their disclosure key (`domain::disclosure`), and where they are and whose they are
    /// now (the scope rule's inputs): server-side only.
    #[serde(skip)]
    pub key: u32,
    #[serde(skip)]
    pub now_area_id: Option<i64>,
    #[serde(skip)]
    pub organizer_id: Option<i64>,
}

/// How many of a group took part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateRow {
    pub label: String,
    pub people: i64,
    pub took_part: i64,
}

impl RateRow {
    /// Whole percent, rounded down.
    pub fn percent(&self) -> i64 {
        super::tally::share(self.took_part, self.people)
    }
}

/// Someone whose rating and action disagree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Surprise {
    pub coworker_id: i64,
    pub name: String,
    pub rating_then: Option<i32>,
    pub rating_now: Option<i32>,
    pub response: Option<Response>,
    pub rated_by: Option<String>,
}

/// The comparison of one test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validation {
    /// Ratings 1 to 5, then "Not rated": always six rows.
    pub by_rating: Vec<RateRow>,
    /// By who gave the rating (people never rated are left out), by e-mail.
    pub by_organizer: Vec<RateRow>,
    /// By area when the test opened, by name ("No area" last).
    pub by_area: Vec<RateRow>,
    /// Rated 1–2, asked, and did not take part, by name.
    pub overrated: Vec<Surprise>,
    /// Rated 4–5 and took part, by name.
    pub underrated: Vec<Surprise>,
    /// People of the scope never asked (no mark, not reached, absent): left out of every
    /// rate above, since nobody knows what they would have done.
    #[serde(default)]
    pub not_asked: i64,
}

/// The labels of [`Validation::by_rating`].
pub const RATING_ROWS: [&str; 6] = crate::rating::LABELS;

fn tally(rows: &mut Vec<RateRow>, label: &str, took_part: bool) {
    let row = match rows.iter_mut().position(|r| r.label == label) {
        Some(i) => &mut rows[i],
        None => {
            rows.push(RateRow {
                label: label.to_owned(),
                people: 0,
                took_part: 0,
            });
            rows.last_mut().expect("just pushed")
        }
    };
    row.people += 1;
    row.took_part += i64::from(took_part);
}

impl Validation {
    pub fn build(people: &[ValidationInput], areas: &[Area]) -> Self {
        let mut by_rating: Vec<RateRow> = RATING_ROWS
            .iter()
            .map(|l| RateRow {
                label: (*l).to_owned(),
                people: 0,
                took_part: 0,
            })
            .collect();
        let mut by_organizer = Vec::new();
        let mut by_area = Vec::new();
        let mut overrated = Vec::new();
        let mut underrated = Vec::new();
        let mut not_asked = 0;
        for p in people {
            let Some(response) = p.response.filter(|r| r.asked()) else {
                not_asked += 1;
                continue;
            };
            let took_part = response.took_part();
            let level = match p.rating_then {
                Some(r @ 1..=5) => (r - 1) as usize,
                _ => 5,
            };
            tally(&mut by_rating, RATING_ROWS[level], took_part);
            if let (Some(_), Some(who)) = (p.rating_then, &p.rated_by) {
                tally(&mut by_organizer, who, took_part);
            }
            let area = p
                .area_id
                .and_then(|id| areas.iter().find(|a| a.id == id))
                .map_or("No area", |a| a.name.as_str());
            tally(&mut by_area, area, took_part);
            let surprise = || Surprise {
                coworker_id: p.coworker_id,
                name: p.name.clone(),
                rating_then: p.rating_then,
                rating_now: p.rating_now,
                response: p.response,
                rated_by: p.rated_by.clone(),
            };
            match p.rating_then {
                Some(1 | 2) if !took_part => overrated.push(surprise()),
                Some(4 | 5) if took_part => underrated.push(surprise()),
                _ => {}
            }
        }
        by_organizer.sort_by(|a, b| a.label.cmp(&b.label));
        by_area.sort_by(|a, b| {
            (a.label == "No area", &a.label).cmp(&(b.label == "No area", &b.label))
        });
        overrated.sort_by(|a, b| a.name.cmp(&b.name));
        underrated.sort_by(|a, b| a.name.cmp(&b.name));
        Validation {
            by_rating,
            by_organizer,
            by_area,
            overrated,
            underrated,
            not_asked,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(
        id: i64,
        rating: Option<i32>,
        by: &str,
        area: i64,
        r: Option<Response>,
    ) -> ValidationInput {
        ValidationInput {
            coworker_id: id,
            name: format!("P{id:02}"),
            area_id: Some(area),
            rating_then: rating,
            rated_by: (!by.is_empty()).then(|| by.to_owned()),
            response: r,
            rating_now: rating,
            key: id as u32,
            now_area_id: Some(area),
            organizer_id: None,
        }
    }

    /// A fixture computed by hand: ten people, two organizers, two areas.
    #[test]
    fn the_rates_match_a_hand_count() {
        use Response::*;
        let areas = [Area::new(1, None, "Packing"), Area::new(2, None, "Dock")];
        let people = [
            person(1, Some(1), "ana@x", 1, Some(TookPart)),
            person(2, Some(1), "ana@x", 1, Some(TookPart)),
            person(3, Some(2), "ana@x", 1, Some(Declined)), // overrated
            person(4, Some(2), "ben@x", 2, Some(TookPart)),
            person(5, Some(2), "ben@x", 2, None), // not asked: no mark
            person(6, Some(3), "ben@x", 2, Some(TookPart)),
            person(7, Some(3), "ana@x", 1, Some(NotReached)), // not asked
            person(8, Some(4), "ben@x", 2, Some(TookPart)),   // underrated
            person(9, Some(5), "ben@x", 2, Some(Absent)),     // not asked
            person(10, None, "", 1, Some(TookPart)),
        ];
        let v = Validation::build(&people, &areas);
        let rates: Vec<(i64, i64)> = v
            .by_rating
            .iter()
            .map(|r| (r.people, r.took_part))
            .collect();
        assert_eq!(rates, [(2, 2), (2, 1), (1, 1), (1, 1), (0, 0), (1, 1)]);
        assert_eq!(v.by_rating[1].percent(), 50);
        assert_eq!(v.not_asked, 3);
        let orgs: Vec<(&str, i64, i64)> = v
            .by_organizer
            .iter()
            .map(|r| (r.label.as_str(), r.people, r.took_part))
            .collect();
        // Asked: ana rated 1, 2, 3: 2 took part; ben rated 4, 6, 8: 3 took part.
        assert_eq!(orgs, [("ana@x", 3, 2), ("ben@x", 3, 3)]);
        let by_area: Vec<(&str, i64, i64)> = v
            .by_area
            .iter()
            .map(|r| (r.label.as_str(), r.people, r.took_part))
            .collect();
        assert_eq!(by_area, [("Dock", 3, 3), ("Packing", 4, 3)]);
        let names = |s: &[Surprise]| s.iter().map(|p| p.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&v.overrated), ["P03"], "P05 was never asked");
        assert_eq!(names(&v.underrated), ["P08"]);
    }

    #[test]
    fn a_vote_counts_yes_as_taking_part() {
        use Response::*;
        let people = [
            person(1, Some(2), "a@x", 1, Some(Yes)),
            person(2, Some(1), "a@x", 1, Some(No)),
            person(3, Some(5), "a@x", 1, Some(Yes)),
            person(4, Some(4), "a@x", 1, Some(Abstain)),
        ];
        let v = Validation::build(&people, &[]);
        assert_eq!(v.overrated.len(), 1);
        assert_eq!(v.overrated[0].coworker_id, 2);
        assert_eq!(v.underrated.len(), 1);
        assert_eq!(v.underrated[0].coworker_id, 3);
        assert_eq!(v.by_area[0].label, "No area");
    }
}
