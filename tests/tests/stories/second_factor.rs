//! Stories of the second factor: a lead cannot reach the chart with a password alone;
//! setting it up from the account page; the code step of signing in; a code accepted
//! once (and a race with one winner); recovery codes; a lead's reset of another member's
//! factor; wrong codes counted with wrong passwords; and the sessions a member can see
//! and end.

use app::api::auth::{SecondStep, SecondStepState, SignOut};
use app::api::coworkers::ListCoworkers;
use app::api::members::ResetSecondFactor;
use app::api::organizing::UpdateSettings;
use app::api::security::{
    BeginSecondFactor, ConfirmSecondFactor, EndOtherSessions, EndSession, SecurityPage,
    TurnOffSecondFactor,
};
use app::auth::second_factor::code_for_step;
use app::domain::organizing::SettingsForm;
use rankfile_tests::factor::{self, enroll, next_code};
use rankfile_tests::set_cookie;
use rankfile_tests::{all_at_once, calls, stories, TestApp, PASSWORD};
use serde_json::Value;

stories!(
    a_lead_cannot_reach_the_chart_with_a_password_alone,
    a_code_is_accepted_once_and_a_race_has_one_winner,
    recovery_codes_sign_in_once_each_and_say_how_many_are_left,
    a_lead_resets_a_members_second_factor_and_their_sessions_end,
    wrong_codes_count_with_wrong_passwords,
    an_expired_or_forged_second_step_starts_sign_in_again,
    members_see_their_sessions_and_end_them,
    turning_the_factor_off_needs_a_code_and_closes_the_campaign_to_a_lead,
    a_campaign_can_require_the_second_factor_of_organizers,
    the_operator_resets_the_only_leads_factor_on_the_command_line,
);

const LEAD: &str = "lead@example.org";

/// The campaign id of the one campaign `email` was made lead of on the command line.
async fn campaign_of(app: &TestApp, name: &str) -> i64 {
    app.sql_count(&format!("SELECT id FROM campaigns WHERE name = '{name}'"))
        .await
}

/// The code form, posted with `code`.
fn code_form(code: impl Into<String>) -> SecondStep {
    SecondStep {
        code: code.into(),
        next: String::new(),
    }
}

/// Whether a refusal is the second-factor one.
async fn second_factor_refusal(res: reqwest::Response) -> bool {
    res.status() == 403
        && res
            .text()
            .await
            .unwrap_or_default()
            .contains("SecondFactorRequired")
}

async fn account_rows(app: &TestApp, action: &str) -> i64 {
    app.sql_count(&format!(
        "SELECT COUNT(*) FROM audit_events WHERE action = '{action}'"
    ))
    .await
}

