//! Stories: the heat map. A small campaign's numbers checked cell by cell, now and as of
//! past days (before and after a rating change and a move); an organizer sees only their
//! scope; a viewer's small cells are withheld and a cell will not open for them; the CSV
//! is for leads only.

use app::domain::{Choice, CoworkerFields, EmploymentStatus};
use app::store::{NewAssessment, NewCoworker, PastActivity, PastMove, PastTalk};
use chrono::{Duration, Utc};
use rankfile_tests::{area, area_in, clear_of_midnight, shift, stories, strings, Browser, TestApp};
use serde_json::Value;

stories!(
    a_small_campaign_is_counted_cell_by_cell_now_and_as_of,
    an_organizer_sees_only_their_scope,
    a_viewer_sees_counts_only_without_small_cells,
    the_csv_is_for_leads_only,
    the_page_draws_the_map_without_javascript,
    every_change_of_place_is_recorded_with_it,
    the_demo_is_a_living_campaign,
    a_kept_trend_counts_what_was_written_since,
    snapshots_give_the_same_maps_and_a_late_log_outdates_them,
    a_past_rating_is_the_history_s_through_runs_and_late_logs
);

/// Longer than any heat story takes: each starts clear of midnight by this much.
const STORY_MARGIN: std::time::Duration = std::time::Duration::from_secs(300);

/// Every past map a lead and an organizer read, by shift and by tag, the cell the lead
/// opens, and the store's trend for both scopes (the server keeps trends between visits,
/// so the pages alone could show a trend counted before): what the snapshots must not
/// change.
async fn past_maps(app: &TestApp, m: &Mercy, org: &Browser, org_id: i64) -> Vec<Value> {
    use app::domain::heat::{end_of_day, trend_weeks};
    use app::domain::CoworkerScope;
    let mut maps = Vec::new();
    for days in [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 18, 20, 25, 40, 100,
    ] {
        let as_of = day_ago(days);
        let day = (Utc::now() - Duration::days(days)).date_naive();
        let moments: Vec<_> = trend_weeks(day).into_iter().map(end_of_day).collect();
        for scope in [
            CoworkerScope::Campaign,
            CoworkerScope::Organizer {
                user_id: org_id,
                area_ids: vec![m.icu],
            },
        ] {
            let mut trend: Vec<_> = app
                .store
                .heat_trend(app.store.campaign_key(campaign(m)), &scope, &moments)
                .await
                .unwrap()
                .into_iter()
                .map(|t| (t.week, t.area_id, t.coworkers, t.supporters))
                .collect();
            trend.sort();
            maps.push(serde_json::json!({ "read_as_of": as_of, "trend": trend }));
        }
        for who in [&m.lead, org] {
            for dimension in ["shift", "tag"] {
                let mut map =
                    heat(who, &m.id, &[("as_of", &as_of), ("dimension", dimension)]).await;
                map["read_as_of"] = Value::from(as_of.clone());
                maps.push(map);
            }
        }
        let id = campaign(m).to_string();
        let (area, column) = (m.icu.to_string(), m.day.to_string());
        maps.push(
            m.lead
                .call_ok(
                    "heat/cell",
                    &[
                        ("campaign_id", &id),
                        ("area_id", &area),
                        ("column", &column),
                        ("as_of", &as_of),
                    ],
                )
                .await,
        );
    }
    maps
}

