//! Stories: what a viewer reads singles nobody out (issue 28's acceptance). A viewer reads
//! every number the app lets them, on every day it lets them compare, and the attacker of
//! `rankfile_tests::attack` combines them all, knowing each number's people from the
//! ground truth the story built; it must find no group under the campaign's minimum size.
//! One campaign per leak the issue lists for these views (a parent area's own people,
//! trends, overlapping tags, the floor plan against the heat map, departures between two
//! days, an organizer looking outside their scope), then many small random campaigns.
//!
//! What is read: `heat/get` by shift, job title, tag and assigned organizer, today, as of
//! the last two Sundays, yesterday and a weekday between the Sundays (the day a map is
//! *for* is read from its answer: a viewer's day may be moved to its week's end), with
//! the trend; `areas/stats` and `pages/map` (the floor plan). Every number's ground truth
//! is first checked against an exact reading of it (the lead's, or an organizer's own
//! scope), so a recovery is never an artefact of the story's model. "Talked to" and the
//! committee counts are left out: they count unknowns of their own (who was talked to,
//! who is on the committee), so no combination of them gives a head count or a rating.
//!
//! With structure tests (a random campaign holds a closed petition and a live practice
//! vote of its vote plan): each test's tally (`pages/test_tally`: overall, by area, by
//! shift) and its line on the timeline (`pages/tests`), and the vote page (`pages/vote`):
//! the forecast's head counts by area and by shift and its people at each level, and the
//! practice vote's rows (head counts, and yes votes as the share of them). A test's marks
//! are an attribute of their own: a second attacker per test takes them as its "levels"
//! (`Attacker::with_level_names`). The maps' head counts are not given to it: without the
//! ratings' counts on the same cells, nothing shows it that they are rounded (they do not
//! contradict each other), and a combination with coefficients of 1/b of rounded counts
//! then lands on a small group's true size by chance (seen: 1/3 × a job column + ... = 1),
//! a guess the chart's attacker, seeing the contradictions, rightly sets aside.
//!
//! Not read as numbers: a prediction's chances (a function of the protected cells it is
//! made from, nothing else: `domain::forecast::protected_cells`), the path's figures,
//! observed rates (each rating's people crossed with their marks over every closed test:
//! an attribute of person × test the attacker's units do not model; they go through the
//! same policy, and the matrix checks each is a multiple of the minimum), validation
//! (leads only).

use app::api::auth::JoinInvite;
use app::api::structure::{CloseTest, OpenTest, TestTallyPage, TestsPage};
use app::api::votes::StartPractice;
use app::domain::heat::{end_of_day, week_end};
use app::domain::structure::Response;
use app::domain::Choice;
use app::domain::CoworkerFields;
use app::store::{NewAssessment, NewCoworker, PastActivity, PastMove};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rankfile_tests::attack::{Attacker, Level, Recovery, Unit};
use rankfile_tests::{calls, stories, Browser, TestApp};
use serde_json::Value;

stories!(
    a_parent_area_s_own_people_are_not_its_children_subtracted,
    a_trend_point_does_not_uncover_the_map_s_cover,
    overlapping_tags_do_not_give_away_the_tagged,
    the_floor_plan_and_the_heat_map_do_not_subtract,
    two_allowed_days_do_not_give_away_who_left,
    an_organizer_learns_nobody_outside_their_scope,
    random_campaigns_single_nobody_out
);

// --- The campaigns: a plan, built through the app and the store, kept as ground truth ---

/// A campaign to build. Indexes name areas (a parent before its children), shifts and
/// organizers.
#[derive(Debug, Clone)]
struct Plan {
    min_group_size: i64,
    /// (name, parent).
    areas: Vec<(String, Option<usize>)>,
    shifts: usize,
    /// Each organizer invited, by the one area of their scope.
    organizers: Vec<usize>,
    people: Vec<Who>,
    /// A closed petition and a vote plan with a live practice vote, marked as each
    /// person's `marks` say.
    tests: bool,
}

/// One coworker of a plan. Times are how long before the build.
#[derive(Debug, Clone)]
struct Who {
    area: Option<usize>,
    shift: Option<usize>,
    job: String,
    tags: Vec<String>,
    organizer: Option<usize>,
    committee: bool,
    /// On the chart since then.
    since: Duration,
    /// (when, rating).
    ratings: Vec<(Duration, i32)>,
    /// (when, area, shift).
    moves: Vec<(Duration, Option<usize>, Option<usize>)>,
    /// Left then (their employment status, in the placement history).
    left: Option<Duration>,
    /// Their marks on the petition and the practice vote (a response's key), if any.
    marks: [Option<&'static str>; 2],
}

impl Who {
    /// On the first shift of area `area` for 120 days, rated `rating` 110 days ago (before
    /// the oldest trend week: the fixtures' trends see no rating change).
    fn in_area(area: usize, rating: Option<i32>) -> Self {
        Who {
            area: Some(area),
            shift: Some(0),
            job: String::new(),
            tags: Vec::new(),
            organizer: None,
            committee: false,
            since: Duration::days(120),
            ratings: rating
                .map(|r| (Duration::days(110), r))
                .into_iter()
                .collect(),
            moves: Vec::new(),
            left: None,
            marks: [None, None],
        }
    }
}

impl Plan {
    fn new(areas: &[(&str, Option<usize>)]) -> Self {
        Plan {
            min_group_size: 5,
            areas: areas.iter().map(|(n, p)| ((*n).to_owned(), *p)).collect(),
            shifts: 1,
            organizers: Vec::new(),
            people: Vec::new(),
            tests: false,
        }
    }

    /// Adds people to area `area`, one per rating (None: unknown).
    /// People in `area` rated as listed, 0 for not rated.
    fn with(mut self, area: usize, ratings: &[i32]) -> Self {
        self.people.extend(
            ratings
                .iter()
                .map(|&r| Who::in_area(area, (r != 0).then_some(r))),
        );
        self
    }
}

/// A coworker as built: the ground truth of every number that counts them.
#[derive(Debug, Clone)]
struct Person {
    id: i64,
    name: String,
    /// Where they are now (an organizer's scope is read from it).
    area: Option<i64>,
    shift: Option<i64>,
    job: String,
    tags: Vec<String>,
    organizer: Option<i64>,
    committee: bool,
    /// (from, area, shift, on the map), in the order written.
    placements: Vec<Placed>,
    /// (at, rating), in the order written.
    ratings: Vec<(DateTime<Utc>, i32)>,
}

/// A row of the placement history: from when, where, and whether on the map.
#[derive(Debug, Clone, Copy)]
struct Placed {
    at: DateTime<Utc>,
    area: Option<i64>,
    shift: Option<i64>,
    counted: bool,
}

/// When a number counts: now, or at the end of a day (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Moment {
    Now,
    EndOf(NaiveDate),
}

impl Moment {
    fn after(self, at: DateTime<Utc>) -> bool {
        match self {
            Moment::Now => true,
            Moment::EndOf(day) => at < end_of_day(day),
        }
    }

    /// The day's label in a derivation.
    fn day(self) -> String {
        match self {
            Moment::Now => "today".to_owned(),
            Moment::EndOf(day) => day.to_string(),
        }
    }
}

