//! A vote plan: the rule and scope of a strike vote the committee is preparing, its
//! saved scenarios, and the logistics — where and when people vote, per site and shift,
//! who covers each polling place, and who has no way to vote yet.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Rates, Scenario, LEVELS};
use crate::disclosure::{Keyed, Policy};
use crate::fields::{optional_id, parse_text};
use crate::organizing::parse_bounded;
use crate::rule::{RuleFields, VoteRule};
use crate::scope::subtree;
use crate::structure::parse_moment;
use crate::Invalid;
use crate::{Area, Shift};

/// A vote being prepared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VotePlan {
    pub id: i64,
    pub campaign_id: i64,
    pub fields: PlanFields,
    /// The practice vote held for it (a structure test), once a lead starts one.
    pub test_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

/// What a lead sets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanFields {
    pub title: String,
    pub rule: VoteRule,
    /// The chosen areas with every area beneath (empty: the whole campaign).
    pub area_ids: Vec<i64>,
    pub vote_on: Option<NaiveDate>,
    /// The chance of passing the path to the threshold aims for (percent).
    pub target_percent: i64,
    /// A person's turnout once they have a plan to vote (percent).
    pub planned_turnout: i64,
}

impl PlanFields {
    pub fn goal(&self) -> super::path::Goal {
        super::path::Goal {
            target: self.target_percent as f64 / 100.0,
            planned_turnout: self.planned_turnout.clamp(0, 100) as u8,
        }
    }

    pub fn scope_words(&self, areas: &[Area]) -> String {
        crate::scope::words(&self.area_ids, areas)
    }
}

/// The plan form, as posted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanForm {
    pub title: String,
    pub vote_base: String,
    pub yes_percent: String,
    pub turnout_percent: String,
    pub vote_on: String,
    pub target_percent: String,
    pub planned_turnout: String,
}

impl PlanForm {
    /// Reads the form; `chosen` are the ticked area ids (each brings those beneath).
    pub fn parse(
        &self,
        chosen: &[String],
        areas: &[Area],
        today: NaiveDate,
    ) -> Result<PlanFields, Invalid> {
        use crate::AllOk;
        let title = parse_text(&self.title, "title", "The title", 200).and_then(|t| {
            if t.is_empty() {
                Err(Invalid::new("title", "Give the vote a title."))
            } else {
                Ok(t)
            }
        });
        let rule = VoteRule::parse(RuleFields {
            vote_base: &self.vote_base,
            yes_percent: &self.yes_percent,
            turnout_percent: &self.turnout_percent,
        });
        let vote_on = match self.vote_on.trim() {
            "" => Ok(None),
            raw => NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                .map_err(|_| Invalid::new("vote_on", "Give the date as a date (YYYY-MM-DD)."))
                .and_then(|day| near(day, today, "vote_on").map(|()| Some(day))),
        };
        let target_percent = parse_bounded(
            &self.target_percent,
            "target_percent",
            50..=99,
            "The chance to aim for: a whole percent from 50 to 99.",
        )
        .map(|t| t.unwrap_or(90));
        let planned_turnout = parse_bounded(
            &self.planned_turnout,
            "planned_turnout",
            0..=100,
            "Turnout with a plan to vote: a whole percent from 0 to 100.",
        )
        .map(|t| t.unwrap_or(95));
        // The plan keeps its scope with every area beneath (a test keeps the ticked ones
        // and takes in those beneath when it opens). In the form's order.
        let areas_chosen = crate::scope::parse_areas(chosen, areas).map(|ids| subtree(areas, &ids));
        let (title, rule, vote_on, area_ids, target_percent, planned_turnout) = (
            title,
            rule,
            vote_on,
            areas_chosen,
            target_percent,
            planned_turnout,
        )
            .all_ok()?;
        Ok(PlanFields {
            title,
            rule,
            area_ids,
            vote_on,
            target_percent,
            planned_turnout,
        })
    }

