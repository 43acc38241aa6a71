//! Story: a lead starts a campaign and sees it listed; bad names change nothing.

use rankfile_tests::{stories, TestApp};
use serde_json::Value;

stories!(
    a_campaign_is_created_and_listed,
    bad_names_are_refused_and_nothing_is_written,
    the_page_works_without_javascript,
    health_and_headers,
);

async fn list(app: &TestApp) -> Vec<String> {
    let res = app.call("campaigns/list", &[]).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    body.as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn a_campaign_is_created_and_listed(app: TestApp) {
    assert!(list(&app).await.is_empty());
    let res = app
        .call("campaigns/create", &[("name", "  Riverside Warehouse  ")])
        .await;
    assert_eq!(res.status(), 200);
    let created: Value = res.json().await.unwrap();
    assert_eq!(created["name"], "Riverside Warehouse");
    assert_eq!(list(&app).await, vec!["Riverside Warehouse".to_owned()]);

    // The server-rendered page shows it without any JavaScript.
    let (status, html) = app.get_html("/").await;
    assert_eq!(status, 200);
    assert!(html.contains("Riverside Warehouse"), "{html}");
    app.stop().await;
}

async fn bad_names_are_refused_and_nothing_is_written(app: TestApp) {
    let too_long = "x".repeat(201);
    for (name, expected) in [
        ("", "Give the campaign a name."),
        ("    ", "Give the campaign a name."),
        (too_long.as_str(), "at most 200 characters"),
    ] {
        let res = app.call("campaigns/create", &[("name", name)]).await;
        assert_eq!(res.status(), 422, "name {name:?}");
        let err: Value = res.json().await.unwrap();
        let message = err["Validation"]["message"].as_str().unwrap_or_default();
        assert_eq!(err["Validation"]["field"], "name");
        assert!(message.contains(expected), "{err}");
    }
    // A missing field is a clear error too, not a crash.
    let res = app.call("campaigns/create", &[]).await;
    assert_eq!(res.status(), 422);
    assert!(list(&app).await.is_empty(), "nothing may be written");
    app.stop().await;
}

async fn the_page_works_without_javascript(app: TestApp) {
    // A plain form post redirects back to the page it came from...
    let res = app
        .post_form("campaigns/create", "/", &[("name", "Eastside Tenants")])
        .await;
    assert_eq!(res.status(), 302);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with(&app.address), "{location}");
    let (_, html) = app
        .get_html(location.trim_start_matches(&app.address))
        .await;
    assert!(html.contains("Eastside Tenants"));

    // ...and a refused one comes back with the message next to the field.
    let res = app
        .post_form("campaigns/create", "/", &[("name", " ")])
        .await;
    assert_eq!(res.status(), 302);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.contains("__err="), "{location}");
    let (status, html) = app
        .get_html(location.trim_start_matches(&app.address))
        .await;
    assert_eq!(status, 200);
    let field_error = html
        .split("id=\"campaign-name-error\"")
        .nth(1)
        .expect("the field's error element");
    assert!(
        field_error[..200.min(field_error.len())].contains("Give the campaign a name."),
        "{field_error}"
    );
    assert_eq!(list(&app).await, vec!["Eastside Tenants".to_owned()]);
    app.stop().await;
}

async fn health_and_headers(app: TestApp) {
    let res = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers().contains_key("x-request-id"));
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");

    let res = app.client.get(app.url("/")).send().await.unwrap();
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
