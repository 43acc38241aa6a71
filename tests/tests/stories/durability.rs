//! The server as a process. Acknowledged means stored: several organizers log
//! one-on-ones while the server is killed with SIGKILL mid-load and started again. Every
//! log the server acknowledged is there exactly once, with its rating and its audit row,
//! and sending it again stores nothing new. And SIGTERM stops it gently: a request in
//! flight gets its whole answer, new connections are refused, the process exits 0.
//! Each on SQLite (synchronous=FULL) and on PostgreSQL.
//!
//! The server runs as a child process ([`ServerProcess`]): this test binary, started
//! again with `--ignored --exact durability::child_server`, which serves until it is
//! stopped.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use app::api::organizing::LogConversation;
use app::domain::CoworkerFields;
use app::store::AuditEvent;
use rankfile_tests::calls::with_form;
use rankfile_tests::{calls, stories, Backend, Browser, ServerProcess, PASSWORD};
use server_fn::ServerFn;

const LOGGERS: usize = 4;

/// The child half: serves with the settings the parent put in the environment.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "the server half of the process stories; they start it themselves"]
async fn child_server() {
    rankfile_tests::serve_from_env().await;
}

stories!(
    backend;
    acknowledged_logs_survive_kill_9,
    sigterm_lets_the_request_in_flight_finish
);

/// An organizer, their campaign and a coworker, written below the app before it starts.
async fn seed(server: &ServerProcess) -> (i64, i64) {
    let settings = server.settings();
    let store = server::store::open(&settings.database_url, settings.sqlite_synchronous)
        .await
        .expect("store");
    server::users::create_user(store.as_ref(), "org@example.org", PASSWORD, Some("Mercy"))
        .await
        .expect("user");
    let campaign = store.list_campaigns().await.expect("campaigns")[0].id;
    let coworker = store
        .create_coworker(
            store.campaign_key(campaign),
            &CoworkerFields::named("Ana Reyes".into(), None, None),
            &AuditEvent::default(),
        )
        .await
        .expect("coworker")
        .id;
    (campaign, coworker)
}

/// A browser signed in as the seeded organizer.
async fn signed_in(server: &ServerProcess) -> Browser {
    let browser = server.browser();
    browser.sign_in("org@example.org", PASSWORD).await;
    second_factor_used(server).await;
    browser
}

/// The seeded account leads Mercy (the command line makes leads), so its sessions need
/// the second factor: marked so below the app, as the seed is written (second_factor.rs
/// tests the real code step). Sessions only, never the factor.
async fn second_factor_used(server: &ServerProcess) {
    rankfile_tests::sql_at(
        server.backend,
        &server.database_url,
        "UPDATE sessions SET second_factor = TRUE",
    )
    .await;
}

/// What became of one log sent.
#[derive(Debug, PartialEq)]
enum Sent {
    /// Acknowledged: stored now (true) or already stored (false).
    Acked(bool),
    /// No answer: the connection failed or timed out (the server may have been killed).
    Gone,
    /// An answer that is not a success: never expected, counted and reported.
    Refused(u16),
}

/// Sends one log.
async fn send_log(
    browser: &Browser,
    campaign: i64,
    coworker: i64,
    client_id: &str,
    rating: Option<&str>,
) -> Sent {
    let log = with_form(
        calls::log_conversation(campaign, coworker, client_id),
        |f| {
            f.notes = "Talked about the night shift.".into();
            f.rating_after = rating.unwrap_or_default().into();
        },
    );
    let Ok(res) = browser
        .request_fn(log)
        .timeout(Duration::from_secs(10))
        .send()
        .await
    else {
        return Sent::Gone;
    };
    if !res.status().is_success() {
        return Sent::Refused(res.status().as_u16());
    }
    // A body cut off mid-answer is the kill, not a refusal.
    match res.json::<serde_json::Value>().await {
        Ok(body) => body["stored"]
            .as_bool()
            .map_or(Sent::Refused(200), Sent::Acked),
        Err(_) => Sent::Gone,
    }
}