    pub fn of(fields: &PlanFields) -> Self {
        let (vote_base, yes_percent, turnout_percent) = fields.rule.values();
        PlanForm {
            title: fields.title.clone(),
            vote_base,
            yes_percent,
            turnout_percent,
            vote_on: fields.vote_on.map(|d| d.to_string()).unwrap_or_default(),
            target_percent: fields.target_percent.to_string(),
            planned_turnout: fields.planned_turnout.to_string(),
        }
    }
}

/// A scenario as saved, newest first in its list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedScenario {
    pub id: i64,
    pub name: String,
    pub scenario: Scenario,
    pub saved_by: String,
    pub saved_at: DateTime<Utc>,
}

/// A scenario's name: 1 to 100 characters.
pub fn parse_scenario_name(raw: &str) -> Result<String, Invalid> {
    let name = parse_text(raw, "name", "The scenario's name", 100)?;
    if name.is_empty() {
        return Err(Invalid::new(
            "name",
            "Name the scenario (\"After the Nursing push\", say).",
        ));
    }
    Ok(name)
}

/// A vote's day (or its polls' opening) is within a year before `today` and two years
/// after: 2020 or 2099 is a typo, not a plan.
fn near(day: NaiveDate, today: NaiveDate, field: &str) -> Result<(), Invalid> {
    let (from, to) = (
        today - chrono::Duration::days(366),
        today + chrono::Duration::days(2 * 366),
    );
    if day < from || day > to {
        return Err(Invalid::new(
            field,
            format!(
                "Give a date between {} and {}.",
                from.format("%-d %b %Y"),
                to.format("%-d %b %Y")
            ),
        ));
    }
    Ok(())
}

/// A scenario to save, as typed: its name and its figures (the what-if's fields, as
/// the save form posts them). A refused one is shown again from this, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioForm {
    pub name: String,
    pub turnout: Vec<String>,
    pub yes: Vec<String>,
    pub move_area: Vec<String>,
    pub move_from: Vec<String>,
    pub move_to: Vec<String>,
    pub move_count: Vec<String>,
}

/// A level as the form names it: 1–5, or "unrated".
pub fn level_key(level: usize) -> String {
    if level == super::UNRATED {
        "unrated".into()
    } else {
        (level + 1).to_string()
    }
}

impl ScenarioForm {
    /// A saved scenario (or the defaults) in its fields, unnamed.
    pub fn of(scenario: &Scenario) -> Self {
        let moves = &scenario.moves;
        ScenarioForm {
            name: String::new(),
            turnout: scenario.rates.turnout.iter().map(u8::to_string).collect(),
            yes: scenario.rates.yes.iter().map(u8::to_string).collect(),
            move_area: moves
                .iter()
                .map(|m| m.area_id.map(|a| a.to_string()).unwrap_or_default())
                .collect(),
            move_from: moves.iter().map(|m| level_key(m.from)).collect(),
            move_to: moves.iter().map(|m| level_key(m.to)).collect(),
            move_count: moves.iter().map(|m| m.count.to_string()).collect(),
        }
    }

    /// The rows of moves, `[area, from, to, count]` (as many as the longest column).
    pub fn rows(&self) -> Vec<[String; 4]> {
        let n = self
            .move_area
            .len()
            .max(self.move_from.len())
            .max(self.move_to.len())
            .max(self.move_count.len());
        let at = |v: &[String], i: usize| v.get(i).cloned().unwrap_or_default();
        (0..n)
            .map(|i| {
                [
                    at(&self.move_area, i),
                    at(&self.move_from, i),
                    at(&self.move_to, i),
                    at(&self.move_count, i),
                ]
            })
            .collect()
    }

    /// The scenario to save, every mistake at once: a name, figures that read, and a
    /// change from the default rates (a scenario that changes nothing forecasts the
    /// chart itself, which the page already shows).
    pub fn parse(&self, areas: &[Area]) -> Result<(String, Scenario), Invalid> {
        use crate::AllOk;
        let scenario =
            Scenario::parse(&self.turnout, &self.yes, &self.rows(), areas).and_then(|s| {
                if s == Scenario::default() {
                    Err(Invalid::new(
                        "moves",
                        "This scenario changes nothing: change a rate or move people first.",
                    ))
                } else {
                    Ok(s)
                }
            });
        (parse_scenario_name(&self.name), scenario).all_ok()
    }
}

