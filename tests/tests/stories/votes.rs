//! Stories: vote plans. A lead plans a strike vote (its rule and scope) and reads the
//! forecast the chart makes for it; saves what-ifs the page can show again; reads the
//! path to the threshold, with names only inside the reader's scope; plans where people
//! vote and sees who has nowhere yet; and holds a practice vote read beside its forecast.
//! Viewers read figures, never a name nor a group small enough to single someone out.

use std::collections::BTreeSet;

use app::api::structure::OpenTest;
use app::api::votes::{
    CreatePlan, RemovePlace, SaveScenario, StartPractice, UpdatePlan, VotePage, VotePlanPage,
    VotesPage,
};
use app::domain::forecast::Rates;
use app::domain::structure::TestKind;
use rankfile_tests::calls::{self, with_form};
use rankfile_tests::{
    area, area_in, field_of, id_of, items, shift, stories, strings, Browser, TestApp,
};
use serde_json::Value;

stories!(
    a_lead_plans_a_vote_and_reads_its_forecast,
    scenarios_are_saved_and_read_only_by_the_campaign,
    the_what_if_answers_what_the_page_would_show_and_saves_nothing,
    the_path_to_the_threshold_names_people_only_inside_the_readers_scope,
    viewers_see_no_small_groups_in_the_forecast,
    the_vote_plan_lists_who_has_nowhere_to_vote,
    the_practice_vote_is_read_beside_its_forecast,
    a_scenario_form_without_javascript_comes_back_to_the_plan
);

/// One coworker of the depot: name, area, shift, rating, employment status.
struct Person {
    id: i64,
    name: &'static str,
    area: i64,
    shift: i64,
    rating: Option<u8>,
    employed: bool,
}

/// A depot of 19 people, 17 of them employed: a warehouse (with a cold store beneath
/// it), a small office and a yard, on days and nights; an organizer of the yard who is
/// also assigned two people of the warehouse; a viewer; and another campaign's lead.
struct Depot {
    lead: Browser,
    organizer: Browser,
    organizer_id: i64,
    viewer: Browser,
    viewer_id: i64,
    other_lead: Browser,
    other_campaign: i64,
    campaign_id: i64,
    warehouse: i64,
    cold_store: i64,
    office: i64,
    yard: i64,
    days: i64,
    people: Vec<Person>,
}

/// Those of the organizer's scope besides the yard: assigned to them.
const ASSIGNED: [&str; 2] = ["Wade Dunn", "Wren Abbott"];

impl Depot {
    async fn new(app: &TestApp) -> Self {
        let (lead, campaign_id) = app.lead_of("lead@example.org", "Depot").await;
        let warehouse = area(&lead, campaign_id, "Warehouse").await;
        let cold_store = area_in(&lead, campaign_id, "Cold Store", warehouse).await;
        let office = area(&lead, campaign_id, "Office").await;
        let yard = area(&lead, campaign_id, "Yard").await;
        let days = shift(&lead, campaign_id, "Days").await;
        let nights = shift(&lead, campaign_id, "Nights").await;
        let organizer = app
            .organizer_in(&lead, campaign_id, "org@example.org", &[yard])
            .await;
        let organizer_id = app.member_id(&lead, campaign_id, "org@example.org").await;
        let viewer = app
            .invite_member(&lead, campaign_id, "viewer@example.org", "viewer", "")
            .await;
        let viewer_id = app
            .member_id(&lead, campaign_id, "viewer@example.org")
            .await;
        let (other_lead, other_campaign) = app.lead_of("other@example.org", "Elsewhere").await;
        #[rustfmt::skip]
        let roster: [(&str, i64, i64, Option<u8>, &str); 19] = [
            ("Wren Abbott", warehouse, days, Some(3), ""),
            ("Wes Baxter", warehouse, days, Some(3), ""),
            ("Willa Cho", warehouse, days, Some(2), ""),
            ("Wade Dunn", warehouse, nights, Some(3), ""),
            ("Wynn Ellis", warehouse, nights, Some(4), ""),
            ("Walt Foy", warehouse, days, Some(1), ""),
            ("Wanda Gale", warehouse, days, Some(3), "left"),
            ("Cora Hale", cold_store, days, Some(3), ""),
            ("Cal Imes", cold_store, nights, Some(2), ""),
            ("Cyd Jora", cold_store, days, Some(3), ""),
            ("Omar Kent", office, days, Some(1), ""),
            ("Olga Lind", office, days, Some(2), ""),
            ("Ula Stone", office, nights, None, ""),
            ("Yael Moss", yard, nights, Some(3), ""),
            ("Yuri Nash", yard, nights, Some(3), ""),
            ("Yves Orr", yard, days, Some(4), ""),
            ("Yoko Pratt", yard, nights, Some(3), ""),
            ("Yara Quinn", yard, days, Some(3), ""),
            ("Yosef Rudd", yard, nights, Some(5), "fired"),
        ];
        let mut people = Vec::new();
        for (name, area_id, shift_id, rating, status) in roster {
            let args = with_form(
                calls::create_coworker(campaign_id, name, Some(area_id)),
                |f| {
                    f.shift_id = shift_id.to_string();
                    f.employment_status = status.into();
                    if ASSIGNED.contains(&name) {
                        f.assigned_organizer = organizer_id.to_string();
                    }
                },
            );
            let id = id_of(&lead.call_fn_ok(args).await);
            if let Some(r) = rating {
                lead.call_fn_ok(calls::set_rating(campaign_id, id, &r.to_string()))
                    .await;
            }
            people.push(Person {
                id,
                name,
                area: area_id,
                shift: shift_id,
                rating,
                employed: status.is_empty(),
            });
        }
        Depot {
            lead,
            organizer,
            organizer_id,
            viewer,
            viewer_id,
            other_lead,
            other_campaign,
            campaign_id,
            warehouse,
            cold_store,
            office,
            yard,
            days,
            people,
        }
    }

    /// The employed people in `areas` (empty: everywhere).
    fn employed_in(&self, areas: &[i64]) -> Vec<&Person> {
        self.people
            .iter()
            .filter(|p| p.employed && (areas.is_empty() || areas.contains(&p.area)))
            .collect()
    }

    /// True when the organizer may name `p`: in the yard, or assigned to them.
    fn in_organizer_scope(&self, p: &Person) -> bool {
        p.area == self.yard || ASSIGNED.contains(&p.name)
    }

    fn person(&self, id: i64) -> &Person {
        self.people
            .iter()
            .find(|p| p.id == id)
            .unwrap_or_else(|| panic!("coworker {id} is not in the depot"))
    }

    /// Plans a vote over `areas` (empty: the whole campaign) with `base` and `yes`; its id.
    async fn plan(&self, title: &str, base: &str, yes: &str, areas: &[i64]) -> i64 {
        let args = plan_args(self.campaign_id, title, base, yes, areas);
        self.lead
            .call_fn_ok(args)
            .await
            .as_i64()
            .expect("votes/create answers the id")
    }

    async fn page(&self, who: &Browser, plan_id: i64) -> Value {
        who.call_fn_ok(calls::vote_page(self.campaign_id, plan_id))
            .await
    }

    async fn page_with(&self, who: &Browser, plan_id: i64, scenario: i64) -> Value {
        who.call_fn_ok(VotePage {
            scenario: scenario.to_string(),
            ..calls::vote_page(self.campaign_id, plan_id)
        })
        .await
    }

