//! Acknowledged means stored: several organizers log one-on-ones while the server is
//! killed with SIGKILL mid-load and started again. Every log the server acknowledged is
//! there exactly once, with its rating and its audit row, and sending it again stores
//! nothing new — on SQLite (synchronous=FULL) and on PostgreSQL.
//!
//! The server runs as a child process: this test binary, started again with
//! `--ignored --exact child_server`, which serves until it is killed.

use std::collections::{BTreeMap, HashMap};
use std::process::{Child, Command};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use app::domain::CoworkerFields;
use app::store::AuditEvent;
use rankfile_tests::{sql_count_at, sql_strings_at, Backend, PASSWORD};
use sqlx::{Connection, Executor};

const LOGGERS: usize = 4;

/// The child half: serves with the settings the parent put in the environment.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "the server half of the kill -9 stories; they start it themselves"]
async fn child_server() {
    let settings = server::config::Settings::load(None).expect("settings");
    server::telemetry::init(&settings);
    let app = server::startup::Application::build(&settings)
        .await
        .expect("build");
    app.run_until_stopped().await.expect("serve");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_acknowledged_logs_survive_kill_9() {
    acknowledged_logs_survive_kill_9(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_acknowledged_logs_survive_kill_9() {
    acknowledged_logs_survive_kill_9(true).await;
}

fn pg_admin_url() -> String {
    std::env::var("RANKFILE_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

fn start_child(env: &HashMap<String, String>) -> Child {
    Command::new(std::env::current_exe().expect("test binary"))
        .args(["--ignored", "--exact", "child_server", "--nocapture"])
        .envs(env)
        .spawn()
        .expect("start the server")
}

async fn wait_until_up(client: &reqwest::Client, base: &str) {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(60) {
        if let Ok(res) = client.get(format!("{base}/healthz")).send().await {
            if res.status() == 200 {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server did not come up at {base}");
}

/// Sends one log; `Some(stored)` when the server acknowledged it.
async fn send_log(
    client: &reqwest::Client,
    base: &str,
    campaign: i64,
    coworker: i64,
    client_id: &str,
    rating: Option<&str>,
) -> Option<bool> {
    let (campaign, coworker) = (campaign.to_string(), coworker.to_string());
    let mut form = vec![
        ("campaign_id", campaign.as_str()),
        ("coworker_id", coworker.as_str()),
        ("client_id", client_id),
        ("notes", "Talked about the night shift."),
    ];
    if let Some(rating) = rating {
        form.push(("rating_after", rating));
    }
    let res = client
        .post(format!("{base}/api/conversations/log"))
        .header("accept", "application/json")
        .form(&form)
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .ok()?;
    if !res.status().is_success() {
        return None;
    }
    let body: serde_json::Value = res.json().await.ok()?;
    body["stored"].as_bool()
}

async fn acknowledged_logs_survive_kill_9(postgres: bool) {
    let id = uuid::Uuid::new_v4().simple().to_string();
    let data_dir = std::env::temp_dir().join(format!("rankfile-kill9-{id}"));
    std::fs::create_dir_all(&data_dir).expect("data dir");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut env: HashMap<String, String> = HashMap::from([
        ("RANKFILE_ADDR".into(), format!("127.0.0.1:{port}")),
        (
            "RANKFILE_DATA_DIR".into(),
            data_dir.to_string_lossy().into_owned(),
        ),
        ("RANKFILE_LOG".into(), "error".into()),
    ]);
    let pg_db = postgres.then(|| format!("rankfile_kill9_{id}"));
    if let Some(db) = &pg_db {
        let mut admin = sqlx::PgConnection::connect(&pg_admin_url())
            .await
            .expect("PostgreSQL is needed for this story");
        admin
            .execute(format!("CREATE DATABASE \"{db}\"").as_str())
            .await
            .expect("create database");
        let admin_url = pg_admin_url();
        let server = admin_url
            .rsplit_once('/')
            .map_or(admin_url.as_str(), |(b, _)| b);
        env.insert("RANKFILE_DATABASE_URL".into(), format!("{server}/{db}"));
    }

    // The campaign, an organizer and a coworker, written below the app before it starts.
    let settings = server::config::Settings::from_sources(None, &env).expect("settings");
    let (campaign, coworker) = {
        let store = server::store::open(&settings.database_url, settings.sqlite_synchronous)
            .await
            .expect("store");
        server::users::create_user(store.as_ref(), "org@example.org", PASSWORD, Some("Mercy"))
            .await
            .expect("user");
        let campaign = store.list_campaigns().await.expect("campaigns")[0].id;
        let coworker = store
            .create_coworker(
                campaign,
                &CoworkerFields::named("Ana Reyes".into(), None, None),
                &AuditEvent::default(),
            )
            .await
            .expect("coworker")
            .id;
        (campaign, coworker)
    };
    let database_url = match &settings.database_url {
        server::config::DatabaseUrl::Sqlite(url) => url.clone(),
        server::config::DatabaseUrl::Postgres(secret) => {
            secrecy::ExposeSecret::expose_secret(secret).to_owned()
        }
    };

    let mut child = start_child(&env);
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    wait_until_up(&client, &base).await;
    let res = client
        .post(format!("{base}/api/auth/sign_in"))
        .header("accept", "application/json")
        .form(&[("email", "org@example.org"), ("password", PASSWORD)])
        .send()
        .await
        .expect("sign in");
    assert!(res.status().is_success(), "sign in: {}", res.status());

    // Four organizers log as fast as they can; the server is killed mid-load.
    let acked: Arc<Mutex<BTreeMap<String, bool>>> = Arc::default();
    let mut loggers = Vec::new();
    for logger in 0..LOGGERS {
        let (client, base, acked) = (client.clone(), base.clone(), acked.clone());
        loggers.push(tokio::spawn(async move {
            let mut sent = 0usize;
            for n in 0..100_000 {
                let client_id = format!("kill9-{logger}-{n:06}");
                let rating = (n % 3 == 0).then_some("2");
                sent += 1;
                match send_log(&client, &base, campaign, coworker, &client_id, rating).await {
                    Some(_) => {
                        acked.lock().unwrap().insert(client_id, rating.is_some());
                    }
                    None => break, // the server is gone
                }
            }
            sent
        }));
    }
    let started = Instant::now();
    while acked.lock().unwrap().len() < 200 && started.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    let mut sent = 0;
    for logger in loggers {
        sent += logger.await.expect("logger");
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() >= 200,
        "the load ran: {} acknowledged",
        acked.len()
    );

    // Started again on the same data: every acknowledged log is there exactly once.
    let mut child = start_child(&env);
    wait_until_up(&client, &base).await;
    let backend = if postgres {
        Backend::Postgres
    } else {
        Backend::Sqlite
    };
    let ids = sql_strings_at(
        backend,
        &database_url,
        "SELECT client_id FROM conversations",
    )
    .await;
    let ratings = sql_count_at(backend, &database_url, "SELECT COUNT(*) FROM assessments").await;
    let audits = sql_count_at(
        backend,
        &database_url,
        "SELECT COUNT(*) FROM audit_events WHERE action = 'conversation.logged'",
    )
    .await;
    let mut stored: BTreeMap<&str, usize> = BTreeMap::new();
    for id in &ids {
        *stored.entry(id.as_str()).or_default() += 1;
    }
    for id in acked.keys() {
        assert_eq!(
            stored.get(id.as_str()),
            Some(&1),
            "acknowledged {id} stored once"
        );
    }
    assert!(stored.values().all(|n| *n == 1), "nothing stored twice");
    assert!(ids.len() <= sent, "nothing stored that was not sent");
    // A log is its conversation, its rating (every third) and its audit row, or nothing.
    assert_eq!(audits, ids.len() as i64, "one audit row per stored log");
    let rated = ids
        .iter()
        .filter(|id| {
            id.rsplit('-')
                .next()
                .and_then(|n| n.parse::<usize>().ok())
                .is_some_and(|n| n % 3 == 0)
        })
        .count();
    assert_eq!(ratings, rated as i64, "each rated log kept its rating");

    // The phones that never heard back send again: nothing acknowledged is stored twice.
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let res = client
        .post(format!("{base}/api/auth/sign_in"))
        .header("accept", "application/json")
        .form(&[("email", "org@example.org"), ("password", PASSWORD)])
        .send()
        .await
        .expect("sign in again");
    assert!(res.status().is_success());
    for (id, rated) in acked.iter().take(20) {
        let rating = rated.then_some("2");
        assert_eq!(
            send_log(&client, &base, campaign, coworker, id, rating).await,
            Some(false),
            "{id} sent again is not stored again"
        );
    }

    child.kill().ok();
    child.wait().ok();
    let _ = std::fs::remove_dir_all(&data_dir);
    if let Some(db) = pg_db {
        if let Ok(mut admin) = sqlx::PgConnection::connect(&pg_admin_url()).await {
            let _ = admin
                .execute(format!("DROP DATABASE IF EXISTS \"{db}\" WITH (FORCE)").as_str())
                .await;
        }
    }
}
