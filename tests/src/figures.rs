//! How the benches print their figures.

use std::time::Duration;

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