    async fn logistics(&self, who: &Browser, plan_id: i64) -> Value {
        who.call_fn_ok(VotePlanPage {
            campaign_id: self.campaign_id,
            plan_id,
        })
        .await
    }

    async fn plans(&self) -> usize {
        let page = self
            .lead
            .call_fn_ok(VotesPage {
                campaign_id: self.campaign_id,
            })
            .await;
        page["plans"].as_array().expect("a list of plans").len()
    }

    /// Every name of the depot that appears anywhere in `json`.
    fn names_in(&self, json: &Value) -> Vec<&'static str> {
        let text = json.to_string();
        self.people
            .iter()
            .map(|p| p.name)
            .filter(|n| text.contains(n))
            .collect()
    }
}

/// A plan of `base` ("unit", "cast") needing `yes` percent over `areas`.
fn plan_args(c: i64, title: &str, base: &str, yes: &str, areas: &[i64]) -> CreatePlan {
    CreatePlan {
        area_ids: areas.iter().map(i64::to_string).collect(),
        ..with_form(calls::plan_vote(c, title), |f| {
            f.vote_base = base.into();
            f.yes_percent = yes.into();
        })
    }
}

fn f64_of(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn i64_of(v: &Value) -> i64 {
    v.as_i64()
        .unwrap_or_else(|| panic!("not a whole number: {v}"))
}

/// The first guess the forecast starts from (README: "defaults are a first guess"),
/// per level 1–5 then not rated, in whole percents.
const DEFAULT_TURNOUT: [u8; 6] = [95, 90, 75, 60, 50, 60];
const DEFAULT_YES: [u8; 6] = [98, 90, 55, 15, 3, 40];

#[derive(Clone, Copy)]
enum Base {
    Unit,
    Cast,
}

/// What the forecast must say of `people`, by trying every outcome of every person (a
/// yes, another vote, no vote: 3^n cases, nothing shared with the domain's dynamic
/// programme): the chance of passing, the expected yes share of the base (of the scope;
/// of the votes cast, among the outcomes where someone votes) and the expected turnout.
fn enumerated(people: &[&Person], turnout: i64, yes: i64, base: Base) -> [f64; 3] {
    let n = people.len();
    assert!(n <= 12, "3^{n} cases is too many");
    let chances: Vec<[f64; 3]> = people
        .iter()
        .map(|p| {
            let level = p.rating.map_or(5, |r| r as usize - 1);
            let votes = f64::from(DEFAULT_TURNOUT[level]) / 100.0;
            let yes = votes * f64::from(DEFAULT_YES[level]) / 100.0;
            [yes, votes - yes, 1.0 - votes]
        })
        .collect();
    let (mut pass, mut share, mut counted, mut voting) = (0.0, 0.0, 0.0, 0.0);
    for case in 0..3usize.pow(n as u32) {
        let (mut pr, mut yeses, mut voters, mut code) = (1.0, 0i64, 0i64, case);
        for c in &chances {
            let outcome = code % 3;
            code /= 3;
            pr *= c[outcome];
            yeses += i64::from(outcome == 0);
            voters += i64::from(outcome < 2);
        }
        let whole = n as i64;
        let enough_voters = 100 * voters >= turnout * whole;
        let enough_yes = match base {
            Base::Unit => 100 * yeses >= yes * whole,
            Base::Cast => voters > 0 && 100 * yeses >= yes * voters,
        };
        if whole > 0 && enough_voters && enough_yes {
            pass += pr;
        }
        let of = match base {
            Base::Unit => whole,
            Base::Cast => voters,
        };
        if of > 0 {
            share += pr * yeses as f64 / of as f64;
            counted += pr;
        }
        voting += pr * voters as f64;
    }
    [pass, share / counted, voting / n as f64]
}

/// A forecast row's chance, share and turnout are the enumeration's, to rounding.
fn assert_figures(row: &Value, want: &[f64; 3]) {
    for (figure, want) in ["pass", "yes_share", "turnout"].iter().zip(want) {
        let got = f64_of(&row[*figure]);
        assert!(
            (got - want).abs() < 1e-9,
            "{figure}: {got} against {want} enumerated: {row}"
        );
    }
    assert_eq!(row["exact"], true, "{row}");
}

/// People per level (1–5, then not rated), as `forecast.levels` counts them.
fn levels_of(people: &[&Person]) -> [i64; 6] {
    let mut levels = [0; 6];
    for p in people {
        levels[p.rating.map_or(5, |r| r as usize - 1)] += 1;
    }
    levels
}

fn levels(page: &Value) -> [i64; 6] {
    let l = items(&page["forecast"]["levels"]);
    std::array::from_fn(|i| i64_of(&l[i]))
}

/// The forecast's row for `label` in `by_area`.
fn area_row<'a>(page: &'a Value, label: &str) -> &'a Value {
    items(&page["forecast"]["by_area"])
        .iter()
        .find(|r| r["label"] == label)
        .unwrap_or_else(|| panic!("no forecast row for {label}: {page}"))
}