/// Past maps and trends read the weekly snapshots once the server has made them, with
/// the numbers the histories give; a one-on-one logged late, dated before a snapshot,
/// outdates it (the trigger), and the next map counts it.
async fn snapshots_give_the_same_maps_and_a_late_log_outdates_them(app: TestApp) {
    clear_of_midnight(STORY_MARGIN).await;
    use app::domain::heat::SNAPSHOT_WEEKS;
    let m = mercy(&app).await;
    let org = app
        .invite_member(
            &m.lead,
            campaign(&m),
            "org@example.org",
            "organizer",
            &m.icu.to_string(),
        )
        .await;
    let org_id = app
        .member_id(&m.lead, campaign(&m), "org@example.org")
        .await;
    let standing = format!(
        "SELECT COUNT(*) FROM heat_snapshot_weeks WHERE campaign_id = {}",
        campaign(&m)
    );
    // The server's own keeper may have run at start-up, before the campaign existed.
    app.sql(&format!(
        "DELETE FROM heat_snapshot_weeks WHERE campaign_id = {}",
        campaign(&m)
    ))
    .await
    .unwrap();
    let from_histories = past_maps(&app, &m, &org, org_id).await;

    let made = app.store.keep_heat_snapshots(Utc::now()).await.unwrap();
    assert!(made >= SNAPSHOT_WEEKS, "made {made}");
    assert_eq!(app.sql_count(&standing).await, SNAPSHOT_WEEKS as i64);
    assert_eq!(
        app.store.keep_heat_snapshots(Utc::now()).await.unwrap(),
        0,
        "all stand"
    );
    let from_snapshots = past_maps(&app, &m, &org, org_id).await;
    assert_eq!(from_snapshots.len(), from_histories.len());
    for (a, b) in from_histories.iter().zip(&from_snapshots) {
        assert_eq!(a, b, "as of {}", a["read_as_of"]);
    }

    // They are read: snapshots made wrong on purpose (everyone rated 1) show in the trend.
    let supporters = || async {
        use app::domain::heat::{end_of_day, trend_weeks};
        let moments: Vec<_> = trend_weeks(Utc::now().date_naive())
            .into_iter()
            .map(end_of_day)
            .collect();
        app.store
            .heat_trend(
                app.store.campaign_key(campaign(&m)),
                &app::domain::CoworkerScope::Campaign,
                &moments,
            )
            .await
            .unwrap()
            .iter()
            .map(|t| t.supporters)
            .sum::<i64>()
    };
    let right = supporters().await;
    app.sql(&format!(
        "UPDATE heat_snapshots SET rating = 1 WHERE campaign_id = {}",
        campaign(&m)
    ))
    .await
    .unwrap();
    assert!(supporters().await > right, "the trend reads the snapshots");
    app.sql(&format!(
        "DELETE FROM heat_snapshot_weeks WHERE campaign_id = {}",
        campaign(&m)
    ))
    .await
    .unwrap();
    assert_eq!(
        app.store.keep_heat_snapshots(Utc::now()).await.unwrap(),
        SNAPSHOT_WEEKS,
        "made again, every row overwritten"
    );
    assert_eq!(supporters().await, right);
    let early = heat(&m.lead, &m.id, &[("as_of", &day_ago(15))]).await;
    assert_eq!(counts(&early["total"]), (5, vec![0; 5], 5, 0));

    // Cy's one-on-one nineteen days ago, logged only now, rated him 3.
    let cy = m.people[2];
    let at = (Utc::now() - Duration::days(19)).to_rfc3339();
    let mut late_log =
        rankfile_tests::calls::log_conversation(campaign(&m), cy, "late-cy-0000-0000-0001");
    late_log.form.at = at;
    late_log.form.rating_after = "3".into();
    m.lead.call_fn_ok(late_log).await;
    assert!(
        app.sql_count(&standing).await < SNAPSHOT_WEEKS as i64,
        "the snapshots after the nineteenth day ago are outdated"
    );
    let early = heat(&m.lead, &m.id, &[("as_of", &day_ago(15))]).await;
    assert_eq!(counts(&early["total"]), (5, vec![0, 0, 1, 0, 0], 4, 1));
    let late = past_maps(&app, &m, &org, org_id).await;
    assert!(app.store.keep_heat_snapshots(Utc::now()).await.unwrap() > 0);
    assert_eq!(app.sql_count(&standing).await, SNAPSHOT_WEEKS as i64);
    let remade = past_maps(&app, &m, &org, org_id).await;
    for (a, b) in late.iter().zip(&remade) {
        assert_eq!(a, b, "as of {}", a["read_as_of"]);
    }
    assert_eq!(
        counts(&heat(&m.lead, &m.id, &[("as_of", &day_ago(15))]).await["total"]),
        (5, vec![0, 0, 1, 0, 0], 4, 1)
    );
}

/// The trend is kept between visits (it costs about twelve past maps), and a rating or a
/// move written since is in the next one.
async fn a_kept_trend_counts_what_was_written_since(app: TestApp) {
    clear_of_midnight(STORY_MARGIN).await;
    let m = mercy(&app).await;
    let last_week = |map: &Value| {
        let t = &row(map, "ICU")["trend"][11];
        (
            t["coworkers"].as_i64().unwrap(),
            t["supporters"].as_i64().unwrap(),
        )
    };
    let first = heat(&m.lead, &m.id, &[]).await;
    assert_eq!(last_week(&first), (2, 2), "Ana 2 and Ben 1 on ICU");
    assert_eq!(heat(&m.lead, &m.id, &[]).await["rows"], first["rows"]);
    // Ben is rated 4 now: one supporter left.
    let ben = m.people[1].to_string();
    m.lead
        .call_ok(
            "ratings/set",
            &[
                ("campaign_id", &m.id),
                ("coworker_id", &ben),
                ("rating", "4"),
            ],
        )
        .await;
    assert_eq!(last_week(&heat(&m.lead, &m.id, &[]).await), (2, 1));
    // Ana moves to the ER: ICU is Ben alone.
    let ana = m.people[0];
    m.lead
        .call_fn_ok(rankfile_tests::calls::with_form(
            rankfile_tests::calls::update_coworker(m.id.parse().unwrap(), ana, "Ana"),
            |f| f.area_id = m.er.to_string(),
        ))
        .await;
    assert_eq!(last_week(&heat(&m.lead, &m.id, &[]).await), (1, 0));
}

/// The campaign of every story: Site holds ICU and ER; Day and Night shifts.
struct Mercy {
    lead: Browser,
    id: String,
    icu: i64,
    er: i64,
    day: i64,
    night: i64,
    /// Ana, Ben, Cy, Di, Ed.
    people: Vec<i64>,
}

