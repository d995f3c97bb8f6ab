//! What the criterion benchmarks share (a module, not a bench target: Cargo
//! takes only `benches/*.rs` and `benches/*/main.rs` as targets).

use criterion::Criterion;
use std::time::Duration;

/// Criterion as these benchmarks run it: 20 samples after half a second's
/// warm-up, each measured for `measurement`, and no plots (the figures are
/// read as ratios to a baseline, not as charts).
pub fn criterion(measurement: Duration) -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(measurement)
        .without_plots()
}
