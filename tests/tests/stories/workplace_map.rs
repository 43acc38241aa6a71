//! Story: a lead maps the workplace; each organizer sees only their areas and assignees.

use app::api::coworkers::{GetCoworker, ListCoworkers};
use rankfile_tests::{area, calls, coworker_on, len, names, shift, stories, TestApp};

stories!(organizers_see_only_their_scope);

async fn organizers_see_only_their_scope(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Mercy General").await;
    let mut areas = Vec::new();
    for name in ["ICU", "ER", "Pharmacy"] {
        areas.push(area(&lead, campaign_id, name).await);
    }
    let night = shift(&lead, campaign_id, "Night").await;
    for (name, area) in [("Ana", areas[0]), ("Ben", areas[1]), ("Cy", areas[2])] {
        coworker_on(&lead, campaign_id, name, area, night).await;
    }
    let org = app
        .organizer_in(&lead, campaign_id, "org@example.org", &areas[..2])
        .await;
    let viewer = app
        .invite_member(&lead, campaign_id, "v@example.org", "viewer", "")
        .await;
    let list = ListCoworkers { campaign_id };

    assert_eq!(
        names(&lead.call_fn_ok(list.clone()).await),
        ["Ana", "Ben", "Cy"]
    );
    let seen = org.call_fn_ok(list.clone()).await;
    assert_eq!(names(&seen), ["Ana", "Ben"]);
    assert_eq!(viewer.call_fn(list.clone()).await.status(), 403);

    // Out of scope: not found, and no adding into someone else's area.
    let all = lead.call_fn_ok(list.clone()).await;
    let cy = all
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "Cy")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let res = org
        .call_fn(GetCoworker {
            campaign_id,
            coworker_id: cy,
        })
        .await;
    assert_eq!(res.status(), 404);
    let res = org
        .call_fn(calls::create_coworker(campaign_id, "Dee", Some(areas[2])))
        .await;
    assert_eq!(res.status(), 403);
    org.call_fn_ok(calls::create_coworker(campaign_id, "Dee", Some(areas[0])))
        .await;

    // Narrowing the organizer's scope takes effect on the next request.
    let org_id = app.member_id(&lead, campaign_id, "org@example.org").await;
    lead.call_fn_ok(calls::update_member(
        campaign_id,
        org_id,
        "organizer",
        &areas[1].to_string(),
    ))
    .await;
    assert_eq!(names(&org.call_fn_ok(list.clone()).await), ["Ben"]);

    // Bad input names the field and writes nothing.
    let res = lead
        .call_fn(calls::create_coworker(campaign_id, "  ", None))
        .await;
    assert_eq!(res.status(), 422);
    let (other, elsewhere) = app.lead_of("other@example.org", "Elsewhere").await;
    let foreign_area = area(&other, elsewhere, "Dock").await;
    let res = lead
        .call_fn(calls::create_coworker(
            campaign_id,
            "Eve",
            Some(foreign_area),
        ))
        .await;
    assert_eq!(res.status(), 422, "an area of another campaign is refused");
    assert_eq!(len(&lead.call_fn_ok(list).await), 4);
    app.stop().await;
}
