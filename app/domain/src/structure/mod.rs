//! Structure tests: public actions (a petition, a sticker day, a march on the boss, a
//! practice strike vote) that show how strong the organization is and check the
//! committee's ratings against what people did.
//!
//! A test is planned, then opened (its scope, the coworkers it counts, is fixed at that
//! moment with each one's rating then), recorded while live, and closed. This module
//! holds the kinds, the form's rules and the scope; [`tally`] counts the marks against the
//! goal, [`validation`] compares them with the ratings.

pub mod tally;
pub mod validation;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use super::choice::choice;
use super::fields::parse_text;
use super::organizing::parse_bounded;
use super::{Area, Choice};
use crate::rule::RuleFields;
use crate::Invalid;

pub use crate::rule::{VoteBase, VoteRule};
pub use crate::scope::{subtree, words as scope_words, MAX_SCOPE_AREAS};
pub use tally::{Counts, Outcome, Tally, TallyRow, TimelineEntry};
pub use validation::{RateRow, Surprise, Validation, ValidationInput};

choice! {
    /// What kind of action a test is.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub enum TestKind {
        Petition => "petition", "Majority petition";
        StickerDay => "sticker_day", "Sticker or button day";
        GroupPhoto => "group_photo", "Group photo";
        March => "march", "March on the boss";
        Survey => "survey", "Survey";
        Meeting => "meeting", "Meeting turnout";
        MockVote => "mock_vote", "Practice (mock) strike vote";
        StrikeVote => "strike_vote", "Strike authorization vote";
        Other => "other", "Other";
    }
}

impl TestKind {
    /// A vote is marked yes / no / abstain / did not vote and passes by its rule.
    pub fn is_vote(self) -> bool {
        matches!(self, TestKind::MockVote | TestKind::StrikeVote)
    }

    /// The marks a recorder chooses from for this kind.
    pub fn responses(self) -> &'static [Response] {
        if self.is_vote() {
            &Response::VOTE
        } else {
            &Response::ACTION
        }
    }
}

choice! {
    /// Where a test is in its life.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    pub enum TestStatus {
        Planned => "planned", "Planned";
        Live => "live", "Live";
        Closed => "closed", "Closed";
    }
}

choice! {
    /// What one coworker did in a test. The first four are for actions, the last four
    /// for votes.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
    pub enum Response {
        TookPart => "took_part", "Took part";
        Declined => "declined", "Declined";
        NotReached => "not_reached", "Not reached";
        Absent => "absent", "Absent";
        Yes => "yes", "Voted yes";
        No => "no", "Voted no";
        Abstain => "abstain", "Abstained";
        DidNotVote => "did_not_vote", "Did not vote";
    }
}

impl Response {
    pub const ACTION: [Response; 4] = [
        Response::TookPart,
        Response::Declined,
        Response::NotReached,
        Response::Absent,
    ];
    pub const VOTE: [Response; 4] = [
        Response::Yes,
        Response::No,
        Response::Abstain,
        Response::DidNotVote,
    ];

    /// Its place in [`Counts::marks`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// Counted as taking part: signing, wearing, marching — or voting yes.
    pub fn took_part(self) -> bool {
        matches!(self, Response::TookPart | Response::Yes)
    }

    /// The person was asked: they answered, or (a vote) they had their chance to vote.
    /// Not reached and absent are not answers, and say nothing about a rating.
    pub fn asked(self) -> bool {
        !matches!(self, Response::NotReached | Response::Absent)
    }

    /// A mark this kind of test offers.
    pub fn fits(self, kind: TestKind) -> bool {
        kind.responses().contains(&self)
    }
}

/// A structure test as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StructureTest {
    pub id: i64,
    pub campaign_id: i64,
    pub kind: TestKind,
    pub title: String,
    pub description: String,
    pub status: TestStatus,
    /// The plan: when it opens and closes (as typed, the campaign's local time).
    pub opens_at: Option<NaiveDateTime>,
    pub closes_at: Option<NaiveDateTime>,
    /// Share of the scope to reach, in percent (for votes, the yes share of the rule).
    pub goal_percent: i64,
    /// Votes only.
    pub rule: Option<VoteRule>,
    /// The areas chosen for the scope (each with the areas under it); empty: the whole
    /// campaign.
    pub area_ids: Vec<i64>,
    /// When it was actually opened and closed.
    pub opened_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
}

