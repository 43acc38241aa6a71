//! Stories of accounts, sessions and access: what the chart's security rests on.

use app::api::auth::{
    ChangePassword, CreateAccount, GetInvite, JoinInvite, SignOut, SignOutEverywhere, Whoami,
};
use app::api::campaigns::{CreateCampaign, GetCampaign, ListCampaigns};
use app::api::members::{ListInvites, ListMembers, RemoveMember, RevokeInvite};
use app::domain::Role;
use app::store::NewInvite;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rankfile_tests::{
    actions, all_at_once, calls, len, on_database, set_cookie, stories, Browser, TestApp, PASSWORD,
};
use serde_json::Value;

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
    creating_an_account_from_an_invite_never_signs_in_and_answers_alike,
    one_invite_makes_one_membership_however_often_it_is_accepted_at_once,
    a_member_using_an_invite_keeps_their_role_and_the_invite,
    a_lead_revokes_an_open_invite,
    a_new_invite_link_is_shown_once_and_never_put_in_a_url,
    a_wrong_current_password_is_throttled_and_audited,
);

async fn sign_in_raw(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    app.browser().call_fn(calls::sign_in(email, password)).await
}

/// A request carrying only the given cookies, with no jar.
async fn whoami_with(app: &TestApp, cookie: &str) -> (u16, Value) {
    let res = app.call_fn_with_cookies(ListCampaigns {}, cookie).await;
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// The signed-in user's id.
async fn my_id(who: &Browser) -> i64 {
    who.call_fn_ok(Whoami {}).await["id"]
        .as_i64()
        .expect("a user id")
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
    // so use the key file the server generated (in its data folder, on both backends;
    // a missing key fails the story instead of skipping these cases).
    let key = std::fs::read_to_string(app.data_dir().join("jwt.key")).expect("the server's key");
    {
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
    // Signing in and out both clear what the browser kept for the site (the service
    // worker's pages): a shared phone keeps nothing of one member for the next.
    assert_eq!(res.headers()["clear-site-data"], "\"storage\"");
    let access = set_cookie(&res, "rf_access").unwrap();
    let cookie = format!("rf_access={access}");
    assert_eq!(whoami_with(&app, &cookie).await.0, 200);
    let res = app.call_fn_with_cookies(SignOut {}, &cookie).await;
    assert!(res.status().is_success() || res.status().is_redirection());
    assert_eq!(res.headers()["clear-site-data"], "\"storage\"");
    // The JWT has not expired, but its session has ended.
    assert_eq!(whoami_with(&app, &cookie).await.0, 401);
    app.stop().await;
}

async fn a_removed_member_is_refused_on_the_next_request(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Riverside").await;
    let org = app
        .invite_member(&lead, campaign_id, "org@example.org", "organizer", "")
        .await;
    let get = GetCampaign { campaign_id };
    let members = ListMembers { campaign_id };
    assert_eq!(org.status_fn(get.clone()).await, 200);
    assert_eq!(org.status_fn(members.clone()).await, 403);

    let org_id = app.member_id(&lead, campaign_id, "org@example.org").await;

    // Promoted: the very next request has the new role, which needs a second factor:
    // refused until they set it up, then let in.
    lead.call_fn_ok(calls::update_member(campaign_id, org_id, "lead", ""))
        .await;
    let refused = org.call_fn(members.clone()).await;
    assert_eq!(refused.status(), 403);
    assert!(refused
        .text()
        .await
        .unwrap()
        .contains("SecondFactorRequired"));
    rankfile_tests::factor::enroll(&org, "org@example.org").await;
    assert_eq!(org.status_fn(members.clone()).await, 200);
    // Demoted again, then removed: refused at once, JWT or not.
    lead.call_fn_ok(calls::update_member(campaign_id, org_id, "viewer", ""))
        .await;
    assert_eq!(org.status_fn(members.clone()).await, 403);
    let remove = |user_id: i64| RemoveMember {
        campaign_id,
        user_id,
    };
    lead.call_fn_ok(remove(org_id)).await;
    assert_eq!(org.status_fn(get).await, 404);
    assert_eq!(len(&org.call_fn_ok(ListCampaigns {}).await), 0);

    // The last lead cannot be removed or demoted.
    let lead_id = my_id(&lead).await;
    assert_eq!(lead.status_fn(remove(lead_id)).await, 409);
    let demote = calls::update_member(campaign_id, lead_id, "viewer", "");
    assert_eq!(lead.status_fn(demote).await, 409);
    app.stop().await;
}

async fn a_refresh_token_works_once(app: TestApp) {
    app.create_user("ana@example.org", Some("Riverside")).await;
    let res = sign_in_raw(&app, "ana@example.org", PASSWORD).await;
    let refresh = set_cookie(&res, "rf_refresh").unwrap();
    let with_refresh = |token: String| {
        let app = &app;
        async move {
            app.call_fn_with_cookies(ListCampaigns {}, &format!("rf_refresh={token}"))
                .await
        }
    };

    // No access token: the refresh token is rotated and the request goes through.
    let res = with_refresh(refresh.clone()).await;
    assert_eq!(res.status(), 200);
    let rotated = set_cookie(&res, "rf_refresh").expect("a new refresh token");
    assert_ne!(rotated, refresh);
    assert!(set_cookie(&res, "rf_access").is_some());

    // Within the grace for a browser's parallel requests, the spent token still lets
    // its request through, without a second rotation, and the session lives on.
    let res = with_refresh(refresh.clone()).await;
    assert_eq!(res.status(), 200, "a parallel request within the grace");
    assert!(
        set_cookie(&res, "rf_refresh").is_none(),
        "a token is rotated once"
    );
    let res = with_refresh(rotated).await;
    assert_eq!(res.status(), 200, "the rotated token goes on");
    let latest = set_cookie(&res, "rf_refresh").expect("and is rotated in its turn");

    // After the grace, the spent token is a replay: refused, and the whole session is
    // revoked, its newest token with it.
    app.sql("UPDATE spent_refresh_tokens SET spent_at = '2020-01-01T00:00:00+00:00'")
        .await
        .unwrap();
    assert_eq!(with_refresh(refresh).await.status(), 401, "a replay");
    assert_eq!(
        with_refresh(latest).await.status(),
        401,
        "the newest token dies with its session"
    );
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
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Riverside").await;
    let (link, token) = lead.new_invite(campaign_id, "viewer", "").await;
    assert!(link.starts_with(&app.address), "{link}");
    let get_invite = |token: &str| GetInvite {
        token: token.into(),
    };
    let join = |token: &str| JoinInvite {
        token: token.into(),
    };
    let account = |token: &str, email: &str, password: &str| CreateAccount {
        token: token.into(),
        email: email.into(),
        password: password.into(),
    };
    let get = GetCampaign { campaign_id };
    let token = token.as_str();

    let info = app.call_fn_ok(get_invite(token)).await;
    assert_eq!(info["role"], "viewer");
    // Not signed in, the page offers to sign in (and come back) or to create an account.
    let (status, html) = app.get_html(&format!("/invite/{token}")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains(&format!("href=\"/login?next=/invite/{token}\"")),
        "{html}"
    );
    assert!(html.contains("Create your account"), "{html}");
    // A weak password is refused and nothing is created.
    let res = app.call_fn(account(token, "v@example.org", "short")).await;
    assert_eq!(res.status(), 422);
    // Creating the account does not join: the viewer signs in, then joins.
    let viewer = app.browser();
    viewer
        .call_fn_ok(account(token, "v@example.org", PASSWORD))
        .await;
    assert_eq!(viewer.status_fn(ListCampaigns {}).await, 401);
    viewer.sign_in("v@example.org", PASSWORD).await;
    assert_eq!(
        viewer.status_fn(get.clone()).await,
        404,
        "an account is not a member until it joins"
    );
    // Signed in, the page offers one button; without JavaScript it posts and lands on
    // the campaign.
    let (_, html) = viewer.get_html(&format!("/invite/{token}")).await;
    assert!(html.contains("Join Riverside as viewer"), "{html}");
    assert!(!html.contains("Create your account"), "{html}");
    let res = viewer
        .post_form_fn(&format!("/invite/{token}"), join(token))
        .await;
    assert!(res.status().is_redirection(), "{}", res.status());
    assert_eq!(
        res.headers()["location"].to_str().unwrap(),
        format!("/campaigns/{campaign_id}")
    );
    assert_eq!(viewer.status_fn(get).await, 200);
    // Once only.
    app.create_user("w@example.org", None).await;
    let other = app.browser();
    other.sign_in("w@example.org", PASSWORD).await;
    assert_eq!(other.status_fn(join(token)).await, 409);
    assert_eq!(app.status_fn(get_invite(token)).await, 409);

    // An expired invite is refused everywhere.
    let (expired, hash) = app::auth::tokens::new_refresh_token();
    let now = chrono::Utc::now();
    let creator = my_id(&lead).await;
    app.store
        .create_invite(
            &NewInvite {
                campaign: app.store.campaign_key(campaign_id),
                token_hash: hash,
                role: Role::Lead,
                area_ids: vec![],
                note: String::new(),
                created_by: creator,
                now: now - chrono::Duration::hours(80),
                expires_at: now - chrono::Duration::hours(8),
                reveal: None,
            },
            &app::store::AuditEvent::default(),
        )
        .await
        .unwrap();
    assert_eq!(app.status_fn(get_invite(&expired)).await, 409);
    let res = app
        .call_fn(account(&expired, "x@example.org", PASSWORD))
        .await;
    assert_eq!(res.status(), 409);
    assert_eq!(other.status_fn(join(&expired)).await, 409);
    app.stop().await;
}

/// Everything a stranger can see of an answer, cookies apart (there must be none).
async fn answer(res: reqwest::Response) -> (u16, Option<String>, String) {
    assert!(
        res.headers().get("set-cookie").is_none(),
        "creating an account must not set cookies"
    );
    let status = res.status().as_u16();
    let location = res
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, location, res.text().await.unwrap())
}

async fn creating_an_account_from_an_invite_never_signs_in_and_answers_alike(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Riverside").await;
    app.create_user("ana@example.org", None).await;
    let (_, token) = lead.new_invite(campaign_id, "lead", "").await;
    let token = token.as_str();
    let create = |email: &'static str, password: &'static str, plain: bool| {
        let browser = app.browser();
        let args = CreateAccount {
            token: token.to_owned(),
            email: email.into(),
            password: password.into(),
        };
        async move {
            let res = if plain {
                let back = format!("/invite/{}", args.token);
                browser.post_form_fn(&back, args).await
            } else {
                browser.call_fn(args).await
            };
            let seen = answer(res).await;
            // Not signed in, whatever was sent.
            assert_eq!(browser.call_fn_ok(Whoami {}).await, Value::Null, "{email}");
            seen
        }
    };
    for plain in [false, true] {
        let wrong = create("ana@example.org", "a wrong but long password", plain).await;
        let right = create("ana@example.org", PASSWORD, plain).await;
        let fresh = if plain {
            create("new-plain@example.org", PASSWORD, plain).await
        } else {
            create("new-json@example.org", PASSWORD, plain).await
        };
        assert_eq!(wrong, fresh, "known and unknown e-mails answer alike");
        assert_eq!(right, fresh, "known and unknown e-mails answer alike");
        let location = fresh.1.expect("a redirect to sign in");
        assert_eq!(location, format!("/login?next=/invite/{token}"));
    }
    // Nobody joined and the invite is unspent.
    let members = lead.call_fn_ok(ListMembers { campaign_id }).await;
    assert_eq!(len(&members), 1, "{members}");
    app.call_fn_ok(GetInvite {
        token: token.into(),
    })
    .await;
    // Ana's password is unchanged; the new account works.
    app.browser().sign_in("ana@example.org", PASSWORD).await;
    app.browser()
        .sign_in("new-json@example.org", PASSWORD)
        .await;
    // The login page says what to do next.
    let (_, html) = app.get_html(&format!("/login?next=/invite/{token}")).await;
    assert!(html.contains("Now sign in to join"), "{html}");
    app.stop().await;
}

async fn one_invite_makes_one_membership_however_often_it_is_accepted_at_once(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Riverside").await;
    let members = || async { len(&lead.call_fn_ok(ListMembers { campaign_id }).await) };
    // Each browser's status for accepting `token`, all at once.
    let join_all = |browsers: Vec<Browser>, token: String| {
        all_at_once(browsers.into_iter().map(move |b| {
            let token = token.clone();
            async move { b.status_fn(JoinInvite { token }).await }
        }))
    };
    // Twenty people, one link, all at once.
    let mut people = Vec::new();
    for n in 0..20 {
        let email = format!("p{n}@example.org");
        app.create_user(&email, None).await;
        let browser = app.browser();
        browser.sign_in(&email, PASSWORD).await;
        people.push(browser);
    }
    let (_, token) = lead.new_invite(campaign_id, "organizer", "").await;
    let statuses = join_all(people, token).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 409),
        "{statuses:?}"
    );
    assert_eq!(members().await, 2);

    // One person, one link, twenty times at once.
    let (_, token) = lead.new_invite(campaign_id, "viewer", "").await;
    app.create_user("solo@example.org", None).await;
    let solo = app.browser();
    solo.sign_in("solo@example.org", PASSWORD).await;
    let statuses = join_all(vec![solo; 20], token).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(members().await, 3);
    let joined = lead.audit_entries(campaign_id, "member.joined").await;
    assert_eq!(joined.len(), 2, "one member.joined row per membership");
    app.stop().await;
}

