//! Forecasting a strike vote from the chart, before it is held.
//!
//! Every rating level (1 to 5, and not yet rated) has a chance of turning out and a
//! chance of voting yes when voting. From those and the people in the vote's scope,
//! [`model`] gives the chance of passing the rule, the expected yes share and an 80%
//! interval; [`path`] finds the fewest moves (a conversation moving a 3 to a 2, a plan
//! to vote with someone) that lift the chance of passing above a chosen level.
//!
//! A *scenario* is the committee's what-if: its rates, and people moved between levels
//! ("if we move eight 3s in Nursing to 2"). Everything here is pure and compiled for the
//! browser too, so the what-if island computes exactly what the server shows.

pub mod model;
pub mod path;
pub mod plan;

use serde::{Deserialize, Serialize};

use super::disclosure::{Keyed, Policy};
use super::rule::VoteRule;
use super::{Area, Shift};
use crate::Invalid;
pub use model::{Chance, Prediction};

/// Rating levels: 1 to 5 are indexes 0 to 4, "not yet rated" is 5.
pub const LEVELS: usize = 6;
pub const UNRATED: usize = 5;

/// The label of a level, as the chart says it.
pub fn level_label(level: usize) -> &'static str {
    crate::rating::LABELS[level.min(UNRATED)]
}

/// A coworker's level from their rating.
pub fn level_of(rating: Option<i32>) -> usize {
    match rating {
        Some(r @ 1..=5) => (r - 1) as usize,
        _ => UNRATED,
    }
}

/// Per level, in whole percents: the chance of turning out, and of voting yes when voting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rates {
    pub turnout: [u8; LEVELS],
    pub yes: [u8; LEVELS],
}

impl Default for Rates {
    /// A committee's usual first guess: leaders and supporters vote and vote yes, the
    /// undecided split, the opposed mostly stay home or vote no; people nobody has
    /// talked to are assumed a little worse than undecided.
    fn default() -> Self {
        Rates {
            turnout: [95, 90, 75, 60, 50, 60],
            yes: [98, 90, 55, 15, 3, 40],
        }
    }
}

impl Rates {
    pub fn chance(&self, level: usize) -> Chance {
        Chance::new(
            f64::from(self.turnout[level]) / 100.0,
            f64::from(self.yes[level]) / 100.0,
        )
    }

    /// From a form's twelve fields (`turnout[i]`, `yes[i]`, whole percents 0–100).
    pub fn parse(turnout: &[String], yes: &[String]) -> Result<Self, Invalid> {
        use crate::AllOk;
        let levels = |field: &'static str, raw: &[String]| -> Result<[u8; LEVELS], Invalid> {
            if raw.len() != LEVELS {
                return Err(Invalid::new(field, "Give a rate for every level."));
            }
            let mut out = [0; LEVELS];
            for (i, value) in raw.iter().enumerate() {
                out[i] = value
                    .trim()
                    .trim_end_matches('%')
                    .parse::<u8>()
                    .ok()
                    .filter(|p| *p <= 100)
                    .ok_or_else(|| {
                        Invalid::new(
                            field,
                            format!(
                                "{} for {}: give a whole percent from 0 to 100.",
                                if field == "yes" { "Yes" } else { "Turnout" },
                                level_label(i)
                            ),
                        )
                    })?;
            }
            Ok(out)
        };
        let (turnout, yes) = (levels("turnout", turnout), levels("yes", yes)).all_ok()?;
        Ok(Rates { turnout, yes })
    }
}

/// People moved between levels in a what-if: `count` of those at `from` in `area_id`
/// (with the areas beneath; None: anywhere in the scope) are counted at `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Move {
    pub area_id: Option<i64>,
    pub from: usize,
    pub to: usize,
    pub count: i64,
}

/// The most moves one scenario holds.
pub const MAX_MOVES: usize = 40;

/// A committee's what-if: rates, and people moved between levels.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Scenario {
    pub rates: Rates,
    pub moves: Vec<Move>,
}