impl Person {
    /// Where they were at `moment` (area, shift), if on the map: the latest placement
    /// before it, of two at one time the later written (the store's rule).
    fn place(&self, moment: Moment) -> Option<(Option<i64>, Option<i64>)> {
        let mut before: Vec<_> = self
            .placements
            .iter()
            .filter(|p| moment.after(p.at))
            .collect();
        before.sort_by_key(|p| p.at);
        before
            .last()
            .filter(|p| p.counted)
            .map(|p| (p.area, p.shift))
    }

    /// Their rating at `moment`, with which run of equal ratings it is (0: none yet).
    fn rating(&self, moment: Moment) -> (usize, Option<i32>) {
        let mut before: Vec<_> = self.ratings.iter().filter(|r| moment.after(r.0)).collect();
        before.sort_by_key(|r| r.0);
        let (mut runs, mut last) = (0, None);
        for (_, rating) in before {
            if last != Some(*rating) {
                runs += 1;
                last = Some(*rating);
            }
        }
        (runs, last)
    }

    /// In column `key` of the heat map by `dimension`, placed on `shift`.
    fn in_column(&self, dimension: &str, shift: Option<i64>, key: &str) -> bool {
        let id = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
        match dimension {
            "shift" => key == id(shift),
            "job_title" => key == self.job,
            "tag" if key.is_empty() => self.tags.is_empty(),
            "tag" => self.tags.iter().any(|t| t == key),
            "organizer" => key == id(self.organizer),
            other => panic!("no dimension {other}"),
        }
    }
}

/// An organizer's scope: whom their own map counts, and whom they know by name.
#[derive(Debug, Clone)]
struct Scope {
    user_id: i64,
    areas: Vec<i64>,
}

impl Scope {
    fn allows(&self, p: &Person) -> bool {
        p.organizer == Some(self.user_id) || p.area.is_some_and(|a| self.areas.contains(&a))
    }
}

/// The members every campaign of one server shares: the lead who starts each, a viewer
/// and two organizers invited to each.
struct Cast {
    lead: Browser,
    lead_id: i64,
    viewer: Browser,
    organizers: Vec<(i64, Browser)>,
}

async fn cast(app: &TestApp) -> Cast {
    let (lead, first) = app.lead_of("lead@example.org", "First").await;
    let lobby = rankfile_tests::area(&lead, first, "Lobby")
        .await
        .to_string();
    let viewer = app
        .invite_member(&lead, first, "viewer@example.org", "viewer", "")
        .await;
    let mut organizers = Vec::new();
    for n in 1..=2 {
        let email = format!("organizer{n}@example.org");
        let browser = app
            .invite_member(&lead, first, &email, "organizer", &lobby)
            .await;
        organizers.push((app.member_id(&lead, first, &email).await, browser));
    }
    let lead_id = app.member_id(&lead, first, "lead@example.org").await;
    Cast {
        lead,
        lead_id,
        viewer,
        organizers,
    }
}

/// A structure test as built: the ground truth of its tallies.
struct BuiltTest {
    id: i64,
    vote: bool,
    /// Each person's mark ([`Response::index`]), None: none (or not in its scope).
    marks: Vec<Option<usize>>,
}

impl BuiltTest {
    /// What its marks are called, in the order of the levels they are given.
    fn names(&self) -> [&'static str; 6] {
        let [a, b, c, d] = if self.vote {
            Response::VOTE
        } else {
            Response::ACTION
        }
        .map(Response::label);
        [a, b, c, d, "(no such mark)", "not marked"]
    }

    /// Person `person`'s mark as a unit of the test's attacker (one stretch: marks are
    /// read once).
    fn unit(&self, person: usize) -> Unit {
        let level = match self.marks[person] {
            Some(i) => mark_level(i),
            None => Level::Unknown,
        };
        Unit {
            person,
            epoch: 0,
            level,
        }
    }
}

/// The level a test's attacker gives a mark ([`Response::index`]): a test offers four
/// marks (an action's or a vote's), the levels of ratings 1 to 4; "unknown" is none.
fn mark_level(mark: usize) -> Level {
    Level::Rated((mark % 4) as u8 + 1)
}

/// A campaign as built.
struct Campaign {
    id: i64,
    min_group_size: i64,
    /// (id, parent).
    areas: Vec<(i64, Option<i64>)>,
    /// The areas' names, in the order of `areas`.
    area_names: Vec<String>,
    /// The petition, then the practice vote (with `tests`).
    tests: Vec<BuiltTest>,
    /// The vote plan the practice vote is of.
    vote_plan: Option<i64>,
    /// Each organizer's scope, as the members list has it.
    scopes: Vec<Scope>,
    people: Vec<Person>,
}

impl Campaign {
    /// The area and its sub-areas (a heat map row's people).
    fn subtree(&self, id: i64) -> Vec<i64> {
        let mut out = vec![id];
        let mut at = 0;
        while at < out.len() {
            let parent = out[at];
            out.extend(
                self.areas
                    .iter()
                    .filter(|(_, p)| *p == Some(parent))
                    .map(|(a, _)| *a),
            );
            at += 1;
        }
        out
    }

    /// The people a number counts, as units at `moment`: in `scope` (None: everyone), in
    /// `area` (None: anywhere; Some(None): no area; with `own`, the area alone, else
    /// with its sub-areas), in column `column` of the map by `dimension` (None: any).
    fn counted(
        &self,
        moment: Moment,
        scope: Option<&Scope>,
        area: Option<Option<i64>>,
        own: bool,
        column: Option<(&str, &str)>,
    ) -> Vec<Unit> {
        let areas = match area {
            Some(Some(id)) if !own => Some(self.subtree(id)),
            Some(Some(id)) => Some(vec![id]),
            _ => None,
        };
        let mut units = Vec::new();
        for (person, p) in self.people.iter().enumerate() {
            let Some((at, shift)) = p.place(moment) else {
                continue;
            };
            let inside = match (area, &areas) {
                (None, _) => true,
                (Some(None), _) => at.is_none(),
                (Some(Some(_)), Some(ids)) => at.is_some_and(|a| ids.contains(&a)),
                (Some(Some(_)), None) => unreachable!(),
            };
            let in_column = column.is_none_or(|(d, key)| p.in_column(d, shift, key));
            if inside && in_column && scope.is_none_or(|s| s.allows(p)) {
                let (epoch, rating) = p.rating(moment);
                let level = rating.map_or(Level::Unknown, |r| Level::Rated(r as u8));
                units.push(Unit {
                    person,
                    epoch,
                    level,
                });
            }
        }
        units
    }
}

