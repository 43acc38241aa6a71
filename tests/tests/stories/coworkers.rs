//! Stories: a lead builds the map (nested, renamed, moved, retired, placed on the floor
//! plan), edits and archives coworkers, records ties, reads the chart and exports it.

use rankfile_tests::{stories, Browser, TestApp};
use serde_json::Value;

stories!(
    a_lead_builds_and_reshapes_the_map,
    coworkers_are_edited_and_archived_never_deleted,
    ties_are_recorded_within_scope,
    the_chart_filters_and_the_export_is_for_leads
);

async fn area(lead: &Browser, id: &str, name: &str, parent: &str) -> String {
    lead.call_ok(
        "areas/create",
        &[("campaign_id", id), ("name", name), ("parent_id", parent)],
    )
    .await["id"]
        .to_string()
}

async fn coworker(lead: &Browser, id: &str, name: &str, area: &str) -> String {
    lead.call_ok(
        "coworkers/create",
        &[("campaign_id", id), ("name", name), ("area_id", area)],
    )
    .await["id"]
        .to_string()
}

/// Whether a JSON id is the id in `expected`.
fn id_is(value: &Value, expected: &str) -> bool {
    value.as_i64().is_some_and(|n| n.to_string() == expected)
}

fn field_of(res_body: &str) -> String {
    let v: Value = serde_json::from_str(res_body).unwrap_or(Value::Null);
    v["Validation"]["field"].as_str().unwrap_or("").to_owned()
}

async fn a_lead_builds_and_reshapes_the_map(app: TestApp) {
    let (lead, campaign) = app.lead_of("lead@example.org", "Mercy").await;
    let id = campaign.to_string();
    let site = area(&lead, &id, "Main building", "").await;
    let icu = area(&lead, &id, "ICU", &site).await;
    let er = area(&lead, &id, "ER", &site).await;
    let pod = area(&lead, &id, "ICU pod B", &icu).await;
    coworker(&lead, &id, "Ana", &icu).await;
    let ben = coworker(&lead, &id, "Ben", &icu).await;
    lead.call_ok(
        "coworkers/update",
        &[
            ("campaign_id", &id),
            ("coworker_id", &ben),
            ("name", "Ben"),
            ("area_id", &icu),
        ],
    )
    .await;

    // Rename and place on the floor plan.
    let update = |area: String, name: &'static str, parent: String, grid: [&'static str; 4]| {
        let lead = lead.clone();
        let id = id.clone();
        async move {
            lead.call(
                "areas/update",
                &[
                    ("campaign_id", id.as_str()),
                    ("area_id", area.as_str()),
                    ("name", name),
                    ("parent_id", parent.as_str()),
                    ("grid_x", grid[0]),
                    ("grid_y", grid[1]),
                    ("grid_w", grid[2]),
                    ("grid_h", grid[3]),
                ],
            )
            .await
        }
    };
    let res = update(
        icu.clone(),
        "Intensive Care",
        site.clone(),
        ["0", "0", "10", "6"],
    )
    .await;
    assert_eq!(res.status(), 200);
    // A loop (the ICU inside its own pod) is refused, naming the field.
    let res = update(icu.clone(), "Intensive Care", pod.clone(), ["", "", "", ""]).await;
    assert_eq!(res.status(), 422);
    assert_eq!(field_of(&res.text().await.unwrap()), "parent_id");
    // Half a grid box, or one off the grid, is refused.
    let res = update(er.clone(), "ER", site.clone(), ["1", "", "", ""]).await;
    assert_eq!(res.status(), 422);
    let res = update(er.clone(), "ER", site.clone(), ["55", "0", "10", "2"]).await;
    assert_eq!(res.status(), 422);
    // Moving the pod under the ER works.
    assert_eq!(
        update(pod.clone(), "ICU pod B", er.clone(), ["", "", "", ""])
            .await
            .status(),
        200
    );

    let areas = lead.call_ok("areas/list", &[("campaign_id", &id)]).await;
    let icu_row = areas
        .as_array()
        .unwrap()
        .iter()
        .find(|a| id_is(&a["id"], &icu))
        .unwrap()
        .clone();
    assert_eq!(icu_row["name"], "Intensive Care");
    assert_eq!(icu_row["grid"]["w"], 10);
    let pod_row = areas
        .as_array()
        .unwrap()
        .iter()
        .find(|a| id_is(&a["id"], &pod))
        .unwrap()
        .clone();
    assert_eq!(pod_row["parent_id"].to_string(), er);

    // The floor plan counts people per area. A viewer may read it (no names), but not
    // the counts of a group this small (hardening.rs has the whole story).
    let viewer = app
        .invite_member(&lead, campaign, "v@example.org", "viewer", "")
        .await;
    let seen = viewer.call_ok("areas/stats", &[("campaign_id", &id)]).await;
    assert!(seen
        .as_array()
        .unwrap()
        .iter()
        .any(|s| id_is(&s["area"]["id"], &icu) && s["suppressed"] == true));
    let stats = lead.call_ok("areas/stats", &[("campaign_id", &id)]).await;
    let icu_stats = stats
        .as_array()
        .unwrap()
        .iter()
        .find(|s| id_is(&s["area"]["id"], &icu))
        .unwrap()
        .clone();
    assert_eq!(icu_stats["coworkers"], 2);
    assert_eq!(
        icu_stats["unknown"], 2,
        "nobody rated yet: unknown, never a 3"
    );
    assert_eq!(icu_stats["supporters"], 0);

    // Retiring keeps the area (and its history) but marks it.
    lead.call_ok(
        "areas/update",
        &[
            ("campaign_id", &id),
            ("area_id", &er),
            ("name", "ER"),
            ("parent_id", &site),
            ("retired", "on"),
        ],
    )
    .await;
    let areas = lead.call_ok("areas/list", &[("campaign_id", &id)]).await;
    assert!(areas
        .as_array()
        .unwrap()
        .iter()
        .any(|a| id_is(&a["id"], &er) && a["retired"] == true));
    app.stop().await;
}

