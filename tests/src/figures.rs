//! What the benches share: their runtime and settings, and how they count and print
//! their figures.

use std::future::Future;
use std::str::FromStr;
use std::time::Duration;

/// Runs a bench's `run` on the runtime every bench measures with: tokio, two worker
/// threads. `cargo bench` passes `--bench`; no bench takes arguments.
pub fn block_on<F: Future>(run: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
        .block_on(run)
}

/// The setting `key` from the environment, or `default` when it is unset or unreadable.
pub fn env_or<T: FromStr>(key: &str, default: T) -> T {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The CPUs this process may use (0 when the system does not say).
pub fn cpus() -> usize {
    std::thread::available_parallelism().map_or(0, |n| n.get())
}

/// "2 CPUs · x86_64": the machine, for a report's first line.
pub fn machine() -> String {
    format!("{} CPUs · {}", cpus(), std::env::consts::ARCH)
}

/// The times of `n` runs of `f` one after another, after `warmup` runs, sorted.
pub async fn timed<F, Fut>(warmup: usize, n: usize, mut f: F) -> Vec<Duration>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    for _ in 0..warmup {
        f().await;
    }
    let mut samples = Vec::with_capacity(n);
    for _ in 0..n {
        let started = std::time::Instant::now();
        f().await;
        samples.push(started.elapsed());
    }
    samples.sort();
    samples
}

/// The median of sorted samples (of the middle two, their mean).
pub fn median(sorted: &[Duration]) -> Duration {
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }
}

/// The nearest-rank 90th percentile of sorted samples.
pub fn p90(sorted: &[Duration]) -> Duration {
    let rank = (sorted.len() * 9).div_ceil(10).max(1);
    sorted[rank - 1]
}

/// A duration in the unit that reads best: "412 ms", "3.25 ms", "870 µs".
pub fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1e3;
    if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else if ms >= 1.0 {
        format!("{ms:.2} ms")
    } else {
        format!("{:.0} µs", ms * 1e3)
    }
}

/// `a` as a multiple of `b`: "120×", "3.4×", "0.012× (1/83)".
pub fn ratio(a: f64, b: f64) -> String {
    let r = a / b;
    if r >= 100.0 {
        format!("{r:.0}×")
    } else if r >= 0.1 {
        format!("{r:.1}×")
    } else {
        format!("{r:.3}× (1/{:.0})", 1.0 / r)
    }
}

/// A Markdown table's head: the row of `columns` and the rule under it, each ending in a
/// newline.
pub fn table_head(columns: &[&str]) -> String {
    format!(
        "| {} |\n|{}\n",
        columns.join(" | "),
        "---|".repeat(columns.len())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_head_has_one_rule_cell_a_column() {
        assert_eq!(table_head(&["a", "b c"]), "| a | b c |\n|---|---|\n");
    }

    #[test]
    fn median_and_p90_read_sorted_samples() {
        let ms = |n: u64| Duration::from_millis(n);
        let odd: Vec<_> = (1..=5).map(ms).collect();
        assert_eq!(median(&odd), ms(3));
        assert_eq!(p90(&odd), ms(5));
        let even: Vec<_> = (1..=10).map(ms).collect();
        assert_eq!(median(&even), Duration::from_micros(5_500));
        assert_eq!(p90(&even), ms(9));
        assert_eq!(p90(&[ms(7)]), ms(7));
    }
}
