//! Stories: the organizer's daily loop. A one-on-one is logged once however often it is
//! sent, ratings keep a timeline, follow-ups and commitments come and go on My list,
//! and the coverage page matches a hand-computed chart.

use rankfile_tests::{names, stories, Browser, TestApp};
use serde_json::Value;

stories!(
    a_one_on_one_is_stored_once_and_rates_the_coworker,
    a_rating_without_talking_keeps_a_timeline,
    follow_ups_and_commitments_come_and_go_on_my_list,
    coverage_matches_a_hand_computed_chart
);

async fn area(lead: &Browser, id: &str, name: &str) -> String {
    lead.call_ok("areas/create", &[("campaign_id", id), ("name", name)])
        .await["id"]
        .to_string()
}

async fn shift(lead: &Browser, id: &str, name: &str) -> String {
    lead.call_ok("shifts/create", &[("campaign_id", id), ("name", name)])
        .await["id"]
        .to_string()
}

async fn coworker(lead: &Browser, id: &str, name: &str, area: &str, shift: &str) -> String {
    lead.call_ok(
        "coworkers/create",
        &[
            ("campaign_id", id),
            ("name", name),
            ("area_id", area),
            ("shift_id", shift),
        ],
    )
    .await["id"]
        .to_string()
}

/// Sets the fields the loop cares about, leaving the name and place as they are.
async fn set(lead: &Browser, id: &str, who: &str, name: &str, area: &str, extra: &[(&str, &str)]) {
    let mut form = vec![
        ("campaign_id", id),
        ("coworker_id", who),
        ("name", name),
        ("area_id", area),
    ];
    form.extend_from_slice(extra);
    lead.call_ok("coworkers/update", &form).await;
}

async fn log(who: &Browser, id: &str, coworker: &str, fields: &[(&str, &str)]) -> Value {
    let mut form = vec![("campaign_id", id), ("coworker_id", coworker)];
    form.extend_from_slice(fields);
    who.call_ok("conversations/log", &form).await
}

async fn history(who: &Browser, id: &str, coworker: &str) -> Value {
    who.call_ok(
        "coworkers/history",
        &[("campaign_id", id), ("coworker_id", coworker)],
    )
    .await
}

async fn rating_of(who: &Browser, id: &str, coworker: &str) -> Value {
    who.call_ok(
        "coworkers/get",
        &[("campaign_id", id), ("coworker_id", coworker)],
    )
    .await["rating"]
        .clone()
}