impl Scenario {
    /// Reads a scenario form: the rates and up to [`MAX_MOVES`] rows of moves
    /// (`move_area[i]`, `move_from[i]`, `move_to[i]`, `move_count[i]`; a row with no
    /// count is left out). Levels are 1–5 or "unrated"; areas must be the campaign's.
    pub fn parse(
        turnout: &[String],
        yes: &[String],
        moves: &[[String; 4]],
        areas: &[Area],
    ) -> Result<Self, Invalid> {
        use crate::AllOk;
        let (rates, moves) =
            (Rates::parse(turnout, yes), Self::parse_moves(moves, areas)).all_ok()?;
        Ok(Scenario { rates, moves })
    }

    fn parse_moves(moves: &[[String; 4]], areas: &[Area]) -> Result<Vec<Move>, Invalid> {
        if moves.len() > MAX_MOVES {
            return Err(Invalid::new(
                "moves",
                format!("A scenario can hold at most {MAX_MOVES} moves."),
            ));
        }
        let level = |raw: &str| match raw.trim() {
            "unrated" | "6" => Some(UNRATED),
            r => r
                .parse::<usize>()
                .ok()
                .filter(|r| (1..=5).contains(r))
                .map(|r| r - 1),
        };
        let mut out = Vec::new();
        for [area, from, to, count] in moves {
            if count.trim().is_empty() {
                continue;
            }
            let count = count
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|c| (1..=1_000_000).contains(c))
                .ok_or_else(|| Invalid::new("moves", "How many to move: a whole number from 1."))?;
            let area_id = super::fields::optional_id(area, "moves")?;
            if let Some(id) = area_id {
                if !areas.iter().any(|a| a.id == id) {
                    return Err(Invalid::new(
                        "moves",
                        "That area is not on this campaign's map.",
                    ));
                }
            }
            let (Some(from), Some(to)) = (level(from), level(to)) else {
                return Err(Invalid::new(
                    "moves",
                    "Move people from a level to a level (1 to 5, or not rated).",
                ));
            };
            if from == to {
                return Err(Invalid::new("moves", "A move needs two different levels."));
            }
            out.push(Move {
                area_id,
                from,
                to,
                count,
            });
        }
        Ok(out)
    }

    /// What a scenario says in words (for its list and the audit log).
    pub fn moves_words(&self, areas: &[Area]) -> Vec<String> {
        self.moves
            .iter()
            .map(|m| {
                let place = m
                    .area_id
                    .and_then(|id| areas.iter().find(|a| a.id == id))
                    .map_or_else(|| "anywhere".to_owned(), |a| format!("in {}", a.name));
                format!(
                    "{} of {} counted as {} ({place})",
                    m.count,
                    level_label(m.from),
                    level_label(m.to)
                )
            })
            .collect()
    }
}

/// People of one area, shift and level: what a forecast needs of the chart (no names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    pub area_id: Option<i64>,
    pub shift_id: Option<i64>,
    pub level: usize,
    pub people: i64,
}

/// The cells of people (area, shift, level, disclosure key) as `policy` shows them, and
/// the groups it withholds whole: the scope, each area and each shift with people in it
/// but fewer than the minimum (counted exactly, before rounding). A forecast made from
/// these cells is made from protected counts only, so it can give back nothing more.
pub fn protected_cells(
    people: impl IntoIterator<Item = (Option<i64>, Option<i64>, usize, Keyed)>,
    policy: Policy,
) -> (Vec<Cell>, Withheld) {
    use std::collections::BTreeMap;
    let mut cells = BTreeMap::<(Option<i64>, Option<i64>, usize), Keyed>::new();
    let mut areas = BTreeMap::<Option<i64>, Keyed>::new();
    let mut shifts = BTreeMap::<Option<i64>, Keyed>::new();
    let mut total = Keyed::default();
    for (area_id, shift_id, level, person) in people {
        cells
            .entry((area_id, shift_id, level))
            .or_default()
            .add(person);
        areas.entry(area_id).or_default().add(person);
        shifts.entry(shift_id).or_default().add(person);
        total.add(person);
    }
    let small = |groups: BTreeMap<Option<i64>, Keyed>| {
        groups
            .into_iter()
            .filter(|&(_, n)| policy.withholds_keyed(n))
            .map(|(id, _)| id)
            .collect()
    };
    let present_areas = areas.keys().copied().collect();
    let present_shifts = shifts.keys().copied().collect();
    let withheld = Withheld {
        present_areas,
        present_shifts,
        overall: policy.withholds_keyed(total),
        areas: small(areas),
        shifts: small(shifts),
    };
    let cells = cells
        .into_iter()
        .map(|((area_id, shift_id, level), n)| Cell {
            area_id,
            shift_id,
            level,
            people: policy.count(n),
        })
        .collect();
    (cells, withheld)
}

