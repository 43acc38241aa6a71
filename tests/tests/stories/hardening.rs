//! Stories from the outside review (issue 9): the scope rule on My list, a change and
//! its audit row committing together, whole-record reads audited, an audit log a lead
//! can search, small groups hidden from viewers, and names that cannot lie about
//! their direction. Each runs on SQLite and PostgreSQL.

use rankfile_tests::{names, stories, Backend, Browser, TestApp};
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

async fn area(lead: &Browser, id: &str, name: &str) -> String {
    lead.call_ok("areas/create", &[("campaign_id", id), ("name", name)])
        .await["id"]
        .to_string()
}

async fn coworker(lead: &Browser, id: &str, name: &str, area: &str) -> String {
    lead.call_ok(
        "coworkers/create",
        &[("campaign_id", id), ("name", name), ("area_id", area)],
    )
    .await["id"]
        .to_string()
}

/// The audit entries of a campaign as the lead reads them (the first page).
async fn audit(lead: &Browser, id: &str, filter: &[(&str, &str)]) -> Value {
    let mut form = vec![("campaign_id", id)];
    form.extend_from_slice(filter);
    lead.call_ok("audit/list", &form).await
}

fn actions(page: &Value) -> Vec<String> {
    page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect()
}

async fn my_list_follows_the_organizers_current_scope(app: TestApp) {
    let (lead, campaign) = app.lead_of("lead@example.org", "Mercy").await;
    let id = campaign.to_string();
    let icu = area(&lead, &id, "ICU").await;
    let ward = area(&lead, &id, "Ward 4").await;
    let ana = coworker(&lead, &id, "Ana Reyes", &icu).await;
    let org = app
        .invite_member(&lead, campaign, "org@example.org", "organizer", &icu)
        .await;
    let org_id = app.member_id(&lead, campaign, "org@example.org").await;
    let today = org.call_ok("mylist/get", &[("campaign_id", &id)]).await["today"]
        .as_str()
        .unwrap()
        .to_owned();
    org.call_ok(
        "conversations/log",
        &[
            ("campaign_id", &id),
            ("coworker_id", &ana),
            ("client_id", "ana-scope-test-001"),
            ("ask", "Sign the petition"),
            ("answer", "yes"),
            ("next_step", "Talk about her night shifts"),
            ("follow_up_on", &today),
        ],
    )
    .await;
    let list = org.call_ok("mylist/get", &[("campaign_id", &id)]).await;
    assert_eq!(names(&list["follow_ups"]), ["Ana Reyes"]);
    assert_eq!(names(&list["commitments"]), ["Ana Reyes"]);

    // The lead moves the organizer to another ward: Ana is out of their scope now.
    lead.call_ok(
        "members/update",
        &[
            ("campaign_id", &id),
            ("user_id", &org_id),
            ("role", "organizer"),
            ("areas", &ward),
        ],
    )
    .await;
    let list = org.call_ok("mylist/get", &[("campaign_id", &id)]).await;
    assert!(
        names(&list["follow_ups"]).is_empty(),
        "follow-ups outside the scope are not shown: {list}"
    );
    assert!(names(&list["commitments"]).is_empty(), "{list}");
    let (status, html) = org.get_html(&format!("/campaigns/{id}/my")).await;
    assert_eq!(status, 200);
    assert!(html.contains("My list"), "the page rendered");
    assert!(!html.contains("Ana Reyes") && !html.contains("night shifts"));
    // The coworker page agrees: out of scope is not found.
    let res = org
        .call(
            "coworkers/get",
            &[("campaign_id", &id), ("coworker_id", &ana)],
        )
        .await;
    assert_eq!(res.status(), 404);

    // Back in scope by assignment (not by area): the follow-up comes back.
    lead.call_ok(
        "coworkers/update",
        &[
            ("campaign_id", &id),
            ("coworker_id", &ana),
            ("name", "Ana Reyes"),
            ("area_id", &icu),
            ("assigned_organizer", &org_id),
        ],
    )
    .await;
    let list = org.call_ok("mylist/get", &[("campaign_id", &id)]).await;
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
    let (lead, campaign) = app.lead_of("lead@example.org", "Mercy").await;
    let id = campaign.to_string();
    let icu = area(&lead, &id, "ICU").await;
    let ana = coworker(&lead, &id, "Ana Reyes", &icu).await;
    let ben = coworker(&lead, &id, "Ben Okafor", &icu).await;
    let org = app
        .invite_member(&lead, campaign, "org@example.org", "organizer", &icu)
        .await;
    let org_id = app.member_id(&lead, campaign, "org@example.org").await;
    lead.new_invite(campaign, "viewer", "").await;
    let open_invites = || async {
        lead.call_ok("members/list_invites", &[("campaign_id", &id)])
            .await
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].to_string())
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
    refused(
        lead.call(
            "coworkers/update",
            &[
                ("campaign_id", &id),
                ("coworker_id", &ana),
                ("name", "Someone Else"),
                ("area_id", &icu),
            ],
        )
        .await,
    )
    .await;
    refused(
        org.call(
            "conversations/log",
            &[
                ("campaign_id", &id),
                ("coworker_id", &ana),
                ("client_id", "refused-audit-0001"),
                ("rating_after", "1"),
                ("ask", "Sign"),
                ("answer", "yes"),
            ],
        )
        .await,
    )
    .await;
    refused(
        org.call(
            "ratings/set",
            &[("campaign_id", &id), ("coworker_id", &ben), ("rating", "2")],
        )
        .await,
    )
    .await;
    refused(
        lead.call(
            "members/update",
            &[
                ("campaign_id", &id),
                ("user_id", &org_id),
                ("role", "lead"),
                ("areas", ""),
            ],
        )
        .await,
    )
    .await;
    refused(
        lead.call(
            "settings/update",
            &[
                ("campaign_id", &id),
                ("stale_days", "99"),
                ("issue_tags", "pay"),
            ],
        )
        .await,
    )
    .await;
    refused(
        lead.call(
            "ties/add",
            &[
                ("campaign_id", &id),
                ("coworker_id", &ana),
                ("other", &ben),
                ("kind", "friends"),
            ],
        )
        .await,
    )
    .await;
    refused(
        lead.call("areas/create", &[("campaign_id", &id), ("name", "Ghost")])
            .await,
    )
    .await;
    refused(
        lead.call(
            "coworkers/archive",
            &[("campaign_id", &id), ("coworker_id", &ben)],
        )
        .await,
    )
    .await;

    refused(
        lead.call(
            "members/invite",
            &[("campaign_id", &id), ("role", "organizer")],
        )
        .await,
    )
    .await;
    refused(
        lead.call(
            "members/revoke_invite",
            &[("campaign_id", &id), ("invite_id", &invites_before[0])],
        )
        .await,
    )
    .await;

    // Nothing changed.
    assert_eq!(
        open_invites().await,
        invites_before,
        "no invite made or revoked"
    );
    let record = lead
        .call_ok(
            "coworkers/get",
            &[("campaign_id", &id), ("coworker_id", &ana)],
        )
        .await;
    assert_eq!(record["fields"]["name"], "Ana Reyes");
    assert_eq!(record["rating"], Value::Null);
    let history = lead
        .call_ok(
            "coworkers/history",
            &[("campaign_id", &id), ("coworker_id", &ana)],
        )
        .await;
    assert!(history["conversations"].as_array().unwrap().is_empty());
    assert!(history["commitments"].as_array().unwrap().is_empty());
    assert!(history["ratings"].as_array().unwrap().is_empty());
    let ben_record = lead
        .call_ok(
            "coworkers/get",
            &[("campaign_id", &id), ("coworker_id", &ben)],
        )
        .await;
    assert_eq!(ben_record["rating"], Value::Null);
    assert_eq!(ben_record["archived"], false);
    let members = lead.call_ok("members/list", &[("campaign_id", &id)]).await;
    let org_row = members
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == "org@example.org")
        .unwrap();
    assert_eq!(org_row["role"], "organizer");
    let settings = lead.call_ok("settings/get", &[("campaign_id", &id)]).await;
    assert_eq!(settings["stale_days"], 30);
    let ties = lead
        .call_ok("ties/list", &[("campaign_id", &id), ("coworker_id", &ana)])
        .await;
    assert!(ties.as_array().unwrap().is_empty());
    let areas = lead.call_ok("areas/list", &[("campaign_id", &id)]).await;
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
    org.call_ok(
        "ratings/set",
        &[("campaign_id", &id), ("coworker_id", &ben), ("rating", "2")],
    )
    .await;
    let log = audit(&lead, &id, &[("action", "rating.set")]).await;
    assert_eq!(actions(&log), ["rating.set"]);
    app.stop().await;
}