/// Twenty days ago: Ana and Ben on ICU days, Cy on ICU nights, Di on ER nights and Ed on
/// ER days. Ten days ago Ana was rated 2, Ben 4 and Di 5; Cy moved to ER nights five days
/// ago; Ben was rated 1 two days ago; Ana had a one-on-one three days ago; Ed left today.
/// Ana's tags are choir and carpool.
async fn mercy(app: &TestApp) -> Mercy {
    let (lead, campaign) = app.lead_of("lead@example.org", "Mercy").await;
    let id = campaign.to_string();
    let site = area(&lead, campaign, "Site").await;
    let icu = area_in(&lead, campaign, "ICU", site).await;
    let er = area_in(&lead, campaign, "ER", site).await;
    let day = shift(&lead, campaign, "Day").await;
    let night = shift(&lead, campaign, "Night").await;
    let now = Utc::now();
    let ago = |days: i64| now - Duration::days(days);
    let new = |name: &str, area: i64, shift: i64| {
        let mut fields = CoworkerFields::named(name.into(), Some(area), Some(shift));
        if name == "Ana" {
            fields.tags = vec!["choir".into(), "carpool".into()];
        }
        NewCoworker {
            fields,
            rating: None,
            since: Some(ago(20)),
        }
    };
    let people = app
        .store
        .create_coworkers(
            app.store.campaign_key(campaign),
            &[
                new("Ana", icu, day),
                new("Ben", icu, day),
                new("Cy", icu, night),
                new("Di", er, night),
                new("Ed", er, day),
            ],
        )
        .await
        .expect("coworkers");
    let lead_id = app
        .sql_count("SELECT id FROM users WHERE email = 'lead@example.org'")
        .await;
    let rated = |who: usize, rating: i32, days: i64| NewAssessment {
        coworker_id: people[who],
        organizer_id: lead_id,
        rating,
        source: app::domain::organizing::Source::Observation,
        note: String::new(),
        at: ago(days),
    };
    app.store
        .seed_history(
            campaign,
            &PastActivity {
                moves: vec![PastMove {
                    coworker_id: people[2],
                    at: ago(5),
                    area_id: Some(er),
                    shift_id: Some(night),
                }],
                ratings: vec![
                    rated(0, 2, 10),
                    rated(1, 4, 10),
                    rated(3, 5, 10),
                    rated(1, 1, 2),
                ],
                talks: vec![PastTalk {
                    coworker_id: people[0],
                    organizer_id: lead_id,
                    at: ago(3),
                    rating_after: None,
                }],
            },
        )
        .await
        .expect("history");
    let (er_id, day_id) = (er.to_string(), day.to_string());
    lead.call_ok(
        "coworkers/update",
        &[
            ("campaign_id", &id),
            ("coworker_id", &people[4].to_string()),
            ("name", "Ed"),
            ("area_id", &er_id),
            ("shift_id", &day_id),
            ("employment_status", Choice::key(EmploymentStatus::Left)),
        ],
    )
    .await;
    Mercy {
        lead,
        id,
        icu,
        er,
        day,
        night,
        people,
    }
}

async fn heat(who: &Browser, id: &str, form: &[(&str, &str)]) -> Value {
    let mut all = vec![("campaign_id", id)];
    all.extend_from_slice(form);
    who.call_ok("heat/get", &all).await
}

fn row<'a>(map: &'a Value, name: &str) -> &'a Value {
    map["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no row {name}: {map}"))
}

/// A cell's counts: (coworkers, [rated 1..5], unknown, talked).
pub(crate) fn counts(cell: &Value) -> (i64, Vec<i64>, i64, i64) {
    let c = &cell["counts"];
    (
        c["coworkers"].as_i64().unwrap(),
        c["rated"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_i64().unwrap())
            .collect(),
        c["unknown"].as_i64().unwrap(),
        c["talked"].as_i64().unwrap(),
    )
}

fn day_ago(days: i64) -> String {
    (Utc::now() - Duration::days(days))
        .date_naive()
        .format("%Y-%m-%d")
        .to_string()
}

async fn a_small_campaign_is_counted_cell_by_cell_now_and_as_of(app: TestApp) {
    clear_of_midnight(STORY_MARGIN).await;
    let m = mercy(&app).await;
    let now = heat(&m.lead, &m.id, &[]).await;
    assert_eq!(now["current"], true);
    let columns = strings(&now["columns"], "label");
    assert_eq!(columns, ["Day", "Night"]);
    assert_eq!(now["columns"][0]["key"], m.day.to_string());
    let names = strings(&now["rows"], "name");
    assert_eq!(names, ["Site", "ER", "ICU"]);
    let (icu, er, site) = (row(&now, "ICU"), row(&now, "ER"), row(&now, "Site"));
    assert_eq!(icu["area_id"], m.icu);
    assert_eq!(
        counts(&icu["cells"][0]),
        (2, vec![1, 1, 0, 0, 0], 0, 1),
        "Ben 1, Ana 2"
    );
    assert_eq!(counts(&icu["cells"][1]).0, 0, "Cy moved to the ER");
    assert_eq!(counts(&er["cells"][0]).0, 0, "Ed left");
    assert_eq!(
        counts(&er["cells"][1]),
        (2, vec![0, 0, 0, 0, 1], 1, 0),
        "Di 5, Cy unknown"
    );
    assert_eq!(counts(&site["total"]), (4, vec![1, 1, 0, 0, 1], 1, 1));
    assert_eq!(counts(&now["column_totals"][0]).0, 2);
    assert_eq!(counts(&now["column_totals"][1]).0, 2);
    assert_eq!(counts(&now["total"]).0, 4);
    // The trend's last week is today; twelve weeks ago nobody was on the chart.
    let trend = icu["trend"].as_array().unwrap();
    assert_eq!(trend.len(), 12);
    assert_eq!(
        (
            trend[11]["coworkers"].as_i64(),
            trend[11]["supporters"].as_i64()
        ),
        (Some(2), Some(2))
    );
    assert_eq!(trend[0]["coworkers"], 0);
    let without = heat(&m.lead, &m.id, &[("trend", "off")]).await;
    assert!(without["weeks"].as_array().unwrap().is_empty());
    assert!(row(&without, "ICU")["trend"].as_array().unwrap().is_empty());
    assert_eq!(without["rows"], {
        let mut rows = now["rows"].clone();
        for r in rows.as_array_mut().unwrap() {
            r["trend"] = serde_json::json!([]);
        }
        rows
    });

    // A week ago: Ben was a 4, Cy still on ICU nights, Ed still there.
    let week = heat(&m.lead, &m.id, &[("as_of", &day_ago(7))]).await;
    assert_eq!(week["current"], false);
    let (icu, er) = (row(&week, "ICU"), row(&week, "ER"));
    assert_eq!(counts(&icu["cells"][0]), (2, vec![0, 1, 0, 1, 0], 0, 0));
    assert_eq!(counts(&icu["cells"][1]), (1, vec![0, 0, 0, 0, 0], 1, 0));
    assert_eq!(counts(&er["cells"][0]), (1, vec![0, 0, 0, 0, 0], 1, 0));
    assert_eq!(counts(&er["cells"][1]), (1, vec![0, 0, 0, 0, 1], 0, 0));
    assert_eq!(counts(&week["total"]).0, 5);
    // Before the ratings everyone was unknown; before they joined, nobody was there.
    let early = heat(&m.lead, &m.id, &[("as_of", &day_ago(15))]).await;
    assert_eq!(counts(&early["total"]), (5, vec![0; 5], 5, 0));
    let before = heat(&m.lead, &m.id, &[("as_of", &day_ago(25))]).await;
    assert_eq!(counts(&before["total"]).0, 0);

    // By tag: Ana is in both her tags' columns, and once in her row's total.
    let tags = heat(&m.lead, &m.id, &[("dimension", "tag")]).await;
    let labels = strings(&tags["columns"], "label");
    assert_eq!(labels, ["carpool", "choir", "No tag"]);
    let icu = row(&tags, "ICU");
    assert_eq!(counts(&icu["cells"][0]).0, 1);
    assert_eq!(counts(&icu["cells"][1]).0, 1);
    assert_eq!(counts(&icu["cells"][2]).0, 1);
    assert_eq!(counts(&icu["total"]).0, 2);
    assert_eq!(counts(&tags["total"]).0, 4);

    // Each argument is checked with its own field.
    for (field, value) in [
        ("dimension", "rating"),
        ("as_of", "tomorrow"),
        ("days", "0"),
    ] {
        let res = m
            .lead
            .call("heat/get", &[("campaign_id", &m.id), (field, value)])
            .await;
        assert_eq!(res.status(), 422, "{field}={value}");
        let body: Value = res.json().await.unwrap();
        assert!(body.to_string().contains(field), "{body}");
    }
    assert_eq!(
        m.lead.audit_entries(campaign(&m), "heat.read").await.len(),
        6
    );
    let _ = (m.er, m.night, &m.people);
}

