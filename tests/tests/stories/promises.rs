//! Stories for promises the README makes that had no test (issue 10): framing is
//! refused, ratings are append-only below the app, a one-on-one sent many times at
//! once is stored once, `/healthz` tells a load balancer when the database is gone,
//! and two instances on one database share every session and its end.

use app::api::campaigns::GetCampaign;
use app::api::map::CreateArea;
use rankfile_tests::calls::with_form;
use rankfile_tests::{all_at_once, area, calls, id_of, stories, Backend, TestApp};
use sqlx::{Connection, Executor};

stories!(
    healthz_answers_503_while_the_database_is_down,
    no_page_or_answer_can_be_framed,
    ratings_are_append_only_below_the_app,
    a_one_on_one_sent_many_times_at_once_is_stored_once,
    writes_that_read_first_all_succeed_at_once,
);

async fn healthz(app: &TestApp) -> u16 {
    app.get_page("/healthz").await.status().as_u16()
}

/// Takes the app's database away, below the app, until [`database_back`]. PostgreSQL:
/// this database refuses connections and its open ones are ended (the server, shared
/// with other stories, stays up). SQLite: its folder moves away, as when the volume it
/// lives on is gone; the server's open handles still read the moved file, so only a
/// check of the file where it was opened can see it.
async fn database_gone(app: &TestApp) {
    match app.backend {
        Backend::Sqlite => std::fs::rename(app.data_dir(), away(app)).expect("move it away"),
        Backend::Postgres => {
            let db = pg_name(app);
            let mut admin = pg_admin().await;
            admin
                .execute(
                    format!(
                        "ALTER DATABASE \"{db}\" WITH ALLOW_CONNECTIONS false; \
                         SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                         WHERE datname = '{db}' AND pid <> pg_backend_pid()"
                    )
                    .as_str(),
                )
                .await
                .expect("refuse connections");
            let open = format!("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = '{db}'");
            let started = std::time::Instant::now();
            while sqlx::query_scalar::<_, i64>(&open)
                .fetch_one(&mut admin)
                .await
                .expect("sessions")
                > 0
            {
                assert!(started.elapsed().as_secs() < 5, "its sessions did not end");
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
        }
    }
}

async fn database_back(app: &TestApp) {
    match app.backend {
        Backend::Sqlite => std::fs::rename(away(app), app.data_dir()).expect("move it back"),
        Backend::Postgres => {
            let mut admin = pg_admin().await;
            admin
                .execute(
                    format!(
                        "ALTER DATABASE \"{}\" WITH ALLOW_CONNECTIONS true",
                        pg_name(app)
                    )
                    .as_str(),
                )
                .await
                .expect("accept connections");
        }
    }
}

async fn pg_admin() -> sqlx::PgConnection {
    sqlx::PgConnection::connect(&rankfile_tests::pg_admin_url())
        .await
        .expect("admin connection")
}

fn away(app: &TestApp) -> std::path::PathBuf {
    app.data_dir().with_extension("away")
}

fn pg_name(app: &TestApp) -> String {
    app.database_url
        .rsplit('/')
        .next()
        .expect("a database name")
        .to_owned()
}

async fn healthz_answers_503_while_the_database_is_down(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Mercy").await;
    assert_eq!(healthz(&app).await, 200);
    database_gone(&app).await;
    let during = [healthz(&app).await, healthz(&app).await];
    database_back(&app).await;
    let after = healthz(&app).await;
    assert_eq!(during, [503, 503], "while the database is gone");
    assert_eq!(after, 200, "once it answers again");
    // And the app itself carries on: the same session, the same data.
    let got = lead.call_fn_ok(GetCampaign { campaign_id }).await;
    assert_eq!(got["name"], "Mercy");
    app.stop().await;
}

/// Writes that check before they write (an area's parent, a coworker's area) ran in
/// SQLite transactions that could not wait for another writer: "database is locked".
async fn writes_that_read_first_all_succeed_at_once(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Mercy").await;
    let site = area(&lead, campaign_id, "Site").await;
    let writes = (0..40).map(|n| {
        let lead = lead.clone();
        async move {
            let name = format!("Ward {n}");
            let res = if n % 2 == 0 {
                lead.call_fn(CreateArea {
                    parent_id: site.to_string(),
                    ..calls::create_area(campaign_id, &name)
                })
                .await
            } else {
                lead.call_fn(calls::create_coworker(campaign_id, &name, Some(site)))
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

/// Two instances on one database, as behind a load balancer: they share the signing
/// secret and nothing else but the database.
mod two_instances {
    use app::api::auth::{SignOut, SignOutEverywhere};
    use app::api::campaigns::{GetCampaign, ListCampaigns};
    use app::api::members::RemoveMember;
    use rankfile_tests::{stories, Browser, TestApp, PASSWORD};
    use serde::Serialize;
    use server_fn::ServerFn;

    stories!(
        settings = &[("RANKFILE_JWT_SECRET", "two instances share this secret, 48 chars long")];
        a_session_and_its_end_hold_on_every_instance,
    );

    /// Signs in on `app` by hand: the cookies as a `Cookie` header, and the refresh
    /// cookie alone.
    async fn sign_in(app: &TestApp, email: &str) -> (String, String) {
        let res = rankfile_tests::factor::sign_in_response(&app.browser(), email, PASSWORD).await;
        assert_eq!(res.status(), 200);
        let cookies: Vec<String> = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|c| c.to_str().unwrap().split(';').next().unwrap().to_owned())
            .collect();
        let refresh = cookies
            .iter()
            .find(|c| c.starts_with("rf_refresh="))
            .expect("a refresh cookie")
            .clone();
        (cookies.join("; "), refresh)
    }

    /// A server function called with exactly these cookies (no jar that sign-out clears).
    async fn call_with<F: ServerFn + Serialize>(app: &TestApp, cookies: &str, args: F) -> u16 {
        app.call_fn_with_cookies(args, cookies)
            .await
            .status()
            .as_u16()
    }

    /// A session (its cookies, and its refresh cookie alone) is refused on `app`.
    async fn ended_on(app: &TestApp, (cookies, refresh): &(String, String), why: &str) {
        assert_eq!(
            call_with(app, cookies, ListCampaigns {}).await,
            401,
            "{why}"
        );
        assert_eq!(
            call_with(app, refresh, ListCampaigns {}).await,
            401,
            "{why} (refresh token)"
        );
    }

    async fn a_session_and_its_end_hold_on_every_instance(a: TestApp) {
        let b = a.second_instance().await;
        let (lead, campaign_id) = a.lead_of("lead@example.org", "Mercy").await;
        let get = GetCampaign { campaign_id };

        // A session made on A is good on B as it is: B checks A's access token itself
        // (with another key it would fall back on the refresh token, rotating it on every
        // hop between instances).
        let res = lead.on(&b).call_fn(get.clone()).await;
        assert_eq!(res.status(), 200);
        assert!(
            res.headers().get("set-cookie").is_none(),
            "B took A's access token without a new session cookie"
        );
        let got: serde_json::Value = res.json().await.expect("JSON");
        assert_eq!(got["name"], "Mercy");

        // Signing out on B ends the session on A at its very next request.
        let phone = sign_in(&a, "lead@example.org").await;
        assert_eq!(call_with(&a, &phone.0, ListCampaigns {}).await, 200);
        assert_eq!(call_with(&b, &phone.0, SignOut {}).await, 200);
        ended_on(&a, &phone, "signed out on B, refused on A").await;

        // Signing out everywhere on B ends every session made on A.
        let laptop = sign_in(&a, "lead@example.org").await;
        let tablet = sign_in(&a, "lead@example.org").await;
        assert_eq!(call_with(&a, &laptop.0, ListCampaigns {}).await, 200);
        assert_eq!(call_with(&b, &tablet.0, SignOutEverywhere {}).await, 200);
        let everywhere = "signed out everywhere on B, refused on A";
        ended_on(&a, &laptop, everywhere).await;
        assert_eq!(
            lead.call_fn(ListCampaigns {}).await.status(),
            401,
            "{everywhere} (the first session)"
        );

        // Removing a member on A ends their access on B at once.
        let lead = a.browser();
        lead.sign_in("lead@example.org", PASSWORD).await;
        let org: Browser = a
            .invite_member(&lead, campaign_id, "org@example.org", "organizer", "")
            .await
            .on(&b);
        assert_eq!(org.call_fn(get.clone()).await.status(), 200);
        let org_id = a.member_id(&lead, campaign_id, "org@example.org").await;
        lead.call_fn_ok(RemoveMember {
            campaign_id,
            user_id: org_id,
        })
        .await;
        assert_eq!(
            org.call_fn(get).await.status(),
            404,
            "removed on A, refused on B"
        );
        let listed = org.call_fn_ok(ListCampaigns {}).await;
        assert_eq!(listed.as_array().map(Vec::len), Some(0), "{listed}");
        b.stop().await;
        a.stop().await;
    }
}

mod behind_tls {
    use rankfile_tests::{calls, stories, TestApp, PASSWORD};

    stories!(
        settings = &[("RANKFILE_PUBLIC_URL", "https://rankfile.example.org")];
        cookies_are_secure_and_host_prefixed_over_https,
    );

    async fn cookies_are_secure_and_host_prefixed_over_https(app: TestApp) {
        app.create_user("ana@example.org", Some("Riverside")).await;
        let res = app
            .browser()
            .call_fn(calls::sign_in("ana@example.org", PASSWORD))
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
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Mercy").await;
    for res in [
        lead.get_page("/").await,
        lead.get_page(&format!("/campaigns/{campaign_id}/chart"))
            .await,
        lead.get_page("/no/such/page").await,
        lead.call_fn(app::api::campaigns::ListCampaigns {}).await,
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
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Mercy").await;
    let new_ana = calls::create_coworker(campaign_id, "Ana", None);
    let ana = id_of(&lead.call_fn_ok(new_ana).await);
    lead.call_fn_ok(calls::set_rating(campaign_id, ana, "2"))
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
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Mercy").await;
    let new_ana = calls::create_coworker(campaign_id, "Ana", None);
    let ana = id_of(&lead.call_fn_ok(new_ana).await);
    // A phone on a bad connection retries the same form: 20 copies arrive together.
    let sends = (0..20).map(|_| {
        let lead = lead.clone();
        let log = with_form(
            calls::log_conversation(campaign_id, ana, "one-log-many-sends-01"),
            |f| {
                f.rating_after = "1".into();
                f.ask = "Sign the petition".into();
                f.answer = "yes".into();
            },
        );
        async move {
            let res = lead.call_fn(log).await;
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