/// The groups of a forecast withheld from its reader (`domain::disclosure`): their rows
/// show neither a head count nor a prediction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Withheld {
    pub overall: bool,
    pub areas: std::collections::BTreeSet<Option<i64>>,
    pub shifts: std::collections::BTreeSet<Option<i64>>,
    /// Every area and shift with people in it: its row stays when its cells round to
    /// nobody (showing no prediction).
    pub present_areas: std::collections::BTreeSet<Option<i64>>,
    pub present_shifts: std::collections::BTreeSet<Option<i64>>,
}

/// Groups people (area, shift, level) into cells, in a fixed order.
pub fn cells_of(people: impl IntoIterator<Item = (Option<i64>, Option<i64>, usize)>) -> Vec<Cell> {
    let mut map = std::collections::BTreeMap::<(Option<i64>, Option<i64>, usize), i64>::new();
    for key in people {
        *map.entry(key).or_default() += 1;
    }
    cells_from(map)
}

/// A count of people per (area, shift, level) as cells, in the count's order.
fn cells_from(
    map: std::collections::BTreeMap<(Option<i64>, Option<i64>, usize), i64>,
) -> Vec<Cell> {
    map.into_iter()
        .map(|((area_id, shift_id, level), people)| Cell {
            area_id,
            shift_id,
            level,
            people,
        })
        .collect()
}

/// How many of each cell a scenario's moves took, and to which level: one entry per
/// (cell index, to level, count). Moves apply in order; each takes from the cells at its
/// `from` level in its area (with those beneath) in cell order, as many as there are.
pub fn apply_moves(
    cells: &[Cell],
    moves: &[Move],
    areas: &[Area],
) -> (Vec<Cell>, Vec<(usize, usize, i64)>) {
    // Work on a copy: (original cell index, level, people).
    let mut parts: Vec<(usize, usize, i64)> = cells
        .iter()
        .enumerate()
        .map(|(i, c)| (i, c.level, c.people))
        .collect();
    let mut taken = Vec::new();
    for m in moves {
        let within = m.area_id.map(|id| crate::scope::subtree(areas, &[id]));
        let mut left = m.count;
        let mut i = 0;
        while i < parts.len() && left > 0 {
            let (cell, level, people) = parts[i];
            let in_area = within
                .as_ref()
                .is_none_or(|ids| cells[cell].area_id.is_some_and(|a| ids.contains(&a)));
            if level == m.from && people > 0 && in_area {
                let k = people.min(left);
                parts[i].2 -= k;
                left -= k;
                parts.push((cell, m.to, k));
                taken.push((cell, m.to, k));
            }
            i += 1;
        }
    }
    let moved = cells_from_parts(cells, &parts);
    (moved, taken)
}

