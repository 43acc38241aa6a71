//! The organizer's loop benchmark (issue 5): logging a one-on-one
//! (`conversations/log`) on SQLite and on PostgreSQL at a fixed request rate, next to
//! an empty axum handler measured in the same run. The ratio is the figure.
//!
//! Run with `make bench` (`cargo bench -p rankfile-tests --bench loop`); it prints a
//! Markdown report to stdout. The servers, the empty handler and the load generator
//! share this process and its tokio runtime (2 worker threads).
//!
//! Method. Open loop: a generator thread sends request `i` at `t0 + i / RATE` whatever
//! happened to earlier requests (sleep, then spin the last 200 µs for precision), and
//! each request's latency is measured from that scheduled time, so a stalled server
//! shows up in the figures instead of slowing the generator down (no coordinated
//! omission). Requests rotate over 8 signed-in organizers (each its own cookie jar,
//! signed in once) and 200 coworkers, each with a fresh `client_id`; every third one
//! carries `rating_after`. The empty handler gets the same clients (same reqwest
//! builder), the same path, headers and form. Then a closed loop (8 clients back to
//! back) gives the maximum sustained throughput of each target.
//!
//! `RANKFILE_BENCH_RATE` (requests/s, default 200), `RANKFILE_BENCH_SECS` (measured
//! seconds, default 10) and `RANKFILE_BENCH_WARMUP_SECS` (default 2) override the load.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::routing::post;
use axum::{Form, Json, Router};
use rankfile_tests::figures::{block_on, cpus, env_or, machine, ms, ratio, table_head};
use rankfile_tests::{
    area, coworker_on, on_database, shift, spawn_app, spawn_app_with, Backend, Browser, TestApp,
};
use serde_json::Value;

/// Signed-in organizers (clients) the requests rotate over.
const CLIENTS: usize = 8;
/// Coworkers the logs rotate over.
const COWORKERS: usize = 200;
const AREAS: [&str; 4] = ["ICU", "ER", "Pharmacy", "Dietary"];
const SHIFTS: [&str; 2] = ["Day", "Night"];
/// Closed loop: untimed seconds, then measured seconds.
const CLOSED_WARMUP: Duration = Duration::from_secs(1);
const CLOSED_SECS: Duration = Duration::from_secs(5);
/// A request that takes longer than this counts as an error.
const TIMEOUT: Duration = Duration::from_secs(30);
const NOTES: &str = "Short-staffed on nights again; wants to hear about the petition.";

/// A client built as the test harness builds a browser's (cookie jar, no redirects).
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// What the load is sent to.
struct Target {
    /// Prefix of the `client_id`s, unique per target and phase.
    tag: String,
    url: String,
    clients: Vec<reqwest::Client>,
    campaign: String,
    coworkers: Vec<String>,
}

impl Target {
    /// The form of the `i`-th log: what the log page sends for a quick one-on-one.
    fn form(&self, phase: &str, i: usize) -> Vec<(&'static str, String)> {
        let mut form = vec![
            ("campaign_id", self.campaign.clone()),
            (
                "coworker_id",
                self.coworkers[i % self.coworkers.len()].clone(),
            ),
            ("client_id", format!("bench-{}-{phase}-{i:08}", self.tag)),
            ("channel", "in_person".to_owned()),
            ("notes", NOTES.to_owned()),
        ];
        if i.is_multiple_of(3) {
            form.push(("rating_after", (1 + (i / 3) % 5).to_string()));
        }
        form
    }

    /// Sends the `i`-th log; `Err` describes a failure precisely.
    async fn send(&self, phase: &str, i: usize) -> Result<(), String> {
        let form = self.form(phase, i);
        let call = async {
            let res = self.clients[i % self.clients.len()]
                .post(&self.url)
                .header("accept", "application/json")
                .form(&form)
                .send()
                .await
                .map_err(|e| format!("transport: {e}"))?;
            let status = res.status();
            let body = res
                .text()
                .await
                .map_err(|e| format!("{status}, body unreadable: {e}"))?;
            if !status.is_success() {
                return Err(format!(
                    "{status}: {}",
                    body.chars().take(300).collect::<String>()
                ));
            }
            let answer: Value = serde_json::from_str(&body)
                .map_err(|e| format!("{status}, not JSON ({e}): {body:.200}"))?;
            if answer["stored"] != true {
                return Err(format!("{status}, not stored: {body:.200}"));
            }
            Ok(())
        };
        tokio::time::timeout(TIMEOUT, call)
            .await
            .unwrap_or_else(|_| Err(format!("no answer within {TIMEOUT:?}")))
    }
}