impl StructureTest {
    /// The scope in words, from the campaign's areas.
    pub fn scope_words(&self, areas: &[Area]) -> String {
        scope_words(&self.area_ids, areas)
    }

    /// The goal in words: a vote's rule, or the share of the scope to reach.
    pub fn goal_words(&self) -> String {
        match self.rule {
            Some(rule) => rule.words(),
            None => format!("{}% of the scope", self.goal_percent),
        }
    }
}

/// What a lead sends to plan or edit a test: every field as typed. The chosen areas
/// (checkboxes, `area_ids[i]`) come beside it: a list does not survive `flatten`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// `YYYY-MM-DDTHH:MM` (an `<input type="datetime-local">`), or empty.
    #[serde(default)]
    pub opens_at: String,
    #[serde(default)]
    pub closes_at: String,
    #[serde(default)]
    pub goal_percent: String,
    #[serde(default)]
    pub vote_base: String,
    #[serde(default)]
    pub yes_percent: String,
    #[serde(default)]
    pub turnout_percent: String,
}

/// A test as a lead planned it, validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestPlan {
    pub kind: TestKind,
    pub title: String,
    pub description: String,
    pub opens_at: Option<NaiveDateTime>,
    pub closes_at: Option<NaiveDateTime>,
    pub goal_percent: i64,
    pub rule: Option<VoteRule>,
    pub area_ids: Vec<i64>,
}

/// The longest title of a test, in characters.
pub const TITLE_MAX: usize = 200;
/// The longest description of a test, in characters (the form says so and counts).
pub const DESCRIPTION_MAX: usize = 2000;

/// At most this many people are marked by one request.
pub const MAX_MARKS: usize = 10_000;

impl TestForm {
    /// The plan, with each mistake named by its field; `chosen` are the ticked areas'
    /// ids (none: the whole campaign) and `areas` the campaign's.
    pub fn parse(&self, chosen: &[String], areas: &[Area]) -> Result<TestPlan, Invalid> {
        use crate::AllOk;
        let kind = TestKind::parse(self.kind.trim())
            .ok_or_else(|| Invalid::new("kind", "Choose what kind of test this is."));
        let title = parse_text(&self.title, "title", "The title", TITLE_MAX).and_then(|t| {
            if t.is_empty() {
                Err(Invalid::new("title", "Give the test a title."))
            } else {
                Ok(t)
            }
        });
        let moments = (
            parse_moment(&self.opens_at, "opens_at"),
            parse_moment(&self.closes_at, "closes_at"),
        )
            .all_ok()
            .and_then(|(opens_at, closes_at)| match (opens_at, closes_at) {
                (Some(o), Some(c)) if c <= o => {
                    Err(Invalid::new("closes_at", "It must close after it opens."))
                }
                _ => Ok((opens_at, closes_at)),
            });
        // A vote's goal is its rule; with no kind chosen yet, neither is checked.
        let rule_and_goal = match &kind {
            Ok(k) if k.is_vote() => VoteRule::parse(RuleFields {
                vote_base: &self.vote_base,
                yes_percent: &self.yes_percent,
                turnout_percent: &self.turnout_percent,
            })
            .map(|rule| (Some(rule), rule.yes_percent)),
            Ok(_) => parse_bounded(
                &self.goal_percent,
                "goal_percent",
                1..=100,
                "Give a goal from 1 to 100 percent of the scope.",
            )
            .and_then(|g| {
                g.ok_or_else(|| {
                    Invalid::new("goal_percent", "Give a goal, in percent of the scope.")
                })
            })
            .map(|goal| (None, goal)),
            Err(_) => Ok((None, 0)),
        };
        let (kind, title, description, (opens_at, closes_at), (rule, goal_percent), area_ids) = (
            kind,
            title,
            parse_text(
                &self.description,
                "description",
                "The description",
                DESCRIPTION_MAX,
            ),
            moments,
            rule_and_goal,
            crate::scope::parse_areas(chosen, areas),
        )
            .all_ok()?;
        Ok(TestPlan {
            kind,
            title,
            description,
            opens_at,
            closes_at,
            goal_percent,
            rule,
            area_ids,
        })
    }