async fn a_member_using_an_invite_keeps_their_role_and_the_invite(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Riverside").await;
    let (_, token) = lead.new_invite(campaign_id, "viewer", "").await;
    let res = lead
        .call_fn(JoinInvite {
            token: token.clone(),
        })
        .await;
    assert_eq!(res.status(), 409);
    let body = res.text().await.unwrap();
    assert!(body.contains("already a member"), "{body}");
    // Still the lead, and the invite still works for someone else.
    let list = lead.call_fn_ok(ListMembers { campaign_id }).await;
    assert_eq!(list[0]["role"], "lead");
    app.call_fn_ok(GetInvite { token }).await;
    app.stop().await;
}

async fn a_lead_revokes_an_open_invite(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Riverside").await;
    let (_, token) = lead.new_invite(campaign_id, "organizer", "").await;
    let open_invites = || lead.call_fn_ok(ListInvites { campaign_id });
    let open = open_invites().await;
    let open = open.as_array().unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0]["role"], "organizer");
    let revoke = RevokeInvite {
        campaign_id,
        invite_id: open[0]["id"].as_i64().unwrap(),
    };
    // Without JavaScript: the form posts and comes back to the members page.
    let back = format!("/campaigns/{campaign_id}/members");
    let res = lead.post_form_fn(&back, revoke.clone()).await;
    assert!(res.status().is_redirection(), "{}", res.status());
    assert_eq!(res.headers()["location"].to_str().unwrap(), back);
    assert_eq!(len(&open_invites().await), 0);
    // The link now answers as an expired one.
    let get_invite = GetInvite {
        token: token.clone(),
    };
    assert_eq!(app.status_fn(get_invite).await, 409);
    app.create_user("late@example.org", None).await;
    let late = app.browser();
    late.sign_in("late@example.org", PASSWORD).await;
    assert_eq!(late.status_fn(JoinInvite { token }).await, 409);
    // Revoking twice is refused, and the revocation is in the audit log.
    let invite_id = revoke.invite_id;
    assert_eq!(lead.status_fn(revoke).await, 409);
    let revoked = lead
        .audit_entries(campaign_id, "member.invite_revoked")
        .await;
    assert_eq!(revoked[0]["record"], format!("invite:{invite_id}"));
    app.stop().await;
}