async fn a_one_on_one_is_stored_once_and_rates_the_coworker(app: TestApp) {
    let (lead, campaign) = app.lead_of("lead@example.org", "Mercy").await;
    let id = campaign.to_string();
    let icu = area(&lead, &id, "ICU").await;
    let day = shift(&lead, &id, "Day").await;
    let ana = coworker(&lead, &id, "Ana", &icu, &day).await;
    let org = app
        .invite_member(&lead, campaign, "org@example.org", "organizer", &icu)
        .await;

    let fields = [
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
    let first = log(&org, &id, &ana, &fields).await;
    assert_eq!(first["stored"], true);
    // The phone lost the answer and sent it again: stored once.
    let again = log(&org, &id, &ana, &fields).await;
    assert_eq!(again["stored"], false);
    assert_eq!(again["conversation_id"], first["conversation_id"]);

    let h = history(&org, &id, &ana).await;
    assert_eq!(h["conversations"].as_array().unwrap().len(), 1);
    let talk = &h["conversations"][0];
    assert_eq!(talk["issues"], serde_json::json!(["staffing", "safety"]));
    assert_eq!(talk["answer"], "Yes");
    assert_eq!(talk["organizer"], "org@example.org");
    assert_eq!(
        h["ratings"].as_array().unwrap().len(),
        1,
        "one rating, not two"
    );
    assert_eq!(h["ratings"][0]["source"], "Conversation");
    assert_eq!(h["commitments"][0]["what"], "Sign the staffing petition");
    assert_eq!(h["commitments"][0]["status"], "Open");
    assert_eq!(rating_of(&lead, &id, &ana).await, 2);
    let chart = lead.call_ok("chart/get", &[("campaign_id", &id)]).await;
    assert_eq!(
        chart["coworkers"][0]["rating"], 2,
        "the chart reads the current rating"
    );

    // Bad input names its field and stores nothing.
    for (field, value, named) in [
        ("rating_after", "6", "rating_after"),
        ("issues[0]", "parking", "issues"),
        ("follow_up_on", "2026-02-30", "follow_up_on"),
        ("client_id", "x", "client_id"),
        ("channel", "carrier pigeon", "channel"),
    ] {
        let mut form = vec![
            ("campaign_id", id.as_str()),
            ("coworker_id", ana.as_str()),
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
        .call(
            "conversations/log",
            &[
                ("campaign_id", &id),
                ("coworker_id", &ana),
                ("client_id", "answer-no-ask"),
                ("answer", "maybe"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422, "an answer without an ask");
    assert_eq!(
        history(&org, &id, &ana).await["conversations"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // A maybe is recorded as said, and is not a commitment.
    log(
        &org,
        &id,
        &ana,
        &[
            ("client_id", "maybe-means-no-01"),
            ("ask", "Wear the sticker"),
            ("answer", "maybe"),
        ],
    )
    .await;
    assert_eq!(
        history(&org, &id, &ana).await["commitments"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // Leads set the campaign's issues; a one-on-one can then be tagged with the new one.
    let before = org.call_ok("settings/get", &[("campaign_id", &id)]).await;
    let res = lead
        .call(
            "settings/update",
            &[
                ("campaign_id", &id),
                ("stale_days", "0"),
                ("issue_tags", "pay"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422, "stale after 0 days");
    assert_eq!(
        org.call_ok("settings/get", &[("campaign_id", &id)]).await,
        before,
        "the refused settings changed nothing"
    );
    lead.call_ok(
        "settings/update",
        &[
            ("campaign_id", &id),
            ("stale_days", "14"),
            ("issue_tags", "pay, parking, Pay"),
        ],
    )
    .await;
    let settings = org.call_ok("settings/get", &[("campaign_id", &id)]).await;
    assert_eq!(settings["stale_days"], 14);
    assert_eq!(
        settings["issue_tags"],
        serde_json::json!(["pay", "parking"])
    );
    log(
        &org,
        &id,
        &ana,
        &[("client_id", "parking-issue-01"), ("issues[0]", "parking")],
    )
    .await;
    // Written once in the audit log, with the rating.
    let audit = lead.call_ok("audit/list", &[("campaign_id", &id)]).await["entries"].clone();
    let logged = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "conversation.logged")
        .count();
    assert_eq!(logged, 3);
    app.stop().await;
}

async fn a_rating_without_talking_keeps_a_timeline(app: TestApp) {
    let (lead, campaign) = app.lead_of("lead@example.org", "Mercy").await;
    let id = campaign.to_string();
    let icu = area(&lead, &id, "ICU").await;
    let day = shift(&lead, &id, "Day").await;
    let ben = coworker(&lead, &id, "Ben", &icu, &day).await;
    assert!(
        rating_of(&lead, &id, &ben).await.is_null(),
        "unknown, never a 3"
    );
    let rate = |rating: &'static str, source: &'static str| {
        let (lead, id, ben) = (lead.clone(), id.clone(), ben.clone());
        async move {
            lead.call(
                "ratings/set",
                &[
                    ("campaign_id", id.as_str()),
                    ("coworker_id", ben.as_str()),
                    ("rating", rating),
                    ("source", source),
                    ("note", "seen at the break room meeting"),
                ],
            )
            .await
        }
    };
    assert_eq!(rate("4", "observation").await.status(), 200);
    assert_eq!(rate("3", "structure_test").await.status(), 200);
    assert_eq!(rate("0", "observation").await.status(), 422);
    assert_eq!(rate("", "observation").await.status(), 422);
    assert_eq!(rate("2", "gossip").await.status(), 422);
    let h = history(&lead, &id, &ben).await;
    let timeline: Vec<(i64, &str)> = h["ratings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["rating"].as_i64().unwrap(), r["source"].as_str().unwrap()))
        .collect();
    assert_eq!(timeline, [(3, "StructureTest"), (4, "Observation")]);
    assert_eq!(
        rating_of(&lead, &id, &ben).await,
        3,
        "the latest is current"
    );
    // A conversation logged late, dated before the latest rating, does not overwrite it.
    log(
        &lead,
        &id,
        &ben,
        &[
            ("client_id", "late-arrival-0001"),
            ("at", "2020-01-01T09:30"),
            ("rating_after", "5"),
        ],
    )
    .await;
    assert_eq!(rating_of(&lead, &id, &ben).await, 3);
    assert_eq!(
        history(&lead, &id, &ben).await["ratings"]
            .as_array()
            .unwrap()
            .len(),
        3,
        "it is still in the history"
    );
    let viewer = app
        .invite_member(&lead, campaign, "v@example.org", "viewer", "")
        .await;
    assert_eq!(rate_as(&viewer, &id, &ben).await, 403);
    app.stop().await;
}

async fn rate_as(who: &Browser, id: &str, coworker: &str) -> u16 {
    who.call(
        "ratings/set",
        &[
            ("campaign_id", id),
            ("coworker_id", coworker),
            ("rating", "1"),
        ],
    )
    .await
    .status()
    .as_u16()
}

async fn follow_ups_and_commitments_come_and_go_on_my_list(app: TestApp) {
    let (lead, campaign) = app.lead_of("lead@example.org", "Mercy").await;
    let id = campaign.to_string();
    let icu = area(&lead, &id, "ICU").await;
    let day = shift(&lead, &id, "Day").await;
    let org = app
        .invite_member(&lead, campaign, "org@example.org", "organizer", &icu)
        .await;
    let org_id = app.member_id(&lead, campaign, "org@example.org").await;
    let mut people = Vec::new();
    for name in ["Ana", "Ben", "Cy", "Dee"] {
        let who = coworker(&lead, &id, name, &icu, &day).await;
        set(
            &lead,
            &id,
            &who,
            name,
            &icu,
            &[("assigned_organizer", &org_id)],
        )
        .await;
        people.push(who);
    }
    let [ana, ben, cy, dee] = [&people[0], &people[1], &people[2], &people[3]];
    let my = || async { org.call_ok("mylist/get", &[("campaign_id", &id)]).await };
    let list = my().await;
    assert_eq!(names(&list["never_talked"]), ["Ana", "Ben", "Cy", "Dee"]);
    let today = list["today"].as_str().unwrap().to_owned();

    // Ana: a follow-up due today. Ben: a yes to an ask, due today. Cy: rated long ago.
    log(
        &org,
        &id,
        ana,
        &[
            ("client_id", "ana-follow-up-01"),
            ("next_step", "Ask about the night shift"),
            ("follow_up_on", &today),
        ],
    )
    .await;
    log(
        &org,
        &id,
        ben,
        &[
            ("client_id", "ben-commitment-1"),
            ("ask", "Come to the meeting"),
            ("answer", "yes"),
            ("follow_up_on", &today),
        ],
    )
    .await;
    log(
        &org,
        &id,
        cy,
        &[
            ("client_id", "cy-long-ago-0001"),
            ("at", "2020-01-01T09:30"),
            ("rating_after", "2"),
        ],
    )
    .await;
    let list = my().await;
    assert_eq!(names(&list["follow_ups"]), ["Ana", "Ben"]);
    assert_eq!(names(&list["commitments"]), ["Ben"]);
    assert_eq!(names(&list["never_talked"]), ["Dee"]);
    assert_eq!(names(&list["stale"]), ["Cy"]);
    // Someone else's list is their own: the lead has nothing due.
    let leads = lead.call_ok("mylist/get", &[("campaign_id", &id)]).await;
    assert!(leads["follow_ups"].as_array().unwrap().is_empty());

    // Done and kept: they leave the list.
    let ana_talk = list["follow_ups"][0]["conversation_id"].to_string();
    org.call_ok(
        "followups/done",
        &[("campaign_id", &id), ("conversation_id", &ana_talk)],
    )
    .await;
    let commitment = list["commitments"][0]["id"].to_string();
    org.call_ok(
        "commitments/resolve",
        &[
            ("campaign_id", &id),
            ("commitment_id", &commitment),
            ("status", "kept"),
        ],
    )
    .await;
    let res = org
        .call(
            "commitments/resolve",
            &[
                ("campaign_id", &id),
                ("commitment_id", &commitment),
                ("status", "forgotten"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let list = my().await;
    assert_eq!(names(&list["follow_ups"]), ["Ben"]);
    assert!(list["commitments"].as_array().unwrap().is_empty());
    let h = history(&org, &id, ben).await;
    assert_eq!(h["commitments"][0]["status"], "Kept");

    // A broken one is recorded as broken.
    log(
        &org,
        &id,
        dee,
        &[
            ("client_id", "dee-commitment-1"),
            ("ask", "Wear the sticker"),
            ("answer", "yes"),
            ("follow_up_on", &today),
        ],
    )
    .await;
    let list = my().await;
    let dee_commitment = list["commitments"][0]["id"].to_string();
    org.call_ok(
        "commitments/resolve",
        &[
            ("campaign_id", &id),
            ("commitment_id", &dee_commitment),
            ("status", "broken"),
        ],
    )
    .await;
    assert_eq!(
        history(&org, &id, dee).await["commitments"][0]["status"],
        "Broken"
    );

    // Without JavaScript, logging returns to My list with a confirmation.
    let res = org
        .post_form(
            "conversations/log",
            &format!("/campaigns/{id}/coworkers/{dee}/log"),
            &[
                ("campaign_id", &id),
                ("coworker_id", dee),
                ("client_id", "dee-plain-form-1"),
                ("rating_after", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), 302);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, format!("/campaigns/{id}/my?logged={dee}"));
    let (status, html) = org.get_html(&location).await;
    assert_eq!(status, 200);
    assert!(html.contains("Saved the one-on-one."));
    app.stop().await;
}

async fn coverage_matches_a_hand_computed_chart(app: TestApp) {
    let (lead, campaign) = app.lead_of("lead@example.org", "Mercy").await;
    let id = campaign.to_string();
    let icu = area(&lead, &id, "ICU").await;
    let er = area(&lead, &id, "ER").await;
    let day = shift(&lead, &id, "Day").await;
    let night = shift(&lead, &id, "Night").await;
    app.invite_member(&lead, campaign, "busy@example.org", "organizer", &er)
        .await;
    let busy = app.member_id(&lead, campaign, "busy@example.org").await;

    // ICU/Day: Ana (committee), Ben. ICU/Night: Cy. ER/Day: Dee (committee).
    // ER/Night: eleven coworkers, all assigned to the busy organizer. One left: not counted.
    let ana = coworker(&lead, &id, "Ana", &icu, &day).await;
    set(
        &lead,
        &id,
        &ana,
        "Ana",
        &icu,
        &[("committee_member", "on"), ("shift_id", &day)],
    )
    .await;
    let ben = coworker(&lead, &id, "Ben", &icu, &day).await;
    coworker(&lead, &id, "Cy", &icu, &night).await;
    let dee = coworker(&lead, &id, "Dee", &er, &day).await;
    set(
        &lead,
        &id,
        &dee,
        "Dee",
        &er,
        &[("committee_member", "on"), ("shift_id", &day)],
    )
    .await;
    for n in 0..11 {
        let name = format!("Night {n:02}");
        let who = coworker(&lead, &id, &name, &er, &night).await;
        set(
            &lead,
            &id,
            &who,
            &name,
            &er,
            &[("assigned_organizer", &busy), ("shift_id", &night)],
        )
        .await;
    }
    let gone = coworker(&lead, &id, "Gone", &er, &night).await;
    set(
        &lead,
        &id,
        &gone,
        "Gone",
        &er,
        &[("employment_status", "left"), ("shift_id", &night)],
    )
    .await;
    // Ana talked to today, Ben in 2020: only Ana counts as contacted in the last 30 days.
    log(&lead, &id, &ana, &[("client_id", "coverage-ana-01")]).await;
    log(
        &lead,
        &id,
        &ben,
        &[("client_id", "coverage-ben-01"), ("at", "2020-01-01T09:30")],
    )
    .await;

    let c = lead.call_ok("coverage/get", &[("campaign_id", &id)]).await;
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
    let res = lead
        .call("coverage/get", &[("campaign_id", &id), ("days", "0")])
        .await;
    assert_eq!(res.status(), 422);
    // The page shows the gaps in words, without JavaScript.
    let (status, html) = lead.get_html(&format!("/campaigns/{id}/coverage")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("No committee member: ER · Night; ICU · Night."),
        "{html}"
    );
    app.stop().await;
}