async fn a_lead_cannot_reach_the_chart_with_a_password_alone(app: TestApp) {
    app.create_user(LEAD, Some("Riverside")).await;
    let campaign_id = campaign_of(&app, "Riverside").await;
    let chart = ListCoworkers { campaign_id };

    // A password alone: a session, sent to set up the factor; the chart is closed.
    let lead = app.browser();
    let res = lead
        .post_form_fn("/login", calls::sign_in(LEAD, PASSWORD))
        .await;
    assert_eq!(
        res.headers()["location"],
        "/account?setup=required#second-factor"
    );
    assert!(second_factor_refusal(lead.call_fn(chart.clone()).await).await);
    let (status, page) = lead
        .get_html(&format!("/campaigns/{campaign_id}/coworkers"))
        .await;
    assert!(page.contains("second-factor-needed"), "{status}: {page}");
    let (_, account) = lead.get_html("/account?setup=required").await;
    assert!(account.contains("second-factor-required"));

    // Set up: the key and ten recovery codes are shown until the first code.
    lead.call_fn_ok(BeginSecondFactor {}).await;
    let page = lead.call_fn_ok(SecurityPage {}).await;
    let pending = &page["factor"]["Pending"];
    let shown_key = pending["secret_text"].as_str().unwrap().replace(' ', "");
    assert_eq!(shown_key.len(), 32);
    assert_eq!(pending["recovery_codes"].as_array().unwrap().len(), 10);
    assert!(pending["qr_svg"].as_str().unwrap().starts_with("<svg"));
    assert!(pending["otpauth_url"]
        .as_str()
        .unwrap()
        .starts_with("otpauth://totp/rankfile:lead%40example.org?"));
    // The page draws the QR code itself: no third-party address in it.
    let (_, html) = lead.get_html("/account").await;
    assert!(html.contains("<svg role=\"img\""), "the QR code is inline");
    // Stored sealed: the database does not hold the key in clear.
    assert_eq!(
        app.sql_count(&format!(
            "SELECT COUNT(*) FROM second_factors WHERE secret_box LIKE '%{}%'",
            &shown_key[..8]
        ))
        .await,
        0
    );
    // A wrong code, a code of the wrong shape: clear errors, still pending.
    for bad in ["000000", "12a456", "1234567"] {
        let res = lead.call_fn(ConfirmSecondFactor { code: bad.into() }).await;
        assert_eq!(res.status(), 422, "{bad}");
        let body = res.text().await.unwrap();
        assert_eq!(rankfile_tests::field_of(&body), "code", "{body}");
    }
    assert!(lead.call_fn_ok(SecurityPage {}).await["factor"]["Pending"].is_object());
    // The key cannot come from the client: confirming takes a code and nothing else.
    let forged = lead
        .call(
            "security/confirm",
            &[("code", "123456"), ("secret", "JBSWY3DPEHPK3PXP")],
        )
        .await;
    assert_ne!(forged.status(), 200);

    // Confirmed with the code the app shows: on, and this session reaches the chart.
    factor::lose_phone(&lead, LEAD);
    let secret = app::auth::second_factor::secret_from_text(&shown_key).unwrap();
    let step = chrono::Utc::now().timestamp() as u64 / 30;
    let code = code_for_step(&secret, step).unwrap();
    lead.call_fn_ok(ConfirmSecondFactor { code: code.clone() })
        .await;
    assert_eq!(lead.status_fn(chart.clone()).await, 200);
    let page = lead.call_fn_ok(SecurityPage {}).await;
    assert_eq!(page["factor"]["On"]["recovery_codes_left"], 10);
    assert!(
        !page.to_string().contains(&shown_key[..8]),
        "never shown again"
    );
    // On the account, and in the log of the campaign they lead, for its other leads.
    assert_eq!(account_rows(&app, "auth.second_factor_on").await, 2);
    assert_eq!(
        lead.audit_entries(campaign_id, "auth.second_factor_on")
            .await
            .len(),
        1
    );

    // Signing in again: the password earns the code form only, for five minutes.
    lead.call_fn(SignOut {}).await;
    let res = lead.call_fn(calls::sign_in(LEAD, PASSWORD)).await;
    assert_eq!(res.status(), 200);
    let step_cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("rf_step="))
        .expect("the second-step cookie");
    assert!(step_cookie.contains("HttpOnly") && step_cookie.contains("Max-Age=300"));
    assert!(set_cookie(&res, "rf_access").is_none(), "no session yet");
    assert_eq!(res.json::<Value>().await.unwrap(), "CodeNeeded");
    assert_eq!(lead.status_fn(chart.clone()).await, 401);
    assert_eq!(lead.call_fn_ok(SecondStepState {}).await, true);
    // Without JavaScript: the code page.
    let res = lead
        .post_form_fn("/login", calls::sign_in(LEAD, PASSWORD))
        .await;
    assert_eq!(res.headers()["location"], "/login/code");
    let (_, html) = lead.get_html("/login/code").await;
    assert!(html.contains("login-code"), "{html}");
    // The code the app shows next.
    let next = code_for_step(&secret, step + 1).unwrap();
    let res = lead.post_form_fn("/login/code", code_form(next)).await;
    assert!(res.status().is_redirection(), "{}", res.status());
    assert_eq!(
        res.headers()["location"],
        format!("/campaigns/{campaign_id}")
    );
    assert!(set_cookie(&res, "rf_access").is_some());
    assert_eq!(set_cookie(&res, "rf_step").as_deref(), Some(""));
    assert_eq!(lead.status_fn(chart).await, 200);
    app.stop().await;
}