    /// The form filled in with `test`, to edit it.
    pub fn of(test: &StructureTest) -> Self {
        let moment = |m: Option<NaiveDateTime>| {
            m.map(|m| m.format("%Y-%m-%dT%H:%M").to_string())
                .unwrap_or_default()
        };
        let mut form = TestForm {
            kind: test.kind.key().to_owned(),
            title: test.title.clone(),
            description: test.description.clone(),
            opens_at: moment(test.opens_at),
            closes_at: moment(test.closes_at),
            goal_percent: test.goal_percent.to_string(),
            ..TestForm::default()
        };
        if let Some((vote_base, yes_percent, turnout_percent)) = test.rule.map(|r| r.values()) {
            form.vote_base = vote_base;
            form.yes_percent = yes_percent;
            form.turnout_percent = turnout_percent;
        }
        form
    }
}

/// A moment from an `<input type="datetime-local">` (`YYYY-MM-DDTHH:MM`, seconds
/// allowed), or `None` when empty.
pub fn parse_moment(raw: &str, field: &str) -> Result<Option<NaiveDateTime>, Invalid> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(raw, f).ok())
        .filter(|m| (2000..=2100).contains(&chrono::Datelike::year(m)))
        .map(Some)
        .ok_or_else(|| Invalid::new(field, "Give a date and time, like 2027-03-01 07:00."))
}

/// Who to mark, from the recording form: the ticked people, or one person tapped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marking {
    pub response: Response,
    pub coworker_ids: Vec<i64>,
}

/// Reads the recording form. `one` is a single tap (`"{coworker_id}:{response}"`, the
/// value of a person's own button), which wins over the ticked boxes; otherwise
/// `response` applies to every id in `ticked`.
pub fn parse_marking(
    kind: TestKind,
    one: &str,
    response: &str,
    ticked: &[String],
) -> Result<Marking, Invalid> {
    let read_response = |raw: &str| {
        Response::parse(raw.trim())
            .filter(|r| r.fits(kind))
            .ok_or_else(|| Invalid::new("response", "Choose a mark this test offers."))
    };
    if let Some((id, r)) = one.trim().split_once(':') {
        let id = id
            .trim()
            .parse::<i64>()
            .map_err(|_| Invalid::new("response", "This form is out of date; reload it."))?;
        return Ok(Marking {
            response: read_response(r)?,
            coworker_ids: vec![id],
        });
    }
    let response = read_response(response)?;
    if ticked.len() > MAX_MARKS {
        return Err(Invalid::new(
            "coworker_ids",
            format!("Mark at most {MAX_MARKS} people at once."),
        ));
    }
    let mut ids = Vec::with_capacity(ticked.len());
    for raw in ticked {
        let id = raw
            .trim()
            .parse::<i64>()
            .map_err(|_| Invalid::new("coworker_ids", "This form is out of date; reload it."))?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.is_empty() {
        return Err(Invalid::new(
            "coworker_ids",
            "Tick the people to mark first.",
        ));
    }
    Ok(Marking {
        response,
        coworker_ids: ids,
    })
}

/// A test one coworker was in, for their page: what they did, and their rating then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoworkerTest {
    pub test_id: i64,
    pub title: String,
    pub kind: TestKind,
    pub status: TestStatus,
    pub response: Option<Response>,
    pub rating_then: Option<i32>,
}

