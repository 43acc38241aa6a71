//! Stories: the organizer's daily loop. A one-on-one is logged once however often it is
//! sent, ratings keep a timeline, follow-ups and commitments come and go on My list,
//! and the coverage page matches a hand-computed chart.

use app::api::coworkers::{GetCoworker, UpdateCoworker};
use app::api::organizing::{
    CoworkerHistory, FollowUpDone, GetCoverage, GetMyList, GetSettings, LogConversation,
    ResolveCommitment, SetRating,
};
use rankfile_tests::calls::with_form;
use rankfile_tests::{
    area, calls, coworker_on as coworker, field_of, items, len, names, shift, stories, Browser,
    TestApp,
};
use serde_json::Value;

stories!(
    a_one_on_one_is_stored_once_and_rates_the_coworker,
    a_rating_without_talking_keeps_a_timeline,
    a_rating_sent_late_takes_its_place_by_when_it_was_taken,
    a_rating_sent_twice_is_stored_once,
    follow_ups_and_commitments_come_and_go_on_my_list,
    coverage_matches_a_hand_computed_chart,
    my_list_is_the_organizers_home
);

/// A conversation's time 200 days ago (`YYYY-MM-DDTHH:MM`): long past, still within
/// the year a one-on-one may be logged for.
fn long_ago() -> String {
    (chrono::Utc::now() - chrono::Duration::days(200))
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// An edit of `who` keeping their name and area.
fn edit(campaign_id: i64, who: i64, name: &str, area: i64) -> UpdateCoworker {
    with_form(calls::update_coworker(campaign_id, who, name), |f| {
        f.area_id = area.to_string();
    })
}

async fn history(who: &Browser, campaign_id: i64, coworker_id: i64) -> Value {
    who.call_fn_ok(CoworkerHistory {
        campaign_id,
        coworker_id,
    })
    .await
}

async fn rating_of(who: &Browser, campaign_id: i64, coworker_id: i64) -> Value {
    who.call_fn_ok(GetCoworker {
        campaign_id,
        coworker_id,
    })
    .await["rating"]
        .clone()
}

async fn a_one_on_one_is_stored_once_and_rates_the_coworker(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Mercy").await;
    let id = campaign_id.to_string();
    let icu = area(&lead, campaign_id, "ICU").await;
    let day = shift(&lead, campaign_id, "Day").await;
    let ana = coworker(&lead, campaign_id, "Ana", icu, day).await;
    let org = app
        .organizer_in(&lead, campaign_id, "org@example.org", &[icu])
        .await;

    // Raw: the issues' indexes have a gap, as unticked boxes leave in a browser's form.
    let ana_id = ana.to_string();
    let fields = [
        ("campaign_id", id.as_str()),
        ("coworker_id", ana_id.as_str()),
        ("client_id", "0b9e6a1c-8f7d-4c1e-9a55-3f1f7f0e2d11"),
        ("channel", "in_person"),
        ("issues[0]", "staffing"),
        ("issues[2]", "Safety"),
        ("notes", "Short-staffed every night this month."),
        ("ask", "Sign the staffing petition"),
        ("answer", "yes"),
        ("rating_after", "2"),
        ("next_step", "Bring the petition on Thursday"),
    ];
    let first = org.call_ok("conversations/log", &fields).await;
    assert_eq!(first["stored"], true);
    // The phone lost the answer and sent it again: stored once.
    let again = org.call_ok("conversations/log", &fields).await;
    assert_eq!(again["stored"], false);
    assert_eq!(again["conversation_id"], first["conversation_id"]);

    let h = history(&org, campaign_id, ana).await;
    assert_eq!(len(&h["conversations"]), 1);
    let talk = &h["conversations"][0];
    assert_eq!(talk["issues"], serde_json::json!(["staffing", "safety"]));
    assert_eq!(talk["answer"], "Yes");
    assert_eq!(talk["organizer"], "org@example.org");
    assert_eq!(len(&h["ratings"]), 1, "one rating, not two");
    assert_eq!(h["ratings"][0]["source"], "Conversation");
    assert_eq!(h["commitments"][0]["what"], "Sign the staffing petition");
    assert_eq!(h["commitments"][0]["status"], "Open");
    assert_eq!(rating_of(&lead, campaign_id, ana).await, 2);
    let chart = lead.call_fn_ok(calls::chart(campaign_id)).await;
    assert_eq!(
        chart["coworkers"][0]["rating"], 2,
        "the chart reads the current rating"
    );

    // Bad input names its field and stores nothing. Raw: each form has one field
    // replaced by what the app's own form never sends.
    for (field, value, named) in [
        ("rating_after", "6", "rating_after"),
        ("issues[0]", "parking", "issues"),
        ("follow_up_on", "2026-02-30", "follow_up_on"),
        ("client_id", "x", "client_id"),
        ("channel", "carrier pigeon", "channel"),
    ] {
        let mut form = vec![
            ("campaign_id", id.as_str()),
            ("coworker_id", ana_id.as_str()),
            ("client_id", "bad-input-0001"),
        ];
        form.retain(|(k, _)| *k != field);
        form.push((field, value));
        let res = org.call("conversations/log", &form).await;
        assert_eq!(res.status(), 422, "{field}={value}");
        let body: Value = serde_json::from_str(&res.text().await.unwrap()).unwrap();
        assert_eq!(body["Validation"]["field"], named);
    }
    let res = org
        .call_fn(with_form(
            calls::log_conversation(campaign_id, ana, "answer-no-ask"),
            |f| {
                f.answer = "maybe".into();
            },
        ))
        .await;
    assert_eq!(res.status(), 422, "an answer without an ask");
    assert_eq!(
        len(&history(&org, campaign_id, ana).await["conversations"]),
        1
    );
    // A maybe is recorded as said, and is not a commitment.
    org.call_fn_ok(with_form(
        calls::log_conversation(campaign_id, ana, "maybe-means-no-01"),
        |f| {
            f.ask = "Wear the sticker".into();
            f.answer = "maybe".into();
        },
    ))
    .await;
    assert_eq!(
        len(&history(&org, campaign_id, ana).await["commitments"]),
        1
    );
    // Leads set the campaign's issues; a one-on-one can then be tagged with the new one.
    let settings_of = || org.call_fn_ok(GetSettings { campaign_id });
    let before = settings_of().await;
    let res = lead
        .call_fn(calls::update_settings(campaign_id, "0", "pay"))
        .await;
    assert_eq!(res.status(), 422, "stale after 0 days");
    assert_eq!(
        settings_of().await,
        before,
        "the refused settings changed nothing"
    );
    lead.call_fn_ok(calls::update_settings(
        campaign_id,
        "14",
        "pay, parking, Pay",
    ))
    .await;
    let settings = settings_of().await;
    assert_eq!(settings["stale_days"], 14);
    assert_eq!(
        settings["issue_tags"],
        serde_json::json!(["pay", "parking"])
    );
    org.call_fn_ok(LogConversation {
        issues: vec!["parking".into()],
        ..calls::log_conversation(campaign_id, ana, "parking-issue-01")
    })
    .await;
    // Written once in the audit log, with the rating.
    let audit = lead.call_fn_ok(calls::audit_log(campaign_id)).await["entries"].clone();
    let logged = items(&audit);
    let logged = logged
        .iter()
        .filter(|e| e["action"] == "conversation.logged");
    assert_eq!(logged.count(), 3);
    app.stop().await;
}

async fn a_rating_without_talking_keeps_a_timeline(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Mercy").await;
    let icu = area(&lead, campaign_id, "ICU").await;
    let day = shift(&lead, campaign_id, "Day").await;
    let ben = coworker(&lead, campaign_id, "Ben", icu, day).await;
    assert!(
        rating_of(&lead, campaign_id, ben).await.is_null(),
        "unknown, never a 3"
    );
    let rate = |rating: &str, source: &str| {
        lead.call_fn(SetRating {
            source: source.into(),
            note: "seen at the break room meeting".into(),
            ..calls::set_rating(campaign_id, ben, rating)
        })
    };
    assert_eq!(rate("4", "observation").await.status(), 200);
    assert_eq!(rate("3", "structure_test").await.status(), 200);
    assert_eq!(rate("0", "observation").await.status(), 422);
    assert_eq!(rate("", "observation").await.status(), 422);
    assert_eq!(rate("2", "gossip").await.status(), 422);
    let h = history(&lead, campaign_id, ben).await;
    let timeline: Vec<(i64, &str)> = h["ratings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["rating"].as_i64().unwrap(), r["source"].as_str().unwrap()))
        .collect();
    assert_eq!(timeline, [(3, "StructureTest"), (4, "Observation")]);
    assert_eq!(
        rating_of(&lead, campaign_id, ben).await,
        3,
        "the latest is current"
    );
    // A conversation logged late, dated before the latest rating, does not overwrite it.
    lead.call_fn_ok(with_form(
        calls::log_conversation(campaign_id, ben, "late-arrival-0001"),
        |f| {
            f.at = long_ago();
            f.rating_after = "5".into();
        },
    ))
    .await;
    assert_eq!(rating_of(&lead, campaign_id, ben).await, 3);
    assert_eq!(
        len(&history(&lead, campaign_id, ben).await["ratings"]),
        3,
        "it is still in the history"
    );
    let viewer = app
        .invite_member(&lead, campaign_id, "v@example.org", "viewer", "")
        .await;
    let res = viewer
        .call_fn(calls::set_rating(campaign_id, ben, "1"))
        .await;
    assert_eq!(res.status(), 403);
    app.stop().await;
}

/// A rating kept on a phone with no signal is sent with the time it was taken: arriving
/// after a newer one of someone else's, it goes into the history under it and leaves the
/// newer one current; arriving late but taken later than the current one, it is current.
async fn a_rating_sent_late_takes_its_place_by_when_it_was_taken(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Mercy").await;
    let icu = area(&lead, campaign_id, "ICU").await;
    let day = shift(&lead, campaign_id, "Day").await;
    let ben = coworker(&lead, campaign_id, "Ben", icu, day).await;
    let org = app
        .organizer_in(&lead, campaign_id, "org@example.org", &[icu])
        .await;
    let ago = |minutes: i64| (chrono::Utc::now() - chrono::Duration::minutes(minutes)).to_rfc3339();
    let rating = |rating: &str, at: String| SetRating {
        at,
        ..calls::set_rating(campaign_id, ben, rating)
    };
    assert_eq!(lead.call_fn(rating("4", ago(10))).await.status(), 200);
    // The organizer's 2, taken twenty minutes ago, arrives now: the lead's 4 is newer.
    assert_eq!(org.call_fn(rating("2", ago(20))).await.status(), 200);
    assert_eq!(
        rating_of(&lead, campaign_id, ben).await,
        4,
        "the newer stays"
    );
    // Their 5, taken five minutes ago, arrives after both: it is the newest.
    assert_eq!(org.call_fn(rating("5", ago(5))).await.status(), 200);
    assert_eq!(rating_of(&lead, campaign_id, ben).await, 5, "taken last");
    let h = history(&lead, campaign_id, ben).await;
    let timeline: Vec<i64> = items(&h["ratings"])
        .iter()
        .map(|r| r["rating"].as_i64().unwrap())
        .collect();
    assert_eq!(timeline, [5, 4, 2], "newest first, by when each was taken");
    // A time ahead of the server's clock, or not a time, is refused and stores nothing.
    let ahead = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    for at in [ahead, "yesterday".to_owned(), ago(60 * 24 * 400)] {
        let res = org.call_fn(rating("1", at.clone())).await;
        assert_eq!(res.status(), 422, "{at}");
        assert_eq!(field_of(&res.text().await.unwrap()), "at", "{at}");
    }
    assert_eq!(len(&history(&lead, campaign_id, ben).await["ratings"]), 3);
    assert_eq!(rating_of(&lead, campaign_id, ben).await, 5);
    app.stop().await;
}

/// A kept rating sent again (its first answer cut off) carries its form's id: stored,
/// audited and made current once. The id is the campaign's: another form's id is a new
/// rating, and a rating with no id (a structure test's re-rate) is never held back.
async fn a_rating_sent_twice_is_stored_once(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Mercy").await;
    let icu = area(&lead, campaign_id, "ICU").await;
    let day = shift(&lead, campaign_id, "Day").await;
    let ben = coworker(&lead, campaign_id, "Ben", icu, day).await;
    let at = (chrono::Utc::now() - chrono::Duration::minutes(30)).to_rfc3339();
    let rating = |rating: &str, client_id: &str| SetRating {
        at: at.clone(),
        client_id: client_id.into(),
        ..calls::set_rating(campaign_id, ben, rating)
    };
    let audited = || app.sql_count("SELECT COUNT(*) FROM audit_events WHERE action = 'rating.set'");
    let before = audited().await;
    for _ in 0..3 {
        assert_eq!(
            lead.call_fn(rating("4", "kept-rating-0001")).await.status(),
            200
        );
    }
    assert_eq!(len(&history(&lead, campaign_id, ben).await["ratings"]), 1);
    assert_eq!(audited().await, before + 1, "one audit row for one rating");
    // The same id with another rating is still the same send: nothing changes.
    assert_eq!(
        lead.call_fn(rating("1", "kept-rating-0001")).await.status(),
        200
    );
    assert_eq!(rating_of(&lead, campaign_id, ben).await, 4);
    // Another form's id, and no id at all, are ratings of their own.
    assert_eq!(
        lead.call_fn(rating("5", "kept-rating-0002")).await.status(),
        200
    );
    for _ in 0..2 {
        assert_eq!(lead.call_fn(rating("3", "")).await.status(), 200);
    }
    assert_eq!(len(&history(&lead, campaign_id, ben).await["ratings"]), 4);
    // An id that is not one is refused, and stores nothing.
    for bad in ["short", "kept rating 0003", &"x".repeat(65)] {
        let res = lead.call_fn(rating("2", bad)).await;
        assert_eq!(res.status(), 422, "{bad}");
        assert_eq!(field_of(&res.text().await.unwrap()), "client_id", "{bad}");
    }
    assert_eq!(len(&history(&lead, campaign_id, ben).await["ratings"]), 4);
    app.stop().await;
}

async fn follow_ups_and_commitments_come_and_go_on_my_list(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Mercy").await;
    let icu = area(&lead, campaign_id, "ICU").await;
    let day = shift(&lead, campaign_id, "Day").await;
    let org = app
        .organizer_in(&lead, campaign_id, "org@example.org", &[icu])
        .await;
    let org_id = app.member_id(&lead, campaign_id, "org@example.org").await;
    let mut people = Vec::new();
    for name in ["Ana", "Ben", "Cy", "Dee"] {
        let who = coworker(&lead, campaign_id, name, icu, day).await;
        lead.call_fn_ok(with_form(edit(campaign_id, who, name, icu), |f| {
            f.assigned_organizer = org_id.to_string();
        }))
        .await;
        people.push(who);
    }
    let [ana, ben, cy, dee] = [people[0], people[1], people[2], people[3]];
    let my = || {
        org.call_fn_ok(GetMyList {
            campaign_id,
            q: String::new(),
        })
    };
    let list = my().await;
    assert_eq!(names(&list["never_talked"]), ["Ana", "Ben", "Cy", "Dee"]);
    let today = list["today"].as_str().unwrap().to_owned();
    let talk = |who: i64, client_id: &str| calls::log_conversation(campaign_id, who, client_id);

    // Ana: a follow-up due today. Ben: a yes to an ask, due today. Cy: rated long ago.
    org.call_fn_ok(with_form(talk(ana, "ana-follow-up-01"), |f| {
        f.next_step = "Ask about the night shift".into();
        f.follow_up_on = today.clone();
    }))
    .await;
    org.call_fn_ok(with_form(talk(ben, "ben-commitment-1"), |f| {
        f.ask = "Come to the meeting".into();
        f.answer = "yes".into();
        f.follow_up_on = today.clone();
    }))
    .await;
    let long_ago = with_form(talk(cy, "cy-long-ago-0001"), |f| {
        f.at = long_ago();
        f.rating_after = "2".into();
    });
    org.call_fn_ok(long_ago).await;
    let list = my().await;
    assert_eq!(names(&list["follow_ups"]), ["Ana", "Ben"]);
    assert_eq!(names(&list["commitments"]), ["Ben"]);
    assert_eq!(names(&list["never_talked"]), ["Dee"]);
    assert_eq!(names(&list["stale"]), ["Cy"]);
    // Someone else's list is their own: the lead has nothing due.
    let leads = lead
        .call_fn_ok(GetMyList {
            campaign_id,
            q: String::new(),
        })
        .await;
    assert!(leads["follow_ups"].as_array().unwrap().is_empty());

    // Done and kept: they leave the list.
    let ana_talk = list["follow_ups"][0]["conversation_id"].as_i64().unwrap();
    org.call_fn_ok(FollowUpDone {
        campaign_id,
        conversation_id: ana_talk,
    })
    .await;
    let resolve = |commitment_id: i64, status: &str| ResolveCommitment {
        campaign_id,
        commitment_id,
        status: status.into(),
    };
    let commitment = list["commitments"][0]["id"].as_i64().unwrap();
    org.call_fn_ok(resolve(commitment, "kept")).await;
    let res = org.call_fn(resolve(commitment, "forgotten")).await;
    assert_eq!(res.status(), 422);
    let list = my().await;
    assert_eq!(names(&list["follow_ups"]), ["Ben"]);
    assert!(list["commitments"].as_array().unwrap().is_empty());
    let h = history(&org, campaign_id, ben).await;
    assert_eq!(h["commitments"][0]["status"], "Kept");

    // A broken one is recorded as broken.
    org.call_fn_ok(with_form(talk(dee, "dee-commitment-1"), |f| {
        f.ask = "Wear the sticker".into();
        f.answer = "yes".into();
        f.follow_up_on = today.clone();
    }))
    .await;
    let list = my().await;
    let dee_commitment = list["commitments"][0]["id"].as_i64().unwrap();
    org.call_fn_ok(resolve(dee_commitment, "broken")).await;
    assert_eq!(
        history(&org, campaign_id, dee).await["commitments"][0]["status"],
        "Broken"
    );

    // Without JavaScript, logging returns to My list with a confirmation.
    let res = org
        .post_form_fn(
            &format!("/campaigns/{campaign_id}/coworkers/{dee}/log"),
            with_form(talk(dee, "dee-plain-form-1"), |f| {
                f.rating_after = "1".into();
            }),
        )
        .await;
    assert_eq!(res.status(), 302);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(
        location,
        format!("/campaigns/{campaign_id}/my?logged={dee}")
    );
    let (status, html) = org.get_html(&location).await;
    assert_eq!(status, 200);
    assert!(html.contains("Saved the one-on-one."));
    app.stop().await;
}

async fn coverage_matches_a_hand_computed_chart(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Mercy").await;
    let icu = area(&lead, campaign_id, "ICU").await;
    let er = area(&lead, campaign_id, "ER").await;
    let day = shift(&lead, campaign_id, "Day").await;
    let night = shift(&lead, campaign_id, "Night").await;
    app.organizer_in(&lead, campaign_id, "busy@example.org", &[er])
        .await;
    let busy = app.member_id(&lead, campaign_id, "busy@example.org").await;
    // An edit of `who` on `shift`, keeping the name and area.
    let on = |who: i64, name: &str, area: i64, shift: i64| {
        with_form(edit(campaign_id, who, name, area), |f| {
            f.shift_id = shift.to_string();
        })
    };

    // ICU/Day: Ana (committee), Ben. ICU/Night: Cy. ER/Day: Dee (committee).
    // ER/Night: eleven coworkers, all assigned to the busy organizer. One left: not counted.
    let ana = coworker(&lead, campaign_id, "Ana", icu, day).await;
    lead.call_fn_ok(with_form(on(ana, "Ana", icu, day), |f| {
        f.committee_member = "on".into();
    }))
    .await;
    let ben = coworker(&lead, campaign_id, "Ben", icu, day).await;
    coworker(&lead, campaign_id, "Cy", icu, night).await;
    let dee = coworker(&lead, campaign_id, "Dee", er, day).await;
    lead.call_fn_ok(with_form(on(dee, "Dee", er, day), |f| {
        f.committee_member = "on".into();
    }))
    .await;
    for n in 0..11 {
        let name = format!("Night {n:02}");
        let who = coworker(&lead, campaign_id, &name, er, night).await;
        lead.call_fn_ok(with_form(on(who, &name, er, night), |f| {
            f.assigned_organizer = busy.to_string();
        }))
        .await;
    }
    let gone = coworker(&lead, campaign_id, "Gone", er, night).await;
    lead.call_fn_ok(with_form(on(gone, "Gone", er, night), |f| {
        f.employment_status = "left".into();
    }))
    .await;
    // Ana talked to today, Ben 200 days ago: only Ana counts as contacted in the last 30 days.
    let ana_today = calls::log_conversation(campaign_id, ana, "coverage-ana-01");
    lead.call_fn_ok(ana_today).await;
    lead.call_fn_ok(with_form(
        calls::log_conversation(campaign_id, ben, "coverage-ben-01"),
        |f| {
            f.at = long_ago();
        },
    ))
    .await;

    let coverage = |days: &str| GetCoverage {
        campaign_id,
        days: days.into(),
    };
    let c = lead.call_fn_ok(coverage("")).await;
    let load: Vec<(String, i64)> = c["organizers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["email"].as_str().unwrap().to_owned(),
                o["assigned"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        load,
        [
            ("busy@example.org".to_owned(), 11),
            ("lead@example.org".to_owned(), 0)
        ]
    );
    assert_eq!(c["unassigned"], 4);
    let cells: Vec<(String, String, i64, i64)> = c["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["area"].as_str().unwrap().to_owned(),
                x["shift"].as_str().unwrap().to_owned(),
                x["coworkers"].as_i64().unwrap(),
                x["committee"].as_i64().unwrap(),
            )
        })
        .collect();
    let cell = |a: &str, s: &str, n: i64, k: i64| (a.to_owned(), s.to_owned(), n, k);
    assert_eq!(
        cells,
        [
            cell("ER", "Day", 1, 1),
            cell("ER", "Night", 11, 0),
            cell("ICU", "Day", 2, 1),
            cell("ICU", "Night", 1, 0),
        ]
    );
    assert_eq!(c["days"], 30);
    assert_eq!(
        c["not_contacted_count"], 14,
        "15 active, Ana talked to today"
    );
    let res = lead.call_fn(coverage("0")).await;
    assert_eq!(res.status(), 422);
    // The page shows the gaps in words, without JavaScript.
    let (status, html) = lead
        .get_html(&format!("/campaigns/{campaign_id}/coverage"))
        .await;
    assert_eq!(status, 200);
    assert!(
        html.contains("No committee member: ER · Night; ICU · Night."),
        "{html}"
    );
    app.stop().await;
}

/// A new organizer's My list: sign-in lands on it (one campaign); everyone in their areas
/// never talked to is on it (assigned to them first, then the others, counted past the
/// hundred shown); a name search finds people in their scope and no one outside it.
async fn my_list_is_the_organizers_home(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Mercy").await;
    let icu = area(&lead, campaign_id, "ICU").await;
    let er = area(&lead, campaign_id, "ER").await;
    let day = shift(&lead, campaign_id, "Day").await;
    let org = app
        .organizer_in(&lead, campaign_id, "org@example.org", &[icu])
        .await;
    let org_id = app.member_id(&lead, campaign_id, "org@example.org").await;
    // 104 in the ICU nobody has talked to, one of them assigned to the organizer; one
    // in the ICU already talked to; one in the ER (out of scope).
    let mut icu_people = Vec::new();
    for n in 0..104 {
        icu_people.push(coworker(&lead, campaign_id, &format!("Icu {n:03}"), icu, day).await);
    }
    let mine = coworker(&lead, campaign_id, "Zoe Assigned", icu, day).await;
    lead.call_fn_ok(with_form(
        edit(campaign_id, mine, "Zoe Assigned", icu),
        |f| {
            f.assigned_organizer = org_id.to_string();
        },
    ))
    .await;
    let talked = coworker(&lead, campaign_id, "Tal Talked", icu, day).await;
    lead.call_fn_ok(calls::log_conversation(
        campaign_id,
        talked,
        "talked-to-form-1",
    ))
    .await;
    coworker(&lead, campaign_id, "Ernie Elsewhere", er, day).await;

    // Signing in with one campaign lands on My list.
    let again = app.browser();
    let res = again
        .post_form_fn(
            "/login",
            calls::sign_in("org@example.org", rankfile_tests::PASSWORD),
        )
        .await;
    assert_eq!(
        res.headers()["location"],
        format!("/campaigns/{campaign_id}/my").as_str()
    );

    let list = org
        .call_fn_ok(GetMyList {
            campaign_id,
            q: String::new(),
        })
        .await;
    assert_eq!(names(&list["never_talked"]), ["Zoe Assigned"]);
    let unreached = names(&list["unreached"]);
    assert_eq!(unreached.len(), 100, "a hundred shown");
    assert_eq!(unreached[0], "Icu 000");
    assert_eq!(list["unreached_total"], 104, "the rest counted");
    assert!(!unreached
        .iter()
        .any(|n| n.starts_with("Tal") || n.starts_with("Ernie")));

    // The search: in scope only, any case, at most twenty.
    let find = |q: &str| {
        org.call_fn_ok(GetMyList {
            campaign_id,
            q: q.into(),
        })
    };
    assert_eq!(names(&find("zoe").await["found"]), ["Zoe Assigned"]);
    assert_eq!(names(&find("TAL").await["found"]), ["Tal Talked"]);
    assert_eq!(names(&find("ernie").await["found"]), Vec::<&str>::new());
    assert_eq!(len(&find("icu").await["found"]), 20);
    assert_eq!(
        names(&find("%").await["found"]),
        Vec::<&str>::new(),
        "a % is a %"
    );
    // The page: the search box, the names as links.
    let (status, html) = org
        .get_html(&format!("/campaigns/{campaign_id}/my?q=zoe"))
        .await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"id="my-q""#));
    assert!(html.contains(&format!(
        r#"href="/campaigns/{campaign_id}/coworkers/{mine}""#
    )));
    assert!(html.contains("Never talked to, also in your areas (104)"));

    // Logged after the shift, yesterday's conversation keeps its day.
    let yesterday = chrono::Utc::now().date_naive().pred_opt().unwrap();
    let (_, log_page) = org
        .get_html(&format!("/campaigns/{campaign_id}/coworkers/{mine}/log"))
        .await;
    assert!(
        log_page.contains(&format!(r#"name="at" value="{yesterday}T12:00""#)),
        "yesterday is one tap"
    );
    org.call_fn_ok(with_form(
        calls::log_conversation(campaign_id, mine, "yesterday-form-1"),
        |f| f.at = format!("{yesterday}T12:00"),
    ))
    .await;
    let h = history(&org, campaign_id, mine).await;
    assert!(
        h["conversations"][0]["at"]
            .as_str()
            .unwrap()
            .starts_with(&yesterday.to_string()),
        "{h}"
    );
    app.stop().await;
}
