//! Stories from the outside review (issue 9): the scope rule on My list, a change and
//! its audit row committing together, whole-record reads audited, an audit log a lead
//! can search, small groups hidden from viewers, and names that cannot lie about
//! their direction. Each runs on SQLite and PostgreSQL.

use app::api::campaigns::{CreateCampaign, ListCampaigns};
use app::api::coworkers::{ArchiveCoworker, GetCoworker, ListTies, OrganicLeaders};
use app::api::map::{CreateShift, FloorPlan, ListAreas, ListShifts};
use app::api::members::{AuditLog, ListInvites, ListMembers, RevokeInvite};
use app::api::organizing::{CoworkerHistory, GetLogForm, GetMyList, GetSettings};
use rankfile_tests::calls::with_form;
use rankfile_tests::{
    actions, area, calls, coworker, items, names, set_cookie, stories, Backend, Browser, TestApp,
};
use serde_json::Value;

stories!(
    my_list_follows_the_organizers_current_scope,
    a_refused_audit_row_rolls_the_change_back,
    whole_record_reads_are_audited,
    the_audit_log_pages_and_filters,
    a_replayed_refresh_token_is_audited,
    viewers_do_not_see_the_counts_of_small_groups,
    names_refuse_direction_overrides_and_free_text_loses_them,
);

/// A lead's campaign with the ICU, Ana Reyes in it and an organizer of the ICU: the
/// lead, the campaign, the ICU, Ana and the organizer.
async fn icu_with_ana(app: &TestApp) -> (Browser, i64, i64, i64, Browser) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Mercy").await;
    let icu = area(&lead, campaign_id, "ICU").await;
    let ana = coworker(&lead, campaign_id, "Ana Reyes", icu).await;
    let org = app
        .organizer_in(&lead, campaign_id, "org@example.org", &[icu])
        .await;
    (lead, campaign_id, icu, ana, org)
}

/// The first page of the campaign's audit log as the lead reads it, filtered by `filter`.
async fn audit(lead: &Browser, campaign_id: i64, filter: impl FnOnce(&mut AuditLog)) -> Value {
    let mut args = calls::audit_log(campaign_id);
    filter(&mut args);
    lead.call_fn_ok(args).await
}

async fn my_list_follows_the_organizers_current_scope(app: TestApp) {
    let (lead, campaign_id, icu, ana, org) = icu_with_ana(&app).await;
    let ward = area(&lead, campaign_id, "Ward 4").await;
    let org_id = app.member_id(&lead, campaign_id, "org@example.org").await;
    let my_list = || {
        org.call_fn_ok(GetMyList {
            campaign_id,
            q: String::new(),
        })
    };
    let today = my_list().await["today"].as_str().unwrap().to_owned();
    org.call_fn_ok(with_form(
        calls::log_conversation(campaign_id, ana, "ana-scope-test-001"),
        |f| {
            f.ask = "Sign the petition".into();
            f.answer = "yes".into();
            f.next_step = "Talk about her night shifts".into();
            f.follow_up_on = today;
        },
    ))
    .await;
    let list = my_list().await;
    assert_eq!(names(&list["follow_ups"]), ["Ana Reyes"]);
    assert_eq!(names(&list["commitments"]), ["Ana Reyes"]);

    // The lead moves the organizer to another ward: Ana is out of their scope now.
    lead.call_fn_ok(calls::update_member(
        campaign_id,
        org_id,
        "organizer",
        &ward.to_string(),
    ))
    .await;
    let list = my_list().await;
    assert!(
        names(&list["follow_ups"]).is_empty(),
        "follow-ups outside the scope are not shown: {list}"
    );
    assert!(names(&list["commitments"]).is_empty(), "{list}");
    let (status, html) = org.get_html(&format!("/campaigns/{campaign_id}/my")).await;
    assert_eq!(status, 200);
    assert!(html.contains("My list"), "the page rendered");
    assert!(!html.contains("Ana Reyes") && !html.contains("night shifts"));
    // The coworker page agrees: out of scope is not found.
    let ana_record = GetCoworker {
        campaign_id,
        coworker_id: ana,
    };
    assert_eq!(org.status_fn(ana_record).await, 404);

    // Back in scope by assignment (not by area): the follow-up comes back.
    lead.call_fn_ok(with_form(
        calls::update_coworker(campaign_id, ana, "Ana Reyes"),
        |f| {
            f.area_id = icu.to_string();
            f.assigned_organizer = org_id.to_string();
        },
    ))
    .await;
    let list = my_list().await;
    assert_eq!(names(&list["follow_ups"]), ["Ana Reyes"]);
    app.stop().await;
}

