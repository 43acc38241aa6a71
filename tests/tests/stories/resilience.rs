//! Stories: hardening against bad input, hangs and careless defaults (issue 9).
//!
//! - Signed-in pages render completely, every time, under concurrency. About one render
//!   in 2,000 used to panic a worker ("Tried to access a reactive value that has already
//!   been disposed") in the sign-out form's `ReturnTo` under `TopBar`'s `Suspense`, and
//!   the response never finished.
//! - Roster uploads beyond the limits (columns, cell length, the campaign field, the
//!   content type) get a named 4xx answer and store nothing.
//! - The data folder, the database and the key are the service's alone; a data folder
//!   others can write to stops start-up; an employer's list is deleted once its import
//!   is applied or abandoned, and only its summary stays.
//! - Campaign data is never cached; HSTS when served over https; the CSV export refuses
//!   cross-site requests and does not audit them.

use std::os::unix::fs::PermissionsExt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use app::api::campaigns::{GetCampaign, ListCampaigns};
use app::api::roster::ApplyRoster;
use rankfile_tests::{
    area, calls, coworker, field_of, on_database, spawn_app_with, spawn_app_with_routes, stories,
    Backend, Browser, TestApp,
};
use serde_json::Value;
use tokio::sync::Semaphore;

stories!(
    signed_in_pages_render_completely_thousands_of_times,
    roster_files_beyond_the_limits_are_refused_by_name,
    malformed_upload_requests_are_refused_by_name,
    data_files_are_private_to_the_service,
    an_applied_import_keeps_only_its_summary,
    an_abandoned_import_is_purged_after_a_day,
    campaign_data_is_never_cached,
    the_export_refuses_cross_site_requests,
);

/// Makes an import look as if it was uploaded at `when`, below the app.
async fn backdate(app: &TestApp, import: i64, when: chrono::DateTime<chrono::Utc>) {
    let sql = "UPDATE roster_imports SET created_at = $1 WHERE id = $2";
    on_database!(app.backend, &app.database_url, |db| {
        sqlx::query(sql)
            .bind(when)
            .bind(import)
            .execute(&mut db)
            .await
            .unwrap();
    });
}

async fn stored_imports(app: &TestApp) -> i64 {
    app.sql_count("SELECT COUNT(*) FROM roster_imports").await
}

/// Uploads `content` and returns the status and the validation message, if any.
async fn upload_answer(lead: &Browser, id: &str, content: Vec<u8>) -> (u16, String, String) {
    let res = lead.upload_roster(id, "list.csv", content, false).await;
    let status = res.status().as_u16();
    let body = res.text().await.unwrap();
    let json: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    (
        status,
        field_of(&body),
        json["Validation"]["message"]
            .as_str()
            .map(str::to_owned)
            .unwrap_or(body),
    )
}