async fn a_lead_plans_a_vote_and_reads_its_forecast(app: TestApp) {
    let d = Depot::new(&app).await;
    let c = d.campaign_id;
    // The warehouse brings the cold store beneath it; those who left or were fired are
    // not counted.
    let plan_id = d
        .plan("Strike authorization", "unit", "75", &[d.warehouse])
        .await;
    let p = d.page(&d.lead, plan_id).await;
    let ids: BTreeSet<i64> = items(&p["plan"]["fields"]["area_ids"])
        .iter()
        .map(i64_of)
        .collect();
    assert_eq!(ids, BTreeSet::from([d.warehouse, d.cold_store]));
    let scope = d.employed_in(&[d.warehouse, d.cold_store]);
    assert_eq!(scope.len(), 9);
    assert_eq!(levels(&p), levels_of(&scope));
    assert_eq!(levels(&p).iter().sum::<i64>(), 9);
    let overall = &p["forecast"]["overall"];
    assert_eq!(overall["people"], 9);
    let pass = f64_of(&overall["pass"]);
    assert!((0.0..=1.0).contains(&pass), "{overall}");
    let share = f64_of(&overall["yes_share"]);
    assert!(
        f64_of(&overall["share_low"]) <= share && share <= f64_of(&overall["share_high"]),
        "the expected share lies in its interval: {overall}"
    );
    let rows: Vec<(&str, i64)> = items(&p["forecast"]["by_area"])
        .iter()
        .map(|r| (r["label"].as_str().unwrap(), i64_of(&r["people"])))
        .collect();
    assert_eq!(rows, [("Cold Store", 3), ("Warehouse", 6)]);
    assert!(
        p["form"].is_object() && p["cells"].is_array(),
        "a lead edits"
    );
    assert!(p["scenario_id"].is_null(), "no scenario saved yet");
    // The figures themselves, against every outcome of every person tried in turn: the
    // scope, then each area as if it voted alone.
    assert_eq!(
        p["scenario"]["rates"],
        serde_json::json!({ "turnout": DEFAULT_TURNOUT, "yes": DEFAULT_YES }),
        "the documented first guess"
    );
    let rule = &p["plan"]["fields"]["rule"];
    let turnout = i64_of(&rule["turnout_percent"]);
    assert_figures(overall, &enumerated(&scope, turnout, 75, Base::Unit));
    for (label, areas) in [("Cold Store", [d.cold_store]), ("Warehouse", [d.warehouse])] {
        let here: Vec<&Person> = scope
            .iter()
            .copied()
            .filter(|p| areas.contains(&p.area))
            .collect();
        let row = &area_row(&p, label)["prediction"];
        assert_figures(row, &enumerated(&here, turnout, 75, Base::Unit));
    }

    // Mistakes are named and create nothing.
    for (args, field) in [
        (
            with_form(calls::plan_vote(c, "Too low"), |f| {
                f.yes_percent = "40".into()
            }),
            "yes_percent",
        ),
        (
            plan_args(c, "Nowhere", "unit", "75", &[999_999]),
            "area_ids",
        ),
        (
            with_form(calls::plan_vote(c, "Majority of what?"), |f| {
                f.vote_base = "most".into()
            }),
            "vote_base",
        ),
        (calls::plan_vote(c, "  "), "title"),
    ] {
        let res = d.lead.call_fn(args).await;
        assert_eq!(res.status(), 422, "{field}");
        assert_eq!(field_of(&res.text().await.unwrap()), field);
    }
    // Another campaign's area is not on this map.
    let theirs = area(&d.other_lead, d.other_campaign, "Their floor").await;
    let res = d
        .lead
        .call_fn(plan_args(c, "Theirs", "unit", "75", &[theirs]))
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(field_of(&res.text().await.unwrap()), "area_ids");
    // Organizers and viewers read plans; they do not make them.
    for who in [&d.organizer, &d.viewer] {
        assert_eq!(who.status_fn(calls::plan_vote(c, "Not mine")).await, 403);
    }
    assert_eq!(
        d.other_lead
            .status_fn(calls::plan_vote(c, "Not ours"))
            .await,
        404
    );
    assert_eq!(d.plans().await, 1);
    let listed = d.viewer.call_fn_ok(VotesPage { campaign_id: c }).await;
    assert_eq!(
        listed["plans"][0]["fields"]["title"],
        "Strike authorization"
    );

    // The lead widens it to the whole campaign: everyone employed is counted.
    let update = |title: &str| UpdatePlan {
        campaign_id: c,
        plan_id,
        form: with_form(calls::plan_vote(c, title), |f| {
            f.yes_percent = "60".into();
            f.vote_on = "2027-03-01".into();
        })
        .form,
        area_ids: Vec::new(),
    };
    d.lead.call_fn_ok(update("Strike vote")).await;
    let p = d.page(&d.lead, plan_id).await;
    assert_eq!(p["plan"]["fields"]["title"], "Strike vote");
    assert_eq!(p["plan"]["fields"]["rule"]["yes_percent"], 60);
    assert_eq!(levels(&p), levels_of(&d.employed_in(&[])));
    assert_eq!(levels(&p).iter().sum::<i64>(), 17);
    assert_eq!(d.organizer.status_fn(update("Mine now")).await, 403);
    // A plan of another campaign is not there.
    let other_plan = d
        .other_lead
        .call_fn_ok(calls::plan_vote(d.other_campaign, "Their vote"))
        .await;
    assert_eq!(
        d.lead
            .status_fn(calls::vote_page(c, i64_of(&other_plan)))
            .await,
        404
    );
    // Organizers see the forecast, as figures, without the lead's form: a vote's scope
    // is campaign-wide, so its head counts come through the disclosure policy: their own
    // people exactly, the others (each level's) rounded to a multiple of five.
    let p = d.page(&d.organizer, plan_id).await;
    assert!(p["form"].is_null() && p["cells"].is_null());
    let people = p["forecast"]["overall"]["people"].as_i64().unwrap();
    let own = d
        .employed_in(&[])
        .into_iter()
        .filter(|p| d.in_organizer_scope(p))
        .count() as i64;
    assert_eq!((people - own) % 5, 0, "{own} of their own");
    assert_eq!(people, levels(&p).iter().sum::<i64>());

    assert_eq!(d.lead.audit_entries(c, "vote_plan.create").await.len(), 1);
    assert_eq!(d.lead.audit_entries(c, "vote_plan.update").await.len(), 1);
    assert!(!d.lead.audit_entries(c, "vote_plan.read").await.is_empty());

    // A share of the votes cast: its own arithmetic (the share among those who vote).
    let cast = d.plan("Cast vote", "cast", "60", &[d.warehouse]).await;
    let q = d.page(&d.lead, cast).await;
    let turnout = i64_of(&q["plan"]["fields"]["rule"]["turnout_percent"]);
    assert_figures(
        &q["forecast"]["overall"],
        &enumerated(&scope, turnout, 60, Base::Cast),
    );

    // The page is kept between loads, by the chart's version: a rating changed since is
    // in the next load.
    let before = d.page(&d.lead, plan_id).await;
    assert_eq!(
        d.page(&d.lead, plan_id).await["forecast"],
        before["forecast"]
    );
    let someone = scope.iter().find(|p| p.rating != Some(1)).unwrap();
    d.lead
        .call_fn_ok(calls::set_rating(c, someone.id, "1"))
        .await;
    let mut want = levels(&before);
    want[someone.rating.map_or(5, |r| r as usize - 1)] -= 1;
    want[0] += 1;
    assert_eq!(
        levels(&d.page(&d.lead, plan_id).await),
        want,
        "{}",
        someone.name
    );
}

/// Rates a committee might guess, other than the defaults.
fn guessed_rates() -> Rates {
    Rates {
        turnout: [90, 85, 70, 55, 40, 50],
        yes: [95, 85, 50, 20, 5, 35],
    }
}

/// A scenario of [`guessed_rates`] moving `count` of the 3s of `area` to 1.
fn moving(c: i64, plan_id: i64, name: &str, area: i64, count: i64) -> SaveScenario {
    SaveScenario {
        move_area: vec![area.to_string()],
        move_from: vec!["3".into()],
        move_to: vec!["1".into()],
        move_count: vec![count.to_string()],
        ..calls::save_scenario(c, plan_id, name, &guessed_rates())
    }
}

