//! Load benchmark (issue 28): members who load the heavy pages in a loop must slow
//! themselves, not everyone. `CLIENTS` clients each load, in turn, a vote page of about
//! 90 people (the exact model's worst size) as a viewer and as the lead, the heat map as a
//! viewer at a random allowed past day (a Sunday up to twelve weeks back), and the lead's
//! dashboard, for `RANKFILE_BENCH_SECS` seconds; meanwhile `GET /healthz` is asked every
//! 20 ms. Reported: p50 / p99 / max of each page under load, `/healthz` idle and under
//! load (and their ratio), and the server's peak resident memory.
//!
//! Run with `cargo bench -p rankfile-tests --bench load` (Markdown on stdout).
//! `RANKFILE_BENCH_COWORKERS` (default 600, the demo; 100000 for the size),
//! `RANKFILE_BENCH_SECS` (default 20; the issue asks 60) and `RANKFILE_BENCH_BACKEND`
//! (`sqlite` by default, or `postgres`) set it. The server runs in this process on a
//! runtime of its own; the clients on another; the probe on a thread of its own.

use std::sync::Arc;
use std::time::{Duration, Instant};

use app::api::dashboard::DashboardPage;
use chrono::{Datelike, Utc};
use rankfile_tests::figures::{block_on, env_or, machine};
use rankfile_tests::{calls, spawn_app, Backend, Browser};
use tokio::sync::Mutex;

const CLIENTS: usize = 8;
const IDLE_PROBES: usize = 200;
const PROBE_EVERY: Duration = Duration::from_millis(20);

fn quantile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((sorted.len() as f64) * q).ceil().max(1.0) as usize;
    sorted[rank.min(sorted.len()) - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

/// The process's peak resident memory (VmHWM), in MB.
fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The Sunday `weeks` weeks before the last one (UTC), as YYYY-MM-DD.
fn sunday_back(weeks: i64) -> String {
    let today = Utc::now().date_naive();
    let since_sunday = i64::from(today.weekday().num_days_from_sunday());
    (today - chrono::Duration::days(since_sunday + 7 * weeks))
        .format("%Y-%m-%d")
        .to_string()
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Page {
    VoteViewer,
    VoteLead,
    PastHeatViewer,
    Dashboard,
}

const PAGES: [Page; 4] = [
    Page::VoteViewer,
    Page::VoteLead,
    Page::PastHeatViewer,
    Page::Dashboard,
];

impl Page {
    fn label(self) -> &'static str {
        match self {
            Page::VoteViewer => "vote page (≈90 people), viewer",
            Page::VoteLead => "vote page (≈90 people), lead",
            Page::PastHeatViewer => "heat map at a past Sunday, viewer",
            Page::Dashboard => "dashboard (campaign home), lead",
        }
    }
}

struct Setup {
    lead: Browser,
    viewer: Browser,
    campaign: i64,
    plan: i64,
}

async fn load(setup: Arc<Setup>, page: Page, turn: u64) -> Duration {
    let started = Instant::now();
    let s = &setup;
    let status = match page {
        Page::VoteViewer => {
            s.viewer
                .status_fn(calls::vote_page(s.campaign, s.plan))
                .await
        }
        Page::VoteLead => s.lead.status_fn(calls::vote_page(s.campaign, s.plan)).await,
        Page::PastHeatViewer => {
            let id = s.campaign.to_string();
            let day = sunday_back((turn % 12) as i64);
            s.viewer
                .call("heat/get", &[("campaign_id", &id), ("as_of", &day)])
                .await
                .status()
                .as_u16()
        }
        Page::Dashboard => {
            s.lead
                .status_fn(DashboardPage {
                    campaign_id: s.campaign,
                })
                .await
        }
    };
    assert_eq!(status, 200, "{page:?}");
    started.elapsed()
}

/// How many `/healthz` probes to make: a count (idle), or until a moment (under load).
enum Probes {
    Count(usize),
    Until(Instant),
}

/// Asks `url` from a thread and runtime of its own, every [`PROBE_EVERY`]; the sorted
/// answer times.
fn probe(url: String, probes: Probes) -> std::thread::JoinHandle<Vec<Duration>> {
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("the probe's runtime");
        runtime.block_on(async move {
            let client = reqwest::Client::new();
            let mut times = Vec::new();
            loop {
                let more = match probes {
                    Probes::Count(n) => times.len() < n,
                    Probes::Until(deadline) => Instant::now() < deadline,
                };
                if !more {
                    break;
                }
                let t = Instant::now();
                let res = client.get(&url).send().await.expect("healthz");
                assert_eq!(res.status(), 200);
                times.push(t.elapsed());
                tokio::time::sleep(PROBE_EVERY).await;
            }
            times.sort();
            times
        })
    })
}