/// A trigger that refuses to store the audit rows of `actions`, as a full disk or a
/// broken constraint would.
async fn refuse_audit_of(app: &TestApp, actions: &[&str]) {
    let list = actions
        .iter()
        .map(|a| format!("'{a}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = match app.backend {
        Backend::Sqlite => format!(
            "CREATE TRIGGER refuse_some_audit BEFORE INSERT ON audit_events \
             WHEN NEW.action IN ({list}) BEGIN SELECT RAISE(ABORT, 'injected audit failure'); END;"
        ),
        Backend::Postgres => format!(
            "CREATE FUNCTION refuse_some_audit() RETURNS trigger AS $$ BEGIN \
               IF NEW.action IN ({list}) THEN RAISE EXCEPTION 'injected audit failure'; END IF; \
               RETURN NEW; END $$ LANGUAGE plpgsql; \
             CREATE TRIGGER refuse_some_audit BEFORE INSERT ON audit_events \
               FOR EACH ROW EXECUTE FUNCTION refuse_some_audit();"
        ),
    };
    app.sql(&sql).await.expect("install the fault");
}

async fn a_refused_audit_row_rolls_the_change_back(app: TestApp) {
    let (lead, campaign_id, icu, ana, org) = icu_with_ana(&app).await;
    let ben = coworker(&lead, campaign_id, "Ben Okafor", icu).await;
    let org_id = app.member_id(&lead, campaign_id, "org@example.org").await;
    lead.new_invite(campaign_id, "viewer", "").await;
    let open_invites = || async {
        lead.call_fn_ok(ListInvites { campaign_id })
            .await
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_i64().expect("an invite id"))
            .collect::<Vec<_>>()
    };
    let invites_before = open_invites().await;
    assert_eq!(invites_before.len(), 1);
    refuse_audit_of(
        &app,
        &[
            "coworker.updated",
            "conversation.logged",
            "rating.set",
            "member.changed",
            "settings.updated",
            "tie.added",
            "area.created",
            "coworker.archived",
            "member.invited",
            "member.invite_revoked",
        ],
    )
    .await;

    let refused = |res: reqwest::Response| async move {
        let status = res.status();
        let body = res.text().await.unwrap_or_default();
        assert_eq!(status, 500, "{body}");
        assert!(
            !body.contains("injected"),
            "no database text reaches the client"
        );
    };
    let update = with_form(
        calls::update_coworker(campaign_id, ana, "Someone Else"),
        |f| {
            f.area_id = icu.to_string();
        },
    );
    refused(lead.call_fn(update).await).await;
    let log = with_form(
        calls::log_conversation(campaign_id, ana, "refused-audit-0001"),
        |f| {
            f.rating_after = "1".into();
            f.ask = "Sign".into();
            f.answer = "yes".into();
        },
    );
    refused(org.call_fn(log).await).await;
    refused(org.call_fn(calls::set_rating(campaign_id, ben, "2")).await).await;
    let promote = calls::update_member(campaign_id, org_id, "lead", "");
    refused(lead.call_fn(promote).await).await;
    let settings = calls::update_settings(campaign_id, "99", "pay");
    refused(lead.call_fn(settings).await).await;
    let tie = calls::add_tie(campaign_id, ana, &ben.to_string(), "friends");
    refused(lead.call_fn(tie).await).await;
    refused(lead.call_fn(calls::create_area(campaign_id, "Ghost")).await).await;
    let archive = ArchiveCoworker {
        campaign_id,
        coworker_id: ben,
        restore: String::new(),
    };
    refused(lead.call_fn(archive).await).await;
    refused(lead.call_fn(calls::invite(campaign_id, "organizer")).await).await;
    let revoke = RevokeInvite {
        campaign_id,
        invite_id: invites_before[0],
    };
    refused(lead.call_fn(revoke).await).await;

    // Nothing changed.
    assert_eq!(
        open_invites().await,
        invites_before,
        "no invite made or revoked"
    );
    let get = |coworker_id: i64| {
        lead.call_fn_ok(GetCoworker {
            campaign_id,
            coworker_id,
        })
    };
    let record = get(ana).await;
    assert_eq!(record["fields"]["name"], "Ana Reyes");
    assert_eq!(record["rating"], Value::Null);
    let history = lead
        .call_fn_ok(CoworkerHistory {
            campaign_id,
            coworker_id: ana,
        })
        .await;
    assert!(history["conversations"].as_array().unwrap().is_empty());
    assert!(history["commitments"].as_array().unwrap().is_empty());
    assert!(history["ratings"].as_array().unwrap().is_empty());
    let ben_record = get(ben).await;
    assert_eq!(ben_record["rating"], Value::Null);
    assert_eq!(ben_record["archived"], false);
    let members = lead.call_fn_ok(ListMembers { campaign_id }).await;
    let org_row = items(&members)
        .iter()
        .find(|m| m["email"] == "org@example.org");
    let org_row = org_row.expect("the organizer is a member");
    assert_eq!(org_row["role"], "organizer");
    let settings = lead.call_fn_ok(GetSettings { campaign_id }).await;
    assert_eq!(settings["stale_days"], 30);
    let ties = lead
        .call_fn_ok(ListTies {
            campaign_id,
            coworker_id: ana,
        })
        .await;
    assert!(ties.as_array().unwrap().is_empty());
    let areas = lead.call_fn_ok(ListAreas { campaign_id }).await;
    assert!(!areas.to_string().contains("Ghost"));
    assert_eq!(
        app.sql_count("SELECT COUNT(*) FROM conversations").await,
        0,
        "no conversation row below the app either"
    );
    assert_eq!(app.sql_count("SELECT COUNT(*) FROM assessments").await, 0);

    // With the fault gone the same writes go through, each with its audit row.
    app.sql(match app.backend {
        Backend::Sqlite => "DROP TRIGGER refuse_some_audit",
        Backend::Postgres => "DROP TRIGGER refuse_some_audit ON audit_events",
    })
    .await
    .unwrap();
    org.call_fn_ok(calls::set_rating(campaign_id, ben, "2"))
        .await;
    let log = audit(&lead, campaign_id, |a| a.action = "rating.set".into()).await;
    assert_eq!(actions(&log), ["rating.set"]);
    app.stop().await;
}