async fn a_code_is_accepted_once_and_a_race_has_one_winner(app: TestApp) {
    let (_lead, campaign_id) = app.lead_of(LEAD, "Riverside").await;
    let chart = ListCoworkers { campaign_id };
    // Two browsers past the password, one code typed into both at once.
    let (a, b) = (app.browser(), app.browser());
    for browser in [&a, &b] {
        assert_eq!(
            browser.call_fn_ok(calls::sign_in(LEAD, PASSWORD)).await,
            "CodeNeeded"
        );
    }
    let code = next_code(&a, LEAD).await.unwrap();
    let statuses = all_at_once([a.clone(), b.clone()].map(|browser| {
        let code = code.clone();
        async move { browser.call_fn(code_form(code)).await.status().as_u16() }
    }))
    .await;
    let mut sorted = statuses.clone();
    sorted.sort();
    assert_eq!(sorted, [200, 422], "one wins: {statuses:?}");
    let (winner, loser) = if statuses[0] == 200 {
        (&a, &b)
    } else {
        (&b, &a)
    };
    assert_eq!(winner.status_fn(chart.clone()).await, 200);
    assert_eq!(loser.status_fn(chart.clone()).await, 401);
    // The same code again, from a third browser: refused, and said why.
    let c = app.browser();
    c.call_fn_ok(calls::sign_in(LEAD, PASSWORD)).await;
    let res = c.call_fn(code_form(code.clone())).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("already used"));
    // The next code works.
    factor::second_step(&c, LEAD).await;
    assert_eq!(c.status_fn(chart).await, 200);
    app.stop().await;
}

async fn recovery_codes_sign_in_once_each_and_say_how_many_are_left(app: TestApp) {
    app.create_user(LEAD, Some("Riverside")).await;
    let campaign_id = campaign_of(&app, "Riverside").await;
    let lead = app.browser();
    lead.sign_in(LEAD, PASSWORD).await;
    let codes = enroll(&lead, LEAD).await;
    lead.call_fn(SignOut {}).await;

    // The phone is lost: a recovery code, typed in lower case, signs in once.
    let phone_lost = app.browser();
    phone_lost.call_fn_ok(calls::sign_in(LEAD, PASSWORD)).await;
    let res = phone_lost
        .post_form_fn("/login/code", code_form(codes[0].to_lowercase()))
        .await;
    assert_eq!(res.headers()["location"], "/account#second-factor");
    assert_eq!(
        phone_lost.status_fn(ListCoworkers { campaign_id }).await,
        200
    );
    let page = phone_lost.call_fn_ok(SecurityPage {}).await;
    assert_eq!(page["factor"]["On"]["recovery_codes_left"], 9);
    let (_, html) = phone_lost.get_html("/account").await;
    assert!(html.contains("9 recovery codes left"), "{html}");
    assert_eq!(
        app.sql_count(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'auth.recovery_code_used' \
             AND detail = '9 left'"
        )
        .await,
        1
    );
    // Stored as keyed hashes only.
    assert_eq!(
        app.sql_count(&format!(
            "SELECT COUNT(*) FROM recovery_codes WHERE code_hash LIKE '%{}%'",
            codes[1].replace('-', "")
        ))
        .await,
        0
    );
    // Used once: the same code again is refused.
    let again = app.browser();
    again.call_fn_ok(calls::sign_in(LEAD, PASSWORD)).await;
    let res = again.call_fn(code_form(codes[0].clone())).await;
    assert_eq!(res.status(), 422);
    // Another one works.
    let res = again.call_fn(code_form(codes[1].clone())).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        again.call_fn_ok(SecurityPage {}).await["factor"]["On"]["recovery_codes_left"],
        8
    );
    app.stop().await;
}

