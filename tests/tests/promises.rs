//! Stories for promises the README makes that had no test (issue 10): framing is
//! refused, ratings are append-only below the app, and a one-on-one sent many times at
//! once is stored once.

use rankfile_tests::{all_at_once, stories, TestApp};

stories!(
    no_page_or_answer_can_be_framed,
    ratings_are_append_only_below_the_app,
    a_one_on_one_sent_many_times_at_once_is_stored_once,
    writes_that_read_first_all_succeed_at_once,
);

/// Writes that check before they write (an area's parent, a coworker's area) ran in
/// SQLite transactions that could not wait for another writer: "database is locked".
async fn writes_that_read_first_all_succeed_at_once(app: TestApp) {
    let (lead, campaign) = app.lead_of("lead@example.org", "Mercy").await;
    let id = campaign.to_string();
    let site = lead
        .call_ok("areas/create", &[("campaign_id", &id), ("name", "Site")])
        .await["id"]
        .to_string();
    let writes = (0..40).map(|n| {
        let (lead, id, site) = (lead.clone(), id.clone(), site.clone());
        async move {
            let name = format!("Ward {n}");
            let res = if n % 2 == 0 {
                lead.call(
                    "areas/create",
                    &[("campaign_id", &id), ("name", &name), ("parent_id", &site)],
                )
                .await
            } else {
                lead.call(
                    "coworkers/create",
                    &[("campaign_id", &id), ("name", &name), ("area_id", &site)],
                )
                .await
            };
            res.status()
        }
    });
    let statuses = all_at_once(writes).await;
    assert!(statuses.iter().all(|s| s.is_success()), "{statuses:?}");
    assert_eq!(app.sql_count("SELECT COUNT(*) FROM areas").await, 21);
    assert_eq!(app.sql_count("SELECT COUNT(*) FROM coworkers").await, 20);
    app.stop().await;
}

mod behind_tls {
    use rankfile_tests::{stories, TestApp, PASSWORD};

    stories!(
        settings = &[("RANKFILE_PUBLIC_URL", "https://rankfile.example.org")];
        cookies_are_secure_and_host_prefixed_over_https,
    );

    async fn cookies_are_secure_and_host_prefixed_over_https(app: TestApp) {
        app.create_user("ana@example.org", Some("Riverside")).await;
        let res = app
            .browser()
            .call(
                "auth/sign_in",
                &[("email", "ana@example.org"), ("password", PASSWORD)],
            )
            .await;
        assert!(res.status().is_success(), "{}", res.status());
        let cookies: Vec<String> = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        for name in ["__Host-rf_access=", "__Host-rf_refresh="] {
            let cookie = cookies
                .iter()
                .find(|c| c.starts_with(name))
                .unwrap_or_else(|| panic!("{name} in {cookies:?}"));
            for part in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
                assert!(cookie.contains(part), "{name} lacks {part}: {cookie}");
            }
            assert!(
                !cookie.contains("Domain="),
                "__Host- cookies name no domain"
            );
        }
        assert!(
            !cookies.iter().any(|c| c.starts_with("rf_access=")),
            "no unprefixed cookie over https"
        );
        assert_eq!(
            res.headers()["strict-transport-security"],
            "max-age=63072000; includeSubDomains"
        );
        app.stop().await;
    }
}

async fn no_page_or_answer_can_be_framed(app: TestApp) {
    let (lead, campaign) = app.lead_of("lead@example.org", "Mercy").await;
    for res in [
        lead.get_page("/").await,
        lead.get_page(&format!("/campaigns/{campaign}/chart")).await,
        lead.get_page("/no/such/page").await,
        lead.call("campaigns/list", &[]).await,
        app.get_page("/healthz").await,
    ] {
        let url = res.url().to_string();
        let headers = res.headers();
        assert_eq!(headers["x-frame-options"], "DENY", "{url}");
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{url}: {csp}");
    }
    app.stop().await;
}

async fn ratings_are_append_only_below_the_app(app: TestApp) {
    let (lead, campaign) = app.lead_of("lead@example.org", "Mercy").await;
    let id = campaign.to_string();
    let ana = lead
        .call_ok("coworkers/create", &[("campaign_id", &id), ("name", "Ana")])
        .await["id"]
        .to_string();
    lead.call_ok(
        "ratings/set",
        &[("campaign_id", &id), ("coworker_id", &ana), ("rating", "2")],
    )
    .await;
    for statement in [
        "UPDATE assessments SET rating = 5",
        "DELETE FROM assessments",
    ] {
        let err = app.sql(statement).await.expect_err(statement);
        assert!(
            err.to_string().contains("append-only"),
            "{statement}: the trigger's refusal, not any error: {err}"
        );
    }
    assert_eq!(
        app.sql_count("SELECT COUNT(*) FROM assessments WHERE rating = 2")
            .await,
        1
    );
    app.stop().await;
}

async fn a_one_on_one_sent_many_times_at_once_is_stored_once(app: TestApp) {
    let (lead, campaign) = app.lead_of("lead@example.org", "Mercy").await;
    let id = campaign.to_string();
    let ana = lead
        .call_ok("coworkers/create", &[("campaign_id", &id), ("name", "Ana")])
        .await["id"]
        .to_string();
    // A phone on a bad connection retries the same form: 20 copies arrive together.
    let sends = (0..20).map(|_| {
        let lead = lead.clone();
        let (id, ana) = (id.clone(), ana.clone());
        async move {
            let res = lead
                .call(
                    "conversations/log",
                    &[
                        ("campaign_id", id.as_str()),
                        ("coworker_id", ana.as_str()),
                        ("client_id", "one-log-many-sends-01"),
                        ("rating_after", "1"),
                        ("ask", "Sign the petition"),
                        ("answer", "yes"),
                    ],
                )
                .await;
            let status = res.status();
            let body: serde_json::Value = res.json().await.unwrap_or_default();
            (status, body)
        }
    });
    let answers = all_at_once(sends).await;
    assert!(
        answers.iter().all(|(status, _)| status.is_success()),
        "{answers:?}"
    );
    let stored = answers.iter().filter(|(_, b)| b["stored"] == true).count();
    assert_eq!(stored, 1, "exactly one send stored it: {answers:?}");
    let ids: std::collections::BTreeSet<String> = answers
        .iter()
        .map(|(_, b)| b["conversation_id"].to_string())
        .collect();
    assert_eq!(ids.len(), 1, "every send names the same conversation");
    for (table, expected) in [("conversations", 1), ("assessments", 1), ("commitments", 1)] {
        assert_eq!(
            app.sql_count(&format!("SELECT COUNT(*) FROM {table}"))
                .await,
            expected,
            "{table}"
        );
    }
    assert_eq!(
        app.sql_count("SELECT COUNT(*) FROM audit_events WHERE action = 'conversation.logged'")
            .await,
        1
    );
    app.stop().await;
}