async fn scenarios_are_saved_and_read_only_by_the_campaign(app: TestApp) {
    let d = Depot::new(&app).await;
    let c = d.campaign_id;
    let plan_id = d.plan("Strike vote", "cast", "60", &[]).await;
    let default = d.page(&d.lead, plan_id).await;
    assert_eq!(
        default["scenario"]["rates"],
        serde_json::to_value(Rates::default()).unwrap()
    );
    let rates = guessed_rates();
    let first = d
        .lead
        .call_fn_ok(calls::save_scenario(c, plan_id, "Our guesses", &rates))
        .await
        .as_i64()
        .expect("votes/scenario answers the id");
    let second = d
        .lead
        .call_fn_ok(moving(
            c,
            plan_id,
            "After the warehouse push",
            d.warehouse,
            4,
        ))
        .await
        .as_i64()
        .expect("votes/scenario answers the id");
    // Each is shown again as saved.
    let a = d.page_with(&d.lead, plan_id, first).await;
    assert_eq!(a["scenario_id"], first);
    assert_eq!(a["scenario_name"], "Our guesses");
    assert_eq!(a["scenario"]["rates"], serde_json::to_value(rates).unwrap());
    assert_eq!(a["scenario"]["moves"], serde_json::json!([]));
    assert_eq!(levels(&a), levels(&default), "rates move nobody");
    let b = d.page_with(&d.lead, plan_id, second).await;
    assert_eq!(b["scenario_name"], "After the warehouse push");
    assert_eq!(
        b["scenario"]["moves"],
        serde_json::json!([{"area_id": d.warehouse, "from": 2, "to": 0, "count": 4}])
    );
    // Four of the warehouse's 3s (the cold store's count too) are counted as 1s...
    let (la, lb) = (levels(&a), levels(&b));
    assert_eq!((lb[0], lb[2]), (la[0] + 4, la[2] - 4), "{la:?} → {lb:?}");
    assert_eq!(lb.iter().sum::<i64>(), la.iter().sum::<i64>());
    // ...and the forecast rises with them.
    let (fa, fb) = (&a["forecast"]["overall"], &b["forecast"]["overall"]);
    assert!(
        f64_of(&fb["yes_share"]) > f64_of(&fa["yes_share"]),
        "{fa} → {fb}"
    );
    assert!(f64_of(&fb["pass"]) > f64_of(&fa["pass"]), "{fa} → {fb}");
    // The newest is the plan's current one; the list is newest first.
    let now = d.page(&d.lead, plan_id).await;
    assert_eq!(now["scenario_id"], second);
    assert_eq!(now["forecast"], b["forecast"]);
    let listed: Vec<i64> = items(&now["scenarios"])
        .iter()
        .map(|s| i64_of(&s[0]))
        .collect();
    assert_eq!(listed, [second, first]);
    assert_eq!(now["scenarios"][0][2], "lead@example.org");
    // Organizers and viewers read them, and do not save. A viewer's forecast is made from
    // the protected counts, and names nobody who saved it.
    let seen = d.page_with(&d.viewer, plan_id, first).await;
    assert_eq!(seen["scenario"], a["scenario"]);
    assert_eq!(seen["scenarios"][0][2], "a member");
    assert!(!seen.to_string().contains("@example.org"));
    let people = seen["forecast"]["overall"]["people"].as_i64().unwrap();
    assert_eq!(people % 5, 0);
    assert!(
        (people - 17).abs() < 5 * 6,
        "six levels, each within four: {people}"
    );
    for who in [&d.organizer, &d.viewer] {
        assert_eq!(
            who.status_fn(calls::save_scenario(c, plan_id, "Mine", &rates))
                .await,
            403
        );
    }
    // Another campaign's lead finds nothing, through either campaign.
    let theirs = d.other_campaign;
    for status in [
        d.other_lead
            .status_fn(calls::save_scenario(c, plan_id, "Theirs", &rates))
            .await,
        d.other_lead
            .status_fn(calls::save_scenario(theirs, plan_id, "Theirs", &rates))
            .await,
        d.other_lead.status_fn(calls::vote_page(c, plan_id)).await,
        d.other_lead
            .status_fn(calls::vote_page(theirs, plan_id))
            .await,
    ] {
        assert_eq!(status, 404);
    }
    // A scenario of another plan is not this plan's.
    let other_plan = d.plan("Practice", "unit", "75", &[d.yard]).await;
    let elsewhere = d
        .lead
        .call_fn_ok(calls::save_scenario(c, other_plan, "Yard only", &rates))
        .await
        .as_i64()
        .unwrap();
    let status = d
        .lead
        .status_fn(VotePage {
            scenario: elsewhere.to_string(),
            ..calls::vote_page(c, plan_id)
        })
        .await;
    assert_eq!(status, 404);
    assert_eq!(
        d.page_with(&d.lead, other_plan, elsewhere).await["scenario_id"],
        elsewhere
    );
    // A move to the level it came from, or too many moves, is refused by name.
    let same = SaveScenario {
        move_to: vec!["3".into()],
        ..moving(c, plan_id, "Nothing moves", d.warehouse, 1)
    };
    let forty_one = SaveScenario {
        move_area: vec![String::new(); 41],
        move_from: vec!["3".into(); 41],
        move_to: vec!["2".into(); 41],
        move_count: vec!["1".into(); 41],
        ..calls::save_scenario(c, plan_id, "Everything", &rates)
    };
    let unknown_area = moving(c, plan_id, "Nowhere", 999_999, 1);
    let short_rates = SaveScenario {
        turnout: vec!["50".into(); 5],
        ..calls::save_scenario(c, plan_id, "Five rates", &rates)
    };
    for (args, field) in [
        (same, "moves"),
        (forty_one, "moves"),
        (unknown_area, "moves"),
        (short_rates, "turnout"),
        (calls::save_scenario(c, plan_id, "", &rates), "name"),
    ] {
        let res = d.lead.call_fn(args).await;
        assert_eq!(res.status(), 422, "{field}");
        assert_eq!(field_of(&res.text().await.unwrap()), field);
    }
    // Forty moves are allowed.
    let forty = SaveScenario {
        move_area: vec![String::new(); 40],
        move_from: vec!["3".into(); 40],
        move_to: vec!["2".into(); 40],
        move_count: vec!["1".into(); 40],
        ..calls::save_scenario(c, plan_id, "Forty", &rates)
    };
    d.lead.call_fn_ok(forty).await;
    assert_eq!(
        items(&d.page(&d.lead, plan_id).await["scenarios"]).len(),
        3,
        "nothing refused was saved"
    );
    assert_eq!(d.lead.audit_entries(c, "vote_scenario.save").await.len(), 4);
}