/// The baseline: one POST route that reads the form and answers a small JSON body,
/// on the same path the app serves, in this process and runtime.
async fn empty_handler() -> String {
    async fn log(Form(form): Form<Vec<(String, String)>>) -> Json<Value> {
        Json(serde_json::json!({ "conversation_id": form.len(), "stored": true }))
    }
    let router = Router::new().route("/api/conversations/log", post(log));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the empty handler");
    let address = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(async move { axum::serve(listener, router).await });
    address
}

fn empty_target(address: &str) -> Target {
    Target {
        tag: "empty".into(),
        url: format!("{address}/api/conversations/log"),
        clients: (0..CLIENTS).map(|_| client()).collect(),
        campaign: "1".into(),
        coworkers: (1..=COWORKERS).map(|i| i.to_string()).collect(),
    }
}

/// A campaign with 4 areas, 200 coworkers and 8 organizers (all areas in scope), each
/// signed in once in their own browser, set up through the app's server functions.
async fn app_target(app: &TestApp, name: &str) -> Target {
    let (lead, campaign) = app.lead_of("lead@example.org", "Mercy").await;
    let mut areas = Vec::new();
    for name in AREAS {
        areas.push(area(&lead, campaign, name).await);
    }
    let mut shifts = Vec::new();
    for name in SHIFTS {
        shifts.push(shift(&lead, campaign, name).await);
    }
    let mut coworkers = Vec::with_capacity(COWORKERS);
    for i in 0..COWORKERS {
        let (area, shift) = (areas[i % areas.len()], shifts[i % shifts.len()]);
        let made = coworker_on(&lead, campaign, &format!("Coworker {i}"), area, shift).await;
        coworkers.push(made.to_string());
    }
    let all_areas = areas
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let mut clients = Vec::with_capacity(CLIENTS);
    for i in 0..CLIENTS {
        let org: Browser = app
            .invite_member(
                &lead,
                campaign,
                &format!("organizer{i}@example.org"),
                "organizer",
                &all_areas,
            )
            .await;
        clients.push(org.client);
    }
    Target {
        tag: name
            .to_lowercase()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect(),
        url: format!("{}/api/conversations/log", app.address),
        clients,
        campaign: campaign.to_string(),
        coworkers,
    }
}

/// One timed series: latencies (sorted) and what went wrong.
struct Run {
    latencies: Vec<Duration>,
    errors: BTreeMap<String, usize>,
    /// Successful requests per second over the measured window.
    throughput: f64,
    /// Open loop: how late the generator handed requests to the runtime (sorted).
    dispatch_lag: Vec<Duration>,
    /// Open loop: time from the last scheduled send to the last answer.
    tail: Duration,
    /// CPU used during the run (warm-up included), in cores.
    cpu: CpuUse,
}

/// CPU seconds so far (USER_HZ = 100), read from /proc: the whole machine (user,
/// nice, system, irq, softirq), time the hypervisor gave our vCPUs to others (steal),
/// this process, and the PostgreSQL server's processes.
#[derive(Clone, Copy)]
struct CpuClock {
    at: Instant,
    machine: f64,
    steal: f64,
    own: f64,
    postgres: f64,
}

/// Average cores busy over a run.
#[derive(Clone, Copy, Default)]
struct CpuUse {
    machine: f64,
    steal: f64,
    own: f64,
    postgres: f64,
}

impl CpuUse {
    /// Busy cores that were neither this process nor PostgreSQL (other processes,
    /// kernel threads such as writeback).
    fn others(&self) -> f64 {
        (self.machine - self.own - self.postgres).max(0.0)
    }
}

/// utime + stime of a `/proc/<pid>/stat` line, in seconds.
fn proc_cpu(stat: &str) -> Option<f64> {
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    Some((fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?) / 100.0)
}