/// How many renders, and how many at once; `RANKFILE_SOAK_RENDERS` / `RANKFILE_SOAK_AT_ONCE`
/// change them to hunt for rarer failures by hand.
fn soak(var: &str, default: usize) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn signed_in_pages_render_completely_thousands_of_times(app: TestApp) {
    let renders = soak("RANKFILE_SOAK_RENDERS", 5_000);
    let at_once = soak("RANKFILE_SOAK_AT_ONCE", 24);
    let (lead, campaign_id) = app.lead_of("lena@example.org", "Soak Plant").await;
    let id = campaign_id.to_string();
    let dock = area(&lead, campaign_id, "Loading dock").await;
    let cid = coworker(&lead, campaign_id, "Rosa Parks", dock).await;

    // Each route with something only its own page shows.
    let pages: Arc<Vec<(String, &'static str)>> = Arc::new(vec![
        ("/".to_owned(), "Your campaigns"),
        (format!("/campaigns/{id}"), "Soak Plant"),
        (format!("/campaigns/{id}/chart"), "Rosa Parks"),
        (format!("/campaigns/{id}/my"), "My list"),
        (format!("/campaigns/{id}/coworkers/{cid}"), "Loading dock"),
        ("/account".to_owned(), "Your account"),
    ]);
    // A short timeout: a hung render must fail the story, not stall it for 30 s.
    let client = lead.client.clone();
    let address = lead.address.clone();
    let gate = Arc::new(Semaphore::new(at_once));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(renders);
    for n in 0..renders {
        let permit = gate.clone().acquire_owned().await.unwrap();
        let client = client.clone();
        let pages = pages.clone();
        let url = format!("{address}{}", pages[n % pages.len()].0);
        tasks.push(tokio::spawn(async move {
            let _permit = permit;
            let expected = pages[n % pages.len()].1;
            let res = client
                .get(&url)
                .header("accept", "text/html,application/xhtml+xml")
                .timeout(Duration::from_secs(10))
                .send()
                .await
                .map_err(|e| {
                    // The whole chain: "error sending request" alone hides timeout vs reset.
                    let mut text = format!("{url}: {e}");
                    let mut source = std::error::Error::source(&e);
                    while let Some(cause) = source {
                        text.push_str(&format!(" <- {cause}"));
                        source = cause.source();
                    }
                    if e.is_timeout() {
                        text.push_str(" [timed out]");
                    }
                    text
                })?;
            let status = res.status();
            let body = res.text().await.map_err(|e| format!("{url}: body: {e}"))?;
            if status != 200 {
                return Err(format!("{url}: {status}"));
            }
            // Leptos streams the resolved resources' scripts after `</html>`.
            if !body.contains("</html>") {
                return Err(format!("{url}: cut short ({} bytes)", body.len()));
            }
            if !body.contains(expected) || !body.contains("Sign out") {
                return Err(format!("{url}: lacks {expected:?} or the sign-out form"));
            }
            Ok::<(), String>(())
        }));
    }
    let mut failures = Vec::new();
    for task in tasks {
        if let Err(err) = task.await.expect("render task") {
            failures.push(err);
        }
    }
    let took = started.elapsed();
    eprintln!(
        "{renders} renders ({at_once} at once) on {:?}: {} failed in {took:.1?}",
        app.backend,
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {renders} renders failed, e.g. {:?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );
    app.stop().await;
}

async fn roster_files_beyond_the_limits_are_refused_by_name(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lena@example.org", "Limits").await;
    let id = campaign_id.to_string();

    // A header of a million commas would make every row a million cells.
    let mut csv = format!("Name{}\n", ",".repeat(1_000_000));
    for n in 0..3 {
        csv.push_str(&format!("Worker {n}\n"));
    }
    let (status, field, message) = upload_answer(&lead, &id, csv.into_bytes()).await;
    assert_eq!(status, 422, "{message}");
    assert_eq!(field, "file");
    assert!(
        message.contains("Line 1")
            && message.contains("1,000,001 columns")
            && message.contains("200"),
        "{message}"
    );

    // 201 columns: one over the limit.
    let header: Vec<String> = (1..=201).map(|c| format!("Column {c}")).collect();
    let csv = format!("Name,{}\nAna,x\n", header[1..].join(","));
    let (status, _, message) = upload_answer(&lead, &id, csv.into_bytes()).await;
    assert_eq!(status, 422, "{message}");
    assert!(
        message.contains("201 columns") && message.contains("at most 200"),
        "{message}"
    );
    // 200 columns are fine.
    let csv = format!("Name,{}\nAna,x\n", header[1..200].join(","));
    let (status, _, message) = upload_answer(&lead, &id, csv.into_bytes()).await;
    assert_eq!(status, 200, "{message}");
    assert_eq!(stored_imports(&app).await, 1);

    // A 100 KB cell.
    let csv = format!("Name,Dept\nAna,ICU\nBen,{}\n", "x".repeat(100 * 1024));
    let (status, field, message) = upload_answer(&lead, &id, csv.into_bytes()).await;
    assert_eq!(status, 422, "{message}");
    assert_eq!(field, "file");
    assert!(
        message.contains("Line 3") && message.contains("1,000 characters"),
        "{message}"
    );
    assert_eq!(
        stored_imports(&app).await,
        1,
        "refused files are not stored"
    );
    app.stop().await;
}