async fn the_what_if_answers_what_the_page_would_show_and_saves_nothing(app: TestApp) {
    use app::components::what_if::result_html;
    use app::domain::forecast::Forecast;
    use app::domain::structure::VoteRule;
    let d = Depot::new(&app).await;
    let c = d.campaign_id;
    let plan_id = d.plan("Strike vote", "cast", "60", &[]).await;
    let pushed = moving(c, plan_id, "After the warehouse push", d.warehouse, 4);
    // The figures of a scenario, sent as typed: the result is the one the page shows once
    // that scenario is saved, rendered the same.
    let live = d.lead.call_fn_ok(calls::what_if(pushed.clone())).await;
    assert_eq!(live["mistakes"], serde_json::json!({}));
    let html = live["html"].as_str().expect("html").to_owned();
    assert!(html.contains("chance of passing"), "{html}");
    assert!(
        items(&d.page(&d.lead, plan_id).await["scenarios"]).is_empty(),
        "nothing saved"
    );
    let id = d.lead.call_fn_ok(pushed).await.as_i64().unwrap();
    let page = d.page_with(&d.lead, plan_id, id).await;
    let forecast: Forecast = serde_json::from_value(page["forecast"].clone()).unwrap();
    let rule: VoteRule = serde_json::from_value(page["plan"]["fields"]["rule"].clone()).unwrap();
    let target = page["plan"]["fields"]["target_percent"].as_f64().unwrap() / 100.0;
    assert_eq!(html, result_html(Some(&forecast), target, &rule));
    // Other figures, another result.
    let rates = live_rates();
    let other = d
        .lead
        .call_fn_ok(calls::what_if(calls::save_scenario(c, plan_id, "", &rates)))
        .await;
    assert_ne!(other["html"], live["html"]);
    // Figures that do not read: each mistake by its field, the hint instead of a result.
    let bad = SaveScenario {
        yes: vec!["150".into(); 6],
        move_to: vec!["3".into()],
        ..moving(c, plan_id, "", d.warehouse, 1)
    };
    let wrong = d.lead.call_fn_ok(calls::what_if(bad)).await;
    let mistakes = wrong["mistakes"].as_object().unwrap();
    assert_eq!(
        mistakes.keys().collect::<Vec<_>>(),
        ["moves", "yes"],
        "{mistakes:?}"
    );
    assert_eq!(wrong["html"], result_html(None, target, &rule));
    // Leads only; another campaign's lead finds nothing; too many moves are refused
    // before anything is read; and nothing of it was saved.
    for who in [&d.organizer, &d.viewer] {
        let status = who
            .status_fn(calls::what_if(calls::save_scenario(c, plan_id, "", &rates)))
            .await;
        assert_eq!(status, 403);
    }
    for campaign in [c, d.other_campaign] {
        let status = d
            .other_lead
            .status_fn(calls::what_if(calls::save_scenario(
                campaign, plan_id, "", &rates,
            )))
            .await;
        assert_eq!(status, 404);
    }
    let moves = |n: usize| SaveScenario {
        move_area: vec![String::new(); n],
        move_from: vec!["3".into(); n],
        move_to: vec!["2".into(); n],
        move_count: vec!["1".into(); n],
        ..calls::save_scenario(c, plan_id, "", &rates)
    };
    // 41 moves read as figures with a mistake (a scenario holds 40); 81 rows are refused
    // unread.
    let over = d.lead.call_fn_ok(calls::what_if(moves(41))).await;
    assert!(over["mistakes"]["moves"].is_string(), "{over}");
    let res = d.lead.call_fn(calls::what_if(moves(81))).await;
    assert_eq!(res.status(), 422);
    assert_eq!(field_of(&res.text().await.unwrap()), "moves");
    assert_eq!(items(&d.page(&d.lead, plan_id).await["scenarios"]).len(), 1);
}

/// Rates other than [`guessed_rates`].
fn live_rates() -> Rates {
    Rates {
        yes: [90, 80, 70, 30, 10, 40],
        ..guessed_rates()
    }
}

/// The coworker ids named in a path's groups.
fn named(groups: &Value) -> Vec<i64> {
    items(groups)
        .iter()
        .flat_map(|g| {
            items(&g["people"])
                .iter()
                .map(|p| i64_of(&p["coworker_id"]))
        })
        .collect()
}

async fn the_path_to_the_threshold_names_people_only_inside_the_readers_scope(app: TestApp) {
    let d = Depot::new(&app).await;
    // Yes from 75% of all 17: about 8 yes on today's chart, 13 needed.
    let plan_id = d.plan("Strike authorization", "unit", "75", &[]).await;
    let p = d.page(&d.lead, plan_id).await;
    let path = &p["path"];
    let target = f64_of(&path["target"]);
    assert_eq!(target, 0.9, "the default target");
    assert!(
        f64_of(&path["before"]) < target,
        "the chart is short: {path}"
    );
    assert!(
        f64_of(&p["forecast"]["overall"]["pass"]) < target,
        "{}",
        p["forecast"]["overall"]
    );
    assert_eq!(path["reached"], true, "{path}");
    assert!(f64_of(&path["after"]) >= target, "{path}");
    let (level_moves, plans) = (i64_of(&path["level_moves"]), i64_of(&path["plans"]));
    assert!(level_moves + plans > 0, "{path}");

    // The lead: every move, named, grouped by area and by organizer.
    for key in ["by_area", "by_organizer"] {
        let groups = items(&path[key]);
        assert!(!groups.is_empty(), "{key}");
        let sum = |f: &str| groups.iter().map(|g| i64_of(&g[f])).sum::<i64>();
        assert_eq!(sum("level_moves"), level_moves, "{key}: {path}");
        assert_eq!(sum("plans"), plans, "{key}: {path}");
        assert_eq!(sum("others"), 0, "the lead sees everyone: {key}");
        for g in groups {
            for person in items(&g["people"]) {
                let who = d.person(i64_of(&person["coworker_id"]));
                assert!(who.employed, "{}", who.name);
                assert_eq!(person["name"], who.name);
                let (from, to) = (i64_of(&person["from"]), i64_of(&person["to"]));
                assert_eq!(from, who.rating.map_or(5, |r| r as i64 - 1), "{}", who.name);
                assert!(to <= from, "towards 1: {person}");
                assert!(to < from || person["plan_to_vote"] == true, "{person}");
                assert!(who.rating.is_some(), "the unrated are not moved: {person}");
            }
        }
    }
    let lead_named = named(&path["by_area"]);
    assert!(!lead_named.is_empty());
    // Long shots: the people the path turns from opposed or hostile into supporters,
    // counted for the lead exactly as named; and the unrated, whom no path moves.
    let long_shots = items(&path["by_area"])
        .iter()
        .flat_map(|g| items(&g["people"]))
        .filter(|p| i64_of(&p["from"]) >= 3 && i64_of(&p["to"]) <= 1)
        .count() as i64;
    assert_eq!(i64_of(&path["long_shots"]), long_shots, "{path}");
    let unrated = d
        .people
        .iter()
        .filter(|p| p.employed && p.rating.is_none())
        .count() as i64;
    assert_eq!(i64_of(&path["unrated"]), unrated, "{path}");
    let (_, html) = d
        .lead
        .get_html(&format!("/campaigns/{}/votes/{plan_id}", d.campaign_id))
        .await;
    assert_eq!(
        html.contains("Out of realistic reach"),
        long_shots > 0,
        "the page says so exactly when the path needs long shots"
    );
    let people_of = |area: i64| {
        lead_named
            .iter()
            .filter(|&&id| d.person(id).area == area)
            .count()
    };
    assert!(
        people_of(d.yard) > 0 && people_of(d.warehouse) + people_of(d.cold_store) > 0,
        "the path reaches into the yard and beyond it: {path}"
    );

    // The organizer of the yard reads the campaign through the disclosure policy: the
    // path of the protected counts, names only inside their scope, and those outside it
    // only as a protected count of others (a multiple of five), with no moves of theirs.
    let p = d.page(&d.organizer, plan_id).await;
    let org_path = &p["path"];
    let org_named = named(&org_path["by_area"]);
    assert!(!org_named.is_empty(), "the yard's people are named");
    for id in named(&org_path["by_area"])
        .into_iter()
        .chain(named(&org_path["by_organizer"]))
    {
        let who = d.person(id);
        assert!(d.in_organizer_scope(who), "{} is outside", who.name);
    }
    for key in ["by_area", "by_organizer"] {
        for g in items(&org_path[key]) {
            assert_eq!(i64_of(&g["others"]) % 5, 0, "{g}");
            // A group's moves are its named people's only.
            let named_moves: i64 = items(&g["people"])
                .iter()
                .map(|p| i64_of(&p["from"]) - i64_of(&p["to"]))
                .sum();
            assert_eq!(i64_of(&g["level_moves"]), named_moves, "{g}");
        }
    }
    let outside: Vec<&str> = d
        .names_in(&p)
        .into_iter()
        .filter(|n| {
            let who = d.people.iter().find(|p| p.name == *n).unwrap();
            !d.in_organizer_scope(who)
        })
        .collect();
    assert!(outside.is_empty(), "named outside the scope: {outside:?}");
    // The organizer's own group is labelled with them.
    assert!(items(&org_path["by_organizer"])
        .iter()
        .any(|g| g["label"] == "org@example.org"));

    // A viewer: the protected figures, no groups, no name anywhere.
    let p = d.page(&d.viewer, plan_id).await;
    let path = &p["path"];
    for figure in ["level_moves", "plans", "before", "after"] {
        assert!(path[figure].is_number(), "{figure}: {path}");
    }
    assert!(
        matches!(i64_of(&path["long_shots"]), 0 | 1),
        "some or none, never the count: {path}"
    );
    assert!(path["unrated"].is_null(), "{path}");
    assert_eq!(path["by_area"], serde_json::json!([]));
    assert_eq!(path["by_organizer"], serde_json::json!([]));
    assert_eq!(d.names_in(&p), Vec::<&str>::new());
}

