//! Story: `rankfile demo` gives a newcomer a believable hospital to explore.

use rankfile_tests::{stories, TestApp};

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

    let (lead, campaign) = app
        .lead_of("lead@example.org", server::demo::DEMO_CAMPAIGN)
        .await;
    let id = campaign.to_string();
    let areas = lead.call_ok("areas/list", &[("campaign_id", &id)]).await;
    assert_eq!(
        areas.as_array().unwrap().len(),
        21,
        "the site and its 20 departments"
    );
    let shifts = lead.call_ok("shifts/list", &[("campaign_id", &id)]).await;
    assert_eq!(shifts.as_array().unwrap().len(), 3);
    let coworkers = lead
        .call_ok("coworkers/list", &[("campaign_id", &id)])
        .await;
    let coworkers = coworkers.as_array().unwrap();
    assert_eq!(coworkers.len(), 600);
    // Spread over every department and shift, and nobody is rated yet (unknown, not 3).
    let areas_used: std::collections::BTreeSet<_> =
        coworkers.iter().map(|c| c["area_id"].as_i64()).collect();
    assert_eq!(areas_used.len(), 20);
    let shifts_used: std::collections::BTreeSet<_> =
        coworkers.iter().map(|c| c["shift_id"].as_i64()).collect();
    assert_eq!(shifts_used.len(), 3);
    assert!(coworkers.iter().all(|c| c["rating"].is_null()));
    app.stop().await;
}
