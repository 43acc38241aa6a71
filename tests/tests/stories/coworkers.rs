//! Stories: a lead builds the map (nested, renamed, moved, retired, placed on the floor
//! plan), edits and archives coworkers, records ties, reads the chart and exports it.

use app::api::coworkers::{
    ArchiveCoworker, GetCoworker, ListCoworkers, ListTies, OrganicLeaders, RemoveTie,
};
use app::api::map::{FloorPlan, GetChart, ListAreas, UpdateArea};
use rankfile_tests::calls::with_form;
use rankfile_tests::{
    actions, area, area_in, calls, coworker, field_of, items, len, stories, strings, Browser,
    TestApp,
};

stories!(
    a_lead_builds_and_reshapes_the_map,
    coworkers_are_edited_and_archived_never_deleted,
    ties_are_recorded_within_scope,
    the_chart_filters_and_the_export_is_for_leads
);

async fn a_lead_builds_and_reshapes_the_map(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Mercy").await;
    let site = area(&lead, campaign_id, "Main building").await;
    let icu = area_in(&lead, campaign_id, "ICU", site).await;
    let er = area_in(&lead, campaign_id, "ER", site).await;
    let pod = area_in(&lead, campaign_id, "ICU pod B", icu).await;
    coworker(&lead, campaign_id, "Ana", icu).await;
    let ben = coworker(&lead, campaign_id, "Ben", icu).await;
    lead.call_fn_ok(with_form(
        calls::update_coworker(campaign_id, ben, "Ben"),
        |f| {
            f.area_id = icu.to_string();
        },
    ))
    .await;

    // Rename and place on the floor plan.
    let update = |area: i64, name: &str, parent: i64, [x, y, w, h]: [&str; 4]| {
        lead.call_fn(UpdateArea {
            parent_id: parent.to_string(),
            grid_x: x.into(),
            grid_y: y.into(),
            grid_w: w.into(),
            grid_h: h.into(),
            ..calls::update_area(campaign_id, area, name)
        })
    };
    let res = update(icu, "Intensive Care", site, ["0", "0", "10", "6"]).await;
    assert_eq!(res.status(), 200);
    // A loop (the ICU inside its own pod) is refused, naming the field.
    let res = update(icu, "Intensive Care", pod, ["", "", "", ""]).await;
    assert_eq!(res.status(), 422);
    assert_eq!(field_of(&res.text().await.unwrap()), "parent_id");
    // Half a grid box, or one off the grid, is refused.
    let res = update(er, "ER", site, ["1", "", "", ""]).await;
    assert_eq!(res.status(), 422);
    let res = update(er, "ER", site, ["55", "0", "10", "2"]).await;
    assert_eq!(res.status(), 422);
    // Moving the pod under the ER works.
    assert_eq!(
        update(pod, "ICU pod B", er, ["", "", "", ""])
            .await
            .status(),
        200
    );

    let areas = lead.call_fn_ok(ListAreas { campaign_id }).await;
    let row = |id: i64| {
        areas
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == id)
            .unwrap()
            .clone()
    };
    let icu_row = row(icu);
    assert_eq!(icu_row["name"], "Intensive Care");
    assert_eq!(icu_row["grid"]["w"], 10);
    assert_eq!(row(pod)["parent_id"], er);

    // The floor plan counts people per area. A viewer may read it (no names), but not
    // the counts of a group this small (hardening.rs has the whole story).
    let viewer = app
        .invite_member(&lead, campaign_id, "v@example.org", "viewer", "")
        .await;
    let floor_plan = FloorPlan { campaign_id };
    let seen = viewer.call_fn_ok(floor_plan.clone()).await;
    assert!(seen
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["area"]["id"] == icu && s["suppressed"] == true));
    let stats = lead.call_fn_ok(floor_plan).await;
    let icu_stats = stats
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["area"]["id"] == icu)
        .unwrap()
        .clone();
    assert_eq!(icu_stats["coworkers"], 2);
    assert_eq!(
        icu_stats["unknown"], 2,
        "nobody rated yet: unknown, never a 3"
    );
    assert_eq!(icu_stats["supporters"], 0);

    // Retiring keeps the area (and its history) but marks it.
    lead.call_fn_ok(UpdateArea {
        parent_id: site.to_string(),
        retired: "on".into(),
        ..calls::update_area(campaign_id, er, "ER")
    })
    .await;
    let areas = lead.call_fn_ok(ListAreas { campaign_id }).await;
    let retired = |a: &&serde_json::Value| a["id"] == er && a["retired"] == true;
    assert!(items(&areas).iter().any(|a| retired(&a)));
    app.stop().await;
}