async fn whole_record_reads_are_audited(app: TestApp) {
    let (lead, campaign) = app.lead_of("lead@example.org", "Mercy").await;
    let id = campaign.to_string();
    let icu = area(&lead, &id, "ICU").await;
    let ana = coworker(&lead, &id, "Ana Reyes", &icu).await;
    let org = app
        .invite_member(&lead, campaign, "org@example.org", "organizer", &icu)
        .await;
    let who = [("campaign_id", id.as_str()), ("coworker_id", ana.as_str())];
    org.call_ok("conversations/form", &who).await;
    org.call_ok("coworkers/history", &who).await;
    org.call_ok("ties/list", &who).await;
    org.call_ok("leaders/reach", &[("campaign_id", &id)]).await;
    let org_id = app.member_id(&lead, campaign, "org@example.org").await;
    let log = audit(&lead, &id, &[("actor", &org_id)]).await;
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
    let (lead, campaign) = app.lead_of("lead@example.org", "Mercy").await;
    let id = campaign.to_string();
    let icu = area(&lead, &id, "ICU").await;
    let ana = coworker(&lead, &id, "Ana Reyes", &icu).await;
    let org = app
        .invite_member(&lead, campaign, "org@example.org", "organizer", &icu)
        .await;
    let org_id = app.member_id(&lead, campaign, "org@example.org").await;
    // The export, then 150 reads to bury it under.
    let export = lead.get_page(&format!("/campaigns/{id}/export.csv")).await;
    assert_eq!(export.status(), 200);
    for _ in 0..150 {
        org.call_ok(
            "coworkers/get",
            &[("campaign_id", &id), ("coworker_id", &ana)],
        )
        .await;
    }
    let first = audit(&lead, &id, &[]).await;
    let entries = first["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 100, "a page is 100 entries");
    assert!(!actions(&first).contains(&"chart.exported".to_owned()));
    let ids: Vec<i64> = entries.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first");
    let older = first["older"].as_i64().expect("an older page");
    assert_eq!(older, *ids.last().unwrap());

    // The next page starts where the first ended, with no overlap.
    let second = audit(&lead, &id, &[("before", &older.to_string())]).await;
    let second_ids: Vec<i64> = second["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    assert!(!second_ids.is_empty());
    assert!(second_ids.iter().all(|i| *i < older));

    // The export is one filter away, however many reads came after it.
    let exports = audit(&lead, &id, &[("action", "chart.exported")]).await;
    assert_eq!(actions(&exports), ["chart.exported"]);
    assert_eq!(exports["older"], Value::Null);
    assert!(exports["actions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a == "chart.exported"));
    // By member: only the organizer's entries.
    let by_org = audit(&lead, &id, &[("actor", &org_id)]).await;
    assert!(by_org["entries"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["actor"] == "org@example.org"));
    assert!(!by_org["entries"].as_array().unwrap().is_empty());
    // Bad filter values are named errors, not 500s.
    let res = lead
        .call(
            "audit/list",
            &[("campaign_id", &id), ("before", "yesterday")],
        )
        .await;
    assert_eq!(res.status(), 422);

    // The page without JavaScript: the filter is a GET form and the older link keeps it.
    let (status, html) = lead
        .get_html(&format!("/campaigns/{id}/audit?action=coworker.read"))
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("data-testid=\"audit-older\""));
    assert!(html.contains("action=coworker.read"));
    assert!(!html.contains(">chart.exported</td>"));
    app.stop().await;
}

async fn a_replayed_refresh_token_is_audited(app: TestApp) {
    let (lead, campaign) = app.lead_of("lead@example.org", "Mercy").await;
    let id = campaign.to_string();
    let res = app
        .browser()
        .call(
            "auth/sign_in",
            &[
                ("email", "lead@example.org"),
                ("password", rankfile_tests::PASSWORD),
            ],
        )
        .await;
    let refresh = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("rf_refresh="))
        .and_then(|c| c.split(';').next())
        .expect("a refresh cookie")
        .to_owned();
    let with_refresh = |token: String| {
        let app = &app;
        async move {
            app.call_with_cookies("campaigns/list", &format!("rf_refresh={token}"))
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
    let log = audit(&lead, &id, &[("action", "auth.refresh_replayed")]).await;
    assert_eq!(
        actions(&log),
        ["auth.refresh_replayed"],
        "the lead sees the replay in their campaign's log"
    );
    assert_eq!(log["entries"][0]["actor"], "lead@example.org");
    app.stop().await;
}

async fn viewers_do_not_see_the_counts_of_small_groups(app: TestApp) {
    let (lead, campaign) = app.lead_of("lead@example.org", "Mercy").await;
    let id = campaign.to_string();
    let tiny = area(&lead, &id, "Pharmacy").await;
    let big = area(&lead, &id, "ICU").await;
    area(&lead, &id, "Empty").await;
    let alone = coworker(&lead, &id, "Solo Pharmacist", &tiny).await;
    lead.call_ok(
        "ratings/set",
        &[
            ("campaign_id", &id),
            ("coworker_id", &alone),
            ("rating", "1"),
        ],
    )
    .await;
    for n in 0..6 {
        let who = coworker(&lead, &id, &format!("Nurse {n}"), &big).await;
        lead.call_ok(
            "ratings/set",
            &[("campaign_id", &id), ("coworker_id", &who), ("rating", "2")],
        )
        .await;
    }
    let viewer = app
        .invite_member(&lead, campaign, "viewer@example.org", "viewer", "")
        .await;
    let org = app
        .invite_member(&lead, campaign, "org@example.org", "organizer", &big)
        .await;
    let stats_of = |who: &Browser| {
        let who = who.clone();
        let id = id.clone();
        async move {
            let stats = who.call_ok("areas/stats", &[("campaign_id", &id)]).await;
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
    assert_eq!(icu["coworkers"], 6);
    assert_eq!(icu["supporters"], 6);
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
    let res = lead
        .call(
            "settings/update",
            &[
                ("campaign_id", &id),
                ("stale_days", "30"),
                ("issue_tags", "pay"),
                ("min_group_size", "0"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("min_group_size"));
    let settings = lead.call_ok("settings/get", &[("campaign_id", &id)]).await;
    assert_eq!(settings["min_group_size"], 5);
    lead.call_ok(
        "settings/update",
        &[
            ("campaign_id", &id),
            ("stale_days", "30"),
            ("issue_tags", "pay"),
            ("min_group_size", "10"),
        ],
    )
    .await;
    let (pharmacy, icu, _) = stats_of(&viewer).await;
    assert_eq!(pharmacy["suppressed"], true);
    assert_eq!(icu["suppressed"], true, "6 is now under the minimum of 10");
    assert_eq!(icu["supporters"], 0);
    app.stop().await;
}

async fn names_refuse_direction_overrides_and_free_text_loses_them(app: TestApp) {
    let (lead, campaign) = app.lead_of("lead@example.org", "Mercy").await;
    let id = campaign.to_string();
    let icu = area(&lead, &id, "ICU").await;
    let spoof = "Ana \u{202E}sereyR";
    let isolate = "Ben \u{2067}Okafor\u{2069}";
    for (endpoint, form) in [
        (
            "coworkers/create",
            vec![
                ("campaign_id", id.as_str()),
                ("name", spoof),
                ("area_id", &icu),
            ],
        ),
        (
            "coworkers/create",
            vec![("campaign_id", id.as_str()), ("name", isolate)],
        ),
        (
            "areas/create",
            vec![("campaign_id", id.as_str()), ("name", spoof)],
        ),
        (
            "shifts/create",
            vec![("campaign_id", id.as_str()), ("name", spoof)],
        ),
        ("campaigns/create", vec![("name", spoof)]),
    ] {
        let res = lead.call(endpoint, &form).await;
        assert_eq!(res.status(), 422, "{endpoint} {form:?}");
        let body = res.text().await.unwrap();
        assert!(body.contains("text-direction"), "{endpoint}: {body}");
    }
    let chart = lead.call_ok("chart/get", &[("campaign_id", &id)]).await;
    assert!(
        chart["coworkers"].as_array().unwrap().is_empty(),
        "nothing created"
    );
    assert_eq!(
        app.sql_count("SELECT COUNT(*) FROM campaigns").await,
        1,
        "no campaign created"
    );
    let areas = lead.call_ok("areas/list", &[("campaign_id", &id)]).await;
    assert_eq!(names(&areas), ["ICU"], "no area created");
    let shifts = lead.call_ok("shifts/list", &[("campaign_id", &id)]).await;
    assert_eq!(names(&shifts), Vec::<String>::new(), "no shift created");
    let ana = coworker(&lead, &id, "Ana Reyes", &icu).await;
    // Tags are names too.
    let res = lead
        .call(
            "coworkers/update",
            &[
                ("campaign_id", &id),
                ("coworker_id", &ana),
                ("name", "Ana Reyes"),
                ("area_id", &icu),
                ("tags", "night crew, \u{202E}tfihs"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    // Free text keeps its words and line breaks and loses the tricks.
    lead.call_ok(
        "conversations/log",
        &[
            ("campaign_id", &id),
            ("coworker_id", &ana),
            ("client_id", "bidi-notes-test-01"),
            (
                "notes",
                "Short-staffed\r\nevery night\u{202E}gpj.exe\u{0007} this month",
            ),
        ],
    )
    .await;
    let history = lead
        .call_ok(
            "coworkers/history",
            &[("campaign_id", &id), ("coworker_id", &ana)],
        )
        .await;
    assert_eq!(
        history["conversations"][0]["notes"],
        "Short-staffed\nevery nightgpj.exe this month"
    );
    app.stop().await;
}