fn main() {
    let coworkers: usize = env_or("RANKFILE_BENCH_COWORKERS", 600);
    let secs: u64 = env_or("RANKFILE_BENCH_SECS", 20);
    let backend = match std::env::var("RANKFILE_BENCH_BACKEND").as_deref() {
        Ok("postgres") => Backend::Postgres,
        _ => Backend::Sqlite,
    };
    // The server runs on a runtime of its own (two workers, as on a two-core server), the
    // clients on another, and `/healthz` is asked from a thread of its own: the probe
    // measures the server as a monitor outside it would, not the clients' own queue.
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("the server's runtime");
    let seeding = Instant::now();
    let served = server_rt.block_on(async {
        let app = spawn_app(backend).await.expect("app");
        server::demo::seed_with(app.store.as_ref(), true, coworkers, None)
            .await
            .expect("seed");
        app
    });
    let seeding = seeding.elapsed();
    let app = &served;
    block_on(async move {
        let (lead, campaign) = app
            .lead_of("lead@example.org", server::demo::DEMO_CAMPAIGN)
            .await;
        let viewer = app
            .invite_member(&lead, campaign, "viewer@example.org", "viewer", "")
            .await;
        // A vote of the first areas holding about 90 people between them.
        let areas: Vec<(i64, i64)> = {
            let rows = rankfile_tests::sql_strings_at(
                app.backend,
                &app.database_url,
                &format!(
                    "SELECT CAST(area_id AS TEXT) || ':' || CAST(COUNT(*) AS TEXT) \
                     FROM coworkers WHERE campaign_id = {campaign} AND area_id IS NOT NULL \
                     GROUP BY area_id ORDER BY area_id"
                ),
            )
            .await;
            rows.iter()
                .filter_map(|r| r.split_once(':'))
                .map(|(a, n)| (a.parse().unwrap(), n.parse().unwrap()))
                .collect()
        };
        let mut chosen = Vec::new();
        let mut people = 0;
        for (area, n) in areas {
            if people >= 90 {
                break;
            }
            chosen.push(area.to_string());
            people += n;
        }
        let plan = lead
            .call_fn_ok(app::api::votes::CreatePlan {
                area_ids: chosen,
                ..calls::plan_vote(campaign, "Load vote")
            })
            .await
            .as_i64()
            .expect("plan id");
        let setup = Arc::new(Setup {
            lead,
            viewer,
            campaign,
            plan,
        });
        let healthz = app.url("/healthz");
        let idle = probe(healthz.clone(), Probes::Count(IDLE_PROBES))
            .join()
            .expect("idle probe");

        let deadline = Instant::now() + Duration::from_secs(secs);
        let samples: Arc<Mutex<Vec<(Page, Duration)>>> = Arc::default();
        let mut tasks = Vec::new();
        for c in 0..CLIENTS {
            let (setup, samples) = (setup.clone(), samples.clone());
            tasks.push(tokio::spawn(async move {
                let mut turn = c as u64;
                while Instant::now() < deadline {
                    let page = PAGES[(turn as usize) % PAGES.len()];
                    let took = load(setup.clone(), page, turn).await;
                    samples.lock().await.push((page, took));
                    turn += 1;
                }
            }));
        }
        let prober = probe(healthz, Probes::Until(deadline));
        for t in tasks {
            t.await.expect("client");
        }
        let loaded = prober.join().expect("prober");
        let samples = samples.lock().await;

        println!(
            "### {backend:?}: {coworkers} coworkers (seeded in {:.0} s), {CLIENTS} clients for {secs} s, {}\n",
            seeding.as_secs_f64(),
            machine()
        );
        println!("| page | loads | p50 | p99 | max |");
        println!("|---|---|---|---|---|");
        for page in PAGES {
            let mut times: Vec<Duration> = samples
                .iter()
                .filter(|(p, _)| *p == page)
                .map(|(_, d)| *d)
                .collect();
            times.sort();
            println!(
                "| {} | {} | {} | {} | {} |",
                page.label(),
                times.len(),
                ms(quantile(&times, 0.5)),
                ms(quantile(&times, 0.99)),
                ms(times.last().copied().unwrap_or_default()),
            );
        }
        let (idle_p99, loaded_p99) = (quantile(&idle, 0.99), quantile(&loaded, 0.99));
        println!(
            "| `GET /healthz` idle | {} | {} | {} | {} |",
            idle.len(),
            ms(quantile(&idle, 0.5)),
            ms(idle_p99),
            ms(idle.last().copied().unwrap_or_default())
        );
        println!(
            "| `GET /healthz` under load | {} | {} | {} | {} |",
            loaded.len(),
            ms(quantile(&loaded, 0.5)),
            ms(loaded_p99),
            ms(loaded.last().copied().unwrap_or_default())
        );
        println!(
            "\n`/healthz` p99 under load: {:.1}× idle (goal ≤ 5×). Peak resident memory of the \
             process (server and clients): {:.0} MB.\n",
            loaded_p99.as_secs_f64() / idle_p99.as_secs_f64().max(1e-9),
            peak_rss_mb()
        );
    });
    server_rt.block_on(served.stop());
}