async fn a_new_invite_link_is_shown_once_and_never_put_in_a_url(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Riverside").await;
    let page = format!("/campaigns/{campaign_id}/members");
    let res = lead
        .post_form_fn(&page, calls::invite(campaign_id, "viewer"))
        .await;
    assert!(res.status().is_redirection(), "{}", res.status());
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let open = lead.call_fn_ok(ListInvites { campaign_id }).await;
    let invite_id = open[0]["id"].as_i64().unwrap();
    assert_eq!(location, format!("{page}?shown={invite_id}"));

    // The page shows the link once...
    let (status, html) = lead.get_html(&location).await;
    assert_eq!(status, 200);
    let start = html.find("/invite/").expect("the link is shown");
    let token: String = html[start + "/invite/".len()..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    assert_eq!(token.len(), 43, "{token}");
    assert!(!location.contains(&token));
    let info = app
        .call_fn_ok(GetInvite {
            token: token.clone(),
        })
        .await;
    assert_eq!(info["role"], "viewer");
    // ...and never again.
    let (_, again) = lead.get_html(&location).await;
    assert!(!again.contains(&token), "shown twice");
    let shown = lead.audit_entries(campaign_id, "member.invite_shown").await;
    assert_eq!(shown.len(), 1);
    assert!(!again.contains("data-testid=\"invite-link\""));
    app.stop().await;
}

async fn a_wrong_current_password_is_throttled_and_audited(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Riverside").await;
    for _ in 0..5 {
        let change = change_password("not my password at all", "a brand new passphrase");
        assert_eq!(lead.status_fn(change).await, 422);
    }
    // The sixth guess is refused before any check, even the right password.
    let change = change_password(PASSWORD, "a brand new passphrase");
    assert_eq!(lead.status_fn(change).await, 429);
    let locked = lead.audit_entries(campaign_id, "auth.locked_out").await;
    assert_eq!(
        locked[0]["record"], "email:lead@example.org",
        "the lockout is in the campaign's audit log"
    );
    // Refused means unchanged: the password is the one it was.
    let stored = app.store.password_hash(my_id(&lead).await).await.unwrap();
    assert!(
        app.hasher
            .verify(PASSWORD, Some(stored.as_str()))
            .await
            .unwrap(),
        "the password was not changed"
    );
    app.stop().await;
}

fn change_password(current: &str, new_password: &str) -> ChangePassword {
    ChangePassword {
        current: current.into(),
        new_password: new_password.into(),
    }
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
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Riverside").await;
    let created = lead
        .call_fn_ok(CreateCampaign {
            name: "Second".into(),
        })
        .await;
    lead.call_fn_ok(ListMembers { campaign_id }).await;
    lead.call_fn_ok(calls::invite(campaign_id, "viewer")).await;
    let page = lead.call_fn_ok(calls::audit_log(campaign_id)).await;
    let seen = actions(&page);
    for expected in [
        "members.list_read",
        "member.invited",
        "member.lead_added_by_cli",
    ] {
        assert!(
            seen.iter().any(|a| a == expected),
            "{expected} missing from {seen:?}"
        );
    }
    assert!(page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["actor"] == "lead@example.org" || e["actor"].is_null()));
    let second = created["id"].as_i64().expect("the new campaign's id");
    let page = lead.call_fn_ok(calls::audit_log(second)).await;
    assert!(actions(&page).iter().any(|a| a == "campaign.created"));

    // Below the app: the database itself refuses to change or delete audit rows.
    for statement in [
        "UPDATE audit_events SET action = 'x'",
        "DELETE FROM audit_events",
    ] {
        let err = on_database!(app.backend, &app.database_url, |db| sqlx::query(statement)
            .execute(&mut db)
            .await
            .unwrap_err());
        assert!(
            err.to_string().contains("append-only"),
            "{statement}: {err}"
        );
    }
    app.stop().await;
}

