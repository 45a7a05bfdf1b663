//! `/metrics` in the Prometheus text format. Every label takes a bounded
//! set of values (route patterns, status codes, operation kinds, error
//! codes), so no client can grow the server's memory through them.

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts, Registry,
    TextEncoder,
};

/// The server's metrics.
pub struct Metrics {
    registry: Registry,
    /// HTTP requests by route pattern and status.
    pub requests: IntCounterVec,
    /// HTTP latency by route pattern.
    pub latency: HistogramVec,
    /// GraphQL requests by operation kind and outcome (`ok` or the first
    /// error's code).
    pub graphql: IntCounterVec,
    /// Requests refused with 429.
    pub rate_limited: IntCounter,
    /// Requests past their deadline, and statements cancelled by their
    /// time limit.
    pub timeouts: IntCounter,
    /// Export streams started.
    pub exports: IntCounter,
    /// Connections of the API's pool, open and in use.
    pub pool_open: IntGauge,
    pub pool_in_use: IntGauge,
    /// 1 while the database answers its probe.
    pub database_up: IntGauge,
    /// WebSocket connections open.
    pub ws_connections: IntGauge,
    /// WebSocket connections closed because the client fell behind.
    pub ws_cut_off: IntCounter,
    /// Changes the feed sent to subscribers, subscribers now, and the
    /// cohorts they form (identical subscriptions share one).
    pub live_changes: IntGauge,
    pub live_subscribers: IntGauge,
    pub live_cohorts: IntGauge,
    /// Anonymous queries answered from the response cache, and those
    /// that ran.
    pub cache_hits: IntCounter,
    pub cache_misses: IntCounter,
    /// Bytes the response cache holds.
    pub cache_bytes: IntGauge,
}

fn counter(r: &Registry, name: &str, help: &str) -> prometheus::Result<IntCounter> {
    let c = IntCounter::new(name, help)?;
    r.register(Box::new(c.clone()))?;
    Ok(c)
}

fn gauge(r: &Registry, name: &str, help: &str) -> prometheus::Result<IntGauge> {
    let g = IntGauge::new(name, help)?;
    r.register(Box::new(g.clone()))?;
    Ok(g)
}

impl Metrics {
    /// A fresh registry with every metric at zero.
    pub fn new() -> prometheus::Result<Metrics> {
        let registry = Registry::new_custom(Some("tarikh".into()), None)?;
        let requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests by route and status"),
            &["route", "status"],
        )?;
        registry.register(Box::new(requests.clone()))?;
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "HTTP request latency by route (streams: until the head is sent)",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            ]),
            &["route"],
        )?;
        registry.register(Box::new(latency.clone()))?;
        let graphql = IntCounterVec::new(
            Opts::new(
                "graphql_requests_total",
                "GraphQL requests by operation kind and outcome (ok or the first error code)",
            ),
            &["operation", "outcome"],
        )?;
        registry.register(Box::new(graphql.clone()))?;
        Ok(Metrics {
            rate_limited: counter(&registry, "rate_limited_total", "requests refused with 429")?,
            timeouts: counter(
                &registry,
                "timeouts_total",
                "requests past their deadline or with a statement past its time limit",
            )?,
            exports: counter(&registry, "exports_total", "export streams started")?,
            pool_open: gauge(
                &registry,
                "db_pool_open",
                "open connections of the API's pool",
            )?,
            pool_in_use: gauge(
                &registry,
                "db_pool_in_use",
                "connections of the API's pool in use",
            )?,
            database_up: gauge(
                &registry,
                "database_up",
                "1 while the database answers its probe",
            )?,
            ws_connections: gauge(&registry, "ws_connections", "WebSocket connections open")?,
            ws_cut_off: counter(
                &registry,
                "ws_cut_off_total",
                "WebSocket connections closed because the client fell behind or did not read",
            )?,
            live_changes: gauge(
                &registry,
                "live_changes_sent",
                "changes the change feed sent to subscribers since the server started",
            )?,
            live_subscribers: gauge(
                &registry,
                "live_subscribers",
                "subscriptions listening to the change feed",
            )?,
            live_cohorts: gauge(
                &registry,
                "live_cohorts",
                "groups of identical subscriptions, each executing every change once",
            )?,
            cache_hits: counter(
                &registry,
                "response_cache_hits_total",
                "anonymous queries answered from the response cache",
            )?,
            cache_misses: counter(
                &registry,
                "response_cache_misses_total",
                "anonymous queries the response cache could not answer",
            )?,
            cache_bytes: gauge(
                &registry,
                "response_cache_bytes",
                "bytes of keys and answers the response cache holds",
            )?,
            registry,
            requests,
            latency,
            graphql,
        })
    }

    /// The text exposition of every metric.
    pub fn render(&self) -> String {
        let mut out = Vec::new();
        // Encoding into memory fails only for metrics that cannot be named,
        // and these are named above.
        if let Err(e) = TextEncoder::new().encode(&self.registry.gather(), &mut out) {
            tracing::error!(error = %e, "metrics encoding");
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}
