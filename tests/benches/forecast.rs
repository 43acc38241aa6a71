//! Vote forecast benchmark (issue 15), on the server's code: the forecast (the scope,
//! 40 areas and 4 shifts) and the path to the threshold for a 100,000-coworker unit,
//! against the one pass every forecast needs — counting the chart into cells — measured
//! in the same run. Target: forecast and path under 50 ms.
//!
//! Run with `cargo bench -p rankfile-tests --bench forecast` (Markdown on stdout).
//! `RANKFILE_BENCH_COWORKERS` scales the unit.

use std::time::{Duration, Instant};

use app::domain::forecast::path::{self, Goal};
use app::domain::forecast::{apply_moves, cells_of, forecast, level_of, Move, Rates};
use app::domain::structure::{VoteBase, VoteRule};
use app::domain::{Area, Shift};
use rankfile_tests::figures::{env_or, machine, median, ms, p90, ratio, table_head};

const REPEATS: usize = 21;

fn time<T>(mut f: impl FnMut() -> T) -> (Vec<Duration>, T) {
    let mut out = f();
    let mut samples = Vec::new();
    for _ in 0..REPEATS {
        let t = Instant::now();
        out = f();
        samples.push(t.elapsed());
    }
    samples.sort();
    (samples, out)
}

fn main() {
    let n: usize = env_or("RANKFILE_BENCH_COWORKERS", 100_000);
    let areas: Vec<Area> = (1..=40)
        .map(|id| Area {
            id,
            parent_id: None,
            name: format!("Area {id}"),
            retired: false,
            grid: None,
        })
        .collect();
    let shifts: Vec<Shift> = (1..=4)
        .map(|id| Shift {
            id,
            name: format!("Shift {id}"),
        })
        .collect();
    // A chart short of a supermajority: 5% leaders, 25% supporters, 35% undecided,
    // 20% opposed, 5% hostile, 10% not rated.
    let mut seed = 7u64;
    let mut next = |m: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % m
    };
    let people: Vec<(Option<i64>, Option<i64>, Option<i32>)> = (0..n)
        .map(|_| {
            let r = next(100);
            let rating = match r {
                0..5 => Some(1),
                5..30 => Some(2),
                30..65 => Some(3),
                65..85 => Some(4),
                85..90 => Some(5),
                _ => None,
            };
            (Some(1 + next(40) as i64), Some(1 + next(4) as i64), rating)
        })
        .collect();
    let rates = Rates::default();
    let moves = [
        Move {
            area_id: Some(3),
            from: 2,
            to: 1,
            count: 400,
        },
        Move {
            area_id: None,
            from: 5,
            to: 2,
            count: 1_000,
        },
        Move {
            area_id: Some(7),
            from: 3,
            to: 2,
            count: 200,
        },
    ];
    let (base, cells) = time(|| cells_of(people.iter().map(|&(a, s, r)| (a, s, level_of(r)))));
    let (cells, _) = apply_moves(&cells, &moves, &areas);
    let rules = [
        (
            "75% of the whole unit",
            VoteRule {
                base: VoteBase::Unit,
                yes_percent: 75,
                turnout_percent: 0,
            },
        ),
        (
            "60% of votes cast, 50% turnout",
            VoteRule {
                base: VoteBase::Cast,
                yes_percent: 60,
                turnout_percent: 50,
            },
        ),
        (
            "67% of votes cast, 70% turnout",
            VoteRule {
                base: VoteBase::Cast,
                yes_percent: 67,
                turnout_percent: 70,
            },
        ),
    ];
    let b = median(&base).as_secs_f64();
    println!(
        "## Vote forecast: {n} coworkers, 40 areas × 4 shifts ({})\n",
        machine()
    );
    println!(
        "Baseline: counting the chart into cells, median {} (p90 {}).\n",
        ms(median(&base)),
        ms(p90(&base))
    );
    print!(
        "{}",
        table_head(&["rule", "step", "median", "p90", "× baseline", "result"])
    );
    for (name, rule) in rules {
        let (f_times, f) =
            time(|| forecast(&rule, &rates, &cells, &areas, &shifts, &Default::default()));
        let (p_times, p) = time(|| path::path(&rule, &rates, &Goal::default(), &cells));
        let o = f.overall.expect("a forecast");
        let mut both: Vec<Duration> = f_times.iter().zip(&p_times).map(|(a, b)| *a + *b).collect();
        both.sort();
        for (step, t, result) in [
            (
                "forecast (scope + 40 areas + 4 shifts)",
                &f_times,
                format!(
                    "pass {:.1}%, yes {:.1}%",
                    o.pass * 100.0,
                    o.yes_share * 100.0
                ),
            ),
            (
                "path to 90%",
                &p_times,
                format!(
                    "{} level moves + {} plans → {:.1}%",
                    p.level_moves,
                    p.turnout_moves,
                    p.after * 100.0
                ),
            ),
            ("both", &both, String::new()),
        ] {
            println!(
                "| {name} | {step} | {} | {} | {} | {result} |",
                ms(median(t)),
                ms(p90(t)),
                ratio(median(t).as_secs_f64(), b)
            );
        }
    }
    println!("\nTarget: forecast and path under 50 ms for 100,000 coworkers.");
}
