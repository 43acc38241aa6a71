//! Stories of accounts, sessions and access: what the chart's security rests on.

use app::domain::Role;
use app::store::NewInvite;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rankfile_tests::{stories, Backend, Browser, TestApp, PASSWORD};
use serde_json::Value;
use sqlx::Connection;

stories!(
    forged_expired_and_foreign_tokens_are_refused,
    sign_out_ends_the_session_on_the_server,
    a_removed_member_is_refused_on_the_next_request,
    a_refresh_token_works_once,
    sign_in_is_throttled_and_does_not_enumerate_accounts,
    an_invite_works_once_and_expires,
    weak_passwords_are_refused,
    writes_and_list_reads_are_audited_and_the_log_is_append_only,
    cross_site_writes_are_refused,
    changing_the_password_ends_other_sessions,
    sign_in_is_throttled_per_client_address,
);

/// The `rf_access` / `rf_refresh` values a response set.
fn set_cookie(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| {
            c.strip_prefix(&format!("{name}="))
                .map(|rest| rest.split(';').next().unwrap_or("").to_owned())
        })
}

async fn sign_in_raw(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    app.browser()
        .call("auth/sign_in", &[("email", email), ("password", password)])
        .await
}

/// A request carrying only the given cookies, with no jar.
async fn whoami_with(app: &TestApp, cookie: &str) -> (u16, Value) {
    let res = reqwest::Client::new()
        .post(app.url("/api/campaigns/list"))
        .header("accept", "application/json")
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

fn sign(claims: &Value, alg: jsonwebtoken::Algorithm, secret: &[u8]) -> String {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(alg),
        claims,
        &jsonwebtoken::EncodingKey::from_secret(secret),
    )
    .unwrap()
}

async fn forged_expired_and_foreign_tokens_are_refused(app: TestApp) {
    app.create_user("ana@example.org", Some("Riverside")).await;
    let res = sign_in_raw(&app, "ana@example.org", PASSWORD).await;
    let access = set_cookie(&res, "rf_access").expect("access cookie");
    assert!(set_cookie(&res, "rf_refresh").is_some());

    // The genuine token works.
    assert_eq!(
        whoami_with(&app, &format!("rf_access={access}")).await.0,
        200
    );

    let claims = claims_of(&access);
    let now = chrono::Utc::now().timestamp();
    let mut forged = Vec::new();
    // Signed with another key.
    forged.push((
        "other key",
        sign(&claims, jsonwebtoken::Algorithm::HS256, &[7u8; 64]),
    ));
    // Tampered payload: someone else's user id under the original signature.
    let mut parts: Vec<String> = access.split('.').map(str::to_owned).collect();
    let mut other = claims.clone();
    other["sub"] = Value::from(claims["sub"].as_i64().unwrap() + 1);
    parts[1] = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&other).unwrap());
    forged.push(("tampered", parts.join(".")));
    // alg: none, no signature.
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap());
    forged.push(("alg none", format!("{header}.{body}.")));
    // Expired, with the server's own key.
    let expired = app::auth::tokens::issue_access(
        &app.keys,
        claims["sub"].as_i64().unwrap(),
        claims["sid"].as_str().unwrap(),
        now - 3600,
    )
    .unwrap();
    forged.push(("expired", expired));
    // Wrong audience and issuer are refused even when signed with the right key:
    // craft them through a token of ours re-signed is impossible without the key,
    // so use the key file the server generated.
    let key_file = std::fs::read_to_string(
        std::path::Path::new(&app.database_url.replace("sqlite://", ""))
            .parent()
            .map(|d| d.join("jwt.key"))
            .unwrap_or_default(),
    );
    if let (Backend::Sqlite, Ok(key)) = (app.backend, key_file) {
        let secret = base64::engine::general_purpose::STANDARD
            .decode(key.trim())
            .unwrap();
        let mut aud = claims.clone();
        aud["aud"] = Value::from("someone-else");
        forged.push((
            "wrong audience",
            sign(&aud, jsonwebtoken::Algorithm::HS256, &secret),
        ));
        let mut iss = claims.clone();
        iss["iss"] = Value::from("someone-else");
        forged.push((
            "wrong issuer",
            sign(&iss, jsonwebtoken::Algorithm::HS256, &secret),
        ));
        forged.push((
            "HS512",
            sign(&claims, jsonwebtoken::Algorithm::HS512, &secret),
        ));
        // Control: the same key and claims with HS256 is accepted, so the refusals above
        // are about the field under test.
        let good = sign(&claims, jsonwebtoken::Algorithm::HS256, &secret);
        assert_eq!(whoami_with(&app, &format!("rf_access={good}")).await.0, 200);
    }
    for (what, token) in forged {
        let (status, _) = whoami_with(&app, &format!("rf_access={token}")).await;
        assert_eq!(status, 401, "a token with {what} must be refused");
    }
    app.stop().await;
}