impl CpuClock {
    fn now() -> Self {
        let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
        // cpu  user nice system idle iowait irq softirq steal …
        let ticks: Vec<f64> = stat
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("cpu "))
            .map(|l| {
                l.split_whitespace()
                    .filter_map(|v| v.parse::<f64>().ok())
                    .collect()
            })
            .unwrap_or_default();
        let tick = |i: usize| ticks.get(i).copied().unwrap_or(0.0) / 100.0;
        let machine = tick(0) + tick(1) + tick(2) + tick(5) + tick(6);
        let steal = tick(7);
        let own = std::fs::read_to_string("/proc/self/stat")
            .ok()
            .and_then(|s| proc_cpu(&s))
            .unwrap_or(0.0);
        let mut postgres = 0.0;
        for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
            let path = entry.path();
            if std::fs::read_to_string(path.join("comm")).is_ok_and(|c| c.trim() == "postgres") {
                postgres += std::fs::read_to_string(path.join("stat"))
                    .ok()
                    .and_then(|s| proc_cpu(&s))
                    .unwrap_or(0.0);
            }
        }
        Self {
            at: Instant::now(),
            machine,
            steal,
            own,
            postgres,
        }
    }

    fn since(self, start: Self) -> CpuUse {
        let secs = (self.at - start.at).as_secs_f64();
        CpuUse {
            machine: (self.machine - start.machine) / secs,
            steal: (self.steal - start.steal) / secs,
            own: (self.own - start.own) / secs,
            // PostgreSQL backends come and go: never below zero.
            postgres: ((self.postgres - start.postgres) / secs).max(0.0),
        }
    }
}

impl Run {
    fn errors(&self) -> usize {
        self.errors.values().sum()
    }

    /// Nearest-rank percentile.
    fn pct(sorted: &[Duration], p: f64) -> Duration {
        if sorted.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((sorted.len() as f64) * p / 100.0).ceil().max(1.0) as usize;
        sorted[rank.min(sorted.len()) - 1]
    }

    fn p(&self, p: f64) -> Duration {
        Self::pct(&self.latencies, p)
    }

    /// The table cells "p50 | p90 | p99 | max | errors".
    fn latency_cells(&self) -> String {
        format!(
            "{} | {} | {} | {} | {}",
            ms(self.p(50.0)),
            ms(self.p(90.0)),
            ms(self.p(99.0)),
            ms(self.max()),
            self.errors()
        )
    }

    /// The table cells "p50 ÷ base | p99 ÷ base".
    fn versus(&self, base: &Run) -> String {
        format!(
            "{} | {}",
            ratio(secs_f(self.p(50.0)), secs_f(base.p(50.0))),
            ratio(secs_f(self.p(99.0)), secs_f(base.p(99.0)))
        )
    }

    fn max(&self) -> Duration {
        self.latencies.last().copied().unwrap_or_default()
    }
}

struct Sample {
    index: usize,
    scheduled: Instant,
    done: Instant,
    outcome: Result<(), String>,
}

/// Open loop at `rate` requests/s: `warmup` untimed, then `secs` measured.
async fn open_loop(target: Arc<Target>, rate: f64, warmup: Duration, secs: Duration) -> Run {
    let warm_n = (rate * warmup.as_secs_f64()).round() as usize;
    let n = (rate * secs.as_secs_f64()).round() as usize;
    let period = Duration::from_secs_f64(1.0 / rate);
    let clock = CpuClock::now();
    let handle = tokio::runtime::Handle::current();
    let gen_target = target.clone();
    let (tasks, lag) = tokio::task::spawn_blocking(move || {
        let t0 = Instant::now() + Duration::from_millis(20);
        let mut tasks = Vec::with_capacity(warm_n + n);
        let mut lag = Vec::with_capacity(n);
        for i in 0..warm_n + n {
            let scheduled = t0 + period * i as u32;
            // Sleep, then spin the last stretch: thread sleeps overshoot by ~50–100 µs.
            let now = Instant::now();
            if scheduled > now + Duration::from_micros(200) {
                std::thread::sleep(scheduled - now - Duration::from_micros(200));
            }
            while Instant::now() < scheduled {
                std::hint::spin_loop();
            }
            let sent = Instant::now();
            if i >= warm_n {
                lag.push(sent - scheduled);
            }
            let target = gen_target.clone();
            tasks.push(handle.spawn(async move {
                let outcome = target.send("open", i).await;
                Sample {
                    index: i,
                    scheduled,
                    done: Instant::now(),
                    outcome,
                }
            }));
        }
        (tasks, lag)
    })
    .await
    .expect("generator thread");
    let mut samples = Vec::with_capacity(tasks.len());
    for task in tasks {
        samples.push(task.await.expect("request task"));
    }
    Run {
        cpu: CpuClock::now().since(clock),
        ..summarize(samples, warm_n, lag)
    }
}

