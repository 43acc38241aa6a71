//! Stories: structure tests. A lead plans a test of any kind, opens it (the scope is fixed
//! then, with everyone's rating), organizers record who took part inside their scope —
//! several at once, none losing another's marks, a form sent twice stored once — and a
//! closed test is read against the ratings. Viewers see the count, never a name.

use app::api::organizing::SetRating;
use app::api::structure::{
    CloseTest, OpenTest, RecordGroup, RecordMarks, TestTallyPage, TestsPage, UpdateTest,
};
use app::domain::structure::TestKind;
use app::domain::Choice;
use rankfile_tests::calls::{self, with_form};
use rankfile_tests::{area, coworker, shift, stories, strings, Browser, TestApp};
use serde_json::Value;

stories!(
    every_kind_of_test_is_planned_opened_and_closed,
    two_organizers_recording_at_once_lose_no_mark,
    a_form_sent_twice_is_stored_once_and_a_change_keeps_the_history,
    a_form_sent_late_never_overwrites_a_mark_made_after_it,
    an_organizer_records_only_inside_their_scope,
    a_viewer_sees_the_count_but_no_names,
    a_closed_test_is_read_against_the_ratings_it_opened_with,
    marks_are_recorded_only_while_a_test_is_live,
    a_vote_is_counted_against_its_rule,
    a_phone_without_javascript_records_and_comes_back,
    a_whole_area_is_marked_at_once
);

/// Plans a test and opens it; its id and the scope's size.
async fn open_test(lead: &Browser, campaign_id: i64, kind: &str, title: &str) -> (i64, i64) {
    let test_id = plan(lead, campaign_id, kind, title).await;
    let scope = lead
        .call_fn_ok(OpenTest {
            campaign_id,
            test_id,
        })
        .await;
    (
        test_id,
        scope.as_i64().expect("open answers the scope's size"),
    )
}

async fn plan(lead: &Browser, campaign_id: i64, kind: &str, title: &str) -> i64 {
    let args = with_form(calls::plan_test(campaign_id, kind, title), |f| {
        if TestKind::parse(kind).is_some_and(TestKind::is_vote) {
            f.yes_percent = "75".into();
        }
    });
    lead.call_fn_ok(args)
        .await
        .as_i64()
        .expect("create answers the id")
}

async fn page(browser: &Browser, campaign_id: i64, test_id: i64) -> Value {
    browser
        .call_fn_ok(calls::test_page(campaign_id, test_id))
        .await
}

/// Everyone currently marked `response` in the test, by the lead's count.
fn took_part(page: &Value) -> i64 {
    let marks = &page["tally"]["overall"]["marks"];
    marks[0].as_i64().unwrap() + marks[4].as_i64().unwrap()
}

fn status(page: &Value) -> &str {
    page["test"]["status"].as_str().unwrap()
}

async fn every_kind_of_test_is_planned_opened_and_closed(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Depot").await;
    let dock = area(&lead, campaign_id, "Dock").await;
    for name in ["Ana", "Ben", "Cy"] {
        coworker(&lead, campaign_id, name, dock).await;
    }
    for kind in TestKind::ALL {
        let title = format!("A {}", kind.label());
        let test_id = plan(&lead, campaign_id, kind.key(), &title).await;
        let p = page(&lead, campaign_id, test_id).await;
        assert_eq!(status(&p), "Planned", "{kind:?}");
        assert_eq!(p["test"]["kind"], serde_json::to_value(kind).unwrap());
        assert_eq!(p["test"]["rule"].is_null(), !kind.is_vote(), "{kind:?}");
        assert!(p["form"].is_object(), "a planned test can be edited");
        let scope = lead
            .call_fn_ok(OpenTest {
                campaign_id,
                test_id,
            })
            .await;
        assert_eq!(scope, 3);
        let p = page(&lead, campaign_id, test_id).await;
        assert_eq!(status(&p), "Live");
        assert_eq!(p["people"].as_array().unwrap().len(), 3);
        assert!(p["form"].is_null(), "its plan is fixed once open");
        lead.call_fn_ok(CloseTest {
            campaign_id,
            test_id,
        })
        .await;
        assert_eq!(status(&page(&lead, campaign_id, test_id).await), "Closed");
    }
    let tests = lead.call_fn_ok(TestsPage { campaign_id }).await;
    let timeline = tests["timeline"].as_array().unwrap();
    assert_eq!(timeline.len(), TestKind::ALL.len());
    assert!(timeline.iter().all(|e| e["outcome"].is_object()));
    for action in [
        "structure_test.create",
        "structure_test.open",
        "structure_test.close",
    ] {
        assert_eq!(
            lead.audit_entries(campaign_id, action).await.len(),
            TestKind::ALL.len(),
            "{action}"
        );
    }
}