async fn coworkers_are_edited_and_archived_never_deleted(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Mercy").await;
    let icu = area(&lead, campaign_id, "ICU").await;
    let er = area(&lead, campaign_id, "ER").await;
    let ana = coworker(&lead, campaign_id, "Ana Lopez", icu).await;
    let org = app
        .organizer_in(&lead, campaign_id, "org@example.org", &[icu])
        .await;
    let org_id = app.member_id(&lead, campaign_id, "org@example.org").await;
    let get = |coworker_id: i64| {
        lead.call_fn_ok(GetCoworker {
            campaign_id,
            coworker_id,
        })
    };
    let list = || lead.call_fn_ok(ListCoworkers { campaign_id });
    let archive = |coworker_id: i64, restore: &str| ArchiveCoworker {
        campaign_id,
        coworker_id,
        restore: restore.into(),
    };

    let full = |email: &str, phone: &str| {
        with_form(
            calls::update_coworker(campaign_id, ana, "Ana María López"),
            |f| {
                f.area_id = icu.to_string();
                f.job_title = "RN".into();
                f.employee_ref = "E-1001".into();
                f.phone = phone.into();
                f.email = email.into();
                f.language = "Spanish".into();
                f.tags = "soccer league, Soccer League, parents".into();
                f.organic_leader = "on".into();
                f.employment_status = "on_leave".into();
                f.assigned_organizer = org_id.to_string();
                f.notes = "Talks to everyone on nights.".into();
            },
        )
    };
    // Bad e-mail, then bad phone: each names its field and changes nothing.
    for (email, phone, field) in [
        ("ana@", "+1 (555) 010-2030", "email"),
        ("ana@example.org", "call me", "phone"),
    ] {
        let res = lead.call_fn(full(email, phone)).await;
        assert_eq!(res.status(), 422);
        assert_eq!(field_of(&res.text().await.unwrap()), field);
    }
    let got = get(ana).await;
    assert_eq!(got["fields"]["name"], "Ana Lopez", "nothing was written");

    lead.call_fn_ok(full("ana@example.org", "+1 (555) 010-2030"))
        .await;
    let got = get(ana).await;
    let f = &got["fields"];
    assert_eq!(f["name"], "Ana María López");
    assert_eq!(f["email"], "ana@example.org");
    assert_eq!(f["tags"], serde_json::json!(["soccer league", "parents"]));
    assert_eq!(f["organic_leader"], true);
    assert_eq!(f["committee_member"], false);
    assert_eq!(f["employment_status"], "OnLeave");
    assert_eq!(f["assigned_organizer"], org_id);

    // The organizer edits within scope but cannot reassign, nor move Ana out of scope
    // (she stays theirs as assignee, so moving her to the ER is allowed).
    org.call_fn_ok(with_form(full("ana@example.org", ""), |f| {
        f.assigned_organizer = String::new();
    }))
    .await;
    assert_eq!(
        get(ana).await["fields"]["assigned_organizer"],
        org_id,
        "an organizer's edit leaves the assignment alone"
    );
    let ben = coworker(&lead, campaign_id, "Ben", icu).await;
    let res = org
        .call_fn(with_form(
            calls::update_coworker(campaign_id, ben, "Ben"),
            |f| {
                f.area_id = er.to_string();
            },
        ))
        .await;
    assert_eq!(res.status(), 422, "moving Ben out of the organizer's areas");
    assert_eq!(get(ben).await["fields"]["area_id"], icu, "Ben stays put");

    // Archive: off the chart and the lists, still readable, can come back.
    lead.call_fn_ok(archive(ben, "")).await;
    assert_eq!(len(&list().await), 1);
    assert_eq!(get(ben).await["archived"], true);
    let res = org.call_fn(archive(ana, "")).await;
    assert_eq!(res.status(), 403, "archiving is for leads");
    lead.call_fn_ok(archive(ben, "on")).await;
    assert_eq!(len(&list().await), 2);

    // Without JavaScript: the form posts and the browser comes back to the page.
    let page = format!("/campaigns/{campaign_id}/coworkers/{ben}");
    let res = lead
        .post_form_fn(
            &page,
            with_form(
                calls::update_coworker(campaign_id, ben, "Ben Okafor"),
                |f| {
                    f.area_id = icu.to_string();
                },
            ),
        )
        .await;
    assert_eq!(res.status(), 302);
    // It comes back saying so: a plain post has no answer to read but the page.
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, format!("{page}?saved=1"));
    let (status, html) = lead.get_html(&location).await;
    assert_eq!(status, 200);
    assert!(html.contains("Ben Okafor"));
    assert!(html.contains("Saved."), "{html}");
    // The page's next post does not come back to "Saved.".
    assert!(!html.contains("saved=1\""), "{html}");
    let (_, again) = lead.get_html(&page).await;
    assert!(!again.contains("Saved."));
    let audit = actions(&lead.call_fn_ok(calls::audit_log(campaign_id)).await);
    for action in ["coworker.updated", "coworker.archived", "coworker.restored"] {
        assert!(audit.iter().any(|a| a == action), "{action} audited");
    }
    app.stop().await;
}

