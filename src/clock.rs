//! The one wall clock: Unix seconds, as the journal, the counters and the
//! knowledge base's manifests record time.

/// Seconds since the Unix epoch (0 on a clock set before 1970).
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