async fn two_organizers_recording_at_once_lose_no_mark(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Depot").await;
    let dock = area(&lead, campaign_id, "Dock").await;
    let yard = area(&lead, campaign_id, "Yard").await;
    let mut at_dock = Vec::new();
    let mut in_yard = Vec::new();
    for i in 0..15 {
        at_dock.push(coworker(&lead, campaign_id, &format!("Dock {i:02}"), dock).await);
        in_yard.push(coworker(&lead, campaign_id, &format!("Yard {i:02}"), yard).await);
    }
    let ana = app
        .organizer_in(&lead, campaign_id, "ana@example.org", &[dock])
        .await;
    let ben = app
        .organizer_in(&lead, campaign_id, "ben@example.org", &[yard])
        .await;
    let (test_id, scope) = open_test(&lead, campaign_id, "petition", "Staffing petition").await;
    assert_eq!(scope, 30);
    // Each organizer taps their fifteen people one by one, at the same time as the other
    // and as the lead, who marks the same people of the dock as declined first.
    let one_by_one = |who: &Browser,
                      people: Vec<i64>,
                      tag: &'static str,
                      response: &'static str| {
        let who = who.clone();
        async move {
            for (i, id) in people.into_iter().enumerate() {
                who.call_fn_ok(RecordMarks {
                    one: format!("{id}:{response}"),
                    ..calls::record(campaign_id, test_id, &format!("{tag}-mark-{i:04}"), "", &[])
                })
                .await;
            }
        }
    };
    tokio::join!(
        one_by_one(&ana, at_dock.clone(), "ana", "took_part"),
        one_by_one(&ben, in_yard.clone(), "ben", "took_part"),
        one_by_one(&lead, in_yard[..5].to_vec(), "lead", "not_reached"),
    );
    let p = page(&lead, campaign_id, test_id).await;
    let marks = &p["tally"]["overall"]["marks"];
    // Every mark is stored; each person has exactly one current mark.
    assert_eq!(
        app.sql_count("SELECT COUNT(*) FROM participation_marks")
            .await,
        35
    );
    assert_eq!(
        marks[0].as_i64().unwrap() + marks[2].as_i64().unwrap(),
        30,
        "everyone marked once: {marks}"
    );
    assert_eq!(p["tally"]["overall"]["scope"], 30);
    // The current mark of each person is the one made last (these forms' ids carry no
    // time, so each was made when it arrived; the same millisecond goes by arrival).
    let latest = app
        .sql_count(
            "SELECT COUNT(*) FROM structure_test_scope s WHERE s.mark_id = \
             (SELECT m.id FROM participation_marks m WHERE m.test_id = s.test_id \
              AND m.coworker_id = s.coworker_id ORDER BY m.made_at_ms DESC, m.id DESC LIMIT 1)",
        )
        .await;
    assert_eq!(latest, 30);
}

