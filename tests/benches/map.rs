//! Workplace-map benchmark (issue 4), on SQLite, in one process: importing a
//! 10,000-row employer's list and rendering the chart of a 5,000-coworker campaign,
//! as ratios against baselines (`/healthz` and the campaigns page) measured in the
//! same run, with the process's peak memory per phase.
//!
//! Run with `make bench` (`cargo bench -p rankfile-tests --bench map`); it prints a
//! Markdown report to stdout. The server and the HTTP client share this process and
//! its tokio runtime, so the memory figures cover both.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use rankfile_tests::employer_list::{employer_list, MAPPING};
use rankfile_tests::figures::{block_on, machine, median, ms, p90, ratio, table_head};
use rankfile_tests::{calls, spawn_app, Backend, Browser, TestApp};
use serde::Serialize;
use serde_json::Value;
use server_fn::ServerFn;

/// Requests per baseline measurement.
const BASELINE_N: usize = 200;
/// Imports of the 10,000-row file, each into a fresh campaign
/// (`RANKFILE_BENCH_IMPORTS` overrides it, to watch memory over more runs).
const IMPORT_RUNS: usize = 5;
const IMPORT_ROWS: usize = 10_000;
/// Coworkers in the seeded chart campaign.
const CHART_COWORKERS: usize = 5_000;
/// Renders of the chart page (and calls of `chart/get`).
const CHART_N: usize = 20;
/// Untimed requests before each timed series.
const WARMUP: usize = 3;

/// The employer's list of the roster story, `rows` long.
fn roster_csv(rows: usize) -> Vec<u8> {
    employer_list(0..rows, |_| false)
}

/// Timings of one series, sorted.
struct Series {
    name: String,
    samples: Vec<Duration>,
    /// Extra figure for the table (sizes, rates).
    note: String,
}

impl Series {
    fn new(name: impl Into<String>, mut samples: Vec<Duration>, note: impl Into<String>) -> Self {
        samples.sort();
        Self {
            name: name.into(),
            samples,
            note: note.into(),
        }
    }

    fn median(&self) -> Duration {
        median(&self.samples)
    }

    fn p90(&self) -> Duration {
        p90(&self.samples)
    }

    fn min(&self) -> Duration {
        self.samples[0]
    }
}

/// `a` as a multiple of `b`.
fn times(a: Duration, b: Duration) -> String {
    ratio(a.as_secs_f64(), b.as_secs_f64())
}

