//! Story: `rankfile demo` gives a newcomer a believable hospital to explore.

use app::api::coworkers::{ListCoworkers, ListTies};
use app::api::map::{FloorPlan, ListAreas, ListShifts};
use rankfile_tests::{len, stories, TestApp};

stories!(the_demo_is_a_hospital_of_twenty_departments);

async fn the_demo_is_a_hospital_of_twenty_departments(app: TestApp) {
    let seeded = server::demo::seed(app.store.as_ref(), false, 600)
        .await
        .unwrap();
    assert_eq!(seeded.as_deref(), Some(server::demo::DEMO_CAMPAIGN));
    // A second run leaves a non-empty database alone.
    assert!(server::demo::seed(app.store.as_ref(), false, 600)
        .await
        .unwrap()
        .is_none());

    let (lead, campaign_id) = app
        .lead_of("lead@example.org", server::demo::DEMO_CAMPAIGN)
        .await;
    let areas = lead.call_fn_ok(ListAreas { campaign_id }).await;
    assert_eq!(len(&areas), 21, "the site and its 20 departments");
    let shifts = lead.call_fn_ok(ListShifts { campaign_id }).await;
    assert_eq!(len(&shifts), 3);
    let coworkers = lead.call_fn_ok(ListCoworkers { campaign_id }).await;
    let coworkers = coworkers.as_array().unwrap();
    assert_eq!(coworkers.len(), 600);
    // Spread over every department and shift.
    let areas_used: std::collections::BTreeSet<_> =
        coworkers.iter().map(|c| c["area_id"].as_i64()).collect();
    assert_eq!(areas_used.len(), 20);
    let shifts_used: std::collections::BTreeSet<_> =
        coworkers.iter().map(|c| c["shift_id"].as_i64()).collect();
    assert_eq!(shifts_used.len(), 3);
    // Ratings of every kind, and people not yet rated (unknown, never a 3).
    let rated = |r: Option<i64>| {
        coworkers
            .iter()
            .filter(|c| c["rating"].as_i64() == r)
            .count()
    };
    let unknown = rated(None);
    assert!((60..=240).contains(&unknown), "{unknown} unknown");
    for r in 1..=5 {
        assert!(rated(Some(r)) > 0, "nobody rated {r}");
    }
    let leaders = coworkers
        .iter()
        .filter(|c| c["organic_leader"] == true)
        .count();
    assert!(leaders >= 10, "{leaders} organic leaders");
    assert!(coworkers.iter().any(|c| c["committee_member"] == true));
    // Departments sit on the floor plan; ties connect coworkers to their leaders.
    let stats = lead.call_fn_ok(FloorPlan { campaign_id }).await;
    let placed = stats
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| !s["area"]["grid"].is_null())
        .count();
    assert_eq!(placed, 20);
    let leader = coworkers
        .iter()
        .find(|c| c["organic_leader"] == true && c["id"].as_i64().unwrap() > 200)
        .unwrap();
    let ties = lead
        .call_fn_ok(ListTies {
            campaign_id,
            coworker_id: leader["id"].as_i64().unwrap(),
        })
        .await;
    assert!(
        ties.as_array()
            .unwrap()
            .iter()
            .any(|t| t["kind"] == "ListensTo" && t["outgoing"] == false),
        "someone listens to the organic leader"
    );
    app.stop().await;
}