async fn sign_out_ends_the_session_on_the_server(app: TestApp) {
    app.create_user("ana@example.org", Some("Riverside")).await;
    let res = sign_in_raw(&app, "ana@example.org", PASSWORD).await;
    let access = set_cookie(&res, "rf_access").unwrap();
    let cookie = format!("rf_access={access}");
    assert_eq!(whoami_with(&app, &cookie).await.0, 200);
    let res = reqwest::Client::new()
        .post(app.url("/api/auth/sign_out"))
        .header("accept", "application/json")
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success() || res.status().is_redirection());
    // The JWT has not expired, but its session has ended.
    assert_eq!(whoami_with(&app, &cookie).await.0, 401);
    app.stop().await;
}

async fn a_removed_member_is_refused_on_the_next_request(app: TestApp) {
    let (lead, campaign) = app.lead_of("lead@example.org", "Riverside").await;
    let id = campaign.to_string();
    let org = app
        .invite_member(&lead, campaign, "org@example.org", "organizer", "")
        .await;
    assert_eq!(
        org.call("campaigns/get", &[("campaign_id", &id)])
            .await
            .status(),
        200
    );
    assert_eq!(
        org.call("members/list", &[("campaign_id", &id)])
            .await
            .status(),
        403
    );

    let org_id = app.member_id(&lead, campaign, "org@example.org").await;

    // Promoted: the very next request has the new role.
    lead.call_ok(
        "members/update",
        &[("campaign_id", &id), ("user_id", &org_id), ("role", "lead")],
    )
    .await;
    assert_eq!(
        org.call("members/list", &[("campaign_id", &id)])
            .await
            .status(),
        200
    );
    // Demoted again, then removed: refused at once, JWT or not.
    lead.call_ok(
        "members/update",
        &[
            ("campaign_id", &id),
            ("user_id", &org_id),
            ("role", "viewer"),
        ],
    )
    .await;
    assert_eq!(
        org.call("members/list", &[("campaign_id", &id)])
            .await
            .status(),
        403
    );
    lead.call_ok(
        "members/remove",
        &[("campaign_id", &id), ("user_id", &org_id)],
    )
    .await;
    assert_eq!(
        org.call("campaigns/get", &[("campaign_id", &id)])
            .await
            .status(),
        404
    );
    let list = org.call_ok("campaigns/list", &[]).await;
    assert_eq!(list.as_array().unwrap().len(), 0);

    // The last lead cannot be removed or demoted.
    let lead_id = lead.call_ok("auth/me", &[]).await["id"].to_string();
    let res = lead
        .call(
            "members/remove",
            &[("campaign_id", &id), ("user_id", &lead_id)],
        )
        .await;
    assert_eq!(res.status(), 409);
    let res = lead
        .call(
            "members/update",
            &[
                ("campaign_id", &id),
                ("user_id", &lead_id),
                ("role", "viewer"),
            ],
        )
        .await;
    assert_eq!(res.status(), 409);
    app.stop().await;
}

