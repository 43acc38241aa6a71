//! Stories of signing in: the throttle under a burst, client addresses behind a reverse
//! proxy, lockouts a lead can see, and where sign-in sends the browser afterwards.
//!
//! The server trusts 127.0.0.1 as a reverse proxy here; browsers that connect from
//! 127.0.0.2 are ordinary, untrusted peers.

use app::api::auth::{ChangePassword, CreateAccount, SignIn};
use app::api::campaigns::ListCampaigns;
use rankfile_tests::{all_at_once, calls, stories, Browser, TestApp, PASSWORD};

stories!(
    settings = &[("RANKFILE_TRUSTED_PROXIES", "127.0.0.1")];
    a_burst_of_wrong_passwords_gets_at_most_five_checks,
    forwarded_for_from_an_untrusted_peer_is_ignored,
    forwarded_addresses_are_throttled_apart_and_lockouts_are_shown_to_leads,
    sign_in_sends_the_browser_only_to_this_site,
    lockouts_of_the_same_address_grow_longer,
    new_accounts_count_against_the_address,
    old_attempts_and_ended_lockouts_are_forgotten,
);

/// Signs in as the hydrated app does, from a fresh browser, as `forwarded_for` (via the proxy).
async fn sign_in_as(
    browser: &Browser,
    forwarded_for: Option<&str>,
    email: &str,
    password: &str,
) -> reqwest::Response {
    let mut req = browser.request_fn(calls::sign_in(email, password));
    if let Some(xff) = forwarded_for {
        req = req.header("x-forwarded-for", xff);
    }
    req.send().await.expect("request failed")
}

async fn a_burst_of_wrong_passwords_gets_at_most_five_checks(app: TestApp) {
    app.create_user("ana@example.org", Some("Riverside")).await;
    let before = app.hasher.verifications();
    let browser = app.browser();
    let burst = (0..300).map(|_| {
        let browser = browser.clone();
        async move {
            sign_in_as(&browser, None, "ana@example.org", "a wrong password, again")
                .await
                .status()
                .as_u16()
        }
    });
    let statuses = all_at_once(burst).await;
    let checked = app.hasher.verifications() - before;
    let wrong = statuses.iter().filter(|s| **s == 422).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(wrong + refused, 300, "{statuses:?}");
    assert!(checked <= 5, "{checked} passwords were checked");
    assert!(wrong <= 5, "{wrong} wrong passwords were answered");
    // Refused attempts leave room for what the limit allows, and no more: after the
    // burst, wrong passwords one by one are checked until five in all, then refused.
    for _ in 0..10 {
        let res = sign_in_as(&browser, None, "ana@example.org", "a wrong password, again").await;
        if res.status() == 429 {
            break;
        }
        assert_eq!(res.status(), 422);
    }
    assert_eq!(app.hasher.verifications() - before, 5);
    // Locked: the right password is refused too, without a check.
    let res = sign_in_as(&browser, None, "ana@example.org", PASSWORD).await;
    assert_eq!(res.status(), 429);
    assert_eq!(app.hasher.verifications() - before, 5);
    app.stop().await;
}

async fn forwarded_for_from_an_untrusted_peer_is_ignored(app: TestApp) {
    app.create_user("ana@example.org", None).await;
    // From 127.0.0.2, which is not a trusted proxy: every claimed address is ignored,
    // so these five failures all count against 127.0.0.2.
    let outsider = app.browser_from("127.0.0.2");
    for n in 0..5 {
        let spoofed = format!("198.51.100.{n}");
        let res = sign_in_as(
            &outsider,
            Some(&spoofed),
            "ana@example.org",
            "wrong password!",
        )
        .await;
        assert_eq!(res.status(), 422, "attempt {n}");
    }
    let res = sign_in_as(&outsider, Some("203.0.113.77"), "ana@example.org", PASSWORD).await;
    assert_eq!(
        res.status(),
        429,
        "a new X-Forwarded-For must not reset the count"
    );
    app.stop().await;
}