async fn viewers_see_no_small_groups_in_the_forecast(app: TestApp) {
    let d = Depot::new(&app).await;
    let plan_id = d.plan("Strike vote", "cast", "50", &[]).await;
    // The office and the cold store have three people each; the campaign hides fewer
    // than five.
    let lead = d.page(&d.lead, plan_id).await;
    for label in ["Office", "Cold Store", "Warehouse", "Yard"] {
        assert!(
            area_row(&lead, label)["prediction"].is_object(),
            "the lead sees {label}"
        );
    }
    assert_eq!(area_row(&lead, "Office")["people"], 3);
    for who in [&d.viewer, &d.organizer] {
        let p = d.page(who, plan_id).await;
        for label in ["Office", "Cold Store"] {
            let row = area_row(&p, label);
            assert_eq!(row["people"], 0, "nor its head count: {row}");
            assert!(row["prediction"].is_null(), "{label} withheld: {row}");
        }
        if p["role"] == "viewer" {
            assert!(levels(&p).iter().all(|n| n % 5 == 0), "{:?}", levels(&p));
        }
        // Large enough areas are shown; a viewer's counts are rounded at each rating, so
        // a row may round to nobody (and then shows no prediction of nobody). The
        // organizer reads their own yard exactly.
        for label in ["Warehouse", "Yard"] {
            let row = area_row(&p, label);
            let people = i64_of(&row["people"]);
            assert_eq!(row["prediction"].is_object(), people > 0, "{row}");
            if p["role"] == "viewer" {
                assert_eq!(people % 5, 0, "{row}");
            }
        }
        if p["role"] == "organizer" {
            let yard = area_row(&p, "Yard");
            assert!(yard["prediction"].is_object(), "{yard}");
            assert_eq!(yard["people"], d.employed_in(&[d.yard]).len(), "{yard}");
        }
        assert!(
            p["forecast"]["overall"].is_object(),
            "the whole scope shows"
        );
        // No shift row of fewer than five is shown to a viewer either (an organizer's
        // rows count their own people exactly, beside the others rounded).
        if p["role"] == "viewer" {
            for row in items(&p["forecast"]["by_shift"]) {
                if i64_of(&row["people"]) < 5 {
                    assert!(row["prediction"].is_null(), "{row}");
                }
            }
        }
    }
    // A plan of the office alone: too small to forecast at all for a viewer.
    let office = d.plan("Office vote", "cast", "50", &[d.office]).await;
    // Neither are its levels (the three people's ratings) nor its path (whose chance
    // before is the forecast withheld).
    let p = d.page(&d.viewer, office).await;
    assert!(p["forecast"]["overall"].is_null(), "{}", p["forecast"]);
    assert!(items(&p["forecast"]["by_area"])
        .iter()
        .all(|r| r["prediction"].is_null()));
    assert_eq!(levels(&p), [0; 6], "{}", p["forecast"]);
    assert!(p["path"].is_null(), "{}", p["path"]);
    let lead = d.page(&d.lead, office).await;
    assert!(lead["forecast"]["overall"].is_object());
    assert_eq!(levels(&lead), levels_of(&d.employed_in(&[d.office])));
    assert!(lead["path"].is_object());
    // With a minimum of two, the office shows.
    d.lead
        .call_fn_ok(with_form(
            calls::update_settings(d.campaign_id, "30", "pay, staffing"),
            |f| f.min_group_size = "2".into(),
        ))
        .await;
    // With a minimum of two, the office's three are not withheld: each level's count is
    // rounded to an even number (possibly nobody, and then no prediction of nobody).
    let p = d.page(&d.viewer, plan_id).await;
    let office = area_row(&p, "Office");
    let people = i64_of(&office["people"]);
    assert_eq!(people % 2, 0, "{office}");
    assert_eq!(office["prediction"].is_object(), people > 0, "{office}");
}

/// The coworker ids of a list of `[id, name, ...]` tuples.
fn tuple_ids(list: &Value) -> BTreeSet<i64> {
    items(list).iter().map(|t| i64_of(&t[0])).collect()
}

