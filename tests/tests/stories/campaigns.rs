//! Story: a lead starts a campaign and sees it listed; bad names change nothing.

use app::api::campaigns::{CreateCampaign, GetCampaign, ListCampaigns};
use rankfile_tests::calls::with_form;
use rankfile_tests::{area, calls, coworker, names, stories, TestApp, PASSWORD};
use serde_json::Value;

stories!(
    a_campaign_is_created_and_listed,
    bad_names_are_refused_and_nothing_is_written,
    the_page_works_without_javascript,
    health_and_headers,
    every_campaign_page_loads_once_in_its_layout,
);

async fn campaign_names(browser: &rankfile_tests::Browser) -> Vec<String> {
    names(&browser.call_fn_ok(ListCampaigns {}).await)
}

fn create(name: &str) -> CreateCampaign {
    CreateCampaign { name: name.into() }
}

async fn a_campaign_is_created_and_listed(app: TestApp) {
    app.create_user("ana@example.org", None).await;
    let ana = app.browser();
    ana.sign_in("ana@example.org", PASSWORD).await;
    assert!(campaign_names(&ana).await.is_empty());
    let res = ana.call_fn(create("  Riverside Warehouse  ")).await;
    assert_eq!(res.status(), 200);
    let created: Value = res.json().await.unwrap();
    assert_eq!(created["name"], "Riverside Warehouse");
    assert_eq!(
        campaign_names(&ana).await,
        vec!["Riverside Warehouse".to_owned()]
    );

    // The server-rendered page shows it without any JavaScript.
    let (status, html) = ana.get_html("/").await;
    assert_eq!(status, 200);
    assert!(html.contains("Riverside Warehouse"), "{html}");

    // Nobody else sees it.
    app.create_user("ben@example.org", None).await;
    let ben = app.browser();
    ben.sign_in("ben@example.org", PASSWORD).await;
    assert!(campaign_names(&ben).await.is_empty());
    let get = GetCampaign {
        campaign_id: created["id"].as_i64().expect("the campaign's id"),
    };
    assert_eq!(ben.call_fn(get).await.status(), 404);
    app.stop().await;
}

async fn bad_names_are_refused_and_nothing_is_written(app: TestApp) {
    app.create_user("ana@example.org", None).await;
    let ana = app.browser();
    ana.sign_in("ana@example.org", PASSWORD).await;
    let too_long = "x".repeat(201);
    for (name, expected) in [
        ("", "Give the campaign a name."),
        ("    ", "Give the campaign a name."),
        (too_long.as_str(), "at most 200 characters"),
    ] {
        let res = ana.call_fn(create(name)).await;
        assert_eq!(res.status(), 422, "name {name:?}");
        let err: Value = res.json().await.unwrap();
        let message = err["Validation"]["message"].as_str().unwrap_or_default();
        assert_eq!(err["Validation"]["field"], "name");
        assert!(message.contains(expected), "{err}");
    }
    // A missing field is a clear error too, not a crash (raw: no field at all).
    let res = ana.call("campaigns/create", &[]).await;
    assert_eq!(res.status(), 422);
    assert!(
        campaign_names(&ana).await.is_empty(),
        "nothing may be written"
    );
    app.stop().await;
}