async fn coworkers_are_edited_and_archived_never_deleted(app: TestApp) {
    let (lead, campaign) = app.lead_of("lead@example.org", "Mercy").await;
    let id = campaign.to_string();
    let icu = area(&lead, &id, "ICU", "").await;
    let er = area(&lead, &id, "ER", "").await;
    let ana = coworker(&lead, &id, "Ana Lopez", &icu).await;
    let org = app
        .invite_member(&lead, campaign, "org@example.org", "organizer", &icu)
        .await;
    let org_id = app.member_id(&lead, campaign, "org@example.org").await;

    let full = |email: &'static str, phone: &'static str, area: String| {
        vec![
            ("campaign_id", id.clone()),
            ("coworker_id", ana.clone()),
            ("name", "Ana María López".to_owned()),
            ("area_id", area),
            ("job_title", "RN".to_owned()),
            ("employee_ref", "E-1001".to_owned()),
            ("phone", phone.to_owned()),
            ("email", email.to_owned()),
            ("language", "Spanish".to_owned()),
            ("tags", "soccer league, Soccer League, parents".to_owned()),
            ("organic_leader", "on".to_owned()),
            ("employment_status", "on_leave".to_owned()),
            ("assigned_organizer", org_id.clone()),
            ("notes", "Talks to everyone on nights.".to_owned()),
        ]
    };
    let as_form = |v: &Vec<(&'static str, String)>| -> Vec<(&'static str, String)> { v.clone() };
    // Bad e-mail, then bad phone: each names its field and changes nothing.
    for (email, phone, field) in [
        ("ana@", "+1 (555) 010-2030", "email"),
        ("ana@example.org", "call me", "phone"),
    ] {
        let form = as_form(&full(email, phone, icu.clone()));
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let res = lead.call("coworkers/update", &pairs).await;
        assert_eq!(res.status(), 422);
        assert_eq!(field_of(&res.text().await.unwrap()), field);
    }
    let got = lead
        .call_ok(
            "coworkers/get",
            &[("campaign_id", &id), ("coworker_id", &ana)],
        )
        .await;
    assert_eq!(got["fields"]["name"], "Ana Lopez", "nothing was written");

    let form = full("ana@example.org", "+1 (555) 010-2030", icu.clone());
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    lead.call_ok("coworkers/update", &pairs).await;
    let got = lead
        .call_ok(
            "coworkers/get",
            &[("campaign_id", &id), ("coworker_id", &ana)],
        )
        .await;
    let f = &got["fields"];
    assert_eq!(f["name"], "Ana María López");
    assert_eq!(f["email"], "ana@example.org");
    assert_eq!(f["tags"], serde_json::json!(["soccer league", "parents"]));
    assert_eq!(f["organic_leader"], true);
    assert_eq!(f["committee_member"], false);
    assert_eq!(f["employment_status"], "OnLeave");
    assert_eq!(f["assigned_organizer"].to_string(), org_id);

    // The organizer edits within scope but cannot reassign, nor move Ana out of scope
    // (she stays theirs as assignee, so moving her to the ER is allowed).
    let mut form = full("ana@example.org", "", icu.clone());
    for (k, v) in form.iter_mut() {
        if *k == "assigned_organizer" {
            *v = String::new();
        }
    }
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    org.call_ok("coworkers/update", &pairs).await;
    let got = lead
        .call_ok(
            "coworkers/get",
            &[("campaign_id", &id), ("coworker_id", &ana)],
        )
        .await;
    assert_eq!(
        got["fields"]["assigned_organizer"].to_string(),
        org_id,
        "an organizer's edit leaves the assignment alone"
    );
    let ben = coworker(&lead, &id, "Ben", &icu).await;
    let res = org
        .call(
            "coworkers/update",
            &[
                ("campaign_id", &id),
                ("coworker_id", &ben),
                ("name", "Ben"),
                ("area_id", &er),
            ],
        )
        .await;
    assert_eq!(res.status(), 422, "moving Ben out of the organizer's areas");
    let got = lead
        .call_ok(
            "coworkers/get",
            &[("campaign_id", &id), ("coworker_id", &ben)],
        )
        .await;
    assert_eq!(got["fields"]["area_id"].to_string(), icu, "Ben stays put");

    // Archive: off the chart and the lists, still readable, can come back.
    lead.call_ok(
        "coworkers/archive",
        &[("campaign_id", &id), ("coworker_id", &ben)],
    )
    .await;
    let list = lead
        .call_ok("coworkers/list", &[("campaign_id", &id)])
        .await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    let got = lead
        .call_ok(
            "coworkers/get",
            &[("campaign_id", &id), ("coworker_id", &ben)],
        )
        .await;
    assert_eq!(got["archived"], true);
    let res = org
        .call(
            "coworkers/archive",
            &[("campaign_id", &id), ("coworker_id", &ana)],
        )
        .await;
    assert_eq!(res.status(), 403, "archiving is for leads");
    lead.call_ok(
        "coworkers/archive",
        &[
            ("campaign_id", &id),
            ("coworker_id", &ben),
            ("restore", "on"),
        ],
    )
    .await;
    let list = lead
        .call_ok("coworkers/list", &[("campaign_id", &id)])
        .await;
    assert_eq!(list.as_array().unwrap().len(), 2);

    // Without JavaScript: the form posts and the browser comes back to the page.
    let page = format!("/campaigns/{id}/coworkers/{ben}");
    let res = lead
        .post_form(
            "coworkers/update",
            &page,
            &[
                ("campaign_id", &id),
                ("coworker_id", &ben),
                ("name", "Ben Okafor"),
                ("area_id", &icu),
            ],
        )
        .await;
    assert_eq!(res.status(), 302);
    let (status, html) = lead.get_html(&page).await;
    assert_eq!(status, 200);
    assert!(html.contains("Ben Okafor"));
    let audit = lead.call_ok("audit/list", &[("campaign_id", &id)]).await["entries"].clone();
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for action in ["coworker.updated", "coworker.archived", "coworker.restored"] {
        assert!(actions.contains(&action), "{action} audited");
    }
    app.stop().await;
}

