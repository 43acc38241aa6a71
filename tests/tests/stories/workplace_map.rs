//! Story: a lead maps the workplace; each organizer sees only their areas and assignees.

use rankfile_tests::{stories, TestApp};
use serde_json::Value;

stories!(organizers_see_only_their_scope);

fn names(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn organizers_see_only_their_scope(app: TestApp) {
    let (lead, campaign) = app.lead_of("lead@example.org", "Mercy General").await;
    let id = campaign.to_string();
    let mut areas = Vec::new();
    for name in ["ICU", "ER", "Pharmacy"] {
        let area = lead
            .call_ok("areas/create", &[("campaign_id", &id), ("name", name)])
            .await;
        areas.push(area["id"].to_string());
    }
    let night = lead
        .call_ok("shifts/create", &[("campaign_id", &id), ("name", "Night")])
        .await;
    let night = night["id"].to_string();
    for (name, area) in [("Ana", &areas[0]), ("Ben", &areas[1]), ("Cy", &areas[2])] {
        lead.call_ok(
            "coworkers/create",
            &[
                ("campaign_id", &id),
                ("name", name),
                ("area_id", area),
                ("shift_id", &night),
            ],
        )
        .await;
    }
    let icu_er = format!("{},{}", areas[0], areas[1]);
    let org = app
        .invite_member(&lead, campaign, "org@example.org", "organizer", &icu_er)
        .await;
    let viewer = app
        .invite_member(&lead, campaign, "v@example.org", "viewer", "")
        .await;

    assert_eq!(
        names(
            &lead
                .call_ok("coworkers/list", &[("campaign_id", &id)])
                .await
        ),
        ["Ana", "Ben", "Cy"]
    );
    let seen = org.call_ok("coworkers/list", &[("campaign_id", &id)]).await;
    assert_eq!(names(&seen), ["Ana", "Ben"]);
    assert_eq!(
        viewer
            .call("coworkers/list", &[("campaign_id", &id)])
            .await
            .status(),
        403
    );

    // Out of scope: not found, and no adding into someone else's area.
    let all = lead
        .call_ok("coworkers/list", &[("campaign_id", &id)])
        .await;
    let cy = all
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "Cy")
        .unwrap()["id"]
        .to_string();
    let res = org
        .call(
            "coworkers/get",
            &[("campaign_id", &id), ("coworker_id", &cy)],
        )
        .await;
    assert_eq!(res.status(), 404);
    let res = org
        .call(
            "coworkers/create",
            &[
                ("campaign_id", &id),
                ("name", "Dee"),
                ("area_id", &areas[2]),
            ],
        )
        .await;
    assert_eq!(res.status(), 403);
    org.call_ok(
        "coworkers/create",
        &[
            ("campaign_id", &id),
            ("name", "Dee"),
            ("area_id", &areas[0]),
        ],
    )
    .await;

    // Narrowing the organizer's scope takes effect on the next request.
    let org_id = app.member_id(&lead, campaign, "org@example.org").await;
    lead.call_ok(
        "members/update",
        &[
            ("campaign_id", &id),
            ("user_id", &org_id),
            ("role", "organizer"),
            ("areas", &areas[1]),
        ],
    )
    .await;
    assert_eq!(
        names(&org.call_ok("coworkers/list", &[("campaign_id", &id)]).await),
        ["Ben"]
    );

    // Bad input names the field and writes nothing.
    let res = lead
        .call("coworkers/create", &[("campaign_id", &id), ("name", "  ")])
        .await;
    assert_eq!(res.status(), 422);
    let other = app.lead_of("other@example.org", "Elsewhere").await;
    let foreign_area = other
        .0
        .call_ok(
            "areas/create",
            &[("campaign_id", &other.1.to_string()), ("name", "Dock")],
        )
        .await["id"]
        .to_string();
    let res = lead
        .call(
            "coworkers/create",
            &[
                ("campaign_id", &id),
                ("name", "Eve"),
                ("area_id", &foreign_area),
            ],
        )
        .await;
    assert_eq!(res.status(), 422, "an area of another campaign is refused");
    assert_eq!(
        lead.call_ok("coworkers/list", &[("campaign_id", &id)])
            .await
            .as_array()
            .unwrap()
            .len(),
        4
    );
    app.stop().await;
}
