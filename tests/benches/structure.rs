//! Structure-test benchmark (issue 14), on SQLite and PostgreSQL, against `GET /healthz`
//! measured in the same run:
//! - recording participation at a fixed rate (default 200 marks a second for 10 s, each a
//!   one-tap `structure/record` of a different person, sent whether or not the last one
//!   has answered): p50 and p99, and every acknowledged mark counted in the database;
//! - the live tally of a 100,000-person scope (`pages/test_tally`, and the store's one
//!   grouped query on its own), and the lead's test page (the tally and 300 names).
//!
//! The campaign is the demo's (`rankfile demo --coworkers 100000`), whose "Red badge day"
//! is live over everyone. Run with `cargo bench -p rankfile-tests --bench structure`
//! (Markdown on stdout). `RANKFILE_BENCH_COWORKERS`, `RANKFILE_BENCH_RATE` and
//! `RANKFILE_BENCH_SECS` scale it; `RANKFILE_BENCH_BACKEND=sqlite` (or `postgres`) runs
//! one backend.

use std::sync::Arc;
use std::time::{Duration, Instant};

use app::api::structure::{RecordMarks, TestTallyPage};
use app::domain::structure::TestStatus;
use app::domain::CoworkerScope;
use app::store::TestPeopleFilter;
use rankfile_tests::figures::{block_on, env_or, ms, timed};
use rankfile_tests::{calls, spawn_app, Backend, Browser, TestApp};

const REPEATS: usize = 15;

/// The `q`-quantile of sorted samples (nearest rank).
fn quantile(sorted: &[Duration], q: f64) -> Duration {
    let rank = ((sorted.len() as f64) * q).ceil().max(1.0) as usize;
    sorted[rank.min(sorted.len()) - 1]
}

struct Line {
    name: String,
    p50: Duration,
    p99: Duration,
    note: String,
}

/// Times `n` sequential runs of `f` after two warm-ups.
async fn sequential<F, Fut>(name: &str, n: usize, f: F) -> Line
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let samples = timed(2, n, f).await;
    Line {
        name: name.into(),
        p50: quantile(&samples, 0.5),
        p99: quantile(&samples, 0.99),
        note: format!("{n} in a row"),
    }
}

/// Sends `send(i)` at `rate` a second for `secs`, never waiting for an answer before the
/// next; the latency of each, and how many failed.
async fn open_loop<F, Fut>(rate: f64, secs: f64, send: F) -> (Vec<Duration>, usize)
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = bool> + Send + 'static,
{
    let total = (rate * secs) as usize;
    let period = Duration::from_secs_f64(1.0 / rate);
    let start = tokio::time::Instant::now();
    let mut tasks = Vec::with_capacity(total);
    for i in 0..total {
        tokio::time::sleep_until(start + period * i as u32).await;
        let request = send(i);
        tasks.push(tokio::spawn(async move {
            let started = Instant::now();
            let ok = request.await;
            (started.elapsed(), ok)
        }));
    }
    let mut samples = Vec::with_capacity(total);
    let mut failed = 0;
    for t in tasks {
        let (d, ok) = t.await.expect("request task");
        samples.push(d);
        failed += usize::from(!ok);
    }
    samples.sort();
    (samples, failed)
}