/// Builds `plan` as a new campaign of `cast`'s lead, at `now`.
async fn build(
    app: &TestApp,
    cast: &Cast,
    name: &str,
    plan: &Plan,
    now: DateTime<Utc>,
) -> Campaign {
    let lead = &cast.lead;
    let created = lead.call_ok("campaigns/create", &[("name", name)]).await;
    let id = created["id"]
        .as_i64()
        .expect("campaigns/create answers the campaign");
    if plan.min_group_size != 5 {
        lead.call_fn_ok(calls::with_form(
            calls::update_settings(id, "30", "pay"),
            |f| f.min_group_size = plan.min_group_size.to_string(),
        ))
        .await;
    }
    let mut areas: Vec<(i64, Option<i64>)> = Vec::new();
    for (area_name, parent) in &plan.areas {
        let parent = parent.map(|p| areas[p].0);
        let area = match parent {
            None => rankfile_tests::area(lead, id, area_name).await,
            Some(parent) => rankfile_tests::area_in(lead, id, area_name, parent).await,
        };
        areas.push((area, parent));
    }
    let mut shifts = Vec::new();
    for n in 0..plan.shifts {
        shifts.push(rankfile_tests::shift(lead, id, &format!("Shift {n}")).await);
    }
    let (_, token) = lead.new_invite(id, "viewer", "").await;
    cast.viewer.call_fn_ok(JoinInvite { token }).await;
    let mut scopes = Vec::new();
    for (n, area) in plan.organizers.iter().enumerate() {
        let (user_id, browser) = &cast.organizers[n];
        let (_, token) = lead
            .new_invite(id, "organizer", &areas[*area].0.to_string())
            .await;
        browser.call_fn_ok(JoinInvite { token }).await;
        let members = lead
            .call_ok("members/list", &[("campaign_id", &id.to_string())])
            .await;
        let member = members
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["user_id"] == *user_id)
            .expect("the organizer is a member");
        scopes.push(Scope {
            user_id: *user_id,
            areas: member["area_ids"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_i64().unwrap())
                .collect(),
        });
    }

    let area_id = |a: Option<usize>| a.map(|a| areas[a].0);
    let shift_id = |s: Option<usize>| s.map(|s| shifts[s]);
    let organizer_id = |o: Option<usize>| o.map(|o| scopes[o].user_id);
    let new: Vec<NewCoworker> = plan
        .people
        .iter()
        .enumerate()
        .map(|(n, who)| {
            let mut fields = CoworkerFields::named(
                format!("Person {n}"),
                area_id(who.area),
                shift_id(who.shift),
            );
            fields.job_title = who.job.clone();
            fields.tags = who.tags.clone();
            fields.assigned_organizer = organizer_id(who.organizer);
            fields.committee_member = who.committee;
            NewCoworker {
                fields,
                rating: None,
                since: Some(now - who.since),
            }
        })
        .collect();
    let ids = app
        .store
        .create_coworkers(app.store.campaign_key(id), &new)
        .await
        .expect("coworkers");
    let mut people: Vec<Person> = plan
        .people
        .iter()
        .zip(&ids)
        .enumerate()
        .map(|(n, (who, &coworker))| Person {
            id: coworker,
            name: format!("Person {n}"),
            area: area_id(who.area),
            shift: shift_id(who.shift),
            job: who.job.clone(),
            tags: who.tags.clone(),
            organizer: organizer_id(who.organizer),
            committee: who.committee,
            placements: vec![Placed {
                at: now - who.since,
                area: area_id(who.area),
                shift: shift_id(who.shift),
                counted: true,
            }],
            ratings: Vec::new(),
        })
        .collect();

    // The history: moves in the order they happened (each sets the coworker row too).
    // (whose, where to and when).
    let mut moves: Vec<(usize, Placed)> = Vec::new();
    let mut ratings = Vec::new();
    for (n, who) in plan.people.iter().enumerate() {
        for (ago, area, shift) in &who.moves {
            moves.push((
                n,
                Placed {
                    at: now - *ago,
                    area: area_id(*area),
                    shift: shift_id(*shift),
                    counted: true,
                },
            ));
        }
        for (ago, rating) in &who.ratings {
            ratings.push(NewAssessment {
                coworker_id: ids[n],
                organizer_id: cast.lead_id,
                rating: *rating,
                source: app::domain::organizing::Source::Observation,
                note: String::new(),
                at: now - *ago,
            });
            people[n].ratings.push((now - *ago, *rating));
        }
    }
    moves.sort_by_key(|(_, m)| m.at);
    for (n, m) in &moves {
        let p = &mut people[*n];
        p.placements.push(*m);
        (p.area, p.shift) = (m.area, m.shift);
    }
    let past = PastActivity {
        moves: moves
            .iter()
            .map(|(n, m)| PastMove {
                coworker_id: ids[*n],
                at: m.at,
                area_id: m.area,
                shift_id: m.shift,
            })
            .collect(),
        ratings,
        talks: Vec::new(),
    };
    app.store.seed_history(id, &past).await.expect("history");

    // Departures: the status on the row, then a placement where they were, dated when
    // they left (the store records the row's status with it).
    let leavers: Vec<(usize, DateTime<Utc>)> = plan
        .people
        .iter()
        .enumerate()
        .filter_map(|(n, who)| who.left.map(|ago| (n, now - ago)))
        .collect();
    if !leavers.is_empty() {
        let listed: Vec<String> = leavers.iter().map(|(n, _)| ids[*n].to_string()).collect();
        app.sql(&format!(
            "UPDATE coworkers SET employment_status = 'left' WHERE id IN ({})",
            listed.join(", ")
        ))
        .await
        .expect("status");
        let moves = leavers
            .iter()
            .map(|(n, at)| {
                let p = &mut people[*n];
                p.placements.push(Placed {
                    at: *at,
                    area: p.area,
                    shift: p.shift,
                    counted: false,
                });
                PastMove {
                    coworker_id: p.id,
                    at: *at,
                    area_id: p.area,
                    shift_id: p.shift,
                }
            })
            .collect();
        app.store
            .seed_history(
                id,
                &PastActivity {
                    moves,
                    ..PastActivity::default()
                },
            )
            .await
            .expect("departures");
    }
    let mut campaign = Campaign {
        id,
        min_group_size: plan.min_group_size,
        areas,
        area_names: plan.areas.iter().map(|(n, _)| n.clone()).collect(),
        tests: Vec::new(),
        vote_plan: None,
        scopes,
        people,
    };
    if plan.tests {
        structure_tests(cast, plan, &mut campaign).await;
    }
    campaign
}

/// The petition (opened, marked, closed) and the vote plan's practice vote (opened,
/// marked, left live), each over everyone on the chart, marked as `plan` says.
async fn structure_tests(cast: &Cast, plan: &Plan, campaign: &mut Campaign) {
    let (lead, id) = (&cast.lead, campaign.id);
    let answer = |v: Value, what: &str| v.as_i64().unwrap_or_else(|| panic!("{what}: {v}"));
    let plan_id = answer(
        lead.call_fn_ok(calls::plan_vote(id, "Strike authorization"))
            .await,
        "votes/create",
    );
    let practice = answer(
        lead.call_fn_ok(StartPractice {
            campaign_id: id,
            plan_id,
        })
        .await,
        "votes/practice",
    );
    let petition = answer(
        lead.call_fn_ok(calls::plan_test(id, "petition", "Petition"))
            .await,
        "structure/create",
    );
    for (slot, test_id) in [(0, petition), (1, practice)] {
        lead.call_fn_ok(OpenTest {
            campaign_id: id,
            test_id,
        })
        .await;
        let mut marks = vec![None; campaign.people.len()];
        let mut by_response: std::collections::BTreeMap<&str, Vec<i64>> = Default::default();
        for (n, who) in plan.people.iter().enumerate() {
            if let (None, Some(key)) = (who.left, who.marks[slot]) {
                let response = Response::parse(key).expect("a response's key");
                marks[n] = Some(response.index());
                by_response
                    .entry(key)
                    .or_default()
                    .push(campaign.people[n].id);
            }
        }
        for (i, (key, ids)) in by_response.iter().enumerate() {
            lead.call_fn_ok(calls::record(
                id,
                test_id,
                &format!("attack-{id}-{slot}-{i}"),
                key,
                ids,
            ))
            .await;
        }
        campaign.tests.push(BuiltTest {
            id: test_id,
            vote: slot == 1,
            marks,
        });
    }
    lead.call_fn_ok(CloseTest {
        campaign_id: id,
        test_id: petition,
    })
    .await;
    campaign.vote_plan = Some(plan_id);
}