async fn the_vote_plan_lists_who_has_nowhere_to_vote(app: TestApp) {
    let d = Depot::new(&app).await;
    let c = d.campaign_id;
    let plan_id = d.plan("Strike vote", "unit", "75", &[]).await;
    let everyone: BTreeSet<i64> = d.employed_in(&[]).iter().map(|p| p.id).collect();
    let lead = d.logistics(&d.lead, plan_id).await;
    assert_eq!(lead["places"], serde_json::json!([]));
    assert_eq!(lead["uncovered"], 17);
    assert_eq!(tuple_ids(&lead["uncovered_people"]), everyone);
    let members = strings(&lead["members"], "email");
    assert!(
        !members.contains(&"viewer@example.org"),
        "viewers cover no place"
    );

    // A break room for the warehouse (the cold store too) on days, covered by the
    // organizer.
    let place = |name: &str| {
        with_form(
            calls::add_place(c, plan_id, name, "2027-03-01T06:00", "2027-03-01T22:00"),
            |f| {
                f.area_id = d.warehouse.to_string();
                f.shift_id = d.days.to_string();
                f.organizer_id = d.organizer_id.to_string();
            },
        )
    };
    // Mistakes first: each is named, and nothing is added.
    let other_lead_id = app
        .member_id(&d.other_lead, d.other_campaign, "other@example.org")
        .await;
    for (args, field) in [
        (
            with_form(place("Backwards"), |f| {
                f.closes_at = "2027-03-01T05:00".into()
            }),
            "closes_at",
        ),
        (
            with_form(place("Never"), |f| f.shift_id = "999999".into()),
            "shift_id",
        ),
        (
            with_form(place("Nobody's"), |f| {
                f.organizer_id = other_lead_id.to_string()
            }),
            "organizer_id",
        ),
        (
            with_form(place("Watched"), |f| {
                f.organizer_id = d.viewer_id.to_string()
            }),
            "organizer_id",
        ),
        (
            with_form(place("Off the map"), |f| f.area_id = "999999".into()),
            "area_id",
        ),
        (
            with_form(place("Sometime"), |f| f.opens_at = "Monday".into()),
            "opens_at",
        ),
    ] {
        let res = d.lead.call_fn(args).await;
        assert_eq!(res.status(), 422, "{field}");
        assert_eq!(field_of(&res.text().await.unwrap()), field);
    }
    for who in [&d.organizer, &d.viewer] {
        assert_eq!(who.status_fn(place("Mine")).await, 403);
    }
    assert_eq!(d.other_lead.status_fn(place("Ours")).await, 404);
    assert_eq!(
        d.logistics(&d.lead, plan_id).await["places"],
        serde_json::json!([])
    );

    let place_id = d
        .lead
        .call_fn_ok(place("Break room, B wing"))
        .await
        .as_i64()
        .expect("votes/place_add answers the id");
    let served: BTreeSet<i64> = d
        .employed_in(&[d.warehouse, d.cold_store])
        .iter()
        .filter(|p| p.shift == d.days)
        .map(|p| p.id)
        .collect();
    assert_eq!(served.len(), 6);
    let lead = d.logistics(&d.lead, plan_id).await;
    let places = items(&lead["places"]);
    assert_eq!(places.len(), 1);
    let at = &places[0];
    assert_eq!(at["place"]["id"], place_id);
    assert_eq!(at["area"], "Warehouse");
    assert_eq!(at["shift"], "Days");
    assert_eq!(at["place"]["organizer"], "org@example.org");
    assert_eq!(i64_of(&at["served"]), served.len() as i64);
    assert_eq!(tuple_ids(&at["people"]), served);
    assert_eq!(lead["uncovered"], 17 - 6);
    let unserved: BTreeSet<i64> = everyone.difference(&served).copied().collect();
    assert_eq!(tuple_ids(&lead["uncovered_people"]), unserved);
    for t in items(&lead["uncovered_people"]) {
        let who = d.person(i64_of(&t[0]));
        assert_eq!(t[1], who.name);
    }
    // The groups of the uncovered add up to them.
    let groups = items(&lead["uncovered_groups"]);
    assert_eq!(groups.iter().map(|g| i64_of(&g[1])).sum::<i64>(), 11);
    assert!(groups
        .iter()
        .any(|g| g[0] == "Warehouse · Nights" && g[1] == 2));

    // The organizer: names only inside their scope; the counts through the disclosure
    // policy: their own people exactly, the others to a multiple of five within four.
    let org = d.logistics(&d.organizer, plan_id).await;
    let own = |ids: &BTreeSet<i64>| {
        ids.iter()
            .filter(|&&id| d.in_organizer_scope(d.person(id)))
            .count() as i64
    };
    let others = i64_of(&org["uncovered"]) - own(&unserved);
    assert!(others % 5 == 0 && (others - (11 - own(&unserved))).abs() < 5);
    let others = i64_of(&org["places"][0]["served"]) - own(&served);
    assert!(others % 5 == 0 && (others - (6 - own(&served))).abs() < 5);
    let in_scope = |ids: &BTreeSet<i64>| -> BTreeSet<i64> {
        ids.iter()
            .copied()
            .filter(|&id| d.in_organizer_scope(d.person(id)))
            .collect()
    };
    assert_eq!(tuple_ids(&org["places"][0]["people"]), in_scope(&served));
    assert_eq!(tuple_ids(&org["uncovered_people"]), in_scope(&unserved));
    assert!(!in_scope(&served).is_empty() && !in_scope(&unserved).is_empty());
    assert_eq!(org["members"], serde_json::json!([]));
    for name in d.names_in(&org) {
        let who = d.people.iter().find(|p| p.name == name).unwrap();
        assert!(d.in_organizer_scope(who), "{name} is outside the scope");
    }

    // A viewer: counts, and only groups of at least the minimum (two here), no names.
    d.lead
        .call_fn_ok(with_form(
            calls::update_settings(c, "30", "pay, staffing"),
            |f| f.min_group_size = "2".into(),
        ))
        .await;
    let viewer = d.logistics(&d.viewer, plan_id).await;
    assert!([10, 12].contains(&i64_of(&viewer["uncovered"])));
    assert_eq!(viewer["places"][0]["served"], 6, "even: shown as it is");
    assert_eq!(viewer["places"][0]["people"], serde_json::json!([]));
    assert_eq!(viewer["uncovered_people"], serde_json::json!([]));
    let lead_groups = items(&d.logistics(&d.lead, plan_id).await["uncovered_groups"]).clone();
    assert!(
        lead_groups.iter().any(|g| i64_of(&g[1]) == 1),
        "some group is of one person"
    );
    // Only groups of two or more, each count even and within one of the lead's.
    for g in items(&viewer["uncovered_groups"]) {
        let exact = lead_groups
            .iter()
            .find(|l| l[0] == g[0])
            .expect("a lead's group");
        let (seen, n) = (i64_of(&g[1]), i64_of(&exact[1]));
        assert!(
            n >= 2 && seen % 2 == 0 && (seen - n).abs() < 2,
            "{g} against {exact}"
        );
    }
    assert_eq!(d.names_in(&viewer), Vec::<&str>::new());
    assert_eq!(viewer["members"], serde_json::json!([]));

    // Removing the place: everyone is uncovered again.
    let remove = RemovePlace {
        campaign_id: c,
        plan_id,
        place_id,
    };
    assert_eq!(d.organizer.status_fn(remove.clone()).await, 403);
    d.lead.call_fn_ok(remove.clone()).await;
    assert_eq!(d.lead.status_fn(remove).await, 404, "already gone");
    let lead = d.logistics(&d.lead, plan_id).await;
    assert_eq!(lead["places"], serde_json::json!([]));
    assert_eq!(lead["uncovered"], 17);
    assert_eq!(tuple_ids(&lead["uncovered_people"]), everyone);

    assert_eq!(d.lead.audit_entries(c, "polling_place.add").await.len(), 1);
    assert_eq!(
        d.lead.audit_entries(c, "polling_place.remove").await.len(),
        1
    );
    assert!(!d
        .lead
        .audit_entries(c, "vote_plan.logistics_read")
        .await
        .is_empty());
}