async fn a_form_sent_twice_is_stored_once_and_a_change_keeps_the_history(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Depot").await;
    let dock = area(&lead, campaign_id, "Dock").await;
    let people = [
        coworker(&lead, campaign_id, "Ana", dock).await,
        coworker(&lead, campaign_id, "Ben", dock).await,
        coworker(&lead, campaign_id, "Cy", dock).await,
    ];
    let (test_id, _) = open_test(&lead, campaign_id, "sticker_day", "Sticker day").await;
    let first = calls::record(
        campaign_id,
        test_id,
        "form-0000-first",
        "took_part",
        &people,
    );
    let answer = lead.call_fn_ok(first.clone()).await;
    assert_eq!(answer["stored"], 3);
    let again = lead.call_fn_ok(first.clone()).await;
    assert_eq!(
        again["stored"], 0,
        "the same form, sent again, stores nothing"
    );
    assert_eq!(took_part(&page(&lead, campaign_id, test_id).await), 3);
    // Ben changes his mind: a new form. The earlier mark stays in the history.
    lead.call_fn_ok(calls::record(
        campaign_id,
        test_id,
        "form-0001-change",
        "declined",
        &people[1..2],
    ))
    .await;
    // The first form, sent late once more, does not undo the change.
    assert_eq!(lead.call_fn_ok(first).await["stored"], 0);
    let p = page(&lead, campaign_id, test_id).await;
    assert_eq!(took_part(&p), 2);
    assert_eq!(p["tally"]["overall"]["marks"][1], 1, "one declined");
    // Ben's page names the test and what he did last.
    let ben = lead
        .call_fn_ok(app::api::coworkers::CoworkerPage {
            campaign_id,
            coworker_id: people[1],
        })
        .await;
    assert_eq!(ben["tests"][0]["title"], "Sticker day");
    assert_eq!(ben["tests"][0]["response"], "Declined");
    let (_, html) = lead
        .get_html(&format!("/campaigns/{campaign_id}/coworkers/{}", people[1]))
        .await;
    assert!(
        html.contains("Sticker day</a> — Declined"),
        "the coworker page shows it"
    );
    let history = app
        .store
        .mark_history(app.store.campaign_key(campaign_id), test_id, people[1])
        .await
        .unwrap();
    let marks: Vec<&str> = history.iter().map(|(r, _, _)| r.key()).collect();
    assert_eq!(marks, ["took_part", "declined"]);
    assert!(history.iter().all(|(_, by, _)| by == "lead@example.org"));
    // Each new recording wrote one audit row with its change; the repeats wrote none.
    assert_eq!(
        lead.audit_entries(campaign_id, "participation.record")
            .await
            .len(),
        2
    );
}

/// A form's id as the test page makes it (UUID v7): it carries when the page was rendered.
fn form_rendered(minutes_ago: i64) -> String {
    let at = chrono::Utc::now() - chrono::Duration::minutes(minutes_ago);
    let ts = uuid::Timestamp::from_unix(
        uuid::NoContext,
        at.timestamp() as u64,
        at.timestamp_subsec_nanos(),
    );
    uuid::Uuid::new_v7(ts).to_string()
}

async fn a_form_sent_late_never_overwrites_a_mark_made_after_it(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Depot").await;
    let dock = area(&lead, campaign_id, "Dock").await;
    let ana = coworker(&lead, campaign_id, "Ana", dock).await;
    let ben = coworker(&lead, campaign_id, "Ben", dock).await;
    let (test_id, _) = open_test(&lead, campaign_id, "petition", "Petition").await;
    let (phone, desk) = (form_rendered(30), form_rendered(5));
    // Ana signed on a phone half an hour ago, out of signal; five minutes ago a steward
    // at a desk marked her as having declined after all. The phone's form arrives last.
    lead.call_fn_ok(calls::record(
        campaign_id,
        test_id,
        &desk,
        "declined",
        &[ana],
    ))
    .await;
    let late = lead
        .call_fn_ok(calls::record(
            campaign_id,
            test_id,
            &phone,
            "took_part",
            &[ana, ben],
        ))
        .await;
    assert_eq!(late["stored"], 2, "the late form is kept in the history");
    let p = page(&lead, campaign_id, test_id).await;
    assert_eq!(p["tally"]["overall"]["marks"][1], 1, "Ana stays declined");
    assert_eq!(took_part(&p), 1, "Ben, marked by no later form, took part");
    let history = app
        .store
        .mark_history(app.store.campaign_key(campaign_id), test_id, ana)
        .await
        .unwrap();
    let marks: Vec<&str> = history.iter().map(|(r, _, _)| r.key()).collect();
    assert_eq!(marks, ["declined", "took_part"]);
    // A form that claims to be from the future counts as made when it arrived: a mark
    // made after that still wins.
    let future = form_rendered(-24 * 60);
    lead.call_fn_ok(calls::record(
        campaign_id,
        test_id,
        &future,
        "took_part",
        &[ana],
    ))
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    lead.call_fn_ok(calls::record(
        campaign_id,
        test_id,
        &form_rendered(0),
        "declined",
        &[ana],
    ))
    .await;
    let p = page(&lead, campaign_id, test_id).await;
    assert_eq!(
        p["tally"]["overall"]["marks"][1], 1,
        "the newest mark is Ana's"
    );
    assert_eq!(took_part(&p), 1);
}