/// Each person's level after `moves`, person by person exactly as [`apply_moves`]
/// counts them: `people[i]` is person i's (area, shift, level); within a cell people are
/// taken in the order given (by id, say).
pub fn levels_after(
    people: &[(Option<i64>, Option<i64>, usize)],
    moves: &[Move],
    areas: &[Area],
) -> Vec<usize> {
    let cells = cells_of(people.iter().copied());
    let mut index = std::collections::BTreeMap::new();
    for (i, c) in cells.iter().enumerate() {
        index.insert((c.area_id, c.shift_id, c.level), i);
    }
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); cells.len()];
    for (i, key) in people.iter().enumerate() {
        members[index[key]].push(i);
    }
    // (cell, level, people), in the order apply_moves walks them.
    let mut parts: Vec<(usize, usize, Vec<usize>)> = members
        .into_iter()
        .enumerate()
        .map(|(i, m)| (i, cells[i].level, m))
        .collect();
    for m in moves {
        let within = m.area_id.map(|id| crate::scope::subtree(areas, &[id]));
        let mut left = m.count as usize;
        let mut i = 0;
        while i < parts.len() && left > 0 {
            let cell = parts[i].0;
            let in_area = within
                .as_ref()
                .is_none_or(|ids| cells[cell].area_id.is_some_and(|a| ids.contains(&a)));
            if parts[i].1 == m.from && !parts[i].2.is_empty() && in_area {
                let k = parts[i].2.len().min(left);
                let taken: Vec<usize> = parts[i].2.drain(..k).collect();
                left -= k;
                parts.push((cell, m.to, taken));
            }
            i += 1;
        }
    }
    let mut out = vec![0; people.len()];
    for (_, level, who) in parts {
        for i in who {
            out[i] = level;
        }
    }
    out
}

fn cells_from_parts(cells: &[Cell], parts: &[(usize, usize, i64)]) -> Vec<Cell> {
    let mut map = std::collections::BTreeMap::<(Option<i64>, Option<i64>, usize), i64>::new();
    for &(cell, level, people) in parts {
        if people > 0 {
            *map.entry((cells[cell].area_id, cells[cell].shift_id, level))
                .or_default() += people;
        }
    }
    cells_from(map)
}

/// One row of a forecast's breakdown: an area or a shift (`id` None: none given).
/// `prediction` is None when withheld from someone who may not see small groups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastRow {
    pub id: Option<i64>,
    pub label: String,
    pub people: i64,
    pub prediction: Option<Prediction>,
}

/// A whole forecast: the scope, and each area and shift as if it voted alone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Forecast {
    pub overall: Option<Prediction>,
    pub by_area: Vec<ForecastRow>,
    pub by_shift: Vec<ForecastRow>,
    /// People at each level, after the scenario's moves.
    pub levels: [i64; LEVELS],
}

/// The chances of the people in `cells`, exact-sized groups expanded person by person.
fn predict_cells<'a>(
    rule: &VoteRule,
    rates: &Rates,
    cells: impl Iterator<Item = &'a Cell> + Clone,
) -> Prediction {
    let people: i64 = cells.clone().map(|c| c.people).sum();
    if people as usize <= model::EXACT_MAX {
        let chances: Vec<Chance> = cells
            .flat_map(|c| std::iter::repeat_n(rates.chance(c.level), c.people as usize))
            .collect();
        model::predict_exact(rule, &chances)
    } else {
        let mut m = model::Moments::default();
        for c in cells {
            m.add(rates.chance(c.level), c.people);
        }
        model::predict_normal(rule, &m)
    }
}

