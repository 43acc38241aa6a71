//! Heat-map benchmark (issue 13), on SQLite and PostgreSQL: `heat/get` for a
//! 100,000-coworker campaign with about 1,000,000 ratings (`rankfile demo --coworkers
//! 100000 --ratings 1000000`, seeded through the same store call), now and as of a past
//! day, against `GET /healthz` measured in the same run. The store's queries are timed
//! on their own too, so the server function's time can be read as its parts.
//!
//! Run with `cargo bench -p rankfile-tests --bench heat` (Markdown on stdout).
//! `RANKFILE_BENCH_COWORKERS` and `RANKFILE_BENCH_RATINGS` scale it down for a trial;
//! `RANKFILE_BENCH_BACKEND=sqlite` (or `postgres`) runs one backend.

use std::time::{Duration, Instant};

use app::domain::heat::{end_of_day, trend_weeks, Dimension};
use app::domain::CoworkerScope;
use app::store::HeatQuery;
use chrono::Utc;
use rankfile_tests::figures::{block_on, env_or, median, p90, table_head};
use rankfile_tests::{spawn_app, Backend, Browser, TestApp};

const HEALTHZ_N: usize = 200;
const HEAT_N: usize = 15;
const WARMUP: usize = 2;
/// The past map's day: six weeks ago, inside the demo's twelve.
const AS_OF_DAYS_AGO: i64 = 42;

struct Series {
    name: String,
    samples: Vec<Duration>,
}

impl Series {
    fn median(&self) -> Duration {
        median(&self.samples)
    }

    fn p90(&self) -> Duration {
        p90(&self.samples)
    }
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1e3;
    if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else if ms >= 1.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{:.0} µs", ms * 1e3)
    }
}

/// Times `n` runs of `f` after a warm-up.
async fn time<F, Fut>(name: &str, n: usize, f: F) -> Series
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let samples = rankfile_tests::figures::timed(WARMUP, n, f).await;
    Series {
        name: name.to_owned(),
        samples,
    }
}

async fn heat(lead: &Browser, id: &str, as_of: &str, trend: &str) {
    let res = lead
        .call(
            "heat/get",
            &[("campaign_id", id), ("as_of", as_of), ("trend", trend)],
        )
        .await;
    assert_eq!(res.status(), 200);
    let body = res.bytes().await.expect("body");
    assert!(body.len() > 100);
}

