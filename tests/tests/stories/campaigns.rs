//! Story: a lead starts a campaign and sees it listed; bad names change nothing.

use app::api::campaigns::{CreateCampaign, GetCampaign, ListCampaigns};
use rankfile_tests::{calls, names, stories, TestApp, PASSWORD};
use serde_json::Value;

stories!(
    a_campaign_is_created_and_listed,
    bad_names_are_refused_and_nothing_is_written,
    the_page_works_without_javascript,
    health_and_headers,
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

    // ...and a refused one comes back with the message next to the field.
    let res = ana.post_form_fn("/", create(" ")).await;
    assert_eq!(res.status(), 302);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with("/?") && location.contains("__err="),
        "{location}"
    );
    let (status, html) = ana.get_html(&location).await;
    assert_eq!(status, 200);
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

    let (status, html) = app.get_html("/no/such/page").await;
    assert_eq!(status, 404);
    assert!(html.contains("Page not found"));
    app.stop().await;
}
