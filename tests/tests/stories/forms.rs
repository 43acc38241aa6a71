//! Stories: a form never loses what was typed. A form posted without JavaScript that the
//! server refuses comes back as its own page, at the refusal's status, with every field
//! as typed and every mistake beside its field at once, the first one focused; nothing
//! is stored, nothing of it is cached, and a password is never sent back.

use app::api::votes::SaveScenario;
use rankfile_tests::calls::{self, with_form};
use rankfile_tests::{area, coworker_on as coworker, shift, stories, TestApp};

stories!(
    a_refused_one_on_one_comes_back_as_typed_with_every_mistake,
    a_refused_test_plan_comes_back_as_typed,
    a_refused_scenario_keeps_its_figures,
    a_refused_sign_in_never_sends_the_password_back,
    text_in_a_text_area_never_becomes_markup,
    a_refused_heat_filter_keeps_its_form
);

/// A lead's campaign with an ICU on a day shift, and Ana in it: the lead, the campaign,
/// the ICU and Ana.
async fn ward_with_ana(app: &TestApp) -> (rankfile_tests::Browser, i64, i64, i64) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Mercy").await;
    let icu = area(&lead, campaign_id, "ICU").await;
    let day = shift(&lead, campaign_id, "Day").await;
    let ana = coworker(&lead, campaign_id, "Ana", icu, day).await;
    (lead, campaign_id, icu, ana)
}

/// The text of the element with `id` (its first 300 characters of markup after the id).
fn beside<'a>(html: &'a str, id: &str) -> &'a str {
    let after = html
        .split(&format!("id=\"{id}\""))
        .nth(1)
        .unwrap_or_else(|| panic!("no element {id}"));
    &after[..300.min(after.len())]
}

/// The opening tag of the element with `id`.
fn tag_of<'a>(html: &'a str, id: &str) -> &'a str {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no element {id}"));
    let start = html[..at].rfind('<').expect("a tag");
    let end = at + html[at..].find('>').expect("the tag's end");
    &html[start..=end]
}