async fn cross_site_writes_are_refused(app: TestApp) {
    let (lead, _) = app.lead_of("lead@example.org", "Riverside").await;
    // Raw: the point is the Origin and Sec-Fetch-Site headers a browser would send.
    let attempt = |origin: Option<&'static str>, site: Option<&'static str>, b: &Browser| {
        let mut req = b
            .client
            .post(b.url(<CreateCampaign as server_fn::ServerFn>::PATH))
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
    for (origin, site) in [
        (Some("https://evil.example"), None),
        (None, Some("cross-site")),
        (Some("null"), Some("same-site")),
    ] {
        let res = attempt(origin, site, &lead).await.unwrap();
        assert_eq!(res.status(), 403, "{origin:?} {site:?}");
    }
    assert_eq!(
        len(&lead.call_fn_ok(ListCampaigns {}).await),
        1,
        "nothing was created"
    );
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
    assert_eq!(laptop.status_fn(change_password("wrong", new)).await, 422);
    let short = change_password(PASSWORD, "short");
    assert_eq!(laptop.status_fn(short).await, 422);
    laptop.call_fn_ok(change_password(PASSWORD, new)).await;

    // The laptop carries on; the phone (maybe lost) is signed out.
    assert_eq!(laptop.status_fn(ListCampaigns {}).await, 200);
    assert_eq!(phone.status_fn(ListCampaigns {}).await, 401);
    assert_eq!(
        sign_in_raw(&app, "ana@example.org", PASSWORD)
            .await
            .status(),
        422
    );
    let again = app.browser();
    again.sign_in("ana@example.org", new).await;

    // Sign out everywhere ends every session, this one included.
    again.call_fn_ok(SignOutEverywhere {}).await;
    assert_eq!(again.status_fn(ListCampaigns {}).await, 401);
    assert_eq!(laptop.status_fn(ListCampaigns {}).await, 401);
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