async fn whole_record_reads_are_audited(app: TestApp) {
    let (lead, campaign_id, _, ana, org) = icu_with_ana(&app).await;
    let coworker_id = ana;
    org.call_fn_ok(GetLogForm {
        campaign_id,
        coworker_id,
    })
    .await;
    org.call_fn_ok(CoworkerHistory {
        campaign_id,
        coworker_id,
    })
    .await;
    org.call_fn_ok(ListTies {
        campaign_id,
        coworker_id,
    })
    .await;
    org.call_fn_ok(OrganicLeaders { campaign_id }).await;
    let org_id = app.member_id(&lead, campaign_id, "org@example.org").await;
    let log = audit(&lead, campaign_id, |a| a.actor = org_id.to_string()).await;
    let seen = actions(&log);
    for expected in ["coworker.read", "history.read", "ties.read", "leaders.read"] {
        assert!(seen.iter().any(|a| a == expected), "{expected} in {seen:?}");
    }
    let record = format!("coworker:{ana}");
    for entry in log["entries"].as_array().unwrap() {
        if ["coworker.read", "history.read", "ties.read"]
            .contains(&entry["action"].as_str().unwrap())
        {
            assert_eq!(entry["record"], record.as_str(), "{entry}");
        }
        assert_eq!(entry["actor"], "org@example.org");
    }
    app.stop().await;
}