/// The forecast of `cells` (after the scenario's moves), with the `withheld` groups'
/// rows showing nothing (for a protected reader, `cells` come from [`protected_cells`]).
pub fn forecast(
    rule: &VoteRule,
    rates: &Rates,
    cells: &[Cell],
    areas: &[Area],
    shifts: &[Shift],
    withheld: &Withheld,
) -> Forecast {
    let mut levels = [0; LEVELS];
    for c in cells {
        levels[c.level] += c.people;
    }
    // A group with people keeps its row when withheld or when its cells rounded away.
    let group = |key: &dyn Fn(&Cell) -> Option<i64>,
                 label: &dyn Fn(Option<i64>) -> String,
                 present: &std::collections::BTreeSet<Option<i64>>| {
        let mut ids: Vec<Option<i64>> = cells.iter().map(key).collect();
        ids.extend(present.iter().copied());
        ids.sort();
        ids.dedup();
        let mut rows: Vec<ForecastRow> = ids
            .into_iter()
            .map(|id| {
                let mine = cells.iter().filter(move |c| key(c) == id);
                ForecastRow {
                    id,
                    label: label(id),
                    people: mine.clone().map(|c| c.people).sum(),
                    prediction: Some(predict_cells(rule, rates, mine)),
                }
            })
            .collect();
        rows.sort_by(|a, b| (a.id.is_none(), &a.label).cmp(&(b.id.is_none(), &b.label)));
        rows
    };
    let area_label = |id: Option<i64>| match id {
        Some(id) => areas
            .iter()
            .find(|a| a.id == id)
            .map_or_else(|| format!("Area {id}"), |a| a.name.clone()),
        None => "No area".to_owned(),
    };
    let shift_label = |id: Option<i64>| match id {
        Some(id) => shifts
            .iter()
            .find(|s| s.id == id)
            .map_or_else(|| format!("Shift {id}"), |s| s.name.clone()),
        None => "No shift".to_owned(),
    };
    let mut by_area = group(&|c| c.area_id, &area_label, &withheld.present_areas);
    let mut by_shift = group(&|c| c.shift_id, &shift_label, &withheld.present_shifts);
    let overall = (!withheld.overall).then(|| predict_cells(rule, rates, cells.iter()));
    let hide = |rows: &mut Vec<ForecastRow>, ids: &std::collections::BTreeSet<Option<i64>>| {
        for row in rows.iter_mut().filter(|r| ids.contains(&r.id)) {
            row.people = 0;
            row.prediction = None;
        }
    };
    hide(&mut by_area, &withheld.areas);
    hide(&mut by_shift, &withheld.shifts);
    // A group whose protected cells all rounded to nobody shows no prediction of nobody.
    for row in by_area.iter_mut().chain(by_shift.iter_mut()) {
        if row.people == 0 {
            row.prediction = None;
        }
    }
    if withheld.overall {
        levels = [0; LEVELS];
    }
    Forecast {
        overall,
        by_area,
        by_shift,
        levels,
    }
}