async fn an_organizer_records_only_inside_their_scope(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Depot").await;
    let dock = area(&lead, campaign_id, "Dock").await;
    let yard = area(&lead, campaign_id, "Yard").await;
    let ana = coworker(&lead, campaign_id, "Ana", dock).await;
    let yuri = coworker(&lead, campaign_id, "Yuri", yard).await;
    let org = app
        .organizer_in(&lead, campaign_id, "org@example.org", &[dock])
        .await;
    let (test_id, _) = open_test(&lead, campaign_id, "march", "March on the boss").await;
    // Yuri is outside: as if he were not there, and nothing of the form is stored.
    for people in [vec![yuri], vec![ana, yuri]] {
        let status = org
            .status_fn(calls::record(
                campaign_id,
                test_id,
                "scope-form-0001",
                "took_part",
                &people,
            ))
            .await;
        assert_eq!(status, 404, "{people:?}");
    }
    let status = org
        .status_fn(RecordMarks {
            one: format!("{yuri}:took_part"),
            ..calls::record(campaign_id, test_id, "scope-form-0002", "", &[])
        })
        .await;
    assert_eq!(status, 404);
    assert_eq!(
        app.sql_count("SELECT COUNT(*) FROM participation_marks")
            .await,
        0
    );
    let status = org
        .status_fn(RecordGroup {
            campaign_id,
            test_id,
            client_id: "scope-form-0003".into(),
            response: "took_part".into(),
            area_id: yard.to_string(),
            shift_id: String::new(),
            only_unmarked: String::new(),
        })
        .await;
    assert_eq!(status, 422, "nobody the organizer can mark is in the yard");
    // The organizer's list is their scope only; the count is everyone's.
    let p = page(&org, campaign_id, test_id).await;
    let names = strings(&p["people"], "name");
    assert_eq!(names, ["Ana"]);
    org.call_fn_ok(calls::record(
        campaign_id,
        test_id,
        "scope-form-0004",
        "took_part",
        &[ana],
    ))
    .await;
    assert_eq!(took_part(&page(&lead, campaign_id, test_id).await), 1);
    // A test of another campaign is not there at all.
    let (other_lead, other) = app.lead_of("other@example.org", "Other").await;
    let (other_test, _) = open_test(&other_lead, other, "petition", "Theirs").await;
    assert_eq!(
        lead.status_fn(calls::test_page(campaign_id, other_test))
            .await,
        404
    );
}