async fn the_audit_log_pages_and_filters(app: TestApp) {
    let (lead, campaign_id, _, ana, org) = icu_with_ana(&app).await;
    let org_id = app.member_id(&lead, campaign_id, "org@example.org").await;
    // The export, then 150 reads to bury it under.
    let export = lead
        .get_page(&format!("/campaigns/{campaign_id}/export.csv"))
        .await;
    assert_eq!(export.status(), 200);
    for _ in 0..150 {
        org.call_fn_ok(GetCoworker {
            campaign_id,
            coworker_id: ana,
        })
        .await;
    }
    let first = audit(&lead, campaign_id, |_| {}).await;
    let entries = first["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 100, "a page is 100 entries");
    assert!(!actions(&first).contains(&"chart.exported".to_owned()));
    let ids: Vec<i64> = entries.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first");
    let older = first["older"].as_i64().expect("an older page");
    assert_eq!(older, *ids.last().unwrap());

    // The next page starts where the first ended, with no overlap.
    let second = audit(&lead, campaign_id, |a| a.before = older.to_string()).await;
    let second_ids: Vec<i64> = items(&second["entries"])
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    assert!(!second_ids.is_empty());
    assert!(second_ids.iter().all(|i| *i < older));

    // The export is one filter away, however many reads came after it.
    let exports = audit(&lead, campaign_id, |a| a.action = "chart.exported".into()).await;
    assert_eq!(actions(&exports), ["chart.exported"]);
    assert_eq!(exports["older"], Value::Null);
    assert!(exports["actions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a == "chart.exported"));
    // By member: only the organizer's entries.
    let by_org = audit(&lead, campaign_id, |a| a.actor = org_id.to_string()).await;
    assert!(by_org["entries"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["actor"] == "org@example.org"));
    assert!(!by_org["entries"].as_array().unwrap().is_empty());
    // Bad filter values are named errors, not 500s.
    let res = lead
        .call_fn(AuditLog {
            before: "yesterday".into(),
            ..calls::audit_log(campaign_id)
        })
        .await;
    assert_eq!(res.status(), 422);

    // The page without JavaScript: the filter is a GET form and the older link keeps it.
    let (status, html) = lead
        .get_html(&format!(
            "/campaigns/{campaign_id}/audit?action=coworker.read"
        ))
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("data-testid=\"audit-older\""));
    assert!(html.contains("action=coworker.read"));
    assert!(!html.contains(">chart.exported</td>"));
    app.stop().await;
}

async fn a_replayed_refresh_token_is_audited(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Mercy").await;
    let res = rankfile_tests::factor::sign_in_response(
        &app.browser(),
        "lead@example.org",
        rankfile_tests::PASSWORD,
    )
    .await;
    let refresh = set_cookie(&res, "rf_refresh").expect("a refresh cookie");
    let with_refresh = |token: String| {
        let app = &app;
        async move {
            app.call_fn_with_cookies(ListCampaigns {}, &format!("rf_refresh={token}"))
                .await
                .status()
        }
    };
    assert_eq!(with_refresh(refresh.clone()).await, 200, "rotated once");
    // The copy comes back after the grace for a browser's parallel requests.
    app.sql("UPDATE spent_refresh_tokens SET spent_at = '2020-01-01T00:00:00+00:00'")
        .await
        .unwrap();
    assert_eq!(with_refresh(refresh).await, 401, "a replay is refused");
    let log = audit(&lead, campaign_id, |a| {
        a.action = "auth.refresh_replayed".into()
    })
    .await;
    assert_eq!(
        actions(&log),
        ["auth.refresh_replayed"],
        "the lead sees the replay in their campaign's log"
    );
    assert_eq!(log["entries"][0]["actor"], "lead@example.org");
    app.stop().await;
}

async fn viewers_do_not_see_the_counts_of_small_groups(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Mercy").await;
    let tiny = area(&lead, campaign_id, "Pharmacy").await;
    let big = area(&lead, campaign_id, "ICU").await;
    area(&lead, campaign_id, "Empty").await;
    let alone = coworker(&lead, campaign_id, "Solo Pharmacist", tiny).await;
    lead.call_fn_ok(calls::set_rating(campaign_id, alone, "1"))
        .await;
    for n in 0..6 {
        let who = coworker(&lead, campaign_id, &format!("Nurse {n}"), big).await;
        lead.call_fn_ok(calls::set_rating(campaign_id, who, "2"))
            .await;
    }
    let viewer = app
        .invite_member(&lead, campaign_id, "viewer@example.org", "viewer", "")
        .await;
    let org = app
        .organizer_in(&lead, campaign_id, "org@example.org", &[big])
        .await;
    let stats_of = |who: &Browser| {
        let who = who.clone();
        async move {
            let stats = who.call_fn_ok(FloorPlan { campaign_id }).await;
            let find = |name: &str| {
                stats
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|s| s["area"]["name"] == name)
                    .unwrap()
                    .clone()
            };
            (find("Pharmacy"), find("ICU"), find("Empty"))
        }
    };
    let (pharmacy, icu, empty) = stats_of(&viewer).await;
    assert_eq!(pharmacy["suppressed"], true);
    assert_eq!(pharmacy["coworkers"], 0);
    assert_eq!(pharmacy["supporters"], 0);
    assert_eq!(icu["suppressed"], false);
    // Six, all rated 1–2: through the disclosure policy, a multiple of five by key.
    let (n, s) = (
        icu["coworkers"].as_i64().unwrap(),
        icu["supporters"].as_i64().unwrap(),
    );
    assert!([5, 10].contains(&n) && s == n, "{icu}");
    assert_eq!(empty["suppressed"], false);
    // An organizer sees their own area in full, and others' small groups withheld.
    let (pharmacy, icu, _) = stats_of(&org).await;
    assert_eq!(pharmacy["suppressed"], true);
    assert_eq!(icu["coworkers"], 6);
    // The lead sees everything.
    let (pharmacy, _, _) = stats_of(&lead).await;
    assert_eq!(pharmacy["suppressed"], false);
    assert_eq!(pharmacy["supporters"], 1);

    // The lead sets the minimum; a bad value is a named error that changes nothing.
    let min_group = |size: &str| {
        with_form(calls::update_settings(campaign_id, "30", "pay"), |f| {
            f.min_group_size = size.into();
        })
    };
    let res = lead.call_fn(min_group("0")).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("min_group_size"));
    let settings = lead.call_fn_ok(GetSettings { campaign_id }).await;
    assert_eq!(settings["min_group_size"], 5);
    lead.call_fn_ok(min_group("10")).await;
    let (pharmacy, icu, _) = stats_of(&viewer).await;
    assert_eq!(pharmacy["suppressed"], true);
    assert_eq!(icu["suppressed"], true, "6 is now under the minimum of 10");
    assert_eq!(icu["supporters"], 0);
    app.stop().await;
}