async fn forwarded_addresses_are_throttled_apart_and_lockouts_are_shown_to_leads(app: TestApp) {
    let (_, campaign) = app.lead_of("lead@example.org", "Riverside").await;
    // Through the trusted proxy (127.0.0.1): the forwarded address is the client.
    let attacker = "203.0.113.5";
    for n in 0..5 {
        let res = sign_in_as(
            &app.browser(),
            Some(attacker),
            "lead@example.org",
            "guess!guess!",
        )
        .await;
        assert_eq!(res.status(), 422, "attempt {n}");
    }
    let res = sign_in_as(&app.browser(), Some(attacker), "lead@example.org", PASSWORD).await;
    assert_eq!(res.status(), 429, "the attacker's address is locked out");
    // The same address behind a second proxy hop is the same client.
    let res = sign_in_as(
        &app.browser(),
        Some(&format!("10.0.0.9, {attacker}, 127.0.0.1")),
        "lead@example.org",
        PASSWORD,
    )
    .await;
    assert_eq!(res.status(), 429);
    // The lead, from home, still gets in.
    let home = app.browser();
    let res = sign_in_as(&home, Some("198.51.100.7"), "lead@example.org", PASSWORD).await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    // (A lead: the code from their phone, then the campaign.)
    rankfile_tests::factor::second_step(&home, "lead@example.org").await;
    // And sees who was guessing, and for how long that address is locked.
    let locked = home.audit_entries(campaign, "auth.locked_out").await;
    assert_eq!(locked.len(), 1, "{locked:?}");
    assert_eq!(locked[0]["record"], "email:lead@example.org");
    let detail = locked[0]["detail"].as_str().unwrap();
    assert!(
        detail.contains(attacker) && detail.contains("15 min"),
        "{detail}"
    );
    app.stop().await;
}

async fn sign_in_sends_the_browser_only_to_this_site(app: TestApp) {
    app.create_user("ana@example.org", Some("Riverside")).await;
    for next in [
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\nSet-Cookie: planted=1",
        "//evil.example",
        "/\\evil.example",
        "https://evil.example/",
        "/\u{85}/evil.example",
    ] {
        // As a browser without JavaScript posts the sign-in form.
        let browser = app.browser();
        let res = browser.post_form_fn("/login", sign_in_to(next)).await;
        assert!(res.status().is_redirection(), "{next:?}: {}", res.status());
        // Not `next`: where Ana, a lead without a second factor yet, goes with no
        // `next` at all (setting it up).
        let location = res.headers()["location"].to_str().unwrap();
        assert!(
            location == "/account?setup=required#second-factor",
            "{next:?}: {location}"
        );
        // The session works.
        assert_eq!(
            browser.call_fn(ListCampaigns {}).await.status(),
            200,
            "{next:?}"
        );
    }
    // A path on the site is kept.
    let browser = app.browser();
    let res = browser
        .post_form_fn("/login", sign_in_to("/invite/abc"))
        .await;
    assert_eq!(res.headers()["location"], "/invite/abc");
    // A form's `__return` goes through the same check.
    let change = ChangePassword {
        current: "wrong".into(),
        new_password: "short".into(),
    };
    let res = browser.post_form_fn("/\t/evil.example", change).await;
    // Refused, the answer is a page of this site (rendered here, no redirect), or a
    // redirect to a path on it.
    if let Some(location) = res.headers().get("location") {
        let location = location.to_str().unwrap();
        assert!(
            location.starts_with('/') && !location.starts_with("//") && !location.contains("evil"),
            "{location}"
        );
    } else {
        assert!(res.status().is_client_error(), "{}", res.status());
        let html = res.text().await.unwrap();
        assert!(!html.contains("evil.example"), "{html}");
    }
    app.stop().await;
}

/// Ana's sign-in, sent on to `next` afterwards.
fn sign_in_to(next: &str) -> SignIn {
    SignIn {
        next: next.into(),
        ..calls::sign_in("ana@example.org", PASSWORD)
    }
}