fn summarize(samples: Vec<Sample>, warm_n: usize, mut lag: Vec<Duration>) -> Run {
    let measured: Vec<&Sample> = samples.iter().filter(|s| s.index >= warm_n).collect();
    let first = measured.first().map(|s| s.scheduled).expect("measured");
    let last_scheduled = measured.last().map(|s| s.scheduled).expect("measured");
    let last_done = measured.iter().map(|s| s.done).max().expect("measured");
    let mut errors = BTreeMap::new();
    let mut latencies = Vec::with_capacity(measured.len());
    for s in &measured {
        match &s.outcome {
            Ok(()) => latencies.push(s.done - s.scheduled),
            Err(e) => *errors.entry(e.clone()).or_insert(0) += 1,
        }
    }
    // Warm-up failures are failures too.
    for s in samples.iter().filter(|s| s.index < warm_n) {
        if let Err(e) = &s.outcome {
            *errors.entry(format!("(warm-up) {e}")).or_insert(0) += 1;
        }
    }
    latencies.sort();
    lag.sort();
    let window = (last_done - first).as_secs_f64();
    Run {
        throughput: latencies.len() as f64 / window,
        latencies,
        errors,
        dispatch_lag: lag,
        tail: last_done.saturating_duration_since(last_scheduled),
        cpu: CpuUse::default(),
    }
}

/// Closed loop: `CLIENTS` workers, each sending its next request as soon as the last
/// one is answered; latency is the service time.
async fn closed_loop(target: Arc<Target>) -> Run {
    let clock = CpuClock::now();
    let start = Instant::now();
    let measure_from = start + CLOSED_WARMUP;
    let end = measure_from + CLOSED_SECS;
    let mut workers = Vec::new();
    for w in 0..CLIENTS {
        let target = target.clone();
        workers.push(tokio::spawn(async move {
            let mut out = Vec::new();
            let mut i = w;
            loop {
                let sent = Instant::now();
                if sent >= end {
                    break;
                }
                // Request i goes to client i % CLIENTS = w: one session per worker.
                let outcome = target.send("closed", i).await;
                out.push((sent, Instant::now(), outcome));
                i += CLIENTS;
            }
            out
        }));
    }
    let mut latencies = Vec::new();
    let mut errors = BTreeMap::new();
    for worker in workers {
        for (sent, done, outcome) in worker.await.expect("worker") {
            if sent < measure_from || done > end {
                continue;
            }
            match outcome {
                Ok(()) => latencies.push(done - sent),
                Err(e) => *errors.entry(e).or_insert(0) += 1,
            }
        }
    }
    latencies.sort();
    Run {
        throughput: latencies.len() as f64 / CLOSED_SECS.as_secs_f64(),
        latencies,
        errors,
        dispatch_lag: Vec::new(),
        tail: Duration::ZERO,
        cpu: CpuClock::now().since(clock),
    }
}

/// Rows the runs wrote, read below the app: conversations, ratings, audit entries.
async fn stored_rows(app: &TestApp) -> (i64, i64, i64) {
    const Q: [&str; 3] = [
        "SELECT COUNT(*) FROM conversations",
        "SELECT COUNT(*) FROM assessments WHERE source = 'conversation'",
        "SELECT COUNT(*) FROM audit_events WHERE action = 'conversation.logged'",
    ];
    let mut out = [0i64; 3];
    on_database!(app.backend, &app.database_url, |db| {
        for (o, q) in out.iter_mut().zip(Q) {
            *o = sqlx::query_scalar(q).fetch_one(&mut db).await.expect(q);
        }
    });
    (out[0], out[1], out[2])
}

/// What an open loop left in the database, below the app.
struct Rows {
    /// Conversations, ratings, `conversation.logged` audit entries.
    stored: (i64, i64, i64),
    /// Conversations and ratings sent.
    sent: (i64, i64),
}

struct Measured {
    name: String,
    open: Run,
    closed: Run,
    /// (conversations, ratings, audit entries) stored, and how many were expected.
    rows: Option<Rows>,
}

/// Conversations and ratings an open loop sends (warm-up included).
fn expected_rows(rate: f64, warmup: Duration, secs: Duration) -> (i64, i64) {
    let open =
        (rate * warmup.as_secs_f64()).round() as i64 + (rate * secs.as_secs_f64()).round() as i64;
    let ratings = (open + 2) / 3;
    (open, ratings)
}

