//! Counters the connector exposes at `GET /metrics`, in Prometheus' text format.
//!
//! Lock-free on the hot path except the by-outcome map, whose key set is tiny and stable.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds (seconds) of the commit latency histogram's buckets.
const LATENCY_BUCKETS: [f64; 14] =
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// The connector's metrics.
#[derive(Debug)]
pub struct Metrics {
    requests_by_outcome: Mutex<BTreeMap<String, u64>>,
    binding_names: Vec<String>,
    events_by_binding: Vec<AtomicU64>,
    in_flight: AtomicI64,
    dedup_hits: AtomicU64,
    latency_buckets: [AtomicU64; LATENCY_BUCKETS.len()],
    latency_count: AtomicU64,
    latency_sum_micros: AtomicU64,
}

impl Metrics {
    /// Metrics for a connector whose bindings (collections) have these names, in binding order.
    pub fn new(binding_names: Vec<String>) -> Metrics {
        Metrics {
            requests_by_outcome: Mutex::new(BTreeMap::new()),
            events_by_binding: binding_names.iter().map(|_| AtomicU64::new(0)).collect(),
            binding_names,
            in_flight: AtomicI64::new(0),
            dedup_hits: AtomicU64::new(0),
            latency_buckets: std::array::from_fn(|_| AtomicU64::new(0)),
            latency_count: AtomicU64::new(0),
            latency_sum_micros: AtomicU64::new(0),
        }
    }

    /// Counts a request answered with this outcome (`captured`, `unauthorized`, `overloaded`, …).
    pub fn request(&self, outcome: &str) {
        let mut map = self.requests_by_outcome.lock().unwrap_or_else(|e| e.into_inner());
        match map.get_mut(outcome) {
            Some(n) => *n += 1,
            None => {
                map.insert(outcome.to_string(), 1);
            }
        }
    }

    /// Counts a committed event of a binding.
    pub fn event(&self, binding: usize) {
        if let Some(counter) = self.events_by_binding.get(binding) {
            counter.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Counts events found already stored (redeliveries).
    pub fn dedup_hits(&self, n: u64) {
        self.dedup_hits.fetch_add(n, Ordering::Relaxed);
    }

    /// Records how long a commit took.
    pub fn commit_latency(&self, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        for (bucket, bound) in self.latency_buckets.iter().zip(LATENCY_BUCKETS) {
            if seconds <= bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.latency_count.fetch_add(1, Ordering::Relaxed);
        self.latency_sum_micros.fetch_add(elapsed.as_micros() as u64, Ordering::Relaxed);
    }

    /// Marks a request as in flight until the guard is dropped.
    pub fn in_flight(&self) -> InFlight<'_> {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        InFlight(self)
    }

    /// The requests answered so far with this outcome.
    pub fn requests_with_outcome(&self, outcome: &str) -> u64 {
        let map = self.requests_by_outcome.lock().unwrap_or_else(|e| e.into_inner());
        map.get(outcome).copied().unwrap_or(0)
    }

    /// The metrics in Prometheus' text exposition format.
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(2048);
        out.push_str("# HELP webhook_requests_total Webhook requests answered, by outcome.\n");
        out.push_str("# TYPE webhook_requests_total counter\n");
        for (outcome, n) in self.requests_by_outcome.lock().unwrap_or_else(|e| e.into_inner()).iter() {
            let _ = writeln!(out, "webhook_requests_total{{outcome=\"{}\"}} {n}", escape(outcome));
        }
        out.push_str("# HELP webhook_events_total Events committed, by binding.\n");
        out.push_str("# TYPE webhook_events_total counter\n");
        for (name, n) in self.binding_names.iter().zip(&self.events_by_binding) {
            let _ = writeln!(out, "webhook_events_total{{binding=\"{}\"}} {}", escape(name), n.load(Ordering::Relaxed));
        }
        out.push_str("# HELP webhook_dedup_hits_total Events already stored, answered without storing them again.\n");
        out.push_str("# TYPE webhook_dedup_hits_total counter\n");
        let _ = writeln!(out, "webhook_dedup_hits_total {}", self.dedup_hits.load(Ordering::Relaxed));
        out.push_str("# HELP webhook_in_flight_requests Webhook requests being processed.\n");
        out.push_str("# TYPE webhook_in_flight_requests gauge\n");
        let _ = writeln!(out, "webhook_in_flight_requests {}", self.in_flight.load(Ordering::Relaxed));
        out.push_str("# HELP webhook_commit_latency_seconds Time from handing events to the sink to their commit.\n");
        out.push_str("# TYPE webhook_commit_latency_seconds histogram\n");
        for (bucket, bound) in self.latency_buckets.iter().zip(LATENCY_BUCKETS) {
            let _ = writeln!(
                out,
                "webhook_commit_latency_seconds_bucket{{le=\"{bound}\"}} {}",
                bucket.load(Ordering::Relaxed)
            );
        }
        let count = self.latency_count.load(Ordering::Relaxed);
        let _ = writeln!(out, "webhook_commit_latency_seconds_bucket{{le=\"+Inf\"}} {count}");
        let _ = writeln!(
            out,
            "webhook_commit_latency_seconds_sum {}",
            self.latency_sum_micros.load(Ordering::Relaxed) as f64 / 1e6
        );
        let _ = writeln!(out, "webhook_commit_latency_seconds_count {count}");
        out
    }
}

/// A request in flight; decrements the gauge when dropped.
#[derive(Debug)]
pub struct InFlight<'a>(&'a Metrics);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

fn escape(label: &str) -> String {
    label.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_every_family() {
        let m = Metrics::new(vec!["push".into(), "other_events".into()]);
        m.request("captured");
        m.request("captured");
        m.request("unauthorized");
        m.event(1);
        m.dedup_hits(3);
        m.commit_latency(Duration::from_millis(3));
        let _guard = m.in_flight();
        let text = m.render();
        assert!(text.contains("webhook_requests_total{outcome=\"captured\"} 2\n"), "{text}");
        assert!(text.contains("webhook_events_total{binding=\"other_events\"} 1\n"), "{text}");
        assert!(text.contains("webhook_events_total{binding=\"push\"} 0\n"), "{text}");
        assert!(text.contains("webhook_dedup_hits_total 3\n"), "{text}");
        assert!(text.contains("webhook_in_flight_requests 1\n"), "{text}");
        assert!(text.contains("webhook_commit_latency_seconds_bucket{le=\"0.0025\"} 0\n"), "{text}");
        assert!(text.contains("webhook_commit_latency_seconds_bucket{le=\"0.005\"} 1\n"), "{text}");
        assert!(text.contains("webhook_commit_latency_seconds_count 1\n"), "{text}");
    }
}
