//! Stories: the leads' dashboard. Support is counted of everyone on the chart (unknown
//! counts against), against the campaign's own target; only leads read it.

use app::api::coworkers::ArchiveCoworker;
use app::api::dashboard::DashboardPage;
use rankfile_tests::calls::{self, with_form};
use rankfile_tests::{area, coworker, stories, TestApp};

stories!(
    the_dashboard_counts_support_of_everyone_against_the_target,
    overdue_stale_and_the_weeks_are_counted_to_their_edges,
    only_leads_read_the_dashboard
);

async fn the_dashboard_counts_support_of_everyone_against_the_target(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Mercy").await;
    let icu = area(&lead, campaign_id, "ICU").await;
    let laundry = area(&lead, campaign_id, "Laundry").await;
    // ICU: 1, 1, 1, 2, 4 and one unknown; Laundry: one 1 and three unknown.
    let mut people: Vec<i64> = Vec::new();
    for (area, rating) in [
        (icu, "1"),
        (icu, "1"),
        (icu, "1"),
        (icu, "2"),
        (icu, "4"),
        (icu, ""),
        (laundry, "1"),
        (laundry, ""),
        (laundry, ""),
        (laundry, ""),
    ] {
        let name = format!("Coworker {}", people.len() + 1);
        let who = coworker(&lead, campaign_id, &name, area).await;
        if !rating.is_empty() {
            lead.call_fn_ok(calls::set_rating(campaign_id, who, rating))
                .await;
        }
        people.push(who);
    }
    let board = lead.call_fn_ok(DashboardPage { campaign_id }).await;
    assert_eq!(board["coworkers"], 10);
    assert_eq!(board["supporters"], 5, "1s and 2s only");
    assert_eq!(board["assessed"], 6);
    assert_eq!(board["target"], 70, "the default target");
    assert_eq!(board["stale"], 0);

    // Archived people leave the count: 5 of 9; 70 % of 9 is 6.3, so 7 are needed.
    lead.call_fn_ok(ArchiveCoworker {
        campaign_id,
        coworker_id: people[5],
        restore: String::new(),
    })
    .await;
    // A one-on-one with a Laundry coworker: this week's count, and Laundry's reach.
    lead.call_fn_ok(calls::log_conversation(
        campaign_id,
        people[7],
        "dashboard-story-1",
    ))
    .await;
    let board = lead.call_fn_ok(DashboardPage { campaign_id }).await;
    assert_eq!(board["coworkers"], 9);
    assert_eq!(board["supporters"], 5);
    assert_eq!(
        board["by_organizer"],
        serde_json::json!([{"organizer": "lead@example.org", "this_week": 1, "last_week": 0}])
    );
    // ICU: 0 of 5 talked to; Laundry: 1 of 4. The thinnest first.
    let weakest: Vec<(String, i64, i64)> = board["weakest_areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["area"].as_str().unwrap().to_owned(),
                a["coworkers"].as_i64().unwrap(),
                a["talked_to"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        weakest,
        [("ICU".to_owned(), 5, 0), ("Laundry".to_owned(), 4, 1)]
    );

    // The page says it in words, without JavaScript.
    let home = format!("/campaigns/{campaign_id}");
    let (status, html) = lead.get_html(&home).await;
    assert!(status.is_success(), "{status}");
    assert!(html.contains("55%"), "5 of 9 is 55 %: {html}");
    assert!(html.contains("2 more people rated 1–2 reach the 70% target."));

    // A lead lowers the target to a simple majority: met.
    let target = |percent: &str| {
        with_form(
            calls::update_settings(campaign_id, "30", "pay, safety"),
            |f| {
                f.support_target = percent.into();
            },
        )
    };
    lead.call_fn_ok(target("50")).await;
    let (_, html) = lead.get_html(&home).await;
    assert!(html.contains("At the 50% target."), "{html}");
    // An impossible target is refused, named, and changes nothing.
    let refused = lead.call_fn(target("101")).await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("support_target"));
    let board = lead.call_fn_ok(DashboardPage { campaign_id }).await;
    assert_eq!(board["target"], 50);
    assert_eq!(
        lead.audit_entries(campaign_id, "dashboard.read")
            .await
            .len(),
        5
    );
}