async fn measure_app(
    app: &TestApp,
    name: &str,
    rate: f64,
    warmup: Duration,
    secs: Duration,
) -> Measured {
    let target = Arc::new(app_target(app, name).await);
    eprintln!("{name}: open loop at {rate} req/s …");
    assert_eq!(stored_rows(app).await, (0, 0, 0), "a fresh campaign");
    let open = open_loop(target.clone(), rate, warmup, secs).await;
    let stored = stored_rows(app).await;
    let expected = expected_rows(rate, warmup, secs);
    eprintln!(
        "{name}: the open loop stored {stored:?} (conversations, ratings, audit entries); sent {expected:?}"
    );
    eprintln!("{name}: closed loop, {CLIENTS} clients …");
    let closed = closed_loop(target).await;
    Measured {
        name: name.into(),
        open,
        closed,
        rows: Some(Rows {
            stored,
            sent: expected,
        }),
    }
}

fn errors_text(runs: &[(String, &Run)]) -> String {
    let mut out = String::new();
    for (name, run) in runs {
        for (e, n) in &run.errors {
            let _ = writeln!(out, "- {name}: {n} × {e}");
        }
    }
    out
}

fn report(
    rate: f64,
    secs: Duration,
    warmup: Duration,
    empty: &Measured,
    empty_after: &Run,
    apps: &[Measured],
) {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "rankfile loop benchmark · `conversations/log` · {} · one process (servers + load generator)\n",
        machine()
    );
    let _ = writeln!(
        out,
        "Open loop: {rate} req/s offered for {} s after a {} s warm-up, {CLIENTS} signed-in clients, {COWORKERS} coworkers; latency from the scheduled send time.\n",
        secs.as_secs_f64(),
        warmup.as_secs_f64()
    );
    out.push_str(&table_head(&[
        "target",
        "offered",
        "achieved",
        "p50",
        "p90",
        "p99",
        "max",
        "errors",
        "p50 ÷ empty",
        "p99 ÷ empty",
    ]));
    let base = &empty.open;
    let mut row = |name: &str, r: &Run| {
        let _ = writeln!(
            out,
            "| {name} | {rate:.0}/s | {:.1}/s | {} | {} |",
            r.throughput,
            r.latency_cells(),
            r.versus(base),
        );
    };
    row(&empty.name, &empty.open);
    for m in apps {
        row(&m.name, &m.open);
    }
    row(
        "empty axum handler, again after both (drift check)",
        empty_after,
    );

    let _ = writeln!(
        out,
        "\nGenerator dispatch lag (scheduled → handed to the runtime), p50 / p99 / max:\n"
    );
    for (name, r) in std::iter::once((empty.name.as_str(), &empty.open))
        .chain(apps.iter().map(|m| (m.name.as_str(), &m.open)))
        .chain(std::iter::once(("empty (again)", empty_after)))
    {
        let _ = writeln!(
            out,
            "- {name}: {} / {} / {}; last answer {} after the last scheduled send.",
            ms(Run::pct(&r.dispatch_lag, 50.0)),
            ms(Run::pct(&r.dispatch_lag, 99.0)),
            ms(r.dispatch_lag.last().copied().unwrap_or_default()),
            ms(r.tail)
        );
    }
    for m in apps {
        let kept_up = m.open.errors() == 0
            && m.open.throughput >= 0.97 * rate
            && m.open.tail < Duration::from_secs(1);
        let _ = writeln!(
            out,
            "- {} kept up with {rate:.0} req/s: {}.",
            m.name,
            if kept_up { "yes" } else { "NO" }
        );
        if let Some(Rows {
            stored: (conv, ratings, audits),
            sent: (want, want_ratings),
        }) = m.rows
        {
            let _ = writeln!(
                out,
                "- {}: the open loop stored {conv} conversations (sent {want}), {ratings} ratings (sent {want_ratings}), {audits} `conversation.logged` audit entries.",
                m.name
            );
        }
    }

    let _ = writeln!(
        out,
        "\nClosed loop: {CLIENTS} clients back to back for {} s after {} s untimed; latency is the service time.\n",
        secs_f(CLOSED_SECS),
        secs_f(CLOSED_WARMUP)
    );
    out.push_str(&table_head(&[
        "target",
        "throughput",
        "p50",
        "p90",
        "p99",
        "max",
        "errors",
        "throughput ÷ empty",
        "p50 ÷ empty",
        "p99 ÷ empty",
    ]));
    let cbase = &empty.closed;
    for (name, r) in std::iter::once((empty.name.as_str(), &empty.closed))
        .chain(apps.iter().map(|m| (m.name.as_str(), &m.closed)))
    {
        let _ = writeln!(
            out,
            "| {name} | {:.0}/s | {} | {} | {} |",
            r.throughput,
            r.latency_cells(),
            ratio(r.throughput, cbase.throughput),
            r.versus(cbase),
        );
    }

    let mut runs: Vec<(String, &Run)> = vec![
        (format!("{}, open loop", empty.name), &empty.open),
        (format!("{}, closed loop", empty.name), &empty.closed),
    ];
    for m in apps {
        runs.push((format!("{}, open loop", m.name), &m.open));
        runs.push((format!("{}, closed loop", m.name), &m.closed));
    }
    runs.push((format!("{}, open loop again", empty.name), empty_after));
    let _ = writeln!(
        out,
        "\nCPU during each run, warm-up included (average cores, of {}; from /proc):\n",
        cpus()
    );
    out.push_str(&table_head(&[
        "run",
        "machine busy",
        "this process (servers + load)",
        "PostgreSQL processes",
        "everything else",
        "stolen by the hypervisor",
    ]));
    for (name, r) in &runs {
        let c = r.cpu;
        let _ = writeln!(
            out,
            "| {name} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} |",
            c.machine,
            c.own,
            c.postgres,
            c.others(),
            c.steal
        );
    }
    let noisy: Vec<&str> = runs
        .iter()
        .filter(|(_, r)| r.cpu.others() > 0.1 || r.cpu.steal > 0.1)
        .map(|(name, _)| name.as_str())
        .collect();
    if !noisy.is_empty() {
        let _ = writeln!(
            out,
            "\nWARNING: other processes or the hypervisor (steal) took more than 0.1 core during: {}. Rerun on a quiet machine.",
            noisy.join("; ")
        );
    }
    let errors = errors_text(&runs);
    if errors.is_empty() {
        let _ = writeln!(out, "\nErrors: none.");
    } else {
        let _ = writeln!(out, "\nErrors:\n{errors}");
    }
    print!("{out}");
}