async fn lockouts_of_the_same_address_grow_longer(app: TestApp) {
    let (lead, campaign) = app.lead_of("lead@example.org", "Riverside").await;
    // This address was locked out of this account two hours ago.
    let now = chrono::Utc::now();
    app.store
        .add_lockout(
            "lead@example.org",
            "203.0.113.5",
            now - chrono::Duration::hours(2),
            now - chrono::Duration::minutes(105),
        )
        .await
        .unwrap();
    for _ in 0..5 {
        let res = sign_in_as(
            &app.browser(),
            Some("203.0.113.5"),
            "lead@example.org",
            "guess!guess!",
        )
        .await;
        assert_eq!(res.status(), 422);
    }
    let locked = lead.audit_entries(campaign, "auth.locked_out").await;
    let detail = locked[0]["detail"].as_str().unwrap();
    assert!(
        detail.contains("30 min"),
        "the second lockout doubles: {detail}"
    );
    app.stop().await;
}

async fn new_accounts_count_against_the_address(app: TestApp) {
    let (lead, campaign) = app.lead_of("lead@example.org", "Riverside").await;
    let (_, token) = lead.new_invite(campaign, "viewer", "").await;
    let create = |n: usize| {
        let (browser, token) = (app.browser(), token.clone());
        async move {
            let email = format!("new{n}@example.org");
            let account = CreateAccount {
                token,
                email,
                password: PASSWORD.into(),
            };
            browser.call_fn(account).await.status().as_u16()
        }
    };
    let limit = app::auth::throttle::MAX_NEW_ACCOUNTS_PER_ADDRESS as usize;
    for n in 0..limit {
        let status = create(n).await;
        assert!(
            status == 200 || status == 302 || status == 303,
            "account {n}: {status}"
        );
    }
    assert_eq!(
        create(limit).await,
        429,
        "the address has made enough accounts for now"
    );
    let created = lead.audit_entries(campaign, "auth.account_created").await;
    assert_eq!(created.len(), limit);
    // Counted apart from guesses: everyone at that address can still sign in.
    let res = app
        .browser()
        .call_fn(calls::sign_in("new3@example.org", PASSWORD))
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    app.stop().await;
}

async fn old_attempts_and_ended_lockouts_are_forgotten(app: TestApp) {
    // Two wrong passwords today, and history from long ago.
    for _ in 0..2 {
        let res = app
            .browser()
            .call_fn(calls::sign_in("someone@example.org", "wrong password here"))
            .await;
        assert_eq!(res.status(), 422);
    }
    app.sql(
        "INSERT INTO auth_attempts (kind, email, client_ip, outcome, at) \
         VALUES ('sign_in', 'old@example.org', '10.0.0.1', 'failed', '2020-01-01T00:00:00+00:00'); \
         INSERT INTO auth_lockouts (email, client_ip, at, locked_until) \
         VALUES ('old@example.org', '10.0.0.1', '2020-01-01T00:00:00+00:00', '2020-01-01T00:15:00+00:00'); \
         INSERT INTO auth_lockouts (email, client_ip, at, locked_until) \
         VALUES ('long@example.org', '10.0.0.2', '2020-01-01T00:00:00+00:00', '2999-01-01T00:00:00+00:00')",
    )
    .await
    .expect("old history");
    let now = chrono::Utc::now();
    let deleted = app
        .store
        .prune_auth_history(now - chrono::TimeDelta::hours(24), now)
        .await
        .expect("prune");
    assert_eq!(deleted, 2, "the old attempt and the ended lockout");
    assert_eq!(
        app.sql_count("SELECT COUNT(*) FROM auth_attempts").await,
        2,
        "today's attempts stay"
    );
    assert_eq!(
        app.sql_count("SELECT COUNT(*) FROM auth_lockouts").await,
        1,
        "a lockout still running stays, however old"
    );
    app.stop().await;
}