async fn ties_are_recorded_within_scope(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Mercy").await;
    let icu = area(&lead, campaign_id, "ICU").await;
    let er = area(&lead, campaign_id, "ER").await;
    let ana = coworker(&lead, campaign_id, "Ana", icu).await;
    let ben = coworker(&lead, campaign_id, "Ben", icu).await;
    let cy = coworker(&lead, campaign_id, "Cy", er).await;
    let org = app
        .organizer_in(&lead, campaign_id, "org@example.org", &[icu])
        .await;
    let ties = |of: i64| ListTies {
        campaign_id,
        coworker_id: of,
    };

    let tie = org
        .call_fn_ok(calls::add_tie(
            campaign_id,
            ana,
            &format!("Ben #{ben}"),
            "listens_to",
        ))
        .await
        .as_i64()
        .expect("ties/add answers the tie's id");
    for (other, kind, status, why) in [
        (ben, "listens_to", 409, "the same tie twice"),
        (cy, "friends", 422, "Cy is outside the organizer's areas"),
        (ana, "friends", 422, "a tie to oneself"),
    ] {
        let res = org
            .call_fn(calls::add_tie(campaign_id, ana, &other.to_string(), kind))
            .await;
        assert_eq!(res.status(), status, "{why}");
    }
    // The lead ties Ana to Cy; the organizer does not see that tie (Cy is out of scope).
    lead.call_fn_ok(calls::add_tie(campaign_id, cy, &ana.to_string(), "family"))
        .await;
    let seen = org.call_fn_ok(ties(ana)).await;
    assert_eq!(len(&seen), 1);
    assert_eq!(seen[0]["other_name"], "Ben");
    assert_eq!(seen[0]["outgoing"], true);
    // Ben is an organic leader: the map shows whom he reaches (Ana listens to him).
    lead.call_fn_ok(with_form(
        calls::update_coworker(campaign_id, ben, "Ben"),
        |f| {
            f.area_id = icu.to_string();
            f.organic_leader = "on".into();
        },
    ))
    .await;
    let reach = org.call_fn_ok(OrganicLeaders { campaign_id }).await;
    assert_eq!(reach[0]["name"], "Ben");
    assert_eq!(reach[0]["listeners"], 1);
    assert_eq!(reach[0]["unknown"], 1);
    let from_ben = lead.call_fn_ok(ties(ben)).await;
    assert_eq!(from_ben[0]["outgoing"], false, "Ben is listened to by Ana");
    assert_eq!(len(&lead.call_fn_ok(ties(ana)).await), 2);
    org.call_fn_ok(RemoveTie {
        campaign_id,
        tie_id: tie,
    })
    .await;
    assert_eq!(len(&org.call_fn_ok(ties(ana)).await), 0);
    app.stop().await;
}

async fn the_chart_filters_and_the_export_is_for_leads(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Mercy").await;
    let icu = area(&lead, campaign_id, "ICU").await;
    let er = area(&lead, campaign_id, "ER").await;
    let ana = coworker(&lead, campaign_id, "Ana", icu).await;
    coworker(&lead, campaign_id, "Ben", er).await;
    // A name a spreadsheet would run as a formula.
    let evil = coworker(&lead, campaign_id, "=HYPERLINK(\"http://x\",\"y\")", icu).await;
    lead.call_fn_ok(with_form(
        calls::update_coworker(campaign_id, ana, "Ana"),
        |f| {
            f.area_id = icu.to_string();
            f.tags = "choir".into();
            f.committee_member = "on".into();
        },
    ))
    .await;
    let org = app
        .organizer_in(&lead, campaign_id, "org@example.org", &[er])
        .await;

    let chart = |who: &Browser, q: &str, tag: &str| {
        let (who, args) = (
            who.clone(),
            GetChart {
                q: q.into(),
                tag: tag.into(),
                ..calls::chart(campaign_id)
            },
        );
        async move { who.call_fn_ok(args).await }
    };
    let all = chart(&lead, "", "").await;
    assert_eq!(len(&all["coworkers"]), 3);
    assert_eq!(all["in_scope"], 3);
    let choir = chart(&lead, "", "CHOIR").await;
    assert_eq!(len(&choir["coworkers"]), 1);
    assert_eq!(choir["coworkers"][0]["committee_member"], true);
    let by_name = chart(&lead, "an", "").await;
    assert_eq!(by_name["coworkers"][0]["name"], "Ana");
    assert_eq!(by_name["in_scope"], 3);
    // The organizer's chart holds only their area, whatever they search for.
    let theirs = chart(&org, "a", "").await;
    let names = strings(&theirs["coworkers"], "name");
    assert!(names.is_empty(), "Ana is in the ICU, not the ER: {names:?}");
    assert_eq!(theirs["in_scope"], 1);

    // The page renders without JavaScript, filtered by the address.
    let (status, html) = lead
        .get_html(&format!("/campaigns/{campaign_id}/chart?tag=choir"))
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("1 of 3 coworkers match"), "{html}");

    // Export: leads only, neutralized, audited.
    let url = format!("/campaigns/{campaign_id}/export.csv");
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
    let audit = lead.call_fn_ok(calls::audit_log(campaign_id)).await["entries"].clone();
    assert!(audit
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "chart.exported" && e["detail"] == "rows=3"));
    app.stop().await;
}