async fn the_practice_vote_is_read_beside_its_forecast(app: TestApp) {
    let d = Depot::new(&app).await;
    let c = d.campaign_id;
    let plan_id = d.plan("Strike authorization", "unit", "75", &[]).await;
    let start = StartPractice {
        campaign_id: c,
        plan_id,
    };
    for who in [&d.organizer, &d.viewer] {
        assert_eq!(who.status_fn(start.clone()).await, 403);
    }
    let test_id = d
        .lead
        .call_fn_ok(start.clone())
        .await
        .as_i64()
        .expect("votes/practice answers the test's id");
    assert_eq!(d.lead.status_fn(start).await, 409, "one practice per plan");
    let test = d.lead.call_fn_ok(calls::test_page(c, test_id)).await;
    assert_eq!(
        test["test"]["kind"],
        serde_json::to_value(TestKind::MockVote).unwrap()
    );
    assert_eq!(test["test"]["status"], "Planned");
    assert_eq!(test["test"]["rule"]["yes_percent"], 75);
    assert_eq!(test["test"]["title"], "Practice vote: Strike authorization");
    let p = d.page(&d.lead, plan_id).await;
    assert_eq!(p["plan"]["test_id"], test_id);
    assert_eq!(p["practice"]["status"], "Planned");
    assert_eq!(p["practice"]["by_area"], serde_json::json!([]));

    let scope = d
        .lead
        .call_fn_ok(OpenTest {
            campaign_id: c,
            test_id,
        })
        .await;
    assert_eq!(scope, 17);
    // The chart as the test opened: each area's forecast, to be read beside the votes.
    let opened = d.page(&d.lead, plan_id).await;
    let chart_share = |page: &Value, label: &str| -> f64 {
        let row = items(&page["forecast"]["by_area"])
            .iter()
            .find(|r| r["label"] == label)
            .unwrap_or_else(|| panic!("{label} in the forecast"));
        f64_of(&row["prediction"]["yes_share"])
    };
    let ids = |names: &[&str]| -> Vec<i64> {
        names
            .iter()
            .map(|n| d.people.iter().find(|p| p.name == *n).unwrap().id)
            .collect()
    };
    for (i, (response, names)) in [
        (
            "yes",
            &[
                "Walt Foy",
                "Willa Cho",
                "Wren Abbott",
                "Wes Baxter",
                "Yael Moss",
                "Yuri Nash",
                "Yara Quinn",
                "Omar Kent",
                "Cal Imes",
            ][..],
        ),
        ("no", &["Wynn Ellis", "Yves Orr", "Cora Hale"][..]),
    ]
    .into_iter()
    .enumerate()
    {
        d.lead
            .call_fn_ok(calls::record(
                c,
                test_id,
                &format!("practice-form-{i:04}"),
                response,
                &ids(names),
            ))
            .await;
    }
    let p = d.page(&d.lead, plan_id).await;
    let practice = &p["practice"];
    assert_eq!(practice["status"], "Live");
    let rows = items(&practice["by_area"]);
    let labels: Vec<&str> = rows.iter().map(|r| r["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["Cold Store", "Office", "Warehouse", "Yard"]);
    // Yes from everyone in each area (the rule is of the whole scope).
    for (row, (people, yes)) in rows.iter().zip([(3, 1), (3, 1), (6, 4), (5, 3)]) {
        assert_eq!(row["people"], people, "{row}");
        let result = f64_of(&row["result_share"]);
        assert!((result - yes as f64 / people as f64).abs() < 1e-9, "{row}");
        let forecast = f64_of(&row["forecast_share"]);
        let label = row["label"].as_str().unwrap();
        let then = chart_share(&opened, label);
        assert!(
            (forecast - then).abs() < 1e-9,
            "{row}: the chart said {then}"
        );
        // Passed: the area's yes share reached the rule's 75% of everyone.
        assert_eq!(row["passed"], yes * 100 >= 75 * people, "{row}");
    }
    let overall = &practice["overall"];
    assert_eq!(overall["people"], 17);
    assert!((f64_of(&overall["result_share"]) - 9.0 / 17.0).abs() < 1e-9);
    assert_eq!(overall["passed"], false, "9 of 17 is short of 75%");
    // The forecast beside it is the chart's as the test opened, at the plan's rates.
    let forecast = f64_of(&overall["forecast_share"]);
    let chart = f64_of(&p["forecast"]["overall"]["yes_share"]);
    assert!((forecast - chart).abs() < 1e-9, "{forecast} vs {chart}");

    // The chart moves on (everyone who voted no is rated 1 now): the forecast beside
    // the practice vote stays the chart's as the test opened.
    for id in ids(&["Wynn Ellis", "Yves Orr", "Cora Hale"]) {
        d.lead.call_fn_ok(calls::set_rating(c, id, "1")).await;
    }
    let moved = d.page(&d.lead, plan_id).await;
    let now = f64_of(&moved["forecast"]["overall"]["yes_share"]);
    assert!(
        (now - chart).abs() > 1e-6,
        "the chart's forecast moved: {now} vs {chart}"
    );
    let practice = &moved["practice"];
    assert!((f64_of(&practice["overall"]["forecast_share"]) - forecast).abs() < 1e-9);
    for row in items(&practice["by_area"]) {
        let label = row["label"].as_str().unwrap();
        let then = chart_share(&opened, label);
        assert!(
            (f64_of(&row["forecast_share"]) - then).abs() < 1e-9,
            "{row}"
        );
    }

    // A viewer: the office and the cold store (three people each) are withheld whole;
    // the other rows are made from counts through the disclosure policy.
    let p = d.page(&d.viewer, plan_id).await;
    let rows = items(&p["practice"]["by_area"]);
    for row in rows {
        let small = ["Office", "Cold Store"].contains(&row["label"].as_str().unwrap());
        for key in ["forecast_share", "forecast_pass", "passed"] {
            assert_eq!(row[key].is_null(), small, "{key}: {row}");
        }
        if small {
            assert!(row["result_share"].is_null() && row["people"] == 0, "{row}");
        }
        assert_eq!(i64_of(&row["people"]) % 5, 0, "{row}");
    }
    let overall = &p["practice"]["overall"];
    assert!(overall["result_share"].is_number());
    assert_eq!(i64_of(&overall["people"]) % 5, 0, "{overall}");
    assert_eq!(d.names_in(&p), Vec::<&str>::new());

    assert_eq!(d.lead.audit_entries(c, "vote_plan.practice").await.len(), 1);
    let created = d.lead.audit_entries(c, "structure_test.create").await;
    assert_eq!(created.len(), 1);
    assert!(
        created[0].to_string().contains("mock_vote"),
        "{}",
        created[0]
    );
}

async fn a_scenario_form_without_javascript_comes_back_to_the_plan(app: TestApp) {
    let d = Depot::new(&app).await;
    let c = d.campaign_id;
    let plan_id = d.plan("Strike vote", "unit", "75", &[]).await;
    let back = format!("/campaigns/{c}/votes/{plan_id}");
    let res = d
        .lead
        .post_form_fn(&back, moving(c, plan_id, "From the phone", d.yard, 2))
        .await;
    assert!(res.status().is_redirection(), "{}", res.status());
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let p = d.page(&d.lead, plan_id).await;
    let saved = i64_of(&p["scenario_id"]);
    assert_eq!(location, format!("{back}?scenario={saved}"));
    assert_eq!(p["scenario_name"], "From the phone");
    assert_eq!(p["scenario"]["moves"][0]["area_id"], d.yard);
    assert_eq!(p["scenario"]["moves"][0]["count"], 2);
    // A mistake comes back to the plan with the error in words, and nothing is saved.
    let res = d
        .lead
        .post_form_fn(
            &back,
            SaveScenario {
                move_to: vec!["3".into()],
                ..moving(c, plan_id, "Standing still", d.yard, 2)
            },
        )
        .await;
    // (The plan's page again, as typed, the error beside the moves: see forms.rs.)
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    let moves_error = html
        .split("id=\"what-if-moves-error\"")
        .nth(1)
        .expect("the moves' error element");
    assert!(
        moves_error[..200.min(moves_error.len())].contains("A move needs two different levels."),
        "{moves_error}"
    );
    assert!(
        html.contains("value=\"Standing still\""),
        "the name as typed"
    );
    assert_eq!(items(&d.page(&d.lead, plan_id).await["scenarios"]).len(), 1);
    // A viewer's post is refused, and comes back saying so.
    let res = d
        .viewer
        .post_form_fn(&back, moving(c, plan_id, "Viewer's", d.yard, 1))
        .await;
    assert_eq!(res.status(), 403);
    assert_eq!(items(&d.page(&d.lead, plan_id).await["scenarios"]).len(), 1);
    assert_eq!(d.lead.audit_entries(c, "vote_scenario.save").await.len(), 1);
}