async fn names_refuse_direction_overrides_and_free_text_loses_them(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Mercy").await;
    let icu = area(&lead, campaign_id, "ICU").await;
    let spoof = "Ana \u{202E}sereyR";
    let isolate = "Ben \u{2067}Okafor\u{2069}";
    let shift = CreateShift {
        campaign_id,
        name: spoof.into(),
    };
    let campaign_named = CreateCampaign { name: spoof.into() };
    for res in [
        lead.call_fn(calls::create_coworker(campaign_id, spoof, Some(icu)))
            .await,
        lead.call_fn(calls::create_coworker(campaign_id, isolate, None))
            .await,
        lead.call_fn(calls::create_area(campaign_id, spoof)).await,
        lead.call_fn(shift).await,
        lead.call_fn(campaign_named).await,
    ] {
        let url = res.url().path().to_owned();
        assert_eq!(res.status(), 422, "{url}");
        let body = res.text().await.unwrap();
        assert!(body.contains("text-direction"), "{url}: {body}");
    }
    let chart = lead.call_fn_ok(calls::chart(campaign_id)).await;
    assert!(
        chart["coworkers"].as_array().unwrap().is_empty(),
        "nothing created"
    );
    assert_eq!(
        app.sql_count("SELECT COUNT(*) FROM campaigns").await,
        1,
        "no campaign created"
    );
    let areas = lead.call_fn_ok(ListAreas { campaign_id }).await;
    assert_eq!(names(&areas), ["ICU"], "no area created");
    let shifts = lead.call_fn_ok(ListShifts { campaign_id }).await;
    assert_eq!(names(&shifts), Vec::<String>::new(), "no shift created");
    let ana = coworker(&lead, campaign_id, "Ana Reyes", icu).await;
    // Tags are names too.
    let res = lead
        .call_fn(with_form(
            calls::update_coworker(campaign_id, ana, "Ana Reyes"),
            |f| {
                f.area_id = icu.to_string();
                f.tags = "night crew, \u{202E}tfihs".into();
            },
        ))
        .await;
    assert_eq!(res.status(), 422);
    // Free text keeps its words and line breaks and loses the tricks.
    lead.call_fn_ok(with_form(
        calls::log_conversation(campaign_id, ana, "bidi-notes-test-01"),
        |f| {
            f.notes = "Short-staffed\r\nevery night\u{202E}gpj.exe\u{0007} this month".into();
        },
    ))
    .await;
    let history = lead
        .call_fn_ok(CoworkerHistory {
            campaign_id,
            coworker_id: ana,
        })
        .await;
    assert_eq!(
        history["conversations"][0]["notes"],
        "Short-staffed\nevery nightgpj.exe this month"
    );
    app.stop().await;
}