async fn a_viewer_sees_the_count_but_no_names(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Depot").await;
    let dock = area(&lead, campaign_id, "Dock").await;
    let office = area(&lead, campaign_id, "Office").await;
    let mut dock_people = Vec::new();
    for i in 0..6 {
        dock_people.push(coworker(&lead, campaign_id, &format!("Dockworker {i}"), dock).await);
    }
    let clerk = coworker(&lead, campaign_id, "Solo Clerk", office).await;
    let viewer = app
        .invite_member(&lead, campaign_id, "viewer@example.org", "viewer", "")
        .await;
    let (test_id, _) = open_test(&lead, campaign_id, "petition", "Petition").await;
    lead.call_fn_ok(calls::record(
        campaign_id,
        test_id,
        "viewer-story-01",
        "took_part",
        &dock_people[..4],
    ))
    .await;
    lead.call_fn_ok(calls::record(
        campaign_id,
        test_id,
        "viewer-story-02",
        "declined",
        &[clerk],
    ))
    .await;
    let p = page(&viewer, campaign_id, test_id).await;
    assert_eq!(p["people"], serde_json::json!([]));
    // Through the disclosure policy: every count a multiple of five (the minimum), each
    // mark's within four of the truth (4 took part, 1 declined, 2 unmarked: the scope is
    // their sum), so the overall count minus the dock's is never the office's one person;
    // the office's one person is withheld.
    let overall = &p["tally"]["overall"];
    let scope = overall["scope"].as_i64().unwrap();
    assert!(scope % 5 == 0 && scope <= 15, "{overall}");
    assert!([0, 5].contains(&took_part(&p)), "{overall}");
    let rows = p["tally"]["by_area"].as_array().unwrap();
    let row = |label: &str| rows.iter().find(|r| r["label"] == label).unwrap();
    assert!(row("Office")["counts"].is_null(), "{rows:?}");
    let dock = &row("Dock")["counts"];
    assert!(dock["marks"]
        .as_array()
        .unwrap()
        .iter()
        .chain([&dock["scope"]])
        .all(|n| n.as_i64().unwrap() % 5 == 0));
    assert!(p["validation"].is_null());
    // The lead reads the same tally exactly.
    let exact = page(&lead, campaign_id, test_id).await;
    assert_eq!(exact["tally"]["overall"]["scope"], 7);
    assert_eq!(took_part(&exact), 4);
    // The projector page, and the HTML pages, name nobody.
    viewer
        .call_fn_ok(TestTallyPage {
            campaign_id,
            test_id,
        })
        .await;
    for path in [
        format!("/campaigns/{campaign_id}/tests/{test_id}"),
        format!("/campaigns/{campaign_id}/tests/{test_id}/tally"),
    ] {
        let (status, html) = viewer.get_html(&path).await;
        assert_eq!(status, 200, "{path}");
        assert!(html.contains("Petition"), "{path}");
        assert!(
            !html.contains("Dockworker") && !html.contains("Solo Clerk"),
            "{path}"
        );
    }
    assert_eq!(
        viewer
            .status_fn(calls::record(
                campaign_id,
                test_id,
                "viewer-story-03",
                "took_part",
                &[clerk],
            ))
            .await,
        403
    );
    // The lead sees every group.
    let p = page(&lead, campaign_id, test_id).await;
    assert!(p["tally"]["by_area"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["counts"].is_object()));
}