async fn a_lead_resets_a_members_second_factor_and_their_sessions_end(app: TestApp) {
    let (lead, campaign_id) = app.lead_of(LEAD, "Riverside").await;
    let other = app
        .invite_member(&lead, campaign_id, "second@example.org", "lead", "")
        .await;
    let other_id = app
        .member_id(&lead, campaign_id, "second@example.org")
        .await;
    let chart = ListCoworkers { campaign_id };
    assert_eq!(other.status_fn(chart.clone()).await, 200);
    // A second device of theirs.
    let tablet = app.browser();
    tablet.sign_in("second@example.org", PASSWORD).await;
    assert_eq!(tablet.status_fn(chart.clone()).await, 200);

    // An organizer may not reset anyone's.
    let org = app
        .invite_member(&lead, campaign_id, "org@example.org", "organizer", "")
        .await;
    let reset = ResetSecondFactor {
        campaign_id,
        user_id: other_id,
    };
    assert_eq!(org.status_fn(reset.clone()).await, 403);
    // A lead may not reset their own here (the account page, with a code, does that).
    let me = app.member_id(&lead, campaign_id, LEAD).await;
    let own = ResetSecondFactor {
        campaign_id,
        user_id: me,
    };
    assert_eq!(lead.status_fn(own).await, 409);

    lead.call_fn_ok(reset.clone()).await;
    // Every session of theirs ended at once.
    assert_eq!(other.status_fn(chart.clone()).await, 401);
    assert_eq!(tablet.status_fn(chart.clone()).await, 401);
    let rows = lead
        .audit_entries(campaign_id, "member.second_factor_reset")
        .await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["record"], format!("user:{other_id}"));
    // Nothing left to reset.
    assert_eq!(lead.status_fn(reset).await, 409);

    // Their password alone gets them to the account page, not the campaign, until they
    // set the factor up again.
    factor::lose_phone(&other, "second@example.org");
    let again = app.browser();
    assert_eq!(
        again
            .call_fn_ok(calls::sign_in("second@example.org", PASSWORD))
            .await,
        "Session"
    );
    assert!(second_factor_refusal(again.call_fn(chart.clone()).await).await);
    enroll(&again, "second@example.org").await;
    assert_eq!(again.status_fn(chart).await, 200);
    app.stop().await;
}

async fn wrong_codes_count_with_wrong_passwords(app: TestApp) {
    let (_lead, _) = app.lead_of(LEAD, "Riverside").await;
    let attacker = app.browser();
    // Three wrong passwords, then the right one (stolen): the code form.
    for _ in 0..3 {
        let res = attacker
            .call_fn(calls::sign_in(LEAD, "not the password at all"))
            .await;
        assert_eq!(res.status(), 422);
    }
    assert_eq!(
        attacker.call_fn_ok(calls::sign_in(LEAD, PASSWORD)).await,
        "CodeNeeded"
    );
    // Two guesses at the code (one of the wrong shape, which counts too): five wrong
    // in all, and the next try of either kind is refused for this address.
    for guess in ["000000", "12345a"] {
        let res = attacker.call_fn(code_form(guess)).await;
        assert_eq!(res.status(), 422, "{guess}");
    }
    let right = next_code(&attacker, LEAD).await.unwrap();
    let res = attacker.call_fn(code_form(right)).await;
    assert_eq!(res.status(), 429, "the code shares the sign-in throttle");
    assert_eq!(
        attacker.status_fn(calls::sign_in(LEAD, PASSWORD)).await,
        429
    );
    assert_eq!(account_rows(&app, "auth.second_factor_failed").await, 2);

    // A burst of guesses from another address: at most five are checked.
    let app_address = app.address.clone();
    let burst_browser = app.browser_from("127.0.0.2");
    burst_browser
        .call_fn_ok(calls::sign_in(LEAD, PASSWORD))
        .await;
    let statuses = all_at_once((0..40).map(|n| {
        let browser = burst_browser.clone();
        async move {
            browser
                .call_fn(SecondStep {
                    code: format!("{:06}", 100_000 + n),
                    next: String::new(),
                })
                .await
                .status()
                .as_u16()
        }
    }))
    .await;
    let checked = statuses.iter().filter(|s| **s == 422).count();
    assert!(
        checked <= 5,
        "{checked} codes checked of 40 ({app_address})"
    );
    assert!(
        statuses.iter().all(|s| *s == 422 || *s == 429),
        "{statuses:?}"
    );
    app.stop().await;
}