/// `who` leaves now, through the coworker form (every other field kept).
async fn leaves_now(cast: &Cast, campaign: &mut Campaign, who: usize) {
    let p = &campaign.people[who];
    let id = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    let form = calls::with_form(calls::update_coworker(campaign.id, p.id, &p.name), |f| {
        f.area_id = id(p.area);
        f.shift_id = id(p.shift);
        f.job_title = p.job.clone();
        f.tags = p.tags.join(",");
        f.committee_member = if p.committee {
            "on".into()
        } else {
            String::new()
        };
        f.assigned_organizer = id(p.organizer);
        f.employment_status = "left".into();
    });
    cast.lead.call_fn_ok(form).await;
    let p = &mut campaign.people[who];
    p.placements.push(Placed {
        at: Utc::now(),
        area: p.area,
        shift: p.shift,
        counted: false,
    });
}

// --- Reading: every number a reader sees, checked against the truth, to the attacker ---

/// A count's figures: (coworkers, rated 1..5, unknown).
fn figures(cell: &Value) -> (i64, Vec<i64>, i64) {
    let (coworkers, rated, unknown, _talked) = crate::heat::counts(cell);
    (coworkers, rated, unknown)
}

/// The same figures of `units`, as the truth has them.
fn truth(units: &[Unit]) -> (i64, Vec<i64>, i64) {
    let at = |level: Level| units.iter().filter(|u| u.level == level).count() as i64;
    (
        units.len() as i64,
        (1..=5).map(|r| at(Level::Rated(r))).collect(),
        at(Level::Unknown),
    )
}

/// Rated 1 or 2: a trend's and the floor plan's supporters.
const SUPPORTERS: [Level; 2] = [Level::Rated(1), Level::Rated(2)];

fn supporters(units: &[Unit]) -> i64 {
    units
        .iter()
        .filter(|u| matches!(u.level, Level::Rated(1 | 2)))
        .count() as i64
}

/// One count of a map: its label, whom it counts (see [`Campaign::counted`]) and the cell.
struct Number<'a> {
    label: String,
    area: Option<Option<i64>>,
    column: Option<String>,
    cell: &'a Value,
}

/// Every count of a heat map: each row's cells and total, each column's, and the total.
fn numbers(map: &Value) -> Vec<Number<'_>> {
    let columns = map["columns"].as_array().unwrap();
    let mut out = Vec::new();
    for row in map["rows"].as_array().unwrap() {
        let name = row["name"].as_str().unwrap();
        let area = Some(row["area_id"].as_i64());
        for (column, cell) in columns.iter().zip(row["cells"].as_array().unwrap()) {
            out.push(Number {
                label: format!("{name} × {}", column["label"].as_str().unwrap()),
                area,
                column: Some(column["key"].as_str().unwrap().to_owned()),
                cell,
            });
        }
        out.push(Number {
            label: format!("{name}, all columns"),
            area,
            column: None,
            cell: &row["total"],
        });
    }
    for (column, cell) in columns.iter().zip(map["column_totals"].as_array().unwrap()) {
        out.push(Number {
            label: format!("all areas × {}", column["label"].as_str().unwrap()),
            area: None,
            column: Some(column["key"].as_str().unwrap().to_owned()),
            cell,
        });
    }
    out.push(Number {
        label: "all areas".to_owned(),
        area: None,
        column: None,
        cell: &map["total"],
    });
    out
}

/// A trend point: the row's label and area, the week's moment, and the point.
fn trend_points(map: &Value, today: NaiveDate) -> Vec<(String, Option<i64>, Moment, &Value)> {
    let mut out = Vec::new();
    for row in map["rows"].as_array().unwrap() {
        for point in row["trend"].as_array().unwrap() {
            let week: NaiveDate = point["week_end"].as_str().unwrap().parse().unwrap();
            // A week ending today ends after every write: it is today's map.
            let moment = if week >= today {
                Moment::Now
            } else {
                Moment::EndOf(week)
            };
            let name = row["name"].as_str().unwrap().to_owned();
            out.push((name, row["area_id"].as_i64(), moment, point));
        }
    }
    out
}

/// The heat map `who` reads by `dimension` as of `as_of`, with its trend.
async fn heat_map(who: &Browser, campaign: i64, dimension: &str, as_of: &str) -> Value {
    let id = campaign.to_string();
    who.call_ok(
        "heat/get",
        &[
            ("campaign_id", &id),
            ("dimension", dimension),
            ("as_of", as_of),
        ],
    )
    .await
}

/// A trend point to give the attacker after the maps and the floor plan (so that a
/// derivation names those when they suffice).
struct TrendNumber {
    key: String,
    day: String,
    units: Vec<Unit>,
    coworkers: i64,
    supporters: i64,
}

/// One reader (a viewer, or an organizer with their scope) reading a campaign.
struct Reader<'a> {
    campaign: &'a Campaign,
    lead: &'a Browser,
    who: &'a Browser,
    scope: Option<Scope>,
    today: NaiveDate,
    attacker: Attacker,
    trends: Vec<TrendNumber>,
}

impl<'a> Reader<'a> {
    fn new(
        campaign: &'a Campaign,
        lead: &'a Browser,
        who: &'a Browser,
        scope: Option<Scope>,
        today: NaiveDate,
    ) -> Self {
        Reader {
            campaign,
            lead,
            who,
            scope,
            today,
            attacker: Attacker::new(campaign.min_group_size),
            trends: Vec::new(),
        }
    }

    /// A head count the reader saw today, to the chart's attacker, its counts at ratings
    /// to publish on the cell it answers.
    fn today(&mut self, key: String, units: &[Unit], shown: i64) -> rankfile_tests::attack::Cell {
        self.attacker
            .publish_population(&key, "today", units, shown)
    }