async fn acknowledged_logs_survive_kill_9(backend: Backend) {
    let mut server = ServerProcess::new(backend).await;
    let (campaign, coworker) = seed(&server).await;
    server.start();
    server.wait_until_up().await;
    let client = signed_in(&server).await;

    // Four organizers log as fast as they can; the server is killed mid-load.
    let acked: Arc<Mutex<BTreeMap<String, bool>>> = Arc::default();
    let refused: Arc<Mutex<Vec<(String, u16)>>> = Arc::default();
    let mut loggers = Vec::new();
    for logger in 0..LOGGERS {
        let (client, acked, refused) = (client.clone(), acked.clone(), refused.clone());
        loggers.push(tokio::spawn(async move {
            let mut sent = 0usize;
            for n in 0..100_000 {
                let client_id = format!("kill9-{logger}-{n:06}");
                let rating = (n % 3 == 0).then_some("2");
                sent += 1;
                match send_log(&client, campaign, coworker, &client_id, rating).await {
                    Sent::Acked(_) => {
                        acked.lock().unwrap().insert(client_id, rating.is_some());
                    }
                    // A refusal is counted (below) and the logger goes on: a logger
                    // that stopped at its first 5xx would hide every later one.
                    Sent::Refused(status) => refused.lock().unwrap().push((client_id, status)),
                    Sent::Gone => break, // the server is gone
                }
            }
            sent
        }));
    }
    let started = Instant::now();
    while acked.lock().unwrap().len() < 200 && started.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.kill();
    let mut sent = 0;
    for logger in loggers {
        sent += logger.await.expect("logger");
    }
    let acked = acked.lock().unwrap().clone();
    let refused = refused.lock().unwrap().clone();
    assert!(
        refused.is_empty(),
        "{} logs refused before the kill, e.g. {:?}",
        refused.len(),
        &refused[..refused.len().min(5)]
    );
    assert!(
        acked.len() >= 200,
        "the load ran: {} acknowledged",
        acked.len()
    );

    // Started again on the same data: every acknowledged log is there exactly once.
    server.start();
    server.wait_until_up().await;
    let ids = server
        .sql_strings("SELECT client_id FROM conversations")
        .await;
    let ratings = server.sql_count("SELECT COUNT(*) FROM assessments").await;
    let audits = server
        .sql_count("SELECT COUNT(*) FROM audit_events WHERE action = 'conversation.logged'")
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
    let client = signed_in(&server).await;
    for (id, rated) in acked.iter().take(20) {
        let rating = rated.then_some("2");
        assert_eq!(
            send_log(&client, campaign, coworker, id, rating).await,
            Sent::Acked(false),
            "{id} sent again is not stored again"
        );
    }
}

/// Reads from `conn` until `end` has been read; what was read, as text.
fn read_until(conn: &mut TcpStream, end: &[u8]) -> String {
    let mut seen = Vec::new();
    let mut byte = [0u8; 1];
    while !seen.ends_with(end) {
        match conn.read(&mut byte) {
            Ok(1) => seen.push(byte[0]),
            other => panic!(
                "the connection ended ({other:?}) after {:?}",
                String::from_utf8_lossy(&seen)
            ),
        }
    }
    String::from_utf8_lossy(&seen).into_owned()
}

/// The body of a whole HTTP/1.1 response, de-chunked if need be.
fn response_body(head: &str, rest: &[u8]) -> String {
    if !head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        return String::from_utf8_lossy(rest).into_owned();
    }
    let (mut body, mut rest) = (Vec::new(), rest);
    loop {
        let line_end = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("chunk size");
        let size = usize::from_str_radix(std::str::from_utf8(&rest[..line_end]).unwrap(), 16)
            .expect("hex chunk size");
        if size == 0 {
            return String::from_utf8_lossy(&body).into_owned();
        }
        body.extend_from_slice(&rest[line_end + 2..line_end + 2 + size]);
        rest = &rest[line_end + 2 + size + 2..];
    }
}