async fn an_expired_or_forged_second_step_starts_sign_in_again(app: TestApp) {
    let (_lead, campaign_id) = app.lead_of(LEAD, "Riverside").await;
    let lead_id = app
        .sql_count(&format!("SELECT id FROM users WHERE email = '{LEAD}'"))
        .await;
    let code = || code_form("123456");
    // No cookie: the code form is no use; sign in again.
    let nobody = app.browser();
    let res = nobody.call_fn(code()).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("Sign in again"));
    assert_eq!(nobody.call_fn_ok(SecondStepState {}).await, false);
    let (_, html) = nobody.get_html("/login/code").await;
    assert!(html.contains("second-step-expired"), "{html}");
    // Expired (six minutes old), signed with another key, or an access token in its
    // place: all refused the same way, and no session comes of them.
    let now = chrono::Utc::now().timestamp();
    let old = app::auth::tokens::issue_second_step(&app.keys, lead_id, LEAD, now - 360).unwrap();
    let other_keys = app::auth::tokens::TokenKeys::from_secret(&[3u8; 64]).unwrap();
    let forged = app::auth::tokens::issue_second_step(&other_keys, lead_id, LEAD, now).unwrap();
    let access = app::auth::tokens::issue_access(&app.keys, lead_id, "no-session", now).unwrap();
    for token in [old, forged, access] {
        let res = app
            .call_fn_with_cookies(code(), &format!("rf_step={token}"))
            .await;
        assert_eq!(res.status(), 422);
        assert!(set_cookie(&res, "rf_access").is_none());
    }
    // A second-step token is no access token either.
    let step = app::auth::tokens::issue_second_step(&app.keys, lead_id, LEAD, now).unwrap();
    let res = app
        .call_fn_with_cookies(ListCoworkers { campaign_id }, &format!("rf_access={step}"))
        .await;
    assert_eq!(res.status(), 401);
    app.stop().await;
}