async fn a_refresh_token_works_once(app: TestApp) {
    app.create_user("ana@example.org", Some("Riverside")).await;
    let res = sign_in_raw(&app, "ana@example.org", PASSWORD).await;
    let refresh = set_cookie(&res, "rf_refresh").unwrap();

    // No access token: the refresh token is rotated and the request goes through.
    let res = reqwest::Client::new()
        .post(app.url("/api/campaigns/list"))
        .header("accept", "application/json")
        .header("cookie", format!("rf_refresh={refresh}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let rotated = set_cookie(&res, "rf_refresh").expect("a new refresh token");
    assert_ne!(rotated, refresh);
    assert!(set_cookie(&res, "rf_access").is_some());

    // The old token presented again later (after the grace for parallel requests)
    // is a replay: refused, and the whole session is revoked.
    let old_hash = app::auth::tokens::hash_refresh_token(&refresh);
    let later = chrono::Utc::now() + chrono::Duration::seconds(120);
    let outcome = app
        .store
        .rotate_refresh(&old_hash, "unused", later)
        .await
        .unwrap();
    assert_eq!(outcome, app::store::Rotation::Refused);
    let (status, _) = whoami_with(&app, &format!("rf_refresh={rotated}")).await;
    assert_eq!(status, 401, "the rotated token dies with its session");
    app.stop().await;
}

async fn sign_in_is_throttled_and_does_not_enumerate_accounts(app: TestApp) {
    app.create_user("ana@example.org", None).await;
    let wrong = sign_in_raw(&app, "ana@example.org", "not the password at all").await;
    let unknown = sign_in_raw(&app, "nobody@example.org", "not the password at all").await;
    assert_eq!(wrong.status(), 422);
    assert_eq!(unknown.status(), 422);
    let (wrong, unknown): (Value, Value) =
        (wrong.json().await.unwrap(), unknown.json().await.unwrap());
    assert_eq!(
        wrong, unknown,
        "the same answer for a wrong password and an unknown e-mail"
    );

    for _ in 0..4 {
        sign_in_raw(&app, "ana@example.org", "still the wrong one").await;
    }
    // Five failures: even the right password is refused for a while.
    let res = sign_in_raw(&app, "ana@example.org", PASSWORD).await;
    assert_eq!(res.status(), 429);
    assert!(set_cookie(&res, "rf_access").is_none());
    app.stop().await;
}

async fn an_invite_works_once_and_expires(app: TestApp) {
    let (lead, campaign) = app.lead_of("lead@example.org", "Riverside").await;
    let id = campaign.to_string();
    let link = lead
        .call_ok(
            "members/invite",
            &[("campaign_id", &id), ("role", "viewer")],
        )
        .await;
    let link = link.as_str().unwrap();
    assert!(link.starts_with(&app.address), "{link}");
    let token = link.rsplit('/').next().unwrap();

    let info = app.call_ok("auth/get_invite", &[("token", token)]).await;
    assert_eq!(info["role"], "viewer");
    // A weak password is refused and the invite is not spent.
    let res = app
        .call(
            "auth/accept_invite",
            &[
                ("token", token),
                ("email", "v@example.org"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let viewer = app.browser();
    viewer
        .call_ok(
            "auth/accept_invite",
            &[
                ("token", token),
                ("email", "v@example.org"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(
        viewer
            .call("campaigns/get", &[("campaign_id", &id)])
            .await
            .status(),
        200
    );
    // Once only.
    let res = app
        .call(
            "auth/accept_invite",
            &[
                ("token", token),
                ("email", "w@example.org"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status(), 409);

    // An expired invite is refused.
    let (expired, hash) = app::auth::tokens::new_refresh_token();
    let now = chrono::Utc::now();
    let creator = lead.call_ok("auth/me", &[]).await["id"].as_i64().unwrap();
    app.store
        .create_invite(&NewInvite {
            campaign_id: campaign,
            token_hash: hash,
            role: Role::Lead,
            area_ids: vec![],
            note: String::new(),
            created_by: creator,
            now: now - chrono::Duration::hours(80),
            expires_at: now - chrono::Duration::hours(8),
        })
        .await
        .unwrap();
    assert_eq!(
        app.call("auth/get_invite", &[("token", &expired)])
            .await
            .status(),
        409
    );
    let res = app
        .call(
            "auth/accept_invite",
            &[
                ("token", &expired),
                ("email", "x@example.org"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status(), 409);
    app.stop().await;
}

async fn weak_passwords_are_refused(app: TestApp) {
    for weak in ["short", "password1234", "ana@example.org"] {
        let err = server::users::create_user(app.store.as_ref(), "ana@example.org", weak, None)
            .await
            .unwrap_err();
        assert!(err.to_string().starts_with("password:"), "{weak}: {err}");
    }
    app.stop().await;
}

async fn writes_and_list_reads_are_audited_and_the_log_is_append_only(app: TestApp) {
    let (lead, campaign) = app.lead_of("lead@example.org", "Riverside").await;
    let id = campaign.to_string();
    let created = lead
        .call_ok("campaigns/create", &[("name", "Second")])
        .await;
    lead.call_ok("members/list", &[("campaign_id", &id)]).await;
    lead.call_ok(
        "members/invite",
        &[("campaign_id", &id), ("role", "viewer")],
    )
    .await;
    let log = lead.call_ok("audit/list", &[("campaign_id", &id)]).await["entries"].clone();
    let actions: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for expected in [
        "members.list_read",
        "member.invited",
        "member.lead_added_by_cli",
    ] {
        assert!(
            actions.contains(&expected),
            "{expected} missing from {actions:?}"
        );
    }
    assert!(log
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["actor"] == "lead@example.org" || e["actor"].is_null()));
    let second = created["id"].to_string();
    let log = lead
        .call_ok("audit/list", &[("campaign_id", &second)])
        .await["entries"]
        .clone();
    assert!(log
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "campaign.created"));

    // Below the app: the database itself refuses to change or delete audit rows.
    let (update, delete) = (
        "UPDATE audit_events SET action = 'x'",
        "DELETE FROM audit_events",
    );
    match app.backend {
        Backend::Sqlite => {
            let mut db = sqlx::SqliteConnection::connect(&app.database_url)
                .await
                .unwrap();
            assert!(sqlx::query(update).execute(&mut db).await.is_err());
            assert!(sqlx::query(delete).execute(&mut db).await.is_err());
        }
        Backend::Postgres => {
            let mut db = sqlx::PgConnection::connect(&app.database_url)
                .await
                .unwrap();
            assert!(sqlx::query(update).execute(&mut db).await.is_err());
            assert!(sqlx::query(delete).execute(&mut db).await.is_err());
        }
    }
    app.stop().await;
}

async fn cross_site_writes_are_refused(app: TestApp) {
    let (lead, _) = app.lead_of("lead@example.org", "Riverside").await;
    let attempt = |origin: Option<&'static str>, site: Option<&'static str>, b: &Browser| {
        let mut req = b
            .client
            .post(b.url("/api/campaigns/create"))
            .header("accept", "application/json")
            .form(&[("name", "Planted by another site")]);
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        if let Some(s) = site {
            req = req.header("sec-fetch-site", s);
        }
        req.send()
    };
    assert_eq!(
        attempt(Some("https://evil.example"), None, &lead)
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        attempt(None, Some("cross-site"), &lead)
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        attempt(Some("null"), Some("same-site"), &lead)
            .await
            .unwrap()
            .status(),
        403
    );
    let list = lead.call_ok("campaigns/list", &[]).await;
    assert_eq!(list.as_array().unwrap().len(), 1, "nothing was created");
    // The app's own origin is fine.
    let own: &'static str = Box::leak(app.address.clone().into_boxed_str());
    assert_eq!(
        attempt(Some(own), Some("same-origin"), &lead)
            .await
            .unwrap()
            .status(),
        200
    );
    app.stop().await;
}

async fn changing_the_password_ends_other_sessions(app: TestApp) {
    app.create_user("ana@example.org", Some("Riverside")).await;
    let phone = app.browser();
    phone.sign_in("ana@example.org", PASSWORD).await;
    let laptop = app.browser();
    laptop.sign_in("ana@example.org", PASSWORD).await;

    let new = "a brand new passphrase";
    let res = laptop
        .call(
            "auth/change_password",
            &[("current", "wrong"), ("new_password", new)],
        )
        .await;
    assert_eq!(res.status(), 422);
    let res = laptop
        .call(
            "auth/change_password",
            &[("current", PASSWORD), ("new_password", "short")],
        )
        .await;
    assert_eq!(res.status(), 422);
    laptop
        .call_ok(
            "auth/change_password",
            &[("current", PASSWORD), ("new_password", new)],
        )
        .await;

    // The laptop carries on; the phone (maybe lost) is signed out.
    assert_eq!(laptop.call("campaigns/list", &[]).await.status(), 200);
    assert_eq!(phone.call("campaigns/list", &[]).await.status(), 401);
    assert_eq!(
        sign_in_raw(&app, "ana@example.org", PASSWORD)
            .await
            .status(),
        422
    );
    let again = app.browser();
    again.sign_in("ana@example.org", new).await;

    // Sign out everywhere ends every session, this one included.
    again.call_ok("auth/sign_out_everywhere", &[]).await;
    assert_eq!(again.call("campaigns/list", &[]).await.status(), 401);
    assert_eq!(laptop.call("campaigns/list", &[]).await.status(), 401);
    app.stop().await;
}

async fn sign_in_is_throttled_per_client_address(app: TestApp) {
    app.create_user("ana@example.org", None).await;
    // Twenty failures spread over many e-mails (none reaches the per-account limit)...
    for n in 0..20 {
        let res = sign_in_raw(&app, &format!("guess{n}@example.org"), "not the password").await;
        assert_eq!(res.status(), 422, "attempt {n}");
    }
    // ...and the address is held back, even for an account it never tried.
    let res = sign_in_raw(&app, "ana@example.org", PASSWORD).await;
    assert_eq!(res.status(), 429);
    assert!(set_cookie(&res, "rf_access").is_none());
    app.stop().await;
}