async fn only_leads_read_the_dashboard(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Mercy").await;
    for role in ["organizer", "viewer"] {
        let member = app
            .invite_member(&lead, campaign_id, &format!("{role}@example.org"), role, "")
            .await;
        let answer = member.call_fn(DashboardPage { campaign_id }).await;
        assert_eq!(answer.status(), 403, "{role}");
        let (status, html) = member.get_html(&format!("/campaigns/{campaign_id}")).await;
        assert!(status.is_success(), "{role}: {status}");
        assert!(!html.contains("data-testid=\"dashboard\""), "{role}");
    }
    let stranger = app.browser();
    let answer = stranger.call_fn(DashboardPage { campaign_id }).await;
    assert_eq!(answer.status(), 401);
}

/// The dashboard's dated counts at their edges, at a fixed moment (Wednesday 10 June 2026,
/// noon UTC; the week began Monday the 8th): a one-on-one at the first second of a week
/// is that week's, a follow-up or commitment due today is not yet overdue, and a rating
/// exactly `stale_days` old is not yet stale — each one second or one day either side.
async fn overdue_stale_and_the_weeks_are_counted_to_their_edges(app: TestApp) {
    use app::domain::organizing::{CampaignSettings, Channel, NewConversation};
    use app::store::AuditEvent;
    use chrono::{NaiveDate, TimeZone, Utc};

    let (lead, campaign_id) = app.lead_of("lead@example.org", "Mercy").await;
    let icu = area(&lead, campaign_id, "ICU").await;
    let lead_id = app
        .sql_count("SELECT id FROM users WHERE email = 'lead@example.org'")
        .await;
    let now = Utc.with_ymd_and_hms(2026, 6, 10, 12, 0, 0).unwrap();
    let day = |d: u32| NaiveDate::from_ymd_opt(2026, 6, d).unwrap();
    let at = |m: u32, d: u32, h: u32, min: u32, sec: u32| {
        Utc.with_ymd_and_hms(2026, m, d, h, min, sec).unwrap()
    };
    // (when, follow-up on, commitment due, rating)
    let logs = [
        (at(6, 8, 0, 0, 0), Some(day(9)), None, Some(1)), // this week; follow-up overdue
        (at(6, 7, 23, 59, 59), Some(day(10)), None, None), // last week; due today
        (at(6, 1, 0, 0, 0), None, Some(day(9)), None),    // last week; commitment overdue
        (at(5, 31, 23, 59, 59), None, Some(day(10)), None), // before; due today
        (at(5, 11, 12, 0, 0), None, None, Some(2)),       // rated exactly 30 days ago
        (at(5, 11, 11, 59, 59), None, None, Some(2)),     // a second more: stale
    ];
    for (i, (when, follow_up_on, due, rating)) in logs.into_iter().enumerate() {
        let who = coworker(&lead, campaign_id, &format!("Edge {i}"), icu).await;
        let log = NewConversation {
            coworker_id: who,
            client_id: format!("dashboard-edge-{i:04}"),
            at: when,
            channel: Channel::InPerson,
            issues: Vec::new(),
            notes: String::new(),
            ask: due
                .map(|_| "Sign the petition".to_owned())
                .unwrap_or_default(),
            answer: None,
            rating_after: rating,
            next_step: String::new(),
            follow_up_on,
            commitment_due: due,
        };
        let commitment = due.map(|d| ("Sign the petition".to_owned(), d));
        app.store
            .log_conversation(
                app.store.campaign_key(campaign_id),
                lead_id,
                &log,
                commitment,
                &AuditEvent::default(),
            )
            .await
            .unwrap();
    }
    let settings = CampaignSettings {
        stale_days: 30,
        issue_tags: Vec::new(),
        min_group_size: 5,
        support_target: 70,
        second_factor_for_organizers: false,
    };
    let board = app
        .store
        .dashboard(
            app.store.campaign_key(campaign_id),
            now,
            day(8),
            &settings,
            30,
        )
        .await
        .unwrap();
    assert_eq!(board.follow_ups_overdue, 1, "the 9th's, not today's");
    assert_eq!(board.commitments_overdue, 1, "the 9th's, not today's");
    assert_eq!(board.stale, 1, "30 days and a second, not 30 days");
    assert_eq!(board.assessed, 3);
    let weeks: Vec<(&str, i64, i64)> = board
        .by_organizer
        .iter()
        .map(|w| (w.organizer.as_str(), w.this_week, w.last_week))
        .collect();
    assert_eq!(weeks, [("lead@example.org", 1, 2)]);
}