fn secs_f(d: Duration) -> f64 {
    d.as_secs_f64()
}

async fn run() {
    let rate: f64 = env_or("RANKFILE_BENCH_RATE", 200.0);
    let secs = Duration::from_secs_f64(env_or("RANKFILE_BENCH_SECS", 10.0));
    let warmup = Duration::from_secs_f64(env_or("RANKFILE_BENCH_WARMUP_SECS", 2.0));

    let address = empty_handler().await;
    let baseline = Arc::new(empty_target(&address));
    eprintln!("empty handler: open loop at {rate} req/s …");
    let empty_open = open_loop(baseline.clone(), rate, warmup, secs).await;
    eprintln!("empty handler: closed loop, {CLIENTS} clients …");
    let empty_closed = closed_loop(baseline).await;
    let empty = Measured {
        name: "empty axum handler".into(),
        open: empty_open,
        closed: empty_closed,
        rows: None,
    };

    let mut apps = Vec::new();
    // SQLite as shipped (synchronous=FULL: every commit on disk before the answer), then
    // with NORMAL, which it used before: the cost of surviving a power cut, in one run.
    let sqlite = spawn_app(Backend::Sqlite).await.expect("sqlite app");
    apps.push(measure_app(&sqlite, "SQLite (synchronous=FULL)", rate, warmup, secs).await);
    sqlite.stop().await;
    let sqlite = spawn_app_with(
        Backend::Sqlite,
        &[("RANKFILE_SQLITE_SYNCHRONOUS", "normal")],
    )
    .await
    .expect("sqlite app");
    apps.push(measure_app(&sqlite, "SQLite (synchronous=NORMAL)", rate, warmup, secs).await);
    sqlite.stop().await;
    match spawn_app(Backend::Postgres).await {
        Some(pg) => {
            apps.push(measure_app(&pg, "PostgreSQL", rate, warmup, secs).await);
            pg.stop().await;
        }
        None => eprintln!("PostgreSQL unreachable: measured SQLite only"),
    }

    eprintln!("empty handler again: open loop at {rate} req/s …");
    let again = Arc::new(Target {
        tag: "empty2".into(),
        ..empty_target(&address)
    });
    let empty_after = open_loop(again, rate, warmup, secs).await;
    report(rate, secs, warmup, &empty, &empty_after, &apps);
}

fn main() {
    block_on(run());
}