async fn members_see_their_sessions_and_end_them(app: TestApp) {
    let (phone, campaign_id) = app.lead_of(LEAD, "Riverside").await;
    let chart = ListCoworkers { campaign_id };
    let laptop = app.browser();
    laptop.sign_in(LEAD, PASSWORD).await;
    let tablet = app.browser();
    tablet.sign_in(LEAD, PASSWORD).await;
    let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

    let page = phone.call_fn_ok(SecurityPage {}).await;
    let sessions = page["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 3, "{page}");
    assert_eq!(sessions.iter().filter(|s| s["current"] == true).count(), 1);
    assert!(sessions.iter().all(|s| s["ip_prefix"] == "127.0.0.x"));
    assert!(sessions.iter().all(|s| s["second_factor"] == true));
    let (_, html) = phone.get_html("/account").await;
    assert!(html.contains("End this session"), "{html}");

    // End the laptop's (the newest other one is listed first; find it by asking it).
    let laptop_id = laptop.call_fn_ok(SecurityPage {}).await["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["current"] == true)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Someone else's session id is not theirs to end.
    let (stranger, _) = app.lead_of("stranger@example.org", "Elsewhere").await;
    assert_eq!(
        stranger
            .status_fn(EndSession {
                session: laptop_id.clone()
            })
            .await,
        409
    );
    assert_eq!(laptop.status_fn(chart.clone()).await, 200);
    phone
        .call_fn_ok(EndSession {
            session: laptop_id.clone(),
        })
        .await;
    assert_eq!(laptop.status_fn(chart.clone()).await, 401, "ended at once");
    assert_eq!(tablet.status_fn(chart.clone()).await, 200);
    // All others: the tablet goes, the phone stays.
    assert_eq!(phone.call_fn_ok(EndOtherSessions {}).await, 1);
    assert_eq!(tablet.status_fn(chart.clone()).await, 401);
    assert_eq!(phone.status_fn(chart.clone()).await, 200);
    assert_eq!(account_rows(&app, "auth.session_ended").await, 1);
    assert_eq!(
        app.sql_count(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'auth.sessions_ended' \
             AND detail = '1 other sessions'"
        )
        .await,
        1
    );
    // A device is named from its user agent.
    let named = app.browser();
    let res = named
        .request_fn(calls::sign_in(LEAD, PASSWORD))
        .header("user-agent", firefox)
        .send()
        .await
        .unwrap();
    assert_eq!(res.json::<Value>().await.unwrap(), "CodeNeeded");
    let code = next_code(&named, LEAD).await.unwrap();
    named
        .request_fn(code_form(code))
        .header("user-agent", firefox)
        .send()
        .await
        .unwrap();
    let page = phone.call_fn_ok(SecurityPage {}).await;
    assert!(
        page["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["device"] == "Firefox on Linux"),
        "{page}"
    );
    // Ending one's own session signs out.
    let mine = page["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["current"] == true)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    phone.call_fn_ok(EndSession { session: mine }).await;
    assert_eq!(phone.status_fn(chart).await, 401);
    app.stop().await;
}

async fn turning_the_factor_off_needs_a_code_and_closes_the_campaign_to_a_lead(app: TestApp) {
    let (lead, campaign_id) = app.lead_of(LEAD, "Riverside").await;
    let chart = ListCoworkers { campaign_id };
    let res = lead
        .call_fn(TurnOffSecondFactor {
            code: "000000".into(),
        })
        .await;
    assert_eq!(res.status(), 422);
    assert!(lead.call_fn_ok(SecurityPage {}).await["factor"]["On"].is_object());
    let code = next_code(&lead, LEAD).await.unwrap();
    lead.call_fn_ok(TurnOffSecondFactor { code }).await;
    factor::lose_phone(&lead, LEAD);
    assert_eq!(lead.call_fn_ok(SecurityPage {}).await["factor"], "Off");
    assert!(second_factor_refusal(lead.call_fn(chart).await).await);
    assert_eq!(account_rows(&app, "auth.second_factor_off").await, 2);
    // Without it, the password alone signs in again (to set it up).
    let again = app.browser();
    assert_eq!(
        again.call_fn_ok(calls::sign_in(LEAD, PASSWORD)).await,
        "Session"
    );
    app.stop().await;
}

async fn a_campaign_can_require_the_second_factor_of_organizers(app: TestApp) {
    let (lead, campaign_id) = app.lead_of(LEAD, "Riverside").await;
    let org = app
        .invite_member(&lead, campaign_id, "org@example.org", "organizer", "")
        .await;
    let viewer = app
        .invite_member(&lead, campaign_id, "viewer@example.org", "viewer", "")
        .await;
    let chart = ListCoworkers { campaign_id };
    assert_eq!(org.status_fn(chart.clone()).await, 200);
    let settings = |required: &str| UpdateSettings {
        campaign_id,
        form: SettingsForm {
            stale_days: "60".into(),
            issue_tags: "pay".into(),
            second_factor_for_organizers: required.into(),
            ..Default::default()
        },
    };
    lead.call_fn_ok(settings("on")).await;
    assert!(second_factor_refusal(org.call_fn(chart.clone()).await).await);
    // Viewers see no names: never asked.
    assert_eq!(
        viewer
            .status_fn(app::api::campaigns::GetCampaign { campaign_id })
            .await,
        200
    );
    enroll(&org, "org@example.org").await;
    assert_eq!(org.status_fn(chart.clone()).await, 200);
    // The next sign-in of the organizer asks for the code.
    let again = app.browser();
    assert_eq!(
        again
            .call_fn_ok(calls::sign_in("org@example.org", PASSWORD))
            .await,
        "CodeNeeded"
    );
    app.stop().await;
}

async fn the_operator_resets_the_only_leads_factor_on_the_command_line(app: TestApp) {
    let (lead, campaign_id) = app.lead_of(LEAD, "Riverside").await;
    let said = server::users::reset_second_factor(app.store.as_ref(), LEAD)
        .await
        .unwrap();
    assert!(said.contains("removed"), "{said}");
    assert_eq!(lead.status_fn(ListCoworkers { campaign_id }).await, 401);
    assert_eq!(
        account_rows(&app, "auth.second_factor_reset_by_cli").await,
        2
    );
    // Nothing left: said so, nothing changes.
    let said = server::users::reset_second_factor(app.store.as_ref(), LEAD)
        .await
        .unwrap();
    assert!(said.contains("no second factor"), "{said}");
    assert!(
        server::users::reset_second_factor(app.store.as_ref(), "nobody@example.org")
            .await
            .is_err()
    );
    app.stop().await;
}