/// One coworker in a vote's scope, as the forecast needs them (no name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Voter {
    pub coworker_id: i64,
    pub area_id: Option<i64>,
    pub shift_id: Option<i64>,
    pub rating: Option<i32>,
    pub organizer_id: Option<i64>,
    /// Their disclosure key (`domain::disclosure`): server-side only.
    #[serde(skip)]
    pub key: u32,
}

/// Where and when people vote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollingPlace {
    pub id: i64,
    pub plan_id: i64,
    pub name: String,
    /// The site it serves, with the areas beneath (None: the whole scope).
    pub area_id: Option<i64>,
    /// The shift it serves (None: every shift).
    pub shift_id: Option<i64>,
    pub opens_at: NaiveDateTime,
    pub closes_at: NaiveDateTime,
    /// Who covers it: a member of the campaign.
    pub organizer_id: Option<i64>,
    pub organizer: Option<String>,
}

impl PollingPlace {
    /// True when someone in `area_id` on `shift_id` can vote here.
    pub fn serves(&self, area_id: Option<i64>, shift_id: Option<i64>, areas: &[Area]) -> bool {
        let area_ok = match self.area_id {
            None => true,
            Some(site) => {
                area_id.is_some_and(|a| a == site || subtree(areas, &[site]).contains(&a))
            }
        };
        area_ok && self.shift_id.is_none_or(|s| shift_id == Some(s))
    }

    pub fn when_words(&self) -> String {
        let day = self.opens_at.format("%a %-d %b %H:%M");
        if self.opens_at.date() == self.closes_at.date() {
            format!("{day}–{}", self.closes_at.format("%H:%M"))
        } else {
            format!("{day} – {}", self.closes_at.format("%a %-d %b %H:%M"))
        }
    }
}

/// The polling place form, as posted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaceForm {
    pub name: String,
    pub area_id: String,
    pub shift_id: String,
    pub opens_at: String,
    pub closes_at: String,
    pub organizer_id: String,
}

/// A polling place to add.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPlace {
    pub name: String,
    pub area_id: Option<i64>,
    pub shift_id: Option<i64>,
    pub opens_at: NaiveDateTime,
    pub closes_at: NaiveDateTime,
    pub organizer_id: Option<i64>,
}

impl PlaceForm {
    /// Reads the form against the campaign's areas, shifts and members (`members`: the
    /// ids that may cover a place).
    pub fn parse(
        &self,
        areas: &[Area],
        shifts: &[Shift],
        members: &[i64],
        today: NaiveDate,
    ) -> Result<NewPlace, Invalid> {
        let name = parse_text(&self.name, "name", "The place", 200)?;
        if name.is_empty() {
            return Err(Invalid::new(
                "name",
                "Say where people vote (\"Break room, B wing\").",
            ));
        }
        let area_id = optional_id(&self.area_id, "area_id")?;
        if area_id.is_some_and(|id| !areas.iter().any(|a| a.id == id)) {
            return Err(Invalid::new(
                "area_id",
                "That area is not on this campaign's map.",
            ));
        }
        let shift_id = optional_id(&self.shift_id, "shift_id")?;
        if shift_id.is_some_and(|id| !shifts.iter().any(|s| s.id == id)) {
            return Err(Invalid::new(
                "shift_id",
                "That shift is not one of this campaign's.",
            ));
        }
        let opens_at = parse_moment(&self.opens_at, "opens_at")?
            .ok_or_else(|| Invalid::new("opens_at", "Say when the polls open."))?;
        near(opens_at.date(), today, "opens_at")?;
        let closes_at = parse_moment(&self.closes_at, "closes_at")?
            .ok_or_else(|| Invalid::new("closes_at", "Say when the polls close."))?;
        if closes_at <= opens_at {
            return Err(Invalid::new(
                "closes_at",
                "The polls must close after they open.",
            ));
        }
        if closes_at - opens_at > chrono::Duration::days(14) {
            return Err(Invalid::new(
                "closes_at",
                "A polling place is open for at most 14 days.",
            ));
        }
        let organizer_id = optional_id(&self.organizer_id, "organizer_id")?;
        if organizer_id.is_some_and(|id| !members.contains(&id)) {
            return Err(Invalid::new(
                "organizer_id",
                "Choose an organizer of this campaign.",
            ));
        }
        Ok(NewPlace {
            name,
            area_id,
            shift_id,
            opens_at,
            closes_at,
            organizer_id,
        })
    }
}