/// One person in a test's scope, as the recording list shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopePerson {
    pub coworker_id: i64,
    pub name: String,
    /// Where they were when the test opened.
    pub area_id: Option<i64>,
    pub shift_id: Option<i64>,
    pub response: Option<Response>,
    /// Their current rating.
    pub rating: Option<i32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn area(id: i64, parent: Option<i64>) -> Area {
        Area::new(id, parent, format!("A{id}"))
    }

    fn form(kind: &str) -> TestForm {
        TestForm {
            kind: kind.into(),
            title: "Safe staffing petition".into(),
            goal_percent: "70".into(),
            ..TestForm::default()
        }
    }

    #[test]
    fn a_plan_reads_back_from_its_form() {
        let areas = [area(1, None), area(2, Some(1))];
        let mut f = form("petition");
        f.opens_at = "2027-03-01T07:00".into();
        f.closes_at = "2027-03-05T19:00".into();
        let chosen = [
            "2".to_owned(),
            "1".to_owned(),
            "2".to_owned(),
            String::new(),
        ];
        let plan = f.parse(&chosen, &areas).unwrap();
        assert_eq!(plan.kind, TestKind::Petition);
        assert_eq!(plan.goal_percent, 70);
        assert_eq!(plan.area_ids, vec![1, 2]);
        assert_eq!(plan.rule, None);
        assert_eq!(
            plan.opens_at.unwrap().format("%Y-%m-%d %H:%M").to_string(),
            "2027-03-01 07:00"
        );
        let test = StructureTest {
            id: 1,
            campaign_id: 1,
            kind: plan.kind,
            title: plan.title.clone(),
            description: plan.description.clone(),
            status: TestStatus::Planned,
            opens_at: plan.opens_at,
            closes_at: plan.closes_at,
            goal_percent: plan.goal_percent,
            rule: plan.rule,
            area_ids: plan.area_ids.clone(),
            opened_at: None,
            closed_at: None,
        };
        let chosen: Vec<String> = test.area_ids.iter().map(i64::to_string).collect();
        assert_eq!(TestForm::of(&test).parse(&chosen, &areas).unwrap(), plan);
    }

    #[test]
    fn a_bad_plan_names_its_field() {
        let areas = [area(1, None)];
        let field_of = |r: Result<TestPlan, Invalid>| match r {
            Err(Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        let field = |f: TestForm| field_of(f.parse(&[], &areas));
        assert_eq!(field(form("")), "kind");
        assert_eq!(field(form("coup")), "kind");
        assert_eq!(
            field(TestForm {
                title: " ".into(),
                ..form("petition")
            }),
            "title"
        );
        assert_eq!(
            field(TestForm {
                title: "x".repeat(201),
                ..form("petition")
            }),
            "title"
        );
        assert_eq!(
            field(TestForm {
                goal_percent: "0".into(),
                ..form("petition")
            }),
            "goal_percent"
        );
        assert_eq!(
            field(TestForm {
                goal_percent: "".into(),
                ..form("petition")
            }),
            "goal_percent"
        );
        assert_eq!(
            field(TestForm {
                opens_at: "tomorrow".into(),
                ..form("petition")
            }),
            "opens_at"
        );
        assert_eq!(
            field(TestForm {
                opens_at: "2027-03-02T07:00".into(),
                closes_at: "2027-03-01T07:00".into(),
                ..form("petition")
            }),
            "closes_at"
        );
        assert_eq!(
            field_of(form("petition").parse(&["9".into()], &areas)),
            "area_ids"
        );
        assert_eq!(
            field_of(form("petition").parse(&["x".into()], &areas)),
            "area_ids"
        );
        assert_eq!(field(form("strike_vote")), "yes_percent");
        assert_eq!(
            field(TestForm {
                yes_percent: "40".into(),
                ..form("strike_vote")
            }),
            "yes_percent"
        );
        assert_eq!(
            field(TestForm {
                yes_percent: "75".into(),
                vote_base: "everyone".into(),
                ..form("strike_vote")
            }),
            "vote_base"
        );
    }

    #[test]
    fn every_mistake_in_a_plan_is_named_at_once() {
        let named = |f: TestForm| -> Vec<String> {
            f.parse(&["999".to_owned()], &[])
                .unwrap_err()
                .each()
                .map(|p| p.field.clone())
                .collect()
        };
        let vote = TestForm {
            title: " ".into(),
            description: "d".repeat(DESCRIPTION_MAX + 1),
            opens_at: "2027-03-02T07:00".into(),
            closes_at: "2027-03-01T07:00".into(),
            yes_percent: "40".into(),
            turnout_percent: "101".into(),
            vote_base: "all".into(),
            ..form("strike_vote")
        };
        assert_eq!(
            named(vote),
            [
                "title",
                "description",
                "closes_at",
                "vote_base",
                "yes_percent",
                "turnout_percent",
                "area_ids"
            ]
        );
        let petition = TestForm {
            goal_percent: "0".into(),
            opens_at: "tomorrow".into(),
            ..form("petition")
        };
        assert_eq!(named(petition), ["opens_at", "goal_percent", "area_ids"]);
        assert_eq!(
            named(TestForm::default()),
            ["kind", "title", "area_ids"],
            "no kind: neither goal nor rule is asked for yet"
        );
    }

    #[test]
    fn a_vote_takes_its_goal_from_its_rule() {
        let plan = TestForm {
            vote_base: "unit".into(),
            yes_percent: "75".into(),
            turnout_percent: "".into(),
            goal_percent: "".into(),
            ..form("strike_vote")
        }
        .parse(&[], &[])
        .unwrap();
        assert_eq!(
            plan.rule,
            Some(VoteRule {
                base: VoteBase::Unit,
                yes_percent: 75,
                turnout_percent: 0
            })
        );
        assert_eq!(plan.goal_percent, 75);
    }

    #[test]
    fn every_kind_offers_four_marks_of_its_own() {
        for kind in TestKind::ALL {
            let marks = kind.responses();
            assert_eq!(marks.len(), 4);
            assert_eq!(marks.iter().filter(|r| r.took_part()).count(), 1);
            for r in Response::ALL {
                assert_eq!(r.fits(kind), marks.contains(&r));
            }
        }
        for (i, r) in Response::ALL.into_iter().enumerate() {
            assert_eq!(r.index(), i);
        }
    }

    #[test]
    fn the_recording_form_reads_a_tap_or_the_ticked_boxes() {
        let ticked = vec!["4".to_owned(), "5".to_owned(), "4".to_owned()];
        assert_eq!(
            parse_marking(TestKind::Petition, "", "took_part", &ticked).unwrap(),
            Marking {
                response: Response::TookPart,
                coworker_ids: vec![4, 5]
            }
        );
        assert_eq!(
            parse_marking(TestKind::Petition, "9:declined", "took_part", &ticked).unwrap(),
            Marking {
                response: Response::Declined,
                coworker_ids: vec![9]
            }
        );
        let err = |r: Result<Marking, Invalid>| match r {
            Err(Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        // A vote's marks are not a petition's.
        assert_eq!(
            err(parse_marking(TestKind::Petition, "", "yes", &ticked)),
            "response"
        );
        assert_eq!(
            err(parse_marking(TestKind::StrikeVote, "9:took_part", "", &[])),
            "response"
        );
        assert_eq!(
            err(parse_marking(TestKind::Petition, "", "took_part", &[])),
            "coworker_ids"
        );
        assert_eq!(
            err(parse_marking(
                TestKind::Petition,
                "",
                "took_part",
                &["x".to_owned()]
            )),
            "coworker_ids"
        );
        let many = vec!["1".to_owned(); MAX_MARKS + 1];
        assert_eq!(
            err(parse_marking(TestKind::Petition, "", "took_part", &many)),
            "coworker_ids"
        );
    }

    #[test]
    fn a_moment_is_a_date_and_a_time() {
        assert!(parse_moment("2027-03-01T07:00", "f").unwrap().is_some());
        assert!(parse_moment("2027-03-01T07:00:30", "f").unwrap().is_some());
        assert_eq!(parse_moment("  ", "f").unwrap(), None);
        assert!(parse_moment("2027-03-01", "f").is_err());
        assert!(parse_moment("1900-03-01T07:00", "f").is_err());
        assert!(parse_moment("2027-13-01T07:00", "f").is_err());
    }
}