/// The fixture of `domain::structure::validation`'s unit test, end to end: ten people
/// rated by two organizers in two areas, one re-rated after the test opened.
async fn a_closed_test_is_read_against_the_ratings_it_opened_with(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Depot").await;
    let packing = area(&lead, campaign_id, "Packing").await;
    let dock = area(&lead, campaign_id, "Dock").await;
    let ana = app
        .organizer_in(&lead, campaign_id, "ana@example.org", &[packing, dock])
        .await;
    let ben = app
        .organizer_in(&lead, campaign_id, "ben@example.org", &[packing, dock])
        .await;
    // (rating, rater, area, mark)
    let fixture: [(&str, Option<&Browser>, i64, Option<&str>); 10] = [
        ("1", Some(&ana), packing, Some("took_part")),
        ("1", Some(&ana), packing, Some("took_part")),
        ("2", Some(&ana), packing, Some("declined")),
        ("2", Some(&ben), dock, Some("took_part")),
        ("2", Some(&ben), dock, None),
        ("3", Some(&ben), dock, Some("took_part")),
        ("3", Some(&ana), packing, Some("not_reached")),
        ("4", Some(&ben), dock, Some("took_part")),
        ("5", Some(&ben), dock, Some("absent")),
        ("", None, packing, Some("took_part")),
    ];
    let mut ids = Vec::new();
    for (i, (rating, rater, area_id, _)) in fixture.iter().enumerate() {
        let id = coworker(&lead, campaign_id, &format!("P{:02}", i + 1), *area_id).await;
        if let Some(rater) = rater {
            rater
                .call_fn_ok(calls::set_rating(campaign_id, id, rating))
                .await;
        }
        ids.push(id);
    }
    let (test_id, _) = open_test(&lead, campaign_id, "petition", "Majority petition").await;
    // Rated again after it opened: the comparison keeps the rating it opened with.
    lead.call_fn_ok(calls::set_rating(campaign_id, ids[2], "3"))
        .await;
    for (i, (_, _, _, mark)) in fixture.iter().enumerate() {
        if let Some(mark) = mark {
            lead.call_fn_ok(calls::record(
                campaign_id,
                test_id,
                &format!("validation-{i:04}"),
                mark,
                &[ids[i]],
            ))
            .await;
        }
    }
    assert!(
        page(&lead, campaign_id, test_id).await["validation"].is_null(),
        "live: not yet"
    );
    lead.call_fn_ok(CloseTest {
        campaign_id,
        test_id,
    })
    .await;
    let p = page(&lead, campaign_id, test_id).await;
    let v = &p["validation"];
    let rates: Vec<(i64, i64)> = v["by_rating"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["people"].as_i64().unwrap(),
                r["took_part"].as_i64().unwrap(),
            )
        })
        .collect();
    // Only people asked count: P05 (no mark), P07 (not reached), P09 (absent) are out.
    assert_eq!(rates, [(2, 2), (2, 1), (1, 1), (1, 1), (0, 0), (1, 1)]);
    assert_eq!(v["not_asked"], 3);
    let table = |key: &str| -> Vec<(String, i64, i64)> {
        v[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["label"].as_str().unwrap().to_owned(),
                    r["people"].as_i64().unwrap(),
                    r["took_part"].as_i64().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(
        table("by_organizer"),
        [
            ("ana@example.org".into(), 3, 2),
            ("ben@example.org".into(), 3, 3)
        ]
    );
    assert_eq!(
        table("by_area"),
        [("Dock".into(), 3, 3), ("Packing".into(), 4, 3)]
    );
    let names = |key: &str| -> Vec<String> {
        v[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names("overrated"), ["P03"], "P05 was never asked");
    assert_eq!(names("underrated"), ["P08"]);
    assert_eq!(v["overrated"][0]["rating_then"], 2);
    assert_eq!(v["overrated"][0]["rating_now"], 3, "re-rated since");
    // Nothing was re-rated by the test itself; one tap re-rates, with the test as source.
    assert_eq!(
        app.sql_count("SELECT COUNT(*) FROM assessments WHERE source = 'structure_test'")
            .await,
        0
    );
    lead.call_fn_ok(SetRating {
        source: "structure_test".into(),
        note: "After the test: Majority petition".into(),
        ..calls::set_rating(campaign_id, ids[4], "3")
    })
    .await;
    assert_eq!(
        app.sql_count("SELECT COUNT(*) FROM assessments WHERE source = 'structure_test'")
            .await,
        1
    );
}

async fn marks_are_recorded_only_while_a_test_is_live(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Depot").await;
    let dock = area(&lead, campaign_id, "Dock").await;
    let ana = coworker(&lead, campaign_id, "Ana", dock).await;
    let test_id = plan(&lead, campaign_id, "group_photo", "Group photo").await;
    let mark = |id: &str| calls::record(campaign_id, test_id, id, "took_part", &[ana]);
    // Planned: nobody is in its scope yet.
    assert_eq!(lead.status_fn(mark("live-form-0001")).await, 409);
    // A plan is changed while planned, with each mistake named.
    lead.call_fn_ok(UpdateTest {
        campaign_id,
        test_id,
        form: calls::plan_test(campaign_id, "group_photo", "Group photo at lunch").form,
        area_ids: vec![dock.to_string()],
    })
    .await;
    let p = page(&lead, campaign_id, test_id).await;
    assert_eq!(p["test"]["title"], "Group photo at lunch");
    assert_eq!(p["test"]["area_ids"], serde_json::json!([dock]));
    for (change, field) in [
        (calls::plan_test(campaign_id, "", "x").form, "kind"),
        (calls::plan_test(campaign_id, "petition", "").form, "title"),
        (
            with_form(calls::plan_test(campaign_id, "petition", "x"), |f| {
                f.goal_percent = "101".into()
            })
            .form,
            "goal_percent",
        ),
        (
            calls::plan_test(campaign_id, "strike_vote", "x").form,
            "yes_percent",
        ),
    ] {
        let res = lead
            .call_fn(UpdateTest {
                campaign_id,
                test_id,
                form: change,
                area_ids: Vec::new(),
            })
            .await;
        assert_eq!(res.status(), 422, "{field}");
        assert!(res.text().await.unwrap().contains(field), "{field}");
    }
    // Choosing another campaign's area is refused.
    let status = lead
        .status_fn(UpdateTest {
            campaign_id,
            test_id,
            form: calls::plan_test(campaign_id, "petition", "x").form,
            area_ids: vec!["999999".into()],
        })
        .await;
    assert_eq!(status, 422);
    let (test_id, _) = (
        test_id,
        lead.call_fn_ok(OpenTest {
            campaign_id,
            test_id,
        })
        .await,
    );
    assert_eq!(
        lead.status_fn(OpenTest {
            campaign_id,
            test_id
        })
        .await,
        409
    );
    let status = lead
        .status_fn(UpdateTest {
            campaign_id,
            test_id,
            form: calls::plan_test(campaign_id, "petition", "Too late").form,
            area_ids: Vec::new(),
        })
        .await;
    assert_eq!(status, 409, "the plan is fixed once open");
    lead.call_fn_ok(mark("live-form-0002")).await;
    // A mark the kind does not offer is refused.
    let status = lead
        .status_fn(calls::record(
            campaign_id,
            test_id,
            "live-form-0003",
            "yes",
            &[ana],
        ))
        .await;
    assert_eq!(status, 422);
    lead.call_fn_ok(CloseTest {
        campaign_id,
        test_id,
    })
    .await;
    assert_eq!(lead.status_fn(mark("live-form-0004")).await, 409);
    assert_eq!(
        lead.status_fn(CloseTest {
            campaign_id,
            test_id
        })
        .await,
        409
    );
    assert_eq!(took_part(&page(&lead, campaign_id, test_id).await), 1);
}

async fn a_vote_is_counted_against_its_rule(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Schools").await;
    let school = area(&lead, campaign_id, "Lincoln High").await;
    let mut teachers = Vec::new();
    for i in 0..20 {
        teachers.push(coworker(&lead, campaign_id, &format!("Teacher {i:02}"), school).await);
    }
    // 75% of all members, as Illinois demanded of the Chicago teachers.
    let test_id = lead
        .call_fn_ok(with_form(
            calls::plan_test(campaign_id, "strike_vote", "Strike authorization"),
            |f| {
                f.vote_base = "unit".into();
                f.yes_percent = "75".into();
                f.turnout_percent = "50".into();
            },
        ))
        .await
        .as_i64()
        .unwrap();
    lead.call_fn_ok(OpenTest {
        campaign_id,
        test_id,
    })
    .await;
    // 14 yes, 2 no, 1 abstained: 17 voted, 14 of 20 is 70%, one short of 15.
    for (i, (response, people)) in [
        ("yes", &teachers[..14]),
        ("no", &teachers[14..16]),
        ("abstain", &teachers[16..17]),
    ]
    .into_iter()
    .enumerate()
    {
        lead.call_fn_ok(calls::record(
            campaign_id,
            test_id,
            &format!("vote-form-{i:04}"),
            response,
            people,
        ))
        .await;
    }
    let p = page(&lead, campaign_id, test_id).await;
    let vote = &p["outcome"]["Vote"];
    assert_eq!(vote["yes"], 14);
    assert_eq!(vote["turnout_short"], 0);
    assert_eq!(vote["yes_short"], 1);
    assert_eq!(p["test"]["goal_percent"], 75);
    lead.call_fn_ok(calls::record(
        campaign_id,
        test_id,
        "vote-form-0009",
        "yes",
        &teachers[17..18],
    ))
    .await;
    let p = page(&lead, campaign_id, test_id).await;
    assert_eq!(p["outcome"]["Vote"]["yes_short"], 0, "15 of 20 passes");
    // An action's mark is not a vote's.
    assert_eq!(
        lead.status_fn(calls::record(
            campaign_id,
            test_id,
            "vote-form-0010",
            "took_part",
            &teachers[18..19],
        ))
        .await,
        422
    );
}

async fn a_phone_without_javascript_records_and_comes_back(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Depot").await;
    let dock = area(&lead, campaign_id, "Dock").await;
    let mut people = Vec::new();
    for i in 0..10 {
        people.push(coworker(&lead, campaign_id, &format!("Worker {i}"), dock).await);
    }
    let (test_id, _) = open_test(&lead, campaign_id, "petition", "Petition").await;
    let back = format!("/campaigns/{campaign_id}/tests/{test_id}?area={dock}");
    let res = lead
        .post_form_fn(
            &back,
            calls::record(campaign_id, test_id, "nojs-form-0001", "took_part", &people),
        )
        .await;
    assert!(res.status().is_redirection(), "{}", res.status());
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    // Back at the list's head (the address's fragment), not the top of the page.
    assert_eq!(location, format!("{back}&recorded=10#record-heading"));
    let (page_path, place) = location.split_once('#').unwrap();
    let (status, html) = lead.get_html(page_path).await;
    assert!(
        html.contains(&format!("id=\"{place}\"")),
        "the place is on the page"
    );
    assert_eq!(status, 200);
    assert!(
        html.contains("Marked 10 people."),
        "the page says what was done"
    );
    assert!(html.contains("10 of 10 took part"), "and shows the count");
    // One tap on one person's row comes back to that row: the phone keeps its place.
    let mut one = calls::record(campaign_id, test_id, "nojs-form-0003", "", &[]);
    one.one = format!("{}:declined", people[7]);
    let res = lead.post_form_fn(&back, one).await;
    assert!(res.status().is_redirection(), "{}", res.status());
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(
        location,
        format!("{back}&recorded=1#row-{}", people[7]),
        "back at the row"
    );
    let (_, html) = lead.get_html(location.split_once('#').unwrap().0).await;
    assert!(html.contains(&format!("id=\"row-{}\"", people[7])));
    // A mistake comes back to the page, in words, and nothing is stored.
    let res = lead
        .post_form_fn(
            &back,
            calls::record(campaign_id, test_id, "nojs-form-0002", "took_part", &[]),
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("Tick the people to mark first."));
}

async fn a_whole_area_is_marked_at_once(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Depot").await;
    let dock = area(&lead, campaign_id, "Dock").await;
    let bay = rankfile_tests::area_in(&lead, campaign_id, "Bay 4", dock).await;
    let yard = area(&lead, campaign_id, "Yard").await;
    let nights = shift(&lead, campaign_id, "Nights").await;
    let mut marked_before = 0;
    for (i, area_id) in [dock, dock, bay, bay, yard].into_iter().enumerate() {
        let id = coworker(&lead, campaign_id, &format!("Person {i}"), area_id).await;
        if i == 0 {
            marked_before = id;
        }
    }
    let night_worker =
        rankfile_tests::coworker_on(&lead, campaign_id, "Night Owl", yard, nights).await;
    let (test_id, _) = open_test(&lead, campaign_id, "sticker_day", "Buttons").await;
    lead.call_fn_ok(calls::record(
        campaign_id,
        test_id,
        "area-form-0001",
        "declined",
        &[marked_before],
    ))
    .await;
    // The dock takes in the bay beneath it; the one already marked is left alone.
    let group = |client: &str, area: String, shift: String| RecordGroup {
        campaign_id,
        test_id,
        client_id: client.into(),
        response: "took_part".into(),
        area_id: area,
        shift_id: shift,
        only_unmarked: "on".into(),
    };
    let answer = lead
        .call_fn_ok(group("area-form-0002", dock.to_string(), String::new()))
        .await;
    assert_eq!(answer["marked"], 3);
    let answer = lead
        .call_fn_ok(group("area-form-0003", String::new(), nights.to_string()))
        .await;
    assert_eq!(answer["marked"], 1);
    let p = page(&lead, campaign_id, test_id).await;
    assert_eq!(took_part(&p), 4);
    let night = p["people"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["coworker_id"] == night_worker)
        .unwrap()
        .clone();
    assert_eq!(night["response"], "TookPart");
    assert_eq!(
        lead.status_fn(group("area-form-0004", String::new(), String::new()))
            .await,
        422,
        "an area or a shift is needed"
    );
}