async fn the_page_works_without_javascript(app: TestApp) {
    app.create_user("ana@example.org", None).await;
    let ana = app.browser();
    // Signing in with a plain form post redirects to the campaigns page.
    let res = ana
        .post_form_fn("/login", calls::sign_in("ana@example.org", PASSWORD))
        .await;
    assert_eq!(res.status(), 302);
    assert_eq!(res.headers()["location"], "/");

    // A plain form post comes back to the page it came from...
    let res = ana.post_form_fn("/", create("Eastside Tenants")).await;
    assert_eq!(res.status(), 302);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, "/");
    let (_, html) = ana.get_html(&location).await;
    assert!(html.contains("Eastside Tenants"));

    // ...and a refused one is that page again, with the message next to the field.
    let res = ana.post_form_fn("/", create(" ")).await;
    assert_eq!(res.status(), 422);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let html = res.text().await.unwrap();
    let field_error = html
        .split("id=\"campaign-name-error\"")
        .nth(1)
        .expect("the field's error element");
    assert!(
        field_error[..200.min(field_error.len())].contains("Give the campaign a name."),
        "{field_error}"
    );
    assert_eq!(
        campaign_names(&ana).await,
        vec!["Eastside Tenants".to_owned()]
    );

    // A return path pointing off-site is ignored.
    let res = ana.post_form_fn("//evil.example/x", create("Y")).await;
    assert_eq!(res.headers()["location"], "/");
    app.stop().await;
}

async fn health_and_headers(app: TestApp) {
    let res = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers().contains_key("x-request-id"));
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(res.headers()["referrer-policy"], "no-referrer");

    // Pages need a signed-in user: the anonymous visitor is sent to sign in.
    let res = app.get_page("/").await;
    assert_eq!(res.status(), 302);
    assert_eq!(res.headers()["location"], "/login");

    let res = app.get_page("/login").await;
    assert_eq!(res.status(), 200);
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("'nonce-"), "{csp}");
    let html = res.text().await.unwrap();
    // The inline hydration script carries the same nonce the policy names.
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap();
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "{html}");
    assert!(
        html.contains("navigator.serviceWorker.register(\"/sw.js\").catch("),
        "{html}"
    );

    let (status, html) = app.get_html("/no/such/page").await;
    assert_eq!(status, 404);
    assert!(html.contains("Page not found"));

    // The service worker: from our origin, revalidated on every check, allowed only our
    // origin, named after the build (pages register it, above).
    let served = &app;
    let script = |path: &'static str| async move {
        let res = served.client.get(served.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        assert_eq!(
            res.headers()["content-type"],
            "text/javascript; charset=utf-8"
        );
        assert_eq!(res.headers()["cache-control"], "no-cache");
        assert_eq!(
            res.headers()["content-security-policy"],
            "default-src 'self'"
        );
        res.text().await.unwrap()
    };
    let worker = script("/sw.js").await;
    assert!(worker.starts_with("const VERSION = \""), "{worker}");
    assert!(worker.contains("caches.open(PAGES)"), "{worker}");
    assert!(worker.contains("indexedDB.open(OUTBOX_DB"), "the outbox");

    // The outbox's page script, loaded by every page, served alike; the outbox page
    // holds no data of the server's (its list is read from the phone).
    assert!(
        html.contains("<script type=\"module\" src=\"/outbox.js\"></script>"),
        "{html}"
    );
    assert!(script("/outbox.js").await.contains("waiting to send"));
    let (lead, _) = app.lead_of("lead@example.org", "Mercy").await;
    let (status, outbox) = lead.get_html("/outbox").await;
    assert_eq!(status, 200);
    assert!(outbox.contains("id=\"outbox-items\""), "{outbox}");
    app.stop().await;
}