/// A share as a whole percent, for reading.
pub fn percent(share: f64) -> String {
    // An integer, not a float, is formatted: float formatting would add its code to the
    // browser's bundle.
    format!("{}%", (share * 100.0).clamp(0.0, 100.0).round() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::VoteBase;

    #[test]
    fn a_rating_is_its_level_and_anything_else_is_unrated() {
        let levels: Vec<usize> = [1, 2, 3, 4, 5].map(|r| level_of(Some(r))).to_vec();
        assert_eq!(levels, [0, 1, 2, 3, 4]);
        for other in [None, Some(0), Some(6), Some(-1)] {
            assert_eq!(level_of(other), UNRATED, "{other:?}");
        }
    }

    /// The forecast with the default rates and nothing withheld.
    fn as_a_lead_sees(
        rule: &VoteRule,
        cells: &[Cell],
        areas: &[Area],
        shifts: &[Shift],
    ) -> Forecast {
        forecast(
            rule,
            &Rates::default(),
            cells,
            areas,
            shifts,
            &Withheld::default(),
        )
    }

    fn cell(area_id: Option<i64>, level: usize, people: i64) -> Cell {
        Cell {
            area_id,
            shift_id: None,
            level,
            people,
        }
    }

    #[test]
    fn moves_take_what_they_say_and_record_no_empty_part() {
        let cells = [cell(Some(1), 2, 3), cell(Some(1), 2, 4)];
        let moves = [
            Move {
                area_id: None,
                from: 2,
                to: 1,
                count: 3,
            },
            Move {
                area_id: None,
                from: 2,
                to: 0,
                count: 2,
            },
        ];
        let (_, taken) = apply_moves(&cells, &moves, &[]);
        assert_eq!(
            taken,
            [(0, 1, 3), (1, 0, 2)],
            "the emptied cell gives nothing more"
        );
        let (_, taken) = apply_moves(&cells, &moves[..1], &[]);
        assert_eq!(taken, [(0, 1, 3)], "a move stops once it has its count");
    }

    #[test]
    fn moves_are_said_in_words_with_their_area() {
        let areas = [area(1, None, "Ward 4"), area(2, None, "Kitchen")];
        let scenario = Scenario {
            rates: Rates::default(),
            moves: vec![
                Move {
                    area_id: Some(2),
                    from: 2,
                    to: 1,
                    count: 4,
                },
                Move {
                    area_id: None,
                    from: UNRATED,
                    to: 2,
                    count: 1,
                },
            ],
        };
        let words = scenario.moves_words(&areas);
        assert_eq!(words.len(), 2);
        assert!(
            words[0].starts_with("4 of ") && words[0].ends_with("(in Kitchen)"),
            "{words:?}"
        );
        assert!(
            words[1].starts_with("1 of ") && words[1].ends_with("(anywhere)"),
            "{words:?}"
        );
        assert_ne!(words[0], words[1]);
    }

    #[test]
    fn a_scenario_holds_up_to_forty_moves() {
        let rates = Rates::default();
        let turnout: Vec<String> = rates.turnout.iter().map(|r| r.to_string()).collect();
        let yes: Vec<String> = rates.yes.iter().map(|r| r.to_string()).collect();
        let row = || {
            [
                "".to_string(),
                "3".to_string(),
                "2".to_string(),
                "1".to_string(),
            ]
        };
        let forty: Vec<[String; 4]> = (0..MAX_MOVES).map(|_| row()).collect();
        let parsed = Scenario::parse(&turnout, &yes, &forty, &[]).unwrap();
        assert_eq!(parsed.moves.len(), MAX_MOVES);
        assert_eq!(parsed.rates, rates);
        let forty_one: Vec<[String; 4]> = (0..=MAX_MOVES).map(|_| row()).collect();
        let refused = Scenario::parse(&turnout, &yes, &forty_one, &[]).unwrap_err();
        assert_eq!(refused.field, "moves");
    }

    #[test]
    fn a_level_s_chance_is_its_rates_as_shares() {
        let rates = Rates {
            turnout: [80, 90, 75, 60, 50, 60],
            yes: [50, 90, 55, 15, 3, 40],
        };
        let chance = rates.chance(0);
        assert!((chance.votes - 0.8).abs() < 1e-12, "{chance:?}");
        assert!((chance.yes - 0.4).abs() < 1e-12, "{chance:?}");
        let last = rates.chance(UNRATED);
        assert!((last.votes - 0.6).abs() < 1e-12 && (last.yes - 0.24).abs() < 1e-12);
    }

    fn area(id: i64, parent: Option<i64>, name: &str) -> Area {
        Area::new(id, parent, name)
    }

    #[test]
    fn rates_parse_and_name_the_bad_field() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let r = Rates::parse(
            &s(&["100", "90", "70%", "60", "50", "0"]),
            &s(&["99", "90", "50", "10", "0", "40"]),
        )
        .unwrap();
        assert_eq!(r.turnout[2], 70);
        let e =
            Rates::parse(&s(&["100", "90", "101", "60", "50", "0"]), &s(&["99"; 6])).unwrap_err();
        assert!(e.to_string().contains("3 · undecided"), "{e}");
        assert!(Rates::parse(&s(&["1"; 5]), &s(&["1"; 6])).is_err());
    }

    #[test]
    fn moves_take_from_the_area_and_its_sub_areas_in_order() {
        let areas = [
            area(1, None, "Site"),
            area(2, Some(1), "Ward"),
            area(3, None, "Other"),
        ];
        let cells = cells_of([
            (Some(1), None, 2),
            (Some(2), None, 2),
            (Some(2), None, 2),
            (Some(3), None, 2),
        ]);
        let moves = [Move {
            area_id: Some(1),
            from: 2,
            to: 1,
            count: 2,
        }];
        let (moved, taken) = apply_moves(&cells, &moves, &areas);
        assert_eq!(taken, vec![(0, 1, 1), (1, 1, 1)]);
        let at = |a, l| {
            moved
                .iter()
                .filter(|c| c.area_id == Some(a) && c.level == l)
                .map(|c| c.people)
                .sum::<i64>()
        };
        assert_eq!((at(1, 1), at(2, 1), at(2, 2), at(3, 2)), (1, 1, 1, 1));
        // More than there are: as many as there are.
        let (moved, _) = apply_moves(
            &cells,
            &[Move {
                area_id: None,
                from: 2,
                to: 0,
                count: 99,
            }],
            &areas,
        );
        assert!(moved.iter().all(|c| c.level == 0));
    }

    #[test]
    fn people_move_as_the_cells_count_them_even_twice() {
        let areas = [area(1, None, "Site"), area(2, Some(1), "Ward")];
        let people: Vec<(Option<i64>, Option<i64>, usize)> = (0..30)
            .map(|i| {
                (
                    Some(1 + (i % 2) as i64),
                    Some((i % 3) as i64),
                    [2, 3, 2, 5][i % 4],
                )
            })
            .collect();
        let moves = [
            Move {
                area_id: Some(1),
                from: 2,
                to: 1,
                count: 7,
            },
            Move {
                area_id: None,
                from: 1,
                to: 0,
                count: 4,
            },
            Move {
                area_id: Some(2),
                from: 3,
                to: 2,
                count: 3,
            },
        ];
        let (moved, _) = apply_moves(&cells_of(people.iter().copied()), &moves, &areas);
        let levels = levels_after(&people, &moves, &areas);
        let by_person = cells_of(people.iter().zip(&levels).map(|(&(a, s, _), &l)| (a, s, l)));
        assert_eq!(by_person, moved);
        assert!(levels.iter().zip(&people).all(|(l, p)| *l <= p.2));
    }

    #[test]
    fn scenario_form_rejects_unknown_areas_and_same_levels() {
        let areas = [area(1, None, "Site")];
        let r = vec!["50".to_string(); 6];
        let row = |a: &str, f: &str, t: &str, c: &str| {
            [a.to_string(), f.to_string(), t.to_string(), c.to_string()]
        };
        let ok = Scenario::parse(
            &r,
            &r,
            &[
                row("1", "3", "2", "4"),
                row("", "unrated", "2", ""),
                row("", "unrated", "2", "3"),
            ],
            &areas,
        )
        .unwrap();
        assert_eq!(
            ok.moves,
            vec![
                Move {
                    area_id: Some(1),
                    from: 2,
                    to: 1,
                    count: 4
                },
                Move {
                    area_id: None,
                    from: 5,
                    to: 1,
                    count: 3
                }
            ]
        );
        assert!(Scenario::parse(&r, &r, &[row("9", "3", "2", "4")], &areas).is_err());
        assert!(Scenario::parse(&r, &r, &[row("", "3", "3", "4")], &areas).is_err());
        assert!(Scenario::parse(&r, &r, &[row("", "3", "2", "-1")], &areas).is_err());
        assert!(
            Scenario::parse(&r, &r, &vec![row("", "3", "2", "1"); MAX_MOVES + 1], &areas).is_err()
        );
    }

    #[test]
    fn small_rows_are_withheld_and_the_rest_rounded_for_a_protected_reader() {
        let areas = [area(1, None, "A"), area(2, None, "B"), area(3, None, "C")];
        let mut people = Vec::new();
        for (a, n) in [(1, 2), (2, 30), (3, 40)] {
            for _ in 0..n {
                people.push((Some(a), Some(1), 1));
            }
        }
        let rule = VoteRule {
            base: VoteBase::Cast,
            yes_percent: 50,
            turnout_percent: 0,
        };
        let shifts = [Shift {
            id: 1,
            name: "Day".into(),
        }];
        let keyed = people.iter().enumerate().map(|(i, &(a, s, l))| {
            (
                a,
                s,
                l,
                Keyed::one((i as u32).wrapping_mul(0x9e37_79b9), false),
            )
        });
        let (cells, withheld) = protected_cells(keyed, Policy::Protected { min_group_size: 5 });
        let f = forecast(&rule, &Rates::default(), &cells, &areas, &shifts, &withheld);
        let shown: Vec<bool> = f.by_area.iter().map(|r| r.prediction.is_some()).collect();
        assert_eq!(shown, vec![false, true, true], "A's two people");
        assert_eq!(f.by_area[0].people, 0, "nor their head count");
        assert_eq!((f.by_area[1].people, f.by_area[2].people), (30, 40));
        assert!(f.levels.iter().all(|n| n % 5 == 0), "{:?}", f.levels);
        assert!(f.overall.is_some());
        let cells = cells_of(people);
        let lead = as_a_lead_sees(&rule, &cells, &areas, &shifts);
        assert!(lead.by_area.iter().all(|r| r.prediction.is_some()));
        assert_eq!(lead.levels[1], 72);
    }

    #[test]
    fn a_move_asking_for_more_than_there_are_takes_everyone_there() {
        let areas = [area(1, None, "Site")];
        let people = vec![(Some(1), None, 2), (Some(1), None, 2), (Some(1), None, 3)];
        let moves = [Move {
            area_id: None,
            from: 2,
            to: 0,
            count: 1_000,
        }];
        assert_eq!(levels_after(&people, &moves, &areas), vec![0, 0, 3]);
        // Moving everyone there leaves nobody behind, and a second move finds no one.
        let twice = [moves[0], moves[0]];
        assert_eq!(levels_after(&people, &twice, &areas), vec![0, 0, 3]);
    }

    #[test]
    fn small_groups_are_forecast_exactly_and_large_ones_by_the_normal_law() {
        let rule = VoteRule {
            base: VoteBase::Unit,
            yes_percent: 60,
            turnout_percent: 50,
        };
        let rates = Rates::default();
        for (n, exact) in [
            (1, true),
            (model::EXACT_MAX as i64, true),
            (model::EXACT_MAX as i64 + 1, false),
        ] {
            let cells = [cell(Some(1), 1, n / 2), cell(Some(1), 3, n - n / 2)];
            let f = forecast(&rule, &rates, &cells, &[], &[], &Withheld::default());
            let got = f.overall.unwrap();
            assert_eq!(got.exact, exact, "{n} people");
            let chances: Vec<Chance> = cells
                .iter()
                .flat_map(|c| std::iter::repeat_n(rates.chance(c.level), c.people as usize))
                .collect();
            let want = model::predict(&rule, &chances);
            // Added cell by cell rather than person by person: the same to rounding.
            let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
            assert!(
                close(got.pass, want.pass)
                    && close(got.yes_share, want.yes_share)
                    && close(got.share_low, want.share_low)
                    && close(got.turnout, want.turnout)
                    && got.people == want.people,
                "{n} people: {got:?} against {want:?}"
            );
        }
    }

    #[test]
    fn rows_are_labelled_by_their_own_area_and_shift() {
        let areas = [area(1, None, "Alpha"), area(2, None, "Beta")];
        let shifts = [
            Shift {
                id: 1,
                name: "Day".into(),
            },
            Shift {
                id: 2,
                name: "Night".into(),
            },
        ];
        let cells = cells_of([
            (Some(1), Some(2), 0),
            (Some(2), Some(1), 0),
            (Some(9), Some(9), 0),
            (None, None, 0),
        ]);
        let rule = VoteRule {
            base: VoteBase::Cast,
            yes_percent: 50,
            turnout_percent: 0,
        };
        let f = as_a_lead_sees(&rule, &cells, &areas, &shifts);
        let labels =
            |rows: &[ForecastRow]| rows.iter().map(|r| r.label.clone()).collect::<Vec<_>>();
        assert_eq!(labels(&f.by_area), ["Alpha", "Area 9", "Beta", "No area"]);
        assert_eq!(labels(&f.by_shift), ["Day", "Night", "Shift 9", "No shift"]);
    }

    #[test]
    fn a_share_reads_as_a_whole_percent_within_0_and_100() {
        assert_eq!(percent(0.456), "46%");
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent(1.0), "100%");
        assert_eq!(percent(1.7), "100%");
        assert_eq!(percent(-0.2), "0%");
    }
}