    /// Reads every map the reader may: each dimension, today and the past days asked;
    /// then the vote page and the structure tests. The chart's attacker first, then one
    /// per test (of its marks), each with what it is of.
    async fn everything(mut self) -> Vec<(String, Attacker)> {
        let last_sunday = week_end(self.today - Duration::days(1));
        let asked: Vec<String> = [
            String::new(),
            last_sunday.to_string(),
            (last_sunday - Duration::days(7)).to_string(),
            (self.today - Duration::days(1)).to_string(),
            (last_sunday - Duration::days(3)).to_string(),
        ]
        .into_iter()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
        for dimension in ["shift", "job_title", "tag", "organizer"] {
            for day in &asked {
                self.heat(dimension, day).await;
            }
        }
        self.floor_plan().await;
        for t in std::mem::take(&mut self.trends) {
            let cell = self
                .attacker
                .publish_population(&t.key, &t.day, &t.units, t.coworkers);
            self.attacker
                .publish_levels(cell, "rated 1–2", &SUPPORTERS, t.supporters);
        }
        self.vote_page().await;
        let mut out = vec![("the chart".to_owned(), self.attacker.clone())];
        out.extend(self.structure_tests().await);
        if let Some(scope) = &self.scope {
            for (person, p) in self.campaign.people.iter().enumerate() {
                if scope.allows(p) {
                    for (_, attacker) in &mut out {
                        attacker.know(&format!("{} (yours, known by name)", p.name), person);
                    }
                }
            }
        }
        out
    }

    /// The vote page: the forecast's head count of each area's own people and of each
    /// shift, and everyone's at each level (campaign-wide: an organizer's too); checked
    /// against the lead's.
    async fn vote_page(&mut self) {
        let Some(plan_id) = self.campaign.vote_plan else {
            return;
        };
        let call = calls::vote_page(self.campaign.id, plan_id);
        let exact = self.lead.call_fn_ok(call.clone()).await;
        let seen = self.who.call_fn_ok(call).await;
        let campaign = self.campaign;
        let row_units = |dimension: &str, row: &Value| {
            let id = row["id"].as_i64();
            match dimension {
                "area" => campaign.counted(Moment::Now, None, Some(id), true, None),
                _ => {
                    let key = id.map(|v| v.to_string()).unwrap_or_default();
                    campaign.counted(Moment::Now, None, None, false, Some(("shift", &key)))
                }
            }
        };
        let everyone = campaign.counted(Moment::Now, None, None, false, None);
        let levels = |forecast: &Value| -> Vec<i64> {
            forecast["levels"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l.as_i64().unwrap())
                .collect()
        };
        let (n, rated, unknown) = truth(&everyone);
        let mut want = rated.clone();
        want.push(unknown);
        assert_eq!(
            (levels(&exact["forecast"]), everyone.len() as i64),
            (want, n),
            "the story's truth of the vote's people at each level"
        );
        for dimension in ["area", "shift"] {
            let rows = exact["forecast"][format!("by_{dimension}")]
                .as_array()
                .unwrap();
            for row in rows {
                assert_eq!(
                    row["people"].as_i64(),
                    Some(row_units(dimension, row).len() as i64),
                    "the story's truth of the vote's {dimension} row {row}"
                );
            }
        }

        let shown = levels(&seen["forecast"]);
        let cell = self.today(
            "vote page: everyone".to_owned(),
            &everyone,
            shown.iter().sum(),
        );
        for (i, shown) in shown.into_iter().enumerate() {
            let level = if i < 5 {
                Level::Rated(i as u8 + 1)
            } else {
                Level::Unknown
            };
            self.attacker
                .publish_levels(cell, &level.to_string(), &[level], shown);
        }
        for dimension in ["area", "shift"] {
            let rows = seen["forecast"][format!("by_{dimension}")]
                .as_array()
                .unwrap();
            for row in rows {
                // A row withheld shows no prediction and no head count.
                if row["prediction"].is_null() {
                    continue;
                }
                let key = format!("vote page by {dimension}: {}", row["label"]);
                let units = row_units(dimension, row);
                self.today(key, &units, row["people"].as_i64().unwrap());
            }
        }
    }

    /// Each structure test's tally and timeline line, and the practice vote's rows on
    /// the vote page, to an attacker of the test's marks with today's head counts.
    async fn structure_tests(&self) -> Vec<(String, Attacker)> {
        let campaign = self.campaign;
        let mut out = Vec::new();
        let timeline = self
            .who
            .call_fn_ok(TestsPage {
                campaign_id: campaign.id,
            })
            .await;
        let practice = match campaign.vote_plan {
            Some(plan_id) => {
                let page = self
                    .who
                    .call_fn_ok(calls::vote_page(campaign.id, plan_id))
                    .await;
                page["practice"].clone()
            }
            None => Value::Null,
        };
        for test in &campaign.tests {
            let what = if test.vote {
                "practice vote"
            } else {
                "petition"
            };
            let mut attacker =
                Attacker::new(campaign.min_group_size).with_level_names(test.names());
            // Everyone in its scope: on the chart as it opened (now: nobody moved since).
            let in_scope = |area: Option<Option<i64>>, shift: Option<Option<i64>>| {
                let mut units = Vec::new();
                for (person, p) in campaign.people.iter().enumerate() {
                    let Some((at, on)) = p.place(Moment::Now) else {
                        continue;
                    };
                    if area.is_none_or(|a| a == at) && shift.is_none_or(|s| s == on) {
                        units.push(test.unit(person));
                    }
                }
                units
            };
            // The tally's rows: (label, units, counts), the lead's to check the truth.
            let tally_of = |page: &Value| -> Vec<(String, Vec<Unit>, Value)> {
                let tally = &page["tally"];
                let mut rows = vec![(
                    "overall".to_owned(),
                    in_scope(None, None),
                    tally["overall"].clone(),
                )];
                for (dimension, by) in [("area", "by_area"), ("shift", "by_shift")] {
                    for row in tally[by].as_array().unwrap() {
                        let id = Some(row["id"].as_i64());
                        let units = match dimension {
                            "area" => in_scope(id, None),
                            _ => in_scope(None, id),
                        };
                        rows.push((
                            format!("by {dimension}: {}", row["label"]),
                            units,
                            row["counts"].clone(),
                        ));
                    }
                }
                rows
            };
            let call = TestTallyPage {
                campaign_id: campaign.id,
                test_id: test.id,
            };
            let marks_of = |units: &[Unit]| -> (i64, Vec<i64>) {
                let mut marks = vec![0; 8];
                for u in units {
                    if let Some(i) = test.marks[u.person] {
                        marks[i] += 1;
                    }
                }
                (units.len() as i64, marks)
            };
            let counts_of = |c: &Value| -> (i64, Vec<i64>) {
                let marks = c["marks"].as_array().unwrap();
                (
                    c["scope"].as_i64().unwrap(),
                    marks.iter().map(|m| m.as_i64().unwrap()).collect(),
                )
            };
            let exact = self.lead.call_fn_ok(call.clone()).await;
            for (label, units, counts) in tally_of(&exact) {
                assert_eq!(
                    counts_of(&counts),
                    marks_of(&units),
                    "the story's truth of the {what}'s tally {label}"
                );
            }
            let seen = self.who.call_fn_ok(call).await;
            let responses = if test.vote {
                Response::VOTE
            } else {
                Response::ACTION
            };
            let mut publish = |key: String, units: &[Unit], counts: &Value| {
                if counts.is_null() {
                    return;
                }
                let (scope, marks) = counts_of(counts);
                let cell = attacker.publish_population(&key, "today", units, scope);
                for r in responses {
                    let level = mark_level(r.index());
                    attacker.publish_levels(cell, r.label(), &[level], marks[r.index()]);
                }
            };
            for (label, units, counts) in tally_of(&seen) {
                publish(format!("{what}'s tally {label}"), &units, &counts);
            }
            // Its line on the timeline: the overall counts as an outcome.
            let line = timeline["timeline"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["test"]["id"] == test.id)
                .expect("the test is on the timeline");
            let outcome = &line["outcome"];
            let counts = if let Some(o) = outcome.get("Action") {
                let mut marks = vec![0; 8];
                marks[Response::TookPart.index()] = o["took_part"].as_i64().unwrap();
                serde_json::json!({"scope": o["scope"], "marks": marks, "partial": true})
            } else if let Some(o) = outcome.get("Vote") {
                let mut marks = vec![0; 8];
                for (r, key) in [
                    (Response::Yes, "yes"),
                    (Response::No, "no"),
                    (Response::Abstain, "abstain"),
                ] {
                    marks[r.index()] = o[key].as_i64().unwrap();
                }
                serde_json::json!({"scope": o["scope"], "marks": marks, "partial": true})
            } else {
                assert!(outcome.is_null(), "an outcome: {outcome}");
                Value::Null
            };
            if !counts.is_null() {
                let units = in_scope(None, None);
                let cell = attacker.publish_population(
                    &format!("timeline: the {what}"),
                    "today",
                    &units,
                    counts["scope"].as_i64().unwrap(),
                );
                let shown: Vec<(Response, i64)> = if test.vote {
                    vec![Response::Yes, Response::No, Response::Abstain]
                } else {
                    vec![Response::TookPart]
                }
                .into_iter()
                .map(|r| (r, counts["marks"][r.index()].as_i64().unwrap()))
                .collect();
                for (r, n) in shown {
                    let level = mark_level(r.index());
                    attacker.publish_levels(cell, r.label(), &[level], n);
                }
            }
            // The practice vote's rows beside the forecast: head counts as the test
            // opened, and yes votes as their share of the row (a plan of everyone).
            if test.vote && !practice.is_null() {
                let area_of = |label: &str| -> Option<Option<i64>> {
                    if label == "No area" {
                        return Some(None);
                    }
                    campaign
                        .area_names
                        .iter()
                        .position(|n| n == label)
                        .map(|i| Some(campaign.areas[i].0))
                };
                let mut rows: Vec<(String, Vec<Unit>, &Value)> = Vec::new();
                if !practice["overall"].is_null() {
                    rows.push((
                        "overall".to_owned(),
                        in_scope(None, None),
                        &practice["overall"],
                    ));
                }
                for row in practice["by_area"].as_array().unwrap() {
                    let label = row["label"].as_str().unwrap();
                    let area = area_of(label).expect("a practice row is an area's");
                    rows.push((label.to_owned(), in_scope(Some(area), None), row));
                }
                for (label, units, row) in rows {
                    let (Some(people), Some(share)) =
                        (row["people"].as_i64(), row["result_share"].as_f64())
                    else {
                        continue;
                    };
                    let cell = attacker.publish_population(
                        &format!("vote page's practice row {label}"),
                        "today",
                        &units,
                        people,
                    );
                    let yes = (share * people as f64).round() as i64;
                    attacker.publish_levels(
                        cell,
                        Response::Yes.label(),
                        &[mark_level(Response::Yes.index())],
                        yes,
                    );
                }
            }
            out.push((format!("the {what}'s marks"), attacker));
        }
        out
    }