fn status_kib(key: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Resets `VmHWM` to the current RSS (Linux ≥ 4.0), so the next reading is the
/// peak of one phase. Returns whether the kernel allowed it.
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

struct Memory {
    phase: &'static str,
    rss_before: u64,
    peak: u64,
    rss_after: u64,
    lifetime_peak: u64,
}

/// Runs `phase`, recording RSS before, the peak during it and RSS after.
async fn measured<T>(
    phase: &'static str,
    memory: &mut Vec<Memory>,
    resettable: bool,
    run: impl std::future::Future<Output = T>,
) -> T {
    if resettable {
        reset_peak();
    }
    let rss_before = status_kib("VmRSS");
    let out = run.await;
    let peak = status_kib("VmHWM");
    memory.push(Memory {
        phase,
        rss_before,
        peak,
        rss_after: status_kib("VmRSS"),
        lifetime_peak: peak,
    });
    out
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

async fn time_get(
    browser: &Browser,
    path: &str,
    n: usize,
    expect: &str,
) -> (Vec<Duration>, String) {
    let mut samples = Vec::with_capacity(n);
    let mut last = String::new();
    for i in 0..WARMUP + n {
        let start = Instant::now();
        let (status, body) = browser.get_html(path).await;
        let took = start.elapsed();
        assert_eq!(status, 200, "GET {path}: {body}");
        assert!(body.contains(expect), "GET {path} lacks {expect:?}");
        if i >= WARMUP {
            samples.push(took);
        }
        last = body;
    }
    (samples, last)
}

/// Bytes of `html` inside `<script>` elements (tags included): the hydration data
/// and loaders, as opposed to the markup a browser without JavaScript reads.
fn script_bytes(html: &str) -> usize {
    let mut total = 0;
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let tail = &rest[start..];
        let end = tail
            .find("</script>")
            .map_or(tail.len(), |e| e + "</script>".len());
        total += end;
        rest = &tail[end..];
    }
    total
}

/// Calls the server function of `args`; its whole answer, asserting success.
async fn answered<F: ServerFn + Serialize>(browser: &Browser, args: F) -> String {
    let res = browser.call_fn(args).await;
    let status = res.status();
    let body = res.text().await.expect("body");
    assert!(status.is_success(), "{} answered {status}: {body}", F::PATH);
    body
}

async fn time_call<F: ServerFn + Serialize + Clone>(
    browser: &Browser,
    args: F,
    n: usize,
) -> (Vec<Duration>, Value, usize) {
    let mut samples = Vec::with_capacity(n);
    let mut last = (Value::Null, 0);
    for i in 0..WARMUP + n {
        let start = Instant::now();
        let body = answered(browser, args.clone()).await;
        let took = start.elapsed();
        if i >= WARMUP {
            samples.push(took);
        }
        last = (serde_json::from_str(&body).expect("json"), body.len());
    }
    (samples, last.0, last.1)
}

struct Baseline {
    healthz: Series,
    campaigns: Series,
}

/// Signed-in leads: one for the baseline campaign and one per import run (each of a
/// new campaign). Creating an account and signing in each hash a password with
/// Argon2id (19 MiB apiece), so this is its own memory phase, not the imports'.
struct Leads {
    baseline: Browser,
    imports: Vec<(Browser, i64)>,
}

async fn leads(app: &TestApp) -> Leads {
    let (baseline, _) = app
        .lead_of("baseline@example.org", "Baseline campaign")
        .await;
    let runs = std::env::var("RANKFILE_BENCH_IMPORTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(IMPORT_RUNS);
    let mut imports = Vec::with_capacity(runs);
    for run in 0..runs {
        imports.push(
            app.lead_of(
                &format!("import{run}@example.org"),
                &format!("Import run {run}"),
            )
            .await,
        );
    }
    Leads { baseline, imports }
}

async fn baseline(app: &TestApp, lead: &Browser) -> Baseline {
    let (healthz, _) = time_get(&app.anon, "/healthz", BASELINE_N, "ok").await;
    let (campaigns, html) = time_get(lead, "/campaigns", BASELINE_N, "Baseline campaign").await;
    Baseline {
        healthz: Series::new("`GET /healthz`", healthz, "—"),
        campaigns: Series::new(
            "`GET /campaigns` page (signed in, 1 campaign)",
            campaigns,
            format!("{} B HTML", html.len()),
        ),
    }
}

struct Import {
    upload: Vec<Duration>,
    preview: Vec<Duration>,
    apply: Vec<Duration>,
    total: Vec<Duration>,
    preview_bytes: usize,
    file_bytes: usize,
    /// Per run: peak RSS during the run minus RSS before it (KiB), when the peak
    /// can be reset per run.
    run_growth: Vec<u64>,
    /// The highest peak RSS seen during any run (KiB).
    max_peak: u64,
}

async fn import(leads: &[(Browser, i64)]) -> Import {
    let file = roster_csv(IMPORT_ROWS);
    let mut out = Import {
        upload: Vec::new(),
        preview: Vec::new(),
        apply: Vec::new(),
        total: Vec::new(),
        preview_bytes: 0,
        file_bytes: file.len(),
        run_growth: Vec::new(),
        max_peak: 0,
    };
    let resettable = reset_peak();
    for (run, (lead, campaign)) in leads.iter().enumerate() {
        let id = campaign.to_string();

        if resettable {
            reset_peak();
        }
        let rss_before = status_kib("VmRSS");
        let start = Instant::now();
        let res = lead
            .upload_roster(&id, "roster.csv", file.clone(), false)
            .await;
        let status = res.status();
        let import_id = res.text().await.expect("body");
        let uploaded = start.elapsed();
        assert_eq!(status, 200, "roster/upload: {import_id}");

        let import_id: i64 = import_id.parse().expect("the upload answers the import id");
        let body = answered(lead, calls::preview_roster(*campaign, import_id)).await;
        let previewed = start.elapsed();
        let preview: Value = serde_json::from_str(&body).expect("json");
        assert_eq!(preview["rows"], IMPORT_ROWS, "{body:.2000}");
        assert_eq!(preview["error_count"], 0, "{}", preview["errors"]);
        assert_eq!(preview["changes"]["new_count"], IMPORT_ROWS);
        out.preview_bytes = body.len();

        let apply = calls::apply_roster(*campaign, import_id, MAPPING);
        let body = answered(lead, apply).await;
        let applied = start.elapsed();
        let outcome: Value = serde_json::from_str(&body).expect("json");
        assert_eq!(outcome["added"], IMPORT_ROWS, "{body}");

        let peak = status_kib("VmHWM");
        out.max_peak = out.max_peak.max(peak);
        if resettable {
            out.run_growth.push(peak.saturating_sub(rss_before));
        }
        out.upload.push(uploaded);
        out.preview.push(previewed - uploaded);
        out.apply.push(applied - previewed);
        out.total.push(applied);
        eprintln!(
            "import run {run}: upload {}, preview {}, apply {}, total {}; RSS {} before, \
             peak {} during, {} after ({} anonymous)",
            ms(uploaded),
            ms(previewed - uploaded),
            ms(applied - previewed),
            ms(applied),
            mib(rss_before),
            mib(peak),
            mib(status_kib("VmRSS")),
            mib(status_kib("RssAnon"))
        );
    }
    out
}

/// The demo campaign of 5,000 coworkers, and a lead signed in to it.
struct Seeded {
    seed: Duration,
    lead: Browser,
    campaign: i64,
}

async fn seed(app: &TestApp) -> Seeded {
    let start = Instant::now();
    let seeded = server::demo::seed(app.store.as_ref(), true, CHART_COWORKERS)
        .await
        .expect("seed the demo campaign");
    let seed = start.elapsed();
    assert_eq!(seeded.as_deref(), Some(server::demo::DEMO_CAMPAIGN));
    let (lead, campaign) = app
        .lead_of("chart@example.org", server::demo::DEMO_CAMPAIGN)
        .await;
    // The lead joined the seeded campaign (the only one of that name), not a new one.
    let demo: Vec<i64> = app
        .store
        .list_campaigns()
        .await
        .expect("campaigns")
        .into_iter()
        .filter(|c| c.name == server::demo::DEMO_CAMPAIGN)
        .map(|c| c.id)
        .collect();
    assert_eq!(
        demo,
        vec![campaign],
        "one demo campaign, and the lead is in it"
    );
    Seeded {
        seed,
        lead,
        campaign,
    }
}

struct ChartFigures {
    seed: Duration,
    page: Series,
    json: Series,
    page_bytes: usize,
    page_script_bytes: usize,
    json_bytes: usize,
}

async fn chart(seeded: &Seeded) -> ChartFigures {
    let lead = &seeded.lead;
    let id = seeded.campaign.to_string();

    let path = format!("/campaigns/{id}/chart");
    let expect = format!("{CHART_COWORKERS} coworkers");
    let (page, html) = time_get(lead, &path, CHART_N, &expect).await;
    let (page_bytes, page_script_bytes) = (html.len(), script_bytes(&html));
    let (json, chart, json_bytes) = time_call(lead, calls::chart(seeded.campaign), CHART_N).await;
    assert_eq!(chart["in_scope"], CHART_COWORKERS);
    assert_eq!(
        chart["coworkers"].as_array().map(Vec::len),
        Some(CHART_COWORKERS)
    );
    ChartFigures {
        seed: seeded.seed,
        page: Series::new(
            format!("`GET /campaigns/{{id}}/chart` page, {CHART_COWORKERS} coworkers (full SSR)"),
            page,
            format!("{page_bytes} B HTML"),
        ),
        json: Series::new(
            format!("`chart/get` server function, {CHART_COWORKERS} coworkers"),
            json,
            format!("{json_bytes} B JSON"),
        ),
        page_bytes,
        page_script_bytes,
        json_bytes,
    }
}

fn row(s: &Series, base: &Baseline) -> String {
    format!(
        "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
        s.name,
        s.samples.len(),
        ms(s.median()),
        ms(s.p90()),
        ms(s.min()),
        times(s.median(), base.campaigns.median()),
        times(s.median(), base.healthz.median()),
        s.note
    )
}

fn report(base: &Baseline, imp: &Import, chart: &ChartFigures, memory: &[Memory], reset: bool) {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "rankfile map benchmark · SQLite · {} · one process (server + client)\n",
        machine()
    );
    out.push_str(&table_head(&[
        "measure",
        "n",
        "median",
        "p90",
        "min",
        "÷ campaigns page",
        "÷ healthz",
        "notes",
    ]));
    out.push_str(&row(&base.healthz, base));
    out.push_str(&row(&base.campaigns, base));
    let total = Series::new(
        format!("import {IMPORT_ROWS} rows end to end (upload + preview + apply, add new)"),
        imp.total.clone(),
        "",
    );
    let rate = |d: Duration| IMPORT_ROWS as f64 / d.as_secs_f64();
    let total = Series {
        note: format!(
            "{:.0} rows/s at the median, {:.0} at best; file {} B",
            rate(total.median()),
            rate(total.min()),
            imp.file_bytes
        ),
        ..total
    };
    out.push_str(&row(&total, base));
    out.push_str(&row(
        &Series::new(
            "· `roster/upload` (multipart, parse, store)",
            imp.upload.clone(),
            "",
        ),
        base,
    ));
    out.push_str(&row(
        &Series::new(
            "· `roster/preview` (guessed mapping, reconcile)",
            imp.preview.clone(),
            format!("{} B JSON", imp.preview_bytes),
        ),
        base,
    ));
    out.push_str(&row(
        &Series::new("· `roster/apply` (add_new=on)", imp.apply.clone(), ""),
        base,
    ));
    out.push_str(&row(&chart.page, base));
    out.push_str(&row(&chart.json, base));
    let _ = writeln!(
        out,
        "| seeding the {CHART_COWORKERS}-coworker demo campaign (store calls, no HTTP) | 1 | {} | | | {} | {} | setup, not a request |",
        ms(chart.seed),
        times(chart.seed, base.campaigns.median()),
        times(chart.seed, base.healthz.median()),
    );
    let _ = writeln!(
        out,
        "\nChart page HTML / `chart/get` JSON: {} B / {} B = {:.2}×; {} B of the page \
         ({:.0} %) is inside `<script>` elements (hydration data), {} B is markup.",
        chart.page_bytes,
        chart.json_bytes,
        chart.page_bytes as f64 / chart.json_bytes as f64,
        chart.page_script_bytes,
        100.0 * chart.page_script_bytes as f64 / chart.page_bytes as f64,
        chart.page_bytes - chart.page_script_bytes,
    );
    if !imp.run_growth.is_empty() {
        let mut growth = imp.run_growth.clone();
        growth.sort_unstable();
        let _ = writeln!(
            out,
            "\nPer import (peak RSS during one run − RSS before it), runs in order: {}; median {}.",
            imp.run_growth
                .iter()
                .map(|k| mib(*k))
                .collect::<Vec<_>>()
                .join(", "),
            mib(growth[growth.len() / 2])
        );
    }

    let peak = format!(
        "peak RSS during{}",
        if reset { "" } else { " (VmHWM, not reset)" }
    );
    out.push('\n');
    out.push_str(&table_head(&[
        "phase",
        "RSS before",
        &peak,
        "RSS after",
        "peak − before",
        "process peak so far",
    ]));
    for m in memory {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            m.phase,
            mib(m.rss_before),
            mib(m.peak),
            mib(m.rss_after),
            mib(m.peak.saturating_sub(m.rss_before)),
            mib(m.lifetime_peak),
        );
    }
    print!("{out}");
}