fn campaign(m: &Mercy) -> i64 {
    m.id.parse().unwrap()
}

impl Mercy {
    /// An organizer of the ICU (org@example.org), signed in.
    async fn icu_organizer(&self, app: &TestApp) -> Browser {
        let icu = self.icu.to_string();
        app.invite_member(
            &self.lead,
            campaign(self),
            "org@example.org",
            "organizer",
            &icu,
        )
        .await
    }
}

async fn cell(who: &Browser, m: &Mercy, area: i64, column: i64) -> reqwest::Response {
    who.call(
        "heat/cell",
        &[
            ("campaign_id", &m.id),
            ("area_id", &area.to_string()),
            ("column", &column.to_string()),
        ],
    )
    .await
}

fn groups(detail: &Value) -> Vec<(Value, Vec<String>)> {
    detail["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["rating"].clone(), rankfile_tests::names(&g["people"])))
        .collect()
}

async fn an_organizer_sees_only_their_scope(app: TestApp) {
    clear_of_midnight(STORY_MARGIN).await;
    let m = mercy(&app).await;
    let org = m.icu_organizer(&app).await;
    let map = heat(&org, &m.id, &[]).await;
    assert_eq!(counts(&map["total"]).0, 2, "ICU's two, nobody in the ER");
    assert_eq!(counts(&row(&map, "ER")["total"]).0, 0);
    assert_eq!(map["counts_only"], false);

    let res = cell(&org, &m, m.icu, m.day).await;
    assert_eq!(res.status(), 200);
    let detail: Value = res.json().await.unwrap();
    assert_eq!(
        groups(&detail),
        [
            (Value::from(1), vec!["Ben".to_owned()]),
            (Value::from(2), vec!["Ana".to_owned()])
        ]
    );
    assert_eq!(detail["column"]["label"], "Day");
    // The ER is outside their scope: the cell opens empty.
    let outside: Value = cell(&org, &m, m.er, m.night).await.json().await.unwrap();
    assert!(groups(&outside).is_empty(), "{outside}");
    // The lead sees the ER's nights: Di a 5, Cy unknown; the whole site's too.
    let er: Value = cell(&m.lead, &m, m.er, m.night).await.json().await.unwrap();
    assert_eq!(
        groups(&er),
        [
            (Value::from(5), vec!["Di".to_owned()]),
            (Value::Null, vec!["Cy".to_owned()])
        ]
    );
    assert_eq!(
        m.lead
            .audit_entries(campaign(&m), "heat.cell_read")
            .await
            .len(),
        3
    );
}

async fn a_viewer_sees_counts_only_without_small_cells(app: TestApp) {
    clear_of_midnight(STORY_MARGIN).await;
    let m = mercy(&app).await;
    let viewer = app
        .invite_member(&m.lead, campaign(&m), "viewer@example.org", "viewer", "")
        .await;
    let map = heat(&viewer, &m.id, &[]).await;
    assert_eq!(map["counts_only"], true);
    assert_eq!(map["min_group_size"], 5);
    let icu_day = &row(&map, "ICU")["cells"][0];
    assert_eq!(icu_day["suppressed"], true, "two people: withheld");
    assert_eq!(counts(icu_day).0, 0);
    assert_eq!(
        row(&map, "ICU")["cells"][1]["suppressed"],
        false,
        "empty: shown as 0"
    );
    assert_eq!(map["total"]["suppressed"], true, "four in all, under five");
    assert!(row(&map, "ICU")["trend"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["suppressed"] == true || p["coworkers"] == 0));
    assert!(
        !map.to_string().contains("Ana"),
        "no names in a viewer's map"
    );
    assert_eq!(cell(&viewer, &m, m.icu, m.day).await.status(), 403);
    // With a minimum of two, the ICU's day cell shows.
    m.lead
        .call_ok(
            "settings/update",
            &[
                ("campaign_id", &m.id),
                ("stale_days", "30"),
                ("issue_tags", "pay"),
                ("min_group_size", "2"),
            ],
        )
        .await;
    // With a minimum of two, the ICU's day cell (two people, one each at 1 and 2) shows,
    // each count rounded to an even number: 0 or 2 at each rating, their sum everyone.
    let map = heat(&viewer, &m.id, &[]).await;
    let icu_day = &row(&map, "ICU")["cells"][0];
    assert_eq!(icu_day["suppressed"], false);
    let (everyone, rated, unknown, talked) = counts(icu_day);
    assert_eq!(
        everyone,
        rated.iter().sum::<i64>() + unknown,
        "a cell adds up"
    );
    for n in rated.iter().chain([&everyone, &unknown, &talked]) {
        assert_eq!(n % 2, 0, "{icu_day}");
    }
    assert!(rated[0] <= 2 && rated[1] <= 2 && rated[2..].iter().all(|n| *n == 0));
    let total = counts(&map["total"]).0;
    assert!(
        total % 2 == 0 && (0..=8).contains(&total),
        "four people: {total}"
    );
    // Past days: a viewer gets the Sunday that ended the week asked for; a lead the day.
    for back in 1..=8 {
        let asked = (Utc::now() - Duration::days(back)).date_naive();
        let sunday = app::domain::heat::week_end(asked).to_string();
        let seen = heat(&viewer, &m.id, &[("as_of", &day_ago(back))]).await;
        assert_eq!(seen["as_of"], sunday.as_str(), "asked {asked}");
        let trend_ends: Vec<&Value> = seen["weeks"].as_array().unwrap().iter().collect();
        assert!(trend_ends.iter().all(|w| {
            let d = chrono::NaiveDate::parse_from_str(w.as_str().unwrap(), "%Y-%m-%d").unwrap();
            app::domain::heat::week_end(d) == d
        }));
        let lead = heat(&m.lead, &m.id, &[("as_of", &day_ago(back))]).await;
        assert_eq!(lead["as_of"], asked.to_string().as_str());
    }
}

async fn the_csv_is_for_leads_only(app: TestApp) {
    clear_of_midnight(STORY_MARGIN).await;
    let m = mercy(&app).await;
    let org = m.icu_organizer(&app).await;
    let viewer = app
        .invite_member(&m.lead, campaign(&m), "viewer@example.org", "viewer", "")
        .await;
    for who in [&org, &viewer] {
        let res = who.call("heat/export", &[("campaign_id", &m.id)]).await;
        assert_eq!(res.status(), 403);
    }
    let csv = m
        .lead
        .call_ok("heat/export", &[("campaign_id", &m.id)])
        .await;
    let csv = csv.as_str().unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(
        lines[0].starts_with("area,depth,column,coworkers,rated_1"),
        "{csv}"
    );
    assert!(
        lines.contains(&"ICU,1,Day,2,1,1,0,0,0,0,2,1.000,1.000,1,0.500,0,0.000"),
        "{csv}"
    );
    assert!(
        lines.contains(&"All areas,0,All,4,1,1,0,0,1,1,3,0.500,0.750,1,0.250,0,0.000"),
        "{csv}"
    );
    assert_eq!(
        m.lead
            .audit_entries(campaign(&m), "heat.exported")
            .await
            .len(),
        1
    );
}

/// How many placements the history has for the coworker named `name`, and the latest
/// one's area name and status.
async fn placements(app: &TestApp, name: &str) -> (i64, i64) {
    let rows = app
        .sql_count(&format!(
            "SELECT COUNT(*) FROM coworker_placements h JOIN coworkers c ON c.id = h.coworker_id \
             WHERE c.name = '{name}'"
        ))
        .await;
    let left = app
        .sql_count(&format!(
            "SELECT COUNT(*) FROM coworker_placements h JOIN coworkers c ON c.id = h.coworker_id \
             WHERE c.name = '{name}' AND h.employment_status = 'left'"
        ))
        .await;
    (rows, left)
}

async fn every_change_of_place_is_recorded_with_it(app: TestApp) {
    clear_of_midnight(STORY_MARGIN).await;
    let (lead, campaign) = app.lead_of("lead@example.org", "Mercy").await;
    let id = campaign.to_string();
    let roster =
        b"Employee ID,Name,Dept,Shift\n1,Ana Ruiz,ICU,Day\n2,Ben Ode,ICU,Day\n3,Cy Poe,ER,Night\n";
    let apply = |import: String, extra: Vec<(String, String)>| {
        let lead = lead.clone();
        let id = id.clone();
        async move {
            let mut form: Vec<(String, String)> = vec![
                ("campaign_id".into(), id),
                ("import_id".into(), import),
                ("mapping".into(), "employee_ref,name,area,shift".into()),
                ("match_by".into(), "employee_ref".into()),
                ("add_new".into(), "on".into()),
            ];
            form.extend(extra);
            let pairs: Vec<(&str, &str)> =
                form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            lead.call_ok("roster/apply", &pairs).await
        }
    };
    let upload = |content: Vec<u8>| {
        let lead = lead.clone();
        let id = id.clone();
        async move {
            let res = lead.upload_roster(&id, "roster.csv", content, false).await;
            assert_eq!(res.status(), 200);
            res.text().await.unwrap()
        }
    };
    let first = upload(roster.to_vec()).await;
    assert_eq!(apply(first, vec![]).await["added"], 3);
    assert_eq!(
        placements(&app, "Ana Ruiz").await,
        (1, 0),
        "placed as imported"
    );

    // The next list: Ana moved to the ER, Cy is gone.
    let list = lead
        .call_ok("coworkers/list", &[("campaign_id", &id)])
        .await;
    let id_of = |name: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap()["id"]
            .to_string()
    };
    let (ana, ben, cy) = (id_of("Ana Ruiz"), id_of("Ben Ode"), id_of("Cy Poe"));
    let second =
        upload(b"Employee ID,Name,Dept,Shift\n1,Ana Ruiz,ER,Day\n2,Ben Ode,ICU,Day\n".to_vec())
            .await;
    let outcome = apply(
        second,
        vec![
            ("moves[0]".into(), ana.clone()),
            ("gone[0]".into(), cy.clone()),
        ],
    )
    .await;
    assert_eq!(
        (outcome["moved"].as_i64(), outcome["marked_left"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(placements(&app, "Ana Ruiz").await, (2, 0), "the move");
    assert_eq!(placements(&app, "Cy Poe").await, (2, 1), "marked left");
    assert_eq!(placements(&app, "Ben Ode").await, (1, 0), "unchanged");

    // An edit that changes no place adds nothing; archiving and restoring each add one.
    let ben_now = lead
        .call_ok(
            "coworkers/get",
            &[("campaign_id", &id), ("coworker_id", &ben)],
        )
        .await;
    let (area, shift) = (
        ben_now["fields"]["area_id"].to_string(),
        ben_now["fields"]["shift_id"].to_string(),
    );
    let edit = [
        ("campaign_id", id.as_str()),
        ("coworker_id", ben.as_str()),
        ("name", "Ben Ode"),
        ("area_id", area.as_str()),
        ("shift_id", shift.as_str()),
        ("notes", "Carpools with Ana"),
    ];
    lead.call_ok("coworkers/update", &edit).await;
    assert_eq!(placements(&app, "Ben Ode").await, (1, 0));
    lead.call_ok(
        "coworkers/archive",
        &[("campaign_id", &id), ("coworker_id", &ben)],
    )
    .await;
    lead.call_ok(
        "coworkers/archive",
        &[
            ("campaign_id", &id),
            ("coworker_id", &ben),
            ("restore", "on"),
        ],
    )
    .await;
    assert_eq!(placements(&app, "Ben Ode").await, (3, 0));
    // A coworker added by hand is placed from that moment.
    lead.call_ok(
        "coworkers/create",
        &[("campaign_id", &id), ("name", "Di Lam"), ("area_id", &area)],
    )
    .await;
    assert_eq!(placements(&app, "Di Lam").await, (1, 0));
    // The history cannot be rewritten below the app either.
    assert!(app
        .sql("UPDATE coworker_placements SET area_id = NULL")
        .await
        .is_err());
    assert!(app.sql("DELETE FROM coworker_placements").await.is_err());

    // Today's map has Ana in the ER, Ben (restored) and Di in the ICU, Cy nowhere.
    let map = heat(&lead, &id, &[]).await;
    assert_eq!(counts(&row(&map, "ER")["total"]).0, 1);
    assert_eq!(counts(&row(&map, "ICU")["total"]).0, 2);
    assert_eq!(counts(&map["total"]).0, 3);
}

async fn the_demo_is_a_living_campaign(app: TestApp) {
    clear_of_midnight(STORY_MARGIN).await;
    // How long seeding takes is a benchmark's question (BENCHMARKS.md), not a story's.
    server::demo::seed(app.store.as_ref(), false, 600)
        .await
        .unwrap();
    let (lead, campaign) = app
        .lead_of("lead@example.org", server::demo::DEMO_CAMPAIGN)
        .await;
    let id = campaign.to_string();
    let members = lead.call_ok("members/list", &[("campaign_id", &id)]).await;
    let organizers: Vec<&Value> = members
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == "organizer")
        .collect();
    assert_eq!(organizers.len(), 5);
    assert!(organizers
        .iter()
        .all(|m| m["area_ids"].as_array().unwrap().len() == 4));
    let coverage = lead.call_ok("coverage/get", &[("campaign_id", &id)]).await;
    let unassigned = coverage["unassigned"].as_i64().unwrap();
    assert!(
        (150..=350).contains(&unassigned),
        "{unassigned} assigned to nobody"
    );
    // A few moved department over the weeks.
    let moves = app
        .sql_count("SELECT COUNT(*) - COUNT(DISTINCT coworker_id) FROM coworker_placements")
        .await;
    assert!((2..=20).contains(&moves), "{moves} moves");
    assert!(app.sql_count("SELECT COUNT(*) FROM assessments").await > 600);
    assert!(app.sql_count("SELECT COUNT(*) FROM conversations").await > 400);

    // The map has a trend: support grew over the twelve weeks, and the past differs.
    let now = heat(&lead, &id, &[]).await;
    let site = row(&now, "Mercy General");
    let trend = site["trend"].as_array().unwrap();
    let share = |p: &Value| p["supporters"].as_f64().unwrap() / p["coworkers"].as_f64().unwrap();
    assert_eq!(trend[11]["coworkers"], 600);
    assert!(share(&trend[0]) < share(&trend[11]), "{trend:?}");
    let then = heat(&lead, &id, &[("as_of", &day_ago(42))]).await;
    assert!(
        counts(&then["total"]).2 > counts(&now["total"]).2,
        "fewer unknown now"
    );
    assert_eq!(counts(&now["total"]).0, 600);
    assert!(counts(&now["total"]).3 > 0, "talked to in the last 30 days");
    let by_organizer = heat(&lead, &id, &[("dimension", "organizer")]).await;
    let columns = by_organizer["columns"].as_array().unwrap();
    // The five organizers, each with people, and unassigned: the two leads (the invite
    // issuer and this one) have nobody assigned, so they are no column.
    assert_eq!(columns.len(), 5 + 1);
    assert_eq!(columns[5]["label"], "Unassigned");
    assert!(columns
        .iter()
        .all(|c| c["label"] != "You" && c["label"] != "lead@example.org"));
    assert_eq!(
        counts(&by_organizer["column_totals"][5]).0,
        unassigned,
        "the map and coverage agree"
    );
    // The page is a row per area and a cell per column, whatever the number of coworkers
    // (the demo's areas are the same at 600 and at 100,000): well under 300 KB.
    let (status, html) = lead.get_html(&format!("/campaigns/{id}/heat")).await;
    assert_eq!(status, 200);
    println!("the demo's heat page: {} bytes of HTML", html.len());
    assert!(html.len() < 300_000, "{} bytes", html.len());
}

/// The page itself, as a phone without JavaScript gets it: the table with every cell's
/// numbers, a cell opening onto its people, the CSV download for leads; a viewer's page
/// has counts only, no names and no cell to open.
async fn the_page_draws_the_map_without_javascript(app: TestApp) {
    clear_of_midnight(STORY_MARGIN).await;
    let m = mercy(&app).await;
    let page = format!("/campaigns/{}/heat", m.id);
    let (status, html) = m.lead.get_html(&page).await;
    assert_eq!(status, 200);
    assert!(html.contains("data-testid=\"heat-table\""), "{html}");
    assert!(html.contains(">ICU<") && html.contains(">ER<") && html.contains(">Site<"));
    let trend_html = html.split("12 weeks").nth(1).unwrap_or_default();
    assert!(
        html.contains("class=\"trend\""),
        "the trend is drawn on the server: {}",
        &trend_html[..trend_html.len().min(3000)]
    );
    assert!(!html.contains(" style="), "no inline styles (our CSP)");
    // A cell opens onto its people, each a tap from their page and their log form.
    let open = html
        .split("href=\"")
        .filter_map(|rest| rest.split('"').next())
        .find(|href| href.contains("/heat/cell?"))
        .expect("a cell that opens")
        .replace("&amp;", "&");
    let (status, cell) = m.lead.get_html(&open).await;
    assert_eq!(status, 200, "{open}");
    assert!(cell.contains("data-testid=\"rating-group\""), "{cell}");
    assert!(cell.contains("/log\""), "one tap from logging a one-on-one");
    // As of a past day, the same page rebuilds the map.
    let past = (chrono::Utc::now() - chrono::Duration::days(15)).date_naive();
    let (status, html) = m.lead.get_html(&format!("{page}?as_of={past}")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains(&format!("As it stood at the end of {past}")),
        "{html}"
    );
    // Leads download it; organizers may not.
    let csv = m
        .lead
        .get_page(&format!("/campaigns/{}/heat.csv", m.id))
        .await;
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(csv.text().await.unwrap().starts_with("area,depth,column"));
    let org = m.icu_organizer(&app).await;
    let refused = org.get_page(&format!("/campaigns/{}/heat.csv", m.id)).await;
    assert_eq!(refused.status(), 403);
    // A viewer: counts only, nothing opens, no names.
    let viewer = app
        .invite_member(&m.lead, campaign(&m), "viewer@example.org", "viewer", "")
        .await;
    let (status, html) = viewer.get_html(&page).await;
    assert_eq!(status, 200);
    assert!(html.contains("data-testid=\"counts-only\""), "{html}");
    assert!(!html.contains("/heat/cell?"));
    assert!(!html.contains("Ana"));
    assert!(!html.contains("Download CSV"));
}

/// A rating as the history has it on day `days_ago`: the latest dated that many days ago
/// or more (the map as of a day counts to the end of it). `None` is unknown.
fn rating_then(history: &[(i64, i32)], days_ago: i64) -> Option<i32> {
    history
        .iter()
        .filter(|(k, _)| *k >= days_ago)
        .min_by_key(|(k, _)| *k)
        .map(|(_, r)| *r)
}

/// The rating of the one coworker in row `name`.
fn rating_in(map: &Value, name: &str) -> Option<i32> {
    let (n, rated, unknown, _) = counts(&row(map, name)["total"]);
    assert_eq!(n, 1, "{name} is on the map");
    if unknown == 1 {
        return None;
    }
    let at = rated.iter().position(|&c| c == 1).expect("rated once");
    Some(at as i32 + 1)
}

/// The coworker row keeps the last two runs of equal ratings, so most of a past map needs
/// no look into the history (migration 0015). Whatever the row knows, every past day's
/// rating is the history's: a repeated number, a changed one, three changes, and ratings
/// logged late inside a run, before the first run, and before the prior one.
async fn a_past_rating_is_the_history_s_through_runs_and_late_logs(app: TestApp) {
    clear_of_midnight(STORY_MARGIN).await;
    let (lead, campaign) = app.lead_of("runs@example.org", "Runs").await;
    let id = campaign.to_string();
    let day = shift(&lead, campaign, "Day").await;
    let names = ["Fay", "Gus", "Hal", "Ivy", "Jo"];
    let mut areas = Vec::new();
    for name in names {
        areas.push(area(&lead, campaign, name).await);
    }
    let now = Utc::now();
    let people = app
        .store
        .create_coworkers(
            app.store.campaign_key(campaign),
            &names
                .iter()
                .zip(&areas)
                .map(|(name, area)| NewCoworker {
                    fields: CoworkerFields::named((*name).into(), Some(*area), Some(day)),
                    rating: None,
                    since: Some(now - Duration::days(20)),
                })
                .collect::<Vec<_>>(),
        )
        .await
        .expect("coworkers");
    let lead_id = app
        .sql_count("SELECT id FROM users WHERE email = 'runs@example.org'")
        .await;
    // Days ago and rating, each coworker's history.
    let mut history: Vec<Vec<(i64, i32)>> = vec![
        vec![(12, 3), (10, 4), (3, 4)],
        vec![(8, 4)],
        vec![(8, 4)],
        vec![(14, 2), (12, 3), (10, 2), (3, 5)],
        vec![(12, 2), (4, 3)],
    ];
    let ratings = history
        .iter()
        .zip(&people)
        .flat_map(|(h, who)| {
            h.iter().map(move |(days, rating)| NewAssessment {
                coworker_id: *who,
                organizer_id: lead_id,
                rating: *rating,
                source: app::domain::organizing::Source::Observation,
                note: String::new(),
                at: now - Duration::days(*days),
            })
        })
        .collect();
    app.store
        .seed_history(
            campaign,
            &PastActivity {
                ratings,
                ..PastActivity::default()
            },
        )
        .await
        .expect("history");
    let runs = |condition: &str| {
        format!("SELECT COUNT(*) FROM coworkers WHERE campaign_id = {campaign} AND {condition}")
    };
    // The seeded rows know both runs: Fay's, Ivy's and Jo's prior run, Gus's and Hal's
    // first.
    assert_eq!(
        app.sql_count(&runs(
            "prior_since < rating_since AND prior_rating IS NOT NULL"
        ))
        .await,
        3
    );
    assert_eq!(
        app.sql_count(&runs("prior_since IS NULL AND rating_since IS NOT NULL"))
            .await,
        2
    );
    let check = |history: Vec<Vec<(i64, i32)>>, when: &'static str| {
        let lead = &lead;
        let id = &id;
        async move {
            for days in [16, 13, 12, 11, 10, 9, 7, 5, 3, 2, 1] {
                let map = heat(lead, id, &[("as_of", &day_ago(days)), ("trend", "off")]).await;
                for (name, h) in names.iter().zip(&history) {
                    assert_eq!(
                        rating_in(&map, name),
                        rating_then(h, days),
                        "{name} {days} days ago, {when}"
                    );
                }
            }
            let today = heat(lead, id, &[("trend", "off")]).await;
            for (name, h) in names.iter().zip(&history) {
                assert_eq!(
                    rating_in(&today, name),
                    rating_then(h, 0),
                    "{name} now, {when}"
                );
            }
        }
    };
    check(history.clone(), "as seeded").await;

    // Logged late: inside Fay's current run, another number; before Gus's first run,
    // another; before Hal's, the same; before Ivy's prior run, another; inside Jo's prior
    // run, another.
    for (n, (who, days, rating)) in [(0, 6, 2), (1, 12, 2), (2, 12, 4), (3, 11, 4), (4, 8, 5)]
        .into_iter()
        .enumerate()
    {
        let mut log = rankfile_tests::calls::log_conversation(
            campaign,
            people[who],
            &format!("late-run-0000-0000-000{n}"),
        );
        log.form.at = (now - Duration::days(days)).to_rfc3339();
        log.form.rating_after = rating.to_string();
        lead.call_fn_ok(log).await;
        history[who].push((days, rating));
    }
    check(history.clone(), "after the late logs").await;

    // Rated now: Fay the same again, Gus higher, Hal the same, Ivy lower, Jo the same.
    for (who, rating) in [(0, 4), (1, 5), (2, 4), (3, 1), (4, 3)] {
        lead.call_fn_ok(rankfile_tests::calls::set_rating(
            campaign,
            people[who],
            &rating.to_string(),
        ))
        .await;
        history[who].push((0, rating));
    }
    check(history.clone(), "after today's ratings").await;

    // The snapshots read the runs the same way.
    use app::domain::heat::{end_of_day, trend_weeks};
    let moments: Vec<_> = trend_weeks(Utc::now().date_naive())
        .into_iter()
        .map(end_of_day)
        .collect();
    let trend = || async {
        let mut weeks = app
            .store
            .heat_trend(
                app.store.campaign_key(campaign),
                &app::domain::CoworkerScope::Campaign,
                &moments,
            )
            .await
            .unwrap();
        weeks.sort_by_key(|t| (t.area_id, t.week));
        weeks
    };
    app.sql(&format!(
        "DELETE FROM heat_snapshot_weeks WHERE campaign_id = {campaign}"
    ))
    .await
    .unwrap();
    let from_histories = trend().await;
    assert!(app.store.keep_heat_snapshots(Utc::now()).await.unwrap() > 0);
    assert_eq!(trend().await, from_histories);
    check(history, "with the snapshots made").await;
}