/// Whether a new connection to `addr` is refused, within `within`.
async fn refuses_connections(addr: std::net::SocketAddr, within: Duration) -> bool {
    let started = Instant::now();
    while started.elapsed() < within {
        match TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
            Err(err) if err.kind() == std::io::ErrorKind::ConnectionRefused => return true,
            _ => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
    false
}

async fn sigterm_lets_the_request_in_flight_finish(backend: Backend) {
    let mut server = ServerProcess::new(backend).await;
    let (campaign, coworker) = seed(&server).await;
    server.start();
    server.wait_until_up().await;
    // The session cookies, to send by hand.
    let cookies = {
        let res = server
            .browser()
            .call_fn(calls::sign_in("org@example.org", PASSWORD))
            .await;
        assert!(res.status().is_success(), "sign in: {}", res.status());
        second_factor_used(&server).await;
        res.headers()
            .get_all("set-cookie")
            .iter()
            .map(|c| c.to_str().unwrap().split(';').next().unwrap().to_owned())
            .collect::<Vec<_>>()
            .join("; ")
    };

    // A one-on-one posted over a slow connection, by hand (the test needs the bytes on
    // the wire in two halves): the headers and half the body...
    let client_id = "sigterm-in-flight-01";
    let body = format!(
        "campaign_id={campaign}&coworker_id={coworker}&client_id={client_id}\
         &rating_after=2&notes=Talked+about+the+night+shift."
    );
    let (first, rest) = body.split_at(body.len() / 2);
    let mut conn = TcpStream::connect(server.addr).expect("connect");
    conn.set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    write!(
        conn,
        "POST {} HTTP/1.1\r\nHost: {}\r\nAccept: application/json\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\
         Cookie: {cookies}\r\nExpect: 100-continue\r\n\r\n",
        LogConversation::PATH,
        server.addr,
        body.len()
    )
    .expect("send the headers");
    // ...and the server is reading it: hyper answers 100 Continue only once the handler
    // reads the body, so the request is provably in flight, not waiting in a backlog.
    let interim = read_until(&mut conn, b"\r\n\r\n");
    assert!(interim.starts_with("HTTP/1.1 100"), "{interim}");
    conn.write_all(first.as_bytes()).expect("half the body");

    server.terminate();
    // It stops taking connections at once, while the request is still open.
    assert!(
        refuses_connections(server.addr, Duration::from_secs(5)).await,
        "new connections are refused after SIGTERM"
    );
    assert!(server.running(), "it waits for the request in flight");

    // The rest of the body arrives: the answer is whole and right.
    conn.write_all(rest.as_bytes())
        .expect("the rest of the body");
    let head = read_until(&mut conn, b"\r\n\r\n");
    let mut tail = Vec::new();
    conn.read_to_end(&mut tail)
        .expect("the answer, until the server closes");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let answer: serde_json::Value =
        serde_json::from_str(&response_body(&head, &tail)).expect("a JSON answer");
    assert_eq!(answer["stored"], true, "{answer}");
    assert!(answer["conversation_id"].as_i64().is_some(), "{answer}");

    // Then the process exits, successfully, and nothing answers any more.
    let status = server
        .exit_status(Duration::from_secs(5))
        .await
        .expect("the server exits within 5 s of the last answer");
    assert!(status.success(), "{status}");
    assert!(
        TcpStream::connect(server.addr).is_err(),
        "nothing listens after it stopped"
    );
    // What it answered is stored: once, with its rating.
    let stored = format!("SELECT COUNT(*) FROM conversations WHERE client_id = '{client_id}'");
    assert_eq!(server.sql_count(&stored).await, 1);
    assert_eq!(
        server.sql_count("SELECT COUNT(*) FROM assessments").await,
        1
    );
}