/// Every page under `/campaigns/:id` sits in one layout that loads the campaign once; a
/// page is built once per request (the debug build's `x-page-builds` header: it was 2,
/// the layout's `Suspense` walked its outlet twice), asks for what it shows once, and a
/// visit is one audit row.
async fn every_campaign_page_loads_once_in_its_layout(app: TestApp) {
    let (lead, id) = app.lead_of("lead@example.org", "Mercy").await;
    let icu = area(&lead, id, "ICU").await;
    let ana = coworker(&lead, id, "Ana Reyes", icu).await;
    for (page, heading) in [
        ("".to_owned(), "<h1>Mercy</h1>"),
        ("/chart".to_owned(), "<h1>Chart</h1>"),
        ("/coworkers".to_owned(), "<h1>Coworkers</h1>"),
        (format!("/coworkers/{ana}"), "Ana Reyes"),
        (format!("/coworkers/{ana}/log"), "One-on-one with"),
        ("/map".to_owned(), "<h1>Workplace map</h1>"),
        ("/my".to_owned(), "<h1>My list</h1>"),
        ("/coverage".to_owned(), "<h1>Coverage</h1>"),
        ("/members".to_owned(), "<h1>Members</h1>"),
        ("/audit".to_owned(), "<h1>Audit log</h1>"),
        ("/import".to_owned(), "<h1>Import the employer"),
        ("/heat".to_owned(), "<h1>Heat map</h1>"),
        ("/tests".to_owned(), "<h1>Structure tests</h1>"),
        ("/votes".to_owned(), "<h1>Strike vote planning</h1>"),
    ] {
        let res = lead.get_page(&format!("/campaigns/{id}{page}")).await;
        assert_eq!(res.status(), 200, "{page}");
        let builds = res
            .headers()
            .get("x-page-builds")
            .map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(
            builds.as_deref(),
            Some("1"),
            "{page}: page builds in one request"
        );
        let html = res.text().await.unwrap();
        assert!(html.contains(heading), "{page}: {html}");
        // A page answers once its reads (and their audit rows) are done: nothing of
        // this visit is still being written after it.
        let written = app.sql_count("SELECT COUNT(*) FROM audit_events").await;
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
        assert_eq!(
            app.sql_count("SELECT COUNT(*) FROM audit_events").await,
            written,
            "{page}: an audit row arrived after the page"
        );
    }

    // A lead's visit to a coworker is one audit row (it was five: the record, the
    // history, the ties, the coworker list for suggestions and the members list).
    let count = "SELECT COUNT(*) FROM audit_events";
    let before = app.sql_count(count).await;
    let (status, _) = lead
        .get_html(&format!("/campaigns/{id}/coworkers/{ana}"))
        .await;
    assert_eq!(status, 200);
    let written = app.sql_count(count).await - before;
    if written != 1 {
        let log = lead.call_fn_ok(calls::audit_log(id)).await;
        panic!(
            "{written} rows for one visit: {:?}",
            &log["entries"].as_array().unwrap()[..3]
        );
    }
    let reads = lead.audit_entries(id, "coworker.read").await;
    assert_eq!(reads[0]["record"], format!("coworker:{ana}"));

    // A refused plain post comes back to the page with its error beside the field.
    let page = format!("/campaigns/{id}/coworkers/{ana}");
    let bad_phone = with_form(calls::update_coworker(id, ana, "Ana Reyes"), |f| {
        f.phone = "call me maybe".into();
    });
    let res = lead.post_form_fn(&page, bad_phone).await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    let field_error = html
        .split("id=\"cw-phone-error\"")
        .nth(1)
        .expect("the field's error element");
    assert!(
        field_error[..200.min(field_error.len())].contains("does not look like a phone number"),
        "{field_error}"
    );
    assert!(!html.contains("Saved."));

    // Not a member: "Not found", and the page's own load is refused: nothing read.
    let (stranger, _) = app.lead_of("stranger@example.org", "Elsewhere").await;
    let before = app.sql_count(count).await;
    let (status, html) = stranger.get_html(&format!("/campaigns/{id}/chart")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Not found"), "{html}");
    assert!(!html.contains("Ana Reyes"));
    assert_eq!(
        app.sql_count(count).await,
        before,
        "nothing read, nothing audited"
    );
    // Signed out: sent to sign in. Not a page: the app's 404.
    let res = app.get_page(&format!("/campaigns/{id}/chart")).await;
    assert_eq!(res.status(), 302);
    assert_eq!(res.headers()["location"], "/login");
    let (status, html) = lead
        .get_html(&format!("/campaigns/{id}/no-such-page"))
        .await;
    assert_eq!(status, 404);
    assert!(html.contains("Page not found"));
    app.stop().await;
}