async fn run_on(backend: Backend, coworkers: usize, rate: f64, secs: f64) -> (String, Vec<Line>) {
    let app: TestApp = spawn_app(backend).await.expect("app");
    let started = Instant::now();
    server::demo::seed_with(app.store.as_ref(), true, coworkers, None)
        .await
        .expect("seed");
    let seeding = started.elapsed();
    let (lead, campaign_id) = app
        .lead_of("lead@example.org", server::demo::DEMO_CAMPAIGN)
        .await;
    let store = app.store.clone();
    let (live, counts) = store
        .structure_tests(store.campaign_key(campaign_id), None)
        .await
        .expect("tests")
        .into_iter()
        .find(|(t, _)| t.status == TestStatus::Live)
        .expect("the demo has a live test");
    let test_id = live.id;
    let scope = counts.expect("counts").scope;
    let client = reqwest::Client::new();
    let healthz = Arc::new(app.url("/healthz"));
    let mut lines = Vec::new();

    // The baseline and the recording, at the same fixed rate.
    let (samples, failed) = open_loop(rate, secs, |_| {
        let (client, url) = (client.clone(), healthz.clone());
        async move {
            client
                .get(url.as_str())
                .send()
                .await
                .is_ok_and(|r| r.status() == 200)
        }
    })
    .await;
    lines.push(Line {
        name: format!("`GET /healthz` (baseline) at {rate:.0}/s"),
        p50: quantile(&samples, 0.5),
        p99: quantile(&samples, 0.99),
        note: format!("{} sent, {failed} failed", samples.len()),
    });
    let (people, _) = store
        .test_people(
            store.campaign_key(campaign_id),
            test_id,
            &CoworkerScope::Campaign,
            &TestPeopleFilter {
                limit: (rate * secs) as i64,
                ..TestPeopleFilter::default()
            },
        )
        .await
        .expect("people");
    let people: Arc<Vec<i64>> = Arc::new(people.iter().map(|p| p.coworker_id).collect());
    let before = app
        .sql_count("SELECT COUNT(*) FROM participation_marks")
        .await;
    let recorder: Browser = lead.clone();
    let (samples, failed) = open_loop(rate, secs, |i| {
        let (browser, people) = (recorder.clone(), people.clone());
        async move {
            let who = people[i % people.len()];
            let args = RecordMarks {
                one: format!("{who}:took_part"),
                ..calls::record(campaign_id, test_id, &format!("bench-mark-{i:08}"), "", &[])
            };
            browser.call_fn(args).await.status() == 200
        }
    })
    .await;
    let stored = app
        .sql_count("SELECT COUNT(*) FROM participation_marks")
        .await
        - before;
    let acknowledged = samples.len() - failed;
    lines.push(Line {
        name: format!("`structure/record`, one tap, at {rate:.0}/s"),
        p50: quantile(&samples, 0.5),
        p99: quantile(&samples, 0.99),
        note: format!(
            "{} sent, {acknowledged} acknowledged, {stored} stored: {} lost",
            samples.len(),
            acknowledged as i64 - stored
        ),
    });

    // The live tally of the whole scope.
    let (id, tid) = (campaign_id, test_id);
    lines.push(
        sequential(
            "`pages/test_tally` (the projector's count)",
            REPEATS,
            || async {
                lead.call_fn_ok(TestTallyPage {
                    campaign_id: id,
                    test_id: tid,
                })
                .await;
            },
        )
        .await,
    );
    lines.push(
        sequential(
            "store `test_tally` alone (one grouped query)",
            REPEATS,
            || async {
                store
                    .test_tally(store.campaign_key(id), tid, None)
                    .await
                    .expect("tally");
            },
        )
        .await,
    );
    lines.push(
        sequential(
            "`pages/test` for the lead (count + 300 names)",
            REPEATS,
            || async {
                lead.call_fn_ok(calls::test_page(id, tid)).await;
            },
        )
        .await,
    );
    let label = format!(
        "{backend:?}: a scope of {scope} people ({coworkers} coworkers seeded in {:.0} s)",
        seeding.as_secs_f64()
    );
    app.stop().await;
    (label, lines)
}

async fn run() {
    let coworkers = env_or("RANKFILE_BENCH_COWORKERS", 100_000usize);
    let rate = env_or("RANKFILE_BENCH_RATE", 200.0f64);
    let secs = env_or("RANKFILE_BENCH_SECS", 10.0f64);
    println!("## Structure tests (issue 14)\n");
    println!("`cargo bench -p rankfile-tests --bench structure` — p50 and p99 of each series.\n");
    let only = std::env::var("RANKFILE_BENCH_BACKEND").unwrap_or_default();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        if !only.is_empty() && !format!("{backend:?}").eq_ignore_ascii_case(&only) {
            continue;
        }
        let (label, lines) = run_on(backend, coworkers, rate, secs).await;
        let base = lines[0].p50.as_secs_f64();
        println!("### {label}\n");
        println!("| series | p50 | p99 | p50 × healthz | |");
        println!("|---|---|---|---|---|");
        for l in &lines {
            println!(
                "| {} | {} | {} | {:.0}× | {} |",
                l.name,
                ms(l.p50),
                ms(l.p99),
                l.p50.as_secs_f64() / base,
                l.note
            );
        }
        println!();
    }
}

fn main() {
    block_on(run());
}