    /// One heat map the reader asks for: its numbers' truth checked, its numbers (those
    /// not withheld) to the attacker, its trend kept for later.
    async fn heat(&mut self, dimension: &str, asked: &str) {
        let map = heat_map(self.who, self.campaign.id, dimension, asked).await;
        let moment = if map["current"] == true {
            Moment::Now
        } else {
            Moment::EndOf(map["as_of"].as_str().unwrap().parse().unwrap())
        };
        // The truth checked against exact numbers of the same day: the lead's map for a
        // viewer's, an organizer's own (exact within their scope).
        let exact = match &self.scope {
            None => {
                let as_of = match moment {
                    Moment::Now => String::new(),
                    Moment::EndOf(day) => day.to_string(),
                };
                heat_map(self.lead, self.campaign.id, dimension, &as_of).await
            }
            Some(_) => map.clone(),
        };
        let scope = self.scope.clone();
        let scope = scope.as_ref();
        let campaign = self.campaign;
        let units = |n: &Number| {
            let column = n.column.as_deref().map(|key| (dimension, key));
            campaign.counted(moment, scope, n.area, false, column)
        };
        for n in numbers(&exact) {
            assert_eq!(
                figures(n.cell),
                truth(&units(&n)),
                "the story's truth of {} by {dimension} on {}",
                n.label,
                moment.day()
            );
        }
        for (row, area, week, point) in trend_points(&exact, self.today) {
            let truth = campaign.counted(week, scope, Some(area), false, None);
            assert_eq!(
                (point["coworkers"].as_i64(), point["supporters"].as_i64()),
                (Some(truth.len() as i64), Some(supporters(&truth))),
                "the story's truth of {row}'s trend on {}",
                week.day()
            );
        }

        let day = moment.day();
        for n in numbers(&map) {
            if n.cell["suppressed"] == true {
                continue;
            }
            let key = format!("heat by {dimension}: {}", n.label);
            let units = units(&n);
            let (coworkers, rated, unknown) = figures(n.cell);
            let cell = if moment == Moment::Now {
                self.today(key, &units, coworkers)
            } else {
                self.attacker
                    .publish_population(&key, &day, &units, coworkers)
            };
            for (r, shown) in (1..=5).zip(rated) {
                let level = Level::Rated(r);
                self.attacker
                    .publish_levels(cell, &level.to_string(), &[level], shown);
            }
            self.attacker
                .publish_levels(cell, "unknown", &[Level::Unknown], unknown);
        }
        for (row, area, week, point) in trend_points(&map, self.today) {
            if point["suppressed"] == true {
                continue;
            }
            self.trends.push(TrendNumber {
                key: format!("trend: {row}"),
                day: week.day(),
                units: campaign.counted(week, scope, Some(area), false, None),
                coworkers: point["coworkers"].as_i64().unwrap(),
                supporters: point["supporters"].as_i64().unwrap(),
            });
        }
    }

    /// The floor plan: each area's own people now, from `areas/stats` and `pages/map`.
    async fn floor_plan(&mut self) {
        let id = self.campaign.id.to_string();
        let form = [("campaign_id", id.as_str())];
        let campaign = self.campaign;
        let own = |area: &Value| {
            let area = Some(Some(area["id"].as_i64().unwrap()));
            campaign.counted(Moment::Now, None, area, true, None)
        };
        let exact = self.lead.call_ok("areas/stats", &form).await;
        for s in exact.as_array().unwrap() {
            let units = own(&s["area"]);
            let t = truth(&units);
            assert_eq!(
                (
                    s["coworkers"].as_i64(),
                    s["supporters"].as_i64(),
                    s["unknown"].as_i64()
                ),
                (Some(t.0), Some(supporters(&units)), Some(t.2)),
                "the story's truth of the floor plan's {}",
                s["area"]["name"]
            );
        }
        let stats = self.who.call_ok("areas/stats", &form).await;
        let page = self.who.call_ok("pages/map", &form).await;
        for (view, list) in [("floor plan", &stats), ("map page", &page["plan"])] {
            for s in list.as_array().unwrap() {
                if s["suppressed"] == true {
                    continue;
                }
                let units = own(&s["area"]);
                let key = format!(
                    "{view}: {}'s own people",
                    s["area"]["name"].as_str().unwrap()
                );
                let count = |field: &str| s[field].as_i64().unwrap();
                let cell = self.today(key, &units, count("coworkers"));
                self.attacker
                    .publish_levels(cell, "rated 1–2", &SUPPORTERS, count("supporters"));
                self.attacker
                    .publish_levels(cell, "unknown", &[Level::Unknown], count("unknown"));
            }
        }
    }
}