async fn run() {
    let resettable = reset_peak();
    let mut memory = Vec::new();
    let app = measured(
        "start the server (fresh SQLite)",
        &mut memory,
        resettable,
        async { spawn_app(Backend::Sqlite).await.expect("sqlite app") },
    )
    .await;
    let leads = measured(
        "accounts: a lead per campaign created and signed in (Argon2id)",
        &mut memory,
        resettable,
        leads(&app),
    )
    .await;
    let base = measured(
        "1 · baselines (healthz, campaigns page)",
        &mut memory,
        resettable,
        baseline(&app, &leads.baseline),
    )
    .await;
    let imp = measured(
        "2 · import 10,000 rows, once per fresh campaign",
        &mut memory,
        resettable,
        import(&leads.imports),
    )
    .await;
    // The runs reset the peak one by one: the phase's peak is the highest of theirs.
    if let Some(phase) = memory.last_mut() {
        phase.peak = phase.peak.max(imp.max_peak);
    }
    let seeded = measured(
        "seed 5,000 coworkers (store calls), sign in a lead",
        &mut memory,
        resettable,
        seed(&app),
    )
    .await;
    let chart = measured(
        "3 · render the chart (page and `chart/get`)",
        &mut memory,
        resettable,
        chart(&seeded),
    )
    .await;
    app.stop().await;
    // VmHWM was reset per phase: the process peak is the running maximum.
    let mut so_far = 0;
    for m in &mut memory {
        so_far = so_far.max(m.peak);
        m.lifetime_peak = so_far;
    }
    report(&base, &imp, &chart, &memory, resettable);
}

fn main() {
    block_on(run());
}