async fn ties_are_recorded_within_scope(app: TestApp) {
    let (lead, campaign) = app.lead_of("lead@example.org", "Mercy").await;
    let id = campaign.to_string();
    let icu = area(&lead, &id, "ICU", "").await;
    let er = area(&lead, &id, "ER", "").await;
    let ana = coworker(&lead, &id, "Ana", &icu).await;
    let ben = coworker(&lead, &id, "Ben", &icu).await;
    let cy = coworker(&lead, &id, "Cy", &er).await;
    let org = app
        .invite_member(&lead, campaign, "org@example.org", "organizer", &icu)
        .await;

    let tie = org
        .call_ok(
            "ties/add",
            &[
                ("campaign_id", &id),
                ("coworker_id", &ana),
                ("other", &format!("Ben #{ben}")),
                ("kind", "listens_to"),
            ],
        )
        .await
        .to_string();
    let res = org
        .call(
            "ties/add",
            &[
                ("campaign_id", &id),
                ("coworker_id", &ana),
                ("other", &ben),
                ("kind", "listens_to"),
            ],
        )
        .await;
    assert_eq!(res.status(), 409, "the same tie twice");
    let res = org
        .call(
            "ties/add",
            &[
                ("campaign_id", &id),
                ("coworker_id", &ana),
                ("other", &cy),
                ("kind", "friends"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422, "Cy is outside the organizer's areas");
    let res = org
        .call(
            "ties/add",
            &[
                ("campaign_id", &id),
                ("coworker_id", &ana),
                ("other", &ana),
                ("kind", "friends"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422, "a tie to oneself");
    // The lead ties Ana to Cy; the organizer does not see that tie (Cy is out of scope).
    lead.call_ok(
        "ties/add",
        &[
            ("campaign_id", &id),
            ("coworker_id", &cy),
            ("other", &ana),
            ("kind", "family"),
        ],
    )
    .await;
    let seen = org
        .call_ok("ties/list", &[("campaign_id", &id), ("coworker_id", &ana)])
        .await;
    assert_eq!(seen.as_array().unwrap().len(), 1);
    assert_eq!(seen[0]["other_name"], "Ben");
    assert_eq!(seen[0]["outgoing"], true);
    // Ben is an organic leader: the map shows whom he reaches (Ana listens to him).
    lead.call_ok(
        "coworkers/update",
        &[
            ("campaign_id", &id),
            ("coworker_id", &ben),
            ("name", "Ben"),
            ("area_id", &icu),
            ("organic_leader", "on"),
        ],
    )
    .await;
    let reach = org.call_ok("leaders/reach", &[("campaign_id", &id)]).await;
    assert_eq!(reach[0]["name"], "Ben");
    assert_eq!(reach[0]["listeners"], 1);
    assert_eq!(reach[0]["unknown"], 1);
    let from_ben = lead
        .call_ok("ties/list", &[("campaign_id", &id), ("coworker_id", &ben)])
        .await;
    assert_eq!(from_ben[0]["outgoing"], false, "Ben is listened to by Ana");
    let all = lead
        .call_ok("ties/list", &[("campaign_id", &id), ("coworker_id", &ana)])
        .await;
    assert_eq!(all.as_array().unwrap().len(), 2);
    org.call_ok("ties/remove", &[("campaign_id", &id), ("tie_id", &tie)])
        .await;
    let seen = org
        .call_ok("ties/list", &[("campaign_id", &id), ("coworker_id", &ana)])
        .await;
    assert!(seen.as_array().unwrap().is_empty());
    app.stop().await;
}

async fn the_chart_filters_and_the_export_is_for_leads(app: TestApp) {
    let (lead, campaign) = app.lead_of("lead@example.org", "Mercy").await;
    let id = campaign.to_string();
    let icu = area(&lead, &id, "ICU", "").await;
    let er = area(&lead, &id, "ER", "").await;
    let ana = coworker(&lead, &id, "Ana", &icu).await;
    coworker(&lead, &id, "Ben", &er).await;
    // A name a spreadsheet would run as a formula.
    let evil = coworker(&lead, &id, "=HYPERLINK(\"http://x\",\"y\")", &icu).await;
    lead.call_ok(
        "coworkers/update",
        &[
            ("campaign_id", &id),
            ("coworker_id", &ana),
            ("name", "Ana"),
            ("area_id", &icu),
            ("tags", "choir"),
            ("committee_member", "on"),
        ],
    )
    .await;
    let org = app
        .invite_member(&lead, campaign, "org@example.org", "organizer", &er)
        .await;

    let chart = |who: Browser, q: &'static str, tag: &'static str| {
        let id = id.clone();
        async move {
            who.call_ok(
                "chart/get",
                &[("campaign_id", id.as_str()), ("q", q), ("tag", tag)],
            )
            .await
        }
    };
    let all = chart(lead.clone(), "", "").await;
    assert_eq!(all["coworkers"].as_array().unwrap().len(), 3);
    assert_eq!(all["in_scope"], 3);
    let choir = chart(lead.clone(), "", "CHOIR").await;
    assert_eq!(choir["coworkers"].as_array().unwrap().len(), 1);
    assert_eq!(choir["coworkers"][0]["committee_member"], true);
    let by_name = chart(lead.clone(), "an", "").await;
    assert_eq!(by_name["coworkers"][0]["name"], "Ana");
    assert_eq!(by_name["in_scope"], 3);
    // The organizer's chart holds only their area, whatever they search for.
    let theirs = chart(org.clone(), "a", "").await;
    let names: Vec<&str> = theirs["coworkers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(names.is_empty(), "Ana is in the ICU, not the ER: {names:?}");
    assert_eq!(theirs["in_scope"], 1);

    // The page renders without JavaScript, filtered by the address.
    let (status, html) = lead
        .get_html(&format!("/campaigns/{id}/chart?tag=choir"))
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("1 of 3 coworkers match"), "{html}");

    // Export: leads only, neutralized, audited.
    let url = format!("/campaigns/{id}/export.csv");
    let res = lead.get_page(&url).await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("attachment"));
    let csv = res.text().await.unwrap();
    assert!(csv.starts_with("id,name,area,shift"));
    assert_eq!(csv.lines().count(), 4, "a header and three coworkers");
    assert!(
        csv.contains(&format!("{evil},\"'=HYPERLINK(")),
        "formula neutralized: {csv}"
    );
    assert!(csv.contains(",unknown,"), "unknown is exported as unknown");
    assert_eq!(org.get_page(&url).await.status(), 403);
    assert_eq!(app.browser().get_page(&url).await.status(), 401);
    let (stranger, _) = app.lead_of("stranger@example.org", "Elsewhere").await;
    assert_eq!(stranger.get_page(&url).await.status(), 404);
    let audit = lead.call_ok("audit/list", &[("campaign_id", &id)]).await["entries"].clone();
    assert!(audit
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "chart.exported" && e["detail"] == "rows=3"));
    app.stop().await;
}