/// Every group the attacker singled out, as the failure's message.
fn none_singled_out(found: &[Recovery], context: &str) -> Result<(), String> {
    if found.is_empty() {
        return Ok(());
    }
    // The first few: a random campaign on a leaky policy gives dozens.
    const LISTED: usize = 12;
    let mut listed: Vec<String> = found
        .iter()
        .take(LISTED)
        .map(|r| format!("  {r}"))
        .collect();
    if found.len() > LISTED {
        listed.push(format!("  … and {} more", found.len() - LISTED));
    }
    Err(format!(
        "{context}: {} group(s) under the minimum singled out:\n{}",
        found.len(),
        listed.join("\n")
    ))
}

/// A viewer reads everything of `campaign`; the attacker must single nobody out.
async fn viewer_attack(
    cast: &Cast,
    campaign: &Campaign,
    today: NaiveDate,
    context: &str,
) -> Result<(), String> {
    let started = std::time::Instant::now();
    let attackers = Reader::new(campaign, &cast.lead, &cast.viewer, None, today)
        .everything()
        .await;
    let read = started.elapsed();
    let mut failures = Vec::new();
    for (of, attacker) in &attackers {
        let found = attacker.recoveries();
        failures.extend(none_singled_out(&found, &format!("{context}, as a viewer, {of}")).err());
    }
    println!(
        "{context}: a viewer read {} numbers in {read:?}, attacked in {:?}",
        attackers.iter().map(|(_, a)| a.published()).sum::<usize>(),
        started.elapsed() - read
    );
    match failures.is_empty() {
        true => Ok(()),
        false => Err(failures.join("\n")),
    }
}

/// Organizer `n` reads everything of `campaign`; nobody outside their scope is singled out.
async fn organizer_attack(
    cast: &Cast,
    campaign: &Campaign,
    n: usize,
    today: NaiveDate,
    context: &str,
) -> Result<(), String> {
    let started = std::time::Instant::now();
    let scope = campaign.scopes[n].clone();
    let attackers = Reader::new(
        campaign,
        &cast.lead,
        &cast.organizers[n].1,
        Some(scope),
        today,
    )
    .everything()
    .await;
    let mut failures = Vec::new();
    for (of, attacker) in &attackers {
        let found = attacker.recoveries();
        let context = format!("{context}, as an organizer outside their scope, {of}");
        failures.extend(none_singled_out(&found, &context).err());
    }
    println!(
        "{context}: an organizer read {} numbers; {:?} in all",
        attackers.iter().map(|(_, a)| a.published()).sum::<usize>(),
        started.elapsed()
    );
    match failures.is_empty() {
        true => Ok(()),
        false => Err(failures.join("\n")),
    }
}