/// The most polling places one plan holds.
pub const MAX_PLACES: i64 = 200;

/// Who can vote where, asked voter by voter: nothing is kept per voter (a list of places
/// for each of 100,000 voters at 200 places would be 160 MB), only each place's areas.
pub struct Coverage<'a> {
    places: &'a [PollingPlace],
    /// Each place's areas with every area beneath (None: anywhere).
    served: Vec<Option<std::collections::HashSet<i64>>>,
}

impl<'a> Coverage<'a> {
    pub fn new(places: &'a [PollingPlace], areas: &[Area]) -> Self {
        let served = places
            .iter()
            .map(|p| {
                p.area_id
                    .map(|site| subtree(areas, &[site]).into_iter().collect())
            })
            .collect();
        Coverage { places, served }
    }

    /// The places (by index) that serve `voter`.
    pub fn places_for(&self, voter: &Voter) -> impl Iterator<Item = usize> + '_ {
        let (area, shift) = (voter.area_id, voter.shift_id);
        self.places.iter().enumerate().filter_map(move |(i, p)| {
            let area_ok = match &self.served[i] {
                None => true,
                Some(ids) => area.is_some_and(|a| ids.contains(&a)),
            };
            (area_ok && p.shift_id.is_none_or(|s| shift == Some(s))).then_some(i)
        })
    }
}

/// For each voter (by index), the places that serve them (for a few voters: the page asks
/// [`Coverage`] voter by voter).
pub fn coverage(voters: &[Voter], places: &[PollingPlace], areas: &[Area]) -> Vec<Vec<usize>> {
    let cover = Coverage::new(places, areas);
    voters
        .iter()
        .map(|v| cover.places_for(v).collect())
        .collect()
}

/// What closed structure tests say each level does: per level, the people with that
/// rating when a test opened and what they did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observed {
    /// Closed votes (practice or authorization): people, voted, voted yes.
    pub vote_tests: i64,
    pub votes: [(i64, i64, i64); LEVELS],
    /// Closed actions (petitions, sticker days…): people, took part.
    pub action_tests: i64,
    pub actions: [(i64, i64); LEVELS],
    /// The disclosure keys of the sets counted in `votes` and `actions`: server-side.
    #[serde(skip)]
    pub keys: ObservedKeys,
}

/// The disclosure keys of [`Observed`]'s counts (of the people outside the reader's
/// scope), and how many of each are inside it, in the same places.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ObservedKeys {
    pub votes: [(u32, u32, u32); LEVELS],
    pub actions: [(u32, u32); LEVELS],
    pub votes_inside: [(i64, i64, i64); LEVELS],
    pub actions_inside: [(i64, i64); LEVELS],
}

impl Observed {
    /// The observations as `policy` shows them: a level observed in a small group shows
    /// nothing, the other counts go through the policy (each part at most its whole).
    pub fn seen_by(&self, policy: Policy) -> Observed {
        let count = |people: i64, key: u32, inside: i64| {
            policy.count(Keyed {
                people,
                key,
                inside,
            })
        };
        let mut seen = Observed {
            vote_tests: self.vote_tests,
            action_tests: self.action_tests,
            ..Observed::default()
        };
        for l in 0..LEVELS {
            let ((n, voted, yes), (kn, kv, ky)) = (self.votes[l], self.keys.votes[l]);
            let (in_n, in_v, in_y) = self.keys.votes_inside[l];
            if !policy.withholds(n - in_n) {
                let n = count(n, kn, in_n);
                let voted = count(voted, kv, in_v).min(n);
                seen.votes[l] = (n, voted, count(yes, ky, in_y).min(voted));
            }
            let ((n, took), (kn, kt)) = (self.actions[l], self.keys.actions[l]);
            let (in_n, in_t) = self.keys.actions_inside[l];
            if !policy.withholds(n - in_n) {
                let n = count(n, kn, in_n);
                seen.actions[l] = (n, count(took, kt, in_t).min(n));
            }
        }
        seen
    }