async fn malformed_upload_requests_are_refused_by_name(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lena@example.org", "Limits").await;
    let id = campaign_id.to_string();
    let url = lead.url("/api/roster/upload");

    // Not multipart at all: 400, never a panic, and the server keeps serving.
    for (content_type, body) in [
        (
            "application/x-www-form-urlencoded",
            format!("campaign_id={id}"),
        ),
        ("application/json", format!("{{\"campaign_id\":{id}}}")),
        ("multipart/form-data", "no boundary".to_owned()),
        ("text/csv", "Name\nAna\n".to_owned()),
    ] {
        let res = lead
            .client
            .post(&url)
            .header("content-type", content_type)
            .header("accept", "application/json")
            .timeout(Duration::from_secs(10))
            .body(body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{content_type}: no answer: {e}"));
        assert_eq!(res.status(), 400, "{content_type}");
        let text = res.text().await.unwrap();
        assert!(
            text.contains("multipart/form-data"),
            "{content_type}: {text}"
        );
    }
    let res = lead
        .client
        .post(&url)
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .expect("an answer without a content type");
    assert_eq!(res.status(), 400);

    // A campaign field of 100 KB is refused by name, unread past its limit.
    let form = reqwest::multipart::Form::new()
        .text("campaign_id", "1".repeat(100 * 1024))
        .part(
            "file",
            reqwest::multipart::Part::bytes(b"Name\nAna\n".to_vec())
                .file_name("list.csv")
                .mime_str("text/csv")
                .unwrap(),
        );
    let res = lead
        .client
        .post(&url)
        .header("accept", "application/json")
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = res.status();
    // The body was left unread: the answer closes its connection, and says so (a
    // client that reused it for the next request got no answer: a CI run's flake).
    let connection = res.headers().get("connection").cloned();
    let json: Value = res.json().await.unwrap_or(Value::Null);
    assert_eq!(status, 422, "{json}");
    assert_eq!(
        connection.as_ref().and_then(|v| v.to_str().ok()),
        Some("close")
    );
    assert_eq!(json["Validation"]["field"], "campaign_id", "{json}");
    assert!(
        json["Validation"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("32 bytes"),
        "{json}"
    );
    assert_eq!(stored_imports(&app).await, 0, "nothing was stored");
    assert_eq!(lead.get_page("/healthz").await.status(), 200);
    // The real form still works.
    let (status, _, message) = upload_answer(&lead, &id, b"Name\nAna\n".to_vec()).await;
    assert_eq!(status, 200, "{message}");
    app.stop().await;
}

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

async fn data_files_are_private_to_the_service(app: TestApp) {
    // A write, so SQLite has its -wal and -shm files.
    let _ = app.lead_of("lena@example.org", "Private").await;
    let dir = app.data_dir().to_owned();
    assert_eq!(mode(&dir), 0o700, "the data folder");
    assert_eq!(mode(&dir.join("jwt.key")), 0o600, "the key");
    if app.backend == Backend::Sqlite {
        let db = std::path::PathBuf::from(
            app.database_url
                .trim_start_matches("sqlite://")
                .split('?')
                .next()
                .unwrap(),
        );
        assert!(db.starts_with(&dir), "{}", db.display());
        for suffix in ["", "-wal", "-shm"] {
            let file = std::path::PathBuf::from(format!("{}{suffix}", db.display()));
            assert_eq!(mode(&file), 0o600, "{}", file.display());
        }
    }
    app.stop().await;
}

/// Start-up refuses a data folder that other users can write to, naming it and the fix.
async fn refuses_a_world_writable_data_dir(backend: Backend) {
    let dir = std::env::temp_dir().join(format!("rankfile-open-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    let mut env = std::collections::HashMap::new();
    env.insert("RANKFILE_ADDR".to_owned(), "127.0.0.1:0".to_owned());
    env.insert("RANKFILE_DATA_DIR".to_owned(), dir.display().to_string());
    if backend == Backend::Postgres {
        // Never reached: the folder is checked first.
        env.insert(
            "RANKFILE_DATABASE_URL".to_owned(),
            "postgres://postgres@127.0.0.1:5432/rankfile_never_created".to_owned(),
        );
    }
    let settings = server::config::Settings::from_sources(None, &env).unwrap();
    let result = server::startup::Application::build(&settings).await;
    let err = match result {
        Ok(_) => panic!("started with a world-writable data folder"),
        Err(err) => format!("{err:#}"),
    };
    assert!(
        err.contains(&dir.display().to_string()) && err.contains("chmod 700"),
        "{err}"
    );
    assert!(
        !dir.join("rankfile.db").exists() && !dir.join("jwt.key").exists(),
        "nothing was written there"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_world_writable_data_dir_refuses_to_start_sqlite() {
    refuses_a_world_writable_data_dir(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_world_writable_data_dir_refuses_to_start_postgres() {
    refuses_a_world_writable_data_dir(Backend::Postgres).await;
}

const SMALL_LIST: &[u8] = b"Employee Name,Dept\nAna Lopez,ICU\nBen Okafor,ER\nCleo Diaz,ICU\n";

async fn upload_ok(lead: &Browser, campaign_id: i64, filename: &str) -> i64 {
    lead.upload_roster_ok(campaign_id, filename, SMALL_LIST.to_vec())
        .await
}

/// The import's preview (answered, and as a page) is its summary alone, `status`; the
/// preview's answer.
async fn summary_only(
    lead: &Browser,
    campaign_id: i64,
    import: i64,
    filename: &str,
    status: &str,
) -> Value {
    let preview = lead
        .call_fn_ok(calls::preview_roster(campaign_id, import))
        .await;
    assert_eq!(preview["status"], status);
    assert_eq!(preview["filename"], filename);
    let (code, html) = lead
        .get_html(&format!("/campaigns/{campaign_id}/import/{import}"))
        .await;
    assert_eq!(code, 200);
    assert!(
        html.contains(filename) && html.contains("no longer kept"),
        "{html}"
    );
    preview
}

async fn an_applied_import_keeps_only_its_summary(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lena@example.org", "Summary").await;
    let import = upload_ok(&lead, campaign_id, "employer-list.csv").await;
    let content =
        format!("SELECT CAST(length(content) AS BIGINT) FROM roster_imports WHERE id = {import}");
    assert!(app.sql_count(&content).await > 0, "kept until applied");
    let outcome = lead
        .call_fn_ok(calls::apply_roster(campaign_id, import, "name,area"))
        .await;
    assert_eq!(outcome["added"], 3);
    assert_eq!(
        app.sql_count(&content).await,
        0,
        "the list is gone once applied"
    );
    assert_eq!(
        app.sql_count(&format!(
            "SELECT row_count * 100 + new_count FROM roster_imports WHERE id = {import}"
        ))
        .await,
        303,
        "the summary stays"
    );
    // The preview shows the summary, not an error.
    let preview = summary_only(&lead, campaign_id, import, "employer-list.csv", "applied").await;
    assert_eq!(preview["summary"]["rows"], 3);
    assert_eq!(preview["summary"]["new"], 3);
    app.stop().await;
}

async fn an_abandoned_import_is_purged_after_a_day(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lena@example.org", "Sweep").await;
    let old = upload_ok(&lead, campaign_id, "old-list.csv").await;
    backdate(&app, old, chrono::Utc::now() - chrono::Duration::days(2)).await;
    // A fresh pending upload is kept; the one abandoned two days ago is swept by the
    // server's own sweep (at start-up and every hour; never on a request's path).
    let fresh = upload_ok(&lead, campaign_id, "new-list.csv").await;
    let abandoned =
        chrono::Utc::now() - chrono::TimeDelta::hours(app::domain::roster::ABANDONED_AFTER_HOURS);
    assert_eq!(
        app.store.purge_abandoned_rosters(abandoned).await.unwrap(),
        1
    );
    let content = |import: i64| {
        format!("SELECT CAST(length(content) AS BIGINT) FROM roster_imports WHERE id = {import}")
    };
    assert_eq!(
        app.sql_count(&content(old)).await,
        0,
        "the abandoned list is deleted"
    );
    assert!(
        app.sql_count(&content(fresh)).await > 0,
        "a fresh one is kept"
    );
    assert_eq!(
        app.sql_count(&format!(
            "SELECT row_count FROM roster_imports WHERE id = {old}"
        ))
        .await,
        3,
        "its summary stays"
    );
    summary_only(&lead, campaign_id, old, "old-list.csv", "discarded").await;
    // It cannot be applied any more.
    let apply: ApplyRoster = calls::apply_roster(campaign_id, old, "name,area");
    let res = lead.call_fn(apply).await;
    assert_eq!(res.status(), 409);
    app.stop().await;
}

fn cache_control(res: &reqwest::Response) -> String {
    res.headers()
        .get("cache-control")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

async fn campaign_data_is_never_cached(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lena@example.org", "No Cache").await;
    let id = campaign_id.to_string();
    for path in [
        "/".to_owned(),
        format!("/campaigns/{id}"),
        format!("/campaigns/{id}/chart"),
        "/login".to_owned(),
        "/no-such-page".to_owned(),
    ] {
        let res = lead.get_page(&path).await;
        assert_eq!(cache_control(&res), "no-store", "{path}");
    }
    let res = lead.call_fn(ListCampaigns {}).await;
    assert_eq!(res.status(), 200);
    assert_eq!(cache_control(&res), "no-store", "a server function");
    let res = lead
        .call_fn(GetCampaign {
            campaign_id: 999999,
        })
        .await;
    assert_eq!(cache_control(&res), "no-store", "an error");
    // Served over plain HTTP (as tests are), no HSTS.
    assert!(lead
        .get_page("/")
        .await
        .headers()
        .get("strict-transport-security")
        .is_none());
    app.stop().await;

    // Behind https, browsers are told to use nothing else.
    // (An app that did not start fails here: it used to skip this half unseen.)
    let https = spawn_app_with(
        app_backend_for_https(),
        &[("RANKFILE_PUBLIC_URL", "https://rankfile.example.org")],
    )
    .await
    .expect("the app behind https");
    for path in ["/", "/login", "/healthz"] {
        let res = https.get_page(path).await;
        assert_eq!(
            res.headers()
                .get("strict-transport-security")
                .and_then(|v| v.to_str().ok()),
            Some("max-age=63072000; includeSubDomains"),
            "{path}"
        );
    }
    https.stop().await;
}

/// The HSTS half only reads settings; SQLite keeps it cheap.
fn app_backend_for_https() -> Backend {
    Backend::Sqlite
}

async fn the_export_refuses_cross_site_requests(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lena@example.org", "Export").await;
    let id = campaign_id.to_string();
    let url = lead.url(&format!("/campaigns/{id}/export.csv"));
    let fetch = |site: Option<&'static str>| {
        let mut req = lead.client.get(&url).header("accept", "text/csv");
        if let Some(site) = site {
            req = req.header("sec-fetch-site", site);
        }
        req.send()
    };
    for site in ["cross-site", "same-site"] {
        let res = fetch(Some(site)).await.unwrap();
        assert_eq!(res.status(), 403, "{site}");
        assert!(!res.text().await.unwrap().starts_with("id,name"), "{site}");
    }
    let exports = |audit: &Value| {
        audit
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "chart.exported")
            .count()
    };
    let audit = lead.call_fn_ok(calls::audit_log(campaign_id)).await["entries"].clone();
    assert_eq!(
        exports(&audit),
        0,
        "refused exports are not audited: {audit}"
    );
    for site in [Some("same-origin"), Some("none"), None] {
        let res = fetch(site).await.unwrap();
        assert_eq!(res.status(), 200, "{site:?}");
        assert!(res.text().await.unwrap().starts_with("id,name"), "{site:?}");
    }
    let audit = lead.call_fn_ok(calls::audit_log(campaign_id)).await["entries"].clone();
    assert_eq!(exports(&audit), 3);
    app.stop().await;
}

/// A handler that panics, mounted by this test only: production has no such route and no
/// setting that adds one (`Application::build_with_routes` is how tests add routes).
fn panicking_routes() -> axum::Router<app::state::AppState> {
    async fn panics() -> &'static str {
        panic!("a handler panicked on purpose")
    }
    axum::Router::new().route("/__test/panic", axum::routing::get(panics))
}

/// Its own servers (with the panicking route), so its own module of stories.
mod panics {
    use super::*;

    stories!(backend; a_panicking_handler_answers_500_at_once);

    async fn a_panicking_handler_answers_500_at_once(backend: Backend) {
        let app = spawn_app_with_routes(backend, &[], panicking_routes())
            .await
            .expect("the app with a panicking route");
        let (lead, _) = app.lead_of("lena@example.org", "Panic").await;
        for _ in 0..3 {
            let started = Instant::now();
            let res = lead
                .client
                .get(lead.url("/__test/panic"))
                .timeout(Duration::from_secs(10))
                .send()
                .await
                .expect("an answer, not a dropped connection or a hang");
            assert_eq!(res.status(), 500);
            assert_eq!(cache_control(&res), "no-store");
            assert_eq!(res.headers()["x-content-type-options"], "nosniff");
            let body = res.text().await.unwrap();
            assert!(body.contains("Something went wrong"), "{body}");
            assert!(
                !body.contains("on purpose"),
                "the panic's text stays in the log"
            );
            assert!(started.elapsed() < Duration::from_secs(5), "promptly");
        }
        // The server keeps serving.
        assert_eq!(lead.get_page("/healthz").await.status(), 200);
        let (status, html) = lead.get_html("/").await;
        assert_eq!(status, 200);
        assert!(html.contains("Panic"), "{html}");
        app.stop().await;
    }
}