/// A campaign of its own built from `plan` as of now, and the viewer's attack on it.
async fn viewer_attack_on(app: &TestApp, name: &str, plan: &Plan, what: &str) {
    let cast = cast(app).await;
    let (now, today) = today();
    let campaign = build(app, &cast, name, plan, now).await;
    viewer_attack(&cast, &campaign, today, what)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

fn today() -> (DateTime<Utc>, NaiveDate) {
    let now = Utc::now();
    (now, now.date_naive())
}

// --- The leaks of issue 28, one campaign each ---

/// Site holds Alpha (6) and Beta (6) and two people of its own, both rated 5: Site 14 −
/// Alpha 6 − Beta 6 is them.
async fn a_parent_area_s_own_people_are_not_its_children_subtracted(app: TestApp) {
    let plan = Plan::new(&[("Site", None), ("Alpha", Some(0)), ("Beta", Some(0))])
        .with(0, &[5, 5])
        .with(1, &[1, 1, 2, 3, 4, 5])
        .with(2, &[0, 0, 2, 3, 4, 4]);
    viewer_attack_on(&app, "Parents", &plan, "parent areas").await;
}

/// North (2) and South (8) until North's two moved to South today: a past map withholds
/// South as cover for North, but South's trend points show 8, and today's South 10.
async fn a_trend_point_does_not_uncover_the_map_s_cover(app: TestApp) {
    let mut plan = Plan::new(&[("North", None), ("South", None)])
        .with(0, &[3, 4])
        .with(1, &[1, 1, 2, 2, 1, 0, 4, 5]);
    for who in &mut plan.people[..2] {
        who.moves.push((Duration::minutes(1), Some(1), Some(0)));
    }
    viewer_attack_on(&app, "Trends", &plan, "trends").await;
}

/// Ward's ten: two carry both tags (carpool, choir), both rated 5; each tag's cell is
/// withheld, but Ward 10 − "No tag" 8 is them.
async fn overlapping_tags_do_not_give_away_the_tagged(app: TestApp) {
    let mut plan = Plan::new(&[("Ward", None)])
        .with(0, &[5, 5])
        .with(0, &[1, 1, 2, 3, 4, 5, 0, 0]);
    for who in &mut plan.people[..2] {
        who.tags = vec!["carpool".into(), "choir".into()];
    }
    viewer_attack_on(&app, "Tags", &plan, "overlapping tags").await;
}

/// North (2, rated 3) and South (8: five rated 1–2, one unknown): the heat map's total 10
/// less the floor plan's South 8 is North.
async fn the_floor_plan_and_the_heat_map_do_not_subtract(app: TestApp) {
    let plan = Plan::new(&[("North", None), ("South", None)])
        .with(0, &[3, 3])
        .with(1, &[1, 1, 2, 2, 1, 0, 4, 4]);
    viewer_attack_on(&app, "Floor plan", &plan, "floor plan against heat map").await;
}

/// Ward's twelve: one left between the last two Sundays (in the placement history), one
/// leaves today (through the coworker form); each pair of days differs by one person.
async fn two_allowed_days_do_not_give_away_who_left(app: TestApp) {
    let cast = cast(&app).await;
    let mut plan = Plan::new(&[("Ward", None)]).with(0, &[1, 2, 2, 3, 3, 4, 4, 5, 5, 0, 1, 4]);
    let (now, today) = today();
    // Thursday noon between the Sundays.
    let between = end_of_day(week_end(today - Duration::days(1)) - Duration::days(7))
        + Duration::days(3)
        + Duration::hours(12);
    plan.people[11].left = Some(now - between);
    let mut campaign = build(&app, &cast, "Time", &plan, now).await;
    leaves_now(&cast, &mut campaign, 10).await;
    viewer_attack(&cast, &campaign, today, "departures between allowed days")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

/// Ward A is the organizer's; of Ward B's five, four are assigned to them: the floor
/// plan's Ward B less the four they know by name is the fifth.
async fn an_organizer_learns_nobody_outside_their_scope(app: TestApp) {
    let cast = cast(&app).await;
    let mut plan = Plan::new(&[("Ward A", None), ("Ward B", None)])
        .with(0, &[1, 2, 3, 4, 5, 0])
        .with(1, &[2, 2, 3, 4, 1]);
    plan.organizers = vec![0];
    for who in &mut plan.people[6..10] {
        who.organizer = Some(0);
    }
    let (now, today) = today();
    let campaign = build(&app, &cast, "Scope", &plan, now).await;
    organizer_attack(&cast, &campaign, 0, today, "an organizer's scope")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

// --- Many small random campaigns ---

/// xorshift64*: a small seeded generator; a failing case prints its seed.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        // SplitMix64 spreads neighbouring seeds apart; xorshift needs a state that is not 0.
        let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        Rng((z ^ (z >> 31)) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in lo..=hi.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<T: Clone>(&mut self, from: &[T]) -> T {
        from[self.range(0, from.len() as i64 - 1) as usize].clone()
    }

    /// A moment between `from` and `to` ago (seconds).
    fn ago(&mut self, from: Duration, to: Duration) -> Duration {
        Duration::seconds(self.range(to.num_seconds(), from.num_seconds()))
    }
}

/// A random campaign: 8 to 30 people, a tree of areas with people on parents too, 2–3
/// shifts, a few job titles, tags that overlap, ratings (some unknown, some changed
/// lately), moves, committee members, assigned organizers, and departures between the
/// two Sundays and since the last.
fn random_plan(rng: &mut Rng, now: DateTime<Utc>) -> Plan {
    let today = now.date_naive();
    let mut areas: Vec<(String, Option<usize>)> = Vec::new();
    for top in 0..rng.range(2, 3) {
        areas.push((format!("Area {top}"), None));
        let parent = areas.len() - 1;
        for sub in 0..rng.range(0, 2) {
            areas.push((format!("Area {top}.{sub}"), Some(parent)));
            if rng.chance(20) {
                let below = areas.len() - 1;
                areas.push((format!("Area {top}.{sub}.0"), Some(below)));
            }
        }
    }
    let shifts = rng.range(2, 3) as usize;
    let organizers: Vec<usize> = (0..rng.range(1, 2))
        .map(|_| rng.range(0, areas.len() as i64 - 1) as usize)
        .collect();
    let jobs = ["Nurse", "Aide", "Porter"];
    let jobs = &jobs[..rng.range(2, 3) as usize];
    let tags = ["choir", "carpool", "pay", "nights"];
    let last_sunday = end_of_day(week_end(today - Duration::days(1)));
    let sunday_before = last_sunday - Duration::days(7);
    let recently = Duration::days(20);
    let mut people = Vec::new();
    for _ in 0..rng.range(8, 30) {
        let area = |rng: &mut Rng| {
            rng.chance(90)
                .then(|| rng.range(0, areas.len() as i64 - 1) as usize)
        };
        let place = area(rng);
        let shift = rng
            .chance(90)
            .then(|| rng.range(0, shifts as i64 - 1) as usize);
        let since = if rng.chance(70) {
            Duration::days(100)
        } else {
            rng.ago(Duration::days(60), Duration::days(3))
        };
        let mut ratings = Vec::new();
        if rng.chance(75) {
            let at = since - Duration::hours(rng.range(1, 72));
            ratings.push((at.max(Duration::hours(1)), rng.range(1, 5) as i32));
        }
        let changes_after = since.min(recently);
        if rng.chance(35) {
            ratings.push((
                rng.ago(changes_after, Duration::minutes(5)),
                rng.range(1, 5) as i32,
            ));
        }
        let mut moves = Vec::new();
        if rng.chance(15) {
            let to = area(rng);
            let on = rng
                .chance(90)
                .then(|| rng.range(0, shifts as i64 - 1) as usize);
            moves.push((rng.ago(changes_after, Duration::minutes(5)), to, on));
        }
        let mut own_tags: Vec<String> = Vec::new();
        for _ in 0..rng.pick(&[0, 0, 0, 0, 0, 1, 1, 1, 2, 2]) {
            let tag = rng.pick(&tags).to_owned();
            if !own_tags.contains(&tag) {
                own_tags.push(tag);
            }
        }
        people.push(Who {
            area: place,
            shift,
            job: if rng.chance(20) {
                String::new()
            } else {
                rng.pick(jobs).to_owned()
            },
            tags: own_tags,
            organizer: rng
                .chance(50)
                .then(|| rng.range(0, organizers.len() as i64 - 1) as usize),
            committee: rng.chance(15),
            since,
            ratings,
            moves,
            left: None,
            marks: [
                rng.chance(80)
                    .then(|| rng.pick(&["took_part", "took_part", "declined", "not_reached"])),
                rng.chance(80)
                    .then(|| rng.pick(&["yes", "yes", "no", "abstain", "did_not_vote"])),
            ],
        });
    }
    // Departures: one between the two Sundays, one since the last, each of someone on the
    // chart before both; moves after they left are dropped.
    let windows = [
        (now - sunday_before, now - last_sunday),
        (now - last_sunday, Duration::minutes(2)),
    ];
    for (from, to) in windows {
        let n = rng.range(0, people.len() as i64 - 1) as usize;
        let who = &mut people[n];
        if who.since > recently && who.left.is_none() && from > to {
            let left = rng.ago(from, to);
            who.left = Some(left);
            who.moves.retain(|(at, _, _)| *at > left);
        }
    }
    Plan {
        min_group_size: rng.pick(&[5, 5, 5, 3, 4]),
        areas,
        shifts,
        organizers,
        people,
        tests: true,
    }
}

/// `RANKFILE_ATTACK_CASES` random campaigns (default 16: about 25 s on PostgreSQL in a debug build) from `RANKFILE_ATTACK_SEED`
/// (default 28): a viewer, then the first organizer, attack each.
async fn random_campaigns_single_nobody_out(app: TestApp) {
    let env = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let (cases, seed) = (
        env("RANKFILE_ATTACK_CASES", 16),
        env("RANKFILE_ATTACK_SEED", 28),
    );
    let cast = cast(&app).await;
    let (now, today) = today();
    let mut failures: Vec<String> = Vec::new();
    for case in 0..cases {
        let case_seed = seed + case;
        let plan = random_plan(&mut Rng::new(case_seed), now);
        let context = format!(
            "case seed {case_seed} (RANKFILE_ATTACK_SEED={case_seed} RANKFILE_ATTACK_CASES=1): \
             {} people, {} areas, minimum group {}",
            plan.people.len(),
            plan.areas.len(),
            plan.min_group_size
        );
        let campaign = build(&app, &cast, &format!("Random {case_seed}"), &plan, now).await;
        let viewer = viewer_attack(&cast, &campaign, today, &context).await;
        let organizer = organizer_attack(&cast, &campaign, 0, today, &context).await;
        failures.extend(viewer.err());
        failures.extend(organizer.err());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