async fn a_refused_one_on_one_comes_back_as_typed_with_every_mistake(app: TestApp) {
    let (lead, campaign_id, icu, ana) = ward_with_ana(&app).await;
    let org = app
        .organizer_in(&lead, campaign_id, "org@example.org", &[icu])
        .await;
    let page = format!("/campaigns/{campaign_id}/coworkers/{ana}/log");
    // Five thousand characters of notes (the limit is 4,000), a date that is none,
    // a rating, a next step, an ask: typed on a phone without JavaScript.
    let notes = format!(
        "Talked by the lockers. {}",
        "Nights are short-staffed. ".repeat(200)
    );
    assert!(notes.chars().count() > 5000);
    let typed = with_form(
        calls::log_conversation(campaign_id, ana, "form-typed-1"),
        |f| {
            f.notes = notes.clone();
            f.follow_up_on = "next tuesday".into();
            f.rating_after = "2".into();
            f.next_step = "Ask about the night roster".into();
            f.ask = "Come to the meeting".into();
            f.answer = "maybe".into();
        },
    );
    let res = org.post_form_fn(&page, typed).await;
    assert_eq!(res.status(), 422, "the refusal's status, not a redirect");
    assert_eq!(res.headers()["cache-control"], "no-store");
    let html = res.text().await.unwrap();

    // Every field as typed.
    let textarea = html
        .split("id=\"log-notes\"")
        .nth(1)
        .expect("the notes field");
    assert!(
        textarea.contains("Nights are short-staffed. Nights are short-staffed."),
        "the notes as typed"
    );
    assert!(tag_of(&html, "log-next").contains("value=\"Ask about the night roster\""));
    assert!(tag_of(&html, "log-ask").contains("value=\"Come to the meeting\""));
    assert!(tag_of(&html, "log-follow").contains("value=\"next tuesday\""));
    assert!(
        html.contains(r#"name="rating_after" value="2" checked"#),
        "the rating as chosen"
    );
    assert!(html.contains(r#"name="answer" value="maybe" checked"#));
    assert!(html.contains(r#"name="client_id" value="form-typed-1""#));

    // Both mistakes at once, each beside its field, the first in the form focused.
    assert!(beside(&html, "log-notes-error").contains("Notes can be at most 4000 characters."));
    assert!(
        beside(&html, "log-follow-error").contains("date"),
        "{}",
        beside(&html, "log-follow-error")
    );
    assert!(
        tag_of(&html, "log-follow").contains("autofocus"),
        "{}",
        tag_of(&html, "log-follow")
    );
    assert!(tag_of(&html, "log-follow").contains("aria-invalid=\"true\""));
    assert!(!tag_of(&html, "log-notes").contains("autofocus"));
    assert!(tag_of(&html, "log-notes").contains("aria-invalid=\"true\""));
    assert!(tag_of(&html, "log-next").contains("aria-invalid=\"false\""));
    // The counter says how far over the notes are.
    assert!(beside(&html, "log-notes-count").contains("too many (up to 4,000)"));

    // Nothing was stored.
    let history: serde_json::Value = org
        .call_fn_ok(app::api::organizing::CoworkerHistory {
            campaign_id,
            coworker_id: ana,
        })
        .await;
    assert_eq!(
        history["conversations"].as_array().map(Vec::len),
        Some(0),
        "{history}"
    );

    // Fixed and sent again from the page as it came back, it is stored, once.
    let fixed = with_form(
        calls::log_conversation(campaign_id, ana, "form-typed-1"),
        |f| {
            f.notes = "Talked by the lockers.".into();
            f.rating_after = "2".into();
        },
    );
    let res = org.post_form_fn(&page, fixed).await;
    assert_eq!(res.status(), 302);
    app.stop().await;
}

async fn a_refused_test_plan_comes_back_as_typed(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Depot").await;
    let dock = area(&lead, campaign_id, "Dock").await;
    let page = format!("/campaigns/{campaign_id}/tests");
    let mut plan = calls::plan_test(campaign_id, "petition", "Night shift staffing petition");
    plan.form.description = "Sign for two more on nights & weekends <now>.".into();
    plan.form.goal_percent = "0".into();
    plan.form.opens_at = "someday".into();
    plan.area_ids = vec![dock.to_string()];
    let res = lead.post_form_fn(&page, plan).await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(tag_of(&html, "test-title").contains("value=\"Night shift staffing petition\""));
    let description = beside(&html, "test-description");
    assert!(
        description.contains("Sign for two more on nights &amp; weekends &lt;now&gt;.</textarea>"),
        "the description as typed, escaped: {description}"
    );
    assert!(
        html.contains(r#"<option value="petition" selected"#),
        "the kind as chosen"
    );
    assert!(tag_of(&html, "test-opens").contains("value=\"someday\""));
    assert!(
        html.contains(&format!(
            r#"name="area_ids[{dock}]" value="{dock}" checked"#
        )),
        "the scope as ticked"
    );
    // Both mistakes at once; the first (opens) focused.
    assert!(beside(&html, "test-opens-error").contains("Give a date and time"));
    assert!(beside(&html, "test-goal-error").contains("from 1 to 100"));
    assert!(tag_of(&html, "test-opens").contains("autofocus"));
    assert!(!tag_of(&html, "test-goal").contains("autofocus"));
    // Nothing planned.
    let tests = lead
        .call_fn_ok(app::api::structure::TestsPage { campaign_id })
        .await;
    assert_eq!(
        tests["timeline"].as_array().map(Vec::len),
        Some(0),
        "{tests}"
    );
    app.stop().await;
}

async fn a_refused_scenario_keeps_its_figures(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Depot").await;
    area(&lead, campaign_id, "Yard").await;
    let plan_id = lead
        .call_fn_ok(calls::plan_vote(campaign_id, "Strike vote"))
        .await
        .as_i64()
        .expect("the plan's id");
    let page = format!("/campaigns/{campaign_id}/votes/{plan_id}");
    let mut rates = app::domain::forecast::Rates::default();
    rates.turnout[2] = 37;
    // No name: refused, the figures kept as typed.
    let unnamed = SaveScenario {
        move_area: vec![String::new()],
        move_from: vec!["4".into()],
        move_to: vec!["3".into()],
        move_count: vec!["12".into()],
        ..calls::save_scenario(campaign_id, plan_id, " ", &rates)
    };
    let res = lead.post_form_fn(&page, unnamed).await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(beside(&html, "what-if-name-error").contains("Name the scenario"));
    assert!(tag_of(&html, "what-if-name").contains("autofocus"));
    let turnout = html
        .split(r#"name="turnout[2]""#)
        .nth(1)
        .expect("the third level's turnout");
    assert!(
        turnout[..turnout.find('>').unwrap()].contains("value=\"37\""),
        "the turnout as typed: {}",
        &turnout[..200]
    );
    assert!(
        tag_of(&html, "move-count-0").contains("value=\"12\""),
        "the move as typed"
    );
    // A named scenario that changes nothing is refused too.
    let unchanged = calls::save_scenario(
        campaign_id,
        plan_id,
        "Same as the chart",
        &app::domain::forecast::Rates::default(),
    );
    let res = lead.post_form_fn(&page, unchanged).await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(beside(&html, "what-if-moves-error").contains("changes nothing"));
    assert!(tag_of(&html, "what-if-name").contains("value=\"Same as the chart\""));
    let p = lead
        .call_fn_ok(app::api::votes::VotePage {
            campaign_id,
            plan_id,
            scenario: String::new(),
        })
        .await;
    assert_eq!(
        p["scenarios"].as_array().map(Vec::len),
        Some(0),
        "nothing saved"
    );
    app.stop().await;
}

async fn a_refused_sign_in_never_sends_the_password_back(app: TestApp) {
    app.lead_of("lead@example.org", "Depot").await;
    let visitor = app.browser();
    let secret = "correct-horse-battery-WRONG";
    let res = visitor
        .post_form_fn(
            "/login",
            app::api::auth::SignIn {
                email: "lead@example.org".into(),
                password: secret.into(),
                next: String::new(),
            },
        )
        .await;
    assert!(res.status().is_client_error(), "{}", res.status());
    let html = res.text().await.unwrap();
    assert!(!html.contains(secret), "the password is not in the page");
    assert!(!html.contains("WRONG"));
    app.stop().await;
}

/// A text area's content is text the page shows, never markup: notes that close the
/// text area and open a form of their own stay notes (stored, or typed and refused).
async fn text_in_a_text_area_never_becomes_markup(app: TestApp) {
    let (lead, campaign_id, icu, ana) = ward_with_ana(&app).await;
    let sneaky = r#"Nights.</textarea><form id="injected" action="https://evil.example/"><button>Sign in again</button></form><textarea>"#;
    lead.call_fn_ok(with_form(
        calls::update_coworker(campaign_id, ana, "Ana"),
        |f| {
            f.area_id = icu.to_string();
            f.notes = sneaky.into();
        },
    ))
    .await;
    let (status, html) = lead
        .get_html(&format!("/campaigns/{campaign_id}/coworkers/{ana}"))
        .await;
    assert_eq!(status, 200);
    assert!(
        !html.contains(r#"<form id="injected""#),
        "stored notes became markup"
    );
    assert!(
        beside(&html, "cw-notes").contains("Nights.&lt;/textarea&gt;&lt;form id=\"injected\""),
        "{}",
        beside(&html, "cw-notes")
    );
    // Typed and refused: the log form's notes come back as text too.
    let refused = with_form(
        calls::log_conversation(campaign_id, ana, "sneaky-form-1"),
        |f| {
            f.notes = sneaky.into();
            f.rating_after = "9".into();
        },
    );
    let res = lead
        .post_form_fn(
            &format!("/campaigns/{campaign_id}/coworkers/{ana}/log"),
            refused,
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(
        !html.contains(r#"<form id="injected""#),
        "typed notes became markup"
    );
    app.stop().await;
}

/// A heat-map view the server refuses (a day in the future, zero days) says so and keeps
/// the form, as typed, to fix it.
async fn a_refused_heat_filter_keeps_its_form(app: TestApp) {
    let (lead, campaign_id, _, _) = ward_with_ana(&app).await;
    let future = (chrono::Utc::now().date_naive() + chrono::Duration::days(30)).to_string();
    for query in [format!("as_of={future}"), "days=0".to_owned()] {
        let (_, html) = lead
            .get_html(&format!("/campaigns/{campaign_id}/heat?{query}"))
            .await;
        assert!(
            html.contains(r#"id="heat-as-of""#),
            "{query}: the form is kept"
        );
        assert!(html.contains(r#"id="heat-days""#), "{query}");
        let (name, value) = query.split_once('=').unwrap();
        let field = if name == "as_of" {
            "heat-as-of"
        } else {
            "heat-days"
        };
        assert!(
            tag_of(&html, field).contains(&format!("value=\"{value}\"")),
            "{query}: as typed: {}",
            tag_of(&html, field)
        );
        assert!(
            !html.contains(r#"data-testid="heat-caption""#),
            "{query}: no map"
        );
        // The mistake beside its field, the field marked and focused.
        let tag = tag_of(&html, field);
        assert!(tag.contains(r#"aria-invalid="true""#), "{query}: {tag}");
        assert!(tag.contains("autofocus"), "{query}: {tag}");
        let message = if name == "as_of" {
            "That day has not happened yet"
        } else {
            "looks back a whole number of days"
        };
        let beside = html
            .split(&format!(r#"id="{field}-error""#))
            .nth(1)
            .and_then(|rest| rest.split("</p>").next())
            .unwrap_or_default();
        assert!(beside.contains(message), "{query}: {beside}");
    }
    // Both at once: both named, the first focused.
    let (_, html) = lead
        .get_html(&format!(
            "/campaigns/{campaign_id}/heat?as_of={future}&days=0"
        ))
        .await;
    assert!(tag_of(&html, "heat-as-of").contains("autofocus"));
    assert!(!tag_of(&html, "heat-days").contains("autofocus"));
    assert!(tag_of(&html, "heat-days").contains(r#"aria-invalid="true""#));
    app.stop().await;
}