    /// The rates these suggest: from votes when there were any (turnout, and yes among
    /// those who voted), else yes from actions (taking part as the sign of a yes) with the
    /// default turnout. A level nobody was observed at keeps `fallback`'s rate.
    pub fn suggested(&self, fallback: &Rates) -> Option<Rates> {
        let mut r = *fallback;
        let pct = |part: i64, whole: i64| ((part * 100 + whole / 2) / whole).clamp(0, 100) as u8;
        if self.vote_tests > 0 {
            for (l, &(people, voted, yes)) in self.votes.iter().enumerate() {
                if people > 0 {
                    r.turnout[l] = pct(voted, people);
                }
                if voted > 0 {
                    r.yes[l] = pct(yes, voted);
                }
            }
            return Some(r);
        }
        if self.action_tests > 0 {
            for (l, &(people, took)) in self.actions.iter().enumerate() {
                if people > 0 {
                    r.yes[l] = pct(took, people);
                }
            }
            return Some(r);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn area(id: i64, parent: Option<i64>) -> Area {
        Area::new(id, parent, format!("A{id}"))
    }

    #[test]
    fn a_scenario_to_save_needs_a_name_and_a_change_named_at_once() {
        let defaults = ScenarioForm::of(&Scenario::default());
        let refused = ScenarioForm {
            name: " ".into(),
            ..defaults.clone()
        }
        .parse(&[])
        .unwrap_err();
        let named: Vec<&str> = refused.each().map(|p| p.field.as_str()).collect();
        assert_eq!(named, ["name", "moves"]);
        let push = ScenarioForm {
            name: "Push in A1".into(),
            move_area: vec!["1".into()],
            move_from: vec!["3".into()],
            move_to: vec!["2".into()],
            move_count: vec!["4".into()],
            ..defaults.clone()
        };
        let (name, saved) = push.parse(&[area(1, None)]).unwrap();
        assert_eq!(name, "Push in A1");
        assert_eq!(
            saved.moves,
            [super::super::Move {
                area_id: Some(1),
                from: 2,
                to: 1,
                count: 4
            }]
        );
        assert_eq!(
            ScenarioForm::of(&saved).rows(),
            push.rows(),
            "it reads back as typed"
        );
        let mut turnout_up = ScenarioForm {
            name: "Turnout up".into(),
            ..defaults
        };
        turnout_up.turnout[0] = "99".into();
        assert!(
            turnout_up.parse(&[]).is_ok(),
            "a change of rates alone is a scenario"
        );
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 6).unwrap()
    }

    #[test]
    fn a_vote_and_its_polls_are_dated_near_today() {
        let day = |vote_on: &str| {
            PlanForm {
                vote_on: vote_on.into(),
                ..form()
            }
            .parse(&[], &[], today())
            .map(|p| p.vote_on)
        };
        assert!(day("2027-03-01").is_ok());
        assert!(day("2025-12-05").is_ok(), "a year back: a vote held");
        assert_eq!(day("2020-03-01").unwrap_err().field, "vote_on");
        assert_eq!(day("2099-03-01").unwrap_err().field, "vote_on");
        let place = PlaceForm {
            name: "Gate 3".into(),
            area_id: String::new(),
            shift_id: String::new(),
            opens_at: "2020-03-01T06:00".into(),
            closes_at: "2020-03-01T09:00".into(),
            organizer_id: String::new(),
        };
        assert_eq!(
            place.parse(&[], &[], &[], today()).unwrap_err().field,
            "opens_at"
        );
    }

    fn form() -> PlanForm {
        PlanForm {
            title: "Strike authorization".into(),
            vote_base: "unit".into(),
            yes_percent: "75".into(),
            turnout_percent: "".into(),
            vote_on: "2027-03-01".into(),
            target_percent: "".into(),
            planned_turnout: "".into(),
        }
    }

    #[test]
    fn the_plan_form_reads_and_names_mistakes() {
        let areas = [area(1, None), area(2, Some(1)), area(3, None)];
        let p = form().parse(&["1".into()], &areas, today()).unwrap();
        assert_eq!(p.area_ids, vec![1, 2]);
        assert_eq!(
            (
                p.rule.yes_percent,
                p.rule.turnout_percent,
                p.target_percent,
                p.planned_turnout
            ),
            (75, 0, 90, 95)
        );
        let bad = |f: PlanForm, field: &str| {
            let e = f.parse(&[], &areas, today()).unwrap_err();
            assert!(e.field_message(field).is_some(), "{field}: {e}");
        };
        bad(
            PlanForm {
                title: " ".into(),
                ..form()
            },
            "title",
        );
        bad(
            PlanForm {
                vote_base: "most".into(),
                ..form()
            },
            "vote_base",
        );
        bad(
            PlanForm {
                yes_percent: "40".into(),
                ..form()
            },
            "yes_percent",
        );
        bad(
            PlanForm {
                vote_on: "March".into(),
                ..form()
            },
            "vote_on",
        );
        bad(
            PlanForm {
                target_percent: "100".into(),
                ..form()
            },
            "target_percent",
        );
        assert!(form().parse(&["9".into()], &areas, today()).is_err());
        assert_eq!(
            PlanForm::of(&p)
                .parse(&["1".into()], &areas, today())
                .unwrap(),
            p
        );
    }

    #[test]
    fn places_serve_their_site_and_shift() {
        let areas = [area(1, None), area(2, Some(1)), area(3, None)];
        let at = |h| {
            NaiveDate::from_ymd_opt(2027, 3, 1)
                .unwrap()
                .and_hms_opt(h, 0, 0)
                .unwrap()
        };
        let place = |id, area_id, shift_id| PollingPlace {
            id,
            plan_id: 1,
            name: "Break room".into(),
            area_id,
            shift_id,
            opens_at: at(6),
            closes_at: at(9),
            organizer_id: None,
            organizer: None,
        };
        let places = [place(1, Some(1), Some(10)), place(2, None, Some(20))];
        let voter = |area_id, shift_id| Voter {
            coworker_id: 1,
            area_id,
            shift_id,
            rating: None,
            organizer_id: None,
            key: 0,
        };
        let c = coverage(
            &[
                voter(Some(2), Some(10)),
                voter(Some(3), Some(10)),
                voter(Some(3), Some(20)),
                voter(None, None),
            ],
            &places,
            &areas,
        );
        assert_eq!(c, vec![vec![0], vec![], vec![1], vec![]]);
        assert!(places[0].serves(Some(2), Some(10), &areas));
        assert_eq!(places[0].when_words(), "Mon 1 Mar 06:00–09:00");
    }

    #[test]
    fn the_place_form_checks_times_and_members() {
        let areas = [area(1, None)];
        let shifts = [Shift {
            id: 10,
            name: "Night".into(),
        }];
        let f = PlaceForm {
            name: "Gate 3".into(),
            area_id: "1".into(),
            shift_id: "10".into(),
            opens_at: "2027-03-01T22:00".into(),
            closes_at: "2027-03-02T02:00".into(),
            organizer_id: "7".into(),
        };
        assert!(f.parse(&areas, &shifts, &[7], today()).is_ok());
        assert!(f
            .parse(&areas, &shifts, &[8], today())
            .unwrap_err()
            .field_message("organizer_id")
            .is_some());
        let back = PlaceForm {
            closes_at: "2027-03-01T21:00".into(),
            ..f.clone()
        };
        assert!(back
            .parse(&areas, &shifts, &[7], today())
            .unwrap_err()
            .field_message("closes_at")
            .is_some());
        let shift = PlaceForm {
            shift_id: "11".into(),
            ..f
        };
        assert!(shift
            .parse(&areas, &shifts, &[7], today())
            .unwrap_err()
            .field_message("shift_id")
            .is_some());
    }

    #[test]
    fn observed_votes_suggest_rates() {
        let mut o = Observed {
            vote_tests: 1,
            ..Default::default()
        };
        o.votes[0] = (10, 9, 9);
        o.votes[2] = (20, 10, 4);
        let r = o.suggested(&Rates::default()).unwrap();
        assert_eq!(
            (r.turnout[0], r.yes[0], r.turnout[2], r.yes[2]),
            (90, 100, 50, 40)
        );
        assert_eq!(r.turnout[1], Rates::default().turnout[1]);
        assert_eq!(Observed::default().suggested(&Rates::default()), None);
    }

    fn fields(target_percent: i64, planned_turnout: i64, area_ids: Vec<i64>) -> PlanFields {
        PlanFields {
            title: "Strike vote".into(),
            rule: VoteRule {
                base: crate::rule::VoteBase::Cast,
                yes_percent: 50,
                turnout_percent: 0,
            },
            area_ids,
            vote_on: None,
            target_percent,
            planned_turnout,
        }
    }

    #[test]
    fn the_goal_is_the_target_as_a_share_and_the_turnout_clamped() {
        let goal = fields(85, 95, vec![]).goal();
        assert_eq!(goal.target, 0.85);
        assert_eq!(goal.planned_turnout, 95);
        assert_eq!(fields(50, 140, vec![]).goal().planned_turnout, 100);
        assert_eq!(fields(99, -3, vec![]).goal().planned_turnout, 0);
        assert_eq!(fields(99, 0, vec![]).goal().target, 0.99);
    }

    #[test]
    fn the_scope_is_named_by_its_top_areas() {
        let areas = [area(1, None), area(2, Some(1)), area(3, None)];
        assert_eq!(fields(90, 95, vec![1, 2]).scope_words(&areas), "A1");
        assert_eq!(fields(90, 95, vec![2, 3]).scope_words(&areas), "A2, A3");
        assert_eq!(
            fields(90, 95, vec![]).scope_words(&areas),
            "The whole campaign"
        );
    }

    #[test]
    fn a_day_is_near_from_a_year_before_to_two_years_after() {
        let today = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
        let days = |n: i64| today + chrono::Duration::days(n);
        for ok in [-366, 0, 400, 700, 732] {
            assert!(near(days(ok), today, "vote_on").is_ok(), "{ok} days");
        }
        for far in [-367, 733, 5000] {
            let refused = near(days(far), today, "vote_on").unwrap_err();
            assert_eq!(refused.field, "vote_on", "{far} days");
        }
    }

    fn place(area_id: Option<i64>, shift_id: Option<i64>) -> PollingPlace {
        let at = |h| {
            NaiveDate::from_ymd_opt(2027, 3, 1)
                .unwrap()
                .and_hms_opt(h, 0, 0)
                .unwrap()
        };
        PollingPlace {
            id: 1,
            plan_id: 1,
            name: "Break room".into(),
            area_id,
            shift_id,
            opens_at: at(6),
            closes_at: at(18),
            organizer_id: None,
            organizer: None,
        }
    }

    #[test]
    fn a_place_serves_its_site_with_the_areas_beneath_on_its_shift() {
        let areas = [area(1, None), area(2, Some(1)), area(3, None)];
        let site_day = place(Some(1), Some(5));
        assert!(site_day.serves(Some(1), Some(5), &areas));
        assert!(
            site_day.serves(Some(2), Some(5), &areas),
            "beneath the site"
        );
        assert!(!site_day.serves(Some(3), Some(5), &areas), "another site");
        assert!(!site_day.serves(None, Some(5), &areas), "placed nowhere");
        assert!(!site_day.serves(Some(1), Some(6), &areas), "another shift");
        assert!(!site_day.serves(Some(1), None, &areas), "no shift");
        let anywhere = place(None, None);
        assert!(anywhere.serves(None, None, &areas));
        assert!(anywhere.serves(Some(3), Some(6), &areas));
        let any_shift = place(Some(3), None);
        assert!(any_shift.serves(Some(3), Some(6), &areas));
        assert!(!any_shift.serves(Some(1), Some(6), &areas));
    }

    #[test]
    fn polls_stay_open_at_most_fourteen_days() {
        let today = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
        let form = |closes: &str| PlaceForm {
            name: "Break room".into(),
            opens_at: "2027-03-02T06:00".into(),
            closes_at: closes.into(),
            ..PlaceForm::default()
        };
        assert!(
            form("2027-03-16T06:00").parse(&[], &[], &[], today).is_ok(),
            "14 days"
        );
        let refused = form("2027-03-16T06:01")
            .parse(&[], &[], &[], today)
            .unwrap_err();
        assert_eq!(refused.field, "closes_at");
        assert!(form("2027-03-02T06:01").parse(&[], &[], &[], today).is_ok());
        let refused = form("2027-03-02T06:00")
            .parse(&[], &[], &[], today)
            .unwrap_err();
        assert_eq!(refused.field, "closes_at", "closing as they open");
    }

    #[test]
    fn observations_are_seen_through_the_policy() {
        let mut observed = Observed {
            vote_tests: 2,
            action_tests: 1,
            ..Observed::default()
        };
        // Level 0: three people outside the reader's scope; level 1: ten, all inside.
        observed.votes[0] = (3, 2, 1);
        observed.votes[1] = (10, 8, 6);
        observed.keys.votes_inside[1] = (10, 8, 6);
        observed.actions[2] = (4, 4);
        observed.actions[3] = (12, 9);
        observed.keys.actions_inside[3] = (12, 9);
        // Levels 4 and 5: whether the people outside the scope are a small group.
        observed.votes[4] = (6, 6, 6);
        observed.keys.votes_inside[4] = (3, 3, 3);
        observed.votes[5] = (8, 8, 8);
        observed.keys.votes_inside[5] = (2, 2, 2);
        observed.actions[4] = (6, 6);
        observed.keys.actions_inside[4] = (3, 3);
        observed.actions[5] = (8, 8);
        observed.keys.actions_inside[5] = (2, 2);
        let exact = observed.seen_by(Policy::Exact);
        assert_eq!(
            (
                exact.vote_tests,
                exact.action_tests,
                exact.votes,
                exact.actions
            ),
            (2, 1, observed.votes, observed.actions)
        );
        let seen = observed.seen_by(Policy::Protected { min_group_size: 5 });
        assert_eq!((seen.vote_tests, seen.action_tests), (2, 1));
        assert_eq!(seen.votes[0], (0, 0, 0), "a small group shows nothing");
        assert_eq!(seen.votes[1], (10, 8, 6), "the reader's own people exactly");
        assert_eq!(seen.actions[2], (0, 0));
        assert_eq!(seen.actions[3], (12, 9));
        assert_eq!(seen.votes[4], (0, 0, 0), "3 of 6 outside: withheld");
        assert_eq!(seen.actions[4], (0, 0), "3 of 6 outside: withheld");
        assert!(seen.votes[5].0 >= 2, "6 of 8 outside: shown");
        assert!(seen.actions[5].0 >= 2, "6 of 8 outside: shown");
    }

    #[test]
    fn observed_actions_suggest_yes_when_no_vote_was_held() {
        let fallback = Rates::default();
        let mut o = Observed {
            action_tests: 1,
            ..Default::default()
        };
        o.actions[1] = (8, 1);
        o.actions[3] = (4, 4);
        let r = o.suggested(&fallback).unwrap();
        assert_eq!((r.yes[1], r.yes[3]), (13, 100), "1 of 8 is 12.5 %: 13");
        assert_eq!(
            r.yes[0], fallback.yes[0],
            "a level nobody was seen at keeps its rate"
        );
        assert_eq!(
            r.turnout, fallback.turnout,
            "actions say nothing of turnout"
        );
    }
}