async fn run_on(backend: Backend, coworkers: usize, ratings: usize) -> (String, Vec<Series>) {
    let app: TestApp = spawn_app(backend).await.expect("app");
    let started = Instant::now();
    server::demo::seed_with(app.store.as_ref(), true, coworkers, Some(ratings))
        .await
        .expect("seed");
    let seeding = started.elapsed();
    let (lead, campaign) = app
        .lead_of("lead@example.org", server::demo::DEMO_CAMPAIGN)
        .await;
    let id = campaign.to_string();
    let assessments = app.sql_count("SELECT COUNT(*) FROM assessments").await;
    let placements = app
        .sql_count("SELECT COUNT(*) FROM coworker_placements")
        .await;
    let as_of = (Utc::now() - chrono::Duration::days(AS_OF_DAYS_AGO))
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    let client = reqwest::Client::new();
    let healthz = app.url("/healthz");
    let mut series = vec![
        time("`GET /healthz` (baseline)", HEALTHZ_N, || async {
            let res = client.get(&healthz).send().await.expect("healthz");
            assert_eq!(res.status(), 200);
        })
        .await,
    ];
    // The server's keeper ran at start-up, before the campaign was seeded: the past maps
    // are read from the histories until snapshots are made (below).
    app.sql("DELETE FROM heat_snapshot_weeks")
        .await
        .expect("no snapshots");
    let store = app.store.clone();
    let now = Utc::now();
    let query = |before| HeatQuery {
        dimension: Dimension::Shift,
        scope: CoworkerScope::Campaign,
        before,
        talked_since: before.unwrap_or(now) - chrono::Duration::days(30),
    };
    let past = end_of_day(now.date_naive() - chrono::Duration::days(AS_OF_DAYS_AGO));
    let (current_q, past_q) = (query(None), query(Some(past)));
    // PostgreSQL: a database just written in bulk has no visibility map and stale
    // statistics until autovacuum reaches it (within minutes on a running server), so
    // index-only scans fetch from the heap. Measured once as seeded, then settled.
    let mut vacuum = None;
    if backend == Backend::Postgres {
        for (name, q) in [("current", &current_q), ("as of 6 weeks ago", &past_q)] {
            series.push(
                time(
                    &format!("store `heat_cells` {name}, as seeded (before autovacuum)"),
                    5,
                    || async {
                        store
                            .heat_cells(store.campaign_key(campaign), q)
                            .await
                            .expect("cells");
                    },
                )
                .await,
            );
        }
        let started = Instant::now();
        app.sql("VACUUM ANALYZE").await.expect("vacuum");
        vacuum = Some(started.elapsed());
    }
    series.push(
        time("`heat/get` current, the map (`trend=off`)", HEAT_N, || {
            heat(&lead, &id, "", "off")
        })
        .await,
    );
    series.push(
        time(
            "`heat/get` current with the 12-week trend (kept)",
            HEAT_N,
            || heat(&lead, &id, "", ""),
        )
        .await,
    );
    series.push(
        time(
            "store `heat_cells` current (one grouped query)",
            HEAT_N,
            || async {
                store
                    .heat_cells(store.campaign_key(campaign), &current_q)
                    .await
                    .expect("cells");
            },
        )
        .await,
    );
    let moments: Vec<_> = trend_weeks(now.date_naive())
        .into_iter()
        .map(end_of_day)
        .collect();
    let mut snapshots_made = (0, Duration::ZERO);
    for from in ["histories", "snapshots"] {
        if from == "snapshots" {
            let started = Instant::now();
            let made = store
                .keep_heat_snapshots(Utc::now())
                .await
                .expect("snapshots");
            snapshots_made = (made, started.elapsed());
        }
        // A past map reads the histories either way (from the snapshots measured slower:
        // see BENCHMARKS.md); the trend's weeks read the snapshots once made.
        if from == "histories" {
            series.push(
                time(
                    "`heat/get` as of 6 weeks ago, the map (`trend=off`)",
                    HEAT_N,
                    || heat(&lead, &id, &as_of, "off"),
                )
                .await,
            );
            series.push(
                time("store `heat_cells` as of 6 weeks ago", HEAT_N, || async {
                    store
                        .heat_cells(store.campaign_key(campaign), &past_q)
                        .await
                        .expect("cells");
                })
                .await,
            );
        }
        series.push(
            time(
                &format!("store `heat_trend` (12 week ends, uncached), from the {from}"),
                HEAT_N.min(5),
                || async {
                    store
                        .heat_trend(
                            store.campaign_key(campaign),
                            &CoworkerScope::Campaign,
                            &moments,
                        )
                        .await
                        .expect("trend");
                },
            )
            .await,
        );
    }
    // One week's snapshot made again (the newest: from the one before and its week).
    series.push(
        time(
            "store: one week's snapshot made (from the week before)",
            3,
            || async {
                app.sql(
                    "DELETE FROM heat_snapshot_weeks \
                 WHERE taken_for = (SELECT MAX(taken_for) FROM heat_snapshot_weeks)",
                )
                .await
                .expect("outdate");
                assert_eq!(
                    store
                        .keep_heat_snapshots(Utc::now())
                        .await
                        .expect("snapshot"),
                    1
                );
            },
        )
        .await,
    );
    let tag_q = HeatQuery {
        dimension: Dimension::Tag,
        ..query(None)
    };
    series.push(
        time("store `heat_cells` current by tag", HEAT_N, || async {
            store
                .heat_cells(store.campaign_key(campaign), &tag_q)
                .await
                .expect("cells");
        })
        .await,
    );
    // The same past map with the rows' rating runs unknown (as a database migrated to
    // 0015 starts): every coworker re-rated since the day probes the history, as a
    // campaign would where every rating changed twice or more since. The worst case.
    app.sql(
        "UPDATE coworkers SET rating_since = rated_at, prior_since = rated_at \
         WHERE rated_at IS NOT NULL",
    )
    .await
    .expect("runs unknown");
    if backend == Backend::Postgres {
        app.sql("VACUUM ANALYZE coworkers").await.expect("vacuum");
    }
    series.push(
        time(
            "`heat/get` as of 6 weeks ago, the rows' rating runs unknown (worst case)",
            HEAT_N,
            || heat(&lead, &id, &as_of, "off"),
        )
        .await,
    );
    let vacuumed = vacuum
        .map(|d| format!("; `VACUUM ANALYZE` after seeding: {:.0} s", d.as_secs_f64()))
        .unwrap_or_default();
    let label = format!(
        "{backend:?}: {coworkers} coworkers, {assessments} assessments, {placements} placements \
         (seeded in {:.0} s; {} weekly snapshots made in {:.1} s{vacuumed})",
        seeding.as_secs_f64(),
        snapshots_made.0,
        snapshots_made.1.as_secs_f64()
    );
    app.stop().await;
    (label, series)
}

async fn run() {
    let coworkers = env_or("RANKFILE_BENCH_COWORKERS", 100_000);
    let ratings = env_or("RANKFILE_BENCH_RATINGS", 1_000_000);
    println!("## Heat map (issue 13)\n");
    println!("`cargo bench -p rankfile-tests --bench heat` — median and p90 of each series.\n");
    let only = std::env::var("RANKFILE_BENCH_BACKEND").unwrap_or_default();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        if !only.is_empty() && !format!("{backend:?}").eq_ignore_ascii_case(&only) {
            continue;
        }
        let (label, series) = run_on(backend, coworkers, ratings).await;
        let base = series[0].median();
        println!("### {label}\n");
        print!("{}", table_head(&["series", "median", "p90", "× healthz"]));
        for s in &series {
            println!(
                "| {} | {} | {} | {:.0}× |",
                s.name,
                ms(s.median()),
                ms(s.p90()),
                s.median().as_secs_f64() / base.as_secs_f64()
            );
        }
        println!();
    }
}

fn main() {
    block_on(run());
}
